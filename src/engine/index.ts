/**
 * The network engine: vpclab's compiled model of every account × region, and the questions it answers
 * about one packet (analyze, ping, connect, trace). DESIGN.md rule 7.
 *
 * ## API (for the CLI, the admin API and the EC2 Reachability Analyzer operations)
 *
 * ```ts
 * import { engineOf, analyze, ping, connect, trace } from "../engine/index.js";
 *
 * const a = analyze(world, {
 *   source: "i-0123…" | "eni-…" | "10.20.1.5" | "<Name tag>",   // + account?, region? to disambiguate
 *           | "internet" | "8.8.4.4" | "igw-…",                 // a host on the Internet (+ sourceIp? for internet/igw)
 *   destination: "8.8.8.8" | "i-…" | "eni-…" | "<Name tag>",     // + destinationAccount?, destinationRegion?
 *   protocol: "icmp" | "tcp" | "udp", port?: 22, sourcePort?: 49152, size?: 84, df?: false,
 *   explain?: true,            // false: stop at the first blocker, no text (fast yes/no)
 * });
 * a.verdict                       // "reachable" | "blocked"
 * a.forward, a.return             // Hop[]: { leg, kind: "eni"|"sg-egress"|"nacl-out"|"route-table"|"local"|"pcx"|"vpc"|"igw"|"internet"|"appliance"|"nat-gateway"|"vpc-endpoint"|"nacl-in"|"sg-ingress",
 *                                 //          id, account, region, verdict: "allow"|"deny"|"pass", securityGroupRuleId?, aclRuleNumber?, route?, detail }
 * a.sourceAddressSeenByReceiver   // "10.20.1.5" over local/peering, the public IP through an internet gateway (a NAT gateway: its EIP, or its private IP when private)
 * a.pathMtu, a.rttMs, a.fragmentationNeeded?
 * a.explanations                  // Explanation[]: { code (AWS Reachability Analyzer's), leg, onPath, direction?, component {id,type,account,region},
 *                                 //   routeTableId?, route?, securityGroupIds?, aclId?, aclRule?, vpcPeeringConnectionId?, internetGatewayId?, address?, reason, fix }
 * a.warnings                      // lints that do not block this packet
 *
 * ping(world, { from, to, count?, size?, intervalMs?, df?, account?, region?, toAccount?, toRegion?, seed? })   → PingResult
 * connect(world, { from, to, protocol: "tcp"|"udp", port, account?, region?, … })                            → ConnectResult
 * trace(world, { from, to, protocol?, port?, account?, region?, … })                                          → TraceResult
 * engineOf(world).configure({ seed?, rttOverrides?: { "ap-northeast-1|ap-southeast-1": 68 }, internetRttMs? })
 * engineOf(world).model                                                                                        → NetworkModel (indexes; read-only)
 * ```
 *
 * Input errors (unknown ids, ambiguous names, bad protocol/port/size) throw `Ec2Error`
 * (`InvalidInstanceID.NotFound`, `InvalidNetworkInterfaceID.NotFound`, `InvalidParameterValue`,
 * `InvalidParameterCombination`), which the admin API turns into 4xx JSON.
 *
 * Mapping to the Reachability Analyzer API: `verdict` → NetworkPathFound; `forward`/`return` →
 * ForwardPathComponents/ReturnPathComponents (one component per hop, `id` the component id, `kind` its
 * role, `route`/`securityGroupRuleId`/`aclRuleNumber` its RouteTableRoute/SecurityGroupRule/AclRule);
 * `explanations` (with `onPath`) → Explanations (ExplanationCode = `code`, Direction = `direction`).
 *
 * The engine keeps one compiled model per World (WeakMap) and brings it up to date from
 * `world.generation` on every call (see model.ts for what is recompiled).
 *
 * ping, connect and trace are traffic: each also writes flow log records (flow-records.ts); analyze is
 * not and writes none.
 *
 * Fidelity notes: see analyze.ts (semantics), latency.ts (RTT/MTU), simulate.ts (ping/connect/trace),
 * flow-records.ts (flow log records).
 */
