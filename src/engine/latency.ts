/**
 * Round-trip times and MTUs of the simulated network.
 *
 * - Same availability zone: 0.1–0.3 ms; same region, different zones: 0.5–1.5 ms (AWS publishes
 *   "single-digit milliseconds" between zones and sub-millisecond inside one; these ranges are the
 *   commonly measured figures).
 * - Different regions: the year-long p50 of `rtt-data.ts` for the pair, symmetrised
 *   ((a→b + b→a) / 2), e.g. Tokyo–Singapore 70.6 ms; overridable per pair.
 * - The Internet: a simulated outside world `internetRttMs` away (default 3 ms, a nearby anycast
 *   resolver such as 8.8.8.8), overridable. The same figure serves a sender on the Internet: one place
 *   "the Internet", equally near every region, so a ping out and a ping in agree. A real client's round
 *   trip depends on where it is (tens of ms across a continent); set `internetRttMs` to model one.
 * - Jitter: a seedable PRNG (mulberry32) draws each sample; ±1.5 % around an inter-region median,
 *   uniform inside the intra-region ranges.
 * - MTU (VPC User Guide "Network maximum transmission unit (MTU) for your EC2 instance"): 9001 inside
 *   a VPC and over same-region peering, 8500 over inter-region peering, 1500 through an internet gateway.
 *
 * Fidelity notes: the cross-region figures are backbone medians measured Lambda → DynamoDB endpoint,
 * not instance to instance; real instance pings add well under 1 ms to them.
 */
import { RTT_MS, RTT_REGIONS } from "./rtt-data.js";

export const MTU_VPC = 9001;
export const MTU_INTER_REGION_PEERING = 8500;
export const MTU_INTERNET = 1500;
/** Transit Gateway Guide, "Quotas" › MTU: 8500 bytes between VPC and peering attachments. */
export const MTU_TGW = 8500;
/** What one transit gateway adds to a round trip (vpclab's own figure: AWS publishes none). */
export const TGW_HOP_RTT_MS = 0.5;

export const SAME_AZ_RANGE: readonly [number, number] = [0.1, 0.3];
export const CROSS_AZ_RANGE: readonly [number, number] = [0.5, 1.5];
export const INTER_REGION_JITTER = 0.015;
export const DEFAULT_INTERNET_RTT_MS = 3;

const REGION_INDEX = new Map(RTT_REGIONS.map((r, i) => [r, i]));

/** The symmetrised median round trip between two regions, from the reference data; undefined if unknown. */
export function regionPairRtt(a: string, b: string): number | undefined {
  const i = REGION_INDEX.get(a);
  const j = REGION_INDEX.get(b);
  if (i === undefined || j === undefined) return undefined;
  return (RTT_MS[i]![j]! + RTT_MS[j]![i]!) / 2;
}

/** A small, fast, seedable PRNG (mulberry32); returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Place {
  region: string;
  /** Availability zone name; undefined for the Internet. */
  zone?: string;
}

export interface LatencyOptions {
  /** Per region pair overrides of the median RTT, keyed `"a|b"` (order does not matter). */
  rttOverrides?: Record<string, number>;
  internetRttMs?: number;
}

/** One segment's RTT model: a median and how a sample is drawn around it. */
export interface SegmentRtt {
  medianMs: number;
  /** Samples are uniform in [lo, hi]. */
  lo: number;
  hi: number;
}

export class LatencyModel {
  private readonly overrides = new Map<string, number>();
  private readonly internetRtt: number;

  constructor(options: LatencyOptions = {}) {
    for (const [key, ms] of Object.entries(options.rttOverrides ?? {})) {
      const [a, b] = key.split("|");
      if (a && b && Number.isFinite(ms) && ms >= 0) this.setOverride(a, b, ms);
    }
    this.internetRtt = options.internetRttMs ?? DEFAULT_INTERNET_RTT_MS;
  }

  setOverride(a: string, b: string, ms: number): void {
    this.overrides.set(a < b ? `${a}|${b}` : `${b}|${a}`, ms);
  }

  /** The RTT model between two places (`to` undefined = the Internet, from `from`'s region). */
  segment(from: Place, to: Place | undefined): SegmentRtt {
    if (!to) {
      const m = this.internetRtt;
      return { medianMs: m, lo: m * (1 - INTER_REGION_JITTER * 2), hi: m * (1 + INTER_REGION_JITTER * 2) };
    }
    if (from.region === to.region) {
      const [lo, hi] = from.zone !== undefined && from.zone === to.zone ? SAME_AZ_RANGE : CROSS_AZ_RANGE;
      return { medianMs: (lo + hi) / 2, lo, hi };
    }
    const key = from.region < to.region ? `${from.region}|${to.region}` : `${to.region}|${from.region}`;
    // Unknown regions (none today: the data covers all 32) fall back to a conservative 150 ms.
    const m = this.overrides.get(key) ?? regionPairRtt(from.region, to.region) ?? 150;
    return { medianMs: m, lo: m * (1 - INTER_REGION_JITTER), hi: m * (1 + INTER_REGION_JITTER) };
  }
}

/** Draws one sample of a path's RTT: the sum of its segments' samples. */
export function sampleRtt(segments: readonly SegmentRtt[], rand: () => number): number {
  let t = 0;
  for (const s of segments) t += s.lo + (s.hi - s.lo) * rand();
  return t;
}

export function medianRtt(segments: readonly SegmentRtt[]): number {
  let t = 0;
  for (const s of segments) t += s.medianMs;
  return t;
}

/** Linux ping's summary: min/avg/max/mdev over the received replies (mdev = population std dev). */
export function pingStats(rtts: readonly number[]): { min: number; avg: number; max: number; mdev: number } {
  if (rtts.length === 0) return { min: 0, avg: 0, max: 0, mdev: 0 };
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sum2 = 0;
  for (const r of rtts) {
    if (r < min) min = r;
    if (r > max) max = r;
    sum += r;
    sum2 += r * r;
  }
  const avg = sum / rtts.length;
  const mdev = Math.sqrt(Math.max(0, sum2 / rtts.length - avg * avg));
  return { min, avg, max, mdev };
}
