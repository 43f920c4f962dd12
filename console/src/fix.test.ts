import { test } from "node:test";
import assert from "node:assert/strict";
import { fixCall } from "./fix.ts";

test("a create-route fix becomes CreateRoute with its parameters", () => {
  const f = fixCall("add a route 172.31.0.0/16 via pcx-1: aws ec2 create-route --route-table-id rtb-1 --destination-cidr-block 172.31.0.0/16 --vpc-peering-connection-id pcx-1");
  assert.deepEqual(f, {
    action: "CreateRoute",
    params: { RouteTableId: "rtb-1", DestinationCidrBlock: "172.31.0.0/16", VpcPeeringConnectionId: "pcx-1" },
    command: "aws ec2 create-route --route-table-id rtb-1 --destination-cidr-block 172.31.0.0/16 --vpc-peering-connection-id pcx-1",
  });
});

test("the CLI's security-group shorthands become the API's fields; the remark in brackets is not part of the command", () => {
  assert.deepEqual(fixCall("add a rule to sg-1: aws ec2 authorize-security-group-ingress --group-id sg-1 --protocol icmp --port -1 --cidr 10.0.0.4/32 (or the peer's CIDR block)")?.params, {
    GroupId: "sg-1",
    IpProtocol: "icmp",
    FromPort: -1,
    ToPort: -1,
    CidrIp: "10.0.0.4/32",
  });
  assert.deepEqual(fixCall("aws ec2 authorize-security-group-egress --group-id sg-1 --protocol tcp --port 22 --cidr 1.2.3.4/32")?.params, { GroupId: "sg-1", IpProtocol: "tcp", FromPort: 22, ToPort: 22, CidrIp: "1.2.3.4/32" });
});

test("lists and flags: start-instances, --no-source-dest-check", () => {
  assert.deepEqual(fixCall("start it: aws ec2 start-instances --instance-ids i-1"), { action: "StartInstances", params: { InstanceId: ["i-1"] }, command: "aws ec2 start-instances --instance-ids i-1" });
  assert.deepEqual(fixCall("aws ec2 modify-network-interface-attribute --network-interface-id eni-1 --no-source-dest-check")?.params, { NetworkInterfaceId: "eni-1", SourceDestCheck: { Value: false } });
});

test("no call is guessed: placeholders, several commands, structured shorthand, plain words", () => {
  assert.equal(fixCall("create and attach an internet gateway (aws ec2 create-internet-gateway; aws ec2 attach-internet-gateway --vpc-id vpc-1 --internet-gateway-id <igw>), then …"), undefined);
  assert.equal(fixCall("aws ec2 allocate-address; aws ec2 associate-address --network-interface-id eni-1 --allocation-id <eipalloc>"), undefined);
  assert.equal(fixCall("aws ec2 create-network-acl-entry --network-acl-id acl-1 --ingress --rule-number <n> --protocol tcp --port-range From=22,To=22"), undefined);
  assert.equal(fixCall("associate a route table with subnet-1"), undefined);
  assert.equal(fixCall("aws ec2 delete-route --route-table-id rtb-1 --destination-cidr-block 10.0.0.0/24 && aws ec2 create-route --route-table-id rtb-1"), undefined);
});
