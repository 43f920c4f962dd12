/**
 * Snapshot → state document: converts the Describe answers of a snapshot directory (AWS's JSON shapes,
 * as `vpclab snapshot collect` or `aws ec2 describe-… --output json` write them) into vpclab's domain
 * records and a state document (state/document.ts), plus a load report. Pure code: no I/O, no clock
 * (the caller passes `now`), so a journal replay of `POST /_vpclab/state/import` rebuilds the same state.
 *
 * A snapshot is `{ files: { "<account>/<region>/<call>.json" | "<region>/<call>.json": <answer> } }`;
 * `readSnapshotDir` (snapshot/files.ts) builds it from a directory. A record's account is its own
 * OwnerId when it has one, else the directory's account, else the account owning the region's VPCs.
 *
 * Kept: real ids, owners, regions, states, tags, CIDRs (IPv4 and IPv6 blocks of VPCs and subnets),
 * routes (IPv4, IPv6 and prefix-list destinations), rules, entries, attachments, public, elastic and
 * IPv6 addresses, egress-only internet gateways, NAT gateways, VPC endpoints (Gateway and Interface),
 * customer-managed prefix lists (the current version's entries, from the per-list
 * `get-managed-prefix-list-entries.<pl-id>.json`), transit gateways with their VPC and peering
 * attachments and route tables (associations, propagations, static routes), virtual private gateways,
 * customer gateways and VPN connections (static routes), route tables' VGW propagation (the propagated
 * routes are kept as listed, origin EnableVgwRoutePropagation, as vpclab stores them). Records of kinds
 * no KINDS entry reads are counted in the report as unmodelled; routes to unmodelled targets are kept
 * (`unmodelled` for local and carrier gateways, core networks), which vpclab answers as blackholes and
 * the analyzer names ("vpclab does not model … targets"). Inconsistencies (a subnet of a VPC that is
 * not in the snapshot, a route to a peering or NAT gateway that is not in it) are warnings, never a
 * failure: a record that the engine cannot place (no VPC, no subnet) is left out and named; a dangling
 * route target is kept (the analyzer reports it as a blackhole).
 *
 * AWS-managed prefix lists (OwnerId `AWS`: `com.amazonaws.<region>.s3`, `…dynamodb`) are not loaded:
 * vpclab has its own per region (domain/prefix-lists.ts), with its own ids. Decision: the snapshot's
 * ids of those lists are mapped by name to vpclab's wherever a route destination or a security-group
 * rule names them (the name comes from DescribeManagedPrefixLists, or, for a hand-made snapshot without
 * it, from the service name of the gateway endpoint whose route names the list). Keeping AWS's ids
 * instead would need per-account copies of reference data and would break gateway endpoints created
 * after the load (they would use vpclab's ids). An AWS-managed list vpclab does not have keeps its id
 * (warned): a route to it matches nothing, a rule naming it allows nothing.
 *
 * Table-driven: every kind whose records have the same shape (an id, an owner, tags, one record per
 * AWS record) is one entry of `KINDS` (its list key, the state collection it fills, and a converter);
 * instances and network interfaces (built from two views) and the two cross-region peering kinds
 * (one object seen from both sides) have their own code. A new kind is one `KINDS` entry (and one
 * `CALLS` row in snapshot/collect.ts, marked modelled), as the NAT gateway entry shows —
 * dedupe, the VPC check, counts and the state document follow from the entry. Records of list keys no
 * entry reads are counted as unmodelled in the load report.
 *
 * Transit gateway route tables: associations, propagations and static routes come from the per-table
 * files `get-transit-gateway-route-table-associations.<id>.json`,
 * `get-transit-gateway-route-table-propagations.<id>.json` and `search-transit-gateway-routes.<id>.json`
 * (what `aws ec2 <call> --transit-gateway-route-table-id <id>` prints). Without the associations file,
 * DescribeTransitGatewayAttachments' `Association` is used; without the propagations file, the table
 * propagates nothing (warned). Propagated routes are not copied: vpclab derives them from the
 * propagations, as AWS does.
 *
 * Fidelity notes:
 * - Prefix lists: only the current version is in a snapshot (earlier versions cannot be read or
 *   restored after a load); IPv6 lists are left out (vpclab models IPv4 lists). Endpoints other than
 *   Gateway and Interface (Gateway Load Balancer, resource, service network) are left out (warned);
 *   dual-stack endpoints are kept as ipv4.
 * - Deleted NAT gateways load as `deleted` and stay so (nothing purges them after an hour as vpclab
 *   does for the ones it deletes itself).
 * - Propagated transit gateway routes from attachments vpclab does not model (VPN, Direct Connect,
 *   Connect) are lost (warned); the states of attachments and gateways are kept as they were, so a
 *   snapshot taken while one was `pending` stays `pending` (nothing settles it).
 * - DescribeVpcs does not show enableDnsSupport/enableDnsHostnames: DNS support is taken as on, DNS
 *   hostnames as on for default VPCs, for VPCs where an interface shows a public DNS name and for VPCs
 *   with a private-DNS interface endpoint.
 * - Routes to unmodelled targets show `blackhole` in vpclab's DescribeRouteTables even where AWS said
 *   `active`.
 * - Without describe-security-group-rules, rule ids are made up (stable hashes of the rule).
 */
import { createHash } from "node:crypto";
import type {
  CustomerGateway,
  VpnConnection,
  VpnGateway,
  DhcpOptions,
  EgressOnlyInternetGateway,
  ManagedPrefixList,
  NatGateway,
  NatGatewayAddressRecord,
  SubnetIpv6Association,
  VpcEndpoint,
  VpcIpv6Association,
  ElasticIp,
  Instance,
  InstanceStateName,
  InternetGateway,
  NetworkAcl,
  NetworkAclEntry,
  NetworkInterface,
  PeeringStatusCode,
  Route,
  RouteTable,
  RouteTarget,
  SecurityGroup,
  Scoped,
  SecurityGroupRule,
  Subnet,
  Tags,
  TgwAttachmentState,
  TgwPeeringAttachment,
  TgwRouteTable,
  TgwStaticRoute,
  TgwVpcAttachment,
  TransitGateway,
  Volume,
  Vpc,
  VpcPeeringConnection,
} from "../domain/types.js";
import { STATE_FORMAT, STATE_VERSION } from "../state/document.js";
import { awsPrefixLists } from "../domain/prefix-lists.js";
import { DEFAULT_ENDPOINT_POLICY } from "../domain/vpc-endpoints.js";

export interface Snapshot {
  files: Record<string, unknown>;
}

export interface LoadReport {
  accounts: number;
  regions: number;
  /** Records loaded, by kind. */
  loaded: Record<string, number>;
  /** Records of kinds vpclab does not model, by AWS list key (kept only as route targets). */
  unmodelled: Record<string, number>;
  warnings: string[];
}

type J = Record<string, unknown>;
const isObj = (v: unknown): v is J => v !== null && typeof v === "object" && !Array.isArray(v);
const arr = (v: unknown): J[] => (Array.isArray(v) ? v.filter(isObj) : []);
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const num = (v: unknown, d: number): number => (typeof v === "number" && Number.isFinite(v) ? v : typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v)) ? Number(v) : d);
const bool = (v: unknown, d = false): boolean => (typeof v === "boolean" ? v : d);
const time = (v: unknown, d: number): number => {
  const t = typeof v === "string" ? Date.parse(v) : typeof v === "number" ? v : NaN;
  return Number.isFinite(t) ? t : d;
};
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

function tagsOf(rec: J): Tags {
  const m = new Map<string, string>();
  for (const t of arr(rec.Tags ?? rec.TagSet)) if (typeof t.Key === "string") m.set(t.Key, typeof t.Value === "string" ? t.Value : "");
  return m;
}

interface RegionBag {
  account?: string;
  region: string;
  lists: Map<string, J[]>;
  /** Per-record answers (`<call>.<id>.json`): call → id → answer. */
  each: Map<string, Map<string, J>>;
}

/** What a converter sees besides the record. */
interface Ctx {
  id: string;
  owner: string;
  region: string;
  now: number;
  bag: RegionBag;
  warn: (w: string) => void;
  /** describe-security-group-rules, by group id. */
  sgRules: Map<string, J[]>;
  /** A prefix-list id as the snapshot names it → vpclab's (AWS-managed lists get vpclab's own ids). */
  pl: (id: string) => string;
}

/**
 * A kind with one state record per AWS record: its list key in the Describe answer, the state
 * collection (state/document.ts COLLECTIONS) it fills, the field holding its id, and the converter
 * (the record without id/ownerId/region/tags; undefined leaves it out, after warning).
 */
interface Kind {
  key: string;
  collection: string;
  what: string;
  idField: string;
  /** The owner field when it is not OwnerId. */
  ownerField?: string;
  /** The record names a VPC that must be in the snapshot (else it is left out with a warning). */
  inVpc?: boolean;
  /** Records of the list that are not this kind's (skipped silently, e.g. AWS-managed prefix lists). */
  skip?: (rec: J) => boolean;
  convert: (rec: J, x: Ctx) => Record<string, unknown> | undefined;
}

