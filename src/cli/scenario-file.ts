/**
 * Scenario files: a YAML description of a multi-region topology (VPCs, subnets, internet gateways,
 * peerings, route tables and routes, security groups and rules, instances) that `vpclab up` builds and
 * `vpclab down` removes. This module parses and validates a file; `scenario-run.ts` applies it.
 *
 * Every error names the file, the line and column, and the field (`seed.yaml:14:11: vpcs[0].cidr: …`),
 * and all errors are reported at once. Names (which become Name tags) are unique within a file and
 * resolve to ids when the file is applied, so a route can say `to: singapore-vpc` (the peering with that
 * VPC), `to: tokyo-singapore` (a peering by name) or `to: tokyo-igw`, and a rule can say
 * `from: singapore-vpc` (that VPC's CIDRs).
 *
 * Schema (see scenarios/seed.yaml for a worked example):
 *   scenario: <name>                      # tags every created resource with vpclab:scenario=<name>
 *   description: <text>
 *   vpcs:           [{ name, region, cidr | default: true, subnets: [{ name, cidr, zone }] }]
 *   internet_gateways: [{ name, vpc }]
 *   peerings:       [{ name, from: <vpc>, to: <vpc> }]                 # same account
 *   route_tables:   [{ name | main: true, vpc, routes: [{ destination, to }], subnets: all | [<subnet>] }]
 *   security_groups: [{ name, vpc, description, ingress: [{ protocol, port, from }] }]
 *   instances:      [{ name, subnet | (vpc + zone), security_groups: [..], type, image }]
 *   transit_gateways: [{ name, region, asn }]                          # no default table association/propagation
 *   tgw_attachments:  [{ name, transit_gateway, vpc, subnets: [<subnet>, one per zone] }
 *                      | { name, transit_gateway, peer: <tgw in another region> }]   # peering: requested, accepted
 *   tgw_route_tables: [{ name, transit_gateway, associations: [<attachment>], propagations: [<vpc attachment>],
 *                        routes: [{ destination, to: <attachment> | blackhole }] }]
 *   mesh:           { vpcs: [<vpc>, …], allow: "icmp,tcp:22" }          # applied by `vpclab mesh`'s code
 *   (a VPC route's `to:` may name a transit gateway the VPC is attached to under tgw_attachments)
 *
 * Fidelity notes: one account per file (the credentials' account); a `default: true` VPC is the region's
 * default VPC, used as it is and never created or deleted, and its default subnets are named by zone.
 */
import { readFileSync } from "node:fs";
import { LineCounter, isMap, parseDocument, type Document } from "yaml";
import { cidrOf, containsCidr, overlaps, parseCidr } from "../domain/cidr.js";

export interface SubnetDecl {
  name: string;
  cidr: string;
  zone: string;
}
export interface VpcDecl {
  name: string;
  region: string;
  cidr?: string;
  isDefault: boolean;
  subnets: SubnetDecl[];
}
export interface IgwDecl {
  name: string;
  vpc: string;
}
export interface PeeringDecl {
  name: string;
  from: string;
  to: string;
}
export interface RouteDecl {
  destination: string;
  /** what the file says: a peering, VPC, or gateway name, or an id */
  to: string;
}
export interface RouteTableDecl {
  name?: string;
  vpc: string;
  main: boolean;
  routes: RouteDecl[];
  subnets: "all" | string[];
}
export interface RuleDecl {
  protocol: "icmp" | "tcp" | "udp" | "-1";
  from: number;
  to: number;
  /** a CIDR or a VPC name */
  source: string;
}
export interface SecurityGroupDecl {
  name: string;
  vpc: string;
  description: string;
  ingress: RuleDecl[];
}
export interface InstanceDecl {
  name: string;
  vpc: string;
  /** a declared subnet's name, or undefined with `zone` (a default VPC's default subnet) */
  subnet?: string;
  zone?: string;
  securityGroups: string[];
  type: string;
  image?: string;
}
/** A transit gateway declared explicitly: no default route table association or propagation, so the
 *  file's `tgw_route_tables` alone decide where packets go. */
export interface TgwDecl {
  name: string;
  region: string;
  asn?: number;
}
/** A VPC attachment (`vpc` + `subnets`, one per zone) or an inter-region peering attachment (`peer`). */
export interface TgwAttachmentDecl {
  name: string;
  transitGateway: string;
  vpc?: string;
  subnets: string[];
  peer?: string;
}
export interface TgwRouteDecl {
  destination: string;
  /** an attachment name, or "blackhole" */
  to: string;
}
export interface TgwRouteTableDecl {
  name: string;
  transitGateway: string;
  associations: string[];
  propagations: string[];
  routes: TgwRouteDecl[];
}
/** VPCs joined through transit gateways exactly as `vpclab mesh` joins them (same code). */
export interface MeshDecl {
  vpcs: string[];
  allow?: string;
}

