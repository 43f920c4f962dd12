/**
 * The data plane's plan: vpclab's state → the set of network namespaces, veth links, addresses, routes,
 * policy rules and nftables rulesets that carry real packets the way the VPC rules say. Pure (no `ip`,
 * no root): apply.ts turns the difference between two plans into commands.
 *
 * Topology (every name starts with the server's prefix, `vpclab-<pid>-<hex4>-`):
 * - `i-…`: one namespace per running instance; `ethN` per attached ENI (device index N) carrying its
 *   private addresses (primary with the subnet's prefix, secondaries too) at the subnet's MTU (9001),
 *   default route via the subnet's router address (`.1`, as on AWS). Security groups are its nftables
 *   ruleset (stateful: conntrack `established,related` plus one accept per rule).
 * - `vpc-…`: one router namespace per VPC that has a running instance: a bridge per subnet holding
 *   the subnet's `.1`, the instances' veths enslaved to it; one kernel routing table per route table,
 *   chosen by `ip rule iif <subnet bridge>`; traffic arriving from a peering, an internet gateway or a
 *   transit gateway goes only to the VPC's own subnets (no transitive routing). Network ACLs are
 *   stateless nftables chains on the forward hook: outbound on leaving a subnet's bridge, inbound on
 *   entering one (traffic within one subnet is bridged and never sees them, as on AWS).
 * - `inet`: the simulated Internet, one namespace answering for every address it has no route for
 *   (`local 0.0.0.0/0`), with a route to each public IP vpclab assigned. Linked only to VPC routers
 *   whose VPC has an attached internet gateway; the IGW's 1:1 NAT (public ↔ private) is done by the
 *   VPC router's nftables on that link, and an instance without a public IP cannot use it.
 * - `tgw-…`: one namespace per transit gateway with a VPC attachment whose VPC has a router; one
 *   routing table per TGW route table (static and propagated routes), chosen by the arriving attachment.
 * Router-to-router links carry no IPv4 address: routes point at the peer's fixed IPv6 link-local
 *   address (`via inet6 fe80::2`), so overlapping VPC CIDRs never collide on a link.
 *
 * Nothing here ever names the host's own namespace: every link is created between two planned namespaces.
 */
import type { World, RegionState } from "../state/world.js";
import type {
  Instance,
  NetworkAcl,
  NetworkAclEntry,
  NetworkInterface,
  RouteTable,
  SecurityGroup,
  SecurityGroupRule,
  Subnet,
  Vpc,
  VpcPeeringConnection,
} from "../domain/types.js";
import { parseCidr } from "../domain/cidr.js";

export const MTU_VPC = 9001;
export const MTU_CROSS = 8500;
export const MTU_INTERNET = 1500;

export interface NsPlan {
  name: string;
  kind: "instance" | "router" | "internet" | "tgw";
  /** What the namespace stands for (instance, VPC, TGW id; "internet"). */
  of: string;
  /** Lines for `ip -n <ns> -batch -` after the links exist (bridges, addresses, up, routes, rules). */
  ip: string[];
  /** The whole nftables ruleset (empty: none). */
  nft: string;
  /** IPv4 forwarding (routers). */
  forward: boolean;
}

export interface LinkPlan {
  /** Stable identity of the link (`ns/dev`–`ns/dev`). */
  key: string;
  a: { ns: string; dev: string };
  b: { ns: string; dev: string };
  mtu: number;
  /** Emulated one-way delay in ms (netem), when the kernel has it. */
  delayMs?: number;
}

export interface InstanceView {
  id: string;
  account: string;
  region: string;
  name?: string;
  ns: string;
  hostname: string;
  privateIps: string[];
  publicIps: string[];
}

export interface Plan {
  namespaces: Map<string, NsPlan>;
  links: Map<string, LinkPlan>;
  instances: InstanceView[];
  /** Things the plan could not build, for the fidelity log (e.g. a NAT gateway route). */
  notes: string[];
}

/** The tail of an AWS id used in interface names (≤ 15 characters with a one-letter kind). */
export function short(id: string): string {
  const hex = id.slice(id.lastIndexOf("-") + 1);
  return hex.slice(-12);
}

export function nsName(prefix: string, kind: string, id: string): string {
  return kind === "" ? `${prefix}${id}` : `${prefix}${kind}-${id}`;
}

