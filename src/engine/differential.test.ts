/**
 * Differential test: the compiled engine against a slow, direct oracle written from the rules (linear
 * route scans, string CIDR parsing per packet, no indexes, no caches) on small random networks:
 * 2–3 regions, VPCs with reused CIDRs, random subnets, SG rules (CIDR and group references), NACLs,
 * routes (local, peering active or pending, internet gateway, typo'd peering routes), instance states
 * and public IPs. Compared: verdict, the multiset of on-path explanation codes, the source address
 * the receiver sees, and the path MTU.
 *
 * Transit gateways are added from a second random stream (so the networks above stay as they were):
 * per account × region a gateway with one or two tables, VPC attachments on some subnets (available
 * or pending), associations, propagations, static and blackhole routes, peering attachments between
 * regions with static routes to the remote VPCs, and VPC routes to the gateway. The oracle walks them
 * from the rules: the entry attachment must have a subnet in the sender's zone, the table associated
 * with the attachment the packet entered by decides (static before propagated for one prefix, longest
 * prefix first), a peering attachment hands over to the other gateway's table for it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { NetBuilder } from "./builder.js";
import { analyze } from "./index.js";
import { mulberry32 } from "./latency.js";
import { formatIp, isPrivate, parseCidr, parseIp } from "../domain/cidr.js";
import type { World, RegionState } from "../state/world.js";
import type { NetworkInterface, RouteTable, SecurityGroup, Vpc } from "../domain/types.js";

// ---- the oracle ------------------------------------------------------------------------------------

interface E {
  eni: NetworkInterface;
  rs: RegionState;
}

function inC(cidr: string | undefined, ip: number): boolean {
  const c = cidr === undefined ? undefined : parseCidr(cidr);
  if (!c) return false;
  const mask = c.prefix === 0 ? 0 : (0xffffffff << (32 - c.prefix)) >>> 0;
  return ((ip & mask) >>> 0) === c.base;
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

function ipsOf(e: E): number[] {
  return e.eni.privateIps.map((p) => parseIp(p.address)!);
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

function vpcById(world: World, id: string): { vpc: Vpc; rs: RegionState } | undefined {
  for (const rs of world.regionStates()) {
    const vpc = rs.vpcs.get(id);
    if (vpc) return { vpc, rs };
  }
  return undefined;
}

function eniInVpc(world: World, vpcId: string, ip: number): E | undefined {
  return allEnis(world).find((e) => e.eni.vpcId === vpcId && ipsOf(e).includes(ip));
}

type Key = { proto: string; a: number; b: number };

function sgAllows(world: World, e: E, egress: boolean, k: Key, peer: number, peerGroups: string[] | undefined): boolean {
  for (const id of e.eni.securityGroupIds) {
    const sg = e.rs.securityGroups.get(id) as SecurityGroup | undefined;
    for (const r of sg?.rules ?? []) {
      if (r.isEgress !== egress) continue;
      if (r.ipProtocol !== "-1") {
        if (r.ipProtocol !== k.proto) continue;
        if (k.proto === "icmp") {
          if (r.fromPort !== -1 && r.fromPort !== k.a) continue;
          if (r.toPort !== -1 && r.toPort !== k.b) continue;
        } else if (!(k.a >= r.fromPort && k.a <= r.toPort)) continue;
      }
      if (r.referencedGroup) {
        if (peerGroups?.includes(r.referencedGroup.groupId)) return true;
      } else if (inC(r.cidrIpv4, peer)) return true;
    }
  }
  return false;
}

const NUM: Record<string, string> = { icmp: "1", tcp: "6", udp: "17" };

function aclAllows(e: E, egress: boolean, k: Key, remote: number): boolean {
  const s = subnetOf(e);
  const acl = [...e.rs.networkAcls.values()].find((a) => a.associations.some((x) => x.subnetId === s.id));
  if (!acl) return true;
  const entries = acl.entries.filter((x) => x.egress === egress).sort((x, y) => x.ruleNumber - y.ruleNumber);
  for (const x of entries) {
    if (!inC(x.cidrBlock, remote)) continue;
    if (x.protocol !== "-1") {
      if (x.protocol !== NUM[k.proto]) continue;
      if (k.proto === "icmp" && x.icmp) {
        if (x.icmp.type !== -1 && x.icmp.type !== k.a) continue;
        if (x.icmp.code !== -1 && x.icmp.code !== k.b) continue;
      }
      if (k.proto !== "icmp" && x.portRange && !(k.a >= x.portRange.from && k.a <= x.portRange.to)) continue;
    }
    return x.ruleAction === "allow";
  }
  return false;
}

interface OracleResult {
  codes: string[];
  seen?: string;
  mtu: number;
  /** The engine must refuse the query (a packet from the Internet to an address no VPC holds). */
  invalid?: boolean;
}

