/**
 * Elastic network interfaces through real clients: creation and address allocation, attachment
 * rules, deletion, attributes, secondary addresses, and the subnet's free-address count.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  AssignPrivateIpAddressesCommand,
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteNetworkInterfaceCommand,
  DeleteSubnetCommand,
  DescribeNetworkInterfaceAttributeCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSubnetsCommand,
  DetachNetworkInterfaceCommand,
  EC2Client,
  ModifyNetworkInterfaceAttributeCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  DescribeInstancesCommand,
  UnassignPrivateIpAddressesCommand,
} from "@aws-sdk/client-ec2";
import { expectEc2Error, startLab, type Lab } from "../support/harness.js";

let lab: Lab;
before(async () => {
  lab = await startLab({ seed: 11 });
});
after(async () => {
  await lab.close();
});

async function network(ec2: EC2Client, vpcCidr: string, subnets: [string, string][]) {
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: vpcCidr }))).Vpc!.VpcId!;
  const ids: string[] = [];
  for (const [cidr, zone] of subnets) {
    ids.push((await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: zone }))).Subnet!.SubnetId!);
  }
  return { vpcId, subnetIds: ids };
}

async function freeCount(ec2: EC2Client, subnetId: string): Promise<number> {
  return (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }))).Subnets![0]!.AvailableIpAddressCount!;
}

async function eni(ec2: EC2Client, id: string) {
  return (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [id] }))).NetworkInterfaces![0]!;
}

test("CreateNetworkInterface: next free address, explicit address, secondaries, default group, tags", async () => {
  const ec2 = lab.ec2("eu-west-1");
  const { vpcId, subnetIds: [subnet] } = await network(ec2, "10.10.0.0/16", [["10.10.1.0/24", "eu-west-1a"]]);
  const a = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet, Description: "first" }))).NetworkInterface!;
  assert.match(a.NetworkInterfaceId!, /^eni-[0-9a-f]{17}$/);
  assert.equal(a.PrivateIpAddress, "10.10.1.4");
  assert.equal(a.Status, "available");
  assert.equal(a.VpcId, vpcId);
  assert.equal(a.AvailabilityZone, "eu-west-1a");
  assert.equal(a.Description, "first");
  assert.equal(a.SourceDestCheck, true);
  assert.equal(a.InterfaceType, "interface");
  assert.equal(a.PrivateDnsName, "ip-10-10-1-4.eu-west-1.compute.internal");
  assert.equal(a.Groups![0]!.GroupName, "default");
  const b = (await ec2.send(new CreateNetworkInterfaceCommand({
    SubnetId: subnet,
    PrivateIpAddress: "10.10.1.100",
    SecondaryPrivateIpAddressCount: 2,
    TagSpecifications: [{ ResourceType: "network-interface", Tags: [{ Key: "Name", Value: "b" }] }],
  }))).NetworkInterface!;
  assert.deepEqual(b.PrivateIpAddresses!.map((p) => [p.PrivateIpAddress, p.Primary]), [["10.10.1.100", true], ["10.10.1.5", false], ["10.10.1.6", false]]);
  assert.deepEqual(b.TagSet, [{ Key: "Name", Value: "b" }]);
  assert.equal(await freeCount(ec2, subnet!), 251 - 4);
  // Refusals leave the count unchanged.
  await expectEc2Error(ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet, PrivateIpAddress: "10.10.1.100" })), "InvalidIPAddress.InUse");
  await expectEc2Error(ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet, PrivateIpAddress: "10.10.1.255" })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet, PrivateIpAddress: "10.10.1.2" })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet, PrivateIpAddress: "10.10.9.9" })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: "subnet-0123456789abcdef0" })), "InvalidSubnetID.NotFound");
  await expectEc2Error(ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet, Groups: ["sg-0123456789abcdef0"] })), "InvalidGroup.NotFound");
  assert.equal(await freeCount(ec2, subnet!), 247);
  // The subnet cannot go while interfaces use it.
  await expectEc2Error(ec2.send(new DeleteSubnetCommand({ SubnetId: subnet })), "DependencyViolation");
});

test("a full subnet: InsufficientFreeAddressesInSubnet", async () => {
  const ec2 = lab.ec2("eu-west-2");
  const { subnetIds: [subnet] } = await network(ec2, "10.11.0.0/16", [["10.11.1.0/28", "eu-west-2a"]]);
  await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet, SecondaryPrivateIpAddressCount: 10 }));
  assert.equal(await freeCount(ec2, subnet!), 0);
  await expectEc2Error(ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet })), "InsufficientFreeAddressesInSubnet");
});

test("attach and detach: same AZ, free device index, primary cannot be detached, in-use cannot be deleted", async () => {
  const ec2 = lab.ec2("eu-central-1");
  const { subnetIds: [subA, subB] } = await network(ec2, "10.12.0.0/16", [["10.12.1.0/24", "eu-central-1a"], ["10.12.2.0/24", "eu-central-1b"]]);
  const inst = (await ec2.send(new RunInstancesCommand({ ImageId: "ami-0123456789abcdef0", InstanceType: "t3.small", MinCount: 1, MaxCount: 1, SubnetId: subA }))).Instances![0]!;
  const instanceId = inst.InstanceId!;
  const primary = inst.NetworkInterfaces![0]!;
  await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })); // settles to running
  const same = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subA }))).NetworkInterface!.NetworkInterfaceId!;
  const other = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subB }))).NetworkInterface!.NetworkInterfaceId!;

  await expectEc2Error(ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: other, InstanceId: instanceId, DeviceIndex: 1 })), "InvalidParameterCombination");
  await expectEc2Error(ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: same, InstanceId: instanceId, DeviceIndex: 0 })), "InvalidParameterValue");
  const att = await ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: same, InstanceId: instanceId, DeviceIndex: 1 }));
  assert.match(att.AttachmentId!, /^eni-attach-[0-9a-f]{17}$/);
  const attached = await eni(ec2, same);
  assert.equal(attached.Status, "in-use");
  assert.equal(attached.Attachment!.InstanceId, instanceId);
  assert.equal(attached.Attachment!.DeviceIndex, 1);
  assert.equal(attached.Attachment!.DeleteOnTermination, false);
  await expectEc2Error(ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: same, InstanceId: instanceId, DeviceIndex: 2 })), "InvalidNetworkInterface.InUse");
  const view = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations![0]!.Instances![0]!;
  assert.deepEqual(view.NetworkInterfaces!.map((n) => n.Attachment!.DeviceIndex), [0, 1]);

  const delErr = await expectEc2Error(ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: same })), "InvalidParameterValue");
  assert.match(delErr.message, /currently in use/);
  await expectEc2Error(ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: primary.Attachment!.AttachmentId })), "OperationNotPermitted");
  await expectEc2Error(ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: "eni-attach-0123456789abcdef0" })), "InvalidAttachmentID.NotFound");
  await ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: att.AttachmentId }));
  assert.equal((await eni(ec2, same)).Status, "available");
  assert.equal((await eni(ec2, same)).Attachment, undefined);
  await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: same }));
  await expectEc2Error(ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [same] })), "InvalidNetworkInterfaceID.NotFound");
  await expectEc2Error(ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: "eni-nope" })), "InvalidNetworkInterfaceID.Malformed");

  // Interfaces attached without DeleteOnTermination survive the instance, detached.
  const keep = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subA }))).NetworkInterface!.NetworkInterfaceId!;
  await ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: keep, InstanceId: instanceId, DeviceIndex: 1 }));
  await ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
  assert.equal((await eni(ec2, keep)).Status, "available");
  await expectEc2Error(ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [primary.NetworkInterfaceId!] })), "InvalidNetworkInterfaceID.NotFound");
});

test("ModifyNetworkInterfaceAttribute and DescribeNetworkInterfaceAttribute", async () => {
  const ec2 = lab.ec2("eu-north-1");
  const { vpcId, subnetIds: [subnet] } = await network(ec2, "10.13.0.0/16", [["10.13.1.0/24", "eu-north-1a"]]);
  const other = await network(ec2, "10.14.0.0/16", []);
  const sg = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: "appliance", Description: "x", VpcId: vpcId }))).GroupId!;
  const foreign = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: "elsewhere", Description: "x", VpcId: other.vpcId }))).GroupId!;
  const id = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet }))).NetworkInterface!.NetworkInterfaceId!;
  await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: id, SourceDestCheck: { Value: false } }));
  await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: id, Groups: [sg] }));
  await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: id, Description: { Value: "nat box" } }));
  const e = await eni(ec2, id);
  assert.equal(e.SourceDestCheck, false);
  assert.deepEqual(e.Groups, [{ GroupId: sg, GroupName: "appliance" }]);
  assert.equal(e.Description, "nat box");
  const attr = await ec2.send(new DescribeNetworkInterfaceAttributeCommand({ NetworkInterfaceId: id, Attribute: "sourceDestCheck" }));
  assert.equal(attr.SourceDestCheck!.Value, false);
  const g = await ec2.send(new DescribeNetworkInterfaceAttributeCommand({ NetworkInterfaceId: id, Attribute: "groupSet" }));
  assert.deepEqual(g.Groups, [{ GroupId: sg, GroupName: "appliance" }]);
  const err = await expectEc2Error(ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: id, Groups: [foreign] })), "InvalidParameter");
  assert.match(err.message, /different networks/);
  assert.deepEqual((await eni(ec2, id)).Groups!.map((x) => x.GroupId), [sg]);
  await expectEc2Error(
    ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: id, SourceDestCheck: { Value: true }, Description: { Value: "two" } })),
    "InvalidParameterCombination",
  );
  // The CLI shows the same.
  const cli = await lab.cli(["ec2", "describe-network-interfaces", "--network-interface-ids", id], { region: "eu-north-1" });
  assert.equal(cli.code, 0, cli.stderr);
  const viaCli = (cli.json as { NetworkInterfaces: { SourceDestCheck: boolean; Description: string; PrivateIpAddress: string }[] }).NetworkInterfaces[0]!;
  assert.equal(viaCli.SourceDestCheck, false);
  assert.equal(viaCli.Description, "nat box");
  assert.equal(viaCli.PrivateIpAddress, "10.13.1.4");
});

test("Assign/UnassignPrivateIpAddresses, with and without reassignment", async () => {
  const ec2 = lab.ec2("ap-south-1");
  const { subnetIds: [subnet] } = await network(ec2, "10.15.0.0/16", [["10.15.1.0/24", "ap-south-1a"]]);
  const a = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet }))).NetworkInterface!.NetworkInterfaceId!;
  const b = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet }))).NetworkInterface!.NetworkInterfaceId!;
  const before = await freeCount(ec2, subnet!);
  const out = await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: a, SecondaryPrivateIpAddressCount: 2 }));
  assert.deepEqual(out.AssignedPrivateIpAddresses!.map((p) => p.PrivateIpAddress), ["10.15.1.6", "10.15.1.7"]);
  await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: a, PrivateIpAddresses: ["10.15.1.50"] }));
  assert.equal(await freeCount(ec2, subnet!), before - 3);
  await expectEc2Error(ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: b, PrivateIpAddresses: ["10.15.1.50"] })), "InvalidIPAddress.InUse");
  await expectEc2Error(ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: b, PrivateIpAddresses: ["10.15.1.4"], AllowReassignment: true })), "InvalidIPAddress.InUse");
  await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: b, PrivateIpAddresses: ["10.15.1.50"], AllowReassignment: true }));
  assert.ok((await eni(ec2, b)).PrivateIpAddresses!.some((p) => p.PrivateIpAddress === "10.15.1.50"));
  assert.ok(!(await eni(ec2, a)).PrivateIpAddresses!.some((p) => p.PrivateIpAddress === "10.15.1.50"));
  assert.equal(await freeCount(ec2, subnet!), before - 3);
  await expectEc2Error(ec2.send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: a, PrivateIpAddresses: ["10.15.1.4"] })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: a, PrivateIpAddresses: ["10.15.1.99"] })), "InvalidParameterValue");
  await ec2.send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: a, PrivateIpAddresses: ["10.15.1.6", "10.15.1.7"] }));
  assert.deepEqual((await eni(ec2, a)).PrivateIpAddresses!.map((p) => p.PrivateIpAddress), ["10.15.1.4"]);
  assert.equal(await freeCount(ec2, subnet!), before - 1);
});

test("DescribeNetworkInterfaces filters", async () => {
  const ec2 = lab.ec2("ca-central-1");
  const { vpcId, subnetIds: [subnet] } = await network(ec2, "10.16.0.0/16", [["10.16.1.0/24", "ca-central-1b"]]);
  const inst = (await ec2.send(new RunInstancesCommand({ ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, SubnetId: subnet }))).Instances![0]!;
  const loose = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet, Description: "spare" }))).NetworkInterface!;
  const ids = async (filters: { Name: string; Values: string[] }[]) =>
    (await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: filters }))).NetworkInterfaces!.map((n) => n.NetworkInterfaceId).sort();
  const attachedId = inst.NetworkInterfaces![0]!.NetworkInterfaceId!;
  assert.deepEqual(await ids([{ Name: "vpc-id", Values: [vpcId] }]), [attachedId, loose.NetworkInterfaceId].sort());
  assert.deepEqual(await ids([{ Name: "attachment.instance-id", Values: [inst.InstanceId!] }]), [attachedId]);
  assert.deepEqual(await ids([{ Name: "status", Values: ["available"] }]), [loose.NetworkInterfaceId]);
  assert.deepEqual(await ids([{ Name: "description", Values: ["spa*"] }]), [loose.NetworkInterfaceId]);
  assert.deepEqual(await ids([{ Name: "private-ip-address", Values: [inst.PrivateIpAddress!] }]), [attachedId]);
  assert.deepEqual(await ids([{ Name: "addresses.private-ip-address", Values: [loose.PrivateIpAddress!] }]), [loose.NetworkInterfaceId]);
  assert.deepEqual(await ids([{ Name: "subnet-id", Values: [subnet!] }, { Name: "attachment.device-index", Values: ["0"] }]), [attachedId]);
  assert.deepEqual(await ids([{ Name: "availability-zone", Values: ["ca-central-1b"] }]).then((x) => x.length), 2);
  assert.deepEqual(await ids([{ Name: "mac-address", Values: [loose.MacAddress!] }]), [loose.NetworkInterfaceId]);
  assert.deepEqual(await ids([{ Name: "group-name", Values: ["default"] }, { Name: "vpc-id", Values: [vpcId] }]).then((x) => x.length), 2);
  await expectEc2Error(ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: "bogus", Values: ["1"] }] })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: ["eni-0123456789abcdef0"] })), "InvalidNetworkInterfaceID.NotFound");
});
