/**
 * NAT gateways: create (public with an elastic IP, or private), delete, the lifecycle
 * pending → available | failed, deleting → deleted (kept visible about an hour), secondary addresses
 * (Assign/UnassignPrivateNatGatewayAddress, Associate/DisassociateNatGatewayAddress), and the
 * requester-managed network interface each gateway owns.
 *
 * Reference: EC2 API CreateNatGateway, DeleteNatGateway, DescribeNatGateways, NatGateway (FailureCode and
 * FailureMessage values), NatGatewayAddress, AssignPrivateNatGatewayAddress, AssociateNatGatewayAddress,
 * UnassignPrivateNatGatewayAddress, DisassociateNatGatewayAddress; VPC User Guide "NAT gateways"
 * (a public NAT gateway lives in a public subnet and needs an elastic IP and an internet gateway in the
 * VPC; a private one translates to its private IP; up to 8 addresses by default; a deleted NAT gateway
 * stays visible for about an hour; its network interface has type `nat_gateway`).
 *
 * Fidelity notes:
 * - Synchronous refusals: a missing or unknown subnet or allocation id, an EIP given to a private NAT
 *   gateway, a private address outside the subnet. What AWS reports asynchronously becomes a `failed`
 *   gateway with AWS's FailureCode/FailureMessage when the pending state settles: `Gateway.NotAttached`
 *   (a public NAT gateway in a VPC without an attached internet gateway), `Resource.AlreadyAssociated`
 *   (the elastic IP is associated with something else), `InsufficientFreeAddressesInSubnet` (decided at
 *   once, the gateway is made `failed`). A failed gateway has no network interface and is forgotten an
 *   hour later, like a deleted one.
 * - The interface (type `nat_gateway`, requester-managed, source/destination check off, no security
 *   groups, status `in-use`, no attachment record) is made at Create and removed when the gateway is
 *   deleted or fails; the elastic IP is associated with it when the gateway becomes available, so
 *   DescribeAddresses shows the association (interface, private IP, no instance), and is released from
 *   it at deletion. DeleteNetworkInterface refuses it (requester-managed).
 * - Zonal NAT gateways only: `AvailabilityMode=regional`, `VpcId` and `AvailabilityZoneAddresses` are
 *   refused. Provisioned bandwidth is not modelled. The quota is 5 NAT gateways per Availability Zone
 *   (AWS's default; `quotas.natGatewaysPerZone`), and 8 addresses per gateway.
 * - Secondary address changes answer `assigning`/`associating`/`unassigning`/`disassociating` and
 *   settle to `succeeded` (or drop out of the list) at the next request (delay `nat.addresses`). An EIP
 *   that is already associated is refused synchronously by AssociateNatGatewayAddress
 *   (Resource.AlreadyAssociated) rather than reported as a failed address.
 * - Delays: `nat.pending` (pending → available/failed) and `nat.deleting` (deleting → deleted), 0 by
 *   default like every delay (real AWS takes a few minutes to create and about a minute to delete).
 * - The wording of the state refusals (a change to a gateway that is not available) is vpclab's.
 */
import { defineTransition, type RegionState, type World } from "../state/world.js";
import type { ElasticIp, NatGateway, NatGatewayAddressRecord, NetworkInterface, Subnet, Tags } from "./types.js";
import { formatIp } from "./cidr.js";
import {
  natInsufficientAddresses,
  idempotentParameterMismatch,
  invalidParameterValue,
  missingParameter,
  NAT_FAILURES,
  natGatewayAddressesAndCount,
  natGatewayAddressInUse,
  natGatewayAddressNotFound,
  natGatewayConnectivityType,
  natGatewayLimitExceeded,
  natGatewayMalformed,
  natGatewayNotFoundDescribe,
  natGatewayPrimaryAddress,
  natGatewayPrivateWithEip,
  natGatewayRegionalUnsupported,
  natGatewayWrongState,
  resourceAlreadyAssociated,
  associationNotFound,
  natGatewayAddressLimit,
} from "./errors.js";
import { isWellFormedId } from "./ids.js";
import { getSubnet } from "./subnets.js";
import { getAllocation } from "./addresses.js";
import { checkRequestedAddress, newMacAddress, nextFreeAddress, takenAddresses } from "./network-interfaces.js";

