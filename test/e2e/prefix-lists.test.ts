// Managed prefix lists through the SDK and the AWS CLI: customer-managed lists with versions,
// MaxEntries, restore, entries and associations; the AWS-managed S3 and DynamoDB lists of each region
// (CIDRs from AWS's ip-ranges.json); routes and security-group rules that name a list (their effect on
// the network: prefix-lists-network.test.ts).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateManagedPrefixListCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteManagedPrefixListCommand,
  DescribeManagedPrefixListsCommand,
  DescribePrefixListsCommand,
  DescribeSecurityGroupsCommand,
  GetManagedPrefixListAssociationsCommand,
  GetManagedPrefixListEntriesCommand,
  ModifyManagedPrefixListCommand,
  RestoreManagedPrefixListVersionCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { startLab, expectEc2Error, type Lab } from "../support/harness.js";

let lab: Lab;
let ec2: EC2Client;
before(async () => {
  lab = await startLab();
  ec2 = lab.ec2("eu-west-1");
});
after(async () => {
  await lab.close();
});

async function entries(id: string, TargetVersion?: number): Promise<string[]> {
  const r = await ec2.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: id, TargetVersion }));
  return r.Entries!.map((e) => (e.Description ? `${e.Cidr} ${e.Description}` : e.Cidr!));
}

test("create, modify with versions, restore and delete a customer-managed list", async () => {
  const created = await ec2.send(
    new CreateManagedPrefixListCommand({
      PrefixListName: "offices",
      AddressFamily: "IPv4",
      MaxEntries: 3,
      Entries: [
        { Cidr: "192.0.2.0/24", Description: "paris" },
        { Cidr: "10.1.2.3/16", Description: "vpn" },
      ],
      TagSpecifications: [{ ResourceType: "prefix-list", Tags: [{ Key: "Name", Value: "offices" }] }],
    }),
  );
  const pl = created.PrefixList!;
  const id = pl.PrefixListId!;
  assert.match(id, /^pl-[0-9a-f]{17}$/);
  assert.equal(pl.State, "create-in-progress");
  assert.equal(pl.Version, 1);
  assert.equal(pl.MaxEntries, 3);
  assert.equal(pl.PrefixListArn, `arn:aws:ec2:eu-west-1:000000000000:prefix-list/${id}`);
  assert.deepEqual(pl.Tags, [{ Key: "Name", Value: "offices" }]);

  const described = (await ec2.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: [id] }))).PrefixLists![0]!;
  assert.equal(described.State, "create-complete");
  assert.equal(described.OwnerId, "000000000000");
  // Canonicalised and sorted by address.
  assert.deepEqual(await entries(id), ["10.1.0.0/16 vpn", "192.0.2.0/24 paris"]);

  // Removals apply before additions, so one call can change a description; a new version results.
  const m = await ec2.send(
    new ModifyManagedPrefixListCommand({
      PrefixListId: id,
      CurrentVersion: 1,
      RemoveEntries: [{ Cidr: "192.0.2.0/24" }],
      AddEntries: [{ Cidr: "192.0.2.0/24", Description: "paris-2" }, { Cidr: "198.51.100.0/24" }],
    }),
  );
  assert.equal(m.PrefixList!.State, "modify-in-progress");
  assert.equal(m.PrefixList!.Version, 2);
  assert.deepEqual(await entries(id), ["10.1.0.0/16 vpn", "192.0.2.0/24 paris-2", "198.51.100.0/24"]);
  assert.deepEqual(await entries(id, 1), ["10.1.0.0/16 vpn", "192.0.2.0/24 paris"]);

  // A stale version, too many entries, entries and size together: refused, nothing changes.
  const stale = await expectEc2Error(
    ec2.send(new ModifyManagedPrefixListCommand({ PrefixListId: id, CurrentVersion: 1, AddEntries: [{ Cidr: "203.0.113.0/24" }] })),
    "PrefixListVersionMismatch",
  );
  assert.equal(stale.message, "The prefix list has the incorrect version number.");
  await expectEc2Error(ec2.send(new ModifyManagedPrefixListCommand({ PrefixListId: id, AddEntries: [{ Cidr: "203.0.113.0/24" }] })), "InvalidParameterValue");
  await expectEc2Error(
    ec2.send(new ModifyManagedPrefixListCommand({ PrefixListId: id, MaxEntries: 10, AddEntries: [{ Cidr: "203.0.113.0/24" }] })),
    "InvalidParameterCombination",
  );
  await expectEc2Error(ec2.send(new ModifyManagedPrefixListCommand({ PrefixListId: id, MaxEntries: 2 })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new ModifyManagedPrefixListCommand({ PrefixListId: id, RemoveEntries: [{ Cidr: "203.0.113.0/24" }] })), "InvalidParameterValue");
  assert.equal((await ec2.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: [id] }))).PrefixLists![0]!.Version, 2);

  // Resizing and renaming make no new version.
  const resized = await ec2.send(new ModifyManagedPrefixListCommand({ PrefixListId: id, MaxEntries: 10, PrefixListName: "offices-eu" }));
  assert.equal(resized.PrefixList!.Version, 2);
  assert.equal(resized.PrefixList!.MaxEntries, 10);
  assert.equal(resized.PrefixList!.PrefixListName, "offices-eu");

  // Restore version 1 as version 3.
  await expectEc2Error(
    ec2.send(new RestoreManagedPrefixListVersionCommand({ PrefixListId: id, PreviousVersion: 1, CurrentVersion: 1 })),
    "PrefixListVersionMismatch",
  );
  const restored = await ec2.send(new RestoreManagedPrefixListVersionCommand({ PrefixListId: id, PreviousVersion: 1, CurrentVersion: 2 }));
  assert.equal(restored.PrefixList!.State, "restore-in-progress");
  assert.equal(restored.PrefixList!.Version, 3);
  assert.deepEqual(await entries(id), ["10.1.0.0/16 vpn", "192.0.2.0/24 paris"]);
  await expectEc2Error(ec2.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: id, TargetVersion: 9 })), "InvalidParameterValue");

  const assoc = await ec2.send(new GetManagedPrefixListAssociationsCommand({ PrefixListId: id }));
  assert.deepEqual(assoc.PrefixListAssociations, []);

  await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: "team", Value: "net" }] }));
  const byTag = await ec2.send(new DescribeManagedPrefixListsCommand({ Filters: [{ Name: "tag:team", Values: ["net"] }] }));
  assert.deepEqual(byTag.PrefixLists!.map((p) => p.PrefixListId), [id]);

  const deleted = await ec2.send(new DeleteManagedPrefixListCommand({ PrefixListId: id }));
  assert.equal(deleted.PrefixList!.State, "delete-in-progress");
  await expectEc2Error(ec2.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: [id] })), "InvalidPrefixListID.NotFound");
});

