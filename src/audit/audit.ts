/**
 * `vpclab audit`: findings over a whole world (a loaded snapshot, or a running vpclab's saved state),
 * each with the components involved and the fix, and `--expect` assertions (audit/expect.ts).
 *
 * Findings:
 * - internet-exposure: every running instance interface with a public or elastic IP that the Internet
 *   reaches, per port its security groups open to a non-private CIDR, with the internet gateway and the
 *   public address — each one a question to the engine (`from: internet`), so NACLs, routes and the
 *   gateway count, not just the group rule. NAT gateways are named as not exposing anything
 *   (`natNotes`): for each public NAT gateway, the engine is asked whether the Internet reaches its
 *   elastic IP (it never does: a NAT gateway only carries connections opened from inside), and the
 *   running instances whose subnets send their default route to it are listed as reaching out only.
 *
 * Fixes: a finding's `fix` is prose; `fixes` are the same remedy as EC2 API calls (engine/fix-command.ts
 * `Fix`), rendered by that module's one renderer (`fixCommand`) in the table, --json (`commands`) and
 * the HTML report. No finding carries a hand-built command string.
 * - dead-route: routes that can never carry traffic: blackholes (the target is missing, stopped,
 *   detached, a NAT gateway or endpoint that is not available or deleted, an egress-only gateway that is
 *   gone, a virtual private gateway not attached to the VPC, or a target of a kind vpclab does not model) and peering routes whose destination lies outside
 *   every CIDR of the peer VPC (partly outside: only the overlap carries traffic).
 * - open-admin-port: security-group rules open to 0.0.0.0/0 or ::/0 on an administrative port.
 * - unused-group: non-default security groups attached to no network interface.
 * - one-sided-route, unused-connection, shadowed-acl-entry, and dead transit gateway routes: see
 *   audit/findings.ts. The groups × groups reachability matrix is audit/classes.ts; the HTML report
 *   audit/html.ts.
 *
 * Fidelity notes: the exposure audit asks the engine once per (interface, opened port range) — 2,000
 * questions for 10,000 interfaces in well under the 5 s target (BENCHMARKS.md); a port range is probed
 * at its first port only. A group counts as used when a network interface carries it (a group only
 * referenced by other groups' rules is still reported: nothing sends from it).
 */
import type { World } from "../state/world.js";
import type { RegionState } from "../state/world.js";
import type { SecurityGroupRule } from "../domain/types.js";
import { routeState } from "../domain/route-tables.js";
import { cidrOf, containsCidr, formatIp, isPrivate, overlaps, parseCidr } from "../domain/cidr.js";
import { engineOf } from "../engine/index.js";
import { fixCommand, type Fix, type FixValue } from "../engine/fix-command.js";
import { isIpv6Route } from "../domain/ipv6.js";
import { natPublicIp } from "../domain/nat-gateways.js";
import { oneSidedRoutes, shadowedAclEntries, tgwDeadRoutes, unusedConnections } from "./findings.js";

export type FindingKind = "internet-exposure" | "dead-route" | "one-sided-route" | "unused-connection" | "open-admin-port" | "shadowed-acl-entry" | "unused-group";

/** Every kind, in report order, with its section title. */
export const FINDING_KINDS: [FindingKind, string][] = [
  ["internet-exposure", "Reachable from the Internet"],
  ["open-admin-port", "Administrative ports open to the world"],
  ["one-sided-route", "Routes without a return path"],
  ["dead-route", "Routes that can never carry traffic"],
  ["unused-connection", "Peerings and transit gateway attachments that carry nothing"],
  ["shadowed-acl-entry", "Network ACL entries shadowed by earlier ones"],
  ["unused-group", "Security groups used by nothing"],
];

export interface Finding {
  kind: FindingKind;
  severity: "high" | "medium" | "low";
  account: string;
  region: string;
  /** The ids involved, most specific first. */
  components: string[];
  summary: string;
  /** The remedy in words (the commands, when there are any, are in `fixes`). */
  fix: string;
  /** The remedy as EC2 API calls (alternatives or steps, in order), where one can be given. */
  fixes?: Fix[];
}

/** A structured fix at a region. */
export function fixAt(rs: { account: string; region: string }, action: string, params: Record<string, FixValue>): Fix {
  return { action, params, account: rs.account, region: rs.region };
}

