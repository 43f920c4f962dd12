// Network ACLs through real clients: the default ACL of every VPC, new ACLs with only the `*` deny,
// numbered entries per direction with AWS's checks, subnet associations, filters and deletion.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  CreateNetworkAclCommand,
  CreateNetworkAclEntryCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteNetworkAclCommand,
  DeleteNetworkAclEntryCommand,
  DeleteSubnetCommand,
  DescribeNetworkAclsCommand,
  DescribeVpcsCommand,
  EC2Client,
  ReplaceNetworkAclAssociationCommand,
  ReplaceNetworkAclEntryCommand,
  type CreateNetworkAclEntryCommandInput,
  type NetworkAcl,
} from "@aws-sdk/client-ec2";
import { startLab, expectEc2Error, type Lab } from "../support/harness.js";

let lab: Lab;
before(async () => {
  lab = await startLab({ quotas: { vpcsPerRegion: 50 } });
});
after(async () => {
  await lab.close();
});

async function newVpc(c: EC2Client, cidr: string): Promise<string> {
  return (await c.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
}

async function acl(c: EC2Client, id: string): Promise<NetworkAcl> {
  return (await c.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [id] }))).NetworkAcls![0]!;
}

async function defaultAclOf(c: EC2Client, vpcId: string): Promise<NetworkAcl> {
  const r = await c.send(
    new DescribeNetworkAclsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }, { Name: "default", Values: ["true"] }] }),
  );
  assert.equal(r.NetworkAcls!.length, 1);
  return r.NetworkAcls![0]!;
}

const allEntries = (egress: boolean) => [
  { CidrBlock: "0.0.0.0/0", Egress: egress, Protocol: "-1", RuleAction: "allow", RuleNumber: 100 },
  { CidrBlock: "0.0.0.0/0", Egress: egress, Protocol: "-1", RuleAction: "deny", RuleNumber: 32767 },
];

test("the default VPC's default ACL allows everything and holds every default subnet, as the AWS CLI shows it", async () => {
  const region = "ap-southeast-1";
  const c = lab.ec2(region);
  const vpc = (await c.send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }))).Vpcs![0]!;
  const def = await defaultAclOf(c, vpc.VpcId!);
  const r = await lab.cli(["ec2", "describe-network-acls", "--network-acl-ids", def.NetworkAclId!], { region });
  assert.equal(r.code, 0, r.stderr);
  const shown = (r.json as { NetworkAcls: Record<string, unknown>[] }).NetworkAcls[0]!;
  assert.deepEqual(shown.Entries, [...allEntries(true), ...allEntries(false)]);
  assert.equal(shown.IsDefault, true);
  assert.equal(shown.VpcId, vpc.VpcId);
  assert.equal(shown.OwnerId, "000000000000");
  assert.deepEqual(shown.Tags, []);
  const assocs = shown.Associations as { NetworkAclAssociationId: string; NetworkAclId: string; SubnetId: string }[];
  assert.equal(assocs.length, 3, "one per default subnet");
  for (const a of assocs) {
    assert.match(a.NetworkAclAssociationId, /^aclassoc-[0-9a-f]{17}$/);
    assert.equal(a.NetworkAclId, def.NetworkAclId);
    assert.match(a.SubnetId, /^subnet-/);
  }
});

