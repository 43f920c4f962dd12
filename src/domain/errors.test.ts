// The error catalog is the one place errors are built (DESIGN.md rule 4): checked over the source tree,
// since a stray `new Ec2Error(…)` elsewhere compiles and works and would only drift from AWS's wording.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import * as catalog from "./errors.js";

const SRC = fileURLToPath(new URL("..", import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return name.endsWith(".ts") && !name.endsWith(".test.ts") && !name.endsWith(".d.ts") ? [p] : [];
  });
}

test("no module outside the catalog constructs an Ec2Error or ProtocolError", () => {
  const files = sources(SRC);
  assert.ok(files.some((f) => f.endsWith(join("domain", "vpcs.ts"))), `scanned ${SRC}`);
  const offenders = files
    .filter((f) => !f.endsWith(join("domain", "errors.ts")))
    .flatMap((f) =>
      readFileSync(f, "utf8")
        .split("\n")
        .map((line, i) => ({ line, at: `${relative(SRC, f)}:${i + 1}` }))
        .filter(({ line }) => /\bnew (Ec2Error|ProtocolError)\(/.test(line))
        .map(({ at, line }) => `${at}: ${line.trim()}`),
    );
  assert.deepEqual(offenders, []);
});

test("the catalog has one factory per distinct error: no two give the same code and message", () => {
  const seen = new Map<string, string>();
  for (const [name, value] of Object.entries(catalog)) {
    if (typeof value !== "function" || /^[A-Z]/.test(name)) continue; // the classes themselves
    // Call each factory with placeholders (each reads as "ARGi" as a string, or as a list of two);
    // two factories giving the same code and message are a duplicate.
    const args = Array.from({ length: value.length }, (_, i) => Object.assign([`ARG${i}`, `ARG${i}b`], { toString: () => `ARG${i}` }));
    let err: unknown;
    try {
      err = (value as (...a: unknown[]) => unknown)(...args);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof catalog.Ec2Error, `${name} returns an Ec2Error`);
    const key = `${err.code}\u0000${err.message}`;
    assert.equal(seen.get(key), undefined, `${name} duplicates ${seen.get(key)}: ${err.code} ${err.message}`);
    seen.set(key, name);
  }
  assert.ok(seen.size > 100, `checked ${seen.size} factories`);
});
