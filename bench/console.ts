/**
 * Console map benchmark: 500 VPCs in 10 regions (each new VPC with two subnets, every other one with an
 * instance, 40 active peerings), opened in Debian's chromium through puppeteer-core. Prints:
 * - first map: from navigation to the map drawn (all describe calls, element diff, fCoSE layout);
 * - live update: from a CreateVpc by the SDK to the new VPC on the map (event tick, reload, re-layout);
 * - interaction: frame times while zooming and panning for 120 animation frames;
 * - a path: "Analyze path" to the drawn path.
 *
 * Build and run: `npm run build && node dist/bench/console.js` (needs /usr/bin/chromium).
 * Not a timed test: it prints its figures and exits 0. Target: stays responsive (frames under 50 ms
 * while panning; an update within a few seconds).
 */
import { performance } from "node:perf_hooks";
import { CreateSubnetCommand, CreateVpcCommand, CreateVpcPeeringConnectionCommand, AcceptVpcPeeringConnectionCommand, DescribeImagesCommand, EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import puppeteer, { type Page } from "puppeteer-core";
import { startVpclab } from "../src/index.js";

const REGIONS = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-northeast-1", "ap-southeast-1", "ap-southeast-2", "ap-south-1", "sa-east-1"];
const NEW_PER_REGION = 49; // + the default VPC = 50 per region, 500 in all

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const lab = await startVpclab({ port: 0, quotas: { vpcsPerRegion: 100 } });
  const client = (region: string) => new EC2Client({ endpoint: lab.url, region, credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 });
  const t0 = performance.now();
  const vpcs: Record<string, string[]> = {};
  let instances = 0;
  await Promise.all(
    REGIONS.map(async (region) => {
      const ec2 = client(region);
      const image = (await ec2.send(new DescribeImagesCommand({ Owners: ["amazon"] }))).Images![0]!.ImageId!;
      vpcs[region] = [];
      for (let i = 0; i < NEW_PER_REGION; i++) {
        const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: `10.${i}.0.0/16`, TagSpecifications: [{ ResourceType: "vpc", Tags: [{ Key: "Name", Value: `${region}-${i}` }] }] }))).Vpc!.VpcId!;
        vpcs[region]!.push(vpc);
        const a = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: `10.${i}.1.0/24`, AvailabilityZone: `${region}a` }))).Subnet!.SubnetId!;
        await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: `10.${i}.2.0/24`, AvailabilityZone: `${region}c` }));
        if (i % 2 === 0) {
          await ec2.send(new RunInstancesCommand({ ImageId: image, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, SubnetId: a }));
          instances++;
        }
      }
      ec2.destroy();
    }),
  );
  // Peerings between neighbouring regions' VPCs (non-overlapping: 10.i vs 10.(i+1)).
  let peerings = 0;
  for (let r = 0; r < REGIONS.length; r++) {
    const from = REGIONS[r]!;
    const to = REGIONS[(r + 1) % REGIONS.length]!;
    for (let i = 0; i < 4; i++) {
      const req = client(from);
      const acc = client(to);
      const pcx = (await req.send(new CreateVpcPeeringConnectionCommand({ VpcId: vpcs[from]![i * 2]!, PeerVpcId: vpcs[to]![i * 2 + 1]!, PeerRegion: to }))).VpcPeeringConnection!.VpcPeeringConnectionId!;
      await acc.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
      peerings++;
      req.destroy();
      acc.destroy();
    }
  }
  console.log(`world: ${REGIONS.length} regions, ${REGIONS.length * (NEW_PER_REGION + 1)} VPCs, ${instances} instances, ${peerings} peerings (built in ${Math.round(performance.now() - t0)} ms)`);

  const browser = await puppeteer.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
  try {
    const runs: { first: number; stats: string }[] = [];
    let page!: Page;
    for (let run = 0; run < 3; run++) {
      if (page) await page.close();
      page = await browser.newPage();
      await page.setViewport({ width: 1360, height: 820 });
      const start = performance.now();
      await page.goto(`${lab.url}/_vpclab/console/#/map`, { waitUntil: "load" });
      await page.waitForFunction(() => /500 VPCs/.test(document.querySelector("#map-stats")?.textContent ?? "") && /layout/.test(document.querySelector("#map-stats")?.textContent ?? ""), { timeout: 120_000, polling: 50 });
      runs.push({ first: performance.now() - start, stats: await page.$eval("#map-stats", (e) => e.textContent!) });
    }
    console.log(`first map (navigation → drawn), median of 3: ${Math.round(median(runs.map((r) => r.first)))} ms; the console's own figures: ${runs.map((r) => r.stats.replace(/^.*· /, "")).join(" | ")}`);
    console.log(`elements on the map: ${await page.evaluate(() => window.vpclabMap!.elements().length)}`);

    const updates: number[] = [];
    const ec2 = client("eu-west-1");
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: `10.${200 + i}.0.0/16` }))).Vpc!.VpcId!;
      await page.waitForFunction((id) => window.vpclabMap!.getElementById(id).length === 1, { timeout: 60_000, polling: 20 }, vpc);
      updates.push(performance.now() - start);
    }
    ec2.destroy();
    console.log(`live update (CreateVpc by the SDK → on the map), median of 5: ${Math.round(median(updates))} ms (min ${Math.round(Math.min(...updates))}, max ${Math.round(Math.max(...updates))})`);

    // Real input (wheel and drag over the map), as a user zooms and pans; frame times recorded in the page.
    await page.evaluate(() => {
      const w = window as unknown as { frames: number[]; recording: boolean };
      w.frames = [];
      w.recording = true;
      let last = performance.now();
      const step = () => {
        const now = performance.now();
        w.frames.push(now - last);
        last = now;
        if (w.recording) requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    });
    const box = (await (await page.$("#map"))!.boundingBox())!;
    const cx = box.x + box.width / 2;
    const cyy = box.y + box.height / 2;
    await page.mouse.move(cx, cyy);
    for (let i = 0; i < 15; i++) {
      await page.mouse.wheel({ deltaY: -120 });
      await new Promise((r) => setTimeout(r, 30));
    }
    await page.mouse.down();
    for (let i = 0; i < 40; i++) await page.mouse.move(cx - i * 8, cyy - i * 4);
    await page.mouse.up();
    const frames = await page.evaluate(() => {
      const w = window as unknown as { frames: number[]; recording: boolean };
      w.recording = false;
      return w.frames.slice(1);
    });
    const settled = await page.$eval("#map-stats", (e) => e.textContent!);
    const sorted = [...frames].sort((a, b) => a - b);
    console.log(`the console's figures for the last update: ${settled.replace(/^.*· /, "")}`);
    console.log(`zoom (15 wheel steps) and pan (a 40-step drag), ${frames.length} frames: median frame ${median(frames).toFixed(1)} ms, 95th percentile ${sorted[Math.floor(sorted.length * 0.95)]!.toFixed(1)} ms, worst ${sorted[sorted.length - 1]!.toFixed(1)} ms`);

    const name = await page.evaluate(() => window.vpclabMap!.nodes(".instance")[0]!.data("label").split("\n")[0] as string);
    await page.type("#reach-from", name);
    await page.type("#reach-to", "8.8.8.8");
    await page.keyboard.press("Escape");
    const start = performance.now();
    await page.click("#reach-analyze");
    await page.waitForSelector("#reach-result");
    console.log(`"Analyze path" → result and path drawn: ${Math.round(performance.now() - start)} ms`);
  } finally {
    await browser.close();
    await lab.close();
  }
}

declare global {
  interface Window {
    vpclabMap?: import("cytoscape").Core;
  }
}

await main();
