import { readFile } from 'node:fs/promises';

/** What the grammar is built from: the command registry and the configured names. */
export interface GrammarSource {
  /** Command names with their usage (`<service>`, `<agent>` or none). */
  commands: Array<{ name: string; usage?: string }>;
  services: string[];
  agents: string[];
}

export interface CommandGrammar {
  /** JSGF V1.0 text (https://www.w3.org/TR/jsgf/) for pocketsphinx's `-jsgf`. */
  jsgf: string;
  /** The dictionary lines for the grammar's words only (a small dictionary loads faster). */
  dictionary: string;
  /** The phrases of the grammar (`status`, `deploy billing`), e.g. to prompt a cloud recogniser. */
  vocabulary: string[];
  /** Turns a recognised phrase into the command text a founder would type, or null if it is not one. */
  toCommandText(phrase: string): string | null;
}

/** A CMU-format pronouncing dictionary: word → its lines (`word(2)` variants included). */
export type Dictionary = Map<string, string[]>;

export async function loadDictionary(path: string): Promise<Dictionary> {
  const text = await readFile(path, 'utf8');
  const dict: Dictionary = new Map();
  for (const line of text.split('\n')) {
    const word = line.slice(0, line.indexOf(' ')).replace(/\(\d+\)$/, '').toLowerCase();
    if (!word) continue;
    const lines = dict.get(word);
    if (lines) lines.push(line);
    else dict.set(word, [line]);
  }
  return dict;
}

/** `system-monitor` → `system monitor`, or null when a word cannot be pronounced with the dictionary. */
function spoken(name: string, dictionary: Dictionary): string | null {
  const words = name.toLowerCase().split(/[-_\s]+/).filter(Boolean);
  return words.length && words.every((w) => dictionary.has(w)) ? words.join(' ') : null;
}

/**
 * A recognition grammar for spoken commands: `[please] (status | agents | deploy <service> | …)`,
 * from the command registry and the configured service and agent names. Commands whose argument is
 * neither a service nor an agent, and names the dictionary cannot pronounce, are left out (they can
 * still be dictated through the general model).
 */
export function buildCommandGrammar(source: GrammarSource, dictionary: Dictionary): CommandGrammar {
  const services = new Map<string, string>();
  const agents = new Map<string, string>();
  for (const s of source.services) {
    const p = spoken(s, dictionary);
    if (p) services.set(p, s);
  }
  for (const a of source.agents) {
    const p = spoken(a, dictionary);
    if (p) agents.set(p, a);
  }
  const alternatives: string[] = [];
  const argument = new Map<string, Map<string, string>>();
  for (const c of source.commands) {
    const name = spoken(c.name, dictionary);
    if (!name) continue;
    if (!c.usage) alternatives.push(name);
    else if (/^<service>$/.test(c.usage) && services.size) {
      alternatives.push(`${name} <service>`);
      argument.set(name, services);
    } else if (/^<agent>$/.test(c.usage) && agents.size) {
      alternatives.push(`${name} <agent>`);
      argument.set(name, agents);
    }
  }
  const rules = [`public <command> = [please] ( ${alternatives.join(' | ')} );`];
  if (services.size) rules.push(`<service> = ${[...services.keys()].join(' | ')};`);
  if (agents.size) rules.push(`<agent> = ${[...agents.keys()].join(' | ')};`);
  const jsgf = ['#JSGF V1.0;', 'grammar aurea;', ...rules, ''].join('\n');
  const words = new Set(['please', ...alternatives.join(' ').split(/\s+/), ...[...services.keys(), ...agents.keys()].join(' ').split(/\s+/)].filter((w) => w && !w.startsWith('<')));
  const dictionaryText = [...words].flatMap((w) => dictionary.get(w) ?? []).join('\n') + '\n';

  const vocabulary = alternatives.flatMap((a) =>
    a.endsWith(' <service>') ? [...services.keys()].map((s) => a.replace('<service>', s)) : a.endsWith(' <agent>') ? [...agents.keys()].map((x) => a.replace('<agent>', x)) : [a],
  );
  return {
    jsgf,
    dictionary: dictionaryText,
    vocabulary,
    toCommandText(phrase) {
      const rest = phrase.trim().toLowerCase().replace(/^please\s+/, '');
      for (const c of source.commands) {
        const name = spoken(c.name, dictionary);
        if (!name) continue;
        if (rest === name && !c.usage) return c.name;
        const names = argument.get(name);
        if (names && rest.startsWith(`${name} `)) {
          const arg = names.get(rest.slice(name.length + 1));
          if (arg) return `${c.name} ${arg}`;
        }
      }
      return null;
    },
  };
}
