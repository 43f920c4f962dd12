/**
 * `vpclab peer` / `vpclab unpeer`, run as a subprocess (the real CLI) against a real vpclab server; the
 * state is read back through the SDK (and once through the AWS CLI), the calls made through vpclab's
 * request log, and reachability through the engine's admin API.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  RunInstancesCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { startLab, type Lab, runVpclab } from "../support/harness.js";



const vpclab = (lab: Lab, args: string[]) => runVpclab([...args, "--endpoint-url", lab.url]);

interface LogEntry {
  action: string;
  account: string;
  region: string;
  status: number;
}

async function logSince(lab: Lab, since: number): Promise<LogEntry[]> {
  const res = await lab.admin<{ requests: LogEntry[]; total: number }>("GET", `/requests?since=${since}`);
  return res.body.requests;
}

async function logTotal(lab: Lab): Promise<number> {
  return (await lab.admin<{ total: number }>("GET", "/requests")).body.total;
}

const mutating = (entries: LogEntry[]) => entries.filter((e) => !/^(Describe|Get|List)/.test(e.action));

/** A new VPC with one subnet and one instance (in the VPC's default group). */
async function newVpcWithInstance(ec2: EC2Client, region: string, cidr: string, subnet: string, name: string) {
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr, TagSpecifications: [{ ResourceType: "vpc", Tags: [{ Key: "Name", Value: name }] }] }))).Vpc!;
  const sn = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId!, CidrBlock: subnet, AvailabilityZone: `${region}a` }))).Subnet!;
  const inst = (await ec2.send(new RunInstancesCommand({ ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, SubnetId: sn.SubnetId! }))).Instances![0]!;
  return { vpcId: vpc.VpcId!, subnetId: sn.SubnetId!, instanceId: inst.InstanceId!, ip: inst.PrivateIpAddress! };
}

/** An instance in the region's default VPC (default subnet, default group). */
async function defaultVpcInstance(ec2: EC2Client) {
  const vpc = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }))).Vpcs![0]!;
  const inst = (await ec2.send(new RunInstancesCommand({ ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 }))).Instances![0]!;
  return { vpcId: vpc.VpcId!, instanceId: inst.InstanceId!, ip: inst.PrivateIpAddress! };
}

/** What a describe-* diff compares: every route, every group's rules, every live peering. */
async function snapshot(ec2: EC2Client, vpcId: string) {
  const rts = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }))).RouteTables ?? [];
  const sgs = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }))).SecurityGroups ?? [];
  const pcx = (await ec2.send(new DescribeVpcPeeringConnectionsCommand({}))).VpcPeeringConnections ?? [];
  return {
    routes: rts
      .map((t) => ({ id: t.RouteTableId, routes: (t.Routes ?? []).map((r) => `${r.DestinationCidrBlock}→${r.GatewayId ?? r.VpcPeeringConnectionId}`).sort(), assoc: (t.Associations ?? []).map((a) => a.SubnetId ?? "main").sort() }))
      .sort((a, b) => a.id!.localeCompare(b.id!)),
    groups: sgs
      .map((g) => ({ id: g.GroupId, in: JSON.stringify(g.IpPermissions ?? []), out: JSON.stringify(g.IpPermissionsEgress ?? []) }))
      .sort((a, b) => a.id!.localeCompare(b.id!)),
    livePeerings: pcx.filter((p) => ["pending-acceptance", "active"].includes(p.Status?.Code ?? "")).map((p) => p.VpcPeeringConnectionId),
  };
}

async function routesTo(ec2: EC2Client, vpcId: string, cidr: string): Promise<string[]> {
  const rts = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }))).RouteTables ?? [];
  return rts.flatMap((t) => (t.Routes ?? []).filter((r) => r.DestinationCidrBlock === cidr).map((r) => `${t.RouteTableId}:${r.VpcPeeringConnectionId ?? r.GatewayId}`));
}

