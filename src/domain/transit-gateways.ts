/**
 * Transit gateways: the gateway, its VPC attachments, its route tables (associations, propagations,
 * static and blackhole routes) and peering attachments between gateways in different regions or
 * accounts, with AWS's lifecycles (`pending` → `available`, `deleting` → `deleted`; a peering request
 * `initiatingRequest` → `pendingAcceptance` → `pending` → `available`).
 *
 * References: EC2 API CreateTransitGateway, CreateTransitGatewayVpcAttachment,
 * CreateTransitGatewayRouteTable, AssociateTransitGatewayRouteTable,
 * EnableTransitGatewayRouteTablePropagation, CreateTransitGatewayRoute, SearchTransitGatewayRoutes,
 * CreateTransitGatewayPeeringAttachment, AcceptTransitGatewayPeeringAttachment; Transit Gateway Guide
 * "Transit gateway route tables" (static routes take precedence over propagated routes for the same
 * prefix; peering attachments support static routes only), "Amazon VPC attachments" (one subnet per
 * Availability Zone), "Quotas".
 *
 * Fidelity notes:
 * - Every state change settles on the next request (delays `tgw.pending`, `tgw.deleting`,
 *   `tgw-rtb.deleting`, `tgw-attach.pending`, `tgw-attach.deleting`, `tgw-peering.pending`,
 *   `tgw-peering.accept`, `tgw-peering.deleting`), like the
 *   rest of vpclab. Deleted objects stay visible, in state `deleted`, until forgotten two hours later.
 * - Resource sharing (AWS RAM) is not modelled; instead every transit gateway counts as shared with
 *   every account of vpclab: any account may attach a VPC of its own to another account's gateway of
 *   the same region (by the gateway's id). Such a cross-account attachment waits in `pendingAcceptance`
 *   until the gateway's owner accepts it (AcceptTransitGatewayVpcAttachment; RejectTransitGatewayVpcAttachment
 *   makes it `rejected`), unless the gateway has AutoAcceptSharedAttachments=enable; the default
 *   association and propagation apply when it is accepted. The attachment is kept with the gateway
 *   (its owner's account) and seen by both accounts (VpcOwnerId names the VPC's); the VPC's account may
 *   modify or delete it and route to the gateway. An attachment within one account is never pending
 *   acceptance (Accept/Reject answer IncorrectState). Peering attachments cross accounts and regions.
 * - DeleteTransitGateway with attachments answers `IncorrectState` "… has non-deleted Transit Gateway
 *   Attachments", which is what AWS answers (Terraform retries on exactly that), not DependencyViolation.
 * - A VPC attachment's default association and propagation are applied when it is created; its
 *   association and propagations are removed when it is deleted.
 * - A peering attachment is associated with each side's default association table (when the gateway
 *   has one) as it becomes `available`; it never propagates. A failed peering request (the peer gateway
 *   does not exist in that account and region) ends `failed` with the message "Failed" (unconfirmed).
 * - A propagated route for the same prefix from several attachments (ECMP on AWS) uses the first.
 * - Prefix-list references in transit gateway route tables arrive with the prefix-lists issue; Connect,
 *   VPN, Direct Connect and multicast attachments and policy tables are not modelled (NotImplemented).
 * - Quotas at AWS's defaults (Transit Gateways Guide, "Quotas"; raise them like the others, e.g.
 *   `--quota transitGatewaysPerRegion=20`): 5 transit gateways per account and region, 5,000
 *   attachments, 20 route tables, 50 peering attachments and 10,000 routes per gateway. AWS counts
 *   static and propagated routes together for the last; vpclab counts the static routes (propagated
 *   ones are the attached VPCs' blocks, bounded by the attachments quota). AWS's error code is
 *   confirmed for the first only (TransitGatewayLimitExceeded); vpclab answers it for all five.
 * - The exact messages of some refusals (a propagation from a peering attachment, accepting from the
 *   wrong region) are not confirmed from a recorded AWS answer; the codes are AWS's.
 * - IPv6: a VPC attachment's `Ipv6Support=enable` needs an associated IPv6 block on the VPC and on every
 *   attachment subnet (InvalidParameterValue otherwise; the messages are vpclab's). Such an attachment
 *   propagates the VPC's IPv6 blocks besides its IPv4 ones; without it only IPv4 propagates (API
 *   reference, CreateTransitGatewayVpcAttachmentRequestOptions). Static routes take IPv4 or IPv6
 *   destinations; IPv6 lookups are a linear longest-prefix scan of the table's (few) IPv6 routes. The
 *   engine drops IPv6 at an attachment without Ipv6Support (engine/forward-tgw.ts).
 */
import { defineTransition, type RegionState, type World } from "../state/world.js";
import type {
  Tags,
  TgwAttachmentState,
  TgwPeeringAttachment,
  TgwRouteTable,
  TgwStaticRoute,
  TgwVpcAttachment,
  TransitGateway,
  TransitGatewayOptions,
} from "./types.js";
import { cidrOf, formatCidr, parseCidr } from "./cidr.js";
import { containsIp6, parseCidr6, formatCidr6, type Cidr6, type Ip6 } from "./cidr6.js";
import { regionInfo } from "../model/regions.js";
import { getVpc } from "./lookup.js";
import { prefixListCidrs } from "./prefix-lists.js";
import {
  invalidParameterValue,
  missingParameter,
  subnetNotFound,
  tgwAssociationNotFound,
  tgwAttachmentAlreadyAssociated,
  tgwAttachmentNotFound,
  tgwAttachmentOtherGateway,
  tgwDuplicateSubnetsInZone,
  tgwDuplicateVpcAttachment,
  tgwLimitExceeded,
  tgwHasAttachments,
  tgwIncorrectState,
  tgwPropagationDuplicate,
  tgwPropagationNotFound,
  tgwRouteAlreadyExists,
  tgwRouteNotFound,
  tgwRouteTableNotFound,
  transitGatewayNotFound,
} from "./errors.js";

const HOUR = 3_600_000;

/** The states in which an attachment still counts (blocks deletion of its gateway, a duplicate). */
const LIVE_ATTACHMENT: ReadonlySet<TgwAttachmentState> = new Set<TgwAttachmentState>([
  "initiatingRequest",
  "pendingAcceptance",
  "pending",
  "available",
  "modifying",
  "deleting",
]);

export const tgwPeeringTagKey = (account: string, region: string) => `${account}/${region}`;

// ---- lookups ----------------------------------------------------------------------------------------

export function getTransitGateway(rs: RegionState, id: string | undefined): TransitGateway {
  if (id === undefined || id === "") throw missingParameter("TransitGatewayId");
  const tgw = rs.transitGateways.get(id);
  if (!tgw || tgw.state === "deleted") throw transitGatewayNotFound(id);
  return tgw;
}

export function getTgwRouteTable(rs: RegionState, id: string | undefined): TgwRouteTable {
  if (id === undefined || id === "") throw missingParameter("TransitGatewayRouteTableId");
  const rtb = rs.tgwRouteTables.get(id);
  if (!rtb || rtb.state === "deleted") throw tgwRouteTableNotFound(id);
  return rtb;
}

