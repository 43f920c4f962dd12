/**
 * The HTTP server and its request pipeline: scope (account, region from SigV4) → settle due state
 * transitions → decode (schema-driven) → DryRun → handler → encode (schema-driven).
 *
 * Reference: EC2 Query API (form-encoded POST or GET query string; XML responses, `x-amzn-requestid`
 * header; errors in EC2's `<Response><Errors>` envelope with HTTP 400, DryRun success as
 * `DryRunOperation` with HTTP 412), STS awsQuery for GetCallerIdentity.
 *
 * Fidelity notes: no signature check. Any unexpected exception in a handler is reported as EC2's
 * `InternalError` (500), but that is a bug: the e2e suite asserts that no bad input produces one. Such a
 * request changes nothing: every request runs through the one door (state/door.ts), which rolls back
 * what a failed request did, and its response is encoded inside the transaction. With a data directory,
 * no response leaves before the journal entries it may have seen are on disk (state/persistence.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { DEFAULT_QUOTAS, World, type WorldOptions } from "../state/world.js";
import { Door, kindOfAction, type Entry } from "../state/door.js";
import { restore, type DataDir, type Restored, type Settings } from "../state/persistence.js";
import { serviceModel, type ServiceName } from "../model/wire-model.js";
import { QueryCodec } from "../protocol/query-codec.js";
import { errorXml, successXml, type Dialect } from "../protocol/envelope.js";
import {
  authFailure,
  dryRunOperation,
  Ec2Error,
  invalidAction,
  malformedQuery,
  missingAction,
  notImplemented,
  requestTooLarge,
} from "../domain/errors.js";
import { ec2OperationTable } from "../api/table.js";
import { stsOperationTable } from "../api/sts.js";
import type { Ctx, Handler } from "../api/context.js";
import { scopeOf } from "./scope.js";
import { regionInfo } from "../state/regions.js";
import { createDefaultVpcIn } from "../domain/vpcs.js";
import { adminRoutes, AdminError, ADMIN_WRITES, RawJson, type AdminContext } from "./admin.js";
import { VERSION } from "../version.js";

export const MAX_BODY_BYTES = 1024 * 1024;
/** A whole state document (`POST /_vpclab/state/load`) may be large: 10k VPCs with their routes is tens of MB. */
export const MAX_STATE_BYTES = 512 * 1024 * 1024;

export interface ServerOptions extends WorldOptions {
  port?: number;
  host?: string;
  /** Log each request to stderr. */
  verbose?: boolean;
  /** Keep the state in this directory across restarts (state/persistence.ts). */
  dataDir?: string;
  /** Called if the data directory cannot be written; by default vpclab reports it and exits. */
  onFatal?: (err: Error) => void;
}

interface ServiceBinding {
  name: ServiceName;
  dialect: Dialect;
  codec: QueryCodec;
  xmlns: string;
  operations: Record<string, { input: string | null; output: string | null }>;
  table: Readonly<Record<string, Handler>>;
}

function binding(name: ServiceName, dialect: Dialect, table: Readonly<Record<string, Handler>>): ServiceBinding {
  const model = serviceModel(name);
  for (const action of Object.keys(table)) {
    if (!model.operations[action]) throw new Error(`operation table names ${action}, which the ${name} model lacks`);
  }
  return { name, dialect, codec: new QueryCodec(model), xmlns: model.xmlns, operations: model.operations, table };
}

/** Creates the world every region of which starts with AWS's defaults. */
export function createWorld(options: WorldOptions = {}): World {
  return new World((world, rs) => {
    createDefaultVpcIn(world, rs);
  }, options);
}

export class VpclabServer {
  readonly world: World;
  private readonly services: { ec2: ServiceBinding; sts: ServiceBinding };
  private readonly http: Server;
  private readonly admin: AdminContext;
  /** The one door every request goes through (state/door.ts). */
  readonly door: Door;
  private readonly dataDir: DataDir | undefined;