async function enginePing(lab: Lab, from: string, to: string, account?: string, toAccount?: string) {
  const res = await lab.admin<{ verdict: string; stats: { received: number; avg: number } }>("POST", "/ping", { from, to, count: 2, ...(account ? { account } : {}), ...(toAccount ? { toAccount } : {}) });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

describe("vpclab peer / unpeer", { timeout: 240_000 }, () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab();
  });
  after(async () => {
    await lab.close();
  });

  it("same region: peers, routes both main tables, opens rules, the engine sees the instances reach each other; a second run changes nothing; unpeer restores", async () => {
    const ec2 = lab.ec2("us-east-1");
    const a = await newVpcWithInstance(ec2, "us-east-1", "10.30.0.0/16", "10.30.1.0/24", "app");
    const b = await defaultVpcInstance(ec2);
    const beforeA = await snapshot(ec2, a.vpcId);
    const beforeB = await snapshot(ec2, b.vpcId);

    // Without rules or routes the instances cannot talk.
    assert.equal((await enginePing(lab, a.instanceId, b.instanceId)).verdict, "blocked");

    const r = await vpclab(lab, ["peer", "us-east-1:app", `us-east-1:${b.vpcId}`, "--allow", "icmp,tcp:22", "--json"]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const report = JSON.parse(r.stdout);
    assert.equal(report.peering.status, "active");
    assert.equal(report.peering.created, true);
    const pcx = report.peering.id as string;
    assert.match(pcx, /^pcx-[0-9a-f]{17}$/);
    assert.deepEqual((await routesTo(ec2, a.vpcId, "172.31.0.0/16")).map((x) => x.split(":")[1]), [pcx]);
    assert.deepEqual((await routesTo(ec2, b.vpcId, "10.30.0.0/16")).map((x) => x.split(":")[1]), [pcx]);
    // Rules were opened on the instances' groups, from the peer's CIDR.
    const groupsA = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "vpc-id", Values: [a.vpcId] }, { Name: "group-name", Values: ["default"] }] }))).SecurityGroups!;
    const perms = groupsA[0]!.IpPermissions ?? [];
    assert.ok(perms.some((p) => p.IpProtocol === "icmp" && p.IpRanges?.some((x) => x.CidrIp === "172.31.0.0/16")), JSON.stringify(perms));
    assert.ok(perms.some((p) => p.IpProtocol === "tcp" && p.FromPort === 22 && p.IpRanges?.some((x) => x.CidrIp === "172.31.0.0/16")));
    // The CLI's own verification and the engine agree: both ways reachable.
    assert.ok(Array.isArray(report.verification) && report.verification.every((v: { ok: boolean }) => v.ok), JSON.stringify(report.verification));
    assert.equal((await enginePing(lab, a.instanceId, b.instanceId)).verdict, "reachable");
    assert.equal((await enginePing(lab, b.instanceId, a.instanceId)).verdict, "reachable");

    // Second run: idempotent, no mutating call, and it says so.
    const mark = await logTotal(lab);
    const again = await vpclab(lab, ["peer", "us-east-1:app", `us-east-1:${b.vpcId}`, "--allow", "icmp,tcp:22"]);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(mutating(await logSince(lab, mark)), []);
    assert.match(again.stdout, /Nothing to change: everything was already in place/);
    assert.match(again.stdout, /already exists \(active\)/);

    // unpeer: exactly what peer added goes away.
    const u = await vpclab(lab, ["unpeer", "us-east-1:app", `us-east-1:${b.vpcId}`]);
    assert.equal(u.code, 0, u.stderr + u.stdout);
    assert.match(u.stdout, /routes\s+2/);
    assert.match(u.stdout, /security-group rules\s+4/);
    assert.deepEqual(await snapshot(ec2, a.vpcId), beforeA);
    assert.deepEqual(await snapshot(ec2, b.vpcId), beforeB);
    const status = (await ec2.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [pcx] }))).VpcPeeringConnections![0]!.Status!.Code;
    assert.equal(status, "deleted");
    // …and a second unpeer has nothing left to do.
    const mark2 = await logTotal(lab);
    const u2 = await vpclab(lab, ["unpeer", "us-east-1:app", `us-east-1:${b.vpcId}`]);
    assert.equal(u2.code, 0);
    assert.match(u2.stdout, /nothing to undo/);
    assert.deepEqual(mutating(await logSince(lab, mark2)), []);
  });

  it("cross region (the seed): --dry-run makes no mutating call and lists the calls; peer works; unpeer restores (AWS CLI describe diff)", async () => {
    const tokyo = lab.ec2("ap-northeast-1");
    const sing = lab.ec2("ap-southeast-1");
    const a = await newVpcWithInstance(tokyo, "ap-northeast-1", "10.20.0.0/16", "10.20.1.0/24", "tokyo");
    const b = await defaultVpcInstance(sing);
    const cliBefore = await lab.cli(["ec2", "describe-route-tables"], { region: "ap-southeast-1" });
    assert.equal(cliBefore.code, 0, cliBefore.stderr);
    const beforeA = await snapshot(tokyo, a.vpcId);

    const mark = await logTotal(lab);
    const dry = await vpclab(lab, ["peer", "ap-northeast-1:tokyo", `ap-southeast-1:${b.vpcId}`, "--allow", "icmp,tcp:22", "--dry-run"]);
    assert.equal(dry.code, 0, dry.stderr);
    const calls = await logSince(lab, mark);
    assert.ok(calls.length > 0, "the dry run reads");
    assert.deepEqual(mutating(calls), [], "a dry run makes no mutating call");
    for (const action of ["CreateVpcPeeringConnection", "AcceptVpcPeeringConnection", "CreateRoute", "AuthorizeSecurityGroupIngress"]) {
      assert.match(dry.stdout, new RegExp(`ap-(north|south)east-1\\s+${action} `), `the plan lists ${action}`);
    }
    assert.match(dry.stdout, /PeerRegion=ap-southeast-1/);
    assert.match(dry.stdout, /Dry run: nothing was changed/);

    const r = await vpclab(lab, ["peer", "ap-northeast-1:tokyo", `ap-southeast-1:${b.vpcId}`, "--allow", "icmp,tcp:22"]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /✔ Verify with the network engine: 4\/4 checks pass/);
    assert.match(r.stdout, /the receiver sees source 10\.20\.1\.\d+/);
    const ping = await enginePing(lab, a.instanceId, b.instanceId);
    assert.equal(ping.verdict, "reachable");
    assert.ok(ping.stats.avg > 60 && ping.stats.avg < 80, `Tokyo–Singapore RTT ${ping.stats.avg}`);

    const u = await vpclab(lab, ["unpeer", "ap-northeast-1:tokyo", `ap-southeast-1:${b.vpcId}`]);
    assert.equal(u.code, 0, u.stderr);
    const cliAfter = await lab.cli(["ec2", "describe-route-tables"], { region: "ap-southeast-1" });
    assert.deepEqual(cliAfter.json, cliBefore.json, "describe-route-tables in Singapore is as before");
    assert.deepEqual(await snapshot(tokyo, a.vpcId), beforeA);
    assert.equal((await enginePing(lab, a.instanceId, b.instanceId)).verdict, "blocked");
  });

  it("cross account: the accepter's account accepts; routes and rules on both sides; unpeer restores", async () => {
    const A = "111111111111";
    const B = "222222222222";
    const ea = lab.ec2("eu-west-1", A);
    const eb = lab.ec2("eu-central-1", B);
    const a = await newVpcWithInstance(ea, "eu-west-1", "10.40.0.0/16", "10.40.1.0/24", "left");
    const b = await newVpcWithInstance(eb, "eu-central-1", "10.50.0.0/16", "10.50.1.0/24", "right");
    const beforeA = await snapshot(ea, a.vpcId);
    const beforeB = await snapshot(eb, b.vpcId);

    const r = await vpclab(lab, ["peer", "eu-west-1:left", "eu-central-1:right", "--allow", "icmp", "--account-key", A, "--peer-account-key", B, "--json"]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const report = JSON.parse(r.stdout);
    assert.equal(report.peering.status, "active");
    assert.equal(report.requester.account, A);
    assert.equal(report.accepter.account, B);
    const pcx = report.peering.id;
    const seenByB = (await eb.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [pcx] }))).VpcPeeringConnections![0]!;
    assert.equal(seenByB.AccepterVpcInfo?.OwnerId, B);
    assert.equal(seenByB.RequesterVpcInfo?.OwnerId, A);
    assert.deepEqual((await routesTo(eb, b.vpcId, "10.40.0.0/16")).map((x) => x.split(":")[1]), [pcx]);
    assert.deepEqual((await routesTo(ea, a.vpcId, "10.50.0.0/16")).map((x) => x.split(":")[1]), [pcx]);
    assert.equal((await enginePing(lab, a.instanceId, b.instanceId, A, B)).verdict, "reachable");
    assert.equal((await enginePing(lab, b.instanceId, a.instanceId, B, A)).verdict, "reachable");

    const u = await vpclab(lab, ["unpeer", "eu-west-1:left", "eu-central-1:right", "--account-key", A, "--peer-account-key", B]);
    assert.equal(u.code, 0, u.stderr + u.stdout);
    assert.deepEqual(await snapshot(ea, a.vpcId), beforeA);
    assert.deepEqual(await snapshot(eb, b.vpcId), beforeB);
  });

  it("refuses overlapping CIDRs before any mutating call, with a clear message", async () => {
    const mark = await logTotal(lab);
    const r = await vpclab(lab, ["peer", "sa-east-1:" + (await defaultVpcId(lab, "sa-east-1")), "ca-central-1:" + (await defaultVpcId(lab, "ca-central-1")), "--allow", "icmp"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /CidrOverlap: cannot peer .*172\.31\.0\.0\/16 overlaps 172\.31\.0\.0\/16/);
    assert.match(r.stdout, /✖ Check that the address ranges do not overlap/);
    const calls = await logSince(lab, mark);
    assert.ok(calls.every((c) => c.action === "DescribeVpcs"), `only DescribeVpcs: ${calls.map((c) => c.action).join(",")}`);
  });

  it("rejects bad arguments clearly", async () => {
    const r = await vpclab(lab, ["peer", "tokyo", "ap-southeast-1:x"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /"tokyo" is not <region>:<vpc>/);
    const r2 = await vpclab(lab, ["peer", "us-east-1:nope", "us-west-2:nope", "--allow", "icmp,tcp:99999"]);
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /--allow: "tcp:99999"/);
    const r3 = await vpclab(lab, ["peer", "us-east-1:nope", "us-west-2:nope"]);
    assert.equal(r3.code, 1);
    assert.match(r3.stderr, /VpcNotFound: no VPC named "nope" in us-east-1/);
  });
});

async function defaultVpcId(lab: Lab, region: string): Promise<string> {
  const out = await lab.ec2(region).send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }));
  return out.Vpcs![0]!.VpcId!;
}