export function getVpcAttachment(rs: RegionState, id: string | undefined): TgwVpcAttachment {
  if (id === undefined || id === "") throw missingParameter("TransitGatewayAttachmentId");
  const a = rs.tgwAttachments.get(id);
  if (!a || a.state === "deleted") throw tgwAttachmentNotFound(id);
  return a;
}

/**
 * The region state that holds transit gateway `tgwId` as seen from `rs`: `rs` itself, or, for another
 * account's gateway of the same region (every gateway counts as shared; see the fidelity notes), that
 * account's region state.
 */
export function tgwHome(world: World, rs: RegionState, tgwId: string): RegionState | undefined {
  if (rs.transitGateways.has(tgwId)) return rs;
  for (const other of world.regionStates()) if (other.region === rs.region && other !== rs && other.transitGateways.has(tgwId)) return other;
  return undefined;
}

/** The region state of an attachment's VPC (`home` holds the attachment, with its gateway). */
export function vpcRegionOf(world: World, home: RegionState, a: TgwVpcAttachment): RegionState | undefined {
  return a.vpcOwnerId === undefined || a.vpcOwnerId === home.account ? home : world.existingRegion(a.vpcOwnerId, home.region);
}

/** Another account's attachments of the caller's VPCs (attachments to shared gateways), in the caller's region. */
export function sharedVpcAttachments(world: World, rs: RegionState): TgwVpcAttachment[] {
  const out: TgwVpcAttachment[] = [];
  for (const other of world.regionStates()) {
    if (other === rs || other.region !== rs.region) continue;
    for (const a of other.tgwAttachments.values()) if (a.vpcOwnerId === rs.account) out.push(a);
  }
  return out;
}

/** A VPC attachment the caller may act on: its gateway's (in `rs`), or one of its VPCs' to another account's gateway. */
export function findVpcAttachment(world: World, rs: RegionState, id: string | undefined): { a: TgwVpcAttachment; home: RegionState; vpcRs: RegionState } {
  if (id === undefined || id === "") throw missingParameter("TransitGatewayAttachmentId");
  const own = rs.tgwAttachments.get(id);
  if (own && own.state !== "deleted") return { a: own, home: rs, vpcRs: vpcRegionOf(world, rs, own) ?? rs };
  for (const other of world.regionStates()) {
    if (other === rs || other.region !== rs.region) continue;
    const a = other.tgwAttachments.get(id);
    if (a && a.vpcOwnerId === rs.account && a.state !== "deleted") return { a, home: other, vpcRs: rs };
  }
  throw tgwAttachmentNotFound(id);
}

/** Whether the caller (account × region) sees a peering attachment: both sides do. */
export function peeringVisible(p: TgwPeeringAttachment, account: string, region: string): boolean {
  return (p.requester.ownerId === account && p.requester.region === region) || (p.accepter.ownerId === account && p.accepter.region === region);
}

/** The side of a peering attachment that is local to the caller's region. */
export function localSide(p: TgwPeeringAttachment, account: string, region: string) {
  return p.requester.ownerId === account && p.requester.region === region ? p.requester : p.accepter;
}
export function remoteSide(p: TgwPeeringAttachment, account: string, region: string) {
  return p.requester.ownerId === account && p.requester.region === region ? p.accepter : p.requester;
}

export function getPeeringAttachment(world: World, account: string, region: string, id: string | undefined): TgwPeeringAttachment {
  if (id === undefined || id === "") throw missingParameter("TransitGatewayAttachmentId");
  const p = world.tgwPeerings.get(id);
  if (!p || !peeringVisible(p, account, region) || p.state === "deleted") throw tgwAttachmentNotFound(id);
  return p;
}

/** Any attachment (VPC or peering) of the caller's region, by id, for route tables. */
export interface AnyAttachment {
  id: string;
  transitGatewayId: string;
  type: "vpc" | "peering";
  state: TgwAttachmentState;
  /** VPC id, or the remote gateway's id. */
  resourceId: string;
  resourceOwnerId: string;
  vpc?: TgwVpcAttachment;
  peering?: TgwPeeringAttachment;
}

export function anyAttachment(world: World, rs: RegionState, id: string): AnyAttachment | undefined {
  const a = rs.tgwAttachments.get(id);
  if (a) return { id, transitGatewayId: a.transitGatewayId, type: "vpc", state: a.state, resourceId: a.vpcId, resourceOwnerId: a.ownerId, vpc: a };
  const p = world.tgwPeerings.get(id);
  if (p && peeringVisible(p, rs.account, rs.region)) {
    const mine = localSide(p, rs.account, rs.region);
    const other = remoteSide(p, rs.account, rs.region);
    return { id, transitGatewayId: mine.transitGatewayId, type: "peering", state: p.state, resourceId: other.transitGatewayId, resourceOwnerId: other.ownerId, peering: p };
  }
  return undefined;
}

export function getAnyAttachment(world: World, rs: RegionState, id: string | undefined): AnyAttachment {
  if (id === undefined || id === "") throw missingParameter("TransitGatewayAttachmentId");
  const a = anyAttachment(world, rs, id);
  if (!a || a.state === "deleted") throw tgwAttachmentNotFound(id);
  return a;
}

/** Every attachment of the caller's region (VPC and peering), creation order. */
export function allAttachments(world: World, rs: RegionState): AnyAttachment[] {
  const out: AnyAttachment[] = [];
  for (const a of rs.tgwAttachments.values()) out.push(anyAttachment(world, rs, a.id)!);
  for (const p of world.tgwPeerings.values()) if (peeringVisible(p, rs.account, rs.region)) out.push(anyAttachment(world, rs, p.id)!);
  return out;
}

/** The table an attachment is associated with, in the region of its (local) gateway. */
export function associationOf(rs: RegionState, attachmentId: string): TgwRouteTable | undefined {
  for (const rtb of rs.tgwRouteTables.values()) if (rtb.state !== "deleted" && rtb.associations.includes(attachmentId)) return rtb;
  return undefined;
}

interface RegionIndex {
  generation: number;
  /** `tgwId vpcId` → the VPC's available attachment to that gateway. */
  available: Map<string, TgwVpcAttachment>;
  /** attachment id → its associated table. */
  association: Map<string, TgwRouteTable>;
}
const regionIndexes = new WeakMap<RegionState, RegionIndex>();

/** Per-region lookups for the network engine, re-made when the world's generation moves. */
function regionIndex(world: World, rs: RegionState): RegionIndex {
  let x = regionIndexes.get(rs);
  if (x && x.generation === world.generation) return x;
  x = { generation: world.generation, available: new Map(), association: new Map() };
  for (const a of rs.tgwAttachments.values()) if (a.state === "available") x.available.set(`${a.transitGatewayId} ${a.vpcId}`, a);
  for (const rtb of rs.tgwRouteTables.values()) {
    if (rtb.state === "deleted") continue;
    for (const id of rtb.associations) if (!x.association.has(id)) x.association.set(id, rtb);
  }
  regionIndexes.set(rs, x);
  return x;
}

