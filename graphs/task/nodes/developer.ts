import { join } from 'node:path';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { SYSTEM } from '../../../src/actor.js';
import { audit } from '../../../src/audit/log.js';
import { formatDuration } from '../../../src/duration.js';
import { describeError } from '../../../src/errors.js';
import type { ChatMessage } from '../../../src/llm/types.js';
import type { TaskDeps } from '../deps.js';
import { addWorktree, commitAll, deployBranch, taskBranch } from '../../git.js';
import { cancelled, timedOut } from '../cancel.js';
import { taskSandboxOrWhy } from '../sandbox.js';
import { showProgress } from '../progress.js';
import type { TaskStateType, TaskUpdate } from '../state.js';
import { unattendedMcpTools } from '../../../src/mcp/unattended.js';
import { callTool, toolSpecs, type ToolContext } from '../tools.js';
import { Workspace } from '../workspace.js';
import { DEVELOPER_SYSTEM, developerInput } from './developer.prompt.js';
import { externalDeveloperRound } from './external-developer.js';

/** The commands `run_command` accepts for a service: its test command and `services.<name>.commands`. */
export function allowedCommands(svc: { test?: string; commands: string[] }): string[] {
  return [...new Set([...(svc.test ? [svc.test] : []), ...svc.commands])];
}

/**
 * One developer round (or a configured coding CLI's, `services.<name>.developer.command`, run in the
 * sandbox): a tool loop (model ⇄ tools) in the task's git worktree on `aurea/task-<id>`, until the
 * model calls finish (or stops calling tools); then the worktree is committed (hooks off) and the
 * round records its commit. Every tool call is audited. Stops the task when its cost limit is
 * reached, or when the sandbox its code must run in is missing.
 */
export function developerNode(deps: TaskDeps) {
  return async (state: TaskStateType, _config: LangGraphRunnableConfig): Promise<TaskUpdate> => {
    const cancel = await cancelled(deps, state);
    if (cancel) return cancel;
    const svc = deps.config.services[state.service]!;
    const { maxCostUsd, maxToolCalls } = deps.config.tasks;
    const purpose = `task:${state.taskId}`;
    let worktree = state.worktree;
    if (!worktree) {
      const dir = join(deps.config.database.dataDir, 'worktrees', `task-${state.taskId}`);
      worktree = await addWorktree(svc.repo, dir, taskBranch(state.taskId), await deployBranch(svc.repo));
    }
    const taskFile = `${worktree.dir}.task.md`;
    const confined = taskSandboxOrWhy(deps, state.service, worktree.dir, { readable: [taskFile], env: { AUREA_TASK_FILE: taskFile, AUREA_TASK_ID: state.taskId } });
    if ('why' in confined) return { worktree, stopReason: confined.why };
    const ctx: ToolContext = {
      workspace: new Workspace(worktree.dir),
      gitDir: worktree.gitDir,
      allowedCommands: allowedCommands(svc),
      commandTimeoutMs: deps.config.deploy.commandTimeoutMs,
      secrets: deps.config.secrets,
      sandbox: confined.sandbox,
    };
    const last = state.rounds.at(-1);
    const failure = last?.test?.ok === false ? last.test.tail : undefined;
    const instructions = developerInput({ request: state.request, plan: state.plan!, allowedCommands: ctx.allowedCommands, failure, feedback: last?.test?.ok === false ? undefined : last?.feedback });
    const messages: ChatMessage[] = [{ role: 'user', content: instructions }];
    let summary: string | undefined;
    const stop = (why: string): TaskUpdate => ({ worktree, stopReason: why });
    if (svc.developer !== 'builtin') {
      summary = await externalDeveloperRound(deps, {
        taskId: state.taskId,
        command: svc.developer.command,
        worktree: worktree.dir,
        taskFile,
        text: instructions,
        sandbox: confined.sandbox,
      });
      const cancelledNow = await cancelled(deps, state);
      if (cancelledNow) return { ...cancelledNow, worktree };
    }
    // The MCP servers this service allows (services.<name>.mcp): tools that ask are refused mid-task.
    const mcp = unattendedMcpTools(deps, { platform: 'system', id: purpose, name: `task #${state.taskId}` });
    const mcpTools = svc.mcp.length ? await mcp.ofServers(svc.mcp) : { specs: [], labels: new Map<string, string>() };
    for (let calls = 0; summary === undefined; ) {
      if ((await deps.ledger.costOf(purpose)) >= maxCostUsd) return stop(`its model cost reached the limit of $${maxCostUsd} (tasks.maxCostUsd)`);
      if (timedOut(deps, state)) return stop(`it ran longer than ${formatDuration(deps.config.tasks.timeoutMs)} (tasks.timeout)`);
      const cancelledNow = await cancelled(deps, state);
      if (cancelledNow) return { ...cancelledNow, worktree };
      let res;
      try {
        res = await deps.llm.complete({ system: DEVELOPER_SYSTEM, messages, tools: [...toolSpecs(), ...mcpTools.specs], maxTokens: 4_000, purpose });
      } catch (err) {
        return stop(`the developer's model call failed: ${describeError(err)}`);
      }
      if (!res.toolCalls.length) {
        summary = res.text.trim() || 'changes made';
        break;
      }
      messages.push({ role: 'assistant', content: res.text, toolCalls: res.toolCalls });
      for (const call of res.toolCalls) {
        if (++calls > maxToolCalls) return stop(`the developer made more than ${maxToolCalls} tool calls in one round (tasks.maxToolCalls)`);
        const label = mcpTools.labels.get(call.name);
        if (label) {
          const called = await mcp.call(label, call.arguments); // audited as mcp.call / mcp.refused
          messages.push({ role: 'tool', toolCallId: call.id, name: call.name, content: called.text.slice(0, 12_000) });
          continue;
        }
        const { ok, result } = await callTool(call.name, call.arguments, ctx);
        await audit(deps.db.pool, SYSTEM, `task.tool.${call.name}`, `task:${state.taskId}`, { ok, args: redactArgs(call.arguments) });
        if (call.name === 'finish' && ok) summary = result;
        messages.push({ role: 'tool', toolCallId: call.id, name: call.name, content: result.slice(0, 12_000) });
      }
    }
    const commit = await commitAll(worktree, `aurea task #${state.taskId}: ${summary}`);
    const rounds = [...state.rounds, { summary, commit }];
    // Nothing to test or deploy: say so instead of asking to deploy "(no changes)".
    if (commit === worktree.base) return { worktree, rounds, stopReason: `the developer changed nothing (${summary}), so there is nothing to test or deploy` };
    const update: TaskUpdate = { worktree, rounds };
    // /tasks shows a running task's rounds as they come (a reviewer's round included).
    await deps.taskStore.update(state.taskId, { status: 'running', rounds: rounds.length });
    await showProgress(deps, { ...state, ...update }, 'test');
    return update;
  };
}

/** Tool arguments for the audit log: file contents shortened. */
function redactArgs(args: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, typeof v === 'string' && v.length > 200 ? `${v.slice(0, 200)}… (${v.length} chars)` : v]));
}
