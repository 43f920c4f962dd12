/**
 * A route to a transit gateway (Transit Gateways Guide, "How transit gateways work", "Transit gateway
 * route tables", "Transit gateway peering attachments"). See the fidelity notes in analyze.ts
 * ("Transit gateways"). IPv6 is routed exactly as IPv4 (the table's IPv6 routes, longest prefix
 * first), but only through VPC attachments with Ipv6Support enabled: without it the gateway's network
 * interface in the attachment subnets has no IPv6 address, so an IPv6 packet can neither enter the
 * gateway by that attachment nor leave by it (vpclab's own code TGW_ATTACH_IPV6_SUPPORT_DISABLED, with
 * the fix ModifyTransitGatewayVpcAttachment Options.Ipv6Support=enable).
 */
import type { RouteTarget, TgwVpcAttachment } from "../domain/types.js";
import type { RegionState } from "../state/world.js";
import type { Fix } from "./fix-command.js";
import { fmtIp, ip6Of } from "./addr.js";
import { availableAttachment, indexedAssociation, lookupTgwRoute, lookupTgwRoute6, remoteSide, tgwHome, vpcRegionOf } from "../domain/transit-gateways.js";
import { inCidr, type EniInfo, type VpcInfo } from "./model.js";
import { MTU_TGW, TGW_HOP_RTT_MS } from "./latency.js";
import { blockAt, call, noDestination, where, type Forwarder, type Leg, type RouteOutcome, type Walk } from "./walk.js";

export const tgwForwarder: Forwarder<Extract<RouteTarget, { kind: "tgw" }>> = {
  forward: ({ w, leg, s, src, dst, route, out }, t) => forwardTgw(w, leg, s, src, dst, t.id, route.destinationCidr, out),
  blackhole({ w, s, rt, route }, t) {
    const tgw = (tgwHome(w.world, s.rs, t.id) ?? s.rs).transitGateways.get(t.id);
    const down = !tgw || tgw.state !== "available";
    return {
      why: down ? `transit gateway ${t.id} is ${tgw?.state ?? "deleted"}` : `${rt.vpcId} has no available attachment to transit gateway ${t.id}`,
      fix: down ? `route ${route.destinationCidr} to an available transit gateway` : `attach ${rt.vpcId} to ${t.id} with one subnet per Availability Zone`,
      fixes: down ? undefined : [call("CreateTransitGatewayVpcAttachment", { TransitGatewayId: t.id, VpcId: rt.vpcId, SubnetIds: onePerZone(s.rs, rt.vpcId) }, where(s))],
      refs: { transitGatewayId: t.id },
    };
  },
};

/** At most this many transit gateways on one path (a static-route loop between peered gateways ends here). */
const MAX_TGW_HOPS = 4;

/**
 * A packet handed to transit gateway `tgwId` by the source VPC's route: it enters through the VPC's
 * attachment (which needs a subnet in the sender's Availability Zone), the route table associated with
 * the attachment it entered by decides the next attachment, and a peering attachment hands it to the
 * other gateway, whose own table associated with that peering attachment decides again.
 */
