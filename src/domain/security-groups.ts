/**
 * Security groups and their rules: creation scoped to a VPC (with the default allow-all egress
 * rule), deletion with AWS's dependency checks, and rule authorisation, revocation and modification.
 * A permission as the API takes it (one protocol and port range, several sources) is expanded into one
 * rule per source, which is how AWS stores rules (`sgr-…`) and what the network engine compiles.
 *
 * References: EC2 API CreateSecurityGroup, DeleteSecurityGroup, AuthorizeSecurityGroupIngress/Egress,
 * RevokeSecurityGroupIngress/Egress, ModifySecurityGroupRules, the IpPermission data type; VPC User
 * Guide "Security group rules" (protocols, ICMP type/code, -1 = all) and "Amazon VPC quotas" (60
 * inbound and 60 outbound rules per group, counted separately for IPv4 and IPv6); VPC Peering Guide
 * "Update your security groups to reference peer security groups" (same-region peering only).
 *
 * Fidelity notes:
 * - Protocol numbers 6, 17, 1 and 58 are stored as `tcp`, `udp`, `icmp`, `icmpv6`, as AWS shows them;
 *   names are accepted in any case. `all` is refused as AWS refuses it (the AWS CLI's `--protocol all`
 *   turns it into `-1` before sending).
 * - For `-1` and protocol numbers other than tcp/udp/icmp/icmpv6 the ports are ignored and stored
 *   as -1/-1 (AWS allows every port for them whatever is given).
 * - A group referenced across an inter-region peering is not visible from the caller's region, so it
 *   gets `InvalidGroup.NotFound` "The security group '…' does not exist", as AWS answers; a group of
 *   the same region in an unpeered VPC gets AWS's "You have specified two resources that belong to
 *   different networks."
 * - `SourceSecurityGroupName` / `GroupName` in a UserIdGroupPair resolve within the group's own VPC
 *   (AWS only documents them for the default VPC; vpclab is lenient there).
 * - A rule may name a prefix list of the group's region (customer- or AWS-managed); an unknown list gets
 *   `InvalidPrefixListID.NotFound`. It counts as the list's MaxEntries rules against the quota
 *   (domain/prefix-lists.ts `prefixListWeight`), and the engine expands it to the list's current entries.
 * - The exact AWS wording of the port-range errors (from > to) is not documented; the code is AWS's.
 * - In a default VPC, revoking a rule that does not exist is not an error: it is returned in
 *   `UnknownIpPermissions`, as the API reference describes; elsewhere it is `InvalidPermission.NotFound`.
 */
import type { RegionState, World } from "../state/world.js";
import type { SecurityGroup, SecurityGroupRule, Tags, VpcPeeringConnection } from "./types.js";
import { formatCidr, parseCidr } from "./cidr.js";
import {
  dependencyViolation,
  invalidParameterCombination,
  invalidParameterValue,
  missingParameter,
  vpcNotFound,
  groupNotFound,
  groupNameNotFoundInDefaultVpc,
  groupNameNotFoundInVpc,
  groupIdMalformed,
  groupDuplicate,
  groupReserved,
  groupsInDifferentNetworks,
  groupNameNeedsDefaultVpc,
  cannotDeleteGroup,
  permissionDuplicate,
  permissionNotFound,
  permissionPortOutOfRange,
  securityGroupRuleNotFound,
  securityGroupRuleMalformed,
  rulesPerGroupLimitExceeded,
  securityGroupLimitExceeded,
  noDefaultVpc,
} from "./errors.js";
import { defaultVpc } from "./lookup.js";
import { prefixListWeight, referencedPrefixList } from "./prefix-lists.js";

// ---- lookups ------------------------------------------------------------------------------------

export function getSecurityGroup(rs: RegionState, id: string | undefined): SecurityGroup {
  if (id === undefined || id === "") throw missingParameter("GroupId");
  if (!id.startsWith("sg-")) throw groupIdMalformed(id);
  const sg = rs.securityGroups.get(id);
  if (!sg) throw groupNotFound(id);
  return sg;
}

/** A group by name in the region's default VPC (the only place AWS resolves bare names). */
export function groupByNameInDefaultVpc(rs: RegionState, name: string): SecurityGroup {
  const vpc = defaultVpc(rs);
  if (!vpc) throw groupNameNeedsDefaultVpc();
  for (const sg of rs.securityGroups.values()) if (sg.vpcId === vpc.id && sg.name === name) return sg;
  throw groupNameNotFoundInDefaultVpc(name, vpc.id);
}

