// No runtime import cycles among vpclab's modules. A cycle makes module initialisation order matter
// (a `const` read before its module has run is a TDZ error at start-up) and usually means a shared
// piece belongs in a module of its own (as domain/lookup.ts is for vpcs.ts and its neighbours).
// Type-only imports are erased by the compiler and do not count.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const SRC = dirname(fileURLToPath(import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return name.endsWith(".ts") && !name.endsWith(".test.ts") && !name.endsWith(".d.ts") ? [p] : [];
  });
}

/** The relative modules a file imports at run time (static imports and re-exports, not `import type`). */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(type\s+)?([^;]*?)\s*from\s+"(\.[^"]+)";/gms)) {
    if (m[1]) continue;
    const braces = /^\{([^}]*)\}$/.exec(m[2]!.trim());
    const names = braces ? braces[1]!.split(",").map((n) => n.trim()).filter(Boolean) : [];
    if (braces && names.length > 0 && names.every((n) => n.startsWith("type "))) continue;
    out.push(resolve(dirname(file), m[3]!.replace(/\.js$/, ".ts")));
  }
  for (const m of text.matchAll(/^import\s+"(\.[^"]+)";/gm)) out.push(resolve(dirname(file), m[1]!.replace(/\.js$/, ".ts")));
  return out;
}

/** Strongly connected components of more than one module, or one importing itself (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

test("the cycle finder finds a cycle and ignores a chain", () => {
  assert.deepEqual(cycles(new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]]])), [["a", "b", "c"]]);
  assert.deepEqual(cycles(new Map([["a", ["b"]], ["b", ["c"]], ["c", []]])), []);
});

test("src has no runtime import cycles", () => {
  const files = sources(SRC);
  const graph = new Map(files.map((f) => [f, runtimeImports(f)]));
  assert.ok((graph.get(join(SRC, "domain", "vpcs.ts")) ?? []).length > 3, "vpcs.ts's imports were read");
  assert.deepEqual(cycles(graph).map((c) => c.map((f) => relative(SRC, f))), []);
});
