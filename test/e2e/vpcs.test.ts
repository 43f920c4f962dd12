// VPC operations through the SDK and the AWS CLI: defaults, creation, attributes, secondary blocks,
// deletion and its dependencies, filters and paging.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  AcceptVpcPeeringConnectionCommand,
  AssociateVpcCidrBlockCommand,
  CreateRouteCommand,
  CreateVpcPeeringConnectionCommand,
  DescribeVpcPeeringConnectionsCommand,
  RejectVpcPeeringConnectionCommand,
  CreateDefaultVpcCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DeleteInternetGatewayCommand,
  DescribeInternetGatewaysCommand,
  DescribeRouteTablesCommand,
  DetachInternetGatewayCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcsCommand,
  DisassociateVpcCidrBlockCommand,
  ModifyVpcAttributeCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { startLab, expectEc2Error, type Lab } from "../support/harness.js";

let lab: Lab;
let ec2: EC2Client;
before(async () => {
  lab = await startLab({ quotas: { vpcsPerRegion: 20 } });
  ec2 = lab.ec2("ap-northeast-1");
});
after(async () => {
  await lab.close();
});

test("every region starts with AWS's default VPC, seen through the AWS CLI", async () => {
  const r = await lab.cli(["ec2", "describe-vpcs"], { region: "ap-southeast-1" });
  assert.equal(r.code, 0, r.stderr);
  const vpcs = (r.json as { Vpcs: Record<string, unknown>[] }).Vpcs;
  assert.equal(vpcs.length, 1);
  const v = vpcs[0]!;
  assert.equal(v.CidrBlock, "172.31.0.0/16");
  assert.equal(v.IsDefault, true);
  assert.equal(v.State, "available");
  assert.equal(v.InstanceTenancy, "default");
  assert.match(String(v.VpcId), /^vpc-[0-9a-f]{17}$/);
  assert.match(String(v.DhcpOptionsId), /^dopt-[0-9a-f]{17}$/);
  const s = await lab.cli(["ec2", "describe-subnets", "--filters", `Name=vpc-id,Values=${v.VpcId}`], { region: "ap-southeast-1" });
  const subnets = (s.json as { Subnets: { CidrBlock: string; AvailabilityZone: string; AvailabilityZoneId: string; DefaultForAz: boolean; MapPublicIpOnLaunch: boolean; AvailableIpAddressCount: number }[] }).Subnets;
  assert.deepEqual(
    subnets.map((x) => [x.CidrBlock, x.AvailabilityZone, x.AvailabilityZoneId]).sort(),
    [
      ["172.31.0.0/20", "ap-southeast-1a", "apse1-az2"],
      ["172.31.16.0/20", "ap-southeast-1b", "apse1-az1"],
      ["172.31.32.0/20", "ap-southeast-1c", "apse1-az3"],
    ],
  );
  assert.ok(subnets.every((x) => x.DefaultForAz && x.MapPublicIpOnLaunch && x.AvailableIpAddressCount === 4091));
});

test("the default VPC has a main route table with local and 0.0.0.0/0 → its attached igw", async () => {
  const vpc = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }))).Vpcs![0]!;
  const rts = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpc.VpcId!] }] }))).RouteTables!;
  assert.equal(rts.length, 1);
  assert.equal(rts[0]!.Associations![0]!.Main, true);
  const routes = rts[0]!.Routes!.map((r) => [r.DestinationCidrBlock, r.GatewayId?.replace(/-[0-9a-f]{17}$/, ""), r.State, r.Origin]);
  assert.deepEqual(routes, [
    ["172.31.0.0/16", "local", "active", "CreateRouteTable"],
    ["0.0.0.0/0", "igw", "active", "CreateRoute"],
  ]);
  const igws = (await ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: "attachment.vpc-id", Values: [vpc.VpcId!] }] }))).InternetGateways!;
  assert.equal(igws.length, 1);
  assert.equal(igws[0]!.InternetGatewayId, rts[0]!.Routes![1]!.GatewayId);
});

