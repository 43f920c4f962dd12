// Security groups through real clients: creation, the default group, rules in and out (protocols,
// ports, ICMP, sources, group references over same-region and inter-region peering), the quota,
// revocation, rule ids, filters and deletion.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  AcceptVpcPeeringConnectionCommand,
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateNetworkInterfaceCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DeleteNetworkInterfaceCommand,
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  EC2Client,
  ModifySecurityGroupRulesCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  UpdateSecurityGroupRuleDescriptionsIngressCommand,
  type IpPermission,
  type SecurityGroup,
} from "@aws-sdk/client-ec2";
import { startLab, expectEc2Error, errorCode, type Lab } from "../support/harness.js";

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

async function newGroup(c: EC2Client, vpcId: string, name: string): Promise<string> {
  return (await c.send(new CreateSecurityGroupCommand({ GroupName: name, Description: `${name} group`, VpcId: vpcId }))).GroupId!;
}

async function group(c: EC2Client, id: string): Promise<SecurityGroup> {
  return (await c.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }))).SecurityGroups![0]!;
}

async function defaultGroupOf(c: EC2Client, vpcId: string): Promise<SecurityGroup> {
  const r = await c.send(
    new DescribeSecurityGroupsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }, { Name: "group-name", Values: ["default"] }] }),
  );
  assert.equal(r.SecurityGroups!.length, 1);
  return r.SecurityGroups![0]!;
}

const tcp = (port: number, ...cidrs: string[]): IpPermission => ({
  IpProtocol: "tcp",
  FromPort: port,
  ToPort: port,
  IpRanges: cidrs.map((CidrIp) => ({ CidrIp })),
});

test("every VPC's default group allows all traffic from itself in and everything out, read back by the AWS CLI as AWS shows it", async () => {
  const c = lab.ec2("eu-west-1");
  const vpcId = await newVpc(c, "10.1.0.0/16");
  const sg = await defaultGroupOf(c, vpcId);
  const rules = (await c.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [sg.GroupId!] }] })))
    .SecurityGroupRules!;
  const ingress = rules.find((r) => !r.IsEgress)!;
  const egress = rules.find((r) => r.IsEgress)!;
  assert.equal(rules.length, 2);
  // (The Debian AWS CLI's model predates SecurityGroupArn, so only the SDK shows it.)
  assert.equal(sg.SecurityGroupArn, `arn:aws:ec2:eu-west-1:000000000000:security-group/${sg.GroupId}`);
  const cli = await lab.cli(["ec2", "describe-security-groups", "--group-ids", sg.GroupId!], { region: "eu-west-1" });
  assert.equal(cli.code, 0, cli.stderr);
  assert.deepEqual(cli.json, {
    SecurityGroups: [
      {
        GroupId: sg.GroupId,
        IpPermissionsEgress: [
          { IpProtocol: "-1", UserIdGroupPairs: [], IpRanges: [{ CidrIp: "0.0.0.0/0" }], Ipv6Ranges: [], PrefixListIds: [] },
        ],
        VpcId: vpcId,
        OwnerId: "000000000000",
        GroupName: "default",
        Description: "default VPC security group",
        IpPermissions: [
          {
            IpProtocol: "-1",
            UserIdGroupPairs: [{ UserId: "000000000000", GroupId: sg.GroupId }],
            IpRanges: [],
            Ipv6Ranges: [],
            PrefixListIds: [],
          },
        ],
      },
    ],
  });
  const cliRules = await lab.cli(["ec2", "describe-security-group-rules", "--filters", `Name=group-id,Values=${sg.GroupId}`], {
    region: "eu-west-1",
  });
  assert.equal(cliRules.code, 0, cliRules.stderr);
  const byId = new Map(
    (cliRules.json as { SecurityGroupRules: { SecurityGroupRuleId: string }[] }).SecurityGroupRules.map((r) => [r.SecurityGroupRuleId, r]),
  );
  assert.match(ingress.SecurityGroupRuleId!, /^sgr-[0-9a-f]{17}$/);
  assert.deepEqual(byId.get(ingress.SecurityGroupRuleId!), {
    SecurityGroupRuleId: ingress.SecurityGroupRuleId,
    GroupId: sg.GroupId,
    GroupOwnerId: "000000000000",
    IsEgress: false,
    IpProtocol: "-1",
    FromPort: -1,
    ToPort: -1,
    ReferencedGroupInfo: { GroupId: sg.GroupId, UserId: "000000000000" },
    Tags: [],
  });
  assert.equal(ingress.SecurityGroupRuleArn, `arn:aws:ec2:eu-west-1:000000000000:security-group-rule/${ingress.SecurityGroupRuleId}`);
  assert.deepEqual(byId.get(egress.SecurityGroupRuleId!), {
    SecurityGroupRuleId: egress.SecurityGroupRuleId,
    GroupId: sg.GroupId,
    GroupOwnerId: "000000000000",
    IsEgress: true,
    IpProtocol: "-1",
    FromPort: -1,
    ToPort: -1,
    CidrIpv4: "0.0.0.0/0",
    Tags: [],
  });
});

