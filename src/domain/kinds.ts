/**
 * The registry of resource kinds: everything vpclab needs to know about a kind of EC2 resource in
 * general, written once. Tags (CreateTags/DeleteTags/DescribeTags), the saved state document
 * (state/document.ts), Reachability Analyzer path ends (domain/network-insights.ts) and the
 * DeleteVpc/DeleteSubnet dependency checks all read it, so that a new kind is one entry here.
 *
 * ## Adding a kind (one entry in KINDS below)
 *
 * ```ts
 * {
 *   prefix: "nat",                         // id prefix: nat-0123456789abcdef0
 *   resourceType: "natgateway",            // AWS's ResourceType: TagSpecifications, DescribeTags
 *                                          // resource-type, and the ARN's type (…:natgateway/nat-…)
 *   notFound: natGatewayNotFound,          // factory from errors.ts for an unknown id
 *   malformed: natGatewayMalformed,        // optional: EC2's answer to an id of the wrong shape
 *   collection: { field: "natGateways", arrays: ["addresses"] },
 *                                          // the RegionState Map holding the records (add the typed
 *                                          // field to state/world.ts); `arrays` are the record fields
 *                                          // that must be lists when a saved document is loaded;
 *                                          // `key` is "id" unless the Map is keyed otherwise
 *   holds: { vpcs: (r) => [r.vpcId], subnets: (r) => [r.subnetId] },
 *                                          // optional: which VPCs / subnets a live record keeps from
 *                                          // being deleted (DependencyViolation); return [] once the
 *                                          // record no longer counts (e.g. state "deleted")
 *   pathEnd: { live: (r) => r.state !== "deleted" },
 *                                          // optional: usable as a network insights path Source or
 *                                          // Destination (the engine must know how to start there)
 * }
 * ```
 * Kinds whose records are not one per Map entry of a region (VPC peering connections, which live in
 * the world and are seen from both sides; rules inside security groups; stores under `rs.extra`) give
 * `list` (and, for speed, `find`) instead of, or in addition to, `collection`.
 *
 * Use `kind({...})` to write an entry: it types the record in `holds`/`pathEnd` from the collection.
 * The order of KINDS is the order DescribeTags lists resources in and the order a saved document
 * writes collections in.
 *
 * Fidelity notes:
 * - An id names its kind by its prefix (two-part prefixes such as `tgw-attach-` first); a prefix no
 *   kind has is refused by CreateTags with `InvalidID`, as EC2 does for ids it cannot parse.
 * - An unknown id of a known kind gets the kind's own NotFound error, the same one its Describe call
 *   gives (so CreateTags on a missing volume answers `InvalidVolume.NotFound` "The volume '…' does not
 *   exist.", as EC2 does).
 */
import type { RegionState, World } from "../state/world.js";
import type { Tags } from "./types.js";
import {
  allocationMalformed,
  allocationNotFound,
  analysisNotFound,
  dhcpOptionsMalformed,
  dhcpOptionsNotFound,
  egressOnlyInternetGatewayMalformed,
  egressOnlyInternetGatewayNotFound,
  eniMalformed,
  eniNotFound,
  flowLogNotFound,
  groupIdMalformed,
  groupNotFound,
  instanceMalformed,
  instanceNotFound,
  internetGatewayMalformed,
  internetGatewayNotFound,
  keyPairIdNotFound,
  launchTemplateMalformed,
  launchTemplateNotFoundById,
  natGatewayMalformed,
  natGatewayNotFoundDescribe,
  networkAclNotFound,
  pathNotFound,
  peeringMalformed,
  peeringNotFound,
  prefixListMalformed,
  prefixListNotFound,
  routeTableMalformed,
  routeTableNotFound,
  securityGroupRuleMalformed,
  securityGroupRuleNotFound,
  subnetMalformed,
  subnetNotFound,
  tgwAttachmentNotFound,
  tgwRouteTableNotFound,
  transitGatewayNotFound,
  volumeMalformed,
  volumeNotFound,
  vpcEndpointMalformed,
  vpcEndpointNotFound,
  vpcMalformed,
  vpcNotFound,
  vpnGatewayNotFound,
  customerGatewayNotFound,
  vpnConnectionNotFound,
  type Ec2Error,
} from "./errors.js";
import { isVisible, peeringTagKey } from "./peering.js";
import { peeringVisible as tgwPeeringVisible, tgwPeeringTagKey } from "./transit-gateways.js";
import { findRule } from "./security-groups.js";
import { liveFlowLogs } from "./flow-logs.js";

