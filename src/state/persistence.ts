/**
 * The data directory (`vpclab serve --data-dir DIR`): a snapshot of the whole state plus a write-ahead
 * journal of every transaction committed since, so that what vpclab acknowledged survives a crash.
 *
 * Files:
 * - `snapshot.json`: line 1 a header `{"vpclab-snapshot":1,"seq":N,"bytes":B,"crc32":"…"}`, line 2 the
 *   state document of `POST /_vpclab/state/save` (document.ts) as of journal entry N. Written to
 *   `snapshot.json.tmp`, fsynced, renamed over the old one, and the directory fsynced.
 * - `journal-<first seq>.log`: line 1 a header with the server settings the entries ran under (quotas,
 *   delays, seed: a replay needs the same), then one entry per line, `<crc32 hex> <entry JSON>`. A new
 *   file starts at every snapshot and at every start; files the snapshot covers are deleted.
 * - `lock`: the pid of the vpclab using the directory.
 *
 * Group commit: entries committed while the disk is busy are written together with one `fdatasync`,
 * and no response (read or write) leaves before the entries it may have seen are on disk. So an
 * acknowledged request survives `kill -9` or a power cut (as far as the disk honours fdatasync); a
 * request without an answer may or may not have happened; an error answer changed nothing.
 *
 * Start-up: the snapshot is loaded and the journals replayed. A record torn by a crash at the very end
 * of the last journal (it was never acknowledged) is dropped and the file cut back. Anything else that
 * does not check out (a snapshot that is not what its header says, a bad record before the end, a gap in
 * the sequence) stops the start with a `DataDirError` naming the file, the problem and the way out:
 * vpclab never starts empty over a directory that holds data.
 *
 * If the disk fails (a write or fsync error), durability can no longer be promised: vpclab reports it
 * and exits, as databases do, rather than acknowledge what it may lose.
 *
 * Fidelity notes: AWS has nothing of the kind; this is vpclab's own promise (README, "Persistence").
 */
import {
  closeSync,
  existsSync,
  fdatasync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { promises as fsp } from "node:fs";
import { join } from "node:path";
import * as zlib from "node:zlib";
import { replayEntry, type Entry, type JournalSink, type Replayer } from "./door.js";
import type { Delays, Quotas, World } from "./world.js";
import { decodeState, encodeState, parseState } from "./document.js";

/** What a journal's entries ran under (replaying them under other quotas or delays would diverge). */
export interface Settings {
  seed?: number;
  delays: Delays;
  quotas: Quotas;
}

export class DataDirError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(
      `vpclab: cannot start from the data directory: ${file}: ${problem}\n` +
        `vpclab did not start, so that nothing in the directory is lost. To recover, restore the file from a ` +
        `copy, or move the directory aside (mv DIR DIR.broken) to start empty and keep the old files for later ` +
        `(the state document is line 2 of snapshot.json; journal lines are "<crc32> <JSON entry>").`,
    );
    this.name = "DataDirError";
  }
}

// ---- crc32 (IEEE), for records and the snapshot ---------------------------------------------------

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** zlib's native crc32 where Node has it (20.15+), else the table below: 39 MB in 30 ms instead of 150. */
const nativeCrc32 = (zlib as { crc32?: (data: string | Buffer) => number }).crc32;

export function crc32(text: string): string {
  if (nativeCrc32) return (nativeCrc32(text) >>> 0).toString(16).padStart(8, "0");
  const buf = Buffer.from(text, "utf8");
  let c = -1;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return ((c ^ -1) >>> 0).toString(16).padStart(8, "0");
}

function record(value: unknown): string {
  const json = JSON.stringify(value);
  return `${crc32(json)} ${json}\n`;
}

