/**
 * DescribeAddressesAttribute, ModifyAddressAttribute, ResetAddressAttribute (the `domain-name`
 * attribute: an elastic IP's reverse DNS record). Terraform's aws_eip reads it on every refresh.
 *
 * Reference: the EC2 API reference of each action. Fidelity notes: see domain/address-attributes.ts.
 */
import type {
  AddressAttribute,
  DescribeAddressesAttributeRequest,
  DescribeAddressesAttributeResult,
  ModifyAddressAttributeRequest,
  ModifyAddressAttributeResult,
  ResetAddressAttributeRequest,
  ResetAddressAttributeResult,
} from "@aws-sdk/client-ec2";
import type { ElasticIp } from "../domain/types.js";
import type { Handler } from "./context.js";
import { paginate } from "../domain/describe.js";
import { getAllocation } from "../domain/addresses.js";
import { ptrRecordOf, resetPtrRecord, setPtrRecord } from "../domain/address-attributes.js";
import { invalidParameterValue, missingParameter } from "../domain/errors.js";

function checkAttribute(attribute: string | undefined): void {
  if (attribute === undefined) throw missingParameter("Attribute");
  if (attribute !== "domain-name") throw invalidParameterValue(`Value (${attribute}) for parameter attribute is invalid. Valid values are domain-name.`);
}

const view = (region: string, e: ElasticIp, update?: string): AddressAttribute => ({
  PublicIp: e.publicIp,
  AllocationId: e.id,
  PtrRecord: ptrRecordOf(region, e),
  PtrRecordUpdate: update === undefined ? undefined : { Value: update, Status: "PENDING" },
});

const describeAddressesAttribute: Handler<DescribeAddressesAttributeRequest, DescribeAddressesAttributeResult> = ({ rs }, input) => {
  checkAttribute(input.Attribute);
  const list = input.AllocationIds && input.AllocationIds.length > 0
    ? [...new Set(input.AllocationIds)].map((id) => getAllocation(rs, id))
    : [...rs.addresses.values()];
  const page = paginate(list, input, [1, 1000], (e) => e.id);
  return { Addresses: page.items.map((e) => view(rs.region, e)), NextToken: page.nextToken };
};

const modifyAddressAttribute: Handler<ModifyAddressAttributeRequest, ModifyAddressAttributeResult> = ({ rs }, input) => {
  const e = getAllocation(rs, input.AllocationId);
  const before = ptrRecordOf(rs.region, e);
  const after = setPtrRecord(e, input.DomainName);
  return { Address: { ...view(rs.region, e, after), PtrRecord: before } };
};

const resetAddressAttribute: Handler<ResetAddressAttributeRequest, ResetAddressAttributeResult> = ({ rs }, input) => {
  checkAttribute(input.Attribute);
  const e = getAllocation(rs, input.AllocationId);
  const before = ptrRecordOf(rs.region, e);
  resetPtrRecord(e);
  return { Address: { ...view(rs.region, e, ptrRecordOf(rs.region, e)), PtrRecord: before } };
};

export const addressAttributeOperations = {
  DescribeAddressesAttribute: describeAddressesAttribute,
  ModifyAddressAttribute: modifyAddressAttribute,
  ResetAddressAttribute: resetAddressAttribute,
};
