/**
 * VPC endpoints to AWS services: gateway endpoints (S3, DynamoDB), which add a route for the service's
 * AWS-managed prefix list to each associated route table, and interface endpoints, which put one
 * requester-managed network interface in each chosen subnet (with security groups and DNS names).
 * Also the region's endpoint service catalogue (model/endpoint-services.ts) as DescribeVpcEndpointServices
 * shows it.
 *
 * Reference: EC2 API CreateVpcEndpoint, ModifyVpcEndpoint, DeleteVpcEndpoints (unknown ids come back in
 * `Unsuccessful`, the call itself succeeds), DescribeVpcEndpoints, DescribeVpcEndpointServices,
 * DescribeVpcEndpointConnections; PrivateLink Guide "Gateway endpoints" (the route: destination the
 * service's prefix list, target `vpce-…`, shown by DescribeRouteTables with `GatewayId=vpce-…` and
 * origin `CreateRoute`; one gateway endpoint per service per route table), "Interface endpoints"
 * (one subnet per Availability Zone; private DNS needs the VPC's enableDnsSupport and
 * enableDnsHostnames; the endpoint's interface has type `vpc_endpoint`).
 *
 * Fidelity notes:
 * - Endpoint policies are stored (default: allow everything) and shown, never evaluated: the network
 *   does not model what a policy allows.
 * - A gateway endpoint is `available` at once; an interface endpoint is `pending` until the next
 *   request (delay `vpce.pending`). Delete answers at once; the endpoint shows `deleted` afterwards
 *   (delay `vpce.deleting`) and is forgotten an hour later; its routes and interfaces go at Delete.
 * - AWS services only: endpoint services of other accounts (PrivateLink), Gateway Load Balancer,
 *   Resource and ServiceNetwork endpoints, cross-region endpoints (ServiceRegion other than the
 *   caller's), IPv6/dual-stack and SubnetConfigurations are refused with InvalidParameterValue.
 *   DescribeVpcEndpointConnections is therefore always empty (AWS lists no connections for its own services).
 * - Interface endpoint interfaces take the subnet's lowest free address; DNS names follow AWS's pattern
 *   (`vpce-<id>-<8 chars>.<service>.<region>.vpce.amazonaws.com`, one per zone with the zone name) but
 *   nothing resolves them: vpclab has no DNS.
 * - A route table may not hold two gateway endpoints of one service (RouteAlreadyExists); deleting a
 *   route table drops it from its endpoints' RouteTableIds.
 */
import { defineTransition, type RegionState, type World } from "../state/world.js";
import type { NetworkInterface, RouteTable, Subnet, Tags, Vpc, VpcEndpoint } from "./types.js";
import { ENDPOINT_SERVICES, type EndpointServiceSpec } from "../model/endpoint-services.js";
import { zonesOf } from "../model/regions.js";
import {
  idempotentParameterMismatch,
  invalidParameterValue,
  missingParameter,
  vpcEndpointMalformed,
  vpcEndpointNotFound,
  vpcEndpointParameterForType,
  vpcEndpointPolicy,
  vpcEndpointPrivateDnsConflict,
  vpcEndpointPrivateDnsNeedsVpcDns,
  vpcEndpointRouteConflict,
  vpcEndpointServiceNotFound,
  vpcEndpointSubnetZone,
  vpcEndpointType,
  vpcEndpointTypeMismatch,
  insufficientAddresses,
} from "./errors.js";
import { isWellFormedId } from "./ids.js";
import { getVpc } from "./lookup.js";
import { getSubnet } from "./subnets.js";
import { addRoute, getRouteTable } from "./route-tables.js";
import { awsPrefixLists } from "./prefix-lists.js";
import { formatIp } from "./cidr.js";
import { defaultGroupOf, newMacAddress, nextFreeAddress, resolveGroupIds, takenAddresses } from "./network-interfaces.js";

const HOUR = 3_600_000;
export const DEFAULT_ENDPOINT_POLICY = '{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}';
const ENDPOINT_REQUESTER = "amazon-vpce";

/** One (service, type) pair of a region, as DescribeVpcEndpointServices lists it. */
export interface EndpointService {
  name: string;
  service: string;
  type: "Gateway" | "Interface";
  region: string;
  id: string;
  privateDns?: string;
  zones: string[];
}

