/**
 * Virtual private gateways, customer gateways and Site-to-Site VPN connections, at the API level (no
 * IPsec data plane), and route propagation from a gateway into route tables.
 *
 * References: EC2 API CreateVpnGateway / AttachVpnGateway / DetachVpnGateway / DeleteVpnGateway,
 * CreateCustomerGateway / DeleteCustomerGateway, CreateVpnConnection / DeleteVpnConnection,
 * CreateVpnConnectionRoute / DeleteVpnConnectionRoute, EnableVgwRoutePropagation /
 * DisableVgwRoutePropagation; Site-to-Site VPN User Guide ("one virtual private gateway per VPC";
 * "static routes ... are propagated to the route table when route propagation is enabled"; route
 * priority: a propagated route loses to a static route, and to a prefix-list route, with the same
 * destination).
 *
 * Fidelity notes:
 * - States: a gateway is `available` at once; an attachment is `attaching` then `attached`
 *   (delay `vgw.attaching`), a detachment `detaching` then `detached` (delay `vgw.detaching`); a VPN connection
 *   is `pending` then `available` (delay `vpn.pending`, default 0: settled by the next request; AWS
 *   takes minutes). Deleted gateways and connections stay visible as `deleted`.
 * - Propagation: a route table with propagation enabled for a gateway that is `attached` to its VPC holds
 *   one route per static route (CreateVpnConnectionRoute) of each `available` VPN connection of that
 *   gateway, origin `EnableVgwRoutePropagation`, target the gateway, recomputed after every change
 *   (`syncPropagatedRoutes`). BGP (dynamic routing) is not modelled: a connection created without
 *   `StaticRoutesOnly` propagates nothing; CreateVpnConnectionRoute is refused on it, as AWS refuses it.
 * - VPN connections to a transit gateway, tunnel options, accelerated VPN and IPv6 are refused.
 * - The network: the on-premises side is a simulated network behind the gateway; an address covered by
 *   an available connection's static route is "delivered to on-premises" (engine/vpn.ts).
 */
import { defineTransition, type RegionState, type World } from "../state/world.js";
import type { CustomerGateway, Route, Tags, VpnConnection, VpnGateway } from "./types.js";
import { formatCidr, parseCidr, parseIp } from "./cidr.js";
import { getVpc } from "./lookup.js";
import { getRouteTable } from "./route-tables.js";
import {
  customerGatewayNotFound,
  invalidParameterValue,
  missingParameter,
  vpnConnectionNotFound,
  vpnConnectionRouteExists,
  vpnConnectionRouteNotFound,
  vpnGatewayAttachmentLimit,
  vpnGatewayAttachmentNotFound,
  vpnGatewayNotFound,
  vpnIncorrectState,
} from "./errors.js";

function checkType(type: string | undefined): "ipsec.1" {
  if (type === undefined) throw missingParameter("Type");
  if (type !== "ipsec.1") throw invalidParameterValue(`Value (${type}) for parameter type is invalid. Valid values: ipsec.1`);
  return type;
}

export function getVpnGateway(rs: RegionState, id: string | undefined): VpnGateway {
  if (id === undefined || id === "") throw missingParameter("VpnGatewayId");
  const g = rs.vpnGateways.get(id);
  if (!g || g.state === "deleted") throw vpnGatewayNotFound(id);
  return g;
}

export function getCustomerGateway(rs: RegionState, id: string | undefined): CustomerGateway {
  if (id === undefined || id === "") throw missingParameter("CustomerGatewayId");
  const g = rs.customerGateways.get(id);
  if (!g || g.state === "deleted") throw customerGatewayNotFound(id);
  return g;
}

export function getVpnConnection(rs: RegionState, id: string | undefined): VpnConnection {
  if (id === undefined || id === "") throw missingParameter("VpnConnectionId");
  const c = rs.vpnConnections.get(id);
  if (!c || c.state === "deleted") throw vpnConnectionNotFound(id);
  return c;
}

/** The VPC a gateway is attached to (state `attached`), if any. */
export function attachedVpc(g: VpnGateway): string | undefined {
  return g.attachments.find((a) => a.state === "attached")?.vpcId;
}

// ---- virtual private gateways --------------------------------------------------------------------

