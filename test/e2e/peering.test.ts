/**
 * VPC peering through real clients (the JS SDK and the AWS CLI): the seed's steps 3–5 (Tokyo requests,
 * Singapore accepts, routes on both sides), every refusal, the lifecycle on the emulator clock
 * (expiry, visibility windows), cross-account peering, quotas, per-side tags, filters and options.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  AcceptVpcPeeringConnectionCommand,
  CreateRouteCommand,
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeTagsCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DeleteVpcCommand,
  DeleteVpcPeeringConnectionCommand,
  DescribeRouteTablesCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  ModifyVpcPeeringConnectionOptionsCommand,
  RejectVpcPeeringConnectionCommand,
  type EC2Client,
  type Filter,
  type VpcPeeringConnection,
} from "@aws-sdk/client-ec2";
import { expectEc2Error, startLab, type Lab } from "../support/harness.js";

const TOKYO = "ap-northeast-1";
const SINGAPORE = "ap-southeast-1";
const FAILED = "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range";
const HOUR = 3600;
const DAY = 24 * HOUR;

async function newVpc(ec2: EC2Client, cidr: string): Promise<string> {
  const out = await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }));
  return out.Vpc!.VpcId!;
}

async function defaultVpcId(ec2: EC2Client): Promise<string> {
  const out = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }));
  assert.equal(out.Vpcs?.length, 1);
  return out.Vpcs![0]!.VpcId!;
}

async function request(
  ec2: EC2Client,
  vpcId: string,
  peerVpcId: string,
  opts: { region?: string; owner?: string } = {},
): Promise<VpcPeeringConnection> {
  const out = await ec2.send(
    new CreateVpcPeeringConnectionCommand({ VpcId: vpcId, PeerVpcId: peerVpcId, PeerRegion: opts.region, PeerOwnerId: opts.owner }),
  );
  return out.VpcPeeringConnection!;
}

/** The connection as one account × region sees it; undefined when it does not see it. */
async function seen(ec2: EC2Client, id: string): Promise<VpcPeeringConnection | undefined> {
  const out = await ec2.send(new DescribeVpcPeeringConnectionsCommand({}));
  return out.VpcPeeringConnections?.find((p) => p.VpcPeeringConnectionId === id);
}

async function status(ec2: EC2Client, id: string): Promise<string | undefined> {
  return (await seen(ec2, id))?.Status?.Code;
}

async function ids(ec2: EC2Client, filters: Filter[]): Promise<string[]> {
  const out = await ec2.send(new DescribeVpcPeeringConnectionsCommand({ Filters: filters }));
  return (out.VpcPeeringConnections ?? []).map((p) => p.VpcPeeringConnectionId!).sort();
}

async function mainRouteTableId(ec2: EC2Client, vpcId: string): Promise<string> {
  const out = await ec2.send(
    new DescribeRouteTablesCommand({
      Filters: [
        { Name: "vpc-id", Values: [vpcId] },
        { Name: "association.main", Values: ["true"] },
      ],
    }),
  );
  return out.RouteTables![0]!.RouteTableId!;
}

async function routeState(ec2: EC2Client, rtbId: string, dest: string): Promise<string | undefined> {
  const out = await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rtbId] }));
  return out.RouteTables![0]!.Routes!.find((r) => r.DestinationCidrBlock === dest)?.State;
}

async function advance(lab: Lab, seconds: number): Promise<void> {
  const res = await lab.admin("POST", "/clock", { advanceSeconds: seconds });
  assert.equal(res.status, 200);
}

interface CliJson {
  VpcPeeringConnection?: VpcPeeringConnectionJson;
  VpcPeeringConnections?: VpcPeeringConnectionJson[];
  Vpc?: { VpcId: string };
  RouteTables?: { Routes: { DestinationCidrBlock?: string; VpcPeeringConnectionId?: string; State?: string }[] }[];
}
interface VpcPeeringConnectionJson {
  VpcPeeringConnectionId: string;
  Status: { Code: string; Message: string };
  ExpirationTime?: string;
  RequesterVpcInfo: { OwnerId: string; VpcId: string; Region: string; CidrBlock?: string; CidrBlockSet?: { CidrBlock: string }[] };
  AccepterVpcInfo: { OwnerId: string; VpcId: string; Region: string; CidrBlock?: string; CidrBlockSet?: { CidrBlock: string }[] };
}

