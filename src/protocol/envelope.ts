/**
 * Response envelopes of the two Query dialects vpclab speaks: EC2's (`<XResponse xmlns=…><requestId/>…`)
 * and STS's awsQuery (`<XResponse><XResult>…</XResult><ResponseMetadata><RequestId/>…`), and EC2's
 * error envelope, which the SDKs and the AWS CLI parse for both.
 *
 * Reference: EC2 API "Query API responses" and "Error responses"; Smithy awsQuery protocol.
 *
 * Fidelity notes: an error message longer than 1,024 characters is cut there (EC2 echoes whole values).
 */
import type { QueryCodec } from "./query-codec.js";
import { clip, escapeXml } from "./query-codec.js";

/** Longest error message sent: messages quote request values, and a request may be a megabyte. */
export const MAX_ERROR_MESSAGE = 1024;

export type Dialect = "ec2" | "awsQuery";

export function successXml(
  dialect: Dialect,
  codec: QueryCodec,
  xmlns: string,
  action: string,
  outputShape: string | null,
  output: unknown,
  requestId: string,
): string {
  const body =
    outputShape === null ? "<return>true</return>" : codec.encodeMembers(outputShape, (output ?? {}) as Record<string, unknown>);
  if (dialect === "ec2") {
    return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${xmlns}"><requestId>${requestId}</requestId>${body}</${action}Response>`;
  }
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${xmlns}"><${action}Result>${body}</${action}Result>` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`
  );
}

export function errorXml(code: string, message: string, requestId: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(code)}</Code>` +
    `<Message>${escapeXml(clip(message, MAX_ERROR_MESSAGE))}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`
  );
}
