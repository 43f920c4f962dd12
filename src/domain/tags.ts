/**
 * Tags: validation, TagSpecifications on Create calls, and the id → resource lookup behind CreateTags,
 * DeleteTags and DescribeTags.
 *
 * Reference: EC2 User Guide "Tag your Amazon EC2 resources" (restrictions: 50 tags per resource, key up
 * to 128 characters, value up to 256, the `aws:` prefix reserved) and the CreateTags API.
 *
 * Fidelity notes:
 * - A VPC peering connection's tags are per side (account and region): each side's copy of the
 *   connection carries its own tags, as on AWS, so tagging the accepter's copy of an inter-region or
 *   cross-account connection leaves the requester's tags alone. A same-account, same-region connection
 *   is one resource with one set of tags.
 * - A TagSpecification whose ResourceType does not fit the Create call is refused with
 *   `InvalidParameterValue`, as EC2 does.
 */
import type { Tags, VpcPeeringConnection } from "./types.js";
import type { RegionState, World } from "../state/world.js";
import { isVisible, peeringTagKey } from "./peering.js";
import { peeringVisible as tgwPeeringVisible, tgwPeeringTagKey } from "./transit-gateways.js";
import { findRule } from "./security-groups.js";
import { analysesOf, pathsOf } from "./network-insights.js";
import { invalidParameterValue, tagLimitExceeded, missingParameter, notFound, invalidResourceId } from "./errors.js";

export const MAX_TAGS = 50;

export interface TagInput {
  Key?: string;
  Value?: string;
}

export interface TagSpecificationInput {
  ResourceType?: string;
  Tags?: TagInput[];
}

function validateKey(key: string | undefined): string {
  if (key === undefined) throw missingParameter("Tag.Key");
  if (key.length < 1) throw invalidParameterValue(`Value ( ) for parameter key is invalid. Tag keys must not be empty`);
  if (key.length > 128) throw invalidParameterValue(`Tag key exceeds the maximum length of 128 characters`);
  if (key.toLowerCase().startsWith("aws:")) {
    throw invalidParameterValue(`Value ( ${key} ) for parameter key is invalid. Tag keys starting with 'aws:' are reserved for internal use`);
  }
  return key;
}

function validateValue(value: string | undefined): string {
  const v = value ?? "";
  if (v.length > 256) throw invalidParameterValue(`Tag value exceeds the maximum length of 256 characters`);
  return v;
}

/** Validates a tag list into ordered [key, value] pairs (last one wins, as on AWS). */
export function parseTags(input: TagInput[] | undefined): [string, string][] {
  return (input ?? []).map((t) => [validateKey(t.Key), validateValue(t.Value)]);
}

/** The tags that a Create call's TagSpecifications give a resource of `resourceType`. */
export function tagsFromSpecifications(specs: TagSpecificationInput[] | undefined, resourceType: string): Tags {
  const tags: Tags = new Map();
  const seen = new Set<string>();
  for (const spec of specs ?? []) {
    if (spec.ResourceType === undefined) throw missingParameter("TagSpecification.ResourceType");
    if (spec.ResourceType !== resourceType) {
      throw invalidParameterValue(
        `'${spec.ResourceType}' is not a valid taggable resource type for this operation.`,
      );
    }
    if (seen.has(spec.ResourceType)) {
      throw invalidParameterValue(`The same resource type may not be specified more than once in tag specifications`);
    }
    seen.add(spec.ResourceType);
    for (const [k, v] of parseTags(spec.Tags)) tags.set(k, v);
  }
  if (tags.size > MAX_TAGS) throw tagLimitExceeded();
  return tags;
}

/** Tag specifications that name other resource types (RunInstances tags volumes and ENIs too). */
export function tagsForType(specs: TagSpecificationInput[] | undefined, resourceType: string): Tags {
  return tagsFromSpecifications(
    (specs ?? []).filter((s) => s.ResourceType === resourceType),
    resourceType,
  );
}

export interface TaggableRef {
  id: string;
  resourceType: string;
  tags: Tags;
}

