/**
 * The network commands: `vpclab ping|trace|connect|why`. Each asks a running vpclab server's admin API
 * (`POST /_vpclab/ping|trace|connect|analyze`) about one packet and prints what the tool on an
 * instance would print (ping, traceroute, a TCP/UDP connect), or, for `why`, the path hop by hop and
 * every blocker with AWS Reachability Analyzer's code and the fix.
 *
 * `<from>` and `<to>` take an instance id, an ENI id, a Name tag or an IP; `<from>` may also be the
 * Internet: `internet`, any public IP outside the lab's VPCs, or an internet gateway id (the traffic
 * enters through that gateway), so `vpclab why internet web-1 --protocol tcp --port 22` asks what AWS's
 * Reachability Analyzer asks with an internet gateway as the source. `--region` scopes `<from>`
 * (`--to-region` scopes `<to>`); without them names are looked up in every region. `--account` scopes
 * names to one account (default: a 12-digit $AWS_ACCESS_KEY_ID, which vpclab treats as the account,
 * else vpclab's default account).
 *
 * Exit codes: 0 when the traffic gets through (ping: any reply), 1 when it does not, 2 on an error
 * (bad arguments, unknown instance, no server), as ping does.
 *
 * Fidelity notes:
 * - `ping` paces in real time by default, one admin request per packet, so a long-running ping shows
 *   changes made meanwhile (revoke a rule: replies stop); without `-c` it runs until Ctrl-C, as ping
 *   does. `--fast` (and `--json`) asks for all packets at once (default 4) and prints the same figures
 *   without waiting.
 * - `trace` asks three times (three probes per hop, each with its own RTT sample).
 */
import { Command, InvalidArgumentError, Option } from "commander";
import type { Analysis, ConnectResult, PingResult, TraceResult } from "../engine/index.js";
import { adminCall, reportError, resolveTarget, withGlobalOptions, type GlobalOptions, type Target } from "./common.js";
import {
  connectLines,
  firstBlocker,
  pingErrorLine,
  pingHeader,
  pingReplyLine,
  pingStatsLines,
  traceLines,
  whyLines,
  whyPointer,
  type PingTally,
} from "./net-format.js";

interface NetOptions extends GlobalOptions {
  account?: string;
  toRegion?: string;
  toAccount?: string;
  seed?: number;
}

interface PingOptions extends NetOptions {
  count?: number;
  size?: number;
  interval?: number;
  M?: "do" | "want" | "dont";
  fast?: boolean;
}

interface WhyOptions extends NetOptions {
  snapshot?: string;
  protocol?: "icmp" | "tcp" | "udp";
  port?: number;
  sourcePort?: number;
  size?: number;
  df?: boolean;
}

function intArg(lo: number, hi: number, what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || n < lo || n > hi) throw new InvalidArgumentError(`must be ${what} (${lo}-${hi})`);
    return n;
  };
}

function secondsArg(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 3600) throw new InvalidArgumentError("must be a number of seconds (0-3600)");
  return n;
}

function accountArg(value: string): string {
  if (!/^\d{12}$/.test(value)) throw new InvalidArgumentError("must be a 12-digit account id");
  return value;
}

function protocolArg(value: string): "icmp" | "tcp" | "udp" {
  const v = value.toLowerCase();
  if (v !== "icmp" && v !== "tcp" && v !== "udp") throw new InvalidArgumentError("must be icmp, tcp or udp");
  return v;
}

/** The options every network command takes. */
function withNetOptions(cmd: Command): Command {
  withGlobalOptions(cmd);
  // Here --region only narrows where <from> is looked up: a packet may cross regions.
  const region = cmd.options.find((o) => o.long === "--region");
  if (region) region.description = "look <from> up in this region (default: every region)";
  return cmd
    .addOption(new Option("--account <id>", "look names and addresses up in this 12-digit account").argParser(accountArg))
    .option("--to-region <region>", "look <to> up in this region (default: every region)")
    .addOption(new Option("--to-account <id>", "look <to> up in this account (default: --account)").argParser(accountArg))
    .addOption(new Option("--seed <n>", "seed the RTT jitter (repeatable figures)").argParser(intArg(0, 2 ** 31 - 1, "an integer")).hideHelp())
    // Usage errors exit 2, as ping's do (commander's default is 1, which here means "no reply").
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
}

