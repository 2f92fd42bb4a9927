/**
 * Inbound text as Postgres can store it. Postgres text and jsonb refuse the NUL character
 * ("invalid byte sequence for encoding UTF8: 0x00", "unsupported Unicode escape sequence \u0000"),
 * and a lone UTF-16 surrogate (half of an emoji cut by a client) is not valid Unicode at all, so
 * both are removed before anything a platform sent reaches SQL or a model.
 * @param text any string from a platform (message text, a name, a transcript, button data)
 * @returns the same text without NUL characters and unpaired surrogates
 */
export function cleanText(text: string): string {
  // With the u flag, \p{Cs} matches only surrogates that are not part of a pair.
  return text.replace(/\u0000|\p{Cs}/gu, '');
}

/** A JSON.stringify replacer that cleans every string value (for jsonb columns). */
export function cleanJsonStrings(_key: string, value: unknown): unknown {
  return typeof value === 'string' ? cleanText(value) : value;
}
