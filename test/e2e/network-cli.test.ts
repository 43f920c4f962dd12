/**
 * `vpclab ping|trace|connect|why` end to end: the seed scenario (Tokyo 10.20.0.0/16 peered with
 * Singapore's default VPC) built through the SDK and the AWS CLI against a real server, then the vpclab
 * CLI run as a subprocess against it, its printed output parsed as a user would read it.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateRouteCommand,
  CreateTagsCommand,
  DeleteTagsCommand,
  DeleteRouteCommand,
  RevokeSecurityGroupIngressCommand,
  RunInstancesCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { startLab, type Lab, runVpclab } from "../support/harness.js";
import { buildSeed, icmpFrom, sshFrom, type Seed } from "../support/seed.js";


const vpclab = (lab: Lab, args: string[]) => runVpclab([...args, "--endpoint-url", lab.url]);

/** The figures of ping's summary block. */
function pingSummary(out: string) {
  const tx = /^(\d+) packets transmitted, (\d+) received(?:, \+(\d+) errors)?, ([\d.]+)% packet loss, time (\d+)ms$/m.exec(out);
  assert.ok(tx, `no statistics line in:\n${out}`);
  const rtt = /^rtt min\/avg\/max\/mdev = ([\d.]+)\/([\d.]+)\/([\d.]+)\/([\d.]+) ms$/m.exec(out);
  return {
    transmitted: Number(tx[1]),
    received: Number(tx[2]),
    errors: tx[3] ? Number(tx[3]) : 0,
    loss: Number(tx[4]),
    timeMs: Number(tx[5]),
    rtt: rtt ? { min: Number(rtt[1]), avg: Number(rtt[2]), max: Number(rtt[3]), mdev: Number(rtt[4]) } : undefined,
  };
}

const TOKYO_SINGAPORE_MS = 70.6;

