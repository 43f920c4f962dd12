// Unit tests of the pure parts of the volume, instance-type and id-shape rules: checkSpec's defaults
// and limits per volume type, planLaunchVolumes' root/mapping handling, the instance type catalogue,
// and isWellFormedId.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { checkSpec, planLaunchVolumes } from "./volumes.js";
import { checkArchitecture, checkInstanceType, defaultCpuCredits, instanceTypeInfo } from "./instance-types.js";
import { Ec2Error } from "./errors.js";
import { isWellFormedId } from "./ids.js";

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as Ec2Error).code;
  }
  return "ok";
};

test("checkSpec: AWS's defaults per type (gp2 3 IOPS/GiB within 100–16,000; gp3 3,000 IOPS and 125 MiB/s)", () => {
  assert.deepEqual(checkSpec("us-east-1", { size: 10 }, "gp2").iops, 100);
  assert.deepEqual(checkSpec("us-east-1", { size: 1000 }, "gp2").iops, 3000);
  assert.deepEqual(checkSpec("us-east-1", { size: 16000 }, "gp2").iops, 16000);
  const gp3 = checkSpec("us-east-1", { size: 8 }, "gp3");
  assert.deepEqual([gp3.iops, gp3.throughput, gp3.encrypted, gp3.snapshotId], [3000, 125, false, ""]);
  assert.equal(checkSpec("us-east-1", { size: 8, kmsKeyId: "k" }, "gp3").encrypted, true);
});

test("checkSpec: size limits per type, Iops and Throughput only where the type takes them", () => {
  const limits: [string, number, number][] = [["gp2", 1, 16384], ["gp3", 1, 16384], ["io1", 4, 16384], ["io2", 4, 65536], ["st1", 125, 16384], ["sc1", 125, 16384], ["standard", 1, 1024]];
  for (const [type, min, max] of limits) {
    const iops = type.startsWith("io") ? 1000 : undefined;
    assert.equal(code(() => checkSpec("us-east-1", { size: min, volumeType: type, iops }, "gp2")), "ok", type);
    assert.equal(code(() => checkSpec("us-east-1", { size: max, volumeType: type, iops }, "gp2")), "ok", type);
    assert.equal(code(() => checkSpec("us-east-1", { size: min - 1, volumeType: type, iops }, "gp2")), "InvalidParameterValue", type);
    assert.equal(code(() => checkSpec("us-east-1", { size: max + 1, volumeType: type, iops }, "gp2")), "InvalidParameterValue", type);
  }
  assert.equal(code(() => checkSpec("us-east-1", { size: 10, volumeType: "io2" }, "gp2")), "MissingParameter");
  assert.equal(code(() => checkSpec("us-east-1", { size: 10, iops: 500 }, "gp2")), "InvalidParameterCombination");
  assert.equal(code(() => checkSpec("us-east-1", { size: 10, throughput: 200 }, "gp2")), "InvalidParameterCombination");
  assert.equal(code(() => checkSpec("us-east-1", { size: 10, volumeType: "gp4" }, "gp2")), "InvalidParameterValue");
  assert.equal(code(() => checkSpec("us-east-1", {}, "gp2")), "MissingParameter");
});

test("planLaunchVolumes: the root first (resized by its own mapping), instance-store and NoDevice make none", () => {
  const plan = planLaunchVolumes("us-east-1", { rootDeviceName: "/dev/xvda", volumeSize: 8 }, [
    { DeviceName: "/dev/xvda", Ebs: { VolumeSize: 30, DeleteOnTermination: false } },
    { DeviceName: "/dev/sdb", VirtualName: "ephemeral0" },
    { DeviceName: "/dev/sdc", NoDevice: "" },
    { DeviceName: "/dev/sdd", Ebs: { VolumeSize: 5 } },
  ]);
  assert.deepEqual(plan.map((p) => [p.device, p.spec.size, p.spec.volumeType, p.deleteOnTermination]), [
    ["/dev/xvda", 30, "gp3", false],
    ["/dev/sdd", 5, "gp2", true],
  ]);
  assert.equal(code(() => planLaunchVolumes("us-east-1", { rootDeviceName: "/dev/xvda" }, [{ DeviceName: "/dev/sdf" }])), "MissingParameter");
  assert.equal(code(() => planLaunchVolumes("us-east-1", { rootDeviceName: "/dev/xvda" }, [{ DeviceName: "sdf", Ebs: { VolumeSize: 1 } }])), "InvalidParameterValue");
});

test("instance type catalogue: AWS's figures, architecture checks, default credits", () => {
  assert.deepEqual([instanceTypeInfo("t2.nano")?.memoryMiB, instanceTypeInfo("t2.nano")?.vcpus], [512, 1]);
  assert.deepEqual(instanceTypeInfo("m7g.large")?.architectures, ["arm64"]);
  assert.equal(instanceTypeInfo("t1.micro")?.currentGeneration, false);
  assert.equal(code(() => checkInstanceType("t3.colossal")), "InvalidParameterValue");
  assert.equal(code(() => checkArchitecture(instanceTypeInfo("t3.micro")!, "arm64")), "InvalidParameterValue");
  assert.equal(code(() => checkArchitecture(instanceTypeInfo("t2.micro")!, "i386")), "ok");
  assert.deepEqual([defaultCpuCredits("t2.micro"), defaultCpuCredits("t3a.large"), defaultCpuCredits("t4g.nano"), defaultCpuCredits("m5.large")], ["standard", "unlimited", "unlimited", undefined]);
});

test("isWellFormedId: the prefix, a dash, then 8 or 17 lowercase hex digits", () => {
  fc.assert(
    fc.property(fc.constantFrom("vpc", "subnet", "rtb", "igw", "pcx", "vol"), fc.constantFrom(8, 17), fc.array(fc.constantFrom(..."0123456789abcdef"), { minLength: 17, maxLength: 17 }), (prefix, n, hex) => {
      assert.equal(isWellFormedId(prefix, `${prefix}-${hex.slice(0, n).join("")}`), true);
    }),
  );
  for (const bad of ["vpc-bogus", "vpc-1234567", "vpc-0123456789ABCDEF0", "vpc_01234567", "subnet-01234567", "vpc-012345678"]) assert.equal(isWellFormedId("vpc", bad), false, bad);
});
