/**
 * Audit findings about connections and filters (the rest are in audit/audit.ts):
 * - one-sided-route: a VPC route toward a peering connection or transit gateway whose other side has
 *   no route back for the sender's addresses (the peer subnet's route table, or the transit gateway
 *   route table associated with the peer VPC's attachment), so replies are lost: a TCP connection
 *   never completes. Checked per (sending subnet, receiving subnet the route leads to) with the
 *   longest-prefix match of the return table.
 * - unused-connection: active peering connections no route table uses, and available transit
 *   gateway attachments that carry nothing (a VPC attachment: no route of its VPC to the gateway and
 *   no route of the gateway's tables to it; a peering attachment: no static route on either side).
 * - shadowed-acl-entry: network ACL entries that can never match, because the entries with lower rule
 *   numbers (same direction) together cover every packet they match (exact: the match sets are boxes
 *   protocol × port-or-ICMP-type/code × source-or-destination address, subtracted one by one).
 * - dead-route (transit gateways): static routes of transit gateway tables to an attachment that is
 *   deleted or not available. Explicit blackhole routes are deliberate and are not reported.
 *
 * Fidelity notes: IPv6 ACL entries and routes are not read (vpclab models IPv4 paths). The one-sided
 * check takes one address per sending subnet (its first), so a return route that covers only part of
 * a subnet is judged by that address. Transit gateway checks follow one gateway hop on the return
 * side (the table associated with the receiver's attachment), not a whole peered path.
 */
import type { RegionState, World } from "../state/world.js";
import type { NetworkAcl, NetworkAclEntry, Route, RouteTable, Subnet } from "../domain/types.js";
import { containsIp, overlaps, parseCidr, type Cidr } from "../domain/cidr.js";
import { associationOf, effectiveRoutes, lookupTgwRoute } from "../domain/transit-gateways.js";
import type { Finding } from "./audit.js";

function regionStates(world: World): RegionState[] {
  const out: RegionState[] = [];
  for (const [, rmap] of world.parts().accounts) out.push(...rmap.values());
  return out;
}

function rsOf(world: World, account: string, region: string): RegionState | undefined {
  return world.parts().accounts.get(account)?.get(region);
}

/** The route table a subnet uses: its explicit association, else its VPC's main table. */
function tableOf(rs: RegionState, s: Subnet): RouteTable | undefined {
  let main: RouteTable | undefined;
  for (const rt of rs.routeTables.values()) {
    if (rt.vpcId !== s.vpcId) continue;
    for (const a of rt.associations) {
      if (a.subnetId === s.id) return rt;
      if (a.main) main = rt;
    }
  }
  return main;
}

/** Longest-prefix match over a VPC route table (every route, whatever its state, as AWS does). */
function lookup(rt: RouteTable, ip: number): Route | undefined {
  let best: Route | undefined;
  let bestPrefix = -1;
  for (const r of rt.routes) {
    const c = parseCidr(r.destinationCidr);
    if (c && c.prefix > bestPrefix && containsIp(c, ip)) {
      best = r;
      bestPrefix = c.prefix;
    }
  }
  return best;
}

function subnetsUsing(rs: RegionState, rt: RouteTable): Subnet[] {
  return [...rs.subnets.values()].filter((s) => s.vpcId === rt.vpcId && tableOf(rs, s) === rt);
}

const targetText = (r: Route | undefined) => (!r ? "no route" : r.target.kind === "local" ? `local (${r.destinationCidr})` : `${r.target.id} (${r.destinationCidr})`);