/** The AWS CLI command lines of a finding's (or an explanation's) structured fixes: the one renderer. */
export function fixCommands(f: { fixes?: Fix[] }): string[] {
  return (f.fixes ?? []).map(fixCommand);
}

/** A route's destination as the route calls' parameter (IPv4, IPv6 or prefix list). */
export function routeDestination(r: { destinationCidr: string; destinationPrefixListId?: string }): Record<string, string> {
  if (r.destinationPrefixListId !== undefined) return { DestinationPrefixListId: r.destinationPrefixListId };
  return isIpv6Route(r) ? { DestinationIpv6CidrBlock: r.destinationCidr } : { DestinationCidrBlock: r.destinationCidr };
}

/** A public NAT gateway, named by the exposure audit as exposing nothing. */
export interface NatNote {
  account: string;
  region: string;
  natGatewayId: string;
  publicIp: string;
  /** Running instances whose subnet's default route goes to the gateway (they reach out, nothing reaches in). */
  instances: string[];
  /** The engine's answer for Internet → the gateway's elastic IP (tcp:443): always blocked, with its code. */
  verdict: string;
  summary: string;
}

/** Ports whose exposure to the whole Internet is a finding on its own (remote shells, desktops, databases). */
export const ADMIN_PORTS: Record<number, string> = {
  22: "SSH",
  23: "Telnet",
  3389: "RDP",
  5985: "WinRM",
  5986: "WinRM over TLS",
  3306: "MySQL",
  5432: "PostgreSQL",
  1433: "SQL Server",
  1521: "Oracle",
  6379: "Redis",
  9200: "Elasticsearch",
  27017: "MongoDB",
};

const protoName = (p: string) => (p === "-1" ? "all traffic" : p === "6" ? "tcp" : p === "17" ? "udp" : p === "1" ? "icmp" : p);

function portText(r: Pick<SecurityGroupRule, "ipProtocol" | "fromPort" | "toPort">): string {
  const p = protoName(r.ipProtocol);
  if (p === "all traffic") return p;
  if (p === "icmp" || p === "icmpv6") return p;
  return r.fromPort === r.toPort ? `${p}:${r.fromPort}` : `${p}:${r.fromPort}-${r.toPort}`;
}

function* regions(world: World): Generator<RegionState> {
  for (const [, rmap] of world.parts().accounts) yield* rmap.values();
}

/** Every finding (or only those of the given kinds). */
export function audit(world: World, only?: FindingKind[]): Finding[] {
  const out: Finding[] = [];
  const want = (k: FindingKind) => !only || only.includes(k);
  for (const rs of regions(world)) {
    if (want("internet-exposure")) internetExposure(world, rs, out);
    if (want("dead-route")) deadRoutes(world, rs, out);
    if (want("open-admin-port")) openAdminPorts(rs, out);
    if (want("unused-group")) unusedGroups(rs, out);
  }
  if (want("dead-route")) tgwDeadRoutes(world, out);
  if (want("one-sided-route")) oneSidedRoutes(world, out);
  if (want("unused-connection")) unusedConnections(world, out);
  if (want("shadowed-acl-entry")) shadowedAclEntries(world, out);
  return out;
}

