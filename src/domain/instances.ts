/**
 * EC2 instances: RunInstances (placement in a subnet, private and public addresses, security groups,
 * key pair, user data), the instance life cycle, instance attributes, and attaching and detaching
 * network interfaces (an instance's device slots).
 *
 * References: EC2 API RunInstances, StartInstances, StopInstances, RebootInstances, TerminateInstances,
 * ModifyInstanceAttribute, DescribeInstanceAttribute, AttachNetworkInterface, DetachNetworkInterface;
 * EC2 User Guide "Instance state changes" (state codes 0 pending, 16 running, 32 shutting-down,
 * 48 terminated, 64 stopping, 80 stopped; terminated instances stay visible for about an hour),
 * "Public IPv4 addresses" (released at stop, new one at start), "Network interfaces" (same AZ,
 * the primary interface cannot be detached).
 *
 * State transitions settle through the world's scheduler. Delay names (ms of emulator time, server
 * option `delays`; all default to 0 = settled by the next request, except the last):
 * - `instance.running`     pending → running (RunInstances, StartInstances)
 * - `instance.stopped`     stopping → stopped
 * - `instance.terminated`  shutting-down → terminated
 * - `instance.vanish`      how long a terminated instance stays visible (default 3 600 000: one hour)
 *
 * Fidelity notes:
 * - Any well-formed `ami-` id launches (see images.ts); an id outside the catalogue is an x86_64 Linux
 *   image. Instance types are checked against the catalogue (instance-types.ts: every type AWS lists);
 *   a type whose architectures do not include the image's is refused, in AWS's words.
 * - The private address is the lowest free non-reserved address of the subnet unless one is asked
 *   for. Public addresses come from the emulator's fake pool (addresses.ts) and are assigned at
 *   launch when the subnet maps them or AssociatePublicIpAddress asks.
 * - Volumes live in volumes.ts (root volume and mappings made at launch, released at termination). No capacity limits beyond free subnet addresses and the `instancesPerRegion` quota
 *   (counted in instances, not vCPUs). Launch templates, spot options, placement groups, Elastic
 *   Inference and the like are not built (refused with a clear error where they change behaviour;
 *   launch options (credits, monitoring, metadata, IAM profile, …) live in instance-options.ts).
 * - Attaching an interface from another VPC (multi-VPC ENI attachments) is refused.
 * - Instance status checks report `ok` as soon as an instance runs (AWS shows `initializing` first).
 */
import { defineTransition, type RegionState, type World } from "../state/world.js";
import type { Instance, InstanceStateName, NetworkInterface, Subnet, Tags } from "./types.js";
import {
  invalidParameterCombination,
  invalidParameterValue,
  missingParameter,
  operationNotPermitted,
  instanceMalformed,
  instancesNotFound,
  incorrectState,
  eniInUse,
  insufficientAddresses,
  keyPairNotFound,
  noDefaultVpc,
  noDefaultSubnets,
  noDefaultSubnetInZone,
  groupNameNotFoundInDefaultVpc,
  tooManyNetworkInterfaces,
  instanceLimitExceeded,
  instanceNotStopped,
  multipleInterfaces,
  instanceStateInvalid,
  attachmentLimitExceeded,
  attachmentMalformed,
  attachmentNotFound,
  ipv6NativeNoPublicIpv4,
  ipv6NativeNoPrivateIpv4,
} from "./errors.js";
import { getSubnet, RESERVED_PER_SUBNET } from "./subnets.js";
import { cidrOf, sizeOf } from "./cidr.js";
import { defaultVpc, getInstance, INSTANCE_ID } from "./lookup.js";
import { zonesOf } from "../model/regions.js";
import { imageForLaunch } from "./images.js";
import {
  addressRequest,
  checkRequestedAddress,
  clearPublicAddress,
  createEniRecord,
  defaultGroupOf,
  enisOf,
  getEni,
  pickAddresses,
  resolveGroupIds,
  takenAddresses,
} from "./network-interfaces.js";
import { assignAutoPublicIp, releaseAutoPublicIp } from "./addresses.js";
import { checkArchitecture, checkInstanceType, instanceTypeInfo } from "./instance-types.js";
import { releaseVolumes } from "./volumes.js";

// ---- instance types (catalogue: instance-types.ts) -----------------------------------------------