export function forwardTgw(w: Walk, leg: Leg, s: EniInfo, src: number, dst: number, tgwId: string, vpcRoute: string, out: RouteOutcome): void {
  const dstText = fmtIp(dst);
  // The gateway may be another account's (shared): its attachments and tables are kept with it.
  let rs = tgwHome(w.world, s.rs, tgwId) ?? s.rs;
  const entry = availableAttachment(w.world, rs, tgwId, s.vpc.vpc.id)!;
  const loc0 = where(s);
  const az = s.subnet.subnet.availabilityZone;
  const entrySubnet = zonesOf(s.rs, entry.subnetIds).get(az);
  out.after.push({ leg, kind: "tgw-attachment", id: entry.id, ...loc0, verdict: entrySubnet ? "pass" : "deny", subnetId: entrySubnet, availabilityZone: entrySubnet ? az : undefined, detail: w.explain ? `VPC attachment ${entry.id} of ${s.vpc.vpc.id} to ${tgwId}${entrySubnet ? `, entered by its subnet ${entrySubnet} in ${az}` : ""}` : "" });
  if (!entrySubnet) {
    blockAt(w, leg, "TGW_ROUTE_AZ_RESTRICTION", { id: entry.id, type: "transit-gateway-attachment", ...loc0 }, {
      transitGatewayId: tgwId,
      transitGatewayAttachmentId: entry.id,
      vpcId: s.vpc.vpc.id,
      address: dstText,
      reason: `attachment ${entry.id} has no subnet in ${az}, the Availability Zone of ${s.eni.id}: resources in a zone without an attachment subnet cannot reach transit gateway ${tgwId}`,
      fix: `add a subnet of ${s.vpc.vpc.id} in ${az} (such as the sender's ${s.subnet.subnet.id}) to attachment ${entry.id}`,
      fixes: [call("ModifyTransitGatewayVpcAttachment", { TransitGatewayAttachmentId: entry.id, AddSubnetIds: [s.subnet.subnet.id] }, loc0)],
    });
    return;
  }
  if (dst < 0 && entry.options.ipv6Support !== "enable") {
    noIpv6(w, leg, tgwId, entry, loc0, dstText, "enter");
    return;
  }
  if (!w.tgwZones.has(entry.id)) w.tgwZones.set(entry.id, az);
  /** The zone the packet entered this region's gateway by (Availability Zone affinity); none past a peering. */
  let originZone: string | undefined = az;
  let inId = entry.id;
  let gw = tgwId;
  for (let hopCount = 0; hopCount < MAX_TGW_HOPS; hopCount++) {
    const loc = { account: rs.account, region: rs.region };
    w.segs(leg).push({ medianMs: TGW_HOP_RTT_MS, lo: TGW_HOP_RTT_MS * 0.8, hi: TGW_HOP_RTT_MS * 1.2 });
    w.lowerMtu(MTU_TGW, gw);
    const rtb = indexedAssociation(w.world, rs, inId);
    if (!rtb) {
      const table = defaultTable(rs, gw);
      out.after.push({ leg, kind: "tgw-route-table", id: "(none)", ...loc, verdict: "deny", detail: w.explain ? `attachment ${inId} is not associated with a route table of ${gw}` : "" });
      blockAt(w, leg, "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION", { id: inId, type: "transit-gateway-attachment", ...loc }, {
        transitGatewayId: gw,
        transitGatewayAttachmentId: inId,
        address: dstText,
        reason: `attachment ${inId} of transit gateway ${gw} (${rs.region}) is not associated with any transit gateway route table, so ${gw} has no table to route the packet by`,
        fix: `associate attachment ${inId} with a route table of ${gw}${table ? ` (${table})` : ""}`,
        fixes: table ? [call("AssociateTransitGatewayRouteTable", { TransitGatewayRouteTableId: table, TransitGatewayAttachmentId: inId }, loc)] : undefined,
      });
      return;
    }
    const found = dst < 0 ? lookupTgwRoute6(w.world, rs, rtb, ip6Of(dst)) : lookupTgwRoute(w.world, rs, rtb, dst);
    const rv = found ? { destinationCidr: found.destinationCidr, target: found.attachment?.id ?? "blackhole", state: found.state } : undefined;
    out.after.push({ leg, kind: "tgw-route-table", id: rtb.id, ...loc, verdict: found?.state === "active" ? "allow" : "deny", route: rv, detail: w.explain ? (found ? `${found.destinationCidr} → ${found.attachment?.id ?? "blackhole"} (${found.type}, ${found.state})` : `no route matches ${dstText}`) : "" });
    if (!found) {
      blockAt(w, leg, "TGW_RTB_CANNOT_ROUTE", { id: rtb.id, type: "transit-gateway-route-table", ...loc }, {
        transitGatewayId: gw,
        transitGatewayRouteTableId: rtb.id,
        routeTableId: rtb.id,
        address: dstText,
        reason: `transit gateway route table ${rtb.id} of ${gw} (${rs.region}), associated with attachment ${inId}, has no route that covers ${dstText}`,
        ...(w.explain ? missingRouteFix(w, rs, rtb.id, gw, dst) : { fix: "" }),
      });
      return;
    }
    if (found.state === "blackhole") {
      const why = found.attachment ? `its attachment ${found.attachment.id} is ${found.attachment.state}` : "it is a blackhole route";
      const toward = found.type === "static" ? attachmentToward(w, rs, gw, dst) : undefined;
      blockAt(w, leg, "TGW_RTB_BAD_STATE_ROUTE", { id: rtb.id, type: "transit-gateway-route-table", ...loc }, {
        transitGatewayId: gw,
        transitGatewayRouteTableId: rtb.id,
        routeTableId: rtb.id,
        route: rv,
        address: dstText,
        reason: `route ${found.destinationCidr} in transit gateway route table ${rtb.id} (${rs.region}) drops the packet: ${why}`,
        fix: toward
          ? `point route ${found.destinationCidr} of ${rtb.id} at ${toward.attachmentId} (${toward.what})`
          : `point route ${found.destinationCidr} of ${rtb.id} at an available attachment toward ${dstText}${found.type === "propagated" ? ", or make the propagating attachment available" : ""}`,
        fixes: toward ? [call("ReplaceTransitGatewayRoute", { TransitGatewayRouteTableId: rtb.id, DestinationCidrBlock: found.destinationCidr, TransitGatewayAttachmentId: toward.attachmentId }, loc)] : undefined,
      });
      return;
    }
    const next = found.attachment!;
    if (next.peering) {
      const p = next.peering;
      const other = remoteSide(p, rs.account, rs.region);
      out.after.push({ leg, kind: "tgw-peering", id: p.id, ...loc, verdict: "pass", detail: w.explain ? `peering attachment ${p.id}: ${gw} (${rs.region}) → ${other.transitGatewayId} (${other.region})` : "" });
      const nrs = w.world.existingRegion(other.ownerId, other.region);
      if (!nrs) {
        noDestination(w, leg, s, undefined, dst, `the peer of ${p.id} (${other.ownerId}, ${other.region}) no longer exists`);
        return;
      }
      rs = nrs;
      gw = other.transitGatewayId;
      inId = p.id;
      originZone = undefined;
      continue;
    }
    if (dst < 0 && next.vpc && next.vpc.options.ipv6Support !== "enable") {
      noIpv6(w, leg, gw, next.vpc, loc, dstText, "leave");
      return;
    }
    const v = w.m.vpcs.get(next.resourceId);
    const exit = next.vpc ? exitSubnet(w, rs, next.vpc, originZone, src, dst) : undefined;
    out.after.push({ leg, kind: "tgw-attachment", id: next.id, ...loc, verdict: "pass", subnetId: exit?.subnetId, availabilityZone: exit?.zone, detail: w.explain ? `VPC attachment ${next.id} into ${next.resourceId}${exit ? `, by its subnet ${exit.subnetId} in ${exit.zone} (${exit.why})` : ""}` : "" });
    if (!v || !v.cidrs.some((c) => inCidr(c, dst))) {
      noDestination(w, leg, s, v, dst, `${dstText} is outside ${next.resourceId}${v ? ` (${v.cidrs.map((c) => c.text).join(", ")})` : ""}, where route ${found.destinationCidr} of ${rtb.id} sends it`);
      return;
    }
    out.after.push({ leg, kind: "vpc", id: v.vpc.id, account: v.rs.account, region: v.rs.region, verdict: "pass", detail: w.explain ? `arrives in ${v.vpc.id} through ${gw}; source address preserved` : "" });
    const d = v.enisByIp.get(dst);
    if (!d) {
      noDestination(w, leg, s, v, dst, `no network interface in ${v.vpc.id} has the address ${dstText}`);
      return;
    }
    out.next = d;
    out.dead = false;
    out.viaTgw = true;
    return;
  }
  noDestination(w, leg, s, undefined, dst, `routing loop: the packet crossed ${MAX_TGW_HOPS} transit gateways (static routes on ${vpcRoute}'s path point back and forth)`);
}

