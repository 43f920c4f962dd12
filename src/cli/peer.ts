/**
 * `vpclab peer <region>:<vpc> <region>:<vpc>` and `vpclab unpeer`: the seed walkthrough's peering steps
 * done in order, correctly, idempotently, and undoably.
 *
 *  1. read both VPCs and refuse overlapping CIDRs before any mutating call;
 *  2. request the peering from the first VPC (or reuse an existing pending/active one between the two);
 *  3. accept it in the second VPC's region and account;  4. wait until it is active;
 *  5. route every CIDR of the peer to the peering in every route table the chosen subnets use;
 *  6. associate subnets with the main table explicitly, only if asked;
 *  7. open the asked-for ingress rules from the peer's CIDRs on the instances' groups (or named groups);
 *  8. on vpclab, ask the network engine whether the instances now reach each other.
 *
 * What `peer` added is recorded on the peering connection itself, in `vpclab:peer` tags holding a compact
 * JSON manifest (split over `vpclab:peer`, `vpclab:peer:1`, … because AWS caps a tag value at 256
 * characters), so `unpeer` in a new process removes exactly that: the rules, the routes, the explicit
 * associations, and the connection if `peer` created it. Anything that existed before is left alone.
 *
 * AWS references: VPC Peering Guide ("Create a VPC peering connection", "Accept", "Update your route
 * tables for a VPC peering connection", "Update your security groups to reference peer security
 * groups": cross-region peers cannot reference each other's groups, hence CIDR rules);
 * EC2 API CreateVpcPeeringConnection/AcceptVpcPeeringConnection/CreateRoute/AuthorizeSecurityGroupIngress.
 *
 * Fidelity notes:
 * - Peering tags are per account (each side tags its own view, as on AWS); the manifest is written on the
 *   first VPC's side and `unpeer` reads either side, so the order of the two arguments may be swapped.
 * - A route whose destination already exists in a table with another target is a conflict: it is
 *   reported and left untouched (replacing someone's route is not `peer`'s call to make).
 * - Egress rules are not touched: AWS groups allow all outbound by default; the verify step shows it
 *   when a group does not.
 */
import {
  AcceptVpcPeeringConnectionCommand,
  AssociateRouteTableCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateRouteCommand,
  CreateTagsCommand,
  CreateVpcPeeringConnectionCommand,
  DeleteRouteCommand,
  DeleteVpcPeeringConnectionCommand,
  DescribeInstancesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  DisassociateRouteTableCommand,
  RevokeSecurityGroupIngressCommand,
  type Instance,
  type IpPermission,
  type RouteTable,
  type Subnet,
  type Tag,
  type Vpc,
  type VpcPeeringConnection,
} from "@aws-sdk/client-ec2";
import { cidrOf, overlaps } from "../domain/cidr.js";
import { resolveTarget, type GlobalOptions, type Target } from "./common.js";
import { CallBook, Clients, errorCode, formatCall, sleep, type Credentials, type Side } from "./ec2-calls.js";
import { Progress, confirm } from "./progress.js";
import { verifyPair, type VerifyResult } from "./verify.js";

export interface PeerOptions extends GlobalOptions {
  allow?: string;
  subnets?: string;
  securityGroup?: string[];
  associateSubnets?: boolean;
  profile?: string;
  peerProfile?: string;
  accountKey?: string;
  peerAccountKey?: string;
  dryRun?: boolean;
  yes?: boolean;
  timeout?: number;
  verify?: boolean;
}

/** A refusal with a clear message, before or during the steps. */
export class PeerError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

// ---------------------------------------------------------------------------------------------- input

export interface VpcRef {
  region: string;
  vpc: string;
}

const REGION_RE = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;

export function parseVpcRef(text: string): VpcRef {
  const i = text.indexOf(":");
  const region = i < 0 ? "" : text.slice(0, i);
  const vpc = i < 0 ? "" : text.slice(i + 1);
  if (!REGION_RE.test(region) || !vpc) {
    throw new PeerError("InvalidArgument", `"${text}" is not <region>:<vpc> (e.g. ap-northeast-1:vpc-0abc… or ap-northeast-1:tokyo-vpc)`);
  }
  return { region, vpc };
}

export interface AllowRule {
  /** As AWS writes it in IpPermissions: "icmp", "tcp", "udp" or "-1" */
  protocol: string;
  from: number;
  to: number;
  text: string;
}

/** `icmp,tcp:22,udp:53,tcp:8000-8080,all` → rules. ICMP alone means every type and code. */
export function parseAllow(text: string | undefined): AllowRule[] {
  if (!text) return [];
  const out: AllowRule[] = [];
  for (const raw of text.split(",").map((s) => s.trim()).filter(Boolean)) {
    const t = raw.toLowerCase();
    if (t === "all" || t === "-1") {
      out.push({ protocol: "-1", from: -1, to: -1, text: "all" });
      continue;
    }
    const m = /^(icmp|tcp|udp)(?::(\d+)(?:-(\d+))?)?$/.exec(t);
    if (!m) throw new PeerError("InvalidArgument", `--allow: "${raw}" is not icmp, icmp:<type>, tcp[:port[-port]], udp[:port[-port]] or all`);
    const proto = m[1]!;
    if (proto === "icmp") {
      if (m[3] !== undefined) throw new PeerError("InvalidArgument", `--allow: "${raw}": give one ICMP type (icmp:8), not a range`);
      const type = m[2] === undefined ? -1 : Number(m[2]);
      if (type > 255) throw new PeerError("InvalidArgument", `--allow: "${raw}": ICMP type must be 0-255`);
      out.push({ protocol: "icmp", from: type, to: -1, text: t });
      continue;
    }
    const from = m[2] === undefined ? 0 : Number(m[2]);
    const to = m[3] === undefined ? (m[2] === undefined ? 65535 : from) : Number(m[3]);
    if (from > 65535 || to > 65535 || to < from) throw new PeerError("InvalidArgument", `--allow: "${raw}": ports must be 0-65535, low-high`);
    out.push({ protocol: proto, from, to, text: t });
  }
  return out;
}

