/**
 * IPv6 in the API: a VPC's /56 from the region's Amazon pool, a subnet's /64 inside it (and
 * IPv6-native subnets), IPv6 addresses on network interfaces, and the checks AWS makes on each.
 *
 * References: EC2 API CreateVpc, AssociateVpcCidrBlock, DisassociateVpcCidrBlock, CreateSubnet,
 * AssociateSubnetCidrBlock, DisassociateSubnetCidrBlock, ModifySubnetAttribute, AssignIpv6Addresses,
 * UnassignIpv6Addresses; VPC User Guide "IPv6 support for your VPC", "Add IPv6 support for your VPC",
 * "IPv6-only subnets", "IP addressing" (a subnet's IPv6 block is a /64; a VPC gets a /56).
 *
 * Fidelity notes:
 * - A subnet's `EnableDns64` is stored and shown only: vpclab has no DNS resolver, so nothing answers
 *   AAAA queries with synthesized 64:ff9b:: addresses. NAT64 itself is modelled in the network
 *   (engine/nat.ts): name 64:ff9b::a.b.c.d yourself.
 * - The Amazon pool: each region has its own /32 inside Amazon's 2600:1f00::/24 (ARIN's allocation
 *   to Amazon), chosen by the region's position in model/regions.ts: `2600:1f10::/32` for the first
 *   region, `2600:1f11::/32` for the next, … So pools never overlap; AWS's real per-region ranges
 *   (ip-ranges.json) differ. A VPC gets the first /56, in a fixed scrambled order of the pool, that no
 *   VPC of any account in that region holds: blocks look scattered as AWS's do, and the same state
 *   always gives the same block (AWS picks at random).
 * - `Ipv6CidrBlockNetworkBorderGroup` is accepted only when it names the region itself (vpclab models
 *   no Local Zones) and only with `AmazonProvidedIpv6CidrBlock`.
 * - BYOIP pools and IPAM are not modelled: vpclab answers as AWS answers an account that has none
 *   (`InvalidIpv6PoolID.NotFound`, `InvalidIpamPoolId.NotFound`). `Ipv6CidrBlock` without `Ipv6Pool`
 *   is refused with MissingParameter, as the API reference requires both.
 * - One Amazon block per VPC and network border group (AWS: "one IPv6 CIDR block association per
 *   network border group"; vpclab's only group is the region), within AWS's quota of 5. Associations answer `associating` and settle to
 *   `associated` on the next request (delay `ipv6.associated`); disassociation answers `disassociating`
 *   and settles to `disassociated` (delay `ipv6.disassociated`); a disassociated block stays listed, as
 *   AWS shows it for a while, until the VPC or subnet associates a new one.
 * - The VPC's /56 gets a `local` route in every route table of the VPC, which goes with the block.
 * - Interface addresses: the interface id part is drawn from a hash of the interface id and a counter
 *   (deterministic, random-looking as AWS's are), never one of the first four or the last address of
 *   the /64 (reserved, as for IPv4). At most the instance type's IPv6-per-interface limit
 *   (model/instance-types.json); a standalone interface is held to the IPv4-per-interface quota of 50.
 * - IPv6-native subnets (no IPv4 block, resource-name hostnames): an interface there has no private
 *   IPv4 address (PrivateIpAddress absent, PrivateIpAddresses empty) and at least one IPv6 address
 *   (AssignIpv6AddressOnCreation is forced true; an explicit Ipv6AddressCount 0 is refused); asking for
 *   private IPv4 addresses or a public IPv4 address there is refused. Instances there must be of a
 *   Nitro instance type (hypervisor "nitro" in model/instance-types.json), as AWS requires (refused
 *   with InvalidParameterCombination; AWS's exact code and wording were not found documented); their
 *   PrivateDnsName is resource-name based (i-xxxx.region.compute.internal). Unassigning the last IPv6
 *   address of such an interface is not prevented (not modelled). IPv6 prefix delegation (`Ipv6Prefixes`, `Ipv6PrefixCount`) and
 *   `EnablePrimaryIpv6` are refused.
 * - The network engine does not route IPv6 yet (README, "IPv6"): these records are API state only.
 */