describe("the seed: Tokyo 10.20.0.0/16 peers with Singapore's default VPC (AWS CLI)", () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab();
  });
  after(async () => lab.close());

  test("request from Tokyo, accept in Singapore, routes on both sides", async () => {
    const tokyo = lab.ec2(TOKYO);
    const singapore = lab.ec2(SINGAPORE);

    // Step 1–2: the new VPC in Tokyo.
    const created = await lab.cli(["ec2", "create-vpc", "--cidr-block", "10.20.0.0/16"], { region: TOKYO });
    assert.equal(created.code, 0, created.stderr);
    const tokyoVpc = (created.json as CliJson).Vpc!.VpcId;
    const sgVpc = await defaultVpcId(singapore);

    // Step 3: the request, made from Tokyo, naming the accepter by hand.
    const req = await lab.cli(
      ["ec2", "create-vpc-peering-connection", "--vpc-id", tokyoVpc, "--peer-vpc-id", sgVpc, "--peer-region", SINGAPORE],
      { region: TOKYO },
    );
    assert.equal(req.code, 0, req.stderr);
    const pcx = (req.json as CliJson).VpcPeeringConnection!;
    assert.match(pcx.VpcPeeringConnectionId, /^pcx-[0-9a-f]{17}$/);
    assert.deepEqual(pcx.Status, { Code: "initiating-request", Message: "Initiating Request to 000000000000" });
    assert.deepEqual(
      { ...pcx.RequesterVpcInfo, PeeringOptions: undefined },
      {
        OwnerId: "000000000000",
        VpcId: tokyoVpc,
        Region: TOKYO,
        CidrBlock: "10.20.0.0/16",
        CidrBlockSet: [{ CidrBlock: "10.20.0.0/16" }],
        PeeringOptions: undefined,
      },
    );
    // Not accepted yet: AWS shows the accepter's identity only.
    assert.deepEqual(pcx.AccepterVpcInfo, { OwnerId: "000000000000", VpcId: sgVpc, Region: SINGAPORE });
    const id = pcx.VpcPeeringConnectionId;

    // Both regions now see the same pending connection.
    for (const region of [TOKYO, SINGAPORE]) {
      const d = await lab.cli(["ec2", "describe-vpc-peering-connections", "--vpc-peering-connection-ids", id], { region });
      assert.equal(d.code, 0, d.stderr);
      const p = (d.json as CliJson).VpcPeeringConnections![0]!;
      assert.equal(p.VpcPeeringConnectionId, id);
      assert.deepEqual(p.Status, { Code: "pending-acceptance", Message: "Pending Acceptance by 000000000000" });
      const expires = Date.parse(p.ExpirationTime!);
      const { body } = await lab.admin<{ epochMs: number }>("GET", "/clock");
      assert.ok(Math.abs(expires - (body.epochMs + 7 * DAY * 1000)) < 60_000, `expires ${p.ExpirationTime}`);
    }

    // Step 4: accepting from Tokyo is refused, naming the accepter's region.
    const wrong = await lab.cli(["ec2", "accept-vpc-peering-connection", "--vpc-peering-connection-id", id], { region: TOKYO });
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /OperationNotPermitted/);
    assert.match(
      wrong.stderr,
      new RegExp(`Incorrect region \\(ap-northeast-1\\) specified for this request\\. VPC peering connection ${id} must be accepted in region ap-southeast-1`),
    );
    assert.equal(await status(tokyo, id), "pending-acceptance");

    const accepted = await lab.cli(["ec2", "accept-vpc-peering-connection", "--vpc-peering-connection-id", id], { region: SINGAPORE });
    assert.equal(accepted.code, 0, accepted.stderr);
    assert.equal((accepted.json as CliJson).VpcPeeringConnection!.Status.Code, "provisioning");

    for (const ec2 of [tokyo, singapore]) {
      const p = (await seen(ec2, id))!;
      assert.deepEqual(p.Status, { Code: "active", Message: "Active" });
      assert.equal(p.AccepterVpcInfo?.CidrBlock, "172.31.0.0/16");
      assert.deepEqual(p.AccepterVpcInfo?.CidrBlockSet, [{ CidrBlock: "172.31.0.0/16" }]);
      assert.equal(p.AccepterVpcInfo?.PeeringOptions?.AllowDnsResolutionFromRemoteVpc, false);
      assert.equal(p.RequesterVpcInfo?.Region, TOKYO);
      assert.equal(p.ExpirationTime, undefined);
    }

    // Step 5: routes on both sides, each to the peer's CIDR.
    const sgRtb = await mainRouteTableId(singapore, sgVpc);
    const tkRtb = await mainRouteTableId(tokyo, tokyoVpc);
    const r1 = await lab.cli(
      ["ec2", "create-route", "--route-table-id", sgRtb, "--destination-cidr-block", "10.20.0.0/16", "--vpc-peering-connection-id", id],
      { region: SINGAPORE },
    );
    assert.equal(r1.code, 0, r1.stderr);
    const r2 = await lab.cli(
      ["ec2", "create-route", "--route-table-id", tkRtb, "--destination-cidr-block", "172.31.0.0/16", "--vpc-peering-connection-id", id],
      { region: TOKYO },
    );
    assert.equal(r2.code, 0, r2.stderr);

    const rt = await lab.cli(["ec2", "describe-route-tables", "--route-table-ids", sgRtb], { region: SINGAPORE });
    assert.equal(rt.code, 0, rt.stderr);
    const route = (rt.json as CliJson).RouteTables![0]!.Routes.find((r) => r.DestinationCidrBlock === "10.20.0.0/16")!;
    assert.deepEqual({ pcx: route.VpcPeeringConnectionId, state: route.State }, { pcx: id, state: "active" });
    assert.equal(await routeState(tokyo, tkRtb, "172.31.0.0/16"), "active");
  });
});

