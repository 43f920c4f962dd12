/**
 * The engine's admin JSON routes under `/_vpclab/`: `POST /ping`, `POST /trace`, `POST /connect`,
 * `POST /analyze`. The CLI (`vpclab ping|trace|connect|why`) is a client of these.
 *
 * Bodies: `{from, to, account?, region?, toAccount?, toRegion?, seed?}` plus
 *   ping: `count?, size? (payload bytes), intervalMs?, df?`;
 *   connect: `protocol? ("tcp"|"udp", default tcp), port`;
 *   trace: `protocol?, port?`;
 *   analyze: `protocol?, port?, sourcePort?, size? (IP bytes), df?, explain?` (`source`/`destination` are
 *   accepted as synonyms of `from`/`to`).
 * `GET /flow-logs?flowLogId=&eni=&vpc=&subnet=&account=&region=&since=&limit=`: the flow log records the
 * simulated sends made (flow-records.ts), oldest first, and `last`, the newest record's sequence number
 * (pass it back as `since` to follow).
 * `from`/`to` take an instance id, an ENI id, a Name tag or an IP (`from` also `internet`, a public IP
 * outside the lab's VPCs, or an internet gateway id: a host on the Internet); they resolve within `account`
 * (default 000000000000), in every region unless `region` (`toRegion` for `to`) is given.
 * Bad input → 4xx `{error: {code, message}}` (EC2-style codes from the engine's Ec2Errors). Strings are
 * at most 256 characters; ping's count (1–100,000), size and interval, ports and packet sizes are
 * range-checked by the engine before anything runs.
 *
 * Errors are thrown as `Ec2Error` (the admin server answers them as 4xx JSON) rather than AdminError, so
 * this module needs no runtime import of server/admin.ts, which imports it (no import cycle).
 *
 * Fidelity notes: ping answers at once with the figures the pings would have; pacing in real time is
 * the CLI's job.
 */
import type { AdminRoutes } from "../server/admin.js";
import { missingEndpoint, badAdminField, connectNeedsTcpOrUdp, missingParameter, invalidParameterValue } from "../domain/errors.js";
import { DEFAULT_ACCOUNT } from "../state/world.js";
import { engineOf, type Ends } from "./index.js";
import { queryFlowRecords } from "./flow-records.js";

/**
 * The longest name or address an end may be given as: a Name tag value is at most 256 characters, and
 * longer strings are refused before any lookup rather than echoed back in a not-found message.
 */
const MAX_STRING = 256;

function bounded(name: string, v: string): string {
  if (v.length > MAX_STRING) {
    throw invalidParameterValue(`${name} is too long (${v.length} characters): at most ${MAX_STRING}`);
  }
  return v;
}

function str(body: Record<string, unknown>, name: string, alias?: string): string {
  const v = body[name] ?? (alias !== undefined ? body[alias] : undefined);
  if (typeof v !== "string" || v.trim() === "") {
    throw missingEndpoint(name);
  }
  return bounded(name, v.trim());
}

function optStr(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string" || v === "") throw badAdminField(name, "a non-empty string");
  return bounded(name, v);
}

function optNum(body: Record<string, unknown>, name: string): number | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) throw badAdminField(name, "a number");
  return v;
}

/** The jitter seed: an integer a 32-bit generator can take whole. */
function optSeed(body: Record<string, unknown>): number | undefined {
  const v = optNum(body, "seed");
  if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > 0xffffffff)) {
    throw badAdminField("seed", "an integer from 0 to 4294967295");
  }
  return v;
}

function optBool(body: Record<string, unknown>, name: string): boolean | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw badAdminField(name, "true or false");
  return v;
}

function ends(body: Record<string, unknown>): Ends {
  const account = optStr(body, "account") ?? DEFAULT_ACCOUNT;
  if (!/^\d{12}$/.test(account)) throw badAdminField("account", "a 12-digit account id");
  return {
    from: str(body, "from", "source"),
    to: str(body, "to", "destination"),
    account,
    region: optStr(body, "region"),
    toAccount: optStr(body, "toAccount"),
    toRegion: optStr(body, "toRegion"),
    seed: optSeed(body),
  };
}

function protocolOf(body: Record<string, unknown>): "icmp" | "tcp" | "udp" | undefined {
  const p = optStr(body, "protocol");
  if (p === undefined) return undefined;
  const v = p.toLowerCase();
  if (v !== "icmp" && v !== "tcp" && v !== "udp") throw badAdminField("protocol", "icmp, tcp or udp");
  return v;
}

function queryInt(query: URLSearchParams, name: string, max: number): number | undefined {
  const v = query.get(name);
  if (v === null || v === "") return undefined;
  if (!/^\d{1,16}$/.test(v) || Number(v) > max) throw badAdminField(name, `an integer from 0 to ${max}`);
  return Number(v);
}

function queryStr(query: URLSearchParams, name: string): string | undefined {
  const v = query.get(name);
  if (v === null || v === "") return undefined;
  return bounded(name, v);
}

export const engineRoutes: AdminRoutes = {
  "GET /flow-logs": ({ world }, { query }) => {
    return queryFlowRecords(world, {
      account: queryStr(query, "account"),
      region: queryStr(query, "region"),
      flowLogId: queryStr(query, "flowLogId"),
      eni: queryStr(query, "eni"),
      vpc: queryStr(query, "vpc"),
      subnet: queryStr(query, "subnet"),
      since: queryInt(query, "since", Number.MAX_SAFE_INTEGER),
      limit: queryInt(query, "limit", 1_000_000),
    });
  },


  "POST /ping": ({ world }, { body }) =>
    engineOf(world).ping({
      ...ends(body),
      count: optNum(body, "count"),
      size: optNum(body, "size"),
      intervalMs: optNum(body, "intervalMs"),
      df: optBool(body, "df"),
    }),

  "POST /connect": ({ world }, { body }) => {
    const protocol = protocolOf(body);
    if (protocol === "icmp") throw connectNeedsTcpOrUdp();
    const port = optNum(body, "port");
    if (port === undefined) throw missingParameter("port");
    return engineOf(world).connect({ ...ends(body), protocol, port });
  },

  "POST /trace": ({ world }, { body }) => engineOf(world).trace({ ...ends(body), protocol: protocolOf(body), port: optNum(body, "port") }),

  "POST /analyze": ({ world }, { body }) => {
    const e = ends(body);
    const a = engineOf(world).analyze({
      source: e.from,
      destination: e.to,
      account: e.account,
      region: e.region,
      destinationAccount: e.toAccount,
      destinationRegion: e.toRegion,
      protocol: protocolOf(body),
      port: optNum(body, "port"),
      sourcePort: optNum(body, "sourcePort"),
      size: optNum(body, "size"),
      df: optBool(body, "df"),
      explain: optBool(body, "explain"),
    });
    const { segments: _segments, ...rest } = a;
    return rest;
  },
};
