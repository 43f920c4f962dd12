/**
 * `vpclab mesh <region>:<vpc> …` and `vpclab unmesh …`: N VPCs in any regions joined through transit
 * gateways, the way AWS's documentation builds an inter-region TGW mesh, idempotently and undoably.
 *
 *  1. read every VPC and refuse overlapping CIDRs before any mutating call;
 *  2. one transit gateway per region: reuse the one tagged `vpclab:mesh`, else create it (tagged);
 *  3. a VPC attachment per VPC on one subnet per Availability Zone, associated with and propagating to
 *     the gateway's default route table (made so when the gateway's defaults did not do it);
 *  4. a TGW peering attachment between every two regions' gateways: requested, accepted in the
 *     accepter's region, waited for until `available`;
 *  5. static routes in each gateway's default table for the remote regions' VPC CIDRs, pointing at the
 *     peering attachment (a peering attachment never propagates, as on AWS);
 *  6. VPC routes for every other VPC's CIDRs to the local gateway in every route table of each VPC;
 *  7. the asked-for ingress rules from the other VPCs' CIDRs on the groups of each VPC's instances;
 *  8. on vpclab, the engine analyzes every ordered pair and the N×N matrix is printed with RTTs.
 *
 * What mesh created is tagged `vpclab:mesh` (gateways, attachments, peering attachments); what cannot be
 * tagged (VPC routes, TGW static routes, security-group rules) is recorded in a compact JSON manifest in
 * `vpclab:mesh:m`, `vpclab:mesh:m:1`, … tags on each region's gateway, so `unmesh` in a new process
 * removes exactly that and leaves whatever existed before alone.
 *
 * AWS references: Transit Gateways Guide ("Transit gateway peering attachments": static routes only,
 * accepted in the accepter's Region); EC2 API CreateTransitGateway, CreateTransitGatewayVpcAttachment,
 * CreateTransitGatewayPeeringAttachment, AcceptTransitGatewayPeeringAttachment, CreateTransitGatewayRoute.
 *
 * Fidelity notes:
 * - Accounts: an argument may say which credentials to act with, `<key or profile>@<region>:<vpc>`
 *   (a 12-digit access key id is a vpclab account; anything else is a profile name), else the global
 *   ones. Each region's gateway belongs to the account of that region's first VPC (in argument order);
 *   another account's VPC attaches itself (vpclab models every gateway as shared, no RAM) and its
 *   attachment goes `pendingAcceptance` unless the gateway auto-accepts: mesh accepts it as the gateway's
 *   owner, who also makes the association and propagation. A TGW peering is requested by the first
 *   region's gateway owner for the second's account and accepted as that account. The manifest also
 *   records each cross-account VPC's owner (`o`) and how to act as each account (`k`: account → key or
 *   profile name, never a secret), and a cross-account VPC attachment carries `vpclab:mesh:hub` (how to
 *   act as the gateway's owner), so `unmesh` of any subset reaches every member.
 * - Layout: one gateway per region, the gateways of every two regions peered (a full mesh of TGW
 *   peerings, static routes only). `--hub-per-region` names this layout; there is no other (a single
 *   hub cannot attach VPCs of other regions on AWS, and transit through a third region's gateway is not
 *   built).
 * - A destination already routed in a table to another target is a conflict: reported, left untouched.
 * - Every route table of each VPC gets the routes (as `peer` with all subnets does).
 * - unmesh deletes a gateway only when mesh created it and no attachment other than mesh's remains.
 * - unmesh given some of the mesh's VPCs removes exactly what mesh added for them: their attachments,
 *   their routes and rules, the other members' routes and rules toward their CIDRs, and the TGW static
 *   routes toward them in every region's gateway (the other regions' gateways are found through the
 *   mesh-tagged peering attachments). A gateway left with no VPC attachment goes with its static routes
 *   and peerings; the rest of the mesh keeps working.
 */
import {
  AcceptTransitGatewayPeeringAttachmentCommand,
  AcceptTransitGatewayVpcAttachmentCommand,
  AssociateTransitGatewayRouteTableCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateRouteCommand,
  CreateTagsCommand,
  CreateTransitGatewayCommand,
  CreateTransitGatewayPeeringAttachmentCommand,
  CreateTransitGatewayRouteCommand,
  CreateTransitGatewayVpcAttachmentCommand,
  DeleteRouteCommand,
  DeleteTagsCommand,
  DeleteTransitGatewayCommand,
  DeleteTransitGatewayPeeringAttachmentCommand,
  DeleteTransitGatewayRouteCommand,
  DeleteTransitGatewayVpcAttachmentCommand,
  DescribeInstancesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeTransitGatewayAttachmentsCommand,
  DescribeTransitGatewayPeeringAttachmentsCommand,
  DescribeTransitGatewaysCommand,
  DescribeTransitGatewayVpcAttachmentsCommand,
  EnableTransitGatewayRouteTablePropagationCommand,
  GetTransitGatewayAttachmentPropagationsCommand,
  RevokeSecurityGroupIngressCommand,
  SearchTransitGatewayRoutesCommand,
  type Instance,
  type IpPermission,
  type Tag,
  type TransitGateway,
} from "@aws-sdk/client-ec2";
import { resolveTarget, type Target } from "./common.js";
import { CallBook, Clients, errorCode, formatCall, sleep, type Credentials, type Side } from "./ec2-calls.js";
import { PeerError, cidrsOf, overlapsBetween, parseAllow, parseVpcRef, resolveVpc, type AllowRule, type PeerOptions } from "./peer.js";
import { Progress, confirm } from "./progress.js";
import { analyze } from "./verify.js";

export interface MeshOptions extends PeerOptions {
  /** one transit gateway per region, peered across regions: the only layout, named explicitly */
  hubPerRegion?: boolean;
}

const TAG = "vpclab:mesh";
/** On a VPC attachment made from another account than the gateway's: the credentials of the gateway's owner. */
const HUB_TAG = "vpclab:mesh:hub";
const MTAG = "vpclab:mesh:m";
const CHUNK = 250;
const LIVE_ATT = ["initiatingRequest", "pendingAcceptance", "pending", "available", "modifying"];

/** Per region, on its gateway: what mesh added that cannot carry a tag. */
export interface MeshManifest {
  v: 1;
  /** VPC routes: [vpcId, routeTableId, cidr] */
  r: [string, string, string][];
  /** TGW static routes: [tgwRouteTableId, cidr, attachmentId] */
  t: [string, string, string][];
  /** ingress rules: [vpcId, groupId, protocol, from, to, cidr] */
  s: [string, string, string, number, number, string][];
  /** owner account of every VPC not in the gateway owner's account: vpcId → account */
  o?: Record<string, string>;
  /** how to act as each account of the mesh other than the default credentials': account → `<key or profile>` */
  k?: Record<string, string>;
}

