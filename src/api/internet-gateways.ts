/**
 * Internet gateway operations: Create/Attach/Detach/Delete/DescribeInternetGateways.
 *
 * Reference: EC2 API reference for each action; DescribeInternetGateways filters as documented there.
 * Fidelity notes: see domain/internet-gateways.ts.
 */
import type {
  AttachInternetGatewayRequest,
  CreateInternetGatewayRequest,
  CreateInternetGatewayResult,
  DeleteInternetGatewayRequest,
  DescribeInternetGatewaysRequest,
  DescribeInternetGatewaysResult,
  DetachInternetGatewayRequest,
  InternetGateway as InternetGatewayView,
} from "@aws-sdk/client-ec2";
import type { InternetGateway } from "../domain/types.js";
import type { Handler } from "./context.js";
import {
  attachInternetGateway,
  createInternetGateway,
  deleteInternetGateway,
  detachInternetGateway,
} from "../domain/internet-gateways.js";
import { applyFilters, paginate, selectByIds, type FilterSpec } from "../domain/describe.js";
import { tagsFromSpecifications } from "../domain/tags.js";
import { internetGatewayNotFound, internetGatewayMalformed } from "../domain/errors.js";

export function internetGatewayView(igw: InternetGateway): InternetGatewayView {
  return {
    // EC2 really answers "available" for an attached gateway, a value the SDK's enum type lacks.
    Attachments: igw.attachments.map((a) => ({ State: a.state as never, VpcId: a.vpcId })),
    InternetGatewayId: igw.id,
    OwnerId: igw.ownerId,
    // EC2 always returns an internet gateway's tagSet, empty or not.
    Tags: [...igw.tags].map(([Key, Value]) => ({ Key, Value })),
  };
}

const IGW_FILTERS: FilterSpec<InternetGateway> = {
  "attachment.state": (g) => g.attachments.map((a) => a.state),
  "attachment.vpc-id": (g) => g.attachments.map((a) => a.vpcId),
  "internet-gateway-id": (g) => g.id,
  "owner-id": (g) => g.ownerId,
};

const createInternetGatewayOp: Handler<CreateInternetGatewayRequest, CreateInternetGatewayResult> = ({ world, rs }, input) => {
  const tags = tagsFromSpecifications(input.TagSpecifications, "internet-gateway");
  return { InternetGateway: internetGatewayView(createInternetGateway(world, rs, tags)) };
};

const attachInternetGatewayOp: Handler<AttachInternetGatewayRequest, void> = ({ world, rs }, input) => {
  attachInternetGateway(world, rs, input.InternetGatewayId, input.VpcId);
};

const detachInternetGatewayOp: Handler<DetachInternetGatewayRequest, void> = ({ world, rs }, input) => {
  detachInternetGateway(world, rs, input.InternetGatewayId, input.VpcId);
};

const deleteInternetGatewayOp: Handler<DeleteInternetGatewayRequest, void> = ({ world, rs }, input) => {
  deleteInternetGateway(world, rs, input.InternetGatewayId);
};

const describeInternetGateways: Handler<DescribeInternetGatewaysRequest, DescribeInternetGatewaysResult> = ({ rs }, input) => {
  const selected = selectByIds(rs.internetGateways, input.InternetGatewayIds, internetGatewayNotFound, {
    prefix: "igw",
    error: internetGatewayMalformed,
  });
  const filtered = applyFilters(selected, input.Filters, IGW_FILTERS, (g) => g.tags);
  const page = paginate(filtered, input, [5, 1000], (g) => g.id);
  return { InternetGateways: page.items.map(internetGatewayView), NextToken: page.nextToken };
};

export const internetGatewayOperations = {
  CreateInternetGateway: createInternetGatewayOp,
  AttachInternetGateway: attachInternetGatewayOp,
  DetachInternetGateway: detachInternetGatewayOp,
  DeleteInternetGateway: deleteInternetGatewayOp,
  DescribeInternetGateways: describeInternetGateways,
};
