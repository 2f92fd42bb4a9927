/**
 * GitHub's REST API description (`@octokit/openapi`, api.github.com, OpenAPI 3.0) for the fake
 * GitHub API: its examples as response templates, and a validator that checks every response the
 * fake sends against the schema GitHub publishes for that path, method and status (ajv; OpenAPI's
 * `nullable` is ajv's own keyword).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

interface Spec {
  paths: Record<string, Record<string, { responses: Record<string, { $ref?: string; content?: Record<string, { schema: unknown }> }> }>>;
  components: { examples: Record<string, { value: any }>; responses: Record<string, { content?: Record<string, { schema: unknown }> }> } & Record<string, unknown>;
}

let loaded: { spec: Spec; ajv: Ajv; compiled: Map<string, ValidateFunction | null> } | undefined;

function load() {
  if (loaded) return loaded;
  const file = createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.json');
  const spec = JSON.parse(readFileSync(file, 'utf8')) as Spec;
  const ajv = new Ajv({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  for (const f of ['uri-template', 'repo.nwo']) ajv.addFormat(f, true);
  nullableEnums(spec.components);
  ajv.addSchema({ $id: 'gh', components: spec.components });
  loaded = { spec, ajv, compiled: new Map() };
  return loaded;
}

/**
 * OpenAPI 3.0 reads `nullable: true` with an `enum` as "null, or one of these" (the check run's
 * `conclusion` is null while it runs); ajv needs null in the enum for that, so it is added; and
 * `nullable` beside no `type` means nothing, so it is dropped.
 */
function nullableEnums(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(nullableEnums);
  if (!node || typeof node !== 'object') return;
  const schema = node as { nullable?: boolean; enum?: unknown[]; type?: unknown };
  if (schema.nullable === true && Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum.push(null);
  // `nullable` without `type` has no effect in OpenAPI 3.0 (ajv refuses it).
  if (schema.nullable !== undefined && schema.type === undefined) delete schema.nullable;
  for (const value of Object.values(node)) nullableEnums(value);
}

/** A deep copy of one of the description's examples (`pull-request`, `check-run`, …). */
export function example<T = any>(name: string): T {
  const value = load().spec.components.examples[name]?.value;
  if (value === undefined) throw new Error(`no example ${name} in GitHub's OpenAPI description`);
  return structuredClone(value) as T;
}

/**
 * Checks a response body against GitHub's schema for it.
 * @param template the path as the description writes it (`/repos/{owner}/{repo}/pulls`)
 * @returns the problems found ([] when valid); one problem when the description has no such response
 */
export function validateResponse(template: string, method: string, status: number, body: unknown): string[] {
  const { spec, ajv, compiled } = load();
  const key = `${method} ${template} ${status}`;
  if (!compiled.has(key)) {
    let response = spec.paths[template]?.[method.toLowerCase()]?.responses[String(status)];
    if (response?.$ref) response = spec.components.responses[response.$ref.split('/').pop()!];
    const schema = response?.content?.['application/json']?.schema;
    compiled.set(key, schema ? ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"gh#/components/'))) : null);
  }
  const validate = compiled.get(key);
  if (!validate) return [`GitHub's description has no JSON response ${status} for ${method} ${template}`];
  return validate(body) ? [] : (validate.errors ?? []).slice(0, 5).map((e) => `${key}: ${e.instancePath || '/'} ${e.message}`);
}
