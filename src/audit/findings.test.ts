/**
 * Property test of the exact box coverage behind shadowed ACL entries (audit/findings.ts): on a small
 * discrete space, `covered(box, earlier)` must equal a point-by-point check.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { covered } from "./findings.js";

const interval = fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 7 })).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as [number, number]);
const box = fc.tuple(interval, interval, interval);

test("covered() equals a point-by-point check", () => {
  let yes = 0;
  fc.assert(
    fc.property(box, fc.array(box, { maxLength: 6 }), (b, cover) => {
      let all = true;
      for (let x = b[0][0]; x <= b[0][1] && all; x++)
        for (let y = b[1][0]; y <= b[1][1] && all; y++)
          for (let z = b[2][0]; z <= b[2][1] && all; z++) if (!cover.some((c) => x >= c[0][0] && x <= c[0][1] && y >= c[1][0] && y <= c[1][1] && z >= c[2][0] && z <= c[2][1])) all = false;
      if (all) yes++;
      assert.equal(covered(b, cover), all);
    }),
    { numRuns: 3000, seed: 14 },
  );
  assert.ok(yes > 100, `only ${yes} covered cases`);
});

test("transit gateways: a missing return propagation is a one-sided route; an unused peering attachment and a route to a deleted attachment are found", async () => {
  const { NetBuilder } = await import("../engine/builder.js");
  const { audit, fixCommands } = await import("./audit.js");
  const b = new NetBuilder();
  const rs = b.rs("us-east-1");
  const far = b.rs("eu-west-1");
  const va = b.vpc(rs, "10.1.0.0/16");
  const vb = b.vpc(rs, "10.2.0.0/16");
  const sa = b.subnet(rs, va, "10.1.1.0/24");
  const sb = b.subnet(rs, vb, "10.2.1.0/24");
  const tgw = b.tgw(rs);
  const table = b.tgwTable(rs, tgw);
  const aa = b.tgwAttach(rs, tgw, va, [sa]);
  const ab = b.tgwAttach(rs, tgw, vb, [sb]);
  table.associations.push(aa.id, ab.id);
  table.propagations.push(aa.id, ab.id);
  b.route(b.mainRt(rs, va), "10.2.0.0/16", { kind: "tgw", id: tgw.id });
  b.route(b.mainRt(rs, vb), "10.1.0.0/16", { kind: "tgw", id: tgw.id });
  const kinds = (k: string) => audit(b.world).filter((f) => f.kind === k);
  assert.deepEqual(kinds("one-sided-route"), []);
  assert.deepEqual(kinds("unused-connection"), []);
  // B's attachment's table no longer learns A: A's route to the gateway has no way back.
  table.propagations.splice(0, 1);
  b.world.changed();
  const one = kinds("one-sided-route");
  assert.equal(one.length, 1, JSON.stringify(one));
  assert.ok(one[0]!.components.includes(table.id) && one[0]!.summary.includes("no route for 10.1.1.0/24"), one[0]!.summary);
  // The remedy as structured fixes, rendered by engine/fix-command.ts (no hand-built command strings).
  assert.doesNotMatch(one[0]!.fix, /aws ec2/);
  assert.match(fixCommands(one[0]!).join("\n"), /^aws ec2 create-transit-gateway-route --transit-gateway-route-table-id \S+ --destination-cidr-block 10\.1\.1\.0\/24 --transit-gateway-attachment-id \S+ --region /m);
  assert.match(fixCommands(one[0]!).join("\n"), /^aws ec2 enable-transit-gateway-route-table-propagation /m);
  // A peering attachment nobody routes to, and a static route to an attachment that is gone.
  const farTgw = b.tgw(far);
  const p = b.tgwPeering({ rs, tgw }, { rs: far, tgw: farTgw });
  b.tgwRoute(table, { destinationCidr: "10.9.0.0/16", attachmentId: "tgw-attach-0000000000000dead", blackhole: false });
  b.tgwRoute(table, { destinationCidr: "10.8.0.0/16", blackhole: true });
  assert.deepEqual(kinds("unused-connection").map((f) => f.components[0]), [p.id]);
  const dead = kinds("dead-route");
  assert.deepEqual(dead.map((f) => f.components.slice(0, 2)), [[table.id, "tgw-attach-0000000000000dead"]]);
});
