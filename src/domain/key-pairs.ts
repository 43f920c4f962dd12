/**
 * Key pairs: CreateKeyPair (real keys, generated locally), ImportKeyPair (OpenSSH public keys),
 * DescribeKeyPairs and DeleteKeyPair, with AWS's fingerprints.
 *
 * References: EC2 API CreateKeyPair, ImportKeyPair, DescribeKeyPairs, DeleteKeyPair; KeyPairInfo
 * `KeyFingerprint` (created RSA: SHA-1 of the DER PKCS#8 private key; imported RSA: MD5 of the DER
 * public key, i.e. `openssl pkey -pubout -outform DER | openssl md5 -c`; ED25519 either way: base64
 * SHA-256 of the public key, as OpenSSH ≥ 6.8 shows it, with base64 padding as EC2 prints it).
 *
 * Fidelity notes:
 * - Created keys are real (node:crypto), so the returned material works with ssh-keygen; RSA keys
 *   are 2048-bit and returned as PKCS#1 PEM ("BEGIN RSA PRIVATE KEY") as EC2 returns them; ED25519
 *   keys in OpenSSH's own format. `KeyFormat=ppk` (PuTTY) is refused: not built.
 * - ImportKeyPair takes the OpenSSH one-line format (`ssh-rsa AAAA… comment`, `ssh-ed25519 …`), sent
 *   base64-encoded as the API requires; a value that is not base64 is read as the key text itself.
 *   The RFC 4716 and DER formats AWS also accepts are not built (refused as `InvalidKey.Format`).
 * - Key pairs do not count against a quota (AWS's is 5000 per region).
 */
