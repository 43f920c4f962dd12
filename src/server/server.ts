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
 * Fidelity notes: signatures are checked only with `verifySignatures`. Any unexpected exception in a
 * handler is reported as EC2's `InternalError` (500), but that is a bug: the e2e suite asserts that no
 * bad input produces one.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { World, type WorldOptions } from "../state/world.js";
import { serviceModel, type ServiceName } from "../model/wire-model.js";
import { QueryCodec } from "../protocol/query-codec.js";
import { errorXml, successXml, type Dialect } from "../protocol/envelope.js";
import {
  authFailure,
  browserRequestRefused,
  dryRunOperation,
  Ec2Error,
  internalServerError,
  invalidAction,
  malformedQuery,
  missingAction,
  notImplemented,
  requestTooLarge,
} from "../domain/errors.js";
import { ec2OperationTable } from "../api/table.js";
import { stsOperationTable } from "../api/sts.js";
import type { Ctx, DispatchHandler } from "../api/context.js";
import { scopeOf } from "./scope.js";
import { regionInfo } from "../model/regions.js";
import { createDefaultVpcIn } from "../domain/vpcs.js";
import { adminRoutes, AdminError, type AdminContext } from "./admin.js";
import { VERSION } from "../version.js";
import { adminRefusal, exposureWarning, RequestGuard, type SecurityOptions } from "./guard.js";
import { createSignatureVerifier, type SignatureVerifier } from "./sigv4.js";
import { ConsoleEvents, serveConsole } from "./console.js";

export const MAX_BODY_BYTES = 1024 * 1024;

export interface ServerOptions extends WorldOptions, SecurityOptions {
  port?: number;
  host?: string;
  /** Log each request to stderr. */
  verbose?: boolean;
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
  private readonly consoleEvents: ConsoleEvents;

  constructor(private readonly options: ServerOptions = {}) {
    this.guard = new RequestGuard(options, options.host ?? "127.0.0.1");
    this.verifier = createSignatureVerifier(options);
    this.world = createWorld(options);
    this.consoleEvents = new ConsoleEvents(this.world);
    this.services = {
      ec2: binding("ec2", "ec2", ec2OperationTable),
      sts: binding("sts", "awsQuery", stsOperationTable),
    };
    this.admin = { world: this.world, startedAt: Date.now(), version: VERSION };
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
        const warning = exposureWarning(host, this.options);
        if (warning) process.stderr.write(warning);
        resolve({ url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`, port });
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch (err) {
      const e = err instanceof Ec2Error ? err : malformedQuery("The request body could not be read");
      return this.sendError(res, e, this.world.ids.requestId());
    }
    const isAdmin = url.pathname.startsWith("/_vpclab/");
    // ---- security gate (guard.ts, sigv4.ts) ----
    const gate = this.guard.check(req, isAdmin);
    for (const [name, value] of Object.entries(gate.headers)) res.setHeader(name, value);
    if (gate.refusal) {
      if (this.options.verbose) console.error(`refused ${req.method} ${url.pathname}: ${gate.refusal.message}`);
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
        if (this.options.verbose) console.error(`refused ${req.method} ${url.pathname}: ${denied.code} ${denied.message}`);
        return this.sendError(res, denied, this.world.ids.requestId());
      }
    }
    // ---- end of security gate ----
    const body = raw.toString("utf8");
    if (isAdmin) return this.handleAdmin(req, res, url, body);
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
    try {
      if (!regionInfo(scope.region)) throw authFailure("Credential should be scoped to a valid region.");
      if (!action) throw missingAction();
      const op = service.operations[action];
      if (!op) throw invalidAction(action);
      const handler = service.table[action];
      if (!handler) throw notImplemented(action);
      this.world.settle();
      const input = service.codec.decode(op.input, params.entries());
      if (input.DryRun === true) throw dryRunOperation();
      const world = this.world;
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
      const output = handler(ctx, input);
      const xml = successXml(service.dialect, service.codec, service.xmlns, action, op.output, output, requestId);
      res.writeHead(200, { "content-type": "text/xml;charset=UTF-8", "x-amzn-requestid": requestId });
      res.end(xml);
    } catch (err) {
      const e = err instanceof Ec2Error ? err : internalError(err, this.options.verbose);
      status = e.httpStatus;
      errorCode = e.code;
      this.sendError(res, e, requestId);
    }
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
    if (!route) return send(404, { error: { code: "NotFound", message: `No admin route ${method} ${url.pathname}` } });
    let parsed: Record<string, unknown> = {};
    if (body.trim() !== "") {
      try {
        const v: unknown = JSON.parse(body);
        if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("not an object");
        parsed = v as Record<string, unknown>;
      } catch {
        return send(400, { error: { code: "MalformedJson", message: "The request body must be a JSON object" } });
      }
    }
    try {
      this.world.settle();
      send(200, await route(this.admin, { method, body: parsed, query: url.searchParams }));
    } catch (err) {
      if (err instanceof AdminError) return send(err.status, { error: { code: err.code, message: err.message } });
      if (err instanceof Ec2Error) return send(err.httpStatus, { error: { code: err.code, message: err.message } });
      if (this.options.verbose) console.error(err);
      send(500, { error: { code: "InternalError", message: String(err) } });
    }
  }
}

function internalError(err: unknown, verbose?: boolean): Ec2Error {
  if (verbose) console.error(err);
  return internalServerError();
}

/** The body's exact bytes: signatures cover them, so they are decoded only after the check. */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on("data", (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        failed = true;
        reject(requestTooLarge(MAX_BODY_BYTES));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on("error", reject);
  });
}