export function createVpnGateway(world: World, rs: RegionState, input: { Type?: string; AmazonSideAsn?: number; AvailabilityZone?: string }, tags: Tags): VpnGateway {
  const type = checkType(input.Type);
  const asn = input.AmazonSideAsn ?? 64512;
  const privateAsn = (asn >= 64512 && asn <= 65534) || (asn >= 4200000000 && asn <= 4294967294);
  if (!Number.isInteger(asn) || (!privateAsn && asn !== 7224 && asn !== 9059 && asn !== 10124 && asn !== 17943)) {
    throw invalidParameterValue(`Value (${asn}) for parameter amazonSideAsn is invalid. It must be a private ASN (64512-65534 or 4200000000-4294967294).`);
  }
  const g: VpnGateway = { id: world.ids.next("vgw"), ownerId: rs.account, region: rs.region, tags, type, state: "available", amazonSideAsn: asn, attachments: [] };
  if (input.AvailabilityZone !== undefined) g.availabilityZone = input.AvailabilityZone;
  rs.vpnGateways.set(g.id, g);
  return g;
}

export function attachVpnGateway(world: World, rs: RegionState, vgwId: string | undefined, vpcId: string | undefined): { vpcId: string; state: string } {
  const g = getVpnGateway(rs, vgwId);
  const vpc = getVpc(rs, vpcId);
  if (g.state !== "available") throw vpnIncorrectState(g.id, `is in state ${g.state}`);
  const live = (a: VpnGateway["attachments"][number]) => a.state !== "detached";
  if (g.attachments.some(live)) throw vpnGatewayAttachmentLimit(vpc.id);
  for (const other of rs.vpnGateways.values()) if (other.attachments.some((a) => live(a) && a.vpcId === vpc.id)) throw vpnGatewayAttachmentLimit(vpc.id);
  g.attachments = [{ vpcId: vpc.id, state: "attaching" }];
  world.after("vgw.attaching", { kind: "vgw.attaching", id: g.id, account: rs.account, region: rs.region });
  return { vpcId: vpc.id, state: "attaching" };
}

export function detachVpnGateway(world: World, rs: RegionState, vgwId: string | undefined, vpcId: string | undefined): void {
  const g = getVpnGateway(rs, vgwId);
  if (vpcId === undefined || vpcId === "") throw missingParameter("VpcId");
  const a = g.attachments.find((x) => x.vpcId === vpcId && (x.state === "attached" || x.state === "attaching"));
  if (!a) throw vpnGatewayAttachmentNotFound(g.id, vpcId);
  a.state = "detaching";
  syncPropagatedRoutes(rs);
  world.after("vgw.detaching", { kind: "vgw.detaching", id: g.id, account: rs.account, region: rs.region });
}

export function deleteVpnGateway(rs: RegionState, vgwId: string | undefined): void {
  const g = getVpnGateway(rs, vgwId);
  if (g.attachments.some((a) => a.state !== "detached")) throw vpnIncorrectState(g.id, "is attached to a VPC; detach it first");
  for (const c of rs.vpnConnections.values()) {
    if (c.vpnGatewayId === g.id && c.state !== "deleted") throw vpnIncorrectState(g.id, `has VPN connection ${c.id}; delete it first`);
  }
  g.state = "deleted";
  for (const rt of rs.routeTables.values()) if (rt.propagatingVgws?.includes(g.id)) rt.propagatingVgws = rt.propagatingVgws.filter((x) => x !== g.id);
  syncPropagatedRoutes(rs);
}

defineTransition("vgw.attaching", (world, t) => {
  const rs = world.existingRegion(t.account, t.region);
  const g = rs?.vpnGateways.get(t.id);
  const a = g?.attachments.find((x) => x.state === "attaching");
  if (!rs || !a) return;
  a.state = "attached";
  syncPropagatedRoutes(rs);
});
defineTransition("vgw.detaching", (world, t) => {
  const rs = world.existingRegion(t.account, t.region);
  const a = rs?.vpnGateways.get(t.id)?.attachments.find((x) => x.state === "detaching");
  if (!rs || !a) return;
  a.state = "detached";
  syncPropagatedRoutes(rs);
});

// ---- customer gateways ---------------------------------------------------------------------------