/** The part of an admin request body that names the two ends. */
function ends(from: string, to: string, o: NetOptions): Record<string, unknown> {
  const envKey = process.env.AWS_ACCESS_KEY_ID;
  const account = o.account ?? (envKey && /^\d{12}$/.test(envKey) ? envKey : undefined);
  return { from, to, account, region: o.region, toRegion: o.toRegion, toAccount: o.toAccount, seed: o.seed };
}

function print(lines: string[]): void {
  if (lines.length) process.stdout.write(lines.join("\n") + "\n");
}

function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + "\n");
}

function fail(err: unknown, json: boolean | undefined): void {
  reportError(err, json);
  process.exitCode = 2;
}

/** A sleep that an interrupt (Ctrl-C) cuts short. */
class Pacer {
  stopped = false;
  private wake: (() => void) | undefined;
  private readonly onSigint = () => {
    this.stopped = true;
    this.wake?.();
  };
  constructor() {
    process.on("SIGINT", this.onSigint);
  }
  sleep(ms: number): Promise<void> {
    if (this.stopped || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        this.wake = undefined;
        resolve();
      };
    });
  }
  close(): void {
    process.off("SIGINT", this.onSigint);
  }
}

async function runPing(from: string, to: string, o: PingOptions): Promise<void> {
  const target = resolveTarget(o);
  const size = o.size ?? 56;
  const intervalMs = Math.round((o.interval ?? 1) * 1000);
  const body = { ...ends(from, to, o), size, df: o.M === "do", intervalMs };
  if (o.fast || o.json) {
    const r = await adminCall<PingResult>(target, "POST", "/ping", { ...body, count: o.count ?? 4 });
    process.exitCode = r.stats.received > 0 ? 0 : 1;
    if (o.json) return printJson(r);
    const lines = [pingHeader(to, r.destination, r.payloadBytes)];
    const events = [...r.replies.map((x) => ({ seq: x.seq, line: pingReplyLine(x) })), ...r.errors.map((x) => ({ seq: x.seq, line: pingErrorLine(x) }))];
    events.sort((a, b) => a.seq - b.seq);
    lines.push(...events.map((e) => e.line));
    lines.push(...pingStatsLines(to, { transmitted: r.stats.transmitted, received: r.stats.received, errors: r.stats.errors, timeMs: r.stats.timeMs, rtts: r.replies.map((x) => x.rttMs) }));
    if (r.verdict !== "reachable") lines.push(whyPointer(firstBlocker(r.explanations), from, to));
    return print(lines);
  }
  await pacedPing(target, from, to, o, body, intervalMs);
}

/** Real-time ping: one packet per interval, each asked for when it is sent. */
async function pacedPing(target: Target, from: string, to: string, o: PingOptions, body: Record<string, unknown>, intervalMs: number): Promise<void> {
  const pacer = new Pacer();
  const tally: PingTally = { transmitted: 0, received: 0, errors: 0, timeMs: 0, rtts: [] };
  let lastBlocked: PingResult | undefined;
  const t0 = Date.now();
  try {
    for (let seq = 1; o.count === undefined || seq <= o.count; seq++) {
      await pacer.sleep(t0 + (seq - 1) * intervalMs - Date.now());
      if (pacer.stopped) break;
      const r = await adminCall<PingResult>(target, "POST", "/ping", { ...body, count: 1, seed: o.seed === undefined ? undefined : o.seed + seq });
      if (seq === 1) print([pingHeader(to, r.destination, r.payloadBytes)]);
      tally.transmitted++;
      const reply = r.replies[0];
      const error = r.errors[0];
      if (reply) {
        await pacer.sleep(reply.rttMs);
        print([pingReplyLine(reply, seq)]);
        tally.received++;
        tally.rtts.push(reply.rttMs);
      } else if (error) {
        print([pingErrorLine(error, seq)]);
        tally.errors++;
      } else lastBlocked = r;
      if (pacer.stopped) break;
    }
  } finally {
    pacer.close();
  }
  tally.timeMs = Date.now() - t0;
  if (tally.transmitted === 0) return;
  const lines = pingStatsLines(to, tally);
  if (lastBlocked) lines.push(whyPointer(firstBlocker(lastBlocked.explanations), from, to));
  print(lines);
  process.exitCode = tally.received > 0 ? 0 : 1;
}