/** GroupId, else GroupName (default VPC), as Authorize/Revoke/DeleteSecurityGroup take them. */
export function resolveGroup(rs: RegionState, groupId: string | undefined, groupName: string | undefined): SecurityGroup {
  if (groupId !== undefined && groupId !== "") return getSecurityGroup(rs, groupId);
  if (groupName !== undefined && groupName !== "") return groupByNameInDefaultVpc(rs, groupName);
  throw missingParameter("groupId or groupName");
}

export function findRule(rs: RegionState, id: string): { sg: SecurityGroup; rule: SecurityGroupRule } | undefined {
  for (const sg of rs.securityGroups.values()) {
    const rule = sg.rules.find((r) => r.id === id);
    if (rule) return { sg, rule };
  }
  return undefined;
}

export function getRule(rs: RegionState, id: string): { sg: SecurityGroup; rule: SecurityGroupRule } {
  if (!id.startsWith("sgr-")) throw securityGroupRuleMalformed(id);
  const found = findRule(rs, id);
  if (!found) throw securityGroupRuleNotFound(id);
  return found;
}

/** The region state of another account in the same region, without creating it. */
function peerRegionState(world: World, account: string, region: string): RegionState | undefined {
  for (const rs of world.regionStates()) if (rs.account === account && rs.region === region) return rs;
  return undefined;
}

// ---- create / delete ----------------------------------------------------------------------------

const ALLOWED_TEXT = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/;
const ALLOWED_SET = "a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*";

function validateGroupName(name: string | undefined): string {
  if (name === undefined || name === "") throw missingParameter("GroupName");
  if (name.length > 255 || !ALLOWED_TEXT.test(name)) {
    throw invalidParameterValue(
      `Value (${name}) for parameter GroupName is invalid. Valid names are non-empty strings less than 256 characters from the following set:  ${ALLOWED_SET}`,
    );
  }
  if (name.toLowerCase().startsWith("sg-")) throw invalidParameterValue("Group names may not be in the format sg-*.");
  if (name === "default") throw groupReserved(name);
  return name;
}

function validateGroupDescription(text: string | undefined): string {
  if (text === undefined || text === "") throw missingParameter("GroupDescription");
  if (text.length > 255 || !ALLOWED_TEXT.test(text)) {
    throw invalidParameterValue(
      `Value (${text}) for parameter GroupDescription is invalid. Valid descriptions are strings less than 256 characters from the following set:  ${ALLOWED_SET}`,
    );
  }
  return text;
}

function validateRuleDescription(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (text.length > 255 || !ALLOWED_TEXT.test(text)) {
    throw invalidParameterValue(
      `Invalid rule description. Valid descriptions are strings less than 256 characters from the following set:  ${ALLOWED_SET}`,
    );
  }
  return text === "" ? undefined : text;
}

export function createSecurityGroup(
  world: World,
  rs: RegionState,
  input: { groupName?: string; description?: string; vpcId?: string; tags: Tags },
): SecurityGroup {
  const name = validateGroupName(input.groupName);
  const description = validateGroupDescription(input.description);
  let vpcId = input.vpcId;
  if (vpcId === undefined || vpcId === "") {
    const def = defaultVpc(rs);
    if (!def) throw noDefaultVpc();
    vpcId = def.id;
  } else if (!rs.vpcs.has(vpcId)) {
    throw vpcNotFound(vpcId);
  }
  let count = 0;
  for (const sg of rs.securityGroups.values()) {
    if (sg.vpcId !== vpcId) continue;
    count++;
    if (sg.name === name) throw groupDuplicate(name, vpcId);
  }
  if (count >= world.quotas.securityGroupsPerVpc) throw securityGroupLimitExceeded();

  const id = world.ids.next("sg");
  const sg: SecurityGroup = {
    id,
    ownerId: rs.account,
    region: rs.region,
    tags: input.tags,
    vpcId,
    name,
    description,
    isDefault: false,
    rules: [allowAllEgressRule(world, id)],
  };
  rs.securityGroups.set(id, sg);
  return sg;
}

