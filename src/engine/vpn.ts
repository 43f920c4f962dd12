/**
 * A route to a virtual private gateway (`GatewayId=vgw-…`): the VPN side is a simulated on-premises
 * network reachable over the gateway. A destination covered by a static route (CreateVpnConnectionRoute)
 * of an `available` VPN connection of the gateway is delivered to on-premises, which answers; the reply
 * comes back over the same connection and gateway. Any other destination is dropped at the gateway, and
 * the explanation names the connections and the networks they do reach.
 *
 * Reference: Site-to-Site VPN User Guide ("How AWS Site-to-Site VPN works": the virtual private gateway
 * is the VPN concentrator on the Amazon side; static routing: the on-premises prefixes are the
 * connection's static routes; "Quotas": maximum transmission unit 1446 bytes).
 *
 * Fidelity notes:
 * - No IPsec: tunnels are always up once the connection is `available`; BGP (dynamic) connections have
 *   no routes, so nothing behind them is reachable. The on-premises network has no firewall of its own
 *   and every address inside a static route answers.
 * - The path MTU over the VPN is 1446 bytes; the round trip to on-premises is the engine's Internet
 *   figure (the customer's site is not placed anywhere).
 * - The source address is preserved (no NAT) and security-group references do not match across it.
 * - On-premises is a destination only: a packet cannot start there (use `internet` sources for traffic
 *   from outside the lab).
 */
import type { RouteTarget } from "../domain/types.js";
import { formatIp } from "../domain/cidr.js";
import { vpnStaticRoutes } from "../domain/vpn.js";
import { inCidr } from "./model.js";
import { blockAt, type Forwarder, type Hop } from "./walk.js";

/** AWS Site-to-Site VPN's maximum transmission unit. */
export const MTU_VPN = 1446;

export const vgwForwarder: Forwarder<Extract<RouteTarget, { kind: "vgw" }>> = {
  forward({ w, leg, s, dst, rt, route, rv, loc, out }, t) {
    const dstText = formatIp(dst);
    out.after.push({ leg, kind: "vgw", id: t.id, ...loc, verdict: "pass", detail: w.explain ? `virtual private gateway ${t.id} (attached to ${rt.vpcId})` : "" });
    const statics = vpnStaticRoutes(s.rs, t.id);
    const hit = statics.find((r) => {
      const c = w.m.cidr(r.cidr);
      return c !== undefined && inCidr(c, dst);
    });
    if (!hit) {
      const connections = [...s.rs.vpnConnections.values()].filter((c) => c.vpnGatewayId === t.id && c.state !== "deleted");
      const reach = statics.map((r) => `${r.cidr} (${r.connection.id})`).join(", ");
      const why =
        connections.length === 0
          ? `virtual private gateway ${t.id} has no VPN connection`
          : connections.every((c) => c.state !== "available")
            ? `the VPN connection(s) of ${t.id} (${connections.map((c) => `${c.id} ${c.state}`).join(", ")}) are not available`
            : `no static route of the VPN connection(s) of ${t.id} covers ${dstText}${reach ? `: on-premises networks are ${reach}` : " (they have no static routes)"}`;
      const first = connections.find((c) => c.state === "available") ?? connections[0];
      blockAt(w, leg, "NO_ROUTE_TO_DESTINATION", { id: t.id, type: "vpn-gateway", ...loc }, {
        routeTableId: rt.id,
        route: rv,
        vpcId: rt.vpcId,
        address: dstText,
        reason: `route ${route.destinationCidr} → ${t.id} in ${rt.id} sends ${dstText} over the VPN, but ${why}`,
        fix: first
          ? `declare the on-premises network: aws ec2 create-vpn-connection-route --vpn-connection-id ${first.id} --destination-cidr-block <network holding ${dstText}>`
          : `aws ec2 create-customer-gateway --type ipsec.1 --ip-address <your public IP> --bgp-asn 65000; aws ec2 create-vpn-connection --type ipsec.1 --customer-gateway-id <cgw> --vpn-gateway-id ${t.id} --options StaticRoutesOnly=true`,
      });
      return;
    }
    const c = hit.connection;
    out.after.push({ leg, kind: "vpn-connection", id: c.id, ...loc, verdict: "pass", detail: w.explain ? `VPN connection ${c.id} to customer gateway ${c.customerGatewayId}: static route ${hit.cidr} covers ${dstText}` : "" });
    out.after.push({ leg, kind: "on-premises", id: dstText, verdict: "pass", detail: w.explain ? `delivered to on-premises (simulated): ${dstText} in ${hit.cidr} answers` : "" });
    w.lowerMtu(MTU_VPN, c.id);
    // The reply crosses the same connection and gateway back into the VPC, source address preserved.
    const back: Hop[] = [
      { leg: "return", kind: "on-premises", id: dstText, verdict: "pass", detail: w.explain ? `on-premises (simulated) replies from ${dstText}` : "" },
      { leg: "return", kind: "vpn-connection", id: c.id, ...loc, verdict: "pass", detail: w.explain ? `back over VPN connection ${c.id}` : "" },
      { leg: "return", kind: "vgw", id: t.id, ...loc, verdict: "pass", detail: w.explain ? `virtual private gateway ${t.id} delivers to ${rt.vpcId}` : "" },
    ];
    out.internet = true;
    out.returnHops = back;
    out.dead = false;
  },
  blackhole(c, t) {
    const g = c.s.rs.vpnGateways.get(t.id);
    const a = g?.attachments.find((x) => x.vpcId === c.rt.vpcId && x.state !== "detached");
    return {
      why: !g || g.state === "deleted" ? `virtual private gateway ${t.id} no longer exists` : a ? `virtual private gateway ${t.id} is ${a.state} (not yet attached)` : `virtual private gateway ${t.id} is not attached to ${c.rt.vpcId}`,
      fix: `aws ec2 attach-vpn-gateway --vpn-gateway-id ${t.id} --vpc-id ${c.rt.vpcId}`,
    };
  },
};