const HOUR = 3_600_000;
/** AWS's default: a NAT gateway holds up to 8 addresses (primary included). */
export const MAX_NAT_ADDRESSES = 8;
/** Shown as the NAT gateway interface's RequesterId (AWS shows an AWS-owned account). */
const NAT_REQUESTER = "amazon-nat-gateway";

export function getNatGateway(rs: RegionState, id: string | undefined): NatGateway {
  if (id === undefined || id === "") throw missingParameter("NatGatewayId");
  const nat = rs.natGateways.get(id);
  if (!nat) {
    if (!isWellFormedId("nat", id)) throw natGatewayMalformed(id);
    throw natGatewayNotFoundDescribe(id);
  }
  return nat;
}

function requireAvailable(nat: NatGateway, op: string): void {
  if (nat.state !== "available") throw natGatewayWrongState(nat.id, nat.state, op);
}

function vpcHasIgw(rs: RegionState, vpcId: string): boolean {
  for (const igw of rs.internetGateways.values()) if (igw.attachments.some((a) => a.vpcId === vpcId && a.state === "available")) return true;
  return false;
}

export interface CreateNatInput {
  subnetId?: string;
  allocationId?: string;
  connectivityType?: string;
  privateIpAddress?: string;
  secondaryAllocationIds?: string[];
  secondaryPrivateIpAddresses?: string[];
  secondaryPrivateIpAddressCount?: number;
  clientToken?: string;
  availabilityMode?: string;
  vpcId?: string;
  availabilityZoneAddresses?: unknown[];
  tags: Tags;
}

/** Picks the gateway's addresses (primary first); `undefined` when the subnet has too few free. */
function pickNatAddresses(rs: RegionState, subnet: Subnet, primary: string | undefined, secondaries: string[], count: number): string[] | undefined {
  const taken = takenAddresses(rs, subnet.id);
  const out: string[] = [];
  const want = [primary, ...secondaries];
  for (const w of want) {
    if (w === undefined) continue;
    const ip = checkRequestedAddress(subnet, w, taken, w === primary ? "PrivateIpAddress" : "SecondaryPrivateIpAddresses");
    taken.add(ip);
    out.push(formatIp(ip));
  }
  const extra = (primary === undefined ? 1 : 0) + count;
  const free: string[] = [];
  for (let i = 0; i < extra; i++) {
    const ip = nextFreeAddress(subnet, taken);
    if (ip === undefined) return undefined;
    taken.add(ip);
    free.push(formatIp(ip));
  }
  // The picked primary goes first.
  return primary === undefined ? [free[0]!, ...out, ...free.slice(1)] : [...out, ...free];
}

