/**
 * 📄 Show diff on a task's approval request: the diff the request is about — from the commit the
 * task started from to the exact commit it asks to deploy — sent to the chat where the button was
 * pressed: as a fixed-width message when it is short, as a `task-<id>.diff` document when it is
 * long. Works after a restart and after the worktree is gone (commits stay in the service repository).
 */
import type { ApprovalService } from '../../../src/approvals/service.js';
import type { Broadcaster } from '../../../src/channels/broadcast.js';
import type { TapHandler } from '../../../src/channels/action.js';
import type { Config } from '../../../src/config.js';
import { git } from '../../git.js';
import { TASK_APPROVAL } from '../nodes/approval.js';

/**
 * Longest diff sent as a message: under Slack's 3,000-character section and Telegram's 4,096
 * characters with room for the title (Block Kit reference; Bot API sendMessage).
 */
export const INLINE_DIFF_CHARS = 2800;

/** The tap handler of `task` buttons. Answers the tapper; never throws for a missing task or branch. */
export function createDiffShower(deps: { config: Pick<Config, 'services'>; approvals: Pick<ApprovalService, 'latest'>; broadcaster: Pick<Broadcaster, 'sendTo' | 'sendDocumentTo'> }): TapHandler {
  return async ({ action, chat }) => {
    if (action.verb !== 'diff') return 'This button is no longer valid.';
    const taskId = action.id;
    const approval = await deps.approvals.latest(TASK_APPROVAL, 'task', taskId);
    const shown = approval ? TASK_APPROVAL.parse(approval.payload) : null;
    const repo = shown ? deps.config.services[shown.service]?.repo : undefined;
    if (!shown || !repo) return `Task #${taskId} has no change to show.`;
    const { service, base, commit } = shown;
    let patch: string;
    try {
      patch = await git(repo, 'diff', base, commit);
    } catch {
      return `The diff of task #${taskId} is no longer available: its commit ${commit.slice(0, 7)} is gone from ${service}'s repository.`;
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
