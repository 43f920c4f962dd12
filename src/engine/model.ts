/**
 * The compiled network: every account × region of a `World` turned into integer-keyed indexes (ENIs by
 * private and public address, subnets, VPC CIDR blocks, subnet → route table and NACL) plus compiled
 * route tables (LPM intervals), security groups and NACLs, cached per record.
 *
 * Recompiling only what changed: `world.generation` says *that* something changed; `world.indexGeneration`
 * moves too unless the change was confined to one table's routes, rules or entries
 * (the one door, state/door.ts, knows which requests those are; the test builder calls
 * `World.tableChanged` itself). When `indexGeneration` moved, the engine re-checks its index against a flat
 * snapshot of the fields it was built from (references, sizes, addresses, states: comparisons only, no
 * parsing, no allocation) and rebuilds the index only when one of them differs. Route tables, security
 * groups and NACLs are compiled lazily, on first use by a query, and each cached compilation is
 * re-validated against its own record (routes, rules, entries) the first time it is used in a new
 * generation: a route change therefore costs the recompilation of that one table only.
 *
 * Reference: DESIGN.md rule 7.
 *
 * Prefix lists: a route table's or group's cached compilation also records the entries array of every
 * prefix list it references, so a ModifyManagedPrefixList or RestoreManagedPrefixListVersion (a new
 * version is a new array) recompiles exactly the tables and groups that use the list, without touching
 * them.
 *
 * Fidelity notes: the snapshot compares the fields the engine reads; a helper that mutated some other
 * field in place would not trigger a rebuild, which is harmless since the engine does not read it.
 */
import type { RegionState, World } from "../state/world.js";
import type {
  EgressOnlyInternetGateway,
  Instance,
  InternetGateway,
  NetworkAcl,
  NetworkInterface,
  Route,
  RouteTable,
  SecurityGroup,
  Subnet,
  Vpc,
  VpcPeeringConnection,
} from "../domain/types.js";
import { isPrivate, parseCidr, parseIp } from "../domain/cidr.js";
import { compileLpm, lookupLpm, originPriority, type LpmEntry, type LpmTable } from "./lpm.js";
import { compileAcl, compileSg, prefixListEntryLabel, type CompiledAcl, type CompiledSg } from "./filters.js";
import { findAwsPrefixList, prefixListCidrs } from "../domain/prefix-lists.js";
import { parseCidr6, parseIp6, containsIp6, formatCidr6 } from "../domain/cidr6.js";
import { compileLpm6, lookupLpm6, type Lpm6Entry, type Lpm6Table } from "./lpm6.js";
import { intern6, ip6Of, type Cidr6Int } from "./addr.js";

/**
 * A parsed CIDR block of either family. An IPv6 block has `v6` set and `base` -1, so that the IPv4
 * test `(ip & mask) === base` never matches it; `inCidr` tests an IPv6 address (a negative id,
 * engine/addr.ts) against `v6` only, so an IPv4 block never holds an IPv6 address and vice versa.
 */
export interface CidrInt {
  text: string;
  base: number;
  prefix: number;
  mask: number;
  v6?: Cidr6Int;
}

export function cidr6Int(text: string): CidrInt | undefined {
  const c = parseCidr6(text);
  if (!c) return undefined;
  const canon = formatCidr6(c);
  return { text: canon, base: -1, prefix: c.prefix, mask: 0, v6: { text: canon, base: c.base, prefix: c.prefix } };
}

export function cidrInt(text: string): CidrInt | undefined {
  const c = parseCidr(text);
  if (!c) return undefined;
  return { text, base: c.base, prefix: c.prefix, mask: c.prefix === 0 ? 0 : (0xffffffff << (32 - c.prefix)) >>> 0 };
}

export function inCidr(c: CidrInt, ip: number): boolean {
  if (ip < 0) return c.v6 !== undefined && containsIp6(c.v6, ip6Of(ip));
  return ((ip & c.mask) >>> 0) === c.base;
}

