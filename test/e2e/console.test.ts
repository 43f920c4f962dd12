/**
 * The web console in a real browser (Debian's chromium, driven by puppeteer-core; nothing downloads a
 * browser): the seed done with clicks only, "Can A reach B?" drawn on the map (reachable at ~70 ms both
 * ways, then blocked with its blocker marked once a route is removed), and a change made with the AWS
 * CLI appearing on the open map without a reload; "Apply fix" putting the route back; transit gateways
 * made with the CLI on the map and their page, a TGW peering accepted by clicks, the Internet as a source;
 * a NAT gateway, an S3 gateway endpoint and a flow log made by clicks, in their lists and on the map, a
 * path drawn through the NAT, and flow-log records after a console ping; a prefix list modified; an
 * egress-only gateway; a VPN connection by clicks and its route propagated into a route table. Screenshots go to $VPCLAB_SCREENSHOTS (the README's
 * come from docs/screenshots/) or a temporary directory.
 *
 * Skipped (with the reason printed) when no chromium is installed; .ci/run installs it.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import type { Core } from "cytoscape";
import {
  AllocateAddressCommand,
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeRouteTablesCommand,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import { startLab, type Lab } from "../support/harness.js";

declare global {
  interface Window {
    /** The map's Cytoscape instance, which the console exposes for tests and debugging. */
    vpclabMap?: Core;
  }
}

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
// The README's pictures: `VPCLAB_SCREENSHOTS=docs/screenshots node scripts/run-tests.mjs test/e2e/console.test.ts`.
// Other runs keep theirs out of the work tree.
const SHOTS = process.env.VPCLAB_SCREENSHOTS ?? join(tmpdir(), "vpclab-console-screenshots");
const TOKYO = "ap-northeast-1";
const SINGAPORE = "ap-southeast-1";
const TOKEN = "console-test-token";

async function openConsole(browser: Browser, lab: Lab): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1360, height: 820 });
  page.setDefaultTimeout(15_000);
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(String(e)));
  // Confirmations ("Accept pcx-…?") are accepted; the admin-token prompt gets the token.
  page.on("dialog", (d) => void (d.type() === "prompt" ? d.accept(TOKEN) : d.accept()));
  // A browser's plain GET / is redirected to the console.
  await page.goto(lab.url + "/", { waitUntil: "load" });
  assert.equal(new URL(page.url()).pathname, "/_vpclab/console/");
  await page.waitForSelector("header.top .live.on");
  (page as Page & { problems?: string[] }).problems = problems;
  return page;
}

/** Waits for an element of `selector` whose value (the DOM property: preact sets no attribute) is `value`. */
async function waitForValue(page: Page, selector: string, value: string): Promise<void> {
  await page.waitForFunction((s, v) => [...document.querySelectorAll<HTMLInputElement>(s)].some((e) => e.value === v), {}, selector, value);
}

async function region(page: Page, r: string): Promise<void> {
  await choose(page, "#region", r);
}

async function nav(page: Page, id: string): Promise<void> {
  await page.click(`a[data-nav="${id}"]`);
  await page.waitForSelector(id === "map" ? "#map" : "table.resources");
}

/** Replaces the field's text as a user would (select all, type), so the page's state follows every key. */
async function type(page: Page, selector: string, text: string): Promise<void> {
  await page.waitForSelector(selector);
  await page.click(selector, { count: 3 });
  await page.keyboard.press("Backspace");
  await page.type(selector, text);
  const value = await page.$eval(selector, (e) => (e as HTMLInputElement).value);
  assert.equal(value, text, `typed into ${selector}`);
}

/** Chooses an option once the select has it (options arrive from describe calls). */
async function choose(page: Page, selector: string, value: string): Promise<void> {
  await waitForValue(page, `${selector} option`, value);
  await page.select(selector, value);
}

/** Submits the open dialog and waits until it closes; an AWS error shown instead fails the test with its text. */
async function submit(page: Page, form: string): Promise<void> {
  await page.click(`${form} button[type=submit]`);
  await page.waitForFunction(
    (f) => !document.querySelector(f) || document.querySelector(`${f} .alert.error`),
    {},
    form,
  );
  const error = await page.$eval(`${form} .alert.error`, (e) => e.textContent).catch(() => null);
  assert.equal(error, null, `the console showed an error for ${form}`);
}

