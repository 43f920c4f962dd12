/**
 * The resource pages, shaped like AWS's VPC and EC2 consoles (their names, columns and buttons), so a
 * walkthrough written for AWS's console reads the same here. Every change is an EC2 API call; AWS's
 * error text is shown when vpclab refuses.
 */
import { useState } from "preact/hooks";
import { describeAll, ec2, list, nameOf, session, type ApiError } from "./api";
import { act, Field, FormDialog, State, Tabs, useLive } from "./ui";
import { Details, KV, nameCol, nameTag, ResourcePage, tagsText, useResources, val } from "./resource";

function useVpcs() {
  return useLive(() => describeAll("DescribeVpcs", "vpcSet")).data ?? [];
}

export function VpcSelect(props: { id: string; value: string; onChange: (v: string) => void }) {
  const vpcs = useVpcs();
  return (
    <select id={props.id} value={props.value} onChange={(e) => props.onChange(val(e))} required>
      <option value="">Select a VPC</option>
      {vpcs.map((v) => (
        <option value={v.vpcId}>
          {v.vpcId} {nameOf(v) ? `(${nameOf(v)})` : ""} {v.cidrBlock}
        </option>
      ))}
    </select>
  );
}

// ---- VPCs ------------------------------------------------------------------------------------------

export function VpcsPage() {
  const p = useResources(() => describeAll("DescribeVpcs", "vpcSet"), (x) => x.vpcId);
  const [cidr, setCidr] = useState("");
  const [name, setName] = useState("");
  return (
    <ResourcePage
      r={p}
      title="Your VPCs"
      columns={[
        nameCol,
        { title: "VPC ID", value: (r) => r.vpcId },
        { title: "State", value: (r) => r.state, render: (r) => <State s={r.state} /> },
        { title: "IPv4 CIDR", value: (r) => r.cidrBlock },
        { title: "DHCP option set", value: (r) => r.dhcpOptionsId },
        { title: "Tenancy", value: (r) => r.instanceTenancy },
        { title: "Default VPC", value: (r) => (r.isDefault === "true" ? "Yes" : "No") },
        { title: "Owner ID", value: (r) => r.ownerId },
      ]}
      del={{ label: "Delete VPC", run: (sel) => ec2("DeleteVpc", { VpcId: sel.vpcId }) }}
      create={{ label: "Create VPC", id: "create-vpc", open: () => (setCidr(""), setName("")) }}
      details={(sel) => <KV rows={{ "VPC ID": sel.vpcId, State: sel.state, "IPv4 CIDR": list(sel.cidrBlockAssociationSet).map((c) => c.cidrBlock).join(", "), "DHCP option set": sel.dhcpOptionsId, Owner: sel.ownerId, Tags: tagsText(sel) }} />}
    >
      {p.dialog === "create" && (
        <FormDialog id="create-vpc-form" title="Create VPC" submitLabel="Create VPC" onClose={p.close} submit={() => ec2("CreateVpc", { CidrBlock: cidr, TagSpecification: nameTag("vpc", name) })}>
          <Field label="Name tag">
            <input id="vpc-name" value={name} onInput={(e) => setName(val(e))} placeholder="my-vpc" />
          </Field>
          <Field label="IPv4 CIDR" hint="e.g. 10.0.0.0/16 (a /16 to a /28)">
            <input id="vpc-cidr" value={cidr} onInput={(e) => setCidr(val(e))} required />
          </Field>
        </FormDialog>
      )}
    </ResourcePage>
  );
}

// ---- Subnets ---------------------------------------------------------------------------------------

export function SubnetsPage() {
  const p = useResources(() => describeAll("DescribeSubnets", "subnetSet"), (x) => x.subnetId);
  const azs = useLive(() => ec2("DescribeAvailabilityZones").then((r) => list(r.availabilityZoneInfo))).data ?? [];
  const [f, setF] = useState({ vpc: "", name: "", az: "", cidr: "" });
  return (
    <ResourcePage
      r={p}
      title="Subnets"
      columns={[
        nameCol,
        { title: "Subnet ID", value: (r) => r.subnetId },
        { title: "State", value: (r) => r.state, render: (r) => <State s={r.state} /> },
        { title: "VPC", value: (r) => r.vpcId },
        { title: "IPv4 CIDR", value: (r) => r.cidrBlock },
        { title: "Available IPv4 addresses", value: (r) => Number(r.availableIpAddressCount) },
        { title: "Availability Zone", value: (r) => r.availabilityZone },
        { title: "Availability Zone ID", value: (r) => r.availabilityZoneId },
        { title: "Default subnet", value: (r) => (r.defaultForAz === "true" ? "Yes" : "No") },
        { title: "Auto-assign public IPv4", value: (r) => (r.mapPublicIpOnLaunch === "true" ? "Yes" : "No") },
      ]}
      del={{ label: "Delete subnet", run: (sel) => ec2("DeleteSubnet", { SubnetId: sel.subnetId }) }}
      create={{ label: "Create subnet", id: "create-subnet", open: () => setF({ vpc: "", name: "", az: "", cidr: "" }) }}
    >
      {p.dialog === "create" && (
        <FormDialog
          id="create-subnet-form"
          title="Create subnet"
          submitLabel="Create subnet"
          onClose={p.close}
          submit={() => ec2("CreateSubnet", { VpcId: f.vpc, CidrBlock: f.cidr, AvailabilityZone: f.az || undefined, TagSpecification: nameTag("subnet", f.name) })}
        >
          <Field label="VPC ID">
            <VpcSelect id="subnet-vpc" value={f.vpc} onChange={(vpc) => setF({ ...f, vpc })} />
          </Field>
          <Field label="Subnet name">
            <input id="subnet-name" value={f.name} onInput={(e) => setF({ ...f, name: val(e) })} />
          </Field>
          <Field label="Availability Zone">
            <select id="subnet-az" value={f.az} onChange={(e) => setF({ ...f, az: val(e) })}>
              <option value="">No preference</option>
              {azs.map((z) => (
                <option value={z.zoneName}>
                  {z.zoneName} ({z.zoneId})
                </option>
              ))}
            </select>
          </Field>
          <Field label="IPv4 subnet CIDR block">
            <input id="subnet-cidr" value={f.cidr} onInput={(e) => setF({ ...f, cidr: val(e) })} required />
          </Field>
        </FormDialog>
      )}
    </ResourcePage>
  );
}

