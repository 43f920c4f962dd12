/**
 * Applies a data-plane plan (plan.ts) to the kernel: the difference between what was applied and what
 * is wanted, as batched `ip -n <ns> -batch -` and `nft -f -` runs, several namespaces at a time.
 *
 * Every command names a namespace vpclab created (`ip -n <ns>` or `ip netns exec <ns>`); the only
 * commands without `-n` are `ip netns add|del` of planned names. Nothing touches the host's namespace.
 *
 * Diffing: each namespace's `ip` lines are "add"/"set" commands; a line that disappeared is undone
 * (`add` → `del`, `master` → `nomaster`) and a new one is run. Lines that name a device whose link was
 * (re)created in this round run again (a recreated veth lost its bridge port and its state). Runs use
 * `-force`, so one refused line (e.g. a route whose device is already gone) does not stop the batch;
 * refusals other than the expected ones are reported through `warn`.
 */
import { spawn } from "node:child_process";
import { partCommands, partDelete, type LinkPlan, type NftPart, type NsPlan, type Plan } from "./plan.js";

export interface RunResult {
  code: number;
  stderr: string;
}

/** Runs a program with `input` on stdin. */
export function run(cmd: string, args: string[], input = ""): Promise<RunResult> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    p.on("error", (err) => resolve({ code: -1, stderr: String(err) }));
    p.on("close", (code) => resolve({ code: code ?? -1, stderr }));
    p.stdin.on("error", () => {});
    p.stdin.end(input);
  });
}

async function pool<T>(items: T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let i = 0;
  const workers = Array.from({ length: Math.min(n, items.length) }, async () => {
    while (i < items.length) await fn(items[i++]!);
  });
  await Promise.all(workers);
}

const EXPECTED = /File exists|No such process|Cannot find device|No such file or directory|does not exist|Nexthop device is not up|RTNETLINK answers: No such device|Cannot assign requested address/;

export function undo(line: string): string | undefined {
  let m = /^link add (\S+) /.exec(line);
  if (m) return `link del ${m[1]}`;
  m = /^link set (\S+) master \S+$/.exec(line);
  if (m) return `link set ${m[1]} nomaster`;
  if (line.startsWith("link set ")) return undefined;
  m = /^(address|route|rule) add (.*?)( nodad| noprefixroute)?$/.exec(line);
  if (m) return `${m[1]} del ${m[2]}`;
  return undefined;
}

function mentions(line: string, devs: Set<string>): boolean {
  for (const w of line.split(" ")) if (devs.has(w)) return true;
  return false;
}

function byOrder(parts: Iterable<[string, NftPart]>, dir: 1 | -1): [string, NftPart][] {
  return [...parts].sort((x, y) => dir * (x[1].order - y[1].order) || x[0].localeCompare(y[0]));
}

/**
 * The `nft -f` script that takes a namespace's ruleset from `before` to `want`: the whole ruleset when
 * the skeleton changed (or the namespace is new), else only the parts that changed, were added (in
 * creation order) or went away (deleted last, in reverse order). One transaction either way.
 * Undefined: nothing to do.
 */
export function nftScript(before: NsPlan | undefined, want: NsPlan, fresh: boolean): string | undefined {
  if (fresh || !before || before.nft !== want.nft) {
    if (want.nft === "") return fresh || !before || before.nft === "" ? undefined : "flush ruleset\n";
    const lines = ["flush ruleset", want.nft];
    for (const [n, p] of byOrder(want.parts, 1)) lines.push(...partCommands(n, p));
    return lines.join("\n") + "\n";
  }
  const lines: string[] = [];
  for (const [n, p] of byOrder(want.parts, 1)) {
    const old = before.parts.get(n);
    if (!old || JSON.stringify(old) !== JSON.stringify(p)) lines.push(...partCommands(n, p));
  }
  for (const [n, p] of byOrder([...before.parts].filter(([n]) => !want.parts.has(n)), -1)) {
    const d = partDelete(n, p);
    if (d) lines.push(d);
  }
  return lines.length > 0 ? lines.join("\n") + "\n" : undefined;
}

export interface ApplyOptions {
  netem: boolean;
  warn: (m: string) => void;
  parallel?: number;
}

export class Applier {
  private applied: Plan = { namespaces: new Map(), links: new Map(), instances: [], notes: [] };

  /** Whether links get their netem delay (set once the kernel was probed). */
  netem: boolean;

  constructor(private readonly opts: ApplyOptions) {
    this.netem = opts.netem;
  }

  /** The namespaces applied now. */
  names(): string[] {
    return [...this.applied.namespaces.keys()];
  }

