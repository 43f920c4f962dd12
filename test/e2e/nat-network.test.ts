/**
 * Issue 12's network scenario, end to end: a VPC with a public and a private subnet, an internet
 * gateway, a NAT gateway, an S3 gateway endpoint and an SSM interface endpoint, built through the AWS
 * CLI and the SDK; then `vpclab why` (the CLI, as a subprocess) answers: the private instance reaches
 * 8.8.8.8 through the NAT gateway and the far side sees the NAT gateway's elastic IP; the Internet cannot
 * reach the private instance (named); an S3 address is reached through the endpoint and not the NAT
 * gateway; the interface endpoint answers on 443; the NAT gateway's subnet without its route to the
 * internet gateway is named; after the NAT gateway is deleted the drop names the blackhole route to it.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeNatGatewaysCommand,
  RunInstancesCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { startLab, type Lab, runVpclab } from "../support/harness.js";

const REGION = "us-east-1";
/** An address of AWS's S3 prefix list for us-east-1 (52.216.0.0/15, model/service-prefixes.ts). */
const S3_IP = "52.216.8.9";

const vpclab = (lab: Lab, args: string[]) => runVpclab([...args, "--endpoint-url", lab.url, "--region", REGION]);

describe("NAT gateway, gateway and interface endpoints in the network (issue 12)", () => {
  let lab: Lab;
  let ec2: EC2Client;
  const ids: Record<string, string> = {};
  const aws = async (args: string[]) => {
    const r = await lab.cli(["ec2", ...args], { region: REGION });
    assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
    return r.json as Record<string, any>;
  };

  before(async () => {
    lab = await startLab();
    ec2 = lab.ec2(REGION);
    ids.vpc = (await aws(["create-vpc", "--cidr-block", "10.30.0.0/16"])).Vpc.VpcId;
    await aws(["modify-vpc-attribute", "--vpc-id", ids.vpc, "--enable-dns-hostnames"]);
    ids.pub = (await aws(["create-subnet", "--vpc-id", ids.vpc, "--cidr-block", "10.30.0.0/24", "--availability-zone", "us-east-1a"])).Subnet.SubnetId;
    ids.priv = (await aws(["create-subnet", "--vpc-id", ids.vpc, "--cidr-block", "10.30.1.0/24", "--availability-zone", "us-east-1a"])).Subnet.SubnetId;
    ids.igw = (await aws(["create-internet-gateway"])).InternetGateway.InternetGatewayId;
    await aws(["attach-internet-gateway", "--internet-gateway-id", ids.igw, "--vpc-id", ids.vpc]);
    ids.rtPub = (await aws(["create-route-table", "--vpc-id", ids.vpc])).RouteTable.RouteTableId;
    await aws(["create-route", "--route-table-id", ids.rtPub, "--destination-cidr-block", "0.0.0.0/0", "--gateway-id", ids.igw]);
    await aws(["associate-route-table", "--route-table-id", ids.rtPub, "--subnet-id", ids.pub]);
    ids.rtPriv = (await aws(["create-route-table", "--vpc-id", ids.vpc])).RouteTable.RouteTableId;
    await aws(["associate-route-table", "--route-table-id", ids.rtPriv, "--subnet-id", ids.priv]);
    ids.alloc = (await aws(["allocate-address", "--domain", "vpc"])).AllocationId;
    ids.eip = (await aws(["describe-addresses", "--allocation-ids", ids.alloc])).Addresses[0].PublicIp;
    ids.nat = (await aws(["create-nat-gateway", "--subnet-id", ids.pub, "--allocation-id", ids.alloc])).NatGateway.NatGatewayId;
    await aws(["wait", "nat-gateway-available", "--nat-gateway-ids", ids.nat]);
    await aws(["create-route", "--route-table-id", ids.rtPriv, "--destination-cidr-block", "0.0.0.0/0", "--nat-gateway-id", ids.nat]);
    ids.s3 = (await aws(["create-vpc-endpoint", "--vpc-id", ids.vpc, "--service-name", `com.amazonaws.${REGION}.s3`, "--route-table-ids", ids.rtPriv])).VpcEndpoint.VpcEndpointId;
    ids.sgEndpoint = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: ids.vpc, GroupName: "endpoints", Description: "https from the VPC" }))).GroupId!;
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: ids.sgEndpoint, IpPermissions: [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "10.30.0.0/16" }] }] }));
    const ssm = (
      await aws(["create-vpc-endpoint", "--vpc-id", ids.vpc, "--vpc-endpoint-type", "Interface", "--service-name", `com.amazonaws.${REGION}.ssm`, "--subnet-ids", ids.priv, "--security-group-ids", ids.sgEndpoint])
    ).VpcEndpoint;
    ids.ssmEni = ssm.NetworkInterfaceIds[0];
    ids.ssmIp = (await aws(["describe-network-interfaces", "--network-interface-ids", ids.ssmEni])).NetworkInterfaces[0].PrivateIpAddress;
    const inst = await ec2.send(
      new RunInstancesCommand({ ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, SubnetId: ids.priv, TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "Name", Value: "private-box" }] }] }),
    );
    ids.instance = inst.Instances![0]!.InstanceId!;
    ids.instanceIp = inst.Instances![0]!.PrivateIpAddress!;
  });
  after(async () => {
    await lab?.close();
  });

  it("the configuration reads back as AWS shows it", async () => {
    const rt = (await aws(["describe-route-tables", "--route-table-ids", ids.rtPriv])).RouteTables[0];
    const routes = rt.Routes as Record<string, string>[];
    assert.ok(routes.some((r) => r.DestinationCidrBlock === "0.0.0.0/0" && r.NatGatewayId === ids.nat && r.State === "active" && r.Origin === "CreateRoute"));
    assert.ok(routes.some((r) => r.DestinationPrefixListId?.startsWith("pl-") && r.GatewayId === ids.s3 && r.Origin === "CreateRoute" && r.State === "active" && r.DestinationCidrBlock === undefined));
    const nat = (await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [ids.nat] }))).NatGateways![0]!;
    assert.equal(nat.NatGatewayAddresses![0]!.PublicIp, ids.eip);
  });

  it("private instance → 8.8.8.8: reachable through the NAT gateway, the far side sees its elastic IP", async () => {
    const r = await vpclab(lab, ["why", "private-box", "8.8.8.8"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`^Verdict: REACHABLE — .*the receiver sees source ${ids.eip!.replace(/\./g, "\\.")}\\.$`, "m"));
    const json = JSON.parse((await vpclab(lab, ["why", "private-box", "8.8.8.8", "--json"])).stdout) as {
      verdict: string;
      sourceAddressSeenByReceiver: string;
      forward: { kind: string; id: string; route?: { target: string } }[];
      return: { kind: string; id: string }[];
    };
    assert.equal(json.verdict, "reachable");
    assert.equal(json.sourceAddressSeenByReceiver, ids.eip);
    const kinds = json.forward.map((h) => `${h.kind}:${h.id}`);
    const natAt = kinds.indexOf(`nat-gateway:${ids.nat}`);
    assert.ok(natAt > 0, kinds.join(" "));
    // Before the NAT gateway: the private table's default route; after it: the public table's route to the IGW.
    assert.ok(json.forward.slice(0, natAt).some((h) => h.kind === "route-table" && h.id === ids.rtPriv && h.route?.target === ids.nat));
    assert.ok(json.forward.slice(natAt).some((h) => h.kind === "route-table" && h.id === ids.rtPub && h.route?.target === ids.igw));
    assert.ok(json.forward.slice(natAt).some((h) => h.kind === "igw" && h.id === ids.igw));
    const ping = await vpclab(lab, ["ping", "private-box", "8.8.8.8", "-c", "2", "--fast"]);
    assert.equal(ping.code, 0, ping.stdout);
    assert.match(ping.stdout, /2 packets transmitted, 2 received, 0% packet loss/);
    // The reply comes back through the NAT gateway to the instance.
    const back = json.return.map((h) => `${h.kind}:${h.id}`);
    assert.ok(back.includes(`nat-gateway:${ids.nat}`), back.join(" "));
    assert.equal(json.return.at(-1)!.kind, "eni");
  });

  it("the Internet → the private instance: blocked, and the answer names the instance and why", async () => {
    const r = await vpclab(lab, ["why", "internet", "private-box"]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS/);
    assert.match(r.stdout, new RegExp(ids.instanceIp!.replace(/\./g, "\\.")));
    // Nor through the NAT gateway's elastic IP: it only carries connections opened from inside.
    const viaEip = await vpclab(lab, ["why", "internet", ids.eip!]);
    assert.equal(viaEip.code, 1, viaEip.stdout);
    assert.match(viaEip.stdout, /NO_POSSIBLE_DESTINATION/);
    assert.match(viaEip.stdout, new RegExp(`NAT gateway ${ids.nat}`));
  });

  it("private instance → S3: reachable through the gateway endpoint, not through the NAT gateway", async () => {
    const json = JSON.parse((await vpclab(lab, ["why", "private-box", S3_IP, "--protocol", "tcp", "--port", "443", "--json"])).stdout) as {
      verdict: string;
      sourceAddressSeenByReceiver: string;
      forward: { kind: string; id: string; route?: { destinationCidr: string; target: string } }[];
      return: { kind: string; id: string }[];
    };
    assert.equal(json.verdict, "reachable");
    assert.ok(json.forward.some((h) => h.kind === "vpc-endpoint" && h.id === ids.s3));
    assert.ok(!json.forward.some((h) => h.kind === "nat-gateway" || h.kind === "igw"));
    const rtHop = json.forward.find((h) => h.kind === "route-table")!;
    assert.equal(rtHop.route!.target, ids.s3);
    assert.match(rtHop.route!.destinationCidr, /^pl-/);
    assert.equal(json.sourceAddressSeenByReceiver, ids.instanceIp);
    assert.ok(json.return.some((h) => h.kind === "vpc-endpoint"));
    // A non-S3 public address still goes through the NAT gateway.
    const other = JSON.parse((await vpclab(lab, ["why", "private-box", "1.1.1.1", "--json"])).stdout) as { forward: { kind: string }[] };
    assert.ok(other.forward.some((h) => h.kind === "nat-gateway"));
  });

  it("private instance → the SSM interface endpoint on 443: reachable, filtered by the endpoint's security group", async () => {
    const ok = await vpclab(lab, ["why", "private-box", ids.ssmIp!, "--protocol", "tcp", "--port", "443"]);
    assert.equal(ok.code, 0, ok.stdout);
    const no = await vpclab(lab, ["why", "private-box", ids.ssmIp!, "--protocol", "tcp", "--port", "80"]);
    assert.equal(no.code, 1);
    assert.match(no.stdout, new RegExp(`ENI_SG_RULES_MISMATCH.*${ids.sgEndpoint}`));
  });

  it("the NAT gateway's subnet without its route to the internet gateway: NO_ROUTE_TO_DESTINATION names the NAT gateway's route table", async () => {
    await aws(["delete-route", "--route-table-id", ids.rtPub, "--destination-cidr-block", "0.0.0.0/0"]);
    try {
      const r = await vpclab(lab, ["why", "private-box", "8.8.8.8"]);
      assert.equal(r.code, 1);
      assert.match(r.stdout, new RegExp(`NO_ROUTE_TO_DESTINATION — route table ${ids.rtPub}`));
      assert.match(r.stdout, new RegExp(`NAT gateway ${ids.nat} forwards by the route table of its subnet ${ids.pub}`));
    } finally {
      await aws(["create-route", "--route-table-id", ids.rtPub, "--destination-cidr-block", "0.0.0.0/0", "--gateway-id", ids.igw]);
    }
  });

  it("a private NAT gateway translates to its private address: over a peering the receiver sees it, and the reply comes back", async () => {
    const a = (await aws(["create-vpc", "--cidr-block", "10.40.0.0/16"])).Vpc.VpcId;
    const appSubnet = (await aws(["create-subnet", "--vpc-id", a, "--cidr-block", "10.40.1.0/24"])).Subnet.SubnetId;
    const natSubnet = (await aws(["create-subnet", "--vpc-id", a, "--cidr-block", "10.40.2.0/24"])).Subnet.SubnetId;
    const b = (await aws(["create-vpc", "--cidr-block", "10.50.0.0/16"])).Vpc.VpcId;
    const bSubnet = (await aws(["create-subnet", "--vpc-id", b, "--cidr-block", "10.50.1.0/24"])).Subnet.SubnetId;
    const pcx = (await aws(["create-vpc-peering-connection", "--vpc-id", a, "--peer-vpc-id", b])).VpcPeeringConnection.VpcPeeringConnectionId;
    await aws(["accept-vpc-peering-connection", "--vpc-peering-connection-id", pcx]);
    const nat = (await aws(["create-nat-gateway", "--subnet-id", natSubnet, "--connectivity-type", "private", "--private-ip-address", "10.40.2.10"])).NatGateway.NatGatewayId;
    assert.equal((await aws(["describe-nat-gateways", "--nat-gateway-ids", nat])).NatGateways[0].State, "available");
    const rtApp = (await aws(["create-route-table", "--vpc-id", a])).RouteTable.RouteTableId;
    await aws(["associate-route-table", "--route-table-id", rtApp, "--subnet-id", appSubnet]);
    await aws(["create-route", "--route-table-id", rtApp, "--destination-cidr-block", "10.50.0.0/16", "--nat-gateway-id", nat]);
    const mainA = (await aws(["describe-route-tables", "--filters", `Name=vpc-id,Values=${a}`, "Name=association.main,Values=true"])).RouteTables[0].RouteTableId;
    const mainB = (await aws(["describe-route-tables", "--filters", `Name=vpc-id,Values=${b}`, "Name=association.main,Values=true"])).RouteTables[0].RouteTableId;
    await aws(["create-route", "--route-table-id", mainB, "--destination-cidr-block", "10.40.0.0/16", "--vpc-peering-connection-id", pcx]);
    const natRoutes = (await aws(["describe-route-tables", "--filters", `Name=route.nat-gateway-id,Values=${nat}`])).RouteTables;
    assert.deepEqual(natRoutes.map((r: { RouteTableId: string }) => r.RouteTableId), [rtApp]);
    const sgB = (await aws(["describe-security-groups", "--filters", `Name=vpc-id,Values=${b}`, "Name=group-name,Values=default"])).SecurityGroups[0].GroupId;
    await aws(["authorize-security-group-ingress", "--group-id", sgB, "--protocol", "icmp", "--port", "-1", "--cidr", "10.40.2.10/32"]);
    for (const [subnet, name] of [[appSubnet, "app-box"], [bSubnet, "far-box"]] as const) {
      await ec2.send(new RunInstancesCommand({ ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, SubnetId: subnet, TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "Name", Value: name }] }] }));
    }
    // The NAT gateway's subnet (main table) has no route to 10.50.0.0/16 yet.
    const noRoute = await vpclab(lab, ["why", "app-box", "far-box"]);
    assert.equal(noRoute.code, 1, noRoute.stdout);
    assert.match(noRoute.stdout, new RegExp(`NAT gateway ${nat} forwards by the route table of its subnet ${natSubnet}.*a private NAT gateway needs a route onward`));
    await aws(["create-route", "--route-table-id", mainA, "--destination-cidr-block", "10.50.0.0/16", "--vpc-peering-connection-id", pcx]);
    const r = JSON.parse((await vpclab(lab, ["why", "app-box", "far-box", "--json"])).stdout) as {
      verdict: string;
      sourceAddressSeenByReceiver: string;
      forward: { kind: string; id: string }[];
      return: { kind: string; id: string }[];
    };
    assert.equal(r.verdict, "reachable", JSON.stringify(r.forward));
    assert.equal(r.sourceAddressSeenByReceiver, "10.40.2.10");
    assert.ok(r.forward.some((h) => h.kind === "nat-gateway" && h.id === nat) && r.forward.some((h) => h.kind === "pcx"));
    assert.ok(r.return.some((h) => h.kind === "nat-gateway" && h.id === nat));
    assert.equal(r.return.at(-1)!.kind, "eni");
    // A private NAT gateway cannot take the instance to the Internet, even with an IGW route in its subnet.
    const igwA = (await aws(["create-internet-gateway"])).InternetGateway.InternetGatewayId;
    await aws(["attach-internet-gateway", "--internet-gateway-id", igwA, "--vpc-id", a]);
    await aws(["create-route", "--route-table-id", mainA, "--destination-cidr-block", "0.0.0.0/0", "--gateway-id", igwA]);
    await aws(["create-route", "--route-table-id", rtApp, "--destination-cidr-block", "0.0.0.0/0", "--nat-gateway-id", nat]);
    const out = await vpclab(lab, ["why", "app-box", "8.8.8.8"]);
    assert.equal(out.code, 1, out.stdout);
    assert.match(out.stdout, new RegExp(`IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS — internet gateway ${igwA}`));
    assert.match(out.stdout, new RegExp(`private NAT gateway ${nat} translates to its private address 10\.40\.2\.10`));
  });

  it("DNS64/NAT64: a dual-stack private subnet routes 64:ff9b::/96 to the NAT gateway; ping 64:ff9b::808:808 works and the far side sees the elastic IP", async () => {
    await aws(["associate-vpc-cidr-block", "--vpc-id", ids.vpc, "--amazon-provided-ipv6-cidr-block"]);
    const block = (await aws(["describe-vpcs", "--vpc-ids", ids.vpc])).Vpcs[0].Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock as string;
    const sub6 = block.replace(/::\/56$/, "::/64");
    await aws(["associate-subnet-cidr-block", "--subnet-id", ids.priv, "--ipv6-cidr-block", sub6]);
    await aws(["modify-subnet-attribute", "--subnet-id", ids.priv, "--enable-dns64"]);
    const eni = (await aws(["describe-instances", "--instance-ids", ids.instance])).Reservations[0].Instances[0].NetworkInterfaces[0].NetworkInterfaceId as string;
    const mine = (await aws(["assign-ipv6-addresses", "--network-interface-id", eni, "--ipv6-address-count", "1"])).AssignedIpv6Addresses[0] as string;
    // Without the NAT64 route the IPv6 destination has no route in the private table.
    const before = await vpclab(lab, ["why", "private-box", "64:ff9b::808:808"]);
    assert.equal(before.code, 1, before.stdout);
    assert.match(before.stdout, /NO_ROUTE_TO_DESTINATION/);
    await aws(["create-route", "--route-table-id", ids.rtPriv, "--destination-ipv6-cidr-block", "64:ff9b::/96", "--nat-gateway-id", ids.nat]);
    const sn = (await aws(["describe-subnets", "--subnet-ids", ids.priv])).Subnets[0];
    assert.equal(sn.EnableDns64, true);

    const json = JSON.parse((await vpclab(lab, ["why", "private-box", "64:ff9b::808:808", "--json"])).stdout) as {
      verdict: string;
      sourceAddressSeenByReceiver: string;
      forward: { kind: string; id: string; detail?: string; route?: { target: string } }[];
      return: { kind: string; id: string; detail?: string }[];
    };
    assert.equal(json.verdict, "reachable", JSON.stringify(json.forward));
    assert.equal(json.sourceAddressSeenByReceiver, ids.eip);
    const natAt = json.forward.findIndex((h) => h.kind === "nat-gateway" && h.id === ids.nat);
    assert.ok(natAt > 0, JSON.stringify(json.forward));
    assert.match(json.forward[natAt]!.detail ?? "", /NAT64/);
    assert.match(json.forward[natAt]!.detail ?? "", new RegExp(`${mine.replace(/\./g, "\\.")} → 64:ff9b::808:808 leaves as .* → 8\\.8\\.8\\.8`));
    assert.ok(json.forward.slice(0, natAt).some((h) => h.kind === "route-table" && h.id === ids.rtPriv && h.route?.target === ids.nat));
    assert.ok(json.forward.slice(natAt).some((h) => h.kind === "igw" && h.id === ids.igw));
    const back = json.return.find((h) => h.kind === "nat-gateway" && h.id === ids.nat);
    assert.ok(back, JSON.stringify(json.return));
    assert.match(back.detail ?? "", /back to IPv6 \(NAT64\): 64:ff9b::808:808 → /);
    assert.equal(json.return.at(-1)!.kind, "eni");

    const text = await vpclab(lab, ["why", "private-box", "64:ff9b::808:808"]);
    assert.equal(text.code, 0, text.stdout + text.stderr);
    assert.match(text.stdout, new RegExp(`^Verdict: REACHABLE — .*the receiver sees source ${ids.eip!.replace(/\./g, "\\.")}\\.$`, "m"));
    const ping = await vpclab(lab, ["ping", "private-box", "64:ff9b::808:808", "-c", "2", "--fast"]);
    assert.equal(ping.code, 0, ping.stdout + ping.stderr);
    assert.match(ping.stdout, /2 packets transmitted, 2 received, 0% packet loss/);

    // Past the gateway the packet is IPv4 ICMP (RFC 7915): an ACL on the NAT gateway's subnet that allows
    // IPv4 ICMP only still lets the NAT64 ping through; one that allows ICMPv6 only does not.
    const assoc = (await aws(["describe-network-acls", "--filters", `Name=association.subnet-id,Values=${ids.pub}`])).NetworkAcls[0];
    const defaultAcl = assoc.NetworkAclId as string;
    const assocId = (assoc.Associations as { SubnetId: string; NetworkAclAssociationId: string }[]).find((x) => x.SubnetId === ids.pub)!.NetworkAclAssociationId;
    const acl = (await aws(["create-network-acl", "--vpc-id", ids.vpc])).NetworkAcl.NetworkAclId as string;
    for (const egress of [false, true]) {
      await aws(["create-network-acl-entry", "--network-acl-id", acl, "--rule-number", "100", egress ? "--egress" : "--ingress", "--protocol", "icmp", "--icmp-type-code", "Type=-1,Code=-1", "--cidr-block", "0.0.0.0/0", "--rule-action", "allow"]);
      await aws(["create-network-acl-entry", "--network-acl-id", acl, "--rule-number", "110", egress ? "--egress" : "--ingress", "--protocol", "58", "--icmp-type-code", "Type=-1,Code=-1", "--ipv6-cidr-block", "::/0", "--rule-action", "allow"]);
      await aws(["create-network-acl-entry", "--network-acl-id", acl, "--rule-number", "120", egress ? "--egress" : "--ingress", "--protocol", "-1", "--cidr-block", "10.30.0.0/16", "--rule-action", "allow"]);
    }
    let now = (await aws(["replace-network-acl-association", "--association-id", assocId, "--network-acl-id", acl])).NewAssociationId as string;
    try {
      const ok = await vpclab(lab, ["why", "private-box", "64:ff9b::808:808"]);
      assert.equal(ok.code, 0, ok.stdout);
      await aws(["delete-network-acl-entry", "--network-acl-id", acl, "--rule-number", "100", "--egress"]);
      const denied = await vpclab(lab, ["why", "private-box", "64:ff9b::808:808"]);
      assert.equal(denied.code, 1, denied.stdout);
      assert.match(denied.stdout, new RegExp(`${acl}`));
    } finally {
      now = (await aws(["replace-network-acl-association", "--association-id", now, "--network-acl-id", defaultAcl])).NewAssociationId as string;
    }

    // Negative: the NAT gateway's subnet without its IPv4 route to the internet gateway; the drop names
    // the translated IPv4 destination at the NAT gateway's route table.
    await aws(["delete-route", "--route-table-id", ids.rtPub, "--destination-cidr-block", "0.0.0.0/0"]);
    try {
      const r = await vpclab(lab, ["why", "private-box", "64:ff9b::808:808"]);
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stdout, new RegExp(`NO_ROUTE_TO_DESTINATION — route table ${ids.rtPub}`));
      assert.match(r.stdout, /which has no route for 8\.8\.8\.8/);
      const p = await vpclab(lab, ["ping", "private-box", "64:ff9b::808:808", "-c", "1", "--fast"]);
      assert.notEqual(p.code, 0, p.stdout);
    } finally {
      await aws(["create-route", "--route-table-id", ids.rtPub, "--destination-cidr-block", "0.0.0.0/0", "--gateway-id", ids.igw]);
    }
    // Only 64:ff9b::/96 goes to a NAT gateway: any other IPv6 destination is refused as AWS does.
    const other = await lab.cli(["ec2", "create-route", "--route-table-id", ids.rtPriv, "--destination-ipv6-cidr-block", "::/0", "--nat-gateway-id", ids.nat], { region: REGION });
    assert.notEqual(other.code, 0);
    assert.match(other.stderr, /64:ff9b::\/96/);
  });

  it("after the NAT gateway is deleted, the drop names the blackhole route to it", async () => {
    await aws(["delete-nat-gateway", "--nat-gateway-id", ids.nat]);
    await aws(["wait", "nat-gateway-deleted", "--nat-gateway-ids", ids.nat]);
    const rt = (await aws(["describe-route-tables", "--route-table-ids", ids.rtPriv])).RouteTables[0];
    assert.equal((rt.Routes as Record<string, string>[]).find((r) => r.NatGatewayId === ids.nat)!.State, "blackhole");
    const r = await vpclab(lab, ["why", "private-box", "8.8.8.8"]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, new RegExp(`BAD_STATE_ROUTE — route table ${ids.rtPriv}`));
    assert.match(r.stdout, new RegExp(`route 0\\.0\\.0\\.0/0 → ${ids.nat} in ${ids.rtPriv} is a blackhole: NAT gateway ${ids.nat} is deleted`));
    // S3 still works: the endpoint never needed the NAT gateway.
    const s3 = await vpclab(lab, ["why", "private-box", S3_IP, "--protocol", "tcp", "--port", "443"]);
    assert.equal(s3.code, 0, s3.stdout);
  });
});
