/**
 * The emulator clock and the id source, both injectable so that tests can move time (peering expiry,
 * instance state transitions) and get repeatable ids, and both plain data (`toJSON`/`fromJSON`) so a
 * saved or persisted world resumes where it was.
 *
 * Fidelity notes: the clock starts at the real time and advances with it; `advance()` adds an offset,
 * so emulator time never runs backwards; it moves at most 10 years per call and 1,000 years in all.
 * While a request runs, the clock is frozen at the instant the request started (every timestamp a
 * request writes is the same, and a journal replay reproduces it).
 * Ids are `<prefix>-` plus 17 lowercase hex digits, as AWS's long ids are; a seeded source yields the
 * same sequence every run.
 *
 * Uniqueness: ids are not remembered (the set of every id ever issued grew without bound). A random id
 * has 68 random bits, so the chance of any repeat among a billion ids is about 10^-3 of one in a
 * million; a seeded id is splitmix64 of a counter (a bijection of the 64-bit counter, plus its low byte),
 * so two ids of one seeded run differ unless 2^64 ids were drawn. Request ids come from a stream of
 * their own, so reading never moves the resource-id sequence (a restart replays only writes).
 */
import { randomBytes } from "node:crypto";

/** Ten years (of 365.25 days): the most one `advance` may move the clock. */
export const MAX_ADVANCE_SECONDS = 10 * 365.25 * 86_400;
/** A thousand years: the most the clock may run ahead of real time, far from Date's and ISO's limits. */
export const MAX_OFFSET_SECONDS = 1000 * 365.25 * 86_400;

export class Clock {
  private offsetMs = 0;
  private frozenAt: number | undefined;
  constructor(private readonly realNow: () => number = Date.now) {}

  now(): number {
    return this.frozenAt ?? this.realNow() + this.offsetMs;
  }

  /**
   * Moves the clock forward by at most MAX_ADVANCE_SECONDS at a time and MAX_OFFSET_SECONDS in all, so
   * that every time vpclab derives from it (launch times, peering expiry a week on) stays a Date that
   * prints as a four-digit-year ISO string: 1e13 seconds made `toISOString()` throw in every call that
   * showed a time. A refused call leaves the clock as it was.
   */
  advance(seconds: number): void {
    if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0 || seconds > MAX_ADVANCE_SECONDS) {
      throw new RangeError(`advance takes a number of seconds from 0 to ${MAX_ADVANCE_SECONDS} (10 years)`);
    }
    const next = this.offsetMs + seconds * 1000;
    if (next > MAX_OFFSET_SECONDS * 1000) {
      throw new RangeError(`the clock may run at most ${MAX_OFFSET_SECONDS} seconds (1,000 years) ahead of real time`);
    }
    this.offsetMs = next;
    if (this.frozenAt !== undefined) this.frozenAt += seconds * 1000;
  }

  /** Runs `fn` with the clock standing at `at` (restored afterwards, also when `fn` throws). */
  runAt<T>(at: number, fn: () => T): T {
    const was = this.frozenAt;
    this.frozenAt = at;
    try {
      return fn();
    } finally {
      // An advance() inside `fn` moved the frozen instant and the offset alike; keep the outer freeze's
      // relation to real time.
      this.frozenAt = was === undefined ? undefined : was + (this.frozenAt - at);
    }
  }

  get offset(): number {
    return this.offsetMs;
  }

  set offset(ms: number) {
    this.offsetMs = ms;
  }
}

/** What an id source is, as data: enough to resume the same sequence. */
export interface IdSourceState {
  seeded: boolean;
  /** splitmix64 state (decimal), seeded sources only. */
  state?: string;
  /** Per-region counters of the public address pool (addresses.ts), kept with the ids so reset clears them. */
  counters: Record<string, number>;
}

export class IdSource {
  private state: bigint;
  private requestState: bigint;
  private readonly seeded: boolean;
  /** Public address pool cursors by region (see domain/addresses.ts). */
  readonly counters = new Map<string, number>();
  /** While a transaction records: every value drawn (hex strings and `external` values), in order. */
  private recording: unknown[] | undefined;
  /** While a journal entry replays: the values the live run drew, handed out again in order. */
  private replaying: unknown[] | undefined;
  /** Set when a replay asked for more values than the journal recorded or got a different kind. */
  diverged = false;