test("CreateSecurityGroup: names unique per VPC, default egress rule, the default VPC when none is given, AWS's name rules", async () => {
  const c = lab.ec2("eu-west-2");
  const vpcA = await newVpc(c, "10.2.0.0/16");
  const vpcB = await newVpc(c, "10.3.0.0/16");
  const created = await c.send(
    new CreateSecurityGroupCommand({
      GroupName: "web",
      Description: "web servers",
      VpcId: vpcA,
      TagSpecifications: [{ ResourceType: "security-group", Tags: [{ Key: "Name", Value: "web" }] }],
    }),
  );
  assert.match(created.GroupId!, /^sg-[0-9a-f]{17}$/);
  assert.deepEqual(created.Tags, [{ Key: "Name", Value: "web" }]);
  assert.equal(created.SecurityGroupArn, `arn:aws:ec2:eu-west-2:000000000000:security-group/${created.GroupId}`);
  const sg = await group(c, created.GroupId!);
  assert.deepEqual(sg.IpPermissions, []);
  assert.deepEqual(sg.IpPermissionsEgress, [
    { IpProtocol: "-1", UserIdGroupPairs: [], IpRanges: [{ CidrIp: "0.0.0.0/0" }], Ipv6Ranges: [], PrefixListIds: [] },
  ]);
  assert.equal(sg.Description, "web servers");

  const dup = await expectEc2Error(
    c.send(new CreateSecurityGroupCommand({ GroupName: "web", Description: "again", VpcId: vpcA })),
    "InvalidGroup.Duplicate",
  );
  assert.match(dup.message, new RegExp(`The security group 'web' already exists for VPC '${vpcA}'`));
  // The same name in another VPC is fine.
  await newGroup(c, vpcB, "web");

  const defaultVpc = (await c.send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }))).Vpcs![0]!;
  const inDefault = await c.send(new CreateSecurityGroupCommand({ GroupName: "nodefault", Description: "x" }));
  assert.equal((await group(c, inDefault.GroupId!)).VpcId, defaultVpc.VpcId);

  const before = (await c.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups!.length;
  await expectEc2Error(c.send(new CreateSecurityGroupCommand({ GroupName: "sg-web", Description: "x", VpcId: vpcA })), "InvalidParameterValue");
  await expectEc2Error(c.send(new CreateSecurityGroupCommand({ GroupName: "default", Description: "x", VpcId: vpcA })), "InvalidGroup.Reserved");
  await expectEc2Error(c.send(new CreateSecurityGroupCommand({ GroupName: "a".repeat(256), Description: "x", VpcId: vpcA })), "InvalidParameterValue");
  await expectEc2Error(c.send(new CreateSecurityGroupCommand({ GroupName: "caf\u00e9", Description: "x", VpcId: vpcA })), "InvalidParameterValue");
  await expectEc2Error(c.send(new CreateSecurityGroupCommand({ GroupName: "ok", Description: "tab\there", VpcId: vpcA })), "InvalidParameterValue");
  await expectEc2Error(c.send(new CreateSecurityGroupCommand({ GroupName: "ok", Description: "", VpcId: vpcA })), "MissingParameter");
  await expectEc2Error(
    c.send(new CreateSecurityGroupCommand({ GroupName: "ok", Description: "x", VpcId: "vpc-0000000000000000f" })),
    "InvalidVpcID.NotFound",
  );
  assert.equal((await c.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups!.length, before, "refused creates change nothing");
});

test("AuthorizeSecurityGroupIngress: rules per source with ids, regrouped as AWS shows them; protocol numbers normalised", async () => {
  const c = lab.ec2("ap-northeast-1");
  const vpcId = await newVpc(c, "10.20.0.0/16");
  const sgId = await newGroup(c, vpcId, "app");
  const r = await c.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: sgId,
      IpPermissions: [
        {
          IpProtocol: "tcp",
          FromPort: 22,
          ToPort: 22,
          IpRanges: [{ CidrIp: "172.31.0.0/16", Description: "peer vpc" }, { CidrIp: "203.0.113.0/24" }],
        },
        { IpProtocol: "icmp", FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: "172.31.0.0/16" }] },
        { IpProtocol: "17", FromPort: 1000, ToPort: 2000, Ipv6Ranges: [{ CidrIpv6: "2001:db8::/32", Description: "v6" }] },
        { IpProtocol: "50", IpRanges: [{ CidrIp: "198.51.100.0/24" }] },
      ],
      TagSpecifications: [{ ResourceType: "security-group-rule", Tags: [{ Key: "team", Value: "net" }] }],
    }),
  );
  assert.equal(r.Return, true);
  assert.equal(r.SecurityGroupRules!.length, 5);
  assert.ok(r.SecurityGroupRules!.every((x) => /^sgr-[0-9a-f]{17}$/.test(x.SecurityGroupRuleId!) && x.GroupId === sgId && !x.IsEgress));
  assert.deepEqual(
    r.SecurityGroupRules!.map((x) => [x.IpProtocol, x.FromPort, x.ToPort, x.CidrIpv4 ?? x.CidrIpv6, x.Description]),
    [
      ["tcp", 22, 22, "172.31.0.0/16", "peer vpc"],
      ["tcp", 22, 22, "203.0.113.0/24", undefined],
      ["icmp", -1, -1, "172.31.0.0/16", undefined],
      ["udp", 1000, 2000, "2001:db8::/32", "v6"],
      ["50", -1, -1, "198.51.100.0/24", undefined],
    ],
  );
  assert.deepEqual(r.SecurityGroupRules![0]!.Tags, [{ Key: "team", Value: "net" }]);

  const sg = await group(c, sgId);
  assert.deepEqual(sg.IpPermissions, [
    {
      IpProtocol: "tcp",
      FromPort: 22,
      ToPort: 22,
      UserIdGroupPairs: [],
      IpRanges: [{ CidrIp: "172.31.0.0/16", Description: "peer vpc" }, { CidrIp: "203.0.113.0/24" }],
      Ipv6Ranges: [],
      PrefixListIds: [],
    },
    { IpProtocol: "icmp", FromPort: -1, ToPort: -1, UserIdGroupPairs: [], IpRanges: [{ CidrIp: "172.31.0.0/16" }], Ipv6Ranges: [], PrefixListIds: [] },
    {
      IpProtocol: "udp",
      FromPort: 1000,
      ToPort: 2000,
      UserIdGroupPairs: [],
      IpRanges: [],
      Ipv6Ranges: [{ CidrIpv6: "2001:db8::/32", Description: "v6" }],
      PrefixListIds: [],
    },
    { IpProtocol: "50", FromPort: -1, ToPort: -1, UserIdGroupPairs: [], IpRanges: [{ CidrIp: "198.51.100.0/24" }], Ipv6Ranges: [], PrefixListIds: [] },
  ]);

  // "6" is tcp: the same rule again is a duplicate.
  const dup = await expectEc2Error(
    c.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sgId, IpPermissions: [{ ...tcp(22, "203.0.113.0/24"), IpProtocol: "6" }] })),
    "InvalidPermission.Duplicate",
  );
  assert.match(dup.message, /203\.0\.113\.0\/24/);
  // ICMP type 8 (echo) with any code is a different rule from all ICMP.
  await c.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: sgId,
      IpPermissions: [{ IpProtocol: "ICMP", FromPort: 8, ToPort: -1, IpRanges: [{ CidrIp: "172.31.0.0/16" }] }],
    }),
  );
  const icmp = (await group(c, sgId)).IpPermissions!.filter((p) => p.IpProtocol === "icmp");
  assert.deepEqual(icmp.map((p) => [p.FromPort, p.ToPort]), [[-1, -1], [8, -1]]);
});

