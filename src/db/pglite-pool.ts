/**
 * A node-postgres Pool over an embedded PGlite, so the same `pg` code (ours, and LangGraph's
 * PostgresSaver) runs on PGlite and on a real server.
 *
 * It replaces the connection of PGlite's own node-postgres adapter
 * (`@electric-sql/pglite/node-postgres`), which breaks after the first failed query:
 * - that adapter hands one shared connection object to every pg Client the pool makes. pg-pool
 *   removes a client whose query failed (`client.release(err)`), which ends that shared connection;
 *   the next client then sees "Connection terminated unexpectedly", or another statement's result.
 * - it passes each extended-protocol message (Parse, Bind, Describe, Execute, Sync) to PGlite on its
 *   own, and PGlite answers an error with an early ReadyForQuery before the client's Sync
 *   (electric-sql/pglite#958; firebase-tools filtered the extra messages, PR #7653), after which
 *   pg reads the rest of the stream out of step.
 *
 * Here every pg Client gets its own connection over one shared {@link PGliteSession}; extended
 * messages are held back until the client's Sync (or Flush) and handed to PGlite as one batch,
 * which PGlite answers as the protocol says (one ReadyForQuery, after the Sync; PostgreSQL docs,
 * "Extended Query" in the Frontend/Backend Protocol chapter). Anything after an ErrorResponse up
 * to the batch's ReadyForQuery is dropped. A client that goes away inside a transaction leaves the
 * session rolled back, so the next client starts clean. One batch is also one call into the WASM
 * module instead of five, which makes every query cheaper.
 */
import { EventEmitter } from 'node:events';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { serialize } from 'pg-protocol';

/** What the pg Client expects of a backend message: pg-protocol's parsed message objects. */
interface BackendMessage {
  name: string;
  status?: string;
}

/** The one PGlite session that all connections share, and its session-wide protocol state. */
class PGliteSession {
  /** Serialises batches: one batch runs to completion before the next starts. */
  private tail: Promise<unknown> = Promise.resolve();
  /** Transaction status of the last ReadyForQuery: I (idle), T (in a transaction), E (failed transaction). */
  txStatus = 'I';
  /** Named prepared statements live in the session, so the connections share pg's bookkeeping of them. */
  readonly parsedStatements: Record<string, string> = {};
  readonly submittedNamedStatements: Record<string, string> = {};

  constructor(readonly pglite: PGlite) {}

