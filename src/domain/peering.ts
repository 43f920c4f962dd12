/**
 * VPC peering connections: one object shared by two VPCs that may belong to different accounts and
 * live in different regions, with AWS's whole lifecycle (initiating-request → pending-acceptance →
 * provisioning → active; failed, rejected, expired, deleting, deleted), who may do what from where,
 * the windows during which finished connections stay visible, and AWS's quotas.
 *
 * References: EC2 API CreateVpcPeeringConnection, AcceptVpcPeeringConnection,
 * RejectVpcPeeringConnection, DeleteVpcPeeringConnection, DescribeVpcPeeringConnections,
 * ModifyVpcPeeringConnectionOptions; VPC Peering Guide "VPC peering connection lifecycle",
 * "VPC peering limitations", "VPC peering connection quotas"; EC2 "Error codes".
 *
 * Fidelity notes:
 * - Accounts: a 12-digit access key id is an account, and vpclab treats an account as existing once
 *   it has made a request that touched its regional state (describe-vpcs, create-vpc, …) in any region.
 *   A request to an account that has never been used ends `failed`, as a request to a wrong account id
 *   does on AWS. The caller's own account always exists.
 * - The outcome of a request (pending-acceptance or failed) is decided when it is made and applied on
 *   the next request (delay `peering.pending`). Failure causes, as on AWS, all share one message: the
 *   peer VPC does not exist in that account and region, the account does not exist, or any IPv4 block
 *   of one VPC (secondary blocks included) overlaps any block of the other. vpclab has no IPv6 blocks.
 * - Accepting answers `provisioning`; the connection is `active` from the next request on (delay
 *   `peering.provisioning`). Deleting an inter-region connection answers `deleting`, then `deleted`
 *   (delay `peering.deleting`); an intra-region one is `deleted` at once.
 * - A pending request expires 168 hours after it was made, on the emulator clock.
 * - Visibility after the end, per account as the Peering Guide gives it: failed 2 hours (requester
 *   only); expired 2 days (both); rejected 2 days for the requester, 2 hours for the accepter; deleted
 *   2 hours for the account that deleted it, 2 days for the other; within one account, 2 hours for
 *   rejected and deleted. Afterwards the connection is gone from Describe and from the world.
 * - While a request is not accepted, AccepterVpcInfo carries only OwnerId, VpcId and Region (as in
 *   AWS's documented example); its CIDR blocks and peering options appear once it has been accepted.
 *   Both sides' CIDR blocks are refreshed when the connection is accepted and kept as they were then.
 * - Status messages: "Initiating Request to <account>", "Pending Acceptance by <account>",
 *   "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range", "Provisioning", "Active"
 *   are AWS's; "Rejected by <account>", "Deleting", "Deleted by <account>" and "Expired" follow the same
 *   pattern but are not confirmed from a recorded AWS answer.
 * - Quotas: `outstandingPeeringRequests` counts the caller's unaccepted requests in one region
 *   (`OutstandingVpcPeeringConnectionLimitExceeded` on create); `activePeeringsPerVpc` counts each
 *   VPC's provisioning or active connections (`ActiveVpcPeeringConnectionPerVpcLimitExceeded` on accept).
 * - The two ClassicLink options are accepted only as `false`: EC2-Classic is retired.
 */
import { defineTransition, type RegionState, type World } from "../state/world.js";
import type { PeeringMeta, PeeringSide, PeeringStatusCode, Tags, Vpc, VpcPeeringConnection } from "./types.js";
import { regionInfo } from "../model/regions.js";
import { cidrOf, overlaps } from "./cidr.js";
import { getVpc } from "./lookup.js";
import {
  invalidParameterValue,
  invalidStateTransition,
  missingParameter,
  operationNotPermitted,
  peeringNotFound,
  unsupportedOperation,
  peeringAlreadyExists,
  outstandingPeeringLimitExceeded,
  activePeeringLimitExceeded,
  peeringWrongAccount,
  peeringWrongAcceptRegion,
  peeringWrongRejectRegion,
  peeringMalformed,
} from "./errors.js";
import { isWellFormedId } from "./ids.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A request that nobody accepts expires after 7 days (168 hours). */
/** Key of one side's copy of a connection in `VpcPeeringConnection.tags` (each side tags its own copy). */
export const peeringTagKey = (account: string, region: string) => `${account}/${region}`;

