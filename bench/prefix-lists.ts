/**
 * Prefix-list benchmark: what referencing a large managed prefix list costs the engine. One VPC with
 * 100 route tables that each route a 1,000-entry list (to a peering connection) and 101 security groups
 * whose ingress rules name the same list (the receiver's among them), one interface per table's subnet.
 * Measures:
 *  - compiling every table and group (each expands the list: 100 × 1,000 LPM entries and rules);
 *  - one query in-process (verdict only) whose route and ingress rule come from the list;
 *  - the next query after a change of the list (a new version: every table and group that names it
 *    recompiles, nothing else), p50/p99 over repeated changes.
 *
 * Build and run: `npx tsc -p . && node dist/bench/prefix-lists.js`. Not a timed test: prints figures.
 * The network is built straight into World records (src/engine/builder.ts); the list change replaces
 * the list's entries array, as ModifyManagedPrefixList does (a new version is a new array).
 */
import { performance } from "node:perf_hooks";
import { NetBuilder } from "../src/engine/builder.js";
import { modelOf } from "../src/engine/model.js";
import { analyze } from "../src/engine/index.js";
import type { ManagedPrefixList } from "../src/domain/types.js";

const TABLES = 100;
const ENTRIES = 1000;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

const b = new NetBuilder();
const rs = b.rs("eu-west-1");
const vpc = b.vpc(rs, "10.0.0.0/16");
const peerVpc = b.vpc(rs, "10.200.0.0/16");
const pcx = b.peering({ rs, vpc }, { rs, vpc: peerVpc });
const peerSubnet = b.subnet(rs, peerVpc, "10.200.0.0/24");
// 10.0.0.0/16 (the senders; inside their VPC, so `local` still wins there), the receiver's 10.200.0.0/24,
// and 998 other /24s in 10.201–249 that move with `shift` (a new version of the list).
const entries = (shift: number) => [
  { cidr: "10.0.0.0/16" },
  { cidr: "10.200.0.0/24" },
  ...Array.from({ length: ENTRIES - 2 }, (_, i) => ({ cidr: `10.${201 + ((i + shift) % 49)}.${i % 250}.0/24` })),
];
const pl: ManagedPrefixList = {
  id: b.world.ids.next("pl"),
  ownerId: rs.account,
  region: rs.region,
  tags: new Map(),
  name: "big",
  addressFamily: "IPv4",
  maxEntries: ENTRIES,
  version: 1,
  entries: entries(0),
  versions: [],
  state: "create-complete",
};
rs.managedPrefixLists.set(pl.id, pl);
const srcs: string[] = [];
for (let t = 0; t < TABLES; t++) {
  const subnet = b.subnet(rs, vpc, `10.0.${t}.0/24`);
  const rt = b.routeTable(rs, vpc, [subnet]);
  rt.routes.push({ destinationCidr: pl.id, destinationPrefixListId: pl.id, target: { kind: "pcx", id: pcx.id }, origin: "CreateRoute" });
  const sg = b.sg(rs, vpc, []);
  sg.rules.push({ id: b.world.ids.next("sgr"), groupId: sg.id, isEgress: false, ipProtocol: "-1", fromPort: -1, toPort: -1, prefixListId: pl.id, tags: new Map() });
  srcs.push(b.instance(rs, subnet, `10.0.${t}.10`, { sgs: [sg] }).instance.id);
}
const peerSg = b.sg(rs, peerVpc, []);
peerSg.rules.push({ id: b.world.ids.next("sgr"), groupId: peerSg.id, isEgress: false, ipProtocol: "-1", fromPort: -1, toPort: -1, prefixListId: pl.id, tags: new Map() });
b.route(b.mainRt(rs, peerVpc), "10.0.0.0/16", { kind: "pcx", id: pcx.id });
const dst = b.instance(rs, peerSubnet, "10.200.0.10", { sgs: [peerSg] }).instance.id;
b.world.changed();

const m = modelOf(b.world);
let t0 = performance.now();
m.compileAll();
const compileMs = performance.now() - t0;

const q = (i: number) => analyze(b.world, { source: srcs[i % TABLES]!, destination: dst, protocol: "icmp", explain: false });
if (q(0).verdict !== "reachable") throw new Error("expected reachable through the prefix-list route");
const queries: number[] = [];
for (let i = 0; i < 20000; i++) {
  t0 = performance.now();
  q(i);
  queries.push(performance.now() - t0);
}

const changes: number[] = [];
for (let i = 1; i <= 50; i++) {
  pl.versions.push({ version: pl.version, entries: pl.entries });
  pl.version++;
  pl.entries = entries(i);
  b.world.changed();
  t0 = performance.now();
  const a = q(i);
  // The one query recompiles its own table and group; the rest recompile when next used.
  changes.push(performance.now() - t0);
  if (a.verdict !== "reachable") throw new Error("verdict changed unexpectedly");
}
t0 = performance.now();
m.compileAll();
const recompileAllMs = performance.now() - t0;

console.log(`network: ${TABLES} route tables and ${TABLES} security groups naming one ${ENTRIES}-entry prefix list`);
console.log(`compile every table and group (each expands the list): ${compileMs.toFixed(1)} ms`);
console.log(`query in-process through the list's route and rule (verdict only): p50 ${(pct(queries, 50) * 1000).toFixed(1)} µs p99 ${(pct(queries, 99) * 1000).toFixed(1)} µs`);
console.log(`first query after a list change (recompiles that query's table and group): p50 ${pct(changes, 50).toFixed(3)} ms p99 ${pct(changes, 99).toFixed(3)} ms`);
console.log(`then recompiling every other table and group that names the list: ${recompileAllMs.toFixed(1)} ms`);
