/**
 * Route table operations: Create/Delete/DescribeRouteTables, Associate/Disassociate/
 * ReplaceRouteTableAssociation, Create/Replace/DeleteRoute.
 *
 * Reference: EC2 API reference for each action; DescribeRouteTables filters as documented there.
 * EC2 always returns a route table's `tagSet` and `propagatingVgwSet`, empty or not (the CLI prints
 * `"Tags": []`), so the view does too.
 *
 * Fidelity notes: see domain/route-tables.ts. A route to a prefix list (`DestinationPrefixListId`) shows
 * that field and no DestinationCidrBlock, as EC2 does; routes propagated from a virtual private gateway
 * show origin `EnableVgwRoutePropagation` and the table lists the gateway in `PropagatingVgws`
 * (domain/vpn.ts). The `association.*` filters match per association, so a
 * main table that also has explicit subnet associations matches both `association.main=true` and
 * `=false`, and a table without associations matches neither, as the filter's documentation says.
 * A route loaded from a snapshot (snapshot/import.ts) may name a target kind vpclab does not model
 * (`unmodelled`: a gateway endpoint, carrier or local gateway): it is shown under the AWS field that
 * named it and its state is always `blackhole`, as for NAT, transit and VPN gateway targets.
 */
import type {
  AssociateRouteTableRequest,
  AssociateRouteTableResult,
  CreateRouteRequest,
  CreateRouteResult,
  CreateRouteTableRequest,
  CreateRouteTableResult,
  DeleteRouteRequest,
  DeleteRouteTableRequest,
  DescribeRouteTablesRequest,
  DescribeRouteTablesResult,
  DisassociateRouteTableRequest,
  ReplaceRouteRequest,
  ReplaceRouteTableAssociationRequest,
  ReplaceRouteTableAssociationResult,
  Route as RouteView,
  RouteTable as RouteTableView,
} from "@aws-sdk/client-ec2";
import type { Route, RouteTable } from "../domain/types.js";
import type { RegionState, World } from "../state/world.js";
import type { Handler } from "./context.js";
import {
  associateRouteTable,
  createRoute,
  createRouteTable,
  deleteRoute,
  deleteRouteTable,
  disassociateRouteTable,
  replaceRoute,
  replaceRouteTableAssociation,
  routeState,
} from "../domain/route-tables.js";
import { getVpc } from "../domain/lookup.js";
import { applyFilters, paginate, selectByIds, type FilterSpec } from "../domain/describe.js";
import { tagsFromSpecifications } from "../domain/tags.js";
import { routeTableNotFound, routeTableMalformed } from "../domain/errors.js";

function routeView(world: World, rs: RegionState, rt: RouteTable, r: Route): RouteView {
  const t = r.target;
  const view: RouteView = {
    ...(r.destinationPrefixListId !== undefined
      ? { DestinationPrefixListId: r.destinationPrefixListId }
      : r.destinationCidr.includes(":")
        ? { DestinationIpv6CidrBlock: r.destinationCidr }
        : { DestinationCidrBlock: r.destinationCidr }),
    Origin: r.origin,
    State: routeState(world, rs, rt, r),
  };
  if (r.destinationPrefixListId !== undefined) {
    delete view.DestinationCidrBlock;
    view.DestinationPrefixListId = r.destinationPrefixListId;
  }
  switch (t.kind) {
    case "local":
      view.GatewayId = "local";
      break;
    case "igw":
    case "vgw":
    case "vpce":
      view.GatewayId = t.id;
      break;
    case "pcx":
      view.VpcPeeringConnectionId = t.id;
      break;
    case "tgw":
      view.TransitGatewayId = t.id;
      break;
    case "nat":
      view.NatGatewayId = t.id;
      break;
    case "eigw":
      view.EgressOnlyInternetGatewayId = t.id;
      break;
    case "unmodelled":
      (view as Record<string, unknown>)[t.field] = t.id;
      break;
    case "eni": {
      view.NetworkInterfaceId = t.id;
      const eni = rs.networkInterfaces.get(t.id);
      if (eni?.attachment) {
        view.InstanceId = eni.attachment.instanceId;
        view.InstanceOwnerId = eni.ownerId;
      }
      break;
    }
    case "instance":
      view.InstanceId = t.id;
      view.InstanceOwnerId = rs.account;
      view.NetworkInterfaceId = t.eniId;
      break;
  }
  return view;
}

export function routeTableView(world: World, rs: RegionState, rt: RouteTable): RouteTableView {
  return {
    Associations: rt.associations.map((a) => ({
      Main: a.main,
      RouteTableAssociationId: a.id,
      RouteTableId: rt.id,
      SubnetId: a.subnetId,
      GatewayId: a.gatewayId,
      AssociationState: { State: "associated" },
    })),
    PropagatingVgws: (rt.propagatingVgws ?? []).map((GatewayId) => ({ GatewayId })),
    RouteTableId: rt.id,
    Routes: rt.routes.map((r) => routeView(world, rs, rt, r)),
    Tags: [...rt.tags].map(([Key, Value]) => ({ Key, Value })),
    VpcId: rt.vpcId,
    OwnerId: rt.ownerId,
  };
}

