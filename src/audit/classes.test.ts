/**
 * Differential property test: the class-based reachability matrix (audit/classes.ts) against
 * pair-by-pair engine questions, on random small networks: VPCs with reused CIDRs in two regions,
 * several instances per subnet (so classes have several members), security groups with CIDR rules,
 * /32 rules naming one instance and group references, network ACLs with narrow entries, peerings
 * with routes (some to a single host), transit gateways with static routes, middlebox routes to an
 * interface, and a tag that splits the interfaces into groups. Every cell's counts must be equal.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { NetBuilder } from "../engine/builder.js";
import { mulberry32 } from "../engine/latency.js";
import { formatIp, parseCidr } from "../domain/cidr.js";
import type { RegionState } from "../state/world.js";
import type { NetworkInterface, Subnet, Vpc } from "../domain/types.js";
import { bruteForceMatrix, groupsOf, interfaces, reachabilityMatrix, type MatrixProtocol } from "./classes.js";

const REGIONS = ["ap-northeast-1", "us-east-1"];
const VPC_CIDRS = ["10.0.0.0/16", "10.1.0.0/16", "10.0.0.0/16", "172.31.0.0/16", "10.2.0.0/16", "10.3.0.0/16", "10.4.0.0/16"];

function randomNetwork(seed: number) {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const chance = (p: number) => rnd() < p;
  const b = new NetBuilder();
  const vpcs: { rs: RegionState; vpc: Vpc; subnets: Subnet[] }[] = [];
  for (let i = 0; i < 2 + Math.floor(rnd() * 5); i++) {
    const rs = b.rs(pick(REGIONS));
    const cidr = pick(VPC_CIDRS);
    const vpc = b.vpc(rs, cidr);
    const base = parseCidr(cidr)!.base;
    const subnets = [0, 1].slice(0, 1 + Math.floor(rnd() * 2)).map((k) => b.subnet(rs, vpc, formatIp(base + k * 256) + "/24", k));
    if (subnets.length > 1 && chance(0.4)) b.routeTable(rs, vpc, [subnets[1]!]);
    vpcs.push({ rs, vpc, subnets });
  }
  const hosts = vpcs.flatMap((v) => v.subnets.map((s) => formatIp(parseCidr(s.cidr)!.base + 10) + "/32"));
  for (let i = 0; i < vpcs.length; i++) {
    for (let j = i + 1; j < vpcs.length; j++) {
      if (!chance(0.6)) continue;
      const pcx = b.peering(vpcs[i]!, vpcs[j]!, chance(0.85) ? "active" : "pending-acceptance");
      for (const [x, y] of [[vpcs[i]!, vpcs[j]!], [vpcs[j]!, vpcs[i]!]] as const) {
        for (const t of [...x.rs.routeTables.values()].filter((r) => r.vpcId === x.vpc.id)) {
          if (!chance(0.75)) continue;
          // Whole VPC, one subnet, or a single host: the last two cut a subnet's addresses apart.
          const dest = pick([y.vpc.cidrBlocks[0]!.cidr, y.vpc.cidrBlocks[0]!.cidr, y.subnets[0]!.cidr, formatIp(parseCidr(y.subnets[0]!.cidr)!.base + 11) + "/32"]);
          if (!t.routes.some((r) => r.destinationCidr === dest)) b.route(t, dest, { kind: "pcx", id: pcx.id });
        }
      }
    }
  }
  const groups: string[] = [];
  const enis: NetworkInterface[] = [];
  for (const v of vpcs) {
    const sgs = [0, 1].map(() => {
      const rules = [];
      for (let k = 0; k < 1 + Math.floor(rnd() * 4); k++) {
        const proto = pick(["icmp", "tcp", "udp", "-1"]);
        const from = proto === "icmp" ? -1 : proto === "-1" ? -1 : pick([22, 80, 1000]);
        const to = proto === "icmp" || proto === "-1" ? -1 : from + pick([0, 100]);
        const peer = chance(0.25) && groups.length > 0 ? { group: pick(groups) } : { cidr: pick(["0.0.0.0/0", "10.0.0.0/8", "10.1.0.0/16", "172.31.0.0/16", "10.0.0.0/24", ...hosts]) };
        rules.push({ egress: chance(0.25), proto, from, to, ...peer });
      }
      const sg = b.sg(v.rs, v.vpc, rules, { allEgress: chance(0.8) });
      groups.push(sg.id);
      return sg;
    });
    if (chance(0.5)) {
      const entries = [];
      for (let k = 0; k < 1 + Math.floor(rnd() * 4); k++) {
        const proto = pick(["-1", "6", "17", "1"]);
        entries.push({
          ruleNumber: 10 * (k + 1),
          egress: chance(0.5),
          protocol: proto,
          ruleAction: chance(0.6) ? ("allow" as const) : ("deny" as const),
          cidrBlock: pick(["0.0.0.0/0", "10.0.0.0/8", "172.31.0.0/16", "10.1.0.0/16", ...hosts]),
          portRange: proto === "6" || proto === "17" ? pick([{ from: 0, to: 65535 }, { from: 22, to: 22 }, { from: 1024, to: 65535 }]) : undefined,
          icmp: proto === "1" ? { type: -1, code: -1 } : undefined,
        });
      }
      entries.push({ ruleNumber: 100, egress: false, protocol: "-1", ruleAction: "allow" as const, cidrBlock: "0.0.0.0/0" }, { ruleNumber: 100, egress: true, protocol: "-1", ruleAction: "allow" as const, cidrBlock: "0.0.0.0/0" });
      b.acl(v.rs, v.vpc, entries, v.subnets.filter(() => chance(0.7)));
    }
    for (const s of v.subnets) {
      for (let k = 0; k < 1 + Math.floor(rnd() * 4); k++) {
        const ip = formatIp(parseCidr(s.cidr)!.base + 10 + k);
        const chosen = sgs.filter(() => chance(0.5));
        const inst = b.instance(v.rs, s, ip, { sgs: chosen.length > 0 ? chosen : [sgs[0]!], state: chance(0.9) ? "running" : "stopped", publicIp: chance(0.2) ? `54.1.${enis.length}.${k + 1}` : undefined });
        inst.instance.tags.set("tier", pick(["web", "app", "db"]));
        enis.push(inst.eni);
      }
    }
  }
  // Transit gateways: one per region, most VPCs there attached; propagation, association and static
  // (some blackhole) routes partial, VPC routes to the gateway for 10/8, one VPC, or everything.
  for (const region of REGIONS) {
    const here = vpcs.filter((v) => v.rs.region === region);
    if (here.length < 2 || !chance(0.8)) continue;
    const rs = here[0]!.rs;
    const tgw = b.tgw(rs);
    const table = b.tgwTable(rs, tgw);
    const atts = [];
    for (const v of here) {
      if (!chance(0.85)) continue;
      const a = b.tgwAttach(rs, tgw, v.vpc, [v.subnets[0]!]);
      atts.push(a);
      if (chance(0.9)) table.associations.push(a.id);
      if (chance(0.6)) table.propagations.push(a.id);
      for (const t of [...rs.routeTables.values()].filter((x) => x.vpcId === v.vpc.id)) {
        const dest = pick(["10.0.0.0/8", "10.0.0.0/8", "0.0.0.0/0", "172.16.0.0/12", ...here.map((o) => o.vpc.cidrBlocks[0]!.cidr), ...hosts.filter(() => chance(0.1))]);
        if (!t.routes.some((r) => r.destinationCidr === dest)) b.route(t, dest, { kind: "tgw", id: tgw.id });
      }
    }
    for (let n = 0; n < Math.floor(rnd() * 3) && atts.length > 0; n++) {
      const dest = pick([...here.map((o) => o.vpc.cidrBlocks[0]!.cidr), ...here.map((o) => o.subnets[0]!.cidr), "10.0.0.0/8"]);
      if (table.routes.some((r) => r.destinationCidr === dest)) continue;
      if (chance(0.4)) b.tgwRoute(table, { destinationCidr: dest, blackhole: true });
      else b.tgwRoute(table, { destinationCidr: dest, attachmentId: pick(atts).id, blackhole: false });
    }
  }
  // A middlebox route: a subnet's block → an interface (the appliance's identity is in the route).
  if (enis.length > 0 && chance(0.3)) {
    const v = pick(vpcs);
    const mine = enis.filter((e) => e.vpcId === v.vpc.id);
    const t = [...v.rs.routeTables.values()].find((x) => x.vpcId === v.vpc.id);
    if (mine.length > 0 && t && v.subnets.length > 1 && !t.routes.some((r) => r.destinationCidr === v.subnets[1]!.cidr)) b.route(t, v.subnets[1]!.cidr, { kind: "eni", id: pick(mine).id });
  }
  return { world: b.world, pick };
}

test("class-based matrix equals pair-by-pair engine questions on random networks", () => {
  let cells = 0;
  let mixed = 0;
  let compressed = 0;
  let shortcuts = 0;
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom<MatrixProtocol>("tcp", "udp", "icmp", "any"), fc.constantFrom({ from: 22, to: 22 }, { from: 80, to: 80 }, { from: 1050, to: 1050 }, { from: 20, to: 1100 }, undefined), (seed, protocol, port) => {
      const { world } = randomNetwork(seed);
      const all = interfaces(world);
      const froms = [...groupsOf(all, "tag:tier"), ...groupsOf(all, "all")];
      const tos = groupsOf(all, "vpc:*");
      const m = reachabilityMatrix(world, froms, tos, protocol, port);
      const ref = bruteForceMatrix(world, froms, tos, protocol, port);
      assert.deepEqual(
        m.cells.map((c) => ({ from: c.from, to: c.to, reachable: c.reachable, unreachable: c.unreachable })),
        ref,
        `seed ${seed} ${protocol}:${JSON.stringify(port)}`,
      );
      for (const c of m.cells) {
        cells++;
        if (c.reachable > 0 && c.unreachable > 0) mixed++;
        if (c.unreachable > 0) assert.ok(c.example && c.example.code, "a blocked cell names an example");
      }
      if (m.sourceClasses < all.length) compressed++;
      shortcuts += m.shortcuts;
    }),
    { numRuns: 120, seed: 14 },
  );
  // The generator must exercise what the test is about: cells with both verdicts, and classes
  // smaller than the interface count.
  assert.ok(cells > 500, `only ${cells} cells`);
  assert.ok(mixed > 20, `only ${mixed} mixed cells`);
  assert.ok(compressed > 20, `classes compressed only ${compressed} networks`);
  assert.ok(shortcuts > 50, `only ${shortcuts} class pairs answered by a known blocked forward path`);
});

test("a forward path blocked at a transit gateway table answers only destinations its tables treat alike", () => {
  // A routes 10/8 to the gateway; the gateway's table knows C (propagated) but not B, nor D's /24
  // (a blackhole static route inside D's propagated /16).
  const b = new NetBuilder();
  const rs = b.rs("us-east-1");
  const [va, vb, vc, vd] = ["10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16", "10.4.0.0/16"].map((c) => b.vpc(rs, c));
  const [sa, sb, sc, sd] = [va!, vb!, vc!, vd!].map((v, k) => b.subnet(rs, v, `10.${k + 1}.1.0/24`));
  const sd2 = b.subnet(rs, vd!, "10.4.2.0/24");
  const tgw = b.tgw(rs);
  const table = b.tgwTable(rs, tgw);
  for (const [v, s, propagate] of [[va, sa, true], [vb, sb, false], [vc, sc, true], [vd, sd, true]] as const) {
    const a = b.tgwAttach(rs, tgw, v!, [s!]);
    table.associations.push(a.id);
    if (propagate) table.propagations.push(a.id);
    b.route(b.mainRt(rs, v!), "10.0.0.0/8", { kind: "tgw", id: tgw.id });
  }
  b.tgwRoute(table, { destinationCidr: "10.4.2.0/24", blackhole: true });
  const open = (v: Vpc) => b.sg(rs, v, [{ proto: "-1", cidr: "0.0.0.0/0" }]);
  const name = (x: { instance: { tags: Map<string, string> } }, n: string) => x.instance.tags.set("Name", n);
  name(b.instance(rs, sa!, "10.1.1.10", { sgs: [open(va!)] }), "a");
  name(b.instance(rs, sb!, "10.2.1.10", { sgs: [open(vb!)] }), "b");
  name(b.instance(rs, sd2, "10.4.2.10", { sgs: [open(vd!)] }), "d2");
  name(b.instance(rs, sc!, "10.3.1.10", { sgs: [open(vc!)] }), "c");
  name(b.instance(rs, sd!, "10.4.1.10", { sgs: [open(vd!)] }), "d1");
  const world = b.world;
  const all = interfaces(world);
  const froms = groupsOf(all, "tag:Name=a");
  const tos = ["b", "d2", "c", "d1"].flatMap((n) => groupsOf(all, `tag:Name=${n}`));
  const m = reachabilityMatrix(world, froms, tos, "tcp", { from: 22, to: 22 });
  assert.deepEqual(
    m.cells.map((c) => [c.to, c.reachable]),
    [["tag:Name=b", 0], ["tag:Name=d2", 0], ["tag:Name=c", 1], ["tag:Name=d1", 1]],
  );
  assert.deepEqual(m.cells.map((c) => ({ from: c.from, to: c.to, reachable: c.reachable, unreachable: c.unreachable })), bruteForceMatrix(world, froms, tos, "tcp", { from: 22, to: 22 }));
});
