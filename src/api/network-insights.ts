/**
 * Reachability Analyzer operations: Create/Describe/DeleteNetworkInsightsPath(s),
 * StartNetworkInsightsAnalysis, Describe/DeleteNetworkInsightsAnalys(is|es), answered by vpclab's
 * network engine.
 *
 * Reference: EC2 API reference for each action and the NetworkInsightsPath, NetworkInsightsAnalysis,
 * PathComponent, Explanation, AnalysisAclRule, AnalysisSecurityGroupRule, AnalysisRouteTableRoute and
 * AnalysisPacketHeader data types; the filters each Describe call documents.
 *
 * Fidelity notes (see domain/network-insights.ts for the analysis itself):
 * - Path components are listed only when a path is found, as AWS does; a blocked path carries its
 *   Explanations. The plain-language reason and fix of each explanation are not part of AWS's shape:
 *   `vpclab why` (or the admin API's /analyze) shows them.
 * - One component per engine hop that AWS would show: the source instance, its interface, security
 *   groups, NACLs, route tables, peering connections, internet gateways, appliances, and the
 *   destination's interface and instance. A packet header (OutboundHeader at the source, InboundHeader
 *   at the destination, with the address translated by an internet gateway where one is crossed) sits
 *   on the first and last components (on the internet gateway when a leg starts on the Internet: an
 *   internet gateway as the path source). Packet header protocols are IANA numbers ("6", "17"), NACL rule
 *   protocols "all" or a number, security-group rule protocols as the rule has them.
 * - Explanations carry ComponentAccount and ComponentRegion, which matter here because vpclab's paths
 *   cross regions and accounts.
 * - Path port-range filters match the text "from-to" (and the bare port when from = to).
 * - Tags on paths and analyses come from TagSpecifications and CreateTags/DeleteTags (the registry of
 *   kinds, domain/kinds.ts, knows nip- and nia- ids).
 */
import type {
  AnalysisComponent,
  AnalysisPacketHeader,
  CreateNetworkInsightsPathRequest,
  CreateNetworkInsightsPathResult,
  DeleteNetworkInsightsAnalysisRequest,
  DeleteNetworkInsightsAnalysisResult,
  DeleteNetworkInsightsPathRequest,
  DeleteNetworkInsightsPathResult,
  DescribeNetworkInsightsAnalysesRequest,
  DescribeNetworkInsightsAnalysesResult,
  DescribeNetworkInsightsPathsRequest,
  DescribeNetworkInsightsPathsResult,
  Explanation as ExplanationView,
  NetworkInsightsAnalysis as AnalysisView,
  NetworkInsightsPath as PathView,
  PathComponent,
  PathFilter,
  PathRequestFilter,
  StartNetworkInsightsAnalysisRequest,
  StartNetworkInsightsAnalysisResult,
} from "@aws-sdk/client-ec2";
import type { Handler } from "./context.js";
import { tagList } from "./context.js";
import type { Explanation, Hop } from "../engine/index.js";
import { applyFilters, paginate, selectByIds, type FilterSpec } from "../domain/describe.js";
import { tagsFromSpecifications } from "../domain/tags.js";
import {
  analysesOf,
  arnOf,
  createPath,
  deleteAnalysis,
  deletePath,
  getPath,
  pathsOf,
  startAnalysis,
  type AnalysisResult,
  type ComponentRec,
  type InsightsAnalysis,
  type InsightsPath,
  type PathFilterRec,
  type PortRangeRec,
} from "../domain/network-insights.js";
import { pathNotFound, analysisNotFound } from "../domain/errors.js";

// ---- input ---------------------------------------------------------------------------------------

function rangeIn(r: { FromPort?: number; ToPort?: number } | undefined): PortRangeRec | undefined {
  if (!r || (r.FromPort === undefined && r.ToPort === undefined)) return undefined;
  return { from: r.FromPort ?? 0, to: r.ToPort ?? 65535 };
}

function filterIn(f: PathRequestFilter | undefined): PathFilterRec | undefined {
  if (!f) return undefined;
  const rec: PathFilterRec = {
    sourceAddress: f.SourceAddress,
    sourcePortRange: rangeIn(f.SourcePortRange),
    destinationAddress: f.DestinationAddress,
    destinationPortRange: rangeIn(f.DestinationPortRange),
  };
  return Object.values(rec).some((v) => v !== undefined) ? rec : undefined;
}

// ---- views ---------------------------------------------------------------------------------------

