/**
 * The network map: regions as frames, VPCs (with their CIDRs) inside, an Availability Zone frame per
 * zone holding its subnets, instances with their private IPs inside subnets, internet gateways on their
 * VPC, NAT gateways in their subnet and VPC endpoints on their VPC (drawn by state), peering connections as edges drawn by state, transit gateways in their region with an edge to
 * each attached VPC, and TGW peering attachments as edges between regions (drawn by state too). Drawn with Cytoscape.js (canvas, so thousands
 * of elements stay interactive) and laid out by its fCoSE extension, which handles nested compound
 * nodes; no layout is computed here.
 *
 * Live updates patch the graph: elements that still exist keep their position, changed labels and
 * states are updated in place, and only when elements appear or vanish is the layout re-run (from the
 * current positions, so the picture does not jump).
 */
import cytoscape from "cytoscape";
import fcose from "cytoscape-fcose";
import { describeAll, list, nameOf } from "./api";

cytoscape.use(fcose);

export interface Topology {
  elements: cytoscape.ElementDefinition[];
  /** eni-… → instance id */
  eniToInstance: Map<string, string>;
  /** eni-… → subnet id */
  eniToSubnet: Map<string, string>;
  instances: { id: string; name: string; ip: string; region: string }[];
  /** tgw-attach-… → the transit gateway it belongs to (a peering's: the requester's) */
  tgwOfAttachment: Map<string, string>;
  /** What the details pane shows for a clicked element, by element id. */
  details: Map<string, Record<string, string>>;
  counts: { regions: number; vpcs: number; subnets: number; instances: number; peerings: number; tgws: number };
}

