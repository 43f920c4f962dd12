/**
 * What every Describe call shares: `Filter.N` matching, id lists, and `MaxResults`/`NextToken` paging.
 *
 * Reference: EC2 API "Filter" data type and "Pagination" (Query API). Filter values may use `*` (any
 * run of characters) and `?` (one character), and `\` escapes either; several values of one filter are
 * OR-ed, several filters AND-ed; `tag:<key>` and `tag-key` (and the older `tag-value`) work on every
 * taggable resource. Matching is case-sensitive, as on EC2.
 *
 * Fidelity notes:
 * - An unknown filter name gets `InvalidParameterValue` "The filter 'x' is invalid", as EC2 answers.
 * - NextToken is opaque (base64 of the last item returned and its offset in the filtered list); a token
 *   that does not decode gets `InvalidNextToken`. Lists are in creation order, as AWS roughly shows them.
 * - MaxResults is range-checked even when the ids requested are fewer than a page.
 */
import type { Tags } from "./types.js";
import { invalidFilter, invalidNextToken, invalidParameterValue, isWellFormedId } from "./errors.js";

export interface FilterInput {
  Name?: string;
  Values?: string[];
}

type Scalar = string | number | boolean | undefined | null;
export type FilterValue = Scalar | Scalar[];
export type FilterSpec<T> = Record<string, (item: T) => FilterValue>;

const patternCache = new Map<string, RegExp>();

/**
 * Compiles an EC2 filter pattern: `*` any run, `?` one character, and a backslash escapes the next
 * character (`\*` is a literal star, `\\` a literal backslash), as the Filter data type documents.
 */
function wildcard(pattern: string): RegExp {
  let re = patternCache.get(pattern);
  if (!re) {
    let body = "";
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i]!;
      if (c === "\\" && i + 1 < pattern.length) body += escapeRe(pattern[++i]!);
      else if (c === "*") body += "[\\s\\S]*";
      else if (c === "?") body += "[\\s\\S]";
      else body += escapeRe(c);
    }
    re = new RegExp(`^${body}$`);
    if (patternCache.size > 10_000) patternCache.clear();
    patternCache.set(pattern, re);
  }
  return re;
}

function escapeRe(c: string): string {
  return /[.*+?^${}()|[\]\\/-]/.test(c) ? "\\" + c : c;
}

export function matchesValue(pattern: string, value: string): boolean {
  if (!pattern.includes("*") && !pattern.includes("?") && !pattern.includes("\\")) return pattern === value;
  return wildcard(pattern).test(value);
}

function asStrings(v: FilterValue): string[] {
  const arr = Array.isArray(v) ? v : [v];
  const out: string[] = [];
  for (const x of arr) if (x !== undefined && x !== null) out.push(String(x));
  return out;
}

/** Applies EC2 filters. `tagsOf` enables the tag filters; pass undefined for untaggable resources. */
export function applyFilters<T>(
  items: Iterable<T>,
  filters: FilterInput[] | undefined,
  spec: FilterSpec<T>,
  tagsOf?: (item: T) => Tags | undefined,
): T[] {
  const list = [...items];
  if (!filters || filters.length === 0) return list;
  const preds: ((item: T) => boolean)[] = [];
  for (const f of filters) {
    const name = f.Name;
    if (!name) throw invalidParameterValue("The filter 'null' is invalid");
    const values = f.Values ?? [];
    let get: ((item: T) => string[]) | undefined;
    if (tagsOf && name.startsWith("tag:")) {
      const key = name.slice(4);
      get = (item) => {
        const v = tagsOf(item)?.get(key);
        return v === undefined ? [] : [v];
      };
    } else if (tagsOf && name === "tag-key") {
      get = (item) => [...(tagsOf(item)?.keys() ?? [])];
    } else if (tagsOf && name === "tag-value") {
      get = (item) => [...(tagsOf(item)?.values() ?? [])];
    } else {
      const fn = spec[name];
      if (!fn) throw invalidFilter(name);
      get = (item) => asStrings(fn(item));
    }
    const g = get;
    preds.push((item) => {
      const actual = g(item);
      return values.some((p) => actual.some((a) => matchesValue(p, a)));
    });
  }
  return list.filter((item) => preds.every((p) => p(item)));
}

/**
 * Looks up each requested id; reports the missing ones in one error, as EC2 does. With `malformed`,
 * a missing id not shaped like one of the kind (`vpc-bogus`) is refused with that error first.
 */
export function selectByIds<T>(
  all: ReadonlyMap<string, T>,
  ids: string[] | undefined,
  notFound: (missing: string) => Error,
  malformed?: { prefix: string; error: (id: string) => Error },
): T[] {
  if (!ids || ids.length === 0) return [...all.values()];
  const out: T[] = [];
  const missing: string[] = [];
  for (const id of new Set(ids)) {
    const item = all.get(id);
    if (item === undefined) missing.push(id);
    else out.push(item);
  }
  if (malformed) for (const id of missing) if (!isWellFormedId(malformed.prefix, id)) throw malformed.error(id);
  if (missing.length > 0) throw notFound(missing.join(", "));
  return out;
}

export interface PageInput {
  MaxResults?: number;
  NextToken?: string;
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/**
 * Pages a list; `range` is the call's documented MaxResults range (5–1000 for most Describe calls).
 * With `idOf`, the token remembers the last item returned, so a page boundary survives items being
 * created or deleted between two calls (AWS's tokens are stable the same way); without it, or when
 * that item is gone, the token's offset is used.
 */
export function paginate<T>(
  items: T[],
  input: PageInput,
  range: [number, number] = [5, 1000],
  idOf?: (item: T) => string,
): Page<T> {
  if (input.MaxResults !== undefined) {
    const [min, max] = range;
    if (!Number.isInteger(input.MaxResults) || input.MaxResults < min || input.MaxResults > max) {
      throw invalidParameterValue(
        `Value ( ${input.MaxResults} ) for parameter maxResults is invalid. Parameter must be between ${min} and ${max}.`,
      );
    }
  }
  let offset = 0;
  if (input.NextToken !== undefined) {
    const decoded = decodeToken(input.NextToken);
    if (decoded === undefined) throw invalidNextToken();
    offset = decoded.offset;
    if (idOf && decoded.after !== undefined) {
      const at = items.findIndex((it) => idOf(it) === decoded.after);
      if (at >= 0) offset = at + 1;
    }
    offset = Math.min(offset, items.length);
  }
  if (input.MaxResults === undefined) {
    return { items: offset === 0 ? items : items.slice(offset) };
  }
  const end = offset + input.MaxResults;
  const page = items.slice(offset, end);
  if (end >= items.length) return { items: page };
  return { items: page, nextToken: encodeToken(end, idOf && page.length > 0 ? idOf(page[page.length - 1]!) : undefined) };
}

function encodeToken(offset: number, after: string | undefined): string {
  return Buffer.from(JSON.stringify(after === undefined ? { v: 1, o: offset } : { v: 1, o: offset, a: after })).toString(
    "base64url",
  );
}

function decodeToken(token: string): { offset: number; after?: string } | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { v?: unknown; o?: unknown; a?: unknown };
    if (parsed.v !== 1 || typeof parsed.o !== "number" || !Number.isSafeInteger(parsed.o) || parsed.o < 0) return undefined;
    if (parsed.a !== undefined && typeof parsed.a !== "string") return undefined;
    return { offset: parsed.o, after: parsed.a as string | undefined };
  } catch {
    return undefined;
  }
}
