/**
 * The pages of the VPC families beyond the seed, on the shared scaffolding (resource.tsx) and shaped
 * like AWS's VPC console: NAT gateways (state, failure code, Elastic IP; create in a subnet with an
 * allocation; delete), Endpoints (type, route tables or subnets and network interfaces, DNS entries;
 * create a gateway endpoint for chosen route tables; delete), Managed prefix lists (AWS-managed ones too;
 * entries per version, "Modify prefix list" to add and remove entries, restore a version),
 * Egress-only internet gateways and Flow logs (for a VPC, subnet or network interface; create, delete;
 * and the records the simulated data plane wrote, read from GET /_vpclab/flow-logs and followed live).
 *
 * Fidelity notes: AWS's console shows flow log records in CloudWatch Logs or S3; vpclab keeps them in
 * memory (README "Flow logs"), so this page reads them from the admin API, polling once a second while
 * the records view is open. Only gateway endpoints (S3, DynamoDB) can be created here; interface
 * endpoints made with another client are listed and shown.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { admin, describeAll, ec2, list, nameOf, session } from "./api";
import { act, ErrorBanner, Field, FormDialog, State, useLive, asApiError } from "./ui";
import { VpcSelect } from "./pages";
import { KV, nameCol, nameTag, ResourcePage, tagsText, useResources, val } from "./resource";
import { ApiError } from "./api";

/** CreateFlowLogs and DeleteFlowLogs answer per item in `unsuccessful`: the first such error is the call's. */
const firstUnsuccessful = (r: any) => {
  const u = list(r.unsuccessful)[0];
  if (u) throw new ApiError(u.error?.code ?? "Unsuccessful", u.error?.message ?? `${u.resourceId} failed`, 400);
};

const ids = (v: unknown) => list(v).map((x: any) => (typeof x === "string" ? x : Object.values(x)[0]));

function SubnetSelect(props: { id: string; value: string; onChange: (v: string) => void; vpc?: string }) {
  const subnets = useLive(() => describeAll("DescribeSubnets", "subnetSet", props.vpc ? { Filter: [{ Name: "vpc-id", Value: [props.vpc] }] } : {}), [props.vpc]).data ?? [];
  return (
    <select id={props.id} value={props.value} onChange={(e) => props.onChange(val(e))} required>
      <option value="">Select a subnet</option>
      {subnets.map((s) => (
        <option value={s.subnetId}>
          {s.subnetId} {nameOf(s) ? `(${nameOf(s)})` : ""} {s.cidrBlock} {s.availabilityZone}
        </option>
      ))}
    </select>
  );
}

// ---- NAT gateways ----------------------------------------------------------------------------------

const natAddr = (r: any) => list(r.natGatewayAddressSet)[0] ?? {};