describe("requests that fail, and refusals", () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab();
  });
  after(async () => lab.close());

  test("Tokyo's default VPC with Singapore's default VPC ends failed with AWS's message, seen by the requester only", async () => {
    const tokyo = lab.ec2(TOKYO);
    const singapore = lab.ec2(SINGAPORE);
    const pcx = await request(tokyo, await defaultVpcId(tokyo), await defaultVpcId(singapore), { region: SINGAPORE });
    assert.equal(pcx.Status?.Code, "initiating-request");
    const p = (await seen(tokyo, pcx.VpcPeeringConnectionId!))!;
    assert.deepEqual(p.Status, { Code: "failed", Message: FAILED });
    assert.equal(await seen(singapore, pcx.VpcPeeringConnectionId!), undefined);
    await expectEc2Error(
      singapore.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx.VpcPeeringConnectionId })),
      "InvalidVpcPeeringConnectionID.NotFound",
    );
    const err = await expectEc2Error(
      tokyo.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx.VpcPeeringConnectionId })),
      "InvalidStateTransition",
    );
    assert.equal(err.message, `Invalid state transition for ${pcx.VpcPeeringConnectionId}, attempted to transition from failed to deleting`);
  });

  test("a secondary block that overlaps fails the request too", async () => {
    const ec2 = lab.ec2("eu-west-1");
    const a = await newVpc(ec2, "10.50.0.0/16");
    const b = await newVpc(ec2, "10.60.0.0/16");
    const { AssociateVpcCidrBlockCommand } = await import("@aws-sdk/client-ec2");
    await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: b, CidrBlock: "10.50.128.0/17" }));
    const pcx = await request(ec2, a, b);
    assert.equal(await status(ec2, pcx.VpcPeeringConnectionId!), "failed");
  });

  test("a peer VPC that is not in the named region, or an account never seen, fails", async () => {
    const tokyo = lab.ec2(TOKYO);
    const vpc = await newVpc(tokyo, "10.70.0.0/16");
    const sgDefault = await defaultVpcId(lab.ec2(SINGAPORE));
    // Right VPC id, wrong region (PeerRegion defaults to the caller's).
    const p1 = await request(tokyo, vpc, sgDefault);
    assert.equal(p1.AccepterVpcInfo?.Region, TOKYO);
    assert.deepEqual((await seen(tokyo, p1.VpcPeeringConnectionId!))!.Status, { Code: "failed", Message: FAILED });
    // An account that has never made a request.
    const p2 = await request(tokyo, vpc, sgDefault, { region: SINGAPORE, owner: "999999999999" });
    assert.equal(p2.Status?.Message, "Initiating Request to 999999999999");
    assert.equal(await status(tokyo, p2.VpcPeeringConnectionId!), "failed");
    // A made-up VPC id.
    const p3 = await request(tokyo, vpc, "vpc-0123456789abcdef0", { region: SINGAPORE });
    assert.equal(await status(tokyo, p3.VpcPeeringConnectionId!), "failed");
  });

  test("bad input is refused before anything is made", async () => {
    const tokyo = lab.ec2(TOKYO);
    const vpc = await newVpc(tokyo, "10.80.0.0/16");
    const before = (await tokyo.send(new DescribeVpcPeeringConnectionsCommand({}))).VpcPeeringConnections?.length ?? 0;
    await expectEc2Error(
      tokyo.send(new CreateVpcPeeringConnectionCommand({ VpcId: vpc, PeerVpcId: "vpc-0123456789abcdef0", PeerRegion: "xx-nowhere-1" })),
      "InvalidParameterValue",
    );
    await expectEc2Error(
      tokyo.send(new CreateVpcPeeringConnectionCommand({ VpcId: "vpc-0000000000000000f", PeerVpcId: vpc })),
      "InvalidVpcID.NotFound",
    );
    await expectEc2Error(tokyo.send(new CreateVpcPeeringConnectionCommand({ VpcId: vpc })), "MissingParameter");
    await expectEc2Error(
      tokyo.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: ["pcx-0123456789abcdef0"] })),
      "InvalidVpcPeeringConnectionID.NotFound",
    );
    await expectEc2Error(
      tokyo.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: "pcx-0123456789abcdef0" })),
      "InvalidVpcPeeringConnectionID.NotFound",
    );
    await expectEc2Error(
      tokyo.send(new DescribeVpcPeeringConnectionsCommand({ Filters: [{ Name: "no-such-filter", Values: ["x"] }] })),
      "InvalidParameterValue",
    );
    const after = (await tokyo.send(new DescribeVpcPeeringConnectionsCommand({}))).VpcPeeringConnections?.length ?? 0;
    assert.equal(after, before);
  });

  test("only one pending or active connection per VPC pair, in either direction", async () => {
    const ec2 = lab.ec2("us-west-2");
    const a = await newVpc(ec2, "10.1.0.0/16");
    const b = await newVpc(ec2, "10.2.0.0/16");
    const first = await request(ec2, a, b);
    assert.equal(await status(ec2, first.VpcPeeringConnectionId!), "pending-acceptance");
    const err = await expectEc2Error(request(ec2, a, b), "VpcPeeringConnectionAlreadyExists");
    assert.match(err.message, /already exists/);
    await expectEc2Error(request(ec2, b, a), "VpcPeeringConnectionAlreadyExists");
    await ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: first.VpcPeeringConnectionId }));
    await expectEc2Error(request(ec2, b, a), "VpcPeeringConnectionAlreadyExists");
    // Once it is gone, the pair may be peered again.
    await ec2.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: first.VpcPeeringConnectionId }));
    const again = await request(ec2, b, a);
    assert.equal(await status(ec2, again.VpcPeeringConnectionId!), "pending-acceptance");
  });

  test("reject: only from the accepter's region; then no accept, no delete, routes stay blackhole", async () => {
    const tokyo = lab.ec2(TOKYO);
    const singapore = lab.ec2(SINGAPORE);
    const vpc = await newVpc(tokyo, "10.90.0.0/16");
    const sgVpc = await defaultVpcId(singapore);
    const pcx = await request(tokyo, vpc, sgVpc, { region: SINGAPORE });
    const id = pcx.VpcPeeringConnectionId!;
    // A route may point at a pending connection; it carries nothing until the connection is active.
    const rtb = await mainRouteTableId(tokyo, vpc);
    await tokyo.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: "172.31.0.0/16", VpcPeeringConnectionId: id }));
    assert.equal(await routeState(tokyo, rtb, "172.31.0.0/16"), "blackhole");

    const err = await expectEc2Error(tokyo.send(new RejectVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })), "OperationNotPermitted");
    assert.equal(
      err.message,
      `Incorrect region (${TOKYO}) specified for this request. VPC peering connection ${id} must be accepted or rejected in region ${SINGAPORE}`,
    );
    const out = await singapore.send(new RejectVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
    assert.equal(out.Return, true);
    for (const ec2 of [tokyo, singapore]) {
      assert.deepEqual((await seen(ec2, id))!.Status, { Code: "rejected", Message: "Rejected by 000000000000" });
    }
    const e1 = await expectEc2Error(singapore.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })), "InvalidStateTransition");
    assert.equal(e1.message, `Invalid state transition for ${id}, attempted to transition from rejected to provisioning`);
    await expectEc2Error(tokyo.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })), "InvalidStateTransition");
    await expectEc2Error(singapore.send(new RejectVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })), "InvalidStateTransition");
    assert.equal(await routeState(tokyo, rtb, "172.31.0.0/16"), "blackhole");
  });

  test("routes may only name a connection of the route table's own VPC", async () => {
    const ec2 = lab.ec2("us-east-2");
    const a = await newVpc(ec2, "10.11.0.0/16");
    const b = await newVpc(ec2, "10.12.0.0/16");
    const c = await newVpc(ec2, "10.13.0.0/16");
    const pcx = await request(ec2, a, b);
    await expectEc2Error(
      ec2.send(
        new CreateRouteCommand({
          RouteTableId: await mainRouteTableId(ec2, c),
          DestinationCidrBlock: "10.11.0.0/16",
          VpcPeeringConnectionId: pcx.VpcPeeringConnectionId,
        }),
      ),
      "InvalidParameterValue",
    );
    await expectEc2Error(
      ec2.send(
        new CreateRouteCommand({
          RouteTableId: await mainRouteTableId(ec2, a),
          DestinationCidrBlock: "10.12.0.0/16",
          VpcPeeringConnectionId: "pcx-0123456789abcdef0",
        }),
      ),
      "InvalidVpcPeeringConnectionID.NotFound",
    );
  });
});

