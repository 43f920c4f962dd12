/**
 * `vpclab flows [--eni ID | --vpc ID | --subnet ID] [--flow-log ID] [--region R] [--follow] [--json]`: the flow log
 * records that simulated traffic (ping, connect, trace, the console's live ping) made, read from the
 * admin API's `GET /_vpclab/flow-logs` (engine/flow-records.ts).
 *
 * Each record prints as its flow log's LogFormat writes it (the default format unless the flow log has
 * a custom one), preceded by the flow log id; `--json` prints the records' fields (one JSON document,
 * or one JSON object per line with --follow). `--follow` polls every `--interval` seconds (default 1)
 * for records newer than the last one seen, until Ctrl-C.
 *
 * Free of the AWS SDK (admin API only), so it starts fast.
 *
 * Fidelity notes: vpclab's own command. On AWS the records would be read from CloudWatch Logs or S3;
 * vpclab keeps them in memory (the last 10,000 per flow log) and delivers them nowhere else.
 */
import { Option, type Command } from "commander";
import { adminCall, reportError, resolveTarget, withGlobalOptions, type GlobalOptions } from "./common.js";

interface FlowsOptions extends GlobalOptions {
  eni?: string;
  vpc?: string;
  subnet?: string;
  flowLog?: string;
  follow?: boolean;
  interval?: number;
}

interface FlowRecordView {
  seq: number;
  flowLogId: string;
  message: string;
}

function queryOf(o: FlowsOptions, since: number | undefined): string {
  const q = new URLSearchParams();
  if (o.eni) q.set("eni", o.eni);
  if (o.vpc) q.set("vpc", o.vpc);
  if (o.subnet) q.set("subnet", o.subnet);
  if (o.flowLog) q.set("flowLogId", o.flowLog);
  if (o.region) q.set("region", o.region);
  if (since !== undefined) q.set("since", String(since));
  const s = q.toString();
  return s === "" ? "" : `?${s}`;
}

async function runFlows(o: FlowsOptions): Promise<void> {
  const given = [o.eni, o.vpc, o.subnet].filter((x) => x !== undefined).length;
  if (given > 1) throw new Error("give at most one of --eni, --vpc and --subnet");
  const target = resolveTarget(o);
  const first = await adminCall<{ records: FlowRecordView[]; last: number }>(target, "GET", `/flow-logs${queryOf(o, undefined)}`);
  if (!o.follow) {
    if (o.json) console.log(JSON.stringify(first, null, 2));
    else for (const r of first.records) console.log(`${r.flowLogId} ${r.message}`);
    return;
  }
  const show = (rs: FlowRecordView[]) => {
    for (const r of rs) console.log(o.json ? JSON.stringify(r) : `${r.flowLogId} ${r.message}`);
  };
  show(first.records);
  let since = first.last;
  let stopped = false;
  let wake: (() => void) | undefined;
  const onSigint = () => {
    stopped = true;
    wake?.();
  };
  process.on("SIGINT", onSigint);
  try {
    while (!stopped) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.round((o.interval ?? 1) * 1000));
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      if (stopped) break;
      const next = await adminCall<{ records: FlowRecordView[]; last: number }>(target, "GET", `/flow-logs${queryOf(o, since)}`);
      show(next.records);
      since = next.last;
    }
  } finally {
    process.off("SIGINT", onSigint);
  }
}

function secondsArg(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0.1 || n > 3600) throw new Error(`--interval must be a number of seconds from 0.1 to 3600 (got ${v})`);
  return n;
}

export function registerFlowsCommand(program: Command): void {
  const cmd = withGlobalOptions(
    program
      .command("flows")
      .description("print the flow log records that simulated traffic (ping, connect, trace) made, as each flow log's format writes them"),
  )
    .option("--eni <id>", "only records of this network interface")
    .option("--vpc <id>", "only records of interfaces in this VPC")
    .option("--subnet <id>", "only records of interfaces in this subnet")
    .option("--flow-log <id>", "only records of this flow log")
    .option("--follow", "keep printing new records as they come (until Ctrl-C)")
    .addOption(new Option("--interval <seconds>", "with --follow: seconds between polls (default 1)").argParser(secondsArg));
  // Here --region narrows the records to flow logs of that region (default: every region).
  const region = cmd.options.find((o) => o.long === "--region");
  if (region) region.description = "only records of flow logs in this region (default: every region)";
  cmd.action(async (o: FlowsOptions) => {
      try {
        await runFlows(o);
      } catch (err) {
        reportError(err, o.json);
      }
    });
}
