/**
 * The engine and the kernel agree: small random networks (two VPCs, in one region or two, peered, with
 * random routes, security groups and network ACLs) built through the SDK on a server with
 * `--dataplane netns`; between every pair of instances a real `ping -c1 -W1` and a real TCP connect
 * (`nc -z`, to a listener on port 80) run in the namespaces, and each outcome is compared with the
 * engine's verdict (`POST /_vpclab/analyze`); A sometimes has an internet gateway and a NAT gateway
 * (public or private) for a2's way out to the simulated Internet. Needs Linux and root (CI runs as root); skipped with a
 * message otherwise. A third test covers appliances (routes to an ENI or an instance, with the
 * source/destination check on or off) and VPCs joined by a VPC peering or by two transit gateways
 * peered across regions (static routes), with the same comparison.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import {
  AcceptVpcPeeringConnectionCommand,
  AssociateRouteTableCommand,
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateNetworkAclCommand,
  CreateNetworkAclEntryCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  ReplaceNetworkAclAssociationCommand,
  RevokeSecurityGroupEgressCommand,
  RunInstancesCommand,
  CreateTransitGatewayCommand,
  CreateTransitGatewayVpcAttachmentCommand,
  DescribeTransitGatewaysCommand,
  DescribeTransitGatewayVpcAttachmentsCommand,
  CreateTransitGatewayPeeringAttachmentCommand,
  AllocateAddressCommand,
  CreateNatGatewayCommand,
  DescribeNatGatewaysCommand,
  AcceptTransitGatewayPeeringAttachmentCommand,
  AssociateTransitGatewayRouteTableCommand,
  CreateTransitGatewayRouteCommand,
  DescribeInstancesCommand,
  ModifyNetworkInterfaceAttributeCommand,
  type EC2Client,
  type IpPermission,
} from "@aws-sdk/client-ec2";
import { startLab, type Lab } from "../support/harness.js";
import { dataplaneUnavailable } from "../../src/dataplane/index.js";
import { mulberry32 } from "../../src/engine/latency.js";

const why = dataplaneUnavailable();
const skip = why ? `netns data plane unavailable here: ${why}` : false;

function sh(cmd: string, args: string[], ms = 3000): Promise<number> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: "ignore" });
    const t = setTimeout(() => p.kill("SIGKILL"), ms);
    p.on("close", (code) => {
      clearTimeout(t);
      resolve(code ?? 1);
    });
  });
}

interface Box {
  name: string;
  id: string;
  ip: string;
}

async function build(lab: Lab, seed: number): Promise<{ boxes: Box[]; story: string[] }> {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const story: string[] = [];
  const rA = "eu-west-1";
  const rB = rand() < 0.5 ? rA : "us-west-2";
  const a = lab.ec2(rA);
  const b = lab.ec2(rB);
  // Distinct CIDRs per seed so one server holds every network side by side.
  const n = seed % 50;
  const cA = `10.${100 + n}.0.0/16`;
  const cB = `10.${150 + n}.0.0/16`;
  const vA = (await a.send(new CreateVpcCommand({ CidrBlock: cA }))).Vpc!.VpcId!;
  const vB = (await b.send(new CreateVpcCommand({ CidrBlock: cB }))).Vpc!.VpcId!;
  const sub = async (c: EC2Client, vpc: string, cidr: string) => (await c.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: cidr }))).Subnet!.SubnetId!;
  const a1 = await sub(a, vA, cA.replace(".0.0/16", ".1.0/24"));
  const a2 = await sub(a, vA, cA.replace(".0.0/16", ".2.0/24"));
  const b1 = await sub(b, vB, cB.replace(".0.0/16", ".1.0/24"));
  const pcx = (await a.send(new CreateVpcPeeringConnectionCommand({ VpcId: vA, PeerVpcId: vB, PeerRegion: rB }))).VpcPeeringConnection!.VpcPeeringConnectionId!;
  await b.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
  story.push(`A ${cA} in ${rA}, B ${cB} in ${rB}, peered`);
  const mainRt = async (c: EC2Client, v: string) =>
    (await c.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [v] }, { Name: "association.main", Values: ["true"] }] }))).RouteTables![0]!.RouteTableId!;
  const rtA = await mainRt(a, vA);
  const rtB = await mainRt(b, vB);
  if (rand() < 0.8) {
    await a.send(new CreateRouteCommand({ RouteTableId: rtA, DestinationCidrBlock: cB, VpcPeeringConnectionId: pcx }));
    story.push("route A→B");
  }
  if (rand() < 0.8) {
    await b.send(new CreateRouteCommand({ RouteTableId: rtB, DestinationCidrBlock: cA, VpcPeeringConnectionId: pcx }));
    story.push("route B→A");
  }
  let rtA2: string | undefined;
  if (rand() < 0.3) {
    rtA2 = (await a.send(new CreateRouteTableCommand({ VpcId: vA }))).RouteTable!.RouteTableId!;
    await a.send(new AssociateRouteTableCommand({ RouteTableId: rtA2, SubnetId: a2 }));
    story.push("a2's subnet has a table without the peering route");
  }
  // Security groups: random ingress, sometimes a narrowed egress.
  const group = async (c: EC2Client, vpc: string, tag: string) => {
    const g = (await c.send(new CreateSecurityGroupCommand({ VpcId: vpc, GroupName: `g${seed}${tag}`, Description: "differential" }))).GroupId!;
    const perms: IpPermission[] = [];
    if (rand() < 0.6) perms.push({ IpProtocol: "icmp", FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: pick(["10.0.0.0/8", cA, cB]) }] });
    if (rand() < 0.7) perms.push({ IpProtocol: "tcp", FromPort: 80, ToPort: pick([80, 90]), IpRanges: [{ CidrIp: pick(["10.0.0.0/8", cA, cB, cA.replace(".0.0/16", ".1.0/24")]) }] });
    if (rand() < 0.3) perms.push({ IpProtocol: "-1", UserIdGroupPairs: [{ GroupId: g }] });
    if (perms.length > 0) await c.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: g, IpPermissions: perms }));
    story.push(`${tag} ingress ${JSON.stringify(perms.map((p) => [p.IpProtocol, p.ToPort, p.IpRanges?.[0]?.CidrIp ?? "self"]))}`);
    if (rand() < 0.25) {
      await c.send(new RevokeSecurityGroupEgressCommand({ GroupId: g, IpPermissions: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] }));
      await c.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: g, IpPermissions: [{ IpProtocol: "tcp", FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: "10.0.0.0/8" }] }] }));
      story.push(`${tag} egress: tcp 80 only`);
    }
    return g;
  };
  const gA = await group(a, vA, "A");
  const gB = await group(b, vB, "B");
  // A network ACL on a2's subnet: allow all but one random deny.
  if (rand() < 0.5) {
    const acl = (await a.send(new CreateNetworkAclCommand({ VpcId: vA }))).NetworkAcl!.NetworkAclId!;
    const egress = rand() < 0.5;
    const deny = pick([
      { Protocol: "1", IcmpTypeCode: { Type: -1, Code: -1 } },
      { Protocol: "6", PortRange: { From: 80, To: 80 } },
      { Protocol: "6", PortRange: { From: 1024, To: 65535 } },
    ]);
    const other = pick([cB, cA.replace(".0.0/16", ".1.0/24"), "0.0.0.0/0"]);
    await a.send(new CreateNetworkAclEntryCommand({ NetworkAclId: acl, RuleNumber: 50, Egress: egress, RuleAction: "deny", CidrBlock: other, ...deny }));
    for (const e of [true, false]) await a.send(new CreateNetworkAclEntryCommand({ NetworkAclId: acl, RuleNumber: 100, Egress: e, RuleAction: "allow", CidrBlock: "0.0.0.0/0", Protocol: "-1" }));
    const assoc = (await a.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: "association.subnet-id", Values: [a2] }] }))).NetworkAcls![0]!.Associations!.find((x) => x.SubnetId === a2)!;
    await a.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: assoc.NetworkAclAssociationId!, NetworkAclId: acl }));
    story.push(`a2 NACL: deny ${egress ? "out" : "in"} ${JSON.stringify(deny)} ${other}`);
  }
  // Sometimes an internet gateway for A, and a public IP for a1 (the simulated Internet answers 8.8.8.8).
  if (rand() < 0.6) {
    const igw = (await a.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await a.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vA }));
    if (rand() < 0.8) await a.send(new CreateRouteCommand({ RouteTableId: rtA, DestinationCidrBlock: "0.0.0.0/0", GatewayId: igw }));
    story.push("A has an IGW");
    // Sometimes a NAT gateway in a1 (public with an EIP, or private) for a2's way out.
    if (rand() < 0.6) {
      const isPublic = rand() < 0.7;
      const alloc = isPublic ? (await a.send(new AllocateAddressCommand({ Domain: "vpc" }))).AllocationId! : undefined;
      const nat = (await a.send(new CreateNatGatewayCommand({ SubnetId: a1, ...(isPublic ? { AllocationId: alloc } : { ConnectivityType: "private" }) }))).NatGateway!.NatGatewayId!;
      await a.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [nat] }));
      if (!rtA2) {
        rtA2 = (await a.send(new CreateRouteTableCommand({ VpcId: vA }))).RouteTable!.RouteTableId!;
        await a.send(new AssociateRouteTableCommand({ RouteTableId: rtA2, SubnetId: a2 }));
        if (rand() < 0.7) await a.send(new CreateRouteCommand({ RouteTableId: rtA2, DestinationCidrBlock: cB, VpcPeeringConnectionId: pcx }));
      }
      await a.send(new CreateRouteCommand({ RouteTableId: rtA2, DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: nat }));
      story.push(`a2 → 0.0.0.0/0 through a ${isPublic ? "public" : "private"} NAT gateway in a1`);
    }
  }
  const publicA1 = rand() < 0.6;
  if (publicA1) story.push("a1 has a public IP");
  const run = async (c: EC2Client, subnet: string, g: string, name: string, pub = false): Promise<Box> => {
    const where = pub
      ? { NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnet, Groups: [g], AssociatePublicIpAddress: true }] }
      : { SubnetId: subnet, SecurityGroupIds: [g] };
    const i = (await c.send(new RunInstancesCommand({ ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, ...where }))).Instances![0]!;
    return { name, id: i.InstanceId!, ip: i.PrivateIpAddress! };
  };
  const boxes = [await run(a, a1, gA, "a1", publicA1), await run(a, a2, gA, "a2"), await run(b, b1, gB, "b1")];
  return { boxes, story };
}

test("the kernel's verdicts (real ping and TCP connect between namespaces) match the engine's", { skip, timeout: 120_000 }, async () => {
  // More seeds than the default VPC quota of 5 per region allows side by side (VPCLAB_DIFF_SEEDS).
  const lab = await startLab({ dataplane: "netns", quotas: { vpcsPerRegion: 200, internetGatewaysPerRegion: 200, elasticIpsPerRegion: 200, natGatewaysPerZone: 200 } });
  const listeners: ChildProcess[] = [];
  const mismatches: string[] = [];
  let probes = 0;
  const reached = { pairs: 0, internet: 0 };
  try {
    const seeds = (process.env.VPCLAB_DIFF_SEEDS ?? "1,2,3,4").split(",").map(Number);
    for (const seed of seeds) {
      const { boxes, story } = await build(lab, seed);
      await lab.admin("GET", "/health");
      const nsOf = async () => {
        const st = (await lab.admin<{ instances: { id: string; ns: string }[] }>("GET", "/dataplane")).body;
        return new Map(st.instances.map((i) => [i.id, i.ns]));
      };
      let ns = await nsOf();
      for (let i = 0; i < 50 && boxes.some((b) => !ns.has(b.id)); i++) {
        await new Promise((r) => setTimeout(r, 50));
        ns = await nsOf();
      }
      for (const b of boxes) {
        const l = spawn("ip", ["netns", "exec", ns.get(b.id)!, "nc", "-lk", "80"], { stdio: "ignore" });
        listeners.push(l);
      }
      // Every listener up before the probes (a slow start must not read as a block).
      for (const b of boxes) {
        for (let i = 0; i < 100 && (await sh("ip", ["netns", "exec", ns.get(b.id)!, "sh", "-c", "ss -Hltn 'sport = :80' | grep -q LISTEN"])) !== 0; i++) {
          await new Promise((r) => setTimeout(r, 20));
        }
      }
      const checks: Promise<void>[] = [];
      for (const from of boxes) {
        for (const to of boxes) {
          if (from === to) continue;
          for (const proto of ["icmp", "tcp"] as const) {
            checks.push(
              (async () => {
                const argv = proto === "icmp" ? ["ping", "-c1", "-W1", to.ip] : ["nc", "-z", "-w", "1", to.ip, "80"];
                // A failed probe is tried once more: a block fails twice, a lost first packet (neighbour
                // discovery under load) does not.
                const once = async () => (await sh("ip", ["netns", "exec", ns.get(from.id)!, ...argv])) === 0;
                const kernel = (await once()) || (await once());
                const a = await lab.admin<{ verdict: string; explanations?: { code?: string }[] }>("POST", "/analyze", { from: from.id, to: to.id, protocol: proto, ...(proto === "tcp" ? { port: 80 } : {}) });
                const engine = a.body.verdict === "reachable";
                probes++;
                if (kernel) reached.pairs++;
                // Every kernel drop has an engine explanation.
                if (!kernel && !(a.body.explanations ?? []).some((e) => typeof e.code === "string" && e.code !== "")) mismatches.push(`seed ${seed} ${from.name}→${to.name} ${proto}: the kernel drops it but the engine gives no explanation`);
                if (kernel !== engine) mismatches.push(`seed ${seed} ${from.name}→${to.name} ${proto}: kernel ${kernel ? "reached" : "blocked"}, engine ${a.body.verdict} [${story.join("; ")}]`);
              })(),
            );
          }
        }
      }
      // And to the (simulated) Internet.
      for (const from of boxes) {
        checks.push(
          (async () => {
            const once = async () => (await sh("ip", ["netns", "exec", ns.get(from.id)!, "ping", "-c1", "-W1", "8.8.8.8"])) === 0;
            const kernel = (await once()) || (await once());
            const a = await lab.admin<{ verdict: string; explanations?: { code?: string }[] }>("POST", "/analyze", { from: from.id, to: "8.8.8.8", protocol: "icmp" });
            probes++;
            if (kernel) reached.internet++;
            if (process.env.VPCLAB_DIFF_DEBUG) console.log(`seed ${seed} ${from.name}→8.8.8.8: kernel ${kernel}, engine ${a.body.verdict} [${story.join("; ")}]`);
            if (!kernel && !(a.body.explanations ?? []).some((e) => typeof e.code === "string" && e.code !== "")) mismatches.push(`seed ${seed} ${from.name}→8.8.8.8: the kernel drops it but the engine gives no explanation`);
            if (kernel !== (a.body.verdict === "reachable")) mismatches.push(`seed ${seed} ${from.name}→8.8.8.8 icmp: kernel ${kernel ? "reached" : "blocked"}, engine ${a.body.verdict} [${story.join("; ")}]`);
          })(),
        );
      }
      await Promise.all(checks);
    }
  } finally {
    for (const l of listeners) l.kill();
    await lab.close();
  }
  assert.deepEqual(mismatches, [], `${mismatches.length} of ${probes} probes disagree`);
  assert.ok(probes >= 24);
  // Not vacuous: some probes get through (between instances and to the simulated Internet), others not.
  assert.ok(reached.pairs > 0 && reached.pairs < probes, `reached ${JSON.stringify(reached)} of ${probes}`);
  assert.ok(reached.internet > 0, `reached ${JSON.stringify(reached)} of ${probes}`);
});

test("a transit gateway: its route tables in a namespace of their own, and the kernel agrees with the engine", { skip, timeout: 120_000 }, async () => {
  const lab = await startLab({ dataplane: "netns" });
  const results: string[] = [];
  try {
    const c = lab.ec2("eu-west-1");
    const tgw = (await c.send(new CreateTransitGatewayCommand({ Description: "hub" }))).TransitGateway!.TransitGatewayId!;
    await c.send(new DescribeTransitGatewaysCommand({ TransitGatewayIds: [tgw] }));
    const boxes: Box[] = [];
    const rts: string[] = [];
    for (const [name, n] of [["x", 60], ["y", 61], ["z", 62]] as const) {
      const vpc = (await c.send(new CreateVpcCommand({ CidrBlock: `10.${n}.0.0/16` }))).Vpc!.VpcId!;
      const subnet = (await c.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: `10.${n}.1.0/24`, AvailabilityZone: "eu-west-1a" }))).Subnet!.SubnetId!;
      const g = (await c.send(new CreateSecurityGroupCommand({ VpcId: vpc, GroupName: `tgw-${name}`, Description: "tgw" }))).GroupId!;
      await c.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: g, IpPermissions: [{ IpProtocol: "icmp", FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: "10.0.0.0/8" }] }] }));
      await c.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tgw, VpcId: vpc, SubnetIds: [subnet] }));
      rts.push((await c.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpc] }] }))).RouteTables![0]!.RouteTableId!);
      const i = (await c.send(new RunInstancesCommand({ ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, SubnetId: subnet, SecurityGroupIds: [g] }))).Instances![0]!;
      boxes.push({ name, id: i.InstanceId!, ip: i.PrivateIpAddress! });
    }
    await c.send(new DescribeTransitGatewayVpcAttachmentsCommand({}));
    // x ↔ y both ways; x → z, but z has no route back.
    await c.send(new CreateRouteCommand({ RouteTableId: rts[0], DestinationCidrBlock: "10.61.0.0/16", TransitGatewayId: tgw }));
    await c.send(new CreateRouteCommand({ RouteTableId: rts[0], DestinationCidrBlock: "10.62.0.0/16", TransitGatewayId: tgw }));
    await c.send(new CreateRouteCommand({ RouteTableId: rts[1], DestinationCidrBlock: "10.60.0.0/16", TransitGatewayId: tgw }));
    const st = (await lab.admin<{ instances: { id: string; ns: string }[] }>("GET", "/dataplane")).body;
    const ns = new Map(st.instances.map((i) => [i.id, i.ns]));
    const checks: Promise<void>[] = [];
    for (const from of boxes) {
      for (const to of boxes) {
        if (from === to) continue;
        checks.push(
          (async () => {
            const once = async () => (await sh("ip", ["netns", "exec", ns.get(from.id)!, "ping", "-c1", "-W1", to.ip])) === 0;
            const kernel = (await once()) || (await once());
            const a = await lab.admin<{ verdict: string }>("POST", "/analyze", { from: from.id, to: to.id, protocol: "icmp" });
            results.push(`${from.name}→${to.name} kernel ${kernel ? "reached" : "blocked"}, engine ${a.body.verdict}`);
          })(),
        );
      }
    }
    await Promise.all(checks);
  } finally {
    await lab.close();
  }
  results.sort();
  assert.ok(results.includes("x→y kernel reached, engine reachable"), results.join("\n"));
  assert.ok(results.includes("x→z kernel blocked, engine blocked"), results.join("\n"));
  assert.deepEqual(results.filter((r) => /reached, engine blocked|blocked, engine reachable/.test(r)), [], results.join("\n"));
});

/** A random network with an appliance in A, and A joined to B by a VPC peering or by two peered TGWs. */
async function buildAppliance(lab: Lab, seed: number): Promise<{ boxes: Box[]; story: string[] }> {
  const rand = mulberry32(seed * 7919);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const story: string[] = [];
  const mode = rand() < 0.5 ? "pcx" : "tgw";
  const rA = "eu-west-1";
  const rB = mode === "tgw" || rand() < 0.5 ? "us-west-2" : rA;
  const a = lab.ec2(rA);
  const b = lab.ec2(rB);
  const n = seed % 50;
  const cA = `10.${30 + n}.0.0/16`;
  const cB = `10.${200 + n}.0.0/16`;
  const vA = (await a.send(new CreateVpcCommand({ CidrBlock: cA }))).Vpc!.VpcId!;
  const vB = (await b.send(new CreateVpcCommand({ CidrBlock: cB }))).Vpc!.VpcId!;
  const sub = async (c: EC2Client, vpc: string, cidr: string, az: string) => (await c.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: cidr, AvailabilityZone: az }))).Subnet!.SubnetId!;
  const a1 = await sub(a, vA, cA.replace(".0.0/16", ".1.0/24"), `${rA}a`);
  // a2 sometimes in another zone than the TGW attachment's subnet (a3): it cannot reach the gateway.
  const a2Zone = rand() < 0.3 ? `${rA}b` : `${rA}a`;
  const a2 = await sub(a, vA, cA.replace(".0.0/16", ".2.0/24"), a2Zone);
  const a3 = await sub(a, vA, cA.replace(".0.0/16", ".3.0/24"), `${rA}a`);
  const b1 = await sub(b, vB, cB.replace(".0.0/16", ".1.0/24"), `${rB}a`);
  const mainRt = async (c: EC2Client, v: string) =>
    (await c.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [v] }, { Name: "association.main", Values: ["true"] }] }))).RouteTables![0]!.RouteTableId!;
  const rtA = await mainRt(a, vA);
  const rtB = await mainRt(b, vB);
  // The link between A and B, and the routes to it.
  let toB: { VpcPeeringConnectionId?: string; TransitGatewayId?: string };
  let toA: { VpcPeeringConnectionId?: string; TransitGatewayId?: string };
  if (mode === "pcx") {
    const pcx = (await a.send(new CreateVpcPeeringConnectionCommand({ VpcId: vA, PeerVpcId: vB, PeerRegion: rB }))).VpcPeeringConnection!.VpcPeeringConnectionId!;
    await b.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
    toB = toA = { VpcPeeringConnectionId: pcx };
    story.push(`A ${cA} (${rA}) peered with B ${cB} (${rB})`);
  } else {
    const gw = async (c: EC2Client) => (await c.send(new CreateTransitGatewayCommand({ Description: `diff ${seed}` }))).TransitGateway!;
    const tA = await gw(a);
    const tB = await gw(b);
    await a.send(new DescribeTransitGatewaysCommand({}));
    await b.send(new DescribeTransitGatewaysCommand({}));
    const rtbA = tA.Options!.AssociationDefaultRouteTableId!;
    const rtbB = tB.Options!.AssociationDefaultRouteTableId!;
    await a.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tA.TransitGatewayId!, VpcId: vA, SubnetIds: [a3] }));
    await b.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tB.TransitGatewayId!, VpcId: vB, SubnetIds: [b1] }));
    const peer = (await a.send(new CreateTransitGatewayPeeringAttachmentCommand({ TransitGatewayId: tA.TransitGatewayId!, PeerTransitGatewayId: tB.TransitGatewayId!, PeerAccountId: "000000000000", PeerRegion: rB }))).TransitGatewayPeeringAttachment!.TransitGatewayAttachmentId!;
    await b.send(new AcceptTransitGatewayPeeringAttachmentCommand({ TransitGatewayAttachmentId: peer }));
    await b.send(new DescribeTransitGatewayVpcAttachmentsCommand({}));
    for (const [c, rtb] of [[a, rtbA], [b, rtbB]] as const) {
      // A peering attachment needs a table on each side (AWS does not associate it by default).
      await c.send(new AssociateTransitGatewayRouteTableCommand({ TransitGatewayRouteTableId: rtb, TransitGatewayAttachmentId: peer })).catch(() => undefined);
    }
    const ab = rand() < 0.85;
    const ba = rand() < 0.85;
    if (ab) await a.send(new CreateTransitGatewayRouteCommand({ TransitGatewayRouteTableId: rtbA, DestinationCidrBlock: cB, TransitGatewayAttachmentId: peer }));
    if (ba) await b.send(new CreateTransitGatewayRouteCommand({ TransitGatewayRouteTableId: rtbB, DestinationCidrBlock: cA, TransitGatewayAttachmentId: peer }));
    toB = { TransitGatewayId: tA.TransitGatewayId! };
    toA = { TransitGatewayId: tB.TransitGatewayId! };
    story.push(`A ${cA} (${rA}) and B ${cB} (${rB}) through two peered TGWs${ab ? "" : ", no TGW route A→B"}${ba ? "" : ", no TGW route B→A"}`);
    if (a2Zone.endsWith("b")) story.push("a2 in a zone without an attachment subnet");
  }
  await a.send(new CreateRouteCommand({ RouteTableId: rtA, DestinationCidrBlock: cB, ...toB }));
  await b.send(new CreateRouteCommand({ RouteTableId: rtB, DestinationCidrBlock: cA, ...toA }));
  // Groups: the boxes admit ICMP and TCP 80 from 10/8 (sometimes only ICMP on B); the appliance varies.
  const group = async (c: EC2Client, vpc: string, tag: string, perms: IpPermission[]) => {
    const g = (await c.send(new CreateSecurityGroupCommand({ VpcId: vpc, GroupName: `ap${seed}${tag}`, Description: "differential" }))).GroupId!;
    await c.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: g, IpPermissions: perms }));
    return g;
  };
  const icmp: IpPermission = { IpProtocol: "icmp", FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: "10.0.0.0/8" }] };
  const http: IpPermission = { IpProtocol: "tcp", FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: "10.0.0.0/8" }] };
  const gA = await group(a, vA, "A", [icmp, http]);
  const bOnlyIcmp = rand() < 0.3;
  const gB = await group(b, vB, "B", bOnlyIcmp ? [icmp] : [icmp, http]);
  if (bOnlyIcmp) story.push("B admits ICMP only");
  const appPerms = pick([[{ IpProtocol: "-1", IpRanges: [{ CidrIp: "10.0.0.0/8" }] }], [icmp], [http]] as IpPermission[][]);
  const gApp = await group(a, vA, "app", appPerms);
  story.push(`appliance admits ${appPerms.map((p) => p.IpProtocol).join(",")}`);
  const run = async (c: EC2Client, subnet: string, g: string, name: string): Promise<Box> => {
    const i = (await c.send(new RunInstancesCommand({ ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, SubnetId: subnet, SecurityGroupIds: [g] }))).Instances![0]!;
    return { name, id: i.InstanceId!, ip: i.PrivateIpAddress! };
  };
  const app = await run(a, a3, gApp, "app");
  const appEni = (await a.send(new DescribeInstancesCommand({ InstanceIds: [app.id] }))).Reservations![0]!.Instances![0]!.NetworkInterfaces![0]!.NetworkInterfaceId!;
  if (rand() < 0.7) {
    await a.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: appEni, SourceDestCheck: { Value: false } }));
    story.push("appliance: source/dest check off");
  } else story.push("appliance: source/dest check on");
  // a1's own table: B (and sometimes a2's subnet) through the appliance, by ENI or by instance id.
  const rt1 = (await a.send(new CreateRouteTableCommand({ VpcId: vA }))).RouteTable!.RouteTableId!;
  await a.send(new AssociateRouteTableCommand({ RouteTableId: rt1, SubnetId: a1 }));
  const target = () => (rand() < 0.5 ? { NetworkInterfaceId: appEni } : { InstanceId: app.id });
  if (rand() < 0.8) {
    await a.send(new CreateRouteCommand({ RouteTableId: rt1, DestinationCidrBlock: cB, ...target() }));
    story.push("a1: B via the appliance");
  } else {
    await a.send(new CreateRouteCommand({ RouteTableId: rt1, DestinationCidrBlock: cB, ...toB }));
    story.push("a1: B direct");
  }
  if (rand() < 0.5) {
    await a.send(new CreateRouteCommand({ RouteTableId: rt1, DestinationCidrBlock: cA.replace(".0.0/16", ".2.0/24"), ...target() }));
    story.push("a1: a2's subnet via the appliance");
  }
  const boxes = [await run(a, a1, gA, "a1"), await run(a, a2, gA, "a2"), await run(b, b1, gB, "b1"), app];
  return { boxes, story };
}

