// Route tables through the AWS CLI (the scenario's steps 1–2, field for field) and the SDK: local routes,
// main and explicit associations, moving "main", gateway routes and their errors, AWS's rule for
// destinations inside the VPC, DescribeRouteTables filters and paging; refused requests change nothing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  AssociateRouteTableCommand,
  AssociateVpcCidrBlockCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateNetworkInterfaceCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteRouteCommand,
  DeleteRouteTableCommand,
  DescribeRouteTablesCommand,
  DescribeVpcsCommand,
  DetachInternetGatewayCommand,
  DisassociateRouteTableCommand,
  ReplaceRouteCommand,
  ReplaceRouteTableAssociationCommand,
  type EC2Client,
  type RouteTable,
} from "@aws-sdk/client-ec2";
import { startLab, expectEc2Error, type Lab } from "../support/harness.js";

let lab: Lab;
let ec2: EC2Client;
before(async () => {
  lab = await startLab({ quotas: { vpcsPerRegion: 50, internetGatewaysPerRegion: 50 } });
  ec2 = lab.ec2("eu-west-1");
});
after(async () => {
  await lab.close();
});

type Json = Record<string, unknown>;

async function cli(args: string[], region = "ap-northeast-1"): Promise<Json> {
  const r = await lab.cli(["ec2", ...args], { region });
  assert.equal(r.code, 0, `aws ec2 ${args.join(" ")}: ${r.stderr}`);
  return (r.json ?? {}) as Json;
}

async function newVpc(cidr = "10.0.0.0/16"): Promise<string> {
  return (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
}

async function newSubnet(vpcId: string, cidr: string): Promise<string> {
  return (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr }))).Subnet!.SubnetId!;
}

async function newTable(vpcId: string): Promise<string> {
  return (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
}

async function attachedIgw(vpcId: string): Promise<string> {
  const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId }));
  return igw;
}

async function table(id: string): Promise<RouteTable> {
  return (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [id] }))).RouteTables![0]!;
}

async function mainTableOf(vpcId: string): Promise<RouteTable> {
  const r = await ec2.send(
    new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }, { Name: "association.main", Values: ["true"] }] }),
  );
  assert.equal(r.RouteTables!.length, 1);
  return r.RouteTables![0]!;
}

const routes = (t: RouteTable) => t.Routes!.map((r) => [r.DestinationCidrBlock, r.GatewayId ?? r.VpcPeeringConnectionId ?? r.NetworkInterfaceId, r.State]);

