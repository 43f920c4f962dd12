/**
 * Elastic network interfaces: private address allocation inside a subnet, security groups, the
 * source/destination check, secondary addresses, and deletion. Attaching and detaching live in
 * instances.ts (they are about the instance's device slots).
 *
 * References: EC2 API CreateNetworkInterface, DeleteNetworkInterface, ModifyNetworkInterfaceAttribute,
 * AssignPrivateIpAddresses, UnassignPrivateIpAddresses; VPC User Guide "Subnet CIDR blocks" (the first
 * four addresses and the last one of every subnet are reserved) and "Elastic network interfaces".
 *
 * Fidelity notes:
 * - Without an explicit address, an interface gets the lowest free, non-reserved address of its
 *   subnet (AWS picks an arbitrary free one); the same address is never handed out twice while in use.
 * - MAC addresses are `0a:` or `06:` plus random-looking (seeded) hex, as AWS's locally administered
 *   addresses look. Private DNS names follow the region's `ip-a-b-c-d.<region>.compute.internal`
 *   (`ec2.internal` in us-east-1).
 * - An interface holds at most one public address (the model's `association`): an elastic IP on a
 *   secondary private address takes the place of the primary's public address.
 * - `InterfaceType` other than the default `interface` (efa, trunk, …) is refused.
 * - Per-instance-type limits on addresses per interface are not modelled; an interface may hold up to
 *   50 private addresses (PrivateIpAddressLimitExceeded beyond).
 * - In an IPv6-native subnet (no IPv4 block) an interface has no private IPv4 address at all
 *   (`privateIps` empty; `primaryIp` undefined); asking for one is refused. Its DNS name is the
 *   attached instance's resource name (`i-….<region>.compute.internal`), none while detached. Its
 *   IPv6 addresses are domain/ipv6.ts's.
 */
import type { RegionState, World } from "../state/world.js";
import type { NetworkInterface, SecurityGroup, Subnet, Tags } from "./types.js";
import { cidrOf, containsIp, formatIp, lastOf, parseIp } from "./cidr.js";
import {
  Ec2Error,
  invalidParameter,
  invalidParameterCombination,
  invalidParameterValue,
  missingParameter,
  eniNotFound,
  eniMalformed,
  addressInUse,
  groupNotFound,
  groupIdMalformed,
  insufficientAddresses,
  insufficientAddressesForRequest,
  securityGroupsPerInterfaceLimitExceeded,
  privateIpAddressLimitExceeded,
  interfaceTypeNotManaged,
  attachmentNotFound,
  ipv6NativeNoPrivateIpv4,
} from "./errors.js";
import { getSubnet } from "./subnets.js";

export const MAX_IPS_PER_ENI = 50;

const ENI_ID = /^eni-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SG_ID = /^sg-([0-9a-f]{8}|[0-9a-f]{17})$/;

export function getEni(rs: RegionState, id: string | undefined): NetworkInterface {
  if (id === undefined) throw missingParameter("NetworkInterfaceId");
  if (!ENI_ID.test(id)) throw eniMalformed(id);
  const eni = rs.networkInterfaces.get(id);
  if (!eni) throw eniNotFound(id);
  return eni;
}

export function privateDnsName(region: string, ip: string): string {
  const host = `ip-${ip.replace(/\./g, "-")}`;
  return region === "us-east-1" ? `${host}.ec2.internal` : `${host}.${region}.compute.internal`;
}

export function publicDnsName(region: string, ip: string): string {
  const host = `ec2-${ip.replace(/\./g, "-")}`;
  return region === "us-east-1" ? `${host}.compute-1.amazonaws.com` : `${host}.${region}.compute.amazonaws.com`;
}

export function newMacAddress(world: World): string {
  const h = world.ids.hex(10);
  const first = ["02", "06", "0a", "0e"][parseInt(h[0]!, 16) % 4]!;
  return [first, ...h.slice(0, 10).match(/../g)!].slice(0, 6).join(":");
}

