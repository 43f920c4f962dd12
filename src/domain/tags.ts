/**
 * Tags: validation, TagSpecifications on Create calls, and the id → resource lookup behind CreateTags,
 * DeleteTags and DescribeTags.
 *
 * Reference: EC2 User Guide "Tag your Amazon EC2 resources" (restrictions: 50 tags per resource, key up
 * to 128 characters, value up to 256, the `aws:` prefix reserved) and the CreateTags API.
 *
 * Fidelity notes:
 * - A VPC peering connection's tags are per side (account and region): each side's copy of the
 *   connection carries its own tags, as on AWS, so tagging the accepter's copy of an inter-region or
 *   cross-account connection leaves the requester's tags alone. A same-account, same-region connection
 *   is one resource with one set of tags.
 * - Which ids are taggable, their resource types and NotFound errors come from the registry of kinds
 *   (domain/kinds.ts).
 * - A TagSpecification whose ResourceType does not fit the Create call is refused with
 *   `InvalidParameterValue`, as EC2 does.
 */
import type { Tags } from "./types.js";
import type { RegionState, World } from "../state/world.js";
import { findRecord, KINDS, kindOfId, recordsOf } from "./kinds.js";
import { invalidParameterValue, tagLimitExceeded, missingParameter, invalidResourceId } from "./errors.js";

export const MAX_TAGS = 50;

export interface TagInput {
  Key?: string;
  Value?: string;
}

export interface TagSpecificationInput {
  ResourceType?: string;
  Tags?: TagInput[];
}

function validateKey(key: string | undefined): string {
  if (key === undefined) throw missingParameter("Tag.Key");
  if (key.length < 1) throw invalidParameterValue(`Value ( ) for parameter key is invalid. Tag keys must not be empty`);
  if (key.length > 128) throw invalidParameterValue(`Tag key exceeds the maximum length of 128 characters`);
  if (key.toLowerCase().startsWith("aws:")) {
    throw invalidParameterValue(`Value ( ${key} ) for parameter key is invalid. Tag keys starting with 'aws:' are reserved for internal use`);
  }
  return key;
}

function validateValue(value: string | undefined): string {
  const v = value ?? "";
  if (v.length > 256) throw invalidParameterValue(`Tag value exceeds the maximum length of 256 characters`);
  return v;
}

/** Validates a tag list into ordered [key, value] pairs (last one wins, as on AWS). */
export function parseTags(input: TagInput[] | undefined): [string, string][] {
  return (input ?? []).map((t) => [validateKey(t.Key), validateValue(t.Value)]);
}

/** The tags that a Create call's TagSpecifications give a resource of `resourceType`. */
export function tagsFromSpecifications(specs: TagSpecificationInput[] | undefined, resourceType: string): Tags {
  const tags: Tags = new Map();
  const seen = new Set<string>();
  for (const spec of specs ?? []) {
    if (spec.ResourceType === undefined) throw missingParameter("TagSpecification.ResourceType");
    if (spec.ResourceType !== resourceType) {
      throw invalidParameterValue(
        `'${spec.ResourceType}' is not a valid taggable resource type for this operation.`,
      );
    }
    if (seen.has(spec.ResourceType)) {
      throw invalidParameterValue(`The same resource type may not be specified more than once in tag specifications`);
    }
    seen.add(spec.ResourceType);
    for (const [k, v] of parseTags(spec.Tags)) tags.set(k, v);
  }
  if (tags.size > MAX_TAGS) throw tagLimitExceeded();
  return tags;
}

/** Tag specifications that name other resource types (RunInstances tags volumes and ENIs too). */
export function tagsForType(specs: TagSpecificationInput[] | undefined, resourceType: string): Tags {
  return tagsFromSpecifications(
    (specs ?? []).filter((s) => s.ResourceType === resourceType),
    resourceType,
  );
}

export interface TaggableRef {
  id: string;
  resourceType: string;
  tags: Tags;
}

/** Every taggable resource of one account and region (for DescribeTags). */
export function* taggables(world: World, rs: RegionState): Iterable<TaggableRef> {
  for (const kind of KINDS) {
    for (const r of recordsOf(world, rs, kind)) yield { id: r.id, resourceType: kind.resourceType, tags: r.tags };
  }
}

/** Finds the resource behind an id for CreateTags/DeleteTags; refuses ids of unknown kinds. */
export function findTaggable(world: World, rs: RegionState, id: string): TaggableRef {
  const kind = kindOfId(id);
  if (!kind) throw invalidResourceId(id);
  const found = findRecord(world, rs, kind, id);
  if (!found) throw kind.notFound(id);
  return { id, resourceType: kind.resourceType, tags: found.tags };
}
