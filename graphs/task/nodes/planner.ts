import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { z } from 'zod';
import { describeError } from '../../../src/errors.js';
import type { ChatMessage, ToolSpec } from '../../../src/llm/types.js';
import type { TaskDeps } from '../deps.js';
import { git } from '../../git.js';
import { planSchema } from '../plan.js';
import { showProgress } from '../progress.js';
import type { TaskStateType, TaskUpdate } from '../state.js';
import { PLANNER_SYSTEM, plannerInput } from './planner.prompt.js';

const MAX_FILES = 200;
const SUBMIT_PLAN: ToolSpec = { name: 'submit_plan', description: 'Submit the plan for this task.', parameters: z.toJSONSchema(planSchema) as Record<string, unknown> };

/**
 * Asks the model for a plan (tool submit_plan), with the service's files and the memories most
 * similar to the task (experience, errors, solutions, decisions). An invalid plan is sent back once
 * with the validation error; a second invalid one stops the task, saying why.
 */
export function plannerNode(deps: TaskDeps) {
  return async (state: TaskStateType, _config: LangGraphRunnableConfig): Promise<TaskUpdate> => {
    const svc = deps.config.services[state.service]!;
    if (!deps.llm.configured) {
      // A coding CLI plans for itself; AUREA's own developer needs a model.
      if (svc.developer !== 'builtin') return { plan: { summary: state.request, steps: [state.request], files: [], risk: 'medium', tests: svc.test ?? 'none' } };
      return { stopReason: 'no language model is configured (set ANTHROPIC_API_KEY or OPENAI_API_KEY)' };
    }
    const files = (await git(svc.repo, 'ls-files').catch(() => '')).split('\n').filter(Boolean).slice(0, MAX_FILES);
    const memories = await deps.memory.recall(`${state.service} ${state.request}`, 6).catch(() => []);
    const messages: ChatMessage[] = [{ role: 'user', content: plannerInput({ request: state.request, service: state.service, files, memories }) }];
    const purpose = `task:${state.taskId}`;
    for (let attempt = 0; attempt < 2; attempt++) {
      let res;
      try {
        res = await deps.llm.complete({ system: PLANNER_SYSTEM, messages, tools: [SUBMIT_PLAN], maxTokens: 2_000, purpose });
      } catch (err) {
        return { stopReason: `the planner's model call failed: ${describeError(err)}` };
      }
      const call = res.toolCalls.find((c) => c.name === 'submit_plan');
      const parsed = planSchema.safeParse(call?.arguments);
      if (parsed.success) {
        const update = { plan: parsed.data };
        await showProgress(deps, { ...state, ...update }, 'code');
        return update;
      }
      const why = call ? parsed.error.issues.map((i) => `${i.path.join('.') || '(plan)'}: ${i.message}`).join('; ') : 'no submit_plan call';
      if (attempt === 1) return { stopReason: `the plan was invalid twice (${why})` };
      messages.push({ role: 'assistant', content: res.text, toolCalls: res.toolCalls });
      if (call) messages.push({ role: 'tool', toolCallId: call.id, name: call.name, content: `error: invalid plan: ${why}. Call submit_plan again with a valid plan.` });
      else messages.push({ role: 'user', content: 'Call submit_plan with the plan.' });
    }
    return { stopReason: 'no plan' };
  };
}
