/**
 * IPv4 address and CIDR arithmetic on unsigned 32-bit integers, shared by the domain (validation,
 * overlap checks, address allocation) and the engine (forwarding).
 *
 * Written by hand: the npm CIDR libraries work on strings or BigInts and allocate per call, where the
 * engine needs integer-only arithmetic in its hot path; the whole of it is a few dozen lines and is
 * checked against a naive oracle by property tests (cidr.test.ts).
 *
 * Fidelity notes: AWS accepts a CIDR whose host bits are set for some calls and canonicalises it
 * (CreateVpc `10.0.0.1/16` → `10.0.0.0/16`); `parseCidr` keeps the given base and `canonical` says
 * whether host bits were set, so each caller can follow AWS for its own call.
 */

export interface Cidr {
  /** Network address as an unsigned 32-bit integer (host bits cleared). */
  base: number;
  prefix: number;
  /** True when the text had host bits set (`10.0.0.1/16`). */
  hadHostBits: boolean;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Parses a dotted-quad IPv4 address; undefined when malformed. */
export function parseIp(text: string): number | undefined {
  const m = IPV4.exec(text);
  if (!m) return undefined;
  return ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
}

export function formatIp(ip: number): string {
  return `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`;
}

export function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Parses `a.b.c.d/n`; undefined when malformed. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const ip = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (ip === undefined || !/^(3[0-2]|[12]?\d)$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  const base = (ip & maskOf(prefix)) >>> 0;
  return { base, prefix, hadHostBits: base !== ip };
}

export function formatCidr(c: Pick<Cidr, "base" | "prefix">): string {
  return `${formatIp(c.base)}/${c.prefix}`;
}

/** Number of addresses in the block. */
export function sizeOf(c: Pick<Cidr, "prefix">): number {
  return 2 ** (32 - c.prefix);
}

/** Last address of the block. */
export function lastOf(c: Pick<Cidr, "base" | "prefix">): number {
  return (c.base + sizeOf(c) - 1) >>> 0;
}

export function containsIp(c: Pick<Cidr, "base" | "prefix">, ip: number): boolean {
  return ((ip & maskOf(c.prefix)) >>> 0) === c.base;
}

/** True when `inner` lies wholly inside `outer`. */
export function containsCidr(outer: Pick<Cidr, "base" | "prefix">, inner: Pick<Cidr, "base" | "prefix">): boolean {
  return inner.prefix >= outer.prefix && containsIp(outer, inner.base);
}

export function overlaps(a: Pick<Cidr, "base" | "prefix">, b: Pick<Cidr, "base" | "prefix">): boolean {
  return containsIp(a, b.base) || containsIp(b, a.base);
}

/** Parses a CIDR string already validated elsewhere; throws on malformed input (a programming error). */
export function cidrOf(text: string): Cidr {
  const c = parseCidr(text);
  if (!c) throw new Error(`not a CIDR: ${text}`);
  return c;
}

/** The RFC 1918 private ranges, and the other blocks AWS lets a VPC use (100.64.0.0/10, 198.19.0.0/16). */
export const RFC1918 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map(cidrOf);

export function isPrivate(ip: number): boolean {
  return RFC1918.some((c) => containsIp(c, ip));
}
