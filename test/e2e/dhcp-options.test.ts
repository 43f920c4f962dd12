// DHCP options sets through the SDK and the AWS CLI: create with EC2's validation, associate (and
// `default`), DescribeVpcs showing the association, DependencyViolation on deleting a set in use,
// tags, filters, malformed and unknown ids; refused requests change nothing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  AssociateDhcpOptionsCommand,
  CreateDhcpOptionsCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteDhcpOptionsCommand,
  DescribeDhcpOptionsCommand,
  DescribeVpcsCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { startLab, expectEc2Error, type Lab } from "../support/harness.js";

let lab: Lab;
let ec2: EC2Client;
before(async () => {
  lab = await startLab({ quotas: { vpcsPerRegion: 20 } });
  ec2 = lab.ec2("eu-west-1");
});
after(async () => {
  await lab.close();
});

async function newVpc(cidr = "10.0.0.0/16"): Promise<string> {
  return (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
}

async function vpcDopt(vpcId: string): Promise<string | undefined> {
  return (await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs![0]!.DhcpOptionsId;
}

test("create, associate, describe and delete, with DescribeVpcs following the association", async () => {
  const vpc = await newVpc();
  const defaultSet = await vpcDopt(vpc);
  assert.match(defaultSet!, /^dopt-[0-9a-f]{17}$/);

  const created = await ec2.send(
    new CreateDhcpOptionsCommand({
      DhcpConfigurations: [
        { Key: "domain-name", Values: ["corp.example"] },
        { Key: "domain-name-servers", Values: ["10.0.0.2", "AmazonProvidedDNS"] },
        { Key: "ntp-servers", Values: ["169.254.169.123"] },
        { Key: "netbios-node-type", Values: ["2"] },
      ],
      TagSpecifications: [{ ResourceType: "dhcp-options", Tags: [{ Key: "Name", Value: "corp" }] }],
    }),
  );
  const d = created.DhcpOptions!;
  assert.match(d.DhcpOptionsId!, /^dopt-[0-9a-f]{17}$/);
  assert.equal(d.OwnerId, "000000000000");
  assert.deepEqual(d.Tags, [{ Key: "Name", Value: "corp" }]);
  assert.deepEqual(
    d.DhcpConfigurations!.map((c) => [c.Key, c.Values!.map((v) => v.Value)]),
    [
      ["domain-name", ["corp.example"]],
      ["domain-name-servers", ["10.0.0.2", "AmazonProvidedDNS"]],
      ["ntp-servers", ["169.254.169.123"]],
      ["netbios-node-type", ["2"]],
    ],
  );

  await ec2.send(new AssociateDhcpOptionsCommand({ DhcpOptionsId: d.DhcpOptionsId, VpcId: vpc }));
  assert.equal(await vpcDopt(vpc), d.DhcpOptionsId);
  const byFilter = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "dhcp-options-id", Values: [d.DhcpOptionsId!] }] }));
  assert.deepEqual(byFilter.Vpcs!.map((v) => v.VpcId), [vpc]);

  // An associated set cannot be deleted, and the refusal leaves it in place.
  const err = await expectEc2Error(ec2.send(new DeleteDhcpOptionsCommand({ DhcpOptionsId: d.DhcpOptionsId })), "DependencyViolation");
  assert.equal(err.message, `The dhcpOptions '${d.DhcpOptionsId}' has dependencies and cannot be deleted.`);
  assert.equal((await ec2.send(new DescribeDhcpOptionsCommand({ DhcpOptionsIds: [d.DhcpOptionsId!] }))).DhcpOptions!.length, 1);

  // `default` means no options at all; then the set can go.
  await ec2.send(new AssociateDhcpOptionsCommand({ DhcpOptionsId: "default", VpcId: vpc }));
  assert.equal(await vpcDopt(vpc), "default");
  await ec2.send(new DeleteDhcpOptionsCommand({ DhcpOptionsId: d.DhcpOptionsId }));
  await expectEc2Error(ec2.send(new DescribeDhcpOptionsCommand({ DhcpOptionsIds: [d.DhcpOptionsId!] })), "InvalidDhcpOptionID.NotFound");

  // The region's default set is an ordinary set: back to it, and it too is refused while in use.
  await ec2.send(new AssociateDhcpOptionsCommand({ DhcpOptionsId: defaultSet, VpcId: vpc }));
  assert.equal(await vpcDopt(vpc), defaultSet);
  await expectEc2Error(ec2.send(new DeleteDhcpOptionsCommand({ DhcpOptionsId: defaultSet })), "DependencyViolation");
});

