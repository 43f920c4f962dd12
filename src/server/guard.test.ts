import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { hostname } from "node:os";
import { exposureWarning, isLoopback, RequestGuard } from "./guard.js";

const req = (headers: Record<string, string>, method = "POST") => ({ method, headers }) as unknown as IncomingMessage;

describe("request guard: hosts", () => {
  const loopback = new RequestGuard({}, "127.0.0.1");
  const accepted = ["127.0.0.1:4566", "localhost:4566", "LOCALHOST", "localhost.:80", "[::1]:4566", "app.localhost:4566", "10.1.2.3:4566", "[fe80::1]:9", `${hostname()}:4566`];
  for (const host of accepted) {
    it(`accepts Host ${host}`, () => assert.equal(loopback.check(req({ host }), false).refusal, undefined));
  }
  const refused = ["evil.example:4566", "evil.example", "127.0.0.1.nip.io:4566", "localhost.evil.example", "localhost:x", "[::1", ""];
  for (const host of refused) {
    it(`refuses Host '${host}'`, () => assert.equal(loopback.check(req({ host }), false).refusal?.kind, "browser"));
  }
  it("accepts a request with no Host at all (HTTP/1.0 tools; browsers always send one)", () => {
    assert.equal(loopback.check(req({}), true).refusal, undefined);
  });
  it("accepts the bound name and --allow-host names; * accepts any", () => {
    const g = new RequestGuard({ allowHosts: ["vpclab", "Lab.Internal"] }, "box.example");
    for (const host of ["vpclab:4566", "lab.internal", "box.example:1"]) assert.equal(g.check(req({ host }), false).refusal, undefined, host);
    assert.equal(g.check(req({ host: "other:4566" }), false).refusal?.kind, "browser");
    assert.equal(new RequestGuard({ allowHosts: ["*"] }, "127.0.0.1").check(req({ host: "anything.example" }), false).refusal, undefined);
  });
});

describe("request guard: origins", () => {
  const g = new RequestGuard({ allowOrigins: ["http://localhost:3000/", "null"] }, "127.0.0.1");
  it("allows its own origin without CORS headers", () => {
    const r = g.check(req({ host: "127.0.0.1:4566", origin: "http://127.0.0.1:4566" }), false);
    assert.deepEqual(r, { headers: {} });
  });
  it("allows a listed origin (trailing slash and case do not matter) with CORS headers", () => {
    const r = g.check(req({ host: "127.0.0.1:4566", origin: "http://LOCALHOST:3000" }), false);
    assert.equal(r.refusal, undefined);
    assert.equal(r.headers["access-control-allow-origin"], "http://LOCALHOST:3000");
    assert.equal(g.check(req({ host: "127.0.0.1:4566", origin: "null" }), false).refusal, undefined);
  });
  it("refuses other origins, other ports and other schemes of an allowed host", () => {
    for (const origin of ["http://evil.example", "http://localhost:3001", "https://localhost:3000", "http://127.0.0.1:4567"]) {
      assert.equal(g.check(req({ host: "127.0.0.1:4566", origin }), false).refusal?.kind, "browser", origin);
    }
  });
  it("refuses cross-site and same-site fetch metadata without an allowed Origin, not same-origin or none", () => {
    assert.equal(g.check(req({ host: "127.0.0.1:4566", "sec-fetch-site": "cross-site" }, "GET"), false).refusal?.kind, "browser");
    assert.equal(g.check(req({ host: "127.0.0.1:4566", "sec-fetch-site": "same-site" }, "GET"), false).refusal?.kind, "browser");
    assert.equal(g.check(req({ host: "127.0.0.1:4566", "sec-fetch-site": "same-origin" }, "GET"), false).refusal, undefined);
    assert.equal(g.check(req({ host: "127.0.0.1:4566", "sec-fetch-site": "none" }, "GET"), false).refusal, undefined);
    const allowed = g.check(req({ host: "127.0.0.1:4566", "sec-fetch-site": "cross-site", origin: "http://localhost:3000" }), false);
    assert.equal(allowed.refusal, undefined);
  });
  it("answers an allowed origin's preflight, echoing only well-formed requested headers", () => {
    const pre = g.check(req({ host: "127.0.0.1:4566", origin: "http://localhost:3000", "access-control-request-method": "POST", "access-control-request-headers": "x-amz-date\r\nx: y" }, "OPTIONS"), true);
    assert.equal(pre.preflight, true);
    assert.equal(pre.headers["access-control-allow-headers"], undefined);
  });
  it("refuses malformed --allow-origin values at start", () => {
    assert.throws(() => new RequestGuard({ allowOrigins: ["localhost:3000"] }, "127.0.0.1"), /is not a web origin/);
    assert.throws(() => new RequestGuard({ allowOrigins: ["http://a.example/path"] }, "127.0.0.1"), /is not a web origin/);
  });
});

describe("request guard: admin token", () => {
  const g = new RequestGuard({ adminToken: "tok" }, "127.0.0.1");
  it("guards admin changes only, and takes both header forms", () => {
    assert.equal(g.check(req({}), true).refusal?.kind, "token");
    assert.equal(g.check(req({}, "DELETE"), true).refusal?.kind, "token");
    assert.equal(g.check(req({ authorization: "Bearer tok" }), true).refusal, undefined);
    assert.equal(g.check(req({ authorization: "bearer tok" }), true).refusal, undefined);
    assert.equal(g.check(req({ "x-vpclab-admin-token": "tok" }), true).refusal, undefined);
    assert.equal(g.check(req({ authorization: "Bearer tok2" }), true).refusal?.kind, "token");
    assert.equal(g.check(req({}, "GET"), true).refusal, undefined);
    assert.equal(g.check(req({}), false).refusal, undefined, "the EC2 endpoint is the signatures' business");
  });
  it("refuses an empty token at start", () => {
    assert.throws(() => new RequestGuard({ adminToken: "" }, "127.0.0.1"), /must not be empty/);
  });
});

describe("exposure warning", () => {
  it("is silent on loopback addresses", () => {
    for (const h of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "::ffff:127.0.0.1"]) {
      assert.ok(isLoopback(h), h);
      assert.equal(exposureWarning(h, {}), undefined, h);
    }
  });
  it("names --admin-token, --allow-origin and --verify-signatures, and what is on, elsewhere", () => {
    for (const h of ["0.0.0.0", "::", "192.168.1.5", "box.example"]) assert.ok(!isLoopback(h), h);
    const w = exposureWarning("0.0.0.0", {})!;
    assert.match(w, /listening on 0\.0\.0\.0/);
    assert.match(w, /--admin-token \(admin API: off\)/);
    assert.match(w, /--verify-signatures with --credentials FILE \(EC2 API: off\)/);
    assert.match(w, /--allow-origin \(none allowed\)/);
    const on = exposureWarning("::", { adminToken: "t", verifySignatures: true, allowOrigins: ["http://a.example"] })!;
    assert.match(on, /admin API: on/);
    assert.match(on, /EC2 API: on/);
    assert.match(on, /\(http:\/\/a\.example\)/);
  });
});
