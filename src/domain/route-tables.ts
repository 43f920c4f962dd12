/**
 * Route tables, their associations (subnet, gateway, main) and their routes, with AWS's rules for
 * route targets and for destinations inside the VPC's own CIDR.
 *
 * References: EC2 API CreateRouteTable, DeleteRouteTable, AssociateRouteTable, DisassociateRouteTable,
 * ReplaceRouteTableAssociation, CreateRoute, ReplaceRoute, DeleteRoute; VPC User Guide "Route tables"
 * (route priority, "routes for middlebox appliances": a route more specific than `local` may target
 * only a network interface, an instance, a NAT gateway or a Gateway Load Balancer endpoint, and its
 * destination must be exactly the CIDR block of a subnet of the VPC).
 *
 * Fidelity notes:
 * - IPv6 destinations (`DestinationIpv6CidrBlock`) are stored and shown (the destination text is kept
 *   in `destinationCidr`, RFC 5952 canonical, which contains `:`); the engine does not route IPv6 yet.
 *   A VPC's IPv6 /56 has a `local` route in every table of the VPC (domain/ipv6.ts). Only IPv6 routes
 *   may target an egress-only internet gateway, and an IPv6 route to a NAT gateway must be DNS64's
 *   `64:ff9b::/96` (NAT64). The middlebox rule applies to IPv6 as to IPv4: a route more specific than
 *   the VPC's /56 must target an interface, instance or NAT gateway and be exactly a subnet's /64.
 * - A destination may be a customer-managed prefix list (`DestinationPrefixListId`): the route is
 *   stored with that id (in `destinationPrefixListId`, and in destinationCidr as gateway endpoint routes
 *   are), counts as the list's MaxEntries routes against the route quota, and is found again by the list
 *   id for ReplaceRoute/DeleteRoute. AWS-managed lists are refused there: a gateway endpoint's routes to
 *   its service's list are made by the endpoint (domain/vpc-endpoints.ts). The middlebox rule (a route
 *   more specific than `local`) is not checked against a list's entries; the engine lets `local` win for
 *   an entry inside the VPC's CIDR instead.
 * - A route may target a virtual private gateway (`GatewayId=vgw-…`) attached to the table's VPC; it is
 *   `blackhole` while the gateway is not `attached`. Propagated routes (origin
 *   `EnableVgwRoutePropagation`, domain/vpn.ts) cannot be replaced or deleted by destination; a static
 *   route may have the same destination and wins.
 * - `VpcEndpointId` targets (Gateway Load Balancer endpoints) are not modelled: naming one gets an
 *   error. A NAT gateway (pending or available, in the table's VPC) may be
 *   a target; its route is `blackhole` unless the gateway is available. The middlebox targets a route
 *   more specific than `local` can have here are a network interface, an instance and a NAT gateway
 *   (AWS also allows a Gateway Load Balancer endpoint); any other target gets AWS's "This route can
 *   target only an interface or an instance." message, and a destination that is not exactly a
 *   subnet's block gets "Route destination doesn't match any subnet CIDR blocks."
 * - The subnet rule is checked when the route is created or replaced; deleting the subnet afterwards
 *   leaves the route in place (what AWS does then is not documented).
 * - A route's State is computed when read (`routeState`): `blackhole` when its target is gone or
 *   cannot carry traffic (detached IGW, peering not active, stopped instance, detached ENI).
 */
import type { RegionState, World } from "../state/world.js";
import { isVisible } from "./peering.js";
import { availableAttachment, tgwHome } from "./transit-gateways.js";
import type { Route, RouteTable, RouteTarget, Tags, Vpc } from "./types.js";
import { cidrOf, containsCidr, formatCidr, parseCidr } from "./cidr.js";
import { cidr6Of, containsCidr6, formatCidr6, parseCidr6 } from "./cidr6.js";
import {
  associationNotFound,
  dependencyViolation,
  gatewayNotFound,
  invalidParameterCombination,
  invalidParameterValue,
  resourceAlreadyAssociated,
  routeAlreadyExists,
  routeNotFound,
  routeInsideVpcTarget,
  routeNotSubnetCidr,
  routeTableNotFound,
  missingParameter,
  routeTableLimitExceeded,
  routeLimitExceeded,
  missingRouteTarget,
  multipleInterfaces,
  peeringNotFound,
  eniNotFound,
  instanceNotFound,
  transitGatewayNotFound,
  natGatewayNotFound,
  egressOnlyInternetGatewayNotFound,
  egressOnlyRouteIpv4,
  routeTableMalformed,
  invalidIpv6Cidr,
  routeIpv6Conflict,
  routeIpv4TargetForIpv6,
  prefixListAwsManagedRoute,
} from "./errors.js";
import { isWellFormedId } from "./ids.js";
import { getSubnet } from "./subnets.js";
import { isAwsManaged, prefixListWeight, referencedPrefixList } from "./prefix-lists.js";

