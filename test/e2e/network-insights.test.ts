/**
 * The Reachability Analyzer operations (Create/Describe/DeleteNetworkInsightsPath,
 * StartNetworkInsightsAnalysis, Describe/DeleteNetworkInsightsAnalysis) through the SDK and the AWS CLI,
 * on the seed scenario: Tokyo 10.20.0.0/16 peered with Singapore's default VPC.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateNetworkInsightsPathCommand,
  CreateRouteCommand,
  DeleteNetworkInsightsAnalysisCommand,
  DeleteNetworkInsightsPathCommand,
  DeleteRouteCommand,
  DescribeNetworkInsightsAnalysesCommand,
  DescribeNetworkInsightsPathsCommand,
  DescribeSubnetsCommand,
  RevokeSecurityGroupIngressCommand,
  RunInstancesCommand,
  StartNetworkInsightsAnalysisCommand,
  TerminateInstancesCommand,
  type CreateNetworkInsightsPathCommandInput,
  type EC2Client,
  type NetworkInsightsAnalysis,
  type PathComponent,
} from "@aws-sdk/client-ec2";
import { expectEc2Error, startLab, type Lab } from "../support/harness.js";
import { buildSeed, sshFrom, type Seed } from "../support/seed.js";

const ids = (cs: PathComponent[] | undefined) => (cs ?? []).map((c) => c.Component?.Id);

describe("Reachability Analyzer API on the seed scenario", () => {
  let lab: Lab;
  let tokyo: EC2Client;
  let sg: EC2Client;
  let s: Seed;

  const createPath = async (input: Partial<CreateNetworkInsightsPathCommandInput>) =>
    (await tokyo.send(new CreateNetworkInsightsPathCommand({ Source: s.tokyo, Protocol: "tcp", ...input }))).NetworkInsightsPath!;

  /** Starts an analysis and returns it once settled (the next request settles it). */
  const analyze = async (pathId: string, client = tokyo): Promise<NetworkInsightsAnalysis> => {
    const started = (await client.send(new StartNetworkInsightsAnalysisCommand({ NetworkInsightsPathId: pathId }))).NetworkInsightsAnalysis!;
    assert.equal(started.Status, "running");
    assert.equal(started.NetworkPathFound, undefined);
    const [a] = (await client.send(new DescribeNetworkInsightsAnalysesCommand({ NetworkInsightsAnalysisIds: [started.NetworkInsightsAnalysisId!] }))).NetworkInsightsAnalyses!;
    assert.equal(a!.Status, "succeeded", a!.StatusMessage);
    return a!;
  };

  before(async () => {
    lab = await startLab();
    tokyo = lab.ec2("ap-northeast-1");
    sg = lab.ec2("ap-southeast-1");
    s = await buildSeed(lab, tokyo, sg);
  });
  after(async () => {
    await lab?.close();
  });

  it("creates a path across regions and finds it, with AWS's path components", async () => {
    const path = await createPath({
      Destination: s.singapore,
      DestinationPort: 22,
      TagSpecifications: [{ ResourceType: "network-insights-path", Tags: [{ Key: "Name", Value: "ssh-to-singapore" }] }],
    });
    assert.match(path.NetworkInsightsPathId!, /^nip-[0-9a-f]{17}$/);
    assert.equal(path.NetworkInsightsPathArn, `arn:aws:ec2:ap-northeast-1:000000000000:network-insights-path/${path.NetworkInsightsPathId}`);
    assert.equal(path.Source, s.tokyo);
    assert.equal(path.SourceArn, `arn:aws:ec2:ap-northeast-1:000000000000:instance/${s.tokyo}`);
    assert.equal(path.Destination, s.singapore);
    assert.equal(path.DestinationArn, `arn:aws:ec2:ap-southeast-1:000000000000:instance/${s.singapore}`);
    assert.equal(path.Protocol, "tcp");
    assert.equal(path.DestinationPort, 22);
    assert.ok(path.CreatedDate instanceof Date);
    assert.deepEqual(path.Tags, [{ Key: "Name", Value: "ssh-to-singapore" }]);

    const a = await analyze(path.NetworkInsightsPathId!);
    assert.match(a.NetworkInsightsAnalysisId!, /^nia-[0-9a-f]{17}$/);
    assert.equal(a.NetworkInsightsAnalysisArn, `arn:aws:ec2:ap-northeast-1:000000000000:network-insights-analysis/${a.NetworkInsightsAnalysisId}`);
    assert.equal(a.NetworkInsightsPathId, path.NetworkInsightsPathId);
    assert.equal(a.NetworkPathFound, true);
    assert.equal(a.Explanations, undefined);
    const fwd = a.ForwardPathComponents!;
    fwd.forEach((c, i) => assert.equal(c.SequenceNumber, i + 1));
    // Starts at the source instance with the packet as it leaves, ends at the destination instance.
    assert.equal(fwd[0]!.Component!.Id, s.tokyo);
    assert.deepEqual(fwd[0]!.OutboundHeader, {
      SourceAddresses: [`${s.tokyoIp}/32`],
      DestinationAddresses: [`${s.singaporeIp}/32`],
      Protocol: "6",
      SourcePortRanges: [{ From: 49152, To: 49152 }],
      DestinationPortRanges: [{ From: 22, To: 22 }],
    });
    assert.equal(fwd[0]!.Vpc!.Id, s.vpc);
    assert.equal(fwd[1]!.Component!.Id, s.tokyoEni);
    assert.equal(fwd[1]!.AttachedTo!.Id, s.tokyo);
    const last = fwd[fwd.length - 1]!;
    assert.equal(last.Component!.Id, s.singapore);
    assert.equal(last.Component!.Arn, `arn:aws:ec2:ap-southeast-1:000000000000:instance/${s.singapore}`);
    assert.deepEqual(last.InboundHeader!.SourceAddresses, [`${s.tokyoIp}/32`]);
    const rt = fwd.find((c) => c.Component!.Id === s.rtT)!;
    assert.deepEqual(rt.RouteTableRoute, { DestinationCidr: "172.31.0.0/16", VpcPeeringConnectionId: s.pcx, Origin: "CreateRoute", State: "active" });
    const pcx = fwd.find((c) => c.Component!.Id === s.pcx)!;
    assert.equal(pcx.SourceVpc!.Id, s.vpc);
    assert.equal(pcx.DestinationVpc!.Id, s.defVpc);
    assert.equal(pcx.DestinationVpc!.Arn, `arn:aws:ec2:ap-southeast-1:000000000000:vpc/${s.defVpc}`);
    const ingress = fwd.find((c) => c.Component!.Id === s.sgS)!;
    assert.deepEqual(ingress.SecurityGroupRule, { Cidr: "10.20.0.0/16", Direction: "ingress", PortRange: { From: 22, To: 22 }, Protocol: "tcp" });
    const egress = fwd.find((c) => c.Component!.Id === s.sgT)!;
    assert.deepEqual(egress.SecurityGroupRule, { Cidr: "0.0.0.0/0", Direction: "egress", Protocol: "all" });
    const acl = fwd.find((c) => c.AclRule?.Egress === true)!;
    assert.deepEqual(acl.AclRule, { Cidr: "0.0.0.0/0", Egress: true, Protocol: "all", RuleAction: "allow", RuleNumber: 100 });
    // The reply comes back the same way, from Singapore to Tokyo.
    const ret = ids(a.ReturnPathComponents);
    assert.equal(ret[0], s.singapore);
    assert.equal(ret[ret.length - 1], s.tokyo);
    assert.ok(ret.includes(s.rtS) && ret.includes(s.pcx), ret.join(" "));
  });

  it("a blocked port: NetworkPathFound false with ENI_SG_RULES_MISMATCH naming the group, in its region", async () => {
    const path = await createPath({ Destination: s.singapore, DestinationPort: 80 });
    const a = await analyze(path.NetworkInsightsPathId!);
    assert.equal(a.NetworkPathFound, false);
    assert.equal(a.ForwardPathComponents, undefined);
    const e = a.Explanations!.find((x) => x.ExplanationCode === "ENI_SG_RULES_MISMATCH")!;
    assert.ok(e, JSON.stringify(a.Explanations));
    assert.equal(e.Direction, "ingress");
    assert.equal(e.Component!.Id, s.sgS);
    assert.deepEqual(e.SecurityGroups!.map((g) => g.Id), [s.sgS]);
    assert.equal(e.ComponentRegion, "ap-southeast-1");
    assert.equal(e.ComponentAccount, "000000000000");
    assert.equal(e.Address, s.tokyoIp);
    assert.deepEqual(e.PortRanges, [{ From: 80, To: 80 }]);
  });

  it("any port (no DestinationPort): the path is found on the one port the rules open", async () => {
    const path = await createPath({ Destination: s.singapore });
    assert.equal(path.DestinationPort, undefined);
    const a = await analyze(path.NetworkInsightsPathId!);
    assert.equal(a.NetworkPathFound, true);
    assert.deepEqual(a.ForwardPathComponents![0]!.OutboundHeader!.DestinationPortRanges, [{ From: 22, To: 22 }]);
    // UDP: no rule opens any UDP port.
    const udp = await createPath({ Destination: s.singapore, Protocol: "udp" });
    const b = await analyze(udp.NetworkInsightsPathId!);
    assert.equal(b.NetworkPathFound, false);
    assert.ok(b.Explanations!.some((x) => x.ExplanationCode === "ENI_SG_RULES_MISMATCH"));
  });

  it("to an Internet address from Tokyo: NO_ROUTE_TO_DESTINATION at Tokyo's route table (AWS CLI)", async () => {
    const path = await createPath({ DestinationIp: "8.8.8.8", DestinationPort: 443 });
    assert.equal(path.Destination, undefined);
    assert.equal(path.DestinationIp, "8.8.8.8");
    const started = await lab.cli(["ec2", "start-network-insights-analysis", "--network-insights-path-id", path.NetworkInsightsPathId!], { region: "ap-northeast-1" });
    assert.equal(started.code, 0, started.stderr);
    const id = (started.json as { NetworkInsightsAnalysis: { NetworkInsightsAnalysisId: string; Status: string } }).NetworkInsightsAnalysis.NetworkInsightsAnalysisId;
    assert.equal((started.json as { NetworkInsightsAnalysis: { Status: string } }).NetworkInsightsAnalysis.Status, "running");
    const described = await lab.cli(["ec2", "describe-network-insights-analyses", "--network-insights-analysis-ids", id, "--filters", "Name=path-found,Values=false"], { region: "ap-northeast-1" });
    assert.equal(described.code, 0, described.stderr);
    const [a] = (described.json as { NetworkInsightsAnalyses: NetworkInsightsAnalysis[] }).NetworkInsightsAnalyses;
    assert.equal(a!.Status, "succeeded");
    assert.equal(a!.NetworkPathFound, false);
    const e = a!.Explanations!.find((x) => x.ExplanationCode === "NO_ROUTE_TO_DESTINATION")!;
    assert.equal(e.RouteTable!.Id, s.rtT);
    assert.equal(e.Address, "8.8.8.8");
    assert.equal(e.Vpc!.Id, s.vpc);
  });

  it("Singapore's default VPC reaches the Internet through its gateway (an internet gateway destination)", async () => {
    const path = (await sg.send(new CreateNetworkInsightsPathCommand({ Source: s.singapore, Destination: s.sgIgw, Protocol: "tcp", DestinationPort: 443 }))).NetworkInsightsPath!;
    assert.equal(path.DestinationArn, `arn:aws:ec2:ap-southeast-1:000000000000:internet-gateway/${s.sgIgw}`);
    const a = await analyze(path.NetworkInsightsPathId!, sg);
    assert.equal(a.NetworkPathFound, true, JSON.stringify(a.Explanations));
    const igw = a.ForwardPathComponents!.find((c) => c.Component!.Id === s.sgIgw)!;
    assert.equal(igw.Vpc!.Id, s.defVpc);
    // The reply arrives at the instance's private address from the Internet.
    const back = a.ReturnPathComponents!;
    assert.equal(back[back.length - 1]!.Component!.Id, s.singapore);
  });

  // Reachability Analyzer, "How Reachability Analyzer works": "you could specify an internet gateway as
  // the source, an EC2 instance as the destination, 22 as the destination port, and TCP as the protocol"
  // (https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html).
  it("an internet gateway as the source: SSH from the Internet to Singapore's public instance", async () => {
    const path = (await sg.send(new CreateNetworkInsightsPathCommand({ Source: s.sgIgw, Destination: s.singapore, Protocol: "tcp", DestinationPort: 22 }))).NetworkInsightsPath!;
    assert.equal(path.SourceArn, `arn:aws:ec2:ap-southeast-1:000000000000:internet-gateway/${s.sgIgw}`);
    // The seed's group allows SSH from Tokyo's range only.
    const closed = await analyze(path.NetworkInsightsPathId!, sg);
    assert.equal(closed.NetworkPathFound, false);
    const e = closed.Explanations!.find((x) => x.ExplanationCode === "ENI_SG_RULES_MISMATCH")!;
    assert.ok(e, JSON.stringify(closed.Explanations));
    assert.equal(e.Component!.Id, s.sgS);
    assert.equal(e.Direction, "ingress");
    await sg.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: s.sgS, IpPermissions: [sshFrom("0.0.0.0/0")] }));
    try {
      const open = await analyze(path.NetworkInsightsPathId!, sg);
      assert.equal(open.NetworkPathFound, true, JSON.stringify(open.Explanations));
      assert.equal(open.ForwardPathComponents![0]!.Component!.Id, s.sgIgw, "the path enters through the gateway");
      assert.deepEqual(open.ForwardPathComponents![0]!.OutboundHeader?.SourceAddresses, ["203.0.113.10/32"], "sent by a host on the Internet");
      assert.ok(ids(open.ForwardPathComponents).includes(s.singapore));
      assert.ok(ids(open.ReturnPathComponents).includes(s.sgIgw), "the reply leaves through the gateway");
    } finally {
      await sg.send(new RevokeSecurityGroupIngressCommand({ GroupId: s.sgS, IpPermissions: [sshFrom("0.0.0.0/0")] }));
    }
    // Tokyo's instance has no public IP and its VPC no gateway: Singapore's gateway refuses the traffic.
    const toTokyo = (await sg.send(new CreateNetworkInsightsPathCommand({ Source: s.sgIgw, Destination: s.tokyo, Protocol: "tcp", DestinationPort: 22 }))).NetworkInsightsPath!;
    const refused = await analyze(toTokyo.NetworkInsightsPathId!, sg);
    assert.equal(refused.NetworkPathFound, false);
    assert.deepEqual(refused.Explanations!.map((x) => x.ExplanationCode), ["IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"]);
    assert.equal(refused.Explanations![0]!.Component!.Id, s.sgIgw);
    // Traffic from a gateway comes from the Internet: a private SourceIp is refused.
    await expectEc2Error(sg.send(new CreateNetworkInsightsPathCommand({ Source: s.sgIgw, SourceIp: "10.0.0.1", Destination: s.singapore, Protocol: "tcp" })), "InvalidParameterValue");
    await expectEc2Error(sg.send(new CreateNetworkInsightsPathCommand({ Source: s.sgIgw, Destination: s.sgIgw, Protocol: "tcp" })), "InvalidParameterValue");
  });

  it("the typo route 172.16.0.0/24 gives NO_ROUTE_TO_DESTINATION and PCX_REQUIRES_ADDRESS_IN_VPC_CIDR", async () => {
    const path = await createPath({ Destination: s.singapore, DestinationPort: 22 });
    await tokyo.send(new DeleteRouteCommand({ RouteTableId: s.rtT, DestinationCidrBlock: "172.31.0.0/16" }));
    await tokyo.send(new CreateRouteCommand({ RouteTableId: s.rtT, DestinationCidrBlock: "172.16.0.0/24", VpcPeeringConnectionId: s.pcx }));
    try {
      const a = await analyze(path.NetworkInsightsPathId!);
      assert.equal(a.NetworkPathFound, false);
      const codes = a.Explanations!.map((e) => e.ExplanationCode);
      assert.ok(codes.includes("NO_ROUTE_TO_DESTINATION"), codes.join());
      const lint = a.Explanations!.find((e) => e.ExplanationCode === "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR")!;
      assert.ok(lint, codes.join());
      assert.equal(lint.VpcPeeringConnection!.Id, s.pcx);
      assert.equal(lint.RouteTable!.Id, s.rtT);
      assert.deepEqual(lint.RouteTableRoute, { DestinationCidr: "172.16.0.0/24", VpcPeeringConnectionId: s.pcx, State: "active" });
    } finally {
      await tokyo.send(new DeleteRouteCommand({ RouteTableId: s.rtT, DestinationCidrBlock: "172.16.0.0/24" }));
      await tokyo.send(new CreateRouteCommand({ RouteTableId: s.rtT, DestinationCidrBlock: "172.31.0.0/16", VpcPeeringConnectionId: s.pcx }));
    }
    assert.equal((await analyze(path.NetworkInsightsPathId!)).NetworkPathFound, true);
  });

  it("FilterAtSource scopes the ports; filters at source and destination are echoed", async () => {
    const path = await createPath({
      Destination: s.singapore,
      FilterAtSource: { DestinationPortRange: { FromPort: 20, ToPort: 25 }, SourcePortRange: { FromPort: 1024, ToPort: 65535 } },
    });
    assert.deepEqual(path.FilterAtSource, { DestinationPortRange: { FromPort: 20, ToPort: 25 }, SourcePortRange: { FromPort: 1024, ToPort: 65535 } });
    const a = await analyze(path.NetworkInsightsPathId!);
    assert.equal(a.NetworkPathFound, true);
    assert.deepEqual(a.ForwardPathComponents![0]!.OutboundHeader!.DestinationPortRanges, [{ From: 22, To: 22 }]);
    const closed = await createPath({ Destination: s.singapore, FilterAtSource: { DestinationPortRange: { FromPort: 23, ToPort: 79 } } });
    assert.equal((await analyze(closed.NetworkInsightsPathId!)).NetworkPathFound, false);
    const found = await tokyo.send(new DescribeNetworkInsightsPathsCommand({ Filters: [{ Name: "filter-at-source.destination-port-range", Values: ["20-25"] }] }));
    assert.deepEqual(found.NetworkInsightsPaths!.map((p) => p.NetworkInsightsPathId), [path.NetworkInsightsPathId]);
  });

  it("DescribeNetworkInsightsPaths: ids, filters, tags, paging", async () => {
    const tagged = await createPath({
      Destination: s.singapore,
      Protocol: "udp",
      DestinationPort: 53,
      TagSpecifications: [{ ResourceType: "network-insights-path", Tags: [{ Key: "team", Value: "dns" }] }],
    });
    const byId = await tokyo.send(new DescribeNetworkInsightsPathsCommand({ NetworkInsightsPathIds: [tagged.NetworkInsightsPathId!] }));
    assert.equal(byId.NetworkInsightsPaths!.length, 1);
    assert.equal(byId.NetworkInsightsPaths![0]!.DestinationPort, 53);
    const filtered = async (name: string, value: string) =>
      (await tokyo.send(new DescribeNetworkInsightsPathsCommand({ Filters: [{ Name: name, Values: [value] }] }))).NetworkInsightsPaths!.map((p) => p.NetworkInsightsPathId);
    assert.ok((await filtered("protocol", "udp")).includes(tagged.NetworkInsightsPathId));
    assert.ok(!(await filtered("protocol", "tcp")).includes(tagged.NetworkInsightsPathId));
    assert.deepEqual(await filtered("tag:team", "dns"), [tagged.NetworkInsightsPathId]);
    assert.ok((await filtered("source", s.tokyo)).includes(tagged.NetworkInsightsPathId));
    assert.ok((await filtered("destination", s.singapore)).includes(tagged.NetworkInsightsPathId));
    assert.deepEqual(await filtered("destination", "i-0000000000000000f"), []);
    await expectEc2Error(tokyo.send(new DescribeNetworkInsightsPathsCommand({ Filters: [{ Name: "colour", Values: ["red"] }] })), "InvalidParameterValue");
    // Paging: one at a time walks every path exactly once.
    const all = (await tokyo.send(new DescribeNetworkInsightsPathsCommand({}))).NetworkInsightsPaths!.map((p) => p.NetworkInsightsPathId);
    assert.ok(all.length >= 3);
    const walked: string[] = [];
    let token: string | undefined;
    do {
      const page = await tokyo.send(new DescribeNetworkInsightsPathsCommand({ MaxResults: 1, NextToken: token }));
      walked.push(...page.NetworkInsightsPaths!.map((p) => p.NetworkInsightsPathId!));
      token = page.NextToken;
    } while (token);
    assert.deepEqual(walked, all);
    // Paths are regional: Singapore sees none of Tokyo's.
    const other = await sg.send(new DescribeNetworkInsightsPathsCommand({ Filters: [{ Name: "source", Values: [s.tokyo] }] }));
    assert.deepEqual(other.NetworkInsightsPaths, []);
    await expectEc2Error(sg.send(new DescribeNetworkInsightsPathsCommand({ NetworkInsightsPathIds: [tagged.NetworkInsightsPathId!] })), "InvalidNetworkInsightsPathId.NotFound");
  });

  it("DescribeNetworkInsightsAnalyses: by path, status and path-found filters, time window", async () => {
    const path = await createPath({ Destination: s.singapore, DestinationPort: 22 });
    const ok = await analyze(path.NetworkInsightsPathId!);
    const byPath = await tokyo.send(new DescribeNetworkInsightsAnalysesCommand({ NetworkInsightsPathId: path.NetworkInsightsPathId }));
    assert.deepEqual(byPath.NetworkInsightsAnalyses!.map((a) => a.NetworkInsightsAnalysisId), [ok.NetworkInsightsAnalysisId]);
    const found = await tokyo.send(new DescribeNetworkInsightsAnalysesCommand({ Filters: [{ Name: "path-found", Values: ["true"] }, { Name: "status", Values: ["succeeded"] }] }));
    const foundIds = found.NetworkInsightsAnalyses!.map((a) => a.NetworkInsightsAnalysisId);
    assert.ok(foundIds.includes(ok.NetworkInsightsAnalysisId));
    assert.ok(found.NetworkInsightsAnalyses!.every((a) => a.NetworkPathFound === true));
    const later = await tokyo.send(new DescribeNetworkInsightsAnalysesCommand({ AnalysisStartTime: new Date(ok.StartDate!.getTime() + 1000) }));
    assert.ok(!later.NetworkInsightsAnalyses!.some((a) => a.NetworkInsightsAnalysisId === ok.NetworkInsightsAnalysisId));
    await expectEc2Error(tokyo.send(new DescribeNetworkInsightsAnalysesCommand({ NetworkInsightsAnalysisIds: ["nia-0123456789abcdef0"] })), "InvalidNetworkInsightsAnalysisId.NotFound");
    await expectEc2Error(tokyo.send(new DescribeNetworkInsightsAnalysesCommand({ NetworkInsightsPathId: "nip-0123456789abcdef0" })), "InvalidNetworkInsightsPathId.NotFound");
    await expectEc2Error(tokyo.send(new DescribeNetworkInsightsAnalysesCommand({ MaxResults: 1000 })), "InvalidParameterValue");
  });

  it("DeleteNetworkInsightsPath refuses while analyses exist; deleting them first works", async () => {
    const path = await createPath({ Destination: s.singapore, DestinationPort: 22 });
    const a = await analyze(path.NetworkInsightsPathId!);
    const err = await expectEc2Error(tokyo.send(new DeleteNetworkInsightsPathCommand({ NetworkInsightsPathId: path.NetworkInsightsPathId })), "AnalysisExistsForNetworkInsightsPath");
    assert.match(err.message, new RegExp(`\\[${a.NetworkInsightsAnalysisId}\\] exists for path ${path.NetworkInsightsPathId}`));
    const del = await tokyo.send(new DeleteNetworkInsightsAnalysisCommand({ NetworkInsightsAnalysisId: a.NetworkInsightsAnalysisId }));
    assert.equal(del.NetworkInsightsAnalysisId, a.NetworkInsightsAnalysisId);
    await expectEc2Error(tokyo.send(new DeleteNetworkInsightsAnalysisCommand({ NetworkInsightsAnalysisId: a.NetworkInsightsAnalysisId })), "InvalidNetworkInsightsAnalysisId.NotFound");
    const gone = await tokyo.send(new DeleteNetworkInsightsPathCommand({ NetworkInsightsPathId: path.NetworkInsightsPathId }));
    assert.equal(gone.NetworkInsightsPathId, path.NetworkInsightsPathId);
    await expectEc2Error(tokyo.send(new DescribeNetworkInsightsPathsCommand({ NetworkInsightsPathIds: [path.NetworkInsightsPathId!] })), "InvalidNetworkInsightsPathId.NotFound");
    await expectEc2Error(tokyo.send(new DeleteNetworkInsightsPathCommand({ NetworkInsightsPathId: path.NetworkInsightsPathId })), "InvalidNetworkInsightsPathId.NotFound");
  });

  it("refuses bad input with AWS's codes and changes nothing", async () => {
    const count = async () => (await tokyo.send(new DescribeNetworkInsightsPathsCommand({}))).NetworkInsightsPaths!.length;
    const before = await count();
    await expectEc2Error(tokyo.send(new StartNetworkInsightsAnalysisCommand({ NetworkInsightsPathId: "nip-0123456789abcdef0" })), "InvalidNetworkInsightsPathId.NotFound");
    const icmp = await expectEc2Error(createPath({ Destination: s.singapore, Protocol: "icmp" as never }), "InvalidParameterValue");
    assert.match(icmp.message, /Protocol/);
    await expectEc2Error(createPath({ Source: undefined, Destination: s.singapore }), "MissingParameter");
    await expectEc2Error(createPath({ Protocol: undefined, Destination: s.singapore }), "MissingParameter");
    await expectEc2Error(createPath({}), "MissingParameter");
    await expectEc2Error(createPath({ Source: "i-0123456789abcdef0", Destination: s.singapore }), "InvalidInstanceID.NotFound");
    await expectEc2Error(createPath({ Source: "eni-0123456789abcdef0", Destination: s.singapore }), "InvalidNetworkInterfaceID.NotFound");
    await expectEc2Error(createPath({ Source: s.vpc, Destination: s.singapore }), "InvalidParameterValue");
    await expectEc2Error(createPath({ Destination: s.singapore, DestinationPort: 70000 }), "InvalidParameterValue");
    await expectEc2Error(createPath({ Destination: s.singapore, DestinationIp: "10.20.300.1" }), "InvalidParameterValue");
    await expectEc2Error(createPath({ Destination: s.singapore, DestinationIp: "172.31.99.99" }), "InvalidParameterValue");
    await expectEc2Error(createPath({ Destination: s.singapore, SourceIp: "10.20.1.200" }), "InvalidParameterValue");
    await expectEc2Error(createPath({ Destination: s.singapore, DestinationPort: 22, FilterAtSource: { SourceAddress: s.tokyoIp } }), "InvalidParameterCombination");
    await expectEc2Error(
      createPath({ Destination: s.singapore, FilterAtSource: { DestinationPortRange: { FromPort: 30, ToPort: 20 } } }),
      "InvalidParameterValue",
    );
    await expectEc2Error(
      createPath({ Destination: s.singapore, TagSpecifications: [{ ResourceType: "vpc", Tags: [{ Key: "a", Value: "b" }] }] }),
      "InvalidParameterValue",
    );
    assert.equal(await count(), before);
  });

  it("a DestinationIp alone, in the peered region: the analyzer crosses the region boundary", async () => {
    const path = await createPath({ DestinationIp: s.singaporeIp, DestinationPort: 22 });
    const a = await analyze(path.NetworkInsightsPathId!);
    assert.equal(a.NetworkPathFound, true, JSON.stringify(a.Explanations));
    const fwd = a.ForwardPathComponents!;
    assert.equal(fwd[fwd.length - 1]!.Component!.Id, s.singapore);
    assert.equal(fwd[fwd.length - 1]!.Component!.Arn!.split(":")[3], "ap-southeast-1");
  });

  it("ids and ARNs: an ENI source, an ARN destination in another region, a repeated client token", async () => {
    const arn = `arn:aws:ec2:ap-southeast-1:000000000000:instance/${s.singapore}`;
    const input = { Source: s.tokyoEni, Destination: arn, Protocol: "tcp" as const, DestinationPort: 22, ClientToken: "same-token" };
    const one = (await tokyo.send(new CreateNetworkInsightsPathCommand(input))).NetworkInsightsPath!;
    assert.equal(one.Source, s.tokyoEni);
    assert.equal(one.SourceArn, `arn:aws:ec2:ap-northeast-1:000000000000:network-interface/${s.tokyoEni}`);
    assert.equal(one.Destination, s.singapore);
    assert.equal(one.DestinationArn, arn);
    const two = (await tokyo.send(new CreateNetworkInsightsPathCommand(input))).NetworkInsightsPath!;
    assert.equal(two.NetworkInsightsPathId, one.NetworkInsightsPathId);
    await expectEc2Error(tokyo.send(new CreateNetworkInsightsPathCommand({ ...input, DestinationPort: 23 })), "IdempotentParameterMismatch");
    const a = await analyze(one.NetworkInsightsPathId!);
    assert.equal(a.NetworkPathFound, true);
    assert.equal(a.ForwardPathComponents![0]!.Component!.Id, s.tokyo);
    await expectEc2Error(
      tokyo.send(new CreateNetworkInsightsPathCommand({ Source: s.tokyo, Destination: "arn:aws:ec2:ap-southeast-1:000000000000:instance/i-0123456789abcdef0", Protocol: "tcp" })),
      "InvalidInstanceID.NotFound",
    );
  });
});

