/**
 * Strangers cannot drive vpclab (README "Security"): web pages from other origins and DNS-rebinding
 * pages are refused on the EC2 and admin endpoints and change nothing; `--admin-token` guards admin
 * changes (also for the vpclab CLI); `--verify-signatures` accepts the SDK and the AWS CLI with the
 * right secret and refuses wrong secrets, unknown keys, stale dates and unsigned requests as AWS does.
 *
 * Browser-like requests are sent with node:http so that `Host`, `Origin` and `Sec-Fetch-Site` are
 * exactly what a browser would send; every refusal is checked to have changed nothing through the SDK.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { CreateVpcCommand, DescribeVpcsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { SignatureV4 } from "@smithy/signature-v4";
import { createHash, createHmac } from "node:crypto";
import { AWS_CLI, errorCode, startLab, type Lab } from "../support/harness.js";
import { buildSeed } from "../support/seed.js";
import { startVpclab } from "../../src/index.js";

const run = promisify(execFile);

interface Sent {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One HTTP request to the lab with exactly these headers (node:http lets a test set `Host`). */
function send(lab: { port: number }, method: string, path: string, headers: Record<string, string>, body = ""): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port: lab.port, method, path, headers: { "content-length": String(Buffer.byteLength(body)), ...headers } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const FORM = "application/x-www-form-urlencoded";
const createVpcBody = (cidr: string) => `Action=CreateVpc&Version=2016-11-15&CidrBlock=${encodeURIComponent(cidr)}`;

async function vpcCidrs(ec2: EC2Client): Promise<string[]> {
  const out = await ec2.send(new DescribeVpcsCommand({}));
  return (out.Vpcs ?? []).map((v) => v.CidrBlock!).sort();
}

function ec2ErrorCode(text: string): string | undefined {
  return /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
}