// ---- Route tables ----------------------------------------------------------------------------------

const routeTarget = (r: any) => r.gatewayId || r.vpcPeeringConnectionId || r.networkInterfaceId || r.instanceId || r.natGatewayId || r.transitGatewayId || r.egressOnlyInternetGatewayId || "";

export function RouteTablesPage() {
  const p = useResources(() => describeAll("DescribeRouteTables", "routeTableSet"), (x) => x.routeTableId);
  const sel = p.sel;
  const [vpc, setVpc] = useState("");
  const [name, setName] = useState("");
  return (
    <ResourcePage
        title="Route tables"
        r={p}
        columns={[
          nameCol,
          { title: "Route table ID", value: (r) => r.routeTableId },
          { title: "Explicit subnet associations", value: (r) => list(r.associationSet).filter((a) => a.subnetId).length },
          { title: "Main", value: (r) => (list(r.associationSet).some((a) => a.main === "true") ? "Yes" : "No") },
          { title: "VPC", value: (r) => r.vpcId },
          { title: "Owner ID", value: (r) => r.ownerId },
        ]}
        actions={
          <>
            <button disabled={!sel} onClick={() => act(() => ec2("DeleteRouteTable", { RouteTableId: sel.routeTableId }), p.setError, `Delete ${sel.routeTableId}?`)}>
              Delete route table
            </button>
            <button class="primary" onClick={() => (setVpc(""), setName(""), p.setDialog("create"))}>
              Create route table
            </button>
          </>
        }
      >
      {sel && (
        <Details title={sel.routeTableId}>
          <Tabs
            tabs={[
              {
                title: "Routes",
                body: () => (
                  <>
                    <div class="actions">
                      <button id="edit-routes" onClick={() => p.setDialog("routes")}>
                        Edit routes
                      </button>
                    </div>
                    <table class="resources inner" id="routes">
                      <thead>
                        <tr>
                          <th>Destination</th>
                          <th>Target</th>
                          <th>Status</th>
                          <th>Propagated</th>
                        </tr>
                      </thead>
                      <tbody>
                        {list(sel.routeSet).map((r) => (
                          <tr>
                            <td>{r.destinationCidrBlock ?? r.destinationIpv6CidrBlock ?? r.destinationPrefixListId}</td>
                            <td>{routeTarget(r)}</td>
                            <td>
                              <State s={r.state} />
                            </td>
                            <td>{r.origin === "EnableVgwRoutePropagation" ? "Yes" : "No"}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </>
                ),
              },
              {
                title: "Route propagation",
                body: () => <RoutePropagation rtb={sel} onError={p.setError} />,
              },
              {
                title: "Subnet associations",
                body: () => (
                  <>
                    <div class="actions">
                      <button id="edit-associations" onClick={() => p.setDialog("assoc")}>
                        Edit subnet associations
                      </button>
                    </div>
                    <table class="resources inner" id="associations">
                      <thead>
                        <tr>
                          <th>Subnet ID</th>
                          <th>Association ID</th>
                        </tr>
                      </thead>
                      <tbody>
                        {list(sel.associationSet)
                          .filter((a) => a.subnetId)
                          .map((a) => (
                            <tr>
                              <td>{a.subnetId}</td>
                              <td>{a.routeTableAssociationId}</td>
                            </tr>
                          ))}
                      </tbody>
                    </table>
                  </>
                ),
              },
            ]}
          />
        </Details>
      )}
      {p.dialog === "create" && (
        <FormDialog title="Create route table" submitLabel="Create route table" onClose={p.close} submit={() => ec2("CreateRouteTable", { VpcId: vpc, TagSpecification: nameTag("route-table", name) })}>
          <Field label="Name">
            <input value={name} onInput={(e) => setName(val(e))} />
          </Field>
          <Field label="VPC">
            <VpcSelect id="rtb-vpc" value={vpc} onChange={setVpc} />
          </Field>
        </FormDialog>
      )}
      {p.dialog === "routes" && sel && <EditRoutes rtb={sel} onClose={p.close} />}
      {p.dialog === "assoc" && sel && <EditAssociations rtb={sel} onClose={p.close} />}
    </ResourcePage>
  );
}

/** The virtual private gateways attached to the table's VPC, each with its propagation state and a toggle. */
function RoutePropagation({ rtb, onError }: { rtb: any; onError: (e: ApiError | undefined) => void }) {
  const vgws = useLive(() => describeAll("DescribeVpnGateways", "vpnGatewaySet", { Filter: [{ Name: "attachment.vpc-id", Value: [rtb.vpcId] }] }), [rtb.vpcId]).data ?? [];
  const on = new Set(list(rtb.propagatingVgwSet).map((v) => v.gatewayId));
  return (
    <table class="resources inner" id="route-propagation">
      <thead>
        <tr>
          <th>Virtual private gateway</th>
          <th>Propagation</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {vgws
          .filter((g) => list(g.attachments).some((a) => a.vpcId === rtb.vpcId && a.state !== "detached"))
          .map((g) => (
          <tr data-vgw={g.vpnGatewayId}>
            <td>
              {g.vpnGatewayId} {nameOf(g) ? `(${nameOf(g)})` : ""}
            </td>
            <td>{on.has(g.vpnGatewayId) ? "Yes" : "No"}</td>
            <td>
              <button
                class="toggle-propagation"
                onClick={() => act(() => ec2(on.has(g.vpnGatewayId) ? "DisableVgwRoutePropagation" : "EnableVgwRoutePropagation", { RouteTableId: rtb.routeTableId, GatewayId: g.vpnGatewayId }), onError)}
              >
                {on.has(g.vpnGatewayId) ? "Disable" : "Enable"} route propagation
              </button>
            </td>
          </tr>
          ))}
      </tbody>
    </table>
  );
}

function EditRoutes({ rtb, onClose }: { rtb: any; onClose: () => void }) {
  const original = list(rtb.routeSet).filter((r) => r.destinationCidrBlock);
  const [rows, setRows] = useState(original.map((r) => ({ dest: r.destinationCidrBlock as string, target: routeTarget(r) as string, orig: r.destinationCidrBlock as string | undefined })));
  const set = (i: number, patch: Partial<(typeof rows)[number]>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const targetParams = (t: string) => {
    const k = t.startsWith("pcx-") ? "VpcPeeringConnectionId" : t.startsWith("tgw-") ? "TransitGatewayId" : t.startsWith("nat-") ? "NatGatewayId" : t.startsWith("eni-") ? "NetworkInterfaceId" : t.startsWith("i-") ? "InstanceId" : "GatewayId";
    return { [k]: t };
  };
  const submit = async () => {
    // Deletions first, so a destination moved to a new row does not collide with its old route.
    for (const o of original) {
      if (o.gatewayId === "local") continue;
      const now = rows.find((r) => r.orig === o.destinationCidrBlock);
      if (!now || now.dest !== o.destinationCidrBlock) await ec2("DeleteRoute", { RouteTableId: rtb.routeTableId, DestinationCidrBlock: o.destinationCidrBlock });
    }
    for (const r of rows) {
      const o = original.find((x) => x.destinationCidrBlock === r.orig);
      if (o?.gatewayId === "local") continue;
      if (o && o.destinationCidrBlock === r.dest) {
        if (routeTarget(o) !== r.target) await ec2("ReplaceRoute", { RouteTableId: rtb.routeTableId, DestinationCidrBlock: r.dest, ...targetParams(r.target.trim()) });
      } else await ec2("CreateRoute", { RouteTableId: rtb.routeTableId, DestinationCidrBlock: r.dest.trim(), ...targetParams(r.target.trim()) });
    }
  };
  return (
    <FormDialog id="edit-routes-form" wide title={`Edit routes: ${rtb.routeTableId}`} submitLabel="Save changes" onClose={onClose} submit={submit}>
      <table class="edit-rows">
        <thead>
          <tr>
            <th>Destination</th>
            <th>Target</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => {
            const local = r.target === "local" && r.orig !== undefined;
            return (
              <tr>
                <td>
                  <input class="route-dest" value={r.dest} disabled={local} onInput={(e) => set(i, { dest: val(e) })} required />
                </td>
                <td>
                  <input class="route-target" value={r.target} disabled={local} placeholder="igw-…, pcx-…, tgw-…, eni-…, i-…" onInput={(e) => set(i, { target: val(e) })} required />
                </td>
                <td>{!local && <button type="button" onClick={() => setRows(rows.filter((_, j) => j !== i))}>Remove</button>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <button type="button" id="add-route" onClick={() => setRows([...rows, { dest: "", target: "", orig: undefined }])}>
        Add route
      </button>
    </FormDialog>
  );
}

function EditAssociations({ rtb, onClose }: { rtb: any; onClose: () => void }) {
  const subnets = useLive(() => describeAll("DescribeSubnets", "subnetSet", { Filter: [{ Name: "vpc-id", Value: [rtb.vpcId] }] })).data ?? [];
  const current = new Map<string, string>(list(rtb.associationSet).filter((a) => a.subnetId).map((a) => [a.subnetId, a.routeTableAssociationId]));
  const [chosen, setChosen] = useState(new Set(current.keys()));
  const submit = async () => {
    for (const [subnet, assoc] of current) if (!chosen.has(subnet)) await ec2("DisassociateRouteTable", { AssociationId: assoc });
    for (const s of chosen) if (!current.has(s)) await ec2("AssociateRouteTable", { RouteTableId: rtb.routeTableId, SubnetId: s });
  };
  return (
    <FormDialog id="edit-associations-form" wide title={`Edit subnet associations: ${rtb.routeTableId}`} submitLabel="Save associations" onClose={onClose} submit={submit}>
      <table class="resources inner">
        <thead>
          <tr>
            <th />
            <th>Name</th>
            <th>Subnet ID</th>
            <th>IPv4 CIDR</th>
          </tr>
        </thead>
        <tbody>
          {subnets.map((s) => (
            <tr>
              <td>
                <input
                  type="checkbox"
                  data-subnet={s.subnetId}
                  checked={chosen.has(s.subnetId)}
                  onChange={(e) => {
                    const n = new Set(chosen);
                    (e.target as HTMLInputElement).checked ? n.add(s.subnetId) : n.delete(s.subnetId);
                    setChosen(n);
                  }}
                />
              </td>
              <td>{nameOf(s) || "–"}</td>
              <td>{s.subnetId}</td>
              <td>{s.cidrBlock}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </FormDialog>
  );
}

// ---- Internet gateways -----------------------------------------------------------------------------

export function InternetGatewaysPage() {
  const p = useResources(() => describeAll("DescribeInternetGateways", "internetGatewaySet"), (x) => x.internetGatewayId);
  const sel = p.sel;
  const [name, setName] = useState("");
  const [vpc, setVpc] = useState("");
  const attached = sel && list(sel.attachmentSet)[0]?.vpcId;
  return (
    <ResourcePage
      r={p}
      title="Internet gateways"
      columns={[
        nameCol,
        { title: "Internet gateway ID", value: (r) => r.internetGatewayId },
        { title: "State", value: (r) => list(r.attachmentSet)[0]?.state ?? "detached", render: (r) => <State s={list(r.attachmentSet)[0]?.state ?? "detached"} /> },
        { title: "VPC ID", value: (r) => list(r.attachmentSet)[0]?.vpcId ?? "–" },
        { title: "Owner", value: (r) => r.ownerId },
      ]}
      actions={
        <>
          <button disabled={!sel || !!attached} onClick={() => (setVpc(""), p.setDialog("attach"))}>
            Attach to VPC
          </button>
          <button disabled={!attached} onClick={() => act(() => ec2("DetachInternetGateway", { InternetGatewayId: sel.internetGatewayId, VpcId: attached }), p.setError, `Detach ${sel.internetGatewayId} from ${attached}?`)}>
            Detach from VPC
          </button>
        </>
      }
      del={{ label: "Delete", run: (sel) => ec2("DeleteInternetGateway", { InternetGatewayId: sel.internetGatewayId }) }}
      create={{ label: "Create internet gateway", open: () => setName("") }}
    >
      {p.dialog === "create" && (
        <FormDialog title="Create internet gateway" submitLabel="Create internet gateway" onClose={p.close} submit={() => ec2("CreateInternetGateway", { TagSpecification: nameTag("internet-gateway", name) })}>
          <Field label="Name tag">
            <input value={name} onInput={(e) => setName(val(e))} />
          </Field>
        </FormDialog>
      )}
      {p.dialog === "attach" && sel && (
        <FormDialog title={`Attach to VPC: ${sel.internetGatewayId}`} submitLabel="Attach internet gateway" onClose={p.close} submit={() => ec2("AttachInternetGateway", { InternetGatewayId: sel.internetGatewayId, VpcId: vpc })}>
          <Field label="Available VPCs">
            <VpcSelect id="igw-vpc" value={vpc} onChange={setVpc} />
          </Field>
        </FormDialog>
      )}
    </ResourcePage>
  );
}

// ---- Peering connections ---------------------------------------------------------------------------

export function PeeringPage(props: { regions: string[] }) {
  const p = useResources(() => describeAll("DescribeVpcPeeringConnections", "vpcPeeringConnectionSet"), (x) => x.vpcPeeringConnectionId);
  const sel = p.sel;
  const [f, setF] = useState({ name: "", vpc: "", otherAccount: "", region: "", peerVpc: "" });
  const status = (r: any) => r.status?.code ?? "";
  const canAccept = sel && status(sel) === "pending-acceptance" && sel.accepterVpcInfo?.region === session.region && sel.accepterVpcInfo?.ownerId === session.account;
  return (
    <ResourcePage
        title="Peering connections"
        r={p}
        columns={[
          nameCol,
          { title: "Peering connection ID", value: (r) => r.vpcPeeringConnectionId },
          { title: "Status", value: status, render: (r) => <State s={status(r)} /> },
          { title: "Requester VPC", value: (r) => r.requesterVpcInfo?.vpcId },
          { title: "Accepter VPC", value: (r) => r.accepterVpcInfo?.vpcId },
          { title: "Requester CIDRs", value: (r) => r.requesterVpcInfo?.cidrBlock ?? "" },
          { title: "Accepter CIDRs", value: (r) => r.accepterVpcInfo?.cidrBlock ?? "–" },
          { title: "Requester Region", value: (r) => r.requesterVpcInfo?.region },
          { title: "Accepter Region", value: (r) => r.accepterVpcInfo?.region },
          { title: "Requester owner ID", value: (r) => r.requesterVpcInfo?.ownerId },
          { title: "Accepter owner ID", value: (r) => r.accepterVpcInfo?.ownerId },
        ]}
        actions={
          <>
            <button id="accept-peering" disabled={!canAccept} onClick={() => act(() => ec2("AcceptVpcPeeringConnection", { VpcPeeringConnectionId: sel.vpcPeeringConnectionId }), p.setError, `Accept ${sel.vpcPeeringConnectionId}?`)}>
              Accept request
            </button>
            <button disabled={!canAccept} onClick={() => act(() => ec2("RejectVpcPeeringConnection", { VpcPeeringConnectionId: sel.vpcPeeringConnectionId }), p.setError, `Reject ${sel.vpcPeeringConnectionId}?`)}>
              Reject request
            </button>
            <button disabled={!sel} onClick={() => act(() => ec2("DeleteVpcPeeringConnection", { VpcPeeringConnectionId: sel.vpcPeeringConnectionId }), p.setError, `Delete ${sel.vpcPeeringConnectionId}?`)}>
              Delete peering connection
            </button>
            <button class="primary" id="create-peering" onClick={() => (setF({ name: "", vpc: "", otherAccount: "", region: "", peerVpc: "" }), p.setDialog("create"))}>
              Create peering connection
            </button>
          </>
        }
      >
      {sel && (
        <Details title={sel.vpcPeeringConnectionId}>
          <KV rows={{ Status: `${status(sel)}: ${sel.status?.message ?? ""}`, "Expiration time": sel.expirationTime ?? "–", Requester: `${sel.requesterVpcInfo?.vpcId} (${sel.requesterVpcInfo?.region}, ${sel.requesterVpcInfo?.ownerId})`, Accepter: `${sel.accepterVpcInfo?.vpcId} (${sel.accepterVpcInfo?.region}, ${sel.accepterVpcInfo?.ownerId})` }} />
        </Details>
      )}
      {p.dialog === "create" && (
        <FormDialog
          id="create-peering-form"
          title="Create peering connection"
          submitLabel="Create peering connection"
          onClose={p.close}
          submit={() =>
            ec2("CreateVpcPeeringConnection", {
              VpcId: f.vpc,
              PeerVpcId: f.peerVpc.trim(),
              PeerOwnerId: f.otherAccount.trim() || undefined,
              PeerRegion: f.region || undefined,
              TagSpecification: nameTag("vpc-peering-connection", f.name),
            })
          }
        >
          <Field label="Name">
            <input id="pcx-name" value={f.name} onInput={(e) => setF({ ...f, name: val(e) })} />
          </Field>
          <Field label="VPC ID (Requester)">
            <VpcSelect id="pcx-vpc" value={f.vpc} onChange={(vpc) => setF({ ...f, vpc })} />
          </Field>
          <Field label="Account" hint="Leave empty for My account; or another account's 12-digit id">
            <input id="pcx-account" value={f.otherAccount} onInput={(e) => setF({ ...f, otherAccount: val(e) })} placeholder={session.account} />
          </Field>
          <Field label="Region">
            <select id="pcx-region" value={f.region} onChange={(e) => setF({ ...f, region: val(e) })}>
              <option value="">This Region ({session.region})</option>
              {props.regions
                .filter((r) => r !== session.region)
                .map((r) => (
                  <option value={r}>Another Region: {r}</option>
                ))}
            </select>
          </Field>
          <Field label="VPC ID (Accepter)">
            <input id="pcx-peer-vpc" value={f.peerVpc} onInput={(e) => setF({ ...f, peerVpc: val(e) })} placeholder="vpc-…" required />
          </Field>
        </FormDialog>
      )}
    </ResourcePage>
  );
}

// ---- Security groups -------------------------------------------------------------------------------

const RULE_TYPES: Record<string, { proto: string; from?: number; to?: number }> = {
  "Custom TCP": { proto: "tcp" },
  "Custom UDP": { proto: "udp" },
  "All ICMP - IPv4": { proto: "icmp", from: -1, to: -1 },
  "All traffic": { proto: "-1" },
  SSH: { proto: "tcp", from: 22, to: 22 },
  HTTP: { proto: "tcp", from: 80, to: 80 },
  HTTPS: { proto: "tcp", from: 443, to: 443 },
};

function ruleType(r: any): string {
  if (r.ipProtocol === "-1") return "All traffic";
  if (r.ipProtocol === "icmp") return "All ICMP - IPv4";
  for (const [k, t] of Object.entries(RULE_TYPES)) if (t.from !== undefined && t.proto === r.ipProtocol && String(t.from) === r.fromPort && String(t.to) === r.toPort) return k;
  return r.ipProtocol === "udp" ? "Custom UDP" : "Custom TCP";
}
const ports = (r: any) => (r.ipProtocol === "-1" || r.ipProtocol === "icmp" ? "All" : r.fromPort === r.toPort ? r.fromPort : `${r.fromPort}-${r.toPort}`);
const peerOf = (r: any) => r.cidrIpv4 || r.cidrIpv6 || r.prefixListId || r.referencedGroupInfo?.groupId || "";

export function SecurityGroupsPage() {
  const p = useResources(() => describeAll("DescribeSecurityGroups", "securityGroupInfo"), (x) => x.groupId);
  const sel = p.sel;
  const rules = useLive(() => (sel ? describeAll("DescribeSecurityGroupRules", "securityGroupRuleSet", { Filter: [{ Name: "group-id", Value: [sel.groupId] }] }) : Promise.resolve([])), [sel?.groupId]).data ?? [];
  const [f, setF] = useState({ name: "", description: "", vpc: "" });
  const ruleTable = (egress: boolean) => (
    <>
      <div class="actions">
        <button id={egress ? "edit-outbound" : "edit-inbound"} onClick={() => p.setDialog(egress ? "egress" : "ingress")}>
          Edit {egress ? "outbound" : "inbound"} rules
        </button>
      </div>
      <table class="resources inner" id={egress ? "outbound-rules" : "inbound-rules"}>
        <thead>
          <tr>
            <th>Security group rule ID</th>
            <th>Type</th>
            <th>Protocol</th>
            <th>Port range</th>
            <th>{egress ? "Destination" : "Source"}</th>
            <th>Description</th>
          </tr>
        </thead>
        <tbody>
          {rules
            .filter((r) => (r.isEgress === "true") === egress)
            .map((r) => (
              <tr>
                <td>{r.securityGroupRuleId}</td>
                <td>{ruleType(r)}</td>
                <td>{r.ipProtocol === "-1" ? "All" : r.ipProtocol.toUpperCase()}</td>
                <td>{ports(r)}</td>
                <td>{peerOf(r)}</td>
                <td>{r.description || "–"}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </>
  );
  return (
    <ResourcePage
        title="Security Groups"
        r={p}
        columns={[
          nameCol,
          { title: "Security group ID", value: (r) => r.groupId },
          { title: "Security group name", value: (r) => r.groupName },
          { title: "VPC ID", value: (r) => r.vpcId },
          { title: "Description", value: (r) => r.groupDescription },
          { title: "Owner", value: (r) => r.ownerId },
          { title: "Inbound rules count", value: (r) => list(r.ipPermissions).length },
          { title: "Outbound rules count", value: (r) => list(r.ipPermissionsEgress).length },
        ]}
        actions={
          <>
            <button disabled={!sel} onClick={() => act(() => ec2("DeleteSecurityGroup", { GroupId: sel.groupId }), p.setError, `Delete ${sel.groupId}?`)}>
              Delete security group
            </button>
            <button class="primary" onClick={() => (setF({ name: "", description: "", vpc: "" }), p.setDialog("create"))}>
              Create security group
            </button>
          </>
        }
      >
      {sel && (
        <Details title={`${sel.groupId} - ${sel.groupName}`}>
          <Tabs
            tabs={[
              { title: "Inbound rules", body: () => ruleTable(false) },
              { title: "Outbound rules", body: () => ruleTable(true) },
            ]}
          />
        </Details>
      )}
      {p.dialog === "create" && (
        <FormDialog title="Create security group" submitLabel="Create security group" onClose={p.close} submit={() => ec2("CreateSecurityGroup", { GroupName: f.name, GroupDescription: f.description, VpcId: f.vpc })}>
          <Field label="Security group name">
            <input value={f.name} onInput={(e) => setF({ ...f, name: val(e) })} required />
          </Field>
          <Field label="Description">
            <input value={f.description} onInput={(e) => setF({ ...f, description: val(e) })} required />
          </Field>
          <Field label="VPC">
            <VpcSelect id="sg-vpc" value={f.vpc} onChange={(vpc) => setF({ ...f, vpc })} />
          </Field>
        </FormDialog>
      )}
      {(p.dialog === "ingress" || p.dialog === "egress") && sel && <EditRules group={sel} egress={p.dialog === "egress"} rules={rules.filter((r) => (r.isEgress === "true") === (p.dialog === "egress"))} onClose={p.close} />}
    </ResourcePage>
  );
}

interface RuleRow {
  id?: string;
  type: string;
  from: string;
  to: string;
  peer: string;
  description: string;
}

function EditRules({ group, egress, rules, onClose }: { group: any; egress: boolean; rules: any[]; onClose: () => void }) {
  const toRow = (r: any): RuleRow => ({ id: r.securityGroupRuleId, type: ruleType(r), from: r.fromPort ?? "", to: r.toPort ?? "", peer: peerOf(r), description: r.description ?? "" });
  const [rows, setRows] = useState<RuleRow[]>(rules.map(toRow));
  const set = (i: number, patch: Partial<RuleRow>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const verb = egress ? "Egress" : "Ingress";
  const perm = (r: RuleRow) => {
    const t = RULE_TYPES[r.type]!;
    const from = t.from ?? (t.proto === "-1" ? undefined : Number(r.from));
    const to = t.to ?? (t.proto === "-1" ? undefined : Number(r.to || r.from));
    const peer = r.peer.trim();
    return {
      IpProtocol: t.proto,
      FromPort: from,
      ToPort: to,
      ...(peer.startsWith("sg-") ? { Groups: [{ GroupId: peer, Description: r.description || undefined }] } : { IpRanges: [{ CidrIp: peer, Description: r.description || undefined }] }),
    };
  };
  const submit = async () => {
    const original = new Map(rules.map((r) => [r.securityGroupRuleId as string, toRow(r)]));
    const same = (a: RuleRow, b: RuleRow) => JSON.stringify({ ...a, id: 0 }) === JSON.stringify({ ...b, id: 0 });
    const kept = new Set(rows.filter((r) => r.id && same(r, original.get(r.id)!)).map((r) => r.id!));
    const revoke = [...original.keys()].filter((id) => !kept.has(id));
    const add = rows.filter((r) => !r.id || !kept.has(r.id));
    if (add.length) await ec2(`AuthorizeSecurityGroup${verb}`, { GroupId: group.groupId, IpPermissions: add.map(perm) });
    if (revoke.length) await ec2(`RevokeSecurityGroup${verb}`, { GroupId: group.groupId, SecurityGroupRuleId: revoke });
  };
  return (
    <FormDialog id="edit-rules-form" wide title={`Edit ${egress ? "outbound" : "inbound"} rules: ${group.groupId}`} submitLabel="Save rules" onClose={onClose} submit={submit}>
      <table class="edit-rows">
        <thead>
          <tr>
            <th>Type</th>
            <th>Port range</th>
            <th>{egress ? "Destination" : "Source"}</th>
            <th>Description</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => {
            const t = RULE_TYPES[r.type]!;
            const fixed = t.from !== undefined || t.proto === "-1";
            return (
              <tr>
                <td>
                  <select class="rule-type" value={r.type} onChange={(e) => set(i, { type: val(e) })}>
                    {Object.keys(RULE_TYPES).map((k) => (
                      <option value={k}>{k}</option>
                    ))}
                  </select>
                </td>
                <td>
                  <input class="rule-port" value={fixed ? (t.proto === "-1" || t.proto === "icmp" ? "All" : String(t.from)) : r.from === r.to || !r.to ? r.from : `${r.from}-${r.to}`} disabled={fixed} onInput={(e) => { const [a, b] = val(e).split("-"); set(i, { from: a ?? "", to: b ?? a ?? "" }); }} />
                </td>
                <td>
                  <input class="rule-peer" value={r.peer} placeholder="0.0.0.0/0, 10.0.0.0/16 or sg-…" onInput={(e) => set(i, { peer: val(e) })} required />
                </td>
                <td>
                  <input class="rule-description" value={r.description} onInput={(e) => set(i, { description: val(e) })} />
                </td>
                <td>
                  <button type="button" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                    Delete
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <button type="button" id="add-rule" onClick={() => setRows([...rows, { type: "Custom TCP", from: "", to: "", peer: "", description: "" }])}>
        Add rule
      </button>
    </FormDialog>
  );
}

// ---- Network ACLs ----------------------------------------------------------------------------------

export function NetworkAclsPage() {
  const p = useResources(() => describeAll("DescribeNetworkAcls", "networkAclSet"), (x) => x.networkAclId);
  const sel = p.sel;
  const entries = (egress: boolean) => (
    <table class="resources inner">
      <thead>
        <tr>
          <th>Rule number</th>
          <th>Protocol</th>
          <th>Port range</th>
          <th>{egress ? "Destination" : "Source"}</th>
          <th>Allow/Deny</th>
        </tr>
      </thead>
      <tbody>
        {list(sel.entrySet)
          .filter((e) => (e.egress === "true") === egress)
          .sort((a, b) => Number(a.ruleNumber) - Number(b.ruleNumber))
          .map((e) => (
            <tr>
              <td>{e.ruleNumber === "32767" ? "*" : e.ruleNumber}</td>
              <td>{e.protocol === "-1" ? "All" : e.protocol === "6" ? "TCP (6)" : e.protocol === "17" ? "UDP (17)" : e.protocol === "1" ? "ICMP (1)" : e.protocol}</td>
              <td>{e.portRange ? `${e.portRange.from}-${e.portRange.to}` : "All"}</td>
              <td>{e.cidrBlock}</td>
              <td>
                <State s={e.ruleAction === "allow" ? "Allow" : "Deny"} />
              </td>
            </tr>
          ))}
      </tbody>
    </table>
  );
  return (
    <ResourcePage
        title="Network ACLs"
        r={p}
        columns={[
          nameCol,
          { title: "Network ACL ID", value: (r) => r.networkAclId },
          { title: "Associated with", value: (r) => list(r.associationSet).length + " Subnets" },
          { title: "Default", value: (r) => (r.default === "true" ? "Yes" : "No") },
          { title: "VPC ID", value: (r) => r.vpcId },
          { title: "Inbound rules count", value: (r) => list(r.entrySet).filter((e) => e.egress !== "true").length },
          { title: "Outbound rules count", value: (r) => list(r.entrySet).filter((e) => e.egress === "true").length },
          { title: "Owner", value: (r) => r.ownerId },
        ]}
      >
      {sel && (
        <Details title={sel.networkAclId}>
          <Tabs
            tabs={[
              { title: "Inbound rules", body: () => entries(false) },
              { title: "Outbound rules", body: () => entries(true) },
              { title: "Subnet associations", body: () => <KV rows={Object.fromEntries(list(sel.associationSet).map((a) => [a.subnetId, a.networkAclAssociationId]))} /> },
            ]}
          />
        </Details>
      )}
    </ResourcePage>
  );
}

// ---- Instances -------------------------------------------------------------------------------------

export function InstancesPage() {
  const p = useResources(() => describeAll("DescribeInstances", "reservationSet").then((rs) => rs.flatMap((r) => list(r.instancesSet))), (x) => x.instanceId);
  const sel = p.sel;
  const [f, setF] = useState({ name: "", image: "", type: "t3.micro", vpc: "", subnet: "", sgs: [] as string[], publicIp: false });
  const launching = p.dialog === "launch";
  const images = useLive(() => (launching ? ec2("DescribeImages", { Owner: ["amazon"] }).then((r) => list(r.imagesSet)) : Promise.resolve([])), [launching]).data ?? [];
  const subnets = useLive(() => (f.vpc ? describeAll("DescribeSubnets", "subnetSet", { Filter: [{ Name: "vpc-id", Value: [f.vpc] }] }) : Promise.resolve([])), [f.vpc]).data ?? [];
  const groups = useLive(() => (f.vpc ? describeAll("DescribeSecurityGroups", "securityGroupInfo", { Filter: [{ Name: "vpc-id", Value: [f.vpc] }] }) : Promise.resolve([])), [f.vpc]).data ?? [];
  const state = (r: any) => r.instanceState?.name ?? "";
  return (
    <ResourcePage
        title="Instances"
        r={p}
        columns={[
          nameCol,
          { title: "Instance ID", value: (r) => r.instanceId },
          { title: "Instance state", value: state, render: (r) => <State s={state(r)} /> },
          { title: "Instance type", value: (r) => r.instanceType },
          { title: "Availability Zone", value: (r) => r.placement?.availabilityZone },
          { title: "Private IPv4 address", value: (r) => r.privateIpAddress ?? "–" },
          { title: "Public IPv4 address", value: (r) => r.ipAddress ?? "–" },
          { title: "VPC ID", value: (r) => r.vpcId ?? "" },
          { title: "Subnet ID", value: (r) => r.subnetId ?? "" },
          { title: "Security groups", value: (r) => list(r.groupSet).map((g) => g.groupName).join(", ") },
        ]}
        actions={
          <>
            <button disabled={!sel || state(sel) !== "stopped"} onClick={() => act(() => ec2("StartInstances", { InstanceId: [sel.instanceId] }), p.setError)}>
              Start instance
            </button>
            <button disabled={!sel || state(sel) !== "running"} onClick={() => act(() => ec2("StopInstances", { InstanceId: [sel.instanceId] }), p.setError, `Stop ${sel.instanceId}?`)}>
              Stop instance
            </button>
            <button disabled={!sel || state(sel) === "terminated"} onClick={() => act(() => ec2("TerminateInstances", { InstanceId: [sel.instanceId] }), p.setError, `Terminate ${sel.instanceId}?`)}>
              Terminate instance
            </button>
            <button class="primary" id="launch-instance" onClick={() => (setF({ name: "", image: "", type: "t3.micro", vpc: "", subnet: "", sgs: [], publicIp: false }), p.setDialog("launch"))}>
              Launch instances
            </button>
          </>
        }
      >
      {sel && (
        <Details title={sel.instanceId}>
          <KV rows={{ "Instance ID": sel.instanceId, "Private IPv4 address": sel.privateIpAddress, "Public IPv4 address": sel.ipAddress ?? "–", "Network interface": list(sel.networkInterfaceSet).map((n) => n.networkInterfaceId).join(", "), AMI: sel.imageId, "Security groups": list(sel.groupSet).map((g) => g.groupId).join(", ") }} />
        </Details>
      )}
      {launching && (
        <FormDialog
          id="launch-form"
          wide
          title="Launch an instance"
          submitLabel="Launch instance"
          onClose={p.close}
          submit={() =>
            ec2("RunInstances", {
              ImageId: f.image || images[0]?.imageId,
              InstanceType: f.type,
              MinCount: 1,
              MaxCount: 1,
              NetworkInterface: [{ DeviceIndex: 0, SubnetId: f.subnet, SecurityGroupId: f.sgs, AssociatePublicIpAddress: f.publicIp ? "true" : undefined }],
              TagSpecification: nameTag("instance", f.name),
            })
          }
        >
          <Field label="Name">
            <input id="launch-name" value={f.name} onInput={(e) => setF({ ...f, name: val(e) })} />
          </Field>
          <Field label="Amazon Machine Image (AMI)">
            <select id="launch-image" value={f.image} onChange={(e) => setF({ ...f, image: val(e) })}>
              {images.map((i) => (
                <option value={i.imageId}>
                  {i.name} ({i.imageId})
                </option>
              ))}
            </select>
          </Field>
          <Field label="Instance type">
            <select id="launch-type" value={f.type} onChange={(e) => setF({ ...f, type: val(e) })}>
              {["t3.micro", "t3.small", "t3.medium", "t2.micro", "m5.large", "c5.large"].map((t) => (
                <option>{t}</option>
              ))}
            </select>
          </Field>
          <Field label="VPC">
            <VpcSelect id="launch-vpc" value={f.vpc} onChange={(vpc) => setF({ ...f, vpc, subnet: "", sgs: [] })} />
          </Field>
          <Field label="Subnet">
            <select id="launch-subnet" value={f.subnet} onChange={(e) => setF({ ...f, subnet: val(e) })} required>
              <option value="">Select a subnet</option>
              {subnets.map((s) => (
                <option value={s.subnetId}>
                  {s.subnetId} {nameOf(s)} {s.availabilityZone} {s.cidrBlock}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Auto-assign public IP">
            <input type="checkbox" checked={f.publicIp} onChange={(e) => setF({ ...f, publicIp: (e.target as HTMLInputElement).checked })} />
          </Field>
          <Field label="Security groups">
            <div class="checks" id="launch-sgs">
              {groups.map((g) => (
                <label>
                  <input
                    type="checkbox"
                    value={g.groupId}
                    checked={f.sgs.includes(g.groupId)}
                    onChange={(e) => setF({ ...f, sgs: (e.target as HTMLInputElement).checked ? [...f.sgs, g.groupId] : f.sgs.filter((x) => x !== g.groupId) })}
                  />
                  {g.groupId} ({g.groupName})
                </label>
              ))}
            </div>
          </Field>
        </FormDialog>
      )}
    </ResourcePage>
  );
}

// ---- Elastic IPs -----------------------------------------------------------------------------------

export function ElasticIpsPage() {
  const p = useResources(() => ec2("DescribeAddresses").then((r) => list(r.addressesSet)), (x) => x.allocationId);
  const sel = p.sel;
  const [instance, setInstance] = useState("");
  return (
    <ResourcePage
      r={p}
      title="Elastic IP addresses"
      columns={[
        nameCol,
        { title: "Allocated IPv4 address", value: (r) => r.publicIp },
        { title: "Type", value: () => "Public IP" },
        { title: "Allocation ID", value: (r) => r.allocationId },
        { title: "Associated instance ID", value: (r) => r.instanceId ?? "–" },
        { title: "Private IP address", value: (r) => r.privateIpAddress ?? "–" },
        { title: "Association ID", value: (r) => r.associationId ?? "–" },
        { title: "Network border group", value: (r) => r.networkBorderGroup ?? session.region },
      ]}
      actions={
        <>
          <button disabled={!sel || !!sel.associationId} onClick={() => (setInstance(""), p.setDialog("associate"))}>
            Associate Elastic IP address
          </button>
          <button disabled={!sel?.associationId} onClick={() => act(() => ec2("DisassociateAddress", { AssociationId: sel.associationId }), p.setError, `Disassociate ${sel.publicIp}?`)}>
            Disassociate Elastic IP address
          </button>
          <button disabled={!sel} onClick={() => act(() => ec2("ReleaseAddress", { AllocationId: sel.allocationId }), p.setError, `Release ${sel.publicIp}?`)}>
            Release Elastic IP addresses
          </button>
          <button class="primary" id="allocate-eip" onClick={() => act(() => ec2("AllocateAddress", { Domain: "vpc" }), p.setError)}>
            Allocate Elastic IP address
          </button>
        </>
      }
    >
      {p.dialog === "associate" && sel && (
        <FormDialog title={`Associate Elastic IP address: ${sel.publicIp}`} submitLabel="Associate" onClose={p.close} submit={() => ec2("AssociateAddress", { AllocationId: sel.allocationId, InstanceId: instance.trim() })}>
          <Field label="Instance">
            <input value={instance} onInput={(e) => setInstance(val(e))} placeholder="i-…" required />
          </Field>
        </FormDialog>
      )}
    </ResourcePage>
  );
}
