/**
 * Managed prefix lists in use, through the SDK, the AWS CLI and `vpclab why`: a security-group rule
 * that names a list admits exactly the list's CIDR blocks, and changing the list changes the verdict
 * without touching the group; a route to a prefix list (DestinationPrefixListId) carries traffic for
 * each entry and follows the list; references are listed as associations, counted as MaxEntries against
 * the quotas, and block deleting or shrinking the list; transit gateway prefix-list references.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  AcceptVpcPeeringConnectionCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateManagedPrefixListCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  AssociateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateNetworkInsightsPathCommand,
  StartNetworkInsightsAnalysisCommand,
  DescribeNetworkInsightsAnalysesCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DeleteManagedPrefixListCommand,
  DeleteRouteCommand,
  DescribeManagedPrefixListsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  GetManagedPrefixListAssociationsCommand,
  ModifyManagedPrefixListCommand,
  ReplaceRouteCommand,
  RevokeSecurityGroupIngressCommand,
  RunInstancesCommand,
  CreateTransitGatewayCommand,
  CreateTransitGatewayRouteTableCommand,
  CreateTransitGatewayVpcAttachmentCommand,
  CreateTransitGatewayRouteCommand,
  CreateTransitGatewayPrefixListReferenceCommand,
  GetTransitGatewayPrefixListReferencesCommand,
  ModifyTransitGatewayPrefixListReferenceCommand,
  DeleteTransitGatewayPrefixListReferenceCommand,
  SearchTransitGatewayRoutesCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { startLab, expectEc2Error, runVpclab, type Lab } from "../support/harness.js";

const REGION = "eu-west-1";

describe("prefix lists in security groups and routes", () => {
  let lab: Lab;
  let ec2: EC2Client;
  const s = {} as Record<string, string>;

  const why = (args: string[]) => runVpclab(["why", ...args, "--region", REGION, "--endpoint-url", lab.url]);
  const analyze = async (from: string, to: string, protocol = "tcp", port = 22) => {
    const r = await lab.admin<{ verdict: string; forward: { kind: string; detail: string }[]; explanations: { code: string; reason: string }[] }>("POST", "/analyze", { from, to, protocol, port, region: REGION });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };
  const plVersion = async (id: string) => (await ec2.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: [id] }))).PrefixLists![0]!.Version!;

  async function instance(subnet: string, ip: string, sg: string, name: string): Promise<string> {
    const r = await ec2.send(
      new RunInstancesCommand({ ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, SubnetId: subnet, PrivateIpAddress: ip, SecurityGroupIds: [sg] }),
    );
    const id = r.Instances![0]!.InstanceId!;
    await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: "Name", Value: name }] }));
    return id;
  }

  before(async () => {
    lab = await startLab();
    ec2 = lab.ec2(REGION);
    s.vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.30.0.0/16" }))).Vpc!.VpcId!;
    s.vpc2 = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.31.0.0/16" }))).Vpc!.VpcId!;
    s.subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: s.vpc, CidrBlock: "10.30.1.0/24" }))).Subnet!.SubnetId!;
    s.subnet2 = (await ec2.send(new CreateSubnetCommand({ VpcId: s.vpc2, CidrBlock: "10.31.1.0/24" }))).Subnet!.SubnetId!;
    s.open = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: "open", Description: "all in", VpcId: s.vpc }))).GroupId!;
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: s.open, IpPermissions: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "10.0.0.0/8" }] }] }));
    s.open2 = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: "open", Description: "all in", VpcId: s.vpc2 }))).GroupId!;
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: s.open2, IpPermissions: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "10.0.0.0/8" }] }] }));
    s.guarded = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: "guarded", Description: "ssh from the list", VpcId: s.vpc }))).GroupId!;
    s.admins = (
      await ec2.send(
        new CreateManagedPrefixListCommand({ PrefixListName: "admins", AddressFamily: "IPv4", MaxEntries: 5, Entries: [{ Cidr: "10.30.1.10/32", Description: "alice" }, { Cidr: "192.0.2.0/24" }] }),
      )
    ).PrefixList!.PrefixListId!;
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: s.guarded, IpPermissions: [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, PrefixListIds: [{ PrefixListId: s.admins, Description: "admins" }] }] }),
    );
    s.alice = await instance(s.subnet, "10.30.1.10", s.open, "alice-box");
    s.bob = await instance(s.subnet, "10.30.1.20", s.open, "bob-box");
    s.server = await instance(s.subnet, "10.30.1.30", s.guarded, "server-box");
    s.far = await instance(s.subnet2, "10.31.1.40", s.open2, "far-box");
  });
  after(async () => {
    await lab?.close();
  });

  it("the rule is stored and shown with PrefixListId (DescribeSecurityGroups, DescribeSecurityGroupRules, the AWS CLI)", async () => {
    const g = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [s.guarded] }))).SecurityGroups![0]!;
    assert.deepEqual(g.IpPermissions, [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [], Ipv6Ranges: [], PrefixListIds: [{ PrefixListId: s.admins, Description: "admins" }], UserIdGroupPairs: [] }]);
    const rules = (await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [s.guarded] }] }))).SecurityGroupRules!;
    const ingress = rules.filter((r) => !r.IsEgress);
    assert.equal(ingress.length, 1);
    assert.equal(ingress[0]!.PrefixListId, s.admins);
    assert.equal(ingress[0]!.CidrIpv4, undefined);
    const cli = await lab.cli(["ec2", "describe-security-group-rules", "--filters", `Name=group-id,Values=${s.guarded}`], { region: REGION });
    assert.equal(cli.code, 0, cli.stderr);
    const viaCli = (cli.json as { SecurityGroupRules: { PrefixListId?: string; IsEgress: boolean }[] }).SecurityGroupRules.filter((r) => !r.IsEgress);
    assert.deepEqual(viaCli.map((r) => r.PrefixListId), [s.admins]);
  });

  it("the rule admits exactly the list's CIDR blocks, and `vpclab why` names the list and the entry", async () => {
    assert.equal((await analyze("alice-box", "server-box")).verdict, "reachable");
    assert.equal((await analyze("bob-box", "server-box")).verdict, "blocked");
    // Other ports are not in the rule.
    assert.equal((await analyze("alice-box", "server-box", "tcp", 80)).verdict, "blocked");
    const w = await why(["alice-box", "server-box", "--protocol", "tcp", "--port", "22"]);
    assert.equal(w.code, 0, w.stdout + w.stderr);
    assert.match(w.stdout, new RegExp(`${s.admins} entry 10\\.30\\.1\\.10/32`));
    const blocked = await why(["bob-box", "server-box", "--protocol", "tcp", "--port", "22"]);
    assert.equal(blocked.code, 1, blocked.stdout);
    assert.match(blocked.stdout, /ENI_SG_RULES_MISMATCH/);
  });

  it("ModifyManagedPrefixList changes the verdict without touching the group", async () => {
    const before = JSON.stringify((await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [s.guarded] }] }))).SecurityGroupRules);
    await ec2.send(
      new ModifyManagedPrefixListCommand({ PrefixListId: s.admins, CurrentVersion: await plVersion(s.admins), RemoveEntries: [{ Cidr: "10.30.1.10/32" }], AddEntries: [{ Cidr: "10.30.1.16/28" }] }),
    );
    const w = await why(["bob-box", "server-box", "--protocol", "tcp", "--port", "22"]);
    assert.equal(w.code, 0, w.stdout + w.stderr);
    assert.match(w.stdout, new RegExp(`${s.admins} entry 10\\.30\\.1\\.16/28`));
    const a = await why(["alice-box", "server-box", "--protocol", "tcp", "--port", "22"]);
    assert.equal(a.code, 1, a.stdout);
    assert.match(a.stdout, /ENI_SG_RULES_MISMATCH/);
    const after = JSON.stringify((await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [s.guarded] }] }))).SecurityGroupRules);
    assert.equal(after, before, "the group's rules are untouched");
    // Through the AWS CLI too: put alice back.
    const cli = await lab.cli(
      ["ec2", "modify-managed-prefix-list", "--prefix-list-id", s.admins, "--current-version", String(await plVersion(s.admins)), "--add-entries", "Cidr=10.30.1.10/32"],
      { region: REGION },
    );
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal((await analyze("alice-box", "server-box")).verdict, "reachable");
  });

  it("a route to a prefix list carries traffic for each entry and follows the list", async () => {
    const pcx = (await ec2.send(new CreateVpcPeeringConnectionCommand({ VpcId: s.vpc, PeerVpcId: s.vpc2 }))).VpcPeeringConnection!.VpcPeeringConnectionId!;
    await ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
    s.pcx = pcx;
    s.rt = (await ec2.send(new CreateRouteTableCommand({ VpcId: s.vpc }))).RouteTable!.RouteTableId!;
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: s.rt, SubnetId: s.subnet }));
    s.rt2 = (await ec2.send(new CreateRouteTableCommand({ VpcId: s.vpc2 }))).RouteTable!.RouteTableId!;
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: s.rt2, SubnetId: s.subnet2 }));
    await ec2.send(new CreateRouteCommand({ RouteTableId: s.rt2, DestinationCidrBlock: "10.30.0.0/16", VpcPeeringConnectionId: pcx }));
    s.peers = (await ec2.send(new CreateManagedPrefixListCommand({ PrefixListName: "peers", AddressFamily: "IPv4", MaxEntries: 4, Entries: [{ Cidr: "10.31.1.0/24" }] }))).PrefixList!.PrefixListId!;
    assert.equal((await analyze("alice-box", "far-box", "icmp")).verdict, "blocked");

    const cli = await lab.cli(["ec2", "create-route", "--route-table-id", s.rt, "--destination-prefix-list-id", s.peers, "--vpc-peering-connection-id", pcx], { region: REGION });
    assert.equal(cli.code, 0, cli.stderr);
    const routes = (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [s.rt] }))).RouteTables![0]!.Routes!;
    const plRoute = routes.find((r) => r.DestinationPrefixListId === s.peers)!;
    assert.ok(plRoute, JSON.stringify(routes));
    assert.equal(plRoute.DestinationCidrBlock, undefined);
    assert.equal(plRoute.VpcPeeringConnectionId, pcx);
    assert.equal(plRoute.Origin, "CreateRoute");
    assert.equal(plRoute.State, "active");
    const filtered = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "route.destination-prefix-list-id", Values: [s.peers] }] }))).RouteTables!;
    assert.deepEqual(filtered.map((t) => t.RouteTableId), [s.rt]);

    const a = await analyze("alice-box", "far-box", "icmp");
    assert.equal(a.verdict, "reachable", JSON.stringify(a.explanations));
    const w = await why(["alice-box", "far-box"]);
    assert.equal(w.code, 0, w.stdout + w.stderr);
    assert.match(w.stdout, new RegExp(`route ${s.peers} entry 10\\.31\\.1\\.0/24 → ${pcx}`));

    // Reachability Analyzer shows the route by its prefix list.
    const path = (await ec2.send(new CreateNetworkInsightsPathCommand({ Source: s.alice, Destination: s.far, Protocol: "tcp", DestinationPort: 22 }))).NetworkInsightsPath!.NetworkInsightsPathId!;
    const nia = (await ec2.send(new StartNetworkInsightsAnalysisCommand({ NetworkInsightsPathId: path }))).NetworkInsightsAnalysis!.NetworkInsightsAnalysisId!;
    const analysis = (await ec2.send(new DescribeNetworkInsightsAnalysesCommand({ NetworkInsightsAnalysisIds: [nia] }))).NetworkInsightsAnalyses![0]!;
    assert.equal(analysis.NetworkPathFound, true);
    const rtr = analysis.ForwardPathComponents!.map((c) => c.RouteTableRoute).find((r) => r?.DestinationPrefixListId !== undefined);
    assert.deepEqual([rtr?.DestinationPrefixListId, rtr?.DestinationCidr, rtr?.VpcPeeringConnectionId], [s.peers, undefined, pcx]);

    // The list loses the entry: the same route no longer covers the address.
    await ec2.send(new ModifyManagedPrefixListCommand({ PrefixListId: s.peers, RemoveEntries: [{ Cidr: "10.31.1.0/24" }], AddEntries: [{ Cidr: "10.31.2.0/24" }] }));
    const gone = await why(["alice-box", "far-box"]);
    assert.equal(gone.code, 1, gone.stdout);
    assert.match(gone.stdout, /NO_ROUTE_TO_DESTINATION/);
    await ec2.send(new ModifyManagedPrefixListCommand({ PrefixListId: s.peers, AddEntries: [{ Cidr: "10.31.0.0/16" }] }));
    assert.equal((await analyze("alice-box", "far-box", "icmp")).verdict, "reachable");

    // A static CIDR route with the same block wins over the prefix-list route (route priority).
    await ec2.send(new CreateRouteCommand({ RouteTableId: s.rt, DestinationCidrBlock: "10.31.0.0/16", InstanceId: s.bob }));
    const via = await analyze("alice-box", "far-box", "icmp");
    const hop = via.forward.find((h) => h.kind === "route-table")!;
    assert.match(hop.detail, new RegExp(`^10\\.31\\.0\\.0/16 → ${s.bob}`), JSON.stringify(via.forward));
    await ec2.send(new DeleteRouteCommand({ RouteTableId: s.rt, DestinationCidrBlock: "10.31.0.0/16" }));
    assert.equal((await analyze("alice-box", "far-box", "icmp")).verdict, "reachable");

    // Replace and delete by prefix list.
    await ec2.send(new ReplaceRouteCommand({ RouteTableId: s.rt, DestinationPrefixListId: s.peers, VpcPeeringConnectionId: pcx }));
    await expectEc2Error(ec2.send(new CreateRouteCommand({ RouteTableId: s.rt, DestinationPrefixListId: s.peers, VpcPeeringConnectionId: pcx })), "RouteAlreadyExists");
  });

  it("associations, weights and the refusals of a referenced list", async () => {
    const assoc = async (id: string) =>
      ((await ec2.send(new GetManagedPrefixListAssociationsCommand({ PrefixListId: id }))).PrefixListAssociations ?? []).map((a) => a.ResourceId).sort();
    assert.deepEqual(await assoc(s.admins), [s.guarded]);
    assert.deepEqual(await assoc(s.peers), [s.rt]);
    const delErr = await expectEc2Error(ec2.send(new DeleteManagedPrefixListCommand({ PrefixListId: s.admins })), "InvalidPrefixListModification");
    assert.match(delErr.message, new RegExp(s.admins));
    await expectEc2Error(ec2.send(new ModifyManagedPrefixListCommand({ PrefixListId: s.admins, MaxEntries: 3 })), "InvalidPrefixListModification");
    // Growing the list past the group's rule quota (60): the list counts as its MaxEntries rules.
    await expectEc2Error(ec2.send(new ModifyManagedPrefixListCommand({ PrefixListId: s.admins, MaxEntries: 61 })), "RulesPerSecurityGroupLimitExceeded");
    await ec2.send(new ModifyManagedPrefixListCommand({ PrefixListId: s.admins, MaxEntries: 60 }));
    await expectEc2Error(
      ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: s.guarded, IpPermissions: [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "10.0.0.0/8" }] }] })),
      "RulesPerSecurityGroupLimitExceeded",
    );
    // In a route table the list counts as MaxEntries routes (quota 50).
    const big = (await ec2.send(new CreateManagedPrefixListCommand({ PrefixListName: "big", AddressFamily: "IPv4", MaxEntries: 50, Entries: [{ Cidr: "10.31.9.0/24" }] }))).PrefixList!.PrefixListId!;
    await expectEc2Error(ec2.send(new CreateRouteCommand({ RouteTableId: s.rt, DestinationPrefixListId: big, VpcPeeringConnectionId: s.pcx })), "RouteLimitExceeded");
    await expectEc2Error(ec2.send(new CreateRouteCommand({ RouteTableId: s.rt, DestinationPrefixListId: "pl-0123456789abcdef0", VpcPeeringConnectionId: s.pcx })), "InvalidPrefixListID.NotFound");
    await expectEc2Error(
      ec2.send(new CreateRouteCommand({ RouteTableId: s.rt, DestinationPrefixListId: big, DestinationCidrBlock: "10.9.0.0/16", VpcPeeringConnectionId: s.pcx })),
      "InvalidParameterCombination",
    );
    // Once nothing references it, the list can go.
    await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: s.guarded, IpPermissions: [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, PrefixListIds: [{ PrefixListId: s.admins }] }] }));
    assert.deepEqual(await assoc(s.admins), []);
    assert.equal((await analyze("alice-box", "server-box")).verdict, "blocked");
    await ec2.send(new ModifyManagedPrefixListCommand({ PrefixListId: s.admins, MaxEntries: 3 }));
    await ec2.send(new DeleteManagedPrefixListCommand({ PrefixListId: s.admins }));
    await ec2.send(new DeleteRouteCommand({ RouteTableId: s.rt, DestinationPrefixListId: s.peers }));
    assert.deepEqual(await assoc(s.peers), []);
    await ec2.send(new DeleteManagedPrefixListCommand({ PrefixListId: s.peers }));
  });

  it("transit gateway prefix-list references: create, get, modify, delete, and the table's routes", async () => {
    const tgw = (await ec2.send(new CreateTransitGatewayCommand({}))).TransitGateway!.TransitGatewayId!;
    const rtb = (await ec2.send(new CreateTransitGatewayRouteTableCommand({ TransitGatewayId: tgw }))).TransitGatewayRouteTable!.TransitGatewayRouteTableId!;
    const pl = (await ec2.send(new CreateManagedPrefixListCommand({ PrefixListName: "onprem", AddressFamily: "IPv4", MaxEntries: 4, Entries: [{ Cidr: "172.16.0.0/16" }] }))).PrefixList!.PrefixListId!;
    const created = (await ec2.send(new CreateTransitGatewayPrefixListReferenceCommand({ TransitGatewayRouteTableId: rtb, PrefixListId: pl, Blackhole: true }))).TransitGatewayPrefixListReference!;
    assert.equal(created.State, "pending");
    assert.equal(created.Blackhole, true);
    await expectEc2Error(ec2.send(new CreateTransitGatewayPrefixListReferenceCommand({ TransitGatewayRouteTableId: rtb, PrefixListId: pl, Blackhole: true })), "RouteAlreadyExists");
    const got = (await ec2.send(new GetTransitGatewayPrefixListReferencesCommand({ TransitGatewayRouteTableId: rtb }))).TransitGatewayPrefixListReferences!;
    assert.deepEqual(got.map((r) => [r.PrefixListId, r.State, r.PrefixListOwnerId]), [[pl, "available", "000000000000"]]);
    const routes = (await ec2.send(new SearchTransitGatewayRoutesCommand({ TransitGatewayRouteTableId: rtb, Filters: [{ Name: "type", Values: ["static"] }] }))).Routes!;
    assert.deepEqual(routes.map((r) => [r.DestinationCidrBlock, r.PrefixListId, r.State]), [["172.16.0.0/16", pl, "blackhole"]]);
    assert.deepEqual(((await ec2.send(new GetManagedPrefixListAssociationsCommand({ PrefixListId: pl }))).PrefixListAssociations ?? []).map((a) => a.ResourceId), [rtb]);
    await expectEc2Error(ec2.send(new ModifyTransitGatewayPrefixListReferenceCommand({ TransitGatewayRouteTableId: rtb, PrefixListId: pl })), "MissingParameter");
    await expectEc2Error(ec2.send(new DeleteManagedPrefixListCommand({ PrefixListId: pl })), "InvalidPrefixListModification");
    const del = (await ec2.send(new DeleteTransitGatewayPrefixListReferenceCommand({ TransitGatewayRouteTableId: rtb, PrefixListId: pl }))).TransitGatewayPrefixListReference!;
    assert.equal(del.State, "deleting");
    await expectEc2Error(ec2.send(new DeleteTransitGatewayPrefixListReferenceCommand({ TransitGatewayRouteTableId: rtb, PrefixListId: pl })), "InvalidRoute.NotFound");
    await ec2.send(new DeleteManagedPrefixListCommand({ PrefixListId: pl }));
  });

  it("a transit gateway prefix-list reference routes the list's CIDR blocks to an attachment, and follows the list", async () => {
    const va = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.60.0.0/16" }))).Vpc!.VpcId!;
    const vb = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.61.0.0/16" }))).Vpc!.VpcId!;
    const sa = (await ec2.send(new CreateSubnetCommand({ VpcId: va, CidrBlock: "10.60.1.0/24" }))).Subnet!.SubnetId!;
    const sb = (await ec2.send(new CreateSubnetCommand({ VpcId: vb, CidrBlock: "10.61.1.0/24" }))).Subnet!.SubnetId!;
    const ga = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: "open", Description: "all in", VpcId: va }))).GroupId!;
    const gb = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: "open", Description: "all in", VpcId: vb }))).GroupId!;
    for (const g of [ga, gb]) await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: g, IpPermissions: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "10.0.0.0/8" }] }] }));
    await instance(sa, "10.60.1.10", ga, "tgw-a");
    await instance(sb, "10.61.1.10", gb, "tgw-b");
    // No default propagation: the gateway's table routes only what the references and static routes say.
    const tgw = (await ec2.send(new CreateTransitGatewayCommand({ Options: { DefaultRouteTablePropagation: "disable" } }))).TransitGateway!;
    const rtb = tgw.Options!.AssociationDefaultRouteTableId!;
    const aa = (await ec2.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tgw.TransitGatewayId!, VpcId: va, SubnetIds: [sa] }))).TransitGatewayVpcAttachment!.TransitGatewayAttachmentId!;
    const ab = (await ec2.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tgw.TransitGatewayId!, VpcId: vb, SubnetIds: [sb] }))).TransitGatewayVpcAttachment!.TransitGatewayAttachmentId!;
    await ec2.send(new DescribeRouteTablesCommand({})); // settle the attachments
    for (const [vpc, dest] of [[va, "10.61.0.0/16"], [vb, "10.60.0.0/16"]] as const) {
      const main = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpc] }] }))).RouteTables![0]!.RouteTableId!;
      await ec2.send(new CreateRouteCommand({ RouteTableId: main, DestinationCidrBlock: dest, TransitGatewayId: tgw.TransitGatewayId! }));
    }
    await ec2.send(new CreateTransitGatewayRouteCommand({ TransitGatewayRouteTableId: rtb, DestinationCidrBlock: "10.60.0.0/16", TransitGatewayAttachmentId: aa }));
    const pl = (await ec2.send(new CreateManagedPrefixListCommand({ PrefixListName: "spokes", AddressFamily: "IPv4", MaxEntries: 4, Entries: [{ Cidr: "10.61.2.0/24" }] }))).PrefixList!.PrefixListId!;
    await ec2.send(new CreateTransitGatewayPrefixListReferenceCommand({ TransitGatewayRouteTableId: rtb, PrefixListId: pl, TransitGatewayAttachmentId: ab }));
    const blocked = await analyze("tgw-a", "tgw-b", "icmp");
    assert.equal(blocked.verdict, "blocked");
    assert.ok(blocked.explanations.some((e) => e.code === "TGW_RTB_CANNOT_ROUTE"), JSON.stringify(blocked.explanations.map((e) => e.code)));
    await ec2.send(new ModifyManagedPrefixListCommand({ PrefixListId: pl, AddEntries: [{ Cidr: "10.61.1.0/24" }] }));
    const ok = await analyze("tgw-a", "tgw-b", "icmp");
    assert.equal(ok.verdict, "reachable", JSON.stringify(ok.explanations));
    await ec2.send(new ModifyTransitGatewayPrefixListReferenceCommand({ TransitGatewayRouteTableId: rtb, PrefixListId: pl, Blackhole: true }));
    assert.equal((await analyze("tgw-a", "tgw-b", "icmp")).verdict, "blocked");
  });
});
