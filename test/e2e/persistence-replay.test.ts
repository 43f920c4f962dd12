/**
 * The data directory reproduces the state exactly: a server with `dataDir` takes thousands of mixed
 * writes (random ids, generated key pairs, instances, peering, routes, rules, tags, clock moves), long
 * enough that its journal is rotated and snapshotted several times while requests keep coming; then a
 * second server is started on the same directory without the first being stopped (as after a crash:
 * everything acknowledged is on disk). Both must save the very same state document, and the second
 * goes on from there.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startVpclab } from "../../src/index.js";

const AUTH = (region: string, key = "test") => `AWS4-HMAC-SHA256 Credential=${key}/20260101/${region}/ec2/aws4_request, SignedHeaders=host, Signature=0`;

async function call(url: string, region: string, action: string, params: Record<string, string | number> = {}, key?: string): Promise<string> {
  const body = new URLSearchParams({ Action: action, Version: "2016-11-15" });
  for (const [k, v] of Object.entries(params)) body.append(k, String(v));
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", authorization: AUTH(region, key) }, body: body.toString() });
  return res.text();
}

const pick = (xml: string, tag: string) => new RegExp(`<${tag}>([^<]+)</${tag}>`).exec(xml)?.[1];

async function saved(url: string): Promise<string> {
  const res = await fetch(url + "/_vpclab/state/save", { method: "POST" });
  return (await res.text()).replace(/"savedAt":"[^"]*",/, "");
}

test("a restart on the data directory saves exactly the state the first server had, across journal rotations", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vpclab-replay-"));
  // A delay real time cannot reach, so that both servers see the same transitions pending when they save.
  const options = { dataDir: dir, quotas: { vpcsPerRegion: 1000, elasticIpsPerRegion: 100 }, delays: { "instance.running": 3_600_000 } };
  const first = await startVpclab(options);
  try {
    const regions = ["us-east-1", "ap-northeast-1"];
    let snapshotsSeen = 0;
    let lastSnapshot = "";
    for (let round = 0; round < 60; round++) {
      const region = regions[round % 2]!;
      const u = first.url;
      const vpc = pick(await call(u, region, "CreateVpc", { CidrBlock: `10.${round}.0.0/16` }), "vpcId")!;
      const subnet = pick(await call(u, region, "CreateSubnet", { VpcId: vpc, CidrBlock: `10.${round}.1.0/24` }), "subnetId")!;
      const sg = pick(await call(u, region, "CreateSecurityGroup", { VpcId: vpc, GroupName: `g${round}`, GroupDescription: "x" }), "groupId")!;
      await call(u, region, "AuthorizeSecurityGroupIngress", { GroupId: sg, "IpPermissions.1.IpProtocol": "tcp", "IpPermissions.1.FromPort": 22, "IpPermissions.1.ToPort": 22, "IpPermissions.1.IpRanges.1.CidrIp": "10.0.0.0/8" });
      const inst = pick(await call(u, region, "RunInstances", { ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", MinCount: 2, MaxCount: 2, SubnetId: subnet, "SecurityGroupId.1": sg }), "instanceId")!;
      const rtb = pick(await call(u, region, "CreateRouteTable", { VpcId: vpc }), "routeTableId")!;
      await call(u, region, "AssociateRouteTable", { RouteTableId: rtb, SubnetId: subnet });
      const igw = pick(await call(u, region, "CreateInternetGateway"), "internetGatewayId")!;
      await call(u, region, "AttachInternetGateway", { InternetGatewayId: igw, VpcId: vpc });
      await call(u, region, "CreateRoute", { RouteTableId: rtb, DestinationCidrBlock: "0.0.0.0/0", GatewayId: igw });
      const alloc = pick(await call(u, region, "AllocateAddress", { Domain: "vpc" }), "allocationId")!;
      await call(u, region, "AssociateAddress", { AllocationId: alloc, InstanceId: inst });
      if (round % 5 === 0) await call(u, region, "CreateKeyPair", { KeyName: `k${round}` });
      if (round % 4 === 1) await call(u, region, "TerminateInstances", { "InstanceId.1": inst });
      if (round % 7 === 2) {
        const peer = pick(await call(u, regions[(round + 1) % 2]!, "DescribeVpcs", { "Filter.1.Name": "is-default", "Filter.1.Value.1": "true" }), "vpcId")!;
        const pcx = pick(await call(u, region, "CreateVpcPeeringConnection", { VpcId: vpc, PeerVpcId: peer, PeerRegion: regions[(round + 1) % 2]! }), "vpcPeeringConnectionId")!;
        await call(u, regions[(round + 1) % 2]!, "AcceptVpcPeeringConnection", { VpcPeeringConnectionId: pcx });
      }
      if (round % 9 === 3) await fetch(u + "/_vpclab/clock", { method: "POST", body: JSON.stringify({ advanceSeconds: 3 }) });
      for (let k = 0; k < 20; k++) await call(u, region, "CreateTags", { "ResourceId.1": vpc, "Tag.1.Key": `k${k}`, "Tag.1.Value": "v".repeat(200) + k });
      await call(u, region, "DescribeInstances", {}, round % 3 === 0 ? "123456789012" : undefined);
      const snap = readdirSync(dir).includes("snapshot.json") ? readFileSync(join(dir, "snapshot.json"), "utf8").split("\n")[0]! : "";
      if (snap && snap !== lastSnapshot) {
        snapshotsSeen++;
        lastSnapshot = snap;
      }
    }
    assert.ok(snapshotsSeen >= 2, `the journal was snapshotted ${snapshotsSeen} times while requests came (expected several)`);
    const before = await saved(first.url);

    // The first server is not stopped: its directory is as a crash would leave it.
    const second = await startVpclab(options);
    try {
      const after = await saved(second.url);
      assert.ok(after === before, "the restarted server's state document differs from the first server's");
      const fresh = await call(second.url, "us-east-1", "CreateVpc", { CidrBlock: "10.200.0.0/16" });
      assert.match(fresh, /<vpcId>vpc-[0-9a-f]{17}<\/vpcId>/);
      assert.ok(!before.includes(pick(fresh, "vpcId")!));
    } finally {
      await second.close();
    }
  } finally {
    await first.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
});
