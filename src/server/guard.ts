/**
 * Who may drive vpclab: the checks every request passes before the EC2 or admin pipeline sees it.
 *
 * - Browser context. A web page the user happens to open can send requests to 127.0.0.1; only a page
 *   vpclab serves itself (same origin) or one named with `--allow-origin` may. Refused: an `Origin`
 *   that is neither; `Sec-Fetch-Site: cross-site|same-site` without such an Origin (the browser's mark
 *   on no-cors requests such as `<img src>` or a form posted from another port); and a `Host` that is
 *   not this server's (the DNS-rebinding defence: a page at attacker.example whose name the attacker
 *   re-points at 127.0.0.1 still sends `Host: attacker.example`). Allowed origins get CORS headers, and
 *   their preflights an answer, so a page on another origin that was allowed can actually work.
 * - `--admin-token`: every admin request that can change something (any method but GET/HEAD) must carry
 *   the token, as `Authorization: Bearer T` or `x-vpclab-admin-token: T`.
 * - Signatures (`--verify-signatures`) are sigv4.ts's; this module only carries the option.
 *
 * Hosts accepted: `localhost` and `*.localhost` (browsers resolve those to loopback themselves, never
 * through DNS), any IP literal (a rebinding page always arrives under a DNS name, never an address),
 * the address vpclab was bound to, this machine's host name, and names given with `--allow-host`
 * (`*` turns the check off). The port is not compared: a container's published port or a proxy changes
 * it, and it is no defence against rebinding, whose attacker controls only the name.
 *
 * Fidelity notes: none of this exists on AWS, where every request must be signed; refused EC2 requests
 * get EC2's `UnauthorizedOperation` (403) in the EC2 error envelope, admin requests a JSON error (403
 * `AccessDenied`, or 401 `Unauthorized` for a missing or wrong admin token).
 */
