/**
 * `vpclab serve --data-dir`, as a user runs it: the server is a separate process (the real command
 * line), killed with SIGKILL in the middle of concurrent writes from the SDK and started again on the
 * same directory. Every write that got a 2xx must be there, ids must still name the same resources
 * (with --seed, a restarted server must not hand out an id again), pending transitions and the clock
 * survive, and damaged files stop the start with a message that names the file and the way out.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateTagsCommand, CreateVpcCommand, DescribeVpcsCommand, EC2Client, type Vpc } from "@aws-sdk/client-ec2";

interface Running {
  proc: ChildProcess;
  url: string;
  stderr: () => string;
}

/** Starts `vpclab serve --port 0 --data-dir DIR …` as a child process; resolves once it listens. */
function serve(dir: string, extra: string[] = []): Promise<Running> {
  const proc = spawn(process.execPath, ["--import", "tsx", "src/bin/vpclab.ts", "serve", "--port", "0", "--data-dir", dir, ...extra], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  proc.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    proc.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /serving the EC2 API on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ proc, url: m[1]!, stderr: () => err });
    });
    proc.on("exit", (code) => reject(Object.assign(new Error(`vpclab exited with ${code}: ${err}`), { code, stderr: err })));
  });
}

/** Runs `vpclab serve` where it must refuse to start; resolves with its exit code and stderr. */
async function refusesToStart(dir: string): Promise<{ code: number; stderr: string }> {
  try {
    const r = await serve(dir);
    r.proc.kill("SIGKILL");
    throw new Error("vpclab started, but it should have refused");
  } catch (err) {
    const e = err as { code?: number; stderr?: string };
    if (e.stderr === undefined) throw err;
    return { code: e.code ?? -1, stderr: e.stderr };
  }
}

function kill9(r: Running): Promise<void> {
  return new Promise((resolve) => {
    r.proc.once("exit", () => resolve());
    r.proc.kill("SIGKILL");
  });
}

function stop(r: Running): Promise<void> {
  return new Promise((resolve) => {
    r.proc.once("exit", () => resolve());
    r.proc.kill("SIGTERM");
  });
}

function client(url: string): EC2Client {
  return new EC2Client({ endpoint: url, region: "eu-west-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 });
}

async function allVpcs(c: EC2Client): Promise<Vpc[]> {
  const out: Vpc[] = [];
  let token: string | undefined;
  do {
    const r = await c.send(new DescribeVpcsCommand({ MaxResults: 1000, NextToken: token }));
    out.push(...r.Vpcs!);
    token = r.NextToken;
  } while (token);
  return out;
}

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "vpclab-data-"));
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("persistence through kill -9", () => {
  test("every acknowledged write survives SIGKILL under concurrent load, and ids keep naming the same resources", async () => {
    const dir = tempDir();
    const args = ["--seed", "7", "--quota", "vpcsPerRegion=100000"];
    const first = await serve(dir, args);
    const acked: { id: string; cidr: string; name: string; retagged?: string }[] = [];
    const refused: string[] = [];
    let n = 0;
    let killed = false;
    const c = client(first.url);
    const worker = async (w: number) => {
      while (!killed) {
        const i = n++;
        const cidr = `10.${(i >> 8) & 255}.${i & 255}.0/24`;
        const name = `w${w}-${i}`;
        try {
          const vpc = (await c.send(new CreateVpcCommand({ CidrBlock: cidr, TagSpecifications: [{ ResourceType: "vpc", Tags: [{ Key: "Name", Value: name }] }] }))).Vpc!;
          const rec: (typeof acked)[number] = { id: vpc.VpcId!, cidr, name };
          acked.push(rec);
          if (i % 3 === 0) {
            await c.send(new CreateTagsCommand({ Resources: [rec.id], Tags: [{ Key: "Name", Value: name + "-retagged" }] }));
            rec.retagged = name + "-retagged";
          }
          if (i % 5 === 0) {
            // Refused (a malformed id): must leave no trace, here or after the restart.
            await c.send(new CreateTagsCommand({ Resources: ["vpc-zz"], Tags: [{ Key: "x", Value: "y" }] })).catch(() => refused.push(name));
          }
        } catch {
          // No answer (the server was killed): may or may not have happened.
        }
      }
    };
    const workers = Array.from({ length: 16 }, (_, w) => worker(w));
    // Kill it mid-load: after a while and at least some hundreds of acknowledged writes.
    const t0 = Date.now();
    while (acked.length < 300 && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 137));
    killed = true;
    await kill9(first);
    await Promise.all(workers);
    c.destroy();
    assert.ok(acked.length >= 300, `only ${acked.length} writes were acknowledged before the kill`);
    assert.ok(refused.length > 0, "some refused requests were sent");

    const second = await serve(dir, args);
    const c2 = client(second.url);
    try {
      const vpcs = new Map((await allVpcs(c2)).map((v) => [v.VpcId!, v]));
      for (const a of acked) {
        const v = vpcs.get(a.id);
        assert.ok(v, `acknowledged VPC ${a.id} (${a.name}) is missing after the restart`);
        assert.equal(v.CidrBlock, a.cidr, `${a.id} is still the same VPC`);
        const name = v.Tags?.find((t) => t.Key === "Name")?.Value;
        if (a.retagged) assert.equal(name, a.retagged, `${a.id}: the acknowledged retag survived`);
        else assert.ok(name === a.name || name === a.name + "-retagged", `${a.id}: tagged ${name}`);
        assert.equal(v.Tags?.some((t) => t.Key === "x"), false);
      }
      // The seeded id source resumed: a new VPC gets an id no earlier resource had.
      const fresh = (await c2.send(new CreateVpcCommand({ CidrBlock: "10.250.0.0/16" }))).Vpc!.VpcId!;
      assert.ok(!vpcs.has(fresh), `the restarted server handed out ${fresh} again`);
    } finally {
      c2.destroy();
      await kill9(second);
    }
  });

  test("pending transitions and the emulator clock survive a restart (--delay)", async () => {
    const dir = tempDir();
    const args = ["--delay", "vpc.available=3600000"];
    const first = await serve(dir, args);
    const c = client(first.url);
    const vpc = (await c.send(new CreateVpcCommand({ CidrBlock: "10.9.0.0/16" }))).Vpc!.VpcId!;
    const clock = (await (await fetch(first.url + "/_vpclab/clock", { method: "POST", body: JSON.stringify({ advanceSeconds: 1800 }) })).json()) as { epochMs: number };
    c.destroy();
    await kill9(first);

    const second = await serve(dir, args);
    const c2 = client(second.url);
    try {
      const now = (await (await fetch(second.url + "/_vpclab/clock")).json()) as { epochMs: number };
      assert.ok(now.epochMs >= clock.epochMs, "the clock's advance survived");
      const state = async () => (await c2.send(new DescribeVpcsCommand({ VpcIds: [vpc] }))).Vpcs![0]!.State;
      assert.equal(await state(), "pending", "half of the emulator hour has passed");
      await fetch(second.url + "/_vpclab/clock", { method: "POST", body: JSON.stringify({ advanceSeconds: 1801 }) });
      assert.equal(await state(), "available");
    } finally {
      c2.destroy();
      await stop(second);
    }
    // A clean stop leaves a snapshot; a third start reads it.
    assert.ok(readdirSync(dir).includes("snapshot.json"), "a clean stop wrote a snapshot");
    const third = await serve(dir, args);
    const c3 = client(third.url);
    try {
      assert.equal((await c3.send(new DescribeVpcsCommand({ VpcIds: [vpc] }))).Vpcs![0]!.State, "available");
    } finally {
      c3.destroy();
      await kill9(third);
    }
  });
});

