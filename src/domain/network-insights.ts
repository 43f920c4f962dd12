/**
 * Reachability Analyzer: network insights paths (what to check: a source, a destination, a protocol and
 * port) and analyses (one run of the network engine over a path, with the forward and return path
 * components or the explanations of what blocks it).
 *
 * Reference: EC2 API CreateNetworkInsightsPath, DescribeNetworkInsightsPaths, DeleteNetworkInsightsPath,
 * StartNetworkInsightsAnalysis, DescribeNetworkInsightsAnalyses, DeleteNetworkInsightsAnalysis; the
 * Reachability Analyzer guide ("Explanation codes"). Paths and analyses live per account × region in
 * `rs.extra` ("insights.paths", "insights.analyses").
 *
 * Fidelity notes:
 * - Unlike AWS's analyzer (one region, and other accounts only through AWS Organizations), vpclab's
 *   follows the packet across regions and accounts: a destination IP or instance in a peered region
 *   is analyzed end to end. A plain resource id may name a resource in any region of the caller's
 *   account (AWS: the caller's region); an ARN may name any account and region.
 * - Sources and destinations: instances, network interfaces and internet gateways (or only a
 *   DestinationIp). AWS's other kinds (VPC endpoints, transit gateway attachments, VPN gateways, load
 *   balancers…) are refused with InvalidParameterValue. An internet gateway as the source is a host on
 *   the Internet entering through that gateway: it sends from SourceIp (a public address) or, without
 *   one, from 203.0.113.10 (a documentation address standing for "any Internet host"), to the
 *   destination's public or elastic IP.
 * - An internet gateway destination without a DestinationIp is analyzed towards 203.0.113.1 (a
 *   documentation address standing for "any Internet address"); the path is found when it leaves
 *   through that gateway.
 * - Ports: without a DestinationPort every destination port is considered (AWS: "any port"). vpclab
 *   tries one port per interval where the security-group and NACL rules of the VPCs involved change
 *   their verdict, which covers every distinct outcome; the first port that gets through is reported.
 *   The reply's port is 49152 (an ephemeral port) unless a SourcePortRange filter says otherwise.
 * - Filters at the destination are applied like filters at the source: vpclab translates addresses only
 *   at an internet gateway, where the source port and destination are unchanged.
 * - A SourceIp must be one of the source interface's addresses; the engine sends from the interface's
 *   primary address (secondary addresses route the same way).
 * - FilterInArns / FilterOutArns are checked against the one path the engine finds (AWS searches among
 *   several candidate paths): an unmet filter makes NetworkPathFound false.
 * - The analysis runs at once; it shows `running` in the Start response and settles to `succeeded`
 *   (or `failed`, when a resource of the path has gone) on the next request, or after the
 *   `insights.analysis` delay. Results are a snapshot of the network when Start was called.
 * - ClientToken: a repeated token returns the first call's result; the same token with other
 *   parameters gets IdempotentParameterMismatch.
 */
import { defineTransition, type RegionState, type World } from "../state/world.js";
import type { NetworkAclEntry, SecurityGroupRule, Tags } from "./types.js";
import {
  Ec2Error,
  invalidParameterCombination,
  invalidParameterValue,
  pathNotFound,
  analysisNotFound,
  analysisExists,
  idempotentParameterMismatch,
  missingParameter,
} from "./errors.js";
import { isPrivate, parseIp } from "./cidr.js";
import { findRecord, kindByResourceType, kindOfId } from "./kinds.js";
import { engineOf, type Analysis, type Hop } from "../engine/index.js";

export type InsightsProtocol = "tcp" | "udp";

export interface PortRangeRec {
  from: number;
  to: number;
}

export interface PathFilterRec {
  sourceAddress?: string;
  sourcePortRange?: PortRangeRec;
  destinationAddress?: string;
  destinationPortRange?: PortRangeRec;
}

/** A resource named by a path: its id, kind, and where it lives. */
export interface PathEnd {
  id: string;
  kind: "instance" | "network-interface" | "internet-gateway";
  account: string;
  region: string;
  arn: string;
}

export interface InsightsPath {
  id: string;
  arn: string;
  ownerId: string;
  region: string;
  createdAt: number;
  source: PathEnd;
  destination?: PathEnd;
  sourceIp?: string;
  destinationIp?: string;
  protocol: InsightsProtocol;
  destinationPort?: number;
  filterAtSource?: PathFilterRec;
  filterAtDestination?: PathFilterRec;
  tags: Tags;
}

