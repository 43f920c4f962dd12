/**
 * The data plane's plan: vpclab's state → the set of network namespaces, veth links, addresses, routes,
 * policy rules and nftables rulesets that carry real packets the way the VPC rules say. Pure (no `ip`,
 * no root): apply.ts turns the difference between two plans into commands.
 *
 * Topology (every name starts with the server's prefix, `vpclab-<pid>-<hex4>-`):
 * - `i-…`: one namespace per running instance; `ethN` per attached ENI (device index N) carrying its
 *   private addresses (primary and secondaries, the subnet's prefix with `noprefixroute`) at the
 *   subnet's MTU (9001); the subnet and the default route go via the subnet's router address (`.1`, as
 *   on AWS), so every packet crosses the router's port. No ruleset of its own; an appliance (source/dest
 *   check off) forwards (ip_forward=1).
 * - `vpc-…`: one router namespace per VPC that has a running instance: a routed port per ENI (holding
 *   the subnet's `.1/32`, interface group = the subnet's number), a host route per ENI address in table
 *   50; one kernel routing table per route table, chosen by `ip rule iif <port>` (the local route a
 *   `throw` on to table 50; within a subnet straight to table 50); traffic arriving from a peering, an
 *   internet gateway or a transit gateway goes only to the VPC's own addresses (no transitive routing).
 *   nftables table `inet vpclab`: network ACLs as stateless chains on the forward hook (on leaving and
 *   entering a subnet's ports, never between two ports of one subnet), then security groups (stateful:
 *   conntrack, then the sender port's egress and the receiver port's ingress), as named chains, sets and
 *   maps that apply.ts updates one by one.
 * - `inet`: the simulated Internet, one namespace answering for every address it has no route for
 *   (`local 0.0.0.0/0`), with a route to each public IP vpclab assigned. Linked only to VPC routers
 *   whose VPC has an attached internet gateway; the IGW's 1:1 NAT (public ↔ private) is done by the
 *   VPC router's nftables on that link, and an instance without a public IP cannot use it.
 * - `tgw-…`: one namespace per transit gateway with a VPC attachment whose VPC has a router or an
 *   available peering attachment (a link to the peer gateway's namespace); one routing table per TGW
 *   route table (the engine's effective routes), chosen by the arriving attachment. A VPC router sends
 *   to the gateway only from subnets in the Availability Zones of the attachment's subnets.
 * - `nat-…`: one namespace per available NAT gateway (in a VPC with a router): its interface on a router
 *   port like an ENI (no security groups), snat to its primary private address, no inbound connections.
 * - `vpce-…`: a gateway endpoint's service (answers for the service's prefix-list addresses), linked to
 *   the VPC router; the route tables' prefix-list routes to the endpoint lead there. `eni-…`: an interface
 *   endpoint's network interface on a router port with the endpoint's security groups.
 * - `vgw-…`: a virtual private gateway's on-premises networks (its VPN connections' static routes),
 *   linked to the VPC router (MTU 1446).
 * Router-to-router links carry no IPv4 address: routes point at the peer's fixed IPv6 link-local
 *   address (`via inet6 fe80::2`), so overlapping VPC CIDRs never collide on a link.
 *
 * Nothing here ever names the host's own namespace: every link is created between two planned namespaces.
 */
