/**
 * API benchmark: requests per second through `@aws-sdk/client-ec2` over keep-alive, at concurrency 1
 * and 16, for CreateVpc, DescribeVpcs with 1,000 VPCs present, and CreateRoute; and cold start, from
 * spawning `vpclab serve` to its first answered EC2 request (median of several runs).
 *
 * Build and run: `npx tsc -p . && node dist/bench/api.js` (or `npm run bench:api` after a build).
 * Options: `--seconds <n>` per measurement (default 3), `--cold-runs <n>` (default 9).
 *
 * The server runs in its own process, as users run it (`node dist/src/bin/vpclab.js serve`), with its
 * quotas raised the way a user would raise them (`--quota`), so that thousands of VPCs and routes fit.
 * The client side is one Node process; on a small machine the SDK's own work (signing, XML parsing) is
 * part of the figure, as it is for any user of the SDK. A second figure for DescribeVpcs sends the same
 * request over raw HTTP without parsing the answer, to separate the server's cost from the client's.
 *
 * Not a timed test: it prints its figures and the targets (cold start < 300 ms; CreateVpc and CreateRoute
 * ≥ 2,000 req/s; DescribeVpcs with 1,000 VPCs ≥ 200 req/s) and exits 0 either way.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { Agent, request } from "node:http";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { availableParallelism } from "node:os";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import {
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateVpcCommand,
  DescribeVpcsCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";

const here = dirname(fileURLToPath(import.meta.url));
/** `dist/bench/api.js` → `dist/src/bin/vpclab.js`. */
const VPCLAB_BIN = join(here, "..", "src", "bin", "vpclab.js");

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}
const SECONDS = arg("seconds", 3);
const COLD_RUNS = Math.round(arg("cold-runs", 9));
/**
 * Client threads for concurrency 16: the SDK spends more CPU per request (SigV4, middleware, XML
 * parsing) than the server does, so one client thread saturates before the server; the 16 in-flight
 * requests are spread over this many threads (default: the machine's CPU count, at most 4).
 */
const CLIENT_THREADS = Math.round(arg("client-threads", Math.min(4, availableParallelism())));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