/** A hop of the engine's path, with the rule or route that decided it copied at analysis time. */
export interface ComponentRec {
  hop: Hop;
  sgRule?: SecurityGroupRule;
  aclEntry?: NetworkAclEntry;
  routeOrigin?: string;
  /** For ENI hops: the instance it belongs to, its subnet and VPC. */
  instanceId?: string;
  subnetId?: string;
  vpcId?: string;
  /** For peering hops: the two VPCs. */
  sourceVpc?: { id: string; account: string; region: string };
  destinationVpc?: { id: string; account: string; region: string };
}

export interface AnalysisResult {
  found: boolean;
  analysis: Omit<Analysis, "segments">;
  /** The destination port and reply port the result was computed for. */
  port: number;
  sourcePort: number;
  forward: ComponentRec[];
  return: ComponentRec[];
  warning?: string;
}

export type AnalysisStatus = "running" | "succeeded" | "failed";

export interface InsightsAnalysis {
  id: string;
  arn: string;
  ownerId: string;
  region: string;
  pathId: string;
  startedAt: number;
  status: AnalysisStatus;
  statusMessage?: string;
  /** Computed at Start, shown once the analysis has settled. */
  pending?: { status: AnalysisStatus; statusMessage?: string; result?: AnalysisResult };
  result?: AnalysisResult;
  additionalAccounts: string[];
  filterInArns: string[];
  filterOutArns: string[];
  tags: Tags;
}

// ---- storage -------------------------------------------------------------------------------------

function store<T>(rs: RegionState, key: string): Map<string, T> {
  let m = rs.extra.get(key) as Map<string, T> | undefined;
  if (!m) {
    m = new Map();
    rs.extra.set(key, m);
  }
  return m;
}

export const pathsOf = (rs: RegionState) => store<InsightsPath>(rs, "insights.paths");
export const analysesOf = (rs: RegionState) => store<InsightsAnalysis>(rs, "insights.analyses");
const tokensOf = (rs: RegionState) => store<{ id: string; fingerprint: string }>(rs, "insights.tokens");

/** An analysis is computed when started and shown once it has settled (delay `insights.analysis`). */
defineTransition("insights.analysis", (world, t) => {
  const rs = world.existingRegion(t.account, t.region);
  const a = rs ? analysesOf(rs).get(t.id) : undefined;
  const p = a?.pending;
  if (!a || !p) return;
  a.status = p.status;
  a.statusMessage = p.statusMessage;
  a.result = p.result;
  a.pending = undefined;
});

export function getPath(rs: RegionState, id: string | undefined): InsightsPath {
  const p = id === undefined ? undefined : pathsOf(rs).get(id);
  if (!p) throw pathNotFound(id ?? "");
  return p;
}

export function getAnalysis(rs: RegionState, id: string | undefined): InsightsAnalysis {
  const a = id === undefined ? undefined : analysesOf(rs).get(id);
  if (!a) throw analysisNotFound(id ?? "");
  return a;
}

// ---- resolving path ends ------------------------------------------------------------------------

/** The kinds that can be a path's Source or Destination: those with `pathEnd` in the registry. */
function pathEndKind(id: string): PathEnd["kind"] | undefined {
  const k = kindOfId(id);
  if (!k?.pathEnd || !/^[0-9a-f]+$/.test(id.slice(k.prefix.length + 1))) return undefined;
  return k.resourceType as PathEnd["kind"];
}

function existsIn(world: World, rs: RegionState, kind: PathEnd["kind"], id: string): boolean {
  const k = kindByResourceType(kind)!;
  const r = findRecord(world, rs, k, id);
  return r !== undefined && (k.pathEnd?.live?.(r as never) ?? true);
}

export function arnOf(region: string, account: string, type: string, id: string): string {
  return `arn:aws:ec2:${region}:${account}:${type}/${id}`;
}

/**
 * Resolves a Source or Destination (an id or an ARN) to a resource that exists. A plain id is looked
 * for in the caller's region, then in the caller's other regions (vpclab's cross-region extension).
 */