test("the scenario's steps 1–2 with the AWS CLI print what AWS prints, field for field", async () => {
  const vpc = (await cli(["create-vpc", "--cidr-block", "10.20.0.0/16"])).Vpc as Json;
  const vpcId = String(vpc.VpcId);
  const subnet = (await cli(["create-subnet", "--vpc-id", vpcId, "--cidr-block", "10.20.1.0/24", "--availability-zone", "ap-northeast-1a"])).Subnet as Json;
  const subnetId = String(subnet.SubnetId);

  const created = (await cli(["create-route-table", "--vpc-id", vpcId])).RouteTable as Json;
  const rtbId = String(created.RouteTableId);
  assert.match(rtbId, /^rtb-[0-9a-f]{17}$/);
  assert.deepEqual(created, {
    Associations: [],
    PropagatingVgws: [],
    RouteTableId: rtbId,
    Routes: [{ DestinationCidrBlock: "10.20.0.0/16", GatewayId: "local", Origin: "CreateRouteTable", State: "active" }],
    Tags: [],
    VpcId: vpcId,
    OwnerId: "000000000000",
  });

  const igw = (await cli(["create-internet-gateway"])).InternetGateway as Json;
  const igwId = String(igw.InternetGatewayId);
  const attach = await lab.cli(["ec2", "attach-internet-gateway", "--vpc-id", vpcId, "--internet-gateway-id", igwId], { region: "ap-northeast-1" });
  assert.equal(attach.code, 0, attach.stderr);
  assert.equal(attach.stdout.trim(), "", "attach-internet-gateway prints nothing, as on AWS");

  assert.deepEqual(await cli(["create-route", "--route-table-id", rtbId, "--destination-cidr-block", "0.0.0.0/0", "--gateway-id", igwId]), {
    Return: true,
  });

  const assoc = await cli(["associate-route-table", "--route-table-id", rtbId, "--subnet-id", subnetId]);
  const assocId = String(assoc.AssociationId);
  assert.match(assocId, /^rtbassoc-[0-9a-f]{17}$/);
  assert.deepEqual(assoc, { AssociationId: assocId, AssociationState: { State: "associated" } });

  const described = (await cli(["describe-route-tables", "--filters", `Name=vpc-id,Values=${vpcId}`])).RouteTables as Json[];
  assert.equal(described.length, 2);
  const main = described.find((t) => t.RouteTableId !== rtbId)!;
  const mainId = String(main.RouteTableId);
  const mainAssoc = (main.Associations as Json[])[0]!;
  assert.deepEqual(main, {
    Associations: [
      { Main: true, RouteTableAssociationId: mainAssoc.RouteTableAssociationId, RouteTableId: mainId, AssociationState: { State: "associated" } },
    ],
    PropagatingVgws: [],
    RouteTableId: mainId,
    Routes: [{ DestinationCidrBlock: "10.20.0.0/16", GatewayId: "local", Origin: "CreateRouteTable", State: "active" }],
    Tags: [],
    VpcId: vpcId,
    OwnerId: "000000000000",
  });
  assert.deepEqual(described.find((t) => t.RouteTableId === rtbId), {
    Associations: [
      { Main: false, RouteTableAssociationId: assocId, RouteTableId: rtbId, SubnetId: subnetId, AssociationState: { State: "associated" } },
    ],
    PropagatingVgws: [],
    RouteTableId: rtbId,
    Routes: [
      { DestinationCidrBlock: "10.20.0.0/16", GatewayId: "local", Origin: "CreateRouteTable", State: "active" },
      { DestinationCidrBlock: "0.0.0.0/0", GatewayId: igwId, Origin: "CreateRoute", State: "active" },
    ],
    Tags: [],
    VpcId: vpcId,
    OwnerId: "000000000000",
  });

  // A refused create-route: the CLI exits non-zero with EC2's code, and the table is unchanged.
  const dup = await lab.cli(["ec2", "create-route", "--route-table-id", rtbId, "--destination-cidr-block", "0.0.0.0/0", "--gateway-id", igwId], {
    region: "ap-northeast-1",
  });
  assert.notEqual(dup.code, 0);
  assert.match(dup.stderr, /RouteAlreadyExists/);
});

test("the default VPC's main route table has local and 0.0.0.0/0 → its attached igw", async () => {
  const sg = lab.ec2("ap-southeast-1");
  const vpc = (await sg.send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }))).Vpcs![0]!;
  const r = await sg.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpc.VpcId!] }] }));
  assert.equal(r.RouteTables!.length, 1);
  const t = r.RouteTables![0]!;
  assert.deepEqual(t.Associations!.map((a) => [a.Main, a.SubnetId]), [[true, undefined]]);
  assert.equal(t.Routes!.length, 2);
  assert.deepEqual(t.Routes![0], { DestinationCidrBlock: "172.31.0.0/16", GatewayId: "local", Origin: "CreateRouteTable", State: "active" });
  const igwId = t.Routes![1]!.GatewayId!;
  assert.match(igwId, /^igw-[0-9a-f]{17}$/);
  assert.deepEqual(t.Routes![1], { DestinationCidrBlock: "0.0.0.0/0", GatewayId: igwId, Origin: "CreateRoute", State: "active" });
});