export const PEERING_EXPIRY_MS = 168 * HOUR;

export const FAILED_MESSAGE = "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range";

/** States in which a connection still joins its two VPCs, or is about to: only one such per VPC pair. */
const LIVE: ReadonlySet<PeeringStatusCode> = new Set<PeeringStatusCode>([
  "initiating-request",
  "pending-acceptance",
  "provisioning",
  "active",
  "deleting",
]);
const OUTSTANDING: ReadonlySet<PeeringStatusCode> = new Set<PeeringStatusCode>(["initiating-request", "pending-acceptance"]);
const ACTIVE_LIKE: ReadonlySet<PeeringStatusCode> = new Set<PeeringStatusCode>(["provisioning", "active"]);

/** The record's `meta` (whether it was accepted, who ended it), filled in for records made without it. */
function metaOf(pcx: VpcPeeringConnection): PeeringMeta {
  return (pcx.meta ??= { accepted: ACTIVE_LIKE.has(pcx.status.code) || pcx.status.code === "deleting" });
}

/** Whether AWS shows the accepter's CIDR blocks and peering options (only once accepted). */
export function isAccepted(pcx: VpcPeeringConnection): boolean {
  return metaOf(pcx).accepted;
}

// ---- visibility -----------------------------------------------------------------------------------

function isSide(side: PeeringSide, account: string, region: string): boolean {
  return side.ownerId === account && side.region === region;
}

function sameAccount(pcx: VpcPeeringConnection): boolean {
  return pcx.requester.ownerId === pcx.accepter.ownerId;
}

/** Until when (emulator ms) `account` still sees the connection; Infinity while it is not finished. */
function visibleUntil(pcx: VpcPeeringConnection, account: string): number {
  const t = pcx.statusChangedAt;
  switch (pcx.status.code) {
    case "failed":
      return account === pcx.requester.ownerId ? t + 2 * HOUR : -Infinity;
    case "expired":
      return t + 2 * DAY;
    case "rejected":
      if (sameAccount(pcx)) return t + 2 * HOUR;
      return account === pcx.requester.ownerId ? t + 2 * DAY : t + 2 * HOUR;
    case "deleted":
      if (sameAccount(pcx)) return t + 2 * HOUR;
      return account === metaOf(pcx).endedBy ? t + 2 * HOUR : t + 2 * DAY;
    default:
      return Infinity;
  }
}

/** When the last viewer loses sight of a finished connection (it is then dropped from the world). */
function forgottenAt(pcx: VpcPeeringConnection): number {
  return Math.max(visibleUntil(pcx, pcx.requester.ownerId), visibleUntil(pcx, pcx.accepter.ownerId));
}

/** Whether the caller (account × region) sees the connection now. */
export function isVisible(world: World, account: string, region: string, pcx: VpcPeeringConnection): boolean {
  const requester = isSide(pcx.requester, account, region);
  // A failed request never reached the accepter: only the requester sees it.
  const accepter = pcx.status.code !== "failed" && isSide(pcx.accepter, account, region);
  if (!requester && !accepter) return false;
  return world.clock.now() < visibleUntil(pcx, account);
}

/** Every connection the caller sees, by id, in creation order. */
export function visiblePeerings(world: World, account: string, region: string): Map<string, VpcPeeringConnection> {
  const out = new Map<string, VpcPeeringConnection>();
  for (const pcx of world.peerings.values()) if (isVisible(world, account, region, pcx)) out.set(pcx.id, pcx);
  return out;
}

export function getVisiblePeering(world: World, account: string, region: string, id: string | undefined): VpcPeeringConnection {
  const pcx = id === undefined ? undefined : world.peerings.get(id);
  if (!pcx || !isVisible(world, account, region, pcx)) {
    if (id !== undefined && !isWellFormedId("pcx", id)) throw peeringMalformed(id);
    throw peeringNotFound(id ?? "");
  }
  return pcx;
}

