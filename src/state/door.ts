/**
 * The one door every change to the world goes through: a request that may write runs as a
 * transaction that
 * - freezes the emulator clock at its start and records every id (and other random value) it draws,
 *   so that running it again on the same state gives the same result (journal replay);
 * - on success, is appended to the journal (memory, and the data directory when there is one) and
 *   bumps the engine's generation counters, so no domain code has to remember to;
 * - on an AWS-style error (`isRefusal`), is journaled only if something did change (a due transition
 *   ran, a region got its defaults) — domain code validates before it writes, so the action itself
 *   left nothing behind; the property test checks that;
 * - on any other exception (a bug, or an encoder failure: callers build the response inside the
 *   transaction), puts the world back to exactly the last committed state (the last encoded base plus
 *   the committed entries since, replayed) before the error is answered. A 500 never leaves a half-made
 *   change behind.
 *
 * Reads run through the door too: they settle due transitions and may make a region's defaults, and
 * are journaled only when they did. A read that fails with a bug and changed nothing of the kind is
 * not rolled back (Describe handlers do not write; a rollback of a large world costs a second or more).
 *
 * Engine counters: `generation` moves after every transaction that may have written; `indexGeneration`
 * too, except after the actions listed in `TABLE_ONLY`, which can only touch one route table's routes,
 * one group's rules or one ACL's entries, or tags (the engine's index does not read those: see
 * engine/model.ts). The property test (door.test.ts) checks the incrementally updated engine against a
 * fresh compile after random sequences of calls.
 *
 * Fidelity notes: none (no AWS behaviour here); see persistence.ts for what is promised on disk.
 */
import type { World } from "./world.js";
import { encodeState, decodeState, parseState } from "./document.js";

/** One committed transaction, as the journal keeps it. */
export interface Entry {
  seq: number;
  /** Emulator time (ms) the transaction ran at. */
  t: number;
  op: "ec2" | "admin" | "settle";
  service?: string;
  action?: string;
  account?: string;
  region?: string;
  /** The request's parameters, in order (EC2 Query). */
  params?: [string, string][];
  /** Admin: `METHOD /path` and the raw JSON body. */
  route?: string;
  raw?: string;
  /** Values drawn from the id source, in order. */
  draws: unknown[];
  /** The live request answered an error (a replay expects the same). */
  failed?: boolean;
}

export type EntryHead = Omit<Entry, "seq" | "t" | "draws" | "failed">;

/** Runs an entry's request against a world (the server knows how); throws what the request throws. */
export type Replayer = (world: World, entry: Entry) => void;

/** What the door needs from durable storage (state/persistence.ts). */
export interface JournalSink {
  append(entry: Entry): void;
  /** A fresh base: the encoded state including every entry up to `seq`. */
  snapshot(text: string, seq: number): void;
  whenDurable(cb: () => void): void;
  whenSnapshotted(cb: () => void): void;
}

export type TxKind = "read" | "table" | "write";

/** EC2 actions whose effects the engine's index cannot see (routes, rules, ACL entries, tags). */
export const TABLE_ONLY: ReadonlySet<string> = new Set([
  "CreateRoute",
  "ReplaceRoute",
  "DeleteRoute",
  "AuthorizeSecurityGroupIngress",
  "AuthorizeSecurityGroupEgress",
  "RevokeSecurityGroupIngress",
  "RevokeSecurityGroupEgress",
  "ModifySecurityGroupRules",
  "UpdateSecurityGroupRuleDescriptionsIngress",
  "UpdateSecurityGroupRuleDescriptionsEgress",
  "CreateNetworkAclEntry",
  "ReplaceNetworkAclEntry",
  "DeleteNetworkAclEntry",
  "CreateTags",
  "DeleteTags",
]);

/** The transaction kind of an EC2 action: Describe/Get/Search read; a few touch one table only. */
export function kindOfAction(action: string): TxKind {
  if (/^(Describe|Get|Search)/.test(action)) return "read";
  return TABLE_ONLY.has(action) ? "table" : "write";
}

export interface DoorOptions {
  /** Whether an exception is a refusal (an AWS-style error answered to the client) rather than a bug. */
  isRefusal: (err: unknown) => boolean;
  /** A fresh world made with the same options (for rollback and replay). */
  makeWorld: () => World;
  replayer: Replayer;
  sink?: JournalSink;
  /**
   * Committed entries after which the base is re-encoded at the latest (default 5,000: replaying that
   * many takes about a second, so a restart after a crash stays near the snapshot's load time). It is
   * re-encoded sooner once the entries since weigh more than the base itself (and at least 256 KB), so a
   * small world never carries a long tail and a large one is not re-encoded too often: memory stays
   * within about twice the state, and a rollback replays at most that much.
   */
  rebaseEvery?: number;
  /** Called after every transaction that may have written (the netns data plane follows the state). */
  onCommit?: () => void;
  /** Where warnings go (replay divergence, failed rollback). */
  warn?: (message: string) => void;
  /** After a restart: the last entry's sequence number, the restored base and the entries replayed on it. */
  seq?: number;
  base?: string;
  since?: Entry[];
}