/** Parses one journal line; undefined when it does not check out. */
function parseRecord(line: string): unknown {
  if (line.length < 10 || line[8] !== " ") return undefined;
  const json = line.slice(9);
  if (crc32(json) !== line.slice(0, 8)) return undefined;
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

const SNAPSHOT = "snapshot.json";
const JOURNAL = /^journal-(\d{12})\.log$/;
const journalName = (first: number) => `journal-${String(first).padStart(12, "0")}.log`;

// ---- reading what is there ------------------------------------------------------------------------

export interface JournalGroup {
  file: string;
  settings: Settings;
  entries: Entry[];
}

export interface Recovered {
  /** The snapshot's state document (JSON text) and the last entry it includes. */
  snapshot?: { text: string; seq: number; file: string };
  /** Journal entries after the snapshot, grouped by the settings they ran under. */
  groups: JournalGroup[];
  lastSeq: number;
  /** What start-up dropped (a torn final record), for the log. */
  notes: string[];
}

function readSnapshot(dir: string): Recovered["snapshot"] {
  const file = join(dir, SNAPSHOT);
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, "utf8");
  const nl = text.indexOf("\n");
  if (nl < 0) throw new DataDirError(file, "the snapshot has no header line (the file is truncated or not a vpclab snapshot)");
  let header: { "vpclab-snapshot"?: unknown; seq?: unknown; bytes?: unknown; crc32?: unknown };
  try {
    header = JSON.parse(text.slice(0, nl)) as typeof header;
  } catch {
    throw new DataDirError(file, "the snapshot's header line is not JSON (the file is corrupt or not a vpclab snapshot)");
  }
  if (header["vpclab-snapshot"] !== 1 || !Number.isSafeInteger(header.seq)) {
    throw new DataDirError(file, "the snapshot's header is not a vpclab snapshot header of version 1");
  }
  const body = text.slice(nl + 1);
  if (Buffer.byteLength(body, "utf8") !== header.bytes) {
    throw new DataDirError(file, `the snapshot is truncated or extended: its header says ${String(header.bytes)} bytes, the file holds ${Buffer.byteLength(body, "utf8")}`);
  }
  if (crc32(body) !== header.crc32) throw new DataDirError(file, "the snapshot's checksum does not match its contents (the file is corrupt)");
  return { text: body, seq: header.seq as number, file };
}

/**
 * Takes the directory's lock, reads it (creating it if need be) and checks everything; cuts a torn final
 * record off the last journal. Throws DataDirError when the data cannot be trusted.
 */
export function recover(dir: string): Recovered {
  mkdirSync(dir, { recursive: true });
  takeLock(dir);
  rmSync(join(dir, SNAPSHOT + ".tmp"), { force: true });
  const snapshot = readSnapshot(dir);
  const notes: string[] = [];
  const files = readdirSync(dir)
    .map((f) => JOURNAL.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[0], first: Number(m[1]) }))
    .sort((a, b) => a.first - b.first);
  let lastSeq = snapshot?.seq ?? 0;
  const groups: JournalGroup[] = [];
  // Which file may end in a torn record: the last one that has any record at all.
  const parsed = files.map(({ name, first }) => {
    const file = join(dir, name);
    const text = readFileSync(file, "utf8");
    const lines = text.split("\n");
    // `lines` ends with "" when the file ends with a newline; anything else there is an unfinished write.
    return { file, first, text, lines };
  });
  let lastWithRecords = -1;
  parsed.forEach((p, i) => {
    if (p.lines.slice(1).some((l) => l !== "")) lastWithRecords = i;
  });
  parsed.forEach((p, i) => {
    const header = parseRecord(p.lines[0] ?? "") as { "vpclab-journal"?: unknown; firstSeq?: unknown; settings?: Settings } | undefined;
    if (!header || header["vpclab-journal"] !== 1 || header.firstSeq !== p.first || typeof header.settings !== "object") {
      if (p.text === "" || (i === parsed.length - 1 && lastWithRecords < i && !p.text.includes("\n"))) {
        // Created but its header never reached the disk: nothing was ever acknowledged from it.
        rmSync(p.file, { force: true });
        notes.push(`${p.file}: removed an empty journal whose header was never completed`);
        return;
      }
      throw new DataDirError(p.file, "the journal's first line is not a valid vpclab journal header");
    }
    const group: JournalGroup = { file: p.file, settings: header.settings, entries: [] };
    let goodBytes = Buffer.byteLength(p.lines[0]!, "utf8") + 1;
    for (let k = 1; k < p.lines.length; k++) {
      const line = p.lines[k]!;
      const isLast = k === p.lines.length - 1;
      if (isLast && line === "") break; // the file ends with a complete record
      const entry = parseRecord(line) as Entry | undefined;
      const tail = p.lines.slice(k + 1).every((l) => l === "" || /^\0*$/.test(l));
      if (!entry || isLast) {
        if (i === lastWithRecords && (isLast || tail)) {
          // Torn by a crash mid-write: never acknowledged (its batch's fdatasync had not returned).
          ftruncateFile(p.file, goodBytes);
          notes.push(`${p.file}: dropped an incomplete final record (a write cut short by a crash; it was never acknowledged)`);
          break;
        }
        throw new DataDirError(p.file, `record ${k} (line ${k + 1}) is corrupt (checksum or JSON does not match), and records follow it`);
      }
      if (entry.seq <= lastSeq && snapshot && entry.seq <= snapshot.seq) {
        goodBytes += Buffer.byteLength(line, "utf8") + 1;
        continue; // already in the snapshot (a crash between the snapshot and the journal's removal)
      }
      if (entry.seq !== lastSeq + 1) {
        throw new DataDirError(p.file, `record ${k} has sequence number ${entry.seq} where ${lastSeq + 1} was expected (entries are missing)`);
      }
      lastSeq = entry.seq;
      group.entries.push(entry);
      goodBytes += Buffer.byteLength(line, "utf8") + 1;
    }
    groups.push(group);
  });
  return { snapshot, groups, lastSeq, notes };
}