export function createNatGateway(world: World, rs: RegionState, input: CreateNatInput): NatGateway {
  if (input.availabilityMode !== undefined && input.availabilityMode !== "zonal") throw natGatewayRegionalUnsupported(input.availabilityMode);
  if (input.vpcId !== undefined || (input.availabilityZoneAddresses?.length ?? 0) > 0) throw natGatewayRegionalUnsupported(input.availabilityMode ?? "regional");
  const type = input.connectivityType ?? "public";
  if (type !== "public" && type !== "private") throw natGatewayConnectivityType(type);
  if (input.subnetId === undefined || input.subnetId === "") throw missingParameter("SubnetId");
  const subnet = getSubnet(rs, input.subnetId);
  const secondaryAllocs = input.secondaryAllocationIds ?? [];
  let primaryEip: ElasticIp | undefined;
  const secondaryEips: ElasticIp[] = [];
  if (type === "private") {
    if (input.allocationId !== undefined || secondaryAllocs.length > 0) throw natGatewayPrivateWithEip();
  } else {
    if (input.allocationId === undefined || input.allocationId === "") throw missingParameter("AllocationId");
    primaryEip = getAllocation(rs, input.allocationId);
    for (const a of secondaryAllocs) secondaryEips.push(getAllocation(rs, a));
    const all = [primaryEip.id, ...secondaryEips.map((e) => e.id)];
    if (new Set(all).size !== all.length) throw invalidParameterValue("The same allocation id was specified more than once.");
  }
  const secIps = input.secondaryPrivateIpAddresses ?? [];
  const secCount = input.secondaryPrivateIpAddressCount;
  if (secIps.length > 0 && secCount !== undefined) throw natGatewayAddressesAndCount();
  if (secCount !== undefined && (!Number.isInteger(secCount) || secCount < 1 || secCount > MAX_NAT_ADDRESSES - 1)) {
    throw invalidParameterValue(`Value (${secCount}) for parameter SecondaryPrivateIpAddressCount is invalid. It must be from 1 to ${MAX_NAT_ADDRESSES - 1}.`);
  }
  // A public gateway's secondary EIPs each take a secondary private address.
  const extraCount = Math.max(secCount ?? 0, secondaryEips.length - secIps.length, 0);
  if (1 + secIps.length + extraCount > MAX_NAT_ADDRESSES) throw natGatewayAddressLimit(MAX_NAT_ADDRESSES);
  if (input.privateIpAddress !== undefined) checkRequestedAddress(subnet, input.privateIpAddress, takenAddresses(rs, subnet.id));
  if (input.clientToken !== undefined) {
    for (const n of rs.natGateways.values()) {
      if (n.clientToken !== input.clientToken) continue;
      if (n.subnetId !== subnet.id || n.connectivityType !== type) throw idempotentParameterMismatch(input.clientToken);
      return n;
    }
  }
  let inZone = 0;
  for (const n of rs.natGateways.values()) {
    if (n.state === "deleted" || n.state === "failed") continue;
    if (rs.subnets.get(n.subnetId)?.availabilityZone === subnet.availabilityZone) inZone++;
  }
  if (inZone >= world.quotas.natGatewaysPerZone) throw natGatewayLimitExceeded();
  const ips = pickNatAddresses(rs, subnet, input.privateIpAddress, secIps, extraCount);
  const nat: NatGateway = {
    id: world.ids.next("nat"),
    ownerId: rs.account,
    region: rs.region,
    tags: input.tags,
    vpcId: subnet.vpcId,
    subnetId: subnet.id,
    connectivityType: type,
    state: "pending",
    createdAt: world.clock.now(),
    addresses: [],
  };
  if (input.clientToken !== undefined) nat.clientToken = input.clientToken;
  rs.natGateways.set(nat.id, nat);
  if (!ips) {
    const f = NAT_FAILURES.insufficientAddresses();
    fail(world, rs, nat, f.code, f.message);
    if (primaryEip) nat.addresses.push({ allocationId: primaryEip.id, privateIp: "", isPrimary: true, status: "failed" });
    return nat;
  }
  const eni = createNatInterface(world, rs, subnet, nat.id, ips);
  nat.eniId = eni.id;
  const eips = [primaryEip, ...secondaryEips];
  ips.forEach((ip, i) => {
    const a: NatGatewayAddressRecord = { privateIp: ip, isPrimary: i === 0, status: eips[i] ? "associating" : "assigning" };
    const eip = eips[i];
    if (eip) {
      a.allocationId = eip.id;
      a.publicIp = eip.publicIp;
    }
    nat.addresses.push(a);
  });
  world.after("nat.pending", { kind: "nat.pending", id: nat.id, account: rs.account, region: rs.region });
  return nat;
}

function createNatInterface(world: World, rs: RegionState, subnet: Subnet, natId: string, ips: string[]): NetworkInterface {
  const eni: NetworkInterface = {
    id: world.ids.next("eni"),
    ownerId: rs.account,
    region: rs.region,
    tags: new Map(),
    subnetId: subnet.id,
    vpcId: subnet.vpcId,
    availabilityZone: subnet.availabilityZone,
    description: `Interface for NAT Gateway ${natId}`,
    macAddress: newMacAddress(world),
    privateIps: ips.map((address, i) => ({ address, primary: i === 0 })),
    securityGroupIds: [],
    sourceDestCheck: false,
    interfaceType: "nat_gateway",
    status: "in-use",
    requesterManaged: true,
    requesterId: NAT_REQUESTER,
  };
  rs.networkInterfaces.set(eni.id, eni);
  return eni;
}