test("CreateRouteTable adds a local route for every VPC block; a new block adds one to every table", async () => {
  const vpcId = await newVpc("10.1.0.0/16");
  await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: vpcId, CidrBlock: "10.2.0.0/16" }));
  const rtb = await newTable(vpcId);
  const igw = await attachedIgw(vpcId);
  await ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "0.0.0.0/0", GatewayId: igw }));
  await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: vpcId, CidrBlock: "10.3.0.0/16" }));
  assert.deepEqual(routes(await table(rtb)), [
    ["10.1.0.0/16", "local", "active"],
    ["10.2.0.0/16", "local", "active"],
    ["10.3.0.0/16", "local", "active"],
    ["0.0.0.0/0", igw, "active"],
  ]);
  assert.equal((await mainTableOf(vpcId)).Routes!.length, 3);
  await expectEc2Error(ec2.send(new CreateRouteTableCommand({ VpcId: "vpc-0123456789abcdef0" })), "InvalidVpcID.NotFound");
  const tagged = await ec2.send(
    new CreateRouteTableCommand({ VpcId: vpcId, TagSpecifications: [{ ResourceType: "route-table", Tags: [{ Key: "Name", Value: "public" }] }] }),
  );
  assert.deepEqual(tagged.RouteTable!.Tags, [{ Key: "Name", Value: "public" }]);
});

