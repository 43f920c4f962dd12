/** Longest-prefix match and the packet filters, against naive oracles (fast-check properties). */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { compileLpm, lookupLpm, originPriority, type LpmEntry } from "./lpm.js";
import { compileAcl, compileSg, matchAcl, matchSgRules, protocolNumber, PROTO_ICMP, PROTO_TCP, PROTO_UDP } from "./filters.js";
import { LatencyModel, mulberry32, pingStats, regionPairRtt, sampleRtt } from "./latency.js";
import type { NetworkAcl, SecurityGroup } from "../domain/types.js";

const entryArb = fc.record({
  // Mostly inside one /8 so that blocks nest and overlap often; sometimes anywhere.
  base: fc.oneof(
    fc.integer({ min: 0, max: 1023 }).map((x) => (0x0a000000 + x * 0x4000) >>> 0),
    fc.integer({ min: 0, max: 0xffffffff }),
  ),
  prefix: fc.oneof(fc.integer({ min: 8, max: 24 }), fc.integer({ min: 0, max: 32 })),
  priority: fc.integer({ min: 0, max: 2 }),
});

function naive(entries: LpmEntry[], ip: number): number {
  let best: LpmEntry | undefined;
  for (const e of entries) {
    const mask = e.prefix === 0 ? 0 : (0xffffffff << (32 - e.prefix)) >>> 0;
    if (((ip & mask) >>> 0) !== e.base) continue;
    if (!best || e.prefix > best.prefix || (e.prefix === best.prefix && e.priority < best.priority)) best = e;
  }
  return best ? best.value : -1;
}

test("LPM: compiled intervals agree with a linear longest-prefix scan (random tables and addresses)", () => {
  fc.assert(
    fc.property(fc.array(entryArb, { maxLength: 40 }), fc.array(fc.oneof(fc.integer({ min: 0x0a000000, max: 0x0affffff }), fc.integer({ min: 0, max: 0xffffffff })), { minLength: 1, maxLength: 30 }), (raw, ips) => {
      const entries = raw.map((r, i) => {
        const mask = r.prefix === 0 ? 0 : (0xffffffff << (32 - r.prefix)) >>> 0;
        return { base: (r.base & mask) >>> 0, prefix: r.prefix, priority: r.priority, value: i };
      });
      const t = compileLpm(entries);
      // Probe the given addresses and every block's edges (where off-by-one errors live).
      const probes = [...ips];
      for (const e of entries) {
        const last = e.base + 2 ** (32 - e.prefix) - 1;
        probes.push(e.base, last, Math.max(0, e.base - 1), Math.min(0xffffffff, last + 1));
      }
      for (const ip of probes) assert.equal(lookupLpm(t, ip), naive(entries, ip), `ip ${ip}`);
    }),
    { numRuns: 300 },
  );
});

test("LPM: AWS tie-break for identical destinations: local, then static, then propagated", () => {
  assert.ok(originPriority("CreateRouteTable", true) < originPriority("CreateRoute", false));
  assert.ok(originPriority("CreateRoute", false) < originPriority("EnableVgwRoutePropagation", false));
  // VPC User Guide "How route priority works": static CIDR routes, then prefix-list routes, then propagated.
  assert.ok(originPriority("CreateRoute", false) < originPriority("CreateRoute", false, true));
  assert.ok(originPriority("CreateRoute", false, true) < originPriority("EnableVgwRoutePropagation", false));
  const t = compileLpm([
    { base: 0x0a000000, prefix: 8, priority: 2, value: 1 },
    { base: 0x0a000000, prefix: 8, priority: 1, value: 2 },
    { base: 0x0a010000, prefix: 16, priority: 2, value: 3 },
  ]);
  assert.equal(lookupLpm(t, 0x0a020304), 2);
  assert.equal(lookupLpm(t, 0x0a010304), 3);
  assert.equal(lookupLpm(t, 0x0b000000), -1);
  assert.equal(lookupLpm(compileLpm([]), 5), -1);
});

function sg(rules: Partial<SecurityGroup["rules"][number]>[]): SecurityGroup {
  return {
    id: "sg-1", ownerId: "0", region: "r", tags: new Map(), vpcId: "vpc-1", name: "n", description: "d", isDefault: false,
    rules: rules.map((r, i) => ({ id: `sgr-${i}`, groupId: "sg-1", isEgress: false, ipProtocol: "-1", fromPort: -1, toPort: -1, tags: new Map(), ...r })),
  };
}

