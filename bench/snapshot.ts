/**
 * Snapshot load and audit benchmark, on a generated account in AWS's JSON shapes: 1,000 VPCs over 4
 * regions, each with one subnet, a route table (local + 0.0.0.0/0 → its internet gateway), a security
 * group for its web tier (tcp 22 and 443 from 0.0.0.0/0) and one for its db tier (tcp 5432 from
 * 10.0.0.0/8), a network ACL and 10 running instances with their interfaces (10,000 in all; five
 * `tier=web`, five `tier=db`; every tenth with a public IP); one transit gateway per region with every
 * VPC of the region attached, associated and propagating, and each VPC routing 10.0.0.0/8 to it (so
 * VPCs of one region reach each other, other regions not). Measures, in-process (what `--snapshot` runs):
 *  - import: snapshot files → domain records and state document (snapshot/import.ts) — the issue's
 *    "load under 3 s" target covers this plus the next line;
 *  - decode + replace: the document checked and installed in a world;
 *  - first question: the engine compiles the world and answers one `why`;
 *  - audit: every finding, including the Internet-exposure questions (target 5 s);
 *  - matrix: `audit --from … --to …` on tcp:5432 between 1,000 web and 1,000 db interfaces (the web
 *    and db tiers of 200 VPCs, grouped by region): equivalence classes (audit/classes.ts) against
 *    pair-by-pair questions on a sample, extrapolated (target 10 s);
 *  - the worst case for classes: 1,000 × 1,000 interfaces that are each alone in their class (one
 *    per VPC): a question per pair except where a known blocked forward path answers.
 *
 * Build and run: `npx tsc -p . && node dist/bench/snapshot.js [--vpcs N]`. Not a timed test: prints its
 * figures and exits 0. Reading the directory from disk is not included (JSON.parse of the files).
 */
import { importSnapshot } from "../src/snapshot/import.js";
import { decodeState } from "../src/state/document.js";
import { World } from "../src/state/world.js";
import { engineOf } from "../src/engine/index.js";
import { audit } from "../src/audit/audit.js";
import { interfaces, pairVerdict, probesFor, reachabilityMatrix, type Group } from "../src/audit/classes.js";

const arg = process.argv.indexOf("--vpcs");
const VPCS = arg > 0 ? Number(process.argv[arg + 1]) : 1000;
const PER_VPC = 10;
const REGIONS = ["us-east-1", "eu-central-1", "ap-northeast-1", "ap-southeast-1"];
const ACCOUNT = "123456789012";
const hex = (n: number, w = 17) => n.toString(16).padStart(w, "0");