test("bad rules are refused with AWS's errors and leave the group unchanged", async () => {
  const c = lab.ec2("ap-northeast-1");
  const vpcId = await newVpc(c, "10.21.0.0/16");
  const sgId = await newGroup(c, vpcId, "strict");
  await c.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sgId, IpPermissions: [tcp(443, "0.0.0.0/0")] }));
  const before = await group(c, sgId);
  const auth = (perm: IpPermission) => c.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sgId, IpPermissions: [tcp(80, "10.0.0.0/8"), perm] }));

  const unknown = await expectEc2Error(auth({ IpProtocol: "tcpp", FromPort: 1, ToPort: 2, IpRanges: [{ CidrIp: "10.0.0.0/8" }] }), "InvalidParameterValue");
  assert.match(unknown.message, /Invalid value 'tcpp' for IP protocol\. Unknown protocol\./);
  await expectEc2Error(auth({ IpProtocol: "all", IpRanges: [{ CidrIp: "10.0.0.0/8" }] }), "InvalidParameterValue");
  await expectEc2Error(auth({ IpProtocol: "256", IpRanges: [{ CidrIp: "10.0.0.0/8" }] }), "InvalidParameterValue");
  await expectEc2Error(auth({ IpRanges: [{ CidrIp: "10.0.0.0/8" }] }), "InvalidParameterValue");
  const port = await expectEc2Error(auth(tcp(70000, "10.0.0.0/8")), "InvalidPermission.Malformed");
  assert.match(port.message, /TCP\/UDP port \(70000\) out of range/);
  await expectEc2Error(auth({ IpProtocol: "udp", FromPort: -1, ToPort: 53, IpRanges: [{ CidrIp: "10.0.0.0/8" }] }), "InvalidPermission.Malformed");
  await expectEc2Error(auth({ IpProtocol: "tcp", FromPort: 100, ToPort: 22, IpRanges: [{ CidrIp: "10.0.0.0/8" }] }), "InvalidParameterValue");
  const noPorts = await expectEc2Error(auth({ IpProtocol: "tcp", IpRanges: [{ CidrIp: "10.0.0.0/8" }] }), "InvalidParameterValue");
  assert.match(noPorts.message, /Must specify both from and to ports with TCP\/UDP/);
  await expectEc2Error(auth({ IpProtocol: "icmp", FromPort: 8, ToPort: 300, IpRanges: [{ CidrIp: "10.0.0.0/8" }] }), "InvalidParameterValue");
  await expectEc2Error(auth({ IpProtocol: "icmp", IpRanges: [{ CidrIp: "10.0.0.0/8" }] }), "InvalidParameterValue");
  await expectEc2Error(auth(tcp(22, "10.0.0.300/8")), "InvalidParameterValue");
  await expectEc2Error(auth(tcp(22, "10.0.0.1/8")), "InvalidParameterValue");
  await expectEc2Error(auth({ IpProtocol: "tcp", FromPort: 22, ToPort: 22 }), "MissingParameter");
  await expectEc2Error(auth({ ...tcp(22, "10.0.0.0/8"), IpRanges: [{ CidrIp: "10.0.0.0/8", Description: "bad\u00e9" }] }), "InvalidParameterValue");
  await expectEc2Error(auth({ IpProtocol: "tcp", FromPort: 22, ToPort: 22, PrefixListIds: [{ PrefixListId: "pl-12345678" }] }), "InvalidPrefixListID.NotFound");
  // A duplicate inside one request, and of an existing rule.
  await expectEc2Error(auth(tcp(80, "10.0.0.0/8")), "InvalidPermission.Duplicate");
  await expectEc2Error(auth(tcp(443, "0.0.0.0/0")), "InvalidPermission.Duplicate");
  await expectEc2Error(
    c.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: "sg-0000000000000000f", IpPermissions: [tcp(22, "10.0.0.0/8")] })),
    "InvalidGroup.NotFound",
  );
  await expectEc2Error(
    c.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: "nonsense", IpPermissions: [tcp(22, "10.0.0.0/8")] })),
    "InvalidGroupId.Malformed",
  );
  await expectEc2Error(c.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sgId })), "MissingParameter");
  assert.deepEqual(await group(c, sgId), before);
});

