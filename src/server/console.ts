/**
 * The web console's server side: its static files under `/_vpclab/console/`, the redirect of a
 * browser's plain `GET /` to it, and `GET /_vpclab/events`, a server-sent-event stream that pushes a
 * tick whenever the world changes, so the console's map updates without reloading.
 *
 * The console is one more client of the EC2 API and the admin API (DESIGN rule 8): the event stream
 * carries no resources, only the world's generation and which account × region states exist (so the
 * console knows which regions to describe, without touching — and thereby creating — the others).
 *
 * The files are the bundle `npm run build` writes to `dist/console/` (scripts/build-console.mjs); they
 * are found from the package root, so this works both from `dist/` and from the TypeScript sources
 * (tests run through tsx).
 *
 * Fidelity notes: none of this exists on AWS. A change is noticed by polling `world.generation` every
 * 250 ms (one timer for all listeners, running only while someone listens), so a tick can lag a change
 * by up to that much; transitions that settle on the emulator clock are seen when a request settles them.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { World } from "../state/world.js";

export const CONSOLE_PREFIX = "/_vpclab/console/";
const POLL_MS = 250;
const HEARTBEAT_MS = 15_000;

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".map": "application/json",
  // The licences of the bundled libraries (esbuild links them from app.js).
  ".txt": "text/plain; charset=utf-8",
};

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

const consoleDir = join(packageRoot(), "dist", "console");

/** Handles the request if it is the console's (returns true), else leaves it to the EC2/admin pipelines. */
export function serveConsole(
  req: IncomingMessage,
  res: ServerResponse,
  url: { pathname: string; search: string } | undefined,
  events: ConsoleEvents,
): boolean {
  const method = req.method ?? "GET";
  if (!url || (method !== "GET" && method !== "HEAD")) return false;
  const path = url.pathname;
  if (path === "/") {
    // Only a browser navigating to the bare endpoint: an EC2 query by GET (`/?Action=…`) and SDKs
    // (which never ask for text/html) go on to the EC2 pipeline as before.
    const accept = String(req.headers.accept ?? "");
    if (url.search !== "" || !accept.includes("text/html")) return false;
    res.writeHead(302, { location: CONSOLE_PREFIX }).end();
    return true;
  }
  if (path === "/_vpclab/console") {
    res.writeHead(301, { location: CONSOLE_PREFIX }).end();
    return true;
  }
  if (path === "/_vpclab/events") {
    events.subscribe(res);
    return true;
  }
  if (!path.startsWith(CONSOLE_PREFIX)) return false;
  let rel: string;
  try {
    rel = decodeURIComponent(path.slice(CONSOLE_PREFIX.length)) || "index.html";
  } catch {
    rel = "";
  }
  const file = normalize(join(consoleDir, rel));
  const ext = /\.[a-z]+$/.exec(file)?.[0] ?? "";
  if (rel === "" || rel.includes("\0") || !file.startsWith(consoleDir + sep) || !TYPES[ext] || !isFile(file)) {
    const missing = !isFile(join(consoleDir, "index.html"));
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
    res.end(missing ? "The console is not built: run `npm run build`.\n" : `No console file ${path}\n`);
    return true;
  }
  const body = readFileSync(file);
  res.writeHead(200, {
    "content-type": TYPES[ext]!,
    "content-length": body.length,
    // The console is rebuilt in place; revalidating costs one round trip on loopback.
    "cache-control": "no-cache",
    "x-content-type-options": "nosniff",
  });
  res.end(method === "HEAD" ? undefined : body);
  return true;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The `GET /_vpclab/events` listeners of one server, and the single timer that watches the world for them. */
export class ConsoleEvents {
  private readonly listeners = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | undefined;
  private lastGeneration = -1;
  private lastBeat = 0;

  constructor(private readonly world: World) {}

  subscribe(res: ServerResponse): void {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    res.write(`retry: 1000\n\n${this.message()}`);
    this.listeners.add(res);
    const drop = () => {
      this.listeners.delete(res);
      if (this.listeners.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
    // The response's 'close' is the connection's end (the client left, or the server closed it);
    // the request's own 'close' only says that its (empty) body was read.
    res.on("close", drop);
    if (!this.timer) {
      this.lastGeneration = this.world.generation;
      this.lastBeat = Date.now();
      this.timer = setInterval(() => this.poll(), POLL_MS);
      this.timer.unref();
    }
  }

  private message(): string {
    const regions: string[] = [];
    for (const rs of this.world.regionStates()) regions.push(`${rs.account}/${rs.region}`);
    return `event: change\ndata: ${JSON.stringify({ generation: this.world.generation, regions })}\n\n`;
  }

  private poll(): void {
    const now = Date.now();
    if (this.world.generation !== this.lastGeneration) {
      this.lastGeneration = this.world.generation;
      this.lastBeat = now;
      const msg = this.message();
      for (const res of this.listeners) res.write(msg);
    } else if (now - this.lastBeat >= HEARTBEAT_MS) {
      // A comment line keeps proxies and idle timeouts from closing a quiet stream.
      this.lastBeat = now;
      for (const res of this.listeners) res.write(": keep-alive\n\n");
    }
  }
}
