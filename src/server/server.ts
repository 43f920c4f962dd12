/**
 * The HTTP server and its request pipeline: scope (account, region from SigV4) → settle due state
 * transitions → decode (schema-driven) → DryRun → handler → encode (schema-driven).
 *
 * Reference: EC2 Query API (form-encoded POST or GET query string; XML responses, `x-amzn-requestid`
 * header; errors in EC2's `<Response><Errors>` envelope with HTTP 400, DryRun success as
 * `DryRunOperation` with HTTP 412), STS awsQuery for GetCallerIdentity.
 *
 * Before either pipeline, guard.ts refuses requests from web pages vpclab was not told to trust and admin
 * changes without the admin token, and sigv4.ts checks signatures when `verifySignatures` is on.
 *
 * Fidelity notes: signatures are checked only with `verifySignatures`. The Query API answers at `/` only,
 * to GET and POST; another path gets 404 `NotFound` and another method 405 `MethodNotAllowed` (vpclab's
 * codes; EC2 documents none). Any unexpected exception in a handler is reported as EC2's `InternalError`
 * (500), but that is a bug: the e2e suite asserts that no bad input produces one. Such a request changes
 * nothing: every request runs through the one door (state/door.ts), which rolls back what a failed
 * request did, and its response is encoded inside the transaction. With a data directory, no response
 * leaves before the journal entries it may have seen are on disk (state/persistence.ts).
 */
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { DEFAULT_QUOTAS, World, type WorldOptions } from "../state/world.js";
import { Door, kindOfAction, type Entry } from "../state/door.js";
import { restore, type DataDir, type Restored, type Settings } from "../state/persistence.js";
import { serviceModel, type ServiceName } from "../model/wire-model.js";
import { clip, QueryCodec } from "../protocol/query-codec.js";
import { errorXml, MAX_ERROR_MESSAGE, successXml, type Dialect } from "../protocol/envelope.js";
import {
  authFailure,
  browserRequestRefused,
  dryRunOperation,
  Ec2Error,
  internalServerError,
  invalidAction,
  malformedHttpRequest,
  malformedQuery,
  missingAction,
  methodNotAllowed,
  notImplemented,
  httpPathNotFound,
  requestHeadTooLarge,
  requestTooLarge,
} from "../domain/errors.js";
import { ec2OperationTable } from "../api/table.js";
import { stsOperationTable } from "../api/sts.js";
import { handleSsm } from "./ssm.js";
import type { Ctx, DispatchHandler } from "../api/context.js";
import { scopeOf } from "./scope.js";
import { regionInfo } from "../model/regions.js";
import { createDefaultVpcIn } from "../domain/vpcs.js";
import { adminRoutes, AdminError, ADMIN_WRITES, RawJson, type AdminContext } from "./admin.js";
import { VERSION } from "../version.js";
import { adminRefusal, exposureWarning, RequestGuard, type SecurityOptions } from "./guard.js";
import { createSignatureVerifier, type SignatureVerifier } from "./sigv4.js";
import { ConsoleEvents, serveConsole } from "./console.js";
import { Dataplane } from "../dataplane/index.js";

export const MAX_BODY_BYTES = 1024 * 1024;
/** A whole state document (`POST /_vpclab/state/load`) may be large: 10k VPCs with their routes is tens of MB. */
export const MAX_STATE_BYTES = 512 * 1024 * 1024;

export interface ServerOptions extends WorldOptions, SecurityOptions {
  port?: number;
  host?: string;
  /** Log each request to stderr. */
  verbose?: boolean;
  /** Keep the state in this directory across restarts (state/persistence.ts). */
  dataDir?: string;
  /** Called if the data directory cannot be written; by default vpclab reports it and exits. */
  onFatal?: (err: Error) => void;
  /** Real packets: every running instance a network namespace (src/dataplane; Linux, root). */
  dataplane?: "netns";
}

interface ServiceBinding {
  name: ServiceName;
  dialect: Dialect;
  codec: QueryCodec;
  xmlns: string;
  operations: Record<string, { input: string | null; output: string | null }>;
  table: Readonly<Record<string, DispatchHandler>>;
}

