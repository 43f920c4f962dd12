// Unit and property tests of the CIDR math, against a naive oracle that works on bit strings.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { containsCidr, containsIp, formatCidr, formatIp, lastOf, overlaps, parseCidr, parseIp, sizeOf } from "./cidr.js";

/** The oracle: an address as a 32-character bit string; a block as its prefix of that string. */
const bits = (ip: number) => ip.toString(2).padStart(32, "0");
const oracleContains = (base: number, prefix: number, ip: number) => bits(base).slice(0, prefix) === bits(ip).slice(0, prefix);

const ipArb = fc.integer({ min: 0, max: 0xffffffff });
const cidrArb = fc.record({ ip: ipArb, prefix: fc.integer({ min: 0, max: 32 }) }).map(({ ip, prefix }) => parseCidr(`${formatIp(ip)}/${prefix}`)!);

test("parseIp and formatIp round-trip every address", () => {
  fc.assert(fc.property(ipArb, (ip) => parseIp(formatIp(ip)) === ip));
});

test("parseIp refuses malformed addresses", () => {
  for (const bad of ["", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1.2.3.-1", "a.b.c.d", " 1.2.3.4", "1.2.3.4 "]) {
    assert.equal(parseIp(bad), undefined, bad);
  }
});

test("parseCidr clears host bits and says so", () => {
  assert.deepEqual(parseCidr("10.0.0.1/16"), { base: parseIp("10.0.0.0"), prefix: 16, hadHostBits: true });
  assert.deepEqual(parseCidr("10.20.0.0/16"), { base: parseIp("10.20.0.0"), prefix: 16, hadHostBits: false });
  for (const bad of ["10.0.0.0", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/1a", "10.0.0.0/016", "/16", "10.0.0/16"]) {
    assert.equal(parseCidr(bad), undefined, bad);
  }
});

test("containsIp agrees with the bit-string oracle", () => {
  fc.assert(fc.property(cidrArb, ipArb, (c, ip) => containsIp(c, ip) === oracleContains(c.base, c.prefix, ip)));
});

test("containsCidr and overlaps agree with the oracle", () => {
  fc.assert(
    fc.property(cidrArb, cidrArb, (a, b) => {
      const inner = b.prefix >= a.prefix && oracleContains(a.base, a.prefix, b.base);
      const shorter = Math.min(a.prefix, b.prefix);
      const overlap = bits(a.base).slice(0, shorter) === bits(b.base).slice(0, shorter);
      return containsCidr(a, b) === inner && overlaps(a, b) === overlap && overlaps(a, b) === overlaps(b, a);
    }),
  );
});

test("size and last address bound the block exactly", () => {
  fc.assert(
    fc.property(cidrArb, (c) => {
      const last = lastOf(c);
      const after = last + 1;
      return (
        sizeOf(c) === 2 ** (32 - c.prefix) &&
        containsIp(c, last) &&
        (after > 0xffffffff || !containsIp(c, after)) &&
        (c.base === 0 || !containsIp(c, c.base - 1)) &&
        parseCidr(formatCidr(c))!.base === c.base
      );
    }),
  );
});
