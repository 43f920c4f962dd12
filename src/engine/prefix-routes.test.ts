/**
 * Prefix-list routes in the compiled route table (model.ts `routeDestinations`): each CIDR of the list
 * competes by its own prefix length; an equal prefix loses to a static CIDR route and beats a propagated
 * one (VPC User Guide, "How route priority works"); a customer-managed list's new version recompiles the
 * table. A property test checks the lookup against a naive scan of the expanded routes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { NetBuilder } from "./builder.js";
import { modelOf, cidrInt, inCidr } from "./model.js";
import { parseIp } from "../domain/cidr.js";
import type { ManagedPrefixList, Route, RouteTable } from "../domain/types.js";

function setup() {
  const b = new NetBuilder();
  const rs = b.rs("us-east-1");
  const vpc = b.vpc(rs, "10.0.0.0/16");
  const rt = b.routeTable(rs, vpc);
  const pl: ManagedPrefixList = {
    id: "pl-0123456789abcdef0",
    ownerId: rs.account,
    region: rs.region,
    tags: new Map(),
    name: "services",
    addressFamily: "IPv4",
    maxEntries: 10,
    version: 1,
    entries: [{ cidr: "52.216.0.0/15" }, { cidr: "54.231.0.0/16" }, { cidr: "3.5.0.0/19" }],
    versions: [],
    state: "create-complete",
  };
  rs.managedPrefixLists.set(pl.id, pl);
  const plRoute = (target: Route["target"], origin: Route["origin"] = "CreateRoute"): Route => ({ destinationCidr: pl.id, destinationPrefixListId: pl.id, target, origin });
  return { b, rs, rt, pl, plRoute };
}

const hit = (b: NetBuilder, rt: RouteTable, ip: string) => {
  const f = modelOf(b.world).lookup(rt, parseIp(ip)!);
  return f ? `${f.route.destinationPrefixListId ?? f.route.destinationCidr}→${"id" in f.route.target ? f.route.target.id : "local"} (${f.dest.text})` : "none";
};

test("a prefix-list route beats 0.0.0.0/0, loses to a more specific CIDR and to a static route of the same prefix, beats a propagated one", () => {
  const { b, rt, pl, plRoute } = setup();
  b.route(rt, "0.0.0.0/0", { kind: "igw", id: "igw-1" });
  rt.routes.push(plRoute({ kind: "vpce", id: "vpce-1" }));
  b.world.changed();
  assert.equal(hit(b, rt, "52.217.1.2"), `${pl.id}→vpce-1 (52.216.0.0/15)`);
  assert.equal(hit(b, rt, "3.5.31.255"), `${pl.id}→vpce-1 (3.5.0.0/19)`);
  assert.equal(hit(b, rt, "3.5.32.0"), "0.0.0.0/0→igw-1 (0.0.0.0/0)");
  b.route(rt, "52.217.0.0/16", { kind: "pcx", id: "pcx-1" });
  assert.equal(hit(b, rt, "52.217.1.2"), "52.217.0.0/16→pcx-1 (52.217.0.0/16)");
  assert.equal(hit(b, rt, "52.216.1.2"), `${pl.id}→vpce-1 (52.216.0.0/15)`);
  b.route(rt, "54.231.0.0/16", { kind: "pcx", id: "pcx-2" });
  assert.equal(hit(b, rt, "54.231.9.9"), "54.231.0.0/16→pcx-2 (54.231.0.0/16)");
  rt.routes.push({ destinationCidr: "3.5.0.0/19", target: { kind: "vgw", id: "vgw-1" }, origin: "EnableVgwRoutePropagation" });
  b.world.changed();
  assert.equal(hit(b, rt, "3.5.1.1"), `${pl.id}→vpce-1 (3.5.0.0/19)`);
});

test("a new version of a customer-managed list recompiles the tables that route to it", () => {
  const { b, rt, pl, plRoute } = setup();
  rt.routes.push(plRoute({ kind: "vpce", id: "vpce-1" }));
  b.world.changed();
  assert.equal(hit(b, rt, "198.51.100.7"), "none");
  pl.versions.push({ version: 1, entries: pl.entries });
  pl.entries = [...pl.entries, { cidr: "198.51.100.0/24" }];
  pl.version = 2;
  b.world.tableChanged();
  assert.equal(hit(b, rt, "198.51.100.7"), `${pl.id}→vpce-1 (198.51.100.0/24)`);
});

test("property: lookups agree with a naive scan of the expanded routes (longest prefix, then static before prefix list)", () => {
  const cidrArb = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 8, max: 24 })).map(([x, p]) => {
    const base = (((0x34000000 + x * 0x10000) >>> 0) & ((0xffffffff << (32 - p)) >>> 0)) >>> 0;
    return `${base >>> 24}.${(base >>> 16) & 255}.${(base >>> 8) & 255}.${base & 255}/${p}`;
  });
  fc.assert(
    fc.property(fc.uniqueArray(cidrArb, { maxLength: 6 }), fc.uniqueArray(cidrArb, { maxLength: 6 }), fc.array(fc.integer({ min: 0x34000000, max: 0x34ffffff }), { minLength: 1, maxLength: 20 }), (statics, listed, ips) => {
      const { b, rt, pl, plRoute } = setup();
      pl.entries = listed.map((cidr) => ({ cidr }));
      for (const [i, c] of statics.entries()) b.route(rt, c, { kind: "pcx", id: `pcx-${i}` });
      rt.routes.push(plRoute({ kind: "vpce", id: "vpce-1" }));
      b.world.changed();
      for (const ip of ips) {
        // Naive: every (cidr, route) pair; longest prefix; on a tie, the static route.
        let best: { prefix: number; pl: boolean; id: string } | undefined;
        const consider = (text: string, isPl: boolean, id: string) => {
          const c = cidrInt(text)!;
          if (!inCidr(c, ip)) return;
          if (!best || c.prefix > best.prefix || (c.prefix === best.prefix && best.pl && !isPl)) best = { prefix: c.prefix, pl: isPl, id };
        };
        statics.forEach((c, i) => consider(c, false, `pcx-${i}`));
        listed.forEach((c) => consider(c, true, "vpce-1"));
        const f = modelOf(b.world).lookup(rt, ip);
        const got = f && "id" in f.route.target ? f.route.target.id : undefined;
        assert.equal(got, best?.id);
      }
    }),
    { numRuns: 200 },
  );
});