  async apply(want: Plan): Promise<void> {
    const old = this.applied;
    const par = this.opts.parallel ?? 8;
    const errors: string[] = [];
    const note = (ns: string, r: RunResult) => {
      for (const l of r.stderr.split("\n")) if (l.trim() && !EXPECTED.test(l) && !/^Command failed/.test(l)) errors.push(`${ns}: ${l.trim()}`);
    };
    // 1. Namespaces that went away (their links go with them), and new ones.
    const gone = [...old.namespaces.keys()].filter((n) => !want.namespaces.has(n));
    const fresh = [...want.namespaces.keys()].filter((n) => !old.namespaces.has(n));
    if (gone.length > 0) note("netns", await run("ip", ["-force", "-batch", "-"], gone.map((n) => `netns del ${n}`).join("\n") + "\n"));
    if (fresh.length > 0) note("netns", await run("ip", ["-force", "-batch", "-"], fresh.map((n) => `netns add ${n}`).join("\n") + "\n"));
    const freshSet = new Set(fresh);
    // sysctls of new namespaces before their links exist (a device takes the `default` values when made).
    await pool(
      fresh.map((n) => want.namespaces.get(n)!).filter((ns) => ns.forward || ns.sysctl.length > 0),
      par,
      (ns) => this.sysctls(ns),
    );
    const goneSet = new Set(gone);
    // 2. Links: removed ones (whose ends survive), then new ones (or ones an end of which is new).
    const perNs = new Map<string, string[]>();
    const push = (ns: string, line: string) => {
      let l = perNs.get(ns);
      if (!l) perNs.set(ns, (l = []));
      l.push(line);
    };
    const newDevs = new Map<string, Set<string>>();
    const markNew = (ns: string, dev: string) => {
      let s = newDevs.get(ns);
      if (!s) newDevs.set(ns, (s = new Set()));
      s.add(dev);
    };
    for (const [key, l] of old.links) {
      if (want.links.has(key)) continue;
      if (!goneSet.has(l.a.ns)) push(l.a.ns, `link del ${l.a.dev}`);
      else if (!goneSet.has(l.b.ns)) push(l.b.ns, `link del ${l.b.dev}`);
    }
    const created: LinkPlan[] = [];
    for (const [key, l] of want.links) {
      const was = old.links.get(key);
      if (was && !freshSet.has(l.a.ns) && !freshSet.has(l.b.ns)) {
        if (was.mtu !== l.mtu) {
          push(l.a.ns, `link set ${l.a.dev} mtu ${l.mtu}`);
          push(l.b.ns, `link set ${l.b.dev} mtu ${l.mtu}`);
        }
        continue;
      }
      // A surviving end of a link whose other namespace is new is gone with the old namespace.
      push(l.a.ns, `link add ${l.a.dev} mtu ${l.mtu} type veth peer name ${l.b.dev} mtu ${l.mtu} netns ${l.b.ns}`);
      markNew(l.a.ns, l.a.dev);
      markNew(l.b.ns, l.b.dev);
      created.push(l);
    }
    await pool([...perNs], par, async ([ns, lines]) => note(ns, await run("ip", ["-force", "-n", ns, "-batch", "-"], lines.join("\n") + "\n")));
    // 3. Per namespace: sysctls (new ones), the ip lines' difference, the ruleset.
    const jobs: (() => Promise<void>)[] = [];
    for (const [name, ns] of want.namespaces) {
      const before = old.namespaces.get(name);
      const isNew = freshSet.has(name);
      const devs = newDevs.get(name) ?? new Set<string>();
      const oldLines = new Set(isNew ? [] : before?.ip ?? []);
      const wantLines = new Set(ns.ip);
      const lines: string[] = [];
      for (const l of [...oldLines].reverse()) {
        if (wantLines.has(l)) continue;
        const u = undo(l);
        if (u) lines.push(u);
      }
      for (const l of ns.ip) if (!oldLines.has(l) || mentions(l, devs)) lines.push(l);
      const nft = nftScript(before, ns, isNew);
      // An instance's own sysctls (an appliance forwards): set when new, reset when they change.
      const sysctl = isNew ? [] : before && before.sysctl.join(" ") !== ns.sysctl.join(" ") ? (ns.sysctl.length > 0 ? ns.sysctl : ["net.ipv4.ip_forward=0"]) : [];
      if (lines.length === 0 && nft === undefined && sysctl.length === 0) continue;
      jobs.push(async () => {
        if (sysctl.length > 0) await run("nsenter", [`--net=/run/netns/${name}`, "sysctl", "-qw", ...sysctl]);
        if (lines.length > 0) note(name, await run("ip", ["-force", "-n", name, "-batch", "-"], lines.join("\n") + "\n"));
        if (nft !== undefined) {
          // nsenter joins only the network namespace (`ip netns exec` also makes a mount namespace: slower).
          const r = await run("nsenter", [`--net=/run/netns/${name}`, "nft", "-f", "-"], nft);
          if (r.code !== 0) errors.push(`${name}: nft: ${r.stderr.trim()}`);
        }
      });
    }
    await pool(jobs, par, (j) => j());
    // 4. Delays on the links that were made now (when the kernel has netem).
    if (this.netem) {
      const delayed = [...want.links.values()].filter((l) => l.delayMs !== undefined && (created.includes(l) || old.links.get(l.key)?.delayMs !== l.delayMs));
      await pool(delayed, par, async (l) => {
        for (const end of [l.a, l.b]) note(end.ns, await run("tc", ["-n", end.ns, "qdisc", "replace", "dev", end.dev, "root", "netem", "delay", `${l.delayMs}ms`]));
      });
    }
    this.applied = want;
    if (errors.length > 0) this.opts.warn(`vpclab: data plane: ${errors.slice(0, 10).join("; ")}${errors.length > 10 ? ` (and ${errors.length - 10} more)` : ""}`);
  }

  private async sysctls(ns: NsPlan): Promise<void> {
    // Routers forward; reverse-path filtering off (a host may make new namespaces inherit its own).
    const set = ns.forward ? ["net.ipv4.ip_forward=1", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0", "net.ipv4.conf.all.send_redirects=0", "net.ipv4.conf.default.send_redirects=0"] : ns.sysctl;
    await run("nsenter", [`--net=/run/netns/${ns.name}`, "sysctl", "-qw", ...set]);
  }

  /** Removes every namespace applied, and any other of `prefix` (an apply cut short), with their links. */
  async clear(prefix: string, listed: string[]): Promise<void> {
    const names = [...new Set([...this.names(), ...listed.filter((n) => n.startsWith(prefix))])];
    this.applied = { namespaces: new Map(), links: new Map(), instances: [], notes: [] };
    if (names.length > 0) await run("ip", ["-force", "-batch", "-"], names.map((n) => `netns del ${n}`).join("\n") + "\n");
  }
}
