// VPC endpoints through the SDK and the AWS CLI: the region's endpoint services, a gateway endpoint for
// S3 (its prefix-list route in each associated table, added and removed by ModifyVpcEndpoint, gone with
// the endpoint), an interface endpoint (one vpc_endpoint interface per subnet, groups, DNS entries,
// private DNS rules), DeleteVpcEndpoints' Unsuccessful list, and the refusals.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  DeleteVpcCommand,
  DeleteVpcEndpointsCommand,
  DescribePrefixListsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeVpcEndpointConnectionsCommand,
  DescribeVpcEndpointServicesCommand,
  DescribeVpcEndpointsCommand,
  ModifyVpcAttributeCommand,
  ModifyVpcEndpointCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { startLab, expectEc2Error, type Lab } from "../support/harness.js";

let lab: Lab;
let ec2: EC2Client;
const REGION = "ap-northeast-1";
before(async () => {
  lab = await startLab({ quotas: { vpcsPerRegion: 20 } });
  ec2 = lab.ec2(REGION);
});
after(async () => {
  await lab.close();
});

test("DescribeVpcEndpointServices lists the region's AWS services; S3 and DynamoDB as Gateway and Interface", async () => {
  const all = await ec2.send(new DescribeVpcEndpointServicesCommand({}));
  for (const svc of ["s3", "dynamodb", "ec2", "ssm", "sts", "logs", "kms", "secretsmanager", "ecr.api", "ecr.dkr", "sqs", "sns", "lambda", "execute-api"]) {
    assert.ok(all.ServiceNames!.includes(`com.amazonaws.${REGION}.${svc}`), svc);
  }
  const s3 = all.ServiceDetails!.filter((d) => d.ServiceName === `com.amazonaws.${REGION}.s3`);
  assert.deepEqual(s3.map((d) => d.ServiceType![0]!.ServiceType).sort(), ["Gateway", "Interface"]);
  const ec2svc = all.ServiceDetails!.find((d) => d.ServiceName === `com.amazonaws.${REGION}.ec2`)!;
  assert.equal(ec2svc.PrivateDnsName, `ec2.${REGION}.amazonaws.com`);
  assert.deepEqual(ec2svc.BaseEndpointDnsNames, [`ec2.${REGION}.vpce.amazonaws.com`]);
  assert.equal(ec2svc.Owner, "amazon");
  assert.deepEqual(ec2svc.AvailabilityZones, [`${REGION}a`, `${REGION}c`, `${REGION}d`]);
  const gw = await ec2.send(new DescribeVpcEndpointServicesCommand({ Filters: [{ Name: "service-type", Values: ["Gateway"] }] }));
  assert.deepEqual(gw.ServiceNames, [`com.amazonaws.${REGION}.dynamodb`, `com.amazonaws.${REGION}.s3`]);
  await expectEc2Error(ec2.send(new DescribeVpcEndpointServicesCommand({ ServiceNames: ["com.amazonaws.ap-northeast-1.nope"] })), "InvalidServiceName");
  const conns = await ec2.send(new DescribeVpcEndpointConnectionsCommand({}));
  assert.deepEqual(conns.VpcEndpointConnections, []);
});

