/**
 * Audit findings about connections and filters (the rest are in audit/audit.ts):
 * - one-sided-route: a VPC route toward a peering connection or transit gateway whose other side has
 *   no route back for the sender's addresses, so replies are lost: a TCP connection never completes.
 *   For a peering, the receiving subnets are the peer VPC's inside the route; for a transit gateway,
 *   the VPCs the table associated with the sender's attachment actually leads to (its active routes
 *   inside the route, following one gateway peering); the return is the receiving subnet's route
 *   table, then the gateway table associated with the receiver's attachment (and, across a peering,
 *   the sender side's table for the peering). Checked per (sending subnet, receiving subnet) with
 *   longest-prefix matches.
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
 * a subnet is judged by that address. Transit gateway paths are followed over at most one gateway
 * peering (as AWS routes them: a peering attachment's table leads to VPC attachments).
 */
import type { RegionState, World } from "../state/world.js";
import type { NetworkAcl, NetworkAclEntry, Route, RouteTable, Subnet, TgwRouteTable, TgwVpcAttachment } from "../domain/types.js";
import { containsIp, overlaps, parseCidr, type Cidr } from "../domain/cidr.js";
import { indexedAssociation, availableAttachment, effectiveRoutes, lookupTgwRoute } from "../domain/transit-gateways.js";
import type { Finding } from "./audit.js";
import type { Fix } from "../engine/fix-command.js";

/** A structured fix (engine/fix-command.ts) at an account and region. */
const at = (account: string, region: string, action: string, params: Fix["params"]): Fix => ({ action, params, account, region });

function regionStates(world: World): RegionState[] {
  const out: RegionState[] = [];
  for (const [, rmap] of world.parts().accounts) out.push(...rmap.values());
  return out;
}

function rsOf(world: World, account: string, region: string): RegionState | undefined {
  return world.parts().accounts.get(account)?.get(region);
}

/** Per-world indexes: the route table each subnet uses, the subnets of each VPC. */
class Index {
  readonly tableOfSubnet = new Map<string, RouteTable>();
  readonly subnetsOfVpc = new Map<string, Subnet[]>();
  readonly subnetsOfTable = new Map<RouteTable, Subnet[]>();
  constructor(world: World) {
    for (const rs of regionStates(world)) {
      const main = new Map<string, RouteTable>();
      const explicit = new Map<string, RouteTable>();
      for (const rt of rs.routeTables.values()) {
        for (const a of rt.associations) {
          if (a.main) main.set(rt.vpcId, rt);
          if (a.subnetId) explicit.set(a.subnetId, rt);
        }
      }
      for (const s of rs.subnets.values()) {
        const l = this.subnetsOfVpc.get(s.vpcId) ?? [];
        l.push(s);
        this.subnetsOfVpc.set(s.vpcId, l);
        const rt = explicit.get(s.id) ?? main.get(s.vpcId);
        if (!rt) continue;
        this.tableOfSubnet.set(s.id, rt);
        const u = this.subnetsOfTable.get(rt) ?? [];
        u.push(s);
        this.subnetsOfTable.set(rt, u);
      }
    }
  }
}

const parsed = new WeakMap<RouteTable, { routes: Route[]; cidrs: (Cidr | undefined)[] }>();

/** Longest-prefix match over a VPC route table (every route, whatever its state, as AWS does). */
function lookup(rt: RouteTable, ip: number): Route | undefined {
  let p = parsed.get(rt);
  if (!p || p.routes !== rt.routes || p.cidrs.length !== rt.routes.length) parsed.set(rt, (p = { routes: rt.routes, cidrs: rt.routes.map((r) => parseCidr(r.destinationCidr)) }));
  let best: Route | undefined;
  let bestPrefix = -1;
  for (let k = 0; k < p.cidrs.length; k++) {
    const c = p.cidrs[k];
    if (c && c.prefix > bestPrefix && containsIp(c, ip)) {
      best = rt.routes[k];
      bestPrefix = c.prefix;
    }
  }
  return best;
}

const targetText = (r: Route | undefined) => (!r ? "no route" : r.target.kind === "local" ? `local (${r.destinationCidr})` : `${r.target.id} (${r.destinationCidr})`);

/** A VPC a transit gateway delivers to from a table: its attachment, region, and the table that answers it back. */
interface TgwReceiver {
  rs: RegionState;
  attachment: TgwVpcAttachment;
  /** The route's destination in the table that led here. */
  via: Cidr;
  /** For a receiver across a gateway peering: the sender side's table associated with the peering. */
  senderSideBack?: { rs: RegionState; table: TgwRouteTable; peeringId: string };
}

