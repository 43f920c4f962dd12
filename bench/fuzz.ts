/**
 * Fuzzer: sends N requests (default 100,000) built from the wire model, with mutated values, to a vpclab
 * it starts in-process on an ephemeral loopback port (or to `--endpoint`), then checks invariants
 * through `@aws-sdk/client-ec2`.
 *
 * Build and run: `npm run build && node dist/bench/fuzz.js [--n 100000] [--seed 1] [--endpoint URL]`
 * (or `npm run bench:fuzz -- --n 5000`).
 *
 * What it sends (all from one seeded generator, so a run is repeatable: requests go one at a time, and
 * the in-process server gets the same seed for its ids, so even the ids it learns are the same):
 * - calls of the implemented actions (and now and then an unimplemented one) whose parameters come from
 *   the operation's input shape in the wire model: members present or missing (required ones too),
 *   values of the wrong type, empty, huge (up to 200 KB), unicode, control characters and raw
 *   percent-escapes that are not UTF-8, XML/regex/glob metacharacters, list indexes such as
 *   `Filter.99999999`, unknown parameters, structures given as scalars and scalars given as lists;
 * - valid create calls (VPCs, subnets, security groups, internet gateways, route tables, routes,
 *   peerings, instances, tags) in three accounts × three regions, so state grows as the run goes;
 * - odd requests: prototype names as actions (`constructor`, `__proto__`), odd paths (`//`, `/..`),
 *   other methods, wrong content types, GET query strings, chunked and truncated bodies, missing, garbage
 *   and out-of-region `Authorization` headers; a few admin calls with bad JSON and out-of-range values
 *   (never `/reset`, which would undo the state the run builds).
 *
 * What it reports: counts by HTTP status and by error code, every 5xx with its request, every request
 * slower than 1 s, every hang (no answer in 10 s), every response that is not a well-formed envelope
 * (XML that XML 1.0 forbids, an error without a code, admin JSON that does not parse), and the invariant
 * checks it ran afterwards: every implemented Describe* without required parameters parses with the SDK
 * in each account × region, every subnet lies inside a CIDR block of its VPC, and no id is listed twice.
 * Last, it sends each attack of issue 9 seven times against the grown state and prints its status and
 * median / max answer time (a figure, not a pass mark: only the status counts toward the exit code).
 *
 * Exit status: non-zero on any 5xx other than 501 NotImplemented, any hang, any malformed response and
 * any invariant violation. Not a timed test; the figures it prints go to BENCHMARKS.md.
 */
import { Agent, request, type OutgoingHttpHeaders } from "node:http";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import * as EC2 from "@aws-sdk/client-ec2";
import { startVpclab, type Vpclab } from "../src/index.js";
import { serviceModel, SCALARS, type ServiceModel, type StructDef } from "../src/model/wire-model.js";
import { ec2OperationTable } from "../src/api/table.js";

// ---- options and results ---------------------------------------------------------------------

