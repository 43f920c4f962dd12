/**
 * Flow log records from the simulated data plane: every packet the engine sends on behalf of `ping`,
 * `connect` and `trace` (the CLI, the console's live ping, `vpclab verify`, anything that calls the
 * admin API's /ping, /connect or /trace) becomes records at each network interface it crosses that a
 * flow log covers (a flow log on the interface, on its subnet or on its VPC, in the interface's own
 * account and region). Records are derived from the engine's Analysis (its hops, in AWS's order) and
 * kept in memory; `GET /_vpclab/flow-logs` and `vpclab flows` read them.
 *
 * Reference: VPC User Guide "Flow log records" (fields, default format, ACCEPT/REJECT, log-status),
 * "Flow log record examples" (a rejected ping: ACCEPT outbound at the sender and REJECT inbound at the
 * receiver; the NACL case: inbound ACCEPT then outbound REJECT for the reply), "Flow log limitations".
 *
 * Fidelity notes:
 * - With `--dataplane netns`, the flows the kernel forwards are recorded too (dataplane/flows.ts reads the
 *   routers' counters and calls `recordInterfaceFlow`, the same writer; fidelity notes there).
 * - Only actual traffic is recorded. `ping`, `connect` and `trace` send packets (simulated), so they
 *   make records; `why` / POST /analyze and the Reachability Analyzer (StartNetworkInsightsAnalysis)
 *   only analyse a path, as AWS's analyzer does, and make none.
 * - One record per flow per interface per direction and per send (AWS aggregates a 5-tuple over its
 *   capture window of MaxAggregationInterval; vpclab writes each send as its own window, start = the
 *   emulator clock when it was sent, end = start + the time the pings would take, at least 1 s later).
 * - Action: at the sending interface, ACCEPT unless its security group or network ACL denies the packet
 *   outbound (REJECT, and the packet goes no further); at the receiving interface, REJECT when its
 *   network ACL or security group denies it inbound, else ACCEPT. A packet dropped between the two (no
 *   route, a blackhole, a peering that does not carry it) leaves only the sender's ACCEPT record, as on
 *   AWS. The reply leg (echo replies, SYN-ACK, RST) is recorded when the request was delivered, and can
 *   be REJECTed on its way back (a NACL without the ephemeral ports). A stopped sender sends nothing.
 * - Addresses are those at the interface: the interface's private address, never an elastic or public
 *   IP (an internet gateway translates beyond the interface); at the receiver the source is the address
 *   it sees (the sender's public IP when the packet came from the Internet, its private IP over local,
 *   peering or transit gateway routes). pkt-srcaddr/pkt-dstaddr equal srcaddr/dstaddr (no NAT gateway
 *   is modelled yet). Appliances (routes to an instance's interface) get an inbound and an outbound
 *   record with the original addresses.
 * - Packets and bytes: ping sends `count` echo requests of the IP packet size and gets one reply per
 *   request delivered; connect over TCP is SYN (60 bytes) + ACK (52) out and SYN-ACK (60) back, or
 *   SYN out and RST (40) back when the port is closed (`vpclab:listen`), or a single SYN when it times
 *   out (no retransmissions); UDP is one 28-byte datagram, answered by an ICMP port unreachable (56
 *   bytes, protocol 1) when the port is closed; trace sends 3 probes of 60 bytes per hop it prints,
 *   and the destination answers the 3 that reach it.
 * - Ports are 0 for ICMP; otherwise the engine's source port (49152 unless given) and the destination
 *   port. tcp-flags is the OR of the flags of the flow's packets; type IPv4; flow-direction
 *   ingress/egress; traffic-path (egress only) 1 (within the VPC), 2 (internet gateway), 4/5 (intra-/
 *   inter-region peering), `-` over a transit gateway (AWS lists no value for it) and on ingress; az-id and region from the interface's subnet; fields vpclab has no value for (sublocation,
 *   AWS service, ECS, reject-reason) are `-`, as AWS writes fields that do not apply.
 * - Records go to an in-memory ring per flow log holding the last 10,000 records (older ones drop
 *   off, about 2.6 MiB when full: bench/flow-records.ts); they are not part of the saved state, are not
 *   journaled, and go away with their flow log (DeleteFlowLogs, its resource deleted, reset, a state
 *   load: dropped at the next read or the next new ring). The line in a flow log's format is rendered
 *   when a record is read. Nothing is delivered to CloudWatch Logs or S3.
 */
