/**
 * Tag operations: CreateTags, DeleteTags, DescribeTags.
 *
 * Reference: EC2 API CreateTags, DeleteTags, DescribeTags (filters key, resource-id, resource-type,
 * tag:<key>, value; MaxResults 5–1000; up to 1000 resource ids and 1000 tags per call).
 *
 * Fidelity notes:
 * - DescribeTags's `tag:<key>` filter selects resources by their tags ("find resources with the tag
 *   Owner=TeamA") and returns every tag of those resources; `tag-key`/`tag-value` are not DescribeTags
 *   filters and are refused like any unknown filter.
 * - `aws:`-prefixed tags cannot be created or deleted by users.
 * - CreateTags and DeleteTags check every resource id before changing any, so a bad id changes nothing
 *   (AWS may apply tags to the good ids; vpclab keeps requests atomic).
 * - DeleteTags with a Value removes the tag only if its value matches; with an empty Value only if the
 *   value is empty; with no Value whatever its value, as documented.
 */
import type { CreateTagsRequest, DeleteTagsRequest, DescribeTagsRequest, DescribeTagsResult } from "@aws-sdk/client-ec2";
import type { Handler } from "./context.js";
import { findTaggable, MAX_TAGS, parseTags, taggables, type TaggableRef } from "../domain/tags.js";
import { applyFilters, paginate, type FilterSpec } from "../domain/describe.js";
import { invalidFilter, invalidParameterValue, missingParameter, tagLimitExceeded } from "../domain/errors.js";

const MAX_IDS_PER_CALL = 1000;

function checkCallSize(resources: string[], tags: unknown[] | undefined): void {
  if (resources.length > MAX_IDS_PER_CALL) {
    throw invalidParameterValue(`Too many resource IDs: ${resources.length}. The maximum is ${MAX_IDS_PER_CALL}.`);
  }
  if (tags && tags.length > MAX_IDS_PER_CALL) {
    throw invalidParameterValue(`Too many tags: ${tags.length}. The maximum is ${MAX_IDS_PER_CALL}.`);
  }
}

interface TagRow {
  ref: TaggableRef;
  key: string;
  value: string;
}

const TAG_FILTERS: FilterSpec<TagRow> = {
  key: (r) => r.key,
  "resource-id": (r) => r.ref.id,
  "resource-type": (r) => r.ref.resourceType,
  value: (r) => r.value,
};

const createTags: Handler<CreateTagsRequest, void> = ({ world, rs }, input) => {
  if (!input.Resources?.length) throw missingParameter("ResourceId.1");
  if (!input.Tags?.length) throw missingParameter("Tag.1.Key");
  checkCallSize(input.Resources, input.Tags);
  const tags = parseTags(input.Tags);
  const refs = input.Resources.map((id) => findTaggable(world, rs, id));
  for (const ref of refs) {
    const keys = new Set([...ref.tags.keys(), ...tags.map(([k]) => k)]);
    if (keys.size > MAX_TAGS) throw tagLimitExceeded();
  }
  for (const ref of refs) for (const [k, v] of tags) ref.tags.set(k, v);
};

const deleteTags: Handler<DeleteTagsRequest, void> = ({ world, rs }, input) => {
  if (!input.Resources?.length) throw missingParameter("ResourceId.1");
  checkCallSize(input.Resources, input.Tags);
  for (const t of input.Tags ?? []) {
    if (t.Key?.toLowerCase().startsWith("aws:")) {
      throw invalidParameterValue(`Value ( ${t.Key} ) for parameter key is invalid. Tag keys starting with 'aws:' are reserved for internal use`);
    }
  }
  const refs = input.Resources.map((id) => findTaggable(world, rs, id));
  for (const ref of refs) {
    if (!input.Tags || input.Tags.length === 0) {
      for (const k of [...ref.tags.keys()]) if (!k.toLowerCase().startsWith("aws:")) ref.tags.delete(k);
      continue;
    }
    for (const t of input.Tags) {
      if (t.Key === undefined) continue;
      if (t.Value === undefined || ref.tags.get(t.Key) === t.Value) ref.tags.delete(t.Key);
    }
  }
};

const describeTags: Handler<DescribeTagsRequest, DescribeTagsResult> = ({ world, rs }, input) => {
  const rows: TagRow[] = [];
  for (const ref of taggables(world, rs)) for (const [key, value] of ref.tags) rows.push({ ref, key, value });
  for (const f of input.Filters ?? []) {
    if (f.Name === "tag-key" || f.Name === "tag-value") throw invalidFilter(f.Name);
  }
  const filtered = applyFilters(rows, input.Filters, TAG_FILTERS, (r) => r.ref.tags);
  const page = paginate(filtered, input, [5, 1000], (r) => `${r.ref.id}\u0000${r.key}`);
  return {
    Tags: page.items.map((r) => ({ Key: r.key, Value: r.value, ResourceId: r.ref.id, ResourceType: r.ref.resourceType as never })),
    NextToken: page.nextToken,
  };
};

export const tagOperations = {
  CreateTags: createTags,
  DeleteTags: deleteTags,
  DescribeTags: describeTags,
};
