/**
 * The programmatic entry for test suites that want an emulator in-process:
 * `const lab = await startVpclab({ port: 0 }); … await lab.close();`
 */
import { VpclabServer, type ServerOptions } from "./server/server.js";

export type { ServerOptions } from "./server/server.js";
export type { AccessKey } from "./server/credentials.js";
export { VpclabServer } from "./server/server.js";

export interface Vpclab {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startVpclab(options: ServerOptions = {}): Promise<Vpclab> {
  const server = new VpclabServer({ port: 0, ...options });
  const { url, port } = await server.listen();
  return { url, port, close: () => server.close() };
}