/** RFC 6598 shared address space (carrier-grade NAT): not routed on the Internet. */
export const RFC6598: CidrInt = { text: "100.64.0.0/10", base: 0x64400000, prefix: 10, mask: 0xffc00000 };

/** Destinations no router forwards (this network, loopback, link-local, multicast and reserved). */
export const NOT_ROUTABLE: readonly CidrInt[] = [
  { text: "0.0.0.0/8", base: 0, prefix: 8, mask: 0xff000000 },
  { text: "127.0.0.0/8", base: 0x7f000000, prefix: 8, mask: 0xff000000 },
  { text: "169.254.0.0/16", base: 0xa9fe0000, prefix: 16, mask: 0xffff0000 },
  { text: "224.0.0.0/3", base: 0xe0000000, prefix: 3, mask: 0xe0000000 },
];

export interface VpcInfo {
  vpc: Vpc;
  rs: RegionState;
  cidrs: CidrInt[];
  enisByIp: Map<number, EniInfo>;
  /** Peering connections (any state) that name this VPC on either side. */
  peerings: VpcPeeringConnection[];
  /** The attached (available) internet gateway, if any. */
  igw?: InternetGateway;
  /** The egress-only internet gateway created for this VPC, if any (IPv6 only). */
  eigw?: EgressOnlyInternetGateway;
  /** True when `cidrs` holds an IPv6 block (they follow the IPv4 blocks). */
  hasV6: boolean;
  mainRt?: RouteTable;
  defaultAcl?: NetworkAcl;
}

export interface SubnetInfo {
  subnet: Subnet;
  rs: RegionState;
  vpc: VpcInfo;
  /** The subnet's IPv4 block; absent for an IPv6-native subnet. */
  cidr?: CidrInt;
  /** The subnet's associated IPv6 /64, if any. */
  cidr6?: CidrInt;
  rt?: RouteTable;
  acl?: NetworkAcl;
}

export interface EniInfo {
  eni: NetworkInterface;
  rs: RegionState;
  vpc: VpcInfo;
  subnet: SubnetInfo;
  /** Every address of the interface: private IPv4, then IPv6 (negative ids, engine/addr.ts). */
  ips: number[];
  /** The primary private IPv4 address; for an IPv6-only interface (`ipv6Only`), its first IPv6 address. */
  primaryIp: number;
  /** True for an interface without IPv4 (IPv6-native subnet). */
  ipv6Only?: boolean;
  /** The first IPv6 address, if the interface has one. */
  primaryIp6?: number;
  publicIp?: number;
  instance?: Instance;
}

export interface CompiledRouteTable {
  rt: RouteTable;
  lpm: LpmTable;
  /** The IPv6 routes' longest-prefix table (values index `hits`, as `lpm`'s do). */
  lpm6: Lpm6Table;
  /** Parsed destinations (either family), index-aligned with `rt.routes` (undefined for a prefix-list route). */
  dests: (CidrInt | undefined)[];
  /** What each LPM value means: the route's index and the CIDR that matched (a prefix list has many). */
  hits: { route: number; dest: CidrInt }[];
}

interface Cached<T> {
  value: T;
  snap: unknown[];
  checkedGen: number;
}

/**
 * What the index was built from, as three homogeneous arrays (object references, strings, numbers) so
 * that the check is a tight loop of identity comparisons: no parsing, no allocation, no megamorphic
 * call site. In-place edits the API makes (a pushed or spliced address, association, attachment or
 * route-table association) change a reference or a length recorded here.
 */
class IndexSnapshot {
  objs: unknown[] = [];
  strs: (string | undefined)[] = [];
  nums: number[] = [];
}

