/**
 * Soak benchmark: memory under churn. 200,000 create/delete requests (VPC, subnet, security group:
 * made and deleted again, 8 clients at once) over raw HTTP keep-alive against an in-process server;
 * prints RSS and the live heap (after a full GC) at the start (after a warm-up that also fills the
 * 10,000-entry request log), the middle and the end. The live heap must end within 10 % of the start:
 * nothing the server keeps may grow with the number of requests served.
 *
 * Build and run: `npm run build && npm run bench:soak` (= `node --expose-gc dist/bench/soak.js`).
 * Options: `--requests <n>` (default 200000), `--data-dir <dir>` (soak with persistence on).
 *
 * Not a timed test: it prints its figures and the verdict, and exits 0 either way.
 */
import { Agent, request } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { VpclabServer } from "../src/server/server.js";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const TOTAL = Number(arg("requests") ?? 200_000);
const WARMUP = 12_000;
const CLIENTS = 8;
const AUTH = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error("run with node --expose-gc (npm run bench:soak does)");
  process.exit(1);
}

function post(port: number, agent: Agent, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, method: "POST", path: "/", agent, headers: { "content-type": "application/x-www-form-urlencoded", authorization: AUTH, "content-length": Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if (res.statusCode !== 200) reject(new Error(`${res.statusCode}: ${text.slice(0, 300)}`));
          else resolve(text);
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const pick = (xml: string, tag: string) => new RegExp(`<${tag}>([^<]+)</${tag}>`).exec(xml)![1]!;

interface Mark {
  label: string;
  requests: number;
  rssMb: number;
  heapMb: number;
}

function measure(label: string, requests: number): Mark {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return { label, requests, rssMb: m.rss / 2 ** 20, heapMb: m.heapUsed / 2 ** 20 };
}

async function main(): Promise<void> {
  const dataDir = arg("data-dir") ?? (process.argv.includes("--persist") ? mkdtempSync(join(tmpdir(), "vpclab-soak-")) : undefined);
  const server = new VpclabServer({ port: 0, quotas: { vpcsPerRegion: 100 }, dataDir, onFatal: (e) => console.error(e.message) });
  const { port } = await server.listen();
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  let sent = 0;
  const marks: Mark[] = [];
  const wanted = [
    { at: WARMUP, label: "start" },
    { at: WARMUP + TOTAL / 2, label: "middle" },
    { at: WARMUP + TOTAL, label: "end" },
  ];
  let pause: Promise<void> | undefined;

  /** One cycle: 6 requests, everything made is deleted again. */
  const cycle = async (c: number) => {
    const q = (s: string) => {
      sent++;
      return post(port, agent, `Version=2016-11-15&${s}`);
    };
    const vpc = pick(await q(`Action=CreateVpc&CidrBlock=10.${c}.0.0%2F16&TagSpecification.1.ResourceType=vpc&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=soak-${sent}`), "vpcId");
    const subnet = pick(await q(`Action=CreateSubnet&VpcId=${vpc}&CidrBlock=10.${c}.1.0%2F24`), "subnetId");
    const sg = pick(await q(`Action=CreateSecurityGroup&VpcId=${vpc}&GroupName=g${sent}&GroupDescription=soak`), "groupId");
    await q(`Action=DeleteSecurityGroup&GroupId=${sg}`);
    await q(`Action=DeleteSubnet&SubnetId=${subnet}`);
    await q(`Action=DeleteVpc&VpcId=${vpc}`);
  };

  const t0 = performance.now();
  const client = async (c: number) => {
    while (sent < WARMUP + TOTAL) {
      await cycle(c);
      if (pause) await pause;
      const next = wanted[marks.length];
      if (next && sent >= next.at && !pause) {
        // Let every client finish its cycle, then measure with nothing in flight.
        let release!: () => void;
        pause = new Promise((r) => (release = r));
        await new Promise((r) => setTimeout(r, 200));
        marks.push(measure(next.label, sent));
        const m = marks[marks.length - 1]!;
        console.log(`${m.label.padEnd(6)} after ${String(m.requests).padStart(7)} requests: RSS ${m.rssMb.toFixed(1)} MB, live heap ${m.heapMb.toFixed(2)} MB`);
        pause = undefined;
        release();
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
  const seconds = (performance.now() - t0) / 1000;
  if (marks.length < 3) marks.push(measure("end", sent));
  const start = marks[0]!;
  const end = marks[marks.length - 1]!;
  const growth = (end.heapMb - start.heapMb) / start.heapMb;
  console.log(
    `${sent} requests in ${seconds.toFixed(1)} s (${Math.round(sent / seconds)} req/s${dataDir ? ", persistence on" : ""}); live heap ${growth >= 0 ? "+" : ""}${(growth * 100).toFixed(1)} % from start to end [target: within 10 %] ${Math.abs(growth) <= 0.1 ? "OK" : "OVER"}`,
  );
  agent.destroy();
  await server.close();
  if (dataDir && !arg("data-dir")) rmSync(dataDir, { recursive: true, force: true });
}

await main();