function routeTableFilters(world: World, rs: RegionState): FilterSpec<RouteTable> {
  const routes = (rt: RouteTable) => rt.routes.map((r) => routeView(world, rs, rt, r));
  return {
    "association.gateway-id": (rt) => rt.associations.map((a) => a.gatewayId),
    "association.route-table-association-id": (rt) => rt.associations.map((a) => a.id),
    "association.route-table-id": (rt) => rt.associations.map(() => rt.id),
    "association.subnet-id": (rt) => rt.associations.map((a) => a.subnetId),
    "association.main": (rt) => rt.associations.map((a) => a.main),
    "owner-id": (rt) => rt.ownerId,
    "route-table-id": (rt) => rt.id,
    "route.destination-cidr-block": (rt) => rt.routes.filter((r) => !r.destinationCidr.includes(":") && r.destinationPrefixListId === undefined).map((r) => r.destinationCidr),
    "route.destination-ipv6-cidr-block": (rt) => rt.routes.filter((r) => r.destinationCidr.includes(":")).map((r) => r.destinationCidr),
    "route.destination-prefix-list-id": (rt) => rt.routes.map((r) => r.destinationPrefixListId),
    "route.egress-only-internet-gateway-id": (rt) => routes(rt).map((r) => r.EgressOnlyInternetGatewayId),
    "route.gateway-id": (rt) => routes(rt).map((r) => r.GatewayId),
    "route.instance-id": (rt) => routes(rt).map((r) => r.InstanceId),
    "route.nat-gateway-id": (rt) => routes(rt).map((r) => r.NatGatewayId),
    "route.transit-gateway-id": (rt) => routes(rt).map((r) => r.TransitGatewayId),
    "route.origin": (rt) => rt.routes.map((r) => r.origin),
    "route.state": (rt) => routes(rt).map((r) => r.State),
    "route.vpc-peering-connection-id": (rt) => routes(rt).map((r) => r.VpcPeeringConnectionId),
    "vpc-id": (rt) => rt.vpcId,
  };
}

const createRouteTableOp: Handler<CreateRouteTableRequest, CreateRouteTableResult> = ({ world, rs }, input) => {
  const tags = tagsFromSpecifications(input.TagSpecifications, "route-table");
  const vpc = getVpc(rs, input.VpcId);
  return { RouteTable: routeTableView(world, rs, createRouteTable(world, rs, vpc, tags)) };
};

const deleteRouteTableOp: Handler<DeleteRouteTableRequest, void> = ({ world, rs }, input) => {
  deleteRouteTable(world, rs, input.RouteTableId);
};

const describeRouteTables: Handler<DescribeRouteTablesRequest, DescribeRouteTablesResult> = ({ world, rs }, input) => {
  const selected = selectByIds(rs.routeTables, input.RouteTableIds, routeTableNotFound, { prefix: "rtb", error: routeTableMalformed });
  const filtered = applyFilters(selected, input.Filters, routeTableFilters(world, rs), (rt) => rt.tags);
  const page = paginate(filtered, input, [5, 100], (rt) => rt.id);
  return { RouteTables: page.items.map((rt) => routeTableView(world, rs, rt)), NextToken: page.nextToken };
};

const associateRouteTableOp: Handler<AssociateRouteTableRequest, AssociateRouteTableResult> = ({ world, rs }, input) => ({
  AssociationId: associateRouteTable(world, rs, input.RouteTableId, input.SubnetId, input.GatewayId),
  AssociationState: { State: "associated" },
});

const disassociateRouteTableOp: Handler<DisassociateRouteTableRequest, void> = ({ world, rs }, input) => {
  disassociateRouteTable(world, rs, input.AssociationId);
};

const replaceRouteTableAssociationOp: Handler<ReplaceRouteTableAssociationRequest, ReplaceRouteTableAssociationResult> = (
  { world, rs },
  input,
) => ({
  NewAssociationId: replaceRouteTableAssociation(world, rs, input.AssociationId, input.RouteTableId),
  AssociationState: { State: "associated" },
});

const createRouteOp: Handler<CreateRouteRequest, CreateRouteResult> = ({ world, rs }, input) => {
  createRoute(world, rs, input.RouteTableId, input.DestinationCidrBlock, input, input.DestinationIpv6CidrBlock, input.DestinationPrefixListId);
  return { Return: true };
};

const replaceRouteOp: Handler<ReplaceRouteRequest, void> = ({ world, rs }, input) => {
  replaceRoute(world, rs, input.RouteTableId, input.DestinationCidrBlock, input, input.DestinationIpv6CidrBlock, input.DestinationPrefixListId);
};

const deleteRouteOp: Handler<DeleteRouteRequest, void> = ({ world, rs }, input) => {
  deleteRoute(world, rs, input.RouteTableId, input.DestinationCidrBlock, input.DestinationIpv6CidrBlock, input.DestinationPrefixListId);
};

export const routeTableOperations = {
  CreateRouteTable: createRouteTableOp,
  DeleteRouteTable: deleteRouteTableOp,
  DescribeRouteTables: describeRouteTables,
  AssociateRouteTable: associateRouteTableOp,
  DisassociateRouteTable: disassociateRouteTableOp,
  ReplaceRouteTableAssociation: replaceRouteTableAssociationOp,
  CreateRoute: createRouteOp,
  ReplaceRoute: replaceRouteOp,
  DeleteRoute: deleteRouteOp,
};
