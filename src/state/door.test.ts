/**
 * The one door (door.ts), checked as a property through the real EC2 API (raw HTTP against an
 * in-process server):
 * - after every request of a random sequence (routes, rules, ACL entries, associations, gateways,
 *   instance states, security-group changes, peering, tags), the engine's incrementally recompiled model
 *   answers every packet question exactly as a model compiled from scratch does; nothing calls
 *   `changed()` by hand any more, so this is what keeps the door's generation counters honest;
 * - every request answered with an error left the saved state document unchanged.
 * And, directly: a transaction that throws a non-AWS error after writing leaves the world as it was.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { VpclabServer, createWorld } from "../server/server.js";
import { modelOf, NetworkModel } from "../engine/model.js";
import { analyzeQuery } from "../engine/analyze.js";
import { LatencyModel } from "../engine/latency.js";
import { encodeState } from "./document.js";
import { Door } from "./door.js";
import { Ec2Error } from "../domain/errors.js";
import { createVpcRecord } from "../domain/vpcs.js";

/** The saved state, less the instant it was saved at. */
const stateOf = (world: Parameters<typeof encodeState>[0]) => encodeState(world).replace(/"savedAt":"[^"]*",/, "");

const AUTH = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0";

async function call(url: string, action: string, params: Record<string, string | number> = {}): Promise<{ status: number; xml: string }> {
  const body = new URLSearchParams({ Action: action, Version: "2016-11-15" });
  for (const [k, v] of Object.entries(params)) body.append(k, String(v));
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: AUTH },
    body: body.toString(),
  });
  return { status: res.status, xml: await res.text() };
}

function pick(xml: string, tag: string): string {
  const m = new RegExp(`<${tag}>([^<]+)</${tag}>`).exec(xml);
  if (!m) throw new Error(`no <${tag}> in ${xml.slice(0, 400)}`);
  return m[1]!;
}

/** Every answer of the incremental model equals a fresh compile's, for every ENI pair and the Internet. */
function assertModelsAgree(server: VpclabServer, label: string): void {
  const world = server.world;
  const lat = new LatencyModel({});
  const incremental = modelOf(world);
  const fresh = new NetworkModel(world);
  fresh.build();
  const enis = [...incremental.enis.keys()].sort();
  assert.deepEqual(enis, [...fresh.enis.keys()].sort(), `${label}: the same interfaces`);
  const targets = [...enis, "8.8.8.8"];
  for (const source of enis) {
    for (const destination of targets) {
      if (source === destination) continue;
      for (const q of [
        { protocol: "icmp" as const },
        { protocol: "tcp" as const, port: 22 },
      ]) {
        const query = { source, destination, ...q, explain: true };
        const summary = (m: NetworkModel) => {
          try {
            const a = analyzeQuery(m, lat, query);
            return {
              verdict: a.verdict,
              codes: a.explanations.map((e) => e.code).sort(),
              mtu: a.pathMtu,
              seen: a.sourceAddressSeenByReceiver,
              forward: a.forward.map((h) => `${h.kind}:${h.id}:${h.verdict}`),
              back: a.return.map((h) => `${h.kind}:${h.id}:${h.verdict}`),
            };
          } catch (err) {
            return { error: err instanceof Ec2Error ? err.code : String(err) };
          }
        };
        assert.deepEqual(summary(incremental), summary(fresh), `${label}: ${source} → ${destination} ${q.protocol}`);
      }
    }
  }
}

interface Lab {
  url: string;
  subnets: string[];
  instances: string[];
  sgs: string[];
  rts: string[];
  igw: string;
  vpcs: string[];
  acl: string;
  pcx: string[];
  assocs: string[];
  /** Customer-managed prefix lists referenced by routes and rules (their changes must reach the engine). */
  pls: string[];
}