function walkIndex(world: World, snap: IndexSnapshot, record: boolean): boolean {
  const O = snap.objs;
  const S = snap.strs;
  const N = snap.nums;
  let io = 0;
  let is = 0;
  let iN = 0;
  if (record) {
    for (const rs of world.regionStates()) {
      O.push(rs);
      N.push(rs.vpcs.size, rs.subnets.size, rs.routeTables.size, rs.networkAcls.size, rs.internetGateways.size, rs.instances.size, rs.networkInterfaces.size, rs.egressOnlyInternetGateways.size);
      for (const v of rs.vpcs.values()) {
        O.push(v, v.cidrBlocks, v.ipv6CidrBlocks);
        N.push(v.cidrBlocks.length, v.ipv6CidrBlocks?.length ?? 0);
        for (const b of v.cidrBlocks) S.push(b.cidr, b.state);
        for (const b of v.ipv6CidrBlocks ?? []) S.push(b.cidr, b.state);
      }
      for (const sn of rs.subnets.values()) {
        O.push(sn, sn.ipv6CidrBlocks);
        N.push(sn.ipv6CidrBlocks?.length ?? 0);
        for (const b of sn.ipv6CidrBlocks ?? []) S.push(b.cidr, b.state);
      }
      for (const g of rs.egressOnlyInternetGateways.values()) {
        O.push(g, g.attachments);
        N.push(g.attachments.length);
        for (const a of g.attachments) S.push(a.vpcId);
      }
      for (const rt of rs.routeTables.values()) {
        O.push(rt, rt.associations);
        N.push(rt.associations.length);
      }
      for (const acl of rs.networkAcls.values()) {
        O.push(acl, acl.associations);
        N.push(acl.associations.length);
      }
      for (const igw of rs.internetGateways.values()) {
        O.push(igw, igw.attachments);
        N.push(igw.attachments.length);
        for (const a of igw.attachments) S.push(a.vpcId, a.state);
      }
      for (const inst of rs.instances.values()) O.push(inst);
      for (const e of rs.networkInterfaces.values()) {
        O.push(e, e.privateIps, e.association, e.attachment, e.ipv6Addresses);
        N.push(e.privateIps.length, e.ipv6Addresses?.length ?? 0);
        for (const p of e.privateIps) S.push(p.address);
        for (const a of e.ipv6Addresses ?? []) S.push(a);
      }
    }
    O.push(world.peerings);
    N.push(world.peerings.size);
    for (const pcx of world.peerings.values()) O.push(pcx);
    return true;
  }
  for (const rs of world.regionStates()) {
    if (O[io++] !== rs) return false;
    if (
      N[iN++] !== rs.vpcs.size ||
      N[iN++] !== rs.subnets.size ||
      N[iN++] !== rs.routeTables.size ||
      N[iN++] !== rs.networkAcls.size ||
      N[iN++] !== rs.internetGateways.size ||
      N[iN++] !== rs.instances.size ||
      N[iN++] !== rs.networkInterfaces.size ||
      N[iN++] !== rs.egressOnlyInternetGateways.size
    ) {
      return false;
    }
    for (const v of rs.vpcs.values()) {
      if (O[io++] !== v || O[io++] !== v.cidrBlocks || O[io++] !== v.ipv6CidrBlocks || N[iN++] !== v.cidrBlocks.length || N[iN++] !== (v.ipv6CidrBlocks?.length ?? 0)) return false;
      for (const b of v.cidrBlocks) if (S[is++] !== b.cidr || S[is++] !== b.state) return false;
      if (v.ipv6CidrBlocks) for (const b of v.ipv6CidrBlocks) if (S[is++] !== b.cidr || S[is++] !== b.state) return false;
    }
    for (const sn of rs.subnets.values()) {
      if (O[io++] !== sn || O[io++] !== sn.ipv6CidrBlocks || N[iN++] !== (sn.ipv6CidrBlocks?.length ?? 0)) return false;
      if (sn.ipv6CidrBlocks) for (const b of sn.ipv6CidrBlocks) if (S[is++] !== b.cidr || S[is++] !== b.state) return false;
    }
    for (const g of rs.egressOnlyInternetGateways.values()) {
      if (O[io++] !== g || O[io++] !== g.attachments || N[iN++] !== g.attachments.length) return false;
      for (const a of g.attachments) if (S[is++] !== a.vpcId) return false;
    }
    for (const rt of rs.routeTables.values()) {
      if (O[io++] !== rt || O[io++] !== rt.associations || N[iN++] !== rt.associations.length) return false;
    }
    for (const acl of rs.networkAcls.values()) {
      if (O[io++] !== acl || O[io++] !== acl.associations || N[iN++] !== acl.associations.length) return false;
    }
    for (const igw of rs.internetGateways.values()) {
      if (O[io++] !== igw || O[io++] !== igw.attachments || N[iN++] !== igw.attachments.length) return false;
      for (const a of igw.attachments) if (S[is++] !== a.vpcId || S[is++] !== a.state) return false;
    }
    for (const inst of rs.instances.values()) if (O[io++] !== inst) return false;
    for (const e of rs.networkInterfaces.values()) {
      if (O[io++] !== e || O[io++] !== e.privateIps || O[io++] !== e.association || O[io++] !== e.attachment || O[io++] !== e.ipv6Addresses) return false;
      const ips = e.privateIps;
      if (N[iN++] !== ips.length) return false;
      const v6 = e.ipv6Addresses;
      if (N[iN++] !== (v6 ? v6.length : 0)) return false;
      for (let k = 0; k < ips.length; k++) if (S[is++] !== ips[k]!.address) return false;
      if (v6) for (let k = 0; k < v6.length; k++) if (S[is++] !== v6[k]) return false;
    }
  }
  if (O[io++] !== world.peerings || N[iN++] !== world.peerings.size) return false;
  for (const pcx of world.peerings.values()) if (O[io++] !== pcx) return false;
  return io === O.length && is === S.length && iN === N.length;
}

