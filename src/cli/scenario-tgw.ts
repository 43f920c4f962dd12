/**
 * Scenario files' explicit transit gateways (`transit_gateways`, `tgw_attachments`, `tgw_route_tables`):
 * `up` creates what is missing, idempotently; `down` removes exactly what the file declares.
 *
 * Order on `up` (after VPCs and subnets, before VPC route tables, since a VPC route may name a gateway
 * the VPC is attached to): gateways (waited for `available`), VPC attachments, peering attachments
 * (requested from `transit_gateway`, accepted in the peer's region, waited for `available`), route
 * tables, associations, propagations, static and blackhole routes. `down` goes the other way round:
 * routes, propagations, associations, tables, attachments, gateways, each waited for `deleted`.
 *
 * Fidelity notes:
 * - Gateways are created with DefaultRouteTableAssociation and DefaultRouteTablePropagation disabled, so
 *   a file's tables are the only ones (no hidden default table routing behind the file's back).
 * - One account per file (the credentials'): a peering attachment is accepted with the same credentials
 *   in the peer's region. Cross-account scenarios are not modelled by scenario files.
 * - A route already in a table toward another target is a conflict: `up` stops and says so.
 * - Found by Name + vpclab:scenario tags, like every other resource of a scenario.
 */
import {
  AcceptTransitGatewayPeeringAttachmentCommand,
  AssociateTransitGatewayRouteTableCommand,
  CreateTransitGatewayCommand,
  CreateTransitGatewayPeeringAttachmentCommand,
  CreateTransitGatewayRouteCommand,
  CreateTransitGatewayRouteTableCommand,
  CreateTransitGatewayVpcAttachmentCommand,
  DeleteTransitGatewayCommand,
  DeleteTransitGatewayPeeringAttachmentCommand,
  DeleteTransitGatewayRouteCommand,
  DeleteTransitGatewayRouteTableCommand,
  DeleteTransitGatewayVpcAttachmentCommand,
  DescribeTransitGatewayAttachmentsCommand,
  DescribeTransitGatewayRouteTablesCommand,
  DescribeTransitGatewaysCommand,
  DisableTransitGatewayRouteTablePropagationCommand,
  DisassociateTransitGatewayRouteTableCommand,
  EnableTransitGatewayRouteTablePropagationCommand,
  GetTransitGatewayRouteTableAssociationsCommand,
  GetTransitGatewayRouteTablePropagationsCommand,
  SearchTransitGatewayRoutesCommand,
  type Filter,
  type ResourceType,
  type TagSpecification,
} from "@aws-sdk/client-ec2";
import { errorCode, sleep, type CallBook, type Side } from "./ec2-calls.js";
import type { StepHandle, Progress } from "./progress.js";
import type { Scenario, TgwAttachmentDecl, VpcDecl } from "./scenario-file.js";

/** What this module needs of scenario-run's context (structural, to keep the import graph acyclic). */
export interface TgwCtx {
  readonly scn: Scenario;
  readonly book: CallBook;
  readonly ids: Map<string, string>;
  readonly fast: boolean;
  readonly timeoutMs: number;
  side(region: string): Side;
  vpc(name: string): VpcDecl;
  spec(type: ResourceType, name: string): TagSpecification[];
  ownFilters(name: string): Filter[];
  planned(name: string): string;
  isPlanned(id: string | undefined): boolean;
  row(r: { kind: string; name: string; region: string; id: string; result: "created" | "kept" | "used" | "planned" | "deleted" | "absent"; detail?: string }, h?: StepHandle): void;
}

type Result = "created" | "kept" | "planned" | "deleted" | "absent";
const LIVE_TGW = ["pending", "available", "modifying"];
const LIVE_ATT = ["initiatingRequest", "pendingAcceptance", "pending", "available", "modifying"];

export class TgwApplyError extends Error {
  override readonly name = "ScenarioConflict";
}

const tgwRegion = (ctx: TgwCtx, name: string) => ctx.scn.transitGateways.find((t) => t.name === name)!.region;

async function findTgw(ctx: TgwCtx, name: string) {
  const out = await ctx.book.read(ctx.side(tgwRegion(ctx, name)), new DescribeTransitGatewaysCommand({ Filters: [...ctx.ownFilters(name), { Name: "state", Values: LIVE_TGW }] }));
  return out.TransitGateways?.[0];
}

