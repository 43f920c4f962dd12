/** Placeholder: the network engine's admin routes (ping, trace, connect, analyze) come with its issue. */
import type { AdminRoutes } from "../server/admin.js";

export const engineRoutes: AdminRoutes = {};