class Region {
  /** State collection name → records. */
  readonly lists = new Map<string, Scoped[]>();
  defaultDhcpOptionsId?: string;
  constructor(
    readonly account: string,
    readonly region: string,
  ) {}
  list<T extends Scoped>(collection: string): T[] {
    let l = this.lists.get(collection);
    if (!l) this.lists.set(collection, (l = []));
    return l as T[];
  }
  get vpcs() {
    return this.list<Vpc>("vpcs");
  }
  get instances() {
    return this.list<Instance>("instances");
  }
  get networkInterfaces() {
    return this.list<NetworkInterface>("networkInterfaces");
  }
}

const hashId = (prefix: string, text: string) => `${prefix}-${createHash("sha256").update(text).digest("hex").slice(0, 17)}`;

const tgwAttachmentState = (v: unknown): TgwAttachmentState => (str(v) ?? "available") as TgwAttachmentState;
const enable = (v: unknown, d: "enable" | "disable" = "disable"): "enable" | "disable" => (v === "enable" ? "enable" : v === "disable" ? "disable" : d);

/** The kinds with one state record per AWS record; the order is the order they are converted in. */
const KINDS: Kind[] = [
  {
    key: "Vpcs",
    collection: "vpcs",
    what: "VPC",
    idField: "VpcId",
    convert: (v, { id, region, warn }) => {
      const blocks = arr(v.CidrBlockAssociationSet)
        .filter((b) => {
          const s = isObj(b.CidrBlockState) ? b.CidrBlockState.State : undefined;
          return s === undefined || s === "associated" || s === "associating";
        })
        .map((b) => ({ associationId: str(b.AssociationId) ?? hashId("vpc-cidr-assoc", `${id}/${b.CidrBlock}`), cidr: String(b.CidrBlock), state: "associated" as const }));
      if (blocks.length === 0 && str(v.CidrBlock)) blocks.push({ associationId: hashId("vpc-cidr-assoc", `${id}/${v.CidrBlock}`), cidr: v.CidrBlock as string, state: "associated" });
      if (blocks.length === 0) {
        warn(`${region}: VPC ${id} has no IPv4 CIDR block; left out`);
        return undefined;
      }
      const primary = str(v.CidrBlock);
      if (primary) blocks.sort((a, b) => (a.cidr === primary ? -1 : b.cidr === primary ? 1 : 0));
      // IPv6 blocks: every association AWS lists, disassociated ones too (vpclab shows them as AWS does).
      const ipv6 = arr(v.Ipv6CidrBlockAssociationSet)
        .filter((b) => str(b.Ipv6CidrBlock) && IPV6_ASSOC_STATES.has(String(isObj(b.Ipv6CidrBlockState) ? b.Ipv6CidrBlockState.State : "associated")))
        .map((b) => ({
          associationId: str(b.AssociationId) ?? hashId("vpc-cidr-assoc", `${id}/${b.Ipv6CidrBlock}`),
          cidr: b.Ipv6CidrBlock as string,
          state: (isObj(b.Ipv6CidrBlockState) ? str(b.Ipv6CidrBlockState.State) ?? "associated" : "associated") as VpcIpv6Association["state"],
          networkBorderGroup: str(b.NetworkBorderGroup) ?? region,
        }));
      return {
        cidrBlocks: blocks,
        ...(ipv6.length > 0 ? { ipv6CidrBlocks: ipv6 } : {}),
        state: v.State === "pending" ? "pending" : "available",
        isDefault: bool(v.IsDefault),
        instanceTenancy: str(v.InstanceTenancy) ?? "default",
        dhcpOptionsId: str(v.DhcpOptionsId) ?? "default",
        enableDnsSupport: true,
        enableDnsHostnames: bool(v.IsDefault),
        enableNetworkAddressUsageMetrics: false,
      } satisfies Omit<Vpc, keyof Scoped>;
    },
  },
  {
    key: "Subnets",
    collection: "subnets",
    what: "subnet",
    idField: "SubnetId",
    inVpc: true,
    convert: (s, { id, region, warn }) => {
      const ipv6 = arr(s.Ipv6CidrBlockAssociationSet)
        .filter((b) => str(b.Ipv6CidrBlock) && IPV6_ASSOC_STATES.has(String(isObj(b.Ipv6CidrBlockState) ? b.Ipv6CidrBlockState.State : "associated")))
        .map((b) => ({
          associationId: str(b.AssociationId) ?? hashId("subnet-cidr-assoc", `${id}/${b.Ipv6CidrBlock}`),
          cidr: b.Ipv6CidrBlock as string,
          state: (isObj(b.Ipv6CidrBlockState) ? str(b.Ipv6CidrBlockState.State) ?? "associated" : "associated") as SubnetIpv6Association["state"],
        }));
      const native = bool(s.Ipv6Native);
      if (!str(s.VpcId) || (!str(s.CidrBlock) && !(native && ipv6.length > 0))) {
        warn(`${region}: subnet ${id} has no VpcId, or neither an IPv4 CidrBlock nor (IPv6-native) an IPv6 block; left out`);
        return undefined;
      }
      const dns = isObj(s.PrivateDnsNameOptionsOnLaunch) ? s.PrivateDnsNameOptionsOnLaunch : {};
      return {
        vpcId: s.VpcId as string,
        availabilityZone: str(s.AvailabilityZone) ?? `${region}a`,
        availabilityZoneId: str(s.AvailabilityZoneId) ?? "",
        // An IPv6-native subnet has no IPv4 block: the empty string, as vpclab stores it.
        cidr: str(s.CidrBlock) ?? "",
        ...(ipv6.length > 0 ? { ipv6CidrBlocks: ipv6 } : {}),
        ...(native ? { ipv6Native: true } : {}),
        ...(dns.EnableResourceNameDnsAAAARecord === true ? { enableResourceNameDnsAAAARecord: true } : {}),
        state: s.State === "pending" ? "pending" : "available",
        defaultForAz: bool(s.DefaultForAz),
        mapPublicIpOnLaunch: bool(s.MapPublicIpOnLaunch),
        assignIpv6AddressOnCreation: bool(s.AssignIpv6AddressOnCreation),
        enableDns64: bool(s.EnableDns64),
        privateDnsHostnameType: dns.HostnameType === "resource-name" ? "resource-name" : "ip-name",
        ...(dns.EnableResourceNameDnsARecord === true ? { enableResourceNameDnsARecord: true } : {}),
      } satisfies Omit<Subnet, keyof Scoped>;
    },
  },
  {
    key: "RouteTables",
    collection: "routeTables",
    what: "route table",
    idField: "RouteTableId",
    inVpc: true,
    convert: (t, { id, region, warn, pl }) => {
      if (!str(t.VpcId)) return undefined;
      const routes: Route[] = [];
      for (const r of arr(t.Routes)) {
        // IPv4, IPv6 (DestinationIpv6CidrBlock) or a prefix list (DestinationPrefixListId, whose id is
        // also the route's destinationCidr in vpclab's record; AWS-managed ids are mapped to vpclab's).
        const listId = str(r.DestinationPrefixListId) ? pl(r.DestinationPrefixListId as string) : undefined;
        const dest = listId ?? str(r.DestinationCidrBlock) ?? str(r.DestinationIpv6CidrBlock);
        const target = routeTarget(r);
        const label = `${id} route ${dest ?? "?"}`;
        if (!dest) {
          warn(`${region}: ${label}: no DestinationCidrBlock, DestinationIpv6CidrBlock or DestinationPrefixListId; route left out`);
          continue;
        }
        if (!target) {
          warn(`${region}: ${label} has no target vpclab can read; route left out`);
          continue;
        }
        const origin = r.Origin === "EnableVgwRoutePropagation" ? "EnableVgwRoutePropagation" : r.Origin === "CreateRouteTable" || target.kind === "local" ? "CreateRouteTable" : "CreateRoute";
        routes.push({ destinationCidr: dest, ...(listId ? { destinationPrefixListId: listId } : {}), target, origin });
      }
      const vgws = arr(t.PropagatingVgws)
        .map((g) => str(g.GatewayId))
        .filter((g): g is string => g !== undefined);
      return {
        vpcId: t.VpcId as string,
        routes,
        ...(vgws.length > 0 ? { propagatingVgws: vgws } : {}),
        associations: arr(t.Associations)
          .filter((a) => !isObj(a.AssociationState) || a.AssociationState.State === "associated" || a.AssociationState.State === "associating")
          .map((a) => ({
            id: str(a.RouteTableAssociationId) ?? hashId("rtbassoc", `${id}/${a.SubnetId ?? a.GatewayId ?? "main"}`),
            main: bool(a.Main),
            ...(str(a.SubnetId) ? { subnetId: a.SubnetId as string } : {}),
            ...(str(a.GatewayId) ? { gatewayId: a.GatewayId as string } : {}),
          })),
      } satisfies Omit<RouteTable, keyof Scoped>;
    },
  },
  {
    key: "InternetGateways",
    collection: "internetGateways",
    what: "internet gateway",
    idField: "InternetGatewayId",
    convert: (g) =>
      ({
        attachments: arr(g.Attachments)
          .filter((a) => str(a.VpcId))
          .map((a) => ({ vpcId: a.VpcId as string, state: a.State === "attaching" ? "attaching" : a.State === "detaching" ? "detaching" : "available" })),
      }) satisfies Omit<InternetGateway, keyof Scoped>,
  },
  {
    key: "DhcpOptions",
    collection: "dhcpOptions",
    what: "DHCP options",
    idField: "DhcpOptionsId",
    convert: (d) => ({ configurations: arr(d.DhcpConfigurations).map((c) => ({ key: String(c.Key), values: arr(c.Values).map((x) => String(x.Value)) })) }) satisfies Omit<DhcpOptions, keyof Scoped>,
  },
  {
    key: "SecurityGroups",
    collection: "securityGroups",
    what: "security group",
    idField: "GroupId",
    inVpc: true,
    convert: (g, { id, owner, region, warn, sgRules, pl }) => {
      if (!str(g.VpcId)) {
        warn(`${region}: security group ${id} has no VpcId (EC2-Classic is not modelled); left out`);
        return undefined;
      }
      const detailed = sgRules.get(id);
      const rules = detailed ? detailed.map((r) => ruleFromRecord(id, r, pl)) : [...rulesFromPermissions(id, owner, false, arr(g.IpPermissions), pl), ...rulesFromPermissions(id, owner, true, arr(g.IpPermissionsEgress), pl)];
      return {
        vpcId: g.VpcId as string,
        name: str(g.GroupName) ?? id,
        description: typeof g.Description === "string" ? g.Description : "",
        isDefault: g.GroupName === "default",
        rules,
      } satisfies Omit<SecurityGroup, keyof Scoped>;
    },
  },
  {
    key: "NetworkAcls",
    collection: "networkAcls",
    what: "network ACL",
    idField: "NetworkAclId",
    inVpc: true,
    convert: (a, { id }) => {
      if (!str(a.VpcId)) return undefined;
      const entries: NetworkAclEntry[] = [];
      for (const e of arr(a.Entries)) {
        const entry: NetworkAclEntry = {
          ruleNumber: num(e.RuleNumber, 32767),
          egress: bool(e.Egress),
          protocol: String(e.Protocol ?? "-1"),
          ruleAction: e.RuleAction === "allow" ? "allow" : "deny",
        };
        if (str(e.CidrBlock)) entry.cidrBlock = e.CidrBlock as string;
        if (str(e.Ipv6CidrBlock)) entry.ipv6CidrBlock = e.Ipv6CidrBlock as string;
        if (isObj(e.IcmpTypeCode)) entry.icmp = { type: num(e.IcmpTypeCode.Type, -1), code: num(e.IcmpTypeCode.Code, -1) };
        if (isObj(e.PortRange)) entry.portRange = { from: num(e.PortRange.From, 0), to: num(e.PortRange.To, 65535) };
        entries.push(entry);
      }
      return {
        vpcId: a.VpcId as string,
        isDefault: bool(a.IsDefault),
        entries,
        associations: arr(a.Associations)
          .filter((x) => str(x.SubnetId))
          .map((x) => ({ id: str(x.NetworkAclAssociationId) ?? hashId("aclassoc", `${id}/${x.SubnetId}`), subnetId: x.SubnetId as string })),
      } satisfies Omit<NetworkAcl, keyof Scoped>;
    },
  },
  {
    key: "Addresses",
    collection: "addresses",
    what: "address (AllocationId; EC2-Classic addresses have none and are not modelled)",
    idField: "AllocationId",
    convert: (a, { region, warn }) => {
      if (!str(a.PublicIp)) {
        warn(`${region}: address ${String(a.AllocationId)} has no PublicIp; left out`);
        return undefined;
      }
      const e: Omit<ElasticIp, keyof Scoped> = { publicIp: a.PublicIp as string, domain: "vpc", networkBorderGroup: str(a.NetworkBorderGroup) ?? region };
      if (str(a.AssociationId) && str(a.NetworkInterfaceId)) {
        e.association = {
          id: a.AssociationId as string,
          networkInterfaceId: a.NetworkInterfaceId as string,
          privateIp: str(a.PrivateIpAddress) ?? "",
          ...(str(a.InstanceId) ? { instanceId: a.InstanceId as string } : {}),
        };
      }
      return e;
    },
  },
  {
    key: "Volumes",
    collection: "volumes",
    what: "volume",
    idField: "VolumeId",
    convert: (v, { region, now }) =>
      ({
        availabilityZone: str(v.AvailabilityZone) ?? `${region}a`,
        size: num(v.Size, 8),
        volumeType: str(v.VolumeType) ?? "gp3",
        ...(typeof v.Iops === "number" ? { iops: v.Iops } : {}),
        ...(typeof v.Throughput === "number" ? { throughput: v.Throughput } : {}),
        encrypted: bool(v.Encrypted),
        ...(str(v.KmsKeyId) ? { kmsKeyId: v.KmsKeyId as string } : {}),
        snapshotId: typeof v.SnapshotId === "string" ? v.SnapshotId : "",
        state: (str(v.State) ?? "available") as Volume["state"],
        createTime: time(v.CreateTime, now),
        multiAttachEnabled: bool(v.MultiAttachEnabled),
        attachments: arr(v.Attachments)
          .filter((x) => str(x.InstanceId))
          .map((x) => ({
            instanceId: x.InstanceId as string,
            device: str(x.Device) ?? "/dev/xvda",
            state: (str(x.State) ?? "attached") as "attached",
            attachTime: time(x.AttachTime, now),
            deleteOnTermination: bool(x.DeleteOnTermination),
          })),
      }) satisfies Omit<Volume, keyof Scoped>,
  },
  {
    key: "TransitGateways",
    collection: "transitGateways",
    what: "transit gateway",
    idField: "TransitGatewayId",
    convert: (t, { now }) => {
      const o = isObj(t.Options) ? t.Options : {};
      return {
        state: (str(t.State) ?? "available") as TransitGateway["state"],
        ...(typeof t.Description === "string" ? { description: t.Description } : {}),
        createdAt: time(t.CreationTime, now),
        options: {
          amazonSideAsn: num(o.AmazonSideAsn, 64512),
          autoAcceptSharedAttachments: enable(o.AutoAcceptSharedAttachments),
          defaultRouteTableAssociation: enable(o.DefaultRouteTableAssociation, "enable"),
          defaultRouteTablePropagation: enable(o.DefaultRouteTablePropagation, "enable"),
          ...(str(o.AssociationDefaultRouteTableId) ? { associationDefaultRouteTableId: o.AssociationDefaultRouteTableId as string } : {}),
          ...(str(o.PropagationDefaultRouteTableId) ? { propagationDefaultRouteTableId: o.PropagationDefaultRouteTableId as string } : {}),
          vpnEcmpSupport: enable(o.VpnEcmpSupport, "enable"),
          dnsSupport: enable(o.DnsSupport, "enable"),
          securityGroupReferencingSupport: enable(o.SecurityGroupReferencingSupport),
          multicastSupport: enable(o.MulticastSupport),
          cidrBlocks: Array.isArray(o.TransitGatewayCidrBlocks) ? o.TransitGatewayCidrBlocks.filter((x): x is string => typeof x === "string") : [],
        },
      } satisfies Omit<TransitGateway, keyof Scoped>;
    },
  },
  {
    key: "TransitGatewayVpcAttachments",
    collection: "tgwAttachments",
    what: "transit gateway VPC attachment",
    idField: "TransitGatewayAttachmentId",
    ownerField: "VpcOwnerId",
    inVpc: true,
    convert: (a, { id, region, warn, now }) => {
      if (!str(a.TransitGatewayId) || !str(a.VpcId)) {
        warn(`${region}: transit gateway VPC attachment ${id} has no TransitGatewayId or VpcId; left out`);
        return undefined;
      }
      const o = isObj(a.Options) ? a.Options : {};
      return {
        transitGatewayId: a.TransitGatewayId as string,
        vpcId: a.VpcId as string,
        subnetIds: Array.isArray(a.SubnetIds) ? a.SubnetIds.filter((x): x is string => typeof x === "string") : [],
        state: tgwAttachmentState(a.State),
        createdAt: time(a.CreationTime, now),
        options: {
          dnsSupport: enable(o.DnsSupport, "enable"),
          ipv6Support: enable(o.Ipv6Support),
          applianceModeSupport: enable(o.ApplianceModeSupport),
          securityGroupReferencingSupport: enable(o.SecurityGroupReferencingSupport),
        },
      } satisfies Omit<TgwVpcAttachment, keyof Scoped>;
    },
  },
  {
    key: "TransitGatewayRouteTables",
    collection: "tgwRouteTables",
    what: "transit gateway route table",
    idField: "TransitGatewayRouteTableId",
    convert: (t, { id, region, bag, warn, now }) => {
      if (!str(t.TransitGatewayId)) return undefined;
      const per = (call: string) => bag.each.get(call)?.get(id);
      const assoc = per("get-transit-gateway-route-table-associations");
      const props = per("get-transit-gateway-route-table-propagations");
      const search = per("search-transit-gateway-routes");
      const live = (x: J) => x.State === undefined || x.State === "associated" || x.State === "associating" || x.State === "enabled" || x.State === "enabling";
      const associations = assoc
        ? arr(assoc.Associations)
            .filter(live)
            .map((x) => str(x.TransitGatewayAttachmentId))
        : // DescribeTransitGatewayAttachments names each attachment's table.
          (bag.lists.get("TransitGatewayAttachments") ?? [])
            .filter((x) => isObj(x.Association) && x.Association.TransitGatewayRouteTableId === id && live(x.Association))
            .map((x) => str(x.TransitGatewayAttachmentId));
      if (!props) warn(`${region}: transit gateway route table ${id}: no get-transit-gateway-route-table-propagations.${id}.json; it propagates nothing`);
      const propagations = arr(props?.TransitGatewayRouteTablePropagations)
        .filter(live)
        .map((x) => str(x.TransitGatewayAttachmentId));
      if (!search) warn(`${region}: transit gateway route table ${id}: no search-transit-gateway-routes.${id}.json; it has no static routes`);
      if (search?.AdditionallyAvailable === true) warn(`${region}: transit gateway route table ${id} has more than the ${arr(search.Routes).length} routes in the snapshot (SearchTransitGatewayRoutes answers at most 1000)`);
      const routes: TgwStaticRoute[] = [];
      for (const r of arr(search?.Routes)) {
        const dest = str(r.DestinationCidrBlock);
        if (!dest) continue;
        const att = arr(r.TransitGatewayAttachments)[0];
        if (r.Type === "propagated") {
          if (att && att.ResourceType !== "vpc") warn(`${region}: ${id} route ${dest} is propagated from ${String(att.TransitGatewayAttachmentId)} (${String(att.ResourceType)}), a kind of attachment vpclab does not model; left out`);
          continue;
        }
        if (r.Type !== "static" || r.State === "deleted" || r.State === "deleting") continue;
        const attachmentId = att ? str(att.TransitGatewayAttachmentId) : undefined;
        routes.push({ destinationCidr: dest, ...(attachmentId ? { attachmentId } : {}), blackhole: attachmentId === undefined });
      }
      return {
        transitGatewayId: t.TransitGatewayId as string,
        state: (str(t.State) ?? "available") as TgwRouteTable["state"],
        createdAt: time(t.CreationTime, now),
        defaultAssociationRouteTable: bool(t.DefaultAssociationRouteTable),
        defaultPropagationRouteTable: bool(t.DefaultPropagationRouteTable),
        routes,
        associations: associations.filter((x): x is string => x !== undefined),
        propagations: propagations.filter((x): x is string => x !== undefined),
      } satisfies Omit<TgwRouteTable, keyof Scoped>;
    },
  },
  {
    key: "EgressOnlyInternetGateways",
    collection: "egressOnlyInternetGateways",
    what: "egress-only internet gateway",
    idField: "EgressOnlyInternetGatewayId",
    convert: (g) =>
      ({
        attachments: arr(g.Attachments)
          .filter((a) => str(a.VpcId) && (a.State === undefined || a.State === "attached" || a.State === "attaching"))
          .map((a) => ({ vpcId: a.VpcId as string, state: "attached" as const })),
      }) satisfies Omit<EgressOnlyInternetGateway, keyof Scoped>,
  },
  {
    key: "NatGateways",
    collection: "natGateways",
    what: "NAT gateway",
    idField: "NatGatewayId",
    inVpc: true,
    convert: (g, { id, region, warn, now }) => {
      if (!str(g.VpcId) || !str(g.SubnetId)) {
        warn(`${region}: NAT gateway ${id} has no VpcId or SubnetId; left out`);
        return undefined;
      }
      const state = (NAT_STATES.has(String(g.State)) ? g.State : "available") as NatGateway["state"];
      const addrs = arr(g.NatGatewayAddresses);
      // The gateway's interface: every address names it; a deleted or failed gateway has none (as vpclab keeps it).
      const eniId = state === "deleted" || state === "failed" ? undefined : addrs.map((a) => str(a.NetworkInterfaceId)).find((x) => x !== undefined);
      return {
        vpcId: g.VpcId as string,
        subnetId: g.SubnetId as string,
        connectivityType: g.ConnectivityType === "private" ? "private" : "public",
        state,
        createdAt: time(g.CreateTime, now),
        ...(str(g.DeleteTime) || g.DeleteTime instanceof Date ? { deletedAt: time(g.DeleteTime, now) } : {}),
        ...(str(g.FailureCode) ? { failureCode: g.FailureCode as string } : {}),
        ...(str(g.FailureMessage) ? { failureMessage: g.FailureMessage as string } : {}),
        ...(eniId ? { eniId } : {}),
        addresses: addrs.map((a, i) => ({
          privateIp: str(a.PrivateIp) ?? "",
          ...(str(a.AllocationId) ? { allocationId: a.AllocationId as string } : {}),
          ...(str(a.PublicIp) ? { publicIp: a.PublicIp as string } : {}),
          ...(str(a.AssociationId) ? { associationId: a.AssociationId as string } : {}),
          isPrimary: bool(a.IsPrimary, i === 0),
          status: (str(a.Status) ?? "succeeded") as NatGatewayAddressRecord["status"],
          ...(str(a.FailureMessage) ? { failureMessage: a.FailureMessage as string } : {}),
        })),
      } satisfies Omit<NatGateway, keyof Scoped>;
    },
  },
  {
    key: "VpcEndpoints",
    collection: "vpcEndpoints",
    what: "VPC endpoint",
    idField: "VpcEndpointId",
    inVpc: true,
    convert: (e, { id, region, warn, now }) => {
      const type = e.VpcEndpointType;
      if (!str(e.VpcId) || !str(e.ServiceName) || (type !== "Gateway" && type !== "Interface")) {
        warn(`${region}: VPC endpoint ${id} (${String(type)}) is not a Gateway or Interface endpoint with a VpcId and ServiceName (Gateway Load Balancer, resource and service-network endpoints are not modelled); left out`);
        return undefined;
      }
      if ((str(e.IpAddressType) ?? "ipv4") !== "ipv4") warn(`${region}: VPC endpoint ${id} has IpAddressType ${String(e.IpAddressType)}; vpclab models ipv4 endpoints only (kept as ipv4)`);
      // AWS's CLI prints `available`; the SDK's enum spells `Available`: vpclab's states start lower-case.
      const st = str(e.State) ?? "available";
      return {
        vpcId: e.VpcId as string,
        serviceName: e.ServiceName as string,
        type,
        state: (st[0]!.toLowerCase() + st.slice(1)) as VpcEndpoint["state"],
        createdAt: time(e.CreationTimestamp, now),
        policyDocument: typeof e.PolicyDocument === "string" ? e.PolicyDocument : DEFAULT_ENDPOINT_POLICY,
        routeTableIds: strings(e.RouteTableIds),
        subnetIds: strings(e.SubnetIds),
        networkInterfaceIds: strings(e.NetworkInterfaceIds),
        groupIds: arr(e.Groups)
          .map((g) => str(g.GroupId))
          .filter((g): g is string => g !== undefined),
        privateDnsEnabled: bool(e.PrivateDnsEnabled),
        ipAddressType: "ipv4",
        dnsRecordIpType: "ipv4",
      } satisfies Omit<VpcEndpoint, keyof Scoped>;
    },
  },
  {
    key: "PrefixLists",
    collection: "managedPrefixLists",
    what: "prefix list",
    idField: "PrefixListId",
    // AWS-managed lists are vpclab's own reference data per region: their ids are mapped, not loaded.
    skip: (p) => p.OwnerId === "AWS",
    convert: (p, { id, region, bag, warn }) => {
      if (p.AddressFamily === "IPv6") {
        warn(`${region}: prefix list ${id} is an IPv6 list; vpclab models IPv4 lists only; left out`);
        return undefined;
      }
      const got = bag.each.get("get-managed-prefix-list-entries")?.get(id);
      if (!got) warn(`${region}: prefix list ${id}: no get-managed-prefix-list-entries.${id}.json; loaded without entries`);
      const entries = arr(got?.Entries)
        .filter((x) => str(x.Cidr))
        .map((x) => ({ cidr: x.Cidr as string, ...(typeof x.Description === "string" ? { description: x.Description } : {}) }));
      return {
        name: str(p.PrefixListName) ?? id,
        addressFamily: "IPv4",
        maxEntries: num(p.MaxEntries, Math.max(1, entries.length)),
        version: num(p.Version, 1),
        entries,
        // Only the current version is in a snapshot: earlier versions cannot be read or restored.
        versions: [],
        state: str(p.State) ?? "create-complete",
      } satisfies Omit<ManagedPrefixList, keyof Scoped>;
    },
  },
  {
    key: "VpnGateways",
    collection: "vpnGateways",
    what: "virtual private gateway",
    idField: "VpnGatewayId",
    convert: (g, { now }) =>
      ({
        type: "ipsec.1",
        state: (VPN_STATES.has(String(g.State)) ? g.State : "available") as VpnGateway["state"],
        amazonSideAsn: num(g.AmazonSideAsn, 64512),
        ...(str(g.AvailabilityZone) ? { availabilityZone: g.AvailabilityZone as string } : {}),
        attachments: arr(g.VpcAttachments)
          .filter((a) => str(a.VpcId))
          .map((a) => ({ vpcId: a.VpcId as string, state: (["attaching", "attached", "detaching", "detached"].includes(String(a.State)) ? a.State : "attached") as VpnGateway["attachments"][number]["state"] })),
        ...(g.State === "deleted" ? { deletedAt: now } : {}),
      }) satisfies Omit<VpnGateway, keyof Scoped>,
  },
  {
    key: "CustomerGateways",
    collection: "customerGateways",
    what: "customer gateway",
    idField: "CustomerGatewayId",
    convert: (g, { id, region, warn, now }) => {
      if (!str(g.IpAddress)) {
        warn(`${region}: customer gateway ${id} has no IpAddress (certificate-only gateways are not modelled); left out`);
        return undefined;
      }
      return {
        type: "ipsec.1",
        state: (VPN_STATES.has(String(g.State)) ? g.State : "available") as CustomerGateway["state"],
        bgpAsn: num(g.BgpAsn, 65000),
        ipAddress: g.IpAddress as string,
        ...(str(g.DeviceName) ? { deviceName: g.DeviceName as string } : {}),
        ...(g.State === "deleted" ? { deletedAt: now } : {}),
      } satisfies Omit<CustomerGateway, keyof Scoped>;
    },
  },
  {
    key: "VpnConnections",
    collection: "vpnConnections",
    what: "VPN connection",
    idField: "VpnConnectionId",
    convert: (c, { id, region, warn, now }) => {
      if (!str(c.CustomerGatewayId) || !str(c.VpnGatewayId)) {
        warn(`${region}: VPN connection ${id} has no CustomerGatewayId or VpnGatewayId (transit gateway VPNs are not modelled); left out`);
        return undefined;
      }
      const o = isObj(c.Options) ? c.Options : {};
      return {
        type: "ipsec.1",
        state: (VPN_STATES.has(String(c.State)) ? c.State : "available") as VpnConnection["state"],
        customerGatewayId: c.CustomerGatewayId as string,
        vpnGatewayId: c.VpnGatewayId as string,
        staticRoutesOnly: bool(o.StaticRoutesOnly),
        localIpv4NetworkCidr: str(o.LocalIpv4NetworkCidr) ?? "0.0.0.0/0",
        remoteIpv4NetworkCidr: str(o.RemoteIpv4NetworkCidr) ?? "0.0.0.0/0",
        routes: arr(c.Routes)
          .filter((r) => str(r.DestinationCidrBlock))
          .map((r) => ({ destinationCidr: r.DestinationCidrBlock as string, state: (VPN_STATES.has(String(r.State)) ? r.State : "available") as VpnConnection["routes"][number]["state"] })),
        ...(c.State === "deleted" ? { deletedAt: now } : {}),
      } satisfies Omit<VpnConnection, keyof Scoped>;
    },
  },
];
const KNOWN_KEYS = new Set([
  ...KINDS.map((k) => k.key),
  "SecurityGroupRules",
  "NetworkInterfaces",
  "Reservations",
  "VpcPeeringConnections",
  "TransitGatewayPeeringAttachments",
  // DescribeTransitGatewayAttachments: a second view of the VPC and peering attachments.
  "TransitGatewayAttachments",
]);
/** The per-record calls (`<call>.<id>.json`) the importer reads. */
const EACH_CALLS = new Set(["get-transit-gateway-route-table-associations", "get-transit-gateway-route-table-propagations", "search-transit-gateway-routes", "get-managed-prefix-list-entries"]);
const IPV6_ASSOC_STATES = new Set(["associating", "associated", "disassociating", "disassociated"]);
const VPN_STATES = new Set(["pending", "available", "deleting", "deleted"]);
const NAT_STATES = new Set(["pending", "failed", "available", "deleting", "deleted"]);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string" && x !== "") : []);