type Effective = { er: ReturnType<typeof effectiveRoutes>[number]; c: Cidr }[];
/** A table's active routes with their parsed destinations, once per audit run. */
function activeRoutes(world: World, rs: RegionState, table: TgwRouteTable, memo: Map<TgwRouteTable, Effective>): Effective {
  let e = memo.get(table);
  if (!e) {
    e = [];
    for (const er of effectiveRoutes(world, rs, table)) {
      const c = parseCidr(er.destinationCidr);
      if (c && er.state === "active" && er.attachment) e.push({ er, c });
    }
    memo.set(table, e);
  }
  return e;
}

/** The VPC attachments a table's active routes overlapping `dest` lead to, following one gateway peering. */
function tgwReceivers(world: World, rs: RegionState, table: TgwRouteTable, dest: Cidr, memo: Map<TgwRouteTable, Effective>): TgwReceiver[] {
  const out: TgwReceiver[] = [];
  for (const { er, c } of activeRoutes(world, rs, table, memo)) {
    if (!overlaps(c, dest)) continue;
    const via = c.prefix >= dest.prefix ? c : dest;
    if (er.attachment!.vpc) out.push({ rs, attachment: er.attachment!.vpc, via });
    else if (er.attachment!.peering) {
      const p = er.attachment!.peering;
      const other = p.requester.ownerId === rs.account && p.requester.region === rs.region ? p.accepter : p.requester;
      const rrs = rsOf(world, other.ownerId, other.region);
      const rtable = rrs ? indexedAssociation(world, rrs, p.id) : undefined;
      if (!rrs || !rtable) continue;
      for (const { er: er2, c: c2 } of activeRoutes(world, rrs, rtable, memo)) {
        if (!er2.attachment?.vpc || !overlaps(c2, via)) continue;
        out.push({ rs: rrs, attachment: er2.attachment.vpc, via: c2.prefix >= via.prefix ? c2 : via, senderSideBack: { rs, table, peeringId: p.id } });
      }
    }
  }
  return out;
}