/** Private addresses in use in a subnet, as integers. */
export function takenAddresses(rs: RegionState, subnetId: string): Set<number> {
  const taken = new Set<number>();
  for (const eni of rs.networkInterfaces.values()) {
    if (eni.subnetId !== subnetId) continue;
    for (const p of eni.privateIps) taken.add(parseIp(p.address)!);
  }
  return taken;
}

/** The lowest free address of the subnet that is not one of the five reserved. */
export function nextFreeAddress(subnet: Subnet, taken: Set<number>): number | undefined {
  const c = cidrOf(subnet.cidr);
  const last = lastOf(c);
  for (let ip = c.base + 4; ip < last; ip++) if (!taken.has(ip)) return ip;
  return undefined;
}

/** Validates an address asked for by the caller: in the subnet, not reserved, not in use. */
export function checkRequestedAddress(subnet: Subnet, text: string, taken: Set<number>, param = "PrivateIpAddress"): number {
  if (subnet.cidr === "") throw ipv6NativeNoPrivateIpv4(subnet.id);
  const ip = parseIp(text);
  if (ip === undefined) throw invalidParameterValue(`Value (${text}) for parameter ${param} is invalid. Invalid IPv4 address.`);
  const c = cidrOf(subnet.cidr);
  if (!containsIp(c, ip)) throw invalidParameterValue(`Address does not fall within the subnet's address range`);
  if (ip - c.base < 4 || ip === lastOf(c)) throw invalidParameterValue(`Address ${text} is in subnet's reserved address range`);
  if (taken.has(ip)) throw addressInUse(text);
  return ip;
}

/**
 * Picks `count` addresses: the requested ones first (validated), then the next free ones. Throws
 * InsufficientFreeAddressesInSubnet when the subnet cannot hold them all. Does not mutate.
 */
export function pickAddresses(rs: RegionState, subnet: Subnet, requested: string[], extra: number, taken = takenAddresses(rs, subnet.id)): string[] {
  // An IPv6-native subnet has no IPv4 block: its interfaces have no private IPv4 address at all (the
  // one picked by default, extra 1 with nothing requested, is simply not made).
  if (subnet.cidr === "") {
    if (requested.length > 0 || extra > 1) throw ipv6NativeNoPrivateIpv4(subnet.id);
    return [];
  }
  const local = new Set(taken);
  const out: string[] = [];
  for (const r of requested) {
    const ip = checkRequestedAddress(subnet, r, local);
    local.add(ip);
    out.push(formatIp(ip));
  }
  for (let i = 0; i < extra; i++) {
    const ip = nextFreeAddress(subnet, local);
    if (ip === undefined) throw insufficientAddresses(subnet.id);
    local.add(ip);
    out.push(formatIp(ip));
  }
  return out;
}

/** Validates security-group ids for an interface in `vpcId` (all must exist and be in that VPC). */
export function resolveGroupIds(rs: RegionState, vpcId: string, ids: string[], subnetId: string): string[] {
  const out: string[] = [];
  for (const id of ids) {
    if (!SG_ID.test(id)) throw groupIdMalformed(id);
    const sg = rs.securityGroups.get(id);
    if (!sg) throw groupNotFound(id);
    if (sg.vpcId !== vpcId) throw invalidParameter(`Security group ${id} and subnet ${subnetId} belong to different networks.`);
    if (!out.includes(id)) out.push(id);
  }
  if (out.length > 5) {
    throw securityGroupsPerInterfaceLimitExceeded();
  }
  return out;
}

export function defaultGroupOf(rs: RegionState, vpcId: string): SecurityGroup {
  for (const sg of rs.securityGroups.values()) if (sg.vpcId === vpcId && sg.isDefault) return sg;
  throw new Error(`VPC ${vpcId} has no default security group`);
}

