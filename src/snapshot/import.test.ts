/**
 * Unit tests of the snapshot importer (pure code): accounts from directories and OwnerIds, one peering
 * from both sides' files with tags per side, route targets (instance routes resolved to the primary
 * interface, unmodelled kinds kept with their field), and a document `decodeState` accepts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { awsPrefixLists } from "../domain/prefix-lists.js";
import { importSnapshot } from "./import.js";
import { decodeState } from "../state/document.js";

const A = "111111111111";
const B = "222222222222";

const pcx = (tagValue: string) => ({
  VpcPeeringConnectionId: "pcx-0123456789abcdef0",
  RequesterVpcInfo: { OwnerId: A, VpcId: "vpc-000000000000000a1", Region: "us-east-1", CidrBlock: "10.1.0.0/16" },
  AccepterVpcInfo: { OwnerId: B, VpcId: "vpc-000000000000000b1", Region: "eu-west-1", CidrBlockSet: [{ CidrBlock: "10.2.0.0/16" }] },
  Status: { Code: "active", Message: "Active" },
  Tags: [{ Key: "side", Value: tagValue }],
});

const files = {
  [`${A}/us-east-1/describe-vpcs.json`]: { Vpcs: [{ VpcId: "vpc-000000000000000a1", OwnerId: A, CidrBlock: "10.1.0.0/16" }] },
  [`${A}/us-east-1/describe-vpc-peering-connections.json`]: { VpcPeeringConnections: [pcx("requester")] },
  [`${A}/us-east-1/describe-subnets.json`]: { Subnets: [{ SubnetId: "subnet-000000000000000a1", VpcId: "vpc-000000000000000a1", OwnerId: A, CidrBlock: "10.1.1.0/24" }] },
  [`${A}/us-east-1/describe-instances.json`]: {
    Reservations: [
      {
        OwnerId: A,
        Instances: [
          {
            InstanceId: "i-000000000000000a1",
            State: { Name: "running" },
            SubnetId: "subnet-000000000000000a1",
            VpcId: "vpc-000000000000000a1",
            NetworkInterfaces: [{ NetworkInterfaceId: "eni-000000000000000a1", SubnetId: "subnet-000000000000000a1", VpcId: "vpc-000000000000000a1", PrivateIpAddress: "10.1.1.5", Attachment: { DeviceIndex: 0, Status: "attached" } }],
          },
        ],
      },
    ],
  },
  [`${A}/us-east-1/describe-route-tables.json`]: {
    RouteTables: [
      {
        RouteTableId: "rtb-000000000000000a1",
        VpcId: "vpc-000000000000000a1",
        OwnerId: A,
        Routes: [
          { DestinationCidrBlock: "10.1.0.0/16", GatewayId: "local" },
          { DestinationCidrBlock: "10.2.0.0/16", VpcPeeringConnectionId: "pcx-0123456789abcdef0" },
          { DestinationCidrBlock: "10.9.0.0/16", InstanceId: "i-000000000000000a1" },
          { DestinationCidrBlock: "10.8.0.0/16", GatewayId: "vpce-0123456789abcdef0" },
          { DestinationCidrBlock: "10.7.0.0/16", CarrierGatewayId: "cagw-0123456789abcdef0" },
          { DestinationIpv6CidrBlock: "::/0", GatewayId: "igw-0123456789abcdef0" },
          // AWS's real id of the S3 list: mapped by name to vpclab's own id for it.
          { DestinationPrefixListId: "pl-63a5400a", GatewayId: "vpce-0123456789abcdef0" },
          { DestinationPrefixListId: "pl-0123456789abcdef0", NatGatewayId: "nat-0123456789abcdef0" },
        ],
      },
    ],
  },
  // The accepter's account: a hand-made file without an account directory, no OwnerId on addresses.
  "eu-west-1/describe-vpcs.json": { Vpcs: [{ VpcId: "vpc-000000000000000b1", OwnerId: B, CidrBlock: "10.2.0.0/16" }] },
  "eu-west-1/describe-vpc-peering-connections.json": { VpcPeeringConnections: [pcx("accepter")] },
  "eu-west-1/describe-addresses.json": { Addresses: [{ AllocationId: "eipalloc-0123456789abcdef0", PublicIp: "3.3.3.3" }] },
  "eu-west-1/describe-vpn-gateways.json": { VpnGateways: [{ VpnGatewayId: "vgw-0123456789abcdef0", State: "available", AmazonSideAsn: 64512, VpcAttachments: [{ VpcId: "vpc-000000000000000b1", State: "attached" }] }] },
  // A kind vpclab does not model: counted in the report.
  "eu-west-1/describe-local-gateways.json": { LocalGateways: [{ LocalGatewayId: "lgw-0123456789abcdef0" }] },
  [`${A}/us-east-1/describe-managed-prefix-lists.json`]: {
    PrefixLists: [
      { PrefixListId: "pl-63a5400a", PrefixListName: "com.amazonaws.us-east-1.s3", AddressFamily: "IPv4", OwnerId: "AWS", State: "create-complete" },
      { PrefixListId: "pl-0123456789abcdef0", PrefixListName: "partners", AddressFamily: "IPv4", OwnerId: A, MaxEntries: 10, Version: 4, State: "modify-complete" },
    ],
  },
  [`${A}/us-east-1/get-managed-prefix-list-entries.pl-0123456789abcdef0.json`]: { Entries: [{ Cidr: "198.51.100.0/24", Description: "a" }] },
};

test("a two-account snapshot becomes one state document", () => {
  const { document, report } = importSnapshot({ files }, 1_700_000_000_000);
  const parts = decodeState(document);
  assert.deepEqual([...parts.accounts.keys()].sort(), [A, B]);
  assert.equal(report.regions, 2);
  assert.deepEqual(report.unmodelled, { LocalGateways: 1 });
  assert.deepEqual(parts.accounts.get(B)!.get("eu-west-1")!.vpnGateways.get("vgw-0123456789abcdef0")!.attachments, [{ vpcId: "vpc-000000000000000b1", state: "attached" }]);
  // The address has no OwnerId: it belongs to the account that owns the region's VPCs.
  assert.equal(parts.accounts.get(B)!.get("eu-west-1")!.addresses.get("eipalloc-0123456789abcdef0")!.ownerId, B);
  // One peering, each side's tags under its own key.
  assert.equal(parts.peerings.size, 1);
  const p = parts.peerings.get("pcx-0123456789abcdef0")!;
  assert.equal(p.tags.get(`${A}/us-east-1`)!.get("side"), "requester");
  assert.equal(p.tags.get(`${B}/eu-west-1`)!.get("side"), "accepter");
  assert.deepEqual(p.accepter.cidrBlocks, ["10.2.0.0/16"]);
  const rt = parts.accounts.get(A)!.get("us-east-1")!.routeTables.get("rtb-000000000000000a1")!;
  assert.deepEqual(
    rt.routes.map((r) => r.target),
    [
      { kind: "local" },
      { kind: "pcx", id: "pcx-0123456789abcdef0" },
      { kind: "instance", id: "i-000000000000000a1", eniId: "eni-000000000000000a1" },
      { kind: "vpce", id: "vpce-0123456789abcdef0" },
      { kind: "unmodelled", id: "cagw-0123456789abcdef0", field: "CarrierGatewayId" },
      { kind: "igw", id: "igw-0123456789abcdef0" },
      { kind: "vpce", id: "vpce-0123456789abcdef0" },
      { kind: "nat", id: "nat-0123456789abcdef0" },
    ],
  );
  const s3 = awsPrefixLists("us-east-1").find((l) => l.name === "com.amazonaws.us-east-1.s3")!.id;
  assert.deepEqual(
    rt.routes.slice(5).map((r) => [r.destinationCidr, r.destinationPrefixListId]),
    [
      ["::/0", undefined],
      [s3, s3],
      ["pl-0123456789abcdef0", "pl-0123456789abcdef0"],
    ],
  );
  // The customer-managed list loads with its entries; the AWS-managed one does not load.
  const lists = parts.accounts.get(A)!.get("us-east-1")!.managedPrefixLists;
  assert.deepEqual([...lists.keys()], ["pl-0123456789abcdef0"]);
  assert.deepEqual(lists.get("pl-0123456789abcdef0")!.entries, [{ cidr: "198.51.100.0/24", description: "a" }]);
  assert.equal(lists.get("pl-0123456789abcdef0")!.version, 4);
  assert.ok(report.warnings.some((w) => w.includes("vpce-0123456789abcdef0") && w.includes("not in the snapshot")));
  assert.ok(report.warnings.some((w) => w.includes("nat-0123456789abcdef0") && w.includes("not in the snapshot")));
  // The interface was built from the instance's own view of it.
  const eni = parts.accounts.get(A)!.get("us-east-1")!.networkInterfaces.get("eni-000000000000000a1")!;
  assert.equal(eni.attachment!.instanceId, "i-000000000000000a1");
  assert.deepEqual(eni.privateIps, [{ address: "10.1.1.5", primary: true }]);
});

test("garbage never throws: every record is either loaded or named in a warning", () => {
  const { document, report } = importSnapshot(
    {
      files: {
        "us-east-1/describe-vpcs.json": { Vpcs: [null, 5, { VpcId: 7 }, { VpcId: "vpc-0000000000000000c", CidrBlockAssociationSet: "x" }] },
        "us-east-1/describe-route-tables.json": { RouteTables: [{ RouteTableId: "rtb-1", VpcId: "vpc-nothere", OwnerId: A, Routes: [null] }] },
        "us-east-1/describe-instances.json": { Reservations: [{ Instances: [{ InstanceId: "i-1" }] }] },
        "x.json": [],
        [`${A}/us-east-1/describe-vpcs.json`]: { Vpcs: [{ VpcId: "vpc-000000000000000d1", OwnerId: A, CidrBlock: "10.3.0.0/16" }] },
        "us-east-1/describe-subnets.json": { Subnets: [{ VpcId: "vpc-000000000000000d1", OwnerId: A, CidrBlock: "10.3.0.0/24", SubnetId: "subnet-000000000000000d1" }] },
        [`${A}/us-east-1/describe-subnets.json`]: { Subnets: [{ VpcId: "vpc-000000000000000d1", OwnerId: A, CidrBlock: "10.3.0.0/24", SubnetId: "subnet-000000000000000d1" }] },
      },
    },
    0,
  );
  assert.doesNotThrow(() => decodeState(document));
  assert.ok(report.warnings.length >= 3, report.warnings.join("\n"));
  assert.ok(report.warnings.some((w) => w.includes("subnet-000000000000000d1 appears twice")));
  assert.equal(report.loaded.subnets, 1);
});

test("transit gateways: route tables from the per-table files, associations from the attachments' view, peerings tagged per side", () => {
  const tgwA = "tgw-0000000000000000a";
  const tgwB = "tgw-0000000000000000b";
  const rtb = "tgw-rtb-0000000000000000a";
  const att = "tgw-attach-0000000000000000a";
  const peer = "tgw-attach-0000000000000000p";
  const peering = (side: string) => ({
    TransitGatewayAttachmentId: peer,
    RequesterTgwInfo: { TransitGatewayId: tgwA, OwnerId: A, Region: "us-east-1" },
    AccepterTgwInfo: { TransitGatewayId: tgwB, OwnerId: B, Region: "eu-west-1" },
    State: "available",
    Status: { Code: "available", Message: "Available" },
    Tags: [{ Key: "side", Value: side }],
  });
  const { document, report } = importSnapshot(
    {
      files: {
        [`${A}/us-east-1/describe-vpcs.json`]: { Vpcs: [{ VpcId: "vpc-000000000000000a1", OwnerId: A, CidrBlock: "10.1.0.0/16" }] },
        [`${A}/us-east-1/describe-subnets.json`]: { Subnets: [{ SubnetId: "subnet-000000000000000a1", VpcId: "vpc-000000000000000a1", OwnerId: A, CidrBlock: "10.1.1.0/24" }] },
        [`${A}/us-east-1/describe-transit-gateways.json`]: { TransitGateways: [{ TransitGatewayId: tgwA, OwnerId: A, State: "available", Options: { AmazonSideAsn: 64600, AssociationDefaultRouteTableId: rtb } }] },
        [`${A}/us-east-1/describe-transit-gateway-vpc-attachments.json`]: {
          TransitGatewayVpcAttachments: [{ TransitGatewayAttachmentId: att, TransitGatewayId: tgwA, VpcId: "vpc-000000000000000a1", VpcOwnerId: A, State: "available", SubnetIds: ["subnet-000000000000000a1"] }],
        },
        [`${A}/us-east-1/describe-transit-gateway-attachments.json`]: {
          TransitGatewayAttachments: [{ TransitGatewayAttachmentId: att, TransitGatewayId: tgwA, ResourceType: "vpc", State: "available", Association: { TransitGatewayRouteTableId: rtb, State: "associated" } }],
        },
        [`${A}/us-east-1/describe-transit-gateway-peering-attachments.json`]: { TransitGatewayPeeringAttachments: [peering("requester")] },
        [`${A}/us-east-1/describe-transit-gateway-route-tables.json`]: { TransitGatewayRouteTables: [{ TransitGatewayRouteTableId: rtb, TransitGatewayId: tgwA, State: "available", DefaultAssociationRouteTable: true }] },
        [`${A}/us-east-1/get-transit-gateway-route-table-propagations.${rtb}.json`]: { TransitGatewayRouteTablePropagations: [{ TransitGatewayAttachmentId: att, State: "enabled" }] },
        [`${A}/us-east-1/search-transit-gateway-routes.${rtb}.json`]: {
          Routes: [
            { DestinationCidrBlock: "10.1.0.0/16", Type: "propagated", State: "active", TransitGatewayAttachments: [{ TransitGatewayAttachmentId: att, ResourceType: "vpc" }] },
            { DestinationCidrBlock: "10.2.0.0/16", Type: "static", State: "active", TransitGatewayAttachments: [{ TransitGatewayAttachmentId: peer, ResourceType: "peering" }] },
            { DestinationCidrBlock: "10.66.0.0/16", Type: "static", State: "blackhole" },
            { DestinationCidrBlock: "172.16.0.0/12", Type: "propagated", State: "active", TransitGatewayAttachments: [{ TransitGatewayAttachmentId: "tgw-attach-vpn", ResourceType: "vpn" }] },
          ],
        },
        [`${B}/eu-west-1/describe-transit-gateways.json`]: { TransitGateways: [{ TransitGatewayId: tgwB, OwnerId: B, State: "available" }] },
        [`${B}/eu-west-1/describe-transit-gateway-peering-attachments.json`]: { TransitGatewayPeeringAttachments: [peering("accepter")] },
      },
    },
    0,
  );
  const parts = decodeState(document);
  const rs = parts.accounts.get(A)!.get("us-east-1")!;
  assert.equal(rs.transitGateways.get(tgwA)!.options.amazonSideAsn, 64600);
  assert.equal(rs.tgwAttachments.get(att)!.ownerId, A);
  const t = rs.tgwRouteTables.get(rtb)!;
  assert.deepEqual(t.associations, [att]);
  assert.deepEqual(t.propagations, [att]);
  // Propagated routes are derived from the propagations, not copied; static ones are kept.
  assert.deepEqual(t.routes, [
    { destinationCidr: "10.2.0.0/16", attachmentId: peer, blackhole: false },
    { destinationCidr: "10.66.0.0/16", blackhole: true },
  ]);
  assert.ok(report.warnings.some((w) => w.includes("tgw-attach-vpn") && w.includes("does not model")), report.warnings.join("\n"));
  const p = parts.tgwPeerings.get(peer)!;
  assert.equal(p.accepter.region, "eu-west-1");
  assert.equal(p.tags.get(`${A}/us-east-1`)!.get("side"), "requester");
  assert.equal(p.tags.get(`${B}/eu-west-1`)!.get("side"), "accepter");
  assert.deepEqual(report.unmodelled, {});
  assert.equal(report.loaded.tgwPeerings, 1);
});
