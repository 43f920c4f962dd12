/**
 * Golden cases of the engine: one per AWS rule it models, one per explanation code it produces,
 * on networks built directly into World records (pure engine code, no server).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { NetBuilder } from "./builder.js";
import { analyze, connect, engineOf, ping, trace, type Analysis } from "./index.js";
import { defaultVpc } from "../domain/lookup.js";
import type { RegionState } from "../state/world.js";
import type { Subnet, Vpc } from "../domain/types.js";

const TOKYO = "ap-northeast-1";
const SING = "ap-southeast-1";

/** The seed: Tokyo 10.20.0.0/16 (no IGW) peered with Singapore's default VPC. */
function seed(opts: { typo?: boolean; icmp?: boolean; pcxStatus?: "active" | "pending-acceptance" } = {}) {
  const b = new NetBuilder({ defaults: true });
  const tk = b.rs(TOKYO);
  const sg = b.rs(SING);
  const tv = b.vpc(tk, "10.20.0.0/16");
  const ts = b.subnet(tk, tv, "10.20.1.0/24");
  const sv = defaultVpc(sg)!;
  const ss = [...sg.subnets.values()].find((s) => s.vpcId === sv.id)!;
  const pcx = b.peering({ rs: tk, vpc: tv }, { rs: sg, vpc: sv }, opts.pcxStatus ?? "active");
  b.route(b.mainRt(tk, tv), opts.typo ? "172.16.0.0/24" : "172.31.0.0/16", { kind: "pcx", id: pcx.id });
  b.route(b.mainRt(sg, sv), "10.20.0.0/16", { kind: "pcx", id: pcx.id });
  const rules = (peer: string) => [
    ...(opts.icmp === false ? [] : [{ proto: "icmp", from: -1, to: -1, cidr: peer }]),
    { proto: "tcp", from: 22, to: 22, cidr: peer },
  ];
  const tsg = b.sg(tk, tv, rules("172.31.0.0/16"));
  const ssg = b.sg(sg, sv, rules("10.20.0.0/16"));
  const t = b.instance(tk, ts, "10.20.1.10", { sgs: [tsg], name: "tokyo" });
  const s = b.instance(sg, ss, "172.31.5.20", { sgs: [ssg], name: "singapore", publicIp: "54.1.2.3" });
  return { b, world: b.world, tk, sg, tv, ts, sv, ss, pcx, tsg, ssg, t, s };
}

function codes(a: Analysis): string[] {
  return a.explanations.map((e) => e.code);
}

test("seed: Tokyo → Singapore ICMP is reachable over the peering, source preserved, 8500 MTU, ~70.6 ms", () => {
  const n = seed();
  const a = analyze(n.world, { source: n.t.instance.id, destination: n.s.instance.id });
  assert.equal(a.verdict, "reachable", JSON.stringify(a.explanations));
  assert.equal(a.sourceAddressSeenByReceiver, "10.20.1.10");
  assert.equal(a.pathMtu, 8500);
  assert.ok(Math.abs(a.rttMs - 70.6) < 0.01, `rtt ${a.rttMs}`);
  assert.deepEqual(
    a.forward.map((h) => h.kind),
    ["eni", "sg-egress", "nacl-out", "route-table", "pcx", "vpc", "nacl-in", "sg-ingress", "eni"],
  );
  const rt = a.forward.find((h) => h.kind === "route-table")!;
  assert.equal(rt.route?.destinationCidr, "172.31.0.0/16");
  assert.equal(rt.route?.target, n.pcx.id);
  const sgIn = a.forward.find((h) => h.kind === "sg-ingress")!;
  assert.equal(sgIn.securityGroupId, n.ssg.id);
  assert.ok(sgIn.securityGroupRuleId?.startsWith("sgr-"));
  assert.deepEqual(
    a.return.map((h) => h.kind),
    ["eni", "sg-egress", "nacl-out", "route-table", "pcx", "vpc", "nacl-in", "sg-ingress", "eni"],
  );
  assert.match(a.return.find((h) => h.kind === "sg-egress")!.detail, /stateful/);
});

test("seed: Singapore → Tokyo and TCP 22 both ways", () => {
  const n = seed();
  assert.equal(analyze(n.world, { source: "singapore", destination: "tokyo" }).verdict, "reachable");
  const c = connect(n.world, { from: "tokyo", to: n.s.instance.id, protocol: "tcp", port: 22 });
  assert.equal(c.result, "connected");
  assert.equal(c.sourceAddressSeenByReceiver, "10.20.1.10");
  const c80 = connect(n.world, { from: "tokyo", to: n.s.instance.id, protocol: "tcp", port: 80 });
  assert.equal(c80.result, "timed-out");
  assert.match(c80.detail, /ENI_SG_RULES_MISMATCH/);
});