describe("web pages from other origins", () => {
  let lab: Lab;
  let ec2: EC2Client;
  before(async () => {
    lab = await startLab();
    ec2 = lab.ec2();
  });
  after(async () => {
    await lab?.close();
  });

  it("a cross-site form post cannot create a VPC", async () => {
    const r = await send(lab, "POST", "/", { host: `127.0.0.1:${lab.port}`, origin: "http://evil.example", "content-type": FORM, "sec-fetch-site": "cross-site" }, createVpcBody("10.66.0.0/16"));
    assert.equal(r.status, 403);
    assert.equal(ec2ErrorCode(r.text), "UnauthorizedOperation");
    assert.match(r.text, /--allow-origin http:\/\/evil\.example/);
    assert.ok(!(await vpcCidrs(ec2)).includes("10.66.0.0/16"));
  });

  it("a text/plain post from another origin cannot reset the world", async () => {
    await ec2.send(new CreateVpcCommand({ CidrBlock: "10.67.0.0/16" }));
    const r = await send(lab, "POST", "/_vpclab/reset", { host: `localhost:${lab.port}`, origin: "http://evil.example", "content-type": "text/plain" }, "{}");
    assert.equal(r.status, 403);
    assert.equal((JSON.parse(r.text) as { error: { code: string } }).error.code, "AccessDenied");
    assert.ok((await vpcCidrs(ec2)).includes("10.67.0.0/16"), "the VPC survived the refused reset");
  });

  it("a text/plain EC2 post and a JSON admin post from an allowed-looking but different port are refused", async () => {
    const other = `http://127.0.0.1:${lab.port + 1 > 65535 ? 1 : lab.port + 1}`;
    const a = await send(lab, "POST", "/", { host: `127.0.0.1:${lab.port}`, origin: other, "content-type": "text/plain" }, createVpcBody("10.68.0.0/16"));
    assert.equal(a.status, 403);
    const b = await send(lab, "POST", "/_vpclab/clock", { host: `127.0.0.1:${lab.port}`, origin: other, "content-type": "application/json" }, '{"advanceSeconds":60}');
    assert.equal(b.status, 403);
    assert.ok(!(await vpcCidrs(ec2)).includes("10.68.0.0/16"));
  });

  it("no-cors requests marked cross-site or same-site by the browser are refused even without an Origin", async () => {
    const img = await send(lab, "GET", `/?${createVpcBody("10.69.0.0/16")}`, { host: `127.0.0.1:${lab.port}`, "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors" });
    assert.equal(img.status, 403);
    assert.equal(ec2ErrorCode(img.text), "UnauthorizedOperation");
    const sameSite = await send(lab, "POST", "/_vpclab/reset", { host: `127.0.0.1:${lab.port}`, "sec-fetch-site": "same-site" });
    assert.equal(sameSite.status, 403);
    assert.ok(!(await vpcCidrs(ec2)).includes("10.69.0.0/16"));
    assert.ok((await vpcCidrs(ec2)).includes("10.67.0.0/16"));
  });

  it("a DNS-rebinding page (Host: attacker's name) is refused on both endpoints", async () => {
    const r = await send(lab, "POST", "/", { host: `rebind.evil.example:${lab.port}`, "content-type": FORM }, createVpcBody("10.70.0.0/16"));
    assert.equal(r.status, 403);
    assert.match(r.text, /--allow-host rebind\.evil\.example/);
    const h = await send(lab, "GET", "/_vpclab/health", { host: `rebind.evil.example:${lab.port}` });
    assert.equal(h.status, 403);
    assert.ok(!(await vpcCidrs(ec2)).includes("10.70.0.0/16"));
  });

  it("same-origin pages (vpclab's own console) and the usual loopback hosts are allowed", async () => {
    for (const [host, cidr] of [
      [`127.0.0.1:${lab.port}`, "10.71.0.0/16"],
      [`localhost:${lab.port}`, "10.72.0.0/16"],
      [`[::1]:${lab.port}`, "10.73.0.0/16"],
    ] as const) {
      const r = await send(lab, "POST", "/", { host, origin: `http://${host}`, "sec-fetch-site": "same-origin", "content-type": FORM }, createVpcBody(cidr));
      assert.equal(r.status, 200, `${host}: ${r.text}`);
      assert.equal(r.headers["access-control-allow-origin"], undefined, "same origin needs no CORS headers");
    }
    const health = await send(lab, "GET", "/_vpclab/health", { host: `localhost:${lab.port}`, "sec-fetch-site": "none" });
    assert.equal(health.status, 200);
    const cidrs = await vpcCidrs(ec2);
    for (const c of ["10.71.0.0/16", "10.72.0.0/16", "10.73.0.0/16"]) assert.ok(cidrs.includes(c), c);
  });

  it("the SDK and the AWS CLI (no Origin, a proper Host) keep working", async () => {
    // Another region: this one holds five VPCs by now, AWS's default quota.
    await lab.ec2("eu-west-1").send(new CreateVpcCommand({ CidrBlock: "10.74.0.0/16" }));
    const cli = await lab.cli(["ec2", "describe-vpcs", "--filters", "Name=cidr,Values=10.74.0.0/16"], { region: "eu-west-1" });
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal((cli.json as { Vpcs: unknown[] }).Vpcs.length, 1);
  });
});

describe("--allow-origin and --allow-host", () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab({ allowOrigins: ["http://console.example:3000"], allowHosts: ["vpclab"] });
  });
  after(async () => {
    await lab?.close();
  });

  it("an allowed origin is served, with CORS headers and an answered preflight; others are still refused", async () => {
    const pre = await send(lab, "OPTIONS", "/", {
      host: `vpclab:${lab.port}`,
      origin: "http://console.example:3000",
      "access-control-request-method": "POST",
      "access-control-request-headers": "authorization,content-type,x-amz-date",
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers["access-control-allow-origin"], "http://console.example:3000");
    assert.equal(pre.headers["access-control-allow-headers"], "authorization,content-type,x-amz-date");
    const r = await send(lab, "POST", "/", { host: `vpclab:${lab.port}`, origin: "http://console.example:3000", "content-type": FORM }, createVpcBody("10.80.0.0/16"));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers["access-control-allow-origin"], "http://console.example:3000");
    const other = await send(lab, "POST", "/", { host: `vpclab:${lab.port}`, origin: "http://console.example:3001", "content-type": FORM }, createVpcBody("10.81.0.0/16"));
    assert.equal(other.status, 403);
    const otherHost = await send(lab, "GET", "/_vpclab/health", { host: `vpclab2:${lab.port}` });
    assert.equal(otherHost.status, 403);
    const cidrs = await vpcCidrs(lab.ec2());
    assert.ok(cidrs.includes("10.80.0.0/16"));
    assert.ok(!cidrs.includes("10.81.0.0/16"));
  });

  it("refuses an --allow-origin that is not an origin", async () => {
    await assert.rejects(startVpclab({ allowOrigins: ["evil.example"] }), /--allow-origin evil\.example is not a web origin/);
  });
});

