/**
 * The EC2 instance type catalogue: what DescribeInstanceTypes and DescribeInstanceTypeOfferings answer,
 * what RunInstances checks a type and an image's architecture against, and which types earn CPU credits.
 *
 * Reference: EC2 API DescribeInstanceTypes / DescribeInstanceTypeOfferings, "Burstable performance
 * instances" (T2 default to `standard` credits, T3/T3a/T4g to `unlimited`). Data: src/model/
 * instance-types-data.ts, generated from AWS's own DescribeInstanceTypes output (source named there).
 *
 * Fidelity notes:
 * - The catalogue is the union over all regions: every type is offered in every region and zone
 *   (AWS offers fewer types in newer regions and some zones).
 * - Free-tier eligibility is t2.micro and t3.micro everywhere (AWS varies it by region and account age).
 * - Processor clock speeds, GPU/accelerator, instance-store and network-card details are not in the
 *   catalogue and are omitted from the answers.
 */
import {
  ARCHITECTURES,
  EBS_OPTIMIZED_SUPPORT,
  HYPERVISORS,
  INSTANCE_TYPE_ROWS,
  NETWORK_PERFORMANCE,
  ROOT_DEVICE_TYPES,
  VIRTUALIZATION_TYPES,
} from "../model/instance-types-data.js";
import { invalidParameterValue } from "./errors.js";

export interface InstanceTypeInfo {
  name: string;
  vcpus: number;
  memoryMiB: number;
  defaultCores: number;
  threadsPerCore: number;
  burstable: boolean;
  currentGeneration: boolean;
  bareMetal: boolean;
  ipv6Supported: boolean;
  architectures: readonly string[];
  /** The architecture an instance of this type reports (x86_64 for the i386/x86_64 types). */
  architecture: string;
  networkPerformance: string;
  ebsOptimizedSupport: string;
  hypervisor?: string;
  virtualizationTypes: readonly string[];
  rootDeviceTypes: readonly string[];
  maxEnis: number;
  ipv4PerEni: number;
  ipv6PerEni: number;
  freeTierEligible: boolean;
}

const FREE_TIER = new Set(["t2.micro", "t3.micro"]);

let catalogue: Map<string, InstanceTypeInfo> | undefined;

/** Decoded on first use, so start-up does not pay for 1,400 rows it may never need. */
function all(): Map<string, InstanceTypeInfo> {
  if (catalogue) return catalogue;
  catalogue = new Map();
  for (const r of INSTANCE_TYPE_ROWS) {
    const [name, vcpus, memoryMiB, defaultCores, threadsPerCore, flags, arch, net, ebs, hyper, virt, root, maxEnis, ipv4, ipv6] = r;
    const architectures = ARCHITECTURES[arch]!;
    catalogue.set(name, {
      name,
      vcpus,
      memoryMiB,
      defaultCores,
      threadsPerCore,
      burstable: (flags & 1) !== 0,
      currentGeneration: (flags & 2) !== 0,
      bareMetal: (flags & 4) !== 0,
      ipv6Supported: (flags & 8) !== 0,
      architectures,
      architecture: architectures.includes("x86_64") ? "x86_64" : architectures[0]!,
      networkPerformance: NETWORK_PERFORMANCE[net]!,
      ebsOptimizedSupport: EBS_OPTIMIZED_SUPPORT[ebs]!,
      hypervisor: HYPERVISORS[hyper] ?? undefined,
      virtualizationTypes: VIRTUALIZATION_TYPES[virt]!,
      rootDeviceTypes: ROOT_DEVICE_TYPES[root]!,
      maxEnis,
      ipv4PerEni: ipv4,
      ipv6PerEni: ipv6,
      freeTierEligible: FREE_TIER.has(name),
    });
  }
  return catalogue;
}

export function instanceTypeInfo(type: string): InstanceTypeInfo | undefined {
  return all().get(type);
}

export function allInstanceTypes(): Iterable<InstanceTypeInfo> {
  return all().values();
}

/** RunInstances' and ModifyInstanceAttribute's check: AWS's code and wording. */
export function checkInstanceType(type: string): InstanceTypeInfo {
  const info = all().get(type);
  if (!info) throw invalidParameterValue(`Invalid value '${type}' for InstanceType.`);
  return info;
}

/** Refuses a type whose processors cannot run an image of `imageArchitecture`, in AWS's words. */
export function checkArchitecture(info: InstanceTypeInfo, imageArchitecture: string): void {
  if (info.architectures.includes(imageArchitecture)) return;
  // AWS names a multi-architecture type's list x86_64 first ('x86_64,i386').
  const names = [...info.architectures].sort((a, b) => (a === "x86_64" ? -1 : b === "x86_64" ? 1 : 0)).join(",");
  throw invalidParameterValue(
    `The architecture '${names}' of the specified instance type does not match the architecture '${imageArchitecture}' of the specified AMI. Specify an instance type and an AMI that have matching architectures, and try again. You can use 'describe-instance-types' or 'describe-images' to discover the architecture of the instance type or AMI.`,
  );
}

/** The credit option a burstable instance launches with when none is asked for. */
export function defaultCpuCredits(type: string): "standard" | "unlimited" | undefined {
  const info = all().get(type);
  if (!info?.burstable) return undefined;
  return type.startsWith("t2.") ? "standard" : "unlimited";
}
