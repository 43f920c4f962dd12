/**
 * What every client-side CLI command shares: where the endpoint is and a small client for vpclab's JSON
 * admin API. It must not load the AWS SDK (the network commands import it, and loading the SDK costs
 * most of a second); the EC2 client lives in ec2-calls.ts.
 *
 * The endpoint comes from `--endpoint-url`, then `AWS_ENDPOINT_URL`, then the local default
 * `http://127.0.0.1:4566`. Real AWS is only ever used with an explicit `--aws` flag (then no endpoint
 * override is applied), so nobody touches an account by accident. Credentials and profiles come from
 * the SDK's standard chain; against vpclab, with no credentials configured at all, the static `test`
 * key (default account) is used. Admin API calls carry the admin token from `--admin-token`, then
 * `$VPCLAB_ADMIN_TOKEN`, for a server started with one.
 */
import type { Command } from "commander";

export const DEFAULT_ENDPOINT = "http://127.0.0.1:4566";

export interface GlobalOptions {
  endpointUrl?: string;
  region?: string;
  profile?: string;
  json?: boolean;
  aws?: boolean;
  adminToken?: string;
}

export interface Target {
  /** undefined when talking to real AWS */
  endpoint?: string;
  isVpclab: boolean;
  /** Sent on admin API calls (a server started with --admin-token requires it). */
  adminToken?: string;
}

export function resolveTarget(opts: GlobalOptions): Target {
  if (opts.aws) {
    if (opts.endpointUrl) throw new Error("--aws and --endpoint-url exclude each other");
    return { endpoint: undefined, isVpclab: false };
  }
  return {
    endpoint: opts.endpointUrl ?? process.env.AWS_ENDPOINT_URL ?? DEFAULT_ENDPOINT,
    isVpclab: true,
    adminToken: opts.adminToken ?? (process.env.VPCLAB_ADMIN_TOKEN || undefined),
  };
}

export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Calls vpclab's JSON admin API (`/_vpclab/<path>`). */
export async function adminCall<T>(target: Target, method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
  if (!target.isVpclab || !target.endpoint) throw new Error("the admin API exists only on vpclab, not on real AWS");
  let res: Response;
  try {
    res = await fetch(`${target.endpoint.replace(/\/$/, "")}/_vpclab${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(target.adminToken ? { authorization: `Bearer ${target.adminToken}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new AdminApiError(0, "ConnectionRefused", `cannot reach vpclab at ${target.endpoint}: is \`vpclab serve\` running?`);
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AdminApiError(res.status, "BadResponse", `${target.endpoint} did not answer like vpclab (HTTP ${res.status})`);
  }
  if (!res.ok) {
    const err = (parsed as { error?: { code?: string; message?: string } }).error;
    throw new AdminApiError(res.status, err?.code ?? "Error", err?.message ?? `HTTP ${res.status}`);
  }
  return parsed as T;
}

/** Adds the options every client command takes. */
export function withGlobalOptions(cmd: Command): Command {
  return cmd
    .option("--endpoint-url <url>", "vpclab endpoint (default: $AWS_ENDPOINT_URL, then http://127.0.0.1:4566)")
    .option("--region <region>", "region (default: $AWS_REGION, $AWS_DEFAULT_REGION, then us-east-1)")
    .option("--admin-token <token>", "admin token of a vpclab started with one (default: $VPCLAB_ADMIN_TOKEN)")
    .option("--json", "print machine-readable JSON");
}

export function defaultRegion(opts: GlobalOptions): string {
  return opts.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1";
}

/** Prints an error the way the CLI reports failures, and sets a non-zero exit code. */
export function reportError(err: unknown, json: boolean | undefined): void {
  const e = err as { name?: string; Code?: string; code?: string; message?: string };
  const code = e.Code ?? (err instanceof AdminApiError ? e.code : e.name) ?? "Error";
  if (json) console.log(JSON.stringify({ error: { code, message: e.message ?? String(err) } }));
  else console.error(`vpclab: ${code}: ${e.message ?? String(err)}`);
  process.exitCode = 1;
}
