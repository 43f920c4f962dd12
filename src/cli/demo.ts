/**
 * `vpclab demo`: the seed walkthrough's whole story, locally, in one command, for someone new to AWS.
 *
 *  1. finds vpclab at the endpoint, or starts one in-process (stopped again at the end);
 *  2. builds scenarios/seed.yaml (`vpclab up`): Tokyo's new VPC, Singapore's default VPC, the peering,
 *     the routes, the security groups, one instance each side;
 *  3. pings both ways, with the engine's figures (round trip close to the Tokyo–Singapore median);
 *  4. connects to TCP 22 and shows the source address the receiver sees: the sender's private IP, no NAT;
 *  5. pings 8.8.8.8 from Tokyo and shows why it fails (no internet gateway, no default route);
 *  6. breaks Tokyo's route the way the walkthrough's text has it (172.16.0.0/24 instead of
 *     172.31.0.0/16), shows the explanation, and puts the right route back;
 *  7. ends with a short plain-language report.
 *
 * Every figure printed comes from the engine's answers (admin API); nothing is made up here. The route
 * is broken and repaired through the public EC2 API (DeleteRoute/CreateRoute), like a user would.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CreateRouteCommand, DeleteRouteCommand, DescribeRouteTablesCommand } from "@aws-sdk/client-ec2";
import { AdminApiError, adminCall, resolveTarget, type GlobalOptions, type Target } from "./common.js";
import { Clients } from "./ec2-calls.js";
import { Progress } from "./progress.js";
import { loadScenario } from "./scenario-file.js";
import { runScenario, type ScenarioReport } from "./scenario-run.js";
import { analyze, connect, explain, ping, pingOk, type Endpoint, type PingResult } from "./verify.js";

export interface DemoOptions extends GlobalOptions {
  clean?: boolean;
}

export interface DemoReport {
  endpoint: string;
  startedInProcess: boolean;
  tokyo: Endpoint;
  singapore: Endpoint;
  pingTokyoToSingapore?: PingFigures;
  pingSingaporeToTokyo?: PingFigures;
  sshSourceSeen?: string;
  internet: { reachable: boolean; explanations: string[] };
  brokenRoute: { reachable: boolean; explanations: string[]; restored: boolean };
  engine: boolean;
}

interface PingFigures {
  received: number;
  transmitted: number;
  lossPercent: number;
  avgMs: number;
  minMs: number;
  maxMs: number;
}

function figures(p: PingResult): PingFigures {
  const s = p.stats;
  return { received: s.received, transmitted: s.transmitted, lossPercent: s.lossPercent, avgMs: s.avg, minMs: s.min, maxMs: s.max };
}

export function seedPath(): string {
  // src/cli/demo.ts (tsx) and dist/src/cli/demo.js (built) sit at different depths below the package root.
  for (const rel of ["../../scenarios/seed.yaml", "../../../scenarios/seed.yaml"]) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new Error("scenarios/seed.yaml is missing from this installation of vpclab");
}

async function answers(target: Target): Promise<boolean> {
  try {
    await adminCall(target, "GET", "/health");
    return true;
  } catch (err) {
    if (err instanceof AdminApiError && err.code === "ConnectionRefused") return false;
    throw err;
  }
}

/** Starts vpclab in this process: on the endpoint's port when it is local and free, else on any port. */
async function startLocal(endpoint: string): Promise<{ url: string; close(): Promise<void> }> {
  const { startVpclab } = await import("../index.js");
  const u = new URL(endpoint);
  const local = ["127.0.0.1", "localhost", "[::1]"].includes(u.hostname);
  if (local && u.port) {
    try {
      return await startVpclab({ port: Number(u.port), host: "127.0.0.1" });
    } catch {
      // the port is taken by something that is not vpclab: fall through to an ephemeral port
    }
  }
  return startVpclab({ port: 0, host: "127.0.0.1" });
}