interface Server {
  url: string;
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

function spawnServer(port: number, extra: string[] = []): ChildProcess {
  return spawn(process.execPath, [VPCLAB_BIN, "serve", "--port", String(port), ...extra], {
    stdio: ["ignore", "ignore", "inherit"],
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/** A minimal EC2 Query request over raw HTTP; resolves with the status, or rejects if nobody answers. */
function rawQuery(port: number, body: string, agent?: Agent, authorization?: string): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {
      "content-type": "application/x-www-form-urlencoded",
      "content-length": Buffer.byteLength(body),
    };
    if (authorization) headers.authorization = authorization;
    const req = request({ host: "127.0.0.1", port, method: "POST", path: "/", agent: agent ?? false, headers }, (res) => {
      let bytes = 0;
      res.on("data", (c: Buffer) => (bytes += c.length));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function startServer(extra: string[]): Promise<Server> {
  const port = await freePort();
  const child = spawnServer(port, extra);
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const r = await rawQuery(port, "Action=DescribeRegions&Version=2016-11-15");
      if (r.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("vpclab did not start within 10 s");
    await new Promise((r) => setTimeout(r, 20));
  }
  return { url: `http://127.0.0.1:${port}`, port, child, stop: () => stopChild(child) };
}

function client(url: string, region: string, concurrency: number): EC2Client {
  return new EC2Client({
    endpoint: url,
    region,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
    requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: concurrency }) },
  });
}

interface Rate {
  requests: number;
  seconds: number;
  perSecond: number;
  p50ms: number;
  p99ms: number;
}

/** Runs `op` from `concurrency` loops for `seconds` (after a short warm-up) and reports the rate. */
async function measure(concurrency: number, seconds: number, op: (worker: number, i: number) => Promise<unknown>): Promise<Rate> {
  let counter = 0;
  const warmUntil = performance.now() + Math.min(500, seconds * 200);
  const warm = async (w: number) => {
    while (performance.now() < warmUntil) await op(w, counter++);
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => warm(w)));
  const latencies: number[] = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  const loop = async (w: number) => {
    while (performance.now() < end) {
      const t0 = performance.now();
      await op(w, counter++);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => loop(w)));
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  return { requests: latencies.length, seconds: elapsed, perSecond: latencies.length / elapsed, p50ms: pct(0.5), p99ms: pct(0.99) };
}

/** Destination `100.64.0.0/10` split into /32s: a fresh, valid destination for every CreateRoute. */
function destination(i: number): string {
  const ip = (0x64400000 + i) >>> 0;
  return `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}/32`;
}

/** What a load loop sends; serialisable so that worker threads can rebuild it. */
type OpSpec =
  | { op: "CreateVpc"; url: string; region: string }
  | { op: "DescribeVpcs"; url: string; region: string; expect: number }
  | { op: "CreateRoute"; url: string; region: string; tables: string[]; igw: string };

function makeOp(spec: OpSpec, concurrency: number, thread: number): { run: () => Promise<unknown>; close: () => void } {
  const ec2 = client(spec.url, spec.region, concurrency);
  const close = () => ec2.destroy();
  switch (spec.op) {
    case "CreateVpc":
      return { run: () => ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" })), close };
    case "DescribeVpcs":
      return {
        run: async () => {
          const r = await ec2.send(new DescribeVpcsCommand({}));
          if (r.Vpcs!.length !== spec.expect) throw new Error(`expected ${spec.expect} VPCs, got ${r.Vpcs!.length}`);
        },
        close,
      };
    case "CreateRoute": {
      // Each thread takes its own slice of 100.64.0.0/10, so destinations never collide.
      let i = thread * 500_000;
      return {
        run: () => {
          const n = i++;
          return ec2.send(
            new CreateRouteCommand({ RouteTableId: spec.tables[n % spec.tables.length]!, DestinationCidrBlock: destination(n), GatewayId: spec.igw }),
          );
        },
        close,
      };
    }
  }
}

interface LoopResult {
  latencies: number[];
  seconds: number;
}

/** One thread's share: `concurrency` loops for `seconds` after a warm-up. */
async function loadLoops(spec: OpSpec, concurrency: number, seconds: number, thread: number): Promise<LoopResult> {
  const { run, close } = makeOp(spec, concurrency, thread);
  const warmUntil = performance.now() + Math.min(500, seconds * 200);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < warmUntil) await run();
    }),
  );
  const latencies: number[] = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        await run();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  close();
  return { latencies, seconds: elapsed };
}

/** Runs `spec` at `concurrency`, over several client threads when concurrency > 1. */
async function measureSdk(spec: OpSpec, concurrency: number): Promise<Rate> {
  const threads = concurrency === 1 ? 1 : Math.max(1, Math.min(CLIENT_THREADS, concurrency));
  let results: LoopResult[];
  if (threads === 1) {
    results = [await loadLoops(spec, concurrency, SECONDS, 0)];
  } else {
    results = await Promise.all(
      Array.from({ length: threads }, (_, t) => {
        const share = Math.floor(concurrency / threads) + (t < concurrency % threads ? 1 : 0);
        return new Promise<LoopResult>((resolve, reject) => {
          const w = new Worker(fileURLToPath(import.meta.url), { workerData: { spec, concurrency: share, seconds: SECONDS, thread: t } });
          w.once("message", (m: LoopResult) => resolve(m));
          w.once("error", reject);
        });
      }),
    );
  }
  const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const seconds = Math.max(...results.map((r) => r.seconds));
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  return { requests: latencies.length, seconds, perSecond: latencies.length / seconds, p50ms: pct(0.5), p99ms: pct(0.99) };
}

interface Row {
  what: string;
  concurrency: number | string;
  rate?: Rate;
  value?: string;
  target: string;
  pass: boolean;
}

async function benchCreateVpc(server: Server, rows: Row[]): Promise<void> {
  for (const concurrency of [1, 16]) {
    const rate = await measureSdk({ op: "CreateVpc", url: server.url, region: "us-east-2" }, concurrency);
    rows.push({ what: "CreateVpc", concurrency, rate, target: "≥ 2000 req/s", pass: rate.perSecond >= 2000 });
  }
  await rawRows(server, rows, "CreateVpc", "us-west-1", "Action=CreateVpc&Version=2016-11-15&CidrBlock=10.0.0.0%2F16");
}