function hasIgw(world: World, x: E): boolean {
  return [...x.rs.internetGateways.values()].some((g) => g.attachments.some((a) => a.vpcId === x.eni.vpcId && a.state === "available"));
}

/** Some VPC's CIDR blocks hold the address (any account, any region). */
function inAnyVpc(world: World, ip: number): boolean {
  for (const rs of world.regionStates()) for (const v of rs.vpcs.values()) if (v.cidrBlocks.some((b) => inC(b.cidr, ip))) return true;
  return false;
}

function vpcsOf(world: World): Vpc[] {
  return [...world.regionStates()].flatMap((x) => [...x.vpcs.values()]);
}

function byPublicIp(world: World, ip: number): E | undefined {
  return allEnis(world).find((e) => e.eni.association && parseIp(e.eni.association.publicIp) === ip);
}

function eniById(world: World, id: string): E | undefined {
  return allEnis(world).find((e) => e.eni.id === id);
}

type LegEnd = { e?: E; internet?: boolean; seen: number };

function makeLeg(world: World, codes: string[], mtuRef: { mtu: number }) {
  function leg(s: E, from: number, to: number, k: Key, stateful: boolean, depth: number, senderGroups: string[] | undefined): LegEnd | undefined {
    if (depth === 0 && !running(s)) codes.push("BAD_STATE");
    if (ipsOf(s).includes(to)) return { e: s, seen: from };
    let next: E | undefined;
    let viaIgw = false;
    let internet = false;
    let appliance = false;
    let viaTgw = false;
    let seen = from;
    let dead = true;
    // Same subnet: layer-2 delivery, no route table, no NACL (VPC User Guide, "Gateway route tables" ›
    // rules: "traffic destined for the MAC address of another network interface in the subnet uses
    // data link (layer 2) routing"; "Middlebox routing": "you cannot route traffic between hosts in the
    // same subnet through an appliance"; "Network ACL example: control access to instances in a
    // subnet" — instances of one subnet talk although the NACL denies everything else).
    // https://docs.aws.amazon.com/vpc/latest/userguide/gateway-route-tables.html
    // https://docs.aws.amazon.com/vpc/latest/userguide/nacl-examples.html
    const l2 = inC(subnetOf(s).cidr, to);
    if (l2) {
      next = eniInVpc(world, s.eni.vpcId, to);
      if (!next) codes.push("NO_POSSIBLE_DESTINATION");
      else dead = false;
    } else {
      const rt = rtOf(s);
      let best: RouteTable["routes"][number] | undefined;
      let bestLen = -1;
      for (const r of rt?.routes ?? []) {
        const c = parseCidr(r.destinationCidr)!;
        if (inC(r.destinationCidr, to) && c.prefix > bestLen) {
          best = r;
          bestLen = c.prefix;
        }
      }
      if (!best) codes.push("NO_ROUTE_TO_DESTINATION");
      else if (best.target.kind === "local") {
        next = eniInVpc(world, s.eni.vpcId, to);
        if (!next) codes.push("NO_POSSIBLE_DESTINATION");
        else dead = false;
      } else if (best.target.kind === "pcx") {
        const pcx = world.peerings.get(best.target.id)!;
        if (pcx.status.code !== "active") codes.push("BAD_STATE_ROUTE");
        else {
          const other = pcx.requester.vpcId === s.eni.vpcId ? pcx.accepter : pcx.requester;
          const pv = vpcById(world, other.vpcId)!;
          if (!pv.vpc.cidrBlocks.some((b) => inC(b.cidr, to))) codes.push("PCX_REQUIRES_ADDRESS_IN_VPC_CIDR");
          else {
            next = eniInVpc(world, pv.vpc.id, to);
            if (!next) codes.push("NO_POSSIBLE_DESTINATION");
            else {
              dead = false;
              mtuRef.mtu = Math.min(mtuRef.mtu, pv.rs.region === s.rs.region ? 9001 : 8500);
            }
          }
        }
      } else if (best.target.kind === "tgw") {
        const r = tgwOracle(world, s, to, best.target.id, mtuRef);
        if (r.code) codes.push(r.code);
        else {
          next = r.next;
          viaTgw = true;
          dead = false;
        }
      } else if (best.target.kind === "eni" || best.target.kind === "instance") {
        // Middlebox routing: the appliance must be running (else the route is a blackhole) and have its
        // source/destination check off; it forwards by its own subnet's route table.
        const a = eniById(world, best.target.kind === "instance" ? best.target.eniId : best.target.id);
        if (!a || !running(a)) codes.push("BAD_STATE_ROUTE");
        else if (depth >= 4) codes.push("NO_POSSIBLE_DESTINATION");
        else {
          next = a;
          appliance = true;
          dead = false;
        }
      } else if (best.target.kind === "igw") {
        const igw = s.rs.internetGateways.get(best.target.id);
        if (!igw?.attachments.some((a) => a.vpcId === s.eni.vpcId && a.state === "available")) codes.push("BAD_STATE_ROUTE");
        else if (isPrivate(to)) codes.push("IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS");
        else if (inC("100.64.0.0/10", to)) codes.push("IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS");
        else {
          const sender = eniInVpc(world, s.eni.vpcId, from);
          if (!sender?.eni.association) codes.push("IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS");
          else seen = parseIp(sender.eni.association.publicIp)!;
          viaIgw = true;
          mtuRef.mtu = Math.min(mtuRef.mtu, 1500);
          const x = byPublicIp(world, to);
          if (x && !hasIgw(world, x)) codes.push("IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS");
          else if (x) {
            next = x;
            dead = false;
          } else if (inAnyVpc(world, to)) {
            // A VPC's publicly routable CIDR is not reachable from the Internet (VPC User Guide, "VPC
            // CIDR blocks": "we do not support direct access to the internet from your VPC's CIDR
            // block, including a publicly-routable CIDR block"; Reachability Analyzer explanation code
            // IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS: "Internet gateways reject inbound traffic with a
            // destination address that is not the public IP address of a network interface").
            // https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html
            // https://docs.aws.amazon.com/vpc/latest/reachability/explanation-codes.html
            codes.push("IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS");
          } else {
            internet = true;
            dead = false;
          }
        }
      }
    }
    // Group references do not match across a transit gateway (nor an internet gateway or appliance).
    const peerGroups = next && !viaIgw && !appliance && !viaTgw ? next.eni.securityGroupIds : undefined;
    if (!stateful && !sgAllows(world, s, true, k, to, peerGroups)) codes.push("ENI_SG_RULES_MISMATCH");
    const same = l2 || (next !== undefined && !viaIgw && next.eni.subnetId === s.eni.subnetId);
    if (!same && !aclAllows(s, true, k, to)) codes.push("SUBNET_ACL_RESTRICTION");
    if (dead) return undefined;
    if (internet) return { internet: true, seen };
    if (!same && !aclAllows(next!, false, k, seen)) codes.push("SUBNET_ACL_RESTRICTION");
    if (!stateful && !sgAllows(world, next!, false, k, seen, viaIgw || viaTgw ? undefined : senderGroups)) codes.push("ENI_SG_RULES_MISMATCH");
    if (appliance) {
      if (next!.eni.sourceDestCheck) codes.push("ENI_SOURCE_DEST_CHECK_RESTRICTION");
      return leg(next!, from, to, k, stateful, depth + 1, undefined);
    }
    if (!running(next!)) codes.push("BAD_STATE");
    return { e: next, seen };
  }
  return leg;
}