/** The RegionState fields that are Maps of records (every one a kind's `collection`). */
export type CollectionField = {
  [K in keyof RegionState]-?: RegionState[K] extends Map<string, unknown> ? (K extends "extra" ? never : K) : never;
}[keyof RegionState] &
  keyof RegionState;

/** The record type a collection holds. */
export type RecordOf<F extends CollectionField> = RegionState[F] extends Map<string, infer R> ? R : never;

/** What every record has that the registry's generic readers use. */
export interface Tagged {
  id: string;
  tags: Tags;
}

export interface Kind<R = unknown> {
  prefix: string;
  resourceType: string;
  notFound: (id: string) => Ec2Error;
  malformed?: (id: string) => Ec2Error;
  collection?: { field: CollectionField; key?: "id" | "name"; arrays: readonly string[] };
  list?: (world: World, rs: RegionState) => Iterable<Tagged>;
  find?: (world: World, rs: RegionState, id: string) => Tagged | undefined;
  holds?: { vpcs?: (r: R) => readonly string[]; subnets?: (r: R) => readonly string[] };
  pathEnd?: { live?: (r: R) => boolean };
}

/** Writes an entry with its record type taken from its collection (see the header). */
function kind<F extends CollectionField>(k: Kind<RecordOf<F>> & { collection: { field: F; key?: "id" | "name"; arrays: readonly string[] } }): Kind;
function kind(k: Kind<never>): Kind;
function kind(k: Kind<never>): Kind {
  return k as Kind;
}

/** A store a family keeps under `rs.extra` (read-only here: a missing store is empty). */
function extra(key: string) {
  const get = (rs: RegionState) => rs.extra.get(key) as Map<string, Tagged> | undefined;
  return {
    list: (_w: World, rs: RegionState) => get(rs)?.values() ?? [],
    find: (_w: World, rs: RegionState, id: string) => get(rs)?.get(id),
  };
}