function internetExposure(world: World, rs: RegionState, out: Finding[]): void {
  const engine = engineOf(world);
  for (const eni of rs.networkInterfaces.values()) {
    if (!eni.association || !eni.attachment) continue;
    const inst = rs.instances.get(eni.attachment.instanceId);
    if (!inst || inst.state !== "running") continue;
    // One probe per (protocol, first port, source CIDR) that a group opens to a non-private range.
    const probes = new Map<string, { protocol: "tcp" | "udp" | "icmp"; port?: number; label: string; sourceIp?: string; cidr: string }>();
    for (const gid of eni.securityGroupIds) {
      const g = rs.securityGroups.get(gid);
      for (const r of g?.rules ?? []) {
        if (r.isEgress || r.cidrIpv4 === undefined) continue;
        const c = parseCidr(r.cidrIpv4);
        if (!c || (c.prefix >= 8 && RFC1918_ONLY(c))) continue;
        // A sender inside the rule's range: the rule's own first host, or the default Internet sender.
        const sourceIp = c.prefix === 0 ? undefined : formatIp((c.base + (c.prefix < 32 ? 1 : 0)) >>> 0);
        const p = protoName(r.ipProtocol);
        const add = (protocol: "tcp" | "udp" | "icmp", port: number | undefined, label: string) =>
          probes.set(`${protocol}/${port}/${r.cidrIpv4}`, { protocol, port, label, sourceIp, cidr: r.cidrIpv4! });
        if (p === "tcp" || p === "udp") add(p, r.fromPort, portText(r));
        else if (p === "icmp") add("icmp", undefined, "icmp");
        else if (p === "all traffic") {
          for (const port of [22, 3389, 80, 443]) add("tcp", port, `all traffic (probed tcp:${port})`);
          add("icmp", undefined, "all traffic (probed icmp)");
        }
      }
    }
    for (const pr of probes.values()) {
      const a = engine.analyze({
        source: "internet",
        sourceIp: pr.sourceIp,
        destination: eni.id,
        account: rs.account,
        region: rs.region,
        protocol: pr.protocol,
        port: pr.port,
        explain: false,
      });
      if (a.verdict !== "reachable") continue;
      const igw = a.forward.find((h) => h.kind === "igw")?.id;
      const admin = pr.port !== undefined && pr.protocol === "tcp" ? ADMIN_PORTS[pr.port] : undefined;
      const name = inst.tags.get("Name");
      out.push({
        kind: "internet-exposure",
        severity: admin || pr.label.startsWith("all traffic") ? "high" : "medium",
        account: rs.account,
        region: rs.region,
        components: [inst.id, eni.id, eni.association.publicIp, ...(igw ? [igw] : []), ...eni.securityGroupIds],
        summary: `${inst.id}${name ? ` (${name})` : ""} is reachable from the Internet (${pr.cidr}) on ${pr.label}${admin ? ` [${admin}]` : ""} at ${eni.association.publicIp}${eni.association.allocationId ? ` (elastic IP ${eni.association.allocationId})` : " (public IP)"} through ${igw ?? "an internet gateway"}`,
        fix: `narrow the ingress rule of ${eni.securityGroupIds.join(", ")} to the addresses that need it, or remove the public address (${eni.association.allocationId ? "disassociate the elastic IP" : "launch into a subnet without MapPublicIpOnLaunch"})`,
        ...(eni.association.allocationId && eni.association.associationId ? { fixes: [fixAt(rs, "DisassociateAddress", { AssociationId: eni.association.associationId })] } : {}),
      });
    }
  }
}

const RFC1918_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"].map(cidrOf);
function RFC1918_ONLY(c: { base: number; prefix: number }): boolean {
  return RFC1918_RANGES.some((r) => containsCidr(r, c)) || (c.prefix === 32 && isPrivate(c.base));
}