/** The oracle's transit gateway walk (see the header): an error code, or the interface reached. */
function tgwOracle(world: World, s: E, to: number, tgwId: string, mtuRef: { mtu: number }): { code?: string; next?: E } {
  const tgw = s.rs.transitGateways.get(tgwId);
  const entry = [...s.rs.tgwAttachments.values()].find((a) => a.transitGatewayId === tgwId && a.vpcId === s.eni.vpcId && a.state === "available");
  if (tgw?.state !== "available" || !entry) return { code: "BAD_STATE_ROUTE" };
  const az = subnetOf(s).availabilityZone;
  if (!entry.subnetIds.some((id) => s.rs.subnets.get(id)?.availabilityZone === az)) return { code: "TGW_ROUTE_AZ_RESTRICTION" };
  let rs = s.rs;
  let inId = entry.id;
  for (let n = 0; n < 4; n++) {
    mtuRef.mtu = Math.min(mtuRef.mtu, 8500);
    const table = [...rs.tgwRouteTables.values()].find((t) => t.state !== "deleted" && t.associations.includes(inId));
    if (!table) return { code: "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION" };
    const cands: { cidr: string; isStatic: boolean; att?: string; blackhole: boolean }[] = [];
    for (const r of table.routes) cands.push({ cidr: r.destinationCidr, isStatic: true, att: r.attachmentId, blackhole: r.blackhole });
    for (const id of table.propagations) {
      const a = rs.tgwAttachments.get(id);
      if (a?.state !== "available") continue;
      for (const b of rs.vpcs.get(a.vpcId)?.cidrBlocks ?? []) {
        if (b.state === "associated" && !cands.some((c) => c.cidr === b.cidr && (c.isStatic || c.att !== undefined))) cands.push({ cidr: b.cidr, isStatic: false, att: id, blackhole: false });
      }
    }
    let best: (typeof cands)[number] | undefined;
    for (const c of cands) {
      if (!inC(c.cidr, to)) continue;
      if (!best || parseCidr(c.cidr)!.prefix > parseCidr(best.cidr)!.prefix) best = c;
    }
    if (!best) return { code: "TGW_RTB_CANNOT_ROUTE" };
    const vpcAtt = best.att !== undefined ? rs.tgwAttachments.get(best.att) : undefined;
    const peer = best.att !== undefined ? world.tgwPeerings.get(best.att) : undefined;
    if (best.blackhole || (vpcAtt?.state ?? peer?.state) !== "available") return { code: "TGW_RTB_BAD_STATE_ROUTE" };
    if (peer) {
      const here = peer.requester.ownerId === rs.account && peer.requester.region === rs.region;
      const other = here ? peer.accepter : peer.requester;
      rs = world.region(other.ownerId, other.region);
      inId = peer.id;
      continue;
    }
    const v = rs.vpcs.get(vpcAtt!.vpcId)!;
    if (!v.cidrBlocks.some((b) => inC(b.cidr, to))) return { code: "NO_POSSIBLE_DESTINATION" };
    const next = eniInVpc(world, v.id, to);
    return next ? { next } : { code: "NO_POSSIBLE_DESTINATION" };
  }
  return { code: "NO_POSSIBLE_DESTINATION" };
}