/** Ends a gateway that could not be made: no interface, AWS's failure code and message. */
function fail(world: World, rs: RegionState, nat: NatGateway, code: string, message: string): void {
  nat.state = "failed";
  nat.failureCode = code;
  nat.failureMessage = message;
  nat.deletedAt = world.clock.now();
  releaseInterface(rs, nat);
  for (const a of nat.addresses) {
    a.status = "failed";
    delete a.associationId;
  }
  world.at(world.clock.now() + HOUR, { kind: "nat.forget", id: nat.id, account: rs.account, region: rs.region });
}

/** Removes the gateway's interface and the elastic IP associations on it. */
function releaseInterface(rs: RegionState, nat: NatGateway): void {
  if (nat.eniId === undefined) return;
  for (const a of nat.addresses) {
    if (a.allocationId === undefined) continue;
    const eip = rs.addresses.get(a.allocationId);
    if (eip?.association?.networkInterfaceId === nat.eniId) delete eip.association;
  }
  rs.networkInterfaces.delete(nat.eniId);
  delete nat.eniId;
}

/** Associates an elastic IP with one of the gateway interface's private addresses. */
function bindEip(world: World, rs: RegionState, nat: NatGateway, a: NatGatewayAddressRecord): boolean {
  const eip = a.allocationId === undefined ? undefined : rs.addresses.get(a.allocationId);
  const eni = nat.eniId === undefined ? undefined : rs.networkInterfaces.get(nat.eniId);
  if (!eip || !eni) return false;
  if (eip.association && eip.association.networkInterfaceId !== eni.id) return false;
  const associationId = eip.association?.id ?? world.ids.next("eipassoc");
  eip.association = { id: associationId, networkInterfaceId: eni.id, privateIp: a.privateIp };
  a.associationId = associationId;
  a.publicIp = eip.publicIp;
  // The interface's own association is its primary address's (the engine translates by it); the
  // secondary EIPs are found through the gateway's address list.
  if (a.isPrimary) eni.association = { publicIp: eip.publicIp, allocationId: eip.id, associationId, ipOwnerId: rs.account, privateIp: a.privateIp };
  return true;
}

defineTransition("nat.pending", (world, t) => {
  const rs = world.existingRegion(t.account, t.region);
  const nat = rs?.natGateways.get(t.id);
  if (!rs || nat?.state !== "pending") return;
  if (nat.connectivityType === "public" && !vpcHasIgw(rs, nat.vpcId)) {
    const f = NAT_FAILURES.notAttached(nat.vpcId);
    return fail(world, rs, nat, f.code, f.message);
  }
  for (const a of nat.addresses) {
    if (a.allocationId === undefined) continue;
    const eip = rs.addresses.get(a.allocationId);
    if (!eip || (eip.association && eip.association.networkInterfaceId !== nat.eniId)) {
      const f = NAT_FAILURES.alreadyAssociated(a.allocationId);
      return fail(world, rs, nat, f.code, f.message);
    }
  }
  for (const a of nat.addresses) {
    if (a.allocationId !== undefined) bindEip(world, rs, nat, a);
    a.status = "succeeded";
  }
  nat.state = "available";
});

defineTransition("nat.deleting", (world, t) => {
  const rs = world.existingRegion(t.account, t.region);
  const nat = rs?.natGateways.get(t.id);
  if (!rs || nat?.state !== "deleting") return;
  releaseInterface(rs, nat);
  for (const a of nat.addresses) delete a.associationId;
  nat.state = "deleted";
  nat.deletedAt = world.clock.now();
  world.at(world.clock.now() + HOUR, { kind: "nat.forget", id: nat.id, account: rs.account, region: rs.region });
});

defineTransition("nat.forget", (world, t) => {
  const rs = world.existingRegion(t.account, t.region);
  const nat = rs?.natGateways.get(t.id);
  if (nat && (nat.state === "deleted" || nat.state === "failed")) rs!.natGateways.delete(nat.id);
});

