/**
 * Subnets: creation inside one of the VPC's IPv4 blocks, deletion, attributes, and the address count
 * that the five reserved addresses and every ENI address come out of.
 *
 * References: EC2 API CreateSubnet, DeleteSubnet, ModifySubnetAttribute; VPC User Guide "Subnet CIDR
 * blocks" (the first four and the last address of every subnet are reserved).
 *
 * Fidelity notes:
 * - A subnet CIDR with host bits set is canonicalised (`10.0.1.9/24` → `10.0.1.0/24`), as CreateSubnet
 *   documents; the checks (inside one VPC block, /16–/28, no overlap) apply to the canonical block.
 * - A new subnet is associated with its VPC's default network ACL and, implicitly, the main route table.
 * - `AvailabilityZone` or `AvailabilityZoneId` may be given (both only if they name the same zone); with
 *   neither, AWS picks a zone: vpclab picks the region's first zone.
 * - ModifySubnetAttribute changes one attribute per call, as AWS requires. The IPv6 attributes
 *   (AssignIpv6AddressOnCreation, EnableDns64, EnableResourceNameDnsAAAARecordOnLaunch) can be set to
 *   true only on a subnet with an IPv6 block; an IPv6-native subnet refuses the IPv4-only ones
 *   (MapPublicIpOnLaunch, the A record, `ip-name` hostnames). Customer-owned (Outpost) addresses can
 *   only be set to false.
 */
import type { RegionState, World } from "../state/world.js";
import type { Subnet, Tags, Vpc } from "./types.js";
import { cidrOf, containsCidr, formatCidr, overlaps, parseCidr, sizeOf } from "./cidr.js";
import {
  dependencyViolation,
  invalidParameterCombination,
  invalidParameterValue,
  missingParameter,
  subnetConflict,
  subnetNotFound,
  subnetRange,
  subnetLimitExceeded,
  subnetMalformed,
  subnetNeedsIpv6For,
  ipv6NativeUnsupportedAttribute,
} from "./errors.js";
import { isWellFormedId } from "./ids.js";
import { recordsHoldingSubnet } from "./kinds.js";
import { zonesOf, type ZoneInfo } from "../model/regions.js";

/** Addresses AWS reserves in every subnet: network, router, DNS, future use, broadcast. */
export const RESERVED_PER_SUBNET = 5;

export function getSubnet(rs: RegionState, id: string | undefined): Subnet {
  const s = id === undefined ? undefined : rs.subnets.get(id);
  if (!s) {
    if (id !== undefined && !isWellFormedId("subnet", id)) throw subnetMalformed(id);
    throw subnetNotFound(id ?? "");
  }
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
  return subnet;
}

/**
 * The zone a CreateSubnet names, by name or by id. The message lists the region's zones, as EC2's does
 * ("Subnets can currently only be created in the following availability zones: …").
 */
export function resolveZone(region: string, zoneName: string | undefined, zoneId: string | undefined): ZoneInfo {
  const zones = zonesOf(region);
  let byName: ZoneInfo | undefined;
  let byId: ZoneInfo | undefined;
  if (zoneName !== undefined) {
    byName = zones.find((z) => z.zoneName === zoneName);
    if (!byName) {
      throw invalidParameterValue(
        `Value (${zoneName}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: ${zones.map((z) => z.zoneName).join(", ")}.`,
      );
    }
  }
  if (zoneId !== undefined) {
    byId = zones.find((z) => z.zoneId === zoneId);
    if (!byId) {
      throw invalidParameterValue(
        `Value (${zoneId}) for parameter availabilityZoneId is invalid. Subnets can currently only be created in the following availability zone ids: ${zones.map((z) => z.zoneId).join(", ")}.`,
      );
    }
  }
  if (byName && byId && byName !== byId) {
    throw invalidParameterCombination(
      `The availability zone ${zoneName} and the availability zone ID ${zoneId} do not name the same zone.`,
    );
  }
  return byName ?? byId ?? zones[0]!;
}

/** Parses and canonicalises a subnet's IPv4 block; refuses malformed text and sizes outside /16–/28. */
export function subnetCidr(text: string | undefined): string {
  if (text === undefined || text === "") throw missingParameter("cidrBlock");
  const c = parseCidr(text);
  if (!c) throw invalidParameterValue(`Value (${text}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`);
  if (c.prefix < 16 || c.prefix > 28) throw subnetRange(text);
  return formatCidr(c);
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
  const cidr = subnetCidr(cidrText);
  const c = cidrOf(cidr);
  const inVpc = vpc.cidrBlocks.some((b) => containsCidr(cidrOf(b.cidr), c));
  if (!inVpc) throw subnetRange(cidr);
  for (const s of rs.subnets.values()) {
    // An IPv6-native subnet (domain/ipv6.ts) has no IPv4 block (`cidr` empty).
    if (s.vpcId === vpc.id && s.cidr !== "" && overlaps(cidrOf(s.cidr), c)) throw subnetConflict(cidr);
  }
  const zone = resolveZone(rs.region, zoneName, zoneId);
  let count = 0;
  for (const s of rs.subnets.values()) if (s.vpcId === vpc.id) count++;
  if (count >= world.quotas.subnetsPerVpc) {
    throw subnetLimitExceeded();
  }
  return createSubnetRecord(world, rs, vpc, { cidr, zone, tags });
}

/** Private addresses in use in a subnet (every ENI's primary and secondary addresses). */
export function usedAddressCount(rs: RegionState, subnetId: string): number {
  let n = 0;
  for (const eni of rs.networkInterfaces.values()) if (eni.subnetId === subnetId) n += eni.privateIps.length;
  return n;
}

