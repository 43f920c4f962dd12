/**
 * Virtual private gateways, customer gateways and Site-to-Site VPN connections (API level):
 * Create/Describe/Delete/Attach/DetachVpnGateway(s), Create/Describe/DeleteCustomerGateway(s),
 * Create/Describe/DeleteVpnConnection(s), Create/DeleteVpnConnectionRoute,
 * Enable/DisableVgwRoutePropagation.
 *
 * Reference: EC2 API reference for each action and its filters (DescribeVpnGateways: amazon-side-asn,
 * attachment.state, attachment.vpc-id, availability-zone, state, type, vpn-gateway-id;
 * DescribeCustomerGateways: bgp-asn, customer-gateway-id, ip-address, state, type;
 * DescribeVpnConnections: customer-gateway-id, state, option.static-routes-only,
 * route.destination-cidr-block, type, vpn-connection-id, vpn-gateway-id). These describes are not paged.
 * Fidelity notes: see domain/vpn.ts. No tunnel details, customer gateway configuration or telemetry are
 * returned (there is no IPsec data plane).
 */
import type * as Ec2 from "@aws-sdk/client-ec2";
import type { CustomerGateway, VpnConnection, VpnGateway } from "../domain/types.js";
import type { Handler } from "./context.js";
import { applyFilters, selectByIds, type FilterSpec } from "../domain/describe.js";
import { tagsFromSpecifications } from "../domain/tags.js";
import { customerGatewayNotFound, vpnConnectionNotFound, vpnGatewayNotFound } from "../domain/errors.js";
import {
  attachVpnGateway,
  createCustomerGateway,
  createVpnConnection,
  createVpnConnectionRoute,
  createVpnGateway,
  deleteCustomerGateway,
  deleteVpnConnection,
  deleteVpnConnectionRoute,
  deleteVpnGateway,
  detachVpnGateway,
  disableVgwRoutePropagation,
  enableVgwRoutePropagation,
} from "../domain/vpn.js";

const tagList = (t: Map<string, string>) => [...t].map(([Key, Value]) => ({ Key, Value }));

function vgwView(g: VpnGateway): Ec2.VpnGateway {
  return {
    VpnGatewayId: g.id,
    State: g.state,
    Type: g.type,
    AmazonSideAsn: g.amazonSideAsn,
    AvailabilityZone: g.availabilityZone,
    VpcAttachments: g.attachments.map((a) => ({ VpcId: a.vpcId, State: a.state })),
    Tags: tagList(g.tags),
  };
}

function cgwView(g: CustomerGateway): Ec2.CustomerGateway {
  return { CustomerGatewayId: g.id, State: g.state, Type: g.type, BgpAsn: String(g.bgpAsn), IpAddress: g.ipAddress, DeviceName: g.deviceName, Tags: tagList(g.tags) };
}

function vpnView(c: VpnConnection): Ec2.VpnConnection {
  return {
    VpnConnectionId: c.id,
    State: c.state,
    Type: c.type,
    CustomerGatewayId: c.customerGatewayId,
    VpnGatewayId: c.vpnGatewayId,
    Category: "VPN",
    Options: {
      StaticRoutesOnly: c.staticRoutesOnly,
      LocalIpv4NetworkCidr: c.localIpv4NetworkCidr,
      RemoteIpv4NetworkCidr: c.remoteIpv4NetworkCidr,
      TunnelInsideIpVersion: "ipv4",
      EnableAcceleration: false,
    },
    Routes: c.routes.map((r) => ({ DestinationCidrBlock: r.destinationCidr, Source: "Static", State: r.state })),
    VgwTelemetry: [],
    Tags: tagList(c.tags),
  };
}

const VGW_FILTERS: FilterSpec<VpnGateway> = {
  "amazon-side-asn": (g) => String(g.amazonSideAsn),
  "attachment.state": (g) => g.attachments.map((a) => a.state),
  "attachment.vpc-id": (g) => g.attachments.map((a) => a.vpcId),
  "availability-zone": (g) => g.availabilityZone,
  state: (g) => g.state,
  type: (g) => g.type,
  "vpn-gateway-id": (g) => g.id,
};

const CGW_FILTERS: FilterSpec<CustomerGateway> = {
  "bgp-asn": (g) => String(g.bgpAsn),
  "customer-gateway-id": (g) => g.id,
  "ip-address": (g) => g.ipAddress,
  state: (g) => g.state,
  type: (g) => g.type,
};

const VPN_FILTERS: FilterSpec<VpnConnection> = {
  "customer-gateway-id": (c) => c.customerGatewayId,
  "option.static-routes-only": (c) => c.staticRoutesOnly,
  "route.destination-cidr-block": (c) => c.routes.map((r) => r.destinationCidr),
  state: (c) => c.state,
  type: (c) => c.type,
  "vpn-connection-id": (c) => c.id,
  "vpn-gateway-id": (c) => c.vpnGatewayId,
};

const createVpnGatewayOp: Handler<Ec2.CreateVpnGatewayRequest, Ec2.CreateVpnGatewayResult> = ({ world, rs }, input) => ({
  VpnGateway: vgwView(createVpnGateway(world, rs, input, tagsFromSpecifications(input.TagSpecifications, "vpn-gateway"))),
});

