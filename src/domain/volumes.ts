/**
 * EBS volumes: CreateVolume, DeleteVolume, AttachVolume, DetachVolume, ModifyVolume, and the volumes
 * RunInstances makes (the image's root volume plus what BlockDeviceMappings ask for), which go with the
 * instance when it terminates if DeleteOnTermination says so.
 *
 * References: EC2 API CreateVolume / AttachVolume / DetachVolume / DeleteVolume / ModifyVolume /
 * DescribeVolumes / DescribeVolumesModifications; "Amazon EBS volume types" (sizes: gp2/gp3 1–16,384 GiB,
 * io1 4–16,384, io2 4–65,536, st1/sc1 125–16,384, standard 1–1,024; gp3 3,000–16,000 IOPS and
 * 125–1,000 MiB/s, 3,000/125 by default; gp2 3 IOPS per GiB, 100–16,000; io1/io2 need Iops);
 * "Device names on Linux instances" (/dev/sd[f-p], /dev/xvd[a-z] …).
 *
 * Fidelity notes:
 * - No delayed transitions: the call that starts a change answers AWS's transitional state (`creating`,
 *   `attaching`, `detaching`, `modifying`) and the next Describe shows the settled one (`available`,
 *   `in-use`/`attached`, a completed modification), which is what AWS's waiters accept. A deleted
 *   volume is gone at once (AWS shows `deleting` briefly; the volume_deleted waiter accepts NotFound).
 * - No data, no snapshots beyond the images' root snapshots (a volume can be made from one of those;
 *   CreateSnapshot is not built). Encryption is a flag; the KMS key id is kept as given.
 * - Volumes are not part of the network: nothing here reaches the engine.
 */
import type { RegionState, World } from "../state/world.js";
import type { Instance, Tags, Volume } from "./types.js";
import {
  deviceInUse,
  invalidDeviceName,
  invalidParameterCombination,
  invalidParameterValue,
  missingParameter,
  operationNotPermitted,
  snapshotMalformed,
  snapshotNotFound,
  volumeAttachmentNotFound,
  volumeIncorrectState,
  volumeInUse,
  volumeMalformed,
  volumeNotFound,
  volumeZoneMismatch,
  incorrectState,
} from "./errors.js";
import { isWellFormedId } from "./ids.js";
import { resolveZone } from "./subnets.js";
import { catalogue } from "./images.js";
import { getInstance } from "./lookup.js";

// ---- look-ups -------------------------------------------------------------------------------------

export function getVolume(rs: RegionState, id: string | undefined): Volume {
  if (id === undefined) throw missingParameter("VolumeId");
  const v = rs.volumes.get(id);
  if (v) return v;
  if (!isWellFormedId("vol", id)) throw volumeMalformed(id);
  throw volumeNotFound(id);
}

// ---- specs and validation -------------------------------------------------------------------------

export interface VolumeSpec {
  size?: number;
  volumeType?: string;
  iops?: number;
  throughput?: number;
  encrypted?: boolean;
  kmsKeyId?: string;
  snapshotId?: string;
}

const SIZE_LIMITS: Record<string, [number, number]> = {
  gp2: [1, 16384],
  gp3: [1, 16384],
  io1: [4, 16384],
  io2: [4, 65536],
  st1: [125, 16384],
  sc1: [125, 16384],
  standard: [1, 1024],
};

/** The root snapshots of the region's catalogue images, by id: the only snapshots vpclab has. */
function snapshotSize(region: string, id: string): number | undefined {
  for (const img of catalogue(region)) if (img.snapshotId === id) return img.volumeSize;
  return undefined;
}

export interface CheckedSpec {
  size: number;
  volumeType: string;
  iops?: number;
  throughput?: number;
  encrypted: boolean;
  kmsKeyId?: string;
  snapshotId: string;
}