import { defineTransition, type RegionState, type World } from "../state/world.js";
import type { NetworkInterface, Subnet, SubnetIpv6Association, Tags, Vpc, VpcIpv6Association } from "./types.js";
import { REGIONS } from "../model/regions.js";
import {
  cidr6Of,
  containsCidr6,
  containsIp6,
  formatCidr6,
  formatIp6,
  lastOf6,
  overlaps6,
  parseCidr6,
  parseIp6,
  subnet6,
  type Cidr6,
  type Ip6,
} from "./cidr6.js";
import {
  cidrLimitExceeded,
  ipv6BorderGroupTaken,
  dependencyViolation,
  invalidIpv6Address,
  invalidIpv6Cidr,
  invalidNetworkBorderGroup,
  invalidParameterCombination,
  ipamPoolNotFound,
  ipv6AddressInUse,
  ipv6AddressLimit,
  ipv6AddressNotAssigned,
  ipv6AddressOutsideSubnet,
  ipv6CountAndAddresses,
  ipv6NativeLastBlock,
  ipv6NativeNeedsIpv6,
  ipv6PoolNotFound,
  missingParameter,
  subnetConflict,
  subnetCidrAssociationNotFound,
  subnetIpv6AlreadyAssociated,
  subnetIpv6InUse,
  subnetIpv6Range,
  subnetIpv6Size,
  subnetLimitExceeded,
  subnetNoIpv6Addresses,
  vpcHasNoIpv6,
  invalidParameterValue,
  ipv6PrefixesUnsupported,
  ipv6NativeNeedsNitro,
  ipv6NativeNeedsIpv6Address,
  primaryIpv6Unsupported,
} from "./errors.js";
import { addRoute } from "./route-tables.js";
import { createSubnetRecord, resolveZone } from "./subnets.js";
import { instanceTypeInfo } from "./instance-types.js";

/** AWS's default quota of IPv6 CIDR blocks per VPC. */
export const IPV6_BLOCKS_PER_VPC = 5;
/** Interfaces not attached to an instance: AWS's IPv4 per-interface limit of the largest types. */
const STANDALONE_IPV6_LIMIT = 50;

const live = (s: { state: string }) => s.state === "associating" || s.state === "associated";

export function liveVpcIpv6(vpc: Vpc): VpcIpv6Association[] {
  return (vpc.ipv6CidrBlocks ?? []).filter(live);
}

export function liveSubnetIpv6(subnet: Subnet): SubnetIpv6Association[] {
  return (subnet.ipv6CidrBlocks ?? []).filter(live);
}

/** True for a route whose destination is an IPv6 block (RFC 5952 text contains `:`). */
export function isIpv6Route(r: { destinationCidr: string }): boolean {
  return r.destinationCidr.includes(":");
}

// ---- the Amazon pool ------------------------------------------------------------------------------

/** The region's Amazon IPv6 pool: a /32 inside 2600:1f00::/24, one per region, never overlapping. */
export function amazonPool(region: string): Cidr6 {
  const i = REGIONS.findIndex((r) => r.name === region);
  const n = 0x10 + (i < 0 ? REGIONS.length : i);
  return cidr6Of(`2600:1f${n.toString(16).padStart(2, "0")}::/32`);
}

function allocateAmazonBlock(world: World, region: string): string {
  const used = new Set<string>();
  for (const rs of world.regionStates()) {
    if (rs.region !== region) continue;
    for (const v of rs.vpcs.values()) for (const b of v.ipv6CidrBlocks ?? []) used.add(b.cidr);
  }
  const pool = amazonPool(region);
  // The k-th candidate is a fixed permutation of the pool's 2^24 /56s (an odd multiplier is a
  // bijection modulo 2^24), so blocks look scattered, as AWS's do, yet the same state gives the same one.
  for (let k = 0; k < 2 ** 24; k++) {
    const i = (Math.imul(k, 0x5bd1e995) + 0x3a7c1) & 0xffffff;
    const text = formatCidr6(subnet6(pool, 56, i)!);
    if (!used.has(text)) return text;
  }
  throw cidrLimitExceeded(region, 2 ** 24);
}

