/**
 * "Always allow" grants on MCP tools (`mcp_grants`): per server and tool, argument-free, given by a
 * founder's ♾ Always allow, listed and revoked with /mcp. A grant turns the default "ask" into
 * "allow"; it never overrides what the configuration says (src/mcp/servers.ts `policyOf`).
 */
import type pg from 'pg';
import { actorKey, type Actor } from '../actor.js';

export interface McpGrant {
  server: string;
  tool: string;
  /** Actor key of the founder who granted it. */
  granted_by: string;
  granted_at: Date;
}

export class McpGrants {
  constructor(private readonly db: pg.Pool) {}

  async list(): Promise<McpGrant[]> {
    return (await this.db.query<McpGrant>('SELECT server, tool, granted_by, granted_at FROM mcp_grants ORDER BY server, tool')).rows;
  }

  /** The granted tools as `<server>.<tool>`. */
  async labels(): Promise<Set<string>> {
    return new Set((await this.list()).map((g) => `${g.server}.${g.tool}`));
  }

  async has(server: string, tool: string): Promise<boolean> {
    return ((await this.db.query('SELECT 1 FROM mcp_grants WHERE server = $1 AND tool = $2', [server, tool])).rowCount ?? 0) > 0;
  }

  /** Grants it (a second grant keeps the first). */
  async grant(server: string, tool: string, by: Actor): Promise<void> {
    await this.db.query('INSERT INTO mcp_grants (server, tool, granted_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [server, tool, actorKey(by)]);
  }

  /** @returns whether there was such a grant */
  async revoke(server: string, tool: string): Promise<boolean> {
    return ((await this.db.query('DELETE FROM mcp_grants WHERE server = $1 AND tool = $2', [server, tool])).rowCount ?? 0) > 0;
  }
}
