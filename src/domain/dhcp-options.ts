/**
 * DHCP options sets: create (with EC2's validation of each option), associate with a VPC (or
 * `default`, meaning no options), delete, and the lookup behind them.
 *
 * Reference: EC2 API CreateDhcpOptions (the six option names, up to four servers for each server
 * option, NetBIOS node types 1, 2, 4 and 8, a preferred IPv6 lease time of 140 to 2147483647 seconds),
 * AssociateDhcpOptions ("Specify `default` to associate no DHCP options with the VPC"),
 * DeleteDhcpOptions ("you must disassociate the set … before you can delete it"; EC2 answers
 * DependencyViolation "The dhcpOptions 'dopt-…' has dependencies and cannot be deleted.").
 *
 * Fidelity notes:
 * - vpclab runs no DHCP or DNS service: an options set is a record that DescribeDhcpOptions and
 *   DescribeVpcs read back; it changes nothing in the simulated network (instances' private DNS names
 *   are not derived from `domain-name`).
 * - The wording of the refusals of an unknown option name, a duplicate name and a bad value is
 *   vpclab's best match of EC2's (`InvalidParameterValue`, "Value (…) for parameter … is invalid."):
 *   the code is EC2's, the exact text was not confirmed against AWS.
 * - Server values are checked as IPv4 addresses (`domain-name-servers` also takes `AmazonProvidedDNS`);
 *   AWS also accepts IPv6 name servers, which vpclab refuses (the network is IPv4-only).
 * - No per-region quota on options sets is enforced (AWS's default is 50 per region).
 * - When the region's default set is deleted, the next new VPC gets a fresh default set (AWS's own
 *   behaviour here is not documented).
 */
import type { RegionState, World } from "../state/world.js";
import type { DhcpOptions, Tags } from "./types.js";
import {
  dhcpOptionBadValue,
  dhcpOptionDuplicateKey,
  dhcpOptionUnknownKey,
  dhcpOptionsInUse,
  dhcpOptionsMalformed,
  dhcpOptionsNotFound,
  missingParameter,
} from "./errors.js";
import { isWellFormedId } from "./ids.js";
import { getVpc } from "./lookup.js";
import { parseIp } from "./cidr.js";

/** The id AssociateDhcpOptions takes for "no options", and what DescribeVpcs then shows. */
export const NO_DHCP_OPTIONS = "default";

export function getDhcpOptions(rs: RegionState, id: string | undefined): DhcpOptions {
  if (id === undefined || id === "") throw missingParameter("DhcpOptionsId");
  const d = rs.dhcpOptions.get(id);
  if (!d) {
    if (!isWellFormedId("dopt", id)) throw dhcpOptionsMalformed(id);
    throw dhcpOptionsNotFound(id);
  }
  return d;
}

const MAX_SERVERS = 4;

function serverList(values: string[], allowAmazon: boolean): string[] {
  if (values.length > MAX_SERVERS) throw dhcpOptionBadValue(values.join(", "));
  for (const v of values) {
    if (allowAmazon && v === "AmazonProvidedDNS") continue;
    if (parseIp(v) === undefined) throw dhcpOptionBadValue(v);
  }
  return values;
}

/** Each option name EC2 accepts, and how its values are checked. */
const OPTIONS: Record<string, (values: string[]) => string[]> = {
  "domain-name": (values) => {
    if (values.length !== 1 || values[0]!.trim() === "" || values[0]!.length > 255) throw dhcpOptionBadValue(values.join(", "));
    return values;
  },
  "domain-name-servers": (values) => serverList(values, true),
  "ntp-servers": (values) => serverList(values, false),
  "netbios-name-servers": (values) => serverList(values, false),
  "netbios-node-type": (values) => {
    if (values.length !== 1 || !["1", "2", "4", "8"].includes(values[0]!)) throw dhcpOptionBadValue(values.join(", "));
    return values;
  },
  "ipv6-address-preferred-lease-time": (values) => {
    const v = values[0] ?? "";
    const n = /^\d{1,10}$/.test(v) ? Number(v) : NaN;
    if (values.length !== 1 || !(n >= 140 && n <= 2147483647)) throw dhcpOptionBadValue(values.join(", "));
    return values;
  },
};

export interface DhcpConfigurationInput {
  Key?: string;
  Values?: string[];
}

/** Validates CreateDhcpOptions' configurations into the record's form (order kept as given). */
export function parseDhcpConfigurations(input: DhcpConfigurationInput[] | undefined): DhcpOptions["configurations"] {
  if (input === undefined || input.length === 0) throw missingParameter("DhcpConfiguration");
  const seen = new Set<string>();
  return input.map((c) => {
    if (c.Key === undefined || c.Key === "") throw missingParameter("DhcpConfiguration.Key");
    const check = Object.hasOwn(OPTIONS, c.Key) ? OPTIONS[c.Key]! : undefined;
    if (!check) throw dhcpOptionUnknownKey(c.Key);
    if (seen.has(c.Key)) throw dhcpOptionDuplicateKey(c.Key);
    seen.add(c.Key);
    const values = c.Values ?? [];
    if (values.length === 0) throw missingParameter("DhcpConfiguration.Value");
    return { key: c.Key, values: [...check(values)] };
  });
}

export function createDhcpOptions(world: World, rs: RegionState, configurations: DhcpOptions["configurations"], tags: Tags): DhcpOptions {
  const id = world.ids.next("dopt");
  const d: DhcpOptions = { id, ownerId: rs.account, region: rs.region, tags, configurations };
  rs.dhcpOptions.set(id, d);
  return d;
}

export function associateDhcpOptions(rs: RegionState, dhcpOptionsId: string | undefined, vpcId: string | undefined): void {
  if (vpcId === undefined || vpcId === "") throw missingParameter("VpcId");
  const vpc = getVpc(rs, vpcId);
  const id = dhcpOptionsId === NO_DHCP_OPTIONS ? NO_DHCP_OPTIONS : getDhcpOptions(rs, dhcpOptionsId).id;
  vpc.dhcpOptionsId = id;
}

export function deleteDhcpOptions(rs: RegionState, dhcpOptionsId: string | undefined): void {
  const d = getDhcpOptions(rs, dhcpOptionsId);
  for (const vpc of rs.vpcs.values()) if (vpc.dhcpOptionsId === d.id) throw dhcpOptionsInUse(d.id);
  rs.dhcpOptions.delete(d.id);
}
