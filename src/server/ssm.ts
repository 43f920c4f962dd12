/**
 * The SSM endpoint's JSON protocol (awsJson1_1: `X-Amz-Target: AmazonSSM.<Operation>`, JSON body) for
 * the public AMI parameters: GetParameter and GetParameters (domain/ssm-parameters.ts).
 *
 * Reference: SSM API GetParameter / GetParameters; the awsJson1_1 protocol (errors as
 * `{"__type": "<Code>", "message": "…"}` with HTTP 400; timestamps as epoch seconds).
 *
 * Fidelity notes: any other SSM operation answers `NotImplemented` (HTTP 501) naming it, as vpclab's
 * EC2 endpoint does. The message of ParameterNotFound is vpclab's wording (AWS's is often empty).
 */
import type { ServerResponse } from "node:http";
import type { World } from "../state/world.js";
import { publicParameter } from "../domain/ssm-parameters.js";

class SsmError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const view = (p: NonNullable<ReturnType<typeof publicParameter>>) => ({
  Name: p.name,
  Type: "String",
  Value: p.value,
  Version: 1,
  LastModifiedDate: p.lastModified / 1000,
  ARN: p.arn,
  DataType: "aws:ec2:image",
});

type Op = (region: string, input: Record<string, unknown>) => unknown;

const OPERATIONS: Record<string, Op> = {
  GetParameter: (region, input) => {
    const name = input.Name;
    if (typeof name !== "string" || name === "") throw new SsmError("ValidationException", "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null");
    const p = publicParameter(region, name);
    if (!p) throw new SsmError("ParameterNotFound", `Parameter ${name} not found.`);
    return { Parameter: view(p) };
  },
  GetParameters: (region, input) => {
    const names = input.Names;
    if (!Array.isArray(names) || names.length === 0) {
      throw new SsmError("ValidationException", "1 validation error detected: Value null at 'names' failed to satisfy constraint: Member must not be null");
    }
    if (names.length > 10) throw new SsmError("ValidationException", `1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length less than or equal to 10`);
    const found = [];
    const invalid = [];
    for (const n of new Set(names.map(String))) {
      const p = publicParameter(region, n);
      if (p) found.push(view(p));
      else invalid.push(n);
    }
    return { Parameters: found, InvalidParameters: invalid };
  },
};

/** Answers one SSM request; returns the operation name and status for the request log. */
export function handleSsm(world: World, target: string, body: string, region: string, res: ServerResponse): { action: string; status: number; errorCode?: string; requestId: string } {
  const action = target.slice("AmazonSSM.".length);
  const requestId = world.ids.requestId();
  const send = (status: number, value: unknown) => {
    res.writeHead(status, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": requestId });
    res.end(JSON.stringify(value));
  };
  try {
    const op = OPERATIONS[action];
    if (!op) throw new SsmError("NotImplemented", `The action ${action} is a valid SSM action but vpclab does not implement it.`, 501);
    let input: unknown = {};
    if (body.trim() !== "") {
      try {
        input = JSON.parse(body);
      } catch {
        throw new SsmError("SerializationException", "The request body is not valid JSON.");
      }
    }
    if (typeof input !== "object" || input === null) throw new SsmError("SerializationException", "The request body must be a JSON object.");
    send(200, op(region, input as Record<string, unknown>));
    return { action, status: 200, requestId };
  } catch (err) {
    const e = err instanceof SsmError ? err : new SsmError("InternalServerError", "vpclab could not handle the request.", 500);
    send(e.status, { __type: e.code, message: e.message });
    return { action, status: e.status, errorCode: e.code, requestId };
  }
}
