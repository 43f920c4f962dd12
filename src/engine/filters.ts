/**
 * Packet filters compiled for the engine: security groups as small arrays of integer rules (stateful,
 * allow-only, any rule admits) and network ACLs as ordered first-match arrays (stateless, allow/deny).
 *
 * References: VPC User Guide "Security group rules" (one source or destination per rule; a referenced
 * group matches the private addresses of the network interfaces that belong to it; protocol -1 means
 * all traffic and ignores ports; for ICMP the "port range" is type and code, -1 meaning any), "Network
 * ACL rules" (evaluated in ascending rule number, the first match decides; `*` rule 32767 denies).
 *
 * Fidelity notes:
 * - A referenced group matches by the identity of the peer network interface (the engine knows which
 *   ENI sent or will receive the packet), not by address alone: two VPCs may reuse an address, and AWS
 *   matches group membership, not an address list. Traffic that crossed an internet gateway carries no
 *   group identity, as on AWS.
 * - A prefix-list source is compiled to one rule per CIDR block of the list's current version (the
 *   caller resolves the list: `compileSg`'s `expandList`); each compiled rule carries a copy of the
 *   stored rule whose `prefixListId` reads `pl-… entry <cidr>`, so an explanation names the list and
 *   the entry that matched. A list that is gone or empty matches nothing.
 * - IPv6 rules never match (vpclab's network is IPv4 only).
 * - Protocols other than tcp/udp/icmp match by number with no port test, as AWS does.
 */
import { parseCidr } from "../domain/cidr.js";
import type { NetworkAcl, NetworkAclEntry, SecurityGroup, SecurityGroupRule } from "../domain/types.js";

export const PROTO_ANY = -1;
export const PROTO_ICMP = 1;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;

/** Protocol names and numbers as SG rules and NACL entries carry them → IANA number (-1 = all). */
export function protocolNumber(p: string): number {
  switch (p.toLowerCase()) {
    case "-1":
    case "all":
      return PROTO_ANY;
    case "tcp":
      return PROTO_TCP;
    case "udp":
      return PROTO_UDP;
    case "icmp":
      return PROTO_ICMP;
    case "icmpv6":
      return 58;
    default: {
      const n = Number(p);
      return Number.isInteger(n) && n >= 0 && n <= 255 ? n : -2; // -2 never matches
    }
  }
}

/**
 * What a filter looks at in one packet. For tcp/udp `a` is the destination port; for icmp `a` is the
 * type and `b` the code.
 */
export interface PacketKey {
  proto: number;
  a: number;
  b: number;
}

export interface CompiledSgRule {
  rule: SecurityGroupRule;
  proto: number;
  from: number;
  to: number;
  /** CIDR as base and mask; mask -1 (with base -1) marks a rule that never matches by address. */
  base: number;
  mask: number;
  /** Referenced group id, when the rule names a group instead of a CIDR. */
  group?: string;
}

export interface CompiledSg {
  sg: SecurityGroup;
  ingress: CompiledSgRule[];
  egress: CompiledSgRule[];
}

function cidrParts(text: string | undefined): { base: number; mask: number } {
  const c = text === undefined ? undefined : parseCidr(text);
  if (!c) return { base: -1, mask: -1 };
  return { base: c.base, mask: c.prefix === 0 ? 0 : (0xffffffff << (32 - c.prefix)) >>> 0 };
}

/** The current CIDR blocks of a prefix list by id (undefined when there is no such list). */
export type PrefixListExpander = (prefixListId: string) => readonly string[] | undefined;

/** The label an expanded prefix-list rule or route carries: the list and the entry. */
export function prefixListEntryLabel(prefixListId: string, cidr: string): string {
  return `${prefixListId} entry ${cidr}`;
}

/**
 * One entry of a prefix-list rule. `rule` (what explanations print) is a copy of the stored rule whose
 * `prefixListId` reads `pl-… entry <cidr>`, made on first use: a 1,000-entry list in a hundred groups
 * would otherwise allocate a hundred thousand copies nobody reads.
 */
class PrefixListRule implements CompiledSgRule {
  readonly from: number;
  readonly to: number;
  private shown?: SecurityGroupRule;
  constructor(
    private readonly stored: SecurityGroupRule,
    private readonly cidr: string,
    readonly proto: number,
    readonly base: number,
    readonly mask: number,
  ) {
    this.from = stored.fromPort;
    this.to = stored.toPort;
  }
  get rule(): SecurityGroupRule {
    return (this.shown ??= { ...this.stored, prefixListId: prefixListEntryLabel(this.stored.prefixListId!, this.cidr) });
  }
}