export function meshManifestTags(m: MeshManifest): Tag[] {
  const json = JSON.stringify(m);
  const tags: Tag[] = [];
  for (let i = 0; i * CHUNK < json.length || i === 0; i++) tags.push({ Key: i === 0 ? MTAG : `${MTAG}:${i}`, Value: json.slice(i * CHUNK, (i + 1) * CHUNK) });
  return tags;
}

export function readMeshManifest(tags: Tag[] | undefined): MeshManifest {
  const byKey = new Map((tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));
  const empty: MeshManifest = { v: 1, r: [], t: [], s: [] };
  if (!byKey.has(MTAG)) return empty;
  let json = byKey.get(MTAG)!;
  for (let i = 1; byKey.has(`${MTAG}:${i}`); i++) json += byKey.get(`${MTAG}:${i}`)!;
  try {
    const m = JSON.parse(json) as MeshManifest;
    return { v: 1, r: m.r ?? [], t: m.t ?? [], s: m.s ?? [], ...(m.o && Object.keys(m.o).length ? { o: m.o } : {}), ...(m.k && Object.keys(m.k).length ? { k: m.k } : {}) };
  } catch {
    return empty;
  }
}

interface MeshVpc extends Side {
  ref: string;
  /** the `<key or profile>@` prefix of the argument ("" for the default credentials) */
  credText: string;
  vpcId: string;
  name: string;
  cidrs: string[];
  instances: Instance[];
}

interface Hub {
  side: Side;
  /** the owner's `<key or profile>` ("" for the default credentials) */
  credText: string;
  tgwId: string;
  tableId: string;
  tgw?: TransitGateway;
  manifest: MeshManifest;
  manifestBefore: string;
  /** every tag key the manifest used before, so a shorter manifest deletes its stale chunks */
  oldKeys: string[];
}

export interface MeshReport {
  dryRun: boolean;
  changed: boolean;
  vpcs: { ref: string; region: string; vpcId: string; name: string; cidrs: string[]; attachmentId: string }[];
  gateways: { region: string; id: string; created: boolean }[];
  peerings: { regions: [string, string]; id: string; created: boolean }[];
  matrix: { from: string; to: string; reachable: boolean; rttMs?: number; explanation?: string }[] | { unavailable: string };
  calls: string[];
  steps: { title: string; status: string; detail: string }[];
}

function nameOf(tags: Tag[] | undefined): string | undefined {
  return tags?.find((t) => t.Key === "Name")?.Value;
}

function tagSpec(type: "transit-gateway" | "transit-gateway-attachment", name: string) {
  return [{ ResourceType: type, Tags: [{ Key: TAG, Value: "created" }, { Key: "Name", Value: name }] }];
}

/** `<key or profile>` → credentials: a 12-digit access key id selects a vpclab account, anything else is a profile. */
export function credsOf(credText: string, opts: MeshOptions): Credentials {
  if (!credText) return { profile: opts.profile, accessKey: opts.accountKey };
  return /^\d{12}$/.test(credText) ? { accessKey: credText } : { profile: credText };
}

/** `[<key or profile>@]<region>:<vpc>` */
export function parseMeshRef(text: string): { credText: string; region: string; vpc: string } {
  const at = text.indexOf("@");
  const credText = at < 0 ? "" : text.slice(0, at);
  if (at >= 0 && !/^[A-Za-z0-9_.+-]{1,64}$/.test(credText)) throw new PeerError("InvalidArgument", `"${text}": before @ give a 12-digit account key (vpclab) or a profile name`);
  const ref = parseVpcRef(at < 0 ? text : text.slice(at + 1));
  return { credText, ...ref };
}

function sideFor(clients: Clients, opts: MeshOptions, region: string, credText: string): Side {
  return { label: credText ? `${region} (${credText})` : region, region, client: clients.get(region, credsOf(credText, opts)) };
}

async function openVpcs(texts: string[], opts: MeshOptions, clients: Clients, book: CallBook): Promise<MeshVpc[]> {
  const refs = texts.map(parseMeshRef);
  return Promise.all(
    refs.map(async (ref, i) => {
      const side = sideFor(clients, opts, ref.region, ref.credText);
      const vpc = await resolveVpc(book, side, ref.vpc);
      return { ...side, account: vpc.OwnerId, credText: ref.credText, ref: texts[i]!, vpcId: vpc.VpcId!, name: nameOf(vpc.Tags) ?? vpc.VpcId!, cidrs: cidrsOf(vpc), instances: [] };
    }),
  );
}

async function findHubTgw(book: CallBook, side: Side): Promise<TransitGateway | undefined> {
  const out = await book.read(side, new DescribeTransitGatewaysCommand({ Filters: [{ Name: "tag-key", Values: [TAG] }, { Name: "state", Values: ["pending", "available", "modifying"] }] }));
  return (out.TransitGateways ?? []).sort((a, b) => (a.TransitGatewayId! < b.TransitGatewayId! ? -1 : 1))[0];
}

/** Polls `probe` until it answers one of `want`; a state outside `alive` is a dead end. */
async function waitState(what: string, probe: () => Promise<string | undefined>, want: string[], timeoutMs: number, fast: boolean, alive: string[] = []): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = (await probe()) ?? "";
    if (want.includes(s)) return s;
    if (alive.length && !alive.includes(s)) throw new PeerError("MeshFailed", `${what} is ${s || "gone"}`);
    if (Date.now() > deadline) throw new PeerError("Timeout", `${what} did not become ${want.join("/")} within ${Math.round(timeoutMs / 1000)} s (last: ${s || "not visible"})`);
    await sleep(fast ? 50 : 5000);
  }
}

const tgwState = (book: CallBook, side: Side, id: string) => async () => {
  try {
    return (await book.read(side, new DescribeTransitGatewaysCommand({ TransitGatewayIds: [id] }))).TransitGateways?.[0]?.State;
  } catch (err) {
    if (errorCode(err) === "InvalidTransitGatewayID.NotFound") return "deleted";
    throw err;
  }
};

/** A VPC attachment's state as its VPC's account sees it (on another account's gateway too). */
const vpcAttState = (book: CallBook, side: Side, id: string) => async () => {
  const out = await book.read(side, new DescribeTransitGatewayVpcAttachmentsCommand({ TransitGatewayAttachmentIds: [id] })).catch((err) => {
    if (/NotFound/.test(errorCode(err))) return { TransitGatewayVpcAttachments: [] };
    throw err;
  });
  return out.TransitGatewayVpcAttachments?.[0]?.State ?? "deleted";
};

