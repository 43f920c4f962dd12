/**
 * VPCs: creation with everything AWS creates alongside (main route table, default security group,
 * default network ACL, the region's default DHCP options), the default VPC of each region, deletion,
 * secondary IPv4 CIDR blocks and the DNS attributes.
 *
 * References: EC2 API CreateVpc, DeleteVpc, AssociateVpcCidrBlock, CreateDefaultVpc; VPC User Guide
 * "Default VPCs", "IP addressing for your VPCs and subnets" (IPv4 CIDR block association restrictions).
 *
 * Fidelity notes:
 * - A CIDR with host bits set (`10.0.0.1/16`) is canonicalised, as the console and API do.
 * - The default VPC's subnets are `172.31.0.0/20`, `172.31.16.0/20`, … in zone order.
 * - IPv6 blocks (Amazon-provided /56s) live in domain/ipv6.ts; the API handlers combine the two.
 * - CreateVpc answers `pending`; the VPC is `available` from the next request on (delay
 *   `vpc.available` models AWS's timing). A region's default VPC is `available` from the start.
 */
import { defineTransition, type RegionState, type World } from "../state/world.js";
import type { NetworkAcl, NetworkAclEntry, SecurityGroup, Tags, Vpc } from "./types.js";
import { cidrOf, containsCidr, formatCidr, overlaps, parseCidr } from "./cidr.js";
import {
  cidrAssociationNotFound,
  defaultVpcAlreadyExists,
  dependencyViolation,
  invalidCidr,
  invalidParameterValue,
  vpcLimitExceeded,
  vpcRange,
  missingVpcCidr,
  vpcCidrOverlap,
  vpcCidrRestricted,
  cidrLimitExceeded,
  primaryCidrNotDisassociable,
} from "./errors.js";
import { zonesOf } from "../model/regions.js";
import { defaultVpc, getVpc } from "./lookup.js";
import { recordsHoldingVpc } from "./kinds.js";
import { createSubnetRecord } from "./subnets.js";
import { createRouteTableRecord, addRoute } from "./route-tables.js";
import { attachGateway, createInternetGatewayRecord } from "./internet-gateways.js";
import { deletePeering } from "./peering.js";
import { allowAllEgressRule } from "./security-groups.js";

defineTransition("vpc.available", (world, t) => {
  const vpc = world.existingRegion(t.account, t.region)?.vpcs.get(t.id);
  if (vpc) vpc.state = "available";
});

/** Parses and range-checks a VPC IPv4 block (/16 to /28), canonicalising host bits. */
export function vpcCidr(text: string | undefined, param = "cidrBlock"): string {
  if (text === undefined || text === "") {
    throw missingVpcCidr(["cidrBlock", "ipv4IpamPoolId"]);
  }
  const c = parseCidr(text);
  if (!c) {
    throw invalidParameterValue(`Value (${text}) for parameter ${param} is invalid. This is not a valid CIDR block.`);
  }
  if (c.prefix < 16 || c.prefix > 28) throw vpcRange(text);
  return formatCidr(c);
}

/** The region's default DHCP options set, created with the region. */
function createDefaultDhcpOptions(world: World, rs: RegionState): string {
  const id = world.ids.next("dopt");
  const domain = rs.region === "us-east-1" ? "ec2.internal" : `${rs.region}.compute.internal`;
  rs.dhcpOptions.set(id, {
    id,
    ownerId: rs.account,
    region: rs.region,
    tags: new Map(),
    configurations: [
      { key: "domain-name", values: [domain] },
      { key: "domain-name-servers", values: ["AmazonProvidedDNS"] },
    ],
  });
  rs.defaultDhcpOptionsId = id;
  return id;
}

function regionDefaultDhcp(world: World, rs: RegionState): string {
  const id = rs.defaultDhcpOptionsId;
  return id !== undefined && rs.dhcpOptions.has(id) ? id : createDefaultDhcpOptions(world, rs);
}

const ALL_ENTRIES = (egress: boolean): NetworkAclEntry[] => [
  { ruleNumber: 100, egress, protocol: "-1", ruleAction: "allow", cidrBlock: "0.0.0.0/0" },
  { ruleNumber: 32767, egress, protocol: "-1", ruleAction: "deny", cidrBlock: "0.0.0.0/0" },
];

