/**
 * The transit gateway pages, shaped like AWS's VPC console: Transit gateways, Transit gateway
 * attachments (VPC and peering; "Accept" for a pending peering in the accepter's Region) and Transit
 * gateway route tables (Routes, Associations and Propagations tabs; "Create static route", blackhole or
 * to an attachment). Every change is an EC2 API call; AWS's error text is shown when vpclab refuses.
 *
 * Fidelity notes: AWS's console lists the routes of a route table with SearchTransitGatewayRoutes
 * filtered on state, as here; it shows at most 1000 (the call's own limit).
 */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { ApiError, describeAll, ec2, list, nameOf, session } from "./api";
import { act, Field, FormDialog, State, Tabs, useLive } from "./ui";
import { VpcSelect } from "./pages";
import { Details, KV, nameCol, nameTag, ResourcePage, tagsText, useResources, val } from "./resource";

function useTgws() {
  return useLive(() => describeAll("DescribeTransitGateways", "transitGatewaySet")).data ?? [];
}

function TgwSelect(props: { id: string; value: string; onChange: (v: string) => void }) {
  const tgws = useTgws();
  return (
    <select id={props.id} value={props.value} onChange={(e) => props.onChange(val(e))} required>
      <option value="">Select a transit gateway</option>
      {tgws
        .filter((t) => t.state !== "deleted")
        .map((t) => (
          <option value={t.transitGatewayId}>
            {t.transitGatewayId} {nameOf(t) ? `(${nameOf(t)})` : ""}
          </option>
        ))}
    </select>
  );
}

// ---- Transit gateways ------------------------------------------------------------------------------

export function TransitGatewaysPage() {
  const r = useResources(() => describeAll("DescribeTransitGateways", "transitGatewaySet"), (x) => x.transitGatewayId);
  const [f, setF] = useState({ name: "", description: "", asn: "" });
  return (
    <ResourcePage
      r={r}
      title="Transit gateways"
      columns={[
        nameCol,
        { title: "Transit gateway ID", value: (r) => r.transitGatewayId },
        { title: "Owner ID", value: (r) => r.ownerId },
        { title: "State", value: (r) => r.state, render: (r) => <State s={r.state} /> },
        { title: "Amazon ASN", value: (r) => r.options?.amazonSideAsn ?? "" },
        { title: "Default association route table", value: (r) => r.options?.associationDefaultRouteTableId || "–" },
        { title: "Default propagation route table", value: (r) => r.options?.propagationDefaultRouteTableId || "–" },
      ]}
      del={{ label: "Delete transit gateway", run: (sel) => ec2("DeleteTransitGateway", { TransitGatewayId: sel.transitGatewayId }) }}
      create={{ label: "Create transit gateway", id: "create-tgw", open: () => setF({ name: "", description: "", asn: "" }) }}
      details={(sel) => (
        <KV
          rows={{
            "Transit gateway ID": sel.transitGatewayId,
            "Transit gateway ARN": sel.transitGatewayArn,
            State: sel.state,
            Description: sel.description || "–",
            "Amazon ASN": sel.options?.amazonSideAsn,
            "Default route table association": sel.options?.defaultRouteTableAssociation,
            "Default route table propagation": sel.options?.defaultRouteTablePropagation,
            "DNS support": sel.options?.dnsSupport,
            "VPN ECMP support": sel.options?.vpnEcmpSupport,
            "Auto accept shared attachments": sel.options?.autoAcceptSharedAttachments,
            Tags: tagsText(sel),
          }}
        />
      )}
    >
      {r.dialog === "create" && (
        <FormDialog
          id="create-tgw-form"
          title="Create transit gateway"
          submitLabel="Create transit gateway"
          onClose={r.close}
          submit={() => ec2("CreateTransitGateway", { Description: f.description || undefined, Options: f.asn ? { AmazonSideAsn: f.asn.trim() } : undefined, TagSpecification: nameTag("transit-gateway", f.name) })}
        >
          <Field label="Name tag">
            <input id="tgw-name" value={f.name} onInput={(e) => setF({ ...f, name: val(e) })} />
          </Field>
          <Field label="Description">
            <input id="tgw-description" value={f.description} onInput={(e) => setF({ ...f, description: val(e) })} />
          </Field>
          <Field label="Amazon side Autonomous System Number (ASN)" hint="Leave empty for 64512">
            <input id="tgw-asn" value={f.asn} onInput={(e) => setF({ ...f, asn: val(e) })} />
          </Field>
        </FormDialog>
      )}
    </ResourcePage>
  );
}