test("CreateManagedPrefixList validation and idempotency", async () => {
  const base = { PrefixListName: "x", AddressFamily: "IPv4", MaxEntries: 2 };
  await expectEc2Error(ec2.send(new CreateManagedPrefixListCommand({ ...base, MaxEntries: 0 })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new CreateManagedPrefixListCommand({ ...base, MaxEntries: 1001 })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new CreateManagedPrefixListCommand({ ...base, AddressFamily: "IPv5" })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new CreateManagedPrefixListCommand({ ...base, AddressFamily: "IPv6" })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new CreateManagedPrefixListCommand({ ...base, PrefixListName: "com.amazonaws.mine" })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new CreateManagedPrefixListCommand({ ...base, Entries: [{ Cidr: "10.0.0.0/33" }] })), "InvalidParameterValue");
  await expectEc2Error(
    ec2.send(new CreateManagedPrefixListCommand({ ...base, Entries: [{ Cidr: "10.0.0.0/8" }, { Cidr: "10.0.0.0/8" }] })),
    "InvalidParameterValue",
  );
  await expectEc2Error(
    ec2.send(new CreateManagedPrefixListCommand({ ...base, Entries: [{ Cidr: "10.0.0.0/8" }, { Cidr: "11.0.0.0/8" }, { Cidr: "12.0.0.0/8" }] })),
    "InvalidParameterValue",
  );
  const mine = (await ec2.send(new DescribeManagedPrefixListsCommand({ Filters: [{ Name: "owner-id", Values: ["000000000000"] }] }))).PrefixLists!;
  assert.equal(mine.length, 0);

  const a = await ec2.send(new CreateManagedPrefixListCommand({ ...base, ClientToken: "tok-1" }));
  const b = await ec2.send(new CreateManagedPrefixListCommand({ ...base, ClientToken: "tok-1" }));
  assert.equal(a.PrefixList!.PrefixListId, b.PrefixList!.PrefixListId);
  await expectEc2Error(ec2.send(new CreateManagedPrefixListCommand({ ...base, MaxEntries: 5, ClientToken: "tok-1" })), "IdempotentParameterMismatch");
  await expectEc2Error(ec2.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: "pl-bad" })), "InvalidPrefixListId.Malformed");
  await expectEc2Error(ec2.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: "pl-0123456789abcdef0" })), "InvalidPrefixListID.NotFound");
});