import { createHash, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { takeRsaKeyPair } from "./rsa-pool.js";
import type { RegionState, World } from "../state/world.js";
import type { KeyPair, Tags } from "./types.js";
import {
  invalidParameterValue,
  missingParameter,
  keyPairNotFound,
  keyPairIdNotFound,
  keyPairDuplicate,
  keyFormat,
} from "./errors.js";

function colonHex(buf: Buffer): string {
  return buf.toString("hex").replace(/(..)(?!$)/g, "$1:");
}

function validateName(name: string | undefined): string {
  if (name === undefined || name === "") throw missingParameter("KeyName");
  if (name.length > 255 || !/^[\x20-\x7e]+$/.test(name)) {
    throw invalidParameterValue(`Value (${name}) for parameter keyName is invalid. Key names may contain up to 255 ASCII characters.`);
  }
  return name;
}

export function findKeyPair(rs: RegionState, name: string): KeyPair | undefined {
  return rs.keyPairs.get(name);
}

export function findKeyPairById(rs: RegionState, id: string): KeyPair | undefined {
  for (const k of rs.keyPairs.values()) if (k.id === id) return k;
  return undefined;
}

// ---- SSH wire encoding ---------------------------------------------------------------------------

function sshString(b: Buffer | string): Buffer {
  const body = typeof b === "string" ? Buffer.from(b) : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
}

/** An unsigned big-endian integer as an SSH mpint (a leading zero when the top bit is set). */
function sshMpint(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  let v = b.subarray(i);
  if (v[0]! & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
  return sshString(v);
}

function readSshStrings(blob: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let off = 0;
  while (off < blob.length) {
    if (off + 4 > blob.length) throw keyFormat();
    const len = blob.readUInt32BE(off);
    off += 4;
    if (off + len > blob.length) throw keyFormat();
    out.push(blob.subarray(off, off + len));
    off += len;
  }
  return out;
}

function jwkOf(key: KeyObject): { n?: string; e?: string; x?: string; d?: string } {
  return key.export({ format: "jwk" }) as { n?: string; e?: string; x?: string; d?: string };
}

function rsaBlob(pub: KeyObject): Buffer {
  const jwk = jwkOf(pub);
  return Buffer.concat([sshString("ssh-rsa"), sshMpint(Buffer.from(jwk.e!, "base64url")), sshMpint(Buffer.from(jwk.n!, "base64url"))]);
}

function ed25519Blob(pub: KeyObject): Buffer {
  return Buffer.concat([sshString("ssh-ed25519"), sshString(Buffer.from(jwkOf(pub).x!, "base64url"))]);
}

function sha256Fingerprint(blob: Buffer): string {
  return createHash("sha256").update(blob).digest("base64");
}

/** OpenSSH's private key container (`openssh-key-v1`), unencrypted, for an ED25519 key. */
function opensshPrivateKey(pubBlob: Buffer, seed: Buffer, pub: Buffer, comment: string): string {
  const check = Buffer.alloc(4);
  check.writeUInt32BE(createHash("sha256").update(seed).digest().readUInt32BE(0));
  let priv = Buffer.concat([
    check,
    check,
    sshString("ssh-ed25519"),
    sshString(pub),
    sshString(Buffer.concat([seed, pub])),
    sshString(comment),
  ]);
  const pad: number[] = [];
  for (let i = 1; (priv.length + pad.length) % 8 !== 0; i++) pad.push(i);
  priv = Buffer.concat([priv, Buffer.from(pad)]);
  const body = Buffer.concat([
    Buffer.from("openssh-key-v1\0"),
    sshString("none"),
    sshString("none"),
    sshString(Buffer.alloc(0)),
    Buffer.from([0, 0, 0, 1]),
    sshString(pubBlob),
    sshString(priv),
  ]);
  const b64 = body.toString("base64").replace(/(.{70})/g, "$1\n").replace(/\n$/, "");
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${b64}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

// ---- operations ----------------------------------------------------------------------------------

export interface CreatedKeyPair {
  keyPair: KeyPair;
  material: string;
}

export function createKeyPair(
  world: World,
  rs: RegionState,
  nameIn: string | undefined,
  keyTypeIn: string | undefined,
  keyFormatIn: string | undefined,
  tags: Tags,
): CreatedKeyPair {
  const name = validateName(nameIn);
  const keyType = keyTypeIn ?? "rsa";
  if (keyType !== "rsa" && keyType !== "ed25519") {
    throw invalidParameterValue(`Value (${keyType}) for parameter keyType is invalid. Valid values are rsa, ed25519.`);
  }
  if (keyFormatIn !== undefined && keyFormatIn !== "pem" && keyFormatIn !== "ppk") {
    throw invalidParameterValue(`Value (${keyFormatIn}) for parameter keyFormat is invalid. Valid values are pem, ppk.`);
  }
  if (keyFormatIn === "ppk") throw invalidParameterValue("vpclab does not produce PuTTY (ppk) key material; use pem.");
  if (rs.keyPairs.has(name)) throw keyPairDuplicate(name);

  // Key generation is random: drawn through the id source so that a journal replay gets the same public
  // half. The private key is only ever in the response (never in state, journal or snapshot), so a
  // replay, which sends no response, leaves it empty.
  let material = "";
  const { fingerprint, publicKey } = world.ids.external(() => {
    if (keyType === "rsa") {
      const { privateKey, publicKey: pub } = takeRsaKeyPair();
      material = privateKey.export({ type: "pkcs1", format: "pem" }).toString().trimEnd();
      return {
        fingerprint: colonHex(createHash("sha1").update(privateKey.export({ type: "pkcs8", format: "der" })).digest()),
        publicKey: `ssh-rsa ${rsaBlob(pub).toString("base64")} ${name}`,
      };
    }
    const { privateKey, publicKey: pub } = generateKeyPairSync("ed25519");
    const blob = ed25519Blob(pub);
    const seed = Buffer.from(jwkOf(privateKey).d!, "base64url");
    material = opensshPrivateKey(blob, seed, Buffer.from(jwkOf(pub).x!, "base64url"), name).trimEnd();
    return { fingerprint: sha256Fingerprint(blob), publicKey: `ssh-ed25519 ${blob.toString("base64")} ${name}` };
  });
  const keyPair: KeyPair = {
    id: world.ids.next("key"),
    ownerId: rs.account,
    region: rs.region,
    tags,
    name,
    fingerprint,
    keyType,
    publicKey,
    createTime: world.clock.now(),
  };
  rs.keyPairs.set(name, keyPair);
  return { keyPair, material };
}

/** Parses an OpenSSH public key line into its type, blob and AWS fingerprint. */
export function parsePublicKey(text: string): { keyType: "rsa" | "ed25519"; fingerprint: string; line: string } {
  const parts = text.trim().split(/\s+/);
  if (parts.length < 2) throw keyFormat();
  const [type, b64] = parts as [string, string];
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw keyFormat();
  const blob = Buffer.from(b64, "base64");
  const fields = readSshStrings(blob);
  if (fields.length === 0 || fields[0]!.toString() !== type) throw keyFormat();
  if (type === "ssh-rsa") {
    if (fields.length !== 3) throw keyFormat();
    const strip = (b: Buffer) => {
      let i = 0;
      while (i < b.length - 1 && b[i] === 0) i++;
      return b.subarray(i);
    };
    const e = strip(fields[1]!);
    const n = strip(fields[2]!);
    if (n.length * 8 < 1024) throw keyFormat("RSA keys must be at least 1024 bits long");
    let der: Buffer;
    try {
      der = createPublicKey({ key: { kty: "RSA", n: n.toString("base64url"), e: e.toString("base64url") }, format: "jwk" }).export({
        type: "spki",
        format: "der",
      });
    } catch {
      throw keyFormat();
    }
    return { keyType: "rsa", fingerprint: colonHex(createHash("md5").update(der).digest()), line: text.trim() };
  }
  if (type === "ssh-ed25519") {
    if (fields.length !== 2 || fields[1]!.length !== 32) throw keyFormat();
    return { keyType: "ed25519", fingerprint: sha256Fingerprint(blob), line: text.trim() };
  }
  throw keyFormat(`Key type '${type}' is not supported. Supported types: ssh-rsa, ssh-ed25519`);
}

/** The API sends the key base64-encoded; some clients send the text itself. */
export function decodeKeyMaterial(raw: string | undefined): string {
  if (raw === undefined || raw === "") throw missingParameter("PublicKeyMaterial");
  const trimmed = raw.trim();
  if (/^(ssh-|ecdsa-)/.test(trimmed)) return trimmed;
  if (!/^[A-Za-z0-9+/=\s]+$/.test(trimmed)) throw keyFormat();
  return Buffer.from(trimmed, "base64").toString("utf8");
}

export function importKeyPair(world: World, rs: RegionState, nameIn: string | undefined, material: string | undefined, tags: Tags): KeyPair {
  const name = validateName(nameIn);
  const parsed = parsePublicKey(decodeKeyMaterial(material));
  if (rs.keyPairs.has(name)) throw keyPairDuplicate(name);
  const keyPair: KeyPair = {
    id: world.ids.next("key"),
    ownerId: rs.account,
    region: rs.region,
    tags,
    name,
    fingerprint: parsed.fingerprint,
    keyType: parsed.keyType,
    publicKey: parsed.line,
    createTime: world.clock.now(),
  };
  rs.keyPairs.set(name, keyPair);
  return keyPair;
}

/** DeleteKeyPair by name or id. AWS answers success for a name that does not exist. */
export function deleteKeyPair(rs: RegionState, name: string | undefined, id: string | undefined): KeyPair | undefined {
  if (name === undefined && id === undefined) throw missingParameter("KeyName");
  if (id !== undefined) {
    const k = findKeyPairById(rs, id);
    if (!k) throw keyPairIdNotFound(id);
    if (name !== undefined && k.name !== name) throw keyPairNotFound(name);
    rs.keyPairs.delete(k.name);
    return k;
  }
  const k = rs.keyPairs.get(name!);
  if (k) rs.keyPairs.delete(k.name);
  return k;
}