// ------------------------------------------------------------------------------------------ manifest

/** What `peer` added, stored on the peering connection. Compact keys keep it within a few tags. */
export interface Manifest {
  v: 1;
  /** 1 when `peer` created the connection (then `unpeer` deletes it) */
  c: 0 | 1;
  /** routes: [vpcId, routeTableId, destinationCidr] */
  r: [string, string, string][];
  /** ingress rules: [vpcId, groupId, protocol, from, to, cidr] */
  s: [string, string, string, number, number, string][];
  /** explicit subnet associations: [vpcId, associationId] */
  a: [string, string][];
}

const TAG = "vpclab:peer";
const CHUNK = 250;

export function manifestTags(m: Manifest): Tag[] {
  const json = JSON.stringify(m);
  const tags: Tag[] = [];
  for (let i = 0; i * CHUNK < json.length || i === 0; i++) {
    tags.push({ Key: i === 0 ? TAG : `${TAG}:${i}`, Value: json.slice(i * CHUNK, (i + 1) * CHUNK) });
  }
  return tags;
}

export function readManifest(tags: Tag[] | undefined): Manifest | undefined {
  const byKey = new Map((tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));
  if (!byKey.has(TAG)) return undefined;
  let json = byKey.get(TAG)!;
  for (let i = 1; byKey.has(`${TAG}:${i}`); i++) json += byKey.get(`${TAG}:${i}`)!;
  try {
    const m = JSON.parse(json) as Manifest;
    if (m.v !== 1) return undefined;
    return { v: 1, c: m.c ? 1 : 0, r: m.r ?? [], s: m.s ?? [], a: m.a ?? [] };
  } catch {
    return undefined;
  }
}

// -------------------------------------------------------------------------------------------- reading

export interface VpcSide extends Side {
  vpc: Vpc;
  vpcId: string;
  name: string;
  cidrs: string[];
  creds: Credentials;
}

function nameOf(tags: Tag[] | undefined): string | undefined {
  return tags?.find((t) => t.Key === "Name")?.Value;
}

export async function resolveVpc(book: CallBook, side: Side, ref: string): Promise<Vpc> {
  const byId = /^vpc-[0-9a-f]{8,17}$/.test(ref);
  let vpcs: Vpc[];
  try {
    const out = await book.read(
      side,
      new DescribeVpcsCommand(byId ? { VpcIds: [ref] } : { Filters: [{ Name: "tag:Name", Values: [ref] }] }),
    );
    vpcs = out.Vpcs ?? [];
  } catch (err) {
    if (errorCode(err) === "InvalidVpcID.NotFound") vpcs = [];
    else throw err;
  }
  if (vpcs.length === 0) throw new PeerError("VpcNotFound", `no VPC ${byId ? "" : "named "}"${ref}" in ${side.label}`);
  if (vpcs.length > 1) {
    throw new PeerError("AmbiguousVpc", `${vpcs.length} VPCs are named "${ref}" in ${side.label} (${vpcs.map((v) => v.VpcId).join(", ")}); give the id`);
  }
  return vpcs[0]!;
}

export function cidrsOf(vpc: Vpc): string[] {
  const blocks = (vpc.CidrBlockAssociationSet ?? [])
    .filter((b) => b.CidrBlockState?.State === "associated" || b.CidrBlockState?.State === "associating")
    .map((b) => b.CidrBlock!)
    .filter(Boolean);
  if (blocks.length === 0 && vpc.CidrBlock) blocks.push(vpc.CidrBlock);
  return [...new Set(blocks)];
}

/** Every pair of overlapping blocks, as "a ∩ b" texts. */
export function overlapsBetween(a: string[], b: string[]): string[] {
  const found: string[] = [];
  for (const x of a) for (const y of b) if (overlaps(cidrOf(x), cidrOf(y))) found.push(`${x} overlaps ${y}`);
  return found;
}

