/**
 * The read-only IAM policy in README.md lists exactly the actions the collector can call
 * (`iamActions()`, from its call table): a new call without a README entry, or a README entry for a
 * call that is gone, fails here.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CALLS, iamActions } from "./collect.js";

test("README's IAM policy equals the collector's call list", () => {
  // The repository root: the nearest directory above this file with package.json (from src/ or dist/).
  let root = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(root, "package.json"))) root = dirname(root);
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const at = readme.indexOf("<!-- iam-policy:");
  assert.ok(at >= 0, "README.md has the iam-policy marker");
  const block = /```json\n([\s\S]*?)```/.exec(readme.slice(at))![1]!;
  const policy = JSON.parse(block) as { Statement: { Effect: string; Action: string[] }[] };
  assert.equal(policy.Statement[0]!.Effect, "Allow");
  assert.deepEqual([...policy.Statement[0]!.Action].sort(), iamActions());
  // Only reads: every call is a Describe, Get or Search.
  for (const a of iamActions()) assert.match(a, /^(ec2|sts):(Describe|Get|Search)/);
  // Every call of the table is in the list (the action name is the file name in CamelCase).
  for (const c of CALLS) assert.ok(iamActions().includes(`ec2:${c.action}`), c.action);
});