export interface FuzzOptions {
  n?: number;
  seed?: number;
  /** Aim at a running vpclab instead of starting one in-process. */
  endpoint?: string;
  /** A request with no answer after this long is a hang (default 10 s). */
  timeoutMs?: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface Finding {
  index: number;
  status: number | string;
  ms: number;
  request: string;
  response?: string;
}

export interface FuzzReport {
  sent: number;
  seconds: number;
  byStatus: Record<string, number>;
  byCode: Record<string, number>;
  serverErrors: Finding[];
  slow: Finding[];
  hangs: Finding[];
  malformed: Finding[];
  invariantChecks: number;
  violations: string[];
  /** The attacks of issue 9, each sent a few times after the run: status and answer times. */
  attacks: { name: string; statuses: number[]; medianMs: number; maxMs: number }[];
  /** Resources seen in the final state, by kind, over every account × region checked. */
  resources: Record<string, number>;
  ok: boolean;
}

// ---- a seeded generator ------------------------------------------------------------------------

class Rand {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  /** mulberry32 */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  /** Picks by weight: `[[weight, value], …]`. */
  weighted<T>(xs: readonly (readonly [number, T])[]): T {
    let total = 0;
    for (const [w] of xs) total += w;
    let x = this.next() * total;
    for (const [w, v] of xs) {
      x -= w;
      if (x < 0) return v;
    }
    return xs[xs.length - 1]![1];
  }
}

// ---- what the run knows about the server's state ---------------------------------------------

const ACCOUNTS = [
  { key: "test", account: "000000000000" },
  { key: "111122223333", account: "111122223333" },
  { key: "444455556666", account: "444455556666" },
];
const REGIONS = ["us-east-1", "eu-west-1", "ap-northeast-1"];

interface Scope {
  key: string;
  account: string;
  region: string;
}

interface Known {
  /** Ids by prefix (`vpc`, `subnet`, …), per scope. */
  ids: Map<string, Map<string, string[]>>;
  vpcs: Map<string, { id: string; cidr: string }[]>;
  amis: Map<string, string[]>;
}

const ID_RE = /\b(vpc|subnet|sg|sgr|rtb|rtbassoc|igw|acl|aclassoc|eni|eni-attach|i|pcx|eipalloc|eipassoc|key|nip|nia|dopt|ami|r)-[0-9a-f]{8,17}\b/g;
const MAX_KNOWN = 300;

function scopeKey(s: Scope): string {
  return `${s.account}/${s.region}`;
}

function remember(known: Known, scope: Scope, text: string, r: Rand): void {
  const k = scopeKey(scope);
  let byPrefix = known.ids.get(k);
  if (!byPrefix) known.ids.set(k, (byPrefix = new Map()));
  for (const m of text.matchAll(ID_RE)) {
    const prefix = m[1]!;
    let list = byPrefix.get(prefix);
    if (!list) byPrefix.set(prefix, (list = []));
    if (list.includes(m[0])) continue;
    if (list.length >= MAX_KNOWN) list[r.int(0, list.length - 1)] = m[0];
    else list.push(m[0]);
    if (prefix === "ami") {
      const amis = known.amis.get(scope.region) ?? [];
      if (!amis.includes(m[0]) && amis.length < 50) amis.push(m[0]);
      known.amis.set(scope.region, amis);
    }
  }
}

function knownId(known: Known, scope: Scope, prefix: string, r: Rand): string | undefined {
  const list = known.ids.get(scopeKey(scope))?.get(prefix);
  return list && list.length > 0 ? r.pick(list) : undefined;
}

// ---- values ------------------------------------------------------------------------------------

/** A value as sent on the wire: `raw` is put into the body as is (percent-escapes that are not UTF-8). */
type Wire = string | { raw: string };

const NASTY: readonly Wire[] = [
  "",
  " ",
  "a",
  "*",
  "?",
  "\\",
  "\\*",
  "*".repeat(12) + "Z",
  "*".repeat(30_000),
  "?".repeat(2000),
  "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b",
  "(a+)+$",
  "[",
  "^.*$",
  "<x>&'\"",
  "]]></x><y>",
  "<![CDATA[",
  "&amp;&#1;&#xFFFF;",
  "\u0001",
  "a\u0000b",
  "tab\there",
  "line\nbreak\r\n",
  "\u001f\u007f\u0085",
  "\uFFFE",
  "\uFFFF",
  "\u2028\u2029",
  "é",
  "日本語",
  "🙂🚀",
  "\u202Eevil",
  { raw: "%ED%A0%80" },
  { raw: "%FF%FE" },
  { raw: "%C0%80" },
  { raw: "%" },
  { raw: "%zz" },
  { raw: "%EF%BF%BF" },
  "null",
  "undefined",
  "true",
  "NaN",
  "Infinity",
  "-1",
  "0",
  "1e309",
  "0x10",
  "99999999999999999999",
  "__proto__",
  "constructor",
  "toString",
  "../../etc/passwd",
  "%2e%2e%2f",
  "a".repeat(256),
  "a".repeat(257),
  "b".repeat(5000),
  "c".repeat(200_000),
  "vpc-",
  "vpc-0123456789abcdef0",
  "vpc-zzzzzzzzzzzzzzzzz",
  "subnet-00000000",
  "sg-1",
  "i-ffffffffffffffffff",
  "0.0.0.0/0",
  "::/0",
  "10.0.0.0/33",
  "256.1.1.1/16",
  "10.0.0.0/-1",
  "10.0.0.0",
  "10.0.0.0/16/16",
  "2001:db8::/200",
];

function ipv4Cidr(r: Rand): string {
  return r.weighted<() => string>([
    [6, () => `10.${r.int(0, 255)}.0.0/16`],
    [3, () => `10.${r.int(0, 255)}.${r.int(0, 255)}.0/24`],
    [2, () => `${r.int(0, 255)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(0, 255)}/${r.int(0, 32)}`],
    [1, () => `172.${r.int(16, 31)}.${r.int(0, 255)}.0/${r.int(16, 28)}`],
    [1, () => `192.168.${r.int(0, 255)}.${r.int(0, 255)}/${r.int(0, 40)}`],
  ])();
}

const FILTER_NAMES = [
  "vpc-id",
  "cidr",
  "cidr-block",
  "state",
  "tag:Name",
  "tag-key",
  "tag-value",
  "is-default",
  "owner-id",
  "subnet-id",
  "group-name",
  "instance-state-name",
  "resource-id",
  "resource-type",
  "key",
  "value",
  "availability-zone",
  "route.destination-cidr-block",
  "association.main",
  "status-code",
];

function idLike(known: Known, scope: Scope, r: Rand, hint: string): Wire {
  const prefixes: Record<string, string> = {
    Vpc: "vpc",
    Subnet: "subnet",
    Group: "sg",
    SecurityGroup: "sg",
    SecurityGroupRule: "sgr",
    RouteTable: "rtb",
    InternetGateway: "igw",
    Gateway: "igw",
    NetworkAcl: "acl",
    NetworkInterface: "eni",
    Instance: "i",
    VpcPeeringConnection: "pcx",
    AllocationId: "eipalloc",
    Allocation: "eipalloc",
    Association: "rtbassoc",
    Attachment: "eni-attach",
    KeyPair: "key",
    Image: "ami",
    Resource: r.pick(["vpc", "subnet", "sg", "igw", "rtb", "i"]),
    DhcpOptions: "dopt",
    NetworkInsightsPath: "nip",
    NetworkInsightsAnalysis: "nia",
  };
  const base = hint.replace(/Ids?$/, "").replace(/^(Peer|Accepter|Requester|Source|Destination)/, "");
  const prefix = prefixes[base] ?? r.pick(["vpc", "subnet", "sg", "rtb", "igw", "i", "eni", "pcx"]);
  const id = knownId(known, scope, prefix, r);
  if (id && r.chance(0.7)) return id;
  // Another scope's id, to cross accounts and regions.
  if (r.chance(0.3)) {
    const other = { ...r.pick(ACCOUNTS), region: r.pick(REGIONS) };
    const x = knownId(known, other, prefix, r);
    if (x) return x;
  }
  return r.chance(0.5) ? r.pick(NASTY) : `${prefix}-${"0123456789abcdef".repeat(2).slice(0, r.pick([8, 17, 16, 18]))}`;
}

/** Names every plain object answers to: a lookup table keyed by input must not. */
const PROTO_NAMES = ["constructor", "__proto__", "toString", "valueOf", "hasOwnProperty", "isPrototypeOf", "__defineGetter__", "propertyIsEnumerable"];

function stringFor(member: string, known: Known, scope: Scope, r: Rand): Wire {
  if (r.chance(0.04)) return r.pick(PROTO_NAMES);
  if (r.chance(0.2)) return r.pick(NASTY);
  if (/Ids?$/.test(member) || /^(VpcPeeringConnectionId|GatewayId|AllocationId|AssociationId|AttachmentId)$/.test(member)) {
    return idLike(known, scope, r, member);
  }
  if (/Cidr/i.test(member)) return ipv4Cidr(r);
  if (member === "Name") return r.chance(0.8) ? r.pick(FILTER_NAMES) : r.pick(NASTY);
  if (member === "Values" || member === "Value") {
    return r.weighted<() => Wire>([
      [3, () => idLike(known, scope, r, "Resource")],
      [2, () => r.pick(["*", "10.*", "vpc-*", "?*", "available", "true", "false", "prod", "*-*"])],
      [2, () => r.pick(NASTY)],
      [1, () => "*".repeat(r.int(1, 40)) + r.pick(["Z", "a", "\\*", "?"])],
    ])();
  }
  if (member === "Key") return r.pick(["Name", "Env", "aws:reserved", "", "k".repeat(129), "tag\u0001", "日本"]);
  if (/Region$/.test(member)) return r.pick([...REGIONS, "mars-east-1", "", "us-east-1\u0000"]);
  if (/AvailabilityZone/.test(member)) return r.pick(["us-east-1a", "eu-west-1b", "ap-northeast-1c", "xx-1z", ""]);
  if (/Protocol/.test(member)) return r.pick(["tcp", "udp", "icmp", "-1", "6", "all", "TCP", "999"]);
  if (/InstanceType/.test(member)) return r.pick(["t3.micro", "m5.large", "x9.nonsense", ""]);
  if (/Description|GroupName|KeyName/.test(member)) return r.pick(["fuzz", "desc " + r.int(0, 1e6), ...NASTY.slice(0, 20)]);
  return r.pick(["x", String(r.int(0, 1e9)), "default", "enabled", "true"]);
}

function numberFor(r: Rand): Wire {
  return r.weighted<() => Wire>([
    [5, () => String(r.int(0, 100))],
    [2, () => String(r.int(-1000, 70_000))],
    [2, () => r.pick(["", "ten", "1.5", "-0", "1e3", "9007199254740993", "99999999999999999999", "NaN", " 5", "0x1F", "1e309"])],
  ])();
}

function booleanFor(r: Rand): Wire {
  return r.pick(["true", "false", "TRUE", "False", "yes", "1", "", "perhaps"]);
}

function timestampFor(r: Rand): Wire {
  return r.pick(["2026-01-01T00:00:00Z", "0", "1700000000", "99999999999999", "1e13", "not-a-date", "", "9999-12-31T23:59:59Z", "+275760-09-13T00:00:00Z"]);
}

// ---- requests ----------------------------------------------------------------------------------

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  transport: "plain" | "chunked" | "truncated";
  /** The scope whose ids an answer names (for learning ids). */
  scope: Scope;
  admin: boolean;
}

