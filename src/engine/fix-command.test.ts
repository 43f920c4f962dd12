// Unit tests of the one renderer of structured fixes: AWS CLI command lines (the CLI's naming and its
// boolean customizations) and EC2 Query parameters, the latter decoded back by vpclab's own Query codec
// with the SDK's wire model, so a fix the console applies is the call the engine meant.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fixCommand, fixQuery, kebab, type Fix } from "./fix-command.js";
import { QueryCodec } from "../protocol/query-codec.js";
import { serviceModel } from "../model/wire-model.js";

test("kebab is botocore's xform_name", () => {
  assert.equal(kebab("CreateRoute"), "create-route");
  assert.equal(kebab("VpcPeeringConnectionId"), "vpc-peering-connection-id");
  assert.equal(kebab("EnableTransitGatewayRouteTablePropagation"), "enable-transit-gateway-route-table-propagation");
  assert.equal(kebab("Ipv6CidrBlock"), "ipv6-cidr-block");
  assert.equal(kebab("IcmpTypeCode"), "icmp-type-code");
});

test("scalars, lists, structures, booleans and the region", () => {
  assert.equal(
    fixCommand({ action: "CreateRoute", params: { RouteTableId: "rtb-1", DestinationCidrBlock: "172.31.0.0/16", VpcPeeringConnectionId: "pcx-1" }, region: "ap-northeast-1" }),
    "aws ec2 create-route --route-table-id rtb-1 --destination-cidr-block 172.31.0.0/16 --vpc-peering-connection-id pcx-1 --region ap-northeast-1",
  );
  assert.equal(fixCommand({ action: "StartInstances", params: { InstanceIds: ["i-1", "i-2"] } }), "aws ec2 start-instances --instance-ids i-1 i-2");
  assert.equal(
    fixCommand({ action: "AuthorizeSecurityGroupIngress", params: { GroupId: "sg-1", IpPermissions: [{ IpProtocol: "icmp", FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: "10.0.0.4/32" }] }] } }),
    `aws ec2 authorize-security-group-ingress --group-id sg-1 --ip-permissions '[{"IpProtocol":"icmp","FromPort":-1,"ToPort":-1,"IpRanges":[{"CidrIp":"10.0.0.4/32"}]}]'`,
  );
  assert.equal(
    fixCommand({ action: "ModifyNetworkInterfaceAttribute", params: { NetworkInterfaceId: "eni-1", SourceDestCheck: { Value: false } } }),
    "aws ec2 modify-network-interface-attribute --network-interface-id eni-1 --no-source-dest-check",
  );
  const acl = (egress: boolean) => fixCommand({ action: "CreateNetworkAclEntry", params: { NetworkAclId: "acl-1", RuleNumber: 99, Protocol: "6", RuleAction: "allow", Egress: egress, CidrBlock: "10.0.0.4/32", PortRange: { From: 1024, To: 65535 } } });
  assert.equal(acl(false), `aws ec2 create-network-acl-entry --network-acl-id acl-1 --rule-number 99 --protocol 6 --rule-action allow --ingress --cidr-block 10.0.0.4/32 --port-range '{"From":1024,"To":65535}'`);
  assert.match(acl(true), / --egress /);
  assert.equal(fixCommand({ action: "CreateTags", params: { Resources: ["vpc-1"], Tags: [{ Key: "Name", Value: "it's" }] } }), `aws ec2 create-tags --resources vpc-1 --tags '[{"Key":"Name","Value":"it'\\''s"}]'`);
});

