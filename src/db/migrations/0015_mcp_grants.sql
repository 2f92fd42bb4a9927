-- "♾ Always allow" on an MCP tool call: the founder lets that tool (any arguments) run without a tap
-- from now on, until /mcp revoke. Owned by src/mcp/grants.ts.
CREATE TABLE mcp_grants (
  server     text NOT NULL,
  tool       text NOT NULL,
  granted_by text NOT NULL,
  granted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (server, tool)
);