async function setUp(url: string): Promise<Lab> {
  const vpcs = [pick((await call(url, "CreateVpc", { CidrBlock: "10.0.0.0/16" })).xml, "vpcId"), pick((await call(url, "CreateVpc", { CidrBlock: "10.1.0.0/16" })).xml, "vpcId")];
  const subnets = [
    pick((await call(url, "CreateSubnet", { VpcId: vpcs[0]!, CidrBlock: "10.0.1.0/24" })).xml, "subnetId"),
    pick((await call(url, "CreateSubnet", { VpcId: vpcs[0]!, CidrBlock: "10.0.2.0/24" })).xml, "subnetId"),
    pick((await call(url, "CreateSubnet", { VpcId: vpcs[1]!, CidrBlock: "10.1.1.0/24" })).xml, "subnetId"),
  ];
  const igw = pick((await call(url, "CreateInternetGateway")).xml, "internetGatewayId");
  await call(url, "AttachInternetGateway", { InternetGatewayId: igw, VpcId: vpcs[0]! });
  const sgs = [
    pick((await call(url, "CreateSecurityGroup", { GroupName: "a", GroupDescription: "a", VpcId: vpcs[0]! })).xml, "groupId"),
    pick((await call(url, "CreateSecurityGroup", { GroupName: "b", GroupDescription: "b", VpcId: vpcs[1]! })).xml, "groupId"),
  ];
  const instances: string[] = [];
  for (const [i, subnet] of subnets.entries()) {
    const r = await call(url, "RunInstances", {
      ImageId: "ami-0123456789abcdef0",
      InstanceType: "t3.micro",
      MinCount: 1,
      MaxCount: 1,
      "NetworkInterface.1.DeviceIndex": 0,
      "NetworkInterface.1.SubnetId": subnet,
      "NetworkInterface.1.AssociatePublicIpAddress": i === 0 ? "true" : "false",
      "NetworkInterface.1.SecurityGroupId.1": sgs[i === 2 ? 1 : 0]!,
    });
    instances.push(pick(r.xml, "instanceId"));
  }
  const rts = [
    pick((await call(url, "CreateRouteTable", { VpcId: vpcs[0]! })).xml, "routeTableId"),
    pick((await call(url, "CreateRouteTable", { VpcId: vpcs[1]! })).xml, "routeTableId"),
  ];
  const pcx = pick((await call(url, "CreateVpcPeeringConnection", { VpcId: vpcs[0]!, PeerVpcId: vpcs[1]! })).xml, "vpcPeeringConnectionId");
  await call(url, "DescribeVpcs");
  await call(url, "AcceptVpcPeeringConnection", { VpcPeeringConnectionId: pcx });
  await call(url, "CreateRoute", { RouteTableId: rts[0]!, DestinationCidrBlock: "0.0.0.0/0", GatewayId: igw });
  await call(url, "CreateRoute", { RouteTableId: rts[0]!, DestinationCidrBlock: "10.1.0.0/16", VpcPeeringConnectionId: pcx });
  await call(url, "CreateRoute", { RouteTableId: rts[1]!, DestinationCidrBlock: "10.0.0.0/16", VpcPeeringConnectionId: pcx });
  const acl = pick((await call(url, "DescribeNetworkAcls", { "Filter.1.Name": "vpc-id", "Filter.1.Value.1": vpcs[0]! })).xml, "networkAclId");
  const pls: string[] = [];
  for (const cidr of ["10.1.1.0/24", "10.0.2.0/24"]) {
    const r = await call(url, "CreateManagedPrefixList", { PrefixListName: `pl${pls.length}`, AddressFamily: "IPv4", MaxEntries: 4, "Entry.1.Cidr": cidr });
    pls.push(pick(r.xml, "prefixListId"));
  }
  // List 0 (10.1.1.0/24, more specific than 10.1.0.0/16 → pcx) sends VPC 1's subnet to the internet
  // gateway from subnet 0, so a change of its entries changes where subnet 0's packets go.
  await call(url, "CreateRoute", { RouteTableId: rts[0]!, DestinationPrefixListId: pls[0]!, GatewayId: igw });
  const assoc0 = pick((await call(url, "AssociateRouteTable", { RouteTableId: rts[0]!, SubnetId: subnets[0]! })).xml, "associationId");
  // Instance 1 (10.0.2.x) reaches instance 0 inside VPC 0 through group a's rule for list 1, so a change
  // of that list's entries changes a verdict the property compares.
  for (const g of sgs) await call(url, "AuthorizeSecurityGroupIngress", { GroupId: g, "IpPermissions.1.IpProtocol": "-1", "IpPermissions.1.PrefixListIds.1.PrefixListId": pls[1]! });
  return { url, subnets, instances, sgs, rts, igw, vpcs, acl, pcx: [pcx], assocs: [assoc0], pls };
}