/** One fix of every action the engine emits. */
const SAMPLES: Fix[] = [
  { action: "CreateRoute", params: { RouteTableId: "rtb-1", DestinationCidrBlock: "0.0.0.0/0", GatewayId: "igw-1" } },
  { action: "CreateRoute", params: { RouteTableId: "rtb-1", DestinationCidrBlock: "10.1.0.0/16", TransitGatewayId: "tgw-1" } },
  { action: "DeleteRoute", params: { RouteTableId: "rtb-1", DestinationCidrBlock: "10.1.0.0/16" } },
  { action: "AcceptVpcPeeringConnection", params: { VpcPeeringConnectionId: "pcx-1" } },
  { action: "AttachInternetGateway", params: { InternetGatewayId: "igw-1", VpcId: "vpc-1" } },
  { action: "StartInstances", params: { InstanceIds: ["i-1"] } },
  { action: "AuthorizeSecurityGroupIngress", params: { GroupId: "sg-1", IpPermissions: [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "10.0.0.4/32" }] }] } },
  { action: "AuthorizeSecurityGroupEgress", params: { GroupId: "sg-1", IpPermissions: [{ IpProtocol: "icmp", FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: "10.0.0.4/32" }] }] } },
  { action: "CreateNetworkAclEntry", params: { NetworkAclId: "acl-1", RuleNumber: 99, Protocol: "1", RuleAction: "allow", Egress: false, CidrBlock: "10.0.0.4/32", IcmpTypeCode: { Type: -1, Code: -1 } } },
  { action: "CreateNetworkAclEntry", params: { NetworkAclId: "acl-1", RuleNumber: 98, Protocol: "17", RuleAction: "allow", Egress: true, CidrBlock: "10.0.0.4/32", PortRange: { From: 53, To: 53 } } },
  { action: "ModifyNetworkInterfaceAttribute", params: { NetworkInterfaceId: "eni-1", SourceDestCheck: { Value: false } } },
  { action: "CreateTransitGatewayVpcAttachment", params: { TransitGatewayId: "tgw-1", VpcId: "vpc-1", SubnetIds: ["subnet-1", "subnet-2"] } },
  { action: "AcceptTransitGatewayVpcAttachment", params: { TransitGatewayAttachmentId: "tgw-attach-1" } },
  { action: "ModifyTransitGatewayVpcAttachment", params: { TransitGatewayAttachmentId: "tgw-attach-1", AddSubnetIds: ["subnet-1"] } },
  { action: "AssociateTransitGatewayRouteTable", params: { TransitGatewayRouteTableId: "tgw-rtb-1", TransitGatewayAttachmentId: "tgw-attach-1" } },
  { action: "EnableTransitGatewayRouteTablePropagation", params: { TransitGatewayRouteTableId: "tgw-rtb-1", TransitGatewayAttachmentId: "tgw-attach-1" } },
  { action: "CreateTransitGatewayRoute", params: { TransitGatewayRouteTableId: "tgw-rtb-1", DestinationCidrBlock: "10.2.0.0/16", TransitGatewayAttachmentId: "tgw-attach-2" } },
  { action: "CreateVpcEndpoint", params: { VpcId: "vpc-1", ServiceName: "com.amazonaws.ap-northeast-1.s3", VpcEndpointType: "Gateway", RouteTableIds: ["rtb-1"] } },
  { action: "ReplaceTransitGatewayRoute", params: { TransitGatewayRouteTableId: "tgw-rtb-1", DestinationCidrBlock: "10.2.0.0/16", TransitGatewayAttachmentId: "tgw-attach-2" } },
];

test("the Query form of every fix the engine emits decodes, with the SDK's wire model, to the fix's own input", () => {
  const model = serviceModel("ec2");
  const codec = new QueryCodec(model);
  for (const f of SAMPLES) {
    const input = model.operations[f.action]?.input;
    assert.ok(input, `${f.action} is an EC2 action`);
    assert.deepEqual(codec.decode(input, fixQuery(f)), f.params, f.action);
  }
});

test("every action the engine's forwarders and filters emit has a sample above", async () => {
  const { readdirSync, readFileSync } = await import("node:fs");
  const dir = new URL(".", import.meta.url);
  const emitted = new Set<string>();
  for (const name of readdirSync(dir)) {
    if (!name.endsWith(".ts") || name.endsWith(".test.ts")) continue;
    for (const m of readFileSync(new URL(name, dir), "utf8").matchAll(/\bcall\(\s*(?:[^"]*\?\s*)?"([A-Za-z]+)"(?:\s*:\s*"([A-Za-z]+)")?/g)) {
      emitted.add(m[1]!);
      if (m[2]) emitted.add(m[2]);
    }
  }
  assert.ok(emitted.size >= 10, [...emitted].join(", "));
  const sampled = new Set(SAMPLES.map((f) => f.action));
  assert.deepEqual([...emitted].filter((a) => !sampled.has(a)), []);
});
