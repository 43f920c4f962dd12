/**
 * Persistence benchmark (`--data-dir`):
 * 1. Write throughput at concurrency 16, persistence off vs on (group commit: one fdatasync per batch
 *    of requests that arrived together). Raw HTTP keep-alive from this process to a `vpclab serve`
 *    child, so the client costs little next to the server. Two writes: CreateVpc (the state grows, so
 *    snapshots grow too) and CreateTags on one VPC (steady state). Target: on ≥ 50 % of off.
 * 2. Restart time with 10,000 VPCs, 50,000 routes and 10,000 instances (plus their subnets, groups,
 *    ACLs and interfaces) over 4 regions: the state is built in-process with the engine's builder,
 *    loaded into the server with `POST /_vpclab/state/load`, then the server is killed with SIGKILL
 *    (restart = snapshot-less replay of the journaled load) and stopped cleanly (restart = snapshot).
 *    Measured from spawning `vpclab serve` to its first answered DescribeVpcs. Target: < 2 s.
 *
 * Build and run: `npm run build && npm run bench:persist` (= `node dist/bench/persist.js`).
 * Options: `--seconds <n>` per throughput run (default 4), `--rounds <n>` runs of each, off and on
 * alternating, medians compared (default 3). Not a timed test: prints and exits 0.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { Agent, request } from "node:http";
import { mkdtempSync, rmSync, statSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { NetBuilder } from "../src/engine/builder.js";
import { encodeState } from "../src/state/document.js";
import { zonesOf } from "../src/model/regions.js";

const here = dirname(fileURLToPath(import.meta.url));
const VPCLAB_BIN = join(here, "..", "src", "bin", "vpclab.js");
const i = process.argv.indexOf("--seconds");
const SECONDS = i >= 0 ? Number(process.argv[i + 1]) : 4;
const r = process.argv.indexOf("--rounds");
const ROUNDS = r >= 0 ? Number(process.argv[r + 1]) : 3;
const AUTH = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0";

interface Child {
  proc: ChildProcess;
  url: string;
  port: number;
}

function serve(args: string[]): Promise<Child> {
  const proc = spawn(process.execPath, [VPCLAB_BIN, "serve", "--port", "0", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  return new Promise((resolve, reject) => {
    proc.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /on (http:\/\/127\.0\.0\.1:(\d+))/.exec(out);
      if (m) resolve({ proc, url: m[1]!, port: Number(m[2]) });
    });
    proc.once("exit", (code) => reject(new Error(`vpclab exited with ${code}`)));
  });
}

function end(c: Child, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    c.proc.removeAllListeners("exit");
    c.proc.once("exit", () => resolve());
    c.proc.kill(signal);
  });
}

function post(port: number, agent: Agent | undefined, path: string, body: string, type = "application/x-www-form-urlencoded"): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, method: "POST", path, agent, headers: { "content-type": type, authorization: AUTH, "content-length": Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function throughput(port: number, body: (n: number) => string): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  let n = 0;
  let errors = 0;
  const until = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (performance.now() < until) {
        const r = await post(port, agent, "/", body(n++));
        if (r.status !== 200) errors++;
      }
    }),
  );
  agent.destroy();
  if (errors > 0) console.log(`  (${errors} errors)`);
  return n / ((performance.now() - t0) / 1000);
}

async function writes(): Promise<void> {
  console.log(`write throughput, concurrency 16, ${ROUNDS} × ${SECONDS} s each (raw HTTP keep-alive; server in its own process):`);
  const rows: [string, number, number][] = [];
  for (const [what, setup, body] of [
    ["CreateVpc", async (_port: number) => "", (n: number) => `Action=CreateVpc&Version=2016-11-15&CidrBlock=10.${(n >> 8) & 255}.${n & 255}.0%2F24`],
    [
      "CreateTags (one VPC)",
      async (port: number) => /<vpcId>([^<]+)</.exec((await post(port, undefined, "/", "Action=CreateVpc&Version=2016-11-15&CidrBlock=10.0.0.0%2F16")).text)![1]!,
      (n: number, vpc?: string) => `Action=CreateTags&Version=2016-11-15&ResourceId.1=${vpc}&Tag.1.Key=k${n % 20}&Tag.1.Value=v${n}`,
    ],
  ] as [string, (port: number) => Promise<string>, (n: number, vpc?: string) => string][]) {
    // Off and on alternate, ROUNDS times each, and the medians are compared: on a shared machine the
    // load of other processes moves single figures a lot.
    const off: number[] = [];
    const on: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const persist of [false, true]) {
        const dir = persist ? mkdtempSync(join(tmpdir(), "vpclab-bench-")) : undefined;
        const c = await serve(["--quota", "vpcsPerRegion=1000000", ...(dir ? ["--data-dir", dir] : [])]);
        const vpc = await setup(c.port);
        (persist ? on : off).push(await throughput(c.port, (n) => body(n, vpc)));
        await end(c, "SIGKILL");
        if (dir) rmSync(dir, { recursive: true, force: true });
      }
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    rows.push([what, med(off), med(on)]);
    const list = (xs: number[]) => xs.map((x) => x.toFixed(0)).join("/");
    console.log(
      `  ${what.padEnd(22)} off ${med(off).toFixed(0).padStart(6)} req/s   on ${med(on).toFixed(0).padStart(6)} req/s   on/off ${((med(on) / med(off)) * 100).toFixed(0)} % [target ≥ 50 %]   (runs off ${list(off)}, on ${list(on)})`,
    );
  }
}

/** 10,000 VPCs, each with a subnet, a main route table of 1 local + 5 routes, and one running instance. */
function bigState(): string {
  const b = new NetBuilder({ defaults: false });
  const regions = ["us-east-1", "eu-west-1", "ap-northeast-1", "ap-southeast-1"];
  let routes = 0;
  let instances = 0;
  for (let v = 0; v < 10_000; v++) {
    const region = regions[v % regions.length]!;
    const rs = b.rs(region);
    const second = Math.floor(v / regions.length);
    const cidr = `10.${second >> 4}.${(second & 15) << 4}.0/20`;
    const vpc = b.vpc(rs, cidr);
    const subnet = b.subnet(rs, vpc, cidr.replace("/20", "/24"), v % zonesOf(region).length);
    const rt = b.mainRt(rs, vpc);
    for (let r = 0; r < 5; r++) {
      b.route(rt, `172.${16 + r}.${second >> 8}.${second & 255}/32`, { kind: "igw", id: `igw-${String(v).padStart(17, "0")}` });
      routes++;
    }
    b.instance(rs, subnet, cidr.replace(".0/20", ".10"));
    instances++;
  }
  const text = encodeState(b.world);
  console.log(`state: 10000 VPCs, ${routes} routes (+10000 local), ${instances} instances: document ${(text.length / 2 ** 20).toFixed(1)} MB`);
  return text;
}

