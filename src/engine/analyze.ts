/**
 * One packet through the compiled network: the forward leg hop by hop (ENI → SG egress → NACL out →
 * route table → local / peering / internet gateway / transit gateway / appliance ENI → NACL in → SG ingress → ENI), the
 * return leg (security groups stateful, NACLs checked again on the reply's ephemeral port), the
 * address the receiver sees, the path MTU, the round-trip time, and, when the packet does not get
 * through, every component that blocks it with AWS Reachability Analyzer's explanation code.
 *
 * References: VPC User Guide "Route tables" (longest prefix match, route priority), "VPC peering"
 * (active only, non-transitive, no edge-to-edge routing, no NAT), "Internet gateways" (1:1 NAT of a
 * private address to its public/elastic IP; a default route to an attached gateway; inbound only to a
 * public or elastic IP), "VPC CIDR blocks" (no direct Internet access to a VPC's CIDR, even a publicly
 * routable one), "Gateway route tables" and "Middlebox routing" (traffic to another interface of the
 * same subnet is layer-2 delivery: no route table, no appliance), "Security groups" (stateful),
 * "Network ACLs" (stateless; subnet boundary, so traffic inside one subnet is not evaluated; ephemeral
 * ports), "Network MTU"; Reachability Analyzer "How Reachability Analyzer works" (an internet gateway
 * as the source) and "Explanation codes".
 *
 * Routing: route() finds the subnet's route table and the longest-prefix route, and hands the packet to
 * the forwarder of the route's target kind (forwarders.ts: one module per kind, forward-*.ts, sharing
 * walk.ts); a blackhole route is explained by the same forwarder (BAD_STATE_ROUTE).
 *
 * Senders: an interface, or a host on the Internet (`internet`, a public address outside every VPC, or
 * an internet gateway id). From the Internet a packet can only be addressed to a public or elastic IP;
 * it enters through the destination VPC's attached gateway, the subnet's NACL and the interface's groups
 * see the sender's own address, and the reply leaves by the subnet's route table, which must lead back
 * to that gateway.
 *
 * "Blocked path" mode: filters (security groups, NACLs, the public-address rule of the gateway,
 * source/destination check, instance states) are recorded as blockers and the walk goes on, so one
 * answer lists them all; a routing failure (no route, blackhole, address outside a peer's CIDRs, no
 * interface with the address) ends the leg, as there is no next hop to walk to. With
 * `explain: false` the walk stops at the first blocker (the fast path for yes/no questions).
 *
 * Fidelity notes:
 * - The reply's destination port is `sourcePort` (default 49152, inside both Linux's 32768–60999 and
 *   Windows' 49152–65535 ephemeral ranges); NACL return checks use it.
 * - Replies from the Internet are assumed: the outside world answers. A destination on the Internet
 *   that is in fact the public IP of a simulated ENI is delivered to that ENI through its VPC's gateway.
 *   The simulated Internet never answers for an address inside a VPC's CIDR block (AWS does not route a
 *   VPC's range from the Internet, even a publicly routable one): such a packet is blocked with
 *   IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS at that VPC's gateway (AWS's analyzer, which stops at the
 *   source's gateway, has no code for "the Internet does not route this"; that is the closest
 *   documented one: the gateway rejects inbound traffic not addressed to a public IP).
 * - Same-subnet traffic is layer-2 delivery: no route table hop, no NACL; an address of the subnet that
 *   no interface holds is NO_POSSIBLE_DESTINATION (a real ARP would go unanswered). An appliance that
 *   forwards to an address of its own subnet does the same.
 * - From the Internet: a destination named by instance or ENI is reached at its public IP (AWS analyzes
 *   an internet-gateway → instance path the same way); one without a public IP, a private address, or
 *   a gateway that is not the destination VPC's, is IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS. Internet →
 *   Internet is refused (InvalidParameterValue). Gateway route tables (edge associations, ingress
 *   routing to an appliance) are not applied to inbound traffic: it goes straight to the interface.
 * - `internet` and an internet gateway source send from 203.0.113.10 (RFC 5737 documentation range),
 *   or from `sourceIp`; the Internet leg's round trip is latency.ts's `internetRttMs` (3 ms), the same
 *   figure as an instance → 8.8.8.8, so both directions agree.
 * - A route to an appliance ENI delivers the packet to it; the appliance forwards it by its own subnet's
 *   route table with the original addresses (source/destination check must be off). Security group
 *   references are not preserved past an appliance (AWS: SG_REFERENCES_NOT_PRESERVED).
 * - Transit gateways (forwardTgw): a VPC route to a gateway enters by the VPC's attachment, which needs
 *   a subnet in the sender's zone (TGW_ROUTE_AZ_RESTRICTION); the table associated with the attachment
 *   the packet entered by decides (TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION without one), longest prefix
 *   first, a static route beating a propagated one of the same prefix; no match is TGW_RTB_CANNOT_ROUTE
 *   and a blackhole (or a route to an attachment that is not available) TGW_RTB_BAD_STATE_ROUTE. AWS's
 *   analyzer documents these codes; which of them it reports for "no route at all" in a TGW table is
 *   not confirmed from a recorded analysis. A peering attachment hands the packet to the other gateway,
 *   whose table associated with that peering attachment decides again; at most 4 gateways per path.
 *   A packet leaves by a VPC attachment only for an address inside that VPC's CIDR blocks (the VPC's
 *   own subnet routing behind the attachment ENI is not walked). MTU 8500; each gateway adds
 *   TGW_HOP_RTT_MS to the round trip; security-group references do not match across a gateway (AWS's
 *   SecurityGroupReferencingSupport is not modelled on the network). The packet leaves the gateway into
 *   a VPC by one attachment subnet, shown on the hop: without appliance mode the zone it entered the
 *   gateway by, when the attachment has a subnet there (Availability Zone affinity; past a peering
 *   attachment, or without such a subnet, a symmetric flow hash of the address pair picks one), so a flow
 *   between two zones goes out by one zone and comes back by the other, which AWS allows; with appliance
 *   mode, the zone this flow first crossed that attachment by (else the flow hash), so the reply crosses
 *   the same attachment subnet as the request. A packet always enters the gateway by the attachment
 *   subnet in the sender's own zone (the VPC's route sends it to that zone's attachment interface). The
 *   attachment subnets' network ACLs and route tables are not applied (the packet goes from the
 *   attachment straight to the interface that holds the address), and the zone does not change the
 *   round trip.
 * - NAT gateways (nat.ts) translate the source on the way out and the destination of the reply on
 *   the way back (the walk's `translate` middlebox step, `untranslate` at the gateway's interface, and
 *   replyFromOutside for a reply from the Internet to its elastic IP); their interfaces have no security
 *   groups and, like interface endpoints' interfaces, are up while they exist. Gateway endpoints
 *   (endpoints.ts) reach the simulated S3/DynamoDB and bring the reply back through the endpoint. VPN
 *   gateways are not modelled: routes to them are reported as not functional (BAD_STATE_ROUTE).
 *   Egress-only gateways carry IPv6 (forward-eigw.ts).
 * - Unlike AWS's analyzer, paths may cross regions and accounts.
 * - IPv6 (issue 15): an address is one `number` for both families (engine/addr.ts: IPv4 as before,
 *   IPv6 a negative interned id), so the IPv4 walk is unchanged and the family is one compare where it
 *   matters. An IPv6 destination is sent from the sender's first IPv6 address (none: refused); route
 *   tables look IPv6 up in their own longest-prefix table (lpm6.ts, same tie-breaks); filters match
 *   IPv6 ranges against IPv6 packets only; an IPv6 ping is ICMPv6 echo (type 128, reply 129). Internet
 *   and egress-only gateways: forward-eigw.ts (no translation; outbound-only and stateful). From the
 *   Internet (fromInternet6) an IPv6 packet is addressed to the interface's own IPv6 address, enters by
 *   the VPC's internet gateway, and the reply must route back out by it. Peering: the peer's IPv6
 *   blocks. Transit gateways: the table's IPv6 routes, through VPC attachments with Ipv6Support only
 *   (TGW_ATTACH_IPV6_SUPPORT_DISABLED otherwise; forward-tgw.ts). NAT64 (64:ff9b::/96 → NAT gateway)
 *   translates to IPv4 and back (nat.ts).
 */
import type { NetworkAcl, RouteTable, SecurityGroup } from "../domain/types.js";
import type { Fix, FixValue } from "./fix-command.js";
import { isPrivate } from "../domain/cidr.js";
import { fmtIp, hostCidr, isUla, parseAddr } from "./addr.js";
import { invalidParameterValue, noIpv4Address, noIpv6Address } from "../domain/errors.js";
import { routeState } from "../domain/route-tables.js";
import { sharedVpcAttachments, tgwHome } from "../domain/transit-gateways.js";
import type { EniInfo, NetworkModel, VpcInfo } from "./model.js";
import { inCidr, RFC6598 } from "./model.js";
import { matchAcl, matchSgRules, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, type CompiledAclEntry, type CompiledSgRule, type PacketKey } from "./filters.js";
import { MTU_INTERNET, type LatencyModel, type SegmentRtt } from "./latency.js";
import { forwarderFor } from "./forwarders.js";
import { privateIngress } from "./forward-igw.js";
import { isNatInterface, isServiceInterface, natDropsInbound, untranslate } from "./nat.js";
import { serviceReply } from "./endpoints.js";
import { blockAt, call, type Loc, noDestination, place, routeView, Walk, where, type Arrival, type Explanation, type Hop, type HopKind, type Leg, type RouteContext, type RouteOutcome } from "./walk.js";
import { internet6Sender, isInternet, isInternetAddress, resolveDestination, resolveSource, type InternetSender, type ResolvedDestination, type Sender } from "./resolve.js";

