/**
 * Network interface operations: Create/Delete/Describe NetworkInterfaces, Attach/Detach,
 * ModifyNetworkInterfaceAttribute, DescribeNetworkInterfaceAttribute, Assign/UnassignPrivateIpAddresses,
 * Assign/UnassignIpv6Addresses.
 *
 * Reference: EC2 API reference for each action; DescribeNetworkInterfaces filters as documented there.
 * Fidelity notes: see domain/network-interfaces.ts, domain/instances.ts (attachment) and domain/ipv6.ts
 * (IPv6 addresses; prefix delegation and a primary IPv6 address are refused). Prefix-delegation and
 * ENA Express filters match nothing.
 */
import type {
  AssignPrivateIpAddressesRequest,
  AssignPrivateIpAddressesResult,
  AttachNetworkInterfaceRequest,
  AttachNetworkInterfaceResult,
  CreateNetworkInterfaceRequest,
  CreateNetworkInterfaceResult,
  DeleteNetworkInterfaceRequest,
  DescribeNetworkInterfaceAttributeRequest,
  DescribeNetworkInterfaceAttributeResult,
  DescribeNetworkInterfacesRequest,
  DescribeNetworkInterfacesResult,
  DetachNetworkInterfaceRequest,
  GroupIdentifier,
  ModifyNetworkInterfaceAttributeRequest,
  NetworkInterface as NetworkInterfaceView,
  NetworkInterfaceAssociation,
  UnassignPrivateIpAddressesRequest,
  AssignIpv6AddressesRequest,
  AssignIpv6AddressesResult,
  UnassignIpv6AddressesRequest,
  UnassignIpv6AddressesResult,
} from "@aws-sdk/client-ec2";
import type { NetworkInterface } from "../domain/types.js";
import { applyIpv6, checkIpv6Request, ipv6LimitFor, unassignIpv6 } from "../domain/ipv6.js";
import { getSubnet } from "../domain/subnets.js";
import type { RegionState } from "../state/world.js";
import type { Handler } from "./context.js";
import { tagList } from "./context.js";
import { applyFilters, paginate, type FilterSpec } from "../domain/describe.js";
import { tagsFromSpecifications } from "../domain/tags.js";
import {
  assignPrivateIpAddresses,
  createNetworkInterface,
  deleteNetworkInterface,
  getEni,
  modifyNetworkInterfaceAttribute,
  primaryIp,
  eniDnsName,
  privateDnsName,
  publicDnsName,
  unassignPrivateIpAddresses,
} from "../domain/network-interfaces.js";
import { attachNetworkInterface, detachNetworkInterface } from "../domain/instances.js";
import { invalidParameterValue, missingParameter, eniNotFound, eniMalformed, ipv6PrefixesUnsupported, primaryIpv6Unsupported } from "../domain/errors.js";

export function groupIdentifiers(rs: RegionState, ids: string[]): GroupIdentifier[] {
  return ids.map((id) => ({ GroupId: id, GroupName: rs.securityGroups.get(id)?.name ?? "" }));
}

/** Whether AWS would give the VPC's interfaces public DNS names (enableDnsHostnames). */
function publicDns(rs: RegionState, eni: NetworkInterface, ip: string): string {
  return rs.vpcs.get(eni.vpcId)?.enableDnsHostnames ? publicDnsName(rs.region, ip) : "";
}

export function associationView(rs: RegionState, eni: NetworkInterface): NetworkInterfaceAssociation | undefined {
  const a = eni.association;
  if (!a) return undefined;
  return {
    AllocationId: a.allocationId,
    AssociationId: a.associationId,
    IpOwnerId: a.ipOwnerId,
    PublicDnsName: publicDns(rs, eni, a.publicIp),
    PublicIp: a.publicIp,
  };
}

