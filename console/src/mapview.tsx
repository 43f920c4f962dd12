/**
 * The Network map page: the live map, a details pane for the clicked element, "Can A reach B?" (the
 * admin API's /_vpclab/analyze) drawn hop by hop on the map with every blocker marked, and a live ping
 * panel (/_vpclab/ping, one probe a second, each reply shown as it comes).
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type cytoscape from "cytoscape";
import { admin, ec2, live, session, type ApiError } from "./api";
import { applicable, fixCommand, queryParams } from "./fix";
import { applyTopology, createMap, loadTopology, runLayout, type Topology } from "./map";
import { asApiError, CHANGE_EVENT, ErrorBanner, Field } from "./ui";

declare global {
  interface Window {
    vpclabMap?: cytoscape.Core;
  }
}

/** The regions the map shows: those of the selected account that exist on the server, and the selected one. */
function mapRegions(): string[] {
  const mine = live.regions.filter((t) => t.startsWith(`${session.account}/`)).map((t) => t.slice(session.account.length + 1));
  return [...new Set([...mine, session.region])].sort();
}

export function MapPage() {
  const box = useRef<HTMLDivElement>(null);
  const cyRef = useRef<cytoscape.Core | undefined>(undefined);
  const topoRef = useRef<Topology | undefined>(undefined);
  const [topo, setTopo] = useState<Topology>();
  const [error, setError] = useState<ApiError>();
  const [clicked, setClicked] = useState<Record<string, unknown>>();
  const [stats, setStats] = useState("");

  useEffect(() => {
    const cy = createMap(box.current!);
    cyRef.current = cy;
    window.vpclabMap = cy;
    cy.on("tap", "node, edge", (e) => setClicked({ id: e.target.id(), ...e.target.data() }));
    let running = false;
    let again = false;
    const refresh = async () => {
      // Until the event stream has said which regions exist, a load would draw (and lay out) one region, only to redo it all.
      if (!live.ready) return;
      if (running) return void (again = true);
      running = true;
      try {
        const t0 = performance.now();
        const t = await loadTopology(mapRegions());
        const t1 = performance.now();
        const laidOut = applyTopology(cy, t);
        const t2 = performance.now();
        topoRef.current = t;
        setTopo(t);
        setError(undefined);
        setStats(`${t.counts.regions} regions, ${t.counts.vpcs} VPCs, ${t.counts.subnets} subnets, ${t.counts.instances} instances, ${t.counts.peerings} peerings, ${t.counts.tgws} transit gateways · load ${Math.round(t1 - t0)} ms, draw${laidOut ? " + layout" : ""} ${Math.round(t2 - t1)} ms`);
        box.current?.setAttribute("data-generation", String(Date.now()));
      } catch (e) {
        setError(asApiError(e));
      } finally {
        running = false;
        if (again) {
          again = false;
          void refresh();
        }
      }
    };
    void refresh();
    window.addEventListener(CHANGE_EVENT, refresh);
    return () => {
      window.removeEventListener(CHANGE_EVENT, refresh);
      cy.destroy();
      window.vpclabMap = undefined;
    };
  }, []);

  return (
    <div class="map-page">
      <div class="map-main">
        <ErrorBanner error={error} />
        <div class="map-toolbar">
          <span id="map-stats">{stats || "Loading…"}</span>
          <button onClick={() => cyRef.current && runLayout(cyRef.current, false)}>Re-layout</button>
          <button onClick={() => cyRef.current?.fit(undefined, 20)}>Fit</button>
          <span class="legend">
            <i class="l-active" /> active <i class="l-pending" /> pending <i class="l-failed" /> failed/rejected/expired · ⬢ transit gateway · ◆ internet gateway · ⯃ NAT gateway · ⬟ endpoint
          </span>
        </div>
        <div id="map" ref={box} />
      </div>
      <aside class="map-side">
        {clicked && (
          <section class="panel details" id="map-details">
            <h3>{String(clicked.id)}</h3>
            <dl class="kv">
              {Object.entries(topo?.details.get(String(clicked.id)) ?? { Label: String(clicked.label ?? "") }).map(([k, v]) => (
                <>
                  <dt>{k}</dt>
                  <dd>{v}</dd>
                </>
              ))}
            </dl>
            {clicked.blockerLabel ? <p class="bad">{String(clicked.blockerLabel).split("\n").filter((l) => l.startsWith("BLOCKED")).join(", ")}</p> : null}
          </section>
        )}
        <Reachability cy={cyRef} topo={topo} />
      </aside>
    </div>
  );
}

