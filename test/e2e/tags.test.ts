// Tags through the AWS CLI and the SDK: CreateTags/DeleteTags/DescribeTags, TagSpecifications on the
// Create calls of this issue, the restrictions (aws: prefix, lengths, 50 per resource), tag filters
// on Describe calls; a refused request changes no resource's tags.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  CreateInternetGatewayCommand,
  CreateNetworkInsightsPathCommand,
  DescribeNetworkInsightsPathsCommand,
  RunInstancesCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteTagsCommand,
  DescribeSubnetsCommand,
  DescribeTagsCommand,
  DescribeVpcsCommand,
  type EC2Client,
  type Tag,
} from "@aws-sdk/client-ec2";
import { startLab, expectEc2Error, type Lab } from "../support/harness.js";

let lab: Lab;
let ec2: EC2Client;
before(async () => {
  lab = await startLab({ quotas: { vpcsPerRegion: 50 } });
  ec2 = lab.ec2("us-west-2");
});
after(async () => {
  await lab.close();
});

async function newVpc(tags?: Tag[]): Promise<string> {
  const r = await ec2.send(
    new CreateVpcCommand({ CidrBlock: "10.0.0.0/16", TagSpecifications: tags ? [{ ResourceType: "vpc", Tags: tags }] : undefined }),
  );
  return r.Vpc!.VpcId!;
}

async function tagsOf(id: string): Promise<Record<string, string>> {
  const r = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: "resource-id", Values: [id] }] }));
  return Object.fromEntries(r.Tags!.map((t) => [t.Key!, t.Value!]));
}

test("create-tags, describe-tags and delete-tags through the AWS CLI", async () => {
  const region = "us-west-1";
  const vpc = await lab.cli(["ec2", "create-vpc", "--cidr-block", "10.9.0.0/16"], { region });
  const vpcId = (vpc.json as { Vpc: { VpcId: string } }).Vpc.VpcId;
  const created = await lab.cli(["ec2", "create-tags", "--resources", vpcId, "--tags", "Key=Name,Value=tokyo", "Key=Stack,Value=Test"], { region });
  assert.equal(created.code, 0, created.stderr);
  assert.equal(created.stdout.trim(), "");
  const described = await lab.cli(["ec2", "describe-tags", "--filters", `Name=resource-id,Values=${vpcId}`], { region });
  assert.deepEqual(described.json, {
    Tags: [
      { Key: "Name", ResourceId: vpcId, ResourceType: "vpc", Value: "tokyo" },
      { Key: "Stack", ResourceId: vpcId, ResourceType: "vpc", Value: "Test" },
    ],
  });
  const deleted = await lab.cli(["ec2", "delete-tags", "--resources", vpcId, "--tags", "Key=Stack"], { region });
  assert.equal(deleted.code, 0, deleted.stderr);
  const v = await lab.cli(["ec2", "describe-vpcs", "--vpc-ids", vpcId], { region });
  assert.deepEqual((v.json as { Vpcs: { Tags: Tag[] }[] }).Vpcs[0]!.Tags, [{ Key: "Name", Value: "tokyo" }]);
});

test("TagSpecifications on CreateVpc, CreateSubnet, CreateRouteTable and CreateInternetGateway", async () => {
  const vpcId = await newVpc([{ Key: "Name", Value: "v" }]);
  const subnet = await ec2.send(
    new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.0.0.0/24", TagSpecifications: [{ ResourceType: "subnet", Tags: [{ Key: "Name", Value: "s" }] }] }),
  );
  const rtb = await ec2.send(
    new CreateRouteTableCommand({ VpcId: vpcId, TagSpecifications: [{ ResourceType: "route-table", Tags: [{ Key: "Name", Value: "r" }] }] }),
  );
  const igw = await ec2.send(
    new CreateInternetGatewayCommand({ TagSpecifications: [{ ResourceType: "internet-gateway", Tags: [{ Key: "Name", Value: "g" }] }] }),
  );
  const r = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: "key", Values: ["Name"] }, { Name: "value", Values: ["v", "s", "r", "g"] }] }));
  const rows = r.Tags!.map((t) => [t.ResourceType, t.ResourceId, t.Value]);
  assert.deepEqual(
    rows.sort(),
    [
      ["internet-gateway", igw.InternetGateway!.InternetGatewayId, "g"],
      ["route-table", rtb.RouteTable!.RouteTableId, "r"],
      ["subnet", subnet.Subnet!.SubnetId, "s"],
      ["vpc", vpcId, "v"],
    ].sort(),
  );
  // A specification for another resource type, or the same type twice, is refused and creates nothing.
  const before = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs!.length;
  const wrong = await expectEc2Error(
    ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16", TagSpecifications: [{ ResourceType: "subnet", Tags: [{ Key: "a", Value: "b" }] }] })),
    "InvalidParameterValue",
  );
  assert.match(wrong.message, /'subnet' is not a valid taggable resource type/);
  await expectEc2Error(
    ec2.send(
      new CreateVpcCommand({
        CidrBlock: "10.0.0.0/16",
        TagSpecifications: [
          { ResourceType: "vpc", Tags: [{ Key: "a", Value: "b" }] },
          { ResourceType: "vpc", Tags: [{ Key: "c", Value: "d" }] },
        ],
      }),
    ),
    "InvalidParameterValue",
  );
  await expectEc2Error(
    ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16", TagSpecifications: [{ ResourceType: "vpc", Tags: [{ Key: "aws:cloudformation:stack", Value: "x" }] }] })),
    "InvalidParameterValue",
  );
  assert.equal((await ec2.send(new DescribeVpcsCommand({}))).Vpcs!.length, before);
});