function enc(v: Wire): string {
  if (typeof v !== "string") return v.raw;
  // encodeURIComponent throws on lone surrogates; those cannot be sent as UTF-8 anyway.
  try {
    return encodeURIComponent(v);
  } catch {
    return "%EF%BF%BD";
  }
}

function formBody(params: [string, Wire][]): string {
  return params.map(([k, v]) => `${enc(k)}=${enc(v)}`).join("&");
}

function sigv4(scope: Scope, r: Rand): Record<string, string> {
  const auth = (key: string, region: string, service = "ec2") =>
    `AWS4-HMAC-SHA256 Credential=${key}/20260101/${region}/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${"ab".repeat(32)}`;
  return r.weighted<() => Record<string, string>>([
    [80, () => ({ authorization: auth(scope.key, scope.region), "x-amz-date": "20260101T000000Z" })],
    [5, () => ({})],
    [3, () => ({ authorization: "garbage" })],
    [3, () => ({ authorization: auth(scope.key, r.pick(["mars-east-1", "", "us-east-1\u0001".replace("\u0001", "x")])) })],
    [2, () => ({ authorization: auth(scope.key, scope.region, "sts") })],
    [2, () => ({ authorization: "AWS4-HMAC-SHA256 Credential=" + "/".repeat(r.int(0, 8)) })],
    [2, () => ({ authorization: auth("1".repeat(r.int(1, 30)), scope.region) })],
    [3, () => ({ authorization: "x".repeat(r.int(100, 8000)) })],
  ])();
}

/** Parameters for one operation, from its input shape, with mutations. */
function paramsFor(model: ServiceModel, action: string, known: Known, scope: Scope, r: Rand): [string, Wire][] {
  const out: [string, Wire][] = [["Action", action], ["Version", "2016-11-15"]];
  const op = model.operations[action];
  const input = op?.input ? (model.shapes[op.input] as StructDef) : undefined;
  const walk = (shape: string, prefix: string, member: string, depth: number): void => {
    if (out.length > 400) return;
    if (SCALARS.has(shape)) {
      if (r.chance(0.03)) out.push([`${prefix}.1`, "scalar-as-list"]);
      const v = shape === "number" ? numberFor(r) : shape === "boolean" ? booleanFor(r) : shape === "timestamp" ? timestampFor(r) : stringFor(member, known, scope, r);
      out.push([prefix, v]);
      return;
    }
    const def = model.shapes[shape];
    if (!def || depth > 4) return;
    if (r.chance(0.03)) {
      out.push([prefix, "structure-as-scalar"]);
      return;
    }
    if (def.kind === "list") {
      const count = r.weighted([[3, 1], [2, 2], [1, 0], [1, 3], [0.3, 30]] as const);
      for (let i = 1; i <= count; i++) {
        const index = r.weighted<() => string>([
          [20, () => String(i)],
          [1, () => "99999999"],
          [1, () => "10001"],
          [1, () => "0"],
          [1, () => "-1"],
          [1, () => "x"],
          [0.5, () => "1e3"],
        ])();
        walk(def.item, `${prefix}.${index}`, member, depth + 1);
      }
      return;
    }
    if (def.kind === "struct") {
      def.members.forEach((m, i) => {
        const required = i < def.required;
        if (m.name === "DryRun") {
          if (r.chance(0.05)) out.push([`${prefix ? prefix + "." : ""}${m.query}`, booleanFor(r)]);
          return;
        }
        if (r.chance(required ? 0.9 : 0.3)) walk(m.shape, `${prefix ? prefix + "." : ""}${m.query}`, m.name, depth + 1);
      });
      return;
    }
    out.push([prefix, "map?"]);
  };
  if (input) walk(op!.input!, "", action, 0);
  if (r.chance(0.05)) out.push([r.pick(["Colour", "Filter..Name", "Filter.1.", ".x", "Tag.1.Key", "a.b.c.d.e.f"]), "x"]);
  if (r.chance(0.03)) out.push(["Action", r.pick(["DescribeVpcs", "CreateVpc"])]);
  return out;
}

