/**
 * `vpclab audit [--snapshot DIR] [--json] [--html FILE] [--expect FILE] [--from SEL --to SEL
 * [--protocol P] [--port N|A-B]]`: the findings of audit/audit.ts as a table (or JSON, or an HTML page:
 * audit/html.ts), the groups × groups reachability matrix (audit/classes.ts), and the assertions of an
 * expectations file (audit/expect.ts). Without --snapshot it audits
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
import { fixCommand } from "../engine/fix-command.js";

interface AuditOpts {
  snapshot?: string;
  endpointUrl?: string;
  adminToken?: string;
  json?: boolean;
  expect?: string;
  from: string[];
  to: string[];
  protocol?: string;
  port?: string;
  html?: string;
}

const repeat = (v: string, prev: string[]) => [...prev, v];

/** `--port N` or `--port A-B`. */
export function parsePortRange(text: string | undefined): { from: number; to: number } | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text.trim());
  const lo = m ? Number(m[1]) : NaN;
  const hi = m ? Number(m[2] ?? m[1]) : NaN;
  if (!m || lo > hi || hi > 65535) throw new Error(`--port ${text}: a port (22) or a range (1024-65535)`);
  return { from: lo, to: hi };
}

/** The matrix as text: counts per cell, then one explained blocked pair per cell. */
export function matrixLines(m: import("../audit/classes.js").MatrixResult): string[] {
  const port = m.port ? (m.port.from === m.port.to ? `:${m.port.from}` : `:${m.port.from}-${m.port.to}`) : "";
  const lines = [
    `Reachability matrix, ${m.protocol}${port} (${m.interfaces} interface(s), ${m.sourceClasses} source × ${m.destinationClasses} destination class(es), ${m.questions} engine question(s))`,
  ];
  const froms = [...new Set(m.cells.map((c) => c.from))];
  const tos = [...new Set(m.cells.map((c) => c.to))];
  const w0 = Math.max(4, ...froms.map((f) => f.length));
  const cellText = (f: string, t: string) => {
    const c = m.cells.find((x) => x.from === f && x.to === t)!;
    return c.pairs === 0 ? "-" : `${c.reachable}/${c.pairs} ok`;
  };
  const widths = tos.map((t) => Math.max(t.length, ...froms.map((f) => cellText(f, t).length)));
  lines.push(`  ${"from \\ to".padEnd(w0)}  ${tos.map((t, i) => t.padEnd(widths[i]!)).join("  ")}`);
  for (const f of froms) lines.push(`  ${f.padEnd(w0)}  ${tos.map((t, i) => cellText(f, t).padEnd(widths[i]!)).join("  ")}`);
  for (const c of m.cells) {
    if (!c.example) continue;
    lines.push(`  ${c.from} → ${c.to}: ${c.unreachable} of ${c.pairs} pair(s) blocked, e.g. ${c.example.from} → ${c.example.to}`);
    lines.push(`      ${c.example.code}: ${c.example.reason}`);
    if (c.example.fix) lines.push(`      fix: ${c.example.fix}`);
    for (const f of c.example.fixes ?? []) lines.push(`      run: ${fixCommand(f)}`);
  }
  return lines;
}

async function run(o: AuditOpts): Promise<void> {
  const [{ World }, { decodeState, reviveMaps }, { audit, FINDING_KINDS, fixCommands, natNotes }, { parseExpectations, checkExpectations }] = await Promise.all([
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
  if (o.from.length === 0 && (o.protocol !== undefined || o.port !== undefined)) throw new Error("--protocol and --port belong to the matrix: give --from and --to (for one pair, use vpclab why or --expect)");
  if ((o.from.length > 0) !== (o.to.length > 0)) throw new Error("--from and --to go together (each a group selector: tag:KEY=VALUE, tag:KEY, subnet:ID, vpc:ID, subnet:*, vpc:*, all)");
  const protocol = (o.protocol ?? "tcp").toLowerCase();
  if (!["tcp", "udp", "icmp", "any"].includes(protocol)) throw new Error(`--protocol ${o.protocol}: tcp, udp, icmp or any`);
  const portRange = parsePortRange(o.port);
  if (portRange && protocol === "icmp") throw new Error("--port: icmp has no ports");
  const findings = audit(world);
  const nats = natNotes(world);
  let matrix: import("../audit/classes.js").MatrixResult | undefined;
  if (o.from.length > 0) {
    const { interfaces, groupsOf, reachabilityMatrix } = await import("../audit/classes.js");
    const all = interfaces(world);
    const froms = o.from.flatMap((sel) => groupsOf(all, sel));
    const tos = o.to.flatMap((sel) => groupsOf(all, sel));
    matrix = reachabilityMatrix(world, froms, tos, protocol as "tcp", portRange);
  }
  const results = checkExpectations(world, assertions);
  const failed = results.filter((r) => !r.passed);
  process.exitCode = failed.length ? 1 : 0;
  if (o.html) {
    const { renderHtml } = await import("../audit/html.js");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(
      o.html,
      renderHtml({
        title: "vpclab audit",
        source: o.snapshot ? `snapshot ${o.snapshot}` : `vpclab at ${resolveTarget(o).endpoint ?? ""}`,
        generatedAt: new Date().toISOString(),
        findings,
        natNotes: nats,
        matrix,
        expectations: o.expect ? results : undefined,
      }),
    );
    process.stderr.write(`wrote ${o.html}\n`);
  }
  if (o.json) {
    // Each structured fix also as its AWS CLI command line (engine/fix-command.ts renders both).
    const withCommands = <T extends { fixes?: import("../engine/fix-command.js").Fix[] }>(x: T) => (x.fixes?.length ? { ...x, commands: fixCommands(x) } : x);
    console.log(
      JSON.stringify(
        {
          findings: findings.map(withCommands),
          natGateways: nats,
          matrix: matrix ? { ...matrix, cells: matrix.cells.map((c) => (c.example ? { ...c, example: withCommands(c.example) } : c)) } : undefined,
          expectations: o.expect ? results.map(withCommands) : undefined,
        },
        null,
        2,
      ),
    );
    return;
  }
  const lines: string[] = [];
  for (const [kind, title] of FINDING_KINDS) {
    const fs = findings.filter((f) => f.kind === kind);
    lines.push(`${title} (${fs.length})`);
    if (fs.length === 0) lines.push("  none");
    for (const f of fs) {
      lines.push(`  [${f.severity}] ${f.account} ${f.region}  ${f.summary}`);
      lines.push(`         fix: ${f.fix}`);
      for (const c of fixCommands(f)) lines.push(`         run: ${c}`);
    }
    if (kind === "internet-exposure") for (const n of nats) lines.push(`  (not exposed) ${n.account} ${n.region}  ${n.summary}`);
    lines.push("");
  }
  if (matrix) lines.push(...matrixLines(matrix), "");
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
    .option("--from <selector>", "reachability matrix: source group(s) — tag:KEY=VALUE, tag:KEY (one group per value), subnet:ID, vpc:ID, subnet:*, vpc:*, all (repeatable)", repeat, [])
    .option("--to <selector>", "reachability matrix: destination group(s), as --from (repeatable)", repeat, [])
    .option("--protocol <p>", "matrix protocol: tcp, udp, icmp or any (default tcp)")
    .option("--port <n|a-b>", "matrix port or port range (default: every port)")
    .option("--html <file>", "also write the report as one self-contained HTML page")
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
