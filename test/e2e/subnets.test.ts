// Subnets through the SDK and the AWS CLI: CreateSubnet's rules (inside one VPC block, no overlap,
// /16–/28, zone by name or id), the default subnets, DescribeSubnets (ids, filters, paging),
// ModifySubnetAttribute and DeleteSubnet; refused requests leave state unchanged.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  AssociateRouteTableCommand,
  AssociateVpcCidrBlockCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteSubnetCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  ModifySubnetAttributeCommand,
  type EC2Client,
  type Subnet,
} from "@aws-sdk/client-ec2";
import { startLab, expectEc2Error, type Lab } from "../support/harness.js";

let lab: Lab;
let ec2: EC2Client;
before(async () => {
  lab = await startLab({ quotas: { vpcsPerRegion: 50 } });
  ec2 = lab.ec2("ap-northeast-1");
});
after(async () => {
  await lab.close();
});

async function newVpc(cidr: string, client = ec2): Promise<string> {
  const r = await client.send(new CreateVpcCommand({ CidrBlock: cidr }));
  return r.Vpc!.VpcId!;
}

async function subnetsOf(vpcId: string, client = ec2): Promise<Subnet[]> {
  const r = await client.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }));
  return r.Subnets ?? [];
}

test("aws ec2 create-subnet prints what AWS prints, field for field", async () => {
  const vpc = await lab.cli(["ec2", "create-vpc", "--cidr-block", "10.20.0.0/16"], { region: "ap-northeast-1" });
  assert.equal(vpc.code, 0, vpc.stderr);
  const vpcId = (vpc.json as { Vpc: { VpcId: string } }).Vpc.VpcId;
  const r = await lab.cli(
    [
      "ec2", "create-subnet", "--vpc-id", vpcId, "--cidr-block", "10.20.1.0/24", "--availability-zone", "ap-northeast-1a",
      "--tag-specifications", "ResourceType=subnet,Tags=[{Key=Name,Value=tokyo-a}]",
    ],
    { region: "ap-northeast-1" },
  );
  assert.equal(r.code, 0, r.stderr);
  const s = (r.json as { Subnet: Record<string, unknown> }).Subnet;
  const id = String(s.SubnetId);
  assert.match(id, /^subnet-[0-9a-f]{17}$/);
  assert.deepEqual(s, {
    AvailabilityZone: "ap-northeast-1a",
    AvailabilityZoneId: "apne1-az4",
    AvailableIpAddressCount: 251,
    CidrBlock: "10.20.1.0/24",
    DefaultForAz: false,
    MapPublicIpOnLaunch: false,
    MapCustomerOwnedIpOnLaunch: false,
    State: "available",
    SubnetId: id,
    VpcId: vpcId,
    OwnerId: "000000000000",
    AssignIpv6AddressOnCreation: false,
    Ipv6CidrBlockAssociationSet: [],
    Tags: [{ Key: "Name", Value: "tokyo-a" }],
    SubnetArn: `arn:aws:ec2:ap-northeast-1:000000000000:subnet/${id}`,
    EnableDns64: false,
    Ipv6Native: false,
    PrivateDnsNameOptionsOnLaunch: {
      HostnameType: "ip-name",
      EnableResourceNameDnsARecord: false,
      EnableResourceNameDnsAAAARecord: false,
    },
  });
});

test("describe-subnets in ap-southeast-1 shows the default VPC's three default /20 subnets", async () => {
  const r = await lab.cli(["ec2", "describe-subnets", "--filters", "Name=default-for-az,Values=true"], { region: "ap-southeast-1" });
  assert.equal(r.code, 0, r.stderr);
  const subnets = (r.json as { Subnets: Record<string, unknown>[] }).Subnets;
  assert.deepEqual(
    subnets.map((s) => [s.AvailabilityZone, s.AvailabilityZoneId, s.CidrBlock, s.DefaultForAz, s.MapPublicIpOnLaunch, s.AvailableIpAddressCount]).sort(),
    [
      ["ap-southeast-1a", "apse1-az2", "172.31.0.0/20", true, true, 4091],
      ["ap-southeast-1b", "apse1-az1", "172.31.16.0/20", true, true, 4091],
      ["ap-southeast-1c", "apse1-az3", "172.31.32.0/20", true, true, 4091],
    ],
  );
  assert.equal(new Set(subnets.map((s) => s.VpcId)).size, 1);
});