test("gateway endpoint: prefix-list route per table (GatewayId vpce-, origin CreateRoute), Modify adds and removes, Delete removes", async () => {
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.10.0.0/16" }))).Vpc!.VpcId!;
  const rt1 = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpc }))).RouteTable!.RouteTableId!;
  const rt2 = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpc }))).RouteTable!.RouteTableId!;
  const pl = (await ec2.send(new DescribePrefixListsCommand({ Filters: [{ Name: "prefix-list-name", Values: [`com.amazonaws.${REGION}.s3`] }] }))).PrefixLists![0]!.PrefixListId!;
  const e = (
    await ec2.send(new CreateVpcEndpointCommand({ VpcId: vpc, ServiceName: `com.amazonaws.${REGION}.s3`, RouteTableIds: [rt1], TagSpecifications: [{ ResourceType: "vpc-endpoint", Tags: [{ Key: "Name", Value: "s3" }] }] }))
  ).VpcEndpoint!;
  assert.match(e.VpcEndpointId!, /^vpce-[0-9a-f]{17}$/);
  assert.equal(e.VpcEndpointType, "Gateway");
  assert.equal(e.State, "available");
  assert.deepEqual(e.RouteTableIds, [rt1]);
  assert.deepEqual(JSON.parse(e.PolicyDocument!).Statement[0].Effect, "Allow");
  const routes = async (rt: string) => (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rt] }))).RouteTables![0]!.Routes!;
  const plRoute = (await routes(rt1)).find((r) => r.DestinationPrefixListId === pl)!;
  assert.deepEqual(plRoute, { DestinationPrefixListId: pl, GatewayId: e.VpcEndpointId, Origin: "CreateRoute", State: "active" });

  await ec2.send(new ModifyVpcEndpointCommand({ VpcEndpointId: e.VpcEndpointId, AddRouteTableIds: [rt2], RemoveRouteTableIds: [rt1] }));
  assert.equal((await routes(rt1)).some((r) => r.DestinationPrefixListId === pl), false);
  assert.equal((await routes(rt2)).some((r) => r.DestinationPrefixListId === pl && r.GatewayId === e.VpcEndpointId), true);
  const d = (await ec2.send(new DescribeVpcEndpointsCommand({ Filters: [{ Name: "vpc-id", Values: [vpc] }, { Name: "tag:Name", Values: ["s3"] }] }))).VpcEndpoints!;
  assert.deepEqual(d.map((x) => [x.VpcEndpointId, x.RouteTableIds]), [[e.VpcEndpointId, [rt2]]]);

  // One gateway endpoint per service per route table; subnets are for interface endpoints.
  await expectEc2Error(ec2.send(new CreateVpcEndpointCommand({ VpcId: vpc, ServiceName: `com.amazonaws.${REGION}.s3`, RouteTableIds: [rt2] })), "RouteAlreadyExists");
  await expectEc2Error(ec2.send(new CreateVpcEndpointCommand({ VpcId: vpc, ServiceName: `com.amazonaws.${REGION}.ec2`, VpcEndpointType: "Gateway" })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new CreateVpcEndpointCommand({ VpcId: vpc, ServiceName: `com.amazonaws.${REGION}.nope` })), "InvalidServiceName");
  await expectEc2Error(ec2.send(new CreateVpcEndpointCommand({ VpcId: vpc, ServiceName: `com.amazonaws.${REGION}.s3`, PolicyDocument: "{not json" })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new DeleteVpcCommand({ VpcId: vpc })), "DependencyViolation");

  const del = await ec2.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: [e.VpcEndpointId!, "vpce-0123456789abcdef0"] }));
  assert.deepEqual(del.Unsuccessful!.map((u) => [u.ResourceId, u.Error!.Code]), [["vpce-0123456789abcdef0", "InvalidVpcEndpointId.NotFound"]]);
  assert.equal((await routes(rt2)).some((r) => r.DestinationPrefixListId === pl), false);
  assert.equal((await ec2.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: [e.VpcEndpointId!] }))).VpcEndpoints![0]!.State, "deleted");
  await expectEc2Error(ec2.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: ["vpce-bad"] })), "InvalidVpcEndpointId.Malformed");
});

