import { agentsCommand } from './agents.js';
import { budgetCommand } from './budget.js';
import { deployCommand } from './deploy.js';
import { foundersCommand, unpairCommand } from './founders.js';
import { mcpCommand } from './mcp.js';
import { helpCommand } from './help.js';
import type { CommandRegistry } from './registry.js';
import { forgetCommand, recallCommand, rememberCommand } from './memory.js';
import { refundCommand } from './refund.js';
import { retryCommand } from './retry.js';
import { rollbackCommand } from './rollback.js';
import { pauseCommand, resumeCommand } from './pause.js';
import { runCommand } from './run.js';
import { scheduleCommand } from './schedule.js';
import { startCommand } from './start.js';
import { statusCommand } from './status.js';
import { incidentsCommand } from './incidents.js';
import { cancelCommand, taskCommand, tasksCommand } from './task.js';

/** What the commands use, together: each command's factory declares its own part. */
export type CommandDeps = Parameters<typeof statusCommand>[0] &
  Parameters<typeof agentsCommand>[0] &
  Parameters<typeof deployCommand>[0] &
  Parameters<typeof runCommand>[0] &
  Parameters<typeof pauseCommand>[0] &
  Parameters<typeof scheduleCommand>[0] &
  Parameters<typeof retryCommand>[0] &
  Parameters<typeof rememberCommand>[0] &
  Parameters<typeof recallCommand>[0] &
  Parameters<typeof forgetCommand>[0] &
  Parameters<typeof budgetCommand>[0] &
  Parameters<typeof taskCommand>[0] &
  Parameters<typeof tasksCommand>[0] &
  Parameters<typeof cancelCommand>[0] &
  Parameters<typeof rollbackCommand>[0] &
  Parameters<typeof refundCommand>[0] &
  Parameters<typeof unpairCommand>[0] &
  Parameters<typeof mcpCommand>[0] &
  Parameters<typeof incidentsCommand>[0];

/** Registers every command on the registry. The order is the order of /help and setMyCommands. */
export function registerCommands(registry: CommandRegistry, core: CommandDeps): CommandRegistry {
  return registry
    .add(startCommand())
    .add(helpCommand(registry))
    .add(statusCommand(core))
    .add(agentsCommand(core))
    .add(incidentsCommand(core))
    .add(deployCommand(core))
    .add(taskCommand(core))
    .add(tasksCommand(core))
    .add(cancelCommand(core))
    .add(rollbackCommand(core))
    .add(refundCommand(core))
    .add(runCommand(core))
    .add(pauseCommand(core))
    .add(resumeCommand(core))
    .add(scheduleCommand(core))
    .add(retryCommand(core))
    .add(rememberCommand(core))
    .add(recallCommand(core))
    .add(forgetCommand(core))
    .add(budgetCommand(core))
    .add(foundersCommand(core))
    .add(mcpCommand(core))
    .add(unpairCommand(core));
}
