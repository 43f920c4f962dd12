/**
 * The JSON admin API under `/_vpclab/`: health, reset, the emulator clock and the request log, plus the
 * routes that other modules register (the engine's ping/trace/connect/analyze).
 *
 * Every admin answer is JSON; a bad request gets `{"error": {"code", "message"}}` with a 4xx status
 * (an unknown path 404 `NotFound`, a known path with another method 405 `MethodNotAllowed`), and a
 * refused call changes nothing: inputs are checked before anything moves.
 */
import type { World } from "../state/world.js";
import { decodeState, encodeState, parseState, StateDocumentError } from "../state/document.js";
import { engineRoutes } from "../engine/admin-routes.js";
import { MAX_ADVANCE_SECONDS } from "../state/clock.js";
import { importSnapshot } from "../snapshot/import.js";

export interface AdminRequest {
  method: string;
  /** Parsed JSON body (POST), or {} */
  body: Record<string, unknown>;
  /** The body as sent (the state document is read from it, Maps and all). */
  raw?: string;
  query: URLSearchParams;
}

export interface AdminContext {
  world: World;
  startedAt: number;
  version: string;
  /** The netns data plane's state once everything committed is applied, when the server runs one (`--dataplane netns`). */
  dataplane?: () => unknown;
}

export class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** An answer that is JSON text already (the state document: encoding it twice would cost seconds). */
export class RawJson {
  constructor(readonly text: string) {}
}

/**
 * Admin routes that change state: the server runs them as transactions of the one door (journaled,
 * rolled back on failure) and they must be synchronous. Every other route only reads.
 */
export const ADMIN_WRITES: ReadonlySet<string> = new Set(["POST /reset", "POST /clock", "POST /state/load", "POST /state/import"]);

export type AdminHandler = (ctx: AdminContext, req: AdminRequest) => unknown | Promise<unknown>;
/** Routes keyed by `METHOD /path` below `/_vpclab` (`GET /health`). */
export type AdminRoutes = Record<string, AdminHandler>;

const coreRoutes: AdminRoutes = {
  "GET /health": ({ startedAt, version }) => ({
    status: "running",
    version,
    uptimeSeconds: Math.round((Date.now() - startedAt) / 10) / 100,
  }),
  "POST /reset": ({ world }) => {
    world.reset();
    return { reset: true };
  },
  "GET /clock": ({ world }) => ({ now: new Date(world.clock.now()).toISOString(), epochMs: world.clock.now() }),
  "POST /clock": ({ world }, { body }) => {
    const s = body.advanceSeconds;
    if (typeof s !== "number" || !Number.isFinite(s) || s < 0 || s > MAX_ADVANCE_SECONDS) {
      throw new AdminError(400, "InvalidParameterValue", `advanceSeconds must be a number from 0 to ${MAX_ADVANCE_SECONDS} (10 years)`);
    }
    try {
      world.clock.advance(s);
    } catch (err) {
      // The clock refuses (and stays put) when the total would pass its limit.
      if (err instanceof RangeError) throw new AdminError(400, "InvalidParameterValue", err.message);
      throw err;
    }
    world.settle();
    return { now: new Date(world.clock.now()).toISOString(), epochMs: world.clock.now() };
  },
  // The whole state as one versioned JSON document (state/document.ts), and back. A document that does
  // not check out changes nothing and gets a 400 naming the problem.
  "POST /state/save": ({ world }) => new RawJson(encodeState(world)),
  "POST /state/load": ({ world }, { raw }) => {
    let parts;
    try {
      parts = decodeState(parseState(raw ?? ""));
    } catch (err) {
      if (!(err instanceof StateDocumentError)) throw err;
      throw new AdminError(400, "InvalidStateDocument", `The state document cannot be loaded: ${err.message}`);
    }
    world.replaceParts(parts);
    let accounts = 0;
    let regions = 0;
    for (const [, rmap] of parts.accounts) {
      accounts++;
      regions += rmap.size;
    }
    return { loaded: true, accounts, regions, peerings: parts.peerings.size, pendingTransitions: parts.tasks.length };
  },
  // A snapshot of a real account (snapshot/import.ts): `{files: {"<account>/<region>/<call>.json": answer}}`.
  // Replaces the whole state, like /state/load; the answer is the load report.
  "POST /state/import": ({ world }, { body }) => {
    if (body.files === null || typeof body.files !== "object" || Array.isArray(body.files)) {
      throw new AdminError(400, "InvalidParameterValue", 'The body must be {"files": {"<account>/<region>/<call>.json": <describe answer>, …}}');
    }
    const { document, report } = importSnapshot({ files: body.files as Record<string, unknown> }, world.clock.now());
    let parts;
    try {
      parts = decodeState(document);
    } catch (err) {
      if (!(err instanceof StateDocumentError)) throw err;
      throw new AdminError(400, "InvalidSnapshot", `The snapshot cannot be loaded: ${err.message}`);
    }
    world.replaceParts(parts);
    return { ...report, imported: true };
  },
  // The netns data plane (`vpclab serve --dataplane netns`): namespaces by instance, for `vpclab exec`.
  "GET /dataplane": ({ dataplane }) => {
    if (!dataplane) throw new AdminError(409, "DataplaneNotRunning", "This vpclab server runs no data plane: start it with `vpclab serve --dataplane netns` (Linux, root)");
    return dataplane();
  },
  // `since` is a sequence number (the `total` of an earlier call), so it stays right after old entries
  // have dropped off the end of the log.
  "GET /requests": ({ world }, { query }) => {
    const since = Number(query.get("since") ?? 0);
    const from = Number.isInteger(since) && since > 0 ? since : 0;
    return { requests: world.recentRequests().filter((e) => e.seq >= from), total: world.requestCount };
  },
};

export const adminRoutes: AdminRoutes = { ...coreRoutes, ...engineRoutes };