async function firstAnswer(args: string[]): Promise<{ ms: number; child: Child }> {
  const t0 = performance.now();
  const child = await serve(args);
  const r = await post(child.port, undefined, "/", "Action=DescribeVpcs&Version=2016-11-15&MaxResults=5");
  if (r.status !== 200) throw new Error(`DescribeVpcs answered ${r.status}`);
  return { ms: performance.now() - t0, child };
}

async function restart(): Promise<void> {
  const text = bigState();
  const dir = mkdtempSync(join(tmpdir(), "vpclab-restart-"));
  try {
    const empty = await firstAnswer(["--data-dir", dir]);
    console.log(`start on an empty data directory: ${empty.ms.toFixed(0)} ms`);
    const t0 = performance.now();
    const loaded = await post(empty.child.port, undefined, "/_vpclab/state/load", text, "application/json");
    if (loaded.status !== 200) throw new Error(`state/load answered ${loaded.status}: ${loaded.text.slice(0, 300)}`);
    console.log(`POST /_vpclab/state/load (journaled and fsynced before the answer): ${(performance.now() - t0).toFixed(0)} ms`);
    await end(empty.child, "SIGKILL");
    const files = readdirSync(dir).map((f) => `${f} ${(statSync(join(dir, f)).size / 2 ** 20).toFixed(1)} MB`);
    console.log(`  after SIGKILL the directory holds: ${files.join(", ")}`);
    const replay = await firstAnswer(["--data-dir", dir]);
    console.log(`restart after SIGKILL just after the load was acknowledged: ${replay.ms.toFixed(0)} ms to the first answer [target < 2000 ms]`);
    await end(replay.child, "SIGTERM");
    const files2 = readdirSync(dir).map((f) => `${f} ${(statSync(join(dir, f)).size / 2 ** 20).toFixed(1)} MB`);
    console.log(`  after a clean stop: ${files2.join(", ")}`);
    const runs: number[] = [];
    for (let k = 0; k < 3; k++) {
      const snap = await firstAnswer(["--data-dir", dir]);
      runs.push(snap.ms);
      await end(snap.child, "SIGKILL");
    }
    runs.sort((a, b) => a - b);
    console.log(`restart from the snapshot: median ${runs[1]!.toFixed(0)} ms (runs ${runs.map((r) => r.toFixed(0)).join(", ")}) [target < 2000 ms]`);
    // The worst case after a crash: the snapshot plus a journal just short of the next snapshot
    // (the door re-encodes the base every 5,000 entries at the latest).
    const busy = await serve(["--data-dir", dir, "--quota", "vpcsPerRegion=100000"]);
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    let k = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (k < 4_900) {
          const n = k++;
          await post(busy.port, agent, "/", `Action=CreateVpc&Version=2016-11-15&CidrBlock=192.168.${n & 255}.${(n >> 8) << 4}%2F28`);
        }
      }),
    );
    agent.destroy();
    await end(busy, "SIGKILL");
    const journals = readdirSync(dir).filter((f) => f.startsWith("journal-")).map((f) => `${f} ${(statSync(join(dir, f)).size / 2 ** 20).toFixed(1)} MB`);
    const heavy = await firstAnswer(["--data-dir", dir, "--quota", "vpcsPerRegion=100000"]);
    console.log(`restart after SIGKILL with 4,900 CreateVpc in the journal (${journals.join(", ")}): ${heavy.ms.toFixed(0)} ms [target < 2000 ms]`);
    await end(heavy.child, "SIGKILL");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await writes();
await restart();
