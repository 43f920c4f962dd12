/**
 * DHCP options sets: Create/Describe/DeleteDhcpOptions and AssociateDhcpOptions.
 *
 * Reference: EC2 API DescribeDhcpOptions (filters dhcp-options-id, key, value, owner-id, tags).
 * Fidelity notes: see domain/dhcp-options.ts. The region's default set reads back as AWS shows it
 * (`<region>.compute.internal`, or `ec2.internal` in us-east-1, and AmazonProvidedDNS).
 */
import type {
  AssociateDhcpOptionsRequest,
  CreateDhcpOptionsRequest,
  CreateDhcpOptionsResult,
  DeleteDhcpOptionsRequest,
  DescribeDhcpOptionsRequest,
  DescribeDhcpOptionsResult,
  DhcpOptions as DhcpOptionsView,
} from "@aws-sdk/client-ec2";
import type { DhcpOptions } from "../domain/types.js";
import type { Handler } from "./context.js";
import { tagList } from "./context.js";
import { applyFilters, paginate, selectByIds, type FilterSpec } from "../domain/describe.js";
import { dhcpOptionsMalformed, dhcpOptionsNotFound } from "../domain/errors.js";
import { associateDhcpOptions, createDhcpOptions, deleteDhcpOptions, parseDhcpConfigurations } from "../domain/dhcp-options.js";
import { tagsFromSpecifications } from "../domain/tags.js";

function dhcpOptionsView(d: DhcpOptions): DhcpOptionsView {
  return {
    OwnerId: d.ownerId,
    Tags: tagList(d.tags),
    DhcpOptionsId: d.id,
    DhcpConfigurations: d.configurations.map((c) => ({ Key: c.key, Values: c.values.map((Value) => ({ Value })) })),
  };
}

const DHCP_FILTERS: FilterSpec<DhcpOptions> = {
  "dhcp-options-id": (d) => d.id,
  key: (d) => d.configurations.map((c) => c.key),
  value: (d) => d.configurations.flatMap((c) => c.values),
  "owner-id": (d) => d.ownerId,
};

const describeDhcpOptions: Handler<DescribeDhcpOptionsRequest, DescribeDhcpOptionsResult> = ({ rs }, input) => {
  const selected = selectByIds(rs.dhcpOptions, input.DhcpOptionsIds, dhcpOptionsNotFound, { prefix: "dopt", error: dhcpOptionsMalformed });
  const page = paginate(applyFilters(selected, input.Filters, DHCP_FILTERS, (d) => d.tags), input);
  return { DhcpOptions: page.items.map(dhcpOptionsView), NextToken: page.nextToken };
};

const createDhcpOptionsOp: Handler<CreateDhcpOptionsRequest, CreateDhcpOptionsResult> = ({ world, rs }, input) => {
  const configurations = parseDhcpConfigurations(input.DhcpConfigurations);
  const tags = tagsFromSpecifications(input.TagSpecifications, "dhcp-options");
  return { DhcpOptions: dhcpOptionsView(createDhcpOptions(world, rs, configurations, tags)) };
};

const associateDhcpOptionsOp: Handler<AssociateDhcpOptionsRequest, void> = ({ rs }, input) => {
  associateDhcpOptions(rs, input.DhcpOptionsId, input.VpcId);
};

const deleteDhcpOptionsOp: Handler<DeleteDhcpOptionsRequest, void> = ({ rs }, input) => {
  deleteDhcpOptions(rs, input.DhcpOptionsId);
};

export const dhcpOptionsOperations = {
  DescribeDhcpOptions: describeDhcpOptions,
  CreateDhcpOptions: createDhcpOptionsOp,
  AssociateDhcpOptions: associateDhcpOptionsOp,
  DeleteDhcpOptions: deleteDhcpOptionsOp,
};
