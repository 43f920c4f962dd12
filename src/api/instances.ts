/**
 * Instance operations: RunInstances, DescribeInstances, DescribeInstanceStatus, Start/Stop/Reboot/
 * TerminateInstances, ModifyInstanceAttribute, DescribeInstanceAttribute.
 *
 * Reference: EC2 API reference for each action; DescribeInstances and DescribeInstanceStatus filters
 * as documented there.
 * Fidelity notes: see domain/instances.ts. A terminated instance shows no interfaces, addresses,
 * subnet or VPC, as on AWS. Block-device filters see the instance's EBS volumes (domain/volumes.ts);
 * Elastic GPU/Inference, spot and capacity-reservation filters match nothing (none of those exist in
 * vpclab). IPv6 addresses at launch: domain/ipv6.ts (validated before the launch, applied after it).
 */
import type {
  InstanceBlockDeviceMapping,
  DescribeInstanceAttributeRequest,
  DescribeInstanceStatusRequest,
  DescribeInstanceStatusResult,
  DescribeInstancesRequest,
  DescribeInstancesResult,
  Instance as InstanceView,
  InstanceAttribute,
  InstanceNetworkInterface,
  InstanceStateChange,
  InstanceStatus,
  ModifyInstanceAttributeRequest,
  RebootInstancesRequest,
  Reservation,
  RunInstancesRequest,
  StartInstancesRequest,
  StartInstancesResult,
  StopInstancesRequest,
  StopInstancesResult,
  TerminateInstancesRequest,
  TerminateInstancesResult,
} from "@aws-sdk/client-ec2";
import type { Instance, InstanceStateName } from "../domain/types.js";
import type { RegionState } from "../state/world.js";
import type { Handler } from "./context.js";
import { tagList } from "./context.js";
import { applyFilters, paginate, type FilterSpec } from "../domain/describe.js";
import { tagsForType, type TagSpecificationInput } from "../domain/tags.js";
import { invalidParameterCombination, invalidParameterValue, ipv6NativeUnsupportedAttribute, missingParameter } from "../domain/errors.js";
import { findImage, imageForLaunch } from "../domain/images.js";
import { getInstance } from "../domain/lookup.js";
import {
  DEFAULT_INSTANCE_TYPE,
  getInstances,
  modifyInstanceAttribute,
  rebootInstances,
  runInstances,
  startInstances,
  STATE_CODES,
  stopInstances,
  terminateInstances,
  type InstanceAttributeChange,
  type StateChange,
} from "../domain/instances.js";
import { eniDnsName, enisOf, primaryIp, privateDnsName } from "../domain/network-interfaces.js";
import { applyLaunchIpv6, planLaunchIpv6 } from "../domain/ipv6.js";
import { instanceTypeInfo } from "../domain/instance-types.js";
import { createLaunchVolumes, planLaunchVolumes, setDeleteOnTermination, volumesOf } from "../domain/volumes.js";
import { mergeLaunchTemplate } from "../domain/launch-templates.js";
import { resolveImageId } from "../domain/ssm-parameters.js";
import { applyLaunchOptions, checkLaunchOptions, metadataOptionsOf, privateDnsOptionsOf } from "../domain/instance-options.js";
import { metadataOptionsView } from "./instance-options.js";
import { associationView, groupIdentifiers } from "./network-interfaces.js";

const state = (name: InstanceStateName) => ({ Code: STATE_CODES[name], Name: name });

function platformOf(region: string, inst: Instance) {
  const img = findImage(region, inst.imageId);
  return {
    platform: img?.platform,
    platformDetails: img?.platformDetails ?? "Linux/UNIX",
    usageOperation: img?.usageOperation ?? "RunInstances",
    rootDeviceName: img?.rootDeviceName ?? "/dev/xvda",
  };
}

function stateReason(inst: Instance) {
  if (inst.state === "stopping" || inst.state === "stopped" || inst.state === "shutting-down" || inst.state === "terminated") {
    return { Code: "Client.UserInitiatedShutdown", Message: "Client.UserInitiatedShutdown: User initiated shutdown" };
  }
  if (inst.state === "pending") return { Code: "pending", Message: "pending" };
  return undefined;
}

