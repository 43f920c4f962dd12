/**
 * VPC operations: CreateVpc, DeleteVpc, DescribeVpcs, Modify/DescribeVpcAttribute,
 * Associate/DisassociateVpcCidrBlock, CreateDefaultVpc.
 *
 * Reference: EC2 API reference for each action; DescribeVpcs filters as documented there.
 * Fidelity notes: see domain/vpcs.ts. `is-default`, `cidr`, `cidr-block-association.*`, `dhcp-options-id`,
 * `owner-id`, `state`, `vpc-id` and the tag filters are supported, and the older names EC2 still accepts
 * (`isDefault`, `cidr-block`, `cidrBlock`); IPv6 filters match nothing. A VPC id that is not shaped like
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
} from "../domain/vpcs.js";
import { getVpc } from "../domain/lookup.js";
import { applyFilters, paginate, selectByIds, type FilterSpec } from "../domain/describe.js";
import { tagsFromSpecifications } from "../domain/tags.js";
import { invalidParameterCombination, invalidParameterValue, missingParameter, vpcNotFound, vpcMalformed } from "../domain/errors.js";

export function vpcView(vpc: Vpc): VpcView {
  return {
    OwnerId: vpc.ownerId,
    InstanceTenancy: vpc.instanceTenancy as VpcView["InstanceTenancy"],
    CidrBlockAssociationSet: vpc.cidrBlocks.map((b) => ({
      AssociationId: b.associationId,
      CidrBlock: b.cidr,
      CidrBlockState: { State: b.state },
    })),
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
  "ipv6-cidr-block-association.ipv6-cidr-block": () => [],
  "ipv6-cidr-block-association.ipv6-pool": () => [],
  "ipv6-cidr-block-association.association-id": () => [],
  "ipv6-cidr-block-association.state": () => [],
  "is-default": (v) => v.isDefault,
  "owner-id": (v) => v.ownerId,
  "state": (v) => v.state,
  "vpc-id": (v) => v.id,
};

const createVpcOp: Handler<CreateVpcRequest, CreateVpcResult> = ({ world, rs }, input) => {
  const tags = tagsFromSpecifications(input.TagSpecifications, "vpc");
  if (input.AmazonProvidedIpv6CidrBlock) {
    throw invalidParameterValue("IPv6 CIDR blocks are not supported by vpclab (its network is IPv4 only).");
  }
  // CreateVpc's answer carries an empty IPv6 association list, as AWS's own create-vpc example shows;
  // DescribeVpcs omits it for IPv4-only VPCs.
  return { Vpc: { ...vpcView(createVpc(world, rs, input.CidrBlock, input.InstanceTenancy, tags)), Ipv6CidrBlockAssociationSet: [] } };
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
  if (input.AmazonProvidedIpv6CidrBlock || input.Ipv6CidrBlock || input.Ipv6Pool) {
    throw invalidParameterValue("IPv6 CIDR blocks are not supported by vpclab (its network is IPv4 only).");
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