describe("delete", () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab({ delays: { "peering.deleting": 30_000 } });
  });
  after(async () => lab.close());

  test("deleting an active inter-region connection goes through deleting, and both sides' routes turn blackhole", async () => {
    const tokyo = lab.ec2(TOKYO);
    const singapore = lab.ec2(SINGAPORE);
    const vpc = await newVpc(tokyo, "10.20.0.0/16");
    const sgVpc = await defaultVpcId(singapore);
    const id = (await request(tokyo, vpc, sgVpc, { region: SINGAPORE })).VpcPeeringConnectionId!;
    await singapore.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
    const tkRtb = await mainRouteTableId(tokyo, vpc);
    const sgRtb = await mainRouteTableId(singapore, sgVpc);
    await tokyo.send(new CreateRouteCommand({ RouteTableId: tkRtb, DestinationCidrBlock: "172.31.0.0/16", VpcPeeringConnectionId: id }));
    await singapore.send(new CreateRouteCommand({ RouteTableId: sgRtb, DestinationCidrBlock: "10.20.0.0/16", VpcPeeringConnectionId: id }));
    assert.equal(await routeState(tokyo, tkRtb, "172.31.0.0/16"), "active");
    assert.equal(await routeState(singapore, sgRtb, "10.20.0.0/16"), "active");

    // The accepter deletes it (either owner may).
    const out = await singapore.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
    assert.equal(out.Return, true);
    assert.deepEqual((await seen(tokyo, id))!.Status, { Code: "deleting", Message: "Deleting" });
    assert.equal(await routeState(tokyo, tkRtb, "172.31.0.0/16"), "blackhole");
    await advance(lab, 30);
    for (const ec2 of [tokyo, singapore]) {
      assert.deepEqual((await seen(ec2, id))!.Status, { Code: "deleted", Message: "Deleted by 000000000000" });
    }
    assert.equal(await routeState(tokyo, tkRtb, "172.31.0.0/16"), "blackhole");
    assert.equal(await routeState(singapore, sgRtb, "10.20.0.0/16"), "blackhole");
    await expectEc2Error(tokyo.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })), "InvalidStateTransition");
    await expectEc2Error(singapore.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })), "InvalidStateTransition");
  });

  test("an intra-region connection is deleted at once; the requester may withdraw a pending request", async () => {
    const ec2 = lab.ec2("eu-central-1");
    const a = await newVpc(ec2, "10.3.0.0/16");
    const b = await newVpc(ec2, "10.4.0.0/16");
    const id = (await request(ec2, a, b)).VpcPeeringConnectionId!;
    assert.equal(await status(ec2, id), "pending-acceptance");
    await ec2.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
    assert.equal(await status(ec2, id), "deleted");
  });
});