/** The rule every new group starts with (the default group too): all traffic out to anywhere. */
export function allowAllEgressRule(world: World, groupId: string): SecurityGroupRule {
  return {
    id: world.ids.next("sgr"),
    groupId,
    isEgress: true,
    ipProtocol: "-1",
    fromPort: -1,
    toPort: -1,
    cidrIpv4: "0.0.0.0/0",
    tags: new Map(),
  };
}

/** Why a group cannot be deleted: an ENI uses it, or another group's rule references it. */
function groupInUse(world: World, rs: RegionState, sg: SecurityGroup): boolean {
  for (const eni of rs.networkInterfaces.values()) if (eni.securityGroupIds.includes(sg.id)) return true;
  for (const other of world.regionStates()) {
    if (other.region !== rs.region) continue;
    for (const g of other.securityGroups.values()) {
      if (g.id === sg.id) continue;
      if (g.rules.some((r) => r.referencedGroup?.groupId === sg.id)) return true;
    }
  }
  return false;
}

export function deleteSecurityGroup(
  world: World,
  rs: RegionState,
  groupId: string | undefined,
  groupName: string | undefined,
): SecurityGroup {
  const sg = resolveGroup(rs, groupId, groupName);
  if (sg.isDefault) throw cannotDeleteGroup(sg.id, sg.name);
  if (groupInUse(world, rs, sg)) throw dependencyViolation(`resource ${sg.id} has a dependent object`);
  rs.securityGroups.delete(sg.id);
  return sg;
}

// ---- permissions and rules ----------------------------------------------------------------------

export interface GroupPairInput {
  groupId?: string;
  groupName?: string;
  userId?: string;
  vpcId?: string;
  vpcPeeringConnectionId?: string;
  description?: string;
}

/** One IpPermission as the API takes it (camelCase, SDK-independent). */
export interface PermissionInput {
  ipProtocol?: string;
  fromPort?: number;
  toPort?: number;
  ipRanges?: { cidr?: string; description?: string }[];
  ipv6Ranges?: { cidr?: string; description?: string }[];
  prefixListIds?: { id?: string; description?: string }[];
  groupPairs?: GroupPairInput[];
}

/** The part of a rule that identifies it, with the source left out. */
interface RuleShape {
  ipProtocol: string;
  fromPort: number;
  toPort: number;
}

const PROTOCOL_NAMES: Record<string, string> = { "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6" };

/** AWS's canonical form of a security-group protocol. */
export function normalizeProtocol(p: string | undefined): string {
  if (p === undefined || p === "") {
    throw invalidParameterValue("Invalid value 'null' for protocol. VPC security group rules must specify protocols explicitly.");
  }
  const lower = p.toLowerCase();
  if (["tcp", "udp", "icmp", "icmpv6", "-1"].includes(lower)) return lower;
  if (/^\d{1,3}$/.test(p) && Number(p) <= 255) {
    const n = String(Number(p));
    return PROTOCOL_NAMES[n] ?? n;
  }
  throw invalidParameterValue(`Invalid value '${p}' for IP protocol. Unknown protocol.`);
}

function checkIcmpValue(kind: "type" | "code", v: number): void {
  if (!Number.isInteger(v) || v < -1 || v > 255) throw invalidParameterValue(`ICMP ${kind} (${v}) out of range`);
}

/** Validates protocol and ports into the stored shape (AWS's checks, in AWS's order). */
export function ruleShape(protocol: string | undefined, fromPort: number | undefined, toPort: number | undefined): RuleShape {
  const ipProtocol = normalizeProtocol(protocol);
  switch (ipProtocol) {
    case "tcp":
    case "udp": {
      if (fromPort === undefined || toPort === undefined) {
        throw invalidParameterValue("Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange.");
      }
      for (const port of [fromPort, toPort]) {
        if (!Number.isInteger(port) || port < 0 || port > 65535) {
          throw permissionPortOutOfRange(port);
        }
      }
      if (fromPort > toPort) {
        throw invalidParameterValue(`Invalid TCP/UDP port range: from port (${fromPort}) is greater than to port (${toPort}).`);
      }
      return { ipProtocol, fromPort, toPort };
    }
    case "icmp":
    case "icmpv6": {
      if (fromPort === undefined || toPort === undefined) {
        if (ipProtocol === "icmp") {
          throw invalidParameterValue("Invalid value 'Must specify both from and to ports with ICMP.' for portRange.");
        }
        return { ipProtocol, fromPort: fromPort ?? -1, toPort: toPort ?? -1 };
      }
      checkIcmpValue("type", fromPort);
      checkIcmpValue("code", toPort);
      if (fromPort === -1 && toPort !== -1) throw invalidParameterValue(`ICMP code (${toPort}) out of range`);
      return { ipProtocol, fromPort, toPort };
    }
    default:
      return { ipProtocol, fromPort: -1, toPort: -1 };
  }
}

