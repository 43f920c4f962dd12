/**
 * The netns data plane on the seed (issue 16's "done means"): real ping, HTTP and curl between the
 * instances' namespaces, through `vpclab exec`, agreeing with the engine. Needs Linux and root (CI runs
 * as root); skipped with a message otherwise.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { RevokeSecurityGroupIngressCommand, AuthorizeSecurityGroupIngressCommand, StopInstancesCommand, TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import { startLab, runVpclab, type Lab } from "../support/harness.js";
import { buildSeed, icmpFrom } from "../support/seed.js";
import { dataplaneUnavailable } from "../../src/dataplane/index.js";

const why = dataplaneUnavailable();
const skip = why ? `netns data plane unavailable here: ${why}` : false;

function nsList(): string[] {
  return execFileSync("ip", ["netns", "list"], { encoding: "utf8" }).split("\n").map((l) => l.split(" ")[0]!).filter(Boolean);
}

async function waitFor(fn: () => Promise<boolean>, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

test("seed with --dataplane netns: ping, curl over an inter-region peering, a revoked rule, the Internet, cleanup", { skip, timeout: 120_000 }, async () => {
  const lab: Lab = await startLab({ dataplane: "netns" });
  let prefix = "";
  try {
    const tokyo = lab.ec2("ap-northeast-1");
    const sg = lab.ec2("ap-southeast-1");
    const seed = await buildSeed(lab, tokyo, sg);
    const status = async () => (await lab.admin<{ prefix: string; instances: { id: string; ns: string }[] }>("GET", "/dataplane")).body;
    prefix = (await status()).prefix;
    assert.match(prefix, /^vpclab-\d+-[0-9a-f]{4}-$/);
    await waitFor(async () => (await status()).instances.length === 2);
    const ep = ["--endpoint-url", lab.url];
    const exec = (who: string, cmd: string[], region?: string) => runVpclab(["exec", who, ...ep, ...(region ? ["--region", region] : []), "--", ...cmd], 30_000);
    // Names resolve like the other commands; the hostname is the instance's.
    const host = await exec("tokyo-box", ["hostname"]);
    assert.equal(host.code, 0, host.stderr);
    assert.equal(host.stdout.trim(), `ip-${seed.tokyoIp.replaceAll(".", "-")}`);
    // `vpclab shell`: a shell in the namespace, reading its commands from stdin here.
    const shell = await new Promise<string>((resolve) => {
      const p = spawn(process.execPath, ["--import", "tsx", "src/bin/vpclab.ts", "shell", "tokyo-box", ...ep], { stdio: ["pipe", "pipe", "inherit"] });
      let text = "";
      p.stdout.on("data", (d: Buffer) => (text += d.toString()));
      p.on("close", () => resolve(text));
      p.stdin.end("hostname\nip -4 -o addr show dev eth0\n");
    });
    assert.match(shell, new RegExp(`ip-${seed.tokyoIp.replaceAll(".", "-")}`));
    assert.match(shell, new RegExp(`inet ${seed.tokyoIp.replaceAll(".", "\\.")}/24`));
    const ping = await exec("tokyo-box", ["ping", "-c", "3", "-i", "0.2", "-W", "1", seed.singaporeIp]);
    assert.equal(ping.code, 0, ping.stdout + ping.stderr);
    assert.match(ping.stdout, /3 received/);
    // A web server in Singapore, curl from Tokyo: the server sees Tokyo's private address.
    await sg.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: seed.sgS, IpPermissions: [{ IpProtocol: "tcp", FromPort: 8080, ToPort: 8080, IpRanges: [{ CidrIp: "10.20.0.0/16" }] }] }));
    const sgNs = (await status()).instances.find((i) => i.id === seed.singapore)!.ns;
    const server = spawn("ip", ["netns", "exec", sgNs, "python3", "-m", "http.server", "8080"], { stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    server.stderr.on("data", (d: Buffer) => (log += d.toString()));
    server.stdout.on("data", (d: Buffer) => (log += d.toString()));
    try {
      let curl = { code: 1, stdout: "", stderr: "" };
      await waitFor(async () => (curl = await exec("tokyo-box", ["curl", "-sS", "-m", "2", `http://${seed.singaporeIp}:8080/`])).code === 0, 10_000);
      assert.equal(curl.code, 0, curl.stderr);
      assert.ok(await waitFor(async () => log.includes(seed.tokyoIp)), `server log: ${log}`);
    } finally {
      server.kill();
    }
    // Revoking the ICMP rule: the real ping fails, and `vpclab why` names what blocks it.
    await sg.send(new RevokeSecurityGroupIngressCommand({ GroupId: seed.sgS, IpPermissions: [icmpFrom("10.20.0.0/16")] }));
    const t0 = Date.now();
    const blocked = await exec("tokyo-box", ["ping", "-c", "1", "-W", "1", seed.singaporeIp]);
    assert.notEqual(blocked.code, 0, blocked.stdout);
    const whyRun = await runVpclab(["why", "tokyo-box", "singapore-box", ...ep, "--json"]);
    const verdict = JSON.parse(whyRun.stdout) as { verdict: string; explanations: { component?: { id: string } }[] };
    assert.notEqual(verdict.verdict, "reachable");
    assert.ok(verdict.explanations.some((e) => e.component?.id === seed.sgS), whyRun.stdout);
    void t0;
    // The Internet: Tokyo's VPC has no internet gateway; the engine and the kernel both say no.
    const inet = await exec("tokyo-box", ["curl", "-sS", "-m", "1", "http://8.8.8.8/"]);
    assert.notEqual(inet.code, 0);
    const inetWhy = JSON.parse((await runVpclab(["why", "tokyo-box", "8.8.8.8", ...ep, "--json"])).stdout) as { verdict: string };
    assert.notEqual(inetWhy.verdict, "reachable");
    // Singapore's default VPC has an internet gateway and the instance a public IP: the simulated
    // Internet (a namespace of this server's, not the real one) answers, as the engine says.
    const out = await exec("singapore-box", ["ping", "-c", "1", "-W", "1", "8.8.8.8"]);
    const outWhy = JSON.parse((await runVpclab(["why", "singapore-box", "8.8.8.8", ...ep, "--json"])).stdout) as { verdict: string };
    assert.equal(outWhy.verdict, "reachable");
    assert.equal(out.code, 0, out.stdout + out.stderr);
    // A TCP connect there reaches that namespace's kernel, which refuses it (curl exit 7, not a timeout).
    const refused = await exec("singapore-box", ["curl", "-sS", "-m", "2", "http://8.8.8.8/"]);
    assert.equal(refused.code, 7, refused.stderr);
    // Stopping an instance takes its namespace down.
    await tokyo.send(new StopInstancesCommand({ InstanceIds: [seed.tokyo] }));
    assert.ok(await waitFor(async () => { await lab.admin("GET", "/health"); return !nsList().some((n) => n.startsWith(prefix) && n.endsWith(seed.tokyo)); }));
    await sg.send(new TerminateInstancesCommand({ InstanceIds: [seed.singapore] }));
  } finally {
    await lab.close();
  }
  assert.deepEqual(nsList().filter((n) => n.startsWith(prefix)), []);
});

test("after SIGKILL, `vpclab dataplane cleanup` removes the dead server's namespaces (and only those)", { skip, timeout: 120_000 }, async () => {
  const server = spawn(process.execPath, ["--import", "tsx", "src/bin/vpclab.ts", "serve", "--port", "0", "--dataplane", "netns"], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  server.stdout.on("data", (d: Buffer) => (out += d.toString()));
  try {
    assert.ok(await waitFor(async () => /serving the EC2 API on (\S+)/.test(out), 30_000), out);
    const url = /serving the EC2 API on (\S+)/.exec(out)![1]!;
    const { EC2Client, RunInstancesCommand } = await import("@aws-sdk/client-ec2");
    const c = new EC2Client({ endpoint: url, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 });
    await c.send(new RunInstancesCommand({ ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 }));
    await fetch(`${url}/_vpclab/health`);
    c.destroy();
    const mine = () => nsList().filter((n) => n.startsWith(`vpclab-${server.pid}-`));
    assert.ok(await waitFor(async () => mine().length >= 2, 10_000), nsList().join(" "));
  } finally {
    server.kill("SIGKILL");
    await new Promise((r) => server.once("close", r));
  }
  const left = nsList().filter((n) => n.startsWith(`vpclab-${server.pid}-`));
  assert.ok(left.length >= 2, "SIGKILL leaves the namespaces behind");
  const r = await runVpclab(["dataplane", "cleanup"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /removed \d+ namespace/);
  assert.deepEqual(nsList().filter((n) => n.startsWith(`vpclab-${server.pid}-`)), []);
});

test("without a data plane: GET /dataplane answers 409 DataplaneNotRunning and `vpclab exec` says how to get one", async () => {
  const lab = await startLab();
  try {
    const r = await lab.admin<{ error: { code: string; message: string } }>("GET", "/dataplane");
    assert.equal(r.status, 409);
    assert.equal(r.body.error.code, "DataplaneNotRunning");
    const e = await runVpclab(["exec", "web-1", "--endpoint-url", lab.url, "--", "true"]);
    assert.equal(e.code, 2);
    assert.match(e.stderr, /DataplaneNotRunning: .*--dataplane netns/);
  } finally {
    await lab.close();
  }
});