describe("the emulator clock: expiry and visibility windows", () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab();
  });
  after(async () => lab.close());

  test("a pending request expires after 7 days, stays visible 2 days, then disappears", async () => {
    const tokyo = lab.ec2(TOKYO);
    const singapore = lab.ec2(SINGAPORE);
    const vpc = await newVpc(tokyo, "10.20.0.0/16");
    const id = (await request(tokyo, vpc, await defaultVpcId(singapore), { region: SINGAPORE })).VpcPeeringConnectionId!;
    assert.equal(await status(tokyo, id), "pending-acceptance");

    const clock0 = (await lab.admin<{ epochMs: number }>("GET", "/clock")).body.epochMs;
    await advance(lab, 7 * DAY - HOUR);
    assert.equal(await status(singapore, id), "pending-acceptance");
    await advance(lab, HOUR);
    const clock1 = (await lab.admin<{ epochMs: number }>("GET", "/clock")).body.epochMs;
    assert.ok(clock1 - clock0 >= 7 * DAY * 1000);
    for (const ec2 of [tokyo, singapore]) assert.deepEqual((await seen(ec2, id))!.Status, { Code: "expired", Message: "Expired" });
    await expectEc2Error(singapore.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })), "InvalidStateTransition");

    // A new request between the same VPCs is allowed once the old one has expired.
    const again = (await request(tokyo, vpc, await defaultVpcId(singapore), { region: SINGAPORE })).VpcPeeringConnectionId!;
    await tokyo.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: again }));

    await advance(lab, 2 * DAY - 60);
    assert.equal(await status(tokyo, id), "expired");
    await advance(lab, 120);
    assert.equal(await seen(tokyo, id), undefined);
    assert.equal(await seen(singapore, id), undefined);
    await expectEc2Error(
      tokyo.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [id] })),
      "InvalidVpcPeeringConnectionID.NotFound",
    );
  });

  test("the seed's 7-day step through the AWS CLI: POST /_vpclab/clock {advanceSeconds: 604800}", async () => {
    const tokyo = lab.ec2(TOKYO);
    const vpc = await newVpc(tokyo, "10.21.0.0/16");
    const id = (await request(tokyo, vpc, await defaultVpcId(lab.ec2(SINGAPORE)), { region: SINGAPORE })).VpcPeeringConnectionId!;
    await advance(lab, 604800);
    const d = await lab.cli(
      ["ec2", "describe-vpc-peering-connections", "--filters", "Name=status-code,Values=expired", `Name=vpc-peering-connection-id,Values=${id}`],
      { region: SINGAPORE },
    );
    assert.equal(d.code, 0, d.stderr);
    assert.deepEqual(
      (d.json as CliJson).VpcPeeringConnections!.map((p) => [p.VpcPeeringConnectionId, p.Status.Code]),
      [[id, "expired"]],
    );
  });

  test("a failed request stays visible to the requester for 2 hours", async () => {
    const tokyo = lab.ec2(TOKYO);
    const id = (await request(tokyo, await defaultVpcId(tokyo), await defaultVpcId(lab.ec2(SINGAPORE)), { region: SINGAPORE }))
      .VpcPeeringConnectionId!;
    assert.equal(await status(tokyo, id), "failed");
    await advance(lab, 2 * HOUR - 60);
    assert.equal(await status(tokyo, id), "failed");
    await advance(lab, 120);
    assert.equal(await seen(tokyo, id), undefined);
  });

  test("rejected across accounts: 2 days for the requester, 2 hours for the accepter", async () => {
    const a = lab.ec2("us-east-1", "111111111111");
    const b = lab.ec2("us-east-1", "222222222222");
    const va = await newVpc(a, "10.31.0.0/16");
    const vb = await newVpc(b, "10.32.0.0/16");
    const id = (await request(a, va, vb, { owner: "222222222222" })).VpcPeeringConnectionId!;
    await b.send(new RejectVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
    assert.deepEqual((await seen(a, id))!.Status, { Code: "rejected", Message: "Rejected by 222222222222" });
    await advance(lab, 2 * HOUR + 60);
    assert.equal(await seen(b, id), undefined);
    assert.equal(await status(a, id), "rejected");
    await advance(lab, 2 * DAY);
    assert.equal(await seen(a, id), undefined);
  });

  test("deleted across accounts: 2 hours for the deleter, 2 days for the other; within one account 2 hours", async () => {
    const a = lab.ec2("us-east-1", "111111111111");
    const b = lab.ec2("us-east-1", "222222222222");
    const va = await newVpc(a, "10.33.0.0/16");
    const vb = await newVpc(b, "10.34.0.0/16");
    const id = (await request(a, va, vb, { owner: "222222222222" })).VpcPeeringConnectionId!;
    await b.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
    await b.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
    assert.deepEqual((await seen(a, id))!.Status, { Code: "deleted", Message: "Deleted by 222222222222" });
    // Same account: 2 hours.
    const v1 = await newVpc(a, "10.35.0.0/16");
    const same = (await request(a, va, v1)).VpcPeeringConnectionId!;
    await a.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: same }));

    await advance(lab, 2 * HOUR + 60);
    assert.equal(await seen(b, id), undefined);
    assert.equal(await status(a, id), "deleted");
    assert.equal(await seen(a, same), undefined);
    await advance(lab, 2 * DAY);
    assert.equal(await seen(a, id), undefined);
  });
});

