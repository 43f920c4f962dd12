import { startLab } from "/work/wt/netns/test/support/harness.js";
import { buildSeed } from "/work/wt/netns/test/support/seed.js";
const lab = await startLab({ dataplane: "netns" });
const seed = await buildSeed(lab, lab.ec2("ap-northeast-1"), lab.ec2("ap-southeast-1"));
await new Promise((r) => setTimeout(r, 300));
const st = (await lab.admin("GET", "/dataplane")).body as any;
console.log(JSON.stringify(st, null, 1), seed.tokyoIp, seed.singaporeIp);
await new Promise((r) => setTimeout(r, Number(process.env.HOLD ?? 40000)));
await lab.close();
