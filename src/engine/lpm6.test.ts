/** IPv6 longest-prefix match against a naive oracle: a linear scan comparing bit strings. */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { compileLpm6, lookupLpm6, type Lpm6Entry } from "./lpm6.js";
import { addIp6, applyMask6, groupsOfIp6, lastOf6, parseCidr6, parseIp6, type Ip6 } from "../domain/cidr6.js";

const bits = (ip: Ip6) => groupsOfIp6(ip).map((x) => x.toString(2).padStart(16, "0")).join("");

function naive(entries: Lpm6Entry[], ip: Ip6): number {
  const b = bits(ip);
  let best: Lpm6Entry | undefined;
  for (const e of entries) {
    if (bits(e.base).slice(0, e.prefix) !== b.slice(0, e.prefix)) continue;
    if (!best || e.prefix > best.prefix || (e.prefix === best.prefix && e.priority < best.priority)) best = e;
  }
  return best ? best.value : -1;
}

const word = fc.integer({ min: 0, max: 0xffffffff });
// Mostly inside one /48 so that blocks nest and overlap often; sometimes anywhere (and the extremes).
const ipArb: fc.Arbitrary<Ip6> = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 0xff }), word, word).map(([x, c, d]) => [0x2600_1f14, (0x0abc_0000 | (x << 8)) >>> 0, (c & 0xffff0003) >>> 0, d & 0xf] as Ip6),
  fc.tuple(word, word, word, word).map((t) => t as Ip6),
  fc.constantFrom<Ip6>([0, 0, 0, 0], [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]),
);
const entryArb = fc.record({
  base: ipArb,
  prefix: fc.oneof(fc.integer({ min: 40, max: 72 }), fc.constantFrom(0, 56, 64, 96, 128), fc.integer({ min: 0, max: 128 })),
  priority: fc.integer({ min: 0, max: 2 }),
});

test("LPM6: compiled intervals agree with a linear longest-prefix scan (random tables and addresses)", () => {
  fc.assert(
    fc.property(fc.array(entryArb, { maxLength: 30 }), fc.array(ipArb, { minLength: 1, maxLength: 20 }), (raw, ips) => {
      const entries = raw.map((r, i) => ({ base: applyMask6(r.base, r.prefix), prefix: r.prefix, priority: r.priority, value: i }));
      const t = compileLpm6(entries);
      const probes = [...ips];
      const ones: Ip6 = [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff];
      for (const e of entries) {
        const last = lastOf6(e);
        probes.push(e.base, last, addIp6(last, 1));
        // base - 1: add 2^128 - 1 word-wise (wraps), i.e. the address just below the block.
        const below = [0, 1, 2, 3].map((w) => e.base[w]!) as number[];
        for (let w = 3; w >= 0; w--) {
          if (below[w]! > 0) { below[w] = below[w]! - 1; break; }
          below[w] = 0xffffffff;
        }
        probes.push(below as unknown as Ip6, ones);
      }
      for (const ip of probes) assert.equal(lookupLpm6(t, ip), naive(entries, ip), `ip ${bits(ip)}`);
    }),
    { numRuns: 300 },
  );
});

test("LPM6: a dual-stack VPC route table (local /56, a /64 to an ENI, ::/0 to an IGW, 64:ff9b::/96 to NAT)", () => {
  const c = (t: string) => parseCidr6(t)!;
  const entries: Lpm6Entry[] = [
    { ...c("2600:1f14:abc:de00::/56"), priority: 0, value: 0 },
    { ...c("::/0"), priority: 1, value: 1 },
    { ...c("64:ff9b::/96"), priority: 1, value: 2 },
    { ...c("2600:1f14:abc:de05::/64"), priority: 1, value: 3 },
    // Same destination as the local route, static: the local one wins.
    { ...c("2600:1f14:abc:de00::/56"), priority: 1, value: 4 },
  ];
  const t = compileLpm6(entries);
  const ip = (s: string) => parseIp6(s)!;
  assert.equal(lookupLpm6(t, ip("2600:1f14:abc:de01::10")), 0);
  assert.equal(lookupLpm6(t, ip("2600:1f14:abc:de05::10")), 3);
  assert.equal(lookupLpm6(t, ip("64:ff9b::c000:221")), 2);
  assert.equal(lookupLpm6(t, ip("2a05:d018::1")), 1);
  assert.equal(lookupLpm6(compileLpm6([]), ip("::1")), -1);
  assert.equal(lookupLpm6(compileLpm6([{ ...c("2001:db8::/32"), priority: 1, value: 7 }]), ip("2001:db9::")), -1);
});
