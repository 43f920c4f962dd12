/**
 * VPC endpoint operations: Create/Describe/Modify/DeleteVpcEndpoints, DescribeVpcEndpointServices,
 * DescribeVpcEndpointConnections.
 *
 * Reference: EC2 API reference for each action. DescribeVpcEndpoints filters `service-name`, `vpc-id`,
 * `vpc-endpoint-id`, `vpc-endpoint-state`, `vpc-endpoint-type`, `ip-address-type`, tags; MaxResults
 * 5–1000. DescribeVpcEndpointServices filters `service-name`, `service-type`, `service-region`, `owner`,
 * tags; S3 and DynamoDB appear twice (a Gateway and an Interface service of the same name), as on AWS.
 * Fidelity notes: see domain/vpc-endpoints.ts and model/endpoint-services.ts.
 */
import type {
  CreateVpcEndpointRequest,
  CreateVpcEndpointResult,
  DeleteVpcEndpointsRequest,
  DeleteVpcEndpointsResult,
  DescribeVpcEndpointConnectionsRequest,
  DescribeVpcEndpointConnectionsResult,
  DescribeVpcEndpointServicesRequest,
  DescribeVpcEndpointServicesResult,
  DescribeVpcEndpointsRequest,
  DescribeVpcEndpointsResult,
  ModifyVpcEndpointRequest,
  ModifyVpcEndpointResult,
  ServiceDetail,
  VpcEndpoint as VpcEndpointView,
} from "@aws-sdk/client-ec2";
import type { VpcEndpoint } from "../domain/types.js";
import type { RegionState } from "../state/world.js";
import type { Handler } from "./context.js";
import { applyFilters, paginate, selectByIds, type FilterSpec } from "../domain/describe.js";
import { tagsFromSpecifications } from "../domain/tags.js";
import { invalidParameterValue, vpcEndpointMalformed, vpcEndpointNotFound, vpcEndpointServiceNotFound } from "../domain/errors.js";
import { createVpcEndpoint, deleteVpcEndpoints, endpointDnsEntries, endpointServices, modifyVpcEndpoint, type EndpointService } from "../domain/vpc-endpoints.js";
import { zonesOf } from "../model/regions.js";

export function vpcEndpointView(rs: RegionState, e: VpcEndpoint): VpcEndpointView {
  return {
    VpcEndpointId: e.id,
    VpcEndpointType: e.type,
    VpcId: e.vpcId,
    ServiceName: e.serviceName,
    State: e.state as VpcEndpointView["State"],
    PolicyDocument: e.policyDocument,
    RouteTableIds: e.routeTableIds.filter((id) => rs.routeTables.has(id)),
    SubnetIds: e.subnetIds,
    Groups: e.groupIds.map((id) => ({ GroupId: id, GroupName: rs.securityGroups.get(id)?.name })),
    IpAddressType: e.type === "Interface" ? e.ipAddressType : undefined,
    DnsOptions: e.type === "Interface" ? { DnsRecordIpType: e.dnsRecordIpType } : undefined,
    PrivateDnsEnabled: e.privateDnsEnabled,
    RequesterManaged: false,
    NetworkInterfaceIds: e.networkInterfaceIds,
    DnsEntries: endpointDnsEntries(rs, e).map((d) => ({ DnsName: d.dnsName, HostedZoneId: d.hostedZoneId })),
    CreationTimestamp: new Date(e.createdAt),
    Tags: [...e.tags].map(([Key, Value]) => ({ Key, Value })),
    OwnerId: e.ownerId,
    ServiceRegion: e.region,
  };
}

const FILTERS: FilterSpec<VpcEndpoint> = {
  "service-name": (e) => e.serviceName,
  "vpc-id": (e) => e.vpcId,
  "vpc-endpoint-id": (e) => e.id,
  "vpc-endpoint-state": (e) => e.state,
  "vpc-endpoint-type": (e) => e.type,
  "ip-address-type": (e) => e.ipAddressType,
  "service-region": (e) => e.region,
};

/** Parameters vpclab refuses rather than ignores (see domain/vpc-endpoints.ts). */
function unsupported(input: { SubnetConfigurations?: unknown[]; ServiceNetworkArn?: string; ResourceConfigurationArn?: string }): string | undefined {
  if (input.SubnetConfigurations?.length) return "SubnetConfigurations";
  if (input.ServiceNetworkArn !== undefined) return "ServiceNetworkArn";
  if (input.ResourceConfigurationArn !== undefined) return "ResourceConfigurationArn";
  return undefined;
}

const createOp: Handler<CreateVpcEndpointRequest, CreateVpcEndpointResult> = ({ world, rs }, input) => {
  const tags = tagsFromSpecifications(input.TagSpecifications, "vpc-endpoint");
  const e = createVpcEndpoint(world, rs, {
    vpcId: input.VpcId,
    serviceName: input.ServiceName,
    type: input.VpcEndpointType,
    routeTableIds: input.RouteTableIds,
    subnetIds: input.SubnetIds,
    securityGroupIds: input.SecurityGroupIds,
    privateDnsEnabled: input.PrivateDnsEnabled,
    policyDocument: input.PolicyDocument,
    ipAddressType: input.IpAddressType,
    dnsRecordIpType: input.DnsOptions?.DnsRecordIpType,
    serviceRegion: input.ServiceRegion,
    unsupported: unsupported(input),
    clientToken: input.ClientToken,
    tags,
  });
  return { VpcEndpoint: vpcEndpointView(rs, e), ClientToken: input.ClientToken };
};

