import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CredentialsFileError, parseCredentials, readCredentialsFile } from "./credentials.js";

describe("shared-credentials file parser", () => {
  it("reads several profiles, with spacing, comments and CRLF line ends", () => {
    const keys = parseCredentials(
      [
        "# team keys",
        "[default]",
        "aws_access_key_id=AKIADEFAULT",
        "aws_secret_access_key = s3cr3t/with+chars==",
        "",
        "; second one",
        "[ci]",
        "  ",
        "AWS_ACCESS_KEY_ID =  123456789012  ",
        "aws_secret_access_key\t=\tci#secret ; inline comment",
        "aws_session_token = IQoJb3JpZ2luX2VjE",
        "region = eu-west-1",
      ].join("\r\n"),
    );
    assert.deepEqual(keys, [
      { accessKeyId: "AKIADEFAULT", secretAccessKey: "s3cr3t/with+chars==", profile: "default" },
      { accessKeyId: "123456789012", secretAccessKey: "ci#secret", profile: "ci" },
    ]);
  });

  it("accepts config-file style [profile name] headers and skips profiles without keys", () => {
    const keys = parseCredentials(
      "[profile dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = devsecret\n[profile sso]\nsso_session = corp\nrole_arn = arn:aws:iam::1:role/x\n",
    );
    assert.deepEqual(keys, [{ accessKeyId: "AKIADEV", secretAccessKey: "devsecret", profile: "dev" }]);
  });

  it("ignores indented nested settings", () => {
    const keys = parseCredentials("[a]\naws_access_key_id = K\ns3 =\n  max_concurrent_requests = 20\naws_secret_access_key = S\n");
    assert.deepEqual(keys, [{ accessKeyId: "K", secretAccessKey: "S", profile: "a" }]);
  });

  it("merges a repeated section and tolerates the same key twice with the same secret", () => {
    const keys = parseCredentials("[a]\naws_access_key_id = K\n[b]\naws_access_key_id = K\naws_secret_access_key = S\n[a]\naws_secret_access_key = S\n");
    assert.deepEqual(keys, [{ accessKeyId: "K", secretAccessKey: "S", profile: "a" }]);
  });

  const refusals: [string, string, RegExp][] = [
    ["a key before any section", "aws_access_key_id = K\n", /line 1: "aws_access_key_id" appears before any \[profile\]/],
    ["a line that is neither", "[a]\nnot a setting\n", /line 2: expected/],
    ["an empty profile name", "[ ]\n", /line 1: empty profile name/],
    ["an id without a secret", "[a]\naws_access_key_id = K\n", /profile \[a\] has aws_access_key_id but no aws_secret_access_key/],
    ["a secret without an id", "[a]\naws_secret_access_key = S\n", /profile \[a\] has aws_secret_access_key but no aws_access_key_id/],
    ["an empty secret", "[a]\naws_access_key_id = K\naws_secret_access_key =\n", /no aws_secret_access_key/],
    ["one key with two secrets", "[a]\naws_access_key_id = K\naws_secret_access_key = S\n[b]\naws_access_key_id = K\naws_secret_access_key = T\n", /K appears in profiles \[a\] and \[b\] with different secrets/],
    ["a file with no keys at all", "# nothing\n[a]\nregion = us-east-1\n", /no profile with aws_access_key_id and aws_secret_access_key/],
  ];
  for (const [what, text, message] of refusals) {
    it(`refuses ${what}, saying where`, () => {
      assert.throws(() => parseCredentials(text, "creds.ini"), (err: unknown) => {
        assert.ok(err instanceof CredentialsFileError);
        assert.match(err.message, /^creds\.ini/);
        assert.match(err.message, message);
        return true;
      });
    });
  }

  it("reads a file, and names a missing one", () => {
    const dir = mkdtempSync(join(tmpdir(), "vpclab-creds-"));
    const file = join(dir, "credentials");
    writeFileSync(file, "\uFEFF[default]\naws_access_key_id = K\naws_secret_access_key = S\n");
    assert.deepEqual(readCredentialsFile(file), [{ accessKeyId: "K", secretAccessKey: "S", profile: "default" }]);
    assert.throws(() => readCredentialsFile(join(dir, "absent")), /cannot read credentials file .*absent/);
  });
});
