/**
 * VPC operations: CreateVpc, DeleteVpc, DescribeVpcs, Modify/DescribeVpcAttribute,
 * Associate/DisassociateVpcCidrBlock, CreateDefaultVpc.
 *
 * Reference: EC2 API reference for each action; DescribeVpcs filters as documented there.
 * Fidelity notes: see domain/vpcs.ts. `is-default`, `cidr`, `cidr-block-association.*`, `dhcp-options-id`,
 * `owner-id`, `state`, `vpc-id`, the `ipv6-cidr-block-association.*` filters and the tag filters are
 * supported, and the older names EC2 still accepts (`isDefault`, `cidr-block`, `cidrBlock`).
 * IPv6 blocks: see domain/ipv6.ts (Amazon pool only; BYOIP pools and IPAM answered as for an account
 * that has none). A VPC id that is not shaped like
 * one (`vpc-bogus`) gets `InvalidVpcID.Malformed`, a well-formed unknown one `InvalidVpcID.NotFound`.
 */
import type {
  AssociateVpcCidrBlockRequest,
  AssociateVpcCidrBlockResult,
  CreateDefaultVpcRequest,
  CreateDefaultVpcResult,
  CreateVpcRequest,
  CreateVpcResult,
  DeleteVpcRequest,
  DescribeVpcAttributeRequest,
  DescribeVpcAttributeResult,
  DescribeVpcsRequest,
  DescribeVpcsResult,
  DisassociateVpcCidrBlockRequest,
  DisassociateVpcCidrBlockResult,
  ModifyVpcAttributeRequest,
  Vpc as VpcView,
} from "@aws-sdk/client-ec2";
import type { Vpc } from "../domain/types.js";
import type { Ctx, Handler } from "./context.js";
import { tagList } from "./context.js";
import {
  associateVpcCidrBlock,
  createDefaultVpc,
  createVpc,
  deleteVpc,
  disassociateVpcCidrBlock,
  vpcCidr,
} from "../domain/vpcs.js";
import { getVpc } from "../domain/lookup.js";
import { applyFilters, paginate, selectByIds, type FilterSpec } from "../domain/describe.js";
import { tagsFromSpecifications } from "../domain/tags.js";
import { invalidParameterCombination, invalidParameterValue, ipamPoolNotFound, missingParameter, vpcNotFound, vpcMalformed } from "../domain/errors.js";
import {
  associateAmazonIpv6,
  checkVpcIpv6Room,
  checkVpcIpv6Request,
  disassociateVpcIpv6,
  findVpcIpv6Association,
} from "../domain/ipv6.js";
import type { VpcIpv6Association } from "../domain/types.js";

function ipv6AssociationView(b: VpcIpv6Association) {
  return {
    AssociationId: b.associationId,
    Ipv6CidrBlock: b.cidr,
    Ipv6CidrBlockState: { State: b.state },
    NetworkBorderGroup: b.networkBorderGroup,
    Ipv6Pool: "Amazon",
    // Amazon-provided blocks are public GUA space (AWS's Ipv6AddressAttribute / IpSource for them).
    Ipv6AddressAttribute: "public" as const,
    IpSource: "amazon" as const,
  };
}

export function vpcView(vpc: Vpc): VpcView {
  return {
    OwnerId: vpc.ownerId,
    InstanceTenancy: vpc.instanceTenancy as VpcView["InstanceTenancy"],
    CidrBlockAssociationSet: vpc.cidrBlocks.map((b) => ({
      AssociationId: b.associationId,
      CidrBlock: b.cidr,
      CidrBlockState: { State: b.state },
    })),
    // Listed only for a VPC that has (or had) an IPv6 block, as DescribeVpcs does.
    Ipv6CidrBlockAssociationSet: vpc.ipv6CidrBlocks && vpc.ipv6CidrBlocks.length > 0 ? vpc.ipv6CidrBlocks.map(ipv6AssociationView) : undefined,
    IsDefault: vpc.isDefault,
    Tags: tagList(vpc.tags),
    BlockPublicAccessStates: { InternetGatewayBlockMode: "off" },
    VpcId: vpc.id,
    State: vpc.state,
    CidrBlock: vpc.cidrBlocks[0]!.cidr,
    DhcpOptionsId: vpc.dhcpOptionsId,
  };
}

const primaryCidr = (v: Vpc) => v.cidrBlocks[0]!.cidr;

