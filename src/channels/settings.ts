/**
 * The settings a chat channel owns. Each channel's folder in bots/ declares them (its environment
 * variables, its section of aurea.config.yaml, how its founders' user ids are written, its secrets
 * and the token test that `aurea doctor` and `aurea init` run); src/config.ts composes the
 * declarations it is given into one schema, so the core never names a channel.
 */
import { z } from 'zod';

/** A founder named by the configuration: their user id on the channel (as text) and the setting it is written in. */
export interface FounderEntry {
  userId: string;
  /** `aurea.config.yaml`, or the environment variable (`FOUNDER_<CHANNEL>_IDS`). */
  from: string;
}

/** What every channel's settings say, whatever else they hold. */
export interface ChannelSettingsBase {
  /** Its token is set, so the channel is on. */
  enabled: boolean;
  /** Founders by configuration (file ∪ environment), without duplicates. */
  founders: readonly FounderEntry[];
}

/** The part of the configuration (src/config.ts `Config`) that holds the channels' settings, by channel name. */
export interface WithChannels {
  channels: Readonly<Record<string, ChannelSettingsBase>>;
}

/** One line of a channel's check, as `aurea doctor` prints it (`✓ <what> <detail>`, then `→ fix: <fix>`). */
export interface ChannelCheckLine {
  level: 'ok' | 'warn' | 'fail';
  /** What was checked, lowercase (`<channel>`, `<channel> webhook`). */
  what: string;
  detail: string;
  /** The one thing to do about a warn or fail. */
  fix?: string;
}

/** A question `aurea init` asks for one of the channel's variables. */
export interface SetupQuestion {
  /** The environment variable the answer goes to. */
  key: string;
  question: string;
  /** Asked only when this holds for the answers so far (e.g. no app token yet). */
  when?: (values: ReadonlyMap<string, string>) => boolean;
}

/**
 * A channel's settings as declared in its folder: zod schemas for what it reads and a function that
 * turns the validated input into its settings `S`.
 */
export interface ChannelSettingsSpec<E extends z.ZodRawShape, F extends z.ZodType, S extends ChannelSettingsBase> {
  /** Its name: the key of its section and of `founders.<name>` in aurea.config.yaml. */
  name: string;
  /** Its name as people write it (`aurea init` prints it). */
  title: string;
  /** Its environment variables (.env.example lists them), besides `FOUNDER_<NAME>_IDS`. */
  env: E;
  /** Its section of aurea.config.yaml (`<name>:`); absent when it has none. */
  file?: F;
  /** One user id in `founders.<name>` of the file, as text afterwards. */
  founderId: z.ZodType<string, unknown>;
  /** One user id in `FOUNDER_<NAME>_IDS` (comma-separated): its shape and what to say when it is wrong. */
  founderIdText: { pattern: RegExp; hint: string };
  /**
   * Validated input → its settings.
   * @throws ConfigError when variables that belong together are not set together
   */
  settings(input: { env: z.output<z.ZodObject<E>>; file: z.output<F> | undefined; founders: FounderEntry[] }): S;
  /** Its secret values (tokens, signing secrets), scrubbed from logs, chat and child processes. */
  secrets(settings: S): Array<string | undefined>;
  /**
   * Tests its token against the platform (and what else it can tell from there, like a webhook's
   * last delivery error). Called only when `settings.enabled`. Never throws.
   * @param context.httpPort the port of AUREA's HTTP server (for a webhook's fix line)
   */
  check(settings: S, context: { httpPort: number }): Promise<ChannelCheckLine[]>;
  /** What `aurea init` asks, in order; the first is its token (an empty answer skips the channel). */
  setup: readonly SetupQuestion[];
}

/** A declared channel's settings, as src/config.ts, doctor and init use them. */
export interface ChannelSettings<S extends ChannelSettingsBase = ChannelSettingsBase> {
  name: string;
  title: string;
  /** Every environment variable it reads, with its schema (`FOUNDER_<NAME>_IDS` included). */
  envShape: z.ZodRawShape;
  /** Its section of aurea.config.yaml, when it has one. */
  fileSchema?: z.ZodType;
  /** `founders.<name>` in aurea.config.yaml. */
  foundersSchema: z.ZodType<string[]>;
  /** Its settings from the validated environment (as parsed with `envShape`), file section and founders. */
  build(env: Record<string, unknown>, file: unknown, fileFounders: readonly string[]): S;
  secrets(settings: S): Array<string | undefined>;
  check(settings: S, context: { httpPort: number }): Promise<ChannelCheckLine[]>;
  setup: readonly SetupQuestion[];
  /** Its settings in a loaded configuration. @throws Error when the configuration was loaded without this channel */
  of(config: WithChannels): S;
}

/** `FOUNDER_TELEGRAM_IDS` for `telegram`. */
export const foundersEnvName = (channel: string): string => `FOUNDER_${channel.toUpperCase()}_IDS`;

/** A comma-separated list of user ids, each checked against the channel's shape. */
function idList(pattern: RegExp, hint: string) {
  return z
    .string()
    .optional()
    .transform((text, ctx) => {
      const ids = (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      const bad = ids.find((id) => !pattern.test(id));
      if (bad !== undefined) {
        ctx.addIssue({ code: 'custom', message: `"${bad}" is not ${hint}` });
        return z.NEVER;
      }
      return ids;
    });
}

/**
 * Declares a channel's settings (its folder's `settings.ts` calls this once).
 * @returns the {@link ChannelSettings} that src/config.ts composes; `of(config)` reads them back typed
 */
export function defineChannelSettings<E extends z.ZodRawShape, F extends z.ZodType, S extends ChannelSettingsBase>(
  spec: ChannelSettingsSpec<E, F, S>,
): ChannelSettings<S> {
  const foundersEnv = foundersEnvName(spec.name);
  const envSchema = z.object(spec.env);
  return {
    name: spec.name,
    title: spec.title,
    envShape: { ...spec.env, [foundersEnv]: idList(spec.founderIdText.pattern, spec.founderIdText.hint) },
    ...(spec.file ? { fileSchema: spec.file } : {}),
    foundersSchema: z.array(spec.founderId).default([]),
    build(env, file, fileFounders) {
      const fromEnv = (env[foundersEnv] as string[] | undefined) ?? [];
      const founders = [...new Set([...fileFounders, ...fromEnv])].map((userId) => ({ userId, from: fromEnv.includes(userId) ? foundersEnv : 'aurea.config.yaml' }));
      // The variables were validated with envShape already; this only narrows their type.
      return spec.settings({ env: env as z.output<typeof envSchema>, file: file as z.output<F> | undefined, founders });
    },
    secrets: spec.secrets,
    check: spec.check,
    setup: spec.setup,
    of(config) {
      const settings = config.channels[spec.name];
      if (!settings) throw new Error(`the configuration was loaded without the ${spec.name} channel's settings`);
      return settings as S;
    },
  };
}

/**
 * The founder rules of a channel's declaration (src/channels/catalog.ts) read from its settings.
 */
export function founderRules(settings: ChannelSettings) {
  return {
    configured: (config: WithChannels) => settings.of(config).enabled,
    isFounder: (config: WithChannels, userId: string) => settings.of(config).founders.some((f) => f.userId === userId),
    configuredFounders: (config: WithChannels) => [...settings.of(config).founders],
  };
}
