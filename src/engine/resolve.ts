/**
 * Naming the ends of a packet: an instance id, an ENI id, an instance's (or ENI's) Name tag, or an IPv4
 * address, resolved against the compiled model within an optional account and region.
 *
 * Fidelity notes: AWS's Reachability Analyzer takes resource ids only; vpclab also takes Name tags and
 * addresses, as the `vpclab ping` CLI does. An address or name that matches several interfaces (two
 * default VPCs both use 172.31.0.0/16) is refused with the candidates listed, rather than guessed.
 */
import { invalidParameterValue, ambiguousEndpoint, instanceNotFound, eniNotFound } from "../domain/errors.js";
import { formatIp, parseIp } from "../domain/cidr.js";
import type { EniInfo, NetworkModel } from "./model.js";

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

/** The interface a packet leaves from. */
export function resolveSource(m: NetworkModel, text: string, scope: Scope = {}): EniInfo {
  if (typeof text !== "string" || text === "") throw invalidParameterValue("The source must be an instance id, a network interface id, a Name tag or an address");
  if (/^i-[0-9a-f]+$/.test(text)) return byInstance(m, text, scope);
  if (/^eni-[0-9a-f]+$/.test(text)) return byEni(m, text, scope);
  const ip = parseIp(text);
  if (ip !== undefined) return one(byAddress(m, ip, scope), text, "network interface");
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
  const ip = parseIp(text);
  if (ip !== undefined) return { address: ip };
  const eni = one(byName(m, text, scope), text, "instance");
  return { address: eni.primaryIp, eni };
}