const attState = (book: CallBook, side: Side, id: string) => async () => {
  const out = await book.read(side, new DescribeTransitGatewayAttachmentsCommand({ TransitGatewayAttachmentIds: [id] })).catch((err) => {
    if (/NotFound/.test(errorCode(err))) return { TransitGatewayAttachments: [] };
    throw err;
  });
  return out.TransitGatewayAttachments?.[0]?.State ?? "deleted";
};

/** A VPC attachment from another account waits for the gateway's owner: accept it as that account. */
async function acceptVpcAttachment(book: CallBook, hub: Hub, v: MeshVpc, attId: string, timeoutMs: number, fast: boolean, h: { note(t: string): void }): Promise<void> {
  await book.write(hub.side, new AcceptTransitGatewayVpcAttachmentCommand({ TransitGatewayAttachmentId: attId }));
  h.note(`${attId} (${v.name}, account ${v.account}) accepted by the gateway's owner ${hub.side.account}`);
  await waitState(attId, vpcAttState(book, v, attId), ["available"], timeoutMs, fast, LIVE_ATT);
}

function protoName(p: string | undefined): string {
  return p === "6" ? "tcp" : p === "17" ? "udp" : p === "1" ? "icmp" : (p ?? "").toLowerCase();
}

function covers(perms: IpPermission[], proto: string, from: number, to: number, cidr: string): boolean {
  return perms.some(
    (p) =>
      protoName(p.IpProtocol) === proto &&
      (proto === "-1" || ((p.FromPort ?? -1) === from && (p.ToPort ?? -1) === to)) &&
      (p.IpRanges ?? []).some((r) => r.CidrIp === cidr),
  );
}

function permission(proto: string, from: number, to: number, cidr: string, description?: string): IpPermission {
  return { IpProtocol: proto, ...(proto === "-1" ? {} : { FromPort: from, ToPort: to }), IpRanges: [{ CidrIp: cidr, ...(description ? { Description: description } : {}) }] };
}

async function runningInstances(book: CallBook, v: MeshVpc): Promise<Instance[]> {
  const out = await book.read(v, new DescribeInstancesCommand({ Filters: [{ Name: "vpc-id", Values: [v.vpcId] }, { Name: "instance-state-name", Values: ["pending", "running"] }] }));
  return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []).sort((a, b) => (a.InstanceId! < b.InstanceId! ? -1 : 1));
}

function groupsOf(instances: Instance[]): string[] {
  const ids = new Set<string>();
  for (const i of instances) for (const e of i.NetworkInterfaces ?? []) for (const g of e.Groups ?? []) ids.add(g.GroupId!);
  for (const i of instances) if (!i.NetworkInterfaces?.length) for (const g of i.SecurityGroups ?? []) ids.add(g.GroupId!);
  return [...ids];
}

function setup(texts: string[], opts: MeshOptions, given?: Target, min = 2) {
  if (texts.length < min) throw new PeerError("InvalidArgument", min === 1 ? "give at least one <region>:<vpc> argument" : "give at least two <region>:<vpc> arguments");
  const target = given ?? resolveTarget(opts);
  const dryRun = Boolean(opts.dryRun);
  return { target, dryRun, book: new CallBook(dryRun), clients: new Clients(target), progress: new Progress(Boolean(opts.json)), timeoutMs: (opts.timeout ?? 300) * 1000, fast: target.isVpclab };
}

// ----------------------------------------------------------------------------------------------- mesh