describe("Reachability Analyzer: analysis lifecycle on the emulator clock", () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab({ delays: { "insights.analysis": 60_000 } });
  });
  after(async () => {
    await lab?.close();
  });

  it("stays running until the insights.analysis delay has passed; fails when the destination is gone", async () => {
    const ec2 = lab.ec2("eu-west-1");
    const subnet = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "default-for-az", Values: ["true"] }] }))).Subnets![0]!.SubnetId!;
    const run = async () =>
      (await ec2.send(new RunInstancesCommand({ ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, SubnetId: subnet }))).Instances![0]!.InstanceId!;
    const a = await run();
    const b = await run();
    await lab.admin("POST", "/clock", { advanceSeconds: 120 });
    const path = (await ec2.send(new CreateNetworkInsightsPathCommand({ Source: a, Destination: b, Protocol: "tcp", DestinationPort: 22 }))).NetworkInsightsPath!;
    const started = (await ec2.send(new StartNetworkInsightsAnalysisCommand({ NetworkInsightsPathId: path.NetworkInsightsPathId }))).NetworkInsightsAnalysis!;
    const id = started.NetworkInsightsAnalysisId!;
    const describe1 = async () => (await ec2.send(new DescribeNetworkInsightsAnalysesCommand({ NetworkInsightsAnalysisIds: [id] }))).NetworkInsightsAnalyses![0]!;
    assert.equal((await describe1()).Status, "running");
    const running = await ec2.send(new DescribeNetworkInsightsAnalysesCommand({ Filters: [{ Name: "status", Values: ["running"] }] }));
    assert.deepEqual(running.NetworkInsightsAnalyses!.map((x) => x.NetworkInsightsAnalysisId), [id]);
    await lab.admin("POST", "/clock", { advanceSeconds: 61 });
    const done = await describe1();
    assert.equal(done.Status, "succeeded");
    // Same-VPC default security group: members reach each other on every port.
    assert.equal(done.NetworkPathFound, true);

    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [b] }));
    await lab.admin("POST", "/clock", { advanceSeconds: 3600 });
    const failed = (await ec2.send(new StartNetworkInsightsAnalysisCommand({ NetworkInsightsPathId: path.NetworkInsightsPathId }))).NetworkInsightsAnalysis!;
    await lab.admin("POST", "/clock", { advanceSeconds: 61 });
    const f = (await ec2.send(new DescribeNetworkInsightsAnalysesCommand({ NetworkInsightsAnalysisIds: [failed.NetworkInsightsAnalysisId!] }))).NetworkInsightsAnalyses![0]!;
    assert.equal(f.Status, "failed");
    assert.match(f.StatusMessage!, new RegExp(b));
    assert.equal(f.NetworkPathFound, undefined);
  });
});