test("CreateVpc through the AWS CLI prints what AWS prints, then the VPC becomes available", async () => {
  const r = await lab.cli(["ec2", "create-vpc", "--cidr-block", "10.20.0.0/16", "--tag-specifications", "ResourceType=vpc,Tags=[{Key=Name,Value=tokyo}]"], { region: "ap-northeast-1" });
  assert.equal(r.code, 0, r.stderr);
  const vpc = (r.json as { Vpc: Record<string, unknown> }).Vpc;
  assert.equal(vpc.CidrBlock, "10.20.0.0/16");
  assert.equal(vpc.State, "pending");
  assert.equal(vpc.IsDefault, false);
  assert.deepEqual(vpc.Ipv6CidrBlockAssociationSet, []);
  assert.equal(vpc.OwnerId, "000000000000");
  assert.deepEqual(vpc.Tags, [{ Key: "Name", Value: "tokyo" }]);
  const assoc = (vpc.CidrBlockAssociationSet as { CidrBlock: string; CidrBlockState: { State: string } }[])[0]!;
  assert.equal(assoc.CidrBlock, "10.20.0.0/16");
  assert.equal(assoc.CidrBlockState.State, "associated");
  const d = await ec2.send(new DescribeVpcsCommand({ VpcIds: [String(vpc.VpcId)] }));
  assert.equal(d.Vpcs![0]!.State, "available");
  const rts = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [String(vpc.VpcId)] }] }))).RouteTables!;
  assert.equal(rts.length, 1, "a new VPC has one main route table");
  assert.deepEqual(rts[0]!.Routes!.map((x) => [x.DestinationCidrBlock, x.GatewayId]), [["10.20.0.0/16", "local"]]);
});

test("host bits are canonicalised, and bad CIDRs are refused", async () => {
  const v = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.30.5.7/16" }))).Vpc!;
  assert.equal(v.CidrBlock, "10.30.0.0/16");
  await expectEc2Error(ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/15" })), "InvalidVpc.Range");
  await expectEc2Error(ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/29" })), "InvalidVpc.Range");
  await expectEc2Error(ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.256/16" })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new CreateVpcCommand({})), "MissingParameter");
  await expectEc2Error(ec2.send(new CreateVpcCommand({ CidrBlock: "10.31.0.0/16", InstanceTenancy: "shared" as never })), "InvalidParameterValue");
  await expectEc2Error(
    ec2.send(new CreateVpcCommand({ CidrBlock: "10.31.0.0/16", TagSpecifications: [{ ResourceType: "subnet", Tags: [{ Key: "a", Value: "b" }] }] })),
    "InvalidParameterValue",
  );
});

test("the VPC quota is AWS's default of 5 per region unless raised", async () => {
  const small = await startLab();
  try {
    const c = small.ec2("eu-west-1");
    for (let i = 0; i < 4; i++) await c.send(new CreateVpcCommand({ CidrBlock: `10.${i}.0.0/16` }));
    await expectEc2Error(c.send(new CreateVpcCommand({ CidrBlock: "10.99.0.0/16" })), "VpcLimitExceeded");
    assert.equal((await c.send(new DescribeVpcsCommand({}))).Vpcs!.length, 5);
  } finally {
    await small.close();
  }
});

test("DNS attributes read back and follow AWS's rule", async () => {
  const v = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.40.0.0/16" }))).Vpc!;
  const get = async (a: "enableDnsSupport" | "enableDnsHostnames") =>
    ec2.send(new DescribeVpcAttributeCommand({ VpcId: v.VpcId, Attribute: a }));
  assert.equal((await get("enableDnsSupport")).EnableDnsSupport!.Value, true);
  assert.equal((await get("enableDnsHostnames")).EnableDnsHostnames!.Value, false);
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId: v.VpcId, EnableDnsHostnames: { Value: true } }));
  assert.equal((await get("enableDnsHostnames")).EnableDnsHostnames!.Value, true);
  await expectEc2Error(
    ec2.send(new ModifyVpcAttributeCommand({ VpcId: v.VpcId, EnableDnsHostnames: { Value: true }, EnableDnsSupport: { Value: true } })),
    "InvalidParameterCombination",
  );
  await expectEc2Error(ec2.send(new DescribeVpcAttributeCommand({ VpcId: v.VpcId, Attribute: "colour" as never })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new DescribeVpcAttributeCommand({ VpcId: "vpc-00000000000000000", Attribute: "enableDnsSupport" })), "InvalidVpcID.NotFound");
});

