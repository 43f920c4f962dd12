/**
 * `--verify-signatures`: checks AWS Signature Version 4 on every EC2 and STS request, for requests
 * signed in the `Authorization` header and for presigned ones (`X-Amz-Signature` in the query), against
 * the keys of a shared-credentials file (credentials.ts).
 *
 * The expected signature is recomputed with the AWS SDK's own signer (`@smithy/signature-v4`: its
 * canonical request, string to sign and signing key), from the request exactly as it arrived: the raw
 * path and query, the raw header values of the headers the client listed in `SignedHeaders`, and the
 * body's bytes. Signatures are compared in constant time.
 *
 * Reference: AWS Signature Version 4 ("Create a signed AWS API request", "Authentication methods"); the
 * EC2 and STS error codes as those services answer them (see the catalog in domain/errors.ts): an
 * unknown key is EC2's `AuthFailure` (401) or STS's `InvalidClientTokenId` (403); a wrong signature is
 * `SignatureDoesNotMatch` (403); a date more than 5 minutes from now is EC2's `RequestExpired` (400) or,
 * from STS, `SignatureDoesNotMatch` saying "Signature expired"; no signature at all is
 * `MissingAuthenticationToken` (403); a malformed one `IncompleteSignature` (400).
 *
 * Fidelity notes:
 * - Dates are checked against the host's real time, not the emulator clock: clients sign with the real
 *   time, and `POST /_vpclab/clock` moves the emulator clock forward to fast-forward state transitions,
 *   which must not make every later signature "expired".
 * - The allowed skew is 5 minutes each way (SigV4's window, which STS states in its message). AWS's
 *   generic error page speaks of 15 minutes for RequestExpired; clients correct their clock from the
 *   `Date` response header either way.
 * - Only requests dated with `X-Amz-Date` are verified; a request dated only by `Date` is refused as
 *   `IncompleteSignature` (the SDKs and the AWS CLI always send `X-Amz-Date`).
 * - A signed `x-amz-content-sha256` must equal the body's hash (EC2 and STS have no unsigned payloads).
 * - Session tokens are not validated against any issuer: a signed `X-Amz-Security-Token` is covered by
 *   the signature like any other header, nothing more. SigV4a (`AWS4-ECDSA-P256-SHA256`) is refused.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { readCredentialsFile, type AccessKey } from "./credentials.js";
import type { SecurityOptions } from "./guard.js";
import {
  type Ec2Error,
  incompleteSignature,
  invalidClientTokenId,
  missingAuthenticationToken,
  requestExpired,
  signatureDoesNotMatch,
  unknownAccessKeyEc2,
} from "../domain/errors.js";

/** The parts of an incoming HTTP request a signature covers, as they arrived. */
export interface RawRequest {
  method: string;
  /** The request target as sent (`/?Action=…`), not normalised. */
  url: string;
  /** Alternating names and values, as node:http's `rawHeaders`. */
  rawHeaders: readonly string[];
  body: Uint8Array;
}

export const MAX_SKEW_MS = 5 * 60 * 1000;
const MAX_PRESIGNED_SECONDS = 7 * 24 * 3600;
const ALGORITHM = "AWS4-HMAC-SHA256";

/** node:crypto in the shape the SDK's signer wants for its `sha256` constructor. */
class Sha256 {
  private readonly h;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret === undefined ? createHash("sha256") : createHmac("sha256", toBytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.h.update(toBytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.h.digest()));
  }
}