function binding(name: ServiceName, dialect: Dialect, table: Readonly<Record<string, DispatchHandler>>): ServiceBinding {
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
  private readonly guard: RequestGuard;
  private readonly verifier: SignatureVerifier | undefined;
  /** The one door every request goes through (state/door.ts). */
  readonly door: Door;
  private readonly dataDir: DataDir | undefined;
  private readonly consoleEvents: ConsoleEvents;
  /** The netns data plane (`dataplane: "netns"`), kept in step with every commit. */
  private readonly dataplane: Dataplane | undefined;

  constructor(private readonly options: ServerOptions = {}) {
    this.guard = new RequestGuard(options, options.host ?? "127.0.0.1");
    this.verifier = createSignatureVerifier(options);
    this.world = createWorld(options);
    this.consoleEvents = new ConsoleEvents(this.world);
    this.services = {
      ec2: binding("ec2", "ec2", ec2OperationTable),
      sts: binding("sts", "awsQuery", stsOperationTable),
    };
    if (options.dataplane !== undefined && options.dataplane !== "netns") throw new Error(`unknown data plane '${String(options.dataplane)}' (vpclab has: netns)`);
    this.dataplane = options.dataplane === "netns" ? new Dataplane({ world: this.world, settle: () => this.door.run({ op: "settle" }, "read", () => this.world.settle()) }) : undefined;
    const dataplane = this.dataplane;
    this.admin = { world: this.world, startedAt: Date.now(), version: VERSION, dataplane: dataplane && (async () => (await dataplane.idle(), dataplane.status())) };
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
      onCommit: this.dataplane && (() => this.dataplane!.schedule()),
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
    // Node answers a request its parser refuses (a head over 16 KB, bytes that are not HTTP) with a bare
    // status line; answer in EC2's error envelope instead, so clients still find a code.
    this.http.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => {
      if (!socket.writable || err.code === "ECONNRESET") return void socket.destroy();
      const e = err.code === "HPE_HEADER_OVERFLOW" ? requestHeadTooLarge() : malformedHttpRequest();
      const xml = errorXml(e.code, e.message, this.world.ids.requestId());
      socket.end(
        `HTTP/1.1 ${e.httpStatus} ${STATUS_CODES[e.httpStatus]}\r\ncontent-type: text/xml;charset=UTF-8\r\n` +
          `content-length: ${Buffer.byteLength(xml)}\r\nconnection: close\r\n\r\n${xml}`,
      );
    });
  }

  async listen(): Promise<{ url: string; port: number }> {
    await this.dataplane?.start();
    return new Promise((resolve, reject) => {
      this.http.once("error", reject);
      this.http.listen(this.options.port ?? 4566, this.options.host ?? "127.0.0.1", () => {
        const addr = this.http.address();
        const port = typeof addr === "object" && addr ? addr.port : this.options.port ?? 4566;
        const host = this.options.host ?? "127.0.0.1";
        const warning = exposureWarning(host, this.options);
        if (warning) process.stderr.write(warning);
        resolve({ url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`, port });
      });
    });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
    await this.dataplane?.close();
    // A clean stop leaves one snapshot and no journal to replay.
    await this.dataDir?.close(this.door.current());
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestTarget(req.url);
    let raw: Buffer;
    try {
      raw = await readBody(req, url?.pathname === "/_vpclab/state/load" || url?.pathname === "/_vpclab/state/import" ? MAX_STATE_BYTES : MAX_BODY_BYTES);
    } catch (err) {
      const e = err instanceof Ec2Error ? err : malformedQuery("The request body could not be read");
      if (url?.pathname.startsWith("/_vpclab/")) return sendJson(res, e.httpStatus, { error: { code: e.code, message: e.message } });
      return this.sendError(res, e, this.world.ids.requestId());
    }
    const isAdmin = url?.pathname.startsWith("/_vpclab/") ?? false;
    // ---- security gate (guard.ts, sigv4.ts) ----
    const gate = this.guard.check(req, isAdmin);
    for (const [name, value] of Object.entries(gate.headers)) res.setHeader(name, value);
    if (gate.refusal) {
      if (this.options.verbose) console.error(`refused ${req.method} ${url?.pathname}: ${gate.refusal.message}`);
      if (!isAdmin) return this.sendError(res, browserRequestRefused(gate.refusal.message), this.world.ids.requestId());
      const r = adminRefusal(gate.refusal);
      res.writeHead(r.status, { "content-type": "application/json", ...r.headers });
      return void res.end(JSON.stringify(r.body));
    }
    if (gate.preflight) return void res.writeHead(204).end();
    // The web console (console.ts): its files, the redirect of a browser's `GET /`, its event stream.
    // Before signature checks: a browser cannot sign, and these change nothing.
    if (serveConsole(req, res, url, this.consoleEvents)) return;
    if (!isAdmin && this.verifier) {
      const denied = await this.verifier.verify({ method: req.method ?? "GET", url: req.url ?? "/", rawHeaders: req.rawHeaders, body: raw });
      if (denied) {
        if (this.options.verbose) console.error(`refused ${req.method} ${url?.pathname}: ${denied.code} ${denied.message}`);
        return this.sendError(res, denied, this.world.ids.requestId());
      }
    }
    // ---- end of security gate ----
    const body = raw.toString("utf8");
    if (isAdmin && url) return this.handleAdmin(req, res, url, body);
    // The Query API lives at `/` only; anything else (`//`, `/foo`, `/../x`, a target that is not a
    // path) is answered here rather than treated as `/`, so a typo in an endpoint URL shows up.
    if (!url || url.pathname !== "/") return this.sendError(res, httpPathNotFound(url?.pathname ?? String(req.url)), this.world.ids.requestId());
    if (req.method !== "GET" && req.method !== "POST") {
      res.setHeader("allow", "GET, POST");
      return this.sendError(res, methodNotAllowed(req.method ?? ""), this.world.ids.requestId());
    }
    const target = req.headers["x-amz-target"];
    if (typeof target === "string" && target.startsWith("AmazonSSM.")) return this.handleSsmRequest(req, res, target, body);
    this.handleQuery(req, res, url, body);
  }

  /** SSM's JSON protocol, for AWS's public AMI parameters (server/ssm.ts). */
  private handleSsmRequest(req: IncomingMessage, res: ServerResponse, target: string, body: string): void {
    const scope = scopeOf(req.headers.authorization, new URLSearchParams());
    const r = handleSsm(this.world, target, body, scope.region, res);
    this.world.logRequest({
      time: new Date(this.world.clock.now()).toISOString(),
      requestId: r.requestId,
      account: scope.account,
      region: scope.region,
      service: "ssm",
      action: r.action,
      status: r.status,
      errorCode: r.errorCode,
    });
  }

  private handleQuery(req: IncomingMessage, res: ServerResponse, url: Target, body: string): void {
    const requestId = this.world.ids.requestId();
    const params = new URLSearchParams(url.search);
    const contentType = String(req.headers["content-type"] ?? "");
    if (body.length > 0 && (contentType === "" || contentType.includes("x-www-form-urlencoded"))) {
      for (const [k, v] of new URLSearchParams(body)) params.append(k, v);
    }
    const scope = scopeOf(req.headers.authorization, params);
    const action = params.get("Action") ?? "";
    let service: ServiceBinding = this.services.ec2;
    if (scope.service === "sts" || (scope.service === undefined && own(this.services.sts.operations, action) && !own(this.services.ec2.operations, action))) {
      service = this.services.sts;
    }
    let status = 200;
    let errorCode: string | undefined;
    let reply: () => void;
    try {
      if (!regionInfo(scope.region)) throw authFailure("Credential should be scoped to a valid region.");
      if (!action) throw missingAction();
      // Own properties only: the tables are plain objects, and `constructor` or `__proto__` must be
      // unknown actions, not Object.prototype's members.
      const op = own(service.operations, action);
      if (!op) throw invalidAction(action);
      if (!own(service.table, action)) throw notImplemented(action);
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
      // The log keeps 10,000 entries; an Action of a megabyte must not be kept 10,000 times.
      action: clip(action, 128),
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

  private async handleAdmin(req: IncomingMessage, res: ServerResponse, url: Target, body: string): Promise<void> {
    const method = req.method ?? "GET";
    const path = url.pathname.slice("/_vpclab".length);
    const route = own(adminRoutes, `${method} ${path}`);
    const send = (status: number, value: unknown) => sendJson(res, status, value);
    const sendRaw = (status: number, text: string) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(text);
    };
    if (!route) {
      const allowed = Object.keys(adminRoutes).filter((k) => k.slice(k.indexOf(" ") + 1) === path).map((k) => k.slice(0, k.indexOf(" ")));
      const shown = clip(url.pathname, 128);
      if (allowed.length === 0) return send(404, { error: { code: "NotFound", message: `No admin route ${clip(method, 32)} ${shown}` } });
      res.setHeader("allow", allowed.join(", "));
      return send(405, { error: { code: "MethodNotAllowed", message: `${shown} takes ${allowed.join(", ")}, not ${clip(method, 32)}` } });
    }
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
      const request = { method, body: parsed, raw: body, query: new URLSearchParams(url.search) };
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
      if (err instanceof AdminError) reply = () => send(err.status, { error: { code: err.code, message: clip(err.message, MAX_ERROR_MESSAGE) } });
      else if (err instanceof Ec2Error) reply = () => send(err.httpStatus, { error: { code: err.code, message: clip(err.message, MAX_ERROR_MESSAGE) } });
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
  return internalServerError();
}

function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** The parts of a request target vpclab reads. */
interface Target {
  pathname: string;
  search: string;
}

/**
 * Splits an origin-form request target (`/path?query`) by hand: `new URL("//", base)` throws (it reads
 * `//` as a host), and a target is not a URL to resolve anyway. Dot segments are kept as sent, so
 * `/../` is an unknown path rather than `/`. Undefined for a target that is not a path (`*`,
 * absolute-form through a proxy).
 */
function requestTarget(raw: string | undefined): Target | undefined {
  if (raw === undefined || !raw.startsWith("/")) return undefined;
  const q = raw.indexOf("?");
  return q < 0 ? { pathname: raw, search: "" } : { pathname: raw.slice(0, q), search: raw.slice(q) };
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
}

/** The body's exact bytes: signatures cover them, so they are decoded only after the check. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on("data", (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        reject(requestTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks));
    });
    const fail = (err?: unknown) => {
      if (done) return;
      done = true;
      reject(err ?? malformedQuery("The request body ended early"));
    };
    req.on("error", fail);
    // A client that hangs up mid-body (a truncated Content-Length or chunked body) ends with `close`
    // and no `end`: settle, so nothing waits on it.
    req.on("close", () => fail());
  });
}
