/**
 * `vpclab audit [--snapshot DIR] [--json] [--expect FILE]`: the findings of audit/audit.ts as a table
 * (or JSON), and the assertions of an expectations file (audit/expect.ts). Without --snapshot it audits
 * a running vpclab: it fetches the state document (`POST /_vpclab/state/save`) and runs in-process.
 *
 * Exit codes: 0 when every assertion holds (findings alone do not fail the run), 1 when one fails,
 * 2 on an error (unreadable snapshot or file, no server).
 *
 * Fidelity notes: the module imports the engine only when the command runs (vpclab --help stays fast).
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { adminCall, reportError, resolveTarget } from "./common.js";

interface AuditOpts {
  snapshot?: string;
  endpointUrl?: string;
  adminToken?: string;
  json?: boolean;
  expect?: string;
}

async function run(o: AuditOpts): Promise<void> {
  const [{ World }, { decodeState, reviveMaps }, { audit }, { parseExpectations, checkExpectations }] = await Promise.all([
    import("../state/world.js"),
    import("../state/document.js"),
    import("../audit/audit.js"),
    import("../audit/expect.js"),
  ]);
  // Read the file first: a bad expectations file fails before any work.
  const assertions = o.expect ? parseExpectations(readFileSync(o.expect, "utf8")) : [];
  let world: InstanceType<typeof World>;
  if (o.snapshot) {
    world = (await import("./offline.js")).loadOffline(o.snapshot).world;
  } else {
    const doc = await adminCall<unknown>(resolveTarget(o), "POST", "/state/save");
    world = new World(() => {}, {});
    world.replaceParts(decodeState(reviveMaps(doc)));
  }
  const findings = audit(world);
  const results = checkExpectations(world, assertions);
  const failed = results.filter((r) => !r.passed);
  process.exitCode = failed.length ? 1 : 0;
  if (o.json) {
    console.log(JSON.stringify({ findings, expectations: o.expect ? results : undefined }, null, 2));
    return;
  }
  const order = ["internet-exposure", "open-admin-port", "dead-route", "unused-group"];
  const titles: Record<string, string> = {
    "internet-exposure": "Reachable from the Internet",
    "open-admin-port": "Administrative ports open to the world",
    "dead-route": "Routes that can never carry traffic",
    "unused-group": "Security groups used by nothing",
  };
  const lines: string[] = [];
  for (const kind of order) {
    const fs = findings.filter((f) => f.kind === kind);
    lines.push(`${titles[kind]} (${fs.length})`);
    if (fs.length === 0) lines.push("  none");
    for (const f of fs) {
      lines.push(`  [${f.severity}] ${f.account} ${f.region}  ${f.summary}`);
      lines.push(`         fix: ${f.fix}`);
    }
    lines.push("");
  }
  if (o.expect) {
    lines.push(`Expectations (${results.length - failed.length}/${results.length} hold)`);
    for (const r of results) {
      lines.push(`  ${r.passed ? "PASS" : "FAIL"}  ${r.name}  (${r.checked} question(s))`);
      for (const d of r.detail ?? []) lines.push(`        ${d}`);
    }
  }
  process.stdout.write(lines.join("\n") + "\n");
}

export function registerAuditCommand(program: Command): void {
  program
    .command("audit")
    .description("findings over the whole network (Internet exposure, dead routes, open admin ports, unused groups) and --expect assertions")
    .option("--snapshot <dir>", "audit a snapshot directory offline (default: the running vpclab's state)")
    .option("--expect <file>", "YAML assertions (from/to/protocol/port/expect); exit 1 when one fails")
    .option("--endpoint-url <url>", "vpclab endpoint (default: $AWS_ENDPOINT_URL, then http://127.0.0.1:4566)")
    .option("--admin-token <token>", "admin token of a vpclab started with one (default: $VPCLAB_ADMIN_TOKEN)")
    .option("--json", "print findings and assertion results as JSON")
    .action(async (o: AuditOpts) => {
      try {
        await run(o);
      } catch (err) {
        reportError(err, o.json);
        process.exitCode = 2;
      }
    });
}
