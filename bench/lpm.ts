/**
 * Longest-prefix match: IPv6 (engine/lpm6.ts) against IPv4 (engine/lpm.ts) in one harness, on tables
 * of the same shape. Each table has N routes: a local block (IPv4 /16, IPv6 /56), a default route,
 * and N - 2 more specific routes inside and outside the local block (IPv4 /24–/28 inside 10.0.0.0/8;
 * IPv6 /64 inside 2600:1f00::/24 and a few /96 and /128). The probe addresses are drawn the same way
 * (half inside a route, half anywhere). Reports ns per lookup (median of 7 interleaved rounds) and
 * the IPv6/IPv4 ratio, against issue 15's target (IPv6 within 2× of IPv4).
 *
 * Build and run: `npm run build && node dist/bench/lpm.js`. Not a timed test: prints its figures.
 */
import { performance } from "node:perf_hooks";
import { compileLpm, lookupLpm, type LpmEntry } from "../src/engine/lpm.js";
import { compileLpm6, lookupLpm6, type Lpm6Entry } from "../src/engine/lpm6.js";
import { applyMask6, type Ip6 } from "../src/domain/cidr6.js";
import { maskOf } from "../src/domain/cidr.js";
import { mulberry32 } from "../src/engine/latency.js";

const PROBES = 100_000;
const ROUNDS = 7;

function tables(n: number, seed: number) {
  const rnd = mulberry32(seed);
  const u32 = () => Math.floor(rnd() * 0x100000000) >>> 0;
  const v4: LpmEntry[] = [
    { base: 0x0a000000, prefix: 16, priority: 0, value: 0 },
    { base: 0, prefix: 0, priority: 1, value: 1 },
  ];
  const v6: Lpm6Entry[] = [
    { base: [0x26001f00, 0x0abcde00, 0, 0], prefix: 56, priority: 0, value: 0 },
    { base: [0, 0, 0, 0], prefix: 0, priority: 1, value: 1 },
  ];
  for (let i = 2; i < n; i++) {
    const p4 = 24 + Math.floor(rnd() * 5);
    v4.push({ base: ((0x0a000000 | (u32() & 0x00ffffff)) & maskOf(p4)) >>> 0, prefix: p4, priority: 1, value: i });
    const p6 = rnd() < 0.8 ? 64 : rnd() < 0.5 ? 96 : 128;
    const ip: Ip6 = [(0x26001f00 | (u32() & 0xff)) >>> 0, u32(), u32(), u32()];
    v6.push({ base: applyMask6(ip, p6), prefix: p6, priority: 1, value: i });
  }
  const p4: number[] = [];
  const p6: Ip6[] = [];
  for (let i = 0; i < PROBES; i++) {
    if (rnd() < 0.5) {
      const e = v4[Math.floor(rnd() * v4.length)]!;
      p4.push((e.base + Math.floor(rnd() * 2 ** (32 - e.prefix))) >>> 0);
      const f = v6[Math.floor(rnd() * v6.length)]!;
      p6.push([f.base[0], f.base[1], f.prefix >= 96 ? f.base[2] : u32(), f.prefix >= 128 ? f.base[3] : u32()]);
    } else {
      p4.push(u32());
      p6.push([u32(), u32(), u32(), u32()]);
    }
  }
  return { t4: compileLpm(v4), t6: compileLpm6(v6), p4, p6 };
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

let sink = 0;
for (const n of [10, 100, 1000]) {
  const { t4, t6, p4, p6 } = tables(n, 42 + n);
  const r4: number[] = [];
  const r6: number[] = [];
  for (let round = 0; round < ROUNDS + 1; round++) {
    let t = performance.now();
    for (let i = 0; i < PROBES; i++) sink += lookupLpm(t4, p4[i]!);
    const d4 = performance.now() - t;
    t = performance.now();
    for (let i = 0; i < PROBES; i++) sink += lookupLpm6(t6, p6[i]!);
    const d6 = performance.now() - t;
    if (round > 0) {
      // Round 0 warms the JIT.
      r4.push((d4 * 1e6) / PROBES);
      r6.push((d6 * 1e6) / PROBES);
    }
  }
  const m4 = median(r4);
  const m6 = median(r6);
  console.log(
    `${String(n).padStart(5)} routes (${t4.values.length} / ${t6.values.length} intervals): IPv4 ${m4.toFixed(1)} ns, IPv6 ${m6.toFixed(1)} ns per lookup; ratio ${(m6 / m4).toFixed(2)} [target ≤ 2]`,
  );
}
if (sink === 0.5) console.log(sink);
