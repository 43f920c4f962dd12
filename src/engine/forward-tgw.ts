/**
 * A route to a transit gateway (Transit Gateways Guide, "How transit gateways work", "Transit gateway
 * route tables", "Transit gateway peering attachments"). See the fidelity notes in analyze.ts
 * ("Transit gateways").
 */
import type { RouteTarget } from "../domain/types.js";
import { formatIp } from "../domain/cidr.js";
import { availableAttachment, indexedAssociation, lookupTgwRoute, remoteSide } from "../domain/transit-gateways.js";
import { inCidr, type EniInfo, type VpcInfo } from "./model.js";
import { MTU_TGW, TGW_HOP_RTT_MS } from "./latency.js";
import { blockAt, noDestination, where, type Forwarder, type Leg, type RouteOutcome, type Walk } from "./walk.js";

export const tgwForwarder: Forwarder<Extract<RouteTarget, { kind: "tgw" }>> = {
  forward: ({ w, leg, s, dst, route, out }, t) => forwardTgw(w, leg, s, dst, t.id, route.destinationCidr, out),
  blackhole({ w, s, rt, route }, t) {
    const tgw = s.rs.transitGateways.get(t.id);
    const down = !tgw || tgw.state !== "available";
    return {
      why: down ? `transit gateway ${t.id} is ${tgw?.state ?? "deleted"}` : `${rt.vpcId} has no available attachment to transit gateway ${t.id}`,
      fix: down ? `route ${route.destinationCidr} to an available transit gateway` : `aws ec2 create-transit-gateway-vpc-attachment --transit-gateway-id ${t.id} --vpc-id ${rt.vpcId} --subnet-ids <one subnet per AZ> --region ${s.rs.region}`,
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
export function forwardTgw(w: Walk, leg: Leg, s: EniInfo, dst: number, tgwId: string, vpcRoute: string, out: RouteOutcome): void {
  const dstText = formatIp(dst);
  let rs = s.rs;
  const entry = availableAttachment(w.world, rs, tgwId, s.vpc.vpc.id)!;
  const loc0 = where(s);
  const az = s.subnet.subnet.availabilityZone;
  let inZone = false;
  for (const id of entry.subnetIds) if (rs.subnets.get(id)?.availabilityZone === az) inZone = true;
  out.after.push({ leg, kind: "tgw-attachment", id: entry.id, ...loc0, verdict: inZone ? "pass" : "deny", detail: w.explain ? `VPC attachment ${entry.id} of ${s.vpc.vpc.id} to ${tgwId}` : "" });
  if (!inZone) {
    blockAt(w, leg, "TGW_ROUTE_AZ_RESTRICTION", { id: entry.id, type: "transit-gateway-attachment", ...loc0 }, {
      transitGatewayId: tgwId,
      transitGatewayAttachmentId: entry.id,
      vpcId: s.vpc.vpc.id,
      address: dstText,
      reason: `attachment ${entry.id} has no subnet in ${az}, the Availability Zone of ${s.eni.id}: resources in a zone without an attachment subnet cannot reach transit gateway ${tgwId}`,
      fix: `aws ec2 modify-transit-gateway-vpc-attachment --transit-gateway-attachment-id ${entry.id} --add-subnet-ids <a subnet of ${s.vpc.vpc.id} in ${az}> --region ${rs.region}`,
    });
    return;
  }
  let inId = entry.id;
  let gw = tgwId;
  for (let hopCount = 0; hopCount < MAX_TGW_HOPS; hopCount++) {
    const loc = { account: rs.account, region: rs.region };
    w.segs(leg).push({ medianMs: TGW_HOP_RTT_MS, lo: TGW_HOP_RTT_MS * 0.8, hi: TGW_HOP_RTT_MS * 1.2 });
    w.lowerMtu(MTU_TGW, gw);
    const rtb = indexedAssociation(w.world, rs, inId);
    if (!rtb) {
      out.after.push({ leg, kind: "tgw-route-table", id: "(none)", ...loc, verdict: "deny", detail: w.explain ? `attachment ${inId} is not associated with a route table of ${gw}` : "" });
      blockAt(w, leg, "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION", { id: inId, type: "transit-gateway-attachment", ...loc }, {
        transitGatewayId: gw,
        transitGatewayAttachmentId: inId,
        address: dstText,
        reason: `attachment ${inId} of transit gateway ${gw} (${rs.region}) is not associated with any transit gateway route table, so ${gw} has no table to route the packet by`,
        fix: `aws ec2 associate-transit-gateway-route-table --transit-gateway-route-table-id <a table of ${gw}> --transit-gateway-attachment-id ${inId} --region ${rs.region}`,
      });
      return;
    }
    const found = lookupTgwRoute(w.world, rs, rtb, dst);
    const rv = found ? { destinationCidr: found.destinationCidr, target: found.attachment?.id ?? "blackhole", state: found.state } : undefined;
    out.after.push({ leg, kind: "tgw-route-table", id: rtb.id, ...loc, verdict: found?.state === "active" ? "allow" : "deny", route: rv, detail: w.explain ? (found ? `${found.destinationCidr} → ${found.attachment?.id ?? "blackhole"} (${found.type}, ${found.state})` : `no route matches ${dstText}`) : "" });
    if (!found) {
      blockAt(w, leg, "TGW_RTB_CANNOT_ROUTE", { id: rtb.id, type: "transit-gateway-route-table", ...loc }, {
        transitGatewayId: gw,
        transitGatewayRouteTableId: rtb.id,
        routeTableId: rtb.id,
        address: dstText,
        reason: `transit gateway route table ${rtb.id} of ${gw} (${rs.region}), associated with attachment ${inId}, has no route that covers ${dstText}`,
        fix: w.explain ? tgwRouteFix(w, rs, rtb.id, gw, dst) : "",
      });
      return;
    }
    if (found.state === "blackhole") {
      const why = found.attachment ? `its attachment ${found.attachment.id} is ${found.attachment.state}` : "it is a blackhole route";
      blockAt(w, leg, "TGW_RTB_BAD_STATE_ROUTE", { id: rtb.id, type: "transit-gateway-route-table", ...loc }, {
        transitGatewayId: gw,
        transitGatewayRouteTableId: rtb.id,
        routeTableId: rtb.id,
        route: rv,
        address: dstText,
        reason: `route ${found.destinationCidr} in transit gateway route table ${rtb.id} (${rs.region}) drops the packet: ${why}`,
        fix: `aws ec2 replace-transit-gateway-route --transit-gateway-route-table-id ${rtb.id} --destination-cidr-block ${found.destinationCidr} --transit-gateway-attachment-id <an available attachment toward ${dstText}> --region ${rs.region}`,
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
      continue;
    }
    const v = w.m.vpcs.get(next.resourceId);
    out.after.push({ leg, kind: "tgw-attachment", id: next.id, ...loc, verdict: "pass", detail: w.explain ? `VPC attachment ${next.id} into ${next.resourceId}` : "" });
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

/** The command that would add the missing transit gateway route, when the destination's VPC is known. */
function tgwRouteFix(w: Walk, rs: { account: string; region: string; tgwAttachments: Map<string, { id: string; vpcId: string; transitGatewayId: string }> }, rtbId: string, gw: string, dst: number): string {
  let holder: VpcInfo | undefined;
  for (const v of w.m.vpcs.values()) if (v.cidrs.some((c) => inCidr(c, dst))) holder = v;
  if (!holder) return `add a route for ${formatIp(dst)} to ${rtbId}, or check the destination`;
  const block = holder.cidrs.find((c) => inCidr(c, dst))!.text;
  const local = holder.rs.region === rs.region && holder.rs.account === rs.account ? [...rs.tgwAttachments.values()].find((a) => a.vpcId === holder!.vpc.id && a.transitGatewayId === gw) : undefined;
  if (local) {
    return `aws ec2 enable-transit-gateway-route-table-propagation --transit-gateway-route-table-id ${rtbId} --transit-gateway-attachment-id ${local.id} --region ${rs.region} (or a static route: aws ec2 create-transit-gateway-route --transit-gateway-route-table-id ${rtbId} --destination-cidr-block ${block} --transit-gateway-attachment-id ${local.id})`;
  }
  const peering = [...w.world.tgwPeerings.values()].find(
    (p) => p.state === "available" && ((p.requester.transitGatewayId === gw && p.accepter.region === holder!.rs.region) || (p.accepter.transitGatewayId === gw && p.requester.region === holder!.rs.region)),
  );
  return `aws ec2 create-transit-gateway-route --transit-gateway-route-table-id ${rtbId} --destination-cidr-block ${block} --transit-gateway-attachment-id ${peering?.id ?? `<the peering attachment toward ${holder.rs.region}>`} --region ${rs.region}`;
}