export class NetworkModel {
  vpcs = new Map<string, VpcInfo>();
  subnets = new Map<string, SubnetInfo>();
  enis = new Map<string, EniInfo>();
  instances = new Map<string, { instance: Instance; rs: RegionState }>();
  /** Public IPv4 address → the ENI that holds it. */
  publicIps = new Map<number, EniInfo>();
  /** Private address → every ENI that holds it (VPCs in different places may reuse an address). */
  privateIps = new Map<number, EniInfo[]>();
  peerings = new Map<string, VpcPeeringConnection>();
  /**
   * VPC CIDR blocks outside RFC 1918 and RFC 6598 (a VPC may use a publicly routable range): the
   * simulated Internet must never answer for them. Usually empty, so a scan costs nothing.
   */
  publicCidrVpcs: { cidr: CidrInt; vpc: VpcInfo }[] = [];
  /** Index builds so far (for tests and the benchmark). */
  builds = 0;
  private builtGen = -1;
  private builtIndexGen = -1;
  private snapshot = new IndexSnapshot();
  private readonly rtCache = new WeakMap<RouteTable, Cached<CompiledRouteTable>>();
  private readonly sgCache = new WeakMap<SecurityGroup, Cached<CompiledSg>>();
  private readonly aclCache = new WeakMap<NetworkAcl, Cached<CompiledAcl>>();
  private readonly ipCache = new Map<string, number>();
  private readonly cidrCache = new Map<string, CidrInt | null>();
  private readonly cidr6Cache = new Map<string, CidrInt | null>();

  /** Parses a CIDR once per distinct text (records keep addresses as strings). */
  cidr(text: string): CidrInt | undefined {
    let v = this.cidrCache.get(text);
    if (v === undefined) {
      v = cidrInt(text) ?? null;
      this.cidrCache.set(text, v);
    }
    return v ?? undefined;
  }

  constructor(readonly world: World) {}

  /** Brings the index up to date with the world; cheap when nothing it reads has changed. */
  refresh(): this {
    const gen = this.world.generation;
    if (gen === this.builtGen) return this;
    // A change confined to one table's routes/rules/entries leaves the index alone: only that
    // table's own cache notices it (see TABLE_ONLY in state/door.ts).
    const indexGen = this.world.indexGeneration;
    if (indexGen !== this.builtIndexGen && !walkIndex(this.world, this.snapshot, false)) this.build();
    this.builtGen = gen;
    this.builtIndexGen = indexGen;
    return this;
  }

