/**
 * The walk's shared vocabulary: hops, explanations, the Walk that collects them, and the contract of a
 * route-target forwarder (see forwarders.ts). Every forwarder module imports this file and nothing
 * else of the engine's walk (analyze.ts imports the forwarders), so a forwarder can live in its own
 * file without an import cycle.
 *
 * Fidelity notes: none of its own; see analyze.ts and each forwarder.
 */
import type { World } from "../state/world.js";
import type { Route, RouteTable, RouteTarget } from "../domain/types.js";
import { fmtIp } from "./addr.js";
import type { Fix, FixValue } from "./fix-command.js";
import type { EniInfo, NetworkModel, VpcInfo } from "./model.js";
import { MTU_VPC, type LatencyModel, type Place, type SegmentRtt } from "./latency.js";

export type HopKind =
  | "eni"
  | "sg-egress"
  | "nacl-out"
  | "route-table"
  | "local"
  | "pcx"
  | "tgw-attachment"
  | "tgw-route-table"
  | "tgw-peering"
  | "vpc"
  | "igw"
  | "eigw"
  | "internet"
  | "appliance"
  | "nat-gateway"
  | "vpc-endpoint"
  | "nacl-in"
  | "sg-ingress"
  /** A virtual private gateway, a VPN connection and the simulated on-premises network (vpn.ts). */
  | "vgw"
  | "vpn-connection"
  | "on-premises";

export interface Hop {
  leg: "forward" | "return";
  kind: HopKind;
  /** The component's id (`eni-…`, `sg-…`, `acl-…`, `rtb-…`, `pcx-…`, `igw-…`, `vpc-…`), or the address for the Internet. */
  id: string;
  account?: string;
  region?: string;
  verdict: "allow" | "deny" | "pass";
  /** What decided: the security-group rule, the NACL entry, the route. */
  securityGroupId?: string;
  securityGroupRuleId?: string;
  aclRuleNumber?: number;
  route?: RouteView;
  /** For a transit gateway VPC attachment: the attachment subnet (and its zone) the packet crossed by. */
  subnetId?: string;
  availabilityZone?: string;
  detail: string;
}

export type ExplanationCode =
  | "NO_ROUTE_TO_DESTINATION"
  | "BAD_STATE_ROUTE"
  | "BAD_STATE"
  | "BAD_STATE_ATTACHMENT"
  | "ENI_SG_RULES_MISMATCH"
  | "SUBNET_ACL_RESTRICTION"
  | "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"
  | "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"
  | "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS"
  | "IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS"
  | "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"
  | "ENI_SOURCE_DEST_CHECK_RESTRICTION"
  | "NO_POSSIBLE_DESTINATION"
  | "TGW_ROUTE_AZ_RESTRICTION"
  | "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION"
  | "TGW_RTB_CANNOT_ROUTE"
  | "TGW_RTB_BAD_STATE_ROUTE"
  /** vpclab's own code (AWS documents none): an IPv6 packet meets a transit gateway VPC attachment without Ipv6Support. */
  | "TGW_ATTACH_IPV6_SUPPORT_DISABLED"
  /** vpclab's own code (AWS documents none): a flow initiated from the Internet meets an egress-only internet gateway. */
  | "EIGW_INBOUND_NOT_ALLOWED";

