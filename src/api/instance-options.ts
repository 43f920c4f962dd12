/**
 * Instance options: Describe/ModifyInstanceCreditSpecification(s), Monitor/UnmonitorInstances,
 * ModifyInstanceMetadataOptions, ModifyInstanceMaintenanceOptions, ModifyPrivateDnsNameOptions,
 * GetPasswordData, and the IAM instance profile association calls.
 *
 * Reference: the EC2 API reference of each action. Fidelity notes: see domain/instance-options.ts.
 * DescribeInstanceCreditSpecifications lists only burstable instances (the others have no credit
 * option); its `instance-id` filter is supported.
 */
import type {
  AssociateIamInstanceProfileRequest,
  AssociateIamInstanceProfileResult,
  DescribeIamInstanceProfileAssociationsRequest,
  DescribeIamInstanceProfileAssociationsResult,
  DescribeInstanceCreditSpecificationsRequest,
  DescribeInstanceCreditSpecificationsResult,
  DisassociateIamInstanceProfileRequest,
  DisassociateIamInstanceProfileResult,
  GetPasswordDataRequest,
  GetPasswordDataResult,
  IamInstanceProfileAssociation,
  InstanceMetadataOptionsResponse,
  ModifyInstanceCreditSpecificationRequest,
  ModifyInstanceCreditSpecificationResult,
  ModifyInstanceMaintenanceOptionsRequest,
  ModifyInstanceMaintenanceOptionsResult,
  ModifyInstanceMetadataOptionsRequest,
  ModifyInstanceMetadataOptionsResult,
  ModifyPrivateDnsNameOptionsRequest,
  ModifyPrivateDnsNameOptionsResult,
  MonitorInstancesRequest,
  MonitorInstancesResult,
  ReplaceIamInstanceProfileAssociationRequest,
  ReplaceIamInstanceProfileAssociationResult,
  UnmonitorInstancesRequest,
  UnmonitorInstancesResult,
} from "@aws-sdk/client-ec2";
import type { Instance, InstanceMetadataOptions } from "../domain/types.js";
import type { Handler } from "./context.js";
import { applyFilters, paginate } from "../domain/describe.js";
import {
  associateProfile,
  cpuCreditsOf,
  disassociateProfile,
  modifyCredits,
  modifyMaintenance,
  modifyMetadataOptions,
  modifyPrivateDns,
  replaceProfile,
  setMonitoring,
} from "../domain/instance-options.js";
import { getInstances } from "../domain/instances.js";
import { getInstance } from "../domain/lookup.js";
import { iamAssociationNotFound } from "../domain/errors.js";

export function metadataOptionsView(o: InstanceMetadataOptions, state: "pending" | "applied"): InstanceMetadataOptionsResponse {
  return {
    State: state,
    HttpTokens: o.httpTokens,
    HttpPutResponseHopLimit: o.httpPutResponseHopLimit,
    HttpEndpoint: o.httpEndpoint,
    HttpProtocolIpv6: o.httpProtocolIpv6,
    InstanceMetadataTags: o.instanceMetadataTags,
  };
}

function associationView(inst: Instance, state: IamInstanceProfileAssociation["State"], profile = inst.iamInstanceProfile!): IamInstanceProfileAssociation {
  return {
    AssociationId: profile.associationId,
    InstanceId: inst.id,
    IamInstanceProfile: { Arn: profile.arn, Id: profile.id },
    State: state,
  };
}

const describeCredits: Handler<DescribeInstanceCreditSpecificationsRequest, DescribeInstanceCreditSpecificationsResult> = ({ rs }, input) => {
  const candidates = input.InstanceIds && input.InstanceIds.length > 0 ? getInstances(rs, input.InstanceIds) : [...rs.instances.values()];
  const list = candidates.filter((i) => i.state !== "terminated" && cpuCreditsOf(i) !== undefined);
  const filtered = applyFilters(list, input.Filters, { "instance-id": (i) => i.id });
  const page = paginate(filtered, input, [5, 1000], (i) => i.id);
  return {
    InstanceCreditSpecifications: page.items.map((i) => ({ InstanceId: i.id, CpuCredits: cpuCreditsOf(i) })),
    NextToken: page.nextToken,
  };
};

const modifyCreditsOp: Handler<ModifyInstanceCreditSpecificationRequest, ModifyInstanceCreditSpecificationResult> = ({ rs }, input) => {
  const r = modifyCredits(
    rs,
    (input.InstanceCreditSpecifications ?? []).map((s) => ({ instanceId: s.InstanceId, cpuCredits: s.CpuCredits })),
  );
  return {
    SuccessfulInstanceCreditSpecifications: r.ok.map((InstanceId) => ({ InstanceId })),
    UnsuccessfulInstanceCreditSpecifications: r.failed.map((f) => ({
      InstanceId: f.id,
      Error: { Code: f.code as never, Message: f.message },
    })),
  };
};

