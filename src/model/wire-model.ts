/**
 * Run-time access to the wire model that `generate.ts` digests from the SDK's schemas at build time.
 * Parsing the ~1.3 MB digest costs a few milliseconds, against about a second for the SDK's own schema
 * module, so the server can load it on its start-up path.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ServiceModel, WireModel } from "./wire-model-types.js";

export type { MemberDef, ServiceModel, ShapeDef, StructDef, ListDef, WireModel } from "./wire-model-types.js";
export { SCALARS } from "./wire-model-types.js";

let cached: WireModel | undefined;

/** Finds `generated/wire-model.json` from both `src/model` (tsx) and `dist/src/model` (compiled). */
function modelPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, "generated", "wire-model.json");
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error("generated/wire-model.json is missing: run `npm run build` first");
}

export function wireModel(): WireModel {
  cached ??= JSON.parse(readFileSync(modelPath(), "utf8")) as WireModel;
  return cached;
}

export type ServiceName = keyof WireModel["services"];

export function serviceModel(name: ServiceName): ServiceModel {
  return wireModel().services[name];
}
