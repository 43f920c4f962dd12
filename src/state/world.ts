/**
 * All emulator state: account → region → resource collections, plus the objects that span regions
 * and accounts (VPC peering connections, transit gateway peering attachments), the clock, the id source and a scheduler for delayed state
 * transitions.
 *
 * Reference: DESIGN.md rule 5 (explicit scope) and rule 6 (injected time and identity).
 *
 * Fidelity notes:
 * - A region's defaults (default VPC and everything AWS puts in it) are created on first use of that
 *   account and region, as if the account had always had them.
 * - Intermediate states (pending → available, …) settle through the scheduler. By default every delay
 *   is 0, which settles on the next request: a Create call answers `pending` and the next Describe
 *   shows the settled state. `ServerOptions.delays` models AWS's real timing on the emulator clock.
 * - Every request runs to completion before the next starts (one event loop, synchronous handlers),
 *   so each API call is atomic, including changes to cross-region objects; the one door
 *   (state/door.ts) makes it all or nothing even when a handler fails.
 * - A transition runs at the first request after its due time, but with the clock standing at its due
 *   time: the timestamps it writes (a peering's status change, a termination) are the due instant, as
 *   if AWS had made the change then.
 * - `accountsMax` is vpclab's own bound, not an AWS quota: AWS has no limit an emulator could copy, and
 *   every new 12-digit access key would otherwise cost memory for good.
 *
 * State is data (DESIGN.md, "State is data"): records, pending transitions as `Transition` records run
 * by a registry of kinds (no closures), the clock offset and the id source; document.ts writes it all
 * to one JSON document and reads it back.
 */
import type {
  DhcpOptions,
  EgressOnlyInternetGateway,
  ElasticIp,
  Instance,
  InternetGateway,
  KeyPair,
  LaunchTemplate,
  ManagedPrefixList,
  VpnGateway,
  CustomerGateway,
  VpnConnection,
  NatGateway,
  NetworkAcl,
  NetworkInterface,
  RouteTable,
  SecurityGroup,
  Subnet,
  TgwPeeringAttachment,
  TgwRouteTable,
  TgwVpcAttachment,
  TransitGateway,
  Volume,
  Vpc,
  VpcEndpoint,
  VpcPeeringConnection,
} from "../domain/types.js";
import type { FlowLog } from "../domain/flow-logs.js";
import { Clock, IdSource } from "./clock.js";
import { authFailure } from "../domain/errors.js";

export const DEFAULT_ACCOUNT = "000000000000";
export const DEFAULT_REGION = "us-east-1";

export class RegionState {
  readonly vpcs = new Map<string, Vpc>();
  readonly subnets = new Map<string, Subnet>();
  readonly routeTables = new Map<string, RouteTable>();
  readonly internetGateways = new Map<string, InternetGateway>();
  readonly dhcpOptions = new Map<string, DhcpOptions>();
  readonly securityGroups = new Map<string, SecurityGroup>();
  readonly networkAcls = new Map<string, NetworkAcl>();
  readonly instances = new Map<string, Instance>();
  readonly networkInterfaces = new Map<string, NetworkInterface>();
  readonly addresses = new Map<string, ElasticIp>();
  readonly keyPairs = new Map<string, KeyPair>();
  /** EBS volumes by id (domain/volumes.ts); not read by the network engine. */
  readonly volumes = new Map<string, Volume>();
  /** Launch templates by id (domain/launch-templates.ts); not read by the network engine. */
  readonly launchTemplates = new Map<string, LaunchTemplate>();
  /** Customer-managed prefix lists by id (domain/prefix-lists.ts); the engine expands them where referenced. */
  readonly managedPrefixLists = new Map<string, ManagedPrefixList>();
  /** Egress-only internet gateways by id (domain/egress-only-gateways.ts); not read by the network engine. */
  readonly egressOnlyInternetGateways = new Map<string, EgressOnlyInternetGateway>();
  /** Transit gateways, their VPC attachments and route tables (domain/transit-gateways.ts). */
  readonly transitGateways = new Map<string, TransitGateway>();
  readonly tgwAttachments = new Map<string, TgwVpcAttachment>();
  readonly tgwRouteTables = new Map<string, TgwRouteTable>();
  /** Virtual private gateways, customer gateways and VPN connections (domain/vpn.ts). */
  readonly vpnGateways = new Map<string, VpnGateway>();
  readonly customerGateways = new Map<string, CustomerGateway>();
  readonly vpnConnections = new Map<string, VpnConnection>();
  /** NAT gateways (domain/nat-gateways.ts), deleted and failed ones kept about an hour as AWS shows them. */
  readonly natGateways = new Map<string, NatGateway>();
  /** VPC endpoints (domain/vpc-endpoints.ts). */
  readonly vpcEndpoints = new Map<string, VpcEndpoint>();
  /** VPC flow logs by id (domain/flow-logs.ts); their records live in engine/flow-records.ts, not here. */
  readonly flowLogs = new Map<string, FlowLog>();
  /** The DHCP options set AWS made for this account and region (every new VPC gets it). */
  defaultDhcpOptionsId?: string;
  /** Family-specific extras (later issues may keep their own collections here without a schema change). */
  readonly extra = new Map<string, unknown>();