export interface EniSpec {
  privateIps: string[];
  groupIds: string[];
  description?: string;
  tags?: Tags;
  publicIpOnLaunch?: boolean;
}

/** Makes an interface record from validated parts. */
export function createEniRecord(world: World, rs: RegionState, subnet: Subnet, spec: EniSpec): NetworkInterface {
  const eni: NetworkInterface = {
    id: world.ids.next("eni"),
    ownerId: rs.account,
    region: rs.region,
    tags: spec.tags ?? new Map(),
    subnetId: subnet.id,
    vpcId: subnet.vpcId,
    availabilityZone: subnet.availabilityZone,
    description: spec.description ?? "",
    macAddress: newMacAddress(world),
    privateIps: spec.privateIps.map((address, i) => ({ address, primary: i === 0 })),
    securityGroupIds: spec.groupIds,
    sourceDestCheck: true,
    interfaceType: "interface",
    status: "available",
    requesterManaged: false,
  };
  if (spec.publicIpOnLaunch) eni.publicIpOnLaunch = true;
  rs.networkInterfaces.set(eni.id, eni);
  return eni;
}

export interface CreateEniInput {
  subnetId?: string;
  description?: string;
  privateIpAddress?: string;
  privateIpAddresses?: { PrivateIpAddress?: string; Primary?: boolean }[];
  secondaryCount?: number;
  groups?: string[];
  interfaceType?: string;
  tags: Tags;
}

/** Validates a request for addresses (primary + secondaries) into requested addresses and an extra count. */
export function addressRequest(
  privateIpAddress: string | undefined,
  list: { PrivateIpAddress?: string; Primary?: boolean }[] | undefined,
  secondaryCount: number | undefined,
): { requested: string[]; extra: number } {
  const requested: string[] = [];
  let primary = privateIpAddress;
  const others: string[] = [];
  for (const p of list ?? []) {
    if (p.PrivateIpAddress === undefined) throw missingParameter("PrivateIpAddresses.PrivateIpAddress");
    if (p.Primary) {
      if (primary !== undefined && primary !== p.PrivateIpAddress) {
        throw invalidParameterCombination("The primary private IP address was specified more than once.");
      }
      primary = p.PrivateIpAddress;
    } else others.push(p.PrivateIpAddress);
  }
  if (secondaryCount !== undefined) {
    if (!Number.isInteger(secondaryCount) || secondaryCount < 0) {
      throw invalidParameterValue(`Value (${secondaryCount}) for parameter secondaryPrivateIpAddressCount is invalid.`);
    }
    if (others.length > 0) {
      throw invalidParameterCombination("Specify either secondaryPrivateIpAddressCount or a list of secondary private IP addresses, not both.");
    }
  }
  if (primary !== undefined) requested.push(primary);
  requested.push(...others.filter((o) => o !== primary));
  if (new Set(requested).size !== requested.length) throw invalidParameterValue("The same private IP address was specified more than once.");
  // Without a primary, the first listed address becomes primary; with no address at all, one is picked.
  const extra = (requested.length === 0 ? 1 : 0) + (secondaryCount ?? 0);
  if (requested.length + extra > MAX_IPS_PER_ENI) {
    throw privateIpAddressLimitExceeded();
  }
  return { requested, extra };
}

export function createNetworkInterface(world: World, rs: RegionState, input: CreateEniInput): NetworkInterface {
  const subnet = getSubnet(rs, input.subnetId);
  if (input.interfaceType !== undefined && input.interfaceType !== "interface") {
    throw invalidParameterValue(`vpclab does not support network interfaces of type '${input.interfaceType}'.`);
  }
  if (input.description !== undefined && input.description.length > 255) {
    throw invalidParameterValue("Description exceeds the maximum length of 255 characters.");
  }
  const groupIds = input.groups && input.groups.length > 0
    ? resolveGroupIds(rs, subnet.vpcId, input.groups, subnet.id)
    : [defaultGroupOf(rs, subnet.vpcId).id];
  const { requested, extra } = addressRequest(input.privateIpAddress, input.privateIpAddresses, input.secondaryCount);
  let ips: string[];
  try {
    ips = pickAddresses(rs, subnet, requested, extra);
  } catch (err) {
    if (err instanceof Ec2Error && err.code === "InsufficientFreeAddressesInSubnet") {
      throw insufficientAddressesForRequest();
    }
    throw err;
  }
  return createEniRecord(world, rs, subnet, { privateIps: ips, groupIds, description: input.description, tags: input.tags });
}