describe("cross-account peering between access-key accounts", () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab();
  });
  after(async () => lab.close());

  test("same region: only the accepter account may accept; both accounts see it; a third sees nothing", async () => {
    const a = lab.ec2("eu-west-1", "111111111111");
    const b = lab.ec2("eu-west-1", "222222222222");
    const c = lab.ec2("eu-west-1", "333333333333");
    const va = await newVpc(a, "10.41.0.0/16");
    const vb = await newVpc(b, "10.42.0.0/16");
    await c.send(new DescribeVpcsCommand({}));
    const pcx = await request(a, va, vb, { owner: "222222222222" });
    const id = pcx.VpcPeeringConnectionId!;
    assert.deepEqual(pcx.AccepterVpcInfo, { OwnerId: "222222222222", VpcId: vb, Region: "eu-west-1" });
    assert.equal((await seen(b, id))!.Status?.Message, "Pending Acceptance by 222222222222");
    assert.equal(await seen(c, id), undefined);

    const e1 = await expectEc2Error(a.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })), "OperationNotPermitted");
    assert.equal(e1.message, `User (111111111111) cannot accept peering ${id}`);
    await expectEc2Error(a.send(new RejectVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })), "OperationNotPermitted");
    await expectEc2Error(c.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })), "InvalidVpcPeeringConnectionID.NotFound");
    // The accepter cannot withdraw the requester's request (it rejects instead).
    await expectEc2Error(b.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })), "OperationNotPermitted");
    // Nor delete its VPC while another account's request to it is pending.
    await expectEc2Error(b.send(new DeleteVpcCommand({ VpcId: vb })), "DependencyViolation");

    const acc = await b.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
    assert.equal(acc.VpcPeeringConnection?.Status?.Code, "provisioning");
    for (const ec2 of [a, b]) {
      const p = (await seen(ec2, id))!;
      assert.equal(p.Status?.Code, "active");
      assert.equal(p.RequesterVpcInfo?.OwnerId, "111111111111");
      assert.equal(p.AccepterVpcInfo?.OwnerId, "222222222222");
      assert.equal(p.AccepterVpcInfo?.CidrBlock, "10.42.0.0/16");
    }
  });

  test("cross region and cross account, through the AWS CLI for the accepter", async () => {
    const a = lab.ec2("us-east-1", "111111111111");
    const b = lab.ec2(SINGAPORE, "222222222222");
    const va = await newVpc(a, "10.43.0.0/16");
    const vb = await defaultVpcId(b);
    const id = (await request(a, va, vb, { owner: "222222222222", region: SINGAPORE })).VpcPeeringConnectionId!;
    // The accepter account in a region where neither side lives does not see the connection at all.
    const wrongRegion = lab.ec2("us-east-1", "222222222222");
    await expectEc2Error(wrongRegion.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })), "InvalidVpcPeeringConnectionID.NotFound");
    // The requester account, in the accepter's region, does not see it either (it is not its side).
    await expectEc2Error(
      lab.ec2(SINGAPORE, "111111111111").send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })),
      "InvalidVpcPeeringConnectionID.NotFound",
    );
    const accepted = await lab.cli(["ec2", "accept-vpc-peering-connection", "--vpc-peering-connection-id", id], {
      region: SINGAPORE,
      account: "222222222222",
    });
    assert.equal(accepted.code, 0, accepted.stderr);
    const p = (accepted.json as CliJson).VpcPeeringConnection!;
    assert.equal(p.AccepterVpcInfo.Region, SINGAPORE);
    assert.equal(p.RequesterVpcInfo.Region, "us-east-1");
    assert.equal(await status(a, id), "active");
    assert.equal(await status(b, id), "active");
    // Routes in each account to the other.
    await a.send(new CreateRouteCommand({ RouteTableId: await mainRouteTableId(a, va), DestinationCidrBlock: "172.31.0.0/16", VpcPeeringConnectionId: id }));
    const sgRtb = await mainRouteTableId(b, vb);
    await b.send(new CreateRouteCommand({ RouteTableId: sgRtb, DestinationCidrBlock: "10.43.0.0/16", VpcPeeringConnectionId: id }));
    assert.equal(await routeState(b, sgRtb, "10.43.0.0/16"), "active");
    // The requester deletes; the accepter's route turns blackhole.
    await a.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
    assert.equal(await status(b, id), "deleted");
    assert.equal(await routeState(b, sgRtb, "10.43.0.0/16"), "blackhole");
  });

  test("tags are per account", async () => {
    const a = lab.ec2("ca-central-1", "111111111111");
    const b = lab.ec2("ca-central-1", "222222222222");
    const va = await newVpc(a, "10.44.0.0/16");
    const vb = await newVpc(b, "10.45.0.0/16");
    const out = await a.send(
      new CreateVpcPeeringConnectionCommand({
        VpcId: va,
        PeerVpcId: vb,
        PeerOwnerId: "222222222222",
        TagSpecifications: [{ ResourceType: "vpc-peering-connection", Tags: [{ Key: "Name", Value: "from-a" }] }],
      }),
    );
    const id = out.VpcPeeringConnection!.VpcPeeringConnectionId!;
    assert.deepEqual(out.VpcPeeringConnection!.Tags, [{ Key: "Name", Value: "from-a" }]);
    assert.equal((await seen(b, id))!.Tags, undefined);
    await b.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: "Name", Value: "from-b" }] }));
    assert.deepEqual((await seen(a, id))!.Tags, [{ Key: "Name", Value: "from-a" }]);
    assert.deepEqual((await seen(b, id))!.Tags, [{ Key: "Name", Value: "from-b" }]);
    assert.deepEqual(await ids(a, [{ Name: "tag:Name", Values: ["from-a"] }]), [id]);
    assert.deepEqual(await ids(a, [{ Name: "tag:Name", Values: ["from-b"] }]), []);
    assert.deepEqual(await ids(b, [{ Name: "tag-value", Values: ["from-*"] }]), [id]);
    assert.deepEqual(await ids(b, [{ Name: "tag-key", Values: ["Name"] }]), [id]);
    await expectEc2Error(
      a.send(
        new CreateVpcPeeringConnectionCommand({
          VpcId: va,
          PeerVpcId: vb,
          TagSpecifications: [{ ResourceType: "vpc", Tags: [{ Key: "k", Value: "v" }] }],
        }),
      ),
      "InvalidParameterValue",
    );
  });

  test("an inter-region connection's two copies (same account) carry their own tags", async () => {
    const tokyo = lab.ec2("eu-west-1", "333333333333");
    const paris = lab.ec2("eu-west-3", "333333333333");
    const vt = await newVpc(tokyo, "10.46.0.0/16");
    const vp = await newVpc(paris, "10.47.0.0/16");
    const out = await tokyo.send(
      new CreateVpcPeeringConnectionCommand({
        VpcId: vt,
        PeerVpcId: vp,
        PeerRegion: "eu-west-3",
        TagSpecifications: [{ ResourceType: "vpc-peering-connection", Tags: [{ Key: "Name", Value: "requester" }] }],
      }),
    );
    const id = out.VpcPeeringConnection!.VpcPeeringConnectionId!;
    assert.equal((await seen(paris, id))!.Tags, undefined);
    await paris.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: "Name", Value: "accepter" }, { Key: "Side", Value: "b" }] }));
    assert.deepEqual((await seen(tokyo, id))!.Tags, [{ Key: "Name", Value: "requester" }]);
    assert.deepEqual((await seen(paris, id))!.Tags, [
      { Key: "Name", Value: "accepter" },
      { Key: "Side", Value: "b" },
    ]);
    const tagsIn = async (ec2: EC2Client) =>
      ((await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: "resource-id", Values: [id] }] }))).Tags ?? [])
        .map((t) => `${t.Key}=${t.Value}`)
        .sort();
    assert.deepEqual(await tagsIn(tokyo), ["Name=requester"]);
    assert.deepEqual(await tagsIn(paris), ["Name=accepter", "Side=b"]);
    await paris.send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: "Name" }] }));
    assert.deepEqual(await tagsIn(tokyo), ["Name=requester"]);
    assert.deepEqual(await ids(paris, [{ Name: "tag:Side", Values: ["b"] }]), [id]);
    assert.deepEqual(await ids(tokyo, [{ Name: "tag:Side", Values: ["b"] }]), []);
  });
});

