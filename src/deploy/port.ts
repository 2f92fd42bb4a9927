import type { Actor } from '../actor.js';

/**
 * The deploy workflow as the core sees it (implemented by graphs/deploy): start a deploy of a
 * configured service; it runs in the background, asks for approval, and reports to the founders.
 */
export interface DeployWorkflow {
  /**
   * Starts `tester → approval → deployer → verify (→ rollback)` for a service.
   * @returns the graph thread id, as soon as the run is started (it continues in the background)
   */
  start(input: { service: string; requestedBy: Actor }): Promise<{ threadId: string }>;
}
