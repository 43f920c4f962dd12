/**
 * `vpclab snapshot collect`: reads an account's network with read-only Describe calls and writes the
 * answers to a directory, one JSON file per (account, region, call), in the SDK's JSON output shape —
 * the same document `aws ec2 describe-… --output json` prints — plus `manifest.json`.
 *
 * Layout: `DIR/manifest.json`, `DIR/<account>/<region>/<call>.json` (e.g. `describe-vpcs.json`), each
 * `{ "Vpcs": [ … ] }` with every page merged and no NextToken. The loader (snapshot/import.ts) also
 * reads `DIR/<region>/<call>.json`, so a snapshot made by hand with the AWS CLI loads too.
 *
 * Transit gateway route tables: their associations, propagations and routes are per-table calls
 * (GetTransitGatewayRouteTableAssociations/Propagations, SearchTransitGatewayRoutes with
 * `type=static,propagated`), written as `<call>.<tgw-rtb-id>.json`, the answer for that one table.
 * Customer-managed prefix lists' entries likewise: `get-managed-prefix-list-entries.<pl-id>.json`
 * (AWS-managed lists, OwnerId `AWS`, are not read: vpclab has its own, see snapshot/import.ts).
 *
 * Safety: only the calls in `CALLS` (all `Describe*`, `Get*` and `Search*`), DescribeRegions and STS
 * GetCallerIdentity are ever sent (`iamActions()` lists them; README.md's IAM policy must equal it);
 * the test (test/e2e/snapshot.test.ts) asserts it from vpclab's request log. Throttling is retried by the
 * SDK's own retry strategy (adaptive mode, exponential backoff with jitter, 10 attempts on AWS).
 *
 * Fidelity notes:
 * - SearchTransitGatewayRoutes answers at most 1000 routes and has no paging: a table with more is
 *   listed under `truncated` in the manifest (its routes beyond 1000 are not in the snapshot).
 * - Every call in `CALLS` is of a kind vpclab models (`modelled: false` marks a kind collected only for
 *   the load report: recorded as `skipped` in the manifest when the endpoint refuses it; none today).
 * - Paging follows NextToken without MaxResults, so each call uses the service's default page size.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as ec2 from "@aws-sdk/client-ec2";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { VERSION } from "../version.js";

/**
 * A read-only call, one row per call: its file name, the SDK command, the key of the list it answers.
 * A new kind is one row here and one in snapshot/import.ts's KINDS.
 */
export interface CallSpec {
  file: string;
  /** The EC2 API action (what the IAM policy must allow: `ec2:<action>`). */
  action: string;
  command: new (input: Record<string, unknown>) => unknown;
  key: string;
  /** Whether vpclab models the kind (false: collected for the load report, may be refused). */
  modelled: boolean;
  paged: boolean;
  /**
   * A call made once per record of another call (e.g. per transit gateway route table): the parent's
   * file, the id field of its records and the input parameter that takes it. The answer is written
   * to `<file>.<id>.json`, exactly what `aws ec2 <file> --<param> <id>` prints.
   */
  each?: { parent: string; idField: string; param: string; input?: Record<string, unknown>; where?: (parent: Record<string, unknown>) => boolean };
}