/** A valid create (or follow-up) call so that state grows: VPCs, subnets, groups, gateways, routes. */
function validCall(known: Known, scope: Scope, r: Rand): [string, Wire][] {
  const vpcs = known.vpcs.get(scopeKey(scope)) ?? [];
  const vpc = vpcs.length > 0 ? r.pick(vpcs) : undefined;
  const tag = (type: string): [string, Wire][] =>
    r.chance(0.5)
      ? [
          ["TagSpecification.1.ResourceType", type],
          ["TagSpecification.1.Tag.1.Key", "Name"],
          ["TagSpecification.1.Tag.1.Value", `fuzz-${r.int(0, 999)}`],
        ]
      : [];
  const choice = r.weighted<string>([
    [vpcs.length < 40 ? 6 : 1, "CreateVpc"],
    [vpc ? 5 : 0, "CreateSubnet"],
    [vpc ? 3 : 0, "CreateSecurityGroup"],
    [3, "CreateInternetGateway"],
    [vpc ? 2 : 0, "AttachInternetGateway"],
    [vpc ? 2 : 0, "CreateRouteTable"],
    [2, "CreateRoute"],
    [vpcs.length > 1 ? 2 : 0, "CreateVpcPeeringConnection"],
    [1, "AcceptVpcPeeringConnection"],
    [2, "CreateTags"],
    [2, "RunInstances"],
    [1, "AuthorizeSecurityGroupIngress"],
    [1, "DescribeImages"],
    [1, "DeleteSubnet"],
  ]);
  const A = (a: string): [string, Wire][] => [["Action", a], ["Version", "2016-11-15"]];
  switch (choice) {
    case "CreateVpc":
      return [...A(choice), ["CidrBlock", `10.${r.int(0, 255)}.0.0/16`], ...tag("vpc")];
    case "CreateSubnet": {
      const [a, b] = vpc!.cidr.split(".");
      return [...A(choice), ["VpcId", vpc!.id], ["CidrBlock", `${a}.${b}.${r.int(0, 255)}.0/24`], ...tag("subnet")];
    }
    case "CreateSecurityGroup":
      return [...A(choice), ["VpcId", vpc!.id], ["GroupName", `g${r.int(0, 1e6)}`], ["GroupDescription", "fuzz"], ...tag("security-group")];
    case "CreateInternetGateway":
      return [...A(choice), ...tag("internet-gateway")];
    case "AttachInternetGateway":
      return [...A(choice), ["VpcId", vpc!.id], ["InternetGatewayId", idLike(known, scope, r, "InternetGatewayId")]];
    case "CreateRouteTable":
      return [...A(choice), ["VpcId", vpc!.id]];
    case "CreateRoute":
      return [
        ...A(choice),
        ["RouteTableId", idLike(known, scope, r, "RouteTableId")],
        ["DestinationCidrBlock", `192.168.${r.int(0, 255)}.0/24`],
        r.chance(0.5) ? ["GatewayId", idLike(known, scope, r, "GatewayId")] : ["VpcPeeringConnectionId", idLike(known, scope, r, "VpcPeeringConnectionId")],
      ];
    case "CreateVpcPeeringConnection": {
      const crossRegion = r.chance(0.3);
      const peerRegion = crossRegion ? r.pick(REGIONS) : scope.region;
      const peers = known.vpcs.get(scopeKey({ ...scope, region: peerRegion })) ?? vpcs;
      const peer = peers.length > 0 ? r.pick(peers) : vpc!;
      return [...A(choice), ["VpcId", vpc!.id], ["PeerVpcId", peer.id], ...(crossRegion ? ([["PeerRegion", peerRegion]] as [string, Wire][]) : [])];
    }
    case "AcceptVpcPeeringConnection":
      return [...A(choice), ["VpcPeeringConnectionId", idLike(known, scope, r, "VpcPeeringConnectionId")]];
    case "CreateTags":
      return [
        ...A(choice),
        ["ResourceId.1", idLike(known, scope, r, "ResourceId")],
        ["Tag.1.Key", r.pick(["Name", "Env", "Owner"])],
        ["Tag.1.Value", r.chance(0.9) ? `v${r.int(0, 999)}` : r.pick(NASTY)],
      ];
    case "RunInstances": {
      const ami = known.amis.get(scope.region);
      return [
        ...A(choice),
        ["ImageId", ami && ami.length > 0 ? r.pick(ami) : "ami-0123456789abcdef0"],
        ["InstanceType", "t3.micro"],
        ["MinCount", "1"],
        ["MaxCount", String(r.int(1, 2))],
        ["SubnetId", idLike(known, scope, r, "SubnetId")],
        ...tag("instance"),
      ];
    }
    case "AuthorizeSecurityGroupIngress":
      return [
        ...A(choice),
        ["GroupId", idLike(known, scope, r, "GroupId")],
        ["IpPermissions.1.IpProtocol", "tcp"],
        ["IpPermissions.1.FromPort", String(r.int(1, 65535))],
        ["IpPermissions.1.ToPort", String(r.int(1, 65535))],
        ["IpPermissions.1.IpRanges.1.CidrIp", ipv4Cidr(r)],
      ];
    case "DescribeImages":
      return [...A(choice)];
    default:
      return [...A("DeleteSubnet"), ["SubnetId", idLike(known, scope, r, "SubnetId")]];
  }
}