test("ping: Linux-style replies and stats, ~70.6 ms ±2 %, 0 % loss, seedable", () => {
  const n = seed();
  const p = ping(n.world, { from: "tokyo", to: "singapore", count: 20, seed: 7 });
  assert.equal(p.stats.transmitted, 20);
  assert.equal(p.stats.received, 20);
  assert.equal(p.stats.lossPercent, 0);
  assert.ok(Math.abs(p.stats.avg - 70.6) / 70.6 < 0.02, `avg ${p.stats.avg}`);
  assert.ok(p.stats.min <= p.stats.avg && p.stats.avg <= p.stats.max);
  assert.ok(p.stats.mdev > 0 && p.stats.mdev < 2);
  assert.equal(p.replies[0]!.bytes, 64);
  assert.equal(p.replies[0]!.ttl, 64);
  assert.equal(p.replies[0]!.seq, 1);
  const again = ping(n.world, { from: "tokyo", to: "singapore", count: 20, seed: 7 });
  assert.deepEqual(again.replies, p.replies);
});

test("MTU: DF larger than 8500 over inter-region peering → Frag needed; without DF it passes", () => {
  const n = seed();
  const p = ping(n.world, { from: "tokyo", to: "singapore", count: 2, size: 8600, df: true });
  assert.equal(p.stats.received, 0);
  assert.equal(p.errors.length, 2);
  assert.equal(p.errors[0]!.error, "Frag needed and DF set (mtu = 8500)");
  assert.equal(ping(n.world, { from: "tokyo", to: "singapore", count: 2, size: 8600 }).stats.received, 2);
  assert.equal(ping(n.world, { from: "tokyo", to: "singapore", count: 1, size: 8472, df: true }).stats.received, 1);
});

test("Tokyo → 8.8.8.8 blocked: no route, the explanation names the missing internet-gateway route", () => {
  const n = seed();
  const a = analyze(n.world, { source: "tokyo", destination: "8.8.8.8" });
  assert.equal(a.verdict, "blocked");
  const e = a.explanations.find((x) => x.code === "NO_ROUTE_TO_DESTINATION")!;
  assert.ok(e);
  assert.equal(e.routeTableId, n.b.mainRt(n.tk, n.tv).id);
  assert.match(e.reason, /internet gateway/);
  assert.match(e.fix, /0\.0\.0\.0\/0/);
});

test("Singapore (public IP, default route to IGW) → 8.8.8.8 reachable; receiver sees the public IP; MTU 1500", () => {
  const n = seed();
  const a = analyze(n.world, { source: "singapore", destination: "8.8.8.8" });
  assert.equal(a.verdict, "reachable", JSON.stringify(a.explanations));
  assert.equal(a.sourceAddressSeenByReceiver, "54.1.2.3");
  assert.equal(a.pathMtu, 1500);
  assert.deepEqual(a.return.map((h) => h.kind), ["internet", "igw", "nacl-in", "sg-ingress", "eni"]);
  const p = ping(n.world, { from: "singapore", to: "8.8.8.8", count: 1, size: 1473, df: true });
  assert.equal(p.errors[0]?.error, "Frag needed and DF set (mtu = 1500)");
});

test("IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS: default route to an IGW but no public IP", () => {
  const n = seed();
  const ss2 = [...n.sg.subnets.values()].filter((s) => s.vpcId === n.sv.id)[1]!;
  const x = n.b.instance(n.sg, ss2, "172.31.16.9", { sgs: [n.ssg] });
  const a = analyze(n.world, { source: x.instance.id, destination: "1.1.1.1" });
  assert.deepEqual(codes(a), ["IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"]);
});

test("IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS: a private address that only the default route covers", () => {
  const n = seed();
  const a = analyze(n.world, { source: "singapore", destination: "192.168.1.1" });
  assert.deepEqual(codes(a), ["IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS"]);
});

test("IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS: a shared (100.64/10) address through the IGW", () => {
  const n = seed();
  assert.deepEqual(codes(analyze(n.world, { source: "singapore", destination: "100.64.0.1" })), ["IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS"]);
});

test("seed typo route 172.16.0.0/24 → NO_ROUTE_TO_DESTINATION for 172.31.x.x and PCX_REQUIRES_ADDRESS_IN_VPC_CIDR for the route", () => {
  const n = seed({ typo: true });
  const a = analyze(n.world, { source: "tokyo", destination: "singapore" });
  assert.equal(a.verdict, "blocked");
  assert.deepEqual(codes(a), ["NO_ROUTE_TO_DESTINATION", "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"]);
  const lint = a.explanations[1]!;
  assert.equal(lint.route?.destinationCidr, "172.16.0.0/24");
  assert.equal(lint.vpcPeeringConnectionId, n.pcx.id);
  assert.equal(lint.onPath, false);
  assert.match(a.explanations[0]!.fix, new RegExp(`172\\.31\\.0\\.0/16 → ${n.pcx.id}`));
});

