/**
 * Snapshots end to end: `vpclab snapshot collect` against a vpclab running the seed, the mesh
 * scenario (scenarios/mesh.yaml: transit gateways in three regions, peered) and a dual-stack "edge" VPC
 * in Frankfurt (a NAT gateway, an S3 gateway endpoint, an SSM interface endpoint, an egress-only
 * internet gateway, a customer-managed prefix list, IPv6 blocks, addresses and routes), asserted
 * read-only from the request log; `vpclab snapshot load` into a fresh vpclab gives identical
 * describe-* answers and identical verdicts for every pair; `why --snapshot` answers offline.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ec2 from "@aws-sdk/client-ec2";
import { runVpclab, startLab, type Lab } from "../support/harness.js";
import { buildSeed, type Seed } from "../support/seed.js";

const EDGE = "eu-central-1";
const REGIONS = ["ap-northeast-1", "ap-southeast-1", EDGE, "us-east-1"];

interface Edge {
  vpc: string;
  nat: string;
  eigw: string;
  s3: string;
  ssm: string;
  pl: string;
  rtPriv: string;
  rtPub: string;
  vgw: string;
  s3Ip: string;
}

/** A dual-stack VPC with public and private subnets, NAT gateway, endpoints, egress-only gateway and a prefix list. */
async function buildEdge(c: ec2.EC2Client): Promise<Edge> {
  const tag = (type: string, name: string) => [{ ResourceType: type, Tags: [{ Key: "Name", Value: name }] }] as never;
  const vpc = (await c.send(new ec2.CreateVpcCommand({ CidrBlock: "10.77.0.0/16", AmazonProvidedIpv6CidrBlock: true, TagSpecifications: tag("vpc", "edge") }))).Vpc!;
  await c.send(new ec2.ModifyVpcAttributeCommand({ VpcId: vpc.VpcId!, EnableDnsHostnames: { Value: true } }));
  const v6 = (await c.send(new ec2.DescribeVpcsCommand({ VpcIds: [vpc.VpcId!] }))).Vpcs![0]!.Ipv6CidrBlockAssociationSet![0]!.Ipv6CidrBlock!;
  const base = v6.replace(/::\/56$/, "");
  const sub = async (cidr: string, n: number, name: string) =>
    (await c.send(new ec2.CreateSubnetCommand({ VpcId: vpc.VpcId!, CidrBlock: cidr, Ipv6CidrBlock: `${base.slice(0, -2)}${n.toString(16).padStart(2, "0")}::/64`, AvailabilityZone: `${EDGE}a`, TagSpecifications: tag("subnet", name) }))).Subnet!.SubnetId!;
  const pub = await sub("10.77.0.0/24", 0, "edge-public");
  const priv = await sub("10.77.1.0/24", 1, "edge-private");
  const igw = (await c.send(new ec2.CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
  await c.send(new ec2.AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc.VpcId! }));
  const eigw = (await c.send(new ec2.CreateEgressOnlyInternetGatewayCommand({ VpcId: vpc.VpcId!, TagSpecifications: tag("egress-only-internet-gateway", "edge-eigw") }))).EgressOnlyInternetGateway!.EgressOnlyInternetGatewayId!;
  const rtPub = (await c.send(new ec2.CreateRouteTableCommand({ VpcId: vpc.VpcId! }))).RouteTable!.RouteTableId!;
  await c.send(new ec2.CreateRouteCommand({ RouteTableId: rtPub, DestinationCidrBlock: "0.0.0.0/0", GatewayId: igw }));
  await c.send(new ec2.CreateRouteCommand({ RouteTableId: rtPub, DestinationIpv6CidrBlock: "::/0", GatewayId: igw }));
  await c.send(new ec2.AssociateRouteTableCommand({ RouteTableId: rtPub, SubnetId: pub }));
  const rtPriv = (await c.send(new ec2.CreateRouteTableCommand({ VpcId: vpc.VpcId! }))).RouteTable!.RouteTableId!;
  await c.send(new ec2.AssociateRouteTableCommand({ RouteTableId: rtPriv, SubnetId: priv }));
  await c.send(new ec2.CreateRouteCommand({ RouteTableId: rtPriv, DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: eigw }));
  const alloc = (await c.send(new ec2.AllocateAddressCommand({ Domain: "vpc" }))).AllocationId!;
  const nat = (await c.send(new ec2.CreateNatGatewayCommand({ SubnetId: pub, AllocationId: alloc, TagSpecifications: tag("natgateway", "edge-nat") }))).NatGateway!.NatGatewayId!;
  await ec2.waitUntilNatGatewayAvailable({ client: c, maxWaitTime: 120, minDelay: 1, maxDelay: 2 }, { NatGatewayIds: [nat] });
  await c.send(new ec2.CreateRouteCommand({ RouteTableId: rtPriv, DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: nat }));
  const s3 = (await c.send(new ec2.CreateVpcEndpointCommand({ VpcId: vpc.VpcId!, ServiceName: `com.amazonaws.${EDGE}.s3`, RouteTableIds: [rtPriv] }))).VpcEndpoint!.VpcEndpointId!;
  const sg = (await c.send(new ec2.CreateSecurityGroupCommand({ VpcId: vpc.VpcId!, GroupName: "edge-endpoints", Description: "https from the VPC" }))).GroupId!;
  await c.send(new ec2.AuthorizeSecurityGroupIngressCommand({ GroupId: sg, IpPermissions: [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "10.77.0.0/16" }] }] }));
  const ssm = (
    await c.send(new ec2.CreateVpcEndpointCommand({ VpcId: vpc.VpcId!, VpcEndpointType: "Interface", ServiceName: `com.amazonaws.${EDGE}.ssm`, SubnetIds: [priv], SecurityGroupIds: [sg], PrivateDnsEnabled: true }))
  ).VpcEndpoint!.VpcEndpointId!;
  const pl = (
    await c.send(new ec2.CreateManagedPrefixListCommand({ PrefixListName: "edge-partners", AddressFamily: "IPv4", MaxEntries: 5, Entries: [{ Cidr: "198.51.100.0/24", Description: "partner a" }, { Cidr: "203.0.113.0/24" }], TagSpecifications: tag("prefix-list", "partners") }))
  ).PrefixList!.PrefixListId!;
  // A second version, so the list's Version is not 1.
  await c.send(new ec2.ModifyManagedPrefixListCommand({ PrefixListId: pl, CurrentVersion: 1, AddEntries: [{ Cidr: "192.0.2.0/24", Description: "partner c" }] }));
  // The list in a route (partners through the internet gateway from the public subnet) and in a rule.
  await c.send(new ec2.CreateRouteCommand({ RouteTableId: rtPub, DestinationPrefixListId: pl, GatewayId: igw }));
  await c.send(new ec2.AuthorizeSecurityGroupIngressCommand({ GroupId: sg, IpPermissions: [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: pl, Description: "partners" }] }] }));
  // Site-to-Site VPN: a gateway attached to the VPC, a customer gateway, a static-routes connection,
  // and propagation into the private table (the on-premises 172.20.0.0/16 appears there).
  const vgw = (await c.send(new ec2.CreateVpnGatewayCommand({ Type: "ipsec.1", AmazonSideAsn: 64600, TagSpecifications: tag("vpn-gateway", "edge-vgw") }))).VpnGateway!.VpnGatewayId!;
  await c.send(new ec2.AttachVpnGatewayCommand({ VpnGatewayId: vgw, VpcId: vpc.VpcId! }));
  const cgw = (await c.send(new ec2.CreateCustomerGatewayCommand({ Type: "ipsec.1", BgpAsn: 65010, IpAddress: "198.51.100.7", TagSpecifications: tag("customer-gateway", "office") }))).CustomerGateway!.CustomerGatewayId!;
  const vpn = (await c.send(new ec2.CreateVpnConnectionCommand({ Type: "ipsec.1", CustomerGatewayId: cgw, VpnGatewayId: vgw, Options: { StaticRoutesOnly: true } }))).VpnConnection!.VpnConnectionId!;
  await c.send(new ec2.CreateVpnConnectionRouteCommand({ VpnConnectionId: vpn, DestinationCidrBlock: "172.20.0.0/16" }));
  await c.send(new ec2.EnableVgwRoutePropagationCommand({ RouteTableId: rtPriv, GatewayId: vgw }));
  for (let i = 0; i < 100; i++) {
    const g = (await c.send(new ec2.DescribeVpnGatewaysCommand({ VpnGatewayIds: [vgw] }))).VpnGateways![0]!;
    const v = (await c.send(new ec2.DescribeVpnConnectionsCommand({ VpnConnectionIds: [vpn] }))).VpnConnections![0]!;
    if (g.VpcAttachments?.[0]?.State === "attached" && v.State === "available") break;
    await new Promise((r) => setTimeout(r, 200));
  }
  for (const [subnet, name] of [[pub, "edge-web"], [priv, "edge-app"]] as const) {
    await c.send(new ec2.RunInstancesCommand({ ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, SubnetId: subnet, Ipv6AddressCount: 1, TagSpecifications: tag("instance", name) }));
  }
  // An address of AWS's S3 list for the region (model/service-prefixes.ts: 52.219.44.0/22).
  return { vpc: vpc.VpcId!, nat, eigw, s3, ssm, pl, rtPriv, rtPub, vgw, s3Ip: "52.219.44.10" };
}

