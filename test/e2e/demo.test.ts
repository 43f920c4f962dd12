/**
 * `vpclab demo` end to end, as a subprocess: against a running vpclab (fast), checking its figures
 * against the engine and the state through the SDK; and once with nothing listening, where it must
 * start vpclab in-process and stop it again.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { DescribeInstancesCommand, DescribeRouteTablesCommand, DescribeTransitGatewaysCommand, SearchTransitGatewayRoutesCommand } from "@aws-sdk/client-ec2";
import { startLab, type Lab, runVpclab } from "../support/harness.js";


const vpclab = (args: string[]) => runVpclab(args, 90_000);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe("vpclab demo", { timeout: 180_000 }, () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab();
  });
  after(async () => {
    await lab.close();
  });

  it("tells the seed's story with the engine's figures, on a running server", async () => {
    const r = await vpclab(["demo", "--endpoint-url", lab.url]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const tokyo = (await lab.ec2("ap-northeast-1").send(new DescribeInstancesCommand({ Filters: [{ Name: "tag:Name", Values: ["tokyo-1"] }] }))).Reservations![0]!.Instances![0]!;
    const sing = (await lab.ec2("ap-southeast-1").send(new DescribeInstancesCommand({ Filters: [{ Name: "tag:Name", Values: ["singapore-1"] }] }))).Reservations![0]!.Instances![0]!;
    const tip = tokyo.PrivateIpAddress!.replace(/\./g, "\\.");
    const sip = sing.PrivateIpAddress!.replace(/\./g, "\\.");
    // Both pings, with the figures.
    const p1 = new RegExp(`✔ Ping Tokyo → Singapore: ${tip} → ${sip}: 4/4 replies, 0% loss, round trip (\\d+\\.\\d) ms`).exec(r.stdout);
    const p2 = new RegExp(`✔ Ping Singapore → Tokyo: ${sip} → ${tip}: 4/4 replies, 0% loss, round trip (\\d+\\.\\d) ms`).exec(r.stdout);
    assert.ok(p1 && p2, r.stdout);
    for (const m of [p1, p2]) assert.ok(Number(m[1]) > 65 && Number(m[1]) < 76, `Tokyo–Singapore RTT ${m[1]} ms`);
    // No NAT: the receiver sees Tokyo's private IP.
    assert.match(r.stdout, new RegExp(`Singapore sees the login coming from ${tip} = Tokyo's own private IP`));
    // No Internet from Tokyo, with the reason.
    assert.match(r.stdout, /Ping the Internet \(8\.8\.8\.8\) from Tokyo: no reply, as expected\n\s+NO_ROUTE_TO_DESTINATION at rtb-/);
    // The broken route's explanation, and the repair.
    assert.match(r.stdout, /Tokyo → Singapore is blocked; route repaired, ping works again/);
    assert.match(r.stdout, /PCX_REQUIRES_ADDRESS_IN_VPC_CIDR at pcx-/);
    assert.match(r.stdout, /What this shows/);
    // The route really is back (state through the SDK) and the network works (engine).
    const rts = await lab.ec2("ap-northeast-1").send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [tokyo.VpcId!] }] }));
    const routes = rts.RouteTables!.flatMap((t) => t.Routes ?? []).map((x) => x.DestinationCidrBlock);
    assert.ok(routes.includes("172.31.0.0/16"));
    assert.ok(!routes.includes("172.16.0.0/24"));
    const ping = await lab.admin<{ verdict: string }>("POST", "/ping", { from: "tokyo-1", to: "singapore-1", count: 1 });
    assert.equal(ping.body.verdict, "reachable");

    // The transit gateway step: across two gateways and a TGW peering at ~the measured RTT, MTU 8500.
    const tg = /✔ Ping Tokyo → Singapore through the two transit gateways: (10\.60\.\d+\.\d+) → (10\.70\.\d+\.\d+): 4\/4 replies, 0% loss, round trip (\d+\.\d) ms, path MTU 8500 \(TGW route tables (tgw-rtb-\w+) → (tgw-rtb-\w+)\)/.exec(r.stdout);
    assert.ok(tg, r.stdout);
    assert.ok(Number(tg[3]) > 65 && Number(tg[3]) < 78, `Tokyo–Singapore RTT through TGWs ${tg[3]} ms`);
    // The blackhole, named by table and route, then repaired by the explanation's own fix.
    const tokyoTable = tg[4]!;
    assert.match(r.stdout, new RegExp(`with 10\\.70\\.0\\.0/16 a blackhole in ${tokyoTable}, Tokyo → Singapore is blocked; the explanation's fix put the route back \\(aws ec2 replace-transit-gateway-route --transit-gateway-route-table-id ${tokyoTable} --destination-cidr-block 10\\.70\\.0\\.0/16 --transit-gateway-attachment-id tgw-attach-\\w+ --region ap-northeast-1\\), ping works again`));
    assert.match(r.stdout, new RegExp(`TGW_RTB_BAD_STATE_ROUTE at ${tokyoTable}: route 10\\.70\\.0\\.0/16 in transit gateway route table ${tokyoTable} \\(ap-northeast-1\\) drops the packet: it is a blackhole route`));
    const routesNow = (await lab.ec2("ap-northeast-1").send(new SearchTransitGatewayRoutesCommand({ TransitGatewayRouteTableId: tokyoTable, Filters: [{ Name: "route-search.exact-match", Values: ["10.70.0.0/16"] }] }))).Routes!;
    assert.deepEqual(routesNow.map((x) => [x.State, x.Type]), [["active", "static"]]);
    const across = await lab.admin<{ verdict: string; pathMtu: number }>("POST", "/analyze", { from: "tokyo-tgw-1", to: "singapore-tgw-1", toRegion: "ap-southeast-1" });
    assert.equal(across.body.verdict, "reachable");
    assert.equal(across.body.pathMtu, 8500);

    // A second demo on the same server reuses the topology and gives the same story, as JSON.
    const j = await vpclab(["demo", "--endpoint-url", lab.url, "--json", "--clean"]);
    assert.equal(j.code, 0, j.stderr);
    const report = JSON.parse(j.stdout);
    assert.equal(report.startedInProcess, false);
    assert.equal(report.pingTokyoToSingapore.lossPercent, 0);
    assert.equal(report.sshSourceSeen, tokyo.PrivateIpAddress);
    assert.equal(report.internet.reachable, false);
    assert.equal(report.brokenRoute.reachable, false);
    assert.equal(report.brokenRoute.restored, true);
    assert.equal(report.tgw.pathMtu, 8500);
    assert.equal(report.tgw.ping.lossPercent, 0);
    assert.equal(report.tgw.blackhole.reachable, false);
    assert.equal(report.tgw.blackhole.restored, true);
    assert.equal(report.tgw.blackhole.routeTableId, tokyoTable);
    assert.match(report.tgw.blackhole.route, /^10\.70\.0\.0\/16 → tgw-attach-/);
    // --clean removed the seed.
    const left = await lab.ec2("ap-northeast-1").send(new DescribeInstancesCommand({ Filters: [{ Name: "tag:Name", Values: ["tokyo-1"] }, { Name: "instance-state-name", Values: ["running"] }] }));
    assert.equal(left.Reservations?.length ?? 0, 0);
    const gateways = (await lab.ec2("ap-northeast-1").send(new DescribeTransitGatewaysCommand({}))).TransitGateways!.filter((g) => g.State !== "deleted" && g.State !== "deleting");
    assert.deepEqual(gateways, []);
  });

  it("starts vpclab in-process when nothing answers, and stops it at the end", async () => {
    const port = await freePort();
    const r = await vpclab(["demo", "--endpoint-url", `http://127.0.0.1:${port}`]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, new RegExp(`started vpclab in this process at http://127\\.0\\.0\\.1:${port}`));
    assert.match(r.stdout, /✔ Ping Tokyo → Singapore: .*0% loss/);
    assert.match(r.stdout, /is stopped now/);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/_vpclab/health`), "the in-process server is gone");
  });
});