describe("damaged data directories", () => {
  test("a corrupt snapshot stops the start, naming the file, the problem and the way out", async () => {
    const dir = tempDir();
    const r = await serve(dir);
    const c = client(r.url);
    await c.send(new CreateVpcCommand({ CidrBlock: "10.1.0.0/16" }));
    c.destroy();
    await stop(r);
    const file = join(dir, "snapshot.json");
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.replace('"10.1.0.0/16"', '"10.7.0.0/16"'));
    const bad = await refusesToStart(dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, new RegExp(`${file.replace(/[/.]/g, "\\$&")}: the snapshot's checksum does not match`));
    assert.match(bad.stderr, /vpclab did not start.*mv DIR DIR\.broken/s);
    writeFileSync(file, text.slice(0, text.length - 100));
    assert.match((await refusesToStart(dir)).stderr, /snapshot is truncated/);
  });

  test("a torn final journal record is dropped; a corrupt record before the end stops the start", async () => {
    const dir = tempDir();
    const r = await serve(dir);
    const c = client(r.url);
    const ids: string[] = [];
    for (const cidr of ["10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16"]) ids.push((await c.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!);
    c.destroy();
    await kill9(r);
    const journal = join(dir, readdirSync(dir).find((f) => f.startsWith("journal-"))!);
    const intact = readFileSync(journal, "utf8");
    // A crash in the middle of writing a record leaves its beginning.
    appendFileSync(journal, '0badc0de {"seq":99,"t":1,"op":"ec2","act');
    const again = await serve(dir);
    assert.match(again.stderr(), /dropped an incomplete final record/);
    const c2 = client(again.url);
    try {
      const have = (await c2.send(new DescribeVpcsCommand({}))).Vpcs!.map((v) => v.VpcId);
      for (const id of ids) assert.ok(have.includes(id), `${id} survived`);
    } finally {
      c2.destroy();
      await kill9(again);
    }
    // Damage the first record of the three: records follow it, so it was not a torn write.
    const lines = intact.split("\n");
    lines[1] = lines[1]!.replace("10.1.0.0/16", "10.8.0.0/16");
    writeFileSync(journal, lines.join("\n"));
    const bad = await refusesToStart(dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /journal-000000000001\.log: record 1 \(line 2\) is corrupt/);
    assert.match(bad.stderr, /did not start/);
  });
});
