// NAT gateways through the SDK and the AWS CLI: public (EIP associated with the gateway's interface,
// visible in DescribeAddresses) and private gateways, the lifecycle (pending → available, deleting →
// deleted, gone an hour later), AWS's FailureCode/FailureMessage for a VPC without an internet gateway
// and for an EIP already in use, filters and paging, secondary addresses, routes to a NAT gateway and
// their blackhole state after deletion, DryRun.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  AllocateAddressCommand,
  AssignPrivateIpAddressesCommand,
  AssociateAddressCommand,
  DisassociateAddressCommand,
  AssignPrivateNatGatewayAddressCommand,
  AssociateNatGatewayAddressCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateNatGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  DeleteNatGatewayCommand,
  DeleteNetworkInterfaceCommand,
  DeleteSubnetCommand,
  DescribeAddressesCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DisassociateNatGatewayAddressCommand,
  ReleaseAddressCommand,
  UnassignPrivateNatGatewayAddressCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { startLab, expectEc2Error, type Lab } from "../support/harness.js";

let lab: Lab;
let ec2: EC2Client;
before(async () => {
  lab = await startLab({ quotas: { vpcsPerRegion: 20, elasticIpsPerRegion: 20, internetGatewaysPerRegion: 20 } });
  ec2 = lab.ec2("eu-west-1");
});
after(async () => {
  await lab.close();
});

async function vpcWithSubnet(cidr: string, subnetCidr: string, igw = true) {
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
  const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: subnetCidr }))).Subnet!.SubnetId!;
  if (igw) {
    const g = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: g, VpcId: vpc }));
  }
  return { vpc, subnet };
}

const eip = async () => (await ec2.send(new AllocateAddressCommand({ Domain: "vpc" }))).AllocationId!;
const describe = async (id: string) => (await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [id] }))).NatGateways![0]!;

test("public NAT gateway: pending then available, EIP on its requester-managed interface, delete keeps it visible an hour", async () => {
  const { vpc, subnet } = await vpcWithSubnet("10.1.0.0/16", "10.1.0.0/24");
  const alloc = await eip();
  await expectEc2Error(ec2.send(new CreateNatGatewayCommand({ SubnetId: subnet, AllocationId: alloc, DryRun: true })), "DryRunOperation");
  const created = (
    await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnet, AllocationId: alloc, TagSpecifications: [{ ResourceType: "natgateway", Tags: [{ Key: "Name", Value: "egress" }] }] }))
  ).NatGateway!;
  assert.match(created.NatGatewayId!, /^nat-[0-9a-f]{17}$/);
  assert.equal(created.State, "pending");
  assert.equal(created.ConnectivityType, "public");
  assert.equal(created.VpcId, vpc);
  assert.deepEqual(created.Tags, [{ Key: "Name", Value: "egress" }]);
  const id = created.NatGatewayId!;
  const nat = await describe(id);
  assert.equal(nat.State, "available");
  const addr = nat.NatGatewayAddresses![0]!;
  assert.equal(addr.AllocationId, alloc);
  assert.equal(addr.IsPrimary, true);
  assert.equal(addr.Status, "succeeded");
  assert.match(addr.PrivateIp!, /^10\.1\.0\.\d+$/);
  assert.match(addr.AssociationId!, /^eipassoc-/);

  const eni = (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [addr.NetworkInterfaceId!] }))).NetworkInterfaces![0]!;
  assert.equal(eni.InterfaceType, "nat_gateway");
  assert.equal(eni.RequesterManaged, true);
  assert.equal(eni.Description, `Interface for NAT Gateway ${id}`);
  assert.equal(eni.PrivateIpAddress, addr.PrivateIp);
  assert.equal(eni.Association?.PublicIp, addr.PublicIp);
  await expectEc2Error(ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eni.NetworkInterfaceId })), "InvalidParameterValue");
  // Its addresses belong to the NAT gateway: the interface and address calls refuse to change them.
  await expectEc2Error(ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eni.NetworkInterfaceId, SecondaryPrivateIpAddressCount: 1 })), "OperationNotPermitted");
  await expectEc2Error(ec2.send(new DisassociateAddressCommand({ AssociationId: addr.AssociationId })), "OperationNotPermitted");
  await expectEc2Error(ec2.send(new AssociateAddressCommand({ AllocationId: await eip(), NetworkInterfaceId: eni.NetworkInterfaceId, AllowReassociation: true })), "OperationNotPermitted");

  const a = (await ec2.send(new DescribeAddressesCommand({ AllocationIds: [alloc] }))).Addresses![0]!;
  assert.equal(a.NetworkInterfaceId, eni.NetworkInterfaceId);
  assert.equal(a.PrivateIpAddress, addr.PrivateIp);
  assert.equal(a.AssociationId, addr.AssociationId);
  await expectEc2Error(ec2.send(new ReleaseAddressCommand({ AllocationId: alloc })), "InvalidIPAddress.InUse");
  await expectEc2Error(ec2.send(new DeleteSubnetCommand({ SubnetId: subnet })), "DependencyViolation");

  // A route to it: active while available, blackhole once deleted.
  const rtb = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpc }))).RouteTable!.RouteTableId!;
  await ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: id }));
  const route = async () => (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rtb] }))).RouteTables![0]!.Routes!.find((r) => r.DestinationCidrBlock === "0.0.0.0/0")!;
  assert.equal((await route()).NatGatewayId, id);
  assert.equal((await route()).State, "active");

  const del = await ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: id }));
  assert.equal(del.NatGatewayId, id);
  const gone = await describe(id);
  assert.equal(gone.State, "deleted");
  assert.ok(gone.DeleteTime instanceof Date);
  assert.equal((await route()).State, "blackhole");
  assert.equal((await ec2.send(new DescribeAddressesCommand({ AllocationIds: [alloc] }))).Addresses![0]!.AssociationId, undefined);
  await expectEc2Error(ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni.NetworkInterfaceId!] })), "InvalidNetworkInterfaceID.NotFound");
  await expectEc2Error(ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: id })), "NatGatewayNotFound");
  await expectEc2Error(ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "8.8.8.0/24", NatGatewayId: id })), "InvalidNatGatewayID.NotFound");
  await lab.admin("POST", "/clock", { advanceSeconds: 3700 });
  await expectEc2Error(ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [id] })), "NatGatewayNotFound");
  await ec2.send(new DeleteSubnetCommand({ SubnetId: subnet }));
});

