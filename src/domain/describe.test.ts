// Unit tests of the shared Describe machinery: filter matching (wildcards, escapes, OR within a filter,
// AND across filters, tag filters), id selection and MaxResults/NextToken paging.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { applyFilters, matchesValue, paginate, selectByIds, type FilterSpec } from "./describe.js";
import { Ec2Error } from "./errors.js";

interface Item {
  id: string;
  cidr: string;
  zones: string[];
  isDefault: boolean;
  tags: Map<string, string>;
}

const items: Item[] = [
  { id: "a", cidr: "10.0.0.0/16", zones: ["x1", "x2"], isDefault: true, tags: new Map([["Name", "alpha"], ["Env", "prod"]]) },
  { id: "b", cidr: "10.1.0.0/16", zones: ["x2"], isDefault: false, tags: new Map([["Name", "beta"]]) },
  { id: "c", cidr: "172.31.0.0/16", zones: [], isDefault: false, tags: new Map([["Name", "a*b?c\\d"]]) },
];
const spec: FilterSpec<Item> = { id: (i) => i.id, cidr: (i) => i.cidr, zone: (i) => i.zones, "is-default": (i) => i.isDefault };
const ids = (filters: { Name?: string; Values?: string[] }[]) => applyFilters(items, filters, spec, (i) => i.tags).map((i) => i.id);

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as Ec2Error).code;
  }
  return "no error";
};

test("* matches any run and ? exactly one character; plain values match exactly", () => {
  assert.equal(matchesValue("10.*", "10.0.0.0/16"), true);
  assert.equal(matchesValue("*", ""), true);
  assert.equal(matchesValue("?", ""), false);
  assert.equal(matchesValue("10.?.0.0/16", "10.1.0.0/16"), true);
  assert.equal(matchesValue("10.?.0.0/16", "10.11.0.0/16"), false);
  assert.equal(matchesValue("10.0.0.0", "10.0.0.0/16"), false);
  assert.equal(matchesValue("a.c", "abc"), false, "regex metacharacters are literal");
  assert.equal(matchesValue("(x)+[y]", "(x)+[y]"), true);
  assert.equal(matchesValue("Prod", "prod"), false, "case-sensitive");
  assert.equal(matchesValue("*line", "multi\nline"), true, "* spans newlines");
});

test("a backslash escapes *, ? and itself", () => {
  assert.equal(matchesValue("a\\*b\\?c\\\\d", "a*b?c\\d"), true);
  assert.equal(matchesValue("a\\*", "ab"), false);
  assert.equal(matchesValue("a\\?", "ab"), false);
  assert.equal(matchesValue("\\*amazon\\?\\\\", "*amazon?\\"), true);
});

test("wildcard matching agrees with a naive oracle", () => {
  // Oracle: recursive matcher over the pattern, no regular expressions.
  const oracle = (p: string, v: string): boolean => {
    if (p === "") return v === "";
    if (p[0] === "*") return oracle(p.slice(1), v) || (v !== "" && oracle(p, v.slice(1)));
    if (p[0] === "?") return v !== "" && oracle(p.slice(1), v.slice(1));
    return v !== "" && p[0] === v[0] && oracle(p.slice(1), v.slice(1));
  };
  const alphabet = fc.constantFrom("a", "b", ".", "-", "/");
  const text = fc.array(alphabet, { maxLength: 8 }).map((a) => a.join(""));
  const pattern = fc.array(fc.oneof(alphabet, fc.constant("*"), fc.constant("?")), { maxLength: 6 }).map((a) => a.join(""));
  fc.assert(fc.property(pattern, text, (p, v) => matchesValue(p, v) === oracle(p, v)));
});

test("the two-pointer glob agrees with the regular expression it replaced, escapes and newlines included", () => {
  // The former implementation, kept here as the oracle for its semantics on small inputs.
  const escapeRe = (c: string) => (/[.*+?^${}()|[\]\\/-]/.test(c) ? "\\" + c : c);
  const regexMatch = (pattern: string, value: string): boolean => {
    let body = "";
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i]!;
      if (c === "\\" && i + 1 < pattern.length) body += escapeRe(pattern[++i]!);
      else if (c === "*") body += "[\\s\\S]*";
      else if (c === "?") body += "[\\s\\S]";
      else body += escapeRe(c);
    }
    return new RegExp(`^${body}$`).test(value);
  };
  const alphabet = fc.constantFrom("a", "A", "b", ".", "\n", "\\", "*", "?", "(", "[", "\u00e9", "\ud83d\ude00");
  const text = fc.array(alphabet, { maxLength: 10 }).map((a) => a.join(""));
  const pattern = fc.array(alphabet, { maxLength: 8 }).map((a) => a.join(""));
  fc.assert(fc.property(pattern, text, (p, v) => matchesValue(p, v) === regexMatch(p, v)), { numRuns: 5000 });
  // Values drawn to match: a pattern made from the value itself by replacing characters with wildcards.
  fc.assert(
    fc.property(text, fc.array(fc.constantFrom(0, 1, 2), { maxLength: 10 }), (v, how) => {
      const p = [...v].map((c, i) => (how[i] === 1 ? "?" : how[i] === 2 ? "*" : c === "*" || c === "?" || c === "\\" ? "\\" + c : c)).join("");
      return matchesValue(p, v) === regexMatch(p, v);
    }),
  );
});

