/**
 * The console's only way to vpclab: EC2 Query requests (form POSTs to `/`, XML answers read with the
 * browser's DOMParser) and the admin JSON API under `/_vpclab/`, both on the page's own origin.
 *
 * Requests are not signed. vpclab takes the region from the SigV4 credential scope and the account
 * from the access key id, so each request carries an `Authorization` header whose scope is right and
 * whose signature is a placeholder. A vpclab started with `--verify-signatures` refuses them
 * (`SignatureDoesNotMatch`): a page has no business holding a secret key, so the console cannot sign.
 *
 * Fidelity notes: the AWS console signs with the user's session; this one cannot (above).
 */

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export type Xml = string | Xml[] | { [k: string]: Xml };

/** EC2's XML as plain values: `<xSet><item>…` and lists of `<item>` become arrays, leaves strings. */
export function xmlToValue(el: Element): Xml {
  const kids = Array.from(el.children);
  if (kids.length === 0) return /Set$/.test(el.tagName) ? [] : (el.textContent ?? "");
  if (kids.every((k) => k.tagName === "item" || k.tagName === "member")) return kids.map(xmlToValue);
  const o: Record<string, Xml> = {};
  for (const k of kids) o[k.tagName] = xmlToValue(k);
  return o;
}

/** The list under `v` whatever it is (missing or empty-string sets become []). */
export function list(v: unknown): any[] {
  return Array.isArray(v) ? v : [];
}

/** A resource's Name tag. */
export function nameOf(r: any): string {
  return list(r?.tagSet).find((t: any) => t.key === "Name")?.value ?? "";
}

/** Flattens `{Filter: [{Name, Value: [..]}]}` into EC2 Query form (`Filter.1.Name`, `Filter.1.Value.1`). */
export function flatten(params: Record<string, unknown>, prefix = "", out = new URLSearchParams()): URLSearchParams {
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === "") continue;
    const name = prefix ? `${prefix}.${k}` : k;
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        if (item !== null && typeof item === "object") flatten(item as Record<string, unknown>, `${name}.${i + 1}`, out);
        else out.append(`${name}.${i + 1}`, String(item));
      });
    } else if (typeof v === "object") flatten(v as Record<string, unknown>, name, out);
    else out.append(name, String(v));
  }
  return out;
}

export interface Session {
  account: string;
  region: string;
}

/** What the event stream last said: the "account/region" states that exist on the server. */
export const live = { regions: [] as string[], ready: false };

export const session: Session = {
  account: localStorage.getItem("vpclab.account") ?? "000000000000",
  region: localStorage.getItem("vpclab.region") ?? "us-east-1",
};

function amzDate(): string {
  return new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+/, "");
}

/** One EC2 API call in `region` (default: the selected one) as the selected account. */
export async function ec2(action: string, params: Record<string, unknown> = {}, region = session.region): Promise<any> {
  const body = flatten({ Action: action, Version: "2016-11-15", ...params });
  const date = amzDate();
  const res = await fetch("/", {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded; charset=utf-8",
      "x-amz-date": date,
      authorization: `AWS4-HMAC-SHA256 Credential=${session.account}/${date.slice(0, 8)}/${region}/ec2/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=${"0".repeat(64)}`,
    },
    body,
  });
  const text = await res.text();
  const doc = new DOMParser().parseFromString(text, "application/xml");
  const root = doc.documentElement;
  if (!res.ok || root.tagName === "Response") {
    const code = root.querySelector("Error > Code")?.textContent ?? `HTTP${res.status}`;
    const message = root.querySelector("Error > Message")?.textContent ?? text.slice(0, 300);
    throw new ApiError(code, message, res.status);
  }
  return xmlToValue(root);
}

/** Describe* until there is no NextToken. */
export async function describeAll(action: string, setName: string, params: Record<string, unknown> = {}, region = session.region): Promise<any[]> {
  const out: any[] = [];
  let token: string | undefined;
  do {
    const r = await ec2(action, { ...params, NextToken: token }, region);
    out.push(...list(r[setName]));
    token = typeof r.nextToken === "string" && r.nextToken !== "" ? r.nextToken : undefined;
  } while (token);
  return out;
}

const TOKEN_KEY = "vpclab.adminToken";

/** One admin API call; a 401 asks for the admin token once and retries with it. */
export async function admin(method: "GET" | "POST", path: string, body?: unknown): Promise<any> {
  for (let attempt = 0; ; attempt++) {
    const headers: Record<string, string> = { "content-type": "application/json" };
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`/_vpclab${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const value = await res.json().catch(() => ({ error: { code: `HTTP${res.status}`, message: res.statusText } }));
    if (res.status === 401 && attempt === 0) {
      const t = window.prompt("This vpclab asks for its admin token (--admin-token). It is kept for this tab only.");
      if (t) {
        sessionStorage.setItem(TOKEN_KEY, t);
        continue;
      }
    }
    if (!res.ok) throw new ApiError(value?.error?.code ?? `HTTP${res.status}`, value?.error?.message ?? res.statusText, res.status);
    return value;
  }
}
