/**
 * A snapshot made by hand with the AWS CLI (test/fixtures/snapshot-aws-docs: AWS's documented example
 * outputs assembled into one network) loads — offline and into a server — keeps the real ids, owner,
 * region and tags, reports what vpclab does not model, and answers `why` correctly.
 */
import { spawn } from "node:child_process";
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { DescribeInstancesCommand, DescribeRouteTablesCommand, DescribeVpcsCommand } from "@aws-sdk/client-ec2";
import { runVpclab, startLab, type Lab } from "../support/harness.js";

const DIR = "test/fixtures/snapshot-aws-docs";

interface Why {
  verdict: string;
  explanations: { code: string; reason?: string; securityGroupId?: string; component?: { id: string } }[];
}

async function why(args: string[]): Promise<{ code: number; a: Why }> {
  const r = await runVpclab(["why", "--snapshot", DIR, ...args, "--json"]);
  assert.ok(r.code === 0 || r.code === 1, r.stderr + r.stdout);
  return { code: r.code, a: JSON.parse(r.stdout) as Why };
}

describe("a hand-made AWS CLI snapshot", () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab();
  });
  after(async () => lab?.close());

  test("why --snapshot answers from the documented examples", async () => {
    const web80 = await why(["internet", "web", "--protocol", "tcp", "--port", "80"]);
    assert.equal(web80.code, 0);
    assert.equal(web80.a.verdict, "reachable");
    const web3306 = await why(["internet", "web", "--protocol", "tcp", "--port", "3306"]);
    assert.equal(web3306.code, 1);
    assert.equal(web3306.a.explanations[0]!.code, "ENI_SG_RULES_MISMATCH");
    assert.equal((await why(["web", "db", "--protocol", "tcp", "--port", "5432"])).a.verdict, "reachable");
    const ssh = await why(["web", "db", "--protocol", "tcp", "--port", "22"]);
    assert.equal(ssh.a.verdict, "blocked");
    assert.match(JSON.stringify(ssh.a.explanations), /sg-1a2b3c4d/);
    // The private subnet's default route goes to the NAT gateway (and its interface, from the
    // describe-network-interfaces example): out through it, the far side sees its elastic IP.
    const out = await why(["db", "8.8.8.8", "--protocol", "tcp", "--port", "443"]);
    assert.equal(out.a.verdict, "reachable", JSON.stringify(out.a.explanations));
    assert.equal((out.a as unknown as { sourceAddressSeenByReceiver: string }).sourceAddressSeenByReceiver, "54.89.174.221");
    // The gateway endpoint's prefix-list route is kept; its endpoint is not in the snapshot: a blackhole naming it.
    const s3 = await why(["db", "52.216.8.9", "--protocol", "tcp", "--port", "443"]);
    assert.equal(s3.a.verdict, "reachable", "S3's address is not in pl-63a5400a (unknown list): the default route to the NAT carries it");
    // A route to a peering that is not in the snapshot: a blackhole naming it.
    const pcx = await why(["db", "10.5.1.1"]);
    assert.match(JSON.stringify(pcx.a.explanations), /pcx-111aaa22 is deleted/);
  });

  test("snapshot load keeps real ids, owner, region and tags, and reports what it could not model", async () => {
    const r = await runVpclab(["snapshot", "load", DIR, "--endpoint-url", lab.url, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { loaded: Record<string, number>; unmodelled: Record<string, number>; warnings: string[] };
    assert.equal(report.loaded.instances, 2);
    assert.equal(report.loaded.networkInterfaces, 3); // the two instances' and the NAT gateway's
    assert.deepEqual(report.unmodelled, {});
    assert.equal(report.loaded.natGateways, 1);
    assert.ok(report.warnings.some((w) => w.includes("pcx-111aaa22") && w.includes("not in the snapshot")));
    assert.ok(report.warnings.some((w) => w.includes("pl-63a5400a") && w.includes("not in the snapshot")));
    assert.ok(report.warnings.some((w) => w.includes("vpce-0d68d7d0EXAMPLE") && w.includes("not in the snapshot")));
    const c = lab.ec2("us-east-1", "123456789012");
    const vpc = (await c.send(new DescribeVpcsCommand({ VpcIds: ["vpc-a01106c2"] }))).Vpcs![0]!;
    assert.equal(vpc.OwnerId, "123456789012");
    assert.deepEqual(vpc.Tags, [{ Key: "Name", Value: "MyVPC" }]);
    const inst = (await c.send(new DescribeInstancesCommand({ InstanceIds: ["i-1234567890abcdef0"] }))).Reservations![0]!.Instances![0]!;
    assert.equal(inst.PublicIpAddress, "3.95.24.156");
    assert.equal(inst.State!.Name, "running");
    assert.deepEqual(inst.SecurityGroups!.map((g) => g.GroupId), ["sg-903004f8"]);
    const rt = (await c.send(new DescribeRouteTablesCommand({ RouteTableIds: ["rtb-1f382e7d"] }))).RouteTables![0]!;
    assert.deepEqual(
      rt.Routes!.map((x) => [x.DestinationCidrBlock, x.GatewayId ?? x.NatGatewayId ?? x.VpcPeeringConnectionId, x.State]),
      [
        ["10.0.0.0/16", "local", "active"],
        ["0.0.0.0/0", "nat-05dba92075d71c408", "active"],
        ["10.5.0.0/16", "pcx-111aaa22", "blackhole"],
        [undefined, "vpce-0d68d7d0EXAMPLE", "blackhole"],
      ],
    );
    // The server answers like the offline run.
    const a = await lab.admin<Why>("POST", "/analyze", { from: "internet", to: "web", account: "123456789012", protocol: "tcp", port: 80 });
    assert.equal(a.body.verdict, "reachable");
  });

  test("serve --load starts from the snapshot", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/bin/vpclab.ts", "serve", "--port", "0", "--load", DIR], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      let out = "";
      const url = await new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no server line: ${out}`)), 30_000);
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /serving the EC2 API on (http:\/\/\S+)/.exec(out);
          if (m) {
            clearTimeout(t);
            resolve(m[1]!);
          }
        });
        child.on("exit", (code) => reject(new Error(`serve exited ${code}: ${out}`)));
      });
      assert.match(out, /loaded 1 account\(s\), 1 region\(s\)/);
      assert.doesNotMatch(out, /not modelled/);
      const res = await fetch(`${url}/_vpclab/analyze`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ from: "web", to: "db", account: "123456789012", protocol: "tcp", port: 5432 }),
      });
      assert.equal(((await res.json()) as Why).verdict, "reachable");
    } finally {
      child.kill("SIGTERM");
    }
  });

  test("an inconsistent snapshot loads with warnings, never a failure", async () => {
    const r = await lab.admin<{ warnings: string[]; loaded: Record<string, number> }>("POST", "/state/import", {
      files: {
        "us-east-1/describe-subnets.json": { Subnets: [{ SubnetId: "subnet-0123abcd", VpcId: "vpc-0000dead", CidrBlock: "10.9.0.0/24", OwnerId: "123456789012" }] },
        "us-east-1/describe-vpcs.json": { Vpcs: [{ VpcId: "vpc-0000beef", OwnerId: "123456789012", CidrBlock: "10.8.0.0/16" }] },
        "us-east-1/describe-route-tables.json": { RouteTables: [{ RouteTableId: "rtb-0000aaaa", VpcId: "vpc-0000beef", OwnerId: "123456789012", Routes: [{ DestinationCidrBlock: "0.0.0.0/0" }, 7] }] },
        "us-east-1/describe-instances.json": { Reservations: [{ OwnerId: "123456789012", Instances: [{ InstanceId: "i-0000000000000abcd", SubnetId: "subnet-nothere", VpcId: "vpc-0000beef" }] }] },
        "nowhere/describe-vpcs.json": { Vpcs: [] },
        "us-east-1/notes.json": "hello",
      },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.loaded.vpcs, 1);
    assert.equal(r.body.loaded.subnets, 0);
    assert.ok(r.body.warnings.some((w) => w.includes("subnet-0123abcd") && w.includes("vpc-0000dead")));
    assert.ok(r.body.warnings.some((w) => w.includes("i-0000000000000abcd")));
    assert.ok(r.body.warnings.some((w) => w.includes("nowhere/describe-vpcs.json")));
    assert.ok(r.body.warnings.some((w) => w.includes("notes.json")));
    const bad = await lab.admin<{ error: { code: string } }>("POST", "/state/import", { files: [] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, "InvalidParameterValue");
  });
});
