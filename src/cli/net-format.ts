/**
 * How `vpclab ping|trace|connect|why` print: pure functions from the admin API's JSON to the lines a
 * user reads. Kept apart from the commands so the formats can be unit-tested without a server.
 *
 * References: iputils ping(8) output (reply lines, "From … Frag needed and DF set (mtu = N)", the
 * statistics block; `time=` printed with 3 significant digits the way iputils does, loss with `%g`),
 * traceroute(8) (header "traceroute to X (X), 30 hops max, 60 byte packets", three probes per hop,
 * `* * *` for silence), and AWS Reachability Analyzer's explanation codes for `why`.
 *
 * Fidelity notes:
 * - Reply lines print the address only (`64 bytes from 172.31.0.4:`), as `ping -n` does: vpclab has
 *   no reverse DNS.
 * - traceroute inside AWS sees only appliances and the destination (the VPC router does not answer
 *   probes); each line also names the components the probe crossed, which real traceroute cannot.
 * - The types come from the engine's documented API contract as type-only imports (erased at run
 *   time): the CLI still talks to the server only over HTTP.
 */
import type { Analysis, Explanation, Hop, PingReply, PingError, TraceResult, ConnectResult } from "../engine/index.js";
import { isPrivate, parseIp } from "../domain/cidr.js";
import { fixCommand } from "../engine/fix-command.js";

/** An explanation's structured fixes as AWS CLI command lines (one renderer: engine/fix-command.ts). */
export function fixLines(e: Pick<Explanation, "fixes" | "component">): string[] {
  return (e.fixes ?? []).map((f) => `${fixCommand(f)}${f.account && f.account !== e.component.account ? `   # as account ${f.account}` : ""}`);
}

// ---- ping --------------------------------------------------------------------------------------

/** `time=` as iputils prints it: 3 decimals below 1 ms, 2 below 10 ms, 1 below 100 ms, none above. */
export function pingTime(ms: number): string {
  const us = Math.round(ms * 1000);
  if (us >= 100_000 - 50) return String(Math.round(us / 1000));
  if (us >= 10_000 - 5) return (Math.round(us / 100) / 10).toFixed(1);
  if (us >= 1000) return (Math.round(us / 10) / 100).toFixed(2);
  return (us / 1000).toFixed(3);
}

/** C's `%g` (6 significant digits, no trailing zeros), which iputils uses for the loss percentage. */
export function cG(x: number): string {
  if (x === 0) return "0";
  const s = x.toPrecision(6);
  return s.includes("e") ? s : s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}

export function pingHeader(target: string, address: string, payload: number): string {
  return `PING ${target} (${address}) ${payload}(${payload + 28}) bytes of data.`;
}

export function pingReplyLine(r: PingReply, seq = r.seq): string {
  return `${r.bytes} bytes from ${r.from}: icmp_seq=${seq} ttl=${r.ttl} time=${pingTime(r.rttMs)} ms`;
}

export function pingErrorLine(e: PingError, seq = e.seq): string {
  // iputils: "From 10.20.1.4 icmp_seq=1 Frag needed and DF set (mtu = 8500)"; local errors have no "From".
  if (e.error.startsWith("local error")) return `ping: ${e.error}`;
  return `From ${e.from} icmp_seq=${seq} ${e.error}`;
}

export interface PingTally {
  transmitted: number;
  received: number;
  errors: number;
  timeMs: number;
  rtts: number[];
}

/** min/avg/max/mdev as iputils computes them (mdev: population standard deviation). */
export function rttStats(rtts: number[]): { min: number; avg: number; max: number; mdev: number } {
  if (rtts.length === 0) return { min: 0, avg: 0, max: 0, mdev: 0 };
  let sum = 0;
  let sum2 = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const r of rtts) {
    sum += r;
    sum2 += r * r;
    if (r < min) min = r;
    if (r > max) max = r;
  }
  const avg = sum / rtts.length;
  const mdev = Math.sqrt(Math.max(0, sum2 / rtts.length - avg * avg));
  return { min, avg, max, mdev };
}

export function pingStatsLines(target: string, t: PingTally): string[] {
  const loss = t.transmitted === 0 ? 0 : ((t.transmitted - t.received) * 100) / t.transmitted;
  const errs = t.errors > 0 ? `, +${t.errors} errors` : "";
  const lines = [
    "",
    `--- ${target} ping statistics ---`,
    `${t.transmitted} packets transmitted, ${t.received} received${errs}, ${cG(loss)}% packet loss, time ${Math.round(t.timeMs)}ms`,
  ];
  if (t.received > 0) {
    const s = rttStats(t.rtts);
    lines.push(`rtt min/avg/max/mdev = ${s.min.toFixed(3)}/${s.avg.toFixed(3)}/${s.max.toFixed(3)}/${s.mdev.toFixed(3)} ms`);
  }
  return lines;
}

