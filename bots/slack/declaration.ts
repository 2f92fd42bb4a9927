import type { ChannelDeclaration } from '../../src/channels/declaration.js';
import { founderRules } from '../../src/channels/settings.js';
import { guardBody } from '../../src/http/body.js';
import { slackSettings } from './settings.js';

/**
 * Slack (Bolt): founders by user id (U…); commands typed as `/aurea status`. Bolt is loaded only
 * when Slack is configured (it is a large part of start-up otherwise).
 */
export const slack: ChannelDeclaration = {
  name: 'slack',
  commandPrefix: '/aurea ',
  settings: slackSettings,
  ...founderRules(slackSettings),
  configKeys: ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode)', 'FOUNDER_SLACK_IDS (or founders.slack, or a pairing code)', 'SLACK_API_URL'],
  async pairingHint(config, code) {
    // The app's bot user name (auth.test), as people see it in Slack's sidebar.
    let name: string | undefined;
    const { botToken, apiUrl } = slackSettings.of(config);
    if (botToken) {
      const { webApi } = await import('@slack/bolt');
      const client = new webApi.WebClient(botToken, { slackApiUrl: apiUrl, retryConfig: { retries: 0 } });
      name = await client.auth.test().then((r) => r.user, () => undefined);
    }
    return `"start ${code}" to ${name ? `@${name}` : 'the AUREA app'} in Slack (its Messages tab), or type "/aurea start ${code}"`;
  },
  async open(deps, { receive }) {
    const { config } = deps;
    if (!slack.configured(config)) return null;
    if (!receive) {
      const [{ webApi }, { SlackChannel }] = await Promise.all([import('@slack/bolt'), import('./channel.js')]);
      const { botToken, apiUrl } = slackSettings.of(config);
      return { channel: new SlackChannel(new webApi.WebClient(botToken, { slackApiUrl: apiUrl }), () => deps.founders.chatsOf('slack')) };
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
