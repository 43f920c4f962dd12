/** Placeholder: `vpclab ping|trace|connect|why` come with the network engine's issue. */
import type { Command } from "commander";

export function registerNetworkCommands(_program: Command): void {}