interface Ctx {
  world: World;
  prefix: string;
  plan: Plan;
  /** Private IPs of ENIs by security group id (for referenced groups), with the ENI's VPC. */
  groupMembers: Map<string, { ip: string; vpcId: string }[]>;
  /** Active peerings by VPC id. */
  peeringsOf: Map<string, VpcPeeringConnection[]>;
  /** VPCs that get a router namespace, by id. */
  routed: Map<string, { vpc: Vpc; rs: RegionState }>;
}

function hostnameOf(ip: string): string {
  return `ip-${ip.replaceAll(".", "-")}`;
}

function cidrOk(c: string | undefined): c is string {
  return c !== undefined && parseCidr(c) !== undefined;
}

/** The subnet's router address (.1) with the subnet's prefix, e.g. 10.20.1.1/24. */
function routerAddr(cidr: string): string {
  const c = parseCidr(cidr)!;
  const ip = (c.base + 1) >>> 0;
  return `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}/${c.prefix}`;
}

function gatewayOf(cidr: string): string {
  return routerAddr(cidr).split("/")[0]!;
}

function enisOf(rs: RegionState, inst: Instance): NetworkInterface[] {
  const out: NetworkInterface[] = [];
  for (const eni of rs.networkInterfaces.values()) {
    if (eni.attachment?.instanceId === inst.id && eni.attachment.status !== "detached") out.push(eni);
  }
  return out.sort((x, y) => (x.attachment!.deviceIndex - y.attachment!.deviceIndex) || x.id.localeCompare(y.id));
}

/** Public ↔ private mappings of one ENI (auto-assigned or elastic). */
function publicMappings(rs: RegionState, eni: NetworkInterface): { pub: string; priv: string }[] {
  const out = new Map<string, string>();
  if (eni.association) out.set(eni.association.privateIp, eni.association.publicIp);
  for (const eip of rs.addresses.values()) {
    if (eip.association?.networkInterfaceId === eni.id) out.set(eip.association.privateIp, eip.publicIp);
  }
  return [...out].map(([priv, pub]) => ({ priv, pub }));
}

function peeringActive(p: VpcPeeringConnection): boolean {
  return p.status.code === "active";
}

// ---------------------------------------------------------------- nftables text

function protoNum(p: string): number {
  switch (p.toLowerCase()) {
    case "-1":
    case "all":
      return -1;
    case "tcp":
      return 6;
    case "udp":
      return 17;
    case "icmp":
      return 1;
    case "icmpv6":
      return 58;
    default: {
      const n = Number(p);
      return Number.isInteger(n) && n >= 0 && n <= 255 ? n : -2;
    }
  }
}

/** The nftables match for a protocol with its ports (tcp/udp) or type/code (icmp); undefined: never matches. */
export function l4Match(proto: number, from: number, to: number): string | undefined {
  if (proto === -2 || proto === 58) return undefined;
  if (proto === -1) return "";
  if (proto === 6 || proto === 17) {
    const name = proto === 6 ? "tcp" : "udp";
    if (from === -1 && to === -1) return `meta l4proto ${name}`;
    if (from < 0 || to < 0 || to < from) return undefined;
    return from === to ? `${name} dport ${from}` : `${name} dport ${from}-${to}`;
  }
  if (proto === 1) {
    const parts = ["meta l4proto icmp"];
    if (from !== -1) parts.push(`icmp type ${from}`);
    if (to !== -1) parts.push(`icmp code ${to}`);
    return parts.join(" ");
  }
  return `meta l4proto ${proto}`;
}

