/**
 * EBS volumes through the SDK (and the AWS CLI's waiters): the root volume every instance launches
 * with, BlockDeviceMappings, DeleteOnTermination, Create/Attach/Detach/Modify/DeleteVolume with AWS's
 * states, DescribeVolumes filters, and validation.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  AttachVolumeCommand,
  CreateVolumeCommand,
  DeleteVolumeCommand,
  DescribeImagesCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  DescribeVolumesModificationsCommand,
  DetachVolumeCommand,
  ModifyInstanceAttributeCommand,
  ModifyVolumeCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  waitUntilVolumeAvailable,
  waitUntilVolumeInUse,
  type EC2Client,
  type Instance,
  type RunInstancesCommandInput,
} from "@aws-sdk/client-ec2";
import { expectEc2Error, startLab, type Lab } from "../support/harness.js";

let lab: Lab;
let ec2: EC2Client;
let ami: string;
const ZONE = "eu-central-1a";

before(async () => {
  lab = await startLab();
  ec2 = lab.ec2("eu-central-1");
  const imgs = await ec2.send(new DescribeImagesCommand({ Owners: ["amazon"], Filters: [{ Name: "name", Values: ["al2023-ami-*-x86_64"] }] }));
  ami = imgs.Images![0]!.ImageId!;
});
after(async () => lab.close());

async function run(input: Partial<RunInstancesCommandInput> = {}): Promise<Instance> {
  const out = await ec2.send(
    new RunInstancesCommand({ ImageId: ami, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: ZONE }, ...input }),
  );
  return out.Instances![0]!;
}

const volume = async (id: string) => (await ec2.send(new DescribeVolumesCommand({ VolumeIds: [id] }))).Volumes![0]!;
const described = async (id: string) => (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!;

test("every instance launches with its image's root volume, plus the volumes its mappings ask for", async () => {
  const inst = await run({
    BlockDeviceMappings: [
      { DeviceName: "/dev/xvda", Ebs: { VolumeSize: 20, VolumeType: "gp3" } },
      { DeviceName: "/dev/sdf", Ebs: { VolumeSize: 50, VolumeType: "io2", Iops: 1000, DeleteOnTermination: false } },
      { DeviceName: "/dev/sdb", VirtualName: "ephemeral0" },
    ],
    TagSpecifications: [{ ResourceType: "volume", Tags: [{ Key: "Name", Value: "disk" }] }],
  });
  assert.equal(inst.RootDeviceName, "/dev/xvda");
  const bdm = inst.BlockDeviceMappings!;
  assert.deepEqual(bdm.map((m) => m.DeviceName), ["/dev/xvda", "/dev/sdf"]);
  const root = await volume(bdm[0]!.Ebs!.VolumeId!);
  assert.deepEqual([root.Size, root.VolumeType, root.Iops, root.Throughput, root.State], [20, "gp3", 3000, 125, "in-use"]);
  assert.match(root.SnapshotId!, /^snap-[0-9a-f]{17}$/);
  assert.deepEqual(root.Attachments?.map((a) => [a.InstanceId, a.Device, a.State, a.DeleteOnTermination]), [[inst.InstanceId, "/dev/xvda", "attached", true]]);
  assert.deepEqual(root.Tags, [{ Key: "Name", Value: "disk" }]);
  const data = await volume(bdm[1]!.Ebs!.VolumeId!);
  assert.deepEqual([data.Size, data.VolumeType, data.Iops, data.AvailabilityZone], [50, "io2", 1000, ZONE]);
  const attr = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: inst.InstanceId, Attribute: "blockDeviceMapping" }));
  assert.equal(attr.BlockDeviceMappings?.length, 2);
  const byFilter = await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: "attachment.instance-id", Values: [inst.InstanceId!] }] }));
  assert.equal(byFilter.Volumes?.length, 2);

  // DeleteOnTermination decides what survives the instance.
  await ec2.send(new TerminateInstancesCommand({ InstanceIds: [inst.InstanceId!] }));
  await described(inst.InstanceId!); // settles the termination
  await expectEc2Error(ec2.send(new DescribeVolumesCommand({ VolumeIds: [root.VolumeId!] })), "InvalidVolume.NotFound");
  const kept = await volume(data.VolumeId!);
  assert.deepEqual([kept.State, kept.Attachments], ["available", []]);
  assert.deepEqual((await described(inst.InstanceId!)).BlockDeviceMappings, []);
});

test("create, attach, detach, modify and delete, with AWS's states and the SDK's waiters", async () => {
  const inst = await run();
  const v = await ec2.send(
    new CreateVolumeCommand({ AvailabilityZone: ZONE, Size: 10, TagSpecifications: [{ ResourceType: "volume", Tags: [{ Key: "k", Value: "v" }] }] }),
  );
  assert.deepEqual([v.State, v.VolumeType, v.Iops, v.Encrypted], ["creating", "gp2", 100, false]);
  await waitUntilVolumeAvailable({ client: ec2, maxWaitTime: 10, minDelay: 1 }, { VolumeIds: [v.VolumeId!] });
  const att = await ec2.send(new AttachVolumeCommand({ VolumeId: v.VolumeId, InstanceId: inst.InstanceId, Device: "/dev/sdh" }));
  assert.equal(att.State, "attaching");
  await waitUntilVolumeInUse({ client: ec2, maxWaitTime: 10, minDelay: 1 }, { VolumeIds: [v.VolumeId!] });
  assert.ok((await described(inst.InstanceId!)).BlockDeviceMappings!.some((m) => m.DeviceName === "/dev/sdh" && m.Ebs?.VolumeId === v.VolumeId));
  await expectEc2Error(ec2.send(new DeleteVolumeCommand({ VolumeId: v.VolumeId })), "VolumeInUse");
  await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: inst.InstanceId, BlockDeviceMappings: [{ DeviceName: "/dev/sdh", Ebs: { DeleteOnTermination: true } }] }));
  assert.equal((await volume(v.VolumeId!)).Attachments![0]!.DeleteOnTermination, true);

  const mod = await ec2.send(new ModifyVolumeCommand({ VolumeId: v.VolumeId, Size: 30, VolumeType: "gp3" }));
  assert.deepEqual([mod.VolumeModification?.ModificationState, mod.VolumeModification?.TargetSize, mod.VolumeModification?.OriginalSize], ["modifying", 30, 10]);
  const mods = await ec2.send(new DescribeVolumesModificationsCommand({ VolumeIds: [v.VolumeId!] }));
  assert.equal(mods.VolumesModifications?.[0]?.ModificationState, "completed");
  assert.deepEqual([(await volume(v.VolumeId!)).Size, (await volume(v.VolumeId!)).VolumeType], [30, "gp3"]);
  await expectEc2Error(ec2.send(new ModifyVolumeCommand({ VolumeId: v.VolumeId, Size: 5 })), "InvalidParameterValue");

  const det = await ec2.send(new DetachVolumeCommand({ VolumeId: v.VolumeId }));
  assert.equal(det.State, "detaching");
  await waitUntilVolumeAvailable({ client: ec2, maxWaitTime: 10, minDelay: 1 }, { VolumeIds: [v.VolumeId!] });
  await expectEc2Error(ec2.send(new DetachVolumeCommand({ VolumeId: v.VolumeId })), "IncorrectState");
  await ec2.send(new DeleteVolumeCommand({ VolumeId: v.VolumeId }));
  await expectEc2Error(ec2.send(new DescribeVolumesCommand({ VolumeIds: [v.VolumeId!] })), "InvalidVolume.NotFound");
});

test("validation: AWS's codes for sizes, types, zones, devices, ids and mappings", async () => {
  const inst = await run();
  const root = (await described(inst.InstanceId!)).BlockDeviceMappings![0]!.Ebs!.VolumeId!;
  await expectEc2Error(ec2.send(new CreateVolumeCommand({ Size: 10 } as never)), "MissingParameter");
  await expectEc2Error(ec2.send(new CreateVolumeCommand({ AvailabilityZone: ZONE })), "MissingParameter");
  await expectEc2Error(ec2.send(new CreateVolumeCommand({ AvailabilityZone: ZONE, Size: 20000 })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new CreateVolumeCommand({ AvailabilityZone: ZONE, Size: 10, VolumeType: "st1" })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new CreateVolumeCommand({ AvailabilityZone: ZONE, Size: 10, VolumeType: "io1" })), "MissingParameter");
  await expectEc2Error(ec2.send(new CreateVolumeCommand({ AvailabilityZone: ZONE, Size: 10, Iops: 500 })), "InvalidParameterCombination");
  await expectEc2Error(ec2.send(new CreateVolumeCommand({ AvailabilityZone: ZONE, Size: 10, SnapshotId: "snap-0123456789abcdef0" })), "InvalidSnapshot.NotFound");
  await expectEc2Error(ec2.send(new DescribeVolumesCommand({ VolumeIds: ["vol-bogus"] })), "InvalidVolumeID.Malformed");
  await expectEc2Error(ec2.send(new DescribeVolumesCommand({ VolumeIds: ["vol-0123456789abcdef0"] })), "InvalidVolume.NotFound");
  const other = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "eu-central-1b", Size: 10 }));
  await expectEc2Error(ec2.send(new AttachVolumeCommand({ VolumeId: other.VolumeId, InstanceId: inst.InstanceId, Device: "/dev/sdf" })), "InvalidVolume.ZoneMismatch");
  const here = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: ZONE, Size: 10 }));
  await expectEc2Error(ec2.send(new AttachVolumeCommand({ VolumeId: here.VolumeId, InstanceId: inst.InstanceId, Device: "/dev/xvda" })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new AttachVolumeCommand({ VolumeId: here.VolumeId, InstanceId: inst.InstanceId, Device: "bogus" })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new DetachVolumeCommand({ VolumeId: root })), "OperationNotPermitted");
  await expectEc2Error(run({ BlockDeviceMappings: [{ DeviceName: "/dev/sdf" }] }), "MissingParameter");
  await expectEc2Error(run({ BlockDeviceMappings: [{ DeviceName: "/dev/sdf", Ebs: { VolumeSize: 0 } }] }), "InvalidParameterValue");
});
