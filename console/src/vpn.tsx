/**
 * The VPN pages, shaped like AWS's VPC console: Virtual private gateways (create with an Amazon side
 * ASN, attach to and detach from a VPC, delete), Customer gateways (create with the device's public IP
 * and BGP ASN, delete) and Site-to-Site VPN connections (create between a virtual private gateway and a
 * customer gateway with static routes; the Static routes shown with their state and added or removed;
 * delete). Route propagation from a virtual private gateway is turned on and off on the Route tables page
 * (Route propagation tab).
 *
 * Fidelity notes: vpclab models VPN at the API level (no IPsec data plane): the tunnels' details are
 * not shown here, and the on-premises side is the simulated network the engine reaches over the VGW.
 */
import { useState } from "preact/hooks";
import { describeAll, ec2, list, nameOf } from "./api";
import { act, Field, FormDialog, State, useLive } from "./ui";
import { VpcSelect } from "./pages";
import { KV, nameCol, nameTag, ResourcePage, tagsText, useResources, val } from "./resource";

const vgwAttachment = (r: any) => list(r.attachments).find((a) => a.state !== "detached") ?? {};

export function VpnGatewaysPage() {
  const p = useResources(() => describeAll("DescribeVpnGateways", "vpnGatewaySet"), (x) => x.vpnGatewayId);
  const sel = p.sel;
  const [f, setF] = useState({ name: "", asn: "", vpc: "" });
  const attached = sel && vgwAttachment(sel).vpcId;
  return (
    <ResourcePage
      r={p}
      title="Virtual private gateways"
      columns={[
        nameCol,
        { title: "Virtual private gateway ID", value: (r) => r.vpnGatewayId },
        { title: "State", value: (r) => r.state, render: (r) => <State s={r.state} /> },
        { title: "Type", value: (r) => r.type },
        { title: "VPC", value: (r) => vgwAttachment(r).vpcId ?? "–" },
        { title: "Attachment state", value: (r) => vgwAttachment(r).state ?? "detached" },
        { title: "Amazon side ASN", value: (r) => r.amazonSideAsn ?? "–" },
      ]}
      actions={
        <>
          <button id="attach-vgw" disabled={!sel || !!attached} onClick={() => (setF({ ...f, vpc: "" }), p.setDialog("attach"))}>
            Attach to VPC
          </button>
          <button disabled={!attached} onClick={() => act(() => ec2("DetachVpnGateway", { VpnGatewayId: sel.vpnGatewayId, VpcId: attached }), p.setError, `Detach ${sel.vpnGatewayId} from ${attached}?`)}>
            Detach from VPC
          </button>
        </>
      }
      del={{ label: "Delete virtual private gateway", run: (x) => ec2("DeleteVpnGateway", { VpnGatewayId: x.vpnGatewayId }) }}
      create={{ label: "Create virtual private gateway", id: "create-vgw", open: () => setF({ name: "", asn: "", vpc: "" }) }}
      details={(x) => <KV rows={{ "Virtual private gateway ID": x.vpnGatewayId, State: x.state, Type: x.type, "Amazon side ASN": x.amazonSideAsn, "VPC attachments": list(x.attachments).map((a) => `${a.vpcId} (${a.state})`).join(", ") || "–", Tags: tagsText(x) }} />}
    >
      {p.dialog === "create" && (
        <FormDialog id="create-vgw-form" title="Create virtual private gateway" submitLabel="Create virtual private gateway" onClose={p.close} submit={() => ec2("CreateVpnGateway", { Type: "ipsec.1", AmazonSideAsn: f.asn.trim() || undefined, TagSpecification: nameTag("vpn-gateway", f.name) })}>
          <Field label="Name tag">
            <input id="vgw-name" value={f.name} onInput={(e) => setF({ ...f, name: val(e) })} />
          </Field>
          <Field label="Autonomous System Number (ASN)" hint="Leave empty for Amazon default ASN">
            <input id="vgw-asn" value={f.asn} onInput={(e) => setF({ ...f, asn: val(e) })} />
          </Field>
        </FormDialog>
      )}
      {p.dialog === "attach" && sel && (
        <FormDialog id="attach-vgw-form" title={`Attach to VPC: ${sel.vpnGatewayId}`} submitLabel="Attach to VPC" onClose={p.close} submit={() => ec2("AttachVpnGateway", { VpnGatewayId: sel.vpnGatewayId, VpcId: f.vpc })}>
          <Field label="Available VPCs">
            <VpcSelect id="vgw-vpc" value={f.vpc} onChange={(vpc) => setF({ ...f, vpc })} />
          </Field>
        </FormDialog>
      )}
    </ResourcePage>
  );
}