export async function runDemo(opts: DemoOptions): Promise<DemoReport> {
  if ((opts as { aws?: boolean }).aws) throw new Error("vpclab demo runs on vpclab only (it needs the network engine), never on AWS");
  let target = resolveTarget({ ...opts, aws: false });
  const progress = new Progress(Boolean(opts.json));
  const say = (t = "") => progress.line(t);
  let lab: { url: string; close(): Promise<void> } | undefined;
  const clients = new Clients(target);
  try {
    say("vpclab demo: the seed walkthrough — two AWS regions joined privately by VPC peering");
    say();
    await progress.step("Find or start vpclab", async (h) => {
      if (await answers(target)) return h.detail(`using the server at ${target.endpoint}`);
      lab = await startLocal(target.endpoint!);
      target = { endpoint: lab.url, isVpclab: true };
      h.detail(`nothing answered at ${resolveTarget({ ...opts, aws: false }).endpoint}; started vpclab in this process at ${lab.url}`);
    });
    const ec2 = new Clients(target);

    say();
    say("Building the topology of scenarios/seed.yaml through the EC2 API (what `vpclab up` does):");
    const seed = loadScenario(seedPath());
    const brief = new Progress(Boolean(opts.json), process.stdout, false);
    const up: ScenarioReport = await runScenario(seed, "up", { target, creds: {}, dryRun: false, quiet: Boolean(opts.json) }, brief);
    const inst = (name: string) => up.resources.find((r) => r.kind === "instance" && r.name === name)!;
    const t = inst("tokyo-1");
    const s = inst("singapore-1");
    const tokyo: Endpoint = { id: t.id, ip: t.privateIp ?? "?", label: "Tokyo", region: "ap-northeast-1" };
    const singapore: Endpoint = { id: s.id, ip: s.privateIp ?? "?", label: "Singapore", region: "ap-southeast-1" };
    const pcxId = up.resources.find((r) => r.kind === "peering")!.id;
    const report: DemoReport = {
      endpoint: target.endpoint!,
      startedInProcess: Boolean(lab),
      tokyo,
      singapore,
      internet: { reachable: false, explanations: [] },
      brokenRoute: { reachable: false, explanations: [], restored: false },
      engine: true,
    };

    say();
    say("What the network does (figures from vpclab's network engine):");
    const pings: [Endpoint, Endpoint, "pingTokyoToSingapore" | "pingSingaporeToTokyo"][] = [
      [tokyo, singapore, "pingTokyoToSingapore"],
      [singapore, tokyo, "pingSingaporeToTokyo"],
    ];
    for (const [a, b, key] of pings) {
      await progress.step(`Ping ${a.label} → ${b.label}`, async (h) => {
        const p = await ping(target, a, b, 4);
        if (!p) {
          report.engine = false;
          return h.warn("verification unavailable: this vpclab server has no network engine");
        }
        const f = figures(p);
        report[key] = f;
        if (!pingOk(p)) throw new Error(`no reply from ${b.ip}: ${explain(p.explanations, true).join("; ")}`);
        h.detail(`${a.ip} → ${b.ip}: ${f.received}/${f.transmitted} replies, ${f.lossPercent}% loss, round trip ${f.avgMs.toFixed(1)} ms (min ${f.minMs.toFixed(1)}, max ${f.maxMs.toFixed(1)})`);
      });
    }

    if (report.engine) {
      await progress.step("SSH (TCP 22) Tokyo → Singapore: which source address does Singapore see?", async (h) => {
        const c = await connect(target, tokyo, singapore, "tcp", 22);
        if (!c) return h.warn("verification unavailable");
        if (c.result !== "connected") throw new Error(`${c.result}: ${explain(c.explanations, true).join("; ") || c.detail}`);
        report.sshSourceSeen = c.sourceAddressSeenByReceiver;
        h.detail(`connected; Singapore sees the login coming from ${c.sourceAddressSeenByReceiver} = Tokyo's own private IP: no NAT anywhere`);
      });

      await progress.step("Ping the Internet (8.8.8.8) from Tokyo", async (h) => {
        const internet: Endpoint = { id: "8.8.8.8", ip: "8.8.8.8", label: "8.8.8.8" };
        const p = await ping(target, tokyo, internet, 2);
        if (!p) return h.warn("verification unavailable");
        report.internet = { reachable: pingOk(p), explanations: explain(p.explanations, true) };
        if (pingOk(p)) return h.warn("unexpected: Tokyo reached the Internet");
        h.detail("no reply, as expected");
        for (const e of report.internet.explanations) h.note(e);
      });

      await progress.step("Break Tokyo's route the way the walkthrough's text has it (172.16.0.0/24), then repair it", async (h) => {
        const side = { label: "ap-northeast-1", region: "ap-northeast-1", client: ec2.get("ap-northeast-1") };
        const tables = await side.client.send(
          new DescribeRouteTablesCommand({ Filters: [{ Name: "route.destination-cidr-block", Values: ["172.31.0.0/16"] }, { Name: "route.vpc-peering-connection-id", Values: [pcxId] }] }),
        );
        const rtb = tables.RouteTables?.[0]?.RouteTableId;
        if (!rtb) throw new Error(`Tokyo has no route 172.31.0.0/16 → ${pcxId} to break`);
        await side.client.send(new DeleteRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "172.31.0.0/16" }));
        await side.client.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "172.16.0.0/24", VpcPeeringConnectionId: pcxId }));
        try {
          const a = await analyze(target, tokyo, singapore, "icmp");
          if (a) {
            report.brokenRoute.reachable = a.verdict === "reachable";
            report.brokenRoute.explanations = explain([...a.explanations, ...(a.warnings ?? [])], true);
          }
        } finally {
          await side.client.send(new DeleteRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "172.16.0.0/24" }));
          await side.client.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "172.31.0.0/16", VpcPeeringConnectionId: pcxId }));
        }
        const again = await ping(target, tokyo, singapore, 1);
        report.brokenRoute.restored = Boolean(again && pingOk(again));
        h.detail(`with 172.16.0.0/24 → ${pcxId} in ${rtb}, Tokyo → Singapore is ${report.brokenRoute.reachable ? "still reachable (unexpected)" : "blocked"}; route repaired${report.brokenRoute.restored ? ", ping works again" : ""}`);
        for (const e of report.brokenRoute.explanations) h.note(e);
      });
    }

    say();
    say("What this shows");
    say("───────────────");
    say(
      [
        `• Tokyo (${tokyo.ip}, a new VPC 10.20.0.0/16) and Singapore (${singapore.ip}, the default VPC 172.31.0.0/16) are in`,
        `  different AWS regions. A VPC peering connection (${pcxId}) joins them privately.`,
        report.pingTokyoToSingapore && report.pingSingaporeToTokyo
          ? `• Pings work both ways with ${report.pingTokyoToSingapore.lossPercent}% loss; a round trip takes about ${report.pingTokyoToSingapore.avgMs.toFixed(0)} ms, the real Tokyo–Singapore distance.`
          : "• Pings: verification unavailable (no network engine on this server).",
        report.sshSourceSeen
          ? `• Singapore sees Tokyo's SSH login come from ${report.sshSourceSeen}, Tokyo's private address: there is no NAT, the networks are routed directly.`
          : "",
        report.engine
          ? "• Tokyo cannot reach the Internet: its new VPC has no internet gateway and no 0.0.0.0/0 route. Peering still works: that traffic stays on AWS's network."
          : "",
        report.engine
          ? "• One wrong route breaks it: 172.16.0.0/24 does not cover Singapore's 172.31.0.0/16, so Tokyo has no route there. vpclab names the route table to fix."
          : "",
        "• Peering needs every piece: non-overlapping address ranges, a request and an acceptance, a route on BOTH sides, and",
        "  security-group rules that allow the traffic (ICMP for ping, TCP 22 for SSH).",
        "",
        `Explore it yourself with the AWS CLI (\`aws --endpoint-url ${lab ? "http://127.0.0.1:4566" : target.endpoint} --region ap-northeast-1 ec2 describe-route-tables\`)`,
        `and the engine (\`curl -s -X POST ${lab ? "http://127.0.0.1:4566" : target.endpoint}/_vpclab/ping -d '{"from":"tokyo-1","to":"singapore-1"}'\`).`,
        lab
          ? "The demo's vpclab ran in this process and is stopped now; run `vpclab serve` and then `vpclab demo` to keep the topology to explore."
          : opts.clean
            ? ""
            : `The seed topology is still up on ${target.endpoint}; \`vpclab down scenarios/seed.yaml\` removes it.`,
      ]
        .filter(Boolean)
        .join("\n"),
    );

    if (!lab && opts.clean) {
      say();
      await runScenario(seed, "down", { target, creds: {}, dryRun: false, quiet: Boolean(opts.json) }, progress);
    }
    ec2.destroy();
    return report;
  } finally {
    clients.destroy();
    if (lab) await lab.close();
  }
}
