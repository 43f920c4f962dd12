/**
 * `vpclab mesh` / `vpclab unmesh`, run as a subprocess (the real CLI) against a real vpclab server: five
 * VPCs in three regions (Tokyo, Singapore, N. Virginia) joined through transit gateways, the matrix,
 * idempotence through vpclab's request log, and unmesh restoring every describe-* output.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeInstancesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeTransitGatewayAttachmentsCommand,
  DescribeTransitGatewayRouteTablesCommand,
  DescribeTransitGatewaysCommand,
  DescribeTransitGatewayVpcAttachmentsCommand,
  RunInstancesCommand,
  SearchTransitGatewayRoutesCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { startLab, type Lab, runVpclab } from "../support/harness.js";

const vpclab = (lab: Lab, args: string[]) => runVpclab([...args, "--endpoint-url", lab.url], 120_000);

async function logTotal(lab: Lab): Promise<number> {
  return (await lab.admin<{ total: number }>("GET", "/requests")).body.total;
}

async function mutatingSince(lab: Lab, since: number): Promise<string[]> {
  const res = await lab.admin<{ requests: { action: string }[] }>("GET", `/requests?since=${since}`);
  return res.body.requests.map((r) => r.action).filter((a) => !/^(Describe|Get|List|Search)/.test(a));
}

/** A VPC with a subnet in each of two AZs and one instance. */
async function vpcWithInstance(ec2: EC2Client, region: string, octet: number, name: string) {
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: `10.${octet}.0.0/16`, TagSpecifications: [{ ResourceType: "vpc", Tags: [{ Key: "Name", Value: name }] }] }))).Vpc!;
  const sa = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId!, CidrBlock: `10.${octet}.1.0/24`, AvailabilityZone: `${region}a` }))).Subnet!;
  await ec2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId!, CidrBlock: `10.${octet}.2.0/24`, AvailabilityZone: `${region}c` }));
  await ec2.send(new RunInstancesCommand({ ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, SubnetId: sa.SubnetId! }));
  return { region, name, vpcId: vpc.VpcId!, cidr: `10.${octet}.0.0/16` };
}

