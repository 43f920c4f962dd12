/**
 * DescribeInstanceTypes and DescribeInstanceTypeOfferings, from the catalogue in
 * domain/instance-types.ts.
 *
 * Reference: EC2 API DescribeInstanceTypes (filters, `InvalidInstanceType` for an unknown type, pages
 * of at most 100) and DescribeInstanceTypeOfferings (LocationType region | availability-zone |
 * availability-zone-id; filters `instance-type` and `location`).
 *
 * Fidelity notes: see domain/instance-types.ts (every type offered everywhere). The filters listed in
 * INSTANCE_TYPE_FILTERS are supported; any other name is refused as EC2 refuses an unknown filter.
 */
import type {
  DescribeInstanceTypeOfferingsRequest,
  DescribeInstanceTypeOfferingsResult,
  DescribeInstanceTypesRequest,
  DescribeInstanceTypesResult,
  InstanceTypeInfo as InstanceTypeView,
} from "@aws-sdk/client-ec2";
import type { Handler } from "./context.js";
import { applyFilters, paginate, type FilterSpec } from "../domain/describe.js";
import { allInstanceTypes, instanceTypeInfo, type InstanceTypeInfo } from "../domain/instance-types.js";
import { invalidInstanceTypes, invalidParameterValue } from "../domain/errors.js";
import { zonesOf } from "../model/regions.js";

function view(t: InstanceTypeInfo): InstanceTypeView {
  const nitro = t.hypervisor === "nitro" || t.bareMetal;
  return {
    InstanceType: t.name as InstanceTypeView["InstanceType"],
    CurrentGeneration: t.currentGeneration,
    FreeTierEligible: t.freeTierEligible,
    SupportedUsageClasses: ["on-demand", "spot"],
    SupportedRootDeviceTypes: [...t.rootDeviceTypes] as never,
    SupportedVirtualizationTypes: [...t.virtualizationTypes] as never,
    BareMetal: t.bareMetal,
    Hypervisor: t.hypervisor as InstanceTypeView["Hypervisor"],
    ProcessorInfo: { SupportedArchitectures: [...t.architectures] as never },
    VCpuInfo: { DefaultVCpus: t.vcpus, DefaultCores: t.defaultCores, DefaultThreadsPerCore: t.threadsPerCore },
    MemoryInfo: { SizeInMiB: t.memoryMiB },
    InstanceStorageSupported: t.rootDeviceTypes.includes("instance-store"),
    EbsInfo: {
      EbsOptimizedSupport: t.ebsOptimizedSupport as never,
      EncryptionSupport: "supported",
      NvmeSupport: nitro ? "required" : "unsupported",
    },
    NetworkInfo: {
      NetworkPerformance: t.networkPerformance,
      MaximumNetworkInterfaces: t.maxEnis,
      MaximumNetworkCards: 1,
      DefaultNetworkCardIndex: 0,
      NetworkCards: [{ NetworkCardIndex: 0, NetworkPerformance: t.networkPerformance, MaximumNetworkInterfaces: t.maxEnis }],
      Ipv4AddressesPerInterface: t.ipv4PerEni,
      Ipv6AddressesPerInterface: t.ipv6PerEni,
      Ipv6Supported: t.ipv6Supported,
      EnaSupport: nitro ? "required" : "supported",
      EfaSupported: false,
      EncryptionInTransitSupported: false,
    },
    PlacementGroupInfo: { SupportedStrategies: t.burstable ? ["partition", "spread"] : ["cluster", "partition", "spread"] },
    HibernationSupported: false,
    BurstablePerformanceSupported: t.burstable,
    DedicatedHostsSupported: !t.burstable,
    AutoRecoverySupported: !t.bareMetal,
    SupportedBootModes: t.architecture === "arm64" ? ["uefi"] : ["legacy-bios", "uefi"],
  };
}