/** Converts a snapshot into a state document (Maps inside: pass it to `decodeState`) and a report. */
export function importSnapshot(snap: Snapshot, now: number): { document: Record<string, unknown>; report: LoadReport } {
  const warnings: string[] = [];
  const warn = (w: string) => {
    // A broken snapshot can produce a warning per record: the first thousand say enough.
    if (warnings.length < 1000) warnings.push(w);
    else if (warnings.length === 1000) warnings.push("… further warnings left out");
  };
  const unmodelled: Record<string, number> = {};
  const loaded: Record<string, number> = {};
  const count = (k: string, n = 1) => (loaded[k] = (loaded[k] ?? 0) + n);

  // 1. Files → per-(directory account, region) bags of AWS records.
  const bags = new Map<string, RegionBag>();
  for (const [path, body] of Object.entries(snap.files ?? {})) {
    const parts = path.replace(/\\/g, "/").split("/").filter(Boolean);
    const name = parts.pop() ?? "";
    if (name === "manifest.json") continue;
    const region = parts.pop();
    const account = parts.pop();
    if (!region || !REGION.test(region)) {
      warn(`${path}: not under a region directory (expected <region>/${name} or <account>/<region>/${name}); ignored`);
      continue;
    }
    if (account !== undefined && !ACCOUNT.test(account)) {
      warn(`${path}: ${account} is not a 12-digit account id; ignored`);
      continue;
    }
    if (!isObj(body)) {
      warn(`${path}: not a JSON object (an AWS CLI/SDK answer); ignored`);
      continue;
    }
    const key = `${account ?? ""}/${region}`;
    let bag = bags.get(key);
    if (!bag) bags.set(key, (bag = { account, region, lists: new Map(), each: new Map() }));
    // A per-record answer: `<call>.<id>.json` (e.g. search-transit-gateway-routes.tgw-rtb-….json).
    const each = /^([a-z-]+)\.([A-Za-z0-9-]+)\.json$/.exec(name);
    if (each && EACH_CALLS.has(each[1]!)) {
      let m = bag.each.get(each[1]!);
      if (!m) bag.each.set(each[1]!, (m = new Map()));
      m.set(each[2]!, body);
      continue;
    }
    let known = false;
    for (const [k, v] of Object.entries(body)) {
      if (!Array.isArray(v)) continue;
      known = true;
      if (!KNOWN_KEYS.has(k)) {
        if (v.length > 0) unmodelled[k] = (unmodelled[k] ?? 0) + v.length;
        continue;
      }
      const list = bag.lists.get(k) ?? [];
      list.push(...arr(v));
      bag.lists.set(k, list);
    }
    if (!known) warn(`${path}: holds no list of records; ignored`);
  }

  // 2. Bags → regions keyed account/region.
  const regions = new Map<string, Region>();
  const regionOf = (account: string, region: string) => {
    const k = `${account}/${region}`;
    let r = regions.get(k);
    if (!r) regions.set(k, (r = new Region(account, region)));
    return r;
  };
  const peerings = new Map<string, VpcPeeringConnection>();
  const pcxRecords: { rec: J; account: string; region: string }[] = [];
  const tgwPeeringRecords: { rec: J; account: string; region: string }[] = [];
  const sgRuleRecords = new Map<string, J[]>();
  // VPCs where an interface shows a public DNS name: DNS hostnames are on there.
  const enisWithPublicDns = new Set<string>();

  for (const bag of bags.values()) {
    const { region } = bag;
    const L = (k: string) => bag.lists.get(k) ?? [];
    // The account of records that carry no OwnerId: the directory's, else the owner of the region's VPCs.
    const fallback = bag.account ?? str(L("Vpcs")[0]?.OwnerId) ?? str(L("Reservations")[0]?.OwnerId) ?? str(L("SecurityGroups")[0]?.OwnerId);
    const ownerOf = (rec: J, what: string): string | undefined => {
      const o = str(rec.OwnerId) ?? fallback;
      if (!o || !ACCOUNT.test(o)) {
        warn(`${region}: ${what} has no 12-digit OwnerId and the snapshot does not say which account it belongs to; left out`);
        return undefined;
      }
      return o;
    };

    for (const r of L("SecurityGroupRules")) {
      const gid = str(r.GroupId);
      if (!gid) continue;
      const list = sgRuleRecords.get(gid) ?? [];
      list.push(r);
      sgRuleRecords.set(gid, list);
    }
    // AWS-managed prefix lists: vpclab has its own per region (same names, its own ids). The snapshot's
    // ids are mapped by name (from DescribeManagedPrefixLists, else from a gateway endpoint's service
    // name for its route); an AWS list vpclab does not have keeps its id (an unknown list, warned).
    const plIds = new Map<string, string>();
    const ours = new Map(awsPrefixLists(region).map((l) => [l.name, l.id]));
    for (const p of L("PrefixLists")) {
      const pid = str(p.PrefixListId);
      if (!pid || p.OwnerId !== "AWS") continue;
      const mine = ours.get(String(p.PrefixListName));
      if (mine) plIds.set(pid, mine);
      else warn(`${region}: AWS-managed prefix list ${pid} (${String(p.PrefixListName)}) has no vpclab counterpart (vpclab has ${[...ours.keys()].join(", ") || "none in this region"}); references to it are kept as an unknown list`);
    }
    for (const t of L("RouteTables")) {
      for (const r of arr(t.Routes)) {
        const pid = str(r.DestinationPrefixListId);
        const gw = str(r.GatewayId);
        if (!pid || plIds.has(pid) || !gw?.startsWith("vpce-")) continue;
        const svc = str(L("VpcEndpoints").find((e) => e.VpcEndpointId === gw)?.ServiceName);
        const mine = svc ? ours.get(svc) : undefined;
        if (mine) plIds.set(pid, mine);
      }
    }
    const pl = (id: string) => plIds.get(id) ?? id;
    for (const kind of KINDS) {
      for (const rec of L(kind.key)) {
        if (kind.skip?.(rec)) continue;
        const id = str(rec[kind.idField]);
        if (!id) {
          warn(`${region}: a ${kind.what} record without ${kind.idField}; left out`);
          continue;
        }
        const owner = ownerOf(kind.ownerField ? { OwnerId: rec[kind.ownerField] ?? rec.OwnerId } : rec, `${kind.what} ${id}`);
        if (!owner) continue;
        const body = kind.convert(rec, { id, owner, region, now, bag, warn, sgRules: sgRuleRecords, pl });
        if (body) regionOf(owner, region).list(kind.collection).push({ id, ownerId: owner, region, tags: tagsOf(rec), ...body } as Scoped);
      }
    }
    const enis = new Map<string, { rec: J; owner: string }>();
    for (const n of L("NetworkInterfaces")) {
      const id = str(n.NetworkInterfaceId);
      const owner = ownerOf(n, `network interface ${id}`);
      if (id && owner) enis.set(id, { rec: n, owner });
    }
    for (const res of L("Reservations")) {
      for (const i of arr(res.Instances)) {
        const id = str(i.InstanceId);
        const owner = ownerOf({ OwnerId: res.OwnerId }, `instance ${id}`);
        if (!id || !owner) continue;
        const stateName = (isObj(i.State) ? str(i.State.Name) : undefined) as InstanceStateName | undefined;
        const nis = arr(i.NetworkInterfaces);
        // A hand-made snapshot may lack describe-network-interfaces: the instance's own view of its
        // interfaces is enough to build them.
        for (const ni of nis) {
          const nid = str(ni.NetworkInterfaceId);
          if (nid && !enis.has(nid)) {
            const att = isObj(ni.Attachment) ? ni.Attachment : {};
            enis.set(nid, {
              rec: {
                ...ni,
                AvailabilityZone: isObj(i.Placement) ? i.Placement.AvailabilityZone : undefined,
                Attachment: { ...att, InstanceId: id },
                Status: ni.Status ?? "in-use",
                TagSet: [],
              },
              owner: str(ni.OwnerId) ?? owner,
            });
          }
        }
        const primary = nis.find((ni) => isObj(ni.Attachment) && num(ni.Attachment.DeviceIndex, -1) === 0) ?? nis[0];
        const primaryEniId = str(primary?.NetworkInterfaceId) ?? "";
        const subnetId = str(i.SubnetId) ?? str(primary?.SubnetId);
        const vpcId = str(i.VpcId) ?? str(primary?.VpcId);
        if (!subnetId || !vpcId) {
          if (stateName !== "terminated") warn(`${region}: instance ${id} has no SubnetId/VpcId; left out`);
          continue;
        }
        const meta = isObj(i.MetadataOptions) ? i.MetadataOptions : undefined;
        const dns = isObj(i.PrivateDnsNameOptions) ? i.PrivateDnsNameOptions : undefined;
        const profile = isObj(i.IamInstanceProfile) ? i.IamInstanceProfile : undefined;
        const inst: Instance = {
          id,
          ownerId: owner,
          region,
          tags: tagsOf(i),
          reservationId: str(res.ReservationId) ?? hashId("r", id),
          imageId: str(i.ImageId) ?? "ami-00000000000000000",
          instanceType: str(i.InstanceType) ?? "t3.micro",
          ...(str(i.KeyName) ? { keyName: i.KeyName as string } : {}),
          state: stateName ?? "running",
          stateTransitionReason: typeof i.StateTransitionReason === "string" ? i.StateTransitionReason : "",
          launchTime: time(i.LaunchTime, now),
          subnetId,
          vpcId,
          availabilityZone: (isObj(i.Placement) ? str(i.Placement.AvailabilityZone) : undefined) ?? `${region}a`,
          primaryEniId,
          amiLaunchIndex: num(i.AmiLaunchIndex, 0),
          ...(str(i.ClientToken) ? { clientToken: i.ClientToken as string } : {}),
          ...(isObj(i.Monitoring) && i.Monitoring.State === "enabled" ? { monitoring: true } : {}),
          ...(i.EbsOptimized === true ? { ebsOptimized: true } : {}),
        };
        if (meta && (meta.HttpTokens === "optional" || meta.HttpTokens === "required")) {
          inst.metadataOptions = {
            httpTokens: meta.HttpTokens,
            httpPutResponseHopLimit: num(meta.HttpPutResponseHopLimit, 1),
            httpEndpoint: meta.HttpEndpoint === "disabled" ? "disabled" : "enabled",
            httpProtocolIpv6: meta.HttpProtocolIpv6 === "enabled" ? "enabled" : "disabled",
            instanceMetadataTags: meta.InstanceMetadataTags === "enabled" ? "enabled" : "disabled",
          };
        }
        if (dns) inst.privateDnsNameOptions = { hostnameType: dns.HostnameType === "resource-name" ? "resource-name" : "ip-name", enableA: bool(dns.EnableResourceNameDnsARecord), enableAaaa: bool(dns.EnableResourceNameDnsAAAARecord) };
        if (profile && str(profile.Arn)) inst.iamInstanceProfile = { arn: profile.Arn as string, id: str(profile.Id) ?? "", associationId: hashId("iip-assoc", id) };
        if (isObj(i.MaintenanceOptions) && i.MaintenanceOptions.AutoRecovery === "disabled") inst.autoRecovery = "disabled";
        if (stateName === "terminated") inst.terminatedAt = now;
        regionOf(owner, region).instances.push(inst);
      }
    }
    for (const [id, { rec: n, owner }] of enis) {
      const subnetId = str(n.SubnetId);
      const vpcId = str(n.VpcId);
      if (!subnetId || !vpcId) {
        warn(`${region}: network interface ${id} has no SubnetId/VpcId; left out`);
        continue;
      }
      const ips = arr(n.PrivateIpAddresses)
        .filter((p) => str(p.PrivateIpAddress))
        .map((p) => ({ address: p.PrivateIpAddress as string, primary: bool(p.Primary) }));
      if (ips.length === 0 && str(n.PrivateIpAddress)) ips.push({ address: n.PrivateIpAddress as string, primary: true });
      if (ips.length === 0) {
        warn(`${region}: network interface ${id} has no private IPv4 address; left out`);
        continue;
      }
      if (!ips.some((p) => p.primary)) ips[0]!.primary = true;
      const assoc = isObj(n.Association) ? n.Association : undefined;
      if (assoc && str(assoc.PublicDnsName)) enisWithPublicDns.add(vpcId);
      const assocIp = arr(n.PrivateIpAddresses).find((p) => isObj(p.Association));
      const att = isObj(n.Attachment) ? n.Attachment : undefined;
      const eni: NetworkInterface = {
        id,
        ownerId: owner,
        region,
        tags: tagsOf(n),
        subnetId,
        vpcId,
        availabilityZone: str(n.AvailabilityZone) ?? `${region}a`,
        description: typeof n.Description === "string" ? n.Description : "",
        macAddress: str(n.MacAddress) ?? macOf(id),
        privateIps: ips,
        securityGroupIds: arr(n.Groups)
          .map((g) => str(g.GroupId))
          .filter((g): g is string => g !== undefined),
        sourceDestCheck: bool(n.SourceDestCheck, true),
        interfaceType: str(n.InterfaceType) ?? "interface",
        // A requester-managed interface (a NAT gateway's, an endpoint's) is in-use without an attachment.
        status: n.Status === "available" || n.Status === "attaching" || n.Status === "detaching" || n.Status === "in-use" ? n.Status : att ? "in-use" : "available",
        requesterManaged: bool(n.RequesterManaged),
      };
      if (eni.requesterManaged && str(n.RequesterId)) eni.requesterId = n.RequesterId as string;
      const v6 = arr(n.Ipv6Addresses)
        .map((a) => str(a.Ipv6Address))
        .filter((a): a is string => a !== undefined);
      if (v6.length > 0) eni.ipv6Addresses = v6;
      if (att && str(att.InstanceId)) {
        eni.attachment = {
          id: str(att.AttachmentId) ?? hashId("eni-attach", id),
          instanceId: att.InstanceId as string,
          deviceIndex: num(att.DeviceIndex, 0),
          status: att.Status === "attaching" || att.Status === "detaching" || att.Status === "detached" ? att.Status : "attached",
          deleteOnTermination: bool(att.DeleteOnTermination, true),
          attachTime: time(att.AttachTime, now),
        };
      }
      if (assoc && str(assoc.PublicIp)) {
        eni.association = {
          publicIp: assoc.PublicIp as string,
          ipOwnerId: str(assoc.IpOwnerId) ?? "amazon",
          privateIp: str(assocIp?.PrivateIpAddress) ?? ips.find((p) => p.primary)!.address,
          ...(str(assoc.AllocationId) ? { allocationId: assoc.AllocationId as string } : {}),
          ...(str(assoc.AssociationId) ? { associationId: assoc.AssociationId as string } : {}),
        };
        if (!str(assoc.AllocationId)) eni.publicIpOnLaunch = true;
      }
      regionOf(owner, region).networkInterfaces.push(eni);
    }
    for (const p of L("VpcPeeringConnections")) pcxRecords.push({ rec: p, account: bag.account ?? fallback ?? "", region });
    for (const p of L("TransitGatewayPeeringAttachments")) tgwPeeringRecords.push({ rec: p, account: bag.account ?? fallback ?? "", region });
  }

  // 3. Peerings: one object seen from each side's files; tags per side.
  for (const { rec, account, region } of pcxRecords) {
    const id = str(rec.VpcPeeringConnectionId);
    if (!id || !isObj(rec.RequesterVpcInfo) || !isObj(rec.AccepterVpcInfo)) {
      warn(`${region}: a peering connection without an id or both sides; left out`);
      continue;
    }
    let pcx = peerings.get(id);
    if (!pcx) {
      const code = (isObj(rec.Status) ? str(rec.Status.Code) : undefined) as PeeringStatusCode | undefined;
      const side = (info: J) => {
        const blocks = arr(info.CidrBlockSet)
          .map((b) => str(b.CidrBlock))
          .filter((b): b is string => b !== undefined);
        if (blocks.length === 0 && str(info.CidrBlock)) blocks.push(info.CidrBlock as string);
        return {
          ownerId: str(info.OwnerId) ?? account,
          region: str(info.Region) ?? region,
          vpcId: str(info.VpcId) ?? "",
          cidrBlocks: blocks,
          allowDnsResolutionFromRemoteVpc: isObj(info.PeeringOptions) ? bool(info.PeeringOptions.AllowDnsResolutionFromRemoteVpc) : false,
        };
      };
      const accepter = side(rec.AccepterVpcInfo);
      pcx = {
        id,
        requester: side(rec.RequesterVpcInfo),
        accepter,
        status: { code: code ?? "active", message: isObj(rec.Status) && typeof rec.Status.Message === "string" ? rec.Status.Message : "Active" },
        statusChangedAt: now,
        tags: new Map(),
        meta: { accepted: accepter.cidrBlocks.length > 0 || code === "active" },
      };
      if (str(rec.ExpirationTime)) pcx.expirationTime = time(rec.ExpirationTime, now);
      peerings.set(id, pcx);
    }
    if (account) {
      const t = tagsOf(rec);
      if (t.size > 0) pcx.tags.set(`${account}/${region}`, t);
    }
  }

  // 3b. Transit gateway peering attachments: one object seen from each side's files; tags per side.
  const tgwPeerings = new Map<string, TgwPeeringAttachment>();
  for (const { rec, account, region } of tgwPeeringRecords) {
    const id = str(rec.TransitGatewayAttachmentId);
    const req = isObj(rec.RequesterTgwInfo) ? rec.RequesterTgwInfo : undefined;
    const acc = isObj(rec.AccepterTgwInfo) ? rec.AccepterTgwInfo : undefined;
    if (!id || !req || !acc || !str(req.TransitGatewayId) || !str(acc.TransitGatewayId)) {
      warn(`${region}: a transit gateway peering attachment without an id or both gateways; left out`);
      continue;
    }
    let p = tgwPeerings.get(id);
    if (!p) {
      const side = (info: J) => ({ ownerId: str(info.OwnerId) ?? account, region: str(info.Region) ?? region, transitGatewayId: info.TransitGatewayId as string });
      p = {
        id,
        requester: side(req),
        accepter: side(acc),
        state: tgwAttachmentState(rec.State ?? (isObj(rec.Status) ? rec.Status.Code : undefined)),
        createdAt: time(rec.CreationTime, now),
        statusMessage: isObj(rec.Status) && typeof rec.Status.Message === "string" ? rec.Status.Message : "",
        tags: new Map(),
      };
      tgwPeerings.set(id, p);
    }
    if (account) {
      const t = tagsOf(rec);
      if (t.size > 0) p.tags.set(`${account}/${region}`, t);
    }
  }

  // 4. Consistency: what the engine cannot place is left out, with a warning; dangling references stay.
  const allVpcs = new Map<string, Vpc>();
  const allSubnets = new Set<string>();
  for (const r of regions.values()) for (const v of r.vpcs) allVpcs.set(v.id, v);
  for (const r of regions.values()) for (const s of r.list<Subnet>("subnets")) allSubnets.add(s.id);
  for (const r of regions.values()) {
    const where = `${r.account} ${r.region}`;
    const keep = <T extends Scoped>(collection: string, ok: (x: T) => string | undefined, what: string): void => {
      r.lists.set(
        collection,
        r.list<T>(collection).filter((x) => {
          const why = ok(x);
          if (why) warn(`${where}: ${what} ${x.id} ${why}; left out`);
          return !why;
        }),
      );
    };
    // The same record in two files (an account directory and a hand-made one): the first is kept.
    const dedupe = (collection: string, what: string): void => {
      const seen = new Set<string>();
      keep(collection, (x) => (seen.has(x.id) ? "appears twice: the first copy is kept, this one" : (seen.add(x.id), undefined)), what);
    };
    for (const k of KINDS) dedupe(k.collection, k.what);
    dedupe("instances", "instance");
    dedupe("networkInterfaces", "network interface");
    const inVpc = (x: Scoped) => {
      const vpcId = (x as Scoped & { vpcId: string }).vpcId;
      return allVpcs.has(vpcId) ? undefined : `is in ${vpcId}, which is not in the snapshot`;
    };
    for (const k of KINDS) if (k.inVpc) keep(k.collection, inVpc, k.what);
    keep<NetworkInterface>("networkInterfaces", (n) => inVpc(n) ?? (allSubnets.has(n.subnetId) ? undefined : `is in subnet ${n.subnetId}, which is not in the snapshot`), "network interface");
    const eniIds = new Set(r.networkInterfaces.map((n) => n.id));
    keep<Instance>("instances", (i) => (i.state === "terminated" ? undefined : (inVpc(i) ?? (eniIds.has(i.primaryEniId) ? undefined : `has no primary network interface in the snapshot`))), "instance");
    const instIds = new Set(r.instances.map((i) => i.id));
    for (const n of r.networkInterfaces) {
      if (n.attachment && !instIds.has(n.attachment.instanceId)) {
        warn(`${where}: network interface ${n.id} is attached to ${n.attachment.instanceId}, which is not in the snapshot (kept, attached to nothing vpclab knows)`);
      }
    }
    const tgwIds = new Set(r.list<TransitGateway>("transitGateways").map((t) => t.id));
    const attachmentIds = new Set([...r.list("tgwAttachments").map((a) => a.id), ...[...tgwPeerings.values()].filter((p) => [p.requester, p.accepter].some((s) => s.ownerId === r.account && s.region === r.region)).map((p) => p.id)]);
    for (const t of r.list<RouteTable>("routeTables")) {
      for (const rt of t.routes) {
        const tg = rt.target;
        if (tg.kind === "instance") tg.eniId = r.instances.find((i) => i.id === tg.id)?.primaryEniId ?? "";
        if (tg.kind === "pcx" && !peerings.has(tg.id)) warn(`${where}: route table ${t.id} routes ${rt.destinationCidr} to peering ${tg.id}, which is not in the snapshot (kept: a blackhole)`);
        if (tg.kind === "igw" && !r.list("internetGateways").some((g) => g.id === tg.id)) warn(`${where}: route table ${t.id} routes ${rt.destinationCidr} to ${tg.id}, which is not in the snapshot (kept: a blackhole)`);
        if (tg.kind === "tgw" && !tgwIds.has(tg.id)) warn(`${where}: route table ${t.id} routes ${rt.destinationCidr} to ${tg.id}, which is not in the snapshot (kept: a blackhole)`);
        if ((tg.kind === "eni" && !eniIds.has(tg.id)) || (tg.kind === "instance" && !instIds.has(tg.id))) warn(`${where}: route table ${t.id} routes ${rt.destinationCidr} to ${tg.id}, which is not in the snapshot (kept: a blackhole)`);
        if (tg.kind === "nat" && !r.list("natGateways").some((g) => g.id === tg.id)) warn(`${where}: route table ${t.id} routes ${rt.destinationCidr} to ${tg.id}, which is not in the snapshot (kept: a blackhole)`);
        if (tg.kind === "eigw" && !r.list("egressOnlyInternetGateways").some((g) => g.id === tg.id)) warn(`${where}: route table ${t.id} routes ${rt.destinationCidr} to ${tg.id}, which is not in the snapshot (kept: a blackhole)`);
        if (tg.kind === "vpce" && !r.list("vpcEndpoints").some((g) => g.id === tg.id)) warn(`${where}: route table ${t.id} routes ${rt.destinationCidr} to ${tg.id}, which is not in the snapshot (kept: a blackhole)`);
        if (rt.destinationPrefixListId?.startsWith("pl-") && !r.list("managedPrefixLists").some((x) => x.id === rt.destinationPrefixListId) && !awsPrefixLists(r.region).some((x) => x.id === rt.destinationPrefixListId)) {
          warn(`${where}: route table ${t.id} routes prefix list ${rt.destinationPrefixListId}, which is not in the snapshot (kept: it matches nothing)`);
        }
        if (tg.kind === "vgw" && !r.list("vpnGateways").some((g) => g.id === tg.id)) warn(`${where}: route table ${t.id} routes ${rt.destinationCidr} to ${tg.id}, which is not in the snapshot (kept: a blackhole)`);
        if (tg.kind === "unmodelled") {
          warn(`${where}: route table ${t.id} routes ${rt.destinationCidr} to ${tg.id}, a kind vpclab does not model (kept: answered as a blackhole route to an unmodelled target)`);
        }
      }
    }
    for (const t of r.list<TgwRouteTable>("tgwRouteTables")) {
      if (!tgwIds.has(t.transitGatewayId)) warn(`${where}: transit gateway route table ${t.id} belongs to ${t.transitGatewayId}, which is not in the snapshot (kept)`);
      for (const id of [...t.associations, ...t.propagations, ...t.routes.flatMap((x) => (x.attachmentId ? [x.attachmentId] : []))]) {
        if (!attachmentIds.has(id)) warn(`${where}: transit gateway route table ${t.id} names attachment ${id}, which is not in the snapshot (kept: a blackhole)`);
      }
    }
    const def = r.vpcs.find((v) => v.isDefault);
    if (def && def.dhcpOptionsId !== "default") r.defaultDhcpOptionsId = def.dhcpOptionsId;
    // DescribeVpcs hides enableDnsHostnames; a public DNS name on any interface shows it is on.
    for (const v of r.vpcs) {
      // An interface endpoint with private DNS requires DNS hostnames (AWS refuses it otherwise).
      if (!v.enableDnsHostnames) v.enableDnsHostnames = enisWithPublicDns.has(v.id) || r.list<VpcEndpoint>("vpcEndpoints").some((e) => e.vpcId === v.id && e.privateDnsEnabled);
    }
    for (const [collection, list] of r.lists) count(collection, list.length);
  }
  for (const p of peerings.values()) {
    for (const s of [p.requester, p.accepter]) {
      const v = allVpcs.get(s.vpcId);
      if (!v) warn(`peering ${p.id}: VPC ${s.vpcId} (${s.ownerId} ${s.region}) is not in the snapshot (kept: its routes lead nowhere)`);
      else if (s.cidrBlocks.length === 0) s.cidrBlocks = v.cidrBlocks.map((b) => b.cidr);
    }
  }
  const allTgws = new Set([...regions.values()].flatMap((r) => r.list("transitGateways").map((t) => t.id)));
  for (const p of tgwPeerings.values()) {
    for (const s of [p.requester, p.accepter]) {
      if (!allTgws.has(s.transitGatewayId)) warn(`transit gateway peering attachment ${p.id}: ${s.transitGatewayId} (${s.ownerId} ${s.region}) is not in the snapshot (kept: its routes lead nowhere)`);
    }
  }
  count("peerings", peerings.size);
  if (tgwPeerings.size > 0) count("tgwPeerings", tgwPeerings.size);

  // 5. The state document.
  const byAccount = new Map<string, Region[]>();
  for (const r of regions.values()) {
    const list = byAccount.get(r.account) ?? [];
    list.push(r);
    byAccount.set(r.account, list);
  }
  const accounts = [...byAccount].map(([account, rl]) => ({
    account,
    regions: rl.map((r) => ({
      region: r.region,
      ...(r.defaultDhcpOptionsId ? { defaultDhcpOptionsId: r.defaultDhcpOptionsId } : {}),
      ...Object.fromEntries(r.lists),
    })),
  }));
  const document = {
    format: STATE_FORMAT,
    version: STATE_VERSION,
    savedAt: new Date(now).toISOString(),
    clock: { offsetMs: 0 },
    ids: { seeded: false, counters: {} },
    taskSeq: 0,
    tasks: [],
    accounts,
    peerings: [...peerings.values()],
    tgwPeerings: [...tgwPeerings.values()],
  };
  return { document, report: { accounts: byAccount.size, regions: regions.size, loaded, unmodelled, warnings } };
}