// ---- VPCs -----------------------------------------------------------------------------------------

export interface VpcIpv6Request {
  amazonProvided?: boolean;
  ipv6CidrBlock?: string;
  ipv6Pool?: string;
  networkBorderGroup?: string;
  ipamPoolId?: string;
  netmaskLength?: number;
}

/** Validates the IPv6 parameters of CreateVpc / AssociateVpcCidrBlock; true when an Amazon block is wanted. */
export function checkVpcIpv6Request(region: string, r: VpcIpv6Request): boolean {
  if (r.ipamPoolId !== undefined) throw ipamPoolNotFound(r.ipamPoolId);
  if (r.netmaskLength !== undefined) throw missingParameter("ipv6IpamPoolId");
  if (r.ipv6Pool !== undefined) {
    if (r.amazonProvided) {
      throw invalidParameterCombination("The parameter amazonProvidedIpv6CidrBlock cannot be used with the parameter ipv6Pool");
    }
    throw ipv6PoolNotFound(r.ipv6Pool);
  }
  if (r.ipv6CidrBlock !== undefined) {
    if (!parseCidr6(r.ipv6CidrBlock)) throw invalidIpv6Cidr(r.ipv6CidrBlock);
    throw missingParameter("ipv6Pool");
  }
  if (r.networkBorderGroup !== undefined) {
    if (!r.amazonProvided) {
      throw invalidParameterCombination("The parameter ipv6CidrBlockNetworkBorderGroup requires amazonProvidedIpv6CidrBlock to be true");
    }
    if (r.networkBorderGroup !== region) throw invalidNetworkBorderGroup(r.networkBorderGroup, region);
  }
  return r.amazonProvided === true;
}

defineTransition("ipv6.vpc.associated", (world, t) => {
  const b = world.existingRegion(t.account, t.region)?.vpcs.get(t.id)?.ipv6CidrBlocks?.find((x) => x.associationId === t.data?.assoc);
  if (b?.state === "associating") b.state = "associated";
});
defineTransition("ipv6.vpc.disassociated", (world, t) => {
  const b = world.existingRegion(t.account, t.region)?.vpcs.get(t.id)?.ipv6CidrBlocks?.find((x) => x.associationId === t.data?.assoc);
  if (b?.state === "disassociating") b.state = "disassociated";
});
defineTransition("ipv6.subnet.associated", (world, t) => {
  const b = world.existingRegion(t.account, t.region)?.subnets.get(t.id)?.ipv6CidrBlocks?.find((x) => x.associationId === t.data?.assoc);
  if (b?.state === "associating") b.state = "associated";
});
defineTransition("ipv6.subnet.disassociated", (world, t) => {
  const b = world.existingRegion(t.account, t.region)?.subnets.get(t.id)?.ipv6CidrBlocks?.find((x) => x.associationId === t.data?.assoc);
  if (b?.state === "disassociating") b.state = "disassociated";
});

/**
 * Checks that the VPC can take one more Amazon block in `group` (call before any write): one IPv6
 * association per network border group (AssociateVpcCidrBlock's reference), within the per-VPC quota.
 */
export function checkVpcIpv6Room(vpc: Vpc, group: string): void {
  const live = liveVpcIpv6(vpc);
  if (live.some((b) => b.networkBorderGroup === group)) throw ipv6BorderGroupTaken(vpc.id, group);
  if (live.length >= IPV6_BLOCKS_PER_VPC) throw cidrLimitExceeded(vpc.id, IPV6_BLOCKS_PER_VPC);
}

