/**
 * The one generic codec of the EC2 Query protocol (and of STS's awsQuery, which differs only in the
 * response envelope). It decodes any request's flat `Name.1.Sub.2=value` parameters into the typed
 * input object the SDK would have sent, and encodes any typed output into the XML EC2 returns, both by
 * walking the wire model (generated from the SDK's schemas): no operation has hand-written XML.
 *
 * References: the Smithy `ec2Query` and `awsQuery` protocol specifications (query key naming, list
 * flattening, `<item>` list members, response envelopes) and the EC2 API "Query requests" page.
 *
 * Fidelity notes:
 * - Unknown parameters are refused with `UnknownParameter`, as EC2 does; parameters that every signed
 *   request may carry (`Action`, `Version`, `X-Amz-*`) are ignored.
 * - Required members (the schema's required count) are checked here generically with
 *   `MissingParameter`; finer validation is the domain's.
 * - Operations the SDK models with no output answer `<return>true</return>`, as EC2 does.
 * - A parameter (name or value) holding a character XML 1.0 forbids (C0 controls but tab/LF/CR,
 *   U+FFFE/U+FFFF, lone surrogates) is refused with `InvalidParameterValue` for every operation, here
 *   rather than per handler; EC2's wording for this case is not documented. The encoder replaces any
 *   such character with U+FFFD, so no response can be unparseable XML.
 * - Error messages quote at most 256 characters of a refused value.
 */
import type { ListDef, MemberDef, ServiceModel, ShapeDef, StructDef } from "../model/wire-model.js";
import { SCALARS } from "../model/wire-model.js";
import { invalidParameterValue, malformedQuery, missingParameter, unknownParameter } from "../domain/errors.js";

/** A node of the parameter tree: either a leaf value or named children. */
interface ParamNode {
  value?: string;
  children?: Map<string, ParamNode>;
}

const IGNORED_PARAMS = /^(Action|Version|X-Amz-.*|AWSAccessKeyId|Signature.*|Timestamp|Expires)$/i;
const MAX_LIST_INDEX = 10_000;

/**
 * Characters XML 1.0 cannot carry, even as a character reference: C0 controls other than tab, LF and
 * CR, U+FFFE and U+FFFF, and surrogates that are not part of a pair. A string holding one, once stored,
 * would make every later response that shows it unparseable for the SDKs and the AWS CLI.
 */
const XML_FORBIDDEN = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function codePoint(s: string): string {
  const c = XML_FORBIDDEN.exec(s)![0].charCodeAt(0);
  return "U+" + c.toString(16).toUpperCase().padStart(4, "0");
}

/** Refuses a string parameter XML cannot carry: once here, for every operation and every member. */
function checkXmlChars(key: string, value: string): void {
  for (const s of [key, value]) {
    if (XML_FORBIDDEN.test(s)) {
      throw invalidParameterValue(
        `Value for parameter ${clip(key, 128)} is invalid: it contains ${codePoint(s)}, a character that XML 1.0 does not allow.`,
      );
    }
  }
}

/** At most `max` characters of an input echoed in a message, so an oversized value is not sent back whole. */
export function clip(s: string, max = 256): string {
  return s.length <= max ? s : `${s.slice(0, max)}… (${s.length} characters)`;
}

function buildTree(params: Iterable<[string, string]>): ParamNode {
  const root: ParamNode = { children: new Map() };
  for (const [key, value] of params) {
    if (IGNORED_PARAMS.test(key)) continue;
    checkXmlChars(key, value);
    if (key === "" || key.split(".").some((p) => p === "")) throw malformedQuery(`Malformed parameter name: ${clip(key, 128)}`);
    let node = root;
    for (const part of key.split(".")) {
      node.children ??= new Map();
      let next = node.children.get(part);
      if (!next) {
        next = {};
        node.children.set(part, next);
      }
      node = next;
    }
    node.value = value;
  }
  return root;
}

export class QueryCodec {
  constructor(private readonly service: ServiceModel) {}

  shape(name: string): ShapeDef {
    const def = this.service.shapes[name];
    if (!def) throw new Error(`wire model has no shape ${name}`);
    return def;
  }

  /** Decodes flat request parameters into the typed input of `inputShape` (null: no input). */
  decode(inputShape: string | null, params: Iterable<[string, string]>): Record<string, unknown> {
    const tree = buildTree(params);
    if (inputShape === null) {
      const first = tree.children?.keys().next();
      if (first && !first.done) throw unknownParameter(first.value);
      return {};
    }
    return this.decodeStruct(this.shape(inputShape) as StructDef, tree, "");
  }

  private decodeStruct(def: StructDef, node: ParamNode, path: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const children = node.children ?? new Map<string, ParamNode>();
    const known = new Set<string>();
    def.members.forEach((m, index) => {
      known.add(m.query);
      const child = children.get(m.query);
      if (child === undefined) {
        if (index < def.required && path === "") throw missingParameter(m.query);
        return;
      }
      out[m.name] = this.decodeValue(m, child, path + m.query);
    });
    for (const key of children.keys()) if (!known.has(key)) throw unknownParameter(path + key);
    return out;
  }

  private decodeValue(m: Pick<MemberDef, "shape">, node: ParamNode, path: string): unknown {
    if (SCALARS.has(m.shape)) {
      if (node.children?.size) throw unknownParameter(`${path}.${node.children.keys().next().value}`);
      return decodeScalar(m.shape, node.value ?? "", path);
    }
    const def = this.shape(m.shape);
    if (def.kind === "struct") {
      if (node.value !== undefined && !node.children) throw malformedQuery(`Parameter ${path} must be a structure`);
      return this.decodeStruct(def, node, path + ".");
    }
    if (def.kind === "list") return this.decodeList(def, node, path);
    // Maps appear nowhere in the EC2 operations vpclab serves; refuse rather than guess their layout.
    throw unknownParameter(path);
  }

