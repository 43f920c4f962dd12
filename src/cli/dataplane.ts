/**
 * The data plane's commands: `vpclab exec <instance> -- <command…>` and `vpclab shell <instance>` run a
 * real process inside an instance's network namespace (of a server started with `--dataplane netns`),
 * with the instance's hostname (`ip-10-20-1-4`) in a UTS namespace of its own; `vpclab dataplane
 * cleanup` removes the namespaces of vpclab servers that are no longer running (after a crash or kill).
 *
 * The instance resolves like the network commands': id, Name tag or private IP, within `--region` when
 * given; the server says which namespace it is (`GET /_vpclab/dataplane`, read-only).
 *
 * Fidelity notes: none (vpclab's own commands; EC2's nearest is SSM Session Manager).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import type { Command } from "commander";
import { adminCall, reportError, resolveTarget, withGlobalOptions, type GlobalOptions } from "./common.js";
import type { DataplaneStatus } from "../dataplane/index.js";
import type { InstanceView } from "../dataplane/plan.js";

export function pickInstance(all: InstanceView[], text: string, region?: string): InstanceView {
  const inRegion = region ? all.filter((i) => i.region === region) : all;
  for (const test of [(i: InstanceView) => i.id === text, (i: InstanceView) => i.name === text, (i: InstanceView) => i.privateIps.includes(text)]) {
    const hits = inRegion.filter(test);
    if (hits.length === 1) return hits[0]!;
    if (hits.length > 1) throw new Error(`'${text}' names ${hits.length} running instances (${hits.map((h) => `${h.id} in ${h.region}`).join(", ")}): give the instance id or --region`);
  }
  throw new Error(`no running instance '${text}'${region ? ` in ${region}` : ""} has a namespace (the data plane has only running instances)`);
}

async function target(text: string, opts: GlobalOptions): Promise<InstanceView> {
  const status = await adminCall<DataplaneStatus>(resolveTarget(opts), "GET", "/dataplane");
  return pickInstance(status.instances, text, opts.region);
}

/** Runs `argv` in the instance's namespace with its hostname; resolves to the exit code. */
function runIn(inst: InstanceView, argv: string[]): Promise<number> {
  if (process.getuid?.() !== 0) throw new Error("entering a network namespace needs root (run vpclab exec as root, like the server)");
  // A UTS namespace of its own carries the instance's hostname; the network namespace is the instance's.
  const script = 'hostname "$1" && shift && exec "$@"';
  const p = spawn("ip", ["netns", "exec", inst.ns, "unshare", "--uts", "sh", "-c", script, "sh", inst.hostname, ...argv], { stdio: "inherit" });
  return new Promise((resolve) => {
    p.on("error", () => resolve(127));
    p.on("close", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

export function registerDataplaneCommands(program: Command): void {
  withGlobalOptions(
    program
      .command("exec")
      .description("run a command inside an instance's network namespace (server started with --dataplane netns; root)")
      .argument("<instance>", "instance id, Name tag or private IP")
      .argument("<command...>", "the command and its arguments, after --"),
  ).action(async (instance: string, command: string[], opts: GlobalOptions) => {
    try {
      process.exitCode = await runIn(await target(instance, opts), command);
    } catch (err) {
      reportError(err, opts.json);
      process.exitCode = 2;
    }
  });

  withGlobalOptions(
    program
      .command("shell")
      .description("open a shell inside an instance's network namespace (server started with --dataplane netns; root)")
      .argument("<instance>", "instance id, Name tag or private IP"),
  ).action(async (instance: string, opts: GlobalOptions) => {
    try {
      const inst = await target(instance, opts);
      const shell = existsSync("/bin/bash") ? "/bin/bash" : "/bin/sh";
      process.exitCode = await runIn(inst, [shell]);
    } catch (err) {
      reportError(err, opts.json);
      process.exitCode = 2;
    }
  });

  const dp = program.command("dataplane").description("the netns data plane's housekeeping");
  dp.command("cleanup")
    .description("remove the network namespaces left by vpclab servers that are no longer running")
    .action(async () => {
      const { deadServerNamespaces, listNamespaces, pidAlive } = await import("../dataplane/index.js");
      try {
        if (process.getuid?.() !== 0) throw new Error("removing network namespaces needs root");
        const dead = deadServerNamespaces(listNamespaces(), pidAlive);
        const { run } = await import("../dataplane/apply.js");
        if (dead.length > 0) await run("ip", ["-force", "-batch", "-"], dead.map((n) => `netns del ${n}`).join("\n") + "\n");
        const left = new Set(listNamespaces());
        const failed = dead.filter((n) => left.has(n));
        console.log(`removed ${dead.length - failed.length} namespace(s) of vpclab servers no longer running`);
        if (failed.length > 0) {
          console.error(`vpclab: could not remove ${failed.join(", ")}`);
          process.exitCode = 1;
        }
      } catch (err) {
        reportError(err, false);
        process.exitCode = 2;
      }
    });
}