/** The VPC's available attachment to the gateway (what a VPC route to the gateway needs). */
export function availableAttachment(world: World, rs: RegionState, tgwId: string, vpcId: string): TgwVpcAttachment | undefined {
  return regionIndex(world, rs).available.get(`${tgwId} ${vpcId}`);
}

/** `associationOf` through the per-generation index (for the network engine). */
export function indexedAssociation(world: World, rs: RegionState, attachmentId: string): TgwRouteTable | undefined {
  return regionIndex(world, rs).association.get(attachmentId);
}

// ---- transitions ------------------------------------------------------------------------------------

function forgetLater(world: World, kind: string, id: string, rs?: RegionState): void {
  world.at(world.clock.now() + 2 * HOUR, { kind, id, account: rs?.account, region: rs?.region });
}

defineTransition("tgw.pending", (world, t) => {
  const rs = world.existingRegion(t.account, t.region);
  const tgw = rs?.transitGateways.get(t.id);
  if (tgw?.state === "pending") tgw.state = "available";
  for (const rtb of rs?.tgwRouteTables.values() ?? []) if (rtb.transitGatewayId === t.id && rtb.state === "pending") rtb.state = "available";
});
defineTransition("tgw.deleting", (world, t) => {
  const rs = world.existingRegion(t.account, t.region);
  const tgw = rs?.transitGateways.get(t.id);
  if (tgw?.state !== "deleting") return;
  tgw.state = "deleted";
  for (const rtb of rs!.tgwRouteTables.values()) if (rtb.transitGatewayId === t.id) rtb.state = "deleted";
  forgetLater(world, "tgw.forget", t.id, rs);
});
defineTransition("tgw.forget", (world, t) => {
  const rs = world.existingRegion(t.account, t.region);
  if (rs?.transitGateways.get(t.id)?.state !== "deleted") return;
  rs.transitGateways.delete(t.id);
  for (const rtb of [...rs.tgwRouteTables.values()]) if (rtb.transitGatewayId === t.id && rtb.state === "deleted") rs.tgwRouteTables.delete(rtb.id);
});
defineTransition("tgw-rtb.deleting", (world, t) => {
  const rs = world.existingRegion(t.account, t.region);
  const rtb = rs?.tgwRouteTables.get(t.id);
  if (rtb?.state !== "deleting") return;
  rtb.state = "deleted";
  forgetLater(world, "tgw-rtb.forget", t.id, rs);
});
defineTransition("tgw-rtb.forget", (world, t) => {
  const rs = world.existingRegion(t.account, t.region);
  if (rs?.tgwRouteTables.get(t.id)?.state === "deleted") rs.tgwRouteTables.delete(t.id);
});
defineTransition("tgw-attach.pending", (world, t) => {
  const a = world.existingRegion(t.account, t.region)?.tgwAttachments.get(t.id);
  if (a?.state === "pending") a.state = "available";
});
defineTransition("tgw-attach.deleting", (world, t) => {
  const rs = world.existingRegion(t.account, t.region);
  const a = rs?.tgwAttachments.get(t.id);
  if (a?.state !== "deleting") return;
  a.state = "deleted";
  forgetLater(world, "tgw-attach.forget", t.id, rs);
});
defineTransition("tgw-attach.forget", (world, t) => {
  const rs = world.existingRegion(t.account, t.region);
  const state = rs?.tgwAttachments.get(t.id)?.state;
  if (state === "deleted" || state === "rejected") rs!.tgwAttachments.delete(t.id);
});
defineTransition("tgw-peering.pending", (world, t) => {
  const p = world.tgwPeerings.get(t.id);
  if (p?.state !== "initiatingRequest") return;
  if (t.data?.fails === true) {
    p.state = "failed";
    p.statusMessage = "Failed";
    forgetLater(world, "tgw-peering.forget", p.id);
    return;
  }
  p.state = "pendingAcceptance";
  p.statusMessage = "Pending Acceptance";
});
defineTransition("tgw-peering.accept", (world, t) => {
  const p = world.tgwPeerings.get(t.id);
  if (p?.state !== "pending") return;
  p.state = "available";
  p.statusMessage = "Available";
  // Each side's default association table takes the attachment, as for a VPC attachment.
  for (const side of [p.requester, p.accepter]) {
    const srs = world.existingRegion(side.ownerId, side.region);
    const tgw = srs?.transitGateways.get(side.transitGatewayId);
    const rtbId = tgw?.options.defaultRouteTableAssociation === "enable" ? tgw.options.associationDefaultRouteTableId : undefined;
    const rtb = rtbId ? srs!.tgwRouteTables.get(rtbId) : undefined;
    if (rtb && !associationOf(srs!, p.id)) rtb.associations.push(p.id);
  }
});
defineTransition("tgw-peering.deleting", (world, t) => {
  const p = world.tgwPeerings.get(t.id);
  if (p?.state !== "deleting") return;
  p.state = "deleted";
  p.statusMessage = "Deleted";
  forgetLater(world, "tgw-peering.forget", p.id);
});
defineTransition("tgw-peering.forget", (world, t) => {
  const p = world.tgwPeerings.get(t.id);
  if (p && (p.state === "deleted" || p.state === "failed" || p.state === "rejected")) world.tgwPeerings.delete(t.id);
});

// ---- transit gateways -------------------------------------------------------------------------------

export interface TgwOptionsInput {
  AmazonSideAsn?: number;
  AutoAcceptSharedAttachments?: string;
  DefaultRouteTableAssociation?: string;
  DefaultRouteTablePropagation?: string;
  VpnEcmpSupport?: string;
  DnsSupport?: string;
  SecurityGroupReferencingSupport?: string;
  MulticastSupport?: string;
  TransitGatewayCidrBlocks?: string[];
}

function enableDisable(value: string | undefined, name: string, fallback: "enable" | "disable"): "enable" | "disable" {
  if (value === undefined) return fallback;
  if (value !== "enable" && value !== "disable") {
    throw invalidParameterValue(`Value (${value}) for parameter ${name} is invalid. Allowed values are 'enable' and 'disable'.`);
  }
  return value;
}

/** Private ASNs AWS accepts for the Amazon side: 64512–65534 and 4200000000–4294967294. */
function checkAsn(asn: number): void {
  const ok = Number.isInteger(asn) && ((asn >= 64512 && asn <= 65534) || (asn >= 4200000000 && asn <= 4294967294));
  if (!ok) throw invalidParameterValue(`Value (${asn}) for parameter amazonSideAsn is invalid. Expected a private ASN in the range 64512-65534 or 4200000000-4294967294.`);
}

function checkCidrBlocks(blocks: string[]): string[] {
  return blocks.map((b) => {
    const c = parseCidr(b);
    if (!c || c.prefix > 24) throw invalidParameterValue(`Value (${b}) for parameter transitGatewayCidrBlocks is invalid. Expected an IPv4 CIDR block of /24 or larger.`);
    return formatCidr(c);
  });
}

