/**
 * `vpclab audit` end to end on the seed (through a running vpclab's state) and on the AWS-docs fixture
 * snapshot: Internet exposure asked of the engine, dead routes, open admin ports, unused groups, and
 * `--expect` assertions that fail with the offending path explained.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import puppeteer from "puppeteer-core";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AcceptVpcPeeringConnectionCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateTagsCommand,
  CreateNetworkAclCommand,
  CreateNetworkAclEntryCommand,
  CreateRouteCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DeleteRouteCommand,
  DescribeVpcPeeringConnectionsCommand,
} from "@aws-sdk/client-ec2";
import * as ec2 from "@aws-sdk/client-ec2";
import { runVpclab, startLab, type Lab } from "../support/harness.js";
import { buildSeed, type Seed } from "../support/seed.js";

interface Finding {
  kind: string;
  region: string;
  components: string[];
  summary: string;
  fix: string;
  fixes?: { action: string; params: Record<string, unknown>; account?: string; region?: string }[];
  /** The structured fixes as AWS CLI commands (engine/fix-command.ts). */
  commands?: string[];
}
interface Report {
  findings: Finding[];
  natGateways?: { natGatewayId: string; publicIp: string; instances: string[]; verdict: string; summary: string }[];
  expectations?: { name: string; passed: boolean; detail?: string[] }[];
}