function describeProtocol(r: RuleShape): string {
  switch (r.ipProtocol) {
    case "tcp":
    case "udp":
      return `${r.ipProtocol.toUpperCase()}, from port: ${r.fromPort}, to port: ${r.toPort}`;
    case "icmp":
    case "icmpv6":
      return `${r.ipProtocol.toUpperCase()}, type: ${r.fromPort}, code: ${r.toPort}`;
    case "-1":
      return "ALL";
    default:
      return `PROTOCOL ${r.ipProtocol}`;
  }
}

function ipv4Cidr(text: string | undefined): string {
  if (text === undefined || text === "") throw missingParameter("CidrIp");
  const c = parseCidr(text);
  if (!c) throw invalidParameterValue(`Value (${text}) for parameter cidrIp is invalid. This is not a valid CIDR block.`);
  if (c.hadHostBits) throw invalidParameterValue(`CIDR block ${text} is malformed`);
  return formatCidr(c);
}

/** A light IPv6 CIDR check (vpclab's network is IPv4; IPv6 rules are kept as records only). */
function ipv6Cidr(text: string | undefined): string {
  if (text === undefined || text === "") throw missingParameter("CidrIpv6");
  const m = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/.exec(text);
  const groups = m ? m[1]!.split(":") : [];
  const ok =
    m !== null &&
    Number(m[2]) <= 128 &&
    m[1]!.includes(":") &&
    groups.length <= 8 &&
    groups.every((g) => /^[0-9a-fA-F]{0,4}$/.test(g)) &&
    (m[1]!.match(/::/g)?.length ?? 0) <= 1;
  if (!ok) throw invalidParameterValue(`Value (${text}) for parameter cidrIpv6 is invalid. This is not a valid IPv6 CIDR block.`);
  return text.toLowerCase();
}

/** The active peering joining two VPCs of the same region, if any. */
function sameRegionPeering(
  world: World,
  a: { ownerId: string; region: string; vpcId: string },
  b: { ownerId: string; region: string; vpcId: string },
): VpcPeeringConnection | undefined {
  if (a.region !== b.region) return undefined;
  const same = (s: { ownerId: string; region: string; vpcId: string }, x: typeof a) =>
    s.ownerId === x.ownerId && s.region === x.region && s.vpcId === x.vpcId;
  for (const pcx of world.peerings.values()) {
    if (pcx.status.code !== "active") continue;
    if ((same(pcx.requester, a) && same(pcx.accepter, b)) || (same(pcx.requester, b) && same(pcx.accepter, a))) return pcx;
  }
  return undefined;
}

/** Resolves a referenced group: same VPC, or a VPC peered within the same region. */
function resolveReference(world: World, rs: RegionState, sg: SecurityGroup, pair: GroupPairInput): SecurityGroupRule["referencedGroup"] {
  const account = pair.userId && pair.userId !== "" ? pair.userId : rs.account;
  let target: SecurityGroup | undefined;
  if (pair.groupId !== undefined && pair.groupId !== "") {
    if (!pair.groupId.startsWith("sg-")) throw groupIdMalformed(pair.groupId);
    const owner = account === rs.account ? rs : peerRegionState(world, account, rs.region);
    target = owner?.securityGroups.get(pair.groupId);
    // A group may be named without its owner: look in the peers of this region too.
    if (!target && (pair.userId === undefined || pair.userId === "")) {
      for (const other of world.regionStates()) {
        if (other.region !== rs.region) continue;
        const g = other.securityGroups.get(pair.groupId);
        if (g) target = g;
      }
    }
    if (!target) throw groupNotFound(pair.groupId);
  } else if (pair.groupName !== undefined && pair.groupName !== "") {
    for (const g of rs.securityGroups.values()) if (g.vpcId === sg.vpcId && g.name === pair.groupName) target = g;
    if (!target) throw groupNameNotFoundInVpc(pair.groupName, sg.vpcId);
  } else {
    throw missingParameter("UserIdGroupPair.GroupId");
  }
  if (target.vpcId === sg.vpcId && target.ownerId === sg.ownerId) {
    return { groupId: target.id, userId: target.ownerId };
  }
  const pcx = sameRegionPeering(
    world,
    { ownerId: sg.ownerId, region: sg.region, vpcId: sg.vpcId },
    { ownerId: target.ownerId, region: target.region, vpcId: target.vpcId },
  );
  if (!pcx) throw groupsInDifferentNetworks();
  if (pair.vpcPeeringConnectionId && pair.vpcPeeringConnectionId !== pcx.id) throw groupsInDifferentNetworks();
  return { groupId: target.id, userId: target.ownerId, vpcId: target.vpcId, vpcPeeringConnectionId: pcx.id };
}

