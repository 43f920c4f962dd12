// crossingsOf is pure: which interfaces one leg of a packet crosses, and the verdict at each, from the
// engine's hops (in AWS's order).
import { test } from "node:test";
import assert from "node:assert/strict";
import { crossingsOf, trafficPath } from "./flow-records.js";
import type { Hop, HopKind } from "./analyze.js";

const hop = (kind: HopKind, id: string, verdict: Hop["verdict"] = "pass", region = "r1"): Hop => ({ leg: "forward", kind, id, verdict, region, account: "000000000000", detail: "" });
const brief = (r: ReturnType<typeof crossingsOf>) => ({ delivered: r.delivered, crossings: r.crossings.map((c) => `${c.eniId} ${c.direction} ${c.action}`) });

test("delivered inside a VPC: ACCEPT out of the sender and into the receiver", () => {
  const hops = [hop("eni", "eni-a", "allow"), hop("sg-egress", "sg-1", "allow"), hop("nacl-out", "acl-1", "allow"), hop("route-table", "rtb-1", "allow"), hop("local", "vpc-1"), hop("nacl-in", "acl-2", "allow"), hop("sg-ingress", "sg-2", "allow"), hop("eni", "eni-b", "allow")];
  assert.deepEqual(brief(crossingsOf(hops, "eni-b")), { delivered: true, crossings: ["eni-a egress ACCEPT", "eni-b ingress ACCEPT"] });
});

test("the sender's own group or ACL denies: one REJECT at the sender, nothing further", () => {
  const hops = [hop("eni", "eni-a", "allow"), hop("sg-egress", "sg-1", "deny"), hop("route-table", "rtb-1", "allow"), hop("sg-ingress", "sg-2", "allow"), hop("eni", "eni-b", "allow")];
  assert.deepEqual(brief(crossingsOf(hops, "eni-b")), { delivered: false, crossings: ["eni-a egress REJECT"] });
  const acl = [hop("eni", "eni-a", "allow"), hop("sg-egress", "sg-1", "allow"), hop("nacl-out", "acl-1", "deny"), hop("eni", "eni-b", "allow")];
  assert.deepEqual(brief(crossingsOf(acl, "eni-b")), { delivered: false, crossings: ["eni-a egress REJECT"] });
});

test("dropped on the way (no route): only the sender's ACCEPT", () => {
  const hops = [hop("eni", "eni-a", "allow"), hop("sg-egress", "sg-1", "allow"), hop("route-table", "rtb-1", "deny")];
  assert.deepEqual(brief(crossingsOf(hops, "eni-b")), { delivered: false, crossings: ["eni-a egress ACCEPT"] });
});

test("the receiver's ACL or group denies: ACCEPT at the sender, REJECT at the receiver (named by the fallback when the walk stopped)", () => {
  const hops = [hop("eni", "eni-a", "allow"), hop("sg-egress", "sg-1", "allow"), hop("route-table", "rtb-1", "allow"), hop("nacl-in", "acl-2", "deny"), hop("sg-ingress", "sg-2", "allow"), hop("eni", "eni-b", "allow")];
  assert.deepEqual(brief(crossingsOf(hops, "eni-b")), { delivered: false, crossings: ["eni-a egress ACCEPT", "eni-b ingress REJECT"] });
  const stopped = hops.slice(0, 4);
  assert.deepEqual(brief(crossingsOf(stopped, "eni-b")), { delivered: false, crossings: ["eni-a egress ACCEPT", "eni-b ingress REJECT"] });
});

test("an appliance receives and sends again; a stopped sender sends nothing; the Internet has no interface", () => {
  const hops = [hop("eni", "eni-a", "allow"), hop("sg-egress", "sg-1", "allow"), hop("route-table", "rtb-1", "allow"), hop("sg-ingress", "sg-3", "allow"), hop("appliance", "eni-fw"), hop("sg-egress", "sg-3", "allow"), hop("route-table", "rtb-2", "allow"), hop("sg-ingress", "sg-2", "allow"), hop("eni", "eni-b", "allow")];
  assert.deepEqual(brief(crossingsOf(hops, "eni-b")).crossings, ["eni-a egress ACCEPT", "eni-fw ingress ACCEPT", "eni-fw egress ACCEPT", "eni-b ingress ACCEPT"]);
  assert.deepEqual(brief(crossingsOf([hop("eni", "eni-a", "deny"), hop("sg-egress", "sg-1", "allow")], "eni-b")), { delivered: false, crossings: [] });
  const fromInternet = [hop("internet", "203.0.113.10"), hop("igw", "igw-1"), hop("nacl-in", "acl-1", "allow"), hop("sg-ingress", "sg-1", "allow"), hop("eni", "eni-b", "allow")];
  assert.deepEqual(brief(crossingsOf(fromInternet, "eni-b")), { delivered: true, crossings: ["eni-b ingress ACCEPT"] });
});

test("traffic-path: 1 within the VPC, 2 through an internet gateway, 4/5 over intra-/inter-region peering, none on ingress", () => {
  const path = (hops: Hop[]) => crossingsOf(hops, "eni-b").crossings.map(trafficPath);
  assert.deepEqual(path([hop("eni", "eni-a", "allow"), hop("sg-egress", "sg-1", "allow"), hop("route-table", "rtb-1", "allow"), hop("igw", "igw-1"), hop("internet", "8.8.8.8")]), [2]);
  assert.deepEqual(path([hop("eni", "eni-a", "allow"), hop("route-table", "rtb-1", "allow"), hop("local", "vpc-1"), hop("eni", "eni-b", "allow")]), [1, undefined]);
  assert.deepEqual(path([hop("eni", "eni-a", "allow"), hop("route-table", "rtb-1", "allow"), hop("pcx", "pcx-1"), hop("vpc", "vpc-2", "pass", "r2"), hop("eni", "eni-b", "allow", "r2")]), [5, undefined]);
  assert.deepEqual(path([hop("eni", "eni-a", "allow"), hop("route-table", "rtb-1", "allow"), hop("pcx", "pcx-1"), hop("vpc", "vpc-2", "pass", "r1"), hop("eni", "eni-b", "allow")]), [4, undefined]);
});