export function resolveEnd(world: World, rs: RegionState, text: string, param: "Source" | "Destination"): PathEnd {
  let id = text.trim();
  let account: string | undefined;
  let region: string | undefined;
  let kind: PathEnd["kind"] | undefined;
  if (id.startsWith("arn:")) {
    const m = /^arn:aws[\w-]*:ec2:([a-z0-9-]+):(\d{12}):([a-z-]+)\/([\w-]+)$/.exec(id);
    if (!m) throw invalidParameterValue(`The ARN '${text}' for parameter ${param} is malformed.`);
    [, region, account] = m;
    id = m[4]!;
    kind = pathEndKind(id);
    if (!kind || kind !== m[3]) {
      throw invalidParameterValue(`vpclab does not support ${m[3]} resources as a path ${param.toLowerCase()} (supported: instance, network-interface, internet-gateway).`);
    }
  } else {
    kind = pathEndKind(id);
    if (!kind) {
      const prefix = /^([a-z]+)-/.exec(id)?.[1];
      throw invalidParameterValue(
        prefix
          ? `vpclab does not support ${prefix}- resources as a path ${param.toLowerCase()} (supported: instances, network interfaces, internet gateways).`
          : `Value (${text}) for parameter ${param} is invalid. Expected a resource ID or ARN.`,
      );
    }
  }
  const acct = account ?? rs.account;
  const candidates: RegionState[] = [];
  if (region !== undefined) {
    candidates.push(world.region(acct, region));
  } else {
    candidates.push(rs);
    for (const other of world.regionStates()) if (other.account === acct && other !== rs) candidates.push(other);
  }
  const home = candidates.find((c) => existsIn(world, c, kind!, id));
  if (!home) throw kindByResourceType(kind)!.notFound(id);
  return { id, kind, account: home.account, region: home.region, arn: arnOf(home.region, home.account, kind, id) };
}

/** The addresses an instance's or ENI's interfaces hold. */
function addressesOf(world: World, end: PathEnd): string[] {
  const rs = world.region(end.account, end.region);
  const eniIds: string[] = [];
  if (end.kind === "instance") {
    for (const eni of rs.networkInterfaces.values()) if (eni.attachment?.instanceId === end.id) eniIds.push(eni.id);
    const primary = rs.instances.get(end.id)?.primaryEniId;
    if (primary && !eniIds.includes(primary)) eniIds.push(primary);
  } else if (end.kind === "network-interface") eniIds.push(end.id);
  const out: string[] = [];
  for (const id of eniIds) {
    const eni = rs.networkInterfaces.get(id);
    if (!eni) continue;
    for (const p of eni.privateIps) out.push(p.address);
    if (eni.association?.publicIp) out.push(eni.association.publicIp);
  }
  return out;
}

/** The primary private address of an instance or ENI. */
function primaryAddressOf(world: World, end: PathEnd): string | undefined {
  const rs = world.region(end.account, end.region);
  const eniId = end.kind === "instance" ? rs.instances.get(end.id)?.primaryEniId : end.kind === "network-interface" ? end.id : undefined;
  const eni = eniId ? rs.networkInterfaces.get(eniId) : undefined;
  return eni?.privateIps.find((p) => p.primary)?.address ?? eni?.privateIps[0]?.address;
}

// ---- create ---------------------------------------------------------------------------------------

export interface CreatePathInput {
  source?: string;
  destination?: string;
  sourceIp?: string;
  destinationIp?: string;
  protocol?: string;
  destinationPort?: number;
  filterAtSource?: PathFilterRec;
  filterAtDestination?: PathFilterRec;
  tags: Tags;
  clientToken?: string;
}

function checkIp(v: string | undefined, param: string): void {
  if (v !== undefined && parseIp(v) === undefined) throw invalidParameterValue(`Value (${v}) for parameter ${param} is invalid. Expected an IPv4 address.`);
}

function checkPort(v: number | undefined, param: string): void {
  if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > 65535)) {
    throw invalidParameterValue(`Value (${v}) for parameter ${param} is invalid. Ports are integers from 0 to 65535.`);
  }
}

function checkRange(r: PortRangeRec | undefined, param: string): void {
  if (!r) return;
  checkPort(r.from, `${param}.FromPort`);
  checkPort(r.to, `${param}.ToPort`);
  if (r.from > r.to) throw invalidParameterValue(`The port range in ${param} is invalid: FromPort ${r.from} is greater than ToPort ${r.to}.`);
}