type Candidate = Omit<SecurityGroupRule, "id" | "tags">;

function sourceKey(r: Pick<SecurityGroupRule, "cidrIpv4" | "cidrIpv6" | "prefixListId" | "referencedGroup">): string {
  if (r.cidrIpv4 !== undefined) return `4:${r.cidrIpv4}`;
  if (r.cidrIpv6 !== undefined) return `6:${r.cidrIpv6}`;
  if (r.prefixListId !== undefined) return `pl:${r.prefixListId}`;
  return `sg:${r.referencedGroup?.groupId ?? ""}`;
}

function ruleKey(r: Candidate | SecurityGroupRule): string {
  return `${r.isEgress ? "e" : "i"}|${r.ipProtocol}|${r.fromPort}|${r.toPort}|${sourceKey(r)}`;
}

function peerText(r: Candidate): string {
  return r.cidrIpv4 ?? r.cidrIpv6 ?? r.prefixListId ?? r.referencedGroup?.groupId ?? "";
}

/** Expands permissions into one candidate rule per source, validating everything. */
function expand(
  world: World,
  rs: RegionState,
  sg: SecurityGroup,
  isEgress: boolean,
  perms: PermissionInput[],
  mode: "authorize" | "revoke",
): { candidate: Candidate; perm: PermissionInput }[] {
  const out: { candidate: Candidate; perm: PermissionInput }[] = [];
  for (const perm of perms) {
    const shape = ruleShape(perm.ipProtocol, perm.fromPort, perm.toPort);
    const base = { groupId: sg.id, isEgress, ...shape };
    const sources =
      (perm.ipRanges?.length ?? 0) + (perm.ipv6Ranges?.length ?? 0) + (perm.prefixListIds?.length ?? 0) + (perm.groupPairs?.length ?? 0);
    if (sources === 0) {
      throw missingParameter("IpPermissions.N.IpRanges, Ipv6Ranges, PrefixListIds or UserIdGroupPairs (a rule needs a source)");
    }
    for (const r of perm.ipRanges ?? []) {
      out.push({ perm, candidate: { ...base, cidrIpv4: ipv4Cidr(r.cidr), description: validateRuleDescription(r.description) } });
    }
    for (const r of perm.ipv6Ranges ?? []) {
      out.push({ perm, candidate: { ...base, cidrIpv6: ipv6Cidr(r.cidr), description: validateRuleDescription(r.description) } });
    }
    for (const p of perm.prefixListIds ?? []) {
      // Authorizing needs an existing list; a revoke matches the stored rule by id even if the list is gone.
      if (mode === "authorize") referencedPrefixList(rs, p.id);
      else if (p.id === undefined || p.id === "") throw missingParameter("PrefixListId");
      out.push({ perm, candidate: { ...base, prefixListId: p.id ?? "", description: validateRuleDescription(p.description) } });
    }
    for (const pair of perm.groupPairs ?? []) {
      const referencedGroup = resolveReference(world, rs, sg, pair);
      out.push({ perm, candidate: { ...base, referencedGroup, description: validateRuleDescription(pair.description) } });
    }
  }
  return out;
}