/** Everything the map shows, read through the EC2 API in each region of `regions`. */
export async function loadTopology(regions: string[]): Promise<Topology> {
  const per = await Promise.all(
    regions.map(async (region) => {
      const [vpcs, subnets, reservations, igws, pcxs, tgws, tgwAttachments, tgwPeerings, nats, endpoints] = await Promise.all([
        describeAll("DescribeVpcs", "vpcSet", {}, region),
        describeAll("DescribeSubnets", "subnetSet", {}, region),
        describeAll("DescribeInstances", "reservationSet", {}, region),
        describeAll("DescribeInternetGateways", "internetGatewaySet", {}, region),
        describeAll("DescribeVpcPeeringConnections", "vpcPeeringConnectionSet", {}, region),
        describeAll("DescribeTransitGateways", "transitGatewaySet", {}, region),
        describeAll("DescribeTransitGatewayVpcAttachments", "transitGatewayVpcAttachments", {}, region),
        describeAll("DescribeTransitGatewayPeeringAttachments", "transitGatewayPeeringAttachments", {}, region),
        describeAll("DescribeNatGateways", "natGatewaySet", {}, region),
        describeAll("DescribeVpcEndpoints", "vpcEndpointSet", {}, region),
      ]);
      return { region, vpcs, subnets, instances: reservations.flatMap((r) => list(r.instancesSet)), igws, pcxs, tgws, tgwAttachments, tgwPeerings, nats, endpoints };
    }),
  );
  const els: cytoscape.ElementDefinition[] = [];
  const ids = new Set<string>();
  const add = (e: cytoscape.ElementDefinition) => {
    ids.add(e.data.id!);
    els.push(e);
  };
  const topo: Topology = { elements: els, details: new Map(), eniToInstance: new Map(), eniToSubnet: new Map(), tgwOfAttachment: new Map(), instances: [], counts: { regions: 0, vpcs: 0, subnets: 0, instances: 0, peerings: 0, tgws: 0 } };
  add({ data: { id: "internet", label: "Internet" }, classes: "internet" });
  const pcxs = new Map<string, any>();
  const tgwPeerings = new Map<string, any>();
  const tgwOf = new Map<string, string>();
  for (const r of per) {
    topo.counts.regions++;
    add({ data: { id: `region/${r.region}`, label: r.region }, classes: "region" });
    for (const v of r.vpcs) {
      topo.counts.vpcs++;
      const cidrs = list(v.cidrBlockAssociationSet)
        .filter((c) => c.cidrBlockState?.state !== "disassociated")
        .map((c) => c.cidrBlock)
        .join(", ");
      topo.details.set(v.vpcId, { Name: nameOf(v) || "–", "VPC ID": v.vpcId, State: v.state, "IPv4 CIDR": cidrs || v.cidrBlock, "Default VPC": v.isDefault === "true" ? "Yes" : "No", Owner: v.ownerId, Region: r.region });
      add({ data: { id: v.vpcId, parent: `region/${r.region}`, label: `${nameOf(v) || (v.isDefault === "true" ? "default VPC" : "")} ${v.vpcId}\n${cidrs || v.cidrBlock}`.trim(), kind: "vpc", region: r.region }, classes: "vpc" });
    }
    for (const s of r.subnets) {
      if (!ids.has(s.vpcId)) continue;
      topo.counts.subnets++;
      const az = `${s.vpcId}/${s.availabilityZone}`;
      if (!ids.has(az)) add({ data: { id: az, parent: s.vpcId, label: s.availabilityZone }, classes: "az" });
      topo.details.set(s.subnetId, { Name: nameOf(s) || "–", "Subnet ID": s.subnetId, "IPv4 CIDR": s.cidrBlock, "Availability Zone": `${s.availabilityZone} (${s.availabilityZoneId})`, "Available IPv4 addresses": s.availableIpAddressCount, VPC: s.vpcId, Region: r.region });
      add({ data: { id: s.subnetId, parent: az, label: `${nameOf(s) || s.subnetId}\n${s.cidrBlock}`, kind: "subnet", region: r.region }, classes: "subnet" });
    }
    for (const i of r.instances) {
      const state = i.instanceState?.name ?? "";
      if (state === "terminated" || !i.subnetId || !ids.has(i.subnetId)) continue;
      topo.counts.instances++;
      const name = nameOf(i);
      topo.details.set(i.instanceId, {
        Name: name || "–",
        "Instance ID": i.instanceId,
        State: state,
        Type: i.instanceType,
        "Private IPv4": i.privateIpAddress ?? "–",
        "Public IPv4": i.ipAddress ?? "–",
        "Network interfaces": list(i.networkInterfaceSet).map((n) => n.networkInterfaceId).join(", "),
        "Security groups": list(i.groupSet).map((g) => `${g.groupId} (${g.groupName})`).join(", "),
        Subnet: i.subnetId,
        Region: r.region,
      });
      add({ data: { id: i.instanceId, parent: i.subnetId, label: `${name || i.instanceId}\n${i.privateIpAddress ?? ""}`, kind: "instance", region: r.region, state }, classes: `instance ${state}` });
      topo.instances.push({ id: i.instanceId, name, ip: i.privateIpAddress ?? "", region: r.region });
      for (const n of list(i.networkInterfaceSet)) {
        topo.eniToInstance.set(n.networkInterfaceId, i.instanceId);
        topo.eniToSubnet.set(n.networkInterfaceId, n.subnetId ?? i.subnetId);
      }
    }
    for (const g of r.igws) {
      const vpc = list(g.attachmentSet).find((a) => a.state === "available" || a.state === "attached")?.vpcId;
      topo.details.set(g.internetGatewayId, { Name: nameOf(g) || "–", "Internet gateway ID": g.internetGatewayId, "Attached to": vpc ?? "– (detached)", Region: r.region });
      add({ data: { id: g.internetGatewayId, parent: vpc && ids.has(vpc) ? vpc : `region/${r.region}`, label: `IGW\n${g.internetGatewayId}`, kind: "igw", region: r.region }, classes: "igw" });
      if (vpc && ids.has(vpc)) els.push({ data: { id: `${g.internetGatewayId}/internet`, source: g.internetGatewayId, target: "internet" }, classes: "igw-link" });
    }
    for (const n of r.nats) {
      // A NAT gateway sits in its subnet (deleted ones, kept visible by Describe for an hour, are not drawn).
      if (n.state === "deleted" || !ids.has(n.subnetId)) continue;
      const addr = list(n.natGatewayAddressSet)[0] ?? {};
      topo.details.set(n.natGatewayId, { Name: nameOf(n) || "–", "NAT gateway ID": n.natGatewayId, State: `${n.state}${n.failureCode ? ` (${n.failureCode}: ${n.failureMessage ?? ""})` : ""}`, "Connectivity type": n.connectivityType, "Elastic IP": addr.publicIp ?? "–", "Private IPv4": addr.privateIp ?? "–", Subnet: n.subnetId, VPC: n.vpcId, Region: r.region });
      add({ data: { id: n.natGatewayId, parent: n.subnetId, label: `NAT ${nameOf(n) || ""}\n${addr.publicIp ?? addr.privateIp ?? n.natGatewayId}`, kind: "nat", region: r.region, state: n.state }, classes: `nat ${n.state}` });
    }
    for (const e of r.endpoints) {
      // An endpoint belongs to its VPC (a gateway endpoint to no subnet); drawn on the VPC's frame.
      if (/deleted/i.test(e.state) || !ids.has(e.vpcId)) continue;
      const service = String(e.serviceName ?? "").split(".").pop();
      const idsOf = (v: unknown) => list(v).map((x: any) => (typeof x === "string" ? x : Object.values(x)[0])).join(", ") || "–";
      topo.details.set(e.vpcEndpointId, { Name: nameOf(e) || "–", "VPC endpoint ID": e.vpcEndpointId, Type: e.vpcEndpointType, Service: e.serviceName, State: e.state, "Route tables": idsOf(e.routeTableIdSet), Subnets: idsOf(e.subnetIdSet), VPC: e.vpcId, Region: r.region });
      add({ data: { id: e.vpcEndpointId, parent: e.vpcId, label: `${service} endpoint\n${e.vpcEndpointId}`, kind: "vpce", region: r.region, state: e.state }, classes: `vpce ${String(e.state).toLowerCase()}` });
    }
    for (const p of r.pcxs) pcxs.set(p.vpcPeeringConnectionId, p);
    for (const t of r.tgws) {
      if (t.state === "deleted") continue;
      topo.counts.tgws++;
      topo.details.set(t.transitGatewayId, { Name: nameOf(t) || "–", "Transit gateway ID": t.transitGatewayId, State: t.state, "Amazon ASN": t.options?.amazonSideAsn ?? "–", "Default route table": t.options?.associationDefaultRouteTableId || "–", Owner: t.ownerId, Region: r.region });
      add({ data: { id: t.transitGatewayId, parent: `region/${r.region}`, label: `TGW ${nameOf(t) || ""}\n${t.transitGatewayId}`, kind: "tgw", region: r.region, state: t.state }, classes: `tgw ${t.state}` });
    }
    for (const a of r.tgwAttachments) {
      const state = a.state ?? "";
      if (state === "deleted" || !ids.has(a.vpcId) || !ids.has(a.transitGatewayId)) continue;
      tgwOf.set(a.transitGatewayAttachmentId, a.transitGatewayId);
      topo.details.set(a.transitGatewayAttachmentId, { Name: nameOf(a) || "–", "Transit gateway attachment ID": a.transitGatewayAttachmentId, State: state, "Transit gateway": a.transitGatewayId, VPC: a.vpcId, Subnets: list(a.subnetIds).join(", "), Region: r.region });
      els.push({ data: { id: a.transitGatewayAttachmentId, source: a.vpcId, target: a.transitGatewayId, label: nameOf(a) || "", kind: "tgw-attachment", status: state }, classes: `tgw-attach ${state}` });
    }
    // A peering attachment is listed in both regions (one id); either copy will do.
    for (const p of r.tgwPeerings) tgwPeerings.set(p.transitGatewayAttachmentId, p);
  }
  for (const p of tgwPeerings.values()) {
    const a = p.requesterTgwInfo?.transitGatewayId;
    const b = p.accepterTgwInfo?.transitGatewayId;
    const state = p.state ?? p.status?.code ?? "";
    if (state === "deleted" || !ids.has(a) || !ids.has(b)) continue;
    tgwOf.set(p.transitGatewayAttachmentId, a);
    const side = (x: any) => `${x?.transitGatewayId}, ${x?.region}, account ${x?.ownerId}`;
    topo.details.set(p.transitGatewayAttachmentId, { Name: nameOf(p) || "–", "TGW peering attachment ID": p.transitGatewayAttachmentId, State: `${state}${p.status?.message ? ": " + p.status.message : ""}`, Requester: side(p.requesterTgwInfo), Accepter: side(p.accepterTgwInfo) });
    els.push({ data: { id: p.transitGatewayAttachmentId, source: a, target: b, label: `${nameOf(p) || p.transitGatewayAttachmentId} (${state})`, kind: "tgw-peering", status: state }, classes: `tgw-peering ${state}` });
  }
  topo.tgwOfAttachment = tgwOf;
  for (const p of pcxs.values()) {
    const a = p.requesterVpcInfo?.vpcId;
    const b = p.accepterVpcInfo?.vpcId;
    const status = p.status?.code ?? "";
    if (status === "deleted" || !ids.has(a) || !ids.has(b)) continue;
    topo.counts.peerings++;
    const side = (x: any) => `${x?.vpcId} (${x?.cidrBlock ?? "–"}), ${x?.region}, account ${x?.ownerId}`;
    topo.details.set(p.vpcPeeringConnectionId, { Name: nameOf(p) || "–", "Peering connection ID": p.vpcPeeringConnectionId, Status: `${status}${p.status?.message ? ": " + p.status.message : ""}`, Requester: side(p.requesterVpcInfo), Accepter: side(p.accepterVpcInfo) });
    els.push({ data: { id: p.vpcPeeringConnectionId, source: a, target: b, label: `${nameOf(p) || p.vpcPeeringConnectionId} (${status})`, kind: "pcx", status }, classes: `pcx ${status}` });
  }
  return topo;
}