import type { World, RegionState } from "../state/world.js";
import type { Analysis, Hop } from "./analyze.js";
import { flowLogLive, type FlowLog } from "../domain/flow-logs.js";
import type { NetworkInterface } from "../domain/types.js";

/** Records kept per flow log (older ones drop off). */
export const RING_SIZE = 10_000;

export interface FlowRecord {
  /** Position in this server's stream of records (for `since`). */
  seq: number;
  flowLogId: string;
  account: string;
  region: string;
  interfaceId: string;
  vpcId: string;
  subnetId: string;
  instanceId?: string;
  azId?: string;
  direction: "ingress" | "egress";
  srcaddr: string;
  dstaddr: string;
  srcport: number;
  dstport: number;
  protocol: number;
  packets: number;
  bytes: number;
  start: number;
  end: number;
  action: "ACCEPT" | "REJECT";
  logStatus: "OK";
  tcpFlags: number;
  trafficPath?: number;
  /** The record as the flow log's LogFormat writes it. */
  message: string;
}

/** What one simulated send put on the wire. */
export interface Traffic {
  protocol: "icmp" | "tcp" | "udp";
  sourcePort: number;
  port: number;
  forward: { packets: number; bytes: number; tcpFlags?: number };
  /** The answer, sent when the request is delivered (absent: no answer, e.g. UDP to an open port). */
  back?: { packets: number; bytes: number; tcpFlags?: number; protocol?: "icmp" };
  /** What the sender sends in all when the answer reaches it (a TCP handshake's final ACK). */
  forwardWhenAnswered?: { packets: number; bytes: number; tcpFlags?: number };
  /** The packet is dropped after the sender's interface (too big for the path with DF set). */
  droppedInTransit?: boolean;
  /** How long the exchange lasts (ms of emulator time). */
  durationMs: number;
}

/** A circular buffer of a flow log's records, oldest at `start`; seq grows along it. */
interface Ring {
  flowLog: FlowLog;
  version: number;
  buf: StoredRecord[];
  start: number;
}

type StoredRecord = Omit<FlowRecord, "message">;

interface Store {
  seq: number;
  rings: Map<string, Ring>;
}

const stores = new WeakMap<World, Store>();

function storeOf(world: World): Store {
  let s = stores.get(world);
  if (!s) stores.set(world, (s = { seq: 0, rings: new Map() }));
  return s;
}

const PROTO = { icmp: 1, tcp: 6, udp: 17 } as const;

interface Crossing {
  eniId: string;
  account?: string;
  region?: string;
  direction: "ingress" | "egress";
  action: "ACCEPT" | "REJECT";
  /** The hops after an egress record, for traffic-path. */
  ahead?: readonly Hop[];
}

/**
 * The interfaces one leg of a packet crosses, in order, with the verdict at each: the hops come in
 * AWS's order (sender, its egress filters, routing, receiver's ingress filters, receiver; an appliance
 * receives and then sends). Stops where the packet is dropped.
 */
export function crossingsOf(hops: readonly Hop[], fallbackReceiver: string | undefined): { crossings: Crossing[]; delivered: boolean } {
  const out: Crossing[] = [];
  let sender: Hop | undefined;
  let egressPending = false;
  let ingressDeny = false;
  const flushEgress = (action: "ACCEPT" | "REJECT", at?: number) => {
    if (egressPending && sender) out.push({ eniId: sender.id, account: sender.account, region: sender.region, direction: "egress", action, ahead: at === undefined ? undefined : hops.slice(at) });
    egressPending = false;
  };
  for (let i = 0; i < hops.length; i++) {
    const h = hops[i]!;
    switch (h.kind) {
      case "eni":
        if (i === 0) {
          if (h.verdict === "deny") return { crossings: out, delivered: false };
          sender = h;
          egressPending = true;
          continue;
        }
        flushEgress("ACCEPT", i);
        out.push({ eniId: h.id, account: h.account, region: h.region, direction: "ingress", action: ingressDeny ? "REJECT" : "ACCEPT" });
        return { crossings: out, delivered: !ingressDeny && h.verdict !== "deny" };
      case "appliance":
        flushEgress("ACCEPT", i);
        out.push({ eniId: h.id, account: h.account, region: h.region, direction: "ingress", action: ingressDeny ? "REJECT" : "ACCEPT" });
        if (ingressDeny || h.verdict === "deny") return { crossings: out, delivered: false };
        sender = h;
        egressPending = true;
        continue;
      case "sg-egress":
      case "nacl-out":
        if (h.verdict === "deny") {
          flushEgress("REJECT");
          return { crossings: out, delivered: false };
        }
        continue;
      case "nacl-in":
      case "sg-ingress":
        flushEgress("ACCEPT", i);
        if (h.verdict === "deny") ingressDeny = true;
        continue;
      default:
        flushEgress("ACCEPT", i);
        if (h.verdict === "deny") return { crossings: out, delivered: false };
    }
  }
  flushEgress("ACCEPT");
  // The ingress filters denied and the walk stopped before naming the interface: it is the leg's receiver.
  if (ingressDeny) {
    if (fallbackReceiver) out.push({ eniId: fallbackReceiver, direction: "ingress", action: "REJECT" });
    return { crossings: out, delivered: false };
  }
  return { crossings: out, delivered: true };
}

