/**
 * A route to an internet gateway (VPC User Guide, "Enable internet access for a VPC using an internet
 * gateway"): the gateway translates the sender's private address to its public or elastic IP (1:1 NAT)
 * and forwards only Internet addresses; a public IP of another simulated interface is delivered through
 * that VPC's gateway; the simulated Internet answers every other routable address.
 *
 * Fidelity notes: see analyze.ts (the Internet, public VPC blocks, RFC 1918 / RFC 6598 egress).
 */
import type { RouteTarget } from "../domain/types.js";
import { formatIp, isPrivate } from "../domain/cidr.js";
import { inCidr, NOT_ROUTABLE, RFC6598, type EniInfo, type VpcInfo } from "./model.js";
import { MTU_INTERNET } from "./latency.js";
import { blockAt, call, noDestination, where, type Forwarder, type Leg, type Walk } from "./walk.js";

export const igwForwarder: Forwarder<Extract<RouteTarget, { kind: "igw" }>> = {
  forward({ w, leg, s, src, dst, rt, route, rv, loc, out }, t) {
    const dstText = formatIp(dst);
    out.after.push({ leg, kind: "igw", id: t.id, ...loc, verdict: "pass", detail: w.explain ? `internet gateway ${t.id}` : "" });
    if (isPrivate(dst) || inCidr(RFC6598, dst)) {
      const rfc1918 = isPrivate(dst);
      blockAt(w, leg, rfc1918 ? "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS" : "IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS", { id: t.id, type: "internet-gateway", ...loc }, {
        internetGatewayId: t.id,
        routeTableId: rt.id,
        route: rv,
        address: dstText,
        reason: `${dstText} is a ${rfc1918 ? "private (RFC 1918)" : "shared (RFC 6598)"} address: internet gateway ${t.id} does not forward it, and route ${route.destinationCidr} → ${t.id} is the most specific match in ${rt.id}`,
        fix: `add a more specific route for ${dstText} in ${rt.id} (to the peering connection or appliance that leads to it)`,
      });
      return;
    }
    if (NOT_ROUTABLE.some((c) => inCidr(c, dst))) {
      noDestination(w, leg, s, undefined, dst, `${dstText} is not a routable Internet address`);
      return;
    }
    // The gateway translates the packet's source (a private address of this VPC) to its public IP.
    const sender = s.vpc.enisByIp.get(src);
    if (sender?.publicIp === undefined) {
      blockAt(w, leg, "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS", { id: t.id, type: "internet-gateway", ...loc }, {
        internetGatewayId: t.id,
        networkInterfaceId: sender?.eni.id,
        address: formatIp(src),
        reason: `${formatIp(src)}${sender ? ` (${sender.eni.id})` : ""} has no public or elastic IP, so internet gateway ${t.id} cannot carry its traffic`,
        fix: `allocate and associate an elastic IP: aws ec2 allocate-address; aws ec2 associate-address --network-interface-id ${sender?.eni.id ?? "<eni>"} --allocation-id <eipalloc>`,
      });
      if (w.stop) return;
    } else out.seenSrc = sender.publicIp;
    out.viaIgw = true;
    w.lowerMtu(MTU_INTERNET, t.id);
    const x = w.m.publicIps.get(dst);
    if (x) {
      out.after.push({ leg, kind: "internet", id: dstText, verdict: "pass", detail: w.explain ? `across the Internet to ${dstText}, the public IP of ${x.eni.id}` : "" });
      if (!x.vpc.igw) {
        blockAt(w, leg, "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS", { id: x.vpc.vpc.id, type: "vpc", ...where(x) }, {
          vpcId: x.vpc.vpc.id,
          address: dstText,
          reason: `${dstText} belongs to ${x.eni.id}, but its VPC ${x.vpc.vpc.id} has no attached internet gateway`,
          fix: `attach an internet gateway to ${x.vpc.vpc.id}`,
        });
        return;
      }
      out.after.push({ leg, kind: "igw", id: x.vpc.igw.id, ...where(x), verdict: "pass", detail: w.explain ? `internet gateway ${x.vpc.igw.id} translates ${dstText} to ${formatIp(x.primaryIp)}` : "" });
      out.next = x;
      out.dead = false;
      return;
    }
    // A VPC may use a publicly routable CIDR block, but AWS does not route it from the Internet: an
    // internet gateway delivers inbound traffic only to a public or elastic IP (VPC User Guide, "VPC
    // CIDR blocks": "we do not support direct access to the internet from your VPC's CIDR block,
    // including a publicly-routable CIDR block"; Reachability Analyzer's
    // IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS). The simulated Internet never answers for such an address.
    const pv = w.m.publicVpcHolding(dst);
    if (pv) {
      out.after.push({ leg, kind: "internet", id: dstText, verdict: "deny", detail: w.explain ? `across the Internet to ${dstText}, an address of ${pv.vpc.id}, not a public IP` : "" });
      privateIngress(w, leg, pv, dst, pv.enisByIp.get(dst));
      return;
    }
    out.after.push({ leg, kind: "internet", id: dstText, verdict: "pass", detail: w.explain ? (leg === "return" ? `the Internet (simulated): the reply reaches the sender ${dstText}` : `the Internet (simulated): ${dstText} answers`) : "" });
    out.internet = true;
    out.dead = false;
    return;
  },
  blackhole: ({ rt, loc }, t) => ({
    why: `internet gateway ${t.id} is not attached to ${rt.vpcId}`,
    fix: `attach ${t.id} to ${rt.vpcId}`,
    fixes: [call("AttachInternetGateway", { InternetGatewayId: t.id, VpcId: rt.vpcId }, loc)],
    refs: { internetGatewayId: t.id },
  }),
};

/** An internet gateway refuses inbound traffic addressed to anything but a public or elastic IP. */
export function privateIngress(w: Walk, leg: Leg, v: VpcInfo, addr: number, holder: EniInfo | undefined): void {
  const text = formatIp(addr);
  const block = v.cidrs.find((c) => inCidr(c, addr));
  blockAt(w, leg, "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS", v.igw ? { id: v.igw.id, type: "internet-gateway", ...where(v) } : { id: v.vpc.id, type: "vpc", ...where(v) }, {
    vpcId: v.vpc.id,
    internetGatewayId: v.igw?.id,
    networkInterfaceId: holder?.eni.id,
    instanceId: holder?.instance?.id,
    address: text,
    reason: `${text} is a private address of VPC ${v.vpc.id}${block ? ` (${block.text}${isPrivate(addr) ? "" : ", publicly routable but not routed from the Internet"})` : ""}${holder ? `, held by ${holder.eni.id}` : ""}: ${v.igw ? `internet gateway ${v.igw.id}` : "an internet gateway"} only delivers inbound traffic addressed to a public or elastic IP of an interface in the VPC`,
    fix: holder
      ? holder.publicIp !== undefined
        ? `send to ${holder.eni.id}'s public IP ${formatIp(holder.publicIp)}`
        : `give ${holder.eni.id} an elastic IP and send to it: aws ec2 allocate-address; aws ec2 associate-address --network-interface-id ${holder.eni.id} --allocation-id <eipalloc>`
      : `send to the public or elastic IP of an interface in ${v.vpc.id}, or reach ${v.vpc.id} privately (peering)`,
  });
}