/** FNV-1a, for stable ids and names derived from a text (never random, so a replay repeats them). */
export function stableHex(text: string, digits: number): string {
  let out = "";
  let seed = 0x811c9dc5;
  while (out.length < digits) {
    let h = seed;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    out += h.toString(16).padStart(8, "0");
    seed = (seed + 0x9e3779b9) >>> 0;
  }
  return out.slice(0, digits);
}

const servicesByRegion = new Map<string, EndpointService[]>();

/** The region's endpoint services, sorted by name then type (Gateway first), as AWS lists them. */
export function endpointServices(region: string): EndpointService[] {
  let list = servicesByRegion.get(region);
  if (!list) {
    const zones = zonesOf(region).map((z) => z.zoneName);
    list = [];
    if (zones.length > 0) {
      for (const spec of ENDPOINT_SERVICES) {
        for (const type of spec.types) list.push(serviceOf(region, spec, type, zones));
      }
    }
    list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.type < b.type ? -1 : 1));
    servicesByRegion.set(region, list);
  }
  return list;
}

function serviceOf(region: string, spec: EndpointServiceSpec, type: "Gateway" | "Interface", zones: string[]): EndpointService {
  const name = `com.amazonaws.${region}.${spec.service}`;
  const s: EndpointService = { name, service: spec.service, type, region, id: `vpce-svc-${stableHex(name + "/" + type, 17)}`, zones };
  if (type === "Interface" && spec.privateDns) s.privateDns = spec.privateDns.replace("<region>", region);
  return s;
}

export function findService(region: string, name: string, type: "Gateway" | "Interface"): EndpointService {
  const matches = endpointServices(region).filter((s) => s.name === name);
  if (matches.length === 0) throw vpcEndpointServiceNotFound(name);
  const m = matches.find((s) => s.type === type);
  if (!m) throw vpcEndpointTypeMismatch(name, type);
  return m;
}

/** The AWS-managed prefix list a gateway endpoint routes to (S3's or DynamoDB's in the region). */
export function servicePrefixListId(region: string, serviceName: string): string | undefined {
  return awsPrefixLists(region).find((l) => l.name === serviceName)?.id;
}

export function getVpcEndpoint(rs: RegionState, id: string | undefined): VpcEndpoint {
  if (id === undefined || id === "") throw missingParameter("VpcEndpointId");
  const e = rs.vpcEndpoints.get(id);
  if (!e) {
    if (!isWellFormedId("vpce", id)) throw vpcEndpointMalformed(id);
    throw vpcEndpointNotFound(id);
  }
  return e;
}

export interface CreateEndpointInput {
  vpcId?: string;
  serviceName?: string;
  type?: string;
  routeTableIds?: string[];
  subnetIds?: string[];
  securityGroupIds?: string[];
  privateDnsEnabled?: boolean;
  policyDocument?: string;
  ipAddressType?: string;
  dnsRecordIpType?: string;
  serviceRegion?: string;
  unsupported?: string;
  clientToken?: string;
  tags: Tags;
}

function checkPolicy(doc: string | undefined): string | undefined {
  if (doc === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(doc);
    if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error("not an object");
  } catch {
    throw vpcEndpointPolicy();
  }
  return doc;
}

/** Route tables a gateway endpoint may use: in the endpoint's VPC, without a route for that prefix list. */
function checkRouteTables(rs: RegionState, vpc: Vpc, ids: string[], plId: string, current: string[] = []): RouteTable[] {
  const out: RouteTable[] = [];
  for (const id of new Set(ids)) {
    const rt = getRouteTable(rs, id);
    if (rt.vpcId !== vpc.id) throw invalidParameterValue(`route table ${rt.id} and VPC ${vpc.id} belong to different networks`);
    if (!current.includes(rt.id) && rt.routes.some((r) => r.destinationPrefixListId === plId)) throw vpcEndpointRouteConflict(rt.id, plId);
    out.push(rt);
  }
  return out;
}