export async function runMesh(texts: string[], opts: MeshOptions, given?: Target): Promise<MeshReport> {
  const allow = parseAllow(opts.allow);
  const { target, dryRun, book, clients, progress, timeoutMs, fast } = setup(texts, opts, given);
  if (!dryRun && !target.isVpclab && !opts.yes) {
    progress.line(`This changes a real AWS account: transit gateways, attachments, routes and rules for ${texts.join(", ")}.`);
    if (!(await confirm("Go ahead?"))) throw new PeerError("NotConfirmed", "not confirmed; run again with --yes, or --dry-run to see the plan");
  }
  try {
    progress.line(`${dryRun ? "Planning a mesh of" : "Meshing"} ${texts.length} VPCs${target.isVpclab ? ` on vpclab (${target.endpoint})` : " on AWS"}`);
    const vpcs = await progress.step("Find the VPCs", async (h) => {
      const vs = await openVpcs(texts, opts, clients, book);
      h.detail(vs.map((v) => `${v.name} ${v.cidrs.join(",")} (${v.region})`).join(", "));
      return vs;
    });
    await progress.step("Check that the address ranges do not overlap", async (h) => {
      for (let i = 0; i < vpcs.length; i++) {
        for (let j = i + 1; j < vpcs.length; j++) {
          if (vpcs[i]!.vpcId === vpcs[j]!.vpcId) throw new PeerError("SameVpc", `${vpcs[i]!.ref} and ${vpcs[j]!.ref} name the same VPC ${vpcs[i]!.vpcId}`);
          const clash = overlapsBetween(vpcs[i]!.cidrs, vpcs[j]!.cidrs);
          if (clash.length) throw new PeerError("CidrOverlap", `cannot mesh ${vpcs[i]!.name} and ${vpcs[j]!.name}: ${clash.join("; ")}; a transit gateway route table cannot tell them apart`);
        }
      }
      h.detail(`${vpcs.flatMap((v) => v.cidrs).length} blocks, all disjoint`);
    });
    const regions = [...new Set(vpcs.map((v) => v.region))].sort();
    const hubs = new Map<string, Hub>();
    const gateways: MeshReport["gateways"] = [];

    // ---- 2. one gateway per region
    await progress.step("One transit gateway per region", async (h) => {
      for (const region of regions) {
        // The gateway belongs to the account of the region's first VPC (in the order given).
        const owner = vpcs.find((v) => v.region === region)!;
        const side: Side = { label: owner.label, region, client: owner.client, account: owner.account };
        let tgw = await findHubTgw(book, side);
        let created = false;
        if (!tgw) {
          const out = await book.write(side, new CreateTransitGatewayCommand({ Description: "vpclab mesh hub", TagSpecifications: tagSpec("transit-gateway", `vpclab-mesh-${region}`) }));
          tgw = out?.TransitGateway;
          created = true;
          if (tgw) await waitState(tgw.TransitGatewayId!, tgwState(book, side, tgw.TransitGatewayId!), ["available"], timeoutMs, fast, ["pending", "available"]);
          h.note(`${region}: ${tgw?.TransitGatewayId ?? "tgw-(new)"} created`);
        } else h.note(`${region}: ${tgw.TransitGatewayId} reused`);
        if (tgw && !dryRun) tgw = (await book.read(side, new DescribeTransitGatewaysCommand({ TransitGatewayIds: [tgw.TransitGatewayId!] }))).TransitGateways![0]!;
        const tableId = tgw?.Options?.AssociationDefaultRouteTableId ?? `tgw-rtb-(new ${region})`;
        const manifest = readMeshManifest(tgw?.Tags);
        const oldKeys = (tgw?.Tags ?? []).map((t) => t.Key!).filter((k) => k.startsWith(MTAG));
        hubs.set(region, { side, credText: owner.credText, tgwId: tgw?.TransitGatewayId ?? `tgw-(new ${region})`, tableId, tgw, manifest, manifestBefore: JSON.stringify(manifest), oldKeys });
        gateways.push({ region, id: hubs.get(region)!.tgwId, created });
      }
      if (gateways.every((g) => !g.created)) h.unchanged(`${gateways.length} reused`);
      else h.detail(`${gateways.filter((g) => g.created).length} ${dryRun ? "to create" : "created"}, ${gateways.filter((g) => !g.created).length} reused`);
    });

    // ---- 3. VPC attachments, association, propagation
    const attachments = new Map<string, string>();
    await progress.step("Attach each VPC (one subnet per AZ), associate and propagate", async (h) => {
      let made = 0;
      for (const v of vpcs) {
        const hub = hubs.get(v.region)!;
        let attId: string | undefined;
        const cross = Boolean(v.account && hub.side.account && v.account !== hub.side.account);
        if (cross) {
          // Another account's VPC: the gateway's manifests say how to act as it, for unmesh.
          hub.manifest.o = { ...hub.manifest.o, [v.vpcId]: v.account! };
          for (const hb of hubs.values()) if (v.credText) hb.manifest.k = { ...hb.manifest.k, [v.account!]: v.credText };
        }
        if (hub.tgw) {
          const out = await book.read(v, new DescribeTransitGatewayVpcAttachmentsCommand({ Filters: [{ Name: "transit-gateway-id", Values: [hub.tgwId] }, { Name: "vpc-id", Values: [v.vpcId] }, { Name: "state", Values: LIVE_ATT }] }));
          attId = out.TransitGatewayVpcAttachments?.[0]?.TransitGatewayAttachmentId;
          if (attId && out.TransitGatewayVpcAttachments?.[0]?.State === "pendingAcceptance") await acceptVpcAttachment(book, hub, v, attId, timeoutMs, fast, h);
        }
        if (!attId) {
          const subnets = (await book.read(v, new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [v.vpcId] }] }))).Subnets ?? [];
          const perAz = new Map<string, string>();
          for (const s of [...subnets].sort((a, b) => (a.SubnetId! < b.SubnetId! ? -1 : 1))) if (!perAz.has(s.AvailabilityZone!)) perAz.set(s.AvailabilityZone!, s.SubnetId!);
          if (perAz.size === 0) throw new PeerError("NoSubnet", `${v.name} has no subnet: a transit gateway attachment needs one subnet per Availability Zone`);
          const spec = tagSpec("transit-gateway-attachment", `vpclab-mesh-${v.name}`);
          if (cross) spec[0]!.Tags.push({ Key: HUB_TAG, Value: hub.credText });
          const out = await book.write(v, new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: hub.tgwId, VpcId: v.vpcId, SubnetIds: [...perAz.values()], TagSpecifications: spec }));
          attId = out?.TransitGatewayVpcAttachment?.TransitGatewayAttachmentId ?? `tgw-attach-(new ${v.name})`;
          if (out) {
            // Another account's gateway: the attachment waits for its owner unless it auto-accepts.
            const st = await waitState(attId, vpcAttState(book, v, attId), ["available", "pendingAcceptance"], timeoutMs, fast, LIVE_ATT);
            if (st === "pendingAcceptance") await acceptVpcAttachment(book, hub, v, attId, timeoutMs, fast, h);
          } else if (cross && hub.tgw?.Options?.AutoAcceptSharedAttachments !== "enable") {
            await book.write(hub.side, new AcceptTransitGatewayVpcAttachmentCommand({ TransitGatewayAttachmentId: attId }));
          }
          h.note(`${v.name}: ${attId} on ${[...perAz.values()].join(", ")}`);
          made++;
        }
        attachments.set(v.vpcId, attId);
        if (dryRun && !hub.tgw) continue;
        if (!attId.startsWith("tgw-attach-(")) {
          // Association and propagation are the gateway owner's to make.
          const att = (await book.read(hub.side, new DescribeTransitGatewayAttachmentsCommand({ TransitGatewayAttachmentIds: [attId] }))).TransitGatewayAttachments?.[0];
          if (!att?.Association) {
            await book.write(hub.side, new AssociateTransitGatewayRouteTableCommand({ TransitGatewayRouteTableId: hub.tableId, TransitGatewayAttachmentId: attId }));
            made++;
          }
          const props = (await book.read(hub.side, new GetTransitGatewayAttachmentPropagationsCommand({ TransitGatewayAttachmentId: attId }))).TransitGatewayAttachmentPropagations ?? [];
          if (!props.some((p) => p.TransitGatewayRouteTableId === hub.tableId)) {
            await book.write(hub.side, new EnableTransitGatewayRouteTablePropagationCommand({ TransitGatewayRouteTableId: hub.tableId, TransitGatewayAttachmentId: attId }));
            made++;
          }
        }
      }
      if (made === 0) h.unchanged(`all ${vpcs.length} attached`);
      else h.detail(`${made} change(s)`);
    });

    // ---- 4. peering between regions
    const peerings: MeshReport["peerings"] = [];
    const peeringOf = new Map<string, string>();
    await progress.step("Peer the regions' transit gateways", async (h) => {
      if (regions.length < 2) return void h.unchanged("one region: no peering needed");
      for (let i = 0; i < regions.length; i++) {
        for (let j = i + 1; j < regions.length; j++) {
          const a = hubs.get(regions[i]!)!;
          const b = hubs.get(regions[j]!)!;
          let id: string | undefined;
          if (a.tgw && b.tgw) {
            const out = await book.read(a.side, new DescribeTransitGatewayPeeringAttachmentsCommand({ Filters: [{ Name: "transit-gateway-id", Values: [a.tgwId] }, { Name: "state", Values: LIVE_ATT }] }));
            id = (out.TransitGatewayPeeringAttachments ?? []).find((p) => [p.RequesterTgwInfo?.TransitGatewayId, p.AccepterTgwInfo?.TransitGatewayId].includes(b.tgwId))?.TransitGatewayAttachmentId;
          }
          let created = false;
          if (!id) {
            const out = await book.write(
              a.side,
              new CreateTransitGatewayPeeringAttachmentCommand({
                TransitGatewayId: a.tgwId,
                PeerTransitGatewayId: b.tgwId,
                PeerRegion: b.side.region,
                PeerAccountId: b.side.account!,
                TagSpecifications: tagSpec("transit-gateway-attachment", `vpclab-mesh-${a.side.region}-${b.side.region}`),
              }),
            );
            id = out?.TransitGatewayPeeringAttachment?.TransitGatewayAttachmentId ?? `tgw-attach-(new ${a.side.region}↔${b.side.region})`;
            created = true;
            h.note(`${a.side.region} ↔ ${b.side.region}: ${id} requested`);
          }
          if (!dryRun) {
            await waitState(id, attState(book, b.side, id), ["pendingAcceptance", "pending", "available"], timeoutMs, fast, ["initiatingRequest", "pendingAcceptance", "pending", "available", "deleted"]);
            if ((await attState(book, b.side, id)()) === "pendingAcceptance") {
              await book.write(b.side, new AcceptTransitGatewayPeeringAttachmentCommand({ TransitGatewayAttachmentId: id }));
              h.note(`${id} accepted in ${b.side.region}`);
            }
            await waitState(id, attState(book, a.side, id), ["available"], timeoutMs, fast, ["initiatingRequest", "pendingAcceptance", "pending", "available"]);
          } else if (created) await book.write(b.side, new AcceptTransitGatewayPeeringAttachmentCommand({ TransitGatewayAttachmentId: id }));
          for (const x of [a, b]) if (x.credText && x.side.account) for (const hb of hubs.values()) hb.manifest.k = { ...hb.manifest.k, [x.side.account]: x.credText };
          peeringOf.set(`${a.side.region}|${b.side.region}`, id);
          peeringOf.set(`${b.side.region}|${a.side.region}`, id);
          peerings.push({ regions: [a.side.region, b.side.region], id, created });
        }
      }
      if (peerings.every((p) => !p.created)) h.unchanged(`${peerings.length} already available`);
      else h.detail(`${peerings.filter((p) => p.created).length} ${dryRun ? "to request and accept" : "requested, accepted, available"}`);
    });

    // ---- 5. static routes for the remote regions' CIDRs
    await progress.step("Static routes in each gateway's table to the remote regions' VPCs", async (h) => {
      let added = 0;
      let kept = 0;
      for (const region of regions) {
        const hub = hubs.get(region)!;
        for (const v of vpcs.filter((x) => x.region !== region)) {
          const att = peeringOf.get(`${region}|${v.region}`)!;
          for (const cidr of v.cidrs) {
            if (hub.tgw && !hub.tableId.startsWith("tgw-rtb-(")) {
              const found = (await book.read(hub.side, new SearchTransitGatewayRoutesCommand({ TransitGatewayRouteTableId: hub.tableId, Filters: [{ Name: "route-search.exact-match", Values: [cidr] }] }))).Routes ?? [];
              const r = found.find((x) => x.DestinationCidrBlock === cidr);
              if (r) {
                const same = r.TransitGatewayAttachments?.some((x) => x.TransitGatewayAttachmentId === att);
                if (same) kept++;
                else h.warn(`${region} ${hub.tableId}: ${cidr} already routes elsewhere (${r.Type} ${r.State}): left alone`);
                continue;
              }
            }
            await book.write(hub.side, new CreateTransitGatewayRouteCommand({ TransitGatewayRouteTableId: hub.tableId, DestinationCidrBlock: cidr, TransitGatewayAttachmentId: att }));
            hub.manifest.t.push([hub.tableId, cidr, att]);
            added++;
          }
        }
      }
      if (added === 0) h.unchanged(`all ${kept} routes already there`);
      else h.detail(`${added} ${dryRun ? "to add" : "added"}, ${kept} kept`);
    });

    // ---- 6. VPC routes to the gateway
    await progress.step("VPC routes to the transit gateway", async (h) => {
      let added = 0;
      let kept = 0;
      for (const v of vpcs) {
        const hub = hubs.get(v.region)!;
        const tables = (await book.read(v, new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [v.vpcId] }] }))).RouteTables ?? [];
        for (const t of tables) {
          for (const other of vpcs.filter((x) => x !== v)) {
            for (const cidr of other.cidrs) {
              const r = t.Routes?.find((x) => x.DestinationCidrBlock === cidr);
              if (r) {
                if (r.TransitGatewayId === hub.tgwId) kept++;
                else h.warn(`${v.name} ${t.RouteTableId}: ${cidr} already routes to ${r.GatewayId ?? r.VpcPeeringConnectionId ?? r.TransitGatewayId ?? "?"}: left alone`);
                continue;
              }
              await book.write(v, new CreateRouteCommand({ RouteTableId: t.RouteTableId!, DestinationCidrBlock: cidr, TransitGatewayId: hub.tgwId }));
              hub.manifest.r.push([v.vpcId, t.RouteTableId!, cidr]);
              added++;
            }
          }
        }
      }
      if (added === 0) h.unchanged(`all ${kept} routes already there`);
      else h.detail(`${added} ${dryRun ? "to add" : "added"}, ${kept} kept`);
    });

    // ---- 7. security-group rules
    await progress.step("Open the security groups", async (h) => {
      for (const v of vpcs) v.instances = await runningInstances(book, v);
      if (allow.length === 0) return void h.unchanged("nothing asked (--allow icmp,tcp:22,…)");
      let added = 0;
      let kept = 0;
      for (const v of vpcs) {
        const hub = hubs.get(v.region)!;
        const ids = groupsOf(v.instances);
        if (ids.length === 0) {
          h.warn(`${v.name}: no running instance: no rule opened there`);
          continue;
        }
        const groups = (await book.read(v, new DescribeSecurityGroupsCommand({ GroupIds: ids }))).SecurityGroups ?? [];
        for (const g of groups) {
          const missing: IpPermission[] = [];
          for (const rule of allow) {
            for (const cidr of vpcs.filter((x) => x !== v).flatMap((x) => x.cidrs)) {
              if (covers(g.IpPermissions ?? [], rule.protocol, rule.from, rule.to, cidr)) {
                kept++;
                continue;
              }
              missing.push(permission(rule.protocol, rule.from, rule.to, cidr, "vpclab mesh"));
              hub.manifest.s.push([v.vpcId, g.GroupId!, rule.protocol, rule.from, rule.to, cidr]);
              added++;
            }
          }
          if (missing.length) await book.write(v, new AuthorizeSecurityGroupIngressCommand({ GroupId: g.GroupId!, IpPermissions: missing }));
        }
      }
      if (added === 0) h.unchanged(`all ${kept} rules already there`);
      else h.detail(`${added} ${dryRun ? "to open" : "opened"}, ${kept} kept`);
    });

    // ---- record
    const dirty = [...hubs.values()].filter((hb) => JSON.stringify(hb.manifest) !== hb.manifestBefore);
    if (dirty.length) {
      await progress.step("Record what was added (tags on each gateway)", async (h) => {
        for (const hb of dirty) await writeManifest(book, hb);
        h.detail(`${dirty.length} gateway(s); \`vpclab unmesh\` removes it all`);
      });
    }

    // ---- 8. verify
    const matrix = await progress.step("Verify every pair with the network engine", async (h) => verifyMatrix(target, vpcs, allow, dryRun, opts.verify === false, h));

    const mutations = book.mutations;
    const result: MeshReport = {
      dryRun,
      changed: mutations.length > 0,
      vpcs: vpcs.map((v) => ({ ref: v.ref, region: v.region, vpcId: v.vpcId, name: v.name, cidrs: v.cidrs, attachmentId: attachments.get(v.vpcId) ?? "" })),
      gateways,
      peerings,
      matrix,
      calls: mutations.map(formatCall),
      steps: progress.stepReport(),
    };
    progress.line();
    if (dryRun) {
      progress.dryRunPlan(mutations.map(formatCall), "Dry run: nothing to change; no API call would be made.");
      progress.line();
    }
    if (Array.isArray(matrix)) {
      progress.line("Reachability (rows: from, columns: to; round trip in ms):");
      progress.table(
        ["", ...vpcs.map((v) => v.name)],
        vpcs.map((a) => [a.name, ...vpcs.map((b) => (a === b ? "·" : cellOf(matrix.find((m) => m.from === a.name && m.to === b.name))))]),
      );
      progress.line();
    } else progress.line(matrix.unavailable);
    progress.line(dryRun ? "Dry run: nothing was changed." : mutations.length ? `${mutations.length} change(s) made.` : "Nothing to change: everything was already in place.");
    if (Array.isArray(matrix) && matrix.some((m) => !m.reachable)) process.exitCode = 1;
    return result;
  } finally {
    clients.destroy();
  }
}

