/**
 * The composition root: config → database → Redis → core services → bots | worker | HTTP.
 * It is the one file in src/ that imports bots/, graphs/ and jobs/ (to wire them); everything
 * else in src/ only knows the ports they implement.
 */
import type { Server } from 'node:http';
import type { Queue, Worker } from 'bullmq';
import type { Readable, Writable } from 'node:stream';
import { CHANNELS } from '../bots/channels.js';

/** The declared channels, for the CLI's commands that need them without starting AUREA (`aurea pair`). */
export { CHANNELS };
/** The graph runs that failed for good, for `aurea doctor`. */
export { failedGraphRuns } from '../jobs/graph-jobs.js';
import { createChatAdapters } from '../bots/index.js';
import { ChannelCatalog } from './channels/catalog.js';
import type { OpenChannel } from './channels/declaration.js';
import { DEPLOY_APPROVAL } from '../graphs/deploy/nodes/approval.js';
import { createDeployRunner, createDeployWorkflow } from '../graphs/deploy/workflow.js';
import { ROLLBACK_APPROVAL } from '../graphs/rollback/nodes/approval.js';
import { createRollbackRunner, createRollbackWorkflow } from '../graphs/rollback/workflow.js';
import { createDiagnoser, FIX_TASK_APPROVAL } from '../graphs/task/actions/diagnose.js';
import { createDiffShower } from '../graphs/task/actions/diff.js';
import { TASK_ACTION, TASK_APPROVAL } from '../graphs/task/nodes/approval.js';
import { createTaskRunner, createTaskWorkflow } from '../graphs/task/workflow.js';
import { bullGraphJobs, createGraphsQueue, retryRunTap, RUN_ACTION } from '../jobs/graph-jobs.js';
import { DASHBOARD_PATH, queueDashboard } from '../jobs/dashboard.js';
import { createAgentsQueue, queueInspector } from '../jobs/queues.js';
import { agentsDir, loadAgentFiles } from '../jobs/agents/declarative.js';
import { BUILTIN_AGENTS } from '../jobs/agents/index.js';
import { agentCatalog, createAgentScheduler } from '../jobs/schedules.js';
import { startGraphWorker, startWorker } from '../jobs/worker.js';
import { createEventsQueue, startEventDelivery } from '../jobs/event-jobs.js';
import { eventStreamRoute } from './events/stream.js';
import { TaskStore } from './tasks/store.js';
import { StepJournal } from './runs/journal.js';
import { RefusalGate } from './refusals.js';
import { announcePairing } from './founders/claim.js';
import { FounderDirectory } from './founders/directory.js';
import { PairingCodes } from './founders/pairing.js';
import { FounderStore } from './founders/store.js';
import { UNPAIR_APPROVAL } from './founders/unpair.js';
import { AgentStore } from './agents/store.js';
import { startWatchdog } from './agents/watchdog.js';
import { ALERT_ACTION, AlertService } from './alerts/service.js';
import { alertResponses } from './alerts/responses.js';
import { alertTapHandler } from './alerts/tap.js';
import { APPROVAL_ACTION } from './approvals/buttons.js';
import { ApprovalKinds } from './approvals/kind.js';
import { handleApprovalTap } from './approvals/tap.js';
import type { TapHandler } from './channels/action.js';
import { ApprovalService } from './approvals/service.js';
import type { AlertActionHandler } from './alerts/service.js';
import { Broadcaster } from './channels/broadcast.js';
import { registerCommands } from './commands/index.js';
import { COMMAND_APPROVAL } from './commands/proposals.js';
import { CommandRegistry, type CommandSpec } from './commands/registry.js';
import type { Config } from './config.js';
import type { Core } from './core.js';
import { openDatabase, type Database } from './db/database.js';
import { migrate } from './db/migrate.js';
import { AureaError, ConfigError } from './errors.js';
import { selfHealth } from './http/health.js';
import { createHttpServer, listen } from './http/server.js';
import { createLogger, logEvery, type Logger } from './log.js';
import { createMetrics } from './metrics.js';
import { connectRedis, createRedis, ensureRedis } from './redis.js';
import { needsPassword, startLocalRedis } from './redis-local.js';
import { BackgroundWork } from './runtime/background.js';
import { coalesce } from './runtime/coalesce.js';
import { Assistant } from './conversation/assistant.js';
import { ChatTurns } from './conversation/turns.js';
import { Budget } from './llm/budget.js';
import { providersFromConfig } from './llm/chain.js';
import { LlmLedger } from './llm/ledger.js';
import { ModelRouter } from './llm/model-router.js';
import { route, type Said } from './router.js';
import type { FailedRun } from './runs/failures.js';
import type { OutboundMessage } from './channels/port.js';
import { createStripe } from './stripe/client.js';
import { REFUND_APPROVAL } from './stripe/refund.js';
import { ServiceLeases } from './leases/store.js';
import { reportFailedRun } from './runs/failures.js';
import { stripeWebhookRoute } from './stripe/webhook.js';
import { HashingEmbedder } from './memory/hashing-embedder.js';
import { carryOutMcpCall, MCP_CALL_APPROVAL } from './mcp/ask.js';
import { bullMcpCallJobs, createToolsQueue, scheduleGithubPoll, startToolsWorker } from '../jobs/mcp-jobs.js';
import { McpGrants } from './mcp/grants.js';
import { alertmanagerRoute, genericAlertRoute } from './alerts/sources/inbound.js';
import { sentryWebhookRoute } from './alerts/sources/sentry.js';
import { INCIDENT_ACTION, Incidents } from './alerts/incidents.js';
import { incidentTapHandler } from './alerts/incident-tap.js';
import { GITHUB_DEPLOY_APPROVAL, GITHUB_TASK_APPROVAL } from './github/proposals.js';
import { GithubRepos } from './github/repo.js';
import { githubWebhookRoute } from './github/webhook.js';
import { pollGithub } from './github/poll.js';
import { McpServers } from './mcp/servers.js';
import { mcpRoute } from './mcp/serve.js';
import { FounderQuestions, QUESTION_ACTION } from './mcp/questions.js';
import { MemoryService } from './memory/service.js';
import { PocketsphinxTranscriber } from './voice/pocketsphinx.js';
import { VoiceService } from './voice/service.js';

