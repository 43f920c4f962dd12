/**
 * Internet gateways: create, attach, detach, delete.
 *
 * Reference: EC2 API CreateInternetGateway, AttachInternetGateway, DetachInternetGateway,
 * DeleteInternetGateway.
 *
 * Fidelity notes:
 * - One VPC per gateway: attaching an attached gateway gets `Resource.AlreadyAssociated` ("resource igw-…
 *   is already attached to network vpc-…"). One gateway per VPC: attaching a second gateway to a VPC gets
 *   `InvalidParameterValue` "Network vpc-… already has an internet gateway attached", the code and
 *   wording EC2 really returns for that case (seen in Terraform and CloudFormation logs).
 * - Detaching is refused with DependencyViolation while an instance in the VPC has a public or elastic
 *   IP address, as AWS does ("has some mapped public address(es)"). Routes to a detached gateway stay
 *   and turn `blackhole`.
 * - Attachment settles to `available` at once (AWS shows `attaching` only for a moment).
 */
import type { RegionState, World } from "../state/world.js";
import type { InternetGateway, Tags } from "./types.js";
import {
  dependencyViolation,
  gatewayNotAttached,
  internetGatewayNotFound,
  invalidParameterValue,
  resourceAlreadyAssociated,
  internetGatewayLimitExceeded,
  internetGatewayMalformed,
} from "./errors.js";
import { isWellFormedId } from "./ids.js";
import { getVpc } from "./lookup.js";

export function getInternetGateway(rs: RegionState, id: string | undefined): InternetGateway {
  const igw = id === undefined ? undefined : rs.internetGateways.get(id);
  if (!igw) {
    if (id !== undefined && !isWellFormedId("igw", id)) throw internetGatewayMalformed(id);
    throw internetGatewayNotFound(id ?? "");
  }
  return igw;
}

export function createInternetGatewayRecord(world: World, rs: RegionState, tags: Tags): InternetGateway {
  const id = world.ids.next("igw");
  const igw: InternetGateway = { id, ownerId: rs.account, region: rs.region, tags, attachments: [] };
  rs.internetGateways.set(id, igw);
  return igw;
}

export function createInternetGateway(world: World, rs: RegionState, tags: Tags): InternetGateway {
  if (rs.internetGateways.size >= world.quotas.internetGatewaysPerRegion) {
    throw internetGatewayLimitExceeded();
  }
  return createInternetGatewayRecord(world, rs, tags);
}

export function attachGateway(igw: InternetGateway, vpcId: string): void {
  igw.attachments = [{ vpcId, state: "available" }];
}

export function attachInternetGateway(world: World, rs: RegionState, igwId: string | undefined, vpcId: string | undefined): void {
  const igw = getInternetGateway(rs, igwId);
  const vpc = getVpc(rs, vpcId);
  if (igw.attachments.length > 0) {
    throw resourceAlreadyAssociated(`resource ${igw.id} is already attached to network ${igw.attachments[0]!.vpcId}`);
  }
  for (const other of rs.internetGateways.values()) {
    if (other.attachments.some((a) => a.vpcId === vpc.id)) {
      throw invalidParameterValue(`Network ${vpc.id} already has an internet gateway attached`);
    }
  }
  attachGateway(igw, vpc.id);
}

export function detachInternetGateway(world: World, rs: RegionState, igwId: string | undefined, vpcId: string | undefined): void {
  const igw = getInternetGateway(rs, igwId);
  const vpc = getVpc(rs, vpcId);
  if (!igw.attachments.some((a) => a.vpcId === vpc.id)) throw gatewayNotAttached(igw.id, vpc.id);
  for (const eni of rs.networkInterfaces.values()) {
    if (eni.vpcId === vpc.id && eni.association) {
      throw dependencyViolation(
        `Network ${vpc.id} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway.`,
      );
    }
  }
  for (const rt of rs.routeTables.values()) {
    if (rt.associations.some((a) => a.gatewayId === igw.id)) {
      throw dependencyViolation(
        `The internetGateway '${igw.id}' is associated with route table ${rt.id}. Disassociate it before detaching the gateway.`,
      );
    }
  }
  igw.attachments = [];
}

export function deleteInternetGateway(world: World, rs: RegionState, igwId: string | undefined): void {
  const igw = getInternetGateway(rs, igwId);
  if (igw.attachments.length > 0) {
    throw dependencyViolation(`The internetGateway '${igw.id}' has dependencies and cannot be deleted.`);
  }
  rs.internetGateways.delete(igw.id);
}