const DESTS = ["10.1.0.0/16", "10.0.0.0/16", "0.0.0.0/0", "10.1.1.0/24", "10.0.2.0/24", "10.1.1.0/25"];
const CIDRS = ["10.0.0.0/16", "10.1.0.0/16", "0.0.0.0/0", "10.1.1.4/32", "10.0.1.0/24"];

type Step = (lab: Lab) => [string, Record<string, string | number>];
const at = <T>(xs: T[], i: number): T => xs[i % xs.length]!;

/** ModifyManagedPrefixList on a referenced list (weighted up in `steps`: it is what the engine must follow). */
const modifyList = fc.tuple(fc.nat(), fc.boolean(), fc.nat()).map(([l, remove, c]): Step => (lab) => [
  "ModifyManagedPrefixList",
  { PrefixListId: at(lab.pls, l), [remove ? "RemoveEntry.1.Cidr" : "AddEntry.1.Cidr"]: at(["10.1.1.0/24", "10.0.2.0/24", "10.0.0.0/16", "10.1.1.0/24", "10.0.2.0/24", "0.0.0.0/0"], c) },
]);

const steps: fc.Arbitrary<Step>[] = [
  fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat()).map(([r, d, k, i]): Step => (lab) => {
    const target: Record<string, string> = k % 3 === 0 ? { GatewayId: lab.igw } : k % 3 === 1 ? { VpcPeeringConnectionId: at(lab.pcx, i) } : { InstanceId: at(lab.instances, i) };
    return ["CreateRoute", { RouteTableId: at(lab.rts, r), DestinationCidrBlock: at(DESTS, d), ...target }];
  }),
  fc.tuple(fc.nat(), fc.nat()).map(([r, d]): Step => (lab) => ["DeleteRoute", { RouteTableId: at(lab.rts, r), DestinationCidrBlock: at(DESTS, d) }]),
  fc.tuple(fc.nat(), fc.nat()).map(([r, s]): Step => (lab) => ["AssociateRouteTable", { RouteTableId: at(lab.rts, r), SubnetId: at(lab.subnets, s) }]),
  fc.nat().map((a): Step => (lab) => ["DisassociateRouteTable", { AssociationId: lab.assocs.length ? at(lab.assocs, a) : "rtbassoc-00000000000000000" }]),
  fc.tuple(fc.boolean(), fc.nat(), fc.nat(), fc.nat(), fc.boolean()).map(([revoke, g, p, c, egress]): Step => (lab) => {
    const proto = at([{ IpProtocol: "icmp", FromPort: -1, ToPort: -1 }, { IpProtocol: "tcp", FromPort: 22, ToPort: 22 }, { IpProtocol: "-1" }], p);
    const perm: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(proto)) perm[`IpPermissions.1.${k}`] = v;
    perm["IpPermissions.1.IpRanges.1.CidrIp"] = at(CIDRS, c);
    const action = `${revoke ? "Revoke" : "Authorize"}SecurityGroup${egress ? "Egress" : "Ingress"}`;
    return [action, { GroupId: at(lab.sgs, g), ...perm }];
  }),
  fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 4 }), fc.boolean(), fc.boolean(), fc.nat()).map(([del, n, egress, deny, c]): Step => (lab) =>
    del
      ? ["DeleteNetworkAclEntry", { NetworkAclId: lab.acl, RuleNumber: n * 10, Egress: String(egress) }]
      : ["CreateNetworkAclEntry", { NetworkAclId: lab.acl, RuleNumber: n * 10, Egress: String(egress), Protocol: "-1", RuleAction: deny ? "deny" : "allow", CidrBlock: at(CIDRS, c) }],
  ),
  fc.tuple(fc.boolean(), fc.nat()).map(([stop, i]): Step => (lab) => [stop ? "StopInstances" : "StartInstances", { "InstanceId.1": at(lab.instances, i) }]),
  fc.tuple(fc.boolean(), fc.nat()).map(([detach, v]): Step => (lab) => [detach ? "DetachInternetGateway" : "AttachInternetGateway", { InternetGatewayId: lab.igw, VpcId: at(lab.vpcs, v) }]),
  fc.tuple(fc.nat(), fc.nat()).map(([i, g]): Step => (lab) => ["ModifyInstanceAttribute", { InstanceId: at(lab.instances, i), "GroupId.1": at(lab.sgs, g) }]),
  fc.nat().map((p): Step => (lab) => ["DeleteVpcPeeringConnection", { VpcPeeringConnectionId: at(lab.pcx, p) }]),
  fc.constant<Step>((lab) => ["CreateVpcPeeringConnection", { VpcId: lab.vpcs[0]!, PeerVpcId: lab.vpcs[1]! }]),
  fc.nat().map((p): Step => (lab) => ["AcceptVpcPeeringConnection", { VpcPeeringConnectionId: at(lab.pcx, p) }]),
  fc.tuple(fc.nat(), fc.nat()).map(([i, v]): Step => (lab) => ["CreateTags", { "ResourceId.1": at(lab.instances, i), "Tag.1.Key": "Name", "Tag.1.Value": `n${v % 3}` }]),
  fc.nat().map((i): Step => (lab) => ["AssignPrivateIpAddresses", { NetworkInterfaceId: "eni-" + at(lab.instances, i).slice(2), SecondaryPrivateIpAddressCount: 1 }]),
  fc.constant<Step>(() => ["CreateRoute", { RouteTableId: "rtb-nope" }]),
  // Prefix lists: entries change under routes and rules that reference them; routes and rules to lists.
  ...[1, 2, 3].map(() => modifyList),
  fc.tuple(fc.nat(), fc.nat()).map(([l, v]): Step => (lab) => ["RestoreManagedPrefixListVersion", { PrefixListId: at(lab.pls, l), PreviousVersion: 1 + (v % 3), CurrentVersion: 1 + ((v >> 2) % 4) }]),
  fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.boolean()).map(([r, l, i, del]): Step => (lab) =>
    del
      ? ["DeleteRoute", { RouteTableId: at(lab.rts, r), DestinationPrefixListId: at(lab.pls, l) }]
      : ["CreateRoute", { RouteTableId: at(lab.rts, r), DestinationPrefixListId: at(lab.pls, l), ...(i % 2 ? { GatewayId: lab.igw } : { VpcPeeringConnectionId: at(lab.pcx, i) }) }],
  ),
  fc.tuple(fc.boolean(), fc.nat(), fc.nat(), fc.boolean()).map(([revoke, g, l, egress]): Step => (lab) => [
    `${revoke ? "Revoke" : "Authorize"}SecurityGroup${egress ? "Egress" : "Ingress"}`,
    { GroupId: at(lab.sgs, g), "IpPermissions.1.IpProtocol": "tcp", "IpPermissions.1.FromPort": 22, "IpPermissions.1.ToPort": 22, "IpPermissions.1.PrefixListIds.1.PrefixListId": at(lab.pls, l) },
  ]),
];