describe("vpclab audit", () => {
  let lab: Lab;
  let seed: Seed;
  let dir: string;
  before(async () => {
    lab = await startLab();
    seed = await buildSeed(lab, lab.ec2("ap-northeast-1"), lab.ec2("ap-southeast-1"));
    dir = mkdtempSync(join(tmpdir(), "vpclab-audit-"));
  });
  after(async () => {
    await lab?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const auditJson = async (...args: string[]) => {
    const r = await runVpclab(["audit", "--endpoint-url", lab.url, "--json", ...args]);
    assert.ok(r.code === 0 || r.code === 1, r.stderr + r.stdout);
    return { code: r.code, report: JSON.parse(r.stdout) as Report };
  };

  test("on the seed nothing is reachable from the Internet; opening SSH to the world is found", async () => {
    const first = await auditJson();
    assert.deepEqual(first.report.findings.filter((f) => f.kind === "internet-exposure"), []);
    assert.deepEqual(first.report.findings.filter((f) => f.kind === "open-admin-port"), []);

    await lab.ec2("ap-southeast-1").send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: seed.sgS, IpPermissions: [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] }),
    );
    // A peering route outside the peer's CIDR can never carry traffic.
    await lab.ec2("ap-northeast-1").send(new CreateRouteCommand({ RouteTableId: seed.rtT, DestinationCidrBlock: "192.168.0.0/16", VpcPeeringConnectionId: seed.pcx }));
    const { report } = await auditJson();
    const exposed = report.findings.filter((f) => f.kind === "internet-exposure");
    assert.equal(exposed.length, 1, JSON.stringify(exposed));
    assert.equal(exposed[0]!.region, "ap-southeast-1");
    assert.ok(exposed[0]!.components.includes(seed.singapore) && exposed[0]!.components.includes(seed.sgIgw));
    assert.match(exposed[0]!.summary, /tcp:22 \[SSH\]/);
    // Tokyo still has nothing reachable from the Internet.
    assert.ok(!report.findings.some((f) => f.kind === "internet-exposure" && f.region === "ap-northeast-1"));
    assert.ok(report.findings.some((f) => f.kind === "open-admin-port" && f.components.includes(seed.sgS)));
    const dead = report.findings.filter((f) => f.kind === "dead-route");
    assert.ok(dead.some((f) => f.summary.includes("192.168.0.0/16") && f.summary.includes("outside every CIDR")), JSON.stringify(dead));
  });

  test("--expect: holding assertions pass, broken ones exit 1 with the path explained", async () => {
    const file = join(dir, "expect.yaml");
    writeFileSync(
      file,
      [
        "- name: tokyo can ssh to singapore",
        "  from: tokyo-box",
        "  to: singapore-box",
        "  protocol: tcp",
        "  port: 22",
        "  expect: reachable",
        "- name: tokyo VPC has no way out to the Internet",
        `  from: ${seed.vpc}`,
        "  to: internet",
        "  expect: unreachable",
        "- name: nothing from the Internet on tcp:22",
        "  from: internet",
        "  to: tag:Name=singapore-box",
        "  protocol: tcp",
        "  port: 22",
        "  expect: unreachable",
        "- name: tokyo reaches postgres in singapore",
        "  from: tokyo-box",
        "  to: singapore-box",
        "  protocol: tcp",
        "  port: 5000-5432",
        "  expect: reachable",
      ].join("\n"),
    );
    const { code, report } = await auditJson("--expect", file);
    assert.equal(code, 1);
    const byName = Object.fromEntries(report.expectations!.map((e) => [e.name, e]));
    assert.equal(byName["tokyo can ssh to singapore"]!.passed, true);
    assert.equal(byName["tokyo VPC has no way out to the Internet"]!.passed, true);
    const ssh = byName["nothing from the Internet on tcp:22"]!;
    assert.equal(ssh.passed, false);
    assert.match(ssh.detail!.join("\n"), new RegExp(`path: .*${seed.sgIgw}.*${seed.sgS}`));
    const pg = byName["tokyo reaches postgres in singapore"]!;
    assert.equal(pg.passed, false);
    assert.match(pg.detail!.join("\n"), /ENI_SG_RULES_MISMATCH/);
    // The table form says the same.
    const text = await runVpclab(["audit", "--endpoint-url", lab.url, "--expect", file]);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /FAIL {2}nothing from the Internet on tcp:22/);
    assert.match(text.stdout, /Expectations \(2\/4 hold\)/);
    // A broken file is an error (exit 2), not a pass.
    writeFileSync(file, "- name: x\n  from: a\n  expect: maybe\n");
    const bad = await runVpclab(["audit", "--endpoint-url", lab.url, "--expect", file]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /assertion 1: `to` must be a selector/);
  });

  test("--from/--to: a groups × groups matrix from equivalence classes, with an explained blocked pair", async () => {
    const cell = (m: { cells: { from: string; to: string; pairs: number; reachable: number; unreachable: number; example?: { code: string; from: string } }[] }, from: string, to: string) =>
      m.cells.find((c) => c.from === from && c.to === to)!;
    const ssh = await auditJson("--from", "vpc:*", "--to", "vpc:*", "--protocol", "tcp", "--port", "22");
    const m22 = (ssh.report as unknown as { matrix: Parameters<typeof cell>[0] & { questions: number } }).matrix;
    const t2s = cell(m22, `vpc:${seed.vpc}`, `vpc:${seed.defVpc}`);
    assert.deepEqual([t2s.pairs, t2s.reachable], [1, 1]);
    // Same VPC with itself: the one interface makes no pair.
    assert.equal(cell(m22, `vpc:${seed.vpc}`, `vpc:${seed.vpc}`).pairs, 0);
    const https = await auditJson("--from", `vpc:${seed.vpc}`, "--to", `subnet:*`, "--protocol", "tcp", "--port", "443");
    const m443 = (https.report as unknown as { matrix: Parameters<typeof cell>[0] }).matrix;
    const blocked = m443.cells.find((c) => c.unreachable > 0)!;
    assert.ok(blocked, JSON.stringify(m443));
    assert.equal(blocked.example!.code, "ENI_SG_RULES_MISMATCH");
    assert.match(blocked.example!.from, new RegExp(seed.tokyo));
    // The table form: the matrix and the example with its fix.
    const text = await runVpclab(["audit", "--endpoint-url", lab.url, "--from", "tag:Name", "--to", "tag:Name", "--protocol", "tcp", "--port", "443"]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /Reachability matrix, tcp:443/);
    assert.match(text.stdout, /tag:Name=tokyo-box → tag:Name=singapore-box: 1 of 1 pair\(s\) blocked/);
    assert.match(text.stdout, /fix: /);
    const bad = await runVpclab(["audit", "--endpoint-url", lab.url, "--from", "env=prod", "--to", "all"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /a group selector is tag:KEY=VALUE/);
  });

  test("audit --snapshot reads a snapshot offline", async () => {
    const r = await runVpclab(["audit", "--snapshot", "test/fixtures/snapshot-aws-docs", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const { findings } = JSON.parse(r.stdout) as Report;
    const kinds = (k: string) => findings.filter((f) => f.kind === k).map((f) => f.summary);
    assert.equal(kinds("internet-exposure").length, 2);
    assert.ok(kinds("internet-exposure").some((s) => s.includes("tcp:80") && s.includes("igw-c0a643a9") && s.includes("3.95.24.156")));
    assert.ok(kinds("dead-route").some((s) => s.includes("pcx-111aaa22")));
    assert.deepEqual(findings.filter((f) => f.kind === "unused-group").map((f) => f.components[0]), ["sg-0b0384b66d7d692f9"]);
  });

  test("one-sided peering routes, peerings that carry nothing and shadowed ACL entries are found, each with an aws ec2 fix", async () => {
    const tokyo = lab.ec2("ap-northeast-1");
    const before = await auditJson();
    assert.deepEqual(before.report.findings.filter((f) => ["one-sided-route", "unused-connection", "shadowed-acl-entry"].includes(f.kind)), []);
    // Singapore forgets its route back to Tokyo: Tokyo's route to the peering is one-sided.
    await lab.ec2("ap-southeast-1").send(new DeleteRouteCommand({ RouteTableId: seed.rtS, DestinationCidrBlock: "10.20.0.0/16" }));
    // A second Tokyo VPC, peered with the seed's and accepted, with no route to the peering.
    const other = (await tokyo.send(new CreateVpcCommand({ CidrBlock: "10.77.0.0/16" }))).Vpc!.VpcId!;
    const idle = (await tokyo.send(new CreateVpcPeeringConnectionCommand({ VpcId: seed.vpc, PeerVpcId: other }))).VpcPeeringConnection!.VpcPeeringConnectionId!;
    await tokyo.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: idle }));
    await tokyo.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [idle] }));
    // An ACL whose rule 200 is covered by rule 100, and whose rule 130 is covered by 110 and 120 together.
    const acl = (await tokyo.send(new CreateNetworkAclCommand({ VpcId: seed.vpc }))).NetworkAcl!.NetworkAclId!;
    const entry = (n: number, action: "allow" | "deny", proto: string, cidr: string, ports?: [number, number]) =>
      tokyo.send(new CreateNetworkAclEntryCommand({ NetworkAclId: acl, RuleNumber: n, Protocol: proto, RuleAction: action, Egress: false, CidrBlock: cidr, PortRange: ports ? { From: ports[0], To: ports[1] } : undefined }));
    await entry(100, "allow", "6", "0.0.0.0/0", [0, 65535]);
    await entry(110, "allow", "17", "10.0.0.0/9", [0, 65535]);
    await entry(120, "allow", "17", "10.128.0.0/9", [0, 65535]);
    await entry(130, "deny", "17", "10.0.0.0/8", [53, 53]);
    await entry(200, "deny", "6", "10.0.0.0/8", [22, 22]);
    await entry(210, "deny", "17", "0.0.0.0/0", [53, 53]);
    const { report } = await auditJson();
    const of = (k: string) => report.findings.filter((f) => f.kind === k);
    const cmds = (f: Finding) => (f.commands ?? []).join("\n");
    const one = of("one-sided-route");
    assert.equal(one.length, 1, JSON.stringify(one));
    assert.deepEqual(one[0]!.components.slice(0, 3), [seed.rtT, seed.pcx, seed.rtS]);
    assert.match(cmds(one[0]!), new RegExp(`^aws ec2 create-route --route-table-id ${seed.rtS} --destination-cidr-block 10\\.20\\.1\\.0/24 --vpc-peering-connection-id ${seed.pcx} --region ap-southeast-1$`));
    assert.deepEqual(one[0]!.fixes![0]!.action, "CreateRoute");
    const unused = of("unused-connection");
    assert.deepEqual(unused.map((f) => f.components[0]), [idle]);
    assert.match(cmds(unused[0]!), /^aws ec2 delete-vpc-peering-connection --vpc-peering-connection-id pcx-\S+ --region ap-northeast-1$/);
    const shadowed = of("shadowed-acl-entry");
    assert.deepEqual(shadowed.map((f) => f.components[1]).sort(), ["ingress rule 130", "ingress rule 200"]);
    assert.ok(shadowed.every((f) => f.components[0] === acl && /^aws ec2 delete-network-acl-entry --network-acl-id \S+ --rule-number \d+ --ingress --region ap-northeast-1$/.test(cmds(f))), JSON.stringify(shadowed));
    // No finding carries a hand-built command: every command comes from a structured fix.
    assert.ok(report.findings.every((f) => !/aws ec2/.test(f.fix)));
    // Rule 210 (udp 53 from anywhere) is not covered: 110 and 120 cover only 10.0.0.0/8.
    assert.ok(!shadowed.some((f) => f.summary.includes("rule 210")));
  });

  test("--html writes one self-contained page: every section, the matrix, and account text escaped", async () => {
    const evil = `<script>alert("x")</script><img src=x onerror=alert(1)>`;
    await lab.ec2("ap-northeast-1").send(new CreateTagsCommand({ Resources: [seed.tokyo], Tags: [{ Key: "Name", Value: evil }] }));
    const file = join(dir, "report.html");
    const expect = join(dir, "html-expect.yaml");
    writeFileSync(expect, `- name: "${evil.replace(/"/g, '\\"')} reaches singapore on 443"\n  from: tag:Name=${evil.replace(/"/g, "")}\n  to: singapore-box\n  protocol: tcp\n  port: 443\n  expect: reachable\n`);
    const r = await runVpclab(["audit", "--endpoint-url", lab.url, "--from", "tag:Name", "--to", "tag:Name", "--protocol", "tcp", "--port", "443", "--html", file, "--expect", expect]);
    assert.equal(r.code, 1, r.stderr + r.stdout);
    assert.match(r.stderr, /wrote .*report\.html/);
    const html = readFileSync(file, "utf8");
    assert.match(html, /^<!DOCTYPE html>/);
    for (const title of ["Reachable from the Internet", "Routes without a return path", "Peerings and transit gateway attachments that carry nothing", "Network ACL entries shadowed by earlier ones", "Security groups used by nothing", "Reachability matrix, tcp:443", "Expectations (0/1 hold)"]) {
      assert.ok(html.includes(title), title);
    }
    // The tag shows as text, in the matrix and in the assertion name, and never as markup.
    assert.ok(html.includes("tag:Name=&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"));
    assert.doesNotMatch(html, /<script|<img|onerror=alert\(1\)>/i);
    // Self-contained: inline CSS, no external resource of any kind.
    assert.match(html, /<style>/);
    assert.doesNotMatch(html, /\bsrc=["']|<link|@import|url\(|href="(?!#)/i);
    assert.match(html, /ENI_SG_RULES_MISMATCH/);
    // In a real browser: it renders the tag as text, runs nothing, and fetches nothing but the file.
    const chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((x) => existsSync(x));
    if (!chromium) return;
    const browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      const dialogs: string[] = [];
      page.on("request", (req) => requests.push(req.url()));
      page.on("dialog", async (d) => {
        dialogs.push(d.message());
        await d.dismiss();
      });
      const url = pathToFileURL(file).href;
      await page.goto(url, { waitUntil: "load" });
      const text = await page.evaluate(() => document.body.innerText);
      assert.ok(text.includes(`tag:Name=${evil}`), text.slice(0, 500));
      assert.deepEqual(dialogs, []);
      assert.deepEqual(requests.filter((u) => u !== url), []);
      assert.equal(await page.evaluate(() => document.querySelectorAll("script, img, iframe, link").length), 0);
    } finally {
      await browser.close();
    }
  });
  test("NAT gateways: named as exposing nothing; a route to a deleted NAT gateway or egress-only gateway is a dead route, its fix rendered from a structured fix", async () => {
    const c = lab.ec2("us-east-1");
    const vpc = (await c.send(new ec2.CreateVpcCommand({ CidrBlock: "10.88.0.0/16", AmazonProvidedIpv6CidrBlock: true }))).Vpc!.VpcId!;
    const pub = (await c.send(new ec2.CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.88.0.0/24", AvailabilityZone: "us-east-1a" }))).Subnet!.SubnetId!;
    const priv = (await c.send(new ec2.CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.88.1.0/24", AvailabilityZone: "us-east-1a" }))).Subnet!.SubnetId!;
    const igw = (await c.send(new ec2.CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await c.send(new ec2.AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc }));
    const rtPub = (await c.send(new ec2.CreateRouteTableCommand({ VpcId: vpc }))).RouteTable!.RouteTableId!;
    await c.send(new ec2.CreateRouteCommand({ RouteTableId: rtPub, DestinationCidrBlock: "0.0.0.0/0", GatewayId: igw }));
    await c.send(new ec2.AssociateRouteTableCommand({ RouteTableId: rtPub, SubnetId: pub }));
    const rtPriv = (await c.send(new ec2.CreateRouteTableCommand({ VpcId: vpc }))).RouteTable!.RouteTableId!;
    await c.send(new ec2.AssociateRouteTableCommand({ RouteTableId: rtPriv, SubnetId: priv }));
    const alloc = (await c.send(new ec2.AllocateAddressCommand({ Domain: "vpc" }))).AllocationId!;
    const nat = (await c.send(new ec2.CreateNatGatewayCommand({ SubnetId: pub, AllocationId: alloc }))).NatGateway!.NatGatewayId!;
    await ec2.waitUntilNatGatewayAvailable({ client: c, maxWaitTime: 120, minDelay: 1, maxDelay: 2 }, { NatGatewayIds: [nat] });
    await c.send(new ec2.CreateRouteCommand({ RouteTableId: rtPriv, DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: nat }));
    const eigw = (await c.send(new ec2.CreateEgressOnlyInternetGatewayCommand({ VpcId: vpc }))).EgressOnlyInternetGateway!.EgressOnlyInternetGatewayId!;
    await c.send(new ec2.CreateRouteCommand({ RouteTableId: rtPriv, DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: eigw }));
    const vgw = (await c.send(new ec2.CreateVpnGatewayCommand({ Type: "ipsec.1" }))).VpnGateway!.VpnGatewayId!;
    await c.send(new ec2.AttachVpnGatewayCommand({ VpnGatewayId: vgw, VpcId: vpc }));
    const vgwState = async () => (await c.send(new ec2.DescribeVpnGatewaysCommand({ VpnGatewayIds: [vgw] }))).VpnGateways![0]!.VpcAttachments?.find((a) => a.VpcId === vpc)?.State;
    for (let i = 0; i < 100 && (await vgwState()) !== "attached"; i++) await new Promise((r) => setTimeout(r, 200));
    await c.send(new ec2.CreateRouteCommand({ RouteTableId: rtPriv, DestinationCidrBlock: "172.30.0.0/16", GatewayId: vgw }));
    // An instance that opens SSH to the world, but sits behind the NAT gateway: not exposed.
    const sg = (await c.send(new ec2.CreateSecurityGroupCommand({ VpcId: vpc, GroupName: "open-ssh", Description: "ssh from anywhere" }))).GroupId!;
    await c.send(new ec2.AuthorizeSecurityGroupIngressCommand({ GroupId: sg, IpPermissions: [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] }));
    const inst = (await c.send(new ec2.RunInstancesCommand({ ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, SubnetId: priv, SecurityGroupIds: [sg] }))).Instances![0]!.InstanceId!;

    const first = await auditJson();
    assert.ok(!first.report.findings.some((f) => f.kind === "internet-exposure" && f.region === "us-east-1"), JSON.stringify(first.report.findings));
    const note = first.report.natGateways!.find((n) => n.natGatewayId === nat)!;
    assert.ok(note, JSON.stringify(first.report.natGateways));
    assert.deepEqual(note.instances, [inst]);
    assert.match(note.verdict, /^blocked/);
    assert.match(note.summary, new RegExp(`${nat} \\(${note.publicIp.replace(/\./g, "\\.")}\\) exposes no instance`));
    // Routes to an available NAT gateway and an attached egress-only gateway are modelled, not "unmodelled".
    assert.ok(!first.report.findings.some((f) => f.kind === "dead-route" && (f.components.includes(nat) || f.components.includes(eigw) || f.components.includes(vgw))), JSON.stringify(first.report.findings));
    const table = await runVpclab(["audit", "--endpoint-url", lab.url]);
    assert.match(table.stdout, new RegExp(`\\(not exposed\\) 000000000000 us-east-1  ${nat}`));

    await c.send(new ec2.DeleteNatGatewayCommand({ NatGatewayId: nat }));
    await c.send(new ec2.DeleteEgressOnlyInternetGatewayCommand({ EgressOnlyInternetGatewayId: eigw }));
    await c.send(new ec2.DetachVpnGatewayCommand({ VpnGatewayId: vgw, VpcId: vpc }));
    for (let i = 0; i < 100 && (await vgwState()) !== "detached"; i++) await new Promise((r) => setTimeout(r, 200));
    const { report } = await auditJson();
    const dead = report.findings.filter((f) => f.kind === "dead-route" && f.components[0] === rtPriv);
    const toNat = dead.find((f) => f.components.includes(nat))!;
    assert.ok(toNat, JSON.stringify(dead));
    assert.match(toNat.summary, new RegExp(`route 0\\.0\\.0\\.0/0 → ${nat} in ${rtPriv} is a blackhole: NAT gateway ${nat} is (deleting|deleted)`));
    assert.doesNotMatch(toNat.summary, /does not model/);
    assert.deepEqual(toNat.commands, [`aws ec2 delete-route --route-table-id ${rtPriv} --destination-cidr-block 0.0.0.0/0 --region us-east-1`]);
    // The IPv6 route's fix names the IPv6 destination with --destination-ipv6-cidr-block.
    const toEigw = dead.find((f) => f.components.includes(eigw))!;
    assert.ok(toEigw, JSON.stringify(dead));
    assert.deepEqual(toEigw.fixes, [{ action: "DeleteRoute", params: { RouteTableId: rtPriv, DestinationIpv6CidrBlock: "::/0" }, account: "000000000000", region: "us-east-1" }]);
    assert.deepEqual(toEigw.commands, [`aws ec2 delete-route --route-table-id ${rtPriv} --destination-ipv6-cidr-block ::/0 --region us-east-1`]);
    // A route to a virtual private gateway that is no longer attached: a dead route, modelled.
    const toVgw = dead.find((f) => f.components.includes(vgw))!;
    assert.ok(toVgw, JSON.stringify(dead));
    assert.match(toVgw.summary, new RegExp(`is a blackhole: virtual private gateway ${vgw} is available, and its attachment to ${vpc} is detached`));
    assert.deepEqual(toVgw.commands, [`aws ec2 delete-route --route-table-id ${rtPriv} --destination-cidr-block 172.30.0.0/16 --region us-east-1`]);
    // The table and the HTML report render the same commands.
    const text = await runVpclab(["audit", "--endpoint-url", lab.url]);
    assert.ok(text.stdout.includes(`run: aws ec2 delete-route --route-table-id ${rtPriv} --destination-ipv6-cidr-block ::/0 --region us-east-1`), text.stdout);
    const file = join(dir, "nat-report.html");
    await runVpclab(["audit", "--endpoint-url", lab.url, "--html", file]);
    assert.ok(readFileSync(file, "utf8").includes(`<code>aws ec2 delete-route --route-table-id ${rtPriv} --destination-ipv6-cidr-block ::/0 --region us-east-1</code>`));
  });
});