export function oneSidedRoutes(world: World, out: Finding[]): void {
  for (const rs of regionStates(world)) {
    for (const rt of rs.routeTables.values()) {
      const senders = subnetsUsing(rs, rt);
      if (senders.length === 0) continue;
      for (const r of rt.routes) {
        const dest = parseCidr(r.destinationCidr);
        if (!dest) continue;
        const t = r.target;
        if (t.kind === "pcx") {
          const pcx = world.peerings.get(t.id);
          if (!pcx || pcx.status.code !== "active") continue;
          const peer = pcx.requester.vpcId === rt.vpcId ? pcx.accepter : pcx.requester;
          const prs = rsOf(world, peer.ownerId, peer.region);
          if (!prs) continue;
          const missing: { table: RouteTable; sender: Subnet; got: Route | undefined }[] = [];
          for (const sb of prs.subnets.values()) {
            const sc = parseCidr(sb.cidr);
            if (sb.vpcId !== peer.vpcId || !sc || !overlaps(sc, dest)) continue;
            const back = tableOf(prs, sb);
            if (!back) continue;
            for (const sa of senders) {
              const got = lookup(back, parseCidr(sa.cidr)!.base);
              if (!(got?.target.kind === "pcx" && got.target.id === t.id)) missing.push({ table: back, sender: sa, got });
            }
          }
          if (missing.length === 0) continue;
          const m = missing[0]!;
          out.push({
            kind: "one-sided-route",
            severity: "high",
            account: rs.account,
            region: rs.region,
            components: [rt.id, t.id, m.table.id, m.sender.id],
            summary: `route ${r.destinationCidr} → ${t.id} in ${rt.id} (${rt.vpcId}) has no return path: ${m.table.id} in ${peer.vpcId} (${peer.ownerId} ${peer.region}) sends ${m.sender.cidr} (${m.sender.id}) to ${targetText(m.got)}, not back through ${t.id}${missing.length > 1 ? ` (${missing.length} subnet pairs in all)` : ""}`,
            fix: `aws ec2 create-route --region ${peer.region} --route-table-id ${m.table.id} --destination-cidr-block ${m.sender.cidr} --vpc-peering-connection-id ${t.id}`,
          });
        } else if (t.kind === "tgw") {
          const tgw = rs.transitGateways.get(t.id);
          if (!tgw || tgw.state !== "available") continue;
          const missing: { what: string; fix: string; ids: string[] }[] = [];
          for (const prs of regionStates(world)) {
            for (const att of prs.tgwAttachments.values()) {
              if (att.state !== "available" || att.vpcId === rt.vpcId) continue;
              const table = associationOf(prs, att.id);
              for (const sb of prs.subnets.values()) {
                const sc = parseCidr(sb.cidr);
                if (sb.vpcId !== att.vpcId || !sc || !overlaps(sc, dest)) continue;
                const back = tableOf(prs, sb);
                for (const sa of senders) {
                  const ip = parseCidr(sa.cidr)!.base;
                  const got = back ? lookup(back, ip) : undefined;
                  if (back && got?.target.kind !== "tgw") {
                    missing.push({
                      what: `${back.id} in ${att.vpcId} (${prs.account} ${prs.region}) sends ${sa.cidr} (${sa.id}) to ${targetText(got)}, not to a transit gateway`,
                      fix: `aws ec2 create-route --region ${prs.region} --route-table-id ${back.id} --destination-cidr-block ${sa.cidr} --transit-gateway-id ${att.transitGatewayId}`,
                      ids: [back.id, sa.id],
                    });
                  } else if (table && back) {
                    const tr = lookupTgwRoute(world, prs, table, ip);
                    if (!tr || tr.state === "blackhole") {
                      missing.push({
                        what: `transit gateway route table ${table.id} (associated with ${att.id} of ${att.vpcId}, ${prs.region}) has ${tr ? "a blackhole" : "no route"} for ${sa.cidr} (${sa.id})`,
                        fix: `aws ec2 create-transit-gateway-route --region ${prs.region} --transit-gateway-route-table-id ${table.id} --destination-cidr-block ${sa.cidr} --transit-gateway-attachment-id <the attachment toward ${rt.vpcId}> (or enable propagation of ${rt.vpcId}'s attachment)`,
                        ids: [table.id, sa.id],
                      });
                    }
                  }
                }
              }
            }
          }
          if (missing.length === 0) continue;
          const m = missing[0]!;
          out.push({
            kind: "one-sided-route",
            severity: "high",
            account: rs.account,
            region: rs.region,
            components: [rt.id, t.id, ...m.ids],
            summary: `route ${r.destinationCidr} → ${t.id} in ${rt.id} (${rt.vpcId}) has no return path: ${m.what}${missing.length > 1 ? ` (${missing.length} subnet pairs in all)` : ""}`,
            fix: m.fix,
          });
        }
      }
    }
  }
}

