/**
 * An instance's options beyond its network: CPU credits (burstable types), detailed monitoring,
 * instance metadata service options, maintenance (auto-recovery) options, private DNS name options,
 * the IAM instance profile association, and Windows password data. Set at launch (RunInstances) and
 * changed by their Modify/Associate calls.
 *
 * References: EC2 API RunInstances (CreditSpecification, Monitoring, MetadataOptions,
 * MaintenanceOptions, PrivateDnsNameOptions, IamInstanceProfile), Describe/ModifyInstanceCredit-
 * Specification(s), Monitor/UnmonitorInstances, ModifyInstanceMetadataOptions,
 * ModifyInstanceMaintenanceOptions, ModifyPrivateDnsNameOptions, GetPasswordData,
 * Associate/Describe/Disassociate/ReplaceIamInstanceProfileAssociation(s).
 *
 * Fidelity notes:
 * - Nothing here reaches the network engine, so no change is announced to it.
 * - The answers carry AWS's transitional states (`pending` monitoring, `pending` metadata options,
 *   `associating` profile) but the change is in effect at once: the next Describe shows `enabled`,
 *   `applied`, `associated`, which is what the tools' waiters accept.
 * - IAM is not modelled: any well-formed instance profile ARN or name is accepted; its id is derived
 *   from the ARN (stable), and a name becomes `arn:aws:iam::<account>:instance-profile/<name>`.
 * - GetPasswordData answers an empty password (vpclab generates none, as for a Linux instance).
 * - ModifyPrivateDnsNameOptions is accepted in any state but terminated (AWS asks for a stopped
 *   instance for some changes).
 */
import { createHash } from "node:crypto";
import type { RegionState, World } from "../state/world.js";
import type { Instance, InstanceMetadataOptions } from "./types.js";
import {
  creditsNotSupported,
  iamAssociationExists,
  iamAssociationNotFound,
  invalidIamInstanceProfile,
  invalidParameterValue,
  missingParameter,
  incorrectState,
} from "./errors.js";
import { defaultCpuCredits, instanceTypeInfo } from "./instance-types.js";
import { getInstance } from "./lookup.js";

// ---- CPU credits ----------------------------------------------------------------------------------

export function cpuCreditsOf(inst: Instance): "standard" | "unlimited" | undefined {
  return inst.cpuCredits ?? defaultCpuCredits(inst.instanceType);
}

export function checkCpuCredits(type: string, credits: string | undefined): "standard" | "unlimited" | undefined {
  if (credits === undefined) return undefined;
  if (credits !== "standard" && credits !== "unlimited") {
    throw invalidParameterValue(`Value (${credits}) for parameter cpuCredits is invalid. Valid values are standard, unlimited.`);
  }
  if (!instanceTypeInfo(type)?.burstable) throw creditsNotSupported(type);
  return credits;
}

export interface CreditResult {
  ok: string[];
  failed: { id: string; code: string; message: string }[];
}

/** ModifyInstanceCreditSpecification: each instance succeeds or fails on its own, as on AWS. */
export function modifyCredits(rs: RegionState, specs: { instanceId?: string; cpuCredits?: string }[]): CreditResult {
  if (specs.length === 0) throw missingParameter("InstanceCreditSpecification");
  const out: CreditResult = { ok: [], failed: [] };
  for (const s of specs) {
    if (s.instanceId === undefined) throw missingParameter("InstanceCreditSpecification.InstanceId");
    if (s.cpuCredits !== "standard" && s.cpuCredits !== "unlimited") {
      throw invalidParameterValue(`Value (${s.cpuCredits}) for parameter cpuCredits is invalid. Valid values are standard, unlimited.`);
    }
    const inst = rs.instances.get(s.instanceId);
    if (!inst || inst.state === "terminated") {
      out.failed.push({ id: s.instanceId, code: "InvalidInstanceID.NotFound", message: `The instance ID '${s.instanceId}' does not exist` });
    } else if (!instanceTypeInfo(inst.instanceType)?.burstable) {
      out.failed.push({ id: s.instanceId, code: "InvalidInstanceType", message: `The instance type ${inst.instanceType} does not support CPU credits.` });
    } else {
      inst.cpuCredits = s.cpuCredits;
      out.ok.push(s.instanceId);
    }
  }
  return out;
}

// ---- metadata options -----------------------------------------------------------------------------

export const DEFAULT_METADATA_OPTIONS: InstanceMetadataOptions = {
  httpTokens: "required",
  httpPutResponseHopLimit: 2,
  httpEndpoint: "enabled",
  httpProtocolIpv6: "disabled",
  instanceMetadataTags: "disabled",
};

export interface MetadataOptionsInput {
  HttpTokens?: string;
  HttpPutResponseHopLimit?: number;
  HttpEndpoint?: string;
  HttpProtocolIpv6?: string;
  InstanceMetadataTags?: string;
}