/** Settles secondary-address changes: new ones succeed, removed ones leave the list (and the interface). */
defineTransition("nat.addresses", (world, t) => {
  const rs = world.existingRegion(t.account, t.region);
  const nat = rs?.natGateways.get(t.id);
  if (!rs || !nat) return;
  const eni = nat.eniId === undefined ? undefined : rs.networkInterfaces.get(nat.eniId);
  const keep: NatGatewayAddressRecord[] = [];
  for (const a of nat.addresses) {
    if (a.status === "unassigning") {
      if (eni) eni.privateIps = eni.privateIps.filter((p) => p.address !== a.privateIp);
      continue;
    }
    if (a.status === "disassociating") {
      const eip = a.allocationId === undefined ? undefined : rs.addresses.get(a.allocationId);
      if (eip && eip.association?.networkInterfaceId === nat.eniId) delete eip.association;
      keep.push({ privateIp: a.privateIp, isPrimary: false, status: "succeeded" });
      continue;
    }
    if (a.status === "associating" && nat.state === "available") bindEip(world, rs, nat, a);
    if (a.status === "assigning" || a.status === "associating") a.status = "succeeded";
    keep.push(a);
  }
  nat.addresses = keep;
});

export function deleteNatGateway(world: World, rs: RegionState, id: string | undefined): NatGateway {
  const nat = getNatGateway(rs, id);
  if (nat.state === "deleted") throw natGatewayNotFoundDescribe(nat.id);
  if (nat.state === "deleting") return nat;
  if (nat.state === "failed") {
    nat.state = "deleted";
    return nat;
  }
  nat.state = "deleting";
  world.after("nat.deleting", { kind: "nat.deleting", id: nat.id, account: rs.account, region: rs.region });
  return nat;
}

function settleAddressesLater(world: World, rs: RegionState, nat: NatGateway): void {
  world.after("nat.addresses", { kind: "nat.addresses", id: nat.id, account: rs.account, region: rs.region });
}

function natInterface(rs: RegionState, nat: NatGateway): NetworkInterface {
  const eni = nat.eniId === undefined ? undefined : rs.networkInterfaces.get(nat.eniId);
  if (!eni) throw natGatewayWrongState(nat.id, nat.state, "this change");
  return eni;
}

/** AssignPrivateNatGatewayAddress: more private addresses on the gateway's interface. */
export function assignPrivateNatGatewayAddress(world: World, rs: RegionState, id: string | undefined, addresses: string[] | undefined, count: number | undefined): NatGateway {
  const nat = getNatGateway(rs, id);
  requireAvailable(nat, "AssignPrivateNatGatewayAddress");
  const list = addresses ?? [];
  if (list.length > 0 && count !== undefined) throw natGatewayAddressesAndCount();
  if (list.length === 0 && count === undefined) throw missingParameter("PrivateIpAddresses or PrivateIpAddressCount");
  if (count !== undefined && (!Number.isInteger(count) || count < 1)) throw invalidParameterValue(`Value (${count}) for parameter PrivateIpAddressCount is invalid.`);
  const n = list.length + (count ?? 0);
  if (nat.addresses.length + n > MAX_NAT_ADDRESSES) throw natGatewayAddressLimit(MAX_NAT_ADDRESSES);
  const subnet = getSubnet(rs, nat.subnetId);
  const taken = takenAddresses(rs, subnet.id);
  let picked: string[] | undefined = [];
  for (const want of list) {
    const ip = checkRequestedAddress(subnet, want, taken, "PrivateIpAddresses");
    taken.add(ip);
    picked.push(formatIp(ip));
  }
  for (let i = 0; i < (count ?? 0); i++) {
    const ip = nextFreeAddress(subnet, taken);
    if (ip === undefined) {
      picked = undefined;
      break;
    }
    taken.add(ip);
    picked.push(formatIp(ip));
  }
  if (!picked) throw natInsufficientAddresses();
  const eni = natInterface(rs, nat);
  for (const ip of picked) {
    eni.privateIps.push({ address: ip, primary: false });
    nat.addresses.push({ privateIp: ip, isPrimary: false, status: "assigning" });
  }
  settleAddressesLater(world, rs, nat);
  return nat;
}

export function unassignPrivateNatGatewayAddress(world: World, rs: RegionState, id: string | undefined, addresses: string[] | undefined): NatGateway {
  const nat = getNatGateway(rs, id);
  requireAvailable(nat, "UnassignPrivateNatGatewayAddress");
  if (!addresses || addresses.length === 0) throw missingParameter("PrivateIpAddresses");
  const found: NatGatewayAddressRecord[] = [];
  for (const addr of addresses) {
    const a = nat.addresses.find((x) => x.privateIp === addr && x.status !== "unassigning");
    if (!a) throw natGatewayAddressNotFound(nat.id, addr);
    if (a.isPrimary) throw natGatewayPrimaryAddress(addr);
    if (a.allocationId !== undefined) throw natGatewayAddressInUse(addr);
    found.push(a);
  }
  for (const a of found) a.status = "unassigning";
  settleAddressesLater(world, rs, nat);
  return nat;
}

