/**
 * Transit gateway prefix-list references: a transit gateway route table routes every CIDR block of a
 * managed prefix list to one attachment (or drops it: blackhole).
 *
 * Reference: EC2 API CreateTransitGatewayPrefixListReference, GetTransitGatewayPrefixListReferences,
 * ModifyTransitGatewayPrefixListReference, DeleteTransitGatewayPrefixListReference; Transit Gateways
 * Guide "Prefix list references" (one reference per list and table; an attachment of the table's
 * gateway or `Blackhole`, not both) and "Route evaluation order" (static CIDR routes, then prefix-list
 * routes, then propagated routes).
 *
 * Fidelity notes:
 * - Changes are synchronous: Create answers `pending`, Modify `modifying`, Delete `deleting`; the next
 *   request sees `available` (or the reference gone).
 * - The references are expanded into the table's effective routes (domain/transit-gateways.ts
 *   `effectiveRoutes`), after static routes with the same CIDR block and before propagated ones, so the
 *   engine follows them and every change of the list.
 * - Lists of the table's own account and region only (RAM sharing is not modelled).
 * - The wording of the already-exists / not-found refusals is vpclab's; the codes follow the TGW
 *   route errors (`RouteAlreadyExists`, `InvalidRoute.NotFound`).
 */
import type { RegionState, World } from "../state/world.js";
import type { TgwPrefixListReference } from "./types.js";
import { getAnyAttachment, getTgwRouteTable } from "./transit-gateways.js";
import { referencedPrefixList, isAwsManaged } from "./prefix-lists.js";
import {
  invalidParameterValue,
  missingParameter,
  tgwAttachmentOtherGateway,
  tgwPrefixListReferenceExists,
  tgwPrefixListReferenceNotFound,
} from "./errors.js";

export interface TgwPlRefInput {
  TransitGatewayRouteTableId?: string;
  PrefixListId?: string;
  TransitGatewayAttachmentId?: string;
  Blackhole?: boolean;
}

function target(world: World, rs: RegionState, tgwId: string, rtbId: string, input: TgwPlRefInput): { attachmentId?: string; blackhole: boolean } {
  if (input.Blackhole === true) {
    if (input.TransitGatewayAttachmentId !== undefined) throw invalidParameterValue("The parameters transitGatewayAttachmentId and blackhole cannot be used together.");
    return { blackhole: true };
  }
  if (input.TransitGatewayAttachmentId === undefined) throw missingParameter("TransitGatewayAttachmentId");
  const a = getAnyAttachment(world, rs, input.TransitGatewayAttachmentId);
  if (a.transitGatewayId !== tgwId) throw tgwAttachmentOtherGateway(a.id, rtbId);
  return { attachmentId: a.id, blackhole: false };
}

export function createTgwPrefixListReference(world: World, rs: RegionState, input: TgwPlRefInput): TgwPrefixListReference {
  const rtb = getTgwRouteTable(rs, input.TransitGatewayRouteTableId);
  const pl = referencedPrefixList(rs, input.PrefixListId);
  if (rtb.prefixListReferences?.some((r) => r.prefixListId === pl.id)) throw tgwPrefixListReferenceExists(pl.id, rtb.id);
  const t = target(world, rs, rtb.transitGatewayId, rtb.id, input);
  const ref: TgwPrefixListReference = {
    routeTableId: rtb.id,
    transitGatewayId: rtb.transitGatewayId,
    prefixListId: pl.id,
    prefixListOwnerId: isAwsManaged(pl) ? "AWS" : pl.ownerId,
    blackhole: t.blackhole,
  };
  if (t.attachmentId !== undefined) ref.attachmentId = t.attachmentId;
  rtb.prefixListReferences = [...(rtb.prefixListReferences ?? []), ref];
  return ref;
}

function getRef(rs: RegionState, input: TgwPlRefInput): TgwPrefixListReference {
  const rtb = getTgwRouteTable(rs, input.TransitGatewayRouteTableId);
  if (input.PrefixListId === undefined || input.PrefixListId === "") throw missingParameter("PrefixListId");
  const ref = rtb.prefixListReferences?.find((r) => r.prefixListId === input.PrefixListId);
  if (!ref) throw tgwPrefixListReferenceNotFound(input.PrefixListId, rtb.id);
  return ref;
}

export function modifyTgwPrefixListReference(world: World, rs: RegionState, input: TgwPlRefInput): TgwPrefixListReference {
  const ref = getRef(rs, input);
  const t = target(world, rs, ref.transitGatewayId, ref.routeTableId, input);
  ref.blackhole = t.blackhole;
  if (t.attachmentId !== undefined) ref.attachmentId = t.attachmentId;
  else delete ref.attachmentId;
  return ref;
}

export function deleteTgwPrefixListReference(rs: RegionState, input: TgwPlRefInput): TgwPrefixListReference {
  const ref = getRef(rs, input);
  const rtb = getTgwRouteTable(rs, ref.routeTableId);
  rtb.prefixListReferences = (rtb.prefixListReferences ?? []).filter((r) => r !== ref);
  return ref;
}

/** The references of one transit gateway route table, in creation order. */
export function tgwPrefixListReferencesOf(rs: RegionState, rtbId: string): TgwPrefixListReference[] {
  return rs.tgwRouteTables.get(rtbId)?.prefixListReferences ?? [];
}