test("CreateRoute, ReplaceRoute and DeleteRoute with gateway targets and their errors", async () => {
  const vpcId = await newVpc("10.4.0.0/16");
  const rtb = await newTable(vpcId);
  const igw = await attachedIgw(vpcId);
  const loose = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
  const otherVpc = await newVpc("10.5.0.0/16");
  const otherIgw = await attachedIgw(otherVpc);

  await ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "192.168.0.0/16", GatewayId: igw }));
  // Host bits are cleared, as CreateRoute documents (100.68.0.18/18 → 100.68.0.0/18).
  await ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "100.68.0.18/18", GatewayId: igw }));
  // A destination wider than the VPC block is fine.
  await ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "10.0.0.0/8", GatewayId: igw }));
  const before = routes(await table(rtb));
  assert.deepEqual(before, [
    ["10.4.0.0/16", "local", "active"],
    ["192.168.0.0/16", igw, "active"],
    ["100.68.0.0/18", igw, "active"],
    ["10.0.0.0/8", igw, "active"],
  ]);

  const dup = await expectEc2Error(
    ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "192.168.0.0/16", GatewayId: igw })),
    "RouteAlreadyExists",
  );
  assert.match(dup.message, /192\.168\.0\.0\/16/);
  await expectEc2Error(ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "100.68.7.7/18", GatewayId: igw })), "RouteAlreadyExists");
  await expectEc2Error(ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "10.4.0.0/16", GatewayId: igw })), "RouteAlreadyExists");
  const unknownGw = await expectEc2Error(
    ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "0.0.0.0/0", GatewayId: "igw-0123456789abcdef0" })),
    "InvalidGatewayID.NotFound",
  );
  assert.match(unknownGw.message, /The gateway ID 'igw-0123456789abcdef0' does not exist/);
  await expectEc2Error(ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "0.0.0.0/0", GatewayId: "vgw-0123456789abcdef0" })), "InvalidGatewayID.NotFound");
  const detached = await expectEc2Error(
    ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "0.0.0.0/0", GatewayId: loose })),
    "InvalidParameterValue",
  );
  assert.match(detached.message, /belong to different networks/);
  await expectEc2Error(ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "0.0.0.0/0", GatewayId: otherIgw })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new CreateRouteCommand({ RouteTableId: "rtb-0123456789abcdef0", DestinationCidrBlock: "0.0.0.0/0", GatewayId: igw })), "InvalidRouteTableID.NotFound");
  await expectEc2Error(ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "0.0.0.0/33", GatewayId: igw })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "::/0", GatewayId: igw })), "InvalidParameterValue");
  const noDest = await expectEc2Error(ec2.send(new CreateRouteCommand({ RouteTableId: rtb, GatewayId: igw })), "MissingParameter");
  assert.match(noDest.message, /destinationCidrBlock/);
  await expectEc2Error(ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "0.0.0.0/0" })), "MissingParameter");
  await expectEc2Error(
    ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "0.0.0.0/0", GatewayId: igw, VpcPeeringConnectionId: "pcx-0123456789abcdef0" })),
    "InvalidParameterCombination",
  );
  await expectEc2Error(ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "0.0.0.0/0", GatewayId: "local" })), "InvalidParameterValue");

  // Only a middlebox (interface, instance, NAT gateway) may be more specific than local; a gateway may not.
  const specific = await expectEc2Error(
    ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "10.4.1.0/24", GatewayId: igw })),
    "InvalidParameterValue",
  );
  assert.match(specific.message, /more specific than one of this VPC's CIDR blocks/);
  assert.deepEqual(routes(await table(rtb)), before, "refused CreateRoute calls changed nothing");

  // ReplaceRoute
  await ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId }));
  assert.equal((await table(rtb)).Routes![1]!.State, "blackhole", "a route to a detached gateway turns blackhole");
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: loose, VpcId: vpcId }));
  await ec2.send(new ReplaceRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "192.168.0.0/16", GatewayId: loose }));
  const replaced = (await table(rtb)).Routes!.find((r) => r.DestinationCidrBlock === "192.168.0.0/16")!;
  assert.deepEqual(replaced, { DestinationCidrBlock: "192.168.0.0/16", GatewayId: loose, Origin: "CreateRoute", State: "active" });
  const notFound = await expectEc2Error(
    ec2.send(new ReplaceRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "172.16.0.0/12", GatewayId: loose })),
    "InvalidRoute.NotFound",
  );
  assert.match(notFound.message, /172\.16\.0\.0\/12/);
  await expectEc2Error(ec2.send(new ReplaceRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "192.168.0.0/16", GatewayId: "igw-0123456789abcdef0" })), "InvalidGatewayID.NotFound");
  await expectEc2Error(ec2.send(new ReplaceRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "10.4.0.0/16", GatewayId: loose })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new ReplaceRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "192.168.0.0/16", GatewayId: "local" })), "InvalidParameterValue");
  // Restoring the local route's own target is allowed.
  await ec2.send(new ReplaceRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "10.4.0.0/16", GatewayId: "local" }));

  // DeleteRoute
  await ec2.send(new DeleteRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "100.68.0.0/18" }));
  await expectEc2Error(ec2.send(new DeleteRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "100.68.0.0/18" })), "InvalidRoute.NotFound");
  const local = await expectEc2Error(ec2.send(new DeleteRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "10.4.0.0/16" })), "InvalidParameterValue");
  assert.match(local.message, /cannot remove local route/);
  await expectEc2Error(ec2.send(new DeleteRouteCommand({ RouteTableId: "rtb-0123456789abcdef0", DestinationCidrBlock: "0.0.0.0/0" })), "InvalidRouteTableID.NotFound");
  assert.deepEqual(
    (await table(rtb)).Routes!.map((r) => r.DestinationCidrBlock),
    ["10.4.0.0/16", "192.168.0.0/16", "10.0.0.0/8"],
  );
});