export function unusedConnections(world: World, out: Finding[]): void {
  const pcxUsed = new Set<string>();
  const tgwUsedByVpc = new Set<string>(); // `${tgwId} ${vpcId}`
  for (const rs of regionStates(world)) {
    for (const rt of rs.routeTables.values()) {
      for (const r of rt.routes) {
        if (r.target.kind === "pcx") pcxUsed.add(r.target.id);
        if (r.target.kind === "tgw") tgwUsedByVpc.add(`${r.target.id} ${rt.vpcId}`);
      }
    }
  }
  for (const p of world.peerings.values()) {
    if (p.status.code !== "active" || pcxUsed.has(p.id)) continue;
    out.push({
      kind: "unused-connection",
      severity: "low",
      account: p.requester.ownerId,
      region: p.requester.region,
      components: [p.id, p.requester.vpcId, p.accepter.vpcId],
      summary: `peering connection ${p.id} (${p.requester.vpcId} ${p.requester.region} ↔ ${p.accepter.vpcId} ${p.accepter.region}) carries nothing: no route table on either side routes to it`,
      fix: `aws ec2 delete-vpc-peering-connection --region ${p.requester.region} --vpc-peering-connection-id ${p.id} (or add the routes it was made for)`,
    });
  }
  const tgwPeeringUsed = new Set<string>();
  for (const rs of regionStates(world)) {
    const usedAtt = new Set<string>();
    for (const table of rs.tgwRouteTables.values()) {
      if (table.state === "deleted") continue;
      for (const r of effectiveRoutes(world, rs, table)) if (r.attachment) usedAtt.add(r.attachment.id);
      for (const r of table.routes) if (r.attachmentId) tgwPeeringUsed.add(r.attachmentId);
    }
    for (const a of rs.tgwAttachments.values()) {
      if (a.state !== "available") continue;
      if (usedAtt.has(a.id) || tgwUsedByVpc.has(`${a.transitGatewayId} ${a.vpcId}`)) continue;
      out.push({
        kind: "unused-connection",
        severity: "low",
        account: rs.account,
        region: rs.region,
        components: [a.id, a.transitGatewayId, a.vpcId],
        summary: `transit gateway attachment ${a.id} (${a.vpcId} → ${a.transitGatewayId}) carries nothing: no route of ${a.vpcId} goes to the gateway and no route of the gateway's tables goes to the attachment`,
        fix: `aws ec2 delete-transit-gateway-vpc-attachment --region ${rs.region} --transit-gateway-attachment-id ${a.id} (or add the routes it was made for)`,
      });
    }
  }
  for (const p of world.tgwPeerings.values()) {
    if (p.state !== "available" || tgwPeeringUsed.has(p.id)) continue;
    out.push({
      kind: "unused-connection",
      severity: "low",
      account: p.requester.ownerId,
      region: p.requester.region,
      components: [p.id, p.requester.transitGatewayId, p.accepter.transitGatewayId],
      summary: `transit gateway peering attachment ${p.id} (${p.requester.transitGatewayId} ${p.requester.region} ↔ ${p.accepter.transitGatewayId} ${p.accepter.region}) carries nothing: no static route on either side uses it`,
      fix: `aws ec2 delete-transit-gateway-peering-attachment --region ${p.requester.region} --transit-gateway-attachment-id ${p.id} (or add the routes it was made for)`,
    });
  }
}

export function tgwDeadRoutes(world: World, out: Finding[]): void {
  for (const rs of regionStates(world)) {
    for (const table of rs.tgwRouteTables.values()) {
      if (table.state === "deleted") continue;
      for (const r of table.routes) {
        if (r.blackhole || !r.attachmentId) continue;
        const eff = effectiveRoutes(world, rs, table).find((x) => x.destinationCidr === r.destinationCidr && x.type === "static");
        if (eff && eff.state !== "blackhole") continue;
        out.push({
          kind: "dead-route",
          severity: "medium",
          account: rs.account,
          region: rs.region,
          components: [table.id, r.attachmentId, table.transitGatewayId],
          summary: `transit gateway route ${r.destinationCidr} → ${r.attachmentId} in ${table.id} can never carry traffic: the attachment is ${eff?.attachment ? eff.attachment.state : "gone (deleted)"}`,
          fix: `aws ec2 delete-transit-gateway-route --region ${rs.region} --transit-gateway-route-table-id ${table.id} --destination-cidr-block ${r.destinationCidr}, or repair ${r.attachmentId}`,
        });
      }
    }
  }
}

// ---- shadowed ACL entries ----------------------------------------------------------------------------

/** A match set: [lo, hi] per dimension (protocol, port or ICMP type·256+code, address). */
type Box = [number, number][];

