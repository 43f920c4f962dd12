/**
 * Subnets: creation inside one of the VPC's IPv4 blocks, deletion, attributes, and the address count
 * that the five reserved addresses and every ENI address come out of.
 *
 * References: EC2 API CreateSubnet, DeleteSubnet, ModifySubnetAttribute; VPC User Guide "Subnet CIDR
 * blocks" (the first four and the last address of every subnet are reserved).
 *
 * Fidelity notes:
 * - A subnet CIDR with host bits set is refused with `InvalidSubnet.Range`, not canonicalised.
 * - A new subnet is associated with its VPC's default network ACL and, implicitly, the main route table.
 * - `AvailabilityZone` or `AvailabilityZoneId` may be given; with neither, AWS picks a zone: vpclab picks
 *   the region's first zone.
 */
import type { RegionState, World } from "../state/world.js";
import type { Subnet, Tags, Vpc } from "./types.js";
import { cidrOf, containsCidr, formatCidr, overlaps, parseCidr, sizeOf } from "./cidr.js";
import {
  dependencyViolation,
  Ec2Error,
  invalidParameterCombination,
  invalidParameterValue,
  invalidZone,
  invalidZoneId,
  subnetConflict,
  subnetNotFound,
  subnetRange,
} from "./errors.js";
import { zonesOf, type ZoneInfo } from "../state/regions.js";

/** Addresses AWS reserves in every subnet: network, router, DNS, future use, broadcast. */
export const RESERVED_PER_SUBNET = 5;

export function getSubnet(rs: RegionState, id: string | undefined): Subnet {
  const s = id === undefined ? undefined : rs.subnets.get(id);
  if (!s) throw subnetNotFound(id ?? "");
  return s;
}

export function createSubnetRecord(
  world: World,
  rs: RegionState,
  vpc: Vpc,
  opts: { cidr: string; zone: ZoneInfo; defaultForAz?: boolean; mapPublicIpOnLaunch?: boolean; tags?: Tags },
): Subnet {
  const id = world.ids.next("subnet");
  const subnet: Subnet = {
    id,
    ownerId: rs.account,
    region: rs.region,
    tags: opts.tags ?? new Map(),
    vpcId: vpc.id,
    availabilityZone: opts.zone.zoneName,
    availabilityZoneId: opts.zone.zoneId,
    cidr: opts.cidr,
    state: "available",
    defaultForAz: opts.defaultForAz ?? false,
    mapPublicIpOnLaunch: opts.mapPublicIpOnLaunch ?? false,
    assignIpv6AddressOnCreation: false,
    enableDns64: false,
    privateDnsHostnameType: "ip-name",
  };
  rs.subnets.set(id, subnet);
  for (const acl of rs.networkAcls.values()) {
    if (acl.vpcId === vpc.id && acl.isDefault) acl.associations.push({ id: world.ids.next("aclassoc"), subnetId: id });
  }
  world.generation++;
  return subnet;
}

export function resolveZone(region: string, zoneName: string | undefined, zoneId: string | undefined): ZoneInfo {
  const zones = zonesOf(region);
  if (zoneName !== undefined && zoneId !== undefined) {
    throw invalidParameterCombination("Only one of availabilityZone or availabilityZoneId can be specified.");
  }
  if (zoneName !== undefined) {
    const z = zones.find((z) => z.zoneName === zoneName);
    if (!z) throw invalidZone(zoneName);
    return z;
  }
  if (zoneId !== undefined) {
    const z = zones.find((z) => z.zoneId === zoneId);
    if (!z) throw invalidZoneId(zoneId);
    return z;
  }
  return zones[0]!;
}

