/**
 * Golden cases of the engine's IPv6 walk: within a VPC, over peering, through an internet gateway
 * (public, no translation, reachable from the Internet where groups allow) and an egress-only gateway
 * (outbound only, stateful), security-group and NACL ranges of each family, and the fixes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { NetBuilder } from "./builder.js";
import { analyze, connect, ping, trace, type Analysis } from "./index.js";
import type { Fix } from "./fix-command.js";

const TOKYO = "ap-northeast-1";
const SING = "ap-southeast-1";
const INTERNET6 = "2606:4700:4700::1111";

/** Dual-stack seed: Tokyo (public + private subnets, IGW + EIGW) peered with Singapore. */
function seed(opts: { v6PeerRoute?: boolean; privateDefault?: boolean; sgV4Only?: boolean } = {}) {
  const b = new NetBuilder();
  const tk = b.rs(TOKYO);
  const sg = b.rs(SING);
  const tv = b.vpc(tk, "10.20.0.0/16");
  const sv = b.vpc(sg, "10.30.0.0/16");
  b.vpc6(tk, tv, "2600:1f00:1:100::/56");
  b.vpc6(sg, sv, "2600:1f00:2:200::/56");
  const pub = b.subnet(tk, tv, "10.20.1.0/24");
  const priv = b.subnet(tk, tv, "10.20.2.0/24");
  const ss = b.subnet(sg, sv, "10.30.1.0/24");
  b.subnet6(pub, "2600:1f00:1:100::/64");
  b.subnet6(priv, "2600:1f00:1:101::/64");
  b.subnet6(ss, "2600:1f00:2:200::/64");
  const pubRt = b.routeTable(tk, tv, [pub]);
  const privRt = b.routeTable(tk, tv, [priv]);
  const igw = b.igw(tk, tv, pubRt);
  b.route(pubRt, "::/0", { kind: "igw", id: igw.id });
  const eigw = b.eigw(tk, tv);
  if (opts.privateDefault !== false) b.route(privRt, "::/0", { kind: "eigw", id: eigw.id });
  const pcx = b.peering({ rs: tk, vpc: tv }, { rs: sg, vpc: sv });
  if (opts.v6PeerRoute !== false) {
    b.route(privRt, "2600:1f00:2:200::/56", { kind: "pcx", id: pcx.id });
    b.route(pubRt, "2600:1f00:2:200::/56", { kind: "pcx", id: pcx.id });
  }
  b.route(b.mainRt(sg, sv), "2600:1f00:1:100::/56", { kind: "pcx", id: pcx.id });
  const v6Rules = opts.sgV4Only
    ? [{ proto: "-1", cidr: "0.0.0.0/0" }]
    : [
        { proto: "icmpv6", from: -1, to: -1, cidr6: "2600:1f00::/24" },
        { proto: "tcp", from: 22, to: 22, cidr6: "::/0" },
        { proto: "-1", cidr: "10.0.0.0/8" },
      ];
  const all6 = { egress: true, proto: "-1", cidr6: "::/0" };
  const tsg = b.sg(tk, tv, [...v6Rules, all6]);
  const ssg = b.sg(sg, sv, [...v6Rules, all6]);
  const web = b.instance(tk, pub, "10.20.1.10", { sgs: [tsg], name: "web", publicIp: "54.1.2.3", ipv6: ["2600:1f00:1:100::10"] });
  const app = b.instance(tk, priv, "10.20.2.10", { sgs: [tsg], name: "app", ipv6: ["2600:1f00:1:101::10"] });
  const sing = b.instance(sg, ss, "10.30.1.10", { sgs: [ssg], name: "sing", ipv6: ["2600:1f00:2:200::10"] });
  const v4only = b.instance(tk, pub, "10.20.1.20", { sgs: [tsg], name: "v4only" });
  return { b, world: b.world, tk, sg, tv, sv, pub, priv, ss, pubRt, privRt, igw, eigw, pcx, tsg, ssg, web, app, sing, v4only };
}

function codes(a: Analysis): string[] {
  return a.explanations.map((e) => e.code);
}

function fixOf(a: Analysis, code: string): Fix[] | undefined {
  return a.explanations.find((e) => e.code === code)?.fixes;
}

