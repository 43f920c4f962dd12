/**
 * vpclab's own domain records: camelCase, ours, and independent of AWS's wire shapes (views convert
 * at the edge, in `src/api/views/`). Every resource family of the EC2 network lives here so that the
 * API handlers and the network engine agree on one model.
 *
 * Addresses are kept as strings in records (what the user gave, canonicalised); the engine compiles
 * them to integers.
 */

export type Tags = Map<string, string>;

export interface Scoped {
  id: string;
  ownerId: string;
  region: string;
  tags: Tags;
}

export interface VpcCidrAssociation {
  associationId: string;
  cidr: string;
  state: "associating" | "associated" | "disassociating" | "disassociated";
}

/** An IPv6 block of a VPC (domain/ipv6.ts): a /56 from the region's Amazon pool. */
export interface VpcIpv6Association {
  associationId: string;
  /** Canonical RFC 5952 text, `2600:1f1a:4:8e00::/56`. */
  cidr: string;
  state: "associating" | "associated" | "disassociating" | "disassociated";
  networkBorderGroup: string;
}

/** A subnet's IPv6 block (domain/ipv6.ts): a /64 inside one of its VPC's /56s. */
export interface SubnetIpv6Association {
  associationId: string;
  cidr: string;
  state: "associating" | "associated" | "disassociating" | "disassociated";
}

export interface Vpc extends Scoped {
  /** Index 0 is the primary block; disassociated blocks are removed from the list. */
  cidrBlocks: VpcCidrAssociation[];
  /** IPv6 blocks (optional field added by the IPv6 issue; absent = none). Disassociated ones stay listed, as AWS shows them. */
  ipv6CidrBlocks?: VpcIpv6Association[];
  state: "pending" | "available";
  isDefault: boolean;
  instanceTenancy: string;
  dhcpOptionsId: string;
  enableDnsSupport: boolean;
  enableDnsHostnames: boolean;
  enableNetworkAddressUsageMetrics: boolean;
}

export interface Subnet extends Scoped {
  vpcId: string;
  availabilityZone: string;
  availabilityZoneId: string;
  cidr: string;
  state: "pending" | "available";
  defaultForAz: boolean;
  mapPublicIpOnLaunch: boolean;
  assignIpv6AddressOnCreation: boolean;
  enableDns64: boolean;
  privateDnsHostnameType: "ip-name" | "resource-name";
  /** ModifySubnetAttribute EnableResourceNameDnsARecordOnLaunch; absent means false (AWS's default). */
  enableResourceNameDnsARecord?: boolean;
  /** Optional fields added by the IPv6 issue (domain/ipv6.ts); absent = none / false. An IPv6-native
   * subnet has no IPv4 block: its `cidr` is the empty string, which the engine skips. */
  ipv6CidrBlocks?: SubnetIpv6Association[];
  ipv6Native?: boolean;
  enableResourceNameDnsAAAARecord?: boolean;
}

/** Where a route sends traffic. `instance` routes resolve to the instance's primary ENI. */
export type RouteTarget =
  | { kind: "local" }
  | { kind: "igw"; id: string }
  | { kind: "pcx"; id: string }
  | { kind: "tgw"; id: string }
  | { kind: "nat"; id: string }
  | { kind: "eni"; id: string }
  | { kind: "instance"; id: string; eniId: string }
  | { kind: "vgw"; id: string }
  | { kind: "eigw"; id: string }
  /** A gateway VPC endpoint (S3, DynamoDB): its routes' destination is the service's prefix list. */
  | { kind: "vpce"; id: string }
  /** A target kind vpclab does not model, kept from a loaded snapshot (snapshot/import.ts): `field` is
   * the route's AWS field that named it (GatewayId for a vpce-…, LocalGatewayId, …). Always a blackhole. */
  | { kind: "unmodelled"; id: string; field: string };

export interface Route {
  /**
   * IPv4 or IPv6 (RFC 5952 text, which contains `:`): `isIpv6Route` tells them apart. The engine's
   * IPv4 parser skips IPv6 destinations, so the walk never sees them (IPv6 paths are not analysed yet).
   * For a prefix-list route (`destinationPrefixListId`), the list's id, so that messages naming a route
   * read right and no CIDR comparison can ever match it.
   */
  destinationCidr: string;
  /** Set for a route whose destination is a prefix list (DestinationPrefixListId, or a gateway endpoint's route to its service): the engine expands it per entry. */
  destinationPrefixListId?: string;
  target: RouteTarget;
  origin: "CreateRouteTable" | "CreateRoute" | "EnableVgwRoutePropagation";
}

