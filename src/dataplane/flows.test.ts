/**
 * The kernel flow sets' parser (pure): `nft -j list table inet vpclab` → counted flows, as nft 1.0.6
 * prints them (TCP/UDP sets keyed by device, addresses and ports; other protocols by protocol name).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseFlowSets } from "./flows.js";

const listing = JSON.stringify({
  nftables: [
    { metainfo: { version: "1.0.6" } },
    { table: { family: "inet", name: "vpclab" } },
    { set: { family: "inet", name: "fe_at", table: "vpclab", elem: [{ elem: { val: { concat: ["e0123456789ab", "10.20.1.4", "172.31.0.4", 41234, 8080] }, expires: 299, counter: { packets: 6, bytes: 402 } } }] } },
    { set: { family: "inet", name: "fi_ru", table: "vpclab", elem: [{ elem: { val: { concat: ["eabc", "10.0.0.1", "10.0.0.2", 5353, 53] }, counter: { packets: 1, bytes: 60 } } }] } },
    { set: { family: "inet", name: "fi_rx", table: "vpclab", elem: [{ elem: { val: { concat: ["eabc", "10.20.1.4", "172.31.0.4", "icmp"] }, counter: { packets: 2, bytes: 168 } } }, { elem: { val: { concat: ["eabc", "10.20.1.4", "172.31.0.4", 47] }, counter: { packets: 1, bytes: 100 } } }] } },
    // Not a flow set, and a set without elements.
    { set: { family: "inet", name: "natpriv", table: "vpclab", elem: ["10.0.0.5"] } },
    { set: { family: "inet", name: "fe_rx", table: "vpclab" } },
    { chain: { family: "inet", name: "forward" } },
  ],
});

test("parseFlowSets reads TCP, UDP and portless flows with their side, verdict and counters", () => {
  assert.deepEqual(parseFlowSets(listing), [
    { set: "fe_a", dev: "e0123456789ab", src: "10.20.1.4", dst: "172.31.0.4", protocol: 6, sport: 41234, dport: 8080, packets: 6, bytes: 402 },
    { set: "fi_r", dev: "eabc", src: "10.0.0.1", dst: "10.0.0.2", protocol: 17, sport: 5353, dport: 53, packets: 1, bytes: 60 },
    { set: "fi_r", dev: "eabc", src: "10.20.1.4", dst: "172.31.0.4", protocol: 1, sport: 0, dport: 0, packets: 2, bytes: 168 },
    { set: "fi_r", dev: "eabc", src: "10.20.1.4", dst: "172.31.0.4", protocol: 47, sport: 0, dport: 0, packets: 1, bytes: 100 },
  ]);
});

test("parseFlowSets gives nothing for an empty or broken listing (a router that went away)", () => {
  assert.deepEqual(parseFlowSets(""), []);
  assert.deepEqual(parseFlowSets("{"), []);
  assert.deepEqual(parseFlowSets(JSON.stringify({ nftables: [] })), []);
});