export interface Explanation {
  code: ExplanationCode;
  leg: "forward" | "return";
  /** False for a lint about a component that is not on the packet's path (see PCX_REQUIRES_ADDRESS_IN_VPC_CIDR). */
  onPath: boolean;
  direction?: "ingress" | "egress";
  component: { id: string; type: string; account: string; region: string };
  vpcId?: string;
  subnetId?: string;
  networkInterfaceId?: string;
  instanceId?: string;
  routeTableId?: string;
  route?: RouteView;
  securityGroupIds?: string[];
  aclId?: string;
  aclRule?: { ruleNumber: number; ruleAction: string; protocol: string; cidrBlock?: string; egress: boolean; portRange?: { from: number; to: number } };
  vpcPeeringConnectionId?: string;
  internetGatewayId?: string;
  egressOnlyInternetGatewayId?: string;
  transitGatewayId?: string;
  transitGatewayRouteTableId?: string;
  transitGatewayAttachmentId?: string;
  /** The packet address concerned (destination for routes and egress, source for ingress). */
  address?: string;
  reason: string;
  /** What to do, in words (the commands are in `fixes`, when the remedy is known exactly). */
  fix: string;
  /** The remedy as EC2 API calls, in order (fix-command.ts renders them as AWS CLI commands). */
  fixes?: Fix[];
}

export type Leg = "forward" | "return";

export interface Arrival {
  kind: "eni" | "internet";
  eni?: EniInfo;
  ip: number;
  seenSrc: number;
  /** For an arrival outside the lab that is not the Internet (on-premises over a VPN): the hops the reply crosses. */
  returnHops?: Hop[];
}

export class Walk {
  blocked = false;
  fwd: Hop[] = [];
  ret: Hop[] = [];
  expl: Explanation[] = [];
  lints: Explanation[] = [];
  rtsUsed = new Set<RouteTable>();
  segFwd: SegmentRtt[] = [];
  segRet: SegmentRtt[] = [];
  mtu = MTU_VPC;
  mtuAt = "";
  routerHops: { address: string; id: string }[] = [];
  /** The zone of each transit gateway VPC attachment this flow crossed first (appliance mode pins it). */
  tgwZones = new Map<string, string>();
  /** Egress-only internet gateways the request left by: their state admits the reply (stateful). */
  eigwOut = new Set<string>();
  /** The gateway by which the request left for the Internet (its reply comes back through it). */
  exitGw?: { kind: "igw" | "eigw"; id: string };
  constructor(
    readonly m: NetworkModel,
    readonly world: World,
    readonly lat: LatencyModel,
    readonly explain: boolean,
  ) {}

  hops(leg: Leg): Hop[] {
    return leg === "forward" ? this.fwd : this.ret;
  }
  segs(leg: Leg): SegmentRtt[] {
    return leg === "forward" ? this.segFwd : this.segRet;
  }
  /** Records a blocker; true when the walk must stop (fast mode). */
  block(e: Explanation): boolean {
    this.blocked = true;
    this.expl.push(e);
    return !this.explain;
  }
  get stop(): boolean {
    return this.blocked && !this.explain;
  }
  lowerMtu(mtu: number, at: string): void {
    if (mtu < this.mtu) {
      this.mtu = mtu;
      this.mtuAt = at;
    }
  }
}

export function place(e: EniInfo): Place {
  return { region: e.rs.region, zone: e.subnet.subnet.availabilityZone };
}

export function where(e: { rs: { account: string; region: string } }) {
  return { account: e.rs.account, region: e.rs.region };
}

export function targetText(route: Route): string {
  const t = route.target;
  if (t.kind === "local") return "local";
  if (t.kind === "instance") return t.id;
  return t.id;
}

export function routeView(route: Route, rsState: "active" | "blackhole"): RouteView {
  const v: RouteView = { destinationCidr: route.destinationCidr, target: targetText(route), state: rsState };
  if (route.destinationPrefixListId !== undefined) v.prefixListId = route.destinationPrefixListId;
  return v;
}


