/**
 * Instances, key pairs and images through real clients: RunInstances placement and addressing, the
 * life cycle on the emulator clock, attributes, DescribeInstances filters, routes to instances, and
 * the seed's two instances (Tokyo 10.20.0.0/16 and a Singapore default subnet).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, createPrivateKey, generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateKeyPairCommand,
  CreateRouteCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteKeyPairCommand,
  DescribeImagesCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstanceStatusCommand,
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  EC2Client,
  ImportKeyPairCommand,
  type Instance,
  ModifyInstanceAttributeCommand,
  RebootInstancesCommand,
  ReplaceRouteCommand,
  RunInstancesCommand,
  type RunInstancesCommandInput,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  CreateRouteTableCommand,
  CreateNetworkInterfaceCommand,
  AttachNetworkInterfaceCommand,
} from "@aws-sdk/client-ec2";
import { expectEc2Error, startLab, type Lab } from "../support/harness.js";

const AMI = "ami-0123456789abcdef0"; // not in the catalogue: any well-formed id launches

async function run(ec2: EC2Client, input: Partial<RunInstancesCommandInput> = {}): Promise<Instance[]> {
  const out = await ec2.send(new RunInstancesCommand({ ImageId: AMI, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, ...input }));
  return out.Instances!;
}

async function describe1(ec2: EC2Client, id: string): Promise<Instance> {
  const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return out.Reservations![0]!.Instances![0]!;
}

async function freeCount(ec2: EC2Client, subnetId: string): Promise<number> {
  const out = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }));
  return out.Subnets![0]!.AvailableIpAddressCount!;
}

async function vpcWithSubnet(ec2: EC2Client, vpcCidr: string, subnetCidr: string, zone?: string) {
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: vpcCidr }))).Vpc!;
  const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: subnetCidr, AvailabilityZone: zone }))).Subnet!;
  return { vpcId: vpc.VpcId!, subnetId: subnet.SubnetId! };
}

let lab: Lab;
before(async () => {
  lab = await startLab({ seed: 7 });
});
after(async () => {
  await lab.close();
});

describe("RunInstances placement and addressing", () => {
  test("without a subnet: the default subnet of the first AZ, pending then running, public IP, ec2.internal names", async () => {
    const ec2 = lab.ec2("us-east-1");
    const [inst] = await run(ec2);
    assert.equal(inst!.State!.Name, "pending");
    assert.equal(inst!.State!.Code, 0);
    assert.match(inst!.InstanceId!, /^i-[0-9a-f]{17}$/);
    assert.equal(inst!.Placement!.AvailabilityZone, "us-east-1a");
    const subnets = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "default-for-az", Values: ["true"] }, { Name: "availability-zone", Values: ["us-east-1a"] }] }));
    assert.equal(inst!.SubnetId, subnets.Subnets![0]!.SubnetId);
    assert.match(inst!.PrivateIpAddress!, /^172\.31\.\d+\.\d+$/);
    assert.equal(inst!.PrivateDnsName, `ip-${inst!.PrivateIpAddress!.replace(/\./g, "-")}.ec2.internal`);
    const later = await describe1(ec2, inst!.InstanceId!);
    assert.equal(later.State!.Name, "running");
    assert.equal(later.State!.Code, 16);
    assert.ok(later.PublicIpAddress, "a default subnet maps public IPs");
    assert.match(later.PublicDnsName!, /^ec2-\d+-\d+-\d+-\d+\.compute-1\.amazonaws\.com$/);
    assert.match(later.NetworkInterfaces![0]!.MacAddress!, /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    assert.equal(later.SecurityGroups![0]!.GroupName, "default");
    const res = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [inst!.InstanceId!] }));
    assert.match(res.Reservations![0]!.ReservationId!, /^r-[0-9a-f]{17}$/);
    const clock = await lab.admin<{ epochMs: number }>("GET", "/clock");
    assert.ok(Math.abs(later.LaunchTime!.getTime() - clock.body.epochMs) < 60_000);
  });

  test("Placement.AvailabilityZone picks that zone's default subnet", async () => {
    const ec2 = lab.ec2("us-east-1");
    const [inst] = await run(ec2, { Placement: { AvailabilityZone: "us-east-1c" } });
    assert.equal(inst!.Placement!.AvailabilityZone, "us-east-1c");
    assert.match(inst!.PrivateIpAddress!, /^172\.31\.32\./);
  });

  test("private IPs come from the subnet in order, never twice, and the free count drops", async () => {
    const ec2 = lab.ec2("eu-west-1");
    const { subnetId } = await vpcWithSubnet(ec2, "10.1.0.0/16", "10.1.1.0/24");
    assert.equal(await freeCount(ec2, subnetId), 251);
    const a = await run(ec2, { SubnetId: subnetId });
    const b = await run(ec2, { SubnetId: subnetId, MinCount: 3, MaxCount: 3 });
    const ips = [...a, ...b].map((i) => i.PrivateIpAddress);
    assert.deepEqual(ips, ["10.1.1.4", "10.1.1.5", "10.1.1.6", "10.1.1.7"]);
    assert.equal(new Set(b.map((i) => i.AmiLaunchIndex)).size, 3);
    assert.equal(await freeCount(ec2, subnetId), 247);
    assert.equal(a[0]!.PublicIpAddress, undefined, "a new subnet does not map public IPs");
    assert.equal(a[0]!.PrivateDnsName, "ip-10-1-1-4.eu-west-1.compute.internal");
  });

  test("PrivateIpAddress: reserved, used, outside and malformed addresses are refused and change nothing", async () => {
    const ec2 = lab.ec2("eu-west-2");
    const { subnetId } = await vpcWithSubnet(ec2, "10.2.0.0/16", "10.2.1.0/24");
    const [first] = await run(ec2, { SubnetId: subnetId, PrivateIpAddress: "10.2.1.50" });
    assert.equal(first!.PrivateIpAddress, "10.2.1.50");
    const before = await freeCount(ec2, subnetId);
    for (const ip of ["10.2.1.0", "10.2.1.1", "10.2.1.2", "10.2.1.3", "10.2.1.255"]) {
      const err = await expectEc2Error(run(ec2, { SubnetId: subnetId, PrivateIpAddress: ip }), "InvalidParameterValue");
      assert.match(err.message, /reserved/);
    }
    const inUse = await expectEc2Error(run(ec2, { SubnetId: subnetId, PrivateIpAddress: "10.2.1.50" }), "InvalidIPAddress.InUse");
    assert.match(inUse.message, /10\.2\.1\.50/);
    await expectEc2Error(run(ec2, { SubnetId: subnetId, PrivateIpAddress: "10.2.2.9" }), "InvalidParameterValue");
    await expectEc2Error(run(ec2, { SubnetId: subnetId, PrivateIpAddress: "10.2.1.300" }), "InvalidParameterValue");
    await expectEc2Error(run(ec2, { SubnetId: subnetId, PrivateIpAddress: "10.2.1.60", MinCount: 2, MaxCount: 2 }), "InvalidParameterCombination");
    assert.equal(await freeCount(ec2, subnetId), before);
    const all = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: "subnet-id", Values: [subnetId] }] }));
    assert.equal(all.Reservations!.flatMap((r) => r.Instances!).length, 1);
    // The next automatic address skips the one taken explicitly.
    const [next] = await run(ec2, { SubnetId: subnetId });
    assert.equal(next!.PrivateIpAddress, "10.2.1.4");
  });

  test("MinCount/MaxCount: launches as many as fit, InsufficientFreeAddressesInSubnet below MinCount", async () => {
    const ec2 = lab.ec2("eu-west-3");
    const { subnetId } = await vpcWithSubnet(ec2, "10.3.0.0/16", "10.3.0.0/28");
    assert.equal(await freeCount(ec2, subnetId), 11);
    await expectEc2Error(run(ec2, { SubnetId: subnetId, MinCount: 12, MaxCount: 20 }), "InsufficientFreeAddressesInSubnet");
    assert.equal(await freeCount(ec2, subnetId), 11);
    const many = await run(ec2, { SubnetId: subnetId, MinCount: 1, MaxCount: 20 });
    assert.equal(many.length, 11);
    assert.equal(new Set(many.map((i) => i.PrivateIpAddress)).size, 11);
    assert.equal(await freeCount(ec2, subnetId), 0);
    await expectEc2Error(run(ec2, { SubnetId: subnetId }), "InsufficientFreeAddressesInSubnet");
    await expectEc2Error(run(ec2, { SubnetId: subnetId, MinCount: 3, MaxCount: 2 }), "InvalidParameterValue");
    await expectEc2Error(run(ec2, { SubnetId: subnetId, MinCount: 0, MaxCount: 0 }), "InvalidParameterValue");
  });

  test("image, type, key and user data validation", async () => {
    const ec2 = lab.ec2("us-east-1");
    await expectEc2Error(run(ec2, { ImageId: "ami-xyz" }), "InvalidAMIID.Malformed");
    await expectEc2Error(run(ec2, { ImageId: undefined }), "MissingParameter");
    await expectEc2Error(run(ec2, { InstanceType: "t3.colossal" as never }), "InvalidParameterValue");
    await expectEc2Error(run(ec2, { KeyName: "nope" }), "InvalidKeyPair.NotFound");
    await expectEc2Error(run(ec2, { UserData: "not base64!!" }), "InvalidParameterValue");
    const arm = (await ec2.send(new DescribeImagesCommand({ Filters: [{ Name: "name", Values: ["al2023-ami-*-arm64"] }] }))).Images![0]!;
    const err = await expectEc2Error(run(ec2, { ImageId: arm.ImageId, InstanceType: "t3.micro" }), "InvalidParameterValue");
    assert.match(err.message, /architecture/);
    const [g] = await run(ec2, { ImageId: arm.ImageId, InstanceType: "t4g.micro" });
    assert.equal(g!.Architecture, "arm64");
  });

  test("security groups: ids, names in the default VPC, default group, and another VPC's group refused", async () => {
    const ec2 = lab.ec2("sa-east-1");
    const { vpcId, subnetId } = await vpcWithSubnet(ec2, "10.4.0.0/16", "10.4.1.0/24");
    const sg = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: "web", Description: "web", VpcId: vpcId }))).GroupId!;
    const [a] = await run(ec2, { SubnetId: subnetId, SecurityGroupIds: [sg] });
    assert.deepEqual(a!.SecurityGroups, [{ GroupId: sg, GroupName: "web" }]);
    const [b] = await run(ec2, { SubnetId: subnetId });
    assert.equal(b!.SecurityGroups![0]!.GroupName, "default");
    const defaults = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "group-name", Values: ["default"] }, { Name: "vpc-id", Values: [vpcId] }] }));
    assert.equal(b!.SecurityGroups![0]!.GroupId, defaults.SecurityGroups![0]!.GroupId);
    // A group of the VPC, with a subnet of the default VPC: "belong to different networks".
    const defaultSubnet = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "default-for-az", Values: ["true"] }] }))).Subnets![0]!;
    const err = await expectEc2Error(run(ec2, { SubnetId: defaultSubnet.SubnetId, SecurityGroupIds: [sg] }), "InvalidParameter");
    assert.match(err.message, /belong to different networks/);
    await expectEc2Error(run(ec2, { SubnetId: subnetId, SecurityGroups: ["web"] }), "InvalidParameterCombination");
    await expectEc2Error(run(ec2, { SubnetId: subnetId, SecurityGroupIds: ["sg-0123456789abcdef0"] }), "InvalidGroup.NotFound");
    const [c] = await run(ec2, { SecurityGroups: ["default"] });
    assert.equal(c!.SecurityGroups![0]!.GroupName, "default");
    await expectEc2Error(run(ec2, { SecurityGroups: ["web"] }), "InvalidGroup.NotFound");
  });

  test("NetworkInterfaces with AssociatePublicIpAddress, tags on instance and interface, user data", async () => {
    const ec2 = lab.ec2("ca-central-1");
    const { vpcId, subnetId } = await vpcWithSubnet(ec2, "10.5.0.0/16", "10.5.1.0/24");
    const userData = Buffer.from("#!/bin/sh\necho hello\n").toString("base64");
    const [inst] = await run(ec2, {
      NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnetId, AssociatePublicIpAddress: true, PrivateIpAddress: "10.5.1.20" }],
      UserData: userData,
      TagSpecifications: [
        { ResourceType: "instance", Tags: [{ Key: "Name", Value: "appliance" }] },
        { ResourceType: "network-interface", Tags: [{ Key: "role", Value: "eth0" }] },
      ],
    });
    assert.equal(inst!.PrivateIpAddress, "10.5.1.20");
    assert.equal(inst!.VpcId, vpcId);
    assert.ok(inst!.PublicIpAddress);
    assert.deepEqual(inst!.Tags, [{ Key: "Name", Value: "appliance" }]);
    const enis = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: "tag:role", Values: ["eth0"] }] }));
    assert.equal(enis.NetworkInterfaces!.length, 1);
    assert.equal(enis.NetworkInterfaces![0]!.Attachment!.InstanceId, inst!.InstanceId);
    const ud = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: inst!.InstanceId, Attribute: "userData" }));
    assert.equal(Buffer.from(ud.UserData!.Value!, "base64").toString(), "#!/bin/sh\necho hello\n");
    await expectEc2Error(
      run(ec2, { SubnetId: subnetId, NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnetId }] }),
      "InvalidParameterCombination",
    );
    await expectEc2Error(run(ec2, { SubnetId: subnetId, TagSpecifications: [{ ResourceType: "vpc", Tags: [{ Key: "a", Value: "b" }] }] }), "InvalidParameterValue");
  });
});

describe("life cycle", () => {
  test("stop, start, reboot, terminate: state changes with codes, public IP released and renewed", async () => {
    const ec2 = lab.ec2("us-west-2");
    const [inst] = await run(ec2);
    const id = inst!.InstanceId!;
    const ip1 = (await describe1(ec2, id)).PublicIpAddress;
    assert.ok(ip1);
    const stop = await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
    assert.deepEqual(stop.StoppingInstances![0]!.PreviousState, { Code: 16, Name: "running" });
    assert.deepEqual(stop.StoppingInstances![0]!.CurrentState, { Code: 64, Name: "stopping" });
    const stopped = await describe1(ec2, id);
    assert.equal(stopped.State!.Name, "stopped");
    assert.equal(stopped.State!.Code, 80);
    assert.equal(stopped.PublicIpAddress, undefined, "stop releases the auto-assigned public IP");
    assert.match(stopped.StateTransitionReason!, /^User initiated \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT\)$/);
    assert.equal(stopped.PrivateIpAddress, inst!.PrivateIpAddress, "the private IP stays");
    const start = await ec2.send(new StartInstancesCommand({ InstanceIds: [id] }));
    assert.deepEqual(start.StartingInstances![0]!.CurrentState, { Code: 0, Name: "pending" });
    assert.deepEqual(start.StartingInstances![0]!.PreviousState, { Code: 80, Name: "stopped" });
    const started = await describe1(ec2, id);
    assert.equal(started.State!.Name, "running");
    assert.ok(started.PublicIpAddress);
    assert.notEqual(started.PublicIpAddress, ip1, "a new public IP after start");
    await ec2.send(new RebootInstancesCommand({ InstanceIds: [id] }));
    assert.equal((await describe1(ec2, id)).State!.Name, "running");
    // Starting a running instance changes nothing.
    const again = await ec2.send(new StartInstancesCommand({ InstanceIds: [id] }));
    assert.deepEqual(again.StartingInstances![0]!.CurrentState, { Code: 16, Name: "running" });

    const subnetId = started.SubnetId!;
    const countBefore = await freeCount(ec2, subnetId);
    const term = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    assert.deepEqual(term.TerminatingInstances![0]!.CurrentState, { Code: 32, Name: "shutting-down" });
    const gone = await describe1(ec2, id);
    assert.equal(gone.State!.Name, "terminated");
    assert.equal(gone.State!.Code, 48);
    assert.equal(gone.PrivateIpAddress, undefined);
    assert.deepEqual(gone.NetworkInterfaces, []);
    assert.equal(await freeCount(ec2, subnetId), countBefore + 1, "the ENI is deleted on termination");
    const enis = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: "attachment.instance-id", Values: [id] }] }));
    assert.equal(enis.NetworkInterfaces!.length, 0);
    await expectEc2Error(ec2.send(new StartInstancesCommand({ InstanceIds: [id] })), "IncorrectInstanceState");
    await expectEc2Error(ec2.send(new StopInstancesCommand({ InstanceIds: [id] })), "IncorrectInstanceState");
    const twice = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    assert.deepEqual(twice.TerminatingInstances![0]!.CurrentState, { Code: 48, Name: "terminated" });
    // Visible for about an hour, then gone.
    await lab.admin("POST", "/clock", { advanceSeconds: 3000 });
    assert.equal((await describe1(ec2, id)).State!.Name, "terminated");
    await lab.admin("POST", "/clock", { advanceSeconds: 700 });
    await expectEc2Error(ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] })), "InvalidInstanceID.NotFound");
  });

  test("errors: malformed and unknown ids, several missing ids named together", async () => {
    const ec2 = lab.ec2("us-west-2");
    await expectEc2Error(ec2.send(new StopInstancesCommand({ InstanceIds: ["i-zzz"] })), "InvalidInstanceID.Malformed");
    const err = await expectEc2Error(
      ec2.send(new TerminateInstancesCommand({ InstanceIds: ["i-0123456789abcdef0", "i-0123456789abcdef1"] })),
      "InvalidInstanceID.NotFound",
    );
    assert.match(err.message, /i-0123456789abcdef0, i-0123456789abcdef1/);
    await expectEc2Error(ec2.send(new DescribeInstancesCommand({ InstanceIds: ["i-0123456789abcdef0"] })), "InvalidInstanceID.NotFound");
  });

  test("DisableApiTermination blocks TerminateInstances until modified", async () => {
    const ec2 = lab.ec2("us-west-1");
    const [inst] = await run(ec2, { DisableApiTermination: true });
    await expectEc2Error(ec2.send(new TerminateInstancesCommand({ InstanceIds: [inst!.InstanceId!] })), "OperationNotPermitted");
    const attr = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: inst!.InstanceId, Attribute: "disableApiTermination" }));
    assert.equal(attr.DisableApiTermination!.Value, true);
    await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: inst!.InstanceId, DisableApiTermination: { Value: false } }));
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [inst!.InstanceId!] }));
    assert.equal((await describe1(ec2, inst!.InstanceId!)).State!.Name, "terminated");
  });

  test("with delays, states wait for the emulator clock", async () => {
    const slow = await startLab({ delays: { "instance.running": 30_000, "instance.stopped": 60_000, "instance.terminated": 10_000 } });
    try {
      const ec2 = slow.ec2("ap-south-1");
      const [inst] = await run(ec2);
      const id = inst!.InstanceId!;
      assert.equal((await describe1(ec2, id)).State!.Name, "pending");
      await expectEc2Error(ec2.send(new StopInstancesCommand({ InstanceIds: [id] })), "IncorrectInstanceState");
      await slow.admin("POST", "/clock", { advanceSeconds: 31 });
      assert.equal((await describe1(ec2, id)).State!.Name, "running");
      await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
      assert.equal((await describe1(ec2, id)).State!.Name, "stopping");
      await expectEc2Error(ec2.send(new StartInstancesCommand({ InstanceIds: [id] })), "IncorrectInstanceState");
      await slow.admin("POST", "/clock", { advanceSeconds: 61 });
      assert.equal((await describe1(ec2, id)).State!.Name, "stopped");
      await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
      assert.equal((await describe1(ec2, id)).State!.Name, "shutting-down");
      await slow.admin("POST", "/clock", { advanceSeconds: 11 });
      assert.equal((await describe1(ec2, id)).State!.Name, "terminated");
    } finally {
      await slow.close();
    }
  });
});

describe("describe and attributes", () => {
  test("DescribeInstances filters and DescribeInstanceStatus", async () => {
    const ec2 = lab.ec2("eu-central-1");
    const { vpcId, subnetId } = await vpcWithSubnet(ec2, "10.6.0.0/16", "10.6.1.0/24", "eu-central-1b");
    await ec2.send(new CreateKeyPairCommand({ KeyName: "ops", KeyType: "ed25519" }));
    const [a] = await run(ec2, { SubnetId: subnetId, KeyName: "ops", TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "Name", Value: "a" }] }] });
    const [b] = await run(ec2, { InstanceType: "m5.large" });
    await ec2.send(new StopInstancesCommand({ InstanceIds: [b!.InstanceId!] }));
    const ids = async (filters: { Name: string; Values: string[] }[]) => {
      const out = await ec2.send(new DescribeInstancesCommand({ Filters: filters }));
      return out.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId)).sort();
    };
    const A = [a!.InstanceId], B = [b!.InstanceId];
    assert.deepEqual(await ids([{ Name: "vpc-id", Values: [vpcId] }]), A);
    assert.deepEqual(await ids([{ Name: "subnet-id", Values: [subnetId] }]), A);
    assert.deepEqual(await ids([{ Name: "instance-state-name", Values: ["stopped"] }]), B);
    assert.deepEqual(await ids([{ Name: "instance-state-code", Values: ["16"] }]), A);
    assert.deepEqual(await ids([{ Name: "private-ip-address", Values: ["10.6.1.4"] }]), A);
    assert.deepEqual(await ids([{ Name: "tag:Name", Values: ["a"] }]), A);
    assert.deepEqual(await ids([{ Name: "tag-key", Values: ["Name"] }]), A);
    assert.deepEqual(await ids([{ Name: "availability-zone", Values: ["eu-central-1b"] }]), A);
    assert.deepEqual(await ids([{ Name: "instance-type", Values: ["m5.*"] }]), B);
    assert.deepEqual(await ids([{ Name: "key-name", Values: ["ops"] }]), A);
    assert.deepEqual(await ids([{ Name: "image-id", Values: [AMI] }]), [...A, ...B].sort());
    assert.deepEqual(await ids([{ Name: "instance.group-id", Values: [a!.SecurityGroups![0]!.GroupId!] }]), A);
    assert.deepEqual(await ids([{ Name: "instance.group-name", Values: ["default"] }]), [...A, ...B].sort());
    assert.deepEqual(await ids([{ Name: "network-interface.network-interface-id", Values: [a!.NetworkInterfaces![0]!.NetworkInterfaceId!] }]), A);
    const res = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: A as string[] }))).Reservations![0]!;
    assert.deepEqual(await ids([{ Name: "reservation-id", Values: [res.ReservationId!] }]), A);
    const running = await describe1(ec2, a!.InstanceId!);
    assert.equal(running.PublicIpAddress, undefined);
    assert.deepEqual(await ids([{ Name: "ip-address", Values: ["3.*"] }]), []);
    await expectEc2Error(ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: "no-such-filter", Values: ["x"] }] })), "InvalidParameterValue");
    await expectEc2Error(ec2.send(new DescribeInstancesCommand({ InstanceIds: A as string[], MaxResults: 5 })), "InvalidParameterCombination");
    const page1 = await ec2.send(new DescribeInstancesCommand({ MaxResults: 5, Filters: [{ Name: "instance-state-name", Values: ["running", "stopped"] }] }));
    assert.equal(page1.Reservations!.flatMap((r) => r.Instances!).length, 2);
    assert.equal(page1.NextToken, undefined);

    const st = await ec2.send(new DescribeInstanceStatusCommand({}));
    assert.deepEqual(st.InstanceStatuses!.map((s) => s.InstanceId), A);
    assert.equal(st.InstanceStatuses![0]!.InstanceStatus!.Status, "ok");
    const all = await ec2.send(new DescribeInstanceStatusCommand({ IncludeAllInstances: true }));
    assert.deepEqual(all.InstanceStatuses!.map((s) => s.InstanceId).sort(), [...A, ...B].sort());
    const stoppedStatus = all.InstanceStatuses!.find((s) => s.InstanceId === b!.InstanceId)!;
    assert.deepEqual(stoppedStatus.InstanceState, { Code: 80, Name: "stopped" });
    assert.equal(stoppedStatus.InstanceStatus!.Status, "not-applicable");
  });

  test("ModifyInstanceAttribute / DescribeInstanceAttribute: groupSet, sourceDestCheck, instanceType, userData", async () => {
    const ec2 = lab.ec2("eu-north-1");
    const { vpcId, subnetId } = await vpcWithSubnet(ec2, "10.7.0.0/16", "10.7.1.0/24");
    const sg = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: "app", Description: "app", VpcId: vpcId }))).GroupId!;
    const [inst] = await run(ec2, { SubnetId: subnetId });
    const id = inst!.InstanceId!;
    await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: id, Groups: [sg] }));
    const groups = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: "groupSet" }));
    assert.deepEqual(groups.Groups, [{ GroupId: sg, GroupName: "app" }]);
    await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: id, SourceDestCheck: { Value: false } }));
    const sdc = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: "sourceDestCheck" }));
    assert.equal(sdc.SourceDestCheck!.Value, false);
    assert.equal((await describe1(ec2, id)).SourceDestCheck, false);
    await expectEc2Error(ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: id, InstanceType: { Value: "t3.large" } })), "IncorrectInstanceState");
    await expectEc2Error(ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: id, Groups: ["sg-0123456789abcdef0"] })), "InvalidGroup.NotFound");
    await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
    await describe1(ec2, id);
    await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: id, InstanceType: { Value: "t3.large" } }));
    const type = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: "instanceType" }));
    assert.equal(type.InstanceType!.Value, "t3.large");
    await expectEc2Error(ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: id, InstanceType: { Value: "x9.huge" } })), "InvalidParameterValue");
    await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: id, UserData: { Value: new TextEncoder().encode("echo hi") } }));
    const ud = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: "userData" }));
    assert.equal(Buffer.from(ud.UserData!.Value!, "base64").toString(), "echo hi");
    const sd = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: "instanceInitiatedShutdownBehavior" }));
    assert.equal(sd.InstanceInitiatedShutdownBehavior!.Value, "stop");
  });
});

describe("routes to an instance or a network interface", () => {
  test("active while the instance runs, blackhole once it stops; ReplaceRoute; two interfaces need an ENI id", async () => {
    const ec2 = lab.ec2("ap-northeast-2");
    const { vpcId, subnetId } = await vpcWithSubnet(ec2, "10.8.0.0/16", "10.8.1.0/24", "ap-northeast-2a");
    const rtb = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    const [appliance] = await run(ec2, { SubnetId: subnetId });
    const [other] = await run(ec2, { SubnetId: subnetId });
    const id = appliance!.InstanceId!;
    const eni = appliance!.NetworkInterfaces![0]!.NetworkInterfaceId!;
    await describe1(ec2, id);
    await ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "0.0.0.0/0", InstanceId: id }));
    await ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "192.168.0.0/16", NetworkInterfaceId: eni }));
    const routes = async () => (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rtb] }))).RouteTables![0]!.Routes!;
    let r = await routes();
    const def = r.find((x) => x.DestinationCidrBlock === "0.0.0.0/0")!;
    assert.equal(def.InstanceId, id);
    assert.equal(def.NetworkInterfaceId, eni);
    assert.equal(def.State, "active");
    assert.equal(r.find((x) => x.DestinationCidrBlock === "192.168.0.0/16")!.State, "active");
    await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
    r = await routes();
    assert.equal(r.find((x) => x.DestinationCidrBlock === "0.0.0.0/0")!.State, "blackhole");
    assert.equal(r.find((x) => x.DestinationCidrBlock === "192.168.0.0/16")!.State, "blackhole");
    await ec2.send(new ReplaceRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "0.0.0.0/0", InstanceId: other!.InstanceId }));
    r = await routes();
    assert.equal(r.find((x) => x.DestinationCidrBlock === "0.0.0.0/0")!.InstanceId, other!.InstanceId);
    assert.equal(r.find((x) => x.DestinationCidrBlock === "0.0.0.0/0")!.State, "active");
    // A second interface on the instance: routes must then name the interface.
    const extra = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId }))).NetworkInterface!.NetworkInterfaceId!;
    await ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: extra, InstanceId: other!.InstanceId, DeviceIndex: 1 }));
    await expectEc2Error(
      ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "172.16.0.0/12", InstanceId: other!.InstanceId })),
      "InvalidInstanceID",
    );
    await ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "172.16.0.0/12", NetworkInterfaceId: extra }));
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    await expectEc2Error(
      ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "10.99.0.0/16", InstanceId: id })),
      "InvalidInstanceID.NotFound",
    );
  });
});

describe("key pairs and images", () => {
  test("CreateKeyPair rsa and ed25519: real material and AWS's fingerprints", async () => {
    const ec2 = lab.ec2("ap-southeast-2");
    const rsa = await ec2.send(new CreateKeyPairCommand({ KeyName: "rsa-key" }));
    assert.match(rsa.KeyMaterial!, /^-----BEGIN RSA PRIVATE KEY-----\n/);
    assert.match(rsa.KeyPairId!, /^key-[0-9a-f]{17}$/);
    const pkcs8 = createPrivateKey(rsa.KeyMaterial!).export({ type: "pkcs8", format: "der" });
    assert.equal(rsa.KeyFingerprint, createHash("sha1").update(pkcs8).digest("hex").replace(/(..)(?!$)/g, "$1:"));
    const ed = await ec2.send(new CreateKeyPairCommand({ KeyName: "ed-key", KeyType: "ed25519", TagSpecifications: [{ ResourceType: "key-pair", Tags: [{ Key: "t", Value: "1" }] }] }));
    assert.match(ed.KeyMaterial!, /^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    assert.match(ed.KeyFingerprint!, /^[A-Za-z0-9+/]{43}=$/);
    await expectEc2Error(ec2.send(new CreateKeyPairCommand({ KeyName: "rsa-key" })), "InvalidKeyPair.Duplicate");
    await expectEc2Error(ec2.send(new CreateKeyPairCommand({ KeyName: "x", KeyType: "dsa" as never })), "InvalidParameterValue");
    const list = await ec2.send(new DescribeKeyPairsCommand({ IncludePublicKey: true }));
    assert.deepEqual(list.KeyPairs!.map((k) => k.KeyName).sort(), ["ed-key", "rsa-key"]);
    const edInfo = list.KeyPairs!.find((k) => k.KeyName === "ed-key")!;
    assert.equal(edInfo.KeyType, "ed25519");
    assert.match(edInfo.PublicKey!, /^ssh-ed25519 AAAA/);
    // The listed public key hashes to the fingerprint (base64 SHA-256 of the key blob).
    assert.equal(createHash("sha256").update(Buffer.from(edInfo.PublicKey!.split(" ")[1]!, "base64")).digest("base64"), ed.KeyFingerprint);
    const byTag = await ec2.send(new DescribeKeyPairsCommand({ Filters: [{ Name: "tag:t", Values: ["1"] }] }));
    assert.deepEqual(byTag.KeyPairs!.map((k) => k.KeyName), ["ed-key"]);
    await expectEc2Error(ec2.send(new DescribeKeyPairsCommand({ KeyNames: ["nope"] })), "InvalidKeyPair.NotFound");
    await ec2.send(new DeleteKeyPairCommand({ KeyName: "rsa-key" }));
    await expectEc2Error(ec2.send(new DescribeKeyPairsCommand({ KeyNames: ["rsa-key"] })), "InvalidKeyPair.NotFound");
    await expectEc2Error(ec2.send(new DeleteKeyPairCommand({ KeyPairId: "key-0123456789abcdef0" })), "InvalidKeyPair.NotFound");
  });

  test("ImportKeyPair: OpenSSH RSA with the MD5-of-DER fingerprint, bad material refused; the CLI with fileb://", async () => {
    const ec2 = lab.ec2("ap-southeast-2");
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const jwk = publicKey.export({ format: "jwk" }) as { n: string; e: string };
    const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, 0].map((_, i) => (b.length >>> (24 - 8 * i)) & 255)), b]);
    const mp = (b: Buffer) => str(b[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
    const blob = Buffer.concat([str(Buffer.from("ssh-rsa")), mp(Buffer.from(jwk.e, "base64url")), mp(Buffer.from(jwk.n, "base64url"))]);
    const line = `ssh-rsa ${blob.toString("base64")} me@laptop`;
    const expected = createHash("md5").update(publicKey.export({ type: "spki", format: "der" })).digest("hex").replace(/(..)(?!$)/g, "$1:");
    const imported = await ec2.send(new ImportKeyPairCommand({ KeyName: "mine", PublicKeyMaterial: new TextEncoder().encode(line) }));
    assert.equal(imported.KeyFingerprint, expected);
    const info = (await ec2.send(new DescribeKeyPairsCommand({ KeyNames: ["mine"] }))).KeyPairs![0]!;
    assert.equal(info.KeyType, "rsa");
    assert.equal(info.KeyFingerprint, expected);
    await expectEc2Error(ec2.send(new ImportKeyPairCommand({ KeyName: "mine", PublicKeyMaterial: new TextEncoder().encode(line) })), "InvalidKeyPair.Duplicate");
    await expectEc2Error(ec2.send(new ImportKeyPairCommand({ KeyName: "bad", PublicKeyMaterial: new TextEncoder().encode("ssh-rsa notakey") })), "InvalidKey.Format");
    await expectEc2Error(ec2.send(new DescribeKeyPairsCommand({ KeyNames: ["bad"] })), "InvalidKeyPair.NotFound");

    const dir = mkdtempSync(join(tmpdir(), "vpclab-key-"));
    const file = join(dir, "id.pub");
    writeFileSync(file, line + "\n");
    const cli = await lab.cli(["ec2", "import-key-pair", "--key-name", "from-cli", "--public-key-material", `fileb://${file}`], { region: "ap-southeast-2" });
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal((cli.json as { KeyFingerprint: string }).KeyFingerprint, expected);
  });

  test("DescribeImages: catalogue per region, owners and filters, unknown ids", async () => {
    const tokyo = lab.ec2("ap-northeast-1");
    const all = await tokyo.send(new DescribeImagesCommand({}));
    assert.ok(all.Images!.length >= 6);
    const amazon = await tokyo.send(new DescribeImagesCommand({ Owners: ["amazon"] }));
    assert.ok(amazon.Images!.every((i) => i.ImageOwnerAlias === "amazon"));
    const ubuntu = await tokyo.send(new DescribeImagesCommand({ Owners: ["099720109477"], Filters: [{ Name: "name", Values: ["ubuntu/images/*noble-24.04-amd64*"] }] }));
    assert.equal(ubuntu.Images!.length, 1);
    assert.equal(ubuntu.Images![0]!.Architecture, "x86_64");
    const win = await tokyo.send(new DescribeImagesCommand({ Filters: [{ Name: "platform", Values: ["windows"] }] }));
    assert.equal(win.Images!.length, 1);
    assert.equal(win.Images![0]!.PlatformDetails, "Windows");
    const arm = await tokyo.send(new DescribeImagesCommand({ Filters: [{ Name: "architecture", Values: ["arm64"] }] }));
    assert.ok(arm.Images!.length >= 2 && arm.Images!.every((i) => i.Architecture === "arm64"));
    const singapore = await lab.ec2("ap-southeast-1").send(new DescribeImagesCommand({ Filters: [{ Name: "name", Values: [ubuntu.Images![0]!.Name!] }] }));
    assert.notEqual(singapore.Images![0]!.ImageId, ubuntu.Images![0]!.ImageId, "AMI ids differ per region");
    assert.equal((await tokyo.send(new DescribeImagesCommand({ Owners: ["self"] }))).Images!.length, 0);
    await expectEc2Error(tokyo.send(new DescribeImagesCommand({ ImageIds: ["ami-0123456789abcdef0"] })), "InvalidAMIID.NotFound");
    await expectEc2Error(tokyo.send(new DescribeImagesCommand({ ImageIds: ["ami-nope"] })), "InvalidAMIID.Malformed");
    const cli = await lab.cli(["ec2", "describe-images", "--owners", "amazon", "--filters", "Name=name,Values=al2023-ami-*-x86_64"], { region: "ap-northeast-1" });
    assert.equal(cli.code, 0, cli.stderr);
    const images = (cli.json as { Images: { Name: string; ImageId: string }[] }).Images;
    assert.equal(images.length, 1);
    const [launched] = await run(tokyo, { ImageId: images[0]!.ImageId });
    assert.equal(launched!.ImageId, images[0]!.ImageId);
  });
});

test("the seed: an instance in Tokyo's 10.20.0.0/16 subnet and one in a Singapore default subnet, groups open to the peer", async () => {
  const seed = await startLab({ seed: 42 });
  try {
    const tokyo = seed.ec2("ap-northeast-1");
    const singapore = seed.ec2("ap-southeast-1");
    const { vpcId: tokyoVpc, subnetId: tokyoSubnet } = await vpcWithSubnet(tokyo, "10.20.0.0/16", "10.20.1.0/24", "ap-northeast-1a");
    const sgTokyo = (await tokyo.send(new CreateSecurityGroupCommand({ GroupName: "peer-in", Description: "ICMP and SSH from Singapore", VpcId: tokyoVpc }))).GroupId!;
    await tokyo.send(new AuthorizeSecurityGroupIngressCommand({
      GroupId: sgTokyo,
      IpPermissions: [
        { IpProtocol: "icmp", FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: "172.31.0.0/16" }] },
        { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "172.31.0.0/16" }] },
      ],
    }));
    await seed.cli(["ec2", "create-key-pair", "--key-name", "seed"], { region: "ap-northeast-1" });
    const cliRun = await seed.cli(
      ["ec2", "run-instances", "--image-id", AMI, "--instance-type", "t3.micro", "--count", "1", "--subnet-id", tokyoSubnet,
        "--security-group-ids", sgTokyo, "--key-name", "seed"],
      { region: "ap-northeast-1" },
    );
    assert.equal(cliRun.code, 0, cliRun.stderr);
    const tokyoInst = (cliRun.json as { Instances: { InstanceId: string; PrivateIpAddress: string; State: { Name: string } }[] }).Instances[0]!;
    assert.equal(tokyoInst.State.Name, "pending");
    assert.equal(tokyoInst.PrivateIpAddress, "10.20.1.4");

    const sgSg = (await singapore.send(new CreateSecurityGroupCommand({ GroupName: "peer-in", Description: "ICMP and SSH from Tokyo", VpcId: (await singapore.send(new DescribeSubnetsCommand({ Filters: [{ Name: "default-for-az", Values: ["true"] }] }))).Subnets![0]!.VpcId }))).GroupId!;
    await singapore.send(new AuthorizeSecurityGroupIngressCommand({
      GroupId: sgSg,
      IpPermissions: [
        { IpProtocol: "icmp", FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: "10.20.0.0/16" }] },
        { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "10.20.0.0/16" }] },
      ],
    }));
    const [sgInst] = await run(singapore, { SecurityGroupIds: [sgSg] });
    assert.equal(sgInst!.Placement!.AvailabilityZone, "ap-southeast-1a");
    assert.match(sgInst!.PrivateIpAddress!, /^172\.31\.(0|1[0-5]?|[2-9])\.\d+$/);

    const cliDescribe = await seed.cli(["ec2", "describe-instances", "--filters", "Name=instance-state-name,Values=running"], { region: "ap-northeast-1" });
    assert.equal(cliDescribe.code, 0, cliDescribe.stderr);
    const reservations = (cliDescribe.json as { Reservations: { Instances: { InstanceId: string; VpcId: string; SubnetId: string; PrivateIpAddress: string; PrivateDnsName: string; PublicIpAddress?: string; SecurityGroups: { GroupId: string }[]; KeyName: string }[] }[] }).Reservations;
    const t = reservations.flatMap((r) => r.Instances)[0]!;
    assert.equal(t.InstanceId, tokyoInst.InstanceId);
    assert.equal(t.VpcId, tokyoVpc);
    assert.equal(t.SubnetId, tokyoSubnet);
    assert.equal(t.PrivateDnsName, "ip-10-20-1-4.ap-northeast-1.compute.internal");
    assert.equal(t.PublicIpAddress, undefined, "the new VPC's subnet maps no public IPs");
    assert.deepEqual(t.SecurityGroups.map((g) => g.GroupId), [sgTokyo]);
    assert.equal(t.KeyName, "seed");
    const s = await describe1(singapore, sgInst!.InstanceId!);
    assert.equal(s.State!.Name, "running");
    assert.ok(s.PublicIpAddress, "the default subnet maps a public IP");
    assert.deepEqual(s.SecurityGroups!.map((g) => g.GroupId), [sgSg]);
    assert.equal(await freeCount(tokyo, tokyoSubnet), 250);
  } finally {
    await seed.close();
  }
});