  /** Rebuilds the whole index (the compiled route tables, groups and ACLs stay cached per record). */
  build(): void {
    this.builds++;
    this.vpcs = new Map();
    this.subnets = new Map();
    this.enis = new Map();
    this.instances = new Map();
    this.publicIps = new Map();
    this.privateIps = new Map();
    this.peerings = this.world.peerings;
    this.publicCidrVpcs = [];
    for (const rs of this.world.regionStates()) {
      for (const vpc of rs.vpcs.values()) {
        const cidrs: CidrInt[] = [];
        for (const b of vpc.cidrBlocks) {
          if (b.state !== "associated" && b.state !== "associating") continue;
          const c = this.cidr(b.cidr);
          if (c) cidrs.push(c);
        }
        let hasV6 = false;
        for (const b of vpc.ipv6CidrBlocks ?? []) {
          if (b.state !== "associated" && b.state !== "associating") continue;
          const c = this.cidr6(b.cidr);
          if (c) {
            cidrs.push(c);
            hasV6 = true;
          }
        }
        const info: VpcInfo = { vpc, rs, cidrs, enisByIp: new Map(), peerings: [], hasV6 };
        this.vpcs.set(vpc.id, info);
        for (const c of cidrs) if (!c.v6 && !isPrivate(c.base) && !inCidr(RFC6598, c.base)) this.publicCidrVpcs.push({ cidr: c, vpc: info });
      }
      for (const g of rs.egressOnlyInternetGateways.values()) {
        for (const a of g.attachments) {
          const v = this.vpcs.get(a.vpcId);
          if (v) v.eigw = g;
        }
      }
      for (const igw of rs.internetGateways.values()) {
        for (const a of igw.attachments) {
          const v = this.vpcs.get(a.vpcId);
          if (v && a.state === "available") v.igw = igw;
        }
      }
      const explicitRt = new Map<string, RouteTable>();
      for (const rt of rs.routeTables.values()) {
        for (const a of rt.associations) {
          if (a.main) {
            const v = this.vpcs.get(rt.vpcId);
            if (v) v.mainRt = rt;
          } else if (a.subnetId !== undefined) explicitRt.set(a.subnetId, rt);
        }
      }
      const aclOf = new Map<string, NetworkAcl>();
      for (const acl of rs.networkAcls.values()) {
        if (acl.isDefault) {
          const v = this.vpcs.get(acl.vpcId);
          if (v) v.defaultAcl = acl;
        }
        for (const a of acl.associations) aclOf.set(a.subnetId, acl);
      }
      for (const subnet of rs.subnets.values()) {
        const vpc = this.vpcs.get(subnet.vpcId);
        const cidr = subnet.cidr === "" ? undefined : this.cidr(subnet.cidr);
        const b6 = subnet.ipv6CidrBlocks?.find((b) => b.state === "associated" || b.state === "associating");
        // An IPv6-native subnet has no IPv4 block (empty cidr): it is modelled by its IPv6 /64 alone.
        if (!vpc || (!cidr && !(subnet.ipv6Native && b6))) continue;
        this.subnets.set(subnet.id, {
          subnet,
          rs,
          vpc,
          cidr,
          cidr6: b6 ? this.cidr6(b6.cidr) : undefined,
          rt: explicitRt.get(subnet.id) ?? vpc.mainRt,
          acl: aclOf.get(subnet.id) ?? vpc.defaultAcl,
        });
      }
      for (const instance of rs.instances.values()) this.instances.set(instance.id, { instance, rs });
      for (const eni of rs.networkInterfaces.values()) {
        const subnet = this.subnets.get(eni.subnetId);
        if (!subnet) continue;
        const ips: number[] = [];
        let primaryIp = -1;
        for (const p of eni.privateIps) {
          const ip = this.ip(p.address);
          if (ip === undefined) continue;
          ips.push(ip);
          if (p.primary) primaryIp = ip;
        }
        const ipv6Only = ips.length === 0;
        if (!ipv6Only && primaryIp < 0) primaryIp = ips[0]!;
        let primaryIp6: number | undefined;
        for (const a of eni.ipv6Addresses ?? []) {
          const ip6 = this.ip6(a);
          if (ip6 === undefined) continue;
          ips.push(ip6);
          primaryIp6 ??= ip6;
        }
        if (ips.length === 0) continue;
        // An interface in an IPv6-native subnet has no IPv4 address: its primary IPv6 address stands in
        // (never used for IPv4: resolve.ts and analyze.ts refuse IPv4 to or from it).
        if (ipv6Only) primaryIp = primaryIp6!;
        const info: EniInfo = { eni, rs, vpc: subnet.vpc, subnet, ips, primaryIp, primaryIp6, ...(ipv6Only ? { ipv6Only: true } : {}) };
        const pub = eni.association ? this.ip(eni.association.publicIp) : undefined;
        if (pub !== undefined) {
          info.publicIp = pub;
          this.publicIps.set(pub, info);
        }
        const instId = eni.attachment?.instanceId;
        if (instId !== undefined) info.instance = rs.instances.get(instId);
        this.enis.set(eni.id, info);
        for (const ip of ips) {
          subnet.vpc.enisByIp.set(ip, info);
          const list = this.privateIps.get(ip);
          if (list) list.push(info);
          else this.privateIps.set(ip, [info]);
        }
      }
    }
    for (const pcx of this.world.peerings.values()) {
      this.vpcs.get(pcx.requester.vpcId)?.peerings.push(pcx);
      if (pcx.accepter.vpcId !== pcx.requester.vpcId) this.vpcs.get(pcx.accepter.vpcId)?.peerings.push(pcx);
    }
    this.snapshot = new IndexSnapshot();
    walkIndex(this.world, this.snapshot, true);
  }