test("a new VPC gets a default ACL; its new subnets join it; a new ACL has only the * deny entries", async () => {
  const c = lab.ec2("eu-west-1");
  const vpcId = await newVpc(c, "10.1.0.0/16");
  const def = await defaultAclOf(c, vpcId);
  assert.deepEqual(def.Entries, [...allEntries(true), ...allEntries(false)]);
  assert.deepEqual(def.Associations, []);
  const subnetId = (await c.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.1.1.0/24" }))).Subnet!.SubnetId!;
  const after = await defaultAclOf(c, vpcId);
  assert.deepEqual(after.Associations!.map((a) => a.SubnetId), [subnetId]);

  const created = await c.send(
    new CreateNetworkAclCommand({ VpcId: vpcId, TagSpecifications: [{ ResourceType: "network-acl", Tags: [{ Key: "Name", Value: "locked" }] }] }),
  );
  const n = created.NetworkAcl!;
  assert.match(n.NetworkAclId!, /^acl-[0-9a-f]{17}$/);
  assert.equal(n.IsDefault, false);
  assert.equal(n.VpcId, vpcId);
  assert.deepEqual(n.Tags, [{ Key: "Name", Value: "locked" }]);
  assert.deepEqual(n.Associations, []);
  assert.deepEqual(n.Entries, [
    { CidrBlock: "0.0.0.0/0", Egress: true, Protocol: "-1", RuleAction: "deny", RuleNumber: 32767 },
    { CidrBlock: "0.0.0.0/0", Egress: false, Protocol: "-1", RuleAction: "deny", RuleNumber: 32767 },
  ]);
  await expectEc2Error(c.send(new CreateNetworkAclCommand({ VpcId: "vpc-0000000000000000f" })), "InvalidVpcID.NotFound");
  await expectEc2Error(c.send(new DescribeNetworkAclsCommand({ NetworkAclIds: ["acl-0000000000000000f"] })), "InvalidNetworkAclID.NotFound");
});

test("entries: rule numbers 1–32766 per direction, listed in AWS's order; AWS's errors leave the ACL unchanged", async () => {
  const c = lab.ec2("ap-northeast-1");
  const vpcId = await newVpc(c, "10.20.0.0/16");
  const id = (await c.send(new CreateNetworkAclCommand({ VpcId: vpcId }))).NetworkAcl!.NetworkAclId!;
  const entry = (over: Partial<CreateNetworkAclEntryCommandInput>): CreateNetworkAclEntryCommandInput => ({
    NetworkAclId: id,
    RuleNumber: 100,
    Protocol: "6",
    RuleAction: "allow",
    Egress: false,
    CidrBlock: "172.31.0.0/16",
    PortRange: { From: 22, To: 22 },
    ...over,
  });
  await c.send(new CreateNetworkAclEntryCommand(entry({})));
  await c.send(new CreateNetworkAclEntryCommand(entry({ RuleNumber: 90, Protocol: "1", PortRange: undefined, IcmpTypeCode: { Type: -1, Code: -1 } })));
  await c.send(new CreateNetworkAclEntryCommand(entry({ RuleNumber: 200, Protocol: "-1", RuleAction: "deny", CidrBlock: "10.0.0.5/8", PortRange: undefined })));
  // The same number in the other direction is a different entry.
  await c.send(new CreateNetworkAclEntryCommand(entry({ Egress: true, PortRange: { From: 1024, To: 65535 } })));
  await c.send(new CreateNetworkAclEntryCommand(entry({ RuleNumber: 110, Protocol: "17", PortRange: { From: 53, To: 53 }, Ipv6CidrBlock: "2001:DB8::/32", CidrBlock: undefined })));

  const a = await acl(c, id);
  assert.deepEqual(a.Entries, [
    { CidrBlock: "172.31.0.0/16", Egress: true, PortRange: { From: 1024, To: 65535 }, Protocol: "6", RuleAction: "allow", RuleNumber: 100 },
    { CidrBlock: "0.0.0.0/0", Egress: true, Protocol: "-1", RuleAction: "deny", RuleNumber: 32767 },
    { CidrBlock: "172.31.0.0/16", Egress: false, IcmpTypeCode: { Type: -1, Code: -1 }, Protocol: "1", RuleAction: "allow", RuleNumber: 90 },
    { CidrBlock: "172.31.0.0/16", Egress: false, PortRange: { From: 22, To: 22 }, Protocol: "6", RuleAction: "allow", RuleNumber: 100 },
    { Ipv6CidrBlock: "2001:db8::/32", Egress: false, PortRange: { From: 53, To: 53 }, Protocol: "17", RuleAction: "allow", RuleNumber: 110 },
    { CidrBlock: "10.0.0.0/8", Egress: false, Protocol: "-1", RuleAction: "deny", RuleNumber: 200 },
    { CidrBlock: "0.0.0.0/0", Egress: false, Protocol: "-1", RuleAction: "deny", RuleNumber: 32767 },
  ]);

  const exists = await expectEc2Error(c.send(new CreateNetworkAclEntryCommand(entry({ CidrBlock: "0.0.0.0/0" }))), "NetworkAclEntryAlreadyExists");
  assert.match(exists.message, /The network acl entry identified by 100 already exists/);
  for (const n of [0, 32767, 32768, -5]) {
    const e = await expectEc2Error(c.send(new CreateNetworkAclEntryCommand(entry({ RuleNumber: n }))), "InvalidParameterValue");
    assert.match(e.message, /Rulenumber must be in range 1\.\.32766/);
  }
  const proto = await expectEc2Error(c.send(new CreateNetworkAclEntryCommand(entry({ RuleNumber: 1, Protocol: "tcp" }))), "InvalidParameterValue");
  assert.match(proto.message, /Invalid value 'tcp' for IP protocol\. Unknown protocol\./);
  await expectEc2Error(c.send(new CreateNetworkAclEntryCommand(entry({ RuleNumber: 1, Protocol: "300" }))), "InvalidParameterValue");
  await expectEc2Error(c.send(new CreateNetworkAclEntryCommand(entry({ RuleNumber: 1, PortRange: { From: 22, To: 70000 } }))), "InvalidParameterValue");
  await expectEc2Error(c.send(new CreateNetworkAclEntryCommand(entry({ RuleNumber: 1, PortRange: { From: 80, To: 22 } }))), "InvalidParameterValue");
  await expectEc2Error(c.send(new CreateNetworkAclEntryCommand(entry({ RuleNumber: 1, PortRange: undefined }))), "MissingParameter");
  await expectEc2Error(c.send(new CreateNetworkAclEntryCommand(entry({ RuleNumber: 1, Protocol: "1", PortRange: undefined }))), "MissingParameter");
  await expectEc2Error(
    c.send(new CreateNetworkAclEntryCommand(entry({ RuleNumber: 1, Protocol: "1", IcmpTypeCode: { Type: 300, Code: 0 } }))),
    "InvalidParameterValue",
  );
  await expectEc2Error(c.send(new CreateNetworkAclEntryCommand(entry({ RuleNumber: 1, CidrBlock: "10.0.0.0/33" }))), "InvalidParameterValue");
  await expectEc2Error(c.send(new CreateNetworkAclEntryCommand(entry({ RuleNumber: 1, CidrBlock: undefined }))), "MissingParameter");
  await expectEc2Error(c.send(new CreateNetworkAclEntryCommand(entry({ RuleNumber: 1, RuleAction: "maybe" as never }))), "InvalidParameterValue");
  await expectEc2Error(c.send(new CreateNetworkAclEntryCommand(entry({ NetworkAclId: "acl-0000000000000000f" }))), "InvalidNetworkAclID.NotFound");
  assert.deepEqual(await acl(c, id), a, "refused entries change nothing");

  // Replace and delete.
  await c.send(new ReplaceNetworkAclEntryCommand({ ...entry({ RuleAction: "deny", CidrBlock: "172.31.5.0/24" }) }));
  const replaced = (await acl(c, id)).Entries!.find((e) => !e.Egress && e.RuleNumber === 100)!;
  assert.deepEqual(replaced, { CidrBlock: "172.31.5.0/24", Egress: false, PortRange: { From: 22, To: 22 }, Protocol: "6", RuleAction: "deny", RuleNumber: 100 });
  await expectEc2Error(c.send(new ReplaceNetworkAclEntryCommand(entry({ RuleNumber: 101 }))), "InvalidNetworkAclEntry.NotFound");
  await expectEc2Error(c.send(new ReplaceNetworkAclEntryCommand(entry({ RuleNumber: 32767, Protocol: "-1" }))), "InvalidParameterValue");
  await c.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 100, Egress: false }));
  const left = (await acl(c, id)).Entries!;
  assert.deepEqual(left.filter((e) => !e.Egress).map((e) => e.RuleNumber), [90, 110, 200, 32767]);
  assert.deepEqual(left.filter((e) => e.Egress).map((e) => e.RuleNumber), [100, 32767]);
  await expectEc2Error(c.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 100, Egress: false })), "InvalidNetworkAclEntry.NotFound");
  await expectEc2Error(c.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 32767, Egress: false })), "InvalidParameterValue");

  // The default ACL's allow-all rule can go too, leaving only the * deny.
  const def = await defaultAclOf(c, vpcId);
  await c.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: def.NetworkAclId, RuleNumber: 100, Egress: true }));
  assert.deepEqual((await acl(c, def.NetworkAclId!)).Entries!.filter((e) => e.Egress).map((e) => e.RuleNumber), [32767]);
});

