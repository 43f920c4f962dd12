/**
 * Network ACLs: creation (a new ACL denies everything until entries are added), deletion, numbered
 * entries per direction with the implicit `*` deny (rule 32767), and moving a subnet between the
 * ACLs of its VPC.
 *
 * References: EC2 API CreateNetworkAcl, DeleteNetworkAcl, CreateNetworkAclEntry,
 * ReplaceNetworkAclEntry, DeleteNetworkAclEntry, ReplaceNetworkAclAssociation; VPC User Guide
 * "Control subnet traffic with network access control lists" (rules evaluated in rule-number order,
 * first match wins; rule numbers 1–32766; the `*` rule cannot be changed) and "Amazon VPC quotas"
 * (20 rules per ACL per direction by default).
 *
 * Fidelity notes:
 * - Entries are kept sorted as DescribeNetworkAcls lists them: egress before ingress, each by rule
 *   number, with the `*` deny (32767) last in its direction, then, when the VPC has IPv6, the IPv6 `*`
 *   deny (32768; domain/ipv6.ts adds it, and the default ACL's rule 101 allowing `::/0`).
 * - The API takes protocols as numbers (or -1); names such as `tcp` are refused as AWS refuses them
 *   (the AWS CLI converts `--protocol tcp` to 6 before sending).
 * - For protocols other than 6, 17, 1 and 58 the port range and ICMP type/code are ignored and not
 *   stored, as AWS lets all ports through for them.
 * - A CIDR with host bits set is canonicalised.
 * - The wording of the default-ACL deletion error and of a missing port range is not documented; the
 *   codes follow AWS.
 */
import type { RegionState, World } from "../state/world.js";
import type { NetworkAcl, NetworkAclEntry, Tags } from "./types.js";
import { formatCidr, parseCidr } from "./cidr.js";
import {
  associationNotFound,
  dependencyViolation,
  invalidParameterValue,
  missingParameter,
  networkAclNotFound,
  aclEntryExists,
  aclEntryNotFound,
  aclEntryLimitExceeded,
  aclLimitExceeded,
} from "./errors.js";
import { getVpc } from "./lookup.js";

export const IMPLICIT_DENY_RULE = 32767;

export function getNetworkAcl(rs: RegionState, id: string | undefined): NetworkAcl {
  const acl = id === undefined ? undefined : rs.networkAcls.get(id);
  if (!acl) throw networkAclNotFound(id ?? "");
  return acl;
}

/** DescribeNetworkAcls order: egress first, then ingress; each by rule number. */
export function sortEntries(entries: NetworkAclEntry[]): void {
  entries.sort((a, b) => (a.egress === b.egress ? a.ruleNumber - b.ruleNumber : a.egress ? -1 : 1));
}

export function createNetworkAcl(world: World, rs: RegionState, vpcId: string | undefined, tags: Tags): NetworkAcl {
  const vpc = getVpc(rs, vpcId);
  let n = 0;
  for (const acl of rs.networkAcls.values()) if (acl.vpcId === vpc.id) n++;
  if (n >= world.quotas.networkAclsPerVpc) throw aclLimitExceeded();
  const id = world.ids.next("acl");
  const deny = (egress: boolean): NetworkAclEntry => ({
    ruleNumber: IMPLICIT_DENY_RULE,
    egress,
    protocol: "-1",
    ruleAction: "deny",
    cidrBlock: "0.0.0.0/0",
  });
  const acl: NetworkAcl = {
    id,
    ownerId: rs.account,
    region: rs.region,
    tags,
    vpcId: vpc.id,
    isDefault: false,
    entries: [deny(true), deny(false)],
    associations: [],
  };
  // A VPC with IPv6 gives every ACL the IPv6 `*` deny too (rule 32768, domain/ipv6.ts).
  if (vpc.ipv6CidrBlocks?.some((b) => b.state === "associated" || b.state === "associating")) {
    acl.entries = [deny(true), { ruleNumber: 32768, egress: true, protocol: "-1", ruleAction: "deny", ipv6CidrBlock: "::/0" }, deny(false), { ruleNumber: 32768, egress: false, protocol: "-1", ruleAction: "deny", ipv6CidrBlock: "::/0" }];
  }
  rs.networkAcls.set(id, acl);
  return acl;
}