async function findAttachment(ctx: TgwCtx, a: TgwAttachmentDecl) {
  const out = await ctx.book.read(ctx.side(tgwRegion(ctx, a.transitGateway)), new DescribeTransitGatewayAttachmentsCommand({ Filters: [...ctx.ownFilters(a.name), { Name: "state", Values: LIVE_ATT }] }));
  return out.TransitGatewayAttachments?.[0];
}

async function findTable(ctx: TgwCtx, name: string, tgw: string) {
  const out = await ctx.book.read(ctx.side(tgwRegion(ctx, tgw)), new DescribeTransitGatewayRouteTablesCommand({ Filters: [...ctx.ownFilters(name), { Name: "state", Values: ["pending", "available"] }] }));
  return out.TransitGatewayRouteTables?.[0];
}

async function waitFor(ctx: TgwCtx, what: string, probe: () => Promise<string | undefined>, want: string[]): Promise<string> {
  const deadline = Date.now() + ctx.timeoutMs;
  for (;;) {
    const s = (await probe()) ?? "deleted";
    if (want.includes(s)) return s;
    if (["failed", "rejected", "failing"].includes(s)) throw new TgwApplyError(`${what} is ${s}`);
    if (Date.now() > deadline) throw new TgwApplyError(`${what} did not become ${want.join("/")} in time (last: ${s})`);
    await sleep(ctx.fast ? 50 : 5000);
  }
}

const tgwState = (ctx: TgwCtx, region: string, id: string) => async () => {
  try {
    return (await ctx.book.read(ctx.side(region), new DescribeTransitGatewaysCommand({ TransitGatewayIds: [id] }))).TransitGateways?.[0]?.State;
  } catch (err) {
    if (/NotFound/.test(errorCode(err))) return "deleted";
    throw err;
  }
};
const attState = (ctx: TgwCtx, region: string, id: string) => async () => {
  try {
    return (await ctx.book.read(ctx.side(region), new DescribeTransitGatewayAttachmentsCommand({ TransitGatewayAttachmentIds: [id] }))).TransitGatewayAttachments?.[0]?.State;
  } catch (err) {
    if (/NotFound/.test(errorCode(err))) return "deleted";
    throw err;
  }
};
const tableState = (ctx: TgwCtx, region: string, id: string) => async () => {
  try {
    return (await ctx.book.read(ctx.side(region), new DescribeTransitGatewayRouteTablesCommand({ TransitGatewayRouteTableIds: [id] }))).TransitGatewayRouteTables?.[0]?.State;
  } catch (err) {
    if (/NotFound/.test(errorCode(err))) return "deleted";
    throw err;
  }
};

function summarize(h: StepHandle, results: Result[], verb: string): void {
  const n = (k: Result) => results.filter((r) => r === k).length;
  const parts = [n("created") && `${n("created")} created`, n("planned") && `${n("planned")} to ${verb}`, n("deleted") && `${n("deleted")} deleted`, n("kept") && `${n("kept")} already there`, n("absent") && `${n("absent")} not there`].filter(Boolean) as string[];
  if (n("created") + n("planned") + n("deleted") === 0) h.unchanged(parts.join(", ") || "nothing declared");
  else h.detail(parts.join(", "));
}

// ---------------------------------------------------------------------------------------------- up

