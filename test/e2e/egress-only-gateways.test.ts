// Egress-only internet gateways through the SDK and the AWS CLI: create for a VPC, describe (ids, tag
// filters, paging), delete, DependencyViolation on the VPC, idempotent ClientToken, and routes to one
// accepted for IPv6 destinations only.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  CreateEgressOnlyInternetGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteEgressOnlyInternetGatewayCommand,
  DeleteVpcCommand,
  DescribeEgressOnlyInternetGatewaysCommand,
  DescribeRouteTablesCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { startLab, expectEc2Error, type Lab } from "../support/harness.js";

let lab: Lab;
let ec2: EC2Client;
before(async () => {
  lab = await startLab({ quotas: { vpcsPerRegion: 20 } });
  ec2 = lab.ec2("us-west-2");
});
after(async () => {
  await lab.close();
});

async function newVpc(cidr: string): Promise<string> {
  return (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
}

test("create, describe, tag, delete; the VPC cannot go while it has one", async () => {
  const vpc = await newVpc("10.0.0.0/16");
  const created = await ec2.send(
    new CreateEgressOnlyInternetGatewayCommand({
      VpcId: vpc,
      TagSpecifications: [{ ResourceType: "egress-only-internet-gateway", Tags: [{ Key: "Name", Value: "v6-out" }] }],
    }),
  );
  const g = created.EgressOnlyInternetGateway!;
  assert.match(g.EgressOnlyInternetGatewayId!, /^eigw-[0-9a-f]{17}$/);
  assert.deepEqual(g.Attachments, [{ State: "attached", VpcId: vpc }]);
  assert.deepEqual(g.Tags, [{ Key: "Name", Value: "v6-out" }]);
  const id = g.EgressOnlyInternetGatewayId!;

  const d = await ec2.send(new DescribeEgressOnlyInternetGatewaysCommand({ EgressOnlyInternetGatewayIds: [id] }));
  assert.deepEqual(d.EgressOnlyInternetGateways, [g]);
  await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: "team", Value: "net" }] }));
  const byTag = await ec2.send(new DescribeEgressOnlyInternetGatewaysCommand({ Filters: [{ Name: "tag:team", Values: ["net"] }] }));
  assert.deepEqual(byTag.EgressOnlyInternetGateways!.map((x) => x.EgressOnlyInternetGatewayId), [id]);

  await expectEc2Error(ec2.send(new DeleteVpcCommand({ VpcId: vpc })), "DependencyViolation");
  const del = await ec2.send(new DeleteEgressOnlyInternetGatewayCommand({ EgressOnlyInternetGatewayId: id }));
  assert.equal(del.ReturnCode, true);
  await expectEc2Error(ec2.send(new DescribeEgressOnlyInternetGatewaysCommand({ EgressOnlyInternetGatewayIds: [id] })), "InvalidEgressOnlyInternetGatewayId.NotFound");
  await expectEc2Error(ec2.send(new DeleteEgressOnlyInternetGatewayCommand({ EgressOnlyInternetGatewayId: id })), "InvalidEgressOnlyInternetGatewayId.NotFound");
  await ec2.send(new DeleteVpcCommand({ VpcId: vpc }));
});

