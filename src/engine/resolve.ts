/**
 * Naming the ends of a packet: an instance id, an ENI id, an instance's (or ENI's) Name tag, or an IPv4
 * address, resolved against the compiled model within an optional account and region. A source may
 * also be the Internet: `internet`, an internet gateway id (`igw-…`, the traffic enters through that
 * gateway, as Reachability Analyzer's internet-gateway source), or any public address that no VPC of the
 * lab holds.
 *
 * Fidelity notes: AWS's Reachability Analyzer takes resource ids only; vpclab also takes Name tags and
 * addresses, as the `vpclab ping` CLI does. An address or name that matches several interfaces (two
 * default VPCs both use 172.31.0.0/16) is refused with the candidates listed, rather than guessed.
 * `internet` and `igw-…` send from 203.0.113.10 (RFC 5737's documentation range, standing for "a host
 * on the Internet"), or 192.0.2.10 / 198.51.100.10 when a VPC of the lab uses that range.
 */
import { invalidParameterValue, ambiguousEndpoint, instanceNotFound, eniNotFound, internetGatewayNotFound, ipv6PathsNotAnalysed } from "../domain/errors.js";
import { formatIp, isPrivate, parseIp } from "../domain/cidr.js";
import { parseIp6 } from "../domain/cidr6.js";
import { inCidr, NOT_ROUTABLE, RFC6598, type EniInfo, type NetworkModel } from "./model.js";

/** A sender on the Internet (a public address outside every VPC of the lab). */
export interface InternetSender {
  kind: "internet";
  address: number;
  /** Set when the source was named as an internet gateway: the traffic must enter through it. */
  igw?: { id: string; account: string; region: string; vpcId?: string };
}

export type Sender = EniInfo | InternetSender;

export function isInternet(s: Sender): s is InternetSender {
  return (s as InternetSender).kind === "internet";
}

const INTERNET_SENDERS = ["203.0.113.10", "192.0.2.10", "198.51.100.10"].map((a) => parseIp(a)!);

/** Whether an address can be a host on the Internet: public, routable, in no VPC and on no interface. */
export function isInternetAddress(m: NetworkModel, ip: number): boolean {
  if (isPrivate(ip) || inCidr(RFC6598, ip) || NOT_ROUTABLE.some((c) => inCidr(c, ip))) return false;
  return !m.publicIps.has(ip) && m.vpcsHolding(ip).length === 0;
}

function internetSender(m: NetworkModel): number {
  for (const a of INTERNET_SENDERS) if (isInternetAddress(m, a)) return a;
  throw invalidParameterValue("Every documentation range (203.0.113.0/24, 192.0.2.0/24, 198.51.100.0/24) is used by a VPC; give the Internet sender's address instead of 'internet'");
}

function byIgw(m: NetworkModel, id: string, scope: Scope): InternetSender {
  for (const rs of m.world.regionStates()) {
    if (scope.account !== undefined && rs.account !== scope.account) continue;
    const igw = rs.internetGateways.get(id);
    if (!igw) continue;
    const vpcId = igw.attachments.find((a) => a.state === "available")?.vpcId;
    return { kind: "internet", address: internetSender(m), igw: { id, account: rs.account, region: rs.region, vpcId } };
  }
  throw internetGatewayNotFound(id);
}

export interface Scope {
  /** Only consider resources of this account (any account when undefined). */
  account?: string;
  /** Only consider resources of this region (every region when undefined). */
  region?: string;
}

export interface ResolvedDestination {
  address: number;
  /** The interface the user meant, when they named one (instance, ENI, Name tag). */
  eni?: EniInfo;
}

function inScope(e: EniInfo, scope: Scope): boolean {
  return (scope.account === undefined || e.rs.account === scope.account) && (scope.region === undefined || e.rs.region === scope.region);
}

function describe(e: EniInfo): string {
  const who = e.instance ? e.instance.id : e.eni.id;
  return `${who} (${formatIp(e.primaryIp)} in ${e.vpc.vpc.id}, ${e.rs.region}, account ${e.rs.account})`;
}