test("at most 20 entries per direction (NetworkAclEntryLimitExceeded); the * deny does not count", async () => {
  const c = lab.ec2("us-west-1");
  const vpcId = await newVpc(c, "10.30.0.0/16");
  const id = (await c.send(new CreateNetworkAclCommand({ VpcId: vpcId }))).NetworkAcl!.NetworkAclId!;
  const add = (n: number, egress = false) =>
    c.send(new CreateNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: n, Protocol: "-1", RuleAction: "allow", Egress: egress, CidrBlock: `10.${n}.0.0/16` }));
  for (let n = 1; n <= 20; n++) await add(n);
  const e = await expectEc2Error(add(21), "NetworkAclEntryLimitExceeded");
  assert.match(e.message, /maximum number of network ACL entries/);
  await add(1, true);
  assert.equal((await acl(c, id)).Entries!.length, 20 + 1 + 2);
});

test("ReplaceNetworkAclAssociation moves a subnet between the ACLs of its VPC; DeleteNetworkAcl refuses while associated and never deletes the default", async () => {
  const c = lab.ec2("eu-central-1");
  const vpcId = await newVpc(c, "10.40.0.0/16");
  const otherVpc = await newVpc(c, "10.41.0.0/16");
  const subnetId = (await c.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.40.1.0/24" }))).Subnet!.SubnetId!;
  const def = await defaultAclOf(c, vpcId);
  const oldAssoc = def.Associations![0]!.NetworkAclAssociationId!;
  const custom = (await c.send(new CreateNetworkAclCommand({ VpcId: vpcId }))).NetworkAcl!.NetworkAclId!;
  const foreign = (await c.send(new CreateNetworkAclCommand({ VpcId: otherVpc }))).NetworkAcl!.NetworkAclId!;

  await expectEc2Error(c.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: oldAssoc, NetworkAclId: foreign })), "InvalidParameterValue");
  await expectEc2Error(c.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: oldAssoc, NetworkAclId: "acl-0000000000000000f" })), "InvalidNetworkAclID.NotFound");
  const moved = await c.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: oldAssoc, NetworkAclId: custom }));
  assert.match(moved.NewAssociationId!, /^aclassoc-[0-9a-f]{17}$/);
  assert.notEqual(moved.NewAssociationId, oldAssoc);
  assert.deepEqual((await acl(c, custom)).Associations, [{ NetworkAclAssociationId: moved.NewAssociationId, NetworkAclId: custom, SubnetId: subnetId }]);
  assert.deepEqual((await acl(c, def.NetworkAclId!)).Associations, []);
  await expectEc2Error(c.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: oldAssoc, NetworkAclId: custom })), "InvalidAssociationID.NotFound");

  const dep = await expectEc2Error(c.send(new DeleteNetworkAclCommand({ NetworkAclId: custom })), "DependencyViolation");
  assert.match(dep.message, new RegExp(custom));
  await expectEc2Error(c.send(new DeleteNetworkAclCommand({ NetworkAclId: def.NetworkAclId })), "InvalidParameterValue");
  await expectEc2Error(c.send(new DeleteNetworkAclCommand({ NetworkAclId: "acl-0000000000000000f" })), "InvalidNetworkAclID.NotFound");

  const back = await c.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: moved.NewAssociationId, NetworkAclId: def.NetworkAclId }));
  assert.deepEqual((await acl(c, def.NetworkAclId!)).Associations!.map((a) => [a.NetworkAclAssociationId, a.SubnetId]), [[back.NewAssociationId, subnetId]]);
  await c.send(new DeleteNetworkAclCommand({ NetworkAclId: custom }));
  await expectEc2Error(c.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [custom] })), "InvalidNetworkAclID.NotFound");

  // Deleting the subnet ends its association.
  await c.send(new DeleteSubnetCommand({ SubnetId: subnetId }));
  assert.deepEqual((await acl(c, def.NetworkAclId!)).Associations, []);
});