test("bad input: unknown VPC, malformed ids, ClientToken idempotency, paging", async () => {
  await expectEc2Error(ec2.send(new CreateEgressOnlyInternetGatewayCommand({ VpcId: "vpc-0123456789abcdef0" })), "InvalidVpcID.NotFound");
  await expectEc2Error(ec2.send(new DeleteEgressOnlyInternetGatewayCommand({ EgressOnlyInternetGatewayId: "eigw-zz" })), "InvalidEgressOnlyInternetGatewayId.Malformed");
  await expectEc2Error(
    ec2.send(new DescribeEgressOnlyInternetGatewaysCommand({ EgressOnlyInternetGatewayIds: ["eigw-zz"] })),
    "InvalidEgressOnlyInternetGatewayId.Malformed",
  );
  const vpc = await newVpc("10.1.0.0/16");
  const other = await newVpc("10.2.0.0/16");
  const a = await ec2.send(new CreateEgressOnlyInternetGatewayCommand({ VpcId: vpc, ClientToken: "t1" }));
  const b = await ec2.send(new CreateEgressOnlyInternetGatewayCommand({ VpcId: vpc, ClientToken: "t1" }));
  assert.equal(a.ClientToken, "t1");
  assert.equal(a.EgressOnlyInternetGateway!.EgressOnlyInternetGatewayId, b.EgressOnlyInternetGateway!.EgressOnlyInternetGatewayId);
  await expectEc2Error(ec2.send(new CreateEgressOnlyInternetGatewayCommand({ VpcId: other, ClientToken: "t1" })), "IdempotentParameterMismatch");
  for (let i = 0; i < 6; i++) await ec2.send(new CreateEgressOnlyInternetGatewayCommand({ VpcId: other }));
  const seen: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ec2.send(new DescribeEgressOnlyInternetGatewaysCommand({ MaxResults: 5, NextToken }));
    seen.push(...page.EgressOnlyInternetGateways!.map((x) => x.EgressOnlyInternetGatewayId!));
    NextToken = page.NextToken;
  } while (NextToken);
  assert.equal(seen.length, 7);
  assert.equal(new Set(seen).size, 7);
  await expectEc2Error(ec2.send(new DescribeEgressOnlyInternetGatewaysCommand({ MaxResults: 4 })), "InvalidParameterValue");
});

test("routes to an egress-only gateway: IPv6 destinations only, shown with their target", async () => {
  const vpc = await newVpc("10.3.0.0/16");
  const rtb = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpc }))).RouteTable!.RouteTableId!;
  const id = (await ec2.send(new CreateEgressOnlyInternetGatewayCommand({ VpcId: vpc }))).EgressOnlyInternetGateway!.EgressOnlyInternetGatewayId!;
  await ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: id }));
  const v4 = await expectEc2Error(
    ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "0.0.0.0/0", EgressOnlyInternetGatewayId: id })),
    "InvalidParameterValue",
  );
  assert.match(v4.message, new RegExp(`${id}.*IPv6 routes only`));
  await expectEc2Error(
    ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "0.0.0.0/0", EgressOnlyInternetGatewayId: "eigw-0123456789abcdef0" })),
    "InvalidEgressOnlyInternetGatewayId.NotFound",
  );
  const routes = (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rtb] }))).RouteTables![0]!.Routes!;
  assert.deepEqual(
    routes.map((r) => [r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock, r.GatewayId ?? r.EgressOnlyInternetGatewayId, r.State]),
    [["10.3.0.0/16", "local", "active"], ["::/0", id, "active"]],
  );
});

test("the AWS CLI creates and describes one", async () => {
  const region = "us-west-1";
  const vpc = (await lab.ec2(region).send(new CreateVpcCommand({ CidrBlock: "10.8.0.0/16" }))).Vpc!.VpcId!;
  const created = await lab.cli(["ec2", "create-egress-only-internet-gateway", "--vpc-id", vpc], { region });
  assert.equal(created.code, 0, created.stderr);
  const id = (created.json as { EgressOnlyInternetGateway: { EgressOnlyInternetGatewayId: string } }).EgressOnlyInternetGateway.EgressOnlyInternetGatewayId;
  const d = await lab.cli(["ec2", "describe-egress-only-internet-gateways"], { region });
  assert.equal(d.code, 0, d.stderr);
  assert.deepEqual((d.json as { EgressOnlyInternetGateways: unknown }).EgressOnlyInternetGateways, [
    { Attachments: [{ State: "attached", VpcId: vpc }], EgressOnlyInternetGatewayId: id, Tags: [] },
  ]);
});
