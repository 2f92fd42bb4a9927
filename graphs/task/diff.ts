/**
 * 📄 Show diff on a task's approval request: the task branch's full diff against the commit it
 * started from, sent to the chat where the button was pressed: as a fixed-width message when it is
 * short, as a `task-<id>.diff` document when it is long. Works after a restart and after the
 * worktree is gone (the branch `aurea/task-<id>` stays in the service repository).
 */
import type { ApprovalService } from '../../src/approvals/service.js';
import type { Broadcaster } from '../../src/channels/broadcast.js';
import type { TapHandler } from '../../src/channels/action.js';
import type { Config } from '../../src/config.js';
import { git, taskBranch } from './git.js';

/** The tap action kind of task buttons: `task:<task id>:diff`. */
export const TASK_ACTION = 'task';

/**
 * Longest diff sent as a message: under Slack's 3,000-character section and Telegram's 4,096
 * characters with room for the title (Block Kit reference; Bot API sendMessage).
 */
export const INLINE_DIFF_CHARS = 2800;

/** The 📄 Show diff button of task #`taskId`. */
export const showDiffButton = (taskId: string) => ({ label: '📄 Show diff', action: { kind: TASK_ACTION, id: taskId, verb: 'diff' } });

/** The tap handler of `task` buttons. Answers the tapper; never throws for a missing task or branch. */
export function createDiffShower(deps: { config: Pick<Config, 'services'>; approvals: Pick<ApprovalService, 'latest'>; broadcaster: Pick<Broadcaster, 'sendTo' | 'sendDocumentTo'> }): TapHandler {
  return async ({ action, chat }) => {
    if (action.verb !== 'diff') return 'This button is no longer valid.';
    const taskId = action.id;
    const approval = await deps.approvals.latest('task', 'task', taskId);
    const service = approval?.payload.service;
    const base = approval?.payload.base;
    const repo = typeof service === 'string' ? deps.config.services[service]?.repo : undefined;
    if (!repo || typeof base !== 'string') return `Task #${taskId} has no change to show.`;
    let patch: string;
    try {
      patch = await git(repo, 'diff', base, taskBranch(taskId));
    } catch {
      return `The diff of task #${taskId} is no longer available: its branch ${taskBranch(taskId)} is gone from ${service}'s repository.`;
    }
    if (!patch) return `Task #${taskId} changed nothing.`;
    const title = `Diff of task #${taskId} on ${service}`;
    if (patch.length <= INLINE_DIFF_CHARS) {
      await deps.broadcaster.sendTo(chat.channel, chat.chatId, { title, text: patch, monospace: true });
    } else {
      const lines = patch.split('\n').length;
      await deps.broadcaster.sendDocumentTo(chat.channel, chat.chatId, { filename: `task-${taskId}.diff`, content: `${patch}\n`, caption: `${title} (${lines} lines)` });
    }
    return 'Diff sent.';
  };
}
