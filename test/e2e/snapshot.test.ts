/**
 * Snapshots end to end: `vpclab snapshot collect` against a vpclab running the seed and the mesh
 * scenario (scenarios/mesh.yaml: transit gateways in three regions, peered), asserted
 * read-only from the request log; `vpclab snapshot load` into a fresh vpclab gives identical
 * describe-* answers and identical verdicts for every pair; `why --snapshot` answers offline.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ec2 from "@aws-sdk/client-ec2";
import { runVpclab, startLab, type Lab } from "../support/harness.js";
import { buildSeed, type Seed } from "../support/seed.js";

const REGIONS = ["ap-northeast-1", "ap-southeast-1", "us-east-1"];

/** Every describe-* answer a user sees in the seed's regions (without response metadata). */
async function everything(lab: Lab): Promise<unknown> {
  const out: Record<string, unknown> = {};
  for (const region of REGIONS) {
    const c = lab.ec2(region);
    const calls: [string, unknown][] = [
      ["vpcs", new ec2.DescribeVpcsCommand({})],
      ["subnets", new ec2.DescribeSubnetsCommand({})],
      ["routeTables", new ec2.DescribeRouteTablesCommand({})],
      ["igws", new ec2.DescribeInternetGatewaysCommand({})],
      ["pcx", new ec2.DescribeVpcPeeringConnectionsCommand({})],
      ["sgs", new ec2.DescribeSecurityGroupsCommand({})],
      ["sgRules", new ec2.DescribeSecurityGroupRulesCommand({})],
      ["acls", new ec2.DescribeNetworkAclsCommand({})],
      ["enis", new ec2.DescribeNetworkInterfacesCommand({})],
      ["instances", new ec2.DescribeInstancesCommand({})],
      ["addresses", new ec2.DescribeAddressesCommand({})],
      ["dhcp", new ec2.DescribeDhcpOptionsCommand({})],
      ["volumes", new ec2.DescribeVolumesCommand({})],
      ["tgws", new ec2.DescribeTransitGatewaysCommand({})],
      ["tgwVpcAttachments", new ec2.DescribeTransitGatewayVpcAttachmentsCommand({})],
      ["tgwPeeringAttachments", new ec2.DescribeTransitGatewayPeeringAttachmentsCommand({})],
      ["tgwAttachments", new ec2.DescribeTransitGatewayAttachmentsCommand({})],
      ["tgwRouteTables", new ec2.DescribeTransitGatewayRouteTablesCommand({})],
    ];
    for (const [name, cmd] of calls) {
      const { $metadata: _m, ...rest } = (await c.send(cmd as never)) as unknown as Record<string, unknown>;
      out[`${region}/${name}`] = rest;
    }
    const tables = (out[`${region}/tgwRouteTables`] as ec2.DescribeTransitGatewayRouteTablesResult).TransitGatewayRouteTables ?? [];
    for (const t of tables) {
      const id = t.TransitGatewayRouteTableId!;
      const strip = (x: { $metadata?: unknown }) => ({ ...x, $metadata: undefined });
      out[`${region}/${id}/associations`] = strip(await c.send(new ec2.GetTransitGatewayRouteTableAssociationsCommand({ TransitGatewayRouteTableId: id })));
      out[`${region}/${id}/propagations`] = strip(await c.send(new ec2.GetTransitGatewayRouteTablePropagationsCommand({ TransitGatewayRouteTableId: id })));
      out[`${region}/${id}/routes`] = strip(
        await c.send(new ec2.SearchTransitGatewayRoutesCommand({ TransitGatewayRouteTableId: id, Filters: [{ Name: "type", Values: ["static", "propagated"] }] })),
      );
    }
  }
  return out;
}

interface Verdict {
  verdict: string;
  explanations?: { code: string }[];
}

async function verdicts(lab: Lab, s: Seed): Promise<Record<string, string>> {
  // The seed's two instances, and the mesh scenario's four (reached through transit gateways).
  const ends = ["tokyo-box", "singapore-box", s.tokyoIp, s.singaporeIp, "tokyo-1", "singapore-1", "virginia-app-1", "virginia-data-1", "internet"];
  const out: Record<string, string> = {};
  for (const from of ends) {
    for (const to of ends) {
      if (from === to || to === "internet") continue;
      for (const q of [{ protocol: "icmp" }, { protocol: "tcp", port: 22 }, { protocol: "tcp", port: 443 }, { protocol: "udp", port: 53 }]) {
        const r = await lab.admin<Verdict>("POST", "/analyze", { from, to, ...q });
        out[`${from} → ${to} ${q.protocol}:${"port" in q ? q.port : ""}`] = r.status === 200 ? `${r.body.verdict} ${(r.body.explanations ?? []).map((e) => e.code).join(",")}` : `HTTP ${r.status}`;
      }
    }
  }
  return out;
}