function adminRequest(r: Rand): { method: string; path: string; body: string } {
  const json = (v: unknown) => JSON.stringify(v);
  const end = () => r.pick<unknown>(["10.0.0.1", "8.8.8.8", "i-0123456789abcdef0", "fuzz-1", "", 5, null, "x".repeat(5000), "\u0001", ["a"]]);
  return r.weighted<() => { method: string; path: string; body: string }>([
    [3, () => ({ method: "POST", path: "/_vpclab/clock", body: json({ advanceSeconds: r.pick<unknown>([1, 60, 86_400 * 8, -1, 1e13, "5", null, 1e308, 0.5, 315_576_001]) }) })],
    [1, () => ({ method: "GET", path: "/_vpclab/clock", body: "" })],
    [1, () => ({ method: "GET", path: "/_vpclab/health", body: "" })],
    [3, () => ({ method: "POST", path: "/_vpclab/ping", body: json({ from: end(), to: end(), count: r.pick<unknown>([1, 5, 0, -1, 1e9, "3", 1.5]), size: r.pick<unknown>([56, 70_000, -5]), intervalMs: r.pick<unknown>([0, 1e12, NaN]) }) })],
    [2, () => ({ method: "POST", path: "/_vpclab/trace", body: json({ from: end(), to: end(), protocol: r.pick<unknown>(["tcp", "icmp", "gre", 6]), port: r.pick<unknown>([22, 70_000, -1, "x"]) }) })],
    [2, () => ({ method: "POST", path: "/_vpclab/connect", body: json({ from: end(), to: end(), port: r.pick<unknown>([22, undefined, 1e6]), seed: r.pick<unknown>([1, -1, 1.5, 2 ** 40]) }) })],
    [2, () => ({ method: "POST", path: "/_vpclab/analyze", body: json({ source: end(), destination: end(), account: r.pick<unknown>(["000000000000", "x", 12]), explain: r.pick<unknown>([true, "yes"]) }) })],
    [2, () => ({ method: "POST", path: r.pick(["/_vpclab/nope", "/_vpclab/", "/_vpclab/health/..", "/_vpclab//clock", "/_vpclab/constructor"]), body: "{}" })],
    [2, () => ({ method: r.pick(["PUT", "DELETE", "PATCH", "GET"]), path: r.pick(["/_vpclab/clock", "/_vpclab/ping", "/_vpclab/reset"]), body: "" })],
    [2, () => ({ method: "POST", path: "/_vpclab/clock", body: r.pick(["{", "[]", "null", "\"x\"", "{\"advanceSeconds\":", "\u0000", "x".repeat(10_000)]) })],
    [0.2, () => ({ method: "GET", path: "/_vpclab/requests?since=" + r.pick(["0", "-1", "x", "99999999999"]), body: "" })],
  ])();
}

function nextRequest(model: ServiceModel, implemented: string[], allActions: string[], known: Known, r: Rand): FuzzRequest {
  const acct = r.pick(ACCOUNTS);
  const scope: Scope = { ...acct, region: r.pick(REGIONS) };
  const kind = r.weighted<string>([
    [55, "model"],
    [20, "valid"],
    [3, "unimplemented"],
    [6, "odd"],
    [4, "admin"],
  ]);
  if (kind === "admin") {
    const a = adminRequest(r);
    return { ...a, headers: a.body ? { "content-type": "application/json" } : {}, transport: "plain", scope, admin: true };
  }
  let params: [string, Wire][];
  let path = "/";
  let method = "POST";
  if (kind === "valid") params = validCall(known, scope, r);
  else if (kind === "unimplemented") params = paramsFor(model, r.pick(allActions), known, scope, r);
  else if (kind === "odd") {
    const what = r.int(0, 5);
    params = [["Action", r.pick(["constructor", "toString", "__proto__", "valueOf", "hasOwnProperty", "", "describevpcs", "DescribeVpcs ", "Describe\u0001Vpcs", "a".repeat(5000)])]];
    if (what === 1) path = r.pick(["//", "/foo", "/..", "/../../etc/passwd", "/%2e%2e/", "/?", "//?Action=DescribeVpcs", "/" + "a".repeat(4000)]);
    if (what === 2) method = r.pick(["PUT", "DELETE", "OPTIONS", "PATCH", "HEAD", "TRACE"]);
    if (what === 3) params = [["Action", "DescribeVpcs"], ...Array.from({ length: r.int(100, 1500) }, (_, i) => [`Filter.${i + 1}.Name`, "vpc-id"] as [string, Wire])];
    if (what === 4) params = [["Action", "DescribeVpcs"], ["Filter.1.Name", "vpc-id"], ...Array.from({ length: r.int(150, 400) }, (_, i) => [`Filter.1.Value.${i + 1}`, "*"] as [string, Wire])];
    if (what === 5) params = [["Action", r.pick(implemented)], ["X".repeat(r.int(1, 3000)), "y"]];
  } else params = paramsFor(model, r.pick(implemented), known, scope, r);
  if (r.chance(0.03)) params = params.filter(([k]) => k !== "Action");
  const headers: Record<string, string> = { ...sigv4(scope, r) };
  const transport = r.weighted<string>([
    [82, "form"],
    [6, "get"],
    [4, "chunked"],
    [2, "truncated"],
    [6, "content-type"],
  ]);
  let body = formBody(params);
  if (transport === "get" || method === "GET") {
    // A query string is part of the request head: Node refuses heads over 16 KB (431), which is fine.
    return { method: "GET", path: path + (path.includes("?") ? "&" : "?") + body.slice(0, 20_000), headers, body: "", transport: "plain", scope, admin: false };
  }
  if (transport === "content-type") {
    headers["content-type"] = r.pick(["application/json", "text/plain", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded; charset=latin1", "", "text/xml"]);
    if (headers["content-type"] === "application/json") body = JSON.stringify(Object.fromEntries(params.map(([k, v]) => [k, typeof v === "string" ? v : v.raw])));
  } else headers["content-type"] = "application/x-www-form-urlencoded; charset=utf-8";
  return {
    method,
    path,
    headers,
    body,
    transport: transport === "chunked" ? "chunked" : transport === "truncated" ? "truncated" : "plain",
    scope,
    admin: false,
  };
}

// ---- sending -----------------------------------------------------------------------------------

interface Answer {
  status: number | "hang" | "no-answer";
  text: string;
  headers: Record<string, string | string[] | undefined>;
  ms: number;
}

function send(base: URL, agent: Agent, req: FuzzRequest, timeoutMs: number): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (a: Omit<Answer, "ms">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...a, ms: performance.now() - started });
    };
    const headers: OutgoingHttpHeaders = { ...req.headers };
    const bytes = Buffer.from(req.body, "utf8");
    if (req.transport === "plain" && req.method !== "GET") headers["content-length"] = bytes.length;
    if (req.transport === "truncated") headers["content-length"] = bytes.length + 100;
    // Node's client sends DELETE, OPTIONS and TRACE bodies unframed unless told; say chunked explicitly.
    if (req.transport === "chunked") headers["transfer-encoding"] = "chunked";
    const r = request(
      {
        host: base.hostname,
        port: base.port,
        method: req.method,
        path: req.path,
        headers,
        agent: req.transport === "truncated" ? false : agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => finish({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8"), headers: res.headers }));
        res.on("error", () => finish({ status: "no-answer", text: "", headers: {} }));
      },
    );
    const timer = setTimeout(() => {
      finish({ status: "hang", text: "", headers: {} });
      r.destroy();
    }, timeoutMs);
    r.on("error", () => finish({ status: "no-answer", text: "", headers: {} }));
    if (req.transport === "chunked") {
      // Several chunks, so the server sees `Transfer-Encoding: chunked` with the body split anywhere.
      const cuts = [0, Math.floor(bytes.length / 3), Math.floor((2 * bytes.length) / 3), bytes.length];
      for (let i = 0; i < 3; i++) r.write(bytes.subarray(cuts[i], cuts[i + 1]));
      r.end();
    } else if (req.transport === "truncated") {
      // Less than Content-Length promises, then hang up: no answer is expected, only a server that lives on.
      r.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
      setTimeout(() => {
        r.destroy();
        finish({ status: "no-answer", text: "", headers: {} });
      }, 5);
    } else {
      r.end(req.method === "GET" ? undefined : bytes);
    }
  });
}