test("DescribeNetworkAcls: every documented filter, and pagination", async () => {
  const c = lab.ec2("eu-north-1");
  const vpcId = await newVpc(c, "10.50.0.0/16");
  const subnetId = (await c.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.50.1.0/24" }))).Subnet!.SubnetId!;
  const def = await defaultAclOf(c, vpcId);
  const assocId = def.Associations![0]!.NetworkAclAssociationId!;
  const web = (
    await c.send(new CreateNetworkAclCommand({ VpcId: vpcId, TagSpecifications: [{ ResourceType: "network-acl", Tags: [{ Key: "tier", Value: "web" }] }] }))
  ).NetworkAcl!.NetworkAclId!;
  await c.send(
    new CreateNetworkAclEntryCommand({ NetworkAclId: web, RuleNumber: 10, Protocol: "6", RuleAction: "allow", Egress: false, CidrBlock: "0.0.0.0/0", PortRange: { From: 443, To: 443 } }),
  );
  await c.send(
    new CreateNetworkAclEntryCommand({ NetworkAclId: web, RuleNumber: 20, Protocol: "1", RuleAction: "deny", Egress: true, CidrBlock: "10.0.0.0/8", IcmpTypeCode: { Type: 8, Code: 0 } }),
  );
  await c.send(
    new CreateNetworkAclEntryCommand({ NetworkAclId: web, RuleNumber: 30, Protocol: "-1", RuleAction: "allow", Egress: false, Ipv6CidrBlock: "::/0" }),
  );

  const ids = async (name: string, values: string[]) =>
    (
      await c.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }, { Name: name, Values: values }] }))
    ).NetworkAcls!.map((a) => (a.NetworkAclId === web ? "web" : a.NetworkAclId === def.NetworkAclId ? "default" : a.NetworkAclId)).sort();
  assert.deepEqual(await ids("association.association-id", [assocId]), ["default"]);
  assert.deepEqual(await ids("association.network-acl-id", [def.NetworkAclId!]), ["default"]);
  assert.deepEqual(await ids("association.subnet-id", [subnetId]), ["default"]);
  assert.deepEqual(await ids("default", ["false"]), ["web"]);
  assert.deepEqual(await ids("entry.cidr", ["10.0.0.0/8"]), ["web"]);
  assert.deepEqual(await ids("entry.icmp.code", ["0"]), ["web"]);
  assert.deepEqual(await ids("entry.icmp.type", ["8"]), ["web"]);
  assert.deepEqual(await ids("entry.ipv6-cidr", ["::/0"]), ["web"]);
  assert.deepEqual(await ids("entry.port-range.from", ["443"]), ["web"]);
  assert.deepEqual(await ids("entry.port-range.to", ["443"]), ["web"]);
  assert.deepEqual(await ids("entry.protocol", ["tcp"]), ["web"]);
  assert.deepEqual(await ids("entry.protocol", ["6"]), ["web"]);
  assert.deepEqual(await ids("entry.protocol", ["-1"]), ["default", "web"]);
  assert.deepEqual(await ids("entry.rule-action", ["allow"]), ["default", "web"]);
  assert.deepEqual(await ids("entry.rule-number", ["100"]), ["default"]);
  assert.deepEqual(await ids("entry.egress", ["true"]), ["default", "web"]);
  assert.deepEqual(await ids("network-acl-id", [web]), ["web"]);
  assert.deepEqual(await ids("owner-id", ["000000000000"]), ["default", "web"]);
  assert.deepEqual(await ids("tag:tier", ["web"]), ["web"]);
  assert.deepEqual(await ids("tag-key", ["tier"]), ["web"]);
  await expectEc2Error(c.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: "entry.colour", Values: ["x"] }] })), "InvalidParameterValue");

  for (let i = 0; i < 4; i++) await c.send(new CreateNetworkAclCommand({ VpcId: vpcId }));
  const all = (await c.send(new DescribeNetworkAclsCommand({}))).NetworkAcls!.map((a) => a.NetworkAclId);
  assert.equal(all.length, 7);
  const first = await c.send(new DescribeNetworkAclsCommand({ MaxResults: 5 }));
  assert.equal(first.NetworkAcls!.length, 5);
  const second = await c.send(new DescribeNetworkAclsCommand({ MaxResults: 5, NextToken: first.NextToken }));
  assert.equal(second.NextToken, undefined);
  assert.deepEqual([...first.NetworkAcls!, ...second.NetworkAcls!].map((a) => a.NetworkAclId), all);
  await expectEc2Error(c.send(new DescribeNetworkAclsCommand({ MaxResults: 101 })), "InvalidParameterValue");
});