export function deleteNetworkAcl(world: World, rs: RegionState, id: string | undefined): void {
  const acl = getNetworkAcl(rs, id);
  if (acl.isDefault) throw invalidParameterValue(`cannot delete default network ACL ${acl.id}`);
  if (acl.associations.length > 0) {
    throw dependencyViolation(`The networkAcl '${acl.id}' has dependencies and cannot be deleted.`);
  }
  rs.networkAcls.delete(acl.id);
}

export interface EntryInput {
  ruleNumber?: number;
  protocol?: string;
  ruleAction?: string;
  egress?: boolean;
  cidrBlock?: string;
  ipv6CidrBlock?: string;
  icmp?: { type?: number; code?: number };
  portRange?: { from?: number; to?: number };
}

function checkRuleNumber(n: number | undefined): number {
  if (n === undefined) throw missingParameter("ruleNumber");
  if (!Number.isInteger(n) || n < 1 || n > 32766) {
    throw invalidParameterValue(`Value (${n}) for parameter ruleNumber is invalid. Rulenumber must be in range 1..32766`);
  }
  return n;
}

function normalizeAclProtocol(p: string | undefined): string {
  if (p === undefined || p === "") throw missingParameter("protocol");
  if (p === "-1") return p;
  if (/^\d{1,3}$/.test(p) && Number(p) <= 255) return String(Number(p));
  throw invalidParameterValue(`Invalid value '${p}' for IP protocol. Unknown protocol.`);
}

/** Validates an entry completely (nothing is changed here). */
function buildEntry(input: EntryInput): NetworkAclEntry {
  const ruleNumber = checkRuleNumber(input.ruleNumber);
  const protocol = normalizeAclProtocol(input.protocol);
  if (input.ruleAction !== "allow" && input.ruleAction !== "deny") {
    throw invalidParameterValue(`Value (${input.ruleAction}) for parameter ruleAction is invalid. Valid values: allow | deny`);
  }
  if (input.egress === undefined) throw missingParameter("egress");
  const entry: NetworkAclEntry = { ruleNumber, egress: input.egress, protocol, ruleAction: input.ruleAction };
  const hasV4 = input.cidrBlock !== undefined && input.cidrBlock !== "";
  const hasV6 = input.ipv6CidrBlock !== undefined && input.ipv6CidrBlock !== "";
  if (hasV4 === hasV6) {
    throw hasV4
      ? invalidParameterValue("You may specify either cidrBlock or ipv6CidrBlock, but not both.")
      : missingParameter("cidrBlock or ipv6CidrBlock");
  }
  if (hasV4) {
    const c = parseCidr(input.cidrBlock!);
    if (!c) {
      throw invalidParameterValue(`Value (${input.cidrBlock}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`);
    }
    entry.cidrBlock = formatCidr(c);
  } else {
    const v6 = input.ipv6CidrBlock!;
    if (!/^[0-9a-fA-F:]+\/\d{1,3}$/.test(v6) || !v6.includes(":") || Number(v6.split("/")[1]) > 128) {
      throw invalidParameterValue(`Value (${v6}) for parameter ipv6CidrBlock is invalid. This is not a valid IPv6 CIDR block.`);
    }
    entry.ipv6CidrBlock = v6.toLowerCase();
  }
  if (protocol === "6" || protocol === "17") {
    const pr = input.portRange;
    if (pr === undefined || pr.from === undefined || pr.to === undefined) {
      throw missingParameter("portRange (the From and To ports are required for TCP (6) and UDP (17))");
    }
    for (const port of [pr.from, pr.to]) {
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw invalidParameterValue(`Value (${port}) for parameter portRange is invalid. Ports must be in range 0..65535`);
      }
    }
    if (pr.from > pr.to) {
      throw invalidParameterValue(`Value (${pr.from}-${pr.to}) for parameter portRange is invalid. From port must not be greater than To port`);
    }
    entry.portRange = { from: pr.from, to: pr.to };
  } else if (protocol === "1" || protocol === "58") {
    const ic = input.icmp;
    if (ic === undefined || ic.type === undefined || ic.code === undefined) {
      if (protocol === "1") throw missingParameter("icmpTypeCode (the ICMP Type and Code are required for ICMP (1))");
    } else {
      for (const [name, v] of [["type", ic.type], ["code", ic.code]] as const) {
        if (!Number.isInteger(v) || v < -1 || v > 255) {
          throw invalidParameterValue(`Value (${v}) for parameter icmpTypeCode.${name} is invalid. Must be in range -1..255`);
        }
      }
      entry.icmp = { type: ic.type, code: ic.code };
    }
  }
  return entry;
}

