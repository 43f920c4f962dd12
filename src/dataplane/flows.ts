/**
 * Flow log records of kernel-forwarded flows (`--dataplane netns`). Each VPC router counts the flows it
 * forwards in nftables sets with counters (plan.ts `FLOW_SETS`: per side — the sender's port on arrival,
 * the receiver's port on leaving — and per verdict, keyed by the port's device, addresses, protocol and
 * ports). While a flow log exists, the collector lists those sets every second and turns each flow whose
 * counters grew into a record at the port's network interface through the engine's one record writer
 * (engine/flow-records.ts `recordInterfaceFlow`: the same rings, formats and coverage rules as simulated
 * sends).
 *
 * Fidelity notes:
 * - Action per interface from the kernel's verdict there: the sender's network ACL or security group
 *   denies → its egress REJECT (and nothing further); the receiver's → the sender's egress ACCEPT and the
 *   receiver's ingress REJECT; dropped by a gateway check after the sender's port (the IGW for an address
 *   without a public IP, a TGW attachment's zones) → the sender's egress ACCEPT only. The router checks in
 *   AWS's order (the sender's network ACL and group, the gateways, the receiver's ACL and group), so a
 *   packet both sides deny is the sender's REJECT.
 * - Packets dropped before the router's forward hook (no route, a blackhole route) leave no record (AWS
 *   writes the sender's egress ACCEPT).
 * - Addresses as at the interface: the router sees the private addresses (the IGW's 1:1 NAT happens on its
 *   link: inbound it is already translated, outbound not yet), the sender's public IP for traffic from
 *   the Internet, a NAT gateway's private address beyond the gateway. Replies are flows of their own (as
 *   on AWS). ICMP and other portless protocols have ports 0.
 * - Aggregation: one record per flow per interface per direction per collection (every second while
 *   flows grow); start = the previous collection, end = this one (emulator clock, seconds, at least 1 s
 *   apart). tcp-flags is 0 (the sets count packets, not flags). Counting happens in the kernel whether or
 *   not a flow log exists; only flows that grew while one exists are recorded (a flow log sees traffic
 *   from its creation on, give or take one collection). A rewrite of a router's ruleset skeleton (a new
 *   subnet, a network ACL change) restarts its counters: what was counted since the last collection is lost.
 * - traffic-path (egress): 1 within the VPC, 4/5 to an actively peered VPC (same / other region), 2 to a
 *   public address when the VPC has an internet gateway, else `-`.
 */
import { execFile } from "node:child_process";
import type { World } from "../state/world.js";
import type { Plan } from "./plan.js";
import { FLOW_SETS } from "./plan.js";
import { anyFlowLog, recordInterfaceFlow, type InterfaceFlow } from "../engine/flow-records.js";
import { containsIp, isPrivate, parseCidr, parseIp } from "../domain/cidr.js";

export const COLLECT_MS = 1000;

const PROTO_NUM: Record<string, number> = { icmp: 1, tcp: 6, udp: 17, igmp: 2, gre: 47, esp: 50, ah: 51, sctp: 132 };

/** One counted flow: the set's name and the element's key and counters. */
export interface CountedFlow {
  set: string;
  dev: string;
  src: string;
  dst: string;
  protocol: number;
  sport: number;
  dport: number;
  packets: number;
  bytes: number;
}

/** Parses `nft -j list table inet vpclab` into the flow sets' elements (pure). */
export function parseFlowSets(json: string): CountedFlow[] {
  const out: CountedFlow[] = [];
  let doc: { nftables?: { set?: { name: string; elem?: unknown[] } }[] };
  try {
    doc = JSON.parse(json);
  } catch {
    return out;
  }
  const names = new Set<string>(FLOW_SETS.flatMap((s) => [`${s}t`, `${s}u`, `${s}x`]));
  for (const item of doc.nftables ?? []) {
    const set = item.set;
    if (!set || !names.has(set.name) || !Array.isArray(set.elem)) continue;
    for (const e of set.elem as { elem?: { val?: { concat?: unknown[] }; counter?: { packets: number; bytes: number } } }[]) {
      const val = e.elem?.val?.concat;
      const counter = e.elem?.counter;
      if (!Array.isArray(val) || !counter) continue;
      const kind = set.name.slice(-1);
      const [dev, src, dst, a, b] = val;
      const protocol = kind === "t" ? 6 : kind === "u" ? 17 : typeof a === "number" ? a : PROTO_NUM[String(a)] ?? Number(a);
      const [sport, dport] = kind === "x" ? [0, 0] : [a, b];
      if (typeof dev !== "string" || typeof src !== "string" || typeof dst !== "string" || !Number.isInteger(protocol)) continue;
      out.push({
        set: set.name.slice(0, -1),
        dev,
        src,
        dst,
        protocol,
        sport: typeof sport === "number" ? sport : 0,
        dport: typeof dport === "number" ? dport : 0,
        packets: counter.packets,
        bytes: counter.bytes,
      });
    }
  }
  return out;
}