export type Protocol = "icmp" | "tcp" | "udp";
export type { Explanation, ExplanationCode, Hop, HopKind } from "./walk.js";

export interface PacketQuery {
  /** Instance id, ENI id, Name tag, or an address held by an ENI. */
  source: string;
  /** For a sender on the Internet (`internet`, `igw-…`): its public address (default 203.0.113.10). */
  sourceIp?: string;
  /** Any IPv4 address, or an instance id, ENI id or Name tag (its primary private address). */
  destination: string;
  /** Scope used to resolve the source (and the destination unless `destinationAccount/Region` say otherwise). */
  account?: string;
  region?: string;
  destinationAccount?: string;
  destinationRegion?: string;
  protocol?: Protocol;
  /** Destination port (tcp/udp); ignored for icmp. */
  port?: number;
  /** The sender's (ephemeral) source port, which the reply is sent to. Default 49152. */
  sourcePort?: number;
  /** IP packet size in bytes (default 84: a default ping). */
  size?: number;
  /** Don't-fragment flag. */
  df?: boolean;
  /** Walk past every blocker and write reasons and fixes (default true); false stops at the first blocker. */
  explain?: boolean;
  /**
   * The address family (`ping -6`): 6 sends to a named destination's IPv6 address (instead of its
   * private IPv4 address). An IPv6 destination address needs no flag. Default: the destination's.
   */
  family?: 4 | 6;
}


export interface EndpointView {
  kind: "eni" | "internet";
  address: string;
  networkInterfaceId?: string;
  instanceId?: string;
  vpcId?: string;
  subnetId?: string;
  availabilityZone?: string;
  account?: string;
  region?: string;
  publicIp?: string;
  /** The interface's first IPv6 address, if it has one. */
  ipv6Address?: string;
}

export interface Analysis {
  verdict: "reachable" | "blocked";
  protocol: Protocol;
  port?: number;
  source: EndpointView;
  destination: EndpointView;
  /** The address the packet was sent to. */
  destinationAddress: string;
  forward: Hop[];
  return: Hop[];
  /** The source address as the receiver sees it (the private IP, or the public IP through an internet gateway). */
  sourceAddressSeenByReceiver?: string;
  pathMtu: number;
  /** Median round trip of the path (both legs); ping draws jittered samples around it. */
  rttMs: number;
  /** Set when the packet is larger than the path MTU with DF set. */
  fragmentationNeeded?: { mtu: number; at: string };
  /** Every blocker (and, when blocked, lints of the route tables used). Empty when reachable. */
  explanations: Explanation[];
  /** Lints that do not block this packet (e.g. an unusable pcx route in a table it used). */
  warnings: Explanation[];
  /** RTT model segments (internal; used by ping). */
  segments: SegmentRtt[];
  /** IP hops that would answer a traceroute probe (appliances), in order. */
  routerHops: { address: string; id: string }[];
}

// ---- internals ------------------------------------------------------------------------------------

function protoName(k: PacketKey): string {
  if (k.proto === PROTO_ICMPV6) return `icmpv6 type ${k.a} code ${k.b}`;
  if (k.proto === PROTO_ICMP) return `icmp type ${k.a} code ${k.b}`;
  return `${k.proto === PROTO_TCP ? "tcp" : "udp"} port ${k.a}`;
}

function sgRuleText(r: CompiledSgRule): string {
  const rule = r.rule;
  const proto = rule.ipProtocol === "-1" ? "all traffic" : rule.ipProtocol;
  const ports = rule.ipProtocol === "-1" ? "" : rule.fromPort === -1 ? " (all)" : rule.fromPort === rule.toPort ? ` ${rule.fromPort}` : ` ${rule.fromPort}-${rule.toPort}`;
  const peer = rule.referencedGroup ? rule.referencedGroup.groupId : rule.cidrIpv4 ?? rule.prefixListId ?? rule.cidrIpv6 ?? "?";
  return `${rule.id} ${proto}${ports} ${rule.isEgress ? "to" : "from"} ${peer}`;
}

function aclEntryText(e: CompiledAclEntry): string {
  const n = e.entry.ruleNumber === 32767 ? "*" : String(e.entry.ruleNumber);
  const proto = e.entry.protocol === "-1" ? "all" : e.entry.protocol;
  const ports = e.entry.portRange ? ` ${e.entry.portRange.from}-${e.entry.portRange.to}` : "";
  return `rule ${n} ${e.entry.ruleAction} ${proto}${ports} ${e.entry.cidrBlock ?? ""}`.trim();
}

/**
 * The key of a packet of `dst`'s family: NAT64 (nat.ts) turns ICMPv6 echo (128/129) into ICMP echo
 * (8/0) and back (RFC 7915), so that filters past the gateway see the protocol on the wire.
 */
function familyKey(k: PacketKey, dst: number): PacketKey {
  if (k.proto === PROTO_ICMPV6 && dst >= 0) return { proto: PROTO_ICMP, a: k.a === 128 ? 8 : k.a === 129 ? 0 : k.a, b: k.b };
  if (k.proto === PROTO_ICMP && dst < 0) return { proto: PROTO_ICMPV6, a: k.a === 8 ? 128 : k.a === 0 ? 129 : k.a, b: k.b };
  return k;
}

/** The packet key filters see on the forward leg and on the reply. */
function keys(protocol: Protocol, port: number, sourcePort: number, v6 = false): { fwd: PacketKey; ret: PacketKey } {
  // ICMPv6 echo request 128, echo reply 129 (RFC 4443).
  if (protocol === "icmp" && v6) return { fwd: { proto: PROTO_ICMPV6, a: 128, b: 0 }, ret: { proto: PROTO_ICMPV6, a: 129, b: 0 } };
  if (protocol === "icmp") return { fwd: { proto: PROTO_ICMP, a: 8, b: 0 }, ret: { proto: PROTO_ICMP, a: 0, b: 0 } };
  const proto = protocol === "tcp" ? PROTO_TCP : PROTO_UDP;
  return { fwd: { proto, a: port, b: 0 }, ret: { proto, a: sourcePort, b: 0 } };
}


// ---- filters ---------------------------------------------------------------------------------------

