/**
 * Group reachability by equivalence classes: `vpclab audit --from SEL --to SEL` answers "which of
 * these interfaces reach which of those" without asking the engine once per pair.
 *
 * The idea (Batfish; "atomic predicates" in network verification): two interfaces that every
 * configuration item treats alike get the same verdict, so one representative per class pair is asked.
 * An interface's class key is
 * - its subnet (hence its VPC, route table and network ACL),
 * - its set of security groups (its own rules, and every rule elsewhere that references one of them),
 * - the address atom of its primary private IP: the address space is cut at both ends of every IPv4
 *   CIDR that appears anywhere in the world (VPC and subnet blocks, routes of VPC and transit gateway
 *   tables, ACL entries, security-group rules, peering blocks, prefix-list entries); two addresses
 *   between the same two cuts are inside exactly the same CIDRs, so every longest-prefix match and
 *   every CIDR test treats them alike,
 * - whether it has a public address (it changes nothing between private addresses; kept for safety).
 * The verdict of a pair depends only on the two keys (a differential test on random networks compares
 * it with pair-by-pair engine queries: src/audit/classes.test.ts).
 *
 * Cost: at most one engine question per (source class, destination class) pair, plus an
 * O(interfaces) pass; the counts of a group pair are sums over class pairs weighted by how many of the
 * group's interfaces each class holds. A question blocked on the forward leg at a route table or
 * transit gateway table, before anything of the destination was consulted, is remembered per source
 * class (`ForwardBlock`): later destinations whose address gets the same signature over those
 * components (egress-rule and outbound-ACL matches, the route each table picks) are blocked without a
 * question — "atomic predicates" computed lazily along the paths actually taken.
 *
 * Fidelity notes: interfaces are those of running instances (as in --expect). Only the verdict is
 * class-wide: the example blocked pair's explanation is asked for that pair (the first probe that
 * failed). A port range counts a pair reachable when some port of it gets through (see `probesFor`:
 * exact as far as security-group rules and ACL entries decide); `any` is tcp, udp and icmp, reachable
 * when one of them gets through. AWS-managed prefix lists whose entries are
 * not in the state do not cut the address space (their ranges are public service ranges).
 */
import type { RegionState, World } from "../state/world.js";
import type { NetworkInterface, TgwRouteTable } from "../domain/types.js";
import { parseCidr } from "../domain/cidr.js";
import { lookupTgwRoute } from "../domain/transit-gateways.js";
import { engineOf } from "../engine/index.js";
import type { Analysis } from "../engine/index.js";
import { analyzeResolved, normalizePacket, type NormalizedPacket } from "../engine/analyze.js";
import { LatencyModel } from "../engine/latency.js";

export interface Iface {
  rs: RegionState;
  eni: NetworkInterface;
  /** Instance id and Name, for display. */
  label: string;
  instanceTags: Map<string, string>;
}

