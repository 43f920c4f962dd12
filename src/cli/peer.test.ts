/** Unit tests of `vpclab peer`'s pure parts: --allow parsing, the tag manifest, the overlap check. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { manifestTags, overlapsBetween, parseAllow, parseVpcRef, readManifest, type Manifest } from "./peer.js";

describe("peer: pure parts", () => {
  it("parses --allow", () => {
    assert.deepEqual(
      parseAllow("icmp,tcp:22,udp:53,tcp:8000-8080,all,tcp").map((r) => [r.protocol, r.from, r.to]),
      [["icmp", -1, -1], ["tcp", 22, 22], ["udp", 53, 53], ["tcp", 8000, 8080], ["-1", -1, -1], ["tcp", 0, 65535]],
    );
    assert.deepEqual(parseAllow(undefined), []);
    for (const bad of ["tcp:70000", "tcp:30-20", "gre", "icmp:1-2", "icmp:300"]) assert.throws(() => parseAllow(bad), /--allow/, bad);
  });

  it("parses <region>:<vpc>", () => {
    assert.deepEqual(parseVpcRef("ap-northeast-1:tokyo"), { region: "ap-northeast-1", vpc: "tokyo" });
    assert.deepEqual(parseVpcRef("us-gov-west-1:vpc-0123456789abcdef0"), { region: "us-gov-west-1", vpc: "vpc-0123456789abcdef0" });
    assert.throws(() => parseVpcRef("tokyo"));
    assert.throws(() => parseVpcRef("ap-northeast-1:"));
  });

  it("splits a long manifest over tags of at most 256 characters and reads it back", () => {
    const m: Manifest = { v: 1, c: 1, r: [], s: [], a: [] };
    for (let i = 0; i < 40; i++) m.r.push([`vpc-${String(i).padStart(17, "0")}`, `rtb-${String(i).padStart(17, "0")}`, `10.${i}.0.0/16`]);
    for (let i = 0; i < 40; i++) m.s.push([`vpc-${String(i).padStart(17, "0")}`, `sg-${String(i).padStart(17, "0")}`, "tcp", 22, 22, "172.31.0.0/16"]);
    const tags = manifestTags(m);
    assert.ok(tags.length > 1 && tags.length <= 50);
    assert.ok(tags.every((t) => t.Value!.length <= 256 && t.Key!.length <= 128));
    // Order of tags as AWS returns them is not guaranteed: shuffle.
    assert.deepEqual(readManifest([...tags].reverse().concat([{ Key: "Name", Value: "x" }])), m);
    assert.equal(readManifest([{ Key: "Name", Value: "x" }]), undefined);
    assert.equal(readManifest([{ Key: "vpclab:peer", Value: "{broken" }]), undefined);
  });

  it("finds overlapping blocks between two VPCs", () => {
    assert.deepEqual(overlapsBetween(["10.20.0.0/16"], ["172.31.0.0/16"]), []);
    assert.deepEqual(overlapsBetween(["10.0.0.0/8", "192.168.0.0/24"], ["172.31.0.0/16", "10.20.0.0/16"]), ["10.0.0.0/8 overlaps 10.20.0.0/16"]);
  });
});
