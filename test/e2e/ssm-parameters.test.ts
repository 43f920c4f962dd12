/**
 * AWS's public AMI parameters through the AWS CLI (`aws ssm get-parameter(s)`, SSM's JSON protocol)
 * and `resolve:ssm:` image ids in RunInstances through the SDK.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { DescribeImagesCommand, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { expectEc2Error, startLab, type Lab } from "../support/harness.js";

const AL2023 = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
const AL2023_ARM = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64";

let lab: Lab;
before(async () => {
  lab = await startLab();
});
after(async () => lab.close());

test("GetParameter and GetParameters answer the region's catalogue image ids (AWS CLI)", async () => {
  const tokyo = await lab.cli(["ssm", "get-parameter", "--name", AL2023], { region: "ap-northeast-1" });
  assert.equal(tokyo.code, 0, tokyo.stderr);
  const p = (tokyo.json as { Parameter: Record<string, unknown> }).Parameter;
  assert.deepEqual([p.Name, p.Type, p.Version, p.DataType, p.ARN], [AL2023, "String", 1, "aws:ec2:image", `arn:aws:ssm:ap-northeast-1::parameter${AL2023}`]);
  const ec2 = lab.ec2("ap-northeast-1");
  const img = (await ec2.send(new DescribeImagesCommand({ ImageIds: [p.Value as string] }))).Images![0]!;
  assert.deepEqual([img.Architecture, img.Name?.startsWith("al2023-ami-2023.")], ["x86_64", true]);

  const sing = await lab.cli(["ssm", "get-parameter", "--name", AL2023], { region: "ap-southeast-1" });
  assert.notEqual((sing.json as { Parameter: { Value: string } }).Parameter.Value, p.Value, "image ids differ per region");

  const many = await lab.cli(["ssm", "get-parameters", "--names", AL2023, AL2023_ARM, "/aws/service/nope"], { region: "ap-northeast-1" });
  const out = many.json as { Parameters: { Name: string }[]; InvalidParameters: string[] };
  assert.deepEqual(out.Parameters.map((x) => x.Name).sort(), [AL2023, AL2023_ARM].sort());
  assert.deepEqual(out.InvalidParameters, ["/aws/service/nope"]);

  const missing = await lab.cli(["ssm", "get-parameter", "--name", "/aws/service/nope"], { region: "ap-northeast-1" });
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /ParameterNotFound/);
  const other = await lab.cli(["ssm", "put-parameter", "--name", "/mine", "--value", "x", "--type", "String"], { region: "ap-northeast-1" });
  assert.match(other.stderr, /NotImplemented/);
});

test("RunInstances resolves resolve:ssm: image ids", async () => {
  const ec2 = lab.ec2("eu-west-1");
  const run = await ec2.send(
    new RunInstancesCommand({ ImageId: `resolve:ssm:${AL2023_ARM}`, InstanceType: "t4g.micro", MinCount: 1, MaxCount: 1 }),
  );
  const inst = run.Instances![0]!;
  assert.match(inst.ImageId!, /^ami-[0-9a-f]{17}$/);
  assert.equal(inst.Architecture, "arm64");
  await expectEc2Error(
    ec2.send(new RunInstancesCommand({ ImageId: "resolve:ssm:/aws/service/nope", InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 })),
    "InvalidParameterValue",
  );
});
