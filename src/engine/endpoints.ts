/**
 * VPC endpoints in the network. A gateway endpoint's route (destination the service's AWS-managed
 * prefix list, target `vpce-…`; the route table's LPM expands the list, model.ts `routeDestinations`)
 * takes a packet for an address of S3 or DynamoDB straight to the simulated service: no internet
 * gateway, no NAT gateway, no public address needed, and the service sees the sender's private address.
 * The reply comes back through the endpoint to the sender's subnet (its network ACL inbound, the
 * security group statefully). An interface endpoint is an ordinary destination: its interfaces hold
 * private addresses in their subnets, reached by the `local` route, filtered by the endpoint's security
 * groups and the subnet's network ACL (engine/analyze.ts treats them as up while they exist).
 *
 * Reference: PrivateLink Guide "Gateway endpoints" (routing: "the prefix list for the service ... the
 * endpoint route is more specific than 0.0.0.0/0"; "the source IPv4 addresses from instances in your
 * affected subnets as received by the service change from public IPv4 addresses to private IPv4
 * addresses"), "Interface endpoints"; VPC User Guide "How route priority works" (prefix-list routes).
 *
 * Fidelity notes:
 * - Endpoint policies (and S3 bucket policies with aws:SourceVpce) are not evaluated: a packet that
 *   reaches the service through an endpoint is answered.
 * - The service is simulated as one answering host per address of its prefix list, in the endpoint's
 *   region, with the Internet's round trip (3 ms); the MTU is not lowered on the way (AWS documents none
 *   for gateway endpoints).
 * - A route to an endpoint that is deleting, deleted or gone is a blackhole (BAD_STATE_ROUTE naming it).
 * - Addresses of the service reached *without* an endpoint are plain Internet addresses: through an
 *   internet gateway (with a public IP), a NAT gateway, or not at all.
 */
import type { RouteTarget } from "../domain/types.js";
import { formatIp } from "../domain/cidr.js";
import type { EniInfo } from "./model.js";
import { call, where, type Forwarder, type Hop, type Walk } from "./walk.js";

/** The endpoint a walk reached a service through (for the reply), by walk. */
const viaEndpoint = new WeakMap<Walk, { endpointId: string; service: string; eni: EniInfo }>();

export const endpointForwarder: Forwarder<Extract<RouteTarget, { kind: "vpce" }>> = {
  forward({ w, leg, s, src, dst, route, loc, out }, t) {
    const e = s.rs.vpcEndpoints.get(t.id)!;
    out.after.push({
      leg,
      kind: "vpc-endpoint",
      id: e.id,
      ...loc,
      verdict: "pass",
      detail: w.explain
        ? `gateway endpoint ${e.id} (${e.serviceName}): ${formatIp(dst)} is in prefix list ${route.destinationPrefixListId ?? route.destinationCidr}; the service answers and sees the private source ${formatIp(src)}`
        : "",
    });
    if (leg === "forward") viaEndpoint.set(w, { endpointId: e.id, service: e.serviceName, eni: s });
    out.seenSrc = src;
    out.internet = true;
    out.dead = false;
  },
  blackhole({ s, route, rt }, t) {
    const e = s.rs.vpcEndpoints.get(t.id);
    return {
      why: e ? `VPC endpoint ${t.id} (${e.serviceName}) is ${e.state}` : `VPC endpoint ${t.id} no longer exists`,
      fix: `create a gateway endpoint for ${e?.serviceName ?? "the service"} in ${rt.vpcId} with route table ${rt.id} (the route to ${route.destinationPrefixListId ?? route.destinationCidr} comes with it)`,
      fixes: e
        ? [call("CreateVpcEndpoint", { VpcId: rt.vpcId, ServiceName: e.serviceName, VpcEndpointType: "Gateway", RouteTableIds: [rt.id] }, { account: s.rs.account, region: s.rs.region })]
        : undefined,
    };
  },
};

/**
 * When the forward leg reached a service through a gateway endpoint: the interface the reply goes
 * back to (the one that sent through the endpoint) and the hops of the service's answer.
 */
export function serviceReply(w: Walk, from: number): { eni: EniInfo; hops: Hop[] } | undefined {
  const v = viaEndpoint.get(w);
  if (!v) return undefined;
  const loc = where(v.eni);
  return {
    eni: v.eni,
    hops: [
      { leg: "return", kind: "internet", id: formatIp(from), verdict: "pass", detail: w.explain ? `${v.service} (simulated) replies from ${formatIp(from)}` : "" },
      { leg: "return", kind: "vpc-endpoint", id: v.endpointId, ...loc, verdict: "pass", detail: w.explain ? `through gateway endpoint ${v.endpointId} back into ${v.eni.vpc.vpc.id}` : "" },
    ],
  };
}