function sgCheck(
  w: Walk,
  leg: Leg,
  eni: EniInfo,
  dir: "ingress" | "egress",
  k: PacketKey,
  peerAddr: number,
  peerGroups: readonly string[] | undefined,
  stateful: boolean,
): void {
  const hops = w.hops(leg);
  const kind: HopKind = dir === "egress" ? "sg-egress" : "sg-ingress";
  const groups = w.m.groupsOf(eni);
  const ids = eni.eni.securityGroupIds.join(",");
  if (isNatInterface(eni)) {
    hops.push({ leg, kind, id: eni.eni.id, ...where(eni), verdict: "pass", detail: w.explain ? `NAT gateway interface ${eni.eni.id}: no security groups apply` : "" });
    return;
  }
  if (stateful) {
    hops.push({ leg, kind, id: ids, ...where(eni), verdict: "allow", detail: "stateful: the reply to an allowed request is allowed" });
    return;
  }
  let hit: CompiledSgRule | undefined;
  let hitSg: SecurityGroup | undefined;
  for (const sg of groups) {
    const c = w.m.sg(sg);
    hit = matchSgRules(dir === "egress" ? c.egress : c.ingress, k, peerAddr, peerGroups);
    if (hit) {
      hitSg = sg;
      break;
    }
  }
  if (hit && hitSg) {
    hops.push({
      leg,
      kind,
      id: hitSg.id,
      ...where(eni),
      verdict: "allow",
      securityGroupId: hitSg.id,
      securityGroupRuleId: hit.rule.id,
      detail: w.explain ? `${dir} allowed by ${sgRuleText(hit)}` : "",
    });
    return;
  }
  hops.push({ leg, kind, id: ids, ...where(eni), verdict: "deny", detail: w.explain ? `no ${dir} rule of ${ids || "(no groups)"} allows ${protoName(k)} ${dir === "egress" ? "to" : "from"} ${fmtIp(peerAddr)}` : "" });
  if (!w.explain) {
    w.block({ code: "ENI_SG_RULES_MISMATCH", leg, onPath: true, direction: dir, component: { id: eni.eni.id, type: "network-interface", ...where(eni) }, reason: "", fix: "" });
    return;
  }
  const peer = fmtIp(peerAddr);
  const empty = groups.every((g) => !g.rules.some((r) => r.isEgress === (dir === "egress")));
  const icmp = k.proto === PROTO_ICMP || k.proto === PROTO_ICMPV6;
  const proto = k.proto === PROTO_ICMPV6 ? "ICMPv6" : icmp ? "ICMP" : `${k.proto === PROTO_TCP ? "TCP" : "UDP"} port ${k.a}`;
  const first = groups[0]?.id ?? "<group>";
  const port = icmp ? -1 : k.a;
  const ipProtocol = k.proto === PROTO_ICMPV6 ? "icmpv6" : k.proto === PROTO_ICMP ? "icmp" : k.proto === PROTO_TCP ? "tcp" : "udp";
  const permission: Record<string, FixValue> = { IpProtocol: ipProtocol, FromPort: port, ToPort: port };
  if (peerAddr < 0) permission.Ipv6Ranges = [{ CidrIpv6: hostCidr(peerAddr) }];
  else permission.IpRanges = [{ CidrIp: hostCidr(peerAddr) }];
  w.block({
    code: "ENI_SG_RULES_MISMATCH",
    leg,
    onPath: true,
    direction: dir,
    component: { id: first, type: "security-group", ...where(eni) },
    networkInterfaceId: eni.eni.id,
    instanceId: eni.instance?.id,
    vpcId: eni.vpc.vpc.id,
    securityGroupIds: [...eni.eni.securityGroupIds],
    address: peer,
    reason: `${empty ? "security group(s) " + (ids || "(none)") + " have no " + (dir === "egress" ? "outbound" : "inbound") + " rules" : "no " + (dir === "egress" ? "outbound" : "inbound") + " rule of security group(s) " + (ids || "(none)")} ${empty ? "so nothing" : "allows"} ${proto} ${dir === "egress" ? "to" : "from"} ${peer} (network interface ${eni.eni.id}${eni.instance ? ", instance " + eni.instance.id : ""})`,
    fix: `add ${dir === "egress" ? "an outbound" : "an inbound"} rule to ${first} allowing ${proto} ${dir === "egress" ? "to" : "from"} ${hostCidr(peerAddr)} (or the peer's CIDR block)`,
    fixes: groups[0] ? [call(dir === "egress" ? "AuthorizeSecurityGroupEgress" : "AuthorizeSecurityGroupIngress", { GroupId: first, IpPermissions: [permission] }, where(eni))] : undefined,
  });
}

function aclCheck(w: Walk, leg: Leg, eni: EniInfo, dir: "ingress" | "egress", k: PacketKey, remote: number): void {
  const hops = w.hops(leg);
  const kind: HopKind = dir === "egress" ? "nacl-out" : "nacl-in";
  const acl = eni.subnet.acl;
  if (!acl) {
    hops.push({ leg, kind, id: "(none)", ...where(eni), verdict: "pass", detail: w.explain ? `subnet ${eni.subnet.subnet.id} has no network ACL` : "" });
    return;
  }
  const c = w.m.acl(acl);
  const hit = matchAcl(dir === "egress" ? c.outbound : c.inbound, k, remote);
  if (hit && hit.allow) {
    hops.push({ leg, kind, id: acl.id, ...where(eni), verdict: "allow", aclRuleNumber: hit.entry.ruleNumber, detail: w.explain ? `${aclEntryText(hit)} (${dir === "egress" ? "outbound" : "inbound"})` : "" });
    return;
  }
  hops.push({
    leg,
    kind,
    id: acl.id,
    ...where(eni),
    verdict: "deny",
    aclRuleNumber: hit?.entry.ruleNumber,
    detail: w.explain ? `${hit ? aclEntryText(hit) : "no entry matches"} (${dir === "egress" ? "outbound" : "inbound"})` : "",
  });
  if (!w.explain) {
    w.block({ code: "SUBNET_ACL_RESTRICTION", leg, onPath: true, direction: dir, component: { id: acl.id, type: "network-acl", ...where(eni) }, reason: "", fix: "" });
    return;
  }
  const remoteText = fmtIp(remote);
  const portText = k.proto === PROTO_ICMPV6 ? "ICMPv6" : k.proto === PROTO_ICMP ? "ICMP" : `${k.proto === PROTO_TCP ? "TCP" : "UDP"} port ${k.a}`;
  const isReplyPort = leg === "return" && k.proto !== PROTO_ICMP && k.proto !== PROTO_ICMPV6;
  w.block({
    code: "SUBNET_ACL_RESTRICTION",
    leg,
    onPath: true,
    direction: dir,
    component: { id: acl.id, type: "network-acl", ...where(eni) },
    aclId: acl.id,
    subnetId: eni.subnet.subnet.id,
    vpcId: eni.vpc.vpc.id,
    aclRule: hit
      ? {
          ruleNumber: hit.entry.ruleNumber,
          ruleAction: hit.entry.ruleAction,
          protocol: hit.entry.protocol,
          cidrBlock: hit.entry.cidrBlock,
          egress: hit.entry.egress,
          portRange: hit.entry.portRange,
        }
      : undefined,
    address: remoteText,
    reason: `network ACL ${acl.id} of subnet ${eni.subnet.subnet.id} ${hit ? "denies" : "has no entry for"} ${dir === "egress" ? "outbound" : "inbound"} ${portText} ${dir === "egress" ? "to" : "from"} ${remoteText}${hit ? ` (${aclEntryText(hit)})` : ""}${isReplyPort ? " — this is the reply, on an ephemeral port" : ""}`,
    fix: `add an ${dir === "egress" ? "outbound" : "inbound"} allow entry for ${isReplyPort ? `${k.proto === PROTO_TCP ? "TCP" : "UDP"} ports 1024-65535` : portText} ${dir === "egress" ? "to" : "from"} ${hostCidr(remote)} to ${acl.id}, numbered below ${hit ? hit.entry.ruleNumber : 32767}${isReplyPort ? " (NACLs are stateless: replies need the ephemeral ports 1024-65535)" : ""}`,
    fixes: aclFix(acl, dir === "egress", hit ? hit.entry.ruleNumber : 32767, k, isReplyPort, hostCidr(remote), where(eni)),
  });
}

/** An allow entry evaluated before rule `below` (the highest free number under it), or none when there is no room. */
function aclFix(acl: NetworkAcl, egress: boolean, below: number, k: PacketKey, replyPorts: boolean, cidr: string, loc: Loc): Fix[] | undefined {
  const used = new Set(acl.entries.filter((e) => e.egress === egress).map((e) => e.ruleNumber));
  let n = Math.min(below, 32767) - 1;
  while (n >= 1 && used.has(n)) n--;
  if (n < 1) return undefined;
  const icmp = k.proto === PROTO_ICMP || k.proto === PROTO_ICMPV6;
  const ports = replyPorts ? { From: 1024, To: 65535 } : { From: k.a, To: k.a };
  const block: Record<string, FixValue> = cidr.includes(":") ? { Ipv6CidrBlock: cidr } : { CidrBlock: cidr };
  return [
    call(
      "CreateNetworkAclEntry",
      { NetworkAclId: acl.id, RuleNumber: n, Protocol: String(k.proto), RuleAction: "allow", Egress: egress, ...block, ...(icmp ? { IcmpTypeCode: { Type: -1, Code: -1 } } : { PortRange: ports }) },
      loc,
    ),
  ];
}

function instanceRunning(e: EniInfo): boolean {
  // A NAT gateway's or an interface endpoint's interface is up while it exists (nat.ts).
  return e.instance?.state === "running" || isServiceInterface(e);
}

function stateCheck(w: Walk, leg: Leg, e: EniInfo, role: "source" | "destination"): void {
  if (instanceRunning(e)) return;
  const state = e.instance ? `instance ${e.instance.id} is ${e.instance.state}` : `network interface ${e.eni.id} is not attached to an instance`;
  blockAt(w, leg, "BAD_STATE", e.instance ? { id: e.instance.id, type: "instance", ...where(e) } : { id: e.eni.id, type: "network-interface", ...where(e) }, {
    networkInterfaceId: e.eni.id,
    instanceId: e.instance?.id,
    reason: `the ${role}'s ${state}: only a running instance's interfaces send and receive`,
    fix: e.instance ? `start instance ${e.instance.id}` : `attach ${e.eni.id} to a running instance`,
    fixes: e.instance ? [call("StartInstances", { InstanceIds: [e.instance.id] }, where(e))] : undefined,
  });
}

// ---- routing ---------------------------------------------------------------------------------------

/**
 * The route that would carry `dst` from `vpc`'s table `rt`: to a peering connection whose peer VPC
 * holds the address, else to a transit gateway the VPC is attached to (for the block of the VPC that
 * holds it).
 */
