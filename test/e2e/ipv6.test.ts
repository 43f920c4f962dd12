// IPv6 and dual stack through the AWS CLI and the SDK: a dual-stack version of the seed (Tokyo's new
// VPC built with the AWS CLI, Singapore's default VPC given an IPv6 block through the SDK), public and
// private IPv6 subnets (::/0 to the IGW, ::/0 to an egress-only IGW), IPv6 routes over the peering,
// instances and interfaces with IPv6 addresses, then the network over IPv6 (ping over the peering, the
// private subnet out through the egress-only gateway and not reachable from the Internet, the public
// instance reachable from the Internet where its group allows), and AWS's refusals.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  AcceptVpcPeeringConnectionCommand,
  AssignIpv6AddressesCommand,
  AssociateSubnetCidrBlockCommand,
  AssociateVpcCidrBlockCommand,
  CreateEgressOnlyInternetGatewayCommand,
  CreateNetworkInterfaceCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateTransitGatewayCommand,
  CreateTransitGatewayRouteCommand,
  CreateTransitGatewayVpcAttachmentCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DeleteRouteCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeSecurityGroupsCommand,
  DescribeTransitGatewaysCommand,
  DescribeTransitGatewayVpcAttachmentsCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  DisassociateSubnetCidrBlockCommand,
  DisassociateVpcCidrBlockCommand,
  ModifyNetworkInterfaceAttributeCommand,
  ModifySubnetAttributeCommand,
  ModifyTransitGatewayVpcAttachmentCommand,
  AuthorizeSecurityGroupIngressCommand,
  SearchTransitGatewayRoutesCommand,
  RunInstancesCommand,
  UnassignIpv6AddressesCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { startLab, expectEc2Error, runVpclab, type Lab } from "../support/harness.js";
import { addIp6, cidr6Of, containsCidr6, containsIp6, formatCidr6, formatIp6, overlaps6, parseIp6, subnet6 } from "../../src/domain/cidr6.js";

const AMI = "ami-0123456789abcdef0";
const V6 = /^[0-9a-f:]+$/;

let lab: Lab;
let tokyo: EC2Client;
let sg: EC2Client;
before(async () => {
  lab = await startLab();
  tokyo = lab.ec2("ap-northeast-1");
  sg = lab.ec2("ap-southeast-1");
});
after(async () => {
  await lab.close();
});

type Json = Record<string, any>;
async function cli(args: string[], region = "ap-northeast-1"): Promise<Json> {
  const r = await lab.cli(["ec2", ...args], { region });
  assert.equal(r.code, 0, `aws ec2 ${args.join(" ")}: ${r.stderr}`);
  return (r.json ?? {}) as Json;
}
async function cliError(args: string[], code: string, region = "ap-northeast-1"): Promise<string> {
  const r = await lab.cli(["ec2", ...args], { region });
  assert.notEqual(r.code, 0, `aws ec2 ${args.join(" ")} should fail`);
  assert.match(r.stderr, new RegExp(`\\(${code.replace(/\./g, "\\.")}\\)`), r.stderr);
  return r.stderr;
}
/** The n-th /64 of a /56 (n < 256), and the address `offset` into it, in canonical text. */
const subnet64 = (vpc56: string, n: number) => formatCidr6(subnet6(cidr6Of(vpc56), 64, n)!);
const addressIn = (cidr: string, offset: number) => formatIp6(addIp6(cidr6Of(cidr).base, offset));

