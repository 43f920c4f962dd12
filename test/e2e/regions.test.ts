// DescribeRegions and DescribeAvailabilityZones through the AWS CLI and the SDK: the 32 regions, real
// zone names and zone ids, filters, and EC2's errors for unknown regions and zones.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { DescribeAvailabilityZonesCommand, DescribeRegionsCommand } from "@aws-sdk/client-ec2";
import { startLab, expectEc2Error, type Lab } from "../support/harness.js";

// The 32 regions of shared/data/aws-region-rtt-p50.json (the latency table vpclab uses).
const RTT_REGIONS = [
  "af-south-1", "ap-east-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
  "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
  "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1",
  "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1",
  "mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
];

let lab: Lab;
before(async () => {
  lab = await startLab();
});
after(async () => {
  await lab.close();
});

test("aws ec2 describe-regions lists the 32 regions with their endpoints", async () => {
  const r = await lab.cli(["ec2", "describe-regions"], { region: "ap-northeast-1" });
  assert.equal(r.code, 0, r.stderr);
  const regions = (r.json as { Regions: { RegionName: string; Endpoint: string; OptInStatus: string }[] }).Regions;
  assert.equal(regions.length, 32);
  assert.deepEqual(regions.map((x) => x.RegionName).sort(), [...RTT_REGIONS].sort());
  assert.deepEqual(
    regions.find((x) => x.RegionName === "ap-northeast-1"),
    { Endpoint: "ec2.ap-northeast-1.amazonaws.com", RegionName: "ap-northeast-1", OptInStatus: "opt-in-not-required" },
  );
  assert.equal(regions.find((x) => x.RegionName === "af-south-1")!.OptInStatus, "opted-in");
});

test("aws ec2 describe-availability-zones shows real zone names and ids", async () => {
  const r = await lab.cli(["ec2", "describe-availability-zones"], { region: "ap-northeast-1" });
  assert.equal(r.code, 0, r.stderr);
  const zones = (r.json as { AvailabilityZones: Record<string, unknown>[] }).AvailabilityZones;
  assert.deepEqual(
    zones.map((z) => [z.ZoneName, z.ZoneId]),
    [
      ["ap-northeast-1a", "apne1-az4"],
      ["ap-northeast-1c", "apne1-az1"],
      ["ap-northeast-1d", "apne1-az2"],
    ],
  );
  const a = zones[0]!;
  assert.equal(a.State, "available");
  assert.equal(a.RegionName, "ap-northeast-1");
  assert.equal(a.OptInStatus, "opt-in-not-required");
  assert.equal(a.GroupName, "ap-northeast-1-zg-1");
  assert.equal(a.NetworkBorderGroup, "ap-northeast-1");
  assert.equal(a.ZoneType, "availability-zone");
  assert.deepEqual(a.Messages, []);
});

test("every region has zones with ids of its own prefix, and zones follow the caller's region", async () => {
  for (const region of RTT_REGIONS) {
    const r = await lab.ec2(region).send(new DescribeAvailabilityZonesCommand({}));
    const zones = r.AvailabilityZones!;
    assert.ok(zones.length >= 2, region);
    const prefix = zones[0]!.ZoneId!.split("-")[0]!;
    for (const z of zones) {
      assert.equal(z.RegionName, region);
      assert.match(z.ZoneName!, new RegExp(`^${region}[a-f]$`));
      assert.match(z.ZoneId!, new RegExp(`^${prefix}-az\\d$`));
      assert.match(z.GroupLongName!, / 1$/);
    }
    assert.equal(new Set(zones.map((z) => z.ZoneId)).size, zones.length, region);
  }
  const sg = await lab.ec2("ap-southeast-1").send(new DescribeAvailabilityZonesCommand({}));
  assert.deepEqual(sg.AvailabilityZones!.map((z) => z.ZoneName), ["ap-southeast-1a", "ap-southeast-1b", "ap-southeast-1c"]);
  const use1 = await lab.ec2("us-east-1").send(new DescribeAvailabilityZonesCommand({ ZoneNames: ["us-east-1a"] }));
  assert.equal(use1.AvailabilityZones![0]!.GroupLongName, "US East (N. Virginia) 1");
});