function interfacesView(rs: RegionState, inst: Instance): InstanceNetworkInterface[] {
  return enisOf(rs, inst.id).map((eni) => ({
    Association: eni.association && {
      CarrierIp: undefined,
      IpOwnerId: eni.association.ipOwnerId,
      PublicDnsName: associationView(rs, eni)!.PublicDnsName,
      PublicIp: eni.association.publicIp,
    },
    Attachment: {
      AttachTime: new Date(eni.attachment!.attachTime),
      AttachmentId: eni.attachment!.id,
      DeleteOnTermination: eni.attachment!.deleteOnTermination,
      DeviceIndex: eni.attachment!.deviceIndex,
      Status: eni.attachment!.status,
      NetworkCardIndex: 0,
    },
    Description: eni.description,
    Groups: groupIdentifiers(rs, eni.securityGroupIds),
    Ipv6Addresses: (eni.ipv6Addresses ?? []).map((a) => ({ Ipv6Address: a, IsPrimaryIpv6: false })),
    MacAddress: eni.macAddress,
    NetworkInterfaceId: eni.id,
    OwnerId: eni.ownerId,
    PrivateDnsName: eniDnsName(rs.region, eni),
    PrivateIpAddress: primaryIp(eni),
    PrivateIpAddresses: eni.privateIps.map((p) => ({
      Association:
        eni.association && eni.association.privateIp === p.address
          ? { IpOwnerId: eni.association.ipOwnerId, PublicDnsName: associationView(rs, eni)!.PublicDnsName, PublicIp: eni.association.publicIp }
          : undefined,
      Primary: p.primary,
      PrivateDnsName: privateDnsName(rs.region, p.address),
      PrivateIpAddress: p.address,
    })),
    SourceDestCheck: eni.sourceDestCheck,
    Status: eni.status,
    SubnetId: eni.subnetId,
    VpcId: eni.vpcId,
    InterfaceType: eni.interfaceType,
  }));
}

/** The instance's EBS volumes as DescribeInstances shows them, the root device first. */
function blockDeviceMappings(rs: RegionState, inst: Instance): InstanceBlockDeviceMapping[] {
  const root = platformOf(rs.region, inst).rootDeviceName;
  return volumesOf(rs, inst.id)
    .sort((a, b) => (a.attachment.device === root ? -1 : b.attachment.device === root ? 1 : a.attachment.attachTime - b.attachment.attachTime))
    .map(({ volume, attachment }) => ({
      DeviceName: attachment.device,
      Ebs: {
        AttachTime: new Date(attachment.attachTime),
        DeleteOnTermination: attachment.deleteOnTermination,
        Status: attachment.state,
        VolumeId: volume.id,
      },
    }));
}

export function instanceView(rs: RegionState, inst: Instance): InstanceView {
  const p = platformOf(rs.region, inst);
  const eni = inst.state === "terminated" ? undefined : rs.networkInterfaces.get(inst.primaryEniId);
  const primary = eni?.attachment?.instanceId === inst.id ? eni : undefined;
  const ip = primary ? primaryIp(primary) : undefined;
  const info = instanceTypeInfo(inst.instanceType);
  const assoc = primary ? associationView(rs, primary) : undefined;
  const dns = privateDnsOptionsOf(inst);
  return {
    AmiLaunchIndex: inst.amiLaunchIndex,
    ImageId: inst.imageId,
    InstanceId: inst.id,
    InstanceType: inst.instanceType as InstanceView["InstanceType"],
    KeyName: inst.keyName,
    LaunchTime: new Date(inst.launchTime),
    Monitoring: { State: inst.monitoring ? "enabled" : "disabled" },
    Placement: { AvailabilityZone: inst.availabilityZone, GroupName: "", Tenancy: "default" },
    Platform: p.platform as never,
    PrivateDnsName: primary ? (eniDnsName(rs.region, primary) ?? "") : "",
    PrivateIpAddress: ip,
    ProductCodes: [],
    PublicDnsName: assoc?.PublicDnsName ?? "",
    PublicIpAddress: assoc?.PublicIp,
    State: state(inst.state),
    StateTransitionReason: inst.stateTransitionReason,
    StateReason: stateReason(inst),
    SubnetId: primary ? inst.subnetId : undefined,
    VpcId: primary ? inst.vpcId : undefined,
    Architecture: (info?.architecture ?? "x86_64") as InstanceView["Architecture"],
    BlockDeviceMappings: blockDeviceMappings(rs, inst),
    ClientToken: inst.clientToken ?? "",
    EbsOptimized: inst.ebsOptimized ?? false,
    EnaSupport: true,
    Hypervisor: "xen",
    NetworkInterfaces: primary ? interfacesView(rs, inst) : [],
    RootDeviceName: p.rootDeviceName,
    RootDeviceType: "ebs",
    SecurityGroups: primary ? groupIdentifiers(rs, primary.securityGroupIds) : [],
    SourceDestCheck: primary?.sourceDestCheck,
    Tags: tagList(inst.tags),
    VirtualizationType: "hvm",
    CpuOptions: { CoreCount: info?.defaultCores ?? 1, ThreadsPerCore: info?.threadsPerCore ?? 1 },
    CapacityReservationSpecification: { CapacityReservationPreference: "open" },
    HibernationOptions: { Configured: false },
    MetadataOptions: metadataOptionsView(metadataOptionsOf(inst), "applied"),
    IamInstanceProfile: inst.iamInstanceProfile ? { Arn: inst.iamInstanceProfile.arn, Id: inst.iamInstanceProfile.id } : undefined,
    EnclaveOptions: { Enabled: false },
    PlatformDetails: p.platformDetails,
    UsageOperation: p.usageOperation,
    UsageOperationUpdateTime: new Date(inst.launchTime),
    PrivateDnsNameOptions: {
      HostnameType: dns.hostnameType,
      EnableResourceNameDnsARecord: dns.enableA,
      EnableResourceNameDnsAAAARecord: dns.enableAaaa,
    },
    MaintenanceOptions: { AutoRecovery: inst.autoRecovery ?? "default" },
    CurrentInstanceBootMode: "legacy-bios",
  };
}

