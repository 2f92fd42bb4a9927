/**
 * Shares one run of `fn` between callers that arrive while it is in flight: when 20 chats ask for
 * /status in the same second, the services, the database and Redis are probed once, not 20 times.
 * A caller that arrives after the run has finished starts a new one (no stale answers).
 * @returns a function with the same result as `fn`
 */
export function coalesce<T>(fn: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | undefined;
  return () => {
    inFlight ??= fn().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}