export function getRouteTable(rs: RegionState, id: string | undefined): RouteTable {
  const rt = id === undefined ? undefined : rs.routeTables.get(id);
  if (!rt) {
    if (id !== undefined && !isWellFormedId("rtb", id)) throw routeTableMalformed(id);
    throw routeTableNotFound(id ?? "");
  }
  return rt;
}

export function createRouteTableRecord(world: World, rs: RegionState, vpc: Vpc, tags: Tags = new Map()): RouteTable {
  const id = world.ids.next("rtb");
  const rt: RouteTable = {
    id,
    ownerId: rs.account,
    region: rs.region,
    tags,
    vpcId: vpc.id,
    routes: [...vpc.cidrBlocks, ...(vpc.ipv6CidrBlocks ?? []).filter((b) => b.state === "associating" || b.state === "associated")].map(
      (b) => ({ destinationCidr: b.cidr, target: { kind: "local" }, origin: "CreateRouteTable" }),
    ),
    associations: [],
  };
  rs.routeTables.set(id, rt);
  return rt;
}

/** Adds a route, keeping `local` routes first and the rest in insertion order, as AWS lists them. */
export function addRoute(rt: RouteTable, route: Route): void {
  if (route.target.kind === "local") {
    let i = 0;
    while (i < rt.routes.length && rt.routes[i]!.origin === "CreateRouteTable") i++;
    rt.routes.splice(i, 0, route);
  } else {
    rt.routes.push(route);
  }
}

export function createRouteTable(world: World, rs: RegionState, vpc: Vpc, tags: Tags): RouteTable {
  let n = 0;
  for (const rt of rs.routeTables.values()) if (rt.vpcId === vpc.id) n++;
  if (n >= world.quotas.routeTablesPerVpc) {
    throw routeTableLimitExceeded();
  }
  return createRouteTableRecord(world, rs, vpc, tags);
}

export function deleteRouteTable(world: World, rs: RegionState, id: string | undefined): void {
  const rt = getRouteTable(rs, id);
  if (rt.associations.length > 0) {
    throw dependencyViolation(`The routeTable '${rt.id}' has dependencies and cannot be deleted.`);
  }
  rs.routeTables.delete(rt.id);
}

/** The route table a subnet uses: its explicit association, else the VPC's main table. */
export function routeTableForSubnet(rs: RegionState, subnetId: string, vpcId: string): RouteTable | undefined {
  let main: RouteTable | undefined;
  for (const rt of rs.routeTables.values()) {
    if (rt.vpcId !== vpcId) continue;
    for (const a of rt.associations) {
      if (a.subnetId === subnetId) return rt;
      if (a.main) main = rt;
    }
  }
  return main;
}

