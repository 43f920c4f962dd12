/**
 * Public IPv4 addresses: the emulator's public address pool, auto-assigned public addresses of
 * instances, and elastic IPs (AllocateAddress, AssociateAddress, DisassociateAddress, ReleaseAddress).
 *
 * References: EC2 API AllocateAddress, AssociateAddress, DisassociateAddress, ReleaseAddress,
 * DescribeAddresses; EC2 User Guide "Elastic IP addresses" (an EIP replaces the instance's public
 * IPv4 address while associated; the VPC needs an attached internet gateway; AllowReassociation) and
 * "Public IPv4 addresses" (released at stop and termination, a new one at start).
 *
 * Fidelity notes:
 * - Public addresses are fake but deterministic: each region owns one /14 of 3.0.0.0/9, in the order of
 *   model/regions.ts (ap-northeast-1 is 3.8.0.0/14, …), handed out in sequence (x.y.z.0 and x.y.z.255
 *   skipped) from a counter that restarts with the world. vpclab never sends a packet to them: they
 *   exist for the network engine, which only reaches them through an internet gateway.
 * - Only `Domain=vpc` exists (EC2-Classic is retired). `Address=` (recovering a specific address)
 *   works for an address of the region's pool that is not in use.
 * - Disassociating an EIP from an instance's only interface gives it a new auto-assigned address if
 *   it was launched with one, as AWS does ("within a few minutes": at once here).
 * - BYOIP pools, carrier IPs and network border groups other than the region are not modelled.
 */
import type { RegionState, World } from "../state/world.js";
import type { ElasticIp, NetworkInterface, Tags } from "./types.js";
import { formatIp, parseIp } from "./cidr.js";
import {
  invalidParameterCombination,
  invalidParameterValue,
  missingParameter,
  resourceAlreadyAssociated,
  allocationNotFound,
  allocationMalformed,
  associationNotFound,
  eipAssociationMalformed,
  addressNotFound,
  addressInUse,
  addressLimitExceeded,
  vpcWithoutIgw,
  insufficientAddressCapacity,
  publicIpv4PoolNotFound,
  instanceMalformed,
  instanceNotFound,
  interfaceTypeNotManaged,
  instanceStateInvalid,
  multipleInterfaces,
  ipv6NativeNoPublicIpv4,
} from "./errors.js";
import { REGIONS } from "../model/regions.js";
import { clearPublicAddress, enisOf, getEni, primaryIp } from "./network-interfaces.js";

const EIPALLOC_ID = /^eipalloc-([0-9a-f]{8}|[0-9a-f]{17})$/;
const EIPASSOC_ID = /^eipassoc-([0-9a-f]{8}|[0-9a-f]{17})$/;

// ---- the public pool ----------------------------------------------------------------------------

const POOL_BASE = parseIp("3.0.0.0")!;
const POOL_SIZE = 1 << 18; // a /14 per region


function regionIndex(region: string): number {
  const i = REGIONS.findIndex((r) => r.name === region);
  return i < 0 ? 0 : i;
}

export function poolOf(region: string): { base: number; size: number } {
  return { base: (POOL_BASE + regionIndex(region) * POOL_SIZE) >>> 0, size: POOL_SIZE };
}

function inUsePublicIps(world: World, region: string): Set<string> {
  const used = new Set<string>();
  for (const rs of world.regionStates()) {
    if (rs.region !== region) continue;
    for (const e of rs.addresses.values()) used.add(e.publicIp);
    for (const eni of rs.networkInterfaces.values()) if (eni.association) used.add(eni.association.publicIp);
  }
  return used;
}

/** The next public address of the region's pool. */
export function allocatePublicIp(world: World, region: string): string {
  // The cursors live in the id source, so they restart when the world is reset and persist with it.
  const byRegion = world.ids.counters;
  const { base, size } = poolOf(region);
  let n = byRegion.get(region) ?? 256; // start at x.y.1.1-ish, past the block's first /24
  let used: Set<string> | undefined;
  for (let tries = 0; tries < size; tries++) {
    n = (n + 1) % size;
    const last = n & 255;
    if (last === 0 || last === 255) continue;
    const ip = formatIp((base + n) >>> 0);
    used ??= inUsePublicIps(world, region);
    if (used.has(ip)) continue;
    byRegion.set(region, n);
    return ip;
  }
  throw insufficientAddressCapacity();
}

