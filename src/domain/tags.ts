/**
 * Tags: validation, TagSpecifications on Create calls, and the id → resource lookup behind CreateTags,
 * DeleteTags and DescribeTags.
 *
 * Reference: EC2 User Guide "Tag your Amazon EC2 resources" (restrictions: 50 tags per resource, key up
 * to 128 characters, value up to 256, the `aws:` prefix reserved) and the CreateTags API.
 *
 * Fidelity notes:
 * - A VPC peering connection's tags are per account, so each side tags its own view.
 * - A TagSpecification whose ResourceType does not fit the Create call is refused with
 *   `InvalidParameterValue`, as EC2 does.
 */
import type { Tags, VpcPeeringConnection } from "./types.js";
import type { RegionState, World } from "../state/world.js";
import { isVisible } from "./peering.js";
import { findRule } from "./security-groups.js";
import { analysesOf, pathsOf } from "./network-insights.js";
import { Ec2Error, invalidParameterValue, tagLimitExceeded, missingParameter, notFound } from "./errors.js";

/** The NotFound code and noun EC2 uses for each id prefix. */
const NOT_FOUND: Record<string, [string, string]> = {
  vpc: ["InvalidVpcID.NotFound", "vpc ID"],
  subnet: ["InvalidSubnetID.NotFound", "subnet ID"],
  rtb: ["InvalidRouteTableID.NotFound", "routeTable ID"],
  igw: ["InvalidInternetGatewayID.NotFound", "internetGateway ID"],
  dopt: ["InvalidDhcpOptionID.NotFound", "dhcpOption ID"],
  sg: ["InvalidGroup.NotFound", "security group"],
  acl: ["InvalidNetworkAclID.NotFound", "networkAcl ID"],
  i: ["InvalidInstanceID.NotFound", "instance ID"],
  eni: ["InvalidNetworkInterfaceID.NotFound", "networkInterface ID"],
  eipalloc: ["InvalidAllocationID.NotFound", "allocation ID"],
  key: ["InvalidKeyPair.NotFound", "key pair ID"],
  sgr: ["InvalidSecurityGroupRuleId.NotFound", "security group rule ID"],
  pcx: ["InvalidVpcPeeringConnectionID.NotFound", "vpcPeeringConnection ID"],
  nip: ["InvalidNetworkInsightsPathId.NotFound", "network insights path ID"],
  nia: ["InvalidNetworkInsightsAnalysisId.NotFound", "network insights analysis ID"],
};

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

/** Per-account tags of a peering connection, created on first use. */
export function peeringTags(pcx: VpcPeeringConnection, account: string): Tags {
  let t = pcx.tags.get(account);
  if (!t) {
    t = new Map();
    pcx.tags.set(account, t);
  }
  return t;
}


/** Every taggable resource of one account and region (for DescribeTags). */
export function* taggables(world: World, rs: RegionState): Iterable<TaggableRef> {
  const simple: [Map<string, { id: string; tags: Tags }>, string][] = [
    [rs.vpcs, "vpc"],
    [rs.subnets, "subnet"],
    [rs.routeTables, "route-table"],
    [rs.internetGateways, "internet-gateway"],
    [rs.dhcpOptions, "dhcp-options"],
    [rs.securityGroups, "security-group"],
    [rs.networkAcls, "network-acl"],
    [rs.instances, "instance"],
    [rs.networkInterfaces, "network-interface"],
    [rs.addresses, "elastic-ip"],
    [rs.keyPairs, "key-pair"],
  ];
  for (const [map, resourceType] of simple) {
    for (const r of map.values()) yield { id: r.id, resourceType, tags: r.tags };
  }
  for (const sg of rs.securityGroups.values()) {
    for (const rule of sg.rules) yield { id: rule.id, resourceType: "security-group-rule", tags: rule.tags };
  }
  for (const pcx of world.peerings.values()) {
    if (isVisible(world, rs.account, rs.region, pcx)) {
      yield { id: pcx.id, resourceType: "vpc-peering-connection", tags: peeringTags(pcx, rs.account) };
    }
  }
  for (const p of pathsOf(rs).values()) yield { id: p.id, resourceType: "network-insights-path", tags: p.tags };
  for (const a of analysesOf(rs).values()) yield { id: a.id, resourceType: "network-insights-analysis", tags: a.tags };
}

/** Finds the resource behind an id for CreateTags/DeleteTags; refuses ids of unknown kinds. */
export function findTaggable(world: World, rs: RegionState, id: string): TaggableRef {
  const dash = id.indexOf("-");
  const prefix = dash > 0 ? id.slice(0, dash) : "";
  const lookup: Record<string, () => { tags: Tags } | undefined> = {
    vpc: () => rs.vpcs.get(id),
    subnet: () => rs.subnets.get(id),
    rtb: () => rs.routeTables.get(id),
    igw: () => rs.internetGateways.get(id),
    dopt: () => rs.dhcpOptions.get(id),
    sg: () => rs.securityGroups.get(id),
    acl: () => rs.networkAcls.get(id),
    i: () => rs.instances.get(id),
    eni: () => rs.networkInterfaces.get(id),
    eipalloc: () => rs.addresses.get(id),
    key: () => [...rs.keyPairs.values()].find((k) => k.id === id),
    sgr: () => findRule(rs, id)?.rule,
    pcx: () => {
      const pcx = world.peerings.get(id);
      return pcx && isVisible(world, rs.account, rs.region, pcx) ? { tags: peeringTags(pcx, rs.account) } : undefined;
    },
    nip: () => pathsOf(rs).get(id),
    nia: () => analysesOf(rs).get(id),
  };
  const types: Record<string, string> = {
    vpc: "vpc", subnet: "subnet", rtb: "route-table", igw: "internet-gateway", dopt: "dhcp-options",
    sg: "security-group", acl: "network-acl", i: "instance", eni: "network-interface", eipalloc: "elastic-ip",
    key: "key-pair", sgr: "security-group-rule", pcx: "vpc-peering-connection",
    nip: "network-insights-path", nia: "network-insights-analysis",
  };
  const find = lookup[prefix];
  if (!find) throw new Ec2Error("InvalidID", `The ID '${id}' is not valid`);
  const found = find();
  if (!found) {
    const [code, noun] = NOT_FOUND[prefix]!;
    throw notFound(code, noun, id);
  }
  return { id, resourceType: types[prefix]!, tags: found.tags };
}
