/**
 * IPv6 address and CIDR arithmetic, shared by the domain (validation, the Amazon pool, subnetting a
 * VPC's /56 into /64s, address allocation) and the engine (longest-prefix match, engine/lpm6.ts).
 *
 * Representation: an address is four unsigned 32-bit words, most significant first (`Ip6`). Chosen
 * over BigInt for speed: the engine compares and masks addresses in its hot path, and word arithmetic
 * is plain small-integer JavaScript (no heap allocation per operation, JIT-friendly), where every
 * BigInt shift or mask allocates a new BigInt. The domain functions use the same words so there is one
 * representation to test. Checked against a bit-string oracle by property tests (cidr6.test.ts).
 *
 * References: RFC 4291 §2.2 (text forms, including `::` and a trailing dotted quad), RFC 5952 §4
 * (canonical text: lowercase, no leading zeros, the longest run of two or more zero groups shortened
 * to `::`, the first such run on a tie, a single zero group never shortened).
 *
 * Fidelity notes: zone indices (`fe80::1%eth0`) are refused (EC2 never takes them). RFC 5952 §5's
 * recommended mixed notation for IPv4-mapped addresses (`::ffff:192.0.2.1`) is not produced: every
 * address is formatted in hexadecimal, which is what EC2 shows for VPC addresses (none are mapped).
 */

/** Four unsigned 32-bit words, most significant first. */
export type Ip6 = readonly [number, number, number, number];

export interface Cidr6 {
  /** Network address (host bits cleared). */
  base: Ip6;
  prefix: number;
  /** True when the text had host bits set (`2001:db8::1/56`). */
  hadHostBits: boolean;
}

const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
const DOTTED = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Parses the groups of one side of `::` into 16-bit values; a dotted quad may end the last side. */
function groupsOf(text: string, allowDotted: boolean): number[] | undefined {
  if (text === "") return [];
  const parts = text.split(":");
  const out: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (allowDotted && i === parts.length - 1 && p.includes(".")) {
      const m = DOTTED.exec(p);
      if (!m) return undefined;
      out.push((Number(m[1]) << 8) | Number(m[2]), (Number(m[3]) << 8) | Number(m[4]));
    } else {
      if (!HEX_GROUP.test(p)) return undefined;
      out.push(parseInt(p, 16));
    }
  }
  return out;
}

function fromGroups(g: readonly number[]): Ip6 {
  return [
    ((g[0]! << 16) | g[1]!) >>> 0,
    ((g[2]! << 16) | g[3]!) >>> 0,
    ((g[4]! << 16) | g[5]!) >>> 0,
    ((g[6]! << 16) | g[7]!) >>> 0,
  ];
}

/** The eight 16-bit groups of an address. */
export function groupsOfIp6(ip: Ip6): number[] {
  return [ip[0] >>> 16, ip[0] & 0xffff, ip[1] >>> 16, ip[1] & 0xffff, ip[2] >>> 16, ip[2] & 0xffff, ip[3] >>> 16, ip[3] & 0xffff];
}

/** Parses an IPv6 address in any RFC 4291 text form; undefined when malformed. */
export function parseIp6(text: string): Ip6 | undefined {
  if (text.length < 2 || text.length > 45) return undefined;
  const dc = text.indexOf("::");
  if (dc >= 0) {
    if (text.indexOf("::", dc + 1) >= 0) return undefined;
    const head = text.slice(0, dc);
    const tail = text.slice(dc + 2);
    // `:::` and a leading or trailing lone colon (`:1::`, `1:::`) are malformed.
    if (head.endsWith(":") || tail.startsWith(":") || head.startsWith(":") || tail.endsWith(":")) return undefined;
    const h = groupsOf(head, false);
    const t = groupsOf(tail, true);
    if (!h || !t || h.length + t.length > 7) return undefined;
    return fromGroups([...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t]);
  }
  const g = groupsOf(text, true);
  if (!g || g.length !== 8) return undefined;
  return fromGroups(g);
}

/** RFC 5952 canonical text. */
export function formatIp6(ip: Ip6): string {
  const g = groupsOfIp6(ip);
  // The longest run of two or more zero groups; the first on a tie.
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(":");
  if (bestAt < 0) return hex(g);
  return `${hex(g.slice(0, bestAt))}::${hex(g.slice(bestAt + bestLen))}`;
}

/** The mask word for word `w` (0–3) of a prefix. */
function maskWord(prefix: number, w: number): number {
  const bits = prefix - 32 * w;
  if (bits <= 0) return 0;
  if (bits >= 32) return 0xffffffff;
  return (0xffffffff << (32 - bits)) >>> 0;
}

export function maskOf6(prefix: number): Ip6 {
  return [maskWord(prefix, 0), maskWord(prefix, 1), maskWord(prefix, 2), maskWord(prefix, 3)];
}

export function applyMask6(ip: Ip6, prefix: number): Ip6 {
  return [
    (ip[0] & maskWord(prefix, 0)) >>> 0,
    (ip[1] & maskWord(prefix, 1)) >>> 0,
    (ip[2] & maskWord(prefix, 2)) >>> 0,
    (ip[3] & maskWord(prefix, 3)) >>> 0,
  ];
}

