/**
 * The whole world as one versioned JSON document, and back: what `POST /_vpclab/state/save` returns,
 * what `/state/load` takes, and what the data directory's snapshot holds (state/persistence.ts).
 *
 * Shape (version 1):
 * ```
 * { format: "vpclab-state", version: 1, savedAt, clock: { offsetMs }, ids: { seeded, state?, counters },
 *   taskSeq, tasks: [{ at, seq, kind, id, account?, region?, data? }],
 *   accounts: [{ account, regions: [{ region, defaultDhcpOptionsId?, vpcs: [...], subnets: [...], … }] }],
 *   peerings: [...], tgwPeerings: [...] }
 * ```
 * Records are the domain's own (src/domain/types.ts), written as they are; a `Map` inside a record (tags,
 * and the families' own stores under `extra`) is written as `{"$map": [[key, value], …]}`.
 *
 * Loading validates the document's frame and every record's identity fields (id, owner, region, the
 * arrays the engine walks) before anything is replaced; what it does not check field by field (a
 * route's target kind, a rule's ports) a hand-edited document can get wrong, and vpclab then answers
 * as the record says. Settings (quotas, delays, the seed used by reset) are server options, not state.
 */
import { IdSource, type IdSourceState } from "./clock.js";
import { isTransitionKind, RegionState, type Transition, type World, type WorldParts } from "./world.js";
import type { TgwPeeringAttachment, VpcPeeringConnection } from "../domain/types.js";
import { KINDS, type CollectionField } from "../domain/kinds.js";

export const STATE_FORMAT = "vpclab-state";
export const STATE_VERSION = 1;

/**
 * The collections of a region, in the order they are written, with the field each is keyed by and the
 * record fields that must be lists: read from the registry of kinds (domain/kinds.ts), so a new kind's
 * collection is saved and loaded without an edit here.
 */
const COLLECTIONS = KINDS.flatMap((k) => (k.collection ? [[k.collection.field, k.collection.key ?? "id", k.collection.arrays] as const] : []));

type CollectionName = CollectionField;

/** A document that cannot be loaded; the message says what and where. */
export class StateDocumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StateDocumentError";
  }
}

function replacer(this: unknown, _key: string, value: unknown): unknown {
  if (value instanceof Map) return { $map: [...value] };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const m = (value as { $map?: unknown }).$map;
    if (m !== undefined) {
      if (!Array.isArray(m) || !m.every((e) => Array.isArray(e) && e.length === 2)) throw new StateDocumentError('a "$map" must be a list of [key, value] pairs');
      return new Map(m as [unknown, unknown][]);
    }
  }
  return value;
}

/** The world's state as a plain object (Maps still in it: `JSON.stringify` with the codec writes them). */
function toDocument(world: World): Record<string, unknown> {
  const p = world.parts();
  const accounts = [];
  for (const [account, regions] of p.accounts) {
    const rlist = [];
    for (const [region, rs] of regions) {
      const r: Record<string, unknown> = { region };
      if (rs.defaultDhcpOptionsId !== undefined) r.defaultDhcpOptionsId = rs.defaultDhcpOptionsId;
      for (const [name] of COLLECTIONS) r[name] = [...(rs[name] as Map<string, unknown>).values()];
      if (rs.extra.size > 0) r.extra = rs.extra;
      rlist.push(r);
    }
    accounts.push({ account, regions: rlist });
  }
  return {
    format: STATE_FORMAT,
    version: STATE_VERSION,
    savedAt: new Date(world.clock.now()).toISOString(),
    clock: { offsetMs: p.clockOffsetMs },
    ids: p.ids.toJSON(),
    taskSeq: p.taskSeq,
    tasks: p.tasks,
    accounts,
    peerings: [...p.peerings.values()],
    tgwPeerings: [...p.tgwPeerings.values()],
  };
}

/** The world's state as JSON text. */
export function encodeState(world: World, space?: number): string {
  return JSON.stringify(toDocument(world), replacer, space);
}