test("CreateTags overwrites values, tags several resources at once, and is atomic", async () => {
  const a = await newVpc();
  const b = await newVpc([{ Key: "Owner", Value: "team-b" }]);
  await ec2.send(new CreateTagsCommand({ Resources: [a, b], Tags: [{ Key: "Env", Value: "dev" }, { Key: "Empty" }] }));
  assert.deepEqual(await tagsOf(a), { Env: "dev", Empty: "" });
  assert.deepEqual(await tagsOf(b), { Owner: "team-b", Env: "dev", Empty: "" });
  await ec2.send(new CreateTagsCommand({ Resources: [a], Tags: [{ Key: "Env", Value: "prod" }] }));
  assert.equal((await tagsOf(a)).Env, "prod");

  // One unknown id: nothing is tagged (vpclab keeps the request atomic).
  const missing = await expectEc2Error(
    ec2.send(new CreateTagsCommand({ Resources: [a, "vpc-0123456789abcdef0"], Tags: [{ Key: "New", Value: "x" }] })),
    "InvalidVpcID.NotFound",
  );
  assert.match(missing.message, /vpc-0123456789abcdef0/);
  await expectEc2Error(ec2.send(new CreateTagsCommand({ Resources: ["subnet-0123456789abcdef0"], Tags: [{ Key: "k", Value: "v" }] })), "InvalidSubnetID.NotFound");
  await expectEc2Error(ec2.send(new CreateTagsCommand({ Resources: ["rtb-0123456789abcdef0"], Tags: [{ Key: "k", Value: "v" }] })), "InvalidRouteTableID.NotFound");
  await expectEc2Error(ec2.send(new CreateTagsCommand({ Resources: ["igw-0123456789abcdef0"], Tags: [{ Key: "k", Value: "v" }] })), "InvalidInternetGatewayID.NotFound");
  await expectEc2Error(ec2.send(new CreateTagsCommand({ Resources: ["banana"], Tags: [{ Key: "k", Value: "v" }] })), "InvalidID");
  await expectEc2Error(ec2.send(new CreateTagsCommand({ Resources: [a], Tags: [{ Key: "aws:reserved", Value: "v" }] })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new CreateTagsCommand({ Resources: [a], Tags: [{ Key: "k".repeat(129), Value: "v" }] })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new CreateTagsCommand({ Resources: [a], Tags: [{ Key: "k", Value: "v".repeat(257) }] })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new CreateTagsCommand({ Resources: [a], Tags: [{ Key: "", Value: "v" }] })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new CreateTagsCommand({ Resources: [a], Tags: [] } as never)), "MissingParameter");
  // 128 and 256 characters are allowed.
  await ec2.send(new CreateTagsCommand({ Resources: [b], Tags: [{ Key: "k".repeat(128), Value: "v".repeat(256) }] }));
  assert.deepEqual(await tagsOf(a), { Env: "prod", Empty: "" }, "refused CreateTags changed nothing");

  // 50 tags per resource.
  const many = Array.from({ length: 48 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
  await ec2.send(new CreateTagsCommand({ Resources: [a], Tags: many }));
  assert.equal(Object.keys(await tagsOf(a)).length, 50);
  await expectEc2Error(ec2.send(new CreateTagsCommand({ Resources: [a], Tags: [{ Key: "one-more", Value: "v" }] })), "TagLimitExceeded");
  await ec2.send(new CreateTagsCommand({ Resources: [a], Tags: [{ Key: "k0", Value: "overwrite is fine" }] }));
});

test("DeleteTags: by key, by key and value, by empty value, or all", async () => {
  const id = await newVpc([
    { Key: "A", Value: "1" },
    { Key: "B", Value: "2" },
    { Key: "C", Value: "" },
    { Key: "D", Value: "4" },
  ]);
  await ec2.send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: "B", Value: "not-2" }] }));
  assert.deepEqual(await tagsOf(id), { A: "1", B: "2", C: "", D: "4" }, "a value that does not match deletes nothing");
  await ec2.send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: "B", Value: "2" }, { Key: "A" }] }));
  assert.deepEqual(await tagsOf(id), { C: "", D: "4" });
  await ec2.send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: "D", Value: "" }, { Key: "C", Value: "" }] }));
  assert.deepEqual(await tagsOf(id), { D: "4" });
  await ec2.send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: "absent" }] }));
  await expectEc2Error(ec2.send(new DeleteTagsCommand({ Resources: [id, "vpc-0123456789abcdef0"] })), "InvalidVpcID.NotFound");
  assert.deepEqual(await tagsOf(id), { D: "4" }, "a refused DeleteTags deleted nothing");
  await ec2.send(new DeleteTagsCommand({ Resources: [id] }));
  assert.deepEqual(await tagsOf(id), {});
});

