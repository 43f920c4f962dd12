// The EC2 Query protocol edge: envelopes, request ids, scope, DryRun, STS, admin, and bad input that
// must get AWS-style 4xx errors (never a 500) and leave state unchanged.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { DescribeVpcsCommand, CreateVpcCommand, DescribeCapacityReservationsCommand } from "@aws-sdk/client-ec2";
import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { startLab, rawQuery, expectEc2Error, type Lab } from "../support/harness.js";

let lab: Lab;
before(async () => {
  lab = await startLab();
});
after(async () => {
  await lab.close();
});

async function vpcCount(region = "us-east-1"): Promise<number> {
  return (await lab.ec2(region).send(new DescribeVpcsCommand({}))).Vpcs!.length;
}

test("a success response has EC2's root element, namespace, requestId and x-amzn-requestid", async () => {
  const r = await rawQuery(lab.url, "Action=DescribeVpcs&Version=2016-11-15");
  assert.equal(r.status, 200);
  assert.match(r.text, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<DescribeVpcsResponse xmlns="http:\/\/ec2.amazonaws.com\/doc\/2016-11-15\/"><requestId>/);
  const id = /<requestId>([^<]+)<\/requestId>/.exec(r.text)![1];
  assert.equal(r.headers.get("x-amzn-requestid"), id);
  assert.match(id!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
});

test("GET query strings work as well as form POSTs", async () => {
  const res = await fetch(`${lab.url}/?Action=DescribeRegions&Version=2016-11-15&RegionName.1=ap-northeast-1`);
  const text = await res.text();
  assert.equal(res.status, 200);
  assert.match(text, /<regionName>ap-northeast-1<\/regionName>/);
});

test("operations modelled with no output answer <return>true</return>", async () => {
  const vpc = (await lab.ec2().send(new CreateVpcCommand({ CidrBlock: "10.9.0.0/16" }))).Vpc!;
  const r = await rawQuery(lab.url, `Action=DeleteVpc&VpcId=${vpc.VpcId}`);
  assert.equal(r.status, 200);
  assert.match(r.text, /<DeleteVpcResponse [^>]+><requestId>[^<]+<\/requestId><return>true<\/return><\/DeleteVpcResponse>/);
});

const badInputs: [string, string, number, string][] = [
  ["a garbage body", "%%%\u0000garbage=&&==", 400, "MissingAction"],
  ["no action", "Version=2016-11-15", 400, "MissingAction"],
  ["an unknown action", "Action=LaunchRocket", 400, "InvalidAction"],
  ["a known but unbuilt action", "Action=DescribeCapacityReservations", 501, "NotImplemented"],
  ["a missing required parameter", "Action=CreateSubnet&CidrBlock=10.0.0.0/24", 400, "MissingParameter"],
  ["an unknown parameter", "Action=DescribeVpcs&Colour=blue", 400, "UnknownParameter"],
  ["a malformed list index", "Action=DescribeVpcs&VpcId.x=vpc-1", 400, "UnknownParameter"],
  ["a malformed boolean", "Action=DescribeVpcs&DryRun=perhaps", 400, "InvalidParameterValue"],
  ["a malformed integer", "Action=DescribeVpcs&MaxResults=ten", 400, "InvalidParameterValue"],
  ["a malformed CIDR", "Action=CreateVpc&CidrBlock=10.0.0.0/99", 400, "InvalidParameterValue"],
  ["a /8 VPC", "Action=CreateVpc&CidrBlock=10.0.0.0/8", 400, "InvalidVpc.Range"],
  ["a /29 VPC", "Action=CreateVpc&CidrBlock=10.0.0.0/29", 400, "InvalidVpc.Range"],
  ["an unknown VPC id", "Action=DescribeVpcs&VpcId.1=vpc-0123456789abcdef0", 400, "InvalidVpcID.NotFound"],
  ["an oversized value", `Action=CreateVpc&CidrBlock=${"1".repeat(100_000)}`, 400, "InvalidParameterValue"],
  ["an oversized tag value", `Action=CreateVpc&CidrBlock=10.1.0.0/16&TagSpecification.1.ResourceType=vpc&TagSpecification.1.Tag.1.Key=k&TagSpecification.1.Tag.1.Value=${"v".repeat(300)}`, 400, "InvalidParameterValue"],
  ["an unknown filter", "Action=DescribeVpcs&Filter.1.Name=colour&Filter.1.Value.1=blue", 400, "InvalidParameterValue"],
  ["a bad NextToken", "Action=DescribeVpcs&NextToken=garbage", 400, "InvalidNextToken"],
];

for (const [what, body, status, code] of badInputs) {
  test(`${what} gets ${code} (${status}) and changes nothing`, async () => {
    const before = await vpcCount();
    const r = await rawQuery(lab.url, body);
    assert.equal(r.status, status, r.text);
    assert.match(r.text, new RegExp(`<Response><Errors><Error><Code>${code.replace(".", "\\.")}</Code><Message>[^<]+</Message></Error></Errors><RequestID>[^<]+</RequestID></Response>`));
    assert.equal(await vpcCount(), before);
  });
}

test("a body over 1 MiB is refused with 413, not a crash", async () => {
  const r = await rawQuery(lab.url, "Action=DescribeVpcs&X=" + "a".repeat(1024 * 1024 + 10));
  assert.equal(r.status, 413);
  assert.match(r.text, /<Code>RequestEntityTooLarge<\/Code>/);
  assert.equal((await fetch(lab.url + "/_vpclab/health")).status, 200);
});

test("DryRun answers DryRunOperation (412) and creates nothing", async () => {
  const before = await vpcCount();
  await expectEc2Error(lab.ec2().send(new CreateVpcCommand({ CidrBlock: "10.3.0.0/16", DryRun: true })), "DryRunOperation");
  assert.equal(await vpcCount(), before);
});

test("the region comes from the SigV4 scope, and an unknown region is refused", async () => {
  const tokyo = await lab.ec2("ap-northeast-1").send(new CreateVpcCommand({ CidrBlock: "10.20.0.0/16" }));
  const inTokyo = await lab.ec2("ap-northeast-1").send(new DescribeVpcsCommand({ VpcIds: [tokyo.Vpc!.VpcId!] }));
  assert.equal(inTokyo.Vpcs!.length, 1);
  await expectEc2Error(lab.ec2("eu-west-1").send(new DescribeVpcsCommand({ VpcIds: [tokyo.Vpc!.VpcId!] })), "InvalidVpcID.NotFound");
  await expectEc2Error(lab.ec2("mars-north-1").send(new DescribeVpcsCommand({})), "AuthFailure");
});

test("a 12-digit access key is the account; other keys are the default account", async () => {
  const a = await lab.ec2("us-west-2", "111122223333").send(new CreateVpcCommand({ CidrBlock: "10.50.0.0/16" }));
  assert.equal(a.Vpc!.OwnerId, "111122223333");
  const b = await lab.ec2("us-west-2").send(new DescribeVpcsCommand({}));
  assert.ok(b.Vpcs!.every((v) => v.OwnerId === "000000000000"));
  assert.ok(!b.Vpcs!.some((v) => v.VpcId === a.Vpc!.VpcId));
});

test("STS GetCallerIdentity returns the account, through the SDK and the AWS CLI", async () => {
  const sts = new STSClient({ endpoint: lab.url, region: "ap-northeast-1", credentials: { accessKeyId: "123456789012", secretAccessKey: "x" } });
  const id = await sts.send(new GetCallerIdentityCommand({}));
  sts.destroy();
  assert.equal(id.Account, "123456789012");
  assert.equal(id.Arn, "arn:aws:iam::123456789012:root");
  const cli = await lab.cli(["sts", "get-caller-identity"]);
  assert.equal(cli.code, 0, cli.stderr);
  assert.equal((cli.json as { Account: string }).Account, "000000000000");
});

test("the AWS CLI sees EC2 errors with AWS's code", async () => {
  const r = await lab.cli(["ec2", "create-vpc", "--cidr-block", "10.0.0.0/8"]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /\(InvalidVpc\.Range\)/);
});

test("an unimplemented action names itself in the uniform error", async () => {
  const err = await expectEc2Error(lab.ec2().send(new DescribeCapacityReservationsCommand({})), "NotImplemented");
  assert.match(err.message, /DescribeCapacityReservations/);
});

test("admin: health, reset and the clock", async () => {
  const h = await lab.admin<{ status: string; version: string; uptimeSeconds: number }>("GET", "/health");
  assert.equal(h.status, 200);
  assert.equal(h.body.status, "running");
  assert.match(h.body.version, /^\d+\.\d+\.\d+/);
  await lab.ec2("sa-east-1").send(new CreateVpcCommand({ CidrBlock: "10.77.0.0/16" }));
  assert.equal(await vpcCount("sa-east-1"), 2);
  assert.equal((await lab.admin("POST", "/reset")).status, 200);
  assert.equal(await vpcCount("sa-east-1"), 1);
  const c0 = await lab.admin<{ epochMs: number }>("GET", "/clock");
  const c1 = await lab.admin<{ epochMs: number }>("POST", "/clock", { advanceSeconds: 3600 });
  assert.ok(c1.body.epochMs - c0.body.epochMs >= 3600_000);
  assert.equal((await lab.admin("POST", "/clock", { advanceSeconds: -5 })).status, 400);
  const bad = await fetch(lab.url + "/_vpclab/clock", { method: "POST", body: "{not json" });
  assert.equal(bad.status, 400);
  assert.equal((await fetch(lab.url + "/_vpclab/nothing")).status, 404);
});

test("the request log's `since` stays right after old entries have dropped off", async () => {
  const small = await startLab({ requestLogSize: 3 });
  try {
    type Log = { requests: { seq: number; action: string }[]; total: number };
    for (let i = 0; i < 4; i++) await rawQuery(small.url, "Action=DescribeRegions");
    const before = (await small.admin<Log>("GET", "/requests")).body;
    assert.equal(before.total, 4);
    assert.deepEqual(before.requests.map((r) => r.seq), [1, 2, 3]);
    await rawQuery(small.url, "Action=DescribeVpcs");
    await rawQuery(small.url, "Action=DescribeSubnets");
    const after = (await small.admin<Log>("GET", `/requests?since=${before.total}`)).body;
    assert.deepEqual(after.requests.map((r) => r.action), ["DescribeVpcs", "DescribeSubnets"]);
    assert.equal(after.total, 6);
  } finally {
    await small.close();
  }
});