/** AWS's traffic-path for an egress record: how the packet left after this interface. */
export function trafficPath(c: Crossing): number | undefined {
  if (c.direction !== "egress" || !c.ahead) return undefined;
  for (let i = 0; i < c.ahead.length; i++) {
    const h = c.ahead[i]!;
    if (h.kind === "igw") return 2;
    if (h.kind === "local") return 1;
    if (h.kind.startsWith("tgw")) return undefined;
    if (h.kind === "pcx") {
      const arrival = c.ahead.slice(i + 1).find((x) => x.kind === "vpc");
      return arrival && arrival.region !== undefined && c.region !== undefined && arrival.region !== c.region ? 5 : 4;
    }
    if (h.kind === "eni" || h.kind === "appliance" || h.kind === "nacl-in" || h.kind === "sg-ingress") return 1;
  }
  return undefined;
}

function coveringFlowLogs(rs: RegionState, eniId: string, subnetId: string, vpcId: string, action: "ACCEPT" | "REJECT"): FlowLog[] {
  const out: FlowLog[] = [];
  for (const fl of rs.flowLogs.values()) {
    if (fl.resourceId !== eniId && fl.resourceId !== subnetId && fl.resourceId !== vpcId) continue;
    if (fl.trafficType !== "ALL" && fl.trafficType !== action) continue;
    if (!flowLogLive(rs, fl)) continue;
    out.push(fl);
  }
  return out;
}

/** Records one simulated send: called by the engine after ping, connect and trace. */
export function recordTraffic(world: World, a: Analysis, t: Traffic): void {
  // Nothing to do unless some flow log exists (the common case costs one scan of the regions).
  let any = false;
  for (const rs of world.regionStates()) if (rs.flowLogs.size > 0) any = true;
  if (!any) return;
  const now = world.clock.now();
  const start = Math.floor(now / 1000);
  const end = Math.max(start + 1, Math.ceil((now + t.durationMs) / 1000));
  const srcPrivate = a.source.address;
  const seen = a.sourceAddressSeenByReceiver ?? a.source.address;
  const fwd = crossingsOf(a.forward, a.destination.networkInterfaceId);
  const write = (c: Crossing, src: string, dst: string, sport: number, dport: number, proto: number, load: { packets: number; bytes: number; tcpFlags?: number }) => {
    const rs = world.existingRegion(c.account ?? a.source.account, c.region ?? a.source.region);
    const eni = rs?.networkInterfaces.get(c.eniId) ?? findEni(world, c.eniId);
    if (!eni) return;
    writeRecords(world, eni, { direction: c.direction, action: c.action, srcaddr: src, dstaddr: dst, srcport: sport, dstport: dport, protocol: proto, ...load, start, end, trafficPath: trafficPath(c) });
  };
  const proto = PROTO[t.protocol];
  if (t.droppedInTransit) {
    fwd.crossings.splice(1);
    fwd.delivered = false;
  }
  const back = fwd.delivered && t.back ? crossingsOf(a.return, a.source.networkInterfaceId) : undefined;
  const forwardLoad = back?.delivered && t.forwardWhenAnswered ? t.forwardWhenAnswered : t.forward;
  const fwdLast = fwd.crossings.length - 1;
  fwd.crossings.forEach((c, i) => {
    // The sender's egress carries the addresses as sent; the receiver sees the translated source.
    const isReceiver = i === fwdLast && c.direction === "ingress" && c.eniId === a.destination.networkInterfaceId;
    write(c, isReceiver ? seen : srcPrivate, isReceiver ? a.destination.address : a.destinationAddress, t.sourcePort, t.port, proto, forwardLoad);
  });
  if (!back || !t.back) return;
  const bproto = t.back.protocol ? PROTO[t.back.protocol] : proto;
  const backLast = back.crossings.length - 1;
  back.crossings.forEach((c, i) => {
    const isReceiver = i === backLast && c.direction === "ingress" && c.eniId === a.source.networkInterfaceId;
    write(c, isReceiver ? a.destinationAddress : a.destination.address, isReceiver ? srcPrivate : seen, t.port, t.sourcePort, bproto, t.back!);
  });
}