/** Validates a volume's shape as CreateVolume and RunInstances' mappings do; `defaultType` differs. */
export function checkSpec(region: string, spec: VolumeSpec, defaultType: string): CheckedSpec {
  const type = spec.volumeType ?? defaultType;
  const limits = SIZE_LIMITS[type];
  if (!limits) {
    throw invalidParameterValue(`Value (${type}) for parameter volumeType is invalid. Valid values are ${Object.keys(SIZE_LIMITS).join(", ")}.`);
  }
  let size = spec.size;
  if (spec.snapshotId !== undefined && spec.snapshotId !== "") {
    if (!isWellFormedId("snap", spec.snapshotId)) throw snapshotMalformed(spec.snapshotId);
    const snap = snapshotSize(region, spec.snapshotId);
    if (snap === undefined) throw snapshotNotFound(spec.snapshotId);
    if (size === undefined) size = snap;
    if (size < snap) throw invalidParameterValue(`Volume of ${size}GiB is smaller than snapshot '${spec.snapshotId}', expect size >= ${snap}GiB`);
  }
  if (size === undefined) throw missingParameter("size");
  if (!Number.isInteger(size) || size < limits[0]) throw invalidParameterValue(`Volume of ${size}GiB is too small; minimum is ${limits[0]}GiB.`);
  if (size > limits[1]) throw invalidParameterValue(`Volume of ${size}GiB is too large; maximum is ${limits[1]}GiB.`);
  let iops = spec.iops;
  let throughput = spec.throughput;
  if (type === "io1" || type === "io2") {
    if (iops === undefined) throw missingParameter("iops");
    const max = type === "io1" ? 64000 : 256000;
    if (iops < 100 || iops > max) throw invalidParameterValue(`Value (${iops}) for parameter iops is invalid. Expected a value between 100 and ${max}.`);
  } else if (type === "gp3") {
    iops ??= 3000;
    throughput ??= 125;
    if (iops < 3000 || iops > 16000) throw invalidParameterValue(`Value (${iops}) for parameter iops is invalid. Expected a value between 3000 and 16000.`);
    if (throughput < 125 || throughput > 1000) {
      throw invalidParameterValue(`Value (${throughput}) for parameter throughput is invalid. Expected a value between 125 and 1000.`);
    }
  } else if (iops !== undefined) {
    throw invalidParameterCombination(`The parameter iops is not supported for ${type} volumes.`);
  }
  if (type !== "gp3" && throughput !== undefined) throw invalidParameterCombination(`The parameter throughput is not supported for ${type} volumes.`);
  if (type === "gp2") iops = Math.min(16000, Math.max(100, size * 3));
  if (spec.kmsKeyId !== undefined && spec.encrypted === false) {
    throw invalidParameterCombination("The parameter KmsKeyId requires the parameter Encrypted to be set.");
  }
  return {
    size,
    volumeType: type,
    iops,
    throughput,
    encrypted: spec.encrypted ?? spec.kmsKeyId !== undefined,
    kmsKeyId: spec.kmsKeyId,
    snapshotId: spec.snapshotId ?? "",
  };
}

function newVolume(world: World, rs: RegionState, zone: string, spec: CheckedSpec, tags: Tags, multiAttach = false): Volume {
  const v: Volume = {
    id: world.ids.next("vol"),
    ownerId: rs.account,
    region: rs.region,
    tags,
    availabilityZone: zone,
    size: spec.size,
    volumeType: spec.volumeType,
    iops: spec.iops,
    throughput: spec.throughput,
    encrypted: spec.encrypted,
    kmsKeyId: spec.kmsKeyId,
    snapshotId: spec.snapshotId,
    state: "available",
    createTime: world.clock.now(),
    multiAttachEnabled: multiAttach,
    attachments: [],
  };
  rs.volumes.set(v.id, v);
  return v;
}

// ---- CreateVolume / DeleteVolume ------------------------------------------------------------------

export function createVolume(
  world: World,
  rs: RegionState,
  input: VolumeSpec & { zone?: string; zoneId?: string; multiAttach?: boolean; tags: Tags },
): Volume {
  if (input.zone === undefined && input.zoneId === undefined) throw missingParameter("AvailabilityZone");
  const zone = resolveZone(rs.region, input.zone, input.zoneId);
  const spec = checkSpec(rs.region, input, "gp2");
  if (input.multiAttach && spec.volumeType !== "io1" && spec.volumeType !== "io2") {
    throw invalidParameterCombination("Multi-Attach is supported only for io1 and io2 volumes.");
  }
  return newVolume(world, rs, zone.zoneName, spec, input.tags, input.multiAttach ?? false);
}

export function deleteVolume(rs: RegionState, id: string | undefined): void {
  const v = getVolume(rs, id);
  if (v.attachments.length > 0) throw volumeInUse(`Volume ${v.id} is currently attached to ${v.attachments[0]!.instanceId}`);
  rs.volumes.delete(v.id);
}

// ---- attachments ----------------------------------------------------------------------------------