function filterView(f: PathFilterRec | undefined): PathFilter | undefined {
  if (!f) return undefined;
  const r = (x: PortRangeRec | undefined) => (x ? { FromPort: x.from, ToPort: x.to } : undefined);
  return {
    SourceAddress: f.sourceAddress,
    SourcePortRange: r(f.sourcePortRange),
    DestinationAddress: f.destinationAddress,
    DestinationPortRange: r(f.destinationPortRange),
  };
}

export function pathView(p: InsightsPath): PathView {
  return {
    NetworkInsightsPathId: p.id,
    NetworkInsightsPathArn: p.arn,
    CreatedDate: new Date(p.createdAt),
    Source: p.source.id,
    Destination: p.destination?.id,
    SourceArn: p.source.arn,
    DestinationArn: p.destination?.arn,
    SourceIp: p.sourceIp,
    DestinationIp: p.destinationIp,
    Protocol: p.protocol,
    DestinationPort: p.destinationPort,
    Tags: tagList(p.tags) ?? [],
    FilterAtSource: filterView(p.filterAtSource),
    FilterAtDestination: filterView(p.filterAtDestination),
  };
}

/** The ARN resource type of each id prefix. */
const ARN_TYPE: Record<string, string> = {
  i: "instance",
  eni: "network-interface",
  sg: "security-group",
  acl: "network-acl",
  rtb: "route-table",
  pcx: "vpc-peering-connection",
  igw: "internet-gateway",
  nat: "natgateway",
  vpce: "vpc-endpoint",
  vpc: "vpc",
  subnet: "subnet",
};

function comp(id: string | undefined, account: string | undefined, region: string | undefined): AnalysisComponent | undefined {
  if (!id) return undefined;
  const type = ARN_TYPE[id.slice(0, id.indexOf("-"))];
  return { Id: id, Arn: type && account && region ? arnOf(region, account, type, id) : undefined };
}

const PROTO_NUMBER = { tcp: "6", udp: "17", icmp: "1" } as const;

function header(src: string, dst: string, protocol: "tcp" | "udp" | "icmp", srcPort: number, dstPort: number): AnalysisPacketHeader {
  const ports = protocol !== "icmp";
  return {
    SourceAddresses: [`${src}/32`],
    DestinationAddresses: [`${dst}/32`],
    Protocol: PROTO_NUMBER[protocol],
    SourcePortRanges: ports ? [{ From: srcPort, To: srcPort }] : undefined,
    DestinationPortRanges: ports ? [{ From: dstPort, To: dstPort }] : undefined,
  };
}

