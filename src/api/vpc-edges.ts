/**
 * CreateDefaultSubnet and ModifyVpcTenancy. Reference and fidelity notes: see domain/vpc-edges.ts.
 */
import type {
  CreateDefaultSubnetRequest,
  CreateDefaultSubnetResult,
  ModifyVpcTenancyRequest,
  ModifyVpcTenancyResult,
} from "@aws-sdk/client-ec2";
import type { Handler } from "./context.js";
import { createDefaultSubnet, modifyVpcTenancy } from "../domain/vpc-edges.js";
import { subnetView } from "./subnets.js";

const createDefaultSubnetOp: Handler<CreateDefaultSubnetRequest, CreateDefaultSubnetResult> = (ctx, input) => ({
  Subnet: subnetView(ctx.rs, createDefaultSubnet(ctx.world, ctx.rs, input.AvailabilityZone, input.AvailabilityZoneId, input.Ipv6Native)),
});

const modifyVpcTenancyOp: Handler<ModifyVpcTenancyRequest, ModifyVpcTenancyResult> = ({ rs }, input) => {
  modifyVpcTenancy(rs, input.VpcId, input.InstanceTenancy);
  return { ReturnValue: true };
};

export const vpcEdgeOperations = {
  CreateDefaultSubnet: createDefaultSubnetOp,
  ModifyVpcTenancy: modifyVpcTenancyOp,
};
