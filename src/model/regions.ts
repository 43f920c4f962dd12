/**
 * AWS's commercial regions and their availability zones, as `DescribeRegions` and
 * `DescribeAvailabilityZones` show them. The region list is the 32 regions of
 * `shared/data/aws-region-rtt-p50.json`; zone letters and zone ids are AWS's.
 * Reference data, not state: fixed for every account and never written, so it lives with the model.
 *
 * Fidelity notes: only Availability Zones are listed (no Local or Wavelength Zones). On AWS the mapping of zone names to zone ids differs per account (except in a few
 * regions); vpclab uses one fixed mapping for every account, so `ap-northeast-1a` is always `apne1-az4`.
 * Opt-in regions report `opted-in`: every region is enabled in every vpclab account.
 */

export interface RegionInfo {
  name: string;
  /** The console's name for the region; AZ group long names are built from it ("US West (Oregon) 1"). */
  longName: string;
  optIn: boolean;
  /** [zone letter, zone id] */
  zones: [string, string][];
}

export const REGIONS: readonly RegionInfo[] = [
  { name: "af-south-1", longName: "Africa (Cape Town)", optIn: true, zones: [["a", "afs1-az1"], ["b", "afs1-az2"], ["c", "afs1-az3"]] },
  { name: "ap-east-1", longName: "Asia Pacific (Hong Kong)", optIn: true, zones: [["a", "ape1-az1"], ["b", "ape1-az2"], ["c", "ape1-az3"]] },
  { name: "ap-northeast-1", longName: "Asia Pacific (Tokyo)", optIn: false, zones: [["a", "apne1-az4"], ["c", "apne1-az1"], ["d", "apne1-az2"]] },
  { name: "ap-northeast-2", longName: "Asia Pacific (Seoul)", optIn: false, zones: [["a", "apne2-az1"], ["b", "apne2-az2"], ["c", "apne2-az3"], ["d", "apne2-az4"]] },
  { name: "ap-northeast-3", longName: "Asia Pacific (Osaka)", optIn: false, zones: [["a", "apne3-az3"], ["b", "apne3-az1"], ["c", "apne3-az2"]] },
  { name: "ap-south-1", longName: "Asia Pacific (Mumbai)", optIn: false, zones: [["a", "aps1-az1"], ["b", "aps1-az3"], ["c", "aps1-az2"]] },
  { name: "ap-south-2", longName: "Asia Pacific (Hyderabad)", optIn: true, zones: [["a", "aps2-az1"], ["b", "aps2-az2"], ["c", "aps2-az3"]] },
  { name: "ap-southeast-1", longName: "Asia Pacific (Singapore)", optIn: false, zones: [["a", "apse1-az2"], ["b", "apse1-az1"], ["c", "apse1-az3"]] },
  { name: "ap-southeast-2", longName: "Asia Pacific (Sydney)", optIn: false, zones: [["a", "apse2-az3"], ["b", "apse2-az1"], ["c", "apse2-az2"]] },
  { name: "ap-southeast-3", longName: "Asia Pacific (Jakarta)", optIn: true, zones: [["a", "apse3-az1"], ["b", "apse3-az2"], ["c", "apse3-az3"]] },
  { name: "ap-southeast-4", longName: "Asia Pacific (Melbourne)", optIn: true, zones: [["a", "apse4-az1"], ["b", "apse4-az2"], ["c", "apse4-az3"]] },
  { name: "ap-southeast-5", longName: "Asia Pacific (Malaysia)", optIn: true, zones: [["a", "apse5-az1"], ["b", "apse5-az2"], ["c", "apse5-az3"]] },
  { name: "ap-southeast-7", longName: "Asia Pacific (Thailand)", optIn: true, zones: [["a", "apse7-az1"], ["b", "apse7-az2"], ["c", "apse7-az3"]] },
  { name: "ca-central-1", longName: "Canada (Central)", optIn: false, zones: [["a", "cac1-az1"], ["b", "cac1-az2"], ["d", "cac1-az4"]] },
  { name: "ca-west-1", longName: "Canada West (Calgary)", optIn: true, zones: [["a", "caw1-az1"], ["b", "caw1-az2"], ["c", "caw1-az3"]] },
  { name: "eu-central-1", longName: "Europe (Frankfurt)", optIn: false, zones: [["a", "euc1-az2"], ["b", "euc1-az3"], ["c", "euc1-az1"]] },
  { name: "eu-central-2", longName: "Europe (Zurich)", optIn: true, zones: [["a", "euc2-az1"], ["b", "euc2-az2"], ["c", "euc2-az3"]] },
  { name: "eu-north-1", longName: "Europe (Stockholm)", optIn: false, zones: [["a", "eun1-az1"], ["b", "eun1-az2"], ["c", "eun1-az3"]] },
  { name: "eu-south-1", longName: "Europe (Milan)", optIn: true, zones: [["a", "eus1-az1"], ["b", "eus1-az2"], ["c", "eus1-az3"]] },
  { name: "eu-south-2", longName: "Europe (Spain)", optIn: true, zones: [["a", "eus2-az1"], ["b", "eus2-az2"], ["c", "eus2-az3"]] },
  { name: "eu-west-1", longName: "Europe (Ireland)", optIn: false, zones: [["a", "euw1-az3"], ["b", "euw1-az1"], ["c", "euw1-az2"]] },
  { name: "eu-west-2", longName: "Europe (London)", optIn: false, zones: [["a", "euw2-az2"], ["b", "euw2-az3"], ["c", "euw2-az1"]] },
  { name: "eu-west-3", longName: "Europe (Paris)", optIn: false, zones: [["a", "euw3-az1"], ["b", "euw3-az2"], ["c", "euw3-az3"]] },
  { name: "il-central-1", longName: "Israel (Tel Aviv)", optIn: true, zones: [["a", "ilc1-az1"], ["b", "ilc1-az2"], ["c", "ilc1-az3"]] },
  { name: "me-central-1", longName: "Middle East (UAE)", optIn: true, zones: [["a", "mec1-az1"], ["b", "mec1-az2"], ["c", "mec1-az3"]] },
  { name: "me-south-1", longName: "Middle East (Bahrain)", optIn: true, zones: [["a", "mes1-az1"], ["b", "mes1-az2"], ["c", "mes1-az3"]] },
  { name: "mx-central-1", longName: "Mexico (Central)", optIn: true, zones: [["a", "mxc1-az1"], ["b", "mxc1-az2"], ["c", "mxc1-az3"]] },
  { name: "sa-east-1", longName: "South America (Sao Paulo)", optIn: false, zones: [["a", "sae1-az1"], ["b", "sae1-az2"], ["c", "sae1-az3"]] },
  { name: "us-east-1", longName: "US East (N. Virginia)", optIn: false, zones: [["a", "use1-az1"], ["b", "use1-az2"], ["c", "use1-az4"], ["d", "use1-az6"], ["e", "use1-az3"], ["f", "use1-az5"]] },
  { name: "us-east-2", longName: "US East (Ohio)", optIn: false, zones: [["a", "use2-az1"], ["b", "use2-az2"], ["c", "use2-az3"]] },
  { name: "us-west-1", longName: "US West (N. California)", optIn: false, zones: [["b", "usw1-az1"], ["c", "usw1-az3"]] },
  { name: "us-west-2", longName: "US West (Oregon)", optIn: false, zones: [["a", "usw2-az1"], ["b", "usw2-az2"], ["c", "usw2-az3"], ["d", "usw2-az4"]] },
];

const BY_NAME = new Map(REGIONS.map((r) => [r.name, r]));

export function regionInfo(name: string): RegionInfo | undefined {
  return BY_NAME.get(name);
}

export interface ZoneInfo {
  region: string;
  zoneName: string;
  zoneId: string;
  /** The zone group: `<region>-zg-1` for every Availability Zone, as EC2 now names it. */
  groupName: string;
  groupLongName: string;
}

// Built once: zonesOf is called on every CreateSubnet and DescribeAvailabilityZones.
const ZONES = new Map<string, ZoneInfo[]>(
  REGIONS.map((r) => [
    r.name,
    r.zones.map(([letter, zoneId]) => ({
      region: r.name,
      zoneName: r.name + letter,
      zoneId,
      groupName: `${r.name}-zg-1`,
      groupLongName: `${r.longName} 1`,
    })),
  ]),
);

/** The region's Availability Zones in name order; empty for an unknown region. */
export function zonesOf(region: string): ZoneInfo[] {
  return ZONES.get(region) ?? [];
}
