/**
 * VPC flow logs: CreateFlowLogs, DescribeFlowLogs, DeleteFlowLogs (the resources), and the record
 * format (default and custom LogFormat) that engine/flow-records.ts renders records with.
 *
 * Reference: EC2 API CreateFlowLogs / DescribeFlowLogs / DeleteFlowLogs; VPC User Guide "Logging IP
 * traffic using VPC Flow Logs", "Flow log records" (default format = the version 2 fields; custom
 * formats choose any of the available fields, written `${field}` and separated by spaces), "Publish
 * flow logs to CloudWatch Logs" and "…to Amazon S3".
 *
 * Fidelity notes:
 * - Resource types VPC, Subnet and NetworkInterface. TransitGateway and TransitGatewayAttachment flow
 *   logs, Kinesis Data Firehose destinations and DeliverCrossAccountRole are refused (InvalidParameter
 *   naming what vpclab does not model), never ignored.
 * - Destinations are metadata: nothing is delivered to CloudWatch Logs or S3 (vpclab has neither), so
 *   DeliverLogsStatus is always SUCCESS and FlowLogStatus ACTIVE; no log group or bucket is checked.
 *   The records the simulated data plane produces go to an in-memory ring per flow log (see
 *   engine/flow-records.ts), read with `GET /_vpclab/flow-logs` and `vpclab flows`.
 * - cloud-watch-logs takes LogGroupName or a log-group ARN in LogDestination (not both) plus
 *   DeliverLogsPermissionArn; DescribeFlowLogs shows both the group name and its ARN, as AWS does.
 *   s3 takes an S3 bucket ARN (optionally with a folder) and no LogGroupName or
 *   DeliverLogsPermissionArn; DestinationOptions only with s3.
 * - A second flow log with the same resource, destination type and destination is refused per
 *   resource in `Unsuccessful` (FlowLogAlreadyExists); a resource that does not exist fails the whole
 *   call with its kind's NotFound error. AWS's per-resource quota (flow logs per VPC, subnet or
 *   interface) is not enforced.
 * - DeleteFlowLogs reports unknown ids in `Unsuccessful` (InvalidFlowLogId.NotFound) and deletes the
 *   others. Deleting a flow log discards its records.
 * - A flow log whose resource has been deleted is no longer listed (AWS deletes it with the resource);
 *   vpclab keeps the record in state but it matches no traffic and DescribeFlowLogs hides it.
 * - ClientToken: a repeated CreateFlowLogs with a token seen before answers the flow logs that token
 *   made, and creates nothing.
 * - LogFormat field names are checked against AWS's field list (versions 2 to 8); the wording of the
 *   error for an unknown field is vpclab's.
 */
import type { RegionState, World } from "../state/world.js";
import type { Tags } from "./types.js";
import {
  flowLogAlreadyExists,
  flowLogBadAggregationInterval,
  flowLogBadDestination,
  flowLogBadFormat,
  flowLogGroupNeedsCloudWatch,
  flowLogGroupOrDestination,
  flowLogNotFound,
  flowLogOptionsNeedS3,
  flowLogParamRequiredIf,
  flowLogPermissionNotForS3,
  flowLogUnsupported,
  invalidParameterValue,
  missingParameter,
  eniMalformed,
  eniNotFound,
  subnetMalformed,
  subnetNotFound,
  type Ec2Error,
} from "./errors.js";
import { getVpc } from "./lookup.js";
import { isWellFormedId } from "./ids.js";

export type FlowLogResourceType = "VPC" | "Subnet" | "NetworkInterface";
export type FlowLogTrafficType = "ACCEPT" | "REJECT" | "ALL";
export type FlowLogDestinationType = "cloud-watch-logs" | "s3";

export interface FlowLog {
  id: string;
  ownerId: string;
  region: string;
  tags: Tags;
  resourceType: FlowLogResourceType;
  resourceId: string;
  trafficType: FlowLogTrafficType;
  logDestinationType: FlowLogDestinationType;
  logDestination: string;
  logGroupName?: string;
  deliverLogsPermissionArn?: string;
  logFormat: string;
  /** The field names of logFormat, in order (parsed once). */
  fields: string[];
  maxAggregationInterval: 60 | 600;
  destinationOptions?: { fileFormat: "plain-text" | "parquet"; hiveCompatiblePartitions: boolean; perHourPartition: boolean };
  clientToken?: string;
  createdAt: number;
}

export const DEFAULT_LOG_FORMAT =
  "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}";

/** AWS's flow log record fields, versions 2 to 8 ("Flow log records", Available fields). */
export const FLOW_LOG_FIELDS: ReadonlySet<string> = new Set([
  // version 2 (the default format)
  "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets", "bytes", "start", "end", "action", "log-status",
  // version 3
  "vpc-id", "subnet-id", "instance-id", "tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr",
  // version 4
  "region", "az-id", "sublocation-type", "sublocation-id",
  // version 5
  "pkt-src-aws-service", "pkt-dst-aws-service", "flow-direction", "traffic-path",
  // version 7
  "ecs-cluster-arn", "ecs-cluster-name", "ecs-container-instance-arn", "ecs-container-instance-id", "ecs-container-id",
  "ecs-second-container-id", "ecs-service-name", "ecs-task-definition-arn", "ecs-task-arn", "ecs-task-id",
  // version 8
  "reject-reason",
]);