test("a dual-stack seed: Tokyo through the AWS CLI, Singapore through the SDK, IPv6 over the peering", async () => {
  // ---- Tokyo: a new dual-stack VPC, built with the AWS CLI as the walkthrough would ----------------
  const created = await cli(["create-vpc", "--cidr-block", "10.20.0.0/16", "--amazon-provided-ipv6-cidr-block"]);
  const vpcId = created.Vpc.VpcId as string;
  const v6set = created.Vpc.Ipv6CidrBlockAssociationSet as Json[];
  assert.equal(v6set.length, 1);
  assert.equal(v6set[0]!.Ipv6CidrBlockState.State, "associating");
  assert.equal(v6set[0]!.NetworkBorderGroup, "ap-northeast-1");
  assert.equal(v6set[0]!.Ipv6Pool, "Amazon");
  const tokyo56 = v6set[0]!.Ipv6CidrBlock as string;
  assert.match(tokyo56, /^2600:1f[0-9a-f]{2}:[0-9a-f:]+\/56$/);
  const described = await cli(["describe-vpcs", "--vpc-ids", vpcId]);
  assert.equal(described.Vpcs[0].Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlockState.State, "associated");
  const byFilter = await cli(["describe-vpcs", "--filters", `Name=ipv6-cidr-block-association.ipv6-cidr-block,Values=${tokyo56}`]);
  assert.deepEqual(byFilter.Vpcs.map((v: Json) => v.VpcId), [vpcId]);
  const byState = await cli(["describe-vpcs", "--filters", "Name=ipv6-cidr-block-association.state,Values=associated"]);
  assert.deepEqual(byState.Vpcs.map((v: Json) => v.VpcId), [vpcId]);
  const byAssoc = await cli(["describe-vpcs", "--filters", `Name=ipv6-cidr-block-association.association-id,Values=${v6set[0]!.AssociationId}`]);
  assert.deepEqual(byAssoc.Vpcs.map((v: Json) => v.VpcId), [vpcId]);
  // The default VPC has no IPv6 block and shows no IPv6 association list.
  const dflt = (await cli(["describe-vpcs", "--filters", "Name=is-default,Values=true"])).Vpcs[0];
  assert.equal(dflt.Ipv6CidrBlockAssociationSet, undefined);

  // The main route table got the /56's local route.
  const mainRt = (await cli(["describe-route-tables", "--filters", `Name=vpc-id,Values=${vpcId}`])).RouteTables[0];
  assert.deepEqual(
    mainRt.Routes.map((r: Json) => [r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock, r.GatewayId]),
    [["10.20.0.0/16", "local"], [tokyo56, "local"]],
  );

  // Public subnet (auto IPv6) and private subnet, each a /64 of the /56.
  const pub = (await cli(["create-subnet", "--vpc-id", vpcId, "--cidr-block", "10.20.1.0/24", "--ipv6-cidr-block", subnet64(tokyo56, 1), "--availability-zone", "ap-northeast-1a"])).Subnet;
  assert.equal(pub.Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock, subnet64(tokyo56, 1));
  assert.equal(pub.Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlockState.State, "associating");
  await cli(["modify-subnet-attribute", "--subnet-id", pub.SubnetId, "--assign-ipv6-address-on-creation"]);
  await cli(["modify-subnet-attribute", "--subnet-id", pub.SubnetId, "--enable-resource-name-dns-aaaa-record-on-launch"]);
  const priv = (await cli(["create-subnet", "--vpc-id", vpcId, "--cidr-block", "10.20.2.0/24", "--availability-zone", "ap-northeast-1a"])).Subnet;
  const assoc = await cli(["associate-subnet-cidr-block", "--subnet-id", priv.SubnetId, "--ipv6-cidr-block", subnet64(tokyo56, 2)]);
  assert.equal(assoc.Ipv6CidrBlockAssociation.Ipv6CidrBlockState.State, "associating");
  await cli(["modify-subnet-attribute", "--subnet-id", priv.SubnetId, "--enable-dns64"]);
  const subnets = (await cli(["describe-subnets", "--subnet-ids", pub.SubnetId, priv.SubnetId])).Subnets as Json[];
  const byId = new Map<string, Json>(subnets.map((s) => [s.SubnetId as string, s]));
  const get = (id: string): Json => byId.get(id)!;
  assert.equal(get(pub.SubnetId).AssignIpv6AddressOnCreation, true);
  assert.equal(get(pub.SubnetId).PrivateDnsNameOptionsOnLaunch.EnableResourceNameDnsAAAARecord, true);
  assert.equal(get(priv.SubnetId).EnableDns64, true);
  assert.equal(get(priv.SubnetId).Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlockState.State, "associated");
  const sf = await cli(["describe-subnets", "--filters", `Name=ipv6-cidr-block-association.ipv6-cidr-block,Values=${subnet64(tokyo56, 2)}`]);
  assert.deepEqual(sf.Subnets.map((s: Json) => s.SubnetId), [priv.SubnetId]);

  // Public: ::/0 and 0.0.0.0/0 to an IGW. Private: ::/0 to an egress-only IGW, 64:ff9b::/96 refused to a missing NAT.
  const igw = (await cli(["create-internet-gateway"])).InternetGateway.InternetGatewayId;
  await cli(["attach-internet-gateway", "--internet-gateway-id", igw, "--vpc-id", vpcId]);
  const pubRt = (await cli(["create-route-table", "--vpc-id", vpcId])).RouteTable;
  assert.ok(pubRt.Routes.some((r: Json) => r.DestinationIpv6CidrBlock === tokyo56 && r.GatewayId === "local"), "a new table starts with the /56 local route");
  await cli(["create-route", "--route-table-id", pubRt.RouteTableId, "--destination-ipv6-cidr-block", "::/0", "--gateway-id", igw]);
  await cli(["create-route", "--route-table-id", pubRt.RouteTableId, "--destination-cidr-block", "0.0.0.0/0", "--gateway-id", igw]);
  await cli(["associate-route-table", "--route-table-id", pubRt.RouteTableId, "--subnet-id", pub.SubnetId]);
  const eigw = (await cli(["create-egress-only-internet-gateway", "--vpc-id", vpcId])).EgressOnlyInternetGateway.EgressOnlyInternetGatewayId;
  const privRt = (await cli(["create-route-table", "--vpc-id", vpcId])).RouteTable.RouteTableId;
  await cli(["create-route", "--route-table-id", privRt, "--destination-ipv6-cidr-block", "::/0", "--egress-only-internet-gateway-id", eigw]);
  await cli(["associate-route-table", "--route-table-id", privRt, "--subnet-id", priv.SubnetId]);
  await cliError(["create-route", "--route-table-id", privRt, "--destination-ipv6-cidr-block", "64:ff9b::/96", "--nat-gateway-id", "nat-0123456789abcdef0"], "InvalidNatGatewayID.NotFound");

  // ---- Singapore: the default VPC gets an IPv6 block through the SDK ------------------------------
  const sgVpc = (await sg.send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }))).Vpcs![0]!;
  const sgAssoc = await sg.send(new AssociateVpcCidrBlockCommand({ VpcId: sgVpc.VpcId, AmazonProvidedIpv6CidrBlock: true, Ipv6CidrBlockNetworkBorderGroup: "ap-southeast-1" }));
  const sg56 = sgAssoc.Ipv6CidrBlockAssociation!.Ipv6CidrBlock!;
  assert.equal(sgAssoc.Ipv6CidrBlockAssociation!.Ipv6CidrBlockState!.State, "associating");
  assert.ok(!overlaps6(cidr6Of(sg56), cidr6Of(tokyo56)), `${sg56} and ${tokyo56} must not overlap`);
  const sgSubnets = (await sg.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [sgVpc.VpcId!] }] }))).Subnets!;
  const sgSub = sgSubnets.find((s) => s.AvailabilityZone === "ap-southeast-1a")!;
  await sg.send(new AssociateSubnetCidrBlockCommand({ SubnetId: sgSub.SubnetId, Ipv6CidrBlock: subnet64(sg56, 0) }));
  await sg.send(new ModifySubnetAttributeCommand({ SubnetId: sgSub.SubnetId, AssignIpv6AddressOnCreation: { Value: true } }));

  // ---- the peering, with IPv6 routes both ways ---------------------------------------------------
  const pcx = (await tokyo.send(new CreateVpcPeeringConnectionCommand({ VpcId: vpcId, PeerVpcId: sgVpc.VpcId, PeerRegion: "ap-southeast-1" }))).VpcPeeringConnection!.VpcPeeringConnectionId!;
  await sg.send(new DescribeVpcsCommand({}));
  await sg.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
  const pv = (await tokyo.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [pcx] }))).VpcPeeringConnections![0]!;
  assert.deepEqual(pv.RequesterVpcInfo!.Ipv6CidrBlockSet, [{ Ipv6CidrBlock: tokyo56 }]);
  assert.deepEqual(pv.AccepterVpcInfo!.Ipv6CidrBlockSet, [{ Ipv6CidrBlock: sg56 }]);
  await tokyo.send(new CreateRouteCommand({ RouteTableId: pubRt.RouteTableId, DestinationIpv6CidrBlock: sg56, VpcPeeringConnectionId: pcx }));
  await tokyo.send(new CreateRouteCommand({ RouteTableId: pubRt.RouteTableId, DestinationCidrBlock: "172.31.0.0/16", VpcPeeringConnectionId: pcx }));
  const sgMain = (await sg.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [sgVpc.VpcId!] }, { Name: "association.main", Values: ["true"] }] }))).RouteTables![0]!;
  assert.ok(sgMain.Routes!.some((r) => r.DestinationIpv6CidrBlock === sg56 && r.GatewayId === "local"), "associating a block adds its local route");
  await sg.send(new CreateRouteCommand({ RouteTableId: sgMain.RouteTableId, DestinationIpv6CidrBlock: tokyo56, VpcPeeringConnectionId: pcx }));
  await sg.send(new CreateRouteCommand({ RouteTableId: sgMain.RouteTableId, DestinationIpv6CidrBlock: "::/0", GatewayId: sgMain.Routes!.find((r) => r.DestinationCidrBlock === "0.0.0.0/0")!.GatewayId }));
  const sgRoutes = (await sg.send(new DescribeRouteTablesCommand({ RouteTableIds: [sgMain.RouteTableId!] }))).RouteTables![0]!.Routes!;
  assert.deepEqual(
    sgRoutes.map((r) => [r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock, r.GatewayId ?? r.VpcPeeringConnectionId, r.State]),
    [
      ["172.31.0.0/16", "local", "active"],
      [sg56, "local", "active"],
      ["0.0.0.0/0", sgMain.Routes!.find((r) => r.DestinationCidrBlock === "0.0.0.0/0")!.GatewayId, "active"],
      [tokyo56, pcx, "active"],
      ["::/0", sgMain.Routes!.find((r) => r.DestinationCidrBlock === "0.0.0.0/0")!.GatewayId, "active"],
    ],
  );
  const v6filter = await sg.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "route.destination-ipv6-cidr-block", Values: [tokyo56] }] }));
  assert.deepEqual(v6filter.RouteTables!.map((r) => r.RouteTableId), [sgMain.RouteTableId]);

  // ---- instances: IPv6 from the subnet's default, from a count, and given explicitly -------------
  const tInst = (await cli(["run-instances", "--image-id", AMI, "--instance-type", "t3.micro", "--count", "1", "--subnet-id", pub.SubnetId])).Instances[0];
  const tV6 = tInst.NetworkInterfaces[0].Ipv6Addresses as Json[];
  assert.equal(tV6.length, 1, "AssignIpv6AddressOnCreation gives the interface one address");
  assert.match(tV6[0]!.Ipv6Address, V6);
  assert.ok(containsIp6(cidr6Of(subnet64(tokyo56, 1)), parseIp6(tV6[0]!.Ipv6Address)!));
  const privInst = (await tokyo.send(new RunInstancesCommand({ ImageId: AMI, InstanceType: "t3.micro", MinCount: 2, MaxCount: 2, SubnetId: priv.SubnetId, Ipv6AddressCount: 2 }))).Instances!;
  const privAddrs = privInst.flatMap((i) => i.NetworkInterfaces![0]!.Ipv6Addresses!.map((a) => a.Ipv6Address!));
  assert.equal(privAddrs.length, 4);
  assert.equal(new Set(privAddrs).size, 4, "every address is distinct");
  for (const a of privAddrs) assert.ok(containsIp6(cidr6Of(subnet64(tokyo56, 2)), parseIp6(a)!), a);
  const wanted = addressIn(subnet64(sg56, 0), 0x12345678);
  const sInst = (await sg.send(new RunInstancesCommand({
    ImageId: AMI, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1,
    NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: sgSub.SubnetId, Ipv6Addresses: [{ Ipv6Address: wanted.toUpperCase() }] }],
  }))).Instances![0]!;
  assert.deepEqual(sInst.NetworkInterfaces![0]!.Ipv6Addresses!.map((a) => a.Ipv6Address), [wanted]);
  const found = await sg.send(new DescribeInstancesCommand({ Filters: [{ Name: "network-interface.ipv6-address", Values: [wanted] }] }));
  assert.deepEqual(found.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId)), [sInst.InstanceId]);
  await expectEc2Error(sg.send(new RunInstancesCommand({
    ImageId: AMI, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1,
    NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: sgSub.SubnetId, Ipv6Addresses: [{ Ipv6Address: wanted }] }],
  })), "InvalidParameterValue");

  // ---- interfaces: create with a count, assign, unassign ----------------------------------------
  const eni = (await tokyo.send(new CreateNetworkInterfaceCommand({ SubnetId: priv.SubnetId, Ipv6AddressCount: 1 }))).NetworkInterface!;
  assert.equal(eni.Ipv6Addresses!.length, 1);
  const more = await tokyo.send(new AssignIpv6AddressesCommand({ NetworkInterfaceId: eni.NetworkInterfaceId, Ipv6AddressCount: 2 }));
  assert.equal(more.AssignedIpv6Addresses!.length, 2);
  const gone = await tokyo.send(new UnassignIpv6AddressesCommand({ NetworkInterfaceId: eni.NetworkInterfaceId, Ipv6Addresses: [more.AssignedIpv6Addresses![0]!] }));
  assert.deepEqual(gone.UnassignedIpv6Addresses, [more.AssignedIpv6Addresses![0]]);
  const after = (await tokyo.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni.NetworkInterfaceId!] }))).NetworkInterfaces![0]!;
  assert.deepEqual(after.Ipv6Addresses!.map((a) => a.Ipv6Address).sort(), [eni.Ipv6Addresses![0]!.Ipv6Address, more.AssignedIpv6Addresses![1]].sort());
  const eniFilter = await tokyo.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: "ipv6-addresses.ipv6-address", Values: [more.AssignedIpv6Addresses![1]!] }] }));
  assert.deepEqual(eniFilter.NetworkInterfaces!.map((e) => e.NetworkInterfaceId), [eni.NetworkInterfaceId]);
  await expectEc2Error(tokyo.send(new UnassignIpv6AddressesCommand({ NetworkInterfaceId: eni.NetworkInterfaceId, Ipv6Addresses: [more.AssignedIpv6Addresses![0]!] })), "InvalidParameterValue");

  // A subnet whose addresses are in use keeps its block; the VPC keeps a /56 its subnets use.
  await expectEc2Error(tokyo.send(new DisassociateSubnetCidrBlockCommand({ AssociationId: assoc.Ipv6CidrBlockAssociation.AssociationId })), "DependencyViolation");
  await expectEc2Error(tokyo.send(new DisassociateVpcCidrBlockCommand({ AssociationId: v6set[0]!.AssociationId })), "DependencyViolation");

  // ---- the network: IPv6 over the peering, the egress-only gateway, the internet gateway ------------
  // AWS's defaults for a VPC with IPv6: the default ACL allows ::/0 (rule 101, plus the IPv6 `*` deny
  // 32768), the default group sends anywhere over IPv6.
  const acl = (await cli(["describe-network-acls", "--filters", `Name=vpc-id,Values=${vpcId}`, "Name=default,Values=true"])).NetworkAcls[0];
  const v6Entries = (acl.Entries as Json[]).filter((e) => e.Ipv6CidrBlock !== undefined).map((e) => [e.RuleNumber, e.Egress, e.RuleAction, e.Ipv6CidrBlock]);
  assert.deepEqual(v6Entries.sort(), [[101, false, "allow", "::/0"], [101, true, "allow", "::/0"], [32768, false, "deny", "::/0"], [32768, true, "deny", "::/0"]].sort());
  const tokyoSg = (await cli(["describe-security-groups", "--filters", `Name=vpc-id,Values=${vpcId}`, "Name=group-name,Values=default"])).SecurityGroups[0];
  assert.ok((tokyoSg.IpPermissionsEgress as Json[]).some((p) => p.IpProtocol === "-1" && (p.Ipv6Ranges as Json[]).some((r) => r.CidrIpv6 === "::/0")), "the default group's IPv6 egress rule");
  const sgDefault = (await cli(["describe-security-groups", "--filters", `Name=vpc-id,Values=${sgVpc.VpcId}`, "Name=group-name,Values=default"], "ap-southeast-1")).SecurityGroups[0];
  const sV6 = sInst.NetworkInterfaces![0]!.Ipv6Addresses![0]!.Ipv6Address!;
  const vpclab = (args: string[]) => runVpclab([...args, "--endpoint-url", lab.url]);
  const json = (r: { stdout: string }) => JSON.parse(r.stdout) as Json;

  // Over the peering: Singapore's default group admits only its own members, so ICMPv6 is refused…
  const refused = await vpclab(["why", tInst.InstanceId, sV6, "--json"]);
  assert.equal(refused.code, 1, refused.stderr);
  const why1 = json(refused);
  assert.deepEqual(why1.explanations.map((e: Json) => e.code), ["ENI_SG_RULES_MISMATCH"]);
  assert.deepEqual(why1.explanations[0].fixes[0].params.IpPermissions[0].Ipv6Ranges, [{ CidrIpv6: `${tV6[0]!.Ipv6Address}/128` }]);
  assert.equal(why1.explanations[0].fixes[0].params.IpPermissions[0].IpProtocol, "icmpv6");
  // …until an ICMPv6 rule for Tokyo's /56 is added; then ping works, by address and with -6 by id.
  await cli(["authorize-security-group-ingress", "--group-id", sgDefault.GroupId, "--ip-permissions", `IpProtocol=icmpv6,FromPort=-1,ToPort=-1,Ipv6Ranges=[{CidrIpv6=${tokyo56}}]`], "ap-southeast-1");
  const ping6 = await vpclab(["ping", tInst.InstanceId, sV6, "-c", "2", "--fast"]);
  assert.equal(ping6.code, 0, ping6.stdout + ping6.stderr);
  assert.match(ping6.stdout, new RegExp(sV6.replace(/:/g, ":")));
  assert.match(ping6.stdout, /2 received|2 packets received/);
  const pingByName = await vpclab(["ping", "-6", tInst.InstanceId, sInst.InstanceId!, "-c", "1", "--fast"]);
  assert.equal(pingByName.code, 0, pingByName.stdout + pingByName.stderr);
  assert.match(pingByName.stdout, new RegExp(sV6));
  const path = json(await vpclab(["why", tInst.InstanceId, sV6, "--json"]));
  assert.equal(path.verdict, "reachable");
  assert.equal(path.sourceAddressSeenByReceiver, tV6[0]!.Ipv6Address);
  assert.ok((path.forward as Json[]).some((h) => h.kind === "pcx" && h.id === pcx));
  const trace = await vpclab(["trace", tInst.InstanceId, sV6]);
  assert.equal(trace.code, 0, trace.stdout + trace.stderr);
  assert.match(trace.stdout, new RegExp(pcx));

  // The private subnet reaches the Internet through the egress-only gateway (the reply comes back)…
  const privV6 = privAddrs[0]!;
  const out = await vpclab(["connect", privInst[0]!.InstanceId!, "[2606:4700:4700::1111]:443", "--json"]);
  assert.equal(out.code, 0, out.stdout + out.stderr);
  assert.equal(json(out).result, "connected");
  const outPath = json(await vpclab(["why", privInst[0]!.InstanceId!, "2606:4700:4700::1111", "--protocol", "tcp", "--port", "443", "--json"]));
  assert.ok((outPath.forward as Json[]).some((h) => h.kind === "eigw" && h.id === eigw));
  assert.ok((outPath.return as Json[]).some((h) => h.kind === "eigw" && h.id === eigw));
  // …and the public instance reaches it through the internet gateway, its IPv6 address untranslated.
  const pubOut = json(await vpclab(["why", tInst.InstanceId, "2606:4700:4700::1111", "--json"]));
  assert.equal(pubOut.verdict, "reachable");
  assert.equal(pubOut.sourceAddressSeenByReceiver, tV6[0]!.Ipv6Address);

  // From the Internet: SSH to the public instance is refused by its group until a rule allows it.
  const before = await vpclab(["connect", "internet", `[${tV6[0]!.Ipv6Address}]:22`, "--json"]);
  assert.equal(before.code, 1, before.stdout + before.stderr);
  assert.equal(json(before).result, "timed-out");
  await cli(["authorize-security-group-ingress", "--group-id", tokyoSg.GroupId, "--ip-permissions", "IpProtocol=tcp,FromPort=22,ToPort=22,Ipv6Ranges=[{CidrIpv6=::/0}]"]);
  const inbound = await vpclab(["connect", "internet", `[${tV6[0]!.Ipv6Address}]:22`, "--json"]);
  assert.equal(inbound.code, 0, inbound.stdout + inbound.stderr);
  assert.equal(json(inbound).result, "connected");
  // The private instance, in the same group, is not reachable: the request enters by the VPC's
  // internet gateway, but the reply is routed to the egress-only gateway, which carries nothing the
  // Internet started.
  const priv22 = await vpclab(["why", "internet", privV6, "--protocol", "tcp", "--port", "22", "--json"]);
  assert.equal(priv22.code, 1, priv22.stdout + priv22.stderr);
  const pw = json(priv22);
  assert.deepEqual(pw.explanations.map((e: Json) => e.code), ["EIGW_INBOUND_NOT_ALLOWED"]);
  assert.equal(pw.explanations[0].egressOnlyInternetGatewayId, eigw);
  const privConnect = await vpclab(["connect", "internet", `[${privV6}]:22`]);
  assert.equal(privConnect.code, 1, privConnect.stdout + privConnect.stderr);

  // No route: the fix is a ::/0 route to the egress-only gateway, given as DestinationIpv6CidrBlock.
  await cli(["delete-route", "--route-table-id", privRt, "--destination-ipv6-cidr-block", "::/0"]);
  const noRoute = json(await vpclab(["why", privInst[0]!.InstanceId!, "2606:4700:4700::1111", "--json"]));
  assert.deepEqual(noRoute.explanations.map((e: Json) => e.code), ["NO_ROUTE_TO_DESTINATION"]);
  assert.match(noRoute.explanations[0].reason, /::\/0/);
  assert.deepEqual(noRoute.explanations[0].fixes, [{ action: "CreateRoute", params: { RouteTableId: privRt, DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: eigw }, account: "000000000000", region: "ap-northeast-1" }]);

  // The admin API answers IPv6 too; an instance without an IPv6 address cannot send to one.
  const viaAdmin = await lab.admin<{ verdict?: string }>("POST", "/analyze", { from: tInst.InstanceId, to: wanted });
  assert.equal(viaAdmin.status, 200);
  assert.equal(viaAdmin.body.verdict, "reachable");
  const v4Only = (await cli(["run-instances", "--image-id", AMI, "--instance-type", "t3.micro", "--count", "1", "--subnet-id", priv.SubnetId])).Instances[0];
  const noV6 = await vpclab(["ping", v4Only.InstanceId, sV6, "-c", "1", "--fast"]);
  assert.equal(noV6.code, 2);
  assert.match(noV6.stderr, /has no IPv6 address/);
  // IPv4 over the same peering still answers.
  const v4 = await lab.admin<{ verdict?: string; reachable?: boolean }>("POST", "/analyze", { from: tInst.InstanceId, to: sInst.InstanceId });
  assert.equal(v4.status, 200);
});