test("interface endpoint: one vpc_endpoint interface per subnet with its groups, DNS entries, private DNS needs the VPC's DNS attributes", async () => {
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.11.0.0/16" }))).Vpc!.VpcId!;
  const a = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.11.1.0/24", AvailabilityZone: `${REGION}a` }))).Subnet!.SubnetId!;
  const c = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.11.2.0/24", AvailabilityZone: `${REGION}c` }))).Subnet!.SubnetId!;
  const a2 = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.11.3.0/24", AvailabilityZone: `${REGION}a` }))).Subnet!.SubnetId!;
  const sg = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpc, GroupName: "endpoints", Description: "https from the VPC" }))).GroupId!;
  const svc = `com.amazonaws.${REGION}.ssm`;
  // A new VPC has DNS hostnames off: private DNS is refused until both attributes are on.
  await expectEc2Error(ec2.send(new CreateVpcEndpointCommand({ VpcId: vpc, ServiceName: svc, VpcEndpointType: "Interface", SubnetIds: [a] })), "InvalidParameterValue");
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpc, EnableDnsHostnames: { Value: true } }));
  await expectEc2Error(ec2.send(new CreateVpcEndpointCommand({ VpcId: vpc, ServiceName: svc, VpcEndpointType: "Interface", SubnetIds: [a, a2] })), "DuplicateSubnetsInSameZone");
  const e = (await ec2.send(new CreateVpcEndpointCommand({ VpcId: vpc, ServiceName: svc, VpcEndpointType: "Interface", SubnetIds: [a, c], SecurityGroupIds: [sg] }))).VpcEndpoint!;
  assert.equal(e.State, "pending");
  assert.equal(e.PrivateDnsEnabled, true);
  assert.deepEqual(e.Groups!.map((g) => [g.GroupId, g.GroupName]), [[sg, "endpoints"]]);
  assert.equal(e.NetworkInterfaceIds!.length, 2);
  const names = e.DnsEntries!.map((d) => d.DnsName!);
  assert.match(names[0]!, new RegExp(`^${e.VpcEndpointId}-[0-9a-f]{8}\\.ssm\\.${REGION}\\.vpce\\.amazonaws\\.com$`));
  assert.ok(names.includes(`ssm.${REGION}.amazonaws.com`));
  const enis = (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: e.NetworkInterfaceIds }))).NetworkInterfaces!;
  assert.deepEqual(enis.map((x) => [x.InterfaceType, x.RequesterManaged, x.Groups![0]!.GroupId, x.Description]).sort(), [
    ["vpc_endpoint", true, sg, `VPC Endpoint Interface ${e.VpcEndpointId}`],
    ["vpc_endpoint", true, sg, `VPC Endpoint Interface ${e.VpcEndpointId}`],
  ]);
  assert.deepEqual(enis.map((x) => x.SubnetId).sort(), [a, c].sort());
  assert.equal((await ec2.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: [e.VpcEndpointId!] }))).VpcEndpoints![0]!.State, "available");
  // A second private-DNS endpoint for the same service would claim the same name.
  await expectEc2Error(ec2.send(new CreateVpcEndpointCommand({ VpcId: vpc, ServiceName: svc, VpcEndpointType: "Interface", SubnetIds: [a2] })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new ModifyVpcEndpointCommand({ VpcEndpointId: e.VpcEndpointId, AddRouteTableIds: ["rtb-0123456789abcdef0"] })), "InvalidParameterCombination");

  await ec2.send(new ModifyVpcEndpointCommand({ VpcEndpointId: e.VpcEndpointId, RemoveSubnetIds: [c] }));
  const m = (await ec2.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: [e.VpcEndpointId!] }))).VpcEndpoints![0]!;
  assert.deepEqual(m.SubnetIds, [a]);
  assert.equal(m.NetworkInterfaceIds!.length, 1);

  // The AWS CLI sees the same endpoint and can delete it.
  const cli = await lab.cli(["ec2", "describe-vpc-endpoints", "--vpc-endpoint-ids", e.VpcEndpointId!], { region: REGION });
  assert.equal(cli.code, 0, cli.stderr);
  assert.equal((cli.json as { VpcEndpoints: { ServiceName: string }[] }).VpcEndpoints[0]!.ServiceName, svc);
  const del = await lab.cli(["ec2", "delete-vpc-endpoints", "--vpc-endpoint-ids", e.VpcEndpointId!], { region: REGION });
  assert.equal(del.code, 0, del.stderr);
  await expectEc2Error(ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: m.NetworkInterfaceIds })), "InvalidNetworkInterfaceID.NotFound");
});