export function networkInterfaceView(rs: RegionState, eni: NetworkInterface): NetworkInterfaceView {
  const subnet = rs.subnets.get(eni.subnetId);
  const primary = primaryIp(eni);
  return {
    Association: associationView(rs, eni),
    Attachment: eni.attachment && {
      AttachTime: new Date(eni.attachment.attachTime),
      AttachmentId: eni.attachment.id,
      DeleteOnTermination: eni.attachment.deleteOnTermination,
      DeviceIndex: eni.attachment.deviceIndex,
      NetworkCardIndex: 0,
      InstanceId: eni.attachment.instanceId,
      InstanceOwnerId: eni.ownerId,
      Status: eni.attachment.status,
    },
    AvailabilityZone: eni.availabilityZone,
    AvailabilityZoneId: subnet?.availabilityZoneId,
    Description: eni.description,
    Groups: groupIdentifiers(rs, eni.securityGroupIds),
    InterfaceType: eni.interfaceType as NetworkInterfaceView["InterfaceType"],
    Ipv6Addresses: (eni.ipv6Addresses ?? []).map((a) => ({ Ipv6Address: a, IsPrimaryIpv6: false })),
    MacAddress: eni.macAddress,
    NetworkInterfaceId: eni.id,
    OwnerId: eni.ownerId,
    PrivateDnsName: eniDnsName(rs.region, eni),
    PublicDnsName: eni.association ? publicDns(rs, eni, eni.association.publicIp) : undefined,
    PrivateIpAddress: primary,
    PrivateIpAddresses: eni.privateIps.map((p) => ({
      Association: eni.association && eni.association.privateIp === p.address ? associationView(rs, eni) : undefined,
      Primary: p.primary,
      PrivateDnsName: privateDnsName(rs.region, p.address),
      PrivateIpAddress: p.address,
    })),
    RequesterId: eni.requesterManaged ? (eni.requesterId ?? "amazon-elb") : undefined,
    RequesterManaged: eni.requesterManaged,
    SourceDestCheck: eni.sourceDestCheck,
    Status: eni.status,
    SubnetId: eni.subnetId,
    TagSet: tagList(eni.tags) ?? [],
    VpcId: eni.vpcId,
    DenyAllIgwTraffic: false,
  };
}

function eniFilters(rs: RegionState): FilterSpec<NetworkInterface> {
  const a = (e: NetworkInterface) => e.association;
  const t = (e: NetworkInterface) => e.attachment;
  return {
    "association.allocation-id": (e) => a(e)?.allocationId,
    "association.association-id": (e) => a(e)?.associationId,
    "association.ip-owner-id": (e) => a(e)?.ipOwnerId,
    "association.public-ip": (e) => a(e)?.publicIp,
    "association.public-dns-name": (e) => (a(e) ? publicDns(rs, e, a(e)!.publicIp) : undefined),
    "addresses.association.owner-id": (e) => a(e)?.ipOwnerId,
    "addresses.association.public-ip": (e) => a(e)?.publicIp,
    "addresses.primary": (e) => e.privateIps.map((p) => p.primary),
    "addresses.private-ip-address": (e) => e.privateIps.map((p) => p.address),
    "attachment.attachment-id": (e) => t(e)?.id,
    "attachment.attach-time": (e) => (t(e) ? new Date(t(e)!.attachTime).toISOString() : undefined),
    "attachment.delete-on-termination": (e) => t(e)?.deleteOnTermination,
    "attachment.device-index": (e) => t(e)?.deviceIndex,
    "attachment.instance-id": (e) => t(e)?.instanceId,
    "attachment.instance-owner-id": (e) => (t(e) ? e.ownerId : undefined),
    "attachment.nat-gateway-id": () => [],
    "attachment.network-card-index": (e) => (t(e) ? 0 : undefined),
    "attachment.status": (e) => t(e)?.status,
    "availability-zone": (e) => e.availabilityZone,
    "availability-zone-id": (e) => rs.subnets.get(e.subnetId)?.availabilityZoneId,
    description: (e) => e.description,
    "group-id": (e) => e.securityGroupIds,
    "group-name": (e) => e.securityGroupIds.map((id) => rs.securityGroups.get(id)?.name),
    "interface-type": (e) => e.interfaceType,
    "ipv6-addresses.ipv6-address": (e) => e.ipv6Addresses ?? [],
    "mac-address": (e) => e.macAddress,
    "network-interface-id": (e) => e.id,
    "operator.managed": () => false,
    "operator.principal": () => [],
    "owner-id": (e) => e.ownerId,
    "private-dns-name": (e) => eniDnsName(rs.region, e),
    "private-ip-address": (e) => e.privateIps.map((p) => p.address),
    "public-dns-name": (e) => (a(e) ? publicDns(rs, e, a(e)!.publicIp) : undefined),
    "requester-id": (e) => (e.requesterManaged ? "amazon-elb" : undefined),
    "requester-managed": (e) => e.requesterManaged,
    "source-dest-check": (e) => e.sourceDestCheck,
    status: (e) => e.status,
    "subnet-id": (e) => e.subnetId,
    "vpc-id": (e) => e.vpcId,
  };
}

