/**
 * CreateDefaultSubnet and ModifyVpcTenancy: the two VPC calls tools reach for at the edges (Terraform's
 * aws_default_subnet creates one when a zone has none; aws_vpc changes tenancy back to default).
 *
 * References: EC2 API CreateDefaultSubnet (a /20 from the default VPC's 172.31.0.0/16, MapPublicIpOnLaunch
 * on, DefaultForAz true; `DefaultSubnetAlreadyExistsInAvailabilityZone`, `DefaultVpcDoesNotExist`),
 * ModifyVpcTenancy (only `default` is a valid target).
 *
 * Fidelity notes: the new default subnet takes the lowest free /20 of 172.31.0.0/16 (AWS picks one
 * too, not documented which). An IPv6-native default subnet (`Ipv6Native`) is refused: vpclab makes
 * IPv6 subnets only through CreateSubnet (domain/ipv6.ts).
 */
import type { RegionState, World } from "../state/world.js";
import type { Subnet, Vpc } from "./types.js";
import { cidrOf, formatCidr, overlaps } from "./cidr.js";
import { createSubnetRecord, resolveZone } from "./subnets.js";
import { defaultVpc, getVpc } from "./lookup.js";
import { defaultSubnetExists, defaultVpcDoesNotExist, invalidParameterValue, limitExceeded } from "./errors.js";

export function createDefaultSubnet(world: World, rs: RegionState, zoneName: string | undefined, zoneId: string | undefined, ipv6Native?: boolean): Subnet {
  if (ipv6Native) throw invalidParameterValue("vpclab does not create IPv6-native default subnets; use CreateSubnet with Ipv6Native and an Ipv6CidrBlock.");
  const zone = resolveZone(rs.region, zoneName, zoneId);
  const vpc = defaultVpc(rs);
  if (!vpc) throw defaultVpcDoesNotExist();
  for (const s of rs.subnets.values()) if (s.vpcId === vpc.id && s.defaultForAz && s.availabilityZone === zone.zoneName) throw defaultSubnetExists(zone.zoneName);
  const cidr = freeSlash20(rs, vpc);
  if (!cidr) throw limitExceeded("InsufficientFreeAddressesInSubnet", "The default VPC has no free /20 block for a default subnet.");
  return createSubnetRecord(world, rs, vpc, { cidr, zone, defaultForAz: true, mapPublicIpOnLaunch: true });
}

function freeSlash20(rs: RegionState, vpc: Vpc): string | undefined {
  const block = cidrOf(vpc.cidrBlocks[0]!.cidr);
  const used = [...rs.subnets.values()].filter((s) => s.vpcId === vpc.id && s.cidr !== "").map((s) => cidrOf(s.cidr));
  for (let base = block.base; base < block.base + 2 ** (32 - block.prefix); base += 4096) {
    const c = { base, prefix: 20 };
    if (!used.some((u) => overlaps(u, c))) return formatCidr(c);
  }
  return undefined;
}

export function modifyVpcTenancy(rs: RegionState, vpcId: string | undefined, tenancy: string | undefined): void {
  const vpc = getVpc(rs, vpcId);
  if (tenancy !== "default") throw invalidParameterValue(`Value (${tenancy}) for parameter instanceTenancy is invalid. Valid values are default.`);
  vpc.instanceTenancy = "default";
}
