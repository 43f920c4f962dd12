/**
 * The network commands without a server: `vpclab why|trace|connect --snapshot DIR` load the snapshot
 * (snapshot/import.ts) into a world in this process and answer through the same admin route handlers
 * a server runs (engine/admin-routes.ts), so the answer is the one `vpclab serve --load DIR` would give.
 *
 * Fidelity notes: the offline world has only what the snapshot holds: a region it does not cover has
 * no default VPC (a server makes one on first use). Names resolve in the snapshot's account when it
 * holds one account and no --account is given.
 */
import { readSnapshotDir } from "../snapshot/files.js";
import { importSnapshot, type LoadReport } from "../snapshot/import.js";
import { decodeState } from "../state/document.js";
import { World } from "../state/world.js";
import { engineRoutes } from "../engine/admin-routes.js";
import { Ec2Error } from "../domain/errors.js";
import { VERSION } from "../version.js";
import { AdminApiError } from "./common.js";

export interface OfflineLab {
  world: World;
  report: LoadReport;
  /** The only account in the snapshot, when there is exactly one. */
  account?: string;
  call<T>(path: string, body: Record<string, unknown>): T;
}

export function loadOffline(dir: string): OfflineLab {
  const { document, report } = importSnapshot(readSnapshotDir(dir), Date.now());
  // No region initializer: a snapshot is the whole truth, nothing is added to it.
  const world = new World(() => {}, {});
  world.replaceParts(decodeState(document));
  const accounts = (document.accounts as { account: string }[]).map((a) => a.account);
  return {
    world,
    report,
    account: accounts.length === 1 ? accounts[0] : undefined,
    call<T>(path: string, body: Record<string, unknown>): T {
      const route = engineRoutes[`POST ${path}`];
      if (!route) throw new Error(`no offline route ${path}`);
      try {
        return route({ world, startedAt: Date.now(), version: VERSION }, { method: "POST", body, query: new URLSearchParams() }) as T;
      } catch (err) {
        if (err instanceof Ec2Error) throw new AdminApiError(err.httpStatus, err.code, err.message);
        throw err;
      }
    },
  };
}
