/**
 * NAT gateway operations: Create/Describe/DeleteNatGateway(s), Assign/UnassignPrivateNatGatewayAddress,
 * Associate/DisassociateNatGatewayAddress.
 *
 * Reference: EC2 API reference for each action; DescribeNatGateways filters `nat-gateway-id`, `state`,
 * `subnet-id`, `vpc-id`, `tag:<key>`, `tag-key`, and pages with MaxResults 5–1000.
 * Fidelity notes: see domain/nat-gateways.ts.
 */
import type {
  AssignPrivateNatGatewayAddressRequest,
  AssignPrivateNatGatewayAddressResult,
  AssociateNatGatewayAddressRequest,
  AssociateNatGatewayAddressResult,
  CreateNatGatewayRequest,
  CreateNatGatewayResult,
  DeleteNatGatewayRequest,
  DeleteNatGatewayResult,
  DescribeNatGatewaysRequest,
  DescribeNatGatewaysResult,
  DisassociateNatGatewayAddressRequest,
  DisassociateNatGatewayAddressResult,
  NatGateway as NatGatewayView,
  NatGatewayAddress as NatGatewayAddressView,
  UnassignPrivateNatGatewayAddressRequest,
  UnassignPrivateNatGatewayAddressResult,
} from "@aws-sdk/client-ec2";
import type { NatGateway, NatGatewayAddressRecord } from "../domain/types.js";
import type { RegionState } from "../state/world.js";
import type { Handler } from "./context.js";
import { applyFilters, paginate, selectByIds, type FilterSpec } from "../domain/describe.js";
import { tagsFromSpecifications } from "../domain/tags.js";
import { natGatewayMalformed, natGatewayNotFoundDescribe, invalidParameterValue } from "../domain/errors.js";
import {
  assignPrivateNatGatewayAddress,
  associateNatGatewayAddress,
  createNatGateway,
  deleteNatGateway,
  disassociateNatGatewayAddress,
  unassignPrivateNatGatewayAddress,
} from "../domain/nat-gateways.js";

function addressView(_rs: RegionState, nat: NatGateway, a: NatGatewayAddressRecord): NatGatewayAddressView {
  const v: NatGatewayAddressView = {
    AllocationId: a.allocationId,
    NetworkInterfaceId: nat.eniId,
    PrivateIp: a.privateIp === "" ? undefined : a.privateIp,
    PublicIp: a.publicIp,
    AssociationId: a.associationId,
    IsPrimary: a.isPrimary,
    Status: a.status,
  };
  if (a.status === "failed") v.FailureMessage = a.failureMessage ?? nat.failureMessage;
  return v;
}

export function natGatewayView(rs: RegionState, nat: NatGateway): NatGatewayView {
  return {
    CreateTime: new Date(nat.createdAt),
    DeleteTime: nat.deletedAt !== undefined && (nat.state === "deleted" || nat.state === "failed") ? new Date(nat.deletedAt) : undefined,
    FailureCode: nat.failureCode,
    FailureMessage: nat.failureMessage,
    NatGatewayAddresses: nat.addresses.map((a) => addressView(rs, nat, a)),
    NatGatewayId: nat.id,
    State: nat.state,
    SubnetId: nat.subnetId,
    VpcId: nat.vpcId,
    Tags: [...nat.tags].map(([Key, Value]) => ({ Key, Value })),
    ConnectivityType: nat.connectivityType,
    AvailabilityMode: "zonal",
  };
}

const FILTERS: FilterSpec<NatGateway> = {
  "nat-gateway-id": (n) => n.id,
  state: (n) => n.state,
  "subnet-id": (n) => n.subnetId,
  "vpc-id": (n) => n.vpcId,
};

const createOp: Handler<CreateNatGatewayRequest, CreateNatGatewayResult> = ({ world, rs }, input) => {
  const tags = tagsFromSpecifications(input.TagSpecifications, "natgateway");
  const nat = createNatGateway(world, rs, {
    subnetId: input.SubnetId,
    allocationId: input.AllocationId,
    connectivityType: input.ConnectivityType,
    privateIpAddress: input.PrivateIpAddress,
    secondaryAllocationIds: input.SecondaryAllocationIds,
    secondaryPrivateIpAddresses: input.SecondaryPrivateIpAddresses,
    secondaryPrivateIpAddressCount: input.SecondaryPrivateIpAddressCount,
    clientToken: input.ClientToken,
    availabilityMode: input.AvailabilityMode,
    vpcId: input.VpcId,
    availabilityZoneAddresses: input.AvailabilityZoneAddresses,
    tags,
  });
  return { ClientToken: input.ClientToken, NatGateway: natGatewayView(rs, nat) };
};

