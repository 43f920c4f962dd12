/**
 * The operation table: every EC2 action vpclab serves, keyed by AWS's operation name, checked against
 * the SDK's operation list when the server starts (DESIGN.md rule 2). An action the SDK does not know
 * gets `InvalidAction`; a known one that is not here gets one uniform `NotImplemented` error.
 *
 * Each resource family registers its handlers in its own `api/<family>.ts` and is spread in here. The
 * spread is checked per action (`satisfies Operations`): CreateVpc's handler must take CreateVpc's input
 * and return CreateVpc's output, as the SDK types them.
 */
import type { DispatchHandler, Operations } from "./context.js";
import { vpcOperations } from "./vpcs.js";
import { subnetOperations } from "./subnets.js";
import { routeTableOperations } from "./route-tables.js";
import { internetGatewayOperations } from "./internet-gateways.js";
import { tagOperations } from "./tags.js";
import { regionOperations } from "./regions.js";
import { peeringOperations } from "./peering.js";
import { securityGroupOperations } from "./security-groups.js";
import { networkAclOperations } from "./network-acls.js";
import { instanceOperations } from "./instances.js";
import { networkInterfaceOperations } from "./network-interfaces.js";
import { insightsOperations } from "./network-insights.js";
import { addressOperations } from "./addresses.js";
import { keyPairOperations } from "./key-pairs.js";
import { imageOperations } from "./images.js";
import { dhcpOptionsOperations } from "./dhcp-options.js";
import { accountOperations } from "./account.js";
import { classicLinkOperations } from "./classic-link.js";
import { instanceTypeOperations } from "./instance-types.js";
import { instanceOptionOperations } from "./instance-options.js";
import { addressAttributeOperations } from "./address-attributes.js";
import { vpcEdgeOperations } from "./vpc-edges.js";
import { volumeOperations } from "./volumes.js";
import { launchTemplateOperations } from "./launch-templates.js";
import { prefixListOperations } from "./prefix-lists.js";
import { egressOnlyGatewayOperations } from "./egress-only-gateways.js";
import { flowLogOperations } from "./flow-logs.js";
import { transitGatewayOperations } from "./transit-gateways.js";
import { tgwPrefixListReferenceOperations } from "./tgw-prefix-list-references.js";
import { vpnOperations } from "./vpn.js";
import { natGatewayOperations } from "./nat-gateways.js";
import { vpcEndpointOperations } from "./vpc-endpoints.js";

export const ec2Operations = {
  ...vpcOperations,
  ...subnetOperations,
  ...routeTableOperations,
  ...internetGatewayOperations,
  ...tagOperations,
  ...regionOperations,
  ...peeringOperations,
  ...securityGroupOperations,
  ...networkAclOperations,
  ...instanceOperations,
  ...networkInterfaceOperations,
  ...insightsOperations,
  ...addressOperations,
  ...keyPairOperations,
  ...imageOperations,
  ...dhcpOptionsOperations,
  ...accountOperations,
  ...classicLinkOperations,
  ...instanceTypeOperations,
  ...instanceOptionOperations,
  ...addressAttributeOperations,
  ...vpcEdgeOperations,
  ...volumeOperations,
  ...launchTemplateOperations,
  ...prefixListOperations,
  ...egressOnlyGatewayOperations,
  ...flowLogOperations,
  ...transitGatewayOperations,
  ...tgwPrefixListReferenceOperations,
  ...vpnOperations,
  ...natGatewayOperations,
  ...vpcEndpointOperations,
} satisfies Operations;

export const ec2OperationTable: Readonly<Record<string, DispatchHandler>> = ec2Operations;