  constructor(
    readonly account: string,
    readonly region: string,
  ) {}
}

/** Named delays in milliseconds of emulator time; every one defaults to 0 (settle on next request). */
export type Delays = Partial<Record<string, number>>;

/**
 * Service quotas, at AWS's default values. Users can raise them (server option), as they would ask AWS
 * to; benchmarks that build thousands of VPCs do.
 */
export const DEFAULT_QUOTAS = {
  vpcsPerRegion: 5,
  subnetsPerVpc: 200,
  cidrBlocksPerVpc: 5,
  routeTablesPerVpc: 200,
  routesPerRouteTable: 50,
  internetGatewaysPerRegion: 5,
  securityGroupsPerVpc: 2500,
  rulesPerSecurityGroup: 60,
  networkAclsPerVpc: 200,
  rulesPerNetworkAcl: 20,
  activePeeringsPerVpc: 50,
  outstandingPeeringRequests: 25,
  elasticIpsPerRegion: 5,
  instancesPerRegion: 1000,
  /** NAT gateways per Availability Zone (AWS's default 5). */
  natGatewaysPerZone: 5,
  /** Transit Gateways Guide, "Quotas": per account and region, and per gateway. */
  transitGatewaysPerRegion: 5,
  attachmentsPerTransitGateway: 5000,
  routeTablesPerTransitGateway: 20,
  routesPerTransitGateway: 10000,
  peeringAttachmentsPerTransitGateway: 50,
  /**
   * Accounts one server keeps (each 12-digit access key makes one): not an AWS quota, a bound on
   * memory. A new account past it gets AuthFailure, as an unknown access key gets from AWS.
   */
  accountsMax: 1000,
};
export type Quotas = typeof DEFAULT_QUOTAS;

export interface WorldOptions {
  seed?: number;
  delays?: Delays;
  clock?: Clock;
  quotas?: Partial<Quotas>;
  /** How many recent requests the request log keeps (default 10,000). */
  requestLogSize?: number;
}

/**
 * A pending state transition, as data: what happens (`kind`, run by the registry below), to which
 * record (`id`, in `account`/`region` when regional), and when (`at`, emulator ms). `seq` keeps the
 * order of scheduling among transitions due at the same instant. `data` is plain JSON.
 */
export interface Transition {
  at: number;
  seq: number;
  kind: string;
  id: string;
  account?: string;
  region?: string;
  data?: Record<string, unknown>;
}

export type TransitionSpec = Omit<Transition, "at" | "seq">;
export type TransitionRunner = (world: World, t: Transition) => void;

const transitionKinds = new Map<string, TransitionRunner>();