/** The first blocker on the packet's path (lints about other routes come after). */
export function firstBlocker(explanations: Explanation[] | undefined): Explanation | undefined {
  return explanations?.find((e) => e.onPath) ?? explanations?.[0];
}

function quoteArg(s: string): string {
  return /^[\w.:@/-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

/** One line pointing from a failed check to `vpclab why`. */
export function whyPointer(e: Explanation | undefined, from: string, to: string, extra = ""): string {
  const cmd = `vpclab why ${quoteArg(from)} ${quoteArg(to)}${extra}`;
  if (!e) return `No reply. Run \`${cmd}\` to see the path.`;
  return `Blocked: ${e.code} at ${e.component.id} (${e.component.region}). Run \`${cmd}\` for the path, every blocker and the fix.`;
}

// ---- trace -------------------------------------------------------------------------------------

/** Components a probe crosses to reach its router hop, named briefly (`rtb-… → pcx-… → vpc-…`). */
function crossed(components: Hop[]): string {
  const keep = components.filter((h) => h.leg === "forward" && (h.kind === "route-table" || h.kind === "pcx" || h.kind === "tgw-route-table" || h.kind === "tgw-peering" || h.kind === "igw" || h.kind === "vpc" || h.kind === "appliance" || h.kind === "nat-gateway" || h.kind === "vpc-endpoint" || h.kind === "internet"));
  return keep.map((h) => ((h.kind === "route-table" || h.kind === "tgw-route-table") && h.route ? `${h.id} (${h.route.destinationCidr} → ${h.route.target})` : h.id)).join(" → ");
}

/**
 * traceroute's text from up to three /trace answers (one per probe: each draws its own RTT sample);
 * `traces[0]` decides the hops.
 */
export function traceLines(target: string, traces: TraceResult[]): string[] {
  const t = traces[0]!;
  const lines = [`traceroute to ${target} (${t.destination}), 30 hops max, 60 byte packets`];
  const via = crossed(t.components);
  for (let i = 0; i < t.hops.length; i++) {
    const h = t.hops[i]!;
    const num = String(h.ttl).padStart(2, " ");
    if (h.address === null) {
      lines.push(`${num}  * * *`);
      continue;
    }
    const probes = [0, 1, 2].map((p) => {
      const rtt = traces[p]?.hops[i]?.rttMs ?? h.rttMs;
      return rtt === undefined ? "*" : `${rtt.toFixed(3)} ms`;
    });
    const last = i === t.hops.length - 1 && t.reached;
    const name = h.id ? `${h.id} ` : "";
    const note = last && via ? `  [${name}via ${via}]` : name ? `  [${name.trim()}]` : "";
    lines.push(`${num}  ${h.address} (${h.address})  ${probes.join("  ")}${note}`);
  }
  if (!t.reached) {
    const b = firstBlocker(t.explanations);
    const reachedSoFar = crossed(t.components);
    if (reachedSoFar) lines.push(`    (the probes crossed ${reachedSoFar})`);
    if (b) lines.push(`    stopped at ${b.component.id} (${componentRole(b.component.type)}, ${b.component.region}): ${b.code}`);
  }
  return lines;
}

// ---- connect -----------------------------------------------------------------------------------

function isPrivateText(address: string): boolean {
  const ip = parseIp(address);
  return ip !== undefined && isPrivate(ip);
}

export function connectLines(c: ConnectResult): string[] {
  const proto = c.protocol;
  if (c.result === "connected") {
    return [
      `Connection to ${c.destination} port ${c.port} [${proto}] succeeded (${c.rttMs?.toFixed(3)} ms round trip).`,
      `The receiver saw the connection come from ${c.sourceAddressSeenByReceiver}${c.sourceAddressSeenByReceiver === c.source ? (isPrivateText(c.source) ? " (the sender's private IP: no NAT on the way)" : " (the sender's own public address: it came from the Internet)") : c.sourceAddressSeenByReceiver ? ` (the sender ${c.source} was translated, e.g. by an internet gateway)` : ""}.`,
    ];
  }
  if (c.result === "refused") {
    return [
      `connect to ${c.destination} port ${c.port} (${proto}) failed: Connection refused`,
      `The network let the packet through (the receiver saw source ${c.sourceAddressSeenByReceiver}), but nothing listens on ${proto} ${c.port}: ${c.detail}.`,
    ];
  }
  return [`connect to ${c.destination} port ${c.port} (${proto}) failed: Connection timed out`];
}

// ---- why ---------------------------------------------------------------------------------------

const ROLE: Record<string, string> = {
  eni: "network interface",
  "sg-egress": "security group, outbound",
  "sg-ingress": "security group, inbound",
  "nacl-out": "network ACL, outbound",
  "nacl-in": "network ACL, inbound",
  "route-table": "route table",
  local: "local delivery",
  pcx: "VPC peering connection",
  "tgw-attachment": "transit gateway attachment",
  "tgw-route-table": "transit gateway route table",
  "tgw-peering": "transit gateway peering attachment",
  vpc: "peer VPC",
  igw: "internet gateway",
  internet: "the Internet (simulated)",
  appliance: "appliance (routes through an instance)",
  "nat-gateway": "NAT gateway",
  "vpc-endpoint": "VPC endpoint",
};

const TYPE_ROLE: Record<string, string> = {
  "network-interface": "network interface",
  "security-group": "security group",
  "network-acl": "network ACL",
  "route-table": "route table",
  "vpc-peering-connection": "VPC peering connection",
  "internet-gateway": "internet gateway",
  "nat-gateway": "NAT gateway",
  "transit-gateway-route-table": "transit gateway route table",
  "transit-gateway-attachment": "transit gateway attachment",
  instance: "instance",
  subnet: "subnet",
  vpc: "VPC",
  internet: "the Internet",
};

export function componentRole(type: string): string {
  return TYPE_ROLE[type] ?? type;
}

/** Plain-language meaning of each explanation code, for someone new to AWS. */
const CODE_MEANING: Record<string, string> = {
  NO_ROUTE_TO_DESTINATION: "no route in the route table covers the destination address",
  BAD_STATE_ROUTE: "the matching route points at a target that cannot carry traffic (a blackhole route)",
  BAD_STATE: "a component is not in a working state",
  BAD_STATE_ATTACHMENT: "an attachment is not in a working state",
  ENI_SG_RULES_MISMATCH: "no security-group rule allows this traffic (security groups deny by default)",
  SUBNET_ACL_RESTRICTION: "the subnet's network ACL denies this traffic (NACLs are stateless: both directions need rules)",
  PCX_REQUIRES_ADDRESS_IN_VPC_CIDR: "a peering connection only carries addresses inside the peer VPC's CIDR blocks",
  IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS: "to use an internet gateway the sender needs a public or elastic IP",
  IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS: "internet gateways do not forward private (RFC 1918) destinations",
  IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS: "internet gateways do not forward shared (RFC 6598) destinations",
  IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS: "traffic from the Internet needs an internet gateway on the receiving VPC",
  ENI_SOURCE_DEST_CHECK_RESTRICTION: "an instance used as a router must have its source/destination check turned off",
  NO_POSSIBLE_DESTINATION: "the packet reaches no interface that holds the destination address",
  TGW_RTB_CANNOT_ROUTE: "the transit gateway route table the packet is routed by has no route for its destination",
  TGW_RTB_BAD_STATE_ROUTE: "the transit gateway route for the destination is a blackhole or points at an attachment that is not available",
  TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION: "a transit gateway attachment needs an associated route table before the gateway routes its traffic",
  TGW_ATTACH_IPV6_SUPPORT_DISABLED: "IPv6 crosses a transit gateway only by VPC attachments with IPv6 support enabled",
  TGW_ROUTE_AZ_RESTRICTION: "a VPC reaches a transit gateway only from Availability Zones where its attachment has a subnet",
};

function verdictMark(v: Hop["verdict"]): string {
  return v === "allow" ? "ok  " : v === "deny" ? "DENY" : "    ";
}

function hopLines(hops: Hop[]): string[] {
  const out: string[] = [];
  let n = 0;
  for (const h of hops) {
    n++;
    const where = h.region ? ` [${h.region}]` : "";
    const role = ROLE[h.kind] ?? h.kind;
    const decided: string[] = [];
    if (h.route) decided.push(`route ${h.route.destinationCidr} → ${h.route.target} (${h.route.state})`);
    if (h.securityGroupRuleId) decided.push(`rule ${h.securityGroupRuleId}${h.securityGroupId ? ` of ${h.securityGroupId}` : ""}`);
    if (h.aclRuleNumber !== undefined) decided.push(`NACL rule #${h.aclRuleNumber === 32767 ? "* (default deny)" : h.aclRuleNumber}`);
    out.push(`  ${String(n).padStart(2, " ")}. ${verdictMark(h.verdict)} ${h.id}${where}  ${role}${decided.length ? ` — decided by ${decided.join(", ")}` : ""}`);
    out.push(`           ${h.detail}`);
  }
  return out;
}

function idsOf(e: Explanation): string[] {
  const ids: string[] = [];
  const add = (label: string, v: string | undefined) => {
    if (v) ids.push(`${label} ${v}`);
  };
  add("route table", e.routeTableId);
  if (e.route) ids.push(`route ${e.route.destinationCidr} → ${e.route.target} (${e.route.state})`);
  if (e.securityGroupIds?.length) ids.push(`security group${e.securityGroupIds.length > 1 ? "s" : ""} ${e.securityGroupIds.join(", ")}`);
  add("network ACL", e.aclId);
  if (e.aclRule) ids.push(`NACL rule #${e.aclRule.ruleNumber === 32767 ? "* (default deny)" : e.aclRule.ruleNumber} ${e.aclRule.ruleAction} ${e.aclRule.egress ? "outbound" : "inbound"}`);
  add("peering", e.vpcPeeringConnectionId);
  add("internet gateway", e.internetGatewayId);
  add("interface", e.networkInterfaceId);
  add("instance", e.instanceId);
  add("subnet", e.subnetId);
  add("vpc", e.vpcId);
  add("address", e.address);
  return ids;
}

function explanationLines(list: Explanation[], indexBase = 1): string[] {
  const out: string[] = [];
  list.forEach((e, i) => {
    const dir = e.direction ? `, ${e.direction === "ingress" ? "inbound" : "outbound"}` : "";
    out.push(`  ${indexBase + i}. ${e.code} — ${componentRole(e.component.type)} ${e.component.id} (${e.component.region}, account ${e.component.account}; ${e.leg} path${dir}${e.onPath ? "" : "; not on this packet's path"})`);
    const meaning = CODE_MEANING[e.code];
    if (meaning) out.push(`     what:   ${meaning}`);
    const ids = idsOf(e);
    if (ids.length) out.push(`     ids:    ${ids.join("; ")}`);
    out.push(`     reason: ${e.reason}`);
    out.push(`     fix:    ${e.fix}`);
    for (const line of fixLines(e)) out.push(`     run:    ${line}`);
  });
  return out;
}

function endpointText(v: Analysis["source"]): string {
  if (v.kind === "internet") return `${v.address} (the Internet, simulated)`;
  const parts = [v.instanceId, v.networkInterfaceId, v.subnetId, v.vpcId, v.availabilityZone ?? v.region].filter(Boolean);
  return `${v.address} (${parts.join(", ")}${v.account ? `, account ${v.account}` : ""}${v.publicIp ? `, public IP ${v.publicIp}` : ""})`;
}

function what(a: Pick<Analysis, "protocol" | "port">): string {
  return a.protocol === "icmp" ? "ICMP (ping)" : `${a.protocol.toUpperCase()} port ${a.port}`;
}

export function whyLines(a: Omit<Analysis, "segments">): string[] {
  const lines: string[] = [];
  lines.push(`Can ${a.source.address} reach ${a.destinationAddress} over ${what(a)}?`);
  lines.push(`  from: ${endpointText(a.source)}`);
  lines.push(`  to:   ${endpointText(a.destination)}`);
  lines.push("");
  lines.push("Forward path (the request), hop by hop:");
  lines.push(...(a.forward.length ? hopLines(a.forward) : ["  (none)"]));
  if (a.return.length) {
    lines.push("");
    lines.push(
      a.verdict === "reachable"
        ? "Return path (the reply; security groups let replies through, network ACLs check them again):"
        : "Return path (the reply, once the request gets through; security groups let replies through, network ACLs check them again):",
    );
    lines.push(...hopLines(a.return));
  }
  const onPath = a.explanations.filter((e) => e.onPath);
  const lints = a.explanations.filter((e) => !e.onPath);
  if (onPath.length) {
    lines.push("");
    lines.push(`Blocked by ${onPath.length} component${onPath.length > 1 ? "s" : ""} (AWS Reachability Analyzer codes):`);
    lines.push(...explanationLines(onPath));
  }
  if (lints.length) {
    lines.push("");
    lines.push("Also wrong in the route tables used (would not carry this traffic either):");
    lines.push(...explanationLines(lints, onPath.length + 1));
  }
  if (a.warnings.length) {
    lines.push("");
    lines.push("Warnings (do not block this packet):");
    lines.push(...explanationLines(a.warnings));
  }
  lines.push("");
  if (a.verdict === "reachable") {
    const seen = a.sourceAddressSeenByReceiver;
    const frag = a.fragmentationNeeded ? `; but a ${a.fragmentationNeeded.mtu < 9001 ? "packet this large" : "large packet"} with DF set needs fragmentation (mtu = ${a.fragmentationNeeded.mtu} at ${a.fragmentationNeeded.at})` : "";
    lines.push(`Verdict: REACHABLE — ${a.source.address} reaches ${a.destinationAddress} over ${what(a)}; round trip ≈ ${a.rttMs.toFixed(1)} ms, path MTU ${a.pathMtu}, the receiver sees source ${seen}${frag}.`);
  } else {
    const first = onPath[0] ?? a.explanations[0];
    lines.push(
      `Verdict: BLOCKED — ${a.source.address} cannot reach ${a.destinationAddress} over ${what(a)}${first ? `; start with ${first.code} at ${first.component.id}` : ""}.`,
    );
  }
  return lines;
}