function keysOf(proto: string, port: number): { fk: Key; rk: Key } {
  return {
    fk: proto === "icmp" ? { proto, a: 8, b: 0 } : { proto, a: port, b: 0 },
    rk: proto === "icmp" ? { proto, a: 0, b: 0 } : { proto, a: 49152, b: 0 },
  };
}

function oracle(world: World, src: E, dstIp: number, expected: E | undefined, proto: string, port: number): OracleResult {
  const codes: string[] = [];
  const mtuRef = { mtu: 9001 };
  const leg = makeLeg(world, codes, mtuRef);
  const { fk, rk } = keysOf(proto, port);
  const srcIp = parseIp(src.eni.privateIps.find((p) => p.primary)!.address)!;
  const arr = leg(src, srcIp, dstIp, fk, false, 0, src.eni.securityGroupIds);
  if (arr && expected && arr.e && arr.e.eni !== expected.eni) codes.push("NO_POSSIBLE_DESTINATION");
  if (arr) {
    if (arr.internet) {
      if (!aclAllows(src, false, rk, dstIp)) codes.push("SUBNET_ACL_RESTRICTION");
    } else {
      const d = arr.e!;
      const back = leg(d, ipsOf(d).includes(dstIp) ? dstIp : ipsOf(d)[0]!, arr.seen, rk, true, 0, d.eni.securityGroupIds);
      if (back && (back.internet || back.e!.eni !== src.eni)) codes.push("NO_POSSIBLE_DESTINATION");
    }
  }
  return { codes: codes.sort(), seen: arr ? formatIp(arr.seen) : undefined, mtu: mtuRef.mtu };
}

/**
 * A packet from a host on the Internet (Reachability Analyzer accepts an internet gateway as a path
 * source: https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html).
 * Only a public or elastic IP is reachable, through the destination VPC's attached gateway; the subnet's
 * NACL and the interface's groups see the sender's own address; the reply must route back out to the
 * gateway (VPC User Guide, "Enable internet access for a VPC using an internet gateway":
 * https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html).
 */
function oracleFromInternet(world: World, from: number, dstIp: number, expected: E | undefined, proto: string, port: number, viaIgw?: string): OracleResult {
  const codes: string[] = [];
  const mtuRef = { mtu: 1500 };
  const leg = makeLeg(world, codes, mtuRef);
  const { fk, rk } = keysOf(proto, port);
  const target = expected ?? byPublicIp(world, dstIp);
  const address = expected?.eni.association ? parseIp(expected.eni.association.publicIp)! : dstIp;
  if (!target && !inAnyVpc(world, address)) return { codes: [], mtu: 1500, invalid: true };
  let seen: string | undefined;
  // The gateway named as the source must be the one attached to the destination's VPC.
  const holderVpc = target?.eni.vpcId ?? vpcsOf(world).find((v) => v.cidrBlocks.some((b) => inC(b.cidr, address)))?.id;
  const igwOfHolder = [...world.regionStates()].flatMap((x) => [...x.internetGateways.values()]).find((g) => g.attachments.some((a) => a.vpcId === holderVpc && a.state === "available"));
  if (viaIgw && igwOfHolder?.id !== viaIgw) codes.push("IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS");
  else if (!target || !target.eni.association || parseIp(target.eni.association.publicIp) !== address || !hasIgw(world, target)) {
    codes.push("IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS");
  } else {
    if (!aclAllows(target, false, fk, from)) codes.push("SUBNET_ACL_RESTRICTION");
    if (!sgAllows(world, target, false, fk, from, undefined)) codes.push("ENI_SG_RULES_MISMATCH");
    if (!running(target)) codes.push("BAD_STATE");
    seen = formatIp(from);
    const back = leg(target, ipsOf(target)[0]!, from, rk, true, 0, target.eni.securityGroupIds);
    if (back && !back.internet) codes.push("NO_POSSIBLE_DESTINATION");
  }
  return { codes: codes.sort(), seen, mtu: mtuRef.mtu };
}

