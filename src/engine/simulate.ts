/**
 * What the tools on an instance would see: `ping` (Linux iputils output: replies with seq, ttl and
 * time; the summary with loss and min/avg/max/mdev), `connect` (a TCP or UDP connection attempt) and
 * `trace` (traceroute's hops), all computed from one analysis of the packet; no packet is sent.
 *
 * References: iputils ping(8) (payload 56 bytes by default, +8 ICMP +20 IP = 84-byte packets; `-M do`
 * sets DF; "Frag needed and DF set (mtu = N)" from the hop that cannot forward; "local error: message
 * too long, mtu=N" when the packet exceeds the sender's own interface MTU; mdev is the population
 * standard deviation); traceroute(8). AWS: the VPC router does not answer traceroute probes, so a
 * trace inside AWS shows only appliances and the destination.
 *
 * Fidelity notes:
 * - Blocked traffic is dropped silently, as AWS does: ping loses every packet, connect times out.
 * - "refused" models a closed port: vpclab does not run processes, so every running instance listens
 *   on every port unless it carries a `vpclab:listen` tag (e.g. `22,80,8000-8100`, or `none`); a port
 *   outside the list answers with a TCP RST (or ICMP port unreachable for UDP) = refused.
 * - Reply TTL: 64 minus the appliances on the reply path for an instance (Linux's initial TTL); 52
 *   when the Internet is on the path (a dozen routers away), either as the destination or as the sender.
 * - Ping does not sleep: `timeMs` reports the time the pings would take at `intervalMs`; the CLI paces.
 */
import { invalidParameterValue } from "../domain/errors.js";
import { pingStats, sampleRtt } from "./latency.js";
import type { Analysis, Explanation, Hop } from "./analyze.js";

export interface PingOptions {
  count?: number;
  /** ICMP payload bytes (ping -s), default 56. */
  size?: number;
  intervalMs?: number;
  /** Don't fragment (ping -M do). */
  df?: boolean;
}

export interface PingReply {
  seq: number;
  bytes: number;
  ttl: number;
  rttMs: number;
  from: string;
}

export interface PingError {
  seq: number;
  from: string;
  error: string;
}

export interface PingResult {
  source: string;
  destination: string;
  verdict: Analysis["verdict"];
  payloadBytes: number;
  packetBytes: number;
  replies: PingReply[];
  errors: PingError[];
  stats: {
    transmitted: number;
    received: number;
    errors: number;
    lossPercent: number;
    timeMs: number;
    min: number;
    avg: number;
    max: number;
    mdev: number;
  };
  pathMtu: number;
  sourceAddressSeenByReceiver?: string;
  explanations: Explanation[];
}

const ROUND = (x: number) => Math.round(x * 1000) / 1000;

export function normalizePing(o: PingOptions): Required<PingOptions> {
  const int = (v: unknown, name: string, lo: number, hi: number, d: number) => {
    if (v === undefined || v === null) return d;
    if (typeof v !== "number" || !Number.isFinite(v) || v < lo || v > hi || (name !== "intervalMs" && !Number.isInteger(v))) {
      throw invalidParameterValue(`Value (${String(v)}) for parameter ${name} is invalid. It must be a number from ${lo} to ${hi}`);
    }
    return v;
  };
  if (o.df !== undefined && typeof o.df !== "boolean") throw invalidParameterValue("df must be true or false");
  return {
    count: int(o.count, "count", 1, 100_000, 4),
    size: int(o.size, "size", 0, 65507, 56),
    intervalMs: int(o.intervalMs, "intervalMs", 0, 3_600_000, 1000),
    df: o.df ?? false,
  };
}

/** Ping replies and statistics for an analysis made with packet size `size + 28` and the DF flag. */
export function pingFrom(a: Analysis, o: Required<PingOptions>, rand: () => number): PingResult {
  const packetBytes = o.size + 28;
  const replies: PingReply[] = [];
  const errors: PingError[] = [];
  const to = a.destinationAddress;
  const internet = a.destination.kind === "internet" || a.source.kind === "internet";
  const appliancesBack = a.return.filter((h: Hop) => h.kind === "appliance").length;
  const ttl = internet ? 52 : 64 - appliancesBack;
  const localMtu = 9001;
  for (let seq = 1; seq <= o.count; seq++) {
    if (a.verdict !== "reachable") continue;
    if (o.df && packetBytes > localMtu) {
      errors.push({ seq, from: a.source.address, error: `local error: message too long, mtu=${localMtu}` });
      continue;
    }
    if (a.fragmentationNeeded || (o.df && packetBytes > a.pathMtu)) {
      errors.push({ seq, from: a.source.address, error: `Frag needed and DF set (mtu = ${a.pathMtu})` });
      continue;
    }
    replies.push({ seq, bytes: o.size + 8, ttl, rttMs: ROUND(sampleRtt(a.segments, rand)), from: to });
  }
  const s = pingStats(replies.map((r) => r.rttMs));
  const lastRtt = replies.length > 0 ? replies[replies.length - 1]!.rttMs : 0;
  return {
    source: a.source.address,
    destination: to,
    verdict: a.verdict,
    payloadBytes: o.size,
    packetBytes,
    replies,
    errors,
    stats: {
      transmitted: o.count,
      received: replies.length,
      errors: errors.length,
      lossPercent: ROUND(((o.count - replies.length) / o.count) * 100),
      timeMs: Math.round((o.count - 1) * o.intervalMs + lastRtt),
      min: ROUND(s.min),
      avg: ROUND(s.avg),
      max: ROUND(s.max),
      mdev: ROUND(s.mdev),
    },
    pathMtu: a.pathMtu,
    sourceAddressSeenByReceiver: a.sourceAddressSeenByReceiver,
    explanations: a.explanations,
  };
}