/**
 * Where a question goes: the running server's admin API, or, with --snapshot, the same route handlers
 * in this process on the loaded snapshot (cli/offline.ts; imported only then).
 */
async function asker(o: WhyOptions): Promise<{ ask: <T>(path: string, body: Record<string, unknown>) => Promise<T>; account?: string }> {
  if (o.snapshot) {
    if (o.endpointUrl) throw new InvalidArgumentError("--snapshot answers offline: it excludes --endpoint-url");
    const lab = (await import("./offline.js")).loadOffline(o.snapshot);
    return { ask: async <T>(path: string, body: Record<string, unknown>) => lab.call<T>(path, body), account: lab.account };
  }
  const target = resolveTarget(o);
  return { ask: <T>(path: string, body: Record<string, unknown>) => adminCall<T>(target, "POST", path, body) };
}

async function runTrace(from: string, to: string, o: WhyOptions): Promise<void> {
  const { ask, account } = await asker(o);
  const body: Record<string, unknown> = { ...ends(from, to, o), protocol: o.protocol, port: o.port };
  if (body.account === undefined) body.account = account;
  const first = await ask<TraceResult>("/trace", body);
  process.exitCode = first.reached ? 0 : 1;
  if (o.json) return printJson(first);
  const probes = [first];
  if (first.reached) {
    for (let i = 1; i < 3; i++) probes.push(await ask<TraceResult>("/trace", { ...body, seed: o.seed === undefined ? undefined : o.seed + i }));
  }
  const lines = traceLines(to, probes);
  if (!first.reached) lines.push(whyPointer(firstBlocker(first.explanations), from, to, protoSuffix(o)));
  print(lines);
}

function protoSuffix(o: { protocol?: string; port?: number }): string {
  return `${o.protocol && o.protocol !== "icmp" ? ` --protocol ${o.protocol}` : ""}${o.port !== undefined && o.protocol !== "icmp" ? ` --port ${o.port}` : ""}`;
}

/** Splits `<to>:<port>` at the last colon (`[<IPv6>]:<port>` as URLs write it, too). */
export function splitHostPort(text: string): { host: string; port: number } {
  const bracket = /^\[([^\]]+)\]:(\d+)$/.exec(text);
  if (bracket && Number(bracket[2]) <= 65535) return { host: bracket[1]!, port: Number(bracket[2]) };
  const at = text.lastIndexOf(":");
  const host = at > 0 ? text.slice(0, at) : "";
  const portText = at > 0 ? text.slice(at + 1) : "";
  const port = Number(portText);
  if (!host || !/^\d+$/.test(portText) || port > 65535) throw new InvalidArgumentError(`'${text}' must be <to>:<port>, e.g. 172.31.0.4:22 or my-instance:22`);
  return { host, port };
}

async function runConnect(from: string, toPort: string, o: WhyOptions): Promise<void> {
  const target = resolveTarget(o);
  const { host, port } = splitHostPort(toPort);
  const protocol = o.protocol ?? "tcp";
  if (protocol === "icmp") throw new InvalidArgumentError("connect takes --protocol tcp or udp");
  const r = await adminCall<ConnectResult>(target, "POST", "/connect", { ...ends(from, host, o), protocol, port });
  process.exitCode = r.result === "connected" ? 0 : 1;
  if (o.json) return printJson(r);
  const lines = connectLines(r);
  if (r.result === "timed-out") lines.push(whyPointer(firstBlocker(r.explanations), from, host, ` --protocol ${protocol} --port ${port}`));
  print(lines);
}

async function runWhy(from: string, to: string, o: WhyOptions): Promise<void> {
  const { ask, account } = await asker(o);
  const e = ends(from, to, o);
  if (e.account === undefined) e.account = account;
  const a = await ask<Omit<Analysis, "segments">>("/analyze", {
    ...e,
    protocol: o.protocol,
    port: o.port,
    sourcePort: o.sourcePort,
    size: o.size,
    df: o.df,
  });
  process.exitCode = a.verdict === "reachable" ? 0 : 1;
  if (o.json) return printJson(a);
  print(whyLines(a));
}

