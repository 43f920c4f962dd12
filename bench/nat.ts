/**
 * NAT gateway and gateway endpoint benchmark: 500 VPCs (5 regions × 100) built straight into World
 * records, as bench/engine.ts does, each with a public subnet (route table 0.0.0.0/0 → its internet
 * gateway, a public NAT gateway with an elastic IP on its interface) and a private subnet (route table
 * 0.0.0.0/0 → the NAT gateway, plus an S3 gateway endpoint's prefix-list route) holding two instances.
 * Measures one query in-process, p50/p99, verdict only and with the full explanation, for private
 * instance → an Internet address (through the NAT gateway and back) and private instance → an S3
 * address (through the endpoint), against bench/engine.ts's targets (p99 ≤ 50 µs / ≤ 100 µs); and the
 * compilation of a route table whose prefix-list route expands to the region's S3 prefixes.
 *
 * Build and run: `npx tsc -p . && node dist/bench/nat.js [--queries N]` (default 20000).
 * Not a timed test: prints its figures and exits 0.
 */
import { performance } from "node:perf_hooks";
import { World, type RegionState } from "../src/state/world.js";
import { NetBuilder } from "../src/engine/builder.js";
import { analyze } from "../src/engine/index.js";
import { modelOf } from "../src/engine/model.js";
import { formatIp } from "../src/domain/cidr.js";
import { mulberry32 } from "../src/engine/latency.js";
import { awsPrefixLists } from "../src/domain/prefix-lists.js";
import type { NatGateway, RouteTable, VpcEndpoint } from "../src/domain/types.js";

const args = process.argv.slice(2);
const i = args.indexOf("--queries");
const QUERIES = i >= 0 ? Number(args[i + 1]) : 20000;
const REGIONS = ["us-east-1", "eu-west-1", "ap-northeast-1", "ap-southeast-1", "sa-east-1"];
const PER_REGION = 100;

interface Site {
  rs: RegionState;
  instances: string[];
  privateRt: RouteTable;
  s3: string[];
}

function generate() {
  const world = new World(() => {}, { quotas: { vpcsPerRegion: 10_000 } });
  const b = new NetBuilder({ world });
  const sites: Site[] = [];
  let pub = 0x03000000;
  for (const region of REGIONS) {
    const rs = b.rs(region);
    const s3 = awsPrefixLists(region).find((l) => l.name.endsWith(".s3"))!;
    for (let k = 0; k < PER_REGION; k++) {
      const base = 0x0a000000 + k * 65536;
      const vpc = b.vpc(rs, `${formatIp(base)}/16`);
      const pubSubnet = b.subnet(rs, vpc, `${formatIp(base)}/24`, 0);
      const privSubnet = b.subnet(rs, vpc, `${formatIp(base + 256)}/24`, 0);
      const publicRt = b.routeTable(rs, vpc, [pubSubnet]);
      b.igw(rs, vpc, publicRt);
      const privateRt = b.routeTable(rs, vpc, [privSubnet]);
      const natEni = b.eni(rs, pubSubnet, formatIp(base + 4), { publicIp: formatIp(pub++) });
      natEni.interfaceType = "nat_gateway";
      natEni.requesterManaged = true;
      natEni.securityGroupIds = [];
      natEni.sourceDestCheck = false;
      const nat: NatGateway = {
        id: world.ids.next("nat"),
        ownerId: rs.account,
        region: rs.region,
        tags: new Map(),
        vpcId: vpc.id,
        subnetId: pubSubnet.id,
        connectivityType: "public",
        state: "available",
        createdAt: 0,
        eniId: natEni.id,
        addresses: [{ privateIp: formatIp(base + 4), publicIp: natEni.association!.publicIp, isPrimary: true, status: "succeeded" }],
      };
      rs.natGateways.set(nat.id, nat);
      b.route(privateRt, "0.0.0.0/0", { kind: "nat", id: nat.id });
      const ep: VpcEndpoint = {
        id: world.ids.next("vpce"),
        ownerId: rs.account,
        region: rs.region,
        tags: new Map(),
        vpcId: vpc.id,
        serviceName: s3.name,
        type: "Gateway",
        state: "available",
        createdAt: 0,
        policyDocument: "{}",
        routeTableIds: [privateRt.id],
        subnetIds: [],
        networkInterfaceIds: [],
        groupIds: [],
        privateDnsEnabled: false,
        ipAddressType: "ipv4",
        dnsRecordIpType: "ipv4",
      };
      rs.vpcEndpoints.set(ep.id, ep);
      privateRt.routes.push({ destinationCidr: s3.id, destinationPrefixListId: s3.id, target: { kind: "vpce", id: ep.id }, origin: "CreateRoute" });
      const sg = b.sg(rs, vpc, [], { allEgress: true });
      const instances = [10, 11].map((h) => b.instance(rs, privSubnet, formatIp(base + 256 + h), { sgs: [sg] }).instance.id);
      // Any address inside the list's first prefix.
      sites.push({ rs, instances, privateRt, s3: s3.cidrs.map((c) => c.split("/")[0]!) });
    }
  }
  world.changed();
  return { world, sites };
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}
const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;

function main() {
  let t = performance.now();
  const { world, sites } = generate();
  console.log(`generated in ${(performance.now() - t).toFixed(0)} ms: ${sites.length} VPCs, each with a public NAT gateway, an S3 gateway endpoint and 2 private instances`);
  const rnd = mulberry32(11);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const m = modelOf(world);
  const rt = sites[0]!.privateRt;
  t = performance.now();
  const N = 2000;
  for (let k = 0; k < N; k++) {
    rt.routes = [...rt.routes]; // a new array: the cached compilation no longer matches
    world.tableChanged();
    modelOf(world).routeTable(rt);
  }
  console.log(`compile one private route table (local, 0.0.0.0/0 → nat, ${sites[0]!.s3.length}-prefix S3 list → vpce): ${us((performance.now() - t) / N)}`);
  void m;
  t = performance.now();
  analyze(world, { source: sites[0]!.instances[0]!, destination: "8.8.8.8", protocol: "icmp" });
  console.log(`first query (compiles the model and the tables it uses): ${(performance.now() - t).toFixed(1)} ms`);
  for (const [label, dest] of [
    ["private → 8.8.8.8 through the NAT gateway", () => "8.8.8.8"],
    ["private → S3 through the gateway endpoint", (s: Site) => pick(s.s3)],
  ] as const) {
    const qs = Array.from({ length: QUERIES }, () => {
      const s = pick(sites);
      return { source: pick(s.instances), destination: dest(s) };
    });
    const res: Record<string, { p50: number; p99: number; reachable: number }> = {};
    for (const explain of [false, true]) {
      for (const q of qs.slice(0, 2000)) analyze(world, { ...q, protocol: "tcp", port: 443, explain });
      const times: number[] = [];
      let reachable = 0;
      for (const q of qs) {
        const s = performance.now();
        const a = analyze(world, { ...q, protocol: "tcp", port: 443, explain });
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
