/**
 * Subnet operations: CreateSubnet, DeleteSubnet, DescribeSubnets, ModifySubnetAttribute.
 *
 * Reference: EC2 API reference for each action; DescribeSubnets filters as documented there (plus the
 * older camelCase aliases `availabilityZone`, `cidr`, `cidrBlock`, `defaultForAz` that EC2 still accepts).
 * Output fields follow what EC2 returns for an IPv4-only subnet (`Ipv6CidrBlockAssociationSet` empty,
 * `MapCustomerOwnedIpOnLaunch` false, `PrivateDnsNameOptionsOnLaunch`).
 *
 * Fidelity notes: see domain/subnets.ts and domain/ipv6.ts (IPv6 blocks, IPv6-native subnets).
 * IPAM parameters are answered as for an account without IPAM pools (`InvalidIpamPoolId.NotFound`);
 * Outpost parameters are refused with InvalidParameterValue.
 */
import type {
  AssociateSubnetCidrBlockRequest,
  AssociateSubnetCidrBlockResult,
  DisassociateSubnetCidrBlockRequest,
  DisassociateSubnetCidrBlockResult,
  CreateSubnetRequest,
  CreateSubnetResult,
  DeleteSubnetRequest,
  DescribeSubnetsRequest,
  DescribeSubnetsResult,
  ModifySubnetAttributeRequest,
  Subnet as SubnetView,
} from "@aws-sdk/client-ec2";
import type { Subnet, SubnetIpv6Association } from "../domain/types.js";
import type { RegionState } from "../state/world.js";
import type { Handler } from "./context.js";
import { tagList } from "./context.js";
import { availableIpAddressCount, createSubnet, deleteSubnet, modifySubnetAttribute } from "../domain/subnets.js";
import { getVpc } from "../domain/lookup.js";
import { applyFilters, paginate, selectByIds, type FilterSpec } from "../domain/describe.js";
import { tagsFromSpecifications } from "../domain/tags.js";
import { invalidParameterValue, ipamPoolNotFound, missingParameter, subnetNotFound, subnetMalformed } from "../domain/errors.js";
import {
  associateSubnetIpv6,
  checkCreateSubnetIpv6,
  createIpv6NativeSubnet,
  disassociateSubnetIpv6,
  giveSubnetIpv6,
} from "../domain/ipv6.js";
import { getSubnet } from "../domain/subnets.js";

function subnetIpv6View(b: SubnetIpv6Association) {
  return {
    AssociationId: b.associationId,
    Ipv6CidrBlock: b.cidr,
    Ipv6CidrBlockState: { State: b.state },
    Ipv6AddressAttribute: "public" as const,
    IpSource: "amazon" as const,
  };
}

export function subnetArn(s: Subnet): string {
  return `arn:aws:ec2:${s.region}:${s.ownerId}:subnet/${s.id}`;
}

export function subnetView(rs: RegionState, s: Subnet): SubnetView {
  return {
    AvailabilityZoneId: s.availabilityZoneId,
    MapCustomerOwnedIpOnLaunch: false,
    OwnerId: s.ownerId,
    AssignIpv6AddressOnCreation: s.assignIpv6AddressOnCreation,
    Ipv6CidrBlockAssociationSet: (s.ipv6CidrBlocks ?? []).map(subnetIpv6View),
    Tags: tagList(s.tags),
    SubnetArn: subnetArn(s),
    EnableDns64: s.enableDns64,
    Ipv6Native: s.ipv6Native ?? false,
    PrivateDnsNameOptionsOnLaunch: {
      HostnameType: s.privateDnsHostnameType,
      EnableResourceNameDnsARecord: s.enableResourceNameDnsARecord ?? false,
      EnableResourceNameDnsAAAARecord: s.enableResourceNameDnsAAAARecord ?? false,
    },
    BlockPublicAccessStates: { InternetGatewayBlockMode: "off" },
    SubnetId: s.id,
    State: s.state,
    VpcId: s.vpcId,
    CidrBlock: s.cidr === "" ? undefined : s.cidr,
    AvailableIpAddressCount: availableIpAddressCount(rs, s),
    AvailabilityZone: s.availabilityZone,
    DefaultForAz: s.defaultForAz,
    MapPublicIpOnLaunch: s.mapPublicIpOnLaunch,
  };
}

