/**
 * Naming the ends of a packet: an instance id, an ENI id, an instance's (or ENI's) Name tag, or an IPv4
 * or IPv6 address, resolved against the compiled model within an optional account and region. A source may
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
import { invalidParameterValue, ambiguousEndpoint, instanceNotFound, eniNotFound, internetGatewayNotFound, noIpv4Address, noIpv6Address } from "../domain/errors.js";
import { isPrivate, parseIp } from "../domain/cidr.js";
import { fmtIp } from "./addr.js";
import { parseIp6 } from "../domain/cidr6.js";
import { intern6, isUla, parseAddr, v6NotRoutable } from "./addr.js";
import { inCidr, NOT_ROUTABLE, RFC6598, type EniInfo, type NetworkModel } from "./model.js";

/** A sender on the Internet (a public address outside every VPC of the lab). */
export interface InternetSender {
  kind: "internet";
  address: number;
  /** Set when the source was named as an internet gateway: the traffic must enter through it. */
  igw?: { id: string; account: string; region: string; vpcId?: string };
  /** The user gave the address (it is not a default that may be swapped for the other family). */
  chosen?: boolean;
}

export type Sender = EniInfo | InternetSender;

export function isInternet(s: Sender): s is InternetSender {
  return (s as InternetSender).kind === "internet";
}

const INTERNET_SENDERS = ["203.0.113.10", "192.0.2.10", "198.51.100.10"].map((a) => parseIp(a)!);

/** Whether an address can be a host on the Internet: public, routable, in no VPC and on no interface. */
export function isInternetAddress(m: NetworkModel, ip: number): boolean {
  if (ip < 0) return !isUla(ip) && !v6NotRoutable(ip) && !m.privateIps.has(ip) && m.vpcsHolding(ip).length === 0;
  if (isPrivate(ip) || inCidr(RFC6598, ip) || NOT_ROUTABLE.some((c) => inCidr(c, ip))) return false;
  return !m.publicIps.has(ip) && m.vpcsHolding(ip).length === 0;
}

function internetSender(m: NetworkModel): number {
  for (const a of INTERNET_SENDERS) if (isInternetAddress(m, a)) return a;
  throw invalidParameterValue("Every documentation range (203.0.113.0/24, 192.0.2.0/24, 198.51.100.0/24) is used by a VPC; give the Internet sender's address instead of 'internet'");
}

/** RFC 3849's documentation prefix stands for "a host on the Internet" in IPv6 queries. */
const INTERNET6_SENDERS = ["2001:db8::10", "2001:db8:1::10"].map((a) => intern6(parseIp6(a)!));

/** The IPv6 address of the Internet host an IPv6 query from `internet` sends from. */
export function internet6Sender(m: NetworkModel): number {
  for (const a of INTERNET6_SENDERS) if (isInternetAddress(m, a)) return a;
  throw invalidParameterValue("The documentation prefix 2001:db8::/32 is used by a VPC; give the Internet sender's IPv6 address instead of 'internet'");
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
  return `${who} (${fmtIp(e.primaryIp)} in ${e.vpc.vpc.id}, ${e.rs.region}, account ${e.rs.account})`;
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

/** The interface a packet leaves from, or the Internet. */
export function resolveSource(m: NetworkModel, text: string, scope: Scope = {}): Sender {
  if (typeof text !== "string" || text === "") throw invalidParameterValue("The source must be an instance id, a network interface id, a Name tag, an address or 'internet'");
  if (/^i-[0-9a-f]+$/.test(text)) return byInstance(m, text, scope);
  if (/^eni-[0-9a-f]+$/.test(text)) return byEni(m, text, scope);
  if (/^igw-[0-9a-f]+$/.test(text)) return byIgw(m, text, scope);
  if (text.toLowerCase() === "internet") return { kind: "internet", address: internetSender(m) };
  const ip = parseAddr(text);
  if (ip !== undefined) {
    const list = byAddress(m, ip, scope);
    if (list.length === 0 && isInternetAddress(m, ip)) return { kind: "internet", address: ip, chosen: true };
    return one(list, text, "network interface");
  }
  return one(byName(m, text, scope), text, "instance");
}

/** The address a named destination is reached at: its primary private IPv4 address, or its first IPv6 address for family 6. */
function named(eni: EniInfo, family: 4 | 6 | undefined, text: string): ResolvedDestination {
  // An IPv6-only interface is reached over IPv6 when no family is asked for; IPv4 is refused.
  if (eni.ipv6Only && family === 4) throw noIpv4Address(eni.instance?.id ?? eni.eni.id, "be reached over IPv4");
  if (family !== 6 && !eni.ipv6Only) return { address: eni.primaryIp, eni };
  if (eni.primaryIp6 === undefined) throw noIpv6Address(eni.instance?.id ?? text, eni.eni.id, "be reached over IPv6");
  return { address: eni.primaryIp6, eni };
}

/**
 * Where a packet goes: any address (IPv4 or IPv6), or a named instance or ENI at its primary private
 * IPv4 address (its first IPv6 address when `family` is 6).
 */
export function resolveDestination(m: NetworkModel, text: string, scope: Scope = {}, family?: 4 | 6): ResolvedDestination {
  if (typeof text !== "string" || text === "") throw invalidParameterValue("The destination must be an address, an instance id, a network interface id or a Name tag");
  if (/^i-[0-9a-f]+$/.test(text)) {
    return named(byInstance(m, text, { account: scope.account }), family, text);
  }
  if (/^eni-[0-9a-f]+$/.test(text)) {
    return named(byEni(m, text, { account: scope.account }), family, text);
  }
  const ip = parseAddr(text);
  if (ip !== undefined) return { address: ip };
  return named(one(byName(m, text, scope), text, "instance"), family, text);
}
