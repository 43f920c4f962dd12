/**
 * VPC endpoints in the kernel (`--dataplane netns`), checked against the engine: a private instance (no
 * internet gateway, no public IP) reaches S3's addresses through a gateway endpoint's prefix-list route
 * and not without it; an interface endpoint's interface answers on its private address, behind the
 * endpoint's security group (also a prefix-list source in it). Every real ping's outcome is compared with the engine's verdict
 * (`POST /_vpclab/analyze`). Needs Linux and root; skipped with a message otherwise.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  CreateManagedPrefixListCommand,
  ModifyManagedPrefixListCommand,
  DeleteVpcEndpointsCommand,
  DescribeNetworkInterfacesCommand,
  DescribePrefixListsCommand,
  DescribeRouteTablesCommand,
  DescribeVpcEndpointsCommand,
  RevokeSecurityGroupIngressCommand,
  RunInstancesCommand,
  AttachVpnGatewayCommand,
  CreateCustomerGatewayCommand,
  CreateRouteCommand,
  CreateVpnConnectionCommand,
  CreateVpnConnectionRouteCommand,
  CreateVpnGatewayCommand,
  DeleteVpnConnectionRouteCommand,
  DescribeVpnConnectionsCommand,
  DescribeVpnGatewaysCommand,
} from "@aws-sdk/client-ec2";
import { startLab, type Lab } from "../support/harness.js";
import { dataplaneUnavailable } from "../../src/dataplane/index.js";
import { parseCidr, formatIp } from "../../src/domain/cidr.js";

const why = dataplaneUnavailable();
const skip = why ? `netns data plane unavailable here: ${why}` : false;
const REGION = "eu-west-1";

function pingIn(ns: string, ip: string): Promise<boolean> {
  return new Promise((resolve) => execFile("ip", ["netns", "exec", ns, "ping", "-c", "1", "-W", "1", ip], (err) => resolve(!err)));
}

async function waitFor(fn: () => Promise<boolean>, ms = 8000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

test("--dataplane netns: gateway and interface endpoints in the kernel agree with the engine", { skip, timeout: 120_000 }, async () => {
  const lab: Lab = await startLab({ dataplane: "netns" });
  try {
    const ec2 = lab.ec2(REGION);
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.60.0.0/16" }))).Vpc!.VpcId!;
    const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.60.1.0/24", AvailabilityZone: `${REGION}a` }))).Subnet!.SubnetId!;
    const inst = (await ec2.send(new RunInstancesCommand({ ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, SubnetId: subnet }))).Instances![0]!.InstanceId!;
    const status = async () => (await lab.admin<{ instances: { id: string; ns: string }[] }>("GET", "/dataplane")).body;
    let ns = "";
    assert.ok(await waitFor(async () => (ns = (await status()).instances.find((i) => i.id === inst)?.ns ?? "") !== ""), "the instance's namespace");
    const results: string[] = [];
    const check = async (label: string, ip: string, expect: boolean) => {
      await lab.admin("GET", "/dataplane");
      const kernel = await pingIn(ns, ip);
      const a = await lab.admin<{ verdict: string }>("POST", "/analyze", { from: inst, to: ip, protocol: "icmp" });
      const engine = a.body.verdict === "reachable";
      results.push(`${label}: kernel ${kernel ? "reached" : "blocked"}, engine ${engine ? "reachable" : a.body.verdict}`);
      if (kernel !== engine && process.env.VPCLAB_DIFF_DEBUG) {
        const { execFileSync } = await import("node:child_process");
        for (const n of execFileSync("ip", ["netns", "list"], { encoding: "utf8" }).split("\n").map((l) => l.split(" ")[0]!).filter((x) => x.includes("vpc-") || x.includes("vpce-"))) {
          console.log("==", n, execFileSync("ip", ["-n", n, "route", "show", "table", "all"], { encoding: "utf8" }), execFileSync("ip", ["-n", n, "rule"], { encoding: "utf8" }), execFileSync("ip", ["-n", n, "-br", "addr"], { encoding: "utf8" }));
        }
      }
      assert.equal(kernel, engine, results.join("\n"));
      assert.equal(kernel, expect, results.join("\n"));
    };

    // S3's first address in the region's prefix list.
    const pl = (await ec2.send(new DescribePrefixListsCommand({ Filters: [{ Name: "prefix-list-name", Values: [`com.amazonaws.${REGION}.s3`] }] }))).PrefixLists![0]!;
    const c = parseCidr(pl.Cidrs![0]!)!;
    const s3 = formatIp((c.base + 1) >>> 0);
    // No internet gateway, no public IP: S3 is out of reach.
    await check("s3 without an endpoint", s3, false);
    const rt = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpc] }] }))).RouteTables![0]!.RouteTableId!;
    const gw = (await ec2.send(new CreateVpcEndpointCommand({ VpcId: vpc, ServiceName: `com.amazonaws.${REGION}.s3`, RouteTableIds: [rt] }))).VpcEndpoint!.VpcEndpointId!;
    await check("s3 through the gateway endpoint", s3, true);
    // The service sees the private source: it answers, and the service's namespace holds no other address.
    await check("an address outside the prefix list", "8.8.8.8", false);
    await ec2.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: [gw] }));
    await check("s3 after the endpoint is deleted", s3, false);

    // An interface endpoint with a security group that admits ICMP from the VPC.
    const sg = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: "endpoints", Description: "endpoints", VpcId: vpc }))).GroupId!;
    const icmp = [{ IpProtocol: "icmp", FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: "10.60.0.0/16" }] }];
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sg, IpPermissions: icmp }));
    const ie = (await ec2.send(new CreateVpcEndpointCommand({ VpcId: vpc, ServiceName: `com.amazonaws.${REGION}.ssm`, VpcEndpointType: "Interface", SubnetIds: [subnet], SecurityGroupIds: [sg], PrivateDnsEnabled: false }))).VpcEndpoint!;
    assert.ok(await waitFor(async () => ((await ec2.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: [ie.VpcEndpointId!] }))).VpcEndpoints![0]!.State as string) === "available", 30_000), "the interface endpoint becomes available");
    const eniIp = (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: ie.NetworkInterfaceIds }))).NetworkInterfaces![0]!.PrivateIpAddress!;
    await check("the interface endpoint's address", eniIp, true);
    await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: sg, IpPermissions: icmp }));
    await check("the interface endpoint after its group's rule is revoked", eniIp, false);
    // A prefix-list source in the endpoint's group: one rule per entry of the list's current version.
    const list = (await ec2.send(new CreateManagedPrefixListCommand({ PrefixListName: "clients", AddressFamily: "IPv4", MaxEntries: 5, Entries: [{ Cidr: "10.60.1.0/24" }] }))).PrefixList!.PrefixListId!;
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sg, IpPermissions: [{ IpProtocol: "icmp", FromPort: -1, ToPort: -1, PrefixListIds: [{ PrefixListId: list }] }] }));
    await check("the interface endpoint, ICMP from a prefix list holding the instance's subnet", eniIp, true);
    await ec2.send(new ModifyManagedPrefixListCommand({ PrefixListId: list, CurrentVersion: 1, AddEntries: [{ Cidr: "10.99.0.0/16" }], RemoveEntries: [{ Cidr: "10.60.1.0/24" }] }));
    await check("the interface endpoint, after the list lost that entry", eniIp, false);
    await ec2.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: [ie.VpcEndpointId!] }));
    await check("the interface endpoint's address after deletion", eniIp, false);
  } finally {
    await lab.close();
  }
});

test("--dataplane netns: a VPN's on-premises networks behind a virtual private gateway agree with the engine", { skip, timeout: 120_000 }, async () => {
  const lab: Lab = await startLab({ dataplane: "netns" });
  try {
    const ec2 = lab.ec2(REGION);
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.70.0.0/16" }))).Vpc!.VpcId!;
    const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.70.1.0/24" }))).Subnet!.SubnetId!;
    const inst = (await ec2.send(new RunInstancesCommand({ ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, SubnetId: subnet }))).Instances![0]!.InstanceId!;
    const rt = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpc] }] }))).RouteTables![0]!.RouteTableId!;
    const status = async () => (await lab.admin<{ instances: { id: string; ns: string }[] }>("GET", "/dataplane")).body;
    let ns = "";
    assert.ok(await waitFor(async () => (ns = (await status()).instances.find((i) => i.id === inst)?.ns ?? "") !== ""), "the instance's namespace");
    const results: string[] = [];
    const check = async (label: string, ip: string, expect: boolean) => {
      await lab.admin("GET", "/dataplane");
      const kernel = await pingIn(ns, ip);
      const a = await lab.admin<{ verdict: string }>("POST", "/analyze", { from: inst, to: ip, protocol: "icmp" });
      const engine = a.body.verdict === "reachable";
      results.push(`${label}: kernel ${kernel ? "reached" : "blocked"}, engine ${engine ? "reachable" : a.body.verdict}`);
      assert.equal(kernel, engine, results.join("\n"));
      assert.equal(kernel, expect, results.join("\n"));
    };
    const vgw = (await ec2.send(new CreateVpnGatewayCommand({ Type: "ipsec.1" }))).VpnGateway!.VpnGatewayId!;
    await ec2.send(new AttachVpnGatewayCommand({ VpnGatewayId: vgw, VpcId: vpc }));
    assert.ok(await waitFor(async () => (await ec2.send(new DescribeVpnGatewaysCommand({ VpnGatewayIds: [vgw] }))).VpnGateways![0]!.VpcAttachments?.[0]?.State === "attached", 30_000), "attached");
    const cgw = (await ec2.send(new CreateCustomerGatewayCommand({ Type: "ipsec.1", IpAddress: "203.0.113.10", BgpAsn: 65010 }))).CustomerGateway!.CustomerGatewayId!;
    const vpn = (await ec2.send(new CreateVpnConnectionCommand({ Type: "ipsec.1", CustomerGatewayId: cgw, VpnGatewayId: vgw, Options: { StaticRoutesOnly: true } }))).VpnConnection!.VpnConnectionId!;
    await ec2.send(new CreateVpnConnectionRouteCommand({ VpnConnectionId: vpn, DestinationCidrBlock: "172.16.0.0/16" }));
    assert.ok(await waitFor(async () => (await ec2.send(new DescribeVpnConnectionsCommand({ VpnConnectionIds: [vpn] }))).VpnConnections![0]!.State === "available", 30_000), "available");
    await check("on-premises without a route to the gateway", "172.16.5.5", false);
    await ec2.send(new CreateRouteCommand({ RouteTableId: rt, DestinationCidrBlock: "172.16.0.0/12", GatewayId: vgw }));
    await check("on-premises inside the connection's static route", "172.16.5.5", true);
    await check("an address routed to the gateway that no static route covers", "172.17.0.1", false);
    await ec2.send(new DeleteVpnConnectionRouteCommand({ VpnConnectionId: vpn, DestinationCidrBlock: "172.16.0.0/16" }));
    await check("on-premises after the static route is deleted", "172.16.5.5", false);
  } finally {
    await lab.close();
  }
});
