/**
 * `mcp:` in aurea.config.yaml: the founder's MCP servers (Model Context Protocol,
 * modelcontextprotocol.io) that AUREA uses as tools, and the limits of a call.
 *
 * ```yaml
 * mcp:
 *   timeout: 30s            # per call
 *   maxResultBytes: 65536   # a result is cut beyond this
 *   servers:
 *     files:  { command: npx, args: [-y, "@modelcontextprotocol/server-filesystem", /srv/notes] }
 *     github: { url: "https://api.githubcopilot.com/mcp/", headers: { Authorization: "Bearer ${GITHUB_TOKEN}" },
 *               tools: { create_issue: ask, delete_file: deny } }
 * ```
 * A secret never sits in the file: `${NAME}` in `env` or `headers` is replaced by that variable of
 * AUREA's environment when the configuration is loaded (a missing one stops start-up, naming it).
 */
import { z } from 'zod';
import { durationSchema } from '../duration.js';
import { ConfigError } from '../errors.js';

/** What runs without a tap: `allow` runs, `ask` asks the founder, `deny` refuses. */
export const TOOL_POLICIES = ['allow', 'ask', 'deny'] as const;
export type ToolPolicy = (typeof TOOL_POLICIES)[number];

/** A server's name: people write `<server>.<tool>`, models see `<server>__<tool>`, so neither `.` nor `__` may appear in it. */
const SERVER_NAME = /^[a-z0-9](?:[a-z0-9-]|_(?!_)){0,31}$/;

const policies = z.record(z.string().min(1), z.enum(TOOL_POLICIES, { error: 'expected allow, ask or deny' })).default({});
const vars = z.record(z.string().min(1), z.string()).default({});

const serverSchema = z.union(
  [
    z.strictObject({ command: z.string().min(1), args: z.array(z.string()).default([]), env: vars, tools: policies }),
    z.strictObject({ url: z.url({ error: 'expected the server\'s Streamable HTTP (or SSE) URL' }), headers: vars, tools: policies }),
  ],
  { error: 'expected { command, args, env } (stdio) or { url, headers } (Streamable HTTP)' },
);

/** The `mcp:` section's schema (src/config.ts adds it to aurea.config.yaml's). */
export const mcpSchema = z
  .strictObject({
    timeout: durationSchema.default(30_000),
    maxResultBytes: z.number().int().min(1024).default(65_536),
    servers: z.record(z.string().regex(SERVER_NAME, { error: 'MCP server names are lowercase letters, digits, - and single _' }), serverSchema).default({}),
  })
  .prefault({});

/** A configured MCP server, its `${VAR}` references resolved. */
export type McpServerConfig =
  | { name: string; transport: 'stdio'; command: string; args: string[]; env: Record<string, string>; tools: Record<string, ToolPolicy> }
  | { name: string; transport: 'http'; url: string; headers: Record<string, string>; tools: Record<string, ToolPolicy> };

export interface McpConfig {
  /** Per call (tools/list, tools/call), ms. */
  timeoutMs: number;
  maxResultBytes: number;
  servers: Record<string, McpServerConfig>;
}

/** Keys whose values are secrets: they must come from the environment by `${VAR}`. */
const SECRET_KEY = /token|secret|key|password|authorization|auth|cookie/i;

/**
 * Resolves `${NAME}` references in a server's `env` or `headers` from the environment.
 * @returns the values with every reference replaced, and the referenced values (secrets, to scrub)
 * @throws ConfigError naming the setting when a reference names an unset variable, or a secret-looking key holds a literal
 */
function resolveVars(where: string, values: Record<string, string>, env: Record<string, string | undefined>): { values: Record<string, string>; secrets: string[] } {
  const secrets: string[] = [];
  const out: Record<string, string> = {};
  for (const [key, raw] of Object.entries(values)) {
    if (SECRET_KEY.test(key) && !/\$\{[A-Za-z_][A-Za-z0-9_]*\}/.test(raw)) {
      throw new ConfigError(`${where}.${key}`, `Invalid aurea.config.yaml: ${where}.${key}: a secret is never written in the file; write \${NAME} and set NAME in the environment (.env)`);
    }
    out[key] = raw.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const value = env[name];
      if (value === undefined || value === '') throw new ConfigError(`${where}.${key}`, `Invalid aurea.config.yaml: ${where}.${key} refers to \${${name}}, which is not set in the environment`);
      secrets.push(value);
      return value;
    });
  }
  return { values: out, secrets };
}

/**
 * The validated `mcp:` section → {@link McpConfig}, references resolved.
 * @returns the config and the secret values it holds (for Config.secrets)
 * @throws ConfigError (see resolveVars)
 */
export function toMcpConfig(section: z.output<typeof mcpSchema>, env: Record<string, string | undefined>): { mcp: McpConfig; secrets: string[] } {
  const secrets: string[] = [];
  const servers: Record<string, McpServerConfig> = {};
  for (const [name, s] of Object.entries(section.servers)) {
    if ('command' in s) {
      const resolved = resolveVars(`mcp.servers.${name}.env`, s.env, env);
      secrets.push(...resolved.secrets);
      servers[name] = { name, transport: 'stdio', command: s.command, args: s.args, env: resolved.values, tools: s.tools };
    } else {
      const resolved = resolveVars(`mcp.servers.${name}.headers`, s.headers, env);
      secrets.push(...resolved.secrets);
      servers[name] = { name, transport: 'http', url: s.url, headers: resolved.values, tools: s.tools };
    }
  }
  return { mcp: { timeoutMs: section.timeout, maxResultBytes: section.maxResultBytes, servers }, secrets };
}
