/**
 * The data plane's pure parts: the plan compiled from a world (no root needed), the nftables matches,
 * and which namespaces `vpclab dataplane cleanup` may remove.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { NetBuilder } from "../engine/builder.js";
import { l4Match, planDataplane, MTU_CROSS, MTU_INTERNET, MTU_VPC } from "./plan.js";
import { deadServerNamespaces } from "./index.js";
import { pickInstance } from "../cli/dataplane.js";
import { nftScript, undo } from "./apply.js";

const P = "vpclab-42-abcd-";

function world() {
  const b = new NetBuilder();
  const tk = b.rs("ap-northeast-1");
  const sgp = b.rs("ap-southeast-1");
  const tv = b.vpc(tk, "10.20.0.0/16");
  const ts = b.subnet(tk, tv, "10.20.1.0/24");
  const sv = b.vpc(sgp, "172.31.0.0/16");
  const ss = b.subnet(sgp, sv, "172.31.0.0/20");
  const pcx = b.peering({ rs: tk, vpc: tv }, { rs: sgp, vpc: sv });
  b.route(b.mainRt(tk, tv), "172.31.0.0/16", { kind: "pcx", id: pcx.id });
  const igw = b.igw(sgp, sv, b.mainRt(sgp, sv));
  const tsg = b.sg(tk, tv, [{ proto: "icmp", from: -1, to: -1, cidr: "172.31.0.0/16" }]);
  const ssg = b.sg(sgp, sv, [{ proto: "tcp", from: 8080, to: 8080, cidr: "10.20.0.0/16" }]);
  const t = b.instance(tk, ts, "10.20.1.4", { sgs: [tsg], name: "tokyo-box" });
  const s = b.instance(sgp, ss, "172.31.0.4", { sgs: [ssg], name: "singapore-box", publicIp: "3.0.0.9" });
  b.instance(sgp, ss, "172.31.0.5", { state: "stopped" });
  return { b, tv, sv, pcx, igw, t, s };
}

test("plan: a namespace per running instance and per VPC router, the simulated Internet, links with their MTUs", () => {
  const { b, tv, sv, pcx, t, s } = world();
  const plan = planDataplane(b.world, P);
  const names = [...plan.namespaces.keys()].sort();
  assert.deepEqual(names, [`${P}${t.instance.id}`, `${P}${s.instance.id}`, `${P}inet`, `${P}${tv.id}`, `${P}${sv.id}`].sort());
  for (const n of names) assert.ok(n.startsWith(P));
  const mtus = new Map([...plan.links.values()].map((l) => [l.a.dev, l.mtu]));
  assert.equal(mtus.get(`p${pcx.id.slice(-12)}`), MTU_CROSS, "inter-region peering: 8500");
  assert.equal(mtus.get("igw"), MTU_INTERNET);
  assert.equal(mtus.get(`e${t.eni.id.slice(-12)}`), MTU_VPC);
  // Every link joins two planned namespaces: nothing in the host's.
  for (const l of plan.links.values()) assert.ok(plan.namespaces.has(l.a.ns) && plan.namespaces.has(l.b.ns));
  const inst = plan.namespaces.get(`${P}${t.instance.id}`)!;
  assert.ok(inst.ip.includes("address add 10.20.1.4/24 dev eth0 noprefixroute"));
  assert.ok(inst.ip.includes("route add default via 10.20.1.1 dev eth0 onlink"));
  assert.ok(inst.ip.includes("route add 10.20.1.0/24 via 10.20.1.1 dev eth0 onlink"));
  assert.equal(inst.nft, "", "security groups are enforced at the router's port");
  const tokyo = plan.namespaces.get(`${P}${tv.id}`)!;
  const port = `e${t.eni.id.slice(-12)}`;
  assert.ok(tokyo.ip.includes(`route add 10.20.1.4/32 dev ${port} table 50`));
  assert.ok(tokyo.ip.includes(`address add 10.20.1.1/32 dev ${port}`));
  assert.ok(tokyo.ip.some((l) => l.startsWith("route add 172.31.0.0/16 via inet6 fe80::2 dev p")), tokyo.ip.join("\n"));
  // Established flows skip the security groups (stateful) but meet the receiver's network ACL; new ones
  // meet the sender's group before the receiver's network ACL (AWS's order, for the flow records).
  assert.match(tokyo.nft, /ct state established,related goto fwd_est/);
  assert.match(tokyo.nft, /chain fwd_est \{\n(    meta oifgroup \d+ meta iifgroup != \d+ jump in_s\w+\n)+    accept\n  \}/);
  const fwd = tokyo.nft.slice(tokyo.nft.indexOf("chain forward {"));
  assert.ok(fwd.indexOf("iifname vmap @eout") < fwd.indexOf("jump in_s") && fwd.indexOf("jump in_s") < fwd.indexOf("oifname vmap @ein"), fwd);
  // The group's ingress chain, the port's chain jumping to it, the map from port to chain.
  const gi = tokyo.parts.get(`gi_${t.eni.securityGroupIds[0]!.slice(-12)}`)!;
  assert.deepEqual(gi.body, ["ip saddr 172.31.0.0/16 meta l4proto icmp meta mark set 1 return"]);
  assert.deepEqual(tokyo.parts.get(`ei_${port}`)!.body, [`jump gi_${t.eni.securityGroupIds[0]!.slice(-12)}`, "meta mark != 1 goto rej_i"]);
  assert.deepEqual(tokyo.parts.get("ein")!.body, [`"${port}" : jump ei_${port}`]);
  // The IGW's 1:1 NAT in Singapore's router, and no way out for Tokyo (no IGW).
  const singapore = plan.namespaces.get(`${P}${sv.id}`)!;
  assert.match(singapore.nft, /iifname "igw" dnat ip to ip daddr map @pub2priv/);
  assert.deepEqual(singapore.parts.get("pub2priv")!.body, ["3.0.0.9 : 172.31.0.4"]);
  assert.deepEqual(singapore.parts.get("priv2pub")!.body, ["172.31.0.4 : 3.0.0.9"]);
  assert.ok(!tokyo.ip.some((l) => l.includes("igw")));
  const inet = plan.namespaces.get(`${P}inet`)!;
  assert.ok(inet.ip.some((l) => l.startsWith("route add 3.0.0.9/32 via inet6 fe80::1")));
  assert.ok(inet.ip.includes("route add blackhole 10.0.0.0/8"));
  assert.deepEqual(
    plan.instances.map((i) => i.name).sort(),
    ["singapore-box", "tokyo-box"],
  );
});

test("plan: an inactive peering gives no link; its route becomes a blackhole", () => {
  const { b, pcx, tv } = world();
  pcx.status = { code: "deleted", message: "" };
  b.world.changed();
  const plan = planDataplane(b.world, P);
  assert.ok(![...plan.links.values()].some((l) => l.a.dev.startsWith("p")));
  assert.ok(plan.namespaces.get(`${P}${tv.id}`)!.ip.some((l) => l.startsWith("route add blackhole 172.31.0.0/16 table ")));
});

test("l4Match: protocols, ports, ICMP type and code", () => {
  assert.equal(l4Match(-1, -1, -1), "");
  assert.equal(l4Match(6, 80, 80), "tcp dport 80");
  assert.equal(l4Match(17, 1000, 2000), "udp dport 1000-2000");
  assert.equal(l4Match(6, -1, -1), "meta l4proto tcp");
  assert.equal(l4Match(1, 8, -1), "meta l4proto icmp icmp type 8");
  assert.equal(l4Match(1, -1, -1), "meta l4proto icmp");
  assert.equal(l4Match(47, -1, -1), "meta l4proto 47");
  assert.equal(l4Match(58, -1, -1), undefined);
  assert.equal(l4Match(6, 90, 80), undefined);
});

test("cleanup takes only namespaces of vpclab servers whose process is gone", () => {
  const names = ["vpclab-100-abcd-inet", "vpclab-200-beef-i-0123", "vpclab-notours", "other", "vpclab-300-12-x"];
  assert.deepEqual(deadServerNamespaces(names, (pid) => pid === 200), ["vpclab-100-abcd-inet"]);
});

test("exec's instance lookup: id, Name tag, private IP; ambiguity is an error", () => {
  const v = (id: string, name: string, region: string, ip: string) => ({ id, name, region, account: "0", ns: `${P}${id}`, hostname: "", privateIps: [ip], publicIps: [] });
  const all = [v("i-1", "web", "eu-west-1", "10.0.0.4"), v("i-2", "web", "us-east-1", "10.0.0.4"), v("i-3", "db", "us-east-1", "10.1.0.4")];
  assert.equal(pickInstance(all, "i-2").id, "i-2");
  assert.equal(pickInstance(all, "db").id, "i-3");
  assert.equal(pickInstance(all, "web", "us-east-1").id, "i-2");
  assert.throws(() => pickInstance(all, "web"), /names 2 running instances/);
  assert.throws(() => pickInstance(all, "nope"), /no running instance 'nope'/);
});

test("apply undoes a line that left the plan", () => {
  assert.equal(undo("route add 10.0.0.0/16 via inet6 fe80::2 dev p1 table 100"), "route del 10.0.0.0/16 via inet6 fe80::2 dev p1 table 100");
  assert.equal(undo("route add blackhole default table 50"), "route del blackhole default table 50");
  assert.equal(undo("address add fe80::1/64 dev p1 nodad"), "address del fe80::1/64 dev p1");
  assert.equal(undo("address add 10.0.0.5/24 dev eth0 noprefixroute"), "address del 10.0.0.5/24 dev eth0");
  assert.equal(undo("rule add pref 1000 iif s1 lookup 100"), "rule del pref 1000 iif s1 lookup 100");
  assert.equal(undo("route add throw 10.0.0.0/16 table 100"), "route del throw 10.0.0.0/16 table 100");
  assert.equal(undo("link add s1 mtu 9001 type bridge forward_delay 0"), "link del s1");
  assert.equal(undo("link set e1 master s1"), "link set e1 nomaster");
  assert.equal(undo("link set e1 up"), undefined);
});

test("a security-group rule change rewrites only the group's chain (one nft transaction per router)", () => {
  const { b, t, tv } = world();
  const before = planDataplane(b.world, P).namespaces.get(`${P}${tv.id}`)!;
  const g = [...b.world.regionStates()].flatMap((rs) => [...rs.securityGroups.values()]).find((x) => x.id === t.eni.securityGroupIds[0])!;
  g.rules.push({ ...g.rules[0]!, ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "10.0.0.0/8" });
  b.world.changed();
  const after = planDataplane(b.world, P).namespaces.get(`${P}${tv.id}`)!;
  const script = nftScript(before, after, false)!;
  const chain = `gi_${g.id.slice(-12)}`;
  assert.deepEqual(script.trim().split("\n"), [
    `add chain inet vpclab ${chain}`,
    `flush chain inet vpclab ${chain}`,
    `add rule inet vpclab ${chain} ip saddr 172.31.0.0/16 meta l4proto icmp meta mark set 1 return`,
    `add rule inet vpclab ${chain} ip saddr 10.0.0.0/8 tcp dport 22 meta mark set 1 return`,
  ]);
  assert.equal(nftScript(after, after, false), undefined, "nothing changed: nothing to run");
  assert.match(nftScript(undefined, after, true)!, /^flush ruleset\ntable inet vpclab \{/);
});
