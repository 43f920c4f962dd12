/**
 * Build step: digest the AWS SDK's runtime schemas into `generated/wire-model.json` (see
 * wire-model-types.ts). This file and wire-model.ts are the only places that touch the SDK's schemas;
 * everything else sees the digest.
 *
 * It walks every operation the SDK exports (`CreateVpc$`, …), so the operation list that tells
 * `InvalidAction` from "not implemented" is complete, and so a newly implemented operation needs no
 * regeneration step of its own.
 */
import { mkdirSync, writeFileSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { NormalizedSchema } from "@smithy/core/schema";
import * as ec2 from "@aws-sdk/client-ec2";
import * as sts from "@aws-sdk/client-sts";
import type { MemberDef, ServiceModel, ShapeDef, ShapeRef, WireModel } from "./wire-model-types.js";

type Schema = Parameters<typeof NormalizedSchema.of>[0];

function shortName(ns: NormalizedSchema): string {
  const full = ns.getName(true) ?? "";
  return full.includes("#") ? full.slice(full.indexOf("#") + 1) : full;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function digestService(exports: Record<string, unknown>, xmlns: string, ec2Style: boolean): ServiceModel {
  const shapes: Record<string, ShapeDef> = {};

  const ref = (ns: NormalizedSchema): ShapeRef => {
    if (ns.isStructSchema() || ns.isUnionSchema()) return struct(ns);
    if (ns.isListSchema()) return list(ns);
    if (ns.isMapSchema()) return map(ns);
    if (ns.isBooleanSchema()) return "boolean";
    if (ns.isNumericSchema() || ns.isBigIntegerSchema() || ns.isBigDecimalSchema()) return "number";
    if (ns.isTimestampSchema()) return "timestamp";
    if (ns.isBlobSchema()) return "blob";
    if (ns.isDocumentSchema()) return "document";
    return "string";
  };

  const struct = (ns: NormalizedSchema): string => {
    const name = shortName(ns);
    if (shapes[name]) return name;
    const def: ShapeDef = { kind: "struct", members: [], required: 0 };
    shapes[name] = def; // placed before recursion: shapes can be recursive
    const raw = ns.getSchema() as unknown as unknown[];
    def.required = typeof raw[6] === "number" ? raw[6] : 0;
    for (const [memberName, member] of Object.entries(ns.getMemberSchemas())) {
      const traits = member.getMergedTraits() as { ec2QueryName?: string; xmlName?: string };
      const query = ec2Style
        ? traits.ec2QueryName ?? (traits.xmlName ? capitalise(traits.xmlName) : capitalise(memberName))
        : memberName;
      const m: MemberDef = { name: memberName, query, xml: traits.xmlName ?? memberName, shape: ref(member) };
      def.members.push(m);
    }
    return name;
  };

  const list = (ns: NormalizedSchema): string => {
    const name = shortName(ns);
    if (shapes[name]) return name;
    const item = ns.getValueSchema();
    const traits = item.getMergedTraits() as { xmlName?: string };
    shapes[name] = { kind: "list", item: "string", itemXml: traits.xmlName ?? "member" };
    (shapes[name] as { item: ShapeRef }).item = ref(item);
    return name;
  };

  const map = (ns: NormalizedSchema): string => {
    const name = shortName(ns);
    if (shapes[name]) return name;
    shapes[name] = { kind: "map", value: "string" };
    (shapes[name] as { value: ShapeRef }).value = ref(ns.getValueSchema());
    return name;
  };

  const operations: ServiceModel["operations"] = {};
  for (const [key, value] of Object.entries(exports)) {
    if (!key.endsWith("$") || !Array.isArray(value) || value[0] !== 9) continue;
    const opName = String(value[2]);
    const side = (thunk: unknown): string | null => {
      const target = typeof thunk === "function" ? (thunk as () => unknown)() : thunk;
      if (target === "unit" || target == null) return null;
      return struct(NormalizedSchema.of(target as Schema));
    };
    operations[opName] = { input: side(value[4]), output: side(value[5]) };
  }
  return { xmlns, operations, shapes };
}

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");
const require = createRequire(import.meta.url);
const sdkVersion = (JSON.parse(readFileSync(require.resolve("@aws-sdk/client-ec2/package.json"), "utf8")) as { version: string }).version;

const model: WireModel = {
  sdkVersion,
  services: {
    ec2: digestService(ec2 as unknown as Record<string, unknown>, "http://ec2.amazonaws.com/doc/2016-11-15/", true),
    sts: digestService(sts as unknown as Record<string, unknown>, "https://sts.amazonaws.com/doc/2011-06-15/", false),
  },
};
const out = join(root, "generated", "wire-model.json");
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(model));
console.log(
  `wire model: ${Object.keys(model.services.ec2.operations).length} EC2 operations, ` +
    `${Object.keys(model.services.ec2.shapes).length} shapes (SDK ${sdkVersion}) -> ${out}`,
);