function entriesIn(acl: NetworkAcl, egress: boolean): NetworkAclEntry[] {
  return acl.entries.filter((e) => e.egress === egress && e.ruleNumber !== IMPLICIT_DENY_RULE);
}

export function createNetworkAclEntry(world: World, rs: RegionState, aclId: string | undefined, input: EntryInput): void {
  const acl = getNetworkAcl(rs, aclId);
  const entry = buildEntry(input);
  const same = entriesIn(acl, entry.egress);
  if (same.some((e) => e.ruleNumber === entry.ruleNumber)) throw aclEntryExists(entry.ruleNumber);
  if (same.length >= world.quotas.rulesPerNetworkAcl) throw aclEntryLimitExceeded();
  acl.entries.push(entry);
  sortEntries(acl.entries);
}

export function replaceNetworkAclEntry(world: World, rs: RegionState, aclId: string | undefined, input: EntryInput): void {
  const acl = getNetworkAcl(rs, aclId);
  const entry = buildEntry(input);
  const i = acl.entries.findIndex((e) => e.egress === entry.egress && e.ruleNumber === entry.ruleNumber);
  if (i < 0) throw aclEntryNotFound(entry.ruleNumber, entry.egress);
  acl.entries[i] = entry;
}

export function deleteNetworkAclEntry(
  world: World,
  rs: RegionState,
  aclId: string | undefined,
  ruleNumber: number | undefined,
  egress: boolean | undefined,
): void {
  const acl = getNetworkAcl(rs, aclId);
  const n = checkRuleNumber(ruleNumber);
  if (egress === undefined) throw missingParameter("egress");
  const i = acl.entries.findIndex((e) => e.egress === egress && e.ruleNumber === n);
  if (i < 0) throw aclEntryNotFound(n, egress);
  acl.entries.splice(i, 1);
}

/** Moves the subnet of an association to another ACL of the same VPC; returns the new association id. */
export function replaceNetworkAclAssociation(
  world: World,
  rs: RegionState,
  associationId: string | undefined,
  aclId: string | undefined,
): string {
  let from: NetworkAcl | undefined;
  let index = -1;
  for (const acl of rs.networkAcls.values()) {
    const i = acl.associations.findIndex((a) => a.id === associationId);
    if (i >= 0) {
      from = acl;
      index = i;
      break;
    }
  }
  if (!from) throw associationNotFound(associationId ?? "");
  const to = getNetworkAcl(rs, aclId);
  const subnetId = from.associations[index]!.subnetId;
  if (to.vpcId !== from.vpcId) {
    throw invalidParameterValue(`Network ACL ${to.id} and subnet ${subnetId} belong to different networks`);
  }
  const id = world.ids.next("aclassoc");
  from.associations.splice(index, 1);
  to.associations.push({ id, subnetId });
  return id;
}

/** The ACL a subnet is associated with (every subnet has exactly one). */
export function aclOfSubnet(rs: RegionState, subnetId: string): NetworkAcl | undefined {
  for (const acl of rs.networkAcls.values()) if (acl.associations.some((a) => a.subnetId === subnetId)) return acl;
  return undefined;
}