/** Rules per direction, counted per address family as AWS's quota is (group references count for both). */
function checkQuota(world: World, rs: RegionState, rules: (Candidate | SecurityGroupRule)[], isEgress: boolean): void {
  let v4 = 0;
  let v6 = 0;
  for (const r of rules) {
    if (r.isEgress !== isEgress) continue;
    if (r.cidrIpv6 !== undefined) v6++;
    else if (r.cidrIpv4 !== undefined) v4++;
    // A prefix list counts as its MaxEntries rules (vpclab's lists are IPv4 only).
    else if (r.prefixListId !== undefined) v4 += prefixListWeight(rs, r.prefixListId);
    else {
      v4++;
      v6++;
    }
  }
  if (v4 > world.quotas.rulesPerSecurityGroup || v6 > world.quotas.rulesPerSecurityGroup) throw rulesPerGroupLimitExceeded();
}

export function authorize(
  world: World,
  rs: RegionState,
  sg: SecurityGroup,
  isEgress: boolean,
  perms: PermissionInput[],
  tags: Tags,
): SecurityGroupRule[] {
  if (perms.length === 0) throw missingParameter("IpPermissions");
  const expanded = expand(world, rs, sg, isEgress, perms, "authorize");
  const existing = new Set(sg.rules.map(ruleKey));
  for (const { candidate } of expanded) {
    const key = ruleKey(candidate);
    if (existing.has(key)) throw permissionDuplicate(peerText(candidate), describeProtocol(candidate));
    existing.add(key);
  }
  const candidates = expanded.map((e) => e.candidate);
  checkQuota(world, rs, [...sg.rules, ...candidates], isEgress);
  const added = candidates.map((c) => ({ ...c, id: world.ids.next("sgr"), tags: new Map(tags) }));
  sg.rules.push(...added);
  return added;
}

export interface RevokeResult {
  revoked: SecurityGroupRule[];
  unknown: PermissionInput[];
}

export function revoke(
  world: World,
  rs: RegionState,
  sg: SecurityGroup,
  isEgress: boolean,
  perms: PermissionInput[] | undefined,
  ruleIds: string[] | undefined,
): RevokeResult {
  const hasPerms = perms !== undefined && perms.length > 0;
  const hasIds = ruleIds !== undefined && ruleIds.length > 0;
  if (hasPerms && hasIds) {
    throw invalidParameterCombination("You may specify either IpPermissions or SecurityGroupRuleIds, but not both.");
  }
  if (!hasPerms && !hasIds) throw missingParameter("IpPermissions or SecurityGroupRuleIds");
  const doomed = new Set<SecurityGroupRule>();
  const unknown: PermissionInput[] = [];
  if (hasIds) {
    for (const id of ruleIds!) {
      const rule = sg.rules.find((r) => r.id === id && r.isEgress === isEgress);
      if (!rule) {
        if (!id.startsWith("sgr-")) throw securityGroupRuleMalformed(id);
        throw securityGroupRuleNotFound(id);
      }
      doomed.add(rule);
    }
  } else {
    const byKey = new Map(sg.rules.map((r) => [ruleKey(r), r]));
    const lenient = rs.vpcs.get(sg.vpcId)?.isDefault === true;
    const unknownSet = new Set<PermissionInput>();
    for (const { candidate, perm } of expand(world, rs, sg, isEgress, perms!, "revoke")) {
      const rule = byKey.get(ruleKey(candidate));
      if (rule) doomed.add(rule);
      else if (lenient) unknownSet.add(perm);
      else throw permissionNotFound();
    }
    unknown.push(...unknownSet);
  }
  sg.rules = sg.rules.filter((r) => !doomed.has(r));
  return { revoked: [...doomed], unknown };
}

export interface RuleUpdate {
  ruleId?: string;
  rule?: {
    ipProtocol?: string;
    fromPort?: number;
    toPort?: number;
    cidrIpv4?: string;
    cidrIpv6?: string;
    prefixListId?: string;
    referencedGroupId?: string;
    description?: string;
  };
}