function generate(): Record<string, unknown> {
  const files: Record<string, unknown> = {};
  const lists = new Map<string, Record<string, unknown[]>>();
  const L = (region: string, key: string) => {
    let r = lists.get(region);
    if (!r) lists.set(region, (r = {}));
    return (r[key] ??= []);
  };
  let eniN = 0;
  const perTable = new Map<string, { a: unknown[]; p: unknown[] }>();
  const table = (region: string) => {
    let t = perTable.get(region);
    if (!t) perTable.set(region, (t = { a: [], p: [] }));
    return t;
  };
  const assoc = (region: string) => table(region).a;
  const props = (region: string) => table(region).p;
  for (const [r, region] of REGIONS.entries()) {
    L(region, "TransitGateways").push({ TransitGatewayId: `tgw-${hex(r)}`, OwnerId: ACCOUNT, State: "available", Options: { AmazonSideAsn: 64512, AssociationDefaultRouteTableId: `tgw-rtb-${hex(r)}`, PropagationDefaultRouteTableId: `tgw-rtb-${hex(r)}` } });
    L(region, "TransitGatewayRouteTables").push({ TransitGatewayRouteTableId: `tgw-rtb-${hex(r)}`, TransitGatewayId: `tgw-${hex(r)}`, State: "available", DefaultAssociationRouteTable: true, DefaultPropagationRouteTable: true });
  }
  for (let v = 0; v < VPCS; v++) {
    const region = REGIONS[v % REGIONS.length]!;
    const vpc = `vpc-${hex(v)}`;
    const cidr = `10.${v >> 8}.${v & 255}.0`;
    const subnet = `subnet-${hex(v)}`;
    const igw = `igw-${hex(v)}`;
    const sg = `sg-${hex(v)}`;
    const sgDb = `sg-${hex(v + 0x100000)}`;
    const r = REGIONS.indexOf(region);
    const tgw = `tgw-${hex(r)}`;
    L(region, "Vpcs").push({ VpcId: vpc, OwnerId: ACCOUNT, CidrBlock: `${cidr}/24`, State: "available", IsDefault: false, DhcpOptionsId: "dopt-0000000000000000a", InstanceTenancy: "default", Tags: [{ Key: "Name", Value: `vpc-${v}` }] });
    L(region, "Subnets").push({ SubnetId: subnet, VpcId: vpc, OwnerId: ACCOUNT, CidrBlock: `${cidr}/24`, AvailabilityZone: `${region}a`, State: "available" });
    L(region, "InternetGateways").push({ InternetGatewayId: igw, OwnerId: ACCOUNT, Attachments: [{ VpcId: vpc, State: "available" }] });
    L(region, "RouteTables").push({
      RouteTableId: `rtb-${hex(v)}`,
      VpcId: vpc,
      OwnerId: ACCOUNT,
      Routes: [
        { DestinationCidrBlock: `${cidr}/24`, GatewayId: "local", Origin: "CreateRouteTable" },
        { DestinationCidrBlock: "0.0.0.0/0", GatewayId: igw, Origin: "CreateRoute" },
        { DestinationCidrBlock: "10.0.0.0/8", TransitGatewayId: tgw, Origin: "CreateRoute" },
      ],
      Associations: [{ Main: true, RouteTableAssociationId: `rtbassoc-${hex(v)}`, RouteTableId: `rtb-${hex(v)}` }],
    });
    L(region, "SecurityGroups").push({
      GroupId: sg,
      GroupName: `web-${v}`,
      Description: "web",
      VpcId: vpc,
      OwnerId: ACCOUNT,
      IpPermissions: [
        { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
        { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
      ],
      IpPermissionsEgress: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
    });
    L(region, "SecurityGroups").push({
      GroupId: sgDb,
      GroupName: `db-${v}`,
      Description: "db",
      VpcId: vpc,
      OwnerId: ACCOUNT,
      IpPermissions: [{ IpProtocol: "tcp", FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: "10.0.0.0/8" }] }],
      IpPermissionsEgress: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
    });
    const att = `tgw-attach-${hex(v)}`;
    L(region, "TransitGatewayVpcAttachments").push({ TransitGatewayAttachmentId: att, TransitGatewayId: tgw, VpcId: vpc, VpcOwnerId: ACCOUNT, State: "available", SubnetIds: [subnet] });
    assoc(region).push({ TransitGatewayAttachmentId: att, ResourceId: vpc, ResourceType: "vpc", State: "associated" });
    props(region).push({ TransitGatewayAttachmentId: att, ResourceId: vpc, ResourceType: "vpc", State: "enabled" });
    L(region, "NetworkAcls").push({
      NetworkAclId: `acl-${hex(v)}`,
      VpcId: vpc,
      OwnerId: ACCOUNT,
      IsDefault: true,
      Entries: [true, false].flatMap((Egress) => [
        { RuleNumber: 100, Protocol: "-1", RuleAction: "allow", Egress, CidrBlock: "0.0.0.0/0" },
        { RuleNumber: 32767, Protocol: "-1", RuleAction: "deny", Egress, CidrBlock: "0.0.0.0/0" },
      ]),
      Associations: [{ NetworkAclAssociationId: `aclassoc-${hex(v)}`, SubnetId: subnet }],
    });
    const instances: unknown[] = [];
    for (let i = 0; i < PER_VPC; i++, eniN++) {
      const ip = `${cidr.slice(0, -2)}.${10 + i}`;
      const ni: Record<string, unknown> = {
        NetworkInterfaceId: `eni-${hex(eniN)}`,
        SubnetId: subnet,
        VpcId: vpc,
        OwnerId: ACCOUNT,
        PrivateIpAddress: ip,
        PrivateIpAddresses: [{ PrivateIpAddress: ip, Primary: true }],
        Groups: [{ GroupId: i < 5 ? sg : sgDb }],
        Attachment: { AttachmentId: `eni-attach-${hex(eniN)}`, DeviceIndex: 0, Status: "attached", InstanceId: `i-${hex(eniN)}` },
        Status: "in-use",
      };
      if (i === 0) ni.Association = { PublicIp: `3.${(eniN >> 16) & 255}.${(eniN >> 8) & 255}.${eniN & 255}`, IpOwnerId: "amazon" };
      instances.push({ InstanceId: `i-${hex(eniN)}`, State: { Name: "running" }, SubnetId: subnet, VpcId: vpc, Placement: { AvailabilityZone: `${region}a` }, NetworkInterfaces: [ni], Tags: [{ Key: "Name", Value: `host-${eniN}` }, { Key: "tier", Value: i < 5 ? "web" : "db" }] });
    }
    L(region, "Reservations").push({ ReservationId: `r-${hex(v)}`, OwnerId: ACCOUNT, Instances: instances });
  }
  const FILE: Record<string, string> = {
    Vpcs: "describe-vpcs",
    Subnets: "describe-subnets",
    InternetGateways: "describe-internet-gateways",
    RouteTables: "describe-route-tables",
    SecurityGroups: "describe-security-groups",
    NetworkAcls: "describe-network-acls",
    Reservations: "describe-instances",
    TransitGateways: "describe-transit-gateways",
    TransitGatewayVpcAttachments: "describe-transit-gateway-vpc-attachments",
    TransitGatewayRouteTables: "describe-transit-gateway-route-tables",
  };
  for (const [region, byKey] of lists) for (const [k, list] of Object.entries(byKey)) files[`${ACCOUNT}/${region}/${FILE[k]}.json`] = { [k]: list };
  for (const [r, region] of REGIONS.entries()) {
    const id = `tgw-rtb-${hex(r)}`;
    files[`${ACCOUNT}/${region}/get-transit-gateway-route-table-associations.${id}.json`] = { Associations: table(region).a };
    files[`${ACCOUNT}/${region}/get-transit-gateway-route-table-propagations.${id}.json`] = { TransitGatewayRouteTablePropagations: table(region).p };
    files[`${ACCOUNT}/${region}/search-transit-gateway-routes.${id}.json`] = { Routes: [] };
  }
  return files;
}

