/**
 * Security group operations: Create/Delete/DescribeSecurityGroups, Authorize/Revoke SecurityGroup
 * Ingress/Egress, DescribeSecurityGroupRules, ModifySecurityGroupRules and
 * UpdateSecurityGroupRuleDescriptionsIngress/Egress.
 *
 * Reference: EC2 API reference for each action; the DescribeSecurityGroups and
 * DescribeSecurityGroupRules filters as documented there.
 *
 * Fidelity notes: see domain/security-groups.ts. The view regroups the stored one-source rules into
 * IpPermissions the way AWS shows them: rules with the same protocol and ports form one permission
 * (in order of their first rule) listing every IpRange, Ipv6Range, PrefixListId and UserIdGroupPair,
 * with empty lists shown as AWS shows them, and no ports for protocol `-1`.
 */
import type {
  AuthorizeSecurityGroupEgressRequest,
  AuthorizeSecurityGroupEgressResult,
  AuthorizeSecurityGroupIngressRequest,
  AuthorizeSecurityGroupIngressResult,
  CreateSecurityGroupRequest,
  CreateSecurityGroupResult,
  DeleteSecurityGroupRequest,
  DeleteSecurityGroupResult,
  DescribeSecurityGroupRulesRequest,
  DescribeSecurityGroupRulesResult,
  DescribeSecurityGroupsRequest,
  DescribeSecurityGroupsResult,
  IpPermission,
  ModifySecurityGroupRulesRequest,
  ModifySecurityGroupRulesResult,
  RevokeSecurityGroupEgressRequest,
  RevokeSecurityGroupEgressResult,
  RevokeSecurityGroupIngressRequest,
  RevokeSecurityGroupIngressResult,
  RevokedSecurityGroupRule,
  SecurityGroup as SecurityGroupView,
  SecurityGroupRule as SecurityGroupRuleView,
  UpdateSecurityGroupRuleDescriptionsEgressRequest,
  UpdateSecurityGroupRuleDescriptionsEgressResult,
  UpdateSecurityGroupRuleDescriptionsIngressRequest,
  UpdateSecurityGroupRuleDescriptionsIngressResult,
  UserIdGroupPair,
} from "@aws-sdk/client-ec2";
import type { SecurityGroup, SecurityGroupRule } from "../domain/types.js";
import type { RegionState, World } from "../state/world.js";
import type { Ctx, Handler } from "./context.js";
import { tagList } from "./context.js";
import {
  authorize,
  createSecurityGroup,
  deleteSecurityGroup,
  getRule,
  getSecurityGroup,
  groupByNameInDefaultVpc,
  modifyRules,
  referencedGroupName,
  resolveGroup,
  revoke,
  updateRuleDescriptions,
  type PermissionInput,
} from "../domain/security-groups.js";
import { applyFilters, paginate, type FilterSpec } from "../domain/describe.js";
import { tagsFromSpecifications } from "../domain/tags.js";
import { invalidParameterCombination, groupNotFound, groupIdMalformed } from "../domain/errors.js";
import { isWellFormedId } from "../domain/ids.js";

// ---- views --------------------------------------------------------------------------------------

function arn(kind: string, region: string, owner: string, id: string): string {
  return `arn:aws:ec2:${region}:${owner}:${kind}/${id}`;
}

function pairView(world: World, rs: RegionState, r: SecurityGroupRule): UserIdGroupPair {
  const ref = r.referencedGroup!;
  const pair: UserIdGroupPair = { UserId: ref.userId, GroupId: ref.groupId };
  if (r.description !== undefined) pair.Description = r.description;
  if (ref.vpcPeeringConnectionId !== undefined) {
    pair.VpcId = ref.vpcId;
    pair.VpcPeeringConnectionId = ref.vpcPeeringConnectionId;
    const pcx = world.peerings.get(ref.vpcPeeringConnectionId);
    pair.PeeringStatus = pcx?.status.code ?? "deleted";
  }
  void rs;
  return pair;
}

