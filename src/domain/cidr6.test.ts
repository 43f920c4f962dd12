// Unit and property tests of the IPv6 CIDR math, against a naive oracle that works on 128-character
// bit strings (and, for the text forms, on the eight 16-bit groups).
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  addIp6,
  compareIp6,
  containsCidr6,
  containsIp6,
  formatCidr6,
  formatIp6,
  groupsOfIp6,
  lastOf6,
  overlaps6,
  parseCidr6,
  parseIp6,
  subnet6,
  type Ip6,
} from "./cidr6.js";

/** The oracle's address: eight 16-bit groups; its bit string; its value from bits. */
const bitsOfGroups = (g: number[]) => g.map((x) => x.toString(2).padStart(16, "0")).join("");
const bits = (ip: Ip6) => bitsOfGroups(groupsOfIp6(ip));
const ipOfBits = (b: string): Ip6 => [0, 1, 2, 3].map((w) => parseInt(b.slice(w * 32, w * 32 + 32), 2)) as unknown as Ip6;

// Zero groups are common in real addresses and are where `::` lives: bias towards them.
const groupArb = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 1, max: 15 }));
const groupsArb = fc.array(groupArb, { minLength: 8, maxLength: 8 });
const ipArb = groupsArb.map((g) => ipOfBits(bitsOfGroups(g)));
const cidrArb = fc
  .record({ ip: ipArb, prefix: fc.oneof(fc.integer({ min: 0, max: 128 }), fc.constantFrom(0, 32, 48, 56, 64, 96, 127, 128)) })
  .map(({ ip, prefix }) => parseCidr6(`${formatIp6(ip)}/${prefix}`)!);

/** RFC 5952 by brute force: every run of two or more zero groups; the longest, then the first. */
function oracleFormat(g: number[]): string {
  let best: [number, number] | undefined;
  for (let start = 0; start < 8; start++) {
    for (let len = 2; start + len <= 8; len++) {
      if (!g.slice(start, start + len).every((x) => x === 0)) break;
      if (!best || len > best[1]) best = [start, len];
    }
  }
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(":");
  return best ? `${hex(g.slice(0, best[0]))}::${hex(g.slice(best[0] + best[1]))}` : hex(g);
}

/** Every text form RFC 4291 allows for the groups: leading zeros, either case, `::` over any zero run. */
const textFormArb = groupsArb.chain((g) =>
  fc
    .record({
      pad: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 8, maxLength: 8 }),
      upper: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
      start: fc.integer({ min: 0, max: 7 }),
      len: fc.integer({ min: 0, max: 8 }),
      dotted: fc.boolean(),
    })
    .map(({ pad, upper, start, len, dotted }) => {
      let parts = g.map((x, i) => {
        const h = x.toString(16);
        const t = h.padStart(Math.min(4, h.length + pad[i]!), "0");
        return upper[i] ? t.toUpperCase() : t;
      });
      if (dotted) parts = [...parts.slice(0, 6), `${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`];
      // Compress [start, start+n) when those groups are all zero (n ≥ 1), within the hex groups.
      let n = 0;
      const limit = dotted ? 6 : 8;
      while (n < len && start + n < limit && g[start + n] === 0) n++;
      if (n === 0) return { g, text: parts.join(":") };
      return { g, text: `${parts.slice(0, start).join(":")}::${parts.slice(start + n).join(":")}` };
    }),
);

test("parseIp6 reads every RFC 4291 text form of an address", () => {
  fc.assert(
    fc.property(textFormArb, ({ g, text }) => {
      const ip = parseIp6(text);
      assert.ok(ip, text);
      assert.equal(bits(ip), bitsOfGroups(g), text);
    }),
    { numRuns: 2000 },
  );
});

test("formatIp6 writes RFC 5952's canonical text, and it reads back", () => {
  fc.assert(
    fc.property(groupsArb, (g) => {
      const ip = ipOfBits(bitsOfGroups(g));
      const text = formatIp6(ip);
      assert.equal(text, oracleFormat(g));
      assert.ok(/^[0-9a-f:]+$/.test(text) && !/(^|:)0[0-9a-f]/.test(text), text);
      assert.equal(bits(parseIp6(text)!), bitsOfGroups(g));
    }),
    { numRuns: 2000 },
  );
  assert.equal(formatIp6(parseIp6("2001:0db8:0000:0000:0001:0000:0000:0001")!), "2001:db8::1:0:0:1");
  assert.equal(formatIp6(parseIp6("2001:db8:0:1:1:1:1:1")!), "2001:db8:0:1:1:1:1:1");
  assert.equal(formatIp6(parseIp6("::")!), "::");
  assert.equal(formatIp6(parseIp6("0:0:0:0:0:0:0:1")!), "::1");
  assert.equal(formatIp6(parseIp6("2001:DB8::A")!), "2001:db8::a");
  assert.equal(formatIp6(parseIp6("64:ff9b::192.0.2.33")!), "64:ff9b::c000:221");
});

test("parseIp6 refuses malformed addresses", () => {
  for (const bad of [
    "", ":", ":::", "1::2::3", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "12345::", "g::", "1:::2", ":1::", "1::2:",
    "::1.2.3", "::1.2.3.256", "1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "fe80::1%eth0", " ::1", "::1 ", "1:2:3:4:5:6:7:8::",
    "::1:2:3:4:5:6:7:8", "1.2.3.4::", ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:",
  ]) {
    assert.equal(parseIp6(bad), undefined, bad);
  }
  assert.ok(parseIp6("1:2:3:4:5:6::8"));
  assert.ok(parseIp6("::2:3:4:5:6:7:8"));
  assert.ok(parseIp6("::ffff:1.2.3.4"));
});