function checkSubnets(rs: RegionState, vpc: Vpc, ids: string[], existing: Subnet[] = []): Subnet[] {
  const out: Subnet[] = [];
  const zones = new Set(existing.map((s) => s.availabilityZone));
  for (const id of new Set(ids)) {
    const sn = getSubnet(rs, id);
    if (sn.vpcId !== vpc.id) throw invalidParameterValue(`The subnet ${sn.id} does not belong to VPC ${vpc.id}`);
    if (zones.has(sn.availabilityZone)) throw vpcEndpointSubnetZone(sn.availabilityZone);
    zones.add(sn.availabilityZone);
    out.push(sn);
  }
  return out;
}

function checkPrivateDns(rs: RegionState, vpc: Vpc, service: EndpointService, self?: VpcEndpoint): void {
  if (!vpc.enableDnsSupport || !vpc.enableDnsHostnames) throw vpcEndpointPrivateDnsNeedsVpcDns(vpc.id);
  for (const e of rs.vpcEndpoints.values()) {
    if (e === self || e.vpcId !== vpc.id || e.type !== "Interface" || !e.privateDnsEnabled) continue;
    if (e.serviceName === service.name && e.state !== "deleted" && e.state !== "deleting") throw vpcEndpointPrivateDnsConflict(service.privateDns ?? service.name);
  }
}

function endpointRoute(rt: RouteTable, plId: string, endpointId: string): void {
  addRoute(rt, { destinationCidr: plId, destinationPrefixListId: plId, target: { kind: "vpce", id: endpointId }, origin: "CreateRoute" });
}

function dropEndpointRoute(rt: RouteTable, endpointId: string): void {
  rt.routes = rt.routes.filter((r) => !(r.target.kind === "vpce" && r.target.id === endpointId));
}

function endpointInterface(world: World, rs: RegionState, e: VpcEndpoint, subnet: Subnet, ip: string): NetworkInterface {
  const eni: NetworkInterface = {
    id: world.ids.next("eni"),
    ownerId: rs.account,
    region: rs.region,
    tags: new Map(),
    subnetId: subnet.id,
    vpcId: subnet.vpcId,
    availabilityZone: subnet.availabilityZone,
    description: `VPC Endpoint Interface ${e.id}`,
    macAddress: newMacAddress(world),
    privateIps: [{ address: ip, primary: true }],
    securityGroupIds: [...e.groupIds],
    sourceDestCheck: true,
    interfaceType: "vpc_endpoint",
    status: "in-use",
    requesterManaged: true,
    requesterId: ENDPOINT_REQUESTER,
  };
  rs.networkInterfaces.set(eni.id, eni);
  return eni;
}

/** Checks that each subnet has a free address (validation before any write). */
function freeAddresses(rs: RegionState, subnets: Subnet[]): string[] {
  return subnets.map((sn) => {
    const ip = nextFreeAddress(sn, takenAddresses(rs, sn.id));
    if (ip === undefined) throw insufficientAddresses(sn.id);
    return formatIp(ip);
  });
}