function deadRoutes(world: World, rs: RegionState, out: Finding[]): void {
  for (const rt of rs.routeTables.values()) {
    for (const r of rt.routes) {
      const t = r.target;
      const tid = t.kind === "local" ? "local" : t.id;
      const base = { kind: "dead-route" as const, account: rs.account, region: rs.region };
      if (routeState(world, rs, rt, r) === "blackhole") {
        const nat = t.kind === "nat" ? rs.natGateways.get(t.id) : undefined;
        const vpce = t.kind === "vpce" ? rs.vpcEndpoints.get(t.id) : undefined;
        const why =
          t.kind === "pcx"
            ? `peering ${t.id} is ${world.peerings.get(t.id)?.status.code ?? "not there (deleted)"}`
            : t.kind === "igw"
              ? `internet gateway ${t.id} is not attached to ${rt.vpcId}`
              : t.kind === "eni" || t.kind === "instance"
                ? `${t.id} is missing, detached or not running`
                : t.kind === "tgw"
                  ? `transit gateway ${t.id} is ${rs.transitGateways.get(t.id)?.state ?? "not there (deleted)"}${rs.transitGateways.get(t.id)?.state === "available" ? `, but ${rt.vpcId} has no available attachment to it` : ""}`
                  : t.kind === "nat"
                    ? `NAT gateway ${t.id} is ${nat ? `${nat.state}${nat.failureCode ? ` (${nat.failureCode}${nat.failureMessage ? `: ${nat.failureMessage}` : ""})` : ""}` : "not there (deleted)"}, and only an available NAT gateway carries traffic`
                    : t.kind === "vpce"
                      ? `VPC endpoint ${t.id} is ${vpce ? vpce.state : "not there (deleted)"}`
                      : t.kind === "eigw"
                        ? `egress-only internet gateway ${t.id} is not there (deleted) or not attached to ${rt.vpcId}`
                        : t.kind === "vgw"
                          ? `virtual private gateway ${t.id} is ${rs.vpnGateways.get(t.id) ? `${rs.vpnGateways.get(t.id)!.state}, and its attachment to ${rt.vpcId} is ${rs.vpnGateways.get(t.id)!.attachments.find((a) => a.vpcId === rt.vpcId)?.state ?? "missing"}` : "not there (deleted)"}`
                        : `${tid} is a ${t.kind === "unmodelled" ? "target kind" : `${t.kind} target, a kind`} vpclab does not model (check it in the account)`;
        const unmodelled = t.kind === "unmodelled";
        // A propagated route comes and goes with the VPN's propagation: it is not deleted by DeleteRoute.
        const propagated = r.origin === "EnableVgwRoutePropagation";
        const dest = routeDestination(r);
        out.push({
          ...base,
          severity: unmodelled ? "low" : "medium",
          components: [rt.id, tid, rt.vpcId],
          summary: `route ${r.destinationCidr} → ${tid} in ${rt.id} ${unmodelled ? "cannot be checked" : "is a blackhole"}: ${why}`,
          fix: unmodelled
            ? `check ${tid} in the account (vpclab answers paths through it as blocked)`
            : t.kind === "vpce"
              ? `repair or recreate ${tid} (a gateway endpoint's route comes and goes with the endpoint)`
              : propagated
                ? `attach ${tid} to ${rt.vpcId} again, or disable its route propagation in ${rt.id}`
              : `delete the route, or repair ${tid}${t.kind === "nat" ? " (point the route at an available NAT gateway)" : ""}`,
          // A gateway endpoint's route is not the route calls' to delete (AWS refuses): no command then.
          ...(unmodelled || t.kind === "vpce"
            ? {}
            : { fixes: [propagated ? fixAt(rs, "DisableVgwRoutePropagation", { RouteTableId: rt.id, GatewayId: tid }) : fixAt(rs, "DeleteRoute", { RouteTableId: rt.id, ...dest })] }),
        });
        continue;
      }
      if (t.kind === "pcx") {
        const pcx = world.peerings.get(t.id);
        if (!pcx) continue;
        const peer = pcx.requester.vpcId === rt.vpcId ? pcx.accepter : pcx.requester;
        const dest = parseCidr(r.destinationCidr);
        const peerCidrs = peer.cidrBlocks.map((b) => parseCidr(b)).filter((c) => c !== undefined);
        if (!dest || peerCidrs.length === 0) continue;
        if (!peerCidrs.some((c) => overlaps(c, dest))) {
          out.push({
            ...base,
            severity: "medium",
            components: [rt.id, t.id, peer.vpcId],
            summary: `route ${r.destinationCidr} → ${t.id} in ${rt.id} can never carry traffic: it lies outside every CIDR of the peer VPC ${peer.vpcId} (${peer.cidrBlocks.join(", ")}), and a peering only delivers to addresses inside the peer`,
            fix: `point the route at the peer's CIDR (${peer.cidrBlocks[0]}) or delete it`,
          });
        } else if (!peerCidrs.some((c) => containsCidr(c, dest))) {
          out.push({
            ...base,
            severity: "low",
            components: [rt.id, t.id, peer.vpcId],
            summary: `route ${r.destinationCidr} → ${t.id} in ${rt.id} is wider than the peer VPC ${peer.vpcId} (${peer.cidrBlocks.join(", ")}): only that part carries traffic, the rest is dropped`,
            fix: `narrow the route to the peer's CIDR`,
          });
        }
      }
    }
  }
}