/** The field names of a LogFormat (`${a} ${b} …`), checked as AWS checks them. */
export function parseLogFormat(format: string): string[] {
  const text = format.trim();
  if (text === "") throw flowLogBadFormat("the format is empty; give at least one field as ${field}");
  const fields: string[] = [];
  for (const token of text.split(/\s+/)) {
    const m = /^\$\{([a-z0-9-]+)\}$/.exec(token);
    if (!m) throw flowLogBadFormat(`'${token}' is not a field: write each field as \${field-name}, separated by spaces`);
    if (!FLOW_LOG_FIELDS.has(m[1]!)) throw flowLogBadFormat(`Unknown field ${token}`);
    fields.push(m[1]!);
  }
  return fields;
}

export function flowLogsOf(rs: RegionState): Map<string, FlowLog> {
  return rs.flowLogs;
}

/** Whether the flow log's resource still exists (a flow log goes with its resource, as on AWS). */
export function flowLogLive(rs: RegionState, fl: FlowLog): boolean {
  if (fl.resourceType === "VPC") return rs.vpcs.has(fl.resourceId);
  if (fl.resourceType === "Subnet") return rs.subnets.has(fl.resourceId);
  return rs.networkInterfaces.has(fl.resourceId);
}

export interface CreateFlowLogsInput {
  resourceIds?: string[];
  resourceType?: string;
  trafficType?: string;
  logDestinationType?: string;
  logDestination?: string;
  logGroupName?: string;
  deliverLogsPermissionArn?: string;
  deliverCrossAccountRole?: string;
  logFormat?: string;
  maxAggregationInterval?: number;
  destinationOptions?: { FileFormat?: string; HiveCompatiblePartitions?: boolean; PerHourPartition?: boolean };
  clientToken?: string;
}

export interface Unsuccessful {
  resourceId: string;
  error: Ec2Error;
}

function checkResource(rs: RegionState, type: FlowLogResourceType, id: string): void {
  if (type === "VPC") getVpc(rs, id);
  // (Not subnets.ts's getSubnet: that module reads the registry of kinds, which reads this one.)
  else if (type === "Subnet") {
    if (!rs.subnets.has(id)) throw isWellFormedId("subnet", id) ? subnetNotFound(id) : subnetMalformed(id);
  }
  else if (!rs.networkInterfaces.has(id)) throw isWellFormedId("eni", id) ? eniNotFound(id) : eniMalformed(id);
}