  constructor(seed?: number) {
    this.seeded = seed !== undefined;
    this.state = BigInt(seed ?? 0) & 0xffffffffffffffffn;
    this.requestState = (this.state ^ 0x5851f42d4c957f2dn) & 0xffffffffffffffffn;
  }

  /** Random bytes are drawn 4 KiB at a time: one `randomBytes` call per id was a large part of a Create call's cost. */
  private pool = Buffer.alloc(0);
  private poolAt = 0;

  private randomHex(bytes: number): string {
    if (this.poolAt + bytes > this.pool.length) {
      this.pool = randomBytes(4096);
      this.poolAt = 0;
    }
    const hex = this.pool.toString("hex", this.poolAt, this.poolAt + bytes);
    this.poolAt += bytes;
    return hex;
  }

  private static mix(state: bigint): bigint {
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
    return ((z ^ (z >> 31n)) << 8n) | (state & 0xffn);
  }

  /** splitmix64: a tiny, well-studied generator, enough for repeatable ids. */
  private nextBits(): bigint {
    this.state = (this.state + 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
    return IdSource.mix(this.state);
  }

  private fresh(digits: number): string {
    if (!this.seeded) return this.randomHex(Math.ceil(digits / 2)).slice(0, digits);
    return (this.nextBits() & ((1n << BigInt(digits * 4)) - 1n)).toString(16).padStart(digits, "0");
  }

  hex(digits: number): string {
    if (this.replaying) {
      const v = this.replaying.shift();
      // A seeded stream moves as it did live, so ids after the replay continue the same sequence.
      const computed = this.seeded ? this.fresh(digits) : undefined;
      if (typeof v === "string" && v.length === digits) return v;
      this.diverged = true;
      return computed ?? this.fresh(digits);
    }
    const h = this.fresh(digits);
    this.recording?.push(h);
    return h;
  }

  /**
   * A value that is not a function of the state and the input (generated key material): drawn once,
   * recorded with the transaction, and handed back unchanged when the journal replays it. It must be
   * plain JSON.
   */
  external<T>(make: () => T): T {
    if (this.replaying) {
      const v = this.replaying.shift();
      if (v !== undefined && typeof v === "object" && v !== null && "external" in v) return (v as { external: T }).external;
      this.diverged = true;
      return make();
    }
    const value = make();
    this.recording?.push({ external: value });
    return value;
  }

  /** A fresh id such as `vpc-0a1b2c3d4e5f60718`. */
  next(prefix: string): string {
    return `${prefix}-${this.hex(17)}`;
  }

  /** A request id in AWS's UUID form, from a stream of its own (see the header). */
  requestId(): string {
    let h: string;
    if (this.seeded) {
      this.requestState = (this.requestState + 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
      const a = IdSource.mix(this.requestState);
      this.requestState = (this.requestState + 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
      const b = IdSource.mix(this.requestState);
      h = (a & 0xffffffffffffffffn).toString(16).padStart(16, "0") + (b & 0xffffffffffffffffn).toString(16).padStart(16, "0");
    } else h = this.randomHex(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  startRecording(): void {
    this.recording = [];
  }

  stopRecording(): unknown[] {
    const r = this.recording ?? [];
    this.recording = undefined;
    return r;
  }

  /** Replays `draws` while `fn` runs; reports whether the run asked for exactly those values. */
  replay<T>(draws: readonly unknown[], fn: () => T): { value: T; exact: boolean } {
    this.replaying = [...draws];
    this.diverged = false;
    try {
      const value = fn();
      return { value, exact: !this.diverged && this.replaying.length === 0 };
    } finally {
      this.replaying = undefined;
    }
  }

  toJSON(): IdSourceState {
    const out: IdSourceState = { seeded: this.seeded, counters: Object.fromEntries(this.counters) };
    if (this.seeded) out.state = this.state.toString();
    return out;
  }

  static fromJSON(s: IdSourceState): IdSource {
    const ids = new IdSource(s.seeded ? 0 : undefined);
    if (s.seeded) {
      if (typeof s.state !== "string" || !/^\d{1,20}$/.test(s.state)) throw new Error("ids.state must be a decimal string");
      ids.state = BigInt(s.state) & 0xffffffffffffffffn;
      ids.requestState = (ids.state ^ 0x5851f42d4c957f2dn) & 0xffffffffffffffffn;
    }
    for (const [k, v] of Object.entries(s.counters ?? {})) {
      if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw new Error(`ids.counters.${k} must be a non-negative integer`);
      ids.counters.set(k, v);
    }
    return ids;
  }
}
