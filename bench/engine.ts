/**
 * Network engine benchmark, on a generated network: 1,000 VPCs over 8 regions, 4,000 subnets, about
 * 12k routes, 20k security-group rules, 8k NACL entries, 10k ENIs (running instances) and 2,500
 * peerings (same- and cross-region). Measures:
 *  - compile: the index build plus compiling every route table, security group and NACL (target ≤ 100 ms);
 *  - one query in-process, p50/p99: verdict only (`explain: false`, target p99 ≤ 50 µs) and with the
 *    full explanation (target p99 ≤ 100 µs), on random peered ENI pairs (mostly reachable) and on
 *    random blocked paths;
 *  - the same query through the HTTP admin API (`POST /_vpclab/analyze`), p50/p99 (target p99 ≤ 5 ms);
 *  - recompile after one route change (index check + recompiling that one table, target ≤ 1 ms).
 *
 * Build and run: `npx tsc -p . && node dist/bench/engine.js`. Options: `--queries <n>` (default 20000),
 * `--http <n>` (default 2000), `--no-ipv6` (the IPv4-only network of earlier runs, for comparing IPv4
 * figures across commits).
 *
 * IPv6 (issue 15): by default the network is dual stack: each VPC also has a /56, each subnet a /64,
 * each ENI one IPv6 address, the peerings' routes have IPv6 twins, and the groups and ACLs have IPv6
 * twins of their CIDR rules; the same peered-pair and blocked queries then run over IPv6 (target: within
 * twice the IPv4 time).
 *
 * The network is built straight into the server's World records (src/engine/builder.ts): going through
 * the EC2 API would take minutes and measure the API, not the engine. The server is `VpclabServer`
 * (what `startVpclab` starts; used directly because the benchmark needs its `world`), on port 0.
 *
 * Not a timed test: prints its figures and exits 0.
 */
import { performance } from "node:perf_hooks";
import { Agent, request } from "node:http";
import { VpclabServer } from "../src/index.js";
import { NetBuilder } from "../src/engine/builder.js";
import { NetworkModel, modelOf } from "../src/engine/model.js";
import { analyze } from "../src/engine/index.js";
import { formatIp } from "../src/domain/cidr.js";
import { mulberry32 } from "../src/engine/latency.js";
import type { World, RegionState } from "../src/state/world.js";
import type { NetworkInterface, RouteTable, Subnet, Vpc } from "../src/domain/types.js";

const args = process.argv.slice(2);
const opt = (name: string, d: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : d;
};
const QUERIES = opt("queries", 20000);
const HTTP = opt("http", 2000);
const IPV6 = !args.includes("--no-ipv6");

/** The VPC's /56 (index i < 65536): 2600:1f00:<i>00::/56 style, all distinct. */
function v6Block(i: number): string {
  return `2600:1f00:${(i >> 8).toString(16)}:${((i & 0xff) << 8).toString(16)}::/56`;
}
function v6Prefix(i: number, k: number): string {
  return `2600:1f00:${(i >> 8).toString(16)}:${(((i & 0xff) << 8) | k).toString(16)}`;
}

const REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-northeast-1", "ap-southeast-1", "ap-south-1", "sa-east-1"];

interface V {
  rs: RegionState;
  vpc: Vpc;
  subnets: Subnet[];
  tables: RouteTable[];
  enis: NetworkInterface[];
}