const describeOp: Handler<DescribeVpcEndpointsRequest, DescribeVpcEndpointsResult> = ({ rs }, input) => {
  const selected = selectByIds(rs.vpcEndpoints, input.VpcEndpointIds, vpcEndpointNotFound, { prefix: "vpce", error: vpcEndpointMalformed });
  const page = paginate(applyFilters(selected, input.Filters, FILTERS, (e) => e.tags), input, [5, 1000], (e) => e.id);
  return { VpcEndpoints: page.items.map((e) => vpcEndpointView(rs, e)), NextToken: page.nextToken };
};

const modifyOp: Handler<ModifyVpcEndpointRequest, ModifyVpcEndpointResult> = ({ world, rs }, input) => {
  let bad = unsupported(input);
  if (input.IpAddressType !== undefined && input.IpAddressType !== "ipv4") bad = `IpAddressType ${input.IpAddressType}`;
  if (input.DnsOptions?.DnsRecordIpType !== undefined && input.DnsOptions.DnsRecordIpType !== "ipv4") bad = `DnsRecordIpType ${input.DnsOptions.DnsRecordIpType}`;
  modifyVpcEndpoint(world, rs, {
    id: input.VpcEndpointId,
    addRouteTableIds: input.AddRouteTableIds,
    removeRouteTableIds: input.RemoveRouteTableIds,
    addSubnetIds: input.AddSubnetIds,
    removeSubnetIds: input.RemoveSubnetIds,
    addSecurityGroupIds: input.AddSecurityGroupIds,
    removeSecurityGroupIds: input.RemoveSecurityGroupIds,
    policyDocument: input.PolicyDocument,
    resetPolicy: input.ResetPolicy,
    privateDnsEnabled: input.PrivateDnsEnabled,
    unsupported: bad,
  });
  return { Return: true };
};

const deleteOp: Handler<DeleteVpcEndpointsRequest, DeleteVpcEndpointsResult> = ({ world, rs }, input) => {
  const failures = deleteVpcEndpoints(world, rs, input.VpcEndpointIds);
  return { Unsuccessful: failures.map((f) => ({ ResourceId: f.id, Error: { Code: f.code, Message: f.message } })) };
};

function serviceView(s: EndpointService): ServiceDetail {
  const zones = zonesOf(s.region);
  const svcDns = s.name.split(".").reverse().join(".").replace(/^(.*)\.amazonaws\.com$/, "$1");
  return {
    ServiceName: s.name,
    ServiceId: s.id,
    ServiceType: [{ ServiceType: s.type }],
    ServiceRegion: s.region,
    AvailabilityZoneIds: zones.map((z) => z.zoneId),
    AvailabilityZones: zones.map((z) => z.zoneName),
    Owner: "amazon",
    BaseEndpointDnsNames: [`${svcDns}.vpce.amazonaws.com`],
    PrivateDnsName: s.privateDns,
    PrivateDnsNames: s.privateDns ? [{ PrivateDnsName: s.privateDns }] : undefined,
    VpcEndpointPolicySupported: true,
    AcceptanceRequired: false,
    ManagesVpcEndpoints: false,
    Tags: [],
    PrivateDnsNameVerificationState: s.privateDns ? "verified" : undefined,
    SupportedIpAddressTypes: ["ipv4"],
  };
}

const SERVICE_FILTERS: FilterSpec<EndpointService> = {
  "service-name": (s) => s.name,
  "service-type": (s) => s.type,
  "service-region": (s) => s.region,
  owner: () => "amazon",
  "supported-ip-address-types": () => "ipv4",
};

const describeServicesOp: Handler<DescribeVpcEndpointServicesRequest, DescribeVpcEndpointServicesResult> = ({ rs }, input) => {
  for (const r of input.ServiceRegions ?? []) {
    if (r !== rs.region) throw invalidParameterValue(`vpclab does not model cross-region VPC endpoint services (ServiceRegions ${r}).`);
  }
  let all = endpointServices(rs.region);
  if (input.ServiceNames?.length) {
    for (const n of input.ServiceNames) if (!all.some((s) => s.name === n)) throw vpcEndpointServiceNotFound(n);
    const wanted = new Set(input.ServiceNames);
    all = all.filter((s) => wanted.has(s.name));
  }
  const filtered = applyFilters(all, input.Filters, SERVICE_FILTERS, () => undefined);
  const page = paginate(filtered, input, [5, 1000], (s) => `${s.name}/${s.type}`);
  return { ServiceNames: [...new Set(page.items.map((s) => s.name))], ServiceDetails: page.items.map(serviceView), NextToken: page.nextToken };
};

const CONNECTION_FILTERS: FilterSpec<never> = {
  "ip-address-type": () => undefined,
  "service-id": () => undefined,
  "vpc-endpoint-owner": () => undefined,
  "vpc-endpoint-region": () => undefined,
  "vpc-endpoint-state": () => undefined,
  "vpc-endpoint-id": () => undefined,
};

const describeConnectionsOp: Handler<DescribeVpcEndpointConnectionsRequest, DescribeVpcEndpointConnectionsResult> = (_ctx, input) => {
  // Connections exist only for endpoint services an account provides; vpclab models AWS's own services only.
  const page = paginate(applyFilters([] as never[], input.Filters, CONNECTION_FILTERS), input, [5, 1000]);
  return { VpcEndpointConnections: [], NextToken: page.nextToken };
};

export const vpcEndpointOperations = {
  CreateVpcEndpoint: createOp,
  DescribeVpcEndpoints: describeOp,
  ModifyVpcEndpoint: modifyOp,
  DeleteVpcEndpoints: deleteOp,
  DescribeVpcEndpointServices: describeServicesOp,
  DescribeVpcEndpointConnections: describeConnectionsOp,
};