/** The tags of the copy of a peering connection that `account` sees in `region`, created on first use. */
export function peeringTags(pcx: VpcPeeringConnection, account: string, region: string): Tags {
  const key = peeringTagKey(account, region);
  let t = pcx.tags.get(key);
  if (!t) {
    t = new Map();
    pcx.tags.set(key, t);
  }
  return t;
}

interface Tagged {
  id: string;
  tags: Tags;
}

/**
 * Every kind of taggable resource, once: its id prefix, its DescribeTags resource type, EC2's NotFound
 * code and noun for an unknown id, how to list those the caller sees, and (when a Map holds them by id)
 * how to find one.
 */
interface TaggableKind {
  prefix: string;
  resourceType: string;
  notFound: [string, string];
  all(world: World, rs: RegionState): Iterable<Tagged>;
  get?(world: World, rs: RegionState, id: string): Tagged | undefined;
}

const byId = (map: (rs: RegionState) => Map<string, Tagged>) => ({
  all: (_w: World, rs: RegionState) => map(rs).values(),
  get: (_w: World, rs: RegionState, id: string) => map(rs).get(id),
});

const KINDS: TaggableKind[] = [
  { prefix: "vpc", resourceType: "vpc", notFound: ["InvalidVpcID.NotFound", "vpc ID"], ...byId((rs) => rs.vpcs) },
  { prefix: "subnet", resourceType: "subnet", notFound: ["InvalidSubnetID.NotFound", "subnet ID"], ...byId((rs) => rs.subnets) },
  { prefix: "rtb", resourceType: "route-table", notFound: ["InvalidRouteTableID.NotFound", "routeTable ID"], ...byId((rs) => rs.routeTables) },
  { prefix: "igw", resourceType: "internet-gateway", notFound: ["InvalidInternetGatewayID.NotFound", "internetGateway ID"], ...byId((rs) => rs.internetGateways) },
  { prefix: "dopt", resourceType: "dhcp-options", notFound: ["InvalidDhcpOptionID.NotFound", "dhcpOption ID"], ...byId((rs) => rs.dhcpOptions) },
  { prefix: "sg", resourceType: "security-group", notFound: ["InvalidGroup.NotFound", "security group"], ...byId((rs) => rs.securityGroups) },
  { prefix: "acl", resourceType: "network-acl", notFound: ["InvalidNetworkAclID.NotFound", "networkAcl ID"], ...byId((rs) => rs.networkAcls) },
  { prefix: "i", resourceType: "instance", notFound: ["InvalidInstanceID.NotFound", "instance ID"], ...byId((rs) => rs.instances) },
  { prefix: "eni", resourceType: "network-interface", notFound: ["InvalidNetworkInterfaceID.NotFound", "networkInterface ID"], ...byId((rs) => rs.networkInterfaces) },
  { prefix: "eipalloc", resourceType: "elastic-ip", notFound: ["InvalidAllocationID.NotFound", "allocation ID"], ...byId((rs) => rs.addresses) },
  { prefix: "vol", resourceType: "volume", notFound: ["InvalidVolume.NotFound", "volume"], ...byId((rs) => rs.volumes) },
  { prefix: "eigw", resourceType: "egress-only-internet-gateway", notFound: ["InvalidEgressOnlyInternetGatewayId.NotFound", "egressOnlyInternetGateway ID"], ...byId((rs) => rs.egressOnlyInternetGateways) },
  { prefix: "pl", resourceType: "prefix-list", notFound: ["InvalidPrefixListID.NotFound", "prefix list ID"], ...byId((rs) => rs.managedPrefixLists) },
  { prefix: "vgw", resourceType: "vpn-gateway", notFound: ["InvalidVpnGatewayID.NotFound", "vpnGateway ID"], ...byId((rs) => rs.vpnGateways) },
  { prefix: "cgw", resourceType: "customer-gateway", notFound: ["InvalidCustomerGatewayID.NotFound", "customerGateway ID"], ...byId((rs) => rs.customerGateways) },
  { prefix: "vpn", resourceType: "vpn-connection", notFound: ["InvalidVpnConnectionID.NotFound", "vpnConnection ID"], ...byId((rs) => rs.vpnConnections) },
  { prefix: "lt", resourceType: "launch-template", notFound: ["InvalidLaunchTemplateId.NotFound", "launch template"], ...byId((rs) => rs.launchTemplates) },
  // Key pairs are held by name, so an id is found by scanning.
  { prefix: "key", resourceType: "key-pair", notFound: ["InvalidKeyPair.NotFound", "key pair ID"], all: (_w, rs) => rs.keyPairs.values() },
  {
    prefix: "sgr",
    resourceType: "security-group-rule",
    notFound: ["InvalidSecurityGroupRuleId.NotFound", "security group rule ID"],
    all: (_w, rs) => [...rs.securityGroups.values()].flatMap((sg) => sg.rules),
    get: (_w, rs, id) => findRule(rs, id)?.rule,
  },
  {
    prefix: "pcx",
    resourceType: "vpc-peering-connection",
    notFound: ["InvalidVpcPeeringConnectionID.NotFound", "vpcPeeringConnection ID"],
    all: (world, rs) =>
      [...world.peerings.values()]
        .filter((pcx) => isVisible(world, rs.account, rs.region, pcx))
        .map((pcx) => ({ id: pcx.id, tags: peeringTags(pcx, rs.account, rs.region) })),
  },
  { prefix: "tgw", resourceType: "transit-gateway", notFound: ["InvalidTransitGatewayID.NotFound", "transitGateway ID"], ...byId((rs) => rs.transitGateways) },
  { prefix: "tgw-rtb", resourceType: "transit-gateway-route-table", notFound: ["InvalidRouteTableID.NotFound", "transitGatewayRouteTable ID"], ...byId((rs) => rs.tgwRouteTables) },
  {
    prefix: "tgw-attach",
    resourceType: "transit-gateway-attachment",
    notFound: ["InvalidTransitGatewayAttachmentID.NotFound", "transitGatewayAttachment ID"],
    all: (world, rs) => [
      ...rs.tgwAttachments.values(),
      ...[...world.tgwPeerings.values()]
        .filter((p) => tgwPeeringVisible(p, rs.account, rs.region))
        .map((p) => {
          const key = tgwPeeringTagKey(rs.account, rs.region);
          let tags = p.tags.get(key);
          if (!tags) p.tags.set(key, (tags = new Map()));
          return { id: p.id, tags };
        }),
    ],
  },
  { prefix: "nip", resourceType: "network-insights-path", notFound: ["InvalidNetworkInsightsPathId.NotFound", "network insights path ID"], ...byId(pathsOf) },
  { prefix: "nia", resourceType: "network-insights-analysis", notFound: ["InvalidNetworkInsightsAnalysisId.NotFound", "network insights analysis ID"], ...byId(analysesOf) },
];