function privateRouteFix(w: Walk, vpc: VpcInfo, rt: RouteTable, dst: number): { fix: string; fixes?: Fix[] } {
  const dstText = fmtIp(dst);
  const loc = where(vpc);
  for (const pcx of vpc.peerings) {
    const mine = pcx.requester.vpcId === vpc.vpc.id ? pcx.accepter : pcx.accepter.vpcId === vpc.vpc.id ? pcx.requester : undefined;
    if (!mine) continue;
    const other = w.m.vpcs.get(mine.vpcId);
    const block = other?.cidrs.find((c) => inCidr(c, dst));
    if (other && block) {
      return {
        fix: `add a route ${block.text} → ${pcx.id} (peering with ${other.vpc.id} in ${other.rs.region}, ${pcx.status.code}) to ${rt.id}`,
        fixes: [call("CreateRoute", { RouteTableId: rt.id, [block.v6 ? "DestinationIpv6CidrBlock" : "DestinationCidrBlock"]: block.text, VpcPeeringConnectionId: pcx.id }, loc)],
      };
    }
  }
  // Only a VPC attached to a transit gateway looks for the VPC that holds the address (a scan of every VPC).
  const attached = [...vpc.rs.tgwAttachments.values(), ...sharedVpcAttachments(w.world, vpc.rs)].filter(
    (a) => a.vpcId === vpc.vpc.id && a.state === "available" && tgwHome(w.world, vpc.rs, a.transitGatewayId)?.transitGateways.get(a.transitGatewayId)?.state === "available",
  );
  let holder: VpcInfo | undefined;
  if (attached.length > 0 && dst >= 0) for (const v of w.m.vpcs.values()) if (v !== vpc && v.cidrs.some((c) => inCidr(c, dst))) holder = v;
  const block = holder?.cidrs.find((c) => inCidr(c, dst));
  if (holder && block) {
    for (const a of attached) {
      return {
        fix: `add a route ${block.text} → ${a.transitGatewayId} (the transit gateway ${vpc.vpc.id} is attached to; ${holder.vpc.id} in ${holder.rs.region} holds ${dstText}) to ${rt.id}`,
        fixes: [call("CreateRoute", { RouteTableId: rt.id, DestinationCidrBlock: block.text, TransitGatewayId: a.transitGatewayId }, loc)],
      };
    }
  }
  return { fix: `add a route for ${dstText} to ${rt.id} (to a peering connection whose peer VPC holds the address, a transit gateway, or an appliance)` };
}

/**
 * The IPv6 route to the Internet a table lacks: to the VPC's internet gateway when the subnet is public
 * (its table already sends 0.0.0.0/0 there), else to its egress-only internet gateway (outbound only),
 * else to the internet gateway.
 */
function internet6Fix(w: Walk, s: EniInfo, rt: RouteTable, dstText: string): { reason: string; fix: string; fixes?: Fix[] } {
  const loc = where(s);
  const v = s.vpc;
  const publicSubnet = v.igw !== undefined && rt.routes.some((r) => r.destinationCidr === "0.0.0.0/0" && r.target.kind === "igw");
  const reason = `route table ${rt.id} has no route to ${dstText}: there is no IPv6 route to the Internet (no ::/0 → egress-only internet gateway eigw-… or internet gateway igw-…)`;
  if (v.igw && (publicSubnet || !v.eigw)) {
    return {
      reason,
      fix: `add a route ::/0 → ${v.igw.id} (the internet gateway: the instance's IPv6 address is public, so it is then also reachable from the Internet where its security groups allow) to ${rt.id}`,
      fixes: [call("CreateRoute", { RouteTableId: rt.id, DestinationIpv6CidrBlock: "::/0", GatewayId: v.igw.id }, loc)],
    };
  }
  if (v.eigw) {
    return {
      reason,
      fix: `add a route ::/0 → ${v.eigw.id} (the egress-only internet gateway: outbound only) to ${rt.id}`,
      fixes: [call("CreateRoute", { RouteTableId: rt.id, DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: v.eigw.id }, loc)],
    };
  }
  return {
    reason: `${reason}, and VPC ${v.vpc.id} has neither gateway`,
    fix: `create an egress-only internet gateway for ${v.vpc.id} (outbound only) and route ::/0 to it in ${rt.id}: aws ec2 create-egress-only-internet-gateway --vpc-id ${v.vpc.id}; aws ec2 create-route --route-table-id ${rt.id} --destination-ipv6-cidr-block ::/0 --egress-only-internet-gateway-id <eigw>`,
    fixes: [call("CreateEgressOnlyInternetGateway", { VpcId: v.vpc.id }, loc)],
  };
}

/** Lints of a route table depend only on it, the peerings and VPC blocks: cached per world generation. */
const lintCache = new WeakMap<RouteTable, { gen: number; lints: Explanation[] }>();

function lintPcxRoutes(w: Walk, rt: RouteTable, e: EniInfo): void {
  const gen = w.world.generation;
  let c = lintCache.get(rt);
  if (!c || c.gen !== gen) {
    c = { gen, lints: computeLints(w, rt, e) };
    lintCache.set(rt, c);
  }
  for (const l of c.lints) w.lints.push(l);
}

function computeLints(w: Walk, rt: RouteTable, e: EniInfo): Explanation[] {
  const out: Explanation[] = [];
  const home = w.m.vpcs.get(rt.vpcId);
  const rs = home?.rs ?? e.rs;
  const loc = home ? where(home) : where(e);
  for (const route of rt.routes) {
    if (route.target.kind !== "pcx") continue;
    const pcx = w.m.peerings.get(route.target.id);
    if (!pcx) continue;
    const peerSide = pcx.requester.vpcId === rt.vpcId ? pcx.accepter : pcx.requester;
    const peer = w.m.vpcs.get(peerSide.vpcId);
    const dest = w.m.cidr(route.destinationCidr);
    if (!peer || !dest) continue;
    const overlapsPeer = peer.cidrs.some((c) => inCidr(c, dest.base) || inCidr(dest, c.base));
    if (overlapsPeer) continue;
    out.push({
      code: "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR",
      leg: "forward",
      onPath: false,
      component: { id: pcx.id, type: "vpc-peering-connection", ...loc },
      routeTableId: rt.id,
      route: { destinationCidr: route.destinationCidr, target: pcx.id, state: routeState(w.world, rs, rt, route) },
      vpcPeeringConnectionId: pcx.id,
      vpcId: rt.vpcId,
      reason: `route ${route.destinationCidr} → ${pcx.id} in ${rt.id} can never carry traffic: the peer VPC ${peer.vpc.id} has ${peer.cidrs.map((c) => c.text).join(", ")}, and a peering only carries packets addressed inside the peer VPC's CIDR blocks`,
      fix: `replace the destination ${route.destinationCidr} with the peer's CIDR block ${peer.cidrs[0]?.text}`,
      fixes: peer.cidrs[0]
        ? [
            call("DeleteRoute", { RouteTableId: rt.id, DestinationCidrBlock: route.destinationCidr }, loc),
            call("CreateRoute", { RouteTableId: rt.id, DestinationCidrBlock: peer.cidrs[0].text, VpcPeeringConnectionId: pcx.id }, loc),
          ]
        : undefined,
    });
  }
  return out;
}


