/**
 * `vpclab audit --expect FILE`: network assertions a team keeps in CI, in the issue's shared format:
 * ```yaml
 * - name: prod cannot reach dev
 *   from: tag:env=prod   # instance id, ENI id, IP, Name tag, tag:KEY=VALUE, subnet-…, vpc-…, or internet
 *   to: tag:env=dev
 *   protocol: tcp        # tcp | udp | icmp | any (default any)
 *   port: 22             # optional; a range as 1024-65535
 *   expect: unreachable  # reachable | unreachable
 * ```
 * Group selectors (tag:, subnet-, vpc-) stand for every interface of a running instance they select;
 * `reachable` needs every (from, to) pair to get through, `unreachable` needs none to. A failure names
 * the offending pair and, for `reachable`, the first blocker with its fix, for `unreachable`, the ids
 * along the path that lets the traffic through.
 *
 * Fidelity notes: a port range, and a missing port, are probed at chosen ports, not every port: the
 * range's ends, plus the first port of every rule range of the destination's security groups that
 * falls inside it (22 and 443 when no port is given). That is exact for security-group decisions,
 * and can miss a NACL entry that differs in the middle of a range. `internet` as `to` is 203.0.113.10.
 */
import { fixCommand } from "../engine/fix-command.js";
import { parse } from "yaml";
import type { World, RegionState } from "../state/world.js";
import { engineOf } from "../engine/index.js";
import type { Analysis } from "../engine/analyze.js";

export interface Assertion {
  name: string;
  from: string;
  to: string;
  protocol: "tcp" | "udp" | "icmp" | "any";
  port?: { from: number; to: number };
  expect: "reachable" | "unreachable";
}

export interface AssertionResult {
  name: string;
  passed: boolean;
  /** Pairs × protocols × ports asked. */
  checked: number;
  /** Why it failed: the offending path. */
  detail?: string[];
  /** For a failed `reachable`: the first blocker's remedy as EC2 API calls (engine/fix-command.ts), when the engine gives one. */
  fixes?: import("../engine/fix-command.js").Fix[];
}

export class ExpectFileError extends Error {}

const INTERNET_DST = "203.0.113.10";

export function parseExpectations(text: string): Assertion[] {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new ExpectFileError(`not YAML: ${(err as Error).message}`);
  }
  if (!Array.isArray(doc)) throw new ExpectFileError("the file must be a YAML list of assertions (- name: …, from: …, to: …, expect: …)");
  return doc.map((raw: unknown, i: number) => {
    const at = `assertion ${i + 1}`;
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new ExpectFileError(`${at}: must be a mapping`);
    const a = raw as Record<string, unknown>;
    for (const k of Object.keys(a)) if (!["name", "from", "to", "protocol", "port", "expect"].includes(k)) throw new ExpectFileError(`${at}: unknown key ${JSON.stringify(k)}`);
    for (const k of ["from", "to"]) if (typeof a[k] !== "string" || (a[k] as string).trim() === "") throw new ExpectFileError(`${at}: \`${k}\` must be a selector (instance id, ENI id, IP, Name tag, tag:KEY=VALUE, subnet-…, vpc-… or internet)`);
    const protocol = String(a.protocol ?? "any").toLowerCase();
    if (!["tcp", "udp", "icmp", "any"].includes(protocol)) throw new ExpectFileError(`${at}: protocol must be tcp, udp, icmp or any`);
    if (a.expect !== "reachable" && a.expect !== "unreachable") throw new ExpectFileError(`${at}: expect must be reachable or unreachable`);
    let port: Assertion["port"];
    if (a.port !== undefined) {
      const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(String(a.port).trim());
      const lo = m ? Number(m[1]) : NaN;
      const hi = m ? Number(m[2] ?? m[1]) : NaN;
      if (!m || lo > hi || hi > 65535) throw new ExpectFileError(`${at}: port must be a port (22) or a range (1024-65535)`);
      if (protocol === "icmp") throw new ExpectFileError(`${at}: icmp has no ports`);
      port = { from: lo, to: hi };
    }
    return { name: typeof a.name === "string" ? a.name : `${a.from} → ${a.to}`, from: (a.from as string).trim(), to: (a.to as string).trim(), protocol: protocol as Assertion["protocol"], port, expect: a.expect };
  });
}

/** An end of a question: an interface (by id, in its account and region), a name the engine resolves, or the Internet. */
interface End {
  text: string;
  account?: string;
  region?: string;
  rs?: RegionState;
  eniId?: string;
  internet?: boolean;
}

function regionsOf(world: World): RegionState[] {
  const out: RegionState[] = [];
  for (const [, rmap] of world.parts().accounts) out.push(...rmap.values());
  return out;
}