/** What RunInstances launches when no type is given (AWS's legacy default). */
export const DEFAULT_INSTANCE_TYPE = "m1.small";

// ---- look-ups and errors ------------------------------------------------------------------------


export const STATE_CODES: Record<InstanceStateName, number> = {
  pending: 0,
  running: 16,
  "shutting-down": 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

/** Every id must be well-formed and exist; the missing ones are named together, as EC2 does. */
export function getInstances(rs: RegionState, ids: string[] | undefined): Instance[] {
  if (!ids || ids.length === 0) throw missingParameter("InstanceId");
  for (const id of ids) if (!INSTANCE_ID.test(id)) throw instanceMalformed(id);
  const unique = [...new Set(ids)];
  const missing = unique.filter((id) => !rs.instances.has(id));
  if (missing.length > 0) throw instancesNotFound(missing);
  return unique.map((id) => rs.instances.get(id)!);
}

export function isWellFormedInstanceId(id: string): boolean {
  return INSTANCE_ID.test(id);
}

export function primaryEni(rs: RegionState, inst: Instance): NetworkInterface | undefined {
  const eni = rs.networkInterfaces.get(inst.primaryEniId);
  return eni?.attachment?.instanceId === inst.id ? eni : undefined;
}

function gmt(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, " GMT");
}

// ---- RunInstances -------------------------------------------------------------------------------

export interface NetworkInterfaceSpec {
  deviceIndex?: number;
  networkInterfaceId?: string;
  subnetId?: string;
  groups?: string[];
  privateIpAddress?: string;
  privateIpAddresses?: { PrivateIpAddress?: string; Primary?: boolean }[];
  secondaryCount?: number;
  description?: string;
  deleteOnTermination?: boolean;
  associatePublicIpAddress?: boolean;
}

export interface RunInput {
  imageId?: string;
  instanceType?: string;
  minCount?: number;
  maxCount?: number;
  subnetId?: string;
  availabilityZone?: string;
  privateIpAddress?: string;
  securityGroupIds?: string[];
  securityGroupNames?: string[];
  keyName?: string;
  userData?: string;
  clientToken?: string;
  networkInterfaces?: NetworkInterfaceSpec[];
  instanceTags: Tags;
  eniTags: Tags;
  disableApiTermination?: boolean;
  disableApiStop?: boolean;
  shutdownBehavior?: string;
}

/** One interface to give each launched instance, validated. */
interface PlannedEni {
  deviceIndex: number;
  existing?: NetworkInterface;
  subnet: Subnet;
  groupIds: string[];
  requested: string[];
  extra: number;
  description?: string;
  deleteOnTermination: boolean;
  publicIp: boolean;
}

function defaultSubnet(rs: RegionState, zone: string | undefined): Subnet {
  const vpc = defaultVpc(rs);
  if (!vpc) throw noDefaultVpc();
  const candidates = [...rs.subnets.values()].filter((s) => s.vpcId === vpc.id && s.defaultForAz);
  if (candidates.length === 0) {
    throw noDefaultSubnets(vpc.id);
  }
  if (zone !== undefined) {
    if (!zonesOf(rs.region).some((z) => z.zoneName === zone)) throw invalidParameterValue(`Invalid availability zone: [${zone}]`);
    const s = candidates.find((c) => c.availabilityZone === zone);
    if (!s) throw noDefaultSubnetInZone(zone);
    return s;
  }
  const order = zonesOf(rs.region).map((z) => z.zoneName);
  candidates.sort((a, b) => order.indexOf(a.availabilityZone) - order.indexOf(b.availabilityZone));
  return candidates[0]!;
}

function groupsByName(rs: RegionState, vpcId: string, names: string[]): string[] {
  return names.map((name) => {
    for (const sg of rs.securityGroups.values()) if (sg.vpcId === vpcId && sg.name === name) return sg.id;
    throw groupNameNotFoundInDefaultVpc(name, vpcId);
  });
}