test("IPv6 inside a VPC: two subnets by the /56 local route; layer 2 inside a /64", () => {
  const n = seed();
  const a = analyze(n.world, { source: "web", destination: "2600:1f00:1:101::10" });
  assert.equal(a.verdict, "reachable", JSON.stringify(a.explanations));
  assert.equal(a.destinationAddress, "2600:1f00:1:101::10");
  assert.equal(a.sourceAddressSeenByReceiver, "2600:1f00:1:100::10");
  assert.equal(a.forward.find((h) => h.kind === "route-table")?.route?.destinationCidr, "2600:1f00:1:100::/56");
  assert.equal(a.source.address, "2600:1f00:1:100::10");
  // Inside one /64: layer 2, no route table (the address in another text form).
  n.b.instance(n.tk, n.pub, "10.20.1.30", { sgs: [n.tsg], name: "web2", ipv6: ["2600:1f00:1:100::30"] });
  const l2 = analyze(n.world, { source: "web", destination: "2600:1f00:1:100:0:0:0:30" });
  assert.equal(l2.verdict, "reachable", JSON.stringify(l2.explanations));
  assert.equal(l2.destinationAddress, "2600:1f00:1:100::30");
  assert.ok(!l2.forward.some((h) => h.kind === "route-table"));
  assert.equal(analyze(n.world, { source: "v4only", destination: "10.20.1.10" }).verdict, "reachable");
});

test("IPv6: an IPv4-only security group admits no IPv6 packet, and the fix names an Ipv6Ranges rule", () => {
  const n = seed({ sgV4Only: true });
  const a = analyze(n.world, { source: "web", destination: "2600:1f00:1:101::10" });
  assert.equal(a.verdict, "blocked");
  assert.ok(codes(a).includes("ENI_SG_RULES_MISMATCH"), codes(a).join());
  const fixes = fixOf(a, "ENI_SG_RULES_MISMATCH")!;
  const perm = (fixes[0]!.params.IpPermissions as Record<string, unknown>[])[0]!;
  assert.equal(perm.IpProtocol, "icmpv6");
  assert.deepEqual(perm.Ipv6Ranges, [{ CidrIpv6: "2600:1f00:1:100::10/128" }]);
  // The same groups still carry IPv4.
  assert.equal(analyze(n.world, { source: "web", destination: "10.20.2.10" }).verdict, "reachable");
});

test("IPv6: a rule for icmp (IPv4) does not admit an IPv6 ping; icmpv6 does", () => {
  const n = seed();
  n.tsg.rules = n.tsg.rules.filter((r) => r.ipProtocol !== "icmpv6");
  n.b.rule(n.tsg, { proto: "icmp", from: -1, to: -1, cidr6: "::/0" });
  const a = analyze(n.world, { source: "web", destination: "2600:1f00:1:101::10" });
  assert.equal(a.verdict, "blocked");
  assert.match(a.explanations[0]!.reason, /ICMPv6/);
});

test("IPv6 over peering: reachable with the route; without it, the fix is a DestinationIpv6CidrBlock route to the peering", () => {
  const n = seed();
  const a = analyze(n.world, { source: "app", destination: "2600:1f00:2:200::10" });
  assert.equal(a.verdict, "reachable", JSON.stringify(a.explanations));
  assert.ok(a.forward.some((h) => h.kind === "pcx"));
  assert.equal(a.sourceAddressSeenByReceiver, "2600:1f00:1:101::10");
  const m = seed({ v6PeerRoute: false, privateDefault: false });
  const b = analyze(m.world, { source: "app", destination: "2600:1f00:2:200::10" });
  assert.deepEqual(codes(b), ["NO_ROUTE_TO_DESTINATION"]);
  assert.deepEqual(fixOf(b, "NO_ROUTE_TO_DESTINATION"), [
    { action: "CreateRoute", params: { RouteTableId: m.privRt.id, DestinationIpv6CidrBlock: "2600:1f00:2:200::/56", VpcPeeringConnectionId: m.pcx.id }, account: m.tk.account, region: TOKYO },
  ]);
  // ::/0 → eigw does not reach the peer either: the Internet routes the address to the peer VPC,
  // whose only way in for a flow started outside is... its own gateways (none): blocked.
  const c = seed({ v6PeerRoute: false });
  assert.equal(analyze(c.world, { source: "app", destination: "2600:1f00:2:200::10" }).verdict, "blocked");
});

test("IPv6 peering needs IPv6 on the peer: an address outside the peer's blocks is PCX_REQUIRES_ADDRESS_IN_VPC_CIDR", () => {
  const n = seed();
  n.b.route(n.privRt, "2600:1f00:9::/48", { kind: "pcx", id: n.pcx.id });
  const a = analyze(n.world, { source: "app", destination: "2600:1f00:9::1" });
  assert.ok(codes(a).includes("PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"), codes(a).join());
});