export function createCustomerGateway(
  world: World,
  rs: RegionState,
  input: { Type?: string; BgpAsn?: number; BgpAsnExtended?: number; IpAddress?: string; PublicIp?: string; DeviceName?: string; CertificateArn?: string },
  tags: Tags,
): CustomerGateway {
  const type = checkType(input.Type);
  if (input.CertificateArn !== undefined) throw invalidParameterValue("vpclab does not model certificate-based customer gateways (CertificateArn).");
  const ip = input.IpAddress ?? input.PublicIp;
  if (ip === undefined) throw missingParameter("IpAddress");
  if (parseIp(ip) === undefined) throw invalidParameterValue(`Value (${ip}) for parameter ipAddress is invalid. It is not a valid IPv4 address.`);
  const asn = input.BgpAsn ?? input.BgpAsnExtended ?? 65000;
  if (!Number.isInteger(asn) || asn < 1 || asn > 4294967294) throw invalidParameterValue(`Value (${asn}) for parameter bgpAsn is invalid.`);
  // A retry with the same address and ASN answers the gateway that exists (AWS's documented idempotency).
  for (const g of rs.customerGateways.values()) if (g.state === "available" && g.ipAddress === ip && g.bgpAsn === asn) return g;
  const g: CustomerGateway = { id: world.ids.next("cgw"), ownerId: rs.account, region: rs.region, tags, type, state: "available", bgpAsn: asn, ipAddress: ip };
  if (input.DeviceName !== undefined) g.deviceName = input.DeviceName;
  rs.customerGateways.set(g.id, g);
  return g;
}

export function deleteCustomerGateway(rs: RegionState, id: string | undefined): void {
  const g = getCustomerGateway(rs, id);
  for (const c of rs.vpnConnections.values()) {
    if (c.customerGatewayId === g.id && c.state !== "deleted") throw vpnIncorrectState(g.id, `is used by VPN connection ${c.id}; delete it first`);
  }
  g.state = "deleted";
}

// ---- VPN connections -----------------------------------------------------------------------------

export interface VpnConnectionInput {
  Type?: string;
  CustomerGatewayId?: string;
  VpnGatewayId?: string;
  TransitGatewayId?: string;
  VpnConcentratorId?: string;
  Options?: { StaticRoutesOnly?: boolean; TunnelOptions?: unknown[]; EnableAcceleration?: boolean; TunnelInsideIpVersion?: string; LocalIpv4NetworkCidr?: string; RemoteIpv4NetworkCidr?: string };
}

function cidrParam(text: string | undefined, name: string, fallback: string): string {
  if (text === undefined) return fallback;
  const c = parseCidr(text);
  if (!c) throw invalidParameterValue(`Value (${text}) for parameter ${name} is invalid. This is not a valid CIDR block.`);
  return formatCidr(c);
}

export function createVpnConnection(world: World, rs: RegionState, input: VpnConnectionInput, tags: Tags): VpnConnection {
  const type = checkType(input.Type);
  if (input.TransitGatewayId !== undefined || input.VpnConcentratorId !== undefined) {
    throw invalidParameterValue("vpclab models VPN connections to a virtual private gateway only (VpnGatewayId), not to a transit gateway.");
  }
  const o = input.Options ?? {};
  if ((o.TunnelOptions?.length ?? 0) > 0 || o.EnableAcceleration === true || o.TunnelInsideIpVersion === "ipv6") {
    throw invalidParameterValue("vpclab does not model VPN tunnel options, accelerated VPN or IPv6 inside tunnels.");
  }
  const cgw = getCustomerGateway(rs, input.CustomerGatewayId);
  const vgw = getVpnGateway(rs, input.VpnGatewayId);
  if (vgw.state !== "available") throw vpnIncorrectState(vgw.id, `is in state ${vgw.state}`);
  const c: VpnConnection = {
    id: world.ids.next("vpn"),
    ownerId: rs.account,
    region: rs.region,
    tags,
    type,
    state: "pending",
    customerGatewayId: cgw.id,
    vpnGatewayId: vgw.id,
    staticRoutesOnly: o.StaticRoutesOnly === true,
    localIpv4NetworkCidr: cidrParam(o.LocalIpv4NetworkCidr, "localIpv4NetworkCidr", "0.0.0.0/0"),
    remoteIpv4NetworkCidr: cidrParam(o.RemoteIpv4NetworkCidr, "remoteIpv4NetworkCidr", "0.0.0.0/0"),
    routes: [],
  };
  rs.vpnConnections.set(c.id, c);
  world.after("vpn.pending", { kind: "vpn.pending", id: c.id, account: rs.account, region: rs.region });
  return c;
}

export function deleteVpnConnection(rs: RegionState, id: string | undefined): VpnConnection {
  const c = getVpnConnection(rs, id);
  c.state = "deleted";
  for (const r of c.routes) r.state = "deleted";
  syncPropagatedRoutes(rs);
  return c;
}

