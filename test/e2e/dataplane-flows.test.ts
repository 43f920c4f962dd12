/**
 * Flow logs of kernel-forwarded flows (issue 16 item 4): with `--dataplane netns`, real ping and curl
 * between the seed's namespaces (Tokyo → Singapore over an inter-region peering) make flow log records at
 * both interfaces; after the ICMP rule is revoked, the real ping's records are the sender's egress ACCEPT
 * and the receiver's ingress REJECT; with the receiver's network ACL denying the replies, its ingress
 * ACCEPT and its egress REJECT (AWS's flow log example). Needs Linux and root; skipped with a message otherwise.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { AuthorizeSecurityGroupIngressCommand, CreateFlowLogsCommand, CreateNetworkAclEntryCommand, DescribeNetworkAclsCommand, DescribeInstancesCommand, RevokeSecurityGroupIngressCommand } from "@aws-sdk/client-ec2";
import { startLab, runVpclab, type Lab } from "../support/harness.js";
import { buildSeed, icmpFrom } from "../support/seed.js";
import { dataplaneUnavailable } from "../../src/dataplane/index.js";

const why = dataplaneUnavailable();
const skip = why ? `netns data plane unavailable here: ${why}` : false;

interface Rec {
  seq: number;
  interfaceId: string;
  direction: "ingress" | "egress";
  srcaddr: string;
  dstaddr: string;
  srcport: number;
  dstport: number;
  protocol: number;
  packets: number;
  bytes: number;
  start: number;
  end: number;
  action: "ACCEPT" | "REJECT";
  message: string;
}

async function waitFor(fn: () => Promise<boolean>, ms = 8000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

test("--dataplane netns: real ping and curl make flow log records (ACCEPT), a revoked rule REJECT at the receiver", { skip, timeout: 120_000 }, async () => {
  const lab: Lab = await startLab({ dataplane: "netns" });
  try {
    const tokyo = lab.ec2("ap-northeast-1");
    const sg = lab.ec2("ap-southeast-1");
    const seed = await buildSeed(lab, tokyo, sg);
    const sgEni = (await sg.send(new DescribeInstancesCommand({ InstanceIds: [seed.singapore] }))).Reservations![0]!.Instances![0]!.NetworkInterfaces![0]!.NetworkInterfaceId!;
    const role = "arn:aws:iam::000000000000:role/flow-logs";
    await tokyo.send(new CreateFlowLogsCommand({ ResourceType: "VPC", ResourceIds: [seed.vpc], TrafficType: "ALL", LogGroupName: "t", DeliverLogsPermissionArn: role }));
    await sg.send(new CreateFlowLogsCommand({ ResourceType: "NetworkInterface", ResourceIds: [sgEni], TrafficType: "ALL", LogGroupName: "s", DeliverLogsPermissionArn: role }));
    const status = async () => (await lab.admin<{ instances: { id: string; ns: string }[] }>("GET", "/dataplane")).body;
    assert.ok(await waitFor(async () => (await status()).instances.length === 2));
    const ep = ["--endpoint-url", lab.url];
    const exec = (who: string, cmd: string[]) => runVpclab(["exec", who, ...ep, "--", ...cmd], 30_000);
    let since = 0;
    const fresh = async (): Promise<Rec[]> => (await lab.admin<{ records: Rec[] }>("GET", `/flow-logs?since=${since}`)).body.records;
    const until = async (pred: (rs: Rec[]) => boolean): Promise<Rec[]> => {
      let got: Rec[] = [];
      await waitFor(async () => pred((got = await fresh())));
      return got;
    };
    const icmp = (rs: Rec[], eni: string, dir: string, action: string, src: string, dst: string) =>
      rs.filter((r) => r.interfaceId === eni && r.direction === dir && r.action === action && r.protocol === 1 && r.srcaddr === src && r.dstaddr === dst);
    const sum = (rs: Rec[]) => rs.reduce((n, r) => n + r.packets, 0);

    // A real ping: echo requests out of Tokyo's interface and into Singapore's, the replies back.
    const ping = await exec("tokyo-box", ["ping", "-c", "3", "-i", "0.2", "-W", "1", seed.singaporeIp]);
    assert.equal(ping.code, 0, ping.stdout + ping.stderr);
    const full = (rs: Rec[]) =>
      sum(icmp(rs, seed.tokyoEni, "egress", "ACCEPT", seed.tokyoIp, seed.singaporeIp)) >= 3 &&
      sum(icmp(rs, sgEni, "ingress", "ACCEPT", seed.tokyoIp, seed.singaporeIp)) >= 3 &&
      sum(icmp(rs, sgEni, "egress", "ACCEPT", seed.singaporeIp, seed.tokyoIp)) >= 3 &&
      sum(icmp(rs, seed.tokyoEni, "ingress", "ACCEPT", seed.singaporeIp, seed.tokyoIp)) >= 3;
    let recs = await until(full);
    assert.ok(full(recs), JSON.stringify(recs, null, 1));
    const out = icmp(recs, seed.tokyoEni, "egress", "ACCEPT", seed.tokyoIp, seed.singaporeIp)[0]!;
    assert.equal(out.srcport, 0);
    assert.equal(out.bytes / out.packets, 84, "an echo request of ping's default size is 84 bytes of IP");
    assert.ok(out.end > out.start);
    // The default format's line, as the flow log writes it.
    assert.match(out.message, new RegExp(`^2 000000000000 ${seed.tokyoEni} ${seed.tokyoIp.replaceAll(".", "\\.")} ${seed.singaporeIp.replaceAll(".", "\\.")} 0 0 1 \\d+ \\d+ \\d+ \\d+ ACCEPT OK$`));
    since = Math.max(...recs.map((r) => r.seq));

    // A real HTTP request: TCP to port 8080 from an ephemeral port, at both interfaces.
    await sg.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: seed.sgS, IpPermissions: [{ IpProtocol: "tcp", FromPort: 8080, ToPort: 8080, IpRanges: [{ CidrIp: "10.20.0.0/16" }] }] }));
    const sgNs = (await status()).instances.find((i) => i.id === seed.singapore)!.ns;
    const server = spawn("ip", ["netns", "exec", sgNs, "python3", "-m", "http.server", "8080"], { stdio: "ignore" });
    try {
      let curl = { code: 1, stdout: "", stderr: "" };
      await waitFor(async () => (curl = await exec("tokyo-box", ["curl", "-sS", "-m", "2", `http://${seed.singaporeIp}:8080/`])).code === 0, 10_000);
      assert.equal(curl.code, 0, curl.stderr);
    } finally {
      server.kill();
    }
    const tcp = (rs: Rec[]) => rs.filter((r) => r.protocol === 6 && r.action === "ACCEPT" && ((r.dstport === 8080 && r.srcaddr === seed.tokyoIp) || (r.srcport === 8080 && r.dstaddr === seed.tokyoIp)));
    const tcpDone = (rs: Rec[]) => new Set(tcp(rs).map((r) => `${r.interfaceId} ${r.direction}`)).size === 4;
    recs = await until(tcpDone);
    assert.ok(tcpDone(recs), JSON.stringify(recs, null, 1));
    const req = tcp(recs).find((r) => r.interfaceId === sgEni && r.direction === "ingress" && r.dstport === 8080)!;
    assert.ok(req.srcport >= 1024, `ephemeral source port: ${req.srcport}`);
    // The connection's packets into Singapore (SYN, ACK, the request, FIN…), over one or more collections.
    const conn = async () => (await lab.admin<{ records: Rec[] }>("GET", `/flow-logs?eni=${sgEni}&since=${since}`)).body.records.filter((r) => r.direction === "ingress" && r.protocol === 6 && r.srcport === req.srcport);
    let got: Rec[] = [];
    await waitFor(async () => sum((got = await conn())) >= 4);
    assert.ok(sum(got) >= 4 && got.reduce((n, r) => n + r.bytes, 0) > 200, JSON.stringify(got));
    since = Math.max(...recs.map((r) => r.seq));

    // Revoke the ICMP rule: the ping fails; Tokyo's interface sent it (ACCEPT), Singapore's rejected it.
    await sg.send(new RevokeSecurityGroupIngressCommand({ GroupId: seed.sgS, IpPermissions: [icmpFrom("10.20.0.0/16")] }));
    await lab.admin("GET", "/dataplane");
    const blocked = await exec("tokyo-box", ["ping", "-c", "2", "-i", "0.2", "-W", "1", seed.singaporeIp]);
    assert.notEqual(blocked.code, 0, blocked.stdout);
    const rejected = (rs: Rec[]) =>
      sum(icmp(rs, sgEni, "ingress", "REJECT", seed.tokyoIp, seed.singaporeIp)) >= 2 && sum(icmp(rs, seed.tokyoEni, "egress", "ACCEPT", seed.tokyoIp, seed.singaporeIp)) >= 2;
    recs = await until(rejected);
    assert.ok(rejected(recs), JSON.stringify(recs, null, 1));
    // Nothing was delivered, so no reply and no ingress ACCEPT at Singapore for it.
    assert.equal(icmp(recs, sgEni, "ingress", "ACCEPT", seed.tokyoIp, seed.singaporeIp).length, 0);
    assert.equal(icmp(recs, sgEni, "egress", "ACCEPT", seed.singaporeIp, seed.tokyoIp).length, 0);
    since = Math.max(...recs.map((r) => r.seq));

    // AWS's NACL example: the ICMP rule back, Singapore's network ACL denies ICMP out to Tokyo: the
    // requests are ACCEPTed into Singapore, its replies REJECTed on their way out.
    await sg.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: seed.sgS, IpPermissions: [icmpFrom("10.20.0.0/16")] }));
    const acl = (await sg.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: "vpc-id", Values: [seed.defVpc] }, { Name: "default", Values: ["true"] }] }))).NetworkAcls![0]!.NetworkAclId!;
    await sg.send(new CreateNetworkAclEntryCommand({ NetworkAclId: acl, RuleNumber: 50, Egress: true, Protocol: "1", RuleAction: "deny", CidrBlock: "10.20.0.0/16", IcmpTypeCode: { Type: -1, Code: -1 } }));
    await lab.admin("GET", "/dataplane");
    const nacl = await exec("tokyo-box", ["ping", "-c", "2", "-i", "0.2", "-W", "1", seed.singaporeIp]);
    assert.notEqual(nacl.code, 0, nacl.stdout);
    const replyRejected = (rs: Rec[]) =>
      sum(icmp(rs, sgEni, "ingress", "ACCEPT", seed.tokyoIp, seed.singaporeIp)) >= 2 && sum(icmp(rs, sgEni, "egress", "REJECT", seed.singaporeIp, seed.tokyoIp)) >= 2;
    recs = await until(replyRejected);
    assert.ok(replyRejected(recs), JSON.stringify(recs, null, 1));
    assert.equal(icmp(recs, seed.tokyoEni, "ingress", "ACCEPT", seed.singaporeIp, seed.tokyoIp).length, 0);
    // `vpclab flows` prints them too.
    const flows = await runVpclab(["flows", "--eni", sgEni, ...ep]);
    assert.equal(flows.code, 0, flows.stderr);
    assert.match(flows.stdout, /REJECT/);
  } finally {
    await lab.close();
  }
});
