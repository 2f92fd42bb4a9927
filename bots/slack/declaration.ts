import type { ChannelDeclaration } from '../../src/channels/declaration.js';
import { guardBody } from '../../src/http/body.js';

/**
 * Slack (Bolt): founders by user id (U…); commands typed as `/aurea status`. Bolt is loaded only
 * when Slack is configured (it is a large part of start-up otherwise).
 */
export const slack: ChannelDeclaration = {
  name: 'slack',
  commandPrefix: '/aurea ',
  isFounder: (config, userId) => config.slack.founders.includes(userId),
  configKeys: ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode)', 'FOUNDER_SLACK_IDS (or founders.slack)', 'SLACK_API_URL'],
  async open(deps, { receive }) {
    const { config, log } = deps;
    if (!config.slack.botToken) return null;
    if (config.slack.founders.length === 0) {
      log.warn('SLACK_BOT_TOKEN is set but no founder is: set FOUNDER_SLACK_IDS or founders.slack, or nobody can use the Slack app');
    }
    if (!receive) {
      const [{ webApi }, { SlackChannel }] = await Promise.all([import('@slack/bolt'), import('./channel.js')]);
      return { channel: new SlackChannel(new webApi.WebClient(config.slack.botToken, { slackApiUrl: config.slack.apiUrl }), config.slack.founders) };
    }
    const { createSlackApp } = await import('./index.js');
    const app = createSlackApp(deps);
    const types = ['application/json', 'application/x-www-form-urlencoded'];
    return {
      channel: app.channel,
      routes: new Map(app.requestListener ? [['POST /slack/events', guardBody(app.requestListener, { types })]] : []),
      start: () => app.start(),
      stop: () => app.stop(),
    };
  },
};
