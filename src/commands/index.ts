import type { Core } from '../core.js';
import { agentsCommand } from './agents.js';
import { budgetCommand } from './budget.js';
import { deployCommand } from './deploy.js';
import { helpCommand } from './help.js';
import type { CommandRegistry } from './registry.js';
import { forgetCommand, recallCommand, rememberCommand } from './memory.js';
import { retryCommand } from './retry.js';
import { runCommand } from './run.js';
import { startCommand } from './start.js';
import { statusCommand } from './status.js';

/** Registers every command on the registry. The order is the order of /help and setMyCommands. */
export function registerCommands(registry: CommandRegistry, core: Core): CommandRegistry {
  return registry
    .add(startCommand())
    .add(helpCommand(registry))
    .add(statusCommand(core))
    .add(agentsCommand(core))
    .add(deployCommand(core))
    .add(runCommand(core))
    .add(retryCommand(core))
    .add(rememberCommand(core))
    .add(recallCommand(core))
    .add(forgetCommand(core))
    .add(budgetCommand(core));
}
