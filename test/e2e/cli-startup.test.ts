/**
 * `vpclab --version`, `--help` and the network commands (ping, trace, connect, why) must start without
 * the AWS SDK, which costs most of a second to load. Checked by the modules each run imports (a preload
 * records every resolved URL), not by timing: bench/cli-start.ts measures the time. `vpclab serve` must
 * not load it either: the operation table is typed by the SDK's command types, imported as types only.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLab, type Lab } from "../support/harness.js";
import { buildSeed, type Seed } from "../support/seed.js";

interface TracedRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Every module URL the process resolved. */
  imports: string[];
}

const logDir = mkdtempSync(join(tmpdir(), "vpclab-imports-"));
let runs = 0;

/** Runs the CLI as runVpclab does (tsx, clean environment), with the import-recording preload. */
function tracedVpclab(args: string[]): Promise<TracedRun> {
  const log = join(logDir, `run-${++runs}.txt`);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "--import", "./test/support/import-log.mjs", "src/bin/vpclab.ts", ...args],
      {
        env: {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          HOME: process.env.HOME ?? "/tmp",
          AWS_CONFIG_FILE: "/dev/null",
          AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
          VPCLAB_IMPORT_LOG: log,
        },
        timeout: 60_000,
      },
      (err, stdout, stderr) => {
        let imports: string[] = [];
        try {
          imports = readFileSync(log, "utf8").split("\n").filter(Boolean);
        } catch {
          // no module resolved at all: the assertions below report it
        }
        const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout, stderr, imports });
      },
    );
  });
}

const sdkModules = (r: TracedRun) => r.imports.filter((u) => u.includes("/node_modules/@aws-sdk/"));

function assertNoSdk(r: TracedRun, what: string): void {
  // The log must show the CLI itself loading, or an empty log would pass for "no SDK".
  assert.ok(r.imports.some((u) => /\/src\/bin\/vpclab\.(ts|js)$/.test(u)), `${what}: the import log does not show the CLI loading:\n${r.imports.join("\n")}`);
  assert.deepEqual(sdkModules(r), [], `${what} loaded the AWS SDK`);
}

describe("CLI start-up loads no AWS SDK", () => {
  after(() => rmSync(logDir, { recursive: true, force: true }));

  it("--version and --help", async () => {
    const version = await tracedVpclab(["--version"]);
    assert.equal(version.code, 0, version.stderr);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
    assertNoSdk(version, "--version");

    const help = await tracedVpclab(["--help"]);
    assert.equal(help.code, 0, help.stderr);
    for (const cmd of ["serve", "ping", "trace", "connect", "why", "peer", "up", "down", "demo"]) assert.match(help.stdout, new RegExp(`^  ${cmd}\\b`, "m"), cmd);
    assertNoSdk(help, "--help");
  });

  it("a scenario command's --help is complete without loading its implementation", async () => {
    const help = await tracedVpclab(["peer", "--help"]);
    assert.equal(help.code, 0, help.stderr);
    for (const opt of ["--allow", "--subnets", "--dry-run", "--peer-account-key", "--endpoint-url"]) assert.ok(help.stdout.includes(opt), `${opt} in:\n${help.stdout}`);
    assertNoSdk(help, "peer --help");
  });

  it("the check sees the SDK when a command does load it (vpclab up)", async () => {
    const up = await tracedVpclab(["up", join(logDir, "missing.yaml"), "--dry-run"]);
    assert.notEqual(up.code, 0);
    assert.match(up.stderr, /missing\.yaml/);
    assert.ok(sdkModules(up).length > 0, `vpclab up should load @aws-sdk/client-ec2; imports:\n${up.imports.join("\n")}`);
  });

  it("vpclab serve answers EC2 requests without loading the SDK (the operation table imports its types only)", async () => {
    const log = join(logDir, "serve.txt");
    const child = spawn(process.execPath, ["--import", "tsx", "--import", "./test/support/import-log.mjs", "src/bin/vpclab.ts", "serve", "--port", "0"], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", VPCLAB_IMPORT_LOG: log },
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout!.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          const m = /serving the EC2 API on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on("exit", (code) => reject(new Error(`vpclab serve exited ${code}: ${out}`)));
      });
      const res = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          authorization: "AWS4-HMAC-SHA256 Credential=test/20260101/eu-west-1/ec2/aws4_request, SignedHeaders=host, Signature=0",
        },
        body: "Action=CreateVpc&Version=2016-11-15&CidrBlock=10.9.0.0%2F16",
      });
      const xml = await res.text();
      assert.equal(res.status, 200, xml);
      assert.match(xml, /<CreateVpcResponse[^>]*>[\s\S]*<vpcId>vpc-[0-9a-f]{17}<\/vpcId>/);
    } finally {
      child.kill();
    }
    const imports = readFileSync(log, "utf8").split("\n").filter(Boolean);
    assertNoSdk({ code: 0, stdout: "", stderr: "", imports }, "serve");
    assert.ok(imports.some((u) => u.includes("/src/api/table.")), "the log shows the operation table loading");
  });

  describe("network commands against a running server", () => {
    let lab: Lab;
    let s: Seed;
    before(async () => {
      lab = await startLab();
      s = await buildSeed(lab, lab.ec2("ap-northeast-1"), lab.ec2("ap-southeast-1"));
    });
    after(async () => {
      await lab?.close();
    });

    it("ping and why answer and load no SDK", async () => {
      const ping = await tracedVpclab(["ping", "tokyo-box", "singapore-box", "-c", "2", "--fast", "--endpoint-url", lab.url]);
      assert.equal(ping.code, 0, ping.stderr);
      assert.match(ping.stdout, new RegExp(`^64 bytes from ${s.singaporeIp.replace(/\./g, "\\.")}: icmp_seq=1 `, "m"));
      assertNoSdk(ping, "ping");

      const why = await tracedVpclab(["why", "tokyo-box", "singapore-box", "--protocol", "tcp", "--port", "443", "--endpoint-url", lab.url]);
      assert.equal(why.code, 1, why.stderr);
      assert.match(why.stdout, /ENI_SG_RULES_MISMATCH|SECURITY_GROUP/);
      assertNoSdk(why, "why");
    });
  });
});
