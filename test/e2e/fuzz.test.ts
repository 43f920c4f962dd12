// A seeded 5,000-request run of bench/fuzz against an in-process server: no 5xx other than 501
// NotImplemented, no hang, every answer a well-formed envelope, and the invariants it checks afterwards
// through the SDK (every Describe parses, subnets inside their VPC, unique ids) all hold.
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatReport, runFuzz } from "../../bench/fuzz.js";

test("5,000 fuzzed requests (seed 1): no 5xx but NotImplemented, no hang, no malformed answer, invariants hold", async () => {
  const report = await runFuzz({ n: 5000, seed: 1 });
  const text = formatReport(report, 1);
  assert.equal(report.sent, 5000);
  assert.deepEqual(report.serverErrors, [], text);
  assert.deepEqual(report.hangs, [], text);
  assert.deepEqual(report.malformed, [], text);
  assert.deepEqual(report.violations, [], text);
  // The run did what it claims: state grew, refusals and successes both happened, invariants were checked.
  assert.ok((report.byStatus["200"] ?? 0) > 500, text);
  assert.ok((report.byStatus["400"] ?? 0) > 1000, text);
  assert.ok((report.resources.Vpcs ?? 0) > 27, text);
  assert.ok((report.resources.Subnets ?? 0) > 50, text);
  assert.ok(report.invariantChecks > 500, text);
  assert.equal(report.ok, true, text);
});
