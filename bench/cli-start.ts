/**
 * CLI start-up benchmark: wall time from spawning `vpclab --version`, `vpclab --help`,
 * `vpclab ping --help` and `vpclab why --help` to their exit, as a median of several runs, in ms and as
 * a ratio to a bare `node -e 0` measured alongside (so a busy or slow machine shifts both alike).
 *
 * Build and run: `npm run build && npm run bench:cli`. Option: `--runs <n>` per command (default 9).
 *
 * These commands never load the AWS SDK (test/e2e/cli-startup.test.ts checks that by the modules
 * loaded, not by time); what remains is Node itself, commander and vpclab's own CLI modules.
 *
 * Not a timed test: it prints its figures and the target (each under 200 ms on the project's machine)
 * and exits 0 either way.
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

const here = dirname(fileURLToPath(import.meta.url));
/** `dist/bench/cli-start.js` → `dist/src/bin/vpclab.js`. */
const VPCLAB_BIN = join(here, "..", "src", "bin", "vpclab.js");
const TARGET_MS = 200;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isInteger(v) && v > 0 ? v : fallback;
}
const RUNS = arg("runs", 9);

function timeOnce(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited ${r.status}: ${r.stderr.toString()}`);
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const cases: Array<{ label: string; args: string[] }> = [
  { label: "node -e 0 (baseline)", args: ["-e", "0"] },
  { label: "vpclab --version", args: [VPCLAB_BIN, "--version"] },
  { label: "vpclab --help", args: [VPCLAB_BIN, "--help"] },
  { label: "vpclab ping --help", args: [VPCLAB_BIN, "ping", "--help"] },
  { label: "vpclab why --help", args: [VPCLAB_BIN, "why", "--help"] },
];

// Interleave the cases run by run, so a burst of load on a shared machine hits all of them alike.
const samples = cases.map(() => [] as number[]);
for (const c of cases) timeOnce(c.args); // warm the file cache
for (let run = 0; run < RUNS; run++) cases.forEach((c, i) => samples[i]!.push(timeOnce(c.args)));

const base = median(samples[0]!);
console.log(`CLI start-up, median of ${RUNS} runs (Node ${process.version}, ${process.platform})`);
console.log(`${"command".padEnd(24)} ${"median".padStart(9)} ${"min".padStart(9)} ${"× node -e 0".padStart(12)}  target`);
cases.forEach((c, i) => {
  const m = median(samples[i]!);
  const min = Math.min(...samples[i]!);
  const verdict = i === 0 ? "" : m < TARGET_MS ? `< ${TARGET_MS} ms: met` : `< ${TARGET_MS} ms: missed`;
  console.log(`${c.label.padEnd(24)} ${`${m.toFixed(0)} ms`.padStart(9)} ${`${min.toFixed(0)} ms`.padStart(9)} ${(m / base).toFixed(2).padStart(12)}  ${verdict}`);
});