describe("quotas", () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab({ quotas: { outstandingPeeringRequests: 2, activePeeringsPerVpc: 1, vpcsPerRegion: 10 } });
  });
  after(async () => lab.close());

  test("outstanding requests and active connections per VPC, with AWS's codes", async () => {
    const ec2 = lab.ec2("us-east-1");
    const hub = await newVpc(ec2, "10.0.0.0/16");
    const s1 = await newVpc(ec2, "10.1.0.0/16");
    const s2 = await newVpc(ec2, "10.2.0.0/16");
    const s3 = await newVpc(ec2, "10.3.0.0/16");
    const p1 = (await request(ec2, hub, s1)).VpcPeeringConnectionId!;
    const p2 = (await request(ec2, hub, s2)).VpcPeeringConnectionId!;
    await expectEc2Error(request(ec2, hub, s3), "OutstandingVpcPeeringConnectionLimitExceeded");

    await ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: p1 }));
    await expectEc2Error(
      ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: p2 })),
      "ActiveVpcPeeringConnectionPerVpcLimitExceeded",
    );
    assert.equal(await status(ec2, p2), "pending-acceptance");
    // Accepting p1 freed an outstanding slot.
    const p3 = (await request(ec2, s2, s3)).VpcPeeringConnectionId!;
    assert.equal(await status(ec2, p3), "pending-acceptance");
    // Deleting the active one frees the hub's active slot.
    await ec2.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: p1 }));
    await ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: p2 }));
    assert.equal(await status(ec2, p2), "active");
  });
});