function generate(world: World) {
  const b = new NetBuilder({ world });
  const rnd = mulberry32(42);
  const vpcs: V[] = [];
  const BASE = 0x0a000000;
  for (let i = 0; i < 1000; i++) {
    const rs = b.rs(REGIONS[i % REGIONS.length]!);
    const base = BASE + i * 4096; // a /20 per VPC, all distinct so any two can peer
    const vpc = b.vpc(rs, `${formatIp(base)}/20`);
    const subnets = [0, 1, 2, 3].map((k) => b.subnet(rs, vpc, `${formatIp(base + k * 1024)}/22`, k));
    if (IPV6) {
      b.vpc6(rs, vpc, v6Block(i));
      subnets.forEach((sn, k) => b.subnet6(sn, `${v6Prefix(i, k)}::/64`));
    }
    const main = b.mainRt(rs, vpc);
    const second = b.routeTable(rs, vpc, [subnets[2]!, subnets[3]!]);
    if (IPV6) second.routes.push({ destinationCidr: v6Block(i), target: { kind: "local" }, origin: "CreateRouteTable" });
    // Security groups: app (ICMP + a few TCP ports from 10/8, one group reference) and db.
    const app = b.sg(rs, vpc, [
      { proto: "icmp", from: -1, to: -1, cidr: "10.0.0.0/8" },
      { proto: "tcp", from: 22, to: 22, cidr: "10.0.0.0/8" },
      { proto: "tcp", from: 80, to: 80, cidr: "0.0.0.0/0" },
      { proto: "tcp", from: 443, to: 443, cidr: "0.0.0.0/0" },
      { proto: "udp", from: 53, to: 53, cidr: "10.0.0.0/8" },
      { proto: "tcp", from: 8080, to: 8090, cidr: "192.168.0.0/16" },
      { proto: "tcp", from: 3000, to: 3000, cidr: "172.16.0.0/12" },
      { proto: "udp", from: 123, to: 123, cidr: "0.0.0.0/0" },
      ...(IPV6
        ? [
            { proto: "icmpv6", from: -1, to: -1, cidr6: "2600:1f00::/24" },
            { proto: "tcp", from: 22, to: 22, cidr6: "2600:1f00::/24" },
            { proto: "tcp", from: 443, to: 443, cidr6: "::/0" },
            { proto: "udp", from: 53, to: 53, cidr6: "2600:1f00::/24" },
            { egress: true, proto: "-1", cidr6: "::/0" },
          ]
        : []),
    ]);
    const db = b.sg(rs, vpc, [
      { proto: "tcp", from: 5432, to: 5432, group: app.id },
      { proto: "tcp", from: 6379, to: 6379, group: app.id },
      { proto: "tcp", from: 22, to: 22, cidr: `${formatIp(base)}/20` },
      { proto: "icmp", from: 8, to: -1, cidr: "10.0.0.0/8" },
      { proto: "tcp", from: 9000, to: 9100, cidr: "10.0.0.0/8" },
      { proto: "tcp", from: 5432, to: 5432, cidr: "10.200.0.0/16" },
      { proto: "tcp", from: 27017, to: 27017, group: app.id },
      { proto: "icmp", from: 0, to: -1, cidr: "10.0.0.0/8" },
      ...(IPV6
        ? [
            { proto: "tcp", from: 22, to: 22, cidr6: v6Block(i) },
            { proto: "icmpv6", from: -1, to: -1, cidr6: "2600:1f00::/24" },
            { proto: "tcp", from: 9000, to: 9100, cidr6: "2600:1f00::/24" },
            { egress: true, proto: "-1", cidr6: "::/0" },
          ]
        : []),
    ]);
    // One custom NACL on half the subnets: allow 10/8 all, ephemeral replies, deny a block.
    b.acl(
      rs,
      vpc,
      [
        { ruleNumber: 90, egress: false, protocol: "6", ruleAction: "deny", cidrBlock: "10.255.0.0/16", portRange: { from: 0, to: 65535 } },
        { ruleNumber: 100, egress: false, protocol: "-1", ruleAction: "allow", cidrBlock: "10.0.0.0/8" },
        { ruleNumber: 100, egress: true, protocol: "-1", ruleAction: "allow", cidrBlock: "10.0.0.0/8" },
        { ruleNumber: 110, egress: false, protocol: "6", ruleAction: "allow", cidrBlock: "0.0.0.0/0", portRange: { from: 1024, to: 65535 } },
        ...(IPV6
          ? [
              { ruleNumber: 91, egress: false, protocol: "6", ruleAction: "deny" as const, ipv6CidrBlock: "2600:1fff::/32", portRange: { from: 0, to: 65535 } },
              { ruleNumber: 101, egress: false, protocol: "-1", ruleAction: "allow" as const, ipv6CidrBlock: "2600:1f00::/24" },
              { ruleNumber: 101, egress: true, protocol: "-1", ruleAction: "allow" as const, ipv6CidrBlock: "2600:1f00::/24" },
              { ruleNumber: 111, egress: false, protocol: "6", ruleAction: "allow" as const, ipv6CidrBlock: "::/0", portRange: { from: 1024, to: 65535 } },
            ]
          : []),
      ],
      [subnets[1]!, subnets[3]!],
    );
    const enis: NetworkInterface[] = [];
    for (let k = 0; k < 10; k++) {
      const s = subnets[k % 4]!;
      const ip = formatIp(base + (k % 4) * 1024 + 10 + Math.floor(k / 4));
      enis.push(b.instance(rs, s, ip, { sgs: [k % 3 === 2 ? db : app], ipv6: IPV6 ? [`${v6Prefix(i, k % 4)}::${(10 + Math.floor(k / 4)).toString(16)}`] : undefined }).eni);
    }
    vpcs.push({ rs, vpc, subnets, tables: [main, second], enis });
  }
  // Peerings: each VPC with the next five (ring), routes both ways in both tables of each side.
  const peers: [number, number][] = [];
  for (let i = 0; i < 1000; i++) {
    for (let d = 1; d <= 5; d += 2) {
      const j = (i + d * 37) % 1000;
      if (j === i || peers.some(([x, y]) => (x === j && y === i) || (x === i && y === j))) continue;
      peers.push([i, j]);
    }
  }
  for (const [i, j] of peers.slice(0, 2500)) {
    const a = vpcs[i]!;
    const c = vpcs[j]!;
    const pcx = b.peering(a, c);
    for (const t of a.tables) b.route(t, c.vpc.cidrBlocks[0]!.cidr, { kind: "pcx", id: pcx.id });
    for (const t of c.tables) b.route(t, a.vpc.cidrBlocks[0]!.cidr, { kind: "pcx", id: pcx.id });
    if (IPV6) {
      for (const t of a.tables) b.route(t, c.vpc.ipv6CidrBlocks![0]!.cidr, { kind: "pcx", id: pcx.id });
      for (const t of c.tables) b.route(t, a.vpc.ipv6CidrBlocks![0]!.cidr, { kind: "pcx", id: pcx.id });
    }
  }
  void rnd;
  return { vpcs, peers };
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

function fmtUs(ms: number): string {
  return `${(ms * 1000).toFixed(1)} µs`;
}

function countStats(world: World) {
  let vpcs = 0, subnets = 0, routes = 0, sgRules = 0, aclEntries = 0, enis = 0;
  for (const rs of world.regionStates()) {
    vpcs += rs.vpcs.size;
    subnets += rs.subnets.size;
    for (const rt of rs.routeTables.values()) routes += rt.routes.length;
    for (const sg of rs.securityGroups.values()) sgRules += sg.rules.length;
    for (const acl of rs.networkAcls.values()) aclEntries += acl.entries.length;
    enis += rs.networkInterfaces.size;
  }
  return { vpcs, subnets, routes, sgRules, aclEntries, enis, peerings: world.peerings.size };
}

async function main() {
  const server = new VpclabServer({ port: 0 });
  const { url } = await server.listen();
  const world = server.world;
  let t = performance.now();
  const { vpcs, peers } = generate(world);
  const genMs = performance.now() - t;
  const counts = countStats(world);
  console.log(`generated in ${genMs.toFixed(0)} ms:`, counts);

  // ---- compile -------------------------------------------------------------------------------------
  const compiles: number[] = [];
  for (let i = 0; i < 5; i++) {
    const m = new NetworkModel(world);
    t = performance.now();
    m.build();
    m.compileAll();
    compiles.push(performance.now() - t);
  }
  const indexOnly: number[] = [];
  for (let i = 0; i < 5; i++) {
    const m = new NetworkModel(world);
    t = performance.now();
    m.build();
    indexOnly.push(performance.now() - t);
  }
  console.log(`compile (index + every route table, SG, NACL): first ${compiles[0]!.toFixed(1)} ms, best ${Math.min(...compiles).toFixed(1)} ms (index alone best ${Math.min(...indexOnly).toFixed(1)} ms)  [target ≤ 100 ms]`);
  modelOf(world).compileAll();

  // ---- queries in-process --------------------------------------------------------------------------
  const rnd = mulberry32(7);
  const pickPeerPair = () => {
    const [i, j] = peers[Math.floor(rnd() * peers.length)]!;
    const a = vpcs[i]!.enis[Math.floor(rnd() * 10)]!;
    const c = vpcs[j]!.enis[Math.floor(rnd() * 10)]!;
    return { source: a.id, destination: c.privateIps[0]!.address };
  };
  const pickBlocked = () => {
    const a = vpcs[Math.floor(rnd() * 1000)]!.enis[Math.floor(rnd() * 10)]!;
    return { source: a.id, destination: rnd() < 0.5 ? "8.8.8.8" : `10.${Math.floor(rnd() * 250)}.${Math.floor(rnd() * 250)}.10` };
  };
  const run = (n: number, mk: () => { source: string; destination: string }, explain: boolean, proto: "icmp" | "tcp") => {
    const qs = Array.from({ length: n }, mk);
    for (const q of qs.slice(0, 2000)) analyze(world, { ...q, protocol: proto, port: 22, explain }); // warm-up
    const times: number[] = [];
    let reachable = 0;
    for (const q of qs) {
      const s = performance.now();
      const a = analyze(world, { ...q, protocol: proto, port: 22, explain });
      times.push(performance.now() - s);
      if (a.verdict === "reachable") reachable++;
    }
    return { p50: pct(times, 50), p99: pct(times, 99), reachable, n };
  };
  const pickPeerPair6 = () => {
    const [i, j] = peers[Math.floor(rnd() * peers.length)]!;
    const a = vpcs[i]!.enis[Math.floor(rnd() * 10)]!;
    const c = vpcs[j]!.enis[Math.floor(rnd() * 10)]!;
    return { source: a.id, destination: c.ipv6Addresses![0]! };
  };
  const pickBlocked6 = () => {
    const a = vpcs[Math.floor(rnd() * 1000)]!.enis[Math.floor(rnd() * 10)]!;
    return { source: a.id, destination: rnd() < 0.5 ? "2606:4700:4700::1111" : `${v6Prefix(Math.floor(rnd() * 1000), Math.floor(rnd() * 4))}::10` };
  };
  const cases: [string, () => { source: string; destination: string }, "icmp" | "tcp"][] = [
    ["peered pairs, icmp", pickPeerPair, "icmp"],
    ["peered pairs, tcp 22", pickPeerPair, "tcp"],
    ["blocked (no route / internet)", pickBlocked, "icmp"],
  ];
  if (IPV6) {
    cases.push(["IPv6 peered pairs, icmpv6", pickPeerPair6, "icmp"], ["IPv6 peered pairs, tcp 22", pickPeerPair6, "tcp"], ["IPv6 blocked (no route / internet)", pickBlocked6, "icmp"]);
  }
  for (const [label, mk, proto] of cases) {
    const fast = run(QUERIES, mk, false, proto);
    const full = run(QUERIES, mk, true, proto);
    console.log(
      `query in-process, ${label} (${full.reachable}/${full.n} reachable): verdict only p50 ${fmtUs(fast.p50)} p99 ${fmtUs(fast.p99)} [≤ 50 µs]; full explanation p50 ${fmtUs(full.p50)} p99 ${fmtUs(full.p99)} [≤ 100 µs]`,
    );
  }

  // ---- through the HTTP admin API ------------------------------------------------------------------
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL(url + "/_vpclab/analyze");
  const post = (body: string) =>
    new Promise<number>((resolve, reject) => {
      const req = request({ hostname: target.hostname, port: target.port, path: target.pathname, method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      req.end(body);
    });
  const httpTimes: number[] = [];
  for (let i = 0; i < HTTP + 200; i++) {
    const q = pickPeerPair();
    const body = JSON.stringify({ from: q.source, to: q.destination, protocol: "tcp", port: 22 });
    const s = performance.now();
    const status = await post(body);
    if (i >= 200) httpTimes.push(performance.now() - s);
    if (status !== 200) throw new Error(`admin analyze answered ${status}`);
  }
  console.log(`query through HTTP POST /_vpclab/analyze (full explanation, keep-alive): p50 ${pct(httpTimes, 50).toFixed(3)} ms p99 ${pct(httpTimes, 99).toFixed(3)} ms [≤ 5 ms]`);

  // ---- recompile after one route change ------------------------------------------------------------
  const m = modelOf(world);
  const rebuildsBefore = m.builds;
  const changes: number[] = [];
  const refreshOnly: number[] = [];
  for (let i = 0; i < 300; i++) {
    const v = vpcs[Math.floor(rnd() * 1000)]!;
    const rt = v.tables[0]!;
    const dest = `192.168.${i % 256}.0/24`;
    const s = performance.now();
    // The change, as CreateRoute makes it, then what the next query does: refresh + recompile the table.
    rt.routes.push({ destinationCidr: dest, target: { kind: "local" }, origin: "CreateRoute" });
    world.tableChanged();
    const s2 = performance.now();
    modelOf(world);
    refreshOnly.push(performance.now() - s2);
    m.routeTable(rt);
    changes.push(performance.now() - s);
    rt.routes.pop();
    world.tableChanged();
    modelOf(world);
  }
  console.log(
    `recompile after one route change (index check + that table): p50 ${pct(changes, 50).toFixed(3)} ms p99 ${pct(changes, 99).toFixed(3)} ms (index check alone p50 ${pct(refreshOnly, 50).toFixed(3)} ms); full index rebuilds triggered: ${m.builds - rebuildsBefore} [≤ 1 ms]`,
  );
  agent.destroy();
  await server.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
