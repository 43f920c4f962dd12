/**
 * The keys `--verify-signatures` accepts, read from a file in the AWS shared-credentials format
 * (`~/.aws/credentials`): `[profile]` sections holding `aws_access_key_id` and `aws_secret_access_key`.
 *
 * Reference: AWS SDKs and Tools reference guide, "Shared config and credentials files" (INI sections,
 * `key = value`, `#` and `;` comments, `[profile name]` headers in the config file).
 *
 * Fidelity notes: only static keys are read; `aws_session_token` is accepted and ignored (a request's
 * session token is part of what it signed, so the signature check covers it, but vpclab does not tell
 * temporary keys from long-term ones). Profiles that hold neither key (role or SSO profiles) are
 * skipped; a profile with only one of the two is an error, because silently skipping it would make a
 * typo look like a rejected client. Nested sub-sections (indented lines such as `s3 =` blocks) are
 * ignored.
 */
import { readFileSync } from "node:fs";

export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
  /** The profile it came from, for messages. */
  profile?: string;
}

export class CredentialsFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CredentialsFileError";
  }
}

/** Parses shared-credentials text; `source` names the file in error messages. */
export function parseCredentials(text: string, source = "credentials file"): AccessKey[] {
  const profiles = new Map<string, { id?: string; secret?: string; line: number }>();
  let current: { id?: string; secret?: string; line: number } | undefined;
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    // Indented lines continue a nested setting (`s3 =\n  max_concurrent_requests = 10`); no key lives there.
    if (/^[ \t]+\S/.test(raw) && current) return;
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) return;
    const section = /^\[\s*(?:profile\s+)?([^\]]*?)\s*\]\s*(?:[#;].*)?$/.exec(line);
    if (section) {
      const name = section[1]!;
      if (name === "") throw new CredentialsFileError(`${source}, line ${lineNo}: empty profile name`);
      current = profiles.get(name) ?? { line: lineNo };
      profiles.set(name, current);
      return;
    }
    const kv = /^([A-Za-z0-9_.-]+)\s*=\s*(.*)$/.exec(line);
    if (!kv) throw new CredentialsFileError(`${source}, line ${lineNo}: expected "[profile]" or "key = value"`);
    if (!current) throw new CredentialsFileError(`${source}, line ${lineNo}: "${kv[1]}" appears before any [profile] section`);
    const key = kv[1]!.toLowerCase();
    // Values may carry an inline comment only after whitespace, as in the SDKs' parsers; secrets may
    // contain `#` or `;` themselves.
    const value = kv[2]!.replace(/\s+[#;].*$/, "").trim();
    if (key === "aws_access_key_id") current.id = value;
    else if (key === "aws_secret_access_key") current.secret = value;
  });

  const keys: AccessKey[] = [];
  const byId = new Map<string, AccessKey>();
  for (const [profile, p] of profiles) {
    if (p.id === undefined && p.secret === undefined) continue;
    if (!p.id) throw new CredentialsFileError(`${source}: profile [${profile}] has aws_secret_access_key but no aws_access_key_id`);
    if (!p.secret) throw new CredentialsFileError(`${source}: profile [${profile}] has aws_access_key_id but no aws_secret_access_key`);
    const seen = byId.get(p.id);
    if (seen) {
      if (seen.secretAccessKey !== p.secret) {
        throw new CredentialsFileError(
          `${source}: access key ${p.id} appears in profiles [${seen.profile}] and [${profile}] with different secrets`,
        );
      }
      continue;
    }
    const k = { accessKeyId: p.id, secretAccessKey: p.secret, profile };
    byId.set(p.id, k);
    keys.push(k);
  }
  if (keys.length === 0) throw new CredentialsFileError(`${source}: no profile with aws_access_key_id and aws_secret_access_key`);
  return keys;
}

export function readCredentialsFile(path: string): AccessKey[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new CredentialsFileError(`cannot read credentials file ${path}: ${(err as Error).message}`);
  }
  return parseCredentials(text, path);
}