/** The data-id of the list row whose text contains every one of `texts`, once it is there. */
async function rowId(page: Page, ...texts: string[]): Promise<string> {
  const handle = await page.waitForFunction(
    (ts: string[]) => {
      const row = [...document.querySelectorAll<HTMLTableRowElement>("table.resources tr[data-id]")].find((tr) => ts.every((t) => tr.textContent!.includes(t)));
      return row?.dataset.id;
    },
    {},
    texts,
  );
  return (await handle.jsonValue()) as string;
}

async function selectRow(page: Page, id: string): Promise<void> {
  await page.click(`tr[data-id="${id}"]`);
}

async function tab(page: Page, title: string): Promise<void> {
  const buttons = await page.$$(".tabs nav button");
  for (const b of buttons) if ((await b.evaluate((e) => e.textContent)) === title) return b.click();
  assert.fail(`no tab ${title}`);
}

/** Adds an inbound rule (type, source) to the selected group through "Edit inbound rules". */
async function addInbound(page: Page, rules: [string, string][]): Promise<void> {
  await page.click("#edit-inbound");
  await page.waitForSelector("#edit-rules-form");
  const before = (await page.$$("#edit-rules-form tbody tr")).length;
  for (const [i, [kind, source]] of rules.entries()) {
    await page.click("#add-rule");
    const row = `#edit-rules-form tbody tr:nth-child(${before + i + 1})`;
    await page.select(`${row} .rule-type`, kind);
    await type(page, `${row} .rule-peer`, source);
  }
  await submit(page, "#edit-rules-form");
}

async function analyze(page: Page, from: string, to: string): Promise<{ verdict: string; rtt: string; mtu: string }> {
  await type(page, "#reach-from", from);
  await type(page, "#reach-to", to);
  // Close the datalist's suggestions, which would take the next click.
  await page.keyboard.press("Escape");
  const runs = await page.$eval("#reach-result", (e) => Number((e as HTMLElement).dataset.n)).catch(() => 0);
  await page.click("#reach-analyze");
  await page.waitForSelector(`#reach-result[data-n="${runs + 1}"], #reach .alert.error`).catch(async (e) => {
    await shot(page, "failure");
    throw e;
  });
  const error = await page.$eval("#reach .alert.error", (e) => e.textContent).catch(() => null);
  assert.equal(error, null, `analysis ${from} → ${to} refused`);
  return page.$eval("#reach-result", (e) => ({
    verdict: (e as HTMLElement).dataset.verdict!,
    rtt: document.querySelector("#reach-rtt")!.textContent!,
    mtu: document.querySelector("#reach-mtu")!.textContent!,
  }));
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, type: "png" });
}