function describeRequest(req: FuzzRequest): string {
  const body = req.body.length > 600 ? req.body.slice(0, 600) + `… (${req.body.length} bytes)` : req.body;
  const auth = req.headers.authorization;
  return (
    `${req.method} ${req.path.length > 200 ? req.path.slice(0, 200) + "…" : req.path} [${req.transport}] ` +
    `content-type=${JSON.stringify(req.headers["content-type"] ?? null)} authorization=${auth === undefined ? "none" : JSON.stringify(auth.slice(0, 120))}\n    ${JSON.stringify(body)}`
  );
}

// Characters XML 1.0 forbids; a response holding one cannot be parsed by the SDKs.
const XML_FORBIDDEN = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;
const ERROR_ENVELOPE = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Response><Errors><Error><Code>[A-Za-z0-9.]+<\/Code><Message>[^<]*<\/Message><\/Error><\/Errors><RequestID>[^<]+<\/RequestID><\/Response>$/;
const SUCCESS_ENVELOPE = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<(\w+)Response xmlns="[^"]+">[\s\S]*<\/\1Response>$/;

/** Why an answer is not a well-formed envelope, or undefined. */
function malformed(req: FuzzRequest, a: Answer): string | undefined {
  if (typeof a.status !== "number") return undefined;
  if (req.method === "HEAD") return undefined;
  if (req.admin) {
    try {
      const v = JSON.parse(a.text) as { error?: { code?: unknown } };
      if (a.status >= 400 && typeof v.error?.code !== "string") return "admin error without error.code";
    } catch {
      return "admin answer is not JSON";
    }
    return undefined;
  }
  if (XML_FORBIDDEN.test(a.text)) return "XML holds a character XML 1.0 forbids";
  if (a.status >= 400) return ERROR_ENVELOPE.test(a.text) ? undefined : "error answer is not EC2's error envelope";
  return SUCCESS_ENVELOPE.test(a.text) ? undefined : "success answer is not an EC2 response envelope";
}

function codeOf(a: Answer): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(a.text)?.[1] ?? /"code":"([^"]*)"/.exec(a.text)?.[1];
}

// ---- invariants --------------------------------------------------------------------------------

function ipv4ToInt(a: string): number {
  return a.split(".").reduce((acc, x) => acc * 256 + Number(x), 0);
}

function cidrRange(c: string): [number, number] {
  const [addr, len] = c.split("/");
  const size = 2 ** (32 - Number(len));
  const start = ipv4ToInt(addr!);
  return [start, start + size - 1];
}

function inside(inner: string, outer: string): boolean {
  const [a, b] = cidrRange(inner);
  const [c, d] = cidrRange(outer);
  return a >= c && b <= d;
}

/** Describe calls whose list members carry the ids that must be unique (peering connections and images are shared by design). */
const ID_FIELDS: Record<string, [string, string]> = {
  DescribeVpcs: ["Vpcs", "VpcId"],
  DescribeSubnets: ["Subnets", "SubnetId"],
  DescribeSecurityGroups: ["SecurityGroups", "GroupId"],
  DescribeRouteTables: ["RouteTables", "RouteTableId"],
  DescribeInternetGateways: ["InternetGateways", "InternetGatewayId"],
  DescribeNetworkAcls: ["NetworkAcls", "NetworkAclId"],
  DescribeNetworkInterfaces: ["NetworkInterfaces", "NetworkInterfaceId"],
  DescribeAddresses: ["Addresses", "AllocationId"],
  DescribeKeyPairs: ["KeyPairs", "KeyPairId"],
  DescribeSecurityGroupRules: ["SecurityGroupRules", "SecurityGroupRuleId"],
};