/** An IPv6 packet meets a VPC attachment without Ipv6Support (on entry into the gateway, or on exit toward the VPC). */
function noIpv6(w: Walk, leg: Leg, gw: string, a: TgwVpcAttachment, loc: { account: string; region: string }, dstText: string, way: "enter" | "leave"): void {
  blockAt(w, leg, "TGW_ATTACH_IPV6_SUPPORT_DISABLED", { id: a.id, type: "transit-gateway-attachment", ...loc }, {
    transitGatewayId: gw,
    transitGatewayAttachmentId: a.id,
    vpcId: a.vpcId,
    address: dstText,
    reason: `attachment ${a.id} of ${a.vpcId} to transit gateway ${gw} has Ipv6Support disabled, so the IPv6 packet to ${dstText} cannot ${way === "enter" ? "enter the gateway by it" : "leave the gateway by it into " + a.vpcId}`,
    fix: `enable IPv6 support on attachment ${a.id} (the VPC and the attachment subnets need IPv6 blocks)`,
    fixes: [call("ModifyTransitGatewayVpcAttachment", { TransitGatewayAttachmentId: a.id, Options: { Ipv6Support: "enable" } }, loc)],
  });
}

/** The available attachment of `gw` (in `rs`) that leads toward `dst`'s VPC: its own VPC attachment, or a peering attachment toward the VPC's region. */
function attachmentToward(w: Walk, rs: RegionState, gw: string, dst: number): { attachmentId: string; block: string; vpc: boolean; what: string } | undefined {
  let holder: VpcInfo | undefined;
  for (const v of w.m.vpcs.values()) if (v.cidrs.some((c) => inCidr(c, dst))) holder = v;
  if (!holder) return undefined;
  const h = holder;
  const block = h.cidrs.find((c) => inCidr(c, dst))!.text;
  if (h.rs.region === rs.region) {
    const local = [...rs.tgwAttachments.values()].find((a) => a.vpcId === h.vpc.id && a.transitGatewayId === gw && a.state === "available");
    return local ? { attachmentId: local.id, block, vpc: true, what: `the VPC attachment of ${h.vpc.id}` } : undefined;
  }
  const peering = [...w.world.tgwPeerings.values()].find((p) => {
    if (p.state !== "available") return false;
    const mine = p.requester.transitGatewayId === gw && p.requester.region === rs.region ? p.accepter : p.accepter.transitGatewayId === gw && p.accepter.region === rs.region ? p.requester : undefined;
    return mine !== undefined && mine.region === h.rs.region && mine.ownerId === h.rs.account;
  });
  return peering ? { attachmentId: peering.id, block, vpc: false, what: `the peering attachment toward ${h.rs.region}, where ${h.vpc.id} holds ${fmtIp(dst)}` } : undefined;
}