function ftruncateFile(file: string, bytes: number): void {
  const fd = openSync(file, "r+");
  try {
    ftruncateSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

// ---- the lock -------------------------------------------------------------------------------------

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function takeLock(dir: string): void {
  const file = join(dir, "lock");
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, "utf8").trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
      throw new DataDirError(file, `another vpclab (pid ${pid}) is using this data directory; stop it first, or use another directory (if no vpclab runs, that pid now belongs to another program: remove the lock file)`);
    }
  }
  writeFileSync(file, `${process.pid}\n`);
}

// ---- writing --------------------------------------------------------------------------------------

/** A batch of journal lines written together; acknowledged when an fdatasync issued after it returns. */
interface Batch {
  n: number;
  cbs: (() => void)[];
}

export interface DataDirOptions {
  /** Called when the disk fails; by default the process reports it and exits (see the header). */
  onFatal?: (err: Error) => void;
}

/**
 * At most this many fdatasyncs in flight. An fdatasync makes durable everything written to the file
 * before it was issued, so while one is in flight the next batch is already written and synced too:
 * with 16 clients waiting on a 4 ms disk flush, one at a time would leave the server idle most of the
 * time.
 */
const MAX_SYNCS = 3;

export class DataDir implements JournalSink {
  private fd: number;
  private first: number;
  /** Journal files (by first seq) not yet covered by a durable snapshot, the current one last. */
  private files: { first: number; fd: number; name: string }[] = [];
  /** Lines committed but not yet written, and who waits for them. */
  private lines: string[] = [];
  private lineCbs: (() => void)[] = [];
  /** Written batches not yet known durable, oldest first. */
  private unsynced: Batch[] = [];
  private batchNo = 0;
  /** fdatasyncs in flight, per file descriptor. */
  private syncing = new Map<number, number>();
  private syncsInFlight = 0;
  private scheduled = false;
  private closed = false;
  /** Snapshot writes in progress (one at a time, in order). */
  private snapshots: Promise<void> = Promise.resolve();
  /** Bytes written to journals since the last snapshot. */
  journalBytes = 0;

  constructor(
    readonly dir: string,
    private settings: Settings,
    lastSeq: number,
    private readonly options: DataDirOptions = {},
  ) {
    for (const f of readdirSync(dir)) {
      const m = JOURNAL.exec(f);
      if (m) this.files.push({ first: Number(m[1]), fd: -1, name: f });
    }
    this.files.sort((a, b) => a.first - b.first);
    this.first = lastSeq + 1;
    this.fd = this.startJournal(this.first);
  }