function one(list: EniInfo[], text: string, what: string): EniInfo {
  if (list.length === 1) return list[0]!;
  if (list.length === 0) {
    throw invalidParameterValue(`No ${what} matches '${text}' (give an instance id, a network interface id, a Name tag or an address)`);
  }
  throw ambiguousEndpoint(text, list.map(describe));
}

function byInstance(m: NetworkModel, id: string, scope: Scope): EniInfo {
  const inst = m.instances.get(id);
  if (!inst || (scope.account !== undefined && inst.rs.account !== scope.account)) {
    throw instanceNotFound(id);
  }
  const eni = m.enis.get(inst.instance.primaryEniId);
  if (!eni) throw invalidParameterValue(`Instance ${id} has no network interface (state: ${inst.instance.state})`);
  return eni;
}

function byEni(m: NetworkModel, id: string, scope: Scope): EniInfo {
  const eni = m.enis.get(id);
  if (!eni || (scope.account !== undefined && eni.rs.account !== scope.account)) {
    throw eniNotFound(id);
  }
  return eni;
}

function byName(m: NetworkModel, name: string, scope: Scope): EniInfo[] {
  const out: EniInfo[] = [];
  for (const { instance } of m.instances.values()) {
    if (instance.tags.get("Name") !== name || instance.state === "terminated") continue;
    const eni = m.enis.get(instance.primaryEniId);
    if (eni && inScope(eni, scope)) out.push(eni);
  }
  if (out.length === 0) {
    for (const eni of m.enis.values()) if (eni.eni.tags.get("Name") === name && inScope(eni, scope)) out.push(eni);
  }
  return out;
}

function byAddress(m: NetworkModel, ip: number, scope: Scope): EniInfo[] {
  const out = (m.privateIps.get(ip) ?? []).filter((e) => inScope(e, scope));
  const pub = m.publicIps.get(ip);
  if (pub && inScope(pub, scope) && !out.includes(pub)) out.push(pub);
  return out;
}

/**
 * The engine's walk routes IPv4 only: an IPv6 address (or CIDR) gets a plain answer saying so, rather
 * than "no instance matches" or a verdict about some other packet.
 */
function refuseIpv6(text: string): void {
  const slash = text.indexOf("/");
  if (text.includes(":") && parseIp6(slash < 0 ? text : text.slice(0, slash)) !== undefined) throw ipv6PathsNotAnalysed(text);
}

/** The interface a packet leaves from, or the Internet. */
export function resolveSource(m: NetworkModel, text: string, scope: Scope = {}): Sender {
  if (typeof text !== "string" || text === "") throw invalidParameterValue("The source must be an instance id, a network interface id, a Name tag, an address or 'internet'");
  if (/^i-[0-9a-f]+$/.test(text)) return byInstance(m, text, scope);
  if (/^eni-[0-9a-f]+$/.test(text)) return byEni(m, text, scope);
  if (/^igw-[0-9a-f]+$/.test(text)) return byIgw(m, text, scope);
  if (text.toLowerCase() === "internet") return { kind: "internet", address: internetSender(m) };
  refuseIpv6(text);
  const ip = parseIp(text);
  if (ip !== undefined) {
    const list = byAddress(m, ip, scope);
    if (list.length === 0 && isInternetAddress(m, ip)) return { kind: "internet", address: ip };
    return one(list, text, "network interface");
  }
  return one(byName(m, text, scope), text, "instance");
}

/** Where a packet goes: any address, or the primary private address of a named instance or ENI. */
export function resolveDestination(m: NetworkModel, text: string, scope: Scope = {}): ResolvedDestination {
  if (typeof text !== "string" || text === "") throw invalidParameterValue("The destination must be an address, an instance id, a network interface id or a Name tag");
  if (/^i-[0-9a-f]+$/.test(text)) {
    const eni = byInstance(m, text, { account: scope.account });
    return { address: eni.primaryIp, eni };
  }
  if (/^eni-[0-9a-f]+$/.test(text)) {
    const eni = byEni(m, text, { account: scope.account });
    return { address: eni.primaryIp, eni };
  }
  refuseIpv6(text);
  const ip = parseIp(text);
  if (ip !== undefined) return { address: ip };
  const eni = one(byName(m, text, scope), text, "instance");
  return { address: eni.primaryIp, eni };
}
