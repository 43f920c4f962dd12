/**
 * Instance types and instance options through the SDK (and the AWS CLI where Terraform's reads are
 * checked): DescribeInstanceTypes / DescribeInstanceTypeOfferings from the catalogue, RunInstances'
 * type and architecture checks, CPU credits, monitoring, metadata, maintenance and private DNS options,
 * GetPasswordData and the IAM instance profile association calls.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  AssociateIamInstanceProfileCommand,
  DescribeIamInstanceProfileAssociationsCommand,
  DescribeImagesCommand,
  DescribeInstanceCreditSpecificationsCommand,
  DescribeInstancesCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeInstanceTypesCommand,
  DisassociateIamInstanceProfileCommand,
  GetPasswordDataCommand,
  ModifyInstanceCreditSpecificationCommand,
  ModifyInstanceMaintenanceOptionsCommand,
  ModifyInstanceMetadataOptionsCommand,
  ModifyPrivateDnsNameOptionsCommand,
  MonitorInstancesCommand,
  ReplaceIamInstanceProfileAssociationCommand,
  RunInstancesCommand,
  UnmonitorInstancesCommand,
  paginateDescribeInstanceTypes,
  type EC2Client,
  type Instance,
  type RunInstancesCommandInput,
} from "@aws-sdk/client-ec2";
import { expectEc2Error, startLab, type Lab } from "../support/harness.js";

const AMI = "ami-0123456789abcdef0"; // outside the catalogue: an x86_64 Linux image

let lab: Lab;
let ec2: EC2Client;
before(async () => {
  lab = await startLab();
  ec2 = lab.ec2("eu-west-2");
});
after(async () => lab.close());

async function run(input: Partial<RunInstancesCommandInput> = {}): Promise<Instance> {
  const out = await ec2.send(new RunInstancesCommand({ ImageId: AMI, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, ...input }));
  return out.Instances![0]!;
}

async function described(id: string): Promise<Instance> {
  const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return out.Reservations![0]!.Instances![0]!;
}

describe("instance types", () => {
  test("DescribeInstanceTypes answers the fields Terraform reads, from AWS's data", async () => {
    const out = await ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ["t3.micro", "m7g.large", "t2.nano"] }));
    const byName = new Map(out.InstanceTypes!.map((t) => [t.InstanceType, t]));
    const t3 = byName.get("t3.micro")!;
    assert.equal(t3.BurstablePerformanceSupported, true);
    assert.deepEqual(t3.ProcessorInfo?.SupportedArchitectures, ["x86_64"]);
    assert.equal(t3.VCpuInfo?.DefaultVCpus, 2);
    assert.equal(t3.MemoryInfo?.SizeInMiB, 1024);
    assert.equal(t3.NetworkInfo?.NetworkPerformance, "Up to 5 Gigabit");
    assert.equal(t3.FreeTierEligible, true);
    const m7g = byName.get("m7g.large")!;
    assert.equal(m7g.BurstablePerformanceSupported, false);
    assert.deepEqual(m7g.ProcessorInfo?.SupportedArchitectures, ["arm64"]);
    assert.equal(m7g.MemoryInfo?.SizeInMiB, 8192);
    assert.equal(byName.get("t2.nano")!.MemoryInfo?.SizeInMiB, 512);
    const e = await expectEc2Error(ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ["t3.colossal" as never] })), "InvalidInstanceType");
    assert.match(e.message, /do not exist: \[t3\.colossal\]/);
  });

  test("filters and pages of at most 100, every type reachable through the paginator", async () => {
    const burstArm = await ec2.send(
      new DescribeInstanceTypesCommand({
        Filters: [
          { Name: "burstable-performance-supported", Values: ["true"] },
          { Name: "processor-info.supported-architecture", Values: ["arm64"] },
        ],
      }),
    );
    const names = burstArm.InstanceTypes!.map((t) => t.InstanceType!).sort();
    assert.ok(names.length >= 7 && names.every((n) => n.startsWith("t4g.")), names.join());
    let total = 0;
    let pages = 0;
    for await (const page of paginateDescribeInstanceTypes({ client: ec2 }, {})) {
      assert.ok(page.InstanceTypes!.length <= 100);
      total += page.InstanceTypes!.length;
      pages++;
    }
    assert.ok(total > 1000 && pages > 10, `${total} types in ${pages} pages`);
  });

  test("DescribeInstanceTypeOfferings by region and by zone", async () => {
    const region = await ec2.send(
      new DescribeInstanceTypeOfferingsCommand({ Filters: [{ Name: "instance-type", Values: ["t3.micro"] }] }),
    );
    assert.deepEqual(region.InstanceTypeOfferings, [{ InstanceType: "t3.micro", LocationType: "region", Location: "eu-west-2" }]);
    const zones = await ec2.send(
      new DescribeInstanceTypeOfferingsCommand({ LocationType: "availability-zone", Filters: [{ Name: "instance-type", Values: ["t3.micro"] }] }),
    );
    assert.deepEqual(zones.InstanceTypeOfferings!.map((o) => o.Location).sort(), ["eu-west-2a", "eu-west-2b", "eu-west-2c"]);
  });

  test("RunInstances refuses unknown types and architectures that do not match the image, in AWS's words", async () => {
    const e = await expectEc2Error(run({ InstanceType: "t3.colossal" as never }), "InvalidParameterValue");
    assert.equal(e.message, "Invalid value 't3.colossal' for InstanceType.");
    const arm = (await ec2.send(new DescribeImagesCommand({ Filters: [{ Name: "name", Values: ["al2023-ami-*-arm64"] }] }))).Images![0]!;
    const m = await expectEc2Error(run({ ImageId: arm.ImageId, InstanceType: "t2.micro" }), "InvalidParameterValue");
    assert.match(m.message, /^The architecture 'x86_64,i386' of the specified instance type does not match the architecture 'arm64' of the specified AMI\./);
    const g = await run({ ImageId: arm.ImageId, InstanceType: "c7g.medium" as never });
    assert.equal(g.Architecture, "arm64");
    assert.equal((await described(g.InstanceId!)).CpuOptions?.CoreCount, 1);
  });
});

describe("instance options", () => {
  test("CPU credits: defaults per family, set at launch, modified, refused for non-burstable types", async () => {
    const t3 = await run({ InstanceType: "t3.micro" });
    const t2 = await run({ InstanceType: "t2.micro", CreditSpecification: { CpuCredits: "unlimited" } });
    const m5 = await run({ InstanceType: "m5.large" });
    const credits = async (ids: string[]) =>
      ((await ec2.send(new DescribeInstanceCreditSpecificationsCommand({ InstanceIds: ids }))).InstanceCreditSpecifications ?? []).map(
        (c) => `${c.InstanceId}=${c.CpuCredits}`,
      );
    assert.deepEqual(await credits([t3.InstanceId!]), [`${t3.InstanceId}=unlimited`]);
    assert.deepEqual(await credits([t2.InstanceId!]), [`${t2.InstanceId}=unlimited`]);
    assert.deepEqual(await credits([m5.InstanceId!]), []);
    const mod = await ec2.send(
      new ModifyInstanceCreditSpecificationCommand({
        InstanceCreditSpecifications: [
          { InstanceId: t3.InstanceId, CpuCredits: "standard" },
          { InstanceId: m5.InstanceId, CpuCredits: "standard" },
        ],
      }),
    );
    assert.deepEqual(mod.SuccessfulInstanceCreditSpecifications, [{ InstanceId: t3.InstanceId }]);
    assert.equal(mod.UnsuccessfulInstanceCreditSpecifications?.[0]?.InstanceId, m5.InstanceId);
    assert.deepEqual(await credits([t3.InstanceId!]), [`${t3.InstanceId}=standard`]);
    await expectEc2Error(run({ InstanceType: "m5.large", CreditSpecification: { CpuCredits: "unlimited" } }), "InvalidParameterCombination");
  });

  test("monitoring, metadata, maintenance and private DNS options read back", async () => {
    const i = await run({ Monitoring: { Enabled: false }, MetadataOptions: { HttpTokens: "optional" } });
    const id = i.InstanceId!;
    assert.equal(i.MetadataOptions?.HttpTokens, "optional");
    const mon = await ec2.send(new MonitorInstancesCommand({ InstanceIds: [id] }));
    assert.equal(mon.InstanceMonitorings?.[0]?.Monitoring?.State, "pending");
    assert.equal((await described(id)).Monitoring?.State, "enabled");
    await ec2.send(new UnmonitorInstancesCommand({ InstanceIds: [id] }));
    assert.equal((await described(id)).Monitoring?.State, "disabled");

    const md = await ec2.send(new ModifyInstanceMetadataOptionsCommand({ InstanceId: id, HttpTokens: "required", HttpPutResponseHopLimit: 3 }));
    assert.equal(md.InstanceMetadataOptions?.State, "pending");
    const after = (await described(id)).MetadataOptions!;
    assert.deepEqual([after.State, after.HttpTokens, after.HttpPutResponseHopLimit], ["applied", "required", 3]);
    await expectEc2Error(ec2.send(new ModifyInstanceMetadataOptionsCommand({ InstanceId: id, HttpPutResponseHopLimit: 65 })), "InvalidParameterValue");

    const mt = await ec2.send(new ModifyInstanceMaintenanceOptionsCommand({ InstanceId: id, AutoRecovery: "disabled" }));
    assert.equal(mt.AutoRecovery, "disabled");
    assert.equal((await described(id)).MaintenanceOptions?.AutoRecovery, "disabled");

    await ec2.send(new ModifyPrivateDnsNameOptionsCommand({ InstanceId: id, PrivateDnsHostnameType: "resource-name", EnableResourceNameDnsARecord: true }));
    const dns = (await described(id)).PrivateDnsNameOptions!;
    assert.deepEqual([dns.HostnameType, dns.EnableResourceNameDnsARecord], ["resource-name", true]);

    const pw = await ec2.send(new GetPasswordDataCommand({ InstanceId: id }));
    assert.equal(pw.InstanceId, id);
    assert.equal(pw.PasswordData, "");
    await expectEc2Error(ec2.send(new MonitorInstancesCommand({ InstanceIds: ["i-0123456789abcdef0"] })), "InvalidInstanceID.NotFound");
  });

  test("IAM instance profile associations: at launch, associate, replace, disassociate", async () => {
    const a = await run({ IamInstanceProfile: { Name: "web-role" } });
    assert.equal((await described(a.InstanceId!)).IamInstanceProfile?.Arn, "arn:aws:iam::000000000000:instance-profile/web-role");
    assert.match((await described(a.InstanceId!)).IamInstanceProfile!.Id!, /^AIPA[A-Z2-7]{17}$/);
    const b = await run();
    const arn = "arn:aws:iam::000000000000:instance-profile/app";
    const assoc = (await ec2.send(new AssociateIamInstanceProfileCommand({ InstanceId: b.InstanceId, IamInstanceProfile: { Arn: arn } })))
      .IamInstanceProfileAssociation!;
    assert.equal(assoc.State, "associating");
    assert.match(assoc.AssociationId!, /^iip-assoc-[0-9a-f]{17}$/);
    await expectEc2Error(
      ec2.send(new AssociateIamInstanceProfileCommand({ InstanceId: b.InstanceId, IamInstanceProfile: { Arn: arn } })),
      "IncorrectState",
    );
    await expectEc2Error(
      ec2.send(new AssociateIamInstanceProfileCommand({ InstanceId: a.InstanceId, IamInstanceProfile: { Arn: "arn:nope" } })),
      "InvalidParameterValue",
    );
    const listed = await ec2.send(
      new DescribeIamInstanceProfileAssociationsCommand({ Filters: [{ Name: "instance-id", Values: [b.InstanceId!] }] }),
    );
    assert.deepEqual(listed.IamInstanceProfileAssociations?.map((x) => [x.AssociationId, x.State]), [[assoc.AssociationId, "associated"]]);
    const rep = (await ec2.send(
      new ReplaceIamInstanceProfileAssociationCommand({ AssociationId: assoc.AssociationId, IamInstanceProfile: { Name: "other" } }),
    )).IamInstanceProfileAssociation!;
    assert.equal(rep.IamInstanceProfile?.Arn, "arn:aws:iam::000000000000:instance-profile/other");
    await ec2.send(new DisassociateIamInstanceProfileCommand({ AssociationId: rep.AssociationId }));
    assert.equal((await described(b.InstanceId!)).IamInstanceProfile, undefined);
    await expectEc2Error(ec2.send(new DisassociateIamInstanceProfileCommand({ AssociationId: rep.AssociationId })), "InvalidAssociationID.NotFound");
  });
});