  /** Opens a fresh journal file whose entries start at `first`, with the current settings as header. */
  private startJournal(first: number): number {
    const name = journalName(first);
    const fd = openSync(join(this.dir, name), "w");
    writeSync(fd, record({ "vpclab-journal": 1, firstSeq: first, settings: this.settings }));
    fsyncSync(fd);
    fsyncDir(this.dir);
    this.files = this.files.filter((f) => f.name !== name);
    this.files.push({ first, fd, name });
    return fd;
  }

  append(entry: Entry): void {
    const line = record(entry);
    this.journalBytes += line.length;
    this.lines.push(line);
    this.schedule();
  }

  /**
   * A new base: what is pending goes to the current journal now; entries after `seq` go to a new
   * journal; the snapshot is written off the event loop, and once it is durable the journals it covers
   * are deleted. Acknowledgements never wait for it: until then the old journals still hold everything.
   */
  snapshot(text: string, seq: number): void {
    this.flush(true);
    this.first = seq + 1;
    this.fd = this.startJournal(this.first);
    this.journalBytes = 0;
    this.snapshots = this.snapshots.then(() => this.writeSnapshotAsync(text, seq)).catch((err: Error) => this.fatal(err));
  }

  /** Calls `cb` once every snapshot begun so far is on disk. */
  whenSnapshotted(cb: () => void): void {
    void this.snapshots.then(cb);
  }