test("DescribeRegions by name and with filters; unknown names get EC2's error", async () => {
  const ec2 = lab.ec2("eu-west-1");
  const byName = await ec2.send(new DescribeRegionsCommand({ RegionNames: ["ap-southeast-1", "ap-northeast-1"] }));
  assert.deepEqual(byName.Regions!.map((r) => r.RegionName), ["ap-southeast-1", "ap-northeast-1"]);
  const us = await ec2.send(new DescribeRegionsCommand({ Filters: [{ Name: "endpoint", Values: ["*us-*"] }] }));
  assert.deepEqual(us.Regions!.map((r) => r.RegionName), ["us-east-1", "us-east-2", "us-west-1", "us-west-2"]);
  const optIn = await ec2.send(new DescribeRegionsCommand({ AllRegions: true, Filters: [{ Name: "opt-in-status", Values: ["opted-in"] }, { Name: "region-name", Values: ["ap-*"] }] }));
  assert.ok(optIn.Regions!.every((r) => r.OptInStatus === "opted-in" && r.RegionName!.startsWith("ap-")));
  assert.ok(optIn.Regions!.some((r) => r.RegionName === "ap-east-1"));
  const bad = await expectEc2Error(ec2.send(new DescribeRegionsCommand({ RegionNames: ["us-east-1", "mars-north-1"] })), "InvalidParameterValue");
  assert.match(bad.message, /Invalid region: \[mars-north-1\]/);
  await expectEc2Error(ec2.send(new DescribeRegionsCommand({ Filters: [{ Name: "planet", Values: ["earth"] }] })), "InvalidParameterValue");
});

test("DescribeAvailabilityZones by name, by id and with filters; unknown zones get EC2's error", async () => {
  const ec2 = lab.ec2("ap-northeast-1");
  const r = await ec2.send(new DescribeAvailabilityZonesCommand({ ZoneIds: ["apne1-az1"] }));
  assert.deepEqual(r.AvailabilityZones!.map((z) => z.ZoneName), ["ap-northeast-1c"]);
  const f = await ec2.send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name: "zone-id", Values: ["apne1-az4", "apne1-az2"] }] }));
  assert.deepEqual(f.AvailabilityZones!.map((z) => z.ZoneName), ["ap-northeast-1a", "ap-northeast-1d"]);
  const g = await ec2.send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name: "group-long-name", Values: ["Asia Pacific (Tokyo) 1"] }, { Name: "state", Values: ["available"] }] }));
  assert.equal(g.AvailabilityZones!.length, 3);
  const none = await ec2.send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name: "zone-type", Values: ["local-zone"] }] }));
  assert.deepEqual(none.AvailabilityZones, []);
  const bad = await expectEc2Error(ec2.send(new DescribeAvailabilityZonesCommand({ ZoneNames: ["ap-northeast-1b"] })), "InvalidParameterValue");
  assert.match(bad.message, /The zone 'ap-northeast-1b' does not exist/);
  await expectEc2Error(ec2.send(new DescribeAvailabilityZonesCommand({ ZoneIds: ["use1-az1"] })), "InvalidParameterValue");
});

test("a request signed for an unknown region is refused", async () => {
  await assert.rejects(lab.ec2("mars-north-1").send(new DescribeRegionsCommand({})), (err: { name?: string; $metadata?: { httpStatusCode?: number } }) => {
    assert.ok((err.$metadata?.httpStatusCode ?? 0) >= 400 && (err.$metadata?.httpStatusCode ?? 0) < 500, String(err.$metadata?.httpStatusCode));
    return true;
  });
});