test("legacy top-level parameters, GroupName in the default VPC, and revocation by rule or by id", async () => {
  const c = lab.ec2("sa-east-1");
  await c.send(new CreateSecurityGroupCommand({ GroupName: "legacy", Description: "legacy params" }));
  await c.send(
    new AuthorizeSecurityGroupIngressCommand({ GroupName: "legacy", IpProtocol: "tcp", FromPort: 8080, ToPort: 8081, CidrIp: "10.9.0.0/16" }),
  );
  await c.send(new AuthorizeSecurityGroupIngressCommand({ GroupName: "legacy", SourceSecurityGroupName: "default" }));
  const sg = (await c.send(new DescribeSecurityGroupsCommand({ GroupNames: ["legacy"] }))).SecurityGroups![0]!;
  const def = (await c.send(new DescribeSecurityGroupsCommand({ GroupNames: ["default"] }))).SecurityGroups![0]!;
  assert.deepEqual(
    sg.IpPermissions!.map((p) => [p.IpProtocol, p.FromPort, p.IpRanges!.map((x) => x.CidrIp), p.UserIdGroupPairs!.map((x) => x.GroupId)]),
    [
      ["tcp", 8080, ["10.9.0.0/16"], []],
      ["-1", undefined, [], [def.GroupId]],
    ],
  );
  await expectEc2Error(
    c.send(new AuthorizeSecurityGroupIngressCommand({ GroupName: "legacy", IpProtocol: "tcp", FromPort: 1, ToPort: 1, IpPermissions: [tcp(2, "10.0.0.0/8")] })),
    "InvalidParameterCombination",
  );
  await expectEc2Error(c.send(new DescribeSecurityGroupsCommand({ GroupNames: ["nope"] })), "InvalidGroup.NotFound");

  // In a default VPC an unknown rule is reported back instead of refused.
  const lenient = await c.send(new RevokeSecurityGroupIngressCommand({ GroupName: "legacy", IpPermissions: [tcp(9999, "10.9.0.0/16")] }));
  assert.equal(lenient.Return, true);
  assert.deepEqual(lenient.UnknownIpPermissions!.map((p) => [p.IpProtocol, p.FromPort]), [["tcp", 9999]]);

  const revoked = await c.send(
    new RevokeSecurityGroupIngressCommand({
      GroupId: sg.GroupId,
      IpPermissions: [{ IpProtocol: "6", FromPort: 8080, ToPort: 8081, IpRanges: [{ CidrIp: "10.9.0.0/16" }] }],
    }),
  );
  assert.equal(revoked.Return, true);
  assert.deepEqual(revoked.RevokedSecurityGroupRules!.map((r) => [r.IpProtocol, r.CidrIpv4]), [["tcp", "10.9.0.0/16"]]);
  const rules = (await c.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [sg.GroupId!] }] }))).SecurityGroupRules!;
  const ref = rules.find((r) => !r.IsEgress)!;
  assert.equal(ref.ReferencedGroupInfo!.GroupId, def.GroupId);
  // A rule id of the other direction is not found for ingress.
  const egressId = rules.find((r) => r.IsEgress)!.SecurityGroupRuleId!;
  await expectEc2Error(c.send(new RevokeSecurityGroupIngressCommand({ GroupId: sg.GroupId, SecurityGroupRuleIds: [egressId] })), "InvalidSecurityGroupRuleId.NotFound");
  await c.send(new RevokeSecurityGroupIngressCommand({ GroupId: sg.GroupId, SecurityGroupRuleIds: [ref.SecurityGroupRuleId!] }));
  assert.deepEqual((await group(c, sg.GroupId!)).IpPermissions, []);
});

test("revoking a rule that does not exist in a non-default VPC is InvalidPermission.NotFound; egress rules come and go", async () => {
  const c = lab.ec2("ap-southeast-1");
  const vpcId = await newVpc(c, "10.30.0.0/16");
  const sgId = await newGroup(c, vpcId, "egress");
  await c.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sgId, IpPermissions: [tcp(22, "10.0.0.0/8")] }));
  const e = await expectEc2Error(
    c.send(new RevokeSecurityGroupIngressCommand({ GroupId: sgId, IpPermissions: [tcp(22, "10.0.0.0/8"), tcp(23, "10.0.0.0/8")] })),
    "InvalidPermission.NotFound",
  );
  assert.match(e.message, /The specified rule does not exist in this security group/);
  assert.equal((await group(c, sgId)).IpPermissions!.length, 1, "nothing was revoked");

  await c.send(new RevokeSecurityGroupEgressCommand({ GroupId: sgId, IpPermissions: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] }));
  assert.deepEqual((await group(c, sgId)).IpPermissionsEgress, []);
  const added = await c.send(
    new AuthorizeSecurityGroupEgressCommand({ GroupId: sgId, IpPermissions: [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] }),
  );
  assert.equal(added.Return, true);
  assert.equal(added.SecurityGroupRules![0]!.IsEgress, true);
  await expectEc2Error(
    c.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: sgId, IpPermissions: [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] })),
    "InvalidPermission.Duplicate",
  );
  await c.send(new RevokeSecurityGroupEgressCommand({ GroupId: sgId, SecurityGroupRuleIds: [added.SecurityGroupRules![0]!.SecurityGroupRuleId!] }));
  assert.deepEqual((await group(c, sgId)).IpPermissionsEgress, []);
  await expectEc2Error(c.send(new RevokeSecurityGroupEgressCommand({ GroupId: sgId })), "MissingParameter");
});