function cellOf(m: { reachable: boolean; rttMs?: number } | undefined): string {
  if (!m) return "?";
  return m.reachable ? `✔ ${m.rttMs?.toFixed(1)}` : "✖";
}

async function writeManifest(book: CallBook, hb: Hub): Promise<void> {
  const tags = meshManifestTags(hb.manifest);
  const stale = hb.oldKeys.filter((k) => !tags.some((t) => t.Key === k));
  if (stale.length) await book.write(hb.side, new DeleteTagsCommand({ Resources: [hb.tgwId], Tags: stale.map((Key) => ({ Key })) }));
  await book.write(hb.side, new CreateTagsCommand({ Resources: [hb.tgwId], Tags: tags }));
}

async function verifyMatrix(
  target: ReturnType<typeof resolveTarget>,
  vpcs: MeshVpc[],
  allow: AllowRule[],
  dryRun: boolean,
  skip: boolean,
  h: { detail(t: string): void; unchanged(t?: string): void; warn(t: string): void; note(t: string): void },
): Promise<MeshReport["matrix"]> {
  if (!target.isVpclab) return void h.unchanged("real AWS has no engine (use Reachability Analyzer)"), { unavailable: "verification unavailable: real AWS has no engine" };
  if (dryRun || skip) return void h.unchanged("skipped"), { unavailable: `verification skipped${dryRun ? " in --dry-run" : " (--no-verify)"}` };
  const missing = vpcs.filter((v) => !v.instances[0]);
  if (missing.length) {
    const msg = `verification unavailable: no running instance in ${missing.map((v) => v.name).join(", ")}`;
    h.warn(msg);
    return { unavailable: msg };
  }
  const tcp = allow.find((r) => r.protocol === "tcp");
  const icmp = allow.length === 0 || allow.some((r) => r.protocol === "icmp" || r.protocol === "-1");
  const out: Extract<MeshReport["matrix"], unknown[]> = [];
  for (const a of vpcs) {
    for (const b of vpcs) {
      if (a === b) continue;
      const ia = a.instances[0]!;
      const ib = b.instances[0]!;
      const res = await analyze(
        target,
        { id: ia.InstanceId!, ip: ia.PrivateIpAddress!, label: a.name, account: a.account, region: a.region },
        { id: ib.InstanceId!, ip: ib.PrivateIpAddress!, label: b.name, account: b.account, region: b.region },
        icmp ? "icmp" : "tcp",
        icmp ? undefined : tcp?.from,
      );
      if (!res) return { unavailable: "verification unavailable: this vpclab server has no network engine" };
      const reachable = res.verdict === "reachable";
      out.push({ from: a.name, to: b.name, reachable, ...(reachable ? { rttMs: Math.round(res.rttMs * 10) / 10 } : { explanation: res.explanations.map((e) => `${e.code} at ${e.component.id}: ${e.reason}`).join("; ") }) });
      if (!reachable) h.note(`✖ ${a.name} → ${b.name}: ${out[out.length - 1]!.explanation}`);
    }
  }
  const bad = out.filter((m) => !m.reachable).length;
  if (bad) h.warn(`${bad} of ${out.length} pairs unreachable: see the explanations above`);
  else h.detail(`all ${out.length} ordered pairs reachable`);
  return out;
}

