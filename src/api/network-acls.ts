/**
 * Network ACL operations: Create/Delete/DescribeNetworkAcls, Create/Replace/DeleteNetworkAclEntry and
 * ReplaceNetworkAclAssociation.
 *
 * Reference: EC2 API reference for each action; the DescribeNetworkAcls filters as documented there.
 * Fidelity notes: see domain/network-acls.ts. The `entry.protocol` filter matches the number and, for
 * 6/17/1, the name too (`tcp`, `udp`, `icmp`), as documented.
 */
import type {
  CreateNetworkAclEntryRequest,
  CreateNetworkAclRequest,
  CreateNetworkAclResult,
  DeleteNetworkAclEntryRequest,
  DeleteNetworkAclRequest,
  DescribeNetworkAclsRequest,
  DescribeNetworkAclsResult,
  NetworkAcl as NetworkAclView,
  NetworkAclEntry as NetworkAclEntryView,
  ReplaceNetworkAclAssociationRequest,
  ReplaceNetworkAclAssociationResult,
  ReplaceNetworkAclEntryRequest,
} from "@aws-sdk/client-ec2";
import type { NetworkAcl, NetworkAclEntry } from "../domain/types.js";
import type { Handler } from "./context.js";
import { tagList } from "./context.js";
import {
  createNetworkAcl,
  createNetworkAclEntry,
  deleteNetworkAcl,
  deleteNetworkAclEntry,
  replaceNetworkAclAssociation,
  replaceNetworkAclEntry,
  type EntryInput,
} from "../domain/network-acls.js";
import { applyFilters, paginate, selectByIds, type FilterSpec } from "../domain/describe.js";
import { tagsFromSpecifications } from "../domain/tags.js";
import { networkAclNotFound } from "../domain/errors.js";

function entryView(e: NetworkAclEntry): NetworkAclEntryView {
  const v: NetworkAclEntryView = {
    Egress: e.egress,
    Protocol: e.protocol,
    RuleAction: e.ruleAction,
    RuleNumber: e.ruleNumber,
  };
  if (e.cidrBlock !== undefined) v.CidrBlock = e.cidrBlock;
  if (e.ipv6CidrBlock !== undefined) v.Ipv6CidrBlock = e.ipv6CidrBlock;
  if (e.icmp) v.IcmpTypeCode = { Type: e.icmp.type, Code: e.icmp.code };
  if (e.portRange) v.PortRange = { From: e.portRange.from, To: e.portRange.to };
  return v;
}

export function networkAclView(acl: NetworkAcl): NetworkAclView {
  return {
    Associations: acl.associations.map((a) => ({ NetworkAclAssociationId: a.id, NetworkAclId: acl.id, SubnetId: a.subnetId })),
    Entries: acl.entries.map(entryView),
    IsDefault: acl.isDefault,
    NetworkAclId: acl.id,
    Tags: tagList(acl.tags) ?? [],
    VpcId: acl.vpcId,
    OwnerId: acl.ownerId,
  };
}

const PROTOCOL_NAMES: Record<string, string> = { "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", "-1": "all" };

const ACL_FILTERS: FilterSpec<NetworkAcl> = {
  "association.association-id": (a) => a.associations.map((x) => x.id),
  "association.network-acl-id": (a) => (a.associations.length > 0 ? a.id : undefined),
  "association.subnet-id": (a) => a.associations.map((x) => x.subnetId),
  "default": (a) => a.isDefault,
  "entry.cidr": (a) => a.entries.map((e) => e.cidrBlock),
  "entry.icmp.code": (a) => a.entries.map((e) => e.icmp?.code),
  "entry.icmp.type": (a) => a.entries.map((e) => e.icmp?.type),
  "entry.ipv6-cidr": (a) => a.entries.map((e) => e.ipv6CidrBlock),
  "entry.port-range.from": (a) => a.entries.map((e) => e.portRange?.from),
  "entry.port-range.to": (a) => a.entries.map((e) => e.portRange?.to),
  "entry.protocol": (a) => a.entries.flatMap((e) => [e.protocol, PROTOCOL_NAMES[e.protocol]]),
  "entry.rule-action": (a) => a.entries.map((e) => e.ruleAction),
  "entry.rule-number": (a) => a.entries.map((e) => e.ruleNumber),
  "entry.egress": (a) => a.entries.map((e) => e.egress),
  "network-acl-id": (a) => a.id,
  "owner-id": (a) => a.ownerId,
  "vpc-id": (a) => a.vpcId,
};

function entryInput(input: CreateNetworkAclEntryRequest | ReplaceNetworkAclEntryRequest): EntryInput {
  return {
    ruleNumber: input.RuleNumber,
    protocol: input.Protocol,
    ruleAction: input.RuleAction,
    egress: input.Egress,
    cidrBlock: input.CidrBlock,
    ipv6CidrBlock: input.Ipv6CidrBlock,
    icmp: input.IcmpTypeCode && { type: input.IcmpTypeCode.Type, code: input.IcmpTypeCode.Code },
    portRange: input.PortRange && { from: input.PortRange.From, to: input.PortRange.To },
  };
}

const createNetworkAclOp: Handler<CreateNetworkAclRequest, CreateNetworkAclResult> = ({ world, rs }, input) => {
  const tags = tagsFromSpecifications(input.TagSpecifications, "network-acl");
  const acl = createNetworkAcl(world, rs, input.VpcId, tags);
  return { NetworkAcl: networkAclView(acl), ClientToken: input.ClientToken };
};

const deleteNetworkAclOp: Handler<DeleteNetworkAclRequest, void> = ({ world, rs }, input) => {
  deleteNetworkAcl(world, rs, input.NetworkAclId);
};

const describeNetworkAcls: Handler<DescribeNetworkAclsRequest, DescribeNetworkAclsResult> = ({ rs }, input) => {
  const selected = selectByIds(rs.networkAcls, input.NetworkAclIds, networkAclNotFound);
  const filtered = applyFilters(selected, input.Filters, ACL_FILTERS, (a) => a.tags);
  const page = paginate(filtered, input, [5, 100]);
  return { NetworkAcls: page.items.map(networkAclView), NextToken: page.nextToken };
};

const createEntry: Handler<CreateNetworkAclEntryRequest, void> = ({ world, rs }, input) => {
  createNetworkAclEntry(world, rs, input.NetworkAclId, entryInput(input));
};

const replaceEntry: Handler<ReplaceNetworkAclEntryRequest, void> = ({ world, rs }, input) => {
  replaceNetworkAclEntry(world, rs, input.NetworkAclId, entryInput(input));
};

const deleteEntry: Handler<DeleteNetworkAclEntryRequest, void> = ({ world, rs }, input) => {
  deleteNetworkAclEntry(world, rs, input.NetworkAclId, input.RuleNumber, input.Egress);
};

const replaceAssociation: Handler<ReplaceNetworkAclAssociationRequest, ReplaceNetworkAclAssociationResult> = (
  { world, rs },
  input,
) => ({ NewAssociationId: replaceNetworkAclAssociation(world, rs, input.AssociationId, input.NetworkAclId) });

export const networkAclOperations = {
  CreateNetworkAcl: createNetworkAclOp,
  DeleteNetworkAcl: deleteNetworkAclOp,
  DescribeNetworkAcls: describeNetworkAcls,
  CreateNetworkAclEntry: createEntry,
  ReplaceNetworkAclEntry: replaceEntry,
  DeleteNetworkAclEntry: deleteEntry,
  ReplaceNetworkAclAssociation: replaceAssociation,
};