async function openSides(a: VpcRef, b: VpcRef, opts: PeerOptions, clients: Clients, book: CallBook): Promise<[VpcSide, VpcSide]> {
  const credsA: Credentials = { profile: opts.profile, accessKey: opts.accountKey };
  const credsB: Credentials =
    opts.peerProfile || opts.peerAccountKey ? { profile: opts.peerProfile, accessKey: opts.peerAccountKey } : credsA;
  const sideA: Side = { label: a.region, region: a.region, client: clients.get(a.region, credsA) };
  const sideB: Side = { label: b.region, region: b.region, client: clients.get(b.region, credsB) };
  const [vpcA, vpcB] = await Promise.all([resolveVpc(book, sideA, a.vpc), resolveVpc(book, sideB, b.vpc)]);
  const crossAccount = vpcA.OwnerId !== vpcB.OwnerId;
  const mk = (side: Side, vpc: Vpc, creds: Credentials): VpcSide => ({
    ...side,
    label: crossAccount ? `${side.region} (${vpc.OwnerId})` : side.region,
    account: vpc.OwnerId,
    vpc,
    vpcId: vpc.VpcId!,
    name: nameOf(vpc.Tags) ?? vpc.VpcId!,
    cidrs: cidrsOf(vpc),
    creds,
  });
  return [mk(sideA, vpcA, credsA), mk(sideB, vpcB, credsB)];
}

const LIVE = ["initiating-request", "pending-acceptance", "provisioning", "active"];

/** The live peering connection between the two VPCs (either direction), preferring an active one. */
async function findPeering(book: CallBook, from: VpcSide, a: string, b: string): Promise<VpcPeeringConnection | undefined> {
  const out = await book.read(
    from,
    new DescribeVpcPeeringConnectionsCommand({
      Filters: [
        { Name: "requester-vpc-info.vpc-id", Values: [a, b] },
        { Name: "accepter-vpc-info.vpc-id", Values: [a, b] },
        { Name: "status-code", Values: LIVE },
      ],
    }),
  );
  const found = (out.VpcPeeringConnections ?? []).filter((p) => {
    const r = p.RequesterVpcInfo?.VpcId;
    const c = p.AccepterVpcInfo?.VpcId;
    return (r === a && c === b) || (r === b && c === a);
  });
  return found.find((p) => p.Status?.Code === "active") ?? found[0];
}

async function describePeering(book: CallBook, side: Side, id: string): Promise<VpcPeeringConnection | undefined> {
  try {
    const out = await book.read(side, new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [id] }));
    return out.VpcPeeringConnections?.[0];
  } catch (err) {
    if (errorCode(err) === "InvalidVpcPeeringConnectionID.NotFound") return undefined;
    throw err;
  }
}

/** Polls until the connection (seen from `side`) is in one of `want`; throws on a dead end or timeout. */
async function waitFor(book: CallBook, side: Side, id: string, want: string[], timeoutMs: number, fast: boolean): Promise<VpcPeeringConnection> {
  const deadline = Date.now() + timeoutMs;
  let last: VpcPeeringConnection | undefined;
  for (;;) {
    last = await describePeering(book, side, id);
    const code = last?.Status?.Code ?? "";
    if (want.includes(code)) return last!;
    if (["failed", "rejected", "expired", "deleted", "deleting"].includes(code)) {
      throw new PeerError("PeeringFailed", `${id} is ${code}${last?.Status?.Message ? `: ${last.Status.Message}` : ""}`);
    }
    if (Date.now() > deadline) {
      throw new PeerError("Timeout", `${id} did not become ${want.join("/")} within ${Math.round(timeoutMs / 1000)} s (last seen: ${code || "not visible"} from ${side.label})`);
    }
    await sleep(fast ? 100 : 2000);
  }
}

interface SubnetsAndTables {
  subnets: Subnet[];
  tables: RouteTable[];
  main?: RouteTable;
  /** the tables the chosen subnets use (explicit, else main), main included when it serves one of them */
  used: RouteTable[];
}

async function readSubnetsAndTables(book: CallBook, side: VpcSide, chosen: string[] | "all"): Promise<SubnetsAndTables> {
  const [sn, rt] = await Promise.all([
    book.read(side, new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [side.vpcId] }] })),
    book.read(side, new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [side.vpcId] }] })),
  ]);
  const all = sn.Subnets ?? [];
  const listed = chosen === "all" ? [] : all.filter((s) => chosen.includes(s.SubnetId!));
  // A side none of whose subnets is listed keeps all of its subnets: `--subnets` may narrow one side only.
  const subnets = listed.length > 0 ? listed : all;
  const tables = rt.RouteTables ?? [];
  const main = tables.find((t) => t.Associations?.some((a) => a.Main));
  const used = new Map<string, RouteTable>();
  for (const s of subnets) {
    const explicit = tables.find((t) => t.Associations?.some((a) => a.SubnetId === s.SubnetId));
    const t = explicit ?? main;
    if (t) used.set(t.RouteTableId!, t);
  }
  // With every subnet chosen, the main table also serves subnets made later: route it too.
  if (chosen === "all" && main) used.set(main.RouteTableId!, main);
  return { subnets, tables, main, used: [...used.values()] };
}

function routeTargetOf(r: NonNullable<RouteTable["Routes"]>[number]): string {
  return (
    r.VpcPeeringConnectionId ??
    r.GatewayId ??
    r.NatGatewayId ??
    r.TransitGatewayId ??
    r.NetworkInterfaceId ??
    r.InstanceId ??
    r.EgressOnlyInternetGatewayId ??
    "?"
  ) + (r.State === "blackhole" ? " (blackhole)" : "");
}

async function liveInstances(book: CallBook, side: VpcSide, subnetIds: string[]): Promise<Instance[]> {
  const out = await book.read(
    side,
    new DescribeInstancesCommand({
      Filters: [
        { Name: "vpc-id", Values: [side.vpcId] },
        { Name: "instance-state-name", Values: ["pending", "running"] },
        ...(subnetIds.length ? [{ Name: "subnet-id", Values: subnetIds }] : []),
      ],
    }),
  );
  return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []);
}

