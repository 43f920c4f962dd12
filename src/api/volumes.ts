/**
 * EBS volume operations: CreateVolume, DeleteVolume, AttachVolume, DetachVolume, ModifyVolume,
 * DescribeVolumes, DescribeVolumesModifications.
 *
 * Reference: the EC2 API reference of each action; DescribeVolumes' documented filters
 * (attachment.*, availability-zone, create-time, encrypted, multi-attach-enabled, fast-restored, size,
 * snapshot-id, status, volume-id, volume-type, tags). Fidelity notes: see domain/volumes.ts.
 */
import type {
  AttachVolumeRequest,
  CreateVolumeRequest,
  DeleteVolumeRequest,
  DescribeVolumesModificationsRequest,
  DescribeVolumesModificationsResult,
  DescribeVolumesRequest,
  DescribeVolumesResult,
  DetachVolumeRequest,
  ModifyVolumeRequest,
  ModifyVolumeResult,
  Volume as VolumeView,
  VolumeAttachment as VolumeAttachmentView,
  VolumeModification,
} from "@aws-sdk/client-ec2";
import type { Volume, VolumeAttachment } from "../domain/types.js";
import type { Handler } from "./context.js";
import { tagList } from "./context.js";
import { applyFilters, paginate, selectByIds, type FilterSpec } from "../domain/describe.js";
import { tagsFromSpecifications } from "../domain/tags.js";
import { attachVolume, createVolume, deleteVolume, detachVolume, getVolume, modifyVolume } from "../domain/volumes.js";
import { volumeMalformed, volumeNotFound } from "../domain/errors.js";
import { findImage } from "../domain/images.js";

export function attachmentView(v: Volume, a: VolumeAttachment, state = a.state): VolumeAttachmentView {
  return {
    AttachTime: new Date(a.attachTime),
    Device: a.device,
    InstanceId: a.instanceId,
    State: state,
    VolumeId: v.id,
    DeleteOnTermination: a.deleteOnTermination,
  };
}

export function volumeView(v: Volume, state: string = v.state): VolumeView {
  return {
    Attachments: v.attachments.map((a) => attachmentView(v, a)),
    AvailabilityZone: v.availabilityZone,
    CreateTime: new Date(v.createTime),
    Encrypted: v.encrypted,
    KmsKeyId: v.kmsKeyId,
    Size: v.size,
    SnapshotId: v.snapshotId,
    State: state as VolumeView["State"],
    VolumeId: v.id,
    Iops: v.iops,
    Tags: tagList(v.tags),
    VolumeType: v.volumeType as VolumeView["VolumeType"],
    MultiAttachEnabled: v.multiAttachEnabled,
    Throughput: v.throughput,
  };
}

const VOLUME_FILTERS: FilterSpec<Volume> = {
  "attachment.attach-time": (v) => v.attachments.map((a) => new Date(a.attachTime).toISOString()),
  "attachment.delete-on-termination": (v) => v.attachments.map((a) => a.deleteOnTermination),
  "attachment.device": (v) => v.attachments.map((a) => a.device),
  "attachment.instance-id": (v) => v.attachments.map((a) => a.instanceId),
  "attachment.status": (v) => v.attachments.map((a) => a.state),
  "availability-zone": (v) => v.availabilityZone,
  "create-time": (v) => new Date(v.createTime).toISOString(),
  "encrypted": (v) => v.encrypted,
  "fast-restored": () => false,
  "multi-attach-enabled": (v) => v.multiAttachEnabled,
  "size": (v) => v.size,
  "snapshot-id": (v) => v.snapshotId,
  "status": (v) => v.state,
  "volume-id": (v) => v.id,
  "volume-type": (v) => v.volumeType,
};

const createVolumeOp: Handler<CreateVolumeRequest, VolumeView> = ({ world, rs }, input) => {
  const tags = tagsFromSpecifications(input.TagSpecifications, "volume");
  const v = createVolume(world, rs, {
    zone: input.AvailabilityZone,
    zoneId: input.AvailabilityZoneId,
    size: input.Size,
    volumeType: input.VolumeType,
    iops: input.Iops,
    throughput: input.Throughput,
    encrypted: input.Encrypted,
    kmsKeyId: input.KmsKeyId,
    snapshotId: input.SnapshotId,
    multiAttach: input.MultiAttachEnabled,
    tags,
  });
  return volumeView(v, "creating");
};

