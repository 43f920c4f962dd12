// Internet gateways through the AWS CLI and the SDK: create/attach/detach/delete, one gateway per VPC
// and one VPC per gateway, DependencyViolation where EC2 raises it, the quota, DescribeInternetGateways
// filters and paging; refused requests leave state unchanged.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateRouteCommand,
  CreateVpcCommand,
  DeleteInternetGatewayCommand,
  DeleteVpcCommand,
  DescribeInternetGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeVpcsCommand,
  DetachInternetGatewayCommand,
  type EC2Client,
  type InternetGateway,
} from "@aws-sdk/client-ec2";
import { startLab, expectEc2Error, type Lab } from "../support/harness.js";

let lab: Lab;
let ec2: EC2Client;
before(async () => {
  lab = await startLab({ quotas: { vpcsPerRegion: 50, internetGatewaysPerRegion: 50 } });
  ec2 = lab.ec2("eu-central-1");
});
after(async () => {
  await lab.close();
});

async function newVpc(cidr = "10.0.0.0/16"): Promise<string> {
  return (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
}

async function newIgw(tags?: Record<string, string>): Promise<string> {
  const r = await ec2.send(
    new CreateInternetGatewayCommand({
      TagSpecifications: tags ? [{ ResourceType: "internet-gateway", Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }] : undefined,
    }),
  );
  return r.InternetGateway!.InternetGatewayId!;
}

async function igw(id: string): Promise<InternetGateway> {
  return (await ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [id] }))).InternetGateways![0]!;
}

test("create, attach, describe, detach and delete through the AWS CLI", async () => {
  const region = "eu-west-2";
  const created = await lab.cli(
    ["ec2", "create-internet-gateway", "--tag-specifications", "ResourceType=internet-gateway,Tags=[{Key=Name,Value=my-igw}]"],
    { region },
  );
  assert.equal(created.code, 0, created.stderr);
  const g = (created.json as { InternetGateway: Record<string, unknown> }).InternetGateway;
  const id = String(g.InternetGatewayId);
  assert.match(id, /^igw-[0-9a-f]{17}$/);
  assert.deepEqual(g, { Attachments: [], InternetGatewayId: id, OwnerId: "000000000000", Tags: [{ Key: "Name", Value: "my-igw" }] });

  const vpc = await lab.cli(["ec2", "create-vpc", "--cidr-block", "10.0.0.0/16"], { region });
  const vpcId = (vpc.json as { Vpc: { VpcId: string } }).Vpc.VpcId;
  const attach = await lab.cli(["ec2", "attach-internet-gateway", "--internet-gateway-id", id, "--vpc-id", vpcId], { region });
  assert.equal(attach.code, 0, attach.stderr);
  assert.equal(attach.stdout.trim(), "");

  const described = await lab.cli(["ec2", "describe-internet-gateways", "--internet-gateway-ids", id], { region });
  assert.deepEqual(described.json, {
    InternetGateways: [
      { Attachments: [{ State: "available", VpcId: vpcId }], InternetGatewayId: id, OwnerId: "000000000000", Tags: [{ Key: "Name", Value: "my-igw" }] },
    ],
  });

  const detach = await lab.cli(["ec2", "detach-internet-gateway", "--internet-gateway-id", id, "--vpc-id", vpcId], { region });
  assert.equal(detach.code, 0, detach.stderr);
  const del = await lab.cli(["ec2", "delete-internet-gateway", "--internet-gateway-id", id], { region });
  assert.equal(del.code, 0, del.stderr);
  const gone = await lab.cli(["ec2", "describe-internet-gateways", "--internet-gateway-ids", id], { region });
  assert.notEqual(gone.code, 0);
  assert.match(gone.stderr, /InvalidInternetGatewayID\.NotFound/);
});

test("an untagged gateway still shows an empty tag list, as EC2 returns it", async () => {
  const id = await newIgw();
  const g = await igw(id);
  assert.deepEqual(g.Tags, []);
  assert.deepEqual(g.Attachments, []);
});

test("the default VPC's gateway is attached", async () => {
  const vpc = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }))).Vpcs![0]!;
  const r = await ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: "attachment.vpc-id", Values: [vpc.VpcId!] }] }));
  assert.equal(r.InternetGateways!.length, 1);
  assert.deepEqual(r.InternetGateways![0]!.Attachments, [{ State: "available", VpcId: vpc.VpcId }]);
});

test("one VPC per gateway and one gateway per VPC", async () => {
  const v1 = await newVpc();
  const v2 = await newVpc();
  const g1 = await newIgw();
  const g2 = await newIgw();
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: g1, VpcId: v1 }));

  const again = await expectEc2Error(ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: g1, VpcId: v1 })), "Resource.AlreadyAssociated");
  assert.match(again.message, new RegExp(`resource ${g1} is already attached to network ${v1}`));
  await expectEc2Error(ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: g1, VpcId: v2 })), "Resource.AlreadyAssociated");
  // EC2 answers a second gateway for one VPC with InvalidParameterValue (seen in Terraform logs).
  const second = await expectEc2Error(ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: g2, VpcId: v1 })), "InvalidParameterValue");
  assert.match(second.message, new RegExp(`Network ${v1} already has an internet gateway attached`));
  await expectEc2Error(ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: "igw-0123456789abcdef0", VpcId: v2 })), "InvalidInternetGatewayID.NotFound");
  await expectEc2Error(ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: g2, VpcId: "vpc-0123456789abcdef0" })), "InvalidVpcID.NotFound");
  assert.deepEqual((await igw(g2)).Attachments, [], "refused attachments changed nothing");
  assert.deepEqual((await igw(g1)).Attachments, [{ State: "available", VpcId: v1 }]);

  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: g2, VpcId: v2 }));
  assert.deepEqual((await igw(g2)).Attachments, [{ State: "available", VpcId: v2 }]);
});