export interface Group {
  name: string;
  members: Iface[];
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const IP = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function ipInt(s: string): number | undefined {
  const m = IP.exec(s);
  if (!m) return undefined;
  return ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
}

/** Every IPv4 CIDR string anywhere in a value (records, Maps, arrays), as [first, last+1) cuts. */
function collectCuts(v: unknown, cuts: Set<number>, seen: Set<object>): void {
  if (typeof v === "string") {
    const m = CIDR.exec(v);
    if (!m) return;
    const prefix = Number(m[5]);
    if (prefix > 32) return;
    const base = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
    const size = 2 ** (32 - prefix);
    const first = prefix === 0 ? 0 : base - (base % size);
    cuts.add(first);
    cuts.add(first + size);
    return;
  }
  if (v === null || typeof v !== "object") return;
  if (seen.has(v)) return;
  seen.add(v);
  if (v instanceof Map) {
    for (const x of v.values()) collectCuts(x, cuts, seen);
  } else if (Array.isArray(v)) {
    for (const x of v) collectCuts(x, cuts, seen);
  } else {
    for (const x of Object.values(v)) collectCuts(x, cuts, seen);
  }
}

/** The address partition: sorted cut points; an address's atom is the index of the last cut ≤ it. */
export class AddressAtoms {
  readonly cuts: Float64Array;
  constructor(world: World) {
    const cuts = new Set<number>([0]);
    const seen = new Set<object>();
    const parts = world.parts();
    for (const [, regions] of parts.accounts) {
      for (const rs of regions.values()) {
        // Interfaces and instances hold addresses, not CIDRs: skipped for speed (they cut nothing).
        for (const [k, v] of Object.entries(rs)) if (k !== "networkInterfaces" && k !== "instances" && k !== "volumes" && k !== "keyPairs") collectCuts(v, cuts, seen);
      }
    }
    collectCuts(parts.peerings, cuts, seen);
    this.cuts = Float64Array.from([...cuts].sort((a, b) => a - b));
  }
  atom(ip: number): number {
    const c = this.cuts;
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (c[mid]! <= ip) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/** Interfaces of running instances, in state order. */
export function interfaces(world: World): Iface[] {
  const out: Iface[] = [];
  for (const [, regions] of world.parts().accounts) {
    for (const rs of regions.values()) {
      for (const eni of rs.networkInterfaces.values()) {
        const inst = eni.attachment ? rs.instances.get(eni.attachment.instanceId) : undefined;
        if (!inst || inst.state !== "running") continue;
        const name = inst.tags.get("Name");
        out.push({ rs, eni, label: `${inst.id}${name ? ` (${name})` : ""}${inst.primaryEniId === eni.id ? "" : ` ${eni.id}`}`, instanceTags: inst.tags });
      }
    }
  }
  return out;
}

export class SelectorError extends Error {}

/**
 * A selector as groups: `tag:K=V` (one group), `tag:K` (one group per value of K), `subnet:ID` or
 * `subnet-…`, `vpc:ID` or `vpc-…`, `subnet:*` / `vpc:*` (one group per subnet / VPC), `all`.
 */
export function groupsOf(all: Iface[], sel: string): Group[] {
  const byKey = (name: (i: Iface) => string | undefined): Group[] => {
    const m = new Map<string, Iface[]>();
    for (const i of all) {
      const k = name(i);
      if (k === undefined) continue;
      let l = m.get(k);
      if (!l) m.set(k, (l = []));
      l.push(i);
    }
    return [...m].sort((a, b) => a[0].localeCompare(b[0])).map(([name, members]) => ({ name, members }));
  };
  const tagOf = (i: Iface, k: string) => i.eni.tags.get(k) ?? i.instanceTags.get(k);
  if (sel === "all") return [{ name: "all", members: all }];
  let m = /^tag:([^=]+)=(.*)$/.exec(sel);
  if (m) return [{ name: sel, members: all.filter((i) => tagOf(i, m![1]!) === m![2]) }];
  m = /^tag:([^=]+)$/.exec(sel);
  if (m) return byKey((i) => (tagOf(i, m![1]!) !== undefined ? `tag:${m![1]}=${tagOf(i, m![1]!)}` : undefined));
  m = /^(subnet|vpc):(.+)$/.exec(sel) ?? /^((subnet|vpc))-.+$/.exec(sel);
  if (m) {
    const kind = m[1] as "subnet" | "vpc";
    const id = sel.includes(":") ? m[2]! : sel;
    const field = (i: Iface) => (kind === "subnet" ? i.eni.subnetId : i.eni.vpcId);
    if (id === "*") return byKey((i) => `${kind}:${field(i)}`);
    return [{ name: `${kind}:${id}`, members: all.filter((i) => field(i) === id) }];
  }
  throw new SelectorError(`${sel}: a group selector is tag:KEY=VALUE, tag:KEY, subnet:ID, vpc:ID, subnet:*, vpc:* or all`);
}

export type MatrixProtocol = "tcp" | "udp" | "icmp" | "any";

export interface MatrixCell {
  from: string;
  to: string;
  pairs: number;
  reachable: number;
  unreachable: number;
  /** One blocked pair and why (the engine's first on-path explanation). */
  example?: { from: string; to: string; code: string; reason: string; fix: string; fixes?: import("../engine/fix-command.js").Fix[] };
}

export interface MatrixResult {
  protocol: MatrixProtocol;
  port?: PortRange;
  cells: MatrixCell[];
  interfaces: number;
  sourceClasses: number;
  destinationClasses: number;
  /** Engine questions asked for verdicts (class pairs × probes). */
  questions: number;
  /** Class pairs answered by a known blocked forward path instead of a question. */
  shortcuts: number;
}

export interface ClassIndex {
  atoms: AddressAtoms;
  keyOf: (i: Iface) => string;
}

export function classIndex(world: World): ClassIndex {
  const atoms = new AddressAtoms(world);
  const keys = new Map<NetworkInterface, string>();
  return {
    atoms,
    keyOf: (i) => {
      let k = keys.get(i.eni);
      if (k === undefined) {
        const primary = i.eni.privateIps.find((p) => p.primary)?.address ?? i.eni.privateIps[0]?.address ?? "";
        const ip = ipInt(primary);
        k = `${i.rs.account}|${i.rs.region}|${i.eni.subnetId}|${[...i.eni.securityGroupIds].sort().join(",")}|${ip === undefined ? "?" : atoms.atom(ip)}|${i.eni.association ? "pub" : ""}`;
        keys.set(i.eni, k);
      }
      return k;
    },
  };
}

/** A port range of a matrix question. */
export interface PortRange {
  from: number;
  to: number;
}

/**
 * The probes a question stands for: [protocol, port]. A port range is cut into port atoms at every
 * port where a security-group rule or ACL entry of the world starts or ends (for that protocol, or
 * all traffic); one port per atom is asked, so a pair counts reachable when some port of the range
 * gets through, exactly as far as rules and entries decide. Without a port, tcp and udp mean every
 * port (0-65535). `any` is tcp, udp and icmp.
 */
export function probesFor(world: World, protocol: MatrixProtocol, range?: PortRange): ["tcp" | "udp" | "icmp", number | undefined][] {
  const out: ["tcp" | "udp" | "icmp", number | undefined][] = [];
  for (const p of protocol === "any" ? (["tcp", "udp", "icmp"] as const) : [protocol]) {
    if (p === "icmp") {
      out.push(["icmp", undefined]);
      continue;
    }
    const lo = range?.from ?? 0;
    const hi = range?.to ?? 65535;
    const num = p === "tcp" ? "6" : "17";
    const cuts = new Set<number>([lo]);
    const cut = (a: number, b: number) => {
      if (a > lo && a <= hi) cuts.add(a);
      if (b + 1 > lo && b + 1 <= hi) cuts.add(b + 1);
    };
    for (const [, regions] of world.parts().accounts) {
      for (const rs of regions.values()) {
        for (const g of rs.securityGroups.values()) for (const r of g.rules) if (r.ipProtocol === p || r.ipProtocol === num) cut(r.fromPort, r.toPort);
        for (const a of rs.networkAcls.values()) for (const e of a.entries) if ((e.protocol === num || e.protocol === p) && e.portRange) cut(e.portRange.from, e.portRange.to);
      }
    }
    for (const port of [...cuts].sort((a, b) => a - b)) out.push([p, port]);
  }
  return out;
}

function primaryIpOf(i: Iface): number | undefined {
  return ipInt(i.eni.privateIps.find((p) => p.primary)?.address ?? i.eni.privateIps[0]?.address ?? "");
}

const inC = (c: { base: number; prefix: number }, ip: number) => (c.prefix === 0 ? true : ((ip >>> (32 - c.prefix)) << (32 - c.prefix)) >>> 0 === c.base);

/**
 * A forward path the engine found blocked before it reached anything of the destination: the
 * source's own filters (egress rules, outbound ACL entries), then route tables and transit gateway
 * route tables only, the last one denying (no route, or a blackhole). Which way such a walk goes
 * depends on the destination only through its address: which egress rules and ACL entries match it,
 * and which route each table's longest-prefix match picks. So any destination address with the same
 * signature over those components is blocked the same way, without asking (the differential test
 * checks this against pair-by-pair questions). Not made when a source egress rule names a group or a
 * prefix list (its match depends on more than the address), nor for several probes.
 */
class ForwardBlock {
  private constructor(
    private readonly cidrs: { base: number; prefix: number }[],
    private readonly tables: { base: number; prefix: number; key: string }[][],
    private readonly tgw: { world: World; rs: RegionState; table: TgwRouteTable }[],
    private readonly sig: string,
  ) {}

  static of(world: World, src: Iface, a: Analysis, ip: number): ForwardBlock | undefined {
    if (a.verdict !== "blocked" || a.return.length > 0 || a.forward.length === 0) return undefined;
    const last = a.forward[a.forward.length - 1]!;
    if (last.verdict !== "deny" || (last.kind !== "route-table" && last.kind !== "tgw-route-table")) return undefined;
    const cidrs: { base: number; prefix: number }[] = [];
    for (const gid of src.eni.securityGroupIds) {
      for (const r of src.rs.securityGroups.get(gid)?.rules ?? []) {
        if (!r.isEgress) continue;
        if (r.referencedGroup || r.prefixListId) return undefined;
        const c = r.cidrIpv4 ? parseCidr(r.cidrIpv4) : undefined;
        if (c) cidrs.push(c);
      }
    }
    // The source subnet's ACL as the engine compiled it (its explicit association, else the default).
    const acl = engineOf(world).model.subnets.get(src.eni.subnetId)?.acl;
    for (const e of acl?.entries ?? []) {
      const c = e.egress && e.cidrBlock ? parseCidr(e.cidrBlock) : undefined;
      if (c) cidrs.push(c);
    }
    // The engine's own ranges (not routable, RFC 1918, RFC 6598) and the source VPC's blocks.
    for (const t of ["0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/3", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"]) cidrs.push(parseCidr(t)!);
    for (const b of src.rs.vpcs.get(src.eni.vpcId)?.cidrBlocks ?? []) {
      const c = parseCidr(b.cidr);
      if (c) cidrs.push(c);
    }
    const tables: { base: number; prefix: number; key: string }[][] = [];
    const tgw: { world: World; rs: RegionState; table: TgwRouteTable }[] = [];
    for (const h of a.forward) {
      if (h.kind === "eni") {
        if (h.id !== src.eni.id) return undefined;
      } else if (h.kind === "route-table") {
        const rs = world.parts().accounts.get(h.account ?? "")?.get(h.region ?? "");
        const rt = rs?.routeTables.get(h.id);
        if (!rt) return undefined;
        tables.push(rt.routes.flatMap((r, k) => {
          const c = parseCidr(r.destinationCidr);
          return c ? [{ base: c.base, prefix: c.prefix, key: String(k) }] : [];
        }));
      } else if (h.kind === "tgw-route-table") {
        const rs = world.parts().accounts.get(h.account ?? "")?.get(h.region ?? "");
        const table = rs?.tgwRouteTables.get(h.id);
        if (!rs || !table) return undefined;
        tgw.push({ world, rs, table });
      } else if (h.kind !== "sg-egress" && h.kind !== "nacl-out" && h.kind !== "tgw-attachment" && h.kind !== "tgw-peering") {
        return undefined;
      }
    }
    const p = new ForwardBlock(cidrs, tables, tgw, "");
    return new ForwardBlock(cidrs, tables, tgw, p.signature(ip));
  }

  private signature(ip: number): string {
    let s = "";
    for (const c of this.cidrs) s += inC(c, ip) ? "1" : "0";
    for (const t of this.tables) {
      let best = "-";
      let bp = -1;
      for (const r of t) if (r.prefix > bp && inC(r, ip)) ((best = r.key), (bp = r.prefix));
      s += `|${best}`;
    }
    for (const { world, rs, table } of this.tgw) {
      const r = lookupTgwRoute(world, rs, table, ip);
      s += `|${r ? `${r.destinationCidr} ${r.type} ${r.state} ${r.attachment?.id ?? ""}` : "-"}`;
    }
    return s;
  }

  matches(ip: number): boolean {
    return this.signature(ip) === this.sig;
  }
}

/** A packet's probes, normalized once. */
function packetsOf(probes: ["tcp" | "udp" | "icmp", number | undefined][], explain: boolean): NormalizedPacket[] {
  return probes.map(([protocol, port]) => normalizePacket({ protocol, port, explain }));
}

const latencies = new WeakMap<World, LatencyModel>();

/**
 * One pair, asked of the engine through its public API (`analyzeResolved` on the compiled model, the
 * ends resolved by interface id): used for representatives, and by the brute-force reference. The
 * latency model only shapes RTTs, never a verdict, so a default one is used.
 */
export function pairVerdict(world: World, a: Iface, b: Iface, probes: ["tcp" | "udp" | "icmp", number | undefined][], explain = false): { reachable: boolean; analysis?: Analysis; asked: number } {
  const m = engineOf(world).model;
  let lat = latencies.get(world);
  if (!lat) latencies.set(world, (lat = new LatencyModel()));
  const src = m.enis.get(a.eni.id);
  const dst = m.enis.get(b.eni.id);
  if (!src || !dst) throw new Error(`${!src ? a.eni.id : b.eni.id} is not in the engine's model`);
  let last: Analysis | undefined;
  let asked = 0;
  // An IPv6-only interface (IPv6-native subnet) and an IPv4-only one share no address family: unreachable.
  if (src.ipv6Only !== dst.ipv6Only && (src.ipv6Only ? dst.primaryIp6 : src.primaryIp6) === undefined) return { reachable: false, asked };
  for (const p of packetsOf(probes, explain)) {
    asked++;
    const r = analyzeResolved(m, lat, src, { address: src.ipv6Only && !dst.ipv6Only ? dst.primaryIp6! : dst.primaryIp, eni: dst }, p);
    if (r.verdict === "reachable") return { reachable: true, analysis: r, asked };
    last ??= r;
  }
  return { reachable: false, analysis: last, asked };
}

/**
 * The groups × groups matrix, one engine question per class pair. `froms`/`tos` are the selected
 * groups; a pair is two distinct interfaces.
 */
export function reachabilityMatrix(world: World, froms: Group[], tos: Group[], protocol: MatrixProtocol, port?: PortRange, index: ClassIndex = classIndex(world)): MatrixResult {
  const probes = probesFor(world, protocol, port);
  // Class of every selected interface; a representative list per class.
  const classOf = new Map<NetworkInterface, number>();
  const reps: Iface[][] = [];
  const ids = new Map<string, number>();
  const classify = (i: Iface) => {
    let c = classOf.get(i.eni);
    if (c !== undefined) return c;
    const k = index.keyOf(i);
    c = ids.get(k);
    if (c === undefined) {
      c = reps.length;
      ids.set(k, c);
      reps.push([]);
    }
    // Two members are enough: a pair inside one class needs two distinct interfaces.
    if (reps[c]!.length < 2) reps[c]!.push(i);
    classOf.set(i.eni, c);
    return c;
  };
  const countBy = (g: Group) => {
    const m = new Map<number, number>();
    for (const i of g.members) {
      const c = classify(i);
      m.set(c, (m.get(c) ?? 0) + 1);
    }
    return m;
  };
  const fromCounts = froms.map(countBy);
  const toCounts = tos.map(countBy);
  const srcClasses = new Set<number>();
  const dstClasses = new Set<number>();
  for (const m of fromCounts) for (const c of m.keys()) srcClasses.add(c);
  for (const m of toCounts) for (const c of m.keys()) dstClasses.add(c);

  let questions = 0;
  let shortcuts = 0;
  const verdicts = new Map<number, boolean>();
  /** Per source class: forward paths known to be blocked before reaching any destination. */
  const blocks = new Map<number, ForwardBlock[]>();
  const nClasses = reps.length;
  const verdict = (cs: number, cd: number): boolean | undefined => {
    const key = cs * nClasses + cd;
    let v = verdicts.get(key);
    if (v !== undefined) return v;
    const a = reps[cs]![0]!;
    const b = cs === cd ? reps[cd]![1] : reps[cd]![0];
    if (!b) return undefined; // a one-member class has no pair with itself
    // A destination whose address the source's filters and the tables on a known blocked forward
    // path treat exactly like an earlier one's is blocked at the same place (see ForwardBlock).
    const ip = primaryIpOf(b);
    const known = blocks.get(cs);
    if (known && ip !== undefined && known.some((p) => p.matches(ip))) {
      shortcuts++;
      verdicts.set(key, false);
      return false;
    }
    const r = pairVerdict(world, a, b, probes);
    questions += r.asked;
    v = r.reachable;
    verdicts.set(key, v);
    if (!v && probes.length === 1 && r.analysis && ip !== undefined && (known?.length ?? 0) < 64) {
      const p = ForwardBlock.of(world, a, r.analysis, ip);
      if (p) blocks.set(cs, [...(known ?? []), p]);
    }
    return v;
  };

  const cells: MatrixCell[] = [];
  for (let gi = 0; gi < froms.length; gi++) {
    for (let gj = 0; gj < tos.length; gj++) {
      const both = new Map<number, number>();
      // Interfaces in both groups: their pair with themselves is not a pair.
      const inTo = new Set(tos[gj]!.members.map((i) => i.eni));
      for (const i of froms[gi]!.members) if (inTo.has(i.eni)) both.set(classOf.get(i.eni)!, (both.get(classOf.get(i.eni)!) ?? 0) + 1);
      let reachable = 0;
      let unreachable = 0;
      let blocked: [number, number] | undefined;
      for (const [cs, ns] of fromCounts[gi]!) {
        for (const [cd, nd] of toCounts[gj]!) {
          const n = ns * nd - (cs === cd ? (both.get(cs) ?? 0) : 0);
          if (n <= 0) continue;
          const v = verdict(cs, cd);
          if (v === undefined) continue;
          if (v) reachable += n;
          else {
            unreachable += n;
            blocked ??= [cs, cd];
          }
        }
      }
      const cell: MatrixCell = { from: froms[gi]!.name, to: tos[gj]!.name, pairs: reachable + unreachable, reachable, unreachable };
      if (blocked) {
        // A concrete blocked pair of these two groups, explained.
        const [cs, cd] = blocked;
        const a = froms[gi]!.members.find((i) => classOf.get(i.eni) === cs)!;
        const b = tos[gj]!.members.find((i) => classOf.get(i.eni) === cd && i.eni !== a.eni)!;
        const r = pairVerdict(world, a, b, probes, true);
        const e = r.analysis?.explanations.find((x) => x.onPath) ?? r.analysis?.explanations[0];
        cell.example = { from: a.label, to: b.label, code: e?.code ?? "BLOCKED", reason: e?.reason ?? "blocked", fix: e?.fix ?? "", ...(e?.fixes ? { fixes: e.fixes } : {}) };
      }
      cells.push(cell);
    }
  }
  return { protocol, port, cells, interfaces: new Set([...froms, ...tos].flatMap((g) => g.members.map((i) => i.eni))).size, sourceClasses: srcClasses.size, destinationClasses: dstClasses.size, questions, shortcuts };
}

/**
 * The same matrix, pair by pair, through the engine's front door (`engine.analyze` with the ids as a
 * user gives them, resolved each time): the independent reference the differential test compares to.
 */
export function bruteForceMatrix(world: World, froms: Group[], tos: Group[], protocol: MatrixProtocol, port?: PortRange): { from: string; to: string; reachable: number; unreachable: number }[] {
  const probes = probesFor(world, protocol, port);
  const out: { from: string; to: string; reachable: number; unreachable: number }[] = [];
  for (const f of froms) {
    for (const t of tos) {
      let reachable = 0;
      let unreachable = 0;
      for (const a of f.members) {
        for (const b of t.members) {
          if (a.eni === b.eni) continue;
          const got = probes.some(
            ([protocol, port]) =>
              engineOf(world).analyze({ source: a.eni.id, account: a.rs.account, region: a.rs.region, destination: b.eni.id, destinationAccount: b.rs.account, destinationRegion: b.rs.region, protocol, port, explain: false }).verdict ===
              "reachable",
          );
          if (got) reachable++;
          else unreachable++;
        }
      }
      out.push({ from: f.name, to: t.name, reachable, unreachable });
    }
  }
  return out;
}