test("secondary CIDR blocks follow AWS's association restrictions", async () => {
  const v = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.50.0.0/16" }))).Vpc!;
  const ok = await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: v.VpcId, CidrBlock: "10.51.0.0/16" }));
  assert.equal(ok.CidrBlockAssociation!.CidrBlock, "10.51.0.0/16");
  await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: v.VpcId, CidrBlock: "100.64.0.0/16" }));
  await expectEc2Error(ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: v.VpcId, CidrBlock: "192.168.0.0/16" })), "InvalidVpc.Range");
  await expectEc2Error(ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: v.VpcId, CidrBlock: "172.16.0.0/16" })), "InvalidVpc.Range");
  await expectEc2Error(ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: v.VpcId, CidrBlock: "10.50.128.0/17" })), "InvalidVpc.Range");
  const rt = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [v.VpcId!] }] }))).RouteTables![0]!;
  assert.deepEqual(rt.Routes!.filter((r) => r.GatewayId === "local").map((r) => r.DestinationCidrBlock), ["10.50.0.0/16", "10.51.0.0/16", "100.64.0.0/16"]);
  const desc = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "cidr-block-association.cidr-block", Values: ["10.51.0.0/16"] }] }))).Vpcs!;
  assert.deepEqual(desc.map((x) => x.VpcId), [v.VpcId]);

  // A block with a subnet in it cannot go; the primary never can.
  const sub = (await ec2.send(new CreateSubnetCommand({ VpcId: v.VpcId, CidrBlock: "10.51.1.0/24" }))).Subnet!;
  await expectEc2Error(ec2.send(new DisassociateVpcCidrBlockCommand({ AssociationId: ok.CidrBlockAssociation!.AssociationId })), "DependencyViolation");
  await ec2.send(new DeleteSubnetCommand({ SubnetId: sub.SubnetId }));
  const gone = await ec2.send(new DisassociateVpcCidrBlockCommand({ AssociationId: ok.CidrBlockAssociation!.AssociationId }));
  assert.equal(gone.CidrBlockAssociation!.CidrBlockState!.State, "disassociating");
  const primary = (await ec2.send(new DescribeVpcsCommand({ VpcIds: [v.VpcId!] }))).Vpcs![0]!.CidrBlockAssociationSet![0]!;
  await expectEc2Error(ec2.send(new DisassociateVpcCidrBlockCommand({ AssociationId: primary.AssociationId })), "OperationNotPermitted");
  await expectEc2Error(ec2.send(new DisassociateVpcCidrBlockCommand({ AssociationId: "vpc-cidr-assoc-00000000000000000" })), "InvalidVpcCidrBlockAssociationID.NotFound");
});

test("DeleteVpc refuses while a subnet remains, then deletes everything AWS made with it", async () => {
  const v = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.60.0.0/16" }))).Vpc!;
  const s = (await ec2.send(new CreateSubnetCommand({ VpcId: v.VpcId, CidrBlock: "10.60.1.0/24" }))).Subnet!;
  await expectEc2Error(ec2.send(new DeleteVpcCommand({ VpcId: v.VpcId })), "DependencyViolation");
  assert.equal((await ec2.send(new DescribeVpcsCommand({ VpcIds: [v.VpcId!] }))).Vpcs!.length, 1);
  await ec2.send(new DeleteSubnetCommand({ SubnetId: s.SubnetId }));
  await ec2.send(new DeleteVpcCommand({ VpcId: v.VpcId }));
  await expectEc2Error(ec2.send(new DescribeVpcsCommand({ VpcIds: [v.VpcId!] })), "InvalidVpcID.NotFound");
  const rts = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [v.VpcId!] }] }))).RouteTables!;
  assert.equal(rts.length, 0);
  await expectEc2Error(ec2.send(new DeleteVpcCommand({ VpcId: v.VpcId })), "InvalidVpcID.NotFound");
});

test("the default VPC can be deleted and made again with CreateDefaultVpc", async () => {
  const c = lab.ec2("ca-central-1");
  const def = (await c.send(new DescribeVpcsCommand({}))).Vpcs![0]!;
  await expectEc2Error(c.send(new CreateDefaultVpcCommand({})), "DefaultVpcAlreadyExists");
  await expectEc2Error(c.send(new DeleteVpcCommand({ VpcId: def.VpcId })), "DependencyViolation");
  for (const s of (await c.send(new DescribeSubnetsCommand({}))).Subnets!) await c.send(new DeleteSubnetCommand({ SubnetId: s.SubnetId }));
  const igw = (await c.send(new DescribeInternetGatewaysCommand({}))).InternetGateways![0]!;
  await c.send(new DetachInternetGatewayCommand({ InternetGatewayId: igw.InternetGatewayId, VpcId: def.VpcId }));
  await c.send(new DeleteInternetGatewayCommand({ InternetGatewayId: igw.InternetGatewayId }));
  await c.send(new DeleteVpcCommand({ VpcId: def.VpcId }));
  assert.equal((await c.send(new DescribeVpcsCommand({}))).Vpcs!.length, 0);
  const made = (await c.send(new CreateDefaultVpcCommand({}))).Vpc!;
  assert.equal(made.IsDefault, true);
  assert.equal(made.CidrBlock, "172.31.0.0/16");
  assert.notEqual(made.VpcId, def.VpcId);
  const subnets = (await c.send(new DescribeSubnetsCommand({}))).Subnets!;
  assert.deepEqual(subnets.map((s) => s.AvailabilityZone).sort(), ["ca-central-1a", "ca-central-1b", "ca-central-1d"]);
});

