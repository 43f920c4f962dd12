/**
 * The edges of the API that Ansible and Terraform reach: the older filter names EC2 still accepts,
 * the ClassicLink calls (retired: UnsupportedOperation), and malformed ids (`….Malformed`, not NotFound).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeInternetGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSubnetsCommand,
  DescribeVpcClassicLinkCommand,
  DescribeVpcClassicLinkDnsSupportCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  EnableVpcClassicLinkCommand,
  AllocateAddressCommand,
  CreateDefaultSubnetCommand,
  DeleteSubnetCommand,
  DescribeAddressesAttributeCommand,
  ModifyAddressAttributeCommand,
  ModifyInstanceAttributeCommand,
  ModifyVpcTenancyCommand,
  ResetAddressAttributeCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { expectEc2Error, startLab, type Lab } from "../support/harness.js";

let lab: Lab;
let ec2: EC2Client;
before(async () => {
  lab = await startLab();
  ec2 = lab.ec2("eu-north-1");
});
after(async () => lab.close());

const vpcIds = async (name: string, values: string[]) =>
  ((await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: name, Values: values }] }))).Vpcs ?? []).map((v) => v.VpcId).sort();

test("DescribeVpcs accepts the older filter names Ansible sends (isDefault, cidr-block, cidrBlock)", async () => {
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.61.0.0/16" }))).Vpc!.VpcId!;
  const def = (await vpcIds("is-default", ["true"]))[0]!;
  assert.notEqual(def, undefined);
  assert.deepEqual(await vpcIds("isDefault", ["true"]), [def]);
  assert.deepEqual(await vpcIds("isDefault", ["false"]), [vpc]);
  assert.deepEqual(await vpcIds("cidr-block", ["10.61.0.0/16"]), [vpc]);
  assert.deepEqual(await vpcIds("cidrBlock", ["172.31.0.0/16"]), [def]);
  assert.deepEqual(await vpcIds("cidr", ["10.61.0.0/16"]), [vpc]);
  assert.deepEqual(await vpcIds("cidr-block", ["10.99.0.0/16"]), []);
  await expectEc2Error(ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "cidrblock", Values: ["x"] }] })), "InvalidParameterValue");
});

test("DescribeSubnets accepts the camelCase names and availability-zone-id", async () => {
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.62.0.0/16" }))).Vpc!.VpcId!;
  const sub = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.62.1.0/24", AvailabilityZone: "eu-north-1b" })))
    .Subnet!;
  const ids = async (name: string, values: string[]) =>
    ((await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpc] }, { Name: name, Values: values }] })))
      .Subnets ?? []).map((s) => s.SubnetId);
  for (const name of ["cidr", "cidrBlock", "cidr-block"]) assert.deepEqual(await ids(name, ["10.62.1.0/24"]), [sub.SubnetId], name);
  assert.deepEqual(await ids("availabilityZone", ["eu-north-1b"]), [sub.SubnetId]);
  assert.deepEqual(await ids("availability-zone-id", [sub.AvailabilityZoneId!]), [sub.SubnetId]);
  assert.deepEqual(await ids("defaultForAz", ["false"]), [sub.SubnetId]);
});

test("ClassicLink calls answer UnsupportedOperation with AWS's message (SDK and AWS CLI)", async () => {
  const def = (await vpcIds("is-default", ["true"]))[0]!;
  const err = await expectEc2Error(ec2.send(new DescribeVpcClassicLinkCommand({ VpcIds: [def] })), "UnsupportedOperation");
  assert.equal(err.message, "The functionality you requested is not available in this region.");
  await expectEc2Error(ec2.send(new DescribeVpcClassicLinkDnsSupportCommand({ VpcIds: [def] })), "UnsupportedOperation");
  await expectEc2Error(ec2.send(new EnableVpcClassicLinkCommand({ VpcId: def })), "UnsupportedOperation");
  const cli = await lab.cli(["ec2", "describe-vpc-classic-link"], { region: "eu-north-1" });
  assert.notEqual(cli.code, 0);
  assert.match(cli.stderr, /UnsupportedOperation.*not available in this region/);
});

test("malformed ids get ….Malformed; well-formed unknown ids get NotFound", async () => {
  await expectEc2Error(ec2.send(new DescribeVpcsCommand({ VpcIds: ["vpc-bogus"] })), "InvalidVpcID.Malformed");
  await expectEc2Error(ec2.send(new DescribeVpcsCommand({ VpcIds: ["vpc-0123456789abcdef0"] })), "InvalidVpcID.NotFound");
  await expectEc2Error(ec2.send(new DescribeSubnetsCommand({ SubnetIds: ["subnet-xyz"] })), "InvalidSubnetID.Malformed");
  await expectEc2Error(ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: ["rtb-xyz"] })), "InvalidRouteTableId.Malformed");
  await expectEc2Error(ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: ["rtb-12345678"] })), "InvalidRouteTableID.NotFound");
  await expectEc2Error(
    ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: ["igw-xyz"] })),
    "InvalidInternetGatewayId.Malformed",
  );
  await expectEc2Error(
    ec2.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: ["pcx-xyz"] })),
    "InvalidVpcPeeringConnectionId.Malformed",
  );
  const e = await expectEc2Error(ec2.send(new CreateSubnetCommand({ VpcId: "vpc-bogus", CidrBlock: "10.0.0.0/24" })), "InvalidVpcID.Malformed");
  assert.equal(e.message, 'Invalid id: "vpc-bogus"');
});

test("DescribeSecurityGroupRules refuses a malformed group id in its group-id filter", async () => {
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.63.0.0/16" }))).Vpc!.VpcId!;
  const sg = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: "r", Description: "r", VpcId: vpc }))).GroupId!;
  const e = await expectEc2Error(
    ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: ["bogus"] }] })),
    "InvalidGroupId.Malformed",
  );
  assert.equal(e.message, 'Invalid id: "bogus" (expecting "sg-...")');
  const rules = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [sg] }] }));
  assert.equal(rules.SecurityGroupRules?.length, 1); // the default allow-all egress rule
  const none = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: ["sg-0123456789abcdef0"] }] }));
  assert.deepEqual(none.SecurityGroupRules ?? [], []);
});

test("elastic IP reverse DNS: DescribeAddressesAttribute, ModifyAddressAttribute, ResetAddressAttribute", async () => {
  const eip = await ec2.send(new AllocateAddressCommand({ Domain: "vpc" }));
  const id = eip.AllocationId!;
  const dashed = eip.PublicIp!.replace(/\./g, "-");
  const read = async () =>
    (await ec2.send(new DescribeAddressesAttributeCommand({ AllocationIds: [id], Attribute: "domain-name" }))).Addresses![0]!;
  assert.equal((await read()).PtrRecord, `ec2-${dashed}.eu-north-1.compute.amazonaws.com.`);
  const mod = await ec2.send(new ModifyAddressAttributeCommand({ AllocationId: id, DomainName: "mail.example.com" }));
  assert.deepEqual(mod.Address?.PtrRecordUpdate, { Value: "mail.example.com.", Status: "PENDING" });
  assert.equal((await read()).PtrRecord, "mail.example.com.");
  await ec2.send(new ResetAddressAttributeCommand({ AllocationId: id, Attribute: "domain-name" }));
  assert.equal((await read()).PtrRecord, `ec2-${dashed}.eu-north-1.compute.amazonaws.com.`);
  await expectEc2Error(ec2.send(new ModifyAddressAttributeCommand({ AllocationId: id, DomainName: "not a name" })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new DescribeAddressesAttributeCommand({ AllocationIds: [id], Attribute: "ptr" as never })), "InvalidParameterValue");
});

test("CreateDefaultSubnet fills a zone of the default VPC that has none; ModifyVpcTenancy back to default", async () => {
  const zoneSubnet = async () =>
    (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "default-for-az", Values: ["true"] }, { Name: "availability-zone", Values: ["eu-north-1c"] }] })))
      .Subnets ?? [];
  const [old] = await zoneSubnet();
  await expectEc2Error(ec2.send(new CreateDefaultSubnetCommand({ AvailabilityZone: "eu-north-1c" })), "DefaultSubnetAlreadyExistsInAvailabilityZone");
  await ec2.send(new DeleteSubnetCommand({ SubnetId: old!.SubnetId }));
  const made = (await ec2.send(new CreateDefaultSubnetCommand({ AvailabilityZone: "eu-north-1c" }))).Subnet!;
  assert.equal(made.DefaultForAz, true);
  assert.equal(made.MapPublicIpOnLaunch, true);
  assert.equal(made.CidrBlock, old!.CidrBlock); // the /20 it left free
  assert.deepEqual((await zoneSubnet()).map((s) => s.SubnetId), [made.SubnetId]);
  await expectEc2Error(ec2.send(new CreateDefaultSubnetCommand({ AvailabilityZone: "eu-north-1z" })), "InvalidParameterValue");

  const def = (await vpcIds("is-default", ["true"]))[0]!;
  assert.equal((await ec2.send(new ModifyVpcTenancyCommand({ VpcId: def, InstanceTenancy: "default" }))).ReturnValue, true);
  await expectEc2Error(ec2.send(new ModifyVpcTenancyCommand({ VpcId: def, InstanceTenancy: "dedicated" as never })), "InvalidParameterValue");
});

test("Terraform's aws_instance delete: ModifyInstanceAttribute(DisableApiTermination=false), then terminate", async () => {
  const inst = (await ec2.send(
    new RunInstancesCommand({ ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, DisableApiTermination: true }),
  )).Instances![0]!;
  await expectEc2Error(ec2.send(new TerminateInstancesCommand({ InstanceIds: [inst.InstanceId!] })), "OperationNotPermitted");
  await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: inst.InstanceId, DisableApiTermination: { Value: false } }));
  const out = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [inst.InstanceId!] }));
  assert.equal(out.TerminatingInstances?.[0]?.CurrentState?.Name, "shutting-down");
});