test("egress-only gateway: the private instance reaches the Internet (reply admitted), and the Internet cannot reach it", () => {
  const n = seed();
  const out = analyze(n.world, { source: "app", destination: INTERNET6 });
  assert.equal(out.verdict, "reachable", JSON.stringify(out.explanations));
  assert.ok(out.forward.some((h) => h.kind === "eigw" && h.id === n.eigw.id));
  assert.ok(out.return.some((h) => h.kind === "eigw" && /stateful/.test(h.detail)));
  const c = connect(n.world, { from: "app", to: INTERNET6, protocol: "tcp", port: 443 });
  assert.equal(c.result, "connected");
  // From the Internet: the request enters by the VPC's internet gateway, the reply is routed to the
  // egress-only gateway, which holds no state for a flow started outside.
  const inb = analyze(n.world, { source: "internet", destination: "2600:1f00:1:101::10", protocol: "tcp", port: 22 });
  assert.equal(inb.verdict, "blocked");
  assert.ok(codes(inb).includes("EIGW_INBOUND_NOT_ALLOWED"), codes(inb).join());
  assert.equal(inb.source.address, "2001:db8::10");
  // A VPC whose only gateway is the egress-only one: refused at the way in.
  n.tv.cidrBlocks = [...n.tv.cidrBlocks];
  n.tk.internetGateways.delete(n.igw.id);
  n.world.changed();
  const inb2 = analyze(n.world, { source: "internet", destination: "2600:1f00:1:101::10", protocol: "tcp", port: 22 });
  assert.deepEqual(codes(inb2), ["EIGW_INBOUND_NOT_ALLOWED"]);
  assert.equal(inb2.explanations[0]!.component.id, n.eigw.id);
});

test("internet gateway, IPv6: public address (no translation), reachable from the Internet when the group allows", () => {
  const n = seed();
  const out = analyze(n.world, { source: "web", destination: INTERNET6 });
  assert.equal(out.verdict, "reachable", JSON.stringify(out.explanations));
  assert.equal(out.sourceAddressSeenByReceiver, "2600:1f00:1:100::10");
  const inb = connect(n.world, { from: "internet", to: "2600:1f00:1:100::10", protocol: "tcp", port: 22 });
  assert.equal(inb.result, "connected", inb.detail);
  assert.equal(inb.sourceAddressSeenByReceiver, "2001:db8::10");
  const named = connect(n.world, { from: "internet", to: "web", protocol: "tcp", port: 22, family: 6 });
  assert.equal(named.result, "connected", named.detail);
  const p80 = analyze(n.world, { source: "internet", destination: "2600:1f00:1:100::10", protocol: "tcp", port: 80 });
  assert.equal(p80.verdict, "blocked");
  assert.deepEqual(codes(p80), ["ENI_SG_RULES_MISMATCH"]);
  const perm = (fixOf(p80, "ENI_SG_RULES_MISMATCH")![0]!.params.IpPermissions as Record<string, unknown>[])[0]!;
  assert.deepEqual(perm.Ipv6Ranges, [{ CidrIpv6: "2001:db8::10/128" }]);
  // Another lab instance reaches it across the Internet at its IPv6 address, source preserved.
  const fromApp = connect(n.world, { from: "app", to: "2600:1f00:1:100::10", protocol: "tcp", port: 22 });
  assert.equal(fromApp.result, "connected");
  const fromSing = analyze(n.world, { source: "sing", destination: "2600:1f00:1:100::10", protocol: "tcp", port: 22 });
  assert.equal(fromSing.verdict, "reachable", JSON.stringify(fromSing.explanations));
});

test("IPv6: no route to the Internet is explained with a ::/0 fix to the egress-only gateway (private) or the internet gateway (public)", () => {
  const n = seed({ privateDefault: false });
  const a = analyze(n.world, { source: "app", destination: INTERNET6 });
  assert.deepEqual(codes(a), ["NO_ROUTE_TO_DESTINATION"]);
  assert.match(a.explanations[0]!.reason, /::\/0/);
  assert.deepEqual(fixOf(a, "NO_ROUTE_TO_DESTINATION"), [
    { action: "CreateRoute", params: { RouteTableId: n.privRt.id, DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: n.eigw.id }, account: n.tk.account, region: TOKYO },
  ]);
  n.pubRt.routes = n.pubRt.routes.filter((r) => r.destinationCidr !== "::/0");
  n.world.changed();
  const b = analyze(n.world, { source: "web", destination: INTERNET6 });
  assert.deepEqual(fixOf(b, "NO_ROUTE_TO_DESTINATION"), [
    { action: "CreateRoute", params: { RouteTableId: n.pubRt.id, DestinationIpv6CidrBlock: "::/0", GatewayId: n.igw.id }, account: n.tk.account, region: TOKYO },
  ]);
});