describe("filters, pagination, options and delays", () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab({ quotas: { vpcsPerRegion: 20 }, delays: { "peering.provisioning": 60_000 } });
  });
  after(async () => lab.close());

  test("every documented filter, and MaxResults/NextToken", async () => {
    const ec2 = lab.ec2("sa-east-1");
    const hub = await newVpc(ec2, "10.0.0.0/16");
    const spokes: string[] = [];
    for (let i = 1; i <= 6; i++) spokes.push(await newVpc(ec2, `10.${i}.0.0/16`));
    const pcx: string[] = [];
    for (const s of spokes) pcx.push((await request(ec2, hub, s)).VpcPeeringConnectionId!);
    await ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx[0] }));
    await ec2.send(new RejectVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx[1] }));
    await advance(lab, 60);
    const all = [...pcx].sort();

    assert.deepEqual(await ids(ec2, [{ Name: "requester-vpc-info.vpc-id", Values: [hub] }]), all);
    assert.deepEqual(await ids(ec2, [{ Name: "requester-vpc-info.cidr-block", Values: ["10.0.0.0/16"] }]), all);
    assert.deepEqual(await ids(ec2, [{ Name: "requester-vpc-info.owner-id", Values: ["000000000000"] }]), all);
    assert.deepEqual(await ids(ec2, [{ Name: "accepter-vpc-info.vpc-id", Values: [spokes[2]!] }]), [pcx[2]]);
    assert.deepEqual(await ids(ec2, [{ Name: "accepter-vpc-info.owner-id", Values: ["000000000000"] }]), all);
    // Only the accepted connection shows (and so matches) the accepter's CIDR.
    assert.deepEqual(await ids(ec2, [{ Name: "accepter-vpc-info.cidr-block", Values: ["10.*"] }]), [pcx[0]]);
    assert.deepEqual(await ids(ec2, [{ Name: "status-code", Values: ["active"] }]), [pcx[0]]);
    assert.deepEqual(await ids(ec2, [{ Name: "status-code", Values: ["pending-acceptance"] }]), [pcx[2], pcx[3], pcx[4], pcx[5]].sort());
    assert.deepEqual(await ids(ec2, [{ Name: "status-message", Values: ["Rejected by *"] }]), [pcx[1]]);
    assert.deepEqual(await ids(ec2, [{ Name: "vpc-peering-connection-id", Values: [pcx[3]!, pcx[4]!] }]), [pcx[3], pcx[4]].sort());
    const pending = (await seen(ec2, pcx[2]!))!;
    assert.deepEqual(await ids(ec2, [{ Name: "expiration-time", Values: [pending.ExpirationTime!.toISOString()] }]).then((l) => l.includes(pcx[2]!)), true);
    assert.deepEqual(
      await ids(ec2, [
        { Name: "status-code", Values: ["pending-acceptance", "active"] },
        { Name: "accepter-vpc-info.vpc-id", Values: [spokes[0]!, spokes[1]!] },
      ]),
      [pcx[0]],
    );

    const page1 = await ec2.send(new DescribeVpcPeeringConnectionsCommand({ MaxResults: 5 }));
    assert.equal(page1.VpcPeeringConnections?.length, 5);
    assert.ok(page1.NextToken);
    const page2 = await ec2.send(new DescribeVpcPeeringConnectionsCommand({ MaxResults: 5, NextToken: page1.NextToken }));
    assert.equal(page2.VpcPeeringConnections?.length, 1);
    assert.equal(page2.NextToken, undefined);
    const paged = [...page1.VpcPeeringConnections!, ...page2.VpcPeeringConnections!].map((p) => p.VpcPeeringConnectionId!).sort();
    assert.deepEqual(paged, all);
  });

  test("the provisioning delay holds the connection until the clock reaches it", async () => {
    const ec2 = lab.ec2("ap-south-1");
    const a = await newVpc(ec2, "10.1.0.0/16");
    const b = await newVpc(ec2, "10.2.0.0/16");
    const id = (await request(ec2, a, b)).VpcPeeringConnectionId!;
    await ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
    assert.deepEqual((await seen(ec2, id))!.Status, { Code: "provisioning", Message: "Provisioning" });
    await advance(lab, 59);
    assert.equal(await status(ec2, id), "provisioning");
    await advance(lab, 1);
    assert.equal(await status(ec2, id), "active");
  });

  test("ModifyVpcPeeringConnectionOptions: active only, each side by its owner from its own region", async () => {
    const tokyo = lab.ec2(TOKYO);
    const singapore = lab.ec2(SINGAPORE);
    const vpc = await newVpc(tokyo, "10.20.0.0/16");
    const id = (await request(tokyo, vpc, await defaultVpcId(singapore), { region: SINGAPORE })).VpcPeeringConnectionId!;
    const dns = { AllowDnsResolutionFromRemoteVpc: true };
    const e0 = await expectEc2Error(
      tokyo.send(new ModifyVpcPeeringConnectionOptionsCommand({ VpcPeeringConnectionId: id, RequesterPeeringConnectionOptions: dns })),
      "OperationNotPermitted",
    );
    assert.equal(e0.message, `Peering ${id} is not active. Peering options can be added only to active peerings.`);
    await singapore.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
    await advance(lab, 60);
    assert.equal(await status(tokyo, id), "active");

    const e1 = await expectEc2Error(
      singapore.send(new ModifyVpcPeeringConnectionOptionsCommand({ VpcPeeringConnectionId: id, RequesterPeeringConnectionOptions: dns })),
      "OperationNotPermitted",
    );
    assert.equal(e1.message, "Requester's VPC Peering connection options cannot be modified for a different region");
    const e2 = await expectEc2Error(
      tokyo.send(
        new ModifyVpcPeeringConnectionOptionsCommand({
          VpcPeeringConnectionId: id,
          RequesterPeeringConnectionOptions: dns,
          AccepterPeeringConnectionOptions: dns,
        }),
      ),
      "OperationNotPermitted",
    );
    assert.equal(e2.message, "Accepter's VPC Peering connection options cannot be modified for a different region");
    // The refused call changed nothing.
    assert.equal((await seen(tokyo, id))!.RequesterVpcInfo?.PeeringOptions?.AllowDnsResolutionFromRemoteVpc, false);

    const ok = await tokyo.send(new ModifyVpcPeeringConnectionOptionsCommand({ VpcPeeringConnectionId: id, RequesterPeeringConnectionOptions: dns }));
    assert.equal(ok.RequesterPeeringConnectionOptions?.AllowDnsResolutionFromRemoteVpc, true);
    assert.equal(ok.AccepterPeeringConnectionOptions, undefined);
    const p = (await seen(singapore, id))!;
    assert.equal(p.RequesterVpcInfo?.PeeringOptions?.AllowDnsResolutionFromRemoteVpc, true);
    assert.equal(p.AccepterVpcInfo?.PeeringOptions?.AllowDnsResolutionFromRemoteVpc, false);
    await singapore.send(new ModifyVpcPeeringConnectionOptionsCommand({ VpcPeeringConnectionId: id, AccepterPeeringConnectionOptions: dns }));
    assert.equal((await seen(tokyo, id))!.AccepterVpcInfo?.PeeringOptions?.AllowDnsResolutionFromRemoteVpc, true);
  });

  test("ModifyVpcPeeringConnectionOptions across accounts: the requester may not set the accepter's side", async () => {
    const a = lab.ec2("eu-north-1", "111111111111");
    const b = lab.ec2("eu-north-1", "222222222222");
    const va = await newVpc(a, "10.51.0.0/16");
    const vb = await newVpc(b, "10.52.0.0/16");
    const id = (await request(a, va, vb, { owner: "222222222222" })).VpcPeeringConnectionId!;
    await b.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
    await advance(lab, 60);
    const err = await expectEc2Error(
      a.send(
        new ModifyVpcPeeringConnectionOptionsCommand({
          VpcPeeringConnectionId: id,
          AccepterPeeringConnectionOptions: { AllowDnsResolutionFromRemoteVpc: true },
        }),
      ),
      "OperationNotPermitted",
    );
    assert.equal(err.message, "User 111111111111 does not have permission to modify the accepter side peering options");
    await b.send(
      new ModifyVpcPeeringConnectionOptionsCommand({
        VpcPeeringConnectionId: id,
        AccepterPeeringConnectionOptions: { AllowDnsResolutionFromRemoteVpc: true },
      }),
    );
    assert.equal((await seen(a, id))!.AccepterVpcInfo?.PeeringOptions?.AllowDnsResolutionFromRemoteVpc, true);
  });
});