const LOG_GROUP_ARN = /^arn:aws[\w-]*:logs:[a-z0-9-]+:\d{12}:log-group:([\w#./-]{1,512}?)(:\*)?$/;
const S3_ARN = /^arn:aws[\w-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/;

/** Creates flow logs (validating everything first); answers the new ids and per-resource failures. */
export function createFlowLogs(world: World, rs: RegionState, input: CreateFlowLogsInput, tags: Tags): { ids: string[]; unsuccessful: Unsuccessful[] } {
  if (input.clientToken !== undefined) {
    const earlier = [...rs.flowLogs.values()].filter((f) => f.clientToken === input.clientToken).map((f) => f.id);
    if (earlier.length > 0) return { ids: earlier, unsuccessful: [] };
  }
  if (!input.resourceIds || input.resourceIds.length === 0) throw missingParameter("ResourceId");
  if (input.resourceType === undefined) throw missingParameter("ResourceType");
  const rt = input.resourceType;
  if (rt === "TransitGateway" || rt === "TransitGatewayAttachment") throw flowLogUnsupported(`ResourceType ${rt}`);
  if (rt !== "VPC" && rt !== "Subnet" && rt !== "NetworkInterface") {
    throw invalidParameterValue(`Value (${rt}) for parameter ResourceType is invalid. Valid values: VPC, Subnet, NetworkInterface, TransitGateway, TransitGatewayAttachment`);
  }
  if (input.trafficType === undefined) throw missingParameter("TrafficType");
  const tt = input.trafficType;
  if (tt !== "ACCEPT" && tt !== "REJECT" && tt !== "ALL") throw invalidParameterValue(`Value (${tt}) for parameter TrafficType is invalid. Valid values: ACCEPT, REJECT, ALL`);
  const dt = input.logDestinationType ?? "cloud-watch-logs";
  if (dt === "kinesis-data-firehose") throw flowLogUnsupported("LogDestinationType kinesis-data-firehose");
  if (dt !== "cloud-watch-logs" && dt !== "s3") {
    throw invalidParameterValue(`Value (${dt}) for parameter LogDestinationType is invalid. Valid values: cloud-watch-logs, s3, kinesis-data-firehose`);
  }
  if (input.deliverCrossAccountRole !== undefined) throw flowLogUnsupported("DeliverCrossAccountRole (cross-account delivery)");
  let logDestination: string;
  let logGroupName: string | undefined;
  if (dt === "cloud-watch-logs") {
    if (input.logGroupName !== undefined && input.logDestination !== undefined) throw flowLogGroupOrDestination();
    if (input.logGroupName === undefined && input.logDestination === undefined) throw flowLogParamRequiredIf("LogDestination", "LogGroupName", "not provided");
    if (input.deliverLogsPermissionArn === undefined) throw flowLogParamRequiredIf("DeliverLogsPermissionArn", "LogDestinationType", "cloud-watch-logs");
    if (input.logDestination !== undefined) {
      const m = LOG_GROUP_ARN.exec(input.logDestination);
      if (!m) throw flowLogBadDestination(dt, input.logDestination, "a CloudWatch Logs log group ARN (arn:aws:logs:<region>:<account>:log-group:<name>)");
      logGroupName = m[1]!;
      logDestination = input.logDestination;
    } else {
      logGroupName = input.logGroupName!;
      if (!/^[\w#./-]{1,512}$/.test(logGroupName)) throw invalidParameterValue(`Value (${logGroupName}) for parameter LogGroupName is invalid.`);
      logDestination = `arn:aws:logs:${rs.region}:${rs.account}:log-group:${logGroupName}`;
    }
    if (input.destinationOptions !== undefined) throw flowLogOptionsNeedS3();
  } else {
    if (input.logGroupName !== undefined) throw flowLogGroupNeedsCloudWatch();
    if (input.deliverLogsPermissionArn !== undefined) throw flowLogPermissionNotForS3();
    if (input.logDestination === undefined) throw flowLogParamRequiredIf("LogDestination", "LogDestinationType", "s3");
    if (!S3_ARN.test(input.logDestination)) throw flowLogBadDestination(dt, input.logDestination, "an Amazon S3 bucket ARN (arn:aws:s3:::<bucket>[/<folder>])");
    logDestination = input.logDestination;
  }
  let destinationOptions: FlowLog["destinationOptions"];
  if (input.destinationOptions !== undefined) {
    const f = input.destinationOptions.FileFormat ?? "plain-text";
    if (f !== "plain-text" && f !== "parquet") throw invalidParameterValue(`Value (${f}) for parameter FileFormat is invalid. Valid values: plain-text, parquet`);
    destinationOptions = { fileFormat: f, hiveCompatiblePartitions: input.destinationOptions.HiveCompatiblePartitions ?? false, perHourPartition: input.destinationOptions.PerHourPartition ?? false };
  }
  const mai = input.maxAggregationInterval ?? 600;
  if (mai !== 60 && mai !== 600) throw flowLogBadAggregationInterval();
  const logFormat = input.logFormat ?? DEFAULT_LOG_FORMAT;
  const fields = parseLogFormat(logFormat);

  const ids = [...new Set(input.resourceIds)];
  for (const id of ids) checkResource(rs, rt, id);

  const out: string[] = [];
  const unsuccessful: Unsuccessful[] = [];
  for (const resourceId of ids) {
    const dup = [...rs.flowLogs.values()].some(
      (f) => f.resourceId === resourceId && f.logDestinationType === dt && f.logDestination === logDestination && flowLogLive(rs, f),
    );
    if (dup) {
      unsuccessful.push({ resourceId, error: flowLogAlreadyExists() });
      continue;
    }
    const fl: FlowLog = {
      id: world.ids.next("fl"),
      ownerId: rs.account,
      region: rs.region,
      tags: new Map(tags),
      resourceType: rt,
      resourceId,
      trafficType: tt,
      logDestinationType: dt,
      logDestination,
      logGroupName,
      deliverLogsPermissionArn: input.deliverLogsPermissionArn,
      logFormat,
      fields,
      maxAggregationInterval: mai,
      destinationOptions,
      clientToken: input.clientToken,
      createdAt: world.clock.now(),
    };
    rs.flowLogs.set(fl.id, fl);
    out.push(fl.id);
  }
  return { ids: out, unsuccessful };
}

/** Deletes flow logs; unknown ids are reported, the others deleted. */
export function deleteFlowLogs(rs: RegionState, ids: string[] | undefined): Unsuccessful[] {
  if (!ids || ids.length === 0) throw missingParameter("FlowLogId");
  const unsuccessful: Unsuccessful[] = [];
  for (const id of new Set(ids)) {
    const fl = rs.flowLogs.get(id);
    if (!fl || !flowLogLive(rs, fl)) unsuccessful.push({ resourceId: id, error: flowLogNotFound([id]) });
  }
  for (const id of ids) if (!unsuccessful.some((u) => u.resourceId === id)) rs.flowLogs.delete(id);
  return unsuccessful;
}

/** The live flow logs of a region, for DescribeFlowLogs. */
export function liveFlowLogs(rs: RegionState): FlowLog[] {
  return [...rs.flowLogs.values()].filter((f) => flowLogLive(rs, f));
}
