/**
 * The `local` route: delivery inside the sender's VPC.
 *
 * Fidelity notes: the local route is always active (routeState), so it has no blackhole of its own;
 * an address of the VPC that no interface holds is NO_POSSIBLE_DESTINATION.
 */
import type { RouteTarget } from "../domain/types.js";
import { formatIp } from "../domain/cidr.js";
import { MTU_VPC } from "./latency.js";
import { noDestination, type Forwarder } from "./walk.js";

export const localForwarder: Forwarder<Extract<RouteTarget, { kind: "local" }>> = {
  forward({ w, leg, s, dst, loc, out }) {
    const dstText = formatIp(dst);
    const d = s.vpc.enisByIp.get(dst);
    out.after.push({ leg, kind: "local", id: s.vpc.vpc.id, ...loc, verdict: d ? "pass" : "deny", detail: d ? `delivered inside ${s.vpc.vpc.id} to ${d.eni.id}` : `no network interface in ${s.vpc.vpc.id} has ${dstText}` });
    if (!d) {
      noDestination(w, leg, s, s.vpc, dst, `no network interface in ${s.vpc.vpc.id} has the address ${dstText}`);
      return;
    }
    out.next = d;
    out.dead = false;
    w.lowerMtu(MTU_VPC, s.vpc.vpc.id);
  },
  blackhole: ({ rt }) => ({
    why: `the local route of ${rt.vpcId} is never a blackhole (this explanation indicates an engine error)`,
    fix: `report this analysis as a vpclab bug`,
  }),
};
