/**
 * Builds networks straight into a `World`'s records, without the API: for the engine's unit and
 * differential tests and for the benchmark, which need hundreds of VPCs and thousands of interfaces
 * in milliseconds. It uses the domain's own record constructors where they exist (VPC, subnet, route
 * table, internet gateway) so the records are shaped exactly as the API makes them.
 *
 * Not used at run time by the server. Fidelity notes: no validation (quotas, overlaps) — callers build
 * what they mean to test, including configurations AWS would refuse.
 */
import { World, type RegionState, type WorldOptions } from "../state/world.js";
import type {
  Instance,
  InstanceStateName,
  NetworkAcl,
  NetworkAclEntry,
  NetworkInterface,
  RouteTable,
  RouteTarget,
  SecurityGroup,
  SecurityGroupRule,
  Subnet,
  Vpc,
  VpcPeeringConnection,
  PeeringStatusCode,
  TgwAttachmentState,
  TgwPeeringAttachment,
  TgwRouteTable,
  TgwStaticRoute,
  TgwVpcAttachment,
  TransitGateway,
} from "../domain/types.js";
import { createDefaultVpcIn, createVpcRecord, mainRouteTable } from "../domain/vpcs.js";
import { createSubnetRecord } from "../domain/subnets.js";
import { addRoute, createRouteTableRecord } from "../domain/route-tables.js";
import { attachGateway, createInternetGatewayRecord } from "../domain/internet-gateways.js";
import { zonesOf } from "../model/regions.js";
import { addIpv6DefaultRules } from "../domain/ipv6.js";

export interface RuleSpec {
  egress?: boolean;
  proto: string;
  from?: number;
  to?: number;
  cidr?: string;
  /** An IPv6 range (CidrIpv6). */
  cidr6?: string;
  group?: string;
}

export class NetBuilder {
  readonly world: World;

  /** Builds into `opts.world` (e.g. a running server's) or a new World (with default VPCs if `defaults`). */
  constructor(opts: { defaults?: boolean; world?: World } & WorldOptions = {}) {
    this.world = opts.world ?? new World(opts.defaults ? (w, rs) => void createDefaultVpcIn(w, rs) : () => {}, opts);
  }

  rs(region: string, account = "000000000000"): RegionState {
    return this.world.region(account, region);
  }

  vpc(rs: RegionState, cidr: string, extraCidrs: string[] = []): Vpc {
    const v = createVpcRecord(this.world, rs, cidr);
    v.state = "available";
    for (const c of extraCidrs) v.cidrBlocks.push({ associationId: this.world.ids.next("vpc-cidr-assoc"), cidr: c, state: "associated" });
    if (extraCidrs.length > 0) {
      const main = mainRouteTable(rs, v.id);
      for (const c of extraCidrs) main.routes.push({ destinationCidr: c, target: { kind: "local" }, origin: "CreateRouteTable" });
    }
    return v;
  }

  subnet(rs: RegionState, vpc: Vpc, cidr: string, zoneIndex = 0): Subnet {
    const zones = zonesOf(rs.region);
    return createSubnetRecord(this.world, rs, vpc, { cidr, zone: zones[zoneIndex % zones.length]! });
  }

  mainRt(rs: RegionState, vpc: Vpc): RouteTable {
    return mainRouteTable(rs, vpc.id);
  }

  routeTable(rs: RegionState, vpc: Vpc, subnets: Subnet[] = []): RouteTable {
    const rt = createRouteTableRecord(this.world, rs, vpc);
    for (const s of subnets) rt.associations.push({ id: this.world.ids.next("rtbassoc"), main: false, subnetId: s.id });
    return rt;
  }

  route(rt: RouteTable, destinationCidr: string, target: RouteTarget): void {
    addRoute(rt, { destinationCidr, target, origin: "CreateRoute" });
    this.world.changed();
  }

  igw(rs: RegionState, vpc: Vpc, defaultRouteIn?: RouteTable) {
    const igw = createInternetGatewayRecord(this.world, rs, new Map());
    attachGateway(igw, vpc.id);
    if (defaultRouteIn) this.route(defaultRouteIn, "0.0.0.0/0", { kind: "igw", id: igw.id });
    this.world.changed();
    return igw;
  }

  sg(rs: RegionState, vpc: Vpc, rules: RuleSpec[], opts: { allEgress?: boolean } = {}): SecurityGroup {
    const id = this.world.ids.next("sg");
    const sg: SecurityGroup = { id, ownerId: rs.account, region: rs.region, tags: new Map(), vpcId: vpc.id, name: id, description: id, isDefault: false, rules: [] };
    const specs = opts.allEgress === false ? rules : [...rules, { egress: true, proto: "-1", cidr: "0.0.0.0/0" }];
    for (const r of specs) this.rule(sg, r);
    rs.securityGroups.set(id, sg);
    this.world.changed();
    return sg;
  }

