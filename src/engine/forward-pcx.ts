/**
 * A route to a VPC peering connection (VPC User Guide, "VPC peering"): active only, carries only
 * addresses inside the peer VPC's CIDR blocks (not transitive, no edge-to-edge routing), source address
 * preserved, MTU 8500 across regions.
 *
 * Fidelity notes: a peering whose peer VPC no longer exists is BAD_STATE; an address outside the peer's
 * blocks is PCX_REQUIRES_ADDRESS_IN_VPC_CIDR; an address of the peer no interface holds is
 * NO_POSSIBLE_DESTINATION.
 */
import type { RouteTarget } from "../domain/types.js";
import { formatIp } from "../domain/cidr.js";
import { inCidr } from "./model.js";
import { MTU_INTER_REGION_PEERING, MTU_VPC } from "./latency.js";
import { blockAt, call, noDestination, type Forwarder } from "./walk.js";

export const pcxForwarder: Forwarder<Extract<RouteTarget, { kind: "pcx" }>> = {
  forward({ w, leg, s, dst, rt, route, rv, loc, out }, t) {
    const dstText = formatIp(dst);
    const pcx = w.m.peerings.get(t.id)!;
    const peerSide = pcx.requester.vpcId === s.vpc.vpc.id ? pcx.accepter : pcx.requester;
    const peer = w.m.vpcs.get(peerSide.vpcId);
    out.after.push({ leg, kind: "pcx", id: pcx.id, ...loc, verdict: "pass", detail: w.explain ? `${pcx.status.code} peering ${pcx.requester.vpcId} (${pcx.requester.region}) ↔ ${pcx.accepter.vpcId} (${pcx.accepter.region}); source address preserved` : "" });
    if (!peer) {
      blockAt(w, leg, "BAD_STATE", { id: pcx.id, type: "vpc-peering-connection", ...loc }, {
        vpcPeeringConnectionId: pcx.id,
        reason: `the peer VPC ${peerSide.vpcId} of ${pcx.id} no longer exists`,
        fix: `delete route ${route.destinationCidr} → ${pcx.id}`,
      });
      return;
    }
    if (!peer.cidrs.some((c) => inCidr(c, dst))) {
      blockAt(w, leg, "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR", { id: pcx.id, type: "vpc-peering-connection", ...loc }, {
        routeTableId: rt.id,
        route: rv,
        vpcPeeringConnectionId: pcx.id,
        vpcId: peer.vpc.id,
        address: dstText,
        reason: `${dstText} is outside the peer VPC ${peer.vpc.id}'s CIDR blocks (${peer.cidrs.map((c) => c.text).join(", ")}); peering is not transitive and carries only addresses of the peer VPC`,
        fix: `route ${dstText} through a peering with the VPC that holds it, or narrow ${route.destinationCidr} to ${peer.cidrs[0]?.text}`,
      });
      return;
    }
    out.after.push({ leg, kind: "vpc", id: peer.vpc.id, account: peer.rs.account, region: peer.rs.region, verdict: "pass", detail: w.explain ? `arrives in ${peer.vpc.id} (${peer.cidrs.map((c) => c.text).join(", ")}); may only end on one of its interfaces (no edge-to-edge routing)` : "" });
    const d = peer.enisByIp.get(dst);
    if (!d) {
      noDestination(w, leg, s, peer, dst, `no network interface in the peer VPC ${peer.vpc.id} has the address ${dstText}`);
      return;
    }
    out.next = d;
    out.dead = false;
    w.lowerMtu(peer.rs.region === s.rs.region ? MTU_VPC : MTU_INTER_REGION_PEERING, pcx.id);
  },
  blackhole({ w, route }, t) {
    const pcx = w.m.peerings.get(t.id);
    return {
      why: `peering connection ${t.id} is ${pcx ? pcx.status.code : "deleted"}`,
      fix: pcx?.status.code === "pending-acceptance" ? `accept ${t.id} in the accepter's account ${pcx.accepter.ownerId} and region ${pcx.accepter.region}` : `create a new peering connection and point ${route.destinationCidr} at it`,
      fixes: pcx?.status.code === "pending-acceptance" ? [call("AcceptVpcPeeringConnection", { VpcPeeringConnectionId: t.id }, { account: pcx.accepter.ownerId, region: pcx.accepter.region })] : undefined,
      refs: { vpcPeeringConnectionId: t.id },
    };
  },
};
