/**
 * `vpclab snapshot collect|load`: take a read-only copy of an account's network (snapshot/collect.ts)
 * and load it into a running vpclab (`POST /_vpclab/state/import`, snapshot/import.ts).
 *
 * Registering these commands loads nothing heavy: the AWS SDK is imported only when `collect` runs,
 * so `vpclab --help` stays fast (test/e2e/cli-startup.test.ts).
 *
 * Safety: `collect` talks to vpclab (`--endpoint-url`, `$AWS_ENDPOINT_URL`, else 127.0.0.1:4566)
 * unless `--aws` is given, and sends only the read-only calls of snapshot/collect.ts (`iamActions()`:
 * Describe*, Get*, SearchTransitGatewayRoutes) and STS GetCallerIdentity.
 *
 * Fidelity notes: none (vpclab's own commands).
 */
import { InvalidArgumentError, type Command } from "commander";
import { adminCall, reportError, resolveTarget } from "./common.js";

interface CollectOpts {
  out: string;
  regions?: string;
  endpointUrl?: string;
  aws?: boolean;
  profile: string[];
}

function collectList(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function regionList(value: string): string {
  for (const r of value.split(",")) if (!/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(r.trim())) throw new InvalidArgumentError(`${r} is not a region name such as us-east-1`);
  return value;
}

/** Prints the load report's summary: counts, unmodelled kinds, the first warnings. */
export function reportLines(r: { accounts: number; regions: number; loaded: Record<string, number>; unmodelled: Record<string, number>; warnings: string[] }): string[] {
  const counts = Object.entries(r.loaded)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(", ");
  const lines = [`loaded ${r.accounts} account(s), ${r.regions} region(s): ${counts || "nothing"}`];
  const um = Object.entries(r.unmodelled);
  if (um.length) lines.push(`not modelled (kept only as route targets): ${um.map(([k, n]) => `${n} ${k}`).join(", ")}`);
  if (r.warnings.length) {
    lines.push(`${r.warnings.length} warning(s):`);
    for (const w of r.warnings.slice(0, 20)) lines.push(`  ${w}`);
    if (r.warnings.length > 20) lines.push(`  … ${r.warnings.length - 20} more (--json shows them all)`);
  }
  return lines;
}

export function registerSnapshotCommands(program: Command): void {
  const snap = program.command("snapshot").description("copy an account's network (read-only) to a directory, and load such a copy into vpclab");
  snap
    .command("collect")
    .description("read every network resource vpclab models with read-only Describe/Get/Search calls, one JSON file per region and call, plus manifest.json")
    .requiredOption("--out <dir>", "directory to write the snapshot to")
    .option("--regions <r1,r2>", "regions to read (default: every region enabled for the account)", regionList)
    .option("--endpoint-url <url>", "vpclab endpoint (default: $AWS_ENDPOINT_URL, then http://127.0.0.1:4566)")
    .option("--aws", "read real AWS (standard credential chain) instead of vpclab")
    .option("--profile <name>", "AWS profile of an account to read (repeatable: one snapshot of several accounts)", collectList, [])
    .action(async (o: CollectOpts) => {
      try {
        const target = resolveTarget({ aws: o.aws, endpointUrl: o.endpointUrl });
        const { collectSnapshot } = await import("../snapshot/collect.js");
        const tty = process.stderr.isTTY;
        let last = "";
        const m = await collectSnapshot({
          out: o.out,
          endpoint: target.endpoint,
          regions: o.regions?.split(",").map((r) => r.trim()),
          profiles: o.profile.length ? o.profile : [undefined],
          staticCredentials: process.env.AWS_ACCESS_KEY_ID || process.env.AWS_PROFILE ? undefined : { accessKeyId: "test", secretAccessKey: "test" },
          progress: (line) => {
            // One line per region that rewrites itself on a terminal; the finished line otherwise.
            const region = line.split(" ").slice(0, 2).join(" ");
            const next = last !== "" && !last.startsWith(region);
            if (tty) process.stderr.write(`${next ? "\n" : "\r"}${line}`);
            else if (next) process.stderr.write(last + "\n");
            last = line;
          },
        });
        if (last) process.stderr.write(tty ? "\n" : last + "\n");
        const files = m.accounts.reduce((n, a) => n + a.files.length, 0);
        const skipped = m.accounts.flatMap((a) => a.skipped);
        console.log(`collected ${m.accounts.length} account(s) (${m.accounts.map((a) => a.account).join(", ")}), ${files} file(s) in ${o.out}`);
        if (skipped.length) console.log(`not offered by the endpoint (skipped): ${[...new Set(skipped.map((s) => s.file.split("/").pop()!.replace(/\.json$/, "")))].join(", ")}`);
        const truncated = m.accounts.flatMap((a) => a.truncated);
        if (truncated.length) console.log(`more than 1000 transit gateway routes (only the first 1000 collected): ${truncated.join(", ")}`);
      } catch (err) {
        reportError(err, false);
        process.exitCode = 2;
      }
    });
  snap
    .command("load")
    .description("replace the whole state of a running vpclab with a snapshot directory (POST /_vpclab/state/import)")
    .argument("<dir>", "a snapshot directory (vpclab snapshot collect, or AWS CLI describe-… outputs under <region>/)")
    .option("--endpoint-url <url>", "vpclab endpoint (default: $AWS_ENDPOINT_URL, then http://127.0.0.1:4566)")
    .option("--admin-token <token>", "admin token of a vpclab started with one (default: $VPCLAB_ADMIN_TOKEN)")
    .option("--json", "print the whole load report as JSON")
    .action(async (dir: string, o: { endpointUrl?: string; adminToken?: string; json?: boolean }) => {
      try {
        const { readSnapshotDir } = await import("../snapshot/files.js");
        const r = await adminCall<Parameters<typeof reportLines>[0]>(resolveTarget(o), "POST", "/state/import", readSnapshotDir(dir));
        if (o.json) console.log(JSON.stringify(r, null, 2));
        else console.log(reportLines(r).join("\n"));
      } catch (err) {
        reportError(err, o.json);
        process.exitCode = 2;
      }
    });
}