function macOf(id: string): string {
  const h = createHash("sha256").update(id).digest("hex");
  return `02:${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4, 6)}:${h.slice(6, 8)}:${h.slice(8, 10)}`;
}

/** A route's target as vpclab's record; undefined when the route names none. */
function routeTarget(r: J): RouteTarget | undefined {
  const gw = str(r.GatewayId);
  if (gw === "local") return { kind: "local" };
  if (gw?.startsWith("igw-")) return { kind: "igw", id: gw };
  if (gw?.startsWith("vgw-")) return { kind: "vgw", id: gw };
  if (str(r.VpcPeeringConnectionId)) return { kind: "pcx", id: r.VpcPeeringConnectionId as string };
  if (str(r.TransitGatewayId)) return { kind: "tgw", id: r.TransitGatewayId as string };
  if (str(r.NatGatewayId)) return { kind: "nat", id: r.NatGatewayId as string };
  if (str(r.EgressOnlyInternetGatewayId)) return { kind: "eigw", id: r.EgressOnlyInternetGatewayId as string };
  if (str(r.NetworkInterfaceId)) return { kind: "eni", id: r.NetworkInterfaceId as string };
  if (str(r.InstanceId)) return { kind: "instance", id: r.InstanceId as string, eniId: "" };
  if (gw?.startsWith("vpce-")) return { kind: "vpce", id: gw };
  if (gw) return { kind: "unmodelled", id: gw, field: "GatewayId" };
  for (const field of ["LocalGatewayId", "CarrierGatewayId", "CoreNetworkArn"]) {
    if (str(r[field])) return { kind: "unmodelled", id: r[field] as string, field };
  }
  return undefined;
}