export function NatGatewaysPage() {
  const p = useResources(() => describeAll("DescribeNatGateways", "natGatewaySet"), (x) => x.natGatewayId);
  const eips = useLive(() => ec2("DescribeAddresses").then((r) => list(r.addressesSet))).data ?? [];
  const [f, setF] = useState({ name: "", subnet: "", type: "public", allocation: "" });
  return (
    <ResourcePage
      r={p}
      title="NAT gateways"
      columns={[
        nameCol,
        { title: "NAT gateway ID", value: (r) => r.natGatewayId },
        { title: "Connectivity type", value: (r) => r.connectivityType },
        { title: "State", value: (r) => r.state, render: (r) => <State s={r.state} /> },
        { title: "State message", value: (r) => r.failureMessage || "–" },
        { title: "Primary public IPv4 address", value: (r) => natAddr(r).publicIp || "–" },
        { title: "Primary private IPv4 address", value: (r) => natAddr(r).privateIp || "–" },
        { title: "Primary network interface ID", value: (r) => natAddr(r).networkInterfaceId || "–" },
        { title: "VPC", value: (r) => r.vpcId },
        { title: "Subnet", value: (r) => r.subnetId },
      ]}
      del={{ label: "Delete NAT gateway", id: "delete-nat", run: (sel) => ec2("DeleteNatGateway", { NatGatewayId: sel.natGatewayId }) }}
      create={{ label: "Create NAT gateway", id: "create-nat", open: () => setF({ name: "", subnet: "", type: "public", allocation: "" }) }}
      details={(sel) => (
        <KV
          rows={{
            "NAT gateway ID": sel.natGatewayId,
            State: sel.state,
            "Failure code": sel.failureCode || "–",
            "Failure message": sel.failureMessage || "–",
            "Connectivity type": sel.connectivityType,
            "Elastic IP addresses": list(sel.natGatewayAddressSet).map((a) => `${a.publicIp ?? "–"} (${a.allocationId ?? "no allocation"}) → ${a.privateIp}`).join(", ") || "–",
            VPC: sel.vpcId,
            Subnet: sel.subnetId,
            Created: sel.createTime,
            Deleted: sel.deleteTime || "–",
            Tags: tagsText(sel),
          }}
        />
      )}
    >
      {p.dialog === "create" && (
        <FormDialog
          id="create-nat-form"
          title="Create NAT gateway"
          submitLabel="Create NAT gateway"
          onClose={p.close}
          submit={() => ec2("CreateNatGateway", { SubnetId: f.subnet, ConnectivityType: f.type, AllocationId: f.type === "public" ? f.allocation : undefined, TagSpecification: nameTag("natgateway", f.name) })}
        >
          <Field label="Name">
            <input id="nat-name" value={f.name} onInput={(e) => setF({ ...f, name: val(e) })} />
          </Field>
          <Field label="Subnet" hint="A public NAT gateway goes in a public subnet (one whose route table routes 0.0.0.0/0 to an internet gateway)">
            <SubnetSelect id="nat-subnet" value={f.subnet} onChange={(subnet) => setF({ ...f, subnet })} />
          </Field>
          <Field label="Connectivity type">
            <select id="nat-type" value={f.type} onChange={(e) => setF({ ...f, type: val(e) })}>
              <option value="public">Public</option>
              <option value="private">Private</option>
            </select>
          </Field>
          {f.type === "public" && (
            <Field label="Elastic IP allocation ID">
              <select id="nat-eip" value={f.allocation} onChange={(e) => setF({ ...f, allocation: val(e) })} required>
                <option value="">Choose an Elastic IP</option>
                {eips.map((a) => (
                  <option value={a.allocationId}>
                    {a.allocationId} ({a.publicIp}){a.associationId ? " in use" : ""}
                  </option>
                ))}
              </select>
            </Field>
          )}
          {f.type === "public" && (
            <button type="button" id="nat-allocate" onClick={() => ec2("AllocateAddress", { Domain: "vpc" }).then((r) => setF({ ...f, allocation: r.allocationId }))}>
              Allocate Elastic IP
            </button>
          )}
        </FormDialog>
      )}
    </ResourcePage>
  );
}

// ---- Endpoints -------------------------------------------------------------------------------------

