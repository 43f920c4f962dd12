/**
 * DescribeRegions and DescribeAvailabilityZones, from the built-in region catalogue (model/regions.ts).
 *
 * Reference: EC2 API DescribeRegions, DescribeAvailabilityZones (filters as documented there). Zones
 * show the zone group EC2 now reports (`GroupName` `us-west-2-zg-1`, `GroupLongName`
 * `US West (Oregon) 1`), `ZoneType` `availability-zone` and `State` `available`.
 *
 * Fidelity notes: every region is enabled for every account (opt-in regions show `opted-in`, so
 * `AllRegions` changes nothing); zones are all `available`, with no messages; Local and Wavelength Zones
 * are not listed. An unknown region name gets `InvalidParameterValue` "Invalid region: [name]" and an
 * unknown zone "The zone 'name' does not exist.", as EC2 answers.
 */
import type {
  AvailabilityZone,
  DescribeAvailabilityZonesRequest,
  DescribeAvailabilityZonesResult,
  DescribeRegionsRequest,
  DescribeRegionsResult,
  Region,
} from "@aws-sdk/client-ec2";
import type { Handler } from "./context.js";
import { REGIONS, regionInfo, zonesOf, type RegionInfo, type ZoneInfo } from "../model/regions.js";
import { applyFilters, type FilterSpec } from "../domain/describe.js";
import { invalidParameterValue } from "../domain/errors.js";

const optInStatus = (r: RegionInfo) => (r.optIn ? "opted-in" : "opt-in-not-required");
const endpointOf = (r: RegionInfo) => `ec2.${r.name}.amazonaws.com`;

const regionView = (r: RegionInfo): Region => ({
  OptInStatus: optInStatus(r),
  RegionName: r.name,
  Endpoint: endpointOf(r),
});

const REGION_FILTERS: FilterSpec<RegionInfo> = {
  endpoint: endpointOf,
  "opt-in-status": optInStatus,
  "region-name": (r) => r.name,
};

const describeRegions: Handler<DescribeRegionsRequest, DescribeRegionsResult> = (_ctx, input) => {
  let regions: RegionInfo[] = [...REGIONS];
  if (input.RegionNames?.length) {
    const unknown = input.RegionNames.filter((n) => !regionInfo(n));
    if (unknown.length) throw invalidParameterValue(`Invalid region: [${unknown.join(", ")}]`);
    regions = [...new Set(input.RegionNames)].map((n) => regionInfo(n)!);
  }
  return { Regions: applyFilters(regions, input.Filters, REGION_FILTERS).map(regionView) };
};

const zoneView = (z: ZoneInfo): AvailabilityZone => ({
  OptInStatus: "opt-in-not-required",
  Messages: [],
  RegionName: z.region,
  ZoneName: z.zoneName,
  ZoneId: z.zoneId,
  GroupName: z.groupName,
  NetworkBorderGroup: z.region,
  ZoneType: "availability-zone",
  GroupLongName: z.groupLongName,
  State: "available",
});

const ZONE_FILTERS: FilterSpec<ZoneInfo> = {
  "group-long-name": (z) => z.groupLongName,
  "group-name": (z) => z.groupName,
  "message": () => [],
  "network-border-group": (z) => z.region,
  "opt-in-status": () => "opt-in-not-required",
  "parent-zone-id": () => [],
  "parent-zone-name": () => [],
  "region-name": (z) => z.region,
  "state": () => "available",
  "zone-id": (z) => z.zoneId,
  "zone-name": (z) => z.zoneName,
  "zone-type": () => "availability-zone",
};

const describeAvailabilityZones: Handler<DescribeAvailabilityZonesRequest, DescribeAvailabilityZonesResult> = (
  { region },
  input,
) => {
  let zones = zonesOf(region);
  const byName = input.ZoneNames ?? [];
  const byId = input.ZoneIds ?? [];
  if (byName.length || byId.length) {
    for (const n of byName) if (!zones.some((z) => z.zoneName === n)) throw invalidParameterValue(`The zone '${n}' does not exist.`);
    for (const n of byId) if (!zones.some((z) => z.zoneId === n)) throw invalidParameterValue(`The zone ID '${n}' does not exist.`);
    zones = zones.filter((z) => byName.includes(z.zoneName) || byId.includes(z.zoneId));
  }
  return { AvailabilityZones: applyFilters(zones, input.Filters, ZONE_FILTERS).map(zoneView) };
};

export const regionOperations = {
  DescribeRegions: describeRegions,
  DescribeAvailabilityZones: describeAvailabilityZones,
};