export class Door {
  private base: string;
  private since: Entry[] = [];
  /** Rough size of `since` (its parameters and bodies, in characters). */
  private sinceWeight = 0;
  private seq: number;
  /** Rollbacks so far (for tests and the admin health figures). */
  rollbacks = 0;

  constructor(
    readonly world: World,
    private readonly options: DoorOptions,
  ) {
    this.base = options.base ?? encodeState(world);
    this.since = options.since ? [...options.since] : [];
    this.seq = options.seq ?? 0;
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** Runs one request as a transaction (see the module header). */
  run<T>(head: EntryHead, kind: TxKind, fn: () => T): T {
    const world = this.world;
    const ids = world.ids;
    const t = world.clock.now();
    world.touched = false;
    ids.startRecording();
    let out: T;
    try {
      out = world.clock.runAt(t, fn);
    } catch (err) {
      const draws = ids.stopRecording();
      if (this.options.isRefusal(err)) {
        if (kind !== "read" || world.touched) this.commit({ ...head, seq: 0, t, draws, failed: true });
        this.bump(kind);
      } else if (kind !== "read" || world.touched) this.rollback(err);
      throw err;
    }
    const draws = ids.stopRecording();
    if (kind !== "read" || world.touched) this.commit({ ...head, seq: 0, t, draws });
    this.bump(kind);
    return out;
  }

  /** Calls `cb` once everything committed so far is durable (at once without a data directory). */
  whenDurable(cb: () => void): void {
    if (this.options.sink) this.options.sink.whenDurable(cb);
    else cb();
  }

  /** Calls `cb` once the latest snapshot is on disk (at once without a data directory). */
  whenSnapshotted(cb: () => void): void {
    if (this.options.sink) this.options.sink.whenSnapshotted(cb);
    else cb();
  }

  private bump(kind: TxKind): void {
    if (kind === "read") return;
    this.world.generation++;
    if (kind === "write") this.world.indexGeneration++;
    this.options.onCommit?.();
  }

  private commit(entry: Entry): void {
    entry.seq = ++this.seq;
    this.since.push(entry);
    this.options.sink?.append(entry);
    let w = 64 + (entry.raw?.length ?? 0) + entry.draws.length * 20;
    if (entry.params) for (const [k, v] of entry.params) w += k.length + v.length + 8;
    this.sinceWeight += w;
    if (this.since.length >= (this.options.rebaseEvery ?? 5_000) || this.sinceWeight > Math.max(1 << 18, this.base.length)) this.rebase();
  }

  /** Re-encodes the base from the live world (and hands it to the sink as a snapshot). */
  rebase(): void {
    this.base = encodeState(this.world);
    this.since = [];
    this.sinceWeight = 0;
    this.options.sink?.snapshot(this.base, this.seq);
  }

  /** The encoded state as of the last commit (what the final snapshot on shutdown writes). */
  current(): { text: string; seq: number } {
    if (this.since.length > 0) {
      this.base = encodeState(this.world);
      this.since = [];
      this.sinceWeight = 0;
    }
    return { text: this.base, seq: this.seq };
  }

  private rollback(cause: unknown): void {
    this.rollbacks++;
    try {
      const fresh = this.options.makeWorld();
      fresh.replaceParts(decodeState(parseState(this.base)));
      for (const e of this.since) replayEntry(fresh, e, this.options.replayer, this.options.warn);
      this.world.replaceParts(fresh.parts());
    } catch (err) {
      this.options.warn?.(`vpclab: could not roll back after ${String(cause)}: ${String(err)}; the state may hold a partial change`);
    }
  }
}

/**
 * Runs a journal entry again: at its time, with its draws. Divergence (the replay asked for other
 * values, or failed where the live run succeeded) is reported through `warn`, not thrown: the entry
 * was acknowledged, and a warning with the state as close as possible serves a user better than no
 * start at all.
 */
export function replayEntry(world: World, e: Entry, replayer: Replayer, warn?: (m: string) => void): void {
  const ids = world.ids;
  const { exact } = ids.replay(e.draws, () =>
    world.clock.runAt(e.t, () => {
      try {
        replayer(world, e);
      } catch (err) {
        if (!e.failed) warn?.(`vpclab: journal entry ${e.seq} (${e.action ?? e.route ?? e.op}) failed on replay: ${String(err)}`);
      }
    }),
  );
  if (!exact) warn?.(`vpclab: journal entry ${e.seq} (${e.action ?? e.route ?? e.op}) drew other ids on replay than when it ran`);
}