test("at most 60 rules per direction (RulesPerSecurityGroupLimitExceeded), all or nothing", async () => {
  const c = lab.ec2("us-west-2");
  const vpcId = await newVpc(c, "10.40.0.0/16");
  const sgId = await newGroup(c, vpcId, "full");
  const cidrs = (n: number, third: number) => Array.from({ length: n }, (_, i) => `10.${third}.${i}.0/24`);
  await c.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sgId, IpPermissions: [tcp(22, ...cidrs(59, 1))] }));
  const e = await expectEc2Error(
    c.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sgId, IpPermissions: [tcp(80, ...cidrs(2, 2))] })),
    "RulesPerSecurityGroupLimitExceeded",
  );
  assert.match(e.message, /maximum number of rules/);
  assert.equal((await group(c, sgId)).IpPermissions![0]!.IpRanges!.length, 59);
  await c.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sgId, IpPermissions: [tcp(80, "10.2.0.0/24")] }));
  await expectEc2Error(
    c.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sgId, IpPermissions: [tcp(81, "10.2.0.0/24")] })),
    "RulesPerSecurityGroupLimitExceeded",
  );
  // IPv6 rules have their own 60, and egress is a separate direction (the default rule is one of its 60).
  await c.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sgId, IpPermissions: [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, Ipv6Ranges: [{ CidrIpv6: "::/0" }] }] }));
  await c.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: sgId, IpPermissions: [tcp(22, ...cidrs(59, 3))] }));
  await expectEc2Error(
    c.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: sgId, IpPermissions: [tcp(23, "10.4.0.0/24")] })),
    "RulesPerSecurityGroupLimitExceeded",
  );
});

test("group references: the same VPC, a VPC peered in the same region, never an unpeered VPC or across an inter-region peering", async () => {
  const tokyo = lab.ec2("ap-northeast-1");
  const singapore = lab.ec2("ap-southeast-1");
  const vpcA = await newVpc(tokyo, "10.50.0.0/16");
  const vpcB = await newVpc(tokyo, "10.51.0.0/16");
  const a1 = await newGroup(tokyo, vpcA, "a1");
  const a2 = await newGroup(tokyo, vpcA, "a2");
  const b1 = await newGroup(tokyo, vpcB, "b1");

  const same = await tokyo.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: a1,
      IpPermissions: [{ IpProtocol: "tcp", FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: a2, Description: "app tier" }] }],
    }),
  );
  assert.deepEqual(same.SecurityGroupRules![0]!.ReferencedGroupInfo, { GroupId: a2, UserId: "000000000000" });
  assert.deepEqual((await group(tokyo, a1)).IpPermissions![0]!.UserIdGroupPairs, [{ UserId: "000000000000", GroupId: a2, Description: "app tier" }]);

  const ref = (g: string) => [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, UserIdGroupPairs: [{ GroupId: g }] }];
  const unpeered = await expectEc2Error(tokyo.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: a1, IpPermissions: ref(b1) })), "InvalidGroup.NotFound");
  assert.match(unpeered.message, /belong to different networks/);

  // Same-region peering: references become valid once it is active.
  const pcx = (await tokyo.send(new CreateVpcPeeringConnectionCommand({ VpcId: vpcA, PeerVpcId: vpcB }))).VpcPeeringConnection!.VpcPeeringConnectionId!;
  await tokyo.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [pcx] }));
  await tokyo.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
  await tokyo.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [pcx] }));
  const peered = await tokyo.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: a1, IpPermissions: ref(b1) }));
  assert.deepEqual(peered.SecurityGroupRules![0]!.ReferencedGroupInfo, {
    GroupId: b1,
    UserId: "000000000000",
    VpcId: vpcB,
    VpcPeeringConnectionId: pcx,
  });
  const pair = (await group(tokyo, a1)).IpPermissions!.find((p) => p.FromPort === 22)!.UserIdGroupPairs![0]!;
  assert.deepEqual(pair, { UserId: "000000000000", GroupId: b1, VpcId: vpcB, VpcPeeringConnectionId: pcx, PeeringStatus: "active" });
  // The referenced group cannot be deleted while referenced.
  await expectEc2Error(tokyo.send(new DeleteSecurityGroupCommand({ GroupId: b1 })), "DependencyViolation");

  // Inter-region peering: Tokyo ↔ Singapore's default VPC, active, yet Singapore's groups stay invisible.
  const sgVpc = (await singapore.send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }))).Vpcs![0]!.VpcId!;
  const sgGroup = (await defaultGroupOf(singapore, sgVpc)).GroupId!;
  const x = (
    await tokyo.send(new CreateVpcPeeringConnectionCommand({ VpcId: vpcA, PeerVpcId: sgVpc, PeerRegion: "ap-southeast-1" }))
  ).VpcPeeringConnection!.VpcPeeringConnectionId!;
  await singapore.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [x] }));
  await singapore.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: x }));
  const status = (await tokyo.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [x] }))).VpcPeeringConnections![0]!.Status!.Code;
  assert.equal(status, "active");
  const before = await group(tokyo, a1);
  const cross = await expectEc2Error(
    tokyo.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: a1,
        IpPermissions: [{ IpProtocol: "icmp", FromPort: -1, ToPort: -1, UserIdGroupPairs: [{ GroupId: sgGroup, VpcPeeringConnectionId: x }] }],
      }),
    ),
    "InvalidGroup.NotFound",
  );
  assert.match(cross.message, new RegExp(`The security group '${sgGroup}' does not exist`));
  assert.deepEqual(await group(tokyo, a1), before);
  // What the walkthrough does instead: name the peer's CIDR.
  await tokyo.send(
    new AuthorizeSecurityGroupIngressCommand({ GroupId: a1, IpPermissions: [{ IpProtocol: "icmp", FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: "172.31.0.0/16" }] }] }),
  );
});