test("appliances (routes to an ENI or an instance) and transit gateways peered across regions: the kernel agrees with the engine", { skip, timeout: 150_000 }, async () => {
  const lab = await startLab({ dataplane: "netns", quotas: { vpcsPerRegion: 200, internetGatewaysPerRegion: 200 } });
  const listeners: ChildProcess[] = [];
  const mismatches: string[] = [];
  let probes = 0;
  let reached = 0;
  const seen = new Set<string>();
  try {
    const seeds = (process.env.VPCLAB_DIFF_SEEDS ?? "1,2,3,4").split(",").map(Number);
    for (const seed of seeds) {
      const { boxes, story } = await buildAppliance(lab, seed);
      for (const s of story) seen.add(s.replace(/ [0-9./]+ \(.*?\)/g, ""));
      const nsOf = async () => new Map((await lab.admin<{ instances: { id: string; ns: string }[] }>("GET", "/dataplane")).body.instances.map((i) => [i.id, i.ns]));
      let ns = await nsOf();
      for (let i = 0; i < 50 && boxes.some((b) => !ns.has(b.id)); i++) {
        await new Promise((r) => setTimeout(r, 50));
        ns = await nsOf();
      }
      for (const b of boxes) listeners.push(spawn("ip", ["netns", "exec", ns.get(b.id)!, "nc", "-lk", "80"], { stdio: "ignore" }));
      for (const b of boxes) {
        for (let i = 0; i < 100 && (await sh("ip", ["netns", "exec", ns.get(b.id)!, "sh", "-c", "ss -Hltn 'sport = :80' | grep -q LISTEN"])) !== 0; i++) {
          await new Promise((r) => setTimeout(r, 20));
        }
      }
      const checks: Promise<void>[] = [];
      const ends = boxes.filter((b) => b.name !== "app");
      for (const from of ends) {
        for (const to of ends) {
          if (from === to) continue;
          for (const proto of ["icmp", "tcp"] as const) {
            checks.push(
              (async () => {
                const argv = proto === "icmp" ? ["ping", "-c1", "-W1", to.ip] : ["nc", "-z", "-w", "1", to.ip, "80"];
                const once = async () => (await sh("ip", ["netns", "exec", ns.get(from.id)!, ...argv])) === 0;
                const kernel = (await once()) || (await once());
                const a = await lab.admin<{ verdict: string; explanations?: { code?: string }[] }>("POST", "/analyze", { from: from.id, to: to.id, protocol: proto, ...(proto === "tcp" ? { port: 80 } : {}) });
                const engine = a.body.verdict === "reachable";
                probes++;
                if (kernel) reached++;
                if (process.env.VPCLAB_DIFF_DEBUG) console.log(`seed ${seed} ${from.name}→${to.name} ${proto}: kernel ${kernel}, engine ${a.body.verdict} [${story.join("; ")}]`);
                if (kernel !== engine) mismatches.push(`seed ${seed} ${from.name}→${to.name} ${proto}: kernel ${kernel ? "reached" : "blocked"}, engine ${a.body.verdict} [${story.join("; ")}]`);
                // Every kernel drop has an engine explanation.
                if (!kernel && !(a.body.explanations ?? []).some((e) => typeof e.code === "string" && e.code !== "")) mismatches.push(`seed ${seed} ${from.name}→${to.name} ${proto}: the kernel drops it but the engine gives no explanation: ${JSON.stringify(a.body).slice(0, 300)}`);
              })(),
            );
          }
        }
      }
      await Promise.all(checks);
    }
  } finally {
    for (const l of listeners) l.kill();
    await lab.close();
  }
  assert.deepEqual(mismatches, [], `${mismatches.length} of ${probes} probes disagree`);
  assert.ok(reached > 0 && reached < probes, `reached ${reached} of ${probes}`);
  // The seeds cover both links and an appliance that forwards.
  const all = [...seen].join("; ");
  assert.match(all, /peered with B/, all);
  assert.match(all, /two peered TGWs/, all);
  assert.match(all, /a1: B via the appliance/, all);
  assert.match(all, /source\/dest check off/, all);
  assert.match(all, /a2 in a zone without an attachment subnet/, all);
});
