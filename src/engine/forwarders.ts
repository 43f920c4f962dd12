/**
 * The forwarder table: what a route does with a packet, one entry per RouteTarget kind
 * (domain/types.ts). The compiler checks that every kind has an entry (ForwarderTable is a mapped type
 * over RouteTarget["kind"]): adding a target kind without deciding how the engine forwards it, or how
 * it explains a blackhole route to it, does not build.
 *
 * A forwarder lives in its own module and imports only walk.ts (plus domain and model code); to model a
 * new kind, write `src/engine/<kind>.ts` exporting a `Forwarder<…>` and replace its entry here.
 *
 * Fidelity notes: NAT gateways (nat.ts) and gateway VPC endpoints (endpoints.ts) are forwarded. Virtual private gateways (vpn.ts) too. Egress-only internet gateways (IPv6 only;
 * the engine walks IPv4) and the kinds a loaded snapshot keeps without modelling them (`unmodelled`:
 * VPC endpoints, local gateways, carrier gateways, …) are not forwarded. routeState reports routes to
 * them as blackholes, and the analyzer says which kind is missing (BAD_STATE_ROUTE); should a route to
 * one of them ever be active, `forward` records the same explanation instead of dropping silently.
 */
import type { RouteTarget } from "../domain/types.js";
import { formatIp } from "../domain/cidr.js";
import { applianceForwarder } from "./forward-eni.js";
import { igwForwarder } from "./forward-igw.js";
import { localForwarder } from "./forward-local.js";
import { pcxForwarder } from "./forward-pcx.js";
import { tgwForwarder } from "./forward-tgw.js";
import { vgwForwarder } from "./vpn.js";
import { natForwarder } from "./nat.js";
import { endpointForwarder } from "./endpoints.js";
import type { BlackholeText, Forwarder, ForwarderTable, RouteContext } from "./walk.js";

const WORKING = "a local, peering, internet gateway, transit gateway or network interface target";

/** An entry for a kind the network does not model: it explains, never drops silently. */
function notModelled<T extends Exclude<RouteTarget, { kind: "local" }>>(what: (t: T) => string): Forwarder<T> {
  const text = (c: RouteContext, t: T): BlackholeText => ({
    why: `vpclab does not model ${t.kind} targets (${what(t)}), or ${t.id} no longer exists`,
    fix: `route ${c.route.destinationCidr} to ${WORKING}`,
  });
  return {
    forward(c, t) {
      const { why, fix } = text(c, t);
      c.w.block({
        code: "BAD_STATE_ROUTE",
        leg: c.leg,
        onPath: true,
        component: { id: c.rt.id, type: "route-table", ...c.loc },
        routeTableId: c.rt.id,
        route: c.rv,
        vpcId: c.rt.vpcId,
        address: formatIp(c.dst),
        reason: `route ${c.route.destinationCidr} → ${c.rv.target} in ${c.rt.id} does not carry traffic: ${why}`,
        fix,
      });
    },
    blackhole: text,
  };
}

export const FORWARDERS: ForwarderTable = {
  local: localForwarder,
  pcx: pcxForwarder,
  igw: igwForwarder,
  tgw: tgwForwarder,
  eni: applianceForwarder,
  instance: applianceForwarder,
  nat: natForwarder,
  vpce: endpointForwarder,
  vgw: vgwForwarder,
  eigw: notModelled((t) => `egress-only internet gateway ${t.id} carries IPv6 only, and the engine walks IPv4`),
  unmodelled: notModelled((t) => `${t.field} ${t.id}, kept from a snapshot`),
};

/** The forwarder for a target, typed for the caller's dispatch. */
export function forwarderFor<T extends RouteTarget>(t: T): Forwarder<T> {
  return FORWARDERS[t.kind] as unknown as Forwarder<T>;
}