/** ModifySecurityGroupRules: each named rule is replaced in place (its id and tags are kept). */
export function modifyRules(world: World, rs: RegionState, groupId: string | undefined, updates: RuleUpdate[]): void {
  const sg = getSecurityGroup(rs, groupId);
  if (updates.length === 0) throw missingParameter("SecurityGroupRule");
  const replaced = new Map<SecurityGroupRule, Candidate>();
  for (const u of updates) {
    if (u.ruleId === undefined || u.ruleId === "") throw missingParameter("SecurityGroupRule.N.SecurityGroupRuleId");
    const rule = sg.rules.find((r) => r.id === u.ruleId);
    if (!rule) {
      if (!u.ruleId.startsWith("sgr-")) throw securityGroupRuleMalformed(u.ruleId);
      throw securityGroupRuleNotFound(u.ruleId);
    }
    if (!u.rule) throw missingParameter("SecurityGroupRule.N.SecurityGroupRule");
    const r = u.rule;
    const sources = [r.cidrIpv4, r.cidrIpv6, r.prefixListId, r.referencedGroupId].filter((s) => s !== undefined && s !== "");
    if (sources.length !== 1) {
      throw invalidParameterValue("A security group rule must specify exactly one of CidrIpv4, CidrIpv6, PrefixListId or ReferencedGroupId.");
    }
    const [expanded] = expand(
      world,
      rs,
      sg,
      rule.isEgress,
      [
        {
          ipProtocol: r.ipProtocol,
          fromPort: r.fromPort,
          toPort: r.toPort,
          ipRanges: r.cidrIpv4 ? [{ cidr: r.cidrIpv4, description: r.description }] : undefined,
          ipv6Ranges: r.cidrIpv6 ? [{ cidr: r.cidrIpv6, description: r.description }] : undefined,
          prefixListIds: r.prefixListId ? [{ id: r.prefixListId, description: r.description }] : undefined,
          groupPairs: r.referencedGroupId ? [{ groupId: r.referencedGroupId, description: r.description }] : undefined,
        },
      ],
      "authorize",
    );
    replaced.set(rule, expanded!.candidate);
  }
  // Duplicates are judged against the group as it will be after every replacement.
  const after = sg.rules.map((r) => replaced.get(r) ?? r);
  const seen = new Set<string>();
  for (const r of after) {
    const key = ruleKey(r);
    if (seen.has(key)) throw permissionDuplicate(peerText(r), describeProtocol(r));
    seen.add(key);
  }
  checkQuota(world, rs, after, false);
  checkQuota(world, rs, after, true);
  for (const [rule, c] of replaced) {
    rule.ipProtocol = c.ipProtocol;
    rule.fromPort = c.fromPort;
    rule.toPort = c.toPort;
    rule.cidrIpv4 = c.cidrIpv4;
    rule.cidrIpv6 = c.cidrIpv6;
    rule.prefixListId = c.prefixListId;
    rule.referencedGroup = c.referencedGroup;
    rule.description = c.description;
  }
}

/** UpdateSecurityGroupRuleDescriptions*: sets descriptions on existing rules (by id or by properties). */
export function updateRuleDescriptions(
  world: World,
  rs: RegionState,
  sg: SecurityGroup,
  isEgress: boolean,
  perms: PermissionInput[] | undefined,
  byId: { ruleId?: string; description?: string }[] | undefined,
): void {
  const changes = new Map<SecurityGroupRule, string | undefined>();
  if (byId && byId.length > 0) {
    for (const d of byId) {
      const rule = sg.rules.find((r) => r.id === d.ruleId && r.isEgress === isEgress);
      if (!rule) throw securityGroupRuleNotFound(d.ruleId ?? "");
      changes.set(rule, validateRuleDescription(d.description));
    }
  } else if (perms && perms.length > 0) {
    const byKey = new Map(sg.rules.map((r) => [ruleKey(r), r]));
    for (const { candidate } of expand(world, rs, sg, isEgress, perms, "revoke")) {
      const rule = byKey.get(ruleKey(candidate));
      if (!rule) throw permissionNotFound();
      changes.set(rule, candidate.description);
    }
  } else {
    throw missingParameter("IpPermissions or SecurityGroupRuleDescriptions");
  }
  for (const [rule, d] of changes) rule.description = d;
}

/** Name of a referenced group (for views and the `*.group-name` filters), when it still exists. */
export function referencedGroupName(world: World, rs: RegionState, ref: NonNullable<SecurityGroupRule["referencedGroup"]>): string | undefined {
  const owner = ref.userId === rs.account ? rs : peerRegionState(world, ref.userId, rs.region);
  return owner?.securityGroups.get(ref.groupId)?.name;
}