/** What would add the missing transit gateway route, when the destination's VPC is known. */
function missingRouteFix(w: Walk, rs: RegionState, rtbId: string, gw: string, dst: number): { fix: string; fixes?: Fix[] } {
  const toward = attachmentToward(w, rs, gw, dst);
  const loc = { account: rs.account, region: rs.region };
  if (!toward) return { fix: `add a route for ${fmtIp(dst)} to ${rtbId} toward the VPC that holds it (through a VPC or peering attachment of ${gw}), or check the destination` };
  if (toward.vpc) {
    const att = rs.tgwAttachments.get(toward.attachmentId);
    if (dst < 0 && att && att.options.ipv6Support !== "enable") {
      // The VPC's IPv6 blocks propagate only from an attachment with Ipv6Support.
      return {
        fix: `enable IPv6 support on ${toward.attachmentId} so that its VPC's IPv6 blocks propagate to ${rtbId} (or add a static route ${toward.block} → ${toward.attachmentId}, which still needs IPv6 support to leave by it)`,
        fixes: [call("ModifyTransitGatewayVpcAttachment", { TransitGatewayAttachmentId: toward.attachmentId, Options: { Ipv6Support: "enable" } }, loc)],
      };
    }
    return {
      fix: `let ${toward.attachmentId} propagate to ${rtbId} (or add a static route ${toward.block} → ${toward.attachmentId})`,
      fixes: [call("EnableTransitGatewayRouteTablePropagation", { TransitGatewayRouteTableId: rtbId, TransitGatewayAttachmentId: toward.attachmentId }, loc)],
    };
  }
  return {
    fix: `add a static route ${toward.block} → ${toward.attachmentId} (${toward.what}) to ${rtbId}: a peering attachment never propagates`,
    fixes: [call("CreateTransitGatewayRoute", { TransitGatewayRouteTableId: rtbId, DestinationCidrBlock: toward.block, TransitGatewayAttachmentId: toward.attachmentId }, loc)],
  };
}