export function createTransitGateway(world: World, rs: RegionState, description: string | undefined, o: TgwOptionsInput | undefined, tags: Tags, rtbTags: Tags): TransitGateway {
  const live = [...rs.transitGateways.values()].filter((t) => t.state !== "deleted").length;
  if (live >= world.quotas.transitGatewaysPerRegion) throw tgwLimitExceeded("transit gateways", world.quotas.transitGatewaysPerRegion);
  if (o?.MulticastSupport === "enable") throw tgwIncorrectState("vpclab does not model transit gateway multicast (MulticastSupport must be disable).");
  const asn = o?.AmazonSideAsn ?? 64512;
  checkAsn(asn);
  const options: TransitGatewayOptions = {
    amazonSideAsn: asn,
    autoAcceptSharedAttachments: enableDisable(o?.AutoAcceptSharedAttachments, "autoAcceptSharedAttachments", "disable"),
    defaultRouteTableAssociation: enableDisable(o?.DefaultRouteTableAssociation, "defaultRouteTableAssociation", "enable"),
    defaultRouteTablePropagation: enableDisable(o?.DefaultRouteTablePropagation, "defaultRouteTablePropagation", "enable"),
    vpnEcmpSupport: enableDisable(o?.VpnEcmpSupport, "vpnEcmpSupport", "enable"),
    dnsSupport: enableDisable(o?.DnsSupport, "dnsSupport", "enable"),
    securityGroupReferencingSupport: enableDisable(o?.SecurityGroupReferencingSupport, "securityGroupReferencingSupport", "disable"),
    multicastSupport: "disable",
    cidrBlocks: checkCidrBlocks(o?.TransitGatewayCidrBlocks ?? []),
  };
  const now = world.clock.now();
  const tgw: TransitGateway = { id: world.ids.next("tgw"), ownerId: rs.account, region: rs.region, tags, state: "pending", description, createdAt: now, options };
  if (options.defaultRouteTableAssociation === "enable" || options.defaultRouteTablePropagation === "enable") {
    const rtb = newRouteTable(world, rs, tgw, rtbTags);
    rtb.defaultAssociationRouteTable = options.defaultRouteTableAssociation === "enable";
    rtb.defaultPropagationRouteTable = options.defaultRouteTablePropagation === "enable";
    if (rtb.defaultAssociationRouteTable) options.associationDefaultRouteTableId = rtb.id;
    if (rtb.defaultPropagationRouteTable) options.propagationDefaultRouteTableId = rtb.id;
  }
  rs.transitGateways.set(tgw.id, tgw);
  world.after("tgw.pending", { kind: "tgw.pending", id: tgw.id, account: rs.account, region: rs.region });
  return tgw;
}

export function modifyTransitGateway(world: World, rs: RegionState, id: string | undefined, description: string | undefined, o: (TgwOptionsInput & {
  AddTransitGatewayCidrBlocks?: string[];
  RemoveTransitGatewayCidrBlocks?: string[];
  AssociationDefaultRouteTableId?: string;
  PropagationDefaultRouteTableId?: string;
}) | undefined): TransitGateway {
  const tgw = getTransitGateway(rs, id);
  if (tgw.state !== "available") throw tgwIncorrectState(`${tgw.id} is in invalid state`);
  const opts = tgw.options;
  const tableOf = (rtbId: string) => {
    const rtb = getTgwRouteTable(rs, rtbId);
    if (rtb.transitGatewayId !== tgw.id) throw tgwRouteTableNotFound(rtbId);
    return rtb;
  };
  // Validate everything first: a refused request changes nothing.
  const assocRtb = o?.AssociationDefaultRouteTableId !== undefined ? tableOf(o.AssociationDefaultRouteTableId) : undefined;
  const propRtb = o?.PropagationDefaultRouteTableId !== undefined ? tableOf(o.PropagationDefaultRouteTableId) : undefined;
  if (o?.AmazonSideAsn !== undefined) checkAsn(o.AmazonSideAsn);
  const add = checkCidrBlocks(o?.AddTransitGatewayCidrBlocks ?? []);
  const remove = checkCidrBlocks(o?.RemoveTransitGatewayCidrBlocks ?? []);
  const next = {
    autoAcceptSharedAttachments: enableDisable(o?.AutoAcceptSharedAttachments, "autoAcceptSharedAttachments", opts.autoAcceptSharedAttachments),
    defaultRouteTableAssociation: enableDisable(o?.DefaultRouteTableAssociation, "defaultRouteTableAssociation", opts.defaultRouteTableAssociation),
    defaultRouteTablePropagation: enableDisable(o?.DefaultRouteTablePropagation, "defaultRouteTablePropagation", opts.defaultRouteTablePropagation),
    vpnEcmpSupport: enableDisable(o?.VpnEcmpSupport, "vpnEcmpSupport", opts.vpnEcmpSupport),
    dnsSupport: enableDisable(o?.DnsSupport, "dnsSupport", opts.dnsSupport),
    securityGroupReferencingSupport: enableDisable(o?.SecurityGroupReferencingSupport, "securityGroupReferencingSupport", opts.securityGroupReferencingSupport),
  };
  Object.assign(opts, next);
  if (o?.AmazonSideAsn !== undefined) opts.amazonSideAsn = o.AmazonSideAsn;
  if (description !== undefined) tgw.description = description;
  opts.cidrBlocks = [...opts.cidrBlocks.filter((b) => !remove.includes(b)), ...add.filter((b) => !opts.cidrBlocks.includes(b))];
  const setDefault = (which: "association" | "propagation", rtb: TgwRouteTable | undefined) => {
    const enabled = which === "association" ? opts.defaultRouteTableAssociation === "enable" : opts.defaultRouteTablePropagation === "enable";
    const key = which === "association" ? "associationDefaultRouteTableId" : "propagationDefaultRouteTableId";
    const flag = which === "association" ? "defaultAssociationRouteTable" : "defaultPropagationRouteTable";
    if (rtb) opts[key] = rtb.id;
    if (!enabled) opts[key] = undefined;
    for (const t of rs.tgwRouteTables.values()) if (t.transitGatewayId === tgw.id) t[flag] = t.id === opts[key];
  };
  setDefault("association", assocRtb);
  setDefault("propagation", propRtb);
  return tgw;
}

export function deleteTransitGateway(world: World, rs: RegionState, id: string | undefined): TransitGateway {
  const tgw = getTransitGateway(rs, id);
  if (tgw.state === "deleting") throw tgwIncorrectState(`${tgw.id} is in invalid state`);
  const live = allAttachments(world, rs).filter((a) => a.transitGatewayId === tgw.id && LIVE_ATTACHMENT.has(a.state));
  if (live.length > 0) throw tgwHasAttachments(tgw.id, live.map((a) => a.id));
  tgw.state = "deleting";
  world.after("tgw.deleting", { kind: "tgw.deleting", id: tgw.id, account: rs.account, region: rs.region });
  return tgw;
}

// ---- route tables -----------------------------------------------------------------------------------

function newRouteTable(world: World, rs: RegionState, tgw: TransitGateway, tags: Tags): TgwRouteTable {
  const rtb: TgwRouteTable = {
    id: world.ids.next("tgw-rtb"),
    ownerId: rs.account,
    region: rs.region,
    tags,
    transitGatewayId: tgw.id,
    state: "pending",
    createdAt: world.clock.now(),
    defaultAssociationRouteTable: false,
    defaultPropagationRouteTable: false,
    routes: [],
    associations: [],
    propagations: [],
  };
  rs.tgwRouteTables.set(rtb.id, rtb);
  return rtb;
}