/** Regroups one direction's rules into IpPermissions, as DescribeSecurityGroups shows them. */
export function ipPermissionsView(world: World, rs: RegionState, rules: SecurityGroupRule[]): IpPermission[] {
  const groups = new Map<string, IpPermission>();
  for (const r of rules) {
    const key = `${r.ipProtocol}|${r.fromPort}|${r.toPort}`;
    let perm = groups.get(key);
    if (!perm) {
      perm = { IpProtocol: r.ipProtocol, UserIdGroupPairs: [], IpRanges: [], Ipv6Ranges: [], PrefixListIds: [] };
      if (r.ipProtocol !== "-1") {
        perm.FromPort = r.fromPort;
        perm.ToPort = r.toPort;
      }
      groups.set(key, perm);
    }
    const d = r.description !== undefined ? { Description: r.description } : {};
    if (r.cidrIpv4 !== undefined) perm.IpRanges!.push({ CidrIp: r.cidrIpv4, ...d });
    else if (r.cidrIpv6 !== undefined) perm.Ipv6Ranges!.push({ CidrIpv6: r.cidrIpv6, ...d });
    else if (r.prefixListId !== undefined) perm.PrefixListIds!.push({ PrefixListId: r.prefixListId, ...d });
    else if (r.referencedGroup !== undefined) perm.UserIdGroupPairs!.push(pairView(world, rs, r));
  }
  return [...groups.values()];
}

export function securityGroupView(world: World, rs: RegionState, sg: SecurityGroup): SecurityGroupView {
  return {
    GroupId: sg.id,
    IpPermissionsEgress: ipPermissionsView(world, rs, sg.rules.filter((r) => r.isEgress)),
    Tags: tagList(sg.tags),
    VpcId: sg.vpcId,
    SecurityGroupArn: arn("security-group", sg.region, sg.ownerId, sg.id),
    OwnerId: sg.ownerId,
    GroupName: sg.name,
    Description: sg.description,
    IpPermissions: ipPermissionsView(world, rs, sg.rules.filter((r) => !r.isEgress)),
  };
}

export function securityGroupRuleView(sg: SecurityGroup, r: SecurityGroupRule): SecurityGroupRuleView {
  const view: SecurityGroupRuleView = {
    SecurityGroupRuleId: r.id,
    GroupId: sg.id,
    GroupOwnerId: sg.ownerId,
    IsEgress: r.isEgress,
    IpProtocol: r.ipProtocol,
    FromPort: r.fromPort,
    ToPort: r.toPort,
    Tags: [...r.tags].map(([Key, Value]) => ({ Key, Value })),
    SecurityGroupRuleArn: arn("security-group-rule", sg.region, sg.ownerId, r.id),
  };
  if (r.cidrIpv4 !== undefined) view.CidrIpv4 = r.cidrIpv4;
  if (r.cidrIpv6 !== undefined) view.CidrIpv6 = r.cidrIpv6;
  if (r.prefixListId !== undefined) view.PrefixListId = r.prefixListId;
  if (r.referencedGroup !== undefined) {
    const ref = r.referencedGroup;
    view.ReferencedGroupInfo = { GroupId: ref.groupId, UserId: ref.userId };
    if (ref.vpcPeeringConnectionId !== undefined) {
      view.ReferencedGroupInfo.VpcId = ref.vpcId;
      view.ReferencedGroupInfo.VpcPeeringConnectionId = ref.vpcPeeringConnectionId;
    }
  }
  if (r.description !== undefined) view.Description = r.description;
  return view;
}

function revokedView(r: SecurityGroupRule): RevokedSecurityGroupRule {
  const v: RevokedSecurityGroupRule = {
    SecurityGroupRuleId: r.id,
    GroupId: r.groupId,
    IsEgress: r.isEgress,
    IpProtocol: r.ipProtocol,
    FromPort: r.fromPort,
    ToPort: r.toPort,
  };
  if (r.cidrIpv4 !== undefined) v.CidrIpv4 = r.cidrIpv4;
  if (r.cidrIpv6 !== undefined) v.CidrIpv6 = r.cidrIpv6;
  if (r.prefixListId !== undefined) v.PrefixListId = r.prefixListId;
  if (r.referencedGroup !== undefined) v.ReferencedGroupId = r.referencedGroup.groupId;
  if (r.description !== undefined) v.Description = r.description;
  return v;
}

// ---- input conversion ---------------------------------------------------------------------------

function permissionInput(p: IpPermission): PermissionInput {
  return {
    ipProtocol: p.IpProtocol,
    fromPort: p.FromPort,
    toPort: p.ToPort,
    ipRanges: p.IpRanges?.map((r) => ({ cidr: r.CidrIp, description: r.Description })),
    ipv6Ranges: p.Ipv6Ranges?.map((r) => ({ cidr: r.CidrIpv6, description: r.Description })),
    prefixListIds: p.PrefixListIds?.map((r) => ({ id: r.PrefixListId, description: r.Description })),
    groupPairs: p.UserIdGroupPairs?.map((g) => ({
      groupId: g.GroupId,
      groupName: g.GroupName,
      userId: g.UserId,
      vpcId: g.VpcId,
      vpcPeeringConnectionId: g.VpcPeeringConnectionId,
      description: g.Description,
    })),
  };
}