const DEVICE = /^(\/dev\/(sd[a-z]{1,2}\d{0,2}|xvd[a-z]{1,2}\d{0,2}|hd[a-z]\d?|nvme\d+n\d+)|xvd[a-z]{1,2})$/;

export function volumesOf(rs: RegionState, instanceId: string): { volume: Volume; attachment: Volume["attachments"][number] }[] {
  const out = [];
  for (const volume of rs.volumes.values()) {
    for (const attachment of volume.attachments) if (attachment.instanceId === instanceId) out.push({ volume, attachment });
  }
  return out;
}

export function attachVolume(world: World, rs: RegionState, volumeId: string | undefined, instanceId: string | undefined, device: string | undefined): Volume {
  if (device === undefined) throw missingParameter("Device");
  const v = getVolume(rs, volumeId);
  const inst = getInstance(rs, instanceId);
  if (!DEVICE.test(device)) throw invalidDeviceName(device);
  if (inst.state !== "running" && inst.state !== "stopped") throw incorrectState(inst.id, "attached to");
  if (v.availabilityZone !== inst.availabilityZone) throw volumeZoneMismatch(v.id, inst.id);
  if (v.attachments.some((a) => a.instanceId === inst.id)) throw volumeInUse(`${v.id} is already attached to an instance`);
  if (v.attachments.length > 0 && !v.multiAttachEnabled) throw volumeInUse(`${v.id} is already attached to an instance`);
  if (volumesOf(rs, inst.id).some((x) => x.attachment.device === device)) throw deviceInUse(device);
  v.attachments.push({ instanceId: inst.id, device, state: "attached", attachTime: world.clock.now(), deleteOnTermination: false });
  v.state = "in-use";
  return v;
}

export function detachVolume(rs: RegionState, volumeId: string | undefined, instanceId: string | undefined, device: string | undefined, rootDeviceOf: (i: Instance) => string) {
  const v = getVolume(rs, volumeId);
  const att = v.attachments.find((a) => (instanceId === undefined || a.instanceId === instanceId) && (device === undefined || a.device === device));
  if (!att) {
    if (v.attachments.length === 0) throw volumeIncorrectState(v.id, v.state);
    throw volumeAttachmentNotFound(v.id, instanceId);
  }
  const inst = rs.instances.get(att.instanceId);
  if (inst && inst.state !== "stopped" && inst.state !== "terminated" && att.device === rootDeviceOf(inst)) {
    throw operationNotPermitted(`Unable to detach root volume '${v.id}' from instance '${inst.id}'`);
  }
  v.attachments = v.attachments.filter((a) => a !== att);
  if (v.attachments.length === 0) v.state = "available";
  return { volume: v, attachment: att };
}

/** ModifyInstanceAttribute's BlockDeviceMappings: DeleteOnTermination per device. */
export function setDeleteOnTermination(rs: RegionState, inst: Instance, device: string, value: boolean): void {
  const found = volumesOf(rs, inst.id).find((x) => x.attachment.device === device);
  if (!found) throw invalidParameterValue(`The device '${device}' is not attached to instance '${inst.id}'.`);
  found.attachment.deleteOnTermination = value;
}

// ---- RunInstances ---------------------------------------------------------------------------------

export interface MappingInput {
  DeviceName?: string;
  VirtualName?: string;
  NoDevice?: string;
  Ebs?: { VolumeSize?: number; VolumeType?: string; Iops?: number; Throughput?: number; Encrypted?: boolean; KmsKeyId?: string; SnapshotId?: string; DeleteOnTermination?: boolean };
}

export interface PlannedVolume {
  device: string;
  spec: CheckedSpec;
  deleteOnTermination: boolean;
}

/**
 * The volumes an instance launches with: the image's root volume (possibly resized or retyped by a
 * mapping for its device) and each mapping's EBS volume. Instance-store (VirtualName) and NoDevice
 * mappings make no volume. Validated before anything is launched.
 */