function planInterfaces(rs: RegionState, input: RunInput, maxCount: number): PlannedEni[] {
  const nis = input.networkInterfaces ?? [];
  if (nis.length === 0) {
    let subnet: Subnet;
    if (input.subnetId !== undefined) {
      subnet = getSubnet(rs, input.subnetId);
      if (input.availabilityZone !== undefined && input.availabilityZone !== subnet.availabilityZone) {
        throw invalidParameterCombination(
          `The specified subnet ${subnet.id} is in availability zone ${subnet.availabilityZone}, not ${input.availabilityZone}.`,
        );
      }
      if (input.securityGroupNames && input.securityGroupNames.length > 0) {
        throw invalidParameterCombination("The parameter groupName cannot be used with the parameter subnet");
      }
    } else {
      subnet = defaultSubnet(rs, input.availabilityZone);
    }
    let groupIds: string[] = [];
    if (input.securityGroupIds && input.securityGroupIds.length > 0) {
      groupIds = resolveGroupIds(rs, subnet.vpcId, input.securityGroupIds, subnet.id);
    }
    if (input.securityGroupNames && input.securityGroupNames.length > 0) {
      for (const id of groupsByName(rs, subnet.vpcId, input.securityGroupNames)) if (!groupIds.includes(id)) groupIds.push(id);
    }
    if (groupIds.length === 0) groupIds = [defaultGroupOf(rs, subnet.vpcId).id];
    const requested = input.privateIpAddress !== undefined ? [input.privateIpAddress] : [];
    if (requested.length > 0 && maxCount > 1) {
      throw invalidParameterCombination("A private IP address cannot be specified when launching more than one instance.");
    }
    return [{
      deviceIndex: 0,
      subnet,
      groupIds,
      requested,
      extra: requested.length === 0 ? 1 : 0,
      deleteOnTermination: true,
      publicIp: subnet.mapPublicIpOnLaunch,
    }];
  }

  if (input.subnetId !== undefined) {
    throw invalidParameterCombination("Network interfaces and an instance-level subnet ID may not be specified on the same request");
  }
  if ((input.securityGroupIds?.length ?? 0) > 0 || (input.securityGroupNames?.length ?? 0) > 0) {
    throw invalidParameterCombination("Network interfaces and an instance-level security groups may not be specified on the same request");
  }
  if (input.privateIpAddress !== undefined) {
    throw invalidParameterCombination("Network interfaces and an instance-level private IP address should not be specified on the same request");
  }
  const seen = new Set<number>();
  const planned: PlannedEni[] = [];
  for (const ni of nis) {
    const idx = ni.deviceIndex;
    if (idx === undefined) throw missingParameter("NetworkInterface.DeviceIndex");
    if (!Number.isInteger(idx) || idx < 0) throw invalidParameterValue(`Invalid value '${idx}' for DeviceIndex.`);
    if (seen.has(idx)) throw invalidParameterValue(`Each network interface requires a unique device index.`);
    seen.add(idx);
    if (ni.associatePublicIpAddress && nis.length > 1) {
      throw invalidParameterCombination("The associatePublicIPAddress parameter cannot be specified when launching with multiple network interfaces.");
    }
    if (ni.associatePublicIpAddress && idx !== 0) {
      throw invalidParameterCombination("The associatePublicIPAddress parameter can only be specified for the network interface with DeviceIndex 0.");
    }
    if (ni.networkInterfaceId !== undefined) {
      const eni = getEni(rs, ni.networkInterfaceId);
      if (ni.subnetId !== undefined || (ni.groups?.length ?? 0) > 0 || ni.privateIpAddress !== undefined) {
        throw invalidParameterCombination("A network interface ID cannot be specified together with a subnet, security groups or addresses.");
      }
      if (ni.associatePublicIpAddress) {
        throw invalidParameterCombination("The associatePublicIPAddress parameter cannot be specified for a network interface with an ID.");
      }
      if (maxCount > 1) throw invalidParameterCombination("An existing network interface cannot be attached to more than one instance.");
      if (eni.attachment || eni.status !== "available") throw eniInUse(eni.id);
      planned.push({
        deviceIndex: idx, existing: eni, subnet: getSubnet(rs, eni.subnetId), groupIds: eni.securityGroupIds, requested: [], extra: 0,
        deleteOnTermination: ni.deleteOnTermination ?? false, publicIp: false,
      });
      continue;
    }
    const subnet = ni.subnetId !== undefined ? getSubnet(rs, ni.subnetId) : defaultSubnet(rs, input.availabilityZone);
    const groupIds = ni.groups && ni.groups.length > 0
      ? resolveGroupIds(rs, subnet.vpcId, ni.groups, subnet.id)
      : [defaultGroupOf(rs, subnet.vpcId).id];
    const { requested, extra } = addressRequest(ni.privateIpAddress, ni.privateIpAddresses, ni.secondaryCount);
    if (requested.length > 0 && maxCount > 1) {
      throw invalidParameterCombination("A private IP address cannot be specified when launching more than one instance.");
    }
    if (subnet.ipv6Native && idx === 0 && ni.associatePublicIpAddress) throw ipv6NativeNoPublicIpv4(subnet.id);
    planned.push({
      deviceIndex: idx, subnet, groupIds, requested, extra, description: ni.description,
      deleteOnTermination: ni.deleteOnTermination ?? true,
      publicIp: idx === 0 ? ni.associatePublicIpAddress ?? subnet.mapPublicIpOnLaunch : false,
    });
  }
  planned.sort((a, b) => a.deviceIndex - b.deviceIndex);
  if (planned[0]!.deviceIndex !== 0) throw invalidParameterValue("A network interface with DeviceIndex 0 is required.");
  const zone = planned[0]!.subnet.availabilityZone;
  const vpc = planned[0]!.subnet.vpcId;
  for (const p of planned) {
    if (p.subnet.availabilityZone !== zone) {
      throw invalidParameterCombination("All network interfaces of an instance must be in the same availability zone.");
    }
    if (p.subnet.vpcId !== vpc) throw invalidParameterCombination("All network interfaces of an instance must be in the same VPC.");
  }
  return planned;
}

