/**
 * DHCP options sets: DescribeDhcpOptions for the default set each region has (every VPC uses it).
 *
 * Reference: EC2 API DescribeDhcpOptions (filters dhcp-options-id, key, value, owner-id, tags).
 * Fidelity notes: vpclab has no DNS or DHCP service, so custom option sets (Create/Associate/Delete
 * DhcpOptions) are not implemented; the default set reads back as AWS shows it
 * (`<region>.compute.internal`, or `ec2.internal` in us-east-1, and AmazonProvidedDNS).
 */
import type { DescribeDhcpOptionsRequest, DescribeDhcpOptionsResult, DhcpOptions as DhcpOptionsView } from "@aws-sdk/client-ec2";
import type { DhcpOptions } from "../domain/types.js";
import type { Handler } from "./context.js";
import { tagList } from "./context.js";
import { applyFilters, paginate, selectByIds, type FilterSpec } from "../domain/describe.js";
import { dhcpOptionsNotFound } from "../domain/errors.js";

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
  const selected = selectByIds(rs.dhcpOptions, input.DhcpOptionsIds, dhcpOptionsNotFound);
  const page = paginate(applyFilters(selected, input.Filters, DHCP_FILTERS, (d) => d.tags), input);
  return { DhcpOptions: page.items.map(dhcpOptionsView), NextToken: page.nextToken };
};

export const dhcpOptionsOperations = {
  DescribeDhcpOptions: describeDhcpOptions,
};