function groupsOfInstances(instances: Instance[]): string[] {
  const ids = new Set<string>();
  for (const i of instances) {
    const enis = i.NetworkInterfaces ?? [];
    if (enis.length) for (const e of enis) for (const g of e.Groups ?? []) ids.add(g.GroupId!);
    else for (const g of i.SecurityGroups ?? []) ids.add(g.GroupId!);
  }
  return [...ids];
}

function protoName(p: string | undefined): string {
  return p === "6" ? "tcp" : p === "17" ? "udp" : p === "1" ? "icmp" : (p ?? "").toLowerCase();
}

function permissionCovers(perms: IpPermission[], rule: AllowRule, cidr: string): boolean {
  return perms.some((p) => {
    if (protoName(p.IpProtocol) !== rule.protocol) return false;
    if (rule.protocol !== "-1" && ((p.FromPort ?? -1) !== rule.from || (p.ToPort ?? -1) !== rule.to)) return false;
    return (p.IpRanges ?? []).some((r) => r.CidrIp === cidr);
  });
}

function permissionOf(protocol: string, from: number, to: number, cidr: string, description?: string): IpPermission {
  return {
    IpProtocol: protocol,
    ...(protocol === "-1" ? {} : { FromPort: from, ToPort: to }),
    IpRanges: [{ CidrIp: cidr, ...(description ? { Description: description } : {}) }],
  };
}

// ----------------------------------------------------------------------------------------------- peer

export interface PeerReport {
  dryRun: boolean;
  changed: boolean;
  peering: { id: string; status: string; created: boolean };
  requester: { region: string; account?: string; vpcId: string; name: string; cidrs: string[] };
  accepter: { region: string; account?: string; vpcId: string; name: string; cidrs: string[] };
  routes: { region: string; routeTableId: string; destination: string; result: "added" | "exists" | "conflict"; detail?: string }[];
  rules: { region: string; groupId: string; rule: string; source: string; result: "added" | "exists" }[];
  associations: { region: string; subnetId: string; routeTableId: string; result: "added" | "exists" }[];
  verification: VerifyResult[] | { unavailable: string };
  calls: string[];
  steps: { title: string; status: string; detail: string }[];
}

/** "tokyo vpc-0abc…", or the id alone when the VPC has no Name tag. */
function show(s: VpcSide): string {
  return s.name === s.vpcId ? s.vpcId : `${s.name} ${s.vpcId}`;
}

function sideInfo(s: VpcSide) {
  return { region: s.region, account: s.account, vpcId: s.vpcId, name: s.name, cidrs: s.cidrs };
}

