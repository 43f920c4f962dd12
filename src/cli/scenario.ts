/**
 * The scenario commands: `vpclab peer|unpeer` (join two VPCs the way the seed walkthrough does, and undo
 * it), `vpclab up|down <file.yaml>` (build or remove a declared topology) and `vpclab demo` (the seed's
 * whole story, locally, in one go). They talk to a running server (or real AWS with `--aws`) through
 * the public EC2 API only, plus vpclab's admin API to verify what the network engine sees.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import { reportError, withGlobalOptions } from "./common.js";
import type { PeerOptions } from "./peer.js";
import type { ScenarioOptions } from "./scenario-run.js";
import type { DemoOptions } from "./demo.js";
import type { MeshOptions } from "./mesh.js";

// The implementations load the AWS SDK (most of a second), so they are imported only when their
// command runs: registering the commands (for --help, --version and the network commands) stays light.
const peer = () => import("./peer.js");
const scenarioRun = () => import("./scenario-run.js");
const demo = () => import("./demo.js");
const mesh = () => import("./mesh.js");

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("must be a positive number of seconds");
  return n;
}

function accountKey(value: string): string {
  if (!/^\d{12}$/.test(value)) throw new InvalidArgumentError("must be a 12-digit account id (vpclab: a 12-digit access key id is the account)");
  return value;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Options every scenario command shares beyond the global ones. */
function withTargetOptions(cmd: Command): Command {
  return withGlobalOptions(cmd)
    .option("--aws", "talk to real AWS (credentials from the standard chain); never the default")
    .option("--profile <name>", "AWS profile for the (first) account")
    .addOption(new Option("--account-key <id>", "vpclab only: act as this 12-digit account").argParser(accountKey));
}

function printJson(json: boolean | undefined, value: unknown): void {
  if (json) console.log(JSON.stringify(value, null, 2));
}

export function registerScenarioCommands(program: Command): void {
  const peerOptions = (cmd: Command) =>
    withTargetOptions(cmd)
      .option("--peer-profile <name>", "AWS profile for the second VPC's account (cross-account peering)")
      .addOption(new Option("--peer-account-key <id>", "vpclab only: the second VPC's 12-digit account").argParser(accountKey))
      .option("--dry-run", "print the plan and the API calls it would make; make no change")
      .option("-y, --yes", "do not ask before changing a real AWS account")
      .option("--timeout <seconds>", "how long to wait for the peering to become active", seconds, 300);

  peerOptions(
    program
      .command("peer")
      .description("peer two VPCs like the seed walkthrough: request, accept, routes both sides, security-group rules, verify")
      .argument("<first>", "requester: <region>:<vpc-id or Name tag>")
      .argument("<second>", "accepter: <region>:<vpc-id or Name tag>"),
  )
    .option("--allow <rules>", "ingress to open from the peer's CIDRs: icmp,tcp:22,udp:53,tcp:8000-8080,all")
    .option("--subnets <all|ids>", "subnets whose route tables get the routes (comma-separated ids; a side with none listed keeps all)", "all")
    .option("--security-group <id|name>", "open rules on this group instead of the instances' groups (repeatable)", collect)
    .option("--associate-subnets", "also associate the chosen subnets explicitly with their VPC's main route table")
    .option("--no-verify", "skip the engine check at the end")
    .action(async (first: string, second: string, opts: PeerOptions) => {
      try {
        printJson(opts.json, await (await peer()).runPeer(first, second, opts));
      } catch (err) {
        reportError(err, opts.json);
      }
    });

  peerOptions(
    program
      .command("unpeer")
      .description("remove exactly what `vpclab peer` added between two VPCs: rules, routes, associations, the connection")
      .argument("<first>", "<region>:<vpc-id or Name tag>")
      .argument("<second>", "<region>:<vpc-id or Name tag>"),
  ).action(async (first: string, second: string, opts: PeerOptions) => {
    try {
      printJson(opts.json, await (await peer()).runUnpeer(first, second, opts));
    } catch (err) {
      reportError(err, opts.json);
    }
  });

  const meshOptions = (cmd: Command) =>
    withTargetOptions(cmd.argument("<vpcs...>", "[<account key or profile>@]<region>:<vpc-id or Name tag> (mesh: two or more; unmesh: one or more)"))
      .option("--dry-run", "print the plan and the API calls it would make; make no change")
      .option("-y, --yes", "do not ask before changing a real AWS account")
      .option("--timeout <seconds>", "how long to wait for each gateway and attachment", seconds, 300);

  meshOptions(program.command("mesh").description("join N VPCs in any regions through one transit gateway per region, peered across regions; verify every pair"))
    .option("--hub-per-region", "one transit gateway per region, peered across regions (the layout mesh builds; the option names it)")
    .option("--allow <rules>", "ingress to open from the other VPCs' CIDRs: icmp,tcp:22,udp:53,tcp:8000-8080,all")
    .option("--no-verify", "skip the engine check at the end")
    .action(async (vpcs: string[], opts: MeshOptions) => {
      try {
        printJson(opts.json, await (await mesh()).runMesh(vpcs, opts));
      } catch (err) {
        reportError(err, opts.json);
      }
    });

  meshOptions(program.command("unmesh").description("remove exactly what `vpclab mesh` added for these VPCs")).action(async (vpcs: string[], opts: MeshOptions) => {
    try {
      printJson(opts.json, await (await mesh()).runUnmesh(vpcs, opts));
    } catch (err) {
      reportError(err, opts.json);
    }
  });

  withTargetOptions(program.command("up").description("build the topology a scenario file declares (idempotent)").argument("<file>", "scenario YAML"))
    .option("--dry-run", "validate the file and print the API calls it would make; make no change")
    .option("-y, --yes", "do not ask before changing a real AWS account")
    .action(async (file: string, opts: ScenarioOptions) => {
      try {
        printJson(opts.json, await (await scenarioRun()).runUp(file, opts));
      } catch (err) {
        reportError(err, opts.json);
      }
    });

  withTargetOptions(program.command("down").description("remove what `vpclab up` built from a scenario file").argument("<file>", "scenario YAML"))
    .option("--dry-run", "print the API calls it would make; make no change")
    .option("-y, --yes", "do not ask before changing a real AWS account")
    .action(async (file: string, opts: ScenarioOptions) => {
      try {
        printJson(opts.json, await (await scenarioRun()).runDown(file, opts));
      } catch (err) {
        reportError(err, opts.json);
      }
    });

  withGlobalOptions(program.command("demo").description("the seed walkthrough, locally, in one go: build it, ping both ways, show what fails and why"))
    .option("--clean", "remove the seed topology at the end (when the demo used an already running server)")
    .action(async (opts: DemoOptions) => {
      try {
        const report = await (await demo()).runDemo(opts);
        printJson(opts.json, report);
      } catch (err) {
        reportError(err, opts.json);
      }
    });
}
