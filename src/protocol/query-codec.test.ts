// Unit tests of the codec's guards against text XML 1.0 cannot carry: the decoder refuses it in any
// parameter, and the encoder never emits it, whatever string reaches it.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { clip, escapeXml, QueryCodec } from "./query-codec.js";
import { serviceModel } from "../model/wire-model.js";
import { Ec2Error } from "../domain/errors.js";

const XML_FORBIDDEN = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const unescape = (s: string) =>
  s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" })[e]!);

// Any UTF-16 string: controls, noncharacters and lone surrogates included.
const anyString = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }).map((cs) => String.fromCharCode(...cs));

test("escapeXml never emits a character XML 1.0 forbids, nor a raw markup character", () => {
  fc.assert(
    fc.property(anyString, (s) => {
      const out = escapeXml(s);
      return !XML_FORBIDDEN.test(out) && !/[<>"']/.test(out) && !/&(?!(amp|lt|gt|quot|apos);)/.test(out);
    }),
    { numRuns: 5000 },
  );
});

test("escapeXml keeps every allowed character, surrogate pairs included", () => {
  fc.assert(
    fc.property(fc.string({ unit: "grapheme" }), (s) => {
      const allowed = s.replace(new RegExp(XML_FORBIDDEN.source, "g"), "");
      return unescape(escapeXml(allowed)) === allowed;
    }),
  );
  assert.equal(escapeXml("a\u0001b\uFFFE\uD800c"), "a\uFFFDb\uFFFD\uFFFDc");
  assert.equal(escapeXml("tab\tLF\nCR\r🙂"), "tab\tLF\nCR\r🙂");
});

test("decode refuses a forbidden character in any parameter value or name, with InvalidParameterValue", () => {
  const codec = new QueryCodec(serviceModel("ec2"));
  const code = (params: [string, string][]) => {
    try {
      codec.decode("CreateTagsRequest", params);
      return "ok";
    } catch (e) {
      return (e as Ec2Error).code;
    }
  };
  assert.equal(code([["ResourceId.1", "vpc-1"], ["Tag.1.Key", "k"], ["Tag.1.Value", "v"]]), "ok");
  for (const bad of ["\u0000", "\u0001", "\u0008", "\u000B", "\u001F", "\uFFFE", "\uFFFF", "\uD800", "x\uDC00"]) {
    assert.equal(code([["ResourceId.1", "vpc-1"], ["Tag.1.Key", "k"], ["Tag.1.Value", `a${bad}b`]]), "InvalidParameterValue", JSON.stringify(bad));
    assert.equal(code([["ResourceId.1", "vpc-1"], [`Tag.1.Key${bad}`, "k"]]), "InvalidParameterValue", JSON.stringify(bad));
  }
  assert.equal(code([["ResourceId.1", "vpc-1"], ["Tag.1.Key", "k"], ["Tag.1.Value", "a\tb\nc\rd🙂"]]), "ok");
});

test("clip keeps short strings and cuts long ones, saying how long they were", () => {
  assert.equal(clip("abc"), "abc");
  const long = clip("x".repeat(100_000));
  assert.ok(long.length < 300);
  assert.match(long, /100000 characters/);
});
