/**
 * Snapshot load and audit benchmark, on a generated account in AWS's JSON shapes: 1,000 VPCs over 4
 * regions, each with one subnet, a route table (local + 0.0.0.0/0 → its internet gateway), a security
 * group (tcp 22 and 443 from 0.0.0.0/0), a network ACL and 10 running instances with their interfaces
 * (10,000 in all; every tenth with a public IP). Measures, in-process (what `--snapshot` runs):
 *  - import: snapshot files → domain records and state document (snapshot/import.ts) — the issue's
 *    "load under 3 s" target covers this plus the next line;
 *  - decode + replace: the document checked and installed in a world;
 *  - first question: the engine compiles the world and answers one `why`;
 *  - audit: every finding, including the Internet-exposure questions (target 5 s).
 *
 * Build and run: `npx tsc -p . && node dist/bench/snapshot.js [--vpcs N]`. Not a timed test: prints its
 * figures and exits 0. Reading the directory from disk is not included (JSON.parse of the files).
 */
import { importSnapshot } from "../src/snapshot/import.js";
import { decodeState } from "../src/state/document.js";
import { World } from "../src/state/world.js";
import { engineOf } from "../src/engine/index.js";
import { audit } from "../src/audit/audit.js";

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
  for (let v = 0; v < VPCS; v++) {
    const region = REGIONS[v % REGIONS.length]!;
    const vpc = `vpc-${hex(v)}`;
    const cidr = `10.${v >> 8}.${v & 255}.0`;
    const subnet = `subnet-${hex(v)}`;
    const igw = `igw-${hex(v)}`;
    const sg = `sg-${hex(v)}`;
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
        Groups: [{ GroupId: sg }],
        Attachment: { AttachmentId: `eni-attach-${hex(eniN)}`, DeviceIndex: 0, Status: "attached", InstanceId: `i-${hex(eniN)}` },
        Status: "in-use",
      };
      if (i === 0) ni.Association = { PublicIp: `3.${(eniN >> 16) & 255}.${(eniN >> 8) & 255}.${eniN & 255}`, IpOwnerId: "amazon" };
      instances.push({ InstanceId: `i-${hex(eniN)}`, State: { Name: "running" }, SubnetId: subnet, VpcId: vpc, Placement: { AvailabilityZone: `${region}a` }, NetworkInterfaces: [ni], Tags: [{ Key: "Name", Value: `host-${eniN}` }] });
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
  };
  for (const [region, byKey] of lists) for (const [k, list] of Object.entries(byKey)) files[`${ACCOUNT}/${region}/${FILE[k]}.json`] = { [k]: list };
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
console.log(`| step | time |\n|---|---:|\n| JSON.parse + import (${report.loaded.networkInterfaces} interfaces, ${report.warnings.length} warnings) | ${tImport} |\n| decode + replace | ${tDecode} |\n| first why (compile + answer: ${a.verdict}) | ${tFirst} |\n| audit (${findings.length} findings, ${exposure} Internet exposures) | ${tAudit} |`);