/** Parses JSON text written by `encodeState` (Maps restored), without validating it. */
export function parseState(text: string): unknown {
  let doc: unknown;
  try {
    // A plain parse and one walk afterwards: a reviver function makes the parse of a 40 MB document
    // two and a half times slower.
    doc = JSON.parse(text);
  } catch (err) {
    throw new StateDocumentError(`not JSON: ${(err as Error).message}`);
  }
  return reviveMaps(doc);
}

/**
 * Revives `$map` objects in a document that arrived already parsed (the admin API's JSON body):
 * the same result as `parseState` of its text.
 */
export function reviveMaps(value: unknown): unknown {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = reviveMaps(value[i]);
    return value;
  }
  if (value !== null && typeof value === "object") {
    const o = value as Record<string, unknown>;
    for (const k of Object.keys(o)) o[k] = reviveMaps(o[k]);
    return reviver("", o);
  }
  return value;
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Map);
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

function need(cond: unknown, where: string, what: string): asserts cond {
  if (!cond) throw new StateDocumentError(`${where}: ${what}`);
}

/**
 * Checks a parsed document and builds the state it describes, without touching any world. Throws
 * `StateDocumentError` naming the first problem found.
 */
export function decodeState(doc: unknown): WorldParts {
  need(isObj(doc), "document", "must be a JSON object");
  need(doc.format === STATE_FORMAT, "format", `must be "${STATE_FORMAT}" (this is not a vpclab state document)`);
  need(doc.version === STATE_VERSION, "version", `vpclab reads version ${STATE_VERSION}, the document is version ${JSON.stringify(doc.version)}`);
  need(isObj(doc.clock) && isNum(doc.clock.offsetMs), "clock.offsetMs", "must be a finite number");
  need(isObj(doc.ids) && typeof doc.ids.seeded === "boolean", "ids", "must be an object with a boolean `seeded`");
  let ids: IdSource;
  try {
    ids = IdSource.fromJSON(doc.ids as unknown as IdSourceState);
  } catch (err) {
    throw new StateDocumentError(`ids: ${(err as Error).message}`);
  }
  need(Number.isSafeInteger(doc.taskSeq) && (doc.taskSeq as number) >= 0, "taskSeq", "must be a non-negative integer");
  need(Array.isArray(doc.tasks), "tasks", "must be a list");
  const tasks: Transition[] = [];
  doc.tasks.forEach((t: unknown, i: number) => {
    const where = `tasks[${i}]`;
    need(isObj(t), where, "must be an object");
    need(isNum(t.at), where, "`at` must be a finite number (emulator ms)");
    need(Number.isSafeInteger(t.seq) && (t.seq as number) < (doc.taskSeq as number), where, "`seq` must be an integer below taskSeq");
    need(typeof t.kind === "string" && isTransitionKind(t.kind), where, `unknown transition kind ${JSON.stringify(t.kind)}`);
    need(typeof t.id === "string", where, "`id` must be a string");
    need(t.data === undefined || isObj(t.data), where, "`data` must be an object");
    tasks.push(t as unknown as Transition);
  });
  tasks.sort((a, b) => a.at - b.at || a.seq - b.seq);

  need(Array.isArray(doc.accounts), "accounts", "must be a list");
  const accounts = new Map<string, Map<string, RegionState>>();
  doc.accounts.forEach((a: unknown, i: number) => {
    need(isObj(a) && typeof a.account === "string" && ACCOUNT.test(a.account), `accounts[${i}]`, "must have a 12-digit `account`");
    need(!accounts.has(a.account), `accounts[${i}]`, `account ${a.account} appears twice`);
    need(Array.isArray(a.regions), `accounts[${i}].regions`, "must be a list");
    const regions = new Map<string, RegionState>();
    accounts.set(a.account, regions);
    a.regions.forEach((r: unknown, j: number) => {
      const where = `account ${a.account}, regions[${j}]`;
      need(isObj(r) && typeof r.region === "string" && REGION.test(r.region), where, "must have a region name such as us-east-1");
      need(!regions.has(r.region), where, `region ${r.region} appears twice`);
      const rs = new RegionState(a.account as string, r.region);
      regions.set(r.region, rs);
      if (r.defaultDhcpOptionsId !== undefined) {
        need(typeof r.defaultDhcpOptionsId === "string", where, "defaultDhcpOptionsId must be a string");
        rs.defaultDhcpOptionsId = r.defaultDhcpOptionsId;
      }
      for (const [name, key, arrays] of COLLECTIONS) {
        const list = r[name] ?? [];
        need(Array.isArray(list), `${where} (${r.region}).${name}`, "must be a list");
        const target = rs[name as CollectionName] as Map<string, unknown>;
        list.forEach((rec: unknown, k: number) => {
          const at = `account ${a.account}, ${r.region}, ${name}[${k}]`;
          need(isObj(rec), at, "must be an object");
          need(typeof rec[key] === "string" && rec[key] !== "", at, `must have a string \`${key}\``);
          need(rec.ownerId === a.account, at, `ownerId must be ${a.account}`);
          need(rec.region === r.region, at, `region must be ${r.region}`);
          need(rec.tags instanceof Map, at, 'tags must be a {"$map": [...]}');
          for (const f of arrays) need(Array.isArray(rec[f]), at, `\`${f}\` must be a list`);
          need(!target.has(rec[key] as string), at, `${rec[key]} appears twice`);
          target.set(rec[key] as string, rec);
        });
      }
      if (r.extra !== undefined) {
        need(r.extra instanceof Map, `${where}.extra`, 'must be a {"$map": [...]}');
        for (const [k, v] of r.extra) rs.extra.set(String(k), v);
      }
    });
  });

  need(Array.isArray(doc.peerings), "peerings", "must be a list");
  const peerings = new Map<string, VpcPeeringConnection>();
  doc.peerings.forEach((p: unknown, i: number) => {
    const at = `peerings[${i}]`;
    need(isObj(p) && typeof p.id === "string", at, "must have a string `id`");
    for (const side of ["requester", "accepter"] as const) {
      const s = p[side];
      need(isObj(s) && typeof s.ownerId === "string" && typeof s.region === "string" && typeof s.vpcId === "string" && Array.isArray(s.cidrBlocks), `${at}.${side}`, "must have ownerId, region, vpcId and cidrBlocks");
    }
    need(isObj(p.status) && typeof p.status.code === "string", `${at}.status`, "must have a `code`");
    need(isNum(p.statusChangedAt), at, "statusChangedAt must be a number");
    need(p.tags instanceof Map && [...p.tags.values()].every((t) => t instanceof Map), `${at}.tags`, "must be a map of account → tag map");
    need(!peerings.has(p.id), at, `${p.id} appears twice`);
    peerings.set(p.id, p as unknown as VpcPeeringConnection);
  });

  // Documents written before transit gateways existed have no `tgwPeerings`.
  const tgwList = doc.tgwPeerings ?? [];
  need(Array.isArray(tgwList), "tgwPeerings", "must be a list");
  const tgwPeerings = new Map<string, TgwPeeringAttachment>();
  tgwList.forEach((p: unknown, i: number) => {
    const at = `tgwPeerings[${i}]`;
    need(isObj(p) && typeof p.id === "string", at, "must have a string `id`");
    for (const side of ["requester", "accepter"] as const) {
      const s = p[side];
      need(isObj(s) && typeof s.ownerId === "string" && typeof s.region === "string" && typeof s.transitGatewayId === "string", `${at}.${side}`, "must have ownerId, region and transitGatewayId");
    }
    need(typeof p.state === "string", at, "must have a `state`");
    need(p.tags instanceof Map && [...p.tags.values()].every((t) => t instanceof Map), `${at}.tags`, "must be a map of account/region → tag map");
    need(!tgwPeerings.has(p.id), at, `${p.id} appears twice`);
    tgwPeerings.set(p.id, p as unknown as TgwPeeringAttachment);
  });

  return { accounts, peerings, tgwPeerings, tasks, taskSeq: doc.taskSeq as number, ids, clockOffsetMs: doc.clock.offsetMs };
}

/** Parses and checks JSON text, then replaces the world's state with it (all or nothing). */
export function loadStateText(world: World, text: string): void {
  world.replaceParts(decodeState(parseState(text)));
}