export function EndpointsPage() {
  const p = useResources(() => describeAll("DescribeVpcEndpoints", "vpcEndpointSet"), (x) => x.vpcEndpointId);
  const [f, setF] = useState({ name: "", vpc: "", service: "s3", rtbs: [] as string[] });
  const rtbs = useLive(() => (f.vpc ? describeAll("DescribeRouteTables", "routeTableSet", { Filter: [{ Name: "vpc-id", Value: [f.vpc] }] }) : Promise.resolve([])), [f.vpc]).data ?? [];
  return (
    <ResourcePage
      r={p}
      title="Endpoints"
      columns={[
        nameCol,
        { title: "VPC endpoint ID", value: (r) => r.vpcEndpointId },
        { title: "VPC ID", value: (r) => r.vpcId },
        { title: "Service name", value: (r) => r.serviceName },
        { title: "Endpoint type", value: (r) => r.vpcEndpointType },
        { title: "Status", value: (r) => r.state, render: (r) => <State s={r.state} /> },
        { title: "Route tables / subnets", value: (r) => [...ids(r.routeTableIdSet), ...ids(r.subnetIdSet)].join(", ") || "–" },
      ]}
      del={{ label: "Delete VPC endpoints", id: "delete-endpoint", run: (sel) => ec2("DeleteVpcEndpoints", { VpcEndpointId: [sel.vpcEndpointId] }) }}
      create={{ label: "Create endpoint", id: "create-endpoint", open: () => setF({ name: "", vpc: "", service: "s3", rtbs: [] }) }}
      details={(sel) => (
        <KV
          rows={{
            "Endpoint ID": sel.vpcEndpointId,
            "Endpoint type": sel.vpcEndpointType,
            Status: sel.state,
            "Service name": sel.serviceName,
            VPC: sel.vpcId,
            "Route tables": ids(sel.routeTableIdSet).join(", ") || "–",
            Subnets: ids(sel.subnetIdSet).join(", ") || "–",
            "Network interfaces": ids(sel.networkInterfaceIdSet).join(", ") || "–",
            "Security groups": list(sel.groupSet).map((g) => g.groupId).join(", ") || "–",
            "DNS names": list(sel.dnsEntrySet).map((d) => d.dnsName).join(", ") || "–",
            "Private DNS names enabled": sel.privateDnsEnabled,
            Tags: tagsText(sel),
          }}
        />
      )}
    >
      {p.dialog === "create" && (
        <FormDialog
          id="create-endpoint-form"
          title="Create endpoint"
          submitLabel="Create endpoint"
          onClose={p.close}
          submit={() =>
            ec2("CreateVpcEndpoint", { VpcEndpointType: "Gateway", VpcId: f.vpc, ServiceName: `com.amazonaws.${session.region}.${f.service}`, RouteTableId: f.rtbs, TagSpecification: nameTag("vpc-endpoint", f.name) })
          }
        >
          <Field label="Name tag">
            <input id="endpoint-name" value={f.name} onInput={(e) => setF({ ...f, name: val(e) })} />
          </Field>
          <Field label="Service (type Gateway)">
            <select id="endpoint-service" value={f.service} onChange={(e) => setF({ ...f, service: val(e) })}>
              <option value="s3">com.amazonaws.{session.region}.s3</option>
              <option value="dynamodb">com.amazonaws.{session.region}.dynamodb</option>
            </select>
          </Field>
          <Field label="VPC">
            <VpcSelect id="endpoint-vpc" value={f.vpc} onChange={(vpc) => setF({ ...f, vpc, rtbs: [] })} />
          </Field>
          <Field label="Route tables" hint="A route to the service's prefix list is added to each">
            <div>
              {rtbs.map((t) => (
                <label class="check">
                  <input
                    type="checkbox"
                    data-rtb={t.routeTableId}
                    checked={f.rtbs.includes(t.routeTableId)}
                    onChange={(e) => setF({ ...f, rtbs: (e.target as HTMLInputElement).checked ? [...f.rtbs, t.routeTableId] : f.rtbs.filter((x) => x !== t.routeTableId) })}
                  />{" "}
                  {t.routeTableId} {nameOf(t) ? `(${nameOf(t)})` : ""} {list(t.associationSet).some((a) => a.main === "true") ? "main" : ""}
                </label>
              ))}
            </div>
          </Field>
        </FormDialog>
      )}
    </ResourcePage>
  );
}

// ---- Managed prefix lists --------------------------------------------------------------------------

