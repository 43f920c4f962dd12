/** Placeholder: `vpclab peer|unpeer|up|down|demo` come with the scenario issue. */
import type { Command } from "commander";

export function registerScenarioCommands(_program: Command): void {}
