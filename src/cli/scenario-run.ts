/**
 * `vpclab up <file>` and `vpclab down <file>`: apply a validated scenario (scenario-file.ts) through the
 * public EC2 API, or remove it.
 *
 * Every resource `up` creates carries two tags: `Name=<name in the file>` and `vpclab:scenario=<scenario>`.
 * That is how a later run finds it again (so `up` is idempotent: a second run creates nothing and says
 * so) and how `down` knows what is its to delete, from a new process. Things `up` uses but does not own
 * (a default VPC, its default subnets, a VPC's main route table) are never deleted: `down` removes only
 * the routes, rules and explicit associations the file declares on them.
 *
 * Order: `up` goes VPCs → subnets → internet gateways → peerings (request, accept, wait active) → route
 * tables, routes, associations → security groups and rules → instances (wait running); `down` goes the
 * other way, waiting for instances to terminate before deleting their groups.
 *
 * AWS references: EC2 API CreateVpc/CreateSubnet/CreateInternetGateway/AttachInternetGateway/
 * CreateVpcPeeringConnection/AcceptVpcPeeringConnection/CreateRouteTable/CreateRoute/AssociateRouteTable/
 * CreateSecurityGroup/AuthorizeSecurityGroupIngress/RunInstances and their Delete/Terminate counterparts;
 * DescribeImages to find Amazon Linux 2023 in each region (AMI ids differ per region).
 *
 * Fidelity notes: if a route's destination already routes elsewhere, or a subnet is explicitly
 * associated with another table, `up` stops with an error rather than replace someone else's setting.
 */
import {
  AcceptVpcPeeringConnectionCommand,
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateInternetGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DeleteInternetGatewayCommand,
  DeleteRouteCommand,
  DeleteRouteTableCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DeleteVpcPeeringConnectionCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  DetachInternetGatewayCommand,
  DisassociateRouteTableCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type CreateRouteRequest,
  type Filter,
  type Instance,
  type IpPermission,
  type ResourceType,
  type RouteTable,
  type Tag,
} from "@aws-sdk/client-ec2";
import { resolveTarget, type GlobalOptions, type Target } from "./common.js";
import { CallBook, Clients, errorCode, formatCall, sleep, type Credentials, type Side } from "./ec2-calls.js";
import { Progress, confirm, type StepHandle } from "./progress.js";
import { runMesh, runUnmesh, type MeshReport, type UnmeshReport } from "./mesh.js";
import { applyTgws, findTgws, removeTgws } from "./scenario-tgw.js";
import { loadScenario, type RouteTableDecl, type Scenario, type VpcDecl } from "./scenario-file.js";

export interface ScenarioOptions extends GlobalOptions {
  profile?: string;
  accountKey?: string;
  dryRun?: boolean;
  yes?: boolean;
  timeout?: number;
}

export interface ResourceRow {
  kind: string;
  name: string;
  region: string;
  id: string;
  result: "created" | "kept" | "used" | "deleted" | "absent" | "planned";
  detail?: string;
  privateIp?: string;
}

export interface ScenarioReport {
  scenario: string;
  file: string;
  dryRun: boolean;
  changed: boolean;
  resources: ResourceRow[];
  /** what `mesh:` did (the same report as `vpclab mesh --json` / `vpclab unmesh --json`) */
  mesh?: MeshReport | UnmeshReport | { skipped: string };
  calls: string[];
  steps: { title: string; status: string; detail: string }[];
}

/** A failure applying a valid file to the account's current state. */
export class ApplyError extends Error {
  override readonly name = "ScenarioConflict";
}

const SCN_TAG = "vpclab:scenario";
const LIVE_PCX = ["initiating-request", "pending-acceptance", "provisioning", "active"];

class Ctx {
  readonly ids = new Map<string, string>();
  readonly rows: ResourceRow[] = [];
  private readonly sides = new Map<string, Side>();
  private readonly images = new Map<string, string>();
  /** How a dry run words a planned change in its notes. */
  planVerb = "would create";
  constructor(
    readonly scn: Scenario,
    readonly book: CallBook,
    readonly clients: Clients,
    readonly creds: Credentials,
    readonly fast: boolean,
    readonly timeoutMs: number,
  ) {}

  side(region: string): Side {
    let s = this.sides.get(region);
    if (!s) {
      s = { label: region, region, client: this.clients.get(region, this.creds) };
      this.sides.set(region, s);
    }
    return s;
  }

  vpc(name: string): VpcDecl {
    return this.scn.vpcs.find((v) => v.name === name)!;
  }

  tags(name: string): Tag[] {
    return [
      { Key: "Name", Value: name },
      { Key: SCN_TAG, Value: this.scn.scenario },
    ];
  }

  spec(type: ResourceType, name: string) {
    return [{ ResourceType: type, Tags: this.tags(name) }];
  }

  ownFilters(name: string): Filter[] {
    return [
      { Name: "tag:Name", Values: [name] },
      { Name: `tag:${SCN_TAG}`, Values: [this.scn.scenario] },
    ];
  }

  /** A placeholder id for a resource a dry run would create. */
  planned(name: string): string {
    return `(new ${name})`;
  }

  isPlanned(id: string | undefined): boolean {
    return !id || id.startsWith("(");
  }

