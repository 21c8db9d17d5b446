/**
 * Reading config YAML (Switchyard's and LiteLLM's) as the user meant it: the YAML 1.2 core
 * schema (no timestamps, so `api_version: 2024-06-01` stays a string), merge keys (`<<: *base`,
 * which LiteLLM configs use), and numbers kept as their source text where a string is expected
 * (a numeric `model_name`, map key or fallback name).
 */
import { isPair, isScalar, parseDocument, visit } from 'yaml';

/** Keys whose values are strings even when they look like numbers. */
const STRING_KEYS: ReadonlySet<string> = new Set([
  // Switchyard
  'name',
  'model',
  'apiKey',
  'apiBase',
  'apiVersion',
  'id',
  'azureDeployment',
  'azureAdToken',
  'project',
  'location',
  'region',
  'accessKeyId',
  'secretAccessKey',
  'sessionToken',
  'profile',
  'organization',
  'secret',
  'dataDir',
  'version',
  'masterKey',
  'connectionString',
  // LiteLLM
  'model_name',
  'api_key',
  'api_base',
  'api_version',
  'custom_llm_provider',
  'base_model',
  'vertex_project',
  'vertex_location',
  'vertex_credentials',
  'aws_region_name',
  'region_name',
  'aws_access_key_id',
  'aws_secret_access_key',
  'aws_session_token',
  'aws_profile_name',
  'azure_ad_token',
  'master_key',
  'database_url',
  'redis_host',
  'redis_password',
  'redis_url',
  'guardrailIdentifier',
  'guardrailVersion',
]);

/** Any scalar below one of these keys is a string: model group names, header values, env values. */
const STRING_SUBTREES: ReadonlySet<string> = new Set([
  'fallbacks',
  'context_window_fallbacks',
  'default_fallbacks',
  'content_policy_fallbacks',
  'contextWindowFallbacks',
  'defaultFallbacks',
  'model_group_alias',
  'headers',
  'extra_headers',
  'environment_variables',
]);

/** The map keys from the document root down to `node` (sequence indices left out). */
function keyChain(path: readonly unknown[]): string[] {
  const keys: string[] = [];
  for (const p of path) if (isPair(p) && isScalar(p.key)) keys.push(String(p.key.value));
  return keys;
}

/**
 * Parses config YAML; throws an Error naming the line for bad YAML.
 *
 * @example
 * ```ts
 * parseConfigYaml('api_version: 2024-06-01\nmodel_name: 4\n'); // { api_version: '2024-06-01', model_name: '4' }
 * ```
 */
export function parseConfigYaml(content: string): unknown {
  const doc = parseDocument(content, { schema: 'core', merge: true, prettyErrors: true });
  if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('\n'));
  visit(doc, {
    Scalar(key, node, path) {
      if (typeof node.value !== 'number' || node.source === undefined) return;
      const parent = path.at(-1);
      // a map key is a string in the result anyway: keep it as written (`1.10:` stays "1.10")
      if (key === 'key' && isPair(parent)) return void (node.value = node.source);
      const keys = keyChain(path);
      const own = isPair(parent) ? keys.at(-1) : undefined;
      if ((own !== undefined && STRING_KEYS.has(own)) || keys.some((k) => STRING_SUBTREES.has(k))) node.value = node.source;
    },
  });
  return doc.toJS({ maxAliasCount: 1000 }) as unknown;
}