/** Gives an interface an auto-assigned public address (not an EIP) if it should have one. */
export function assignAutoPublicIp(world: World, rs: RegionState, eni: NetworkInterface): void {
  const privateIp = primaryIp(eni);
  if (eni.association || !eni.publicIpOnLaunch || privateIp === undefined) return; // IPv6-only: no public IPv4
  eni.association = { publicIp: allocatePublicIp(world, rs.region), ipOwnerId: "amazon", privateIp };
}

/** Drops an auto-assigned public address; an elastic IP stays. */
export function releaseAutoPublicIp(eni: NetworkInterface): void {
  if (eni.association && !eni.association.allocationId) delete eni.association;
}

// ---- elastic IPs --------------------------------------------------------------------------------

export function getAllocation(rs: RegionState, id: string | undefined): ElasticIp {
  if (id === undefined) throw missingParameter("AllocationId");
  if (!EIPALLOC_ID.test(id)) throw allocationMalformed(id);
  const eip = rs.addresses.get(id);
  if (!eip) throw allocationNotFound(id);
  return eip;
}

function byPublicIp(rs: RegionState, ip: string): ElasticIp {
  for (const e of rs.addresses.values()) if (e.publicIp === ip) return e;
  throw addressNotFound(ip);
}

function vpcHasIgw(rs: RegionState, vpcId: string): boolean {
  for (const igw of rs.internetGateways.values()) {
    if (igw.attachments.some((a) => a.vpcId === vpcId && a.state === "available")) return true;
  }
  return false;
}

export function allocateAddress(
  world: World,
  rs: RegionState,
  opts: { domain?: string; address?: string; networkBorderGroup?: string; publicIpv4Pool?: string; tags: Tags },
): ElasticIp {
  if (opts.domain !== undefined && opts.domain !== "vpc") {
    throw invalidParameterValue(`Value (${opts.domain}) for parameter domain is invalid. Only 'vpc' is supported: EC2-Classic is retired.`);
  }
  if (opts.networkBorderGroup !== undefined && opts.networkBorderGroup !== rs.region) {
    throw invalidParameterValue(`Invalid value '${opts.networkBorderGroup}' for networkBorderGroup.`);
  }
  if (opts.publicIpv4Pool !== undefined && opts.publicIpv4Pool !== "amazon") {
    throw publicIpv4PoolNotFound(opts.publicIpv4Pool);
  }
  if (rs.addresses.size >= world.quotas.elasticIpsPerRegion) throw addressLimitExceeded();
  let publicIp: string;
  if (opts.address !== undefined) {
    const ip = parseIp(opts.address);
    const { base, size } = poolOf(rs.region);
    if (ip === undefined || ip < base || ip >= base + size || inUsePublicIps(world, rs.region).has(opts.address)) {
      throw addressNotFound(opts.address);
    }
    publicIp = opts.address;
  } else {
    publicIp = allocatePublicIp(world, rs.region);
  }
  const eip: ElasticIp = {
    id: world.ids.next("eipalloc"),
    ownerId: rs.account,
    region: rs.region,
    tags: opts.tags,
    publicIp,
    domain: "vpc",
    networkBorderGroup: rs.region,
  };
  rs.addresses.set(eip.id, eip);
  return eip;
}

export interface AssociateInput {
  allocationId?: string;
  publicIp?: string;
  instanceId?: string;
  networkInterfaceId?: string;
  privateIpAddress?: string;
  allowReassociation?: boolean;
}