function checkUserData(userData: string | undefined): void {
  if (userData === undefined) return;
  const compact = userData.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
    throw invalidParameterValue("Invalid BASE64 encoding of user data.");
  }
  if (Buffer.from(compact, "base64").length > 16384) {
    throw invalidParameterValue("User data is limited to 16384 bytes");
  }
}

export interface RunResult {
  reservationId: string;
  instances: Instance[];
  /** The client token matched an earlier launch, whose instances these are. */
  replayed?: boolean;
}

export function runInstances(world: World, rs: RegionState, input: RunInput): RunResult {
  // Idempotency: the same client token returns the first call's reservation unchanged.
  if (input.clientToken !== undefined) {
    if (input.clientToken.length > 64) throw invalidParameterValue("The client token must be at most 64 characters long.");
    const prior = [...rs.instances.values()].filter((i) => i.clientToken === input.clientToken);
    if (prior.length > 0) return { reservationId: prior[0]!.reservationId, instances: prior, replayed: true };
  }
  const image = imageForLaunch(rs.region, input.imageId);
  const type = input.instanceType ?? DEFAULT_INSTANCE_TYPE;
  const typeInfo = checkInstanceType(type);
  checkArchitecture(typeInfo, image.architecture);
  const minCount = input.minCount;
  const maxCount = input.maxCount;
  if (minCount === undefined) throw missingParameter("MinCount");
  if (maxCount === undefined) throw missingParameter("MaxCount");
  if (!Number.isInteger(maxCount) || maxCount < 1) throw invalidParameterValue("Maximum instance count must be greater than zero");
  if (!Number.isInteger(minCount) || minCount < 1) throw invalidParameterValue("Minimum instance count must be greater than zero");
  if (minCount > maxCount) {
    throw invalidParameterValue(`Minimum instance count (${minCount}) cannot be greater than maximum instance count (${maxCount})`);
  }
  if (input.keyName !== undefined && !rs.keyPairs.has(input.keyName)) throw keyPairNotFound(input.keyName);
  checkUserData(input.userData);
  if (input.shutdownBehavior !== undefined && input.shutdownBehavior !== "stop" && input.shutdownBehavior !== "terminate") {
    throw invalidParameterValue(`Value (${input.shutdownBehavior}) for parameter instanceInitiatedShutdownBehavior is invalid.`);
  }

  const plan = planInterfaces(rs, input, maxCount);
  if (plan.length > typeInfo.maxEnis) {
    throw tooManyNetworkInterfaces(type, typeInfo.maxEnis);
  }

  // Requested addresses are validated once against what is in use now (count is 1 when any is given).
  const takenBySubnet = new Map<string, Set<number>>();
  const taken = (s: Subnet) => {
    let t = takenBySubnet.get(s.id);
    if (!t) {
      t = takenAddresses(rs, s.id);
      takenBySubnet.set(s.id, t);
    }
    return t;
  };
  // An IPv6-native subnet has no IPv4 block: no private IPv4 address may be asked for there.
  for (const p of plan) if (!p.existing && p.subnet.cidr === "" && (p.requested.length > 0 || p.extra > 1)) throw ipv6NativeNoPrivateIpv4(p.subnet.id);
  for (const p of plan) for (const r of p.requested) taken(p.subnet).add(checkRequestedAddress(p.subnet, r, taken(p.subnet)));

  // How many instances fit: free addresses in each subnet, then the instance quota.
  const perInstance = new Map<string, { subnet: Subnet; n: number }>();
  for (const p of plan) {
    if (p.existing) continue;
    const e = perInstance.get(p.subnet.id) ?? { subnet: p.subnet, n: 0 };
    e.n += p.extra;
    perInstance.set(p.subnet.id, e);
  }
  let fit = maxCount;
  let limitingSubnet: string | undefined;
  for (const { subnet, n } of perInstance.values()) {
    if (n === 0 || subnet.cidr === "") continue; // IPv6-native: no IPv4 address is taken
    const free = sizeOf(cidrOf(subnet.cidr)) - RESERVED_PER_SUBNET - taken(subnet).size;
    const can = Math.floor(Math.max(0, free) / n);
    if (can < fit) {
      fit = can;
      limitingSubnet = subnet.id;
    }
  }
  if (fit < minCount) throw insufficientAddresses(limitingSubnet ?? plan[0]!.subnet.id);
  let live = 0;
  for (const i of rs.instances.values()) if (i.state !== "terminated" && i.state !== "shutting-down") live++;
  const quotaLeft = Math.max(0, world.quotas.instancesPerRegion - live);
  if (quotaLeft < minCount) {
    throw instanceLimitExceeded(quotaLeft, minCount);
  }
  const count = Math.min(fit, quotaLeft);

  // ---- nothing is changed above this line ----
  const reservationId = world.ids.next("r");
  const now = world.clock.now();
  const instances: Instance[] = [];
  for (let n = 0; n < count; n++) {
    const id = world.ids.next("i");
    const enis: NetworkInterface[] = [];
    for (const p of plan) {
      let eni: NetworkInterface;
      if (p.existing) {
        eni = p.existing;
      } else {
        const ips = pickAddresses(rs, p.subnet, p.requested, p.extra);
        eni = createEniRecord(world, rs, p.subnet, {
          privateIps: ips,
          groupIds: p.groupIds,
          description: p.description,
          tags: new Map(input.eniTags),
          publicIpOnLaunch: p.publicIp,
        });
        eni.requesterManaged = false;
      }
      eni.status = "in-use";
      eni.attachment = {
        id: world.ids.next("eni-attach"),
        instanceId: id,
        deviceIndex: p.deviceIndex,
        status: "attached",
        deleteOnTermination: p.deleteOnTermination,
        attachTime: now,
      };
      if (eni.association?.allocationId) {
        const eip = rs.addresses.get(eni.association.allocationId);
        if (eip?.association) eip.association.instanceId = id;
      }
      enis.push(eni);
    }
    const primary = enis[0]!;
    assignAutoPublicIp(world, rs, primary);
    const inst: Instance = {
      id,
      ownerId: rs.account,
      region: rs.region,
      tags: new Map(input.instanceTags),
      reservationId,
      imageId: input.imageId!,
      instanceType: type,
      keyName: input.keyName,
      state: "pending",
      stateTransitionReason: "",
      launchTime: now,
      subnetId: primary.subnetId,
      vpcId: primary.vpcId,
      availabilityZone: primary.availabilityZone,
      primaryEniId: primary.id,
      userData: input.userData?.replace(/\s+/g, ""),
      amiLaunchIndex: n,
      clientToken: input.clientToken,
    };
    if (input.disableApiTermination) inst.disableApiTermination = true;
    if (input.disableApiStop) inst.disableApiStop = true;
    if (input.shutdownBehavior === "terminate") inst.shutdownBehavior = "terminate";
    rs.instances.set(id, inst);
    instances.push(inst);
    scheduleRunning(world, inst);
  }
  return { reservationId, instances };
}

