/**
 * The vpclab console: the shell (navigation shaped like AWS's VPC console, account and region
 * selectors), hash routing between pages, and the server-sent event stream that tells every page when
 * vpclab's world changed.
 */
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ec2, list, live as liveState, session } from "./api";
import { CHANGE_EVENT } from "./ui";
import { ElasticIpsPage, InstancesPage, InternetGatewaysPage, NetworkAclsPage, PeeringPage, RouteTablesPage, SecurityGroupsPage, SubnetsPage, VpcsPage } from "./pages";
import { MapPage } from "./mapview";
import { TgwAttachmentsPage, TgwRouteTablesPage, TransitGatewaysPage } from "./tgw";
import { CustomerGatewaysPage, VpnConnectionsPage, VpnGatewaysPage } from "./vpn";
import { EgressOnlyGatewaysPage, EndpointsPage, FlowLogsPage, NatGatewaysPage, PrefixListsPage } from "./vpcmore";

const NAV: { group: string; items: [string, string][] }[] = [
  { group: "vpclab", items: [["map", "Network map"]] },
  {
    group: "Virtual private cloud",
    items: [
      ["vpcs", "Your VPCs"],
      ["subnets", "Subnets"],
      ["route-tables", "Route tables"],
      ["internet-gateways", "Internet gateways"],
      ["egress-only-gateways", "Egress-only internet gateways"],
      ["elastic-ips", "Elastic IPs"],
      ["managed-prefix-lists", "Managed prefix lists"],
      ["endpoints", "Endpoints"],
      ["nat-gateways", "NAT gateways"],
      ["peering", "Peering connections"],
      ["flow-logs", "Flow logs"],
    ],
  },
  {
    group: "Transit gateways",
    items: [
      ["transit-gateways", "Transit gateways"],
      ["tgw-attachments", "Transit gateway attachments"],
      ["tgw-route-tables", "Transit gateway route tables"],
    ],
  },
  {
    group: "Virtual private network (VPN)",
    items: [
      ["customer-gateways", "Customer gateways"],
      ["vpn-gateways", "Virtual private gateways"],
      ["vpn-connections", "Site-to-Site VPN connections"],
    ],
  },
  {
    group: "Security",
    items: [
      ["network-acls", "Network ACLs"],
      ["security-groups", "Security groups"],
    ],
  },
  { group: "EC2", items: [["instances", "Instances"]] },
];

function route(): string {
  return location.hash.replace(/^#\/?/, "") || "map";
}

function App() {
  const [page, setPage] = useState(route());
  const [where, setWhere] = useState({ account: session.account, region: session.region });
  const [regions, setRegions] = useState<string[]>([]);
  const [touched, setTouched] = useState<string[]>([]);
  const [live, setLive] = useState(false);
  const [accountDraft, setAccountDraft] = useState(session.account);

  useEffect(() => {
    const onHash = () => setPage(route());
    window.addEventListener("hashchange", onHash);
    ec2("DescribeRegions", { AllRegions: true }).then((r) => setRegions(list(r.regionInfo).map((x) => x.regionName).sort()), () => setRegions([session.region]));
    const es = new EventSource("/_vpclab/events");
    es.addEventListener("change", (e) => {
      liveState.regions = JSON.parse((e as MessageEvent).data).regions;
      liveState.ready = true;
      setTouched(liveState.regions);
      window.dispatchEvent(new Event(CHANGE_EVENT));
    });
    es.onopen = () => setLive(true);
    es.onerror = () => setLive(false);
    return () => {
      es.close();
      window.removeEventListener("hashchange", onHash);
    };
  }, []);

  const choose = (account: string, region: string) => {
    session.account = account;
    session.region = region;
    localStorage.setItem("vpclab.account", account);
    localStorage.setItem("vpclab.region", region);
    setWhere({ account, region });
  };
  const accounts = [...new Set(["000000000000", session.account, ...touched.map((t) => t.split("/")[0]!)])].sort();
  const key = `${where.account}/${where.region}`;
  let body;
  switch (page) {
    case "vpcs": body = <VpcsPage key={key} />; break;
    case "subnets": body = <SubnetsPage key={key} />; break;
    case "route-tables": body = <RouteTablesPage key={key} />; break;
    case "internet-gateways": body = <InternetGatewaysPage key={key} />; break;
    case "elastic-ips": body = <ElasticIpsPage key={key} />; break;
    case "egress-only-gateways": body = <EgressOnlyGatewaysPage key={key} />; break;
    case "managed-prefix-lists": body = <PrefixListsPage key={key} />; break;
    case "endpoints": body = <EndpointsPage key={key} />; break;
    case "nat-gateways": body = <NatGatewaysPage key={key} />; break;
    case "flow-logs": body = <FlowLogsPage key={key} />; break;
    case "customer-gateways": body = <CustomerGatewaysPage key={key} />; break;
    case "vpn-gateways": body = <VpnGatewaysPage key={key} />; break;
    case "vpn-connections": body = <VpnConnectionsPage key={key} />; break;
    case "peering": body = <PeeringPage key={key} regions={regions} />; break;
    case "transit-gateways": body = <TransitGatewaysPage key={key} />; break;
    case "tgw-attachments": body = <TgwAttachmentsPage key={key} regions={regions} />; break;
    case "tgw-route-tables": body = <TgwRouteTablesPage key={key} />; break;
    case "network-acls": body = <NetworkAclsPage key={key} />; break;
    case "security-groups": body = <SecurityGroupsPage key={key} />; break;
    case "instances": body = <InstancesPage key={key} />; break;
    default: body = <MapPage key={where.account} />;
  }
  return (
    <>
      <header class="top">
        <a class="brand" href="#/map">
          vpclab <span>console</span>
        </a>
        <span class={`live ${live ? "on" : ""}`} title="Live updates (server-sent events)">
          {live ? "● live" : "○ offline"}
        </span>
        <form
          class="account"
          onSubmit={(e) => {
            e.preventDefault();
            if (/^\d{12}$/.test(accountDraft)) choose(accountDraft, where.region);
          }}
        >
          <label>
            Account{" "}
            <input id="account" list="accounts" value={accountDraft} pattern="\d{12}" title="A 12-digit account id (used as the access key id)" onInput={(e) => setAccountDraft((e.target as HTMLInputElement).value)} onChange={(e) => { const v = (e.target as HTMLInputElement).value; if (/^\d{12}$/.test(v)) choose(v, where.region); }} />
          </label>
          <datalist id="accounts">
            {accounts.map((a) => (
              <option value={a} />
            ))}
          </datalist>
        </form>
        <label>
          Region{" "}
          <select id="region" value={where.region} onChange={(e) => choose(where.account, (e.target as HTMLSelectElement).value)}>
            {(regions.length ? regions : [where.region]).map((r) => (
              <option value={r}>{r}</option>
            ))}
          </select>
        </label>
      </header>
      <nav class="side">
        {NAV.map((g) => (
          <div class="nav-group">
            <h4>{g.group}</h4>
            {g.items.map(([id, title]) => (
              <a href={`#/${id}`} class={page === id ? "active" : ""} data-nav={id}>
                {title}
              </a>
            ))}
          </div>
        ))}
      </nav>
      <main class={page === "map" || !NAV.some((g) => g.items.some(([id]) => id === page)) ? "full" : ""}>{body}</main>
    </>
  );
}

render(<App />, document.getElementById("app")!);