function checkFilter(f: PathFilterRec | undefined, param: string): void {
  if (!f) return;
  checkIp(f.sourceAddress, `${param}.SourceAddress`);
  checkIp(f.destinationAddress, `${param}.DestinationAddress`);
  checkRange(f.sourcePortRange, `${param}.SourcePortRange`);
  checkRange(f.destinationPortRange, `${param}.DestinationPortRange`);
}

export function createPath(world: World, rs: RegionState, input: CreatePathInput): InsightsPath {
  const fingerprint = JSON.stringify({ ...input, tags: [...input.tags], clientToken: undefined });
  if (input.clientToken !== undefined) {
    const seen = tokensOf(rs).get("nip:" + input.clientToken);
    if (seen) {
      if (seen.fingerprint !== fingerprint) throw idempotentParameterMismatch(input.clientToken);
      const existing = pathsOf(rs).get(seen.id);
      if (existing) return existing;
    }
  }
  if (input.protocol !== "tcp" && input.protocol !== "udp") {
    throw invalidParameterValue(`Value (${input.protocol}) for parameter Protocol is invalid. Valid values: tcp | udp`);
  }
  if (input.source === undefined || input.source.trim() === "") throw missingParameter("Source");
  checkIp(input.sourceIp, "SourceIp");
  checkIp(input.destinationIp, "DestinationIp");
  checkPort(input.destinationPort, "DestinationPort");
  checkFilter(input.filterAtSource, "FilterAtSource");
  checkFilter(input.filterAtDestination, "FilterAtDestination");
  if (input.filterAtSource && (input.sourceIp !== undefined || input.destinationPort !== undefined)) {
    throw invalidParameterCombination("FilterAtSource cannot be specified with SourceIp or DestinationPort.");
  }
  if (input.filterAtDestination && input.destinationIp !== undefined) {
    throw invalidParameterCombination("FilterAtDestination cannot be specified with DestinationIp.");
  }
  const source = resolveEnd(world, rs, input.source, "Source");
  const destination = input.destination !== undefined && input.destination.trim() !== "" ? resolveEnd(world, rs, input.destination, "Destination") : undefined;
  const dstAddress = input.destinationIp ?? input.filterAtDestination?.destinationAddress ?? input.filterAtSource?.destinationAddress;
  if (!destination && dstAddress === undefined) {
    throw missingParameter("Destination or DestinationIp");
  }
  const srcAddress = input.sourceIp ?? input.filterAtSource?.sourceAddress;
  if (source.kind === "internet-gateway") {
    if (destination?.kind === "internet-gateway") throw invalidParameterValue("The source and the destination cannot both be internet gateways.");
    // Traffic from an internet gateway comes from the Internet: its address must be a public one.
    const ip = srcAddress === undefined ? undefined : parseIp(srcAddress);
    if (ip !== undefined && (isPrivate(ip) || ((ip & 0xffc00000) >>> 0) === 0x64400000 /* 100.64.0.0/10 */)) {
      throw invalidParameterValue(`The source IP ${srcAddress} is not a public address: traffic from internet gateway ${source.id} comes from the Internet.`);
    }
  } else if (srcAddress !== undefined && !addressesOf(world, source).includes(srcAddress)) {
    throw invalidParameterValue(`The source IP ${srcAddress} is not an address of ${source.id}.`);
  }
  if (destination && destination.kind !== "internet-gateway" && dstAddress !== undefined && !addressesOf(world, destination).includes(dstAddress)) {
    throw invalidParameterValue(`The destination IP ${dstAddress} is not an address of ${destination.id}.`);
  }
  const id = world.ids.next("nip");
  const path: InsightsPath = {
    id,
    arn: arnOf(rs.region, rs.account, "network-insights-path", id),
    ownerId: rs.account,
    region: rs.region,
    createdAt: world.clock.now(),
    source,
    destination,
    sourceIp: input.sourceIp,
    destinationIp: input.destinationIp,
    protocol: input.protocol,
    destinationPort: input.destinationPort,
    filterAtSource: input.filterAtSource,
    filterAtDestination: input.filterAtDestination,
    tags: input.tags,
  };
  pathsOf(rs).set(id, path);
  if (input.clientToken !== undefined) tokensOf(rs).set("nip:" + input.clientToken, { id, fingerprint });
  return path;
}

