/**
 * STS GetCallerIdentity: the AWS CLI (`aws sts get-caller-identity`) and Terraform's AWS provider call
 * it before anything else.
 *
 * Reference: STS API GetCallerIdentity. Fidelity notes: the caller is always the account's root user
 * (`arn:aws:iam::<account>:root`); IAM users and roles are not modelled.
 */
import type { GetCallerIdentityRequest, GetCallerIdentityResponse } from "@aws-sdk/client-sts";
import type { DispatchHandler, Handler } from "./context.js";

const getCallerIdentity: Handler<GetCallerIdentityRequest, GetCallerIdentityResponse> = ({ account }) => ({
  UserId: account,
  Account: account,
  Arn: `arn:aws:iam::${account}:root`,
});

export const stsOperationTable: Readonly<Record<string, DispatchHandler>> = {
  GetCallerIdentity: getCallerIdentity,
};
