import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { MAX_SKEW_MS, SignatureVerifier, type RawRequest } from "./sigv4.js";

class Sha256 {
  private readonly h;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret === undefined ? createHash("sha256") : createHmac("sha256", typeof secret === "string" ? secret : Buffer.from(secret as Uint8Array));
  }
  update(d: string | ArrayBuffer | ArrayBufferView) {
    this.h.update(typeof d === "string" ? d : Buffer.from(d as Uint8Array));
  }
  digest() {
    return Promise.resolve(new Uint8Array(this.h.digest()));
  }
}

const KEY = { accessKeyId: "AKIAUNITTEST00000001", secretAccessKey: "unit-secret" };
const T = Date.UTC(2026, 10, 29, 12, 0, 0);
const BODY = "Action=DescribeVpcs&Version=2016-11-15";

async function signed(opts: { service?: string; date?: number; headers?: Record<string, string>; body?: string; path?: string; query?: Record<string, string> } = {}): Promise<RawRequest> {
  const body = opts.body ?? BODY;
  const s = await new SignatureV4({ credentials: KEY, region: "eu-west-1", service: opts.service ?? "ec2", sha256: Sha256 }).sign(
    {
      method: "POST",
      protocol: "http:",
      hostname: "127.0.0.1",
      path: opts.path ?? "/",
      query: opts.query ?? {},
      headers: { host: "127.0.0.1:4566", "content-type": "application/x-www-form-urlencoded", ...opts.headers },
      body,
    },
    { signingDate: new Date(opts.date ?? T) },
  );
  const qs = Object.entries(opts.query ?? {}).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
  return { method: "POST", url: (opts.path ?? "/") + (qs ? `?${qs}` : ""), rawHeaders: Object.entries(s.headers).flat(), body: Buffer.from(body) };
}

const at = (now: number) => new SignatureVerifier([KEY], () => now);
const code = async (v: SignatureVerifier, r: RawRequest) => (await v.verify(r))?.code;
const header = (r: RawRequest, name: string, value: string): RawRequest => {
  const raw = [...r.rawHeaders];
  const i = raw.findIndex((h, k) => k % 2 === 0 && h.toLowerCase() === name);
  if (i >= 0) raw[i + 1] = value;
  else raw.push(name, value);
  return { ...r, rawHeaders: raw };
};