function componentsView(recs: ComponentRec[], r: AnalysisResult, leg: "forward" | "return"): PathComponent[] {
  const out: PathComponent[] = [];
  const a = r.analysis;
  const protocol = a.protocol;
  // The request leaves with the sender's private address; the reply with the address the receiver saw.
  const fwdSrc = a.source.address;
  const seen = a.sourceAddressSeenByReceiver ?? fwdSrc;
  const dstAddr = a.destinationAddress;
  const outHeader = leg === "forward" ? header(fwdSrc, dstAddr, protocol, r.sourcePort, r.port) : header(dstAddr, seen, protocol, r.port, r.sourcePort);
  const inHeader = leg === "forward" ? header(seen, dstAddr, protocol, r.sourcePort, r.port) : header(dstAddr, fwdSrc, protocol, r.port, r.sourcePort);
  const push = (c: PathComponent) => out.push({ SequenceNumber: out.length + 1, ...c });
  // The sender's interface opens a leg, the receiver's closes it (a leg from the Internet opens with
  // the gateway, a leg to the Internet closes with it).
  const first = recs[0]?.hop.kind === "eni" ? recs[0] : undefined;
  const last = recs.length > 1 && recs[recs.length - 1]!.hop.kind === "eni" ? recs[recs.length - 1] : undefined;
  for (const rec of recs) {
    const h: Hop = rec.hop;
    const where = [h.account, h.region] as const;
    const vpc = comp(rec.vpcId, ...where);
    switch (h.kind) {
      case "eni": {
        const base = { Subnet: comp(rec.subnetId, ...where), Vpc: vpc };
        if (rec === first) {
          if (rec.instanceId) push({ Component: comp(rec.instanceId, ...where), OutboundHeader: outHeader, ...base });
          push({ Component: comp(h.id, ...where), AttachedTo: comp(rec.instanceId, ...where), ...base, OutboundHeader: rec.instanceId ? undefined : outHeader });
        } else if (rec === last) {
          push({ Component: comp(h.id, ...where), AttachedTo: comp(rec.instanceId, ...where), ...base, InboundHeader: rec.instanceId ? undefined : inHeader });
          if (rec.instanceId) push({ Component: comp(rec.instanceId, ...where), InboundHeader: inHeader, ...base });
        } else push({ Component: comp(h.id, ...where), AttachedTo: comp(rec.instanceId, ...where), ...base });
        break;
      }
      case "sg-egress":
      case "sg-ingress": {
        const r0 = rec.sgRule;
        if (!r0) {
          // Stateful reply: no rule decides; list the groups the interface has.
          for (const id of h.id.split(",").filter(Boolean)) push({ Component: comp(id, ...where) });
          break;
        }
        push({
          Component: comp(h.securityGroupId ?? r0.groupId, ...where),
          SecurityGroupRule: {
            Cidr: r0.cidrIpv4 ?? r0.cidrIpv6,
            Direction: r0.isEgress ? "egress" : "ingress",
            SecurityGroupId: r0.referencedGroup?.groupId,
            PortRange: r0.ipProtocol === "-1" || r0.fromPort < 0 ? undefined : { From: r0.fromPort, To: r0.toPort },
            PrefixListId: r0.prefixListId,
            Protocol: r0.ipProtocol === "-1" ? "all" : r0.ipProtocol,
          },
        });
        break;
      }
      case "nacl-in":
      case "nacl-out": {
        const e = rec.aclEntry;
        push({
          Component: comp(h.id, ...where),
          AclRule: e
            ? {
                Cidr: e.cidrBlock ?? e.ipv6CidrBlock,
                Egress: e.egress,
                PortRange: e.portRange ? { From: e.portRange.from, To: e.portRange.to } : undefined,
                Protocol: e.protocol === "-1" ? "all" : e.protocol,
                RuleAction: e.ruleAction,
                RuleNumber: e.ruleNumber,
              }
            : undefined,
        });
        break;
      }
      case "route-table": {
        const route = h.route;
        const t = route?.target ?? "";
        push({
          Component: comp(h.id, ...where),
          Vpc: vpc,
          RouteTableRoute: route
            ? {
                DestinationCidr: route.prefixListId === undefined ? route.destinationCidr : undefined,
                DestinationPrefixListId: route.prefixListId,
                GatewayId: t === "local" || t.startsWith("igw-") || t.startsWith("vpce-") || t.startsWith("vgw-") ? t : undefined,
                NatGatewayId: t.startsWith("nat-") ? t : undefined,
                VpcPeeringConnectionId: t.startsWith("pcx-") ? t : undefined,
                NetworkInterfaceId: t.startsWith("eni-") ? t : undefined,
                InstanceId: t.startsWith("i-") ? t : undefined,
                Origin: rec.routeOrigin,
                State: route.state,
              }
            : undefined,
        });
        break;
      }
      case "pcx":
        push({
          Component: comp(h.id, ...where),
          SourceVpc: rec.sourceVpc ? comp(rec.sourceVpc.id, rec.sourceVpc.account, rec.sourceVpc.region) : undefined,
          DestinationVpc: rec.destinationVpc ? comp(rec.destinationVpc.id, rec.destinationVpc.account, rec.destinationVpc.region) : undefined,
        });
        break;
      case "igw":
        // A leg from the Internet opens with the gateway: it carries the packet as it arrives.
        push({ Component: comp(h.id, ...where), Vpc: vpc, OutboundHeader: out.length === 0 ? outHeader : undefined });
        break;
      case "appliance":
        push({ Component: comp(h.id, ...where), AttachedTo: comp(rec.instanceId, ...where), Subnet: comp(rec.subnetId, ...where), Vpc: vpc });
        break;
      case "nat-gateway":
      case "vpc-endpoint":
        push({ Component: comp(h.id, ...where), Vpc: vpc });
        break;
      default:
        // local delivery, the peer VPC and the simulated Internet are not components in AWS's model.
        break;
    }
  }
  return out;
}