async function benchDescribeVpcs(server: Server, rows: Row[]): Promise<void> {
  // 999 VPCs plus the region's default VPC: 1,000 VPCs present, all described on every call.
  const setup = client(server.url, "eu-north-1", 16);
  let made = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (made < 999) {
        made++;
        await setup.send(new CreateVpcCommand({ CidrBlock: "10.1.0.0/16" }));
      }
    }),
  );
  const check = await setup.send(new DescribeVpcsCommand({}));
  if (check.Vpcs?.length !== 1000) throw new Error(`expected 1000 VPCs, found ${check.Vpcs?.length}`);
  setup.destroy();
  for (const concurrency of [1, 16]) {
    const rate = await measureSdk({ op: "DescribeVpcs", url: server.url, region: "eu-north-1", expect: 1000 }, concurrency);
    rows.push({ what: "DescribeVpcs (1,000 VPCs)", concurrency, rate, target: "≥ 200 req/s", pass: rate.perSecond >= 200 });
  }
  await rawRows(server, rows, "DescribeVpcs (1,000 VPCs)", "eu-north-1", "Action=DescribeVpcs&Version=2016-11-15");
}

/**
 * The same request over raw HTTP, without the SDK (no signing, no XML parsing): the server's own
 * capacity, to tell a slow server from a busy client. Diagnostic rows, not the measured targets.
 */
async function rawRows(server: Server, rows: Row[], what: string, region: string, body: string): Promise<void> {
  const auth = `AWS4-HMAC-SHA256 Credential=test/20250101/${region}/ec2/aws4_request, SignedHeaders=host, Signature=0`;
  for (const concurrency of [1, 16]) {
    const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    const rate = await measure(concurrency, SECONDS, () => rawWithAuth(server.port, body, auth, agent));
    rows.push({ what: `  ${what}, raw HTTP (no SDK)`, concurrency, rate, target: "(diagnostic)", pass: true });
    agent.destroy();
  }
}

async function rawWithAuth(port: number, body: string, authorization: string, agent: Agent): Promise<void> {
  const { status } = await rawQuery(port, body, agent, authorization);
  if (status !== 200) throw new Error(`HTTP ${status}`);
}

async function benchCreateRoute(server: Server, rows: Row[]): Promise<void> {
  const setup = client(server.url, "ap-northeast-1", 4);
  const vpcId = (await setup.send(new CreateVpcCommand({ CidrBlock: "10.20.0.0/16" }))).Vpc!.VpcId!;
  const igw = (await setup.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
  await setup.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId }));
  // Routes spread over many tables, as real route tables stay small (AWS's quota is 50 routes each).
  const tables: string[] = [];
  for (let i = 0; i < 150; i++) tables.push((await setup.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!);
  setup.destroy();
  for (const [k, concurrency] of [1, 16].entries()) {
    // Each measurement uses its own tables so that destinations never repeat across measurements.
    const mine = tables.filter((_, i) => i % 2 === k);
    const rate = await measureSdk({ op: "CreateRoute", url: server.url, region: "ap-northeast-1", tables: mine, igw }, concurrency);
    rows.push({ what: "CreateRoute", concurrency, rate, target: "≥ 2000 req/s", pass: rate.perSecond >= 2000 });
  }
  let n = 4_000_000;
  const rawTables = tables.slice(0, 100);
  const auth = "AWS4-HMAC-SHA256 Credential=test/20250101/ap-northeast-1/ec2/aws4_request, SignedHeaders=host, Signature=0";
  for (const concurrency of [1, 16]) {
    const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    const rate = await measure(concurrency, SECONDS, () => {
      const i = n++;
      const body = `Action=CreateRoute&Version=2016-11-15&RouteTableId=${rawTables[i % rawTables.length]}&DestinationCidrBlock=${encodeURIComponent(destination(i))}&GatewayId=${igw}`;
      return rawWithAuth(server.port, body, auth, agent);
    });
    rows.push({ what: "  CreateRoute, raw HTTP (no SDK)", concurrency, rate, target: "(diagnostic)", pass: true });
    agent.destroy();
  }
}

