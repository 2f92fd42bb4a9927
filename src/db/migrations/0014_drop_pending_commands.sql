-- pending_commands (0005) held proposed commands before proposals became approvals of kind
-- `command` (src/commands/proposals.ts); nothing reads or writes it since.
DROP TABLE IF EXISTS pending_commands;
