/**
 * DescribeRegions and DescribeAvailabilityZones, from the built-in region catalogue (state/regions.ts).
 *
 * Reference: EC2 API DescribeRegions, DescribeAvailabilityZones (filters as documented there).
 * Fidelity notes: every region is enabled for every account (opt-in regions show `opted-in`); zones
 * are all `available`; local and Wavelength zones are not listed.
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
import { REGIONS, regionInfo, zonesOf, type RegionInfo, type ZoneInfo } from "../state/regions.js";
import { applyFilters, type FilterSpec } from "../domain/describe.js";
import { invalidParameterValue, invalidRegion } from "../domain/errors.js";

const regionView = (r: RegionInfo): Region => ({
  OptInStatus: r.optIn ? "opted-in" : "opt-in-not-required",
  RegionName: r.name,
  Endpoint: `ec2.${r.name}.amazonaws.com`,
});

const REGION_FILTERS: FilterSpec<RegionInfo> = {
  endpoint: (r) => `ec2.${r.name}.amazonaws.com`,
  "opt-in-status": (r) => (r.optIn ? "opted-in" : "opt-in-not-required"),
  "region-name": (r) => r.name,
};

const describeRegions: Handler<DescribeRegionsRequest, DescribeRegionsResult> = (_ctx, input) => {
  let regions = [...REGIONS];
  if (input.RegionNames?.length) {
    const unknown = input.RegionNames.filter((n) => !regionInfo(n));
    if (unknown.length) throw invalidRegion(unknown);
    regions = input.RegionNames.map((n) => regionInfo(n)!);
  }
  return { Regions: applyFilters(regions, input.Filters, REGION_FILTERS).map(regionView) };
};

const zoneView = (z: ZoneInfo): AvailabilityZone => ({
  OptInStatus: "opt-in-not-required",
  Messages: [],
  RegionName: z.region,
  ZoneName: z.zoneName,
  ZoneId: z.zoneId,
  GroupName: z.region,
  NetworkBorderGroup: z.region,
  ZoneType: "availability-zone",
  GroupLongName: z.region,
  State: "available",
});

const ZONE_FILTERS: FilterSpec<ZoneInfo> = {
  "group-name": (z) => z.region,
  "message": () => [],
  "opt-in-status": () => "opt-in-not-required",
  "region-name": (z) => z.region,
  "state": () => "available",
  "zone-id": (z) => z.zoneId,
  "zone-name": (z) => z.zoneName,
  "zone-type": () => "availability-zone",
  "network-border-group": (z) => z.region,
};

const describeAvailabilityZones: Handler<DescribeAvailabilityZonesRequest, DescribeAvailabilityZonesResult> = (
  { region },
  input,
) => {
  let zones = zonesOf(region);
  if (input.ZoneNames?.length || input.ZoneIds?.length) {
    const byName = input.ZoneNames ?? [];
    const byId = input.ZoneIds ?? [];
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