test("AWS-managed lists: S3 and DynamoDB per region, with AWS's published CIDRs, read-only", async () => {
  const data = JSON.parse(readFileSync("/work/shared/data/aws-service-prefixes.json", "utf8")) as {
    regions: Record<string, { s3: { ipv4: string[] }; dynamodb: { ipv4: string[] } }>;
  };
  for (const region of ["eu-west-1", "ap-southeast-1"]) {
    const c = lab.ec2(region);
    const lists = (await c.send(new DescribePrefixListsCommand({}))).PrefixLists!;
    assert.deepEqual(
      lists.map((l) => l.PrefixListName),
      [`com.amazonaws.${region}.dynamodb`, `com.amazonaws.${region}.s3`],
    );
    const s3 = lists.find((l) => l.PrefixListName!.endsWith(".s3"))!;
    assert.deepEqual(s3.Cidrs, data.regions[region]!.s3.ipv4);
    const ddb = (await c.send(new DescribePrefixListsCommand({ Filters: [{ Name: "prefix-list-name", Values: [`com.amazonaws.${region}.dynamodb`] }] }))).PrefixLists!;
    assert.deepEqual(ddb[0]!.Cidrs, data.regions[region]!.dynamodb.ipv4);

    const managed = (await c.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: [s3.PrefixListId!] }))).PrefixLists![0]!;
    assert.deepEqual(managed, {
      PrefixListId: s3.PrefixListId,
      AddressFamily: "IPv4",
      State: "create-complete",
      PrefixListArn: `arn:aws:ec2:${region}:aws:prefix-list/${s3.PrefixListId}`,
      PrefixListName: `com.amazonaws.${region}.s3`,
      Tags: [],
      OwnerId: "AWS",
    });
    const e = await c.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: s3.PrefixListId, MaxResults: 5 }));
    assert.deepEqual(e.Entries!.map((x) => x.Cidr), data.regions[region]!.s3.ipv4.slice(0, 5));
    assert.ok(e.NextToken);
    await expectEc2Error(c.send(new ModifyManagedPrefixListCommand({ PrefixListId: s3.PrefixListId, PrefixListName: "mine" })), "UnsupportedOperation");
    await expectEc2Error(c.send(new DeleteManagedPrefixListCommand({ PrefixListId: s3.PrefixListId })), "UnsupportedOperation");
  }
  // The same service's list has another id in another region.
  const ids = await Promise.all(
    ["eu-west-1", "us-east-1"].map(async (r) => (await lab.ec2(r).send(new DescribePrefixListsCommand({ Filters: [{ Name: "prefix-list-name", Values: [`com.amazonaws.${r}.s3`] }] }))).PrefixLists![0]!.PrefixListId),
  );
  assert.notEqual(ids[0], ids[1]);
});

test("routes and security-group rules naming a prefix list are stored; an unknown list is NotFound", async () => {
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.20.0.0/16" }))).Vpc!.VpcId!;
  const rtb = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpc }))).RouteTable!.RouteTableId!;
  const sg = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: "pl-test", Description: "d", VpcId: vpc }))).GroupId!;
  const pl = (await ec2.send(new CreateManagedPrefixListCommand({ PrefixListName: "ref", AddressFamily: "IPv4", MaxEntries: 1, Entries: [{ Cidr: "192.0.2.0/24" }] })))
    .PrefixList!.PrefixListId!;

  await expectEc2Error(
    ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationPrefixListId: "pl-0123456789abcdef0", GatewayId: "igw-0123456789abcdef0" })),
    "InvalidPrefixListID.NotFound",
  );
  // A route to an AWS-managed list is refused: gateway endpoints make those routes.
  const s3 = (await ec2.send(new DescribePrefixListsCommand({}))).PrefixLists!.find((l) => l.PrefixListName!.endsWith(".s3"))!.PrefixListId!;
  await expectEc2Error(ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationPrefixListId: s3, GatewayId: "igw-0123456789abcdef0" })), "InvalidParameterValue");
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sg, IpPermissions: [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: pl }] }] }));
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sg, IpPermissions: [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: s3 }] }] }));
  const perms = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [sg] }))).SecurityGroups![0]!.IpPermissions!;
  assert.deepEqual(perms.map((p) => p.PrefixListIds!.map((x) => x.PrefixListId)), [[pl, s3]]);
  const assoc = (await ec2.send(new GetManagedPrefixListAssociationsCommand({ PrefixListId: s3 }))).PrefixListAssociations!;
  assert.deepEqual(assoc.map((a) => [a.ResourceId, a.ResourceOwner]), [[sg, "000000000000"]]);
});

test("the AWS CLI creates a list and reads its entries", async () => {
  const region = "eu-north-1";
  const created = await lab.cli(
    ["ec2", "create-managed-prefix-list", "--prefix-list-name", "cli", "--address-family", "IPv4", "--max-entries", "5", "--entries", "Cidr=203.0.113.0/24,Description=doc"],
    { region },
  );
  assert.equal(created.code, 0, created.stderr);
  const id = (created.json as { PrefixList: { PrefixListId: string } }).PrefixList.PrefixListId;
  const got = await lab.cli(["ec2", "get-managed-prefix-list-entries", "--prefix-list-id", id], { region });
  assert.equal(got.code, 0, got.stderr);
  assert.deepEqual((got.json as { Entries: unknown }).Entries, [{ Cidr: "203.0.113.0/24", Description: "doc" }]);
});