import type { World } from "../state/world.js";
import { invalidParameterValue } from "../domain/errors.js";
import { modelOf, type NetworkModel } from "./model.js";
import { analyzeQuery, analyzeResolved, normalizePacket, type Analysis, type PacketQuery, type Protocol } from "./analyze.js";
import { LatencyModel, mulberry32, type LatencyOptions } from "./latency.js";
import { connectFrom, listensOn, normalizePing, pingFrom, traceFrom, type ConnectResult, type PingOptions, type PingResult, type TraceResult } from "./simulate.js";
import { resolveDestination, resolveSource } from "./resolve.js";
import { recordTraffic } from "./flow-records.js";

export type { Analysis, Explanation, ExplanationCode, Hop, HopKind, PacketQuery, Protocol, EndpointView } from "./analyze.js";
export type { PingResult, PingReply, PingError, ConnectResult, TraceResult, TraceHop } from "./simulate.js";
export type { NetworkModel, EniInfo, VpcInfo, SubnetInfo } from "./model.js";
export { resolveSource, resolveDestination, type Scope } from "./resolve.js";
export { regionPairRtt, MTU_VPC, MTU_INTER_REGION_PEERING, MTU_INTERNET } from "./latency.js";

export interface EngineOptions extends LatencyOptions {
  /** Seed of the RTT jitter (default 1). */
  seed?: number;
}

/** The two ends of a ping/connect/trace, named as the CLI and admin API take them. */
export interface Ends {
  from: string;
  to: string;
  /** Scope of `from` (and of `to` unless toAccount/toRegion are given). */
  account?: string;
  region?: string;
  toAccount?: string;
  toRegion?: string;
  /** Seed this call's jitter (reproducible figures); otherwise the engine's running generator. */
  seed?: number;
}

export class Engine {
  private latency: LatencyModel;
  private rand: () => number;

  constructor(
    readonly world: World,
    options: EngineOptions = {},
  ) {
    this.latency = new LatencyModel(options);
    this.rand = mulberry32(options.seed ?? 1);
  }

  configure(options: EngineOptions): void {
    this.latency = new LatencyModel(options);
    if (options.seed !== undefined) this.rand = mulberry32(options.seed);
  }

  /** The compiled model, brought up to date. */
  get model(): NetworkModel {
    return modelOf(this.world);
  }

  analyze(query: PacketQuery): Analysis {
    return analyzeQuery(this.model, this.latency, query);
  }

  private randFor(seed: number | undefined): () => number {
    return seed === undefined ? this.rand : mulberry32(seed);
  }

  private ends(e: Ends) {
    const m = this.model;
    const source = resolveSource(m, e.from, { account: e.account, region: e.region });
    const dst = resolveDestination(m, e.to, { account: e.toAccount ?? e.account, region: e.toRegion });
    return { m, source, dst };
  }

  ping(q: Ends & PingOptions): PingResult {
    const o = normalizePing(q);
    const { m, source, dst } = this.ends(q);
    const a = analyzeResolved(m, this.latency, source, dst, normalizePacket({ protocol: "icmp", size: Math.max(28, o.size + 28), df: o.df }));
    const r = pingFrom(a, o, this.randFor(q.seed));
    // Flow log records (flow-records.ts): a packet too big for the sender's own MTU is never sent; one
    // too big for the path (DF) is sent and dropped on the way.
    if (!(o.df && r.packetBytes > 9001)) {
      const n = o.count;
      recordTraffic(this.world, a, {
        protocol: "icmp",
        sourcePort: 0,
        port: 0,
        forward: { packets: n, bytes: n * r.packetBytes },
        back: { packets: n, bytes: n * r.packetBytes },
        droppedInTransit: a.fragmentationNeeded !== undefined || (o.df && r.packetBytes > a.pathMtu),
        durationMs: r.stats.timeMs,
      });
    }
    return r;
  }

