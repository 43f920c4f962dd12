/**
 * RSA key pairs for CreateKeyPair, made ahead of need. Generating a 2048-bit RSA key takes 100–250 ms
 * of CPU; done synchronously inside a request it held the whole server (the fuzzer saw CreateKeyPair
 * answer after 1–3.8 s on a loaded machine, and every other request waited). Node's asynchronous
 * `generateKeyPair` runs on the libuv thread pool, so a few keys are kept ready and refilled off the event
 * loop once the first one is asked for.
 *
 * Fidelity notes: none visible to a client (a key is as random as one made on demand). A burst of more
 * CreateKeyPair calls than the pool holds falls back to generating in the request, as before.
 */
import { generateKeyPair, generateKeyPairSync, type KeyObject } from "node:crypto";

interface RsaPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const POOL_SIZE = 4;
const ready: RsaPair[] = [];
let inFlight = 0;

function refill(): void {
  while (ready.length + inFlight < POOL_SIZE) {
    inFlight++;
    generateKeyPair("rsa", { modulusLength: 2048 }, (err, publicKey, privateKey) => {
      inFlight--;
      if (!err) ready.push({ publicKey, privateKey });
    });
  }
}

/** A fresh 2048-bit RSA key pair: from the pool when one is ready, else made now. */
export function takeRsaKeyPair(): RsaPair {
  const pair = ready.shift() ?? generateKeyPairSync("rsa", { modulusLength: 2048 });
  refill();
  return pair;
}