const STYLE: any[] = [
  // Labels too small to read are not drawn: on a map of hundreds of VPCs that keeps zooming and panning fluid.
  { selector: "node", style: { label: "data(label)", "min-zoomed-font-size": 7, "font-size": 10, "text-wrap": "wrap", "font-family": "system-ui, sans-serif", color: "#16191f" } },
  { selector: ":parent", style: { "text-valign": "top", "text-halign": "center", "background-opacity": 0.06, "border-width": 1, padding: 8 } },
  { selector: ".region", style: { "border-width": 3, "border-color": "#545b64", "background-color": "#aab7b8", "font-size": 14, "font-weight": "bold" } },
  { selector: ".vpc", style: { "border-color": "#8c4fff", "background-color": "#8c4fff", "font-size": 11, shape: "round-rectangle" } },
  { selector: ".az", style: { "border-style": "dashed", "border-color": "#879596", "background-opacity": 0, "font-size": 9, color: "#545b64" } },
  { selector: ".subnet", style: { "border-color": "#1d8102", "background-color": "#1d8102", shape: "round-rectangle", "font-size": 9, width: 90, height: 24 } },
  { selector: ".subnet:childless", style: { "background-opacity": 0.12, "text-valign": "center" } },
  { selector: ".instance", style: { shape: "round-rectangle", "background-color": "#ec7211", width: 90, height: 30, "text-valign": "center", "font-size": 9, color: "#fff" } },
  { selector: ".instance.stopped, .instance.stopping", style: { "background-color": "#879596" } },
  { selector: ".igw", style: { shape: "diamond", "background-color": "#8c4fff", width: 26, height: 26, "text-valign": "bottom", "font-size": 8 } },
  { selector: ".nat", style: { shape: "round-octagon", "background-color": "#7d8998", width: 34, height: 30, "text-valign": "bottom", "font-size": 8 } },
  { selector: ".nat.available", style: { "background-color": "#1d8102" } },
  { selector: ".nat.pending, .nat.deleting", style: { "background-color": "#ff9900" } },
  { selector: ".nat.failed", style: { "background-color": "#d13212" } },
  { selector: ".vpce", style: { shape: "tag", "background-color": "#3f8624", width: 28, height: 22, "text-valign": "bottom", "font-size": 8 } },
  { selector: ".internet", style: { shape: "ellipse", "background-color": "#0073bb", width: 60, height: 60, "text-valign": "center", color: "#fff", "font-weight": "bold" } },
  { selector: "edge", style: { width: 2, "curve-style": "bezier", "line-color": "#879596", "font-size": 9, "text-rotation": "autorotate", "text-background-color": "#fff", "text-background-opacity": 0.8 } },
  { selector: ".igw-link", style: { "line-style": "dotted", "line-color": "#0073bb", width: 1 } },
  { selector: ".pcx", style: { label: "data(label)", width: 3 } },
  { selector: ".pcx.active", style: { "line-color": "#1d8102" } },
  { selector: ".pcx.pending-acceptance, .pcx.provisioning, .pcx.initiating-request", style: { "line-color": "#ff9900", "line-style": "dashed" } },
  { selector: ".pcx.failed, .pcx.rejected, .pcx.expired, .pcx.deleting", style: { "line-color": "#d13212", "line-style": "dotted" } },
  { selector: ".tgw", style: { shape: "hexagon", "background-color": "#8c4fff", width: 40, height: 36, "text-valign": "bottom", "font-size": 9 } },
  { selector: ".tgw.pending, .tgw.modifying", style: { "background-color": "#ff9900" } },
  { selector: ".tgw-attach", style: { width: 2, "line-color": "#8c4fff" } },
  { selector: ".tgw-peering", style: { label: "data(label)", width: 4, "line-color": "#8c4fff" } },
  { selector: ".tgw-attach.available, .tgw-peering.available", style: { "line-color": "#1d8102" } },
  { selector: ".tgw-attach.pending, .tgw-attach.pendingAcceptance, .tgw-attach.initiating, .tgw-attach.initiatingRequest, .tgw-attach.modifying, .tgw-peering.pending, .tgw-peering.pendingAcceptance, .tgw-peering.initiating, .tgw-peering.initiatingRequest", style: { "line-color": "#ff9900", "line-style": "dashed" } },
  { selector: ".tgw-attach.failed, .tgw-attach.failing, .tgw-attach.rejected, .tgw-attach.deleting, .tgw-peering.failed, .tgw-peering.failing, .tgw-peering.rejected, .tgw-peering.deleting", style: { "line-color": "#d13212", "line-style": "dotted" } },
  { selector: "node.on-path", style: { "border-width": 4, "border-color": "#0073bb" } },
  { selector: "edge.on-path", style: { "line-color": "#0073bb", width: 5 } },
  { selector: ".path", style: { width: 4, "line-color": "#0073bb", "target-arrow-shape": "triangle", "target-arrow-color": "#0073bb", "curve-style": "bezier", label: "data(label)", "z-index": 99 } },
  { selector: ".path.blocked", style: { "line-color": "#d13212", "target-arrow-color": "#d13212", "line-style": "dashed" } },
  { selector: ".blocker", style: { "border-width": 5, "border-color": "#d13212", "border-style": "double", label: "data(blockerLabel)", color: "#d13212", "font-weight": "bold", "line-color": "#d13212" } },
  { selector: ":selected", style: { "border-width": 3, "border-color": "#ff9900", "overlay-opacity": 0.1 } },
];