export function createSubnet(
  world: World,
  rs: RegionState,
  vpc: Vpc,
  cidrText: string | undefined,
  zoneName: string | undefined,
  zoneId: string | undefined,
  tags: Tags,
): Subnet {
  if (cidrText === undefined) throw new Ec2Error("MissingParameter", "The request must contain the parameter cidrBlock");
  const c = parseCidr(cidrText);
  if (!c) throw invalidParameterValue(`Value (${cidrText}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`);
  if (c.hadHostBits || c.prefix < 16 || c.prefix > 28) throw subnetRange(cidrText);
  const inVpc = vpc.cidrBlocks.some((b) => containsCidr(cidrOf(b.cidr), c));
  if (!inVpc) throw subnetRange(cidrText);
  for (const s of rs.subnets.values()) {
    if (s.vpcId === vpc.id && overlaps(cidrOf(s.cidr), c)) throw subnetConflict(cidrText);
  }
  const zone = resolveZone(rs.region, zoneName, zoneId);
  let count = 0;
  for (const s of rs.subnets.values()) if (s.vpcId === vpc.id) count++;
  if (count >= world.quotas.subnetsPerVpc) {
    throw new Ec2Error("SubnetLimitExceeded", `The maximum number of subnets has been reached.`);
  }
  return createSubnetRecord(world, rs, vpc, { cidr: formatCidr(c), zone, tags });
}

/** Private addresses in use in a subnet (every ENI's primary and secondary addresses). */
export function usedAddressCount(rs: RegionState, subnetId: string): number {
  let n = 0;
  for (const eni of rs.networkInterfaces.values()) if (eni.subnetId === subnetId) n += eni.privateIps.length;
  return n;
}

export function availableIpAddressCount(rs: RegionState, subnet: Subnet): number {
  return sizeOf(cidrOf(subnet.cidr)) - RESERVED_PER_SUBNET - usedAddressCount(rs, subnet.id);
}

export function deleteSubnet(world: World, rs: RegionState, id: string | undefined): void {
  const subnet = getSubnet(rs, id);
  for (const eni of rs.networkInterfaces.values()) {
    if (eni.subnetId === subnet.id) {
      throw dependencyViolation(`The subnet '${subnet.id}' has dependencies and cannot be deleted.`);
    }
  }
  for (const rt of rs.routeTables.values()) rt.associations = rt.associations.filter((a) => a.subnetId !== subnet.id);
  for (const acl of rs.networkAcls.values()) acl.associations = acl.associations.filter((a) => a.subnetId !== subnet.id);
  rs.subnets.delete(subnet.id);
  world.generation++;
}

export interface SubnetAttributeChange {
  mapPublicIpOnLaunch?: boolean;
  assignIpv6AddressOnCreation?: boolean;
  enableDns64?: boolean;
  privateDnsHostnameType?: string;
}

export function modifySubnetAttribute(world: World, rs: RegionState, id: string | undefined, change: SubnetAttributeChange): void {
  const subnet = getSubnet(rs, id);
  const set = Object.entries(change).filter(([, v]) => v !== undefined);
  if (set.length !== 1) {
    throw invalidParameterCombination("Specify exactly one attribute to modify.");
  }
  if (change.assignIpv6AddressOnCreation) {
    throw invalidParameterValue("Subnet does not have an IPv6 CIDR block associated with it: vpclab supports IPv4 only.");
  }
  if (change.privateDnsHostnameType !== undefined && !["ip-name", "resource-name"].includes(change.privateDnsHostnameType)) {
    throw invalidParameterValue(`Value (${change.privateDnsHostnameType}) for parameter PrivateDnsHostnameTypeOnLaunch is invalid.`);
  }
  if (change.mapPublicIpOnLaunch !== undefined) subnet.mapPublicIpOnLaunch = change.mapPublicIpOnLaunch;
  if (change.enableDns64 !== undefined) subnet.enableDns64 = change.enableDns64;
  if (change.privateDnsHostnameType !== undefined) {
    subnet.privateDnsHostnameType = change.privateDnsHostnameType as Subnet["privateDnsHostnameType"];
  }
  world.generation++;
}