import type { IncomingMessage } from "node:http";
import { createHash, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";
import { hostname as machineName } from "node:os";
import type { AccessKey } from "./credentials.js";

export interface SecurityOptions {
  /** Required on every admin request that can change state. */
  adminToken?: string;
  /** Web origins besides vpclab's own that may call it (`http://localhost:3000`; `*` for any; `null`). */
  allowOrigins?: readonly string[];
  /** Host names besides the built-in ones that requests may be addressed to (`*` for any). */
  allowHosts?: readonly string[];
  /** Check SigV4 signatures on the EC2 and STS endpoint against `credentials`. */
  verifySignatures?: boolean;
  /** The keys `verifySignatures` accepts: a shared-credentials file's path, or the keys themselves. */
  credentials?: string | readonly AccessKey[];
}

export interface Refusal {
  kind: "browser" | "token";
  message: string;
}

export interface GateResult {
  refusal?: Refusal;
  /** A CORS preflight from an allowed origin: answer 204 with `headers` and stop. */
  preflight?: boolean;
  /** Headers to add to the response (CORS for an allowed cross-origin caller). */
  headers: Record<string, string>;
}

export class RequestGuard {
  private readonly origins: Set<string>;
  private readonly anyOrigin: boolean;
  private readonly hosts: Set<string>;
  private readonly anyHost: boolean;
  private readonly tokenDigest: Buffer | undefined;

  constructor(options: SecurityOptions, boundHost: string) {
    if (options.adminToken !== undefined && options.adminToken === "") throw new Error("the admin token must not be empty");
    for (const o of options.allowOrigins ?? []) {
      if (o !== "*" && o !== "null" && !/^https?:\/\/[^/?#\s]+\/?$/i.test(o)) {
        throw new Error(`--allow-origin ${o} is not a web origin such as http://localhost:3000 (or * for any, null for file: pages)`);
      }
    }
    this.anyOrigin = (options.allowOrigins ?? []).includes("*");
    this.origins = new Set((options.allowOrigins ?? []).filter((o) => o !== "*").map(normalizeOrigin));
    this.anyHost = (options.allowHosts ?? []).includes("*");
    this.hosts = new Set(
      [...(options.allowHosts ?? []), boundHost, machineName()].map((h) => bareHost(h)).filter((h): h is string => Boolean(h)),
    );
    this.tokenDigest = options.adminToken === undefined ? undefined : digest(options.adminToken);
  }

  check(req: IncomingMessage, admin: boolean): GateResult {
    const headers: Record<string, string> = {};
    const host = one(req.headers.host);
    if (host !== undefined && !this.hostAllowed(host)) {
      return {
        headers,
        refusal: {
          kind: "browser",
          message: `vpclab refused a request addressed to host '${clip(host)}', which is not this server's (a DNS-rebinding page looks like this). If you reach vpclab under that name on purpose, start it with --allow-host ${clip(bareHost(host) ?? host)}.`,
        },
      };
    }
    const origin = one(req.headers.origin);
    const site = one(req.headers["sec-fetch-site"])?.toLowerCase();
    if (origin === undefined) {
      if (site === "cross-site" || site === "same-site") {
        return {
          headers,
          refusal: { kind: "browser", message: `vpclab refused a ${site} request from a web page (Sec-Fetch-Site: ${site}, no Origin).` },
        };
      }
    } else if (!this.sameOrigin(origin, host)) {
      if (!this.originAllowed(origin)) {
        return {
          headers,
          refusal: {
            kind: "browser",
            message: `vpclab refused a request from the web origin '${clip(origin)}'. To let pages from it drive vpclab, start vpclab with --allow-origin ${clip(origin)}.`,
          },
        };
      }
      headers["access-control-allow-origin"] = origin;
      headers["vary"] = "Origin";
      headers["access-control-expose-headers"] = "x-amzn-requestid";
      if (req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined) {
        headers["access-control-allow-methods"] = "GET, POST, PUT, DELETE, OPTIONS";
        const asked = one(req.headers["access-control-request-headers"]);
        if (asked !== undefined && /^[A-Za-z0-9!#$%&'*+.^_`|~,\s-]{0,2000}$/.test(asked)) headers["access-control-allow-headers"] = asked;
        headers["access-control-max-age"] = "600";
        if (one(req.headers["access-control-request-private-network"]) === "true") headers["access-control-allow-private-network"] = "true";
        return { headers, preflight: true };
      }
    }
    if (admin && this.tokenDigest && req.method !== "GET" && req.method !== "HEAD") {
      const given = bearer(one(req.headers.authorization)) ?? one(req.headers["x-vpclab-admin-token"]);
      if (given === undefined) {
        return { headers, refusal: { kind: "token", message: "This vpclab requires an admin token: send 'Authorization: Bearer <token>' or 'x-vpclab-admin-token: <token>' (the vpclab CLI sends $VPCLAB_ADMIN_TOKEN or --admin-token)." } };
      }
      // Digests have one length, so the comparison takes the same time whatever was sent.
      if (!timingSafeEqual(digest(given), this.tokenDigest)) {
        return { headers, refusal: { kind: "token", message: "The admin token is not the one this vpclab was started with." } };
      }
    }
    return { headers };
  }

  private hostAllowed(hostHeader: string): boolean {
    if (this.anyHost) return true;
    const name = bareHost(hostHeader);
    if (name === undefined) return false;
    return name === "localhost" || name.endsWith(".localhost") || isIP(name) !== 0 || this.hosts.has(name);
  }

  /** The page's origin is this server as the request addressed it: vpclab's own pages (the console). */
  private sameOrigin(origin: string, host: string | undefined): boolean {
    if (host === undefined) return false;
    const o = normalizeOrigin(origin);
    return o === normalizeOrigin(`http://${host}`) || o === normalizeOrigin(`https://${host}`);
  }

  private originAllowed(origin: string): boolean {
    return this.anyOrigin || this.origins.has(normalizeOrigin(origin));
  }
}

/** The warning `serve` prints when the address is reachable from other machines. */
export function exposureWarning(host: string, options: SecurityOptions): string | undefined {
  if (isLoopback(host)) return undefined;
  const on = (b: boolean) => (b ? "on" : "off");
  return (
    `vpclab: warning: listening on ${host}, not on loopback: anything that can reach this address can drive vpclab. ` +
    `Protect it with --admin-token (admin API: ${on(options.adminToken !== undefined)}), ` +
    `--verify-signatures with --credentials FILE (EC2 API: ${on(Boolean(options.verifySignatures))}), ` +
    `and allow web pages only with --allow-origin (${options.allowOrigins?.length ? options.allowOrigins.join(", ") : "none allowed"}).\n`
  );
}

export function isLoopback(host: string): boolean {
  const h = bareHost(host) ?? host;
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  if (isIP(h) === 6) return h === "::1" || /^::ffff:127\./.test(h) || /^0*:(0*:){6}0*1$/.test(h);
  return false;
}

/** The host name of a Host header or bound address, lower-cased, without port, brackets or final dot. */
function bareHost(value: string): string | undefined {
  let v = value.trim().toLowerCase();
  if (v.startsWith("[")) {
    const end = v.indexOf("]");
    if (end < 0) return undefined;
    v = v.slice(1, end);
  } else if (isIP(v) !== 6) {
    const colon = v.indexOf(":");
    if (colon >= 0) {
      if (!/^\d{1,5}$/.test(v.slice(colon + 1))) return undefined;
      v = v.slice(0, colon);
    }
  }
  if (v.endsWith(".")) v = v.slice(0, -1);
  return v === "" ? undefined : v;
}

function normalizeOrigin(origin: string): string {
  if (origin === "null") return "null";
  try {
    return new URL(origin).origin;
  } catch {
    return origin.toLowerCase();
  }
}

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function bearer(auth: string | undefined): string | undefined {
  const m = auth === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(auth);
  return m ? m[1] : undefined;
}

function digest(s: string): Buffer {
  return createHash("sha256").update(s, "utf8").digest();
}

function clip(s: string): string {
  return s.length > 100 ? `${s.slice(0, 100)}…` : s;
}

/** How the admin API answers a refusal (JSON, as all its errors). */
export function adminRefusal(r: Refusal): { status: number; headers: Record<string, string>; body: unknown } {
  if (r.kind === "token") {
    return { status: 401, headers: { "www-authenticate": 'Bearer realm="vpclab"' }, body: { error: { code: "Unauthorized", message: r.message } } };
  }
  return { status: 403, headers: {}, body: { error: { code: "AccessDenied", message: r.message } } };
}