export function createTgwRouteTable(world: World, rs: RegionState, tgwId: string | undefined, tags: Tags): TgwRouteTable {
  const tgw = getTransitGateway(rs, tgwId);
  if (tgw.state !== "available") throw tgwIncorrectState(`${tgw.id} is in invalid state`);
  const tables = [...rs.tgwRouteTables.values()].filter((t) => t.transitGatewayId === tgw.id && t.state !== "deleted").length;
  if (tables >= world.quotas.routeTablesPerTransitGateway) throw tgwLimitExceeded(`route tables for ${tgw.id}`, world.quotas.routeTablesPerTransitGateway);
  const rtb = newRouteTable(world, rs, tgw, tags);
  // Reuses the gateway's settling transition, which makes its pending tables available.
  world.after("tgw.pending", { kind: "tgw.pending", id: tgw.id, account: rs.account, region: rs.region });
  return rtb;
}

export function deleteTgwRouteTable(world: World, rs: RegionState, id: string | undefined): TgwRouteTable {
  const rtb = getTgwRouteTable(rs, id);
  if (rtb.state === "deleting") throw tgwIncorrectState(`${rtb.id} is in invalid state`);
  if (rtb.associations.length > 0) throw tgwIncorrectState(`${rtb.id} has associations: ${rtb.associations.join(", ")}`);
  const tgw = rs.transitGateways.get(rtb.transitGatewayId);
  if (tgw) {
    if (tgw.options.associationDefaultRouteTableId === rtb.id) tgw.options.associationDefaultRouteTableId = undefined;
    if (tgw.options.propagationDefaultRouteTableId === rtb.id) tgw.options.propagationDefaultRouteTableId = undefined;
  }
  rtb.propagations = [];
  rtb.state = "deleting";
  world.after("tgw-rtb.deleting", { kind: "tgw-rtb.deleting", id: rtb.id, account: rs.account, region: rs.region });
  return rtb;
}

function attachmentOnTable(world: World, rs: RegionState, rtb: TgwRouteTable, attachmentId: string | undefined): AnyAttachment {
  const a = getAnyAttachment(world, rs, attachmentId);
  if (a.transitGatewayId !== rtb.transitGatewayId) throw tgwAttachmentOtherGateway(a.id, rtb.id);
  return a;
}

export function associate(world: World, rs: RegionState, rtbId: string | undefined, attachmentId: string | undefined): { rtb: TgwRouteTable; a: AnyAttachment } {
  const rtb = getTgwRouteTable(rs, rtbId);
  const a = attachmentOnTable(world, rs, rtb, attachmentId);
  if (associationOf(rs, a.id)) throw tgwAttachmentAlreadyAssociated(a.id);
  if (a.state === "deleting") throw tgwIncorrectState(`${a.id} is in invalid state`);
  rtb.associations.push(a.id);
  return { rtb, a };
}

export function disassociate(world: World, rs: RegionState, rtbId: string | undefined, attachmentId: string | undefined): { rtb: TgwRouteTable; a: AnyAttachment } {
  const rtb = getTgwRouteTable(rs, rtbId);
  const a = getAnyAttachment(world, rs, attachmentId);
  const i = rtb.associations.indexOf(a.id);
  if (i < 0) throw tgwAssociationNotFound(a.id, rtb.id);
  rtb.associations.splice(i, 1);
  return { rtb, a };
}

export function enablePropagation(world: World, rs: RegionState, rtbId: string | undefined, attachmentId: string | undefined): { rtb: TgwRouteTable; a: AnyAttachment } {
  const rtb = getTgwRouteTable(rs, rtbId);
  const a = attachmentOnTable(world, rs, rtb, attachmentId);
  // The Transit Gateway Guide: peering attachments do not support route propagation.
  if (a.type === "peering") throw tgwIncorrectState(`Propagation is not supported for Transit Gateway Peering Attachment ${a.id}; add static routes instead.`);
  if (rtb.propagations.includes(a.id)) throw tgwPropagationDuplicate(a.id, rtb.id);
  rtb.propagations.push(a.id);
  return { rtb, a };
}

export function disablePropagation(world: World, rs: RegionState, rtbId: string | undefined, attachmentId: string | undefined): { rtb: TgwRouteTable; a: AnyAttachment } {
  const rtb = getTgwRouteTable(rs, rtbId);
  const a = getAnyAttachment(world, rs, attachmentId);
  const i = rtb.propagations.indexOf(a.id);
  if (i < 0) throw tgwPropagationNotFound(a.id, rtb.id);
  rtb.propagations.splice(i, 1);
  return { rtb, a };
}

// ---- routes -----------------------------------------------------------------------------------------

/** A route as the table holds it after propagation: what SearchTransitGatewayRoutes shows. */
export interface EffectiveTgwRoute {
  destinationCidr: string;
  /** Set on a route that a prefix-list reference expands to (domain/prefix-list-references.ts). */
  prefixListId?: string;
  type: "static" | "propagated";
  state: "active" | "blackhole";
  attachment?: AnyAttachment;
}

function canonical(text: string | undefined, param = "destinationCidrBlock"): string {
  if (text === undefined || text === "") throw missingParameter("DestinationCidrBlock");
  const c = parseCidr(text);
  if (c) return formatCidr(c);
  // IPv6 destinations (Transit Gateways Guide, "Transit gateway route tables": IPv4 or IPv6 CIDR).
  const c6 = text.includes(":") ? parseCidr6(text) : undefined;
  if (!c6) throw invalidParameterValue(`Value (${text}) for parameter ${param} is invalid. This is not a valid CIDR block.`);
  return formatCidr6(c6);
}

/**
 * The table's routes: static routes (blackhole when asked, or when their attachment is not available),
 * then the CIDR blocks of the VPCs whose attachments propagate here, except where a static route has
 * the same prefix (a static route wins).
 */
export function effectiveRoutes(world: World, rs: RegionState, rtb: TgwRouteTable): EffectiveTgwRoute[] {
  const out: EffectiveTgwRoute[] = [];
  const statics = new Set<string>();
  for (const r of rtb.routes) {
    statics.add(r.destinationCidr);
    const a = r.attachmentId !== undefined ? anyAttachment(world, rs, r.attachmentId) : undefined;
    out.push({ destinationCidr: r.destinationCidr, type: "static", state: !r.blackhole && a?.state === "available" ? "active" : "blackhole", attachment: a });
  }
  // Prefix-list references: one route per CIDR block of the list, after static routes of the same block.
  for (const ref of rtb.prefixListReferences ?? []) {
    const a = ref.attachmentId !== undefined ? anyAttachment(world, rs, ref.attachmentId) : undefined;
    for (const cidr of prefixListCidrs(rs, ref.prefixListId) ?? []) {
      if (statics.has(cidr)) continue;
      statics.add(cidr);
      out.push({ destinationCidr: cidr, prefixListId: ref.prefixListId, type: "static", state: !ref.blackhole && a?.state === "available" ? "active" : "blackhole", attachment: a });
    }
  }
  const seen = new Set<string>();
  for (const id of rtb.propagations) {
    const a = anyAttachment(world, rs, id);
    if (!a?.vpc || a.state !== "available") continue;
    const vpc = vpcRegionOf(world, rs, a.vpc)?.vpcs.get(a.vpc.vpcId);
    for (const b of vpc?.cidrBlocks ?? []) {
      if (b.state !== "associated" || statics.has(b.cidr) || seen.has(b.cidr)) continue;
      seen.add(b.cidr);
      out.push({ destinationCidr: b.cidr, type: "propagated", state: "active", attachment: a });
    }
    // The VPC's IPv6 blocks propagate only from an attachment with Ipv6Support enabled.
    if (a.vpc.options.ipv6Support !== "enable") continue;
    for (const b of vpc?.ipv6CidrBlocks ?? []) {
      if (b.state !== "associated" || statics.has(b.cidr) || seen.has(b.cidr)) continue;
      seen.add(b.cidr);
      out.push({ destinationCidr: b.cidr, type: "propagated", state: "active", attachment: a });
    }
  }
  return out;
}