function oneOf<T extends string>(param: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw invalidParameterValue(`Value (${value}) for parameter ${param} is invalid. Valid values are ${allowed.join(", ")}.`);
  }
  return value as T;
}

/** Validates a metadata-options change and returns the options it would give `base`. */
export function mergeMetadataOptions(base: InstanceMetadataOptions, input: MetadataOptionsInput): InstanceMetadataOptions {
  const hop = input.HttpPutResponseHopLimit;
  if (hop !== undefined && (!Number.isInteger(hop) || hop < 1 || hop > 64)) {
    throw invalidParameterValue(`Value (${hop}) for parameter httpPutResponseHopLimit is invalid. Value must be between 1 and 64.`);
  }
  return {
    httpTokens: oneOf("httpTokens", input.HttpTokens, ["optional", "required"] as const) ?? base.httpTokens,
    httpPutResponseHopLimit: hop ?? base.httpPutResponseHopLimit,
    httpEndpoint: oneOf("httpEndpoint", input.HttpEndpoint, ["enabled", "disabled"] as const) ?? base.httpEndpoint,
    httpProtocolIpv6: oneOf("httpProtocolIpv6", input.HttpProtocolIpv6, ["enabled", "disabled"] as const) ?? base.httpProtocolIpv6,
    instanceMetadataTags: oneOf("instanceMetadataTags", input.InstanceMetadataTags, ["enabled", "disabled"] as const) ?? base.instanceMetadataTags,
  };
}

export function metadataOptionsOf(inst: Instance): InstanceMetadataOptions {
  return inst.metadataOptions ?? DEFAULT_METADATA_OPTIONS;
}

export function modifyMetadataOptions(rs: RegionState, id: string | undefined, input: MetadataOptionsInput): Instance {
  const inst = liveInstance(rs, id, "modified");
  inst.metadataOptions = mergeMetadataOptions(metadataOptionsOf(inst), input);
  return inst;
}

// ---- monitoring, maintenance, private DNS ------------------------------------------------------------

function liveInstance(rs: RegionState, id: string | undefined, verb: string): Instance {
  const inst = getInstance(rs, id);
  if (inst.state === "terminated" || inst.state === "shutting-down") throw incorrectState(inst.id, verb);
  return inst;
}

export function setMonitoring(rs: RegionState, ids: string[] | undefined, enabled: boolean): Instance[] {
  if (!ids || ids.length === 0) throw missingParameter("InstanceId");
  const list = [...new Set(ids)].map((id) => liveInstance(rs, id, enabled ? "monitored" : "unmonitored"));
  for (const inst of list) inst.monitoring = enabled;
  return list;
}

export function checkAutoRecovery(value: string | undefined): "default" | "disabled" | undefined {
  return oneOf("autoRecovery", value, ["default", "disabled"] as const);
}

export function modifyMaintenance(rs: RegionState, id: string | undefined, autoRecovery: string | undefined): Instance {
  const inst = liveInstance(rs, id, "modified");
  const v = checkAutoRecovery(autoRecovery);
  if (v !== undefined) inst.autoRecovery = v;
  return inst;
}

export interface PrivateDnsInput {
  PrivateDnsHostnameType?: string;
  HostnameType?: string;
  EnableResourceNameDnsARecord?: boolean;
  EnableResourceNameDnsAAAARecord?: boolean;
}

export function privateDnsOptionsOf(inst: Instance): NonNullable<Instance["privateDnsNameOptions"]> {
  return inst.privateDnsNameOptions ?? { hostnameType: "ip-name", enableA: false, enableAaaa: false };
}

export function mergePrivateDnsOptions(base: NonNullable<Instance["privateDnsNameOptions"]>, input: PrivateDnsInput) {
  const type = oneOf("privateDnsHostnameType", input.PrivateDnsHostnameType ?? input.HostnameType, ["ip-name", "resource-name"] as const);
  return {
    hostnameType: type ?? base.hostnameType,
    enableA: input.EnableResourceNameDnsARecord ?? base.enableA,
    enableAaaa: input.EnableResourceNameDnsAAAARecord ?? base.enableAaaa,
  };
}

export function modifyPrivateDns(rs: RegionState, id: string | undefined, input: PrivateDnsInput): Instance {
  const inst = liveInstance(rs, id, "modified");
  inst.privateDnsNameOptions = mergePrivateDnsOptions(privateDnsOptionsOf(inst), input);
  return inst;
}

// ---- IAM instance profiles ------------------------------------------------------------------------

const PROFILE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:instance-profile\/[\w+=,.@/-]{1,128}$/;
const PROFILE_NAME = /^[\w+=,.@-]{1,128}$/;

export interface ProfileInput {
  Arn?: string;
  Name?: string;
}