export function deletePath(rs: RegionState, id: string | undefined): string {
  const path = getPath(rs, id);
  const using = [...analysesOf(rs).values()].filter((a) => a.pathId === path.id).map((a) => a.id);
  if (using.length > 0) throw analysisExists(using, path.id);
  pathsOf(rs).delete(path.id);
  return path.id;
}

export function deleteAnalysis(rs: RegionState, id: string | undefined): string {
  const a = getAnalysis(rs, id);
  analysesOf(rs).delete(a.id);
  return a.id;
}

// ---- analysis -------------------------------------------------------------------------------------

/** The representative Internet address used when a path ends at an internet gateway (TEST-NET-3). */
export const ANY_INTERNET_ADDRESS = "203.0.113.1";

function intersect(a: PortRangeRec | undefined, b: PortRangeRec | undefined): PortRangeRec | undefined {
  if (!a) return b;
  if (!b) return a;
  return { from: Math.max(a.from, b.from), to: Math.min(a.to, b.to) };
}

const PROTO_NUMBER: Record<InsightsProtocol, string> = { tcp: "6", udp: "17" };

/**
 * Ports where some rule of the given VPCs starts or stops applying, inside [lo, hi]: trying one port
 * per interval between them covers every verdict the filters can give.
 */
function candidatePorts(world: World, vpcs: Set<string>, protocol: InsightsProtocol, range: PortRangeRec, nacl: boolean, sg: boolean): number[] {
  const set = new Set<number>([range.from]);
  const add = (p: number) => {
    if (p > range.from && p <= range.to) set.add(p);
  };
  for (const rs of world.regionStates()) {
    if (sg) {
      for (const g of rs.securityGroups.values()) {
        if (!vpcs.has(g.vpcId)) continue;
        for (const r of g.rules) {
          if (r.ipProtocol !== protocol && r.ipProtocol !== PROTO_NUMBER[protocol]) continue;
          if (r.fromPort < 0) continue;
          add(r.fromPort);
          add(r.toPort + 1);
        }
      }
    }
    if (nacl) {
      for (const acl of rs.networkAcls.values()) {
        if (!vpcs.has(acl.vpcId)) continue;
        for (const e of acl.entries) {
          if (!e.portRange || (e.protocol !== PROTO_NUMBER[protocol] && e.protocol !== protocol)) continue;
          add(e.portRange.from);
          add(e.portRange.to + 1);
        }
      }
    }
  }
  return [...set].sort((x, y) => x - y);
}

function findRule(world: World, hop: Hop): SecurityGroupRule | undefined {
  if (!hop.securityGroupRuleId || !hop.account || !hop.region) return undefined;
  const sg = hop.securityGroupId ? world.region(hop.account, hop.region).securityGroups.get(hop.securityGroupId) : undefined;
  const r = sg?.rules.find((x) => x.id === hop.securityGroupRuleId);
  return r ? { ...r, tags: new Map(r.tags) } : undefined;
}

function findAclEntry(world: World, hop: Hop): NetworkAclEntry | undefined {
  if (hop.aclRuleNumber === undefined || !hop.account || !hop.region) return undefined;
  const acl = world.region(hop.account, hop.region).networkAcls.get(hop.id);
  const egress = hop.kind === "nacl-out";
  const e = acl?.entries.find((x) => x.ruleNumber === hop.aclRuleNumber && x.egress === egress);
  return e ? { ...e } : undefined;
}