export interface RouteTableAssociation {
  id: string;
  main: boolean;
  subnetId?: string;
  gatewayId?: string;
}

export interface RouteTable extends Scoped {
  vpcId: string;
  routes: Route[];
  associations: RouteTableAssociation[];
  /** Virtual private gateways whose VPN routes this table learns (EnableVgwRoutePropagation). */
  propagatingVgws?: string[];
}

export interface InternetGateway extends Scoped {
  /** At most one: AWS allows one VPC per gateway and one gateway per VPC. */
  attachments: { vpcId: string; state: "attaching" | "available" | "detaching" }[];
}

export interface DhcpOptions extends Scoped {
  configurations: { key: string; values: string[] }[];
}

export interface PrefixListEntry {
  cidr: string;
  description?: string;
}

/** A customer-managed prefix list (domain/prefix-lists.ts); AWS-managed lists are reference data. */
export interface ManagedPrefixList extends Scoped {
  name: string;
  addressFamily: "IPv4";
  maxEntries: number;
  /** The current version (starts at 1; every change of the entries adds one). */
  version: number;
  /** The current entries, sorted by address. */
  entries: PrefixListEntry[];
  /** Earlier versions kept for GetManagedPrefixListEntries and RestoreManagedPrefixListVersion, oldest first. */
  versions: { version: number; entries: PrefixListEntry[] }[];
  /** The state the last call left (`create-complete`, `modify-complete`, `restore-complete`). */
  state: string;
  /** CreateManagedPrefixList's ClientToken, for idempotent retries. */
  clientToken?: string;
}

/** An egress-only internet gateway (domain/egress-only-gateways.ts). */
export interface EgressOnlyInternetGateway extends Scoped {
  /** At most one: the VPC it was created for. */
  attachments: { vpcId: string; state: "attached" }[];
  /** CreateEgressOnlyInternetGateway's ClientToken, for idempotent retries. */
  clientToken?: string;
}

export type IpProtocol = string; // "-1", "tcp", "udp", "icmp", "icmpv6" or a protocol number as a string

/** One security-group rule, as AWS stores it: one source/destination per rule (`sgr-…`). */
export interface SecurityGroupRule {
  id: string;
  groupId: string;
  isEgress: boolean;
  ipProtocol: IpProtocol;
  /** For tcp/udp the port range; for icmp the type (from) and code (to); -1 means all. */
  fromPort: number;
  toPort: number;
  cidrIpv4?: string;
  cidrIpv6?: string;
  prefixListId?: string;
  referencedGroup?: { groupId: string; userId: string; vpcId?: string; vpcPeeringConnectionId?: string };
  description?: string;
  tags: Tags;
}

export interface SecurityGroup extends Scoped {
  vpcId: string;
  name: string;
  description: string;
  isDefault: boolean;
  rules: SecurityGroupRule[];
}

export interface NetworkAclEntry {
  ruleNumber: number;
  egress: boolean;
  protocol: string; // "-1" or a protocol number as a string ("6", "17", "1")
  ruleAction: "allow" | "deny";
  cidrBlock?: string;
  ipv6CidrBlock?: string;
  icmp?: { type: number; code: number };
  portRange?: { from: number; to: number };
}

export interface NetworkAcl extends Scoped {
  vpcId: string;
  isDefault: boolean;
  /** Includes the implicit `*` deny entries (rule number 32767), as DescribeNetworkAcls shows them. */
  entries: NetworkAclEntry[];
  associations: { id: string; subnetId: string }[];
}

export type InstanceStateName = "pending" | "running" | "shutting-down" | "terminated" | "stopping" | "stopped";