// ---- random networks ---------------------------------------------------------------------------------

const REGIONS = ["ap-northeast-1", "ap-southeast-1", "us-east-1"];
// 52.10.0.0/16 is a publicly routable VPC range (AWS allows one; the Internet must not answer for it).
const VPC_CIDRS = ["10.0.0.0/16", "10.1.0.0/16", "10.0.0.0/16", "172.31.0.0/16", "52.10.0.0/16"];

function randomNetwork(seed: number) {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const chance = (p: number) => rnd() < p;
  const b = new NetBuilder();
  const vpcs: { rs: RegionState; vpc: Vpc; subnets: ReturnType<NetBuilder["subnet"]>[] }[] = [];
  const nVpc = 2 + Math.floor(rnd() * 3);
  for (let i = 0; i < nVpc; i++) {
    const rs = b.rs(pick(REGIONS), chance(0.2) ? "111111111111" : "000000000000");
    const cidr = pick(VPC_CIDRS);
    const vpc = b.vpc(rs, cidr);
    const base = parseCidr(cidr)!.base;
    const subnets = [0, 1, 2].slice(0, 1 + Math.floor(rnd() * 3)).map((k) => b.subnet(rs, vpc, formatIp(base + k * 256) + "/24", k));
    if (chance(0.5)) b.igw(rs, vpc, b.mainRt(rs, vpc));
    if (subnets.length > 1 && chance(0.4)) b.routeTable(b.world.region(rs.account, rs.region), vpc, [subnets[1]!]);
    vpcs.push({ rs, vpc, subnets });
  }
  for (let i = 0; i < vpcs.length; i++) {
    for (let j = i + 1; j < vpcs.length; j++) {
      if (!chance(0.6)) continue;
      const pcx = b.peering(vpcs[i]!, vpcs[j]!, chance(0.8) ? "active" : "pending-acceptance");
      for (const [x, y] of [[vpcs[i]!, vpcs[j]!], [vpcs[j]!, vpcs[i]!]] as const) {
        const tables = [...x.rs.routeTables.values()].filter((t) => t.vpcId === x.vpc.id);
        for (const t of tables) {
          if (!chance(0.7)) continue;
          const dest = chance(0.8) ? y.vpc.cidrBlocks[0]!.cidr : pick(["172.16.0.0/24", "192.168.0.0/16", "10.0.1.0/24"]);
          if (t.routes.some((r) => r.destinationCidr === dest)) continue;
          b.route(t, dest, { kind: "pcx", id: pcx.id });
        }
      }
    }
  }
  const enis: { rs: RegionState; eni: NetworkInterface; instanceId: string }[] = [];
  const groups: string[] = [];
  for (const v of vpcs) {
    const sgs = [0, 1].map(() => {
      const rules = [];
      for (let k = 0; k < 1 + Math.floor(rnd() * 4); k++) {
        const proto = pick(["icmp", "tcp", "udp", "-1"]);
        const from = proto === "icmp" ? pick([-1, 8]) : proto === "-1" ? -1 : pick([22, 80, 1000]);
        const to = proto === "icmp" ? -1 : proto === "-1" ? -1 : from + pick([0, 100]);
        const peer = chance(0.25) && groups.length > 0 ? { group: pick(groups) } : { cidr: pick(["0.0.0.0/0", "10.0.0.0/8", "10.1.0.0/16", "172.31.0.0/16", "10.0.0.0/24"]) };
        rules.push({ egress: chance(0.3), proto, from, to, ...peer });
      }
      const sg = b.sg(v.rs, v.vpc, rules, { allEgress: chance(0.7) });
      groups.push(sg.id);
      return sg;
    });
    if (chance(0.4)) {
      const entries = [];
      for (let k = 0; k < 1 + Math.floor(rnd() * 4); k++) {
        const proto = pick(["-1", "6", "17", "1"]);
        entries.push({
          ruleNumber: 10 * (k + 1),
          egress: chance(0.5),
          protocol: proto,
          ruleAction: chance(0.7) ? ("allow" as const) : ("deny" as const),
          cidrBlock: pick(["0.0.0.0/0", "10.0.0.0/8", "172.31.0.0/16", "10.1.0.0/16"]),
          portRange: proto === "6" || proto === "17" ? pick([{ from: 0, to: 65535 }, { from: 22, to: 22 }, { from: 1024, to: 65535 }]) : undefined,
          icmp: proto === "1" ? pick([{ type: -1, code: -1 }, { type: 8, code: -1 }]) : undefined,
        });
      }
      b.acl(v.rs, v.vpc, entries, v.subnets.filter(() => chance(0.6)));
    }
    for (const s of v.subnets) {
      for (let k = 0; k < 1 + Math.floor(rnd() * 2); k++) {
        const ip = formatIp(parseCidr(s.cidr)!.base + 10 + k);
        const chosen = sgs.filter(() => chance(0.6));
        const inst = b.instance(v.rs, s, ip, {
          sgs: chosen.length > 0 ? chosen : [sgs[0]!],
          publicIp: chance(0.4) ? `54.${enis.length}.${seed & 255}.${k + 1}` : undefined,
          state: chance(0.9) ? "running" : "stopped",
          sourceDestCheck: chance(0.5),
        });
        enis.push({ rs: v.rs, eni: inst.eni, instanceId: inst.instance.id });
      }
    }
  }
  // Middlebox routes, as AWS allows them: exactly a subnet's CIDR block (or a peer's range) → an
  // interface or instance of the VPC. Traffic inside that subnet must not take them (layer 2).
  for (const v of vpcs) {
    const mine = enis.filter((e) => e.eni.vpcId === v.vpc.id);
    if (mine.length === 0 || !chance(0.45)) continue;
    const tables = [...v.rs.routeTables.values()].filter((t) => t.vpcId === v.vpc.id);
    for (let n = 0; n < 1 + Math.floor(rnd() * 2); n++) {
      const t = pick(tables);
      const dest = chance(0.8) ? pick(v.subnets).cidr : pick(VPC_CIDRS.filter((c) => !v.vpc.cidrBlocks.some((blk) => blk.cidr === c)));
      if (t.routes.some((r) => r.destinationCidr === dest)) continue;
      const a = pick(mine);
      b.route(t, dest, chance(0.5) ? { kind: "eni", id: a.eni.id } : { kind: "instance", id: a.instanceId, eniId: a.eni.id });
    }
  }
  addTransitGateways(b, seed, vpcs);
  return { world: b.world, enis, rnd, pick, chance };
}