export function createVpcEndpoint(world: World, rs: RegionState, input: CreateEndpointInput): VpcEndpoint {
  const type = input.type ?? "Gateway";
  if (type !== "Gateway" && type !== "Interface") throw vpcEndpointType(type);
  if (input.unsupported !== undefined) throw invalidParameterValue(`vpclab does not model ${input.unsupported} for VPC endpoints (AWS services only, IPv4).`);
  if (input.ipAddressType !== undefined && input.ipAddressType !== "ipv4") throw invalidParameterValue(`vpclab's network is IPv4-only: IpAddressType '${input.ipAddressType}' is not supported.`);
  if (input.dnsRecordIpType !== undefined && input.dnsRecordIpType !== "ipv4" && input.dnsRecordIpType !== "service-defined") {
    throw invalidParameterValue(`vpclab's network is IPv4-only: DnsRecordIpType '${input.dnsRecordIpType}' is not supported.`);
  }
  if (input.serviceRegion !== undefined && input.serviceRegion !== rs.region) {
    throw invalidParameterValue(`vpclab does not model cross-region VPC endpoints (ServiceRegion ${input.serviceRegion}).`);
  }
  if (input.vpcId === undefined || input.vpcId === "") throw missingParameter("VpcId");
  const vpc = getVpc(rs, input.vpcId);
  if (input.serviceName === undefined || input.serviceName === "") throw missingParameter("ServiceName");
  const service = findService(rs.region, input.serviceName, type);
  const policy = checkPolicy(input.policyDocument) ?? DEFAULT_ENDPOINT_POLICY;
  let routeTables: RouteTable[] = [];
  let subnets: Subnet[] = [];
  let groupIds: string[] = [];
  let privateDns = false;
  let plId = "";
  let ips: string[] = [];
  if (type === "Gateway") {
    for (const [param, given] of [["SubnetId", input.subnetIds?.length], ["SecurityGroupId", input.securityGroupIds?.length], ["PrivateDnsEnabled", input.privateDnsEnabled === undefined ? 0 : 1]] as const) {
      if (given) throw vpcEndpointParameterForType(param, "Gateway");
    }
    const pl = servicePrefixListId(rs.region, service.name);
    if (pl === undefined) throw vpcEndpointServiceNotFound(service.name);
    plId = pl;
    routeTables = checkRouteTables(rs, vpc, input.routeTableIds ?? [], plId);
  } else {
    if (input.routeTableIds?.length) throw vpcEndpointParameterForType("RouteTableId", "Interface");
    subnets = checkSubnets(rs, vpc, input.subnetIds ?? []);
    groupIds = input.securityGroupIds?.length ? resolveGroupIds(rs, vpc.id, input.securityGroupIds, subnets[0]?.id ?? "") : [defaultGroupOf(rs, vpc.id).id];
    privateDns = input.privateDnsEnabled ?? service.privateDns !== undefined;
    if (privateDns && service.privateDns === undefined) throw invalidParameterValue(`The service ${service.name} does not provide a private DNS name.`);
    if (privateDns) checkPrivateDns(rs, vpc, service);
    ips = freeAddresses(rs, subnets);
  }
  if (input.clientToken !== undefined) {
    for (const e of rs.vpcEndpoints.values()) {
      if (e.clientToken !== input.clientToken) continue;
      if (e.vpcId !== vpc.id || e.serviceName !== service.name || e.type !== type) throw idempotentParameterMismatch(input.clientToken);
      return e;
    }
  }
  const e: VpcEndpoint = {
    id: world.ids.next("vpce"),
    ownerId: rs.account,
    region: rs.region,
    tags: input.tags,
    vpcId: vpc.id,
    serviceName: service.name,
    type,
    state: type === "Gateway" ? "available" : "pending",
    createdAt: world.clock.now(),
    policyDocument: policy,
    routeTableIds: routeTables.map((r) => r.id),
    subnetIds: subnets.map((s) => s.id),
    networkInterfaceIds: [],
    groupIds,
    privateDnsEnabled: privateDns,
    ipAddressType: "ipv4",
    dnsRecordIpType: "ipv4",
  };
  if (input.clientToken !== undefined) e.clientToken = input.clientToken;
  rs.vpcEndpoints.set(e.id, e);
  for (const rt of routeTables) endpointRoute(rt, plId, e.id);
  subnets.forEach((sn, i) => e.networkInterfaceIds.push(endpointInterface(world, rs, e, sn, ips[i]!).id));
  if (e.state === "pending") world.after("vpce.pending", { kind: "vpce.pending", id: e.id, account: rs.account, region: rs.region });
  return e;
}

export interface ModifyEndpointInput {
  id?: string;
  addRouteTableIds?: string[];
  removeRouteTableIds?: string[];
  addSubnetIds?: string[];
  removeSubnetIds?: string[];
  addSecurityGroupIds?: string[];
  removeSecurityGroupIds?: string[];
  policyDocument?: string;
  resetPolicy?: boolean;
  privateDnsEnabled?: boolean;
  unsupported?: string;
}