test("IPv6: a network ACL with IPv4 entries only denies IPv6, and the fix is an Ipv6CidrBlock entry", () => {
  const n = seed();
  n.b.acl(n.tk, n.tv, [
    { ruleNumber: 100, egress: false, protocol: "-1", ruleAction: "allow", cidrBlock: "0.0.0.0/0" },
    { ruleNumber: 100, egress: true, protocol: "-1", ruleAction: "allow", cidrBlock: "0.0.0.0/0" },
  ], [n.priv]);
  const a = analyze(n.world, { source: "web", destination: "2600:1f00:1:101::10" });
  assert.equal(a.verdict, "blocked");
  assert.ok(codes(a).includes("SUBNET_ACL_RESTRICTION"));
  const fix = fixOf(a, "SUBNET_ACL_RESTRICTION")![0]!;
  assert.equal(fix.params.Ipv6CidrBlock, "2600:1f00:1:100::10/128");
  assert.equal(fix.params.Protocol, "58");
  assert.equal(fix.params.CidrBlock, undefined);
  // IPv4 through the same ACL still passes.
  assert.equal(analyze(n.world, { source: "web", destination: "10.20.2.10" }).verdict, "reachable");
  // An IPv6 entry admits IPv6.
  const acl = [...n.tk.networkAcls.values()].find((x) => x.associations.some((s) => s.subnetId === n.priv.id))!;
  acl.entries.push({ ruleNumber: 110, egress: false, protocol: "-1", ruleAction: "allow", ipv6CidrBlock: "::/0" }, { ruleNumber: 110, egress: true, protocol: "-1", ruleAction: "allow", ipv6CidrBlock: "::/0" });
  n.world.changed();
  const ok = analyze(n.world, { source: "web", destination: "2600:1f00:1:101::10" });
  assert.equal(ok.verdict, "reachable", JSON.stringify(ok.explanations));
});

test("ping -6 and trace with a name use the IPv6 address; an interface without one is refused", () => {
  const n = seed();
  const p = ping(n.world, { from: "app", to: "sing", family: 6, count: 2, seed: 1 });
  assert.equal(p.stats.received, 2);
  assert.match(JSON.stringify(p), /2600:1f00:2:200::10/);
  const t = trace(n.world, { from: "app", to: "sing", family: 6 });
  assert.match(JSON.stringify(t), /2600:1f00:2:200::10/);
  assert.throws(() => analyze(n.world, { source: "v4only", destination: "2600:1f00:1:101::10" }), /has no IPv6 address/);
  assert.throws(() => ping(n.world, { from: "app", to: "v4only", family: 6 }), /has no IPv6 address/);
  // Unique local addresses never reach the Internet.
  assert.deepEqual(codes(analyze(n.world, { source: "app", destination: "fd00::1" })), ["NO_POSSIBLE_DESTINATION"]);
});

test("IPv6 routes and IPv4 routes never answer for each other: ::/0 does not carry IPv4, 0.0.0.0/0 does not carry IPv6", () => {
  const n = seed();
  // The private subnet has ::/0 → eigw and no IPv4 default route.
  const a = analyze(n.world, { source: "app", destination: "8.8.8.8" });
  assert.deepEqual(codes(a), ["NO_ROUTE_TO_DESTINATION"]);
  n.pubRt.routes = n.pubRt.routes.filter((r) => r.destinationCidr !== "::/0");
  n.world.changed();
  assert.deepEqual(codes(analyze(n.world, { source: "web", destination: INTERNET6 })), ["NO_ROUTE_TO_DESTINATION"]);
});

