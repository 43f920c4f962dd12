/**
 * Reads a snapshot directory into the `{ files }` object the importer (snapshot/import.ts) and
 * `POST /_vpclab/state/import` take: every `*.json` file up to two directories deep
 * (`<account>/<region>/<call>.json` or `<region>/<call>.json`), keyed by its path relative to DIR.
 *
 * Fidelity notes: none (vpclab's own format). A file that is not JSON is reported by path, not skipped.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { Snapshot } from "./import.js";

export function readSnapshotDir(dir: string): Snapshot {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${dir} is not a directory (a snapshot is a directory: vpclab snapshot collect --out DIR)`);
  const files: Record<string, unknown> = {};
  const walk = (d: string, depth: number) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory() && depth < 2) walk(p, depth + 1);
      else if (e.isFile() && e.name.endsWith(".json")) {
        const rel = relative(dir, p).split("\\").join("/");
        try {
          files[rel] = JSON.parse(readFileSync(p, "utf8"));
        } catch (err) {
          throw new Error(`${rel}: not JSON (${(err as Error).message})`);
        }
      }
    }
  };
  walk(dir, 0);
  if (Object.keys(files).length === 0) throw new Error(`${dir} holds no .json files: not a snapshot`);
  return { files };
}
