/**
 * `--dataplane netns`: real packets between instances. Keeps the kernel in step with vpclab's state
 * (plan.ts → apply.ts) after every committed change, and removes what it made on close.
 *
 * Fidelity notes: see src/dataplane/README.md.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import type { World } from "../state/world.js";
import { planDataplane, setRttSource, type InstanceView, type Plan } from "./plan.js";
import { Applier, run } from "./apply.js";
import { regionPairRtt } from "../engine/latency.js";
import { FlowCollector } from "./flows.js";

export const NS_PREFIX = "vpclab-";
/** `vpclab-<pid>-<hex4>-`: the pid lets `vpclab dataplane cleanup` tell a dead server's leftovers. */
const OWN = /^vpclab-(\d+)-([0-9a-f]{4})-/;

/** Why this process cannot run the netns data plane, or undefined when it can. */
export function dataplaneUnavailable(): string | undefined {
  if (process.platform !== "linux") return `--dataplane netns needs Linux network namespaces (this is ${process.platform})`;
  let capable = process.getuid?.() === 0;
  if (!capable) {
    try {
      const m = /CapEff:\s*([0-9a-f]+)/.exec(readFileSync("/proc/self/status", "utf8"));
      capable = m !== null && (BigInt("0x" + m[1]) & (1n << 12n)) !== 0n;
    } catch {
      capable = false;
    }
  }
  if (!capable) return "--dataplane netns needs root or CAP_NET_ADMIN (run vpclab serve as root, or without --dataplane)";
  for (const [tool, pkg] of [
    ["ip", "iproute2"],
    ["nft", "nftables"],
  ] as const) {
    if (!["/usr/sbin", "/sbin", "/usr/bin", "/bin"].some((d) => existsSync(`${d}/${tool}`))) return `--dataplane netns needs \`${tool}\` (Debian: apt-get install ${pkg})`;
  }
  try {
    execFileSync("ip", ["netns", "list"], { stdio: "ignore" });
  } catch {
    return "--dataplane netns: `ip netns` does not work here (no network namespace support?)";
  }
  return undefined;
}

export interface DataplaneOptions {
  world: World;
  /** Settles due transitions through the one door (so a launch's pending → running shows up). */
  settle: () => void;
  warn?: (m: string) => void;
}

export interface DataplaneStatus {
  mode: "netns";
  prefix: string;
  netem: boolean;
  generation: number;
  namespaces: number;
  instances: InstanceView[];
  notes: string[];
  /** Applies so far and the last one's duration (planning included: `lastPlanMs`). */
  applies: number;
  lastApplyMs: number;
  lastPlanMs: number;
}

export class Dataplane {
  readonly prefix: string;
  netem = false;
  private readonly applier: Applier;
  private readonly flows: FlowCollector;
  private plan: Plan = { namespaces: new Map(), links: new Map(), instances: [], notes: [] };
  private running: Promise<void> | undefined;
  private dirty = false;
  private appliedGen = -1;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private applies = 0;
  private lastApplyMs = 0;
  private lastPlanMs = 0;
  private readonly warn: (m: string) => void;
  private readonly onExit = () => {
    // Last resort on an exit that skipped close(): leave nothing of ours behind.
    let names = this.applier.names();
    try {
      names = [...new Set([...names, ...listNamespaces().filter((n) => n.startsWith(this.prefix))])];
    } catch {
      /* the applied ones, then */
    }
    if (names.length === 0) return;
    try {
      execFileSync("ip", ["-force", "-batch", "-"], { input: names.map((n) => `netns del ${n}`).join("\n") + "\n", stdio: ["pipe", "ignore", "ignore"] });
    } catch {
      /* nothing more to do on exit */
    }
  };

  constructor(private readonly options: DataplaneOptions) {
    const why = dataplaneUnavailable();
    if (why) throw new Error(why);
    this.prefix = `${NS_PREFIX}${process.pid}-${randomBytes(2).toString("hex")}-`;
    this.warn = options.warn ?? ((m) => console.error(m));
    this.applier = new Applier({ netem: false, warn: this.warn });
    setRttSource(regionPairRtt);
    this.flows = new FlowCollector(options.world, () => this.plan, this.warn);
  }