const createNetworkInterfaceOp: Handler<CreateNetworkInterfaceRequest, CreateNetworkInterfaceResult> = ({ world, rs }, input) => {
  const tags = tagsFromSpecifications(input.TagSpecifications, "network-interface");
  // IPv6 (domain/ipv6.ts): validated before the interface is made, applied right after.
  if (input.Ipv6PrefixCount !== undefined || input.Ipv6Prefixes !== undefined) throw ipv6PrefixesUnsupported();
  if (input.EnablePrimaryIpv6) throw primaryIpv6Unsupported();
  const subnet = input.SubnetId !== undefined ? rs.subnets.get(input.SubnetId) : undefined;
  const ipv6 = subnet
    ? checkIpv6Request(rs, subnet, { count: input.Ipv6AddressCount, addresses: input.Ipv6Addresses?.map((a) => a.Ipv6Address ?? "") }, { limit: ipv6LimitFor(undefined), onCreate: true })
    : undefined;
  const eni = createNetworkInterface(world, rs, {
    subnetId: input.SubnetId,
    description: input.Description,
    privateIpAddress: input.PrivateIpAddress,
    privateIpAddresses: input.PrivateIpAddresses,
    secondaryCount: input.SecondaryPrivateIpAddressCount,
    groups: input.Groups,
    interfaceType: input.InterfaceType,
    tags,
  });
  if (subnet && ipv6) applyIpv6(rs, eni, subnet, ipv6);
  return { NetworkInterface: networkInterfaceView(rs, eni), ClientToken: input.ClientToken };
};

const assignIpv6AddressesOp: Handler<AssignIpv6AddressesRequest, AssignIpv6AddressesResult> = ({ rs }, input) => {
  const eni = getEni(rs, input.NetworkInterfaceId);
  if (input.Ipv6PrefixCount !== undefined || input.Ipv6Prefixes !== undefined) throw ipv6PrefixesUnsupported();
  if (input.Ipv6AddressCount === undefined && (input.Ipv6Addresses?.length ?? 0) === 0) throw missingParameter("ipv6AddressCount or ipv6Addresses");
  const subnet = getSubnet(rs, eni.subnetId);
  const inst = eni.attachment ? rs.instances.get(eni.attachment.instanceId) : undefined;
  const plan = checkIpv6Request(rs, subnet, { count: input.Ipv6AddressCount, addresses: input.Ipv6Addresses }, {
    eniId: eni.id,
    already: eni.ipv6Addresses?.length ?? 0,
    limit: ipv6LimitFor(inst?.instanceType),
  });
  const added = applyIpv6(rs, eni, subnet, plan);
  return { NetworkInterfaceId: eni.id, AssignedIpv6Addresses: added, AssignedIpv6Prefixes: [] };
};

const unassignIpv6AddressesOp: Handler<UnassignIpv6AddressesRequest, UnassignIpv6AddressesResult> = ({ rs }, input) => {
  const eni = getEni(rs, input.NetworkInterfaceId);
  if (input.Ipv6Prefixes !== undefined) throw ipv6PrefixesUnsupported();
  const removed = unassignIpv6(eni, input.Ipv6Addresses);
  return { NetworkInterfaceId: eni.id, UnassignedIpv6Addresses: removed, UnassignedIpv6Prefixes: [] };
};

const deleteNetworkInterfaceOp: Handler<DeleteNetworkInterfaceRequest, void> = ({ world, rs }, input) => {
  deleteNetworkInterface(world, rs, input.NetworkInterfaceId);
};

const describeNetworkInterfaces: Handler<DescribeNetworkInterfacesRequest, DescribeNetworkInterfacesResult> = ({ rs }, input) => {
  let list = [...rs.networkInterfaces.values()];
  if (input.NetworkInterfaceIds && input.NetworkInterfaceIds.length > 0) {
    for (const id of input.NetworkInterfaceIds) if (!/^eni-([0-9a-f]{8}|[0-9a-f]{17})$/.test(id)) throw eniMalformed(id);
    const missing = input.NetworkInterfaceIds.filter((id) => !rs.networkInterfaces.has(id));
    if (missing.length > 0) throw eniNotFound(missing.join(", "));
    list = list.filter((e) => input.NetworkInterfaceIds!.includes(e.id));
  }
  const filtered = applyFilters(list, input.Filters, eniFilters(rs), (e) => e.tags);
  const page = paginate(filtered, input);
  return { NetworkInterfaces: page.items.map((e) => networkInterfaceView(rs, e)), NextToken: page.nextToken };
};