export interface Instance extends Scoped {
  reservationId: string;
  imageId: string;
  instanceType: string;
  keyName?: string;
  state: InstanceStateName;
  stateTransitionReason: string;
  launchTime: number;
  subnetId: string;
  vpcId: string;
  availabilityZone: string;
  primaryEniId: string;
  userData?: string;
  amiLaunchIndex: number;
  clientToken?: string;
  /** Optional fields added by the instances issue (DescribeInstanceAttribute / ModifyInstanceAttribute). */
  disableApiTermination?: boolean;
  disableApiStop?: boolean;
  shutdownBehavior?: "stop" | "terminate";
  /** When the instance reached `terminated` (it stays visible for about an hour after). */
  terminatedAt?: number;
  /** Optional fields of the instance-options family (domain/instance-options.ts); absent = AWS's default. */
  cpuCredits?: "standard" | "unlimited";
  monitoring?: boolean;
  metadataOptions?: InstanceMetadataOptions;
  autoRecovery?: "default" | "disabled";
  privateDnsNameOptions?: { hostnameType: "ip-name" | "resource-name"; enableA: boolean; enableAaaa: boolean };
  iamInstanceProfile?: { arn: string; id: string; associationId: string };
  ebsOptimized?: boolean;
}

export interface InstanceMetadataOptions {
  httpTokens: "optional" | "required";
  httpPutResponseHopLimit: number;
  httpEndpoint: "enabled" | "disabled";
  httpProtocolIpv6: "enabled" | "disabled";
  instanceMetadataTags: "enabled" | "disabled";
}

export interface PrivateIp {
  address: string;
  primary: boolean;
}

export interface NetworkInterface extends Scoped {
  subnetId: string;
  vpcId: string;
  availabilityZone: string;
  description: string;
  macAddress: string;
  privateIps: PrivateIp[];
  securityGroupIds: string[];
  sourceDestCheck: boolean;
  interfaceType: string;
  status: "available" | "attaching" | "in-use" | "detaching";
  requesterManaged: boolean;
  attachment?: {
    id: string;
    instanceId: string;
    deviceIndex: number;
    status: "attaching" | "attached" | "detaching" | "detached";
    deleteOnTermination: boolean;
    attachTime: number;
  };
  /**
   * Whether the interface gets an auto-assigned public IPv4 address while its instance runs (set at
   * launch from the subnet's MapPublicIpOnLaunch or AssociatePublicIpAddress). Optional field added
   * by the instances issue: Stop releases the address and Start assigns a new one.
   */
  publicIpOnLaunch?: boolean;
  /** Who manages a requester-managed interface (a NAT gateway's, an interface endpoint's); shown as RequesterId. */
  requesterId?: string;
  /** IPv6 addresses (optional field added by the IPv6 issue; absent = none), RFC 5952 text. */
  ipv6Addresses?: string[];
  /** A public IPv4 address: auto-assigned at launch, or an elastic IP's. */
  association?: { publicIp: string; allocationId?: string; associationId?: string; ipOwnerId: string; privateIp: string };
}

export interface ElasticIp extends Scoped {
  /** The allocation id is also `id`. */
  publicIp: string;
  domain: "vpc";
  networkBorderGroup: string;
  association?: { id: string; networkInterfaceId: string; instanceId?: string; privateIp: string };
  /** The reverse DNS name set by ModifyAddressAttribute (domain/address-attributes.ts); absent = AWS's default. */
  ptrRecord?: string;
}

export interface KeyPair extends Scoped {
  name: string;
  fingerprint: string;
  keyType: "rsa" | "ed25519";
  publicKey?: string;
  createTime: number;
}

export type PeeringStatusCode =
  | "initiating-request"
  | "pending-acceptance"
  | "active"
  | "deleted"
  | "rejected"
  | "failed"
  | "expired"
  | "provisioning"
  | "deleting";

export interface PeeringSide {
  ownerId: string;
  region: string;
  vpcId: string;
  /** The side's IPv4 blocks when the connection was made (AWS shows them as at request time). */
  cidrBlocks: string[];
  /** The side's live IPv6 blocks, taken with `cidrBlocks` (optional field added by the IPv6 issue). */
  ipv6CidrBlocks?: string[];
  allowDnsResolutionFromRemoteVpc: boolean;
}

/** A VPC peering connection: one object, seen from both accounts and both regions. */
export interface VpcPeeringConnection {
  id: string;
  requester: PeeringSide;
  accepter: PeeringSide;
  status: { code: PeeringStatusCode; message: string };
  /** When a pending request expires (ms on the emulator clock). */
  expirationTime?: number;
  statusChangedAt: number;
  /** Tags per side, keyed `account/region` (see domain/tags.ts `peeringTagKey`): each side's copy has its own. */
  tags: Map<string, Tags>;
  /**
   * What AWS's shape does not carry: whether the request was ever accepted (AWS then shows the
   * accepter's CIDR and options) and which account ended it (the visibility windows depend on it).
   */
  meta?: PeeringMeta;
}