/** Runs the vpclab CLI with extra environment (the harness's runner has a fixed one). */
async function vpclabCli(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "src/bin/vpclab.ts", ...args], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null", ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? String(err) };
  }
}

describe("--admin-token", () => {
  const TOKEN = "t0ken-for-tests";
  let lab: Lab;
  before(async () => {
    lab = await startLab({ adminToken: TOKEN });
  });
  after(async () => {
    await lab?.close();
  });

  const clock = async () => (JSON.parse((await send(lab, "GET", "/_vpclab/clock", {})).text) as { epochMs: number }).epochMs;

  it("refuses admin changes without the token or with a wrong one (401), and they change nothing", async () => {
    const before = await clock();
    const none = await send(lab, "POST", "/_vpclab/clock", { "content-type": "application/json" }, '{"advanceSeconds":3600}');
    assert.equal(none.status, 401);
    assert.equal((JSON.parse(none.text) as { error: { code: string } }).error.code, "Unauthorized");
    assert.match(String(none.headers["www-authenticate"]), /^Bearer/);
    const wrong = await send(lab, "POST", "/_vpclab/clock", { "content-type": "application/json", authorization: `Bearer ${TOKEN}x` }, '{"advanceSeconds":3600}');
    assert.equal(wrong.status, 401);
    const wrongHeader = await send(lab, "POST", "/_vpclab/reset", { "x-vpclab-admin-token": "nope" });
    assert.equal(wrongHeader.status, 401);
    assert.ok((await clock()) - before < 60_000, "the clock did not move");
  });

  it("accepts the token as a Bearer credential or in x-vpclab-admin-token; GETs stay open", async () => {
    const before = await clock();
    const bearer = await send(lab, "POST", "/_vpclab/clock", { "content-type": "application/json", authorization: `Bearer ${TOKEN}` }, '{"advanceSeconds":3600}');
    assert.equal(bearer.status, 200, bearer.text);
    assert.ok((await clock()) - before >= 3_600_000);
    const header = await send(lab, "POST", "/_vpclab/reset", { "x-vpclab-admin-token": TOKEN });
    assert.equal(header.status, 200, header.text);
    assert.equal((await send(lab, "GET", "/_vpclab/health", {})).status, 200);
  });

  it("the vpclab CLI sends $VPCLAB_ADMIN_TOKEN (and --admin-token) on its admin calls", async () => {
    const s = await buildSeed(lab, lab.ec2("ap-northeast-1"), lab.ec2("ap-southeast-1"));
    const args = ["ping", "tokyo-box", "singapore-box", "-c", "2", "--fast", "--endpoint-url", lab.url];
    const without = await vpclabCli(args, {});
    assert.notEqual(without.code, 0);
    assert.match(without.stderr, /Unauthorized/);
    const withEnv = await vpclabCli(args, { VPCLAB_ADMIN_TOKEN: TOKEN });
    assert.equal(withEnv.code, 0, withEnv.stderr);
    assert.match(withEnv.stdout, new RegExp(`2 packets transmitted, 2 received`));
    assert.match(withEnv.stdout, new RegExp(s.singaporeIp.replace(/\./g, "\\.")));
    const withOption = await vpclabCli([...args, "--admin-token", TOKEN], {});
    assert.equal(withOption.code, 0, withOption.stderr);
  });
});

