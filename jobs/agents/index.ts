import type { Agent } from './kit.js';
import { dailyDigest } from './daily-digest.js';
import { maintenance } from './maintenance.js';
import { memoryConsolidation } from './memory-consolidation.js';
import { revenueReport } from './revenue-report.js';
import { securityMonitor } from './security-monitor.js';
import { systemMonitor } from './system-monitor.js';

/** The agents that ship with AUREA, one file each in jobs/agents/. */
export const BUILTIN_AGENTS: readonly Agent[] = [systemMonitor, securityMonitor, memoryConsolidation, dailyDigest, revenueReport, maintenance];