export interface PeeringMeta {
  accepted: boolean;
  endedBy?: string;
}

export type VolumeState = "creating" | "available" | "in-use" | "deleting" | "deleted" | "error";

export interface VolumeAttachment {
  instanceId: string;
  device: string;
  state: "attaching" | "attached" | "detaching" | "detached";
  attachTime: number;
  deleteOnTermination: boolean;
}

/** An EBS volume (domain/volumes.ts). */
export interface Volume extends Scoped {
  availabilityZone: string;
  /** GiB. */
  size: number;
  volumeType: string;
  iops?: number;
  throughput?: number;
  encrypted: boolean;
  kmsKeyId?: string;
  snapshotId: string;
  state: VolumeState;
  createTime: number;
  multiAttachEnabled: boolean;
  attachments: VolumeAttachment[];
  /** The last ModifyVolume, as DescribeVolumesModifications shows it. */
  modification?: {
    startTime: number;
    original: { size: number; volumeType: string; iops?: number; throughput?: number };
    target: { size: number; volumeType: string; iops?: number; throughput?: number };
  };
}

/** A launch template version's data: the RunInstances parameters it holds, as AWS's request shape. */
export interface LaunchTemplateVersion {
  versionNumber: number;
  description?: string;
  createTime: number;
  /** RequestLaunchTemplateData, kept as plain data (strings, numbers, booleans, arrays, objects). */
  data: Record<string, unknown>;
}

/** A launch template (domain/launch-templates.ts). */
export interface LaunchTemplate extends Scoped {
  name: string;
  createTime: number;
  defaultVersion: number;
  latestVersion: number;
  versions: LaunchTemplateVersion[];
}

// ---- transit gateways (domain/transit-gateways.ts) ------------------------------------------------

export type TgwState = "pending" | "available" | "modifying" | "deleting" | "deleted";
export type TgwAttachmentState =
  | "initiatingRequest"
  | "pendingAcceptance"
  | "pending"
  | "available"
  | "modifying"
  | "rejected"
  | "deleting"
  | "deleted"
  | "failed";

export interface TransitGatewayOptions {
  amazonSideAsn: number;
  autoAcceptSharedAttachments: "enable" | "disable";
  defaultRouteTableAssociation: "enable" | "disable";
  defaultRouteTablePropagation: "enable" | "disable";
  associationDefaultRouteTableId?: string;
  propagationDefaultRouteTableId?: string;
  vpnEcmpSupport: "enable" | "disable";
  dnsSupport: "enable" | "disable";
  securityGroupReferencingSupport: "enable" | "disable";
  multicastSupport: "enable" | "disable";
  cidrBlocks: string[];
}

export interface TransitGateway extends Scoped {
  state: TgwState;
  description?: string;
  createdAt: number;
  options: TransitGatewayOptions;
}

/** A VPC attachment; lives in the region and account of its transit gateway (and VPC). */
export interface TgwVpcAttachment extends Scoped {
  transitGatewayId: string;
  vpcId: string;
  /** The VPC's account, when it is not the gateway's (a shared gateway; see domain/transit-gateways.ts). */
  vpcOwnerId?: string;
  subnetIds: string[];
  state: TgwAttachmentState;
  createdAt: number;
  options: { dnsSupport: "enable" | "disable"; ipv6Support: "enable" | "disable"; applianceModeSupport: "enable" | "disable"; securityGroupReferencingSupport: "enable" | "disable" };
}

export interface TgwStaticRoute {
  destinationCidr: string;
  /** Absent for a blackhole route. */
  attachmentId?: string;
  blackhole: boolean;
}

export interface TgwRouteTable extends Scoped {
  transitGatewayId: string;
  state: "pending" | "available" | "deleting" | "deleted";
  createdAt: number;
  defaultAssociationRouteTable: boolean;
  defaultPropagationRouteTable: boolean;
  routes: TgwStaticRoute[];
  /** Attachment ids associated with this table (an attachment has at most one table). */
  associations: string[];
  /** Attachment ids whose VPC CIDR blocks this table learns. */
  propagations: string[];
  /** Prefix-list references (domain/prefix-list-references.ts), one per list. */
  prefixListReferences?: TgwPrefixListReference[];
}

