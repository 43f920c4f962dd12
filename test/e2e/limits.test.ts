/**
 * Bounds that keep memory flat (issue 9, §2): the number of accounts one server keeps (quota
 * `accountsMax`: a new 12-digit access key past it gets AuthFailure, as an unknown key gets from AWS,
 * and nothing is made for it), and the request log (the last `requestLogSize` requests; `total` still
 * counts every one).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { DescribeVpcsCommand } from "@aws-sdk/client-ec2";
import { errorCode, startLab } from "../support/harness.js";

test("accounts past the accountsMax quota are refused with AuthFailure, and existing ones keep working", async () => {
  const lab = await startLab({ quotas: { accountsMax: 3 } });
  try {
    for (const account of ["000000000000", "111111111111", "222222222222"]) {
      assert.ok((await lab.ec2("us-east-1", account).send(new DescribeVpcsCommand({}))).Vpcs!.length > 0, `account ${account} is served`);
    }
    const refused = await lab.ec2("us-east-1", "333333333333").send(new DescribeVpcsCommand({})).then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    assert.ok(refused, "the fourth account was served");
    assert.equal(errorCode(refused), "AuthFailure");
    assert.match(refused.message, /accountsMax/);
    // An account already kept may open another region.
    assert.ok((await lab.ec2("eu-west-1", "111111111111").send(new DescribeVpcsCommand({}))).Vpcs!.length > 0);
    const doc = (await lab.admin<{ accounts: { account: string }[] }>("POST", "/state/save")).body;
    assert.deepEqual(doc.accounts.map((a) => a.account).sort(), ["000000000000", "111111111111", "222222222222"]);
  } finally {
    await lab.close();
  }
});

test("the request log keeps the last requestLogSize requests and counts every one", async () => {
  const lab = await startLab({ requestLogSize: 5 });
  try {
    const c = lab.ec2();
    for (let i = 0; i < 23; i++) await c.send(new DescribeVpcsCommand({}));
    const log = (await lab.admin<{ requests: { seq: number }[]; total: number }>("GET", "/requests")).body;
    assert.equal(log.total, 23);
    assert.deepEqual(log.requests.map((r) => r.seq), [18, 19, 20, 21, 22]);
  } finally {
    await lab.close();
  }
});
