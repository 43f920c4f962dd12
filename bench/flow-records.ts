/**
 * Flow log records benchmark: what recording costs a simulated send, and what a full ring holds.
 * On a small network (two VPCs in two regions, peered, one instance each), measures the engine's
 * `ping` (count 1) per call, p50/p99, with no flow log, with one VPC flow log on each side, and with
 * flow logs on the interface, the subnet and the VPC on each side (3 covering flow logs per interface:
 * 12 records per ping). Then fills one flow log's ring (10,000 records) and reports the heap it takes,
 * and times a `GET /flow-logs`-style query over it.
 *
 * Build and run: `npx tsc -p . && node --expose-gc dist/bench/flow-records.js [--n 20000]`.
 * Not a timed test: prints its figures and exits 0.
 */
import { performance } from "node:perf_hooks";
import { NetBuilder } from "../src/engine/builder.js";
import { engineOf } from "../src/engine/index.js";
import { queryFlowRecords, RING_SIZE } from "../src/engine/flow-records.js";
import { createFlowLogs } from "../src/domain/flow-logs.js";

const args = process.argv.slice(2);
const N = (() => {
  const i = args.indexOf("--n");
  return i >= 0 ? Number(args[i + 1]) : 20000;
})();

const b = new NetBuilder();
const ends = ["ap-northeast-1", "ap-southeast-1"].map((region, k) => {
  const rs = b.rs(region);
  const vpc = b.vpc(rs, `10.${k}.0.0/16`);
  const subnet = b.subnet(rs, vpc, `10.${k}.1.0/24`);
  const sg = b.sg(rs, vpc, [{ proto: "-1", cidr: "10.0.0.0/8" }], { allEgress: true });
  const { eni } = b.instance(rs, subnet, `10.${k}.1.10`, { sgs: [sg], name: `box-${k}` });
  return { rs, vpc, subnet, eni };
});
const [a, c] = ends as [(typeof ends)[0], (typeof ends)[0]];
const pcx = b.peering({ rs: a.rs, vpc: a.vpc }, { rs: c.rs, vpc: c.vpc });
b.route(b.mainRt(a.rs, a.vpc), "10.1.0.0/16", { kind: "pcx", id: pcx.id } as never);
b.route(b.mainRt(c.rs, c.vpc), "10.0.0.0/16", { kind: "pcx", id: pcx.id } as never);
const world = b.world;
const engine = engineOf(world);

function run(label: string): void {
  const times: number[] = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    const r = engine.ping({ from: "box-0", to: "box-1", count: 1, seed: 1 });
    times.push(performance.now() - t0);
    if (i === 0 && r.stats.received !== 1) throw new Error(`${label}: the ping did not get through`);
  }
  times.sort((x, y) => x - y);
  const us = (q: number) => (times[Math.floor(q * (times.length - 1))]! * 1000).toFixed(1);
  console.log(`${label.padEnd(44)} p50 ${us(0.5).padStart(7)} µs   p99 ${us(0.99).padStart(7)} µs`);
}

const flowLog = (rs: typeof a.rs, type: "VPC" | "Subnet" | "NetworkInterface", id: string, dest: string) =>
  createFlowLogs(world, rs, { resourceIds: [id], resourceType: type, trafficType: "ALL", logDestinationType: "s3", logDestination: `arn:aws:s3:::${dest}` }, new Map());

console.log(`ping count 1, ${N} calls each`);
run("no flow log");
for (const e of ends) flowLog(e.rs, "VPC", e.vpc.id, "vpc-logs");
run("one VPC flow log per side (4 records/ping)");
for (const e of ends) {
  flowLog(e.rs, "Subnet", e.subnet.id, "subnet-logs");
  flowLog(e.rs, "NetworkInterface", e.eni.id, "eni-logs");
}
run("3 flow logs per interface (12 records/ping)");

const gc = (globalThis as { gc?: () => void }).gc;
const heap = () => {
  gc?.();
  return process.memoryUsage().heapUsed;
};
const all = queryFlowRecords(world, {});
console.log(`records kept: ${all.records.length} in ${ends.length * 3} rings (at most ${RING_SIZE} each)`);
const h0 = heap();
const one = world.region("000000000000", "ap-northeast-1");
const extra = flowLog(one, "VPC", a.vpc.id, "extra").ids[0]!;
for (let i = 0; i < RING_SIZE / 2; i++) engine.ping({ from: "box-0", to: "box-1", count: 1, seed: 1 });
const h1 = heap();
const mine = queryFlowRecords(world, { flowLogId: extra });
console.log(`one full ring (${mine.records.length} records): ~${((h1 - h0) / 1024 / 1024).toFixed(1)} MiB of heap${gc ? "" : " (run with --expose-gc for a steadier figure)"}, across every ring filled meanwhile`);
const t0 = performance.now();
const q = queryFlowRecords(world, { eni: a.eni.id, since: mine.last - 1000 });
console.log(`query by interface, since = last - 1000: ${q.records.length} records in ${(performance.now() - t0).toFixed(2)} ms`);
