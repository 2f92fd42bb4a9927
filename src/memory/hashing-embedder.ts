import type { Embedder } from './port.js';

/** Common English words that carry no topic. */
const STOPWORDS = new Set(
  'a an and are as at be been but by did do does for from had has have how i if in into is it its me my of on or our so than that the their them then there these they this to was we were what when where which who why will with would you your'.split(' '),
);

/** A light suffix stripper so that "deploys", "deployed", "deploying" meet at "deploy". */
function stem(word: string): string {
  if (word.length <= 4) return word;
  for (const suffix of ['ations', 'ation', 'ings', 'ing', 'edly', 'ed', 'ies', 'es', 's', 'ly']) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 3) return suffix === 'ies' ? `${word.slice(0, -3)}y` : word.slice(0, -suffix.length);
  }
  return word;
}

/** The topic words of a text: lowercase, stopwords dropped, lightly stemmed. */
export function contentWords(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((w) => !STOPWORDS.has(w)).map(stem);
}

/** FNV-1a, 32 bit. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Offline lexical embedding, no network and no model: the signed feature-hashing trick
 * (Weinberger et al., 2009) over word unigrams (weight 1), word bigrams (0.5) and character
 * trigrams of each word (0.25), with sublinear term frequency, L2-normalised. Texts that share
 * words and word pieces land close in cosine distance; it knows no synonyms.
 */
export class HashingEmbedder implements Embedder {
  readonly model = 'aurea-hash-v1-256';
  readonly dimensions = 256;

  async embed(texts: string[]): Promise<number[][]> {
    return texts.map((t) => this.vector(t));
  }

  vector(text: string): number[] {
    const words = contentWords(text);
    const counts = new Map<string, { weight: number; n: number }>();
    const add = (feature: string, weight: number) => {
      const c = counts.get(feature);
      if (c) c.n++;
      else counts.set(feature, { weight, n: 1 });
    };
    words.forEach((w, i) => {
      add(`w:${w}`, 1);
      if (i > 0) add(`b:${words[i - 1]} ${w}`, 0.5);
      const padded = `^${w}$`;
      for (let j = 0; j + 3 <= padded.length; j++) add(`c:${padded.slice(j, j + 3)}`, 0.25);
    });
    const v = new Array<number>(this.dimensions).fill(0);
    for (const [feature, { weight, n }] of counts) {
      const h = fnv1a(feature);
      v[h % this.dimensions]! += (h & 0x80000000 ? -1 : 1) * weight * (1 + Math.log(n));
    }
    const norm = Math.hypot(...v);
    return norm > 0 ? v.map((x) => x / norm) : v;
  }
}
