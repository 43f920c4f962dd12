/**
 * Launch templates through the SDK: create, versions ($Latest, $Default, SourceVersion), default
 * version, deletes, DescribeLaunchTemplates filters, and RunInstances taking a template's parameters
 * (request overrides, AWS's aws:ec2launchtemplate:* tags).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  DeleteLaunchTemplateCommand,
  DeleteLaunchTemplateVersionsCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeTagsCommand,
  ModifyLaunchTemplateCommand,
  RunInstancesCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { expectEc2Error, startLab, type Lab } from "../support/harness.js";

let lab: Lab;
let ec2: EC2Client;
before(async () => {
  lab = await startLab();
  ec2 = lab.ec2("ap-south-1");
});
after(async () => lab.close());

test("versions, default version, deletes and describes", async () => {
  const created = await ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: "web",
      VersionDescription: "v1",
      LaunchTemplateData: { ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", Monitoring: { Enabled: true } },
      TagSpecifications: [{ ResourceType: "launch-template", Tags: [{ Key: "team", Value: "a" }] }],
    }),
  );
  const lt = created.LaunchTemplate!;
  assert.match(lt.LaunchTemplateId!, /^lt-[0-9a-f]{17}$/);
  assert.deepEqual([lt.DefaultVersionNumber, lt.LatestVersionNumber, lt.CreatedBy], [1, 1, "arn:aws:iam::000000000000:root"]);
  await expectEc2Error(ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: "web", LaunchTemplateData: { InstanceType: "t3.nano" } })), "InvalidLaunchTemplateName.AlreadyExistsException");
  await expectEc2Error(ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: "x", LaunchTemplateData: { InstanceType: "t3.nano" } })), "InvalidLaunchTemplateName.MalformedException");

  const v2 = await ec2.send(
    new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: lt.LaunchTemplateId, SourceVersion: "1", VersionDescription: "bigger", LaunchTemplateData: { InstanceType: "t3.large" } }),
  );
  assert.equal(v2.LaunchTemplateVersion?.VersionNumber, 2);
  assert.deepEqual(
    [v2.LaunchTemplateVersion?.LaunchTemplateData?.ImageId, v2.LaunchTemplateVersion?.LaunchTemplateData?.InstanceType, v2.LaunchTemplateVersion?.DefaultVersion],
    ["ami-0123456789abcdef0", "t3.large", false],
  );
  const latest = await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: "web", Versions: ["$Latest", "$Default"] }));
  assert.deepEqual(latest.LaunchTemplateVersions?.map((v) => v.VersionNumber), [2, 1]);
  await ec2.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: lt.LaunchTemplateId, DefaultVersion: "2" }));
  const desc = await ec2.send(new DescribeLaunchTemplatesCommand({ Filters: [{ Name: "tag:team", Values: ["a"] }] }));
  assert.deepEqual(desc.LaunchTemplates?.map((t) => [t.LaunchTemplateName, t.DefaultVersionNumber, t.LatestVersionNumber]), [["web", 2, 2]]);

  const del = await ec2.send(new DeleteLaunchTemplateVersionsCommand({ LaunchTemplateId: lt.LaunchTemplateId, Versions: ["1", "2", "9"] }));
  assert.deepEqual(del.SuccessfullyDeletedLaunchTemplateVersions?.map((v) => v.VersionNumber), [1]);
  assert.deepEqual(
    del.UnsuccessfullyDeletedLaunchTemplateVersions?.map((v) => [v.VersionNumber, v.ResponseError?.Code]),
    [[2, "launchTemplateVersionIsDefaultVersion"], [9, "launchTemplateVersionDoesNotExist"]],
  );
  await ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateName: "web" }));
  await expectEc2Error(ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [lt.LaunchTemplateId!] })), "InvalidLaunchTemplateId.NotFound");
  await expectEc2Error(ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: ["web"] })), "InvalidLaunchTemplateName.NotFoundException");
  await expectEc2Error(ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: ["lt-bogus"] })), "InvalidLaunchTemplateId.Malformed");
});

test("RunInstances with a launch template: the template fills in, the request overrides, AWS's tags are added", async () => {
  const lt = (
    await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: "app",
        LaunchTemplateData: {
          ImageId: "ami-0123456789abcdef0",
          InstanceType: "t3.micro",
          Monitoring: { Enabled: true },
          TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "Name", Value: "from-template" }] }],
        },
      }),
    )
  ).LaunchTemplate!;
  const [a] = (await ec2.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1, LaunchTemplate: { LaunchTemplateId: lt.LaunchTemplateId } }))).Instances!;
  assert.deepEqual([a!.InstanceType, a!.ImageId, a!.Monitoring?.State], ["t3.micro", "ami-0123456789abcdef0", "enabled"]);
  const tagMap = Object.fromEntries((a!.Tags ?? []).map((t) => [t.Key, t.Value]));
  assert.deepEqual(tagMap, { Name: "from-template", "aws:ec2launchtemplate:id": lt.LaunchTemplateId, "aws:ec2launchtemplate:version": "1" });
  const read = await ec2.send(
    new DescribeTagsCommand({ Filters: [{ Name: "resource-id", Values: [a!.InstanceId!] }, { Name: "key", Values: ["aws:ec2launchtemplate:id"] }] }),
  );
  assert.equal(read.Tags?.[0]?.Value, lt.LaunchTemplateId);
  const [b] = (
    await ec2.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1, InstanceType: "t3.small", LaunchTemplate: { LaunchTemplateName: "app", Version: "$Latest" } }))
  ).Instances!;
  assert.equal(b!.InstanceType, "t3.small");
  await expectEc2Error(
    ec2.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1, LaunchTemplate: { LaunchTemplateName: "app", Version: "7" } })),
    "InvalidLaunchTemplateId.VersionNotFound",
  );
  await expectEc2Error(ec2.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1, LaunchTemplate: { LaunchTemplateName: "nope" } })), "InvalidLaunchTemplateName.NotFoundException");
});