interface LegacyParams {
  IpPermissions?: IpPermission[];
  IpProtocol?: string;
  FromPort?: number;
  ToPort?: number;
  CidrIp?: string;
  SourceSecurityGroupName?: string;
  SourceSecurityGroupOwnerId?: string;
}

/** IpPermissions, or the older top-level parameters (one permission), never both. */
function permissionsOf(input: LegacyParams): PermissionInput[] {
  const legacy =
    input.IpProtocol !== undefined ||
    input.FromPort !== undefined ||
    input.ToPort !== undefined ||
    input.CidrIp !== undefined ||
    input.SourceSecurityGroupName !== undefined ||
    input.SourceSecurityGroupOwnerId !== undefined;
  const perms = (input.IpPermissions ?? []).map(permissionInput);
  if (!legacy) return perms;
  if (perms.length > 0) {
    throw invalidParameterCombination(
      "The parameter 'ipPermissions' may not be used in combination with 'ipProtocol', 'fromPort', 'toPort', 'cidrIp' or 'sourceSecurityGroupName'.",
    );
  }
  const source = input.SourceSecurityGroupName !== undefined || input.SourceSecurityGroupOwnerId !== undefined;
  return [
    {
      // A source group alone (no protocol) means every protocol, as AWS's legacy form did.
      ipProtocol: input.IpProtocol ?? (source && input.CidrIp === undefined ? "-1" : undefined),
      fromPort: input.FromPort,
      toPort: input.ToPort,
      ipRanges: input.CidrIp !== undefined ? [{ cidr: input.CidrIp }] : undefined,
      groupPairs: source
        ? [{ groupName: input.SourceSecurityGroupName, userId: input.SourceSecurityGroupOwnerId }]
        : undefined,
    },
  ];
}

// ---- filters ------------------------------------------------------------------------------------

function permissionFilters(egress: boolean, world: World, rs: RegionState): FilterSpec<SecurityGroup> {
  const prefix = egress ? "egress.ip-permission." : "ip-permission.";
  const rules = (sg: SecurityGroup) => sg.rules.filter((r) => r.isEgress === egress);
  return {
    [`${prefix}cidr`]: (sg) => rules(sg).map((r) => r.cidrIpv4),
    [`${prefix}from-port`]: (sg) => rules(sg).map((r) => r.fromPort),
    [`${prefix}to-port`]: (sg) => rules(sg).map((r) => r.toPort),
    [`${prefix}protocol`]: (sg) => rules(sg).map((r) => r.ipProtocol),
    [`${prefix}group-id`]: (sg) => rules(sg).map((r) => r.referencedGroup?.groupId),
    [`${prefix}group-name`]: (sg) =>
      rules(sg).map((r) => (r.referencedGroup ? referencedGroupName(world, rs, r.referencedGroup) : undefined)),
    [`${prefix}user-id`]: (sg) => rules(sg).map((r) => r.referencedGroup?.userId),
    [`${prefix}prefix-list-id`]: (sg) => rules(sg).map((r) => r.prefixListId),
    [`${prefix}ipv6-cidr`]: (sg) => rules(sg).map((r) => r.cidrIpv6),
  };
}

function groupFilters(world: World, rs: RegionState): FilterSpec<SecurityGroup> {
  return {
    "description": (sg) => sg.description,
    "group-id": (sg) => sg.id,
    "group-name": (sg) => sg.name,
    "owner-id": (sg) => sg.ownerId,
    "vpc-id": (sg) => sg.vpcId,
    ...permissionFilters(false, world, rs),
    ...permissionFilters(true, world, rs),
  };
}

interface RuleRow {
  sg: SecurityGroup;
  rule: SecurityGroupRule;
}

const RULE_FILTERS: FilterSpec<RuleRow> = {
  "group-id": (x) => x.sg.id,
  "security-group-rule-id": (x) => x.rule.id,
};

// ---- handlers -----------------------------------------------------------------------------------