  row(r: ResourceRow, h?: StepHandle): void {
    this.rows.push(r);
    if (h && r.result !== "kept" && r.result !== "used") h.note(`${r.result === "planned" ? this.planVerb : r.result} ${r.kind} ${r.name}${r.id && !this.isPlanned(r.id) ? ` ${r.id}` : ""} (${r.region})`);
  }

  async amazonLinux(region: string): Promise<string> {
    let id = this.images.get(region);
    if (!id) {
      const out = await this.book.read(
        this.side(region),
        new DescribeImagesCommand({
          Owners: ["amazon"],
          Filters: [
            { Name: "name", Values: ["al2023-ami-2023.*-x86_64"] },
            { Name: "state", Values: ["available"] },
          ],
        }),
      );
      const newest = (out.Images ?? []).sort((a, b) => (b.CreationDate ?? "").localeCompare(a.CreationDate ?? ""))[0];
      if (!newest?.ImageId) throw new ApplyError(`no Amazon Linux 2023 image found in ${region}; give an \`image: ami-…\` for the instances there`);
      id = newest.ImageId;
      this.images.set(region, id);
    }
    return id;
  }
}

function summarize(h: StepHandle, rows: ResourceRow[], verb: string): void {
  const n = (k: ResourceRow["result"]) => rows.filter((r) => r.result === k).length;
  const changed = n("created") + n("deleted") + n("planned");
  const parts = [
    n("created") ? `${n("created")} created` : "",
    n("planned") ? `${n("planned")} to ${verb}` : "",
    n("deleted") ? `${n("deleted")} deleted` : "",
    n("kept") ? `${n("kept")} already there` : "",
    n("used") ? `${n("used")} used as is` : "",
    n("absent") ? `${n("absent")} not there` : "",
  ].filter(Boolean);
  if (changed === 0) h.unchanged(parts.join(", ") || "nothing declared");
  else h.detail(parts.join(", "));
}

// ------------------------------------------------------------------------------------------ finding

async function findVpc(ctx: Ctx, v: VpcDecl): Promise<string | undefined> {
  const side = ctx.side(v.region);
  const out = await ctx.book.read(
    side,
    new DescribeVpcsCommand({ Filters: v.isDefault ? [{ Name: "is-default", Values: ["true"] }] : ctx.ownFilters(v.name) }),
  );
  const found = out.Vpcs ?? [];
  if (v.isDefault && found.length === 0) throw new ApplyError(`${v.name}: ${v.region} has no default VPC in this account`);
  if (found.length > 1) throw new ApplyError(`${v.name}: ${found.length} VPCs in ${v.region} carry this scenario's tags (${found.map((x) => x.VpcId).join(", ")})`);
  const vpc = found[0];
  if (vpc && !v.isDefault && vpc.CidrBlock !== v.cidr) {
    throw new ApplyError(`${v.name}: ${vpc.VpcId} exists with CIDR ${vpc.CidrBlock}, but the file says ${v.cidr}; run \`vpclab down\` first or fix the file`);
  }
  return vpc?.VpcId;
}

async function findSubnet(ctx: Ctx, region: string, vpcId: string | undefined, name: string): Promise<string | undefined> {
  if (ctx.isPlanned(vpcId)) return undefined;
  const out = await ctx.book.read(ctx.side(region), new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId!] }, ...ctx.ownFilters(name)] }));
  return out.Subnets?.[0]?.SubnetId;
}

async function defaultSubnet(ctx: Ctx, v: VpcDecl, zone: string): Promise<string> {
  const vpcId = ctx.ids.get(v.name)!;
  const out = await ctx.book.read(
    ctx.side(v.region),
    new DescribeSubnetsCommand({
      Filters: [
        { Name: "vpc-id", Values: [vpcId] },
        { Name: "availability-zone", Values: [v.region + zone] },
        { Name: "default-for-az", Values: ["true"] },
      ],
    }),
  );
  const id = out.Subnets?.[0]?.SubnetId;
  if (!id) throw new ApplyError(`${v.name}: no default subnet in ${v.region}${zone}`);
  return id;
}

async function findIgw(ctx: Ctx, region: string, name: string) {
  const out = await ctx.book.read(ctx.side(region), new DescribeInternetGatewaysCommand({ Filters: ctx.ownFilters(name) }));
  return out.InternetGateways?.[0];
}

async function findPeering(ctx: Ctx, region: string, name: string) {
  const out = await ctx.book.read(
    ctx.side(region),
    new DescribeVpcPeeringConnectionsCommand({ Filters: [...ctx.ownFilters(name), { Name: "status-code", Values: LIVE_PCX }] }),
  );
  return out.VpcPeeringConnections?.[0];
}

async function describeRouteTables(ctx: Ctx, region: string, vpcId: string | undefined): Promise<RouteTable[]> {
  if (ctx.isPlanned(vpcId)) return [];
  const out = await ctx.book.read(ctx.side(region), new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId!] }] }));
  return out.RouteTables ?? [];
}

function tableOf(ctx: Ctx, tables: RouteTable[], t: RouteTableDecl): RouteTable | undefined {
  if (t.main) return tables.find((x) => x.Associations?.some((a) => a.Main));
  return tables.find(
    (x) => x.Tags?.some((g) => g.Key === "Name" && g.Value === t.name) && x.Tags?.some((g) => g.Key === SCN_TAG && g.Value === ctx.scn.scenario),
  );
}