export async function runPeer(aText: string, bText: string, opts: PeerOptions): Promise<PeerReport> {
  const refA = parseVpcRef(aText);
  const refB = parseVpcRef(bText);
  const allow = parseAllow(opts.allow);
  const chosen: string[] | "all" =
    !opts.subnets || opts.subnets === "all" ? "all" : opts.subnets.split(",").map((s) => s.trim()).filter(Boolean);
  const target = resolveTarget(opts);
  const dryRun = Boolean(opts.dryRun);
  const book = new CallBook(dryRun);
  const clients = new Clients(target);
  const progress = new Progress(Boolean(opts.json));
  const timeoutMs = (opts.timeout ?? 300) * 1000;
  const fast = target.isVpclab;
  if (!dryRun && !target.isVpclab && !opts.yes) {
    progress.line(`This changes a real AWS account: peering, routes and security-group rules between ${aText} and ${bText}.`);
    if (!(await confirm("Go ahead?"))) throw new PeerError("NotConfirmed", "not confirmed; run again with --yes to proceed without asking, or --dry-run to see the plan");
  }
  try {
    progress.line(`${dryRun ? "Planning" : "Peering"} ${aText} ↔ ${bText}${target.isVpclab ? ` on vpclab (${target.endpoint})` : " on AWS"}`);

    const [A, B] = await progress.step("Find the two VPCs", async (h) => {
      const sides = await openSides(refA, refB, opts, clients, book);
      h.detail(sides.map((s) => `${show(s)} ${s.cidrs.join(",")} in ${s.label}`).join("  ↔  "));
      return sides;
    });
    if (A.vpcId === B.vpcId) throw new PeerError("SameVpc", `both arguments name ${A.vpcId}; a VPC cannot peer with itself`);

    await progress.step("Check that the address ranges do not overlap", async (h) => {
      const clash = overlapsBetween(A.cidrs, B.cidrs);
      if (clash.length) {
        throw new PeerError(
          "CidrOverlap",
          `cannot peer ${A.name} and ${B.name}: ${clash.join("; ")}. AWS refuses to peer VPCs whose IPv4 ranges overlap ` +
            `(packets could not tell the two sides apart). Peer a VPC with a different range instead, e.g. a new VPC 10.20.0.0/16.`,
        );
      }
      h.detail(`${A.cidrs.join(",")} and ${B.cidrs.join(",")} are disjoint`);
    });

    let manifest: Manifest = { v: 1, c: 0, r: [], s: [], a: [] };
    let manifestBefore = JSON.stringify(manifest);
    let created = false;

    // ---- 2. request
    let pcx = await progress.step(`Request the peering from ${A.name} (${A.label})`, async (h) => {
      const existing = await findPeering(book, A, A.vpcId, B.vpcId);
      if (existing) {
        const own = readManifest(existing.Tags);
        if (own) manifest = own;
        manifestBefore = JSON.stringify(manifest);
        h.unchanged(`${existing.VpcPeeringConnectionId} already exists (${existing.Status?.Code})`);
        return existing;
      }
      manifest.c = 1;
      const out = await book.write(
        A,
        new CreateVpcPeeringConnectionCommand({
          VpcId: A.vpcId,
          PeerVpcId: B.vpcId,
          ...(A.region !== B.region ? { PeerRegion: B.region } : {}),
          ...(A.account !== B.account ? { PeerOwnerId: B.account } : {}),
          TagSpecifications: [
            { ResourceType: "vpc-peering-connection", Tags: [{ Key: "Name", Value: `${A.name}-to-${B.name}` }, ...manifestTags(manifest)] },
          ],
        }),
      );
      created = true;
      manifestBefore = JSON.stringify(manifest);
      const p = out?.VpcPeeringConnection;
      h.detail(p ? `${p.VpcPeeringConnectionId} requested (${p.Status?.Code})` : "would request a new connection");
      return p;
    });
    const pcxId = pcx?.VpcPeeringConnectionId ?? "pcx-(new)";

    // ---- 3. accept
    await progress.step(`Accept it in ${B.name} (${B.label})`, async (h) => {
      if (pcx?.Status?.Code === "active") return h.unchanged("already active");
      if (!pcx) {
        await book.write(B, new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcxId }));
        return h.detail(`would accept ${pcxId} from ${B.label}`);
      }
      // The accepter's region may see the request a moment later (AWS: initiating-request first).
      const seen = dryRun ? pcx : await waitFor(book, B, pcxId, ["pending-acceptance", "active", "provisioning"], timeoutMs, fast);
      if (seen.Status?.Code !== "pending-acceptance") return h.unchanged(`already ${seen.Status?.Code}`);
      if (pcx.AccepterVpcInfo?.VpcId !== B.vpcId) {
        // The existing request goes the other way (B asked A): the accepter is A.
        await book.write(A, new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcxId }));
        return h.detail(`accepted ${pcxId} from ${A.label} (the existing request came from ${B.name})`);
      }
      await book.write(B, new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcxId }));
      h.detail(dryRun ? `would accept ${pcxId}` : `accepted ${pcxId}`);
    });

    // ---- 4. wait
    await progress.step("Wait until the peering is active", async (h) => {
      if (dryRun) return h.detail(pcx?.Status?.Code === "active" ? "already active" : "would poll DescribeVpcPeeringConnections");
      const t0 = Date.now();
      pcx = await waitFor(book, A, pcxId, ["active"], timeoutMs, fast);
      if (!created && Date.now() - t0 < 50 && pcx.Status?.Code === "active") h.unchanged(`${pcxId} active`);
      else h.detail(`${pcxId} active after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    });

    // ---- 5. routes
    const report: PeerReport["routes"] = [];
    const layout = new Map<string, SubnetsAndTables>();
    await progress.step("Route each side's traffic for the other to the peering", async (h) => {
      let added = 0;
      let conflicts = 0;
      for (const [side, peer] of [[A, B], [B, A]] as const) {
        const st = await readSubnetsAndTables(book, side, chosen);
        layout.set(side.vpcId, st);
        for (const table of st.used) {
          const rtb = table.RouteTableId!;
          for (const cidr of peer.cidrs) {
            const same = (table.Routes ?? []).find((r) => r.DestinationCidrBlock === cidr);
            if (same && same.VpcPeeringConnectionId === pcxId && same.State !== "blackhole") {
              report.push({ region: side.label, routeTableId: rtb, destination: cidr, result: "exists" });
              continue;
            }
            if (same) {
              conflicts++;
              const detail = `${rtb} already sends ${cidr} to ${routeTargetOf(same)}`;
              report.push({ region: side.label, routeTableId: rtb, destination: cidr, result: "conflict", detail });
              h.warn(`conflict: ${detail}; left as it is (delete or replace that route, then run again)`);
              continue;
            }
            await book.write(side, new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: cidr, VpcPeeringConnectionId: pcxId }));
            manifest.r.push([side.vpcId, rtb, cidr]);
            added++;
            report.push({ region: side.label, routeTableId: rtb, destination: cidr, result: "added" });
            h.note(`${side.label} ${rtb}${table.Associations?.some((a) => a.Main) ? " (main)" : ""}: ${cidr} → ${pcxId}`);
          }
        }
      }
      const exists = report.filter((r) => r.result === "exists").length;
      if (added === 0 && conflicts === 0) h.unchanged(`all ${exists} routes already there`);
      else h.detail(`${added} ${dryRun ? "to add" : "added"}, ${exists} already there${conflicts ? `, ${conflicts} conflicting` : ""}`);
    });

    // ---- 6. associations
    const assocReport: PeerReport["associations"] = [];
    await progress.step("Associate subnets with their route table", async (h) => {
      if (!opts.associateSubnets) return h.unchanged("not asked (--associate-subnets); subnets keep their current tables");
      let added = 0;
      for (const side of [A, B]) {
        const st = layout.get(side.vpcId)!;
        if (!st.main) continue;
        for (const s of st.subnets) {
          const explicit = st.tables.find((t) => t.Associations?.some((a) => a.SubnetId === s.SubnetId));
          if (explicit) {
            assocReport.push({ region: side.label, subnetId: s.SubnetId!, routeTableId: explicit.RouteTableId!, result: "exists" });
            continue;
          }
          const out = await book.write(side, new AssociateRouteTableCommand({ RouteTableId: st.main.RouteTableId!, SubnetId: s.SubnetId! }));
          if (out?.AssociationId) manifest.a.push([side.vpcId, out.AssociationId]);
          added++;
          assocReport.push({ region: side.label, subnetId: s.SubnetId!, routeTableId: st.main.RouteTableId!, result: "added" });
          h.note(`${side.label} ${s.SubnetId} → ${st.main.RouteTableId} (main, now explicit)`);
        }
      }
      if (added === 0) h.unchanged("every chosen subnet is already explicitly associated");
      else h.detail(`${added} ${dryRun ? "to associate" : "associated"}`);
    });

    // ---- 7. security groups
    const ruleReport: PeerReport["rules"] = [];
    const instancesBySide = new Map<string, Instance[]>();
    await progress.step("Open the security-group rules", async (h) => {
      for (const side of [A, B]) {
        const st = layout.get(side.vpcId)!;
        const instances = await liveInstances(book, side, chosen === "all" ? [] : st.subnets.map((s) => s.SubnetId!));
        instancesBySide.set(side.vpcId, instances);
      }
      if (allow.length === 0) return h.unchanged("nothing asked (--allow icmp,tcp:22,…)");
      let added = 0;
      for (const [side, peer] of [[A, B], [B, A]] as const) {
        let groupIds: string[] = [];
        if (opts.securityGroup?.length) {
          const wanted = opts.securityGroup.flatMap((g) => g.split(",")).map((g) => g.trim()).filter(Boolean);
          const ids = wanted.filter((g) => /^sg-[0-9a-f]+$/.test(g));
          const names = wanted.filter((g) => !/^sg-[0-9a-f]+$/.test(g));
          const found = await book.read(side, new DescribeSecurityGroupsCommand({ Filters: [{ Name: "vpc-id", Values: [side.vpcId] }] }));
          groupIds = (found.SecurityGroups ?? []).filter((g) => ids.includes(g.GroupId!) || names.includes(g.GroupName!)).map((g) => g.GroupId!);
        }
        if (groupIds.length === 0) groupIds = groupsOfInstances(instancesBySide.get(side.vpcId) ?? []);
        if (groupIds.length === 0) {
          h.warn(`${side.label} ${side.name}: no running instance and no --security-group there: no rule opened on this side`);
          continue;
        }
        const groups = (await book.read(side, new DescribeSecurityGroupsCommand({ GroupIds: groupIds }))).SecurityGroups ?? [];
        for (const g of groups) {
          const missing: IpPermission[] = [];
          for (const rule of allow) {
            for (const cidr of peer.cidrs) {
              const entry = { region: side.label, groupId: g.GroupId!, rule: rule.text, source: cidr };
              if (permissionCovers(g.IpPermissions ?? [], rule, cidr)) {
                ruleReport.push({ ...entry, result: "exists" });
                continue;
              }
              missing.push(permissionOf(rule.protocol, rule.from, rule.to, cidr, `vpclab peer ${peer.name}`));
              manifest.s.push([side.vpcId, g.GroupId!, rule.protocol, rule.from, rule.to, cidr]);
              ruleReport.push({ ...entry, result: "added" });
              h.note(`${side.label} ${g.GroupId} (${g.GroupName}): allow ${rule.text} from ${cidr}`);
              added++;
            }
          }
          if (missing.length) await book.write(side, new AuthorizeSecurityGroupIngressCommand({ GroupId: g.GroupId!, IpPermissions: missing }));
        }
      }
      const exists = ruleReport.filter((r) => r.result === "exists").length;
      if (added === 0) h.unchanged(`all ${exists} rules already there`);
      else h.detail(`${added} ${dryRun ? "to open" : "opened"}, ${exists} already there`);
    });

    // ---- record what was added
    const changedManifest = JSON.stringify(manifest) !== manifestBefore;
    if (changedManifest) {
      await progress.step("Record what was added (tags on the peering connection)", async (h) => {
        await book.write(A, new CreateTagsCommand({ Resources: [pcxId], Tags: manifestTags(manifest) }));
        h.detail(`${manifest.r.length} routes, ${manifest.s.length} rules, ${manifest.a.length} associations; \`vpclab unpeer\` removes them`);
      });
    }

    // ---- 8. verify
    let verification: PeerReport["verification"] = { unavailable: "" };
    await progress.step("Verify with the network engine", async (h) => {
      if (!target.isVpclab) return void h.unchanged((verification = { unavailable: "verification unavailable: real AWS has no engine (use Reachability Analyzer)" }).unavailable);
      if (dryRun) return void h.unchanged((verification = { unavailable: "verification skipped in --dry-run" }).unavailable);
      if (opts.verify === false) return void h.unchanged((verification = { unavailable: "verification skipped (--no-verify)" }).unavailable);
      const ia = instancesBySide.get(A.vpcId)?.[0];
      const ib = instancesBySide.get(B.vpcId)?.[0];
      if (!ia || !ib) {
        verification = { unavailable: `verification unavailable: no running instance in ${!ia ? A.name : B.name}` };
        return void h.warn(verification.unavailable);
      }
      const res = await verifyPair(
        target,
        { id: ia.InstanceId!, ip: ia.PrivateIpAddress!, label: A.name, account: A.account, region: A.region },
        { id: ib.InstanceId!, ip: ib.PrivateIpAddress!, label: B.name, account: B.account, region: B.region },
        allow,
      );
      if ("unavailable" in res) {
        verification = res;
        return void h.warn(res.unavailable);
      }
      verification = res.results;
      for (const r of res.results) h.note(`${r.ok ? "✔" : "✖"} ${r.summary}`);
      const bad = res.results.filter((r) => !r.ok && r.expected);
      if (bad.length) h.warn(`${bad.length} check(s) failed: see the explanations above`);
      else h.detail(`${res.results.filter((r) => r.ok).length}/${res.results.length} checks pass`);
    });

    const mutations = book.mutations;
    const changed = mutations.length > 0;
    const result: PeerReport = {
      dryRun,
      changed,
      peering: { id: pcxId, status: dryRun ? (pcx?.Status?.Code ?? "(not yet requested)") : (pcx?.Status?.Code ?? "?"), created },
      requester: sideInfo(A),
      accepter: sideInfo(B),
      routes: report,
      rules: ruleReport,
      associations: assocReport,
      verification,
      calls: mutations.map(formatCall),
      steps: progress.stepReport(),
    };

    progress.line();
    if (dryRun) {
      progress.dryRunPlan(mutations.map(formatCall), "Dry run: nothing to change; no API call would be made.");
      progress.line();
    }
    progress.table(
      ["", "requester", "accepter"],
      [
        ["VPC", show(A), show(B)],
        ["where", A.label, B.label],
        ["CIDR", A.cidrs.join(","), B.cidrs.join(",")],
        ["routes to peer", countSide(report, A.label), countSide(report, B.label)],
        ["rules opened", countRules(ruleReport, A.label), countRules(ruleReport, B.label)],
      ],
    );
    progress.line();
    progress.line(
      `Peering ${pcxId}: ${result.peering.status}. ` +
        (dryRun ? "Dry run: nothing was changed." : changed ? `${mutations.length} change(s) made.` : "Nothing to change: everything was already in place."),
    );
    if (report.some((r) => r.result === "conflict")) process.exitCode = 1;
    if (Array.isArray(verification) && verification.some((v) => !v.ok && v.expected)) process.exitCode = 1;
    return result;
  } finally {
    clients.destroy();
  }
}