function scheduleRunning(world: World, inst: Instance): void {
  world.after("instance.running", { kind: "instance.running", id: inst.id, account: inst.ownerId, region: inst.region });
}

// The transitions of an instance's life, as data (state/world.ts): each finds its instance again and
// acts only if it is still in the state the transition expects.
function instanceOf(world: World, t: { id: string; account?: string; region?: string }): { rs: RegionState; inst: Instance } | undefined {
  const rs = world.existingRegion(t.account, t.region);
  const inst = rs?.instances.get(t.id);
  return rs && inst ? { rs, inst } : undefined;
}
defineTransition("instance.running", (world, t) => {
  const found = instanceOf(world, t);
  if (found?.inst.state === "pending") found.inst.state = "running";
});
defineTransition("instance.stopped", (world, t) => {
  const found = instanceOf(world, t);
  if (found?.inst.state === "stopping") found.inst.state = "stopped";
});
defineTransition("instance.terminated", (world, t) => {
  const found = instanceOf(world, t);
  if (found) finishTermination(world, found.rs, found.inst);
});
defineTransition("instance.vanish", (world, t) => {
  const found = instanceOf(world, t);
  if (found?.inst.state === "terminated") found.rs.instances.delete(found.inst.id);
});

// ---- state changes ------------------------------------------------------------------------------