/** One flow at one interface, as observed (by the engine's send or by the kernel: dataplane/flows.ts). */
export interface InterfaceFlow {
  direction: "ingress" | "egress";
  action: "ACCEPT" | "REJECT";
  srcaddr: string;
  dstaddr: string;
  srcport: number;
  dstport: number;
  /** IANA protocol number. */
  protocol: number;
  packets: number;
  bytes: number;
  tcpFlags?: number;
  /** Seconds (emulator clock). */
  start: number;
  end: number;
  trafficPath?: number;
}

/** Writes one flow at an interface to every flow log covering it (the one place records are made). */
function writeRecords(world: World, eni: NetworkInterface, f: InterfaceFlow): void {
  const home = world.existingRegion(eni.ownerId, eni.region);
  if (!home) return;
  const subnet = home.subnets.get(eni.subnetId);
  for (const fl of coveringFlowLogs(home, eni.id, eni.subnetId, eni.vpcId, f.action)) {
    append(world, fl, {
      seq: 0,
      flowLogId: fl.id,
      account: eni.ownerId,
      region: eni.region,
      interfaceId: eni.id,
      vpcId: eni.vpcId,
      subnetId: eni.subnetId,
      instanceId: eni.attachment?.instanceId,
      azId: subnet?.availabilityZoneId,
      direction: f.direction,
      srcaddr: f.srcaddr,
      dstaddr: f.dstaddr,
      srcport: f.protocol === 1 ? 0 : f.srcport,
      dstport: f.protocol === 1 ? 0 : f.dstport,
      protocol: f.protocol,
      packets: f.packets,
      bytes: f.bytes,
      start: f.start,
      end: f.end,
      action: f.action,
      logStatus: "OK",
      tcpFlags: f.protocol === 6 ? (f.tcpFlags ?? 0) : 0,
      trafficPath: f.trafficPath,
    });
  }
}

/**
 * Records a flow the kernel forwarded (`--dataplane netns`, dataplane/flows.ts) at network interface
 * `eniId` of `account`/`region`; nothing when no flow log covers it.
 */
export function recordInterfaceFlow(world: World, account: string, region: string, eniId: string, f: InterfaceFlow): void {
  const eni = world.existingRegion(account, region)?.networkInterfaces.get(eniId);
  if (eni) writeRecords(world, eni, f);
}

/** Whether any flow log exists (cheap test before collecting anything). */
export function anyFlowLog(world: World): boolean {
  for (const rs of world.regionStates()) if (rs.flowLogs.size > 0) return true;
  return false;
}

function findEni(world: World, id: string) {
  for (const rs of world.regionStates()) {
    const e = rs.networkInterfaces.get(id);
    if (e) return e;
  }
  return undefined;
}

/** Adds a record (its seq set here; built as one literal, since a spread copy costs 4x the memory). */
function append(world: World, fl: FlowLog, rec: StoredRecord): void {
  const s = storeOf(world);
  let ring = s.rings.get(fl.id);
  if (!ring || ring.flowLog !== fl) {
    sweep(world, s);
    s.rings.set(fl.id, (ring = { flowLog: fl, version: versionOf(fl.fields), buf: [], start: 0 }));
  }
  rec.seq = ++s.seq;
  if (ring.buf.length < RING_SIZE) ring.buf.push(rec);
  else {
    ring.buf[ring.start] = rec;
    ring.start = (ring.start + 1) % RING_SIZE;
  }
}

/** The ring's records in order, from the first with seq > `since`. */
function* ringRecords(ring: Ring, since: number | undefined): Iterable<StoredRecord> {
  const n = ring.buf.length;
  const at = (i: number) => ring.buf[(ring.start + i) % n]!;
  let lo = 0;
  if (since !== undefined) {
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (at(mid).seq <= since) lo = mid + 1;
      else hi = mid;
    }
  }
  for (let i = lo; i < n; i++) yield at(i);
}

