import type { Redis } from 'ioredis';
import type Stripe from 'stripe';
import type { AgentScheduler } from './agents/port.js';
import type { AgentStore } from './agents/store.js';
import type { AlertActionHandler, AlertService } from './alerts/service.js';
import type { Incidents } from './alerts/incidents.js';
import type { ApprovalKinds } from './approvals/kind.js';
import type { ApprovalService } from './approvals/service.js';
import type { Broadcaster } from './channels/broadcast.js';
import type { TapHandler } from './channels/action.js';
import type { ChannelCatalog } from './channels/catalog.js';
import type { CommandRegistry } from './commands/registry.js';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import type { DeployWorkflow, RollbackWorkflow } from './deploy/port.js';
import type { ServiceLeases } from './leases/store.js';
import type { GraphJobs } from './runs/port.js';
import type { TaskWorkflow } from './tasks/port.js';
import type { TaskStore } from './tasks/store.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';
import type { BackgroundWork } from './runtime/background.js';
import type { QueueInspector } from './status/ports.js';
import type { VoiceService } from './voice/service.js';
import type { MemoryService } from './memory/service.js';
import type { Assistant } from './conversation/assistant.js';
import type { LlmLedger } from './llm/ledger.js';
import type { ModelRouter } from './llm/model-router.js';
import type { RefusalGate } from './refusals.js';
import type { FounderDirectory } from './founders/directory.js';
import type { PairingCodes } from './founders/pairing.js';
import type { GithubRepos } from './github/repo.js';
import type { McpServers } from './mcp/servers.js';
import type { FounderQuestions } from './mcp/questions.js';

/**
 * The services every adapter, graph and job is given: built once by the composition root
 * (src/main.ts) and passed down as a typed deps object, never imported as singletons.
 */
export interface Core {
  config: Config;
  log: Logger;
  db: Database;
  redis: Redis;
  metrics: Metrics;
  /** Promises started by a handler that must not block it (a resume after a tap); shutdown waits for them. */
  background: BackgroundWork;
  broadcaster: Broadcaster;
  /** The declared channels: founders, command prefixes, settings (bots/channels.ts). */
  channels: ChannelCatalog;
  alerts: AlertService;
  /** Inbound alerts grouped per service and fingerprint, one threaded message each (src/alerts/incidents.ts). */
  incidents: Incidents;
  approvals: ApprovalService;
  /** The registered approval kinds: what a decided approval resumes (src/approvals/kind.ts). */
  approvalKinds: ApprovalKinds;
  /** Graph runs as jobs on the graphs queue (a start, a resume, a continue). */
  graphJobs: GraphJobs;
  /** One lease per service: deploys, task deploys and rollbacks never overlap (src/leases/store.ts). */
  leases: ServiceLeases;
  /** Alert button verb → what it does (`diagnose`). */
  alertActions: Map<string, AlertActionHandler>;
  /** Button kind → what a tap on it does (`apv` approvals, `alert` alert actions, `task` task views). */
  tapActions: Map<string, TapHandler>;
  commands: CommandRegistry;
  queues: QueueInspector;
  deploys: DeployWorkflow;
  /** Rollbacks of a task's deploy (/rollback, Diagnose), as graph runs on the workers. */
  rollbacks: RollbackWorkflow;
  /** The workforce (/task). */
  taskWork: TaskWorkflow;
  /** The tasks' rows. */
  taskStore: TaskStore;
  voice: VoiceService;
  memory: MemoryService;
  /** The founder's MCP servers (src/mcp/). */
  mcp: McpServers;
  /** The services' GitHub repositories (src/github/): pull requests, checks, merges. */
  github: GithubRepos;
  /** Questions for the founder from AUREA's MCP server (ask_founder). */
  questions: FounderQuestions;
  llm: ModelRouter;
  ledger: LlmLedger;
  assistant: Assistant;
  refusals: RefusalGate;
  /** Who the founders are: configured and paired (src/founders/directory.ts). */
  founders: FounderDirectory;
  /** One-time codes that make their sender a founder (src/founders/pairing.ts). */
  pairing: PairingCodes;
  /** The scheduled agents' registry and runs. */
  agents: AgentStore;
  /** Stripe's official client, or null without STRIPE_SECRET_KEY (src/stripe/client.ts). */
  stripe: Stripe | null;
  /** The scheduled agents' job schedulers: apply a pause or a new schedule, run now, next run. */
  scheduler: AgentScheduler;
}