function enrich(world: World, hops: Hop[]): ComponentRec[] {
  return hops.map((hop) => {
    const rec: ComponentRec = { hop };
    const rs = hop.account && hop.region ? world.region(hop.account, hop.region) : undefined;
    switch (hop.kind) {
      case "sg-egress":
      case "sg-ingress":
        rec.sgRule = findRule(world, hop);
        break;
      case "nacl-in":
      case "nacl-out":
        rec.aclEntry = findAclEntry(world, hop);
        break;
      case "route-table": {
        const rt = rs?.routeTables.get(hop.id);
        rec.vpcId = rt?.vpcId;
        rec.routeOrigin = rt?.routes.find((r) => r.destinationCidr === hop.route?.destinationCidr)?.origin;
        break;
      }
      case "eni":
      case "appliance": {
        const eni = rs?.networkInterfaces.get(hop.id);
        rec.instanceId = eni?.attachment?.instanceId;
        rec.subnetId = eni?.subnetId;
        rec.vpcId = eni?.vpcId;
        break;
      }
      case "pcx": {
        const pcx = world.peerings.get(hop.id);
        if (pcx) {
          const fromRequester = pcx.requester.region === hop.region && pcx.requester.ownerId === hop.account;
          const a = { id: pcx.requester.vpcId, account: pcx.requester.ownerId, region: pcx.requester.region };
          const b = { id: pcx.accepter.vpcId, account: pcx.accepter.ownerId, region: pcx.accepter.region };
          [rec.sourceVpc, rec.destinationVpc] = fromRequester ? [a, b] : [b, a];
        }
        break;
      }
      case "igw": {
        const igw = rs?.internetGateways.get(hop.id);
        rec.vpcId = igw?.attachments[0]?.vpcId;
        break;
      }
    }
    return rec;
  });
}

/** Runs the engine over a path: never throws for a resource that has gone (the analysis fails instead). */
function runPath(world: World, path: InsightsPath, filterIn: string[], filterOut: string[]): { status: AnalysisStatus; statusMessage?: string; result?: AnalysisResult } {
  const engine = engineOf(world);
  const fas = path.filterAtSource;
  const fad = path.filterAtDestination;
  const dstRange = path.destinationPort !== undefined ? { from: path.destinationPort, to: path.destinationPort } : intersect(fas?.destinationPortRange, fad?.destinationPortRange) ?? { from: 0, to: 65535 };
  const srcRange = intersect(fas?.sourcePortRange, fad?.sourcePortRange);
  if (dstRange.from > dstRange.to || (srcRange && srcRange.from > srcRange.to)) {
    return { status: "failed", statusMessage: "The port filters at the source and at the destination do not overlap." };
  }
  const dst = path.destination;
  const explicitIp = path.destinationIp ?? fad?.destinationAddress ?? fas?.destinationAddress;
  let destination: string;
  let destinationAccount: string | undefined;
  if (dst?.kind === "internet-gateway") destination = explicitIp ?? ANY_INTERNET_ADDRESS;
  else if (dst && (explicitIp === undefined || explicitIp === primaryAddressOf(world, dst))) {
    destination = dst.id;
    destinationAccount = dst.account;
  } else destination = explicitIp!;
  const query = (port: number, sourcePort: number | undefined, explain: boolean) =>
    engine.analyze({
      source: path.source.id,
      // From an internet gateway the sender is a host on the Internet: SourceIp chooses its address.
      sourceIp: path.source.kind === "internet-gateway" ? (path.sourceIp ?? fas?.sourceAddress) : undefined,
      account: path.source.account,
      destination,
      destinationAccount: destinationAccount ?? path.source.account,
      protocol: path.protocol,
      port,
      sourcePort,
      explain,
    });
  try {
    const first = query(dstRange.from, srcRange?.from, false);
    const vpcs = new Set<string>();
    if (first.source.vpcId) vpcs.add(first.source.vpcId);
    if (first.destination.vpcId) vpcs.add(first.destination.vpcId);
    for (const h of first.forward) if (h.kind === "vpc") vpcs.add(h.id);
    const dstPorts = candidatePorts(world, vpcs, path.protocol, dstRange, true, true);
    const srcPorts = srcRange ? candidatePorts(world, vpcs, path.protocol, srcRange, true, false) : [undefined];
    let chosen: { port: number; sourcePort: number | undefined } = { port: dstRange.from, sourcePort: srcRange?.from };
    search: for (const port of dstPorts) {
      for (const sourcePort of srcPorts) {
        const a = port === dstRange.from && sourcePort === srcRange?.from ? first : query(port, sourcePort, false);
        if (a.verdict === "reachable" && meetsFilters(a, filterIn, filterOut) && endsAt(a, dst)) {
          chosen = { port, sourcePort };
          break search;
        }
      }
    }
    const full = query(chosen.port, chosen.sourcePort, true);
    const { segments: _segments, ...analysis } = full;
    let found = full.verdict === "reachable";
    let warning: string | undefined;
    if (found && !endsAt(full, dst)) {
      found = false;
      warning = `The traffic reaches ${full.destination.networkInterfaceId ?? full.destinationAddress}, not ${dst!.id}.`;
    } else if (found && !meetsFilters(full, filterIn, filterOut)) {
      found = false;
      warning = "The path vpclab found does not meet FilterInArns/FilterOutArns.";
    } else if (full.warnings.length > 0) {
      warning = full.warnings.map((w) => `${w.code}: ${w.reason}`).join(" ");
    }
    return {
      status: "succeeded",
      result: {
        found,
        analysis,
        port: chosen.port,
        sourcePort: chosen.sourcePort ?? 49152,
        forward: found ? enrich(world, full.forward) : [],
        return: found ? enrich(world, full.return) : [],
        warning,
      },
    };
  } catch (err) {
    if (err instanceof Ec2Error) return { status: "failed", statusMessage: `${err.code}: ${err.message}` };
    throw err;
  }
}