/** The version a record declares: 2 for the default format, else the highest version of its fields. */
const FIELD_VERSION: Record<string, number> = {
  "vpc-id": 3, "subnet-id": 3, "instance-id": 3, "tcp-flags": 3, type: 3, "pkt-srcaddr": 3, "pkt-dstaddr": 3,
  region: 4, "az-id": 4, "sublocation-type": 4, "sublocation-id": 4,
  "pkt-src-aws-service": 5, "pkt-dst-aws-service": 5, "flow-direction": 5, "traffic-path": 5,
  "reject-reason": 8,
};

function versionOf(fields: readonly string[]): number {
  let v = 2;
  for (const f of fields) v = Math.max(v, FIELD_VERSION[f] ?? (f.startsWith("ecs-") ? 7 : 2));
  return v;
}

function fieldValue(f: string, version: number, r: StoredRecord): string {
  switch (f) {
    case "version": return String(version);
    case "account-id": return r.account;
    case "interface-id": return r.interfaceId;
    case "srcaddr": case "pkt-srcaddr": return r.srcaddr;
    case "dstaddr": case "pkt-dstaddr": return r.dstaddr;
    case "srcport": return String(r.srcport);
    case "dstport": return String(r.dstport);
    case "protocol": return String(r.protocol);
    case "packets": return String(r.packets);
    case "bytes": return String(r.bytes);
    case "start": return String(r.start);
    case "end": return String(r.end);
    case "action": return r.action;
    case "log-status": return r.logStatus;
    case "vpc-id": return r.vpcId;
    case "subnet-id": return r.subnetId;
    case "instance-id": return r.instanceId ?? "-";
    case "tcp-flags": return String(r.tcpFlags);
    case "type": return "IPv4";
    case "region": return r.region;
    case "az-id": return r.azId ?? "-";
    case "flow-direction": return r.direction;
    case "traffic-path": return r.trafficPath !== undefined ? String(r.trafficPath) : "-";
    default: return "-";
  }
}

/** The record as its flow log's format writes it (rendered when read, not stored). */
function render(ring: Ring, r: StoredRecord): string {
  return ring.flowLog.fields.map((f) => fieldValue(f, ring.version, r)).join(" ");
}

/**
 * Drops the rings of flow logs that are gone (deleted, their resource deleted, a reset, or replaced by a
 * state load): run on every read and whenever a ring is made, so a ring outlives its flow log only until
 * then.
 */
function sweep(world: World, s: Store): void {
  for (const [id, ring] of s.rings) {
    const fl = ring.flowLog;
    const rs = world.existingRegion(fl.ownerId, fl.region);
    if (!rs || rs.flowLogs.get(id) !== fl || !flowLogLive(rs, fl)) s.rings.delete(id);
  }
}

export interface FlowQuery {
  account?: string;
  region?: string;
  flowLogId?: string;
  eni?: string;
  vpc?: string;
  subnet?: string;
  /** Only records after this sequence number (the `last` of an earlier answer). */
  since?: number;
  limit?: number;
}

/** Records of the live flow logs, oldest first, filtered; `last` is the newest sequence number so far. */
export function queryFlowRecords(world: World, q: FlowQuery): { records: FlowRecord[]; last: number } {
  const s = storeOf(world);
  sweep(world, s);
  const found: [Ring, StoredRecord][] = [];
  for (const [id, ring] of s.rings) {
    const fl = ring.flowLog;
    if (q.flowLogId !== undefined && q.flowLogId !== id) continue;
    if ((q.account !== undefined && fl.ownerId !== q.account) || (q.region !== undefined && fl.region !== q.region)) continue;
    for (const r of ringRecords(ring, q.since)) {
      if (q.eni !== undefined && r.interfaceId !== q.eni) continue;
      if (q.vpc !== undefined && r.vpcId !== q.vpc) continue;
      if (q.subnet !== undefined && r.subnetId !== q.subnet) continue;
      found.push([ring, r]);
    }
  }
  found.sort((x, y) => x[1].seq - y[1].seq);
  const limited = q.limit !== undefined && found.length > q.limit ? found.slice(found.length - q.limit) : found;
  return { records: limited.map(([ring, r]) => ({ ...r, message: render(ring, r) })), last: s.seq };
}