  /** The VPCs whose CIDR blocks hold `ip` (a linear scan: for the rare questions about the Internet). */
  vpcsHolding(ip: number): VpcInfo[] {
    const out: VpcInfo[] = [];
    for (const v of this.vpcs.values()) if (v.cidrs.some((c) => inCidr(c, ip))) out.push(v);
    return out;
  }

  /** The VPC with a publicly routable CIDR block that holds `ip`, if any. */
  publicVpcHolding(ip: number): VpcInfo | undefined {
    for (const p of this.publicCidrVpcs) if (inCidr(p.cidr, ip)) return p.vpc;
    return undefined;
  }

  /** An IPv6 address's id (engine/addr.ts), parsed once per distinct text. */
  private ip6(text: string): number | undefined {
    let v = this.ipCache.get(text);
    if (v === undefined) {
      const p = parseIp6(text);
      if (p) {
        v = intern6(p);
        this.ipCache.set(text, v);
      }
    }
    return v;
  }

  /** Parses an IPv6 CIDR once per distinct text. */
  cidr6(text: string): CidrInt | undefined {
    let v = this.cidr6Cache.get(text);
    if (v === undefined) {
      v = cidr6Int(text) ?? null;
      this.cidr6Cache.set(text, v);
    }
    return v ?? undefined;
  }

  private ip(text: string): number | undefined {
    let v = this.ipCache.get(text);
    if (v === undefined) {
      v = parseIp(text);
      if (v !== undefined) this.ipCache.set(text, v);
    }
    return v;
  }

  // ---- lazily compiled records -------------------------------------------------------------------

