/**
 * Transit gateway operations: Create/Describe/Modify/DeleteTransitGateway(s);
 * Create/Describe/Modify/Delete/Accept/RejectTransitGatewayVpcAttachment(s);
 * Create/Describe/DeleteTransitGatewayRouteTable(s); Associate/DisassociateTransitGatewayRouteTable;
 * Enable/DisableTransitGatewayRouteTablePropagation; Create/Delete/ReplaceTransitGatewayRoute;
 * SearchTransitGatewayRoutes; GetTransitGatewayRouteTableAssociations/Propagations;
 * GetTransitGatewayAttachmentPropagations; DescribeTransitGatewayAttachments;
 * Create/Accept/Reject/Describe/DeleteTransitGatewayPeeringAttachment(s).
 *
 * Reference: EC2 API reference for each action and its documented filters.
 *
 * Fidelity notes: see domain/transit-gateways.ts. Association and propagation answers carry the
 * settled states (`associated`, `enabled`) in Get…; Associate answers `associating` and Disassociate
 * `disassociating`, as AWS does, though vpclab's change is immediate. SearchTransitGatewayRoutes
 * answers at most MaxResults routes (default 1000) with AdditionallyAvailable, and has no NextToken,
 * as on AWS. A peering attachment's `Options.DynamicRouting` is accepted only as `disable`.
 */
import type * as Ec2 from "@aws-sdk/client-ec2";
import type { Operations } from "./context.js";
import { tagList } from "./context.js";
import type { TgwPeeringAttachment, TgwRouteTable, TgwVpcAttachment, TransitGateway } from "../domain/types.js";
import {
  acceptOrRejectVpcAttachment,
  sharedVpcAttachments,
  acceptTgwPeering,
  allAttachments,
  associate,
  associationOf,
  createTgwPeering,
  createTgwRoute,
  createTgwRouteTable,
  createTransitGateway,
  createVpcAttachment,
  deleteTgwPeering,
  deleteTgwRoute,
  deleteTgwRouteTable,
  deleteTransitGateway,
  deleteVpcAttachment,
  disablePropagation,
  disassociate,
  effectiveRoutes,
  enablePropagation,
  getAnyAttachment,
  getTgwRouteTable,
  localSide,
  modifyTransitGateway,
  modifyVpcAttachment,
  peeringVisible,
  rejectTgwPeering,
  remoteSide,
  replaceTgwRoute,
  tgwPeeringTagKey,
  type AnyAttachment,
  type EffectiveTgwRoute,
} from "../domain/transit-gateways.js";
import { applyFilters, paginate, selectByIds, type FilterSpec } from "../domain/describe.js";
import { tagsFromSpecifications } from "../domain/tags.js";
import { parseCidr, type Cidr } from "../domain/cidr.js";
import { containsCidr6, parseCidr6, type Cidr6 } from "../domain/cidr6.js";
import { invalidParameterValue, missingParameter, tgwAttachmentNotFound, tgwRouteTableNotFound, transitGatewayNotFound } from "../domain/errors.js";
import type { RegionState, World } from "../state/world.js";

const iso = (ms: number) => new Date(ms);

function tgwView(t: TransitGateway): Ec2.TransitGateway {
  const o = t.options;
  return {
    TransitGatewayId: t.id,
    TransitGatewayArn: `arn:aws:ec2:${t.region}:${t.ownerId}:transit-gateway/${t.id}`,
    State: t.state,
    OwnerId: t.ownerId,
    Description: t.description,
    CreationTime: iso(t.createdAt),
    Options: {
      AmazonSideAsn: o.amazonSideAsn,
      TransitGatewayCidrBlocks: o.cidrBlocks.length > 0 ? o.cidrBlocks : undefined,
      AutoAcceptSharedAttachments: o.autoAcceptSharedAttachments,
      DefaultRouteTableAssociation: o.defaultRouteTableAssociation,
      AssociationDefaultRouteTableId: o.associationDefaultRouteTableId,
      DefaultRouteTablePropagation: o.defaultRouteTablePropagation,
      PropagationDefaultRouteTableId: o.propagationDefaultRouteTableId,
      VpnEcmpSupport: o.vpnEcmpSupport,
      DnsSupport: o.dnsSupport,
      SecurityGroupReferencingSupport: o.securityGroupReferencingSupport,
      MulticastSupport: o.multicastSupport,
    },
    Tags: tagList(t.tags),
  };
}