function explanationView(e: Explanation, protocol: string, port: number | undefined): ExplanationView {
  const where = [e.component.account, e.component.region] as const;
  const sgs = e.securityGroupIds?.map((id) => comp(id, ...where)!);
  const r = e.route;
  const rule = e.aclRule;
  return {
    ExplanationCode: e.code,
    Direction: e.direction,
    Component: e.component.type === "internet" ? { Id: e.component.id } : comp(e.component.id, ...where),
    ComponentAccount: e.component.account,
    ComponentRegion: e.component.region,
    Vpc: comp(e.vpcId, ...where),
    Subnet: comp(e.subnetId, ...where),
    NetworkInterface: comp(e.networkInterfaceId, ...where),
    RouteTable: comp(e.routeTableId, ...where),
    RouteTableRoute: r
      ? {
          DestinationCidr: r.prefixListId === undefined ? r.destinationCidr : undefined,
          DestinationPrefixListId: r.prefixListId,
          GatewayId: r.target === "local" || r.target.startsWith("igw-") || r.target.startsWith("vpce-") || r.target.startsWith("vgw-") ? r.target : undefined,
          NatGatewayId: r.target.startsWith("nat-") ? r.target : undefined,
          VpcPeeringConnectionId: r.target.startsWith("pcx-") ? r.target : undefined,
          NetworkInterfaceId: r.target.startsWith("eni-") ? r.target : undefined,
          InstanceId: r.target.startsWith("i-") ? r.target : undefined,
          State: r.state,
        }
      : undefined,
    SecurityGroups: sgs,
    SecurityGroup: sgs && sgs.length === 1 ? sgs[0] : undefined,
    Acl: comp(e.aclId, ...where),
    AclRule: rule
      ? {
          Cidr: rule.cidrBlock,
          Egress: rule.egress,
          PortRange: rule.portRange ? { From: rule.portRange.from, To: rule.portRange.to } : undefined,
          Protocol: rule.protocol === "-1" ? "all" : rule.protocol,
          RuleAction: rule.ruleAction,
          RuleNumber: rule.ruleNumber,
        }
      : undefined,
    VpcPeeringConnection: comp(e.vpcPeeringConnectionId, ...where),
    InternetGateway: comp(e.internetGatewayId, ...where),
    Address: e.address,
    Protocols: e.code === "ENI_SG_RULES_MISMATCH" || e.code === "SUBNET_ACL_RESTRICTION" ? [protocol] : undefined,
    PortRanges: (e.code === "ENI_SG_RULES_MISMATCH" || e.code === "SUBNET_ACL_RESTRICTION") && port !== undefined ? [{ From: port, To: port }] : undefined,
  };
}

export function analysisView(a: InsightsAnalysis): AnalysisView {
  const r = a.result;
  const view: AnalysisView = {
    NetworkInsightsAnalysisId: a.id,
    NetworkInsightsAnalysisArn: a.arn,
    NetworkInsightsPathId: a.pathId,
    AdditionalAccounts: a.additionalAccounts.length ? a.additionalAccounts : undefined,
    FilterInArns: a.filterInArns.length ? a.filterInArns : undefined,
    FilterOutArns: a.filterOutArns.length ? a.filterOutArns : undefined,
    StartDate: new Date(a.startedAt),
    Status: a.status,
    StatusMessage: a.statusMessage,
    Tags: tagList(a.tags) ?? [],
  };
  if (a.status === "succeeded" && r) {
    view.NetworkPathFound = r.found;
    view.WarningMessage = r.warning;
    if (r.found) {
      view.ForwardPathComponents = componentsView(r.forward, r, "forward");
      view.ReturnPathComponents = componentsView(r.return, r, "return");
    } else {
      // The port the explanations speak of: the reply's port for return-leg NACL denials.
      view.Explanations = r.analysis.explanations.map((e) => explanationView(e, PROTO_NUMBER[r.analysis.protocol], e.leg === "return" ? r.sourcePort : r.port));
    }
  }
  return view;
}

// ---- filters ---------------------------------------------------------------------------------------

function rangeText(r: PortRangeRec | undefined): string[] {
  if (!r) return [];
  return r.from === r.to ? [`${r.from}-${r.to}`, String(r.from)] : [`${r.from}-${r.to}`];
}

const PATH_FILTERS: FilterSpec<InsightsPath> = {
  destination: (p) => p.destination?.id,
  source: (p) => p.source.id,
  protocol: (p) => p.protocol,
  "filter-at-source.source-address": (p) => p.filterAtSource?.sourceAddress,
  "filter-at-source.source-port-range": (p) => rangeText(p.filterAtSource?.sourcePortRange),
  "filter-at-source.destination-address": (p) => p.filterAtSource?.destinationAddress,
  "filter-at-source.destination-port-range": (p) => rangeText(p.filterAtSource?.destinationPortRange),
  "filter-at-destination.source-address": (p) => p.filterAtDestination?.sourceAddress,
  "filter-at-destination.source-port-range": (p) => rangeText(p.filterAtDestination?.sourcePortRange),
  "filter-at-destination.destination-address": (p) => p.filterAtDestination?.destinationAddress,
  "filter-at-destination.destination-port-range": (p) => rangeText(p.filterAtDestination?.destinationPortRange),
};

