/**
 * Longest-prefix match over a route table compiled to sorted, disjoint address intervals.
 *
 * CIDR blocks are laminar (two blocks are either nested or disjoint), so one sweep over the routes
 * sorted by (base ascending, prefix ascending) with a stack of open blocks paints every address with
 * the most specific route covering it. A lookup is then one binary search over interval starts.
 *
 * Reference: VPC User Guide "How route priority works": the most specific route wins; for identical
 * destinations, AWS prefers local routes, then static routes, then prefix-list routes, then propagated
 * routes.
 *
 * Fidelity notes: IPv4 only. A prefix-list route enters as one entry per CIDR block of the list
 * (engine/model.ts `routeDestinations`); two prefix-list routes with the same block: the earlier route
 * of the table wins (AWS documents no order between them).
 */

export interface LpmEntry {
  base: number;
  prefix: number;
  /** Lower is preferred when two entries have the same destination (AWS's tie-break by origin). */
  priority: number;
  /** Caller's payload (route index). */
  value: number;
}

export interface LpmTable {
  starts: Float64Array;
  ends: Float64Array;
  values: Int32Array;
}

const EMPTY: LpmTable = { starts: new Float64Array(0), ends: new Float64Array(0), values: new Int32Array(0) };

function lastOf(e: LpmEntry): number {
  return e.base + 2 ** (32 - e.prefix) - 1;
}

/** Compiles entries into disjoint intervals, each carrying the value of the most specific entry. */
export function compileLpm(input: readonly LpmEntry[]): LpmTable {
  if (input.length === 0) return EMPTY;
  const entries = input
    .slice()
    .sort((a, b) => a.base - b.base || a.prefix - b.prefix || a.priority - b.priority);
  // Identical destinations: keep only the preferred one (sorted first).
  const uniq: LpmEntry[] = [];
  for (const e of entries) {
    const prev = uniq[uniq.length - 1];
    if (prev && prev.base === e.base && prev.prefix === e.prefix) continue;
    uniq.push(e);
  }
  const starts: number[] = [];
  const ends: number[] = [];
  const values: number[] = [];
  const emit = (from: number, to: number, value: number) => {
    if (from > to) return;
    const n = values.length;
    // Merge with the previous interval when contiguous and same route (keeps tables small).
    if (n > 0 && values[n - 1] === value && ends[n - 1]! + 1 === from) {
      ends[n - 1] = to;
      return;
    }
    starts.push(from);
    ends.push(to);
    values.push(value);
  };
  const stack: LpmEntry[] = [];
  let cur = 0;
  for (const e of uniq) {
    while (stack.length > 0 && lastOf(stack[stack.length - 1]!) < e.base) {
      const top = stack.pop()!;
      emit(cur, lastOf(top), top.value);
      cur = lastOf(top) + 1;
    }
    const top = stack[stack.length - 1];
    if (top && cur < e.base) emit(cur, e.base - 1, top.value);
    cur = e.base;
    stack.push(e);
  }
  while (stack.length > 0) {
    const top = stack.pop()!;
    emit(cur, lastOf(top), top.value);
    cur = lastOf(top) + 1;
  }
  return { starts: Float64Array.from(starts), ends: Float64Array.from(ends), values: Int32Array.from(values) };
}

/** The value of the most specific entry covering `ip`, or -1. */
export function lookupLpm(t: LpmTable, ip: number): number {
  const s = t.starts;
  let lo = 0;
  let hi = s.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (s[mid]! <= ip) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0 || t.ends[found]! < ip) return -1;
  return t.values[found]!;
}

/** AWS's preference among routes with the same destination: local, static, prefix list, propagated. */
export function originPriority(origin: string, isLocal: boolean, isPrefixList = false): number {
  if (isLocal) return 0;
  if (origin === "EnableVgwRoutePropagation") return 3;
  return isPrefixList ? 2 : 1;
}