test("PCX_REQUIRES_ADDRESS_IN_VPC_CIDR on the path: a pcx route covering an address outside the peer VPC", () => {
  const n = seed();
  n.b.route(n.b.mainRt(n.tk, n.tv), "192.168.0.0/16", { kind: "pcx", id: n.pcx.id });
  const a = analyze(n.world, { source: "tokyo", destination: "192.168.3.3" });
  assert.equal(a.explanations[0]!.code, "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR");
  assert.equal(a.explanations[0]!.onPath, true);
});

test("revoking ICMP: ENI_SG_RULES_MISMATCH names the security group; TCP 22 still works", () => {
  const n = seed({ icmp: false });
  const a = analyze(n.world, { source: "tokyo", destination: "singapore" });
  assert.deepEqual(codes(a), ["ENI_SG_RULES_MISMATCH"]);
  assert.equal(a.explanations[0]!.direction, "ingress");
  assert.deepEqual(a.explanations[0]!.securityGroupIds, [n.ssg.id]);
  assert.match(a.explanations[0]!.fix, new RegExp(`inbound rule to ${n.ssg.id} allowing ICMP from 10\\.20\\.1\\.10/32`));
  assert.deepEqual(a.explanations[0]!.fixes?.map((f) => [f.action, f.params.GroupId, (f.params.IpPermissions as { IpProtocol: string }[])[0]!.IpProtocol, f.region]), [
    ["AuthorizeSecurityGroupIngress", n.ssg.id, "icmp", n.ssg.region],
  ]);
  assert.equal(ping(n.world, { from: "tokyo", to: "singapore", count: 3 }).stats.lossPercent, 100);
  assert.equal(analyze(n.world, { source: "tokyo", destination: "singapore", protocol: "tcp", port: 22 }).verdict, "reachable");
});

test("blocked-path mode lists every blocker: SG egress + NACL out + SG ingress; fast mode stops at the first", () => {
  const n = seed();
  n.tsg.rules = n.tsg.rules.filter((r) => !r.isEgress);
  n.b.acl(n.tk, n.tv, [{ ruleNumber: 50, egress: true, protocol: "6", ruleAction: "allow", cidrBlock: "0.0.0.0/0", portRange: { from: 0, to: 65535 } }, { ruleNumber: 100, egress: false, protocol: "-1", ruleAction: "allow", cidrBlock: "0.0.0.0/0" }], [n.ts]);
  n.ssg.rules = n.ssg.rules.filter((r) => r.ipProtocol !== "icmp");
  n.world.changed();
  const a = analyze(n.world, { source: "tokyo", destination: "singapore" });
  assert.deepEqual(codes(a), ["ENI_SG_RULES_MISMATCH", "SUBNET_ACL_RESTRICTION", "ENI_SG_RULES_MISMATCH"]);
  assert.equal(a.explanations[0]!.direction, "egress");
  assert.equal(a.explanations[1]!.aclRule?.ruleNumber, 32767);
  assert.equal(a.explanations[2]!.direction, "ingress");
  const fast = analyze(n.world, { source: "tokyo", destination: "singapore", explain: false });
  assert.equal(fast.verdict, "blocked");
  assert.equal(fast.explanations.length, 1);
});

test("NACLs are stateless: the reply on the ephemeral port must be allowed; same-subnet traffic skips NACLs", () => {
  const n = seed();
  // Tokyo subnet: allow tcp 22 in and out to the peer, but nothing on ephemeral ports outbound.
  const acl = n.b.acl(
    n.tk,
    n.tv,
    [
      { ruleNumber: 100, egress: false, protocol: "6", ruleAction: "allow", cidrBlock: "172.31.0.0/16", portRange: { from: 22, to: 22 } },
      { ruleNumber: 100, egress: true, protocol: "6", ruleAction: "allow", cidrBlock: "172.31.0.0/16", portRange: { from: 22, to: 22 } },
    ],
    [n.ts],
  );
  const a = analyze(n.world, { source: "singapore", destination: "tokyo", protocol: "tcp", port: 22 });
  assert.deepEqual(codes(a), ["SUBNET_ACL_RESTRICTION"]);
  assert.equal(a.explanations[0]!.leg, "return");
  assert.equal(a.explanations[0]!.direction, "egress");
  assert.equal(a.explanations[0]!.aclId, acl.id);
  assert.match(a.explanations[0]!.fix, /1024/);
  acl.entries.push({ ruleNumber: 110, egress: true, protocol: "6", ruleAction: "allow", cidrBlock: "172.31.0.0/16", portRange: { from: 1024, to: 65535 } });
  n.world.changed();
  assert.equal(analyze(n.world, { source: "singapore", destination: "tokyo", protocol: "tcp", port: 22 }).verdict, "reachable");
  // Deny rule numbered before an allow wins (first match by rule number).
  acl.entries.push({ ruleNumber: 90, egress: false, protocol: "6", ruleAction: "deny", cidrBlock: "172.31.5.20/32", portRange: { from: 22, to: 22 } });
  n.world.changed();
  const d = analyze(n.world, { source: "singapore", destination: "tokyo", protocol: "tcp", port: 22 });
  assert.equal(d.explanations[0]!.aclRule?.ruleNumber, 90);
  // Same subnet: the NACL that denies everything else is not consulted.
  const peer = n.b.instance(n.tk, n.ts, "10.20.1.11", { sgs: [n.tsg] });
  n.tsg.rules.push({ ...n.tsg.rules[0]!, id: "sgr-self", cidrIpv4: "10.20.1.0/24" });
  n.world.changed();
  const same = analyze(n.world, { source: peer.instance.id, destination: "tokyo" });
  assert.equal(same.verdict, "reachable", JSON.stringify(same.explanations));
  assert.ok(!same.forward.some((h) => h.kind === "nacl-out"));
  assert.ok(same.rttMs >= 0.1 && same.rttMs <= 0.3);
});

