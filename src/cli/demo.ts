import { resolve } from 'node:path';
import { DIAGNOSE } from '../alerts/service.js';
import { loadConfig, type Config } from '../config.js';
import { CHANNELS } from '../main.js';
import { demoCommand } from '../demo/command.js';
import { startDemoService, type DemoService } from '../demo/service.js';
import type { CommandSpec } from '../commands/registry.js';

/**
 * Settings the demo does not take from your environment: it talks only to this terminal and its own
 * database, so every chat channel's variables are left out too.
 */
const NOT_IN_DEMO = /^(STRIPE_|DATABASE_URL$|AUREA_CONFIG$|AUREA_DATA_DIR$|AUREA_REDIS_PREFIX$|PORT$|ADMIN_TOKEN$)/;
const notInDemo = (name: string): boolean => NOT_IN_DEMO.test(name) || CHANNELS.some((c) => c.settings && name in c.settings.envShape);

/** What `aurea demo` runs: the demo service, AUREA's configuration for it, its extra command, and what to say first. */
export interface Demo {
  service: DemoService;
  config: Config;
  commands: CommandSpec<any>[];
  /** Printed before the console opens. */
  intro: string;
  /** Handled first, as if typed: the demo's first answer. */
  first: string[];
}

/**
 * `aurea demo`: starts the demo service under `<AUREA_DATA_DIR or ./data>/demo` and builds the
 * configuration of an AUREA that watches it: the console only (no Telegram or Slack: a demo must
 * not answer your real bot), its own embedded database and Redis prefix, HTTP on a free port.
 * Model keys are kept, so `/task demo …` works when you have one.
 * @throws AureaError DEMO_FAILED (see startDemoService), CONFIG_INVALID
 */
export async function prepareDemo(env: NodeJS.ProcessEnv): Promise<Demo> {
  const service = await startDemoService(resolve(env.AUREA_DATA_DIR || './data'));
  try {
    const kept = Object.fromEntries(Object.entries(env).filter(([k]) => !notInDemo(k)));
    const config = loadConfig({ ...kept, AUREA_DATA_DIR: service.dataDir, AUREA_REDIS_PREFIX: 'aurea-demo', PORT: '0' }, CHANNELS, service.configFile);
    const intro =
      `The AUREA demo: a tiny service named "demo" runs on ${service.healthUrl.replace('/health', '')} (its git repo: ${service.repo}).\n` +
      `Try:  /status  ·  deploy demo (then type the number of ✅ Approve)  ·  demo break (a down alert with ${DIAGNOSE.label} follows)  ·  demo fix` +
      `${config.llm.anthropic.apiKey || config.openai.apiKey ? '  ·  /task demo make /health also say the uptime' : ''}  ·  exit\n`;
    return { service, config, commands: [demoCommand(service.live)], intro, first: ['/status'] };
  } catch (err) {
    await service.stop();
    throw err;
  }
}