test("parseCidr6 clears host bits, says so, and bounds the prefix", () => {
  const c = parseCidr6("2600:1f14:abc:de01::1/56")!;
  assert.equal(formatCidr6(c), "2600:1f14:abc:de00::/56");
  assert.equal(c.hadHostBits, true);
  assert.equal(parseCidr6("2600:1f14:abc:de00::/56")!.hadHostBits, false);
  for (const bad of ["2001:db8::", "2001:db8::/129", "2001:db8::/-1", "2001:db8::/056", "/56", "2001:db8::/5a", "10.0.0.0/8"]) {
    assert.equal(parseCidr6(bad), undefined, bad);
  }
});

test("containsIp6 agrees with the bit-string oracle", () => {
  fc.assert(
    fc.property(cidrArb, ipArb, fc.nat(), (c, ip, k) => {
      // Also probe an address made to share the block's prefix (a random one rarely does).
      const b = bits(c.base).slice(0, c.prefix) + bits(ip).slice(c.prefix);
      const inside = ipOfBits(b);
      return (
        containsIp6(c, ip) === (bits(c.base).slice(0, c.prefix) === bits(ip).slice(0, c.prefix)) &&
        containsIp6(c, inside) &&
        (c.prefix === 0 || containsIp6(c, ipOfBits(b.slice(0, (k % c.prefix)) + (b[k % c.prefix] === "0" ? "1" : "0") + b.slice((k % c.prefix) + 1))) === false)
      );
    }),
    { numRuns: 1000 },
  );
});

test("containsCidr6 and overlaps6 agree with the oracle", () => {
  // Nested pairs are the interesting case: derive b from a often.
  const pairArb = fc.oneof(
    fc.tuple(cidrArb, cidrArb),
    fc.tuple(cidrArb, ipArb, fc.integer({ min: 0, max: 128 })).map(([a, ip, p]) => {
      const b = bits(a.base).slice(0, a.prefix) + bits(ip).slice(a.prefix);
      return [a, parseCidr6(`${formatIp6(ipOfBits(b))}/${p}`)!] as const;
    }),
  );
  fc.assert(
    fc.property(pairArb, ([a, b]) => {
      const ba = bits(a.base);
      const bb = bits(b.base);
      const inner = b.prefix >= a.prefix && ba.slice(0, a.prefix) === bb.slice(0, a.prefix);
      const shorter = Math.min(a.prefix, b.prefix);
      const overlap = ba.slice(0, shorter) === bb.slice(0, shorter);
      return containsCidr6(a, b) === inner && overlaps6(a, b) === overlap && overlaps6(b, a) === overlap;
    }),
    { numRuns: 1000 },
  );
});

test("subnet6 cuts the index-th block exactly where the bit-string oracle does (a /56 into /64s and more)", () => {
  const parentArb = fc.record({ c: cidrArb, extra: fc.integer({ min: 0, max: 52 }) }).filter(({ c, extra }) => c.prefix + extra <= 128);
  fc.assert(
    fc.property(parentArb, fc.double({ min: 0, max: 1, noNaN: true }), ({ c, extra }, f) => {
      const index = Math.min(2 ** extra - 1, Math.floor(f * 2 ** extra));
      const child = subnet6(c, c.prefix + extra, index)!;
      const expected = bits(c.base).slice(0, c.prefix) + (extra === 0 ? "" : index.toString(2).padStart(extra, "0")) + "0".repeat(128 - c.prefix - extra);
      return bits(child.base) === expected && child.prefix === c.prefix + extra && containsCidr6(c, child);
    }),
    { numRuns: 2000 },
  );
  const vpc = parseCidr6("2600:1f14:abc:de00::/56")!;
  assert.equal(formatCidr6(subnet6(vpc, 64, 0)!), "2600:1f14:abc:de00::/64");
  assert.equal(formatCidr6(subnet6(vpc, 64, 1)!), "2600:1f14:abc:de01::/64");
  assert.equal(formatCidr6(subnet6(vpc, 64, 255)!), "2600:1f14:abc:deff::/64");
  assert.equal(subnet6(vpc, 64, 256), undefined);
  assert.equal(subnet6(vpc, 48, 0), undefined);
  // The 256 /64s of a /56 are distinct, disjoint and tile it.
  const kids = Array.from({ length: 256 }, (_, i) => subnet6(vpc, 64, i)!);
  for (let i = 1; i < 256; i++) assert.ok(!overlaps6(kids[i - 1]!, kids[i]!) && compareIp6(kids[i - 1]!.base, kids[i]!.base) < 0);
  assert.deepEqual(addIp6(lastOf6(kids[255]!), 1), addIp6(lastOf6(vpc), 1));
});

test("lastOf6 and addIp6 bound the block exactly", () => {
  fc.assert(
    fc.property(cidrArb, (c) => {
      const last = lastOf6(c);
      const expected = bits(c.base).slice(0, c.prefix) + "1".repeat(128 - c.prefix);
      const after = addIp6(last, 1);
      return bits(last) === expected && containsIp6(c, last) && (c.prefix === 0 || !containsIp6(c, after));
    }),
  );
  assert.equal(formatIp6(addIp6(parseIp6("::ffff:ffff")!, 1)), "::1:0:0");
  assert.equal(formatIp6(addIp6(parseIp6("2001:db8::")!, 2 ** 40 + 5)), "2001:db8::100:0:5");
});