  constructor(private readonly options: ServerOptions = {}) {
    this.world = createWorld(options);
    this.services = {
      ec2: binding("ec2", "ec2", ec2OperationTable),
      sts: binding("sts", "awsQuery", stsOperationTable),
    };
    this.admin = { world: this.world, startedAt: Date.now(), version: VERSION };
    // ---- persist: the data directory (restored before anything listens) and the one door.
    const warn = (m: string) => console.error(m);
    const replayer = (w: World, e: Entry) => this.replay(w, e);
    let restored: Restored | undefined;
    if (options.dataDir) {
      const settings = (o: WorldOptions): Settings => ({ seed: o.seed, delays: { ...o.delays }, quotas: { ...DEFAULT_QUOTAS, ...o.quotas } });
      restored = restore(this.world, options.dataDir, settings(options), replayer, (s) => createWorld({ ...options, ...s }), warn, { onFatal: options.onFatal });
      for (const n of restored.notes) warn(`vpclab: ${n}`);
    }
    this.dataDir = restored?.sink;
    this.door = new Door(this.world, {
      isRefusal: (err) => err instanceof Ec2Error || err instanceof AdminError,
      makeWorld: () => createWorld(options),
      replayer,
      sink: restored?.sink,
      warn,
      seq: restored?.lastSeq,
      base: restored?.base,
      since: restored?.since,
    });
    this.http = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        // Only reached if writing the response itself failed.
        if (!res.headersSent) res.writeHead(500);
        res.end();
        if (options.verbose) console.error(err);
      });
    });
    this.http.keepAliveTimeout = 65_000;
  }

  listen(): Promise<{ url: string; port: number }> {
    return new Promise((resolve, reject) => {
      this.http.once("error", reject);
      this.http.listen(this.options.port ?? 4566, this.options.host ?? "127.0.0.1", () => {
        const addr = this.http.address();
        const port = typeof addr === "object" && addr ? addr.port : this.options.port ?? 4566;
        const host = this.options.host ?? "127.0.0.1";
        resolve({ url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`, port });
      });
    });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
    // A clean stop leaves one snapshot and no journal to replay.
    await this.dataDir?.close(this.door.current());
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    let body: string;
    try {
      body = await readBody(req, url.pathname === "/_vpclab/state/load" ? MAX_STATE_BYTES : MAX_BODY_BYTES);
    } catch (err) {
      const e = err instanceof Ec2Error ? err : malformedQuery("The request body could not be read");
      return this.sendError(res, e, this.world.ids.requestId());
    }
    if (url.pathname.startsWith("/_vpclab/")) return this.handleAdmin(req, res, url, body);
    this.handleQuery(req, res, url, body);
  }

  private handleQuery(req: IncomingMessage, res: ServerResponse, url: URL, body: string): void {
    const requestId = this.world.ids.requestId();
    const params = new URLSearchParams(url.search);
    const contentType = String(req.headers["content-type"] ?? "");
    if (body.length > 0 && (contentType === "" || contentType.includes("x-www-form-urlencoded"))) {
      for (const [k, v] of new URLSearchParams(body)) params.append(k, v);
    }
    const scope = scopeOf(req.headers.authorization, params);
    const action = params.get("Action") ?? "";
    let service: ServiceBinding = this.services.ec2;
    if (scope.service === "sts" || (scope.service === undefined && this.services.sts.operations[action] && !this.services.ec2.operations[action])) {
      service = this.services.sts;
    }
    let status = 200;
    let errorCode: string | undefined;
    let reply: () => void;
    try {
      if (!regionInfo(scope.region)) throw authFailure("Credential should be scoped to a valid region.");
      if (!action) throw missingAction();
      const op = service.operations[action];
      if (!op) throw invalidAction(action);
      if (!service.table[action]) throw notImplemented(action);
      // ---- persist: one door. Everything from settling to the encoded response is one transaction
      // (state/door.ts): it commits, or the world is as it was.
      const entries = [...params.entries()];
      const head = { op: "ec2" as const, service: service.name, action, account: scope.account, region: scope.region, params: entries };
      const xml = this.door.run(head, kindOfAction(action), () => {
        const output = this.execute(this.world, service, action, scope, entries, requestId);
        return successXml(service.dialect, service.codec, service.xmlns, action, op.output, output, requestId);
      });
      reply = () => {
        res.writeHead(200, { "content-type": "text/xml;charset=UTF-8", "x-amzn-requestid": requestId });
        res.end(xml);
      };
    } catch (err) {
      const e = err instanceof Ec2Error ? err : internalError(err, this.options.verbose);
      status = e.httpStatus;
      errorCode = e.code;
      reply = () => this.sendError(res, e, requestId);
    }
    // No answer leaves before what it saw is durable (group commit: persistence.ts).
    this.door.whenDurable(reply);
    this.world.logRequest({
      time: new Date(this.world.clock.now()).toISOString(),
      requestId,
      account: scope.account,
      region: scope.region,
      service: service.name,
      action,
      status,
      errorCode,
    });
    if (this.options.verbose) console.error(`${scope.region} ${scope.account} ${action} ${status}${errorCode ? " " + errorCode : ""}`);
  }

  /** Settles, decodes and runs an EC2 request against `world`: the live path and the journal replay. */
  private execute(world: World, service: ServiceBinding, action: string, scope: { account: string; region: string }, params: [string, string][], requestId: string): unknown {
    const op = service.operations[action]!;
    const handler = service.table[action]!;
    world.settle();
    const input = service.codec.decode(op.input, params);
    if (input.DryRun === true) throw dryRunOperation();
    let rs: Ctx["rs"] | undefined;
    const ctx: Ctx = {
      world,
      account: scope.account,
      region: scope.region,
      requestId,
      get rs() {
        return (rs ??= world.region(scope.account, scope.region));
      },
    };
    return handler(ctx, input);
  }

  /** Runs a journal entry again (a restart, or a rollback). */
  private replay(world: World, e: Entry): void {
    if (e.op === "settle") return world.settle();
    if (e.op === "admin") {
      world.settle();
      const route = adminRoutes[e.route ?? ""];
      if (!route) throw new Error(`unknown admin route ${e.route}`);
      const raw = e.raw ?? "";
      const body = raw.trim() === "" ? {} : (JSON.parse(raw) as Record<string, unknown>);
      route({ ...this.admin, world }, { method: e.route!.split(" ")[0]!, body, raw, query: new URLSearchParams() });
      return;
    }
    const service = e.service === "sts" ? this.services.sts : this.services.ec2;
    this.execute(world, service, e.action ?? "", { account: e.account ?? "", region: e.region ?? "" }, e.params ?? [], "");
  }

  private sendError(res: ServerResponse, e: Ec2Error, requestId: string): void {
    res.writeHead(e.httpStatus, { "content-type": "text/xml;charset=UTF-8", "x-amzn-requestid": requestId });
    res.end(errorXml(e.code, e.message, requestId));
  }

  private async handleAdmin(req: IncomingMessage, res: ServerResponse, url: URL, body: string): Promise<void> {
    const method = req.method ?? "GET";
    const route = adminRoutes[`${method} ${url.pathname.slice("/_vpclab".length)}`];
    const send = (status: number, value: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(value));
    };
    const sendRaw = (status: number, text: string) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(text);
    };
    if (!route) return send(404, { error: { code: "NotFound", message: `No admin route ${method} ${url.pathname}` } });
    let parsed: Record<string, unknown> = {};
    // The state document is read by its route from the raw text (parsing it twice costs a second at 40 MB).
    if (body.trim() !== "" && url.pathname !== "/_vpclab/state/load") {
      try {
        const v: unknown = JSON.parse(body);
        if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("not an object");
        parsed = v as Record<string, unknown>;
      } catch {
        return send(400, { error: { code: "MalformedJson", message: "The request body must be a JSON object" } });
      }
    }
    // ---- persist: admin writes (reset, clock, state load) are transactions of the one door, journaled
    // with their raw body; reads only settle through it.
    const key = `${method} ${url.pathname.slice("/_vpclab".length)}`;
    let reply: () => void;
    try {
      const request = { method, body: parsed, raw: body, query: url.searchParams };
      let value: unknown;
      if (ADMIN_WRITES.has(key)) {
        value = this.door.run({ op: "admin", route: key, raw: body }, "write", () => {
          this.world.settle();
          const v = route(this.admin, request);
          if (v instanceof Promise) throw new Error(`admin route ${key} must be synchronous`);
          return v;
        });
        // A loaded document becomes the base (and the data directory's snapshot) at once, so neither a
        // rollback nor a restart replays tens of megabytes of journaled document.
        if (key === "POST /state/load") this.door.rebase();
      } else {
        this.door.run({ op: "settle" }, "read", () => this.world.settle());
        value = await route(this.admin, request);
      }
      reply = () => (value instanceof RawJson ? sendRaw(200, value.text) : send(200, value));
      if (key === "POST /state/load") {
        // Answered once the loaded state is the snapshot on disk, so a restart reads it instead of
        // replaying the whole journaled document.
        const r = reply;
        reply = () => this.door.whenSnapshotted(r);
      }
    } catch (err) {
      if (err instanceof AdminError) reply = () => send(err.status, { error: { code: err.code, message: err.message } });
      else if (err instanceof Ec2Error) reply = () => send(err.httpStatus, { error: { code: err.code, message: err.message } });
      else {
        if (this.options.verbose) console.error(err);
        reply = () => send(500, { error: { code: "InternalError", message: "An internal error has occurred; nothing was changed." } });
      }
    }
    this.door.whenDurable(reply);
  }
}

function internalError(err: unknown, verbose?: boolean): Ec2Error {
  if (verbose) console.error(err);
  return new Ec2Error("InternalError", "An internal error has occurred", 500);
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on("data", (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(requestTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!failed) resolve(Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", reject);
  });
}
