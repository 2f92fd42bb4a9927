/**
 * A private PostgreSQL cluster for one fault test (Debian's pg_createcluster, trust auth on
 * loopback, its own port), so the test can restart Postgres without touching the server the rest
 * of the suite shares. Needs root and the PostgreSQL that test/setup/postgres.sh installs.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { freePort } from './ports.js';

export class PostgresServer {
  private constructor(
    private readonly major: string,
    private readonly name: string,
    readonly port: number,
  ) {}

  static async create(): Promise<PostgresServer> {
    const major = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b)).at(-1)!;
    const server = new PostgresServer(major, `aurea${randomUUID().slice(0, 8)}`, await freePort());
    execFileSync('pg_createcluster', [major, server.name, '-p', String(server.port), '--', '--auth=trust'], { stdio: 'ignore' });
    server.ctl('start');
    return server;
  }

  /** DATABASE_URL of its `postgres` database. */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** pg_ctlcluster restart (fast shutdown: connections are terminated, new ones refused until it is up). */
  async restart(): Promise<void> {
    await promisify(execFile)('pg_ctlcluster', ['--skip-systemctl-redirect', this.major, this.name, 'restart']);
  }

  drop(): void {
    execFileSync('pg_dropcluster', ['--stop', this.major, this.name], { stdio: 'ignore' });
  }

  private ctl(action: string): void {
    execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', this.major, this.name, action], { stdio: 'ignore' });
  }
}