/** Gives the VPC a /56 from the region's Amazon pool, with its local route in every route table. */
export function associateAmazonIpv6(world: World, rs: RegionState, vpc: Vpc): VpcIpv6Association {
  checkVpcIpv6Room(vpc, rs.region);
  const cidr = allocateAmazonBlock(world, rs.region);
  const assoc: VpcIpv6Association = {
    associationId: world.ids.next("vpc-cidr-assoc"),
    cidr,
    state: "associating",
    networkBorderGroup: rs.region,
  };
  vpc.ipv6CidrBlocks = [...(vpc.ipv6CidrBlocks ?? []).filter((b) => b.state !== "disassociated"), assoc];
  for (const rt of rs.routeTables.values()) {
    if (rt.vpcId === vpc.id) addRoute(rt, { destinationCidr: cidr, target: { kind: "local" }, origin: "CreateRouteTable" });
  }
  world.after("ipv6.associated", { kind: "ipv6.vpc.associated", id: vpc.id, account: rs.account, region: rs.region, data: { assoc: assoc.associationId } });
  addIpv6DefaultRules(world, rs, vpc);
  return assoc;
}

/** The implicit IPv6 `*` entry's rule number, as DescribeNetworkAcls shows it. */
export const IMPLICIT_DENY_RULE_IPV6 = 32768;

/**
 * What AWS adds when a VPC gets an IPv6 block (VPC User Guide, "Default network ACL" and "Default
 * security groups"): the default network ACL allows all IPv6 in and out (rule 101, `::/0`), every ACL
 * of the VPC gets the IPv6 `*` deny (32768), and the default security group an outbound rule for all
 * IPv6 traffic. Added once (a second block or a re-association adds nothing); kept when the block goes.
 */
export function addIpv6DefaultRules(world: World, rs: RegionState, vpc: Vpc): void {
  for (const acl of rs.networkAcls.values()) {
    if (acl.vpcId !== vpc.id || acl.entries.some((e) => e.ipv6CidrBlock !== undefined && e.ruleNumber === IMPLICIT_DENY_RULE_IPV6)) continue;
    for (const egress of [true, false]) {
      if (acl.isDefault && !acl.entries.some((e) => e.egress === egress && e.ruleNumber === 101)) {
        acl.entries.push({ ruleNumber: 101, egress, protocol: "-1", ruleAction: "allow", ipv6CidrBlock: "::/0" });
      }
      acl.entries.push({ ruleNumber: IMPLICIT_DENY_RULE_IPV6, egress, protocol: "-1", ruleAction: "deny", ipv6CidrBlock: "::/0" });
    }
    acl.entries.sort((a, b) => (a.egress === b.egress ? a.ruleNumber - b.ruleNumber : a.egress ? -1 : 1));
  }
  for (const sg of rs.securityGroups.values()) {
    if (sg.vpcId !== vpc.id || !sg.isDefault || sg.rules.some((r) => r.isEgress && r.cidrIpv6 === "::/0" && r.ipProtocol === "-1")) continue;
    sg.rules.push({ id: world.ids.next("sgr"), groupId: sg.id, isEgress: true, ipProtocol: "-1", fromPort: -1, toPort: -1, cidrIpv6: "::/0", tags: new Map() });
  }
}

/** The VPC IPv6 association with this id, if any (DisassociateVpcCidrBlock tries IPv6 first). */
export function findVpcIpv6Association(rs: RegionState, associationId: string | undefined): { vpc: Vpc; assoc: VpcIpv6Association } | undefined {
  for (const vpc of rs.vpcs.values()) {
    const assoc = vpc.ipv6CidrBlocks?.find((b) => b.associationId === associationId);
    if (assoc) return { vpc, assoc };
  }
  return undefined;
}