function reservationsOf(rs: RegionState, instances: Instance[]): Reservation[] {
  const byId = new Map<string, Reservation>();
  for (const inst of instances) {
    let r = byId.get(inst.reservationId);
    if (!r) {
      r = { ReservationId: inst.reservationId, OwnerId: inst.ownerId, Groups: [], Instances: [] };
      byId.set(inst.reservationId, r);
    }
    r.Instances!.push(instanceView(rs, inst));
  }
  return [...byId.values()];
}

function instanceFilters(rs: RegionState): FilterSpec<Instance> {
  const live = (i: Instance) => (i.state === "terminated" ? [] : enisOf(rs, i.id));
  const prim = (i: Instance) => live(i).find((e) => e.id === i.primaryEniId);
  const ni = <T>(f: (e: ReturnType<typeof enisOf>[number]) => T | T[] | undefined) => (i: Instance) =>
    live(i).flatMap((e) => {
      const v = f(e);
      return v === undefined ? [] : Array.isArray(v) ? v : [v];
    }) as never;
  const groups = (i: Instance) => prim(i)?.securityGroupIds ?? [];
  return {
    "affinity": () => [],
    "architecture": (i) => instanceTypeInfo(i.instanceType)?.architecture,
    "availability-zone": (i) => i.availabilityZone,
    "availability-zone-id": (i) => rs.subnets.get(i.subnetId)?.availabilityZoneId,
    "block-device-mapping.attach-time": (i) => volumesOf(rs, i.id).map((x) => new Date(x.attachment.attachTime).toISOString()),
    "block-device-mapping.delete-on-termination": (i) => volumesOf(rs, i.id).map((x) => x.attachment.deleteOnTermination),
    "block-device-mapping.device-name": (i) => volumesOf(rs, i.id).map((x) => x.attachment.device),
    "block-device-mapping.status": (i) => volumesOf(rs, i.id).map((x) => x.attachment.state),
    "block-device-mapping.volume-id": (i) => volumesOf(rs, i.id).map((x) => x.volume.id),
    "boot-mode": () => [],
    "capacity-reservation-id": () => [],
    "client-token": (i) => i.clientToken,
    "current-instance-boot-mode": () => "legacy-bios",
    "dns-name": (i) => {
      const e = prim(i);
      return e?.association ? associationView(rs, e)!.PublicDnsName : undefined;
    },
    "ebs-optimized": () => false,
    "ena-support": () => true,
    "hibernation-options.configured": () => false,
    "host-id": () => [],
    "hypervisor": () => "xen",
    "iam-instance-profile.arn": (i) => i.iamInstanceProfile?.arn,
    "iam-instance-profile.id": (i) => i.iamInstanceProfile?.id,
    "image-id": (i) => i.imageId,
    "instance-id": (i) => i.id,
    "instance-lifecycle": () => [],
    "instance-state-code": (i) => STATE_CODES[i.state],
    "instance-state-name": (i) => i.state,
    "instance-type": (i) => i.instanceType,
    "instance.group-id": groups,
    "instance.group-name": (i) => groups(i).map((g) => rs.securityGroups.get(g)?.name),
    "group-id": groups,
    "group-name": (i) => groups(i).map((g) => rs.securityGroups.get(g)?.name),
    "ip-address": (i) => prim(i)?.association?.publicIp,
    "ipv6-address": (i) => enisOf(rs, i.id).flatMap((e) => e.ipv6Addresses ?? []),
    "kernel-id": () => [],
    "key-name": (i) => i.keyName,
    "launch-index": (i) => i.amiLaunchIndex,
    "launch-time": (i) => new Date(i.launchTime).toISOString(),
    "metadata-options.http-tokens": (i) => metadataOptionsOf(i).httpTokens,
    "metadata-options.http-put-response-hop-limit": (i) => metadataOptionsOf(i).httpPutResponseHopLimit,
    "metadata-options.http-endpoint": (i) => metadataOptionsOf(i).httpEndpoint,
    "metadata-options.instance-metadata-tags": (i) => metadataOptionsOf(i).instanceMetadataTags,
    "monitoring-state": (i) => (i.monitoring ? "enabled" : "disabled"),
    "network-interface.addresses.association.ip-owner-id": ni((e) => e.association?.ipOwnerId),
    "network-interface.addresses.association.public-ip": ni((e) => e.association?.publicIp),
    "network-interface.addresses.primary": ni((e) => e.privateIps.map((p) => p.primary)),
    "network-interface.addresses.private-dns-name": ni((e) => e.privateIps.map((p) => privateDnsName(rs.region, p.address))),
    "network-interface.addresses.private-ip-address": ni((e) => e.privateIps.map((p) => p.address)),
    "network-interface.association.allocation-id": ni((e) => e.association?.allocationId),
    "network-interface.association.association-id": ni((e) => e.association?.associationId),
    "network-interface.association.ip-owner-id": ni((e) => e.association?.ipOwnerId),
    "network-interface.association.public-ip": ni((e) => e.association?.publicIp),
    "network-interface.attachment.attach-time": ni((e) => new Date(e.attachment!.attachTime).toISOString()),
    "network-interface.attachment.attachment-id": ni((e) => e.attachment!.id),
    "network-interface.attachment.delete-on-termination": ni((e) => e.attachment!.deleteOnTermination),
    "network-interface.attachment.device-index": ni((e) => e.attachment!.deviceIndex),
    "network-interface.attachment.instance-id": ni((e) => e.attachment!.instanceId),
    "network-interface.attachment.instance-owner-id": ni((e) => e.ownerId),
    "network-interface.attachment.network-card-index": ni(() => 0),
    "network-interface.attachment.status": ni((e) => e.attachment!.status),
    "network-interface.availability-zone": ni((e) => e.availabilityZone),
    "network-interface.description": ni((e) => e.description),
    "network-interface.group-id": ni((e) => e.securityGroupIds),
    "network-interface.group-name": ni((e) => e.securityGroupIds.map((g) => rs.securityGroups.get(g)?.name ?? "")),
    "network-interface.ipv6-address": (i) => enisOf(rs, i.id).flatMap((e) => e.ipv6Addresses ?? []),
    "network-interface.mac-address": ni((e) => e.macAddress),
    "network-interface.network-interface-id": ni((e) => e.id),
    "network-interface.owner-id": ni((e) => e.ownerId),
    "network-interface.private-dns-name": ni((e) => eniDnsName(rs.region, e)),
    "network-interface.private-ip-address": ni((e) => e.privateIps.map((p) => p.address)),
    "network-interface.requester-id": () => [],
    "network-interface.requester-managed": ni((e) => e.requesterManaged),
    "network-interface.source-dest-check": ni((e) => e.sourceDestCheck),
    "network-interface.status": ni((e) => e.status),
    "network-interface.subnet-id": ni((e) => e.subnetId),
    "network-interface.vpc-id": ni((e) => e.vpcId),
    "outpost-arn": () => [],
    "owner-id": (i) => i.ownerId,
    "placement-group-name": () => [],
    "placement-partition-number": () => [],
    "platform": (i) => platformOf(rs.region, i).platform,
    "platform-details": (i) => platformOf(rs.region, i).platformDetails,
    "private-dns-name": (i) => {
      const e = prim(i);
      return e ? eniDnsName(rs.region, e) : undefined;
    },
    "private-ip-address": (i) => {
      const e = prim(i);
      return e ? primaryIp(e) : undefined;
    },
    "product-code": () => [],
    "product-code.type": () => [],
    "ramdisk-id": () => [],
    "reason": (i) => i.stateTransitionReason,
    "requester-id": () => [],
    "reservation-id": (i) => i.reservationId,
    "root-device-name": (i) => platformOf(rs.region, i).rootDeviceName,
    "root-device-type": () => "ebs",
    "source-dest-check": (i) => prim(i)?.sourceDestCheck,
    "spot-instance-request-id": () => [],
    "state-reason-code": (i) => stateReason(i)?.Code,
    "state-reason-message": (i) => stateReason(i)?.Message,
    "subnet-id": (i) => (prim(i) ? i.subnetId : undefined),
    "tenancy": () => "default",
    "usage-operation": (i) => platformOf(rs.region, i).usageOperation,
    "virtualization-type": () => "hvm",
    "vpc-id": (i) => (prim(i) ? i.vpcId : undefined),
  };
}

