/**
 * `vpclab audit`: findings over a whole world (a loaded snapshot, or a running vpclab's saved state),
 * each with the components involved and the fix, and `--expect` assertions (audit/expect.ts).
 *
 * Findings:
 * - internet-exposure: every running instance interface with a public or elastic IP that the Internet
 *   reaches, per port its security groups open to a non-private CIDR, with the internet gateway and the
 *   public address — each one a question to the engine (`from: internet`), so NACLs, routes and the
 *   gateway count, not just the group rule.
 * - dead-route: routes that can never carry traffic: blackholes (the target is missing, stopped,
 *   detached or of a kind vpclab does not model) and peering routes whose destination lies outside every
 *   CIDR of the peer VPC (partly outside: only the overlap carries traffic).
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
  fix: string;
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
        fix: `narrow the ingress rule of ${eni.securityGroupIds.join(", ")} to the addresses that need it, or remove the public address (${eni.association.allocationId ? `aws ec2 disassociate-address --association-id ${eni.association.associationId}` : "launch into a subnet without MapPublicIpOnLaunch"})`,
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
        const why =
          t.kind === "pcx"
            ? `peering ${t.id} is ${world.peerings.get(t.id)?.status.code ?? "not there (deleted)"}`
            : t.kind === "igw"
              ? `internet gateway ${t.id} is not attached to ${rt.vpcId}`
              : t.kind === "eni" || t.kind === "instance"
                ? `${t.id} is missing, detached or not running`
                : t.kind === "tgw"
                  ? `transit gateway ${t.id} is ${rs.transitGateways.get(t.id)?.state ?? "not there (deleted)"}${rs.transitGateways.get(t.id)?.state === "available" ? `, but ${rt.vpcId} has no available attachment to it` : ""}`
                  : `${tid} is a ${t.kind === "unmodelled" ? "target kind" : `${t.kind} target, a kind`} vpclab does not model (check it in the account)`;
        const unmodelled = t.kind === "nat" || t.kind === "vgw" || t.kind === "eigw" || t.kind === "unmodelled";
        out.push({
          ...base,
          severity: unmodelled ? "low" : "medium",
          components: [rt.id, tid, rt.vpcId],
          summary: `route ${r.destinationCidr} → ${tid} in ${rt.id} ${unmodelled ? "cannot be checked" : "is a blackhole"}: ${why}`,
          fix: unmodelled
            ? `check ${tid} in the account (vpclab answers paths through it as blocked)`
            : `aws ec2 delete-route --route-table-id ${rt.id} --destination-cidr-block ${r.destinationCidr}, or repair ${tid}`,
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
        fix: `aws ec2 revoke-security-group-ingress --group-id ${g.id} --security-group-rule-ids ${r.id}, then allow only the addresses that administer it (or use SSM Session Manager)`,
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
      fix: `aws ec2 delete-security-group --group-id ${g.id} (if nothing else refers to it)`,
    });
  }
}