/**
 * Time from spawning `vpclab serve` to its first answered EC2 request. With `serverOnly`, the process
 * starts the server through the programmatic entry (`dist/src/index.js`) instead of the CLI, which
 * shows how much of the cold start the CLI's own imports cost.
 */
async function coldStart(serverOnly = false): Promise<number[]> {
  const times: number[] = [];
  const entry = join(here, "..", "src", "index.js");
  for (let run = 0; run < COLD_RUNS; run++) {
    const port = await freePort();
    const t0 = performance.now();
    const child = serverOnly
      ? spawn(
          process.execPath,
          ["--input-type=module", "-e", `import(${JSON.stringify(entry)}).then((m) => m.startVpclab({ port: ${port} }))`],
          { stdio: ["ignore", "ignore", "inherit"] },
        )
      : spawnServer(port);
    let answered = false;
    while (!answered) {
      try {
        const r = await rawQuery(port, "Action=DescribeVpcs&Version=2016-11-15");
        if (r.status !== 200) throw new Error(`cold start answered HTTP ${r.status}`);
        answered = true;
      } catch (err) {
        if (err instanceof Error && err.message.startsWith("cold start")) throw err;
        if (child.exitCode !== null) throw new Error("vpclab exited during cold start");
        await new Promise((r) => setTimeout(r, 2));
      }
    }
    times.push(performance.now() - t0);
    await stopChild(child);
  }
  return times;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function printTable(rows: Row[]): void {
  const header = ["Measurement", "Conc.", "Requests", "req/s", "p50 ms", "p99 ms", "Target", "Result"];
  const body = rows.map((r) => [
    r.what,
    String(r.concurrency),
    r.rate ? String(r.rate.requests) : "",
    r.rate ? r.rate.perSecond.toFixed(0) : r.value ?? "",
    r.rate ? r.rate.p50ms.toFixed(2) : "",
    r.rate ? r.rate.p99ms.toFixed(2) : "",
    r.target,
    r.target === "(diagnostic)" ? "" : r.pass ? "met" : "MISSED",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    "| " + cells.map((c, i) => (i >= 2 && i <= 5 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(" | ") + " |";
  console.log(line(header));
  console.log("|" + widths.map((w, i) => (i >= 2 && i <= 5 ? "-".repeat(w + 1) + ":" : "-".repeat(w + 2))).join("|") + "|");
  for (const b of body) console.log(line(b));
}

async function main(): Promise<void> {
  console.log(
    `vpclab API benchmark: node ${process.version}, ${availableParallelism()} CPUs, ${SECONDS} s per measurement, ` +
      `concurrency 16 spread over ${CLIENT_THREADS} client thread(s); server: ${VPCLAB_BIN}`,
  );
  const rows: Row[] = [];

  const cold = await coldStart();
  const coldMedian = median(cold);
  rows.push({
    what: `Cold start, vpclab serve (median of ${cold.length})`,
    concurrency: "-",
    value: `${coldMedian.toFixed(0)} ms`,
    target: "< 300 ms",
    pass: coldMedian < 300,
  });
  const coldServer = await coldStart(true);
  rows.push({
    what: "  same, startVpclab() without the CLI",
    concurrency: "-",
    value: `${median(coldServer).toFixed(0)} ms`,
    target: "(diagnostic)",
    pass: true,
  });

  const server = await startServer([
    "--quota", "vpcsPerRegion=1000000",
    "--quota", "routesPerRouteTable=1000",
  ]);
  try {
    await benchCreateVpc(server, rows);
    await benchDescribeVpcs(server, rows);
    await benchCreateRoute(server, rows);
  } finally {
    await server.stop();
  }
  console.log("");
  printTable(rows);
  console.log(`\ncold start runs, vpclab serve (ms): ${cold.map((t) => t.toFixed(0)).join(", ")}`);
  console.log(`cold start runs, startVpclab() (ms): ${coldServer.map((t) => t.toFixed(0)).join(", ")}`);
}

if (isMainThread) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
} else {
  const { spec, concurrency, seconds, thread } = workerData as { spec: OpSpec; concurrency: number; seconds: number; thread: number };
  loadLoops(spec, concurrency, seconds, thread).then(
    (r) => parentPort!.postMessage(r),
    (err: unknown) => {
      throw err;
    },
  );
}