/** Wraps an action: errors print as vpclab errors and exit 2. */
function action<A extends unknown[], O extends GlobalOptions>(fn: (...args: [...A, O]) => Promise<void>) {
  return async (...args: unknown[]) => {
    // commander passes (...arguments, options, command)
    const opts = args[args.length - 2] as O;
    try {
      await fn(...(args.slice(0, -1) as [...A, O]));
    } catch (err) {
      fail(err, opts.json);
    }
  };
}

export function registerNetworkCommands(program: Command): void {
  withNetOptions(
    program
      .command("ping")
      .description("ping from one instance to another (or to an Internet address), printed like Linux ping")
      .argument("<from>", "instance id, ENI id, Name tag or IP of the sender, or `internet` / a public IP / an igw-… id for a host on the Internet")
      .argument("<to>", "instance id, ENI id, Name tag or IP address to ping"),
  )
    .addOption(new Option("-c, --count <n>", "stop after n packets (default: until Ctrl-C; 4 with --fast/--json)").argParser(intArg(1, 100_000, "a packet count")))
    .addOption(new Option("-s, --size <bytes>", "ICMP payload bytes").argParser(intArg(0, 65507, "a payload size")).default(undefined))
    .addOption(new Option("-i, --interval <seconds>", "seconds between packets (default 1)").argParser(secondsArg))
    .addOption(new Option("-M <pmtudisc>", "path MTU discovery: do (set DF: too-big packets fail), want, dont").choices(["do", "want", "dont"]))
    .option("--fast", "print the same figures at once instead of pacing in real time")
    .action(action<[string, string], PingOptions>(runPing));

  withNetOptions(
    program
      .command("trace")
      .description("trace the route to an address, printed like traceroute, naming the components crossed")
      .argument("<from>", "instance id, ENI id, Name tag or IP of the sender, or `internet` / a public IP / an igw-… id for a host on the Internet")
      .argument("<to>", "instance id, ENI id, Name tag or IP address"),
  )
    .addOption(new Option("--protocol <p>", "probe protocol: icmp (default), tcp or udp").argParser(protocolArg))
    .addOption(new Option("-p, --port <n>", "destination port for tcp/udp probes").argParser(intArg(0, 65535, "a port")))
    .option("--snapshot <dir>", "answer offline from a snapshot directory (vpclab snapshot collect), without a server")
    .action(action<[string, string], WhyOptions>(runTrace));

  withNetOptions(
    program
      .command("connect")
      .description("open a TCP (or UDP) connection: connected, refused or timed out, and the source address the receiver saw")
      .argument("<from>", "instance id, ENI id, Name tag or IP of the client, or `internet` / a public IP / an igw-… id for a host on the Internet")
      .argument("<to:port>", "instance id, ENI id, Name tag or IP, a colon, and the port (e.g. 172.31.0.4:22)"),
  )
    .addOption(new Option("--protocol <p>", "tcp (default) or udp").argParser(protocolArg))
    .action(action<[string, string], WhyOptions>(runConnect));

  withNetOptions(
    program
      .command("why")
      .description("explain whether traffic gets through: the path hop by hop, every blocker with its AWS code, and the fix")
      .argument("<from>", "instance id, ENI id, Name tag or IP of the sender, or `internet` / a public IP / an igw-… id for a host on the Internet")
      .argument("<to>", "instance id, ENI id, Name tag or IP address"),
  )
    .addOption(new Option("--protocol <p>", "icmp (default), tcp or udp").argParser(protocolArg))
    .addOption(new Option("--port <n>", "destination port (tcp/udp)").argParser(intArg(0, 65535, "a port")))
    .addOption(new Option("--source-port <n>", "the sender's port, which the reply goes to (default 49152)").argParser(intArg(1, 65535, "a port")))
    .addOption(new Option("--size <bytes>", "IP packet size (default 84)").argParser(intArg(28, 65535, "a packet size")))
    .option("--df", "set the don't-fragment flag (report when the path MTU is too small)")
    .option("--snapshot <dir>", "answer offline from a snapshot directory (vpclab snapshot collect), without a server")
    .action(action<[string, string], WhyOptions>(runWhy));
}