export interface ConnectResult {
  result: "connected" | "refused" | "timed-out";
  protocol: "tcp" | "udp";
  port: number;
  source: string;
  destination: string;
  /** The source address the receiving instance sees (private IP over local/peering routes, public IP over the Internet). */
  sourceAddressSeenByReceiver?: string;
  /** Handshake time (one round trip) when connected or refused. */
  rttMs?: number;
  detail: string;
  explanations: Explanation[];
}

/** Whether a `vpclab:listen` tag value lists the port (undefined tag = listening on every port). */
export function listensOn(tag: string | undefined, port: number): boolean {
  if (tag === undefined) return true;
  const v = tag.trim().toLowerCase();
  if (v === "none" || v === "") return false;
  if (v === "all" || v === "*") return true;
  for (const part of v.split(",")) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+))?\s*$/.exec(part);
    if (!m) continue;
    const lo = Number(m[1]);
    const hi = m[2] !== undefined ? Number(m[2]) : lo;
    if (port >= lo && port <= hi) return true;
  }
  return false;
}

export function connectFrom(a: Analysis, listenTag: string | undefined, rand: () => number): ConnectResult {
  const protocol = a.protocol === "udp" ? "udp" : "tcp";
  const port = a.port ?? 0;
  const base = { protocol, port, source: a.source.address, destination: a.destinationAddress, explanations: a.explanations } as const;
  if (a.verdict !== "reachable") {
    const first = a.explanations.find((e) => e.onPath);
    return { ...base, result: "timed-out", detail: first ? `dropped: ${first.code}: ${first.reason}` : "dropped" };
  }
  const rtt = ROUND(sampleRtt(a.segments, rand));
  if (a.destination.kind === "eni" && !listensOn(listenTag, port)) {
    return {
      ...base,
      result: "refused",
      rttMs: rtt,
      sourceAddressSeenByReceiver: a.sourceAddressSeenByReceiver,
      detail: `${a.destination.instanceId ?? a.destination.networkInterfaceId} is reachable but does not listen on ${protocol} ${port} (vpclab:listen tag)`,
    };
  }
  return {
    ...base,
    result: "connected",
    rttMs: rtt,
    sourceAddressSeenByReceiver: a.sourceAddressSeenByReceiver,
    detail: `connected to ${a.destinationAddress}:${port}; the receiver sees the connection from ${a.sourceAddressSeenByReceiver}`,
  };
}

export interface TraceHop {
  ttl: number;
  /** null when the probe got no answer (`* * *`). */
  address: string | null;
  id?: string;
  rttMs?: number;
}

export interface TraceResult {
  source: string;
  destination: string;
  reached: boolean;
  hops: TraceHop[];
  /** The full component path (forward and return), as analyze reports it. */
  components: Hop[];
  explanations: Explanation[];
}

export function traceFrom(a: Analysis, rand: () => number, maxHops = 30): TraceResult {
  const hops: TraceHop[] = [];
  let ttl = 1;
  const n = a.routerHops.length + 1;
  const total = a.verdict === "reachable" ? sampleRtt(a.segments, rand) : 0;
  for (const r of a.routerHops) {
    hops.push({ ttl, address: r.address, id: r.id, rttMs: a.verdict === "reachable" ? ROUND((total * ttl) / n) : undefined });
    ttl++;
  }
  if (a.verdict === "reachable") {
    hops.push({ ttl, address: a.destinationAddress, id: a.destination.instanceId ?? a.destination.networkInterfaceId, rttMs: ROUND(total) });
  } else {
    // Like traceroute against a silent drop: a few unanswered probes (not all 30, to stay readable).
    for (let i = 0; i < 3 && ttl <= maxHops; i++, ttl++) hops.push({ ttl, address: null });
  }
  return {
    source: a.source.address,
    destination: a.destinationAddress,
    reached: a.verdict === "reachable",
    hops,
    components: [...a.forward, ...a.return],
    explanations: a.explanations,
  };
}