// ---- handlers -----------------------------------------------------------------------------------

const TAGGABLE_AT_LAUNCH = new Set(["instance", "volume", "network-interface", "spot-instances-request", "elastic-gpu"]);

const runInstancesOp: Handler<RunInstancesRequest, Reservation> = ({ world, rs }, request) => {
  // A launch template supplies what the request leaves out (domain/launch-templates.ts).
  const fromTemplate = request.LaunchTemplate ? mergeLaunchTemplate(rs, request as RunInstancesRequest & Record<string, unknown>) : undefined;
  const merged: RunInstancesRequest = fromTemplate ? fromTemplate.merged : request;
  // `resolve:ssm:/aws/service/…` names an image through AWS's public parameters (domain/ssm-parameters.ts).
  const input: RunInstancesRequest = { ...merged, ImageId: resolveImageId(rs.region, merged.ImageId) };
  for (const spec of (input.TagSpecifications ?? []) as TagSpecificationInput[]) {
    if (spec.ResourceType === undefined) throw missingParameter("TagSpecification.ResourceType");
    if (!TAGGABLE_AT_LAUNCH.has(spec.ResourceType)) {
      throw invalidParameterValue(`'${spec.ResourceType}' is not a valid taggable resource type for this operation.`);
    }
  }
  const instanceTags = tagsForType(input.TagSpecifications, "instance");
  // AWS's own tags naming the template, which tools read back (Terraform's aws_instance does).
  for (const [k, v] of fromTemplate?.templateTags ?? []) instanceTags.set(k, v);
  const eniTags = tagsForType(input.TagSpecifications, "network-interface");
  const volumeTags = tagsForType(input.TagSpecifications, "volume");
  // The image's root volume and the mappings' volumes, validated before anything is launched.
  const volumePlan = planLaunchVolumes(rs.region, imageForLaunch(rs.region, input.ImageId), input.BlockDeviceMappings);
  if (input.InstanceMarketOptions) throw invalidParameterValue("vpclab does not support spot instances.");
  const tenancy = input.Placement?.Tenancy;
  if (tenancy !== undefined && tenancy !== "default") throw invalidParameterValue(`vpclab supports only the 'default' tenancy, not '${tenancy}'.`);
  const options = checkLaunchOptions({
    instanceType: input.InstanceType ?? DEFAULT_INSTANCE_TYPE,
    account: rs.account,
    cpuCredits: input.CreditSpecification?.CpuCredits,
    monitoring: input.Monitoring?.Enabled,
    metadataOptions: input.MetadataOptions,
    autoRecovery: input.MaintenanceOptions?.AutoRecovery,
    privateDnsNameOptions: input.PrivateDnsNameOptions,
    iamInstanceProfile: input.IamInstanceProfile,
    ebsOptimized: input.EbsOptimized,
  });
  // IPv6 (domain/ipv6.ts): validated here, before the launch writes anything; applied after it.
  const ipv6Plan = planLaunchIpv6(
    rs,
    input.NetworkInterfaces && input.NetworkInterfaces.length > 0
      ? input.NetworkInterfaces.map((n) => ({
          deviceIndex: n.DeviceIndex ?? 0,
          subnetId: n.SubnetId,
          existingEni: n.NetworkInterfaceId !== undefined,
          count: n.Ipv6AddressCount,
          addresses: n.Ipv6Addresses?.map((a) => a.Ipv6Address ?? ""),
          prefixes: n.Ipv6PrefixCount !== undefined || n.Ipv6Prefixes !== undefined,
          primaryIpv6: n.PrimaryIpv6,
        }))
      : [{
          deviceIndex: 0,
          subnetId: input.SubnetId,
          existingEni: false,
          count: input.Ipv6AddressCount,
          addresses: input.Ipv6Addresses?.map((a) => a.Ipv6Address ?? ""),
          prefixes: false,
          primaryIpv6: input.EnablePrimaryIpv6,
        }],
    { instanceType: input.InstanceType ?? DEFAULT_INSTANCE_TYPE, maxCount: input.MaxCount ?? 1, zone: input.Placement?.AvailabilityZone },
  );
  // An IPv6-native primary subnet: resource-name hostnames only (AWS refuses ip-name there).
  const primarySubnetId = input.NetworkInterfaces?.find((n) => (n.DeviceIndex ?? 0) === 0)?.SubnetId ?? input.SubnetId;
  const nativeSubnet = primarySubnetId !== undefined && rs.subnets.get(primarySubnetId)?.ipv6Native ? primarySubnetId : undefined;
  if (nativeSubnet && input.PrivateDnsNameOptions?.HostnameType === "ip-name") throw ipv6NativeUnsupportedAttribute("PrivateDnsNameOptions.HostnameType", nativeSubnet);
  if (nativeSubnet && input.PrivateDnsNameOptions?.EnableResourceNameDnsARecord) throw ipv6NativeUnsupportedAttribute("PrivateDnsNameOptions.EnableResourceNameDnsARecord", nativeSubnet);
  if (input.NetworkInterfaces && input.NetworkInterfaces.length > 0 && (input.Ipv6AddressCount !== undefined || (input.Ipv6Addresses?.length ?? 0) > 0)) {
    throw invalidParameterCombination("Network interfaces and an instance-level IPv6 addresses may not be specified on the same request");
  }
  const result = runInstances(world, rs, {
    imageId: input.ImageId,
    instanceType: input.InstanceType,
    minCount: input.MinCount,
    maxCount: input.MaxCount,
    subnetId: input.SubnetId,
    availabilityZone: input.Placement?.AvailabilityZone,
    privateIpAddress: input.PrivateIpAddress,
    securityGroupIds: input.SecurityGroupIds,
    securityGroupNames: input.SecurityGroups,
    keyName: input.KeyName,
    userData: input.UserData,
    clientToken: input.ClientToken,
    networkInterfaces: input.NetworkInterfaces?.map((n) => ({
      deviceIndex: n.DeviceIndex,
      networkInterfaceId: n.NetworkInterfaceId,
      subnetId: n.SubnetId,
      groups: n.Groups,
      privateIpAddress: n.PrivateIpAddress,
      privateIpAddresses: n.PrivateIpAddresses,
      secondaryCount: n.SecondaryPrivateIpAddressCount,
      description: n.Description,
      deleteOnTermination: n.DeleteOnTermination,
      associatePublicIpAddress: n.AssociatePublicIpAddress,
    })),
    instanceTags,
    eniTags,
    disableApiTermination: input.DisableApiTermination,
    disableApiStop: input.DisableApiStop,
    shutdownBehavior: input.InstanceInitiatedShutdownBehavior,
  });
  // A repeated client token answers the first launch unchanged (runInstances), options included.
  if (!result.replayed) {
    const given = new Set((input.NetworkInterfaces ?? []).map((n) => n.NetworkInterfaceId).filter((x): x is string => x !== undefined));
    for (const inst of result.instances) {
      const enis = enisOf(rs, inst.id);
      applyLaunchIpv6(rs, enis, ipv6Plan, new Set(enis.map((e) => e.id).filter((id) => !given.has(id))));
    }
    for (const inst of result.instances) {
      applyLaunchOptions(world, inst, options);
      if (nativeSubnet) inst.privateDnsNameOptions = { ...privateDnsOptionsOf(inst), hostnameType: "resource-name" };
      createLaunchVolumes(world, rs, inst, volumePlan, volumeTags);
    }
  }
  return {
    ReservationId: result.reservationId,
    OwnerId: rs.account,
    Groups: [],
    Instances: result.instances.map((i) => instanceView(rs, i)),
  };
};

