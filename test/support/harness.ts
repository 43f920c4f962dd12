/**
 * Black-box test harness: starts a real vpclab server on an ephemeral port and hands out real clients
 * (the JS SDK's EC2 client, and the AWS CLI). Tests never touch server internals.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { EC2Client } from "@aws-sdk/client-ec2";
import { startVpclab, type ServerOptions, type Vpclab } from "../../src/index.js";

const run = promisify(execFile);

export interface Lab extends Vpclab {
  ec2(region?: string, account?: string): EC2Client;
  /** Runs `aws ec2 …` (or another service) against the lab; parses JSON output. */
  cli(args: string[], opts?: { region?: string; account?: string }): Promise<CliResult>;
  admin<T = unknown>(method: "GET" | "POST", path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json?: unknown;
}

/** Debian's awscli lives in /usr/bin; prefer it over any other `aws` on PATH. */
export const AWS_CLI = existsSync("/usr/bin/aws") ? "/usr/bin/aws" : "aws";

export function credentialsFor(account = "000000000000") {
  // A 12-digit access key id selects the account (DESIGN.md rule 5).
  return { accessKeyId: account === "000000000000" ? "test" : account, secretAccessKey: "test" };
}

export async function startLab(options: ServerOptions = {}): Promise<Lab> {
  const lab = await startVpclab(options);
  const clients: EC2Client[] = [];
  return {
    ...lab,
    ec2(region = "us-east-1", account = "000000000000") {
      const c = new EC2Client({ endpoint: lab.url, region, credentials: credentialsFor(account), maxAttempts: 1 });
      clients.push(c);
      return c;
    },
    async cli(args, opts = {}) {
      const creds = credentialsFor(opts.account);
      const env = {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: process.env.HOME ?? "/tmp",
        AWS_ACCESS_KEY_ID: creds.accessKeyId,
        AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
        AWS_DEFAULT_REGION: opts.region ?? "us-east-1",
        AWS_PAGER: "",
        AWS_MAX_ATTEMPTS: "1",
        AWS_CONFIG_FILE: "/dev/null",
        AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
      };
      try {
        const { stdout, stderr } = await run(AWS_CLI, ["--endpoint-url", lab.url, "--output", "json", ...args], { env, timeout: 60_000 });
        return { code: 0, stdout, stderr, json: stdout.trim() ? JSON.parse(stdout) : undefined };
      } catch (err) {
        const e = err as { code?: number; stdout?: string; stderr?: string };
        return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? String(err) };
      }
    },
    async admin(method, path, body) {
      const res = await fetch(lab.url + "/_vpclab" + path, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as never };
    },
    async close() {
      for (const c of clients) c.destroy();
      await lab.close();
    },
  };
}

/** Sends a raw EC2 Query request (for protocol-level tests of malformed input). */
export async function rawQuery(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body,
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

/** The AWS error code inside an SDK exception. */
export function errorCode(err: unknown): string {
  const e = err as { name?: string; Code?: string };
  return e.Code ?? e.name ?? "unknown";
}

/** Awaits a promise that must reject with an EC2 error of `code`; returns the error. */
export async function expectEc2Error(p: Promise<unknown>, code: string): Promise<Error> {
  try {
    await p;
  } catch (err) {
    if (errorCode(err) !== code) {
      throw new Error(`expected ${code}, got ${errorCode(err)}: ${(err as Error).message}`);
    }
    return err as Error;
  }
  throw new Error(`expected ${code}, but the call succeeded`);
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the vpclab command line (`src/bin/vpclab.ts` through tsx) as a user would, in a clean
 * environment with no AWS configuration. Pass `--endpoint-url` in `args` to aim it at a lab.
 */
export async function runVpclab(args: string[], timeout = 60_000): Promise<CliRun> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "src/bin/vpclab.ts", ...args], {
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: process.env.HOME ?? "/tmp",
        AWS_CONFIG_FILE: "/dev/null",
        AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
      },
      timeout,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? String(err) };
  }
}