function toBytes(data: string | ArrayBuffer | ArrayBufferView): Buffer | string {
  if (typeof data === "string") return data;
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

interface Signed {
  keyId: string;
  shortDate: string;
  region: string;
  service: string;
  longDate: string;
  signedHeaders: string[];
  signature: string;
  /** Presigned: the validity in seconds. */
  expires?: number;
}

type Query = Record<string, string | string[]>;

/** What the SDK's signer computes, reached through its protected steps (see `loadSigner`). */
type ExpectedSignature = (
  key: AccessKey,
  s: Signed,
  request: { method: string; protocol: string; hostname: string; path: string; query: Query; headers: Record<string, string> },
  payloadHash: string,
) => Promise<string>;

async function loadSigner(): Promise<ExpectedSignature> {
  // Imported only when verification is configured, so that `serve` without it never pays for it.
  const { SignatureV4, getCanonicalHeaders, getSigningKey, createScope } = await import("@smithy/signature-v4");
  class Verifier extends SignatureV4 {
    async expected(...[key, s, request, payloadHash]: Parameters<ExpectedSignature>): Promise<string> {
      const canonicalHeaders = getCanonicalHeaders(request as never, undefined, new Set(s.signedHeaders));
      const canonicalRequest = this.createCanonicalRequest(request as never, canonicalHeaders, payloadHash);
      const scope = createScope(s.shortDate, s.region, s.service);
      const stringToSign = await this.createStringToSign(s.longDate, scope, canonicalRequest, ALGORITHM);
      const signingKey = await getSigningKey(Sha256, key, s.shortDate, s.region, s.service);
      const h = new Sha256(signingKey);
      h.update(stringToSign);
      return Buffer.from(await h.digest()).toString("hex");
    }
  }
  // The canonical request and string to sign depend on neither region nor service (those enter
  // through the scope and the signing key), so one instance serves every request.
  const v = new Verifier({ credentials: { accessKeyId: "", secretAccessKey: "" }, region: "us-east-1", service: "ec2", sha256: Sha256, applyChecksum: false, uriEscapePath: true });
  return (key, s, request, payloadHash) => v.expected(key, s, request, payloadHash);
}

export class SignatureVerifier {
  private readonly keys = new Map<string, AccessKey>();
  private readonly signer: Promise<ExpectedSignature>;

  constructor(
    keys: readonly AccessKey[],
    private readonly now: () => number = Date.now,
  ) {
    for (const k of keys) this.keys.set(k.accessKeyId, k);
    // Started now so that the first signed request does not wait for the module.
    this.signer = loadSigner();
  }

  /** The error to answer with, or undefined when the request is signed by a known key. */
  async verify(req: RawRequest): Promise<Ec2Error | undefined> {
    try {
      return await this.check(req);
    } catch {
      // Whatever the signer cannot canonicalise (say, a path escape it rejects) is not a signature
      // that matches; it must never become a 500.
      return signatureDoesNotMatch();
    }
  }

  private async check(req: RawRequest): Promise<Ec2Error | undefined> {
    const headers = headerMap(req.rawHeaders);
    const q = req.url.indexOf("?");
    const path = q < 0 ? req.url : req.url.slice(0, q);
    const query = parseQuery(q < 0 ? "" : req.url.slice(q + 1));
    if (query === undefined) return signatureDoesNotMatch();

    const parsed = headers.authorization !== undefined ? fromHeader(headers) : fromQuery(query);
    if (parsed === "unsigned") return missingAuthenticationToken();
    if (typeof parsed === "string") return incompleteSignature(parsed);
    const s = parsed;
    const sts = s.service === "sts";

    const key = this.keys.get(s.keyId);
    if (!key) return sts ? invalidClientTokenId() : unknownAccessKeyEc2();

    const signedAt = dateOf(s.longDate);
    if (signedAt === undefined) return incompleteSignature(`Date must be in ISO-8601 'basic format'. Got '${clip(s.longDate)}'.`);
    const expired = this.expiry(signedAt, s, sts);
    if (expired) return expired;

    const bodyHash = createHash("sha256").update(req.body).digest("hex");
    const claimed = headers["x-amz-content-sha256"];
    if (claimed !== undefined && s.signedHeaders.includes("x-amz-content-sha256") && claimed.trim() !== bodyHash) {
      return signatureDoesNotMatch();
    }
    const signedOnly: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const name of s.signedHeaders) {
      const v = headers[name];
      if (v !== undefined) signedOnly[name] = v;
    }
    const request = { method: req.method, protocol: "http:", hostname: "", path, query, headers: signedOnly };
    const expected = await (await this.signer)(key, s, request, bodyHash);
    return sameHex(expected, s.signature) ? undefined : signatureDoesNotMatch();
  }

  private expiry(signedAt: number, s: Signed, sts: boolean): Ec2Error | undefined {
    const now = this.now();
    const tooOld = s.expires !== undefined ? now > signedAt + s.expires * 1000 : now - signedAt > MAX_SKEW_MS;
    const tooNew = signedAt - now > MAX_SKEW_MS;
    if (!tooOld && !tooNew) return undefined;
    if (!sts) return requestExpired();
    // STS words a stale date as a signature problem and shows the window it used.
    if (tooOld) {
      const limit = s.expires !== undefined ? now : now - MAX_SKEW_MS;
      const why = s.expires !== undefined ? `${basic(signedAt + s.expires * 1000)} is now earlier than ${basic(limit)}` : `${s.longDate} is now earlier than ${basic(limit)} (${basic(now)} - 5 min.)`;
      return signatureDoesNotMatch(`Signature expired: ${why}`);
    }
    return signatureDoesNotMatch(`Signature not yet current: ${s.longDate} is still later than ${basic(now + MAX_SKEW_MS)} (${basic(now)} + 5 min.)`);
  }
}

/** Lower-cased names; repeated headers joined with "," as SigV4's canonical form has them. */
function headerMap(raw: readonly string[]): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!.trim();
    out[name] = name in out ? `${out[name]},${value}` : value;
  }
  return out;
}

/**
 * The query as its decoded parameters. `+` stays a plus: signers encode a space as %20, so a raw `+`
 * can only be one the client meant literally. undefined when a %-escape is malformed.
 */
