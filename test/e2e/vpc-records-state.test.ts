// DHCP options sets, managed prefix lists (with their versions) and egress-only internet gateways
// survive `state save` → reset → `state load` exactly as every Describe showed them.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  AssociateDhcpOptionsCommand,
  CreateDhcpOptionsCommand,
  CreateEgressOnlyInternetGatewayCommand,
  CreateManagedPrefixListCommand,
  CreateVpcCommand,
  DescribeDhcpOptionsCommand,
  DescribeEgressOnlyInternetGatewaysCommand,
  DescribeManagedPrefixListsCommand,
  DescribeVpcsCommand,
  GetManagedPrefixListEntriesCommand,
  ModifyManagedPrefixListCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { startLab, type Lab } from "../support/harness.js";

let lab: Lab;
let ec2: EC2Client;
let pl: string;
before(async () => {
  lab = await startLab();
  ec2 = lab.ec2("ca-central-1");
});
after(async () => {
  await lab.close();
});

async function everything(): Promise<unknown> {
  const strip = <T>(r: T & { $metadata?: unknown }) => ({ ...r, $metadata: undefined });
  return {
    vpcs: (await ec2.send(new DescribeVpcsCommand({}))).Vpcs,
    dopt: (await ec2.send(new DescribeDhcpOptionsCommand({}))).DhcpOptions,
    pls: (await ec2.send(new DescribeManagedPrefixListsCommand({}))).PrefixLists,
    v1: strip(await ec2.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: pl, TargetVersion: 1 }))),
    v2: strip(await ec2.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: pl }))),
    eigw: (await ec2.send(new DescribeEgressOnlyInternetGatewaysCommand({}))).EgressOnlyInternetGateways,
  };
}

test("save, reset and load keep the three kinds", async () => {
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.40.0.0/16" }))).Vpc!.VpcId!;
  const dopt = (await ec2.send(new CreateDhcpOptionsCommand({ DhcpConfigurations: [{ Key: "domain-name", Values: ["saved.example"] }] }))).DhcpOptions!.DhcpOptionsId!;
  await ec2.send(new AssociateDhcpOptionsCommand({ DhcpOptionsId: dopt, VpcId: vpc }));
  pl = (await ec2.send(new CreateManagedPrefixListCommand({ PrefixListName: "keep", AddressFamily: "IPv4", MaxEntries: 4, Entries: [{ Cidr: "192.0.2.0/24" }] }))).PrefixList!.PrefixListId!;
  await ec2.send(new ModifyManagedPrefixListCommand({ PrefixListId: pl, CurrentVersion: 1, AddEntries: [{ Cidr: "198.51.100.0/24", Description: "two" }] }));
  await ec2.send(new CreateEgressOnlyInternetGatewayCommand({ VpcId: vpc }));
  const seen = await everything();

  const res = await fetch(lab.url + "/_vpclab/state/save", { method: "POST" });
  assert.equal(res.status, 200);
  const doc = await res.text();
  const region = (JSON.parse(doc) as { accounts: { regions: { region: string; managedPrefixLists?: unknown[]; egressOnlyInternetGateways?: unknown[] }[] }[] }).accounts[0]!.regions.find(
    (r) => r.region === "ca-central-1",
  )!;
  assert.equal(region.managedPrefixLists!.length, 1);
  assert.equal(region.egressOnlyInternetGateways!.length, 1);

  assert.equal((await lab.admin("POST", "/reset")).status, 200);
  assert.deepEqual((await ec2.send(new DescribeEgressOnlyInternetGatewaysCommand({}))).EgressOnlyInternetGateways, []);
  assert.equal((await lab.admin("POST", "/state/load", JSON.parse(doc))).status, 200);
  assert.deepEqual(await everything(), seen);
});