/** Which halves run in this process: `start` = all; `bot` = http + bot; `worker` = worker only. */
export interface Roles {
  http: boolean;
  bot: boolean;
  worker: boolean;
}

export const ROLES = {
  start: { http: true, bot: true, worker: true },
  bot: { http: true, bot: true, worker: false },
  worker: { http: false, bot: false, worker: true },
} as const satisfies Record<string, Roles>;

export interface RunningAurea {
  core: Core;
  /** Bound HTTP port, when the http role runs. */
  httpPort?: number;
  /** The console session, when started with `options.console` (aurea chat). */
  console?: OpenChannel['session'];
  /** Graceful stop: stop taking updates, let running jobs and graph runs finish (bounded), close. */
  stop(): Promise<void>;
}

/** How often a process re-reads the paired founders (another process may have paired one). */
const FOUNDERS_REFRESH_MS = 5_000;

/** How long shutdown waits for running jobs and graph runs. */
const DRAIN_MS = 10_000;

/** What to say when no channel is open: each declared channel's settings. */
const noChannelHint = (catalog: ChannelCatalog) =>
  'No chat channel is configured, so alerts and approvals have nowhere to go. Talk to AUREA in this terminal with ' +
  `\`npx aurea chat\`, or configure a channel: ${catalog.declarations.filter((d) => d.configKeys.length).map((d) => `${d.name} (${d.configKeys.join(', ')})`).join('; ')}. ` +
  'The README says how. The HTTP server and the monitor keep running meanwhile.';