/** Transit gateways over a finished random network, from their own random stream (see the header). */
function addTransitGateways(b: NetBuilder, seed: number, vpcs: { rs: RegionState; vpc: Vpc; subnets: ReturnType<NetBuilder["subnet"]>[] }[]): void {
  const rnd = mulberry32(seed * 7919 + 17);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const chance = (p: number) => rnd() < p;
  const hubs: { rs: RegionState; tgw: ReturnType<NetBuilder["tgw"]>; tables: ReturnType<NetBuilder["tgwTable"]>[] }[] = [];
  for (const rs of new Set(vpcs.map((v) => v.rs))) {
    if (!chance(0.9)) continue;
    const tgw = b.tgw(rs);
    const tables = [b.tgwTable(rs, tgw), ...(chance(0.3) ? [b.tgwTable(rs, tgw)] : [])];
    hubs.push({ rs, tgw, tables });
    const attached = [];
    for (const v of vpcs.filter((x) => x.rs === rs)) {
      if (!chance(0.8)) continue;
      const subnets = v.subnets.filter((_, i) => i === 0 || chance(0.5));
      const a = b.tgwAttach(rs, tgw, v.vpc, subnets, chance(0.9) ? "available" : "pending");
      attached.push({ v, a });
      if (chance(0.95)) pick(tables).associations.push(a.id);
      for (const t of tables) if (chance(0.85)) t.propagations.push(a.id);
    }
    for (let n = 0; n < Math.floor(rnd() * 3); n++) {
      const t = pick(tables);
      const dest = pick([...vpcs.map((x) => x.vpc.cidrBlocks[0]!.cidr), "10.0.0.0/8", "10.0.1.0/24"]);
      if (t.routes.some((r) => r.destinationCidr === dest)) continue;
      if (attached.length === 0 || chance(0.25)) b.tgwRoute(t, { destinationCidr: dest, blackhole: true });
      else b.tgwRoute(t, { destinationCidr: dest, attachmentId: pick(attached).a.id, blackhole: false });
    }
  }
  for (let i = 0; i < hubs.length; i++) {
    for (let j = i + 1; j < hubs.length; j++) {
      if (!chance(0.8)) continue;
      const p = b.tgwPeering(hubs[i]!, hubs[j]!, chance(0.9) ? "available" : "pendingAcceptance");
      for (const [x, y] of [[hubs[i]!, hubs[j]!], [hubs[j]!, hubs[i]!]] as const) {
        if (chance(0.95)) pick(x.tables).associations.push(p.id);
        for (const v of vpcs.filter((z) => z.rs === y.rs)) {
          const t = pick(x.tables);
          const dest = v.vpc.cidrBlocks[0]!.cidr;
          if (chance(0.95) && !t.routes.some((r) => r.destinationCidr === dest)) b.tgwRoute(t, { destinationCidr: dest, attachmentId: p.id, blackhole: false });
        }
      }
    }
  }
  // VPC routes to the gateway, only where AWS accepts them (the VPC has an attachment): mostly for the
  // other attached VPCs' blocks, so that both legs of many paths cross gateways.
  const attachedCidrs = hubs.flatMap((h) => [...h.rs.tgwAttachments.values()].map((a) => h.rs.vpcs.get(a.vpcId)!.cidrBlocks[0]!.cidr));
  for (const h of hubs) {
    for (const a of h.rs.tgwAttachments.values()) {
      const v = h.rs.vpcs.get(a.vpcId)!;
      for (const t of [...h.rs.routeTables.values()].filter((x) => x.vpcId === v.id)) {
        for (const dest of [...new Set([...attachedCidrs, pick(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"])])]) {
          if (!chance(0.8)) continue;
          const own = v.cidrBlocks.some((c) => c.cidr === dest);
          if (own || t.routes.some((r) => r.destinationCidr === dest)) continue;
          b.route(t, dest, { kind: "tgw", id: h.tgw.id });
        }
      }
    }
  }
}

test("differential: the compiled engine agrees with a brute-force oracle on random networks", () => {
  let compared = 0;
  let tgwCompared = 0;
  let reachable = 0;
  const seen = { sameSubnet: 0, appliance: 0, fromInternet: 0, fromInternetReachable: 0, publicCidrRefused: 0, tgwReachable: 0, tgwBlocked: 0, tgwPeeringReachable: 0 };
  for (let seed = 1; seed <= 150; seed++) {
    const { world, enis, pick, chance } = randomNetwork(seed);
    for (let q = 0; q < 12; q++) {
      const src = pick(enis);
      // A sender on the Internet: `internet` or a public address no VPC holds.
      // …or entering through a given internet gateway (Reachability Analyzer's internet-gateway source).
      const igws = [...world.regionStates()].flatMap((x) => [...x.internetGateways.values()]);
      const internetSrc = chance(0.15) ? pick(["internet", "8.8.4.4", "1.2.3.4", ...(igws.length > 0 ? [pick(igws).id] : [])]) : undefined;
      const proto = pick(["icmp", "tcp", "udp"] as const);
      const port = pick([22, 80, 443, 1050]);
      let destination: string;
      let expected: E | undefined;
      let dstIp: number;
      const r = chance(0.6) ? 0 : chance(0.5) ? 1 : 2;
      const neighbours = enis.filter((e) => e !== src && e.eni.subnetId === src.eni.subnetId && e.rs === src.rs);
      if (r === 0) {
        const d = neighbours.length > 0 && chance(0.3) ? pick(neighbours) : pick(enis);
        destination = d.instanceId;
        expected = { eni: d.eni, rs: d.rs };
        dstIp = parseIp(d.eni.privateIps[0]!.address)!;
      } else if (r === 1) {
        const d = pick(enis);
        dstIp = d.eni.association ? parseIp(d.eni.association.publicIp)! : parseIp(pick(["8.8.8.8", "1.1.1.1", "10.1.0.10", "192.168.5.5", "52.10.0.10"]))!;
        destination = formatIp(dstIp);
      } else {
        dstIp = parseIp(pick(["8.8.8.8", "10.0.0.11", "10.1.1.10", "172.31.0.10", "100.64.1.1", "192.168.1.1", "52.10.0.10", "52.10.1.11"]))!;
        destination = formatIp(dstIp);
      }
      const pubs = enis.filter((e) => e.eni.association);
      if (internetSrc && pubs.length > 0 && chance(0.7)) {
        const d = pick(pubs);
        if (chance(0.5)) {
          destination = d.instanceId;
          expected = { eni: d.eni, rs: d.rs };
          dstIp = parseIp(d.eni.privateIps[0]!.address)!;
        } else {
          expected = undefined;
          dstIp = parseIp(d.eni.association!.publicIp)!;
          destination = formatIp(dstIp);
        }
      }
      const source = internetSrc ?? src.eni.id;
      const ctx = `seed ${seed} q ${q}: ${source} → ${destination} ${proto}/${port}`;
      let o: OracleResult;
      if (internetSrc) {
        const viaIgw = internetSrc.startsWith("igw-") ? internetSrc : undefined;
        const from = internetSrc === "internet" || viaIgw ? parseIp("203.0.113.10")! : parseIp(internetSrc)!;
        o = oracleFromInternet(world, from, dstIp, expected, proto, port, viaIgw);
        if (o.invalid) {
          assert.throws(() => analyze(world, { source, destination, protocol: proto, port }), { code: "InvalidParameterValue" }, ctx);
          compared++;
          continue;
        }
      } else {
        o = oracle(world, { eni: src.eni, rs: src.rs }, dstIp, expected, proto, port);
      }
      const a = analyze(world, { source, destination, protocol: proto, port });
      const engineCodes = a.explanations.filter((e) => e.onPath).map((e) => e.code).sort();
      assert.deepEqual(engineCodes, o.codes, ctx);
      assert.equal(a.verdict, o.codes.length === 0 ? "reachable" : "blocked", ctx);
      assert.equal(a.sourceAddressSeenByReceiver, o.seen, ctx);
      if (a.verdict === "reachable") {
        assert.equal(a.pathMtu, o.mtu, ctx);
        reachable++;
      }
      // The fast path agrees on the verdict.
      assert.equal(analyze(world, { source, destination, protocol: proto, port, explain: false }).verdict, a.verdict, ctx);
      compared++;
      if (internetSrc) {
        seen.fromInternet++;
        if (a.verdict === "reachable") seen.fromInternetReachable++;
      } else if (expected && expected.eni.subnetId === src.eni.subnetId && expected.rs === src.rs) seen.sameSubnet++;
      if (a.forward.some((h) => h.kind === "appliance")) seen.appliance++;
      if (a.forward.some((h) => h.kind === "tgw-route-table")) {
        if (a.verdict === "reachable") seen.tgwReachable++;
        else if (o.codes.some((c) => c.startsWith("TGW_"))) seen.tgwBlocked++;
        if (a.verdict === "reachable" && a.forward.some((h) => h.kind === "tgw-peering")) seen.tgwPeeringReachable++;
      }
      if (!internetSrc && o.codes.includes("IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS") && !byPublicIp(world, dstIp)) seen.publicCidrRefused++;
    }
    // Extra queries between interfaces of VPCs attached to a gateway, so that transit gateway paths are
    // compared often (the queries above rarely pick two attached VPCs).
    const attachedVpcs = new Set([...world.regionStates()].flatMap((x) => [...x.tgwAttachments.values()].map((a) => a.vpcId)));
    const onTgw = enis.filter((e) => attachedVpcs.has(e.eni.vpcId));
    for (let q = 0; q < 40 && onTgw.length > 1; q++) {
      const src = pick(onTgw);
      const others = onTgw.filter((e) => e.eni.vpcId !== src.eni.vpcId);
      const d = pick(others.length > 0 ? others : onTgw.filter((e) => e !== src));
      const proto = pick(["icmp", "tcp", "udp"] as const);
      const port = pick([22, 80, 443, 1050]);
      const ctx = `seed ${seed} tgw q ${q}: ${src.eni.id} → ${d.instanceId} ${proto}/${port}`;
      const o = oracle(world, { eni: src.eni, rs: src.rs }, parseIp(d.eni.privateIps[0]!.address)!, { eni: d.eni, rs: d.rs }, proto, port);
      const a = analyze(world, { source: src.eni.id, destination: d.instanceId, protocol: proto, port });
      assert.deepEqual(a.explanations.filter((e) => e.onPath).map((e) => e.code).sort(), o.codes, ctx);
      assert.equal(a.sourceAddressSeenByReceiver, o.seen, ctx);
      if (a.verdict === "reachable") assert.equal(a.pathMtu, o.mtu, ctx);
      assert.equal(analyze(world, { source: src.eni.id, destination: d.instanceId, protocol: proto, port, explain: false }).verdict, a.verdict, ctx);
      tgwCompared++;
      if (a.forward.some((h) => h.kind === "tgw-route-table")) {
        if (a.verdict === "reachable") seen.tgwReachable++;
        else if (o.codes.some((c) => c.startsWith("TGW_"))) seen.tgwBlocked++;
        if (a.verdict === "reachable" && a.forward.some((h) => h.kind === "tgw-peering")) seen.tgwPeeringReachable++;
      }
    }
  }
  assert.equal(compared, 1800);
  assert.ok(tgwCompared > 500, `tgw queries ${tgwCompared}`);
  // The random networks must exercise both outcomes and every case, or the comparison proves little.
  assert.ok(reachable > 100 && reachable < compared - 100, `reachable ${reachable} of ${compared}`);
  for (const [k, n] of Object.entries(seen)) assert.ok(n >= 5, `${k}: ${n} cases (${JSON.stringify(seen)})`);
});