// VPC User Guide, "Subnet route tables" › routes more specific than local
// (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-route-tables.html) and "Middlebox routing"
// (https://docs.aws.amazon.com/vpc/latest/userguide/route-table-options.html#route-tables-appliance-routing):
// the destination must be exactly a subnet's CIDR block, the target a middlebox (interface, instance…).
test("a route more specific than local must match a subnet's whole CIDR block and target a middlebox", async () => {
  const vpcId = await newVpc("10.21.0.0/16");
  const sub = await newSubnet(vpcId, "10.21.1.0/24");
  await newSubnet(vpcId, "10.21.5.0/24");
  const rtb = await newTable(vpcId);
  const igw = await attachedIgw(vpcId);
  const eni = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: sub }))).NetworkInterface!.NetworkInterfaceId!;
  const half = await expectEc2Error(
    ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "10.21.1.0/25", NetworkInterfaceId: eni })),
    "InvalidParameterValue",
  );
  assert.equal(half.message, "Route destination doesn't match any subnet CIDR blocks.");
  await expectEc2Error(ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "10.21.9.0/24", NetworkInterfaceId: eni })), "InvalidParameterValue");
  // A gateway target is refused with the target message, even for a subnet's exact block.
  const gw = await expectEc2Error(ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "10.21.5.0/24", GatewayId: igw })), "InvalidParameterValue");
  assert.equal(gw.message, "The destination CIDR block 10.21.5.0/24 is equal to or more specific than one of this VPC's CIDR blocks. This route can target only an interface or an instance.");
  assert.deepEqual(routes(await table(rtb)).map((r) => r[0]), ["10.21.0.0/16"], "refused routes changed nothing");
  // The subnet's whole block to an interface is the middlebox route AWS documents.
  await ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "10.21.5.0/24", NetworkInterfaceId: eni }));
  // Outside the VPC's range any CIDR is fine for an interface (a NAT instance's 0.0.0.0/0, a /25 elsewhere).
  await ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "192.168.7.0/25", NetworkInterfaceId: eni }));
  // ReplaceRoute checks the same: the subnet route cannot be pointed at a gateway.
  await expectEc2Error(ec2.send(new ReplaceRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "10.21.5.0/24", GatewayId: igw })), "InvalidParameterValue");
  assert.deepEqual(routes(await table(rtb)).map((r) => r.slice(0, 2)), [["10.21.0.0/16", "local"], ["10.21.5.0/24", eni], ["192.168.7.0/25", eni]]);
});