test("failures: no internet gateway (Gateway.NotAttached), EIP in use (Resource.AlreadyAssociated), synchronous refusals", async () => {
  const noIgw = await vpcWithSubnet("10.2.0.0/16", "10.2.0.0/24", false);
  const alloc = await eip();
  const failed = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: noIgw.subnet, AllocationId: alloc }))).NatGateway!;
  const f = await describe(failed.NatGatewayId!);
  assert.equal(f.State, "failed");
  assert.equal(f.FailureCode, "Gateway.NotAttached");
  assert.equal(f.FailureMessage, `Network ${noIgw.vpc} has no Internet gateway attached`);
  assert.equal((await ec2.send(new DescribeAddressesCommand({ AllocationIds: [alloc] }))).Addresses![0]!.AssociationId, undefined);

  const ok = await vpcWithSubnet("10.3.0.0/16", "10.3.0.0/24");
  const used = await eip();
  // An EIP already on another NAT gateway.
  const first = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: ok.subnet, AllocationId: used }))).NatGateway!;
  assert.equal((await describe(first.NatGatewayId!)).State, "available");
  const second = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: ok.subnet, AllocationId: used }))).NatGateway!;
  const s = await describe(second.NatGatewayId!);
  assert.equal(s.State, "failed");
  assert.equal(s.FailureCode, "Resource.AlreadyAssociated");
  assert.equal(s.FailureMessage, `Elastic IP address ${used} is already associated`);

  await expectEc2Error(ec2.send(new CreateNatGatewayCommand({ SubnetId: ok.subnet })), "MissingParameter");
  await expectEc2Error(ec2.send(new CreateNatGatewayCommand({ SubnetId: "subnet-0123456789abcdef0", AllocationId: used })), "InvalidSubnetID.NotFound");
  await expectEc2Error(ec2.send(new CreateNatGatewayCommand({ SubnetId: ok.subnet, AllocationId: "eipalloc-0123456789abcdef0" })), "InvalidAllocationID.NotFound");
  await expectEc2Error(ec2.send(new CreateNatGatewayCommand({ SubnetId: ok.subnet, ConnectivityType: "private", AllocationId: used })), "InvalidParameterCombination");
  await expectEc2Error(ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: ["nat-zz"] })), "NatGatewayMalformed");
  await expectEc2Error(ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: ["nat-0123456789abcdef0"] })), "NatGatewayNotFound");

  // Filters and paging.
  const byState = await ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: "state", Values: ["failed"] }, { Name: "vpc-id", Values: [ok.vpc] }] }));
  assert.deepEqual(byState.NatGateways!.map((n) => n.NatGatewayId), [second.NatGatewayId]);
  const page1 = await ec2.send(new DescribeNatGatewaysCommand({ MaxResults: 5 }));
  assert.ok(page1.NatGateways!.length <= 5);
  await expectEc2Error(ec2.send(new DescribeNatGatewaysCommand({ MaxResults: 2 })), "InvalidParameterValue");
  // Failed gateways can be deleted and become deleted.
  await ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: second.NatGatewayId }));
  assert.equal((await describe(second.NatGatewayId!)).State, "deleted");
});

