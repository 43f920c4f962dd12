/**
 * The state document end to end: `POST /_vpclab/state/save` and `/load`, and `vpclab state save|load`,
 * through real clients. A round trip gives the same Describe answers (into another server too), pending
 * transitions travel with the document and keep their emulator times, and a bad document is refused
 * with a 400 that names the problem while nothing changes.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateKeyPairCommand,
  CreateRouteCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  RunInstancesCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { runVpclab, startLab, type Lab } from "../support/harness.js";

// Long enough that real time (the emulator clock runs with it) never settles them during the test.
const DELAYS = { "vpc.available": 3_600_000, "peering.pending": 7_200_000 };

/** Everything a user would see, from two regions and two accounts (without response metadata). */
async function everything(lab: Lab): Promise<unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, c] of [
    ["tokyo", lab.ec2("ap-northeast-1")],
    ["singapore", lab.ec2("ap-southeast-1")],
    ["other", lab.ec2("ap-northeast-1", "111122223333")],
  ] as [string, EC2Client][]) {
    out[name] = {
      vpcs: (await c.send(new DescribeVpcsCommand({}))).Vpcs,
      subnets: (await c.send(new DescribeSubnetsCommand({}))).Subnets,
      rts: (await c.send(new DescribeRouteTablesCommand({}))).RouteTables,
      sgs: (await c.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups,
      instances: (await c.send(new DescribeInstancesCommand({}))).Reservations,
      pcx: (await c.send(new DescribeVpcPeeringConnectionsCommand({}))).VpcPeeringConnections,
      keys: (await c.send(new DescribeKeyPairsCommand({}))).KeyPairs,
    };
  }
  return out;
}

async function build(lab: Lab): Promise<{ vpc: string; pcx: string }> {
  const tokyo = lab.ec2("ap-northeast-1");
  const vpc = (await tokyo.send(new CreateVpcCommand({ CidrBlock: "10.20.0.0/16", TagSpecifications: [{ ResourceType: "vpc", Tags: [{ Key: "Name", Value: "tokyo" }] }] }))).Vpc!.VpcId!;
  const subnet = (await tokyo.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.20.1.0/24" }))).Subnet!.SubnetId!;
  const sg = (await tokyo.send(new CreateSecurityGroupCommand({ GroupName: "ssh", Description: "ssh", VpcId: vpc }))).GroupId!;
  await tokyo.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sg, IpPermissions: [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "172.31.0.0/16" }] }] }));
  await tokyo.send(new RunInstancesCommand({ ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", MinCount: 2, MaxCount: 2, SubnetId: subnet, SecurityGroupIds: [sg] }));
  await tokyo.send(new CreateKeyPairCommand({ KeyName: "team" }));
  const sing = (await lab.ec2("ap-southeast-1").send(new DescribeVpcsCommand({}))).Vpcs![0]!.VpcId!;
  const pcx = (await tokyo.send(new CreateVpcPeeringConnectionCommand({ VpcId: vpc, PeerVpcId: sing, PeerRegion: "ap-southeast-1" }))).VpcPeeringConnection!.VpcPeeringConnectionId!;
  const rt = (await tokyo.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpc] }] }))).RouteTables![0]!.RouteTableId!;
  await tokyo.send(new CreateRouteCommand({ RouteTableId: rt, DestinationCidrBlock: "172.31.0.0/16", VpcPeeringConnectionId: pcx }));
  await lab.ec2("ap-northeast-1", "111122223333").send(new DescribeVpcsCommand({}));
  return { vpc, pcx };
}