function select(world: World, sel: string): End[] {
  if (sel.toLowerCase() === "internet") return [{ text: "internet", internet: true }];
  const group = (pred: (rs: RegionState, eniId: string) => boolean): End[] => {
    const out: End[] = [];
    for (const rs of regionsOf(world)) {
      for (const eni of rs.networkInterfaces.values()) {
        const inst = eni.attachment ? rs.instances.get(eni.attachment.instanceId) : undefined;
        if (!inst || inst.state !== "running") continue;
        if (pred(rs, eni.id)) out.push({ text: `${inst.id}${inst.tags.get("Name") ? ` (${inst.tags.get("Name")})` : ""} ${eni.id}`, account: rs.account, region: rs.region, rs, eniId: eni.id });
      }
    }
    return out;
  };
  const tag = /^tag:([^=]+)=(.*)$/.exec(sel);
  if (tag) {
    const [, k, v] = tag;
    return group((rs, id) => {
      const eni = rs.networkInterfaces.get(id)!;
      return rs.instances.get(eni.attachment!.instanceId)!.tags.get(k!) === v || eni.tags.get(k!) === v;
    });
  }
  if (sel.startsWith("subnet-")) return group((rs, id) => rs.networkInterfaces.get(id)!.subnetId === sel);
  if (sel.startsWith("vpc-")) return group((rs, id) => rs.networkInterfaces.get(id)!.vpcId === sel);
  // An instance id, ENI id, IP or Name tag: the engine resolves it, in the account that holds it.
  for (const rs of regionsOf(world)) {
    for (const inst of rs.instances.values()) {
      if (inst.state === "running" && (inst.id === sel || inst.tags.get("Name") === sel)) return [{ text: sel, account: rs.account, region: rs.region, rs, eniId: inst.primaryEniId }];
    }
    for (const eni of rs.networkInterfaces.values()) {
      if (eni.id === sel || eni.privateIps.some((p) => p.address === sel)) return [{ text: sel, account: rs.account, region: rs.region, rs, eniId: eni.id }];
    }
  }
  return [{ text: sel }];
}

/** The ports to probe for one destination: see the header's fidelity note. */
function portsFor(dst: End, protocol: "tcp" | "udp", range: Assertion["port"]): number[] {
  const lo = range?.from ?? 0;
  const hi = range?.to ?? 65535;
  const ports = new Set<number>(range ? [lo, hi] : [22, 443]);
  const eni = dst.rs && dst.eniId ? dst.rs.networkInterfaces.get(dst.eniId) : undefined;
  for (const gid of eni?.securityGroupIds ?? []) {
    for (const r of dst.rs!.securityGroups.get(gid)?.rules ?? []) {
      if (r.isEgress) continue;
      if (r.ipProtocol === "-1") ports.add(Math.max(lo, Math.min(hi, 22)));
      else if (r.ipProtocol === protocol || r.ipProtocol === (protocol === "tcp" ? "6" : "17")) {
        if (r.toPort >= lo && r.fromPort <= hi) ports.add(Math.max(lo, r.fromPort));
      }
    }
  }
  return [...ports].sort((a, b) => a - b);
}

function pathIds(a: Analysis): string {
  return a.forward.map((h) => h.id).join(" → ");
}

export function checkExpectations(world: World, assertions: Assertion[]): AssertionResult[] {
  const engine = engineOf(world);
  return assertions.map((as) => {
    const froms = select(world, as.from);
    const tos = select(world, as.to);
    if (froms.length === 0 || tos.length === 0) {
      return { name: as.name, passed: false, checked: 0, detail: [`${froms.length === 0 ? `from: ${as.from}` : `to: ${as.to}`} selects no interface of a running instance`] };
    }
    let checked = 0;
    const protocols: ("tcp" | "udp" | "icmp")[] = as.protocol === "any" ? ["tcp", "udp", "icmp"] : [as.protocol];
    for (const f of froms) {
      for (const t of tos) {
        if (f.eniId && f.eniId === t.eniId) continue;
        for (const protocol of protocols) {
          const ports = protocol === "icmp" ? [undefined] : portsFor(t, protocol, as.port);
          for (const port of ports) {
            checked++;
            let a: Analysis;
            try {
              a = engine.analyze({
                source: f.internet ? "internet" : (f.eniId ?? f.text),
                destination: t.internet ? INTERNET_DST : (t.eniId ?? t.text),
                account: f.account ?? t.account,
                region: f.region,
                destinationAccount: t.account ?? f.account,
                destinationRegion: t.region,
                protocol,
                port,
              });
            } catch (err) {
              return { name: as.name, passed: false, checked, detail: [`${f.text} → ${t.text}: ${(err as Error).message}`] };
            }
            const what = `${f.text} → ${t.text} ${protocol}${port !== undefined ? `:${port}` : ""}`;
            if (as.expect === "reachable" && a.verdict !== "reachable") {
              const e = a.explanations.find((x) => x.onPath) ?? a.explanations[0];
              return {
                name: as.name,
                passed: false,
                checked,
                detail: [`${what} is blocked`, ...(e ? [`  ${e.code}: ${e.reason}`, `  fix: ${e.fix}`, ...(e.fixes ?? []).map((x) => `  run: ${fixCommand(x)}`)] : [])],
                ...(e?.fixes ? { fixes: e.fixes } : {}),
              };
            }
            if (as.expect === "unreachable" && a.verdict === "reachable") {
              return { name: as.name, passed: false, checked, detail: [`${what} gets through`, `  path: ${pathIds(a)}`] };
            }
          }
        }
      }
    }
    return { name: as.name, passed: true, checked };
  });
}