test("private NAT gateway and secondary addresses (assign, unassign, associate, disassociate)", async () => {
  const { subnet } = await vpcWithSubnet("10.4.0.0/16", "10.4.0.0/24");
  const priv = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnet, ConnectivityType: "private", PrivateIpAddress: "10.4.0.50" }))).NatGateway!;
  assert.equal(priv.ConnectivityType, "private");
  const p = await describe(priv.NatGatewayId!);
  assert.equal(p.State, "available");
  assert.deepEqual(p.NatGatewayAddresses!.map((a) => [a.PrivateIp, a.PublicIp, a.IsPrimary]), [["10.4.0.50", undefined, true]]);

  const assigned = await ec2.send(new AssignPrivateNatGatewayAddressCommand({ NatGatewayId: priv.NatGatewayId, PrivateIpAddressCount: 2 }));
  assert.equal(assigned.NatGatewayAddresses!.length, 2);
  assert.ok(assigned.NatGatewayAddresses!.every((a) => a.Status === "assigning"));
  const after2 = await describe(priv.NatGatewayId!);
  assert.equal(after2.NatGatewayAddresses!.length, 3);
  assert.ok(after2.NatGatewayAddresses!.every((a) => a.Status === "succeeded"));
  const second = assigned.NatGatewayAddresses![0]!.PrivateIp!;
  await expectEc2Error(ec2.send(new UnassignPrivateNatGatewayAddressCommand({ NatGatewayId: priv.NatGatewayId, PrivateIpAddresses: ["10.4.0.50"] })), "InvalidParameterValue");
  const un = await ec2.send(new UnassignPrivateNatGatewayAddressCommand({ NatGatewayId: priv.NatGatewayId, PrivateIpAddresses: [second] }));
  assert.equal(un.NatGatewayAddresses![0]!.Status, "unassigning");
  assert.equal((await describe(priv.NatGatewayId!)).NatGatewayAddresses!.length, 2);
  await expectEc2Error(ec2.send(new AssociateNatGatewayAddressCommand({ NatGatewayId: priv.NatGatewayId, AllocationIds: [await eip()] })), "InvalidParameterCombination");

  const pub = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnet, AllocationId: await eip() }))).NatGateway!;
  await describe(pub.NatGatewayId!);
  const extra = await eip();
  const assoc = await ec2.send(new AssociateNatGatewayAddressCommand({ NatGatewayId: pub.NatGatewayId, AllocationIds: [extra] }));
  assert.equal(assoc.NatGatewayAddresses![0]!.AllocationId, extra);
  assert.equal(assoc.NatGatewayAddresses![0]!.Status, "associating");
  const withTwo = await describe(pub.NatGatewayId!);
  const sec = withTwo.NatGatewayAddresses!.find((a) => a.AllocationId === extra)!;
  assert.equal(sec.IsPrimary, false);
  assert.equal(sec.Status, "succeeded");
  assert.equal((await ec2.send(new DescribeAddressesCommand({ AllocationIds: [extra] }))).Addresses![0]!.PrivateIpAddress, sec.PrivateIp);
  await expectEc2Error(ec2.send(new AssociateNatGatewayAddressCommand({ NatGatewayId: pub.NatGatewayId, AllocationIds: [extra] })), "Resource.AlreadyAssociated");
  await ec2.send(new DisassociateNatGatewayAddressCommand({ NatGatewayId: pub.NatGatewayId, AssociationIds: [sec.AssociationId!] }));
  const after = await describe(pub.NatGatewayId!);
  const left = after.NatGatewayAddresses!.find((a) => a.PrivateIp === sec.PrivateIp)!;
  assert.equal(left.AllocationId, undefined);
  assert.equal((await ec2.send(new DescribeAddressesCommand({ AllocationIds: [extra] }))).Addresses![0]!.AssociationId, undefined);
});