/** Every describe-* answer a user sees in the seed's regions (without response metadata). */
async function everything(lab: Lab): Promise<unknown> {
  const out: Record<string, unknown> = {};
  for (const region of REGIONS) {
    const c = lab.ec2(region);
    const calls: [string, unknown][] = [
      ["vpcs", new ec2.DescribeVpcsCommand({})],
      ["subnets", new ec2.DescribeSubnetsCommand({})],
      ["routeTables", new ec2.DescribeRouteTablesCommand({})],
      ["igws", new ec2.DescribeInternetGatewaysCommand({})],
      ["pcx", new ec2.DescribeVpcPeeringConnectionsCommand({})],
      ["sgs", new ec2.DescribeSecurityGroupsCommand({})],
      ["sgRules", new ec2.DescribeSecurityGroupRulesCommand({})],
      ["acls", new ec2.DescribeNetworkAclsCommand({})],
      ["enis", new ec2.DescribeNetworkInterfacesCommand({})],
      ["instances", new ec2.DescribeInstancesCommand({})],
      ["addresses", new ec2.DescribeAddressesCommand({})],
      ["dhcp", new ec2.DescribeDhcpOptionsCommand({})],
      ["volumes", new ec2.DescribeVolumesCommand({})],
      ["tgws", new ec2.DescribeTransitGatewaysCommand({})],
      ["tgwVpcAttachments", new ec2.DescribeTransitGatewayVpcAttachmentsCommand({})],
      ["tgwPeeringAttachments", new ec2.DescribeTransitGatewayPeeringAttachmentsCommand({})],
      ["tgwAttachments", new ec2.DescribeTransitGatewayAttachmentsCommand({})],
      ["tgwRouteTables", new ec2.DescribeTransitGatewayRouteTablesCommand({})],
      ["natGateways", new ec2.DescribeNatGatewaysCommand({})],
      ["eigws", new ec2.DescribeEgressOnlyInternetGatewaysCommand({})],
      ["vpcEndpoints", new ec2.DescribeVpcEndpointsCommand({})],
      ["managedPrefixLists", new ec2.DescribeManagedPrefixListsCommand({})],
      ["prefixLists", new ec2.DescribePrefixListsCommand({})],
      ["vgws", new ec2.DescribeVpnGatewaysCommand({})],
      ["cgws", new ec2.DescribeCustomerGatewaysCommand({})],
      ["vpns", new ec2.DescribeVpnConnectionsCommand({})],
    ];
    for (const [name, cmd] of calls) {
      const { $metadata: _m, ...rest } = (await c.send(cmd as never)) as unknown as Record<string, unknown>;
      out[`${region}/${name}`] = rest;
    }
    for (const l of (out[`${region}/managedPrefixLists`] as ec2.DescribeManagedPrefixListsResult).PrefixLists ?? []) {
      const { $metadata: _e, ...entries } = await c.send(new ec2.GetManagedPrefixListEntriesCommand({ PrefixListId: l.PrefixListId! }));
      out[`${region}/${l.PrefixListId}/entries`] = entries;
    }
    const tables = (out[`${region}/tgwRouteTables`] as ec2.DescribeTransitGatewayRouteTablesResult).TransitGatewayRouteTables ?? [];
    for (const t of tables) {
      const id = t.TransitGatewayRouteTableId!;
      const strip = (x: { $metadata?: unknown }) => ({ ...x, $metadata: undefined });
      out[`${region}/${id}/associations`] = strip(await c.send(new ec2.GetTransitGatewayRouteTableAssociationsCommand({ TransitGatewayRouteTableId: id })));
      out[`${region}/${id}/propagations`] = strip(await c.send(new ec2.GetTransitGatewayRouteTablePropagationsCommand({ TransitGatewayRouteTableId: id })));
      out[`${region}/${id}/routes`] = strip(
        await c.send(new ec2.SearchTransitGatewayRoutesCommand({ TransitGatewayRouteTableId: id, Filters: [{ Name: "type", Values: ["static", "propagated"] }] })),
      );
    }
  }
  return out;
}

