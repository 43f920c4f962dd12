/** NAT64 address mapping (RFC 6052's well-known prefix 64:ff9b::/96), both ways. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { fmtIp, parseAddr } from "./addr.js";
import { nat64Address, nat64Embedded } from "./nat.js";
import { parseIp } from "../domain/cidr.js";

test("NAT64: 64:ff9b::a.b.c.d embeds a.b.c.d; other IPv6 and IPv4 addresses embed nothing", () => {
  assert.equal(fmtIp(nat64Embedded(parseAddr("64:ff9b::808:808")!)!), "8.8.8.8");
  assert.equal(fmtIp(nat64Embedded(parseAddr("64:ff9b::192.0.2.33")!)!), "192.0.2.33");
  assert.equal(fmtIp(nat64Embedded(parseAddr("64:ff9b::ffff:ffff")!)!), "255.255.255.255");
  assert.equal(nat64Embedded(parseAddr("64:ff9b:1::808:808")!), undefined);
  assert.equal(nat64Embedded(parseAddr("2600:1f00::808:808")!), undefined);
  assert.equal(nat64Embedded(parseIp("8.8.8.8")!), undefined);
});

test("NAT64: the reply's source is the IPv4 address inside 64:ff9b::/96, and the mapping round-trips", () => {
  assert.equal(fmtIp(nat64Address(parseIp("8.8.8.8")!)), "64:ff9b::808:808");
  assert.equal(fmtIp(nat64Address(parseIp("203.0.113.200")!)), "64:ff9b::cb00:71c8");
  for (const a of ["0.0.0.1", "10.1.2.3", "255.255.255.255"]) assert.equal(nat64Embedded(nat64Address(parseIp(a)!)), parseIp(a));
});