const HOP_NAMES: Record<string, string> = {
  eni: "Network interface",
  "sg-egress": "Security group (outbound)",
  "nacl-out": "Network ACL (outbound)",
  "route-table": "Route table",
  local: "Local route",
  pcx: "Peering connection",
  vpc: "VPC",
  igw: "Internet gateway",
  internet: "Internet",
  appliance: "Appliance",
  "nat-gateway": "NAT gateway",
  "vpc-endpoint": "VPC endpoint",
  "tgw-attachment": "Transit gateway attachment",
  "tgw-route-table": "Transit gateway route table",
  "tgw-peering": "Transit gateway peering",
  "nacl-in": "Network ACL (inbound)",
  "sg-ingress": "Security group (inbound)",
};

function Reachability({ cy, topo }: { cy: { current?: cytoscape.Core }; topo?: Topology }) {
  const [q, setQ] = useState({ from: "", to: "", protocol: "icmp", port: "22" });
  const [result, setResult] = useState<any>();
  const [runs, setRuns] = useState(0);
  const [error, setError] = useState<ApiError>();
  const body = () => ({ from: q.from.trim(), to: q.to.trim(), account: session.account, protocol: q.protocol, port: q.protocol === "icmp" ? undefined : Number(q.port) });

  const analyze = async () => {
    setError(undefined);
    try {
      const a = await admin("POST", "/analyze", body());
      setResult(a);
      setRuns((n) => n + 1);
      if (cy.current && topo) drawPath(cy.current, topo, a);
    } catch (e) {
      setResult(undefined);
      setError(asApiError(e));
    }
  };
  const clear = () => {
    setResult(undefined);
    if (cy.current) clearPath(cy.current);
  };
  const v = (e: Event) => (e.target as HTMLInputElement).value;
  return (
    <>
      <section class="panel reach" id="reach">
        <h3>Can A reach B?</h3>
        <datalist id="endpoints">
          {(topo?.instances ?? []).map((i) => (
            <option value={i.name || i.id}>
              {i.id} {i.ip} {i.region}
            </option>
          ))}
          <option value="internet">the Internet (as a source: 203.0.113.10)</option>
          <option value="8.8.8.8">an address on the Internet</option>
        </datalist>
        <Field label="Source" hint="instance (Name tag or id), network interface (eni-…), IP, or internet (a host on the Internet)">
          <input id="reach-from" list="endpoints" value={q.from} onInput={(e) => setQ({ ...q, from: v(e) })} />
        </Field>
        <Field label="Destination" hint="the same, or any address on the Internet (e.g. 8.8.8.8)">
          <input id="reach-to" list="endpoints" value={q.to} onInput={(e) => setQ({ ...q, to: v(e) })} />
        </Field>
        <div class="row">
          <Field label="Protocol">
            <select id="reach-protocol" value={q.protocol} onChange={(e) => setQ({ ...q, protocol: v(e) })}>
              <option value="icmp">ICMP</option>
              <option value="tcp">TCP</option>
              <option value="udp">UDP</option>
            </select>
          </Field>
          {q.protocol !== "icmp" && (
            <Field label="Port">
              <input id="reach-port" type="number" min="0" max="65535" value={q.port} onInput={(e) => setQ({ ...q, port: v(e) })} />
            </Field>
          )}
        </div>
        <div class="actions">
          <button class="primary" id="reach-analyze" onClick={analyze} disabled={!q.from || !q.to}>
            Analyze path
          </button>
          <button onClick={clear}>Clear</button>
        </div>
        <ErrorBanner error={error} />
        {result && (
          <AnalysisView
            a={result}
            n={runs}
            apply={async (x) => {
              const calls = applicable(x, session.account)!;
              const text = calls.map((f) => `${f.action} in ${f.region ?? x.component.region}:\n${fixCommand(f)}`).join("\n\n");
              if (!window.confirm(`Apply the fix for ${x.code}?\n\n${text}`)) return;
              setError(undefined);
              try {
                for (const f of calls) await ec2(f.action, queryParams(f), f.region ?? x.component.region);
              } catch (e) {
                return setError(asApiError(e));
              }
              await analyze();
            }}
          />
        )}
      </section>
      <PingPanel query={body} />
    </>
  );
}

