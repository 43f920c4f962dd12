/**
 * `vpclab snapshot collect`: reads an account's network with read-only Describe calls and writes the
 * answers to a directory, one JSON file per (account, region, call), in the SDK's JSON output shape —
 * the same document `aws ec2 describe-… --output json` prints — plus `manifest.json`.
 *
 * Layout: `DIR/manifest.json`, `DIR/<account>/<region>/<call>.json` (e.g. `describe-vpcs.json`), each
 * `{ "Vpcs": [ … ] }` with every page merged and no NextToken. The loader (snapshot/import.ts) also
 * reads `DIR/<region>/<call>.json`, so a snapshot made by hand with the AWS CLI loads too.
 *
 * Safety: only the calls in `CALLS` (all `Describe*`) and STS GetCallerIdentity are ever sent; the
 * test (test/e2e/snapshot.test.ts) asserts it from vpclab's request log. Throttling is retried by the
 * SDK's own retry strategy (adaptive mode, exponential backoff with jitter, 10 attempts on AWS).
 *
 * Fidelity notes:
 * - Kinds vpclab does not model (NAT gateways, transit gateways, endpoints, prefix lists, …) are
 *   collected when the endpoint answers them (real AWS), and recorded as `skipped` in the manifest
 *   when it does not (vpclab answers InvalidAction); the loader reports them as unmodelled.
 * - Paging follows NextToken without MaxResults, so each call uses the service's default page size.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as ec2 from "@aws-sdk/client-ec2";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { VERSION } from "../version.js";

/** A Describe call: its file name, the SDK command, and the key of the list it answers. */
export interface CallSpec {
  file: string;
  command: new (input: Record<string, unknown>) => unknown;
  key: string;
  /** Whether vpclab models the kind (false: collected for the load report, may be refused). */
  modelled: boolean;
  paged: boolean;
}

type AnyCmd = new (input: Record<string, unknown>) => unknown;
const c = (file: string, command: unknown, key: string, modelled = true, paged = true): CallSpec => ({ file, command: command as AnyCmd, key, modelled, paged });

export const CALLS: CallSpec[] = [
  c("describe-vpcs", ec2.DescribeVpcsCommand, "Vpcs"),
  c("describe-subnets", ec2.DescribeSubnetsCommand, "Subnets"),
  c("describe-route-tables", ec2.DescribeRouteTablesCommand, "RouteTables"),
  c("describe-internet-gateways", ec2.DescribeInternetGatewaysCommand, "InternetGateways"),
  c("describe-vpc-peering-connections", ec2.DescribeVpcPeeringConnectionsCommand, "VpcPeeringConnections"),
  c("describe-security-groups", ec2.DescribeSecurityGroupsCommand, "SecurityGroups"),
  c("describe-security-group-rules", ec2.DescribeSecurityGroupRulesCommand, "SecurityGroupRules"),
  c("describe-network-acls", ec2.DescribeNetworkAclsCommand, "NetworkAcls"),
  c("describe-network-interfaces", ec2.DescribeNetworkInterfacesCommand, "NetworkInterfaces"),
  c("describe-instances", ec2.DescribeInstancesCommand, "Reservations"),
  c("describe-addresses", ec2.DescribeAddressesCommand, "Addresses", true, false),
  c("describe-dhcp-options", ec2.DescribeDhcpOptionsCommand, "DhcpOptions"),
  c("describe-volumes", ec2.DescribeVolumesCommand, "Volumes"),
  // Not modelled by vpclab: collected so the load report can name them (and a later vpclab load them).
  c("describe-nat-gateways", ec2.DescribeNatGatewaysCommand, "NatGateways", false),
  c("describe-egress-only-internet-gateways", ec2.DescribeEgressOnlyInternetGatewaysCommand, "EgressOnlyInternetGateways", false),
  c("describe-vpn-gateways", ec2.DescribeVpnGatewaysCommand, "VpnGateways", false, false),
  c("describe-transit-gateways", ec2.DescribeTransitGatewaysCommand, "TransitGateways", false),
  c("describe-transit-gateway-attachments", ec2.DescribeTransitGatewayAttachmentsCommand, "TransitGatewayAttachments", false),
  c("describe-transit-gateway-route-tables", ec2.DescribeTransitGatewayRouteTablesCommand, "TransitGatewayRouteTables", false),
  c("describe-vpc-endpoints", ec2.DescribeVpcEndpointsCommand, "VpcEndpoints", false),
  c("describe-managed-prefix-lists", ec2.DescribeManagedPrefixListsCommand, "PrefixLists", false),
];

export interface CollectOptions {
  out: string;
  /** undefined: real AWS (standard credential chain). */
  endpoint?: string;
  regions?: string[];
  /** One entry per account to collect; `{}` is the default credentials. */
  profiles: (string | undefined)[];
  /** Static credentials for vpclab when none are configured. */
  staticCredentials?: { accessKeyId: string; secretAccessKey: string };
  progress?: (line: string) => void;
}