const describeInstances: Handler<DescribeInstancesRequest, DescribeInstancesResult> = ({ rs }, input) => {
  let list = [...rs.instances.values()];
  if (input.InstanceIds && input.InstanceIds.length > 0) {
    if (input.MaxResults !== undefined) {
      throw invalidParameterCombination("The parameter instancesSet cannot be used with the parameter maxResults");
    }
    list = getInstances(rs, input.InstanceIds);
  }
  const filtered = applyFilters(list, input.Filters, instanceFilters(rs), (i) => i.tags);
  const page = paginate(filtered, input);
  return { Reservations: reservationsOf(rs, page.items), NextToken: page.nextToken };
};

function statusView(rs: RegionState, inst: Instance): InstanceStatus {
  const running = inst.state === "running";
  const summary = running
    ? { Status: "ok" as const, Details: [{ Name: "reachability" as const, Status: "passed" as const }] }
    : { Status: "not-applicable" as const };
  return {
    AvailabilityZone: inst.availabilityZone,
    AvailabilityZoneId: rs.subnets.get(inst.subnetId)?.availabilityZoneId,
    InstanceId: inst.id,
    InstanceState: state(inst.state),
    InstanceStatus: summary,
    SystemStatus: summary,
    AttachedEbsStatus: summary,
    Events: [],
  };
}