export function disassociateVpcIpv6(world: World, rs: RegionState, vpc: Vpc, assoc: VpcIpv6Association): VpcIpv6Association {
  if (!live(assoc)) return assoc;
  const block = cidr6Of(assoc.cidr);
  for (const s of rs.subnets.values()) {
    if (s.vpcId === vpc.id && liveSubnetIpv6(s).some((b) => containsCidr6(block, cidr6Of(b.cidr)))) {
      throw dependencyViolation(`The vpc CIDR block '${assoc.cidr}' has dependencies and cannot be disassociated.`);
    }
  }
  assoc.state = "disassociating";
  for (const rt of rs.routeTables.values()) {
    if (rt.vpcId === vpc.id) rt.routes = rt.routes.filter((r) => !(r.target.kind === "local" && r.destinationCidr === assoc.cidr));
  }
  world.after("ipv6.disassociated", { kind: "ipv6.vpc.disassociated", id: vpc.id, account: rs.account, region: rs.region, data: { assoc: assoc.associationId } });
  return assoc;
}

/** The local IPv6 routes a new route table of the VPC starts with. */
export function ipv6LocalRoutes(vpc: Vpc): string[] {
  return liveVpcIpv6(vpc).map((b) => b.cidr);
}

// ---- subnets --------------------------------------------------------------------------------------

/** Validates a subnet IPv6 block against its VPC and the VPC's other subnets; the canonical text. */
export function checkSubnetIpv6Cidr(rs: RegionState, vpc: Vpc, text: string, exceptSubnet?: string): string {
  const c = parseCidr6(text);
  if (!c) throw invalidIpv6Cidr(text);
  const cidr = formatCidr6(c);
  const blocks = liveVpcIpv6(vpc);
  if (blocks.length === 0) throw vpcHasNoIpv6(vpc.id);
  if (c.prefix !== 64) throw subnetIpv6Size(cidr);
  if (!blocks.some((b) => containsCidr6(cidr6Of(b.cidr), c))) throw subnetIpv6Range(cidr);
  for (const s of rs.subnets.values()) {
    if (s.vpcId !== vpc.id || s.id === exceptSubnet) continue;
    if (liveSubnetIpv6(s).some((b) => overlaps6(cidr6Of(b.cidr), c))) throw subnetConflict(cidr);
  }
  return cidr;
}

function addSubnetIpv6(world: World, rs: RegionState, subnet: Subnet, cidr: string): SubnetIpv6Association {
  const assoc: SubnetIpv6Association = { associationId: world.ids.next("subnet-cidr-assoc"), cidr, state: "associating" };
  subnet.ipv6CidrBlocks = [...(subnet.ipv6CidrBlocks ?? []).filter((b) => b.state !== "disassociated"), assoc];
  world.after("ipv6.associated", { kind: "ipv6.subnet.associated", id: subnet.id, account: rs.account, region: rs.region, data: { assoc: assoc.associationId } });
  return assoc;
}

/** CreateSubnet's IPv6 part: validation only (the caller creates the subnet, then `giveSubnetIpv6`). */
export function checkCreateSubnetIpv6(rs: RegionState, vpc: Vpc, ipv4: string | undefined, ipv6: string | undefined, native: boolean | undefined): string | undefined {
  if (native && (ipv6 === undefined || (ipv4 !== undefined && ipv4 !== ""))) throw ipv6NativeNeedsIpv6();
  return ipv6 === undefined ? undefined : checkSubnetIpv6Cidr(rs, vpc, ipv6);
}

export function giveSubnetIpv6(world: World, rs: RegionState, subnet: Subnet, cidr: string): SubnetIpv6Association {
  return addSubnetIpv6(world, rs, subnet, cidr);
}