function listTable(ns: string): Promise<string> {
  return new Promise((resolve) => {
    execFile("ip", ["netns", "exec", ns, "nft", "-j", "list", "table", "inet", "vpclab"], { maxBuffer: 256 * 1024 * 1024 }, (err, stdout) => resolve(err ? "" : stdout));
  });
}

export class FlowCollector {
  /** Counters seen at the last collection, by router namespace and flow key. */
  private last = new Map<string, Map<string, { packets: number; bytes: number }>>();
  private lastAt: number;
  private timer: NodeJS.Timeout | undefined;
  private busy: Promise<void> | undefined;

  constructor(
    private readonly world: World,
    private readonly plan: () => Plan,
    private readonly warn: (m: string) => void,
  ) {
    this.lastAt = world.clock.now();
  }

  start(): void {
    this.timer = setInterval(() => void this.collect(), COLLECT_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Reads every router's flow sets and records what grew (skipped while no flow log exists). */
  collect(): Promise<void> {
    if (this.busy) return this.busy;
    this.busy = this.once()
      .catch((err) => this.warn(`vpclab: data plane: flow records: ${String(err)}`))
      .finally(() => (this.busy = undefined));
    return this.busy;
  }

  private async once(): Promise<void> {
    const plan = this.plan();
    const routers = [...plan.namespaces.values()].filter((n) => n.kind === "router" && n.ports);
    const active = anyFlowLog(this.world);
    const lists = await Promise.all(routers.map((r) => listTable(r.name)));
    const now = this.world.clock.now();
    const start = Math.floor(this.lastAt / 1000);
    const end = Math.max(start + 1, Math.ceil(now / 1000));
    this.lastAt = now;
    const seenNs = new Set<string>();
    routers.forEach((r, i) => {
      seenNs.add(r.name);
      const prev = this.last.get(r.name) ?? new Map<string, { packets: number; bytes: number }>();
      const next = new Map<string, { packets: number; bytes: number }>();
      for (const f of parseFlowSets(lists[i]!)) {
        const key = `${f.set} ${f.dev} ${f.src} ${f.dst} ${f.protocol} ${f.sport} ${f.dport}`;
        next.set(key, { packets: f.packets, bytes: f.bytes });
        if (!active) continue;
        const port = r.ports![f.dev];
        if (!port) continue;
        const was = prev.get(key);
        // Counters that went down were restarted (the ruleset was rewritten, or the element expired).
        const packets = was && was.packets <= f.packets ? f.packets - was.packets : f.packets;
        const bytes = was && was.bytes <= f.bytes ? f.bytes - was.bytes : f.bytes;
        if (packets <= 0) continue;
        const egress = f.set.startsWith("fe");
        const flow: InterfaceFlow = {
          direction: egress ? "egress" : "ingress",
          action: f.set.endsWith("_a") ? "ACCEPT" : "REJECT",
          srcaddr: f.src,
          dstaddr: f.dst,
          srcport: f.sport,
          dstport: f.dport,
          protocol: f.protocol,
          packets,
          bytes,
          start,
          end,
          trafficPath: egress ? this.trafficPath(r.of, port.account, port.region, f.dst) : undefined,
        };
        recordInterfaceFlow(this.world, port.account, port.region, port.eni, flow);
      }
      this.last.set(r.name, next);
    });
    for (const ns of [...this.last.keys()]) if (!seenNs.has(ns)) this.last.delete(ns);
  }

  private trafficPath(vpcId: string, account: string, region: string, dst: string): number | undefined {
    const ip = parseIp(dst);
    if (ip === undefined) return undefined;
    const rs = this.world.existingRegion(account, region);
    const vpc = rs?.vpcs.get(vpcId);
    if (!rs || !vpc) return undefined;
    const inVpc = (cidrs: { cidr: string }[]) => cidrs.some((c) => {
      const p = parseCidr(c.cidr);
      return p !== undefined && containsIp(p, ip);
    });
    if (inVpc(vpc.cidrBlocks)) return 1;
    for (const p of this.world.peerings.values()) {
      if (p.status.code !== "active" || (p.requester.vpcId !== vpcId && p.accepter.vpcId !== vpcId)) continue;
      const other = p.requester.vpcId === vpcId ? p.accepter : p.requester;
      const ors = this.world.existingRegion(other.ownerId, other.region);
      const ovpc = ors?.vpcs.get(other.vpcId);
      if (ovpc && inVpc(ovpc.cidrBlocks)) return other.region === region ? 4 : 5;
    }
    if (!isPrivate(ip) && [...rs.internetGateways.values()].some((g) => g.attachments.some((a) => a.vpcId === vpcId && a.state === "available"))) return 2;
    return undefined;
  }
}