interface Verdict {
  verdict: string;
  explanations?: { code: string }[];
}

async function verdicts(lab: Lab, s: Seed, e: Edge): Promise<Record<string, string>> {
  // The seed's two instances, the mesh scenario's four (reached through transit gateways), and the
  // edge VPC's two (the private one goes out through the NAT gateway and to S3 through the endpoint).
  // Beyond them: a partner address (the prefix-list route) and an on-premises one (the VPN).
  const ends = ["tokyo-box", "singapore-box", s.tokyoIp, s.singaporeIp, "tokyo-1", "singapore-1", "virginia-app-1", "virginia-data-1", "edge-web", "edge-app", "8.8.8.8", e.s3Ip, "203.0.113.9", "172.20.1.1", "internet"];
  const out: Record<string, string> = {};
  for (const from of ends) {
    for (const to of ends) {
      if (from === to || to === "internet" || ["8.8.8.8", e.s3Ip, "203.0.113.9", "172.20.1.1"].includes(from)) continue;
      for (const q of [{ protocol: "icmp" }, { protocol: "tcp", port: 22 }, { protocol: "tcp", port: 443 }, { protocol: "udp", port: 53 }]) {
        const r = await lab.admin<Verdict>("POST", "/analyze", { from, to, ...q });
        out[`${from} → ${to} ${q.protocol}:${"port" in q ? q.port : ""}`] = r.status === 200 ? `${r.body.verdict} ${(r.body.explanations ?? []).map((e) => e.code).join(",")}` : `HTTP ${r.status}`;
      }
    }
  }
  return out;
}