async function findGroup(ctx: Ctx, region: string, vpcId: string | undefined, name: string) {
  if (ctx.isPlanned(vpcId)) return undefined;
  const out = await ctx.book.read(
    ctx.side(region),
    new DescribeSecurityGroupsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId!] }, { Name: "group-name", Values: [name] }] }),
  );
  return out.SecurityGroups?.[0];
}

async function findInstances(ctx: Ctx, region: string, name: string, states: string[]): Promise<Instance[]> {
  const out = await ctx.book.read(
    ctx.side(region),
    new DescribeInstancesCommand({ Filters: [...ctx.ownFilters(name), { Name: "instance-state-name", Values: states }] }),
  );
  return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []);
}

/** Route target text → the CreateRoute parameter naming it. */
async function routeTarget(ctx: Ctx, t: RouteTableDecl, to: string): Promise<{ param: Partial<CreateRouteRequest>; id: string }> {
  let id: string | undefined;
  if (/^[a-z]+-[0-9a-f]+$/.test(to)) id = to;
  else if (ctx.scn.peerings.some((p) => p.name === to)) id = ctx.ids.get(to);
  else if (ctx.scn.internetGateways.some((g) => g.name === to)) id = ctx.ids.get(to);
  else if (ctx.scn.transitGateways.some((g) => g.name === to)) id = ctx.ids.get(to) ?? ctx.planned(to);
  else if (ctx.scn.vpcs.some((v) => v.name === to)) {
    const p = ctx.scn.peerings.find((p) => (p.from === t.vpc && p.to === to) || (p.to === t.vpc && p.from === to))!;
    id = ctx.ids.get(p.name);
  } else if (to === "default-igw") {
    const v = ctx.vpc(t.vpc);
    const out = await ctx.book.read(
      ctx.side(v.region),
      new DescribeInternetGatewaysCommand({ Filters: [{ Name: "attachment.vpc-id", Values: [ctx.ids.get(t.vpc)!] }] }),
    );
    id = out.InternetGateways?.[0]?.InternetGatewayId;
  }
  id ??= ctx.planned(to);
  const kind = /^\((new )?/.test(id) ? ctx.scn.transitGateways.some((g) => g.name === to) ? "tgw" : (ctx.scn.peerings.some((p) => p.name === to) || ctx.scn.vpcs.some((v) => v.name === to) ? "pcx" : "igw") : id.split("-")[0];
  const param: Partial<CreateRouteRequest> =
    kind === "pcx"
      ? { VpcPeeringConnectionId: id }
      : kind === "nat"
        ? { NatGatewayId: id }
        : kind === "tgw"
          ? { TransitGatewayId: id }
          : kind === "eni"
            ? { NetworkInterfaceId: id }
            : kind === "eigw"
              ? { EgressOnlyInternetGatewayId: id }
              : { GatewayId: id };
  return { param, id };
}

function routeTargetId(r: NonNullable<RouteTable["Routes"]>[number]): string | undefined {
  return r.VpcPeeringConnectionId ?? r.GatewayId ?? r.NatGatewayId ?? r.TransitGatewayId ?? r.NetworkInterfaceId ?? r.EgressOnlyInternetGatewayId ?? r.InstanceId;
}

function sourceCidrs(ctx: Ctx, source: string): string[] {
  const v = ctx.scn.vpcs.find((x) => x.name === source);
  return v ? [v.cidr!] : [source];
}

function covers(perms: IpPermission[], protocol: string, from: number, to: number, cidr: string): boolean {
  return perms.some(
    (p) =>
      (p.IpProtocol ?? "").toLowerCase() === protocol &&
      (protocol === "-1" || ((p.FromPort ?? -1) === from && (p.ToPort ?? -1) === to)) &&
      (p.IpRanges ?? []).some((r) => r.CidrIp === cidr),
  );
}

async function subnetIdsFor(ctx: Ctx, t: RouteTableDecl): Promise<string[]> {
  const v = ctx.vpc(t.vpc);
  if (t.subnets === "all") {
    const vpcId = ctx.ids.get(t.vpc);
    if (v.isDefault) {
      const out = await ctx.book.read(ctx.side(v.region), new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId!] }] }));
      return (out.Subnets ?? []).map((s) => s.SubnetId!);
    }
    return v.subnets.map((s) => ctx.ids.get(s.name)!);
  }
  return t.subnets.map((s) => ctx.ids.get(s)!);
}

// ------------------------------------------------------------------------------------------------ up

