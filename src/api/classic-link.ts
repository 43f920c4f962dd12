/**
 * EC2-Classic's ClassicLink calls: DescribeVpcClassicLink, DescribeVpcClassicLinkDnsSupport,
 * Enable/DisableVpcClassicLink, Enable/DisableVpcClassicLinkDnsSupport, Attach/DetachClassicLinkVpc,
 * DescribeClassicLinkInstances.
 *
 * Reference: "EC2-Classic networking is retiring" (AWS, retired in every region by August 2022). Since
 * then every region answers these calls `UnsupportedOperation` "The functionality you requested is not
 * available in this region.", and tools expect exactly that: Ansible's ec2_vpc_net and
 * ec2_vpc_net_info treat that message as "ClassicLink disabled".
 *
 * Fidelity notes: AWS answers before validating the parameters, so vpclab does too (an unknown VPC id
 * gets the same answer).
 */
import type { Handler } from "./context.js";
import { classicUnavailable } from "../domain/errors.js";

const unavailable: Handler<unknown, never> = () => {
  throw classicUnavailable();
};

export const classicLinkOperations = {
  DescribeVpcClassicLink: unavailable,
  DescribeVpcClassicLinkDnsSupport: unavailable,
  EnableVpcClassicLink: unavailable,
  DisableVpcClassicLink: unavailable,
  EnableVpcClassicLinkDnsSupport: unavailable,
  DisableVpcClassicLinkDnsSupport: unavailable,
  AttachClassicLinkVpc: unavailable,
  DetachClassicLinkVpc: unavailable,
  DescribeClassicLinkInstances: unavailable,
};