export function planLaunchVolumes(
  region: string,
  image: { rootDeviceName: string; volumeSize?: number; snapshotId?: string },
  mappings: MappingInput[] | undefined,
): PlannedVolume[] {
  const root: PlannedVolume = {
    device: image.rootDeviceName,
    spec: checkSpec(region, { size: image.volumeSize ?? 8, snapshotId: image.snapshotId }, "gp3"),
    deleteOnTermination: true,
  };
  const out: PlannedVolume[] = [root];
  const seen = new Set<string>();
  for (const m of mappings ?? []) {
    if (m.DeviceName === undefined) throw missingParameter("BlockDeviceMapping.DeviceName");
    if (!DEVICE.test(m.DeviceName)) throw invalidDeviceName(m.DeviceName);
    if (seen.has(m.DeviceName)) throw invalidParameterValue(`The device name '${m.DeviceName}' is used more than once.`);
    seen.add(m.DeviceName);
    if (m.NoDevice !== undefined) {
      if (m.DeviceName === image.rootDeviceName) throw invalidParameterValue("The root device cannot be suppressed with NoDevice.");
      continue;
    }
    if (m.VirtualName !== undefined && m.Ebs === undefined) continue;
    if (m.Ebs === undefined) throw missingParameter("BlockDeviceMapping.Ebs");
    const e = m.Ebs;
    if (m.DeviceName === image.rootDeviceName) {
      if (e.SnapshotId !== undefined && e.SnapshotId !== image.snapshotId) {
        throw invalidParameterValue("The snapshot of the root device cannot be changed.");
      }
      root.spec = checkSpec(
        region,
        { size: e.VolumeSize ?? image.volumeSize ?? 8, volumeType: e.VolumeType, iops: e.Iops, throughput: e.Throughput, encrypted: e.Encrypted, kmsKeyId: e.KmsKeyId, snapshotId: image.snapshotId },
        "gp3",
      );
      root.deleteOnTermination = e.DeleteOnTermination ?? true;
    } else {
      out.push({
        device: m.DeviceName,
        spec: checkSpec(region, { size: e.VolumeSize, volumeType: e.VolumeType, iops: e.Iops, throughput: e.Throughput, encrypted: e.Encrypted, kmsKeyId: e.KmsKeyId, snapshotId: e.SnapshotId }, "gp2"),
        deleteOnTermination: e.DeleteOnTermination ?? true,
      });
    }
  }
  return out;
}

export function createLaunchVolumes(world: World, rs: RegionState, inst: Instance, plan: PlannedVolume[], tags: Tags): void {
  for (const p of plan) {
    const v = newVolume(world, rs, inst.availabilityZone, p.spec, new Map(tags));
    v.state = "in-use";
    v.attachments.push({ instanceId: inst.id, device: p.device, state: "attached", attachTime: inst.launchTime, deleteOnTermination: p.deleteOnTermination });
  }
}

/** At termination: DeleteOnTermination volumes go, the others are detached and stay. */
export function releaseVolumes(rs: RegionState, instanceId: string): void {
  for (const { volume, attachment } of volumesOf(rs, instanceId)) {
    if (attachment.deleteOnTermination) {
      rs.volumes.delete(volume.id);
    } else {
      volume.attachments = volume.attachments.filter((a) => a !== attachment);
      if (volume.attachments.length === 0) volume.state = "available";
    }
  }
}

// ---- ModifyVolume ---------------------------------------------------------------------------------

export function modifyVolume(world: World, rs: RegionState, id: string | undefined, change: { size?: number; volumeType?: string; iops?: number; throughput?: number }): Volume {
  const v = getVolume(rs, id);
  if (change.size === undefined && change.volumeType === undefined && change.iops === undefined && change.throughput === undefined) {
    throw missingParameter("Size, VolumeType, Iops or Throughput");
  }
  if (change.size !== undefined && change.size < v.size) {
    throw invalidParameterValue(`New size cannot be smaller than existing size`);
  }
  const type = change.volumeType ?? v.volumeType;
  const keepIops = type === v.volumeType && (type === "gp3" || type === "io1" || type === "io2");
  const spec = checkSpec(
    rs.region,
    {
      size: change.size ?? v.size,
      volumeType: type,
      iops: change.iops ?? (keepIops ? v.iops : undefined),
      throughput: change.throughput ?? (type === "gp3" && v.volumeType === "gp3" ? v.throughput : undefined),
    },
    type,
  );
  v.modification = {
    startTime: world.clock.now(),
    original: { size: v.size, volumeType: v.volumeType, iops: v.iops, throughput: v.throughput },
    target: { size: spec.size, volumeType: spec.volumeType, iops: spec.iops, throughput: spec.throughput },
  };
  v.size = spec.size;
  v.volumeType = spec.volumeType;
  v.iops = spec.iops;
  v.throughput = spec.throughput;
  return v;
}