function ruleFromRecord(groupId: string, r: J, pl: (id: string) => string): SecurityGroupRule {
  const rule: SecurityGroupRule = {
    id: str(r.SecurityGroupRuleId) ?? hashId("sgr", JSON.stringify(r)),
    groupId,
    isEgress: bool(r.IsEgress),
    ipProtocol: String(r.IpProtocol ?? "-1"),
    fromPort: num(r.FromPort, -1),
    toPort: num(r.ToPort, -1),
    tags: tagsOf(r),
  };
  if (str(r.CidrIpv4)) rule.cidrIpv4 = r.CidrIpv4 as string;
  if (str(r.CidrIpv6)) rule.cidrIpv6 = r.CidrIpv6 as string;
  if (str(r.PrefixListId)) rule.prefixListId = pl(r.PrefixListId as string);
  const ref = isObj(r.ReferencedGroupInfo) ? r.ReferencedGroupInfo : undefined;
  if (ref && str(ref.GroupId)) {
    rule.referencedGroup = {
      groupId: ref.GroupId as string,
      userId: str(ref.UserId) ?? "",
      ...(str(ref.VpcId) ? { vpcId: ref.VpcId as string } : {}),
      ...(str(ref.VpcPeeringConnectionId) ? { vpcPeeringConnectionId: ref.VpcPeeringConnectionId as string } : {}),
    };
  }
  if (typeof r.Description === "string") rule.description = r.Description;
  return rule;
}