test("a pattern of many stars against a value it cannot match answers false (no exponential backtracking)", () => {
  assert.equal(matchesValue("*".repeat(1000) + "Z", "vpc-0123456789abcdef0".repeat(10)), false);
  assert.equal(matchesValue("*a*a*a*a*a*a*a*a*a*a*a*a*b", "a".repeat(1000)), false);
  assert.equal(matchesValue("*a*a*a*a*a*a*a*a*a*a*a*a*", "a".repeat(1000)), true);
});

test("filter limits: 200 values in all (FilterLimitExceeded), name and value lengths (InvalidParameterValue)", () => {
  const many = Array.from({ length: 201 }, (_, i) => `v${i}`);
  assert.equal(code(() => ids([{ Name: "id", Values: many }])), "FilterLimitExceeded");
  assert.equal(code(() => ids([{ Name: "id", Values: many.slice(0, 100) }, { Name: "cidr", Values: many.slice(0, 101) }])), "FilterLimitExceeded");
  assert.equal(code(() => ids([{ Name: "id", Values: many.slice(0, 200) }])), "no error");
  assert.equal(code(() => ids(Array.from({ length: 201 }, () => ({ Name: "id" })))), "FilterLimitExceeded");
  assert.equal(code(() => ids([{ Name: "id", Values: ["x".repeat(1025)] }])), "InvalidParameterValue");
  assert.equal(code(() => ids([{ Name: "id", Values: ["*".repeat(1024)] }])), "no error");
  assert.equal(code(() => ids([{ Name: "tag:" + "k".repeat(252), Values: ["x"] }])), "InvalidParameterValue");
  let message = "";
  try {
    ids([{ Name: "id", Values: ["x".repeat(50_000)] }]);
  } catch (e) {
    message = (e as Error).message;
  }
  assert.ok(message.length < 300, "the oversized value is not echoed back");
});

test("one call's wildcard matching has a step budget: ordinary filters never meet it, backtracking bombs do", () => {
  const many = Array.from({ length: 50_000 }, (_, i) => ({ id: `id-${i}`, cidr: `prod-${i}`, zones: [], isDefault: false, tags: new Map() }));
  const plain = applyFilters(many, [{ Name: "cidr", Values: ["*prod*", "prod-1?", "*-4*", "x*", "*9"] }], spec);
  assert.ok(plain.length > 10_000);
  const long = Array.from({ length: 2000 }, (_, i) => ({ ...many[0]!, id: String(i), cidr: "a".repeat(256) }));
  const bombs = Array.from({ length: 200 }, (_, i) => "*" + "a".repeat(100 + i) + "b");
  let err: unknown;
  try {
    applyFilters(long, [{ Name: "cidr", Values: bombs }], spec);
  } catch (e) {
    err = e;
  }
  assert.equal((err as Ec2Error).code, "InvalidParameterValue");
  assert.match((err as Error).message, /too costly/);
});

test("filter names that are Object.prototype members are unknown filters", () => {
  for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"]) {
    assert.equal(code(() => ids([{ Name: name, Values: ["x"] }])), "InvalidParameterValue", name);
  }
});

test("values of one filter are OR-ed, filters are AND-ed, list-valued fields match any element", () => {
  assert.deepEqual(ids([{ Name: "cidr", Values: ["10.*", "192.*"] }]), ["a", "b"]);
  assert.deepEqual(ids([{ Name: "cidr", Values: ["10.*"] }, { Name: "zone", Values: ["x1"] }]), ["a"]);
  assert.deepEqual(ids([{ Name: "zone", Values: ["x2"] }]), ["a", "b"]);
  assert.deepEqual(ids([{ Name: "is-default", Values: ["true"] }]), ["a"]);
  assert.deepEqual(ids([{ Name: "is-default", Values: ["false"] }]), ["b", "c"]);
  assert.deepEqual(ids([{ Name: "zone", Values: [] }]), [], "a filter with no values matches nothing");
  assert.deepEqual(ids([]), ["a", "b", "c"]);
});