test("a subnet's zone can be named by its zone id, and the available count excludes the 5 reserved addresses", async () => {
  const vpcId = await newVpc("10.30.0.0/16");
  const a = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.30.0.0/28", AvailabilityZoneId: "apne1-az1" }));
  assert.equal(a.Subnet!.AvailabilityZone, "ap-northeast-1c");
  assert.equal(a.Subnet!.AvailabilityZoneId, "apne1-az1");
  assert.equal(a.Subnet!.AvailableIpAddressCount, 16 - 5);
  const b = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.30.128.0/17", AvailabilityZone: "ap-northeast-1d" }));
  assert.equal(b.Subnet!.AvailabilityZoneId, "apne1-az2");
  assert.equal(b.Subnet!.AvailableIpAddressCount, 32768 - 5);
  // Neither given: the region's first zone.
  const c = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.30.1.0/24" }));
  assert.equal(c.Subnet!.AvailabilityZone, "ap-northeast-1a");
  // Name and id of the same zone together are accepted.
  const d = await ec2.send(
    new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.30.2.0/24", AvailabilityZone: "ap-northeast-1a", AvailabilityZoneId: "apne1-az4" }),
  );
  assert.equal(d.Subnet!.AvailabilityZone, "ap-northeast-1a");
});

test("a CIDR with host bits set is canonicalised, as CreateSubnet documents", async () => {
  const vpcId = await newVpc("10.31.0.0/16");
  const r = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.31.7.9/24" }));
  assert.equal(r.Subnet!.CidrBlock, "10.31.7.0/24");
});

test("CreateSubnet refuses what AWS refuses, and a refused request creates nothing", async () => {
  const vpcId = await newVpc("10.40.0.0/16");
  await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.40.1.0/24" }));
  const cases: [Record<string, string>, string, RegExp?][] = [
    [{ CidrBlock: "10.41.0.0/24" }, "InvalidSubnet.Range", /The CIDR '10\.41\.0\.0\/24' is invalid\./],
    [{ CidrBlock: "10.0.0.0/8" }, "InvalidSubnet.Range"],
    [{ CidrBlock: "10.40.0.0/15" }, "InvalidSubnet.Range"],
    [{ CidrBlock: "10.40.2.0/29" }, "InvalidSubnet.Range"],
    [{ CidrBlock: "10.40.1.128/25" }, "InvalidSubnet.Conflict", /The CIDR '10\.40\.1\.128\/25' conflicts with another subnet/],
    [{ CidrBlock: "10.40.0.0/16" }, "InvalidSubnet.Conflict"],
    [{ CidrBlock: "10.40.0.0/23" }, "InvalidSubnet.Conflict"],
    [{ CidrBlock: "10.40.300.0/24" }, "InvalidParameterValue", /not a valid CIDR block/],
    [{ CidrBlock: "banana" }, "InvalidParameterValue"],
    [{ CidrBlock: "10.40.2.0/24", AvailabilityZone: "ap-northeast-1b" }, "InvalidParameterValue", /ap-northeast-1a, ap-northeast-1c, ap-northeast-1d/],
    [{ CidrBlock: "10.40.2.0/24", AvailabilityZone: "us-east-1a" }, "InvalidParameterValue"],
    [{ CidrBlock: "10.40.2.0/24", AvailabilityZoneId: "apne1-az3" }, "InvalidParameterValue", /availabilityZoneId/],
    [{ CidrBlock: "10.40.2.0/24", AvailabilityZone: "ap-northeast-1a", AvailabilityZoneId: "apne1-az1" }, "InvalidParameterCombination"],
    [{ CidrBlock: "10.40.2.0/24", Ipv6CidrBlock: "2600:1f16::/64" }, "InvalidParameterValue"],
  ];
  for (const [extra, code, message] of cases) {
    const err = await expectEc2Error(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, ...extra } as never)), code);
    if (message) assert.match(err.message, message, JSON.stringify(extra));
  }
  await expectEc2Error(ec2.send(new CreateSubnetCommand({ VpcId: "vpc-0123456789abcdef0", CidrBlock: "10.40.2.0/24" })), "InvalidVpcID.NotFound");
  await expectEc2Error(
    ec2.send(
      new CreateSubnetCommand({
        VpcId: vpcId,
        CidrBlock: "10.40.2.0/24",
        TagSpecifications: [{ ResourceType: "vpc", Tags: [{ Key: "a", Value: "b" }] }],
      }),
    ),
    "InvalidParameterValue",
  );
  await expectEc2Error(ec2.send(new CreateSubnetCommand({ VpcId: vpcId } as never)), "MissingParameter");
  const subnets = await subnetsOf(vpcId);
  assert.deepEqual(subnets.map((s) => s.CidrBlock), ["10.40.1.0/24"]);
});