async function checkInvariants(url: string, model: ServiceModel, implemented: string[], report: FuzzReport): Promise<void> {
  const describes = implemented.filter((a) => {
    if (!a.startsWith("Describe")) return false;
    const input = model.operations[a]?.input;
    return !input || (model.shapes[input] as StructDef).required === 0;
  });
  const seen = new Map<string, string>();
  const sdk = EC2 as unknown as Record<string, new (input: object) => object>;
  for (const acct of ACCOUNTS) {
    for (const region of REGIONS) {
      const where = `${acct.account}/${region}`;
      const client = new EC2.EC2Client({
        endpoint: url,
        region,
        credentials: { accessKeyId: acct.key, secretAccessKey: "test" },
        maxAttempts: 1,
      });
      try {
        const answers = new Map<string, Record<string, unknown>>();
        for (const action of describes) {
          report.invariantChecks++;
          const Command = sdk[`${action}Command`];
          if (!Command) {
            report.violations.push(`${where}: the SDK has no ${action}Command`);
            continue;
          }
          try {
            answers.set(action, (await client.send(new Command({}) as never)) as unknown as Record<string, unknown>);
          } catch (err) {
            // An AWS error the SDK parsed into its code is an answer, not a violation: some Describe
            // calls refuse an empty request as EC2 does (ClassicLink everywhere; DescribeAddressesAttribute
            // without Attribute). Anything else (unparseable XML, a 5xx) is.
            const parsed = err instanceof EC2.EC2ServiceException && (err.$metadata?.httpStatusCode ?? 500) < 500;
            if (!parsed) report.violations.push(`${where}: ${action} does not parse with the SDK: ${(err as Error).name}: ${(err as Error).message.slice(0, 300)}`);
          }
        }
        // Every subnet inside a CIDR block of its VPC.
        const vpcs = (answers.get("DescribeVpcs")?.Vpcs ?? []) as EC2.Vpc[];
        const subnets = (answers.get("DescribeSubnets")?.Subnets ?? []) as EC2.Subnet[];
        const blocks = new Map(vpcs.map((v) => [v.VpcId!, (v.CidrBlockAssociationSet ?? []).map((b) => b.CidrBlock!).concat(v.CidrBlock ? [v.CidrBlock] : [])]));
        for (const s of subnets) {
          report.invariantChecks++;
          const vb = blocks.get(s.VpcId!);
          if (!vb) report.violations.push(`${where}: subnet ${s.SubnetId} names VPC ${s.VpcId}, which DescribeVpcs does not list`);
          else if (!vb.some((b) => inside(s.CidrBlock!, b))) report.violations.push(`${where}: subnet ${s.SubnetId} ${s.CidrBlock} lies outside its VPC's blocks ${vb.join(", ")}`);
        }
        // Ids unique within each listing and across every account × region.
        for (const [action, [list, field]] of Object.entries(ID_FIELDS)) {
          const items = (answers.get(action)?.[list] ?? []) as Record<string, unknown>[];
          report.resources[list] = (report.resources[list] ?? 0) + items.length;
          for (const it of items) {
            report.invariantChecks++;
            const id = it[field] as string | undefined;
            if (!id) continue;
            const prev = seen.get(id);
            if (prev) report.violations.push(`${where}: id ${id} listed twice (${prev} and ${action})`);
            else seen.set(id, `${where} ${action}`);
          }
        }
        const reservations = (answers.get("DescribeInstances")?.Reservations ?? []) as EC2.Reservation[];
        for (const r of reservations) {
          for (const i of r.Instances ?? []) {
            report.invariantChecks++;
            report.resources.Instances = (report.resources.Instances ?? 0) + 1;
            if (seen.has(i.InstanceId!)) report.violations.push(`${where}: instance id ${i.InstanceId} listed twice`);
            seen.set(i.InstanceId!, where);
          }
        }
      } finally {
        client.destroy();
      }
    }
  }
}

// ---- the attacks of issue 9, timed ------------------------------------------------------------

const ATTACKS: { name: string; method: string; path: string; body: string; json?: boolean; expect: number }[] = [
  { name: "filter ************Z", method: "POST", path: "/", body: "Action=DescribeVpcs&Filter.1.Name=vpc-id&Filter.1.Value.1=************Z", expect: 200 },
  { name: "filter of 30,000 *", method: "POST", path: "/", body: `Action=DescribeVpcs&Filter.1.Name=vpc-id&Filter.1.Value.1=${"*".repeat(30_000)}`, expect: 400 },
  { name: "CreateTags Value=%01", method: "POST", path: "/", body: "Action=CreateTags&ResourceId.1=vpc-0123456789abcdef0&Tag.1.Key=k&Tag.1.Value=%01", expect: 400 },
  { name: "CreateVpc CidrBlock=%01", method: "POST", path: "/", body: "Action=CreateVpc&CidrBlock=%01", expect: 400 },
  { name: "clock advanceSeconds 1e13", method: "POST", path: "/_vpclab/clock", body: '{"advanceSeconds":1e13}', json: true, expect: 400 },
  ...["constructor", "toString", "__proto__", "valueOf", "hasOwnProperty"].map((a) => ({ name: `Action=${a}`, method: "POST", path: "/", body: `Action=${a}`, expect: 400 })),
  { name: "path //", method: "POST", path: "//", body: "Action=DescribeVpcs", expect: 404 },
];

async function timeAttacks(base: URL, agent: Agent, timeoutMs: number, report: FuzzReport): Promise<void> {
  const scope: Scope = { ...ACCOUNTS[0]!, region: REGIONS[0]! };
  for (const a of ATTACKS) {
    const times: number[] = [];
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const headers = { "content-type": a.json ? "application/json" : "application/x-www-form-urlencoded" };
      const ans = await send(base, agent, { method: a.method, path: a.path, headers, body: a.body, transport: "plain", scope, admin: !!a.json }, timeoutMs);
      times.push(ans.ms);
      statuses.push(typeof ans.status === "number" ? ans.status : -1);
    }
    times.sort((x, y) => x - y);
    report.attacks.push({ name: a.name, statuses: [...new Set(statuses)], medianMs: times[3]!, maxMs: times[6]! });
    report.invariantChecks++;
    if (statuses.some((st) => st !== a.expect)) report.violations.push(`attack "${a.name}" answered ${statuses.join(", ")}, not ${a.expect}`);
  }
}

// ---- the run -----------------------------------------------------------------------------------

