/**
 * `text` without its trailing `?`, `!` and `.` characters. A loop from the end, not `/[?!.]+$/`:
 * that regex retries from every position of a long run of punctuation (40k characters took 1.2 s).
 */
function withoutTrailingPunctuation(text: string): string {
  let end = text.length;
  while (end > 0 && '?!.'.includes(text[end - 1]!)) end--;
  return text.slice(0, end);
}

/**
 * Deterministic intents for free text when no language model is configured: the common requests,
 * mapped to the command a founder would type. Anything else is not understood.
 * @returns command text without the slash (`status`, `deploy billing`, `remember …`), or null
 */
export function parseIntent(text: string): string | null {
  const t = withoutTrailingPunctuation(text.trim());
  const lower = t.toLowerCase();
  let m: RegExpExecArray | null;
  if ((m = /^(?:please\s+)?remember(?:\s+that)?[:,]?\s+(.+)$/is.exec(t))) return `remember ${m[1]}`;
  if ((m = /^(?:what do you (?:remember|know) about|recall|do you remember)\s+(.+)$/is.exec(t))) return `recall ${m[1]}`;
  if ((m = /^(?:please\s+)?forget(?: memory)?\s+#?(\d+)$/i.exec(t))) return `forget ${m[1]}`;
  if ((m = /^(?:please\s+)?(?:deploy|ship|release|roll out)\s+(?:the\s+)?([a-z0-9][\w-]*)(?:\s+service)?(?:\s+(?:now|please))?$/i.exec(t))) return `deploy ${m[1]!.toLowerCase()}`;
  if (/^(?:what(?:'s| is)|how(?:'s| is| are)|show(?: me)?|give me|check)\b.*\b(?:status|health|up|doing|services?)\b/.test(lower) || /^status\b/.test(lower)) return 'status';
  if (/\b(?:agents?|scheduled jobs?)\b/.test(lower) && /^(?:list|show|what|which|how)/.test(lower)) return 'agents';
  if (/^(?:help|what can you do|commands)\b/.test(lower)) return 'help';
  return null;
}