test("a subnet may use a secondary VPC block but not straddle two blocks", async () => {
  const vpcId = await newVpc("10.50.0.0/16");
  await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: vpcId, CidrBlock: "10.51.0.0/16" }));
  const r = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.51.3.0/24" }));
  assert.equal(r.Subnet!.CidrBlock, "10.51.3.0/24");
  await expectEc2Error(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.50.0.0/15" })), "InvalidSubnet.Range");
});

test("subnets of different VPCs may overlap", async () => {
  const v1 = await newVpc("10.60.0.0/16");
  const v2 = await newVpc("10.60.0.0/16");
  await ec2.send(new CreateSubnetCommand({ VpcId: v1, CidrBlock: "10.60.0.0/24" }));
  await ec2.send(new CreateSubnetCommand({ VpcId: v2, CidrBlock: "10.60.0.0/24" }));
  assert.equal((await subnetsOf(v2)).length, 1);
});

test("DescribeSubnets by id, with unknown ids, filters, wildcards and tags", async () => {
  const vpcId = await newVpc("10.70.0.0/16");
  const ids: string[] = [];
  for (const [i, zone] of ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"].entries()) {
    const r = await ec2.send(
      new CreateSubnetCommand({
        VpcId: vpcId,
        CidrBlock: `10.70.${i}.0/24`,
        AvailabilityZone: zone,
        TagSpecifications: [{ ResourceType: "subnet", Tags: [{ Key: "Name", Value: `app-${zone.slice(-1)}` }, { Key: i === 0 ? "Public" : "Private", Value: "" }] }],
      }),
    );
    ids.push(r.Subnet!.SubnetId!);
  }
  const byId = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [ids[2]!, ids[0]!] }));
  assert.deepEqual(byId.Subnets!.map((s) => s.SubnetId).sort(), [ids[0], ids[2]].sort());

  const missing = await expectEc2Error(
    ec2.send(new DescribeSubnetsCommand({ SubnetIds: [ids[0]!, "subnet-0000000000000dead"] })),
    "InvalidSubnetID.NotFound",
  );
  assert.match(missing.message, /subnet-0000000000000dead/);

  const q = async (filters: { Name: string; Values: string[] }[]) =>
    ((await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }, ...filters] }))).Subnets ?? [])
      .map((s) => s.CidrBlock)
      .sort();
  assert.deepEqual(await q([{ Name: "availability-zone", Values: ["ap-northeast-1c"] }]), ["10.70.1.0/24"]);
  assert.deepEqual(await q([{ Name: "availability-zone-id", Values: ["apne1-az4", "apne1-az2"] }]), ["10.70.0.0/24", "10.70.2.0/24"]);
  assert.deepEqual(await q([{ Name: "cidr-block", Values: ["10.70.?.0/24"] }]), ["10.70.0.0/24", "10.70.1.0/24", "10.70.2.0/24"]);
  assert.deepEqual(await q([{ Name: "cidr-block", Values: ["10.70.2.*"] }]), ["10.70.2.0/24"]);
  assert.deepEqual(await q([{ Name: "tag:Name", Values: ["app-*"] }, { Name: "tag-key", Values: ["Private"] }]), ["10.70.1.0/24", "10.70.2.0/24"]);
  assert.deepEqual(await q([{ Name: "tag:Name", Values: ["app-?"] }, { Name: "tag:Public", Values: [""] }]), ["10.70.0.0/24"]);
  assert.deepEqual(await q([{ Name: "tag:Name", Values: ["APP-*"] }]), [], "filter values are case-sensitive");
  assert.deepEqual(await q([{ Name: "available-ip-address-count", Values: ["251"] }]), ["10.70.0.0/24", "10.70.1.0/24", "10.70.2.0/24"]);
  assert.deepEqual(await q([{ Name: "default-for-az", Values: ["false"] }, { Name: "state", Values: ["available"] }]), [
    "10.70.0.0/24",
    "10.70.1.0/24",
    "10.70.2.0/24",
  ]);
  assert.deepEqual(await q([{ Name: "subnet-id", Values: [ids[1]!] }]), ["10.70.1.0/24"]);
  assert.deepEqual(await q([{ Name: "owner-id", Values: ["111111111111"] }]), []);
  const arn = `arn:aws:ec2:ap-northeast-1:000000000000:subnet/${ids[2]}`;
  assert.deepEqual(await q([{ Name: "subnet-arn", Values: [arn] }]), ["10.70.2.0/24"]);
  const bad = await expectEc2Error(ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "colour", Values: ["red"] }] })), "InvalidParameterValue");
  assert.match(bad.message, /The filter 'colour' is invalid/);
});

