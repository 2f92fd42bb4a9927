/**
 * The events queue on BullMQ: AUREA's events delivered to each `events.webhooks[]` entry
 * (src/events/). A dispatcher on every worker process turns new outbox rows into deliveries and
 * puts the head delivery of each (webhook, subject) on the queue; one job per event and webhook
 * (`event.<event uuid>.<webhook>`, never a database sequence number), retried with exponential
 * backoff (`events.retryDelay` doubling, at most `events.retryMaxDelay` apart) until
 * `events.retryFor` after its first failure, then parked (the daily digest says so). When a
 * delivery ends, the next event of its subject is queued at once.
 */
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../src/config.js';
import { deliverEvent } from '../src/events/deliver.js';
import { EventOutbox } from '../src/events/outbox.js';
import type { Logger } from '../src/log.js';
import { lockOptions } from './worker.js';

/** The BullMQ queue of event deliveries. */
export const EVENTS_QUEUE = 'events';

const DELIVER = 'event.deliver';
/** The custom backoff type the worker's strategy answers. */
const BACKOFF = 'aurea-events';

interface DeliveryJob {
  eventId: string;
  webhook: string;
}

/** A delivery's job id: the event's UUID and the webhook's name, never a sequence number. */
const jobIdOf = (d: DeliveryJob) => `event.${d.eventId}.${d.webhook}`;

export function createEventsQueue(connection: Redis, prefix: string): Queue<DeliveryJob> {
  return new Queue<DeliveryJob>(EVENTS_QUEUE, { connection, prefix });
}

/**
 * The wait before retry number `attemptsMade` (1 = the first retry): `delayMs · 2^(n−1)`, at most `maxMs`.
 * @returns milliseconds
 */
export function retryDelay(attemptsMade: number, delayMs: number, maxMs: number): number {
  return Math.min(maxMs, delayMs * 2 ** Math.max(0, Math.min(attemptsMade - 1, 40)));
}

export interface EventDeliveryDeps {
  config: Pick<Config, 'events' | 'jobs' | 'redis'>;
  db: { pool: import('pg').Pool };
  log: Logger;
}

/**
 * Starts the dispatcher (every `events.dispatchInterval`) and the delivery worker.
 * @returns stop: ends the dispatcher, lets running deliveries finish, closes the worker
 */
export function startEventDelivery(deps: EventDeliveryDeps, connection: Redis, queue: Queue<DeliveryJob>): () => Promise<void> {
  const { events } = deps.config;
  const outbox = new EventOutbox(deps.db.pool);
  const hooks = new Map(events.webhooks.map((h) => [h.name, h]));

  // One dispatch pass at a time; a request during a pass runs one more pass after it.
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const pass = async (): Promise<void> => {
    await outbox.fanOut(events.webhooks);
    const heads = await outbox.takeHeads();
    if (heads.length) {
      await queue.addBulk(
        heads.map((h) => ({
          name: DELIVER,
          data: { eventId: h.eventId, webhook: h.webhook },
          opts: { jobId: jobIdOf(h), attempts: Number.MAX_SAFE_INTEGER, backoff: { type: BACKOFF }, removeOnComplete: { count: 1000 }, removeOnFail: { count: 1000 } },
        })),
      );
    }
    // A job BullMQ failed for good (a worker that crashed mid-delivery maxStalledCount times) blocks its
    // subject, and adding it again is ignored while it exists: it is retried instead.
    for (const h of heads.filter((x) => x.stale)) {
      const job = await queue.getJob(jobIdOf(h));
      if (job && (await job.getState()) === 'failed') await job.retry('failed');
    }
  };
  const dispatch = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await pass().catch((err: unknown) => deps.log.warn({ err }, 'events: dispatch failed; will retry'));
      } while (again && !stopped);
      running = null;
    })();
    return running;
  };
  // Without webhooks a pass only marks the outbox (so a webhook added later gets no backlog): rarely.
  const timer = setInterval(() => void dispatch(), hooks.size ? events.dispatchIntervalMs : Math.max(events.dispatchIntervalMs, 10_000));
  timer.unref();
  void dispatch();

  // Without webhooks there is nothing to deliver: no idle worker (the dispatcher still marks the outbox).
  if (!hooks.size) {
    return async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    };
  }
  const worker = new Worker<DeliveryJob>(
    EVENTS_QUEUE,
    async (job: Job<DeliveryJob>) => {
      const { eventId, webhook } = job.data;
      const delivery = await outbox.queued(eventId, webhook);
      if (!delivery) return 'not queued';
      const hook = hooks.get(webhook);
      if (!hook) {
        // The webhook was removed from the configuration: nothing to send to.
        await outbox.park(delivery.id);
        void dispatch();
        return 'parked: webhook no longer configured';
      }
      const attempt = await deliverEvent(hook, delivery.event, events.instance, events.timeoutMs);
      if (attempt.ok) {
        await outbox.delivered(delivery.id);
        void dispatch();
        return `delivered: HTTP ${attempt.status}`;
      }
      const over = await outbox.failed(delivery.id, attempt.error, events.retryForMs);
      if (attempt.final || over) {
        await outbox.park(delivery.id);
        deps.log.warn({ webhook, event: eventId, type: delivery.event.action, error: attempt.error, attempts: delivery.attempts + 1 }, 'events: delivery parked');
        void dispatch();
        return `parked: ${attempt.error}`;
      }
      throw new Error(`${webhook}: ${attempt.error}`);
    },
    {
      connection,
      prefix: deps.config.redis.prefix,
      concurrency: 8,
      ...lockOptions(deps.config),
      settings: { backoffStrategy: (attemptsMade: number) => retryDelay(attemptsMade, events.retryDelayMs, events.retryMaxDelayMs) },
    },
  );
  worker.on('failed', (job, err) => deps.log.info({ job: job?.id, attempts: job?.attemptsMade, err: err.message }, 'events: delivery failed; will retry'));
  worker.on('error', (err) => deps.log.warn({ err }, 'events: worker error'));

  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
    await worker.close();
  };
}
