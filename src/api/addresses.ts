/**
 * Elastic IP operations: AllocateAddress, AssociateAddress, DisassociateAddress, ReleaseAddress,
 * DescribeAddresses.
 *
 * Reference: EC2 API reference for each action; DescribeAddresses filters as documented there.
 * Fidelity notes: see domain/addresses.ts.
 */
import type {
  Address as AddressView,
  AllocateAddressRequest,
  AllocateAddressResult,
  AssociateAddressRequest,
  AssociateAddressResult,
  DescribeAddressesRequest,
  DescribeAddressesResult,
  DisassociateAddressRequest,
  ReleaseAddressRequest,
} from "@aws-sdk/client-ec2";
import type { ElasticIp } from "../domain/types.js";
import type { RegionState } from "../state/world.js";
import type { Handler } from "./context.js";
import { tagList } from "./context.js";
import { applyFilters, type FilterSpec } from "../domain/describe.js";
import { tagsFromSpecifications } from "../domain/tags.js";
import {
  allocateAddress,
  associateAddress,
  disassociateAddress,
  releaseAddress,
} from "../domain/addresses.js";
import { allocationNotFound, allocationMalformed, addressNotFound } from "../domain/errors.js";

export function addressView(rs: RegionState, e: ElasticIp): AddressView {
  const eni = e.association ? rs.networkInterfaces.get(e.association.networkInterfaceId) : undefined;
  return {
    AllocationId: e.id,
    AssociationId: e.association?.id,
    Domain: e.domain,
    InstanceId: e.association?.instanceId,
    NetworkInterfaceId: e.association?.networkInterfaceId,
    NetworkInterfaceOwnerId: eni?.ownerId,
    PrivateIpAddress: e.association?.privateIp,
    SubnetId: eni?.subnetId,
    PublicIp: e.publicIp,
    PublicIpv4Pool: "amazon",
    NetworkBorderGroup: e.networkBorderGroup,
    Tags: tagList(e.tags),
  };
}

const ADDRESS_FILTERS: FilterSpec<ElasticIp> = {
  "allocation-id": (e) => e.id,
  "association-id": (e) => e.association?.id,
  domain: (e) => e.domain,
  "instance-id": (e) => e.association?.instanceId,
  "network-border-group": (e) => e.networkBorderGroup,
  "network-interface-id": (e) => e.association?.networkInterfaceId,
  "network-interface-owner-id": (e) => (e.association ? e.ownerId : undefined),
  "private-ip-address": (e) => e.association?.privateIp,
  "public-ip": (e) => e.publicIp,
  "public-ipv4-pool": () => "amazon",
};

const allocateAddressOp: Handler<AllocateAddressRequest, AllocateAddressResult> = ({ world, rs }, input) => {
  if (input.IpamPoolId !== undefined) throw allocationNotFound(input.IpamPoolId);
  const tags = tagsFromSpecifications(input.TagSpecifications, "elastic-ip");
  const e = allocateAddress(world, rs, {
    domain: input.Domain,
    address: input.Address,
    networkBorderGroup: input.NetworkBorderGroup,
    publicIpv4Pool: (input as { PublicIpv4Pool?: string }).PublicIpv4Pool,
    tags,
  });
  return { AllocationId: e.id, PublicIp: e.publicIp, Domain: e.domain, NetworkBorderGroup: e.networkBorderGroup, PublicIpv4Pool: "amazon" } as AllocateAddressResult;
};

const associateAddressOp: Handler<AssociateAddressRequest, AssociateAddressResult> = ({ world, rs }, input) => {
  const id = associateAddress(world, rs, {
    allocationId: input.AllocationId,
    publicIp: input.PublicIp,
    instanceId: input.InstanceId,
    networkInterfaceId: input.NetworkInterfaceId,
    privateIpAddress: input.PrivateIpAddress,
    allowReassociation: input.AllowReassociation,
  });
  return { AssociationId: id };
};

const disassociateAddressOp: Handler<DisassociateAddressRequest, void> = ({ world, rs }, input) => {
  disassociateAddress(world, rs, input.AssociationId, input.PublicIp);
};

const releaseAddressOp: Handler<ReleaseAddressRequest, void> = ({ world, rs }, input) => {
  releaseAddress(world, rs, input.AllocationId, input.PublicIp);
};

const describeAddresses: Handler<DescribeAddressesRequest, DescribeAddressesResult> = ({ rs }, input) => {
  let list = [...rs.addresses.values()];
  if (input.AllocationIds && input.AllocationIds.length > 0) {
    for (const id of input.AllocationIds) if (!/^eipalloc-([0-9a-f]{8}|[0-9a-f]{17})$/.test(id)) throw allocationMalformed(id);
    const missing = input.AllocationIds.filter((id) => !rs.addresses.has(id));
    if (missing.length > 0) throw allocationNotFound(missing.join(", "));
    list = list.filter((e) => input.AllocationIds!.includes(e.id));
  }
  if (input.PublicIps && input.PublicIps.length > 0) {
    const missing = input.PublicIps.filter((ip) => !list.some((e) => e.publicIp === ip));
    if (missing.length > 0) throw addressNotFound(missing.join(", "));
    list = list.filter((e) => input.PublicIps!.includes(e.publicIp));
  }
  const filtered = applyFilters(list, input.Filters, ADDRESS_FILTERS, (e) => e.tags);
  return { Addresses: filtered.map((e) => addressView(rs, e)) };
};

export const addressOperations = {
  AllocateAddress: allocateAddressOp,
  AssociateAddress: associateAddressOp,
  DisassociateAddress: disassociateAddressOp,
  ReleaseAddress: releaseAddressOp,
  DescribeAddresses: describeAddresses,
};