export async function applyScenario(scn: Scenario, ctx: Ctx, progress: Progress): Promise<void> {
  const { book } = ctx;
  await progress.step("VPCs", async (h) => {
    const rows: ResourceRow[] = [];
    for (const v of scn.vpcs) {
      const side = ctx.side(v.region);
      let id = await findVpc(ctx, v);
      let result: ResourceRow["result"] = v.isDefault ? "used" : "kept";
      if (!id) {
        const out = await book.write(side, new CreateVpcCommand({ CidrBlock: v.cidr!, TagSpecifications: ctx.spec("vpc", v.name) }));
        id = out?.Vpc?.VpcId ?? ctx.planned(v.name);
        result = out ? "created" : "planned";
      }
      ctx.ids.set(v.name, id);
      rows.push({ kind: "vpc", name: v.name, region: v.region, id, result, detail: v.cidr });
    }
    rows.forEach((r) => ctx.row(r, h));
    summarize(h, rows, "create");
  });

  await progress.step("Subnets", async (h) => {
    const rows: ResourceRow[] = [];
    for (const v of scn.vpcs) {
      for (const s of v.subnets) {
        let id = await findSubnet(ctx, v.region, ctx.ids.get(v.name), s.name);
        let result: ResourceRow["result"] = "kept";
        if (!id) {
          const out = await book.write(
            ctx.side(v.region),
            new CreateSubnetCommand({ VpcId: ctx.ids.get(v.name)!, CidrBlock: s.cidr, AvailabilityZone: v.region + s.zone, TagSpecifications: ctx.spec("subnet", s.name) }),
          );
          id = out?.Subnet?.SubnetId ?? ctx.planned(s.name);
          result = out ? "created" : "planned";
        }
        ctx.ids.set(s.name, id);
        rows.push({ kind: "subnet", name: s.name, region: v.region, id, result, detail: `${s.cidr} ${v.region}${s.zone}` });
      }
    }
    rows.forEach((r) => ctx.row(r, h));
    summarize(h, rows, "create");
  });

  if (scn.internetGateways.length) {
    await progress.step("Internet gateways", async (h) => {
      const rows: ResourceRow[] = [];
      for (const g of scn.internetGateways) {
        const v = ctx.vpc(g.vpc);
        const side = ctx.side(v.region);
        const found = await findIgw(ctx, v.region, g.name);
        let id = found?.InternetGatewayId;
        let result: ResourceRow["result"] = "kept";
        if (!id) {
          const out = await book.write(side, new CreateInternetGatewayCommand({ TagSpecifications: ctx.spec("internet-gateway", g.name) }));
          id = out?.InternetGateway?.InternetGatewayId ?? ctx.planned(g.name);
          result = out ? "created" : "planned";
        }
        if (!found?.Attachments?.some((a) => a.VpcId === ctx.ids.get(v.name))) {
          await book.write(side, new AttachInternetGatewayCommand({ InternetGatewayId: id, VpcId: ctx.ids.get(v.name)! }));
          if (result === "kept") result = "created";
        }
        ctx.ids.set(g.name, id);
        rows.push({ kind: "internet-gateway", name: g.name, region: v.region, id, result });
      }
      rows.forEach((r) => ctx.row(r, h));
      summarize(h, rows, "create");
    });
  }

  if (scn.peerings.length) {
    await progress.step("Peering connections (request, accept, wait until active)", async (h) => {
      const rows: ResourceRow[] = [];
      for (const p of scn.peerings) {
        const a = ctx.vpc(p.from);
        const b = ctx.vpc(p.to);
        const sideA = ctx.side(a.region);
        const sideB = ctx.side(b.region);
        let pcx = await findPeering(ctx, a.region, p.name);
        let result: ResourceRow["result"] = "kept";
        if (!pcx) {
          const out = await book.write(
            sideA,
            new CreateVpcPeeringConnectionCommand({
              VpcId: ctx.ids.get(a.name)!,
              PeerVpcId: ctx.ids.get(b.name)!,
              ...(a.region !== b.region ? { PeerRegion: b.region } : {}),
              TagSpecifications: ctx.spec("vpc-peering-connection", p.name),
            }),
          );
          pcx = out?.VpcPeeringConnection;
          result = out ? "created" : "planned";
        }
        const id = pcx?.VpcPeeringConnectionId ?? ctx.planned(p.name);
        ctx.ids.set(p.name, id);
        if (pcx && pcx.Status?.Code !== "active") {
          const seen = await waitPeering(ctx, sideB, id, ["pending-acceptance", "active"]);
          if (seen === "pending-acceptance") {
            await book.write(sideB, new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
            result = "created";
          }
          if (!book.dryRun) await waitPeering(ctx, sideA, id, ["active"]);
        } else if (!pcx) {
          await book.write(sideB, new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
        }
        rows.push({ kind: "peering", name: p.name, region: `${a.region}→${b.region}`, id, result, detail: `${p.from} ↔ ${p.to}` });
      }
      rows.forEach((r) => ctx.row(r, h));
      summarize(h, rows, "create");
    });
  }

  // Transit gateways before VPC route tables: a VPC route may name a gateway the VPC is attached to.
  await applyTgws(ctx, progress);

  if (scn.routeTables.length) {
    await progress.step("Route tables, routes and subnet associations", async (h) => {
      const rows: ResourceRow[] = [];
      for (const t of scn.routeTables) {
        const v = ctx.vpc(t.vpc);
        const side = ctx.side(v.region);
        const vpcId = ctx.ids.get(t.vpc);
        const label = t.main ? `${t.vpc} (main)` : t.name!;
        const tables = await describeRouteTables(ctx, v.region, vpcId);
        const found = tableOf(ctx, tables, t);
        let id = found?.RouteTableId;
        if (!id && t.main && !ctx.isPlanned(vpcId)) throw new ApplyError(`${t.vpc} has no main route table`);
        if (!id && t.main) {
          // The VPC itself is only planned (dry run): AWS will make its main table with it.
          id = `(main table of ${t.vpc})`;
          rows.push({ kind: "route-table", name: label, region: v.region, id, result: "used" });
        } else if (!id) {
          const out = await book.write(side, new CreateRouteTableCommand({ VpcId: vpcId!, TagSpecifications: ctx.spec("route-table", t.name!) }));
          id = out?.RouteTable?.RouteTableId ?? ctx.planned(label);
          rows.push({ kind: "route-table", name: t.name!, region: v.region, id, result: out ? "created" : "planned" });
        } else {
          rows.push({ kind: "route-table", name: label, region: v.region, id, result: t.main ? "used" : "kept" });
        }
        if (t.name) ctx.ids.set(t.name, id);
        for (const r of t.routes) {
          const target = await routeTarget(ctx, t, r.to);
          const existing = found?.Routes?.find((x) => x.DestinationCidrBlock === r.destination);
          const name = `${label}: ${r.destination} → ${r.to}`;
          if (existing && routeTargetId(existing) === target.id) {
            rows.push({ kind: "route", name, region: v.region, id, result: "kept" });
            continue;
          }
          if (existing) {
            throw new ApplyError(
              `${id} already sends ${r.destination} to ${routeTargetId(existing)}, not ${target.id} (${r.to}); delete that route or fix the file`,
            );
          }
          const out = await book.write(side, new CreateRouteCommand({ RouteTableId: id, DestinationCidrBlock: r.destination, ...target.param }));
          rows.push({ kind: "route", name, region: v.region, id, result: out ? "created" : "planned" });
        }
        if (t.subnets === "all" || t.subnets.length) {
          const subnetIds = await subnetIdsFor(ctx, t);
          for (const sid of subnetIds) {
            const assoc = tables.flatMap((x) => (x.Associations ?? []).map((a) => ({ table: x.RouteTableId, a }))).find((e) => e.a.SubnetId === sid);
            const name = `${sid} → ${label}`;
            if (assoc?.table === id) {
              rows.push({ kind: "association", name, region: v.region, id: assoc.a.RouteTableAssociationId!, result: "kept" });
              continue;
            }
            if (assoc) throw new ApplyError(`subnet ${sid} is explicitly associated with ${assoc.table}; \`up\` will not move it to ${id}`);
            const out = await book.write(side, new AssociateRouteTableCommand({ RouteTableId: id, SubnetId: sid }));
            rows.push({ kind: "association", name, region: v.region, id: out?.AssociationId ?? ctx.planned("association"), result: out ? "created" : "planned" });
          }
        }
      }
      rows.forEach((r) => ctx.row(r, h));
      summarize(h, rows, "create");
    });
  }

  if (scn.securityGroups.length) {
    await progress.step("Security groups and rules", async (h) => {
      const rows: ResourceRow[] = [];
      for (const g of scn.securityGroups) {
        const v = ctx.vpc(g.vpc);
        const side = ctx.side(v.region);
        const found = await findGroup(ctx, v.region, ctx.ids.get(g.vpc), g.name);
        let id = found?.GroupId;
        if (!id) {
          const out = await book.write(
            side,
            new CreateSecurityGroupCommand({ GroupName: g.name, Description: g.description, VpcId: ctx.ids.get(g.vpc)!, TagSpecifications: ctx.spec("security-group", g.name) }),
          );
          id = out?.GroupId ?? ctx.planned(g.name);
          rows.push({ kind: "security-group", name: g.name, region: v.region, id, result: out ? "created" : "planned" });
        } else rows.push({ kind: "security-group", name: g.name, region: v.region, id, result: "kept" });
        ctx.ids.set(g.name, id);
        const missing: IpPermission[] = [];
        for (const r of g.ingress) {
          for (const cidr of sourceCidrs(ctx, r.source)) {
            const name = `${g.name}: ${r.protocol === "-1" ? "all" : r.protocol}${r.from >= 0 && r.protocol !== "icmp" ? `:${r.from}${r.to !== r.from ? `-${r.to}` : ""}` : ""} from ${cidr}`;
            if (covers(found?.IpPermissions ?? [], r.protocol, r.from, r.to, cidr)) {
              rows.push({ kind: "rule", name, region: v.region, id, result: "kept" });
              continue;
            }
            missing.push({ IpProtocol: r.protocol, ...(r.protocol === "-1" ? {} : { FromPort: r.from, ToPort: r.to }), IpRanges: [{ CidrIp: cidr }] });
            rows.push({ kind: "rule", name, region: v.region, id, result: book.dryRun ? "planned" : "created" });
          }
        }
        if (missing.length) await book.write(side, new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: missing }));
      }
      rows.forEach((r) => ctx.row(r, h));
      summarize(h, rows, "create");
    });
  }

  if (scn.instances.length) {
    await progress.step("Instances (launch, wait until running)", async (h) => {
      const rows: ResourceRow[] = [];
      const launched: { region: string; id: string; row: ResourceRow }[] = [];
      for (const i of scn.instances) {
        const v = ctx.vpc(i.vpc);
        const side = ctx.side(v.region);
        const found = (await findInstances(ctx, v.region, i.name, ["pending", "running"]))[0];
        if (found) {
          const row: ResourceRow = { kind: "instance", name: i.name, region: v.region, id: found.InstanceId!, result: "kept", privateIp: found.PrivateIpAddress };
          rows.push(row);
          launched.push({ region: v.region, id: found.InstanceId!, row });
          ctx.ids.set(i.name, found.InstanceId!);
          continue;
        }
        const subnetId = i.subnet ? ctx.ids.get(i.subnet)! : await defaultSubnet(ctx, v, i.zone!);
        const image = i.image ?? (await ctx.amazonLinux(v.region));
        const out = await book.write(
          side,
          new RunInstancesCommand({
            ImageId: image,
            InstanceType: i.type as never,
            MinCount: 1,
            MaxCount: 1,
            SubnetId: subnetId,
            SecurityGroupIds: i.securityGroups.map((g) => ctx.ids.get(g)!),
            TagSpecifications: ctx.spec("instance", i.name),
          }),
        );
        const inst = out?.Instances?.[0];
        const id = inst?.InstanceId ?? ctx.planned(i.name);
        ctx.ids.set(i.name, id);
        const row: ResourceRow = { kind: "instance", name: i.name, region: v.region, id, result: out ? "created" : "planned", privateIp: inst?.PrivateIpAddress };
        rows.push(row);
        if (inst) launched.push({ region: v.region, id, row });
      }
      if (!book.dryRun) {
        for (const l of launched) {
          const inst = await waitInstance(ctx, l.region, l.id, "running");
          l.row.privateIp = inst?.PrivateIpAddress ?? l.row.privateIp;
          l.row.detail = l.row.privateIp;
        }
      }
      rows.forEach((r) => ctx.row(r, h));
      summarize(h, rows, "launch");
    });
  }
}