test("the AWS CLI: create-nat-gateway, describe-nat-gateways with --filter, delete-nat-gateway", async () => {
  const { subnet } = await vpcWithSubnet("10.5.0.0/16", "10.5.0.0/24");
  const alloc = await eip();
  const c = await lab.cli(["ec2", "create-nat-gateway", "--subnet-id", subnet, "--allocation-id", alloc], { region: "eu-west-1" });
  assert.equal(c.code, 0, c.stderr);
  const id = (c.json as { NatGateway: { NatGatewayId: string; State: string } }).NatGateway.NatGatewayId;
  const d = await lab.cli(["ec2", "describe-nat-gateways", "--filter", `Name=subnet-id,Values=${subnet}`], { region: "eu-west-1" });
  assert.equal(d.code, 0, d.stderr);
  const nats = (d.json as { NatGateways: { NatGatewayId: string; State: string; NatGatewayAddresses: { AllocationId: string }[] }[] }).NatGateways;
  assert.deepEqual(nats.map((n) => [n.NatGatewayId, n.State, n.NatGatewayAddresses[0]!.AllocationId]), [[id, "available", alloc]]);
  const del = await lab.cli(["ec2", "delete-nat-gateway", "--nat-gateway-id", id], { region: "eu-west-1" });
  assert.equal(del.code, 0, del.stderr);
  const bad = await lab.cli(["ec2", "describe-nat-gateways", "--nat-gateway-ids", "nat-0123456789abcdef0"], { region: "eu-west-1" });
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /NatGatewayNotFound/);
});

test("a NAT gateway, its EIP association and a gateway endpoint survive a state save and load into another server", async () => {
  const { vpc, subnet } = await vpcWithSubnet("10.6.0.0/16", "10.6.0.0/24");
  const alloc = await eip();
  const nat = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnet, AllocationId: alloc }))).NatGateway!.NatGatewayId!;
  const before = await describe(nat);
  const rtb = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpc }))).RouteTable!.RouteTableId!;
  await ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: nat }));
  const ep = (await ec2.send(new CreateVpcEndpointCommand({ VpcId: vpc, ServiceName: "com.amazonaws.eu-west-1.dynamodb", RouteTableIds: [rtb] }))).VpcEndpoint!.VpcEndpointId!;
  const doc = await (await fetch(lab.url + "/_vpclab/state/save", { method: "POST" })).text();
  const other = await startLab();
  try {
    assert.equal((await other.admin("POST", "/state/load", JSON.parse(doc))).status, 200);
    const o = other.ec2("eu-west-1");
    const after = (await o.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [nat] }))).NatGateways![0]!;
    assert.deepEqual(after, before);
    assert.equal((await o.send(new DescribeAddressesCommand({ AllocationIds: [alloc] }))).Addresses![0]!.NetworkInterfaceId, before.NatGatewayAddresses![0]!.NetworkInterfaceId);
    const routes = (await o.send(new DescribeRouteTablesCommand({ RouteTableIds: [rtb] }))).RouteTables![0]!.Routes!;
    assert.ok(routes.some((r) => r.NatGatewayId === nat && r.State === "active"));
    assert.ok(routes.some((r) => r.GatewayId === ep && r.DestinationPrefixListId?.startsWith("pl-")));
    // Transitions scheduled before the save run after the load: deletion still completes.
    await o.send(new DeleteNatGatewayCommand({ NatGatewayId: nat }));
    assert.equal((await o.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [nat] }))).NatGateways![0]!.State, "deleted");
  } finally {
    await other.close();
  }
});