const VPC_FILTERS: FilterSpec<Vpc> = {
  "cidr": primaryCidr,
  // EC2 still accepts the older names, and tools send them: Ansible's ec2_vpc_net looks a VPC up by
  // `cidr-block`, its ec2_instance finds the default VPC with `isDefault`.
  "cidr-block": primaryCidr,
  "cidrBlock": primaryCidr,
  "isDefault": (v) => v.isDefault,
  "cidr-block-association.cidr-block": (v) => v.cidrBlocks.map((b) => b.cidr),
  "cidr-block-association.association-id": (v) => v.cidrBlocks.map((b) => b.associationId),
  "cidr-block-association.state": (v) => v.cidrBlocks.map((b) => b.state),
  "dhcp-options-id": (v) => v.dhcpOptionsId,
  "ipv6-cidr-block-association.ipv6-cidr-block": (v) => (v.ipv6CidrBlocks ?? []).map((b) => b.cidr),
  "ipv6-cidr-block-association.ipv6-pool": (v) => (v.ipv6CidrBlocks ?? []).map(() => "Amazon"),
  "ipv6-cidr-block-association.association-id": (v) => (v.ipv6CidrBlocks ?? []).map((b) => b.associationId),
  "ipv6-cidr-block-association.state": (v) => (v.ipv6CidrBlocks ?? []).map((b) => b.state),
  "is-default": (v) => v.isDefault,
  "owner-id": (v) => v.ownerId,
  "state": (v) => v.state,
  "vpc-id": (v) => v.id,
};

const createVpcOp: Handler<CreateVpcRequest, CreateVpcResult> = ({ world, rs }, input) => {
  const tags = tagsFromSpecifications(input.TagSpecifications, "vpc");
  // AWS checks the IPv4 block first: an IPv6-only request gets "Either 'cidrBlock' or 'ipv4IpamPoolId'".
  if (input.CidrBlock !== undefined || input.Ipv4IpamPoolId === undefined) vpcCidr(input.CidrBlock);
  if (input.Ipv4IpamPoolId !== undefined || input.Ipv4NetmaskLength !== undefined) {
    // IPAM is not modelled: an account without IPAM pools.
    if (input.Ipv4IpamPoolId === undefined) throw missingParameter("ipv4IpamPoolId");
    throw ipamPoolNotFound(input.Ipv4IpamPoolId);
  }
  const wantsIpv6 = checkVpcIpv6Request(rs.region, {
    amazonProvided: input.AmazonProvidedIpv6CidrBlock,
    ipv6CidrBlock: input.Ipv6CidrBlock,
    ipv6Pool: input.Ipv6Pool,
    networkBorderGroup: input.Ipv6CidrBlockNetworkBorderGroup,
    ipamPoolId: input.Ipv6IpamPoolId,
    netmaskLength: input.Ipv6NetmaskLength,
  });
  const vpc = createVpc(world, rs, input.CidrBlock, input.InstanceTenancy, tags);
  if (wantsIpv6) associateAmazonIpv6(world, rs, vpc);
  // CreateVpc's answer carries the IPv6 association list even when empty, as AWS's own create-vpc
  // example shows; DescribeVpcs omits it for IPv4-only VPCs.
  const view = vpcView(vpc);
  return { Vpc: { ...view, Ipv6CidrBlockAssociationSet: view.Ipv6CidrBlockAssociationSet ?? [] } };
};

const deleteVpcOp: Handler<DeleteVpcRequest, void> = ({ world, rs }, input) => {
  deleteVpc(world, rs, input.VpcId);
};

const describeVpcs: Handler<DescribeVpcsRequest, DescribeVpcsResult> = ({ rs }, input) => {
  const selected = selectByIds(rs.vpcs, input.VpcIds, vpcNotFound, { prefix: "vpc", error: vpcMalformed });
  const filtered = applyFilters(selected, input.Filters, VPC_FILTERS, (v) => v.tags);
  const page = paginate(filtered, input);
  return { Vpcs: page.items.map(vpcView), NextToken: page.nextToken };
};

const modifyVpcAttribute: Handler<ModifyVpcAttributeRequest, void> = ({ world, rs }, input) => {
  const vpc = getVpc(rs, input.VpcId);
  const changes = [input.EnableDnsSupport, input.EnableDnsHostnames, input.EnableNetworkAddressUsageMetrics].filter(
    (c) => c !== undefined,
  );
  if (changes.length === 0) throw missingParameter("EnableDnsSupport, EnableDnsHostnames or EnableNetworkAddressUsageMetrics");
  if (changes.length > 1) {
    throw invalidParameterCombination("Fields for multiple attribute types specified: enableDnsSupport, enableDnsHostnames");
  }
  const support = input.EnableDnsSupport?.Value;
  const hostnames = input.EnableDnsHostnames?.Value;
  if (hostnames === true && !vpc.enableDnsSupport) {
    throw invalidParameterValue("Cannot enable DNS hostnames: DNS support is not enabled for this VPC");
  }
  if (support !== undefined) vpc.enableDnsSupport = support;
  if (hostnames !== undefined) vpc.enableDnsHostnames = hostnames;
  if (input.EnableNetworkAddressUsageMetrics?.Value !== undefined) {
    vpc.enableNetworkAddressUsageMetrics = input.EnableNetworkAddressUsageMetrics.Value;
  }
};