interface CompiledTgwTable {
  generation: number;
  /** One level per prefix length, longest first: network address → route (static before propagated). */
  levels: { mask: number; routes: Map<number, EffectiveTgwRoute> }[];
  /** IPv6 routes, longest prefix first (static before propagated at one prefix): a linear scan. */
  v6: { c: Cidr6; route: EffectiveTgwRoute }[];
}

/**
 * Compiled tables, re-made when the world's generation moves (the one door bumps it after every
 * request that may change state, and after every transition), so a lookup costs one map probe per
 * distinct prefix length instead of re-deriving propagated routes and parsing CIDRs per packet.
 */
const compiled = new WeakMap<TgwRouteTable, CompiledTgwTable>();

function compile(world: World, rs: RegionState, rtb: TgwRouteTable): CompiledTgwTable {
  let c = compiled.get(rtb);
  if (c && c.generation === world.generation) return c;
  const byPrefix = new Map<number, Map<number, EffectiveTgwRoute>>();
  const v6: { c: Cidr6; route: EffectiveTgwRoute }[] = [];
  // effectiveRoutes lists static routes first, so a static route keeps its prefix.
  for (const route of effectiveRoutes(world, rs, rtb)) {
    if (route.destinationCidr.includes(":")) {
      const c6 = parseCidr6(route.destinationCidr);
      if (c6) v6.push({ c: c6, route });
      continue;
    }
    const x = cidrOf(route.destinationCidr);
    let m = byPrefix.get(x.prefix);
    if (!m) byPrefix.set(x.prefix, (m = new Map()));
    if (!m.has(x.base)) m.set(x.base, route);
  }
  const levels = [...byPrefix.entries()]
    .sort((a, b) => b[0] - a[0])
    .map(([prefix, routes]) => ({ mask: prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0, routes }));
  // A stable sort keeps static routes ahead of propagated ones at the same prefix.
  v6.sort((a, b) => b.c.prefix - a.c.prefix);
  c = { generation: world.generation, levels, v6 };
  compiled.set(rtb, c);
  return c;
}

/** Longest-prefix match over the table's effective routes. */
export function lookupTgwRoute(world: World, rs: RegionState, rtb: TgwRouteTable, ip: number): EffectiveTgwRoute | undefined {
  for (const level of compile(world, rs, rtb).levels) {
    const r = level.routes.get((ip & level.mask) >>> 0);
    if (r) return r;
  }
  return undefined;
}

/** Longest-prefix match of an IPv6 address over the table's effective IPv6 routes. */
export function lookupTgwRoute6(world: World, rs: RegionState, rtb: TgwRouteTable, ip: Ip6): EffectiveTgwRoute | undefined {
  for (const e of compile(world, rs, rtb).v6) if (containsIp6(e.c, ip)) return e.route;
  return undefined;
}

export function createTgwRoute(world: World, rs: RegionState, rtbId: string | undefined, dest: string | undefined, attachmentId: string | undefined, blackhole: boolean | undefined): { rtb: TgwRouteTable; route: TgwStaticRoute } {
  const rtb = getTgwRouteTable(rs, rtbId);
  const cidr = canonical(dest);
  const route = staticRoute(world, rs, rtb, attachmentId, blackhole, cidr);
  if (rtb.routes.some((r) => r.destinationCidr === cidr)) throw tgwRouteAlreadyExists(cidr, rtb.id);
  let routes = 0;
  for (const t of rs.tgwRouteTables.values()) if (t.transitGatewayId === rtb.transitGatewayId && t.state !== "deleted") routes += t.routes.length;
  if (routes >= world.quotas.routesPerTransitGateway) throw tgwLimitExceeded(`static routes for ${rtb.transitGatewayId}`, world.quotas.routesPerTransitGateway);
  rtb.routes.push(route);
  return { rtb, route };
}

function staticRoute(world: World, rs: RegionState, rtb: TgwRouteTable, attachmentId: string | undefined, blackhole: boolean | undefined, cidr: string): TgwStaticRoute {
  if (blackhole === true) {
    if (attachmentId !== undefined) throw invalidParameterValue("The parameters transitGatewayAttachmentId and blackhole cannot be used together.");
    return { destinationCidr: cidr, blackhole: true };
  }
  if (attachmentId === undefined) throw missingParameter("TransitGatewayAttachmentId");
  attachmentOnTable(world, rs, rtb, attachmentId);
  return { destinationCidr: cidr, attachmentId, blackhole: false };
}

export function replaceTgwRoute(world: World, rs: RegionState, rtbId: string | undefined, dest: string | undefined, attachmentId: string | undefined, blackhole: boolean | undefined): { rtb: TgwRouteTable; route: TgwStaticRoute } {
  const rtb = getTgwRouteTable(rs, rtbId);
  const cidr = canonical(dest);
  const i = rtb.routes.findIndex((r) => r.destinationCidr === cidr);
  if (i < 0) throw tgwRouteNotFound(cidr, rtb.id);
  const route = staticRoute(world, rs, rtb, attachmentId, blackhole, cidr);
  rtb.routes[i] = route;
  return { rtb, route };
}

export function deleteTgwRoute(world: World, rs: RegionState, rtbId: string | undefined, dest: string | undefined): { rtb: TgwRouteTable; route: TgwStaticRoute } {
  const rtb = getTgwRouteTable(rs, rtbId);
  const cidr = canonical(dest);
  const i = rtb.routes.findIndex((r) => r.destinationCidr === cidr);
  if (i < 0) throw tgwRouteNotFound(cidr, rtb.id);
  const [route] = rtb.routes.splice(i, 1);
  return { rtb, route: route! };
}

// ---- VPC attachments --------------------------------------------------------------------------------

export interface VpcAttachmentOptionsInput {
  DnsSupport?: string;
  Ipv6Support?: string;
  ApplianceModeSupport?: string;
  SecurityGroupReferencingSupport?: string;
}