function boxOf(e: NetworkAclEntry, c: Cidr): Box {
  const proto = e.protocol === "-1" || e.protocol.toLowerCase() === "all" ? [0, 255] : [Number(e.protocol), Number(e.protocol)];
  let ports: [number, number] = [0, 65535];
  if (proto[0] === proto[1]) {
    if ((proto[0] === 6 || proto[0] === 17) && e.portRange) ports = [e.portRange.from, e.portRange.to];
    if (proto[0] === 1 && e.icmp && e.icmp.type !== -1) ports = e.icmp.code === -1 ? [e.icmp.type * 256, e.icmp.type * 256 + 255] : [e.icmp.type * 256 + e.icmp.code, e.icmp.type * 256 + e.icmp.code];
  }
  const size = 2 ** (32 - c.prefix);
  return [proto as [number, number], ports, [c.base, c.base + size - 1]];
}

/** a minus b, as disjoint boxes. */
function subtract(a: Box, b: Box): Box[] {
  if (a.some(([lo, hi], i) => hi < b[i]![0] || lo > b[i]![1])) return [a];
  const out: Box[] = [];
  const rest: Box = a.map((d) => [d[0], d[1]]);
  for (let i = 0; i < a.length; i++) {
    const [lo, hi] = rest[i]!;
    const [blo, bhi] = b[i]!;
    if (lo < blo) out.push(rest.map((d, j) => (j === i ? [lo, blo - 1] : [d[0], d[1]])));
    if (hi > bhi) out.push(rest.map((d, j) => (j === i ? [bhi + 1, hi] : [d[0], d[1]])));
    rest[i] = [Math.max(lo, blo), Math.min(hi, bhi)];
  }
  return out;
}

/** Whether `box` is inside the union of `cover` (exact; gives up, answering false, past 20,000 pieces). */
export function covered(box: Box, cover: Box[]): boolean {
  let pieces: Box[] = [box];
  for (const c of cover) {
    const next: Box[] = [];
    for (const p of pieces) next.push(...subtract(p, c));
    pieces = next;
    if (pieces.length === 0) return true;
    if (pieces.length > 20_000) return false;
  }
  return pieces.length === 0;
}

export function shadowedAclEntries(world: World, out: Finding[]): void {
  for (const rs of regionStates(world)) {
    for (const acl of rs.networkAcls.values()) shadowedIn(rs, acl, out);
  }
}

function shadowedIn(rs: RegionState, acl: NetworkAcl, out: Finding[]): void {
  for (const egress of [false, true]) {
    const entries = acl.entries
      .filter((e) => e.egress === egress && e.cidrBlock !== undefined)
      .map((e) => ({ e, c: parseCidr(e.cidrBlock!) }))
      .filter((x): x is { e: NetworkAclEntry; c: Cidr } => x.c !== undefined)
      .sort((a, b) => a.e.ruleNumber - b.e.ruleNumber);
    for (let i = 1; i < entries.length; i++) {
      const { e, c } = entries[i]!;
      if (e.ruleNumber >= 32767) continue;
      const earlier = entries.slice(0, i);
      if (!covered(boxOf(e, c), earlier.map((x) => boxOf(x.e, x.c)))) continue;
      const others = earlier.filter((x) => x.e.ruleAction !== e.ruleAction);
      const by = earlier.map((x) => x.e.ruleNumber).join(", ");
      out.push({
        kind: "shadowed-acl-entry",
        severity: others.length > 0 ? "medium" : "low",
        account: rs.account,
        region: rs.region,
        components: [acl.id, `${egress ? "egress" : "ingress"} rule ${e.ruleNumber}`],
        summary: `${acl.id} ${egress ? "egress" : "ingress"} rule ${e.ruleNumber} (${e.ruleAction} ${e.protocol === "-1" ? "all" : `protocol ${e.protocol}`}${e.portRange ? ` ports ${e.portRange.from}-${e.portRange.to}` : ""} ${e.cidrBlock}) never matches: every packet it matches is matched first by rule(s) ${by}${others.length > 0 ? `, some of which ${e.ruleAction === "allow" ? "deny" : "allow"} it` : ""}`,
        fix: `aws ec2 delete-network-acl-entry --region ${rs.region} --network-acl-id ${acl.id} --rule-number ${e.ruleNumber} ${egress ? "--egress" : "--ingress"}${others.length > 0 ? ` (or renumber it below ${others[0]!.e.ruleNumber} if its ${e.ruleAction} was meant to win)` : ""}`,
      });
    }
  }
}
