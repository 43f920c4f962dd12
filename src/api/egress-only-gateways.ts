/**
 * Egress-only internet gateways: Create/Describe/DeleteEgressOnlyInternetGateway(s).
 *
 * Reference: EC2 API reference for each action; DescribeEgressOnlyInternetGateways takes the tag
 * filters (`tag:<key>`, `tag-key`) and pages with MaxResults 5–255.
 * Fidelity notes: see domain/egress-only-gateways.ts.
 */
import type {
  CreateEgressOnlyInternetGatewayRequest,
  CreateEgressOnlyInternetGatewayResult,
  DeleteEgressOnlyInternetGatewayRequest,
  DeleteEgressOnlyInternetGatewayResult,
  DescribeEgressOnlyInternetGatewaysRequest,
  DescribeEgressOnlyInternetGatewaysResult,
  EgressOnlyInternetGateway as EgressOnlyInternetGatewayView,
} from "@aws-sdk/client-ec2";
import type { EgressOnlyInternetGateway } from "../domain/types.js";
import type { Handler } from "./context.js";
import { applyFilters, paginate, selectByIds, type FilterSpec } from "../domain/describe.js";
import { tagsFromSpecifications } from "../domain/tags.js";
import { egressOnlyInternetGatewayMalformed, egressOnlyInternetGatewayNotFound } from "../domain/errors.js";
import { createEgressOnlyGateway, deleteEgressOnlyGateway } from "../domain/egress-only-gateways.js";

function view(g: EgressOnlyInternetGateway): EgressOnlyInternetGatewayView {
  return {
    Attachments: g.attachments.map((a) => ({ State: a.state, VpcId: a.vpcId })),
    EgressOnlyInternetGatewayId: g.id,
    Tags: [...g.tags].map(([Key, Value]) => ({ Key, Value })),
  };
}

// AWS documents only the tag filters for this call (applyFilters handles those itself).
const FILTERS: FilterSpec<EgressOnlyInternetGateway> = {};

const createOp: Handler<CreateEgressOnlyInternetGatewayRequest, CreateEgressOnlyInternetGatewayResult> = ({ world, rs }, input) => {
  const tags = tagsFromSpecifications(input.TagSpecifications, "egress-only-internet-gateway");
  const g = createEgressOnlyGateway(world, rs, input.VpcId, input.ClientToken, tags);
  return { ClientToken: input.ClientToken, EgressOnlyInternetGateway: view(g) };
};

const describeOp: Handler<DescribeEgressOnlyInternetGatewaysRequest, DescribeEgressOnlyInternetGatewaysResult> = ({ rs }, input) => {
  const selected = selectByIds(rs.egressOnlyInternetGateways, input.EgressOnlyInternetGatewayIds, egressOnlyInternetGatewayNotFound, {
    prefix: "eigw",
    error: egressOnlyInternetGatewayMalformed,
  });
  const page = paginate(applyFilters(selected, input.Filters, FILTERS, (g) => g.tags), input, [5, 255], (g) => g.id);
  return { EgressOnlyInternetGateways: page.items.map(view), NextToken: page.nextToken };
};

const deleteOp: Handler<DeleteEgressOnlyInternetGatewayRequest, DeleteEgressOnlyInternetGatewayResult> = ({ rs }, input) => {
  deleteEgressOnlyGateway(rs, input.EgressOnlyInternetGatewayId);
  return { ReturnCode: true };
};

export const egressOnlyGatewayOperations = {
  CreateEgressOnlyInternetGateway: createOp,
  DescribeEgressOnlyInternetGateways: describeOp,
  DeleteEgressOnlyInternetGateway: deleteOp,
};