function route(w: Walk, leg: Leg, s: EniInfo, src: number, dst: number, depth: number): { hop: Hop; out: RouteOutcome } {
  const rt = s.subnet.rt;
  const out: RouteOutcome = { seenSrc: src, viaIgw: false, after: [], dead: true };
  const loc = where(s);
  if (!rt) {
    const hop: Hop = { leg, kind: "route-table", id: "(none)", ...loc, verdict: "deny", detail: w.explain ? `subnet ${s.subnet.subnet.id} has no route table` : "" };
    blockAt(w, leg, "NO_ROUTE_TO_DESTINATION", { id: s.subnet.subnet.id, type: "subnet", ...loc }, {
      subnetId: s.subnet.subnet.id,
      address: fmtIp(dst),
      reason: `subnet ${s.subnet.subnet.id} has no route table (the VPC has no main route table)`,
      fix: `associate a route table with ${s.subnet.subnet.id}`,
    });
    return { hop, out };
  }
  w.rtsUsed.add(rt);
  const dstText = fmtIp(dst);
  const found = w.m.lookup(rt, dst);
  if (!found) {
    const hop: Hop = { leg, kind: "route-table", id: rt.id, ...loc, verdict: "deny", detail: w.explain ? `no route matches ${dstText}` : "" };
    if (!w.explain) {
      w.block({ code: "NO_ROUTE_TO_DESTINATION", leg, onPath: true, component: { id: rt.id, type: "route-table", ...loc }, reason: "", fix: "" });
      return { hop, out };
    }
    let reason: string;
    let fix: string;
    let fixes: Fix[] | undefined;
    const peered = dst < 0 ? privateRouteFix(w, s.vpc, rt, dst) : undefined;
    if (dst < 0 && (peered?.fixes || isUla(dst))) {
      reason = `route table ${rt.id} has no route that covers ${dstText}`;
      ({ fix, fixes } = peered!);
    } else if (dst < 0) {
      ({ reason, fix, fixes } = internet6Fix(w, s, rt, dstText));
    } else if (!isPrivate(dst) && !inCidr(RFC6598, dst)) {
      const igw = s.vpc.igw;
      reason = `route table ${rt.id} has no route to ${dstText}: there is no route to an internet gateway (no 0.0.0.0/0 → igw-…)${igw ? "" : `, and VPC ${s.vpc.vpc.id} has no internet gateway attached`}`;
      fixes = igw ? [call("CreateRoute", { RouteTableId: rt.id, DestinationCidrBlock: "0.0.0.0/0", GatewayId: igw.id }, loc)] : undefined;
      fix = igw
        ? `add a default route 0.0.0.0/0 → ${igw.id} (the internet gateway) to ${rt.id}`
        : `create and attach an internet gateway (aws ec2 create-internet-gateway; aws ec2 attach-internet-gateway --vpc-id ${s.vpc.vpc.id} --internet-gateway-id <igw>), then aws ec2 create-route --route-table-id ${rt.id} --destination-cidr-block 0.0.0.0/0 --gateway-id <igw>; the instance also needs a public or elastic IP`;
    } else {
      reason = `route table ${rt.id} has no route that covers ${dstText}`;
      ({ fix, fixes } = privateRouteFix(w, s.vpc, rt, dst));
    }
    blockAt(w, leg, "NO_ROUTE_TO_DESTINATION", { id: rt.id, type: "route-table", ...loc }, {
      routeTableId: rt.id,
      vpcId: rt.vpcId,
      subnetId: s.subnet.subnet.id,
      address: dstText,
      reason,
      fix,
      fixes,
    });
    return { hop, out };
  }
  const r = found.route;
  const state = routeState(w.world, s.rs, rt, r);
  const rv = routeView(r, state);
  const hop: Hop = { leg, kind: "route-table", id: rt.id, ...loc, verdict: state === "active" ? "allow" : "deny", route: rv, detail: w.explain ? `${r.destinationCidr} → ${rv.target} (${state})` : "" };
  const c: RouteContext = { w, leg, s, src, dst, depth, rt, route: r, rv, loc, out };
  const forwarder = forwarderFor(r.target);
  if (state === "active") {
    forwarder.forward(c, r.target);
    return { hop, out };
  }
  const { why, fix, fixes, refs } = forwarder.blackhole(c, r.target);
  blockAt(w, leg, "BAD_STATE_ROUTE", { id: rt.id, type: "route-table", ...loc }, {
    routeTableId: rt.id,
    route: rv,
    vpcId: rt.vpcId,
    ...refs,
    address: dstText,
    reason: `route ${r.destinationCidr} → ${rv.target} in ${rt.id} is a blackhole: ${why}`,
    fix,
    fixes,
  });
  return { hop, out };
}

/** Layer-2 delivery to another interface of the sender's subnet (see walkFrom). */
function sameSubnet(w: Walk, leg: Leg, s: EniInfo, src: number, dst: number): { hop: Hop; out: RouteOutcome } {
  const d = s.vpc.enisByIp.get(dst);
  const sn = s.subnet.subnet;
  const out: RouteOutcome = { next: d, seenSrc: src, viaIgw: false, after: [], dead: d === undefined };
  const hop: Hop = {
    leg,
    kind: "local",
    id: sn.id,
    ...where(s),
    verdict: d ? "pass" : "deny",
    detail: w.explain ? (d ? `same subnet ${sn.id} (${dst < 0 ? s.subnet.cidr6?.text : sn.cidr}): delivered at layer 2 to ${d.eni.id}; the route table does not apply` : `no network interface in subnet ${sn.id} has ${fmtIp(dst)}`) : "",
  };
  if (!d) noDestination(w, leg, s, s.vpc, dst, `no network interface in subnet ${sn.id} (${sn.cidr}) has the address ${fmtIp(dst)}`);
  return { hop, out };
}


// ---- legs ------------------------------------------------------------------------------------------

/**
 * Walks a packet from interface `s` (the original sender, or an appliance forwarding it) with source
 * `src` and destination `dst`. `stateful` marks a reply (security groups let it through).
 */
function walkFrom(
  w: Walk,
  leg: Leg,
  s: EniInfo,
  src: number,
  dst: number,
  k: PacketKey,
  stateful: boolean,
  depth: number,
  senderGroups: readonly string[] | undefined,
): Arrival | undefined {
  k = familyKey(k, dst);
  const hops = w.hops(leg);
  const loc = where(s);
  if (depth === 0) {
    hops.push({ leg, kind: "eni", id: s.eni.id, ...loc, verdict: instanceRunning(s) ? "allow" : "deny", detail: w.explain ? `${fmtIp(src)} on ${s.eni.id}${s.instance ? ` (${s.instance.id}, ${s.instance.state})` : ""} in ${s.subnet.subnet.id}, ${s.subnet.subnet.availabilityZone}` : "" });
    stateCheck(w, leg, s, leg === "forward" ? "source" : "destination");
    if (w.stop) return undefined;
  }
  if (s.ips.includes(dst)) {
    hops.push({ leg, kind: "local", id: s.eni.id, ...loc, verdict: "pass", detail: "loopback: the address is the sender's own" });
    return { kind: "eni", eni: s, ip: dst, seenSrc: src };
  }
  // Inside the sender's own subnet the packet goes to the other interface's MAC address: layer-2
  // delivery, where the route table does not apply (no appliance hop) and neither do network ACLs, which
  // filter at the subnet's boundary; security groups still do. VPC User Guide, "Gateway route tables"
  // (rules: "traffic destined for the MAC address of another network interface in the subnet uses data
  // link (layer 2) routing") and "Middlebox routing" ("you cannot route traffic between hosts in the
  // same subnet through an appliance"); "Network ACL example" (instances in one subnet talk freely).
  const l2 = dst < 0 ? s.subnet.cidr6 !== undefined && inCidr(s.subnet.cidr6, dst) : s.subnet.cidr !== undefined && inCidr(s.subnet.cidr, dst);
  const { hop: rtHop, out } = l2 ? sameSubnet(w, leg, s, src, dst) : route(w, leg, s, src, dst, depth);
  if (w.stop) {
    hops.push(rtHop, ...out.after);
    return undefined;
  }
  const next = out.next;
  // Egress filters run before routing on AWS; the engine resolved the route first so that a group
  // reference can match the receiving interface's identity, and lists the hops in AWS's order.
  const privatePeer = next && !out.viaIgw && !out.appliance && !out.viaTgw ? next.eni.securityGroupIds : undefined;
  sgCheck(w, leg, s, "egress", k, dst, privatePeer, stateful);
  if (w.stop) return undefined;
  const inSubnet = l2 || (next !== undefined && !out.viaIgw && next.subnet === s.subnet);
  if (!inSubnet) {
    aclCheck(w, leg, s, "egress", k, dst);
    if (w.stop) return undefined;
  }
  hops.push(rtHop, ...out.after);
  if (out.dead) return undefined;
  if (out.internet) {
    w.segs(leg).push(w.lat.segment(place(s), undefined));
    return { kind: "internet", ip: dst, seenSrc: out.seenSrc, returnHops: out.returnHops };
  }
  const x = next!;
  w.segs(leg).push(w.lat.segment(place(s), place(x)));
  if (!inSubnet) {
    aclCheck(w, leg, x, "ingress", k, out.seenSrc);
    if (w.stop) return undefined;
  }
  sgCheck(w, leg, x, "ingress", k, out.seenSrc, out.viaIgw || out.viaTgw ? undefined : senderGroups, stateful);
  if (w.stop) return undefined;
  if (out.appliance && out.translate) {
    // A NAT gateway (nat.ts): it forwards with its own address as the source.
    hops.push(out.translate.hop);
    w.routerHops.push({ address: fmtIp(x.primaryIp), id: out.translate.hop.id });
    return walkFrom(w, leg, x, out.translate.src, out.translate.dst ?? dst, k, stateful, depth + 1, undefined);
  }
  if (out.appliance) {
    hops.push({ leg, kind: "appliance", id: x.eni.id, ...where(x), verdict: instanceRunning(x) && !x.eni.sourceDestCheck ? "pass" : "deny", detail: w.explain ? `appliance ${x.eni.id}${x.instance ? ` (${x.instance.id})` : ""} forwards ${fmtIp(src)} → ${fmtIp(dst)}` : "" });
    w.routerHops.push({ address: fmtIp(dst < 0 && x.primaryIp6 !== undefined ? x.primaryIp6 : x.primaryIp), id: x.instance?.id ?? x.eni.id });
    if (x.eni.sourceDestCheck) {
      blockAt(w, leg, "ENI_SOURCE_DEST_CHECK_RESTRICTION", { id: x.eni.id, type: "network-interface", ...where(x) }, {
        networkInterfaceId: x.eni.id,
        instanceId: x.instance?.id,
        address: fmtIp(dst),
        reason: `${x.eni.id} receives traffic for ${fmtIp(dst)} through a route, but its source/destination check is on, so it drops packets not addressed to itself`,
        fix: `turn off the source/destination check of ${x.eni.id}`,
        fixes: [call("ModifyNetworkInterfaceAttribute", { NetworkInterfaceId: x.eni.id, SourceDestCheck: { Value: false } }, where(x))],
      });
      if (w.stop) return undefined;
    }
    // Group identity is not preserved past an appliance.
    return walkFrom(w, leg, x, src, dst, k, stateful, depth + 1, undefined);
  }
  // A reply to a NAT gateway's address: it translates the destination back to the original sender.
  const un = untranslate(w, leg, x, out.seenSrc, dst);
  if (un) {
    hops.push(un.hop);
    return walkFrom(w, leg, x, un.src ?? out.seenSrc, un.dst, k, stateful, depth + 1, undefined);
  }
  hops.push({ leg, kind: "eni", id: x.eni.id, ...where(x), verdict: instanceRunning(x) ? "allow" : "deny", detail: w.explain ? `${fmtIp(dst < 0 ? dst : x.primaryIp)} on ${x.eni.id}${x.instance ? ` (${x.instance.id}, ${x.instance.state})` : ""} sees source ${fmtIp(out.seenSrc)}` : "" });
  stateCheck(w, leg, x, leg === "forward" ? "destination" : "source");
  if (w.stop) return undefined;
  return { kind: "eni", eni: x, ip: dst, seenSrc: out.seenSrc };
}