// ---- Transit gateway attachments -------------------------------------------------------------------

export function TgwAttachmentsPage(props: { regions: string[] }) {
  const p = useResources(() => describeAll("DescribeTransitGatewayAttachments", "transitGatewayAttachments"), (x) => x.transitGatewayAttachmentId);
  // The peering side of each peering attachment (requester and accepter), which the generic list does not carry.
  const peerings = useLive(() => describeAll("DescribeTransitGatewayPeeringAttachments", "transitGatewayPeeringAttachments")).data ?? [];
  const [f, setF] = useState({ type: "vpc", name: "", tgw: "", vpc: "", subnets: [] as string[], peerAccount: "", peerRegion: "", peerTgw: "" });
  const subnets = useLive(() => (f.vpc ? describeAll("DescribeSubnets", "subnetSet", { Filter: [{ Name: "vpc-id", Value: [f.vpc] }] }) : Promise.resolve([])), [f.vpc]).data ?? [];
  const sel = p.sel;
  const selPeering = sel && peerings.find((x) => x.transitGatewayAttachmentId === sel.transitGatewayAttachmentId);
  // Only the accepter may accept, in the accepter's Region (as on AWS).
  const canAccept = !!selPeering && sel.state === "pendingAcceptance" && selPeering.accepterTgwInfo?.region === session.region && selPeering.accepterTgwInfo?.ownerId === session.account;
  const del = (a: any) =>
    a.resourceType === "peering"
      ? ec2("DeleteTransitGatewayPeeringAttachment", { TransitGatewayAttachmentId: a.transitGatewayAttachmentId })
      : ec2("DeleteTransitGatewayVpcAttachment", { TransitGatewayAttachmentId: a.transitGatewayAttachmentId });
  const submit = () =>
    f.type === "vpc"
      ? ec2("CreateTransitGatewayVpcAttachment", { TransitGatewayId: f.tgw, VpcId: f.vpc, SubnetIds: f.subnets, TagSpecification: nameTag("transit-gateway-attachment", f.name) })
      : ec2("CreateTransitGatewayPeeringAttachment", {
          TransitGatewayId: f.tgw,
          PeerTransitGatewayId: f.peerTgw.trim(),
          PeerAccountId: f.peerAccount.trim() || session.account,
          PeerRegion: f.peerRegion || session.region,
          TagSpecification: nameTag("transit-gateway-attachment", f.name),
        });
  return (
    <ResourcePage
      r={p}
      title="Transit gateway attachments"
      columns={[
        nameCol,
        { title: "Transit gateway attachment ID", value: (r) => r.transitGatewayAttachmentId },
        { title: "Transit gateway ID", value: (r) => r.transitGatewayId },
        { title: "Resource type", value: (r) => (r.resourceType === "vpc" ? "VPC" : r.resourceType === "peering" ? "Peering" : r.resourceType) },
        { title: "Resource ID", value: (r) => r.resourceId },
        { title: "State", value: (r) => r.state, render: (r) => <State s={r.state} /> },
        { title: "Association route table ID", value: (r) => r.association?.transitGatewayRouteTableId ?? "–" },
        { title: "Association state", value: (r) => r.association?.state ?? "–" },
        { title: "Resource owner ID", value: (r) => r.resourceOwnerId },
      ]}
      actions={
        <>
          <button id="accept-tgw-peering" disabled={!canAccept} onClick={() => act(() => ec2("AcceptTransitGatewayPeeringAttachment", { TransitGatewayAttachmentId: sel.transitGatewayAttachmentId }), p.setError, `Accept ${sel.transitGatewayAttachmentId}?`)}>
            Accept transit gateway attachment
          </button>
          <button disabled={!canAccept} onClick={() => act(() => ec2("RejectTransitGatewayPeeringAttachment", { TransitGatewayAttachmentId: sel.transitGatewayAttachmentId }), p.setError, `Reject ${sel.transitGatewayAttachmentId}?`)}>
            Reject
          </button>
        </>
      }
      del={{ label: "Delete transit gateway attachment", run: del }}
      create={{ label: "Create transit gateway attachment", id: "create-tgw-attachment", open: () => setF({ type: "vpc", name: "", tgw: "", vpc: "", subnets: [], peerAccount: "", peerRegion: "", peerTgw: "" }) }}
      details={(sel) => {
        const selPeering = peerings.find((x) => x.transitGatewayAttachmentId === sel.transitGatewayAttachmentId);
        return (
          <KV
            rows={{
              "Transit gateway attachment ID": sel.transitGatewayAttachmentId,
              "Transit gateway ID": sel.transitGatewayId,
              State: sel.state,
              "Resource type": sel.resourceType,
              "Resource ID": sel.resourceId,
              ...(selPeering
                ? {
                    Requester: `${selPeering.requesterTgwInfo?.transitGatewayId} (${selPeering.requesterTgwInfo?.region}, ${selPeering.requesterTgwInfo?.ownerId})`,
                    Accepter: `${selPeering.accepterTgwInfo?.transitGatewayId} (${selPeering.accepterTgwInfo?.region}, ${selPeering.accepterTgwInfo?.ownerId})`,
                    Status: `${selPeering.status?.code ?? ""}: ${selPeering.status?.message ?? ""}`,
                  }
                : {}),
              Tags: tagsText(sel),
            }}
          />
        );
      }}
    >
      {p.dialog === "create" && (
        <FormDialog id="create-tgw-attachment-form" title="Create transit gateway attachment" submitLabel="Create transit gateway attachment" onClose={p.close} submit={submit}>
          <Field label="Name tag">
            <input id="tgwa-name" value={f.name} onInput={(e) => setF({ ...f, name: val(e) })} />
          </Field>
          <Field label="Transit gateway ID">
            <TgwSelect id="tgwa-tgw" value={f.tgw} onChange={(tgw) => setF({ ...f, tgw })} />
          </Field>
          <Field label="Attachment type">
            <select id="tgwa-type" value={f.type} onChange={(e) => setF({ ...f, type: val(e) })}>
              <option value="vpc">VPC</option>
              <option value="peering">Peering Connection</option>
            </select>
          </Field>
          {f.type === "vpc" ? (
            <>
              <Field label="VPC ID">
                <VpcSelect id="tgwa-vpc" value={f.vpc} onChange={(vpc) => setF({ ...f, vpc, subnets: [] })} />
              </Field>
              <Field label="Subnet IDs" hint="One subnet per Availability Zone">
                <div>
                  {subnets.map((s) => (
                    <label class="check">
                      <input
                        type="checkbox"
                        data-subnet={s.subnetId}
                        checked={f.subnets.includes(s.subnetId)}
                        onChange={(e) => setF({ ...f, subnets: (e.target as HTMLInputElement).checked ? [...f.subnets, s.subnetId] : f.subnets.filter((x) => x !== s.subnetId) })}
                      />{" "}
                      {s.availabilityZone}: {s.subnetId} {nameOf(s) ? `(${nameOf(s)})` : ""} {s.cidrBlock}
                    </label>
                  ))}
                </div>
              </Field>
            </>
          ) : (
            <>
              <Field label="Account" hint="Leave empty for My account; or another account's 12-digit id">
                <input id="tgwa-peer-account" value={f.peerAccount} onInput={(e) => setF({ ...f, peerAccount: val(e) })} placeholder={session.account} />
              </Field>
              <Field label="Region">
                <select id="tgwa-peer-region" value={f.peerRegion} onChange={(e) => setF({ ...f, peerRegion: val(e) })}>
                  <option value="">This Region ({session.region})</option>
                  {props.regions
                    .filter((r) => r !== session.region)
                    .map((r) => (
                      <option value={r}>{r}</option>
                    ))}
                </select>
              </Field>
              <Field label="Transit gateway (accepter)">
                <input id="tgwa-peer-tgw" value={f.peerTgw} onInput={(e) => setF({ ...f, peerTgw: val(e) })} placeholder="tgw-…" required />
              </Field>
            </>
          )}
        </FormDialog>
      )}
    </ResourcePage>
  );
}

