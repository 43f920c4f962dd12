/**
 * `vpclab up` / `vpclab down` of scenario files, run as a subprocess against a real vpclab server: the
 * shipped seed (SCENARIO.md's topology) is built, checked through the SDK and the engine, rebuilt
 * without a change, planned by --dry-run without a mutating call, and removed; schema errors name
 * file, line and field, and make no API call at all.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DescribeInstancesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeTransitGatewayPeeringAttachmentsCommand,
  DescribeTransitGatewayRouteTablesCommand,
  DescribeTransitGatewaysCommand,
  DescribeVpcsCommand,
  GetTransitGatewayRouteTableAssociationsCommand,
  GetTransitGatewayRouteTablePropagationsCommand,
  SearchTransitGatewayRoutesCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { startLab, type Lab, runVpclab } from "../support/harness.js";


const vpclab = (lab: Lab, args: string[]) => runVpclab([...args, "--endpoint-url", lab.url]);

interface LogEntry {
  action: string;
}
const total = async (lab: Lab) => (await lab.admin<{ total: number }>("GET", "/requests")).body.total;
const since = async (lab: Lab, n: number) => (await lab.admin<{ requests: LogEntry[] }>("GET", `/requests?since=${n}`)).body.requests;
const mutating = (l: LogEntry[]) => l.filter((e) => !/^(Describe|Get|List)/.test(e.action)).map((e) => e.action);

async function mainRoutes(ec2: EC2Client, vpcId: string): Promise<string[]> {
  const out = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }, { Name: "association.main", Values: ["true"] }] }));
  const t = out.RouteTables![0]!;
  return [
    ...(t.Routes ?? []).map((r) => `${r.DestinationCidrBlock}→${r.GatewayId ?? r.VpcPeeringConnectionId}`),
    ...(t.Associations ?? []).map((a) => `assoc:${a.SubnetId ?? "main"}`),
  ].sort();
}

async function byName(ec2: EC2Client, name: string) {
  const out = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: "tag:Name", Values: [name] }, { Name: "instance-state-name", Values: ["running"] }] }));
  return out.Reservations?.flatMap((r) => r.Instances ?? [])[0];
}

describe("vpclab up / down", { timeout: 180_000 }, () => {
  let lab: Lab;
  let dir: string;
  before(async () => {
    lab = await startLab();
    dir = mkdtempSync(join(tmpdir(), "vpclab-scn-"));
  });
  after(async () => {
    await lab.close();
  });

  it("builds the seed, again without a change, plans with --dry-run, and removes it", async () => {
    const tokyo = lab.ec2("ap-northeast-1");
    const sing = lab.ec2("ap-southeast-1");
    const defaultVpc = (await sing.send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }))).Vpcs![0]!.VpcId!;
    const singBefore = await mainRoutes(sing, defaultVpc);
    const tokyoVpcsBefore = (await tokyo.send(new DescribeVpcsCommand({}))).Vpcs!.map((v) => v.VpcId).sort();

    // A dry run on an empty account reads only, and lists what it would do.
    let mark = await total(lab);
    const dry = await vpclab(lab, ["up", "scenarios/seed.yaml", "--dry-run"]);
    assert.equal(dry.code, 0, dry.stderr + dry.stdout);
    assert.deepEqual(mutating(await since(lab, mark)), []);
    assert.match(dry.stdout, /ap-northeast-1\s+CreateVpc CidrBlock=10\.20\.0\.0\/16/);
    assert.match(dry.stdout, /ap-northeast-1\s+CreateVpcPeeringConnection /);
    assert.match(dry.stdout, /ap-northeast-1\s+RunInstances /);

    const up = await vpclab(lab, ["up", "scenarios/seed.yaml", "--json"]);
    assert.equal(up.code, 0, up.stderr + up.stdout);
    const report = JSON.parse(up.stdout);
    assert.equal(report.changed, true);
    const tokyoVpc = (await tokyo.send(new DescribeVpcsCommand({ Filters: [{ Name: "tag:Name", Values: ["tokyo-vpc"] }] }))).Vpcs!;
    assert.equal(tokyoVpc.length, 1);
    assert.equal(tokyoVpc[0]!.CidrBlock, "10.20.0.0/16");
    assert.ok(tokyoVpc[0]!.Tags!.some((t) => t.Key === "vpclab:scenario" && t.Value === "seed"));
    const pcx = (await tokyo.send(new DescribeVpcPeeringConnectionsCommand({ Filters: [{ Name: "tag:Name", Values: ["tokyo-singapore"] }] }))).VpcPeeringConnections!;
    assert.equal(pcx.length, 1);
    assert.equal(pcx[0]!.Status!.Code, "active");
    const pcxId = pcx[0]!.VpcPeeringConnectionId!;
    assert.ok((await mainRoutes(tokyo, tokyoVpc[0]!.VpcId!)).includes(`172.31.0.0/16→${pcxId}`));
    const singAfter = await mainRoutes(sing, defaultVpc);
    assert.ok(singAfter.includes(`10.20.0.0/16→${pcxId}`));
    assert.equal(singAfter.filter((r) => r.startsWith("assoc:subnet-")).length, 3, "the three default subnets are associated explicitly");
    const sg = (await sing.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "group-name", Values: ["singapore-from-tokyo"] }] }))).SecurityGroups![0]!;
    assert.ok(sg.IpPermissions!.some((p) => p.IpProtocol === "icmp" && p.IpRanges!.some((r) => r.CidrIp === "10.20.0.0/16")));
    assert.ok(sg.IpPermissions!.some((p) => p.IpProtocol === "tcp" && p.FromPort === 22 && p.IpRanges!.some((r) => r.CidrIp === "10.20.0.0/16")));
    const t1 = await byName(tokyo, "tokyo-1");
    const s1 = await byName(sing, "singapore-1");
    assert.ok(t1 && s1, "both instances run");
    assert.match(t1.PrivateIpAddress!, /^10\.20\.1\./);
    assert.equal(s1.Placement!.AvailabilityZone, "ap-southeast-1a");
    // The network works: the engine pings both ways.
    for (const [from, to] of [["tokyo-1", "singapore-1"], ["singapore-1", "tokyo-1"]]) {
      const ping = await lab.admin<{ verdict: string }>("POST", "/ping", { from, to, count: 1 });
      assert.equal(ping.body.verdict, "reachable", `${from} → ${to}: ${JSON.stringify(ping.body)}`);
    }

    // Idempotent: a second up reads and changes nothing.
    mark = await total(lab);
    const again = await vpclab(lab, ["up", "scenarios/seed.yaml"]);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(mutating(await since(lab, mark)), []);
    assert.match(again.stdout, /Nothing to change: the topology is already up/);

    // down removes it all, leaves the default VPC as it was.
    const down = await vpclab(lab, ["down", "scenarios/seed.yaml"]);
    assert.equal(down.code, 0, down.stderr + down.stdout);
    assert.deepEqual((await tokyo.send(new DescribeVpcsCommand({}))).Vpcs!.map((v) => v.VpcId).sort(), tokyoVpcsBefore);
    assert.deepEqual(await mainRoutes(sing, defaultVpc), singBefore);
    assert.equal((await tokyo.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [pcxId] }))).VpcPeeringConnections![0]!.Status!.Code, "deleted");
    assert.equal(await byName(sing, "singapore-1"), undefined);
    assert.equal((await sing.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "group-name", Values: ["singapore-from-tokyo"] }] }))).SecurityGroups!.length, 0);
    // …and a second down has nothing to remove.
    mark = await total(lab);
    const down2 = await vpclab(lab, ["down", "scenarios/seed.yaml"]);
    assert.equal(down2.code, 0);
    assert.deepEqual(mutating(await since(lab, mark)), []);
    assert.match(down2.stdout, /Nothing to remove/);
  });

  it("reports schema errors with file, line, column and field, and makes no API call", async () => {
    const file = join(dir, "bad.yaml");
    writeFileSync(
      file,
      [
        "scenario: bad", //                                 1
        "vpcs:", //                                          2
        "  - name: tokyo", //                                3
        "    region: ap-northeast-1", //                     4
        "    cidr: 10.20.0.0/33", //                         5
        "    subnets:", //                                   6
        "      - { name: a, cidr: 10.99.0.0/24, zone: a }", // 7
        "  - name: sing", //                                 8
        "    region: ap-southeast-1", //                     9
        "    default: true", //                              10
        "    colour: blue", //                               11
        "route_tables:", //                                  12
        "  - vpc: tokyo", //                                 13
        "    main: true", //                                 14
        "    routes:", //                                    15
        "      - destination: 172.31.0.0/16", //             16
        "        to: singapore-vpc", //                      17
        "",
      ].join("\n"),
    );
    const mark = await total(lab);
    const r = await vpclab(lab, ["up", file]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /InvalidScenario/);
    assert.match(r.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:5:11: vpcs\\[0\\]\\.cidr: "10\\.20\\.0\\.0/33" is not an IPv4 CIDR block`));
    assert.match(r.stderr, /:11:5: vpcs\[1\]\.colour: unknown field/);
    assert.match(r.stderr, /:17:13: route_tables\[0\]\.routes\[0\]\.to: "singapore-vpc" is not a peering, VPC or internet gateway/);
    assert.equal(await total(lab), mark, "no request reached the server");

    // A YAML syntax error names its line too.
    const bad2 = join(dir, "syntax.yaml");
    writeFileSync(bad2, "scenario: x\nvpcs: [ { name: a\n");
    const r2 = await vpclab(lab, ["up", bad2]);
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /syntax\.yaml:\d+:\d+: \(YAML\):/);

    // Two peered VPCs that overlap are refused by the file check, before any call.
    const bad3 = join(dir, "overlap.yaml");
    writeFileSync(
      bad3,
      "scenario: o\nvpcs:\n  - { name: a, region: us-east-1, default: true }\n  - { name: b, region: us-west-2, default: true }\npeerings:\n  - { name: ab, from: a, to: b }\n",
    );
    const r3 = await vpclab(lab, ["up", bad3]);
    assert.equal(r3.code, 1);
    assert.match(r3.stderr, /overlap\.yaml:6:\d+: peerings\[0\]\.to: a \(172\.31\.0\.0\/16\) and b \(172\.31\.0\.0\/16\) overlap/);
  });
  it("scenarios/tgw.yaml: explicit transit gateways, attachments, a TGW peering, route tables, static and blackhole routes; ping crosses them, the blackhole drops; down removes them", async () => {
    const tokyo = lab.ec2("ap-northeast-1");
    const sing = lab.ec2("ap-southeast-1");
    // --dry-run: the plan names every TGW call, and no mutating call reaches the server.
    const m0 = await total(lab);
    const dry = await vpclab(lab, ["up", "scenarios/tgw.yaml", "--dry-run", "--json"]);
    assert.equal(dry.code, 0, dry.stderr + dry.stdout);
    const calls: string[] = JSON.parse(dry.stdout).calls;
    for (const a of ["CreateTransitGateway ", "CreateTransitGatewayVpcAttachment", "CreateTransitGatewayPeeringAttachment", "AcceptTransitGatewayPeeringAttachment", "CreateTransitGatewayRouteTable", "AssociateTransitGatewayRouteTable", "EnableTransitGatewayRouteTablePropagation", "CreateTransitGatewayRoute "]) {
      assert.ok(calls.some((c) => c.includes(a)), `${a}: ${calls.join("\n")}`);
    }
    assert.ok(calls.some((c) => c.includes("CreateRoute ") && c.includes("TransitGatewayId")), calls.join("\n"));
    assert.deepEqual(mutating(await since(lab, m0)), []);

    const up = await vpclab(lab, ["up", "scenarios/tgw.yaml", "--json"]);
    assert.equal(up.code, 0, up.stderr + up.stdout);
    assert.equal(JSON.parse(up.stdout).changed, true);

    const tgwNamed = async (ec2: EC2Client, name: string) => (await ec2.send(new DescribeTransitGatewaysCommand({ Filters: [{ Name: "tag:Name", Values: [name] }, { Name: "state", Values: ["available"] }] }))).TransitGateways ?? [];
    const [ttgw] = await tgwNamed(tokyo, "tokyo-tgw");
    const [stgw] = await tgwNamed(sing, "singapore-tgw");
    assert.ok(ttgw && stgw);
    assert.equal(ttgw.Options?.AmazonSideAsn, 64512);
    assert.equal(ttgw.Options?.DefaultRouteTableAssociation, "disable");
    assert.equal(ttgw.Options?.DefaultRouteTablePropagation, "disable");
    const peering = (await tokyo.send(new DescribeTransitGatewayPeeringAttachmentsCommand({ Filters: [{ Name: "tag:Name", Values: ["tokyo-singapore"] }] }))).TransitGatewayPeeringAttachments ?? [];
    assert.equal(peering.length, 1);
    assert.equal(peering[0]!.State, "available");
    assert.equal(peering[0]!.RequesterTgwInfo?.TransitGatewayId, ttgw.TransitGatewayId);
    const table = async (ec2: EC2Client, name: string) => (await ec2.send(new DescribeTransitGatewayRouteTablesCommand({ Filters: [{ Name: "tag:Name", Values: [name] }] }))).TransitGatewayRouteTables![0]!.TransitGatewayRouteTableId!;
    const trt = await table(tokyo, "tokyo-rt");
    const srt = await table(sing, "singapore-rt");
    const routes = async (ec2: EC2Client, id: string) =>
      ((await ec2.send(new SearchTransitGatewayRoutesCommand({ TransitGatewayRouteTableId: id, Filters: [{ Name: "state", Values: ["active", "blackhole"] }] }))).Routes ?? [])
        .map((r) => `${r.DestinationCidrBlock} ${r.Type} ${r.State} ${r.TransitGatewayAttachments?.[0]?.ResourceType ?? "-"}`)
        .sort();
    assert.deepEqual(await routes(tokyo, trt), ["10.120.0.0/16 propagated active vpc", "10.130.0.0/16 static active peering", "10.131.0.0/16 static blackhole -"]);
    assert.deepEqual(await routes(sing, srt), ["10.120.0.0/16 static active peering", "10.130.0.0/16 propagated active vpc", "10.131.0.0/16 propagated active vpc"]);
    const assocs = (await sing.send(new GetTransitGatewayRouteTableAssociationsCommand({ TransitGatewayRouteTableId: srt }))).Associations ?? [];
    assert.equal(assocs.filter((a) => a.State === "associated").length, 3);
    const props = (await sing.send(new GetTransitGatewayRouteTablePropagationsCommand({ TransitGatewayRouteTableId: srt }))).TransitGatewayRouteTablePropagations ?? [];
    assert.equal(props.filter((p) => p.State === "enabled").length, 2);

    // The network: Tokyo reaches Singapore across both gateways; the blackhole drops Tokyo → lab.
    const ok = await vpclab(lab, ["ping", "tokyo-1", "singapore-1", "--json"]);
    assert.equal(ok.code, 0, ok.stderr + ok.stdout);
    assert.equal(JSON.parse(ok.stdout).verdict, "reachable");
    const dropped = await vpclab(lab, ["ping", "tokyo-1", "lab-1", "--json"]);
    assert.equal(dropped.code, 1, dropped.stderr + dropped.stdout);
    const d = JSON.parse(dropped.stdout);
    assert.notEqual(d.verdict, "reachable");
    assert.ok(JSON.stringify(d.explanations).includes(trt), JSON.stringify(d.explanations));

    // Idempotent.
    const mark = await total(lab);
    const again = await vpclab(lab, ["up", "scenarios/tgw.yaml", "--json"]);
    assert.equal(again.code, 0, again.stderr + again.stdout);
    assert.equal(JSON.parse(again.stdout).changed, false);
    assert.deepEqual(mutating(await since(lab, mark)).filter((a) => !a.startsWith("Search")), []);

    // down removes the gateways, their attachments and tables, and the VPCs.
    const down = await vpclab(lab, ["down", "scenarios/tgw.yaml", "--json"]);
    assert.equal(down.code, 0, down.stderr + down.stdout);
    for (const ec2 of [tokyo, sing]) {
      const live = ((await ec2.send(new DescribeTransitGatewaysCommand({}))).TransitGateways ?? []).filter((t) => t.State !== "deleted");
      assert.deepEqual(live, []);
      const vpcs = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "tag:vpclab:scenario", Values: ["tgw"] }] }))).Vpcs ?? [];
      assert.deepEqual(vpcs, []);
    }
  });
});