const describeVpcAttribute: Handler<DescribeVpcAttributeRequest, DescribeVpcAttributeResult> = ({ rs }, input) => {
  const vpc = getVpc(rs, input.VpcId);
  switch (input.Attribute) {
    case "enableDnsSupport":
      return { VpcId: vpc.id, EnableDnsSupport: { Value: vpc.enableDnsSupport } };
    case "enableDnsHostnames":
      return { VpcId: vpc.id, EnableDnsHostnames: { Value: vpc.enableDnsHostnames } };
    case "enableNetworkAddressUsageMetrics":
      return { VpcId: vpc.id, EnableNetworkAddressUsageMetrics: { Value: vpc.enableNetworkAddressUsageMetrics } };
    default:
      throw invalidParameterValue(`Value (${input.Attribute}) for parameter attribute is invalid. Unknown attribute.`);
  }
};

const associateVpcCidrBlockOp: Handler<AssociateVpcCidrBlockRequest, AssociateVpcCidrBlockResult> = (
  { world, rs },
  input,
) => {
  // `AmazonProvidedIpv6CidrBlock=false` alone asks for nothing IPv6; any other IPv6 parameter does.
  const ipv6Asked =
    input.AmazonProvidedIpv6CidrBlock === true || input.Ipv6CidrBlock !== undefined || input.Ipv6Pool !== undefined ||
    input.Ipv6IpamPoolId !== undefined || input.Ipv6NetmaskLength !== undefined || input.Ipv6CidrBlockNetworkBorderGroup !== undefined;
  if (input.Ipv4IpamPoolId !== undefined || input.Ipv4NetmaskLength !== undefined) {
    if (input.Ipv4IpamPoolId === undefined) throw missingParameter("ipv4IpamPoolId");
    throw ipamPoolNotFound(input.Ipv4IpamPoolId);
  }
  if (ipv6Asked) {
    const vpc = getVpc(rs, input.VpcId);
    if (input.CidrBlock !== undefined) {
      throw invalidParameterCombination("The parameter cidrBlock cannot be used with the parameter amazonProvidedIpv6CidrBlock");
    }
    if (!checkVpcIpv6Request(rs.region, {
      amazonProvided: input.AmazonProvidedIpv6CidrBlock,
      ipv6CidrBlock: input.Ipv6CidrBlock,
      ipv6Pool: input.Ipv6Pool,
      networkBorderGroup: input.Ipv6CidrBlockNetworkBorderGroup,
      ipamPoolId: input.Ipv6IpamPoolId,
      netmaskLength: input.Ipv6NetmaskLength,
    })) {
      throw missingParameter("amazonProvidedIpv6CidrBlock");
    }
    checkVpcIpv6Room(vpc, rs.region);
    const assoc = associateAmazonIpv6(world, rs, vpc);
    return { VpcId: vpc.id, Ipv6CidrBlockAssociation: ipv6AssociationView(assoc) };
  }
  const { vpc, assoc } = associateVpcCidrBlock(world, rs, input.VpcId, input.CidrBlock);
  return {
    VpcId: vpc.id,
    CidrBlockAssociation: { AssociationId: assoc.associationId, CidrBlock: assoc.cidr, CidrBlockState: { State: "associating" } },
  };
};

const disassociateVpcCidrBlockOp: Handler<DisassociateVpcCidrBlockRequest, DisassociateVpcCidrBlockResult> = (
  { world, rs },
  input,
) => {
  const v6 = findVpcIpv6Association(rs, input.AssociationId);
  if (v6) {
    const assoc = disassociateVpcIpv6(world, rs, v6.vpc, v6.assoc);
    return { VpcId: v6.vpc.id, Ipv6CidrBlockAssociation: ipv6AssociationView(assoc) };
  }
  const { vpc, assoc } = disassociateVpcCidrBlock(world, rs, input.AssociationId);
  return {
    VpcId: vpc.id,
    CidrBlockAssociation: { AssociationId: assoc.associationId, CidrBlock: assoc.cidr, CidrBlockState: { State: assoc.state } },
  };
};

const createDefaultVpcOp: Handler<CreateDefaultVpcRequest, CreateDefaultVpcResult> = ({ world, rs }: Ctx) => ({
  Vpc: vpcView(createDefaultVpc(world, rs)),
});

export const vpcOperations = {
  CreateVpc: createVpcOp,
  DeleteVpc: deleteVpcOp,
  DescribeVpcs: describeVpcs,
  ModifyVpcAttribute: modifyVpcAttribute,
  DescribeVpcAttribute: describeVpcAttribute,
  AssociateVpcCidrBlock: associateVpcCidrBlockOp,
  DisassociateVpcCidrBlock: disassociateVpcCidrBlockOp,
  CreateDefaultVpc: createDefaultVpcOp,
};
