/**
 * Elastic IPs through real clients: allocation and its quota, association with instances and
 * interfaces (the internet gateway requirement, reassociation), replacement of the auto-assigned
 * public address, disassociation, release and DescribeAddresses filters.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateNetworkInterfaceCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DetachInternetGatewayCommand,
  DisassociateAddressCommand,
  EC2Client,
  ReleaseAddressCommand,
  RunInstancesCommand,
  StopInstancesCommand,
  StartInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { expectEc2Error, startLab, type Lab } from "../support/harness.js";

let lab: Lab;
before(async () => {
  lab = await startLab({ seed: 5, quotas: { elasticIpsPerRegion: 3 } });
});
after(async () => {
  await lab.close();
});

async function launch(ec2: EC2Client, subnetId?: string) {
  const inst = (await ec2.send(new RunInstancesCommand({ ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, SubnetId: subnetId }))).Instances![0]!;
  return inst.InstanceId!;
}

async function instance(ec2: EC2Client, id: string) {
  return (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!;
}

test("allocate, associate with an instance (replacing its public IP), keep across stop, disassociate, release", async () => {
  const ec2 = lab.ec2("us-east-1");
  const id = await launch(ec2);
  const auto = (await instance(ec2, id)).PublicIpAddress!;
  assert.ok(auto);
  const eip = await ec2.send(new AllocateAddressCommand({ Domain: "vpc", TagSpecifications: [{ ResourceType: "elastic-ip", Tags: [{ Key: "Name", Value: "web" }] }] }));
  assert.match(eip.AllocationId!, /^eipalloc-[0-9a-f]{17}$/);
  assert.match(eip.PublicIp!, /^\d+\.\d+\.\d+\.\d+$/);
  assert.equal(eip.Domain, "vpc");
  assert.equal(eip.NetworkBorderGroup, "us-east-1");
  const assoc = await ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: id }));
  assert.match(assoc.AssociationId!, /^eipassoc-[0-9a-f]{17}$/);
  const withEip = await instance(ec2, id);
  assert.equal(withEip.PublicIpAddress, eip.PublicIp);
  assert.equal(withEip.NetworkInterfaces![0]!.Association!.IpOwnerId, "000000000000");
  const described = (await ec2.send(new DescribeAddressesCommand({ AllocationIds: [eip.AllocationId!] }))).Addresses![0]!;
  assert.equal(described.InstanceId, id);
  assert.equal(described.AssociationId, assoc.AssociationId);
  assert.equal(described.PrivateIpAddress, withEip.PrivateIpAddress);
  assert.equal(described.NetworkInterfaceId, withEip.NetworkInterfaces![0]!.NetworkInterfaceId);
  assert.deepEqual(described.Tags, [{ Key: "Name", Value: "web" }]);

  // An EIP survives stop and start (the auto-assigned address would not).
  await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
  assert.equal((await instance(ec2, id)).PublicIpAddress, eip.PublicIp);
  await ec2.send(new StartInstancesCommand({ InstanceIds: [id] }));
  assert.equal((await instance(ec2, id)).PublicIpAddress, eip.PublicIp);

  await expectEc2Error(ec2.send(new ReleaseAddressCommand({ AllocationId: eip.AllocationId })), "InvalidIPAddress.InUse");
  await ec2.send(new DisassociateAddressCommand({ AssociationId: assoc.AssociationId }));
  const after = await instance(ec2, id);
  assert.ok(after.PublicIpAddress, "the instance gets an auto-assigned address back");
  assert.notEqual(after.PublicIpAddress, eip.PublicIp);
  assert.equal((await ec2.send(new DescribeAddressesCommand({ AllocationIds: [eip.AllocationId!] }))).Addresses![0]!.AssociationId, undefined);
  await expectEc2Error(ec2.send(new DisassociateAddressCommand({ AssociationId: assoc.AssociationId })), "InvalidAssociationID.NotFound");
  await ec2.send(new ReleaseAddressCommand({ AllocationId: eip.AllocationId }));
  await expectEc2Error(ec2.send(new DescribeAddressesCommand({ AllocationIds: [eip.AllocationId!] })), "InvalidAllocationID.NotFound");
  await expectEc2Error(ec2.send(new ReleaseAddressCommand({ AllocationId: eip.AllocationId })), "InvalidAllocationID.NotFound");
  await expectEc2Error(ec2.send(new ReleaseAddressCommand({ AllocationId: "eipalloc-xyz" })), "InvalidAllocationID.Malformed");
});

test("a VPC without an internet gateway: Gateway.NotAttached; with one, the interface takes the EIP and the IGW cannot detach", async () => {
  const ec2 = lab.ec2("ap-northeast-1");
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.20.0.0/16" }))).Vpc!.VpcId!;
  const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.20.1.0/24" }))).Subnet!.SubnetId!;
  const eni = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId }))).NetworkInterface!.NetworkInterfaceId!;
  const eip = await ec2.send(new AllocateAddressCommand({}));
  const err = await expectEc2Error(ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, NetworkInterfaceId: eni })), "Gateway.NotAttached");
  assert.match(err.message, new RegExp(vpcId));
  const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId }));
  await ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, NetworkInterfaceId: eni, PrivateIpAddress: "10.20.1.4" }));
  const byEni = await ec2.send(new DescribeAddressesCommand({ Filters: [{ Name: "network-interface-id", Values: [eni] }] }));
  assert.equal(byEni.Addresses![0]!.PublicIp, eip.PublicIp);
  assert.equal(byEni.Addresses![0]!.InstanceId, undefined);
  await expectEc2Error(ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId })), "DependencyViolation");
  await expectEc2Error(
    ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, NetworkInterfaceId: eni, PrivateIpAddress: "10.20.1.99" })),
    "InvalidParameterValue",
  );
});

test("reassociation needs AllowReassociation; the quota gives AddressLimitExceeded", async () => {
  const ec2 = lab.ec2("eu-west-1");
  const a = await launch(ec2);
  const b = await launch(ec2);
  const eip = await ec2.send(new AllocateAddressCommand({ Domain: "vpc" }));
  await ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: a }));
  await expectEc2Error(ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: b })), "Resource.AlreadyAssociated");
  assert.equal((await instance(ec2, a)).PublicIpAddress, eip.PublicIp);
  await ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: b, AllowReassociation: true }));
  assert.equal((await instance(ec2, b)).PublicIpAddress, eip.PublicIp);
  const aNow = await instance(ec2, a);
  assert.ok(aNow.PublicIpAddress && aNow.PublicIpAddress !== eip.PublicIp, "the old holder gets an auto-assigned address back");
  await expectEc2Error(ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId })), "MissingParameter");
  await expectEc2Error(ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: "i-0123456789abcdef0" })), "InvalidInstanceID.NotFound");
  await expectEc2Error(ec2.send(new AssociateAddressCommand({ AllocationId: "eipalloc-0123456789abcdef0", InstanceId: a })), "InvalidAllocationID.NotFound");

  await ec2.send(new AllocateAddressCommand({}));
  await ec2.send(new AllocateAddressCommand({}));
  await expectEc2Error(ec2.send(new AllocateAddressCommand({})), "AddressLimitExceeded");
  assert.equal((await ec2.send(new DescribeAddressesCommand({}))).Addresses!.length, 3);
  await expectEc2Error(ec2.send(new AllocateAddressCommand({ Domain: "standard" })), "InvalidParameterValue");

  // Termination disassociates the EIP; it stays allocated.
  await ec2.send(new TerminateInstancesCommand({ InstanceIds: [b] }));
  await instance(ec2, b);
  const kept = (await ec2.send(new DescribeAddressesCommand({ PublicIps: [eip.PublicIp!] }))).Addresses![0]!;
  assert.equal(kept.AssociationId, undefined);
  assert.equal(kept.InstanceId, undefined);
});

test("DescribeAddresses filters, and the CLI", async () => {
  const ec2 = lab.ec2("sa-east-1");
  const id = await launch(ec2);
  const one = await ec2.send(new AllocateAddressCommand({}));
  const two = await ec2.send(new AllocateAddressCommand({ TagSpecifications: [{ ResourceType: "elastic-ip", Tags: [{ Key: "env", Value: "prod" }] }] }));
  await ec2.send(new AssociateAddressCommand({ AllocationId: one.AllocationId, InstanceId: id }));
  const ips = async (filters: { Name: string; Values: string[] }[]) =>
    (await ec2.send(new DescribeAddressesCommand({ Filters: filters }))).Addresses!.map((a) => a.PublicIp).sort();
  assert.deepEqual(await ips([{ Name: "instance-id", Values: [id] }]), [one.PublicIp]);
  assert.deepEqual(await ips([{ Name: "tag:env", Values: ["prod"] }]), [two.PublicIp]);
  assert.deepEqual(await ips([{ Name: "domain", Values: ["vpc"] }]), [one.PublicIp, two.PublicIp].sort());
  assert.deepEqual(await ips([{ Name: "public-ip", Values: [two.PublicIp!] }]), [two.PublicIp]);
  assert.deepEqual(await ips([{ Name: "allocation-id", Values: [one.AllocationId!] }]), [one.PublicIp]);
  const inst = await instance(ec2, id);
  assert.deepEqual(await ips([{ Name: "private-ip-address", Values: [inst.PrivateIpAddress!] }]), [one.PublicIp]);
  await expectEc2Error(ec2.send(new DescribeAddressesCommand({ PublicIps: ["203.0.113.9"] })), "InvalidAddress.NotFound");
  await expectEc2Error(ec2.send(new DescribeAddressesCommand({ Filters: [{ Name: "nope", Values: ["x"] }] })), "InvalidParameterValue");

  const cliAlloc = await lab.cli(["ec2", "allocate-address", "--domain", "vpc"], { region: "sa-east-1" });
  assert.equal(cliAlloc.code, 0, cliAlloc.stderr);
  const allocated = cliAlloc.json as { AllocationId: string; PublicIp: string };
  const cliList = await lab.cli(["ec2", "describe-addresses", "--allocation-ids", allocated.AllocationId], { region: "sa-east-1" });
  assert.equal(cliList.code, 0, cliList.stderr);
  assert.equal((cliList.json as { Addresses: { PublicIp: string }[] }).Addresses[0]!.PublicIp, allocated.PublicIp);
  const all = (await ec2.send(new DescribeAddressesCommand({}))).Addresses!.map((a) => a.PublicIp);
  assert.equal(new Set(all).size, all.length, "public addresses are never handed out twice");
});
