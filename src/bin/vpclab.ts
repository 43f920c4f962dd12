#!/usr/bin/env node
/**
 * The `vpclab` command line: `serve` runs the emulator; the network commands (ping, trace, connect,
 * why) and the scenario commands (peer, up, demo) talk to a running server over HTTP.
 */
import { Command, InvalidArgumentError } from "commander";
import { VERSION } from "../version.js";

const program = new Command();
program.name("vpclab").description("AWS multi-region VPC networking on one machine").version(VERSION);

function intOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError("must be a port number (0-65535)");
  return n;
}

function delayOption(value: string, previous: Record<string, number>): Record<string, number> {
  const m = /^([a-zA-Z][\w.-]*)=(\d+)$/.exec(value);
  if (!m) throw new InvalidArgumentError("must be NAME=MILLISECONDS");
  return { ...previous, [m[1]!]: Number(m[2]) };
}

function quotaOption(value: string, previous: Record<string, number>): Record<string, number> {
  const m = /^([a-zA-Z]+)=(\d+)$/.exec(value);
  if (!m) throw new InvalidArgumentError("must be NAME=COUNT");
  return { ...previous, [m[1]!]: Number(m[2]) };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

interface ServeOptions {
  port: number;
  host: string;
  seed?: number;
  delay: Record<string, number>;
  quota: Record<string, number>;
  verbose?: boolean;
  adminToken?: string;
  allowOrigin: string[];
  allowHost: string[];
  verifySignatures?: boolean;
  credentials?: string;
  dataDir?: string;
  load?: string;
  dataplane?: string;
}

program
  .command("serve")
  .description("serve the EC2 API and the vpclab admin API")
  .option("-p, --port <port>", "port to listen on", intOption, 4566)
  .option("--host <host>", "address to listen on", "127.0.0.1")
  .option("--seed <n>", "seed for repeatable resource ids", (v) => Number(v))
  .option("--delay <name=ms>", "model AWS's timing for a state transition (repeatable)", delayOption, {})
  .option("--quota <name=count>", "raise or lower a service quota, e.g. vpcsPerRegion=100 (repeatable)", quotaOption, {})
  .option("-v, --verbose", "log every request to stderr")
  .option("--data-dir <dir>", "keep all state in DIR across restarts, crash-safe (default: $VPCLAB_DATA_DIR; none: memory only)")
  // Security options (README "Security"); the env var keeps the token out of `ps` output.
  .option("--admin-token <token>", "require this token on admin API changes (default: $VPCLAB_ADMIN_TOKEN)")
  .option("--allow-origin <origin>", "let web pages from this origin call vpclab, e.g. http://localhost:3000 (repeatable)", collect, [])
  .option("--allow-host <name>", "accept requests addressed to this host name, e.g. a container name (repeatable; * for any)", collect, [])
  .option("--verify-signatures", "check SigV4 signatures against the keys in --credentials")
  .option("--credentials <file>", "AWS shared-credentials file with the keys --verify-signatures accepts")
  .option("--dataplane <kind>", "real packets: `netns` makes every running instance a Linux network namespace (root; see `vpclab exec`)")
  .option("--load <dir>", "start from a snapshot directory (vpclab snapshot collect): real ids, owners, regions, states and tags")
  .action(async (opts: ServeOptions) => {
    const { VpclabServer } = await import("../server/server.js");
    const dataDir = opts.dataDir ?? (process.env.VPCLAB_DATA_DIR || undefined);
    let server: InstanceType<typeof VpclabServer>;
    try {
      server = new VpclabServer({
        port: opts.port,
        host: opts.host,
        seed: opts.seed,
        delays: opts.delay,
        quotas: opts.quota,
        verbose: opts.verbose,
        // Read here rather than as the option's default, which --help would print.
        adminToken: opts.adminToken ?? (process.env.VPCLAB_ADMIN_TOKEN || undefined),
        allowOrigins: opts.allowOrigin,
        allowHosts: opts.allowHost,
        verifySignatures: opts.verifySignatures,
        credentials: opts.credentials,
        dataDir,
        dataplane: opts.dataplane as "netns" | undefined,
      });
    } catch (err) {
      // A data directory that cannot be trusted: say what and how to recover, never start empty over it.
      if ((err as Error).name === "DataDirError") {
        console.error((err as Error).message);
        process.exit(2);
      }
      console.error(`vpclab: ${(err as Error).message}`);
      process.exit(2);
    }
    let url: string;
    try {
      ({ url } = await server.listen());
    } catch (err) {
      console.error(`vpclab: ${(err as Error).message}`);
      process.exit(2);
    }
    if (opts.load) {
      // Through the admin API, so the load goes through the one door (journaled with --data-dir).
      const { readSnapshotDir } = await import("../snapshot/files.js");
      const { reportLines } = await import("../cli/snapshot.js");
      const token = opts.adminToken ?? (process.env.VPCLAB_ADMIN_TOKEN || undefined);
      try {
        const res = await fetch(`${url}/_vpclab/state/import`, {
          method: "POST",
          headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify(readSnapshotDir(opts.load)),
        });
        const body = (await res.json()) as Parameters<typeof reportLines>[0] & { error?: { code: string; message: string } };
        if (!res.ok) throw new Error(`${body.error?.code}: ${body.error?.message}`);
        console.log(reportLines(body).join("\n"));
      } catch (err) {
        console.error(`vpclab: cannot load ${opts.load}: ${(err as Error).message}`);
        await server.close();
        process.exit(2);
      }
    }
    console.log(`vpclab ${VERSION} serving the EC2 API on ${url}${dataDir ? ` (state in ${dataDir})` : ""}${opts.dataplane ? " with the netns data plane (vpclab exec <instance> -- <command>)" : ""}`);
    const stop = () => void server.close().then(() => process.exit(0));
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });

// `serve` needs none of the client commands, so they are registered only when another command (or the
// help) is asked for. Registering them is light: the modules that load the AWS SDK (most of a second)
// are imported only when a scenario command runs, so --version, --help and the network commands start
// without it (test/e2e/cli-startup.test.ts checks; bench/cli-start.ts times it).
if (process.argv[2] !== "serve") {
  // The SDK warns on stderr that its releases after January 2027 need Node 22; vpclab pins the SDK's
  // version (README), so that warning says nothing to a user of these commands.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const [{ registerNetworkCommands }, { registerScenarioCommands }] = await Promise.all([
    import("../cli/network.js"),
    import("../cli/scenario.js"),
  ]);
  registerNetworkCommands(program);
  registerScenarioCommands(program);
}

// ---- persist: `vpclab state save|load FILE` (admin API only: no SDK to load).
if (process.argv[2] !== "serve") (await import("../cli/state.js")).registerStateCommands(program);
// ---- snapshot: `vpclab snapshot collect|load` (the SDK is imported only when collect runs).
if (process.argv[2] !== "serve") (await import("../cli/snapshot.js")).registerSnapshotCommands(program);
if (process.argv[2] !== "serve") (await import("../cli/audit.js")).registerAuditCommand(program);
// ---- dataplane: `vpclab exec|shell|dataplane cleanup` (a server started with --dataplane netns).
if (process.argv[2] !== "serve") (await import("../cli/dataplane.js")).registerDataplaneCommands(program);
// ---- flows: `vpclab flows` (flow log records from the admin API; no SDK).
if (process.argv[2] !== "serve") (await import("../cli/flows.js")).registerFlowsCommand(program);

await program.parseAsync(process.argv);