test("after random changes through the API, the incremental engine equals a fresh compile, and refused requests change nothing", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.oneof(...steps), { minLength: 5, maxLength: 25 }), async (seq) => {
      const server = new VpclabServer({ port: 0, quotas: { vpcsPerRegion: 20 } });
      const { url } = await server.listen();
      try {
        const lab = await setUp(url);
        assertModelsAgree(server, "after set-up");
        for (const [n, step] of seq.entries()) {
          const [action, params] = step(lab);
          // A read first, so transitions due are settled before the state is taken.
          await call(url, "DescribeAvailabilityZones");
          const before = stateOf(server.world);
          const r = await call(url, action, params);
          if (r.status !== 200) {
            assert.ok(r.status < 500, `${action} answered ${r.status}: ${r.xml}`);
            assert.ok(stateOf(server.world) === before, `${action} was refused (${r.xml.slice(0, 300)}) yet changed the state`);
          } else {
            const id = /<(associationId|vpcPeeringConnectionId)>([^<]+)</.exec(r.xml);
            if (id?.[1] === "associationId") lab.assocs.push(id[2]!);
            if (id?.[1] === "vpcPeeringConnectionId" && action === "CreateVpcPeeringConnection") lab.pcx.push(id[2]!);
          }
          assertModelsAgree(server, `step ${n} ${action}`);
        }
      } finally {
        await server.close();
      }
    }),
    { numRuns: 12, seed: 20261129 },
  );
});

