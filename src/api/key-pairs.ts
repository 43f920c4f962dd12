/**
 * Key pair operations: CreateKeyPair, ImportKeyPair, DescribeKeyPairs, DeleteKeyPair.
 *
 * Reference: EC2 API reference for each action; DescribeKeyPairs filters (key-pair-id, key-name,
 * key-type, fingerprint, tag:*, tag-key).
 * Fidelity notes: see domain/key-pairs.ts.
 */
import type {
  CreateKeyPairRequest,
  DeleteKeyPairRequest,
  DeleteKeyPairResult,
  DescribeKeyPairsRequest,
  DescribeKeyPairsResult,
  ImportKeyPairRequest,
  ImportKeyPairResult,
  KeyPair as KeyPairResult,
  KeyPairInfo,
} from "@aws-sdk/client-ec2";
import type { KeyPair } from "../domain/types.js";
import type { Handler } from "./context.js";
import { tagList } from "./context.js";
import { applyFilters, type FilterSpec } from "../domain/describe.js";
import { tagsFromSpecifications } from "../domain/tags.js";
import {
  createKeyPair,
  deleteKeyPair,
  findKeyPairById,
  importKeyPair,
} from "../domain/key-pairs.js";
import { keyPairNotFound, keyPairIdNotFound } from "../domain/errors.js";

export function keyPairView(k: KeyPair, includePublicKey = false): KeyPairInfo {
  return {
    KeyPairId: k.id,
    KeyFingerprint: k.fingerprint,
    KeyName: k.name,
    KeyType: k.keyType,
    Tags: tagList(k.tags) ?? [],
    CreateTime: new Date(k.createTime),
    PublicKey: includePublicKey ? k.publicKey : undefined,
  };
}

const KEY_FILTERS: FilterSpec<KeyPair> = {
  "key-pair-id": (k) => k.id,
  "key-name": (k) => k.name,
  "key-type": (k) => k.keyType,
  fingerprint: (k) => k.fingerprint,
};

const createKeyPairOp: Handler<CreateKeyPairRequest, KeyPairResult> = ({ world, rs }, input) => {
  const tags = tagsFromSpecifications(input.TagSpecifications, "key-pair");
  const { keyPair, material } = createKeyPair(world, rs, input.KeyName, input.KeyType, input.KeyFormat, tags);
  return {
    KeyFingerprint: keyPair.fingerprint,
    KeyMaterial: material,
    KeyName: keyPair.name,
    KeyPairId: keyPair.id,
    Tags: tagList(keyPair.tags),
  };
};

const importKeyPairOp: Handler<ImportKeyPairRequest, ImportKeyPairResult> = ({ world, rs }, input) => {
  const tags = tagsFromSpecifications(input.TagSpecifications, "key-pair");
  // The codec hands blobs over as their base64 wire text.
  const k = importKeyPair(world, rs, input.KeyName, input.PublicKeyMaterial as unknown as string | undefined, tags);
  return { KeyFingerprint: k.fingerprint, KeyName: k.name, KeyPairId: k.id, Tags: tagList(k.tags) };
};

const describeKeyPairs: Handler<DescribeKeyPairsRequest, DescribeKeyPairsResult> = ({ rs }, input) => {
  let list = [...rs.keyPairs.values()];
  if (input.KeyNames && input.KeyNames.length > 0) {
    const missing = input.KeyNames.filter((n) => !rs.keyPairs.has(n));
    if (missing.length > 0) throw keyPairNotFound(missing.join(", "));
    list = list.filter((k) => input.KeyNames!.includes(k.name));
  }
  if (input.KeyPairIds && input.KeyPairIds.length > 0) {
    const missing = input.KeyPairIds.filter((id) => !findKeyPairById(rs, id));
    if (missing.length > 0) throw keyPairIdNotFound(missing.join(", "));
    list = list.filter((k) => input.KeyPairIds!.includes(k.id));
  }
  const filtered = applyFilters(list, input.Filters, KEY_FILTERS, (k) => k.tags);
  return { KeyPairs: filtered.map((k) => keyPairView(k, input.IncludePublicKey === true)) };
};

const deleteKeyPairOp: Handler<DeleteKeyPairRequest, DeleteKeyPairResult> = ({ rs }, input) => {
  const k = deleteKeyPair(rs, input.KeyName, input.KeyPairId);
  return { Return: true, KeyPairId: k?.id };
};

export const keyPairOperations = {
  CreateKeyPair: createKeyPairOp,
  ImportKeyPair: importKeyPairOp,
  DescribeKeyPairs: describeKeyPairs,
  DeleteKeyPair: deleteKeyPairOp,
};