test("an IPv6-native subnet: an IPv6-only instance through the AWS CLI, out through an egress-only gateway", async () => {
  const vpc = (await cli(["create-vpc", "--cidr-block", "10.40.0.0/16", "--amazon-provided-ipv6-cidr-block"])).Vpc;
  await cli(["describe-vpcs", "--vpc-ids", vpc.VpcId]);
  const v56 = vpc.Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock as string;
  const subnet = (await cli(["create-subnet", "--vpc-id", vpc.VpcId, "--ipv6-native", "--ipv6-cidr-block", subnet64(v56, 3), "--availability-zone", "ap-northeast-1a"])).Subnet;
  assert.equal(subnet.Ipv6Native, true);
  const eigw = (await cli(["create-egress-only-internet-gateway", "--vpc-id", vpc.VpcId])).EgressOnlyInternetGateway.EgressOnlyInternetGatewayId;
  const rt = (await cli(["create-route-table", "--vpc-id", vpc.VpcId])).RouteTable.RouteTableId;
  await cli(["create-route", "--route-table-id", rt, "--destination-ipv6-cidr-block", "::/0", "--egress-only-internet-gateway-id", eigw]);
  await cli(["associate-route-table", "--route-table-id", rt, "--subnet-id", subnet.SubnetId]);

  // AWS's refusals: a Xen type, private IPv4 addresses, no IPv6 address, a public IPv4 address, ip-name hostnames.
  const xen = await cliError(["run-instances", "--image-id", AMI, "--instance-type", "m1.small", "--count", "1", "--subnet-id", subnet.SubnetId], "InvalidParameterCombination");
  assert.match(xen, /Nitro/);
  await cliError(["run-instances", "--image-id", AMI, "--instance-type", "t3.micro", "--count", "1", "--subnet-id", subnet.SubnetId, "--private-ip-address", "10.40.0.10"], "InvalidParameterValue");
  await cliError(["run-instances", "--image-id", AMI, "--instance-type", "t3.micro", "--count", "1", "--subnet-id", subnet.SubnetId, "--ipv6-address-count", "0"], "InvalidParameterValue");
  await cliError(["run-instances", "--image-id", AMI, "--instance-type", "t3.micro", "--count", "1", "--network-interfaces", `DeviceIndex=0,SubnetId=${subnet.SubnetId},AssociatePublicIpAddress=true`], "InvalidParameterCombination");
  await cliError(["run-instances", "--image-id", AMI, "--instance-type", "t3.micro", "--count", "1", "--subnet-id", subnet.SubnetId, "--private-dns-name-options", "HostnameType=ip-name"], "InvalidParameterValue");
  await cliError(["create-network-interface", "--subnet-id", subnet.SubnetId, "--secondary-private-ip-address-count", "1"], "InvalidParameterValue");
  assert.equal((await cli(["describe-network-interfaces", "--filters", `Name=vpc-id,Values=${vpc.VpcId}`])).NetworkInterfaces.length, 0, "no refused request left an interface behind");

  // The instance: no private IPv4 address, one IPv6 address of the subnet, a resource-name hostname.
  const inst = (await cli(["run-instances", "--image-id", AMI, "--instance-type", "t3.micro", "--count", "1", "--subnet-id", subnet.SubnetId])).Instances[0];
  const id = inst.InstanceId as string;
  const d = (await cli(["describe-instances", "--instance-ids", id])).Reservations[0].Instances[0];
  assert.equal(d.PrivateIpAddress, undefined);
  assert.equal(d.PrivateDnsName, `${id}.ap-northeast-1.compute.internal`);
  assert.equal(d.PrivateDnsNameOptions.HostnameType, "resource-name");
  assert.equal(d.PublicIpAddress, undefined);
  assert.equal(d.SubnetId, subnet.SubnetId);
  const ni = d.NetworkInterfaces[0];
  assert.equal(ni.PrivateIpAddress, undefined);
  assert.deepEqual(ni.PrivateIpAddresses ?? [], []);
  assert.equal(ni.Ipv6Addresses.length, 1);
  const v6 = ni.Ipv6Addresses[0].Ipv6Address as string;
  assert.ok(containsIp6(cidr6Of(subnet64(v56, 3)), parseIp6(v6)!), `${v6} is in the subnet`);
  const eni = (await cli(["describe-network-interfaces", "--network-interface-ids", ni.NetworkInterfaceId])).NetworkInterfaces[0];
  assert.equal(eni.PrivateIpAddress, undefined);
  assert.deepEqual(eni.PrivateIpAddresses ?? [], []);
  assert.deepEqual(eni.Ipv6Addresses.map((a: Json) => a.Ipv6Address), [v6]);
  assert.equal(eni.PrivateDnsName, `${id}.ap-northeast-1.compute.internal`);
  // A standalone interface there: IPv6 only too, and no DNS name until it is attached.
  const standalone = (await cli(["create-network-interface", "--subnet-id", subnet.SubnetId])).NetworkInterface;
  assert.equal(standalone.PrivateIpAddress, undefined);
  assert.deepEqual(standalone.PrivateIpAddresses ?? [], []);
  assert.equal(standalone.Ipv6Addresses.length, 1);
  assert.equal(standalone.PrivateDnsName, undefined);

  // The network: out to the Internet over IPv6 through the egress-only gateway; nothing in from it; IPv4 refused.
  const vpclab = (args: string[]) => runVpclab([...args, "--endpoint-url", lab.url]);
  const out = await vpclab(["ping", id, "2606:4700:4700::1111", "-c", "1", "--fast"]);
  assert.equal(out.code, 0, out.stdout + out.stderr);
  const path = JSON.parse((await vpclab(["why", id, "2606:4700:4700::1111", "--json"])).stdout) as Json;
  assert.equal(path.verdict, "reachable");
  assert.equal(path.sourceAddressSeenByReceiver, v6);
  assert.ok((path.forward as Json[]).some((h) => h.kind === "eigw" && h.id === eigw));
  const inbound = await vpclab(["ping", "internet", v6, "-c", "1", "--fast"]);
  assert.equal(inbound.code, 1, inbound.stdout + inbound.stderr);
  const v4 = await vpclab(["ping", id, "1.1.1.1", "-c", "1", "--fast"]);
  assert.equal(v4.code, 2, v4.stdout + v4.stderr);
  assert.match(v4.stderr, /IPv6-only/);
  const v4in = await vpclab(["ping", "-4", "internet", id, "-c", "1", "--fast"]);
  assert.equal(v4in.code, 2, v4in.stdout + v4in.stderr);
  assert.match(v4in.stderr, /IPv6-only/);
});