export function associateRouteTable(
  world: World,
  rs: RegionState,
  routeTableId: string | undefined,
  subnetId: string | undefined,
  gatewayId: string | undefined,
): string {
  const rt = getRouteTable(rs, routeTableId);
  if ((subnetId === undefined) === (gatewayId === undefined)) {
    if (subnetId === undefined) {
      throw missingParameter("subnetId or gatewayId");
    }
    throw invalidParameterCombination("The parameter subnetId cannot be used with the parameter gatewayId");
  }
  let assoc;
  if (subnetId !== undefined) {
    const subnet = getSubnet(rs, subnetId);
    if (subnet.vpcId !== rt.vpcId) {
      throw invalidParameterValue(`Route table ${rt.id} and subnet ${subnet.id} belong to different networks`);
    }
    for (const other of rs.routeTables.values()) {
      if (other.associations.some((a) => a.subnetId === subnet.id)) {
        throw resourceAlreadyAssociated(
          `the specified association for route table ${rt.id} conflicts with an existing association`,
        );
      }
    }
    assoc = { id: world.ids.next("rtbassoc"), main: false, subnetId: subnet.id };
  } else {
    const igw = rs.internetGateways.get(gatewayId!);
    if (!igw) throw gatewayNotFound(gatewayId!);
    if (!igw.attachments.some((a) => a.vpcId === rt.vpcId)) {
      throw invalidParameterValue(`Route table ${rt.id} and gateway ${igw.id} belong to different networks`);
    }
    // A gateway route table (ingress routing) may hold only local routes and routes to a middlebox
    // inside the VPC (VPC User Guide, "Gateway route tables": rules for routes).
    const unsupported = rt.routes.find((r) => r.target.kind !== "local" && !MIDDLEBOX.has(r.target.kind));
    if (unsupported) {
      throw invalidParameterValue(
        `Route table ${rt.id} contains unsupported route target for a gateway association: the route to ${unsupported.destinationCidr}. A gateway route table may only target a network interface or local.`,
      );
    }
    for (const other of rs.routeTables.values()) {
      if (other.associations.some((a) => a.gatewayId === igw.id)) {
        throw resourceAlreadyAssociated(
          `the specified association for route table ${rt.id} conflicts with an existing association`,
        );
      }
    }
    assoc = { id: world.ids.next("rtbassoc"), main: false, gatewayId: igw.id };
  }
  rt.associations.push(assoc);
  return assoc.id;
}

function findAssociation(rs: RegionState, associationId: string | undefined) {
  for (const rt of rs.routeTables.values()) {
    const i = rt.associations.findIndex((a) => a.id === associationId);
    if (i >= 0) return { rt, i, assoc: rt.associations[i]! };
  }
  throw associationNotFound(associationId ?? "");
}

export function disassociateRouteTable(world: World, rs: RegionState, associationId: string | undefined): void {
  const { rt, i, assoc } = findAssociation(rs, associationId);
  if (assoc.main) {
    throw invalidParameterValue(`cannot disassociate the main route table association ${assoc.id}`);
  }
  rt.associations.splice(i, 1);
}

/** Moves an association (including "main") to another table of the same VPC; returns the new id. */
export function replaceRouteTableAssociation(
  world: World,
  rs: RegionState,
  associationId: string | undefined,
  routeTableId: string | undefined,
): string {
  const { rt, i, assoc } = findAssociation(rs, associationId);
  const target = getRouteTable(rs, routeTableId);
  if (target.vpcId !== rt.vpcId) {
    throw invalidParameterValue(`Route table ${target.id} and association ${assoc.id} belong to different networks`);
  }
  rt.associations.splice(i, 1);
  const moved = { ...assoc, id: world.ids.next("rtbassoc") };
  target.associations.push(moved);
  return moved.id;
}

// ---- routes -------------------------------------------------------------------------------------

export interface RouteTargetInput {
  GatewayId?: string;
  NatGatewayId?: string;
  InstanceId?: string;
  NetworkInterfaceId?: string;
  VpcPeeringConnectionId?: string;
  TransitGatewayId?: string;
  EgressOnlyInternetGatewayId?: string;
  LocalGatewayId?: string;
  CarrierGatewayId?: string;
  VpcEndpointId?: string;
  CoreNetworkArn?: string;
}

const TARGET_PARAMS: (keyof RouteTargetInput)[] = [
  "GatewayId",
  "NatGatewayId",
  "InstanceId",
  "NetworkInterfaceId",
  "VpcPeeringConnectionId",
  "TransitGatewayId",
  "EgressOnlyInternetGatewayId",
  "LocalGatewayId",
  "CarrierGatewayId",
  "VpcEndpointId",
  "CoreNetworkArn",
];

/** `GatewayId` → `gatewayId`, the spelling EC2's messages use for parameters. */
function queryName(param: string): string {
  return param[0]!.toLowerCase() + param.slice(1);
}