function AnalysisView({ a, n, apply }: { a: any; n: number; apply: (x: any) => void }) {
  const ok = a.verdict === "reachable";
  return (
    <div id="reach-result" data-verdict={a.verdict} data-n={n}>
      <p class={`verdict ${ok ? "ok" : "bad"}`}>{ok ? "Reachable" : "Not reachable"}</p>
      <dl class="kv">
        <dt>Round trip</dt>
        <dd id="reach-rtt">{ok ? `${a.rttMs.toFixed(1)} ms` : "–"}</dd>
        <dt>Path MTU</dt>
        <dd id="reach-mtu">{a.pathMtu}</dd>
        <dt>Receiver sees</dt>
        <dd>{a.sourceAddressSeenByReceiver ?? "–"}</dd>
      </dl>
      <details class="hops" open={!ok}>
        <summary>
          Hop by hop: {a.forward.length} forward, {a.return.length} return
        </summary>
        <ol class="hops">
          {[...a.forward, ...a.return].map((h: any) => (
            <li class={`${h.verdict} ${h.leg}`}>
              <b>{h.leg === "return" ? "↩ " : ""}{HOP_NAMES[h.kind] ?? h.kind}</b> {h.id}
              {h.region ? ` (${h.region})` : ""}: {h.detail}
            </li>
          ))}
        </ol>
      </details>
      {a.explanations.length > 0 && (
        <div class="blockers" id="reach-blockers">
          <h4>Blockers</h4>
          {a.explanations.map((x: any) => (
            <div class="blocker-item">
              <code>{x.code}</code> at <b>{x.component.id}</b> ({x.component.region})
              <p>{x.reason}</p>
              <p class="fix">Fix: {x.fix}</p>
              {(x.fixes ?? []).map((f: any) => (
                <pre class="fix-command" data-action={f.action}>{fixCommand(f)}</pre>
              ))}
              {(x.fixes ?? []).length > 0 &&
                (applicable(x, session.account) ? (
                  <button class="apply-fix" data-code={x.code} onClick={() => apply(x)}>
                    Apply fix
                  </button>
                ) : (
                  <small>Switch to account {x.fixes[0].account ?? x.component.account} to apply this fix.</small>
                ))}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

/**
 * Draws the forward leg on the map: arrows between the places a packet is handed over (the Internet or
 * the sender's instance, an internet gateway, transit gateway, NAT gateway or gateway endpoint, the receiver), the subnets, VPCs,
 * peering connections, TGW attachments and TGW peerings crossed highlighted, and each blocker marked with its code. A blocked path ends in a dashed red arrow
 * to where the packet was going.
 */
function drawPath(cy: cytoscape.Core, topo: Topology, a: any): void {
  clearPath(cy);
  const anchors: string[] = [];
  const anchor = (id: string | undefined) => {
    if (id && cy.getElementById(id).isNode() && anchors[anchors.length - 1] !== id) anchors.push(id);
  };
  const onPath: string[] = [];
  let subnet: string | undefined = a.source.subnetId;
  if (a.source.kind === "internet") anchor("internet");
  for (const h of a.forward) {
    if (h.kind === "eni") {
      subnet = topo.eniToSubnet.get(h.id) ?? subnet;
      if (subnet) onPath.push(subnet);
      anchor(topo.eniToInstance.get(h.id) ?? subnet);
    } else if (h.kind === "route-table" || h.kind === "nacl-out") {
      if (subnet) onPath.push(subnet);
    } else if (h.kind === "nacl-in") {
      if (a.destination.subnetId) onPath.push(a.destination.subnetId);
    } else if (h.kind === "pcx" || h.kind === "vpc") onPath.push(h.id);
    else if (h.kind === "tgw-attachment" || h.kind === "tgw-peering") {
      // Attachments and TGW peerings are edges on the map: highlight the edge, hand over at its transit gateway.
      onPath.push(h.id);
      const e = cy.getElementById(h.id);
      if (e.isEdge()) anchor(h.kind === "tgw-peering" ? (anchors[anchors.length - 1] === e.target().id() ? e.source().id() : e.target().id()) : topo.tgwOfAttachment.get(h.id) ?? e.target().id());
    } else if (h.kind === "igw") anchor(h.id);
    else if (h.kind === "nat-gateway" || h.kind === "vpc-endpoint") {
      // Through a NAT gateway (in its own subnet) or a gateway endpoint: the path goes by its node.
      anchor(h.id);
      const n = cy.getElementById(h.id);
      if (h.kind === "nat-gateway" && n.isNode() && n.parent().length) subnet = n.parent().first().id();
    }
    else if (h.kind === "internet") anchor("internet");
  }
  const blocked = a.verdict !== "reachable";
  const reachedBefore = anchors.length;
  const target = a.destination.instanceId ?? (a.destination.kind === "internet" ? "internet" : a.destination.subnetId);
  anchor(target);
  cy.batch(() => {
    for (let i = 0; i + 1 < anchors.length; i++) {
      const last = i + 1 === anchors.length - 1;
      const red = blocked && (reachedBefore < anchors.length ? i + 1 >= reachedBefore : true);
      cy.add({
        data: { id: `path/${i}`, source: anchors[i], target: anchors[i + 1], label: last ? (blocked ? "blocked" : `${a.rttMs.toFixed(1)} ms RTT, MTU ${a.pathMtu}`) : "" },
        classes: `path${red ? " blocked" : ""}`,
      });
    }
    for (const id of [...anchors, ...onPath]) cy.getElementById(id).addClass("on-path");
    for (const x of a.explanations) {
      // Mark the component the code is about: an interface's problems on its instance, a route's on the
      // subnet whose table it is, a gateway's or peering's on that element.
      // A TGW route table's problems go on its transit gateway (the table is not drawn), not on a subnet.
      const rtbSubnet = x.routeTableId && !x.transitGatewayRouteTableId ? x.subnetId ?? (x.leg === "forward" ? a.source.subnetId : a.destination.subnetId) : undefined;
      const onEni = /^ENI_|^BAD_STATE$/.test(x.code);
      const candidates = onEni
        ? [x.instanceId, topo.eniToInstance.get(x.networkInterfaceId), x.subnetId, x.vpcId]
        : [x.vpcPeeringConnectionId, x.internetGatewayId, x.natGatewayId, x.vpcEndpointId, x.transitGatewayAttachmentId, x.transitGatewayId, rtbSubnet, x.subnetId, x.instanceId, topo.eniToInstance.get(x.networkInterfaceId), x.vpcId];
      const target = candidates
        .map((id) => (id ? cy.getElementById(id) : undefined))
        .find((el) => el && el.length > 0);
      if (!target) continue;
      const prev = target.data("blockerLabel");
      target.data("blockerLabel", `${prev ? prev + "\n" : `${target.data("label")}\n`}BLOCKED: ${x.code}`);
      target.addClass("blocker");
    }
  });
  // Bring the path into view: on a map of many regions it would otherwise be a few pixels.
  cy.fit(cy.elements(".path, .on-path, .blocker").filter((e) => e.isNode()), 60);
}

function clearPath(cy: cytoscape.Core): void {
  cy.batch(() => {
    cy.elements(".path").remove();
    cy.elements(".on-path").removeClass("on-path");
    cy.elements(".blocker").forEach((e) => {
      e.removeData("blockerLabel");
      e.removeClass("blocker");
    });
  });
}

function PingPanel({ query }: { query: () => Record<string, unknown> }) {
  const [lines, setLines] = useState<string[]>([]);
  const [running, setRunning] = useState(false);
  const timer = useRef<number | undefined>(undefined);
  const seq = useRef(0);
  const rtts = useRef<number[]>([]);
  const stop = () => {
    window.clearInterval(timer.current);
    timer.current = undefined;
    setRunning(false);
  };
  useEffect(() => stop, []);
  const probe = async () => {
    const n = ++seq.current;
    try {
      const r = await admin("POST", "/ping", { ...query(), protocol: undefined, port: undefined, count: 1 });
      const rep = r.replies[0];
      if (rep) {
        rtts.current.push(rep.rttMs);
        setLines((l) => [...l.slice(-30), `${rep.bytes} bytes from ${rep.from}: icmp_seq=${n} ttl=${rep.ttl} time=${rep.rttMs.toFixed(1)} ms`]);
      } else {
        const why = r.errors[0]?.error ?? r.explanations[0]?.code ?? "no reply";
        setLines((l) => [...l.slice(-30), `icmp_seq=${n}: ${why}`]);
      }
    } catch (e) {
      setLines((l) => [...l, `${asApiError(e).code}: ${asApiError(e).message}`]);
      stop();
    }
  };
  const start = () => {
    seq.current = 0;
    rtts.current = [];
    setLines([`PING ${String(query().to)} from ${String(query().from)}`]);
    setRunning(true);
    void probe();
    timer.current = window.setInterval(probe, 1000);
  };
  const r = rtts.current;
  return (
    <section class="panel ping" id="ping">
      <h3>Ping</h3>
      <div class="actions">
        <button id="ping-start" onClick={start} disabled={running}>
          Start ping
        </button>
        <button id="ping-stop" onClick={stop} disabled={!running}>
          Stop
        </button>
      </div>
      <pre id="ping-output">
        {lines.join("\n")}
        {r.length > 0 && `\n${seq.current} sent, ${r.length} received · rtt min/avg/max = ${Math.min(...r).toFixed(1)}/${(r.reduce((x, y) => x + y, 0) / r.length).toFixed(1)}/${Math.max(...r).toFixed(1)} ms`}
      </pre>
    </section>
  );
}