describe("state save and load", () => {
  let lab: Lab;
  let doc: string;
  let seen: unknown;
  let ids: { vpc: string; pcx: string };
  const dir = mkdtempSync(join(tmpdir(), "vpclab-state-"));

  before(async () => {
    lab = await startLab({ delays: DELAYS });
    ids = await build(lab);
    seen = await everything(lab);
    const res = await fetch(lab.url + "/_vpclab/state/save", { method: "POST" });
    assert.equal(res.status, 200);
    doc = await res.text();
  });
  after(async () => {
    await lab.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the document is versioned JSON holding accounts, regions, records and pending transitions", () => {
    const d = JSON.parse(doc) as { format: string; version: number; accounts: { account: string; regions: { region: string }[] }[]; tasks: { kind: string; id: string }[] };
    assert.equal(d.format, "vpclab-state");
    assert.equal(d.version, 1);
    assert.deepEqual(d.accounts.map((a) => a.account).sort(), ["000000000000", "111122223333"]);
    assert.ok(d.tasks.some((t) => t.kind === "vpc.available" && t.id === ids.vpc), "the VPC's pending transition is data in the document");
    assert.ok(d.tasks.some((t) => t.kind === "peering.pending" && t.id === ids.pcx), "the peering's pending transition is in the document");
  });

  test("reset then load gives back exactly what every Describe showed", async () => {
    assert.equal((await lab.admin("POST", "/reset")).status, 200);
    assert.notDeepEqual(await everything(lab), seen);
    const r = await lab.admin<{ loaded: boolean; accounts: number }>("POST", "/state/load", JSON.parse(doc));
    assert.equal(r.status, 200);
    assert.equal(r.body.accounts, 2);
    assert.deepEqual(await everything(lab), seen);
  });

  test("a bad document is refused with a 400 naming the problem, and nothing changes", async () => {
    const good = JSON.parse(doc) as Record<string, unknown>;
    const broken: [string, unknown, RegExp][] = [
      ["not JSON", "{oops", /not JSON/],
      ["another format", { ...good, format: "something-else" }, /format/],
      ["a future version", { ...good, version: 99 }, /version/],
      ["an unknown transition", { ...good, tasks: [{ at: 0, seq: 0, kind: "vpc.explode", id: "vpc-1" }] }, /unknown transition kind/],
      ["a bad account", { ...good, accounts: [{ account: "12", regions: [] }] }, /12-digit/],
      [
        "a record without its id",
        { ...good, accounts: [{ account: "000000000000", regions: [{ region: "us-east-1", vpcs: [{ ownerId: "000000000000", region: "us-east-1" }] }] }] },
        /vpcs\[0\]: must have a string `id`/,
      ],
    ];
    for (const [what, body, message] of broken) {
      const res = await fetch(lab.url + "/_vpclab/state/load", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      const answer = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(res.status, 400, what);
      assert.equal(answer.error.code, "InvalidStateDocument", what);
      assert.match(answer.error.message, message, what);
      assert.deepEqual(await everything(lab), seen, `${what} changed nothing`);
    }
  });

  test("pending transitions keep their emulator times in another server, and the ids still name the same resources", async () => {
    const other = await startLab({ delays: DELAYS });
    try {
      assert.equal((await other.admin("POST", "/state/load", JSON.parse(doc))).status, 200);
      const tokyo = other.ec2("ap-northeast-1");
      const vpc = async () => (await tokyo.send(new DescribeVpcsCommand({ VpcIds: [ids.vpc] }))).Vpcs![0]!;
      assert.equal((await vpc()).State, "pending");
      assert.equal((await vpc()).Tags?.find((t) => t.Key === "Name")?.Value, "tokyo");
      await other.admin("POST", "/clock", { advanceSeconds: 3601 });
      assert.equal((await vpc()).State, "available");
      await other.admin("POST", "/clock", { advanceSeconds: 3600 });
      const pcx = (await tokyo.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [ids.pcx] }))).VpcPeeringConnections![0]!;
      assert.equal(pcx.Status?.Code, "pending-acceptance");
      // New ids continue the saved id source rather than restarting it.
      const fresh = (await tokyo.send(new CreateVpcCommand({ CidrBlock: "10.30.0.0/16" }))).Vpc!.VpcId!;
      assert.notEqual(fresh, ids.vpc);
    } finally {
      await other.close();
    }
  });

  test("vpclab state save FILE and vpclab state load FILE", async () => {
    const file = join(dir, "lab.json");
    const saved = await runVpclab(["state", "save", file, "--endpoint-url", lab.url]);
    assert.equal(saved.code, 0, saved.stderr);
    assert.match(saved.stdout, /saved 2 account\(s\)/);
    assert.equal((JSON.parse(readFileSync(file, "utf8")) as { format: string }).format, "vpclab-state");
    await lab.admin("POST", "/reset");
    const loaded = await runVpclab(["state", "load", file, "--endpoint-url", lab.url]);
    assert.equal(loaded.code, 0, loaded.stderr);
    assert.match(loaded.stdout, /loaded 2 account\(s\)/);
    assert.deepEqual(await everything(lab), seen);

    writeFileSync(join(dir, "bad.json"), '{"format":"vpclab-state","version":1}');
    const bad = await runVpclab(["state", "load", join(dir, "bad.json"), "--endpoint-url", lab.url]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /nothing was changed.*InvalidStateDocument.*clock\.offsetMs/s);
    assert.deepEqual(await everything(lab), seen);
  });
});