test("DeleteSecurityGroup: by id or by name in the default VPC; the default group and groups in use stay", async () => {
  const c = lab.ec2("ca-central-1");
  const vpcId = await newVpc(c, "10.60.0.0/16");
  const def = await defaultGroupOf(c, vpcId);
  const e = await expectEc2Error(c.send(new DeleteSecurityGroupCommand({ GroupId: def.GroupId })), "CannotDelete");
  assert.match(e.message, /cannot be deleted by a user/);
  await expectEc2Error(c.send(new DeleteSecurityGroupCommand({ GroupId: "sg-0000000000000000f" })), "InvalidGroup.NotFound");
  await expectEc2Error(c.send(new DeleteSecurityGroupCommand({ GroupId: "foo" })), "InvalidGroupId.Malformed");
  await expectEc2Error(c.send(new DeleteSecurityGroupCommand({ GroupName: "nothing-here" })), "InvalidGroup.NotFound");
  await expectEc2Error(c.send(new DeleteSecurityGroupCommand({})), "MissingParameter");

  const a = await newGroup(c, vpcId, "a");
  const b = await newGroup(c, vpcId, "b");
  await c.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: a, IpPermissions: [{ IpProtocol: "-1", UserIdGroupPairs: [{ GroupId: b }] }] }));
  const dep = await expectEc2Error(c.send(new DeleteSecurityGroupCommand({ GroupId: b })), "DependencyViolation");
  assert.match(dep.message, new RegExp(`resource ${b} has a dependent object`));
  const r = await c.send(new DeleteSecurityGroupCommand({ GroupId: a }));
  assert.equal(r.Return, true);
  assert.equal(r.GroupId, a);
  await c.send(new DeleteSecurityGroupCommand({ GroupId: b }));
  await expectEc2Error(c.send(new DescribeSecurityGroupsCommand({ GroupIds: [a] })), "InvalidGroup.NotFound");

  // A group referencing itself can still be deleted.
  const self = await newGroup(c, vpcId, "self");
  await c.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: self, IpPermissions: [{ IpProtocol: "-1", UserIdGroupPairs: [{ GroupId: self }] }] }));
  await c.send(new DeleteSecurityGroupCommand({ GroupId: self }));

  // By name: only in the default VPC.
  await c.send(new CreateSecurityGroupCommand({ GroupName: "byname", Description: "x" }));
  await newGroup(c, vpcId, "elsewhere");
  await expectEc2Error(c.send(new DeleteSecurityGroupCommand({ GroupName: "elsewhere" })), "InvalidGroup.NotFound");
  const byName = await c.send(new DeleteSecurityGroupCommand({ GroupName: "byname" }));
  assert.match(byName.GroupId!, /^sg-/);
});

test("a group used by a network interface cannot be deleted", async (t) => {
  const c = lab.ec2("eu-north-1");
  const vpcId = await newVpc(c, "10.61.0.0/16");
  const subnetId = (await c.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.61.1.0/24" }))).Subnet!.SubnetId!;
  const sgId = await newGroup(c, vpcId, "used");
  let eniId: string;
  try {
    eniId = (await c.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, Groups: [sgId] }))).NetworkInterface!.NetworkInterfaceId!;
  } catch (err) {
    if (errorCode(err) === "NotImplemented") {
      t.skip("CreateNetworkInterface is not implemented yet (another family's issue)");
      return;
    }
    throw err;
  }
  await expectEc2Error(c.send(new DeleteSecurityGroupCommand({ GroupId: sgId })), "DependencyViolation");
  await c.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eniId }));
  await c.send(new DeleteSecurityGroupCommand({ GroupId: sgId }));
});