export function associateAddress(world: World, rs: RegionState, input: AssociateInput): string {
  if (input.allocationId === undefined && input.publicIp === undefined) throw missingParameter("AllocationId");
  const eip = input.allocationId !== undefined ? getAllocation(rs, input.allocationId) : byPublicIp(rs, input.publicIp!);
  if (input.instanceId === undefined && input.networkInterfaceId === undefined) throw missingParameter("InstanceId or NetworkInterfaceId");
  let eni: NetworkInterface;
  if (input.networkInterfaceId !== undefined) {
    eni = getEni(rs, input.networkInterfaceId);
    if (input.instanceId !== undefined && eni.attachment?.instanceId !== input.instanceId) {
      throw invalidParameterCombination(`Network interface ${eni.id} is not attached to instance ${input.instanceId}.`);
    }
  } else {
    const inst = rs.instances.get(input.instanceId!);
    if (!/^i-([0-9a-f]{8}|[0-9a-f]{17})$/.test(input.instanceId!)) {
      throw instanceMalformed(input.instanceId!);
    }
    if (!inst || inst.state === "terminated") throw instanceNotFound(input.instanceId!);
    if (inst.state !== "running" && inst.state !== "stopped" && inst.state !== "pending") {
      throw instanceStateInvalid(inst.id);
    }
    const enis = enisOf(rs, inst.id);
    if (enis.length > 1) {
      throw multipleInterfaces(inst.id);
    }
    eni = rs.networkInterfaces.get(inst.primaryEniId)!;
  }
  // A NAT gateway's or an endpoint's interface belongs to AWS: its addresses change through that service.
  if (eni.requesterManaged) throw interfaceTypeNotManaged(eni.interfaceType);
  const privateIp = input.privateIpAddress ?? primaryIp(eni);
  if (privateIp === undefined) throw ipv6NativeNoPublicIpv4(eni.subnetId);
  if (!eni.privateIps.some((p) => p.address === privateIp)) {
    throw invalidParameterValue(`The specified private IP address ${privateIp} is not assigned to interface ${eni.id}.`);
  }
  if (!vpcHasIgw(rs, eni.vpcId)) throw vpcWithoutIgw(eni.vpcId);
  const sameTarget = eip.association?.networkInterfaceId === eni.id && eip.association.privateIp === privateIp;
  if (eip.association && !sameTarget && !input.allowReassociation) {
    throw resourceAlreadyAssociated(`resource ${eip.id} is already associated with associate-id ${eip.association.id}`);
  }
  // Move: the EIP leaves its old interface, and whatever public address the target had goes.
  if (eip.association) {
    const old = rs.networkInterfaces.get(eip.association.networkInterfaceId);
    if (old) {
      delete old.association;
      if (old.id !== eni.id) restoreAutoPublicIp(world, rs, old);
    }
    delete eip.association;
  }
  clearPublicAddress(rs, eni);
  const associationId = world.ids.next("eipassoc");
  eip.association = { id: associationId, networkInterfaceId: eni.id, instanceId: eni.attachment?.instanceId, privateIp };
  eni.association = { publicIp: eip.publicIp, allocationId: eip.id, associationId, ipOwnerId: rs.account, privateIp };
  return associationId;
}

/** After an EIP leaves, an instance's only interface gets a fresh auto-assigned address if it had one. */
function restoreAutoPublicIp(world: World, rs: RegionState, eni: NetworkInterface): void {
  const instId = eni.attachment?.instanceId;
  if (!instId) return;
  const inst = rs.instances.get(instId);
  if (!inst || (inst.state !== "running" && inst.state !== "pending")) return;
  if (enisOf(rs, instId).length !== 1) return;
  assignAutoPublicIp(world, rs, eni);
}

export function disassociateAddress(world: World, rs: RegionState, associationId: string | undefined, publicIp: string | undefined): void {
  let eip: ElasticIp | undefined;
  if (associationId !== undefined) {
    if (!EIPASSOC_ID.test(associationId)) {
      throw eipAssociationMalformed(associationId);
    }
    for (const e of rs.addresses.values()) if (e.association?.id === associationId) eip = e;
    if (!eip) throw associationNotFound(associationId);
  } else if (publicIp !== undefined) {
    eip = byPublicIp(rs, publicIp);
    if (!eip.association) throw invalidParameterValue(`The address ${publicIp} is not associated.`);
  } else {
    throw missingParameter("AssociationId");
  }
  const eni = rs.networkInterfaces.get(eip.association!.networkInterfaceId);
  if (eni?.requesterManaged) throw interfaceTypeNotManaged(eni.interfaceType);
  delete eip.association;
  if (eni) {
    delete eni.association;
    restoreAutoPublicIp(world, rs, eni);
  }
}

export function releaseAddress(world: World, rs: RegionState, allocationId: string | undefined, publicIp: string | undefined): void {
  let eip: ElasticIp;
  if (allocationId !== undefined) eip = getAllocation(rs, allocationId);
  else if (publicIp !== undefined) {
    throw invalidParameterValue("You must specify an allocation id when releasing a VPC elastic IP address");
  } else throw missingParameter("AllocationId");
  if (eip.association) throw addressInUse(eip.publicIp);
  rs.addresses.delete(eip.id);
}