/** Whether the engine's answer ends at the path's destination resource. */
function endsAt(a: Analysis, dst: PathEnd | undefined): boolean {
  if (!dst) return true;
  if (dst.kind === "internet-gateway") return a.forward.some((h) => h.kind === "igw" && h.id === dst.id);
  if (dst.kind === "instance") return a.destination.instanceId === dst.id;
  return a.destination.networkInterfaceId === dst.id;
}

function idFromArn(arn: string): string {
  const slash = arn.lastIndexOf("/");
  return slash >= 0 ? arn.slice(slash + 1) : arn;
}

function meetsFilters(a: Analysis, filterIn: string[], filterOut: string[]): boolean {
  const ids = new Set<string>();
  for (const h of a.forward) for (const id of h.id.split(",")) ids.add(id);
  if (a.source.instanceId) ids.add(a.source.instanceId);
  if (a.destination.instanceId) ids.add(a.destination.instanceId);
  return filterIn.every((arn) => ids.has(idFromArn(arn))) && !filterOut.some((arn) => ids.has(idFromArn(arn)));
}

export interface StartAnalysisInput {
  pathId?: string;
  additionalAccounts?: string[];
  filterInArns?: string[];
  filterOutArns?: string[];
  tags: Tags;
  clientToken?: string;
}

export function startAnalysis(world: World, rs: RegionState, input: StartAnalysisInput): InsightsAnalysis {
  const fingerprint = JSON.stringify({ ...input, tags: [...input.tags], clientToken: undefined });
  if (input.clientToken !== undefined) {
    const seen = tokensOf(rs).get("nia:" + input.clientToken);
    if (seen) {
      if (seen.fingerprint !== fingerprint) throw idempotentParameterMismatch(input.clientToken);
      const existing = analysesOf(rs).get(seen.id);
      if (existing) return existing;
    }
  }
  const path = getPath(rs, input.pathId);
  for (const acct of input.additionalAccounts ?? []) {
    if (!/^\d{12}$/.test(acct)) throw invalidParameterValue(`Value (${acct}) for parameter AdditionalAccounts is invalid. Expected a 12-digit account ID.`);
  }
  for (const arn of [...(input.filterInArns ?? []), ...(input.filterOutArns ?? [])]) {
    if (!/^arn:aws[\w-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:.+$/.test(arn)) throw invalidParameterValue(`The ARN '${arn}' is malformed.`);
  }
  const filterIn = input.filterInArns ?? [];
  const filterOut = input.filterOutArns ?? [];
  const outcome = runPath(world, path, filterIn, filterOut);
  const id = world.ids.next("nia");
  const a: InsightsAnalysis = {
    id,
    arn: arnOf(rs.region, rs.account, "network-insights-analysis", id),
    ownerId: rs.account,
    region: rs.region,
    pathId: path.id,
    startedAt: world.clock.now(),
    status: "running",
    pending: outcome,
    additionalAccounts: input.additionalAccounts ?? [],
    filterInArns: filterIn,
    filterOutArns: filterOut,
    tags: input.tags,
  };
  analysesOf(rs).set(id, a);
  if (input.clientToken !== undefined) tokensOf(rs).set("nia:" + input.clientToken, { id, fingerprint });
  world.after("insights.analysis", { kind: "insights.analysis", id, account: rs.account, region: rs.region });
  return a;
}