/** Validates a route's target against the table's VPC and resolves it. */
export function resolveTarget(world: World, rs: RegionState, rt: RouteTable, input: RouteTargetInput, allowLocal: boolean, ipv6 = false): RouteTarget {
  const given = TARGET_PARAMS.filter((k) => input[k] !== undefined);
  if (given.length === 0) {
    throw missingRouteTarget();
  }
  if (given.length > 1) {
    throw invalidParameterCombination(`The parameter ${queryName(given[0]!)} cannot be used with the parameter ${queryName(given[1]!)}`);
  }
  const param = given[0]!;
  const id = input[param]!;
  switch (param) {
    case "GatewayId": {
      if (id === "local") {
        if (!allowLocal) throw invalidParameterValue("Cannot create or replace a route to target 'local' here");
        return { kind: "local" };
      }
      const vgw = id.startsWith("vgw-") ? rs.vpnGateways.get(id) : undefined;
      if (vgw && vgw.state !== "deleted") {
        // A virtual private gateway must be attached (or attaching) to the table's VPC (domain/vpn.ts).
        if (!vgw.attachments.some((a) => a.vpcId === rt.vpcId && (a.state === "attached" || a.state === "attaching"))) {
          throw invalidParameterValue(`route table ${rt.id} and network gateway ${vgw.id} belong to different networks`);
        }
        return { kind: "vgw", id };
      }
      const igw = rs.internetGateways.get(id);
      if (!igw) throw gatewayNotFound(id);
      if (!igw.attachments.some((a) => a.vpcId === rt.vpcId)) {
        throw invalidParameterValue(`route table ${rt.id} and network gateway ${igw.id} belong to different networks`);
      }
      return { kind: "igw", id };
    }
    case "VpcPeeringConnectionId": {
      const pcx = world.peerings.get(id);
      const sides = pcx ? [pcx.requester, pcx.accepter] : [];
      if (!pcx || !isVisible(world, rs.account, rs.region, pcx)) throw peeringNotFound(id);
      if (!sides.some((s) => s.vpcId === rt.vpcId && s.ownerId === rs.account && s.region === rs.region)) {
        throw invalidParameterValue(`route table ${rt.id} and peering connection ${id} belong to different networks`);
      }
      return { kind: "pcx", id };
    }
    case "NetworkInterfaceId": {
      const eni = rs.networkInterfaces.get(id);
      if (!eni) throw eniNotFound(id);
      if (eni.vpcId !== rt.vpcId) {
        throw invalidParameterValue(`route table ${rt.id} and interface ${id} belong to different networks`);
      }
      return { kind: "eni", id };
    }
    case "InstanceId": {
      const inst = rs.instances.get(id);
      if (!inst || inst.state === "terminated") throw instanceNotFound(id);
      if (inst.vpcId !== rt.vpcId) {
        throw invalidParameterValue(`route table ${rt.id} and instance ${id} belong to different networks`);
      }
      const enis = [...rs.networkInterfaces.values()].filter((e) => e.attachment?.instanceId === id);
      if (enis.length > 1) {
        throw multipleInterfaces(id);
      }
      return { kind: "instance", id, eniId: inst.primaryEniId };
    }
    case "TransitGatewayId": {
      // AWS refuses a route to a gateway the VPC has no attachment to (yet) as if the gateway did not
      // exist: Terraform users meet "The transitGateway ID '…' does not exist." while an attachment is
      // still pending.
      // The gateway may be another account's (a shared gateway: transit-gateways.ts).
      const home = tgwHome(world, rs, id) ?? rs;
      const tgw = home.transitGateways.get(id);
      const attached = [...home.tgwAttachments.values()].some((a) => a.transitGatewayId === id && a.vpcId === rt.vpcId && (a.state === "available" || a.state === "pending"));
      if (!tgw || tgw.state === "deleted" || tgw.state === "deleting" || !attached) throw transitGatewayNotFound(id);
      return { kind: "tgw", id };
    }
    case "NatGatewayId": {
      // A gateway that is pending or available may be named; a deleted or failed one is gone.
      const nat = rs.natGateways.get(id);
      if (!nat || nat.state === "deleted" || nat.state === "failed" || nat.state === "deleting") throw natGatewayNotFound(id);
      if (nat.vpcId !== rt.vpcId) {
        throw invalidParameterValue(`route table ${rt.id} and network gateway ${id} belong to different networks`);
      }
      return { kind: "nat", id };
    }
    case "EgressOnlyInternetGatewayId": {
      const eigw = rs.egressOnlyInternetGateways.get(id);
      if (!eigw) throw egressOnlyInternetGatewayNotFound(id);
      // Only IPv6 routes may target one.
      if (!ipv6) throw egressOnlyRouteIpv4(id);
      if (!eigw.attachments.some((a) => a.vpcId === rt.vpcId)) {
        throw invalidParameterValue(`route table ${rt.id} and network gateway ${id} belong to different networks`);
      }
      return { kind: "eigw", id };
    }
    default:
      throw invalidParameterValue(`vpclab does not support ${param} route targets`);
  }
}