test("SG matching: protocols, port ranges, ICMP type/code, CIDRs, group references", () => {
  const c = compileSg(
    sg([
      { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "10.0.0.0/8" },
      { ipProtocol: "udp", fromPort: 1000, toPort: 2000, cidrIpv4: "0.0.0.0/0" },
      { ipProtocol: "icmp", fromPort: 8, toPort: -1, cidrIpv4: "192.168.1.0/24" },
      { ipProtocol: "6", fromPort: 443, toPort: 443, referencedGroup: { groupId: "sg-web", userId: "0" } },
      { ipProtocol: "-1", isEgress: true, cidrIpv4: "0.0.0.0/0" },
    ]),
  );
  const ip = (s: string) => s.split(".").reduce((a, b) => a * 256 + Number(b), 0);
  assert.equal(c.ingress.length, 4);
  assert.equal(c.egress.length, 1);
  assert.ok(matchSgRules(c.ingress, { proto: PROTO_TCP, a: 22, b: 0 }, ip("10.1.2.3"), undefined));
  assert.equal(matchSgRules(c.ingress, { proto: PROTO_TCP, a: 23, b: 0 }, ip("10.1.2.3"), undefined), undefined);
  assert.equal(matchSgRules(c.ingress, { proto: PROTO_TCP, a: 22, b: 0 }, ip("11.1.2.3"), undefined), undefined);
  assert.ok(matchSgRules(c.ingress, { proto: PROTO_UDP, a: 1500, b: 0 }, ip("8.8.8.8"), undefined));
  assert.equal(matchSgRules(c.ingress, { proto: PROTO_UDP, a: 2001, b: 0 }, ip("8.8.8.8"), undefined), undefined);
  assert.ok(matchSgRules(c.ingress, { proto: PROTO_ICMP, a: 8, b: 0 }, ip("192.168.1.9"), undefined));
  assert.equal(matchSgRules(c.ingress, { proto: PROTO_ICMP, a: 0, b: 0 }, ip("192.168.1.9"), undefined), undefined);
  assert.equal(matchSgRules(c.ingress, { proto: PROTO_TCP, a: 443, b: 0 }, ip("1.2.3.4"), undefined), undefined);
  assert.ok(matchSgRules(c.ingress, { proto: PROTO_TCP, a: 443, b: 0 }, ip("1.2.3.4"), ["sg-other", "sg-web"]));
  assert.ok(matchSgRules(c.egress, { proto: PROTO_ICMP, a: 8, b: 0 }, ip("1.2.3.4"), undefined));
  assert.equal(protocolNumber("ICMP"), 1);
  assert.equal(protocolNumber("all"), -1);
  assert.equal(protocolNumber("47"), 47);
});

test("NACL matching: first match by rule number, deny before allow, ports, ICMP, the * entry", () => {
  const acl: NetworkAcl = {
    id: "acl-1", ownerId: "0", region: "r", tags: new Map(), vpcId: "vpc-1", isDefault: false, associations: [],
    entries: [
      { ruleNumber: 200, egress: false, protocol: "6", ruleAction: "allow", cidrBlock: "0.0.0.0/0", portRange: { from: 1024, to: 65535 } },
      { ruleNumber: 100, egress: false, protocol: "6", ruleAction: "deny", cidrBlock: "10.9.0.0/16", portRange: { from: 0, to: 65535 } },
      { ruleNumber: 150, egress: false, protocol: "1", ruleAction: "allow", cidrBlock: "0.0.0.0/0", icmp: { type: 8, code: -1 } },
      { ruleNumber: 32767, egress: false, protocol: "-1", ruleAction: "deny", cidrBlock: "0.0.0.0/0" },
    ],
  };
  const c = compileAcl(acl);
  assert.deepEqual(c.inbound.map((e) => e.entry.ruleNumber), [100, 150, 200, 32767]);
  const ip = (s: string) => s.split(".").reduce((a, b) => a * 256 + Number(b), 0);
  assert.equal(matchAcl(c.inbound, { proto: 6, a: 5000, b: 0 }, ip("10.9.1.1"))!.entry.ruleNumber, 100);
  assert.equal(matchAcl(c.inbound, { proto: 6, a: 5000, b: 0 }, ip("10.8.1.1"))!.entry.ruleNumber, 200);
  assert.equal(matchAcl(c.inbound, { proto: 6, a: 80, b: 0 }, ip("10.8.1.1"))!.entry.ruleNumber, 32767);
  assert.equal(matchAcl(c.inbound, { proto: 1, a: 8, b: 0 }, ip("1.1.1.1"))!.entry.ruleNumber, 150);
  assert.equal(matchAcl(c.inbound, { proto: 1, a: 0, b: 0 }, ip("1.1.1.1"))!.entry.ruleNumber, 32767);
  assert.equal(matchAcl(c.outbound, { proto: 1, a: 0, b: 0 }, ip("1.1.1.1")), undefined);
});

test("latency: symmetrised region medians (Tokyo–Singapore 70.6 ms), AZ ranges, overrides, seedable jitter", () => {
  assert.ok(Math.abs(regionPairRtt("ap-northeast-1", "ap-southeast-1")! - 70.6) < 1e-9);
  assert.equal(regionPairRtt("ap-northeast-1", "ap-southeast-1"), regionPairRtt("ap-southeast-1", "ap-northeast-1"));
  assert.equal(regionPairRtt("nowhere-1", "ap-southeast-1"), undefined);
  const m = new LatencyModel({ rttOverrides: { "us-east-1|eu-west-1": 42 } });
  const sameAz = m.segment({ region: "us-east-1", zone: "us-east-1a" }, { region: "us-east-1", zone: "us-east-1a" });
  const crossAz = m.segment({ region: "us-east-1", zone: "us-east-1a" }, { region: "us-east-1", zone: "us-east-1b" });
  assert.deepEqual([sameAz.lo, sameAz.hi], [0.1, 0.3]);
  assert.deepEqual([crossAz.lo, crossAz.hi], [0.5, 1.5]);
  assert.equal(m.segment({ region: "eu-west-1" }, { region: "us-east-1" }).medianMs, 42);
  const r1 = mulberry32(5);
  const r2 = mulberry32(5);
  const seg = [m.segment({ region: "ap-northeast-1" }, { region: "ap-southeast-1" })];
  for (let i = 0; i < 50; i++) {
    const a = sampleRtt(seg, r1);
    assert.equal(a, sampleRtt(seg, r2));
    assert.ok(a >= seg[0]!.lo && a <= seg[0]!.hi);
  }
  const s = pingStats([1, 2, 3, 4]);
  assert.deepEqual([s.min, s.avg, s.max], [1, 2.5, 4]);
  assert.ok(Math.abs(s.mdev - Math.sqrt(1.25)) < 1e-12);
});