async function waitPeering(ctx: Ctx, side: Side, id: string, want: string[]): Promise<string> {
  const deadline = Date.now() + ctx.timeoutMs;
  for (;;) {
    let code = "";
    try {
      const out = await ctx.book.read(side, new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [id] }));
      code = out.VpcPeeringConnections?.[0]?.Status?.Code ?? "";
    } catch (err) {
      if (errorCode(err) !== "InvalidVpcPeeringConnectionID.NotFound") throw err;
    }
    if (want.includes(code)) return code;
    if (["failed", "rejected", "expired", "deleted"].includes(code)) throw new ApplyError(`${id} is ${code}`);
    if (Date.now() > deadline) throw new ApplyError(`${id} did not become ${want.join("/")} in time (last: ${code || "not visible"} in ${side.label})`);
    await sleep(ctx.fast ? 100 : 2000);
  }
}

async function waitInstance(ctx: Ctx, region: string, id: string, want: "running" | "terminated"): Promise<Instance | undefined> {
  const deadline = Date.now() + ctx.timeoutMs;
  for (;;) {
    const out = await ctx.book.read(ctx.side(region), new DescribeInstancesCommand({ InstanceIds: [id] }));
    const inst = out.Reservations?.[0]?.Instances?.[0];
    const state = inst?.State?.Name;
    if (!inst || state === want) return inst;
    if (want === "running" && (state === "terminated" || state === "shutting-down")) throw new ApplyError(`${id} is ${state}, not running`);
    if (Date.now() > deadline) throw new ApplyError(`${id} did not become ${want} in time (last: ${state})`);
    await sleep(ctx.fast ? 100 : 3000);
  }
}