test("the AWS CLI's create-network-acl-entry (--protocol tcp, --port-range, --ingress) and describe-network-acls read back exactly", async () => {
  const region = "ap-south-1";
  const c = lab.ec2(region);
  const vpcId = await newVpc(c, "10.60.0.0/16");
  const id = (await c.send(new CreateNetworkAclCommand({ VpcId: vpcId }))).NetworkAcl!.NetworkAclId!;
  const r = await lab.cli(
    [
      "ec2", "create-network-acl-entry", "--network-acl-id", id, "--ingress", "--rule-number", "100", "--protocol", "tcp",
      "--port-range", "From=22,To=22", "--cidr-block", "172.31.0.0/16", "--rule-action", "allow",
    ],
    { region },
  );
  assert.equal(r.code, 0, r.stderr);
  const icmp = await lab.cli(
    [
      "ec2", "create-network-acl-entry", "--network-acl-id", id, "--egress", "--rule-number", "110", "--protocol", "1",
      "--icmp-type-code", "Type=-1,Code=-1", "--cidr-block", "172.31.0.0/16", "--rule-action", "allow",
    ],
    { region },
  );
  assert.equal(icmp.code, 0, icmp.stderr);
  const d = await lab.cli(["ec2", "describe-network-acls", "--network-acl-ids", id], { region });
  assert.equal(d.code, 0, d.stderr);
  assert.deepEqual(d.json, {
    NetworkAcls: [
      {
        Associations: [],
        Entries: [
          { CidrBlock: "172.31.0.0/16", Egress: true, IcmpTypeCode: { Code: -1, Type: -1 }, Protocol: "1", RuleAction: "allow", RuleNumber: 110 },
          { CidrBlock: "0.0.0.0/0", Egress: true, Protocol: "-1", RuleAction: "deny", RuleNumber: 32767 },
          { CidrBlock: "172.31.0.0/16", Egress: false, PortRange: { From: 22, To: 22 }, Protocol: "6", RuleAction: "allow", RuleNumber: 100 },
          { CidrBlock: "0.0.0.0/0", Egress: false, Protocol: "-1", RuleAction: "deny", RuleNumber: 32767 },
        ],
        IsDefault: false,
        NetworkAclId: id,
        Tags: [],
        VpcId: vpcId,
        OwnerId: "000000000000",
      },
    ],
  });
  const dup = await lab.cli(
    ["ec2", "create-network-acl-entry", "--network-acl-id", id, "--ingress", "--rule-number", "100", "--protocol", "-1", "--cidr-block", "0.0.0.0/0", "--rule-action", "deny"],
    { region },
  );
  assert.notEqual(dup.code, 0);
  assert.match(dup.stderr, /NetworkAclEntryAlreadyExists/);
});