test("associations: explicit, main, replace (which moves main) and disassociate", async () => {
  const vpcId = await newVpc("10.6.0.0/16");
  const s1 = await newSubnet(vpcId, "10.6.1.0/24");
  const s2 = await newSubnet(vpcId, "10.6.2.0/24");
  const main = await mainTableOf(vpcId);
  const mainAssoc = main.Associations![0]!.RouteTableAssociationId!;
  const a = await newTable(vpcId);
  const b = await newTable(vpcId);

  const assoc1 = (await ec2.send(new AssociateRouteTableCommand({ RouteTableId: a, SubnetId: s1 }))).AssociationId!;
  const conflict = await expectEc2Error(ec2.send(new AssociateRouteTableCommand({ RouteTableId: b, SubnetId: s1 })), "Resource.AlreadyAssociated");
  assert.match(conflict.message, /conflicts with an existing association/);
  await expectEc2Error(ec2.send(new AssociateRouteTableCommand({ RouteTableId: a, SubnetId: s1 })), "Resource.AlreadyAssociated");
  await expectEc2Error(ec2.send(new AssociateRouteTableCommand({ RouteTableId: a, SubnetId: "subnet-0123456789abcdef0" })), "InvalidSubnetID.NotFound");
  await expectEc2Error(ec2.send(new AssociateRouteTableCommand({ RouteTableId: "rtb-0123456789abcdef0", SubnetId: s2 })), "InvalidRouteTableID.NotFound");
  await expectEc2Error(ec2.send(new AssociateRouteTableCommand({ RouteTableId: a })), "MissingParameter");
  const foreignVpc = await newVpc("10.7.0.0/16");
  const foreignSubnet = await newSubnet(foreignVpc, "10.7.0.0/24");
  const cross = await expectEc2Error(ec2.send(new AssociateRouteTableCommand({ RouteTableId: a, SubnetId: foreignSubnet })), "InvalidParameterValue");
  assert.match(cross.message, /belong to different networks/);

  // association.subnet-id finds a subnet's explicit table; a subnet without one uses the main table.
  const bySubnet = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "association.subnet-id", Values: [s1] }] }));
  assert.deepEqual(bySubnet.RouteTables!.map((t) => t.RouteTableId), [a]);
  const none = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "association.subnet-id", Values: [s2] }] }));
  assert.deepEqual(none.RouteTables, []);

  // Replace a subnet association: a new id, the subnet now uses b.
  const assoc2 = (await ec2.send(new ReplaceRouteTableAssociationCommand({ AssociationId: assoc1, RouteTableId: b }))).NewAssociationId!;
  assert.notEqual(assoc2, assoc1);
  assert.deepEqual((await table(a)).Associations, []);
  assert.deepEqual((await table(b)).Associations!.map((x) => [x.RouteTableAssociationId, x.SubnetId, x.Main]), [[assoc2, s1, false]]);
  await expectEc2Error(ec2.send(new DisassociateRouteTableCommand({ AssociationId: assoc1 })), "InvalidAssociationID.NotFound");

  // Replace the main association: a becomes the VPC's main table.
  const newMain = (await ec2.send(new ReplaceRouteTableAssociationCommand({ AssociationId: mainAssoc, RouteTableId: a }))).NewAssociationId!;
  assert.equal((await mainTableOf(vpcId)).RouteTableId, a);
  assert.deepEqual((await table(a)).Associations!.map((x) => [x.RouteTableAssociationId, x.Main]), [[newMain, true]]);
  assert.deepEqual((await table(main.RouteTableId!)).Associations, []);
  // The old main table can now be deleted; the new main one cannot.
  await ec2.send(new DeleteRouteTableCommand({ RouteTableId: main.RouteTableId! }));
  const delMain = await expectEc2Error(ec2.send(new DeleteRouteTableCommand({ RouteTableId: a })), "DependencyViolation");
  assert.match(delMain.message, /has dependencies and cannot be deleted/);
  await expectEc2Error(ec2.send(new DeleteRouteTableCommand({ RouteTableId: b })), "DependencyViolation");
  const disMain = await expectEc2Error(ec2.send(new DisassociateRouteTableCommand({ AssociationId: newMain })), "InvalidParameterValue");
  assert.match(disMain.message, /main route table/);
  await expectEc2Error(ec2.send(new ReplaceRouteTableAssociationCommand({ AssociationId: assoc2, RouteTableId: (await mainTableOf(foreignVpc)).RouteTableId! })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new ReplaceRouteTableAssociationCommand({ AssociationId: "rtbassoc-0123456789abcdef0", RouteTableId: a })), "InvalidAssociationID.NotFound");
  await expectEc2Error(ec2.send(new ReplaceRouteTableAssociationCommand({ AssociationId: assoc2, RouteTableId: "rtb-0123456789abcdef0" })), "InvalidRouteTableID.NotFound");
  assert.deepEqual((await table(b)).Associations!.map((x) => x.RouteTableAssociationId), [assoc2], "refused calls changed nothing");

  // Disassociate, then b can be deleted.
  await ec2.send(new DisassociateRouteTableCommand({ AssociationId: assoc2 }));
  await ec2.send(new DeleteRouteTableCommand({ RouteTableId: b }));
  await expectEc2Error(ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [b] })), "InvalidRouteTableID.NotFound");
  await expectEc2Error(ec2.send(new DeleteRouteTableCommand({ RouteTableId: b })), "InvalidRouteTableID.NotFound");
});

test("a gateway (edge) association needs an attached gateway and a table with only local routes", async () => {
  const vpcId = await newVpc("10.8.0.0/16");
  const igw = await attachedIgw(vpcId);
  const edge = await newTable(vpcId);
  const id = (await ec2.send(new AssociateRouteTableCommand({ RouteTableId: edge, GatewayId: igw }))).AssociationId!;
  const t = await table(edge);
  assert.deepEqual(t.Associations!.map((a) => [a.RouteTableAssociationId, a.GatewayId, a.Main]), [[id, igw, false]]);
  const byGw = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "association.gateway-id", Values: [igw] }] }));
  assert.deepEqual(byGw.RouteTables!.map((x) => x.RouteTableId), [edge]);
  const other = await newTable(vpcId);
  await expectEc2Error(ec2.send(new AssociateRouteTableCommand({ RouteTableId: other, GatewayId: igw })), "Resource.AlreadyAssociated");
  await ec2.send(new DisassociateRouteTableCommand({ AssociationId: id }));
  await ec2.send(new CreateRouteCommand({ RouteTableId: other, DestinationCidrBlock: "0.0.0.0/0", GatewayId: igw }));
  await expectEc2Error(ec2.send(new AssociateRouteTableCommand({ RouteTableId: other, GatewayId: igw })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new AssociateRouteTableCommand({ RouteTableId: edge, GatewayId: "igw-0123456789abcdef0" })), "InvalidGatewayID.NotFound");
});