function vpcAttachmentView(a: TgwVpcAttachment): Ec2.TransitGatewayVpcAttachment {
  return {
    TransitGatewayAttachmentId: a.id,
    TransitGatewayId: a.transitGatewayId,
    VpcId: a.vpcId,
    VpcOwnerId: a.vpcOwnerId ?? a.ownerId,
    State: a.state,
    SubnetIds: a.subnetIds,
    CreationTime: iso(a.createdAt),
    Options: {
      DnsSupport: a.options.dnsSupport,
      Ipv6Support: a.options.ipv6Support,
      ApplianceModeSupport: a.options.applianceModeSupport,
      SecurityGroupReferencingSupport: a.options.securityGroupReferencingSupport,
    },
    Tags: tagList(a.tags),
  };
}

function rtbView(r: TgwRouteTable): Ec2.TransitGatewayRouteTable {
  return {
    TransitGatewayRouteTableId: r.id,
    TransitGatewayId: r.transitGatewayId,
    State: r.state,
    DefaultAssociationRouteTable: r.defaultAssociationRouteTable,
    DefaultPropagationRouteTable: r.defaultPropagationRouteTable,
    CreationTime: iso(r.createdAt),
    Tags: tagList(r.tags),
  };
}

function peeringView(p: TgwPeeringAttachment, account: string, region: string): Ec2.TransitGatewayPeeringAttachment {
  const side = (s: TgwPeeringAttachment["requester"]) => ({ TransitGatewayId: s.transitGatewayId, OwnerId: s.ownerId, Region: s.region });
  return {
    TransitGatewayAttachmentId: p.id,
    RequesterTgwInfo: side(p.requester),
    AccepterTgwInfo: side(p.accepter),
    Options: { DynamicRouting: "disable" },
    Status: { Code: p.state, Message: p.statusMessage },
    State: p.state,
    CreationTime: iso(p.createdAt),
    Tags: tagList(p.tags.get(tgwPeeringTagKey(account, region)) ?? new Map()),
  };
}

function attachmentTags(a: AnyAttachment, account: string, region: string): Map<string, string> {
  return a.vpc ? a.vpc.tags : (a.peering!.tags.get(tgwPeeringTagKey(account, region)) ?? new Map());
}

function attachmentView(rs: RegionState, a: AnyAttachment): Ec2.TransitGatewayAttachment {
  const assoc = associationOf(rs, a.id);
  const tgw = rs.transitGateways.get(a.transitGatewayId);
  return {
    TransitGatewayAttachmentId: a.id,
    TransitGatewayId: a.transitGatewayId,
    TransitGatewayOwnerId: tgw?.ownerId ?? rs.account,
    ResourceOwnerId: a.resourceOwnerId,
    ResourceType: a.type,
    ResourceId: a.resourceId,
    State: a.state,
    Association: assoc ? { TransitGatewayRouteTableId: assoc.id, State: "associated" } : undefined,
    CreationTime: iso(a.vpc ? a.vpc.createdAt : a.peering!.createdAt),
    Tags: tagList(attachmentTags(a, rs.account, rs.region)),
  };
}

function routeView(r: EffectiveTgwRoute): Ec2.TransitGatewayRoute {
  return {
    DestinationCidrBlock: r.destinationCidr,
    PrefixListId: r.prefixListId,
    TransitGatewayAttachments: r.attachment
      ? [{ ResourceId: r.attachment.resourceId, TransitGatewayAttachmentId: r.attachment.id, ResourceType: r.attachment.type }]
      : undefined,
    Type: r.type,
    State: r.state,
  };
}