function openAdminPorts(rs: RegionState, out: Finding[]): void {
  for (const g of rs.securityGroups.values()) {
    for (const r of g.rules) {
      if (r.isEgress || (r.cidrIpv4 !== "0.0.0.0/0" && r.cidrIpv6 !== "::/0")) continue;
      const p = protoName(r.ipProtocol);
      let ports: number[] = [];
      if (p === "all traffic") ports = Object.keys(ADMIN_PORTS).map(Number);
      else if (p === "tcp") ports = Object.keys(ADMIN_PORTS).map(Number).filter((n) => n >= r.fromPort && n <= r.toPort);
      if (ports.length === 0) continue;
      out.push({
        kind: "open-admin-port",
        severity: "high",
        account: rs.account,
        region: rs.region,
        components: [r.id, g.id, g.vpcId],
        summary: `${g.id} (${g.name}) rule ${r.id} opens ${portText(r)} to ${r.cidrIpv4 ?? r.cidrIpv6}: ${ports.map((n) => `${n} ${ADMIN_PORTS[n]}`).join(", ")}`,
        fix: `revoke the rule, then allow only the addresses that administer it (or use SSM Session Manager)`,
        fixes: [fixAt(rs, "RevokeSecurityGroupIngress", { GroupId: g.id, SecurityGroupRuleIds: [r.id] })],
      });
    }
  }
}

function unusedGroups(rs: RegionState, out: Finding[]): void {
  const used = new Set<string>();
  for (const eni of rs.networkInterfaces.values()) for (const g of eni.securityGroupIds) used.add(g);
  for (const g of rs.securityGroups.values()) {
    if (g.isDefault || used.has(g.id)) continue;
    out.push({
      kind: "unused-group",
      severity: "low",
      account: rs.account,
      region: rs.region,
      components: [g.id, g.vpcId],
      summary: `${g.id} (${g.name}) in ${g.vpcId} is attached to no network interface`,
      fix: `delete it (if nothing else refers to it)`,
      fixes: [fixAt(rs, "DeleteSecurityGroup", { GroupId: g.id })],
    });
  }
}

/**
 * The exposure audit's word on NAT gateways: each public NAT gateway with an elastic IP, the engine's
 * verdict for the Internet → its address (blocked: a NAT gateway carries only connections opened from
 * inside), and the running instances that reach out through it.
 */
export function natNotes(world: World): NatNote[] {
  const out: NatNote[] = [];
  const engine = engineOf(world);
  for (const rs of regions(world)) {
    for (const nat of rs.natGateways.values()) {
      const ip = natPublicIp(nat);
      if (nat.state !== "available" || nat.connectivityType !== "public" || !ip) continue;
      // The engine refuses an address no interface holds (a snapshot without the gateway's interface).
      let a: { verdict: string; explanations: { code: string }[] };
      try {
        a = engine.analyze({ source: "internet", destination: ip, account: rs.account, region: rs.region, protocol: "tcp", port: 443, explain: false });
      } catch {
        a = { verdict: "blocked", explanations: [{ code: "NO_POSSIBLE_DESTINATION" }] };
      }
      const code = a.explanations[0]?.code;
      // Subnets whose default route (the table associated with them, else the main one) goes to the gateway.
      const mainTable = [...rs.routeTables.values()].find((t) => t.vpcId === nat.vpcId && t.associations.some((x) => x.main));
      const behind = new Set<string>();
      for (const sub of rs.subnets.values()) {
        if (sub.vpcId !== nat.vpcId) continue;
        const table = [...rs.routeTables.values()].find((t) => t.associations.some((x) => x.subnetId === sub.id)) ?? mainTable;
        if (table?.routes.some((r) => r.destinationCidr === "0.0.0.0/0" && r.target.kind === "nat" && r.target.id === nat.id)) behind.add(sub.id);
      }
      const instances = [...rs.instances.values()].filter((i) => i.state === "running" && behind.has(i.subnetId)).map((i) => i.id);
      out.push({
        account: rs.account,
        region: rs.region,
        natGatewayId: nat.id,
        publicIp: ip,
        instances,
        verdict: `${a.verdict}${code ? ` ${code}` : ""}`,
        summary: `${nat.id} (${ip}) exposes no instance: ${a.verdict === "reachable" ? "UNEXPECTED: the engine answers reachable" : `the Internet cannot open connections through it (${code ?? a.verdict})`}; ${instances.length > 0 ? `${instances.join(", ")} reach${instances.length === 1 ? "es" : ""} out through it only` : "no running instance routes through it"}`,
      });
    }
  }
  return out;
}