describe("--verify-signatures", () => {
  const KEY = "AKIAVPCLABTESTKEY001";
  const SECRET = "right/Secret+key0000000000000000000000000";
  const ACCOUNT = "123456789012";
  const ACCOUNT_SECRET = "account-secret";
  let lab: Lab;
  let credsFile: string;

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), "vpclab-sig-"));
    credsFile = join(dir, "credentials");
    writeFileSync(credsFile, `[default]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n\n[team]\naws_access_key_id = ${ACCOUNT}\naws_secret_access_key = ${ACCOUNT_SECRET}\n`);
    lab = await startLab({ verifySignatures: true, credentials: credsFile });
  });
  after(async () => {
    await lab?.close();
  });

  const clients: { destroy(): void }[] = [];
  after(() => clients.forEach((c) => c.destroy()));
  function ec2(accessKeyId: string, secretAccessKey: string, systemClockOffset = 0) {
    const c = new EC2Client({ endpoint: lab.url, region: "us-east-1", credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1, systemClockOffset });
    clients.push(c);
    return c;
  }
  function sts(accessKeyId: string, secretAccessKey: string, systemClockOffset = 0) {
    const c = new STSClient({ endpoint: lab.url, region: "us-east-1", credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1, systemClockOffset });
    clients.push(c);
    return c;
  }
  async function failure(p: Promise<unknown>): Promise<{ code: string; status: number | undefined; message: string }> {
    try {
      await p;
    } catch (err) {
      return { code: errorCode(err), status: (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode, message: (err as Error).message };
    }
    throw new Error("the call succeeded");
  }

  it("the SDK with the right secret works, for EC2 and STS, and a 12-digit key is still the account", async () => {
    const made = await ec2(KEY, SECRET).send(new CreateVpcCommand({ CidrBlock: "10.90.0.0/16" }));
    assert.match(made.Vpc!.VpcId!, /^vpc-[0-9a-f]{17}$/);
    assert.ok((await vpcCidrs(ec2(KEY, SECRET))).includes("10.90.0.0/16"));
    assert.ok(!(await vpcCidrs(ec2(ACCOUNT, ACCOUNT_SECRET))).includes("10.90.0.0/16"), "another account");
    const who = await sts(ACCOUNT, ACCOUNT_SECRET).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Account, ACCOUNT);
  });

  it("a wrong secret gets SignatureDoesNotMatch (403) and changes nothing", async () => {
    const e = await failure(ec2(KEY, "wrong-secret").send(new CreateVpcCommand({ CidrBlock: "10.91.0.0/16" })));
    assert.deepEqual([e.code, e.status], ["SignatureDoesNotMatch", 403]);
    assert.match(e.message, /^The request signature we calculated does not match the signature you provided\. Check your AWS Secret Access Key and signing method\./);
    const s = await failure(sts(ACCOUNT, "wrong").send(new GetCallerIdentityCommand({})));
    assert.deepEqual([s.code, s.status], ["SignatureDoesNotMatch", 403]);
    assert.ok(!(await vpcCidrs(ec2(KEY, SECRET))).includes("10.91.0.0/16"));
  });

  it("an unknown key gets EC2's AuthFailure (401) and STS's InvalidClientTokenId (403)", async () => {
    const e = await failure(ec2("AKIAUNKNOWNKEY000000", SECRET).send(new DescribeVpcsCommand({})));
    assert.deepEqual([e.code, e.status, e.message], ["AuthFailure", 401, "AWS was not able to validate the provided access credentials"]);
    const s = await failure(sts("AKIAUNKNOWNKEY000000", SECRET).send(new GetCallerIdentityCommand({})));
    assert.deepEqual([s.code, s.status, s.message], ["InvalidClientTokenId", 403, "The security token included in the request is invalid."]);
  });

  it("a date more than 5 minutes off gets RequestExpired from EC2 and 'Signature expired' from STS; 2 minutes is fine", async () => {
    const old = await failure(ec2(KEY, SECRET, -10 * 60_000).send(new DescribeVpcsCommand({})));
    assert.deepEqual([old.code, old.status, old.message], ["RequestExpired", 400, "Request has expired."]);
    const future = await failure(ec2(KEY, SECRET, 10 * 60_000).send(new DescribeVpcsCommand({})));
    assert.equal(future.code, "RequestExpired");
    const s = await failure(sts(ACCOUNT, ACCOUNT_SECRET, -10 * 60_000).send(new GetCallerIdentityCommand({})));
    assert.equal(s.code, "SignatureDoesNotMatch");
    assert.match(s.message, /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/);
    await ec2(KEY, SECRET, -2 * 60_000).send(new DescribeVpcsCommand({}));
  });

  it("checks dates against real time: advancing the emulator clock does not expire signatures", async () => {
    const r = await lab.admin("POST", "/clock", { advanceSeconds: 86_400 });
    assert.equal(r.status, 200);
    await ec2(KEY, SECRET).send(new DescribeVpcsCommand({}));
  });

  it("an unsigned request gets MissingAuthenticationToken (403); a malformed one IncompleteSignature (400)", async () => {
    const r = await send(lab, "POST", "/", { "content-type": FORM }, "Action=DescribeVpcs&Version=2016-11-15");
    assert.equal(r.status, 403);
    assert.equal(ec2ErrorCode(r.text), "MissingAuthenticationToken");
    const bad = await send(lab, "POST", "/", { "content-type": FORM, authorization: `AWS4-HMAC-SHA256 Credential=${KEY}/20240101/us-east-1/ec2/aws4_request` }, "Action=DescribeVpcs&Version=2016-11-15");
    assert.equal(bad.status, 400);
    assert.equal(ec2ErrorCode(bad.text), "IncompleteSignature");
  });

  function signer(secretAccessKey = SECRET) {
    return new SignatureV4({
      credentials: { accessKeyId: KEY, secretAccessKey },
      region: "us-east-1",
      service: "ec2",
      sha256: Sha256,
    });
  }
  const baseRequest = (body: string) => ({
    method: "POST",
    protocol: "http:",
    hostname: "127.0.0.1",
    port: lab.port,
    path: "/",
    query: {},
    headers: { host: `127.0.0.1:${lab.port}`, "content-type": FORM },
    body,
  });

  it("the body is covered: a signed request with a changed body is refused", async () => {
    const signed = await signer().sign(baseRequest(createVpcBody("10.92.0.0/16")));
    const ok = await send(lab, "POST", "/", signed.headers as Record<string, string>, createVpcBody("10.92.0.0/16"));
    assert.equal(ok.status, 200, ok.text);
    const signed2 = await signer().sign(baseRequest(createVpcBody("10.93.0.0/16")));
    const tampered = await send(lab, "POST", "/", signed2.headers as Record<string, string>, createVpcBody("10.94.0.0/16"));
    assert.equal(tampered.status, 403);
    assert.equal(ec2ErrorCode(tampered.text), "SignatureDoesNotMatch");
    const cidrs = await vpcCidrs(ec2(KEY, SECRET));
    assert.ok(cidrs.includes("10.92.0.0/16"));
    assert.ok(!cidrs.includes("10.94.0.0/16") && !cidrs.includes("10.93.0.0/16"));
  });

  it("presigned (query-signed) requests are verified too, including their expiry", async () => {
    const get = {
      method: "GET",
      protocol: "http:",
      hostname: "127.0.0.1",
      port: lab.port,
      path: "/",
      query: { Action: "DescribeVpcs", Version: "2016-11-15", "Filter.1.Name": "cidr", "Filter.1.Value.1": "10.90.0.0/16" },
      headers: { host: `127.0.0.1:${lab.port}` },
    };
    const toPath = (q: Record<string, string | string[] | null>) =>
      "/?" + Object.entries(q).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join("&");
    const signed = await signer().presign(get, { expiresIn: 300 });
    const ok = await send(lab, "GET", toPath(signed.query!), { host: `127.0.0.1:${lab.port}` });
    assert.equal(ok.status, 200, ok.text);
    assert.match(ok.text, /<cidrBlock>10\.90\.0\.0\/16<\/cidrBlock>/);
    const changed = await send(lab, "GET", toPath({ ...signed.query!, "Filter.1.Value.1": "10.0.0.0/8" }), { host: `127.0.0.1:${lab.port}` });
    assert.equal(changed.status, 403);
    assert.equal(ec2ErrorCode(changed.text), "SignatureDoesNotMatch");
    const stale = await signer().presign(get, { expiresIn: 60, signingDate: new Date(Date.now() - 2 * 60_000) });
    const expired = await send(lab, "GET", toPath(stale.query!), { host: `127.0.0.1:${lab.port}` });
    assert.equal(expired.status, 400);
    assert.equal(ec2ErrorCode(expired.text), "RequestExpired");
    const wrong = await signer("not-the-secret").presign(get, { expiresIn: 300 });
    assert.equal(ec2ErrorCode((await send(lab, "GET", toPath(wrong.query!), { host: `127.0.0.1:${lab.port}` })).text), "SignatureDoesNotMatch");
  });

  async function aws(args: string[], accessKeyId: string, secretAccessKey: string) {
    try {
      const { stdout } = await run(AWS_CLI, ["--endpoint-url", lab.url, "--output", "json", ...args], {
        env: {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          HOME: process.env.HOME ?? "/tmp",
          AWS_ACCESS_KEY_ID: accessKeyId,
          AWS_SECRET_ACCESS_KEY: secretAccessKey,
          AWS_DEFAULT_REGION: "us-east-1",
          AWS_PAGER: "",
          AWS_MAX_ATTEMPTS: "1",
          AWS_CONFIG_FILE: "/dev/null",
          AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
        },
        timeout: 60_000,
      });
      return { code: 0, stdout, stderr: "" };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? String(err) };
    }
  }

  it("the AWS CLI with the right secret works; a wrong secret or an unknown key is refused", async () => {
    const ok = await aws(["ec2", "describe-vpcs", "--filters", "Name=cidr,Values=10.90.0.0/16"], KEY, SECRET);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal((JSON.parse(ok.stdout) as { Vpcs: unknown[] }).Vpcs.length, 1);
    const made = await aws(["ec2", "create-vpc", "--cidr-block", "10.95.0.0/16"], ACCOUNT, ACCOUNT_SECRET);
    assert.equal(made.code, 0, made.stderr);
    const who = await aws(["sts", "get-caller-identity"], ACCOUNT, ACCOUNT_SECRET);
    assert.equal(who.code, 0, who.stderr);
    assert.equal((JSON.parse(who.stdout) as { Account: string }).Account, ACCOUNT);

    const wrong = await aws(["ec2", "create-vpc", "--cidr-block", "10.96.0.0/16"], KEY, "wrong-secret");
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /\(SignatureDoesNotMatch\) when calling the CreateVpc operation/);
    const unknown = await aws(["ec2", "describe-vpcs"], "AKIAUNKNOWNKEY000000", SECRET);
    assert.match(unknown.stderr, /\(AuthFailure\) when calling the DescribeVpcs operation( \(reached max retries: 0\))?: AWS was not able to validate the provided access credentials/);
    const unknownSts = await aws(["sts", "get-caller-identity"], "AKIAUNKNOWNKEY000000", SECRET);
    assert.match(unknownSts.stderr, /\(InvalidClientTokenId\) when calling the GetCallerIdentity operation/);
    assert.ok(!(await vpcCidrs(ec2(KEY, SECRET))).includes("10.96.0.0/16"));
    assert.ok((await vpcCidrs(ec2(ACCOUNT, ACCOUNT_SECRET))).includes("10.95.0.0/16"));
  });

  it("boto3 with the right secret works; with a wrong one it gets SignatureDoesNotMatch", async () => {
    const script = [
      "import sys, boto3, botocore.config, botocore.exceptions",
      "c = boto3.client('ec2', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3], config=botocore.config.Config(retries={'total_max_attempts': 1}))",
      "try:",
      "    print('ok', len(c.describe_vpcs(Filters=[{'Name': 'cidr', 'Values': ['10.90.0.0/16']}])['Vpcs']))",
      "except botocore.exceptions.ClientError as e:",
      "    print('error', e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode'])",
    ].join("\n");
    const py = async (secret: string) =>
      (await run("python3", ["-c", script, lab.url, KEY, secret], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" }, timeout: 60_000 })).stdout.trim();
    assert.equal(await py(SECRET), "ok 1");
    assert.equal(await py("wrong-secret"), "error SignatureDoesNotMatch 403");
  });

  it("refuses to start without keys, or with keys but no verification", async () => {
    await assert.rejects(startVpclab({ verifySignatures: true }), /--verify-signatures needs the keys to accept: --credentials FILE/);
    await assert.rejects(startVpclab({ credentials: credsFile }), /add --verify-signatures/);
    await assert.rejects(startVpclab({ verifySignatures: true, credentials: join(credsFile, "..", "absent") }), /cannot read credentials file/);
  });
});