/**
 * Checks `approvals.<kind>` against the registered kinds, and says once, at start, when a kind wants
 * a separate approver but AUREA has a single founder (nobody could approve it then).
 * @throws ConfigError naming an unknown kind
 */
function checkApprovalSettings(config: Config, kinds: ApprovalKinds, founders: FounderDirectory, log: Logger, announce?: (line: string) => void): void {
  for (const [kind, setting] of Object.entries(config.approvals)) {
    if (!kinds.get(kind)) throw new ConfigError(`approvals.${kind}`, `Invalid aurea.config.yaml: approvals.${kind}: there is no approval kind "${kind}"; the kinds are ${kinds.names().join(', ')}`);
    if (setting?.separateApprover && founders.entries().length < 2) {
      const line = `⚠ approvals.${kind}.separateApprover is on, but AUREA has one founder: nobody else can approve a ${kind} request. Pair a second founder (aurea pair <channel>) or set it to false.`;
      log.warn(line);
      announce?.(line);
    }
  }
}

/**
 * Starts AUREA.
 * @param config validated configuration (loadConfig)
 * @param roles which halves to run in this process
 * @throws AureaError EMBEDDED_DB_SPLIT when bot and worker run apart without DATABASE_URL, and the
 *   errors of openDatabase, migrate and ensureRedis (each says what to do)
 */
export interface StartOptions {
  /** A logger (default: pino JSON on stdout at config.logLevel). */
  log?: Logger;
  /** Also open the console channel on these streams (aurea chat). */
  console?: { input: Readable; output: Writable & { isTTY?: boolean } };
  /** Where a person reads what they must do (a pairing code to send); default: the log only. */
  announce?: (line: string) => void;
  /** Commands of this run only, after the built-in ones (`demo break` in `aurea demo`). */
  commands?: readonly CommandSpec<any>[];
}