/** An IPv6-native subnet: no IPv4 block (`cidr` empty), resource-name hostnames, as AWS requires. */
export function createIpv6NativeSubnet(
  world: World,
  rs: RegionState,
  vpc: Vpc,
  cidr: string,
  zoneName: string | undefined,
  zoneId: string | undefined,
  tags: Tags,
): Subnet {
  const zone = resolveZone(rs.region, zoneName, zoneId);
  let count = 0;
  for (const s of rs.subnets.values()) if (s.vpcId === vpc.id) count++;
  if (count >= world.quotas.subnetsPerVpc) throw subnetLimitExceeded();
  const subnet = createSubnetRecord(world, rs, vpc, { cidr: "", zone, tags });
  subnet.ipv6Native = true;
  subnet.privateDnsHostnameType = "resource-name";
  subnet.enableResourceNameDnsAAAARecord = true;
  // An IPv6-only subnet always gives new interfaces an IPv6 address (it cannot be turned off).
  subnet.assignIpv6AddressOnCreation = true;
  addSubnetIpv6(world, rs, subnet, cidr);
  return subnet;
}

export function associateSubnetIpv6(world: World, rs: RegionState, subnet: Subnet, text: string | undefined): SubnetIpv6Association {
  if (text === undefined || text === "") throw missingParameter("ipv6CidrBlock");
  if (liveSubnetIpv6(subnet).length > 0) throw subnetIpv6AlreadyAssociated(subnet.id);
  const vpc = rs.vpcs.get(subnet.vpcId)!;
  const cidr = checkSubnetIpv6Cidr(rs, vpc, text, subnet.id);
  return addSubnetIpv6(world, rs, subnet, cidr);
}

export function disassociateSubnetIpv6(world: World, rs: RegionState, associationId: string | undefined): { subnet: Subnet; assoc: SubnetIpv6Association } {
  if (associationId === undefined) throw missingParameter("associationId");
  for (const subnet of rs.subnets.values()) {
    const assoc = subnet.ipv6CidrBlocks?.find((b) => b.associationId === associationId);
    if (!assoc) continue;
    if (!live(assoc)) return { subnet, assoc };
    if (subnet.ipv6Native) throw ipv6NativeLastBlock(associationId);
    const block = cidr6Of(assoc.cidr);
    for (const eni of rs.networkInterfaces.values()) {
      if (eni.subnetId === subnet.id && (eni.ipv6Addresses ?? []).some((a) => containsIp6(block, parseIp6(a)!))) {
        throw subnetIpv6InUse(associationId);
      }
    }
    assoc.state = "disassociating";
    world.after("ipv6.disassociated", { kind: "ipv6.subnet.disassociated", id: subnet.id, account: rs.account, region: rs.region, data: { assoc: associationId } });
    return { subnet, assoc };
  }
  throw subnetCidrAssociationNotFound(associationId);
}

// ---- interface addresses --------------------------------------------------------------------------

export interface Ipv6AddressRequest {
  count?: number;
  addresses?: string[];
}

/** An interface's IPv6 limit: the instance type's per-interface figure, or the standalone quota. */
export function ipv6LimitFor(instanceType: string | undefined): number {
  if (instanceType === undefined) return STANDALONE_IPV6_LIMIT;
  return instanceTypeInfo(instanceType)?.ipv6PerEni ?? STANDALONE_IPV6_LIMIT;
}

function takenIpv6(rs: RegionState, subnetId: string): Set<string> {
  const t = new Set<string>();
  for (const e of rs.networkInterfaces.values()) if (e.subnetId === subnetId) for (const a of e.ipv6Addresses ?? []) t.add(a);
  return t;
}

/**
 * Validates an IPv6 address request for a new or existing interface in `subnet` (nothing written):
 * the canonical addresses asked for, and how many more to pick. `already` is what the interface holds.
 */