export async function runFuzz(options: FuzzOptions = {}): Promise<FuzzReport> {
  const n = options.n ?? 100_000;
  const seed = options.seed ?? 1;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const log = options.log ?? (() => {});
  const r = new Rand(seed);
  const model = serviceModel("ec2");
  const implemented = Object.keys(ec2OperationTable).filter((a) => Object.hasOwn(model.operations, a)).sort();
  const allActions = Object.keys(model.operations).sort();
  let lab: Vpclab | undefined;
  let url = options.endpoint;
  if (!url) {
    lab = await startVpclab({
      port: 0,
      host: "127.0.0.1",
      seed,
      // Room for the state the run builds; the default quotas (5 VPCs per region) would refuse most of it.
      quotas: { vpcsPerRegion: 100, internetGatewaysPerRegion: 100, elasticIpsPerRegion: 20 },
    });
    url = lab.url;
  }
  const base = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const report: FuzzReport = {
    sent: 0,
    seconds: 0,
    byStatus: {},
    byCode: {},
    serverErrors: [],
    slow: [],
    hangs: [],
    malformed: [],
    invariantChecks: 0,
    violations: [],
    resources: {},
    attacks: [],
    ok: false,
  };
  const known: Known = { ids: new Map(), vpcs: new Map(), amis: new Map() };
  const started = performance.now();
  try {
    for (let i = 0; i < n; i++) {
      const req = nextRequest(model, implemented, allActions, known, r);
      const a = await send(base, agent, req, timeoutMs);
      report.sent++;
      const status = a.status;
      const key = req.transport === "truncated" ? "truncated (no answer expected)" : String(status);
      report.byStatus[key] = (report.byStatus[key] ?? 0) + 1;
      const code = codeOf(a);
      if (code && typeof status === "number" && status >= 400) report.byCode[code] = (report.byCode[code] ?? 0) + 1;
      const finding = (): Finding => ({ index: i, status, ms: Math.round(a.ms), request: describeRequest(req), response: a.text.slice(0, 400) });
      if (status === "hang") report.hangs.push(finding());
      else if (status === "no-answer" && req.transport !== "truncated") report.hangs.push(finding());
      else if (typeof status === "number" && status >= 500 && status !== 501) report.serverErrors.push(finding());
      if (a.ms > 1000) report.slow.push(finding());
      const why = malformed(req, a);
      if (why) report.malformed.push({ ...finding(), response: `${why}: ${a.text.slice(0, 300)}` });
      if (status === 200 && !req.admin) {
        remember(known, req.scope, a.text, r);
        const vpc = /<CreateVpcResponse[\s\S]*?<vpcId>(vpc-[0-9a-f]+)<\/vpcId>[\s\S]*?<cidrBlock>([0-9./]+)<\/cidrBlock>/.exec(a.text);
        if (vpc) {
          const k = scopeKey(req.scope);
          const list = known.vpcs.get(k) ?? [];
          if (list.length < 60) list.push({ id: vpc[1]!, cidr: vpc[2]! });
          known.vpcs.set(k, list);
        }
      }
      if ((i + 1) % 10_000 === 0) log(`  ${i + 1} requests, ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    report.seconds = (performance.now() - started) / 1000;
    await checkInvariants(url, model, implemented, report);
    await timeAttacks(base, agent, timeoutMs, report);
    // The server must still answer a plain request after all that.
    const health = await send(base, agent, { method: "GET", path: "/_vpclab/health", headers: {}, body: "", transport: "plain", scope: { ...ACCOUNTS[0]!, region: REGIONS[0]! }, admin: true }, timeoutMs);
    report.invariantChecks++;
    if (health.status !== 200) report.violations.push(`health check after the run answered ${health.status}`);
  } finally {
    agent.destroy();
    await lab?.close();
  }
  report.ok = report.serverErrors.length === 0 && report.hangs.length === 0 && report.malformed.length === 0 && report.violations.length === 0;
  return report;
}

export function formatReport(rep: FuzzReport, seed: number): string {
  const lines: string[] = [];
  const sorted = (o: Record<string, number>) => Object.entries(o).sort((a, b) => b[1] - a[1]);
  lines.push(`vpclab fuzz: ${rep.sent} requests, seed ${seed}, ${rep.seconds.toFixed(1)} s (${Math.round(rep.sent / Math.max(rep.seconds, 0.001))} req/s)`);
  lines.push("by status:");
  for (const [k, v] of Object.entries(rep.byStatus).sort()) lines.push(`  ${k.padEnd(32)} ${v}`);
  lines.push("by error code (top 25):");
  for (const [k, v] of sorted(rep.byCode).slice(0, 25)) lines.push(`  ${k.padEnd(40)} ${v}`);
  lines.push(`5xx other than 501: ${rep.serverErrors.length}`);
  for (const f of rep.serverErrors.slice(0, 50)) lines.push(`  #${f.index} ${f.status} ${f.ms} ms ${f.request}\n    → ${JSON.stringify(f.response)}`);
  lines.push(`hangs (no answer in time, or connection dropped): ${rep.hangs.length}`);
  for (const f of rep.hangs.slice(0, 20)) lines.push(`  #${f.index} ${f.status} ${f.ms} ms ${f.request}`);
  lines.push(`slower than 1 s: ${rep.slow.length}`);
  for (const f of rep.slow.slice(0, 20)) lines.push(`  #${f.index} ${f.status} ${f.ms} ms ${f.request}`);
  lines.push(`malformed answers: ${rep.malformed.length}`);
  for (const f of rep.malformed.slice(0, 20)) lines.push(`  #${f.index} ${f.status} ${f.request}\n    → ${JSON.stringify(f.response)}`);
  lines.push("the attacks of issue 9 after the run (7 each): status, median / max ms");
  for (const a of rep.attacks) lines.push(`  ${a.name.padEnd(28)} ${a.statuses.join("/")}  ${a.medianMs.toFixed(1)} / ${a.maxMs.toFixed(1)}`);
  lines.push(`final state: ${sorted(rep.resources).map(([k, v]) => `${v} ${k}`).join(", ")}`);
  lines.push(`invariant checks: ${rep.invariantChecks}, violations: ${rep.violations.length}`);
  for (const v of rep.violations.slice(0, 50)) lines.push(`  ${v}`);
  lines.push(rep.ok ? "OK" : "FAILED");
  return lines.join("\n");
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const n = Number(argValue("n") ?? 100_000);
  const seed = Number(argValue("seed") ?? 1);
  if (!Number.isSafeInteger(n) || n < 0 || !Number.isSafeInteger(seed)) {
    console.error("usage: node dist/bench/fuzz.js [--n N] [--seed S] [--endpoint URL]");
    process.exit(2);
  }
  const rep = await runFuzz({ n, seed, endpoint: argValue("endpoint"), log: (l) => console.log(l) });
  console.log(formatReport(rep, seed));
  process.exit(rep.ok ? 0 : 1);
}
