/**
 * Egress-only internet gateways: create (for one VPC, attached at once), delete, and the lookup.
 *
 * Reference: EC2 API CreateEgressOnlyInternetGateway (VpcId, ClientToken, TagSpecifications),
 * DescribeEgressOnlyInternetGateways, DeleteEgressOnlyInternetGateway (answers `ReturnCode`); VPC User
 * Guide "Enable outbound IPv6 traffic using an egress-only internet gateway".
 *
 * Fidelity notes:
 * - Records only. An egress-only gateway carries IPv6 traffic outbound, and vpclab's network is
 *   IPv4-only, so it carries nothing: a route to one needs `DestinationIpv6CidrBlock`, which CreateRoute
 *   refuses, and a route with an IPv4 destination naming one is refused with InvalidParameterValue
 *   saying so. Outbound-only enforcement comes with IPv6.
 * - A VPC with an egress-only gateway cannot be deleted (DependencyViolation, as on AWS).
 * - A ClientToken makes Create idempotent (same token and VPC: the first gateway again; another VPC:
 *   `IdempotentParameterMismatch`).
 * - No per-region quota is enforced, and a VPC may have several gateways (AWS documents neither bound
 *   as an API error); deleting one answers at once and it is gone from the next Describe.
 * - The `….Malformed` code for a badly shaped id is vpclab's best match of EC2's naming.
 */
import type { RegionState, World } from "../state/world.js";
import type { EgressOnlyInternetGateway, Tags } from "./types.js";
import { egressOnlyInternetGatewayMalformed, egressOnlyInternetGatewayNotFound, idempotentParameterMismatch, missingParameter } from "./errors.js";
import { isWellFormedId } from "./ids.js";
import { getVpc } from "./lookup.js";

export function getEgressOnlyGateway(rs: RegionState, id: string | undefined): EgressOnlyInternetGateway {
  if (id === undefined || id === "") throw missingParameter("EgressOnlyInternetGatewayId");
  const g = rs.egressOnlyInternetGateways.get(id);
  if (!g) {
    if (!isWellFormedId("eigw", id)) throw egressOnlyInternetGatewayMalformed(id);
    throw egressOnlyInternetGatewayNotFound(id);
  }
  return g;
}

export function createEgressOnlyGateway(
  world: World,
  rs: RegionState,
  vpcId: string | undefined,
  clientToken: string | undefined,
  tags: Tags,
): EgressOnlyInternetGateway {
  if (vpcId === undefined || vpcId === "") throw missingParameter("VpcId");
  const vpc = getVpc(rs, vpcId);
  if (clientToken !== undefined) {
    for (const g of rs.egressOnlyInternetGateways.values()) {
      if (g.clientToken !== clientToken) continue;
      if (g.attachments[0]?.vpcId !== vpc.id) throw idempotentParameterMismatch(clientToken);
      return g;
    }
  }
  const id = world.ids.next("eigw");
  const g: EgressOnlyInternetGateway = { id, ownerId: rs.account, region: rs.region, tags, attachments: [{ vpcId: vpc.id, state: "attached" }] };
  if (clientToken !== undefined) g.clientToken = clientToken;
  rs.egressOnlyInternetGateways.set(id, g);
  return g;
}

export function deleteEgressOnlyGateway(rs: RegionState, id: string | undefined): void {
  const g = getEgressOnlyGateway(rs, id);
  rs.egressOnlyInternetGateways.delete(g.id);
}
