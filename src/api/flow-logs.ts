/**
 * VPC flow logs: CreateFlowLogs, DescribeFlowLogs, DeleteFlowLogs.
 *
 * Reference: EC2 API reference for each action. DescribeFlowLogs takes its filters as `Filter.N`
 * (not `Filters`): deliver-log-status, log-destination-type, flow-log-id, log-group-name, resource-id,
 * traffic-type, tag:<key>, tag-key; MaxResults 1–1000.
 * Fidelity notes: see domain/flow-logs.ts (the resources) and engine/flow-records.ts (the records).
 */
import type {
  CreateFlowLogsRequest,
  CreateFlowLogsResult,
  DeleteFlowLogsRequest,
  DeleteFlowLogsResult,
  DescribeFlowLogsRequest,
  DescribeFlowLogsResult,
  FlowLog as FlowLogView,
  UnsuccessfulItem,
} from "@aws-sdk/client-ec2";
import type { Handler } from "./context.js";
import { applyFilters, paginate, type FilterSpec } from "../domain/describe.js";
import { tagsFromSpecifications } from "../domain/tags.js";
import { flowLogNotFound } from "../domain/errors.js";
import { createFlowLogs, deleteFlowLogs, liveFlowLogs, type FlowLog, type Unsuccessful } from "../domain/flow-logs.js";

function view(f: FlowLog): FlowLogView {
  return {
    CreationTime: new Date(f.createdAt),
    DeliverLogsPermissionArn: f.deliverLogsPermissionArn,
    DeliverLogsStatus: "SUCCESS",
    FlowLogId: f.id,
    FlowLogStatus: "ACTIVE",
    LogGroupName: f.logGroupName,
    ResourceId: f.resourceId,
    TrafficType: f.trafficType,
    LogDestinationType: f.logDestinationType,
    LogDestination: f.logDestination,
    LogFormat: f.logFormat,
    Tags: [...f.tags].map(([Key, Value]) => ({ Key, Value })),
    MaxAggregationInterval: f.maxAggregationInterval,
    DestinationOptions: f.destinationOptions && {
      FileFormat: f.destinationOptions.fileFormat,
      HiveCompatiblePartitions: f.destinationOptions.hiveCompatiblePartitions,
      PerHourPartition: f.destinationOptions.perHourPartition,
    },
  };
}

function unsuccessful(list: Unsuccessful[]): UnsuccessfulItem[] {
  return list.map((u) => ({ ResourceId: u.resourceId, Error: { Code: u.error.code, Message: u.error.message } }));
}

const FILTERS: FilterSpec<FlowLog> = {
  "deliver-log-status": () => "SUCCESS",
  "log-destination-type": (f) => f.logDestinationType,
  "flow-log-id": (f) => f.id,
  "log-group-name": (f) => f.logGroupName,
  "resource-id": (f) => f.resourceId,
  "traffic-type": (f) => f.trafficType,
};

const createOp: Handler<CreateFlowLogsRequest, CreateFlowLogsResult> = ({ world, rs }, input) => {
  const tags = tagsFromSpecifications(input.TagSpecifications, "vpc-flow-log");
  const r = createFlowLogs(
    world,
    rs,
    {
      resourceIds: input.ResourceIds,
      resourceType: input.ResourceType,
      trafficType: input.TrafficType,
      logDestinationType: input.LogDestinationType,
      logDestination: input.LogDestination,
      logGroupName: input.LogGroupName,
      deliverLogsPermissionArn: input.DeliverLogsPermissionArn,
      deliverCrossAccountRole: input.DeliverCrossAccountRole,
      logFormat: input.LogFormat,
      maxAggregationInterval: input.MaxAggregationInterval,
      destinationOptions: input.DestinationOptions,
      clientToken: input.ClientToken,
    },
    tags,
  );
  return { ClientToken: input.ClientToken, FlowLogIds: r.ids, Unsuccessful: unsuccessful(r.unsuccessful) };
};

const describeOp: Handler<DescribeFlowLogsRequest, DescribeFlowLogsResult> = ({ rs }, input) => {
  let list = liveFlowLogs(rs);
  if (input.FlowLogIds && input.FlowLogIds.length > 0) {
    const want = new Set(input.FlowLogIds);
    const missing = [...want].filter((id) => !list.some((f) => f.id === id));
    if (missing.length > 0) throw flowLogNotFound(missing);
    list = list.filter((f) => want.has(f.id));
  }
  const page = paginate(applyFilters(list, input.Filter, FILTERS, (f) => f.tags), input, [1, 1000], (f) => f.id);
  return { FlowLogs: page.items.map(view), NextToken: page.nextToken };
};

const deleteOp: Handler<DeleteFlowLogsRequest, DeleteFlowLogsResult> = ({ rs }, input) => ({
  Unsuccessful: unsuccessful(deleteFlowLogs(rs, input.FlowLogIds)),
});

export const flowLogOperations = {
  CreateFlowLogs: createOp,
  DescribeFlowLogs: describeOp,
  DeleteFlowLogs: deleteOp,
};
