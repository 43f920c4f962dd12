import type { GlobalOptions } from "./common.js";
export interface DemoOptions extends GlobalOptions { clean?: boolean }
export async function runDemo(_opts: DemoOptions): Promise<unknown> { throw new Error("not yet"); }