/** The route a Create/Replace/Delete call answers with (AWS echoes the static route). */
function staticView(world: World, rs: RegionState, rtb: TgwRouteTable, cidr: string, state?: "deleted"): Ec2.TransitGatewayRoute {
  const r = effectiveRoutes(world, rs, rtb).find((x) => x.destinationCidr === cidr && x.type === "static");
  if (r) return routeView(r);
  return { DestinationCidrBlock: cidr, Type: "static", State: state ?? "deleted" };
}

const TGW_FILTERS: FilterSpec<TransitGateway> = {
  "options.amazon-side-asn": (t) => String(t.options.amazonSideAsn),
  "options.association-default-route-table-id": (t) => t.options.associationDefaultRouteTableId,
  "options.propagation-default-route-table-id": (t) => t.options.propagationDefaultRouteTableId,
  "options.auto-accept-shared-attachments": (t) => t.options.autoAcceptSharedAttachments,
  "options.default-route-table-association": (t) => t.options.defaultRouteTableAssociation,
  "options.default-route-table-propagation": (t) => t.options.defaultRouteTablePropagation,
  "options.dns-support": (t) => t.options.dnsSupport,
  "options.vpn-ecmp-support": (t) => t.options.vpnEcmpSupport,
  "owner-id": (t) => t.ownerId,
  state: (t) => t.state,
  "transit-gateway-id": (t) => t.id,
};

const VPC_ATTACHMENT_FILTERS: FilterSpec<TgwVpcAttachment> = {
  state: (a) => a.state,
  "transit-gateway-attachment-id": (a) => a.id,
  "transit-gateway-id": (a) => a.transitGatewayId,
  "vpc-id": (a) => a.vpcId,
};

const RTB_FILTERS: FilterSpec<TgwRouteTable> = {
  "default-association-route-table": (r) => String(r.defaultAssociationRouteTable),
  "default-propagation-route-table": (r) => String(r.defaultPropagationRouteTable),
  state: (r) => r.state,
  "transit-gateway-id": (r) => r.transitGatewayId,
  "transit-gateway-route-table-id": (r) => r.id,
};

function attachmentFilters(rs: RegionState): FilterSpec<AnyAttachment> {
  return {
    "association.transit-gateway-route-table-id": (a) => associationOf(rs, a.id)?.id,
    "association.state": (a) => (associationOf(rs, a.id) ? "associated" : undefined),
    "resource-id": (a) => a.resourceId,
    "resource-owner-id": (a) => a.resourceOwnerId,
    "resource-type": (a) => a.type,
    state: (a) => a.state,
    "transit-gateway-attachment-id": (a) => a.id,
    "transit-gateway-id": (a) => a.transitGatewayId,
    "transit-gateway-owner-id": (a) => rs.transitGateways.get(a.transitGatewayId)?.ownerId ?? rs.account,
  };
}

function peeringFilters(account: string, region: string): FilterSpec<TgwPeeringAttachment> {
  return {
    "transit-gateway-attachment-id": (p) => p.id,
    "local-owner-id": (p) => localSide(p, account, region).ownerId,
    "remote-owner-id": (p) => remoteSide(p, account, region).ownerId,
    state: (p) => p.state,
    "transit-gateway-id": (p) => [p.requester.transitGatewayId, p.accepter.transitGatewayId],
  };
}

/** Attachment-level filters of the Get…Associations/Propagations calls. */
const LINK_FILTERS: FilterSpec<AnyAttachment> = {
  "resource-id": (a) => a.resourceId,
  "resource-type": (a) => a.type,
  "transit-gateway-attachment-id": (a) => a.id,
};

function linkedAttachments(world: World, rs: RegionState, ids: string[]): AnyAttachment[] {
  return ids.map((id) => getAnyAttachment(world, rs, id));
}