test("DescribeSecurityGroups filters (ip-permission.*, egress.ip-permission.*, names, tags) and pagination", async () => {
  const c = lab.ec2("eu-central-1");
  const vpcId = await newVpc(c, "10.70.0.0/16");
  const web = (
    await c.send(
      new CreateSecurityGroupCommand({
        GroupName: "web",
        Description: "front end",
        VpcId: vpcId,
        TagSpecifications: [{ ResourceType: "security-group", Tags: [{ Key: "tier", Value: "front" }] }],
      }),
    )
  ).GroupId!;
  const db = await newGroup(c, vpcId, "db");
  await c.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: web,
      IpPermissions: [tcp(443, "0.0.0.0/0"), { IpProtocol: "tcp", FromPort: 80, ToPort: 80, Ipv6Ranges: [{ CidrIpv6: "::/0" }] }],
    }),
  );
  await c.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: db, IpPermissions: [{ IpProtocol: "tcp", FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: web }] }] }));
  await c.send(new RevokeSecurityGroupEgressCommand({ GroupId: db, IpPermissions: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] }));
  await c.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: db, IpPermissions: [{ IpProtocol: "udp", FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: "10.70.0.2/32" }] }] }));

  const ids = async (...filters: [string, string[]][]) =>
    (
      await c.send(
        new DescribeSecurityGroupsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }, ...filters.map(([Name, Values]) => ({ Name, Values }))] }),
      )
    ).SecurityGroups!.map((g) => g.GroupName).sort();
  assert.deepEqual(await ids(["ip-permission.cidr", ["0.0.0.0/0"]]), ["web"]);
  assert.deepEqual(await ids(["ip-permission.from-port", ["5432"]]), ["db"]);
  assert.deepEqual(await ids(["ip-permission.to-port", ["443", "5432"]]), ["db", "web"]);
  assert.deepEqual(await ids(["ip-permission.protocol", ["tcp"]]), ["db", "web"]);
  assert.deepEqual(await ids(["ip-permission.protocol", ["-1"]]), ["default"]);
  assert.deepEqual(await ids(["ip-permission.group-id", [web]]), ["db"]);
  assert.deepEqual(await ids(["ip-permission.group-name", ["web"]]), ["db"]);
  assert.deepEqual(await ids(["ip-permission.user-id", ["000000000000"]]), ["db", "default"]);
  assert.deepEqual(await ids(["ip-permission.ipv6-cidr", ["::/0"]]), ["web"]);
  assert.deepEqual(await ids(["ip-permission.prefix-list-id", ["pl-*"]]), []);
  assert.deepEqual(await ids(["egress.ip-permission.cidr", ["10.70.0.2/32"]]), ["db"]);
  assert.deepEqual(await ids(["egress.ip-permission.cidr", ["0.0.0.0/0"]]), ["default", "web"]);
  assert.deepEqual(await ids(["egress.ip-permission.protocol", ["udp"]]), ["db"]);
  assert.deepEqual(await ids(["egress.ip-permission.from-port", ["53"]], ["egress.ip-permission.to-port", ["53"]]), ["db"]);
  assert.deepEqual(await ids(["egress.ip-permission.group-id", ["sg-*"]]), []);
  assert.deepEqual(await ids(["egress.ip-permission.group-name", ["*"]]), []);
  assert.deepEqual(await ids(["egress.ip-permission.user-id", ["*"]]), []);
  assert.deepEqual(await ids(["egress.ip-permission.ipv6-cidr", ["*"]]), []);
  assert.deepEqual(await ids(["egress.ip-permission.prefix-list-id", ["*"]]), []);
  assert.deepEqual(await ids(["description", ["front*"]]), ["web"]);
  assert.deepEqual(await ids(["group-name", ["d*"]]), ["db", "default"]);
  assert.deepEqual(await ids(["group-id", [db]]), ["db"]);
  assert.deepEqual(await ids(["owner-id", ["000000000000"]]), ["db", "default", "web"]);
  assert.deepEqual(await ids(["tag:tier", ["front"]]), ["web"]);
  assert.deepEqual(await ids(["tag-key", ["tier"]]), ["web"]);
  await expectEc2Error(c.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "colour", Values: ["x"] }] })), "InvalidParameterValue");
  await expectEc2Error(c.send(new DescribeSecurityGroupsCommand({ GroupIds: [web, "sg-0000000000000000f"] })), "InvalidGroup.NotFound");

  for (const n of ["p1", "p2", "p3"]) await newGroup(c, vpcId, n);
  const all = (await c.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups!.map((g) => g.GroupId);
  assert.equal(all.length, 7);
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    pages++;
    const page = await c.send(new DescribeSecurityGroupsCommand({ MaxResults: 5, NextToken: token }));
    assert.ok(page.SecurityGroups!.length <= 5);
    seen.push(...page.SecurityGroups!.map((g) => g.GroupId!));
    token = page.NextToken;
  } while (token);
  assert.equal(pages, 2);
  assert.deepEqual(seen, all);
});