test("a transaction that throws a non-AWS error after writing leaves the world as it was (rollback)", () => {
  const world = createWorld({ quotas: { vpcsPerRegion: 10 } });
  const door = new Door(world, {
    isRefusal: (e) => e instanceof Ec2Error,
    makeWorld: () => createWorld({ quotas: { vpcsPerRegion: 10 } }),
    replayer: (w, e) => {
      const rs = w.region(e.account!, e.region!);
      createVpcRecord(w, rs, String(e.params![0]![1]));
    },
  });
  // Two committed transactions, then one that writes and throws.
  for (const cidr of ["10.0.0.0/16", "10.1.0.0/16"]) {
    door.run({ op: "ec2", action: "CreateVpc", account: "000000000000", region: "us-east-1", params: [["CidrBlock", cidr]] }, "write", () =>
      createVpcRecord(world, world.region("000000000000", "us-east-1"), cidr),
    );
  }
  const committed = stateOf(world);
  assert.throws(
    () =>
      door.run({ op: "ec2", action: "CreateVpc", account: "000000000000", region: "us-east-1", params: [["CidrBlock", "10.2.0.0/16"]] }, "write", () => {
        createVpcRecord(world, world.region("000000000000", "us-east-1"), "10.2.0.0/16");
        world.region("111122223333", "eu-west-1");
        throw new TypeError("a bug after the write");
      }),
    TypeError,
  );
  assert.equal(door.rollbacks, 1);
  assert.ok(stateOf(world) === committed, "the half-made VPC and the new account are gone");
  assert.equal([...world.region("000000000000", "us-east-1").vpcs.values()].filter((v) => !v.isDefault).length, 2);
  // An AWS-style refusal is answered as it is, and nothing is rolled back.
  assert.throws(() => door.run({ op: "ec2", action: "CreateVpc" }, "write", () => {
    throw new Ec2Error("InvalidParameterValue", "no");
  }), Ec2Error);
  assert.equal(door.rollbacks, 1);
});

test("through the server: a handler that writes and then fails answers InternalError and leaves nothing, in memory or on disk", async () => {
  const { ec2OperationTable } = await import("../api/table.js");
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const table = ec2OperationTable as Record<string, (ctx: never, input: never) => unknown>;
  const original = table.CreateVpc!;
  const dir = mkdtempSync(join(tmpdir(), "vpclab-door-"));
  const server = new VpclabServer({ port: 0, dataDir: dir });
  const { url } = await server.listen();
  try {
    await call(url, "CreateVpc", { CidrBlock: "10.1.0.0/16" });
    const before = stateOf(server.world);
    // A bug after the write: the VPC (with its route table, group, ACL) is made, then the handler throws.
    // (Only for this input: the rollback replays the earlier CreateVpc with the same code, as a real bug
    // that depends on its input would behave.)
    table.CreateVpc = (ctx, input) => {
      const out = original(ctx, input);
      if ((input as { CidrBlock?: string }).CidrBlock === "10.2.0.0/16") throw new TypeError("a bug after the write");
      return out;
    };
    const r = await call(url, "CreateVpc", { CidrBlock: "10.2.0.0/16" });
    assert.equal(r.status, 500);
    assert.match(r.xml, /<Code>InternalError<\/Code>/);
    assert.ok(stateOf(server.world) === before, "the half-made VPC is gone");
    assert.doesNotMatch((await call(url, "DescribeVpcs")).xml, /10\.2\.0\.0/);
    table.CreateVpc = original;
    const now = stateOf(server.world);
    // And the journal never had it: a server started on the same directory has the same state.
    const again = new VpclabServer({ port: 0, dataDir: dir });
    assert.ok(stateOf(again.world) === now, "the restarted server's state differs");
  } finally {
    table.CreateVpc = original;
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