test("DescribeRouteTables filters and paging", async () => {
  const vpcId = await newVpc("10.9.0.0/16");
  const igw = await attachedIgw(vpcId);
  const subnet = await newSubnet(vpcId, "10.9.0.0/24");
  const ids: string[] = [];
  for (let i = 0; i < 6; i++) {
    const r = await ec2.send(
      new CreateRouteTableCommand({ VpcId: vpcId, TagSpecifications: [{ ResourceType: "route-table", Tags: [{ Key: "Name", Value: `rt-${i}` }] }] }),
    );
    ids.push(r.RouteTable!.RouteTableId!);
  }
  await ec2.send(new CreateRouteCommand({ RouteTableId: ids[0]!, DestinationCidrBlock: "0.0.0.0/0", GatewayId: igw }));
  await ec2.send(new AssociateRouteTableCommand({ RouteTableId: ids[1]!, SubnetId: subnet }));
  const q = async (...filters: { Name: string; Values: string[] }[]) =>
    ((await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }, ...filters] }))).RouteTables ?? [])
      .map((t) => t.RouteTableId)
      .sort();
  const mainId = (await mainTableOf(vpcId)).RouteTableId!;
  assert.deepEqual(await q({ Name: "route.gateway-id", Values: [igw] }), [ids[0]]);
  assert.deepEqual(await q({ Name: "route.destination-cidr-block", Values: ["0.0.0.0/0"] }), [ids[0]]);
  assert.deepEqual(await q({ Name: "route.origin", Values: ["CreateRoute"] }), [ids[0]]);
  assert.deepEqual(await q({ Name: "route.state", Values: ["active"] }), [mainId, ...ids].sort());
  assert.deepEqual(await q({ Name: "route.gateway-id", Values: ["local"] }), [mainId, ...ids].sort());
  assert.deepEqual(await q({ Name: "association.main", Values: ["true"] }), [mainId]);
  assert.deepEqual(await q({ Name: "association.main", Values: ["false"] }), [ids[1]], "tables without associations match neither");
  assert.deepEqual(await q({ Name: "association.route-table-id", Values: [ids[1]!, ids[2]!] }), [ids[1]]);
  assert.deepEqual(await q({ Name: "tag:Name", Values: ["rt-[0]", "rt-?"] }), [...ids].sort());
  assert.deepEqual(await q({ Name: "tag:Name", Values: ["rt-\\?"] }), [], "an escaped ? is a literal");
  assert.deepEqual(await q({ Name: "tag-key", Values: ["Name"] }, { Name: "route-table-id", Values: [ids[3]!, ids[4]!] }), [ids[3], ids[4]].sort());
  assert.deepEqual(await q({ Name: "owner-id", Values: ["000000000000"] }), [mainId, ...ids].sort());
  await expectEc2Error(ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "route.colour", Values: ["x"] }] })), "InvalidParameterValue");

  const seen: string[] = [];
  let token: string | undefined;
  do {
    const r = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }], MaxResults: 5, NextToken: token }));
    seen.push(...r.RouteTables!.map((t) => t.RouteTableId!));
    token = r.NextToken;
  } while (token);
  assert.deepEqual(seen.sort(), [mainId, ...ids].sort());
  const tooMany = await expectEc2Error(ec2.send(new DescribeRouteTablesCommand({ MaxResults: 101 })), "InvalidParameterValue");
  assert.match(tooMany.message, /between 5 and 100/);
  await expectEc2Error(ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [ids[0]!, "rtb-0000000000000dead"] })), "InvalidRouteTableID.NotFound");
});