test("DescribeTags filters (key, value, resource-type, resource-id, tag:) with wildcards, and paging", async () => {
  const a = await newVpc([{ Key: "Team", Value: "alpha" }, { Key: "Cost", Value: "100" }]);
  const b = await newVpc([{ Key: "Team", Value: "beta" }]);
  const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: a, CidrBlock: "10.0.1.0/24", TagSpecifications: [{ ResourceType: "subnet", Tags: [{ Key: "Team", Value: "alpha" }] }] })))
    .Subnet!.SubnetId!;
  const q = async (...filters: { Name: string; Values: string[] }[]) =>
    ((await ec2.send(new DescribeTagsCommand({ Filters: filters }))).Tags ?? []).map((t) => `${t.ResourceId}:${t.Key}=${t.Value}`).sort();
  assert.deepEqual(await q({ Name: "key", Values: ["Team"] }, { Name: "value", Values: ["al*"] }), [`${a}:Team=alpha`, `${subnet}:Team=alpha`].sort());
  assert.deepEqual(await q({ Name: "resource-type", Values: ["subnet"] }, { Name: "key", Values: ["Team"] }), [`${subnet}:Team=alpha`]);
  assert.deepEqual(await q({ Name: "resource-id", Values: [b] }), [`${b}:Team=beta`]);
  assert.deepEqual(await q({ Name: "value", Values: ["?eta"] }, { Name: "key", Values: ["Team"] }), [`${b}:Team=beta`]);
  // tag:Key selects resources by their tags and returns all of their tags.
  assert.deepEqual(await q({ Name: "tag:Cost", Values: ["100"] }), [`${a}:Cost=100`, `${a}:Team=alpha`].sort());
  await expectEc2Error(ec2.send(new DescribeTagsCommand({ Filters: [{ Name: "tag-key", Values: ["Team"] }] })), "InvalidParameterValue");

  // Resource tags appear in each family's Describe filters too.
  const s = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "tag:Team", Values: ["alpha"] }] }));
  assert.deepEqual(s.Subnets!.map((x) => x.SubnetId), [subnet]);

  for (let i = 0; i < 8; i++) await ec2.send(new CreateTagsCommand({ Resources: [b], Tags: [{ Key: `page-${i}`, Value: String(i) }] }));
  const seen: string[] = [];
  let token: string | undefined;
  do {
    const r = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: "key", Values: ["page-*"] }], MaxResults: 5, NextToken: token }));
    seen.push(...r.Tags!.map((t) => t.Key!));
    token = r.NextToken;
  } while (token);
  assert.deepEqual(seen, Array.from({ length: 8 }, (_, i) => `page-${i}`));
  await expectEc2Error(ec2.send(new DescribeTagsCommand({ MaxResults: 1001 })), "InvalidParameterValue");
});

test("Reachability Analyzer paths take tags through CreateTags, and DescribeTags lists them", async () => {
  const c = lab.ec2("ap-south-1");
  const inst = (await c.send(new RunInstancesCommand({ ImageId: "ami-0123456789abcdef0", MinCount: 1, MaxCount: 1 }))).Instances![0]!;
  const path = (await c.send(new CreateNetworkInsightsPathCommand({ Source: inst.InstanceId, DestinationIp: "8.8.8.8", Protocol: "tcp" })))
    .NetworkInsightsPath!;
  await c.send(new CreateTagsCommand({ Resources: [path.NetworkInsightsPathId!], Tags: [{ Key: "Name", Value: "to-dns" }] }));
  const read = (await c.send(new DescribeNetworkInsightsPathsCommand({ NetworkInsightsPathIds: [path.NetworkInsightsPathId!] })))
    .NetworkInsightsPaths![0]!;
  assert.deepEqual(read.Tags, [{ Key: "Name", Value: "to-dns" }]);
  const listed = (await c.send(new DescribeTagsCommand({ Filters: [{ Name: "resource-type", Values: ["network-insights-path"] }] }))).Tags!;
  assert.deepEqual(listed.map((t) => [t.ResourceId, t.Key, t.Value]), [[path.NetworkInsightsPathId, "Name", "to-dns"]]);
  await expectEc2Error(
    c.send(new CreateTagsCommand({ Resources: ["nip-00000000000000000"], Tags: [{ Key: "a", Value: "b" }] })),
    "InvalidNetworkInsightsPathId.NotFound",
  );
});