export interface StateChange {
  instanceId: string;
  previous: InstanceStateName;
  current: InstanceStateName;
}

export function startInstances(world: World, rs: RegionState, ids: string[] | undefined): StateChange[] {
  const list = getInstances(rs, ids);
  for (const inst of list) {
    if (inst.state === "stopping" || inst.state === "shutting-down" || inst.state === "terminated") {
      throw incorrectState(inst.id, "started");
    }
  }
  const changes: StateChange[] = [];
  for (const inst of list) {
    const previous = inst.state;
    if (inst.state === "stopped") {
      inst.state = "pending";
      inst.stateTransitionReason = "";
      const eni = primaryEni(rs, inst);
      if (eni) assignAutoPublicIp(world, rs, eni);
      scheduleRunning(world, inst);
    }
    changes.push({ instanceId: inst.id, previous, current: inst.state });
  }
  return changes;
}

export function stopInstances(world: World, rs: RegionState, ids: string[] | undefined, force: boolean): StateChange[] {
  const list = getInstances(rs, ids);
  for (const inst of list) {
    if (inst.state === "pending" || inst.state === "shutting-down" || inst.state === "terminated") {
      throw incorrectState(inst.id, "stopped");
    }
    if (inst.disableApiStop && (inst.state === "running")) {
      throw operationNotPermitted(
        `The instance '${inst.id}' may not be stopped. Modify its 'disableApiStop' instance attribute and try again.`,
      );
    }
  }
  void force;
  const changes: StateChange[] = [];
  const now = world.clock.now();
  for (const inst of list) {
    const previous = inst.state;
    if (inst.state === "running") {
      inst.state = "stopping";
      inst.stateTransitionReason = `User initiated (${gmt(now)})`;
      for (const eni of enisOf(rs, inst.id)) releaseAutoPublicIp(eni);
      world.after("instance.stopped", { kind: "instance.stopped", id: inst.id, account: rs.account, region: rs.region });
    }
    changes.push({ instanceId: inst.id, previous, current: inst.state });
  }
  return changes;
}

export function rebootInstances(world: World, rs: RegionState, ids: string[] | undefined): void {
  const list = getInstances(rs, ids);
  for (const inst of list) {
    if (inst.state === "terminated" || inst.state === "shutting-down") throw incorrectState(inst.id, "rebooted");
  }
  void world;
}

export function terminateInstances(world: World, rs: RegionState, ids: string[] | undefined): StateChange[] {
  const list = getInstances(rs, ids);
  for (const inst of list) {
    if (inst.disableApiTermination && inst.state !== "terminated") {
      throw operationNotPermitted(
        `The instance '${inst.id}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.`,
      );
    }
  }
  const changes: StateChange[] = [];
  const now = world.clock.now();
  for (const inst of list) {
    const previous = inst.state;
    if (inst.state !== "terminated" && inst.state !== "shutting-down") {
      inst.state = "shutting-down";
      inst.stateTransitionReason = `User initiated (${gmt(now)})`;
      for (const eni of enisOf(rs, inst.id)) releaseAutoPublicIp(eni);
      world.after("instance.terminated", { kind: "instance.terminated", id: inst.id, account: rs.account, region: rs.region });
    }
    changes.push({ instanceId: inst.id, previous, current: inst.state });
  }
  return changes;
}