export function equalIp6(a: Ip6, b: Ip6): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}

/** Negative, zero or positive, as `a` is below, equal to or above `b`. */
export function compareIp6(a: Ip6, b: Ip6): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3];
}

/** Parses `address/n` (n 0–128); undefined when malformed. */
export function parseCidr6(text: string): Cidr6 | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const prefixText = text.slice(slash + 1);
  if (!/^(12[0-8]|1[01]\d|[1-9]?\d)$/.test(prefixText)) return undefined;
  const ip = parseIp6(text.slice(0, slash));
  if (!ip) return undefined;
  const prefix = Number(prefixText);
  const base = applyMask6(ip, prefix);
  return { base, prefix, hadHostBits: !equalIp6(base, ip) };
}

export function formatCidr6(c: Pick<Cidr6, "base" | "prefix">): string {
  return `${formatIp6(c.base)}/${c.prefix}`;
}

/** Parses a CIDR already validated elsewhere; throws on malformed input (a programming error). */
export function cidr6Of(text: string): Cidr6 {
  const c = parseCidr6(text);
  if (!c) throw new Error(`not an IPv6 CIDR: ${text}`);
  return c;
}

/** The canonical text of an IPv6 CIDR (host bits cleared, RFC 5952), or undefined when malformed. */
export function canonicalCidr6(text: string): string | undefined {
  const c = parseCidr6(text);
  return c && formatCidr6(c);
}

export function containsIp6(c: Pick<Cidr6, "base" | "prefix">, ip: Ip6): boolean {
  const p = c.prefix;
  return (
    ((ip[0] & maskWord(p, 0)) >>> 0) === c.base[0] &&
    ((ip[1] & maskWord(p, 1)) >>> 0) === c.base[1] &&
    ((ip[2] & maskWord(p, 2)) >>> 0) === c.base[2] &&
    ((ip[3] & maskWord(p, 3)) >>> 0) === c.base[3]
  );
}

/** True when `inner` lies wholly inside `outer`. */
export function containsCidr6(outer: Pick<Cidr6, "base" | "prefix">, inner: Pick<Cidr6, "base" | "prefix">): boolean {
  return inner.prefix >= outer.prefix && containsIp6(outer, inner.base);
}

export function overlaps6(a: Pick<Cidr6, "base" | "prefix">, b: Pick<Cidr6, "base" | "prefix">): boolean {
  return containsIp6(a, b.base) || containsIp6(b, a.base);
}

/** Adds a non-negative integer (below 2^53) to an address, wrapping at 2^128. */
export function addIp6(ip: Ip6, n: number): Ip6 {
  const out = [ip[0], ip[1], ip[2], ip[3]];
  let carry = n;
  for (let w = 3; w >= 0 && carry > 0; w--) {
    const sum = out[w]! + (carry % 0x100000000);
    carry = Math.floor(carry / 0x100000000) + (sum > 0xffffffff ? 1 : 0);
    out[w] = sum >>> 0;
  }
  return out as unknown as Ip6;
}

/** The last address of a block. */
export function lastOf6(c: Pick<Cidr6, "base" | "prefix">): Ip6 {
  const m = maskOf6(c.prefix);
  return [(c.base[0] | ~m[0]) >>> 0, (c.base[1] | ~m[1]) >>> 0, (c.base[2] | ~m[2]) >>> 0, (c.base[3] | ~m[3]) >>> 0];
}

/**
 * The `index`-th block of length `prefix` inside `parent` (a /56 holds 256 /64s: index 0–255).
 * Undefined when `prefix` is shorter than the parent's or `index` is out of range.
 */
export function subnet6(parent: Pick<Cidr6, "base" | "prefix">, prefix: number, index: number): Cidr6 | undefined {
  const extra = prefix - parent.prefix;
  if (extra < 0 || prefix > 128 || !Number.isInteger(index) || index < 0 || extra > 52 || index >= 2 ** extra) {
    return undefined;
  }
  // Place `index` so that its last bit is bit `prefix - 1` (counted from the top): shift left by
  // 128 - prefix bits, one word at a time.
  const out = [parent.base[0], parent.base[1], parent.base[2], parent.base[3]];
  const shift = 128 - prefix;
  let word = 3 - Math.floor(shift / 32);
  const bitInWord = shift % 32;
  // Split index into chunks that land in consecutive words.
  let rest = index;
  let chunkBits = 32 - bitInWord;
  let first = true;
  while (rest > 0 && word >= 0) {
    const take = first ? chunkBits : 32;
    const chunk = rest % 2 ** take;
    rest = Math.floor(rest / 2 ** take);
    const placed = first ? chunk * 2 ** bitInWord : chunk;
    out[word] = (out[word]! | placed) >>> 0;
    word--;
    first = false;
    chunkBits = 32;
  }
  return { base: out as unknown as Ip6, prefix, hadHostBits: false };
}

/** Number of addresses of a block, as a float (exact up to /75; 2^53 and beyond are approximate). */
export function sizeOf6(c: Pick<Cidr6, "prefix">): number {
  return 2 ** (128 - c.prefix);
}
