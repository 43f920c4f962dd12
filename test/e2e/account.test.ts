// DescribeAccountAttributes and DescribeDhcpOptions: what tools such as Terraform read first.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { DescribeAccountAttributesCommand, DescribeDhcpOptionsCommand, DescribeVpcsCommand } from "@aws-sdk/client-ec2";
import { startLab, expectEc2Error, type Lab } from "../support/harness.js";

let lab: Lab;
before(async () => {
  lab = await startLab();
});
after(async () => {
  await lab.close();
});

test("DescribeAccountAttributes names the default VPC and the supported platform", async () => {
  const c = lab.ec2("ap-southeast-1");
  const vpc = (await c.send(new DescribeVpcsCommand({}))).Vpcs![0]!;
  const r = await c.send(new DescribeAccountAttributesCommand({ AttributeNames: ["default-vpc", "supported-platforms"] }));
  const map = Object.fromEntries(r.AccountAttributes!.map((a) => [a.AttributeName, a.AttributeValues!.map((v) => v.AttributeValue)]));
  assert.deepEqual(map, { "default-vpc": [vpc.VpcId], "supported-platforms": ["VPC"] });
  const all = await c.send(new DescribeAccountAttributesCommand({}));
  assert.equal(all.AccountAttributes!.length, 6);
  await expectEc2Error(c.send(new DescribeAccountAttributesCommand({ AttributeNames: ["colour" as never] })), "InvalidParameterValue");
});

test("every VPC uses the region's default DHCP options, as AWS shows them", async () => {
  const r = await lab.cli(["ec2", "describe-dhcp-options"], { region: "ap-northeast-1" });
  assert.equal(r.code, 0, r.stderr);
  const sets = (r.json as { DhcpOptions: { DhcpOptionsId: string; DhcpConfigurations: { Key: string; Values: { Value: string }[] }[] }[] }).DhcpOptions;
  assert.equal(sets.length, 1);
  assert.deepEqual(sets[0]!.DhcpConfigurations, [
    { Key: "domain-name", Values: [{ Value: "ap-northeast-1.compute.internal" }] },
    { Key: "domain-name-servers", Values: [{ Value: "AmazonProvidedDNS" }] },
  ]);
  const vpc = (await lab.ec2("ap-northeast-1").send(new DescribeVpcsCommand({}))).Vpcs![0]!;
  assert.equal(vpc.DhcpOptionsId, sets[0]!.DhcpOptionsId);
  const east = await lab.ec2("us-east-1").send(new DescribeDhcpOptionsCommand({ Filters: [{ Name: "key", Values: ["domain-name"] }] }));
  assert.equal(east.DhcpOptions![0]!.DhcpConfigurations![0]!.Values![0]!.Value, "ec2.internal");
  await expectEc2Error(lab.ec2().send(new DescribeDhcpOptionsCommand({ DhcpOptionsIds: ["dopt-00000000000000000"] })), "InvalidDhcpOptionID.NotFound");
});