describe("web console in Chromium", { skip: CHROMIUM ? false : "chromium is not installed (apt-get install chromium)" }, () => {
  let lab: Lab;
  let browser: Browser;
  before(async () => {
    lab = await startLab({ adminToken: TOKEN });
    browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
  });
  after(async () => {
    await browser?.close();
    await lab?.close();
  });

  test("the seed by clicks only, then 'Can A reach B?': ~70 ms both ways, and a blocked path with its blocker drawn", { timeout: 180_000 }, async () => {
    const page = await openConsole(browser, lab);

    // Singapore keeps its default VPC: read its id from the VPC list.
    await region(page, SINGAPORE);
    await nav(page, "vpcs");
    const singVpc = await rowId(page, "172.31.0.0/16", "Yes");

    // 2. Tokyo's VPC and subnet.
    await region(page, TOKYO);
    await page.click("#create-vpc");
    await type(page, "#vpc-name", "tokyo-vpc");
    await type(page, "#vpc-cidr", "10.20.0.0/16");
    await submit(page, "#create-vpc-form");
    const tokyoVpc = await rowId(page, "tokyo-vpc");
    // Lists filter on any column and sort by a header.
    await type(page, "input.filter", "10.20.");
    await page.waitForFunction(() => document.querySelectorAll("table.resources tbody tr[data-id]").length === 1);
    await page.click("input.filter", { count: 3 });
    await page.keyboard.press("Backspace");
    await page.waitForFunction(() => document.querySelectorAll("table.resources tbody tr[data-id]").length === 2);
    for (const th of await page.$$("table.resources th")) if ((await th.evaluate((e) => e.textContent)) === "IPv4 CIDR") await th.click();
    assert.deepEqual(await page.$$eval("table.resources tbody tr[data-id] td:nth-child(5)", (tds) => tds.map((t) => t.textContent)), ["10.20.0.0/16", "172.31.0.0/16"]);
    await nav(page, "subnets");
    await page.click("#create-subnet");
    await choose(page, "#subnet-vpc", tokyoVpc);
    await type(page, "#subnet-name", "tokyo-subnet");
    await choose(page, "#subnet-az", "ap-northeast-1a");
    await type(page, "#subnet-cidr", "10.20.1.0/24");
    await submit(page, "#create-subnet-form");
    const tokyoSubnet = await rowId(page, "tokyo-subnet");

    // A refusal shows AWS's own error text: the same CIDR again conflicts.
    await page.click("#create-subnet");
    await choose(page, "#subnet-vpc", tokyoVpc);
    await type(page, "#subnet-cidr", "10.20.1.0/24");
    await page.click("#create-subnet-form button[type=submit]");
    const refusal = await page.waitForSelector("#create-subnet-form .alert.error");
    assert.match((await refusal!.evaluate((e) => e.textContent))!, /InvalidSubnet\.Conflict: The CIDR '10\.20\.1\.0\/24' conflicts with another subnet/);
    await page.click(".modal footer button[type=button]");

    // 3. Request the peering from Tokyo, the accepter's VPC id typed by hand.
    await nav(page, "peering");
    await page.click("#create-peering");
    await type(page, "#pcx-name", "tokyo-singapore");
    await choose(page, "#pcx-vpc", tokyoVpc);
    await choose(page, "#pcx-region", SINGAPORE);
    await type(page, "#pcx-peer-vpc", singVpc);
    await submit(page, "#create-peering-form");
    const pcx = await rowId(page, "tokyo-singapore");

    // 4. Accept it in Singapore.
    await region(page, SINGAPORE);
    await rowId(page, pcx, "pending-acceptance");
    await selectRow(page, pcx);
    await page.click("#accept-peering");
    await rowId(page, pcx, "active");

    // 5. Routes: Singapore's main table gets 10.20.0.0/16 → pcx.
    await nav(page, "route-tables");
    const singRtb = await rowId(page, singVpc, "Yes");
    await selectRow(page, singRtb);
    await page.click("#edit-routes");
    await page.click("#add-route");
    await type(page, "#edit-routes-form tbody tr:last-child .route-dest", "10.20.0.0/16");
    await type(page, "#edit-routes-form tbody tr:last-child .route-target", pcx);
    await submit(page, "#edit-routes-form");
    await page.waitForFunction((p) => document.querySelector("#routes")?.textContent?.includes(p), {}, pcx);

    // Tokyo: a route table of its own, with 172.31.0.0/16 → pcx, associated with the subnet.
    await region(page, TOKYO);
    await page.click(".actions button.primary");
    await page.waitForSelector(".modal form");
    await type(page, ".modal form input", "tokyo-rtb");
    await choose(page, "#rtb-vpc", tokyoVpc);
    await page.click(".modal form button[type=submit]");
    const tokyoRtb = await rowId(page, "tokyo-rtb");
    await selectRow(page, tokyoRtb);
    await page.click("#edit-routes");
    await page.click("#add-route");
    await type(page, "#edit-routes-form tbody tr:last-child .route-dest", "172.31.0.0/16");
    await type(page, "#edit-routes-form tbody tr:last-child .route-target", pcx);
    await submit(page, "#edit-routes-form");
    await tab(page, "Subnet associations");
    await page.click("#edit-associations");
    await page.waitForSelector(`input[data-subnet="${tokyoSubnet}"]`);
    await page.click(`input[data-subnet="${tokyoSubnet}"]`);
    await submit(page, "#edit-associations-form");
    await page.waitForFunction((s) => document.querySelector("#associations")?.textContent?.includes(s), {}, tokyoSubnet);

    // 6. Security groups: ICMP and SSH from the other side, on each VPC's default group.
    await nav(page, "security-groups");
    const tokyoSg = await rowId(page, tokyoVpc, "default");
    await selectRow(page, tokyoSg);
    await addInbound(page, [["All ICMP - IPv4", "172.31.0.0/16"], ["SSH", "172.31.0.0/16"]]);
    await page.waitForFunction(() => document.querySelector("#inbound-rules")?.textContent?.includes("172.31.0.0/16"));
    await region(page, SINGAPORE);
    const singSg = await rowId(page, singVpc, "default");
    await selectRow(page, singSg);
    await addInbound(page, [["All ICMP - IPv4", "10.20.0.0/16"], ["SSH", "10.20.0.0/16"]]);
    await page.waitForFunction(() => document.querySelector("#inbound-rules")?.textContent?.includes("10.20.0.0/16"));

    // 7. Launch both instances.
    for (const [r, name, vpc, subnetText, sg] of [
      [TOKYO, "tokyo-1", tokyoVpc, tokyoSubnet, tokyoSg],
      [SINGAPORE, "singapore-1", singVpc, "ap-southeast-1a", singSg],
    ] as const) {
      await region(page, r);
      await nav(page, "instances");
      await page.click("#launch-instance");
      await type(page, "#launch-name", name);
      await page.waitForSelector("#launch-image option");
      await choose(page, "#launch-vpc", vpc);
      const subnet = await page.waitForFunction(
        (t) => [...document.querySelectorAll<HTMLOptionElement>("#launch-subnet option")].find((o) => o.textContent!.includes(t))?.value,
        {},
        subnetText,
      );
      await page.select("#launch-subnet", (await subnet.jsonValue()) as string);
      await waitForValue(page, "#launch-sgs input", sg);
      await page.$$eval("#launch-sgs input", (inputs, v) => inputs.find((i) => (i as HTMLInputElement).value === v)?.click(), sg);
      await submit(page, "#launch-form");
      await rowId(page, name, "running");
    }
    await shot(page, "instances");

    // 8. On the map: both regions, the peering active, the instances with their private IPs.
    await nav(page, "map");
    await page.waitForFunction((p) => window.vpclabMap?.getElementById(p).hasClass("active"), {}, pcx);
    const onMap = await page.evaluate(() => {
      const cy = window.vpclabMap!;
      return { regions: cy.nodes(".region").map((n) => n.id()), instances: cy.nodes(".instance").map((n) => n.data("label") as string) };
    });
    assert.ok(onMap.regions.includes(`region/${TOKYO}`) && onMap.regions.includes(`region/${SINGAPORE}`), onMap.regions.join(" "));
    assert.equal(onMap.instances.length, 2);
    assert.ok(onMap.instances.some((l) => /tokyo-1\n10\.20\.1\.\d+/.test(l)), onMap.instances.join(" | "));

    // Clicking an element shows its details.
    await page.evaluate((p) => window.vpclabMap!.getElementById(p).emit("tap"), pcx);
    const details = await page.waitForSelector("#map-details");
    assert.match((await details!.evaluate((e) => e.textContent))!, new RegExp(`Peering connection ID${pcx}Statusactive.*Requester${tokyoVpc} \\(10\\.20\\.0\\.0/16\\), ${TOKYO}`));

    // "Can A reach B?" both ways: reachable, ~70 ms (Tokyo–Singapore's median), MTU 8500 over inter-region peering.
    for (const [from, to] of [["tokyo-1", "singapore-1"], ["singapore-1", "tokyo-1"]]) {
      const a = await analyze(page, from, to);
      assert.equal(a.verdict, "reachable", `${from} → ${to}`);
      const ms = parseFloat(a.rtt);
      assert.ok(ms > 60 && ms < 80, `${from} → ${to}: ${a.rtt}`);
      assert.equal(a.mtu, "8500");
    }
    const path = await page.evaluate(() => window.vpclabMap!.edges(".path").length);
    assert.ok(path > 0, "the path is drawn on the map");
    await page.click("#ping-start");
    await page.waitForFunction(() => (document.querySelector("#ping-output")?.textContent?.match(/time=\d/g) ?? []).length >= 2);
    await page.click("#ping-stop");
    assert.match(await page.$eval("#ping-output", (e) => e.textContent!), /bytes from 10\.20\.1\.\d+: icmp_seq=1 ttl=\d+ time=(6|7)\d\.\d ms/);
    await shot(page, "map");

    // Remove Tokyo's route to Singapore, in the console: the path is blocked, and the blocker drawn.
    await nav(page, "route-tables");
    await region(page, TOKYO);
    await selectRow(page, await rowId(page, "tokyo-rtb"));
    await page.click("#edit-routes");
    const removed = await page.$$eval("#edit-routes-form tbody tr", (rows) => {
      const row = rows.find((r) => (r.querySelector(".route-dest") as HTMLInputElement).value === "172.31.0.0/16");
      row?.querySelector("button")?.click();
      return Boolean(row);
    });
    assert.ok(removed);
    await submit(page, "#edit-routes-form");
    await nav(page, "map");
    await page.waitForSelector("#map-stats");
    const blocked = await analyze(page, "tokyo-1", "singapore-1");
    assert.equal(blocked.verdict, "blocked");
    assert.match(await page.$eval("#reach-blockers", (e) => e.textContent!), /NO_ROUTE_TO_DESTINATION at rtb-/);
    const marks = await page.evaluate(() => window.vpclabMap!.elements(".blocker").map((e) => e.data("blockerLabel") as string));
    assert.ok(marks.some((m) => m.includes("NO_ROUTE_TO_DESTINATION")), `blocker drawn on the map: ${marks.join(" | ")}`);
    await shot(page, "blocked");

    // The structured fix is shown as its AWS CLI command, then "Apply fix" runs its CreateRoute through
    // the EC2 API (after the confirmation) and analyses again.
    assert.match(await page.$eval('pre.fix-command[data-action="CreateRoute"]', (e) => e.textContent!), /^aws ec2 create-route --route-table-id rtb-\S+ --destination-cidr-block 172\.31\.0\.0\/16 --vpc-peering-connection-id pcx-/);
    const runs = await page.$eval("#reach-result", (e) => Number((e as HTMLElement).dataset.n));
    await page.click('button.apply-fix[data-code="NO_ROUTE_TO_DESTINATION"]');
    await page.waitForSelector(`#reach-result[data-n="${runs + 1}"]`);
    assert.equal(await page.$eval("#reach-result", (e) => (e as HTMLElement).dataset.verdict), "reachable");
    assert.equal(await page.evaluate(() => window.vpclabMap!.elements(".blocker").length), 0);
    assert.deepEqual((page as Page & { problems?: string[] }).problems, []);
    await page.close();
  });

  test("a change made with the AWS CLI appears on the open map without a reload", { timeout: 60_000 }, async () => {
    const page = await openConsole(browser, lab);
    await nav(page, "map");
    await page.waitForFunction(() => (window.vpclabMap?.nodes(".vpc").length ?? 0) > 0);
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    const out = await lab.cli(["ec2", "create-vpc", "--cidr-block", "10.77.0.0/16", "--tag-specifications", "ResourceType=vpc,Tags=[{Key=Name,Value=from-the-cli}]"], { region: "eu-west-3" });
    assert.equal(out.code, 0, out.stderr);
    const vpcId = (out.json as { Vpc: { VpcId: string } }).Vpc.VpcId;
    await page.waitForFunction((id) => window.vpclabMap?.getElementById(id).length === 1, { timeout: 10_000 }, vpcId);
    const seen = await page.evaluate((id) => {
      const n = window.vpclabMap!.getElementById(id);
      return { label: n.data("label") as string, parent: n.data("parent") as string, notReloaded: (window as unknown as { notReloaded?: boolean }).notReloaded };
    }, vpcId);
    assert.match(seen.label, /from-the-cli/);
    assert.match(seen.label, /10\.77\.0\.0\/16/);
    assert.equal(seen.parent, "region/eu-west-3");
    assert.equal(seen.notReloaded, true, "the page was not reloaded");
    await page.close();
  });

  test("transit gateways made with the AWS CLI appear on the map and their pages; a TGW peering is accepted by clicks; the Internet as a source", { timeout: 90_000 }, async () => {
    const PARIS = "eu-west-3";
    const LONDON = "eu-west-2";
    const cli = async (args: string[], r: string) => {
      const out = await lab.cli(["ec2", ...args], { region: r });
      assert.equal(out.code, 0, out.stderr);
      return out.json as any;
    };
    const page = await openConsole(browser, lab);
    await nav(page, "map");
    const vpc = (await cli(["create-vpc", "--cidr-block", "10.88.0.0/16"], PARIS)).Vpc.VpcId as string;
    const subnet = (await cli(["create-subnet", "--vpc-id", vpc, "--cidr-block", "10.88.1.0/24"], PARIS)).Subnet.SubnetId as string;
    const tgw = (await cli(["create-transit-gateway", "--tag-specifications", "ResourceType=transit-gateway,Tags=[{Key=Name,Value=paris-hub}]"], PARIS)).TransitGateway.TransitGatewayId as string;
    const attach = (await cli(["create-transit-gateway-vpc-attachment", "--transit-gateway-id", tgw, "--vpc-id", vpc, "--subnet-ids", subnet], PARIS)).TransitGatewayVpcAttachment.TransitGatewayAttachmentId as string;
    const london = (await cli(["create-transit-gateway"], LONDON)).TransitGateway.TransitGatewayId as string;
    const peering = (await cli(["create-transit-gateway-peering-attachment", "--transit-gateway-id", tgw, "--peer-transit-gateway-id", london, "--peer-account-id", "000000000000", "--peer-region", LONDON], PARIS)).TransitGatewayPeeringAttachment.TransitGatewayAttachmentId as string;
    // On the open map, without a reload: the TGW in its region, the VPC attachment, the pending peering between regions.
    await page.waitForFunction(
      (t, a, p) => {
        const cy = window.vpclabMap;
        const e = cy?.getElementById(a);
        const pe = cy?.getElementById(p);
        return cy?.getElementById(t).hasClass("tgw") && e?.length === 1 && e.hasClass("available") && pe?.length === 1 && pe.hasClass("pendingAcceptance");
      },
      { timeout: 10_000 },
      tgw,
      attach,
      peering,
    );
    const drawn = await page.evaluate((t, a, p) => {
      const cy = window.vpclabMap!;
      return { parent: cy.getElementById(t).data("parent"), label: cy.getElementById(t).data("label"), ends: [cy.getElementById(a).data("source"), cy.getElementById(a).data("target")], peer: [cy.getElementById(p).source().data("parent"), cy.getElementById(p).target().data("parent")] };
    }, tgw, attach, peering);
    assert.equal(drawn.parent, `region/${PARIS}`);
    assert.match(drawn.label, /paris-hub/);
    assert.deepEqual(drawn.ends, [vpc, tgw]);
    assert.deepEqual(drawn.peer, [`region/${PARIS}`, `region/${LONDON}`]);
    await shot(page, "map-tgw");

    // The Transit gateways page lists it; the peering is accepted in the accepter's Region by clicks.
    await region(page, PARIS);
    await nav(page, "transit-gateways");
    await rowId(page, tgw, "paris-hub", "available");
    // Its default route table: the VPC attachment is associated and propagates; disabling the
    // propagation by a click empties the Propagations tab and leaves the association.
    const rtb = (await cli(["describe-transit-gateways", "--transit-gateway-ids", tgw], PARIS)).TransitGateways[0].Options.AssociationDefaultRouteTableId as string;
    await nav(page, "tgw-route-tables");
    await selectRow(page, await rowId(page, rtb));
    await tab(page, "Associations");
    await page.waitForFunction((a) => document.querySelector("#tgw-associations")?.textContent?.includes(a), {}, attach);
    await tab(page, "Propagations");
    await page.waitForFunction((a) => document.querySelector("#tgw-propagations")?.textContent?.includes(a), {}, attach);
    await page.click("#tgw-propagations button");
    await page.waitForFunction(() => document.querySelector("#tgw-propagations tbody")?.children.length === 0);
    const left = await cli(["get-transit-gateway-route-table-associations", "--transit-gateway-route-table-id", rtb], PARIS);
    assert.deepEqual(left.Associations.map((x: { TransitGatewayAttachmentId: string }) => x.TransitGatewayAttachmentId), [attach]);
    await region(page, LONDON);
    await nav(page, "tgw-attachments");
    await selectRow(page, await rowId(page, peering, "pendingAcceptance"));
    await page.waitForSelector("#accept-tgw-peering:not([disabled])");
    await page.click("#accept-tgw-peering");
    await nav(page, "map");
    await page.waitForFunction((p) => window.vpclabMap?.getElementById(p).hasClass("pendingAcceptance") === false, {}, peering);

    // The Internet as a source: a private address is not reachable from it, and the analyzer says why.
    const a = await analyze(page, "internet", "10.88.1.10");
    assert.equal(a.verdict, "blocked");
    assert.match(await page.$eval("#reach-blockers", (e) => e.textContent!), /IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS/);
    assert.deepEqual((page as Page & { problems?: string[] }).problems, []);
    await page.close();
  });

  test("a NAT gateway, a gateway endpoint and a flow log made by clicks: in their lists, on the map, a path drawn through the NAT, and flow-log records after a console ping; a prefix list modified; an egress-only gateway; a VPN connection and route propagation", { timeout: 90_000 }, async () => {
    const FRANKFURT = "eu-central-1";
    // The network around them, with the SDK (quicker than a CLI process per call): a public subnet
    // (route to an IGW) and a private one with its own table and an instance.
    const ec2 = lab.ec2(FRANKFURT);
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.66.0.0/16" }))).Vpc!.VpcId!;
    const pub = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.66.0.0/24", TagSpecifications: [{ ResourceType: "subnet", Tags: [{ Key: "Name", Value: "public-a" }] }] }))).Subnet!.SubnetId!;
    const priv = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.66.1.0/24" }))).Subnet!.SubnetId!;
    const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc }));
    const mainRtb = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpc] }] }))).RouteTables![0]!.RouteTableId!;
    await ec2.send(new CreateRouteCommand({ RouteTableId: mainRtb, DestinationCidrBlock: "0.0.0.0/0", GatewayId: igw }));
    const privRtb = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpc }))).RouteTable!.RouteTableId!;
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: privRtb, SubnetId: priv }));
    const box = (await ec2.send(new RunInstancesCommand({ ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, SubnetId: priv }))).Instances![0]!.InstanceId!;
    const eip = (await ec2.send(new AllocateAddressCommand({ Domain: "vpc" }))).AllocationId!;

    const page = await openConsole(browser, lab);
    await region(page, FRANKFURT);
    // NAT gateway: Create NAT gateway in the public subnet with the Elastic IP; listed, then available.
    await nav(page, "nat-gateways");
    await page.click("#create-nat");
    await type(page, "#nat-name", "frankfurt-nat");
    await choose(page, "#nat-subnet", pub);
    await choose(page, "#nat-eip", eip);
    await submit(page, "#create-nat-form");
    const nat = await rowId(page, "frankfurt-nat", pub, "available");
    await selectRow(page, nat);
    await page.waitForFunction(() => /Failure code/.test(document.querySelector(".details")?.textContent ?? ""));
    await ec2.send(new CreateRouteCommand({ RouteTableId: privRtb, DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: nat }));
    // Gateway endpoint: S3 for the private route table; listed with its table.
    await nav(page, "endpoints");
    await page.click("#create-endpoint");
    await choose(page, "#endpoint-vpc", vpc);
    await page.waitForSelector(`input[data-rtb="${privRtb}"]`);
    await page.click(`input[data-rtb="${privRtb}"]`);
    await submit(page, "#create-endpoint-form");
    const vpce = await rowId(page, `com.amazonaws.${FRANKFURT}.s3`, "Gateway", privRtb);
    // Flow log on the VPC.
    await nav(page, "flow-logs");
    await page.click("#create-flow-log");
    await choose(page, "#fl-resource", vpc);
    await submit(page, "#create-flow-log-form");
    const fl = await rowId(page, vpc, "ALL");

    // The map: the NAT in its subnet, the endpoint on its VPC; the path to the Internet goes through the NAT.
    await nav(page, "map");
    await page.waitForFunction((n, e) => window.vpclabMap?.getElementById(n).hasClass("nat") && window.vpclabMap?.getElementById(e).hasClass("vpce"), {}, nat, vpce);
    const placed = await page.evaluate((n, e) => [window.vpclabMap!.getElementById(n).data("parent"), window.vpclabMap!.getElementById(e).data("parent")], nat, vpce);
    assert.deepEqual(placed, [pub, vpc]);
    const a = await analyze(page, box, "8.8.8.8");
    assert.equal(a.verdict, "reachable");
    const through = await page.evaluate((n) => window.vpclabMap!.edges(".path").targets().map((t) => t.id()).includes(n) && window.vpclabMap!.getElementById(n).hasClass("on-path"), nat);
    assert.ok(through, "the drawn path goes through the NAT gateway");
    await shot(page, "map-nat");
    // A console ping, then its flow-log records on the Flow logs page, and more arriving while it is open.
    await page.click("#ping-start");
    await page.waitForFunction(() => /time=\d/.test(document.querySelector("#ping-output")?.textContent ?? ""));
    await page.click("#ping-stop");
    await nav(page, "flow-logs");
    await selectRow(page, await rowId(page, fl));
    await page.waitForSelector("#flow-records tr.flow-record[data-action=ACCEPT]");
    const before = (await page.$$("#flow-records tr.flow-record")).length;
    assert.match(await page.$eval("#flow-records", (e) => e.textContent!), new RegExp(`${fl}.*10\\.66\\.1\\.\\d+`));
    // Another client pings meanwhile (the admin API, as `vpclab ping` does): the open records view follows.
    const status = await page.evaluate(
      (from, token) => fetch("/_vpclab/ping", { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ from, to: "8.8.8.8", count: 1, region: "eu-central-1" }) }).then((r) => r.status),
      box,
      TOKEN,
    );
    assert.equal(status, 200);
    await page.waitForFunction((n) => document.querySelectorAll("#flow-records tr.flow-record").length > n, {}, before);

    // Managed prefix lists: AWS's own are listed; one of ours is created, modified (version 2) and read at version 1.
    await nav(page, "managed-prefix-lists");
    await rowId(page, `com.amazonaws.${FRANKFURT}.s3`, "AWS");
    await page.click("#create-pl");
    await type(page, "#pl-name", "office");
    await type(page, "#pl-max", "5");
    await type(page, "#pl-entries-new", "192.0.2.0/24");
    await submit(page, "#create-pl-form");
    const pl = await rowId(page, "office");
    await selectRow(page, pl);
    await page.waitForFunction(() => /192\.0\.2\.0\/24/.test(document.querySelector("#pl-entries")?.textContent ?? ""));
    await page.click("#modify-pl");
    await page.click('#modify-pl-form input[data-cidr="192.0.2.0/24"]');
    await type(page, "#pl-add", "198.51.100.0/24");
    await submit(page, "#modify-pl-form");
    await page.waitForFunction(() => {
      const t = document.querySelector("#pl-entries")?.textContent ?? "";
      return t.includes("198.51.100.0/24") && !t.includes("192.0.2.0/24");
    });
    await choose(page, "#pl-version", "1");
    await page.waitForFunction(() => {
      const t = document.querySelector("#pl-entries")?.textContent ?? "";
      return t.includes("192.0.2.0/24") && !t.includes("198.51.100.0/24");
    });
    // An egress-only internet gateway for the VPC.
    await nav(page, "egress-only-gateways");
    await page.click("#create-eigw");
    await choose(page, "#eigw-vpc", vpc);
    await submit(page, "#create-eigw-form");
    await rowId(page, "eigw-", vpc, "attached");

    // VPN: a virtual private gateway attached to the VPC, a customer gateway, a static VPN connection,
    // and the private route table propagating from the gateway (the connection's route appears, propagated).
    await nav(page, "vpn-gateways");
    await page.click("#create-vgw");
    await type(page, "#vgw-name", "frankfurt-vgw");
    await submit(page, "#create-vgw-form");
    const vgw = await rowId(page, "frankfurt-vgw", "available");
    await selectRow(page, vgw);
    await page.waitForSelector("#attach-vgw:not([disabled])");
    await page.click("#attach-vgw");
    await choose(page, "#vgw-vpc", vpc);
    await submit(page, "#attach-vgw-form");
    await rowId(page, vgw, vpc, "attached");
    await nav(page, "customer-gateways");
    await page.click("#create-cgw");
    await type(page, "#cgw-ip", "198.51.100.7");
    await submit(page, "#create-cgw-form");
    const cgw = await rowId(page, "198.51.100.7", "available");
    await nav(page, "vpn-connections");
    await page.click("#create-vpn");
    await choose(page, "#vpn-vgw", vgw);
    await choose(page, "#vpn-cgw", cgw);
    await type(page, "#vpn-routes-new", "192.168.0.0/16");
    await submit(page, "#create-vpn-form");
    await selectRow(page, await rowId(page, vgw, cgw, "Static"));
    await page.waitForFunction(() => /192\.168\.0\.0\/16/.test(document.querySelector("#vpn-routes")?.textContent ?? ""));
    await nav(page, "route-tables");
    await selectRow(page, await rowId(page, privRtb));
    await tab(page, "Route propagation");
    await page.waitForSelector(`#route-propagation tr[data-vgw="${vgw}"] .toggle-propagation`);
    await page.click(`#route-propagation tr[data-vgw="${vgw}"] .toggle-propagation`);
    await page.waitForFunction((g) => document.querySelector(`#route-propagation tr[data-vgw="${g}"]`)?.textContent?.includes("Yes"), {}, vgw);
    await tab(page, "Routes");
    await page.waitForFunction((g) => [...document.querySelectorAll("#routes tr")].some((tr) => tr.textContent!.includes("192.168.0.0/16") && tr.textContent!.includes(g) && tr.textContent!.endsWith("Yes")), {}, vgw);
    assert.deepEqual((page as Page & { problems?: string[] }).problems, []);
    await page.close();
  });
});
