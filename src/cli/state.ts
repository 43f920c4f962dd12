/**
 * `vpclab state save FILE` and `vpclab state load FILE`: the whole state of a running vpclab as one
 * JSON document (state/document.ts), through the admin API (`POST /_vpclab/state/save|load`), so a team
 * can share a lab and a test can start from a fixture.
 *
 * Deliberately free of the AWS SDK (it talks JSON to the admin API only), so it starts fast.
 *
 * Fidelity notes: none (vpclab's own command; AWS has nothing like it).
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import type { Command } from "commander";

const DEFAULT_ENDPOINT = "http://127.0.0.1:4566";

interface StateOptions {
  endpointUrl?: string;
}

async function call(endpoint: string, path: string, body?: string): Promise<{ status: number; text: string }> {
  let res: Response;
  try {
    res = await fetch(`${endpoint.replace(/\/$/, "")}/_vpclab${path}`, {
      method: "POST",
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body,
    });
  } catch {
    throw new Error(`cannot reach vpclab at ${endpoint}: is \`vpclab serve\` running?`);
  }
  return { status: res.status, text: await res.text() };
}

function errorOf(text: string): string {
  try {
    const e = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
    if (e) return `${e.code}: ${e.message}`;
  } catch {
    // not JSON: show it as it came
  }
  return text.slice(0, 500);
}

export function registerStateCommands(program: Command): void {
  const state = program.command("state").description("save or load the whole state of a running vpclab (one JSON document)");
  const endpointOf = (o: StateOptions) => o.endpointUrl ?? process.env.AWS_ENDPOINT_URL ?? DEFAULT_ENDPOINT;
  state
    .command("save")
    .description("write every account, region, resource, pending transition, the clock and the id source to FILE")
    .argument("<file>", "where to write the document (- for stdout)")
    .option("--endpoint-url <url>", `vpclab endpoint (default: $AWS_ENDPOINT_URL, then ${DEFAULT_ENDPOINT})`)
    .action(async (file: string, opts: StateOptions) => {
      const { status, text } = await call(endpointOf(opts), "/state/save");
      if (status !== 200) throw new Error(`state save failed: ${errorOf(text)}`);
      if (file === "-") {
        process.stdout.write(text + "\n");
        return;
      }
      // Written beside and renamed, so an interrupted save never leaves half a document under FILE.
      writeFileSync(file + ".tmp", text);
      renameSync(file + ".tmp", file);
      const doc = JSON.parse(text) as { accounts: { regions: unknown[] }[] };
      const regions = doc.accounts.reduce((n, a) => n + a.regions.length, 0);
      console.log(`saved ${doc.accounts.length} account(s), ${regions} region(s) to ${file} (${text.length} bytes)`);
    });
  state
    .command("load")
    .description("replace the whole state of the running vpclab with the document in FILE (all or nothing)")
    .argument("<file>", "a document written by `vpclab state save` (- for stdin)")
    .option("--endpoint-url <url>", `vpclab endpoint (default: $AWS_ENDPOINT_URL, then ${DEFAULT_ENDPOINT})`)
    .action(async (file: string, opts: StateOptions) => {
      const text = readFileSync(file === "-" ? 0 : file, "utf8");
      const { status, text: answer } = await call(endpointOf(opts), "/state/load", text);
      if (status !== 200) throw new Error(`state load failed (nothing was changed): ${errorOf(answer)}`);
      const r = JSON.parse(answer) as { accounts: number; regions: number; peerings: number; pendingTransitions: number };
      console.log(`loaded ${r.accounts} account(s), ${r.regions} region(s), ${r.peerings} peering connection(s), ${r.pendingTransitions} pending transition(s)`);
    });
}
