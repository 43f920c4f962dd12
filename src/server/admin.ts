/**
 * The JSON admin API under `/_vpclab/`: health, reset, the emulator clock and the request log, plus the
 * routes that other modules register (the engine's ping/trace/connect/analyze).
 *
 * Every admin answer is JSON; a bad request gets `{"error": {"code", "message"}}` with a 4xx status.
 */
import type { World } from "../state/world.js";
import { engineRoutes } from "../engine/admin-routes.js";

export interface AdminRequest {
  method: string;
  /** Parsed JSON body (POST), or {} */
  body: Record<string, unknown>;
  query: URLSearchParams;
}

export interface AdminContext {
  world: World;
  startedAt: number;
  version: string;
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
    if (typeof s !== "number" || !Number.isFinite(s) || s < 0) {
      throw new AdminError(400, "InvalidParameterValue", "advanceSeconds must be a non-negative number");
    }
    world.clock.advance(s);
    world.settle();
    return { now: new Date(world.clock.now()).toISOString(), epochMs: world.clock.now() };
  },
  // `since` is a sequence number (the `total` of an earlier call), so it stays right after old entries
  // have dropped off the end of the log.
  "GET /requests": ({ world }, { query }) => {
    const since = Number(query.get("since") ?? 0);
    const from = Number.isInteger(since) && since > 0 ? since : 0;
    return { requests: world.requestLog.filter((e) => e.seq >= from), total: world.requestCount };
  },
};

export const adminRoutes: AdminRoutes = { ...coreRoutes, ...engineRoutes };
