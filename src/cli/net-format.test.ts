import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { cG, connectLines, pingErrorLine, pingHeader, pingReplyLine, pingStatsLines, pingTime, rttStats, whyPointer } from "./net-format.js";
import { splitHostPort } from "./network.js";

describe("ping output, as iputils prints it", () => {
  it("time= keeps three significant digits", () => {
    assert.equal(pingTime(0.123), "0.123");
    assert.equal(pingTime(1.2344), "1.23");
    assert.equal(pingTime(1.235), "1.24");
    assert.equal(pingTime(9.999), "10.0");
    assert.equal(pingTime(70.553), "70.6");
    assert.equal(pingTime(99.94), "99.9");
    assert.equal(pingTime(123.4), "123");
  });

  it("loss uses %g", () => {
    assert.equal(cG(0), "0");
    assert.equal(cG(100), "100");
    assert.equal(cG(25), "25");
    assert.equal(cG(100 / 3), "33.3333");
    assert.equal(cG(50.5), "50.5");
  });

  it("mdev is the population standard deviation", () => {
    const s = rttStats([70, 71, 72]);
    assert.equal(s.min, 70);
    assert.equal(s.max, 72);
    assert.equal(s.avg, 71);
    assert.ok(Math.abs(s.mdev - Math.sqrt(2 / 3)) < 1e-9);
    assert.deepEqual(rttStats([]), { min: 0, avg: 0, max: 0, mdev: 0 });
  });

  it("header, reply, error and statistics lines", () => {
    assert.equal(pingHeader("10.20.1.5", "10.20.1.5", 56), "PING 10.20.1.5 (10.20.1.5) 56(84) bytes of data.");
    assert.equal(pingReplyLine({ seq: 1, bytes: 64, ttl: 64, rttMs: 70.553, from: "10.20.1.5" }), "64 bytes from 10.20.1.5: icmp_seq=1 ttl=64 time=70.6 ms");
    assert.equal(pingReplyLine({ seq: 1, bytes: 64, ttl: 64, rttMs: 70.553, from: "10.20.1.5" }, 7), "64 bytes from 10.20.1.5: icmp_seq=7 ttl=64 time=70.6 ms");
    assert.equal(pingErrorLine({ seq: 2, from: "10.20.1.4", error: "Frag needed and DF set (mtu = 8500)" }), "From 10.20.1.4 icmp_seq=2 Frag needed and DF set (mtu = 8500)");
    assert.equal(pingErrorLine({ seq: 2, from: "10.20.1.4", error: "local error: message too long, mtu=9001" }), "ping: local error: message too long, mtu=9001");
    assert.deepEqual(pingStatsLines("h", { transmitted: 4, received: 4, errors: 0, timeMs: 3004.4, rtts: [70, 71, 72, 71] }), [
      "",
      "--- h ping statistics ---",
      "4 packets transmitted, 4 received, 0% packet loss, time 3004ms",
      "rtt min/avg/max/mdev = 70.000/71.000/72.000/0.707 ms",
    ]);
    assert.deepEqual(pingStatsLines("h", { transmitted: 3, received: 0, errors: 3, timeMs: 2000, rtts: [] }), [
      "",
      "--- h ping statistics ---",
      "3 packets transmitted, 0 received, +3 errors, 100% packet loss, time 2000ms",
    ]);
  });

  it("the pointer to `vpclab why` quotes names with spaces", () => {
    const e = { code: "ENI_SG_RULES_MISMATCH", component: { id: "sg-1", type: "security-group", account: "0", region: "ap-southeast-1" } } as never;
    assert.equal(
      whyPointer(e, "my box", "10.0.0.1"),
      "Blocked: ENI_SG_RULES_MISMATCH at sg-1 (ap-southeast-1). Run `vpclab why 'my box' 10.0.0.1` for the path, every blocker and the fix.",
    );
  });
});

describe("connect's <to>:<port>", () => {
  it("splits at the last colon", () => {
    assert.deepEqual(splitHostPort("172.31.0.4:22"), { host: "172.31.0.4", port: 22 });
    assert.deepEqual(splitHostPort("web:server:8080"), { host: "web:server", port: 8080 });
    assert.throws(() => splitHostPort("172.31.0.4"), /must be <to>:<port>/);
    assert.throws(() => splitHostPort(":22"), /must be <to>:<port>/);
    assert.throws(() => splitHostPort("a:70000"), /must be <to>:<port>/);
    assert.throws(() => splitHostPort("a:2x"), /must be <to>:<port>/);
    assert.deepEqual(splitHostPort("[2600:1f17::1234:5678]:22"), { host: "2600:1f17::1234:5678", port: 22 });
    assert.throws(() => splitHostPort("[2600:1f17::1]:70000"), /must be <to>:<port>/);
  });
});

describe("connect output", () => {
  const base = { result: "connected" as const, protocol: "tcp" as const, port: 22, destination: "54.9.9.4", rttMs: 3.01, detail: "", explanations: [] };
  it("a private sender seen as itself: no NAT on the way", () => {
    const lines = connectLines({ ...base, source: "10.20.1.4", sourceAddressSeenByReceiver: "10.20.1.4" });
    assert.match(lines[1]!, /come from 10\.20\.1\.4 \(the sender's private IP: no NAT on the way\)/);
  });
  it("a sender on the Internet seen as itself: its own public address", () => {
    const lines = connectLines({ ...base, source: "203.0.113.10", sourceAddressSeenByReceiver: "203.0.113.10" });
    assert.match(lines[1]!, /come from 203\.0\.113\.10 \(the sender's own public address: it came from the Internet\)/);
  });
  it("a private sender translated by a gateway", () => {
    const lines = connectLines({ ...base, source: "10.20.1.4", sourceAddressSeenByReceiver: "54.1.2.3" });
    assert.match(lines[1]!, /the sender 10\.20\.1\.4 was translated/);
  });
});

describe("structured fixes in why's output", () => {
  it("each fix is one AWS CLI line from the one renderer, naming another account when it is not the component's", async () => {
    const { fixLines } = await import("./net-format.js");
    const component = { id: "rtb-1", type: "route-table", account: "111111111111", region: "ap-northeast-1" };
    assert.deepEqual(
      fixLines({
        component,
        fixes: [
          { action: "CreateRoute", params: { RouteTableId: "rtb-1", DestinationCidrBlock: "10.30.0.0/16", TransitGatewayId: "tgw-1" }, account: "111111111111", region: "ap-northeast-1" },
          { action: "AcceptVpcPeeringConnection", params: { VpcPeeringConnectionId: "pcx-1" }, account: "222222222222", region: "ap-southeast-1" },
        ],
      }),
      [
        "aws ec2 create-route --route-table-id rtb-1 --destination-cidr-block 10.30.0.0/16 --transit-gateway-id tgw-1 --region ap-northeast-1",
        "aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id pcx-1 --region ap-southeast-1   # as account 222222222222",
      ],
    );
    assert.deepEqual(fixLines({ component }), []);
  });
});