function parseQuery(qs: string): Query | undefined {
  const out: Query = Object.create(null) as Query;
  if (qs === "") return out;
  for (const part of qs.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    let k: string;
    let v: string;
    try {
      k = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
      v = eq < 0 ? "" : decodeURIComponent(part.slice(eq + 1));
    } catch {
      return undefined;
    }
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

const SCOPE = /^([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/;

function scope(credential: string): Pick<Signed, "keyId" | "shortDate" | "region" | "service"> | undefined {
  const m = SCOPE.exec(credential);
  return m ? { keyId: m[1]!, shortDate: m[2]!, region: m[3]!, service: m[4]! } : undefined;
}

const HOST_UNSIGNED = "'Host' must be a 'SignedHeader' in the AWS Authorization.";
const BAD_CREDENTIAL = "Credential should be of the form <access key>/<YYYYMMDD>/<region>/<service>/aws4_request.";

function fromHeader(headers: Record<string, string>): Signed | string {
  const auth = headers.authorization!;
  const sp = auth.indexOf(" ");
  const algorithm = sp < 0 ? auth : auth.slice(0, sp);
  if (algorithm !== ALGORITHM) return `Unsupported AWS 'algorithm': '${clip(algorithm)}'. vpclab verifies ${ALGORITHM} only.`;
  const parts: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const p of auth.slice(sp + 1).split(",")) {
    const eq = p.indexOf("=");
    if (eq > 0) parts[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
  }
  const missing = ["Credential", "Signature", "SignedHeaders"].filter((n) => !parts[n]);
  if (missing.length > 0) return missing.map((n) => `Authorization header requires '${n}' parameter.`).join(" ");
  const date = headers["x-amz-date"];
  if (date === undefined) return "Authorization header requires existence of a 'X-Amz-Date' header.";
  const sc = scope(parts.Credential!);
  if (!sc) return BAD_CREDENTIAL;
  const signedHeaders = parts.SignedHeaders!.toLowerCase().split(";");
  if (!signedHeaders.includes("host")) return HOST_UNSIGNED;
  return { ...sc, longDate: date, signedHeaders, signature: parts.Signature! };
}

function fromQuery(query: Query): Signed | string | "unsigned" {
  const one = (k: string) => {
    const v = query[k];
    return Array.isArray(v) ? v[0] : v;
  };
  if (one("X-Amz-Signature") === undefined && one("X-Amz-Credential") === undefined && one("X-Amz-Algorithm") === undefined) {
    return "unsigned";
  }
  const required = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders"];
  const missing = required.filter((k) => !one(k));
  if (missing.length > 0) return `AWS query-string parameters must include ${missing.map((k) => `'${k}'`).join(", ")}.`;
  if (one("X-Amz-Algorithm") !== ALGORITHM) return `X-Amz-Algorithm only supports '${ALGORITHM}'.`;
  const sc = scope(one("X-Amz-Credential")!);
  if (!sc) return BAD_CREDENTIAL;
  let expires: number | undefined;
  const e = one("X-Amz-Expires");
  if (e !== undefined) {
    if (!/^\d{1,7}$/.test(e) || Number(e) > MAX_PRESIGNED_SECONDS) {
      return `X-Amz-Expires must be a whole number of seconds of at most ${MAX_PRESIGNED_SECONDS} (one week).`;
    }
    expires = Number(e);
  }
  const signedHeaders = one("X-Amz-SignedHeaders")!.toLowerCase().split(";");
  if (!signedHeaders.includes("host")) return HOST_UNSIGNED;
  return {
    ...sc,
    longDate: one("X-Amz-Date")!,
    signedHeaders,
    signature: one("X-Amz-Signature")!,
    expires,
  };
}

function dateOf(longDate: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(longDate);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls 20240230 over to March; a date that does not round-trip is not a date.
  return basic(t) === longDate ? t : undefined;
}

function basic(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

function sameHex(expected: string, given: string): boolean {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(given, "utf8");
  // timingSafeEqual needs equal lengths; comparing a with itself keeps the time independent of `given`.
  if (a.length !== b.length) return timingSafeEqual(a, a) && false;
  return timingSafeEqual(a, b);
}

/** Bounded echo of client input in messages. */
function clip(s: string): string {
  return s.length > 64 ? `${s.slice(0, 64)}…` : s;
}

/** The verifier the server options ask for, or undefined when signatures go unchecked. */
export function createSignatureVerifier(options: SecurityOptions): SignatureVerifier | undefined {
  if (!options.verifySignatures) {
    if (options.credentials !== undefined) {
      throw new Error("credentials are used only to verify signatures: add --verify-signatures (verifySignatures: true)");
    }
    return undefined;
  }
  if (options.credentials === undefined) {
    throw new Error("--verify-signatures needs the keys to accept: --credentials FILE (an AWS shared-credentials file)");
  }
  const keys = typeof options.credentials === "string" ? readCredentialsFile(options.credentials) : options.credentials;
  if (keys.length === 0) throw new Error("--verify-signatures was given no keys to accept");
  return new SignatureVerifier(keys);
}
