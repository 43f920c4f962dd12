/**
 * What the security gate costs: the browser/token checks (guard.ts) and SigV4 verification (sigv4.ts)
 * per request in-process, and requests per second over raw HTTP keep-alive with `--verify-signatures`
 * off and on (the same SDK-signed CreateVpc body each time, so the client's cost is nil and the
 * difference is the server's).
 *
 * Build and run: `npx tsc -p . && node dist/bench/security.js [--seconds N]` (default 3 per figure).
 * Not a timed test: it prints its figures and exits 0.
 */
import { createHash, createHmac } from "node:crypto";
import { Agent, request, type IncomingMessage } from "node:http";
import { performance } from "node:perf_hooks";
import { SignatureV4 } from "@smithy/signature-v4";
import { startVpclab } from "../src/index.js";
import { RequestGuard } from "../src/server/guard.js";
import { SignatureVerifier } from "../src/server/sigv4.js";

const i = process.argv.indexOf("--seconds");
const SECONDS = i >= 0 && Number(process.argv[i + 1]) > 0 ? Number(process.argv[i + 1]) : 3;
const KEY = { accessKeyId: "AKIABENCHMARK0000001", secretAccessKey: "bench-secret" };

class Sha256 {
  private readonly h;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret === undefined ? createHash("sha256") : createHmac("sha256", typeof secret === "string" ? secret : Buffer.from(secret as Uint8Array));
  }
  update(d: string | ArrayBuffer | ArrayBufferView) {
    this.h.update(typeof d === "string" ? d : Buffer.from(d as Uint8Array));
  }
  digest() {
    return Promise.resolve(new Uint8Array(this.h.digest()));
  }
}

/** A DescribeVpcs request signed by the SDK's signer for host 127.0.0.1:port (describes nothing heavy). */
async function signedRequest(port: number) {
  const body = "Action=DescribeVpcs&Version=2016-11-15&VpcId.1=vpc-00000000000000000";
  const signer = new SignatureV4({ credentials: KEY, region: "us-east-1", service: "ec2", sha256: Sha256 });
  const signed = await signer.sign({
    method: "POST",
    protocol: "http:",
    hostname: "127.0.0.1",
    port,
    path: "/",
    query: {},
    headers: { host: `127.0.0.1:${port}`, "content-type": "application/x-www-form-urlencoded; charset=utf-8", "content-length": String(body.length) },
    body,
  });
  return { body, headers: signed.headers as Record<string, string> };
}

async function perOp(name: string, fn: () => unknown | Promise<unknown>) {
  for (let k = 0; k < 2000; k++) await fn();
  let n = 0;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  while (performance.now() < end) {
    for (let k = 0; k < 200; k++) await fn();
    n += 200;
  }
  const us = ((performance.now() - start) * 1000) / n;
  console.log(`| ${name} | ${us.toFixed(1)} µs |`);
}

interface Target {
  once(): Promise<number>;
  close(): Promise<void>;
}

async function target(verify: boolean): Promise<Target> {
  const lab = await startVpclab({ port: 0, ...(verify ? { verifySignatures: true, credentials: [KEY] } : {}) });
  const { body, headers } = await signedRequest(lab.port);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port: lab.port, method: "POST", path: "/", headers, agent }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      req.end(body);
    });
  // The VPC id does not exist: 400 InvalidVpcID.NotFound is the expected, cheap answer either way;
  // a 403 would mean the signature was refused.
  const status = await once();
  if (status !== 400) throw new Error(`unexpected status ${status}`);
  for (let k = 0; k < 500; k++) await once();
  return {
    once,
    close: async () => {
      agent.destroy();
      await lab.close();
    },
  };
}

async function rate(t: Target, ms: number): Promise<number> {
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    await t.once();
    n++;
  }
  return n / ((performance.now() - start) / 1000);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const guard = new RequestGuard({ adminToken: "t" }, "127.0.0.1");
const { body, headers } = await signedRequest(4566);
const fakeReq = { method: "POST", headers } as unknown as IncomingMessage;
const verifier = new SignatureVerifier([KEY]);
const raw = { method: "POST", url: "/", rawHeaders: Object.entries(headers).flat(), body: Buffer.from(body) };
if ((await verifier.verify(raw)) !== undefined) throw new Error("the benchmark's own request does not verify");

console.log(`security gate, ${SECONDS} s per figure, Node ${process.version}\n`);
console.log("| in-process, per request | time |\n|---|---:|");
await perOp("guard.check (Host, Origin, Sec-Fetch-Site, token)", () => guard.check(fakeReq, false));
await perOp("SignatureVerifier.verify (SDK-signed DescribeVpcs)", () => verifier.verify(raw));
console.log("\n| raw HTTP keep-alive, concurrency 1, DescribeVpcs | req/s |\n|---|---:|");
// Alternating short windows, so that other load on the machine hits both settings alike.
const [offT, onT] = [await target(false), await target(true)];
const offRates: number[] = [];
const onRates: number[] = [];
for (let round = 0; round < 2 * SECONDS; round++) {
  offRates.push(await rate(offT, 500));
  onRates.push(await rate(onT, 500));
}
await offT.close();
await onT.close();
const off = median(offRates);
const on = median(onRates);
console.log(`| --verify-signatures off (median of ${offRates.length} windows of 0.5 s) | ${Math.round(off).toLocaleString("en-US")} |`);
console.log(`| --verify-signatures on (median of ${onRates.length} windows of 0.5 s) | ${Math.round(on).toLocaleString("en-US")} |`);
console.log(`\nverification costs ${((1 / on - 1 / off) * 1e6).toFixed(0)} µs per request end to end (${((1 - on / off) * 100).toFixed(0)} % of throughput)`);
