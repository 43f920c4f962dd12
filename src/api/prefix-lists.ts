/**
 * Managed prefix lists: Create/Describe/Modify/DeleteManagedPrefixList(s), GetManagedPrefixListEntries,
 * GetManagedPrefixListAssociations, RestoreManagedPrefixListVersion, and DescribePrefixLists (the
 * AWS services' lists).
 *
 * Reference: EC2 API reference for each action; DescribeManagedPrefixLists filters owner-id,
 * prefix-list-id, prefix-list-name; DescribePrefixLists filters prefix-list-id, prefix-list-name;
 * GetManagedPrefixListEntries/Associations page with MaxResults 1–100.
 * Fidelity notes: see domain/prefix-lists.ts.
 */
import type {
  CreateManagedPrefixListRequest,
  CreateManagedPrefixListResult,
  DeleteManagedPrefixListRequest,
  DeleteManagedPrefixListResult,
  DescribeManagedPrefixListsRequest,
  DescribeManagedPrefixListsResult,
  DescribePrefixListsRequest,
  DescribePrefixListsResult,
  GetManagedPrefixListAssociationsRequest,
  GetManagedPrefixListAssociationsResult,
  GetManagedPrefixListEntriesRequest,
  GetManagedPrefixListEntriesResult,
  ManagedPrefixList as ManagedPrefixListView,
  ModifyManagedPrefixListRequest,
  ModifyManagedPrefixListResult,
  RestoreManagedPrefixListVersionRequest,
  RestoreManagedPrefixListVersionResult,
} from "@aws-sdk/client-ec2";
import type { ManagedPrefixList } from "../domain/types.js";
import type { RegionState } from "../state/world.js";
import type { Handler } from "./context.js";
import { applyFilters, paginate, type FilterSpec } from "../domain/describe.js";
import { tagsFromSpecifications } from "../domain/tags.js";
import { invalidParameterValue, prefixListMalformed, prefixListNotFound } from "../domain/errors.js";
import { isWellFormedId } from "../domain/ids.js";
import {
  awsPrefixLists,
  createPrefixList,
  deletePrefixList,
  entriesAt,
  getAnyPrefixList,
  isAwsManaged,
  modifyPrefixList,
  prefixListArn,
  prefixListReferences,
  restorePrefixListVersion,
  type AwsPrefixList,
} from "../domain/prefix-lists.js";

type AnyList = ManagedPrefixList | AwsPrefixList;

function managedView(pl: AnyList, state?: string): ManagedPrefixListView {
  if (isAwsManaged(pl)) {
    return {
      PrefixListId: pl.id,
      AddressFamily: "IPv4",
      State: "create-complete",
      PrefixListArn: prefixListArn(pl.region, "aws", pl.id),
      PrefixListName: pl.name,
      Tags: [],
      OwnerId: "AWS",
    };
  }
  return {
    PrefixListId: pl.id,
    AddressFamily: pl.addressFamily,
    State: (state ?? pl.state) as never,
    PrefixListArn: prefixListArn(pl.region, pl.ownerId, pl.id),
    PrefixListName: pl.name,
    MaxEntries: pl.maxEntries,
    Version: pl.version,
    Tags: [...pl.tags].map(([Key, Value]) => ({ Key, Value })),
    OwnerId: pl.ownerId,
  };
}

const MANAGED_FILTERS: FilterSpec<AnyList> = {
  "owner-id": (pl) => (isAwsManaged(pl) ? "AWS" : pl.ownerId),
  "prefix-list-id": (pl) => pl.id,
  "prefix-list-name": (pl) => pl.name,
};

const AWS_FILTERS: FilterSpec<AwsPrefixList> = {
  "prefix-list-id": (pl) => pl.id,
  "prefix-list-name": (pl) => pl.name,
};

/** The lists named by `ids` (all when none), AWS-managed ones first, as AWS lists them. */
function select<T extends { id: string }>(all: T[], ids: string[] | undefined): T[] {
  if (!ids || ids.length === 0) return all;
  const byId = new Map(all.map((pl) => [pl.id, pl]));
  const out: T[] = [];
  const missing: string[] = [];
  for (const id of new Set(ids)) {
    const pl = byId.get(id);
    if (pl) out.push(pl);
    else if (!isWellFormedId("pl", id)) throw prefixListMalformed(id);
    else missing.push(id);
  }
  if (missing.length > 0) throw prefixListNotFound(missing.join(", "));
  return out;
}