/** DNS64's well-known prefix: the one IPv6 destination a NAT gateway takes (NAT64). */
export const NAT64_PREFIX = "64:ff9b::/96";

/**
 * A route destination, canonicalised (`100.68.0.18/18` → `100.68.0.0/18`; IPv6 to RFC 5952 text) as
 * CreateRoute documents. Exactly one of the IPv4 and IPv6 destinations may be given.
 */
function destination(text: string | undefined, ipv6Text?: string): string {
  if (ipv6Text !== undefined && ipv6Text !== "") {
    if (text !== undefined && text !== "") throw routeIpv6Conflict();
    const c6 = parseCidr6(ipv6Text);
    if (!c6) throw invalidIpv6Cidr(ipv6Text, "destinationIpv6CidrBlock");
    return formatCidr6(c6);
  }
  if (text === undefined || text === "") {
    throw missingParameter("destinationCidrBlock or destinationIpv6CidrBlock");
  }
  const c = parseCidr(text);
  if (!c) throw invalidParameterValue(`Value (${text}) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block.`);
  return formatCidr(c);
}

/** Targets that may route more specifically than `local` (middlebox routing). */
const MIDDLEBOX = new Set<RouteTarget["kind"]>(["eni", "instance", "nat"]);

/**
 * A route more specific than `local` (its destination inside one of the VPC's CIDR blocks) sends traffic
 * for part of the VPC to a middlebox. AWS allows it only to a middlebox target, and only for exactly a
 * subnet's CIDR block (VPC User Guide, "Subnet route tables" › "Routes" and "Middlebox routing":
 * https://docs.aws.amazon.com/vpc/latest/userguide/subnet-route-tables.html,
 * https://docs.aws.amazon.com/vpc/latest/userguide/route-table-options.html#route-tables-appliance-routing).
 * The target check comes first: AWS answers a gateway or peering target with the target message even
 * for a subnet's CIDR, and an interface target for a non-subnet range with the subnet message.
 */
function checkInsideVpc(rs: RegionState, rt: RouteTable, dest: string, target: RouteTarget): void {
  const vpc = rs.vpcs.get(rt.vpcId)!;
  if (dest.includes(":")) {
    if (target.kind === "nat" && dest !== NAT64_PREFIX) throw routeIpv4TargetForIpv6(target.id);
    const d6 = cidr6Of(dest);
    const inside6 = (vpc.ipv6CidrBlocks ?? []).some((b) => {
      if (b.state !== "associating" && b.state !== "associated") return false;
      const block = cidr6Of(b.cidr);
      return containsCidr6(block, d6) && d6.prefix > block.prefix;
    });
    if (!inside6) return;
    if (!MIDDLEBOX.has(target.kind)) throw routeInsideVpcTarget(dest);
    for (const sn of rs.subnets.values()) {
      if (sn.vpcId === vpc.id && (sn.ipv6CidrBlocks ?? []).some((b) => b.cidr === dest && (b.state === "associating" || b.state === "associated"))) return;
    }
    throw routeNotSubnetCidr();
  }
  const d = cidrOf(dest);
  const inside = vpc.cidrBlocks.some((b) => {
    const block = cidrOf(b.cidr);
    return containsCidr(block, d) && d.prefix > block.prefix;
  });
  if (!inside) return;
  if (!MIDDLEBOX.has(target.kind)) throw routeInsideVpcTarget(dest);
  for (const sn of rs.subnets.values()) {
    if (sn.vpcId !== vpc.id || sn.cidr === "") continue;
    const c = cidrOf(sn.cidr);
    if (c.base === d.base && c.prefix === d.prefix) return;
  }
  throw routeNotSubnetCidr();
}