function subnetFilters(rs: RegionState): FilterSpec<Subnet> {
  return {
    "availability-zone": (s) => s.availabilityZone,
    "availabilityZone": (s) => s.availabilityZone,
    "availability-zone-id": (s) => s.availabilityZoneId,
    "availabilityZoneId": (s) => s.availabilityZoneId,
    "available-ip-address-count": (s) => availableIpAddressCount(rs, s),
    "cidr-block": (s) => s.cidr,
    "cidr": (s) => s.cidr,
    "cidrBlock": (s) => s.cidr,
    "customer-owned-ipv4-pool": () => [],
    "default-for-az": (s) => s.defaultForAz,
    "defaultForAz": (s) => s.defaultForAz,
    "enable-dns64": (s) => s.enableDns64,
    "enable-lni-at-device-index": () => [],
    "ipv6-cidr-block-association.ipv6-cidr-block": (s) => (s.ipv6CidrBlocks ?? []).map((b) => b.cidr),
    "ipv6-cidr-block-association.association-id": (s) => (s.ipv6CidrBlocks ?? []).map((b) => b.associationId),
    "ipv6-cidr-block-association.state": (s) => (s.ipv6CidrBlocks ?? []).map((b) => b.state),
    "ipv6-native": (s) => s.ipv6Native ?? false,
    "map-customer-owned-ip-on-launch": () => false,
    "map-public-ip-on-launch": (s) => s.mapPublicIpOnLaunch,
    "outpost-arn": () => [],
    "owner-id": (s) => s.ownerId,
    "private-dns-name-options-on-launch.hostname-type": (s) => s.privateDnsHostnameType,
    "private-dns-name-options-on-launch.enable-resource-name-dns-a-record": (s) => s.enableResourceNameDnsARecord ?? false,
    "private-dns-name-options-on-launch.enable-resource-name-dns-aaaa-record": (s) => s.enableResourceNameDnsAAAARecord ?? false,
    "state": (s) => s.state,
    "subnet-arn": (s) => subnetArn(s),
    "subnet-id": (s) => s.id,
    "vpc-id": (s) => s.vpcId,
  };
}

const createSubnetOp: Handler<CreateSubnetRequest, CreateSubnetResult> = ({ world, rs }, input) => {
  const tags = tagsFromSpecifications(input.TagSpecifications, "subnet");
  const vpc = getVpc(rs, input.VpcId);
  // IPAM is not modelled: answered as for an account without IPAM pools.
  if (input.Ipv6IpamPoolId !== undefined) throw ipamPoolNotFound(input.Ipv6IpamPoolId);
  if (input.Ipv6NetmaskLength !== undefined) throw missingParameter("ipv6IpamPoolId");
  if (input.Ipv4IpamPoolId !== undefined) throw ipamPoolNotFound(input.Ipv4IpamPoolId);
  if (input.Ipv4NetmaskLength !== undefined) throw missingParameter("ipv4IpamPoolId");
  if (input.OutpostArn !== undefined) {
    throw invalidParameterValue(`Value (${input.OutpostArn}) for parameter outpostArn is invalid. vpclab has no Outposts.`);
  }
  // Everything is validated before anything is written: the IPv6 block first (it needs no subnet).
  const ipv6 = checkCreateSubnetIpv6(rs, vpc, input.CidrBlock, input.Ipv6CidrBlock, input.Ipv6Native);
  if (input.Ipv6Native) {
    const subnet = createIpv6NativeSubnet(world, rs, vpc, ipv6!, input.AvailabilityZone, input.AvailabilityZoneId, tags);
    return { Subnet: subnetView(rs, subnet) };
  }
  if (ipv6 !== undefined) {
    // The IPv4 checks of createSubnet run before it writes; the IPv6 block is added after.
    const subnet = createSubnet(world, rs, vpc, input.CidrBlock, input.AvailabilityZone, input.AvailabilityZoneId, tags);
    giveSubnetIpv6(world, rs, subnet, ipv6);
    return { Subnet: subnetView(rs, subnet) };
  }
  const subnet = createSubnet(world, rs, vpc, input.CidrBlock, input.AvailabilityZone, input.AvailabilityZoneId, tags);
  return { Subnet: subnetView(rs, subnet) };
};

