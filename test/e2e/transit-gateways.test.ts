/**
 * Transit gateways through real clients (the JS SDK and the AWS CLI): the lifecycle and refusals of
 * gateways, VPC attachments, route tables and routes; then the seed's closing step, a Tokyo–Singapore
 * mesh (one gateway per region, VPC attachments, a peering attachment requested and accepted, static
 * routes for the remote CIDR on both sides, VPC routes to the gateway) crossed by ping at ~70 ms and
 * path MTU 8500; a removed static route named by the analysis; static-over-propagated precedence;
 * association decides, not propagation; the state document round trip; `vpclab ping` and `vpclab why`.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  AcceptTransitGatewayPeeringAttachmentCommand,
  AcceptTransitGatewayVpcAttachmentCommand,
  AssociateTransitGatewayRouteTableCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateRouteCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateTransitGatewayCommand,
  CreateTransitGatewayPeeringAttachmentCommand,
  CreateTransitGatewayRouteCommand,
  CreateTransitGatewayRouteTableCommand,
  CreateTransitGatewayVpcAttachmentCommand,
  CreateVpcCommand,
  DeleteSubnetCommand,
  DeleteTransitGatewayCommand,
  DeleteTransitGatewayRouteCommand,
  DeleteTransitGatewayVpcAttachmentCommand,
  DescribeRouteTablesCommand,
  DescribeTransitGatewayAttachmentsCommand,
  DescribeTransitGatewayPeeringAttachmentsCommand,
  DescribeTransitGatewayRouteTablesCommand,
  DescribeTransitGatewaysCommand,
  DescribeTransitGatewayVpcAttachmentsCommand,
  DisassociateTransitGatewayRouteTableCommand,
  EnableTransitGatewayRouteTablePropagationCommand,
  GetTransitGatewayAttachmentPropagationsCommand,
  GetTransitGatewayRouteTableAssociationsCommand,
  GetTransitGatewayRouteTablePropagationsCommand,
  ModifyTransitGatewayCommand,
  ModifyTransitGatewayVpcAttachmentCommand,
  RejectTransitGatewayPeeringAttachmentCommand,
  RejectTransitGatewayVpcAttachmentCommand,
  ReplaceTransitGatewayRouteCommand,
  RunInstancesCommand,
  SearchTransitGatewayRoutesCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { expectEc2Error, runVpclab, startLab, type Lab } from "../support/harness.js";
import { applyFixes, type FixCall } from "../support/fixes.js";

const TOKYO = "ap-northeast-1";
const SING = "ap-southeast-1";
const AMI = "ami-0123456789abcdef0";

interface Explanation {
  code: string;
  reason: string;
  fix: string;
  fixes?: FixCall[];
  component: { id: string; type: string; region: string };
  routeTableId?: string;
  transitGatewayRouteTableId?: string;
  route?: { destinationCidr: string; target: string; state: string };
}
interface AnalyzeBody {
  verdict: string;
  pathMtu: number;
  rttMs: number;
  sourceAddressSeenByReceiver?: string;
  forward: { kind: string; id: string; route?: { destinationCidr: string; target: string } }[];
  return: { kind: string; id: string }[];
  explanations: Explanation[];
}
interface PingBody {
  stats: { transmitted: number; received: number; lossPercent: number; avg: number };
  explanations: Explanation[];
}

async function vpcWithSubnet(c: EC2Client, cidr: string, subnetCidr: string, az: string) {
  const vpc = (await c.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
  const subnet = (await c.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: subnetCidr, AvailabilityZone: az }))).Subnet!.SubnetId!;
  const rtb = (await c.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpc] }] }))).RouteTables![0]!.RouteTableId!;
  return { vpc, subnet, rtb };
}

async function instance(c: EC2Client, vpc: string, subnet: string, allowFrom: string) {
  const sg = (await c.send(new CreateSecurityGroupCommand({ GroupName: `tgw-${subnet}`, Description: "tgw", VpcId: vpc }))).GroupId!;
  await c.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: sg,
      IpPermissions: [
        { IpProtocol: "icmp", FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: allowFrom }] },
        { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: allowFrom }] },
      ],
    }),
  );
  const i = (await c.send(new RunInstancesCommand({ ImageId: AMI, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, SubnetId: subnet, SecurityGroupIds: [sg] }))).Instances![0]!;
  return { id: i.InstanceId!, ip: i.PrivateIpAddress!, sg };
}

async function gateway(c: EC2Client, options: Record<string, unknown> = {}) {
  const tgw = (await c.send(new CreateTransitGatewayCommand({ Description: "hub", Options: options }))).TransitGateway!;
  // Settles on the next request.
  await c.send(new DescribeTransitGatewaysCommand({ TransitGatewayIds: [tgw.TransitGatewayId!] }));
  return tgw;
}

describe("transit gateway API", () => {
  let lab: Lab;
  let tokyo: EC2Client;
  before(async () => {
    lab = await startLab();
    tokyo = lab.ec2(TOKYO);
  });
  after(async () => {
    await lab?.close();
  });

  test("create answers pending with a default route table; describe then shows available and the options", async () => {
    const tgw = (await tokyo.send(new CreateTransitGatewayCommand({ Description: "hub", Options: { AmazonSideAsn: 64600, DnsSupport: "disable" }, TagSpecifications: [{ ResourceType: "transit-gateway", Tags: [{ Key: "Name", Value: "hub" }] }] }))).TransitGateway!;
    assert.equal(tgw.State, "pending");
    assert.match(tgw.TransitGatewayId!, /^tgw-[0-9a-f]{17}$/);
    const o = tgw.Options!;
    assert.equal(o.AmazonSideAsn, 64600);
    assert.equal(o.DnsSupport, "disable");
    assert.equal(o.DefaultRouteTableAssociation, "enable");
    assert.ok(o.AssociationDefaultRouteTableId?.startsWith("tgw-rtb-"));
    assert.equal(o.AssociationDefaultRouteTableId, o.PropagationDefaultRouteTableId);
    const d = (await tokyo.send(new DescribeTransitGatewaysCommand({ Filters: [{ Name: "tag:Name", Values: ["hub"] }] }))).TransitGateways!;
    assert.equal(d.length, 1);
    assert.equal(d[0]!.State, "available");
    const rtbs = (await tokyo.send(new DescribeTransitGatewayRouteTablesCommand({ Filters: [{ Name: "transit-gateway-id", Values: [tgw.TransitGatewayId!] }] }))).TransitGatewayRouteTables!;
    assert.equal(rtbs.length, 1);
    assert.equal(rtbs[0]!.DefaultAssociationRouteTable, true);
    assert.equal(rtbs[0]!.State, "available");
    // Without default association or propagation there is no default table.
    const bare = await gateway(tokyo, { DefaultRouteTableAssociation: "disable", DefaultRouteTablePropagation: "disable" });
    assert.equal(bare.Options!.AssociationDefaultRouteTableId, undefined);
    await expectEc2Error(tokyo.send(new CreateTransitGatewayCommand({ Options: { AmazonSideAsn: 100 } })), "InvalidParameterValue");
    await expectEc2Error(tokyo.send(new DescribeTransitGatewaysCommand({ TransitGatewayIds: ["tgw-0123456789abcdef0"] })), "InvalidTransitGatewayID.NotFound");
    const m = (await tokyo.send(new ModifyTransitGatewayCommand({ TransitGatewayId: bare.TransitGatewayId!, Options: { VpnEcmpSupport: "disable", AddTransitGatewayCidrBlocks: ["10.99.0.0/24"] } }))).TransitGateway!;
    assert.equal(m.Options!.VpnEcmpSupport, "disable");
    assert.deepEqual(m.Options!.TransitGatewayCidrBlocks, ["10.99.0.0/24"]);
  });

  test("VPC attachments: one subnet per AZ, no duplicates, default association and propagation, IncorrectState on delete of the gateway", async () => {
    const tgw = await gateway(tokyo);
    const tgwId = tgw.TransitGatewayId!;
    const defaultRtb = tgw.Options!.AssociationDefaultRouteTableId!;
    const { vpc, subnet, rtb } = await vpcWithSubnet(tokyo, "10.40.0.0/16", "10.40.1.0/24", "ap-northeast-1a");
    const second = (await tokyo.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.40.2.0/24", AvailabilityZone: "ap-northeast-1a" }))).Subnet!.SubnetId!;
    await expectEc2Error(tokyo.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tgwId, VpcId: vpc, SubnetIds: [subnet, second] })), "DuplicateSubnetsInSameZone");
    // A route to a gateway the VPC is not attached to is refused as AWS refuses it.
    await expectEc2Error(tokyo.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "10.0.0.0/8", TransitGatewayId: tgwId })), "InvalidTransitGatewayID.NotFound");
    const att = (await tokyo.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tgwId, VpcId: vpc, SubnetIds: [subnet], Options: { ApplianceModeSupport: "enable" } }))).TransitGatewayVpcAttachment!;
    assert.equal(att.State, "pending");
    assert.equal(att.Options!.ApplianceModeSupport, "enable");
    await expectEc2Error(tokyo.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tgwId, VpcId: vpc, SubnetIds: [subnet] })), "DuplicateTransitGatewayAttachment");
    const described = (await tokyo.send(new DescribeTransitGatewayVpcAttachmentsCommand({ Filters: [{ Name: "vpc-id", Values: [vpc] }] }))).TransitGatewayVpcAttachments!;
    assert.equal(described[0]!.State, "available");
    const attId = att.TransitGatewayAttachmentId!;
    const all = (await tokyo.send(new DescribeTransitGatewayAttachmentsCommand({ TransitGatewayAttachmentIds: [attId] }))).TransitGatewayAttachments!;
    assert.equal(all[0]!.ResourceType, "vpc");
    assert.equal(all[0]!.ResourceId, vpc);
    assert.deepEqual(all[0]!.Association, { TransitGatewayRouteTableId: defaultRtb, State: "associated" });
    const props = (await tokyo.send(new GetTransitGatewayAttachmentPropagationsCommand({ TransitGatewayAttachmentId: attId }))).TransitGatewayAttachmentPropagations!;
    assert.deepEqual(props, [{ TransitGatewayRouteTableId: defaultRtb, State: "enabled" }]);
    // One association per attachment.
    const other = (await tokyo.send(new CreateTransitGatewayRouteTableCommand({ TransitGatewayId: tgwId }))).TransitGatewayRouteTable!;
    await expectEc2Error(tokyo.send(new AssociateTransitGatewayRouteTableCommand({ TransitGatewayRouteTableId: other.TransitGatewayRouteTableId!, TransitGatewayAttachmentId: attId })), "Resource.AlreadyAssociated");
    // Without resource sharing nothing waits for acceptance.
    await expectEc2Error(tokyo.send(new AcceptTransitGatewayVpcAttachmentCommand({ TransitGatewayAttachmentId: attId })), "IncorrectState");
    // Tags through CreateTags.
    await tokyo.send(new CreateTagsCommand({ Resources: [attId, tgwId, defaultRtb], Tags: [{ Key: "team", Value: "net" }] }));
    const tagged = (await tokyo.send(new DescribeTransitGatewayAttachmentsCommand({ Filters: [{ Name: "tag:team", Values: ["net"] }] }))).TransitGatewayAttachments!;
    assert.deepEqual(tagged.map((a) => a.TransitGatewayAttachmentId), [attId]);
    // The gateway cannot go while it has attachments.
    const err = await expectEc2Error(tokyo.send(new DeleteTransitGatewayCommand({ TransitGatewayId: tgwId })), "IncorrectState");
    assert.match(err.message, /has non-deleted Transit Gateway Attachments/);
    await tokyo.send(new DeleteTransitGatewayVpcAttachmentCommand({ TransitGatewayAttachmentId: attId }));
    const gone = (await tokyo.send(new DescribeTransitGatewayVpcAttachmentsCommand({ TransitGatewayAttachmentIds: [attId] }))).TransitGatewayVpcAttachments!;
    assert.equal(gone[0]!.State, "deleted");
    assert.equal((await tokyo.send(new DeleteTransitGatewayCommand({ TransitGatewayId: tgwId }))).TransitGateway!.State, "deleting");
    const after = (await tokyo.send(new DescribeTransitGatewaysCommand({ TransitGatewayIds: [tgwId] }))).TransitGateways!;
    assert.equal(after[0]!.State, "deleted");
  });

  test("routes: static beats propagated for the same prefix; blackhole; search filters; the AWS CLI", async () => {
    const tgw = await gateway(tokyo);
    const tgwId = tgw.TransitGatewayId!;
    const rtbId = tgw.Options!.AssociationDefaultRouteTableId!;
    const a = await vpcWithSubnet(tokyo, "10.50.0.0/16", "10.50.1.0/24", "ap-northeast-1a");
    const b = await vpcWithSubnet(tokyo, "10.51.0.0/16", "10.51.1.0/24", "ap-northeast-1a");
    const attA = (await tokyo.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tgwId, VpcId: a.vpc, SubnetIds: [a.subnet] }))).TransitGatewayVpcAttachment!.TransitGatewayAttachmentId!;
    const attB = (await tokyo.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tgwId, VpcId: b.vpc, SubnetIds: [b.subnet] }))).TransitGatewayVpcAttachment!.TransitGatewayAttachmentId!;
    const search = async (filters: { Name: string; Values: string[] }[]) =>
      (await tokyo.send(new SearchTransitGatewayRoutesCommand({ TransitGatewayRouteTableId: rtbId, Filters: filters }))).Routes!;
    const propagated = await search([{ Name: "type", Values: ["propagated"] }]);
    assert.deepEqual(propagated.map((r) => r.DestinationCidrBlock).sort(), ["10.50.0.0/16", "10.51.0.0/16"]);
    // A static route for 10.51.0.0/16 pointing at A replaces the propagated one.
    const created = (await tokyo.send(new CreateTransitGatewayRouteCommand({ TransitGatewayRouteTableId: rtbId, DestinationCidrBlock: "10.51.0.0/16", TransitGatewayAttachmentId: attA }))).Route!;
    assert.equal(created.Type, "static");
    assert.equal(created.State, "active");
    const exact = await search([{ Name: "route-search.exact-match", Values: ["10.51.0.0/16"] }]);
    assert.equal(exact.length, 1);
    assert.equal(exact[0]!.Type, "static");
    assert.equal(exact[0]!.TransitGatewayAttachments![0]!.TransitGatewayAttachmentId, attA);
    await expectEc2Error(tokyo.send(new CreateTransitGatewayRouteCommand({ TransitGatewayRouteTableId: rtbId, DestinationCidrBlock: "10.51.0.0/16", TransitGatewayAttachmentId: attB })), "RouteAlreadyExists");
    const bh = (await tokyo.send(new ReplaceTransitGatewayRouteCommand({ TransitGatewayRouteTableId: rtbId, DestinationCidrBlock: "10.51.0.0/16", Blackhole: true }))).Route!;
    assert.equal(bh.State, "blackhole");
    assert.equal((await search([{ Name: "state", Values: ["blackhole"] }])).length, 1);
    // Longest prefix among supernets of an address.
    assert.deepEqual((await search([{ Name: "route-search.longest-prefix-match", Values: ["10.50.3.4/32"] }])).map((r) => r.DestinationCidrBlock), ["10.50.0.0/16"]);
    await tokyo.send(new DeleteTransitGatewayRouteCommand({ TransitGatewayRouteTableId: rtbId, DestinationCidrBlock: "10.51.0.0/16" }));
    await expectEc2Error(tokyo.send(new DeleteTransitGatewayRouteCommand({ TransitGatewayRouteTableId: rtbId, DestinationCidrBlock: "10.51.0.0/16" })), "InvalidRoute.NotFound");
    await expectEc2Error(tokyo.send(new SearchTransitGatewayRoutesCommand({ TransitGatewayRouteTableId: rtbId, Filters: [{ Name: "bogus", Values: ["x"] }] })), "InvalidParameterValue");
    // The AWS CLI speaks the same API.
    const cli = await lab.cli(["ec2", "create-transit-gateway-route", "--transit-gateway-route-table-id", rtbId, "--destination-cidr-block", "192.168.0.0/16", "--blackhole"], { region: TOKYO });
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal((cli.json as { Route: { State: string } }).Route.State, "blackhole");
    const listed = await lab.cli(["ec2", "describe-transit-gateways", "--transit-gateway-ids", tgwId], { region: TOKYO });
    assert.equal((listed.json as { TransitGateways: { State: string }[] }).TransitGateways[0]!.State, "available");
    const assocs = (await tokyo.send(new GetTransitGatewayRouteTableAssociationsCommand({ TransitGatewayRouteTableId: rtbId }))).Associations!;
    assert.deepEqual(assocs.map((x) => x.TransitGatewayAttachmentId).sort(), [attA, attB].sort());
    const props = (await tokyo.send(new GetTransitGatewayRouteTablePropagationsCommand({ TransitGatewayRouteTableId: rtbId }))).TransitGatewayRouteTablePropagations!;
    assert.equal(props.length, 2);
  });
});

describe("transit gateway peering across accounts", () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab();
  });
  after(async () => {
    await lab?.close();
  });

  test("only the accepter's account, in its region, accepts or rejects; each side tags its own copy", async () => {
    const aTokyo = lab.ec2(TOKYO);
    const bSing = lab.ec2(SING, "222222222222");
    const bTokyo = lab.ec2(TOKYO, "222222222222");
    const mine = (await gateway(aTokyo)).TransitGatewayId!;
    const theirs = (await gateway(bSing)).TransitGatewayId!;
    const ask = async () =>
      (await aTokyo.send(new CreateTransitGatewayPeeringAttachmentCommand({ TransitGatewayId: mine, PeerTransitGatewayId: theirs, PeerAccountId: "222222222222", PeerRegion: SING, TagSpecifications: [{ ResourceType: "transit-gateway-attachment", Tags: [{ Key: "side", Value: "tokyo" }] }] }))).TransitGatewayPeeringAttachment!.TransitGatewayAttachmentId!;
    const id = await ask();
    const seen = (await bSing.send(new DescribeTransitGatewayPeeringAttachmentsCommand({ TransitGatewayAttachmentIds: [id] }))).TransitGatewayPeeringAttachments![0]!;
    assert.equal(seen.State, "pendingAcceptance");
    assert.equal(seen.RequesterTgwInfo!.OwnerId, "000000000000");
    assert.equal(seen.Tags, undefined);
    // The requester cannot accept; the accepter's account elsewhere does not even see it.
    await expectEc2Error(aTokyo.send(new AcceptTransitGatewayPeeringAttachmentCommand({ TransitGatewayAttachmentId: id })), "IncorrectState");
    await expectEc2Error(bTokyo.send(new AcceptTransitGatewayPeeringAttachmentCommand({ TransitGatewayAttachmentId: id })), "InvalidTransitGatewayAttachmentID.NotFound");
    await bSing.send(new RejectTransitGatewayPeeringAttachmentCommand({ TransitGatewayAttachmentId: id }));
    const rejected = (await aTokyo.send(new DescribeTransitGatewayPeeringAttachmentsCommand({ TransitGatewayAttachmentIds: [id] }))).TransitGatewayPeeringAttachments![0]!;
    assert.equal(rejected.State, "rejected");
    assert.deepEqual(rejected.Tags, [{ Key: "side", Value: "tokyo" }]);
    const again = await ask();
    await bSing.send(new AcceptTransitGatewayPeeringAttachmentCommand({ TransitGatewayAttachmentId: again }));
    await bSing.send(new CreateTagsCommand({ Resources: [again], Tags: [{ Key: "side", Value: "singapore" }] }));
    const both = await Promise.all([aTokyo, bSing].map(async (c) => (await c.send(new DescribeTransitGatewayPeeringAttachmentsCommand({ TransitGatewayAttachmentIds: [again] }))).TransitGatewayPeeringAttachments![0]!));
    assert.deepEqual(both.map((p) => p.State), ["available", "available"]);
    assert.deepEqual(both.map((p) => p.Tags?.[0]?.Value), ["tokyo", "singapore"]);
    // Accepted, it is associated with each side's default table; it appears among each side's attachments.
    const atts = (await bSing.send(new DescribeTransitGatewayAttachmentsCommand({ Filters: [{ Name: "resource-type", Values: ["peering"] }, { Name: "state", Values: ["available"] }] }))).TransitGatewayAttachments!;
    assert.equal(atts.length, 1);
    assert.equal(atts[0]!.ResourceId, mine);
    assert.equal(atts[0]!.Association?.State, "associated");
    // A peering to a gateway that does not exist fails.
    const bad = (await aTokyo.send(new CreateTransitGatewayPeeringAttachmentCommand({ TransitGatewayId: mine, PeerTransitGatewayId: "tgw-0123456789abcdef0", PeerAccountId: "222222222222", PeerRegion: SING }))).TransitGatewayPeeringAttachment!;
    const failed = (await aTokyo.send(new DescribeTransitGatewayPeeringAttachmentsCommand({ TransitGatewayAttachmentIds: [bad.TransitGatewayAttachmentId!] }))).TransitGatewayPeeringAttachments![0]!;
    assert.equal(failed.State, "failed");
  });

  test("ModifyTransitGatewayVpcAttachment adds a subnet in another zone, refuses a second in one zone", async () => {
    const c = lab.ec2(TOKYO);
    const tgw = (await gateway(c)).TransitGatewayId!;
    const { vpc, subnet } = await vpcWithSubnet(c, "10.60.0.0/16", "10.60.1.0/24", "ap-northeast-1a");
    const other = (await c.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.60.2.0/24", AvailabilityZone: "ap-northeast-1c" }))).Subnet!.SubnetId!;
    const same = (await c.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.60.3.0/24", AvailabilityZone: "ap-northeast-1a" }))).Subnet!.SubnetId!;
    const att = (await c.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tgw, VpcId: vpc, SubnetIds: [subnet] }))).TransitGatewayVpcAttachment!.TransitGatewayAttachmentId!;
    await c.send(new DescribeTransitGatewayVpcAttachmentsCommand({}));
    const m = (await c.send(new ModifyTransitGatewayVpcAttachmentCommand({ TransitGatewayAttachmentId: att, AddSubnetIds: [other], Options: { DnsSupport: "disable" } }))).TransitGatewayVpcAttachment!;
    assert.deepEqual(m.SubnetIds, [subnet, other]);
    assert.equal(m.Options!.DnsSupport, "disable");
    await expectEc2Error(c.send(new ModifyTransitGatewayVpcAttachmentCommand({ TransitGatewayAttachmentId: att, AddSubnetIds: [same] })), "DuplicateSubnetsInSameZone");
    // The attachment's interface keeps its subnet.
    await expectEc2Error(c.send(new DeleteSubnetCommand({ SubnetId: other })), "DependencyViolation");
  });
});

describe("a Tokyo–Singapore transit gateway mesh on the network", () => {
  let lab: Lab;
  let tokyo: EC2Client;
  let sing: EC2Client;
  const ids = {} as Record<string, string>;

  before(async () => {
    lab = await startLab();
    tokyo = lab.ec2(TOKYO);
    sing = lab.ec2(SING);
    const t = await vpcWithSubnet(tokyo, "10.20.0.0/16", "10.20.1.0/24", "ap-northeast-1a");
    const s = await vpcWithSubnet(sing, "10.30.0.0/16", "10.30.1.0/24", "ap-southeast-1a");
    Object.assign(ids, { tVpc: t.vpc, tRtb: t.rtb, sVpc: s.vpc, sRtb: s.rtb });
    const tTgw = await gateway(tokyo);
    const sTgw = await gateway(sing);
    ids.tTgw = tTgw.TransitGatewayId!;
    ids.sTgw = sTgw.TransitGatewayId!;
    ids.tTgwRtb = tTgw.Options!.AssociationDefaultRouteTableId!;
    ids.sTgwRtb = sTgw.Options!.AssociationDefaultRouteTableId!;
    ids.tAtt = (await tokyo.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: ids.tTgw, VpcId: t.vpc, SubnetIds: [t.subnet] }))).TransitGatewayVpcAttachment!.TransitGatewayAttachmentId!;
    ids.sAtt = (await sing.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: ids.sTgw, VpcId: s.vpc, SubnetIds: [s.subnet] }))).TransitGatewayVpcAttachment!.TransitGatewayAttachmentId!;
    // The peering request from Tokyo, accepted in Singapore (only the accepter's region may).
    const req = (await tokyo.send(new CreateTransitGatewayPeeringAttachmentCommand({ TransitGatewayId: ids.tTgw, PeerTransitGatewayId: ids.sTgw, PeerAccountId: "000000000000", PeerRegion: SING }))).TransitGatewayPeeringAttachment!;
    assert.equal(req.State, "initiatingRequest");
    ids.peer = req.TransitGatewayAttachmentId!;
    const pending = (await sing.send(new DescribeTransitGatewayPeeringAttachmentsCommand({ TransitGatewayAttachmentIds: [ids.peer] }))).TransitGatewayPeeringAttachments!;
    assert.equal(pending[0]!.State, "pendingAcceptance");
    await expectEc2Error(tokyo.send(new AcceptTransitGatewayPeeringAttachmentCommand({ TransitGatewayAttachmentId: ids.peer })), "IncorrectState");
    await sing.send(new AcceptTransitGatewayPeeringAttachmentCommand({ TransitGatewayAttachmentId: ids.peer }));
    const avail = (await tokyo.send(new DescribeTransitGatewayPeeringAttachmentsCommand({}))).TransitGatewayPeeringAttachments!;
    assert.equal(avail[0]!.State, "available");
    // A peering attachment never propagates.
    await expectEc2Error(tokyo.send(new EnableTransitGatewayRouteTablePropagationCommand({ TransitGatewayRouteTableId: ids.tTgwRtb, TransitGatewayAttachmentId: ids.peer })), "IncorrectState");
    // Static routes for the remote CIDR on both sides (the AWS CLI on one side).
    await tokyo.send(new CreateTransitGatewayRouteCommand({ TransitGatewayRouteTableId: ids.tTgwRtb, DestinationCidrBlock: "10.30.0.0/16", TransitGatewayAttachmentId: ids.peer }));
    const cli = await lab.cli(["ec2", "create-transit-gateway-route", "--transit-gateway-route-table-id", ids.sTgwRtb, "--destination-cidr-block", "10.20.0.0/16", "--transit-gateway-attachment-id", ids.peer], { region: SING });
    assert.equal(cli.code, 0, cli.stderr);
    await tokyo.send(new CreateRouteCommand({ RouteTableId: t.rtb, DestinationCidrBlock: "10.30.0.0/16", TransitGatewayId: ids.tTgw }));
    await sing.send(new CreateRouteCommand({ RouteTableId: s.rtb, DestinationCidrBlock: "10.20.0.0/16", TransitGatewayId: ids.sTgw }));
    const ti = await instance(tokyo, t.vpc, t.subnet, "10.30.0.0/16");
    const si = await instance(sing, s.vpc, s.subnet, "10.20.0.0/16");
    Object.assign(ids, { tInst: ti.id, tIp: ti.ip, tSg: ti.sg, sInst: si.id, sIp: si.ip });
  });

  after(async () => {
    await lab?.close();
  });

  test("ping crosses both gateways and the peering: 0 % loss, ~70 ms, path MTU 8500", async () => {
    for (const [from, to] of [
      [ids.tInst, ids.sInst],
      [ids.sInst, ids.tInst],
    ]) {
      const { status, body } = await lab.admin<PingBody>("POST", "/ping", { from, to, count: 5, intervalMs: 100 });
      assert.equal(status, 200, JSON.stringify(body));
      assert.equal(body.stats.received, 5, JSON.stringify(body.explanations));
      assert.ok(Math.abs(body.stats.avg - 71.6) / 71.6 < 0.1, `avg ${body.stats.avg}`);
    }
    const { body } = await lab.admin<AnalyzeBody>("POST", "/analyze", { from: ids.tInst, to: ids.sInst, protocol: "tcp", port: 22 });
    assert.equal(body.verdict, "reachable");
    assert.equal(body.pathMtu, 8500);
    assert.equal(body.sourceAddressSeenByReceiver, ids.tIp);
    const kinds = body.forward.map((h) => `${h.kind}:${h.id}`);
    for (const k of [`tgw-attachment:${ids.tAtt}`, `tgw-route-table:${ids.tTgwRtb}`, `tgw-peering:${ids.peer}`, `tgw-route-table:${ids.sTgwRtb}`, `tgw-attachment:${ids.sAtt}`]) {
      assert.ok(kinds.includes(k), `${k} in ${kinds.join(" ")}`);
    }
    assert.ok(body.return.some((h) => h.kind === "tgw-route-table" && h.id === ids.sTgwRtb));
    // A 9001-byte packet with DF set does not fit.
    const big = await lab.admin<{ fragmentationNeeded?: { mtu: number } }>("POST", "/analyze", { from: ids.tInst, to: ids.sInst, size: 9001, df: true });
    assert.equal(big.body.fragmentationNeeded?.mtu, 8500);
  });

  test("removing Singapore's static route: the analysis names that table and the missing route", async () => {
    await sing.send(new DeleteTransitGatewayRouteCommand({ TransitGatewayRouteTableId: ids.sTgwRtb, DestinationCidrBlock: "10.20.0.0/16" }));
    const { body } = await lab.admin<AnalyzeBody>("POST", "/analyze", { from: ids.tInst, to: ids.sInst });
    assert.equal(body.verdict, "blocked");
    const e = body.explanations.find((x) => x.component.type === "transit-gateway-route-table");
    assert.ok(e, JSON.stringify(body.explanations));
    assert.equal(e.code, "TGW_RTB_CANNOT_ROUTE");
    assert.equal(e.component.id, ids.sTgwRtb);
    assert.equal(e.component.region, SING);
    assert.match(e.reason, new RegExp(`${ids.sTgwRtb}.*no route that covers ${ids.tIp.replace(/\./g, "\\.")}`));
    assert.deepEqual(e.fixes, [
      { action: "CreateTransitGatewayRoute", params: { TransitGatewayRouteTableId: ids.sTgwRtb, DestinationCidrBlock: "10.20.0.0/16", TransitGatewayAttachmentId: ids.peer }, account: "000000000000", region: SING },
    ]);
    // The structured fix, run through the SDK, puts the route back.
    await applyFixes(lab, e.fixes);
    assert.equal((await lab.admin<AnalyzeBody>("POST", "/analyze", { from: ids.tInst, to: ids.sInst })).body.verdict, "reachable");
    // Made a blackhole: the drop is named as such, and its fix points the route at the peering again.
    await sing.send(new ReplaceTransitGatewayRouteCommand({ TransitGatewayRouteTableId: ids.sTgwRtb, DestinationCidrBlock: "10.20.0.0/16", Blackhole: true }));
    const bh = (await lab.admin<AnalyzeBody>("POST", "/analyze", { from: ids.tInst, to: ids.sInst })).body;
    assert.equal(bh.verdict, "blocked");
    const hole = bh.explanations.find((x) => x.code === "TGW_RTB_BAD_STATE_ROUTE" && x.component.id === ids.sTgwRtb && /blackhole/.test(x.reason));
    assert.ok(hole, JSON.stringify(bh.explanations));
    assert.deepEqual(hole.fixes?.map((f) => [f.action, f.params.TransitGatewayAttachmentId]), [["ReplaceTransitGatewayRoute", ids.peer]]);
    await applyFixes(lab, hole.fixes);
    assert.equal((await lab.admin<AnalyzeBody>("POST", "/analyze", { from: ids.tInst, to: ids.sInst })).body.verdict, "reachable");
  });

  test("an attachment associated with table A but propagating only to table B routes by table A", async () => {
    // A third VPC in Tokyo on the same gateway, associated with a new table A that has no routes,
    // propagating to the default table B (which knows both VPCs).
    const c = await vpcWithSubnet(tokyo, "10.21.0.0/16", "10.21.1.0/24", "ap-northeast-1a");
    const att = (await tokyo.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: ids.tTgw, VpcId: c.vpc, SubnetIds: [c.subnet] }))).TransitGatewayVpcAttachment!.TransitGatewayAttachmentId!;
    const tableA = (await tokyo.send(new CreateTransitGatewayRouteTableCommand({ TransitGatewayId: ids.tTgw }))).TransitGatewayRouteTable!.TransitGatewayRouteTableId!;
    await tokyo.send(new DisassociateTransitGatewayRouteTableCommand({ TransitGatewayRouteTableId: ids.tTgwRtb, TransitGatewayAttachmentId: att }));
    await tokyo.send(new AssociateTransitGatewayRouteTableCommand({ TransitGatewayRouteTableId: tableA, TransitGatewayAttachmentId: att }));
    await tokyo.send(new CreateRouteCommand({ RouteTableId: c.rtb, DestinationCidrBlock: "10.20.0.0/16", TransitGatewayId: ids.tTgw }));
    const ci = await instance(tokyo, c.vpc, c.subnet, "10.20.0.0/16");
    // Tokyo's first VPC needs a way back: the default table B learned 10.21/16 by propagation.
    await tokyo.send(new CreateRouteCommand({ RouteTableId: ids.tRtb, DestinationCidrBlock: "10.21.0.0/16", TransitGatewayId: ids.tTgw }));
    const blocked = (await lab.admin<AnalyzeBody>("POST", "/analyze", { from: ci.id, to: ids.tInst })).body;
    assert.equal(blocked.verdict, "blocked");
    assert.ok(blocked.explanations.some((x) => x.component.id === tableA && x.code === "TGW_RTB_CANNOT_ROUTE"), JSON.stringify(blocked.explanations));
    // Table A learns 10.20/16 by propagation from the first VPC's attachment: now it routes, and the
    // destination's security group still applies (it allows only Singapore so far).
    await tokyo.send(new EnableTransitGatewayRouteTablePropagationCommand({ TransitGatewayRouteTableId: tableA, TransitGatewayAttachmentId: ids.tAtt }));
    const sgOnly = (await lab.admin<AnalyzeBody>("POST", "/analyze", { from: ci.id, to: ids.tInst })).body;
    assert.deepEqual(sgOnly.explanations.map((x) => x.code), ["ENI_SG_RULES_MISMATCH"]);
    await tokyo.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: ids.tSg, IpPermissions: [{ IpProtocol: "icmp", FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: "10.21.0.0/16" }] }] }));
    const ok = (await lab.admin<AnalyzeBody>("POST", "/analyze", { from: ci.id, to: ids.tInst })).body;
    assert.equal(ok.verdict, "reachable", JSON.stringify(ok.explanations));
    assert.ok(ok.forward.some((h) => h.kind === "tgw-route-table" && h.id === tableA));
    // A sender in a zone where the attachment has no subnet cannot reach the gateway.
    const cOther = (await tokyo.send(new CreateSubnetCommand({ VpcId: c.vpc, CidrBlock: "10.21.2.0/24", AvailabilityZone: "ap-northeast-1c" }))).Subnet!.SubnetId!;
    const far = await instance(tokyo, c.vpc, cOther, "10.20.0.0/16");
    const az = (await lab.admin<AnalyzeBody>("POST", "/analyze", { from: far.id, to: ids.tInst })).body;
    assert.deepEqual(az.explanations.map((x) => x.code), ["TGW_ROUTE_AZ_RESTRICTION"]);
    assert.deepEqual(az.explanations[0]!.fixes?.map((f) => [f.action, f.params.AddSubnetIds]), [["ModifyTransitGatewayVpcAttachment", [cOther]]]);
    // Without an association the gateway has no table to route by.
    await tokyo.send(new DisassociateTransitGatewayRouteTableCommand({ TransitGatewayRouteTableId: tableA, TransitGatewayAttachmentId: att }));
    const none = (await lab.admin<AnalyzeBody>("POST", "/analyze", { from: ci.id, to: ids.tInst })).body;
    assert.deepEqual(none.explanations.map((x) => x.code), ["TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION"]);
    assert.deepEqual(none.explanations[0]!.fixes?.map((f) => [f.action, f.params.TransitGatewayAttachmentId]), [["AssociateTransitGatewayRouteTable", att]]);
    // Each fix, run through the SDK, does what it says: the association, then the zone's subnet.
    await applyFixes(lab, none.explanations[0]!.fixes);
    const back = (await lab.admin<AnalyzeBody>("POST", "/analyze", { from: ci.id, to: ids.tInst })).body;
    assert.equal(back.verdict, "reachable", JSON.stringify(back.explanations));
    await applyFixes(lab, az.explanations[0]!.fixes);
    await tokyo.send(new DescribeTransitGatewayVpcAttachmentsCommand({}));
    const near = (await lab.admin<AnalyzeBody>("POST", "/analyze", { from: far.id, to: ids.tInst })).body;
    assert.equal(near.verdict, "reachable", JSON.stringify(near.explanations));
  });

  test("the state document round trip keeps every transit gateway object", async () => {
    const res = await fetch(lab.url + "/_vpclab/state/save", { method: "POST" });
    const doc = await res.text();
    const other = await startLab();
    try {
      assert.equal((await other.admin("POST", "/state/load", JSON.parse(doc))).status, 200);
      const oTokyo = other.ec2(TOKYO);
      const tgws = (await oTokyo.send(new DescribeTransitGatewaysCommand({}))).TransitGateways!;
      assert.deepEqual(tgws.map((t) => t.TransitGatewayId), [ids.tTgw]);
      const peers = (await other.ec2(SING).send(new DescribeTransitGatewayPeeringAttachmentsCommand({}))).TransitGatewayPeeringAttachments!;
      assert.equal(peers[0]!.TransitGatewayAttachmentId, ids.peer);
      assert.equal(peers[0]!.State, "available");
      const routes = (await oTokyo.send(new SearchTransitGatewayRoutesCommand({ TransitGatewayRouteTableId: ids.tTgwRtb, Filters: [{ Name: "type", Values: ["static"] }] }))).Routes!;
      assert.deepEqual(routes.map((r) => r.DestinationCidrBlock), ["10.30.0.0/16"]);
      const { body } = await other.admin<AnalyzeBody>("POST", "/analyze", { from: ids.tInst, to: ids.sInst });
      assert.equal(body.verdict, "reachable", JSON.stringify(body.explanations));
    } finally {
      await other.close();
    }
  });

  test("the vpclab CLI: ping crosses the mesh at ~71 ms; without Singapore's route, why names that table", async () => {
    const ping = await runVpclab(["ping", ids.tInst!, ids.sInst!, "-c", "3", "--fast", "--endpoint-url", lab.url]);
    assert.equal(ping.code, 0, ping.stdout + ping.stderr);
    assert.match(ping.stdout, / 0% packet loss/);
    const avg = Number(/rtt min\/avg\/max\/mdev = [\d.]+\/([\d.]+)\//.exec(ping.stdout)?.[1]);
    assert.ok(Math.abs(avg - 71.6) / 71.6 < 0.1, ping.stdout);
    await sing.send(new DeleteTransitGatewayRouteCommand({ TransitGatewayRouteTableId: ids.sTgwRtb, DestinationCidrBlock: "10.20.0.0/16" }));
    const why = await runVpclab(["why", ids.tInst!, ids.sInst!, "--endpoint-url", lab.url]);
    assert.equal(why.code, 1, why.stdout + why.stderr);
    assert.match(why.stdout, new RegExp(`TGW_RTB_CANNOT_ROUTE — transit gateway route table ${ids.sTgwRtb} \\(ap-southeast-1`));
    assert.match(why.stdout, /create-transit-gateway-route/);
  });
});

describe("transit gateway quotas at AWS's defaults", () => {
  let lab: Lab;
  after(async () => {
    await lab?.close();
  });

  test("5 gateways per region and 20 route tables per gateway, then TransitGatewayLimitExceeded", async () => {
    lab = await startLab();
    const c = lab.ec2("eu-west-1");
    const first = await gateway(c);
    for (let i = 1; i < 5; i++) await gateway(c);
    const e = await expectEc2Error(c.send(new CreateTransitGatewayCommand({})), "TransitGatewayLimitExceeded");
    assert.match(e.message, /transit gateways \(5\)/);
    // The default table is the first of 20.
    for (let i = 1; i < 20; i++) await c.send(new CreateTransitGatewayRouteTableCommand({ TransitGatewayId: first.TransitGatewayId! }));
    await expectEc2Error(c.send(new CreateTransitGatewayRouteTableCommand({ TransitGatewayId: first.TransitGatewayId! })), "TransitGatewayLimitExceeded");
    // A deleted gateway no longer counts.
    await c.send(new DeleteTransitGatewayCommand({ TransitGatewayId: (await gatewayIds(c))[4]! }));
    await c.send(new DescribeTransitGatewaysCommand({}));
    await gateway(c);
  });

  test("attachments, peering attachments and static routes per gateway (quotas lowered as a user may raise them)", async () => {
    const small = await startLab({ quotas: { attachmentsPerTransitGateway: 2, peeringAttachmentsPerTransitGateway: 1, routesPerTransitGateway: 2 } });
    try {
      const c = small.ec2(TOKYO);
      const s = small.ec2(SING);
      const tgw = (await gateway(c)).TransitGatewayId!;
      const peers = [(await gateway(s)).TransitGatewayId!, (await gateway(s)).TransitGatewayId!];
      const a = await vpcWithSubnet(c, "10.1.0.0/16", "10.1.1.0/24", "ap-northeast-1a");
      const b = await vpcWithSubnet(c, "10.2.0.0/16", "10.2.1.0/24", "ap-northeast-1a");
      await c.send(new CreateTransitGatewayPeeringAttachmentCommand({ TransitGatewayId: tgw, PeerTransitGatewayId: peers[0], PeerAccountId: "000000000000", PeerRegion: SING }));
      await expectEc2Error(c.send(new CreateTransitGatewayPeeringAttachmentCommand({ TransitGatewayId: tgw, PeerTransitGatewayId: peers[1], PeerAccountId: "000000000000", PeerRegion: SING })), "TransitGatewayLimitExceeded");
      await c.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tgw, VpcId: a.vpc, SubnetIds: [a.subnet] }));
      await expectEc2Error(c.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tgw, VpcId: b.vpc, SubnetIds: [b.subnet] })), "TransitGatewayLimitExceeded");
      const rtb = (await c.send(new DescribeTransitGatewayRouteTablesCommand({}))).TransitGatewayRouteTables![0]!.TransitGatewayRouteTableId!;
      for (const cidr of ["10.8.0.0/16", "10.9.0.0/16"]) await c.send(new CreateTransitGatewayRouteCommand({ TransitGatewayRouteTableId: rtb, DestinationCidrBlock: cidr, Blackhole: true }));
      await expectEc2Error(c.send(new CreateTransitGatewayRouteCommand({ TransitGatewayRouteTableId: rtb, DestinationCidrBlock: "10.10.0.0/16", Blackhole: true })), "TransitGatewayLimitExceeded");
    } finally {
      await small.close();
    }
  });
});

async function gatewayIds(c: EC2Client): Promise<string[]> {
  return (await c.send(new DescribeTransitGatewaysCommand({}))).TransitGateways!.filter((t) => t.State !== "deleted").map((t) => t.TransitGatewayId!);
}

describe("appliance mode: which attachment subnet a flow crosses by", () => {
  let lab: Lab;
  after(async () => {
    await lab?.close();
  });

  test("without it, zone affinity: out by the sender's zone, back by the replier's (asymmetric, allowed); with it, the reply crosses the request's subnet", async () => {
    lab = await startLab();
    const c = lab.ec2(TOKYO);
    const tgw = (await gateway(c)).TransitGatewayId!;
    const two = async (cidr: string, third: number) => {
      const { vpc, subnet, rtb } = await vpcWithSubnet(c, `10.${third}.0.0/16`, `10.${third}.1.0/24`, "ap-northeast-1a");
      const other = (await c.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: `10.${third}.2.0/24`, AvailabilityZone: "ap-northeast-1c" }))).Subnet!.SubnetId!;
      const att = (await c.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tgw, VpcId: vpc, SubnetIds: [subnet, other] }))).TransitGatewayVpcAttachment!.TransitGatewayAttachmentId!;
      await c.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "10.0.0.0/8", TransitGatewayId: tgw }));
      return { vpc, a: subnet, c: other, att, cidr };
    };
    const A = await two("10.71.0.0/16", 71);
    const B = await two("10.72.0.0/16", 72);
    const sender = await instance(c, A.vpc, A.a, "10.0.0.0/8");
    const receiver = await instance(c, B.vpc, B.c, "10.0.0.0/8");
    type Crossing = { kind: string; id: string; subnetId?: string; availabilityZone?: string };
    const crossings = async () => {
      const { body } = await lab.admin<{ verdict: string; forward: Crossing[]; return: Crossing[]; explanations: unknown[] }>("POST", "/analyze", { from: sender.id, to: receiver.id });
      assert.equal(body.verdict, "reachable", JSON.stringify(body.explanations));
      const pick = (hops: Crossing[]) => hops.filter((h) => h.kind === "tgw-attachment").map((h) => `${h.id}@${h.subnetId}`);
      return { forward: pick(body.forward), ret: pick(body.return) };
    };
    // Forward: in by A's subnet in zone a, out into B by B's subnet in zone a (the zone of entry).
    // Return: in by B's subnet in zone c (the replier's), out into A by A's subnet in zone c.
    assert.deepEqual(await crossings(), { forward: [`${A.att}@${A.a}`, `${B.att}@${B.a}`], ret: [`${B.att}@${B.c}`, `${A.att}@${A.c}`] });
    // Appliance mode on A's attachment: the reply goes into A by the subnet the request left A by.
    await c.send(new ModifyTransitGatewayVpcAttachmentCommand({ TransitGatewayAttachmentId: A.att, Options: { ApplianceModeSupport: "enable" } }));
    const pinned = await crossings();
    assert.deepEqual(pinned.ret, [`${B.att}@${B.c}`, `${A.att}@${A.a}`]);
    assert.deepEqual(pinned.forward, [`${A.att}@${A.a}`, `${B.att}@${B.a}`]);
  });
});

describe("a VPC of another account attached to a gateway (every gateway counts as shared)", () => {
  let lab: Lab;
  after(async () => {
    await lab?.close();
  });

  test("pendingAcceptance until the gateway's owner accepts (or auto-accept); then both accounts' instances talk through it", async () => {
    lab = await startLab();
    const owner = lab.ec2(TOKYO, "111111111111");
    const other = lab.ec2(TOKYO, "222222222222");
    const tgw = (await gateway(owner)).TransitGatewayId!;
    const a = await vpcWithSubnet(owner, "10.81.0.0/16", "10.81.1.0/24", "ap-northeast-1a");
    const b = await vpcWithSubnet(other, "10.82.0.0/16", "10.82.1.0/24", "ap-northeast-1a");
    const aAtt = (await owner.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tgw, VpcId: a.vpc, SubnetIds: [a.subnet] }))).TransitGatewayVpcAttachment!;
    assert.equal(aAtt.State, "pending");
    const bAtt = (await other.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tgw, VpcId: b.vpc, SubnetIds: [b.subnet] }))).TransitGatewayVpcAttachment!;
    assert.equal(bAtt.State, "pendingAcceptance");
    assert.equal(bAtt.VpcOwnerId, "222222222222");
    const id = bAtt.TransitGatewayAttachmentId!;
    // Both accounts see it; only the gateway's owner may accept it; no route to the gateway meanwhile.
    const seenByOther = (await other.send(new DescribeTransitGatewayVpcAttachmentsCommand({ TransitGatewayAttachmentIds: [id] }))).TransitGatewayVpcAttachments!;
    assert.equal(seenByOther[0]!.State, "pendingAcceptance");
    await expectEc2Error(other.send(new AcceptTransitGatewayVpcAttachmentCommand({ TransitGatewayAttachmentId: id })), "IncorrectState");
    await expectEc2Error(other.send(new CreateRouteCommand({ RouteTableId: b.rtb, DestinationCidrBlock: "10.81.0.0/16", TransitGatewayId: tgw })), "InvalidTransitGatewayID.NotFound");
    const accepted = (await owner.send(new AcceptTransitGatewayVpcAttachmentCommand({ TransitGatewayAttachmentId: id }))).TransitGatewayVpcAttachment!;
    assert.equal(accepted.State, "pending");
    await expectEc2Error(owner.send(new AcceptTransitGatewayVpcAttachmentCommand({ TransitGatewayAttachmentId: id })), "IncorrectState");
    const both = (await owner.send(new DescribeTransitGatewayVpcAttachmentsCommand({}))).TransitGatewayVpcAttachments!;
    assert.deepEqual(both.map((x) => [x.TransitGatewayAttachmentId, x.State]).sort(), [[aAtt.TransitGatewayAttachmentId, "available"], [id, "available"]].sort());
    await owner.send(new CreateRouteCommand({ RouteTableId: a.rtb, DestinationCidrBlock: "10.82.0.0/16", TransitGatewayId: tgw }));
    await other.send(new CreateRouteCommand({ RouteTableId: b.rtb, DestinationCidrBlock: "10.81.0.0/16", TransitGatewayId: tgw }));
    const ai = await instance(owner, a.vpc, a.subnet, "10.82.0.0/16");
    const bi = await instance(other, b.vpc, b.subnet, "10.81.0.0/16");
    const { body } = await lab.admin<AnalyzeBody>("POST", "/analyze", { from: bi.id, to: ai.id, account: "222222222222", region: TOKYO, toAccount: "111111111111" });
    assert.equal(body.verdict, "reachable", JSON.stringify(body.explanations));
    assert.deepEqual(body.forward.filter((h) => h.kind === "tgw-attachment").map((h) => h.id), [id, aAtt.TransitGatewayAttachmentId]);

    // Auto-accept: the next attachment of the other account goes straight to pending.
    await owner.send(new ModifyTransitGatewayCommand({ TransitGatewayId: tgw, Options: { AutoAcceptSharedAttachments: "enable" } }));
    const c = await vpcWithSubnet(other, "10.83.0.0/16", "10.83.1.0/24", "ap-northeast-1a");
    const auto = (await other.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tgw, VpcId: c.vpc, SubnetIds: [c.subnet] }))).TransitGatewayVpcAttachment!;
    assert.equal(auto.State, "pending");
    // Reject: without auto-accept again, a third VPC's request is turned down by the owner.
    await owner.send(new ModifyTransitGatewayCommand({ TransitGatewayId: tgw, Options: { AutoAcceptSharedAttachments: "disable" } }));
    const d = await vpcWithSubnet(other, "10.84.0.0/16", "10.84.1.0/24", "ap-northeast-1a");
    const req = (await other.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tgw, VpcId: d.vpc, SubnetIds: [d.subnet] }))).TransitGatewayVpcAttachment!;
    assert.equal(req.State, "pendingAcceptance");
    const rejected = (await owner.send(new RejectTransitGatewayVpcAttachmentCommand({ TransitGatewayAttachmentId: req.TransitGatewayAttachmentId! }))).TransitGatewayVpcAttachment!;
    assert.equal(rejected.State, "rejected");
  });
});