export function createVpcAttachment(world: World, callerRs: RegionState, tgwId: string | undefined, vpcId: string | undefined, subnetIds: string[] | undefined, o: VpcAttachmentOptionsInput | undefined, tags: Tags): TgwVpcAttachment {
  // The gateway may be another account's (shared); the VPC and subnets are the caller's.
  const rs = (tgwId ? tgwHome(world, callerRs, tgwId) : undefined) ?? callerRs;
  const cross = rs !== callerRs;
  const tgw = getTransitGateway(rs, tgwId);
  if (tgw.state !== "available") throw tgwIncorrectState(`${tgw.id} is in invalid state`);
  const vpc = getVpc(callerRs, vpcId);
  if (!subnetIds || subnetIds.length === 0) throw missingParameter("SubnetIds");
  const zones = new Set<string>();
  for (const id of subnetIds) {
    const sn = callerRs.subnets.get(id);
    if (!sn) throw subnetNotFound(id);
    if (sn.vpcId !== vpc.id) throw invalidParameterValue(`Subnet ${id} does not belong to VPC ${vpc.id}.`);
    if (zones.has(sn.availabilityZone)) throw tgwDuplicateSubnetsInZone();
    zones.add(sn.availabilityZone);
  }
  for (const a of rs.tgwAttachments.values()) {
    if (a.transitGatewayId === tgw.id && a.vpcId === vpc.id && LIVE_ATTACHMENT.has(a.state)) throw tgwDuplicateVpcAttachment(tgw.id);
  }
  if (liveAttachments(world, rs, tgw.id).all >= world.quotas.attachmentsPerTransitGateway) throw tgwLimitExceeded(`attachments for ${tgw.id}`, world.quotas.attachmentsPerTransitGateway);
  const ipv6Support = enableDisable(o?.Ipv6Support, "ipv6Support", "disable");
  if (ipv6Support === "enable") checkIpv6Support(callerRs, vpc.id, subnetIds);
  const a: TgwVpcAttachment = {
    id: world.ids.next("tgw-attach"),
    ownerId: rs.account,
    region: rs.region,
    tags,
    transitGatewayId: tgw.id,
    vpcId: vpc.id,
    ...(cross ? { vpcOwnerId: callerRs.account } : {}),
    subnetIds: [...subnetIds],
    state: cross && tgw.options.autoAcceptSharedAttachments !== "enable" ? "pendingAcceptance" : "pending",
    createdAt: world.clock.now(),
    options: {
      dnsSupport: enableDisable(o?.DnsSupport, "dnsSupport", "enable"),
      ipv6Support,
      applianceModeSupport: enableDisable(o?.ApplianceModeSupport, "applianceModeSupport", "disable"),
      securityGroupReferencingSupport: enableDisable(o?.SecurityGroupReferencingSupport, "securityGroupReferencingSupport", tgw.options.securityGroupReferencingSupport),
    },
  };
  rs.tgwAttachments.set(a.id, a);
  if (a.state === "pending") startAttachment(world, rs, tgw, a);
  return a;
}

/**
 * Ipv6Support=enable gives the gateway's network interface in each attachment subnet an IPv6 address
 * (API reference, CreateTransitGatewayVpcAttachmentRequestOptions): the VPC needs an associated IPv6
 * block and every attachment subnet an associated IPv6 /64.
 */
function checkIpv6Support(rs: RegionState, vpcId: string, subnetIds: readonly string[]): void {
  const vpc = rs.vpcs.get(vpcId);
  if (!vpc?.ipv6CidrBlocks?.some((b) => b.state === "associated")) throw invalidParameterValue(`VPC ${vpcId} has no IPv6 CIDR block: Ipv6Support cannot be enabled.`);
  for (const id of subnetIds) {
    if (!rs.subnets.get(id)?.ipv6CidrBlocks?.some((b) => b.state === "associated")) throw invalidParameterValue(`Subnet ${id} has no IPv6 CIDR block: Ipv6Support cannot be enabled for an attachment in it.`);
  }
}

/** An attachment on its way to `available`: the gateway's default association and propagation apply. */
function startAttachment(world: World, rs: RegionState, tgw: TransitGateway, a: TgwVpcAttachment): void {
  a.state = "pending";
  const assoc = tgw.options.defaultRouteTableAssociation === "enable" ? tgw.options.associationDefaultRouteTableId : undefined;
  if (assoc) rs.tgwRouteTables.get(assoc)?.associations.push(a.id);
  const prop = tgw.options.defaultRouteTablePropagation === "enable" ? tgw.options.propagationDefaultRouteTableId : undefined;
  if (prop) rs.tgwRouteTables.get(prop)?.propagations.push(a.id);
  world.after("tgw-attach.pending", { kind: "tgw-attach.pending", id: a.id, account: rs.account, region: rs.region });
}

export function modifyVpcAttachment(world: World, callerRs: RegionState, id: string | undefined, add: string[] | undefined, remove: string[] | undefined, o: VpcAttachmentOptionsInput | undefined): TgwVpcAttachment {
  const { a, vpcRs: rs } = findVpcAttachment(world, callerRs, id);
  if (a.state !== "available") throw tgwIncorrectState(`${a.id} is in invalid state`);
  let subnets = a.subnetIds.filter((s) => !(remove ?? []).includes(s));
  for (const sid of remove ?? []) if (!a.subnetIds.includes(sid)) throw invalidParameterValue(`Subnet ${sid} is not part of attachment ${a.id}.`);
  const zones = new Set(subnets.map((s) => rs.subnets.get(s)?.availabilityZone));
  for (const sid of add ?? []) {
    const sn = rs.subnets.get(sid);
    if (!sn) throw subnetNotFound(sid);
    if (sn.vpcId !== a.vpcId) throw invalidParameterValue(`Subnet ${sid} does not belong to VPC ${a.vpcId}.`);
    if (zones.has(sn.availabilityZone)) throw tgwDuplicateSubnetsInZone();
    zones.add(sn.availabilityZone);
    subnets.push(sid);
  }
  if (subnets.length === 0) throw invalidParameterValue(`Attachment ${a.id} must keep at least one subnet.`);
  const ipv6Support = enableDisable(o?.Ipv6Support, "ipv6Support", a.options.ipv6Support);
  if (ipv6Support === "enable") checkIpv6Support(rs, a.vpcId, subnets);
  const next = {
    dnsSupport: enableDisable(o?.DnsSupport, "dnsSupport", a.options.dnsSupport),
    ipv6Support,
    applianceModeSupport: enableDisable(o?.ApplianceModeSupport, "applianceModeSupport", a.options.applianceModeSupport),
    securityGroupReferencingSupport: enableDisable(o?.SecurityGroupReferencingSupport, "securityGroupReferencingSupport", a.options.securityGroupReferencingSupport),
  };
  a.subnetIds = subnets;
  a.options = next;
  return a;
}

/** Removes an attachment from every table of its region (association, propagations, nothing else). */
function unlink(rs: RegionState, id: string): void {
  for (const rtb of rs.tgwRouteTables.values()) {
    rtb.associations = rtb.associations.filter((x) => x !== id);
    rtb.propagations = rtb.propagations.filter((x) => x !== id);
  }
}

