/**
 * NAT gateways in the network: the forwarder for routes to `nat-…` and the translation both ways.
 *
 * A route to an available NAT gateway delivers the packet to the gateway's interface in its own
 * subnet (that subnet's network ACL applies inbound; a NAT gateway has no security groups). The gateway
 * rewrites the source to its private address and forwards the packet by its own subnet's route table:
 * for a public gateway, 0.0.0.0/0 → an internet gateway, which translates the private address to the
 * gateway's elastic IP (the far side sees the EIP); a private gateway's traffic keeps its private
 * address and needs a route onward (a transit gateway, a peering, an appliance): sent to an internet
 * gateway it is dropped there (IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS: no public address). Replies come back
 * to the gateway (to its EIP through the internet gateway, or to its private address), which translates
 * the destination back to the original sender and forwards by its subnet's route table. Nothing from
 * the Internet reaches a private instance through it: a connection opened *to* the gateway's EIP is
 * dropped by the gateway (it only carries connections started from inside).
 *
 * Reference: VPC User Guide "NAT gateways" ("NAT gateway basics", "Public and private", "Use cases":
 * the NAT gateway replaces the source IP with its private IP, the internet gateway then with the
 * elastic IP; "the NAT gateway does not accept unsolicited inbound connections"; "NAT gateways are not
 * supported for ... security groups"), "Route tables" (a route to a NAT gateway is a static route and a
 * middlebox target).
 *
 * Fidelity notes:
 * - Explanations use Reachability Analyzer's documented codes: a route to a NAT gateway that is not
 *   available (pending, failed, deleting, deleted, gone) is BAD_STATE_ROUTE naming the route and the
 *   gateway's state (and its FailureCode); the gateway's subnet without a route for the destination is
 *   NO_ROUTE_TO_DESTINATION naming that subnet's route table; an unsolicited connection to a NAT
 *   gateway's EIP is NO_POSSIBLE_DESTINATION at the gateway.
 * - Only the gateway's primary address translates (secondary addresses and EIPs are API-level only):
 *   AWS spreads connections over them, which changes no verdict.
 * - NAT64 (VPC User Guide "DNS64 and NAT64"): an IPv6 packet routed to an available NAT gateway
 *   (route 64:ff9b::/96 → nat-…) to 64:ff9b::a.b.c.d leaves the gateway as IPv4 from its private
 *   address to a.b.c.d and continues exactly like NAT44 (public: its subnet's route to an internet
 *   gateway, which shows the EIP; private: the onward route); the reply is translated back to IPv6
 *   from 64:ff9b::a.b.c.d to the sender. An IPv6 destination outside 64:ff9b::/96 routed to a NAT
 *   gateway (only a route table edit made outside the API could do it) is NO_ROUTE_TO_DESTINATION:
 *   only the NAT64 prefix translates. The translated packet is filtered as what it is on the wire:
 *   an ICMPv6 echo (128/129) becomes an ICMP echo (8/0) past the gateway (RFC 7915), so the gateway
 *   subnet's network ACL must allow IPv4 ICMP (analyze.ts familyKey); other ICMP types and options are
 *   not translated (vpclab's queries send echo, TCP and UDP only).
 *   The subnet's EnableDns64 is metadata only: vpclab has no DNS resolver, so nothing synthesizes
 *   64:ff9b:: addresses; name them yourself (`vpclab ping box 64:ff9b::808:808`).
 * - Port exhaustion, idle timeouts, bandwidth and the 55,000 simultaneous connections per destination
 *   are not modelled. The path MTU through a NAT gateway is the one of the links it joins.
 */
import type { NatGateway, RouteTarget } from "../domain/types.js";
import { fmtIp, in6, intern6, ip6Of, isV6, type Cidr6Int } from "./addr.js";
import type { EniInfo } from "./model.js";
import { MTU_VPC } from "./latency.js";
import { blockAt, call, noDestination, where, type Forwarder, type Hop, type Leg, type Walk } from "./walk.js";

/** At most this many NAT gateways on one leg (a NAT gateway whose subnet routes back to another one). */
const MAX_NATS = 4;

/** A translation the walk made: the gateway, its interface, the sender's address and the gateway's. */
export interface NatTranslation {
  nat: NatGateway;
  eni: EniInfo;
  inside: number;
  outside: number;
  /** NAT64: the IPv6 destination the sender used (64:ff9b::a.b.c.d); replies come back from it. */
  dst6?: number;
}

/** DNS64's well-known prefix (RFC 6052): the only IPv6 destinations a NAT gateway translates. */
const NAT64: Cidr6Int = { text: "64:ff9b::/96", base: [0x0064ff9b, 0, 0, 0], prefix: 96 };

/** The IPv4 address embedded in a 64:ff9b::/96 address; undefined outside the prefix. */
export function nat64Embedded(a: number): number | undefined {
  return in6(NAT64, a) ? ip6Of(a)[3]! >>> 0 : undefined;
}

