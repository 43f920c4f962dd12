/**
 * What every Describe call shares: `Filter.N` matching, id lists, and `MaxResults`/`NextToken` paging.
 *
 * Reference: EC2 API "Filter" data type and "Pagination" (Query API). Filter values may use `*` (any
 * run of characters) and `?` (one character); several values of one filter are OR-ed, several
 * filters AND-ed; `tag:<key>`, `tag-key` and `tag-value` work on every taggable resource.
 *
 * Fidelity notes:
 * - An unknown filter name gets `InvalidParameterValue` "The filter 'x' is invalid", as EC2 answers.
 * - NextToken is opaque (base64 of an offset into the filtered, id-sorted list); a token that does not
 *   decode gets `InvalidNextToken`. Lists are sorted by creation order, as AWS roughly shows them.
 */
import type { Tags } from "./types.js";
import { invalidFilter, invalidNextToken, invalidParameterValue } from "./errors.js";

export interface FilterInput {
  Name?: string;
  Values?: string[];
}

type Scalar = string | number | boolean | undefined | null;
export type FilterValue = Scalar | Scalar[];
export type FilterSpec<T> = Record<string, (item: T) => FilterValue>;

const patternCache = new Map<string, RegExp>();

function wildcard(pattern: string): RegExp {
  let re = patternCache.get(pattern);
  if (!re) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    re = new RegExp(`^${body}$`, "s");
    if (patternCache.size > 10_000) patternCache.clear();
    patternCache.set(pattern, re);
  }
  return re;
}

export function matchesValue(pattern: string, value: string): boolean {
  if (!pattern.includes("*") && !pattern.includes("?")) return pattern === value;
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

/** Looks up each requested id; reports the missing ones in one error, as EC2 does. */
export function selectByIds<T>(
  all: ReadonlyMap<string, T>,
  ids: string[] | undefined,
  notFound: (missing: string) => Error,
): T[] {
  if (!ids || ids.length === 0) return [...all.values()];
  const out: T[] = [];
  const missing: string[] = [];
  for (const id of new Set(ids)) {
    const item = all.get(id);
    if (item === undefined) missing.push(id);
    else out.push(item);
  }
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

/** Pages a list; `range` is the call's documented MaxResults range (5–1000 for most Describe calls). */
export function paginate<T>(items: T[], input: PageInput, range: [number, number] = [5, 1000]): Page<T> {
  let offset = 0;
  if (input.NextToken !== undefined) {
    const decoded = decodeToken(input.NextToken);
    if (decoded === undefined || decoded > items.length) throw invalidNextToken();
    offset = decoded;
  }
  if (input.MaxResults === undefined) {
    return { items: items.slice(offset) };
  }
  const [min, max] = range;
  if (!Number.isInteger(input.MaxResults) || input.MaxResults < min || input.MaxResults > max) {
    throw invalidParameterValue(
      `Value ( ${input.MaxResults} ) for parameter maxResults is invalid. Parameter must be between ${min} and ${max}.`,
    );
  }
  const end = offset + input.MaxResults;
  const page = items.slice(offset, end);
  return end < items.length ? { items: page, nextToken: encodeToken(end) } : { items: page };
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ v: 1, o: offset })).toString("base64url");
}

function decodeToken(token: string): number | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { v?: number; o?: number };
    return parsed.v === 1 && Number.isInteger(parsed.o) && parsed.o! >= 0 ? parsed.o : undefined;
  } catch {
    return undefined;
  }
}
