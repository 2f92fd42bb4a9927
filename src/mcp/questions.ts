/**
 * Questions for the founder from outside (the MCP server's `ask_founder`): a question with 2–4
 * options, shown in every founder chat as buttons (`ask:<uuid>:o<n>`); the first tap answers it
 * (a Redis SET NX, so two taps or two processes answer once), the messages are edited to say who
 * chose what, and the caller gets the option, or `null` after its timeout (then the messages say so).
 * Kept in Redis under `<prefix>:question:<uuid>` (never a database sequence number), for an hour at most.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Broadcaster } from '../channels/broadcast.js';
import type { TapHandler } from '../channels/action.js';
import type { Logger } from '../log.js';

/** The tap action kind of a question's buttons. */
export const QUESTION_ACTION = 'ask';

/** How often a waiting ask looks for the answer (a tap is handled in whichever process took it). */
const POLL_MS = 200;
const KEEP_S = 3_600;

export interface Question {
  question: string;
  options: string[];
  /** Who asks, as the founder reads it (`MCP client`). */
  from: string;
}

export class FounderQuestions {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly broadcaster: Pick<Broadcaster, 'broadcast' | 'editAll'>,
    private readonly log: Logger,
  ) {}

  private key(id: string): string {
    return `${this.prefix}:question:${id}`;
  }

  /**
   * Asks every founder chat and waits for the first tap.
   * @param timeoutMs how long to wait
   * @returns the chosen option and who chose it, or null when nobody answered in time
   * @throws Error when no founder chat received the question
   */
  async ask(q: Question, timeoutMs: number): Promise<{ option: string; by: string } | null> {
    const id = randomUUID();
    const key = this.key(id);
    await this.redis.set(key, JSON.stringify(q), 'EX', KEEP_S);
    const { refs } = await this.broadcaster.broadcast({
      title: `🤖 ${q.from} asks`,
      text: q.question,
      buttons: [q.options.map((label, i) => ({ label, action: { kind: QUESTION_ACTION, id, verb: `o${i}` } }))],
    });
    if (refs.length === 0) throw new Error('no founder chat received the question');
    // The asker edits the messages (it holds their refs; a tap can come before they are stored).
    const answered = async (answer: { option: string; by: string }) => {
      await this.broadcaster.editAll(refs, { title: `🤖 ${q.from} asked`, text: `${q.question}\n\n✅ ${answer.by} answered: ${answer.option}` }).catch((err: unknown) => this.log.warn({ err }, 'question: edit failed'));
      return answer;
    };
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const answer = await this.redis.get(`${key}:answer`);
      if (answer) return answered(JSON.parse(answer) as { option: string; by: string });
      await sleep(POLL_MS);
    }
    // Time is up: close the question unless a tap got there first.
    const closed = await this.redis.set(`${key}:answer`, JSON.stringify({ timeout: true }), 'EX', KEEP_S, 'NX');
    if (!closed) {
      const answer = JSON.parse((await this.redis.get(`${key}:answer`))!) as { option?: string; by?: string };
      return answer.option ? answered({ option: answer.option, by: answer.by! }) : null;
    }
    await this.broadcaster.editAll(refs, { title: `🤖 ${q.from} asked`, text: `${q.question}\n\n⏱ No answer in time.` }).catch((err: unknown) => this.log.warn({ err }, 'question: edit failed'));
    return null;
  }

  /** What a tap on a question's button does: the first tap answers it; later ones are told it was answered. */
  tapHandler(): TapHandler {
    return async ({ action, actor }) => {
      const stored = await this.redis.get(this.key(action.id));
      if (!stored) return 'This question is closed.';
      const q = JSON.parse(stored) as Question;
      const option = q.options[Number(action.verb.slice(1))];
      if (!/^o\d$/.test(action.verb) || option === undefined) return 'This button is no longer valid.';
      const won = await this.redis.set(`${this.key(action.id)}:answer`, JSON.stringify({ option, by: actor.name }), 'EX', KEEP_S, 'NX');
      if (!won) return 'Already answered.';
      return `Answered: ${option}`;
    };
  }
}