const createSecurityGroupOp: Handler<CreateSecurityGroupRequest, CreateSecurityGroupResult> = ({ world, rs }, input) => {
  const tags = tagsFromSpecifications(input.TagSpecifications, "security-group");
  const sg = createSecurityGroup(world, rs, {
    groupName: input.GroupName,
    description: input.Description,
    vpcId: input.VpcId,
    tags,
  });
  return { GroupId: sg.id, Tags: tagList(sg.tags), SecurityGroupArn: arn("security-group", sg.region, sg.ownerId, sg.id) };
};

const deleteSecurityGroupOp: Handler<DeleteSecurityGroupRequest, DeleteSecurityGroupResult> = ({ world, rs }, input) => {
  const sg = deleteSecurityGroup(world, rs, input.GroupId, input.GroupName);
  return { Return: true, GroupId: sg.id };
};

const describeSecurityGroups: Handler<DescribeSecurityGroupsRequest, DescribeSecurityGroupsResult> = ({ world, rs }, input) => {
  let selected: SecurityGroup[];
  const ids = input.GroupIds ?? [];
  const names = input.GroupNames ?? [];
  if (ids.length === 0 && names.length === 0) {
    selected = [...rs.securityGroups.values()];
  } else {
    const chosen = new Set<SecurityGroup>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      if (!id.startsWith("sg-")) getSecurityGroup(rs, id); // throws InvalidGroupId.Malformed
      const sg = rs.securityGroups.get(id);
      if (sg) chosen.add(sg);
      else missing.push(id);
    }
    // EC2 names every missing id in one error.
    if (missing.length > 0) throw groupNotFound(missing.join(", "));
    for (const name of new Set(names)) chosen.add(groupByNameInDefaultVpc(rs, name));
    selected = [...rs.securityGroups.values()].filter((sg) => chosen.has(sg));
  }
  const filtered = applyFilters(selected, input.Filters, groupFilters(world, rs), (sg) => sg.tags);
  const page = paginate(filtered, input);
  return { SecurityGroups: page.items.map((sg) => securityGroupView(world, rs, sg)), NextToken: page.nextToken };
};

function authorizeOp(
  { world, rs }: Ctx,
  input: LegacyParams & { GroupId?: string; GroupName?: string; TagSpecifications?: AuthorizeSecurityGroupIngressRequest["TagSpecifications"] },
  isEgress: boolean,
) {
  const tags = tagsFromSpecifications(input.TagSpecifications, "security-group-rule");
  const sg = isEgress ? getSecurityGroup(rs, input.GroupId) : resolveGroup(rs, input.GroupId, input.GroupName);
  const added = authorize(world, rs, sg, isEgress, permissionsOf(input), tags);
  return { Return: true, SecurityGroupRules: added.map((r) => securityGroupRuleView(sg, r)) };
}

const authorizeIngress: Handler<AuthorizeSecurityGroupIngressRequest, AuthorizeSecurityGroupIngressResult> = (ctx, input) =>
  authorizeOp(ctx, input, false);

const authorizeEgress: Handler<AuthorizeSecurityGroupEgressRequest, AuthorizeSecurityGroupEgressResult> = (ctx, input) =>
  authorizeOp(ctx, input, true);

function revokeOp(
  { world, rs }: Ctx,
  input: LegacyParams & { GroupId?: string; GroupName?: string; SecurityGroupRuleIds?: string[] },
  isEgress: boolean,
) {
  const sg = isEgress ? getSecurityGroup(rs, input.GroupId) : resolveGroup(rs, input.GroupId, input.GroupName);
  const perms = permissionsOf(input);
  const { revoked, unknown } = revoke(world, rs, sg, isEgress, perms.length > 0 ? perms : undefined, input.SecurityGroupRuleIds);
  const result: RevokeSecurityGroupIngressResult = { Return: true, RevokedSecurityGroupRules: revoked.map(revokedView) };
  if (unknown.length > 0) {
    result.UnknownIpPermissions = unknown.map((p) => ({
      IpProtocol: p.ipProtocol,
      FromPort: p.fromPort,
      ToPort: p.toPort,
      IpRanges: p.ipRanges?.map((r) => ({ CidrIp: r.cidr })),
      Ipv6Ranges: p.ipv6Ranges?.map((r) => ({ CidrIpv6: r.cidr })),
      PrefixListIds: p.prefixListIds?.map((r) => ({ PrefixListId: r.id })),
      UserIdGroupPairs: p.groupPairs?.map((g) => ({ GroupId: g.groupId, GroupName: g.groupName, UserId: g.userId })),
    }));
  }
  return result;
}

const revokeIngress: Handler<RevokeSecurityGroupIngressRequest, RevokeSecurityGroupIngressResult> = (ctx, input) =>
  revokeOp(ctx, input, false);