export interface Scenario {
  file: string;
  scenario: string;
  description?: string;
  vpcs: VpcDecl[];
  internetGateways: IgwDecl[];
  peerings: PeeringDecl[];
  routeTables: RouteTableDecl[];
  securityGroups: SecurityGroupDecl[];
  instances: InstanceDecl[];
  transitGateways: TgwDecl[];
  tgwAttachments: TgwAttachmentDecl[];
  tgwRouteTables: TgwRouteTableDecl[];
  mesh?: MeshDecl;
}

export interface SchemaProblem {
  file: string;
  line: number;
  col: number;
  field: string;
  message: string;
}

export class ScenarioError extends Error {
  override readonly name = "InvalidScenario";
  constructor(readonly problems: SchemaProblem[]) {
    super(
      problems.length === 1
        ? formatProblem(problems[0]!)
        : `${problems.length} problems:\n${problems.map((p) => "  " + formatProblem(p)).join("\n")}`,
    );
  }
}

export function formatProblem(p: SchemaProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.field}: ${p.message}`;
}

type Path = (string | number)[];

function fieldName(path: Path): string {
  let s = "";
  for (const p of path) s += typeof p === "number" ? `[${p}]` : s ? `.${p}` : p;
  return s || "(top level)";
}

const REGION_RE = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.:/=+@-]{0,127}$/;
const DEFAULT_VPC_CIDR = "172.31.0.0/16";

class Checker {
  readonly problems: SchemaProblem[] = [];
  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** The position of a path's value, or of its nearest existing parent; `key` for the key itself. */
  private pos(path: Path, key = false): { line: number; col: number } {
    if (key && path.length > 0) {
      const parent = this.doc.getIn(path.slice(0, -1), true);
      if (isMap(parent)) {
        const pair = parent.items.find((p) => (p.key as { value?: unknown })?.value === path[path.length - 1]);
        const r = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
        if (r) return this.lines.linePos(r[0]);
      }
    }
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, n), true);
      const r = (node as { range?: [number, number, number] } | null)?.range;
      if (r) return this.lines.linePos(r[0]);
    }
    return { line: 1, col: 1 };
  }

  fail(path: Path, message: string, key = false): void {
    const { line, col } = this.pos(path, key);
    this.problems.push({ file: this.file, line, col, field: fieldName(path), message });
  }

  object(v: unknown, path: Path, allowed: string[]): Record<string, unknown> | undefined {
    if (v === null || typeof v !== "object" || Array.isArray(v)) {
      this.fail(path, `must be a mapping (key: value), got ${describe(v)}`);
      return undefined;
    }
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) this.fail([...path, k], `unknown field; expected one of: ${allowed.join(", ")}`, true);
    }
    return o;
  }

  list(o: Record<string, unknown>, key: string, path: Path, required = false): unknown[] {
    const v = o[key];
    if (v === undefined || v === null) {
      if (required) this.fail(path, `missing required field "${key}"`);
      return [];
    }
    if (!Array.isArray(v)) {
      this.fail([...path, key], `must be a list, got ${describe(v)}`);
      return [];
    }
    return v;
  }

  string(o: Record<string, unknown>, key: string, path: Path, required: boolean): string | undefined {
    const v = o[key];
    if (v === undefined || v === null) {
      if (required) this.fail(path, `missing required field "${key}"`);
      return undefined;
    }
    if (typeof v !== "string" && typeof v !== "number") {
      this.fail([...path, key], `must be a string, got ${describe(v)}`);
      return undefined;
    }
    return String(v);
  }

  bool(o: Record<string, unknown>, key: string, path: Path): boolean {
    const v = o[key];
    if (v === undefined || v === null) return false;
    if (typeof v !== "boolean") {
      this.fail([...path, key], `must be true or false, got ${describe(v)}`);
      return false;
    }
    return v;
  }

  cidr(text: string | undefined, path: Path, min = 0, max = 32): string | undefined {
    if (text === undefined) return undefined;
    const c = parseCidr(text);
    if (!c) {
      this.fail(path, `"${text}" is not an IPv4 CIDR block (a.b.c.d/n)`);
      return undefined;
    }
    if (c.hadHostBits) {
      this.fail(path, `"${text}" has host bits set; did you mean ${formatBase(text)}?`);
      return undefined;
    }
    if (c.prefix < min || c.prefix > max) {
      this.fail(path, `"${text}": the netmask must be between /${min} and /${max}`);
      return undefined;
    }
    return text;
  }
}

function formatBase(text: string): string {
  const c = cidrOf(text);
  const ip = c.base;
  return `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}/${c.prefix}`;
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** Parses and validates a scenario file's text; throws ScenarioError listing every problem. */
export function parseScenario(text: string, file: string): Scenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    throw new ScenarioError(
      doc.errors.map((e) => {
        const lp = e.linePos?.[0] ?? { line: 1, col: 1 };
        return { file, line: lp.line, col: lp.col, field: "(YAML)", message: e.message.split("\n")[0]! };
      }),
    );
  }
  const c = new Checker(file, doc, lines);
  const root = c.object(doc.toJS() ?? {}, [], [
    "scenario",
    "description",
    "vpcs",
    "internet_gateways",
    "peerings",
    "route_tables",
    "security_groups",
    "instances",
    "transit_gateways",
    "tgw_attachments",
    "tgw_route_tables",
    "mesh",
  ]);
  if (!root) throw new ScenarioError(c.problems);

  const scenario = c.string(root, "scenario", [], true) ?? "";
  if (scenario && !/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(scenario)) c.fail(["scenario"], "letters, digits, - and _ only (at most 64)");
  const description = c.string(root, "description", [], false);

  const names = new Map<string, { kind: string; path: Path }>();
  const claim = (name: string | undefined, kind: string, path: Path) => {
    if (!name) return;
    if (!NAME_RE.test(name)) c.fail([...path, "name"], `"${name}" is not a usable name (letters, digits and _.:/=+@-, at most 128)`);
    const prev = names.get(name);
    if (prev) c.fail([...path, "name"], `"${name}" is already the name of ${prev.kind} ${fieldName(prev.path)}; names must be unique in a file`);
    else names.set(name, { kind, path });
  };

  // ---- vpcs and subnets
  const vpcs: VpcDecl[] = [];
  const subnetsByName = new Map<string, { subnet: SubnetDecl; vpc: VpcDecl }>();
  c.list(root, "vpcs", [], true).forEach((raw, i) => {
    const p: Path = ["vpcs", i];
    const o = c.object(raw, p, ["name", "region", "cidr", "default", "subnets"]);
    if (!o) return;
    const name = c.string(o, "name", p, true);
    claim(name, "VPC", p);
    const region = c.string(o, "region", p, true);
    if (region && !REGION_RE.test(region)) c.fail([...p, "region"], `"${region}" is not a region name (e.g. ap-northeast-1)`);
    const isDefault = c.bool(o, "default", p);
    let cidr: string | undefined;
    if (isDefault) {
      if (o.cidr !== undefined && o.cidr !== DEFAULT_VPC_CIDR) c.fail([...p, "cidr"], `a default VPC is always ${DEFAULT_VPC_CIDR}; leave cidr out`);
      cidr = DEFAULT_VPC_CIDR;
    } else {
      cidr = c.cidr(c.string(o, "cidr", p, true), [...p, "cidr"], 16, 28);
    }
    const vpc: VpcDecl = { name: name ?? "", region: region ?? "", cidr, isDefault, subnets: [] };
    c.list(o, "subnets", p).forEach((sraw, j) => {
      const sp: Path = [...p, "subnets", j];
      if (isDefault) {
        c.fail(sp, "a default VPC already has one default subnet per zone; refer to them with `zone:` on instances and `subnets: all` on route tables");
        return;
      }
      const so = c.object(sraw, sp, ["name", "cidr", "zone"]);
      if (!so) return;
      const sname = c.string(so, "name", sp, true);
      claim(sname, "subnet", sp);
      const scidr = c.cidr(c.string(so, "cidr", sp, true), [...sp, "cidr"], 16, 28);
      if (scidr && cidr && !containsCidr(cidrOf(cidr), cidrOf(scidr))) c.fail([...sp, "cidr"], `${scidr} is not inside the VPC's ${cidr}`);
      for (const other of vpc.subnets) {
        if (scidr && overlaps(cidrOf(other.cidr), cidrOf(scidr))) c.fail([...sp, "cidr"], `${scidr} overlaps subnet ${other.name} (${other.cidr})`);
      }
      const zone = c.string(so, "zone", sp, true);
      if (zone && !/^[a-z]$/.test(zone) && !(region && zone.startsWith(region) && /^[a-z]$/.test(zone.slice(region.length)))) {
        c.fail([...sp, "zone"], `"${zone}" is not a zone letter (a, b, c…) or a zone of ${region ?? "the region"} (e.g. ${region ?? "ap-northeast-1"}a)`);
      }
      if (sname && scidr && zone) {
        const s = { name: sname, cidr: scidr, zone: zone.length === 1 ? zone : zone.slice(-1) };
        vpc.subnets.push(s);
        subnetsByName.set(sname, { subnet: s, vpc });
      }
    });
    vpcs.push(vpc);
  });
  const vpcByName = new Map(vpcs.map((v) => [v.name, v]));
  const needVpc = (v: string | undefined, path: Path): VpcDecl | undefined => {
    if (v === undefined) return undefined;
    const vpc = vpcByName.get(v);
    if (!vpc) c.fail(path, `no VPC named "${v}" in this file (VPCs: ${[...vpcByName.keys()].join(", ") || "none"})`);
    return vpc;
  };

  // ---- internet gateways
  const internetGateways: IgwDecl[] = [];
  c.list(root, "internet_gateways", []).forEach((raw, i) => {
    const p: Path = ["internet_gateways", i];
    const o = c.object(raw, p, ["name", "vpc"]);
    if (!o) return;
    const name = c.string(o, "name", p, true);
    claim(name, "internet gateway", p);
    const vpcName = c.string(o, "vpc", p, true);
    const vpc = needVpc(vpcName, [...p, "vpc"]);
    if (vpc?.isDefault) c.fail([...p, "vpc"], `${vpc.name} is a default VPC: it already has an internet gateway`);
    if (internetGateways.some((g) => g.vpc === vpcName)) c.fail([...p, "vpc"], `${vpcName} already has an internet gateway in this file (one per VPC)`);
    if (name && vpcName) internetGateways.push({ name, vpc: vpcName });
  });

  // ---- peerings
  const peerings: PeeringDecl[] = [];
  c.list(root, "peerings", []).forEach((raw, i) => {
    const p: Path = ["peerings", i];
    const o = c.object(raw, p, ["name", "from", "to"]);
    if (!o) return;
    const name = c.string(o, "name", p, true);
    claim(name, "peering", p);
    const from = needVpc(c.string(o, "from", p, true), [...p, "from"]);
    const to = needVpc(c.string(o, "to", p, true), [...p, "to"]);
    if (from && to) {
      if (from === to) c.fail([...p, "to"], "a VPC cannot peer with itself");
      else if (from.cidr && to.cidr && overlaps(cidrOf(from.cidr), cidrOf(to.cidr))) {
        c.fail([...p, "to"], `${from.name} (${from.cidr}) and ${to.name} (${to.cidr}) overlap: AWS refuses to peer overlapping VPCs`);
      }
      if (peerings.some((q) => (q.from === from.name && q.to === to.name) || (q.from === to.name && q.to === from.name))) {
        c.fail([...p, "to"], `${from.name} and ${to.name} are already peered in this file`);
      }
      if (name) peerings.push({ name, from: from.name, to: to.name });
    }
  });
  const peeringByName = new Map(peerings.map((x) => [x.name, x]));
  const igwByName = new Map(internetGateways.map((x) => [x.name, x]));

  // ---- transit gateways, their attachments and route tables
  const transitGateways: TgwDecl[] = [];
  c.list(root, "transit_gateways", []).forEach((raw, i) => {
    const p: Path = ["transit_gateways", i];
    const o = c.object(raw, p, ["name", "region", "asn"]);
    if (!o) return;
    const name = c.string(o, "name", p, true);
    claim(name, "transit gateway", p);
    const region = c.string(o, "region", p, true);
    if (region && !REGION_RE.test(region)) c.fail([...p, "region"], `"${region}" is not a region name (e.g. ap-northeast-1)`);
    let asn: number | undefined;
    if (o.asn !== undefined) {
      const a = o.asn;
      if (typeof a !== "number" || !Number.isInteger(a) || !((a >= 64512 && a <= 65534) || (a >= 4200000000 && a <= 4294967294))) {
        c.fail([...p, "asn"], `must be a private ASN (64512-65534 or 4200000000-4294967294), got ${describe(a)}`);
      } else asn = a;
    }
    if (name && region) transitGateways.push({ name, region, ...(asn !== undefined ? { asn } : {}) });
  });
  const tgwByName = new Map(transitGateways.map((x) => [x.name, x]));
  const needTgw = (t: string | undefined, path: Path): TgwDecl | undefined => {
    if (t === undefined) return undefined;
    const tgw = tgwByName.get(t);
    if (!tgw) c.fail(path, `no transit gateway named "${t}" in this file (transit_gateways: ${[...tgwByName.keys()].join(", ") || "none"})`);
    return tgw;
  };

  const tgwAttachments: TgwAttachmentDecl[] = [];
  c.list(root, "tgw_attachments", []).forEach((raw, i) => {
    const p: Path = ["tgw_attachments", i];
    const o = c.object(raw, p, ["name", "transit_gateway", "vpc", "subnets", "peer"]);
    if (!o) return;
    const name = c.string(o, "name", p, true);
    claim(name, "transit gateway attachment", p);
    const tgwName = c.string(o, "transit_gateway", p, true);
    const tgw = needTgw(tgwName, [...p, "transit_gateway"]);
    const vpcName = c.string(o, "vpc", p, false);
    const peerName = c.string(o, "peer", p, false);
    if ((vpcName === undefined) === (peerName === undefined)) return c.fail(p, "give exactly one of `vpc` (a VPC attachment) or `peer` (a peering attachment to another region's transit gateway)");
    const subnets: string[] = [];
    if (vpcName !== undefined) {
      const vpc = needVpc(vpcName, [...p, "vpc"]);
      if (vpc && tgw && vpc.region !== tgw.region) c.fail([...p, "vpc"], `${vpc.name} is in ${vpc.region}, ${tgw.name} in ${tgw.region}: a VPC attaches to a transit gateway of its own region`);
      if (vpc?.isDefault) c.fail([...p, "vpc"], "a default VPC's subnets are not declared in the file; attach a declared VPC");
      const zones = new Set<string>();
      c.list(o, "subnets", p, true).forEach((sraw, j) => {
        const sub = typeof sraw === "string" ? subnetsByName.get(sraw) : undefined;
        if (!sub) return c.fail([...p, "subnets", j], `no subnet named ${JSON.stringify(sraw)} in this file`);
        if (vpc && sub.vpc !== vpc) return c.fail([...p, "subnets", j], `subnet ${sraw} is in ${sub.vpc.name}, not ${vpc.name}`);
        if (zones.has(sub.subnet.zone)) return c.fail([...p, "subnets", j], `a second subnet in zone ${sub.subnet.zone}: an attachment takes one subnet per Availability Zone`);
        zones.add(sub.subnet.zone);
        subnets.push(sraw as string);
      });
      if (vpc && tgwAttachments.some((a) => a.vpc === vpc.name && a.transitGateway === tgwName)) c.fail([...p, "vpc"], `${vpc.name} is already attached to ${tgwName} in this file`);
    } else {
      if (o.subnets !== undefined) c.fail([...p, "subnets"], "a peering attachment has no subnets");
      const peer = needTgw(peerName, [...p, "peer"]);
      if (peer && tgw) {
        if (peer === tgw) c.fail([...p, "peer"], "a transit gateway cannot peer with itself");
        else if (peer.region === tgw.region) c.fail([...p, "peer"], `${tgw.name} and ${peer.name} are both in ${tgw.region}: vpclab models inter-region transit gateway peering only`);
        if (tgwAttachments.some((a) => a.peer && ((a.transitGateway === tgw.name && a.peer === peer.name) || (a.transitGateway === peer.name && a.peer === tgw.name)))) c.fail([...p, "peer"], `${tgw.name} and ${peer.name} are already peered in this file`);
      }
    }
    if (name && tgwName) tgwAttachments.push({ name, transitGateway: tgwName, ...(vpcName ? { vpc: vpcName } : {}), subnets, ...(peerName ? { peer: peerName } : {}) });
  });
  const tgwAttByName = new Map(tgwAttachments.map((x) => [x.name, x]));
  /** Is attachment `a` on gateway `tgw` (a peering attachment is on both of its gateways)? */
  const onTgw = (a: TgwAttachmentDecl, tgw: string) => a.transitGateway === tgw || a.peer === tgw;

  const tgwRouteTables: TgwRouteTableDecl[] = [];
  const associated = new Map<string, string>();
  c.list(root, "tgw_route_tables", []).forEach((raw, i) => {
    const p: Path = ["tgw_route_tables", i];
    const o = c.object(raw, p, ["name", "transit_gateway", "associations", "propagations", "routes"]);
    if (!o) return;
    const name = c.string(o, "name", p, true);
    claim(name, "transit gateway route table", p);
    const tgwName = c.string(o, "transit_gateway", p, true);
    const tgw = needTgw(tgwName, [...p, "transit_gateway"]);
    const attList = (key: "associations" | "propagations") => {
      const out: string[] = [];
      c.list(o, key, p).forEach((araw, j) => {
        const a = typeof araw === "string" ? tgwAttByName.get(araw) : undefined;
        if (!a) return c.fail([...p, key, j], `no transit gateway attachment named ${JSON.stringify(araw)} in this file`);
        if (tgw && !onTgw(a, tgw.name)) return c.fail([...p, key, j], `attachment ${a.name} is not on ${tgw.name}`);
        if (out.includes(a.name)) return c.fail([...p, key, j], `${a.name} is listed twice`);
        if (key === "propagations" && a.peer) return c.fail([...p, key, j], `${a.name} is a peering attachment: a peering attachment never propagates (route to it with a static route)`);
        if (key === "associations") {
          const k = `${tgwName}|${a.name}`;
          if (associated.has(k)) return c.fail([...p, key, j], `${a.name} is already associated with ${associated.get(k)}: an attachment has one association per transit gateway`);
          associated.set(k, name ?? "");
        }
        out.push(a.name);
      });
      return out;
    };
    const associations = attList("associations");
    const propagations = attList("propagations");
    const routes: TgwRouteDecl[] = [];
    c.list(o, "routes", p).forEach((rraw, j) => {
      const rp: Path = [...p, "routes", j];
      const ro = c.object(rraw, rp, ["destination", "to"]);
      if (!ro) return;
      const dest = c.cidr(c.string(ro, "destination", rp, true), [...rp, "destination"]);
      const to = c.string(ro, "to", rp, true);
      if (to && to !== "blackhole") {
        const a = tgwAttByName.get(to);
        if (!a) c.fail([...rp, "to"], `"${to}" is neither "blackhole" nor a transit gateway attachment of this file`);
        else if (tgw && !onTgw(a, tgw.name)) c.fail([...rp, "to"], `attachment ${to} is not on ${tgw.name}`);
      }
      if (dest && routes.some((r) => r.destination === dest)) c.fail([...rp, "destination"], `${dest} is already routed in this table`);
      if (dest && to) routes.push({ destination: dest, to });
    });
    if (name && tgwName) tgwRouteTables.push({ name, transitGateway: tgwName, associations, propagations, routes });
  });

  // ---- route tables
  const routeTables: RouteTableDecl[] = [];
  c.list(root, "route_tables", []).forEach((raw, i) => {
    const p: Path = ["route_tables", i];
    const o = c.object(raw, p, ["name", "vpc", "main", "routes", "subnets"]);
    if (!o) return;
    const main = c.bool(o, "main", p);
    const name = c.string(o, "name", p, !main);
    if (name) claim(name, "route table", p);
    const vpcName = c.string(o, "vpc", p, true);
    const vpc = needVpc(vpcName, [...p, "vpc"]);
    if (main && vpcName && routeTables.some((t) => t.main && t.vpc === vpcName)) c.fail([...p, "main"], `${vpcName}'s main route table is already described above`);
    const routes: RouteDecl[] = [];
    c.list(o, "routes", p).forEach((rraw, j) => {
      const rp: Path = [...p, "routes", j];
      const ro = c.object(rraw, rp, ["destination", "to"]);
      if (!ro) return;
      const dest = c.cidr(c.string(ro, "destination", rp, true), [...rp, "destination"]);
      const to = c.string(ro, "to", rp, true);
      if (to && vpc) {
        const tgw = tgwByName.get(to);
        const problem = tgw
          ? tgwAttachments.some((a) => a.vpc === vpc.name && a.transitGateway === tgw.name)
            ? undefined
            : `${vpc.name} is not attached to transit gateway ${to} under tgw_attachments: AWS refuses a route to a gateway the VPC is not attached to`
          : routeTargetProblem(to, vpc, peeringByName, igwByName, vpcByName, peerings);
        if (problem) c.fail([...rp, "to"], problem);
      }
      if (dest && routes.some((r) => r.destination === dest)) c.fail([...rp, "destination"], `${dest} is already routed in this table`);
      if (dest && to) routes.push({ destination: dest, to });
    });
    let subnets: "all" | string[] = [];
    const sv = o.subnets;
    if (sv === "all") subnets = "all";
    else if (sv !== undefined && sv !== null) {
      if (!Array.isArray(sv)) c.fail([...p, "subnets"], `must be "all" or a list of subnet names, got ${describe(sv)}`);
      else {
        subnets = [];
        sv.forEach((s, j) => {
          const sub = typeof s === "string" ? subnetsByName.get(s) : undefined;
          if (!sub) c.fail([...p, "subnets", j], `no subnet named ${JSON.stringify(s)} in this file`);
          else if (vpc && sub.vpc !== vpc) c.fail([...p, "subnets", j], `subnet ${s} is in ${sub.vpc.name}, not ${vpc.name}`);
          else (subnets as string[]).push(s as string);
        });
      }
    }
    if (vpcName) routeTables.push({ name, vpc: vpcName, main, routes, subnets });
  });
  // A subnet has one route table: two tables claiming it is a mistake the file can show now.
  const claimed = new Map<string, number>();
  routeTables.forEach((t, i) => {
    const list = t.subnets === "all" ? (vpcByName.get(t.vpc)?.subnets.map((s) => s.name) ?? []) : t.subnets;
    for (const s of list) {
      if (claimed.has(s)) c.fail(["route_tables", i, "subnets"], `subnet ${s} is already associated with route_tables[${claimed.get(s)}]`);
      else claimed.set(s, i);
    }
  });

  // ---- security groups
  const securityGroups: SecurityGroupDecl[] = [];
  c.list(root, "security_groups", []).forEach((raw, i) => {
    const p: Path = ["security_groups", i];
    const o = c.object(raw, p, ["name", "vpc", "description", "ingress"]);
    if (!o) return;
    const name = c.string(o, "name", p, true);
    claim(name, "security group", p);
    if (name && /^sg-/i.test(name)) c.fail([...p, "name"], "AWS refuses group names starting with sg-");
    const vpcName = c.string(o, "vpc", p, true);
    needVpc(vpcName, [...p, "vpc"]);
    const desc = c.string(o, "description", p, false) ?? `vpclab scenario ${scenario}`;
    const ingress: RuleDecl[] = [];
    c.list(o, "ingress", p).forEach((rraw, j) => {
      const rp: Path = [...p, "ingress", j];
      const ro = c.object(rraw, rp, ["protocol", "port", "from"]);
      if (!ro) return;
      const protoText = c.string(ro, "protocol", rp, true)?.toLowerCase();
      const proto = protoText === "all" || protoText === "-1" ? "-1" : protoText;
      if (proto && !["icmp", "tcp", "udp", "-1"].includes(proto)) c.fail([...rp, "protocol"], `"${protoText}" is not icmp, tcp, udp or all`);
      const portText = c.string(ro, "port", rp, proto === "tcp" || proto === "udp");
      let from = -1;
      let to = -1;
      if (portText !== undefined && (proto === "tcp" || proto === "udp")) {
        const m = /^(\d+)(?:-(\d+))?$/.exec(portText);
        from = m ? Number(m[1]) : NaN;
        to = m ? Number(m[2] ?? m[1]) : NaN;
        if (!m || from > 65535 || to > 65535 || to < from) c.fail([...rp, "port"], `"${portText}" is not a port (22) or a range (8000-8080) within 0-65535`);
      } else if (portText !== undefined) {
        c.fail([...rp, "port"], `a port only applies to tcp and udp`);
      }
      const source = c.string(ro, "from", rp, true);
      if (source && !vpcByName.has(source)) c.cidr(source, [...rp, "from"]);
      if (proto && source) ingress.push({ protocol: proto as RuleDecl["protocol"], from, to, source });
    });
    if (name && vpcName) securityGroups.push({ name, vpc: vpcName, description: desc, ingress });
  });
  const sgByName = new Map(securityGroups.map((g) => [g.name, g]));

  // ---- instances
  const instances: InstanceDecl[] = [];
  c.list(root, "instances", []).forEach((raw, i) => {
    const p: Path = ["instances", i];
    const o = c.object(raw, p, ["name", "subnet", "vpc", "zone", "security_groups", "type", "image"]);
    if (!o) return;
    const name = c.string(o, "name", p, true);
    claim(name, "instance", p);
    const subnetName = c.string(o, "subnet", p, false);
    let vpcName = c.string(o, "vpc", p, false);
    const zone = c.string(o, "zone", p, false);
    if (subnetName) {
      const s = subnetsByName.get(subnetName);
      if (!s) c.fail([...p, "subnet"], `no subnet named "${subnetName}" in this file`);
      else {
        if (vpcName && vpcName !== s.vpc.name) c.fail([...p, "vpc"], `subnet ${subnetName} is in ${s.vpc.name}, not ${vpcName}`);
        vpcName = s.vpc.name;
      }
      if (zone) c.fail([...p, "zone"], "give either subnet, or vpc and zone (a default VPC's default subnet), not both");
    } else {
      const vpc = vpcName === undefined ? undefined : needVpc(vpcName, [...p, "vpc"]);
      if (vpcName === undefined) c.fail(p, 'missing required field "subnet" (or "vpc" and "zone" for a default VPC)');
      else if (vpc && !vpc.isDefault) c.fail([...p, "subnet"], `${vpc.name} is not a default VPC: name one of its subnets with "subnet"`);
      else if (zone === undefined) c.fail(p, 'missing required field "zone" (the default subnet\'s zone letter)');
      else if (!/^[a-z]$/.test(zone)) c.fail([...p, "zone"], `"${zone}" is not a zone letter (a, b, c…)`);
    }
    const sgs: string[] = [];
    c.list(o, "security_groups", p).forEach((g, j) => {
      const sg = typeof g === "string" ? sgByName.get(g) : undefined;
      if (!sg) c.fail([...p, "security_groups", j], `no security group named ${JSON.stringify(g)} in this file`);
      else if (vpcName && sg.vpc !== vpcName) c.fail([...p, "security_groups", j], `security group ${g} is in ${sg.vpc}, not ${vpcName}`);
      else sgs.push(g as string);
    });
    const type = c.string(o, "type", p, false) ?? "t3.micro";
    const image = c.string(o, "image", p, false);
    if (image && !/^ami-[0-9a-f]{8,17}$/.test(image)) c.fail([...p, "image"], `"${image}" is not an AMI id (ami-…); leave it out for Amazon Linux 2023`);
    if (name && vpcName) instances.push({ name, vpc: vpcName, subnet: subnetName, zone: subnetName ? undefined : zone, securityGroups: sgs, type, image });
  });

  // ---- mesh
  let mesh: MeshDecl | undefined;
  if (root.mesh !== undefined) {
    const p: Path = ["mesh"];
    const o = c.object(root.mesh, p, ["vpcs", "allow"]);
    if (o) {
      const names: string[] = [];
      const list = c.list(o, "vpcs", p, true);
      list.forEach((raw, i) => {
        if (typeof raw !== "string") return c.fail([...p, "vpcs", i], `must be a VPC name, got ${describe(raw)}`);
        const v = needVpc(raw, [...p, "vpcs", i]);
        if (!v) return;
        if (names.includes(raw)) return c.fail([...p, "vpcs", i], `${raw} is listed twice`);
        for (const other of names.map((n) => vpcByName.get(n)!)) {
          if (v.cidr && other.cidr && overlaps(cidrOf(v.cidr), cidrOf(other.cidr))) c.fail([...p, "vpcs", i], `${v.name} (${v.cidr}) overlaps ${other.name} (${other.cidr}): a transit gateway cannot route both`);
        }
        names.push(raw);
      });
      if (list.length > 0 && list.length < 2) c.fail([...p, "vpcs"], "a mesh joins at least two VPCs");
      const allow = c.string(o, "allow", p, false);
      for (const rule of (allow ?? "").split(",").map((x) => x.trim().toLowerCase()).filter(Boolean)) {
        if (!/^(all|-1|icmp(:\d{1,3})?|(tcp|udp)(:\d{1,5}(-\d{1,5})?)?)$/.test(rule)) c.fail([...p, "allow"], `"${rule}" is not icmp, icmp:<type>, tcp[:port[-port]], udp[:port[-port]] or all`);
      }
      mesh = { vpcs: names, ...(allow ? { allow } : {}) };
    }
  }

  if (c.problems.length) throw new ScenarioError(c.problems);
  return { file, scenario, description, vpcs, internetGateways, peerings, routeTables, securityGroups, instances, transitGateways, tgwAttachments, tgwRouteTables, ...(mesh ? { mesh } : {}) };
}