/** Resolves a profile given by ARN or name to the ARN and id EC2 shows. */
export function resolveProfile(account: string, input: ProfileInput | undefined): { arn: string; id: string } {
  if (!input || (input.Arn === undefined && input.Name === undefined)) throw missingParameter("IamInstanceProfile");
  let arn: string;
  if (input.Arn !== undefined) {
    if (!PROFILE_ARN.test(input.Arn)) throw invalidIamInstanceProfile("arn", input.Arn);
    arn = input.Arn;
  } else {
    if (!PROFILE_NAME.test(input.Name!)) throw invalidIamInstanceProfile("name", input.Name!);
    arn = `arn:aws:iam::${account}:instance-profile/${input.Name}`;
  }
  // IAM's unique ids are "AIPA" + 17 characters of [A-Z0-9]; derived from the ARN so it is stable.
  const digest = createHash("sha256").update(arn).digest();
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let id = "AIPA";
  for (let i = 0; i < 17; i++) id += alphabet[digest[i]! & 31];
  return { arn, id };
}

export function associateProfile(world: World, rs: RegionState, instanceId: string | undefined, profile: ProfileInput | undefined): Instance {
  const inst = liveInstance(rs, instanceId, "associated");
  const p = resolveProfile(rs.account, profile);
  if (inst.iamInstanceProfile) throw iamAssociationExists(inst.id);
  inst.iamInstanceProfile = { ...p, associationId: world.ids.next("iip-assoc") };
  return inst;
}

export function findAssociation(rs: RegionState, associationId: string | undefined): Instance {
  if (associationId === undefined) throw missingParameter("AssociationId");
  for (const inst of rs.instances.values()) if (inst.iamInstanceProfile?.associationId === associationId) return inst;
  throw iamAssociationNotFound(associationId);
}

export function disassociateProfile(rs: RegionState, associationId: string | undefined): { inst: Instance; profile: NonNullable<Instance["iamInstanceProfile"]> } {
  const inst = findAssociation(rs, associationId);
  const profile = inst.iamInstanceProfile!;
  delete inst.iamInstanceProfile;
  return { inst, profile };
}

export function replaceProfile(world: World, rs: RegionState, associationId: string | undefined, profile: ProfileInput | undefined): Instance {
  const inst = findAssociation(rs, associationId);
  const p = resolveProfile(rs.account, profile);
  inst.iamInstanceProfile = { ...p, associationId: world.ids.next("iip-assoc") };
  return inst;
}

// ---- launch ----------------------------------------------------------------------------------------

export interface LaunchOptionsInput {
  instanceType: string;
  account: string;
  cpuCredits?: string;
  monitoring?: boolean;
  metadataOptions?: MetadataOptionsInput;
  autoRecovery?: string;
  privateDnsNameOptions?: PrivateDnsInput;
  iamInstanceProfile?: ProfileInput;
  ebsOptimized?: boolean;
}

export interface LaunchOptions {
  cpuCredits?: "standard" | "unlimited";
  monitoring?: boolean;
  metadataOptions?: InstanceMetadataOptions;
  autoRecovery?: "default" | "disabled";
  privateDnsNameOptions?: NonNullable<Instance["privateDnsNameOptions"]>;
  iamInstanceProfile?: { arn: string; id: string };
  ebsOptimized?: boolean;
}

/** Validates RunInstances' options before anything is launched. */
export function checkLaunchOptions(input: LaunchOptionsInput): LaunchOptions {
  return {
    cpuCredits: checkCpuCredits(input.instanceType, input.cpuCredits),
    monitoring: input.monitoring,
    metadataOptions: input.metadataOptions ? mergeMetadataOptions(DEFAULT_METADATA_OPTIONS, input.metadataOptions) : undefined,
    autoRecovery: checkAutoRecovery(input.autoRecovery),
    privateDnsNameOptions: input.privateDnsNameOptions
      ? mergePrivateDnsOptions({ hostnameType: "ip-name", enableA: false, enableAaaa: false }, input.privateDnsNameOptions)
      : undefined,
    iamInstanceProfile: input.iamInstanceProfile ? resolveProfile(input.account, input.iamInstanceProfile) : undefined,
    ebsOptimized: input.ebsOptimized,
  };
}

export function applyLaunchOptions(world: World, inst: Instance, o: LaunchOptions): void {
  if (o.cpuCredits !== undefined) inst.cpuCredits = o.cpuCredits;
  if (o.monitoring !== undefined) inst.monitoring = o.monitoring;
  if (o.metadataOptions) inst.metadataOptions = o.metadataOptions;
  if (o.autoRecovery) inst.autoRecovery = o.autoRecovery;
  if (o.privateDnsNameOptions) inst.privateDnsNameOptions = o.privateDnsNameOptions;
  if (o.iamInstanceProfile) inst.iamInstanceProfile = { ...o.iamInstanceProfile, associationId: world.ids.next("iip-assoc") };
  if (o.ebsOptimized !== undefined) inst.ebsOptimized = o.ebsOptimized;
}