const revokeEgress: Handler<RevokeSecurityGroupEgressRequest, RevokeSecurityGroupEgressResult> = (ctx, input) =>
  revokeOp(ctx, input, true);

const describeSecurityGroupRules: Handler<DescribeSecurityGroupRulesRequest, DescribeSecurityGroupRulesResult> = (
  { rs },
  input,
) => {
  // EC2 checks the shape of the group ids in a `group-id` filter (Terraform reads a group's rules
  // that way): a value that cannot be a group id is refused, a well-formed unknown one matches nothing.
  for (const f of input.Filters ?? []) {
    if (f.Name !== "group-id") continue;
    for (const v of f.Values ?? []) if (!/[*?]/.test(v) && !isWellFormedId("sg", v)) throw groupIdMalformed(v);
  }
  let rows: RuleRow[];
  if (input.SecurityGroupRuleIds && input.SecurityGroupRuleIds.length > 0) {
    rows = [...new Set(input.SecurityGroupRuleIds)].map((id) => getRule(rs, id));
  } else {
    rows = [];
    for (const sg of rs.securityGroups.values()) for (const rule of sg.rules) rows.push({ sg, rule });
  }
  const filtered = applyFilters(rows, input.Filters, RULE_FILTERS, (x) => x.rule.tags);
  const page = paginate(filtered, input);
  return { SecurityGroupRules: page.items.map((x) => securityGroupRuleView(x.sg, x.rule)), NextToken: page.nextToken };
};

const modifySecurityGroupRules: Handler<ModifySecurityGroupRulesRequest, ModifySecurityGroupRulesResult> = (
  { world, rs },
  input,
) => {
  modifyRules(
    world,
    rs,
    input.GroupId,
    (input.SecurityGroupRules ?? []).map((u) => ({
      ruleId: u.SecurityGroupRuleId,
      rule: u.SecurityGroupRule && {
        ipProtocol: u.SecurityGroupRule.IpProtocol,
        fromPort: u.SecurityGroupRule.FromPort,
        toPort: u.SecurityGroupRule.ToPort,
        cidrIpv4: u.SecurityGroupRule.CidrIpv4,
        cidrIpv6: u.SecurityGroupRule.CidrIpv6,
        prefixListId: u.SecurityGroupRule.PrefixListId,
        referencedGroupId: u.SecurityGroupRule.ReferencedGroupId,
        description: u.SecurityGroupRule.Description,
      },
    })),
  );
  return { Return: true };
};

function updateDescriptionsOp(
  { world, rs }: Ctx,
  input: UpdateSecurityGroupRuleDescriptionsIngressRequest | UpdateSecurityGroupRuleDescriptionsEgressRequest,
  isEgress: boolean,
) {
  const sg = resolveGroup(rs, input.GroupId, input.GroupName);
  updateRuleDescriptions(
    world,
    rs,
    sg,
    isEgress,
    input.IpPermissions?.map(permissionInput),
    input.SecurityGroupRuleDescriptions?.map((d) => ({ ruleId: d.SecurityGroupRuleId, description: d.Description })),
  );
  return { Return: true };
}

const updateDescriptionsIngress: Handler<
  UpdateSecurityGroupRuleDescriptionsIngressRequest,
  UpdateSecurityGroupRuleDescriptionsIngressResult
> = (ctx, input) => updateDescriptionsOp(ctx, input, false);

const updateDescriptionsEgress: Handler<
  UpdateSecurityGroupRuleDescriptionsEgressRequest,
  UpdateSecurityGroupRuleDescriptionsEgressResult
> = (ctx, input) => updateDescriptionsOp(ctx, input, true);

export const securityGroupOperations = {
  CreateSecurityGroup: createSecurityGroupOp,
  DeleteSecurityGroup: deleteSecurityGroupOp,
  DescribeSecurityGroups: describeSecurityGroups,
  AuthorizeSecurityGroupIngress: authorizeIngress,
  AuthorizeSecurityGroupEgress: authorizeEgress,
  RevokeSecurityGroupIngress: revokeIngress,
  RevokeSecurityGroupEgress: revokeEgress,
  DescribeSecurityGroupRules: describeSecurityGroupRules,
  ModifySecurityGroupRules: modifySecurityGroupRules,
  UpdateSecurityGroupRuleDescriptionsIngress: updateDescriptionsIngress,
  UpdateSecurityGroupRuleDescriptionsEgress: updateDescriptionsEgress,
};