/** A route-search prefix of either family (a filter never matches a route of the other family). */
type AnyPrefix = { v6: false; c: Cidr } | { v6: true; c: Cidr6 };

function prefixOf(text: string): AnyPrefix | undefined {
  const c = parseCidr(text);
  if (c) return { v6: false, c };
  const c6 = text.includes(":") ? parseCidr6(text) : undefined;
  return c6 ? { v6: true, c: c6 } : undefined;
}

/** True when `inner` lies within `outer` (same family). */
function within(inner: AnyPrefix, outer: AnyPrefix): boolean {
  if (inner.v6 !== outer.v6 || inner.c.prefix < outer.c.prefix) return false;
  if (inner.v6 && outer.v6) return containsCidr6(outer.c, inner.c);
  const i = inner.c as Cidr;
  const o = outer.c as Cidr;
  const mask = o.prefix === 0 ? 0 : (0xffffffff << (32 - o.prefix)) >>> 0;
  return ((i.base & mask) >>> 0) === o.base;
}

/** The route-search.* filters compare prefixes, not strings, so they are applied here. */
function searchRoutes(routes: EffectiveTgwRoute[], filters: Ec2.Filter[]): { routes: EffectiveTgwRoute[]; rest: Ec2.Filter[] } {
  const rest: Ec2.Filter[] = [];
  let out = routes;
  for (const f of filters) {
    const values = f.Values ?? [];
    const test = (pred: (r: AnyPrefix, q: AnyPrefix) => boolean) => {
      const qs = values.map((v) => {
        const q = prefixOf(v);
        if (!q) throw invalidParameterValue(`The filter value '${v}' of '${f.Name}' is not a valid CIDR block.`);
        return q;
      });
      out = out.filter((r) => qs.some((q) => pred(prefixOf(r.destinationCidr)!, q)));
    };
    switch (f.Name) {
      case "route-search.exact-match":
        test((r, q) => within(r, q) && r.c.prefix === q.c.prefix);
        break;
      case "route-search.subnet-of-match":
        test((r, q) => within(r, q));
        break;
      case "route-search.supernet-of-match":
        test((r, q) => within(q, r));
        break;
      case "route-search.longest-prefix-match": {
        test((r, q) => within(q, r));
        const best = Math.max(-1, ...out.map((r) => prefixOf(r.destinationCidr)!.c.prefix));
        out = out.filter((r) => prefixOf(r.destinationCidr)!.c.prefix === best);
        break;
      }
      default:
        rest.push(f);
    }
  }
  return { routes: out, rest };
}

const ROUTE_FILTERS: FilterSpec<EffectiveTgwRoute> = {
  "attachment.transit-gateway-attachment-id": (r) => r.attachment?.id,
  "attachment.resource-id": (r) => r.attachment?.resourceId,
  "attachment.resource-type": (r) => r.attachment?.type,
  state: (r) => r.state,
  type: (r) => r.type,
};