/**
 * Registers what a kind of transition does. Each domain module registers its own kinds when it is
 * loaded; a runner finds its record again by id and must check that the record is still in the state
 * the transition expects (a later request may have moved it on).
 */
export function defineTransition(kind: string, run: TransitionRunner): void {
  if (transitionKinds.has(kind)) throw new Error(`transition kind ${kind} is defined twice`);
  transitionKinds.set(kind, run);
}

export function isTransitionKind(kind: string): boolean {
  return transitionKinds.has(kind);
}

export interface RequestLogEntry {
  /** Position in the log since the world began (or was reset): stays valid when old entries drop off. */
  seq: number;
  time: string;
  requestId: string;
  account: string;
  region: string;
  service: string;
  action: string;
  status: number;
  errorCode?: string;
}


export type RegionInitializer = (world: World, rs: RegionState) => void;

/** The parts of a world that make up its state (what a saved document holds). */
export interface WorldParts {
  accounts: Map<string, Map<string, RegionState>>;
  peerings: Map<string, VpcPeeringConnection>;
  tgwPeerings: Map<string, TgwPeeringAttachment>;
  tasks: Transition[];
  taskSeq: number;
  ids: IdSource;
  clockOffsetMs: number;
}

export class World {
  readonly clock: Clock;
  ids: IdSource;
  readonly delays: Delays;
  readonly quotas: Quotas;
  private accounts = new Map<string, Map<string, RegionState>>();
  /** Cross-region, cross-account objects. */
  peerings = new Map<string, VpcPeeringConnection>();
  /** Transit gateway peering attachments (cross-region, cross-account). */
  tgwPeerings = new Map<string, TgwPeeringAttachment>();
  /** Pending transitions, sorted by time then by order of scheduling. */
  private tasks: Transition[] = [];
  private seq = 0;
  /** The most recent requests, oldest first; `requestCount` counts every request ever logged. */
  readonly requestLog: RequestLogEntry[] = [];
  requestCount = 0;
  /**
   * Bumped by the one door (state/door.ts) when a transaction ends, when a transition runs and when a
   * region is made: the engine recompiles lazily when it moves. Nothing else needs to call `changed()`
   * (the engine's test builder does, since it writes records outside any request).
   */
  generation = 0;
  /**
   * Bumped with `generation` except after a transaction that can only have changed one route table's
   * routes, one security group's rules or one network ACL's entries (`door.ts` knows those actions).
   * The engine re-checks its whole index only when this moves, and recompiles just the touched table
   * otherwise.
   */
  indexGeneration = 0;
  /**
   * Set when something other than the request's own action changed state: a due transition ran or a
   * region was made with its defaults. The door journals a read that did either.
   */
  touched = false;

  /** Records a change to anything the network may see. */
  changed(): void {
    this.generation++;
    this.indexGeneration++;
  }

  /** Records a change confined to the routes of one route table, the rules of one group or the entries of one ACL. */
  tableChanged(): void {
    this.generation++;
  }

  constructor(
    private readonly initRegion: RegionInitializer,
    readonly options: WorldOptions = {},
  ) {
    this.clock = options.clock ?? new Clock();
    this.ids = new IdSource(options.seed);
    this.delays = { ...options.delays };
    this.quotas = { ...DEFAULT_QUOTAS, ...options.quotas };
  }

  /** The state of one account in one region, with AWS's defaults made on first use. */
  region(account: string, region: string): RegionState {
    let regions = this.accounts.get(account);
    if (!regions) {
      if (this.accounts.size >= this.quotas.accountsMax) {
        throw authFailure(
          `AWS was not able to validate the provided access credentials (vpclab keeps at most ${this.quotas.accountsMax} accounts: quota accountsMax).`,
        );
      }
      regions = new Map();
      this.accounts.set(account, regions);
    }
    let rs = regions.get(region);
    if (!rs) {
      rs = new RegionState(account, region);
      regions.set(region, rs);
      this.touched = true;
      this.initRegion(this, rs);
      this.changed();
    }
    return rs;
  }