import type { World, RegionState } from "../state/world.js";
import type {
  Instance,
  NatGateway,
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
import { containsIp, parseCidr } from "../domain/cidr.js";
import { effectiveRoutes } from "../domain/transit-gateways.js";
import { awsPrefixLists, prefixListCidrs } from "../domain/prefix-lists.js";
import { vpnStaticRoutes } from "../domain/vpn.js";

export const MTU_VPC = 9001;
export const MTU_CROSS = 8500;
export const MTU_INTERNET = 1500;
/** AWS Site-to-Site VPN's MTU (as engine/vpn.ts). */
export const MTU_VPN = 1446;

export interface NsPlan {
  name: string;
  kind: "instance" | "router" | "internet" | "tgw" | "nat" | "endpoint" | "service" | "onprem";
  /** What the namespace stands for (instance, VPC, TGW id; "internet"). */
  of: string;
  /** Lines for `ip -n <ns> -batch -` after the links exist (bridges, addresses, up, routes, rules). */
  ip: string[];
  /** The nftables ruleset's skeleton, table `inet vpclab` (empty: none); rewritten whole when it changes. */
  nft: string;
  /** Named sets, maps and chains of that table, updated one by one (a change touches only what changed). */
  parts: Map<string, NftPart>;
  /** IPv4 forwarding (routers). */
  forward: boolean;
  /** sysctls of an instance's namespace (an appliance whose source/destination check is off forwards). */
  sysctl: string[];
  /** A router's ports: device → the network interface (ENI id) behind it (kernel flow records, flows.ts). */
  ports?: Record<string, { eni: string; account: string; region: string }>;
}

/**
 * One named object of table `inet vpclab`: a set or map whose elements change (`elements`: declared in
 * the skeleton; `set`: declared here), or a chain whose rules change. `order` sequences creation
 * (ascending: sets before the chains that use them, chains before the maps that jump to them) and
 * deletion (descending).
 */
export interface NftPart {
  kind: "set" | "elements" | "chain";
  order: number;
  /** `set` / `map` (for `flush`), and the declaration's body for a `set` part. */
  what?: "set" | "map";
  decl?: string;
  /** Elements, or rules. */
  body: string[];
}

const T = "inet vpclab";

/** The nft commands that make part `name` as planned (create if missing, then replace its content). */
export function partCommands(name: string, p: NftPart): string[] {
  if (p.kind === "chain") return [`add chain ${T} ${name}`, `flush chain ${T} ${name}`, ...p.body.map((r) => `add rule ${T} ${name} ${r}`)];
  const what = p.what ?? "set";
  const out = p.kind === "set" ? [`add ${what} ${T} ${name} { ${p.decl} }`] : [];
  out.push(`flush ${what} ${T} ${name}`);
  if (p.body.length > 0) out.push(`add element ${T} ${name} { ${p.body.join(", ")} }`);
  return out;
}

export function partDelete(name: string, p: NftPart): string | undefined {
  if (p.kind === "elements") return undefined;
  return p.kind === "chain" ? `delete chain ${T} ${name}` : `delete ${p.what ?? "set"} ${T} ${name}`;
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
  /** Things the plan could not build, for the fidelity log (e.g. a route to a VGW). */
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

/**
 * A security-group rule as a rule of the group's chain in the router (`go_…` egress, `gi_…` ingress):
 * a match marks the packet (`meta mark set 1`) and returns; the ENI's chain drops what no group marked.
 * A referenced group matches the addresses in the router's set `r_<group>` (its members in this VPC or a
 * peered one). Undefined: the rule never matches (prefix lists, IPv6, an unknown protocol).
 */
function sgRule(rule: SecurityGroupRule, dir: "in" | "out"): { line: string; ref?: string } | undefined {
  const m = l4Match(protoNum(rule.ipProtocol), rule.fromPort, rule.toPort);
  if (m === undefined) return undefined;
  const addr = dir === "in" ? "ip saddr" : "ip daddr";
  if (rule.referencedGroup) {
    const ref = rule.referencedGroup.groupId;
    return { line: `${addr} @r_${short(ref)} ${m} meta mark set 1 return`.replace(/ +/g, " "), ref };
  }
  if (!cidrOk(rule.cidrIpv4)) return undefined; // prefix lists and IPv6 never match (as in the engine)
  const c = rule.cidrIpv4 === "0.0.0.0/0" ? "" : `${addr} ${rule.cidrIpv4}`;
  return { line: `${c} ${m} meta mark set 1 return`.replace(/ +/g, " ").trim() };
}

/**
 * A security-group rule whose source (or destination) is a prefix list: one rule per CIDR block of the
 * list's current version, as the engine compiles it (engine/filters.ts); a list that is gone or empty
 * matches nothing.
 */
function sgListRules(rule: SecurityGroupRule, dir: "in" | "out", cidrs: readonly string[]): string[] {
  const m = l4Match(protoNum(rule.ipProtocol), rule.fromPort, rule.toPort);
  if (m === undefined) return [];
  const addr = dir === "in" ? "ip saddr" : "ip daddr";
  return cidrs.filter(cidrOk).map((c) => (c === "0.0.0.0/0" ? `${m} meta mark set 1 return` : `${addr} ${c} ${m} meta mark set 1 return`).replace(/ +/g, " ").trim());
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
  return `${addr} ${m} ${e.ruleAction === "allow" ? "return" : rejectOf(dir)}`.replace(/ +/g, " ").trim();
}

/** Where a denied packet goes: a chain that counts it in the flow sets (REJECT at that side) and drops it. */
function rejectOf(dir: "in" | "out"): string {
  return dir === "out" ? "goto rej_e" : "goto rej_i";
}

/**
 * Kernel flow records (flows.ts reads them): sets of flows with counters, per side of the router and
 * verdict. `fe_*` are keyed by the arriving port (`iifname`: the sender's egress), `fi_*` by the leaving
 * port (`oifname`: the receiver's ingress); `*_a` accepted, `*_r` rejected; a suffix `t` (TCP), `u`
 * (UDP: the key has the ports) or `x` (other protocols, ICMP among them: the key ends with the protocol). A packet's egress is counted accepted once it
 * passed the sender's network ACL and security group, its ingress once it passed the receiver's.
 */
export const FLOW_SETS = ["fe_a", "fe_r", "fi_a", "fi_r"] as const;

function flowNft(): string[] {
  const lines: string[] = [];
  const decl = (name: string, type: string) => `  set ${name} {\n    type ${type}\n    size 65536\n    flags dynamic,timeout\n    timeout 300s\n  }`;
  for (const s of FLOW_SETS) {
    // (Five fields at most: nft 1.0.6 cannot list a longer concatenation that holds an ifname.)
    lines.push(
      decl(`${s}t`, "ifname . ipv4_addr . ipv4_addr . inet_service . inet_service"),
      decl(`${s}u`, "ifname . ipv4_addr . ipv4_addr . inet_service . inet_service"),
      decl(`${s}x`, "ifname . ipv4_addr . ipv4_addr . inet_proto"),
    );
  }
  for (const s of FLOW_SETS) {
    const dev = s.startsWith("fe") ? "iifname" : "oifname";
    lines.push(
      `  chain c_${s} {`,
      `    meta l4proto tcp update @${s}t { ${dev} . ip saddr . ip daddr . tcp sport . tcp dport counter }`,
      `    meta l4proto udp update @${s}u { ${dev} . ip saddr . ip daddr . udp sport . udp dport counter }`,
      `    meta l4proto != { tcp, udp } update @${s}x { ${dev} . ip saddr . ip daddr . meta l4proto counter }`,
      "  }",
    );
  }
  lines.push(
    // Denied on the sender's side: its egress REJECT.
    "  chain rej_e {\n    jump c_fe_r\n    drop\n  }",
    // Denied on the receiver's side: the sender's egress ACCEPT, the receiver's ingress REJECT.
    "  chain rej_i {\n    jump c_fe_a\n    jump c_fi_r\n    drop\n  }",
    // Dropped by the gateway after the sender's interface (no public IP at the IGW, a TGW's zones): ACCEPT there.
    "  chain rej_r {\n    jump c_fe_a\n    drop\n  }",
    // What the forward chain let through (a later base chain sees only accepted packets).
    "  chain flow_ok {\n    type filter hook forward priority 10; policy accept;\n    jump c_fe_a\n    jump c_fi_a\n  }",
  );
  return lines;
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
  lines.push(`    ${rejectOf(dir)}`);
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
  // NAT gateways (available, in a VPC with a router).
  for (const rs of world.regionStates()) {
    for (const nat of [...rs.natGateways.values()].sort((x, y) => x.id.localeCompare(y.id))) {
      const router = routers.get(nat.vpcId);
      const eni = nat.eniId === undefined ? undefined : rs.networkInterfaces.get(nat.eniId);
      if (nat.state === "available" && router && eni) planNat(ctx, nat, eni, rs, router);
    }
  }
  // VPC endpoints (available, in a VPC with a router): interface endpoints' interfaces, gateway endpoints' services.
  for (const rs of world.regionStates()) {
    for (const e of [...rs.vpcEndpoints.values()].sort((x, y) => x.id.localeCompare(y.id))) {
      const router = routers.get(e.vpcId);
      if (e.state !== "available" || !router) continue;
      if (e.type === "Interface") {
        for (const id of e.networkInterfaceIds) {
          const eni = rs.networkInterfaces.get(id);
          if (eni) planEndpointEni(ctx, e.id, eni, rs, router);
        }
      } else planGatewayEndpoint(ctx, e.id, e.serviceName, rs, router);
    }
  }
  // Virtual private gateways (attached to a VPC with a router): the on-premises networks behind them.
  for (const rs of world.regionStates()) {
    for (const g of [...rs.vpnGateways.values()].sort((x, y) => x.id.localeCompare(y.id))) {
      if (g.state !== "available") continue;
      for (const a of g.attachments) {
        const router = routers.get(a.vpcId);
        if (a.state === "attached" && router && router.rs === rs) planVpn(ctx, g.id, rs, router);
      }
    }
  }
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
  // Transit gateways (VPC attachments whose VPC is routed, and peering attachments between them).
  planTgws(ctx, routers);
  for (const r of routers.values()) finishRouter(ctx, r);
  if (internet.used) {
    internet.ip.push("link set lo up");
    // Answers for every address it has no route for; never for the private ranges.
    internet.ip.push("route add local 0.0.0.0/0 dev lo table main");
    for (const c of ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"]) internet.ip.push(`route add blackhole ${c}`);
    plan.namespaces.set(internet.ns, { name: internet.ns, kind: "internet", of: "internet", ip: internet.ip, nft: "", parts: new Map(), forward: true, sysctl: [] });
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

/** An instance's ENI as the router sees it: a routed port (`e<eni>`) in the subnet's interface group. */
interface Port {
  dev: string;
  eni: NetworkInterface;
  subnetId: string;
  ips: string[];
  groups: SecurityGroup[];
  /** A NAT gateway's interface: AWS applies no security group to it. */
  unfiltered?: boolean;
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
  /** TGW attachment links and the Availability Zones of the attachment's subnets. */
  tgwLinks: { dev: string; zones: Set<string> }[];
  /** Subnets (available) of the VPC, by id, with their interface group (1…). */
  subnets: Map<string, { subnet: Subnet; name: string; group: number }>;
  /** Host routes (table 50) to the ports' addresses. */
  hosts: string[];
  ports: Port[];
  /** 1:1 NAT of the internet gateway. */
  nat: { pub: string; priv: string }[];
  igw: boolean;
}

function newRouter(ctx: Ctx, vpcId: string): RouterBuild {
  const { vpc, rs } = ctx.routed.get(vpcId)!;
  const ns = nsName(ctx.prefix, "", vpcId);
  const r: RouterBuild = { ns, vpc, rs, ip: ["link set lo up"], gw: new Map(), ingressDevs: [], tgwLinks: [], subnets: new Map(), hosts: [], ports: [], nat: [], igw: false };
  let group = 1;
  for (const s of [...rs.subnets.values()].filter((s) => s.vpcId === vpcId && cidrOk(s.cidr)).sort((x, y) => x.id.localeCompare(y.id))) {
    r.subnets.set(s.id, { subnet: s, name: `s${short(s.id)}`, group: group++ });
  }
  return r;
}

const APPLIANCE_SYSCTL = ["net.ipv4.ip_forward=1", "net.ipv4.conf.all.send_redirects=0", "net.ipv4.conf.default.send_redirects=0", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0"];

function planInstance(ctx: Ctx, inst: Instance, rs: RegionState, router: RouterBuild): void {
  const ns = nsName(ctx.prefix, "", inst.id);
  const ip: string[] = ["link set lo up"];
  const privateIps: string[] = [];
  const publicIps: string[] = [];
  let defaultSet = false;
  let forwards = false;
  const subnetRoutes = new Set<string>();
  for (const eni of enisOf(rs, inst)) {
    const sub = router.subnets.get(eni.subnetId);
    if (!sub) continue;
    const dev = `eth${eni.attachment!.deviceIndex}`;
    const rdev = `e${short(eni.id)}`;
    const gw = gatewayOf(sub.subnet.cidr);
    addLink(ctx.plan, { ns: router.ns, dev: rdev }, { ns, dev }, MTU_VPC);
    // The router's port holds the subnet's .1 (as /32: the same address on every port of the subnet).
    router.ip.push(`link set ${rdev} group ${sub.group}`, `address add ${gw}/32 dev ${rdev}`, `link set ${rdev} up`);
    const prefixLen = parseCidr(sub.subnet.cidr)!.prefix;
    const ips = [...eni.privateIps].sort((x, y) => Number(y.primary) - Number(x.primary));
    for (const p of ips) {
      // The subnet's prefix on the interface (as on EC2), but its route goes through the router: the
      // router's port is where the security groups and the network ACLs are enforced.
      ip.push(`address add ${p.address}/${prefixLen} dev ${dev} noprefixroute`);
      privateIps.push(p.address);
      router.hosts.push(`route add ${p.address}/32 dev ${rdev} table 50`);
    }
    ip.push(`link set ${dev} up`);
    if (!subnetRoutes.has(sub.subnet.id)) {
      subnetRoutes.add(sub.subnet.id);
      ip.push(`route add ${sub.subnet.cidr} via ${gw} dev ${dev} onlink`);
    }
    if (!defaultSet && eni.attachment!.deviceIndex === 0) {
      ip.push(`route add default via ${gw} dev ${dev} onlink`);
      defaultSet = true;
    }
    for (const m of publicMappings(rs, eni)) {
      router.nat.push(m);
      publicIps.push(m.pub);
    }
    const groups = eni.securityGroupIds.map((g) => rs.securityGroups.get(g)).filter((g): g is SecurityGroup => g !== undefined);
    router.ports.push({ dev: rdev, eni, subnetId: sub.subnet.id, ips: ips.map((p) => p.address), groups });
    // An appliance (source/destination check off) forwards what is routed to it.
    if (!eni.sourceDestCheck) forwards = true;
  }
  ctx.plan.namespaces.set(ns, { name: ns, kind: "instance", of: inst.id, ip, nft: "", parts: new Map(), forward: false, sysctl: forwards ? APPLIANCE_SYSCTL : [] });
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

/**
 * A NAT gateway: a namespace with the gateway's interface (its private addresses, in its subnet, linked
 * to a port of the router like an instance's ENI, without security groups) that forwards what is routed
 * to it with its source rewritten to the gateway's primary private address (nftables `snat`, conntrack
 * translates the replies back), and accepts no connection of its own (input: replies only), so nothing
 * opened from outside reaches a private instance through it. A public gateway's elastic IP is the IGW's
 * 1:1 mapping of that private address (the far side sees the EIP); a private gateway has none, and the
 * internet gateway drops its traffic (as the engine says). Its subnet's route table takes it onward.
 */
function planNat(ctx: Ctx, nat: NatGateway, eni: NetworkInterface, rs: RegionState, router: RouterBuild): void {
  const sub = router.subnets.get(eni.subnetId);
  const primary = eni.privateIps.find((p) => p.primary)?.address;
  if (!sub || primary === undefined) return;
  const ns = nsName(ctx.prefix, "", nat.id);
  const rdev = `e${short(eni.id)}`;
  const gw = gatewayOf(sub.subnet.cidr);
  addLink(ctx.plan, { ns: router.ns, dev: rdev }, { ns, dev: "eth0" }, MTU_VPC);
  router.ip.push(`link set ${rdev} group ${sub.group}`, `address add ${gw}/32 dev ${rdev}`, `link set ${rdev} up`);
  const prefixLen = parseCidr(sub.subnet.cidr)!.prefix;
  const ip: string[] = ["link set lo up"];
  const ips = [...eni.privateIps].sort((x, y) => Number(y.primary) - Number(x.primary)).map((p) => p.address);
  for (const a of ips) {
    ip.push(`address add ${a}/${prefixLen} dev eth0 noprefixroute`);
    router.hosts.push(`route add ${a}/32 dev ${rdev} table 50`);
  }
  ip.push("link set eth0 up", `route add ${sub.subnet.cidr} via ${gw} dev eth0 onlink`, `route add default via ${gw} dev eth0 onlink`);
  for (const m of publicMappings(rs, eni)) if (m.priv === primary) router.nat.push(m);
  router.ports.push({ dev: rdev, eni, subnetId: sub.subnet.id, ips, groups: [], unfiltered: true });
  const nft = [
    "table inet vpclab {",
    "  chain input {",
    "    type filter hook input priority 0; policy drop;",
    '    iifname "lo" accept',
    "    ct state established,related accept",
    "  }",
    "  chain post {",
    "    type nat hook postrouting priority 100; policy accept;",
    `    oifname "eth0" ip saddr != ${primary} snat ip to ${primary}`,
    "  }",
    "}",
  ].join("\n");
  ctx.plan.namespaces.set(ns, { name: ns, kind: "nat", of: nat.id, ip, nft, parts: new Map(), forward: true, sysctl: [] });
}

/**
 * An interface endpoint's network interface: a namespace holding its private addresses (it answers on
 * them: ping, and a TCP connect is refused by its kernel, as the engine's service that listens on no
 * port), on a router port in its subnet with the endpoint's security groups, like an instance's ENI.
 */
function planEndpointEni(ctx: Ctx, endpointId: string, eni: NetworkInterface, rs: RegionState, router: RouterBuild): void {
  const sub = router.subnets.get(eni.subnetId);
  if (!sub || eni.privateIps.length === 0) return;
  const ns = nsName(ctx.prefix, "", eni.id);
  const rdev = `e${short(eni.id)}`;
  const gw = gatewayOf(sub.subnet.cidr);
  addLink(ctx.plan, { ns: router.ns, dev: rdev }, { ns, dev: "eth0" }, MTU_VPC);
  router.ip.push(`link set ${rdev} group ${sub.group}`, `address add ${gw}/32 dev ${rdev}`, `link set ${rdev} up`);
  const prefixLen = parseCidr(sub.subnet.cidr)!.prefix;
  const ip: string[] = ["link set lo up"];
  const ips = [...eni.privateIps].sort((x, y) => Number(y.primary) - Number(x.primary)).map((p) => p.address);
  for (const a of ips) {
    ip.push(`address add ${a}/${prefixLen} dev eth0 noprefixroute`);
    router.hosts.push(`route add ${a}/32 dev ${rdev} table 50`);
  }
  ip.push("link set eth0 up", `route add ${sub.subnet.cidr} via ${gw} dev eth0 onlink`, `route add default via ${gw} dev eth0 onlink`);
  const groups = eni.securityGroupIds.map((g) => rs.securityGroups.get(g)).filter((g): g is SecurityGroup => g !== undefined);
  router.ports.push({ dev: rdev, eni, subnetId: sub.subnet.id, ips, groups });
  ctx.plan.namespaces.set(ns, { name: ns, kind: "endpoint", of: endpointId, ip, nft: "", parts: new Map(), forward: false, sysctl: [] });
}

/**
 * A gateway endpoint: a namespace standing for the service (S3 or DynamoDB) that answers for every
 * address of its prefix list (`local` routes, as the simulated Internet does), linked only to the VPC
 * router (MTU 9001: AWS documents no lower one); the route tables' prefix-list routes to the endpoint
 * go over that link (no internet gateway, no NAT, no public address needed; the service sees the
 * private source), and what comes back goes only to the VPC's own addresses.
 */
function planGatewayEndpoint(ctx: Ctx, endpointId: string, serviceName: string, rs: RegionState, router: RouterBuild): void {
  const ns = nsName(ctx.prefix, "", endpointId);
  const dev = `v${short(endpointId)}`;
  addLink(ctx.plan, { ns: router.ns, dev }, { ns, dev: "svc" }, MTU_VPC);
  router.ip.push(`address add fe80::1/64 dev ${dev} nodad`);
  router.gw.set(`vpce:${endpointId}`, { dev, via: "fe80::2" });
  router.ingressDevs.push(dev);
  const list = awsPrefixLists(rs.region).find((l) => l.name === serviceName);
  const ip = ["link set lo up", "address add fe80::2/64 dev svc nodad", "link set svc up"];
  for (const c of list?.cidrs ?? []) if (cidrOk(c)) ip.push(`route add local ${c} dev lo table local`);
  ip.push("route add 0.0.0.0/0 via inet6 fe80::1 dev svc");
  ctx.plan.namespaces.set(ns, { name: ns, kind: "service", of: endpointId, ip, nft: "", parts: new Map(), forward: false, sysctl: [] });
}

/**
 * A virtual private gateway and the simulated on-premises network behind it: a namespace linked (MTU
 * 1446, AWS's VPN MTU) only to the VPC router, answering for every address inside a static route of the
 * gateway's available VPN connections (as the engine's on-premises does: no firewall, every address
 * answers); the route tables' routes to the gateway (static or propagated) go over that link. Anything
 * else sent to it is dropped there (it does not forward), as the engine's NO_ROUTE_TO_DESTINATION at the
 * gateway. On-premises never starts a connection (a destination only, as in the engine).
 */
function planVpn(ctx: Ctx, vgwId: string, rs: RegionState, router: RouterBuild): void {
  const ns = nsName(ctx.prefix, "", vgwId);
  const dev = `g${short(vgwId)}`;
  addLink(ctx.plan, { ns: router.ns, dev }, { ns, dev: "vgw" }, MTU_VPN);
  router.ip.push(`address add fe80::1/64 dev ${dev} nodad`);
  router.gw.set(`vgw:${vgwId}`, { dev, via: "fe80::2" });
  router.ingressDevs.push(dev);
  const ip = ["link set lo up", "address add fe80::2/64 dev vgw nodad", "link set vgw up"];
  for (const c of [...new Set(vpnStaticRoutes(rs, vgwId).map((r) => r.cidr))].filter(cidrOk).sort()) ip.push(`route add local ${c} dev lo table local`);
  ip.push("route add 0.0.0.0/0 via inet6 fe80::1 dev vgw");
  ctx.plan.namespaces.set(ns, { name: ns, kind: "onprem", of: vgwId, ip, nft: "", parts: new Map(), forward: false, sysctl: [] });
}

/**
 * The CIDRs a route stands for: its destination CIDR, or every entry of its prefix list (as the engine's
 * LPM expands it), except entries inside the VPC's own blocks (they never override `local`).
 */
function routeCidrs(rs: RegionState, route: RouteTable["routes"][number], vpcCidrs: readonly string[]): string[] {
  if (route.destinationPrefixListId === undefined) return cidrOk(route.destinationCidr) ? [route.destinationCidr] : [];
  const locals = vpcCidrs.map((c) => parseCidr(c)!);
  return (prefixListCidrs(rs, route.destinationPrefixListId) ?? []).filter(cidrOk).filter((t) => {
    const d = parseCidr(t)!;
    return !locals.some((l) => l.prefix <= d.prefix && containsIp(l, d.base));
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
  const portOf = new Map(r.ports.map((p) => [p.eni.id, p]));
  // Links up before the routes that use them (a route via a link that is down is refused).
  for (const dev of r.ingressDevs) r.ip.push(`link set ${dev} up`);
  // Table 50: the VPC's own addresses (a host route per port address), nothing else.
  r.ip.push(...r.hosts);
  for (const c of vpcCidrs) r.ip.push(`route add blackhole ${c} table 50`);
  r.ip.push("route add blackhole default table 50");
  for (const t of tables) {
    const n = tableNo.get(t.id)!;
    const seen = new Set<string>();
    let hasDefault = false;
    // CIDR routes first: at the same prefix a CIDR route beats a prefix-list route (as in the engine).
    const ordered = [...t.routes.filter((x) => x.destinationPrefixListId === undefined), ...t.routes.filter((x) => x.destinationPrefixListId !== undefined)];
    for (const route of ordered) for (const dst of routeCidrs(r.rs, route, vpcCidrs)) {
      if (seen.has(dst)) continue;
      if (route.target.kind === "local") continue;
      seen.add(dst);
      if (dst === "0.0.0.0/0") hasDefault = true;
      const tk = route.target.kind;
      const g = tk === "pcx" || tk === "igw" || tk === "tgw" || tk === "vpce" || tk === "vgw" ? r.gw.get(`${tk}:${route.target.id}`) : undefined;
      const natEni = route.target.kind === "nat" ? r.rs.natGateways.get(route.target.id)?.eniId : undefined;
      const appliance =
        route.target.kind === "eni" ? portOf.get(route.target.id) : route.target.kind === "instance" ? portOf.get(route.target.eniId) : natEni !== undefined ? portOf.get(natEni) : undefined;
      if (g) r.ip.push(`route add ${dst} via inet6 ${g.via} dev ${g.dev} table ${n}`);
      else if (appliance) r.ip.push(`route add ${dst} via ${appliance.ips[0]} dev ${appliance.dev} onlink table ${n}`);
      else {
        r.ip.push(`route add blackhole ${dst} table ${n}`);
        if (tk === "eigw") ctx.plan.notes.push(`route ${dst} → ${route.target.id} in ${t.id}: ${tk} targets are not modelled in the data plane (dropped)`);
      }
    }
    // The local route: on to table 50 (through the rule at pref 2000).
    for (const c of vpcCidrs) if (!seen.has(c)) r.ip.push(`route add throw ${c} table ${n}`);
    if (!hasDefault) r.ip.push(`route add blackhole default table ${n}`);
  }
  // Within a subnet: layer-2 delivery on AWS (no route table, no appliance): straight to table 50.
  for (const { subnet } of r.subnets.values()) r.ip.push(`rule add pref 900 from ${subnet.cidr} to ${subnet.cidr} lookup 50`);
  const tableOf = (subnetId: string) => {
    const explicit = tables.find((t) => t.associations.some((a) => a.subnetId === subnetId));
    const t = explicit ?? main;
    return t ? tableNo.get(t.id)! : 50;
  };
  for (const p of r.ports) r.ip.push(`rule add pref 1000 iif ${p.dev} lookup ${tableOf(p.subnetId)}`);
  for (const dev of r.ingressDevs) r.ip.push(`rule add pref 1500 iif ${dev} lookup 50`);
  r.ip.push("rule add pref 2000 lookup 50");
  const ports: Record<string, { eni: string; account: string; region: string }> = {};
  for (const p of r.ports) ports[p.dev] = { eni: p.eni.id, account: p.eni.ownerId, region: p.eni.region };
  ctx.plan.namespaces.set(r.ns, { name: r.ns, kind: "router", of: r.vpc.id, ip: r.ip, ...routerNft(ctx, r), forward: true, sysctl: [], ports });
}

/**
 * The router's nftables: network ACLs (stateless, on leaving and entering a subnet's ports) and the
 * IGW's NAT in the skeleton; security groups as parts: a chain per group and direction, a chain per
 * port that jumps to its groups' chains, verdict maps from port to chain, and a set per referenced
 * group. A rule change rewrites one group chain in each router that has a member; a launch adds a port's
 * chains and map elements.
 */
function routerNft(ctx: Ctx, r: RouterBuild): { nft: string; parts: Map<string, NftPart> } {
  const aclOf = (s: Subnet) => {
    for (const acl of r.rs.networkAcls.values()) if (acl.associations.some((a) => a.subnetId === s.id)) return acl;
    return [...r.rs.networkAcls.values()].find((a) => a.vpcId === r.vpc.id && a.isDefault);
  };
  const chains: string[] = [];
  const naclOut: string[] = [];
  const naclIn: string[] = [];
  const gwChecks: string[] = [];
  for (const { subnet, name, group } of r.subnets.values()) {
    const acl = aclOf(subnet);
    chains.push(aclChain(`out_${name}`, acl, "out"), aclChain(`in_${name}`, acl, "in"));
    // Traffic between two ports of one subnet never meets its network ACL (as on AWS).
    naclOut.push(`    meta iifgroup ${group} meta oifgroup != ${group} jump out_${name}`);
    naclIn.push(`    meta oifgroup ${group} meta iifgroup != ${group} jump in_${name}`);
  }
  // The IGW forwards only for addresses it maps (an instance without a public IP has no way out).
  if (r.igw) gwChecks.push('    oifname "igw" ip saddr != @natpriv goto rej_r');
  // A TGW attachment carries traffic only from subnets in the zones of its own subnets.
  for (const t of r.tgwLinks) {
    const groups = [...r.subnets.values()].filter((x) => t.zones.has(x.subnet.availabilityZone)).map((x) => x.group);
    gwChecks.push(groups.length > 0 ? `    oifname "${t.dev}" meta iifgroup != { 0, ${groups.join(", ")} } goto rej_r` : `    oifname "${t.dev}" meta iifgroup != 0 goto rej_r`);
  }
  // AWS's order: the sender's side (its network ACL, its security group unless the flow is established),
  // the gateways, then the receiver's side (its network ACL, its security group unless established), so a
  // packet both sides deny is the sender's REJECT in the flow sets. Established flows skip the groups.
  const fwd = [...naclOut, "    ct state established,related goto fwd_est", "    meta mark set 0", "    iifname vmap @eout", ...gwChecks, ...naclIn, "    meta mark set 0", "    oifname vmap @ein"];
  chains.push(`  chain fwd_est {\n${[...gwChecks, ...naclIn, "    accept"].join("\n")}\n  }`);
  const lines = [
    "table inet vpclab {",
    "  map eout { type ifname : verdict; }",
    "  map ein { type ifname : verdict; }",
    "  set natpriv { type ipv4_addr; }",
    "  map pub2priv { type ipv4_addr : ipv4_addr; }",
    "  map priv2pub { type ipv4_addr : ipv4_addr; }",
    ...flowNft(),
    ...chains,
    "  chain forward {",
    "    type filter hook forward priority 0; policy accept;",
    ...fwd,
    "  }",
  ];
  if (r.igw) {
    lines.push(
      "  chain pre {",
      "    type nat hook prerouting priority -100; policy accept;",
      '    iifname "igw" dnat ip to ip daddr map @pub2priv',
      "  }",
      "  chain post {",
      "    type nat hook postrouting priority 100; policy accept;",
      '    oifname "igw" snat ip to ip saddr map @priv2pub',
      "  }",
    );
  }
  lines.push("}");
  const parts = new Map<string, NftPart>();
  const nat = [...new Map(r.nat.map((m) => [m.priv, m])).values()].sort((x, y) => x.priv.localeCompare(y.priv));
  parts.set("natpriv", { kind: "elements", what: "set", order: 3, body: nat.map((m) => m.priv) });
  parts.set("pub2priv", { kind: "elements", what: "map", order: 3, body: nat.map((m) => `${m.pub} : ${m.priv}`) });
  parts.set("priv2pub", { kind: "elements", what: "map", order: 3, body: nat.map((m) => `${m.priv} : ${m.pub}`) });
  const refs = new Set<string>();
  const eout: string[] = [];
  const ein: string[] = [];
  for (const p of [...r.ports].filter((x) => !x.unfiltered).sort((x, y) => x.dev.localeCompare(y.dev))) {
    for (const [dir, map] of [["o", eout], ["i", ein]] as const) {
      const body: string[] = [];
      for (const g of p.groups) {
        const chain = `g${dir}_${short(g.id)}`;
        body.push(`jump ${chain}`);
        if (!parts.has(chain)) {
          const rules: string[] = [];
          for (const rule of g.rules) {
            if (rule.isEgress !== (dir === "o")) continue;
            if (rule.prefixListId !== undefined) {
              const grs = ctx.world.existingRegion(g.ownerId, g.region);
              rules.push(...sgListRules(rule, dir === "o" ? "out" : "in", (grs && prefixListCidrs(grs, rule.prefixListId)) ?? []));
              continue;
            }
            const x = sgRule(rule, dir === "o" ? "out" : "in");
            if (!x) continue;
            if (x.ref) refs.add(x.ref);
            rules.push(x.line);
          }
          parts.set(chain, { kind: "chain", order: 1, body: [...new Set(rules)] });
        }
      }
      body.push(`meta mark != 1 ${rejectOf(dir === "o" ? "out" : "in")}`);
      parts.set(`e${dir}_${p.dev}`, { kind: "chain", order: 2, body });
      map.push(`"${p.dev}" : jump e${dir}_${p.dev}`);
    }
  }
  parts.set("eout", { kind: "elements", what: "map", order: 3, body: eout });
  parts.set("ein", { kind: "elements", what: "map", order: 3, body: ein });
  // A referenced group admits its members' private addresses, in this VPC or a peered one (not across a
  // transit gateway or an internet gateway: AWS keeps no group identity there).
  const own = r.vpc.id;
  const peered = new Set((ctx.peeringsOf.get(own) ?? []).map((p) => (p.requester.vpcId === own ? p.accepter.vpcId : p.requester.vpcId)));
  for (const ref of [...refs].sort()) {
    const ips = [...new Set((ctx.groupMembers.get(ref) ?? []).filter((x) => x.vpcId === own || peered.has(x.vpcId)).map((x) => x.ip))].sort();
    parts.set(`r_${short(ref)}`, { kind: "set", what: "set", order: 0, decl: "type ipv4_addr;", body: ips });
  }
  return { nft: lines.join("\n"), parts };
}

interface TgwBuild {
  ns: string;
  rs: RegionState;
  tgwId: string;
  ip: string[];
  /** Attachment id (VPC or peering) → the device and next hop that carry it. */
  devOf: Map<string, { dev: string; via: string }>;
}

function planTgws(ctx: Ctx, routers: Map<string, RouterBuild>): void {
  const builds = new Map<string, TgwBuild>();
  const keyOf = (account: string, region: string, id: string) => `${account}/${region}/${id}`;
  const peerings = [...ctx.world.tgwPeerings.values()].filter((p) => p.state === "available").sort((x, y) => x.id.localeCompare(y.id));
  for (const rs of ctx.world.regionStates()) {
    for (const tgw of [...rs.transitGateways.values()].sort((x, y) => x.id.localeCompare(y.id))) {
      if (tgw.state !== "available") continue;
      const atts = [...rs.tgwAttachments.values()]
        .filter((a) => a.transitGatewayId === tgw.id && a.state === "available" && routers.has(a.vpcId))
        .sort((x, y) => x.id.localeCompare(y.id));
      const peered = peerings.some((p) => [p.requester, p.accepter].some((s) => s.transitGatewayId === tgw.id && s.region === rs.region && s.ownerId === rs.account));
      if (atts.length === 0 && !peered) continue;
      const ns = nsName(ctx.prefix, "", tgw.id);
      const b: TgwBuild = { ns, rs, tgwId: tgw.id, ip: ["link set lo up"], devOf: new Map() };
      builds.set(keyOf(rs.account, rs.region, tgw.id), b);
      for (const a of atts) {
        const r = routers.get(a.vpcId)!;
        const rdev = `t${short(a.id)}`;
        const tdev = `a${short(a.id)}`;
        b.devOf.set(a.id, { dev: tdev, via: "fe80::1" });
        addLink(ctx.plan, { ns: r.ns, dev: rdev }, { ns, dev: tdev }, MTU_CROSS);
        r.ip.push(`address add fe80::1/64 dev ${rdev} nodad`);
        r.gw.set(`tgw:${tgw.id}`, { dev: rdev, via: "fe80::2" });
        r.ingressDevs.push(rdev);
        r.tgwLinks.push({ dev: rdev, zones: new Set(a.subnetIds.map((id) => rs.subnets.get(id)?.availabilityZone).filter((z): z is string => z !== undefined)) });
        b.ip.push(`link set ${tdev} up`, `address add fe80::2/64 dev ${tdev} nodad`);
      }
    }
  }
  // Peering attachments: a link (MTU 8500) between the two gateways' namespaces, delayed across regions.
  for (const p of peerings) {
    const a = builds.get(keyOf(p.requester.ownerId, p.requester.region, p.requester.transitGatewayId));
    const b = builds.get(keyOf(p.accepter.ownerId, p.accepter.region, p.accepter.transitGatewayId));
    if (!a || !b) continue;
    const dev = `x${short(p.id)}`;
    addLink(ctx.plan, { ns: a.ns, dev }, { ns: b.ns, dev }, MTU_CROSS);
    if (p.requester.region !== p.accepter.region) ctx.plan.links.get(linkKey({ ns: a.ns, dev }, { ns: b.ns, dev }))!.delayMs = interRegionDelay(p.requester.region, p.accepter.region);
    a.ip.push(`link set ${dev} up`, `address add fe80::1/64 dev ${dev} nodad`);
    b.ip.push(`link set ${dev} up`, `address add fe80::2/64 dev ${dev} nodad`);
    a.devOf.set(p.id, { dev, via: "fe80::2" });
    b.devOf.set(p.id, { dev, via: "fe80::1" });
  }
  for (const b of builds.values()) {
    const { rs, ip } = b;
    // The engine's view of each table (static routes, then propagated VPC CIDRs; blackholes).
    const tables = [...rs.tgwRouteTables.values()].filter((t) => t.transitGatewayId === b.tgwId && t.state === "available").sort((x, y) => x.id.localeCompare(y.id));
    let pref = 1000;
    tables.forEach((t, i) => {
      const n = 100 + i;
      const seen = new Set<string>();
      for (const route of effectiveRoutes(ctx.world, rs, t)) {
        const dst = route.destinationCidr;
        if (!cidrOk(dst) || seen.has(dst)) continue;
        seen.add(dst);
        const g = route.state === "active" && route.attachment ? b.devOf.get(route.attachment.id) : undefined;
        ip.push(g ? `route add ${dst} via inet6 ${g.via} dev ${g.dev} table ${n}` : `route add blackhole ${dst} table ${n}`);
      }
      ip.push(`route add blackhole default table ${n}`);
      for (const attId of t.associations) {
        const g = b.devOf.get(attId);
        if (g) ip.push(`rule add pref ${pref++} iif ${g.dev} lookup ${n}`);
      }
    });
    // An attachment associated with no route table forwards nothing.
    ip.push("route add blackhole default");
    ctx.plan.namespaces.set(b.ns, { name: b.ns, kind: "tgw", of: b.tgwId, ip, nft: "", parts: new Map(), forward: true, sysctl: [] });
  }
}