const ANALYSIS_FILTERS: FilterSpec<InsightsAnalysis> = {
  "path-found": (a) => (a.status === "succeeded" && a.result ? String(a.result.found) : undefined),
  status: (a) => a.status,
};

// ---- handlers --------------------------------------------------------------------------------------

const createNetworkInsightsPath: Handler<CreateNetworkInsightsPathRequest, CreateNetworkInsightsPathResult> = ({ world, rs }, input) => {
  const tags = tagsFromSpecifications(input.TagSpecifications, "network-insights-path");
  const path = createPath(world, rs, {
    source: input.Source,
    destination: input.Destination,
    sourceIp: input.SourceIp,
    destinationIp: input.DestinationIp,
    protocol: input.Protocol,
    destinationPort: input.DestinationPort,
    filterAtSource: filterIn(input.FilterAtSource),
    filterAtDestination: filterIn(input.FilterAtDestination),
    tags,
    clientToken: input.ClientToken,
  });
  return { NetworkInsightsPath: pathView(path) };
};

const describeNetworkInsightsPaths: Handler<DescribeNetworkInsightsPathsRequest, DescribeNetworkInsightsPathsResult> = ({ rs }, input) => {
  const selected = selectByIds(pathsOf(rs), input.NetworkInsightsPathIds, pathNotFound);
  const filtered = applyFilters(selected, input.Filters, PATH_FILTERS, (p) => p.tags);
  const page = paginate(filtered, input, [1, 100], (p) => p.id);
  return { NetworkInsightsPaths: page.items.map(pathView), NextToken: page.nextToken };
};

const deleteNetworkInsightsPath: Handler<DeleteNetworkInsightsPathRequest, DeleteNetworkInsightsPathResult> = ({ rs }, input) => ({
  NetworkInsightsPathId: deletePath(rs, input.NetworkInsightsPathId),
});

const startNetworkInsightsAnalysis: Handler<StartNetworkInsightsAnalysisRequest, StartNetworkInsightsAnalysisResult> = ({ world, rs }, input) => {
  const tags = tagsFromSpecifications(input.TagSpecifications, "network-insights-analysis");
  const a = startAnalysis(world, rs, {
    pathId: input.NetworkInsightsPathId,
    additionalAccounts: input.AdditionalAccounts,
    filterInArns: input.FilterInArns,
    filterOutArns: input.FilterOutArns,
    tags,
    clientToken: input.ClientToken,
  });
  return { NetworkInsightsAnalysis: analysisView(a) };
};

const describeNetworkInsightsAnalyses: Handler<DescribeNetworkInsightsAnalysesRequest, DescribeNetworkInsightsAnalysesResult> = ({ rs }, input) => {
  if (input.NetworkInsightsPathId !== undefined) getPath(rs, input.NetworkInsightsPathId);
  let selected = selectByIds(analysesOf(rs), input.NetworkInsightsAnalysisIds, analysisNotFound);
  if (input.NetworkInsightsPathId !== undefined) selected = selected.filter((a) => a.pathId === input.NetworkInsightsPathId);
  const from = input.AnalysisStartTime?.getTime();
  const to = input.AnalysisEndTime?.getTime();
  if (from !== undefined) selected = selected.filter((a) => a.startedAt >= from);
  if (to !== undefined) selected = selected.filter((a) => a.startedAt <= to);
  const filtered = applyFilters(selected, input.Filters, ANALYSIS_FILTERS, (a) => a.tags);
  const page = paginate(filtered, input, [1, 100], (a) => a.id);
  return { NetworkInsightsAnalyses: page.items.map(analysisView), NextToken: page.nextToken };
};

const deleteNetworkInsightsAnalysis: Handler<DeleteNetworkInsightsAnalysisRequest, DeleteNetworkInsightsAnalysisResult> = ({ rs }, input) => ({
  NetworkInsightsAnalysisId: deleteAnalysis(rs, input.NetworkInsightsAnalysisId),
});

export const insightsOperations = {
  CreateNetworkInsightsPath: createNetworkInsightsPath,
  DescribeNetworkInsightsPaths: describeNetworkInsightsPaths,
  DeleteNetworkInsightsPath: deleteNetworkInsightsPath,
  StartNetworkInsightsAnalysis: startNetworkInsightsAnalysis,
  DescribeNetworkInsightsAnalyses: describeNetworkInsightsAnalyses,
  DeleteNetworkInsightsAnalysis: deleteNetworkInsightsAnalysis,
};
