/**
 * What every API handler receives: the world, the caller's scope (account and region from SigV4) and
 * the request id; and the handler type the operation table is typed against.
 *
 * Handlers are synchronous and validate everything before they change anything, so a refused request
 * leaves state as it was (each request runs to completion before the next: see state/world.ts). They
 * never record changes for the engine or the journal themselves: the one door (state/door.ts) runs each
 * request as a transaction, and rolls back one that throws anything but an AWS error. Anything random a
 * handler needs goes through `world.ids` (`next`, `hex`, `external`), so a journal replay repeats it.
 */
import type { RegionState, World } from "../state/world.js";

export interface Ctx {
  readonly world: World;
  readonly account: string;
  readonly region: string;
  readonly requestId: string;
  /** The caller's account × region state (created with AWS's defaults on first use). */
  readonly rs: RegionState;
}

export type Handler<I = any, O = any> = (ctx: Ctx, input: I) => O;

/** Converts a domain tag map to AWS's TagSet (undefined when empty, as EC2 omits the element). */
export function tagList(tags: Map<string, string>): { Key: string; Value: string }[] | undefined {
  if (tags.size === 0) return undefined;
  return [...tags].map(([Key, Value]) => ({ Key, Value }));
}