  routeTable(rt: RouteTable): CompiledRouteTable {
    const gen = this.world.generation;
    const c = this.rtCache.get(rt);
    if (c && (c.checkedGen === gen || sameSnap(c.snap, rtSnap(rt, this.prefixListEntries(rt))))) {
      c.checkedGen = gen;
      return c.value;
    }
    const dests = rt.routes.map((r) => (r.destinationPrefixListId !== undefined ? undefined : r.destinationCidr.includes(":") ? this.cidr6(r.destinationCidr) : this.cidr(r.destinationCidr)));
    const entries: LpmEntry[] = [];
    const entries6: Lpm6Entry[] = [];
    const hits: { route: number; dest: CidrInt }[] = [];
    // The local routes' blocks: a prefix-list entry inside the VPC's own CIDR never overrides `local`.
    const locals = rt.routes.some((r) => r.destinationPrefixListId !== undefined) ? dests.filter((d, i): d is CidrInt => d !== undefined && rt.routes[i]!.target.kind === "local") : [];
    rt.routes.forEach((r, i) => {
      // A prefix-list route competes by each of its CIDRs (longest prefix first) and, for an equal
      // prefix, loses to a static CIDR route and beats a propagated one (VPC User Guide, "How route
      // priority works": longest prefix, then static routes, then prefix-list routes, then propagated).
      // IPv6 destinations go to their own table, with the same tie-breaks.
      const isList = r.destinationPrefixListId !== undefined;
      const priority = originPriority(r.origin, r.target.kind === "local", isList);
      for (const d of this.routeDestinations(rt, r, dests[i])) {
        if (isList && locals.some((l) => (l.v6 !== undefined) === (d.v6 !== undefined) && l.prefix <= d.prefix && (d.v6 ? containsIp6(l.v6!, d.v6.base) : inCidr(l, d.base)))) continue;
        if (d.v6) entries6.push({ base: d.v6.base, prefix: d.prefix, priority, value: hits.length });
        else entries.push({ base: d.base, prefix: d.prefix, priority, value: hits.length });
        hits.push({ route: i, dest: d });
      }
    });
    const value = { rt, lpm: compileLpm(entries), lpm6: compileLpm6(entries6), dests, hits };
    this.rtCache.set(rt, { value, snap: rtSnap(rt, this.prefixListEntries(rt)), checkedGen: gen });
    return value;
  }

  /**
   * The CIDRs a route's destination stands for: its CIDR, or every entry of its prefix list (an
   * AWS-managed list of the table's region, or a customer-managed list of its account and region). The
   * one place prefix lists are expanded for routing; an unknown list expands to nothing.
   */
  routeDestinations(rt: RouteTable, r: Route, parsed: CidrInt | undefined): CidrInt[] {
    if (r.destinationPrefixListId === undefined) return parsed ? [parsed] : [];
    const id = r.destinationPrefixListId;
    const own = this.world.existingRegion(rt.ownerId, rt.region)?.managedPrefixLists.get(id);
    const texts = own ? own.entries.map((e) => e.cidr) : (findAwsPrefixList(rt.region, id)?.cidrs ?? []);
    const out: CidrInt[] = [];
    for (const t of texts) {
      const c = t.includes(":") ? this.cidr6(t) : this.cidr(t);
      if (c) out.push(c);
    }
    return out;
  }

  /** The entry arrays of the customer-managed lists a table's routes name (a change of version replaces them). */
  private prefixListEntries(rt: RouteTable): unknown[] {
    const out: unknown[] = [];
    for (const r of rt.routes) {
      if (r.destinationPrefixListId === undefined) continue;
      out.push(this.world.existingRegion(rt.ownerId, rt.region)?.managedPrefixLists.get(r.destinationPrefixListId)?.entries);
    }
    return out;
  }

  /**
   * The route (and its index) that the table uses for `ip`, or undefined. For a prefix-list route,
   * `route` is a copy whose `destinationCidr` reads `pl-… entry <cidr>` (the list and the entry that
   * matched, for explanations) and `dest` is that entry.
   */
  lookup(rt: RouteTable, ip: number): { route: Route; index: number; dest: CidrInt } | undefined {
    const c = this.routeTable(rt);
    const h = ip < 0 ? lookupLpm6(c.lpm6, ip6Of(ip)) : lookupLpm(c.lpm, ip);
    if (h < 0) return undefined;
    const { route, dest } = c.hits[h]!;
    const r = rt.routes[route]!;
    const shown = r.destinationPrefixListId === undefined ? r : { ...r, destinationCidr: prefixListEntryLabel(r.destinationPrefixListId, dest.text) };
    return { route: shown, index: route, dest };
  }