export function availableIpAddressCount(rs: RegionState, subnet: Subnet): number {
  if (subnet.cidr === "") return 0; // IPv6-native: AWS counts IPv4 addresses only
  return sizeOf(cidrOf(subnet.cidr)) - RESERVED_PER_SUBNET - usedAddressCount(rs, subnet.id);
}

export function deleteSubnet(world: World, rs: RegionState, id: string | undefined): void {
  const subnet = getSubnet(rs, id);
  // Interfaces, transit gateway attachments, …: every kind that says in the registry (domain/kinds.ts)
  // that it holds a subnet.
  if (recordsHoldingSubnet(rs, subnet.id).length > 0) {
    throw dependencyViolation(`The subnet '${subnet.id}' has dependencies and cannot be deleted.`);
  }
  for (const rt of rs.routeTables.values()) rt.associations = rt.associations.filter((a) => a.subnetId !== subnet.id);
  for (const acl of rs.networkAcls.values()) acl.associations = acl.associations.filter((a) => a.subnetId !== subnet.id);
  rs.subnets.delete(subnet.id);
}

/** One attribute change, named by its query parameter (the names AWS's messages use). */
export interface SubnetAttributeChange {
  mapPublicIpOnLaunch?: boolean;
  assignIpv6AddressOnCreation?: boolean;
  enableDns64?: boolean;
  privateDnsHostnameTypeOnLaunch?: string;
  enableResourceNameDnsARecordOnLaunch?: boolean;
  enableResourceNameDnsAAAARecordOnLaunch?: boolean;
  mapCustomerOwnedIpOnLaunch?: boolean;
  customerOwnedIpv4Pool?: string;
  enableLniAtDeviceIndex?: number;
  disableLniAtDeviceIndex?: boolean;
}

export function modifySubnetAttribute(world: World, rs: RegionState, id: string | undefined, change: SubnetAttributeChange): void {
  const subnet = getSubnet(rs, id);
  const set = Object.entries(change).filter(([, v]) => v !== undefined).map(([k]) => k);
  if (set.length === 0) {
    throw missingParameter("mapPublicIpOnLaunch, enableDns64, privateDnsHostnameTypeOnLaunch or another subnet attribute");
  }
  if (set.length > 1) {
    throw invalidParameterCombination(`Fields for multiple attribute types specified: ${set.join(", ")}`);
  }
  const hasIpv6 = (subnet.ipv6CidrBlocks ?? []).some((b) => b.state === "associating" || b.state === "associated");
  if (change.assignIpv6AddressOnCreation && !hasIpv6) throw subnetNeedsIpv6For("assign-ipv6-address-on-creation", subnet.id);
  if (change.enableResourceNameDnsAAAARecordOnLaunch && !hasIpv6) throw subnetNeedsIpv6For("enable-resource-name-dns-aaaa-record-on-launch", subnet.id);
  if (change.enableDns64 && !hasIpv6) throw subnetNeedsIpv6For("enable-dns64", subnet.id);
  if (subnet.ipv6Native) {
    if (change.mapPublicIpOnLaunch) throw ipv6NativeUnsupportedAttribute("map-public-ip-on-launch", subnet.id);
    if (change.enableResourceNameDnsARecordOnLaunch) throw ipv6NativeUnsupportedAttribute("enable-resource-name-dns-a-record-on-launch", subnet.id);
    if (change.privateDnsHostnameTypeOnLaunch === "ip-name") throw ipv6NativeUnsupportedAttribute("private-dns-hostname-type-on-launch", subnet.id);
    if (change.assignIpv6AddressOnCreation === false) throw ipv6NativeUnsupportedAttribute("assign-ipv6-address-on-creation", subnet.id);
  }
  if (change.mapCustomerOwnedIpOnLaunch || change.customerOwnedIpv4Pool !== undefined) {
    throw invalidParameterValue(`The subnet ${subnet.id} is not an Outpost subnet; it cannot map customer-owned IP addresses.`);
  }
  if (change.enableLniAtDeviceIndex !== undefined || change.disableLniAtDeviceIndex !== undefined) {
    throw invalidParameterValue(`The subnet ${subnet.id} is not an Outpost subnet; local network interfaces are not available.`);
  }
  const hostnameType = change.privateDnsHostnameTypeOnLaunch;
  if (hostnameType !== undefined && hostnameType !== "ip-name" && hostnameType !== "resource-name") {
    throw invalidParameterValue(`Value (${hostnameType}) for parameter privateDnsHostnameTypeOnLaunch is invalid. Valid values: ip-name, resource-name.`);
  }
  if (change.mapPublicIpOnLaunch !== undefined) subnet.mapPublicIpOnLaunch = change.mapPublicIpOnLaunch;
  if (change.assignIpv6AddressOnCreation !== undefined) subnet.assignIpv6AddressOnCreation = change.assignIpv6AddressOnCreation;
  if (change.enableResourceNameDnsAAAARecordOnLaunch !== undefined) {
    subnet.enableResourceNameDnsAAAARecord = change.enableResourceNameDnsAAAARecordOnLaunch;
  }
  if (change.enableDns64 !== undefined) subnet.enableDns64 = change.enableDns64;
  if (hostnameType !== undefined) subnet.privateDnsHostnameType = hostnameType;
  if (change.enableResourceNameDnsARecordOnLaunch !== undefined) {
    subnet.enableResourceNameDnsARecord = change.enableResourceNameDnsARecordOnLaunch;
  }
}
