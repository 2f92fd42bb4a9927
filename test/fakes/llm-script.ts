/** What a fake model API does with its next request. */
export type Step =
  | { kind: 'text'; text: string }
  /** A tool call: `args` as the conversation's tools take it ({ arguments }), or `input` as the whole input object. */
  | { kind: 'tool'; name: string; args?: string; input?: Record<string, unknown> }
  | { kind: 'error'; status: number; retryAfter?: number }
  | { kind: 'hang' };

/** A queue of steps; when empty, `fallback` repeats. */
export class Script {
  private readonly steps: Step[] = [];
  constructor(public fallback: Step = { kind: 'text', text: 'ok' }) {}
  push(...steps: Step[]): this {
    this.steps.push(...steps);
    return this;
  }
  next(): Step {
    return this.steps.shift() ?? this.fallback;
  }
}
