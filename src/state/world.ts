/**
 * All emulator state: account → region → resource collections, plus the objects that span regions
 * and accounts (VPC peering connections), the clock, the id source and a scheduler for delayed state
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
 *   so each API call is atomic, including changes to cross-region objects.
 */
import type {
  DhcpOptions,
  ElasticIp,
  Instance,
  InternetGateway,
  KeyPair,
  LaunchTemplate,
  NetworkAcl,
  NetworkInterface,
  RouteTable,
  SecurityGroup,
  Subnet,
  Volume,
  Vpc,
  VpcPeeringConnection,
} from "../domain/types.js";
import { Clock, IdSource } from "./clock.js";

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

interface Task {
  at: number;
  seq: number;
  run: () => void;
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

export class World {
  readonly clock: Clock;
  ids: IdSource;
  readonly delays: Delays;
  readonly quotas: Quotas;
  private accounts = new Map<string, Map<string, RegionState>>();
  /** Cross-region, cross-account objects. */
  peerings = new Map<string, VpcPeeringConnection>();
  private tasks: Task[] = [];
  private seq = 0;
  /** The most recent requests, oldest first; `requestCount` counts every request ever logged. */
  readonly requestLog: RequestLogEntry[] = [];
  requestCount = 0;
  /** Bumped on every state change that the engine may care about; the engine recompiles lazily. */
  generation = 0;
  /**
   * Bumped on every change except those confined to one route table's routes, one security group's
   * rules or one network ACL's entries (`tableChanged()`). The engine re-checks its whole index only
   * when this moves, and recompiles just the touched table otherwise.
   */
  indexGeneration = 0;

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
    private readonly options: WorldOptions = {},
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
      regions = new Map();
      this.accounts.set(account, regions);
    }
    let rs = regions.get(region);
    if (!rs) {
      rs = new RegionState(account, region);
      regions.set(region, rs);
      this.initRegion(this, rs);
    }
    return rs;
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

  /** Runs `run` once the emulator clock reaches `at` (checked at the start of each request). */
  at(at: number, run: () => void): void {
    const task = { at, seq: this.seq++, run };
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

  /** Runs `run` after the named delay. */
  after(delayName: string, run: () => void): void {
    this.at(this.clock.now() + this.delay(delayName), run);
  }

  /** Runs every task that is due, in time order; tasks scheduled by tasks run too if due. */
  settle(): void {
    while (this.tasks.length > 0 && this.tasks[0]!.at <= this.clock.now()) {
      this.tasks.shift()!.run();
      this.changed();
    }
  }

  logRequest(entry: Omit<RequestLogEntry, "seq">): void {
    this.requestLog.push({ seq: this.requestCount++, ...entry });
    const size = this.options.requestLogSize ?? 10_000;
    if (this.requestLog.length > size) this.requestLog.splice(0, this.requestLog.length - size);
  }

  /** Back to a fresh world: every account and region returns to its defaults. The clock is kept. */
  reset(): void {
    this.accounts = new Map();
    this.peerings = new Map();
    this.tasks = [];
    this.ids = new IdSource(this.options.seed);
    this.requestLog.length = 0;
    this.requestCount = 0;
    this.changed();
  }
}