defineTransition("vpn.pending", (world, t) => {
  const rs = world.existingRegion(t.account, t.region);
  const c = rs?.vpnConnections.get(t.id);
  if (!rs || c?.state !== "pending") return;
  c.state = "available";
  for (const r of c.routes) if (r.state === "pending") r.state = "available";
  syncPropagatedRoutes(rs);
});

export function createVpnConnectionRoute(rs: RegionState, id: string | undefined, cidr: string | undefined): void {
  const c = getVpnConnection(rs, id);
  if (cidr === undefined || cidr === "") throw missingParameter("DestinationCidrBlock");
  const dest = cidrParam(cidr, "destinationCidrBlock", "");
  if (!c.staticRoutesOnly) throw invalidParameterValue(`The VPN connection ${c.id} uses dynamic routing (BGP); static routes need StaticRoutesOnly.`);
  if (c.routes.some((r) => r.destinationCidr === dest && r.state !== "deleted")) throw vpnConnectionRouteExists(dest, c.id);
  c.routes = c.routes.filter((r) => r.destinationCidr !== dest);
  c.routes.push({ destinationCidr: dest, state: c.state === "available" ? "available" : "pending" });
  syncPropagatedRoutes(rs);
}

export function deleteVpnConnectionRoute(rs: RegionState, id: string | undefined, cidr: string | undefined): void {
  const c = getVpnConnection(rs, id);
  if (cidr === undefined || cidr === "") throw missingParameter("DestinationCidrBlock");
  const dest = cidrParam(cidr, "destinationCidrBlock", "");
  const i = c.routes.findIndex((r) => r.destinationCidr === dest && r.state !== "deleted");
  if (i < 0) throw vpnConnectionRouteNotFound(dest, c.id);
  c.routes.splice(i, 1);
  syncPropagatedRoutes(rs);
}

// ---- route propagation ---------------------------------------------------------------------------

export function enableVgwRoutePropagation(rs: RegionState, rtId: string | undefined, vgwId: string | undefined): void {
  const rt = getRouteTable(rs, rtId);
  const g = getVpnGateway(rs, vgwId);
  if (!(rt.propagatingVgws ?? []).includes(g.id)) rt.propagatingVgws = [...(rt.propagatingVgws ?? []), g.id];
  syncPropagatedRoutes(rs);
}

export function disableVgwRoutePropagation(rs: RegionState, rtId: string | undefined, vgwId: string | undefined): void {
  const rt = getRouteTable(rs, rtId);
  const g = getVpnGateway(rs, vgwId);
  rt.propagatingVgws = (rt.propagatingVgws ?? []).filter((x) => x !== g.id);
  syncPropagatedRoutes(rs);
}

/** The static routes of a gateway's available connections: what it propagates (and what on-premises holds). */
export function vpnStaticRoutes(rs: RegionState, vgwId: string): { cidr: string; connection: VpnConnection }[] {
  const out: { cidr: string; connection: VpnConnection }[] = [];
  for (const c of rs.vpnConnections.values()) {
    if (c.vpnGatewayId !== vgwId || c.state !== "available") continue;
    for (const r of c.routes) if (r.state === "available") out.push({ cidr: r.destinationCidr, connection: c });
  }
  return out;
}

/**
 * Makes every route table's propagated routes match the gateways it propagates from: one route per
 * distinct static route of the gateway's available connections, while the gateway is attached to the
 * table's VPC. Unchanged tables are left alone (the engine recompiles only what changed).
 */
export function syncPropagatedRoutes(rs: RegionState): void {
  for (const rt of rs.routeTables.values()) {
    const wanted: Route[] = [];
    const seen = new Set<string>();
    for (const vgwId of rt.propagatingVgws ?? []) {
      const g = rs.vpnGateways.get(vgwId);
      if (!g || attachedVpc(g) !== rt.vpcId) continue;
      for (const { cidr } of vpnStaticRoutes(rs, vgwId)) {
        if (seen.has(cidr)) continue;
        seen.add(cidr);
        wanted.push({ destinationCidr: cidr, target: { kind: "vgw", id: vgwId }, origin: "EnableVgwRoutePropagation" });
      }
    }
    const have = rt.routes.filter((r) => r.origin === "EnableVgwRoutePropagation");
    const same = have.length === wanted.length && have.every((r, i) => r.destinationCidr === wanted[i]!.destinationCidr && (r.target as { id?: string }).id === (wanted[i]!.target as { id: string }).id);
    if (same) continue;
    rt.routes = [...rt.routes.filter((r) => r.origin !== "EnableVgwRoutePropagation"), ...wanted];
  }
}