const STATUS_FILTERS: FilterSpec<InstanceStatus> = {
  "availability-zone": (s) => s.AvailabilityZone,
  "availability-zone-id": (s) => s.AvailabilityZoneId,
  "event.code": () => [],
  "event.description": () => [],
  "event.not-after": () => [],
  "event.not-before": () => [],
  "event.not-before-deadline": () => [],
  "instance-state-code": (s) => s.InstanceState?.Code,
  "instance-state-name": (s) => s.InstanceState?.Name,
  "instance-status.reachability": (s) => s.InstanceStatus?.Details?.map((d) => d.Status),
  "instance-status.status": (s) => s.InstanceStatus?.Status,
  "system-status.reachability": (s) => s.SystemStatus?.Details?.map((d) => d.Status),
  "system-status.status": (s) => s.SystemStatus?.Status,
  "attached-ebs-status.status": (s) => s.AttachedEbsStatus?.Status,
  "attached-ebs-status.reachability": (s) => s.AttachedEbsStatus?.Details?.map((d) => d.Status),
  "operator.managed": () => false,
  "operator.principal": () => [],
};

const describeInstanceStatus: Handler<DescribeInstanceStatusRequest, DescribeInstanceStatusResult> = ({ rs }, input) => {
  let list = [...rs.instances.values()];
  if (input.InstanceIds && input.InstanceIds.length > 0) {
    if (input.MaxResults !== undefined) {
      throw invalidParameterCombination("The parameter instancesSet cannot be used with the parameter maxResults");
    }
    list = getInstances(rs, input.InstanceIds);
  }
  if (!input.IncludeAllInstances) list = list.filter((i) => i.state === "running");
  const statuses = applyFilters(list.map((i) => statusView(rs, i)), input.Filters, STATUS_FILTERS);
  const page = paginate(statuses, input);
  return { InstanceStatuses: page.items, NextToken: page.nextToken };
};

