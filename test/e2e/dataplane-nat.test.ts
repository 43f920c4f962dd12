/**
 * NAT gateways in the kernel (`--dataplane netns`): a private instance behind a public NAT gateway
 * reaches the simulated Internet, where a real web server sees the gateway's elastic IP; the Internet
 * cannot open anything towards it (neither through the EIP nor to its private address); an instance
 * behind a private NAT gateway gets no way out through the internet gateway; the engine says the same
 * for each. Needs Linux and root (CI runs as root); skipped with a message otherwise.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import {
  AllocateAddressCommand,
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateNatGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeNatGatewaysCommand,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import { startLab, runVpclab } from "../support/harness.js";
import { dataplaneUnavailable } from "../../src/dataplane/index.js";

const why = dataplaneUnavailable();
const skip = why ? `netns data plane unavailable here: ${why}` : false;

function sh(cmd: string, args: string[], ms = 5000): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const t = setTimeout(() => p.kill("SIGKILL"), ms);
    p.on("close", (code) => {
      clearTimeout(t);
      resolve({ code: code ?? 1, out });
    });
  });
}

test("NAT gateways: out through the gateway's EIP, replies back, nothing in from the Internet; a private NAT gateway has no way out", { skip, timeout: 120_000 }, async () => {
  const lab = await startLab({ dataplane: "netns" });
  const region = "us-east-1";
  const c = lab.ec2(region);
  let web: ReturnType<typeof spawn> | undefined;
  try {
    const vpc = (await c.send(new CreateVpcCommand({ CidrBlock: "10.40.0.0/16" }))).Vpc!.VpcId!;
    const subnet = async (cidr: string) => (await c.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: cidr, AvailabilityZone: "us-east-1a" }))).Subnet!.SubnetId!;
    const pub = await subnet("10.40.0.0/24");
    const priv = await subnet("10.40.1.0/24");
    const priv2 = await subnet("10.40.2.0/24");
    const igw = (await c.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await c.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc }));
    const table = async (sub: string) => {
      const rt = (await c.send(new CreateRouteTableCommand({ VpcId: vpc }))).RouteTable!.RouteTableId!;
      await c.send(new AssociateRouteTableCommand({ RouteTableId: rt, SubnetId: sub }));
      return rt;
    };
    await c.send(new CreateRouteCommand({ RouteTableId: await table(pub), DestinationCidrBlock: "0.0.0.0/0", GatewayId: igw }));
    const alloc = await c.send(new AllocateAddressCommand({ Domain: "vpc" }));
    const nat = (await c.send(new CreateNatGatewayCommand({ SubnetId: pub, AllocationId: alloc.AllocationId! }))).NatGateway!.NatGatewayId!;
    const privNat = (await c.send(new CreateNatGatewayCommand({ SubnetId: pub, ConnectivityType: "private" }))).NatGateway!.NatGatewayId!;
    const states = (await c.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [nat, privNat] }))).NatGateways!.map((n) => n.State);
    assert.deepEqual(states, ["available", "available"]);
    await c.send(new CreateRouteCommand({ RouteTableId: await table(priv), DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: nat }));
    await c.send(new CreateRouteCommand({ RouteTableId: await table(priv2), DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: privNat }));
    const run = async (sub: string, name: string) =>
      (await c.send(new RunInstancesCommand({ ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, SubnetId: sub, TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "Name", Value: name }] }] }))).Instances![0]!;
    const box = await run(priv, "behind-nat");
    const box2 = await run(priv2, "behind-private-nat");
    const st = (await lab.admin<{ prefix: string; instances: { id: string }[] }>("GET", "/dataplane")).body;
    assert.equal(st.instances.length, 2);
    const inet = `${st.prefix}inet`;
    const names = (await sh("ip", ["netns", "list"])).out;
    assert.ok(names.includes(`${st.prefix}${nat}`) && names.includes(`${st.prefix}${privNat}`), names);

    // A web server on the simulated Internet (it answers for every public address), logging its clients.
    let log = "";
    web = spawn("ip", ["netns", "exec", inet, "python3", "-u", "-m", "http.server", "80", "--bind", "0.0.0.0"], { stdio: ["ignore", "pipe", "pipe"] });
    web.stdout!.on("data", (d: Buffer) => (log += d.toString()));
    web.stderr!.on("data", (d: Buffer) => (log += d.toString()));
    for (let i = 0; i < 100 && (await sh("ip", ["netns", "exec", inet, "sh", "-c", "ss -Hltn 'sport = :80' | grep -q LISTEN"])).code !== 0; i++) await new Promise((r) => setTimeout(r, 50));

    const ep = ["--endpoint-url", lab.url, "--region", region];
    const exec = (who: string, cmd: string[]) => runVpclab(["exec", who, ...ep, "--", ...cmd], 30_000);
    const ping = await exec("behind-nat", ["ping", "-c", "2", "-i", "0.2", "-W", "1", "8.8.8.8"]);
    assert.equal(ping.code, 0, ping.stdout + ping.stderr);
    const curl = await exec("behind-nat", ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "5", "http://8.8.8.8/"]);
    assert.equal(curl.stdout.trim(), "200", curl.stderr);
    await new Promise((r) => setTimeout(r, 200));
    assert.match(log, new RegExp(`^${alloc.PublicIp!.replaceAll(".", "\\.")} - - `, "m"), `the far side sees the NAT gateway's EIP: ${log}`);
    assert.ok(!log.includes(box.PrivateIpAddress!), log);
    const engineOut = await lab.admin<{ verdict: string }>("POST", "/analyze", { from: box.InstanceId, to: "8.8.8.8", protocol: "tcp", port: 80 });
    assert.equal(engineOut.body.verdict, "reachable");

    // Nothing in from the Internet: not through the EIP (the gateway accepts no connection), not to the
    // private address (no route).
    for (const argv of [
      ["ping", "-c", "1", "-W", "1", alloc.PublicIp!],
      ["nc", "-z", "-w", "1", alloc.PublicIp!, "22"],
      ["ping", "-c", "1", "-W", "1", box.PrivateIpAddress!],
    ]) {
      const r = await sh("ip", ["netns", "exec", inet, ...argv]);
      assert.notEqual(r.code, 0, `${argv.join(" ")} from the Internet must fail: ${r.out}`);
    }

    // A private NAT gateway's traffic has no public address: the internet gateway drops it.
    const out2 = await exec("behind-private-nat", ["ping", "-c", "1", "-W", "1", "8.8.8.8"]);
    assert.notEqual(out2.code, 0, out2.stdout);
    const engine2 = await lab.admin<{ verdict: string; explanations: { code: string }[] }>("POST", "/analyze", { from: box2.InstanceId, to: "8.8.8.8", protocol: "icmp" });
    assert.equal(engine2.body.verdict, "blocked");
    assert.ok(engine2.body.explanations.length > 0);
  } finally {
    web?.kill();
    await lab.close();
  }
});
