/**
 * Step-by-step progress for the scenario commands (`peer`, `unpeer`, `up`, `down`, `demo`): one line per
 * step, with a spinner while the step runs that turns into ✔ (done), – (nothing to do), ! (done with a
 * warning) or ✖ (failed), then a summary table.
 *
 * Hand-written rather than a spinner library: it is thirty lines, and it must degrade to plain lines
 * when stdout is not a terminal (CI logs, tests running the CLI as a subprocess), where a spinner's
 * carriage returns would only be noise. With `--json` it prints nothing: the command prints one JSON
 * document at the end instead.
 */

export type StepStatus = "done" | "unchanged" | "warning" | "failed";

export interface StepResult {
  title: string;
  status: StepStatus;
  /** A short account of what the step did, shown after the title. */
  detail: string;
  /** Further lines shown under the step (the routes added, the conflicts found, …). */
  notes: string[];
  ms: number;
}

/** What a step body may say about itself while it runs. */
export interface StepHandle {
  /** Sets the detail shown after the title. */
  detail(text: string): void;
  /** Adds a line under the step. */
  note(text: string): void;
  /** The step ran and found nothing to change. */
  unchanged(text?: string): void;
  /** The step ran, but something needs the user's attention. */
  warn(text: string): void;
}

const MARK: Record<StepStatus, string> = { done: "✔", unchanged: "–", warning: "!", failed: "✖" };
const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export class Progress {
  readonly steps: StepResult[] = [];
  private readonly tty: boolean;

  constructor(
    private readonly quiet: boolean,
    private readonly out: NodeJS.WriteStream = process.stdout,
    /** false: print only each step's line, not the lines under it */
    private readonly notes = true,
  ) {
    this.tty = Boolean(out.isTTY) && !quiet && process.env.TERM !== "dumb";
  }

  /** Runs one step; a throw marks it failed (✖) and propagates. */
  async step<T>(title: string, body: (h: StepHandle) => Promise<T>): Promise<T> {
    const rec: StepResult = { title, status: "done", detail: "", notes: [], ms: 0 };
    const started = Date.now();
    let frame = 0;
    const timer = this.tty
      ? setInterval(() => this.out.write(`\r\x1b[K${FRAMES[frame++ % FRAMES.length]} ${title}${rec.detail ? ` … ${rec.detail}` : ""}`), 80)
      : undefined;
    if (this.tty) this.out.write(`${FRAMES[0]} ${title}`);
    const handle: StepHandle = {
      detail: (t) => void (rec.detail = t),
      note: (t) => void rec.notes.push(t),
      unchanged: (t) => {
        rec.status = "unchanged";
        if (t !== undefined) rec.detail = t;
      },
      warn: (t) => {
        rec.status = "warning";
        rec.notes.push(t);
      },
    };
    try {
      const value = await body(handle);
      return value;
    } catch (err) {
      rec.status = "failed";
      rec.detail = (err as Error).message ?? String(err);
      throw err;
    } finally {
      if (timer) clearInterval(timer);
      rec.ms = Date.now() - started;
      this.steps.push(rec);
      this.print(rec);
    }
  }

  /** Prints a free line (a heading, a blank line, an explanation), unless quiet. */
  line(text = ""): void {
    if (!this.quiet) this.out.write(text + "\n");
  }

  /**
   * A dry run's plan: the mutating calls that would be made (already formatted), or `nothing` when
   * there are none. Shared by peer, unpeer, mesh, unmesh, up and down so their plans read alike.
   */
  dryRunPlan(calls: string[], nothing: string): void {
    this.line(calls.length ? `Dry run: ${calls.length} mutating API call(s) WOULD be made (none was):` : nothing);
    for (const c of calls) this.line(`  ${c}`);
  }

  /** The steps as a JSON report carries them. */
  stepReport(): Pick<StepResult, "title" | "status" | "detail">[] {
    return this.steps.map((s) => ({ title: s.title, status: s.status, detail: s.detail }));
  }

  /** Prints a table with a header row, columns padded to their widest cell. */
  table(header: string[], rows: (string | undefined)[][]): void {
    if (this.quiet) return;
    this.out.write(formatTable(header, rows));
  }

  private print(rec: StepResult): void {
    if (this.quiet) return;
    const head = `${MARK[rec.status]} ${rec.title}${rec.detail ? `: ${rec.detail}` : ""}`;
    this.out.write(`${this.tty ? "\r\x1b[K" : ""}${head}\n`);
    if (this.notes || rec.status === "warning" || rec.status === "failed") for (const n of rec.notes) this.out.write(`    ${n.replace(/\n/g, "\n    ")}\n`);
  }
}

export function formatTable(header: string[], body: (string | undefined)[][]): string {
  const rows = body.map((r) => r.map((c) => c ?? ""));
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => [...(r[i] ?? "")].length)));
  const fmt = (r: string[]) =>
    r.map((c, i) => (i === r.length - 1 ? c : c + " ".repeat(widths[i]! - [...c].length))).join("  ").trimEnd();
  return [fmt(header), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(fmt)].join("\n") + "\n";
}

/** Asks a yes/no question on the terminal; false when stdin is not a terminal. */
export async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