function sgRuleLines(rule: SecurityGroupRule, dev: string, dir: "in" | "out", ctx: Ctx, ownVpc: string): string[] {
  const m = l4Match(protoNum(rule.ipProtocol), rule.fromPort, rule.toPort);
  if (m === undefined) return [];
  const addr = dir === "in" ? "ip saddr" : "ip daddr";
  const ifm = dir === "in" ? `iifname "${dev}"` : `oifname "${dev}"`;
  let peers: string[];
  if (rule.referencedGroup) {
    // A referenced group admits its members' private addresses, in this VPC or a peered one (not
    // across a transit gateway or an internet gateway: AWS keeps no group identity there).
    const peered = new Set((ctx.peeringsOf.get(ownVpc) ?? []).map((p) => (p.requester.vpcId === ownVpc ? p.accepter.vpcId : p.requester.vpcId)));
    peers = (ctx.groupMembers.get(rule.referencedGroup.groupId) ?? []).filter((x) => x.vpcId === ownVpc || peered.has(x.vpcId)).map((x) => x.ip);
    peers = [...new Set(peers)].sort();
    if (peers.length === 0) return [];
    return [`${ifm} ${addr} { ${peers.join(", ")} } ${m} accept`.replace(/ +/g, " ")];
  }
  if (!cidrOk(rule.cidrIpv4)) return []; // prefix lists and IPv6 never match (as in the engine)
  const c = rule.cidrIpv4 === "0.0.0.0/0" ? "" : `${addr} ${rule.cidrIpv4}`;
  return [`${ifm} ${c} ${m} accept`.replace(/ +/g, " ")];
}

function aclEntryLine(e: NetworkAclEntry, dir: "in" | "out"): string | undefined {
  const proto = protoNum(e.protocol);
  let from = -1;
  let to = -1;
  if ((proto === 6 || proto === 17) && e.portRange) {
    from = e.portRange.from;
    to = e.portRange.to;
  } else if (proto === 1 && e.icmp) {
    from = e.icmp.type;
    to = e.icmp.code;
  }
  const m = l4Match(proto, from, to);
  if (m === undefined || !cidrOk(e.cidrBlock)) return undefined;
  const addr = e.cidrBlock === "0.0.0.0/0" ? "" : `${dir === "in" ? "ip saddr" : "ip daddr"} ${e.cidrBlock}`;
  return `${addr} ${m} ${e.ruleAction === "allow" ? "return" : "drop"}`.replace(/ +/g, " ").trim();
}

function aclChain(name: string, acl: NetworkAcl | undefined, dir: "in" | "out"): string {
  const lines: string[] = [];
  if (acl) {
    const entries = acl.entries.filter((e) => e.egress === (dir === "out")).sort((x, y) => x.ruleNumber - y.ruleNumber);
    for (const e of entries) {
      const l = aclEntryLine(e, dir);
      if (l) lines.push(`    ${l}`);
    }
  }
  lines.push("    drop");
  return `  chain ${name} {\n${lines.join("\n")}\n  }`;
}

// ---------------------------------------------------------------- the plan