describe("vpclab serve's security options", () => {
  it("takes the admin token from $VPCLAB_ADMIN_TOKEN and verifies signatures with --credentials", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vpclab-serve-"));
    const file = join(dir, "credentials");
    writeFileSync(file, "[default]\naws_access_key_id = AKIASERVETEST0000001\naws_secret_access_key = serve-secret\n");
    const child = spawn(process.execPath, ["--import", "tsx", "src/bin/vpclab.ts", "serve", "--port", "0", "--verify-signatures", "--credentials", file], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", VPCLAB_ADMIN_TOKEN: "from-env" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (c: Buffer) => {
          out += c.toString();
          const m = /serving the EC2 API on (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on("exit", (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
      });
      const port = Number(new URL(url).port);
      assert.equal((await send({ port }, "POST", "/_vpclab/reset", {})).status, 401);
      assert.equal((await send({ port }, "POST", "/_vpclab/reset", { authorization: "Bearer from-env" })).status, 200);
      const unsigned = await send({ port }, "POST", "/", { "content-type": FORM }, "Action=DescribeVpcs&Version=2016-11-15");
      assert.equal(ec2ErrorCode(unsigned.text), "MissingAuthenticationToken");
      const client = new EC2Client({ endpoint: url, region: "us-east-1", credentials: { accessKeyId: "AKIASERVETEST0000001", secretAccessKey: "serve-secret" }, maxAttempts: 1 });
      try {
        assert.equal((await vpcCidrs(client)).length, 1, "the default VPC");
      } finally {
        client.destroy();
      }
      assert.equal(stderr, "", "no exposure warning on loopback");
    } finally {
      child.kill("SIGTERM");
    }
  });

  it("exits with a clear message when --verify-signatures has no keys or the file is bad", async () => {
    const none = await vpclabCli(["serve", "--port", "0", "--verify-signatures"], {});
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^vpclab: --verify-signatures needs the keys to accept: --credentials FILE/);
    const dir = mkdtempSync(join(tmpdir(), "vpclab-serve-"));
    const file = join(dir, "credentials");
    writeFileSync(file, "[default]\naws_access_key_id = K\n");
    const bad = await vpclabCli(["serve", "--port", "0", "--verify-signatures", "--credentials", file], {});
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /profile \[default\] has aws_access_key_id but no aws_secret_access_key/);
  });
});

/** node:crypto as the SDK signer's sha256 constructor (the test signs requests itself). */
class Sha256 {
  private readonly h;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret === undefined ? createHash("sha256") : createHmac("sha256", typeof secret === "string" ? secret : Buffer.from(secret as ArrayBuffer));
  }
  update(data: string | ArrayBuffer | ArrayBufferView) {
    this.h.update(typeof data === "string" ? data : Buffer.from((data as Uint8Array).buffer, (data as Uint8Array).byteOffset, (data as Uint8Array).byteLength));
  }
  digest() {
    return Promise.resolve(new Uint8Array(this.h.digest()));
  }
}