test("IPv6 blocks: AWS's refusals for pools, IPAM, border groups, sizes, ranges and overlaps", async () => {
  const ec2 = lab.ec2("eu-west-1");
  // The reported bug: Ipv6CidrBlock without Ipv6Pool was silently accepted with no association.
  await expectEc2Error(ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16", Ipv6CidrBlock: "2600:1f18:1234:5600::/56" })), "MissingParameter");
  await expectEc2Error(ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16", Ipv6CidrBlock: "2600:1f18:1234:5600::/56", Ipv6Pool: "ipv6pool-ec2-0123456789abcdef0" })), "InvalidIpv6PoolID.NotFound");
  await expectEc2Error(ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16", Ipv6IpamPoolId: "ipam-pool-0123456789abcdef0", Ipv6NetmaskLength: 56 })), "InvalidIpamPoolId.NotFound");
  await expectEc2Error(ec2.send(new CreateVpcCommand({ Ipv6IpamPoolId: "ipam-pool-0123456789abcdef0", Ipv6NetmaskLength: 56 })), "MissingParameter");
  await expectEc2Error(ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16", Ipv6CidrBlockNetworkBorderGroup: "eu-west-1" })), "InvalidParameterCombination");
  await expectEc2Error(ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16", AmazonProvidedIpv6CidrBlock: true, Ipv6CidrBlockNetworkBorderGroup: "eu-west-1-lax-1" })), "InvalidParameterValue");
  const before = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs!.length;
  assert.equal(before, 1, "no refused CreateVpc left a VPC behind");

  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16", AmazonProvidedIpv6CidrBlock: true, Ipv6CidrBlockNetworkBorderGroup: "eu-west-1" }))).Vpc!;
  const v56 = vpc.Ipv6CidrBlockAssociationSet![0]!.Ipv6CidrBlock!;
  const plain = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.1.0.0/16" }))).Vpc!;
  assert.deepEqual(plain.Ipv6CidrBlockAssociationSet, []);
  await expectEc2Error(ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: plain.VpcId, Ipv6CidrBlock: "2600:1f18::/56" })), "MissingParameter");
  await expectEc2Error(ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: plain.VpcId, AmazonProvidedIpv6CidrBlock: true, CidrBlock: "10.2.0.0/16" })), "InvalidParameterCombination");
  await expectEc2Error(ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: plain.VpcId, AmazonProvidedIpv6CidrBlock: false, Ipv6Pool: "ipv6pool-ec2-0123456789abcdef0" })), "InvalidIpv6PoolID.NotFound");

  // Subnets: no IPv6 in the VPC, wrong size, outside the /56, overlap, malformed, IPv6-native rules.
  await expectEc2Error(ec2.send(new CreateSubnetCommand({ VpcId: plain.VpcId, CidrBlock: "10.1.0.0/24", Ipv6CidrBlock: subnet64(v56, 0) })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: "10.0.0.0/24", Ipv6CidrBlock: subnet64(v56, 0).replace("/64", "/60") })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: "10.0.0.0/24", Ipv6CidrBlock: "2001:db8::/64" })), "InvalidSubnet.Range");
  await expectEc2Error(ec2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: "10.0.0.0/24", Ipv6CidrBlock: "2001:db8::zz/64" })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, Ipv6Native: true, CidrBlock: "10.0.0.0/24", Ipv6CidrBlock: subnet64(v56, 0) })), "InvalidParameterCombination");
  await expectEc2Error(ec2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, Ipv6Native: true })), "InvalidParameterCombination");
  const a = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: "10.0.0.0/24", Ipv6CidrBlock: subnet64(v56, 0) }))).Subnet!;
  await expectEc2Error(ec2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: "10.0.1.0/24", Ipv6CidrBlock: subnet64(v56, 0) })), "InvalidSubnet.Conflict");
  await expectEc2Error(ec2.send(new AssociateSubnetCidrBlockCommand({ SubnetId: a.SubnetId, Ipv6CidrBlock: subnet64(v56, 3) })), "InvalidSubnet.Conflict");
  const subnetsNow = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpc.VpcId!] }] }))).Subnets!;
  assert.equal(subnetsNow.length, 1, "no refused CreateSubnet left a subnet behind");

  // An IPv6-native subnet: no IPv4 block, resource-name hostnames, auto IPv6; only Nitro types launch there.
  const native = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, Ipv6Native: true, Ipv6CidrBlock: subnet64(v56, 9) }))).Subnet!;
  assert.equal(native.CidrBlock, undefined);
  assert.equal(native.Ipv6Native, true);
  assert.equal(native.AssignIpv6AddressOnCreation, true);
  assert.equal(native.PrivateDnsNameOptionsOnLaunch!.HostnameType, "resource-name");
  const nf = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "ipv6-native", Values: ["true"] }] }));
  assert.deepEqual(nf.Subnets!.map((s) => s.SubnetId), [native.SubnetId]);
  await expectEc2Error(ec2.send(new ModifySubnetAttributeCommand({ SubnetId: native.SubnetId, MapPublicIpOnLaunch: { Value: true } })), "InvalidParameterValue");
  const launch = await expectEc2Error(ec2.send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, SubnetId: native.SubnetId })), "InvalidParameterCombination");
  assert.match(launch.message, /Nitro/);
  // The IPv4 subnet code still works next to a subnet without an IPv4 block.
  await ec2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: "10.0.2.0/24" }));

  // Attributes: IPv6 ones need an IPv6 block.
  const v4only = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: "10.0.3.0/24" }))).Subnet!;
  const attr = await expectEc2Error(ec2.send(new ModifySubnetAttributeCommand({ SubnetId: v4only.SubnetId, AssignIpv6AddressOnCreation: { Value: true } })), "InvalidParameterValue");
  assert.match(attr.message, /Cannot set assign-ipv6-address-on-creation to true unless the subnet/);
  await expectEc2Error(ec2.send(new ModifySubnetAttributeCommand({ SubnetId: v4only.SubnetId, EnableDns64: { Value: true } })), "InvalidParameterValue");

  // Addresses: count and list together, outside the subnet, reserved, a subnet without IPv6, prefixes.
  await expectEc2Error(ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: a.SubnetId, Ipv6AddressCount: 1, Ipv6Addresses: [{ Ipv6Address: addressIn(subnet64(v56, 0), 0x99) }] })), "InvalidParameterCombination");
  await expectEc2Error(ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: a.SubnetId, Ipv6Addresses: [{ Ipv6Address: "2001:db8::1" }] })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: a.SubnetId, Ipv6Addresses: [{ Ipv6Address: addressIn(subnet64(v56, 0), 1) }] })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: v4only.SubnetId, Ipv6AddressCount: 1 })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: a.SubnetId, Ipv6PrefixCount: 1 })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new RunInstancesCommand({ ImageId: AMI, MinCount: 2, MaxCount: 2, SubnetId: a.SubnetId, Ipv6Addresses: [{ Ipv6Address: addressIn(subnet64(v56, 0), 0x99) }] })), "InvalidParameterCombination");
  await expectEc2Error(ec2.send(new RunInstancesCommand({ ImageId: AMI, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, SubnetId: a.SubnetId, Ipv6AddressCount: 50 })), "InvalidParameterValue");
  const enis = (await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: "vpc-id", Values: [vpc.VpcId!] }] }))).NetworkInterfaces!;
  assert.equal(enis.length, 0, "no refused request left an interface behind");

  // Routes: a v4 route to an egress-only gateway, both destinations, NAT only for 64:ff9b::/96,
  // a middlebox route inside the /56 must be exactly a subnet's /64.
  const rt = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpc.VpcId }))).RouteTable!.RouteTableId!;
  const eigw = (await ec2.send(new CreateEgressOnlyInternetGatewayCommand({ VpcId: vpc.VpcId }))).EgressOnlyInternetGateway!.EgressOnlyInternetGatewayId!;
  await expectEc2Error(ec2.send(new CreateRouteCommand({ RouteTableId: rt, DestinationCidrBlock: "0.0.0.0/0", DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: eigw })), "InvalidParameterCombination");
  const bad = await expectEc2Error(ec2.send(new CreateRouteCommand({ RouteTableId: rt, DestinationIpv6CidrBlock: "::/129", EgressOnlyInternetGatewayId: eigw })), "InvalidParameterValue");
  assert.match(bad.message, /destinationIpv6CidrBlock/, "the refusal names the parameter the request used");
  await ec2.send(new CreateRouteCommand({ RouteTableId: rt, DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: eigw }));
  await expectEc2Error(ec2.send(new CreateRouteCommand({ RouteTableId: rt, DestinationIpv6CidrBlock: "0::0/0", EgressOnlyInternetGatewayId: eigw })), "RouteAlreadyExists");
  await expectEc2Error(ec2.send(new CreateRouteCommand({ RouteTableId: rt, DestinationIpv6CidrBlock: subnet64(v56, 0), EgressOnlyInternetGatewayId: eigw })), "InvalidParameterValue");
  const eni = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: a.SubnetId }))).NetworkInterface!;
  await expectEc2Error(ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eni.NetworkInterfaceId, EnablePrimaryIpv6: true })), "InvalidParameterValue");
  await expectEc2Error(ec2.send(new CreateRouteCommand({ RouteTableId: rt, DestinationIpv6CidrBlock: subnet64(v56, 0).replace("/64", "/65"), NetworkInterfaceId: eni.NetworkInterfaceId })), "InvalidParameterValue");
  await ec2.send(new CreateRouteCommand({ RouteTableId: rt, DestinationIpv6CidrBlock: subnet64(v56, 0), NetworkInterfaceId: eni.NetworkInterfaceId }));
  await ec2.send(new DeleteRouteCommand({ RouteTableId: rt, DestinationIpv6CidrBlock: "::/0" }));
  const missing = await expectEc2Error(ec2.send(new DeleteRouteCommand({ RouteTableId: rt, DestinationIpv6CidrBlock: "::/0" })), "InvalidRoute.NotFound");
  assert.match(missing.message, /destination-ipv6-cidr-block ::\/0/);
  await expectEc2Error(ec2.send(new DeleteRouteCommand({ RouteTableId: rt, DestinationIpv6CidrBlock: v56 })), "InvalidParameterValue");
  const routes = (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rt] }))).RouteTables![0]!.Routes!;
  assert.deepEqual(routes.map((r) => r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock), ["10.0.0.0/16", v56, subnet64(v56, 0)]);
});