/** Drops an interface's public address; an elastic IP stays allocated but loses its association. */
export function clearPublicAddress(rs: RegionState, eni: NetworkInterface): void {
  const a = eni.association;
  if (!a) return;
  if (a.allocationId) {
    const eip = rs.addresses.get(a.allocationId);
    if (eip) delete eip.association;
  }
  delete eni.association;
}

export function deleteNetworkInterface(world: World, rs: RegionState, id: string | undefined): void {
  const eni = getEni(rs, id);
  if (eni.attachment || eni.status !== "available") {
    throw invalidParameterValue(`Network interface '${eni.id}' is currently in use.`);
  }
  if (eni.requesterManaged) {
    throw interfaceTypeNotManaged(eni.interfaceType);
  }
  clearPublicAddress(rs, eni);
  rs.networkInterfaces.delete(eni.id);
}

export interface EniAttributeChange {
  description?: string;
  sourceDestCheck?: boolean;
  groups?: string[];
  deleteOnTermination?: { attachmentId?: string; value?: boolean };
}

export function modifyNetworkInterfaceAttribute(world: World, rs: RegionState, id: string | undefined, change: EniAttributeChange): void {
  const eni = getEni(rs, id);
  const given = Object.entries(change).filter(([, v]) => v !== undefined).map(([k]) => k);
  if (given.length === 0) throw missingParameter("Description, SourceDestCheck, Groups or Attachment");
  if (given.length > 1) throw invalidParameterCombination("Only one attribute may be modified at a time.");
  if (change.description !== undefined) {
    if (change.description.length > 255) throw invalidParameterValue("Description exceeds the maximum length of 255 characters.");
    eni.description = change.description;
  } else if (change.sourceDestCheck !== undefined) {
    eni.sourceDestCheck = change.sourceDestCheck;
  } else if (change.groups !== undefined) {
    if (change.groups.length === 0) throw missingParameter("SecurityGroupId");
    eni.securityGroupIds = resolveGroupIds(rs, eni.vpcId, change.groups, eni.subnetId);
  } else if (change.deleteOnTermination !== undefined) {
    const d = change.deleteOnTermination;
    if (d.attachmentId === undefined) throw missingParameter("Attachment.AttachmentId");
    if (!eni.attachment || eni.attachment.id !== d.attachmentId) {
      throw attachmentNotFound(d.attachmentId);
    }
    if (d.value === undefined) throw missingParameter("Attachment.DeleteOnTermination");
    eni.attachment.deleteOnTermination = d.value;
  }
}

