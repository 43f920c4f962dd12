/**
 * How the scenario commands talk to EC2: one `Side` per (account, region) with its SDK client, and a
 * `CallBook` that every call goes through. The book records each mutating call (action, region,
 * input), and in dry-run mode it records them WITHOUT sending them: only reads (`Describe*`, `Get*`)
 * ever reach the endpoint, which is what `--dry-run` promises and what vpclab's request log lets the
 * tests check.
 *
 * Only the public EC2 API through `@aws-sdk/client-ec2` is used, so the same code drives real AWS
 * (`--aws`, credentials and profiles from the SDK's standard chain).
 *
 * Fidelity notes: against vpclab, `--account-key` / `--peer-account-key` (a 12-digit access key id)
 * choose the account, because a 12-digit key id IS the account there; on AWS use profiles instead.
 */
import { EC2Client, type ServiceInputTypes, type ServiceOutputTypes } from "@aws-sdk/client-ec2";
import type { Command as SdkCommand } from "@smithy/types";
import type { Target } from "./common.js";

export interface Side {
  /** Shown in plans and progress: "ap-northeast-1" or "ap-northeast-1 (111111111111)". */
  label: string;
  region: string;
  client: EC2Client;
  /** The account the credentials belong to, when known (read from a described VPC's OwnerId). */
  account?: string;
}

export interface Credentials {
  profile?: string;
  /** vpclab only: a 12-digit access key id selects the account. */
  accessKey?: string;
}

function hasConfiguredCredentials(): boolean {
  return Boolean(process.env.AWS_ACCESS_KEY_ID || process.env.AWS_PROFILE);
}

/** An EC2 client for one region of the target, optionally under a named profile. */
export function ec2Client(target: Target, region: string, profile?: string): EC2Client {
  const useStatic = target.isVpclab && !profile && !hasConfiguredCredentials();
  return new EC2Client({
    region,
    endpoint: target.endpoint,
    profile,
    credentials: useStatic ? { accessKeyId: "test", secretAccessKey: "test" } : undefined,
    maxAttempts: target.isVpclab ? 1 : 3,
  });
}

export function makeClient(target: Target, region: string, creds: Credentials): EC2Client {
  if (creds.accessKey) {
    if (!target.isVpclab) throw new Error("--account-key/--peer-account-key only choose an account on vpclab; on AWS use --profile/--peer-profile");
    return new EC2Client({
      region,
      endpoint: target.endpoint,
      credentials: { accessKeyId: creds.accessKey, secretAccessKey: "test" },
      maxAttempts: 1,
    });
  }
  return ec2Client(target, region, creds.profile);
}

/** A client cache: one per (region, credentials). */
export class Clients {
  private readonly cache = new Map<string, EC2Client>();
  constructor(readonly target: Target) {}
  get(region: string, creds: Credentials = {}): EC2Client {
    const key = `${region}|${creds.profile ?? ""}|${creds.accessKey ?? ""}`;
    let c = this.cache.get(key);
    if (!c) {
      c = makeClient(this.target, region, creds);
      this.cache.set(key, c);
    }
    return c;
  }
  destroy(): void {
    for (const c of this.cache.values()) c.destroy();
    this.cache.clear();
  }
}

export interface RecordedCall {
  side: string;
  region: string;
  action: string;
  input: Record<string, unknown>;
  /** false in dry-run: the call was planned, not made */
  sent: boolean;
}

/** Any EC2 command of the SDK, typed by its input and output. */
export type Ec2Command<I extends ServiceInputTypes, O extends ServiceOutputTypes> = SdkCommand<ServiceInputTypes, I, ServiceOutputTypes, O, any>;

export function actionOf(command: object): string {
  return command.constructor.name.replace(/Command$/, "");
}

export function isMutating(action: string): boolean {
  return !/^(Describe|Get|List)/.test(action);
}

export class CallBook {
  readonly calls: RecordedCall[] = [];
  constructor(readonly dryRun: boolean) {}

  /** Sends a read (always sent, also in dry-run). */
  async read<I extends ServiceInputTypes, O extends ServiceOutputTypes>(side: Side, command: Ec2Command<I, O>): Promise<O> {
    return side.client.send(command);
  }

  /**
   * Sends a mutating call, or in dry-run records it and returns undefined. Callers use the result
   * only when it is defined, and otherwise carry on with placeholders (`pcx-(new)`).
   */
  async write<I extends ServiceInputTypes, O extends ServiceOutputTypes>(side: Side, command: Ec2Command<I, O>): Promise<O | undefined> {
    const action = actionOf(command);
    const call: RecordedCall = { side: side.label, region: side.region, action, input: command.input as Record<string, unknown>, sent: false };
    this.calls.push(call);
    if (this.dryRun) return undefined;
    const out = await side.client.send(command);
    call.sent = true;
    return out;
  }

  get mutations(): RecordedCall[] {
    return this.calls.filter((c) => isMutating(c.action));
  }
}

/** One call as a line: `ap-northeast-1  CreateRoute RouteTableId=rtb-… DestinationCidrBlock=…`. */
export function formatCall(c: RecordedCall): string {
  return `${c.side}  ${c.action} ${formatInput(c.input)}`.trimEnd();
}

function formatInput(input: Record<string, unknown>): string {
  return Object.entries(input)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v)}`)
    .join(" ");
}

/** The AWS error code of an SDK exception. */
export function errorCode(err: unknown): string {
  const e = err as { name?: string; Code?: string };
  return e.Code ?? e.name ?? "Error";
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