/** The instance is gone: its interfaces are deleted or detached, then it vanishes after a while. */
function finishTermination(world: World, rs: RegionState, inst: Instance): void {
  if (inst.state !== "shutting-down") return;
  inst.state = "terminated";
  inst.terminatedAt = world.clock.now();
  releaseVolumes(rs, inst.id);
  for (const eni of enisOf(rs, inst.id)) {
    if (eni.attachment!.deleteOnTermination) {
      clearPublicAddress(rs, eni);
      rs.networkInterfaces.delete(eni.id);
    } else {
      releaseAutoPublicIp(eni);
      delete eni.attachment;
      eni.status = "available";
      if (eni.association?.allocationId) {
        const eip = rs.addresses.get(eni.association.allocationId);
        if (eip?.association) delete eip.association.instanceId;
      }
    }
  }
  world.at(world.clock.now() + (world.delays["instance.vanish"] ?? 3_600_000), {
    kind: "instance.vanish",
    id: inst.id,
    account: rs.account,
    region: rs.region,
  });
}

// ---- attributes ---------------------------------------------------------------------------------

export interface InstanceAttributeChange {
  attribute?: string;
  value?: string;
  sourceDestCheck?: boolean;
  groups?: string[];
  instanceType?: string;
  userData?: string;
  disableApiTermination?: boolean;
  disableApiStop?: boolean;
  shutdownBehavior?: string;
  unsupported?: string;
}

export function modifyInstanceAttribute(world: World, rs: RegionState, id: string | undefined, change: InstanceAttributeChange): void {
  const inst = getInstance(rs, id);
  if (inst.state === "terminated") throw incorrectState(inst.id, "modified");
  const c = { ...change };
  // The generic form (Attribute + Value) maps onto the specific ones.
  if (c.attribute !== undefined) {
    const v = c.value;
    if (v === undefined && c.attribute !== "groupSet") throw missingParameter("Value");
    const asBool = () => {
      if (v !== "true" && v !== "false") throw invalidParameterValue(`Value (${v}) for parameter value is invalid. Expected: 'boolean'.`);
      return v === "true";
    };
    switch (c.attribute) {
      case "instanceType": c.instanceType = v; break;
      case "userData": c.userData = v; break;
      case "sourceDestCheck": c.sourceDestCheck = asBool(); break;
      case "disableApiTermination": c.disableApiTermination = asBool(); break;
      case "disableApiStop": c.disableApiStop = asBool(); break;
      case "instanceInitiatedShutdownBehavior": c.shutdownBehavior = v; break;
      case "groupSet": break;
      default:
        throw invalidParameterValue(`Value (${c.attribute}) for parameter attribute is invalid. vpclab cannot modify it.`);
    }
    delete c.attribute;
    delete c.value;
  }
  if (c.unsupported !== undefined) throw invalidParameterValue(`vpclab does not model the instance attribute ${c.unsupported}.`);
  delete c.unsupported;
  const given = Object.entries(c).filter(([, v]) => v !== undefined).map(([k]) => k);
  if (given.length === 0) throw missingParameter("Attribute");
  if (given.length > 1) throw invalidParameterCombination("Only one attribute can be modified at a time.");
  if (c.instanceType !== undefined) {
    const info = checkInstanceType(c.instanceType);
    if (inst.state !== "stopped") {
      throw instanceNotStopped(inst.id);
    }
    const image = imageForLaunch(rs.region, inst.imageId);
    if (!info.architectures.includes(image.architecture)) {
      throw invalidParameterValue(`The instance type '${c.instanceType}' does not support the architecture '${image.architecture}' of the instance's AMI.`);
    }
    if (enisOf(rs, inst.id).length > info.maxEnis) {
      throw invalidParameterValue(`The instance type '${c.instanceType}' supports at most ${info.maxEnis} network interfaces.`);
    }
    inst.instanceType = c.instanceType;
  } else if (c.userData !== undefined) {
    if (inst.state !== "stopped") {
      throw instanceNotStopped(inst.id);
    }
    checkUserData(c.userData);
    inst.userData = c.userData === "" ? undefined : c.userData.replace(/\s+/g, "");
  } else if (c.sourceDestCheck !== undefined || c.groups !== undefined) {
    const enis = enisOf(rs, inst.id);
    if (enis.length > 1) {
      throw multipleInterfaces(inst.id);
    }
    const eni = enis[0];
    if (!eni) throw incorrectState(inst.id, "modified");
    if (c.groups !== undefined) {
      if (c.groups.length === 0) throw missingParameter("GroupId");
      eni.securityGroupIds = resolveGroupIds(rs, eni.vpcId, c.groups, eni.subnetId);
    } else {
      eni.sourceDestCheck = c.sourceDestCheck!;
    }
  } else if (c.disableApiTermination !== undefined) {
    if (c.disableApiTermination) inst.disableApiTermination = true;
    else delete inst.disableApiTermination;
  } else if (c.disableApiStop !== undefined) {
    if (c.disableApiStop) inst.disableApiStop = true;
    else delete inst.disableApiStop;
  } else if (c.shutdownBehavior !== undefined) {
    if (c.shutdownBehavior !== "stop" && c.shutdownBehavior !== "terminate") {
      throw invalidParameterValue(`Value (${c.shutdownBehavior}) for parameter instanceInitiatedShutdownBehavior is invalid.`);
    }
    if (c.shutdownBehavior === "terminate") inst.shutdownBehavior = "terminate";
    else delete inst.shutdownBehavior;
  }
}

