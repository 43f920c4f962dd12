/**
 * Virtual private gateways, customer gateways and VPN connections through the SDK and the AWS CLI:
 * states, one gateway per VPC, static VPN routes, route propagation into route tables (origin
 * EnableVgwRoutePropagation, PropagatingVgws), routes to `vgw-…`, the refusals; and in the network the
 * on-premises side: delivered when a static route covers the address, explained when not.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  AttachVpnGatewayCommand,
  CreateCustomerGatewayCommand,
  CreateRouteCommand,
  CreateManagedPrefixListCommand,
  DeleteRouteCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  CreateVpnConnectionCommand,
  CreateVpnConnectionRouteCommand,
  CreateVpnGatewayCommand,
  DeleteCustomerGatewayCommand,
  DeleteVpcCommand,
  DeleteVpnConnectionCommand,
  DeleteVpnConnectionRouteCommand,
  DeleteVpnGatewayCommand,
  DescribeCustomerGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeTagsCommand,
  DescribeVpnConnectionsCommand,
  DescribeVpnGatewaysCommand,
  DetachVpnGatewayCommand,
  DisableVgwRoutePropagationCommand,
  EnableVgwRoutePropagationCommand,
  RunInstancesCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { startLab, expectEc2Error, runVpclab, type Lab } from "../support/harness.js";

const REGION = "eu-west-1";

describe("VPN gateways, customer gateways, VPN connections and route propagation", () => {
  let lab: Lab;
  let ec2: EC2Client;
  const s = {} as Record<string, string>;
  const analyze = async (to: string) => {
    const r = await lab.admin<{ verdict: string; pathMtu: number; forward: { kind: string; id: string; detail: string }[]; return: { kind: string }[]; explanations: { code: string; reason: string; component: { id: string } }[] }>(
      "POST",
      "/analyze",
      { from: "vpn-box", to, protocol: "icmp", region: REGION },
    );
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };
  const mainRoutes = async () => (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [s.rt] }))).RouteTables![0]!;

  before(async () => {
    lab = await startLab();
    ec2 = lab.ec2(REGION);
    s.vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.40.0.0/16" }))).Vpc!.VpcId!;
    s.subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: s.vpc, CidrBlock: "10.40.1.0/24" }))).Subnet!.SubnetId!;
    const inst = (await ec2.send(new RunInstancesCommand({ ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, SubnetId: s.subnet }))).Instances![0]!;
    await ec2.send(new CreateTagsCommand({ Resources: [inst.InstanceId!], Tags: [{ Key: "Name", Value: "vpn-box" }] }));
    s.rt = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [s.vpc] }] }))).RouteTables![0]!.RouteTableId!;
  });
  after(async () => {
    await lab?.close();
  });

  it("creates and attaches a virtual private gateway (attaching → attached), one per VPC", async () => {
    const g = (
      await ec2.send(new CreateVpnGatewayCommand({ Type: "ipsec.1", AmazonSideAsn: 64600, TagSpecifications: [{ ResourceType: "vpn-gateway", Tags: [{ Key: "Name", Value: "vgw-a" }] }] }))
    ).VpnGateway!;
    assert.match(g.VpnGatewayId!, /^vgw-[0-9a-f]{17}$/);
    assert.equal(g.State, "available");
    assert.equal(g.AmazonSideAsn, 64600);
    assert.deepEqual(g.VpcAttachments, []);
    s.vgw = g.VpnGatewayId!;
    const att = await ec2.send(new AttachVpnGatewayCommand({ VpnGatewayId: s.vgw, VpcId: s.vpc }));
    assert.deepEqual(att.VpcAttachment, { VpcId: s.vpc, State: "attaching" });
    const described = (await ec2.send(new DescribeVpnGatewaysCommand({ VpnGatewayIds: [s.vgw] }))).VpnGateways![0]!;
    assert.deepEqual(described.VpcAttachments, [{ VpcId: s.vpc, State: "attached" }]);
    assert.deepEqual(described.Tags, [{ Key: "Name", Value: "vgw-a" }]);
    const byFilter = (await ec2.send(new DescribeVpnGatewaysCommand({ Filters: [{ Name: "attachment.vpc-id", Values: [s.vpc] }] }))).VpnGateways!;
    assert.deepEqual(byFilter.map((x) => x.VpnGatewayId), [s.vgw]);

    const other = (await ec2.send(new CreateVpnGatewayCommand({ Type: "ipsec.1" }))).VpnGateway!.VpnGatewayId!;
    await expectEc2Error(ec2.send(new AttachVpnGatewayCommand({ VpnGatewayId: other, VpcId: s.vpc })), "VpnGatewayAttachmentLimitExceeded");
    await expectEc2Error(ec2.send(new CreateVpnGatewayCommand({ Type: "ipsec.2" as never })), "InvalidParameterValue");
    await expectEc2Error(ec2.send(new DescribeVpnGatewaysCommand({ VpnGatewayIds: ["vgw-0123456789abcdef0"] })), "InvalidVpnGatewayID.NotFound");
    await expectEc2Error(ec2.send(new DeleteVpcCommand({ VpcId: s.vpc })), "DependencyViolation");
    await ec2.send(new DeleteVpnGatewayCommand({ VpnGatewayId: other }));
    assert.equal((await ec2.send(new DescribeVpnGatewaysCommand({ VpnGatewayIds: [other] }))).VpnGateways![0]!.State, "deleted");
  });

  it("customer gateway and VPN connection (pending → available) with static routes, through the AWS CLI too", async () => {
    const cgw = await lab.cli(["ec2", "create-customer-gateway", "--type", "ipsec.1", "--public-ip", "203.0.113.10", "--bgp-asn", "65010"], { region: REGION });
    assert.equal(cgw.code, 0, cgw.stderr);
    s.cgw = (cgw.json as { CustomerGateway: { CustomerGatewayId: string; State: string; IpAddress: string; BgpAsn: string } }).CustomerGateway.CustomerGatewayId;
    const cg = (await ec2.send(new DescribeCustomerGatewaysCommand({ CustomerGatewayIds: [s.cgw] }))).CustomerGateways![0]!;
    assert.deepEqual([cg.State, cg.IpAddress, cg.BgpAsn, cg.Type], ["available", "203.0.113.10", "65010", "ipsec.1"]);
    await expectEc2Error(ec2.send(new CreateCustomerGatewayCommand({ Type: "ipsec.1", IpAddress: "not-an-ip", BgpAsn: 65000 })), "InvalidParameterValue");

    const c = (await ec2.send(new CreateVpnConnectionCommand({ Type: "ipsec.1", CustomerGatewayId: s.cgw, VpnGatewayId: s.vgw, Options: { StaticRoutesOnly: true } }))).VpnConnection!;
    assert.match(c.VpnConnectionId!, /^vpn-[0-9a-f]{17}$/);
    assert.equal(c.State, "pending");
    s.vpn = c.VpnConnectionId!;
    await ec2.send(new CreateVpnConnectionRouteCommand({ VpnConnectionId: s.vpn, DestinationCidrBlock: "172.16.0.0/16" }));
    await expectEc2Error(ec2.send(new CreateVpnConnectionRouteCommand({ VpnConnectionId: s.vpn, DestinationCidrBlock: "172.16.0.0/16" })), "RouteAlreadyExists");
    const cli = await lab.cli(["ec2", "describe-vpn-connections", "--vpn-connection-ids", s.vpn], { region: REGION });
    assert.equal(cli.code, 0, cli.stderr);
    const v = (cli.json as { VpnConnections: { State: string; VpnGatewayId: string; Options: { StaticRoutesOnly: boolean }; Routes: { DestinationCidrBlock: string; State: string }[] }[] }).VpnConnections[0]!;
    assert.equal(v.State, "available");
    assert.equal(v.VpnGatewayId, s.vgw);
    assert.equal(v.Options.StaticRoutesOnly, true);
    assert.deepEqual(v.Routes.map((r) => [r.DestinationCidrBlock, r.State]), [["172.16.0.0/16", "available"]]);

    // A BGP connection takes no static routes; a transit gateway connection is not modelled.
    const bgp = (await ec2.send(new CreateVpnConnectionCommand({ Type: "ipsec.1", CustomerGatewayId: s.cgw, VpnGatewayId: s.vgw }))).VpnConnection!.VpnConnectionId!;
    await expectEc2Error(ec2.send(new CreateVpnConnectionRouteCommand({ VpnConnectionId: bgp, DestinationCidrBlock: "172.20.0.0/16" })), "InvalidParameterValue");
    await ec2.send(new DeleteVpnConnectionCommand({ VpnConnectionId: bgp }));
    await expectEc2Error(ec2.send(new CreateVpnConnectionCommand({ Type: "ipsec.1", CustomerGatewayId: s.cgw, TransitGatewayId: "tgw-0123456789abcdef0" })), "InvalidParameterValue");
    await expectEc2Error(ec2.send(new DescribeVpnConnectionsCommand({ VpnConnectionIds: ["vpn-0123456789abcdef0"] })), "InvalidVpnConnectionID.NotFound");
    const tagged = (await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: "resource-type", Values: ["vpn-gateway"] }] }))).Tags!;
    assert.deepEqual(tagged.map((t) => t.ResourceId), [s.vgw]);
  });

  it("route propagation: the VPN's static routes appear with origin EnableVgwRoutePropagation, and on-premises answers", async () => {
    assert.equal((await analyze("172.16.5.5")).verdict, "blocked");
    await ec2.send(new EnableVgwRoutePropagationCommand({ RouteTableId: s.rt, GatewayId: s.vgw }));
    const t = await mainRoutes();
    assert.deepEqual(t.PropagatingVgws, [{ GatewayId: s.vgw }]);
    const prop = t.Routes!.find((r) => r.DestinationCidrBlock === "172.16.0.0/16")!;
    assert.deepEqual([prop.GatewayId, prop.Origin, prop.State], [s.vgw, "EnableVgwRoutePropagation", "active"]);

    const a = await analyze("172.16.5.5");
    assert.equal(a.verdict, "reachable", JSON.stringify(a.explanations));
    assert.deepEqual(a.forward.filter((h) => ["vgw", "vpn-connection", "on-premises"].includes(h.kind)).map((h) => h.kind), ["vgw", "vpn-connection", "on-premises"]);
    assert.ok(a.return.some((h) => h.kind === "vpn-connection"), "the reply comes back over the VPN");
    assert.ok(!a.return.some((h) => h.kind === "igw"), "not through an internet gateway");
    assert.equal(a.pathMtu, 1446);
    const why = await runVpclab(["why", "vpn-box", "172.16.5.5", "--region", REGION, "--endpoint-url", lab.url]);
    assert.equal(why.code, 0, why.stdout + why.stderr);
    assert.match(why.stdout, /delivered to on-premises/);

    // An address no static route covers: a route to the gateway still cannot deliver it, and says why.
    await ec2.send(new CreateRouteCommand({ RouteTableId: s.rt, DestinationCidrBlock: "172.17.0.0/16", GatewayId: s.vgw }));
    const miss = await analyze("172.17.0.9");
    assert.equal(miss.verdict, "blocked");
    const e = miss.explanations.find((x) => x.code === "NO_ROUTE_TO_DESTINATION")!;
    assert.equal(e.component.id, s.vgw);
    assert.match(e.reason, /on-premises networks are 172\.16\.0\.0\/16/);

    // A prefix-list route with the same block beats the propagated route (route priority), through an appliance.
    const appliance = (await ec2.send(new RunInstancesCommand({ ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, SubnetId: s.subnet }))).Instances![0]!.InstanceId!;
    const pl = (await ec2.send(new CreateManagedPrefixListCommand({ PrefixListName: "onprem", AddressFamily: "IPv4", MaxEntries: 2, Entries: [{ Cidr: "172.16.0.0/16" }] }))).PrefixList!.PrefixListId!;
    await ec2.send(new CreateRouteCommand({ RouteTableId: s.rt, DestinationPrefixListId: pl, InstanceId: appliance }));
    const viaPl = await analyze("172.16.5.5");
    assert.match(viaPl.forward.find((h) => h.kind === "route-table")!.detail, new RegExp(`^${pl} entry 172\\.16\\.0\\.0/16 → ${appliance}`));
    await ec2.send(new DeleteRouteCommand({ RouteTableId: s.rt, DestinationPrefixListId: pl }));
    assert.equal((await analyze("172.16.5.5")).verdict, "reachable");

    // Removing the static route removes the propagated route.
    await ec2.send(new DeleteVpnConnectionRouteCommand({ VpnConnectionId: s.vpn, DestinationCidrBlock: "172.16.0.0/16" }));
    assert.equal((await mainRoutes()).Routes!.some((r) => r.Origin === "EnableVgwRoutePropagation"), false);
    await ec2.send(new CreateVpnConnectionRouteCommand({ VpnConnectionId: s.vpn, DestinationCidrBlock: "172.16.0.0/16" }));
    assert.equal((await mainRoutes()).Routes!.filter((r) => r.Origin === "EnableVgwRoutePropagation").length, 1);
    await ec2.send(new DisableVgwRoutePropagationCommand({ RouteTableId: s.rt, GatewayId: s.vgw }));
    const off = await mainRoutes();
    assert.deepEqual(off.PropagatingVgws, []);
    assert.equal(off.Routes!.some((r) => r.Origin === "EnableVgwRoutePropagation"), false);
  });

  it("detaching makes routes to the gateway blackholes; deletion order is enforced", async () => {
    await expectEc2Error(ec2.send(new DeleteVpnGatewayCommand({ VpnGatewayId: s.vgw })), "IncorrectState");
    await ec2.send(new DetachVpnGatewayCommand({ VpnGatewayId: s.vgw, VpcId: s.vpc }));
    assert.deepEqual((await ec2.send(new DescribeVpnGatewaysCommand({ VpnGatewayIds: [s.vgw] }))).VpnGateways![0]!.VpcAttachments, [{ VpcId: s.vpc, State: "detached" }]);
    await expectEc2Error(ec2.send(new DetachVpnGatewayCommand({ VpnGatewayId: s.vgw, VpcId: s.vpc })), "InvalidVpnGatewayAttachment.NotFound");
    const r = (await mainRoutes()).Routes!.find((x) => x.DestinationCidrBlock === "172.17.0.0/16")!;
    assert.equal(r.State, "blackhole");
    const a = await analyze("172.17.0.9");
    assert.ok(a.explanations.some((x) => x.code === "BAD_STATE_ROUTE" && x.reason.includes("not attached")), JSON.stringify(a.explanations));
    await expectEc2Error(ec2.send(new DeleteVpnGatewayCommand({ VpnGatewayId: s.vgw })), "IncorrectState");
    await expectEc2Error(ec2.send(new DeleteCustomerGatewayCommand({ CustomerGatewayId: s.cgw })), "IncorrectState");
    await ec2.send(new DeleteVpnConnectionCommand({ VpnConnectionId: s.vpn }));
    assert.equal((await ec2.send(new DescribeVpnConnectionsCommand({ VpnConnectionIds: [s.vpn] }))).VpnConnections![0]!.State, "deleted");
    await ec2.send(new DeleteCustomerGatewayCommand({ CustomerGatewayId: s.cgw }));
    await ec2.send(new DeleteVpnGatewayCommand({ VpnGatewayId: s.vgw }));
    await expectEc2Error(ec2.send(new AttachVpnGatewayCommand({ VpnGatewayId: s.vgw, VpcId: s.vpc })), "InvalidVpnGatewayID.NotFound");
  });
});

describe("VPN and prefix-list records survive a restart (data directory)", () => {
  it("a restarted server has the gateway, connection, propagation, prefix-list route and rule, and answers the same", async () => {
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "vpclab-vpn-"));
    const first = await startLab({ dataDir: dir });
    let second: Lab | undefined;
    try {
      const ec2 = first.ec2(REGION);
      const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.50.0.0/16" }))).Vpc!.VpcId!;
      const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.50.1.0/24" }))).Subnet!.SubnetId!;
      const inst = (await ec2.send(new RunInstancesCommand({ ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, SubnetId: subnet }))).Instances![0]!.InstanceId!;
      const rt = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpc] }] }))).RouteTables![0]!.RouteTableId!;
      const vgw = (await ec2.send(new CreateVpnGatewayCommand({ Type: "ipsec.1" }))).VpnGateway!.VpnGatewayId!;
      await ec2.send(new AttachVpnGatewayCommand({ VpnGatewayId: vgw, VpcId: vpc }));
      const cgw = (await ec2.send(new CreateCustomerGatewayCommand({ Type: "ipsec.1", IpAddress: "198.51.100.7", BgpAsn: 65001 }))).CustomerGateway!.CustomerGatewayId!;
      const vpn = (await ec2.send(new CreateVpnConnectionCommand({ Type: "ipsec.1", CustomerGatewayId: cgw, VpnGatewayId: vgw, Options: { StaticRoutesOnly: true } }))).VpnConnection!.VpnConnectionId!;
      await ec2.send(new CreateVpnConnectionRouteCommand({ VpnConnectionId: vpn, DestinationCidrBlock: "192.168.0.0/16" }));
      await ec2.send(new EnableVgwRoutePropagationCommand({ RouteTableId: rt, GatewayId: vgw }));
      const pl = (await ec2.send(new CreateManagedPrefixListCommand({ PrefixListName: "dc", AddressFamily: "IPv4", MaxEntries: 3, Entries: [{ Cidr: "172.20.0.0/16" }] }))).PrefixList!.PrefixListId!;
      await ec2.send(new CreateRouteCommand({ RouteTableId: rt, DestinationPrefixListId: pl, GatewayId: vgw }));
      const before = JSON.stringify((await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rt] }))).RouteTables![0]);
      const verdict = async (lab: Lab, to: string) => (await lab.admin<{ verdict: string }>("POST", "/analyze", { from: inst, to, protocol: "icmp", region: REGION })).body.verdict;
      assert.equal(await verdict(first, "192.168.3.3"), "reachable");
      assert.equal(await verdict(first, "172.20.1.1"), "blocked"); // the list's entry reaches the gateway, no VPN route covers it
      await first.close();

      second = await startLab({ dataDir: dir });
      const again = second.ec2(REGION);
      assert.equal(JSON.stringify((await again.send(new DescribeRouteTablesCommand({ RouteTableIds: [rt] }))).RouteTables![0]), before);
      assert.equal((await again.send(new DescribeVpnConnectionsCommand({ VpnConnectionIds: [vpn] }))).VpnConnections![0]!.Routes![0]!.DestinationCidrBlock, "192.168.0.0/16");
      assert.equal(await verdict(second, "192.168.3.3"), "reachable");
      await again.send(new CreateVpnConnectionRouteCommand({ VpnConnectionId: vpn, DestinationCidrBlock: "172.20.0.0/16" }));
      assert.equal(await verdict(second, "172.20.1.1"), "reachable");
    } finally {
      await second?.close();
      await first.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