  /** An existing region state, or undefined (never makes defaults). */
  existingRegion(account: string | undefined, region: string | undefined): RegionState | undefined {
    if (account === undefined || region === undefined) return undefined;
    return this.accounts.get(account)?.get(region);
  }

  /** Existing region states only (does not create defaults). */
  *regionStates(): Iterable<RegionState> {
    for (const regions of this.accounts.values()) yield* regions.values();
  }

  hasAccount(account: string): boolean {
    return this.accounts.has(account);
  }

  delay(name: string): number {
    return this.delays[name] ?? 0;
  }

  /** Schedules a transition at `at` on the emulator clock (run at the start of the first request after). */
  at(at: number, spec: TransitionSpec): void {
    if (!transitionKinds.has(spec.kind)) throw new Error(`unknown transition kind ${spec.kind}`);
    const task: Transition = { at, seq: this.seq++, ...spec };
    // Kept sorted by time (then by order of scheduling), so settling only looks at the front.
    let lo = 0;
    let hi = this.tasks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.tasks[mid]!.at <= at) lo = mid + 1;
      else hi = mid;
    }
    this.tasks.splice(lo, 0, task);
  }

  /** Schedules a transition after the named delay. */
  after(delayName: string, spec: TransitionSpec): void {
    this.at(this.clock.now() + this.delay(delayName), spec);
  }

  /**
   * Runs every transition that is due, in time order; transitions scheduled by transitions run too if
   * due. Each runs with the clock standing at its own due time, so what it writes (timestamps, the due
   * time of what it schedules) does not depend on when the next request happened to come.
   */
  settle(): void {
    while (this.tasks.length > 0 && this.tasks[0]!.at <= this.clock.now()) {
      const task = this.tasks.shift()!;
      this.touched = true;
      this.clock.runAt(task.at, () => transitionKinds.get(task.kind)!(this, task));
      this.changed();
    }
  }

  /** Pending transitions (read-only view, for tests and the state document). */
  pending(): readonly Transition[] {
    return this.tasks;
  }

  logRequest(entry: Omit<RequestLogEntry, "seq">): void {
    this.requestLog.push({ seq: this.requestCount++, ...entry });
    const size = this.options.requestLogSize ?? 10_000;
    // Trimmed in slices of a tenth rather than one entry per request: shifting 10,000 entries on every
    // request was O(n) each time.
    if (this.requestLog.length > size + Math.ceil(size / 10)) this.requestLog.splice(0, this.requestLog.length - size);
  }

  /** The log as the admin API shows it: at most `requestLogSize` entries. */
  recentRequests(): RequestLogEntry[] {
    const size = this.options.requestLogSize ?? 10_000;
    return this.requestLog.length > size ? this.requestLog.slice(this.requestLog.length - size) : this.requestLog;
  }

  /** Back to a fresh world: every account and region returns to its defaults. The clock is kept. */
  reset(): void {
    this.accounts = new Map();
    this.peerings = new Map();
    this.tgwPeerings = new Map();
    this.tasks = [];
    this.seq = 0;
    this.ids = new IdSource(this.options.seed);
    this.requestLog.length = 0;
    this.requestCount = 0;
    this.touched = true;
    this.changed();
  }

  /** The state, by reference (see document.ts, which writes and reads it). */
  parts(): WorldParts {
    return { accounts: this.accounts, peerings: this.peerings, tgwPeerings: this.tgwPeerings, tasks: this.tasks, taskSeq: this.seq, ids: this.ids, clockOffsetMs: this.clock.offset };
  }

  /** Replaces the whole state at once (a loaded document, or a rollback); the request log stays. */
  replaceParts(p: WorldParts): void {
    this.accounts = p.accounts;
    this.peerings = p.peerings;
    this.tgwPeerings = p.tgwPeerings;
    this.tasks = p.tasks;
    this.seq = p.taskSeq;
    this.ids = p.ids;
    this.clock.offset = p.clockOffsetMs;
    this.touched = true;
    this.changed();
  }
}