function allLists(rs: RegionState): AnyList[] {
  return [...awsPrefixLists(rs.region), ...rs.managedPrefixLists.values()];
}

const tagsOf = (pl: AnyList) => (isAwsManaged(pl) ? new Map<string, string>() : pl.tags);

const describeManagedPrefixLists: Handler<DescribeManagedPrefixListsRequest, DescribeManagedPrefixListsResult> = ({ rs }, input) => {
  const selected = select(allLists(rs), input.PrefixListIds);
  const page = paginate(applyFilters(selected, input.Filters, MANAGED_FILTERS, tagsOf), input, [1, 100], (pl) => pl.id);
  return { PrefixLists: page.items.map((pl) => managedView(pl)), NextToken: page.nextToken };
};

const describePrefixLists: Handler<DescribePrefixListsRequest, DescribePrefixListsResult> = ({ rs }, input) => {
  const selected = select(awsPrefixLists(rs.region), input.PrefixListIds);
  const page = paginate(applyFilters(selected, input.Filters, AWS_FILTERS, () => new Map()), input, [5, 1000], (pl) => pl.id);
  return {
    PrefixLists: page.items.map((pl) => ({ PrefixListId: pl.id, PrefixListName: pl.name, Cidrs: [...pl.cidrs] })),
    NextToken: page.nextToken,
  };
};

const createManagedPrefixList: Handler<CreateManagedPrefixListRequest, CreateManagedPrefixListResult> = ({ world, rs }, input) => {
  const tags = tagsFromSpecifications(input.TagSpecifications, "prefix-list");
  const pl = createPrefixList(world, rs, input, tags);
  return { PrefixList: managedView(pl, "create-in-progress") };
};

const modifyManagedPrefixList: Handler<ModifyManagedPrefixListRequest, ModifyManagedPrefixListResult> = ({ world, rs }, input) => {
  if (input.IpamPrefixListResolverSyncEnabled !== undefined) {
    throw invalidParameterValue("vpclab does not model IPAM prefix list resolvers (IpamPrefixListResolverSyncEnabled).");
  }
  return { PrefixList: managedView(modifyPrefixList(world, rs, input), "modify-in-progress") };
};

const restoreManagedPrefixListVersion: Handler<RestoreManagedPrefixListVersionRequest, RestoreManagedPrefixListVersionResult> = (
  { rs },
  input,
) => ({
  PrefixList: managedView(restorePrefixListVersion(rs, input.PrefixListId, input.PreviousVersion, input.CurrentVersion), "restore-in-progress"),
});

const deleteManagedPrefixList: Handler<DeleteManagedPrefixListRequest, DeleteManagedPrefixListResult> = ({ rs }, input) => ({
  PrefixList: managedView(deletePrefixList(rs, input.PrefixListId), "delete-in-progress"),
});

const getManagedPrefixListEntries: Handler<GetManagedPrefixListEntriesRequest, GetManagedPrefixListEntriesResult> = ({ rs }, input) => {
  const pl = getAnyPrefixList(rs, input.PrefixListId);
  const entries = entriesAt(pl, input.TargetVersion);
  const page = paginate(entries, input, [1, 100], (e) => e.cidr);
  return {
    Entries: page.items.map((e) => (e.description === undefined ? { Cidr: e.cidr } : { Cidr: e.cidr, Description: e.description })),
    NextToken: page.nextToken,
  };
};

const getManagedPrefixListAssociations: Handler<GetManagedPrefixListAssociationsRequest, GetManagedPrefixListAssociationsResult> = (
  { rs },
  input,
) => {
  const pl = getAnyPrefixList(rs, input.PrefixListId);
  const refs = prefixListReferences(rs, pl.id).map((r) => ({ ResourceId: r.resourceId, ResourceOwner: r.resourceOwner }));
  const page = paginate(refs, input, [5, 255], (r) => r.ResourceId);
  return { PrefixListAssociations: page.items, NextToken: page.nextToken };
};

export const prefixListOperations = {
  CreateManagedPrefixList: createManagedPrefixList,
  DescribeManagedPrefixLists: describeManagedPrefixLists,
  ModifyManagedPrefixList: modifyManagedPrefixList,
  RestoreManagedPrefixListVersion: restoreManagedPrefixListVersion,
  DeleteManagedPrefixList: deleteManagedPrefixList,
  GetManagedPrefixListEntries: getManagedPrefixListEntries,
  GetManagedPrefixListAssociations: getManagedPrefixListAssociations,
  DescribePrefixLists: describePrefixLists,
};
