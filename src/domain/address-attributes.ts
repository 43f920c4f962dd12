/**
 * Elastic IP address attributes: the reverse DNS (PTR) record behind DescribeAddressesAttribute,
 * ModifyAddressAttribute and ResetAddressAttribute.
 *
 * Reference: EC2 API ModifyAddressAttribute / ResetAddressAttribute / DescribeAddressesAttribute, and
 * "Use reverse DNS for email applications" (the default PTR record is the address's public DNS name).
 *
 * Fidelity notes:
 * - AWS checks that a forward DNS record points the domain at the address and then updates the PTR
 *   record asynchronously (the answer shows PtrRecordUpdate status PENDING). vpclab has no DNS: any
 *   syntactically valid name is accepted and in effect at once; the answer still says PENDING.
 * - Nothing here reaches the network engine.
 */
import type { ElasticIp } from "./types.js";
import { invalidDomainName } from "./errors.js";
import { publicDnsName } from "./network-interfaces.js";

const DOMAIN = /^(?=.{1,253}\.?$)([a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}\.?$/;

/** The PTR record the address answers to, with AWS's trailing dot. */
export function ptrRecordOf(region: string, e: ElasticIp): string {
  return e.ptrRecord ?? `${publicDnsName(region, e.publicIp)}.`;
}

export function setPtrRecord(e: ElasticIp, domainName: string | undefined): string {
  if (domainName === undefined || !DOMAIN.test(domainName)) throw invalidDomainName(domainName ?? "");
  e.ptrRecord = domainName.endsWith(".") ? domainName : domainName + ".";
  return e.ptrRecord;
}

export function resetPtrRecord(e: ElasticIp): void {
  delete e.ptrRecord;
}