function changesView(changes: StateChange[]): InstanceStateChange[] {
  return changes.map((c) => ({ InstanceId: c.instanceId, CurrentState: state(c.current), PreviousState: state(c.previous) }));
}

const startInstancesOp: Handler<StartInstancesRequest, StartInstancesResult> = ({ world, rs }, input) => ({
  StartingInstances: changesView(startInstances(world, rs, input.InstanceIds)),
});

const stopInstancesOp: Handler<StopInstancesRequest, StopInstancesResult> = ({ world, rs }, input) => {
  if (input.Hibernate) throw invalidParameterValue("vpclab does not support hibernation.");
  return { StoppingInstances: changesView(stopInstances(world, rs, input.InstanceIds, input.Force === true)) };
};

const rebootInstancesOp: Handler<RebootInstancesRequest, void> = ({ world, rs }, input) => {
  rebootInstances(world, rs, input.InstanceIds);
};

const terminateInstancesOp: Handler<TerminateInstancesRequest, TerminateInstancesResult> = ({ world, rs }, input) => ({
  TerminatingInstances: changesView(terminateInstances(world, rs, input.InstanceIds)),
});

const modifyInstanceAttributeOp: Handler<ModifyInstanceAttributeRequest, void> = ({ world, rs }, input) => {
  if (input.BlockDeviceMappings && input.BlockDeviceMappings.length > 0) {
    // AWS changes one attribute per call; this one is DeleteOnTermination of attached volumes.
    const inst = getInstance(rs, input.InstanceId);
    for (const m of input.BlockDeviceMappings) {
      if (m.DeviceName === undefined) throw missingParameter("BlockDeviceMapping.DeviceName");
      if (m.Ebs?.DeleteOnTermination === undefined) throw missingParameter("BlockDeviceMapping.Ebs.DeleteOnTermination");
    }
    for (const m of input.BlockDeviceMappings) setDeleteOnTermination(rs, inst, m.DeviceName!, m.Ebs!.DeleteOnTermination!);
    return;
  }
  const unsupported = (["Kernel", "Ramdisk", "EbsOptimized", "SriovNetSupport", "EnaSupport", "EnclaveOptions"] as const).find(
    (k) => input[k] !== undefined,
  );
  const change: InstanceAttributeChange = {
    attribute: input.Attribute,
    value: input.Value,
    sourceDestCheck: input.SourceDestCheck?.Value,
    groups: input.Groups,
    instanceType: input.InstanceType?.Value,
    // The codec hands blobs over as their base64 wire text, which is how user data is stored.
    userData: input.UserData?.Value as unknown as string | undefined,
    disableApiTermination: input.DisableApiTermination?.Value,
    disableApiStop: input.DisableApiStop?.Value,
    shutdownBehavior: input.InstanceInitiatedShutdownBehavior?.Value,
    unsupported,
  };
  if (input.Attribute !== undefined && input.Groups !== undefined && input.Attribute === "groupSet") delete change.attribute;
  modifyInstanceAttribute(world, rs, input.InstanceId, change);
};