  sg(sg: SecurityGroup): CompiledSg {
    const gen = this.world.generation;
    const c = this.sgCache.get(sg);
    if (c && c.checkedGen === gen) return c.value;
    const rs = this.world.existingRegion(sg.ownerId, sg.region);
    if (c && sameSnap(c.snap, sgSnap(rs, sg))) {
      c.checkedGen = gen;
      return c.value;
    }
    const value = compileSg(sg, (id) => (rs ? prefixListCidrs(rs, id) : undefined));
    this.sgCache.set(sg, { value, snap: sgSnap(rs, sg), checkedGen: gen });
    return value;
  }

  acl(acl: NetworkAcl): CompiledAcl {
    const gen = this.world.generation;
    const c = this.aclCache.get(acl);
    if (c && (c.checkedGen === gen || sameSnap(c.snap, aclSnap(acl)))) {
      c.checkedGen = gen;
      return c.value;
    }
    const value = compileAcl(acl);
    this.aclCache.set(acl, { value, snap: aclSnap(acl), checkedGen: gen });
    return value;
  }

  /** Security groups of an ENI, looked up in its own region (missing ids are skipped). */
  groupsOf(e: EniInfo): SecurityGroup[] {
    const out: SecurityGroup[] = [];
    for (const id of e.eni.securityGroupIds) {
      const sg = e.rs.securityGroups.get(id);
      if (sg) out.push(sg);
    }
    return out;
  }

  /** Compiles every route table, group and ACL now (the benchmark's "compile the model"). */
  compileAll(): void {
    for (const rs of this.world.regionStates()) {
      for (const rt of rs.routeTables.values()) this.routeTable(rt);
      for (const sg of rs.securityGroups.values()) this.sg(sg);
      for (const acl of rs.networkAcls.values()) this.acl(acl);
    }
  }
}

function sameSnap(a: unknown[], b: unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function rtSnap(rt: RouteTable, prefixLists: unknown[]): unknown[] {
  const s: unknown[] = [rt.routes.length];
  for (const r of rt.routes) {
    const t = r.target as { kind: string; id?: string; eniId?: string };
    s.push(r, r.destinationCidr, r.destinationPrefixListId, r.origin, t, t.kind, t.id, t.eniId);
  }
  s.push(...prefixLists);
  return s;
}

/** The record a cached compilation depends on for a prefix list: its current entries (or AWS's CIDRs). */
function listSnap(rs: RegionState | undefined, id: string): unknown {
  if (!rs) return undefined;
  return rs.managedPrefixLists.get(id)?.entries ?? findAwsPrefixList(rs.region, id)?.cidrs;
}

function sgSnap(rs: RegionState | undefined, sg: SecurityGroup): unknown[] {
  const s: unknown[] = [sg.rules.length];
  for (const r of sg.rules) {
    s.push(r, r.isEgress, r.ipProtocol, r.fromPort, r.toPort, r.cidrIpv4, r.cidrIpv6, r.referencedGroup?.groupId, r.prefixListId);
    if (r.prefixListId !== undefined) s.push(listSnap(rs, r.prefixListId));
  }
  return s;
}

function aclSnap(acl: NetworkAcl): unknown[] {
  const s: unknown[] = [acl.entries.length];
  for (const e of acl.entries) {
    s.push(e, e.ruleNumber, e.egress, e.protocol, e.ruleAction, e.cidrBlock, e.ipv6CidrBlock, e.portRange?.from, e.portRange?.to, e.icmp?.type, e.icmp?.code);
  }
  return s;
}

const models = new WeakMap<World, NetworkModel>();

/** The (shared) compiled model of a world, brought up to date. */
export function modelOf(world: World): NetworkModel {
  let m = models.get(world);
  if (!m) {
    m = new NetworkModel(world);
    models.set(world, m);
  }
  return m.refresh();
}