test("IPv6 through a transit gateway: propagated IPv6 blocks route it; an attachment without Ipv6Support drops it, named with its fix", () => {
  const n = seed({ v6PeerRoute: false });
  // A second dual-stack VPC in Tokyo, both attached to one gateway whose table both propagate to.
  const v2 = n.b.vpc(n.tk, "10.40.0.0/16");
  n.b.vpc6(n.tk, v2, "2600:1f00:4:400::/56");
  const s2 = n.b.subnet(n.tk, v2, "10.40.2.0/24");
  n.b.subnet6(s2, "2600:1f00:4:400::/64");
  const rt2 = n.b.routeTable(n.tk, v2, [s2]);
  const sg2 = n.b.sg(n.tk, v2, [{ proto: "-1", cidr6: "2600:1f00::/24" }, { egress: true, proto: "-1", cidr6: "::/0" }]);
  n.b.instance(n.tk, s2, "10.40.2.10", { sgs: [sg2], name: "far", ipv6: ["2600:1f00:4:400::10"] });
  const tgw = n.b.tgw(n.tk);
  const rtb = n.b.tgwTable(n.tk, tgw);
  const a1 = n.b.tgwAttach(n.tk, tgw, n.tv, [n.priv]);
  const a2 = n.b.tgwAttach(n.tk, tgw, v2, [s2]);
  rtb.associations.push(a1.id, a2.id);
  rtb.propagations.push(a1.id, a2.id);
  n.b.route(n.privRt, "2600:1f00:4:400::/56", { kind: "tgw", id: tgw.id });
  n.b.route(rt2, "::/0", { kind: "tgw", id: tgw.id });
  // Without Ipv6Support the packet cannot enter the gateway by the sender's attachment.
  const off = analyze(n.world, { source: "app", destination: "2600:1f00:4:400::10" });
  assert.deepEqual(codes(off), ["TGW_ATTACH_IPV6_SUPPORT_DISABLED"]);
  const e = off.explanations[0]!;
  assert.equal(e.transitGatewayAttachmentId, a1.id);
  assert.deepEqual(e.fixes?.[0]?.params, { TransitGatewayAttachmentId: a1.id, Options: { Ipv6Support: "enable" } });
  // Enabled on the sender's side only: the IPv6 block of v2 does not propagate, so no route covers it.
  a1.options.ipv6Support = "enable";
  n.world.changed();
  const unrouted = analyze(n.world, { source: "app", destination: "2600:1f00:4:400::10" });
  assert.deepEqual(codes(unrouted), ["TGW_RTB_CANNOT_ROUTE"]);
  assert.deepEqual(unrouted.explanations[0]!.fixes?.[0]?.params, { TransitGatewayAttachmentId: a2.id, Options: { Ipv6Support: "enable" } });
  // A static IPv6 route toward v2's attachment: the packet leaves by an attachment without Ipv6Support.
  rtb.routes.push({ destinationCidr: "2600:1f00:4:400::/56", attachmentId: a2.id, blackhole: false });
  n.world.changed();
  const exit = analyze(n.world, { source: "app", destination: "2600:1f00:4:400::10" });
  assert.deepEqual(codes(exit), ["TGW_ATTACH_IPV6_SUPPORT_DISABLED"]);
  assert.equal(exit.explanations[0]!.transitGatewayAttachmentId, a2.id);
  rtb.routes = [];
  a2.options.ipv6Support = "enable";
  n.world.changed();
  const ok = analyze(n.world, { source: "app", destination: "2600:1f00:4:400::10" });
  assert.equal(ok.verdict, "reachable", JSON.stringify(ok.explanations));
  assert.ok(ok.forward.some((h) => h.kind === "tgw-route-table" && h.route?.destinationCidr === "2600:1f00:4:400::/56"));
});

test("IPv6 through an appliance: the route to an interface forwards IPv6, and trace names the appliance by its IPv6 address", () => {
  const n = seed();
  const fw = n.b.instance(n.tk, n.pub, "10.20.1.50", { sgs: [n.tsg], name: "fw", sourceDestCheck: false, ipv6: ["2600:1f00:1:100::50"] });
  n.b.route(n.privRt, "2600:1f00:2:200::/56", { kind: "instance", id: fw.instance.id, eniId: fw.eni.id });
  n.privRt.routes = n.privRt.routes.filter((r) => !(r.destinationCidr === "2600:1f00:2:200::/56" && r.target.kind === "pcx"));
  n.world.changed();
  const a = analyze(n.world, { source: "app", destination: "2600:1f00:2:200::10" });
  assert.equal(a.verdict, "reachable", JSON.stringify(a.explanations));
  assert.ok(a.forward.some((h) => h.kind === "appliance" && h.id === fw.eni.id));
  assert.deepEqual(a.routerHops.map((h) => h.address), ["2600:1f00:1:100::50"]);
});