export function CustomerGatewaysPage() {
  const p = useResources(() => describeAll("DescribeCustomerGateways", "customerGatewaySet"), (x) => x.customerGatewayId);
  const [f, setF] = useState({ name: "", ip: "", asn: "65000", device: "" });
  return (
    <ResourcePage
      r={p}
      title="Customer gateways"
      columns={[
        nameCol,
        { title: "Customer gateway ID", value: (r) => r.customerGatewayId },
        { title: "State", value: (r) => r.state, render: (r) => <State s={r.state} /> },
        { title: "Type", value: (r) => r.type },
        { title: "IP address", value: (r) => r.ipAddress },
        { title: "BGP ASN", value: (r) => r.bgpAsn },
        { title: "Device name", value: (r) => r.deviceName || "–" },
      ]}
      del={{ label: "Delete customer gateway", run: (x) => ec2("DeleteCustomerGateway", { CustomerGatewayId: x.customerGatewayId }) }}
      create={{ label: "Create customer gateway", id: "create-cgw", open: () => setF({ name: "", ip: "", asn: "65000", device: "" }) }}
      details={(x) => <KV rows={{ "Customer gateway ID": x.customerGatewayId, State: x.state, Type: x.type, "IP address": x.ipAddress, "BGP ASN": x.bgpAsn, "Device name": x.deviceName || "–", Tags: tagsText(x) }} />}
    >
      {p.dialog === "create" && (
        <FormDialog
          id="create-cgw-form"
          title="Create customer gateway"
          submitLabel="Create customer gateway"
          onClose={p.close}
          submit={() => ec2("CreateCustomerGateway", { Type: "ipsec.1", IpAddress: f.ip.trim(), BgpAsn: f.asn.trim(), DeviceName: f.device || undefined, TagSpecification: nameTag("customer-gateway", f.name) })}
        >
          <Field label="Name tag">
            <input id="cgw-name" value={f.name} onInput={(e) => setF({ ...f, name: val(e) })} />
          </Field>
          <Field label="BGP ASN">
            <input id="cgw-asn" value={f.asn} onInput={(e) => setF({ ...f, asn: val(e) })} required />
          </Field>
          <Field label="IP address" hint="The customer gateway device's public IPv4 address">
            <input id="cgw-ip" value={f.ip} onInput={(e) => setF({ ...f, ip: val(e) })} required />
          </Field>
          <Field label="Device">
            <input value={f.device} onInput={(e) => setF({ ...f, device: val(e) })} />
          </Field>
        </FormDialog>
      )}
    </ResourcePage>
  );
}