test("CreateDhcpOptions validates names and values as EC2 does", async () => {
  const before = (await ec2.send(new DescribeDhcpOptionsCommand({}))).DhcpOptions!.length;
  const bad: [string, string[], string][] = [
    ["domain-search", ["a.example"], "InvalidParameterValue"],
    ["domain-name-servers", ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"], "InvalidParameterValue"],
    ["domain-name-servers", ["not-an-ip"], "InvalidParameterValue"],
    ["ntp-servers", ["AmazonProvidedDNS"], "InvalidParameterValue"],
    ["netbios-node-type", ["3"], "InvalidParameterValue"],
    ["ipv6-address-preferred-lease-time", ["139"], "InvalidParameterValue"],
    ["domain-name", [], "MissingParameter"],
  ];
  for (const [Key, Values, code] of bad) {
    const err = await expectEc2Error(ec2.send(new CreateDhcpOptionsCommand({ DhcpConfigurations: [{ Key, Values }] })), code);
    if (code === "InvalidParameterValue") assert.match(err.message, /^Value \(.+\) for parameter (name|value) is invalid\./);
  }
  await expectEc2Error(ec2.send(new CreateDhcpOptionsCommand({ DhcpConfigurations: [] })), "MissingParameter");
  await expectEc2Error(
    ec2.send(
      new CreateDhcpOptionsCommand({
        DhcpConfigurations: [
          { Key: "domain-name", Values: ["a.example"] },
          { Key: "domain-name", Values: ["b.example"] },
        ],
      }),
    ),
    "InvalidParameterValue",
  );
  const ok = await ec2.send(new CreateDhcpOptionsCommand({ DhcpConfigurations: [{ Key: "ipv6-address-preferred-lease-time", Values: ["140"] }] }));
  assert.equal(ok.DhcpOptions!.DhcpConfigurations![0]!.Values![0]!.Value, "140");
  assert.equal((await ec2.send(new DescribeDhcpOptionsCommand({}))).DhcpOptions!.length, before + 1);
});

test("unknown and malformed ids, filters and CreateTags", async () => {
  const vpc = await newVpc("10.1.0.0/16");
  await expectEc2Error(ec2.send(new AssociateDhcpOptionsCommand({ DhcpOptionsId: "dopt-0123456789abcdef0", VpcId: vpc })), "InvalidDhcpOptionID.NotFound");
  await expectEc2Error(ec2.send(new AssociateDhcpOptionsCommand({ DhcpOptionsId: "dopt-xyz", VpcId: vpc })), "InvalidDhcpOptionsId.Malformed");
  await expectEc2Error(ec2.send(new DeleteDhcpOptionsCommand({ DhcpOptionsId: "dopt-xyz" })), "InvalidDhcpOptionsId.Malformed");
  await expectEc2Error(ec2.send(new AssociateDhcpOptionsCommand({ DhcpOptionsId: "default", VpcId: "vpc-0123456789abcdef0" })), "InvalidVpcID.NotFound");
  await expectEc2Error(ec2.send(new DescribeDhcpOptionsCommand({ DhcpOptionsIds: ["dopt-nothex"] })), "InvalidDhcpOptionsId.Malformed");

  const d = (await ec2.send(new CreateDhcpOptionsCommand({ DhcpConfigurations: [{ Key: "domain-name", Values: ["tagged.example"] }] }))).DhcpOptions!;
  await ec2.send(new CreateTagsCommand({ Resources: [d.DhcpOptionsId!], Tags: [{ Key: "team", Value: "net" }] }));
  const found = await ec2.send(new DescribeDhcpOptionsCommand({ Filters: [{ Name: "tag:team", Values: ["net"] }] }));
  assert.deepEqual(found.DhcpOptions!.map((x) => x.DhcpOptionsId), [d.DhcpOptionsId]);
  const byValue = await ec2.send(new DescribeDhcpOptionsCommand({ Filters: [{ Name: "value", Values: ["tagged.example"] }] }));
  assert.deepEqual(byValue.DhcpOptions!.map((x) => x.DhcpOptionsId), [d.DhcpOptionsId]);
});

test("the AWS CLI creates and associates a set", async () => {
  const region = "eu-north-1";
  const created = await lab.cli(["ec2", "create-dhcp-options", "--dhcp-configurations", "Key=domain-name-servers,Values=10.2.5.1,10.2.5.2"], { region });
  assert.equal(created.code, 0, created.stderr);
  const d = (created.json as { DhcpOptions: { DhcpOptionsId: string; DhcpConfigurations: unknown } }).DhcpOptions;
  assert.deepEqual(d.DhcpConfigurations, [{ Key: "domain-name-servers", Values: [{ Value: "10.2.5.1" }, { Value: "10.2.5.2" }] }]);
  const vpc = (await lab.ec2(region).send(new CreateVpcCommand({ CidrBlock: "10.9.0.0/16" }))).Vpc!.VpcId!;
  const assoc = await lab.cli(["ec2", "associate-dhcp-options", "--dhcp-options-id", d.DhcpOptionsId, "--vpc-id", vpc], { region });
  assert.equal(assoc.code, 0, assoc.stderr);
  const v = await lab.ec2(region).send(new DescribeVpcsCommand({ VpcIds: [vpc] }));
  assert.equal(v.Vpcs![0]!.DhcpOptionsId, d.DhcpOptionsId);
});