describe("vpclab network CLI on the seed scenario", () => {
  let lab: Lab;
  let tokyo: EC2Client;
  let sg: EC2Client;
  let s: Seed;

  before(async () => {
    lab = await startLab();
    tokyo = lab.ec2("ap-northeast-1");
    sg = lab.ec2("ap-southeast-1");
    s = await buildSeed(lab, tokyo, sg, "cli");
  });
  after(async () => {
    await lab?.close();
  });

  it("pings Singapore from Tokyo by Name tag: Linux ping's output, ~70.6 ms, 0% loss", async () => {
    const r = await vpclab(lab, ["ping", "tokyo-box", "singapore-box", "-c", "10", "--fast"]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split("\n");
    assert.equal(lines[0], `PING singapore-box (${s.singaporeIp}) 56(84) bytes of data.`);
    const replies = lines.filter((l) => l.startsWith("64 bytes from"));
    assert.equal(replies.length, 10);
    replies.forEach((l, i) => assert.match(l, new RegExp(`^64 bytes from ${s.singaporeIp.replace(/\./g, "\\.")}: icmp_seq=${i + 1} ttl=64 time=\\d+\\.\\d ms$`)));
    assert.ok(lines.includes("--- singapore-box ping statistics ---"), r.stdout);
    const sum = pingSummary(r.stdout);
    assert.deepEqual([sum.transmitted, sum.received, sum.loss], [10, 10, 0]);
    assert.ok(sum.rtt, "rtt line");
    assert.ok(Math.abs(sum.rtt.avg - TOKYO_SINGAPORE_MS) <= TOKYO_SINGAPORE_MS * 0.1, `avg ${sum.rtt.avg}`);
    assert.ok(sum.rtt.min <= sum.rtt.avg && sum.rtt.avg <= sum.rtt.max);
  });

  it("pings Tokyo from Singapore by instance id, and the other way by IP", async () => {
    const back = await vpclab(lab, ["ping", s.singapore, s.tokyo, "-c", "5", "--fast"]);
    assert.equal(back.code, 0, back.stderr);
    const sum = pingSummary(back.stdout);
    assert.deepEqual([sum.transmitted, sum.received, sum.loss], [5, 5, 0]);
    assert.ok(Math.abs(sum.rtt!.avg - TOKYO_SINGAPORE_MS) <= TOKYO_SINGAPORE_MS * 0.1, `avg ${sum.rtt!.avg}`);
    assert.match(back.stdout, new RegExp(`^PING ${s.tokyo} \\(${s.tokyoIp.replace(/\./g, "\\.")}\\) 56\\(84\\)`));
    const byIp = await vpclab(lab, ["ping", s.tokyoIp, s.singaporeIp, "-c", "3", "--fast", "--region", "ap-northeast-1"]);
    assert.equal(byIp.code, 0, byIp.stderr);
    assert.match(byIp.stdout, new RegExp(`^PING ${s.singaporeIp.replace(/\./g, "\\.")} \\(${s.singaporeIp.replace(/\./g, "\\.")}\\)`));
    assert.equal(pingSummary(byIp.stdout).received, 3);
  });

  it("paces in real time without --fast (interval -i)", async () => {
    const r = await vpclab(lab, ["ping", "tokyo-box", "singapore-box", "-c", "3", "-i", "0.25"]);
    assert.equal(r.code, 0, r.stderr);
    const sum = pingSummary(r.stdout);
    assert.equal(sum.received, 3);
    // Two intervals plus the last reply's round trip, in real time.
    assert.ok(sum.timeMs >= 500 + 60, `time ${sum.timeMs}ms`);
    assert.equal(r.stdout.split("\n").filter((l) => /icmp_seq=\d+ ttl=64/.test(l)).length, 3);
  });

  it("connect on TCP 22 shows the sender's private IP", async () => {
    const r = await vpclab(lab, ["connect", "tokyo-box", "singapore-box:22"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^Connection to ${s.singaporeIp.replace(/\./g, "\\.")} port 22 \\[tcp\\] succeeded`, "m"));
    assert.match(r.stdout, new RegExp(`come from ${s.tokyoIp.replace(/\./g, "\\.")} \\(the sender's private IP`));
    const json = await vpclab(lab, ["connect", s.singapore, `${s.tokyoIp}:22`, "--json"]);
    assert.equal(json.code, 0, json.stderr);
    const body = JSON.parse(json.stdout) as { result: string; sourceAddressSeenByReceiver: string };
    assert.equal(body.result, "connected");
    assert.equal(body.sourceAddressSeenByReceiver, s.singaporeIp);
  });

  it("connect to a reachable port where nothing listens is refused (vpclab:listen tag)", async () => {
    await sg.send(new CreateTagsCommand({ Resources: [s.singapore], Tags: [{ Key: "vpclab:listen", Value: "80,443" }] }));
    try {
      const r = await vpclab(lab, ["connect", "tokyo-box", "singapore-box:22"]);
      assert.equal(r.code, 1);
      assert.match(r.stdout, new RegExp(`^connect to ${s.singaporeIp.replace(/\./g, "\\.")} port 22 \\(tcp\\) failed: Connection refused$`, "m"));
      assert.match(r.stdout, new RegExp(`the receiver saw source ${s.tokyoIp.replace(/\./g, "\\.")}`));
    } finally {
      await sg.send(new DeleteTagsCommand({ Resources: [s.singapore], Tags: [{ Key: "vpclab:listen" }] }));
    }
  });

  it("connect to a port no rule opens times out and points to `vpclab why`", async () => {
    const r = await vpclab(lab, ["connect", "tokyo-box", "singapore-box:80"]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /port 80 \(tcp\) failed: Connection timed out/);
    assert.match(r.stdout, /Blocked: ENI_SG_RULES_MISMATCH at sg-[0-9a-f]+ \(ap-southeast-1\)\. Run `vpclab why tokyo-box singapore-box --protocol tcp --port 80`/);
  });

  it("Tokyo cannot reach 8.8.8.8: ping loses everything, why names the missing route to an internet gateway", async () => {
    const p = await vpclab(lab, ["ping", "tokyo-box", "8.8.8.8", "-c", "3", "--fast"]);
    assert.equal(p.code, 1);
    assert.ok(!p.stdout.includes("bytes from"), p.stdout);
    const sum = pingSummary(p.stdout);
    assert.deepEqual([sum.transmitted, sum.received, sum.loss], [3, 0, 100]);
    assert.equal(sum.rtt, undefined);
    assert.match(p.stdout, new RegExp(`Blocked: NO_ROUTE_TO_DESTINATION at ${s.rtT}`));
    const w = await vpclab(lab, ["why", "tokyo-box", "8.8.8.8"]);
    assert.equal(w.code, 1);
    assert.match(w.stdout, new RegExp(`NO_ROUTE_TO_DESTINATION — route table ${s.rtT} \\(ap-northeast-1`));
    assert.match(w.stdout, /no route to an internet gateway/);
    assert.match(w.stdout, /fix: +create and attach an internet gateway/);
    assert.match(w.stdout, /^Verdict: BLOCKED — .* cannot reach 8\.8\.8\.8/m);
    const t = await vpclab(lab, ["trace", "tokyo-box", "8.8.8.8"]);
    assert.equal(t.code, 1);
    assert.match(t.stdout, /^traceroute to 8\.8\.8\.8 \(8\.8\.8\.8\), 30 hops max, 60 byte packets$/m);
    assert.match(t.stdout, /^ 1  \* \* \*$/m);
    assert.match(t.stdout, new RegExp(`stopped at ${s.rtT} \\(route table, ap-northeast-1\\): NO_ROUTE_TO_DESTINATION`));
  });

  it("trace crosses the peering and names the components", async () => {
    const r = await vpclab(lab, ["trace", "tokyo-box", "singapore-box"]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split("\n");
    assert.equal(lines[0], `traceroute to singapore-box (${s.singaporeIp}), 30 hops max, 60 byte packets`);
    const hop = new RegExp(`^ 1  ${s.singaporeIp.replace(/\./g, "\\.")} \\(${s.singaporeIp.replace(/\./g, "\\.")}\\)  ([\\d.]+) ms  ([\\d.]+) ms  ([\\d.]+) ms  \\[${s.singapore} via ${s.rtT} \\(172\\.31\\.0\\.0/16 → ${s.pcx}\\) → ${s.pcx} → ${s.defVpc}\\]$`).exec(lines[1]!);
    assert.ok(hop, lines[1]);
    for (const ms of hop.slice(1, 4).map(Number)) assert.ok(Math.abs(ms - TOKYO_SINGAPORE_MS) < 7, `${ms}`);
  });

  it("why on a working path prints every hop with what decided it, and a one-line verdict", async () => {
    const r = await vpclab(lab, ["why", "tokyo-box", "singapore-box", "--protocol", "tcp", "--port", "22"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Forward path/m);
    assert.match(r.stdout, new RegExp(`route table — decided by route 172\\.31\\.0\\.0/16 → ${s.pcx} \\(active\\)`));
    assert.match(r.stdout, new RegExp(`${s.sgS} \\[ap-southeast-1\\]  security group, inbound — decided by rule sgr-[0-9a-f]+ of ${s.sgS}`));
    assert.match(r.stdout, /network ACL, outbound — decided by NACL rule #100/);
    assert.match(r.stdout, /^Return path/m);
    assert.match(r.stdout, new RegExp(`^Verdict: REACHABLE — ${s.tokyoIp.replace(/\./g, "\\.")} reaches ${s.singaporeIp.replace(/\./g, "\\.")} over TCP port 22; .*path MTU 8500, the receiver sees source ${s.tokyoIp.replace(/\./g, "\\.")}\\.$`, "m"));
    const json = await vpclab(lab, ["why", "tokyo-box", "singapore-box", "--json"]);
    assert.equal(json.code, 0);
    const a = JSON.parse(json.stdout) as { verdict: string; pathMtu: number; forward: { kind: string }[] };
    assert.equal(a.verdict, "reachable");
    assert.equal(a.pathMtu, 8500);
    assert.ok(a.forward.some((h) => h.kind === "pcx"));
  });

  it("ping -M do with a jumbo packet across regions: Frag needed and DF set (mtu = 8500)", async () => {
    const r = await vpclab(lab, ["ping", "tokyo-box", "singapore-box", "-M", "do", "-s", "8972", "-c", "2", "--fast"]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^PING singapore-box \([\d.]+\) 8972\(9000\) bytes of data\.$/m);
    assert.match(r.stdout, new RegExp(`^From ${s.tokyoIp.replace(/\./g, "\\.")} icmp_seq=1 Frag needed and DF set \\(mtu = 8500\\)$`, "m"));
    assert.match(r.stdout, /^From .* icmp_seq=2 Frag needed and DF set \(mtu = 8500\)$/m);
    const sum = pingSummary(r.stdout);
    assert.deepEqual([sum.transmitted, sum.received, sum.errors, sum.loss], [2, 0, 2, 100]);
    // A 9028-byte packet does not even fit the sender's own 9001-byte interface: Linux refuses it locally.
    const big = await vpclab(lab, ["ping", "tokyo-box", "singapore-box", "-M", "do", "-s", "9000", "-c", "1", "--fast"]);
    assert.equal(big.code, 1);
    assert.match(big.stdout, /^ping: local error: message too long, mtu=9001$/m);
    // Without DF the same size goes through (fragmented).
    const frag = await vpclab(lab, ["ping", "tokyo-box", "singapore-box", "-s", "8972", "-c", "1", "--fast"]);
    assert.equal(frag.code, 0, frag.stdout);
    assert.match(frag.stdout, /^8980 bytes from .*icmp_seq=1 ttl=64/m);
  });

  it("revoking the ICMP rule makes ping fail, and why names the security group and the missing rule", async () => {
    await sg.send(new RevokeSecurityGroupIngressCommand({ GroupId: s.sgS, IpPermissions: [icmpFrom("10.20.0.0/16")] }));
    try {
      const p = await vpclab(lab, ["ping", "tokyo-box", "singapore-box", "-c", "2", "--fast"]);
      assert.equal(p.code, 1);
      assert.deepEqual(pingSummary(p.stdout).loss, 100);
      assert.match(p.stdout, new RegExp(`Blocked: ENI_SG_RULES_MISMATCH at ${s.sgS} \\(ap-southeast-1\\)`));
      const w = await vpclab(lab, ["why", "tokyo-box", "singapore-box"]);
      assert.equal(w.code, 1);
      assert.match(w.stdout, new RegExp(`ENI_SG_RULES_MISMATCH — security group ${s.sgS} \\(ap-southeast-1, account 000000000000; forward path, inbound\\)`));
      assert.match(w.stdout, new RegExp(`ids: +security group ${s.sgS}`));
      assert.match(w.stdout, /reason: no inbound rule of security group\(s\) sg-[0-9a-f]+ allows ICMP from 10\.20\.\d+\.\d+/);
      assert.match(w.stdout, new RegExp(`fix: +add an inbound rule to ${s.sgS} allowing ICMP from 10\\.20\\.\\d+\\.\\d+/32`));
      // The structured fix, rendered as an AWS CLI command line, run by the AWS CLI itself: ping works.
      const run = /^ +run: +(aws ec2 authorize-security-group-ingress .*)$/m.exec(w.stdout);
      assert.ok(run, w.stdout);
      assert.match(run[1]!, new RegExp(`--group-id ${s.sgS} --ip-permissions '\\[\\{"IpProtocol":"icmp","FromPort":-1,"ToPort":-1,"IpRanges":\\[\\{"CidrIp":"10\\.20\\.`));
      const json = await vpclab(lab, ["why", "tokyo-box", "singapore-box", "--json"]);
      const fixes = (JSON.parse(json.stdout) as { explanations: { fixes?: { action: string; params: { GroupId: string } }[] }[] }).explanations[0]!.fixes!;
      assert.deepEqual(fixes.map((f) => [f.action, f.params.GroupId]), [["AuthorizeSecurityGroupIngress", s.sgS]]);
      const words = [...run[1]!.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
      const applied = await lab.cli(words.slice(1));
      assert.equal(applied.code, 0, applied.stderr);
      assert.equal((await vpclab(lab, ["ping", "tokyo-box", "singapore-box", "-c", "1", "--fast"])).code, 0);
      // SSH still works: only ICMP was revoked (the walkthrough's "SSH works but ping does not").
      const c = await vpclab(lab, ["connect", "tokyo-box", "singapore-box:22"]);
      assert.equal(c.code, 0);
    } finally {
      await sg.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: s.sgS, IpPermissions: [icmpFrom("10.20.0.0/16")] }));
    }
    const again = await vpclab(lab, ["ping", "tokyo-box", "singapore-box", "-c", "1", "--fast"]);
    assert.equal(again.code, 0);
  });

  it("the walkthrough's typo route 172.16.0.0/24: NO_ROUTE_TO_DESTINATION and PCX_REQUIRES_ADDRESS_IN_VPC_CIDR", async () => {
    await tokyo.send(new DeleteRouteCommand({ RouteTableId: s.rtT, DestinationCidrBlock: "172.31.0.0/16" }));
    await tokyo.send(new CreateRouteCommand({ RouteTableId: s.rtT, DestinationCidrBlock: "172.16.0.0/24", VpcPeeringConnectionId: s.pcx }));
    try {
      const w = await vpclab(lab, ["why", "tokyo-box", "singapore-box"]);
      assert.equal(w.code, 1);
      assert.match(w.stdout, new RegExp(`NO_ROUTE_TO_DESTINATION — route table ${s.rtT}`));
      assert.match(w.stdout, new RegExp(`PCX_REQUIRES_ADDRESS_IN_VPC_CIDR — VPC peering connection ${s.pcx}`));
      assert.match(w.stdout, new RegExp(`route 172\\.16\\.0\\.0/24 → ${s.pcx}`));
      assert.match(w.stdout, /add a route 172\.31\.0\.0\/16 → pcx-/);
      const p = await vpclab(lab, ["ping", "tokyo-box", "singapore-box", "-c", "1", "--fast"]);
      assert.equal(p.code, 1);
      assert.match(p.stdout, /Blocked: NO_ROUTE_TO_DESTINATION/);
    } finally {
      await tokyo.send(new DeleteRouteCommand({ RouteTableId: s.rtT, DestinationCidrBlock: "172.16.0.0/24" }));
      await tokyo.send(new CreateRouteCommand({ RouteTableId: s.rtT, DestinationCidrBlock: "172.31.0.0/16", VpcPeeringConnectionId: s.pcx }));
    }
  });

  // Reachability Analyzer accepts an internet gateway as a path source
  // (https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html);
  // `vpclab why internet …` asks the same, and names the component that blocks.
  it("why internet <public instance> --protocol tcp --port 22: blocked by the group, then reachable once it allows SSH", async () => {
    const blocked = await vpclab(lab, ["why", "internet", "singapore-box", "--protocol", "tcp", "--port", "22"]);
    assert.equal(blocked.code, 1, blocked.stderr);
    assert.match(blocked.stdout, /from: 203\.0\.113\.10 \(the Internet, simulated\)/);
    assert.match(blocked.stdout, new RegExp(`Verdict: BLOCKED .* start with ENI_SG_RULES_MISMATCH at ${s.sgS}`));
    await sg.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: s.sgS, IpPermissions: [sshFrom("0.0.0.0/0")] }));
    try {
      const ok = await vpclab(lab, ["why", "internet", "singapore-box", "--protocol", "tcp", "--port", "22"]);
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      assert.match(ok.stdout, /Verdict: REACHABLE .* path MTU 1500, the receiver sees source 203\.0\.113\.10/);
      assert.match(ok.stdout, new RegExp(s.sgIgw));
      // Any public address is a sender; the instance sees it as it is.
      const c = await vpclab(lab, ["connect", "8.8.4.4", "singapore-box:22"]);
      assert.equal(c.code, 0, c.stdout + c.stderr);
      assert.match(c.stdout, /come from 8\.8\.4\.4 \(the sender's own public address/);
    } finally {
      await sg.send(new RevokeSecurityGroupIngressCommand({ GroupId: s.sgS, IpPermissions: [sshFrom("0.0.0.0/0")] }));
    }
  });

  // VPC User Guide, "VPC CIDR blocks": "we do not support direct access to the internet from your VPC's
  // CIDR block, including a publicly-routable CIDR block"
  // (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html).
  it("a VPC with a publicly routable CIDR is not reachable from the Internet at its private addresses", async () => {
    const vpc = (await sg.send(new CreateVpcCommand({ CidrBlock: "198.51.100.0/24" }))).Vpc!.VpcId!;
    const subnet = (await sg.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "198.51.100.0/24" }))).Subnet!.SubnetId!;
    const group = (await sg.send(new CreateSecurityGroupCommand({ VpcId: vpc, GroupName: "open", Description: "open" }))).GroupId!;
    await sg.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: group, IpPermissions: [icmpFrom("0.0.0.0/0")] }));
    const inst = (await sg.send(new RunInstancesCommand({ ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, SubnetId: subnet, SecurityGroupIds: [group] }))).Instances![0]!;
    const ip = inst.PrivateIpAddress!;
    assert.match(ip, /^198\.51\.100\./);
    const r = await vpclab(lab, ["why", "singapore-box", ip]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS/);
    assert.doesNotMatch(r.stdout, /answers/, "the simulated Internet must not answer for a VPC's address");
  });

  it("bad input: exit code 2 with the server's error, never a stack trace", async () => {
    const unknown = await vpclab(lab, ["ping", "i-0123456789abcdef0", "singapore-box", "-c", "1", "--fast"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^vpclab: InvalidInstanceID\.NotFound: The instance ID 'i-0123456789abcdef0' does not exist$/m);
    const noPort = await vpclab(lab, ["connect", "tokyo-box", "singapore-box"]);
    assert.equal(noPort.code, 2);
    assert.match(noPort.stderr, /must be <to>:<port>/);
    const badProto = await vpclab(lab, ["why", "tokyo-box", "singapore-box", "--protocol", "gre"]);
    assert.equal(badProto.code, 2);
    assert.match(badProto.stderr, /must be icmp, tcp or udp/);
    // The Internet cannot be both ends: vpclab models only the lab's side of a packet.
    const outside = await vpclab(lab, ["why", "internet", "8.8.8.8"]);
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /^vpclab: InvalidParameterValue: 8\.8\.8\.8 is neither a public or elastic IP of a network interface nor an address in a VPC/m);
    const noServer = await runVpclab(["why", "a", "b", "--endpoint-url", "http://127.0.0.1:9"]);
    assert.equal(noServer.code, 2);
    assert.match(noServer.stderr, /cannot reach vpclab at http:\/\/127\.0\.0\.1:9/);
  });
});