// ---- transitions ----------------------------------------------------------------------------------

function setStatus(world: World, pcx: VpcPeeringConnection, code: PeeringStatusCode, message: string): void {
  pcx.status = { code, message };
  pcx.statusChangedAt = world.clock.now();
  if (code === "failed" || code === "expired" || code === "rejected" || code === "deleted") {
    // Dropped once nobody sees it; the guard keeps a later change of state from being undone.
    world.at(forgottenAt(pcx), { kind: "peering.forget", id: pcx.id, data: { code } });
  }
}

// The connection's lifecycle as transitions (state/world.ts), each guarded by the state it expects.
defineTransition("peering.forget", (world, t) => {
  const pcx = world.peerings.get(t.id);
  if (pcx && pcx.status.code === t.data?.code && world.clock.now() >= forgottenAt(pcx)) world.peerings.delete(pcx.id);
});
defineTransition("peering.pending", (world, t) => {
  const pcx = world.peerings.get(t.id);
  if (!pcx || pcx.status.code !== "initiating-request") return;
  if (t.data?.fails === true) {
    setStatus(world, pcx, "failed", FAILED_MESSAGE);
    return;
  }
  setStatus(world, pcx, "pending-acceptance", `Pending Acceptance by ${pcx.accepter.ownerId}`);
  world.at(pcx.expirationTime!, { kind: "peering.expire", id: pcx.id });
});
defineTransition("peering.expire", (world, t) => {
  const pcx = world.peerings.get(t.id);
  if (pcx?.status.code === "pending-acceptance") setStatus(world, pcx, "expired", "Expired");
});
defineTransition("peering.provisioning", (world, t) => {
  const pcx = world.peerings.get(t.id);
  if (pcx?.status.code === "provisioning") setStatus(world, pcx, "active", "Active");
});
defineTransition("peering.deleting", (world, t) => {
  const pcx = world.peerings.get(t.id);
  if (pcx?.status.code === "deleting") setStatus(world, pcx, "deleted", String(t.data?.message ?? ""));
});

function ipv4Blocks(vpc: Vpc): string[] {
  return vpc.cidrBlocks.map((b) => b.cidr);
}

/** A VPC's live IPv6 blocks, shown in the peering's Ipv6CidrBlockSet (undefined when none). */
function ipv6Blocks(vpc: Vpc | undefined): string[] | undefined {
  const live = (vpc?.ipv6CidrBlocks ?? []).filter((b) => b.state === "associating" || b.state === "associated").map((b) => b.cidr);
  return live.length > 0 ? live : undefined;
}

function anyOverlap(a: string[], b: string[]): boolean {
  return a.some((x) => b.some((y) => overlaps(cidrOf(x), cidrOf(y))));
}

function sameVpc(side: PeeringSide, owner: string, region: string, vpcId: string): boolean {
  return side.ownerId === owner && side.region === region && side.vpcId === vpcId;
}

function joins(pcx: VpcPeeringConnection, owner: string, region: string, vpcId: string): boolean {
  return sameVpc(pcx.requester, owner, region, vpcId) || sameVpc(pcx.accepter, owner, region, vpcId);
}

function accountExists(world: World, caller: string, account: string): boolean {
  return account === caller || (/^\d{12}$/.test(account) && world.hasAccount(account));
}

export interface CreatePeeringInput {
  vpcId?: string;
  peerVpcId?: string;
  peerRegion?: string;
  peerOwnerId?: string;
  tags: Tags;
}