/** The Internet answers: the reply enters the sender's VPC through its internet gateway. */
function replyFromInternet(w: Walk, s: EniInfo, from: number, k: PacketKey, via?: Hop[]): void {
  const hops = w.ret;
  const loc = where(s);
  if (via) hops.push(...via); // not the Internet: the forwarder's way back (on-premises over a VPN)
  else {
    hops.push({ leg: "return", kind: "internet", id: fmtIp(from), verdict: "pass", detail: w.explain ? `the Internet (simulated) replies from ${fmtIp(from)}` : "" });
    const igw = s.vpc.igw;
    const gw = w.exitGw;
    if (from < 0 && gw) {
      hops.push({ leg: "return", kind: gw.kind, id: gw.id, ...loc, verdict: "pass", detail: gw.kind === "eigw" ? `egress-only internet gateway ${gw.id} lets the reply in (stateful: the flow was started inside the VPC)` : `internet gateway ${gw.id} delivers the reply (IPv6: no translation)` });
    } else hops.push({ leg: "return", kind: "igw", id: igw?.id ?? "(none)", ...loc, verdict: igw ? "pass" : "deny", detail: igw ? `internet gateway ${igw.id} translates ${s.publicIp !== undefined ? fmtIp(s.publicIp) : "?"} back to ${fmtIp(s.primaryIp)}` : "no internet gateway" });
  }
  w.segRet.push(w.lat.segment(place(s), undefined));
  aclCheck(w, "return", s, "ingress", k, from);
  if (w.stop) return;
  sgCheck(w, "return", s, "ingress", k, from, undefined, true);
  hops.push({ leg: "return", kind: "eni", id: s.eni.id, ...loc, verdict: "allow", detail: w.explain ? `reply reaches ${s.eni.id}` : "" });
}

/**
 * The reply from outside the VPCs: from a service reached through a gateway endpoint (endpoints.ts) it
 * comes back through the endpoint; from the Internet to a NAT gateway's elastic IP it enters through
 * the internet gateway to the NAT gateway (nat.ts), which translates it back and forwards it by its
 * subnet's route table; otherwise the sender's own gateway brings it (replyFromInternet).
 */
function replyFromOutside(w: Walk, source: EniInfo, arrival: Arrival, k: PacketKey): void {
  const from = arrival.ip;
  k = familyKey(k, from);
  const svc = serviceReply(w, from);
  const nat = svc ? undefined : w.m.publicIps.get(arrival.seenSrc);
  if (!svc && (!nat || !isNatInterface(nat))) return replyFromInternet(w, source, from, k, arrival.returnHops);
  const x = svc ? svc.eni : nat!;
  if (svc) w.ret.push(...svc.hops);
  else {
    w.ret.push({ leg: "return", kind: "internet", id: fmtIp(from), verdict: "pass", detail: w.explain ? `the Internet (simulated) replies from ${fmtIp(from)} to ${fmtIp(arrival.seenSrc)}` : "" });
    w.ret.push({ leg: "return", kind: "igw", id: x.vpc.igw?.id ?? "(none)", ...where(x), verdict: x.vpc.igw ? "pass" : "deny", detail: w.explain ? `internet gateway translates ${fmtIp(arrival.seenSrc)} back to ${fmtIp(x.primaryIp)}` : "" });
  }
  w.segRet.push(w.lat.segment(place(x), undefined));
  aclCheck(w, "return", x, "ingress", k, from);
  if (w.stop) return;
  const un = isNatInterface(x) ? untranslate(w, "return", x, from, x.primaryIp) : undefined;
  if (!un) {
    sgCheck(w, "return", x, "ingress", k, from, undefined, true);
    w.ret.push({ leg: "return", kind: "eni", id: x.eni.id, ...where(x), verdict: "allow", detail: w.explain ? `reply reaches ${x.eni.id}` : "" });
    return;
  }
  sgCheck(w, "return", x, "ingress", k, from, undefined, true);
  w.ret.push(un.hop);
  const back = walkFrom(w, "return", x, un.src ?? from, un.dst, k, true, 1, undefined);
  if (back && !w.stop && (back.kind !== "eni" || back.eni !== source)) {
    noDestination(w, "return", x, x.vpc, un.dst, `the reply translated back by the NAT gateway to ${fmtIp(un.dst)} is routed to ${back.eni ? back.eni.eni.id : "the Internet"}, not to the sender ${source.eni.id}`);
  }
}

function endpointView(e: EniInfo, v6 = false): EndpointView {
  return {
    kind: "eni",
    address: fmtIp(v6 && e.primaryIp6 !== undefined ? e.primaryIp6 : e.primaryIp),
    ipv6Address: e.primaryIp6 !== undefined ? fmtIp(e.primaryIp6) : undefined,
    networkInterfaceId: e.eni.id,
    instanceId: e.instance?.id,
    vpcId: e.vpc.vpc.id,
    subnetId: e.subnet.subnet.id,
    availabilityZone: e.subnet.subnet.availabilityZone,
    account: e.rs.account,
    region: e.rs.region,
    publicIp: e.publicIp !== undefined ? fmtIp(e.publicIp) : undefined,
  };
}

export interface NormalizedPacket {
  protocol: Protocol;
  port: number;
  sourcePort: number;
  size: number;
  df: boolean;
  explain: boolean;
}

/** Validates the packet fields of a query (AWS-style InvalidParameterValue on bad input). */
export function normalizePacket(q: Partial<PacketQuery>): NormalizedPacket {
  const protocol = q.protocol ?? "icmp";
  if (protocol !== "icmp" && protocol !== "tcp" && protocol !== "udp") {
    throw invalidParameterValue(`Value (${String(protocol)}) for parameter protocol is invalid. Valid values: icmp, tcp, udp`);
  }
  const intIn = (v: unknown, name: string, lo: number, hi: number, dflt: number): number => {
    if (v === undefined || v === null) return dflt;
    if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) {
      throw invalidParameterValue(`Value (${String(v)}) for parameter ${name} is invalid. It must be an integer from ${lo} to ${hi}`);
    }
    return v;
  };
  let port = 0;
  if (protocol !== "icmp") {
    if (q.port === undefined) throw invalidParameterValue(`A destination port is required for ${protocol}`);
    port = intIn(q.port, "port", 0, 65535, 0);
  }
  const sourcePort = intIn(q.sourcePort, "sourcePort", 1, 65535, 49152);
  const size = intIn(q.size, "size", 28, 65535, 84);
  if (q.df !== undefined && typeof q.df !== "boolean") throw invalidParameterValue("df must be true or false");
  return { protocol, port, sourcePort, size, df: q.df ?? false, explain: q.explain ?? true };
}

/**
 * A packet from a host on the Internet. It can only be addressed to a public or elastic IP (a named
 * instance or interface is reached at its public IP, as Reachability Analyzer does for an internet
 * gateway source); the gateway of the destination's VPC translates it to the private address, the
 * subnet's NACL and the interface's security groups see the sender's own address, and the reply must be
 * routed back out through that gateway (the subnet's route table needs a route for the sender's address
 * to it: 0.0.0.0/0 → igw, or narrower). VPC User Guide, "Enable internet access for a VPC using an
 * internet gateway"; Reachability Analyzer, "How Reachability Analyzer works" (an internet gateway as
 * the source) and IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS.
 */
