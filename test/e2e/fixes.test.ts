/**
 * Structured fixes, end to end: for each kind of blocker, the analysis's JSON (the admin API, as
 * `vpclab why --json` prints it) carries `fixes` (EC2 actions with their input); run through the JS SDK
 * exactly as given, they make the blocked path reachable. The seed walkthrough's Tokyo–Singapore pair.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  CreateNetworkAclEntryCommand,
  DeleteNetworkAclEntryCommand,
  DeleteRouteCommand,
  DescribeInstancesCommand,
  DescribeNetworkAclsCommand,
  RevokeSecurityGroupIngressCommand,
  StopInstancesCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { startLab, type Lab } from "../support/harness.js";
import { applyFixes, type FixCall } from "../support/fixes.js";
import { buildSeed, icmpFrom, type Seed } from "../support/seed.js";

interface Body {
  verdict: string;
  explanations: { code: string; component: { id: string; region: string }; fix: string; fixes?: FixCall[] }[];
}

describe("a blocked path's fix, run through the SDK, makes it reachable", () => {
  let lab: Lab;
  let tokyo: EC2Client;
  let sg: EC2Client;
  let s: Seed;
  const analyze = async (protocol = "icmp", port?: number) => (await lab.admin<Body>("POST", "/analyze", { from: s.tokyo, to: s.singapore, protocol, port })).body;
  /** The blocker with `code`, the only one on the path. */
  const only = async (code: string, protocol = "icmp", port?: number) => {
    const a = await analyze(protocol, port);
    assert.equal(a.verdict, "blocked");
    const onPath = a.explanations.filter((x) => x.code === code);
    assert.equal(onPath.length, 1, JSON.stringify(a.explanations));
    return onPath[0]!;
  };

  before(async () => {
    lab = await startLab();
    tokyo = lab.ec2("ap-northeast-1");
    sg = lab.ec2("ap-southeast-1");
    s = await buildSeed(lab, tokyo, sg);
    assert.equal((await analyze()).verdict, "reachable");
  });
  after(async () => {
    await lab?.close();
  });

  test("NO_ROUTE_TO_DESTINATION: CreateRoute to the peering connection", async () => {
    await tokyo.send(new DeleteRouteCommand({ RouteTableId: s.rtT, DestinationCidrBlock: "172.31.0.0/16" }));
    const e = await only("NO_ROUTE_TO_DESTINATION");
    assert.deepEqual(e.fixes, [{ action: "CreateRoute", params: { RouteTableId: s.rtT, DestinationCidrBlock: "172.31.0.0/16", VpcPeeringConnectionId: s.pcx }, account: "000000000000", region: "ap-northeast-1" }]);
    await applyFixes(lab, e.fixes);
    assert.equal((await analyze()).verdict, "reachable");
  });

  test("ENI_SG_RULES_MISMATCH: AuthorizeSecurityGroupIngress for the sender's address", async () => {
    await sg.send(new RevokeSecurityGroupIngressCommand({ GroupId: s.sgS, IpPermissions: [icmpFrom("10.20.0.0/16")] }));
    const e = await only("ENI_SG_RULES_MISMATCH");
    assert.deepEqual(e.fixes?.map((f) => [f.action, f.params.GroupId, f.region]), [["AuthorizeSecurityGroupIngress", s.sgS, "ap-southeast-1"]]);
    await applyFixes(lab, e.fixes);
    assert.equal((await analyze()).verdict, "reachable");
  });

  test("SUBNET_ACL_RESTRICTION: an allow entry numbered below the deny, for ICMP in and for the reply's ephemeral ports out", async () => {
    const acl = (await sg.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: "vpc-id", Values: [s.defVpc] }] }))).NetworkAcls![0]!.NetworkAclId!;
    await sg.send(new CreateNetworkAclEntryCommand({ NetworkAclId: acl, RuleNumber: 50, Protocol: "1", RuleAction: "deny", Egress: false, CidrBlock: "10.20.0.0/16", IcmpTypeCode: { Type: -1, Code: -1 } }));
    await sg.send(new CreateNetworkAclEntryCommand({ NetworkAclId: acl, RuleNumber: 50, Protocol: "6", RuleAction: "deny", Egress: true, CidrBlock: "10.20.0.0/16", PortRange: { From: 1024, To: 65535 } }));
    try {
      const icmp = await only("SUBNET_ACL_RESTRICTION");
      assert.deepEqual(icmp.fixes?.map((f) => [f.action, f.params.RuleNumber, f.params.Egress, f.params.IcmpTypeCode]), [["CreateNetworkAclEntry", 49, false, { Type: -1, Code: -1 }]]);
      await applyFixes(lab, icmp.fixes);
      assert.equal((await analyze()).verdict, "reachable");
      const ssh = await only("SUBNET_ACL_RESTRICTION", "tcp", 22);
      assert.deepEqual(ssh.fixes?.map((f) => [f.params.RuleNumber, f.params.Egress, f.params.PortRange]), [[49, true, { From: 1024, To: 65535 }]]);
      await applyFixes(lab, ssh.fixes);
      assert.equal((await analyze("tcp", 22)).verdict, "reachable");
    } finally {
      for (const Egress of [false, true]) {
        for (const RuleNumber of [49, 50]) await sg.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: acl, RuleNumber, Egress })).catch(() => undefined);
      }
    }
  });

  test("BAD_STATE: StartInstances for a stopped destination", async () => {
    await sg.send(new StopInstancesCommand({ InstanceIds: [s.singapore] }));
    for (let i = 0; i < 50; i++) {
      const st = (await sg.send(new DescribeInstancesCommand({ InstanceIds: [s.singapore] }))).Reservations![0]!.Instances![0]!.State!.Name;
      if (st === "stopped") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // The instance is named on both legs (it neither receives nor replies); one start fixes both.
    const e = (await analyze()).explanations.find((x) => x.code === "BAD_STATE")!;
    assert.deepEqual(e.fixes, [{ action: "StartInstances", params: { InstanceIds: [s.singapore] }, account: "000000000000", region: "ap-southeast-1" }]);
    await applyFixes(lab, e.fixes);
    for (let i = 0; i < 50; i++) {
      const st = (await sg.send(new DescribeInstancesCommand({ InstanceIds: [s.singapore] }))).Reservations![0]!.Instances![0]!.State!.Name;
      if (st === "running") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal((await analyze()).verdict, "reachable");
  });
});