export interface TgwPeeringSide {
  ownerId: string;
  region: string;
  transitGatewayId: string;
}

/** A peering attachment between two transit gateways: one object seen from both sides (like a VPC peering). */
export interface TgwPeeringAttachment {
  id: string;
  requester: TgwPeeringSide;
  accepter: TgwPeeringSide;
  state: TgwAttachmentState;
  createdAt: number;
  statusMessage: string;
  /** Each side (`account/region`) tags its own copy. */
  tags: Map<string, Tags>;
}

/** A transit gateway route table's reference to a prefix list (CreateTransitGatewayPrefixListReference). */
export interface TgwPrefixListReference {
  routeTableId: string;
  transitGatewayId: string;
  prefixListId: string;
  prefixListOwnerId: string;
  /** Absent for a blackhole reference. */
  attachmentId?: string;
  blackhole: boolean;
}

/** A virtual private gateway (domain/vpn.ts). */
export interface VpnGateway extends Scoped {
  type: "ipsec.1";
  state: "pending" | "available" | "deleting" | "deleted";
  amazonSideAsn: number;
  availabilityZone?: string;
  /** At most one attachment that is not `detached` (one VPC per gateway, one gateway per VPC). */
  attachments: { vpcId: string; state: "attaching" | "attached" | "detaching" | "detached" }[];
  /** Emulator time it became `deleted` (kept visible for a while, as AWS does). */
  deletedAt?: number;
}

/** A customer gateway: the on-premises end of a VPN connection (domain/vpn.ts). */
export interface CustomerGateway extends Scoped {
  type: "ipsec.1";
  state: "pending" | "available" | "deleting" | "deleted";
  bgpAsn: number;
  ipAddress: string;
  deviceName?: string;
  deletedAt?: number;
}

/** A Site-to-Site VPN connection between a customer gateway and a virtual private gateway (API only). */
export interface VpnConnection extends Scoped {
  type: "ipsec.1";
  state: "pending" | "available" | "deleting" | "deleted";
  customerGatewayId: string;
  vpnGatewayId: string;
  staticRoutesOnly: boolean;
  localIpv4NetworkCidr: string;
  remoteIpv4NetworkCidr: string;
  /** Static routes (CreateVpnConnectionRoute): the on-premises networks behind the customer gateway. */
  routes: { destinationCidr: string; state: "pending" | "available" | "deleting" | "deleted" }[];
  deletedAt?: number;
}

// ---- NAT gateways (domain/nat-gateways.ts) -------------------------------------------------------

export type NatGatewayState = "pending" | "failed" | "available" | "deleting" | "deleted";

/** One address of a NAT gateway: a private IP of its interface, and for a public NAT, an elastic IP. */
export interface NatGatewayAddressRecord {
  privateIp: string;
  allocationId?: string;
  publicIp?: string;
  associationId?: string;
  isPrimary: boolean;
  status: "assigning" | "unassigning" | "associating" | "disassociating" | "succeeded" | "failed";
  failureMessage?: string;
}

export interface NatGateway extends Scoped {
  vpcId: string;
  subnetId: string;
  connectivityType: "public" | "private";
  state: NatGatewayState;
  createdAt: number;
  deletedAt?: number;
  failureCode?: string;
  failureMessage?: string;
  /** The requester-managed interface (type nat_gateway) in the subnet; absent once deleted or failed. */
  eniId?: string;
  addresses: NatGatewayAddressRecord[];
  clientToken?: string;
}

// ---- VPC endpoints (domain/vpc-endpoints.ts) ----------------------------------------------------

export type VpcEndpointState = "pendingAcceptance" | "pending" | "available" | "deleting" | "deleted" | "rejected" | "failed";

export interface VpcEndpoint extends Scoped {
  vpcId: string;
  serviceName: string;
  type: "Gateway" | "Interface";
  state: VpcEndpointState;
  createdAt: number;
  policyDocument: string;
  /** Gateway endpoints: the route tables holding the service's prefix-list route. */
  routeTableIds: string[];
  /** Interface endpoints: the subnets, one requester-managed interface each, and its security groups. */
  subnetIds: string[];
  networkInterfaceIds: string[];
  groupIds: string[];
  privateDnsEnabled: boolean;
  ipAddressType: "ipv4";
  dnsRecordIpType: "ipv4";
  clientToken?: string;
}