export function createPeering(world: World, rs: RegionState, input: CreatePeeringInput): VpcPeeringConnection {
  const vpc = getVpc(rs, input.vpcId);
  const peerVpcId = input.peerVpcId;
  if (peerVpcId === undefined || peerVpcId === "") throw missingParameter("PeerVpcId");
  const peerRegion = input.peerRegion ?? rs.region;
  if (!regionInfo(peerRegion)) {
    throw invalidParameterValue(`Value (${peerRegion}) for parameter peerRegion is invalid. The region '${peerRegion}' does not exist.`);
  }
  const peerOwner = input.peerOwnerId ?? rs.account;

  for (const p of world.peerings.values()) {
    if (!LIVE.has(p.status.code)) continue;
    if (joins(p, rs.account, rs.region, vpc.id) && joins(p, peerOwner, peerRegion, peerVpcId)) throw peeringAlreadyExists();
  }
  let outstanding = 0;
  for (const p of world.peerings.values()) {
    if (OUTSTANDING.has(p.status.code) && isSide(p.requester, rs.account, rs.region)) outstanding++;
  }
  if (outstanding >= world.quotas.outstandingPeeringRequests) throw outstandingPeeringLimitExceeded(world.quotas.outstandingPeeringRequests);

  // Everything is valid: from here on the request is made, and only its outcome remains to be seen.
  const peerVpc = accountExists(world, rs.account, peerOwner) ? world.region(peerOwner, peerRegion).vpcs.get(peerVpcId) : undefined;
  const requesterBlocks = ipv4Blocks(vpc);
  const accepterBlocks = peerVpc ? ipv4Blocks(peerVpc) : [];
  const fails = !peerVpc || anyOverlap(requesterBlocks, accepterBlocks);

  const now = world.clock.now();
  const pcx: VpcPeeringConnection = {
    id: world.ids.next("pcx"),
    requester: { ownerId: rs.account, region: rs.region, vpcId: vpc.id, cidrBlocks: requesterBlocks, ipv6CidrBlocks: ipv6Blocks(vpc), allowDnsResolutionFromRemoteVpc: false },
    accepter: { ownerId: peerOwner, region: peerRegion, vpcId: peerVpcId, cidrBlocks: accepterBlocks, ipv6CidrBlocks: ipv6Blocks(peerVpc), allowDnsResolutionFromRemoteVpc: false },
    status: { code: "initiating-request", message: `Initiating Request to ${peerOwner}` },
    // Whole seconds, as AWS shows it (…T09:12:43.000Z).
    expirationTime: Math.floor((now + PEERING_EXPIRY_MS) / 1000) * 1000,
    statusChangedAt: now,
    tags: new Map([[peeringTagKey(rs.account, rs.region), input.tags]]),
    meta: { accepted: false },
  };
  world.peerings.set(pcx.id, pcx);
  world.after("peering.pending", { kind: "peering.pending", id: pcx.id, data: { fails } });
  return pcx;
}

/** The accepter's own check shared by Accept and Reject: its account, then its region. */
function checkAccepter(pcx: VpcPeeringConnection, account: string, region: string, verb: "accept" | "reject"): void {
  if (account !== pcx.accepter.ownerId) throw peeringWrongAccount(account, pcx.id, verb);
  if (region !== pcx.accepter.region) {
    throw verb === "accept" ? peeringWrongAcceptRegion(region, pcx.id, pcx.accepter.region) : peeringWrongRejectRegion(region, pcx.id, pcx.accepter.region);
  }
}

function findVpc(world: World, side: PeeringSide): Vpc | undefined {
  if (!world.hasAccount(side.ownerId)) return undefined;
  for (const rs of world.regionStates()) {
    if (rs.account === side.ownerId && rs.region === side.region) return rs.vpcs.get(side.vpcId);
  }
  return undefined;
}

export function acceptPeering(world: World, account: string, region: string, id: string | undefined): VpcPeeringConnection {
  const pcx = getVisiblePeering(world, account, region, id);
  checkAccepter(pcx, account, region, "accept");
  if (pcx.status.code !== "pending-acceptance") throw invalidStateTransition(pcx.id, pcx.status.code, "provisioning");
  const limit = world.quotas.activePeeringsPerVpc;
  for (const side of [pcx.requester, pcx.accepter]) {
    let active = 0;
    for (const p of world.peerings.values()) {
      if (ACTIVE_LIKE.has(p.status.code) && joins(p, side.ownerId, side.region, side.vpcId)) active++;
    }
    if (active >= limit) throw activePeeringLimitExceeded(side.vpcId, limit);
  }

  for (const side of [pcx.requester, pcx.accepter]) {
    const vpc = findVpc(world, side);
    if (vpc) {
      side.cidrBlocks = ipv4Blocks(vpc);
      side.ipv6CidrBlocks = ipv6Blocks(vpc);
    }
  }
  metaOf(pcx).accepted = true;
  setStatus(world, pcx, "provisioning", "Provisioning");
  world.after("peering.provisioning", { kind: "peering.provisioning", id: pcx.id });
  return pcx;
}