test("filters with wildcards, tag filters and paging", async () => {
  const c = lab.ec2("eu-north-1");
  for (let i = 0; i < 7; i++) {
    await c.send(new CreateVpcCommand({ CidrBlock: `10.${100 + i}.0.0/16`, TagSpecifications: [{ ResourceType: "vpc", Tags: [{ Key: "Name", Value: `lab-${i}` }, { Key: i % 2 ? "odd" : "even", Value: "" }] }] }));
  }
  const byTag = (await c.send(new DescribeVpcsCommand({ Filters: [{ Name: "tag:Name", Values: ["lab-?"] }] }))).Vpcs!;
  assert.equal(byTag.length, 7);
  const odd = (await c.send(new DescribeVpcsCommand({ Filters: [{ Name: "tag-key", Values: ["odd"] }] }))).Vpcs!;
  assert.equal(odd.length, 3);
  const cidr = (await c.send(new DescribeVpcsCommand({ Filters: [{ Name: "cidr", Values: ["10.10*"] }, { Name: "tag:Name", Values: ["lab-1", "lab-3"] }] }))).Vpcs!;
  assert.deepEqual(cidr.map((v) => v.CidrBlock).sort(), ["10.101.0.0/16", "10.103.0.0/16"]);
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await c.send(new DescribeVpcsCommand({ MaxResults: 5, NextToken: token }));
    seen.push(...page.Vpcs!.map((v) => v.VpcId!));
    token = page.NextToken;
    pages++;
  } while (token);
  assert.equal(pages, 2);
  assert.equal(new Set(seen).size, 8);
  await expectEc2Error(c.send(new DescribeVpcsCommand({ MaxResults: 4 })), "InvalidParameterValue");
  await expectEc2Error(c.send(new DescribeVpcsCommand({ Filters: [{ Name: "colour", Values: ["x"] }] })), "InvalidParameterValue");
});

test("deleting a VPC deletes its active peerings; a pending request from another account blocks it", async () => {
  const tokyo = lab.ec2("ap-northeast-1");
  const sg = lab.ec2("ap-southeast-1");
  const a = (await tokyo.send(new CreateVpcCommand({ CidrBlock: "10.70.0.0/16" }))).Vpc!;
  const peerVpc = (await sg.send(new DescribeVpcsCommand({}))).Vpcs![0]!;
  const pcx = (await tokyo.send(new CreateVpcPeeringConnectionCommand({ VpcId: a.VpcId, PeerVpcId: peerVpc.VpcId, PeerRegion: "ap-southeast-1" }))).VpcPeeringConnection!;
  await sg.send(new DescribeVpcPeeringConnectionsCommand({}));
  await sg.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx.VpcPeeringConnectionId }));
  const peerRt = (await sg.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [peerVpc.VpcId!] }] }))).RouteTables![0]!;
  await sg.send(new CreateRouteCommand({ RouteTableId: peerRt.RouteTableId, DestinationCidrBlock: "10.70.0.0/16", VpcPeeringConnectionId: pcx.VpcPeeringConnectionId }));
  await tokyo.send(new DeleteVpcCommand({ VpcId: a.VpcId }));
  const seen = (await sg.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [pcx.VpcPeeringConnectionId!] }))).VpcPeeringConnections![0]!;
  assert.ok(["deleting", "deleted"].includes(seen.Status!.Code!), seen.Status!.Code);
  const route = (await sg.send(new DescribeRouteTablesCommand({ RouteTableIds: [peerRt.RouteTableId!] }))).RouteTables![0]!.Routes!.find((r) => r.DestinationCidrBlock === "10.70.0.0/16")!;
  assert.equal(route.State, "blackhole");

  // Another account asks to peer with a VPC of ours: we cannot delete that VPC until we reject.
  const other = lab.ec2("ap-northeast-1", "444455556666");
  const theirs = (await other.send(new CreateVpcCommand({ CidrBlock: "10.80.0.0/16" }))).Vpc!;
  const ours = (await tokyo.send(new CreateVpcCommand({ CidrBlock: "10.81.0.0/16" }))).Vpc!;
  const req = (await other.send(new CreateVpcPeeringConnectionCommand({ VpcId: theirs.VpcId, PeerVpcId: ours.VpcId, PeerOwnerId: "000000000000" }))).VpcPeeringConnection!;
  await tokyo.send(new DescribeVpcPeeringConnectionsCommand({}));
  await expectEc2Error(tokyo.send(new DeleteVpcCommand({ VpcId: ours.VpcId })), "DependencyViolation");
  await tokyo.send(new RejectVpcPeeringConnectionCommand({ VpcPeeringConnectionId: req.VpcPeeringConnectionId }));
  await tokyo.send(new DeleteVpcCommand({ VpcId: ours.VpcId }));
});