export function createMap(container: HTMLElement): cytoscape.Core {
  return cytoscape({ container, style: STYLE, minZoom: 0.02, maxZoom: 4, textureOnViewport: true, hideEdgesOnViewport: true, hideLabelsOnViewport: true, pixelRatio: 1 });
}

/** Brings `cy` to `topo` in place; returns whether the layout ran. */
export function applyTopology(cy: cytoscape.Core, topo: Topology): boolean {
  const wanted = new Map(topo.elements.map((e) => [e.data.id!, e]));
  let removed = false;
  let fresh: cytoscape.ElementDefinition[] = [];
  cy.batch(() => {
    cy.elements(".path").remove();
    for (const el of cy.elements().toArray()) {
      const w = wanted.get(el.id());
      // A node whose parent changed (an instance moved, an IGW attached) is re-added, as Cytoscape cannot re-parent in a batch reliably.
      if (!w || (el.isNode() && (el.data("parent") ?? null) !== (w.data.parent ?? null)) || (el.isEdge() && (el.data("source") !== w.data.source || el.data("target") !== w.data.target))) {
        if (el.inside()) el.remove();
        removed = true;
      }
    }
    for (const [id, e] of wanted) {
      const el = cy.getElementById(id);
      if (el.length === 0) fresh.push(e);
      else {
        if (el.data("label") !== e.data.label) el.data("label", e.data.label);
        if (el.data("status") !== e.data.status) el.data("status", e.data.status);
        el.classes(e.classes as string);
      }
    }
    if (fresh.length) {
      // Parents first, so that children find them.
      const depth = (e: cytoscape.ElementDefinition): number => (e.data.parent ? 1 + depth(wanted.get(e.data.parent) ?? { data: {} }) : e.data.source ? 99 : 0);
      fresh = fresh.sort((a, b) => depth(a) - depth(b));
      cy.add(fresh);
    }
  });
  const freshNodes = fresh.filter((e) => !e.data.source);
  if (freshNodes.length === 0) return removed;
  const regions = cy.collection();
  let newRegion = false;
  for (const e of freshNodes) {
    const n = cy.getElementById(e.data.id!);
    const r = n.hasClass("region") ? n : n.ancestors(".region").first();
    if (r.length === 0 || fresh.some((f) => f.data.id === r.id())) newRegion = true;
    else regions.merge(r);
  }
  if (cy.scratch("laidOut") !== true || newRegion || regions.length > 3) {
    runLayout(cy, cy.scratch("laidOut") === true);
    cy.scratch("laidOut", true);
  } else {
    // A few elements appeared in regions already drawn: lay out only those regions, in place, so a
    // change costs what its region costs and the rest of the map does not move.
    regions.forEach((r) => {
      const bb = r.boundingBox({});
      const inside = r.descendants();
      for (const e of freshNodes) {
        const n = cy.getElementById(e.data.id!);
        if (inside.contains(n) && n.isChildless()) n.position({ x: bb.x1 + Math.random() * bb.w, y: bb.y1 + Math.random() * bb.h });
      }
      inside.union(inside.connectedEdges().filter((ed) => inside.contains(ed.source()) && inside.contains(ed.target()))).layout({
        name: "fcose",
        quality: "default",
        randomize: false,
        animate: false,
        fit: false,
        nodeDimensionsIncludeLabels: true,
        boundingBox: { x1: bb.x1, y1: bb.y1, w: bb.w, h: bb.h },
        nestingFactor: 0.15,
        nodeRepulsion: 6000,
        numIter: 1000,
      } as any).run();
    });
  }
  return true;
}

export function runLayout(cy: cytoscape.Core, incremental: boolean): void {
  const big = cy.nodes().length > 600;
  cy.layout({
    name: "fcose",
    quality: big ? "draft" : "default",
    randomize: !incremental || big,
    animate: false,
    fit: true,
    padding: 20,
    nodeDimensionsIncludeLabels: true,
    packComponents: true,
    tile: true,
    nestingFactor: 0.15,
    nodeRepulsion: 6000,
    idealEdgeLength: 120,
    numIter: big ? 600 : 2500,
  } as any).run();
}