const deleteSubnetOp: Handler<DeleteSubnetRequest, void> = ({ world, rs }, input) => {
  deleteSubnet(world, rs, input.SubnetId);
};

const describeSubnets: Handler<DescribeSubnetsRequest, DescribeSubnetsResult> = ({ rs }, input) => {
  const selected = selectByIds(rs.subnets, input.SubnetIds, subnetNotFound, { prefix: "subnet", error: subnetMalformed });
  const filtered = applyFilters(selected, input.Filters, subnetFilters(rs), (s) => s.tags);
  const page = paginate(filtered, input, [5, 1000], (s) => s.id);
  return { Subnets: page.items.map((s) => subnetView(rs, s)), NextToken: page.nextToken };
};

const modifySubnetAttributeOp: Handler<ModifySubnetAttributeRequest, void> = ({ world, rs }, input) => {
  // An AttributeBooleanValue sent without its Value counts as false, as EC2 reads it.
  const flag = (v: { Value?: boolean } | undefined) => (v === undefined ? undefined : v.Value ?? false);
  modifySubnetAttribute(world, rs, input.SubnetId, {
    mapPublicIpOnLaunch: flag(input.MapPublicIpOnLaunch),
    assignIpv6AddressOnCreation: flag(input.AssignIpv6AddressOnCreation),
    enableDns64: flag(input.EnableDns64),
    privateDnsHostnameTypeOnLaunch: input.PrivateDnsHostnameTypeOnLaunch,
    enableResourceNameDnsARecordOnLaunch: flag(input.EnableResourceNameDnsARecordOnLaunch),
    enableResourceNameDnsAAAARecordOnLaunch: flag(input.EnableResourceNameDnsAAAARecordOnLaunch),
    mapCustomerOwnedIpOnLaunch: flag(input.MapCustomerOwnedIpOnLaunch),
    customerOwnedIpv4Pool: input.CustomerOwnedIpv4Pool,
    enableLniAtDeviceIndex: input.EnableLniAtDeviceIndex,
    disableLniAtDeviceIndex: flag(input.DisableLniAtDeviceIndex),
  });
};

const associateSubnetCidrBlockOp: Handler<AssociateSubnetCidrBlockRequest, AssociateSubnetCidrBlockResult> = ({ world, rs }, input) => {
  if (input.Ipv6IpamPoolId !== undefined) throw ipamPoolNotFound(input.Ipv6IpamPoolId);
  if (input.Ipv6NetmaskLength !== undefined) throw missingParameter("ipv6IpamPoolId");
  const subnet = getSubnet(rs, input.SubnetId);
  const assoc = associateSubnetIpv6(world, rs, subnet, input.Ipv6CidrBlock);
  return { SubnetId: subnet.id, Ipv6CidrBlockAssociation: subnetIpv6View(assoc) };
};

const disassociateSubnetCidrBlockOp: Handler<DisassociateSubnetCidrBlockRequest, DisassociateSubnetCidrBlockResult> = ({ world, rs }, input) => {
  const { subnet, assoc } = disassociateSubnetIpv6(world, rs, input.AssociationId);
  return { SubnetId: subnet.id, Ipv6CidrBlockAssociation: subnetIpv6View(assoc) };
};

export const subnetOperations = {
  AssociateSubnetCidrBlock: associateSubnetCidrBlockOp,
  DisassociateSubnetCidrBlock: disassociateSubnetCidrBlockOp,
  CreateSubnet: createSubnetOp,
  DeleteSubnet: deleteSubnetOp,
  DescribeSubnets: describeSubnets,
  ModifySubnetAttribute: modifySubnetAttributeOp,
};