type AnyCmd = new (input: Record<string, unknown>) => unknown;
const c = (file: string, command: unknown, key: string, modelled = true, paged = true, each?: CallSpec["each"]): CallSpec => ({
  file,
  action: file.split("-").map((w) => w[0]!.toUpperCase() + w.slice(1)).join(""),
  command: command as AnyCmd,
  key,
  modelled,
  paged,
  ...(each ? { each } : {}),
});
const perTgwTable = (input?: Record<string, unknown>) => ({ parent: "describe-transit-gateway-route-tables", idField: "TransitGatewayRouteTableId", param: "TransitGatewayRouteTableId", ...(input ? { input } : {}) });

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
  c("describe-transit-gateways", ec2.DescribeTransitGatewaysCommand, "TransitGateways"),
  c("describe-transit-gateway-vpc-attachments", ec2.DescribeTransitGatewayVpcAttachmentsCommand, "TransitGatewayVpcAttachments"),
  c("describe-transit-gateway-peering-attachments", ec2.DescribeTransitGatewayPeeringAttachmentsCommand, "TransitGatewayPeeringAttachments"),
  c("describe-transit-gateway-attachments", ec2.DescribeTransitGatewayAttachmentsCommand, "TransitGatewayAttachments"),
  c("describe-transit-gateway-route-tables", ec2.DescribeTransitGatewayRouteTablesCommand, "TransitGatewayRouteTables"),
  c("get-transit-gateway-route-table-associations", ec2.GetTransitGatewayRouteTableAssociationsCommand, "Associations", true, true, perTgwTable()),
  c("get-transit-gateway-route-table-propagations", ec2.GetTransitGatewayRouteTablePropagationsCommand, "TransitGatewayRouteTablePropagations", true, true, perTgwTable()),
  // No NextToken: one answer of at most 1000 routes (AdditionallyAvailable says when there are more).
  c("search-transit-gateway-routes", ec2.SearchTransitGatewayRoutesCommand, "Routes", true, false, perTgwTable({ Filters: [{ Name: "type", Values: ["static", "propagated"] }], MaxResults: 1000 })),
  c("describe-nat-gateways", ec2.DescribeNatGatewaysCommand, "NatGateways"),
  c("describe-egress-only-internet-gateways", ec2.DescribeEgressOnlyInternetGatewaysCommand, "EgressOnlyInternetGateways"),
  c("describe-vpc-endpoints", ec2.DescribeVpcEndpointsCommand, "VpcEndpoints"),
  // Customer-managed and AWS-managed lists; the entries of the customer-managed ones (AWS-managed
  // lists are vpclab's own reference data: the loader maps their ids by name and needs no entries).
  c("describe-managed-prefix-lists", ec2.DescribeManagedPrefixListsCommand, "PrefixLists"),
  c("get-managed-prefix-list-entries", ec2.GetManagedPrefixListEntriesCommand, "Entries", true, true, {
    parent: "describe-managed-prefix-lists",
    idField: "PrefixListId",
    param: "PrefixListId",
    where: (p) => p.OwnerId !== "AWS",
  }),
  // Site-to-Site VPN: none of the three calls pages.
  c("describe-vpn-gateways", ec2.DescribeVpnGatewaysCommand, "VpnGateways", true, false),
  c("describe-customer-gateways", ec2.DescribeCustomerGatewaysCommand, "CustomerGateways", true, false),
  c("describe-vpn-connections", ec2.DescribeVpnConnectionsCommand, "VpnConnections", true, false),
];

/**
 * Every IAM action the collector can call, `service:Action`, sorted: the read-only policy README.md
 * documents (a test checks that the two lists are equal).
 */
export function iamActions(): string[] {
  return [...new Set(["sts:GetCallerIdentity", "ec2:DescribeRegions", ...CALLS.map((s) => `ec2:${s.action}`)])].sort();
}

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
  accounts: { account: string; arn?: string; profile?: string; regions: string[]; files: string[]; skipped: { file: string; code: string }[]; truncated: string[] }[];
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

async function describeAll(client: ec2.EC2Client, spec: CallSpec, base: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const items: unknown[] = [];
  let token: string | undefined;
  let more = false;
  do {
    const input: Record<string, unknown> = spec.paged && token ? { ...base, NextToken: token } : { ...base };
    const out = (await client.send(new spec.command(input) as never)) as unknown as Record<string, unknown>;
    const page = out[spec.key];
    if (Array.isArray(page)) items.push(...page);
    if (out.AdditionallyAvailable === true) more = true;
    token = spec.paged ? (out.NextToken as string | undefined) : undefined;
  } while (token);
  return more ? { [spec.key]: items, AdditionallyAvailable: true } : { [spec.key]: items };
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
    const entry: Manifest["accounts"][number] = { account, arn, profile, regions, files: [], skipped: [], truncated: [] };
    manifest.accounts.push(entry);
    for (const region of regions) {
      const dir = join(o.out, account, region);
      mkdirSync(dir, { recursive: true });
      const client = new ec2.EC2Client(clientConfig(o, region, profile));
      try {
        let done = 0;
        let count = 0;
        const docs = new Map<string, Record<string, unknown>>();
        const save = (name: string, doc: Record<string, unknown>) => {
          writeJson(join(dir, name + ".json"), doc);
          entry.files.push(`${account}/${region}/${name}.json`);
        };
        for (const spec of CALLS) {
          try {
            if (spec.each) {
              // Once per record of the parent call (an unmodelled or skipped parent: no calls).
              const parents = (docs.get(spec.each.parent)?.[CALLS.find((p) => p.file === spec.each!.parent)!.key] as Record<string, unknown>[] | undefined) ?? [];
              for (const p of parents) {
                const id = p[spec.each.idField];
                if (typeof id !== "string" || (spec.each.where && !spec.each.where(p))) continue;
                const doc = await describeAll(client, spec, { ...spec.each.input, [spec.each.param]: id });
                count += (doc[spec.key] as unknown[]).length;
                if (doc.AdditionallyAvailable) entry.truncated.push(`${account}/${region}/${spec.file}.${id}.json`);
                save(`${spec.file}.${id}`, doc);
              }
            } else {
              const doc = await describeAll(client, spec);
              docs.set(spec.file, doc);
              count += (doc[spec.key] as unknown[]).length;
              save(spec.file, doc);
            }
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