export const transitGatewayOperations = {
  CreateTransitGateway: ({ world, rs }, input) => {
    const tgw = createTransitGateway(
      world,
      rs,
      input.Description,
      input.Options,
      tagsFromSpecifications(input.TagSpecifications, "transit-gateway"),
      new Map(),
    );
    return { TransitGateway: tgwView(tgw) };
  },
  DescribeTransitGateways: ({ rs }, input) => {
    const selected = selectByIds(rs.transitGateways, input.TransitGatewayIds, transitGatewayNotFound);
    const filtered = applyFilters(selected, input.Filters, TGW_FILTERS, (t) => t.tags);
    const page = paginate(filtered, input, [5, 1000], (t) => t.id);
    return { TransitGateways: page.items.map(tgwView), NextToken: page.nextToken };
  },
  ModifyTransitGateway: ({ world, rs }, input) => ({
    TransitGateway: tgwView(modifyTransitGateway(world, rs, input.TransitGatewayId, input.Description, input.Options)),
  }),
  DeleteTransitGateway: ({ world, rs }, input) => ({ TransitGateway: tgwView(deleteTransitGateway(world, rs, input.TransitGatewayId)) }),

  CreateTransitGatewayVpcAttachment: ({ world, rs }, input) => ({
    TransitGatewayVpcAttachment: vpcAttachmentView(
      createVpcAttachment(world, rs, input.TransitGatewayId, input.VpcId, input.SubnetIds, input.Options, tagsFromSpecifications(input.TagSpecifications, "transit-gateway-attachment")),
    ),
  }),
  DescribeTransitGatewayVpcAttachments: ({ world, rs }, input) => {
    // The caller's gateways' attachments, and its VPCs' attachments to other accounts' gateways.
    const visible = new Map(rs.tgwAttachments);
    for (const a of sharedVpcAttachments(world, rs)) visible.set(a.id, a);
    const selected = selectByIds(visible, input.TransitGatewayAttachmentIds, tgwAttachmentNotFound);
    const filtered = applyFilters(selected, input.Filters, VPC_ATTACHMENT_FILTERS, (a) => a.tags);
    const page = paginate(filtered, input, [5, 1000], (a) => a.id);
    return { TransitGatewayVpcAttachments: page.items.map(vpcAttachmentView), NextToken: page.nextToken };
  },
  ModifyTransitGatewayVpcAttachment: ({ world, rs }, input) => ({
    TransitGatewayVpcAttachment: vpcAttachmentView(
      modifyVpcAttachment(world, rs, input.TransitGatewayAttachmentId, input.AddSubnetIds, input.RemoveSubnetIds, input.Options),
    ),
  }),
  DeleteTransitGatewayVpcAttachment: ({ world, rs }, input) => ({
    TransitGatewayVpcAttachment: vpcAttachmentView(deleteVpcAttachment(world, rs, input.TransitGatewayAttachmentId)),
  }),
  AcceptTransitGatewayVpcAttachment: ({ world, rs }, input) => ({ TransitGatewayVpcAttachment: vpcAttachmentView(acceptOrRejectVpcAttachment(world, rs, input.TransitGatewayAttachmentId, true)) }),
  RejectTransitGatewayVpcAttachment: ({ world, rs }, input) => ({ TransitGatewayVpcAttachment: vpcAttachmentView(acceptOrRejectVpcAttachment(world, rs, input.TransitGatewayAttachmentId, false)) }),

  CreateTransitGatewayRouteTable: ({ world, rs }, input) => ({
    TransitGatewayRouteTable: rtbView(
      createTgwRouteTable(world, rs, input.TransitGatewayId, tagsFromSpecifications(input.TagSpecifications, "transit-gateway-route-table")),
    ),
  }),
  DescribeTransitGatewayRouteTables: ({ rs }, input) => {
    const selected = selectByIds(rs.tgwRouteTables, input.TransitGatewayRouteTableIds, tgwRouteTableNotFound);
    const filtered = applyFilters(selected, input.Filters, RTB_FILTERS, (r) => r.tags);
    const page = paginate(filtered, input, [5, 1000], (r) => r.id);
    return { TransitGatewayRouteTables: page.items.map(rtbView), NextToken: page.nextToken };
  },
  DeleteTransitGatewayRouteTable: ({ world, rs }, input) => ({
    TransitGatewayRouteTable: rtbView(deleteTgwRouteTable(world, rs, input.TransitGatewayRouteTableId)),
  }),
  AssociateTransitGatewayRouteTable: ({ world, rs }, input) => {
    const { rtb, a } = associate(world, rs, input.TransitGatewayRouteTableId, input.TransitGatewayAttachmentId);
    return {
      Association: { TransitGatewayRouteTableId: rtb.id, TransitGatewayAttachmentId: a.id, ResourceId: a.resourceId, ResourceType: a.type, State: "associating" },
    };
  },
  DisassociateTransitGatewayRouteTable: ({ world, rs }, input) => {
    const { rtb, a } = disassociate(world, rs, input.TransitGatewayRouteTableId, input.TransitGatewayAttachmentId);
    return {
      Association: { TransitGatewayRouteTableId: rtb.id, TransitGatewayAttachmentId: a.id, ResourceId: a.resourceId, ResourceType: a.type, State: "disassociating" },
    };
  },
  EnableTransitGatewayRouteTablePropagation: ({ world, rs }, input) => {
    const { rtb, a } = enablePropagation(world, rs, input.TransitGatewayRouteTableId, input.TransitGatewayAttachmentId);
    return {
      Propagation: { TransitGatewayRouteTableId: rtb.id, TransitGatewayAttachmentId: a.id, ResourceId: a.resourceId, ResourceType: a.type, State: "enabled" },
    };
  },
  DisableTransitGatewayRouteTablePropagation: ({ world, rs }, input) => {
    const { rtb, a } = disablePropagation(world, rs, input.TransitGatewayRouteTableId, input.TransitGatewayAttachmentId);
    return {
      Propagation: { TransitGatewayRouteTableId: rtb.id, TransitGatewayAttachmentId: a.id, ResourceId: a.resourceId, ResourceType: a.type, State: "disabled" },
    };
  },
  GetTransitGatewayRouteTableAssociations: ({ world, rs }, input) => {
    const rtb = getTgwRouteTable(rs, input.TransitGatewayRouteTableId);
    const filtered = applyFilters(linkedAttachments(world, rs, rtb.associations), input.Filters, LINK_FILTERS);
    const page = paginate(filtered, input, [5, 1000], (a) => a.id);
    return {
      Associations: page.items.map((a) => ({ TransitGatewayAttachmentId: a.id, ResourceId: a.resourceId, ResourceType: a.type, State: "associated" as const })),
      NextToken: page.nextToken,
    };
  },
  GetTransitGatewayRouteTablePropagations: ({ world, rs }, input) => {
    const rtb = getTgwRouteTable(rs, input.TransitGatewayRouteTableId);
    const filtered = applyFilters(linkedAttachments(world, rs, rtb.propagations), input.Filters, LINK_FILTERS);
    const page = paginate(filtered, input, [5, 1000], (a) => a.id);
    return {
      TransitGatewayRouteTablePropagations: page.items.map((a) => ({ TransitGatewayAttachmentId: a.id, ResourceId: a.resourceId, ResourceType: a.type, State: "enabled" as const })),
      NextToken: page.nextToken,
    };
  },
  GetTransitGatewayAttachmentPropagations: ({ world, rs }, input) => {
    const a = getAnyAttachment(world, rs, input.TransitGatewayAttachmentId);
    const tables = [...rs.tgwRouteTables.values()].filter((r) => r.propagations.includes(a.id));
    const filtered = applyFilters(tables, input.Filters, { "transit-gateway-route-table-id": (r: TgwRouteTable) => r.id });
    const page = paginate(filtered, input, [5, 1000], (r) => r.id);
    return {
      TransitGatewayAttachmentPropagations: page.items.map((r) => ({ TransitGatewayRouteTableId: r.id, State: "enabled" as const })),
      NextToken: page.nextToken,
    };
  },
  CreateTransitGatewayRoute: ({ world, rs }, input) => {
    const { rtb, route } = createTgwRoute(world, rs, input.TransitGatewayRouteTableId, input.DestinationCidrBlock, input.TransitGatewayAttachmentId, input.Blackhole);
    return { Route: staticView(world, rs, rtb, route.destinationCidr) };
  },
  ReplaceTransitGatewayRoute: ({ world, rs }, input) => {
    const { rtb, route } = replaceTgwRoute(world, rs, input.TransitGatewayRouteTableId, input.DestinationCidrBlock, input.TransitGatewayAttachmentId, input.Blackhole);
    return { Route: staticView(world, rs, rtb, route.destinationCidr) };
  },
  DeleteTransitGatewayRoute: ({ world, rs }, input) => {
    const { rtb, route } = deleteTgwRoute(world, rs, input.TransitGatewayRouteTableId, input.DestinationCidrBlock);
    return { Route: staticView(world, rs, rtb, route.destinationCidr, "deleted") };
  },
  SearchTransitGatewayRoutes: ({ world, rs }, input) => {
    const rtb = getTgwRouteTable(rs, input.TransitGatewayRouteTableId);
    if (!input.Filters || input.Filters.length === 0) throw missingParameter("Filters");
    const max = input.MaxResults ?? 1000;
    if (!Number.isInteger(max) || max < 5 || max > 1000) {
      throw invalidParameterValue(`Value ( ${max} ) for parameter maxResults is invalid. Parameter must be between 5 and 1000.`);
    }
    const { routes, rest } = searchRoutes(effectiveRoutes(world, rs, rtb), input.Filters);
    const filtered = rest.length > 0 ? applyFilters(routes, rest, ROUTE_FILTERS) : routes;
    return { Routes: filtered.slice(0, max).map(routeView), AdditionallyAvailable: filtered.length > max };
  },
  DescribeTransitGatewayAttachments: ({ world, rs }, input) => {
    const all = new Map(allAttachments(world, rs).map((a) => [a.id, a]));
    const selected = selectByIds(all, input.TransitGatewayAttachmentIds, tgwAttachmentNotFound);
    const filtered = applyFilters(selected, input.Filters, attachmentFilters(rs), (a) => attachmentTags(a, rs.account, rs.region));
    const page = paginate(filtered, input, [5, 1000], (a) => a.id);
    return { TransitGatewayAttachments: page.items.map((a) => attachmentView(rs, a)), NextToken: page.nextToken };
  },

  CreateTransitGatewayPeeringAttachment: ({ world, rs, account, region }, input) => {
    if (input.Options?.DynamicRouting === "enable") throw invalidParameterValue("vpclab does not model dynamic routing on transit gateway peering attachments (DynamicRouting must be disable).");
    const p = createTgwPeering(
      world,
      rs,
      input.TransitGatewayId,
      input.PeerTransitGatewayId,
      input.PeerAccountId,
      input.PeerRegion,
      tagsFromSpecifications(input.TagSpecifications, "transit-gateway-attachment"),
    );
    return { TransitGatewayPeeringAttachment: peeringView(p, account, region) };
  },
  AcceptTransitGatewayPeeringAttachment: ({ world, account, region }, input) => ({
    TransitGatewayPeeringAttachment: peeringView(acceptTgwPeering(world, account, region, input.TransitGatewayAttachmentId), account, region),
  }),
  RejectTransitGatewayPeeringAttachment: ({ world, account, region }, input) => ({
    TransitGatewayPeeringAttachment: peeringView(rejectTgwPeering(world, account, region, input.TransitGatewayAttachmentId), account, region),
  }),
  DeleteTransitGatewayPeeringAttachment: ({ world, account, region }, input) => ({
    TransitGatewayPeeringAttachment: peeringView(deleteTgwPeering(world, account, region, input.TransitGatewayAttachmentId), account, region),
  }),
  DescribeTransitGatewayPeeringAttachments: (ctx, input) => {
    const { world, account, region } = ctx;
    // Touching the caller's regional state makes the account exist, so a peer may address it.
    void ctx.rs;
    const visible = new Map([...world.tgwPeerings.values()].filter((p) => peeringVisible(p, account, region)).map((p) => [p.id, p]));
    const selected = selectByIds(visible, input.TransitGatewayAttachmentIds, tgwAttachmentNotFound);
    const filtered = applyFilters(selected, input.Filters, peeringFilters(account, region), (p) => p.tags.get(tgwPeeringTagKey(account, region)));
    const page = paginate(filtered, input, [5, 1000], (p) => p.id);
    return { TransitGatewayPeeringAttachments: page.items.map((p) => peeringView(p, account, region)), NextToken: page.nextToken };
  },
} satisfies Operations;
