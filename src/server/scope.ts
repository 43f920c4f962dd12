/**
 * Who is calling, and where: the region and service from the SigV4 credential scope (the
 * `Authorization` header, or `X-Amz-Credential` in a presigned query), the account from the access key.
 *
 * Reference: AWS Signature Version 4 (credential scope `<key>/<date>/<region>/<service>/aws4_request`).
 * Fidelity notes: signatures are checked only with `--verify-signatures` (sigv4.ts), before the scope is
 * read. A 12-digit access key id *is* the account; any other key
 * (or none) is the default account 000000000000. A request without a scope is in us-east-1.
 */
import { DEFAULT_ACCOUNT, DEFAULT_REGION } from "../state/world.js";

export interface Scope {
  account: string;
  region: string;
  /** The signing service name (`ec2`, `sts`), when the request is signed. */
  service?: string;
}

const CREDENTIAL = /Credential=([^/,\s]+)\/[^/]+\/([^/]+)\/([^/]+)\/aws4_request/;

export function scopeOf(authorization: string | undefined, query: URLSearchParams): Scope {
  let key: string | undefined;
  let region: string | undefined;
  let service: string | undefined;
  const m = authorization ? CREDENTIAL.exec(authorization) : null;
  if (m) {
    [, key, region, service] = m;
  } else {
    const cred = query.get("X-Amz-Credential");
    const parts = cred?.split("/");
    if (parts && parts.length >= 5) [key, , region, service] = parts;
  }
  return {
    account: key && /^\d{12}$/.test(key) ? key : DEFAULT_ACCOUNT,
    region: region ?? DEFAULT_REGION,
    service,
  };
}
