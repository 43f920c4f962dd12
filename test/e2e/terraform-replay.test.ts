/**
 * Terraform's AWS provider, replayed: the terraform binary and its provider cannot be installed here,
 * so each test makes, through the SDK, the calls the provider makes for one resource (read from
 * hashicorp/terraform-provider-aws `internal/service/ec2/`): create, the waiter's polls, the read after
 * create, a plan-time refresh (the same read again, which must show no diff), an update, and delete with
 * its wait. The assertions are on the fields the provider dereferences.
 *
 * Every test also checks the request log: no call of a replayed sequence may answer NotImplemented or
 * a 5xx.
 */
import { after, afterEach, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import {
  AcceptVpcPeeringConnectionCommand,
  AllocateAddressCommand,
  AssociateAddressCommand,
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  AttachNetworkInterfaceCommand,
  CreateNetworkAclCommand,
  CreateNetworkAclEntryCommand,
  CreateNetworkInterfaceCommand,
  DeleteNetworkAclCommand,
  DeleteNetworkAclEntryCommand,
  DeleteNetworkInterfaceCommand,
  DetachNetworkInterfaceCommand,
  ModifyNetworkInterfaceAttributeCommand,
  ReplaceNetworkAclAssociationCommand,
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateInternetGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DeleteInternetGatewayCommand,
  DeleteKeyPairCommand,
  DeleteRouteCommand,
  DeleteRouteTableCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DeleteTagsCommand,
  DeleteVpcCommand,
  DeleteVpcPeeringConnectionCommand,
  DescribeAddressesAttributeCommand,
  DescribeAddressesCommand,
  DescribeAvailabilityZonesCommand,
  DescribeImagesCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstanceCreditSpecificationsCommand,
  DescribeInstancesCommand,
  DescribeInstanceTypesCommand,
  DescribeInternetGatewaysCommand,
  DescribeKeyPairsCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeTagsCommand,
  DescribeVolumesCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  DetachInternetGatewayCommand,
  DisassociateAddressCommand,
  DisassociateRouteTableCommand,
  ImportKeyPairCommand,
  ModifyInstanceAttributeCommand,
  ModifySubnetAttributeCommand,
  ModifyVpcAttributeCommand,
  ModifyVpcPeeringConnectionOptionsCommand,
  MonitorInstancesCommand,
  ReleaseAddressCommand,
  ReplaceRouteCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type EC2Client,
  type Instance,
} from "@aws-sdk/client-ec2";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { credentialsFor, errorCode, expectEc2Error, startLab, type Lab } from "../support/harness.js";

const REGION = "us-west-2";
const PEER_REGION = "eu-west-1";

let lab: Lab;
let ec2: EC2Client;
let seenRequests = 0;

before(async () => {
  lab = await startLab({ quotas: { vpcsPerRegion: 50 } });
  ec2 = lab.ec2(REGION);
});
after(async () => lab.close());

/** After each test: nothing it sent answered NotImplemented or a 5xx. */
afterEach(async () => {
  const log = await lab.admin<{ total: number; requests: { action: string; status: number; errorCode?: string }[] }>(
    "GET",
    `/requests?since=${seenRequests}`,
  );
  seenRequests = log.body.total;
  const bad = log.body.requests.filter((r) => r.status >= 500 || r.errorCode === "NotImplemented");
  assert.deepEqual(bad, []);
});

/** The provider's waiters poll a Describe until a field has a value (or the thing is gone). */
async function poll<T>(read: () => Promise<T>, done: (v: T) => boolean, tries = 10): Promise<T> {
  for (let i = 0; ; i++) {
    const v = await read();
    if (done(v)) return v;
    if (i >= tries) throw new Error(`waiter gave up; last value ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function gone(read: () => Promise<unknown>, notFoundCode: string): Promise<void> {
  try {
    const v = await read();
    if (v === undefined) return;
  } catch (err) {
    if (errorCode(err) === notFoundCode) return;
    throw err;
  }
  throw new Error(`still there (expected ${notFoundCode})`);
}

const tags = (t?: { Key?: string; Value?: string }[]) => Object.fromEntries((t ?? []).map((x) => [x.Key, x.Value]));
const spec = (type: string, t: Record<string, string>) => [{ ResourceType: type as never, Tags: Object.entries(t).map(([Key, Value]) => ({ Key, Value })) }];

// ---- aws_vpc -------------------------------------------------------------------------------------

/** resourceVPCRead: the VPC, its three attributes, and the default route table, group and ACL ids. */
async function readVpc(id: string) {
  const vpc = (await ec2.send(new DescribeVpcsCommand({ VpcIds: [id] }))).Vpcs![0]!;
  const attr = async (a: "enableDnsSupport" | "enableDnsHostnames" | "enableNetworkAddressUsageMetrics") =>
    ec2.send(new DescribeVpcAttributeCommand({ VpcId: id, Attribute: a }));
  const main = await ec2.send(
    new DescribeRouteTablesCommand({ Filters: [{ Name: "association.main", Values: ["true"] }, { Name: "vpc-id", Values: [id] }] }),
  );
  const sg = await ec2.send(
    new DescribeSecurityGroupsCommand({ Filters: [{ Name: "group-name", Values: ["default"] }, { Name: "vpc-id", Values: [id] }] }),
  );
  const acl = await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: "default", Values: ["true"] }, { Name: "vpc-id", Values: [id] }] }));
  return {
    cidr_block: vpc.CidrBlock,
    instance_tenancy: vpc.InstanceTenancy,
    dhcp_options_id: vpc.DhcpOptionsId,
    owner_id: vpc.OwnerId,
    tags: tags(vpc.Tags),
    enable_dns_support: (await attr("enableDnsSupport")).EnableDnsSupport?.Value,
    enable_dns_hostnames: (await attr("enableDnsHostnames")).EnableDnsHostnames?.Value,
    enable_network_address_usage_metrics: (await attr("enableNetworkAddressUsageMetrics")).EnableNetworkAddressUsageMetrics?.Value,
    main_route_table_id: main.RouteTables?.[0]?.RouteTableId,
    default_security_group_id: sg.SecurityGroups?.[0]?.GroupId,
    default_network_acl_id: acl.NetworkAcls?.[0]?.NetworkAclId,
  };
}

async function createVpc(cidr: string, name: string, client = ec2): Promise<string> {
  const out = await client.send(new CreateVpcCommand({ CidrBlock: cidr, InstanceTenancy: "default", TagSpecifications: spec("vpc", { Name: name }) }));
  const id = out.Vpc!.VpcId!;
  await poll(async () => (await client.send(new DescribeVpcsCommand({ VpcIds: [id] }))).Vpcs![0]!.State, (s) => s === "available");
  return id;
}

describe("Terraform replay", () => {
  test("aws_vpc: create, wait, read, refresh, update DNS and tags, delete", async () => {
    const id = await createVpc("10.100.0.0/16", "tf-vpc");
    // enable_dns_hostnames = true is applied after create.
    await ec2.send(new ModifyVpcAttributeCommand({ VpcId: id, EnableDnsHostnames: { Value: true } }));
    const first = await readVpc(id);
    assert.equal(first.cidr_block, "10.100.0.0/16");
    assert.equal(first.instance_tenancy, "default");
    assert.deepEqual([first.enable_dns_support, first.enable_dns_hostnames, first.enable_network_address_usage_metrics], [true, true, false]);
    assert.match(first.main_route_table_id!, /^rtb-/);
    assert.match(first.default_security_group_id!, /^sg-/);
    assert.match(first.default_network_acl_id!, /^acl-/);
    assert.deepEqual(first.tags, { Name: "tf-vpc" });
    assert.deepEqual(await readVpc(id), first, "a refresh right after apply shows no diff");

    await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: "env", Value: "test" }] }));
    await ec2.send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: "Name" }] }));
    assert.deepEqual((await readVpc(id)).tags, { env: "test" });

    await ec2.send(new DeleteVpcCommand({ VpcId: id }));
    await gone(async () => (await ec2.send(new DescribeVpcsCommand({ VpcIds: [id] }))).Vpcs?.[0], "InvalidVpcID.NotFound");
  });

  test("aws_default_vpc and the data sources aws_vpc, aws_availability_zones, aws_ami, aws_caller_identity", async () => {
    const def = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "isDefault", Values: ["true"] }] }))).Vpcs!;
    assert.equal(def.length, 1);
    assert.equal(def[0]!.CidrBlock, "172.31.0.0/16");
    const azs = await ec2.send(
      new DescribeAvailabilityZonesCommand({ AllAvailabilityZones: false, Filters: [{ Name: "opt-in-status", Values: ["opt-in-not-required"] }] }),
    );
    assert.ok(azs.AvailabilityZones!.length >= 3);
    assert.ok(azs.AvailabilityZones!.every((z) => z.State === "available" && z.ZoneId && z.ZoneType === "availability-zone"));
    const amis = await ec2.send(
      new DescribeImagesCommand({ Owners: ["amazon"], IncludeDeprecated: false, Filters: [{ Name: "name", Values: ["al2023-ami-2023.*-x86_64"] }] }),
    );
    const latest = amis.Images!.sort((a, b) => (a.CreationDate! < b.CreationDate! ? 1 : -1))[0]!;
    assert.match(latest.ImageId!, /^ami-/);
    assert.equal(latest.RootDeviceType, "ebs");
    assert.ok(latest.BlockDeviceMappings?.[0]?.Ebs?.SnapshotId);
    const sts = new STSClient({ endpoint: lab.url, region: REGION, credentials: credentialsFor("111122223333"), maxAttempts: 1 });
    const me = await sts.send(new GetCallerIdentityCommand({}));
    sts.destroy();
    assert.equal(me.Account, "111122223333");
    assert.match(me.Arn!, /^arn:aws:iam::111122223333:/);
  });

  test("aws_subnet (and aws_default_subnet's lookup): create, wait, map_public_ip_on_launch, read, refresh, delete", async () => {
    const vpc = await createVpc("10.101.0.0/16", "tf-subnet-vpc");
    const out = await ec2.send(
      new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.101.1.0/24", AvailabilityZone: `${REGION}a`, TagSpecifications: spec("subnet", { Name: "tf" }) }),
    );
    const id = out.Subnet!.SubnetId!;
    await poll(async () => (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [id] }))).Subnets![0]!.State, (s) => s === "available");
    await ec2.send(new ModifySubnetAttributeCommand({ SubnetId: id, MapPublicIpOnLaunch: { Value: true } }));
    await ec2.send(new ModifySubnetAttributeCommand({ SubnetId: id, PrivateDnsHostnameTypeOnLaunch: "resource-name" }));
    const read = async () => {
      const s = (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [id] }))).Subnets![0]!;
      return {
        arn: s.SubnetArn,
        availability_zone: s.AvailabilityZone,
        availability_zone_id: s.AvailabilityZoneId,
        cidr_block: s.CidrBlock,
        map_public_ip_on_launch: s.MapPublicIpOnLaunch,
        assign_ipv6_address_on_creation: s.AssignIpv6AddressOnCreation,
        enable_dns64: s.EnableDns64,
        ipv6_native: s.Ipv6Native,
        hostname_type: s.PrivateDnsNameOptionsOnLaunch?.HostnameType,
        owner_id: s.OwnerId,
        vpc_id: s.VpcId,
        tags: tags(s.Tags),
      };
    };
    const first = await read();
    assert.equal(first.arn, `arn:aws:ec2:${REGION}:000000000000:subnet/${id}`);
    assert.deepEqual([first.map_public_ip_on_launch, first.hostname_type, first.ipv6_native], [true, "resource-name", false]);
    assert.deepEqual(await read(), first);
    // aws_default_subnet finds the zone's default subnet by these filters.
    const def = await ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: "availabilityZone", Values: [`${REGION}b`] }, { Name: "defaultForAz", Values: ["true"] }] }),
    );
    assert.equal(def.Subnets?.length, 1);
    // Delete: the provider first lists lingering ENIs in the subnet.
    const enis = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: "subnet-id", Values: [id] }] }));
    assert.deepEqual(enis.NetworkInterfaces, []);
    await ec2.send(new DeleteSubnetCommand({ SubnetId: id }));
    await gone(async () => (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [id] }))).Subnets?.[0], "InvalidSubnetID.NotFound");
    await ec2.send(new DeleteVpcCommand({ VpcId: vpc }));
  });

  test("aws_internet_gateway, aws_route_table, aws_route, aws_route_table_association", async () => {
    const vpc = await createVpc("10.102.0.0/16", "tf-rt-vpc");
    const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.102.1.0/24" }))).Subnet!.SubnetId!;

    // aws_internet_gateway: create, attach, wait for the attachment to be available, read.
    const igw = (await ec2.send(new CreateInternetGatewayCommand({ TagSpecifications: spec("internet-gateway", { Name: "tf" }) }))).InternetGateway!
      .InternetGatewayId!;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc }));
    const readIgw = async () => (await ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [igw] }))).InternetGateways![0]!;
    // EC2 answers "available" for an attached gateway (outside the SDK's AttachmentStatus enum).
    const g = await poll(readIgw, (x) => (x.Attachments?.[0]?.State as string | undefined) === "available");
    assert.deepEqual([g.Attachments![0]!.VpcId, g.OwnerId, tags(g.Tags)], [vpc, "000000000000", { Name: "tf" }]);

    // aws_route_table with an inline route; the read looks every route and association up.
    const rt = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpc, TagSpecifications: spec("route-table", { Name: "tf" }) }))).RouteTable!
      .RouteTableId!;
    await poll(async () => (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rt] }))).RouteTables?.length, (n) => n === 1);
    await ec2.send(new CreateRouteCommand({ RouteTableId: rt, DestinationCidrBlock: "0.0.0.0/0", GatewayId: igw }));
    const route = async (dest: string) =>
      (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rt] }))).RouteTables![0]!.Routes!.find((r) => r.DestinationCidrBlock === dest);
    const r0 = await poll(() => route("0.0.0.0/0"), (r) => r?.State === "active");
    assert.deepEqual([r0!.GatewayId, r0!.Origin], [igw, "CreateRoute"]);

    // aws_route to a network interface: the route table read looks the ENI up.
    const eni = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.102.2.0/24" }))).Subnet!.SubnetId!;
    const ni = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: eni }))).NetworkInterface!.NetworkInterfaceId!;
    await ec2.send(new CreateRouteCommand({ RouteTableId: rt, DestinationCidrBlock: "192.168.0.0/16", NetworkInterfaceId: ni }));
    const eniRoute = await route("192.168.0.0/16");
    assert.equal(eniRoute?.NetworkInterfaceId, ni);
    const looked = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniRoute!.NetworkInterfaceId!] }));
    assert.equal(looked.NetworkInterfaces?.[0]?.NetworkInterfaceId, ni);
    // update: replace the route's target, then remove it.
    await ec2.send(new ReplaceRouteCommand({ RouteTableId: rt, DestinationCidrBlock: "192.168.0.0/16", GatewayId: igw }));
    assert.equal((await route("192.168.0.0/16"))?.GatewayId, igw);
    await ec2.send(new DeleteRouteCommand({ RouteTableId: rt, DestinationCidrBlock: "192.168.0.0/16" }));
    assert.equal(await route("192.168.0.0/16"), undefined);

    // aws_route_table_association: associate, wait for `associated`, read by association id.
    const assoc = (await ec2.send(new AssociateRouteTableCommand({ RouteTableId: rt, SubnetId: subnet }))).AssociationId!;
    const byAssoc = async () =>
      (
        await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "association.route-table-association-id", Values: [assoc] }] }))
      ).RouteTables?.[0]?.Associations?.find((a) => a.RouteTableAssociationId === assoc);
    const a = await poll(byAssoc, (x) => x?.AssociationState?.State === "associated");
    assert.deepEqual([a!.SubnetId, a!.RouteTableId, a!.Main], [subnet, rt, false]);
    const refreshed = (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rt] }))).RouteTables![0]!;
    assert.deepEqual(refreshed.Routes!.map((r) => r.DestinationCidrBlock), ["10.102.0.0/16", "0.0.0.0/0"]);
    assert.equal(refreshed.PropagatingVgws?.length ?? 0, 0);

    // delete, in dependency order
    await ec2.send(new DisassociateRouteTableCommand({ AssociationId: assoc }));
    await ec2.send(new DeleteRouteTableCommand({ RouteTableId: rt }));
    await gone(async () => (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rt] }))).RouteTables?.[0], "InvalidRouteTableID.NotFound");
    await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: ni }));
    await ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc }));
    await poll(readIgw, (x) => (x.Attachments ?? []).length === 0);
    await ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: igw }));
    await gone(async () => (await ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [igw] }))).InternetGateways?.[0], "InvalidInternetGatewayID.NotFound");
  });

  test("aws_vpc_peering_connection across regions, aws_vpc_peering_connection_accepter, _options, tags per side", async () => {
    const peer = lab.ec2(PEER_REGION);
    const requester = await createVpc("10.103.0.0/16", "tf-requester");
    const accepter = await createVpc("10.104.0.0/16", "tf-accepter", peer);
    const out = await ec2.send(
      new CreateVpcPeeringConnectionCommand({
        VpcId: requester,
        PeerVpcId: accepter,
        PeerRegion: PEER_REGION,
        TagSpecifications: spec("vpc-peering-connection", { Name: "requester-side" }),
      }),
    );
    const id = out.VpcPeeringConnection!.VpcPeeringConnectionId!;
    const read = async (client: EC2Client) => (await client.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [id] }))).VpcPeeringConnections![0]!;
    // waitVPCPeeringConnectionActive accepts pending-acceptance for a connection that is not auto-accepted.
    await poll(() => read(ec2), (p) => p.Status?.Code === "pending-acceptance");

    // The accepter resource: find, accept, wait active, tag its own side.
    await poll(() => read(peer), (p) => p.Status?.Code === "pending-acceptance");
    await peer.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
    await poll(() => read(peer), (p) => p.Status?.Code === "active");
    await peer.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: "Name", Value: "accepter-side" }, { Key: "Side", Value: "Accepter" }] }));

    // aws_vpc_peering_connection_options: each side sets its own options.
    await ec2.send(
      new ModifyVpcPeeringConnectionOptionsCommand({ VpcPeeringConnectionId: id, RequesterPeeringConnectionOptions: { AllowDnsResolutionFromRemoteVpc: true } }),
    );
    await peer.send(
      new ModifyVpcPeeringConnectionOptionsCommand({ VpcPeeringConnectionId: id, AccepterPeeringConnectionOptions: { AllowDnsResolutionFromRemoteVpc: true } }),
    );

    const mine = await read(ec2);
    assert.equal(mine.Status?.Code, "active");
    assert.deepEqual(
      [mine.RequesterVpcInfo?.VpcId, mine.AccepterVpcInfo?.VpcId, mine.AccepterVpcInfo?.Region, mine.AccepterVpcInfo?.OwnerId],
      [requester, accepter, PEER_REGION, "000000000000"],
    );
    assert.equal(mine.RequesterVpcInfo?.PeeringOptions?.AllowDnsResolutionFromRemoteVpc, true);
    assert.equal(mine.AccepterVpcInfo?.PeeringOptions?.AllowDnsResolutionFromRemoteVpc, true);
    // Each side keeps its own tags: the requester's plan shows no diff after the accepter tagged its side.
    assert.deepEqual(tags(mine.Tags), { Name: "requester-side" });
    assert.deepEqual(tags((await read(peer)).Tags), { Name: "accepter-side", Side: "Accepter" });
    assert.deepEqual(await read(ec2), mine, "refresh");

    await ec2.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
    await poll(() => read(ec2), (p) => p.Status?.Code === "deleted");
    await ec2.send(new DeleteVpcCommand({ VpcId: requester }));
    await peer.send(new DeleteVpcCommand({ VpcId: accepter }));
  });

  test("aws_security_group (default egress revoked), aws_security_group_rule, aws_vpc_security_group_ingress_rule / _egress_rule", async () => {
    const vpc = await createVpc("10.105.0.0/16", "tf-sg-vpc");
    const id = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: "tf-web", Description: "Managed by Terraform", VpcId: vpc, TagSpecifications: spec("security-group", { Name: "tf-web" }) })))
      .GroupId!;
    await poll(async () => (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }))).SecurityGroups?.length, (n) => n === 1);
    // The provider revokes AWS's allow-all egress for 0.0.0.0/0, then for ::/0 (ignoring NotFound).
    await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: id, IpPermissions: [{ IpProtocol: "-1", FromPort: 0, ToPort: 0, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] }));
    await expectEc2Error(
      ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: id, IpPermissions: [{ IpProtocol: "-1", FromPort: 0, ToPort: 0, Ipv6Ranges: [{ CidrIpv6: "::/0" }] }] })),
      "InvalidPermission.NotFound",
    );
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "10.0.0.0/8", Description: "https" }] }] }));
    const readGroup = async () => {
      const g = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }))).SecurityGroups![0]!;
      return { arn: g.SecurityGroupArn, name: g.GroupName, description: g.Description, vpc_id: g.VpcId, owner_id: g.OwnerId, ingress: g.IpPermissions, egress: g.IpPermissionsEgress, tags: tags(g.Tags) };
    };
    const first = await readGroup();
    assert.equal(first.arn, `arn:aws:ec2:${REGION}:000000000000:security-group/${id}`);
    assert.deepEqual(first.egress, []);
    assert.deepEqual(first.ingress, [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "10.0.0.0/8", Description: "https" }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }]);
    assert.deepEqual(await readGroup(), first, "refresh");

    // aws_vpc_security_group_ingress_rule: one rule per call, read back by its SecurityGroupRuleId with tags.
    const added = await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: id,
        IpPermissions: [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "192.0.2.0/24" }] }],
        TagSpecifications: spec("security-group-rule", { Name: "ssh" }),
      }),
    );
    const ruleId = added.SecurityGroupRules![0]!.SecurityGroupRuleId!;
    assert.match(ruleId, /^sgr-[0-9a-f]{17}$/);
    const rule = (await ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [ruleId] }))).SecurityGroupRules![0]!;
    assert.deepEqual(
      [rule.GroupId, rule.IsEgress, rule.IpProtocol, rule.FromPort, rule.ToPort, rule.CidrIpv4, tags(rule.Tags), rule.SecurityGroupRuleArn],
      [id, false, "tcp", 22, 22, "192.0.2.0/24", { Name: "ssh" }, `arn:aws:ec2:${REGION}:000000000000:security-group-rule/${ruleId}`],
    );
    const egress = await ec2.send(
      new AuthorizeSecurityGroupEgressCommand({ GroupId: id, IpPermissions: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] }),
    );
    const egressId = egress.SecurityGroupRules![0]!.SecurityGroupRuleId!;
    // Listing a group's rules, as the read of the older aws_security_group_rule does.
    const all = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [id] }] }));
    assert.equal(all.SecurityGroupRules?.length, 3);
    await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: id, SecurityGroupRuleIds: [ruleId] }));
    await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: id, SecurityGroupRuleIds: [egressId] }));
    await expectEc2Error(ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [ruleId] })), "InvalidSecurityGroupRuleId.NotFound");

    // aws_default_security_group: the VPC's default group, looked up by name, with its rules removed.
    const def = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "vpc-id", Values: [vpc] }, { Name: "group-name", Values: ["default"] }] })))
      .SecurityGroups![0]!;
    assert.equal(def.IpPermissions?.[0]?.UserIdGroupPairs?.[0]?.GroupId, def.GroupId);

    // Delete: lingering ENIs by group-id first, then the group.
    const enis = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: "group-id", Values: [id] }] }));
    assert.deepEqual(enis.NetworkInterfaces, []);
    await ec2.send(new DeleteSecurityGroupCommand({ GroupId: id }));
    await gone(async () => (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }))).SecurityGroups?.[0], "InvalidGroup.NotFound");
    await ec2.send(new DeleteVpcCommand({ VpcId: vpc }));
  });

  test("aws_key_pair: import, read, refresh, delete", async () => {
    const { publicKey } = generateKeyPairSync("ed25519");
    const raw = (publicKey.export({ format: "der", type: "spki" }) as Buffer).subarray(-32);
    const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
    const line = `ssh-ed25519 ${Buffer.concat([str(Buffer.from("ssh-ed25519")), str(raw)]).toString("base64")} tf@host`;
    const out = await ec2.send(
      new ImportKeyPairCommand({ KeyName: "tf-key", PublicKeyMaterial: new TextEncoder().encode(line), TagSpecifications: spec("key-pair", { Name: "tf" }) }),
    );
    const read = async () => {
      const k = (await ec2.send(new DescribeKeyPairsCommand({ KeyNames: ["tf-key"], IncludePublicKey: true }))).KeyPairs![0]!;
      return { key_pair_id: k.KeyPairId, fingerprint: k.KeyFingerprint, key_type: k.KeyType, public_key: k.PublicKey, tags: tags(k.Tags) };
    };
    const first = await read();
    assert.deepEqual([first.key_pair_id, first.key_type, first.tags], [out.KeyPairId, "ed25519", { Name: "tf" }]);
    assert.match(first.public_key!, /^ssh-ed25519 AAAA/);
    assert.deepEqual(await read(), first);
    await ec2.send(new DeleteKeyPairCommand({ KeyName: "tf-key" }));
    await gone(async () => (await ec2.send(new DescribeKeyPairsCommand({ KeyNames: ["tf-key"] }))).KeyPairs?.[0], "InvalidKeyPair.NotFound");
  });

  test("aws_instance: run, wait running, the full read (types, credits, tags, VPC, attributes, volumes), monitoring, delete", async () => {
    const vpc = await createVpc("10.106.0.0/16", "tf-instance-vpc");
    const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.106.1.0/24", AvailabilityZone: `${REGION}a` }))).Subnet!.SubnetId!;
    const ami = (await ec2.send(new DescribeImagesCommand({ Owners: ["amazon"], Filters: [{ Name: "name", Values: ["al2023-ami-*-x86_64"] }] }))).Images![0]!;
    const run = await ec2.send(
      new RunInstancesCommand({
        ImageId: ami.ImageId,
        InstanceType: "t3.micro",
        MinCount: 1,
        MaxCount: 1,
        ClientToken: "terraform-20260101000000000000000001",
        SubnetId: subnet,
        CreditSpecification: { CpuCredits: "unlimited" },
        MetadataOptions: { HttpEndpoint: "enabled", HttpTokens: "required", HttpPutResponseHopLimit: 1, InstanceMetadataTags: "disabled" },
        BlockDeviceMappings: [{ DeviceName: ami.RootDeviceName, Ebs: { VolumeSize: 16, VolumeType: "gp3", DeleteOnTermination: true } }],
        TagSpecifications: [...spec("instance", { Name: "tf-instance" }), ...spec("volume", { Name: "tf-instance" })],
        DisableApiTermination: false,
      }),
    );
    const id = run.Instances![0]!.InstanceId!;
    // WaitInstanceCreated polls DescribeInstances until running.
    await poll(async () => (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!.State?.Name, (s) => s === "running");
    // monitoring = true: MonitorInstances after create, then Monitoring.State reads back enabled.
    await ec2.send(new MonitorInstancesCommand({ InstanceIds: [id] }));

    const read = async () => {
      const i: Instance = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!;
      const type = (await ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: [i.InstanceType!] }))).InstanceTypes![0]!;
      const credits = type.BurstablePerformanceSupported
        ? (await ec2.send(new DescribeInstanceCreditSpecificationsCommand({ InstanceIds: [id] }))).InstanceCreditSpecifications![0]!.CpuCredits
        : undefined;
      const lt = await ec2.send(
        new DescribeTagsCommand({ Filters: [{ Name: "resource-id", Values: [id] }, { Name: "key", Values: ["aws:ec2launchtemplate:id"] }] }),
      );
      const vpcOf = (await ec2.send(new DescribeVpcsCommand({ VpcIds: [i.VpcId!] }))).Vpcs![0]!;
      const attr = async (a: "disableApiStop" | "disableApiTermination" | "userData" | "instanceInitiatedShutdownBehavior") =>
        ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: a }));
      const vols = (await ec2.send(new DescribeVolumesCommand({ VolumeIds: i.BlockDeviceMappings!.map((b) => b.Ebs!.VolumeId!) }))).Volumes!;
      const root = vols.find((v) => v.Attachments?.[0]?.Device === i.RootDeviceName)!;
      return {
        instance_state: i.State?.Name,
        instance_type: i.InstanceType,
        availability_zone: i.Placement?.AvailabilityZone,
        tenancy: i.Placement?.Tenancy,
        cpu_core_count: i.CpuOptions?.CoreCount,
        cpu_threads_per_core: i.CpuOptions?.ThreadsPerCore,
        metadata_options: i.MetadataOptions,
        maintenance_options: i.MaintenanceOptions?.AutoRecovery,
        private_dns_name_options: i.PrivateDnsNameOptions?.HostnameType,
        private_ip: i.PrivateIpAddress,
        private_dns: i.PrivateDnsName,
        subnet_id: i.NetworkInterfaces?.find((n) => n.Attachment?.DeviceIndex === 0)?.SubnetId,
        primary_network_interface_id: i.NetworkInterfaces?.find((n) => n.Attachment?.DeviceIndex === 0)?.NetworkInterfaceId,
        source_dest_check: i.SourceDestCheck,
        monitoring: i.Monitoring?.State,
        ebs_optimized: i.EbsOptimized,
        vpc_security_group_ids: i.SecurityGroups?.map((g) => g.GroupId),
        tags: tags(i.Tags),
        burstable: type.BurstablePerformanceSupported,
        architectures: type.ProcessorInfo?.SupportedArchitectures,
        vcpus: type.VCpuInfo?.DefaultVCpus,
        memory: type.MemoryInfo?.SizeInMiB,
        credit_specification: credits,
        launch_template: lt.Tags ?? [],
        in_default_vpc: vpcOf.IsDefault,
        disable_api_stop: (await attr("disableApiStop")).DisableApiStop?.Value,
        disable_api_termination: (await attr("disableApiTermination")).DisableApiTermination?.Value,
        user_data: (await attr("userData")).UserData?.Value,
        shutdown_behavior: (await attr("instanceInitiatedShutdownBehavior")).InstanceInitiatedShutdownBehavior?.Value,
        root_block_device: { volume_id: root.VolumeId, size: root.Size, type: root.VolumeType, iops: root.Iops, throughput: root.Throughput, encrypted: root.Encrypted, delete_on_termination: root.Attachments?.[0]?.DeleteOnTermination, tags: tags(root.Tags) },
      };
    };
    const first = await read();
    assert.deepEqual(
      [first.instance_state, first.instance_type, first.availability_zone, first.tenancy, first.subnet_id],
      ["running", "t3.micro", `${REGION}a`, "default", subnet],
    );
    assert.deepEqual([first.cpu_core_count, first.cpu_threads_per_core, first.vcpus, first.memory], [1, 2, 2, 1024]);
    assert.deepEqual([first.burstable, first.architectures, first.credit_specification], [true, ["x86_64"], "unlimited"]);
    assert.deepEqual([first.metadata_options?.HttpTokens, first.metadata_options?.HttpPutResponseHopLimit, first.metadata_options?.State], ["required", 1, "applied"]);
    assert.deepEqual([first.monitoring, first.disable_api_stop, first.disable_api_termination, first.shutdown_behavior], ["enabled", false, false, "stop"]);
    assert.deepEqual(first.launch_template, []);
    assert.equal(first.in_default_vpc, false);
    assert.deepEqual(first.root_block_device, {
      volume_id: first.root_block_device.volume_id, size: 16, type: "gp3", iops: 3000, throughput: 125, encrypted: false, delete_on_termination: true, tags: { Name: "tf-instance" },
    });
    assert.deepEqual(await read(), first, "a refresh right after apply shows no diff");
    // The same ClientToken again (a retried create) answers the same instance.
    const again = await ec2.send(new RunInstancesCommand({ ImageId: ami.ImageId, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, ClientToken: "terraform-20260101000000000000000001", SubnetId: subnet }));
    assert.equal(again.Instances![0]!.InstanceId, id);

    // update: instance_type needs a stop/modify/start; tags in place.
    const { StopInstancesCommand, StartInstancesCommand } = await import("@aws-sdk/client-ec2");
    await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
    await poll(async () => (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!.State?.Name, (s) => s === "stopped");
    await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: id, InstanceType: { Value: "t3.small" } }));
    await ec2.send(new StartInstancesCommand({ InstanceIds: [id] }));
    await poll(async () => (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!.State?.Name, (s) => s === "running");
    assert.equal((await read()).instance_type, "t3.small");

    // delete: DisableApiTermination=false first, terminate, wait terminated; the root volume goes with it.
    await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: id, DisableApiTermination: { Value: false } }));
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    await poll(async () => (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!.State?.Name, (s) => s === "terminated");
    await expectEc2Error(ec2.send(new DescribeVolumesCommand({ VolumeIds: [first.root_block_device.volume_id!] })), "InvalidVolume.NotFound");
  });

  test("aws_eip (+ aws_eip_association): allocate, read with the domain-name attribute, associate, refresh, release", async () => {
    const vpc = await createVpc("10.107.0.0/16", "tf-eip-vpc");
    const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc }));
    const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.107.1.0/24" }))).Subnet!.SubnetId!;
    const inst = (await ec2.send(new RunInstancesCommand({ ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, SubnetId: subnet })))
      .Instances![0]!.InstanceId!;

    const alloc = await ec2.send(new AllocateAddressCommand({ Domain: "vpc", TagSpecifications: spec("elastic-ip", { Name: "tf" }) }));
    const id = alloc.AllocationId!;
    const read = async () => {
      const a = (await ec2.send(new DescribeAddressesCommand({ AllocationIds: [id] }))).Addresses![0]!;
      const attr = (await ec2.send(new DescribeAddressesAttributeCommand({ AllocationIds: [id], Attribute: "domain-name" }))).Addresses![0];
      return {
        public_ip: a.PublicIp,
        domain: a.Domain,
        network_border_group: a.NetworkBorderGroup,
        public_ipv4_pool: a.PublicIpv4Pool,
        association_id: a.AssociationId,
        instance: a.InstanceId,
        private_ip: a.PrivateIpAddress,
        ptr_record: attr?.PtrRecord,
        tags: tags(a.Tags),
      };
    };
    const first = await read();
    assert.deepEqual([first.public_ip, first.domain, first.network_border_group, first.tags], [alloc.PublicIp, "vpc", REGION, { Name: "tf" }]);
    assert.match(first.ptr_record!, /\.compute\.amazonaws\.com\.$/);
    assert.deepEqual(await read(), first);

    const assoc = (await ec2.send(new AssociateAddressCommand({ AllocationId: id, InstanceId: inst }))).AssociationId!;
    const associated = await poll(read, (x) => x.association_id === assoc);
    assert.equal(associated.instance, inst);
    assert.equal((await ec2.send(new DescribeInstancesCommand({ InstanceIds: [inst] }))).Reservations![0]!.Instances![0]!.PublicIpAddress, alloc.PublicIp);
    await ec2.send(new DisassociateAddressCommand({ AssociationId: assoc }));
    await ec2.send(new ReleaseAddressCommand({ AllocationId: id }));
    await gone(async () => (await ec2.send(new DescribeAddressesCommand({ AllocationIds: [id] }))).Addresses?.[0], "InvalidAllocationID.NotFound");
  });

  test("aws_network_acl (+ aws_network_acl_rule, aws_default_network_acl), aws_network_interface (+ attachment), data sources aws_subnets / aws_route_table / aws_security_group", async () => {
    const vpc = await createVpc("10.108.0.0/16", "tf-acl-vpc");
    const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.108.1.0/24", AvailabilityZone: `${REGION}a`, TagSpecifications: spec("subnet", { Tier: "app" }) })))
      .Subnet!.SubnetId!;

    // aws_network_acl with inline rules and a subnet: create, entries, move the subnet's association over.
    const acl = (await ec2.send(new CreateNetworkAclCommand({ VpcId: vpc, TagSpecifications: spec("network-acl", { Name: "tf" }) }))).NetworkAcl!.NetworkAclId!;
    await poll(async () => (await ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [acl] }))).NetworkAcls?.length, (n) => n === 1);
    await ec2.send(new CreateNetworkAclEntryCommand({ NetworkAclId: acl, RuleNumber: 100, Protocol: "6", RuleAction: "allow", Egress: false, CidrBlock: "10.0.0.0/8", PortRange: { From: 22, To: 22 } }));
    await ec2.send(new CreateNetworkAclEntryCommand({ NetworkAclId: acl, RuleNumber: 100, Protocol: "-1", RuleAction: "allow", Egress: true, CidrBlock: "0.0.0.0/0" }));
    const current = (await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: "association.subnet-id", Values: [subnet] }] }))).NetworkAcls![0]!;
    const oldAssoc = current.Associations!.find((a) => a.SubnetId === subnet)!.NetworkAclAssociationId!;
    await ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: oldAssoc, NetworkAclId: acl }));
    const readAcl = async () => {
      const a = (await ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [acl] }))).NetworkAcls![0]!;
      return {
        ingress: a.Entries!.filter((e) => !e.Egress && e.RuleNumber !== 32767).map((e) => [e.RuleNumber, e.Protocol, e.RuleAction, e.CidrBlock, e.PortRange?.From, e.PortRange?.To]),
        egress: a.Entries!.filter((e) => e.Egress && e.RuleNumber !== 32767).map((e) => [e.RuleNumber, e.Protocol, e.RuleAction, e.CidrBlock]),
        subnet_ids: a.Associations!.map((x) => x.SubnetId),
        owner_id: a.OwnerId,
        tags: tags(a.Tags),
      };
    };
    const firstAcl = await readAcl();
    assert.deepEqual(firstAcl, { ingress: [[100, "6", "allow", "10.0.0.0/8", 22, 22]], egress: [[100, "-1", "allow", "0.0.0.0/0"]], subnet_ids: [subnet], owner_id: "000000000000", tags: { Name: "tf" } });
    assert.deepEqual(await readAcl(), firstAcl);
    // aws_network_acl_rule: one entry, read back by number and direction, deleted.
    await ec2.send(new CreateNetworkAclEntryCommand({ NetworkAclId: acl, RuleNumber: 200, Protocol: "1", RuleAction: "deny", Egress: false, CidrBlock: "192.0.2.0/24", IcmpTypeCode: { Type: -1, Code: -1 } }));
    const entry = (await ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [acl], Filters: [{ Name: "entry.rule-number", Values: ["200"] }, { Name: "entry.egress", Values: ["false"] }] })))
      .NetworkAcls![0]!.Entries!.find((e) => e.RuleNumber === 200 && !e.Egress)!;
    assert.deepEqual([entry.Protocol, entry.RuleAction, entry.IcmpTypeCode], ["1", "deny", { Type: -1, Code: -1 }]);
    await ec2.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: acl, RuleNumber: 200, Egress: false }));
    // Delete: the subnet goes back to the VPC's default ACL first (aws_default_network_acl finds it the same way).
    const def = (await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: "default", Values: ["true"] }, { Name: "vpc-id", Values: [vpc] }] }))).NetworkAcls![0]!;
    const assocNow = (await ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [acl] }))).NetworkAcls![0]!.Associations![0]!.NetworkAclAssociationId!;
    await ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: assocNow, NetworkAclId: def.NetworkAclId }));
    await ec2.send(new DeleteNetworkAclCommand({ NetworkAclId: acl }));
    await gone(async () => (await ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [acl] }))).NetworkAcls?.[0], "InvalidNetworkAclID.NotFound");

    // aws_network_interface with an attachment.
    const sg = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: "tf-eni", Description: "eni", VpcId: vpc }))).GroupId!;
    const eni = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet, Groups: [sg], PrivateIpAddresses: [{ PrivateIpAddress: "10.108.1.50", Primary: true }], TagSpecifications: spec("network-interface", { Name: "tf" }) })))
      .NetworkInterface!.NetworkInterfaceId!;
    const readEni = async () => (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni] }))).NetworkInterfaces![0]!;
    await poll(readEni, (n) => n.Status === "available");
    await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eni, SourceDestCheck: { Value: false } }));
    const n0 = await readEni();
    assert.deepEqual(
      [n0.PrivateIpAddress, n0.SourceDestCheck, n0.Groups?.map((g) => g.GroupId), n0.MacAddress?.length, n0.InterfaceType, tags(n0.TagSet)],
      ["10.108.1.50", false, [sg], 17, "interface", { Name: "tf" }],
    );
    const inst = (await ec2.send(new RunInstancesCommand({ ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, SubnetId: subnet }))).Instances![0]!
      .InstanceId!;
    const attachment = (await ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: eni, InstanceId: inst, DeviceIndex: 1 }))).AttachmentId!;
    const attached = await poll(readEni, (n) => n.Attachment?.Status === "attached");
    assert.deepEqual([attached.Attachment?.AttachmentId, attached.Attachment?.InstanceId, attached.Attachment?.DeviceIndex], [attachment, inst, 1]);
    await ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: attachment }));
    await poll(readEni, (n) => n.Status === "available");

    // Data sources.
    const subnets = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpc] }, { Name: "tag:Tier", Values: ["app"] }] }));
    assert.deepEqual(subnets.Subnets?.map((x) => x.SubnetId), [subnet]);
    const rtOfSubnet = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "association.subnet-id", Values: [subnet] }] }));
    assert.deepEqual(rtOfSubnet.RouteTables, []); // implicitly on the main table: the data source then asks for association.main
    const mainRt = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpc] }, { Name: "association.main", Values: ["true"] }] }));
    assert.equal(mainRt.RouteTables?.length, 1);
    const sgData = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "group-name", Values: ["tf-eni"] }, { Name: "vpc-id", Values: [vpc] }] }));
    assert.deepEqual(sgData.SecurityGroups?.map((g) => g.GroupId), [sg]);

    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [inst] }));
    await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eni }));
    await gone(async () => (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni] }))).NetworkInterfaces?.[0], "InvalidNetworkInterfaceID.NotFound");
  });
});