test("a VPC's IPv6 blocks: pool per region, one per border group, disassociation removes the local route", async () => {
  const ec2 = lab.ec2("us-west-2");
  const other = lab.ec2("us-west-2", "111111111111");
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.9.0.0/16" }))).Vpc!;
  const first = (await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: vpc.VpcId, AmazonProvidedIpv6CidrBlock: true }))).Ipv6CidrBlockAssociation!;
  assert.equal(first.NetworkBorderGroup, "us-west-2");
  // "You can have one IPv6 CIDR block association per network border group."
  await expectEc2Error(ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: vpc.VpcId, AmazonProvidedIpv6CidrBlock: true })), "CidrLimitExceeded");
  // Other VPCs, of this account and another, draw from the same regional pool and never overlap.
  const blocks = [first.Ipv6CidrBlock!];
  for (let i = 0; i < 3; i++) {
    blocks.push((await ec2.send(new CreateVpcCommand({ CidrBlock: `10.${10 + i}.0.0/16`, AmazonProvidedIpv6CidrBlock: true }))).Vpc!.Ipv6CidrBlockAssociationSet![0]!.Ipv6CidrBlock!);
  }
  blocks.push((await other.send(new CreateVpcCommand({ CidrBlock: "10.9.0.0/16", AmazonProvidedIpv6CidrBlock: true }))).Vpc!.Ipv6CidrBlockAssociationSet![0]!.Ipv6CidrBlock!);
  const all = blocks.map(cidr6Of);
  for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) assert.ok(!overlaps6(all[i]!, all[j]!), `${blocks[i]} / ${blocks[j]}`);
  // Every block of a region lies in its /32, and another region's pool is disjoint from it.
  const pool = cidr6Of(blocks[0]!.replace(/^([0-9a-f]+:[0-9a-f]+):.*$/, "$1::/32"));
  for (const b of all) assert.ok(containsCidr6(pool, b));
  const elsewhere = (await lab.ec2("eu-central-1").send(new CreateVpcCommand({ CidrBlock: "10.9.0.0/16", AmazonProvidedIpv6CidrBlock: true }))).Vpc!;
  assert.ok(!containsCidr6(pool, cidr6Of(elsewhere.Ipv6CidrBlockAssociationSet![0]!.Ipv6CidrBlock!)));

  const dis = await ec2.send(new DisassociateVpcCidrBlockCommand({ AssociationId: first.AssociationId }));
  assert.equal(dis.Ipv6CidrBlockAssociation!.Ipv6CidrBlockState!.State, "disassociating");
  assert.equal(dis.Ipv6CidrBlockAssociation!.Ipv6CidrBlock, first.Ipv6CidrBlock);
  const seen = (await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpc.VpcId!] }))).Vpcs![0]!.Ipv6CidrBlockAssociationSet!;
  assert.deepEqual(seen.map((b) => b.Ipv6CidrBlockState!.State), ["disassociated"]);
  const gone = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "ipv6-cidr-block-association.state", Values: ["disassociated"] }] }));
  assert.deepEqual(gone.Vpcs!.map((v) => v.VpcId), [vpc.VpcId]);
  const main = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpc.VpcId!] }] }))).RouteTables![0]!;
  assert.deepEqual(main.Routes!.map((r) => r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock), ["10.9.0.0/16"]);
  // With the block gone, the border group is free again: a new block (not the one just released).
  const again = (await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: vpc.VpcId, AmazonProvidedIpv6CidrBlock: true }))).Ipv6CidrBlockAssociation!;
  assert.notEqual(again.Ipv6CidrBlock, first.Ipv6CidrBlock);
  const now = (await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpc.VpcId!] }))).Vpcs![0]!.Ipv6CidrBlockAssociationSet!;
  assert.deepEqual(now.map((b) => [b.Ipv6CidrBlock, b.Ipv6CidrBlockState!.State]), [[again.Ipv6CidrBlock, "associated"]]);
  await expectEc2Error(ec2.send(new DisassociateVpcCidrBlockCommand({ AssociationId: "vpc-cidr-assoc-0123456789abcdef0" })), "InvalidVpcCidrBlockAssociationID.NotFound");
});