  private decodeList(def: ListDef, node: ParamNode, path: string): unknown[] {
    if (node.value !== undefined && !node.children) throw malformedQuery(`Parameter ${path} must be a list`);
    const entries: [number, ParamNode][] = [];
    for (const [key, child] of node.children ?? []) {
      if (!/^[1-9][0-9]{0,4}$/.test(key) || Number(key) > MAX_LIST_INDEX) {
        throw unknownParameter(`${path}.${key}`);
      }
      entries.push([Number(key), child]);
    }
    entries.sort((a, b) => a[0] - b[0]);
    return entries.map(([i, child]) => this.decodeValue({ shape: def.item }, child, `${path}.${i}`));
  }

  /** Encodes `value` of struct shape `shapeName` as the XML members of a response element. */
  encodeMembers(shapeName: string, value: Record<string, unknown>): string {
    return this.structEncoder(shapeName)(value);
  }

  /**
   * Encoders are compiled once per shape into closures with their tags baked in: a DescribeVpcs
   * answer with 1,000 VPCs has ~30,000 elements, and looking the schema up per element cost most of
   * the server's time for such calls.
   */
  private readonly encoders = new Map<string, Encoder>();

  private structEncoder(shapeName: string): Encoder {
    let enc = this.encoders.get(shapeName);
    if (enc) return enc;
    const def = this.shape(shapeName) as StructDef;
    const parts: { name: string; encode: Encoder }[] = [];
    // Placed before the members are compiled, so recursive shapes find it.
    enc = (value) => {
      let xml = "";
      for (let i = 0; i < parts.length; i++) {
        const v = (value as Record<string, unknown>)[parts[i]!.name];
        if (v !== undefined && v !== null) xml += parts[i]!.encode(v);
      }
      return xml;
    };
    this.encoders.set(shapeName, enc);
    for (const m of def.members) parts.push({ name: m.name, encode: this.elementEncoder(m.shape, m.xml) });
    return enc;
  }

  /** An encoder for one element `<tag>…</tag>` holding a value of `shape`. */
  private elementEncoder(shape: string, tag: string): Encoder {
    const open = `<${tag}>`;
    const close = `</${tag}>`;
    if (SCALARS.has(shape)) {
      if (shape === "timestamp") return (v) => open + encodeTimestamp(v) + close;
      if (shape === "string") return (v) => open + escapeXml(v as string) + close;
      return (v) => open + String(v) + close;
    }
    const def = this.shape(shape);
    if (def.kind === "struct") {
      const inner = this.structEncoder(shape);
      return (v) => open + inner(v) + close;
    }
    if (def.kind === "list") {
      const item = this.elementEncoder(def.item, def.itemXml);
      return (v) => {
        let xml = open;
        for (const x of v as unknown[]) xml += item(x);
        return xml + close;
      };
    }
    return () => "";
  }
}

type Encoder = (value: unknown) => string;

function encodeTimestamp(v: unknown): string {
  return (v instanceof Date ? v : new Date(v as number)).toISOString();
}

function decodeScalar(shape: string, raw: string, path: string): unknown {
  switch (shape) {
    case "boolean": {
      const lower = raw.toLowerCase();
      if (lower === "true") return true;
      if (lower === "false") return false;
      throw invalidParameterValue(`Value (${clip(raw)}) for parameter ${path} is invalid. Expected: 'boolean'.`);
    }
    case "number": {
      if (!/^-?\d+(\.\d+)?$/.test(raw.trim())) {
        throw invalidParameterValue(`Value (${clip(raw)}) for parameter ${path} is invalid. Expected: 'number'.`);
      }
      const n = Number(raw);
      if (!Number.isSafeInteger(Math.trunc(n))) {
        throw invalidParameterValue(`Value (${clip(raw)}) for parameter ${path} is out of range.`);
      }
      return n;
    }
    case "timestamp": {
      const d = /^\d+(\.\d+)?$/.test(raw) ? new Date(Number(raw) * 1000) : new Date(raw);
      // Years past 9999 are valid Dates but print as `+010000-…`, which no SDK parses back.
      if (Number.isNaN(d.getTime()) || d.getUTCFullYear() > 9999 || d.getUTCFullYear() < 1) {
        throw invalidParameterValue(`Value (${clip(raw)}) for parameter ${path} is invalid. Expected: 'timestamp'.`);
      }
      return d;
    }
    default:
      return raw;
  }
}

const XML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

// Hand-written on purpose: the encoder streams straight into a string from the schema walk, and a
// five-character escape does not justify building a DOM for an XML library on every response.
// The test is one pass over the string; only strings that need it take the replacing path. Surrogates
// send a string there too, where well-formed pairs are kept and lone halves replaced.
const NEEDS_ESCAPE = /[&<>"'\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF\uD800-\uDFFF]/;
const ESCAPE_ALL = /[\uD800-\uDBFF][\uDC00-\uDFFF]|[&<>"']|[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF\uD800-\uDFFF]/g;

/**
 * Escapes text for an XML element or attribute. Characters XML 1.0 forbids (which no character
 * reference can carry either) become U+FFFD: input refuses them, so only data that reached state some
 * other way (or an error message quoting a refused value) can hold them, and the document must parse.
 */
export function escapeXml(s: string): string {
  if (typeof s !== "string") s = String(s);
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(ESCAPE_ALL, (c) => (c.length === 2 ? c : XML_ESCAPES[c] ?? "\uFFFD"));
}