const ms = (t: number) => `${(performance.now() - t).toFixed(0)} ms`;
const files = generate();
const text = JSON.stringify({ files });
console.log(`generated: ${VPCS} VPCs, ${VPCS * PER_VPC} instances/interfaces over ${REGIONS.length} regions (${(text.length / 1e6).toFixed(1)} MB of JSON)`);
let t = performance.now();
const { document, report } = importSnapshot({ files: JSON.parse(text).files }, Date.now());
const tImport = ms(t);
t = performance.now();
const world = new World(() => {}, {});
world.replaceParts(decodeState(document));
const tDecode = ms(t);
t = performance.now();
const a = engineOf(world).analyze({ source: "host-0", destination: "host-1", protocol: "tcp", port: 22, account: ACCOUNT });
const tFirst = ms(t);
t = performance.now();
const findings = audit(world);
const tAudit = ms(t);
const exposure = findings.filter((f) => f.kind === "internet-exposure").length;
t = performance.now();
const exposureOnly = audit(world, ["internet-exposure"]);
const tExposure = ms(t);

// Each kind alone.
const perKind: string[] = [];
for (const k of ["dead-route", "one-sided-route", "unused-connection", "open-admin-port", "shadowed-acl-entry", "unused-group"] as const) {
  t = performance.now();
  const n = audit(world, [k]).length;
  perKind.push(`${k} ${n}: ${(performance.now() - t).toFixed(0)} ms`);
}