export function deleteVpcAttachment(world: World, callerRs: RegionState, id: string | undefined): TgwVpcAttachment {
  const { a, home: rs } = findVpcAttachment(world, callerRs, id);
  if (a.state === "deleting") throw tgwIncorrectState(`${a.id} is in invalid state`);
  unlink(rs, a.id);
  a.state = "deleting";
  world.after("tgw-attach.deleting", { kind: "tgw-attach.deleting", id: a.id, account: rs.account, region: rs.region });
  return a;
}

/**
 * The gateway owner's answer to a cross-account attachment waiting in `pendingAcceptance`: accepted, it
 * goes `pending` → `available` with the gateway's default association and propagation; rejected, it is
 * `rejected` (and forgotten two hours later). Anything else answers IncorrectState, as does the VPC's
 * account (only the gateway's owner may answer).
 */
export function acceptOrRejectVpcAttachment(world: World, rs: RegionState, id: string | undefined, accept: boolean): TgwVpcAttachment {
  const { a, home } = findVpcAttachment(world, rs, id);
  if (home !== rs) throw tgwIncorrectState(`${a.id} can only be ${accept ? "accepted" : "rejected"} by the transit gateway's owner, account ${home.account}.`);
  if (a.state !== "pendingAcceptance") throw tgwIncorrectState(`${a.id} is in invalid state: ${a.state}`);
  if (accept) startAttachment(world, rs, getTransitGateway(rs, a.transitGatewayId), a);
  else {
    a.state = "rejected";
    forgetLater(world, "tgw-attach.forget", a.id, rs);
  }
  return a;
}

// ---- peering attachments ----------------------------------------------------------------------------

/** A gateway's attachments that are not deleted or failed (for its quotas): all of them, and the peerings. */
function liveAttachments(world: World, rs: RegionState, tgwId: string): { all: number; peerings: number } {
  let vpcs = 0;
  let peerings = 0;
  for (const a of rs.tgwAttachments.values()) if (a.transitGatewayId === tgwId && LIVE_ATTACHMENT.has(a.state)) vpcs++;
  for (const p of world.tgwPeerings.values()) {
    if (!LIVE_ATTACHMENT.has(p.state)) continue;
    const mine = (p.requester.transitGatewayId === tgwId && p.requester.ownerId === rs.account && p.requester.region === rs.region) || (p.accepter.transitGatewayId === tgwId && p.accepter.ownerId === rs.account && p.accepter.region === rs.region);
    if (mine) peerings++;
  }
  return { all: vpcs + peerings, peerings };
}

export function createTgwPeering(world: World, rs: RegionState, tgwId: string | undefined, peerTgwId: string | undefined, peerAccount: string | undefined, peerRegion: string | undefined, tags: Tags): TgwPeeringAttachment {
  const tgw = getTransitGateway(rs, tgwId);
  if (tgw.state !== "available") throw tgwIncorrectState(`${tgw.id} is in invalid state`);
  if (peerTgwId === undefined || peerTgwId === "") throw missingParameter("PeerTransitGatewayId");
  if (peerAccount === undefined || peerAccount === "") throw missingParameter("PeerAccountId");
  if (peerRegion === undefined || peerRegion === "") throw missingParameter("PeerRegion");
  if (!regionInfo(peerRegion)) throw invalidParameterValue(`Value (${peerRegion}) for parameter peerRegion is invalid. The region '${peerRegion}' does not exist.`);
  if (peerTgwId === tgw.id) throw invalidParameterValue(`A transit gateway cannot peer with itself (${tgw.id}).`);
  for (const p of world.tgwPeerings.values()) {
    if (!LIVE_ATTACHMENT.has(p.state)) continue;
    const ids = [p.requester.transitGatewayId, p.accepter.transitGatewayId];
    if (ids.includes(tgw.id) && ids.includes(peerTgwId)) throw tgwIncorrectState(`A peering attachment between ${tgw.id} and ${peerTgwId} already exists: ${p.id}`);
  }
  const mine = liveAttachments(world, rs, tgw.id);
  if (mine.peerings >= world.quotas.peeringAttachmentsPerTransitGateway) throw tgwLimitExceeded(`peering attachments for ${tgw.id}`, world.quotas.peeringAttachmentsPerTransitGateway);
  if (mine.all >= world.quotas.attachmentsPerTransitGateway) throw tgwLimitExceeded(`attachments for ${tgw.id}`, world.quotas.attachmentsPerTransitGateway);
  // The outcome is decided now and applied on the next request, as for a VPC peering request.
  const peer = world.hasAccount(peerAccount) ? world.existingRegion(peerAccount, peerRegion)?.transitGateways.get(peerTgwId) : undefined;
  const fails = peer === undefined || peer.state !== "available";
  const p: TgwPeeringAttachment = {
    id: world.ids.next("tgw-attach"),
    requester: { ownerId: rs.account, region: rs.region, transitGatewayId: tgw.id },
    accepter: { ownerId: peerAccount, region: peerRegion, transitGatewayId: peerTgwId },
    state: "initiatingRequest",
    createdAt: world.clock.now(),
    statusMessage: "Initiating Request",
    tags: new Map([[tgwPeeringTagKey(rs.account, rs.region), tags]]),
  };
  world.tgwPeerings.set(p.id, p);
  world.after("tgw-peering.pending", { kind: "tgw-peering.pending", id: p.id, data: { fails } });
  return p;
}

function checkAccepter(p: TgwPeeringAttachment, account: string, region: string, verb: string): void {
  if (p.accepter.ownerId !== account || p.accepter.region !== region) {
    throw tgwIncorrectState(`Transit Gateway Peering Attachment ${p.id} can only be ${verb} by its accepter, account ${p.accepter.ownerId} in ${p.accepter.region}.`);
  }
  if (p.state !== "pendingAcceptance") throw tgwIncorrectState(`${p.id} is in invalid state: ${p.state}`);
}

export function acceptTgwPeering(world: World, account: string, region: string, id: string | undefined): TgwPeeringAttachment {
  const p = getPeeringAttachment(world, account, region, id);
  checkAccepter(p, account, region, "accepted");
  p.state = "pending";
  p.statusMessage = "Pending";
  world.after("tgw-peering.accept", { kind: "tgw-peering.accept", id: p.id });
  return p;
}

export function rejectTgwPeering(world: World, account: string, region: string, id: string | undefined): TgwPeeringAttachment {
  const p = getPeeringAttachment(world, account, region, id);
  checkAccepter(p, account, region, "rejected");
  p.state = "rejected";
  p.statusMessage = "Rejected";
  forgetLater(world, "tgw-peering.forget", p.id);
  return p;
}

export function deleteTgwPeering(world: World, account: string, region: string, id: string | undefined): TgwPeeringAttachment {
  const p = getPeeringAttachment(world, account, region, id);
  if (p.state === "deleting" || p.state === "rejected" || p.state === "failed") throw tgwIncorrectState(`${p.id} is in invalid state: ${p.state}`);
  for (const side of [p.requester, p.accepter]) {
    const srs = world.existingRegion(side.ownerId, side.region);
    if (srs) unlink(srs, p.id);
  }
  p.state = "deleting";
  p.statusMessage = "Deleting";
  world.after("tgw-peering.deleting", { kind: "tgw-peering.deleting", id: p.id });
  return p;
}