test("tag:Key, tag-key and tag-value", () => {
  assert.deepEqual(ids([{ Name: "tag:Name", Values: ["?eta", "alpha"] }]), ["a", "b"]);
  assert.deepEqual(ids([{ Name: "tag:Env", Values: ["*"] }]), ["a"], "a resource without the key never matches");
  assert.deepEqual(ids([{ Name: "tag:Name", Values: ["a\\*b\\?c\\\\d"] }]), ["c"]);
  assert.deepEqual(ids([{ Name: "tag-key", Values: ["Env"] }]), ["a"]);
  assert.deepEqual(ids([{ Name: "tag-value", Values: ["prod"] }]), ["a"]);
  assert.deepEqual(ids([{ Name: "tag:name", Values: ["alpha"] }]), [], "tag keys are case-sensitive");
});

test("unknown filters are InvalidParameterValue; tag filters need a taggable resource", () => {
  assert.equal(code(() => ids([{ Name: "colour", Values: ["red"] }])), "InvalidParameterValue");
  assert.equal(code(() => ids([{ Values: ["red"] }])), "InvalidParameterValue");
  assert.equal(code(() => applyFilters(items, [{ Name: "tag:Name", Values: ["x"] }], spec)), "InvalidParameterValue");
});

test("selectByIds returns the items asked for and names every missing id", () => {
  const map = new Map(items.map((i) => [i.id, i]));
  assert.deepEqual(selectByIds(map, undefined, () => new Error()).map((i) => i.id), ["a", "b", "c"]);
  assert.deepEqual(selectByIds(map, ["c", "a", "c"], () => new Error()).map((i) => i.id), ["c", "a"]);
  assert.throws(
    () => selectByIds(map, ["a", "x", "y"], (m) => new Ec2Error("InvalidX.NotFound", m)),
    (e: Ec2Error) => e.code === "InvalidX.NotFound" && e.message === "x, y",
  );
});

test("paginate: every item once, in order, for any page size", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 5, max: 20 }), (n, size) => {
      const list = Array.from({ length: n }, (_, i) => ({ id: `i${i}` }));
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = paginate(list, { MaxResults: size, NextToken: token }, [5, 1000], (x) => x.id);
        assert.ok(page.items.length <= size);
        seen.push(...page.items.map((x) => x.id));
        token = page.nextToken;
        pages++;
      } while (token);
      assert.deepEqual(seen, list.map((x) => x.id));
      assert.equal(pages, Math.max(1, Math.ceil(n / size)));
    }),
  );
});

test("paginate: a token survives items being removed or added before the next call", () => {
  const list = Array.from({ length: 12 }, (_, i) => ({ id: `i${i}` }));
  const first = paginate(list, { MaxResults: 5 }, [5, 1000], (x) => x.id);
  const shrunk = list.filter((x) => x.id !== "i1" && x.id !== "i2");
  const second = paginate(shrunk, { MaxResults: 5, NextToken: first.nextToken }, [5, 1000], (x) => x.id);
  assert.deepEqual(second.items.map((x) => x.id), ["i5", "i6", "i7", "i8", "i9"]);
  const grown = [{ id: "new" }, ...list];
  const again = paginate(grown, { MaxResults: 5, NextToken: first.nextToken }, [5, 1000], (x) => x.id);
  assert.equal(again.items[0]!.id, "i5");
  // The last item returned is gone: fall back to the offset.
  const gone = list.filter((x) => x.id !== "i4");
  assert.equal(paginate(gone, { MaxResults: 5, NextToken: first.nextToken }, [5, 1000], (x) => x.id).items[0]!.id, "i6");
});

test("paginate: MaxResults range, no MaxResults means everything, bad tokens", () => {
  const list = Array.from({ length: 3 }, (_, i) => i);
  assert.deepEqual(paginate(list, {}).items, [0, 1, 2]);
  assert.equal(paginate(list, {}).nextToken, undefined);
  assert.equal(paginate(list, { MaxResults: 5 }).nextToken, undefined, "no token after the last page");
  for (const bad of [4, 0, -1, 1001, 5.5]) {
    assert.equal(code(() => paginate(list, { MaxResults: bad })), "InvalidParameterValue", String(bad));
  }
  assert.equal(code(() => paginate(list, { MaxResults: 101 }, [5, 100])), "InvalidParameterValue");
  assert.match(String((() => { try { paginate(list, { MaxResults: 4 }); } catch (e) { return (e as Error).message; } })()), /between 5 and 1000/);
  for (const bad of ["", "garbage", Buffer.from('{"v":2,"o":1}').toString("base64url"), Buffer.from('{"v":1,"o":-1}').toString("base64url")]) {
    assert.equal(code(() => paginate(list, { MaxResults: 5, NextToken: bad })), "InvalidNextToken", bad);
  }
});