export function associateNatGatewayAddress(world: World, rs: RegionState, id: string | undefined, allocationIds: string[] | undefined, privateIps: string[] | undefined): NatGateway {
  const nat = getNatGateway(rs, id);
  if (nat.connectivityType !== "public") throw natGatewayPrivateWithEip();
  requireAvailable(nat, "AssociateNatGatewayAddress");
  if (!allocationIds || allocationIds.length === 0) throw missingParameter("AllocationIds");
  const eips = allocationIds.map((a) => getAllocation(rs, a));
  for (const e of eips) {
    if (e.association) throw resourceAlreadyAssociated(`Elastic IP address ${e.id} is already associated`);
    if (nat.addresses.some((a) => a.allocationId === e.id)) throw resourceAlreadyAssociated(`Elastic IP address ${e.id} is already associated`);
  }
  const eni = natInterface(rs, nat);
  const given = privateIps ?? [];
  if (given.length > 0 && given.length !== eips.length) throw invalidParameterValue("Specify one private IP address per allocation id.");
  const targets: NatGatewayAddressRecord[] = [];
  for (const ip of given) {
    const a = nat.addresses.find((x) => x.privateIp === ip && x.status === "succeeded");
    if (!a) throw natGatewayAddressNotFound(nat.id, ip);
    if (a.allocationId !== undefined || a.isPrimary) throw resourceAlreadyAssociated(`The private IP address ${ip} already has an elastic IP address associated`);
    targets.push(a);
  }
  const fresh = given.length === 0 ? eips.length : 0;
  if (nat.addresses.length + fresh > MAX_NAT_ADDRESSES) throw natGatewayAddressLimit(MAX_NAT_ADDRESSES);
  if (fresh > 0) {
    const subnet = getSubnet(rs, nat.subnetId);
    const taken = takenAddresses(rs, subnet.id);
    for (let i = 0; i < fresh; i++) {
      const ip = nextFreeAddress(subnet, taken);
      if (ip === undefined) throw natInsufficientAddresses();
      taken.add(ip);
      const text = formatIp(ip);
      eni.privateIps.push({ address: text, primary: false });
      const a: NatGatewayAddressRecord = { privateIp: text, isPrimary: false, status: "associating" };
      nat.addresses.push(a);
      targets.push(a);
    }
  }
  targets.forEach((a, i) => {
    a.allocationId = eips[i]!.id;
    a.publicIp = eips[i]!.publicIp;
    a.status = "associating";
    // Held for this gateway at once, so no other call can take the address meanwhile.
    eips[i]!.association = { id: world.ids.next("eipassoc"), networkInterfaceId: eni.id, privateIp: a.privateIp };
    a.associationId = eips[i]!.association!.id;
  });
  settleAddressesLater(world, rs, nat);
  return nat;
}

export function disassociateNatGatewayAddress(world: World, rs: RegionState, id: string | undefined, associationIds: string[] | undefined): NatGateway {
  const nat = getNatGateway(rs, id);
  requireAvailable(nat, "DisassociateNatGatewayAddress");
  if (!associationIds || associationIds.length === 0) throw missingParameter("AssociationIds");
  const found: NatGatewayAddressRecord[] = [];
  for (const assoc of associationIds) {
    const a = nat.addresses.find((x) => x.associationId === assoc);
    if (!a) throw associationNotFound(assoc);
    if (a.isPrimary) throw natGatewayPrimaryAddress(a.publicIp ?? a.privateIp);
    found.push(a);
  }
  for (const a of found) a.status = "disassociating";
  settleAddressesLater(world, rs, nat);
  return nat;
}

/** The public address a NAT gateway's private address is translated to, for the network engine. */
export function natPublicIp(nat: NatGateway): string | undefined {
  return nat.addresses.find((a) => a.isPrimary)?.publicIp;
}