const describeVpnGateways: Handler<Ec2.DescribeVpnGatewaysRequest, Ec2.DescribeVpnGatewaysResult> = ({ rs }, input) => {
  const selected = selectByIds(rs.vpnGateways, input.VpnGatewayIds, vpnGatewayNotFound);
  return { VpnGateways: applyFilters(selected, input.Filters, VGW_FILTERS, (g) => g.tags).map(vgwView) };
};

const deleteVpnGatewayOp: Handler<Ec2.DeleteVpnGatewayRequest, void> = ({ rs }, input) => {
  deleteVpnGateway(rs, input.VpnGatewayId);
};

const attachVpnGatewayOp: Handler<Ec2.AttachVpnGatewayRequest, Ec2.AttachVpnGatewayResult> = ({ world, rs }, input) => {
  const a = attachVpnGateway(world, rs, input.VpnGatewayId, input.VpcId);
  return { VpcAttachment: { VpcId: a.vpcId, State: a.state as Ec2.AttachmentStatus } };
};

const detachVpnGatewayOp: Handler<Ec2.DetachVpnGatewayRequest, void> = ({ world, rs }, input) => {
  detachVpnGateway(world, rs, input.VpnGatewayId, input.VpcId);
};

const createCustomerGatewayOp: Handler<Ec2.CreateCustomerGatewayRequest, Ec2.CreateCustomerGatewayResult> = ({ world, rs }, input) => ({
  CustomerGateway: cgwView(createCustomerGateway(world, rs, input, tagsFromSpecifications(input.TagSpecifications, "customer-gateway"))),
});

const describeCustomerGateways: Handler<Ec2.DescribeCustomerGatewaysRequest, Ec2.DescribeCustomerGatewaysResult> = ({ rs }, input) => {
  const selected = selectByIds(rs.customerGateways, input.CustomerGatewayIds, customerGatewayNotFound);
  return { CustomerGateways: applyFilters(selected, input.Filters, CGW_FILTERS, (g) => g.tags).map(cgwView) };
};

const deleteCustomerGatewayOp: Handler<Ec2.DeleteCustomerGatewayRequest, void> = ({ rs }, input) => {
  deleteCustomerGateway(rs, input.CustomerGatewayId);
};

const createVpnConnectionOp: Handler<Ec2.CreateVpnConnectionRequest, Ec2.CreateVpnConnectionResult> = ({ world, rs }, input) => ({
  VpnConnection: vpnView(createVpnConnection(world, rs, input, tagsFromSpecifications(input.TagSpecifications, "vpn-connection"))),
});

const describeVpnConnections: Handler<Ec2.DescribeVpnConnectionsRequest, Ec2.DescribeVpnConnectionsResult> = ({ rs }, input) => {
  const selected = selectByIds(rs.vpnConnections, input.VpnConnectionIds, vpnConnectionNotFound);
  return { VpnConnections: applyFilters(selected, input.Filters, VPN_FILTERS, (c) => c.tags).map(vpnView) };
};

const deleteVpnConnectionOp: Handler<Ec2.DeleteVpnConnectionRequest, void> = ({ rs }, input) => {
  deleteVpnConnection(rs, input.VpnConnectionId);
};

const createVpnConnectionRouteOp: Handler<Ec2.CreateVpnConnectionRouteRequest, void> = ({ rs }, input) => {
  createVpnConnectionRoute(rs, input.VpnConnectionId, input.DestinationCidrBlock);
};

const deleteVpnConnectionRouteOp: Handler<Ec2.DeleteVpnConnectionRouteRequest, void> = ({ rs }, input) => {
  deleteVpnConnectionRoute(rs, input.VpnConnectionId, input.DestinationCidrBlock);
};

const enableVgwRoutePropagationOp: Handler<Ec2.EnableVgwRoutePropagationRequest, void> = ({ rs }, input) => {
  enableVgwRoutePropagation(rs, input.RouteTableId, input.GatewayId);
};

const disableVgwRoutePropagationOp: Handler<Ec2.DisableVgwRoutePropagationRequest, void> = ({ rs }, input) => {
  disableVgwRoutePropagation(rs, input.RouteTableId, input.GatewayId);
};

export const vpnOperations = {
  CreateVpnGateway: createVpnGatewayOp,
  DescribeVpnGateways: describeVpnGateways,
  DeleteVpnGateway: deleteVpnGatewayOp,
  AttachVpnGateway: attachVpnGatewayOp,
  DetachVpnGateway: detachVpnGatewayOp,
  CreateCustomerGateway: createCustomerGatewayOp,
  DescribeCustomerGateways: describeCustomerGateways,
  DeleteCustomerGateway: deleteCustomerGatewayOp,
  CreateVpnConnection: createVpnConnectionOp,
  DescribeVpnConnections: describeVpnConnections,
  DeleteVpnConnection: deleteVpnConnectionOp,
  CreateVpnConnectionRoute: createVpnConnectionRouteOp,
  DeleteVpnConnectionRoute: deleteVpnConnectionRouteOp,
  EnableVgwRoutePropagation: enableVgwRoutePropagationOp,
  DisableVgwRoutePropagation: disableVgwRoutePropagationOp,
};
