/**
 * The emulator clock and the id source, both injectable so that tests can move time (peering expiry,
 * instance state transitions) and get repeatable ids.
 *
 * Fidelity notes: the clock starts at the real time and advances with it; `advance()` adds an offset,
 * so emulator time never runs backwards; it moves at most 10 years per call and 1,000 years in all. Ids are `<prefix>-` plus 17 lowercase hex digits, as AWS's
 * long ids are; a seeded source yields the same sequence every run.
 */
import { randomBytes } from "node:crypto";

/** Ten years (of 365.25 days): the most one `advance` may move the clock. */
export const MAX_ADVANCE_SECONDS = 10 * 365.25 * 86_400;
/** A thousand years: the most the clock may run ahead of real time, far from Date's and ISO's limits. */
export const MAX_OFFSET_SECONDS = 1000 * 365.25 * 86_400;

export class Clock {
  private offsetMs = 0;
  constructor(private readonly realNow: () => number = Date.now) {}

  now(): number {
    return this.realNow() + this.offsetMs;
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
  }
}

export class IdSource {
  private state: bigint;
  private readonly seeded: boolean;
  private readonly issued = new Set<string>();

  constructor(seed?: number) {
    this.seeded = seed !== undefined;
    this.state = BigInt(seed ?? 0) & 0xffffffffffffffffn;
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

  /** splitmix64: a tiny, well-studied generator, enough for repeatable ids. */
  private nextBits(): bigint {
    this.state = (this.state + 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
    let z = this.state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
    return ((z ^ (z >> 31n)) << 8n) | (this.state & 0xffn);
  }

  hex(digits: number): string {
    if (!this.seeded) return this.randomHex(Math.ceil(digits / 2)).slice(0, digits);
    return (this.nextBits() & ((1n << BigInt(digits * 4)) - 1n)).toString(16).padStart(digits, "0");
  }

  /** A fresh id such as `vpc-0a1b2c3d4e5f60718`. */
  next(prefix: string): string {
    for (;;) {
      const id = `${prefix}-${this.hex(17)}`;
      if (!this.issued.has(id)) {
        this.issued.add(id);
        return id;
      }
    }
  }

  /** A request id in AWS's UUID form. */
  requestId(): string {
    const h = this.hex(16) + this.hex(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}