export function modifyVpcEndpoint(world: World, rs: RegionState, input: ModifyEndpointInput): void {
  const e = getVpcEndpoint(rs, input.id);
  if (e.state === "deleting" || e.state === "deleted") throw vpcEndpointNotFound(e.id);
  if (input.unsupported !== undefined) throw invalidParameterValue(`vpclab does not model ${input.unsupported} for VPC endpoints (AWS services only, IPv4).`);
  const vpc = getVpc(rs, e.vpcId);
  if (input.resetPolicy && input.policyDocument !== undefined) throw invalidParameterValue("Specify either PolicyDocument or ResetPolicy, not both.");
  const policy = checkPolicy(input.policyDocument);
  const plId = e.type === "Gateway" ? servicePrefixListId(rs.region, e.serviceName) ?? "" : "";
  let addRts: RouteTable[] = [];
  let removeRts: string[] = [];
  let addSubnets: Subnet[] = [];
  let removeSubnets: string[] = [];
  let groups = e.groupIds;
  let ips: string[] = [];
  if (e.type === "Gateway") {
    for (const [param, given] of [["AddSubnetId", input.addSubnetIds?.length], ["RemoveSubnetId", input.removeSubnetIds?.length], ["AddSecurityGroupId", input.addSecurityGroupIds?.length], ["RemoveSecurityGroupId", input.removeSecurityGroupIds?.length], ["PrivateDnsEnabled", input.privateDnsEnabled === undefined ? 0 : 1]] as const) {
      if (given) throw vpcEndpointParameterForType(param, "Gateway");
    }
    removeRts = [...new Set(input.removeRouteTableIds ?? [])];
    for (const id of removeRts) {
      getRouteTable(rs, id);
      if (!e.routeTableIds.includes(id)) throw invalidParameterValue(`The route table ${id} is not associated with ${e.id}`);
    }
    addRts = checkRouteTables(rs, vpc, input.addRouteTableIds ?? [], plId, e.routeTableIds).filter((rt) => !e.routeTableIds.includes(rt.id));
  } else {
    if (input.addRouteTableIds?.length || input.removeRouteTableIds?.length) throw vpcEndpointParameterForType("AddRouteTableId", "Interface");
    removeSubnets = [...new Set(input.removeSubnetIds ?? [])];
    for (const id of removeSubnets) {
      getSubnet(rs, id);
      if (!e.subnetIds.includes(id)) throw invalidParameterValue(`The subnet ${id} is not associated with ${e.id}`);
    }
    const staying = e.subnetIds.filter((id) => !removeSubnets.includes(id)).map((id) => rs.subnets.get(id)).filter((s): s is Subnet => s !== undefined);
    addSubnets = checkSubnets(rs, vpc, (input.addSubnetIds ?? []).filter((id) => !e.subnetIds.includes(id)), staying);
    const removeG = new Set(input.removeSecurityGroupIds ?? []);
    for (const g of removeG) if (!e.groupIds.includes(g)) throw invalidParameterValue(`The security group ${g} is not associated with ${e.id}`);
    const added = input.addSecurityGroupIds?.length ? resolveGroupIds(rs, vpc.id, input.addSecurityGroupIds, e.subnetIds[0] ?? "") : [];
    groups = [...e.groupIds.filter((g) => !removeG.has(g)), ...added.filter((g) => !e.groupIds.includes(g))];
    if (groups.length === 0) throw invalidParameterValue("An interface endpoint must keep at least one security group.");
    if (input.privateDnsEnabled === true && !e.privateDnsEnabled) {
      const service = findService(rs.region, e.serviceName, "Interface");
      if (service.privateDns === undefined) throw invalidParameterValue(`The service ${service.name} does not provide a private DNS name.`);
      checkPrivateDns(rs, vpc, service, e);
    }
    ips = freeAddresses(rs, addSubnets);
  }
  // All checked: write.
  if (policy !== undefined) e.policyDocument = policy;
  if (input.resetPolicy) e.policyDocument = DEFAULT_ENDPOINT_POLICY;
  for (const id of removeRts) {
    const rt = rs.routeTables.get(id);
    if (rt) dropEndpointRoute(rt, e.id);
  }
  e.routeTableIds = e.routeTableIds.filter((id) => !removeRts.includes(id));
  for (const rt of addRts) {
    endpointRoute(rt, plId, e.id);
    e.routeTableIds.push(rt.id);
  }
  if (e.type === "Interface") {
    for (const id of e.networkInterfaceIds) {
      const eni = rs.networkInterfaces.get(id);
      if (eni && removeSubnets.includes(eni.subnetId)) rs.networkInterfaces.delete(id);
    }
    e.networkInterfaceIds = e.networkInterfaceIds.filter((id) => rs.networkInterfaces.has(id));
    e.subnetIds = e.subnetIds.filter((id) => !removeSubnets.includes(id));
    e.groupIds = groups;
    addSubnets.forEach((sn, i) => {
      e.subnetIds.push(sn.id);
      e.networkInterfaceIds.push(endpointInterface(world, rs, e, sn, ips[i]!).id);
    });
    for (const id of e.networkInterfaceIds) {
      const eni = rs.networkInterfaces.get(id);
      if (eni) eni.securityGroupIds = [...groups];
    }
    if (input.privateDnsEnabled !== undefined) e.privateDnsEnabled = input.privateDnsEnabled;
  }
}