const deleteVolumeOp: Handler<DeleteVolumeRequest, void> = ({ rs }, input) => {
  deleteVolume(rs, input.VolumeId);
};

const attachVolumeOp: Handler<AttachVolumeRequest, VolumeAttachmentView> = ({ world, rs }, input) => {
  const v = attachVolume(world, rs, input.VolumeId, input.InstanceId, input.Device);
  return attachmentView(v, v.attachments[v.attachments.length - 1]!, "attaching");
};

const detachVolumeOp: Handler<DetachVolumeRequest, VolumeAttachmentView> = ({ rs }, input) => {
  const { volume, attachment } = detachVolume(rs, input.VolumeId, input.InstanceId, input.Device, (inst) =>
    findImage(rs.region, inst.imageId)?.rootDeviceName ?? "/dev/xvda",
  );
  return attachmentView(volume, attachment, "detaching");
};

function modificationView(v: Volume, done: boolean): VolumeModification {
  const m = v.modification!;
  return {
    VolumeId: v.id,
    ModificationState: done ? "completed" : "modifying",
    TargetSize: m.target.size,
    TargetIops: m.target.iops,
    TargetVolumeType: m.target.volumeType as never,
    TargetThroughput: m.target.throughput,
    TargetMultiAttachEnabled: v.multiAttachEnabled,
    OriginalSize: m.original.size,
    OriginalIops: m.original.iops,
    OriginalVolumeType: m.original.volumeType as never,
    OriginalThroughput: m.original.throughput,
    OriginalMultiAttachEnabled: v.multiAttachEnabled,
    Progress: done ? 100 : 0,
    StartTime: new Date(m.startTime),
    EndTime: done ? new Date(m.startTime) : undefined,
  };
}

const modifyVolumeOp: Handler<ModifyVolumeRequest, ModifyVolumeResult> = ({ world, rs }, input) => {
  const v = modifyVolume(world, rs, input.VolumeId, { size: input.Size, volumeType: input.VolumeType, iops: input.Iops, throughput: input.Throughput });
  return { VolumeModification: modificationView(v, false) };
};

const describeVolumes: Handler<DescribeVolumesRequest, DescribeVolumesResult> = ({ rs }, input) => {
  const selected = selectByIds(rs.volumes, input.VolumeIds, volumeNotFound, { prefix: "vol", error: volumeMalformed });
  const filtered = applyFilters(selected, input.Filters, VOLUME_FILTERS, (v) => v.tags);
  const page = paginate(filtered, input, [5, 500], (v) => v.id);
  return { Volumes: page.items.map((v) => volumeView(v)), NextToken: page.nextToken };
};

const describeVolumesModifications: Handler<DescribeVolumesModificationsRequest, DescribeVolumesModificationsResult> = (
  { rs },
  input,
) => {
  const list = input.VolumeIds && input.VolumeIds.length > 0 ? input.VolumeIds.map((id) => getVolume(rs, id)) : [...rs.volumes.values()];
  const withMods = list.filter((v) => v.modification);
  const filtered = applyFilters(withMods.map((v) => modificationView(v, true)), input.Filters, {
    "modification-state": (m) => m.ModificationState,
    "volume-id": (m) => m.VolumeId,
    "target-size": (m) => m.TargetSize,
    "target-iops": (m) => m.TargetIops,
    "target-volume-type": (m) => m.TargetVolumeType,
    "original-size": (m) => m.OriginalSize,
    "original-iops": (m) => m.OriginalIops,
    "original-volume-type": (m) => m.OriginalVolumeType,
    "start-time": (m) => m.StartTime?.toISOString(),
  });
  const page = paginate(filtered, input, [5, 500]);
  return { VolumesModifications: page.items, NextToken: page.nextToken };
};

export const volumeOperations = {
  CreateVolume: createVolumeOp,
  DeleteVolume: deleteVolumeOp,
  AttachVolume: attachVolumeOp,
  DetachVolume: detachVolumeOp,
  ModifyVolume: modifyVolumeOp,
  DescribeVolumes: describeVolumes,
  DescribeVolumesModifications: describeVolumesModifications,
};
