/**
 * The error catalog: every error vpclab returns, with AWS's own codes and message wording.
 *
 * Reference: EC2 API "Error codes for the Amazon EC2 API" (client errors) and the messages EC2 really
 * returns for each. Protocol errors (a missing action, malformed parameters) are their own family,
 * `ProtocolError`, so the server can tell a bad request from a domain refusal.
 *
 * Fidelity notes: where AWS's exact wording is not documented, the message follows what the AWS CLI
 * shows for the same mistake as closely as known; the code is always AWS's.
 */

export class Ec2Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus = 400,
  ) {
    super(message);
    this.name = "Ec2Error";
  }
}

/** Errors about the request itself rather than the resources it names. */
export class ProtocolError extends Ec2Error {
  constructor(code: string, message: string, httpStatus = 400) {
    super(code, message, httpStatus);
    this.name = "ProtocolError";
  }
}

// ---- protocol family -------------------------------------------------------------------------

export const missingAction = () => new ProtocolError("MissingAction", "The request must contain the parameter Action");
export const invalidAction = (action: string) =>
  new ProtocolError("InvalidAction", `The action ${action} is not valid for this web service.`);
export const notImplemented = (action: string) =>
  new ProtocolError(
    "NotImplemented",
    `The action ${action} is a valid EC2 action but vpclab does not implement it yet.`,
    501,
  );
export const missingParameter = (name: string) =>
  new ProtocolError("MissingParameter", `The request must contain the parameter ${name}`);
export const unknownParameter = (name: string) =>
  new ProtocolError("UnknownParameter", `The parameter ${name} is not recognized`);
export const malformedQuery = (detail: string) => new ProtocolError("MalformedQueryString", detail);
export const requestTooLarge = (limit: number) =>
  new ProtocolError("RequestEntityTooLarge", `The request body exceeds the maximum of ${limit} bytes.`, 413);