export const KINDS: readonly Kind[] = [
  kind({
    prefix: "vpc",
    resourceType: "vpc",
    notFound: vpcNotFound,
    malformed: vpcMalformed,
    collection: { field: "vpcs", arrays: ["cidrBlocks"] },
  }),
  kind({
    prefix: "subnet",
    resourceType: "subnet",
    notFound: subnetNotFound,
    malformed: subnetMalformed,
    collection: { field: "subnets", arrays: [] },
    holds: { vpcs: (s) => [s.vpcId] },
  }),
  kind({
    prefix: "rtb",
    resourceType: "route-table",
    notFound: routeTableNotFound,
    malformed: routeTableMalformed,
    collection: { field: "routeTables", arrays: ["routes", "associations"] },
    // The main route table goes with its VPC.
    holds: { vpcs: (rt) => (rt.associations.some((a) => a.main) ? [] : [rt.vpcId]) },
  }),
  kind({
    prefix: "igw",
    resourceType: "internet-gateway",
    notFound: internetGatewayNotFound,
    malformed: internetGatewayMalformed,
    collection: { field: "internetGateways", arrays: ["attachments"] },
    holds: { vpcs: (g) => g.attachments.map((a) => a.vpcId) },
    pathEnd: {},
  }),
  kind({
    prefix: "dopt",
    resourceType: "dhcp-options",
    notFound: dhcpOptionsNotFound,
    malformed: dhcpOptionsMalformed,
    collection: { field: "dhcpOptions", arrays: ["configurations"] },
  }),
  kind({
    prefix: "sg",
    resourceType: "security-group",
    notFound: groupNotFound,
    malformed: groupIdMalformed,
    collection: { field: "securityGroups", arrays: ["rules"] },
    // The default group goes with its VPC.
    holds: { vpcs: (sg) => (sg.isDefault ? [] : [sg.vpcId]) },
  }),
  kind({
    prefix: "acl",
    resourceType: "network-acl",
    notFound: networkAclNotFound,
    collection: { field: "networkAcls", arrays: ["entries", "associations"] },
    holds: { vpcs: (acl) => (acl.isDefault ? [] : [acl.vpcId]) },
  }),
  kind({
    prefix: "i",
    resourceType: "instance",
    notFound: instanceNotFound,
    malformed: instanceMalformed,
    collection: { field: "instances", arrays: [] },
    pathEnd: { live: (i) => i.state !== "terminated" },
  }),
  kind({
    prefix: "eni",
    resourceType: "network-interface",
    notFound: eniNotFound,
    malformed: eniMalformed,
    collection: { field: "networkInterfaces", arrays: ["privateIps", "securityGroupIds"] },
    holds: { vpcs: (eni) => [eni.vpcId], subnets: (eni) => [eni.subnetId] },
    pathEnd: {},
  }),
  kind({
    prefix: "eipalloc",
    resourceType: "elastic-ip",
    notFound: allocationNotFound,
    malformed: allocationMalformed,
    collection: { field: "addresses", arrays: [] },
  }),
  kind({
    prefix: "vol",
    resourceType: "volume",
    notFound: volumeNotFound,
    malformed: volumeMalformed,
    collection: { field: "volumes", arrays: ["attachments"] },
  }),
  kind({
    prefix: "eigw",
    resourceType: "egress-only-internet-gateway",
    notFound: egressOnlyInternetGatewayNotFound,
    malformed: egressOnlyInternetGatewayMalformed,
    collection: { field: "egressOnlyInternetGateways", arrays: ["attachments"] },
    holds: { vpcs: (g) => g.attachments.map((a) => a.vpcId) },
  }),
  kind({
    prefix: "nat",
    resourceType: "natgateway",
    notFound: natGatewayNotFoundDescribe,
    malformed: natGatewayMalformed,
    collection: { field: "natGateways", arrays: ["addresses"] },
    // Its interface (while it has one) holds the subnet and the VPC.
  }),
  kind({
    prefix: "vpce",
    resourceType: "vpc-endpoint",
    notFound: vpcEndpointNotFound,
    malformed: vpcEndpointMalformed,
    collection: { field: "vpcEndpoints", arrays: ["routeTableIds", "subnetIds", "networkInterfaceIds", "groupIds"] },
    // A gateway endpoint has no interface, yet AWS refuses DeleteVpc while any endpoint stands.
    holds: { vpcs: (e) => (e.state === "deleted" ? [] : [e.vpcId]) },
  }),
  kind({
    prefix: "pl",
    resourceType: "prefix-list",
    notFound: prefixListNotFound,
    malformed: prefixListMalformed,
    collection: { field: "managedPrefixLists", arrays: ["entries", "versions"] },
  }),
  kind({
    prefix: "lt",
    resourceType: "launch-template",
    notFound: () => launchTemplateNotFoundById(),
    malformed: launchTemplateMalformed,
    collection: { field: "launchTemplates", arrays: ["versions"] },
  }),
  // Key pairs are held by name, so an id is found by scanning.
  kind({
    prefix: "key",
    resourceType: "key-pair",
    notFound: keyPairIdNotFound,
    collection: { field: "keyPairs", key: "name", arrays: [] },
  }),
  kind({
    prefix: "sgr",
    resourceType: "security-group-rule",
    notFound: securityGroupRuleNotFound,
    malformed: securityGroupRuleMalformed,
    list: (_w, rs) => [...rs.securityGroups.values()].flatMap((sg) => sg.rules),
    find: (_w, rs, id) => findRule(rs, id)?.rule,
  }),
  // A peering connection lives in the world; each side (account and region) has its own tags.
  kind({
    prefix: "pcx",
    resourceType: "vpc-peering-connection",
    notFound: peeringNotFound,
    malformed: peeringMalformed,
    list: (world, rs) =>
      [...world.peerings.values()]
        .filter((pcx) => isVisible(world, rs.account, rs.region, pcx))
        .map((pcx) => ({ id: pcx.id, tags: sideTags(pcx.tags, peeringTagKey(rs.account, rs.region)) })),
  }),
  kind({
    prefix: "tgw",
    resourceType: "transit-gateway",
    notFound: transitGatewayNotFound,
    collection: { field: "transitGateways", arrays: [] },
  }),
  kind({
    prefix: "tgw-rtb",
    resourceType: "transit-gateway-route-table",
    notFound: tgwRouteTableNotFound,
    collection: { field: "tgwRouteTables", arrays: ["routes", "associations", "propagations"] },
  }),
  // VPC attachments are regional records; peering attachments live in the world, tagged per side.
  kind({
    prefix: "tgw-attach",
    resourceType: "transit-gateway-attachment",
    notFound: tgwAttachmentNotFound,
    collection: { field: "tgwAttachments", arrays: ["subnetIds"] },
    // A transit gateway attachment keeps an interface in each of its subnets (vpclab does not model
    // the interface itself, so the attachment holds the subnet).
    holds: { subnets: (a) => (a.state === "deleted" ? [] : a.subnetIds) },
    list: (world, rs) => [
      ...rs.tgwAttachments.values(),
      ...[...world.tgwPeerings.values()]
        .filter((p) => tgwPeeringVisible(p, rs.account, rs.region))
        .map((p) => ({ id: p.id, tags: sideTags(p.tags, tgwPeeringTagKey(rs.account, rs.region)) })),
    ],
  }),
  kind({
    prefix: "vgw",
    resourceType: "vpn-gateway",
    notFound: vpnGatewayNotFound,
    collection: { field: "vpnGateways", arrays: ["attachments"] },
    // An attached (or attaching/detaching) gateway keeps its VPC from being deleted.
    holds: { vpcs: (g) => g.attachments.filter((a) => a.state !== "detached").map((a) => a.vpcId) },
  }),
  kind({ prefix: "cgw", resourceType: "customer-gateway", notFound: customerGatewayNotFound, collection: { field: "customerGateways", arrays: [] } }),
  kind({ prefix: "vpn", resourceType: "vpn-connection", notFound: vpnConnectionNotFound, collection: { field: "vpnConnections", arrays: ["routes"] } }),
  kind({
    prefix: "fl",
    resourceType: "vpc-flow-log",
    notFound: (id) => flowLogNotFound([id]),
    collection: { field: "flowLogs", arrays: ["fields"] },
    // A flow log whose resource is gone is no longer listed (AWS deletes it with the resource).
    list: (_w, rs) => liveFlowLogs(rs),
    find: (_w, rs, id) => liveFlowLogs(rs).find((f) => f.id === id),
  }),
  kind({ prefix: "nip", resourceType: "network-insights-path", notFound: pathNotFound, ...extra("insights.paths") }),
  kind({ prefix: "nia", resourceType: "network-insights-analysis", notFound: analysisNotFound, ...extra("insights.analyses") }),
];

