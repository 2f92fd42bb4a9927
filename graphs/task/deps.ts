import type { Core } from '../../src/core.js';
import type { StepJournal } from '../../src/runs/journal.js';
import type { TaskStore } from '../../src/tasks/store.js';

/** What the task graph's nodes use: core services only, never a bot. */
export type TaskDeps = Pick<Core, 'config' | 'db' | 'log' | 'alerts' | 'approvals' | 'broadcaster' | 'memory' | 'llm' | 'ledger' | 'leases' | 'mcp' | 'github' | 'rollbacks'> & {
  journal: StepJournal;
  taskStore: TaskStore;
};
