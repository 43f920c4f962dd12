/**
 * Ansible, unchanged, against vpclab: Debian's ansible-playbook with the amazon.aws and community.aws
 * collections (boto3 underneath) builds the seed topology (test/e2e/ansible/seed.yml: two regions,
 * VPCs, subnets, an inter-region peering requested and accepted, routes, security groups, instances),
 * a second run changes nothing, and the teardown playbook leaves the account as it was found.
 *
 * Only the endpoint and the credentials point at vpclab; the playbooks are what a user would run
 * against AWS. One subprocess-heavy file with generous timeouts: ansible-playbook starts a Python
 * interpreter per task, and the modules' waiters poll every few seconds.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  DescribeKeyPairsCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVolumesCommand,
  DescribeVpcsCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { startLab, type Lab } from "../support/harness.js";

const run = promisify(execFile);
const ANSIBLE = "/usr/bin/ansible-playbook";
const DIR = join(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "ansible");
const TOKYO = "ap-northeast-1";
const SINGAPORE = "ap-southeast-1";
const installed = existsSync(ANSIBLE) && existsSync("/usr/lib/python3/dist-packages/ansible_collections/amazon/aws");

interface Recap {
  ok: number;
  changed: number;
  failed: number;
  output: string;
}

async function playbook(lab: Lab, home: string, file: string): Promise<Recap> {
  const env = {
    PATH: "/usr/bin:/bin",
    HOME: home,
    VPCLAB_URL: lab.url,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    // Nothing from the machine's own AWS or Ansible configuration may leak in.
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    ANSIBLE_CONFIG: join(home, "ansible.cfg"),
    ANSIBLE_NOCOLOR: "1",
    ANSIBLE_LOCALHOST_WARNING: "0",
    ANSIBLE_PYTHON_INTERPRETER: "/usr/bin/python3",
    ANSIBLE_LOCAL_TEMP: join(home, "tmp"),
    ANSIBLE_REMOTE_TEMP: join(home, "tmp"),
  };
  let output: string;
  try {
    const r = await run(ANSIBLE, ["-i", join(DIR, "inventory.ini"), join(DIR, file)], { env, timeout: 480_000, maxBuffer: 64 << 20 });
    output = r.stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`ansible-playbook ${file} failed:\n${(e.stdout ?? "").slice(-6000)}\n${e.stderr ?? ""}`);
  }
  const m = /localhost\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)/.exec(output);
  assert.ok(m, `no PLAY RECAP in:\n${output}`);
  return { ok: Number(m[1]), changed: Number(m[2]), failed: Number(m[3]), output };
}

/** What the account holds in one region, as a user would list it (live objects only). */
async function snapshot(ec2: EC2Client): Promise<unknown> {
  const instances = (await ec2.send(new DescribeInstancesCommand({}))).Reservations?.flatMap((r) => r.Instances ?? []) ?? [];
  const peerings = (await ec2.send(new DescribeVpcPeeringConnectionsCommand({}))).VpcPeeringConnections ?? [];
  return {
    vpcs: (await ec2.send(new DescribeVpcsCommand({}))).Vpcs,
    subnets: (await ec2.send(new DescribeSubnetsCommand({}))).Subnets,
    routeTables: (await ec2.send(new DescribeRouteTablesCommand({}))).RouteTables,
    securityGroups: (await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups,
    networkAcls: (await ec2.send(new DescribeNetworkAclsCommand({}))).NetworkAcls,
    internetGateways: (await ec2.send(new DescribeInternetGatewaysCommand({}))).InternetGateways,
    networkInterfaces: (await ec2.send(new DescribeNetworkInterfacesCommand({}))).NetworkInterfaces,
    addresses: (await ec2.send(new DescribeAddressesCommand({}))).Addresses,
    keyPairs: (await ec2.send(new DescribeKeyPairsCommand({}))).KeyPairs,
    volumes: (await ec2.send(new DescribeVolumesCommand({}))).Volumes,
    // AWS keeps terminated instances and deleted connections visible for a while; they are not "in" the account.
    instances: instances.filter((i) => i.State?.Name !== "terminated"),
    peerings: peerings.filter((p) => p.Status?.Code !== "deleted"),
  };
}

describe("Ansible (Debian's ansible-playbook, amazon.aws + community.aws)", { skip: !installed && `${ANSIBLE} or the amazon.aws collection is not installed (apt-get install ansible python3-boto3)`, timeout: 1_500_000 }, () => {
  let lab: Lab;
  let home: string;
  let tokyo: EC2Client;
  let singapore: EC2Client;
  let before0: unknown[];

  before(async () => {
    lab = await startLab();
    home = mkdtempSync(join(tmpdir(), "vpclab-ansible-"));
    writeFileSync(join(home, "ansible.cfg"), "[defaults]\nretry_files_enabled = False\n");
    tokyo = lab.ec2(TOKYO);
    singapore = lab.ec2(SINGAPORE);
    before0 = [await snapshot(tokyo), await snapshot(singapore)];
  });
  after(async () => {
    await lab.close();
    rmSync(home, { recursive: true, force: true });
  });

  test("the seed playbook builds the topology", { timeout: 500_000 }, async () => {
    const recap = await playbook(lab, home, "seed.yml");
    assert.equal(recap.failed, 0);
    assert.equal(recap.changed, 12, recap.output);

    const vpc = async (ec2: EC2Client, name: string) =>
      (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "tag:Name", Values: [name] }] }))).Vpcs ?? [];
    const [tv] = await vpc(tokyo, "tokyo-vpc");
    const [sv] = await vpc(singapore, "singapore-vpc");
    assert.equal(tv?.CidrBlock, "10.20.0.0/16");
    assert.equal(sv?.CidrBlock, "10.30.0.0/16");

    // The connection is active, and each side's copy carries the tags that side gave it.
    const pcxOf = async (ec2: EC2Client) =>
      (await ec2.send(new DescribeVpcPeeringConnectionsCommand({ Filters: [{ Name: "requester-vpc-info.vpc-id", Values: [tv!.VpcId!] }] })))
        .VpcPeeringConnections ?? [];
    const [pt] = await pcxOf(tokyo);
    const [ps] = await pcxOf(singapore);
    assert.equal(pt?.Status?.Code, "active");
    assert.equal(ps?.VpcPeeringConnectionId, pt?.VpcPeeringConnectionId);
    assert.deepEqual(pt?.Tags, [{ Key: "Name", Value: "tokyo-singapore" }]);
    assert.deepEqual(ps?.Tags, [{ Key: "Name", Value: "tokyo-singapore" }]);

    // Routes both ways through the connection.
    const route = async (ec2: EC2Client, name: string, dest: string) => {
      const rt = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "tag:Name", Values: [name] }] }))).RouteTables ?? [];
      assert.equal(rt.length, 1);
      return rt[0]!.Routes?.find((r) => r.DestinationCidrBlock === dest);
    };
    assert.equal((await route(tokyo, "tokyo-rtb", "10.30.0.0/16"))?.VpcPeeringConnectionId, pt!.VpcPeeringConnectionId);
    assert.equal((await route(singapore, "singapore-rtb", "10.20.0.0/16"))?.State, "active");

    // One running instance per side, in its subnet and group.
    for (const [ec2, name, sg] of [[tokyo, "tokyo-1", "tokyo-from-singapore"], [singapore, "singapore-1", "singapore-from-tokyo"]] as const) {
      const res = await ec2.send(
        new DescribeInstancesCommand({ Filters: [{ Name: "tag:Name", Values: [name] }, { Name: "instance-state-name", Values: ["running"] }] }),
      );
      const inst = res.Reservations?.flatMap((r) => r.Instances ?? []) ?? [];
      assert.equal(inst.length, 1, name);
      assert.equal(inst[0]!.InstanceType, "t3.micro");
      assert.deepEqual(inst[0]!.SecurityGroups?.map((g) => g.GroupName), [sg]);
    }

    // Nothing Ansible called was refused as unimplemented or crashed the server.
    const log = await lab.admin<{ requests: { action: string; status: number; errorCode?: string }[] }>("GET", "/requests");
    const bad = log.body.requests.filter((r) => r.status >= 500 || r.errorCode === "NotImplemented");
    assert.deepEqual(bad, []);
  });

  test("a second run changes nothing", { timeout: 500_000 }, async () => {
    const recap = await playbook(lab, home, "seed.yml");
    assert.equal(recap.failed, 0);
    assert.equal(recap.changed, 0, recap.output);
  });

  test("the teardown leaves the account as it was found", { timeout: 500_000 }, async () => {
    const recap = await playbook(lab, home, "teardown.yml");
    assert.equal(recap.failed, 0);
    assert.ok(recap.changed > 0);
    assert.deepEqual([await snapshot(tokyo), await snapshot(singapore)], before0);
  });
});