function routeTargetProblem(
  to: string,
  vpc: VpcDecl,
  peerings: Map<string, PeeringDecl>,
  igws: Map<string, IgwDecl>,
  vpcs: Map<string, VpcDecl>,
  allPeerings: PeeringDecl[],
): string | undefined {
  if (/^(pcx|igw|nat|tgw|eni|vgw|eigw)-[0-9a-f]+$/.test(to)) return undefined;
  const pcx = peerings.get(to);
  if (pcx) return pcx.from === vpc.name || pcx.to === vpc.name ? undefined : `peering ${to} does not involve ${vpc.name}`;
  const igw = igws.get(to);
  if (igw) return igw.vpc === vpc.name ? undefined : `internet gateway ${to} is attached to ${igw.vpc}, not ${vpc.name}`;
  if (vpcs.has(to)) {
    const found = allPeerings.filter((p) => (p.from === vpc.name && p.to === to) || (p.to === vpc.name && p.from === to));
    return found.length === 1 ? undefined : `no peering between ${vpc.name} and ${to} is declared under peerings`;
  }
  if (vpc.isDefault && to === "default-igw") return undefined;
  return `"${to}" is not a peering, VPC or internet gateway (nor a transit gateway) of this file, nor an id (pcx-…, igw-…, tgw-…)`;
}

export function loadScenario(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw Object.assign(new Error(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`), { Code: "FileNotFound" });
  }
  return parseScenario(text, path);
}
