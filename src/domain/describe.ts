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
 * - More than 200 filter values on one call (a filter without values counts as one) get EC2's
 *   `FilterLimitExceeded`. EC2 documents no limit on the length of a filter name or value; vpclab
 *   refuses names over 255 characters and values over 1,024 with `InvalidParameterValue` (a tag key is at
 *   most 128, a tag value 256, a description 255), so a pattern costs at most 1,024 × value-length steps.
 * - One call's wildcard matching is capped at 10 million steps (0.1–0.2 s); a call over it gets
 *   `InvalidParameterValue` saying so. Only patterns built to backtrack against many long values reach
 *   it; EC2 has no such refusal (its filters are not matched this way).
 */
import type { Tags } from "./types.js";
import { filterLimitExceeded, invalidFilter, invalidNextToken, invalidParameterValue } from "./errors.js";
import { isWellFormedId } from "./ids.js";

export interface FilterInput {
  Name?: string;
  Values?: string[];
}

type Scalar = string | number | boolean | undefined | null;
export type FilterValue = Scalar | Scalar[];
export type FilterSpec<T> = Record<string, (item: T) => FilterValue>;

/** Tokens of a compiled pattern: a UTF-16 code unit to match literally, or one of these two. */
const STAR = -1;
const ONE = -2;
const patternCache = new Map<string, Int32Array>();

/**
 * Compiles an EC2 filter pattern: `*` any run, `?` one character, and a backslash escapes the next
 * character (`\*` is a literal star, `\\` a literal backslash; a trailing backslash is literal), as the
 * Filter data type documents. Runs of `*` collapse into one: they match the same and would only cost.
 */
function compile(pattern: string): Int32Array {
  let tokens = patternCache.get(pattern);
  if (!tokens) {
    const out: number[] = [];
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern.charCodeAt(i);
      if (c === 0x5c /* \ */ && i + 1 < pattern.length) out.push(pattern.charCodeAt(++i));
      else if (c === 0x2a /* * */) {
        if (out[out.length - 1] !== STAR) out.push(STAR);
      } else if (c === 0x3f /* ? */) out.push(ONE);
      else out.push(c);
    }
    tokens = Int32Array.from(out);
    // A compiled pattern takes 4 bytes a character: 1,000 of 1,024 characters stay within 4 MB.
    if (patternCache.size >= 1000) patternCache.clear();
    patternCache.set(pattern, tokens);
  }
  return tokens;
}

/**
 * What one call's wildcard matching may cost, in steps of the loop below (a step is one character
 * comparison or one backtrack): 0.1–0.2 s of this machine's time. Matching a value of n
 * characters costs at most about n²/4 steps whatever the pattern, so this never limits ordinary
 * filters (50,000 tags × 5 patterns × 20 characters is 5 million); it stops the product of 200 patterns
 * built to backtrack and tens of thousands of long tag values from holding the server for minutes.
 */
export const MAX_MATCH_STEPS = 10_000_000;

/** Steps left for one call's matching. */
export interface MatchBudget {
  left: number;
}

/**
 * Glob matching with two pointers and one backtrack point (the last `*` seen): when a later `*`
 * matches, no earlier choice needs revisiting, so the work is at most pattern × value steps (and once
 * the value is used up it stops), never exponential. The regular expression this replaces backtracked:
 * `************Z` against a VPC id blocked the server for seconds.
 */
function globMatch(p: Int32Array, v: string, budget?: MatchBudget): boolean {
  let pi = 0;
  let vi = 0;
  let starP = -1;
  let starV = 0;
  let steps = 0;
  const n = v.length;
  const m = p.length;
  while (vi < n) {
    steps++;
    const t = pi < m ? p[pi]! : 0;
    if (pi < m && t === STAR) {
      starP = pi++;
      starV = vi;
    } else if (pi < m && (t === ONE || t === v.charCodeAt(vi))) {
      pi++;
      vi++;
    } else if (starP >= 0) {
      pi = starP + 1;
      vi = ++starV;
    } else {
      break;
    }
  }
  if (budget) {
    budget.left -= steps;
    if (budget.left < 0) {
      throw invalidParameterValue(
        `The filter values of this call are too costly to match (over ${MAX_MATCH_STEPS} wildcard steps): use fewer wildcards or narrower filters`,
      );
    }
  }
  if (vi < n) return false;
  while (pi < m && p[pi] === STAR) pi++;
  return pi === m;
}

export function matchesValue(pattern: string, value: string, budget?: MatchBudget): boolean {
  if (!pattern.includes("*") && !pattern.includes("?") && !pattern.includes("\\")) return pattern === value;
  return globMatch(compile(pattern), value, budget);
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
  checkFilterLimits(filters);
  const budget: MatchBudget = { left: MAX_MATCH_STEPS };
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
      // Own properties only: `constructor` or `__proto__` as a filter name must be an unknown filter.
      const fn = Object.hasOwn(spec, name) ? spec[name] : undefined;
      if (!fn) throw invalidFilter(name);
      get = (item) => asStrings(fn(item));
    }
    const g = get;
    preds.push((item) => {
      const actual = g(item);
      return values.some((p) => actual.some((a) => matchesValue(p, a, budget)));
    });
  }
  return list.filter((item) => preds.every((p) => p(item)));
}

/** At most this many filter values in all on one call: EC2's own limit (`FilterLimitExceeded`). */
export const MAX_FILTER_VALUES = 200;
/** EC2 documents no length limits for filters; these are vpclab's (see the fidelity notes). */
export const MAX_FILTER_NAME_LENGTH = 255;
export const MAX_FILTER_VALUE_LENGTH = 1024;

function checkFilterLimits(filters: FilterInput[]): void {
  let values = 0;
  for (const f of filters) values += Math.max(1, f.Values?.length ?? 0);
  if (values > MAX_FILTER_VALUES) throw filterLimitExceeded(MAX_FILTER_VALUES);
  for (const f of filters) {
    if (f.Name !== undefined && f.Name.length > MAX_FILTER_NAME_LENGTH) {
      throw invalidParameterValue(`The filter name '${f.Name.slice(0, 64)}…' is too long: at most ${MAX_FILTER_NAME_LENGTH} characters`);
    }
    for (const v of f.Values ?? []) {
      if (v.length > MAX_FILTER_VALUE_LENGTH) {
        throw invalidParameterValue(
          `A value of the filter '${(f.Name ?? "null").slice(0, 64)}' is too long (${v.length} characters): at most ${MAX_FILTER_VALUE_LENGTH}`,
        );
      }
    }
  }
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
