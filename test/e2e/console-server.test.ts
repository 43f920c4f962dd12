/**
 * The console's server side over plain HTTP: the redirect of a browser's `GET /` (and only that: an EC2
 * query by GET still works), the static files and their refusals (no way out of the console's
 * directory), the event stream's ticks on change, and the admin token asked of the console like of any
 * other admin client.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { CreateVpcCommand } from "@aws-sdk/client-ec2";
import { startLab, type Lab } from "../support/harness.js";

/** A raw GET whose path is sent exactly as given (fetch would normalise `..`). */
function rawGet(url: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: "GET", headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** Reads server-sent events until `until` accepts one; returns the `data` of each event read. */
async function readEvents(url: string, until: (data: { generation: number; regions: string[] }) => boolean, during: () => Promise<void>): Promise<{ generation: number; regions: string[] }[]> {
  const ac = new AbortController();
  const res = await fetch(url + "/_vpclab/events", { signal: ac.signal });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
  const reader = res.body!.getReader();
  const seen: { generation: number; regions: string[] }[] = [];
  let buf = "";
  let acted = false;
  const timer = setTimeout(() => ac.abort(), 10_000);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += new TextDecoder().decode(value);
      let i: number;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (!data || !/^event: change$/m.test(block)) continue;
        const ev = JSON.parse(data);
        seen.push(ev);
        if (acted && until(ev)) return seen;
      }
      if (!acted && seen.length > 0) {
        acted = true;
        await during();
      }
    }
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  return seen;
}

describe("console: server side", () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab();
  });
  after(() => lab.close());

  test("a browser's GET / is redirected to the console; GET /?Action=… and SDK-like requests are EC2's", async () => {
    const html = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    const r = await rawGet(lab.url, "/", { accept: html });
    assert.equal(r.status, 302);
    assert.equal(r.headers.location, "/_vpclab/console/");
    const q = await rawGet(lab.url, "/?Action=DescribeRegions&Version=2016-11-15", { accept: html });
    assert.equal(q.status, 200);
    assert.match(q.body, /<DescribeRegionsResponse/);
    const plain = await rawGet(lab.url, "/", { accept: "*/*" });
    assert.equal(plain.status, 400);
    assert.match(plain.body, /<Code>MissingAction<\/Code>/);
  });

  test("the console's files are served with their types; nothing outside its directory", async () => {
    const index = await rawGet(lab.url, "/_vpclab/console/");
    assert.equal(index.status, 200);
    assert.match(String(index.headers["content-type"]), /^text\/html/);
    assert.match(index.body, /<script type="module" src="app.js">/);
    const js = await rawGet(lab.url, "/_vpclab/console/app.js");
    assert.equal(js.status, 200);
    assert.match(String(js.headers["content-type"]), /^text\/javascript/);
    assert.ok(js.body.length > 10_000);
    assert.equal((await rawGet(lab.url, "/_vpclab/console")).headers.location, "/_vpclab/console/");
    for (const path of [
      "/_vpclab/console/../../package.json",
      "/_vpclab/console/..%2f..%2fpackage.json",
      "/_vpclab/console/%2e%2e/%2e%2e/src/index.ts",
      "/_vpclab/console/nope.js",
      "/_vpclab/console/%E0%A4%A",
      "/_vpclab/console/app.js%00.html",
    ]) {
      const r = await rawGet(lab.url, path);
      // A literal `..` is resolved by URL parsing before routing (so it lands on the EC2 endpoint's 400); encoded ones reach the console's 404.
      assert.ok(r.status === 404 || r.status === 400, `${path}: ${r.status}`);
      assert.doesNotMatch(r.body, /"name": "vpclab"|startVpclab/, path);
    }
  });

  test("GET /_vpclab/events ticks when the world changes, naming the account × region states that exist", async () => {
    const ec2 = lab.ec2("eu-north-1", "123456789012");
    const seen = await readEvents(
      lab.url,
      (ev) => ev.regions.includes("123456789012/eu-north-1"),
      async () => {
        await ec2.send(new CreateVpcCommand({ CidrBlock: "10.1.0.0/16" }));
      },
    );
    const first = seen[0]!;
    const last = seen[seen.length - 1]!;
    assert.ok(!first.regions.includes("123456789012/eu-north-1"));
    assert.ok(last.generation > first.generation, JSON.stringify(seen));
    assert.ok(last.regions.includes("123456789012/eu-north-1"));
  });

  test("with an admin token, the console's admin calls need it like any client's; its pages and events do not", async () => {
    const guarded = await startLab({ adminToken: "s3cret" });
    try {
      const origin = new URL(guarded.url).origin;
      assert.equal((await rawGet(guarded.url, "/_vpclab/console/")).status, 200);
      const ev = await fetch(guarded.url + "/_vpclab/events");
      assert.equal(ev.status, 200);
      await ev.body?.cancel();
      const body = JSON.stringify({ from: "1.2.3.4", to: "5.6.7.8" });
      const without = await fetch(guarded.url + "/_vpclab/analyze", { method: "POST", headers: { origin, "content-type": "application/json" }, body });
      assert.equal(without.status, 401);
      const withToken = await fetch(guarded.url + "/_vpclab/analyze", { method: "POST", headers: { origin, "content-type": "application/json", authorization: "Bearer s3cret" }, body });
      assert.notEqual(withToken.status, 401);
      // A page from another origin gets nothing, console or not.
      const foreign = await fetch(guarded.url + "/_vpclab/events", { headers: { origin: "http://evil.example" } });
      assert.equal(foreign.status, 403);
    } finally {
      await guarded.close();
    }
  });
});