export function checkIpv6Request(
  rs: RegionState,
  subnet: Subnet,
  req: Ipv6AddressRequest,
  opts: { eniId?: string; already?: number; limit: number; onCreate?: boolean },
): { addresses: string[]; extra: number } {
  const { count, addresses } = req;
  if (count !== undefined && addresses !== undefined && addresses.length > 0) throw ipv6CountAndAddresses();
  if (count !== undefined && (!Number.isInteger(count) || count < 0)) {
    throw invalidParameterValue(`Value (${count}) for parameter ipv6AddressCount is invalid. Expected a non-negative integer.`);
  }
  let extra = count ?? 0;
  const wanted: string[] = [];
  const blocks = liveSubnetIpv6(subnet);
  if ((addresses?.length ?? 0) > 0 || extra > 0) {
    if (blocks.length === 0) throw subnetNoIpv6Addresses(subnet.id);
  } else if (opts.onCreate && count === undefined && subnet.assignIpv6AddressOnCreation && blocks.length > 0) {
    // AssignIpv6AddressOnCreation: a new interface gets one address unless the request said otherwise.
    extra = 1;
  }
  const taken = takenIpv6(rs, subnet.id);
  for (const text of addresses ?? []) {
    const ip = parseIp6(text);
    if (!ip) throw invalidIpv6Address(text);
    const canon = formatIp6(ip);
    const block = blocks.find((b) => containsIp6(cidr6Of(b.cidr), ip));
    if (!block) throw ipv6AddressOutsideSubnet(canon, subnet.id);
    if (reserved(cidr6Of(block.cidr), ip)) throw ipv6AddressOutsideSubnet(canon, subnet.id);
    if (taken.has(canon) || wanted.includes(canon)) throw ipv6AddressInUse(canon);
    wanted.push(canon);
  }
  if ((opts.already ?? 0) + wanted.length + extra > opts.limit) throw ipv6AddressLimit(opts.eniId ?? "(new)", opts.limit);
  // An interface in an IPv6-native subnet has no IPv4 address: it must have an IPv6 one.
  if (opts.onCreate && subnet.ipv6Native && wanted.length + extra === 0) throw ipv6NativeNeedsIpv6Address(subnet.id);
  return { addresses: wanted, extra };
}

function reserved(block: Cidr6, ip: Ip6): boolean {
  const last = lastOf6(block);
  const off = ip[3] - block.base[3];
  const low = ip[0] === block.base[0] && ip[1] === block.base[1] && ip[2] === block.base[2] && off >= 0 && off < 4;
  return low || (ip[0] === last[0] && ip[1] === last[1] && ip[2] === last[2] && ip[3] === last[3]);
}