// ---------------------------------------------------------------------------------------------- down

export async function removeScenario(scn: Scenario, ctx: Ctx, progress: Progress): Promise<void> {
  const { book } = ctx;
  // Find what exists first (reads only), so names in routes resolve to the ids to remove.
  for (const v of scn.vpcs) {
    const id = await findVpc(ctx, v);
    if (id) ctx.ids.set(v.name, id);
    for (const s of v.subnets) {
      const sid = await findSubnet(ctx, v.region, id, s.name);
      if (sid) ctx.ids.set(s.name, sid);
    }
  }
  const igws = new Map<string, Awaited<ReturnType<typeof findIgw>>>();
  for (const g of scn.internetGateways) {
    const found = await findIgw(ctx, ctx.vpc(g.vpc).region, g.name);
    if (found) {
      igws.set(g.name, found);
      ctx.ids.set(g.name, found.InternetGatewayId!);
    }
  }
  for (const p of scn.peerings) {
    const found = await findPeering(ctx, ctx.vpc(p.from).region, p.name);
    if (found) ctx.ids.set(p.name, found.VpcPeeringConnectionId!);
  }

  await findTgws(ctx);

  const gone = (_rows?: unknown): ResourceRow["result"] => (book.dryRun ? "planned" : "deleted");

  await progress.step("Terminate instances", async (h) => {
    const rows: ResourceRow[] = [];
    const waiting: { region: string; id: string }[] = [];
    for (const i of scn.instances) {
      const region = ctx.vpc(i.vpc).region;
      const found = await findInstances(ctx, region, i.name, ["pending", "running", "stopping", "stopped", "shutting-down"]);
      if (found.length === 0) {
        rows.push({ kind: "instance", name: i.name, region, id: "", result: "absent" });
        continue;
      }
      const ids = found.map((x) => x.InstanceId!);
      await book.write(ctx.side(region), new TerminateInstancesCommand({ InstanceIds: ids }));
      for (const id of ids) {
        rows.push({ kind: "instance", name: i.name, region, id, result: gone(rows) });
        waiting.push({ region, id });
      }
    }
    if (!book.dryRun) for (const w of waiting) await waitInstance(ctx, w.region, w.id, "terminated");
    rows.forEach((r) => ctx.row(r, h));
    summarize(h, rows, "terminate");
  });

  await progress.step("Delete security groups", async (h) => {
    const rows: ResourceRow[] = [];
    for (const g of [...scn.securityGroups].reverse()) {
      const v = ctx.vpc(g.vpc);
      const found = await findGroup(ctx, v.region, ctx.ids.get(g.vpc), g.name);
      const ours = found?.Tags?.some((t) => t.Key === SCN_TAG && t.Value === scn.scenario);
      if (!found || !ours) {
        rows.push({ kind: "security-group", name: g.name, region: v.region, id: found?.GroupId ?? "", result: "absent", detail: found ? "not created by this scenario: kept" : undefined });
        continue;
      }
      await book.write(ctx.side(v.region), new DeleteSecurityGroupCommand({ GroupId: found.GroupId! }));
      rows.push({ kind: "security-group", name: g.name, region: v.region, id: found.GroupId!, result: gone(rows) });
    }
    rows.forEach((r) => ctx.row(r, h));
    summarize(h, rows, "delete");
  });

  await progress.step("Remove routes, associations and route tables", async (h) => {
    const rows: ResourceRow[] = [];
    for (const t of [...scn.routeTables].reverse()) {
      const v = ctx.vpc(t.vpc);
      const side = ctx.side(v.region);
      const tables = await describeRouteTables(ctx, v.region, ctx.ids.get(t.vpc));
      const table = tableOf(ctx, tables, t);
      const label = t.main ? `${t.vpc} (main)` : t.name!;
      if (!table) {
        rows.push({ kind: "route-table", name: label, region: v.region, id: "", result: "absent" });
        continue;
      }
      const id = table.RouteTableId!;
      if (t.main) {
        // Only what the file declared, and only while it still points where the file said.
        for (const r of t.routes) {
          const target = await routeTarget(ctx, t, r.to);
          const existing = table.Routes?.find((x) => x.DestinationCidrBlock === r.destination);
          const name = `${label}: ${r.destination} → ${r.to}`;
          if (!existing || routeTargetId(existing) !== target.id) {
            rows.push({ kind: "route", name, region: v.region, id, result: "absent" });
            continue;
          }
          await book.write(side, new DeleteRouteCommand({ RouteTableId: id, DestinationCidrBlock: r.destination }));
          rows.push({ kind: "route", name, region: v.region, id, result: gone(rows) });
        }
        if (t.subnets === "all" || t.subnets.length) {
          const wanted = new Set((await subnetIdsFor(ctx, t)).filter(Boolean));
          for (const a of table.Associations ?? []) {
            if (a.Main || !a.SubnetId || !wanted.has(a.SubnetId)) continue;
            await book.write(side, new DisassociateRouteTableCommand({ AssociationId: a.RouteTableAssociationId! }));
            rows.push({ kind: "association", name: `${a.SubnetId} → ${label}`, region: v.region, id: a.RouteTableAssociationId!, result: gone(rows) });
          }
        }
        continue;
      }
      for (const a of table.Associations ?? []) {
        if (a.Main || !a.RouteTableAssociationId) continue;
        await book.write(side, new DisassociateRouteTableCommand({ AssociationId: a.RouteTableAssociationId }));
      }
      await book.write(side, new DeleteRouteTableCommand({ RouteTableId: id }));
      rows.push({ kind: "route-table", name: label, region: v.region, id, result: gone(rows) });
    }
    rows.forEach((r) => ctx.row(r, h));
    summarize(h, rows, "delete");
  });

  // After the VPC routes that may name them, before the subnets their attachments sit in.
  await removeTgws(ctx, progress);

  await progress.step("Delete peering connections", async (h) => {
    const rows: ResourceRow[] = [];
    for (const p of scn.peerings) {
      const region = ctx.vpc(p.from).region;
      const id = ctx.ids.get(p.name);
      if (!id) {
        rows.push({ kind: "peering", name: p.name, region, id: "", result: "absent" });
        continue;
      }
      await book.write(ctx.side(region), new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
      rows.push({ kind: "peering", name: p.name, region, id, result: gone(rows) });
    }
    rows.forEach((r) => ctx.row(r, h));
    summarize(h, rows, "delete");
  });

  if (scn.internetGateways.length) {
    await progress.step("Detach and delete internet gateways", async (h) => {
      const rows: ResourceRow[] = [];
      for (const g of scn.internetGateways) {
        const region = ctx.vpc(g.vpc).region;
        const found = igws.get(g.name);
        if (!found) {
          rows.push({ kind: "internet-gateway", name: g.name, region, id: "", result: "absent" });
          continue;
        }
        for (const a of found.Attachments ?? []) {
          await book.write(ctx.side(region), new DetachInternetGatewayCommand({ InternetGatewayId: found.InternetGatewayId!, VpcId: a.VpcId! }));
        }
        await book.write(ctx.side(region), new DeleteInternetGatewayCommand({ InternetGatewayId: found.InternetGatewayId! }));
        rows.push({ kind: "internet-gateway", name: g.name, region, id: found.InternetGatewayId!, result: gone(rows) });
      }
      rows.forEach((r) => ctx.row(r, h));
      summarize(h, rows, "delete");
    });
  }

  await progress.step("Delete subnets and VPCs", async (h) => {
    const rows: ResourceRow[] = [];
    for (const v of [...scn.vpcs].reverse()) {
      for (const s of v.subnets) {
        const id = ctx.ids.get(s.name);
        if (!id) {
          rows.push({ kind: "subnet", name: s.name, region: v.region, id: "", result: "absent" });
          continue;
        }
        await book.write(ctx.side(v.region), new DeleteSubnetCommand({ SubnetId: id }));
        rows.push({ kind: "subnet", name: s.name, region: v.region, id, result: gone(rows) });
      }
      const id = ctx.ids.get(v.name);
      if (v.isDefault) {
        rows.push({ kind: "vpc", name: v.name, region: v.region, id: id ?? "", result: "used", detail: "default VPC: kept" });
        continue;
      }
      if (!id) {
        rows.push({ kind: "vpc", name: v.name, region: v.region, id: "", result: "absent" });
        continue;
      }
      await book.write(ctx.side(v.region), new DeleteVpcCommand({ VpcId: id }));
      rows.push({ kind: "vpc", name: v.name, region: v.region, id, result: gone(rows) });
    }
    rows.forEach((r) => ctx.row(r, h));
    summarize(h, rows, "delete");
  });
}

// ----------------------------------------------------------------------------------------- commands

export interface ScenarioRun {
  target: Target;
  creds: Credentials;
  dryRun: boolean;
  quiet: boolean;
  timeoutSeconds?: number;
}

/** Applies (`up`) or removes (`down`) a loaded scenario; shared by the commands and `vpclab demo`. */
export async function runScenario(scn: Scenario, mode: "up" | "down", run: ScenarioRun, progress = new Progress(run.quiet)): Promise<ScenarioReport> {
  const book = new CallBook(run.dryRun);
  const clients = new Clients(run.target);
  const ctx = new Ctx(scn, book, clients, run.creds, run.target.isVpclab, (run.timeoutSeconds ?? 600) * 1000);
  try {
    progress.line(`${mode === "up" ? (run.dryRun ? "Planning" : "Building") : run.dryRun ? "Planning to remove" : "Removing"} scenario "${scn.scenario}" from ${scn.file}${run.target.isVpclab ? ` on vpclab (${run.target.endpoint})` : " on AWS"}`);
    let mesh: ScenarioReport["mesh"];
    const meshOpts = { allow: scn.mesh?.allow, dryRun: run.dryRun, yes: true, json: run.quiet, profile: run.creds.profile, accountKey: run.creds.accessKey, timeout: run.timeoutSeconds };
    // The mesh is made by `vpclab mesh`'s own code once the VPCs exist, and undone by `unmesh` before they go.
    const meshRefs = async (): Promise<string[] | undefined> => {
      const refs: string[] = [];
      for (const name of scn.mesh!.vpcs) {
        const decl = ctx.vpc(name);
        const id = ctx.ids.get(name) ?? (await findVpc(ctx, decl));
        if (!id || !/^vpc-[0-9a-f]+$/.test(id)) return undefined;
        refs.push(`${decl.region}:${id}`);
      }
      return refs;
    };
    if (mode === "up") {
      await applyScenario(scn, ctx, progress);
      if (scn.mesh) {
        const refs = await meshRefs();
        if (refs) mesh = await runMesh(refs, meshOpts, run.target);
        else progress.line((mesh = { skipped: "mesh: planned once the VPCs exist (a dry run cannot plan it before)" }).skipped);
      }
    } else {
      ctx.planVerb = "would delete";
      if (scn.mesh) {
        const refs = await meshRefs();
        if (refs) mesh = await runUnmesh(refs, meshOpts, run.target);
        else progress.line((mesh = { skipped: "mesh: the VPCs are not all there; nothing to unmesh" }).skipped);
      }
      await removeScenario(scn, ctx, progress);
    }
    const meshChanged = Boolean(mesh && "changed" in mesh && mesh.changed);
    const mutations = book.mutations;
    progress.line();
    if (run.dryRun) {
      progress.dryRunPlan(mutations.map(formatCall), "Dry run: nothing to change.");
      progress.line();
    }
    const shown = ctx.rows.filter((r) => !["route", "rule", "association"].includes(r.kind));
    progress.table(
      ["kind", "name", "region", "id", "result"],
      shown.map((r) => [r.kind, r.name, r.region, r.id, r.result + (r.privateIp ? ` (${r.privateIp})` : "")]),
    );
    progress.line(
      run.dryRun
        ? "Dry run: nothing was changed."
        : mutations.length || meshChanged
          ? `${mutations.length} change(s) made${meshChanged ? " (and the mesh's, above)" : ""}.`
          : mode === "up"
            ? "Nothing to change: the topology is already up."
            : "Nothing to remove.",
    );
    return {
      scenario: scn.scenario,
      file: scn.file,
      dryRun: run.dryRun,
      changed: mutations.length > 0 || meshChanged,
      resources: ctx.rows,
      ...(mesh ? { mesh } : {}),
      calls: mutations.map(formatCall),
      steps: progress.stepReport(),
    };
  } finally {
    clients.destroy();
  }
}

async function runFile(file: string, mode: "up" | "down", opts: ScenarioOptions): Promise<ScenarioReport> {
  const scn = loadScenario(file);
  const target = resolveTarget(opts);
  if (!opts.dryRun && !target.isVpclab && !opts.yes) {
    if (!(await confirm(`${mode === "up" ? "Build" : "Remove"} scenario "${scn.scenario}" in a real AWS account?`))) {
      throw Object.assign(new Error("not confirmed; run again with --yes to proceed without asking, or --dry-run to see the plan"), { Code: "NotConfirmed" });
    }
  }
  return runScenario(scn, mode, {
    target,
    creds: { profile: opts.profile, accessKey: opts.accountKey },
    dryRun: Boolean(opts.dryRun),
    quiet: Boolean(opts.json),
    timeoutSeconds: opts.timeout,
  });
}

export const runUp = (file: string, opts: ScenarioOptions) => runFile(file, "up", opts);
export const runDown = (file: string, opts: ScenarioOptions) => runFile(file, "down", opts);
