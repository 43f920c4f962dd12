/**
 * A route to a network interface or an instance (an appliance: VPC User Guide, "Middlebox routing"):
 * the packet is delivered to the interface, which forwards it by its own subnet's route table with the
 * original addresses (analyze.ts walks on from there; the source/destination check must be off).
 *
 * Fidelity notes: at most 4 appliances on one leg (a routing loop ends there, NO_POSSIBLE_DESTINATION);
 * a route to an interface of a stopped instance, or to a detached interface, is a blackhole.
 */
import type { RouteTarget } from "../domain/types.js";
import { MTU_VPC } from "./latency.js";
import { call, noDestination, where, type Forwarder } from "./walk.js";

/** At most this many appliances on one leg. */
const MAX_APPLIANCES = 4;

export const applianceForwarder: Forwarder<Extract<RouteTarget, { kind: "eni" | "instance" }>> = {
  forward({ w, leg, s, dst, depth, out }, t) {
    const a = w.m.enis.get(t.kind === "instance" ? t.eniId : t.id)!;
    if (depth >= MAX_APPLIANCES) {
      noDestination(w, leg, s, s.vpc, dst, `routing loop: the packet passed through ${depth} appliances`);
      return;
    }
    out.next = a;
    out.appliance = true;
    out.dead = false;
    w.lowerMtu(MTU_VPC, a.eni.id);
  },
  blackhole({ w, route }, t) {
    const eniId = t.kind === "instance" ? t.eniId : t.id;
    const a = w.m.enis.get(eniId);
    return {
      why: a?.instance ? `instance ${a.instance.id} behind ${eniId} is ${a.instance.state}` : `network interface ${eniId} is missing or not attached to a running instance`,
      fix: a?.instance ? `start instance ${a.instance.id}, or route ${route.destinationCidr} elsewhere` : `route ${route.destinationCidr} to a working target`,
      fixes: a?.instance && a.instance.state === "stopped" ? [call("StartInstances", { InstanceIds: [a.instance.id] }, where(a))] : undefined,
    };
  },
};