describe("vpclab snapshot", { timeout: 300_000 }, () => {
  let src: Lab;
  let dst: Lab;
  let seed: Seed;
  let edge: Edge;
  let dir: string;
  before(async () => {
    src = await startLab();
    dst = await startLab();
    seed = await buildSeed(src, src.ec2("ap-northeast-1"), src.ec2("ap-southeast-1"));
    const up = await runVpclab(["up", "scenarios/mesh.yaml", "--endpoint-url", src.url], 120_000);
    assert.equal(up.code, 0, up.stderr + up.stdout);
    edge = await buildEdge(src.ec2(EDGE));
    dir = mkdtempSync(join(tmpdir(), "vpclab-snap-"));
  });
  after(async () => {
    await src?.close();
    await dst?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("collect writes one file per region and call plus a manifest, and sends only Describe/Get calls", async () => {
    const before = (await src.admin<{ total: number }>("GET", "/requests")).body.total;
    const r = await runVpclab(["snapshot", "collect", "--out", dir, "--regions", REGIONS.join(","), "--endpoint-url", src.url]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /collected 1 account\(s\) \(000000000000\)/);
    // The per-region progress line.
    assert.match(r.stderr, /000000000000 ap-northeast-1 \[#+\] \d+\/\d+ calls/);
    const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    assert.equal(m.format, "vpclab-snapshot");
    assert.deepEqual(m.accounts.map((a: { account: string; regions: string[] }) => [a.account, a.regions]), [["000000000000", REGIONS]]);
    assert.match(m.tool, /^vpclab /);
    const vpcs = JSON.parse(readFileSync(join(dir, "000000000000", "ap-northeast-1", "describe-vpcs.json"), "utf8"));
    assert.ok(vpcs.Vpcs.some((v: { VpcId: string }) => v.VpcId === seed.vpc));
    assert.ok(existsSync(join(dir, "000000000000", "ap-southeast-1", "describe-instances.json")));
    // Transit gateway route tables: one file per table and per-table call.
    const tables = JSON.parse(readFileSync(join(dir, "000000000000", "us-east-1", "describe-transit-gateway-route-tables.json"), "utf8")).TransitGatewayRouteTables;
    assert.ok(tables.length >= 1);
    for (const call of ["get-transit-gateway-route-table-associations", "get-transit-gateway-route-table-propagations", "search-transit-gateway-routes"]) {
      assert.ok(existsSync(join(dir, "000000000000", "us-east-1", `${call}.${tables[0].TransitGatewayRouteTableId}.json`)), call);
    }
    const log = (await src.admin<{ requests: { action: string }[] }>("GET", `/requests?since=${before}`)).body.requests;
    assert.ok(log.length >= 3 * 18, `expected the Describe calls in the log, got ${log.length}`);
    const mutating = log.filter((e) => !/^(Describe|Get|Search)/.test(e.action));
    assert.deepEqual(mutating, [], "collect must never call a mutating action");
    assert.ok(log.some((e) => e.action === "GetCallerIdentity"));
    // Every call it made is in the read-only policy README.md documents (iamActions(), checked equal to
    // README's list by src/snapshot/collect.test.ts).
    const { iamActions } = await import("../../src/snapshot/collect.js");
    const allowed = new Set(iamActions().map((a) => a.split(":")[1]));
    assert.deepEqual([...new Set(log.map((e) => e.action))].filter((a) => !allowed.has(a)), []);
    for (const a of ["SearchTransitGatewayRoutes", "GetTransitGatewayRouteTablePropagations", "DescribeTransitGatewayPeeringAttachments"]) assert.ok(log.some((e) => e.action === a), a);
  });

  test("load into a fresh vpclab: every describe-* answer and every pair's verdict is identical", async () => {
    const r = await runVpclab(["snapshot", "load", dir, "--endpoint-url", dst.url]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /loaded 1 account\(s\), 4 region\(s\)/);
    assert.match(r.stdout, /3 transitGateways/);
    assert.doesNotMatch(r.stdout, /TransitGateway/, "no transit gateway kind is reported as unmodelled");
    // Issue 12's kinds are modelled: none is reported as unmodelled, and each loaded.
    assert.match(r.stdout, /1 natGateways/);
    assert.match(r.stdout, /2 vpcEndpoints/);
    assert.match(r.stdout, /1 egressOnlyInternetGateways/);
    assert.match(r.stdout, /1 managedPrefixLists/);
    assert.match(r.stdout, /1 vpnGateways, 1 customerGateways, 1 vpnConnections/);
    assert.doesNotMatch(r.stdout, /\b(NatGateways|VpcEndpoints|EgressOnlyInternetGateways|PrefixLists|VpnGateways|CustomerGateways|VpnConnections)\b/, "none of issue 12's kinds is reported as unmodelled");
    assert.doesNotMatch(r.stdout + r.stderr, /not modelled; route left out|IPv6 and prefix-list/);
    const mine = await everything(dst);
    assert.deepEqual(mine, await everything(src));
    // The comparison covered what it should: IPv6 routes and blocks, the endpoint's prefix-list route.
    const rts = (mine as Record<string, ec2.DescribeRouteTablesResult>)[`${EDGE}/routeTables`]!.RouteTables!;
    const priv = rts.find((t) => t.RouteTableId === edge.rtPriv)!.Routes!;
    assert.ok(priv.some((x) => x.DestinationIpv6CidrBlock === "::/0" && x.EgressOnlyInternetGatewayId === edge.eigw));
    assert.ok(priv.some((x) => x.DestinationPrefixListId?.startsWith("pl-") && x.GatewayId === edge.s3));
    assert.ok(priv.some((x) => x.DestinationCidrBlock === "0.0.0.0/0" && x.NatGatewayId === edge.nat && x.State === "active"));
    assert.ok(priv.some((x) => x.DestinationCidrBlock === "172.20.0.0/16" && x.GatewayId === edge.vgw && x.Origin === "EnableVgwRoutePropagation"));
    const pub = rts.find((t) => t.RouteTableId === edge.rtPub)!.Routes!;
    assert.ok(pub.some((x) => x.DestinationPrefixListId === edge.pl && x.State === "active"));
    const rules = (mine as Record<string, ec2.DescribeSecurityGroupRulesResult>)[`${EDGE}/sgRules`]!.SecurityGroupRules!;
    assert.ok(rules.some((x) => x.PrefixListId === edge.pl && x.FromPort === 443));
    const subnets = (mine as Record<string, ec2.DescribeSubnetsResult>)[`${EDGE}/subnets`]!.Subnets!.filter((x) => x.VpcId === edge.vpc);
    assert.equal(subnets.filter((x) => x.Ipv6CidrBlockAssociationSet?.length === 1).length, 2);
    const enis = (mine as Record<string, ec2.DescribeNetworkInterfacesResult>)[`${EDGE}/enis`]!.NetworkInterfaces!;
    assert.equal(enis.filter((x) => x.Ipv6Addresses?.length === 1).length, 2);
    assert.ok(enis.some((x) => (x.InterfaceType as string) === "nat_gateway" && x.RequesterManaged));
    const entries = (mine as Record<string, ec2.GetManagedPrefixListEntriesResult>)[`${EDGE}/${edge.pl}/entries`]!.Entries!;
    assert.equal(entries.length, 3);
    const want = await verdicts(src, seed, edge);
    assert.ok(Object.values(want).some((v) => v.startsWith("reachable")) && Object.values(want).some((v) => v.startsWith("blocked")));
    // The mesh's pairs cross transit gateways (and TGW peerings): reachable in both.
    assert.match(want["tokyo-1 → virginia-data-1 tcp:22"]!, /^reachable/);
    assert.match(want["edge-app → 8.8.8.8 tcp:443"]!, /^reachable/);
    assert.match(want[`edge-app → ${edge.s3Ip} tcp:443`]!, /^reachable/);
    assert.match(want["internet → edge-app tcp:22"]!, /^blocked/);
    assert.match(want["edge-app → 172.20.1.1 tcp:443"]!, /^reachable/);
    assert.deepEqual(await verdicts(dst, seed, edge), want);
  });

  test("why --snapshot answers offline, with the same verdict as the server", async () => {
    const ok = await runVpclab(["why", "--snapshot", dir, "tokyo-box", "singapore-box", "--protocol", "tcp", "--port", "22"]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    const no = await runVpclab(["why", "--snapshot", dir, "tokyo-box", "singapore-box", "--protocol", "tcp", "--port", "443", "--json"]);
    assert.equal(no.code, 1, no.stderr);
    const offline = JSON.parse(no.stdout) as Verdict;
    const online = (await src.admin<Verdict>("POST", "/analyze", { from: "tokyo-box", to: "singapore-box", protocol: "tcp", port: 443 })).body;
    assert.equal(offline.verdict, "blocked");
    assert.deepEqual(offline.explanations!.map((e) => e.code), online.explanations!.map((e) => e.code));
    // The mesh's transit gateway routes go both ways and every attachment carries traffic: the audit
    // of the snapshot finds no one-sided route and no idle connection.
    const au = await runVpclab(["audit", "--snapshot", dir, "--json"]);
    assert.equal(au.code, 0, au.stderr);
    const kinds = (JSON.parse(au.stdout) as { findings: { kind: string; summary: string }[] }).findings.filter((f) => f.kind === "one-sided-route" || f.kind === "unused-connection");
    assert.deepEqual(kinds, []);
    const tr = await runVpclab(["trace", "--snapshot", dir, "tokyo-box", "singapore-box"]);
    assert.equal(tr.code, 0, tr.stderr);
    assert.match(tr.stdout, new RegExp(seed.pcx));
  });
});