const describeOp: Handler<DescribeNatGatewaysRequest, DescribeNatGatewaysResult> = ({ rs }, input) => {
  // DescribeNatGateways takes its filters as `Filter.N` (the SDK's `Filter` member, not `Filters`).
  const filters = input.Filter;
  const selected = selectByIds(rs.natGateways, input.NatGatewayIds, natGatewayNotFoundDescribe, { prefix: "nat", error: natGatewayMalformed });
  const page = paginate(applyFilters(selected, filters, FILTERS, (n) => n.tags), input, [5, 1000], (n) => n.id);
  return { NatGateways: page.items.map((n) => natGatewayView(rs, n)), NextToken: page.nextToken };
};

const deleteOp: Handler<DeleteNatGatewayRequest, DeleteNatGatewayResult> = ({ world, rs }, input) => {
  const nat = deleteNatGateway(world, rs, input.NatGatewayId);
  return { NatGatewayId: nat.id };
};

function addressesOf(rs: RegionState, nat: NatGateway, pick: (a: NatGatewayAddressRecord) => boolean): NatGatewayAddressView[] {
  return nat.addresses.filter(pick).map((a) => addressView(rs, nat, a));
}

const assignOp: Handler<AssignPrivateNatGatewayAddressRequest, AssignPrivateNatGatewayAddressResult> = ({ world, rs }, input) => {
  const nat = assignPrivateNatGatewayAddress(world, rs, input.NatGatewayId, input.PrivateIpAddresses, input.PrivateIpAddressCount);
  return { NatGatewayId: nat.id, NatGatewayAddresses: addressesOf(rs, nat, (a) => a.status === "assigning") };
};

const unassignOp: Handler<UnassignPrivateNatGatewayAddressRequest, UnassignPrivateNatGatewayAddressResult> = ({ world, rs }, input) => {
  if (input.MaxDrainDurationSeconds !== undefined && (input.MaxDrainDurationSeconds < 1 || input.MaxDrainDurationSeconds > 4000)) {
    throw invalidParameterValue(`Value (${input.MaxDrainDurationSeconds}) for parameter MaxDrainDurationSeconds is invalid. It must be from 1 to 4000.`);
  }
  const nat = unassignPrivateNatGatewayAddress(world, rs, input.NatGatewayId, input.PrivateIpAddresses);
  return { NatGatewayId: nat.id, NatGatewayAddresses: addressesOf(rs, nat, (a) => a.status === "unassigning") };
};

const associateOp: Handler<AssociateNatGatewayAddressRequest, AssociateNatGatewayAddressResult> = ({ world, rs }, input) => {
  if (input.AvailabilityZone !== undefined || input.AvailabilityZoneId !== undefined) {
    throw invalidParameterValue("vpclab models zonal NAT gateways only: AvailabilityZone/AvailabilityZoneId apply to regional NAT gateways.");
  }
  const nat = associateNatGatewayAddress(world, rs, input.NatGatewayId, input.AllocationIds, input.PrivateIpAddresses);
  const ids = new Set(input.AllocationIds ?? []);
  return { NatGatewayId: nat.id, NatGatewayAddresses: addressesOf(rs, nat, (a) => a.allocationId !== undefined && ids.has(a.allocationId)) };
};

const disassociateOp: Handler<DisassociateNatGatewayAddressRequest, DisassociateNatGatewayAddressResult> = ({ world, rs }, input) => {
  if (input.MaxDrainDurationSeconds !== undefined && (input.MaxDrainDurationSeconds < 1 || input.MaxDrainDurationSeconds > 4000)) {
    throw invalidParameterValue(`Value (${input.MaxDrainDurationSeconds}) for parameter MaxDrainDurationSeconds is invalid. It must be from 1 to 4000.`);
  }
  const nat = disassociateNatGatewayAddress(world, rs, input.NatGatewayId, input.AssociationIds);
  return { NatGatewayId: nat.id, NatGatewayAddresses: addressesOf(rs, nat, (a) => a.status === "disassociating") };
};

export const natGatewayOperations = {
  CreateNatGateway: createOp,
  DescribeNatGateways: describeOp,
  DeleteNatGateway: deleteOp,
  AssignPrivateNatGatewayAddress: assignOp,
  UnassignPrivateNatGatewayAddress: unassignOp,
  AssociateNatGatewayAddress: associateOp,
  DisassociateNatGatewayAddress: disassociateOp,
};