describe("SigV4 verification", () => {
  it("accepts the SDK's signature, with a query and an odd path too", async () => {
    assert.equal(await code(at(T), await signed()), undefined);
    assert.equal(await code(at(T), await signed({ path: "/a b/../c", query: { "X-Y": "1 2+3", z: "é" } })), undefined);
  });

  it("allows exactly 5 minutes of skew each way, not a second more", async () => {
    const r = await signed();
    assert.equal(await code(at(T + MAX_SKEW_MS), r), undefined);
    assert.equal(await code(at(T - MAX_SKEW_MS), r), undefined);
    assert.equal(await code(at(T + MAX_SKEW_MS + 1000), r), "RequestExpired");
    assert.equal(await code(at(T - MAX_SKEW_MS - 1000), r), "RequestExpired");
  });

  it("words STS's stale dates as STS does", async () => {
    const e = await at(T + 10 * 60_000).verify(await signed({ service: "sts" }));
    assert.equal(e?.code, "SignatureDoesNotMatch");
    assert.equal(e?.message, "Signature expired: 20261129T120000Z is now earlier than 20261129T120500Z (20261129T121000Z - 5 min.)");
    const f = await at(T - 10 * 60_000).verify(await signed({ service: "sts" }));
    assert.equal(f?.message, "Signature not yet current: 20261129T120000Z is still later than 20261129T115500Z (20261129T115000Z + 5 min.)");
  });

  it("refuses any change to what was signed", async () => {
    const r = await signed({ headers: { "x-amz-target": "a" } });
    assert.equal(await code(at(T), { ...r, body: Buffer.from(BODY + "&VpcId.1=vpc-1") }), "SignatureDoesNotMatch");
    assert.equal(await code(at(T), { ...r, method: "PUT" }), "SignatureDoesNotMatch");
    assert.equal(await code(at(T), { ...r, url: "/?a=1" }), "SignatureDoesNotMatch");
    assert.equal(await code(at(T), header(r, "x-amz-target", "b")), "SignatureDoesNotMatch");
    assert.equal(await code(at(T), header(r, "host", "evil.example")), "SignatureDoesNotMatch");
    // Headers that were not signed may change freely (proxies add them).
    assert.equal(await code(at(T), header(r, "user-agent", "whatever")), undefined);
  });

  it("joins repeated headers with commas, as the canonical form does", async () => {
    const r = await signed({ headers: { "x-amz-meta": "a,b" } });
    const split: RawRequest = { ...r, rawHeaders: [...r.rawHeaders.filter((_, k, a) => !(a[k - (k % 2)] === "x-amz-meta")), "x-amz-meta", "a", "X-Amz-Meta", " b "] };
    assert.equal(await code(at(T), split), undefined);
  });

  it("checks a signed x-amz-content-sha256 against the body", async () => {
    const hash = createHash("sha256").update(BODY).digest("hex");
    const r = await signed({ headers: { "x-amz-content-sha256": hash } });
    assert.equal(await code(at(T), r), undefined);
    const lying = await signed({ headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } });
    assert.equal(await code(at(T), lying), "SignatureDoesNotMatch");
  });

  it("tells unknown keys per service, and malformed or missing signatures apart", async () => {
    const r = await signed();
    assert.equal(await code(new SignatureVerifier([{ accessKeyId: "OTHER", secretAccessKey: "x" }], () => T), r), "AuthFailure");
    assert.equal(await code(new SignatureVerifier([{ accessKeyId: "OTHER", secretAccessKey: "x" }], () => T), await signed({ service: "sts" })), "InvalidClientTokenId");
    assert.equal(await code(at(T), { method: "POST", url: "/", rawHeaders: ["host", "h"], body: Buffer.from(BODY) }), "MissingAuthenticationToken");
    const auth = r.rawHeaders[r.rawHeaders.findIndex((h) => h === "authorization") + 1]!;
    const cases: [string, RegExp][] = [
      [auth.replace("AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256"), /Unsupported AWS 'algorithm'/],
      [auth.replace(/, Signature=[0-9a-f]+/, ""), /requires 'Signature' parameter/],
      [auth.replace(/SignedHeaders=[^,]+/, "SignedHeaders=content-type;x-amz-date"), /'Host' must be a 'SignedHeader'/],
      [auth.replace(/Credential=[^,]+/, "Credential=AKIAUNITTEST00000001/2026/eu-west-1/ec2"), /Credential should be of the form/],
    ];
    for (const [value, message] of cases) {
      const e = await at(T).verify(header(r, "authorization", value));
      assert.equal(e?.code, "IncompleteSignature", value);
      assert.match(e!.message, message);
    }
    const badDate = await at(T).verify(header(r, "x-amz-date", "20261131T000000Z"));
    assert.equal(badDate?.code, "IncompleteSignature");
    const upper = auth.replace(/Signature=([0-9a-f]+)/, (_, s: string) => `Signature=${s.toUpperCase()}`);
    assert.equal(await code(at(T), header(r, "authorization", upper)), "SignatureDoesNotMatch");
  });

  it("verifies presigned requests and their X-Amz-Expires", async () => {
    const signer = new SignatureV4({ credentials: KEY, region: "us-east-1", service: "ec2", sha256: Sha256 });
    const p = await signer.presign(
      { method: "GET", protocol: "http:", hostname: "127.0.0.1", path: "/", query: { Action: "DescribeVpcs", Version: "2016-11-15" }, headers: { host: "127.0.0.1:4566" } },
      { signingDate: new Date(T), expiresIn: 900 },
    );
    const url = "/?" + Object.entries(p.query!).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join("&");
    const r: RawRequest = { method: "GET", url, rawHeaders: ["Host", "127.0.0.1:4566"], body: Buffer.alloc(0) };
    assert.equal(await code(at(T + 899_000), r), undefined);
    assert.equal(await code(at(T + 901_000), r), "RequestExpired");
    assert.equal(await code(at(T), { ...r, url: url.replace("X-Amz-Expires=900", "X-Amz-Expires=99999999") }), "IncompleteSignature");
    assert.equal(await code(at(T), { ...r, url: url.replace("%2F", "%ZZ") }), "SignatureDoesNotMatch");
  });
});