  rule(sg: SecurityGroup, r: RuleSpec): SecurityGroupRule {
    const rule: SecurityGroupRule = {
      id: this.world.ids.next("sgr"),
      groupId: sg.id,
      isEgress: r.egress ?? false,
      ipProtocol: r.proto,
      fromPort: r.from ?? -1,
      toPort: r.to ?? r.from ?? -1,
      tags: new Map(),
    };
    if (r.cidr !== undefined) rule.cidrIpv4 = r.cidr;
    if (r.cidr6 !== undefined) rule.cidrIpv6 = r.cidr6;
    if (r.group !== undefined) rule.referencedGroup = { groupId: r.group, userId: sg.ownerId };
    sg.rules.push(rule);
    this.world.changed();
    return rule;
  }

  acl(rs: RegionState, vpc: Vpc, entries: NetworkAclEntry[], subnets: Subnet[]): NetworkAcl {
    const id = this.world.ids.next("acl");
    const all = [
      ...entries,
      { ruleNumber: 32767, egress: false, protocol: "-1", ruleAction: "deny" as const, cidrBlock: "0.0.0.0/0" },
      { ruleNumber: 32767, egress: true, protocol: "-1", ruleAction: "deny" as const, cidrBlock: "0.0.0.0/0" },
    ];
    const acl: NetworkAcl = { id, ownerId: rs.account, region: rs.region, tags: new Map(), vpcId: vpc.id, isDefault: false, entries: all, associations: [] };
    for (const s of subnets) {
      for (const other of rs.networkAcls.values()) other.associations = other.associations.filter((a) => a.subnetId !== s.id);
      acl.associations.push({ id: this.world.ids.next("aclassoc"), subnetId: s.id });
    }
    rs.networkAcls.set(id, acl);
    this.world.changed();
    return acl;
  }

  /** An instance with one ENI at `ip` (state running unless given). */
  instance(
    rs: RegionState,
    subnet: Subnet,
    ip: string,
    opts: { sgs?: SecurityGroup[]; publicIp?: string; name?: string; state?: InstanceStateName; sourceDestCheck?: boolean; extraIps?: string[]; ipv6?: string[] } = {},
  ): { instance: Instance; eni: NetworkInterface } {
    const instanceId = this.world.ids.next("i");
    const eni = this.eni(rs, subnet, ip, opts);
    const instance: Instance = {
      id: instanceId,
      ownerId: rs.account,
      region: rs.region,
      tags: new Map(opts.name ? [["Name", opts.name]] : []),
      reservationId: this.world.ids.next("r"),
      imageId: "ami-00000000000000000",
      instanceType: "t3.micro",
      state: opts.state ?? "running",
      stateTransitionReason: "",
      launchTime: 0,
      subnetId: subnet.id,
      vpcId: subnet.vpcId,
      availabilityZone: subnet.availabilityZone,
      primaryEniId: eni.id,
      amiLaunchIndex: 0,
    };
    eni.status = "in-use";
    eni.attachment = { id: this.world.ids.next("eni-attach"), instanceId, deviceIndex: 0, status: "attached", deleteOnTermination: true, attachTime: 0 };
    rs.instances.set(instanceId, instance);
    this.world.changed();
    return { instance, eni };
  }

  eni(rs: RegionState, subnet: Subnet, ip: string, opts: { sgs?: SecurityGroup[]; publicIp?: string; sourceDestCheck?: boolean; extraIps?: string[]; ipv6?: string[] } = {}): NetworkInterface {
    const id = this.world.ids.next("eni");
    let groups = opts.sgs?.map((g) => g.id);
    if (!groups) {
      const def = [...rs.securityGroups.values()].find((g) => g.vpcId === subnet.vpcId && g.isDefault);
      groups = def ? [def.id] : [];
    }
    const eni: NetworkInterface = {
      id,
      ownerId: rs.account,
      region: rs.region,
      tags: new Map(),
      subnetId: subnet.id,
      vpcId: subnet.vpcId,
      availabilityZone: subnet.availabilityZone,
      description: "",
      macAddress: "02:00:00:00:00:00",
      privateIps: [{ address: ip, primary: true }, ...(opts.extraIps ?? []).map((a) => ({ address: a, primary: false }))],
      securityGroupIds: groups,
      sourceDestCheck: opts.sourceDestCheck ?? true,
      interfaceType: "interface",
      status: "available",
      requesterManaged: false,
    };
    if (opts.publicIp) eni.association = { publicIp: opts.publicIp, ipOwnerId: "amazon", privateIp: ip };
    if (opts.ipv6?.length) eni.ipv6Addresses = [...opts.ipv6];
    rs.networkInterfaces.set(id, eni);
    this.world.changed();
    return eni;
  }

  peering(a: { rs: RegionState; vpc: Vpc }, b: { rs: RegionState; vpc: Vpc }, status: PeeringStatusCode = "active"): VpcPeeringConnection {
    const id = this.world.ids.next("pcx");
    const side = (x: { rs: RegionState; vpc: Vpc }) => ({
      ownerId: x.rs.account,
      region: x.rs.region,
      vpcId: x.vpc.id,
      cidrBlocks: x.vpc.cidrBlocks.map((c) => c.cidr),
      ipv6CidrBlocks: x.vpc.ipv6CidrBlocks?.map((c) => c.cidr),
      allowDnsResolutionFromRemoteVpc: false,
    });
    const pcx: VpcPeeringConnection = {
      id,
      requester: side(a),
      accepter: side(b),
      status: { code: status, message: status },
      statusChangedAt: 0,
      tags: new Map(),
    };
    this.world.peerings.set(id, pcx);
    this.world.changed();
    return pcx;
  }