const INSTANCE_TYPE_FILTERS: FilterSpec<InstanceTypeInfo> = {
  "auto-recovery-supported": (t) => !t.bareMetal,
  "bare-metal": (t) => t.bareMetal,
  "burstable-performance-supported": (t) => t.burstable,
  "current-generation": (t) => t.currentGeneration,
  "dedicated-hosts-supported": (t) => !t.burstable,
  "ebs-info.ebs-optimized-support": (t) => t.ebsOptimizedSupport,
  "ebs-info.encryption-support": () => "supported",
  "free-tier-eligible": (t) => t.freeTierEligible,
  "hibernation-supported": () => false,
  "hypervisor": (t) => t.hypervisor,
  "instance-storage-supported": (t) => t.rootDeviceTypes.includes("instance-store"),
  "instance-type": (t) => t.name,
  "memory-info.size-in-mib": (t) => t.memoryMiB,
  "network-info.ipv4-addresses-per-interface": (t) => t.ipv4PerEni,
  "network-info.ipv6-addresses-per-interface": (t) => t.ipv6PerEni,
  "network-info.ipv6-supported": (t) => t.ipv6Supported,
  "network-info.maximum-network-interfaces": (t) => t.maxEnis,
  "network-info.maximum-network-cards": () => 1,
  "network-info.network-performance": (t) => t.networkPerformance,
  "processor-info.supported-architecture": (t) => [...t.architectures],
  "supported-root-device-type": (t) => [...t.rootDeviceTypes],
  "supported-usage-class": () => ["on-demand", "spot"],
  "supported-virtualization-type": (t) => [...t.virtualizationTypes],
  "vcpu-info.default-cores": (t) => t.defaultCores,
  "vcpu-info.default-threads-per-core": (t) => t.threadsPerCore,
  "vcpu-info.default-vcpus": (t) => t.vcpus,
};

const describeInstanceTypes: Handler<DescribeInstanceTypesRequest, DescribeInstanceTypesResult> = (_ctx, input) => {
  let list: InstanceTypeInfo[];
  if (input.InstanceTypes && input.InstanceTypes.length > 0) {
    const unknown = input.InstanceTypes.filter((t) => !instanceTypeInfo(t));
    if (unknown.length > 0) throw invalidInstanceTypes(unknown);
    list = [...new Set(input.InstanceTypes)].map((t) => instanceTypeInfo(t)!);
  } else {
    list = [...allInstanceTypes()];
  }
  const filtered = applyFilters(list, input.Filters, INSTANCE_TYPE_FILTERS);
  // EC2 pages this call even without MaxResults (at most 100 a page).
  const page = paginate(filtered, { MaxResults: input.MaxResults ?? 100, NextToken: input.NextToken }, [5, 100], (t) => t.name);
  return { InstanceTypes: page.items.map(view), NextToken: page.nextToken };
};

interface Offering {
  type: string;
  location: string;
}

const describeInstanceTypeOfferings: Handler<DescribeInstanceTypeOfferingsRequest, DescribeInstanceTypeOfferingsResult> = (
  { region },
  input,
) => {
  const locationType = input.LocationType ?? "region";
  let locations: string[];
  if (locationType === "region") locations = [region];
  else if (locationType === "availability-zone") locations = zonesOf(region).map((z) => z.zoneName);
  else if (locationType === "availability-zone-id") locations = zonesOf(region).map((z) => z.zoneId);
  else throw invalidParameterValue(`Value (${locationType}) for parameter locationType is invalid.`);
  const offerings: Offering[] = [];
  for (const location of locations) for (const t of allInstanceTypes()) offerings.push({ type: t.name, location });
  const filtered = applyFilters(offerings, input.Filters, {
    "instance-type": (o) => o.type,
    "location": (o) => o.location,
  });
  const page = paginate(filtered, { MaxResults: input.MaxResults ?? 1000, NextToken: input.NextToken }, [5, 1000]);
  return {
    InstanceTypeOfferings: page.items.map((o) => ({
      InstanceType: o.type as never,
      LocationType: locationType as never,
      Location: o.location,
    })),
    NextToken: page.nextToken,
  };
};

export const instanceTypeOperations = {
  DescribeInstanceTypes: describeInstanceTypes,
  DescribeInstanceTypeOfferings: describeInstanceTypeOfferings,
};
