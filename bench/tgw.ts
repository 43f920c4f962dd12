/**
 * Transit gateway benchmark: a TGW-heavy network built straight into World records (as bench/engine.ts
 * does): 20 transit gateways (10 regions × 2 accounts), 1,000 VPCs each attached to its region's
 * gateway (1,000 VPC attachments, associated with and propagating to the gateway's table), a full mesh
 * of TGW peering attachments between each account's gateways (90), and in every table a static route
 * for each remote VPC of the account plus 50 blackhole routes (about 10k static TGW routes). Every VPC
 * routes 10.0.0.0/8 to its gateway. Measures one query in-process, p50/p99, verdict only and with the
 * full explanation, on random pairs within one account (same region: one gateway; other region: two
 * gateways and a peering), against bench/engine.ts's targets (p99 ≤ 50 µs / ≤ 100 µs).
 *
 * Build and run: `npx tsc -p . && node dist/bench/tgw.js [--queries N]` (default 20000).
 * Not a timed test: prints its figures and exits 0.
 */
import { performance } from "node:perf_hooks";
import { World } from "../src/state/world.js";
import { NetBuilder } from "../src/engine/builder.js";
import { analyze } from "../src/engine/index.js";
import { formatIp } from "../src/domain/cidr.js";
import { mulberry32 } from "../src/engine/latency.js";
import type { NetworkInterface, TgwRouteTable, TransitGateway, Vpc } from "../src/domain/types.js";
import type { RegionState } from "../src/state/world.js";

const args = process.argv.slice(2);
const i = args.indexOf("--queries");
const QUERIES = i >= 0 ? Number(args[i + 1]) : 20000;

const REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-northeast-1", "ap-southeast-1", "ap-south-1", "sa-east-1", "ca-central-1", "ap-southeast-2"];
const ACCOUNTS = ["000000000000", "111111111111"];

interface Hub {
  rs: RegionState;
  tgw: TransitGateway;
  table: TgwRouteTable;
  vpcs: { vpc: Vpc; enis: NetworkInterface[] }[];
}

function generate() {
  const world = new World(() => {}, { quotas: { vpcsPerRegion: 10_000 } });
  const b = new NetBuilder({ world });
  const hubs: Hub[] = [];
  let n = 0;
  for (const account of ACCOUNTS) {
    for (const region of REGIONS) {
      const rs = b.rs(region, account);
      const tgw = b.tgw(rs);
      const table = b.tgwTable(rs, tgw);
      const hub: Hub = { rs, tgw, table, vpcs: [] };
      for (let k = 0; k < 50; k++, n++) {
        // A /20 per VPC inside 10.0.0.0/8, distinct within each account.
        const base = 0x0a000000 + (n % 500) * 4096;
        const vpc = b.vpc(rs, `${formatIp(base)}/20`);
        const subnet = b.subnet(rs, vpc, `${formatIp(base)}/22`, 0);
        const sg = b.sg(rs, vpc, [{ proto: "-1", cidr: "10.0.0.0/8" }], { allEgress: true });
        const enis = [10, 11].map((h) => b.instance(rs, subnet, formatIp(base + h), { sgs: [sg] }).eni);
        b.route(b.mainRt(rs, vpc), "10.0.0.0/8", { kind: "tgw", id: tgw.id });
        const att = b.tgwAttach(rs, tgw, vpc, [subnet]);
        table.associations.push(att.id);
        table.propagations.push(att.id);
        hub.vpcs.push({ vpc, enis });
      }
      hubs.push(hub);
    }
  }
  let peerings = 0;
  for (const account of ACCOUNTS) {
    const mine = hubs.filter((h) => h.rs.account === account);
    for (let x = 0; x < mine.length; x++) {
      for (let y = x + 1; y < mine.length; y++) {
        const p = b.tgwPeering(mine[x]!, mine[y]!);
        peerings++;
        for (const [from, to] of [[mine[x]!, mine[y]!], [mine[y]!, mine[x]!]] as const) {
          from.table.associations.push(p.id);
          for (const v of to.vpcs) b.tgwRoute(from.table, { destinationCidr: v.vpc.cidrBlocks[0]!.cidr, attachmentId: p.id, blackhole: false });
        }
      }
    }
  }
  for (const h of hubs) for (let k = 0; k < 50; k++) b.tgwRoute(h.table, { destinationCidr: `172.${16 + (k >> 4)}.${(k & 15) * 16}.0/20`, blackhole: true });
  const routes = hubs.reduce((s, h) => s + h.table.routes.length, 0);
  return { world, hubs, peerings, routes };
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}
const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;

function main() {
  let t = performance.now();
  const { world, hubs, peerings, routes } = generate();
  console.log(`generated in ${(performance.now() - t).toFixed(0)} ms: ${hubs.length} transit gateways, ${hubs.reduce((s, h) => s + h.vpcs.length, 0)} VPC attachments, ${peerings} peering attachments, ${routes} static TGW routes`);
  const rnd = mulberry32(7);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const pair = (sameRegion: boolean) => {
    const a = pick(hubs);
    const others = hubs.filter((h) => h.rs.account === a.rs.account && (sameRegion ? h === a : h !== a));
    const c = pick(others);
    return { source: pick(pick(a.vpcs).enis).id, destination: pick(pick(c.vpcs).enis).privateIps[0]!.address };
  };
  t = performance.now();
  analyze(world, { ...pair(false), protocol: "icmp" });
  console.log(`first query (compiles the model and the tables it uses): ${(performance.now() - t).toFixed(1)} ms`);
  for (const [label, same] of [
    ["one gateway (same region)", true],
    ["two gateways and a peering (other region)", false],
  ] as const) {
    const qs = Array.from({ length: QUERIES }, () => pair(same));
    const res: Record<string, { p50: number; p99: number; reachable: number }> = {};
    for (const explain of [false, true]) {
      for (const q of qs.slice(0, 2000)) analyze(world, { ...q, protocol: "icmp", explain });
      const times: number[] = [];
      let reachable = 0;
      for (const q of qs) {
        const s = performance.now();
        const a = analyze(world, { ...q, protocol: "icmp", explain });
        times.push(performance.now() - s);
        if (a.verdict === "reachable") reachable++;
      }
      res[String(explain)] = { p50: pct(times, 50), p99: pct(times, 99), reachable };
    }
    const f = res["false"]!;
    const e = res["true"]!;
    console.log(`query in-process, ${label} (${e.reachable}/${QUERIES} reachable): verdict only p50 ${us(f.p50)} p99 ${us(f.p99)} [≤ 50 µs]; full explanation p50 ${us(e.p50)} p99 ${us(e.p99)} [≤ 100 µs]`);
  }
}

main();