/** The NAT64 address (64:ff9b::a.b.c.d) of an IPv4 address. */
export function nat64Address(v4: number): number {
  return intern6([0x0064ff9b, 0, 0, v4 >>> 0]);
}

const translations = new WeakMap<Walk, NatTranslation[]>();

/** Interfaces AWS manages for a service (a NAT gateway's, an interface endpoint's): up while they exist. */
export function isServiceInterface(e: EniInfo): boolean {
  return e.eni.interfaceType === "nat_gateway" || e.eni.interfaceType === "vpc_endpoint";
}

/** A NAT gateway's own interface (no security groups: AWS does not apply any to it). */
export function isNatInterface(e: EniInfo): boolean {
  return e.eni.interfaceType === "nat_gateway";
}

function natOf(e: EniInfo): NatGateway | undefined {
  for (const n of e.rs.natGateways.values()) if (n.eniId === e.eni.id) return n;
  return undefined;
}

export const natForwarder: Forwarder<Extract<RouteTarget, { kind: "nat" }>> = {
  forward({ w, leg, s, src, dst: sent, depth, loc, out }, t) {
    const nat = s.rs.natGateways.get(t.id)!;
    const eni = nat.eniId === undefined ? undefined : w.m.enis.get(nat.eniId);
    // NAT64: an IPv6 packet to 64:ff9b::a.b.c.d leaves the gateway as IPv4 to a.b.c.d.
    const v6 = isV6(sent);
    const dst = v6 ? nat64Embedded(sent) : sent;
    if (dst === undefined) {
      noDestination(w, leg, s, s.vpc, sent, `NAT gateway ${nat.id} translates IPv6 only for DNS64's prefix 64:ff9b::/96 (NAT64: 64:ff9b::a.b.c.d becomes IPv4 a.b.c.d); ${fmtIp(sent)} is outside it, so the gateway has nothing to translate it to (route IPv6 Internet traffic to an egress-only or internet gateway instead)`);
      return;
    }
    const dstText = fmtIp(dst);
    if (!eni) {
      noDestination(w, leg, s, s.vpc, dst, `NAT gateway ${nat.id} has no network interface`);
      return;
    }
    const done = translations.get(w) ?? [];
    if (depth >= MAX_NATS || done.filter((x) => x.nat === nat).length > 0) {
      noDestination(w, leg, s, s.vpc, dst, `routing loop: the packet came back to NAT gateway ${nat.id} (its subnet's route table routes ${dstText} to a NAT gateway again)`);
      return;
    }
    const rt = eni.subnet.rt;
    const onward = rt ? w.m.lookup(rt, dst) : undefined;
    if (!rt || !onward) {
      const sn = eni.subnet.subnet.id;
      blockAt(w, leg, "NO_ROUTE_TO_DESTINATION", rt ? { id: rt.id, type: "route-table", ...where(eni) } : { id: sn, type: "subnet", ...where(eni) }, {
        routeTableId: rt?.id,
        subnetId: sn,
        vpcId: eni.vpc.vpc.id,
        address: dstText,
        reason: `NAT gateway ${nat.id} forwards by the route table of its subnet ${sn}${rt ? ` (${rt.id})` : ""}, which has no route for ${dstText}${nat.connectivityType === "public" ? ": a public NAT gateway must live in a subnet whose route table sends 0.0.0.0/0 to an internet gateway" : ": a private NAT gateway needs a route onward (to a transit gateway, a peering connection or an appliance)"}`,
        fix:
          nat.connectivityType === "public"
            ? `add a default route (0.0.0.0/0) to ${eni.vpc.igw ? `internet gateway ${eni.vpc.igw.id}` : `an internet gateway attached to ${eni.vpc.vpc.id}`} in ${rt?.id ?? `the route table of ${sn}`}`
            : `add a route for ${dstText} to ${rt?.id ?? `the route table of ${sn}`} toward the network that holds it`,
        fixes:
          nat.connectivityType === "public" && rt && eni.vpc.igw
            ? [call("CreateRoute", { RouteTableId: rt.id, DestinationCidrBlock: "0.0.0.0/0", GatewayId: eni.vpc.igw.id }, where(eni))]
            : undefined,
      });
      return;
    }
    if (nat.connectivityType === "private" && onward.route.target.kind === "igw") {
      // AWS: a private NAT gateway's traffic to an internet gateway is dropped there (no public address).
      blockAt(w, leg, "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS", { id: onward.route.target.id, type: "internet-gateway", ...where(eni) }, {
        internetGatewayId: onward.route.target.id,
        networkInterfaceId: eni.eni.id,
        routeTableId: rt.id,
        address: fmtIp(eni.primaryIp),
        reason: `private NAT gateway ${nat.id} translates to its private address ${fmtIp(eni.primaryIp)}, and its subnet's route table ${rt.id} sends ${dstText} to internet gateway ${onward.route.target.id}, which drops traffic from an address without a public IP`,
        fix: `for Internet access, create a public NAT gateway (in a public subnet, with an elastic IP) and route ${dstText} to it`,
      });
      return;
    }
    const outside = eni.primaryIp;
    const eip = eni.publicIp;
    done.push({ nat, eni, inside: src, outside, dst6: v6 ? sent : undefined });
    translations.set(w, done);
    const how = v6
      ? `translates IPv6 to IPv4 (NAT64): ${fmtIp(src)} → ${fmtIp(sent)} leaves as ${fmtIp(outside)} → ${dstText}`
      : `translates the source ${fmtIp(src)} to ${fmtIp(outside)}`;
    const hop: Hop = {
      leg,
      kind: "nat-gateway",
      id: nat.id,
      ...loc,
      verdict: "pass",
      detail: w.explain
        ? `${nat.connectivityType} NAT gateway ${nat.id} (${eni.eni.id} in ${eni.subnet.subnet.id}) ${how}${eip !== undefined ? ` (elastic IP ${fmtIp(eip)} through the internet gateway)` : ""} and forwards by ${rt.id}`
        : "",
    };
    out.next = eni;
    out.appliance = true;
    out.translate = { src: outside, dst: v6 ? dst : undefined, hop };
    out.dead = false;
    w.lowerMtu(MTU_VPC, eni.eni.id);
  },
  blackhole({ s, route, rt }, t) {
    const nat = s.rs.natGateways.get(t.id);
    const dest = route.destinationCidr;
    const replace = `create a NAT gateway in a public subnet of ${rt.vpcId} (with an elastic IP) and point route ${dest} of ${rt.id} at it`;
    // Gone: deleted over an hour ago, or never in this state (a loaded snapshot keeps routes to NAT
    // gateways but not the gateways: snapshot/import.ts).
    if (!nat) return { why: `NAT gateway ${t.id} no longer exists (or was never loaded: snapshots keep routes to NAT gateways, but vpclab does not model nat targets from a snapshot)`, fix: replace };
    if (nat.state === "pending") {
      return { why: `NAT gateway ${t.id} is pending (not yet available)`, fix: `wait until it is available (describe-nat-gateways shows its state)` };
    }
    const failure = nat.failureCode ? ` (${nat.failureCode}: ${nat.failureMessage})` : "";
    return { why: `NAT gateway ${t.id} is ${nat.state}${failure}`, fix: replace };
  },
};