// ---- Transit gateway route tables ------------------------------------------------------------------

/**
 * The Associations and Propagations tabs of a TGW route table: the same table of attachments (ids
 * `tgw-assoc-attachment`/`tgw-associations` and `tgw-prop-attachment`/`tgw-propagations`), one create
 * and one delete call each.
 */
function AttachmentLinks(props: {
  kind: "association" | "propagation";
  rtb: string | undefined;
  rows: any[];
  attach: string;
  setAttach: (v: string) => void;
  attachOptions: JSX.Element;
  create: string;
  remove: string;
  setError: (e: ApiError | undefined) => void;
}) {
  const { kind, rtb, attach } = props;
  const short = kind === "association" ? "assoc" : "prop";
  return (
    <>
      <div class="actions">
        <select id={`tgw-${short}-attachment`} value={attach} onChange={(e) => props.setAttach(val(e))}>
          {props.attachOptions}
        </select>
        <button disabled={!attach} onClick={() => act(() => ec2(props.create, { TransitGatewayRouteTableId: rtb, TransitGatewayAttachmentId: attach }), props.setError)}>
          Create {kind}
        </button>
      </div>
      <table class="resources inner" id={`tgw-${kind}s`}>
        <thead>
          <tr>
            <th>Attachment ID</th>
            <th>Resource ID</th>
            <th>Resource type</th>
            <th>State</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {props.rows.map((a) => (
            <tr>
              <td>{a.transitGatewayAttachmentId}</td>
              <td>{a.resourceId}</td>
              <td>{a.resourceType}</td>
              <td>
                <State s={a.state} />
              </td>
              <td>
                <button onClick={() => act(() => ec2(props.remove, { TransitGatewayRouteTableId: rtb, TransitGatewayAttachmentId: a.transitGatewayAttachmentId }), props.setError, `Delete the ${kind} of ${a.transitGatewayAttachmentId}?`)}>
                  Delete {kind}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function TgwRouteTablesPage() {
  const p = useResources(() => describeAll("DescribeTransitGatewayRouteTables", "transitGatewayRouteTables"), (x) => x.transitGatewayRouteTableId);
  const sel = p.sel;
  const rtb = sel?.transitGatewayRouteTableId as string | undefined;
  const routes = useLive(() => (rtb ? ec2("SearchTransitGatewayRoutes", { TransitGatewayRouteTableId: rtb, Filter: [{ Name: "state", Value: ["active", "blackhole"] }] }).then((r) => list(r.routeSet)) : Promise.resolve([])), [rtb]);
  const assocs = useLive(() => (rtb ? describeAll("GetTransitGatewayRouteTableAssociations", "associations", { TransitGatewayRouteTableId: rtb }) : Promise.resolve([])), [rtb]).data ?? [];
  const props_ = useLive(() => (rtb ? describeAll("GetTransitGatewayRouteTablePropagations", "transitGatewayRouteTablePropagations", { TransitGatewayRouteTableId: rtb }) : Promise.resolve([])), [rtb]).data ?? [];
  const attachments = useLive(() => (sel ? describeAll("DescribeTransitGatewayAttachments", "transitGatewayAttachments", { Filter: [{ Name: "transit-gateway-id", Value: [sel.transitGatewayId] }] }) : Promise.resolve([])), [sel?.transitGatewayId]).data ?? [];
  const [f, setF] = useState({ name: "", tgw: "", cidr: "", attachment: "", blackhole: false });
  const [attach, setAttach] = useState("");
  const attachOptions = (
    <>
      <option value="">Choose attachment</option>
      {attachments
        .filter((a) => a.state !== "deleted")
        .map((a) => (
          <option value={a.transitGatewayAttachmentId}>
            {a.transitGatewayAttachmentId} ({a.resourceType} {a.resourceId})
          </option>
        ))}
    </>
  );
  return (
    <ResourcePage
      r={p}
      title="Transit gateway route tables"
      errors={[routes.error]}
      columns={[
        nameCol,
        { title: "Transit gateway route table ID", value: (r) => r.transitGatewayRouteTableId },
        { title: "Transit gateway ID", value: (r) => r.transitGatewayId },
        { title: "State", value: (r) => r.state, render: (r) => <State s={r.state} /> },
        { title: "Default association route table", value: (r) => (r.defaultAssociationRouteTable === "true" ? "Yes" : "No") },
        { title: "Default propagation route table", value: (r) => (r.defaultPropagationRouteTable === "true" ? "Yes" : "No") },
      ]}
      del={{ label: "Delete transit gateway route table", run: (x) => ec2("DeleteTransitGatewayRouteTable", { TransitGatewayRouteTableId: x.transitGatewayRouteTableId }) }}
      create={{ label: "Create transit gateway route table", open: () => setF({ ...f, name: "", tgw: "" }) }}
    >
      {sel && (
        <Details title={sel.transitGatewayRouteTableId}>
          <Tabs
            tabs={[
              {
                title: "Routes",
                body: () => (
                  <>
                    <div class="actions">
                      <button id="create-tgw-route" onClick={() => (setF({ ...f, cidr: "", attachment: "", blackhole: false }), p.setDialog("route"))}>
                        Create static route
                      </button>
                    </div>
                    <table class="resources inner" id="tgw-routes">
                      <thead>
                        <tr>
                          <th>CIDR</th>
                          <th>Attachment ID</th>
                          <th>Resource ID</th>
                          <th>Resource type</th>
                          <th>Route type</th>
                          <th>Route state</th>
                          <th />
                        </tr>
                      </thead>
                      <tbody>
                        {(routes.data ?? []).map((r) => {
                          const a = list(r.transitGatewayAttachments)[0];
                          return (
                            <tr>
                              <td>{r.destinationCidrBlock}</td>
                              <td>{a?.transitGatewayAttachmentId ?? "–"}</td>
                              <td>{a?.resourceId ?? "–"}</td>
                              <td>{a?.resourceType ?? "–"}</td>
                              <td>{r.type}</td>
                              <td>
                                <State s={r.state} />
                              </td>
                              <td>
                                {r.type === "static" && (
                                  <button onClick={() => act(() => ec2("DeleteTransitGatewayRoute", { TransitGatewayRouteTableId: rtb, DestinationCidrBlock: r.destinationCidrBlock }), p.setError, `Delete the route to ${r.destinationCidrBlock}?`)}>
                                    Delete
                                  </button>
                                )}
                              </td>
                            </tr>
                          );
                        })}
                      </tbody>
                    </table>
                  </>
                ),
              },
              {
                title: "Associations",
                body: () => (
                  <AttachmentLinks
                    kind="association"
                    rtb={rtb}
                    rows={assocs}
                    attach={attach}
                    setAttach={setAttach}
                    attachOptions={attachOptions}
                    create="AssociateTransitGatewayRouteTable"
                    remove="DisassociateTransitGatewayRouteTable"
                    setError={p.setError}
                  />
                ),
              },
              {
                title: "Propagations",
                body: () => (
                  <AttachmentLinks
                    kind="propagation"
                    rtb={rtb}
                    rows={props_}
                    attach={attach}
                    setAttach={setAttach}
                    attachOptions={attachOptions}
                    create="EnableTransitGatewayRouteTablePropagation"
                    remove="DisableTransitGatewayRouteTablePropagation"
                    setError={p.setError}
                  />
                ),
              },
            ]}
          />
        </Details>
      )}
      {p.dialog === "create" && (
        <FormDialog title="Create transit gateway route table" submitLabel="Create transit gateway route table" onClose={p.close} submit={() => ec2("CreateTransitGatewayRouteTable", { TransitGatewayId: f.tgw, TagSpecification: nameTag("transit-gateway-route-table", f.name) })}>
          <Field label="Name tag">
            <input value={f.name} onInput={(e) => setF({ ...f, name: val(e) })} />
          </Field>
          <Field label="Transit gateway ID">
            <TgwSelect id="tgw-rtb-tgw" value={f.tgw} onChange={(tgw) => setF({ ...f, tgw })} />
          </Field>
        </FormDialog>
      )}
      {p.dialog === "route" && rtb && (
        <FormDialog
          id="create-tgw-route-form"
          title={`Create static route: ${rtb}`}
          submitLabel="Create static route"
          onClose={p.close}
          submit={() => ec2("CreateTransitGatewayRoute", { TransitGatewayRouteTableId: rtb, DestinationCidrBlock: f.cidr.trim(), ...(f.blackhole ? { Blackhole: true } : { TransitGatewayAttachmentId: f.attachment }) })}
        >
          <Field label="CIDR">
            <input id="tgw-route-cidr" value={f.cidr} onInput={(e) => setF({ ...f, cidr: val(e) })} required />
          </Field>
          <Field label="Type">
            <select id="tgw-route-type" value={f.blackhole ? "blackhole" : "active"} onChange={(e) => setF({ ...f, blackhole: val(e) === "blackhole" })}>
              <option value="active">Active</option>
              <option value="blackhole">Blackhole</option>
            </select>
          </Field>
          {!f.blackhole && (
            <Field label="Choose attachment">
              <select id="tgw-route-attachment" value={f.attachment} onChange={(e) => setF({ ...f, attachment: val(e) })} required>
                {attachOptions}
              </select>
            </Field>
          )}
        </FormDialog>
      )}
    </ResourcePage>
  );
}
