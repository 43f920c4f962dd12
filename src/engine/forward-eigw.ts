/**
 * IPv6 to and from the Internet: through an internet gateway (VPC User Guide, "Enable internet access
 * for a VPC using an internet gateway": IPv6 addresses are globally unique and public, the gateway
 * forwards them as they are, no address translation) and through an egress-only internet gateway
 * ("Enable outbound IPv6 traffic using an egress-only internet gateway": outbound only and stateful:
 * instances reach the Internet and get the replies, the Internet cannot initiate a connection).
 *
 * Fidelity notes:
 * - The Internet routes an IPv6 address held by an interface of the lab to that interface's VPC: it
 *   enters by the VPC's internet gateway, or, for the reply to a flow that left by the VPC's
 *   egress-only gateway, by that gateway. A VPC with neither (or only an egress-only gateway, for a
 *   flow started outside) is not reachable: EIGW_INBOUND_NOT_ALLOWED, vpclab's own code (AWS documents
 *   no Reachability Analyzer code for egress-only gateways).
 * - A reply routed out by an egress-only gateway for a flow initiated from outside (the request came
 *   in through the VPC's internet gateway, the subnet routes ::/0 to the egress-only gateway) is
 *   blocked there: the gateway holds no state for that flow. AWS's exact behaviour for this asymmetric
 *   case is not confirmed from a recorded analysis.
 * - Unique local (fc00::/7), link-local, multicast, loopback, unspecified and IPv4-mapped destinations
 *   are not routed to the Internet (NO_POSSIBLE_DESTINATION).
 */
import type { RouteTarget } from "../domain/types.js";
import { fmtIp, isUla, v6NotRoutable } from "./addr.js";
import { MTU_INTERNET } from "./latency.js";
import { blockAt, call, noDestination, where, type Forwarder, type RouteContext } from "./walk.js";
import type { VpcInfo } from "./model.js";

type Gw = { kind: "igw" | "eigw"; id: string };

function gwName(g: Gw): string {
  return `${g.kind === "igw" ? "internet gateway" : "egress-only internet gateway"} ${g.id}`;
}

/** Blocks a flow started outside `v` at its egress-only gateway (or at the VPC, which has no internet gateway). */
function inboundRefused(c: RouteContext, v: VpcInfo, addr: number, why: string): void {
  const g = v.eigw;
  blockAt(c.w, c.leg, "EIGW_INBOUND_NOT_ALLOWED", g ? { id: g.id, type: "egress-only-internet-gateway", ...where(v) } : { id: v.vpc.id, type: "vpc", ...where(v) }, {
    vpcId: v.vpc.id,
    egressOnlyInternetGatewayId: g?.id,
    address: fmtIp(addr),
    reason: why,
    fix: v.igw
      ? `route the replies (::/0) of the receiving subnet to internet gateway ${v.igw.id} if it must be reachable from the Internet`
      : `attach an internet gateway to ${v.vpc.id} and route ::/0 to it if the subnet must be reachable from the Internet (an egress-only gateway never admits a flow started outside)`,
  });
}