export const authFailure = (message: string) => new ProtocolError("AuthFailure", message, 401);
export const dryRunOperation = () =>
  new Ec2Error("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412);

// ---- generic parameter errors ------------------------------------------------------------------

export const invalidParameterValue = (message: string) => new Ec2Error("InvalidParameterValue", message);
export const invalidParameter = (message: string) => new Ec2Error("InvalidParameter", message);
export const invalidParameterCombination = (message: string) => new Ec2Error("InvalidParameterCombination", message);
export const operationNotPermitted = (message: string) => new Ec2Error("OperationNotPermitted", message);
export const unsupportedOperation = (message: string) => new Ec2Error("UnsupportedOperation", message);
export const dependencyViolation = (message: string) => new Ec2Error("DependencyViolation", message);
export const invalidFilter = (name: string) => invalidParameterValue(`The filter '${name}' is invalid`);
export const invalidNextToken = () => new Ec2Error("InvalidNextToken", "The token provided is invalid");
export const invalidRegion = (names: string[]) =>
  invalidParameterValue(`Invalid region names: ${names.join(", ")}`);
export const invalidZone = (zone: string) =>
  new Ec2Error("InvalidParameterValue", `Invalid availability zone: [${zone}]`);
export const invalidZoneId = (zoneId: string) =>
  new Ec2Error("InvalidParameterValue", `Invalid availability zone ID: [${zoneId}]`);
export const limitExceeded = (code: string, message: string) => new Ec2Error(code, message);

/** `Invalid<Kind>ID.NotFound`, the one family with a uniform message. */
export const notFound = (code: string, noun: string, id: string) =>
  new Ec2Error(code, `The ${noun} '${id}' does not exist`);
export const malformedId = (code: string, id: string) => new Ec2Error(code, `Invalid id: "${id}"`);

/**
 * Whether `id` has the shape of an id of kind `prefix` (the prefix, a dash, then 8 or 17 hex digits).
 * EC2 answers an id of the wrong shape with `….Malformed` for the kinds below, and NotFound otherwise.
 */
export function isWellFormedId(prefix: string, id: string): boolean {
  if (!id.startsWith(prefix + "-")) return false;
  const rest = id.slice(prefix.length + 1);
  return (rest.length === 8 || rest.length === 17) && /^[0-9a-f]+$/.test(rest);
}

// AWS's own spellings, inconsistent as they are (`InvalidVpcID` but `InvalidRouteTableId`): EC2 API
// reference, "Error codes", client errors.
export const vpcMalformed = (id: string) => malformedId("InvalidVpcID.Malformed", id);
export const subnetMalformed = (id: string) => malformedId("InvalidSubnetID.Malformed", id);
export const routeTableMalformed = (id: string) => malformedId("InvalidRouteTableId.Malformed", id);
export const internetGatewayMalformed = (id: string) => malformedId("InvalidInternetGatewayId.Malformed", id);
export const peeringMalformed = (id: string) => malformedId("InvalidVpcPeeringConnectionId.Malformed", id);
export const groupIdMalformedFilter = (id: string) =>
  new Ec2Error("InvalidGroupId.Malformed", `Invalid id: "${id}" (expecting "sg-...")`);

// ---- EC2-Classic ---------------------------------------------------------------------------------

/** What every current region answers the ClassicLink calls since EC2-Classic was retired (2022). */
export const classicUnavailable = () =>
  unsupportedOperation("The functionality you requested is not available in this region.");

// ---- VPCs --------------------------------------------------------------------------------------

export const vpcNotFound = (id: string) => notFound("InvalidVpcID.NotFound", "vpc ID", id);
export const vpcRange = (cidr: string) =>
  new Ec2Error("InvalidVpc.Range", `The CIDR '${cidr}' is invalid.`);
export const invalidCidr = (cidr: string) =>
  invalidParameterValue(`Value (${cidr}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`);
export const vpcCidrConflict = (message: string) => new Ec2Error("InvalidVpc.CidrBlock", message);
export const cidrAssociationNotFound = (id: string) =>
  new Ec2Error("InvalidVpcCidrBlockAssociationID.NotFound", `The vpc CIDR block association ID '${id}' does not exist`);
export const vpcLimitExceeded = () =>
  limitExceeded("VpcLimitExceeded", "The maximum number of VPCs has been reached.");
export const defaultVpcAlreadyExists = (id: string) =>
  new Ec2Error("DefaultVpcAlreadyExists", `A Default VPC already exists for this account in this region. (${id})`);

// ---- subnets -----------------------------------------------------------------------------------

export const subnetNotFound = (id: string) => notFound("InvalidSubnetID.NotFound", "subnet ID", id);
export const subnetRange = (cidr: string) => new Ec2Error("InvalidSubnet.Range", `The CIDR '${cidr}' is invalid.`);
export const subnetConflict = (cidr: string) =>
  new Ec2Error("InvalidSubnet.Conflict", `The CIDR '${cidr}' conflicts with another subnet`);

// ---- route tables and routes -------------------------------------------------------------------

export const routeTableNotFound = (id: string) => notFound("InvalidRouteTableID.NotFound", "routeTable ID", id);
export const associationNotFound = (id: string) =>
  new Ec2Error("InvalidAssociationID.NotFound", `The association ID '${id}' does not exist`);
export const routeAlreadyExists = (rtb: string, dest: string) =>
  new Ec2Error(
    "RouteAlreadyExists",
    `The route identified by ${dest} already exists.`,
  );
export const routeNotFound = (rtb: string, dest: string) =>
  new Ec2Error("InvalidRoute.NotFound", `no route with destination-cidr-block ${dest} in route table ${rtb}`);
export const gatewayNotFound = (id: string) => notFound("InvalidGatewayID.NotFound", "gateway ID", id);
export const resourceAlreadyAssociated = (message: string) => new Ec2Error("Resource.AlreadyAssociated", message);

// ---- internet gateways -------------------------------------------------------------------------

export const internetGatewayNotFound = (id: string) =>
  notFound("InvalidInternetGatewayID.NotFound", "internetGateway ID", id);
export const gatewayNotAttached = (igw: string, vpc: string) =>
  new Ec2Error("Gateway.NotAttached", `resource ${igw} is not attached to network ${vpc}`);

// ---- DHCP options, tags ------------------------------------------------------------------------

export const dhcpOptionsNotFound = (id: string) => notFound("InvalidDhcpOptionID.NotFound", "dhcpOption ID", id);
export const invalidResourceId = (id: string) => new Ec2Error("InvalidID", `The ID '${id}' is not valid`);
export const tagLimitExceeded = () =>
  new Ec2Error("TagLimitExceeded", "The maximum number of Tags for a resource has been reached.");

// ---- VPC peering connections (generic codes; peering-specific ones live in domain/peering.ts) ----

export const peeringNotFound = (id: string) =>
  notFound("InvalidVpcPeeringConnectionID.NotFound", "vpcPeeringConnection ID", id);
/** AWS's wording: "Invalid state transition for pcx-…, attempted to transition from rejected to deleting". */
export const invalidStateTransition = (id: string, from: string, to: string) =>
  new Ec2Error("InvalidStateTransition", `Invalid state transition for ${id}, attempted to transition from ${from} to ${to}`);

// ---- instance types, instance options --------------------------------------------------------------

/** DescribeInstanceTypes with a type EC2 does not have. */
export const invalidInstanceTypes = (types: string[]) =>
  new Ec2Error("InvalidInstanceType", `The following supplied instance types do not exist: [${types.join(", ")}]`);
export const invalidIamInstanceProfile = (what: string, value: string) =>
  invalidParameterValue(`Value (${value}) for parameter iamInstanceProfile.${what} is invalid. Invalid IAM Instance Profile ${what === "arn" ? "ARN" : "name"}`);
export const iamAssociationExists = (instanceId: string) =>
  new Ec2Error("IncorrectState", `There is an existing association for instance ${instanceId}`);
export const iamAssociationNotFound = (id: string) =>
  new Ec2Error("InvalidAssociationID.NotFound", `An association with ID ${id} does not exist.`);
export const creditsNotSupported = (type: string) =>
  new Ec2Error("InvalidParameterCombination", `The specified instance type ${type} does not support CPU credits.`);

// ---- address attributes, default subnets, VPC tenancy ----------------------------------------------

export const invalidDomainName = (name: string) =>
  invalidParameterValue(`Value (${name}) for parameter domainName is invalid. The domain name is not valid.`);
export const defaultSubnetExists = (zone: string) =>
  new Ec2Error("DefaultSubnetAlreadyExistsInAvailabilityZone", `Default subnet already exists in availability zone ${zone}.`);
export const defaultVpcDoesNotExist = () =>
  new Ec2Error("DefaultVpcDoesNotExist", "No default VPC exists for this account in this region.");

// ---- EBS volumes ---------------------------------------------------------------------------------

export const volumeNotFound = (id: string) => new Ec2Error("InvalidVolume.NotFound", `The volume '${id}' does not exist.`);
export const volumeMalformed = (id: string) => new Ec2Error("InvalidVolumeID.Malformed", `Invalid id: "${id}" (expecting "vol-...")`);
export const volumeInUse = (message: string) => new Ec2Error("VolumeInUse", message);
export const volumeZoneMismatch = (volumeId: string, instanceId: string) =>
  new Ec2Error("InvalidVolume.ZoneMismatch", `The volume '${volumeId}' is not in the same availability zone as instance '${instanceId}'`);
export const volumeIncorrectState = (id: string, state: string) =>
  new Ec2Error("IncorrectState", `Volume '${id}' is in the '${state}' state.`);
export const snapshotNotFound = (id: string) => new Ec2Error("InvalidSnapshot.NotFound", `The snapshot '${id}' does not exist.`);
export const invalidDeviceName = (device: string) =>
  invalidParameterValue(`Value (${device}) for parameter device is invalid. ${device} is not a valid EBS device name.`);
export const deviceInUse = (device: string) =>
  invalidParameterValue(`Invalid value '${device}' for unixDevice. Attachment point ${device} is already in use`);
export const snapshotMalformed = (id: string) => new Ec2Error("InvalidSnapshotID.Malformed", `Invalid id: "${id}" (expecting "snap-...")`);
export const volumeAttachmentNotFound = (volumeId: string, instanceId: string | undefined) =>
  new Ec2Error("InvalidAttachment.NotFound", `The volume '${volumeId}' is not attached to ${instanceId ? `instance '${instanceId}'` : "that device"}.`);

// ---- launch templates ------------------------------------------------------------------------------

export const launchTemplateNotFoundById = () =>
  new Ec2Error("InvalidLaunchTemplateId.NotFound", "At least one of the launch templates specified in the request does not exist.");
export const launchTemplateNotFoundByName = () =>
  new Ec2Error("InvalidLaunchTemplateName.NotFoundException", "At least one of the launch templates specified in the request does not exist.");
export const launchTemplateMalformed = (id: string) =>
  new Ec2Error("InvalidLaunchTemplateId.Malformed", `The specified ID for the launch template is not valid. Launch template IDs must be in the form "lt-xxxxxxxxxxxxxxxxx". (${id})`);
export const launchTemplateNameExists = () =>
  new Ec2Error("InvalidLaunchTemplateName.AlreadyExistsException", "Launch template name already in use.");
export const launchTemplateNameMalformed = (name: string) =>
  new Ec2Error("InvalidLaunchTemplateName.MalformedException", `The launch template name '${name}' is not valid: 3 to 128 characters, letters, digits and ( ) . - / _ only.`);
export const launchTemplateVersionNotFound = (version: string) =>
  new Ec2Error("InvalidLaunchTemplateId.VersionNotFound", `Could not find launch template version ${version}.`);