export function VpnConnectionsPage() {
  const p = useResources(() => describeAll("DescribeVpnConnections", "vpnConnectionSet"), (x) => x.vpnConnectionId);
  const vgws = useLive(() => describeAll("DescribeVpnGateways", "vpnGatewaySet")).data ?? [];
  const cgws = useLive(() => describeAll("DescribeCustomerGateways", "customerGatewaySet")).data ?? [];
  const [f, setF] = useState({ name: "", vgw: "", cgw: "", routes: "" });
  const [route, setRoute] = useState("");
  return (
    <ResourcePage
      r={p}
      title="Site-to-Site VPN connections"
      columns={[
        nameCol,
        { title: "VPN ID", value: (r) => r.vpnConnectionId },
        { title: "State", value: (r) => r.state, render: (r) => <State s={r.state} /> },
        { title: "Virtual private gateway", value: (r) => r.vpnGatewayId || "–" },
        { title: "Customer gateway", value: (r) => r.customerGatewayId },
        { title: "Routing", value: (r) => (r.options?.staticRoutesOnly === "true" ? "Static" : "Dynamic") },
        { title: "Type", value: (r) => r.type },
      ]}
      del={{ label: "Delete VPN connection", run: (x) => ec2("DeleteVpnConnection", { VpnConnectionId: x.vpnConnectionId }) }}
      create={{ label: "Create VPN connection", id: "create-vpn", open: () => setF({ name: "", vgw: "", cgw: "", routes: "" }) }}
      details={(x) => (
        <>
          <KV rows={{ "VPN ID": x.vpnConnectionId, State: x.state, "Virtual private gateway": x.vpnGatewayId || "–", "Customer gateway": x.customerGatewayId, Routing: x.options?.staticRoutesOnly === "true" ? "Static" : "Dynamic", Tags: tagsText(x) }} />
          <h4>Static routes</h4>
          <div class="actions">
            <input id="vpn-route-cidr" placeholder="192.168.0.0/16" value={route} onInput={(e) => setRoute(val(e))} />
            <button disabled={!route.trim()} onClick={() => act(() => ec2("CreateVpnConnectionRoute", { VpnConnectionId: x.vpnConnectionId, DestinationCidrBlock: route.trim() }), p.setError).then(() => setRoute(""))}>
              Add route
            </button>
          </div>
          <table class="resources inner" id="vpn-routes">
            <thead>
              <tr>
                <th>Destination CIDR</th>
                <th>Source</th>
                <th>State</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list(x.routes).map((r) => (
                <tr>
                  <td>{r.destinationCidrBlock}</td>
                  <td>{r.source}</td>
                  <td>
                    <State s={r.state} />
                  </td>
                  <td>
                    <button onClick={() => act(() => ec2("DeleteVpnConnectionRoute", { VpnConnectionId: x.vpnConnectionId, DestinationCidrBlock: r.destinationCidrBlock }), p.setError, `Remove the route to ${r.destinationCidrBlock}?`)}>Remove</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    >
      {p.dialog === "create" && (
        <FormDialog
          id="create-vpn-form"
          title="Create VPN connection"
          submitLabel="Create VPN connection"
          onClose={p.close}
          submit={async () => {
            const c = await ec2("CreateVpnConnection", { Type: "ipsec.1", VpnGatewayId: f.vgw, CustomerGatewayId: f.cgw, Options: { StaticRoutesOnly: true }, TagSpecification: nameTag("vpn-connection", f.name) });
            const id = c.vpnConnection?.vpnConnectionId;
            for (const cidr of f.routes.split(/[\s,]+/).filter(Boolean)) await ec2("CreateVpnConnectionRoute", { VpnConnectionId: id, DestinationCidrBlock: cidr });
          }}
        >
          <Field label="Name tag">
            <input id="vpn-name" value={f.name} onInput={(e) => setF({ ...f, name: val(e) })} />
          </Field>
          <Field label="Virtual private gateway">
            <select id="vpn-vgw" value={f.vgw} onChange={(e) => setF({ ...f, vgw: val(e) })} required>
              <option value="">Select a virtual private gateway</option>
              {vgws
                .filter((g) => g.state === "available")
                .map((g) => (
                  <option value={g.vpnGatewayId}>
                    {g.vpnGatewayId} {nameOf(g) ? `(${nameOf(g)})` : ""}
                  </option>
                ))}
            </select>
          </Field>
          <Field label="Customer gateway">
            <select id="vpn-cgw" value={f.cgw} onChange={(e) => setF({ ...f, cgw: val(e) })} required>
              <option value="">Select a customer gateway</option>
              {cgws
                .filter((g) => g.state === "available")
                .map((g) => (
                  <option value={g.customerGatewayId}>
                    {g.customerGatewayId} {g.ipAddress} {nameOf(g) ? `(${nameOf(g)})` : ""}
                  </option>
                ))}
            </select>
          </Field>
          <Field label="Static IP prefixes" hint="Routing options: static; the on-premises CIDRs, separated by spaces or commas">
            <input id="vpn-routes-new" value={f.routes} onInput={(e) => setF({ ...f, routes: val(e) })} />
          </Field>
        </FormDialog>
      )}
    </ResourcePage>
  );
}