  /**
   * Sends one buffer of frontend messages to PGlite, after every earlier batch.
   * @returns PGlite's backend messages for it (errors as messages, never thrown)
   */
  run(message: Uint8Array): Promise<BackendMessage[]> {
    const result = this.tail.then(() => this.pglite.execProtocolStream(message, { throwOnError: false }) as Promise<BackendMessage[]>);
    this.tail = result.catch(() => undefined);
    return result.then((messages) => {
      for (const m of messages) if (m.name === 'readyForQuery' && m.status) this.txStatus = m.status;
      return messages;
    });
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * One pg Client's connection to the shared session. Implements the part of pg's `Connection`
 * that `pg.Client` uses; there is no socket, so startup, TLS and authentication are no-ops.
 */
class PGliteConnection extends EventEmitter {
  _connecting = false;
  _ending = false;
  readonly stream = { destroy: () => this.end(), cork: () => undefined, uncork: () => undefined };
  readonly parsedStatements: Record<string, string>;
  readonly submittedNamedStatements: Record<string, string>;
  /** Extended-protocol messages waiting for the client's Sync or Flush. */
  private held: Uint8Array[] = [];
  /** True from an ErrorResponse in an extended-protocol exchange until its Sync: later results are dropped. */
  private failed = false;
  private work: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly session: PGliteSession) {
    super();
    this.parsedStatements = session.parsedStatements;
    this.submittedNamedStatements = session.submittedNamedStatements;
  }

  connect(): void {
    this._connecting = true;
    void this.session.pglite.waitReady.then(
      () => process.nextTick(() => this.emit('readyForQuery', { name: 'readyForQuery', status: this.session.txStatus })),
      (err: unknown) => this.emit('error', err),
    );
  }

  // No socket: nothing to negotiate.
  requestSsl(): void {}
  startup(): void {}
  password(): void {}
  sendSASLInitialResponseMessage(): void {}
  sendSCRAMClientFinalMessage(): void {}
  cancel(): void {}
  ref(): void {}
  unref(): void {}

  /** Simple query protocol: PGlite answers it whole, ending with its ReadyForQuery. */
  query(text: string): void {
    this.send([serialize.query(text)], 'simple');
  }

  parse(config: Parameters<typeof serialize.parse>[0]): void {
    this.held.push(serialize.parse(config));
  }
  bind(config: Parameters<typeof serialize.bind>[0]): void {
    this.held.push(serialize.bind(config));
  }
  describe(config: Parameters<typeof serialize.describe>[0]): void {
    this.held.push(serialize.describe(config));
  }
  execute(config: Parameters<typeof serialize.execute>[0]): void {
    this.held.push(serialize.execute(config));
  }
  close(config: Parameters<typeof serialize.close>[0]): void {
    this.held.push(serialize.close(config));
  }

  /** Flush (pg's cursors): what is held goes now; no ReadyForQuery may reach the client before the Sync. */
  flush(): void {
    this.send([...this.take(), serialize.flush()], 'flush');
  }

  sync(): void {
    this.send([...this.take(), serialize.sync()], 'sync');
  }

  sendCopyFromChunk(chunk: Buffer): void {
    this.send([serialize.copyData(chunk)], 'copy');
  }
  endCopyFrom(): void {
    this.send([serialize.copyDone()], 'copy');
  }
  sendCopyFail(message: string): void {
    this.send([serialize.copyFail(message)], 'copy');
  }

  /**
   * Ends this connection only (the session stays open for the next client). A transaction left
   * open by this client is rolled back first.
   */
  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.held = [];
    this.work = this.work
      .then(() => (this.session.txStatus !== 'I' ? this.session.run(serialize.query('ROLLBACK')) : undefined))
      .catch(() => undefined)
      .then(() => {
        this.emit('end');
        this.removeAllListeners();
      });
  }

  private take(): Uint8Array[] {
    const parts = this.held;
    this.held = [];
    return parts;
  }

  private send(parts: Uint8Array[], kind: 'simple' | 'flush' | 'sync' | 'copy'): void {
    if (this.closed) return;
    this.work = this.work
      .then(() => this.session.run(concat(parts)))
      .then(
        (messages) => this.deliver(messages, kind),
        (err: unknown) => {
          if (!this.closed) this.emit('error', err);
        },
      );
  }

  /** Passes PGlite's answer to the client, keeping the protocol's shape (see the file comment). */
  private deliver(messages: readonly BackendMessage[], kind: 'simple' | 'flush' | 'sync' | 'copy'): void {
    const extended = kind === 'flush' || kind === 'sync';
    let ready: BackendMessage | undefined;
    for (const m of messages) {
      if (this.closed) return;
      if (m.name === 'readyForQuery') {
        // In an extended exchange only the Sync's ReadyForQuery counts; the last one PGlite sent is it.
        if (extended) ready = m;
        else this.emitMessage(m);
        continue;
      }
      if (extended && this.failed) continue;
      if (extended && m.name === 'error') this.failed = true;
      this.emitMessage(m);
    }
    if (kind === 'sync') {
      this.failed = false;
      this.emitMessage(ready ?? { name: 'readyForQuery', status: this.session.txStatus });
    }
  }

  private emitMessage(m: BackendMessage): void {
    this.emit('message', m);
    this.emit(m.name === 'error' ? 'errorMessage' : m.name, m);
  }
}

/**
 * A pg Pool whose clients all talk to `pglite`. PGlite is a single Postgres session, so the pool
 * holds one client at a time; callers wait their turn.
 * @param pglite an open PGlite instance (the caller closes it, after the pool)
 * @returns a pg.Pool of size 1
 */
export function createPGlitePool(pglite: PGlite): pg.Pool {
  const session = new PGliteSession(pglite);
  class PGliteClient extends pg.Client {
    constructor(config?: string | pg.ClientConfig) {
      const base = typeof config === 'string' ? { connectionString: config } : (config ?? {});
      super({ ...base, host: 'pglite', port: 5432, user: 'postgres', database: 'postgres', connection: new PGliteConnection(session) } as pg.ClientConfig);
    }
  }
  return new pg.Pool({ Client: PGliteClient, max: 1 });
}