export async function startAurea(config: Config, roles: Roles, options: StartOptions = {}): Promise<RunningAurea> {
  const log = options.log ?? createLogger(config.logLevel, config.secrets);
  if (!config.database.url && !(roles.bot && roles.worker)) {
    throw new AureaError(
      'EMBEDDED_DB_SPLIT',
      'Running the bot and the worker as separate processes needs a shared Postgres: set DATABASE_URL ' +
        '(the embedded database is one session in one process). Or run both with `aurea start`.',
    );
  }
  const cleanups: Array<() => Promise<unknown>> = [];
  const closeAll = async () => {
    for (const [i, fn] of cleanups.reverse().entries()) {
      // A shutdown step that hangs is named in the log (its place in the reversed list and its source).
      const slow = setTimeout(() => log.warn({ step: i, source: fn.toString().slice(0, 120) }, 'shutdown step still running after 20 s'), 20_000);
      await fn().catch((err: unknown) => log.warn({ err }, 'shutdown step failed')).finally(() => clearTimeout(slow));
    }
  };

  try {
    const db: Database = await openDatabase(config);
    cleanups.push(() => db.close());
    const { applied } = await migrate(db.pool);
    if (applied.length) log.info({ applied }, 'database migrated');

    const redis = createRedis(config.redis.url, 'app');
    const bullRedis = createRedis(config.redis.url, 'bullmq');
    cleanups.push(async () => {
      redis.disconnect();
      bullRedis.disconnect();
    });
    try {
      await connectRedis(config, redis);
    } catch (err) {
      if (!config.redis.managed || needsPassword(err)) throw err;
      cleanups.push(await startLocalRedis(config.database.dataDir, [redis, bullRedis], log));
    }
    bullRedis.options.password = redis.options.password;
    await ensureRedis(bullRedis, config.redis.url);

    const metrics = createMetrics();
    const background = new BackgroundWork(log);
    const broadcaster = new Broadcaster(log);
    const channels = new ChannelCatalog(CHANNELS);
    const queue: Queue = createAgentsQueue(bullRedis, config.redis.prefix);
    cleanups.push(() => queue.close());
    const graphsQueue: Queue = createGraphsQueue(bullRedis, config.redis.prefix);
    const catalog = agentCatalog(config, [...BUILTIN_AGENTS, ...loadAgentFiles(agentsDir(config))]);
    cleanups.push(() => graphsQueue.close());
    const toolsQueue: Queue = createToolsQueue(bullRedis, config.redis.prefix);
    cleanups.push(() => toolsQueue.close());
    const eventsQueue = createEventsQueue(bullRedis, config.redis.prefix);
    cleanups.push(() => eventsQueue.close());
    // Without a listener BullMQ prints connection errors to stderr (the `aurea chat` terminal).
    for (const q of [queue, graphsQueue, toolsQueue, eventsQueue]) q.on('error', logEvery(log, 30_000, `queue ${q.name}: Redis error; retrying`));
    const approvalKinds = new ApprovalKinds();
    const graphJobs = bullGraphJobs(graphsQueue);
    const alerts = new AlertService(db.pool, broadcaster, metrics, log, { quietHours: config.alerts.quietHours });
    const base = {
      config,
      log,
      channels,
      db,
      redis,
      metrics,
      background,
      broadcaster,
      alerts,
      incidents: new Incidents(db.pool, alerts, broadcaster, log, { windowMs: config.alerts.incidentWindowMs, diagnosable: (service) => config.services[service] !== undefined }),
      approvals: new ApprovalService(db.pool, broadcaster, log),
      approvalKinds,
      graphJobs,
      leases: new ServiceLeases(db.pool),
      // /status shows the events queue where events are delivered.
      queues: queueInspector(queue, graphsQueue, ...(config.events.webhooks.length ? [eventsQueue] : [])),
      refusals: new RefusalGate({ db: db.pool, redis, prefix: config.redis.prefix, log }),
      agents: new AgentStore(db.pool),
      founders: new FounderDirectory(config, channels, new FounderStore(db.pool), log),
      pairing: new PairingCodes(redis, config.redis.prefix, config.pairing.codeTtlMs),
    };
    await base.founders.refresh();
    cleanups.push(base.founders.startRefresh(FOUNDERS_REFRESH_MS));
    const scheduler = createAgentScheduler(queue, base.agents, catalog);
    cleanups.push(() => base.refusals.stop());
    const commands = new CommandRegistry(metrics, log, { isFounder: (actor) => base.founders.isFounder(actor), commandPrefix: (c) => channels.commandPrefix(c) });
    // The OpenAI SDK is loaded only when it is used (transcription or embeddings with OPENAI_API_KEY).
    const transcriber =
      config.voice.provider === 'openai'
        ? new (await import('./voice/openai.js')).OpenAITranscriber({ apiKey: config.openai.apiKey!, baseUrl: config.openai.baseUrl })
        : new PocketsphinxTranscriber();
    const voice = new VoiceService({ config, db, log, transcriber, commands, scheduler });
    const embedder =
      config.embedder === 'openai' && config.openai.apiKey
        ? new (await import('./memory/openai-embedder.js')).OpenAIEmbedder({ apiKey: config.openai.apiKey, baseUrl: config.openai.baseUrl })
        : new HashingEmbedder();
    const memory = new MemoryService(db.pool, embedder);
    // The founder's MCP servers: connected on first use; one that stays down is an alert (once), resolved when it is back.
    const mcp = new McpServers(config.mcp, log, {
      onDown: (server, reason) => {
        base.alerts.raise({ severity: 'warning', source: `mcp:${server}`, message: `MCP server ${server} is down: ${reason}`, dedupeKey: `mcp-down:${server}` }).catch((err: unknown) => log.warn({ err }, 'mcp: alert failed'));
      },
      onUp: (server) => {
        base.alerts.resolve(`mcp-down:${server}`).catch((err: unknown) => log.warn({ err }, 'mcp: resolve failed'));
      },
    }, new McpGrants(db.pool));
    cleanups.push(() => mcp.close());
    const ledger = new LlmLedger(db.pool);
    const llm = new ModelRouter(await providersFromConfig(config), {
      ledger,
      budget: new Budget(config.llm.budget, ledger, base.alerts),
      log,
      timeoutMs: config.llm.timeoutMs,
      breaker: config.llm.breaker,
      prices: config.llm.prices,
    });
    const assistant = new Assistant(llm, new ChatTurns(db.pool));
    const taskStore = new TaskStore(db.pool);
    const alertActions = new Map<string, AlertActionHandler>();
    const tapActions = new Map<string, TapHandler>();
    const core: Core = {
      ...base,
      deploys: createDeployWorkflow(graphJobs, base.approvals, log),
      rollbacks: createRollbackWorkflow(graphJobs, log),
      taskWork: createTaskWorkflow({ jobs: graphJobs, taskStore, broadcaster, approvals: base.approvals, log }),
      taskStore,
      alertActions,
      tapActions,
      scheduler,
      stripe: await createStripe(config),
      commands,
      voice,
      memory,
      mcp,
      github: new GithubRepos(config.github, log),
      questions: new FounderQuestions(redis, config.redis.prefix, broadcaster, log),
      llm,
      ledger,
      assistant,
    };
    // Every approval kind, with what its decision needs; a proposal runs as the founder's own typing.
    const proposals = { send: (channel: string, chatId: string, m: OutboundMessage) => broadcaster.sendTo(channel, chatId, m), run: (said: Omit<Said, 'origin'>) => route(core, { ...said, origin: 'typed' }) };
    approvalKinds.register(
      DEPLOY_APPROVAL.bind(core),
      TASK_APPROVAL.bind(core),
      ROLLBACK_APPROVAL.bind(core),
      FIX_TASK_APPROVAL.bind(core),
      GITHUB_TASK_APPROVAL.bind(core),
      GITHUB_DEPLOY_APPROVAL.bind(core),
      REFUND_APPROVAL.bind(core),
      UNPAIR_APPROVAL.bind(core),
      COMMAND_APPROVAL.bind(proposals),
      MCP_CALL_APPROVAL.bind({ ...core, jobs: bullMcpCallJobs(toolsQueue), note: (chat, text) => assistant.note(chat, text) }),
    );
    checkApprovalSettings(config, approvalKinds, base.founders, log, options.announce);
    alertActions.set('diagnose', createDiagnoser(core));
    const responses = alertResponses(core);
    alertActions.set('ack', responses.ack);
    alertActions.set('snooze', responses.snooze);
    tapActions.set(APPROVAL_ACTION, (tap) => handleApprovalTap(core, tap.action, tap.actor));
    tapActions.set(ALERT_ACTION, alertTapHandler(core));
    tapActions.set(INCIDENT_ACTION, incidentTapHandler(core));
    tapActions.set(TASK_ACTION, createDiffShower(core));
    tapActions.set(RUN_ACTION, retryRunTap(graphsQueue));
    tapActions.set(QUESTION_ACTION, core.questions.tapHandler());
    registerCommands(commands, core);
    for (const spec of options.commands ?? []) commands.add(spec);
    cleanups.push(async () => {
      const left = await background.drain(DRAIN_MS);
      if (left) log.warn({ left }, 'stopped with background work still in flight (graph runs are jobs: a worker resumes them from their checkpoint)');
    });

    const chats = await createChatAdapters(core, CHANNELS, roles.bot, options.console);
    if (!chats.any && (roles.bot || roles.worker)) log.warn(noChannelHint(channels));
    // The watchdog lives with the bot: it must notice when no worker runs the agents.
    if (roles.bot) cleanups.push(startWatchdog(core, config.jobs.watchdogIntervalMs));

    if (roles.worker) {
      const journal = new StepJournal(db.pool);
      cleanups.push(base.alerts.startOutbox(config.alerts.retryIntervalMs));
      cleanups.push(startEventDelivery(core, bullRedis, eventsQueue));
      await scheduler.syncAll();
      await scheduleGithubPoll(toolsQueue, config.github.pollMs);
      // A Redis that comes back empty (no persistence) has lost the job schedulers: upsert them again.
      redis.on('ready', () =>
        void Promise.all([scheduler.syncAll(), scheduleGithubPoll(toolsQueue, config.github.pollMs)]).catch((err: unknown) => log.warn({ err }, 'could not restore the schedules')),
      );
      const runFailed = (failed: FailedRun) => reportFailedRun({ ...core, db: db.pool }, failed);
      const workers: Worker[] = [
        startWorker({ ...core, catalog }, bullRedis),
        startGraphWorker({ ...core, runFailed }, bullRedis, {
          deploy: createDeployRunner({ ...core, journal }),
          task: createTaskRunner({ ...core, journal }),
          rollback: createRollbackRunner({ ...core, journal }),
        }),
        // Allowed MCP calls and GitHub polls exist only where MCP servers or github.poll are configured: no idle worker otherwise.
        ...(Object.keys(config.mcp.servers).length || config.github.pollMs
          ? [
              startToolsWorker(
                bullRedis,
                core,
                (job) => carryOutMcpCall({ ...core, journal, send: proposals.send, note: (chat, text) => assistant.note(chat, text) }, job),
                () => pollGithub(core),
              ),
            ]
          : []),
      ];
      for (const worker of workers) {
        cleanups.push(() =>
          Promise.race([worker.close(), new Promise((r) => setTimeout(r, DRAIN_MS))]).then(() => worker.close(true)),
        );
      }
    }

    let httpPort: number | undefined;
    if (roles.http) {
      const routes = new Map(chats.routes);
      if (config.stripe.webhookSecret) routes.set('POST /webhooks/stripe', stripeWebhookRoute(core, config.stripe.webhookSecret));
      if (config.alerts.token) {
        routes.set('POST /webhooks/alertmanager', alertmanagerRoute(core, config.alerts.token));
        routes.set('POST /webhooks/alert', genericAlertRoute(core, config.alerts.token));
      }
      if (config.alerts.sentrySecret) routes.set('POST /webhooks/sentry', sentryWebhookRoute(core, config.alerts.sentrySecret));
      if (config.github.webhookSecret) routes.set('POST /webhooks/github', githubWebhookRoute({ ...core, config }, config.github.webhookSecret));
      if (config.mcpToken) {
        // AUREA's MCP server (src/mcp/serve.ts): the SDK is loaded only when MCP_TOKEN turns it on.
        const mcpServer = await mcpRoute(core, config.mcpToken, config.mcpAllowedHosts);
        for (const method of ['POST', 'GET', 'DELETE']) routes.set(`${method} /mcp`, mcpServer);
      }
      const stream = eventStreamRoute({ db: db.pool, instance: config.events.instance }, config.adminToken);
      routes.set('GET /events/stream', stream.route);
      const prefixes = new Map([[DASHBOARD_PATH, queueDashboard([queue, graphsQueue, toolsQueue, eventsQueue], config.adminToken, config.adminQueuesWrite)]]);
      const server: Server = createHttpServer({ log, metrics, routes, prefixes, health: coalesce(() => selfHealth(db, redis)), adminToken: config.adminToken });
      httpPort = await listen(server, config.http.port, config.http.host);
      cleanups.push(
        () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeIdleConnections();
          }),
      );
      // Runs before the server's close (cleanups run last first): open event streams would hold it.
      cleanups.push(async () => stream.close());
      log.info({ port: httpPort }, 'http: listening');
    }

    await chats.start();
    cleanups.push(() => chats.stop());
    if (roles.bot) await announcePairing(core, chats.names, options.announce ?? (() => undefined));
    log.info({ roles: Object.entries(roles).filter(([, on]) => on).map(([r]) => r) }, 'aurea: started');

    let stopped: Promise<void> | undefined;
    return { core, httpPort, console: chats.session, stop: () => (stopped ??= closeAll()) };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
