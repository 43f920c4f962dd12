/**
 * The seed walkthrough's topology (SCENARIO.md steps 2–6), built through real clients: Tokyo
 * `10.20.0.0/16` with one subnet in zone a, Singapore's default VPC, an accepted inter-region peering,
 * routes on both main route tables, the default groups opened for ICMP and TCP 22 from the peer's CIDR,
 * and one instance on each side (Name tags `tokyo-box` and `singapore-box`).
 */
import assert from "node:assert/strict";
import {
  AcceptVpcPeeringConnectionCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateRouteCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  RunInstancesCommand,
  type EC2Client,
  type IpPermission,
} from "@aws-sdk/client-ec2";
import type { Lab } from "./harness.js";

export interface Seed {
  vpc: string;
  subnet: string;
  defVpc: string;
  pcx: string;
  rtT: string;
  rtS: string;
  sgT: string;
  sgS: string;
  /** Singapore's internet gateway. */
  sgIgw: string;
  tokyo: string;
  tokyoIp: string;
  tokyoEni: string;
  singapore: string;
  singaporeIp: string;
}

export const icmpFrom = (cidr: string): IpPermission => ({ IpProtocol: "icmp", FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: cidr }] });
export const sshFrom = (cidr: string): IpPermission => ({ IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: cidr }] });

/** Builds the seed; the accept goes through the AWS CLI when `acceptWith` is "cli", else the SDK. */
export async function buildSeed(lab: Lab, tokyo: EC2Client, sg: EC2Client, acceptWith: "cli" | "sdk" = "sdk"): Promise<Seed> {
  const vpc = (await tokyo.send(new CreateVpcCommand({ CidrBlock: "10.20.0.0/16" }))).Vpc!.VpcId!;
  const subnet = (await tokyo.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.20.1.0/24", AvailabilityZone: "ap-northeast-1a" }))).Subnet!.SubnetId!;
  const defVpc = (await sg.send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }))).Vpcs![0]!.VpcId!;
  const sgSubnet = (
    await sg.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [defVpc] }, { Name: "availability-zone", Values: ["ap-southeast-1a"] }] }))
  ).Subnets![0]!.SubnetId!;
  const pcx = (await tokyo.send(new CreateVpcPeeringConnectionCommand({ VpcId: vpc, PeerVpcId: defVpc, PeerRegion: "ap-southeast-1" })))
    .VpcPeeringConnection!.VpcPeeringConnectionId!;
  await sg.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [pcx] }));
  if (acceptWith === "cli") {
    const accepted = await lab.cli(["ec2", "accept-vpc-peering-connection", "--vpc-peering-connection-id", pcx], { region: "ap-southeast-1" });
    assert.equal(accepted.code, 0, accepted.stderr);
  } else {
    await sg.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
  }
  const mainRt = async (c: EC2Client, v: string) =>
    (await c.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [v] }, { Name: "association.main", Values: ["true"] }] })))
      .RouteTables![0]!;
  const rtT = (await mainRt(tokyo, vpc)).RouteTableId!;
  const rtSTable = await mainRt(sg, defVpc);
  const rtS = rtSTable.RouteTableId!;
  const sgIgw = rtSTable.Routes!.find((r) => r.DestinationCidrBlock === "0.0.0.0/0")!.GatewayId!;
  await tokyo.send(new CreateRouteCommand({ RouteTableId: rtT, DestinationCidrBlock: "172.31.0.0/16", VpcPeeringConnectionId: pcx }));
  await sg.send(new CreateRouteCommand({ RouteTableId: rtS, DestinationCidrBlock: "10.20.0.0/16", VpcPeeringConnectionId: pcx }));
  const defaultSg = async (c: EC2Client, v: string) =>
    (await c.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "vpc-id", Values: [v] }, { Name: "group-name", Values: ["default"] }] })))
      .SecurityGroups![0]!.GroupId!;
  const sgT = await defaultSg(tokyo, vpc);
  const sgS = await defaultSg(sg, defVpc);
  await tokyo.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sgT, IpPermissions: [icmpFrom("172.31.0.0/16"), sshFrom("172.31.0.0/16")] }));
  await sg.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sgS, IpPermissions: [icmpFrom("10.20.0.0/16"), sshFrom("10.20.0.0/16")] }));
  const launch = async (c: EC2Client, subnetId: string, name: string) =>
    (
      await c.send(
        new RunInstancesCommand({
          ImageId: "ami-0123456789abcdef0",
          InstanceType: "t3.micro",
          MinCount: 1,
          MaxCount: 1,
          SubnetId: subnetId,
          TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "Name", Value: name }] }],
        }),
      )
    ).Instances![0]!;
  const t = await launch(tokyo, subnet, "tokyo-box");
  const s = await launch(sg, sgSubnet, "singapore-box");
  return {
    vpc,
    subnet,
    defVpc,
    pcx,
    rtT,
    rtS,
    sgT,
    sgS,
    sgIgw,
    tokyo: t.InstanceId!,
    tokyoIp: t.PrivateIpAddress!,
    tokyoEni: t.NetworkInterfaces![0]!.NetworkInterfaceId!,
    singapore: s.InstanceId!,
    singaporeIp: s.PrivateIpAddress!,
  };
}
