/**
 * Runs an explanation's structured fixes (`fixes`: EC2 action + input) through the JS SDK, as the
 * account and in the region each names: the proof that a fix the engine proposes is a real call that
 * AWS's API accepts.
 */
import * as ec2 from "@aws-sdk/client-ec2";
import type { Lab } from "./harness.js";

export interface FixCall {
  action: string;
  params: Record<string, unknown>;
  account?: string;
  region?: string;
}

export async function applyFixes(lab: Lab, fixes: FixCall[] | undefined, region = "us-east-1"): Promise<void> {
  if (!fixes || fixes.length === 0) throw new Error("the explanation carries no structured fix");
  for (const f of fixes) {
    const Command = (ec2 as unknown as Record<string, (new (input: unknown) => never) | undefined>)[`${f.action}Command`];
    if (!Command) throw new Error(`${f.action} is not an EC2 action of the SDK`);
    await lab.ec2(f.region ?? region, f.account).send(new Command(f.params));
  }
}