test("DescribeSecurityGroupRules and ModifySecurityGroupRules work on sgr- ids", async () => {
  const c = lab.ec2("us-east-2");
  const vpcId = await newVpc(c, "10.80.0.0/16");
  const sgId = await newGroup(c, vpcId, "rules");
  const other = await newGroup(c, vpcId, "other");
  const added = (
    await c.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: sgId,
        IpPermissions: [tcp(22, "10.0.0.0/8", "192.168.0.0/16")],
        TagSpecifications: [{ ResourceType: "security-group-rule", Tags: [{ Key: "k", Value: "v" }] }],
      }),
    )
  ).SecurityGroupRules!;
  const [r1, r2] = added.map((r) => r.SecurityGroupRuleId!);

  const byId = await c.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [r1!] }));
  assert.deepEqual(byId.SecurityGroupRules!.map((r) => r.CidrIpv4), ["10.0.0.0/8"]);
  const byRuleFilter = await c.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "security-group-rule-id", Values: [r2!] }] }));
  assert.deepEqual(byRuleFilter.SecurityGroupRules!.map((r) => r.CidrIpv4), ["192.168.0.0/16"]);
  const byTag = await c.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "tag:k", Values: ["v"] }] }));
  assert.deepEqual(byTag.SecurityGroupRules!.map((r) => r.SecurityGroupRuleId).sort(), [r1, r2].sort());
  await expectEc2Error(c.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: ["sgr-0000000000000000f"] })), "InvalidSecurityGroupRuleId.NotFound");
  await expectEc2Error(c.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: ["rule-1"] })), "InvalidSecurityGroupRuleId.Malformed");
  await expectEc2Error(c.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "colour", Values: ["x"] }] })), "InvalidParameterValue");

  const mod = await c.send(
    new ModifySecurityGroupRulesCommand({
      GroupId: sgId,
      SecurityGroupRules: [
        { SecurityGroupRuleId: r1, SecurityGroupRule: { IpProtocol: "tcp", FromPort: 2222, ToPort: 2222, CidrIpv4: "10.0.0.0/8", Description: "moved" } },
      ],
    }),
  );
  assert.equal(mod.Return, true);
  const after1 = (await c.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [r1!] }))).SecurityGroupRules![0]!;
  assert.deepEqual([after1.FromPort, after1.ToPort, after1.Description, after1.Tags], [2222, 2222, "moved", [{ Key: "k", Value: "v" }]]);
  await c.send(
    new ModifySecurityGroupRulesCommand({
      GroupId: sgId,
      SecurityGroupRules: [{ SecurityGroupRuleId: r2, SecurityGroupRule: { IpProtocol: "-1", ReferencedGroupId: other } }],
    }),
  );
  const after2 = (await c.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [r2!] }))).SecurityGroupRules![0]!;
  assert.deepEqual(after2.ReferencedGroupInfo, { GroupId: other, UserId: "000000000000" });
  assert.equal(after2.CidrIpv4, undefined);

  const before = await group(c, sgId);
  await expectEc2Error(
    c.send(new ModifySecurityGroupRulesCommand({
      GroupId: sgId,
      SecurityGroupRules: [{ SecurityGroupRuleId: r2, SecurityGroupRule: { IpProtocol: "tcp", FromPort: 2222, ToPort: 2222, CidrIpv4: "10.0.0.0/8" } }],
    })),
    "InvalidPermission.Duplicate",
  );
  await expectEc2Error(
    c.send(new ModifySecurityGroupRulesCommand({
      GroupId: sgId,
      SecurityGroupRules: [{ SecurityGroupRuleId: r2, SecurityGroupRule: { IpProtocol: "tcp", FromPort: 1, ToPort: 99999, CidrIpv4: "10.0.0.0/8" } }],
    })),
    "InvalidPermission.Malformed",
  );
  await expectEc2Error(
    c.send(new ModifySecurityGroupRulesCommand({
      GroupId: other,
      SecurityGroupRules: [{ SecurityGroupRuleId: r2, SecurityGroupRule: { IpProtocol: "-1", CidrIpv4: "10.0.0.0/8" } }],
    })),
    "InvalidSecurityGroupRuleId.NotFound",
  );
  assert.deepEqual(await group(c, sgId), before);

  await c.send(
    new UpdateSecurityGroupRuleDescriptionsIngressCommand({
      GroupId: sgId,
      SecurityGroupRuleDescriptions: [{ SecurityGroupRuleId: r1, Description: "ssh alt" }],
    }),
  );
  const after3 = (await c.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [r1!] }))).SecurityGroupRules![0]!;
  assert.equal(after3.Description, "ssh alt");
});

test("the AWS CLI's authorize-security-group-ingress shorthand (--protocol/--port/--cidr, --protocol all) and the rules it reads back", async () => {
  const region = "ap-south-1";
  const c = lab.ec2(region);
  const vpcId = await newVpc(c, "10.90.0.0/16");
  const sgId = await newGroup(c, vpcId, "cli");
  const ssh = await lab.cli(["ec2", "authorize-security-group-ingress", "--group-id", sgId, "--protocol", "tcp", "--port", "22", "--cidr", "172.31.0.0/16"], { region });
  assert.equal(ssh.code, 0, ssh.stderr);
  const out = ssh.json as { Return: boolean; SecurityGroupRules: { SecurityGroupRuleId: string; IpProtocol: string; FromPort: number; ToPort: number; CidrIpv4: string }[] };
  assert.equal(out.Return, true);
  assert.deepEqual(
    out.SecurityGroupRules.map((r) => [r.IpProtocol, r.FromPort, r.ToPort, r.CidrIpv4]),
    [["tcp", 22, 22, "172.31.0.0/16"]],
  );
  const all = await lab.cli(["ec2", "authorize-security-group-ingress", "--group-id", sgId, "--protocol", "all", "--cidr", "10.90.0.0/16"], { region });
  assert.equal(all.code, 0, all.stderr);
  const dup = await lab.cli(["ec2", "authorize-security-group-ingress", "--group-id", sgId, "--protocol", "tcp", "--port", "22", "--cidr", "172.31.0.0/16"], { region });
  assert.notEqual(dup.code, 0);
  assert.match(dup.stderr, /InvalidPermission\.Duplicate/);

  const described = await lab.cli(["ec2", "describe-security-groups", "--group-ids", sgId, "--query", "SecurityGroups[0].IpPermissions"], { region });
  assert.equal(described.code, 0, described.stderr);
  assert.deepEqual(described.json, [
    { FromPort: 22, IpProtocol: "tcp", IpRanges: [{ CidrIp: "172.31.0.0/16" }], Ipv6Ranges: [], PrefixListIds: [], ToPort: 22, UserIdGroupPairs: [] },
    { IpProtocol: "-1", IpRanges: [{ CidrIp: "10.90.0.0/16" }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] },
  ]);
  const rules = (await c.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [sgId] }] }))).SecurityGroupRules!;
  assert.ok(rules.some((r) => r.SecurityGroupRuleId === out.SecurityGroupRules[0]!.SecurityGroupRuleId && r.FromPort === 22));
});