/** Makes a VPC record and the resources AWS creates with every VPC. Validation is the caller's. */
export function createVpcRecord(
  world: World,
  rs: RegionState,
  cidr: string,
  opts: { isDefault?: boolean; tenancy?: string; tags?: Tags } = {},
): Vpc {
  const id = world.ids.next("vpc");
  const vpc: Vpc = {
    id,
    ownerId: rs.account,
    region: rs.region,
    tags: opts.tags ?? new Map(),
    cidrBlocks: [{ associationId: world.ids.next("vpc-cidr-assoc"), cidr, state: "associated" }],
    // CreateVpc answers `pending`, as AWS does; the VPC is `available` from the next request on.
    state: "pending",
    isDefault: opts.isDefault ?? false,
    instanceTenancy: opts.tenancy ?? "default",
    dhcpOptionsId: regionDefaultDhcp(world, rs),
    enableDnsSupport: true,
    enableDnsHostnames: opts.isDefault ?? false,
    enableNetworkAddressUsageMetrics: false,
  };
  rs.vpcs.set(id, vpc);
  world.after("vpc.available", { kind: "vpc.available", id, account: rs.account, region: rs.region });

  const main = createRouteTableRecord(world, rs, vpc);
  main.associations.push({ id: world.ids.next("rtbassoc"), main: true });

  const sgId = world.ids.next("sg");
  const sg: SecurityGroup = {
    id: sgId,
    ownerId: rs.account,
    region: rs.region,
    tags: new Map(),
    vpcId: id,
    name: "default",
    description: "default VPC security group",
    isDefault: true,
    rules: [
      {
        id: world.ids.next("sgr"),
        groupId: sgId,
        isEgress: false,
        ipProtocol: "-1",
        fromPort: -1,
        toPort: -1,
        referencedGroup: { groupId: sgId, userId: rs.account },
        tags: new Map(),
      },
      allowAllEgressRule(world, sgId),
    ],
  };
  rs.securityGroups.set(sgId, sg);

  const aclId = world.ids.next("acl");
  const acl: NetworkAcl = {
    id: aclId,
    ownerId: rs.account,
    region: rs.region,
    tags: new Map(),
    vpcId: id,
    isDefault: true,
    entries: [...ALL_ENTRIES(true), ...ALL_ENTRIES(false)],
    associations: [],
  };
  rs.networkAcls.set(aclId, acl);
  return vpc;
}

/** The default VPC as AWS makes it: 172.31.0.0/16, a default /20 per zone, an IGW and a default route. */
export function createDefaultVpcIn(world: World, rs: RegionState): Vpc {
  const vpc = createVpcRecord(world, rs, "172.31.0.0/16", { isDefault: true });
  vpc.state = "available";
  zonesOf(rs.region).forEach((zone, i) => {
    const cidr = formatCidr({ base: cidrOf("172.31.0.0/16").base + i * 4096, prefix: 20 });
    createSubnetRecord(world, rs, vpc, { cidr, zone, defaultForAz: true, mapPublicIpOnLaunch: true });
  });
  const igw = createInternetGatewayRecord(world, rs, new Map());
  attachGateway(igw, vpc.id);
  addRoute(mainRouteTable(rs, vpc.id), { destinationCidr: "0.0.0.0/0", target: { kind: "igw", id: igw.id }, origin: "CreateRoute" });
  return vpc;
}

export function mainRouteTable(rs: RegionState, vpcId: string) {
  for (const rt of rs.routeTables.values()) {
    if (rt.vpcId === vpcId && rt.associations.some((a) => a.main)) return rt;
  }
  throw new Error(`VPC ${vpcId} has no main route table`);
}

export function createVpc(world: World, rs: RegionState, cidrText: string | undefined, tenancy: string | undefined, tags: Tags): Vpc {
  const cidr = vpcCidr(cidrText);
  if (tenancy !== undefined && !["default", "dedicated", "host"].includes(tenancy)) {
    throw invalidParameterValue(`Value (${tenancy}) for parameter instanceTenancy is invalid.`);
  }
  if (rs.vpcs.size >= world.quotas.vpcsPerRegion) throw vpcLimitExceeded();
  return createVpcRecord(world, rs, cidr, { tenancy, tags });
}

export function createDefaultVpc(world: World, rs: RegionState): Vpc {
  const existing = defaultVpc(rs);
  if (existing) throw defaultVpcAlreadyExists(existing.id);
  if (rs.vpcs.size >= world.quotas.vpcsPerRegion) throw vpcLimitExceeded();
  return createDefaultVpcIn(world, rs);
}

/** What still stands in a VPC and blocks its deletion (AWS's DependencyViolation). */
function vpcDependencies(world: World, rs: RegionState, vpc: Vpc): string[] {
  // Subnets, non-main route tables, attached gateways, non-default groups and ACLs, interfaces, …: every
  // kind that says in the registry (domain/kinds.ts) that it holds a VPC.
  const deps = recordsHoldingVpc(rs, vpc.id);
  for (const pcx of livePeeringsOf(world, rs, vpc)) {
    // AWS: "You cannot delete a VPC for which you have a pending-acceptance request from a VPC in
    // another account. You must first reject the VPC peering connection request."
    const isAccepter = pcx.accepter.vpcId === vpc.id && pcx.accepter.ownerId === rs.account && pcx.accepter.region === rs.region;
    if (pcx.status.code === "pending-acceptance" && isAccepter && pcx.requester.ownerId !== rs.account) deps.push(pcx.id);
  }
  return deps;
}