const monitorOp: Handler<MonitorInstancesRequest, MonitorInstancesResult> = ({ rs }, input) => ({
  InstanceMonitorings: setMonitoring(rs, input.InstanceIds, true).map((i) => ({ InstanceId: i.id, Monitoring: { State: "pending" } })),
});

const unmonitorOp: Handler<UnmonitorInstancesRequest, UnmonitorInstancesResult> = ({ rs }, input) => ({
  InstanceMonitorings: setMonitoring(rs, input.InstanceIds, false).map((i) => ({ InstanceId: i.id, Monitoring: { State: "disabling" } })),
});

const modifyMetadataOp: Handler<ModifyInstanceMetadataOptionsRequest, ModifyInstanceMetadataOptionsResult> = ({ rs }, input) => {
  const inst = modifyMetadataOptions(rs, input.InstanceId, input);
  return { InstanceId: inst.id, InstanceMetadataOptions: metadataOptionsView(inst.metadataOptions!, "pending") };
};

const modifyMaintenanceOp: Handler<ModifyInstanceMaintenanceOptionsRequest, ModifyInstanceMaintenanceOptionsResult> = ({ rs }, input) => {
  const inst = modifyMaintenance(rs, input.InstanceId, input.AutoRecovery);
  return { InstanceId: inst.id, AutoRecovery: inst.autoRecovery ?? "default" };
};

const modifyPrivateDnsOp: Handler<ModifyPrivateDnsNameOptionsRequest, ModifyPrivateDnsNameOptionsResult> = ({ rs }, input) => {
  modifyPrivateDns(rs, input.InstanceId, input);
  return { Return: true };
};

const getPasswordData: Handler<GetPasswordDataRequest, GetPasswordDataResult> = ({ world, rs }, input) => {
  const inst = getInstance(rs, input.InstanceId);
  return { InstanceId: inst.id, PasswordData: "", Timestamp: new Date(world.clock.now()) };
};

const associateProfileOp: Handler<AssociateIamInstanceProfileRequest, AssociateIamInstanceProfileResult> = ({ world, rs }, input) => ({
  IamInstanceProfileAssociation: associationView(associateProfile(world, rs, input.InstanceId, input.IamInstanceProfile), "associating"),
});

const describeAssociations: Handler<DescribeIamInstanceProfileAssociationsRequest, DescribeIamInstanceProfileAssociationsResult> = (
  { rs },
  input,
) => {
  let list = [...rs.instances.values()].filter((i) => i.iamInstanceProfile && i.state !== "terminated");
  if (input.AssociationIds && input.AssociationIds.length > 0) {
    const wanted = new Set(input.AssociationIds);
    const found = list.filter((i) => wanted.has(i.iamInstanceProfile!.associationId));
    const missing = [...wanted].filter((id) => !found.some((i) => i.iamInstanceProfile!.associationId === id));
    if (missing.length > 0) throw iamAssociationNotFound(missing[0]!);
    list = found;
  }
  const filtered = applyFilters(list, input.Filters, {
    "instance-id": (i) => i.id,
    "state": () => "associated",
  });
  const page = paginate(filtered, input, [5, 1000], (i) => i.id);
  return { IamInstanceProfileAssociations: page.items.map((i) => associationView(i, "associated")), NextToken: page.nextToken };
};

const disassociateProfileOp: Handler<DisassociateIamInstanceProfileRequest, DisassociateIamInstanceProfileResult> = ({ rs }, input) => {
  const { inst, profile } = disassociateProfile(rs, input.AssociationId);
  return { IamInstanceProfileAssociation: associationView(inst, "disassociating", profile) };
};

const replaceProfileOp: Handler<ReplaceIamInstanceProfileAssociationRequest, ReplaceIamInstanceProfileAssociationResult> = (
  { world, rs },
  input,
) => ({
  IamInstanceProfileAssociation: associationView(replaceProfile(world, rs, input.AssociationId, input.IamInstanceProfile), "associating"),
});

export const instanceOptionOperations = {
  DescribeInstanceCreditSpecifications: describeCredits,
  ModifyInstanceCreditSpecification: modifyCreditsOp,
  MonitorInstances: monitorOp,
  UnmonitorInstances: unmonitorOp,
  ModifyInstanceMetadataOptions: modifyMetadataOp,
  ModifyInstanceMaintenanceOptions: modifyMaintenanceOp,
  ModifyPrivateDnsNameOptions: modifyPrivateDnsOp,
  GetPasswordData: getPasswordData,
  AssociateIamInstanceProfile: associateProfileOp,
  DescribeIamInstanceProfileAssociations: describeAssociations,
  DisassociateIamInstanceProfile: disassociateProfileOp,
  ReplaceIamInstanceProfileAssociation: replaceProfileOp,
};