test("longest prefix match with AWS's tie-break, and BAD_STATE_ROUTE for a blackhole", () => {
  const n = seed();
  const rt = n.b.mainRt(n.tk, n.tv);
  // A more specific route to a stopped appliance: it wins and blackholes the traffic.
  const app = n.b.instance(n.tk, n.ts, "10.20.1.50", { sgs: [n.tsg], state: "stopped", sourceDestCheck: false });
  n.b.route(rt, "172.31.5.0/24", { kind: "instance", id: app.instance.id, eniId: app.eni.id });
  const a = analyze(n.world, { source: "tokyo", destination: "singapore" });
  assert.deepEqual(codes(a), ["BAD_STATE_ROUTE"]);
  assert.equal(a.explanations[0]!.route?.destinationCidr, "172.31.5.0/24");
  assert.equal(a.explanations[0]!.route?.state, "blackhole");
  // Other addresses still use the /16.
  const other = n.b.instance(n.sg, n.ss, "172.31.6.1", { sgs: [n.ssg] });
  assert.equal(analyze(n.world, { source: "tokyo", destination: other.instance.id }).verdict, "reachable");
});

test("appliance routing: a running middlebox forwards; source/destination check blocks with ENI_SOURCE_DEST_CHECK_RESTRICTION", () => {
  const n = seed();
  const rt = n.b.mainRt(n.tk, n.tv);
  const appSubnet = n.b.subnet(n.tk, n.tv, "10.20.9.0/24");
  const appRt = n.b.routeTable(n.tk, n.tv, [appSubnet]);
  n.b.route(appRt, "172.31.0.0/16", { kind: "pcx", id: n.pcx.id });
  const allSg = n.b.sg(n.tk, n.tv, [{ proto: "-1", cidr: "0.0.0.0/0" }]);
  const app = n.b.instance(n.tk, appSubnet, "10.20.9.9", { sgs: [allSg], sourceDestCheck: true });
  n.b.route(rt, "172.31.5.0/24", { kind: "eni", id: app.eni.id });
  const a = analyze(n.world, { source: "tokyo", destination: "singapore" });
  assert.ok(codes(a).includes("ENI_SOURCE_DEST_CHECK_RESTRICTION"), JSON.stringify(codes(a)));
  app.eni.sourceDestCheck = false;
  n.world.changed();
  const ok = analyze(n.world, { source: "tokyo", destination: "singapore" });
  assert.equal(ok.verdict, "reachable", JSON.stringify(ok.explanations));
  assert.ok(ok.forward.some((h) => h.kind === "appliance" && h.id === app.eni.id));
  assert.equal(ok.sourceAddressSeenByReceiver, "10.20.1.10");
  const tr = trace(n.world, { from: "tokyo", to: "singapore", seed: 1 });
  assert.deepEqual(tr.hops.map((h) => h.address), ["10.20.9.9", "172.31.5.20"]);
});

test("pcx only while active: a pending peering makes the route a blackhole (BAD_STATE_ROUTE naming the pcx)", () => {
  const n = seed({ pcxStatus: "pending-acceptance" });
  const a = analyze(n.world, { source: "tokyo", destination: "singapore" });
  assert.deepEqual(codes(a), ["BAD_STATE_ROUTE"]);
  assert.equal(a.explanations[0]!.vpcPeeringConnectionId, n.pcx.id);
  assert.deepEqual(a.explanations[0]!.fixes, [{ action: "AcceptVpcPeeringConnection", params: { VpcPeeringConnectionId: n.pcx.id }, account: n.pcx.accepter.ownerId, region: n.pcx.accepter.region }]);
});