export function planDataplane(world: World, prefix: string): Plan {
  const plan: Plan = { namespaces: new Map(), links: new Map(), instances: [], notes: [] };
  const ctx: Ctx = { world, prefix, plan, groupMembers: new Map(), peeringsOf: new Map(), routed: new Map() };
  const running: { inst: Instance; rs: RegionState }[] = [];
  for (const rs of world.regionStates()) {
    for (const eni of rs.networkInterfaces.values()) {
      for (const g of eni.securityGroupIds) {
        let l = ctx.groupMembers.get(g);
        if (!l) ctx.groupMembers.set(g, (l = []));
        for (const p of eni.privateIps) l.push({ ip: p.address, vpcId: eni.vpcId });
      }
    }
    for (const inst of rs.instances.values()) {
      if (inst.state !== "running") continue;
      running.push({ inst, rs });
      const vpc = rs.vpcs.get(inst.vpcId);
      if (vpc) ctx.routed.set(vpc.id, { vpc, rs });
    }
  }
  for (const p of world.peerings.values()) {
    if (!peeringActive(p)) continue;
    for (const v of [p.requester.vpcId, p.accepter.vpcId]) {
      let l = ctx.peeringsOf.get(v);
      if (!l) ctx.peeringsOf.set(v, (l = []));
      l.push(p);
    }
  }
  running.sort((x, y) => x.inst.id.localeCompare(y.inst.id));
  const routedIds = [...ctx.routed.keys()].sort();
  // Routers first (instances link to them).
  const routers = new Map<string, RouterBuild>();
  for (const vpcId of routedIds) routers.set(vpcId, newRouter(ctx, vpcId));
  const internet = { ns: nsName(prefix, "", "inet"), ip: [] as string[], used: false };
  // Instances.
  for (const { inst, rs } of running) planInstance(ctx, inst, rs, routers.get(inst.vpcId)!);
  // Peerings (both VPCs routed, active).
  for (const p of [...world.peerings.values()].sort((x, y) => x.id.localeCompare(y.id))) {
    if (!peeringActive(p)) continue;
    const a = routers.get(p.requester.vpcId);
    const b = routers.get(p.accepter.vpcId);
    if (!a || !b) continue;
    const dev = `p${short(p.id)}`;
    const inter = p.requester.region !== p.accepter.region;
    addLink(plan, { ns: a.ns, dev }, { ns: b.ns, dev }, inter ? MTU_CROSS : MTU_VPC);
    a.ip.push(`address add fe80::1/64 dev ${dev} nodad`);
    b.ip.push(`address add fe80::2/64 dev ${dev} nodad`);
    a.gw.set(`pcx:${p.id}`, { dev, via: "fe80::2" });
    b.gw.set(`pcx:${p.id}`, { dev, via: "fe80::1" });
    a.ingressDevs.push(dev);
    b.ingressDevs.push(dev);
    if (inter) {
      const link = plan.links.get(linkKey({ ns: a.ns, dev }, { ns: b.ns, dev }))!;
      link.delayMs = interRegionDelay(p.requester.region, p.accepter.region);
    }
  }
  // Internet gateways.
  for (const vpcId of routedIds) {
    const r = routers.get(vpcId)!;
    const igw = [...r.rs.internetGateways.values()].find((g) => g.attachments.some((a) => a.vpcId === vpcId && a.state === "available"));
    if (!igw) continue;
    internet.used = true;
    const inetDev = `v${short(vpcId)}`;
    addLink(plan, { ns: r.ns, dev: "igw" }, { ns: internet.ns, dev: inetDev }, MTU_INTERNET);
    r.ip.push("address add fe80::1/64 dev igw nodad");
    internet.ip.push(`link set ${inetDev} up`, `address add fe80::2/64 dev ${inetDev} nodad`);
    r.gw.set(`igw:${igw.id}`, { dev: "igw", via: "fe80::2" });
    r.ingressDevs.push("igw");
    r.igw = true;
    for (const { pub } of r.nat) internet.ip.push(`route add ${pub}/32 via inet6 fe80::1 dev ${inetDev}`);
  }
  // Transit gateways (VPC attachments whose VPC is routed).
  planTgws(ctx, routers);
  for (const r of routers.values()) finishRouter(ctx, r);
  if (internet.used) {
    internet.ip.push("link set lo up");
    // Answers for every address it has no route for; never for the private ranges.
    internet.ip.push("route add local 0.0.0.0/0 dev lo table main");
    for (const c of ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"]) internet.ip.push(`route add blackhole ${c}`);
    plan.namespaces.set(internet.ns, { name: internet.ns, kind: "internet", of: "internet", ip: internet.ip, nft: "", forward: true });
  }
  return plan;
}

/** One-way netem delay for a link between two regions: half the measured round trip. */
let rttOf: ((a: string, b: string) => number | undefined) | undefined;
export function setRttSource(f: (a: string, b: string) => number | undefined): void {
  rttOf = f;
}
function interRegionDelay(a: string, b: string): number | undefined {
  const rtt = rttOf?.(a, b);
  return rtt === undefined ? undefined : Math.round((rtt / 2) * 100) / 100;
}

function linkKey(a: { ns: string; dev: string }, b: { ns: string; dev: string }): string {
  return `${a.ns}/${a.dev}=${b.ns}/${b.dev}`;
}

function addLink(plan: Plan, a: { ns: string; dev: string }, b: { ns: string; dev: string }, mtu: number): void {
  const key = linkKey(a, b);
  plan.links.set(key, { key, a, b, mtu });
}

interface RouterBuild {
  ns: string;
  vpc: Vpc;
  rs: RegionState;
  ip: string[];
  /** Route targets → the device and next hop that carry them. */
  gw: Map<string, { dev: string; via: string }>;
  /** Links whose traffic may only go to this VPC's subnets. */
  ingressDevs: string[];
  /** Subnets (available) of the VPC, by id, with their bridge. */
  subnets: Map<string, { subnet: Subnet; br: string }>;
  /** 1:1 NAT of the internet gateway. */
  nat: { pub: string; priv: string }[];
  igw: boolean;
}

function newRouter(ctx: Ctx, vpcId: string): RouterBuild {
  const { vpc, rs } = ctx.routed.get(vpcId)!;
  const ns = nsName(ctx.prefix, "", vpcId);
  const r: RouterBuild = { ns, vpc, rs, ip: ["link set lo up"], gw: new Map(), ingressDevs: [], subnets: new Map(), nat: [], igw: false };
  for (const s of [...rs.subnets.values()].filter((s) => s.vpcId === vpcId && cidrOk(s.cidr)).sort((x, y) => x.id.localeCompare(y.id))) {
    const br = `s${short(s.id)}`;
    r.subnets.set(s.id, { subnet: s, br });
    r.ip.push(`link add ${br} mtu ${MTU_VPC} type bridge forward_delay 0`, `address add ${routerAddr(s.cidr)} dev ${br}`, `link set ${br} up`);
  }
  return r;
}

function planInstance(ctx: Ctx, inst: Instance, rs: RegionState, router: RouterBuild): void {
  const ns = nsName(ctx.prefix, "", inst.id);
  const ip: string[] = ["link set lo up"];
  const inRules: string[] = [];
  const outRules: string[] = [];
  const privateIps: string[] = [];
  const publicIps: string[] = [];
  let defaultSet = false;
  for (const eni of enisOf(rs, inst)) {
    const sub = router.subnets.get(eni.subnetId);
    if (!sub) continue;
    const dev = `eth${eni.attachment!.deviceIndex}`;
    const rdev = `e${short(eni.id)}`;
    addLink(ctx.plan, { ns: router.ns, dev: rdev }, { ns, dev }, MTU_VPC);
    router.ip.push(`link set ${rdev} master ${sub.br}`, `link set ${rdev} up`);
    const prefixLen = parseCidr(sub.subnet.cidr)!.prefix;
    const ips = [...eni.privateIps].sort((x, y) => Number(y.primary) - Number(x.primary));
    for (const p of ips) {
      ip.push(`address add ${p.address}/${prefixLen} dev ${dev}${p.primary ? "" : " noprefixroute"}`);
      privateIps.push(p.address);
    }
    ip.push(`link set ${dev} up`);
    if (!defaultSet && eni.attachment!.deviceIndex === 0) {
      ip.push(`route add default via ${gatewayOf(sub.subnet.cidr)} dev ${dev}`);
      defaultSet = true;
    }
    for (const m of publicMappings(rs, eni)) {
      router.nat.push(m);
      publicIps.push(m.pub);
    }
    for (const gid of eni.securityGroupIds) {
      const g: SecurityGroup | undefined = rs.securityGroups.get(gid);
      if (!g) continue;
      for (const rule of g.rules) {
        if (rule.isEgress) outRules.push(...sgRuleLines(rule, dev, "out", ctx, inst.vpcId));
        else inRules.push(...sgRuleLines(rule, dev, "in", ctx, inst.vpcId));
      }
    }
  }
  const nft = [
    "table inet vpclab_sg {",
    "  chain input {",
    "    type filter hook input priority 0; policy drop;",
    '    iifname "lo" accept',
    "    ct state established,related accept",
    ...[...new Set(inRules)].map((l) => `    ${l}`),
    "  }",
    "  chain output {",
    "    type filter hook output priority 0; policy drop;",
    '    oifname "lo" accept',
    "    ct state established,related accept",
    ...[...new Set(outRules)].map((l) => `    ${l}`),
    "  }",
    "}",
  ].join("\n");
  ctx.plan.namespaces.set(ns, { name: ns, kind: "instance", of: inst.id, ip, nft, forward: false });
  ctx.plan.instances.push({
    id: inst.id,
    account: inst.ownerId,
    region: inst.region,
    name: inst.tags.get("Name"),
    ns,
    hostname: hostnameOf(privateIps[0] ?? inst.id),
    privateIps,
    publicIps,
  });
}

function mainTable(rs: RegionState, vpcId: string): RouteTable | undefined {
  for (const rt of rs.routeTables.values()) if (rt.vpcId === vpcId && rt.associations.some((a) => a.main)) return rt;
  return undefined;
}

function finishRouter(ctx: Ctx, r: RouterBuild): void {
  const tables = [...r.rs.routeTables.values()].filter((t) => t.vpcId === r.vpc.id).sort((x, y) => x.id.localeCompare(y.id));
  const tableNo = new Map(tables.map((t, i) => [t.id, 100 + i]));
  const main = mainTable(r.rs, r.vpc.id);
  const vpcCidrs = r.vpc.cidrBlocks.filter((c) => c.state === "associated" && cidrOk(c.cidr)).map((c) => c.cidr);
  // Table 50: the VPC's own subnets only (traffic that arrived over a peering, an IGW or a TGW).
  const local = (table: number) => {
    const out: string[] = [];
    for (const { subnet, br } of r.subnets.values()) out.push(`route add ${subnet.cidr} dev ${br} table ${table}`);
    for (const c of vpcCidrs) out.push(`route add blackhole ${c} table ${table}`);
    return out;
  };
  // Links up before the routes that use them (a route via a link that is down is refused).
  for (const dev of r.ingressDevs) r.ip.push(`link set ${dev} up`);
  r.ip.push(...local(50), "route add blackhole default table 50");
  for (const t of tables) {
    const n = tableNo.get(t.id)!;
    const seen = new Set<string>();
    let hasDefault = false;
    for (const route of t.routes) {
      const dst = route.destinationCidr;
      if (!cidrOk(dst) || seen.has(dst)) continue;
      if (route.target.kind === "local") continue;
      seen.add(dst);
      if (dst === "0.0.0.0/0") hasDefault = true;
      const tk = route.target.kind;
      const g = tk === "pcx" || tk === "igw" || tk === "tgw" ? r.gw.get(`${tk}:${route.target.id}`) : undefined;
      if (g) r.ip.push(`route add ${dst} via inet6 ${g.via} dev ${g.dev} table ${n}`);
      else {
        r.ip.push(`route add blackhole ${dst} table ${n}`);
        if (tk === "nat" || tk === "eni" || tk === "instance" || tk === "vgw" || tk === "eigw") ctx.plan.notes.push(`route ${dst} → ${route.target.id} in ${t.id}: ${tk} targets are not modelled in the data plane (dropped)`);
      }
    }
    const dstOf = (l: string) => {
      const w = l.split(" ");
      return w[2] === "blackhole" ? w[3]! : w[2]!;
    };
    r.ip.push(...local(n).filter((l) => !seen.has(dstOf(l))));
    if (!hasDefault) r.ip.push(`route add blackhole default table ${n}`);
  }
  let pref = 1000;
  for (const { subnet, br } of r.subnets.values()) {
    const explicit = tables.find((t) => t.associations.some((a) => a.subnetId === subnet.id));
    const t = explicit ?? main;
    r.ip.push(`rule add pref ${pref++} iif ${br} lookup ${t ? tableNo.get(t.id)! : 50}`);
  }
  for (const dev of r.ingressDevs) r.ip.push(`rule add pref ${pref++} iif ${dev} lookup 50`);
  // nftables: NACLs on the forward hook, the IGW's NAT on its link.
  const aclOf = (s: Subnet) => {
    for (const acl of r.rs.networkAcls.values()) if (acl.associations.some((a) => a.subnetId === s.id)) return acl;
    return [...r.rs.networkAcls.values()].find((a) => a.vpcId === r.vpc.id && a.isDefault);
  };
  const chains: string[] = [];
  const fwd: string[] = [];
  for (const { subnet, br } of r.subnets.values()) {
    const acl = aclOf(subnet);
    chains.push(aclChain(`out_${br}`, acl, "out"), aclChain(`in_${br}`, acl, "in"));
    fwd.push(`    iifname "${br}" jump out_${br}`, `    oifname "${br}" jump in_${br}`);
  }
  const nat = [...new Map(r.nat.map((m) => [m.priv, m])).values()].sort((x, y) => x.priv.localeCompare(y.priv));
  if (r.igw) {
    // The IGW forwards only for addresses it maps (an instance without a public IP has no way out).
    const privs = nat.map((m) => m.priv);
    fwd.push(privs.length > 0 ? `    oifname "igw" ip saddr != { ${privs.join(", ")} } drop` : '    oifname "igw" drop');
  }
  const lines = ["table inet vpclab_acl {", ...chains, "  chain forward {", "    type filter hook forward priority 0; policy accept;", ...fwd, "  }", "}"];
  if (r.igw && nat.length > 0) {
    lines.push(
      "table ip vpclab_igw {",
      "  chain pre {",
      "    type nat hook prerouting priority -100;",
      ...nat.map((m) => `    iifname "igw" ip daddr ${m.pub} dnat to ${m.priv}`),
      "  }",
      "  chain post {",
      "    type nat hook postrouting priority 100;",
      ...nat.map((m) => `    oifname "igw" ip saddr ${m.priv} snat to ${m.pub}`),
      "  }",
      "}",
    );
  }
  ctx.plan.namespaces.set(r.ns, { name: r.ns, kind: "router", of: r.vpc.id, ip: r.ip, nft: lines.join("\n"), forward: true });
}

function planTgws(ctx: Ctx, routers: Map<string, RouterBuild>): void {
  for (const rs of ctx.world.regionStates()) {
    for (const tgw of [...rs.transitGateways.values()].sort((x, y) => x.id.localeCompare(y.id))) {
      if (tgw.state !== "available") continue;
      const atts = [...rs.tgwAttachments.values()]
        .filter((a) => a.transitGatewayId === tgw.id && a.state === "available" && routers.has(a.vpcId))
        .sort((x, y) => x.id.localeCompare(y.id));
      if (atts.length === 0) continue;
      const ns = nsName(ctx.prefix, "", tgw.id);
      const ip: string[] = ["link set lo up"];
      const devOf = new Map<string, string>();
      for (const a of atts) {
        const r = routers.get(a.vpcId)!;
        const rdev = `t${short(a.id)}`;
        const tdev = `a${short(a.id)}`;
        devOf.set(a.id, tdev);
        addLink(ctx.plan, { ns: r.ns, dev: rdev }, { ns, dev: tdev }, MTU_CROSS);
        r.ip.push(`address add fe80::1/64 dev ${rdev} nodad`);
        r.gw.set(`tgw:${tgw.id}`, { dev: rdev, via: "fe80::2" });
        r.ingressDevs.push(rdev);
        ip.push(`link set ${tdev} up`, `address add fe80::2/64 dev ${tdev} nodad`);
      }
      const tables = [...rs.tgwRouteTables.values()].filter((t) => t.transitGatewayId === tgw.id && t.state === "available").sort((x, y) => x.id.localeCompare(y.id));
      let pref = 1000;
      tables.forEach((t, i) => {
        const n = 100 + i;
        const seen = new Set<string>();
        for (const s of t.routes) {
          if (!cidrOk(s.destinationCidr) || seen.has(s.destinationCidr)) continue;
          const dev = s.attachmentId ? devOf.get(s.attachmentId) : undefined;
          if (s.blackhole || !dev) {
            if (s.blackhole || s.attachmentId) {
              seen.add(s.destinationCidr);
              ip.push(`route add blackhole ${s.destinationCidr} table ${n}`);
            }
            continue;
          }
          seen.add(s.destinationCidr);
          ip.push(`route add ${s.destinationCidr} via inet6 fe80::1 dev ${dev} table ${n}`);
        }
        for (const attId of t.propagations) {
          const a = rs.tgwAttachments.get(attId);
          const dev = devOf.get(attId);
          if (!a || !dev) continue;
          const vpc = rs.vpcs.get(a.vpcId);
          for (const c of vpc?.cidrBlocks ?? []) {
            if (c.state !== "associated" || !cidrOk(c.cidr) || seen.has(c.cidr)) continue;
            seen.add(c.cidr);
            ip.push(`route add ${c.cidr} via inet6 fe80::1 dev ${dev} table ${n}`);
          }
        }
        ip.push(`route add blackhole default table ${n}`);
        for (const attId of t.associations) {
          const dev = devOf.get(attId);
          if (dev) ip.push(`rule add pref ${pref++} iif ${dev} lookup ${n}`);
        }
      });
      // An attachment associated with no route table forwards nothing.
      ip.push("route add blackhole default");
      ctx.plan.namespaces.set(ns, { name: ns, kind: "tgw", of: tgw.id, ip, nft: "", forward: true });
    }
  }
}