/** Rules from DescribeSecurityGroups' IpPermissions (a hand-made snapshot without the rules call). */
function rulesFromPermissions(groupId: string, owner: string, egress: boolean, perms: J[], pl: (id: string) => string): SecurityGroupRule[] {
  const out: SecurityGroupRule[] = [];
  for (const p of perms) {
    const base = {
      groupId,
      isEgress: egress,
      ipProtocol: String(p.IpProtocol ?? "-1"),
      fromPort: p.IpProtocol === "-1" ? -1 : num(p.FromPort, -1),
      toPort: p.IpProtocol === "-1" ? -1 : num(p.ToPort, -1),
      tags: new Map<string, string>(),
    };
    const add = (extra: Partial<SecurityGroupRule>, d: unknown) => {
      const rule: SecurityGroupRule = { ...base, ...extra, id: hashId("sgr", JSON.stringify([groupId, egress, base.ipProtocol, base.fromPort, base.toPort, extra])) };
      if (typeof d === "string") rule.description = d;
      out.push(rule);
    };
    for (const r of arr(p.IpRanges)) if (str(r.CidrIp)) add({ cidrIpv4: r.CidrIp as string }, r.Description);
    for (const r of arr(p.Ipv6Ranges)) if (str(r.CidrIpv6)) add({ cidrIpv6: r.CidrIpv6 as string }, r.Description);
    for (const r of arr(p.PrefixListIds)) if (str(r.PrefixListId)) add({ prefixListId: pl(r.PrefixListId as string) }, r.Description);
    for (const r of arr(p.UserIdGroupPairs)) {
      if (!str(r.GroupId)) continue;
      add(
        {
          referencedGroup: {
            groupId: r.GroupId as string,
            userId: str(r.UserId) ?? owner,
            ...(str(r.VpcId) ? { vpcId: r.VpcId as string } : {}),
            ...(str(r.VpcPeeringConnectionId) ? { vpcPeeringConnectionId: r.VpcPeeringConnectionId as string } : {}),
          },
        },
        r.Description,
      );
    }
  }
  return out;
}