// --------------------------------------------------------------------------------------------- unmesh

export interface UnmeshReport {
  dryRun: boolean;
  changed: boolean;
  removed: { rules: number; vpcRoutes: number; tgwRoutes: number; attachments: number; peerings: number; gateways: number };
  calls: string[];
  steps: { title: string; status: string; detail: string }[];
}

export async function runUnmesh(texts: string[], opts: MeshOptions, given?: Target): Promise<UnmeshReport> {
  const { target, dryRun, book, clients, progress, timeoutMs, fast } = setup(texts, opts, given, 1);
  if (!dryRun && !target.isVpclab && !opts.yes) {
    if (!(await confirm(`Remove what vpclab mesh added for ${texts.join(", ")}?`))) throw new PeerError("NotConfirmed", "not confirmed; run again with --yes to proceed without asking");
  }
  const removed = { rules: 0, vpcRoutes: 0, tgwRoutes: 0, attachments: 0, peerings: 0, gateways: 0 };
  try {
    progress.line(`${dryRun ? "Planning to undo" : "Undoing"} the mesh of ${texts.join(", ")}`);
    const vpcs = await progress.step("Find the VPCs", async (h) => {
      const vs = await openVpcs(texts, opts, clients, book);
      h.detail(vs.map((v) => `${v.name} (${v.region})`).join(", "));
      return vs;
    });
    const ours = new Set(vpcs.map((v) => v.vpcId));
    const regions = [...new Set(vpcs.map((v) => v.region))].sort();
    const hubs = await progress.step("Find the mesh's transit gateways", async (h) => {
      const out: Hub[] = [];
      const open = async (region: string, credText: string, account: string | undefined, wantId?: string) => {
        if (out.some((x) => x.side.region === region)) return;
        const side = { ...sideFor(clients, opts, region, credText), ...(account ? { account } : {}) };
        const tgw = await findHubTgw(book, side);
        if (!tgw || (wantId && tgw.TransitGatewayId !== wantId)) return;
        const manifest = readMeshManifest(tgw.Tags);
        side.account ??= tgw.OwnerId;
        out.push({ side, credText, tgwId: tgw.TransitGatewayId!, tableId: tgw.Options?.AssociationDefaultRouteTableId ?? "", tgw, manifest, manifestBefore: JSON.stringify(manifest), oldKeys: (tgw.Tags ?? []).map((t) => t.Key!).filter((k) => k.startsWith(MTAG)) });
      };
      for (const region of regions) {
        // The region's gateway may be another account's: the VPC's mesh attachment names its owner.
        for (const v of vpcs.filter((x) => x.region === region)) {
          const atts = (await book.read(v, new DescribeTransitGatewayVpcAttachmentsCommand({ Filters: [{ Name: "vpc-id", Values: [v.vpcId] }, { Name: "state", Values: LIVE_ATT }, { Name: "tag-key", Values: [TAG] }] }))).TransitGatewayVpcAttachments ?? [];
          const hubCred = atts.flatMap((a) => a.Tags ?? []).find((t) => t.Key === HUB_TAG);
          await open(region, hubCred ? (hubCred.Value ?? "") : v.credText, hubCred ? undefined : v.account, atts[0]?.TransitGatewayId);
        }
        if (!out.some((x) => x.side.region === region)) {
          const v = vpcs.find((x) => x.region === region)!;
          await open(region, v.credText, v.account);
        }
      }
      // The rest of the mesh: the gateways these ones are peered with, region by region (found by their
      // vpclab:mesh tag, as their owners' accounts), so the other members' routes and rules toward these
      // VPCs can go too.
      for (let i = 0; i < out.length; i++) {
        const hb = out[i]!;
        const ps = await book.read(hb.side, new DescribeTransitGatewayPeeringAttachmentsCommand({ Filters: [{ Name: "transit-gateway-id", Values: [hb.tgwId] }, { Name: "state", Values: LIVE_ATT }] }));
        for (const p of ps.TransitGatewayPeeringAttachments ?? []) {
          for (const info of [p.RequesterTgwInfo, p.AccepterTgwInfo]) {
            if (!info?.Region || !info.TransitGatewayId || info.TransitGatewayId === hb.tgwId) continue;
            const owner = info.OwnerId;
            const credText = owner && owner !== hb.side.account ? (hb.manifest.k?.[owner] ?? "") : hb.credText;
            await open(info.Region, credText, undefined, info.TransitGatewayId);
          }
        }
      }
      if (out.length === 0) h.unchanged("no gateway tagged vpclab:mesh: nothing to undo");
      else h.detail(out.map((x) => `${x.side.region} ${x.tgwId}`).join(", "));
      return out;
    });
    // Mesh's additions for these VPCs: their own routes and rules, and every other member's routes and
    // rules toward their CIDRs (mesh refuses overlapping CIDRs, so a CIDR names one member).
    const ourCidrs = new Set(vpcs.flatMap((v) => v.cidrs));
    // Another member's VPC: the gateway owner's, or (recorded in the manifest) another account's.
    const sideOf = (hb: Hub, vpcId: string): Side => {
      const given = vpcs.find((v) => v.vpcId === vpcId);
      if (given) return given;
      const acct = hb.manifest.o?.[vpcId];
      return acct && acct !== hb.side.account ? sideFor(clients, opts, hb.side.region, hb.manifest.k?.[acct] ?? "") : hb.side;
    };

    await progress.step("Revoke the security-group rules", async (h) => {
      for (const hb of hubs) {
        const byGroup = new Map<string, { v: Side; perms: IpPermission[] }>();
        for (const [vpcId, groupId, proto, from, to, cidr] of hb.manifest.s) {
          if (!ours.has(vpcId) && !ourCidrs.has(cidr)) continue;
          const v = sideOf(hb, vpcId);
          const g = byGroup.get(groupId) ?? { v, perms: [] };
          g.perms.push(permission(proto, from, to, cidr));
          byGroup.set(groupId, g);
        }
        for (const [groupId, { v, perms }] of byGroup) {
          const current = (await book.read(v, new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })).catch(() => ({ SecurityGroups: [] }))).SecurityGroups?.[0]?.IpPermissions ?? [];
          const still = perms.filter((p) => covers(current, p.IpProtocol!, p.FromPort ?? -1, p.ToPort ?? -1, p.IpRanges![0]!.CidrIp!));
          if (still.length) await book.write(v, new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: still }));
          removed.rules += still.length;
        }
        hb.manifest.s = hb.manifest.s.filter((s) => !ours.has(s[0]) && !ourCidrs.has(s[5]));
      }
      if (!removed.rules) h.unchanged("none left");
      else h.detail(`${removed.rules} ${dryRun ? "to revoke" : "revoked"}`);
    });

    await progress.step("Delete the VPC routes to the gateways", async (h) => {
      for (const hb of hubs) {
        for (const [vpcId, rtb, cidr] of hb.manifest.r) {
          if (!ours.has(vpcId) && !ourCidrs.has(cidr)) continue;
          const v = sideOf(hb, vpcId);
          const t = (await book.read(v, new DescribeRouteTablesCommand({ Filters: [{ Name: "route-table-id", Values: [rtb] }] }))).RouteTables?.[0];
          if (!t?.Routes?.some((r) => r.DestinationCidrBlock === cidr && r.TransitGatewayId === hb.tgwId)) continue;
          await book.write(v, new DeleteRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: cidr }));
          removed.vpcRoutes++;
        }
        hb.manifest.r = hb.manifest.r.filter((r) => !ours.has(r[0]) && !ourCidrs.has(r[2]));
        if (hb.manifest.o) {
          for (const id of ours) delete hb.manifest.o[id];
          if (Object.keys(hb.manifest.o).length === 0) delete hb.manifest.o;
        }
      }
      if (!removed.vpcRoutes) h.unchanged("none left");
      else h.detail(`${removed.vpcRoutes} ${dryRun ? "to delete" : "deleted"}`);
    });

    // A TGW route belongs to the mesh of these VPCs when its CIDR is one of theirs.
    await progress.step("Delete the gateways' static routes", async (h) => {
      for (const hb of hubs) {
        for (const [rtb, cidr, att] of hb.manifest.t) {
          if (!ourCidrs.has(cidr)) continue;
          const found = (await book.read(hb.side, new SearchTransitGatewayRoutesCommand({ TransitGatewayRouteTableId: rtb, Filters: [{ Name: "route-search.exact-match", Values: [cidr] }] })).catch(() => ({ Routes: [] }))).Routes ?? [];
          if (!found.some((r) => r.Type === "static" && r.TransitGatewayAttachments?.some((a) => a.TransitGatewayAttachmentId === att))) continue;
          await book.write(hb.side, new DeleteTransitGatewayRouteCommand({ TransitGatewayRouteTableId: rtb, DestinationCidrBlock: cidr }));
          removed.tgwRoutes++;
        }
        hb.manifest.t = hb.manifest.t.filter((t) => !ourCidrs.has(t[1]));
      }
      if (!removed.tgwRoutes) h.unchanged("none left");
      else h.detail(`${removed.tgwRoutes} ${dryRun ? "to delete" : "deleted"}`);
    });

    await progress.step("Delete the VPC attachments mesh made", async (h) => {
      const waits: (() => Promise<void>)[] = [];
      // Each from the VPC's own account (which made it, and may delete it on another account's gateway).
      const hubIds = new Set(hubs.map((x) => x.tgwId));
      for (const v of vpcs) {
        const out = await book.read(v, new DescribeTransitGatewayVpcAttachmentsCommand({ Filters: [{ Name: "vpc-id", Values: [v.vpcId] }, { Name: "state", Values: LIVE_ATT }, { Name: "tag-key", Values: [TAG] }] }));
        for (const a of out.TransitGatewayVpcAttachments ?? []) {
          if (!hubIds.has(a.TransitGatewayId!)) continue;
          await book.write(v, new DeleteTransitGatewayVpcAttachmentCommand({ TransitGatewayAttachmentId: a.TransitGatewayAttachmentId! }));
          removed.attachments++;
          waits.push(() => waitState(a.TransitGatewayAttachmentId!, vpcAttState(book, v, a.TransitGatewayAttachmentId!), ["deleted"], timeoutMs, fast).then(() => undefined));
        }
      }
      if (!dryRun) for (const w of waits) await w();
      if (!removed.attachments) h.unchanged("none left");
      else h.detail(`${removed.attachments} ${dryRun ? "to delete" : "deleted"}`);
    });

    // A gateway mesh made goes when no VPC attachment is left on it; its peerings go with it.
    const remaining = new Map<string, number>();
    for (const hb of hubs) {
      const out = await book.read(hb.side, new DescribeTransitGatewayAttachmentsCommand({ Filters: [{ Name: "transit-gateway-id", Values: [hb.tgwId] }, { Name: "resource-type", Values: ["vpc"] }, { Name: "state", Values: LIVE_ATT }] }));
      const left = (out.TransitGatewayAttachments ?? []).filter((a) => !(dryRun && ours.has(a.ResourceId!))).length;
      remaining.set(hb.tgwId, left);
    }
    const goes = (hb: Hub) => hb.tgw?.Tags?.some((t) => t.Key === TAG && t.Value === "created") && remaining.get(hb.tgwId) === 0;

    await progress.step("Delete the peering attachments mesh made", async (h) => {
      // A gateway that goes first loses the static routes mesh put in it (toward the remaining regions).
      for (const hb of hubs.filter(goes)) {
        for (const [rtb, cidr, att] of hb.manifest.t) {
          const found = (await book.read(hb.side, new SearchTransitGatewayRoutesCommand({ TransitGatewayRouteTableId: rtb, Filters: [{ Name: "route-search.exact-match", Values: [cidr] }] })).catch(() => ({ Routes: [] }))).Routes ?? [];
          if (!found.some((r) => r.Type === "static" && r.TransitGatewayAttachments?.some((a) => a.TransitGatewayAttachmentId === att))) continue;
          await book.write(hb.side, new DeleteTransitGatewayRouteCommand({ TransitGatewayRouteTableId: rtb, DestinationCidrBlock: cidr }));
          removed.tgwRoutes++;
        }
        hb.manifest.t = [];
      }
      const seen = new Set<string>();
      const waits: (() => Promise<void>)[] = [];
      for (const hb of hubs) {
        const out = await book.read(hb.side, new DescribeTransitGatewayPeeringAttachmentsCommand({ Filters: [{ Name: "transit-gateway-id", Values: [hb.tgwId] }, { Name: "state", Values: LIVE_ATT }, { Name: "tag-key", Values: [TAG] }] }));
        for (const p of out.TransitGatewayPeeringAttachments ?? []) {
          const id = p.TransitGatewayAttachmentId!;
          if (seen.has(id)) continue;
          const other = hubs.find((x) => x !== hb && [p.RequesterTgwInfo?.TransitGatewayId, p.AccepterTgwInfo?.TransitGatewayId].includes(x.tgwId));
          // A peering is kept while both of its gateways still carry VPCs of another mesh.
          if (!other || (!goes(hb) && !goes(other))) continue;
          seen.add(id);
          await book.write(hb.side, new DeleteTransitGatewayPeeringAttachmentCommand({ TransitGatewayAttachmentId: id }));
          removed.peerings++;
          waits.push(() => waitState(id, attState(book, hb.side, id), ["deleted"], timeoutMs, fast).then(() => undefined));
        }
      }
      if (!dryRun) for (const w of waits) await w();
      if (!removed.peerings) h.unchanged("none to delete");
      else h.detail(`${removed.peerings} ${dryRun ? "to delete" : "deleted"}`);
    });

    await progress.step("Delete the gateways mesh made", async (h) => {
      for (const hb of hubs) {
        if (!goes(hb)) {
          if (JSON.stringify(hb.manifest) !== hb.manifestBefore) await writeManifest(book, hb);
          continue;
        }
        await book.write(hb.side, new DeleteTransitGatewayCommand({ TransitGatewayId: hb.tgwId }));
        removed.gateways++;
        if (!dryRun) await waitState(hb.tgwId, tgwState(book, hb.side, hb.tgwId), ["deleted"], timeoutMs, fast);
      }
      if (!removed.gateways) h.unchanged("none (kept: not made by mesh, or still carrying other VPCs)");
      else h.detail(`${removed.gateways} ${dryRun ? "to delete" : "deleted"}`);
    });

    const mutations = book.mutations;
    progress.line();
    if (dryRun) {
      progress.dryRunPlan(mutations.map(formatCall), "Dry run: nothing to undo.");
    }
    progress.table(["removed", "count"], Object.entries(removed).map(([k, n]) => [k, String(n)]));
    progress.line(dryRun ? "Dry run: nothing was changed." : mutations.length ? `${mutations.length} change(s) made.` : "Nothing to undo.");
    return { dryRun, changed: mutations.length > 0, removed, calls: mutations.map(formatCall), steps: progress.stepReport() };
  } finally {
    clients.destroy();
  }
}