/**
 * Routes counted against the route quota: the static routes, a route to a prefix list counting as the
 * list's MaxEntries (VPC User Guide, "Prefix lists": "the maximum number of entries for the prefix
 * lists counts against the quota for the number of routes").
 */
function countStaticRoutes(rs: RegionState, rt: RouteTable): number {
  let n = 0;
  for (const r of rt.routes) if (r.origin === "CreateRoute") n += r.destinationPrefixListId === undefined ? 1 : prefixListWeight(rs, r.destinationPrefixListId);
  return n;
}

/** A route's destination as CreateRoute/ReplaceRoute/DeleteRoute name it: a CIDR block (IPv4 or IPv6) or a prefix list. */
export type RouteDestination = { cidr: string; prefixListId?: undefined } | { cidr?: undefined; prefixListId: string };

/**
 * Exactly one destination: DestinationCidrBlock or DestinationIpv6CidrBlock (canonicalised), or
 * DestinationPrefixListId (an existing customer-managed list of the region).
 */
export function routeDestination(rs: RegionState, cidr: string | undefined, ipv6Cidr: string | undefined, prefixListId: string | undefined): RouteDestination {
  if (prefixListId !== undefined) {
    if (cidr !== undefined) throw invalidParameterCombination("The parameter destinationCidrBlock cannot be used with the parameter destinationPrefixListId");
    if (ipv6Cidr !== undefined) throw invalidParameterCombination("The parameter destinationIpv6CidrBlock cannot be used with the parameter destinationPrefixListId");
    const pl = referencedPrefixList(rs, prefixListId);
    if (isAwsManaged(pl)) throw prefixListAwsManagedRoute(pl.id);
    return { prefixListId: pl.id };
  }
  return { cidr: destination(cidr, ipv6Cidr) };
}

/** The static (or local) route of a table for a destination; propagated routes are not addressable. */
function findRoute(rt: RouteTable, d: RouteDestination): number {
  return rt.routes.findIndex((r) => r.origin !== "EnableVgwRoutePropagation" && (d.prefixListId !== undefined ? r.destinationPrefixListId === d.prefixListId : r.destinationPrefixListId === undefined && r.destinationCidr === d.cidr));
}

const destText = (d: RouteDestination) => d.prefixListId ?? d.cidr;

export function createRoute(
  world: World,
  rs: RegionState,
  routeTableId: string | undefined,
  destinationCidr: string | undefined,
  target: RouteTargetInput,
  destinationIpv6Cidr?: string,
  destinationPrefixListId?: string,
): void {
  const rt = getRouteTable(rs, routeTableId);
  const d = routeDestination(rs, destinationCidr, destinationIpv6Cidr, destinationPrefixListId);
  const resolved = resolveTarget(world, rs, rt, target, false, d.cidr !== undefined && d.cidr.includes(":"));
  if (findRoute(rt, d) >= 0) throw routeAlreadyExists(rt.id, destText(d));
  if (d.cidr !== undefined) checkInsideVpc(rs, rt, d.cidr, resolved);
  const weight = d.prefixListId === undefined ? 1 : prefixListWeight(rs, d.prefixListId);
  if (countStaticRoutes(rs, rt) + weight > world.quotas.routesPerRouteTable) {
    throw routeLimitExceeded();
  }
  const route: Route = d.prefixListId === undefined ? { destinationCidr: d.cidr, target: resolved, origin: "CreateRoute" } : { destinationCidr: d.prefixListId, destinationPrefixListId: d.prefixListId, target: resolved, origin: "CreateRoute" };
  addRoute(rt, route);
}

