/**
 * DescribeAccountAttributes: what the account may do in the region. Terraform and other tools read it
 * to learn the supported platforms and the default VPC.
 *
 * Reference: EC2 API DescribeAccountAttributes (attribute names supported-platforms, default-vpc,
 * max-instances, vpc-max-security-groups-per-interface, max-elastic-ips, vpc-max-elastic-ips).
 * Fidelity notes: the figures are vpclab's quotas (AWS's defaults unless the server raised them).
 */
import type { AccountAttribute, DescribeAccountAttributesRequest, DescribeAccountAttributesResult } from "@aws-sdk/client-ec2";
import type { Handler } from "./context.js";
import { defaultVpc } from "../domain/lookup.js";
import { invalidParameterValue } from "../domain/errors.js";

const describeAccountAttributes: Handler<DescribeAccountAttributesRequest, DescribeAccountAttributesResult> = ({ world, rs }, input) => {
  const all: Record<string, string[]> = {
    "supported-platforms": ["VPC"],
    "default-vpc": [defaultVpc(rs)?.id ?? "none"],
    "max-instances": [String(world.quotas.instancesPerRegion)],
    "vpc-max-security-groups-per-interface": ["5"],
    "max-elastic-ips": ["0"],
    "vpc-max-elastic-ips": [String(world.quotas.elasticIpsPerRegion)],
  };
  const names = input.AttributeNames?.length ? input.AttributeNames : Object.keys(all);
  const attrs: AccountAttribute[] = names.map((name) => {
    const values = Object.hasOwn(all, name) ? all[name] : undefined;
    if (!values) throw invalidParameterValue(`Value (${name}) for parameter attributeName is invalid. Unknown attribute.`);
    return { AttributeName: name, AttributeValues: values.map((AttributeValue) => ({ AttributeValue })) };
  });
  return { AccountAttributes: attrs };
};

export const accountOperations = {
  DescribeAccountAttributes: describeAccountAttributes,
};