const describeInstanceAttributeOp: Handler<DescribeInstanceAttributeRequest, InstanceAttribute> = ({ rs }, input) => {
  const inst = getInstance(rs, input.InstanceId);
  const out: InstanceAttribute = { InstanceId: inst.id };
  const eni = rs.networkInterfaces.get(inst.primaryEniId);
  const primary = eni?.attachment?.instanceId === inst.id ? eni : undefined;
  switch (input.Attribute) {
    case undefined:
      throw missingParameter("Attribute");
    case "instanceType":
      out.InstanceType = { Value: inst.instanceType };
      break;
    case "userData":
      out.UserData = inst.userData === undefined ? {} : { Value: inst.userData };
      break;
    case "sourceDestCheck":
      out.SourceDestCheck = { Value: primary?.sourceDestCheck ?? true };
      break;
    case "groupSet":
      out.Groups = primary ? groupIdentifiers(rs, primary.securityGroupIds) : [];
      break;
    case "disableApiTermination":
      out.DisableApiTermination = { Value: inst.disableApiTermination === true };
      break;
    case "disableApiStop":
      out.DisableApiStop = { Value: inst.disableApiStop === true };
      break;
    case "instanceInitiatedShutdownBehavior":
      out.InstanceInitiatedShutdownBehavior = { Value: inst.shutdownBehavior ?? "stop" };
      break;
    case "rootDeviceName":
      out.RootDeviceName = { Value: platformOf(rs.region, inst).rootDeviceName };
      break;
    case "blockDeviceMapping":
      out.BlockDeviceMappings = blockDeviceMappings(rs, inst);
      break;
    case "productCodes":
      out.ProductCodes = [];
      break;
    case "ebsOptimized":
      out.EbsOptimized = { Value: false };
      break;
    case "enaSupport":
      out.EnaSupport = { Value: true };
      break;
    case "sriovNetSupport":
      out.SriovNetSupport = { Value: "simple" };
      break;
    case "kernel":
      out.KernelId = {};
      break;
    case "ramdisk":
      out.RamdiskId = {};
      break;
    case "enclaveOptions":
      out.EnclaveOptions = { Enabled: false };
      break;
    default:
      throw invalidParameterValue(`Value (${input.Attribute}) for parameter attribute is invalid. Unknown attribute.`);
  }
  return out;
};

export const instanceOperations = {
  RunInstances: runInstancesOp,
  DescribeInstances: describeInstances,
  DescribeInstanceStatus: describeInstanceStatus,
  StartInstances: startInstancesOp,
  StopInstances: stopInstancesOp,
  RebootInstances: rebootInstancesOp,
  TerminateInstances: terminateInstancesOp,
  ModifyInstanceAttribute: modifyInstanceAttributeOp,
  DescribeInstanceAttribute: describeInstanceAttributeOp,
};