/** Deletes endpoints; ids that are unknown (or already deleted) come back as failures, as AWS answers. */
export function deleteVpcEndpoints(world: World, rs: RegionState, ids: string[] | undefined): { id: string; code: string; message: string }[] {
  if (!ids || ids.length === 0) throw missingParameter("VpcEndpointId");
  const failures: { id: string; code: string; message: string }[] = [];
  for (const id of ids) {
    const e = rs.vpcEndpoints.get(id);
    if (!e || e.state === "deleted" || e.state === "deleting") {
      const err = isWellFormedId("vpce", id) ? vpcEndpointNotFound(id) : vpcEndpointMalformed(id);
      failures.push({ id, code: err.code, message: err.message });
      continue;
    }
    for (const rtId of e.routeTableIds) {
      const rt = rs.routeTables.get(rtId);
      if (rt) dropEndpointRoute(rt, e.id);
    }
    for (const eniId of e.networkInterfaceIds) rs.networkInterfaces.delete(eniId);
    e.state = "deleting";
    world.after("vpce.deleting", { kind: "vpce.deleting", id: e.id, account: rs.account, region: rs.region });
  }
  return failures;
}

defineTransition("vpce.pending", (world, t) => {
  const e = world.existingRegion(t.account, t.region)?.vpcEndpoints.get(t.id);
  if (e?.state === "pending") e.state = "available";
});
defineTransition("vpce.deleting", (world, t) => {
  const rs = world.existingRegion(t.account, t.region);
  const e = rs?.vpcEndpoints.get(t.id);
  if (e?.state !== "deleting") return;
  e.state = "deleted";
  e.routeTableIds = [];
  e.networkInterfaceIds = [];
  world.at(world.clock.now() + HOUR, { kind: "vpce.forget", id: e.id, account: rs!.account, region: rs!.region });
});
defineTransition("vpce.forget", (world, t) => {
  const rs = world.existingRegion(t.account, t.region);
  if (rs?.vpcEndpoints.get(t.id)?.state === "deleted") rs.vpcEndpoints.delete(t.id);
});

/** DNS names of an interface endpoint: regional, one per zone, then the service's private name. */
export function endpointDnsEntries(rs: RegionState, e: VpcEndpoint): { dnsName: string; hostedZoneId: string }[] {
  if (e.type !== "Interface") return [];
  const svc = e.serviceName.slice(`com.amazonaws.${rs.region}.`.length);
  const tag = stableHex(e.id, 8);
  const zone = `Z${stableHex("vpce-zone/" + rs.region, 13).toUpperCase()}`;
  const out = [{ dnsName: `${e.id}-${tag}.${svc}.${rs.region}.vpce.amazonaws.com`, hostedZoneId: zone }];
  for (const id of e.subnetIds) {
    const sn = rs.subnets.get(id);
    if (sn) out.push({ dnsName: `${e.id}-${tag}-${sn.availabilityZone}.${svc}.${rs.region}.vpce.amazonaws.com`, hostedZoneId: zone });
  }
  if (e.privateDnsEnabled) {
    const spec = ENDPOINT_SERVICES.find((s) => s.service === svc);
    if (spec?.privateDns) out.push({ dnsName: spec.privateDns.replace("<region>", rs.region), hostedZoneId: `Z${stableHex("private/" + e.id, 13).toUpperCase()}` });
  }
  return out;
}
