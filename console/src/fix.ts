/**
 * "Apply fix": an explanation's structured fixes (`fixes`: EC2 actions with their input), shown as the
 * AWS CLI commands they stand for and run, in order, through the EC2 API as the signed-in account. The
 * rendering and the Query encoding are the engine's own (src/engine/fix-command.ts), so the console, the
 * CLI and `--json` show the same calls. An explanation without `fixes` (the remedy needs a choice, such
 * as a new gateway's id) shows its text only: the console never guesses a call.
 */
import { fixCommand, fixQuery, type Fix } from "../../src/engine/fix-command.js";

export type { Fix };
export { fixCommand };

/** The fixes of an explanation the signed-in account may apply (all of them in its account), or none. */
export function applicable(x: { fixes?: Fix[] }, account: string): Fix[] | undefined {
  const list = x.fixes ?? [];
  return list.length > 0 && list.every((f) => (f.account ?? account) === account) ? list : undefined;
}

/** A fix's input as the EC2 Query parameters the console's `ec2()` sends. */
export function queryParams(f: Fix): Record<string, string> {
  return Object.fromEntries(fixQuery(f));
}