/** Every describe-* output mesh may touch, in one region. */
async function snapshot(ec2: EC2Client) {
  const tgws = (await ec2.send(new DescribeTransitGatewaysCommand({}))).TransitGateways ?? [];
  const atts = (await ec2.send(new DescribeTransitGatewayAttachmentsCommand({}))).TransitGatewayAttachments ?? [];
  const tables = (await ec2.send(new DescribeTransitGatewayRouteTablesCommand({}))).TransitGatewayRouteTables ?? [];
  const tgwRoutes: string[] = [];
  for (const t of tables.filter((x) => x.State === "available")) {
    const rs = (await ec2.send(new SearchTransitGatewayRoutesCommand({ TransitGatewayRouteTableId: t.TransitGatewayRouteTableId!, Filters: [{ Name: "state", Values: ["active", "blackhole"] }] }))).Routes ?? [];
    for (const r of rs) tgwRoutes.push(`${t.TransitGatewayRouteTableId} ${r.DestinationCidrBlock} ${r.Type}`);
  }
  const rts = (await ec2.send(new DescribeRouteTablesCommand({}))).RouteTables ?? [];
  const sgs = (await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups ?? [];
  return {
    tgws: tgws.filter((t) => t.State !== "deleted").map((t) => t.TransitGatewayId).sort(),
    attachments: atts.filter((a) => a.State !== "deleted").map((a) => a.TransitGatewayAttachmentId).sort(),
    tables: tables.filter((t) => t.State !== "deleted").map((t) => t.TransitGatewayRouteTableId).sort(),
    tgwRoutes: tgwRoutes.sort(),
    vpcRoutes: rts.map((t) => ({ id: t.RouteTableId, routes: JSON.stringify(t.Routes ?? []), assoc: JSON.stringify(t.Associations ?? []) })).sort((a, b) => a.id!.localeCompare(b.id!)),
    groups: sgs.map((g) => ({ id: g.GroupId, in: JSON.stringify(g.IpPermissions ?? []), out: JSON.stringify(g.IpPermissionsEgress ?? []) })).sort((a, b) => a.id!.localeCompare(b.id!)),
  };
}

async function firstInstance(lab: Lab, v: { region: string; vpcId: string }): Promise<string> {
  const out = await lab.ec2(v.region).send(new DescribeInstancesCommand({ Filters: [{ Name: "vpc-id", Values: [v.vpcId] }] }));
  return out.Reservations![0]!.Instances![0]!.InstanceId!;
}

const REGIONS = ["ap-northeast-1", "ap-southeast-1", "us-east-1"];

describe("vpclab mesh / unmesh", { timeout: 300_000 }, () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab();
  });
  after(async () => {
    await lab.close();
  });

  it("five VPCs in three regions: every pair reachable in the matrix; a second run changes nothing; unmesh restores every describe-* output", async () => {
    const vpcs = [
      await vpcWithInstance(lab.ec2("ap-northeast-1"), "ap-northeast-1", 10, "tokyo-a"),
      await vpcWithInstance(lab.ec2("ap-northeast-1"), "ap-northeast-1", 11, "tokyo-b"),
      await vpcWithInstance(lab.ec2("ap-southeast-1"), "ap-southeast-1", 20, "singapore"),
      await vpcWithInstance(lab.ec2("us-east-1"), "us-east-1", 30, "virginia-a"),
      await vpcWithInstance(lab.ec2("us-east-1"), "us-east-1", 31, "virginia-b"),
    ];
    const refs = vpcs.map((v) => `${v.region}:${v.name}`);
    const before = await Promise.all(REGIONS.map((r) => snapshot(lab.ec2(r))));

    // --dry-run: a plan, and no mutating call reaches the server.
    const m0 = await logTotal(lab);
    const dry = await vpclab(lab, ["mesh", ...refs, "--allow", "icmp,tcp:22", "--dry-run", "--json"]);
    assert.equal(dry.code, 0, dry.stderr + dry.stdout);
    const plan = JSON.parse(dry.stdout);
    assert.equal(plan.dryRun, true);
    assert.ok(plan.calls.some((c: string) => c.includes("CreateTransitGatewayPeeringAttachment")), plan.calls.join("\n"));
    assert.deepEqual(await mutatingSince(lab, m0), []);

    const r = await vpclab(lab, ["mesh", ...refs, "--allow", "icmp,tcp:22", "--json"]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const report = JSON.parse(r.stdout);
    assert.equal(report.gateways.length, 3);
    assert.ok(report.gateways.every((g: { created: boolean; id: string }) => g.created && /^tgw-[0-9a-f]{17}$/.test(g.id)));
    assert.equal(report.peerings.length, 3);
    assert.ok(Array.isArray(report.matrix), JSON.stringify(report.matrix));
    assert.equal(report.matrix.length, 20);
    for (const m of report.matrix) assert.equal(m.reachable, true, `${m.from} → ${m.to}: ${m.explanation}`);
    // Tokyo ↔ Singapore crosses two gateways: the region pair's RTT plus the TGW hops, not a same-region figure.
    const ts = report.matrix.find((m: { from: string; to: string }) => m.from === "tokyo-a" && m.to === "singapore");
    const tt = report.matrix.find((m: { from: string; to: string }) => m.from === "tokyo-a" && m.to === "tokyo-b");
    assert.ok(ts.rttMs > 30 && tt.rttMs < 10, `${ts.rttMs} / ${tt.rttMs}`);
    // The engine agrees on its own, not just through the CLI's report.
    const ping = await lab.admin<{ verdict: string }>("POST", "/analyze", { from: await firstInstance(lab, vpcs[2]!), to: await firstInstance(lab, vpcs[4]!), region: "ap-southeast-1", toRegion: "us-east-1", protocol: "icmp" });
    assert.equal(ping.body.verdict, "reachable", JSON.stringify(ping.body));
    // The snapshot sees what mesh added (so the comparison after unmesh below can fail).
    const during = await Promise.all(REGIONS.map((r) => snapshot(lab.ec2(r))));
    for (let i = 0; i < REGIONS.length; i++) {
      assert.equal(during[i]!.tgws.length, before[i]!.tgws.length + 1);
      assert.notDeepEqual(during[i]!.vpcRoutes, before[i]!.vpcRoutes);
      assert.notDeepEqual(during[i]!.groups, before[i]!.groups);
      assert.ok(during[i]!.tgwRoutes.some((t) => t.endsWith(" static")), during[i]!.tgwRoutes.join("\n"));
    }

    // The human form prints the N×N matrix.
    const text = await vpclab(lab, ["mesh", ...refs, "--allow", "icmp,tcp:22"]);
    assert.equal(text.code, 0, text.stderr + text.stdout);
    assert.match(text.stdout, /Reachability/);
    assert.match(text.stdout, /tokyo-a.*singapore.*virginia-b/);
    assert.equal((text.stdout.match(/✔ \d+\.\d/g) ?? []).length, 20, text.stdout);
    assert.match(text.stdout, /Nothing to change: everything was already in place/);

    // Second run (JSON): idempotent, no mutating call at all.
    const m1 = await logTotal(lab);
    const again = await vpclab(lab, ["mesh", ...refs, "--allow", "icmp,tcp:22", "--json"]);
    assert.equal(again.code, 0, again.stderr + again.stdout);
    assert.equal(JSON.parse(again.stdout).changed, false);
    assert.deepEqual(await mutatingSince(lab, m1), []);

    // unmesh --dry-run: the plan, and no mutating call.
    const m3 = await logTotal(lab);
    const udry = await vpclab(lab, ["unmesh", ...refs, "--dry-run", "--json"]);
    assert.equal(udry.code, 0, udry.stderr + udry.stdout);
    assert.ok(JSON.parse(udry.stdout).calls.some((c: string) => c.includes("DeleteTransitGateway ")), udry.stdout);
    assert.deepEqual(await mutatingSince(lab, m3), []);

    // unmesh: every describe-* output as before, in every region.
    const u = await vpclab(lab, ["unmesh", ...refs, "--json"]);
    assert.equal(u.code, 0, u.stderr + u.stdout);
    const undone = JSON.parse(u.stdout);
    assert.equal(undone.removed.gateways, 3);
    assert.equal(undone.removed.attachments, 5);
    const afterAll = await Promise.all(REGIONS.map((r) => snapshot(lab.ec2(r))));
    assert.deepEqual(afterAll, before);

    // …and a second unmesh has nothing to do.
    const m2 = await logTotal(lab);
    const u2 = await vpclab(lab, ["unmesh", ...refs]);
    assert.equal(u2.code, 0, u2.stderr + u2.stdout);
    assert.deepEqual(await mutatingSince(lab, m2), []);
  });

  it("unmesh of one VPC of a four-VPC, two-region mesh removes exactly what mesh added for it; the other pairs stay reachable", async () => {
    const R2 = ["eu-west-1", "us-west-2"]; // regions of their own: the first test used up Tokyo's VPC quota
    const vpcs = [
      await vpcWithInstance(lab.ec2("eu-west-1"), "eu-west-1", 50, "ireland-a"),
      await vpcWithInstance(lab.ec2("eu-west-1"), "eu-west-1", 51, "ireland-b"),
      await vpcWithInstance(lab.ec2("us-west-2"), "us-west-2", 60, "oregon-a"),
      await vpcWithInstance(lab.ec2("us-west-2"), "us-west-2", 61, "oregon-b"),
    ];
    const refs = vpcs.map((v) => `${v.region}:${v.name}`);
    const before = await Promise.all(R2.map((r) => snapshot(lab.ec2(r))));
    const r = await vpclab(lab, ["mesh", ...refs, "--allow", "icmp", "--json"]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    for (const m of JSON.parse(r.stdout).matrix) assert.equal(m.reachable, true, `${m.from} → ${m.to}: ${m.explanation}`);
    const gone = vpcs[1]!; // ireland-b: its region keeps a member, so its gateway stays
    const during = await Promise.all(R2.map((x) => snapshot(lab.ec2(x))));
    assert.ok(during.some((d) => d.tgwRoutes.some((t) => t.includes(` ${gone.cidr} static`))), "mesh put a static route toward ireland-b in Oregon's gateway");
    assert.ok(during[1]!.vpcRoutes.some((t) => t.routes.includes(gone.cidr)), "Oregon's VPCs route toward ireland-b");

    const u = await vpclab(lab, ["unmesh", `${gone.region}:${gone.name}`, "--json"]);
    assert.equal(u.code, 0, u.stderr + u.stdout);
    const undone = JSON.parse(u.stdout);
    assert.equal(undone.removed.attachments, 1);
    assert.equal(undone.removed.gateways, 0);
    assert.equal(undone.removed.peerings, 0);
    assert.ok(undone.removed.tgwRoutes >= 1 && undone.removed.vpcRoutes > 0 && undone.removed.rules > 0, JSON.stringify(undone.removed));

    const now = await Promise.all(R2.map((x) => snapshot(lab.ec2(x))));
    // Nothing anywhere still names ireland-b's CIDR (but its own local route): no VPC route, no rule, no TGW route.
    for (const s of now) {
      assert.ok(!s.tgwRoutes.some((t) => t.includes(` ${gone.cidr} `)), s.tgwRoutes.join("\n"));
      const toGone = (t: { routes: string }) => (JSON.parse(t.routes) as { DestinationCidrBlock?: string; GatewayId?: string }[]).some((x) => x.DestinationCidrBlock === gone.cidr && x.GatewayId !== "local");
      assert.ok(!s.vpcRoutes.some(toGone), JSON.stringify(s.vpcRoutes));
      assert.ok(!s.groups.some((g) => g.in.includes(gone.cidr)), JSON.stringify(s.groups));
    }
    // ireland-b's own route tables and groups are as before mesh; its attachment is gone.
    const own = async () => {
      const ec2 = lab.ec2(gone.region);
      const rts = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [gone.vpcId] }] }))).RouteTables ?? [];
      const sgs = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "vpc-id", Values: [gone.vpcId] }] }))).SecurityGroups ?? [];
      return { rts: rts.map((t) => JSON.stringify(t)).sort(), sgs: sgs.map((g) => JSON.stringify(g)).sort() };
    };
    const ownNow = await own();
    const ids = new Set([...ownNow.rts.map((t) => JSON.parse(t).RouteTableId), ...ownNow.sgs.map((g) => JSON.parse(g).GroupId)]);
    assert.deepEqual(before[0]!.vpcRoutes.filter((t) => ids.has(t.id)), now[0]!.vpcRoutes.filter((t) => ids.has(t.id)));
    assert.deepEqual(before[0]!.groups.filter((g) => ids.has(g.id)), now[0]!.groups.filter((g) => ids.has(g.id)));
    const atts = (await lab.ec2(gone.region).send(new DescribeTransitGatewayAttachmentsCommand({ Filters: [{ Name: "resource-id", Values: [gone.vpcId] }] }))).TransitGatewayAttachments ?? [];
    assert.deepEqual(atts.filter((a) => a.State !== "deleted"), []);

    // The rest of the mesh still works; ireland-b is out of it.
    const rest = vpcs.filter((v) => v !== gone);
    for (const a of rest) {
      for (const b of rest) {
        if (a === b) continue;
        const res = await lab.admin<{ verdict: string }>("POST", "/analyze", { from: await firstInstance(lab, a), to: await firstInstance(lab, b), region: a.region, toRegion: b.region, protocol: "icmp" });
        assert.equal(res.body.verdict, "reachable", `${a.name} → ${b.name}: ${JSON.stringify(res.body)}`);
      }
    }
    const out = await lab.admin<{ verdict: string }>("POST", "/analyze", { from: await firstInstance(lab, vpcs[2]!), to: await firstInstance(lab, gone), region: vpcs[2]!.region, toRegion: gone.region, protocol: "icmp" });
    assert.notEqual(out.body.verdict, "reachable");

    // Unmeshing the last Irish VPC with one Oregon VPC takes Ireland's gateway and the peering away;
    // then the last VPC alone leaves every describe-* output as it was before mesh.
    const u2 = await vpclab(lab, ["unmesh", refs[0]!, refs[2]!, "--json"]);
    assert.equal(u2.code, 0, u2.stderr + u2.stdout);
    assert.equal(JSON.parse(u2.stdout).removed.gateways, 1);
    assert.equal(JSON.parse(u2.stdout).removed.peerings, 1);
    const u3 = await vpclab(lab, ["unmesh", refs[3]!, "--json"]);
    assert.equal(u3.code, 0, u3.stderr + u3.stdout);
    assert.deepEqual(await Promise.all(R2.map((x) => snapshot(lab.ec2(x)))), before);
  });

  it("cross-account: another account's VPC attachment is accepted as the gateway's owner, the peering as the peer's; unmesh of one VPC, then of the rest, restores both accounts", async () => {
    const B = "111111111111";
    const R = ["eu-west-2", "sa-east-1"];
    const views = () => Promise.all(R.flatMap((r) => [snapshot(lab.ec2(r)), snapshot(lab.ec2(r, B))]));
    const xa = await vpcWithInstance(lab.ec2(R[0]!), R[0]!, 70, "xa");
    const xb = await vpcWithInstance(lab.ec2(R[0]!, B), R[0]!, 71, "xb");
    const xc = await vpcWithInstance(lab.ec2(R[1]!, B), R[1]!, 72, "xc");
    const before = await views();
    const refs = [`${R[0]}:xa`, `${B}@${R[0]}:xb`, `${B}@${R[1]}:xc`];
    const m0 = await logTotal(lab);
    const r = await vpclab(lab, ["mesh", ...refs, "--hub-per-region", "--allow", "icmp", "--json"]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const report = JSON.parse(r.stdout);
    assert.equal(report.matrix.length, 6, JSON.stringify(report.matrix));
    for (const m of report.matrix) assert.equal(m.reachable, true, `${m.from} → ${m.to}: ${m.explanation}`);
    const actions = await mutatingSince(lab, m0);
    assert.ok(actions.includes("AcceptTransitGatewayVpcAttachment"), actions.join(","));
    assert.ok(actions.includes("AcceptTransitGatewayPeeringAttachment"), actions.join(","));
    // The first region's gateway (eu-west-2) is the first VPC's account's; xb's attachment is on it, accepted.
    const gw = (await lab.ec2(R[0]!).send(new DescribeTransitGatewaysCommand({ Filters: [{ Name: "tag-key", Values: ["vpclab:mesh"] }] }))).TransitGateways ?? [];
    assert.equal(gw.length, 1);
    const xbAtt = (await lab.ec2(R[0]!).send(new DescribeTransitGatewayAttachmentsCommand({ Filters: [{ Name: "resource-id", Values: [xb.vpcId] }] }))).TransitGatewayAttachments ?? [];
    assert.equal(xbAtt[0]?.State, "available");
    assert.equal(xbAtt[0]?.TransitGatewayId, gw[0]!.TransitGatewayId);
    const xbVpcAtt = (await lab.ec2(R[0]!, B).send(new DescribeTransitGatewayVpcAttachmentsCommand({ Filters: [{ Name: "vpc-id", Values: [xb.vpcId] }] }))).TransitGatewayVpcAttachments ?? [];
    assert.equal(xbVpcAtt[0]?.VpcOwnerId, B);
    assert.equal(xbVpcAtt[0]?.State, "available");
    assert.ok(xbAtt[0]?.Association?.State === "associated", JSON.stringify(xbAtt[0]));
    // A second run changes nothing.
    const m1 = await logTotal(lab);
    const again = await vpclab(lab, ["mesh", ...refs, "--allow", "icmp", "--json"]);
    assert.equal(again.code, 0, again.stderr + again.stdout);
    assert.equal(JSON.parse(again.stdout).changed, false);
    assert.deepEqual(await mutatingSince(lab, m1), []);

    // unmesh of xb alone (given with its own account): the gateway's owner is found from its attachment.
    const u1 = await vpclab(lab, ["unmesh", refs[1]!, "--json"]);
    assert.equal(u1.code, 0, u1.stderr + u1.stdout);
    assert.equal(JSON.parse(u1.stdout).removed.attachments, 1);
    const res = await lab.admin<{ verdict: string }>("POST", "/analyze", { from: await firstInstance(lab, xa), to: (await lab.ec2(R[1]!, B).send(new DescribeInstancesCommand({ Filters: [{ Name: "vpc-id", Values: [xc.vpcId] }] }))).Reservations![0]!.Instances![0]!.InstanceId!, region: R[0], toRegion: R[1], toAccount: B, protocol: "icmp" });
    assert.equal(res.body.verdict, "reachable", JSON.stringify(res.body));
    for (const v of await views()) {
      assert.ok(!v.vpcRoutes.some((t) => (JSON.parse(t.routes) as { DestinationCidrBlock?: string; GatewayId?: string }[]).some((x) => x.DestinationCidrBlock === xb.cidr && x.GatewayId !== "local")));
      assert.ok(!v.tgwRoutes.some((t) => t.includes(` ${xb.cidr} `)), v.tgwRoutes.join("\n"));
      assert.ok(!v.groups.some((g) => g.in.includes(xb.cidr)));
    }
    const u2 = await vpclab(lab, ["unmesh", refs[0]!, refs[2]!, "--json"]);
    assert.equal(u2.code, 0, u2.stderr + u2.stdout);
    assert.equal(JSON.parse(u2.stdout).removed.gateways, 2);
    assert.deepEqual(await views(), before);
  });

  it("scenarios/mesh.yaml: `up` builds four VPCs in three regions and meshes them with mesh's own code; a second `up` changes nothing; `down` restores every describe-* output", async () => {
    const before = await Promise.all(REGIONS.map((r) => snapshot(lab.ec2(r))));
    const up = await vpclab(lab, ["up", "scenarios/mesh.yaml", "--json"]);
    assert.equal(up.code, 0, up.stderr + up.stdout);
    const report = JSON.parse(up.stdout);
    assert.equal(report.changed, true);
    assert.ok(Array.isArray(report.mesh?.matrix), JSON.stringify(report.mesh));
    assert.equal(report.mesh.matrix.length, 12);
    for (const m of report.mesh.matrix) assert.equal(m.reachable, true, `${m.from} → ${m.to}: ${m.explanation}`);
    assert.deepEqual(report.mesh.gateways.map((g: { region: string }) => g.region), REGIONS);

    const m1 = await logTotal(lab);
    const again = await vpclab(lab, ["up", "scenarios/mesh.yaml", "--json"]);
    assert.equal(again.code, 0, again.stderr + again.stdout);
    assert.equal(JSON.parse(again.stdout).changed, false);
    assert.deepEqual(await mutatingSince(lab, m1), []);

    const down = await vpclab(lab, ["down", "scenarios/mesh.yaml", "--json"]);
    assert.equal(down.code, 0, down.stderr + down.stdout);
    assert.equal(JSON.parse(down.stdout).mesh.removed.gateways, 3);
    const after = await Promise.all(REGIONS.map((r) => snapshot(lab.ec2(r))));
    // `down` removes the scenario's own VPCs too; everything else is as it was.
    assert.deepEqual(after, before);
  });
});
