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
 *  7. beyond two VPCs: builds scenarios/tgw-pair.yaml (two more VPCs, in Tokyo and Singapore, joined
 *     through one transit gateway per region and a TGW peering attachment, by `vpclab mesh`'s code),
 *     pings across with the round trip and the path MTU (8500 through transit gateways), makes Tokyo's
 *     TGW route to Singapore a blackhole, shows the explanation naming the TGW route table and the route,
 *     and applies the explanation's own structured fix (ReplaceTransitGatewayRoute) to repair it;
 *  8. ends with a short plain-language report.
 *
 * Every figure printed comes from the engine's answers (admin API); nothing is made up here. The route
 * is broken and repaired through the public EC2 API (DeleteRoute/CreateRoute), like a user would.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  CreateRouteCommand,
  DeleteRouteCommand,
  DescribeRouteTablesCommand,
  DescribeTransitGatewayRouteTablesCommand,
  ReplaceTransitGatewayRouteCommand,
  SearchTransitGatewayRoutesCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { fixCommand } from "../engine/fix-command.js";
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
  /** The transit gateway step (scenarios/tgw-pair.yaml). */
  tgw?: {
    tokyo: Endpoint;
    singapore: Endpoint;
    ping?: PingFigures;
    pathMtu?: number;
    blackhole: { routeTableId?: string; route?: string; reachable: boolean; explanations: string[]; fix?: string; restored: boolean };
  };
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

export function seedPath(name = "seed.yaml"): string {
  // src/cli/demo.ts (tsx) and dist/src/cli/demo.js (built) sit at different depths below the package root.
  for (const rel of [`../../scenarios/${name}`, `../../../scenarios/${name}`]) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new Error(`scenarios/${name} is missing from this installation of vpclab`);
}

/** The static route for `cidr` in one of the region's transit gateway route tables. */
async function tgwStaticRoute(client: EC2Client, cidr: string): Promise<{ table: string; attachment: string } | undefined> {
  const tables = (await client.send(new DescribeTransitGatewayRouteTablesCommand({}))).TransitGatewayRouteTables ?? [];
  for (const t of tables) {
    if (t.State !== "available") continue;
    const routes = (await client.send(new SearchTransitGatewayRoutesCommand({ TransitGatewayRouteTableId: t.TransitGatewayRouteTableId!, Filters: [{ Name: "route-search.exact-match", Values: [cidr] }, { Name: "type", Values: ["static"] }] }))).Routes ?? [];
    const att = routes[0]?.TransitGatewayAttachments?.[0]?.TransitGatewayAttachmentId;
    if (att) return { table: t.TransitGatewayRouteTableId!, attachment: att };
  }
  return undefined;
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

    if (report.engine) {
      say();
      say("Beyond two VPCs: transit gateways. Building scenarios/tgw-pair.yaml (two more VPCs, one transit gateway per region, a TGW peering):");
      const pair = loadScenario(seedPath("tgw-pair.yaml"));
      const upPair = await runScenario(pair, "up", { target, creds: {}, dryRun: false, quiet: Boolean(opts.json) }, brief);
      const pinst = (name: string) => upPair.resources.find((r) => r.kind === "instance" && r.name === name)!;
      const tt = pinst("tokyo-tgw-1");
      const st = pinst("singapore-tgw-1");
      const tokyo2: Endpoint = { id: tt.id, ip: tt.privateIp ?? "?", label: "Tokyo (TGW)", region: "ap-northeast-1" };
      const sing2: Endpoint = { id: st.id, ip: st.privateIp ?? "?", label: "Singapore (TGW)", region: "ap-southeast-1" };
      const tgw: NonNullable<DemoReport["tgw"]> = { tokyo: tokyo2, singapore: sing2, blackhole: { reachable: true, explanations: [], restored: false } };
      report.tgw = tgw;

      await progress.step("Ping Tokyo → Singapore through the two transit gateways", async (h) => {
        const p = await ping(target, tokyo2, sing2, 4);
        const a = await analyze(target, tokyo2, sing2, "icmp");
        if (!p || !a) return h.warn("verification unavailable");
        tgw.ping = figures(p);
        tgw.pathMtu = a.pathMtu;
        if (!pingOk(p)) throw new Error(`no reply from ${sing2.ip}: ${explain(p.explanations, true).join("; ")}`);
        const gateways = a.forward.filter((x) => x.kind === "tgw-route-table").map((x) => x.id).join(" → ");
        h.detail(`${tokyo2.ip} → ${sing2.ip}: ${tgw.ping.received}/${tgw.ping.transmitted} replies, ${tgw.ping.lossPercent}% loss, round trip ${tgw.ping.avgMs.toFixed(1)} ms, path MTU ${a.pathMtu} (TGW route tables ${gateways})`);
      });

      await progress.step("Make Tokyo's transit gateway route to Singapore (10.70.0.0/16) a blackhole, ask why, apply the fix", async (h) => {
        const client = ec2.get("ap-northeast-1");
        const found = await tgwStaticRoute(client, "10.70.0.0/16");
        if (!found) throw new Error("Tokyo's transit gateway has no static route for 10.70.0.0/16 to break");
        tgw.blackhole.routeTableId = found.table;
        tgw.blackhole.route = `10.70.0.0/16 → ${found.attachment}`;
        await client.send(new ReplaceTransitGatewayRouteCommand({ TransitGatewayRouteTableId: found.table, DestinationCidrBlock: "10.70.0.0/16", Blackhole: true }));
        try {
          const a = await analyze(target, tokyo2, sing2, "icmp");
          if (a) {
            tgw.blackhole.reachable = a.verdict === "reachable";
            tgw.blackhole.explanations = explain(a.explanations, true);
            // The explanation's own structured fix, applied through the EC2 API as a user would.
            const fix = a.explanations.find((x) => x.code === "TGW_RTB_BAD_STATE_ROUTE")?.fixes?.find((f) => f.action === "ReplaceTransitGatewayRoute");
            if (fix) {
              tgw.blackhole.fix = fixCommand(fix);
              await ec2.get(fix.region ?? "ap-northeast-1").send(new ReplaceTransitGatewayRouteCommand(fix.params as never));
            }
          }
        } finally {
          const again = await ping(target, tokyo2, sing2, 1);
          if (!again || !pingOk(again)) {
            await client.send(new ReplaceTransitGatewayRouteCommand({ TransitGatewayRouteTableId: found.table, DestinationCidrBlock: "10.70.0.0/16", TransitGatewayAttachmentId: found.attachment }));
          } else tgw.blackhole.restored = true;
        }
        h.detail(
          `with 10.70.0.0/16 a blackhole in ${found.table}, Tokyo → Singapore is ${tgw.blackhole.reachable ? "still reachable (unexpected)" : "blocked"}; ${tgw.blackhole.restored ? `the explanation's fix put the route back (${tgw.blackhole.fix}), ping works again` : "route put back"}`,
        );
        for (const e of tgw.blackhole.explanations) h.note(e);
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
        report.tgw?.ping
          ? `• Peering does not scale past a few VPCs; transit gateways do. Through one gateway per region and a TGW peering the round trip is ${report.tgw.ping.avgMs.toFixed(0)} ms (each gateway adds a little) and the path MTU is ${report.tgw.pathMtu}. A TGW route table decides at each gateway: one blackhole route there drops the traffic, and vpclab names that table and route${report.tgw.blackhole.routeTableId ? ` (${report.tgw.blackhole.routeTableId}, ${report.tgw.blackhole.route})` : ""} with the fix to run.`
          : "",
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
      if (report.tgw) await runScenario(loadScenario(seedPath("tgw-pair.yaml")), "down", { target, creds: {}, dryRun: false, quiet: Boolean(opts.json) }, progress);
      await runScenario(seed, "down", { target, creds: {}, dryRun: false, quiet: Boolean(opts.json) }, progress);
    }
    ec2.destroy();
    return report;
  } finally {
    clients.destroy();
    if (lab) await lab.close();
  }
}