export function compileSg(sg: SecurityGroup, expandList?: PrefixListExpander): CompiledSg {
  const ingress: CompiledSgRule[] = [];
  const egress: CompiledSgRule[] = [];
  for (const rule of sg.rules) {
    const proto = protocolNumber(rule.ipProtocol);
    if (rule.prefixListId !== undefined) {
      for (const cidr of expandList?.(rule.prefixListId) ?? []) {
        const { base, mask } = cidrParts(cidr);
        (rule.isEgress ? egress : ingress).push(new PrefixListRule(rule, cidr, proto, base, mask));
      }
      continue;
    }
    const { base, mask } = rule.referencedGroup ? { base: -1, mask: -1 } : cidrParts(rule.cidrIpv4);
    const c: CompiledSgRule = { rule, proto, from: rule.fromPort, to: rule.toPort, base, mask };
    if (rule.referencedGroup) c.group = rule.referencedGroup.groupId;
    (rule.isEgress ? egress : ingress).push(c);
  }
  return { sg, ingress, egress };
}

function portsMatch(proto: number, from: number, to: number, k: PacketKey): boolean {
  if (proto === PROTO_TCP || proto === PROTO_UDP) {
    if (from === -1 && to === -1) return true;
    return k.a >= from && k.a <= to;
  }
  if (proto === PROTO_ICMP) {
    if (from !== -1 && from !== k.a) return false;
    return to === -1 || to === k.b;
  }
  return true;
}

/**
 * The first rule of `rules` that admits the packet, or undefined. `peerAddr` is the other end's address
 * as this ENI sees it; `peerGroups` the other end's security groups when its identity is preserved.
 */
export function matchSgRules(
  rules: readonly CompiledSgRule[],
  k: PacketKey,
  peerAddr: number,
  peerGroups: readonly string[] | undefined,
): CompiledSgRule | undefined {
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i]!;
    if (r.proto !== PROTO_ANY && r.proto !== k.proto) continue;
    if (r.proto !== PROTO_ANY && !portsMatch(r.proto, r.from, r.to, k)) continue;
    if (r.group !== undefined) {
      if (peerGroups === undefined || !peerGroups.includes(r.group)) continue;
    } else if (r.mask === -1 || ((peerAddr & r.mask) >>> 0) !== r.base) continue;
    return r;
  }
  return undefined;
}

export interface CompiledAclEntry {
  entry: NetworkAclEntry;
  proto: number;
  from: number;
  to: number;
  base: number;
  mask: number;
  allow: boolean;
}

export interface CompiledAcl {
  acl: NetworkAcl;
  inbound: CompiledAclEntry[];
  outbound: CompiledAclEntry[];
}

export function compileAcl(acl: NetworkAcl): CompiledAcl {
  const inbound: CompiledAclEntry[] = [];
  const outbound: CompiledAclEntry[] = [];
  for (const entry of acl.entries) {
    const proto = protocolNumber(entry.protocol);
    let from = -1;
    let to = -1;
    if (proto === PROTO_TCP || proto === PROTO_UDP) {
      if (entry.portRange) {
        from = entry.portRange.from;
        to = entry.portRange.to;
      }
    } else if (proto === PROTO_ICMP && entry.icmp) {
      from = entry.icmp.type;
      to = entry.icmp.code;
    }
    const { base, mask } = cidrParts(entry.cidrBlock);
    (entry.egress ? outbound : inbound).push({ entry, proto, from, to, base, mask, allow: entry.ruleAction === "allow" });
  }
  const byNumber = (x: CompiledAclEntry, y: CompiledAclEntry) => x.entry.ruleNumber - y.entry.ruleNumber;
  inbound.sort(byNumber);
  outbound.sort(byNumber);
  return { acl, inbound, outbound };
}

/**
 * The entry that decides the packet (first match by rule number), or undefined when none matches (AWS
 * always has the `*` entry; a record without it denies by default too). `addr` is the remote address:
 * the source for inbound entries, the destination for outbound ones.
 */
export function matchAcl(entries: readonly CompiledAclEntry[], k: PacketKey, addr: number): CompiledAclEntry | undefined {
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.mask === -1 || ((addr & e.mask) >>> 0) !== e.base) continue;
    if (e.proto !== PROTO_ANY) {
      if (e.proto !== k.proto) continue;
      if (!portsMatch(e.proto, e.from, e.to, k)) continue;
    }
    return e;
  }
  return undefined;
}