export function replaceRoute(
  world: World,
  rs: RegionState,
  routeTableId: string | undefined,
  destinationCidr: string | undefined,
  target: RouteTargetInput,
  destinationIpv6Cidr?: string,
  destinationPrefixListId?: string,
): void {
  const rt = getRouteTable(rs, routeTableId);
  const d = routeDestination(rs, destinationCidr, destinationIpv6Cidr, destinationPrefixListId);
  const route = rt.routes[findRoute(rt, d)];
  if (!route) throw routeNotFound(rt.id, destText(d));
  const resolved = resolveTarget(world, rs, rt, target, true, d.cidr !== undefined && d.cidr.includes(":"));
  if (d.cidr === undefined) {
    if (resolved.kind === "local") throw invalidParameterValue(`A route to prefix list ${d.prefixListId} cannot target 'local'.`);
    route.target = resolved;
    return;
  }
  const dest = d.cidr;
  const vpcOfRt = rs.vpcs.get(rt.vpcId)!;
  const isVpcBlock = vpcOfRt.cidrBlocks.some((b) => b.cidr === dest) || (vpcOfRt.ipv6CidrBlocks ?? []).some((b) => b.cidr === dest && b.state !== "disassociated");
  if (resolved.kind === "local" && !isVpcBlock) {
    throw invalidParameterValue(`The destination CIDR block ${dest} is not a CIDR block of this VPC; it cannot target 'local'.`);
  }
  if (isVpcBlock && resolved.kind !== "local" && !MIDDLEBOX.has(resolved.kind)) {
    throw invalidParameterValue(`The local route ${dest} can only be replaced with a route to a network interface or an instance.`);
  }
  if (!isVpcBlock) checkInsideVpc(rs, rt, dest, resolved);
  route.target = resolved;
  if (route.origin !== "CreateRouteTable") route.origin = "CreateRoute";
}

export function deleteRoute(
  world: World,
  rs: RegionState,
  routeTableId: string | undefined,
  destinationCidr: string | undefined,
  destinationIpv6Cidr?: string,
  destinationPrefixListId?: string,
): void {
  const rt = getRouteTable(rs, routeTableId);
  const d = routeDestination(rs, destinationCidr, destinationIpv6Cidr, destinationPrefixListId);
  const i = findRoute(rt, d);
  if (i < 0) throw routeNotFound(rt.id, destText(d));
  if (rt.routes[i]!.origin === "CreateRouteTable") {
    throw invalidParameterValue(`cannot remove local route ${destText(d)} in route table ${rt.id}`);
  }
  rt.routes.splice(i, 1);
}

/**
 * Whether a route can carry traffic now. A route is `blackhole` when its target is gone or idle:
 * a detached or deleted internet gateway, a peering that is not active, an instance that is not
 * running, a network interface that is gone or not attached to a running instance.
 */
export function routeState(world: World, rs: RegionState, rt: RouteTable, route: Route): "active" | "blackhole" {
  const t = route.target;
  switch (t.kind) {
    case "local":
      return "active";
    case "igw": {
      const igw = rs.internetGateways.get(t.id);
      return igw?.attachments.some((a) => a.vpcId === rt.vpcId && a.state === "available") ? "active" : "blackhole";
    }
    case "pcx":
      return world.peerings.get(t.id)?.status.code === "active" ? "active" : "blackhole";
    case "vgw":
      return rs.vpnGateways.get(t.id)?.attachments.some((a) => a.vpcId === rt.vpcId && a.state === "attached") ? "active" : "blackhole";
    case "tgw": {
      const home = tgwHome(world, rs, t.id);
      if (!home || home.transitGateways.get(t.id)?.state !== "available") return "blackhole";
      return availableAttachment(world, home, t.id, rt.vpcId) ? "active" : "blackhole";
    }
    case "instance": {
      const inst = rs.instances.get(t.id);
      return inst?.state === "running" ? "active" : "blackhole";
    }
    case "eni": {
      const eni = rs.networkInterfaces.get(t.id);
      if (!eni?.attachment) return "blackhole";
      const inst = rs.instances.get(eni.attachment.instanceId);
      return inst?.state === "running" ? "active" : "blackhole";
    }
    case "nat":
      return rs.natGateways.get(t.id)?.state === "available" ? "active" : "blackhole";
    case "vpce":
      return rs.vpcEndpoints.get(t.id)?.state === "available" ? "active" : "blackhole";
    case "eigw":
      return rs.egressOnlyInternetGateways.get(t.id)?.attachments.some((a) => a.vpcId === rt.vpcId) ? "active" : "blackhole";
    default:
      return "blackhole";
  }
}
