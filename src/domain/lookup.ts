/**
 * Find-or-throw lookups that many resource families share. They live apart from the families'
 * own modules so that a family which only needs to look a VPC up (internet gateways, peering, security
 * groups, …) does not import vpcs.ts, which itself imports those families to build a VPC's defaults:
 * that was an import cycle. This module depends on state types and the error catalog only.
 *
 * Fidelity notes: none; AWS's not-found errors come from the catalog.
 */
import type { RegionState } from "../state/world.js";
import type { Instance, Vpc } from "./types.js";
import { instanceMalformed, instancesNotFound, missingParameter, vpcMalformed, vpcNotFound } from "./errors.js";
import { isWellFormedId } from "./ids.js";

/** An instance id as AWS shapes them: 8 (older) or 17 hex digits. */
export const INSTANCE_ID = /^i-([0-9a-f]{8}|[0-9a-f]{17})$/;

export function getVpc(rs: RegionState, id: string | undefined): Vpc {
  const vpc = id === undefined ? undefined : rs.vpcs.get(id);
  if (!vpc) {
    if (id !== undefined && !isWellFormedId("vpc", id)) throw vpcMalformed(id);
    throw vpcNotFound(id ?? "");
  }
  return vpc;
}

/** The region's default VPC, if it has one (DeleteVpc can remove it; CreateDefaultVpc brings it back). */
export function defaultVpc(rs: RegionState): Vpc | undefined {
  for (const v of rs.vpcs.values()) if (v.isDefault) return v;
  return undefined;
}

export function getInstance(rs: RegionState, id: string | undefined): Instance {
  if (id === undefined) throw missingParameter("InstanceId");
  if (!INSTANCE_ID.test(id)) throw instanceMalformed(id);
  const inst = rs.instances.get(id);
  if (!inst) throw instancesNotFound([id]);
  return inst;
}