/**
 * The reply to a translated packet reached the NAT gateway's interface `x` addressed to `dst` (the
 * gateway's private address): the destination the gateway translates it back to, with the hop showing
 * it; undefined when `x` made no translation on this walk.
 */
export function untranslate(w: Walk, leg: Leg, x: EniInfo, src: number, dst: number): { dst: number; src?: number; hop: Hop } | undefined {
  if (!isNatInterface(x) || leg !== "return") return undefined;
  const list = translations.get(w) ?? [];
  const t = [...list].reverse().find((e) => e.eni === x && e.outside === dst);
  if (!t) return undefined;
  // NAT64: the IPv4 reply from a.b.c.d goes back as IPv6 from 64:ff9b::a.b.c.d.
  const from6 = t.dst6 !== undefined && !isV6(src) ? nat64Address(src) : undefined;
  return {
    dst: t.inside,
    src: from6,
    hop: {
      leg,
      kind: "nat-gateway",
      id: t.nat.id,
      ...where(x),
      verdict: "pass",
      detail: w.explain
        ? from6 !== undefined
          ? `NAT gateway ${t.nat.id} translates the IPv4 reply ${fmtIp(src)} → ${fmtIp(dst)} back to IPv6 (NAT64): ${fmtIp(from6)} → ${fmtIp(t.inside)}`
          : `NAT gateway ${t.nat.id} translates the reply from ${fmtIp(src)} back to ${fmtIp(t.inside)}`
        : "",
    },
  };
}

/**
 * A packet from the Internet to a NAT gateway's elastic IP that no connection from inside opened: the
 * gateway drops it. Records the blocker; true when `x` is a NAT gateway's interface.
 */
export function natDropsInbound(w: Walk, x: EniInfo, from: number): boolean {
  if (!isNatInterface(x)) return false;
  const nat = natOf(x);
  const id = nat?.id ?? x.eni.id;
  blockAt(w, "forward", "NO_POSSIBLE_DESTINATION", { id, type: "nat-gateway", ...where(x) }, {
    vpcId: x.vpc.vpc.id,
    subnetId: x.subnet.subnet.id,
    networkInterfaceId: x.eni.id,
    address: fmtIp(x.publicIp ?? x.primaryIp),
    reason: `${fmtIp(x.publicIp ?? x.primaryIp)} is the elastic IP of NAT gateway ${id}, which only carries connections opened from inside the VPC: it drops a connection from ${fmtIp(from)} on the Internet (nothing behind a NAT gateway is reachable from the Internet)`,
    fix: `to accept connections from the Internet, give the instance its own public or elastic IP in a public subnet, or put a load balancer in front of it`,
  });
  return true;
}
