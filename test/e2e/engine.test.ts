/**
 * The network engine end to end: the seed scenario built through the SDK (and a few AWS CLI calls),
 * then asked through the admin JSON API (`/_vpclab/ping|connect|trace|analyze`): pings both ways at
 * ~70.6 ms with 0 % loss, TCP 22 seen from the sender's private IP, no Internet from Tokyo, a revoked
 * ICMP rule named as the blocker, and the seed's 172.16.0.0/24 typo route explained twice.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  AcceptVpcPeeringConnectionCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateRouteCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  RunInstancesCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { startLab, type Lab } from "../support/harness.js";

const TOKYO = "ap-northeast-1";
const SING = "ap-southeast-1";
const AMI = "ami-0123456789abcdef0";

interface Explanation {
  code: string;
  onPath: boolean;
  reason: string;
  fix: string;
  securityGroupIds?: string[];
  routeTableId?: string;
  route?: { destinationCidr: string; target: string };
  vpcPeeringConnectionId?: string;
  direction?: string;
}
interface AnalyzeBody {
  verdict: string;
  sourceAddressSeenByReceiver?: string;
  pathMtu: number;
  rttMs: number;
  forward: { kind: string; id: string }[];
  explanations: Explanation[];
}
interface PingBody {
  replies: { seq: number; ttl: number; rttMs: number }[];
  errors: { error: string }[];
  stats: { transmitted: number; received: number; lossPercent: number; min: number; avg: number; max: number; mdev: number };
  explanations: Explanation[];
}

describe("network engine through the admin API, on the seed", () => {
  let lab: Lab;
  let tokyo: EC2Client;
  let sing: EC2Client;
  const ids = {} as {
    tVpc: string;
    sVpc: string;
    pcx: string;
    tRtb: string;
    sRtb: string;
    tSg: string;
    sSg: string;
    tInst: string;
    sInst: string;
    tIp: string;
    sIp: string;
  };

  before(async () => {
    lab = await startLab();
    tokyo = lab.ec2(TOKYO);
    sing = lab.ec2(SING);
    // Steps 1–2: Tokyo's new VPC and subnet.
    ids.tVpc = (await tokyo.send(new CreateVpcCommand({ CidrBlock: "10.20.0.0/16" }))).Vpc!.VpcId!;
    const tSubnet = (await tokyo.send(new CreateSubnetCommand({ VpcId: ids.tVpc, CidrBlock: "10.20.1.0/24", AvailabilityZone: "ap-northeast-1a" }))).Subnet!.SubnetId!;
    // Singapore's default VPC.
    ids.sVpc = (await sing.send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }))).Vpcs![0]!.VpcId!;
    const sSubnet = (await sing.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [ids.sVpc] }] }))).Subnets!.find((s) => s.AvailabilityZone === "ap-southeast-1a")!.SubnetId!;
    // Steps 3–4: peering requested from Tokyo, accepted in Singapore.
    ids.pcx = (await tokyo.send(new CreateVpcPeeringConnectionCommand({ VpcId: ids.tVpc, PeerVpcId: ids.sVpc, PeerRegion: SING }))).VpcPeeringConnection!.VpcPeeringConnectionId!;
    await sing.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [ids.pcx] }));
    await sing.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: ids.pcx }));
    // Step 5: routes on both sides (main route tables).
    const main = async (c: EC2Client, vpc: string) =>
      (await c.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpc] }, { Name: "association.main", Values: ["true"] }] }))).RouteTables![0]!.RouteTableId!;
    ids.tRtb = await main(tokyo, ids.tVpc);
    ids.sRtb = await main(sing, ids.sVpc);
    await tokyo.send(new CreateRouteCommand({ RouteTableId: ids.tRtb, DestinationCidrBlock: "172.31.0.0/16", VpcPeeringConnectionId: ids.pcx }));
    await sing.send(new CreateRouteCommand({ RouteTableId: ids.sRtb, DestinationCidrBlock: "10.20.0.0/16", VpcPeeringConnectionId: ids.pcx }));
    // Step 6: security groups allowing ICMP and TCP 22 from the peer's CIDR, and one instance each side.
    const group = async (c: EC2Client, vpc: string, peer: string) => {
      const id = (await c.send(new CreateSecurityGroupCommand({ GroupName: "seed", Description: "seed", VpcId: vpc }))).GroupId!;
      await c.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: id,
          IpPermissions: [
            { IpProtocol: "icmp", FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: peer }] },
            { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: peer }] },
          ],
        }),
      );
      return id;
    };
    ids.tSg = await group(tokyo, ids.tVpc, "172.31.0.0/16");
    ids.sSg = await group(sing, ids.sVpc, "10.20.0.0/16");
    const run = async (c: EC2Client, subnet: string, sg: string, name: string) => {
      const i = (
        await c.send(
          new RunInstancesCommand({
            ImageId: AMI,
            InstanceType: "t3.micro",
            MinCount: 1,
            MaxCount: 1,
            SubnetId: subnet,
            SecurityGroupIds: [sg],
            TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "Name", Value: name }] }],
          }),
        )
      ).Instances![0]!;
      return { id: i.InstanceId!, ip: i.PrivateIpAddress! };
    };
    const t = await run(tokyo, tSubnet, ids.tSg, "seed-tokyo");
    const s = await run(sing, sSubnet, ids.sSg, "seed-singapore");
    ids.tInst = t.id;
    ids.tIp = t.ip;
    ids.sInst = s.id;
    ids.sIp = s.ip;
  });

  after(async () => {
    await lab?.close();
  });

  test("ping Singapore → Tokyo and Tokyo → Singapore: 0 % loss, average within 10 % of 70.6 ms", async () => {
    for (const [from, to] of [
      [ids.sInst, ids.tInst],
      ["seed-tokyo", "seed-singapore"],
    ] as const) {
      const { status, body } = await lab.admin<PingBody>("POST", "/ping", { from, to, count: 10, intervalMs: 200 });
      assert.equal(status, 200, JSON.stringify(body));
      assert.equal(body.stats.transmitted, 10);
      assert.equal(body.stats.received, 10, JSON.stringify(body.explanations));
      assert.equal(body.stats.lossPercent, 0);
      assert.ok(Math.abs(body.stats.avg - 70.6) / 70.6 < 0.1, `avg ${body.stats.avg}`);
      assert.ok(body.stats.min <= body.stats.avg && body.stats.avg <= body.stats.max);
      assert.deepEqual(body.replies.map((r) => r.seq), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    }
  });

  test("connect tcp 22 Tokyo → Singapore: connected, the receiver sees Tokyo's private IP", async () => {
    const { status, body } = await lab.admin<{ result: string; sourceAddressSeenByReceiver: string }>("POST", "/connect", {
      from: ids.tInst,
      to: ids.sIp,
      protocol: "tcp",
      port: 22,
    });
    assert.equal(status, 200);
    assert.equal(body.result, "connected");
    assert.equal(body.sourceAddressSeenByReceiver, ids.tIp);
    // Port 80 is not open in the group: dropped silently, as on AWS.
    const closed = await lab.admin<{ result: string }>("POST", "/connect", { from: ids.tInst, to: ids.sIp, protocol: "tcp", port: 80 });
    assert.equal(closed.body.result, "timed-out");
  });

  test("analyze: the path crosses the peering, MTU 8500, hops name the route and the pcx", async () => {
    const { body } = await lab.admin<AnalyzeBody>("POST", "/analyze", { from: ids.tInst, to: ids.sInst });
    assert.equal(body.verdict, "reachable");
    assert.equal(body.pathMtu, 8500);
    assert.equal(body.sourceAddressSeenByReceiver, ids.tIp);
    assert.ok(body.forward.some((h) => h.kind === "route-table" && h.id === ids.tRtb));
    assert.ok(body.forward.some((h) => h.kind === "pcx" && h.id === ids.pcx));
    const trace = await lab.admin<{ reached: boolean; hops: { address: string }[] }>("POST", "/trace", { from: ids.tInst, to: ids.sInst });
    assert.equal(trace.body.reached, true);
    assert.deepEqual(trace.body.hops.map((h) => h.address), [ids.sIp]);
  });

  test("Tokyo → 8.8.8.8 is blocked: the explanation names the missing route to an internet gateway", async () => {
    const { body } = await lab.admin<AnalyzeBody>("POST", "/analyze", { from: "seed-tokyo", to: "8.8.8.8" });
    assert.equal(body.verdict, "blocked");
    const e = body.explanations.find((x) => x.code === "NO_ROUTE_TO_DESTINATION")!;
    assert.ok(e, JSON.stringify(body.explanations));
    assert.equal(e.routeTableId, ids.tRtb);
    assert.match(e.reason, /internet gateway/);
    const ping = await lab.admin<PingBody>("POST", "/ping", { from: "seed-tokyo", to: "8.8.8.8", count: 3 });
    assert.equal(ping.body.stats.lossPercent, 100);
  });

  test("bad input gets a 4xx JSON error", async () => {
    const missing = await lab.admin<{ error: { code: string } }>("POST", "/ping", { to: "8.8.8.8" });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.code, "MissingParameter");
    const unknown = await lab.admin<{ error: { code: string } }>("POST", "/analyze", { from: "i-0000000000000dead", to: "8.8.8.8" });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.code, "InvalidInstanceID.NotFound");
    const badProto = await lab.admin<{ error: { code: string } }>("POST", "/analyze", { from: ids.tInst, to: "8.8.8.8", protocol: "gre" });
    assert.equal(badProto.status, 400);
    const noPort = await lab.admin<{ error: { code: string } }>("POST", "/connect", { from: ids.tInst, to: ids.sIp });
    assert.equal(noPort.status, 400);
  });

  test("revoking the ICMP rule (AWS CLI) makes ping fail, and the analysis names the security group", async () => {
    const r = await lab.cli(
      ["ec2", "revoke-security-group-ingress", "--group-id", ids.sSg, "--protocol", "icmp", "--port", "-1", "--cidr", "10.20.0.0/16"],
      { region: SING },
    );
    assert.equal(r.code, 0, r.stderr);
    const { body } = await lab.admin<PingBody>("POST", "/ping", { from: ids.tInst, to: ids.sInst, count: 4 });
    assert.equal(body.stats.received, 0);
    assert.equal(body.stats.lossPercent, 100);
    const e = body.explanations.find((x) => x.code === "ENI_SG_RULES_MISMATCH")!;
    assert.ok(e, JSON.stringify(body.explanations));
    assert.deepEqual(e.securityGroupIds, [ids.sSg]);
    assert.equal(e.direction, "ingress");
    assert.match(e.fix, new RegExp(ids.sSg));
    // SSH still works: only ICMP was revoked.
    const ssh = await lab.admin<{ result: string }>("POST", "/connect", { from: ids.tInst, to: ids.sInst, protocol: "tcp", port: 22 });
    assert.equal(ssh.body.result, "connected");
  });

  test("the seed's typo route 172.16.0.0/24 → pcx gives NO_ROUTE_TO_DESTINATION and PCX_REQUIRES_ADDRESS_IN_VPC_CIDR", async () => {
    const del = await lab.cli(["ec2", "delete-route", "--route-table-id", ids.tRtb, "--destination-cidr-block", "172.31.0.0/16"], { region: TOKYO });
    assert.equal(del.code, 0, del.stderr);
    const add = await lab.cli(
      ["ec2", "create-route", "--route-table-id", ids.tRtb, "--destination-cidr-block", "172.16.0.0/24", "--vpc-peering-connection-id", ids.pcx],
      { region: TOKYO },
    );
    assert.equal(add.code, 0, add.stderr);
    const { body } = await lab.admin<AnalyzeBody>("POST", "/analyze", { from: ids.tInst, to: ids.sInst, protocol: "tcp", port: 22 });
    assert.equal(body.verdict, "blocked");
    assert.deepEqual(body.explanations.map((e) => e.code), ["NO_ROUTE_TO_DESTINATION", "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"]);
    const lint = body.explanations[1]!;
    assert.equal(lint.route?.destinationCidr, "172.16.0.0/24");
    assert.equal(lint.vpcPeeringConnectionId, ids.pcx);
    assert.match(body.explanations[0]!.fix, /172\.31\.0\.0\/16/);
  });
});