  /** Collects the kernel's flow counters into flow log records now (also done every second). */
  collectFlows(): Promise<void> {
    return this.flows.collect();
  }

  /** Checks netem once (saying so when it is missing) and builds the first state. */
  async start(): Promise<void> {
    const probe = `${this.prefix}probe`;
    const made = await run("ip", ["netns", "add", probe]);
    if (made.code !== 0) throw new Error(`--dataplane netns: cannot create a network namespace: ${made.stderr.trim()}`);
    await run("ip", ["-n", probe, "link", "add", "d0", "type", "dummy"]);
    const tc = await run("tc", ["-n", probe, "qdisc", "add", "dev", "d0", "root", "netem", "delay", "1ms"]);
    await run("ip", ["netns", "del", probe]);
    this.netem = tc.code === 0;
    this.applier.netem = this.netem;
    if (!this.netem) this.warn("vpclab: data plane: this kernel has no netem (tc qdisc netem), so inter-region links carry no delay; `vpclab ping` keeps the measured latency figures");
    process.on("exit", this.onExit);
    this.schedule();
    await this.idle();
    this.flows.start();
  }

  /** Called after every committed change: applies the new state soon (coalescing bursts). */
  schedule(): void {
    if (this.closed) return;
    if (this.running) {
      this.dirty = true;
      return;
    }
    this.running = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.loop());
  }

  /** Resolves once everything scheduled so far is applied. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.dirty = false;
        this.options.settle();
        const gen = this.options.world.generation;
        if (gen === this.appliedGen) continue;
        const t0 = performance.now();
        const plan = planDataplane(this.options.world, this.prefix);
        this.lastPlanMs = performance.now() - t0;
        await this.applier.apply(plan);
        this.plan = plan;
        this.appliedGen = gen;
        this.applies++;
        this.lastApplyMs = performance.now() - t0;
      } while (this.dirty && !this.closed);
    } catch (err) {
      this.warn(`vpclab: data plane: ${String(err)}`);
    } finally {
      this.running = undefined;
      this.wakeForPending();
    }
  }

  /** A transition due later (a modelled delay) changes state without a request: look again then. */
  private wakeForPending(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed) return;
    const next = this.options.world.pending()[0];
    if (!next) return;
    const wait = Math.min(Math.max(next.at - this.options.world.clock.now(), 0) + 5, 60_000);
    this.timer = setTimeout(() => this.schedule(), wait);
    this.timer.unref();
  }

  status(): DataplaneStatus {
    return {
      mode: "netns",
      prefix: this.prefix,
      netem: this.netem,
      generation: this.appliedGen,
      namespaces: this.plan.namespaces.size,
      instances: this.plan.instances,
      notes: this.plan.notes,
      applies: this.applies,
      lastApplyMs: Math.round(this.lastApplyMs * 10) / 10,
      lastPlanMs: Math.round(this.lastPlanMs * 10) / 10,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.flows.stop();
    if (this.timer) clearTimeout(this.timer);
    await this.idle();
    let listed: string[] = [];
    try {
      listed = listNamespaces();
    } catch {
      /* the applied ones, then */
    }
    await this.applier.clear(this.prefix, listed);
    process.off("exit", this.onExit);
  }
}

/** Namespaces of vpclab servers that are no longer running (`vpclab dataplane cleanup`). */
export function deadServerNamespaces(names: string[], alive: (pid: number) => boolean): string[] {
  return names.filter((n) => {
    const m = OWN.exec(n);
    return m !== null && !alive(Number(m[1]));
  });
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Lists namespaces by name (`ip netns list`). */
export function listNamespaces(): string[] {
  const out = execFileSync("ip", ["netns", "list"], { encoding: "utf8" });
  return out
    .split("\n")
    .map((l) => l.trim().split(" ")[0]!)
    .filter((n) => n !== "");
}