  connect(q: Ends & { protocol?: "tcp" | "udp"; port?: number; sourcePort?: number }): ConnectResult {
    const protocol = q.protocol ?? "tcp";
    if (protocol !== "tcp" && protocol !== "udp") throw invalidParameterValue(`Value (${String(protocol)}) for parameter protocol is invalid. Valid values: tcp, udp`);
    const p = normalizePacket({ protocol, port: q.port, sourcePort: q.sourcePort });
    const { m, source, dst } = this.ends(q);
    const a = analyzeResolved(m, this.latency, source, dst, p);
    const listen = a.destination.instanceId ? m.instances.get(a.destination.instanceId)?.instance.tags.get("vpclab:listen") : undefined;
    const r = connectFrom(a, listen, this.randFor(q.seed));
    const open = a.destination.kind !== "eni" || listensOn(listen, p.port);
    recordTraffic(this.world, a, {
      protocol,
      sourcePort: p.sourcePort,
      port: p.port,
      ...(protocol === "tcp"
        ? open
          ? { forward: { packets: 1, bytes: 60, tcpFlags: 2 }, back: { packets: 1, bytes: 60, tcpFlags: 18 }, forwardWhenAnswered: { packets: 2, bytes: 112, tcpFlags: 18 } }
          : { forward: { packets: 1, bytes: 60, tcpFlags: 2 }, back: { packets: 1, bytes: 40, tcpFlags: 20 } }
        : open
          ? { forward: { packets: 1, bytes: 28 } }
          : { forward: { packets: 1, bytes: 28 }, back: { packets: 1, bytes: 56, protocol: "icmp" as const } }),
      durationMs: r.rttMs ?? 0,
    });
    return r;
  }

  trace(q: Ends & { protocol?: Protocol; port?: number }): TraceResult {
    const p = normalizePacket({ protocol: q.protocol ?? "icmp", port: q.port ?? (q.protocol && q.protocol !== "icmp" ? 33434 : undefined) });
    const { m, source, dst } = this.ends(q);
    const a = analyzeResolved(m, this.latency, source, dst, p);
    const r = traceFrom(a, this.randFor(q.seed));
    const probes = 3 * r.hops.length;
    recordTraffic(this.world, a, {
      protocol: p.protocol,
      sourcePort: p.sourcePort,
      port: p.port,
      forward: { packets: probes, bytes: probes * 60, tcpFlags: 2 },
      back:
        p.protocol === "icmp"
          ? { packets: 3, bytes: 180 }
          : p.protocol === "udp"
            ? { packets: 3, bytes: 168, protocol: "icmp" }
            : { packets: 3, bytes: 180, tcpFlags: 18 },
      durationMs: Math.ceil(r.hops.reduce((t, h) => Math.max(t, h.rttMs ?? 0), 0)),
    });
    return r;
  }
}

const engines = new WeakMap<World, Engine>();

/** The engine of a world (one per world, created on first use). */
export function engineOf(world: World, options?: EngineOptions): Engine {
  let e = engines.get(world);
  if (!e) {
    e = new Engine(world, options);
    engines.set(world, e);
  } else if (options) e.configure(options);
  return e;
}

export function analyze(world: World, query: PacketQuery): Analysis {
  return engineOf(world).analyze(query);
}

export function ping(world: World, q: Ends & PingOptions): PingResult {
  return engineOf(world).ping(q);
}

export function connect(world: World, q: Ends & { protocol?: "tcp" | "udp"; port?: number }): ConnectResult {
  return engineOf(world).connect(q);
}

export function trace(world: World, q: Ends & { protocol?: Protocol; port?: number }): TraceResult {
  return engineOf(world).trace(q);
}
