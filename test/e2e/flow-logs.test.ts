/**
 * VPC flow logs through the SDK and the AWS CLI (Create/Describe/DeleteFlowLogs, their validation),
 * and the records that simulated traffic makes on the seed scenario: a ping that gets through (ACCEPT
 * at both interfaces, both ways) and one that Singapore's security group stops (ACCEPT out of Tokyo,
 * REJECT into Singapore, no reply), read through `GET /_vpclab/flow-logs` and `vpclab flows`.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import {
  CreateFlowLogsCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  DeleteSubnetCommand,
  DeleteFlowLogsCommand,
  DescribeFlowLogsCommand,
  DescribeInstancesCommand,
  DescribeTagsCommand,
  RevokeSecurityGroupIngressCommand,
  type CreateFlowLogsCommandInput,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { expectEc2Error, runVpclab, startLab, type Lab } from "../support/harness.js";
import { buildSeed, icmpFrom, type Seed } from "../support/seed.js";

interface Rec {
  seq: number;
  flowLogId: string;
  interfaceId: string;
  direction: "ingress" | "egress";
  srcaddr: string;
  dstaddr: string;
  srcport: number;
  dstport: number;
  protocol: number;
  packets: number;
  bytes: number;
  action: "ACCEPT" | "REJECT";
  logStatus: string;
  message: string;
  start: number;
  end: number;
  account: string;
  vpcId: string;
}

const ROLE = "arn:aws:iam::000000000000:role/flow-logs";

describe("VPC flow logs on the seed scenario", () => {
  let lab: Lab;
  let tokyo: EC2Client;
  let sg: EC2Client;
  let s: Seed;
  let sgEni: string;
  let vpcLog: string;
  let eniLog: string;
  let rejectLog: string;

  const records = async (query = "") => {
    const r = await lab.admin<{ records: Rec[]; last: number }>("GET", `/flow-logs${query}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };
  const ping = async () => {
    const r = await lab.admin<{ stats: { received: number } }>("POST", "/ping", { from: "tokyo-box", to: "singapore-box", count: 3 });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };

  before(async () => {
    lab = await startLab();
    tokyo = lab.ec2("ap-northeast-1");
    sg = lab.ec2("ap-southeast-1");
    s = await buildSeed(lab, tokyo, sg);
    const inst = await sg.send(new DescribeInstancesCommand({ InstanceIds: [s.singapore] }));
    sgEni = inst.Reservations![0]!.Instances![0]!.NetworkInterfaces![0]!.NetworkInterfaceId!;
  });
  after(async () => {
    await lab.close();
  });

  it("creates flow logs through the SDK (VPC, to CloudWatch Logs) and the AWS CLI (an interface, to S3, custom format)", async () => {
    const c = await tokyo.send(
      new CreateFlowLogsCommand({
        ResourceType: "VPC",
        ResourceIds: [s.vpc],
        TrafficType: "ALL",
        LogGroupName: "tokyo-flows",
        DeliverLogsPermissionArn: ROLE,
        TagSpecifications: [{ ResourceType: "vpc-flow-log", Tags: [{ Key: "team", Value: "net" }] }],
      }),
    );
    assert.equal(c.FlowLogIds?.length, 1);
    assert.deepEqual(c.Unsuccessful ?? [], []);
    vpcLog = c.FlowLogIds![0]!;
    assert.match(vpcLog, /^fl-[0-9a-f]{17}$/);

    const format = "${version} ${interface-id} ${srcaddr} ${dstaddr} ${protocol} ${packets} ${action} ${flow-direction} ${vpc-id}";
    const cli = await lab.cli(
      [
        "ec2", "create-flow-logs", "--resource-type", "NetworkInterface", "--resource-ids", sgEni, "--traffic-type", "ALL",
        "--log-destination-type", "s3", "--log-destination", "arn:aws:s3:::flow-bucket/singapore/", "--log-format", format,
        "--max-aggregation-interval", "60",
      ],
      { region: "ap-southeast-1" },
    );
    assert.equal(cli.code, 0, cli.stderr);
    eniLog = (cli.json as { FlowLogIds: string[] }).FlowLogIds[0]!;

    // Only REJECT traffic, on Singapore's subnet.
    const sgSubnet = (await sg.send(new DescribeInstancesCommand({ InstanceIds: [s.singapore] }))).Reservations![0]!.Instances![0]!.SubnetId!;
    const r = await sg.send(
      new CreateFlowLogsCommand({ ResourceType: "Subnet", ResourceIds: [sgSubnet], TrafficType: "REJECT", LogDestinationType: "s3", LogDestination: "arn:aws:s3:::flow-bucket" }),
    );
    rejectLog = r.FlowLogIds![0]!;

    const d = await tokyo.send(new DescribeFlowLogsCommand({ FlowLogIds: [vpcLog] }));
    const fl = d.FlowLogs![0]!;
    assert.equal(fl.ResourceId, s.vpc);
    assert.equal(fl.TrafficType, "ALL");
    assert.equal(fl.LogDestinationType, "cloud-watch-logs");
    assert.equal(fl.LogGroupName, "tokyo-flows");
    assert.equal(fl.LogDestination, "arn:aws:logs:ap-northeast-1:000000000000:log-group:tokyo-flows");
    assert.equal(fl.DeliverLogsPermissionArn, ROLE);
    assert.equal(fl.FlowLogStatus, "ACTIVE");
    assert.equal(fl.DeliverLogsStatus, "SUCCESS");
    assert.equal(fl.MaxAggregationInterval, 600);
    assert.equal(
      fl.LogFormat,
      "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}",
    );
    assert.deepEqual(fl.Tags, [{ Key: "team", Value: "net" }]);
    assert.ok(fl.CreationTime instanceof Date);

    const viaCli = await lab.cli(["ec2", "describe-flow-logs", "--filter", `Name=resource-id,Values=${sgEni}`], { region: "ap-southeast-1" });
    assert.equal(viaCli.code, 0, viaCli.stderr);
    const logs = (viaCli.json as { FlowLogs: { FlowLogId: string; LogFormat: string; MaxAggregationInterval: number; LogDestination: string }[] }).FlowLogs;
    assert.deepEqual(logs.map((l) => l.FlowLogId), [eniLog]);
    assert.equal(logs[0]!.LogFormat, format);
    assert.equal(logs[0]!.MaxAggregationInterval, 60);
    assert.equal(logs[0]!.LogDestination, "arn:aws:s3:::flow-bucket/singapore/");

    const byTag = await tokyo.send(new DescribeFlowLogsCommand({ Filter: [{ Name: "tag:team", Values: ["net"] }] }));
    assert.deepEqual(byTag.FlowLogs!.map((f) => f.FlowLogId), [vpcLog]);
    const byType = await sg.send(new DescribeFlowLogsCommand({ Filter: [{ Name: "traffic-type", Values: ["REJECT"] }] }));
    assert.deepEqual(byType.FlowLogs!.map((f) => f.FlowLogId), [rejectLog]);
  });

  it("a ping that gets through: ACCEPT out of and back into Tokyo's interface, into and out of Singapore's", async () => {
    const before = (await records()).last;
    const p = await ping();
    assert.equal(p.stats.received, 3);
    const { records: got } = await records(`?since=${before}`);

    const tokyoRecs = got.filter((r) => r.flowLogId === vpcLog);
    assert.equal(tokyoRecs.length, 2, JSON.stringify(tokyoRecs));
    const out = tokyoRecs.find((r) => r.direction === "egress")!;
    assert.equal(out.interfaceId, s.tokyoEni);
    assert.equal(out.srcaddr, s.tokyoIp);
    assert.equal(out.dstaddr, s.singaporeIp);
    assert.equal(out.protocol, 1);
    assert.equal(out.srcport, 0);
    assert.equal(out.packets, 3);
    assert.equal(out.bytes, 3 * 84);
    assert.equal(out.action, "ACCEPT");
    assert.equal(out.logStatus, "OK");
    assert.ok(out.end > out.start);
    // The default format, field by field.
    assert.equal(out.message, `2 000000000000 ${s.tokyoEni} ${s.tokyoIp} ${s.singaporeIp} 0 0 1 3 252 ${out.start} ${out.end} ACCEPT OK`);
    const back = tokyoRecs.find((r) => r.direction === "ingress")!;
    assert.equal(back.srcaddr, s.singaporeIp);
    assert.equal(back.dstaddr, s.tokyoIp);
    assert.equal(back.action, "ACCEPT");

    const sgRecs = got.filter((r) => r.flowLogId === eniLog);
    assert.deepEqual(
      sgRecs.map((r) => r.message).sort(),
      [
        `5 ${sgEni} ${s.singaporeIp} ${s.tokyoIp} 1 3 ACCEPT egress ${s.defVpc}`,
        `5 ${sgEni} ${s.tokyoIp} ${s.singaporeIp} 1 3 ACCEPT ingress ${s.defVpc}`,
      ].sort(),
    );
    // The REJECT-only flow log saw nothing.
    assert.equal(got.filter((r) => r.flowLogId === rejectLog).length, 0);
  });

  it("a ping that Singapore's security group stops: ACCEPT out of Tokyo, REJECT into Singapore, no reply", async () => {
    await sg.send(new RevokeSecurityGroupIngressCommand({ GroupId: s.sgS, IpPermissions: [icmpFrom("10.20.0.0/16")] }));
    const before = (await records()).last;
    const p = await ping();
    assert.equal(p.stats.received, 0);
    const { records: got } = await records(`?since=${before}`);
    assert.deepEqual(
      got.filter((r) => r.flowLogId === vpcLog).map((r) => [r.interfaceId, r.direction, r.action, r.srcaddr, r.dstaddr]),
      [[s.tokyoEni, "egress", "ACCEPT", s.tokyoIp, s.singaporeIp]],
    );
    assert.deepEqual(got.filter((r) => r.flowLogId === eniLog).map((r) => r.message), [`5 ${sgEni} ${s.tokyoIp} ${s.singaporeIp} 1 3 REJECT ingress ${s.defVpc}`]);
    const rejects = got.filter((r) => r.flowLogId === rejectLog);
    assert.equal(rejects.length, 1);
    assert.equal(rejects[0]!.action, "REJECT");
    assert.equal(rejects[0]!.interfaceId, sgEni);

    // Filters of the admin route.
    const onEni = await records(`?eni=${sgEni}&since=${before}`);
    assert.ok(onEni.records.length === 2 && onEni.records.every((r) => r.interfaceId === sgEni));
    const onVpc = await records(`?vpc=${s.vpc}&since=${before}`);
    assert.ok(onVpc.records.length === 1 && onVpc.records[0]!.vpcId === s.vpc);
    const bad = await lab.admin<{ error: { code: string } }>("GET", "/flow-logs?since=-3");
    assert.equal(bad.status, 400);
  });

  it("connect over TCP: SYN and ACK out, SYN-ACK back, with the ports", async () => {
    const before = (await records()).last;
    const c = await lab.admin<{ result: string }>("POST", "/connect", { from: "tokyo-box", to: "singapore-box", protocol: "tcp", port: 22 });
    assert.equal(c.body.result, "connected");
    const got = (await records(`?flowLogId=${vpcLog}&since=${before}`)).records;
    assert.deepEqual(
      got.map((r) => [r.direction, r.srcaddr, r.srcport, r.dstaddr, r.dstport, r.protocol, r.packets, r.bytes, r.action]),
      [
        ["egress", s.tokyoIp, 49152, s.singaporeIp, 22, 6, 2, 112, "ACCEPT"],
        ["ingress", s.singaporeIp, 22, s.tokyoIp, 49152, 6, 1, 60, "ACCEPT"],
      ],
    );
  });

  it("a pure analysis (why) is not traffic and makes no records", async () => {
    const before = (await records()).last;
    const a = await lab.admin<{ verdict: string }>("POST", "/analyze", { from: "tokyo-box", to: "singapore-box" });
    assert.equal(a.status, 200);
    assert.equal(a.body.verdict, "blocked");
    const after = await records(`?since=${before}`);
    assert.equal(after.last, before);
    assert.equal(after.records.length, 0);
  });

  it("vpclab flows prints the records as each flow log's format writes them (--eni, --vpc, --json)", async () => {
    const eni = await runVpclab(["flows", "--eni", sgEni, "--endpoint-url", lab.url]);
    assert.equal(eni.code, 0, eni.stderr);
    const lines = eni.stdout.trim().split("\n");
    assert.ok(lines.includes(`${eniLog} 5 ${sgEni} ${s.tokyoIp} ${s.singaporeIp} 1 3 REJECT ingress ${s.defVpc}`), eni.stdout);
    assert.ok(lines.includes(`${eniLog} 5 ${sgEni} ${s.tokyoIp} ${s.singaporeIp} 1 3 ACCEPT ingress ${s.defVpc}`), eni.stdout);
    const vpc = await runVpclab(["flows", "--vpc", s.vpc, "--json", "--endpoint-url", lab.url]);
    assert.equal(vpc.code, 0, vpc.stderr);
    const doc = JSON.parse(vpc.stdout) as { records: Rec[] };
    assert.deepEqual(
      doc.records.map((r) => [r.direction, r.action]),
      [
        ["egress", "ACCEPT"], // the ping that got through, and its replies
        ["ingress", "ACCEPT"],
        ["egress", "ACCEPT"], // the ping Singapore refused: no reply
        ["egress", "ACCEPT"], // the TCP connection
        ["ingress", "ACCEPT"],
      ],
    );
    const sgOnly = await runVpclab(["flows", "--region", "ap-southeast-1", "--json", "--endpoint-url", lab.url]);
    assert.equal(sgOnly.code, 0, sgOnly.stderr);
    const sgDoc = JSON.parse(sgOnly.stdout) as { records: (Rec & { region: string })[] };
    assert.ok(sgDoc.records.length > 0 && sgDoc.records.every((r) => r.region === "ap-southeast-1"));
    const both = await runVpclab(["flows", "--vpc", s.vpc, "--eni", sgEni, "--endpoint-url", lab.url]);
    assert.notEqual(both.code, 0);
  });

  it("vpclab flows --follow prints records made after it started", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/bin/vpclab.ts", "flows", "--follow", "--json", "--interval", "0.2", "--vpc", s.vpc, "--endpoint-url", lab.url], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      let out = "";
      const lines = () => out.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Rec);
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      const waitFor = async (n: number) => {
        for (let i = 0; i < 300 && lines().length < n; i++) await new Promise((r) => setTimeout(r, 100));
        return lines();
      };
      // The records already there come first, then the new ping's egress record.
      const n = (await records(`?vpc=${s.vpc}`)).records.length;
      assert.equal((await waitFor(n)).length, n, out);
      await ping();
      const all = await waitFor(n + 1);
      assert.equal(all.length, n + 1, out);
      assert.deepEqual([all[n]!.interfaceId, all[n]!.direction, all[n]!.action], [s.tokyoEni, "egress", "ACCEPT"]);
      assert.ok(all[n]!.seq > all[n - 1]!.seq);
    } finally {
      child.kill("SIGINT");
    }
  });

  it("Internet traffic: the interface's records carry its private address, not its public one", async () => {
    const inst = (await sg.send(new DescribeInstancesCommand({ InstanceIds: [s.singapore] }))).Reservations![0]!.Instances![0]!;
    const publicIp = inst.PublicIpAddress!;
    assert.ok(publicIp);
    let before = (await records()).last;
    const out = await lab.admin<{ stats: { received: number } }>("POST", "/ping", { from: "singapore-box", to: "8.8.8.8", count: 2 });
    assert.equal(out.body.stats.received, 2);
    let got = (await records(`?flowLogId=${eniLog}&since=${before}`)).records;
    assert.deepEqual(got.map((r) => [r.direction, r.srcaddr, r.dstaddr, r.action, r.packets]), [
      ["egress", s.singaporeIp, "8.8.8.8", "ACCEPT", 2],
      ["ingress", "8.8.8.8", s.singaporeIp, "ACCEPT", 2],
    ]);
    // From the Internet to the public IP: the group does not let ICMP in from there.
    before = (await records()).last;
    const inbound = await lab.admin<{ stats: { received: number } }>("POST", "/ping", { from: "internet", to: publicIp, count: 1 });
    assert.equal(inbound.body.stats.received, 0);
    got = (await records(`?flowLogId=${eniLog}&since=${before}`)).records;
    assert.deepEqual(got.map((r) => [r.direction, r.srcaddr, r.dstaddr, r.action]), [["ingress", "203.0.113.10", s.singaporeIp, "REJECT"]]);
  });

  it("flow logs are saved with the state; their records are not", async () => {
    const saved = await fetch(`${lab.url}/_vpclab/state/save`, { method: "POST" });
    const text = await saved.text();
    assert.ok(text.includes(vpcLog));
    const loaded = await fetch(`${lab.url}/_vpclab/state/load`, { method: "POST", headers: { "content-type": "application/json" }, body: text });
    assert.equal(loaded.status, 200, await loaded.text());
    const d = await tokyo.send(new DescribeFlowLogsCommand({ FlowLogIds: [vpcLog] }));
    assert.equal(d.FlowLogs![0]!.LogGroupName, "tokyo-flows");
    assert.equal((await records(`?flowLogId=${vpcLog}`)).records.length, 0);
    const before = (await records()).last;
    await ping();
    assert.equal((await records(`?flowLogId=${vpcLog}&since=${before}`)).records.length, 1);
  });

  it("refuses what AWS refuses, and what vpclab does not model", async () => {
    const base: CreateFlowLogsCommandInput = { ResourceType: "VPC", ResourceIds: [s.vpc], TrafficType: "ALL", LogDestinationType: "s3", LogDestination: "arn:aws:s3:::other-bucket" };
    const bad = async (over: Partial<CreateFlowLogsCommandInput>, code: string, message?: RegExp) => {
      const err = await expectEc2Error(tokyo.send(new CreateFlowLogsCommand({ ...base, ...over })), code);
      if (message) assert.match(err.message, message);
    };
    await bad({ LogDestinationType: "cloud-watch-logs", LogDestination: undefined, LogGroupName: "g" }, "InvalidParameter", /DeliverLogsPermissionArn can't be empty if LogDestinationType is cloud-watch-logs/);
    await bad({ LogDestinationType: "cloud-watch-logs", LogDestination: undefined, DeliverLogsPermissionArn: ROLE }, "InvalidParameter", /LogDestination can't be empty/);
    await bad({ LogGroupName: "g" }, "InvalidParameter", /must be cloud-watch-logs if LogGroupName is provided/);
    await bad({ DeliverLogsPermissionArn: ROLE }, "InvalidParameter", /not applicable for s3/);
    await bad({ LogDestination: "my-bucket" }, "InvalidParameter");
    await bad({ MaxAggregationInterval: 120 }, "InvalidParameter", /Max Aggregation Interval/);
    await bad({ LogFormat: "${version} ${no-such-field}" }, "InvalidParameter", /no-such-field/);
    await bad({ LogFormat: "version srcaddr" }, "InvalidParameter");
    await bad({ TrafficType: "SOME" as never }, "InvalidParameterValue");
    await bad({ TrafficType: undefined }, "MissingParameter");
    await bad({ ResourceType: "TransitGateway" }, "InvalidParameter", /does not model/);
    await bad({ LogDestinationType: "kinesis-data-firehose" }, "InvalidParameter", /does not model/);
    await bad({ ResourceIds: ["vpc-0123456789abcdef0"] }, "InvalidVpcID.NotFound");
    await bad({ ResourceType: "Subnet", ResourceIds: ["subnet-0123456789abcdef0"] }, "InvalidSubnetID.NotFound");

    // The same resource and destination twice: refused per resource in Unsuccessful, the rest created.
    const first = await tokyo.send(new CreateFlowLogsCommand(base));
    assert.equal(first.FlowLogIds?.length, 1);
    const again = await tokyo.send(new CreateFlowLogsCommand(base));
    assert.deepEqual(again.FlowLogIds, []);
    assert.equal(again.Unsuccessful?.[0]?.ResourceId, s.vpc);
    assert.equal(again.Unsuccessful?.[0]?.Error?.Code, "FlowLogAlreadyExists");

    // ClientToken: a retry answers the same flow log.
    const t1 = await tokyo.send(new CreateFlowLogsCommand({ ...base, LogDestination: "arn:aws:s3:::third", ClientToken: "tok-1" }));
    const t2 = await tokyo.send(new CreateFlowLogsCommand({ ...base, LogDestination: "arn:aws:s3:::third", ClientToken: "tok-1" }));
    assert.deepEqual(t2.FlowLogIds, t1.FlowLogIds);

    // Tags through CreateTags (the registry of kinds knows fl- ids) and DescribeTags.
    await tokyo.send(new CreateTagsCommand({ Resources: [first.FlowLogIds![0]!], Tags: [{ Key: "k", Value: "v" }] }));
    const tags = await tokyo.send(new DescribeTagsCommand({ Filters: [{ Name: "resource-type", Values: ["vpc-flow-log"] }] }));
    assert.ok(tags.Tags!.some((t) => t.ResourceId === first.FlowLogIds![0] && t.Key === "k"));
    await expectEc2Error(tokyo.send(new CreateTagsCommand({ Resources: ["fl-0123456789abcdef0"], Tags: [{ Key: "k", Value: "v" }] })), "InvalidFlowLogId.NotFound");

    // Delete: unknown ids come back in Unsuccessful, known ones go.
    const del = await tokyo.send(new DeleteFlowLogsCommand({ FlowLogIds: [first.FlowLogIds![0]!, "fl-0123456789abcdef0"] }));
    assert.deepEqual(del.Unsuccessful?.map((u) => [u.ResourceId, u.Error?.Code]), [["fl-0123456789abcdef0", "InvalidFlowLogId.NotFound"]]);
    await expectEc2Error(tokyo.send(new DescribeFlowLogsCommand({ FlowLogIds: [first.FlowLogIds![0]!] })), "InvalidFlowLogId.NotFound");
    const cliDel = await lab.cli(["ec2", "delete-flow-logs", "--flow-log-ids", eniLog], { region: "ap-southeast-1" });
    assert.equal(cliDel.code, 0, cliDel.stderr);
    // Its records go with it.
    assert.equal((await records(`?flowLogId=${eniLog}`)).records.length, 0);
    await expectEc2Error(tokyo.send(new DescribeFlowLogsCommand({ Filter: [{ Name: "no-such-filter", Values: ["x"] }] })), "InvalidParameterValue");
  });

  it("a flow log goes with its resource", async () => {
    const subnet = (await tokyo.send(new CreateSubnetCommand({ VpcId: s.vpc, CidrBlock: "10.20.9.0/24" }))).Subnet!.SubnetId!;
    const fl = (
      await tokyo.send(
        new CreateFlowLogsCommand({
          ResourceType: "Subnet",
          ResourceIds: [subnet],
          TrafficType: "ALL",
          LogDestinationType: "s3",
          LogDestination: "arn:aws:s3:::gone",
          TagSpecifications: [{ ResourceType: "vpc-flow-log", Tags: [{ Key: "gone", Value: "soon" }] }],
        }),
      )
    ).FlowLogIds![0]!;
    assert.equal((await tokyo.send(new DescribeFlowLogsCommand({ Filter: [{ Name: "resource-id", Values: [subnet] }] }))).FlowLogs!.length, 1);
    await tokyo.send(new DeleteSubnetCommand({ SubnetId: subnet }));
    assert.equal((await tokyo.send(new DescribeFlowLogsCommand({ Filter: [{ Name: "resource-id", Values: [subnet] }] }))).FlowLogs!.length, 0);
    const tags = await tokyo.send(new DescribeTagsCommand({ Filters: [{ Name: "key", Values: ["gone"] }] }));
    assert.deepEqual(tags.Tags, []);
    await expectEc2Error(tokyo.send(new DeleteFlowLogsCommand({ FlowLogIds: [fl] })).then((r) => {
      if (r.Unsuccessful?.[0]?.Error?.Code) throw Object.assign(new Error(r.Unsuccessful[0].Error.Message), { name: r.Unsuccessful[0].Error.Code });
    }), "InvalidFlowLogId.NotFound");
  });
});
