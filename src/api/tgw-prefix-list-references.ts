/**
 * Transit gateway prefix-list references: Create/Get/Modify/DeleteTransitGatewayPrefixListReference(s).
 *
 * Reference: EC2 API reference for each action; GetTransitGatewayPrefixListReferences filters
 * attachment.resource-id, attachment.resource-type, attachment.transit-gateway-attachment-id,
 * is-blackhole, prefix-list-id, prefix-list-owner-id, state; MaxResults 5–1000.
 * Fidelity notes: see domain/prefix-list-references.ts.
 */
import type * as Ec2 from "@aws-sdk/client-ec2";
import type { TgwPrefixListReference } from "../domain/types.js";
import type { RegionState, World } from "../state/world.js";
import type { Handler } from "./context.js";
import { anyAttachment, getTgwRouteTable } from "../domain/transit-gateways.js";
import { applyFilters, paginate, type FilterSpec } from "../domain/describe.js";
import {
  createTgwPrefixListReference,
  deleteTgwPrefixListReference,
  modifyTgwPrefixListReference,
  tgwPrefixListReferencesOf,
} from "../domain/prefix-list-references.js";

function refView(world: World, rs: RegionState, r: TgwPrefixListReference, state: Ec2.TransitGatewayPrefixListReferenceState = "available"): Ec2.TransitGatewayPrefixListReference {
  const view: Ec2.TransitGatewayPrefixListReference = {
    TransitGatewayRouteTableId: r.routeTableId,
    PrefixListId: r.prefixListId,
    PrefixListOwnerId: r.prefixListOwnerId,
    State: state,
    Blackhole: r.blackhole,
  };
  if (r.attachmentId !== undefined) {
    const a = anyAttachment(world, rs, r.attachmentId);
    view.TransitGatewayAttachment = { TransitGatewayAttachmentId: r.attachmentId, ResourceType: a?.type === "peering" ? "peering" : "vpc", ResourceId: a?.resourceId };
  }
  return view;
}

function filters(world: World, rs: RegionState): FilterSpec<TgwPrefixListReference> {
  return {
    "attachment.resource-id": (r) => (r.attachmentId ? anyAttachment(world, rs, r.attachmentId)?.resourceId : undefined),
    "attachment.resource-type": (r) => (r.attachmentId ? anyAttachment(world, rs, r.attachmentId)?.type : undefined),
    "attachment.transit-gateway-attachment-id": (r) => r.attachmentId,
    "is-blackhole": (r) => r.blackhole,
    "prefix-list-id": (r) => r.prefixListId,
    "prefix-list-owner-id": (r) => r.prefixListOwnerId,
    state: () => "available",
  };
}

const create: Handler<Ec2.CreateTransitGatewayPrefixListReferenceRequest, Ec2.CreateTransitGatewayPrefixListReferenceResult> = ({ world, rs }, input) => ({
  TransitGatewayPrefixListReference: refView(world, rs, createTgwPrefixListReference(world, rs, input), "pending"),
});

const modify: Handler<Ec2.ModifyTransitGatewayPrefixListReferenceRequest, Ec2.ModifyTransitGatewayPrefixListReferenceResult> = ({ world, rs }, input) => ({
  TransitGatewayPrefixListReference: refView(world, rs, modifyTgwPrefixListReference(world, rs, input), "modifying"),
});

const del: Handler<Ec2.DeleteTransitGatewayPrefixListReferenceRequest, Ec2.DeleteTransitGatewayPrefixListReferenceResult> = ({ world, rs }, input) => ({
  TransitGatewayPrefixListReference: refView(world, rs, deleteTgwPrefixListReference(rs, input), "deleting"),
});

const get: Handler<Ec2.GetTransitGatewayPrefixListReferencesRequest, Ec2.GetTransitGatewayPrefixListReferencesResult> = ({ world, rs }, input) => {
  const rtb = getTgwRouteTable(rs, input.TransitGatewayRouteTableId);
  const refs = applyFilters(tgwPrefixListReferencesOf(rs, rtb.id), input.Filters, filters(world, rs), () => new Map());
  const page = paginate(refs, input, [5, 1000], (r) => r.prefixListId);
  return { TransitGatewayPrefixListReferences: page.items.map((r) => refView(world, rs, r)), NextToken: page.nextToken };
};

export const tgwPrefixListReferenceOperations = {
  CreateTransitGatewayPrefixListReference: create,
  GetTransitGatewayPrefixListReferences: get,
  ModifyTransitGatewayPrefixListReference: modify,
  DeleteTransitGatewayPrefixListReference: del,
};