// The matrix: web and db tiers of the first 200 VPCs (1,000 × 1,000 interfaces), grouped by region.
const all = interfaces(world);
const vpcIndex = (i: (typeof all)[number]) => parseInt(i.eni.vpcId.slice(4), 16);
const tierOf = (i: (typeof all)[number]) => i.instanceTags.get("tier");
const byRegion = (members: typeof all): Group[] => REGIONS.map((r) => ({ name: `${members === webs ? "web" : "db"} ${r}`, members: members.filter((i) => i.rs.region === r) }));
const webs = all.filter((i) => tierOf(i) === "web" && vpcIndex(i) < 200);
const dbs = all.filter((i) => tierOf(i) === "db" && vpcIndex(i) < 200);
t = performance.now();
const m = reachabilityMatrix(world, byRegion(webs), byRegion(dbs), "tcp", { from: 5432, to: 5432 });
const tMatrix = ms(t);
const reach = m.cells.reduce((n, c) => n + c.reachable, 0);
const pairs = m.cells.reduce((n, c) => n + c.pairs, 0);
// Pair by pair on a sample of 50 × 50 pairs, extrapolated to the 1,000 × 1,000.
const probes = probesFor(world, "tcp", { from: 5432, to: 5432 });
const sample = (xs: typeof all, n: number) => xs.filter((_, k) => k % Math.floor(xs.length / n) === 0).slice(0, n);
const bench = (a: typeof all, b: typeof all) => {
  const t0 = performance.now();
  let n = 0;
  for (const x of a) for (const y of b) if (x !== y) (pairVerdict(world, x, y, probes), n++);
  return (performance.now() - t0) / n;
};
const perPair = bench(sample(webs, 50), sample(dbs, 50));
// Worst case: one db interface per VPC, 1,000 VPCs each side: every interface is its own class.
const lone = all.filter((i) => tierOf(i) === "db" && i.eni.privateIps[0]!.address.endsWith(".15"));
t = performance.now();
const mLone = reachabilityMatrix(world, [{ name: "lone-a", members: lone }], [{ name: "lone-b", members: lone }], "tcp", { from: 5432, to: 5432 });
const tLone = performance.now() - t;
console.log(`| step | time |\n|---|---:|\n| JSON.parse + import (${report.loaded.networkInterfaces} interfaces, ${report.warnings.length} warnings) | ${tImport} |\n| decode + replace | ${tDecode} |\n| first why (compile + answer: ${a.verdict}) | ${tFirst} |\n| audit (${findings.length} findings, ${exposure} Internet exposures) | ${tAudit} |\n| Internet-exposure audit alone (${exposureOnly.length} findings) | ${tExposure} |\n| each other kind alone | ${perKind.join("; ")} |\n| matrix 1,000 × 1,000 (${pairs} pairs, ${reach} reachable; ${m.sourceClasses} × ${m.destinationClasses} classes, ${m.questions} engine questions, ${m.shortcuts} class pairs by known blocked paths) | ${tMatrix} |\n| the same pair by pair (${perPair.toFixed(3)} ms per pair on a 50 × 50 sample, × ${pairs}) | ~${((perPair * pairs) / 1000).toFixed(1)} s (extrapolated) |\n| worst case: ${lone.length} × ${lone.length} lone interfaces, each its own class (${mLone.questions} questions, ${mLone.shortcuts} class pairs by known blocked paths; ${mLone.cells[0]!.reachable} reachable) | ${tLone.toFixed(0)} ms |`);
