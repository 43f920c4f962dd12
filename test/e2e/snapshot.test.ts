/**
 * Snapshots end to end: `vpclab snapshot collect` against a vpclab running the seed, asserted
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

const REGIONS = ["ap-northeast-1", "ap-southeast-1"];

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
    ];
    for (const [name, cmd] of calls) {
      const { $metadata: _m, ...rest } = (await c.send(cmd as never)) as unknown as Record<string, unknown>;
      out[`${region}/${name}`] = rest;
    }
  }
  return out;
}

interface Verdict {
  verdict: string;
  explanations?: { code: string }[];
}

async function verdicts(lab: Lab, s: Seed): Promise<Record<string, string>> {
  const ends = ["tokyo-box", "singapore-box", s.tokyoIp, s.singaporeIp, "internet"];
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

describe("vpclab snapshot", () => {
  let src: Lab;
  let dst: Lab;
  let seed: Seed;
  let dir: string;
  before(async () => {
    src = await startLab();
    dst = await startLab();
    seed = await buildSeed(src, src.ec2("ap-northeast-1"), src.ec2("ap-southeast-1"));
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
    const log = (await src.admin<{ requests: { action: string }[] }>("GET", `/requests?since=${before}`)).body.requests;
    assert.ok(log.length >= 2 * 13, `expected the Describe calls in the log, got ${log.length}`);
    const mutating = log.filter((e) => !/^(Describe|Get)/.test(e.action));
    assert.deepEqual(mutating, [], "collect must never call a mutating action");
    assert.ok(log.some((e) => e.action === "GetCallerIdentity"));
  });

  test("load into a fresh vpclab: every describe-* answer and every pair's verdict is identical", async () => {
    const r = await runVpclab(["snapshot", "load", dir, "--endpoint-url", dst.url]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /loaded 1 account\(s\), 2 region\(s\)/);
    assert.deepEqual(await everything(dst), await everything(src));
    const want = await verdicts(src, seed);
    assert.ok(Object.values(want).some((v) => v.startsWith("reachable")) && Object.values(want).some((v) => v.startsWith("blocked")));
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
    const tr = await runVpclab(["trace", "--snapshot", dir, "tokyo-box", "singapore-box"]);
    assert.equal(tr.code, 0, tr.stderr);
    assert.match(tr.stdout, new RegExp(seed.pcx));
  });
});