/** An IPv6 packet handed to an internet gateway or egress-only gateway by a route. */
export function internet6(c: RouteContext, g: Gw): void {
  const { w, leg, s, dst, loc, out } = c;
  const dstText = fmtIp(dst);
  out.after.push({ leg, kind: g.kind, id: g.id, ...loc, verdict: "pass", detail: w.explain ? (g.kind === "igw" ? `${gwName(g)}: IPv6 goes out as is (the address is public, no translation)` : `${gwName(g)}: outbound only, stateful`) : "" });
  if (g.kind === "eigw") {
    if (leg === "return" && !c.w.eigwOut.has(g.id)) {
      inboundRefused(c, s.vpc, dst, `the reply to ${dstText} is routed to ${gwName(g)} in ${c.rt.id}, but the flow was started outside ${s.vpc.vpc.id}: an egress-only internet gateway carries only flows that the VPC's instances start, and holds no state for this one`);
      return;
    }
    w.eigwOut.add(g.id);
  }
  if (isUla(dst) || v6NotRoutable(dst)) {
    noDestination(w, leg, s, undefined, dst, `${dstText} is ${isUla(dst) ? "a unique local address (fc00::/7)" : "not a routable Internet address"}: ${gwName(g)} does not forward it`);
    return;
  }
  out.viaIgw = true;
  w.lowerMtu(MTU_INTERNET, g.id);
  if (leg === "forward") w.exitGw = g;
  const x = w.m.privateIps.get(dst)?.[0];
  if (x) {
    out.after.push({ leg, kind: "internet", id: dstText, verdict: "pass", detail: w.explain ? `across the Internet to ${dstText}, an IPv6 address of ${x.eni.id}` : "" });
    const v = x.vpc;
    const back: Gw | undefined = leg === "return" && v.eigw && w.eigwOut.has(v.eigw.id) ? { kind: "eigw", id: v.eigw.id } : v.igw ? { kind: "igw", id: v.igw.id } : undefined;
    if (!back) {
      if (v.eigw) inboundRefused(c, v, dst, `${dstText} belongs to ${x.eni.id} in ${v.vpc.id}, whose only way to the Internet is egress-only internet gateway ${v.eigw.id}: it does not admit a flow started from the Internet`);
      else {
        blockAt(w, leg, "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS", { id: v.vpc.id, type: "vpc", ...where(x) }, {
          vpcId: v.vpc.id,
          address: dstText,
          reason: `${dstText} belongs to ${x.eni.id}, but its VPC ${v.vpc.id} has no attached internet gateway`,
          fix: `attach an internet gateway to ${v.vpc.id}`,
        });
      }
      return;
    }
    out.after.push({ leg, kind: back.kind, id: back.id, ...where(x), verdict: "pass", detail: w.explain ? (back.kind === "eigw" ? `${gwName(back)} lets the reply in (the flow was started inside ${v.vpc.id})` : `${gwName(back)} delivers ${dstText} (no translation)`) : "" });
    out.next = x;
    out.dead = false;
    return;
  }
  const holder = w.m.vpcsHolding(dst)[0];
  if (holder) {
    out.after.push({ leg, kind: "internet", id: dstText, verdict: "deny", detail: w.explain ? `across the Internet to ${dstText}, in ${holder.vpc.id}` : "" });
    noDestination(w, leg, s, holder, dst, `no network interface in ${holder.vpc.id} has the address ${dstText}`);
    return;
  }
  out.after.push({ leg, kind: "internet", id: dstText, verdict: "pass", detail: w.explain ? (leg === "return" ? `the Internet (simulated): the reply reaches the sender ${dstText}` : `the Internet (simulated): ${dstText} answers`) : "" });
  out.internet = true;
  out.dead = false;
}

export const eigwForwarder: Forwarder<Extract<RouteTarget, { kind: "eigw" }>> = {
  forward(c, t) {
    if (c.dst >= 0) {
      noDestination(c.w, c.leg, c.s, undefined, c.dst, `egress-only internet gateway ${t.id} carries IPv6 only`);
      return;
    }
    internet6(c, { kind: "eigw", id: t.id });
  },
  blackhole({ s, rt, route, loc }, t) {
    const mine = s.vpc.vpc.id === rt.vpcId ? s.vpc.eigw : undefined;
    return {
      why: `egress-only internet gateway ${t.id} does not exist or was not created for ${rt.vpcId}`,
      fix: mine ? `point ${route.destinationCidr} at ${mine.id}, the egress-only internet gateway of ${rt.vpcId}` : `create an egress-only internet gateway for ${rt.vpcId} and point ${route.destinationCidr} at it`,
      fixes: mine
        ? [call("ReplaceRoute", { RouteTableId: rt.id, DestinationIpv6CidrBlock: route.destinationCidr, EgressOnlyInternetGatewayId: mine.id }, loc)]
        : [call("CreateEgressOnlyInternetGateway", { VpcId: rt.vpcId }, loc)],
      refs: { egressOnlyInternetGatewayId: t.id },
    };
  },
};
