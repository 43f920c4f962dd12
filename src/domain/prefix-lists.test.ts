// The AWS-managed prefix lists as reference data: every region vpclab serves has its S3 and DynamoDB
// lists, with ids that are distinct, well formed, and the same in every release.
import { test } from "node:test";
import assert from "node:assert/strict";
import { REGIONS } from "../model/regions.js";
import { awsPrefixLists } from "./prefix-lists.js";
import { isWellFormedId } from "./ids.js";
import { parseCidr } from "./cidr.js";

test("every region has its S3 and DynamoDB lists, with distinct well-formed ids and valid CIDRs", () => {
  const ids = new Set<string>();
  for (const r of REGIONS) {
    const lists = awsPrefixLists(r.name);
    assert.deepEqual(lists.map((l) => l.name), [`com.amazonaws.${r.name}.dynamodb`, `com.amazonaws.${r.name}.s3`]);
    for (const l of lists) {
      assert.ok(isWellFormedId("pl", l.id), l.id);
      assert.ok(!ids.has(l.id), `duplicate id ${l.id}`);
      ids.add(l.id);
      assert.ok(l.cidrs.length > 0, `${l.name} has no CIDRs`);
      for (const c of l.cidrs) assert.ok(parseCidr(c), `${l.name}: ${c}`);
    }
  }
  // Pinned: saved states and users' configurations hold these ids, so they must not change between releases.
  assert.deepEqual(awsPrefixLists("us-east-1").map((l) => l.id), ["pl-7943dba3", "pl-56ff8671"]);
  assert.deepEqual(awsPrefixLists("xx-nowhere-1"), []);
});
