/**
 * Asking vpclab's network engine (admin JSON API: `POST /_vpclab/ping`, `/connect`, `/analyze`) whether
 * traffic really flows, for `vpclab peer`'s last step and for `vpclab demo`.
 *
 * Only vpclab has an engine; against real AWS the caller says "verification unavailable". When the
 * server answers the admin API but has no engine route (an older build: 404 NotFound), the same is said
 * plainly rather than pretending the check passed.
 *
 * The answer shapes are the engine's (src/engine/simulate.ts, analyze.ts); they are imported as types
 * only: the CLI talks to the server over HTTP and never loads the engine.
 */
import type { Analysis, ConnectResult, Explanation, PingResult } from "../engine/index.js";
import { AdminApiError, adminCall, type Target } from "./common.js";
import { fixLines } from "./net-format.js";
import type { AllowRule } from "./peer.js";

/** One end of a check: an instance, with what the engine needs to find it without ambiguity. */
export interface Endpoint {
  /** instance id, or an address for the Internet */
  id: string;
  ip: string;
  label: string;
  account?: string;
  region?: string;
}

export interface VerifyResult {
  check: string;
  ok: boolean;
  /** false for an informational check (ping when ICMP was not asked for) */
  expected: boolean;
  summary: string;
  engine: unknown;
}

export type { Analysis, ConnectResult, Explanation, PingResult };

/** `CODE on <component>: reason (fix: …)`, one per blocker, on the packet's path first. */
export function explain(list: Explanation[] | undefined, withFix = false): string[] {
  const sorted = [...(list ?? [])].sort((a, b) => Number(b.onPath) - Number(a.onPath));
  return sorted.map((e) => `${e.code} at ${e.component.id}: ${e.reason}${withFix && e.fix ? `\n  Fix: ${e.fix}${fixLines(e).map((l) => `\n    $ ${l}`).join("")}` : ""}`);
}

function ends(from: Endpoint, to: Endpoint) {
  return {
    from: from.id,
    to: to.id,
    ...(from.account ? { account: from.account } : {}),
    ...(from.region ? { region: from.region } : {}),
    ...(to.account ? { toAccount: to.account } : {}),
    ...(to.region ? { toRegion: to.region } : {}),
  };
}

/** Calls an engine route; undefined when this server has no engine. */
export async function engineCall<T>(target: Target, route: "ping" | "connect" | "trace" | "analyze", body: unknown): Promise<T | undefined> {
  try {
    return await adminCall<T>(target, "POST", `/${route}`, body);
  } catch (err) {
    if (err instanceof AdminApiError && err.status === 404 && err.code === "NotFound") return undefined;
    throw err;
  }
}

export function ping(target: Target, from: Endpoint, to: Endpoint, count = 4): Promise<PingResult | undefined> {
  return engineCall<PingResult>(target, "ping", { ...ends(from, to), count, intervalMs: 1000 });
}

export function connect(target: Target, from: Endpoint, to: Endpoint, protocol: "tcp" | "udp", port: number): Promise<ConnectResult | undefined> {
  return engineCall<ConnectResult>(target, "connect", { ...ends(from, to), protocol, port });
}

export function analyze(target: Target, from: Endpoint, to: Endpoint, protocol: "icmp" | "tcp" | "udp" = "icmp", port?: number): Promise<Analysis | undefined> {
  return engineCall<Analysis>(target, "analyze", { ...ends(from, to), protocol, ...(port !== undefined ? { port } : {}), explain: true });
}

export function pingOk(p: PingResult): boolean {
  return p.verdict === "reachable" && p.stats.received > 0;
}

export function pingSummary(from: Endpoint, to: Endpoint, p: PingResult): string {
  const head = `ping ${from.label} (${from.ip}) → ${to.label} (${to.ip})`;
  if (!pingOk(p)) return `${head}: no reply — ${explain(p.explanations).join("; ") || p.verdict}`;
  const s = p.stats;
  return `${head}: ${s.received}/${s.transmitted} replies, ${s.lossPercent}% loss, rtt min/avg/max ${s.min.toFixed(1)}/${s.avg.toFixed(1)}/${s.max.toFixed(1)} ms`;
}

export function connectSummary(from: Endpoint, to: Endpoint, c: ConnectResult): string {
  const head = `${c.protocol}:${c.port} ${from.label} → ${to.label} (${to.ip})`;
  if (c.result === "connected") return `${head}: connected; the receiver sees source ${c.sourceAddressSeenByReceiver ?? "?"}`;
  return `${head}: ${c.result} — ${explain(c.explanations).join("; ") || c.detail}`;
}

/** After `peer`: ping both ways, and connect to each asked-for TCP port both ways. */
export async function verifyPair(
  target: Target,
  a: Endpoint,
  b: Endpoint,
  allow: AllowRule[],
): Promise<{ results: VerifyResult[] } | { unavailable: string }> {
  const results: VerifyResult[] = [];
  const icmpAsked = allow.some((r) => r.protocol === "icmp" || r.protocol === "-1");
  for (const [x, y] of [[a, b], [b, a]] as const) {
    const p = await ping(target, x, y);
    if (!p) return { unavailable: "verification unavailable: this vpclab server has no network engine (admin route /_vpclab/ping not found)" };
    results.push({ check: `ping ${x.label}→${y.label}`, ok: pingOk(p), expected: icmpAsked, summary: pingSummary(x, y, p), engine: p });
  }
  for (const r of allow.filter((r) => r.protocol === "tcp" || r.protocol === "udp")) {
    for (const [x, y] of [[a, b], [b, a]] as const) {
      const c = await connect(target, x, y, r.protocol as "tcp" | "udp", r.from);
      if (!c) return { unavailable: "verification unavailable: this vpclab server has no /_vpclab/connect route" };
      results.push({ check: `${r.protocol}:${r.from} ${x.label}→${y.label}`, ok: c.result === "connected", expected: true, summary: connectSummary(x, y, c), engine: c });
    }
  }
  return { results };
}
