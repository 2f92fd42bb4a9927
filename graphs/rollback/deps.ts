import type { Core } from '../../src/core.js';
import type { StepJournal } from '../../src/runs/journal.js';

/** What the rollback graph's nodes use: core services only, never a bot. */
export type RollbackDeps = Pick<Core, 'config' | 'db' | 'log' | 'approvals' | 'broadcaster' | 'leases' | 'taskStore' | 'github'> & { journal: StepJournal };