test("peering is non-transitive and has no edge-to-edge routing", () => {
  const n = seed();
  // A third VPC peered with Singapore only; Tokyo routes its CIDR via the Tokyo–Singapore peering.
  const us = n.b.rs("us-east-1");
  const uv = n.b.vpc(us, "10.30.0.0/16");
  const usub = n.b.subnet(us, uv, "10.30.1.0/24");
  const p2 = n.b.peering({ rs: n.sg, vpc: n.sv }, { rs: us, vpc: uv });
  n.b.route(n.b.mainRt(n.sg, n.sv), "10.30.0.0/16", { kind: "pcx", id: p2.id });
  n.b.route(n.b.mainRt(n.tk, n.tv), "10.30.0.0/16", { kind: "pcx", id: n.pcx.id });
  const usg = n.b.sg(us, uv, [{ proto: "-1", cidr: "0.0.0.0/0" }]);
  n.b.instance(us, usub, "10.30.1.5", { sgs: [usg], name: "virginia" });
  const a = analyze(n.world, { source: "tokyo", destination: "10.30.1.5" });
  assert.equal(a.explanations[0]!.code, "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR");
  // Singapore's own route to Virginia works: the pair is directly peered.
  const s2 = analyze(n.world, { source: "singapore", destination: "virginia" });
  assert.equal(s2.verdict, "blocked"); // Virginia has no route back yet
  n.b.route(n.b.mainRt(us, uv), "172.31.0.0/16", { kind: "pcx", id: p2.id });
  n.ssg.rules.push({ ...n.ssg.rules[0]!, id: "sgr-x", isEgress: true, ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" });
  n.world.changed();
  const s3 = analyze(n.world, { source: "singapore", destination: "virginia" });
  assert.equal(s3.verdict, "reachable", JSON.stringify(s3.explanations));
});

test("NO_POSSIBLE_DESTINATION: a local address nobody holds; a route delivering to the wrong VPC", () => {
  const n = seed();
  assert.deepEqual(codes(analyze(n.world, { source: "tokyo", destination: "10.20.1.99" })), ["NO_POSSIBLE_DESTINATION"]);
  assert.deepEqual(codes(analyze(n.world, { source: "tokyo", destination: "172.31.99.99" })), ["NO_POSSIBLE_DESTINATION"]);
});

test("BAD_STATE: a stopped source or destination instance cannot send or receive", () => {
  const n = seed();
  n.s.instance.state = "stopped";
  n.world.changed();
  const a = analyze(n.world, { source: "tokyo", destination: "singapore" });
  assert.ok(codes(a).includes("BAD_STATE"));
  assert.equal(a.explanations.find((e) => e.code === "BAD_STATE")!.instanceId, n.s.instance.id);
});

test("security-group references expand to member ENIs (by identity), not to the group's CIDR", () => {
  const b = new NetBuilder();
  const rs = b.rs("eu-west-1");
  const v = b.vpc(rs, "10.0.0.0/16");
  const s1 = b.subnet(rs, v, "10.0.1.0/24", 0);
  const s2 = b.subnet(rs, v, "10.0.2.0/24", 1);
  const web = b.sg(rs, v, []);
  const db = b.sg(rs, v, [{ proto: "tcp", from: 5432, to: 5432, group: web.id }]);
  const w1 = b.instance(rs, s1, "10.0.1.5", { sgs: [web] });
  const other = b.instance(rs, s1, "10.0.1.6", { sgs: [b.sg(rs, v, [])] });
  const d = b.instance(rs, s2, "10.0.2.5", { sgs: [db] });
  const ok = analyze(b.world, { source: w1.instance.id, destination: d.instance.id, protocol: "tcp", port: 5432 });
  assert.equal(ok.verdict, "reachable");
  assert.ok(ok.rttMs >= 0.5 && ok.rttMs <= 1.5, `cross-AZ rtt ${ok.rttMs}`);
  const no = analyze(b.world, { source: other.instance.id, destination: d.instance.id, protocol: "tcp", port: 5432 });
  assert.deepEqual(codes(no), ["ENI_SG_RULES_MISMATCH"]);
});

test("latency overrides per region pair; recompiles when the world changes", () => {
  const n = seed();
  engineOf(n.world).configure({ rttOverrides: { "ap-southeast-1|ap-northeast-1": 50 } });
  assert.equal(analyze(n.world, { source: "tokyo", destination: "singapore" }).rttMs, 50);
  engineOf(n.world).configure({});
  const rt = n.b.mainRt(n.tk, n.tv);
  rt.routes = rt.routes.filter((r) => r.target.kind === "local");
  n.world.changed();
  assert.deepEqual(codes(analyze(n.world, { source: "tokyo", destination: "singapore" })), ["NO_ROUTE_TO_DESTINATION"]);
});

test("connect: vpclab:listen tag models a closed port (refused)", () => {
  const n = seed();
  n.s.instance.tags.set("vpclab:listen", "80,443");
  assert.equal(connect(n.world, { from: "tokyo", to: "singapore", protocol: "tcp", port: 22 }).result, "refused");
  n.s.instance.tags.set("vpclab:listen", "22");
  assert.equal(connect(n.world, { from: "tokyo", to: "singapore", protocol: "tcp", port: 22 }).result, "connected");
});

test("bad input: unknown ids, ambiguous addresses, bad protocol/port", () => {
  const n = seed();
  assert.throws(() => analyze(n.world, { source: "i-0000000000000dead", destination: "8.8.8.8" }), { code: "InvalidInstanceID.NotFound" });
  assert.throws(() => analyze(n.world, { source: "nobody", destination: "8.8.8.8" }), { code: "InvalidParameterValue" });
  assert.throws(() => analyze(n.world, { source: "tokyo", destination: "8.8.8.8", protocol: "tcp" }), { code: "InvalidParameterValue" });
  assert.throws(() => analyze(n.world, { source: "tokyo", destination: "8.8.8.8", protocol: "gre" as never }), { code: "InvalidParameterValue" });
  // Two interfaces with the same address in two regions → ambiguous unless the region is given.
  const us = n.b.rs("us-east-1");
  const uv = n.b.vpc(us, "10.20.0.0/16");
  n.b.instance(us, n.b.subnet(us, uv, "10.20.1.0/24"), "10.20.1.10");
  assert.throws(() => analyze(n.world, { source: "10.20.1.10", destination: "8.8.8.8" }), { code: "InvalidParameterCombination" });
  assert.equal(analyze(n.world, { source: "10.20.1.10", region: TOKYO, destination: "8.8.8.8" }).source.region, TOKYO);
});

// ---- issue 17: where the engine disagreed with AWS, and the Internet as a sender -------------------

/** VPC 10.21.0.0/16 in eu-west-1 with an IGW, a public subnet 10.21.5.0/24 and an appliance subnet. */
function publicVpc() {
  const b = new NetBuilder();
  const rs = b.rs("eu-west-1");
  const v = b.vpc(rs, "10.21.0.0/16");
  const pub = b.subnet(rs, v, "10.21.5.0/24", 0);
  const appSub = b.subnet(rs, v, "10.21.9.0/24", 1);
  const main = b.mainRt(rs, v);
  const igw = b.igw(rs, v, main);
  const sg = b.sg(rs, v, [{ proto: "tcp", from: 22, to: 22, cidr: "0.0.0.0/0" }, { proto: "icmp", from: -1, to: -1, cidr: "10.21.0.0/16" }]);
  const web = b.instance(rs, pub, "10.21.5.4", { sgs: [sg], publicIp: "54.9.9.4", name: "web" });
  const peer = b.instance(rs, pub, "10.21.5.5", { sgs: [sg], name: "peer" });
  const allSg = b.sg(rs, v, [{ proto: "-1", cidr: "0.0.0.0/0" }]);
  const app = b.instance(rs, appSub, "10.21.9.9", { sgs: [allSg], sourceDestCheck: false, name: "appliance" });
  return { b, world: b.world, rs, v, pub, appSub, main, igw, sg, web, peer, app };
}

// VPC User Guide, "Middlebox routing" (https://docs.aws.amazon.com/vpc/latest/userguide/route-table-options.html#route-tables-appliance-routing):
// "You cannot route traffic between hosts in the same subnet through an appliance"; "Gateway route tables"
// rules (https://docs.aws.amazon.com/vpc/latest/userguide/gateway-route-tables.html): traffic to another
// interface's MAC address in the subnet uses layer-2 routing, so route tables do not apply to it.
test("same subnet: delivered at layer 2 even when the subnet's CIDR is routed to an appliance; SGs still apply", () => {
  const n = publicVpc();
  n.b.route(n.main, "10.21.5.0/24", { kind: "eni", id: n.app.eni.id });
  const a = analyze(n.world, { source: "10.21.5.4", destination: "10.21.5.5" });
  assert.equal(a.verdict, "reachable", JSON.stringify(a.explanations));
  assert.deepEqual(a.forward.map((h) => h.kind), ["eni", "sg-egress", "local", "sg-ingress", "eni"]);
  assert.ok(!a.forward.some((h) => h.kind === "appliance" || h.kind === "route-table"));
  assert.equal(a.forward[2]!.id, n.pub.id);
  assert.match(a.forward[2]!.detail, /layer 2/);
  assert.equal(a.sourceAddressSeenByReceiver, "10.21.5.4");
  assert.ok(a.rttMs >= 0.1 && a.rttMs <= 0.3, `same-AZ rtt ${a.rttMs}`);
  // From another subnet the same route does take the appliance.
  const other = n.b.instance(n.rs, n.appSub, "10.21.9.20", { sgs: [n.sg] });
  n.b.rule(n.sg, { egress: false, proto: "-1", cidr: "10.21.0.0/16" });
  const via = analyze(n.world, { source: other.instance.id, destination: "10.21.5.5" });
  assert.ok(via.forward.some((h) => h.kind === "appliance" && h.id === n.app.eni.id), JSON.stringify(via.forward.map((h) => h.kind)));
  // Security groups apply inside the subnet: TCP 80 has no rule.
  const no = analyze(n.world, { source: "10.21.5.4", destination: "10.21.5.5", protocol: "udp", port: 53 });
  n.sg.rules = n.sg.rules.filter((r) => !(r.ipProtocol === "-1" && !r.isEgress));
  n.world.changed();
  const blocked = analyze(n.world, { source: "10.21.5.4", destination: "10.21.5.5", protocol: "udp", port: 53 });
  assert.equal(no.verdict, "reachable");
  assert.deepEqual(codes(blocked), ["ENI_SG_RULES_MISMATCH"]);
});

// VPC User Guide, "Network ACL example: control access to instances in a subnet"
// (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-examples.html): a NACL that denies everything
// but SSH from one remote host still lets the subnet's instances talk to each other.
test("same subnet: a deny-all network ACL is not evaluated; an address nobody holds is NO_POSSIBLE_DESTINATION", () => {
  const n = publicVpc();
  n.b.acl(n.rs, n.v, [], [n.pub]);
  const a = analyze(n.world, { source: "web", destination: "peer" });
  assert.equal(a.verdict, "reachable", JSON.stringify(a.explanations));
  assert.ok(!a.forward.some((h) => h.kind === "nacl-out" || h.kind === "nacl-in"));
  assert.deepEqual(codes(analyze(n.world, { source: "web", destination: "10.21.5.77" })), ["NO_POSSIBLE_DESTINATION"]);
});

// VPC User Guide, "VPC CIDR blocks" (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html):
// "we do not support direct access to the internet from your VPC's CIDR block, including a publicly-
// routable CIDR block"; Reachability Analyzer "Explanation codes"
// (https://docs.aws.amazon.com/vpc/latest/reachability/explanation-codes.html): IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS,
// "Internet gateways reject inbound traffic with a destination address that is not the public IP address
// of a network interface in the VPC".
test("a VPC with a publicly routable CIDR: the Internet does not answer for its addresses", () => {
  const n = publicVpc();
  const pv = n.b.vpc(n.rs, "198.51.100.0/24");
  const ps = n.b.subnet(n.rs, pv, "198.51.100.0/24");
  const pIgw = n.b.igw(n.rs, pv, n.b.mainRt(n.rs, pv));
  const psg = n.b.sg(n.rs, pv, [{ proto: "-1", cidr: "0.0.0.0/0" }]);
  const inside = n.b.instance(n.rs, ps, "198.51.100.4", { sgs: [psg], name: "inside" });
  const a = analyze(n.world, { source: "web", destination: "198.51.100.4" });
  assert.equal(a.verdict, "blocked");
  assert.deepEqual(codes(a), ["IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"]);
  const e = a.explanations[0]!;
  assert.equal(e.component.id, pIgw.id);
  assert.equal(e.vpcId, pv.id);
  assert.equal(e.networkInterfaceId, inside.eni.id);
  assert.match(e.reason, /publicly routable/);
  assert.notEqual(a.destination.instanceId, inside.instance.id, "the instance is not reached");
  // The public-CIDR VPC's own instance needs a public IP to reach the Internet, as any other.
  assert.deepEqual(codes(analyze(n.world, { source: "inside", destination: "8.8.8.8" })), ["IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"]);
  // Its elastic IP is reachable from the public instance.
  inside.eni.association = { publicIp: "3.3.3.3", ipOwnerId: "amazon", privateIp: "198.51.100.4" };
  n.world.changed();
  const ok = analyze(n.world, { source: "web", destination: "3.3.3.3", protocol: "tcp", port: 22 });
  assert.equal(ok.verdict, "reachable", JSON.stringify(ok.explanations));
  assert.equal(ok.sourceAddressSeenByReceiver, "54.9.9.4");
  assert.deepEqual(codes(analyze(n.world, { source: "web", destination: "198.51.100.4" })), ["IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"]);
});

// Reachability Analyzer, "How Reachability Analyzer works"
// (https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html): an internet
// gateway as the source, an instance as the destination, TCP 22; VPC User Guide, "Enable internet access
// for a VPC using an internet gateway" (https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html):
// a public IP, a route to the gateway for the return traffic, and rules that allow it.
test("from the Internet: SSH to a public instance is reachable through its VPC's gateway; the receiver sees the sender", () => {
  const n = publicVpc();
  const a = analyze(n.world, { source: "internet", destination: "web", protocol: "tcp", port: 22 });
  assert.equal(a.verdict, "reachable", JSON.stringify(a.explanations));
  assert.equal(a.source.kind, "internet");
  assert.equal(a.source.address, "203.0.113.10");
  assert.equal(a.destinationAddress, "54.9.9.4", "a named instance is reached at its public IP");
  assert.equal(a.sourceAddressSeenByReceiver, "203.0.113.10");
  assert.equal(a.pathMtu, 1500);
  assert.deepEqual(a.forward.map((h) => h.kind), ["internet", "igw", "nacl-in", "sg-ingress", "eni"]);
  assert.equal(a.forward[1]!.id, n.igw.id);
  assert.deepEqual(a.return.map((h) => h.kind), ["eni", "sg-egress", "nacl-out", "route-table", "igw", "internet"]);
  assert.ok(Math.abs(a.rttMs - 3) < 1e-9, `the Internet is 3 ms away by default: ${a.rttMs}`);
  // Any public address outside the lab's VPCs is a sender too; the address reaches the groups' rules.
  n.sg.rules = n.sg.rules.filter((r) => r.ipProtocol !== "tcp");
  n.b.rule(n.sg, { proto: "tcp", from: 22, to: 22, cidr: "8.8.4.4/32" });
  assert.equal(analyze(n.world, { source: "8.8.4.4", destination: "54.9.9.4", protocol: "tcp", port: 22 }).sourceAddressSeenByReceiver, "8.8.4.4");
  const denied = analyze(n.world, { source: "1.2.3.4", destination: "54.9.9.4", protocol: "tcp", port: 22 });
  assert.deepEqual(codes(denied), ["ENI_SG_RULES_MISMATCH"]);
  assert.equal(denied.explanations[0]!.component.id, n.sg.id);
  assert.equal(denied.explanations[0]!.address, "1.2.3.4");
  // ping from the Internet: replies come back with the Internet's TTL.
  n.b.rule(n.sg, { proto: "icmp", from: -1, to: -1, cidr: "0.0.0.0/0" });
  const p = ping(n.world, { from: "internet", to: "web", count: 2, seed: 3 });
  assert.equal(p.stats.received, 2);
  assert.equal(p.replies[0]!.ttl, 52);
  assert.equal(p.replies[0]!.from, "54.9.9.4");
});

test("from the Internet: each way it fails names the component (NACL both ways, no route back, no public IP, wrong gateway)", () => {
  const n = publicVpc();
  // NACLs are stateless: inbound 22 allowed, the reply on the ephemeral port denied.
  const acl = n.b.acl(n.rs, n.v, [
    { ruleNumber: 100, egress: false, protocol: "6", ruleAction: "allow", cidrBlock: "0.0.0.0/0", portRange: { from: 22, to: 22 } },
  ], [n.pub]);
  const a = analyze(n.world, { source: "internet", destination: "web", protocol: "tcp", port: 22 });
  assert.deepEqual(codes(a), ["SUBNET_ACL_RESTRICTION"]);
  assert.equal(a.explanations[0]!.leg, "return");
  assert.equal(a.explanations[0]!.aclId, acl.id);
  acl.entries.push({ ruleNumber: 100, egress: true, protocol: "6", ruleAction: "allow", cidrBlock: "0.0.0.0/0", portRange: { from: 1024, to: 65535 } });
  n.world.changed();
  assert.equal(analyze(n.world, { source: "internet", destination: "web", protocol: "tcp", port: 22 }).verdict, "reachable");
  // No route back to the gateway: the reply has nowhere to go.
  n.main.routes = n.main.routes.filter((r) => r.target.kind === "local");
  n.world.changed();
  const noRoute = analyze(n.world, { source: "internet", destination: "web", protocol: "tcp", port: 22 });
  assert.deepEqual(codes(noRoute), ["NO_ROUTE_TO_DESTINATION"]);
  assert.equal(noRoute.explanations[0]!.leg, "return");
  assert.equal(noRoute.explanations[0]!.routeTableId, n.main.id);
  // No public IP: the gateway refuses traffic to a private address.
  const priv = analyze(n.world, { source: "internet", destination: "peer", protocol: "tcp", port: 22 });
  assert.deepEqual(codes(priv), ["IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"]);
  assert.equal(priv.explanations[0]!.component.id, n.igw.id);
  assert.match(priv.explanations[0]!.fix, /associate-address/);
  // Entering through another VPC's gateway.
  const other = n.b.vpc(n.rs, "10.50.0.0/16");
  const otherIgw = n.b.igw(n.rs, other);
  const wrong = analyze(n.world, { source: otherIgw.id, destination: "web", protocol: "tcp", port: 22 });
  assert.deepEqual(codes(wrong), ["IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"]);
  assert.equal(wrong.explanations[0]!.component.id, otherIgw.id);
  n.b.route(n.main, "0.0.0.0/0", { kind: "igw", id: n.igw.id });
  assert.equal(analyze(n.world, { source: n.igw.id, destination: "web", protocol: "tcp", port: 22 }).verdict, "reachable");
});

test("from the Internet: bad ends are refused with AWS-style errors", () => {
  const n = publicVpc();
  assert.throws(() => analyze(n.world, { source: "internet", destination: "8.8.8.8" }), { code: "InvalidParameterValue" });
  assert.throws(() => analyze(n.world, { source: "igw-0123456789abcdef0", destination: "web" }), { code: "InvalidInternetGatewayID.NotFound" });
  // A private address, or one inside a VPC's range, is not a host on the Internet.
  assert.throws(() => analyze(n.world, { source: "10.99.0.1", destination: "web" }), { code: "InvalidParameterValue" });
  assert.throws(() => analyze(n.world, { source: "100.64.0.1", destination: "web" }), { code: "InvalidParameterValue" });
  // An instance's public IP names that instance, not the Internet.
  assert.equal(analyze(n.world, { source: "54.9.9.4", destination: "peer" }).source.instanceId, n.web.instance.id);
});

export type { RegionState, Subnet, Vpc };