test("DescribeSubnets pages with MaxResults and NextToken, within 5–1000", async () => {
  const vpcId = await newVpc("10.80.0.0/16");
  const created: string[] = [];
  for (let i = 0; i < 12; i++) {
    created.push((await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.80.${i}.0/24` }))).Subnet!.SubnetId!);
  }
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const r = await ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }], MaxResults: 5, NextToken: token }),
    );
    assert.ok(r.Subnets!.length <= 5);
    seen.push(...r.Subnets!.map((s) => s.SubnetId!));
    token = r.NextToken;
    pages++;
  } while (token);
  assert.equal(pages, 3);
  assert.deepEqual(seen, created);

  // A page boundary survives a deletion before the next page is asked for.
  const first = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }], MaxResults: 5 }));
  await ec2.send(new DeleteSubnetCommand({ SubnetId: created[0]! }));
  const second = await ec2.send(
    new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }], MaxResults: 5, NextToken: first.NextToken }),
  );
  assert.equal(second.Subnets![0]!.SubnetId, created[5]);

  for (const n of [4, 1001]) {
    const e = await expectEc2Error(ec2.send(new DescribeSubnetsCommand({ MaxResults: n })), "InvalidParameterValue");
    assert.match(e.message, /between 5 and 1000/);
  }
  await expectEc2Error(ec2.send(new DescribeSubnetsCommand({ MaxResults: 5, NextToken: "not-a-token" })), "InvalidNextToken");
});

test("ModifySubnetAttribute changes one attribute per call", async () => {
  const vpcId = await newVpc("10.90.0.0/16");
  const id = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.90.0.0/24" }))).Subnet!.SubnetId!;
  await ec2.send(new ModifySubnetAttributeCommand({ SubnetId: id, MapPublicIpOnLaunch: { Value: true } }));
  await ec2.send(new ModifySubnetAttributeCommand({ SubnetId: id, PrivateDnsHostnameTypeOnLaunch: "resource-name" }));
  await ec2.send(new ModifySubnetAttributeCommand({ SubnetId: id, EnableResourceNameDnsARecordOnLaunch: { Value: true } }));
  let s = (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [id] }))).Subnets![0]!;
  assert.equal(s.MapPublicIpOnLaunch, true);
  assert.equal(s.PrivateDnsNameOptionsOnLaunch!.HostnameType, "resource-name");
  assert.equal(s.PrivateDnsNameOptionsOnLaunch!.EnableResourceNameDnsARecord, true);
  const filtered = await ec2.send(
    new DescribeSubnetsCommand({ Filters: [{ Name: "map-public-ip-on-launch", Values: ["true"] }, { Name: "vpc-id", Values: [vpcId] }] }),
  );
  assert.deepEqual(filtered.Subnets!.map((x) => x.SubnetId), [id]);

  await expectEc2Error(
    ec2.send(new ModifySubnetAttributeCommand({ SubnetId: id, MapPublicIpOnLaunch: { Value: false }, EnableDns64: { Value: false } })),
    "InvalidParameterCombination",
  );
  await expectEc2Error(ec2.send(new ModifySubnetAttributeCommand({ SubnetId: id })), "MissingParameter");
  await expectEc2Error(ec2.send(new ModifySubnetAttributeCommand({ SubnetId: id, AssignIpv6AddressOnCreation: { Value: true } })), "InvalidParameterValue");
  await expectEc2Error(
    ec2.send(new ModifySubnetAttributeCommand({ SubnetId: id, PrivateDnsHostnameTypeOnLaunch: "fancy-name" as never })),
    "InvalidParameterValue",
  );
  await expectEc2Error(
    ec2.send(new ModifySubnetAttributeCommand({ SubnetId: "subnet-0123456789abcdef0", MapPublicIpOnLaunch: { Value: true } })),
    "InvalidSubnetID.NotFound",
  );
  s = (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [id] }))).Subnets![0]!;
  assert.equal(s.MapPublicIpOnLaunch, true, "refused modifications changed nothing");
  assert.equal(s.PrivateDnsNameOptionsOnLaunch!.HostnameType, "resource-name");
});

test("DeleteSubnet removes the subnet and its route table association", async () => {
  const vpcId = await newVpc("10.100.0.0/16");
  const id = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.100.0.0/24" }))).Subnet!.SubnetId!;
  const rtb = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
  await ec2.send(new AssociateRouteTableCommand({ RouteTableId: rtb, SubnetId: id }));
  await ec2.send(new DeleteSubnetCommand({ SubnetId: id }));
  assert.equal((await subnetsOf(vpcId)).length, 0);
  const t = (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rtb] }))).RouteTables![0]!;
  assert.deepEqual(t.Associations, []);
  await expectEc2Error(ec2.send(new DeleteSubnetCommand({ SubnetId: id })), "InvalidSubnetID.NotFound");
  await expectEc2Error(ec2.send(new DescribeSubnetsCommand({ SubnetIds: [id] })), "InvalidSubnetID.NotFound");
  // The freed range can be used again.
  await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.100.0.0/24" }));
});

test("subnets are scoped to their account and region", async () => {
  const vpcId = await newVpc("10.110.0.0/16");
  const id = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.110.0.0/24" }))).Subnet!.SubnetId!;
  await expectEc2Error(lab.ec2("us-west-2").send(new DescribeSubnetsCommand({ SubnetIds: [id] })), "InvalidSubnetID.NotFound");
  await expectEc2Error(lab.ec2("ap-northeast-1", "111111111111").send(new DescribeSubnetsCommand({ SubnetIds: [id] })), "InvalidSubnetID.NotFound");
  const other = await lab.ec2("ap-northeast-1", "111111111111").send(new DescribeSubnetsCommand({}));
  assert.ok(other.Subnets!.every((s) => s.OwnerId === "111111111111"));
});