export function oneSidedRoutes(world: World, out: Finding[]): void {
  const ix = new Index(world);
  const memo = new Map<TgwRouteTable, Effective>();
  for (const rs of regionStates(world)) {
    for (const rt of rs.routeTables.values()) {
      const senders = ix.subnetsOfTable.get(rt) ?? [];
      if (senders.length === 0) continue;
      for (const r of rt.routes) {
        const dest = parseCidr(r.destinationCidr);
        if (!dest) continue;
        const t = r.target;
        if (t.kind === "pcx") {
          const pcx = world.peerings.get(t.id);
          if (!pcx || pcx.status.code !== "active") continue;
          const peer = pcx.requester.vpcId === rt.vpcId ? pcx.accepter : pcx.requester;
          const missing: { table: RouteTable; sender: Subnet; got: Route | undefined }[] = [];
          for (const sb of ix.subnetsOfVpc.get(peer.vpcId) ?? []) {
            const sc = parseCidr(sb.cidr);
            const back = ix.tableOfSubnet.get(sb.id);
            if (!sc || !back || !overlaps(sc, dest)) continue;
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
            fix: `add the return route in ${m.table.id}`,
            fixes: [at(peer.ownerId, peer.region, "CreateRoute", { RouteTableId: m.table.id, DestinationCidrBlock: m.sender.cidr, VpcPeeringConnectionId: t.id })],
          });
        } else if (t.kind === "tgw") {
          // Where the gateway actually takes this route's traffic: the table associated with the
          // sender VPC's attachment, then (across a gateway peering) the peer's table.
          const mine = availableAttachment(world, rs, t.id, rt.vpcId);
          const table = mine ? indexedAssociation(world, rs, mine.id) : undefined;
          if (!mine || !table) continue;
          const missing: { what: string; fix: string; fixes?: Fix[]; ids: string[] }[] = [];
          for (const rcv of tgwReceivers(world, rs, table, dest, memo)) {
            if (rcv.attachment.vpcId === rt.vpcId) continue;
            const prs = rcv.rs;
            const backTable = indexedAssociation(world, prs, rcv.attachment.id);
            for (const sb of ix.subnetsOfVpc.get(rcv.attachment.vpcId) ?? []) {
              const sc = parseCidr(sb.cidr);
              const back = ix.tableOfSubnet.get(sb.id);
              if (!sc || !back || !overlaps(sc, rcv.via)) continue;
              for (const sa of senders) {
                const ip = parseCidr(sa.cidr)!.base;
                const got = lookup(back, ip);
                if (got?.target.kind !== "tgw") {
                  missing.push({
                    what: `${back.id} in ${rcv.attachment.vpcId} (${prs.account} ${prs.region}) sends ${sa.cidr} (${sa.id}) to ${targetText(got)}, not to a transit gateway`,
                    fix: `add the return route to the transit gateway in ${back.id}`,
                    fixes: [at(prs.account, prs.region, "CreateRoute", { RouteTableId: back.id, DestinationCidrBlock: sa.cidr, TransitGatewayId: rcv.attachment.transitGatewayId })],
                    ids: [back.id, sa.id],
                  });
                  continue;
                }
                const tr = backTable ? lookupTgwRoute(world, prs, backTable, ip) : undefined;
                if (!backTable || !tr || tr.state === "blackhole") {
                  missing.push({
                    what: backTable
                      ? `transit gateway route table ${backTable.id} (associated with ${rcv.attachment.id} of ${rcv.attachment.vpcId}, ${prs.region}) has ${tr ? "a blackhole" : "no route"} for ${sa.cidr} (${sa.id})`
                      : `${rcv.attachment.id} of ${rcv.attachment.vpcId} (${prs.region}) is associated with no transit gateway route table, so nothing it sends is routed`,
                    fix: backTable
                      ? `add a static route back in ${backTable.id}${rcv.senderSideBack ? "" : ` (or propagate ${mine.id} into it: the second command)`}`
                      : `associate ${rcv.attachment.id} with a transit gateway route table of ${rcv.attachment.transitGatewayId}`,
                    ...(backTable
                      ? {
                          fixes: [
                            at(prs.account, prs.region, "CreateTransitGatewayRoute", { TransitGatewayRouteTableId: backTable.id, DestinationCidrBlock: sa.cidr, TransitGatewayAttachmentId: rcv.senderSideBack ? rcv.senderSideBack.peeringId : mine.id }),
                            ...(rcv.senderSideBack ? [] : [at(prs.account, prs.region, "EnableTransitGatewayRouteTablePropagation", { TransitGatewayRouteTableId: backTable.id, TransitGatewayAttachmentId: mine.id })]),
                          ],
                        }
                      : {}),
                    ids: [backTable?.id ?? rcv.attachment.id, sa.id],
                  });
                  continue;
                }
                // Across a gateway peering, the sender side's table for the peering must lead back too.
                const sb2 = rcv.senderSideBack;
                if (sb2) {
                  const home = indexedAssociation(world, sb2.rs, sb2.peeringId);
                  const tr2 = home ? lookupTgwRoute(world, sb2.rs, home, ip) : undefined;
                  if (!home || !tr2 || tr2.state === "blackhole") {
                    missing.push({
                      what: home ? `transit gateway route table ${home.id} (associated with peering ${sb2.peeringId}, ${sb2.rs.region}) has ${tr2 ? "a blackhole" : "no route"} for ${sa.cidr} (${sa.id})` : `peering attachment ${sb2.peeringId} is associated with no table in ${sb2.rs.region}`,
                      fix: home ? `add a static route back in ${home.id}` : `associate ${sb2.peeringId} with a transit gateway route table in ${sb2.rs.region}`,
                      ...(home ? { fixes: [at(sb2.rs.account, sb2.rs.region, "CreateTransitGatewayRoute", { TransitGatewayRouteTableId: home.id, DestinationCidrBlock: sa.cidr, TransitGatewayAttachmentId: mine.id })] } : {}),
                      ids: [home?.id ?? sb2.peeringId, sa.id],
                    });
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
            ...(m.fixes ? { fixes: m.fixes } : {}),
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
      fix: `delete it (or add the routes it was made for)`,
      fixes: [at(p.requester.ownerId, p.requester.region, "DeleteVpcPeeringConnection", { VpcPeeringConnectionId: p.id })],
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
        fix: `delete it (or add the routes it was made for)`,
        fixes: [at(rs.account, rs.region, "DeleteTransitGatewayVpcAttachment", { TransitGatewayAttachmentId: a.id })],
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
      fix: `delete it (or add the routes it was made for)`,
      fixes: [at(p.requester.ownerId, p.requester.region, "DeleteTransitGatewayPeeringAttachment", { TransitGatewayAttachmentId: p.id })],
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
          fix: `delete the route, or repair ${r.attachmentId}`,
          fixes: [at(rs.account, rs.region, "DeleteTransitGatewayRoute", { TransitGatewayRouteTableId: table.id, DestinationCidrBlock: r.destinationCidr })],
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
        fix: `delete the entry${others.length > 0 ? ` (or renumber it below ${others[0]!.e.ruleNumber} if its ${e.ruleAction} was meant to win)` : ""}`,
        fixes: [at(rs.account, rs.region, "DeleteNetworkAclEntry", { NetworkAclId: acl.id, RuleNumber: e.ruleNumber, Egress: egress })],
      });
    }
  }
}
