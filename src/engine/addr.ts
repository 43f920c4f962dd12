/**
 * Addresses in the engine's walk: one `number` for both families, so that the IPv4 walk keeps its
 * plain unsigned 32-bit integers (0 … 2^32-1) untouched, and an IPv6 address is a negative integer, an
 * id into an intern table of 128-bit addresses (domain/cidr6.ts `Ip6` words). A function that must
 * know the family asks `isV6(a)` (one compare); everything else (maps keyed by address, equality,
 * `ips.includes`) works on both families unchanged. IPv4 queries therefore pay nothing for IPv6
 * (bench/engine, BENCHMARKS.md "IPv6 paths").
 *
 * The intern table is process-wide and append-only (an id, once handed out, always means the same
 * address, so compiled indexes and in-flight walks never see an id change meaning). It holds the IPv6
 * addresses of interfaces and every address a query named: a few dozen bytes per distinct address.
 *
 * Fidelity notes: none (a representation, not a behaviour).
 */
import { formatIp, parseIp } from "../domain/cidr.js";
import { containsIp6, formatIp6, parseIp6, type Ip6 } from "../domain/cidr6.js";

const ids = new Map<string, number>();
const table: Ip6[] = [];

/** The id of an IPv6 address (a negative integer). */
export function intern6(ip: Ip6): number {
  const key = `${ip[0]}.${ip[1]}.${ip[2]}.${ip[3]}`;
  let id = ids.get(key);
  if (id === undefined) {
    table.push(ip);
    id = -table.length;
    ids.set(key, id);
  }
  return id;
}

/** True for an IPv6 address id. */
export function isV6(a: number): boolean {
  return a < 0;
}

/** The 128-bit address behind an id (isV6 must hold). */
export function ip6Of(a: number): Ip6 {
  return table[-a - 1]!;
}

/** An address of either family in its canonical text (dotted quad, RFC 5952). */
export function fmtIp(a: number): string {
  return a < 0 ? formatIp6(table[-a - 1]!) : formatIp(a);
}

/** The address as a /32 or /128 CIDR. */
export function hostCidr(a: number): string {
  return a < 0 ? `${fmtIp(a)}/128` : `${formatIp(a)}/32`;
}

/** Parses an address of either family; undefined when it is neither. */
export function parseAddr(text: string): number | undefined {
  const v4 = parseIp(text);
  if (v4 !== undefined) return v4;
  if (!text.includes(":")) return undefined;
  const v6 = parseIp6(text);
  return v6 ? intern6(v6) : undefined;
}

/** A parsed IPv6 block for the engine: canonical text, base words and prefix. */
export interface Cidr6Int {
  text: string;
  base: Ip6;
  prefix: number;
}

export function in6(c: Cidr6Int, a: number): boolean {
  return a < 0 && containsIp6(c, table[-a - 1]!);
}

const ULA: Cidr6Int = { text: "fc00::/7", base: [0xfc000000, 0, 0, 0], prefix: 7 };
const V6_NOT_ROUTABLE: readonly Cidr6Int[] = [
  { text: "::/128", base: [0, 0, 0, 0], prefix: 128 },
  { text: "::1/128", base: [0, 0, 0, 1], prefix: 128 },
  { text: "fe80::/10", base: [0xfe800000, 0, 0, 0], prefix: 10 },
  { text: "ff00::/8", base: [0xff000000, 0, 0, 0], prefix: 8 },
  { text: "::ffff:0:0/96", base: [0, 0, 0xffff, 0], prefix: 96 },
];

/** Unique local addresses (RFC 4193, fc00::/7): private, never routed on the Internet. */
export function isUla(a: number): boolean {
  return in6(ULA, a);
}

/** IPv6 destinations no router forwards to the Internet (unspecified, loopback, link-local, multicast, IPv4-mapped). */
export function v6NotRoutable(a: number): boolean {
  return V6_NOT_ROUTABLE.some((c) => in6(c, a));
}