export async function applyTgws(ctx: TgwCtx, progress: Progress): Promise<void> {
  const { scn, book } = ctx;
  if (!scn.transitGateways.length) return;
  await progress.step("Transit gateways, attachments, route tables and routes", async (h) => {
    const results: Result[] = [];
    const push = (kind: string, name: string, region: string, id: string, result: Result, detail?: string) => {
      results.push(result);
      ctx.row({ kind, name, region, id, result, ...(detail ? { detail } : {}) }, h);
    };
    for (const t of scn.transitGateways) {
      const side = ctx.side(t.region);
      let id = (await findTgw(ctx, t.name))?.TransitGatewayId;
      let result: Result = "kept";
      if (!id) {
        const out = await book.write(
          side,
          new CreateTransitGatewayCommand({
            Description: `vpclab scenario ${scn.scenario}: ${t.name}`,
            Options: { ...(t.asn !== undefined ? { AmazonSideAsn: t.asn } : {}), DefaultRouteTableAssociation: "disable", DefaultRouteTablePropagation: "disable" },
            TagSpecifications: ctx.spec("transit-gateway", t.name),
          }),
        );
        id = out?.TransitGateway?.TransitGatewayId ?? ctx.planned(t.name);
        result = out ? "created" : "planned";
      }
      if (!ctx.isPlanned(id)) await waitFor(ctx, id, tgwState(ctx, t.region, id), ["available"]);
      ctx.ids.set(t.name, id);
      push("transit-gateway", t.name, t.region, id, result);
    }
    // VPC attachments first, then peerings (requested, accepted in the peer's region, available).
    for (const a of [...scn.tgwAttachments].sort((x, y) => Number(Boolean(x.peer)) - Number(Boolean(y.peer)))) {
      const region = tgwRegion(ctx, a.transitGateway);
      const side = ctx.side(region);
      const tgwId = ctx.ids.get(a.transitGateway)!;
      const found = ctx.isPlanned(tgwId) ? undefined : await findAttachment(ctx, a);
      let id = found?.TransitGatewayAttachmentId;
      let result: Result = "kept";
      if (a.vpc) {
        if (!id) {
          const out = await book.write(side, new CreateTransitGatewayVpcAttachmentCommand({ TransitGatewayId: tgwId, VpcId: ctx.ids.get(a.vpc)!, SubnetIds: a.subnets.map((s) => ctx.ids.get(s) ?? ctx.planned(s)), TagSpecifications: ctx.spec("transit-gateway-attachment", a.name) }));
          id = out?.TransitGatewayVpcAttachment?.TransitGatewayAttachmentId ?? ctx.planned(a.name);
          result = out ? "created" : "planned";
        }
        if (!ctx.isPlanned(id)) await waitFor(ctx, id, attState(ctx, region, id), ["available"]);
        ctx.ids.set(a.name, id);
        push("tgw-attachment", a.name, region, id, result, `${a.vpc} → ${a.transitGateway}`);
        continue;
      }
      const peerRegion = tgwRegion(ctx, a.peer!);
      const peerSide = ctx.side(peerRegion);
      if (!id) {
        const out = await book.write(
          side,
          new CreateTransitGatewayPeeringAttachmentCommand({ TransitGatewayId: tgwId, PeerTransitGatewayId: ctx.ids.get(a.peer!)!, PeerRegion: peerRegion, PeerAccountId: await accountOf(ctx, region, tgwId), TagSpecifications: ctx.spec("transit-gateway-attachment", a.name) }),
        );
        id = out?.TransitGatewayPeeringAttachment?.TransitGatewayAttachmentId ?? ctx.planned(a.name);
        result = out ? "created" : "planned";
      }
      if (!ctx.isPlanned(id)) {
        const seen = await waitFor(ctx, id, attState(ctx, peerRegion, id), ["pendingAcceptance", "pending", "available"]);
        if (seen === "pendingAcceptance") {
          await book.write(peerSide, new AcceptTransitGatewayPeeringAttachmentCommand({ TransitGatewayAttachmentId: id }));
          if (result === "kept") result = "created";
        }
        if (!book.dryRun) await waitFor(ctx, id, attState(ctx, region, id), ["available"]);
      } else await book.write(peerSide, new AcceptTransitGatewayPeeringAttachmentCommand({ TransitGatewayAttachmentId: id }));
      ctx.ids.set(a.name, id);
      push("tgw-peering", a.name, `${region}→${peerRegion}`, id, result, `${a.transitGateway} ↔ ${a.peer}`);
    }
    for (const t of scn.tgwRouteTables) {
      const region = tgwRegion(ctx, t.transitGateway);
      const side = ctx.side(region);
      const tgwId = ctx.ids.get(t.transitGateway)!;
      const found = ctx.isPlanned(tgwId) ? undefined : await findTable(ctx, t.name, t.transitGateway);
      let id = found?.TransitGatewayRouteTableId;
      let result: Result = "kept";
      if (!id) {
        const out = await book.write(side, new CreateTransitGatewayRouteTableCommand({ TransitGatewayId: tgwId, TagSpecifications: ctx.spec("transit-gateway-route-table", t.name) }));
        id = out?.TransitGatewayRouteTable?.TransitGatewayRouteTableId ?? ctx.planned(t.name);
        result = out ? "created" : "planned";
      }
      if (!ctx.isPlanned(id)) await waitFor(ctx, id, tableState(ctx, region, id), ["available"]);
      ctx.ids.set(t.name, id);
      push("tgw-route-table", t.name, region, id, result);
      const live = !ctx.isPlanned(id);
      const assocs = live ? ((await book.read(side, new GetTransitGatewayRouteTableAssociationsCommand({ TransitGatewayRouteTableId: id }))).Associations ?? []) : [];
      const props = live ? ((await book.read(side, new GetTransitGatewayRouteTablePropagationsCommand({ TransitGatewayRouteTableId: id }))).TransitGatewayRouteTablePropagations ?? []) : [];
      for (const name of t.associations) {
        const att = ctx.ids.get(name)!;
        if (assocs.some((x) => x.TransitGatewayAttachmentId === att && x.State !== "disassociated" && x.State !== "disassociating")) {
          push("tgw-association", `${name} → ${t.name}`, region, att, "kept");
          continue;
        }
        const out = await book.write(side, new AssociateTransitGatewayRouteTableCommand({ TransitGatewayRouteTableId: id, TransitGatewayAttachmentId: att }));
        push("tgw-association", `${name} → ${t.name}`, region, att, out ? "created" : "planned");
      }
      for (const name of t.propagations) {
        const att = ctx.ids.get(name)!;
        if (props.some((x) => x.TransitGatewayAttachmentId === att && x.State !== "disabled" && x.State !== "disabling")) {
          push("tgw-propagation", `${name} → ${t.name}`, region, att, "kept");
          continue;
        }
        const out = await book.write(side, new EnableTransitGatewayRouteTablePropagationCommand({ TransitGatewayRouteTableId: id, TransitGatewayAttachmentId: att }));
        push("tgw-propagation", `${name} → ${t.name}`, region, att, out ? "created" : "planned");
      }
      for (const r of t.routes) {
        const label = `${t.name}: ${r.destination} → ${r.to}`;
        const blackhole = r.to === "blackhole";
        const att = blackhole ? undefined : ctx.ids.get(r.to)!;
        if (live) {
          const existing = ((await book.read(side, new SearchTransitGatewayRoutesCommand({ TransitGatewayRouteTableId: id, Filters: [{ Name: "route-search.exact-match", Values: [r.destination] }, { Name: "type", Values: ["static"] }] }))).Routes ?? []).find((x) => x.DestinationCidrBlock === r.destination);
          if (existing) {
            const same = blackhole ? existing.State === "blackhole" && !existing.TransitGatewayAttachments?.length : existing.TransitGatewayAttachments?.some((x) => x.TransitGatewayAttachmentId === att);
            if (!same) throw new TgwApplyError(`${id} (${t.name}) already has a static route for ${r.destination} to ${existing.TransitGatewayAttachments?.[0]?.TransitGatewayAttachmentId ?? existing.State}, not ${r.to}; delete that route or fix the file`);
            push("tgw-route", label, region, id, "kept");
            continue;
          }
        }
        const out = await book.write(side, new CreateTransitGatewayRouteCommand({ TransitGatewayRouteTableId: id, DestinationCidrBlock: r.destination, ...(blackhole ? { Blackhole: true } : { TransitGatewayAttachmentId: att }) }));
        push("tgw-route", label, region, id, out ? "created" : "planned");
      }
    }
    summarize(h, results, "create");
  });
}