test("IPv6 state survives a restart, pending associations included, and settles on the emulator clock", async () => {
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "vpclab-ipv6-"));
  const delays = { "ipv6.associated": 30_000, "ipv6.disassociated": 30_000 };
  try {
    const one = await startLab({ dataDir: dir, delays });
    const c1 = one.ec2("sa-east-1");
    const vpc = (await c1.send(new CreateVpcCommand({ CidrBlock: "10.5.0.0/16", AmazonProvidedIpv6CidrBlock: true }))).Vpc!;
    const v56 = vpc.Ipv6CidrBlockAssociationSet![0]!.Ipv6CidrBlock!;
    const sub = (await c1.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: "10.5.1.0/24", Ipv6CidrBlock: subnet64(v56, 7) }))).Subnet!;
    const eni = (await c1.send(new CreateNetworkInterfaceCommand({ SubnetId: sub.SubnetId, Ipv6AddressCount: 2 }))).NetworkInterface!;
    const rt = (await c1.send(new CreateRouteTableCommand({ VpcId: vpc.VpcId }))).RouteTable!.RouteTableId!;
    await c1.send(new CreateRouteCommand({ RouteTableId: rt, DestinationIpv6CidrBlock: "2001:db8::/32", NetworkInterfaceId: eni.NetworkInterfaceId }));
    // With a 30 s delay the association is still `associating` on the next request.
    const still = (await c1.send(new DescribeVpcsCommand({ VpcIds: [vpc.VpcId!] }))).Vpcs![0]!;
    assert.equal(still.Ipv6CidrBlockAssociationSet![0]!.Ipv6CidrBlockState!.State, "associating");
    await one.close();

    const two = await startLab({ dataDir: dir, delays });
    try {
      const c2 = two.ec2("sa-east-1");
      const v = (await c2.send(new DescribeVpcsCommand({ VpcIds: [vpc.VpcId!] }))).Vpcs![0]!;
      assert.deepEqual(v.Ipv6CidrBlockAssociationSet!.map((b) => [b.Ipv6CidrBlock, b.Ipv6CidrBlockState!.State]), [[v56, "associating"]]);
      const s = (await c2.send(new DescribeSubnetsCommand({ SubnetIds: [sub.SubnetId!] }))).Subnets![0]!;
      assert.equal(s.Ipv6CidrBlockAssociationSet![0]!.Ipv6CidrBlock, subnet64(v56, 7));
      const e = (await c2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni.NetworkInterfaceId!] }))).NetworkInterfaces![0]!;
      assert.deepEqual(e.Ipv6Addresses!.map((a) => a.Ipv6Address).sort(), eni.Ipv6Addresses!.map((a) => a.Ipv6Address).sort());
      const routes = (await c2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rt] }))).RouteTables![0]!.Routes!;
      assert.deepEqual(routes.map((r) => r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock), ["10.5.0.0/16", v56, "2001:db8::/32"]);
      // The pending transitions were saved with the state: 30 s of emulator time settles them.
      const clock = await two.admin("POST", "/clock", { advanceSeconds: 31 });
      assert.equal(clock.status, 200);
      const settled = (await c2.send(new DescribeVpcsCommand({ VpcIds: [vpc.VpcId!] }))).Vpcs![0]!;
      assert.equal(settled.Ipv6CidrBlockAssociationSet![0]!.Ipv6CidrBlockState!.State, "associated");
      const s2 = (await c2.send(new DescribeSubnetsCommand({ SubnetIds: [sub.SubnetId!] }))).Subnets![0]!;
      assert.equal(s2.Ipv6CidrBlockAssociationSet![0]!.Ipv6CidrBlockState!.State, "associated");
    } finally {
      await two.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("IPv6 through a transit gateway: Ipv6Support propagates the /56s, ping -6 crosses it; without it the drop names the attachment", async () => {
  const vpclab = (args: string[]) => runVpclab([...args, "--endpoint-url", lab.url]);
  // Two dual-stack VPCs in Tokyo, one subnet each with a /64.
  const side = async (cidr: string, sub: string) => {
    const vpcId = (await tokyo.send(new CreateVpcCommand({ CidrBlock: cidr, AmazonProvidedIpv6CidrBlock: true }))).Vpc!.VpcId!;
    const v = (await tokyo.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs![0]!;
    const v56 = v.Ipv6CidrBlockAssociationSet![0]!.Ipv6CidrBlock!;
    const subnetId = (await tokyo.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: sub, Ipv6CidrBlock: subnet64(v56, 0), AvailabilityZone: "ap-northeast-1a" }))).Subnet!.SubnetId!;
    const main = (await tokyo.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }, { Name: "association.main", Values: ["true"] }] }))).RouteTables![0]!.RouteTableId!;
    const sgId = (await tokyo.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }, { Name: "group-name", Values: ["default"] }] }))).SecurityGroups![0]!.GroupId!;
    await tokyo.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sgId, IpPermissions: [{ IpProtocol: "icmpv6", FromPort: -1, ToPort: -1, Ipv6Ranges: [{ CidrIpv6: "2600::/12" }] }] }));
    const inst = (await tokyo.send(new RunInstancesCommand({ ImageId: AMI, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, SubnetId: subnetId, Ipv6AddressCount: 1 }))).Instances![0]!;
    return { vpcId, v56, subnetId, main, inst, v6: inst.NetworkInterfaces![0]!.Ipv6Addresses![0]!.Ipv6Address! };
  };
  const a = await side("10.50.0.0/16", "10.50.1.0/24");
  const b = await side("10.60.0.0/16", "10.60.1.0/24");
  const tgw = (await tokyo.send(new CreateTransitGatewayCommand({ Description: "v6 hub" }))).TransitGateway!;
  const tgwId = tgw.TransitGatewayId!;
  const rtb = tgw.Options!.PropagationDefaultRouteTableId!;
  await tokyo.send(new DescribeTransitGatewaysCommand({ TransitGatewayIds: [tgwId] }));
  // Ipv6Support needs IPv6 blocks on the attachment's subnets: a subnet without a /64 is refused.
  const bare = (await tokyo.send(new CreateSubnetCommand({ VpcId: a.vpcId, CidrBlock: "10.50.2.0/24", AvailabilityZone: "ap-northeast-1c" }))).Subnet!.SubnetId!;
  await expectEc2Error(tokyo.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tgwId, VpcId: a.vpcId, SubnetIds: [a.subnetId, bare], Options: { Ipv6Support: "enable" } })), "InvalidParameterValue");
  const attA = (await tokyo.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tgwId, VpcId: a.vpcId, SubnetIds: [a.subnetId] }))).TransitGatewayVpcAttachment!;
  assert.equal(attA.Options!.Ipv6Support, "disable");
  const attB = (await tokyo.send(new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tgwId, VpcId: b.vpcId, SubnetIds: [b.subnetId], Options: { Ipv6Support: "enable" } }))).TransitGatewayVpcAttachment!;
  assert.equal(attB.Options!.Ipv6Support, "enable");
  const described = (await tokyo.send(new DescribeTransitGatewayVpcAttachmentsCommand({ TransitGatewayAttachmentIds: [attA.TransitGatewayAttachmentId!, attB.TransitGatewayAttachmentId!] }))).TransitGatewayVpcAttachments!;
  assert.deepEqual(described.map((x) => [x.State, x.Options!.Ipv6Support]).sort(), [["available", "disable"], ["available", "enable"]]);
  // IPv6 routes in the VPCs: A sends B's /56 to the gateway, B sends ::/0 to it.
  await tokyo.send(new CreateRouteCommand({ RouteTableId: a.main, DestinationIpv6CidrBlock: b.v56, TransitGatewayId: tgwId }));
  await tokyo.send(new CreateRouteCommand({ RouteTableId: b.main, DestinationIpv6CidrBlock: "::/0", TransitGatewayId: tgwId }));
  const search = async (filter = "route-search.subnet-of-match", value = "::/0") =>
    (await tokyo.send(new SearchTransitGatewayRoutesCommand({ TransitGatewayRouteTableId: rtb, Filters: [{ Name: filter, Values: [value] }] }))).Routes!;
  // Only the attachment with Ipv6Support propagates its /56.
  assert.deepEqual((await search()).map((r) => [r.DestinationCidrBlock, r.Type, r.TransitGatewayAttachments![0]!.TransitGatewayAttachmentId]), [[b.v56, "propagated", attB.TransitGatewayAttachmentId]]);
  // Without Ipv6Support on A's attachment the packet is dropped there, named with the fix.
  const blocked = await vpclab(["why", a.inst.InstanceId!, b.v6, "--json"]);
  assert.equal(blocked.code, 1, blocked.stdout + blocked.stderr);
  const e = JSON.parse(blocked.stdout).explanations[0];
  assert.equal(e.code, "TGW_ATTACH_IPV6_SUPPORT_DISABLED");
  assert.equal(e.transitGatewayAttachmentId, attA.TransitGatewayAttachmentId);
  assert.deepEqual(e.fixes[0].action, "ModifyTransitGatewayVpcAttachment");
  assert.deepEqual(e.fixes[0].params, { TransitGatewayAttachmentId: attA.TransitGatewayAttachmentId, Options: { Ipv6Support: "enable" } });
  const noPing = await vpclab(["ping", a.inst.InstanceId!, b.v6, "-c", "1", "--fast"]);
  assert.notEqual(noPing.code, 0);
  // The fix, through the API: then both /56s propagate and ping crosses the gateway both ways.
  const mod = (await tokyo.send(new ModifyTransitGatewayVpcAttachmentCommand({ TransitGatewayAttachmentId: attA.TransitGatewayAttachmentId, Options: { Ipv6Support: "enable" } }))).TransitGatewayVpcAttachment!;
  assert.equal(mod.Options!.Ipv6Support, "enable");
  await expectEc2Error(tokyo.send(new ModifyTransitGatewayVpcAttachmentCommand({ TransitGatewayAttachmentId: attA.TransitGatewayAttachmentId, AddSubnetIds: [bare] })), "InvalidParameterValue");
  assert.deepEqual((await search()).map((r) => r.DestinationCidrBlock).sort(), [a.v56, b.v56].sort());
  const ping = await vpclab(["ping", a.inst.InstanceId!, b.v6, "-c", "2", "--fast"]);
  assert.equal(ping.code, 0, ping.stdout + ping.stderr);
  assert.match(ping.stdout, /2 received|2 packets received/);
  const back = await vpclab(["ping", "-6", b.inst.InstanceId!, a.inst.InstanceId!, "-c", "1", "--fast"]);
  assert.equal(back.code, 0, back.stdout + back.stderr);
  // A static IPv6 route (blackhole, more specific than B's /56) shows in the search and drops the packet.
  const host = `${b.v6}/128`;
  await tokyo.send(new CreateTransitGatewayRouteCommand({ TransitGatewayRouteTableId: rtb, DestinationCidrBlock: host, Blackhole: true }));
  const exact = await search("route-search.exact-match", host);
  assert.deepEqual(exact.map((r) => [r.DestinationCidrBlock, r.Type, r.State]), [[host, "static", "blackhole"]]);
  assert.deepEqual((await search("route-search.longest-prefix-match", b.v6 + "/128")).map((r) => r.DestinationCidrBlock), [host]);
  const holed = JSON.parse((await vpclab(["why", a.inst.InstanceId!, b.v6, "--json"])).stdout);
  assert.deepEqual(holed.explanations.map((x: Json) => x.code), ["TGW_RTB_BAD_STATE_ROUTE"]);
});