  /** Gives a VPC an IPv6 block (associated) and its `local` route in every route table of the VPC. */
  /** (With AWS's default IPv6 NACL entries and default-group egress rule: domain/ipv6.ts.) */
  vpc6(rs: RegionState, vpc: Vpc, cidr: string): void {
    (vpc.ipv6CidrBlocks ??= []).push({ associationId: this.world.ids.next("vpc-cidr-assoc"), cidr, state: "associated", networkBorderGroup: rs.region });
    for (const rt of rs.routeTables.values()) if (rt.vpcId === vpc.id) rt.routes.push({ destinationCidr: cidr, target: { kind: "local" }, origin: "CreateRouteTable" });
    addIpv6DefaultRules(this.world, rs, vpc);
    this.world.changed();
  }

  /** Gives a subnet an IPv6 /64 (associated). */
  subnet6(subnet: Subnet, cidr: string): void {
    (subnet.ipv6CidrBlocks ??= []).push({ associationId: this.world.ids.next("subnet-cidr-assoc"), cidr, state: "associated" });
    this.world.changed();
  }

  /** An egress-only internet gateway for `vpc`. */
  eigw(rs: RegionState, vpc: Vpc) {
    const g = { id: this.world.ids.next("eigw"), ownerId: rs.account, region: rs.region, tags: new Map<string, string>(), attachments: [{ vpcId: vpc.id, state: "attached" as const }] };
    rs.egressOnlyInternetGateways.set(g.id, g);
    this.world.changed();
    return g;
  }

  /** An available transit gateway with no default route table (tables are made with `tgwTable`). */
  tgw(rs: RegionState): TransitGateway {
    const tgw: TransitGateway = {
      id: this.world.ids.next("tgw"),
      ownerId: rs.account,
      region: rs.region,
      tags: new Map(),
      state: "available",
      createdAt: 0,
      options: {
        amazonSideAsn: 64512,
        autoAcceptSharedAttachments: "disable",
        defaultRouteTableAssociation: "disable",
        defaultRouteTablePropagation: "disable",
        vpnEcmpSupport: "enable",
        dnsSupport: "enable",
        securityGroupReferencingSupport: "disable",
        multicastSupport: "disable",
        cidrBlocks: [],
      },
    };
    rs.transitGateways.set(tgw.id, tgw);
    this.world.changed();
    return tgw;
  }

  tgwTable(rs: RegionState, tgw: TransitGateway): TgwRouteTable {
    const rtb: TgwRouteTable = {
      id: this.world.ids.next("tgw-rtb"),
      ownerId: rs.account,
      region: rs.region,
      tags: new Map(),
      transitGatewayId: tgw.id,
      state: "available",
      createdAt: 0,
      defaultAssociationRouteTable: false,
      defaultPropagationRouteTable: false,
      routes: [],
      associations: [],
      propagations: [],
    };
    rs.tgwRouteTables.set(rtb.id, rtb);
    this.world.changed();
    return rtb;
  }

  tgwAttach(rs: RegionState, tgw: TransitGateway, vpc: Vpc, subnets: Subnet[], state: TgwAttachmentState = "available"): TgwVpcAttachment {
    const a: TgwVpcAttachment = {
      id: this.world.ids.next("tgw-attach"),
      ownerId: rs.account,
      region: rs.region,
      tags: new Map(),
      transitGatewayId: tgw.id,
      vpcId: vpc.id,
      subnetIds: subnets.map((x) => x.id),
      state,
      createdAt: 0,
      options: { dnsSupport: "enable", ipv6Support: "disable", applianceModeSupport: "disable", securityGroupReferencingSupport: "disable" },
    };
    rs.tgwAttachments.set(a.id, a);
    this.world.changed();
    return a;
  }

  tgwPeering(a: { rs: RegionState; tgw: TransitGateway }, b: { rs: RegionState; tgw: TransitGateway }, state: TgwAttachmentState = "available"): TgwPeeringAttachment {
    const p: TgwPeeringAttachment = {
      id: this.world.ids.next("tgw-attach"),
      requester: { ownerId: a.rs.account, region: a.rs.region, transitGatewayId: a.tgw.id },
      accepter: { ownerId: b.rs.account, region: b.rs.region, transitGatewayId: b.tgw.id },
      state,
      createdAt: 0,
      statusMessage: state,
      tags: new Map(),
    };
    this.world.tgwPeerings.set(p.id, p);
    this.world.changed();
    return p;
  }

  tgwRoute(rtb: TgwRouteTable, route: TgwStaticRoute): void {
    rtb.routes.push(route);
    this.world.changed();
  }
}