describe("vpclab snapshot", { timeout: 300_000 }, () => {
  let src: Lab;
  let dst: Lab;
  let seed: Seed;
  let dir: string;
  before(async () => {
    src = await startLab();
    dst = await startLab();
    seed = await buildSeed(src, src.ec2("ap-northeast-1"), src.ec2("ap-southeast-1"));
    const up = await runVpclab(["up", "scenarios/mesh.yaml", "--endpoint-url", src.url], 120_000);
    assert.equal(up.code, 0, up.stderr + up.stdout);
    dir = mkdtempSync(join(tmpdir(), "vpclab-snap-"));
  });
  after(async () => {
    await src?.close();
    await dst?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("collect writes one file per region and call plus a manifest, and sends only Describe/Get calls", async () => {
    const before = (await src.admin<{ total: number }>("GET", "/requests")).body.total;
    const r = await runVpclab(["snapshot", "collect", "--out", dir, "--regions", REGIONS.join(","), "--endpoint-url", src.url]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /collected 1 account\(s\) \(000000000000\)/);
    // The per-region progress line.
    assert.match(r.stderr, /000000000000 ap-northeast-1 \[#+\] \d+\/\d+ calls/);
    const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    assert.equal(m.format, "vpclab-snapshot");
    assert.deepEqual(m.accounts.map((a: { account: string; regions: string[] }) => [a.account, a.regions]), [["000000000000", REGIONS]]);
    assert.match(m.tool, /^vpclab /);
    const vpcs = JSON.parse(readFileSync(join(dir, "000000000000", "ap-northeast-1", "describe-vpcs.json"), "utf8"));
    assert.ok(vpcs.Vpcs.some((v: { VpcId: string }) => v.VpcId === seed.vpc));
    assert.ok(existsSync(join(dir, "000000000000", "ap-southeast-1", "describe-instances.json")));
    // Transit gateway route tables: one file per table and per-table call.
    const tables = JSON.parse(readFileSync(join(dir, "000000000000", "us-east-1", "describe-transit-gateway-route-tables.json"), "utf8")).TransitGatewayRouteTables;
    assert.ok(tables.length >= 1);
    for (const call of ["get-transit-gateway-route-table-associations", "get-transit-gateway-route-table-propagations", "search-transit-gateway-routes"]) {
      assert.ok(existsSync(join(dir, "000000000000", "us-east-1", `${call}.${tables[0].TransitGatewayRouteTableId}.json`)), call);
    }
    const log = (await src.admin<{ requests: { action: string }[] }>("GET", `/requests?since=${before}`)).body.requests;
    assert.ok(log.length >= 3 * 18, `expected the Describe calls in the log, got ${log.length}`);
    const mutating = log.filter((e) => !/^(Describe|Get|Search)/.test(e.action));
    assert.deepEqual(mutating, [], "collect must never call a mutating action");
    assert.ok(log.some((e) => e.action === "GetCallerIdentity"));
    // Every call it made is in the read-only policy README.md documents (iamActions(), checked equal to
    // README's list by src/snapshot/collect.test.ts).
    const { iamActions } = await import("../../src/snapshot/collect.js");
    const allowed = new Set(iamActions().map((a) => a.split(":")[1]));
    assert.deepEqual([...new Set(log.map((e) => e.action))].filter((a) => !allowed.has(a)), []);
    for (const a of ["SearchTransitGatewayRoutes", "GetTransitGatewayRouteTablePropagations", "DescribeTransitGatewayPeeringAttachments"]) assert.ok(log.some((e) => e.action === a), a);
  });

  test("load into a fresh vpclab: every describe-* answer and every pair's verdict is identical", async () => {
    const r = await runVpclab(["snapshot", "load", dir, "--endpoint-url", dst.url]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /loaded 1 account\(s\), 3 region\(s\)/);
    assert.match(r.stdout, /3 transitGateways/);
    assert.doesNotMatch(r.stdout, /TransitGateway/, "no transit gateway kind is reported as unmodelled");
    assert.deepEqual(await everything(dst), await everything(src));
    const want = await verdicts(src, seed);
    assert.ok(Object.values(want).some((v) => v.startsWith("reachable")) && Object.values(want).some((v) => v.startsWith("blocked")));
    // The mesh's pairs cross transit gateways (and TGW peerings): reachable in both.
    assert.match(want["tokyo-1 → virginia-data-1 tcp:22"]!, /^reachable/);
    assert.deepEqual(await verdicts(dst, seed), want);
  });

  test("why --snapshot answers offline, with the same verdict as the server", async () => {
    const ok = await runVpclab(["why", "--snapshot", dir, "tokyo-box", "singapore-box", "--protocol", "tcp", "--port", "22"]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    const no = await runVpclab(["why", "--snapshot", dir, "tokyo-box", "singapore-box", "--protocol", "tcp", "--port", "443", "--json"]);
    assert.equal(no.code, 1, no.stderr);
    const offline = JSON.parse(no.stdout) as Verdict;
    const online = (await src.admin<Verdict>("POST", "/analyze", { from: "tokyo-box", to: "singapore-box", protocol: "tcp", port: 443 })).body;
    assert.equal(offline.verdict, "blocked");
    assert.deepEqual(offline.explanations!.map((e) => e.code), online.explanations!.map((e) => e.code));
    // The mesh's transit gateway routes go both ways and every attachment carries traffic: the audit
    // of the snapshot finds no one-sided route and no idle connection.
    const au = await runVpclab(["audit", "--snapshot", dir, "--json"]);
    assert.equal(au.code, 0, au.stderr);
    const kinds = (JSON.parse(au.stdout) as { findings: { kind: string; summary: string }[] }).findings.filter((f) => f.kind === "one-sided-route" || f.kind === "unused-connection");
    assert.deepEqual(kinds, []);
    const tr = await runVpclab(["trace", "--snapshot", dir, "tokyo-box", "singapore-box"]);
    assert.equal(tr.code, 0, tr.stderr);
    assert.match(tr.stdout, new RegExp(seed.pcx));
  });
});