/** FNV-1a over a string: the deterministic source of interface ids. */
function fnv(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Writes a validated request onto the interface: the asked-for addresses, then `extra` picked ones. */
export function applyIpv6(rs: RegionState, eni: NetworkInterface, subnet: Subnet, plan: { addresses: string[]; extra: number }): string[] {
  const added = [...plan.addresses];
  if (plan.extra > 0) {
    const block = cidr6Of(liveSubnetIpv6(subnet)[0]!.cidr);
    const taken = takenIpv6(rs, subnet.id);
    for (const a of added) taken.add(a);
    for (let n = 0; added.length < plan.addresses.length + plan.extra; n++) {
      const ip: Ip6 = [block.base[0], block.base[1], fnv(`${eni.id}/${n}/hi`), fnv(`${eni.id}/${n}/lo`)];
      const text = formatIp6(ip);
      if (reserved(block, ip) || taken.has(text)) continue;
      taken.add(text);
      added.push(text);
    }
  }
  if (added.length > 0) eni.ipv6Addresses = [...(eni.ipv6Addresses ?? []), ...added];
  return added;
}

/** UnassignIpv6Addresses: validation, then removal. */
export function unassignIpv6(eni: NetworkInterface, addresses: string[] | undefined): string[] {
  if (!addresses || addresses.length === 0) throw missingParameter("ipv6Addresses");
  const canon = addresses.map((a) => {
    const ip = parseIp6(a);
    if (!ip) throw invalidIpv6Address(a);
    const c = formatIp6(ip);
    if (!(eni.ipv6Addresses ?? []).includes(c)) throw ipv6AddressNotAssigned(c, eni.id);
    return c;
  });
  eni.ipv6Addresses = (eni.ipv6Addresses ?? []).filter((a) => !canon.includes(a));
  if (eni.ipv6Addresses.length === 0) delete eni.ipv6Addresses;
  return canon;
}

// ---- launch (RunInstances) ------------------------------------------------------------------------

/** The IPv6 part of one interface of a RunInstances request. */
export interface LaunchIpv6Spec {
  deviceIndex: number;
  /** Given when the request names the interface's subnet; else the default subnet is meant. */
  subnetId?: string;
  existingEni: boolean;
  count?: number;
  addresses?: string[];
  prefixes: boolean;
  primaryIpv6?: boolean;
}

export interface LaunchIpv6Plan {
  byDevice: Map<number, { addresses: string[]; extra: number; explicit: boolean }>;
}

function impliedSubnet(rs: RegionState, zone: string | undefined): Subnet | undefined {
  const order = REGIONS.find((r) => r.name === rs.region)?.zones.map(([l]) => rs.region + l) ?? [];
  const c = [...rs.subnets.values()].filter((s) => s.defaultForAz && (zone === undefined || s.availabilityZone === zone));
  c.sort((a, b) => order.indexOf(a.availabilityZone) - order.indexOf(b.availabilityZone));
  return c[0];
}

/**
 * Validates the IPv6 parts of a launch before anything is written (RunInstances runs after it):
 * prefixes and a primary IPv6 address are refused, an IPv6-native subnet takes Nitro instance types
 * only, explicit addresses need a single instance.
 */
export function planLaunchIpv6(
  rs: RegionState,
  specs: LaunchIpv6Spec[],
  opts: { instanceType?: string; maxCount: number; zone?: string },
): LaunchIpv6Plan {
  const limit = ipv6LimitFor(opts.instanceType);
  const byDevice = new Map<number, { addresses: string[]; extra: number; explicit: boolean }>();
  for (const s of specs) {
    if (s.prefixes) throw ipv6PrefixesUnsupported();
    if (s.primaryIpv6) {
      throw primaryIpv6Unsupported();
    }
    const subnet = s.subnetId !== undefined ? rs.subnets.get(s.subnetId) : impliedSubnet(rs, opts.zone);
    if (subnet?.ipv6Native) checkNitro(opts.instanceType);
    if (s.existingEni) continue;
    if (!subnet) continue; // RunInstances itself reports the missing subnet
    const explicit = s.count !== undefined || (s.addresses?.length ?? 0) > 0;
    if ((s.addresses?.length ?? 0) > 0 && opts.maxCount > 1) {
      throw invalidParameterCombination("IPv6 addresses cannot be specified when launching more than one instance.");
    }
    const plan = checkIpv6Request(rs, subnet, { count: s.count, addresses: s.addresses }, { limit, onCreate: true });
    byDevice.set(s.deviceIndex, { ...plan, explicit });
  }
  return { byDevice };
}

/** IPv6-only instances must be built on the Nitro System (AWS's rule for IPv6-only subnets). */
export function checkNitro(instanceType: string | undefined): void {
  const type = instanceType ?? "m1.small";
  if (instanceTypeInfo(type)?.hypervisor !== "nitro") throw ipv6NativeNeedsNitro(type);
}

/** After the launch: gives each new interface its IPv6 addresses (explicit, counted, or the subnet's default). */
export function applyLaunchIpv6(rs: RegionState, enis: NetworkInterface[], plan: LaunchIpv6Plan, newEniIds: Set<string>): void {
  for (const eni of enis) {
    if (!newEniIds.has(eni.id) || !eni.attachment) continue;
    const subnet = rs.subnets.get(eni.subnetId);
    if (!subnet) continue;
    let p = plan.byDevice.get(eni.attachment.deviceIndex);
    if (!p) {
      // An interface the IPv6 plan did not see (its subnet was implied): the subnet's default applies.
      const blocks = liveSubnetIpv6(subnet);
      p = { addresses: [], extra: subnet.assignIpv6AddressOnCreation && blocks.length > 0 ? 1 : 0, explicit: false };
    }
    if (p.addresses.length > 0 || p.extra > 0) applyIpv6(rs, eni, subnet, p);
  }
}
