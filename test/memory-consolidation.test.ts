/**
 * memory-consolidation without a model: the week's alike errors and solutions (written the way the
 * founders and tasks write them) become one learning; an unrelated memory stays alone; a memory
 * untouched for 40 days loses 10% of its importance; a second run folds nothing twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOUNDER, textUpdate } from './fixtures/telegram-updates.js';
import { Harness } from './helpers/harness.js';

describe('memory-consolidation', () => {
  let h: Harness;
  const runs = () => h.query<{ summary: string }>(`SELECT output->>'summary' AS summary FROM ai_agent_executions WHERE agent_name = 'memory-consolidation' AND status = 'succeeded' ORDER BY id`);
  const say = async (text: string) => {
    const before = h.telegram.messagesTo(FOUNDER.id).length;
    h.telegram.pushUpdate(textUpdate(FOUNDER, text));
    return h.telegram.nthMessage(FOUNDER.id, before + 1);
  };

  beforeAll(async () => {
    h = await Harness.create({ memoryConsolidation: true });
    await h.start();
  });
  afterAll(() => h?.close());

  it('folds alike errors and solutions into one learning, lowers a stale memory, and does not fold twice', async () => {
    await say('/remember error: billing deploy failed, health check HTTP 503 after the invoices migration');
    await say('/remember error: billing health check HTTP 503 after deploy, invoices migration not run');
    await say('/remember solution: billing HTTP 503 after deploy fixed by running the invoices migration first');
    await say('/remember error: the office printer is out of toner');
    await say('/remember insight: Ada prefers short release notes');
    await h.query(`UPDATE ai_persistent_memory SET updated_at = now() - interval '40 days', importance = 0.5 WHERE content LIKE 'Ada prefers%'`);

    expect(await say('/run memory-consolidation')).toMatch(/^▶ memory-consolidation queued/);
    await h.until(async () => (await runs()).length >= 1, 20_000, 'the /run');
    expect((await runs())[0]!.summary).toBe('1 learning from 3 memories; 1 stale memory lowered');

    const [learning] = await h.query<{ id: string; content: string; source: string; metadata: { from: string[]; by: string } }>(`SELECT id, content, source, metadata FROM ai_persistent_memory WHERE memory_type = 'learning'`);
    expect(learning!.content).toMatch(/^Seen 3 times \((error\/solution|solution\/error)\): billing HTTP 503 after deploy fixed by running the invoices migration first$/);
    expect(learning!.source).toBe('agent:memory-consolidation');
    expect(learning!.metadata).toMatchObject({ by: 'rule' });
    const folded = await h.query<{ content: string }>(`SELECT content FROM ai_persistent_memory WHERE metadata->>'consolidatedInto' = $1 ORDER BY id`, [learning!.id]);
    expect(folded.map((m) => m.content)).toHaveLength(3);
    expect(folded.some((m) => m.content.includes('printer'))).toBe(false);
    const [stale] = await h.query<{ importance: number }>(`SELECT importance FROM ai_persistent_memory WHERE content LIKE 'Ada prefers%'`);
    expect(stale!.importance).toBeCloseTo(0.45, 5);

    await say('/run memory-consolidation');
    await h.until(async () => (await runs()).length >= 2, 20_000, 'a second /run');
    expect((await runs())[1]!.summary).toBe('0 learnings from 0 memories; 1 stale memory lowered');
    expect(await h.query(`SELECT 1 FROM ai_persistent_memory WHERE memory_type = 'learning'`)).toHaveLength(1);
    expect(await say('/recall invoices migration 503')).toMatch(/learning/);
  });
});