export function rejectPeering(world: World, account: string, region: string, id: string | undefined): void {
  const pcx = getVisiblePeering(world, account, region, id);
  checkAccepter(pcx, account, region, "reject");
  if (pcx.status.code !== "pending-acceptance") throw invalidStateTransition(pcx.id, pcx.status.code, "rejected");
  metaOf(pcx).endedBy = account;
  setStatus(world, pcx, "rejected", `Rejected by ${account}`);
}

export function deletePeering(world: World, account: string, region: string, id: string | undefined): void {
  const pcx = getVisiblePeering(world, account, region, id);
  const code = pcx.status.code;
  if (code === "pending-acceptance") {
    // Only the requester withdraws a request; the accepter rejects it instead.
    if (account !== pcx.requester.ownerId) throw peeringWrongAccount(account, pcx.id, "delete");
  } else if (!ACTIVE_LIKE.has(code)) {
    throw invalidStateTransition(pcx.id, code, "deleting");
  }
  metaOf(pcx).endedBy = account;
  const message = `Deleted by ${account}`;
  if (pcx.requester.region !== pcx.accepter.region) {
    setStatus(world, pcx, "deleting", "Deleting");
    world.after("peering.deleting", { kind: "peering.deleting", id: pcx.id, data: { message } });
  } else {
    setStatus(world, pcx, "deleted", message);
  }
}

export interface PeeringOptionsInput {
  AllowDnsResolutionFromRemoteVpc?: boolean;
  AllowEgressFromLocalClassicLinkToRemoteVpc?: boolean;
  AllowEgressFromLocalVpcToRemoteClassicLink?: boolean;
}

/**
 * AWS's rules: only an active connection; each side's options are set by the account that owns that
 * side, from that side's region (so an inter-region connection needs one call per region).
 */
export function modifyPeeringOptions(
  world: World,
  account: string,
  region: string,
  id: string | undefined,
  requester: PeeringOptionsInput | undefined,
  accepter: PeeringOptionsInput | undefined,
): VpcPeeringConnection {
  const pcx = getVisiblePeering(world, account, region, id);
  if (requester === undefined && accepter === undefined) {
    throw missingParameter("RequesterPeeringConnectionOptions or AccepterPeeringConnectionOptions");
  }
  if (pcx.status.code !== "active") {
    throw operationNotPermitted(`Peering ${pcx.id} is not active. Peering options can be added only to active peerings.`);
  }
  const checks: [PeeringOptionsInput | undefined, PeeringSide, string][] = [
    [requester, pcx.requester, "requester"],
    [accepter, pcx.accepter, "accepter"],
  ];
  for (const [opts, side, name] of checks) {
    if (opts === undefined) continue;
    if (side.ownerId !== account) {
      throw operationNotPermitted(`User ${account} does not have permission to modify the ${name} side peering options`);
    }
    if (side.region !== region) {
      const who = name === "requester" ? "Requester's" : "Accepter's";
      throw operationNotPermitted(`${who} VPC Peering connection options cannot be modified for a different region`);
    }
    if (opts.AllowEgressFromLocalClassicLinkToRemoteVpc === true || opts.AllowEgressFromLocalVpcToRemoteClassicLink === true) {
      throw unsupportedOperation("ClassicLink is no longer supported: EC2-Classic has been retired.");
    }
  }
  for (const [opts, side] of checks) {
    if (opts?.AllowDnsResolutionFromRemoteVpc !== undefined) side.allowDnsResolutionFromRemoteVpc = opts.AllowDnsResolutionFromRemoteVpc;
  }
  return pcx;
}