export function assignPrivateIpAddresses(
  world: World,
  rs: RegionState,
  id: string | undefined,
  addresses: string[] | undefined,
  count: number | undefined,
  allowReassignment: boolean,
): string[] {
  const eni = getEni(rs, id);
  if (eni.requesterManaged) throw interfaceTypeNotManaged(eni.interfaceType);
  const list = addresses ?? [];
  if (list.length === 0 && count === undefined) throw missingParameter("PrivateIpAddress or SecondaryPrivateIpAddressCount");
  if (list.length > 0 && count !== undefined) {
    throw invalidParameterCombination("Specify either a list of private IP addresses or a secondary private IP address count, not both.");
  }
  if (count !== undefined && (!Number.isInteger(count) || count < 1)) {
    throw invalidParameterValue(`Value (${count}) for parameter secondaryPrivateIpAddressCount is invalid.`);
  }
  if (eni.privateIps.length + list.length + (count ?? 0) > MAX_IPS_PER_ENI) {
    throw privateIpAddressLimitExceeded();
  }
  const subnet = getSubnet(rs, eni.subnetId);
  if (subnet.cidr === "") throw ipv6NativeNoPrivateIpv4(subnet.id);
  const taken = takenAddresses(rs, subnet.id);
  // With AllowReassignment an address may move from another interface, but never a primary address.
  const moves: { from: NetworkInterface; address: string }[] = [];
  for (const a of list) {
    const ip = parseIp(a);
    if (ip !== undefined && taken.has(ip)) {
      const owner = [...rs.networkInterfaces.values()].find((e) => e.subnetId === subnet.id && e.privateIps.some((p) => p.address === a))!;
      const entry = owner.privateIps.find((p) => p.address === a)!;
      if (owner.id === eni.id) throw addressInUse(a);
      if (!allowReassignment || entry.primary) throw addressInUse(a);
      moves.push({ from: owner, address: a });
      taken.delete(ip);
    }
  }
  const picked = pickAddresses(rs, subnet, list, count ?? 0, taken);
  for (const m of moves) {
    if (m.from.association?.privateIp === m.address) clearPublicAddress(rs, m.from);
    m.from.privateIps = m.from.privateIps.filter((p) => p.address !== m.address);
  }
  for (const a of picked) eni.privateIps.push({ address: a, primary: false });
  return picked;
}

export function unassignPrivateIpAddresses(world: World, rs: RegionState, id: string | undefined, addresses: string[] | undefined): void {
  const eni = getEni(rs, id);
  if (eni.requesterManaged) throw interfaceTypeNotManaged(eni.interfaceType);
  if (!addresses || addresses.length === 0) throw missingParameter("PrivateIpAddress");
  for (const a of addresses) {
    const entry = eni.privateIps.find((p) => p.address === a);
    if (!entry) throw invalidParameterValue(`Some of the specified addresses are not assigned to interface ${eni.id}`);
    if (entry.primary) throw invalidParameterValue(`The primary private IP address ${a} of interface ${eni.id} cannot be unassigned.`);
  }
  if (eni.association && addresses.includes(eni.association.privateIp)) clearPublicAddress(rs, eni);
  eni.privateIps = eni.privateIps.filter((p) => !addresses.includes(p.address));
}

/** The primary private IPv4 address; undefined for an interface in an IPv6-native subnet (it has none). */
export function primaryIp(eni: NetworkInterface): string | undefined {
  return eni.privateIps.find((p) => p.primary)?.address ?? eni.privateIps[0]?.address;
}

/**
 * The interface's private DNS name: IP-based (ip-10-0-0-5...) from its primary IPv4 address; an
 * IPv6-only interface has resource-name hostnames only, the attached instance's (i-xxxx.region.compute.internal),
 * and none while it is detached.
 */
export function eniDnsName(region: string, eni: NetworkInterface): string | undefined {
  const ip = primaryIp(eni);
  if (ip !== undefined) return privateDnsName(region, ip);
  return eni.attachment ? resourceDnsName(region, eni.attachment.instanceId) : undefined;
}

/** A resource-name hostname: i-0123456789abcdef0.region.compute.internal (ec2.internal in us-east-1). */
export function resourceDnsName(region: string, instanceId: string): string {
  return region === "us-east-1" ? `${instanceId}.ec2.internal` : `${instanceId}.${region}.compute.internal`;
}

/** Interfaces attached to an instance, by device index. */
export function enisOf(rs: RegionState, instanceId: string): NetworkInterface[] {
  const out: NetworkInterface[] = [];
  for (const e of rs.networkInterfaces.values()) if (e.attachment?.instanceId === instanceId) out.push(e);
  return out.sort((a, b) => a.attachment!.deviceIndex - b.attachment!.deviceIndex);
}
