/**
 * What every API handler receives: the world, the caller's scope (account and region from SigV4) and
 * the request id; and the handler types the operation table is typed against: each action's handler
 * takes the SDK's `XxxCommandInput` and returns its `XxxCommandOutput` (less `$metadata`, which the
 * server adds). The SDK is imported for its types only, so nothing of it loads at run time.
 *
 * Handlers are synchronous and validate everything before they change anything, so a refused request
 * leaves state as it was (each request runs to completion before the next: see state/world.ts). They
 * never record changes for the engine or the journal themselves: the one door (state/door.ts) runs each
 * request as a transaction, and rolls back one that throws anything but an AWS error. Anything random a
 * handler needs goes through `world.ids` (`next`, `hex`, `external`), so a journal replay repeats it.
 */
import type { EC2 } from "@aws-sdk/client-ec2";
import type * as Ec2 from "@aws-sdk/client-ec2";
import type { RegionState, World } from "../state/world.js";

export interface Ctx {
  readonly world: World;
  readonly account: string;
  readonly region: string;
  readonly requestId: string;
  /** The caller's account × region state (created with AWS's defaults on first use). */
  readonly rs: RegionState;
}

export type Handler<I, O> = (ctx: Ctx, input: I) => O;

/**
 * AWS's EC2 operation names: the SDK client's methods that have a command (`createVpc` → `CreateVpc`),
 * which leaves out the client's own methods (`send`, `destroy`).
 */
export type Action = {
  [K in keyof EC2 & string]: `${Capitalize<K>}Command` extends keyof typeof Ec2 ? Capitalize<K> : never;
}[keyof EC2 & string];

/** An action's input and output, read off the SDK client's method (its last overload takes a callback). */
type Signature<A extends Action> =
  EC2[Uncapitalize<A>] extends (input: infer I, options: infer _, cb: (err: any, data?: infer O) => void) => void ? [I, O] : never;

export type InputOf<A extends Action> = Signature<A>[0];

/** What the handler returns: the command's output without `$metadata`; `void` for an empty output. */
export type OutputOf<A extends Action> =
  keyof Omit<Signature<A>[1], "$metadata"> extends never ? void : Omit<Signature<A>[1], "$metadata">;

/** Each action's handler, typed by the action. Family modules declare `satisfies Operations`. */
export type Operations = { [A in Action]?: Handler<InputOf<A>, OutputOf<A>> };

/**
 * A handler as the server dispatches it, looked up by the action's name at run time. The codec has
 * decoded the input by that action's own schema, which is what `Operations` types per action, so the
 * input is erased to `object` here; method syntax makes the parameter bivariant, so every typed
 * handler fits without a cast.
 */
export type DispatchHandler = { dispatch(ctx: Ctx, input: object): unknown }["dispatch"];

/** Converts a domain tag map to AWS's TagSet (undefined when empty, as EC2 omits the element). */
export function tagList(tags: Map<string, string>): { Key: string; Value: string }[] | undefined {
  if (tags.size === 0) return undefined;
  return [...tags].map(([Key, Value]) => ({ Key, Value }));
}