  whenDurable(cb: () => void): void {
    if (this.lines.length > 0) this.lineCbs.push(cb);
    else if (this.unsynced.length > 0) this.unsynced[this.unsynced.length - 1]!.cbs.push(cb);
    else cb();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // Let the requests already read in this turn of the event loop commit into the same batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flush(false);
    });
  }

  /** Writes the pending lines and issues an fdatasync (unless too many are in flight and not `force`). */
  private flush(force: boolean): void {
    if (this.lines.length === 0 || this.closed) return;
    if (!force && this.syncsInFlight >= MAX_SYNCS) return; // a completing sync flushes again
    const fd = this.fd;
    const buf = Buffer.from(this.lines.join(""), "utf8");
    const batch: Batch = { n: ++this.batchNo, cbs: this.lineCbs };
    this.lines = [];
    this.lineCbs = [];
    try {
      // To the page cache: microseconds for a batch; the fdatasync below is what takes time.
      for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
    } catch (err) {
      return this.fatal(err as Error);
    }
    this.unsynced.push(batch);
    this.syncsInFlight++;
    this.syncing.set(fd, (this.syncing.get(fd) ?? 0) + 1);
    fdatasync(fd, (err) => {
      this.syncsInFlight--;
      this.syncing.set(fd, this.syncing.get(fd)! - 1);
      if (err) return this.fatal(err);
      // Everything written before this sync was issued is durable: this batch and all older ones.
      while (this.unsynced.length > 0 && this.unsynced[0]!.n <= batch.n) {
        for (const cb of this.unsynced.shift()!.cbs) cb();
      }
      this.afterSync();
      if (this.lines.length > 0) this.schedule();
    });
  }

  /** Who waits for the syncs on a file to return (before it is closed and deleted). */
  private syncWaiters: { fd: number; resolve: () => void }[] = [];

  private afterSync(): void {
    if (this.syncWaiters.length === 0) return;
    const still = [];
    for (const w of this.syncWaiters) {
      if (this.syncing.get(w.fd)) still.push(w);
      else w.resolve();
    }
    this.syncWaiters = still;
  }

  /** Resolves when no fdatasync is in flight on `fd`. */
  private syncsDone(fd: number): Promise<void> {
    if (!this.syncing.get(fd)) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push({ fd, resolve }));
  }

  private async writeSnapshotAsync(text: string, seq: number): Promise<void> {
    const tmp = join(this.dir, SNAPSHOT + ".tmp");
    const fh = await fsp.open(tmp, "w");
    try {
      await fh.writeFile(snapshotHeader(text, seq) + text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, join(this.dir, SNAPSHOT));
    fsyncDir(this.dir);
    await this.dropCovered(seq);
  }

  /** Deletes the journals a durable snapshot at `seq` covers (once their syncs have returned). */
  private async dropCovered(seq: number): Promise<void> {
    const keep: typeof this.files = [];
    for (const f of this.files) {
      // Every file that starts at or before `seq` (and is not the one being written) is covered.
      if (f.first <= seq && f.fd !== this.fd) {
        if (f.fd >= 0) {
          await this.syncsDone(f.fd);
          closeSync(f.fd);
        }
        rmSync(join(this.dir, f.name), { force: true });
      } else keep.push(f);
    }
    this.files = keep;
  }

  private fatal(err: Error): void {
    const e = new Error(`vpclab: writing the data directory ${this.dir} failed (${err.message}); acknowledged state can no longer be kept durable, so vpclab stops`);
    if (this.options.onFatal) this.options.onFatal(e);
    else {
      console.error(e.message);
      process.exit(70);
    }
  }

  /** Waits for every write, then writes a final snapshot and closes the files. */
  async close(final?: { text: string; seq: number }): Promise<void> {
    if (this.closed) return;
    this.flush(true);
    await new Promise<void>((resolve) => this.whenDurable(resolve));
    await this.snapshots;
    this.closed = true;
    if (final) {
      const tmp = join(this.dir, SNAPSHOT + ".tmp");
      const fd = openSync(tmp, "w");
      try {
        writeSync(fd, snapshotHeader(final.text, final.seq));
        writeSync(fd, final.text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, join(this.dir, SNAPSHOT));
      fsyncDir(this.dir);
      this.fd = -2; // every journal, the current one included, is covered by the final snapshot
      for (const f of this.files) if (f.fd >= 0) await this.syncsDone(f.fd);
      await this.dropCovered(final.seq);
    }
    for (const f of this.files) if (f.fd >= 0) closeSync(f.fd);
    this.files = [];
    rmSync(join(this.dir, "lock"), { force: true });
  }
}

function snapshotHeader(text: string, seq: number): string {
  return JSON.stringify({ "vpclab-snapshot": 1, seq, bytes: Buffer.byteLength(text, "utf8"), crc32: crc32(text) }) + "\n";
}

// ---- start-up: snapshot + journals → world ----------------------------------------------------------

export interface Restored {
  sink: DataDir;
  /** The state the door rolls back to (the snapshot, or the empty start) and the entries since. */
  base: string;
  since: Entry[];
  lastSeq: number;
  notes: string[];
}

/**
 * Loads the data directory into `world` (which must be fresh): the snapshot, then every journal entry
 * replayed under the settings it ran under (`makeWorld(settings)` builds a world with them; its state
 * is then handed on). Throws DataDirError when the directory cannot be trusted.
 */
export function restore(
  world: World,
  dir: string,
  settings: Settings,
  replayer: Replayer,
  makeWorld: (settings: Settings) => World,
  warn: (m: string) => void,
  options: DataDirOptions = {},
): Restored {
  const rec = recover(dir);
  let base: string;
  if (rec.snapshot) {
    try {
      world.replaceParts(decodeState(parseState(rec.snapshot.text)));
    } catch (err) {
      throw new DataDirError(rec.snapshot.file, `the snapshot's state document does not load: ${(err as Error).message}`);
    }
    base = rec.snapshot.text;
  } else {
    if (rec.groups.some((g) => g.entries.length > 0 && g.entries[0]!.seq !== 1)) {
      const g = rec.groups.find((x) => x.entries.length > 0)!;
      throw new DataDirError(join(dir, SNAPSHOT), `the snapshot is missing, but ${g.file} starts at entry ${g.entries[0]!.seq}: the entries before it are lost`);
    }
    base = encodeState(world);
  }
  const since: Entry[] = [];
  for (const g of rec.groups) {
    if (g.entries.length === 0) continue;
    const w = makeWorld(g.settings);
    w.replaceParts(world.parts());
    for (const e of g.entries) replayEntry(w, e, replayer, warn);
    world.replaceParts(w.parts());
    since.push(...g.entries);
  }
  const sink = new DataDir(dir, settings, rec.lastSeq, options);
  return { sink, base, since, lastSeq: rec.lastSeq, notes: rec.notes };
}