/** The table an attachment of `gw` would be associated with: the gateway's default association table, else its first available table. */
function defaultTable(rs: RegionState, gw: string): string | undefined {
  const d = rs.transitGateways.get(gw)?.options.associationDefaultRouteTableId;
  if (d && rs.tgwRouteTables.get(d)?.state === "available") return d;
  for (const t of rs.tgwRouteTables.values()) if (t.transitGatewayId === gw && t.state === "available") return t.id;
  return undefined;
}

/** One subnet of the VPC in each Availability Zone (the first by id), for a new attachment. */
function onePerZone(rs: RegionState, vpcId: string): string[] {
  const byZone = new Map<string, string>();
  for (const sn of [...rs.subnets.values()].sort((a, b) => a.id.localeCompare(b.id))) {
    if (sn.vpcId === vpcId && !byZone.has(sn.availabilityZone)) byZone.set(sn.availabilityZone, sn.id);
  }
  return [...byZone.values()];
}

/** An attachment's subnets by Availability Zone. */
function zonesOf(rs: RegionState, subnetIds: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const id of subnetIds) {
    const z = rs.subnets.get(id)?.availabilityZone;
    if (z && !out.has(z)) out.set(z, id);
  }
  return out;
}

/** A symmetric flow hash of the address pair: both directions of a flow hash alike. */
function flowHash(a: number, b: number): number {
  const lo = Math.min(a >>> 0, b >>> 0);
  const hi = Math.max(a >>> 0, b >>> 0);
  let h = Math.imul(lo ^ 0x9e3779b9, 0x85ebca6b) ^ hi;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The attachment subnet a packet leaves the gateway by, into the attachment's VPC (Transit Gateways
 * Guide, "Availability Zones" and "Example: Appliance in a shared services VPC"): without appliance
 * mode, the zone the packet entered the gateway by when the attachment has a subnet there (Availability
 * Zone affinity), so the two directions of a flow between zones use different zones; with appliance
 * mode, one subnet chosen by a flow hash for the flow's life, the same the flow used first (a reply
 * leaves by the subnet its request crossed).
 */
function exitSubnet(w: Walk, rs: RegionState, a: TgwVpcAttachment, originZone: string | undefined, src: number, dst: number): { zone: string; subnetId: string; why: string } | undefined {
  const zones = zonesOf(vpcRegionOf(w.world, rs, a) ?? rs, a.subnetIds);
  if (zones.size === 0) return undefined;
  const appliance = a.options.applianceModeSupport === "enable";
  const pinned = w.tgwZones.get(a.id);
  let zone: string;
  let why: string;
  if (appliance && pinned && zones.has(pinned)) {
    zone = pinned;
    why = "appliance mode: the zone this flow crossed the attachment by";
  } else if (!appliance && originZone && zones.has(originZone)) {
    zone = originZone;
    why = "Availability Zone affinity: the zone the packet entered the gateway by";
  } else {
    const sorted = [...zones.keys()].sort();
    zone = sorted[flowHash(src, dst) % sorted.length]!;
    why = appliance ? "appliance mode: chosen by flow hash, kept for the flow's life" : `chosen by flow hash: no attachment subnet in ${originZone ?? "the zone of entry"}`;
  }
  if (!w.tgwZones.has(a.id)) w.tgwZones.set(a.id, zone);
  return { zone, subnetId: zones.get(zone)!, why };
}
