/**
 * IPv6 longest-prefix match: the same compiled form as engine/lpm.ts (a route table painted into
 * sorted, disjoint address intervals, each carrying the most specific route; a lookup is one binary
 * search), for 128-bit addresses.
 *
 * Compilation works on BigInts: it runs once per table per world generation, and BigInt keeps the
 * interval arithmetic (`last + 1`, `base - 1` at the edges of the address space) obviously right.
 * Lookups work on the four 32-bit words of domain/cidr6.ts (`Ip6`), with the interval bounds stored
 * as four parallel Uint32Arrays: a comparison is at most four small-integer compares and allocates
 * nothing (BENCHMARKS.md, "IPv6 longest-prefix match", compares it with the IPv4 lookup).
 *
 * Reference: VPC User Guide "Route priority" (most specific route first; for identical destinations
 * local, then static, then propagated routes), which applies to IPv6 routes the same way.
 *
 * Fidelity notes: the engine's walk (engine/analyze.ts) does not use this table yet: IPv6 paths are
 * not analysed (README, "IPv6").
 */
import type { Ip6 } from "../domain/cidr6.js";

export interface Lpm6Entry {
  base: Ip6;
  prefix: number;
  /** Lower is preferred when two entries have the same destination (AWS's tie-break by origin). */
  priority: number;
  /** Caller's payload (route index). */
  value: number;
}

export interface Lpm6Table {
  /** The top 53 bits of each interval start as one exact float (w0 · 2^21 + w1 >>> 11): most
   * comparisons of the binary search are decided by this one compare, as in the IPv4 table. */
  k: Float64Array;
  /** Interval starts and ends, one word per array (w0 most significant). */
  s0: Uint32Array;
  s1: Uint32Array;
  s2: Uint32Array;
  s3: Uint32Array;
  e0: Uint32Array;
  e1: Uint32Array;
  e2: Uint32Array;
  e3: Uint32Array;
  values: Int32Array;
}

const MAX = (1n << 128n) - 1n;

function big(ip: Ip6): bigint {
  return (BigInt(ip[0]) << 96n) | (BigInt(ip[1]) << 64n) | (BigInt(ip[2]) << 32n) | BigInt(ip[3]);
}

function lastBig(base: bigint, prefix: number): bigint {
  return base | ((1n << BigInt(128 - prefix)) - 1n);
}

/** Compiles entries into disjoint intervals, each carrying the value of the most specific entry. */
export function compileLpm6(input: readonly Lpm6Entry[]): Lpm6Table {
  const entries = input
    .map((e) => ({ base: big(e.base), prefix: e.prefix, priority: e.priority, value: e.value }))
    .sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : a.prefix - b.prefix || a.priority - b.priority));
  const uniq: typeof entries = [];
  for (const e of entries) {
    const prev = uniq[uniq.length - 1];
    if (prev && prev.base === e.base && prev.prefix === e.prefix) continue;
    uniq.push(e);
  }
  const starts: bigint[] = [];
  const ends: bigint[] = [];
  const values: number[] = [];
  const emit = (from: bigint, to: bigint, value: number) => {
    if (from > to) return;
    const n = values.length;
    if (n > 0 && values[n - 1] === value && ends[n - 1]! + 1n === from) {
      ends[n - 1] = to;
      return;
    }
    starts.push(from);
    ends.push(to);
    values.push(value);
  };
  type E = (typeof uniq)[number];
  const stack: E[] = [];
  const last = (e: E) => lastBig(e.base, e.prefix);
  // `cur` may reach 2^128 (past the end of the address space); emit() then has nothing left to paint.
  let cur = 0n;
  for (const e of uniq) {
    while (stack.length > 0 && last(stack[stack.length - 1]!) < e.base) {
      const top = stack.pop()!;
      emit(cur, last(top), top.value);
      cur = last(top) + 1n;
    }
    const top = stack[stack.length - 1];
    if (top && cur < e.base) emit(cur, e.base - 1n, top.value);
    cur = e.base;
    stack.push(e);
  }
  while (stack.length > 0) {
    const top = stack.pop()!;
    emit(cur, last(top), top.value);
    cur = last(top) + 1n;
  }
  const n = values.length;
  const t: Lpm6Table = {
    k: new Float64Array(n),
    s0: new Uint32Array(n), s1: new Uint32Array(n), s2: new Uint32Array(n), s3: new Uint32Array(n),
    e0: new Uint32Array(n), e1: new Uint32Array(n), e2: new Uint32Array(n), e3: new Uint32Array(n),
    values: Int32Array.from(values),
  };
  const words = (x: bigint, a: Uint32Array, b: Uint32Array, c: Uint32Array, d: Uint32Array, i: number) => {
    a[i] = Number((x >> 96n) & 0xffffffffn);
    b[i] = Number((x >> 64n) & 0xffffffffn);
    c[i] = Number((x >> 32n) & 0xffffffffn);
    d[i] = Number(x & 0xffffffffn);
  };
  for (let i = 0; i < n; i++) {
    words(starts[i]!, t.s0, t.s1, t.s2, t.s3, i);
    words(ends[i]! > MAX ? MAX : ends[i]!, t.e0, t.e1, t.e2, t.e3, i);
    t.k[i] = key(t.s0[i]!, t.s1[i]!);
  }
  return t;
}

function key(w0: number, w1: number): number {
  return w0 * 2097152 + (w1 >>> 11);
}

/** The value of the most specific entry covering `ip`, or -1. */
export function lookupLpm6(t: Lpm6Table, ip: Ip6): number {
  const a = ip[0];
  const b = ip[1];
  const c = ip[2];
  const d = ip[3];
  const { k, s1, s2, s3 } = t;
  const kip = key(a, b);
  let lo = 0;
  let hi = k.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const km = k[mid]!;
    // start <= ip: the top 53 bits first, then word by word.
    let le: boolean;
    if (km !== kip) le = km < kip;
    else if (s1[mid] !== b) le = s1[mid]! < b;
    else if (s2[mid] !== c) le = s2[mid]! < c;
    else le = s3[mid]! <= d;
    if (le) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0) return -1;
  // ip <= end?
  const e0 = t.e0[found]!;
  let inside: boolean;
  if (e0 !== a) inside = a < e0;
  else if (t.e1[found] !== b) inside = b < t.e1[found]!;
  else if (t.e2[found] !== c) inside = c < t.e2[found]!;
  else inside = d <= t.e3[found]!;
  return inside ? t.values[found]! : -1;
}
