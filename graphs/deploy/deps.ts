import type { Core } from '../../src/core.js';
import type { StepJournal } from '../../src/runs/journal.js';

/** What the deploy graph's nodes use: core services only, never a bot. */
export type DeployDeps = Pick<Core, 'config' | 'db' | 'log' | 'metrics' | 'alerts' | 'approvals' | 'broadcaster' | 'memory' | 'leases' | 'github'> & { journal: StepJournal };