function fromInternet(m: NetworkModel, lat: LatencyModel, src: InternetSender, dst: ResolvedDestination, p: NormalizedPacket): Analysis {
  const target = dst.eni ?? m.publicIps.get(dst.address);
  const address = dst.eni?.publicIp ?? dst.address;
  const holders = target ? [target.vpc] : m.vpcsHolding(address);
  if (!target && holders.length === 0) {
    throw invalidParameterValue(
      `${fmtIp(address)} is neither a public or elastic IP of a network interface nor an address in a VPC: a packet from the Internet must be sent to one of the lab's interfaces`,
    );
  }
  const w = new Walk(m, m.world, lat, p.explain);
  const { fwd: kf, ret: kr } = keys(p.protocol, p.port, p.sourcePort);
  const S = src.address;
  const srcText = fmtIp(S);
  const dstText = fmtIp(address);
  w.lowerMtu(MTU_INTERNET, src.igw?.id ?? "internet");
  w.fwd.push({ leg: "forward", kind: "internet", id: srcText, verdict: "pass", detail: w.explain ? `the Internet (simulated): ${srcText} sends to ${dstText}` : "" });
  const vpc = holders[0]!;
  let arrived: EniInfo | undefined;
  if (src.igw && vpc.igw?.id !== src.igw.id) {
    const g = src.igw;
    w.fwd.push({ leg: "forward", kind: "igw", id: g.id, account: g.account, region: g.region, verdict: "deny", detail: w.explain ? `internet gateway ${g.id} has no interface with the public IP ${dstText}` : "" });
    w.block({
      code: "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
      leg: "forward",
      onPath: true,
      component: { id: g.id, type: "internet-gateway", account: g.account, region: g.region },
      internetGatewayId: g.id,
      vpcId: g.vpcId,
      address: dstText,
      reason: `${dstText} is not the public IP of a network interface in ${g.vpcId ? `VPC ${g.vpcId}, to which internet gateway ${g.id} is attached` : `a VPC: internet gateway ${g.id} is not attached`}${vpc.vpc.id !== g.vpcId ? ` (it belongs to ${vpc.vpc.id})` : ""}`,
      fix: g.vpcId ? `analyze from the internet gateway of ${vpc.vpc.id}${vpc.igw ? ` (${vpc.igw.id})` : ""}, or send to a public IP in ${g.vpcId}` : `attach ${g.id} to ${vpc.vpc.id}`,
      fixes: g.vpcId || vpc.igw ? undefined : [call("AttachInternetGateway", { InternetGatewayId: g.id, VpcId: vpc.vpc.id }, { account: g.account, region: g.region })],
    });
  } else if (!target || target.publicIp !== address) {
    privateIngress(w, "forward", vpc, address, target);
  } else if (!vpc.igw) {
    w.block({
      code: "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
      leg: "forward",
      onPath: true,
      component: { id: vpc.vpc.id, type: "vpc", ...where(vpc) },
      vpcId: vpc.vpc.id,
      networkInterfaceId: target.eni.id,
      address: dstText,
      reason: `${dstText} belongs to ${target.eni.id}, but its VPC ${vpc.vpc.id} has no attached internet gateway`,
      fix: `create and attach one: aws ec2 create-internet-gateway; aws ec2 attach-internet-gateway --vpc-id ${vpc.vpc.id} --internet-gateway-id <igw>`,
    });
  } else if (natDropsInbound(w, target, S)) {
    // A NAT gateway's elastic IP: the gateway drops connections from the Internet (nat.ts).
  } else {
    const x = target;
    w.fwd.push({ leg: "forward", kind: "igw", id: vpc.igw.id, ...where(x), verdict: "pass", detail: w.explain ? `internet gateway ${vpc.igw.id} translates ${dstText} to ${fmtIp(x.primaryIp)}` : "" });
    w.segFwd.push(lat.segment(place(x), undefined));
    aclCheck(w, "forward", x, "ingress", kf, S);
    if (!w.stop) sgCheck(w, "forward", x, "ingress", kf, S, undefined, false);
    if (!w.stop) {
      w.fwd.push({ leg: "forward", kind: "eni", id: x.eni.id, ...where(x), verdict: instanceRunning(x) ? "allow" : "deny", detail: w.explain ? `${fmtIp(x.primaryIp)} on ${x.eni.id}${x.instance ? ` (${x.instance.id}, ${x.instance.state})` : ""} sees source ${srcText}` : "" });
      stateCheck(w, "forward", x, "destination");
      arrived = x;
    }
  }
  if (arrived && !w.stop) {
    // The reply leaves by the subnet's own route table: it must lead back out through the gateway.
    const back = walkFrom(w, "return", arrived, arrived.primaryIp, S, kr, true, 0, undefined);
    if (back && !w.stop && back.kind === "eni") {
      w.block({
        code: "NO_POSSIBLE_DESTINATION",
        leg: "return",
        onPath: true,
        component: { id: back.eni!.vpc.vpc.id, type: "vpc", ...where(back.eni!) },
        address: srcText,
        reason: `the reply to ${srcText} is routed to ${back.eni!.eni.id} in ${back.eni!.vpc.vpc.id}, not back out to the Internet`,
        fix: `route ${srcText} (or 0.0.0.0/0) to the internet gateway ${vpc.igw?.id ?? ""} in ${arrived.subnet.rt?.id ?? "the subnet's route table"}`,
      });
    }
  }
  if (w.explain && arrived) for (const rt of w.rtsUsed) lintPcxRoutes(w, rt, arrived);
  return finish(w, p, { kind: "internet", address: srcText }, target ? endpointView(target) : { kind: "eni", address: dstText, vpcId: vpc.vpc.id, account: vpc.rs.account, region: vpc.rs.region }, dstText, arrived ? srcText : undefined);
}

/**
 * An IPv6 packet from a host on the Internet: IPv6 addresses are public, so it is addressed to the
 * interface's own IPv6 address and enters by the VPC's internet gateway with no translation (an
 * egress-only gateway admits nothing started outside); the subnet's NACL and the interface's groups see
 * the sender's address, and the reply leaves by the subnet's route table, which must lead back to the
 * Internet through the internet gateway.
 */
function fromInternet6(m: NetworkModel, lat: LatencyModel, src: InternetSender, dst: ResolvedDestination, p: NormalizedPacket): Analysis {
  let S = src.address;
  if (S >= 0) {
    if (src.chosen) throw invalidParameterValue(`The source ${fmtIp(S)} is an IPv4 address and the destination ${fmtIp(dst.address)} an IPv6 address: give an IPv6 source address`);
    S = internet6Sender(m);
  }
  const address = dst.address;
  const target = dst.eni ?? m.privateIps.get(address)?.[0];
  const holders = target ? [target.vpc] : m.vpcsHolding(address);
  const dstText = fmtIp(address);
  if (!target && holders.length === 0) {
    throw invalidParameterValue(`${dstText} is neither an IPv6 address of a network interface nor an address in a VPC: a packet from the Internet must be sent to one of the lab's interfaces`);
  }
  const w = new Walk(m, m.world, lat, p.explain);
  const { fwd: kf, ret: kr } = keys(p.protocol, p.port, p.sourcePort, true);
  const srcText = fmtIp(S);
  w.lowerMtu(MTU_INTERNET, src.igw?.id ?? "internet");
  w.fwd.push({ leg: "forward", kind: "internet", id: srcText, verdict: "pass", detail: w.explain ? `the Internet (simulated): ${srcText} sends to ${dstText}` : "" });
  const vpc = holders[0]!;
  let arrived: EniInfo | undefined;
  if (src.igw && vpc.igw?.id !== src.igw.id) {
    const g = src.igw;
    w.fwd.push({ leg: "forward", kind: "igw", id: g.id, account: g.account, region: g.region, verdict: "deny", detail: w.explain ? `internet gateway ${g.id} is not the gateway of ${vpc.vpc.id}` : "" });
    w.block({
      code: "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
      leg: "forward",
      onPath: true,
      component: { id: g.id, type: "internet-gateway", account: g.account, region: g.region },
      internetGatewayId: g.id,
      vpcId: g.vpcId,
      address: dstText,
      reason: `${dstText} is an address of ${vpc.vpc.id}, not of ${g.vpcId ? `VPC ${g.vpcId}, to which internet gateway ${g.id} is attached` : `a VPC internet gateway ${g.id} is attached to`}`,
      fix: `analyze from the internet gateway of ${vpc.vpc.id}${vpc.igw ? ` (${vpc.igw.id})` : ""}`,
    });
  } else if (!target) {
    blockAt(w, "forward", "NO_POSSIBLE_DESTINATION", { id: vpc.vpc.id, type: "vpc", ...where(vpc) }, {
      vpcId: vpc.vpc.id,
      address: dstText,
      reason: `no network interface in ${vpc.vpc.id} has the address ${dstText}`,
      fix: `send to an IPv6 address that an interface of ${vpc.vpc.id} holds`,
    });
  } else if (!vpc.igw) {
    const g = vpc.eigw;
    w.fwd.push({ leg: "forward", kind: g ? "eigw" : "igw", id: g?.id ?? "(none)", ...where(vpc), verdict: "deny", detail: w.explain ? (g ? `egress-only internet gateway ${g.id} admits no flow started from the Internet` : `${vpc.vpc.id} has no internet gateway`) : "" });
    blockAt(w, "forward", g ? "EIGW_INBOUND_NOT_ALLOWED" : "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS", g ? { id: g.id, type: "egress-only-internet-gateway", ...where(vpc) } : { id: vpc.vpc.id, type: "vpc", ...where(vpc) }, {
      vpcId: vpc.vpc.id,
      egressOnlyInternetGatewayId: g?.id,
      networkInterfaceId: target.eni.id,
      instanceId: target.instance?.id,
      address: dstText,
      reason: g
        ? `${dstText} belongs to ${target.eni.id}, but ${vpc.vpc.id}'s only gateway to the Internet is egress-only internet gateway ${g.id}: it carries flows the VPC's instances start and their replies, never a flow started from the Internet`
        : `${dstText} belongs to ${target.eni.id}, but its VPC ${vpc.vpc.id} has no attached internet gateway`,
      fix: `attach an internet gateway to ${vpc.vpc.id} and route ::/0 to it in ${target.subnet.rt?.id ?? "the subnet's route table"} if ${target.eni.id} must be reachable from the Internet`,
    });
  } else {
    const x = target;
    w.fwd.push({ leg: "forward", kind: "igw", id: vpc.igw.id, ...where(x), verdict: "pass", detail: w.explain ? `internet gateway ${vpc.igw.id} delivers ${dstText} to ${x.eni.id} (IPv6: public address, no translation)` : "" });
    w.segFwd.push(lat.segment(place(x), undefined));
    aclCheck(w, "forward", x, "ingress", kf, S);
    if (!w.stop) sgCheck(w, "forward", x, "ingress", kf, S, undefined, false);
    if (!w.stop) {
      w.fwd.push({ leg: "forward", kind: "eni", id: x.eni.id, ...where(x), verdict: instanceRunning(x) ? "allow" : "deny", detail: w.explain ? `${dstText} on ${x.eni.id}${x.instance ? ` (${x.instance.id}, ${x.instance.state})` : ""} sees source ${srcText}` : "" });
      stateCheck(w, "forward", x, "destination");
      arrived = x;
    }
  }
  if (arrived && !w.stop) {
    const back = walkFrom(w, "return", arrived, address, S, kr, true, 0, undefined);
    if (back && !w.stop && back.kind === "eni") {
      w.block({
        code: "NO_POSSIBLE_DESTINATION",
        leg: "return",
        onPath: true,
        component: { id: back.eni!.vpc.vpc.id, type: "vpc", ...where(back.eni!) },
        address: srcText,
        reason: `the reply to ${srcText} is routed to ${back.eni!.eni.id} in ${back.eni!.vpc.vpc.id}, not back out to the Internet`,
        fix: `route ${srcText} (or ::/0) to the internet gateway ${vpc.igw?.id ?? ""} in ${arrived.subnet.rt?.id ?? "the subnet's route table"}`,
      });
    }
  }
  return finish(w, p, { kind: "internet", address: srcText }, target ? endpointView(target, true) : { kind: "eni", address: dstText, vpcId: vpc.vpc.id, account: vpc.rs.account, region: vpc.rs.region }, dstText, arrived ? srcText : undefined);
}