// ---- interface attachment -----------------------------------------------------------------------

export function attachNetworkInterface(
  world: World,
  rs: RegionState,
  eniId: string | undefined,
  instanceId: string | undefined,
  deviceIndex: number | undefined,
  networkCardIndex: number | undefined,
): string {
  const eni = getEni(rs, eniId);
  const inst = getInstance(rs, instanceId);
  if (deviceIndex === undefined) throw missingParameter("DeviceIndex");
  if (!Number.isInteger(deviceIndex) || deviceIndex < 0) throw invalidParameterValue(`Invalid value '${deviceIndex}' for deviceIndex.`);
  if (networkCardIndex !== undefined && networkCardIndex !== 0) {
    throw invalidParameterValue(`Invalid value '${networkCardIndex}' for networkCardIndex: ${inst.instanceType} has one network card.`);
  }
  if (inst.state !== "running" && inst.state !== "stopped") {
    throw instanceStateInvalid(inst.id);
  }
  if (eni.attachment || eni.status !== "available") throw eniInUse(eni.id);
  if (eni.availabilityZone !== inst.availabilityZone) {
    throw invalidParameterCombination("You may not attach a network interface to an instance if they are not in the same availability zone");
  }
  if (eni.vpcId !== inst.vpcId) {
    throw invalidParameterCombination(`Network interface ${eni.id} and instance ${inst.id} belong to different networks.`);
  }
  const attached = enisOf(rs, inst.id);
  if (attached.some((e) => e.attachment!.deviceIndex === deviceIndex)) {
    throw invalidParameterValue(`Instance '${inst.id}' already has an interface attached at device index '${deviceIndex}'.`);
  }
  const limit = instanceTypeInfo(inst.instanceType)?.maxEnis ?? 2;
  if (attached.length + 1 > limit) {
    throw attachmentLimitExceeded(attached.length + 1, inst.instanceType);
  }
  const attachmentId = world.ids.next("eni-attach");
  eni.attachment = {
    id: attachmentId,
    instanceId: inst.id,
    deviceIndex,
    status: "attached",
    deleteOnTermination: false,
    attachTime: world.clock.now(),
  };
  eni.status = "in-use";
  if (eni.association?.allocationId) {
    const eip = rs.addresses.get(eni.association.allocationId);
    if (eip?.association) eip.association.instanceId = inst.id;
  }
  return attachmentId;
}

export function detachNetworkInterface(world: World, rs: RegionState, attachmentId: string | undefined): void {
  if (attachmentId === undefined) throw missingParameter("AttachmentId");
  if (!/^eni-attach-([0-9a-f]{8}|[0-9a-f]{17})$/.test(attachmentId)) {
    throw attachmentMalformed(attachmentId);
  }
  const eni = [...rs.networkInterfaces.values()].find((e) => e.attachment?.id === attachmentId);
  if (!eni) throw attachmentNotFound(attachmentId);
  if (eni.attachment!.deviceIndex === 0) {
    throw operationNotPermitted("The network interface at device index 0 cannot be detached.");
  }
  delete eni.attachment;
  eni.status = "available";
  if (eni.association?.allocationId) {
    const eip = rs.addresses.get(eni.association.allocationId);
    if (eip?.association) delete eip.association.instanceId;
  }
}