function countSide(routes: PeerReport["routes"], label: string): string {
  const mine = routes.filter((r) => r.region === label);
  const n = (k: string) => mine.filter((r) => r.result === k).length;
  return `${n("added")} added, ${n("exists")} kept${n("conflict") ? `, ${n("conflict")} conflict` : ""}`;
}

function countRules(rules: PeerReport["rules"], label: string): string {
  const mine = rules.filter((r) => r.region === label);
  return `${mine.filter((r) => r.result === "added").length} added, ${mine.filter((r) => r.result === "exists").length} kept`;
}

// --------------------------------------------------------------------------------------------- unpeer

export interface UnpeerReport {
  dryRun: boolean;
  changed: boolean;
  peering?: { id: string; deleted: boolean };
  removed: { routes: number; rules: number; associations: number };
  calls: string[];
  steps: { title: string; status: string; detail: string }[];
}

export async function runUnpeer(aText: string, bText: string, opts: PeerOptions): Promise<UnpeerReport> {
  const refA = parseVpcRef(aText);
  const refB = parseVpcRef(bText);
  const target = resolveTarget(opts);
  const dryRun = Boolean(opts.dryRun);
  const book = new CallBook(dryRun);
  const clients = new Clients(target);
  const progress = new Progress(Boolean(opts.json));
  if (!dryRun && !target.isVpclab && !opts.yes) {
    if (!(await confirm(`Remove the peering between ${aText} and ${bText} and what vpclab peer added?`))) {
      throw new PeerError("NotConfirmed", "not confirmed; run again with --yes to proceed without asking");
    }
  }
  try {
    progress.line(`${dryRun ? "Planning to undo" : "Undoing"} the peering ${aText} ↔ ${bText}`);
    const [A, B] = await progress.step("Find the two VPCs", async (h) => {
      const sides = await openSides(refA, refB, opts, clients, book);
      h.detail(sides.map((s) => `${show(s)} in ${s.label}`).join("  ↔  "));
      return sides;
    });
    const bySide = new Map([[A.vpcId, A], [B.vpcId, B]]);
    const removed = { routes: 0, rules: 0, associations: 0 };

    const found = await progress.step("Find the peering and what `vpclab peer` added", async (h) => {
      const pcx = await findPeering(book, A, A.vpcId, B.vpcId);
      if (!pcx) return void h.unchanged(`no live peering connection between ${A.name} and ${B.name}: nothing to undo`);
      let manifest = readManifest(pcx.Tags);
      if (!manifest) manifest = readManifest((await describePeering(book, B, pcx.VpcPeeringConnectionId!))?.Tags);
      if (!manifest) {
        throw new PeerError(
          "NotMadeByVpclab",
          `${pcx.VpcPeeringConnectionId} has no ${TAG} tag, so it was not made by \`vpclab peer\` and unpeer will not guess what to remove; ` +
            `delete it yourself (aws ec2 delete-vpc-peering-connection --vpc-peering-connection-id ${pcx.VpcPeeringConnectionId})`,
        );
      }
      h.detail(`${pcx.VpcPeeringConnectionId}: ${manifest.r.length} routes, ${manifest.s.length} rules, ${manifest.a.length} associations${manifest.c ? ", connection made by peer" : ""}`);
      return { pcx, manifest };
    });

    if (found) {
      const { pcx, manifest } = found;
      const pcxId = pcx.VpcPeeringConnectionId!;
      await progress.step("Revoke the security-group rules", async (h) => {
        const byGroup = new Map<string, { side: VpcSide; perms: IpPermission[] }>();
        for (const [vpcId, groupId, proto, from, to, cidr] of manifest.s) {
          const side = bySide.get(vpcId);
          if (!side) continue;
          const g = byGroup.get(groupId) ?? { side, perms: [] };
          g.perms.push(permissionOf(proto, from, to, cidr));
          byGroup.set(groupId, g);
        }
        for (const [groupId, { side, perms }] of byGroup) {
          let current: IpPermission[] = [];
          try {
            current = (await book.read(side, new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))).SecurityGroups?.[0]?.IpPermissions ?? [];
          } catch (err) {
            if (errorCode(err) !== "InvalidGroup.NotFound") throw err;
          }
          const still = perms.filter((p) =>
            permissionCovers(current, { protocol: p.IpProtocol!, from: p.FromPort ?? -1, to: p.ToPort ?? -1, text: "" }, p.IpRanges![0]!.CidrIp!),
          );
          if (still.length === 0) continue;
          await book.write(side, new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: still }));
          removed.rules += still.length;
          h.note(`${side.label} ${groupId}: ${still.length} rule(s)`);
        }
        if (removed.rules === 0) h.unchanged("none left to revoke");
        else h.detail(`${removed.rules} ${dryRun ? "to revoke" : "revoked"}`);
      });

      await progress.step("Delete the routes", async (h) => {
        const tablesBySide = new Map<string, RouteTable[]>();
        for (const [vpcId, rtb, cidr] of manifest.r) {
          const side = bySide.get(vpcId);
          if (!side) continue;
          if (!tablesBySide.has(vpcId)) {
            const out = await book.read(side, new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }));
            tablesBySide.set(vpcId, out.RouteTables ?? []);
          }
          const table = tablesBySide.get(vpcId)!.find((t) => t.RouteTableId === rtb);
          const route = table?.Routes?.find((r) => r.DestinationCidrBlock === cidr && r.VpcPeeringConnectionId === pcxId);
          if (!route) continue; // already gone, or replaced by someone since: not ours any more
          await book.write(side, new DeleteRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: cidr }));
          removed.routes++;
          h.note(`${side.label} ${rtb}: ${cidr}`);
        }
        if (removed.routes === 0) h.unchanged("none left to delete");
        else h.detail(`${removed.routes} ${dryRun ? "to delete" : "deleted"}`);
      });

      await progress.step("Remove the explicit subnet associations", async (h) => {
        for (const [vpcId, assoc] of manifest.a) {
          const side = bySide.get(vpcId);
          if (!side) continue;
          const out = await book.read(side, new DescribeRouteTablesCommand({ Filters: [{ Name: "association.route-table-association-id", Values: [assoc] }] }));
          if (!out.RouteTables?.length) continue;
          await book.write(side, new DisassociateRouteTableCommand({ AssociationId: assoc }));
          removed.associations++;
        }
        if (removed.associations === 0) h.unchanged(manifest.a.length ? "none left" : "none were made");
        else h.detail(`${removed.associations} ${dryRun ? "to remove" : "removed"}`);
      });

      await progress.step("Delete the peering connection", async (h) => {
        if (!manifest.c) return h.unchanged(`${pcxId} existed before \`vpclab peer\`: kept`);
        await book.write(A, new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcxId }));
        h.detail(`${pcxId} ${dryRun ? "would be deleted" : "deleted"}`);
      });
    }

    const mutations = book.mutations;
    const result: UnpeerReport = {
      dryRun,
      changed: mutations.length > 0,
      peering: found ? { id: found.pcx.VpcPeeringConnectionId!, deleted: Boolean(found.manifest.c) } : undefined,
      removed,
      calls: mutations.map(formatCall),
      steps: progress.stepReport(),
    };
    progress.line();
    if (dryRun) {
      progress.dryRunPlan(mutations.map(formatCall), "Dry run: nothing to undo.");
      progress.line();
    }
    progress.table(
      ["removed", "count"],
      [
        ["security-group rules", String(removed.rules)],
        ["routes", String(removed.routes)],
        ["subnet associations", String(removed.associations)],
        ["peering connection", found?.manifest.c ? "1" : "0"],
      ],
    );
    progress.line(dryRun ? "Dry run: nothing was changed." : mutations.length ? `${mutations.length} change(s) made.` : "Nothing to undo.");
    return result;
  } finally {
    clients.destroy();
  }
}

export type { Target };