export function PrefixListsPage() {
  const p = useResources(() => describeAll("DescribeManagedPrefixLists", "prefixListSet"), (x) => x.prefixListId);
  const sel = p.sel;
  const [version, setVersion] = useState("");
  const pl = sel?.prefixListId as string | undefined;
  const entries = useLive(() => (pl ? describeAll("GetManagedPrefixListEntries", "entrySet", { PrefixListId: pl, TargetVersion: version || undefined }) : Promise.resolve([])), [pl, version]);
  const [f, setF] = useState({ name: "", max: "10", family: "IPv4", add: "", addDesc: "", remove: [] as string[] });
  const own = sel && sel.ownerId !== "AWS";
  const versions = sel ? Array.from({ length: Number(sel.version) || 0 }, (_, i) => String(Number(sel.version) - i)) : [];
  return (
    <ResourcePage
      r={p}
      title="Managed prefix lists"
      errors={[entries.error]}
      columns={[
        { title: "Prefix list ID", value: (r) => r.prefixListId },
        { title: "Prefix list name", value: (r) => r.prefixListName },
        { title: "Max entries", value: (r) => r.maxEntries ?? "–" },
        { title: "Address family", value: (r) => r.addressFamily },
        { title: "State", value: (r) => r.state, render: (r) => <State s={r.state} /> },
        { title: "Version", value: (r) => r.version ?? "–" },
        { title: "Owner ID", value: (r) => r.ownerId },
      ]}
      actions={
        <>
          <button id="modify-pl" disabled={!own} onClick={() => (setF({ ...f, add: "", addDesc: "", remove: [] }), p.setDialog("modify"))}>
            Modify prefix list
          </button>
          <button disabled={!own || !version || version === sel?.version} onClick={() => act(() => ec2("RestoreManagedPrefixListVersion", { PrefixListId: pl, PreviousVersion: version, CurrentVersion: sel.version }), p.setError, `Restore ${pl} to version ${version}?`)}>
            Restore version
          </button>
        </>
      }
      del={{ label: "Delete prefix list", run: (x) => ec2("DeleteManagedPrefixList", { PrefixListId: x.prefixListId }) }}
      create={{ label: "Create prefix list", id: "create-pl", open: () => setF({ name: "", max: "10", family: "IPv4", add: "", addDesc: "", remove: [] }) }}
      details={(sel) => (
        <>
          <KV rows={{ "Prefix list ID": sel.prefixListId, Name: sel.prefixListName, ARN: sel.prefixListArn, State: sel.state, "State message": sel.stateMessage || "–", Version: sel.version ?? "–", Owner: sel.ownerId, Tags: tagsText(sel) }} />
          {versions.length > 0 && (
            <label>
              Version{" "}
              <select id="pl-version" value={version} onChange={(e) => setVersion(val(e))}>
                <option value="">Current ({sel.version})</option>
                {versions.slice(1).map((v) => (
                  <option value={v}>{v}</option>
                ))}
              </select>
            </label>
          )}
          <table class="resources inner" id="pl-entries">
            <thead>
              <tr>
                <th>CIDR</th>
                <th>Description</th>
              </tr>
            </thead>
            <tbody>
              {(entries.data ?? []).map((e) => (
                <tr>
                  <td>{e.cidr}</td>
                  <td>{e.description || "–"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    >
      {p.dialog === "create" && (
        <FormDialog
          id="create-pl-form"
          title="Create prefix list"
          submitLabel="Create prefix list"
          onClose={p.close}
          submit={() =>
            ec2("CreateManagedPrefixList", {
              PrefixListName: f.name,
              MaxEntries: f.max,
              AddressFamily: f.family,
              Entry: f.add ? f.add.split(/[\s,]+/).filter(Boolean).map((c) => ({ Cidr: c })) : undefined,
              TagSpecification: nameTag("prefix-list", f.name),
            })
          }
        >
          <Field label="Prefix list name">
            <input id="pl-name" value={f.name} onInput={(e) => setF({ ...f, name: val(e) })} required />
          </Field>
          <Field label="Max entries">
            <input id="pl-max" value={f.max} onInput={(e) => setF({ ...f, max: val(e) })} required />
          </Field>
          <Field label="Address family">
            <select value={f.family} onChange={(e) => setF({ ...f, family: val(e) })}>
              <option>IPv4</option>
              <option>IPv6</option>
            </select>
          </Field>
          <Field label="Entries" hint="CIDRs separated by spaces or commas">
            <input id="pl-entries-new" value={f.add} onInput={(e) => setF({ ...f, add: val(e) })} />
          </Field>
        </FormDialog>
      )}
      {p.dialog === "modify" && sel && (
        <FormDialog
          id="modify-pl-form"
          title={`Modify prefix list: ${sel.prefixListId}`}
          submitLabel="Save prefix list"
          onClose={p.close}
          submit={() =>
            ec2("ModifyManagedPrefixList", {
              PrefixListId: sel.prefixListId,
              CurrentVersion: sel.version,
              AddEntry: f.add ? f.add.split(/[\s,]+/).filter(Boolean).map((c) => ({ Cidr: c, Description: f.addDesc || undefined })) : undefined,
              RemoveEntry: f.remove.length ? f.remove.map((c) => ({ Cidr: c })) : undefined,
            })
          }
        >
          <Field label="Remove entries">
            <div>
              {(entries.data ?? []).map((e) => (
                <label class="check">
                  <input type="checkbox" data-cidr={e.cidr} checked={f.remove.includes(e.cidr)} onChange={(ev) => setF({ ...f, remove: (ev.target as HTMLInputElement).checked ? [...f.remove, e.cidr] : f.remove.filter((x) => x !== e.cidr) })} /> {e.cidr}
                </label>
              ))}
            </div>
          </Field>
          <Field label="Add entries" hint="CIDRs separated by spaces or commas">
            <input id="pl-add" value={f.add} onInput={(e) => setF({ ...f, add: val(e) })} />
          </Field>
          <Field label="Description of the added entries">
            <input value={f.addDesc} onInput={(e) => setF({ ...f, addDesc: val(e) })} />
          </Field>
        </FormDialog>
      )}
    </ResourcePage>
  );
}

// ---- Egress-only internet gateways -----------------------------------------------------------------

export function EgressOnlyGatewaysPage() {
  const p = useResources(() => describeAll("DescribeEgressOnlyInternetGateways", "egressOnlyInternetGatewaySet"), (x) => x.egressOnlyInternetGatewayId);
  const [f, setF] = useState({ name: "", vpc: "" });
  const att = (r: any) => list(r.attachmentSet)[0] ?? {};
  return (
    <ResourcePage
      r={p}
      title="Egress-only internet gateways"
      columns={[
        nameCol,
        { title: "Egress-only internet gateway ID", value: (r) => r.egressOnlyInternetGatewayId },
        { title: "State", value: (r) => att(r).state ?? "detached", render: (r) => <State s={att(r).state ?? "detached"} /> },
        { title: "VPC ID", value: (r) => att(r).vpcId ?? "–" },
      ]}
      del={{ label: "Delete egress only internet gateway", run: (x) => ec2("DeleteEgressOnlyInternetGateway", { EgressOnlyInternetGatewayId: x.egressOnlyInternetGatewayId }) }}
      create={{ label: "Create egress only internet gateway", id: "create-eigw", open: () => setF({ name: "", vpc: "" }) }}
      details={(sel) => <KV rows={{ ID: sel.egressOnlyInternetGatewayId, State: att(sel).state, VPC: att(sel).vpcId, Tags: tagsText(sel) }} />}
    >
      {p.dialog === "create" && (
        <FormDialog id="create-eigw-form" title="Create egress only internet gateway" submitLabel="Create egress only internet gateway" onClose={p.close} submit={() => ec2("CreateEgressOnlyInternetGateway", { VpcId: f.vpc, TagSpecification: nameTag("egress-only-internet-gateway", f.name) })}>
          <Field label="Name">
            <input value={f.name} onInput={(e) => setF({ ...f, name: val(e) })} />
          </Field>
          <Field label="VPC">
            <VpcSelect id="eigw-vpc" value={f.vpc} onChange={(vpc) => setF({ ...f, vpc })} />
          </Field>
        </FormDialog>
      )}
    </ResourcePage>
  );
}

// ---- Flow logs -------------------------------------------------------------------------------------

/** The records vpclab's flow logs hold, newest last, followed once a second while shown. */
export function FlowRecords(props: { flowLogId?: string }) {
  const [rows, setRows] = useState<any[]>([]);
  const [error, setError] = useState<ApiError | undefined>();
  const since = useRef(0);
  useEffect(() => {
    setRows([]);
    since.current = 0;
    let stop = false;
    const q = (s: number) => `/flow-logs?account=${session.account}&region=${session.region}${props.flowLogId ? `&flowLogId=${props.flowLogId}` : ""}&since=${s}&limit=500`;
    const tick = async () => {
      try {
        const r = await admin("GET", q(since.current));
        if (stop) return;
        setError(undefined);
        if (r.records.length) setRows((old) => [...old, ...r.records].slice(-500));
        since.current = r.last;
      } catch (e) {
        if (!stop) setError(asApiError(e));
      }
    };
    void tick();
    const t = setInterval(tick, 1000);
    return () => {
      stop = true;
      clearInterval(t);
    };
  }, [props.flowLogId, session.account, session.region]);
  return (
    <section class="panel" id="flow-records">
      <h3>
        Flow log records {props.flowLogId ? `of ${props.flowLogId}` : "in this Region"} <span class="count">({rows.length})</span> <span class="live on">● live</span>
      </h3>
      <ErrorBanner error={error} />
      <div class="table-wrap">
        <table class="resources inner">
          <thead>
            <tr>
              <th>Flow log</th>
              <th>Interface</th>
              <th>Source</th>
              <th>Destination</th>
              <th>Protocol</th>
              <th>Packets</th>
              <th>Bytes</th>
              <th>Action</th>
              <th>Record</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr class="flow-record" data-action={r.action}>
                <td>{r.flowLogId}</td>
                <td>{r.interfaceId}</td>
                <td>
                  {r.srcaddr}:{r.srcport}
                </td>
                <td>
                  {r.dstaddr}:{r.dstport}
                </td>
                <td>{r.protocol}</td>
                <td>{r.packets}</td>
                <td>{r.bytes}</td>
                <td>
                  <State s={r.action === "ACCEPT" ? "active" : "rejected"} /> {r.action}
                </td>
                <td>
                  <code>{r.message}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function FlowLogsPage() {
  const p = useResources(() => describeAll("DescribeFlowLogs", "flowLogSet"), (x) => x.flowLogId);
  const [f, setF] = useState({ name: "", type: "VPC", resource: "", traffic: "ALL", group: "vpclab-flows", role: `arn:aws:iam::${session.account}:role/flow-logs` });
  return (
    <>
      <ResourcePage
        r={p}
        title="Flow logs"
        columns={[
          nameCol,
          { title: "Flow log ID", value: (r) => r.flowLogId },
          { title: "Resource ID", value: (r) => r.resourceId },
          { title: "Filter", value: (r) => r.trafficType },
          { title: "Destination type", value: (r) => r.logDestinationType },
          { title: "Destination name", value: (r) => r.logGroupName || r.logDestination || "–" },
          { title: "Status", value: (r) => r.flowLogStatus, render: (r) => <State s={r.flowLogStatus === "ACTIVE" ? "active" : r.flowLogStatus} /> },
          { title: "Log record format", value: (r) => r.logFormat },
        ]}
        del={{ label: "Delete flow log", id: "delete-flow-log", run: (x) => ec2("DeleteFlowLogs", { FlowLogId: [x.flowLogId] }).then(firstUnsuccessful) }}
        create={{ label: "Create flow log", id: "create-flow-log", open: () => setF({ ...f, name: "", resource: "" }) }}
        details={(sel) => <KV rows={{ "Flow log ID": sel.flowLogId, "Resource ID": sel.resourceId, Filter: sel.trafficType, Destination: sel.logDestinationType, "Log group": sel.logGroupName || "–", "IAM role": sel.deliverLogsPermissionArn || "–", "Maximum aggregation interval": sel.maxAggregationInterval, Format: sel.logFormat, Created: sel.creationTime, Tags: tagsText(sel) }} />}
      >
        {p.dialog === "create" && (
          <FormDialog
            id="create-flow-log-form"
            title="Create flow log"
            submitLabel="Create flow log"
            onClose={p.close}
            submit={() =>
              ec2("CreateFlowLogs", { ResourceType: f.type, ResourceId: [f.resource.trim()], TrafficType: f.traffic, LogGroupName: f.group, DeliverLogsPermissionArn: f.role, TagSpecification: nameTag("vpc-flow-log", f.name) }).then(firstUnsuccessful)
            }
          >
            <Field label="Name">
              <input value={f.name} onInput={(e) => setF({ ...f, name: val(e) })} />
            </Field>
            <Field label="Resource type">
              <select id="fl-type" value={f.type} onChange={(e) => setF({ ...f, type: val(e), resource: "" })}>
                <option value="VPC">VPC</option>
                <option value="Subnet">Subnet</option>
                <option value="NetworkInterface">Network interface</option>
              </select>
            </Field>
            <Field label="Resource">
              {f.type === "VPC" ? (
                <VpcSelect id="fl-resource" value={f.resource} onChange={(resource) => setF({ ...f, resource })} />
              ) : f.type === "Subnet" ? (
                <SubnetSelect id="fl-resource" value={f.resource} onChange={(resource) => setF({ ...f, resource })} />
              ) : (
                <input id="fl-resource" value={f.resource} onInput={(e) => setF({ ...f, resource: val(e) })} placeholder="eni-…" required />
              )}
            </Field>
            <Field label="Filter">
              <select id="fl-traffic" value={f.traffic} onChange={(e) => setF({ ...f, traffic: val(e) })}>
                <option value="ALL">All</option>
                <option value="ACCEPT">Accept</option>
                <option value="REJECT">Reject</option>
              </select>
            </Field>
            <Field label="Destination log group" hint="Records stay in vpclab (GET /_vpclab/flow-logs); nothing is sent to CloudWatch Logs">
              <input value={f.group} onInput={(e) => setF({ ...f, group: val(e) })} required />
            </Field>
            <Field label="IAM role">
              <input value={f.role} onInput={(e) => setF({ ...f, role: val(e) })} required />
            </Field>
          </FormDialog>
        )}
      </ResourcePage>
      <FlowRecords flowLogId={p.sel?.flowLogId} />
    </>
  );
}
