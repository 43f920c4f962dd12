/** Unit tests of the scenario file's transit gateway sections (parsing and validation only). */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ScenarioError, parseScenario } from "./scenario-file.js";

const base = `scenario: t
vpcs:
  - { name: a, region: ap-northeast-1, cidr: 10.1.0.0/16, subnets: [{ name: a1, cidr: 10.1.1.0/24, zone: a }, { name: a2, cidr: 10.1.2.0/24, zone: a }] }
  - { name: b, region: ap-southeast-1, cidr: 10.2.0.0/16, subnets: [{ name: b1, cidr: 10.2.1.0/24, zone: a }] }
transit_gateways:
  - { name: ta, region: ap-northeast-1 }
  - { name: tb, region: ap-southeast-1, asn: 64600 }
`;
const atts = `tgw_attachments:
  - { name: aa, transit_gateway: ta, vpc: a, subnets: [a1] }
  - { name: bb, transit_gateway: tb, vpc: b, subnets: [b1] }
  - { name: ab, transit_gateway: ta, peer: tb }
`;

function problems(text: string): string {
  try {
    parseScenario(text, "t.yaml");
  } catch (err) {
    assert.ok(err instanceof ScenarioError);
    return err.message;
  }
  assert.fail("no error");
}

describe("scenario file: transit gateways", () => {
  it("parses gateways, attachments, route tables and VPC routes to a gateway", () => {
    const s = parseScenario(
      `${base}${atts}tgw_route_tables:
  - { name: rta, transit_gateway: ta, associations: [aa, ab], propagations: [aa], routes: [{ destination: 10.2.0.0/16, to: ab }, { destination: 10.9.0.0/16, to: blackhole }] }
  - { name: rtb, transit_gateway: tb, associations: [bb, ab], propagations: [bb], routes: [{ destination: 10.1.0.0/16, to: ab }] }
route_tables:
  - { main: true, vpc: a, routes: [{ destination: 10.2.0.0/16, to: ta }] }
`,
      "t.yaml",
    );
    assert.deepEqual(s.transitGateways, [{ name: "ta", region: "ap-northeast-1" }, { name: "tb", region: "ap-southeast-1", asn: 64600 }]);
    assert.deepEqual(s.tgwAttachments[2], { name: "ab", transitGateway: "ta", subnets: [], peer: "tb" });
    assert.deepEqual(s.tgwRouteTables[0]!.routes, [{ destination: "10.2.0.0/16", to: "ab" }, { destination: "10.9.0.0/16", to: "blackhole" }]);
    assert.deepEqual(s.routeTables[0]!.routes, [{ destination: "10.2.0.0/16", to: "ta" }]);
    assert.deepEqual(parseScenario(base, "t.yaml").tgwAttachments, []);
  });

  it("refuses bad declarations with file, line and field", () => {
    assert.match(problems(`${base}  - { name: tc, region: nowhere }\n`), /t\.yaml:\d+:\d+: transit_gateways\[2\]\.region: "nowhere" is not a region/);
    assert.match(problems(`${base}  - { name: tc, region: us-east-1, asn: 7 }\n`), /transit_gateways\[2\]\.asn: must be a private ASN/);
    assert.match(problems(`${base}tgw_attachments:\n  - { name: x, transit_gateway: ta, vpc: b, subnets: [b1] }\n`), /tgw_attachments\[0\]\.vpc: b is in ap-southeast-1, ta in ap-northeast-1/);
    assert.match(problems(`${base}tgw_attachments:\n  - { name: x, transit_gateway: ta, vpc: a, subnets: [a1, a2] }\n`), /tgw_attachments\[0\]\.subnets\[1\]: a second subnet in zone a/);
    assert.match(problems(`${base}tgw_attachments:\n  - { name: x, transit_gateway: ta, vpc: a, peer: tb }\n`), /give exactly one of `vpc`/);
    assert.match(problems(`${base}tgw_attachments:\n  - { name: x, transit_gateway: nope, peer: tb }\n`), /tgw_attachments\[0\]\.transit_gateway: no transit gateway named "nope"/);
    assert.match(problems(`${base}tgw_attachments:\n  - { name: x, transit_gateway: ta, peer: ta }\n`), /cannot peer with itself/);
    assert.match(problems(`${base}${atts}tgw_route_tables:\n  - { name: r, transit_gateway: ta, propagations: [ab] }\n`), /propagations\[0\]: ab is a peering attachment: a peering attachment never propagates/);
    assert.match(problems(`${base}${atts}tgw_route_tables:\n  - { name: r, transit_gateway: ta, associations: [bb] }\n`), /associations\[0\]: attachment bb is not on ta/);
    assert.match(
      problems(`${base}${atts}tgw_route_tables:\n  - { name: r, transit_gateway: ta, associations: [aa] }\n  - { name: s, transit_gateway: ta, associations: [aa] }\n`),
      /tgw_route_tables\[1\]\.associations\[0\]: aa is already associated with r/,
    );
    assert.match(problems(`${base}${atts}tgw_route_tables:\n  - { name: r, transit_gateway: ta, routes: [{ destination: 10.2.0.0/16, to: bb }] }\n`), /routes\[0\]\.to: attachment bb is not on ta/);
    assert.match(problems(`${base}${atts}tgw_route_tables:\n  - { name: r, transit_gateway: ta, routes: [{ destination: 10.2.0.0/16, to: nothing }] }\n`), /neither "blackhole" nor a transit gateway attachment/);
    assert.match(problems(`${base}route_tables:\n  - { main: true, vpc: a, routes: [{ destination: 10.2.0.0/16, to: ta }] }\n`), /route_tables\[0\]\.routes\[0\]\.to: a is not attached to transit gateway ta/);
    assert.match(problems(`${base}tgw_route_tables:\n  - { name: r, transit_gateway: ta, colour: red }\n`), /tgw_route_tables\[0\]\.colour: unknown field/);
  });
});