const attachNetworkInterfaceOp: Handler<AttachNetworkInterfaceRequest, AttachNetworkInterfaceResult> = ({ world, rs }, input) => {
  const id = attachNetworkInterface(world, rs, input.NetworkInterfaceId, input.InstanceId, input.DeviceIndex, input.NetworkCardIndex);
  return { AttachmentId: id, NetworkCardIndex: 0 };
};

const detachNetworkInterfaceOp: Handler<DetachNetworkInterfaceRequest, void> = ({ world, rs }, input) => {
  detachNetworkInterface(world, rs, input.AttachmentId);
};

const modifyNetworkInterfaceAttributeOp: Handler<ModifyNetworkInterfaceAttributeRequest, void> = ({ world, rs }, input) => {
  if (input.EnablePrimaryIpv6) throw primaryIpv6Unsupported();
  modifyNetworkInterfaceAttribute(world, rs, input.NetworkInterfaceId, {
    description: input.Description?.Value,
    sourceDestCheck: input.SourceDestCheck?.Value,
    groups: input.Groups,
    deleteOnTermination: input.Attachment
      ? { attachmentId: input.Attachment.AttachmentId, value: input.Attachment.DeleteOnTermination }
      : undefined,
  });
};

const describeNetworkInterfaceAttributeOp: Handler<DescribeNetworkInterfaceAttributeRequest, DescribeNetworkInterfaceAttributeResult> = (
  { rs },
  input,
) => {
  const eni = getEni(rs, input.NetworkInterfaceId);
  const out: DescribeNetworkInterfaceAttributeResult = { NetworkInterfaceId: eni.id };
  switch (input.Attribute) {
    case undefined:
      throw missingParameter("Attribute");
    case "description":
      out.Description = { Value: eni.description };
      break;
    case "groupSet":
      out.Groups = groupIdentifiers(rs, eni.securityGroupIds);
      break;
    case "sourceDestCheck":
      out.SourceDestCheck = { Value: eni.sourceDestCheck };
      break;
    case "attachment":
      out.Attachment = networkInterfaceView(rs, eni).Attachment;
      break;
    case "associatePublicIpAddress":
      out.AssociatePublicIpAddress = eni.publicIpOnLaunch === true;
      break;
    default:
      throw invalidParameterValue(`Value (${input.Attribute}) for parameter attribute is invalid.`);
  }
  return out;
};

const assignPrivateIpAddressesOp: Handler<AssignPrivateIpAddressesRequest, AssignPrivateIpAddressesResult> = ({ world, rs }, input) => {
  if (input.Ipv4Prefixes?.length || input.Ipv4PrefixCount !== undefined) {
    throw invalidParameterValue("vpclab does not support IPv4 prefix delegation.");
  }
  const ips = assignPrivateIpAddresses(
    world,
    rs,
    input.NetworkInterfaceId,
    input.PrivateIpAddresses,
    input.SecondaryPrivateIpAddressCount,
    input.AllowReassignment === true,
  );
  return {
    NetworkInterfaceId: input.NetworkInterfaceId,
    AssignedPrivateIpAddresses: ips.map((PrivateIpAddress) => ({ PrivateIpAddress })),
    AssignedIpv4Prefixes: [],
  };
};

const unassignPrivateIpAddressesOp: Handler<UnassignPrivateIpAddressesRequest, void> = ({ world, rs }, input) => {
  if (input.Ipv4Prefixes?.length) throw invalidParameterValue("vpclab does not support IPv4 prefix delegation.");
  unassignPrivateIpAddresses(world, rs, input.NetworkInterfaceId, input.PrivateIpAddresses);
};

export const networkInterfaceOperations = {
  CreateNetworkInterface: createNetworkInterfaceOp,
  DeleteNetworkInterface: deleteNetworkInterfaceOp,
  DescribeNetworkInterfaces: describeNetworkInterfaces,
  AttachNetworkInterface: attachNetworkInterfaceOp,
  DetachNetworkInterface: detachNetworkInterfaceOp,
  ModifyNetworkInterfaceAttribute: modifyNetworkInterfaceAttributeOp,
  DescribeNetworkInterfaceAttribute: describeNetworkInterfaceAttributeOp,
  AssignPrivateIpAddresses: assignPrivateIpAddressesOp,
  UnassignPrivateIpAddresses: unassignPrivateIpAddressesOp,
  AssignIpv6Addresses: assignIpv6AddressesOp,
  UnassignIpv6Addresses: unassignIpv6AddressesOp,
};