async function accountOf(ctx: TgwCtx, region: string, tgwId: string): Promise<string | undefined> {
  if (ctx.isPlanned(tgwId)) return undefined;
  return (await ctx.book.read(ctx.side(region), new DescribeTransitGatewaysCommand({ TransitGatewayIds: [tgwId] }))).TransitGateways?.[0]?.OwnerId;
}

// -------------------------------------------------------------------------------------------- down

/** Reads what exists (so VPC routes naming a gateway resolve to its id before they are removed). */
export async function findTgws(ctx: TgwCtx): Promise<void> {
  for (const t of ctx.scn.transitGateways) {
    const id = (await findTgw(ctx, t.name))?.TransitGatewayId;
    if (id) ctx.ids.set(t.name, id);
  }
}

export async function removeTgws(ctx: TgwCtx, progress: Progress): Promise<void> {
  const { scn, book } = ctx;
  if (!scn.transitGateways.length) return;
  const gone: Result = book.dryRun ? "planned" : "deleted";
  await progress.step("Remove transit gateway routes, route tables, attachments and gateways", async (h) => {
    const results: Result[] = [];
    const push = (kind: string, name: string, region: string, id: string, result: Result) => {
      results.push(result);
      ctx.row({ kind, name, region, id, result }, h);
    };
    for (const t of [...scn.tgwRouteTables].reverse()) {
      const region = tgwRegion(ctx, t.transitGateway);
      const side = ctx.side(region);
      const table = ctx.ids.has(t.transitGateway) ? await findTable(ctx, t.name, t.transitGateway) : undefined;
      if (!table) {
        push("tgw-route-table", t.name, region, "", "absent");
        continue;
      }
      const id = table.TransitGatewayRouteTableId!;
      const statics = (await book.read(side, new SearchTransitGatewayRoutesCommand({ TransitGatewayRouteTableId: id, Filters: [{ Name: "type", Values: ["static"] }] }))).Routes ?? [];
      for (const r of t.routes) {
        if (!statics.some((x) => x.DestinationCidrBlock === r.destination)) continue;
        await book.write(side, new DeleteTransitGatewayRouteCommand({ TransitGatewayRouteTableId: id, DestinationCidrBlock: r.destination }));
        push("tgw-route", `${t.name}: ${r.destination}`, region, id, gone);
      }
      for (const p of (await book.read(side, new GetTransitGatewayRouteTablePropagationsCommand({ TransitGatewayRouteTableId: id }))).TransitGatewayRouteTablePropagations ?? []) {
        if (p.State !== "enabled") continue;
        await book.write(side, new DisableTransitGatewayRouteTablePropagationCommand({ TransitGatewayRouteTableId: id, TransitGatewayAttachmentId: p.TransitGatewayAttachmentId! }));
      }
      const assocs = (await book.read(side, new GetTransitGatewayRouteTableAssociationsCommand({ TransitGatewayRouteTableId: id }))).Associations ?? [];
      for (const a of assocs) {
        if (a.State !== "associated" && a.State !== "associating") continue;
        await book.write(side, new DisassociateTransitGatewayRouteTableCommand({ TransitGatewayRouteTableId: id, TransitGatewayAttachmentId: a.TransitGatewayAttachmentId! }));
      }
      if (!book.dryRun) {
        const deadline = Date.now() + ctx.timeoutMs;
        while (((await book.read(side, new GetTransitGatewayRouteTableAssociationsCommand({ TransitGatewayRouteTableId: id }))).Associations ?? []).some((a) => a.State === "associated" || a.State === "disassociating")) {
          if (Date.now() > deadline) throw new TgwApplyError(`${id}: associations still there`);
          await sleep(ctx.fast ? 50 : 5000);
        }
      }
      await book.write(side, new DeleteTransitGatewayRouteTableCommand({ TransitGatewayRouteTableId: id }));
      if (!book.dryRun) await waitFor(ctx, id, tableState(ctx, region, id), ["deleted"]);
      push("tgw-route-table", t.name, region, id, gone);
    }
    for (const a of [...scn.tgwAttachments].reverse()) {
      const region = tgwRegion(ctx, a.transitGateway);
      const found = ctx.ids.has(a.transitGateway) ? await findAttachment(ctx, a) : undefined;
      if (!found) {
        push(a.peer ? "tgw-peering" : "tgw-attachment", a.name, region, "", "absent");
        continue;
      }
      const id = found.TransitGatewayAttachmentId!;
      await book.write(ctx.side(region), a.peer ? new DeleteTransitGatewayPeeringAttachmentCommand({ TransitGatewayAttachmentId: id }) : new DeleteTransitGatewayVpcAttachmentCommand({ TransitGatewayAttachmentId: id }));
      if (!book.dryRun) await waitFor(ctx, id, attState(ctx, region, id), ["deleted"]);
      push(a.peer ? "tgw-peering" : "tgw-attachment", a.name, region, id, gone);
    }
    for (const t of [...scn.transitGateways].reverse()) {
      const id = ctx.ids.get(t.name);
      if (!id) {
        push("transit-gateway", t.name, t.region, "", "absent");
        continue;
      }
      await book.write(ctx.side(t.region), new DeleteTransitGatewayCommand({ TransitGatewayId: id }));
      if (!book.dryRun) await waitFor(ctx, id, tgwState(ctx, t.region, id), ["deleted"]);
      push("transit-gateway", t.name, t.region, id, gone);
    }
    summarize(h, results, "delete");
  });
}
