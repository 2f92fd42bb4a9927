import { z } from 'zod';
import { defineChannelSettings, type FounderEntry } from '../../src/channels/settings.js';
import { ConfigError, describeError } from '../../src/errors.js';

/** Slack's settings, as the rest of bots/slack/ reads them (`slackSettings.of(config)`). */
export interface SlackSettings {
  enabled: boolean;
  /** Bot token (xoxb-); undefined = no Slack channel. Secret. */
  botToken: string | undefined;
  /** Verifies HTTP requests on POST /slack/events. Secret. */
  signingSecret: string | undefined;
  /** App-level token (xapp-): set = Socket Mode instead of HTTP. Secret. */
  appToken: string | undefined;
  /** Web API root, ending in /. */
  apiUrl: string;
  founders: readonly FounderEntry[];
}

const USER_ID = /^[UW][A-Z0-9]+$/;

/** Slack's part of the configuration: SLACK_* variables and FOUNDER_SLACK_IDS / `founders.slack` (U… user ids). */
export const slackSettings = defineChannelSettings({
  name: 'slack',
  title: 'Slack',
  env: {
    SLACK_BOT_TOKEN: z.string().regex(/^xoxb-[A-Za-z0-9-]+$/, { error: 'expected a bot token starting with xoxb-' }).optional(),
    SLACK_SIGNING_SECRET: z.string().regex(/^[a-z0-9]{16,64}$/, { error: "expected the app's Signing Secret (Basic Information page)" }).optional(),
    SLACK_APP_TOKEN: z.string().regex(/^xapp-[A-Za-z0-9-]+$/, { error: 'expected an app-level token starting with xapp- (connections:write)' }).optional(),
    SLACK_API_URL: z.url({ error: 'expected the Web API root, like https://slack.com/api/' }).default('https://slack.com/api/'),
  },
  founderId: z.string().regex(USER_ID, { error: 'expected Slack user ids like U012AB3CD' }),
  founderIdText: { pattern: USER_ID, hint: 'a Slack user id (like U012AB3CD)' },
  settings({ env: e, founders }): SlackSettings {
    if (e.SLACK_BOT_TOKEN && !e.SLACK_APP_TOKEN && !e.SLACK_SIGNING_SECRET) {
      throw new ConfigError('SLACK_SIGNING_SECRET', 'Invalid environment: SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP mode, POST /slack/events) nor SLACK_APP_TOKEN (Socket Mode) is');
    }
    return {
      enabled: Boolean(e.SLACK_BOT_TOKEN),
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`,
      founders,
    };
  },
  secrets: (s) => [s.botToken, s.signingSecret, s.appToken],
  async check(s) {
    try {
      // Bolt (and its Web API client) is loaded only when Slack is configured.
      const { webApi } = await import('@slack/bolt');
      const who = await new webApi.WebClient(s.botToken, { slackApiUrl: s.apiUrl, retryConfig: { retries: 0 } }).auth.test();
      return [{ level: 'ok', what: 'slack', detail: `@${who.user} in ${who.team}, ${s.appToken ? 'Socket Mode' : 'HTTP mode on POST /slack/events'}` }];
    } catch (err) {
      const code = (err as { data?: { error?: string } }).data?.error;
      return [
        {
          level: 'fail',
          what: 'slack',
          detail: `auth.test failed: ${describeError(err)}`,
          fix: code && /token|auth|account/.test(code) ? 'the token was revoked: reinstall the app (OAuth & Permissions → Reinstall) and put the new Bot User OAuth Token in SLACK_BOT_TOKEN' : `${s.apiUrl} is unreachable from here: check the network or SLACK_API_URL`,
        },
      ];
    }
  },
  setup: [
    { key: 'SLACK_BOT_TOKEN', question: 'Slack bot token xoxb-… (Enter to skip)' },
    { key: 'SLACK_SIGNING_SECRET', question: 'Slack signing secret (Basic Information)', when: (values) => !values.has('SLACK_APP_TOKEN') },
  ],
});