export interface Manifest {
  format: "vpclab-snapshot";
  version: 1;
  tool: string;
  collectedAt: string;
  endpoint: string;
  accounts: { account: string; arn?: string; profile?: string; regions: string[]; files: string[]; skipped: { file: string; code: string }[] }[];
}

function clientConfig(o: CollectOptions, region: string, profile: string | undefined) {
  return {
    region,
    endpoint: o.endpoint,
    profile,
    credentials: o.endpoint && !profile ? o.staticCredentials : undefined,
    // The SDK's own retry strategy: exponential backoff with jitter on throttling and 5xx; adaptive
    // mode also rate-limits the client after a throttle, which is what a whole-account sweep needs.
    maxAttempts: o.endpoint ? 3 : 10,
    retryMode: "adaptive" as const,
  };
}

const errCode = (err: unknown): string => {
  const e = err as { Code?: string; name?: string };
  return e.Code ?? e.name ?? "Error";
};

/** Errors that mean "this endpoint does not offer that call": the kind is skipped, not fatal. */
const UNSUPPORTED = new Set(["InvalidAction", "NotImplemented", "UnsupportedOperation", "OptInRequired", "UnauthorizedOperation", "AccessDenied", "AccessDeniedException"]);

async function describeAll(client: ec2.EC2Client, spec: CallSpec): Promise<Record<string, unknown>> {
  const items: unknown[] = [];
  let token: string | undefined;
  do {
    const input: Record<string, unknown> = spec.paged && token ? { NextToken: token } : {};
    const out = (await client.send(new spec.command(input) as never)) as unknown as Record<string, unknown>;
    const page = out[spec.key];
    if (Array.isArray(page)) items.push(...page);
    token = spec.paged ? (out.NextToken as string | undefined) : undefined;
  } while (token);
  return { [spec.key]: items };
}

function writeJson(path: string, value: unknown): void {
  // Written beside and renamed: an interrupted collect never leaves half a file that would load.
  writeFileSync(path + ".tmp", JSON.stringify(value, null, 2) + "\n");
  renameSync(path + ".tmp", path);
}

export async function collectSnapshot(o: CollectOptions): Promise<Manifest> {
  const say = o.progress ?? (() => {});
  mkdirSync(o.out, { recursive: true });
  const manifest: Manifest = {
    format: "vpclab-snapshot",
    version: 1,
    tool: `vpclab ${VERSION}`,
    collectedAt: new Date().toISOString(),
    endpoint: o.endpoint ?? "aws",
    accounts: [],
  };
  for (const profile of o.profiles) {
    const home = o.regions?.[0] ?? "us-east-1";
    const sts = new STSClient(clientConfig(o, home, profile));
    let account: string;
    let arn: string | undefined;
    try {
      const id = await sts.send(new GetCallerIdentityCommand({}));
      account = id.Account!;
      arn = id.Arn;
    } finally {
      sts.destroy();
    }
    let regions = o.regions;
    if (!regions) {
      const rc = new ec2.EC2Client(clientConfig(o, home, profile));
      try {
        // Without AllRegions, DescribeRegions lists the regions enabled for the account.
        const r = await rc.send(new ec2.DescribeRegionsCommand({}));
        regions = (r.Regions ?? []).map((x) => x.RegionName!).sort();
      } finally {
        rc.destroy();
      }
    }
    const entry: Manifest["accounts"][number] = { account, arn, profile, regions, files: [], skipped: [] };
    manifest.accounts.push(entry);
    for (const region of regions) {
      const dir = join(o.out, account, region);
      mkdirSync(dir, { recursive: true });
      const client = new ec2.EC2Client(clientConfig(o, region, profile));
      try {
        let done = 0;
        let count = 0;
        for (const spec of CALLS) {
          try {
            const doc = await describeAll(client, spec);
            count += (doc[spec.key] as unknown[]).length;
            writeJson(join(dir, spec.file + ".json"), doc);
            entry.files.push(`${account}/${region}/${spec.file}.json`);
          } catch (err) {
            const code = errCode(err);
            if (!UNSUPPORTED.has(code) || spec.modelled) throw new Error(`${region} ${spec.file}: ${code}: ${(err as Error).message}`);
            entry.skipped.push({ file: `${account}/${region}/${spec.file}.json`, code });
          }
          done++;
          say(`${account} ${region} [${"#".repeat(done)}${".".repeat(CALLS.length - done)}] ${done}/${CALLS.length} calls, ${count} records`);
        }
      } finally {
        client.destroy();
      }
    }
  }
  writeJson(join(o.out, "manifest.json"), manifest);
  return manifest;
}