export interface RouteOutcome {
  /** The next interface: the destination or an appliance. */
  next?: EniInfo;
  appliance?: boolean;
  internet?: boolean;
  seenSrc: number;
  viaIgw: boolean;
  /** Hops after the route-table hop (pcx, vpc, igw, internet). */
  after: Hop[];
  /** Routing failed: no next hop. */
  dead: boolean;
  /** Crossed a transit gateway: security-group references to the sender's groups do not match. */
  viaTgw?: boolean;
  /**
   * With `internet`: the destination is outside the lab but not on the Internet (on-premises over a
   * VPN, vpn.ts); the reply crosses these hops instead of the internet gateway.
   */
  returnHops?: Hop[];
  /**
   * Set with `appliance` by a middlebox that rewrites the source (a NAT gateway, engine/nat.ts): the
   * packet leaves it with `src` (and `dst`, when it rewrites the destination too: NAT64), and `hop` is
   * shown once the middlebox has received it.
   */
  translate?: { src: number; dst?: number; hop: Hop };
}

/** Where a component is. */
export type Loc = { account: string; region: string };

/** Everything a forwarder knows about the route it was handed. */
export interface RouteContext {
  w: Walk;
  leg: Leg;
  /** The interface whose subnet's route table matched (the sender, or an appliance forwarding). */
  s: EniInfo;
  src: number;
  dst: number;
  /** Appliances already crossed on this leg. */
  depth: number;
  rt: RouteTable;
  route: Route;
  /** The route as hops and explanations show it. */
  rv: RouteView;
  loc: Loc;
  /** What the forwarder fills in: the next interface, hops after the route table, or `dead`. */
  out: RouteOutcome;
}

/** Why a route to a target is a blackhole, and what to do about it. */
export interface BlackholeText {
  why: string;
  fix: string;
  fixes?: Fix[];
  /** Explanation fields naming the target (vpcPeeringConnectionId, internetGatewayId, transitGatewayId…). */
  refs?: Partial<Pick<Explanation, "vpcPeeringConnectionId" | "internetGatewayId" | "egressOnlyInternetGatewayId" | "transitGatewayId" | "networkInterfaceId" | "instanceId">>;
}

/**
 * One route-target kind's behaviour: `forward` walks a packet whose route is active (routeState says
 * so) to the next interface, the Internet, or a recorded blocker; `blackhole` explains a route to the
 * target that routeState reports as a blackhole (the caller records it as BAD_STATE_ROUTE).
 */
export interface Forwarder<T extends RouteTarget> {
  forward(c: RouteContext, t: T): void;
  blackhole(c: RouteContext, t: T): BlackholeText;
}

/** The forwarder table's type: one entry per RouteTarget kind, checked by the compiler. */
export type ForwarderTable = { [K in RouteTarget["kind"]]: Forwarder<Extract<RouteTarget, { kind: K }>> };

/** A route as hops and explanations show it; `prefixListId` when the route's destination is a prefix list
 * (`destinationCidr` then reads `pl-… entry <cidr>`, the entry that matched). */
export type RouteView = { destinationCidr: string; target: string; state: "active" | "blackhole"; prefixListId?: string };

export function noDestination(w: Walk, leg: Leg, s: EniInfo, vpc: VpcInfo | undefined, dst: number, reason: string): void {
  w.block({
    code: "NO_POSSIBLE_DESTINATION",
    leg,
    onPath: true,
    component: vpc ? { id: vpc.vpc.id, type: "vpc", ...where(vpc) } : { id: s.eni.id, type: "network-interface", ...where(s) },
    vpcId: vpc?.vpc.id,
    address: fmtIp(dst),
    reason,
    fix: `send to an address that an interface holds (check the destination), or fix the route that leads here`,
  });
}

/** The fields an on-path explanation adds to the code, leg and component every blocker has. */
export type ExplanationFields = Omit<Explanation, "code" | "leg" | "onPath" | "component">;

/** Records a blocker on the packet's path at `component` (see Walk.block). */
export function blockAt(w: Walk, leg: Leg, code: ExplanationCode, component: Explanation["component"], fields: ExplanationFields): void {
  w.block({ code, leg, onPath: true, component, ...fields });
}

/** An EC2 API call to be made in `loc`'s account and region. */
export function call(action: string, params: Record<string, FixValue>, loc: Loc): Fix {
  return { action, params, account: loc.account, region: loc.region };
}