/** The analysis of a walk. */
function finish(w: Walk, p: NormalizedPacket, source: EndpointView, destination: EndpointView, destinationAddress: string, seen: string | undefined): Analysis {
  const blocked = w.blocked;
  const segments = [...w.segFwd, ...w.segRet].map((s) => ({ medianMs: s.medianMs / 2, lo: s.lo / 2, hi: s.hi / 2 }));
  let rtt = 0;
  for (const s of segments) rtt += s.medianMs;
  const result: Analysis = {
    verdict: blocked ? "blocked" : "reachable",
    protocol: p.protocol,
    port: p.protocol === "icmp" ? undefined : p.port,
    source,
    destination,
    destinationAddress,
    forward: w.fwd,
    return: w.ret,
    sourceAddressSeenByReceiver: seen,
    pathMtu: w.mtu,
    rttMs: blocked ? 0 : rtt,
    explanations: blocked ? [...w.expl, ...w.lints] : [],
    warnings: blocked ? [] : w.lints,
    segments,
    routerHops: w.routerHops,
  };
  if (p.df && p.size > w.mtu) result.fragmentationNeeded = { mtu: w.mtu, at: w.mtuAt };
  return result;
}

/** Analyzes a packet between two already-resolved ends. */
export function analyzeResolved(m: NetworkModel, lat: LatencyModel, sender: Sender, dst: ResolvedDestination, p: NormalizedPacket): Analysis {
  if (isInternet(sender)) return dst.address < 0 ? fromInternet6(m, lat, sender, dst, p) : fromInternet(m, lat, sender, dst, p);
  const source = sender;
  const v6 = dst.address < 0;
  if (!v6 && source.ipv6Only) throw noIpv4Address(source.instance?.id ?? source.eni.id, `send to the IPv4 address ${fmtIp(dst.address)}`);
  const srcAddr = v6 ? source.primaryIp6 : source.primaryIp;
  if (srcAddr === undefined) throw noIpv6Address(source.instance?.id ?? source.eni.id, source.eni.id, `send to the IPv6 address ${fmtIp(dst.address)}`);
  const w = new Walk(m, m.world, lat, p.explain);
  const { fwd: kf, ret: kr } = keys(p.protocol, p.port, p.sourcePort, v6);
  const arrival = walkFrom(w, "forward", source, srcAddr, dst.address, kf, false, 0, source.eni.securityGroupIds);
  if (arrival && dst.eni && arrival.kind === "eni" && arrival.eni !== dst.eni && !w.stop) {
    const got = arrival.eni!;
    w.block({
      code: "NO_POSSIBLE_DESTINATION",
      leg: "forward",
      onPath: true,
      component: { id: got.vpc.vpc.id, type: "vpc", ...where(got) },
      vpcId: got.vpc.vpc.id,
      networkInterfaceId: got.eni.id,
      address: fmtIp(dst.address),
      reason: `the routes deliver ${fmtIp(dst.address)} to ${got.eni.id} in ${got.vpc.vpc.id} (${got.rs.region}), not to ${dst.eni.eni.id} in ${dst.eni.vpc.vpc.id} (${dst.eni.rs.region})`,
      fix: `point the route for ${fmtIp(dst.address)} at the peering connection to ${dst.eni.vpc.vpc.id}`,
    });
  }
  if (arrival && !w.stop) {
    if (arrival.kind === "internet") {
      replyFromOutside(w, source, arrival, kr);
    } else {
      const d = arrival.eni!;
      const back = walkFrom(w, "return", d, d.ips.includes(arrival.ip) ? arrival.ip : v6 ? (d.primaryIp6 ?? d.primaryIp) : d.primaryIp, arrival.seenSrc, kr, true, 0, d.eni.securityGroupIds);
      if (back && !w.stop && (back.kind !== "eni" || back.eni !== source)) {
        const got = back.eni;
        w.block({
          code: "NO_POSSIBLE_DESTINATION",
          leg: "return",
          onPath: true,
          component: got ? { id: got.vpc.vpc.id, type: "vpc", ...where(got) } : { id: fmtIp(arrival.seenSrc), type: "internet", account: d.rs.account, region: d.rs.region },
          address: fmtIp(arrival.seenSrc),
          reason: `the reply to ${fmtIp(arrival.seenSrc)} is routed to ${got ? `${got.eni.id} in ${got.vpc.vpc.id}` : "the Internet"}, not back to the sender ${source.eni.id}`,
          fix: `fix the route for ${fmtIp(arrival.seenSrc)} in the receiver's route table so that replies go back the way they came`,
        });
      }
    }
  }
  if (w.explain) for (const rt of w.rtsUsed) lintPcxRoutes(w, rt, source.subnet.rt === rt ? source : arrival?.eni ?? source);
  const destination: EndpointView =
    arrival?.kind === "eni" && arrival.eni
      ? endpointView(arrival.eni, v6)
      : dst.eni
        ? endpointView(dst.eni, v6)
        : { kind: "internet", address: fmtIp(dst.address) };
  return finish(w, p, endpointView(source, v6), destination, fmtIp(dst.address), arrival ? fmtIp(arrival.seenSrc) : undefined);
}

/** Resolves the query's ends (see `resolveSource` / `resolveDestination`) and analyzes the packet. */
export function analyzeQuery(m: NetworkModel, lat: LatencyModel, q: PacketQuery): Analysis {
  const p = normalizePacket(q);
  let source = resolveSource(m, q.source, { account: q.account, region: q.region });
  if (q.sourceIp !== undefined && isInternet(source)) {
    const ip = parseAddr(q.sourceIp);
    if (ip === undefined || !isInternetAddress(m, ip)) {
      throw invalidParameterValue(`The source IP ${q.sourceIp} is not an address on the Internet (it is private, shared, or held by a VPC of the lab)`);
    }
    source = { ...source, address: ip, chosen: true };
  }
  if (q.family !== undefined && q.family !== 4 && q.family !== 6) throw invalidParameterValue(`Value (${String(q.family)}) for parameter family is invalid. Valid values: 4, 6`);
  const dst = resolveDestination(m, q.destination, { account: q.destinationAccount ?? q.account, region: q.destinationRegion }, q.family);
  if (q.family === 4 && dst.address < 0) throw invalidParameterValue(`The destination ${q.destination} is an IPv6 address, and family 4 was asked for`);
  return analyzeResolved(m, lat, source, dst, p);
}