test("detach and delete: Gateway.NotAttached, DependencyViolation, routes turn blackhole", async () => {
  const vpcId = await newVpc();
  const otherVpc = await newVpc();
  const g = await newIgw();
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: g, VpcId: vpcId }));
  const main = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }))).RouteTables![0]!;
  await ec2.send(new CreateRouteCommand({ RouteTableId: main.RouteTableId!, DestinationCidrBlock: "0.0.0.0/0", GatewayId: g }));

  const attachedDelete = await expectEc2Error(ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: g })), "DependencyViolation");
  assert.match(attachedDelete.message, new RegExp(`The internetGateway '${g}' has dependencies and cannot be deleted`));
  const vpcDelete = await expectEc2Error(ec2.send(new DeleteVpcCommand({ VpcId: vpcId })), "DependencyViolation");
  assert.match(vpcDelete.message, /has dependencies/);
  const wrong = await expectEc2Error(ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: g, VpcId: otherVpc })), "Gateway.NotAttached");
  assert.match(wrong.message, new RegExp(`resource ${g} is not attached to network ${otherVpc}`));
  await expectEc2Error(ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: "igw-0123456789abcdef0", VpcId: vpcId })), "InvalidInternetGatewayID.NotFound");
  await expectEc2Error(ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: g, VpcId: "vpc-0123456789abcdef0" })), "InvalidVpcID.NotFound");
  assert.deepEqual((await igw(g)).Attachments, [{ State: "available", VpcId: vpcId }], "refused calls changed nothing");

  await ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: g, VpcId: vpcId }));
  assert.deepEqual((await igw(g)).Attachments, []);
  const route = (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [main.RouteTableId!] }))).RouteTables![0]!.Routes![1]!;
  assert.deepEqual(route, { DestinationCidrBlock: "0.0.0.0/0", GatewayId: g, Origin: "CreateRoute", State: "blackhole" });
  await expectEc2Error(ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: g, VpcId: vpcId })), "Gateway.NotAttached");

  await ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: g }));
  await expectEc2Error(ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: g })), "InvalidInternetGatewayID.NotFound");
  // The route stays, as a blackhole, after the gateway is gone.
  const after = (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [main.RouteTableId!] }))).RouteTables![0]!.Routes![1]!;
  assert.equal(after.State, "blackhole");
});

test("the internet gateway quota (AWS's default is 5 per region, the default VPC's included)", async () => {
  const small = await startLab();
  try {
    const c = small.ec2("us-east-2");
    const created: string[] = [];
    for (let i = 0; i < 4; i++) created.push((await c.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!);
    await expectEc2Error(c.send(new CreateInternetGatewayCommand({})), "InternetGatewayLimitExceeded");
    assert.equal((await c.send(new DescribeInternetGatewaysCommand({}))).InternetGateways!.length, 5);
  } finally {
    await small.close();
  }
});

test("DescribeInternetGateways by id, filters and paging", async () => {
  const vpcId = await newVpc();
  const ids: string[] = [];
  for (let i = 0; i < 7; i++) ids.push(await newIgw({ Name: `gw-${i}`, ...(i % 2 === 0 ? { Even: "yes" } : {}) }));
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: ids[3]!, VpcId: vpcId }));
  const q = async (...filters: { Name: string; Values: string[] }[]) =>
    ((await ec2.send(new DescribeInternetGatewaysCommand({ Filters: filters }))).InternetGateways ?? []).map((g) => g.InternetGatewayId).sort();
  assert.deepEqual(await q({ Name: "attachment.vpc-id", Values: [vpcId] }), [ids[3]]);
  assert.deepEqual(await q({ Name: "attachment.state", Values: ["available"] }, { Name: "tag:Name", Values: ["gw-*"] }), [ids[3]]);
  assert.deepEqual(await q({ Name: "tag:Name", Values: ["gw-?"] }, { Name: "tag-key", Values: ["Even"] }), [ids[0], ids[2], ids[4], ids[6]].sort());
  assert.deepEqual(await q({ Name: "internet-gateway-id", Values: [ids[1]!, ids[5]!] }), [ids[1], ids[5]].sort());
  assert.deepEqual(await q({ Name: "owner-id", Values: ["000000000000"] }, { Name: "tag:Name", Values: ["gw-6"] }), [ids[6]]);
  await expectEc2Error(ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] })), "InvalidParameterValue");
  const missing = await expectEc2Error(
    ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [ids[0]!, "igw-0000000000000dead"] })),
    "InvalidInternetGatewayID.NotFound",
  );
  assert.match(missing.message, /igw-0000000000000dead/);

  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const r = await ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: "tag-key", Values: ["Name"] }], MaxResults: 5, NextToken: token }));
    seen.push(...r.InternetGateways!.map((g) => g.InternetGatewayId!));
    token = r.NextToken;
    pages++;
  } while (token);
  assert.ok(pages >= 2);
  assert.deepEqual(seen.sort(), [...ids].sort());
  await expectEc2Error(ec2.send(new DescribeInternetGatewaysCommand({ MaxResults: 2 })), "InvalidParameterValue");
});

test("gateways are scoped to their account and region", async () => {
  const g = await newIgw();
  await expectEc2Error(lab.ec2("eu-west-3").send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [g] })), "InvalidInternetGatewayID.NotFound");
  await expectEc2Error(
    lab.ec2("eu-central-1", "222222222222").send(new DeleteInternetGatewayCommand({ InternetGatewayId: g })),
    "InvalidInternetGatewayID.NotFound",
  );
  assert.equal((await igw(g)).InternetGatewayId, g);
});