function livePeeringsOf(world: World, rs: RegionState, vpc: Vpc) {
  const live = ["initiating-request", "pending-acceptance", "provisioning", "active"];
  return [...world.peerings.values()].filter(
    (pcx) =>
      live.includes(pcx.status.code) &&
      [pcx.requester, pcx.accepter].some((s) => s.vpcId === vpc.id && s.ownerId === rs.account && s.region === rs.region),
  );
}

/**
 * Deleting a VPC also deletes its active peering connections and the requests it made that are
 * still pending (VPC Peering Guide, "Delete a VPC peering connection"); a pending request *from
 * another account* blocks the deletion until it is rejected.
 */
export function deleteVpc(world: World, rs: RegionState, id: string | undefined): void {
  const vpc = getVpc(rs, id);
  if (vpcDependencies(world, rs, vpc).length > 0) {
    throw dependencyViolation(`The vpc '${vpc.id}' has dependencies and cannot be deleted.`);
  }
  for (const pcx of livePeeringsOf(world, rs, vpc)) deletePeering(world, rs.account, rs.region, pcx.id);
  for (const [rid, rt] of rs.routeTables) if (rt.vpcId === vpc.id) rs.routeTables.delete(rid);
  for (const [sid, sg] of rs.securityGroups) if (sg.vpcId === vpc.id) rs.securityGroups.delete(sid);
  for (const [aid, acl] of rs.networkAcls) if (acl.vpcId === vpc.id) rs.networkAcls.delete(aid);
  rs.vpcs.delete(vpc.id);
}

const RESTRICTED_SECONDARY = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "198.19.0.0/16"].map(cidrOf);

/**
 * AWS's IPv4 association restrictions: a secondary block may not come from a different RFC 1918
 * range (or 198.19.0.0/16) than the primary block; 100.64.0.0/10 and public ranges are allowed.
 */
export function associateVpcCidrBlock(world: World, rs: RegionState, vpcId: string | undefined, cidrText: string | undefined) {
  const vpc = getVpc(rs, vpcId);
  if (cidrText === undefined) {
    throw missingVpcCidr(["cidrBlock", "ipv4IpamPoolId", "amazonProvidedIpv6CidrBlock"]);
  }
  const parsed = parseCidr(cidrText);
  if (!parsed) throw invalidCidr(cidrText);
  const cidr = vpcCidr(cidrText);
  const c = cidrOf(cidr);
  const primary = cidrOf(vpc.cidrBlocks[0]!.cidr);
  const primaryRange = RESTRICTED_SECONDARY.find((r) => containsCidr(r, primary));
  for (const r of RESTRICTED_SECONDARY) {
    if (overlaps(r, c) && r !== primaryRange) {
      throw vpcCidrRestricted(cidr);
    }
  }
  for (const b of vpc.cidrBlocks) {
    if (overlaps(cidrOf(b.cidr), c)) {
      throw vpcCidrOverlap(cidr);
    }
  }
  if (vpc.cidrBlocks.length >= world.quotas.cidrBlocksPerVpc) {
    throw cidrLimitExceeded(vpc.id, world.quotas.cidrBlocksPerVpc);
  }
  const assoc = { associationId: world.ids.next("vpc-cidr-assoc"), cidr, state: "associated" as const };
  vpc.cidrBlocks.push(assoc);
  for (const rt of rs.routeTables.values()) {
    if (rt.vpcId === vpc.id) addRoute(rt, { destinationCidr: cidr, target: { kind: "local" }, origin: "CreateRouteTable" });
  }
  return { vpc, assoc };
}

export function disassociateVpcCidrBlock(world: World, rs: RegionState, associationId: string | undefined) {
  for (const vpc of rs.vpcs.values()) {
    const i = vpc.cidrBlocks.findIndex((b) => b.associationId === associationId);
    if (i < 0) continue;
    const block = vpc.cidrBlocks[i]!;
    if (i === 0) {
      throw primaryCidrNotDisassociable(associationId);
    }
    const c = cidrOf(block.cidr);
    for (const s of rs.subnets.values()) {
      if (s.vpcId === vpc.id && s.cidr !== "" && containsCidr(c, cidrOf(s.cidr))) {
        throw dependencyViolation(`The vpc CIDR block '${block.cidr}' has dependencies and cannot be disassociated.`);
      }
    }
    vpc.cidrBlocks.splice(i, 1);
    for (const rt of rs.routeTables.values()) {
      if (rt.vpcId === vpc.id) {
        rt.routes = rt.routes.filter((r) => !(r.target.kind === "local" && r.destinationCidr === block.cidr));
      }
    }
    return { vpc, assoc: { ...block, state: "disassociating" as const } };
  }
  throw cidrAssociationNotFound(associationId ?? "");
}