const KIND_BY_PREFIX = new Map(KINDS.map((k) => [k.prefix, k]));

/** Every taggable resource of one account and region (for DescribeTags). */
export function* taggables(world: World, rs: RegionState): Iterable<TaggableRef> {
  for (const kind of KINDS) {
    for (const r of kind.all(world, rs)) yield { id: r.id, resourceType: kind.resourceType, tags: r.tags };
  }
}

/** Finds the resource behind an id for CreateTags/DeleteTags; refuses ids of unknown kinds. */
export function findTaggable(world: World, rs: RegionState, id: string): TaggableRef {
  // Two-part prefixes (tgw-attach-…, tgw-rtb-…) first.
  const dash = id.indexOf("-");
  const dash2 = dash > 0 ? id.indexOf("-", dash + 1) : -1;
  const kind = (dash2 > 0 ? KIND_BY_PREFIX.get(id.slice(0, dash2)) : undefined) ?? KIND_BY_PREFIX.get(dash > 0 ? id.slice(0, dash) : "");
  if (!kind) throw invalidResourceId(id);
  const found = kind.get ? kind.get(world, rs, id) : [...kind.all(world, rs)].find((r) => r.id === id);
  if (!found) throw notFound(kind.notFound[0], kind.notFound[1], id);
  return { id, resourceType: kind.resourceType, tags: found.tags };
}