/** The tags of one side's copy of a cross-region object, created on first use. */
function sideTags(bySide: Map<string, Tags>, key: string): Tags {
  let t = bySide.get(key);
  if (!t) bySide.set(key, (t = new Map()));
  return t;
}

const BY_PREFIX = new Map(KINDS.map((k) => [k.prefix, k]));
const BY_RESOURCE_TYPE = new Map(KINDS.map((k) => [k.resourceType, k]));
if (BY_PREFIX.size !== KINDS.length || BY_RESOURCE_TYPE.size !== KINDS.length) throw new Error("kinds.ts: two kinds share a prefix or a resource type");

/** The kind an id names by its prefix (two-part prefixes such as `tgw-attach-` first), if any. */
export function kindOfId(id: string): Kind | undefined {
  const dash = id.indexOf("-");
  const dash2 = dash > 0 ? id.indexOf("-", dash + 1) : -1;
  return (dash2 > 0 ? BY_PREFIX.get(id.slice(0, dash2)) : undefined) ?? BY_PREFIX.get(dash > 0 ? id.slice(0, dash) : "");
}

export function kindByResourceType(resourceType: string): Kind | undefined {
  return BY_RESOURCE_TYPE.get(resourceType);
}

/** The collection of a kind in one region (a Map of records by id, or by name for key pairs). */
export function collectionOf(rs: RegionState, k: Kind): Map<string, unknown> | undefined {
  return k.collection ? (rs[k.collection.field] as Map<string, unknown>) : undefined;
}

/** Every record of a kind that the caller sees in one account and region. */
export function recordsOf(world: World, rs: RegionState, k: Kind): Iterable<Tagged> {
  if (k.list) return k.list(world, rs);
  return (collectionOf(rs, k)?.values() ?? []) as Iterable<Tagged>;
}

/** The record of a kind with this id that the caller sees, if any. */
export function findRecord(world: World, rs: RegionState, k: Kind, id: string): Tagged | undefined {
  if (k.find) return k.find(world, rs, id);
  if (k.collection && (k.collection.key ?? "id") === "id" && !k.list) return collectionOf(rs, k)!.get(id) as Tagged | undefined;
  for (const r of recordsOf(world, rs, k)) if (r.id === id) return r;
  return undefined;
}

/** The ids of the records of this region that keep `vpcId` from being deleted (DeleteVpc). */
export function recordsHoldingVpc(rs: RegionState, vpcId: string): string[] {
  return holders(rs, "vpcs", vpcId);
}

/** The ids of the records of this region that keep `subnetId` from being deleted (DeleteSubnet). */
export function recordsHoldingSubnet(rs: RegionState, subnetId: string): string[] {
  return holders(rs, "subnets", subnetId);
}

function holders(rs: RegionState, what: "vpcs" | "subnets", id: string): string[] {
  const out: string[] = [];
  for (const k of KINDS) {
    const held = k.holds?.[what];
    const coll = collectionOf(rs, k);
    if (!held || !coll) continue;
    for (const r of coll.values()) if (held(r).includes(id)) out.push((r as Tagged).id);
  }
  return out;
}
