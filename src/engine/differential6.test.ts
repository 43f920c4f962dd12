/**
 * Differential test, IPv6: the compiled engine against a slow, direct oracle written from the rules on
 * small random dual-stack networks: 2 regions, VPCs with an IPv4 /16 and an IPv6 /56, subnets with a
 * /64, route tables with IPv6 routes (local /56, ::/0 to an internet gateway or an egress-only internet
 * gateway, peering routes to the peer's /56 or to a block the peer does not hold), peerings active or
 * pending, security groups and NACLs mixing IPv4 and IPv6 ranges (an IPv4 range must never admit an
 * IPv6 packet, `icmp` must not admit ICMPv6), stopped instances. Queries: interface → interface (its
 * IPv6 address), → an unused address of a VPC block, → the Internet, → a unique local address, and from
 * the Internet to an interface.
 *
 * The oracle parses addresses into BigInts with its own naive parser (no domain/cidr6.ts, no LPM, no
 * caches), scans routes linearly for the longest prefix, and walks the rules as the VPC User Guide
 * states them: an IPv6 address is public (internet gateway: no translation, reachable from the Internet
 * where groups allow); an egress-only internet gateway carries flows started inside its VPC and their
 * replies, and nothing started outside ("Enable outbound IPv6 traffic using an egress-only internet
 * gateway"); a peering carries addresses of the peer VPC's blocks only.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { NetBuilder } from "./builder.js";
import { analyze } from "./index.js";
import { mulberry32 } from "./latency.js";
import type { World, RegionState } from "../state/world.js";
import type { NetworkInterface, RouteTable, SecurityGroup, Vpc } from "../domain/types.js";

// ---- the oracle's own IPv6 text parsing ------------------------------------------------------------

function p6(text: string): bigint {
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(parseInt(g, 16));
  return v;
}

function in6(cidr: string | undefined, ip: bigint): boolean {
  if (cidr === undefined || !cidr.includes(":")) return false;
  const [a, n] = cidr.split("/");
  const bits = BigInt(128 - Number(n));
  return ip >> bits === p6(a!) >> bits;
}

function prefixOf(cidr: string): number {
  return Number(cidr.split("/")[1]);
}

interface E {
  eni: NetworkInterface;
  rs: RegionState;
}

function allEnis(world: World): E[] {
  const out: E[] = [];
  for (const rs of world.regionStates()) for (const eni of rs.networkInterfaces.values()) out.push({ eni, rs });
  return out;
}
function running(e: E): boolean {
  const id = e.eni.attachment?.instanceId;
  return id !== undefined && e.rs.instances.get(id)?.state === "running";
}
function v6Of(e: E): bigint[] {
  return (e.eni.ipv6Addresses ?? []).map(p6);
}
function subnetOf(e: E) {
  return e.rs.subnets.get(e.eni.subnetId)!;
}
function rtOf(e: E): RouteTable | undefined {
  const s = subnetOf(e);
  let main: RouteTable | undefined;
  for (const rt of e.rs.routeTables.values()) {
    if (rt.vpcId !== s.vpcId) continue;
    if (rt.associations.some((a) => a.subnetId === s.id)) return rt;
    if (rt.associations.some((a) => a.main)) main = rt;
  }
  return main;
}
function vpcs(world: World): { vpc: Vpc; rs: RegionState }[] {
  return [...world.regionStates()].flatMap((rs) => [...rs.vpcs.values()].map((vpc) => ({ vpc, rs })));
}
function holder(world: World, ip: bigint): E | undefined {
  return allEnis(world).find((e) => v6Of(e).includes(ip));
}
function eniInVpc(world: World, vpcId: string, ip: bigint): E | undefined {
  return allEnis(world).find((e) => e.eni.vpcId === vpcId && v6Of(e).includes(ip));
}
function igwOf(rs: RegionState, vpcId: string): string | undefined {
  return [...rs.internetGateways.values()].find((g) => g.attachments.some((a) => a.vpcId === vpcId && a.state === "available"))?.id;
}
function eigwOf(rs: RegionState, vpcId: string): string | undefined {
  return [...rs.egressOnlyInternetGateways.values()].find((g) => g.attachments.some((a) => a.vpcId === vpcId))?.id;
}
function vpcBlocks(v: Vpc): string[] {
  return (v.ipv6CidrBlocks ?? []).filter((b) => b.state === "associated").map((b) => b.cidr);
}

type Key = { proto: string; a: number; b: number };

function sgAllows(e: E, egress: boolean, k: Key, peer: bigint, peerGroups: string[] | undefined): boolean {
  for (const id of e.eni.securityGroupIds) {
    for (const r of (e.rs.securityGroups.get(id) as SecurityGroup | undefined)?.rules ?? []) {
      if (r.isEgress !== egress) continue;
      if (r.ipProtocol !== "-1") {
        if (r.ipProtocol !== k.proto) continue;
        if (k.proto === "icmpv6") {
          if (r.fromPort !== -1 && r.fromPort !== k.a) continue;
          if (r.toPort !== -1 && r.toPort !== k.b) continue;
        } else if (!(k.a >= r.fromPort && k.a <= r.toPort)) continue;
      }
      if (r.referencedGroup) {
        if (peerGroups?.includes(r.referencedGroup.groupId)) return true;
      } else if (in6(r.cidrIpv6, peer)) return true;
    }
  }
  return false;
}

const NUM: Record<string, string> = { icmpv6: "58", tcp: "6", udp: "17" };

function aclAllows(e: E, egress: boolean, k: Key, remote: bigint): boolean {
  const s = subnetOf(e);
  const acl = [...e.rs.networkAcls.values()].find((a) => a.associations.some((x) => x.subnetId === s.id));
  if (!acl) return true;
  for (const x of acl.entries.filter((x) => x.egress === egress).sort((x, y) => x.ruleNumber - y.ruleNumber)) {
    if (!in6(x.ipv6CidrBlock, remote)) continue;
    if (x.protocol !== "-1") {
      if (x.protocol !== NUM[k.proto]) continue;
      if (k.proto !== "icmpv6" && x.portRange && !(k.a >= x.portRange.from && k.a <= x.portRange.to)) continue;
    }
    return x.ruleAction === "allow";
  }
  return false;
}

const NOT_INTERNET = ["fc00::/7", "fe80::/10", "ff00::/8", "::/128", "::1/128", "::ffff:0:0/96"];

type LegEnd = { e?: E; internet?: boolean; seen: bigint };

function makeLeg(world: World, codes: string[], mtu: { v: number }, eigwOut: Set<string>) {
  function leg(s: E, from: bigint, to: bigint, k: Key, stateful: boolean, depth: number, senderGroups: string[] | undefined): LegEnd | undefined {
    if (depth === 0 && !running(s)) codes.push("BAD_STATE");
    if (v6Of(s).includes(to)) return { e: s, seen: from };
    let next: E | undefined;
    let viaIgw = false;
    let internet = false;
    let dead = true;
    const sn = subnetOf(s);
    const l2 = (sn.ipv6CidrBlocks ?? []).some((b) => in6(b.cidr, to));
    if (l2) {
      next = eniInVpc(world, s.eni.vpcId, to);
      if (!next) codes.push("NO_POSSIBLE_DESTINATION");
      else dead = false;
    } else {
      let best: RouteTable["routes"][number] | undefined;
      for (const r of rtOf(s)?.routes ?? []) if (in6(r.destinationCidr, to) && (!best || prefixOf(r.destinationCidr) > prefixOf(best.destinationCidr))) best = r;
      const t = best?.target;
      if (!t) codes.push("NO_ROUTE_TO_DESTINATION");
      else if (t.kind === "local") {
        next = eniInVpc(world, s.eni.vpcId, to);
        if (!next) codes.push("NO_POSSIBLE_DESTINATION");
        else dead = false;
      } else if (t.kind === "pcx") {
        const pcx = world.peerings.get(t.id)!;
        if (pcx.status.code !== "active") codes.push("BAD_STATE_ROUTE");
        else {
          const other = pcx.requester.vpcId === s.eni.vpcId ? pcx.accepter : pcx.requester;
          const pv = vpcs(world).find((v) => v.vpc.id === other.vpcId)!;
          if (!vpcBlocks(pv.vpc).some((b) => in6(b, to))) codes.push("PCX_REQUIRES_ADDRESS_IN_VPC_CIDR");
          else {
            next = eniInVpc(world, pv.vpc.id, to);
            if (!next) codes.push("NO_POSSIBLE_DESTINATION");
            else {
              dead = false;
              mtu.v = Math.min(mtu.v, pv.rs.region === s.rs.region ? 9001 : 8500);
            }
          }
        }
      } else if (t.kind === "igw" || t.kind === "eigw") {
        const ok = t.kind === "igw" ? igwOf(s.rs, s.eni.vpcId) === t.id : eigwOf(s.rs, s.eni.vpcId) === t.id;
        if (!ok) codes.push("BAD_STATE_ROUTE");
        else if (t.kind === "eigw" && stateful && !eigwOut.has(t.id)) codes.push("EIGW_INBOUND_NOT_ALLOWED");
        else {
          if (t.kind === "eigw") eigwOut.add(t.id);
          if (NOT_INTERNET.some((c) => in6(c, to))) codes.push("NO_POSSIBLE_DESTINATION");
          else {
            viaIgw = true;
            mtu.v = Math.min(mtu.v, 1500);
            const x = holder(world, to);
            if (x) {
              const back = stateful && eigwOf(x.rs, x.eni.vpcId) !== undefined && eigwOut.has(eigwOf(x.rs, x.eni.vpcId)!) ? "eigw" : igwOf(x.rs, x.eni.vpcId) ? "igw" : undefined;
              if (!back) codes.push(eigwOf(x.rs, x.eni.vpcId) ? "EIGW_INBOUND_NOT_ALLOWED" : "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS");
              else {
                next = x;
                dead = false;
              }
            } else if (vpcs(world).some((v) => vpcBlocks(v.vpc).some((b) => in6(b, to)))) codes.push("NO_POSSIBLE_DESTINATION");
            else {
              internet = true;
              dead = false;
            }
          }
        }
      }
    }
    const peerGroups = next && !viaIgw ? next.eni.securityGroupIds : undefined;
    if (!stateful && !sgAllows(s, true, k, to, peerGroups)) codes.push("ENI_SG_RULES_MISMATCH");
    const same = l2 || (next !== undefined && !viaIgw && next.eni.subnetId === s.eni.subnetId);
    if (!same && !aclAllows(s, true, k, to)) codes.push("SUBNET_ACL_RESTRICTION");
    if (dead) return undefined;
    if (internet) return { internet: true, seen: from };
    if (!same && !aclAllows(next!, false, k, from)) codes.push("SUBNET_ACL_RESTRICTION");
    if (!stateful && !sgAllows(next!, false, k, from, viaIgw ? undefined : senderGroups)) codes.push("ENI_SG_RULES_MISMATCH");
    if (!running(next!)) codes.push("BAD_STATE");
    return { e: next, seen: from };
  }
  return leg;
}

function keysOf(proto: string, port: number): { fk: Key; rk: Key } {
  return proto === "icmpv6" ? { fk: { proto, a: 128, b: 0 }, rk: { proto, a: 129, b: 0 } } : { fk: { proto, a: port, b: 0 }, rk: { proto, a: 49152, b: 0 } };
}

interface OracleResult {
  codes: string[];
  seen?: bigint;
  mtu: number;
  invalid?: boolean;
}

function oracle(world: World, src: E, dst: bigint, proto: string, port: number): OracleResult {
  const codes: string[] = [];
  const mtu = { v: 9001 };
  const leg = makeLeg(world, codes, mtu, new Set());
  const { fk, rk } = keysOf(proto, port);
  const arr = leg(src, v6Of(src)[0]!, dst, fk, false, 0, src.eni.securityGroupIds);
  if (arr?.internet) {
    if (!aclAllows(src, false, rk, dst)) codes.push("SUBNET_ACL_RESTRICTION");
  } else if (arr) {
    const back = leg(arr.e!, dst, arr.seen, rk, true, 0, arr.e!.eni.securityGroupIds);
    if (back && (back.internet || back.e!.eni !== src.eni)) codes.push("NO_POSSIBLE_DESTINATION");
  }
  return { codes: codes.sort(), seen: arr?.seen, mtu: mtu.v };
}

function oracleFromInternet(world: World, from: bigint, dst: bigint, proto: string, port: number): OracleResult {
  const codes: string[] = [];
  const mtu = { v: 1500 };
  const leg = makeLeg(world, codes, mtu, new Set());
  const { fk, rk } = keysOf(proto, port);
  const target = holder(world, dst);
  const vpc = target ? undefined : vpcs(world).find((v) => vpcBlocks(v.vpc).some((b) => in6(b, dst)));
  if (!target && !vpc) return { codes: [], mtu: 1500, invalid: true };
  let seen: bigint | undefined;
  if (!target) codes.push("NO_POSSIBLE_DESTINATION");
  else if (!igwOf(target.rs, target.eni.vpcId)) codes.push(eigwOf(target.rs, target.eni.vpcId) ? "EIGW_INBOUND_NOT_ALLOWED" : "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS");
  else {
    if (!aclAllows(target, false, fk, from)) codes.push("SUBNET_ACL_RESTRICTION");
    if (!sgAllows(target, false, fk, from, undefined)) codes.push("ENI_SG_RULES_MISMATCH");
    if (!running(target)) codes.push("BAD_STATE");
    seen = from;
    const back = leg(target, dst, from, rk, true, 0, target.eni.securityGroupIds);
    if (back && !back.internet) codes.push("NO_POSSIBLE_DESTINATION");
  }
  return { codes: codes.sort(), seen, mtu: mtu.v };
}

// ---- random dual-stack networks ----------------------------------------------------------------------

const REGIONS = ["ap-northeast-1", "ap-southeast-1"];

function randomNetwork(seed: number) {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const chance = (p: number) => rnd() < p;
  const b = new NetBuilder();
  const vs: { rs: RegionState; vpc: Vpc; block: string; tables: RouteTable[]; igw?: string; eigw?: string; n: number }[] = [];
  const enis: { eni: NetworkInterface; rs: RegionState; instanceId: string }[] = [];
  const nv = 2 + Math.floor(rnd() * 3);
  for (let n = 0; n < nv; n++) {
    const rs = b.rs(pick(REGIONS));
    const vpc = b.vpc(rs, `10.${n}.0.0/16`);
    const block = `2600:1f00:${(n + 1).toString(16)}::/56`;
    b.vpc6(rs, vpc, block);
    const main = b.mainRt(rs, vpc);
    const tables = [main];
    const igw = chance(0.6) ? b.igw(rs, vpc).id : undefined;
    const eigw = chance(0.6) ? b.eigw(rs, vpc).id : undefined;
    const groups: SecurityGroup[] = [];
    for (let g = 0; g < 2; g++) {
      const rules = [
        ...(chance(0.6) ? [{ proto: "icmpv6", from: -1, to: -1, cidr6: pick(["::/0", "2600:1f00::/24", block, "2600:1f00:9::/48"]) }] : []),
        ...(chance(0.3) ? [{ proto: "icmp", from: -1, to: -1, cidr6: "::/0" }] : []),
        ...(chance(0.5) ? [{ proto: "tcp", from: 22, to: 22, cidr6: pick(["::/0", "2600:1f00::/24", block]) }] : []),
        ...(chance(0.4) ? [{ proto: "-1", cidr: "0.0.0.0/0" }] : []),
        ...(chance(0.3) ? [{ proto: "-1", cidr6: "::/0" }] : []),
        ...(chance(0.8) ? [{ egress: true, proto: "-1", cidr6: pick(["::/0", "::/0", "2600:1f00::/24"]) }] : []),
        ...(chance(0.2) ? [{ egress: true, proto: "tcp", from: 22, to: 22, cidr6: "::/0" }] : []),
      ];
      const sg = b.sg(rs, vpc, rules, { allEgress: chance(0.5) });
      if (groups.length > 0 && chance(0.4)) b.rule(sg, { proto: "-1", group: groups[0]!.id });
      groups.push(sg);
    }
    const ns = 1 + Math.floor(rnd() * 3);
    for (let k = 0; k < ns; k++) {
      const subnet = b.subnet(rs, vpc, `10.${n}.${k}.0/24`, k);
      const six = `2600:1f00:${(n + 1).toString(16)}:${k.toString(16)}::/64`;
      b.subnet6(subnet, six);
      if (chance(0.4)) tables.push(b.routeTable(rs, vpc, [subnet]));
      if (chance(0.25)) {
        b.acl(rs, vpc, [
          ...(chance(0.7) ? [{ ruleNumber: 100, egress: false, protocol: "-1", ruleAction: "allow" as const, ipv6CidrBlock: pick(["::/0", "2600:1f00::/24"]) }] : []),
          ...(chance(0.7) ? [{ ruleNumber: 100, egress: true, protocol: "-1", ruleAction: "allow" as const, ipv6CidrBlock: "::/0" }] : []),
          ...(chance(0.3) ? [{ ruleNumber: 50, egress: false, protocol: "6", ruleAction: "deny" as const, ipv6CidrBlock: "::/0", portRange: { from: 22, to: 22 } }] : []),
          ...(chance(0.5) ? [{ ruleNumber: 60, egress: false, protocol: "-1", ruleAction: "allow" as const, cidrBlock: "0.0.0.0/0" }] : []),
        ], [subnet]);
      }
      const prefix = six.split("::/64")[0]!;
      const count = 1 + Math.floor(rnd() * 2);
      for (let j = 0; j < count; j++) {
        const { instance, eni } = b.instance(rs, subnet, `10.${n}.${k}.${10 + j}`, {
          sgs: [pick(groups)],
          ipv6: [`${prefix}::${(16 + j).toString(16)}`],
          state: chance(0.08) ? "stopped" : "running",
        });
        enis.push({ eni, rs, instanceId: instance.id });
      }
    }
    vs.push({ rs, vpc, block, tables, igw, eigw, n });
  }
  // Peerings and routes.
  for (let i = 0; i < vs.length; i++) {
    for (let j = i + 1; j < vs.length; j++) {
      if (!chance(0.6)) continue;
      const a = vs[i]!;
      const c = vs[j]!;
      const pcx = b.peering(a, c, chance(0.8) ? "active" : "pending-acceptance");
      for (const [x, y] of [[a, c], [c, a]] as const) for (const t of x.tables) if (chance(0.75)) b.route(t, chance(0.85) ? y.block : "2600:1f00:77::/48", { kind: "pcx", id: pcx.id });
    }
  }
  for (const v of vs) {
    for (const t of v.tables) {
      const r = rnd();
      if (r < 0.4 && v.igw) b.route(t, "::/0", { kind: "igw", id: v.igw });
      else if (r < 0.8 && v.eigw) b.route(t, "::/0", { kind: "eigw", id: v.eigw });
      else if (r < 0.85) b.route(t, "::/0", { kind: "eigw", id: "eigw-0000000000000dead" });
    }
  }
  return { b, world: b.world, enis, vs, rnd, pick, chance };
}

function fmt(world: World, ip: bigint): string {
  void world;
  const g: string[] = [];
  for (let i = 7; i >= 0; i--) g.push(((ip >> BigInt(16 * i)) & 0xffffn).toString(16));
  return g.join(":"); // uncompressed: the engine must accept any RFC 4291 form
}

test("differential, IPv6: the compiled engine agrees with a brute-force oracle on random dual-stack networks", (t) => {
  let compared = 0;
  let reachable = 0;
  const seen = { internetOut: 0, eigwRefused: 0, fromInternetReachable: 0, peered: 0, sgMismatch: 0, aclDenied: 0 };
  for (let seed = 1; seed <= 60; seed++) {
    const { world, enis, pick, chance } = randomNetwork(seed);
    for (let q = 0; q < 30; q++) {
      const src = pick(enis);
      const proto = pick(["icmpv6", "tcp", "tcp"] as const);
      const port = pick([22, 443]);
      const r = chance(0.55) ? 0 : chance(0.4) ? 1 : chance(0.5) ? 2 : 3;
      let dst: bigint;
      if (r === 0) dst = p6(pick(enis.filter((e) => e !== src)).eni.ipv6Addresses![0]!);
      else if (r === 1) dst = p6(pick(["2606:4700:4700::1111", "2a00:1450:4001::200e", "fd00::1", "fe80::1"]));
      else if (r === 2) dst = p6(pick(enis).eni.ipv6Addresses![0]!) + 0x1000n; // an unused address of a /64
      else dst = p6("2600:1f00:99::1");
      const fromInternet = chance(0.2);
      const destination = fmt(world, dst);
      const engineProto = proto === "icmpv6" ? "icmp" : proto;
      const ctx = `seed ${seed} q ${q}: ${fromInternet ? "internet" : src.eni.id} → ${destination} ${proto}/${port}`;
      let o: OracleResult;
      if (fromInternet) {
        o = oracleFromInternet(world, p6("2001:db8::10"), dst, proto, port);
        if (o.invalid) {
          assert.throws(() => analyze(world, { source: "internet", destination, protocol: engineProto, port }), { code: "InvalidParameterValue" }, ctx);
          compared++;
          continue;
        }
      } else o = oracle(world, { eni: src.eni, rs: src.rs }, dst, proto, port);
      const a = analyze(world, { source: fromInternet ? "internet" : src.eni.id, destination, protocol: engineProto, port });
      assert.deepEqual(a.explanations.filter((e) => e.onPath).map((e) => e.code).sort(), o.codes, ctx);
      assert.equal(a.verdict, o.codes.length === 0 ? "reachable" : "blocked", ctx);
      assert.equal(a.sourceAddressSeenByReceiver === undefined ? undefined : p6(a.sourceAddressSeenByReceiver), o.seen, ctx);
      if (a.verdict === "reachable") {
        assert.equal(a.pathMtu, o.mtu, ctx);
        reachable++;
      }
      assert.equal(analyze(world, { source: fromInternet ? "internet" : src.eni.id, destination, protocol: engineProto, port, explain: false }).verdict, a.verdict, ctx);
      compared++;
      if (!fromInternet && a.verdict === "reachable" && a.forward.some((h) => h.kind === "internet")) seen.internetOut++;
      if (o.codes.includes("EIGW_INBOUND_NOT_ALLOWED")) seen.eigwRefused++;
      if (fromInternet && a.verdict === "reachable") seen.fromInternetReachable++;
      if (a.verdict === "reachable" && a.forward.some((h) => h.kind === "pcx")) seen.peered++;
      if (o.codes.includes("ENI_SG_RULES_MISMATCH")) seen.sgMismatch++;
      if (o.codes.includes("SUBNET_ACL_RESTRICTION")) seen.aclDenied++;
    }
  }
  t.diagnostic(`compared ${compared}, reachable ${reachable}, cases ${JSON.stringify(seen)}`);
  assert.equal(compared, 1800);
  assert.ok(reachable > 100 && reachable < compared - 100, `reachable ${reachable} of ${compared}`);
  for (const [k, n] of Object.entries(seen)) assert.ok(n >= 5, `${k}: ${n} cases (${JSON.stringify(seen)})`);
});
