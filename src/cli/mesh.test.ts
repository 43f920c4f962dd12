/** Unit tests of `vpclab mesh`'s pure parts: the manifest tags and the scenario file's `mesh:` section. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { credsOf, meshManifestTags, parseMeshRef, readMeshManifest, type MeshManifest } from "./mesh.js";
import { ScenarioError, parseScenario } from "./scenario-file.js";

const base = `scenario: m
vpcs:
  - { name: a, region: ap-northeast-1, cidr: 10.1.0.0/16 }
  - { name: b, region: ap-southeast-1, cidr: 10.2.0.0/16 }
  - { name: c, region: us-east-1, cidr: 10.1.128.0/17 }
`;

describe("mesh: pure parts", () => {
  it("splits a long manifest over 250-character tags and reads it back", () => {
    const m: MeshManifest = { v: 1, r: [], t: [], s: [] };
    for (let i = 0; i < 30; i++) m.r.push([`vpc-${i}`, `rtb-${i}`, `10.${i}.0.0/16`]);
    const tags = meshManifestTags(m);
    assert.ok(tags.length > 3);
    assert.ok(tags.every((t) => t.Value!.length <= 250));
    assert.deepEqual(readMeshManifest([{ Key: "Name", Value: "x" }, ...tags.reverse()]), m);
    assert.deepEqual(readMeshManifest(undefined), { v: 1, r: [], t: [], s: [] });
    assert.deepEqual(readMeshManifest([{ Key: "vpclab:mesh:m", Value: "{broken" }]), { v: 1, r: [], t: [], s: [] });
  });

  it("keeps the accounts of a cross-account mesh in the manifest", () => {
    const m: MeshManifest = { v: 1, r: [["vpc-1", "rtb-1", "10.1.0.0/16"]], t: [], s: [], o: { "vpc-1": "111111111111" }, k: { "111111111111": "111111111111", "222222222222": "ops" } };
    assert.deepEqual(readMeshManifest(meshManifestTags(m)), m);
  });

  it("reads [<key or profile>@]<region>:<vpc> arguments", () => {
    assert.deepEqual(parseMeshRef("ap-northeast-1:vpc-1"), { credText: "", region: "ap-northeast-1", vpc: "vpc-1" });
    assert.deepEqual(parseMeshRef("111111111111@us-east-1:app"), { credText: "111111111111", region: "us-east-1", vpc: "app" });
    assert.deepEqual(credsOf("111111111111", {}), { accessKey: "111111111111" });
    assert.deepEqual(credsOf("ops", {}), { profile: "ops" });
    assert.deepEqual(credsOf("", { profile: "p" }), { profile: "p", accessKey: undefined });
    assert.throws(() => parseMeshRef("@us-east-1:app"), /before @/);
    assert.throws(() => parseMeshRef("a b@us-east-1:app"), /before @/);
    assert.throws(() => parseMeshRef("111111111111@nowhere"), /is not <region>:<vpc>/);
  });

  it("parses a mesh: section", () => {
    const s = parseScenario(`${base}mesh:\n  vpcs: [a, b]\n  allow: icmp,tcp:22\n`, "m.yaml");
    assert.deepEqual(s.mesh, { vpcs: ["a", "b"], allow: "icmp,tcp:22" });
    assert.equal(parseScenario(base, "m.yaml").mesh, undefined);
  });

  it("refuses unknown VPCs, overlaps, one VPC, bad rules and unknown keys, with line and field", () => {
    const problems = (text: string) => {
      try {
        parseScenario(text, "m.yaml");
      } catch (err) {
        assert.ok(err instanceof ScenarioError);
        return err.message;
      }
      assert.fail("no error");
    };
    assert.match(problems(`${base}mesh:\n  vpcs: [a, nope]\n`), /m\.yaml:\d+:\d+: mesh\.vpcs\[1\].*nope/);
    assert.match(problems(`${base}mesh:\n  vpcs: [a, c]\n`), /overlaps/);
    assert.match(problems(`${base}mesh:\n  vpcs: [a]\n`), /at least two/);
    assert.match(problems(`${base}mesh:\n  vpcs: [a, b]\n  allow: icmp,ssh\n`), /"ssh" is not/);
    assert.match(problems(`${base}mesh:\n  vpcs: [a, b]\n  hubs: 2\n`), /hubs/);
  });
});
