import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createGateway, DEFAULT_PLUGINS, loadConfigFile, memoryDiagnostics, validateConfig, type SwitchyardConfig } from '@switchyard/core';
import { configFromFile, isLiteLLMConfig, translateLiteLLMConfig } from '../src/index.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'litellm');
const notInstalled = () => false;

/** A fixture read by the real loader, then translated. */
async function translated(name: string, options: { env?: NodeJS.ProcessEnv; isInstalled?: (pkg: string) => boolean } = {}) {
  const { config } = await loadConfigFile({ configPath: path.join(fixtures, name) });
  expect(isLiteLLMConfig(config)).toBe(true);
  return translateLiteLLMConfig(config, { env: options.env ?? {}, isInstalled: options.isInstalled ?? notInstalled });
}

/** The translated config builds a real gateway: the providers accept every deployment's options. */
async function boots(config: SwitchyardConfig, env: NodeJS.ProcessEnv) {
  const gateway = await createGateway(config, { configDir: mkdtempSync(path.join(tmpdir(), 'sy-litellm-')), env, diagnostics: memoryDiagnostics() });
  const out = { names: gateway.models.names(), deployments: gateway.models.deployments, plugins: gateway.plugins.map((p) => p.name) };
  await gateway.close();
  return out;
}

const defaults = DEFAULT_PLUGINS as string[];
const LOGGERS = 'no Switchyard plugin for it; ignored (call logs: @switchyard/logger-file or @switchyard/logger-webhook; traces and metrics: "otel")';

describe('LiteLLM model_list', () => {
  it('OpenAI: keys from the environment, completion params, top-level rpm/tpm, model_info id and prices', async () => {
    const t = await translated('openai.yaml');
    expect(t.warnings).toEqual([]);
    expect(t.config.plugins).toEqual(defaults);
    expect(t.config.models).toEqual([
      { name: 'gpt-4o-mini', provider: 'openai', model: 'gpt-4o-mini', apiKey: 'os.environ/OPENAI_API_KEY', params: { max_tokens: 512, temperature: 0.1 }, rpm: 480, tpm: 100000 },
      {
        name: 'gpt-4o-mini',
        provider: 'openai',
        model: 'gpt-4o-mini',
        apiKey: 'os.environ/OPENAI_API_KEY_2',
        organization: 'org-team-b',
        timeoutMs: 45000,
        id: 'mini-b',
        inputCostPerToken: 1.5e-7,
        outputCostPerToken: 6e-7,
      },
    ]);
    const g = await boots(t.config, { OPENAI_API_KEY: 'sk-a', OPENAI_API_KEY_2: 'sk-b' });
    expect(g.deployments.map((d) => [d.id, d.apiKey, d.rpm, d.timeoutMs])).toEqual([
      ['gpt-4o-mini#0', 'sk-a', 480, undefined],
      ['mini-b', 'sk-b', undefined, 45000],
    ]);
  });

  it('Azure: an unquoted api_version date is the version string, api_base as given, azure_ai too', async () => {
    const t = await translated('azure.yaml');
    expect(t.warnings).toEqual([]);
    expect(t.config.plugins).toEqual([...defaults, '@switchyard/provider-azure']);
    expect(t.config.models).toEqual([
      {
        name: 'gpt-4o',
        provider: 'azure',
        model: 'gpt-4o-eu',
        apiBase: 'https://contoso-eu.openai.azure.com',
        apiKey: 'os.environ/AZURE_API_KEY_EU',
        apiVersion: '2024-10-21',
        weight: 2,
        rpm: 600,
        maxInputTokens: 128000,
      },
      {
        name: 'gpt-4o',
        provider: 'azure',
        model: 'gpt-4o-us',
        apiBase: 'os.environ/AZURE_API_BASE_US',
        apiKey: 'os.environ/AZURE_API_KEY_US',
        apiVersion: '2025-04-01-preview',
        azureAdToken: 'os.environ/AZURE_AD_TOKEN',
      },
      { name: 'llama-foundry', provider: 'azure_ai', model: 'Llama-3.3-70B-Instruct', apiBase: 'https://contoso.services.ai.azure.com/models', apiKey: 'os.environ/AZURE_AI_API_KEY' },
    ]);
    const env = { AZURE_API_KEY_EU: 'k1', AZURE_API_BASE_US: 'https://contoso-us.openai.azure.com', AZURE_API_KEY_US: 'k2', AZURE_AD_TOKEN: 'tok', AZURE_AI_API_KEY: 'k3' };
    const g = await boots(t.config, env);
    expect(g.deployments.map((d) => d.options.apiVersion)).toEqual(['2024-10-21', '2025-04-01-preview', undefined]);
    expect(g.deployments[1]!.apiBase).toBe('https://contoso-us.openai.azure.com');
  });

  it('Anthropic: a full endpoint URL as api_base becomes the base, extra_headers become headers, a bare claude model is Anthropic', async () => {
    const t = await translated('anthropic.yaml');
    expect(t.warnings).toEqual([]);
    expect(t.config.plugins).toEqual([...defaults, '@switchyard/provider-anthropic']);
    expect(t.config.models).toEqual([
      {
        name: 'claude-sonnet',
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
        apiKey: 'os.environ/ANTHROPIC_API_KEY',
        apiBase: 'https://api.anthropic.com',
        params: { max_tokens: 1024 },
        headers: { 'anthropic-beta': 'prompt-caching-2024-07-31' },
      },
      { name: 'claude-haiku', provider: 'anthropic', model: 'claude-haiku-4-5' },
    ]);
    await boots(t.config, { ANTHROPIC_API_KEY: 'sk-ant' });
  });

  it('Bedrock: aws_* credentials and region, the runtime endpoint, a guardrail; converse/ and invoke/ routes', async () => {
    const t = await translated('bedrock.yaml');
    expect(t.config.plugins).toEqual([...defaults, '@switchyard/provider-bedrock']);
    expect(t.config.models).toEqual([
      {
        name: 'bedrock-claude',
        provider: 'bedrock',
        model: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
        accessKeyId: 'os.environ/AWS_ACCESS_KEY_ID',
        secretAccessKey: 'os.environ/AWS_SECRET_ACCESS_KEY',
        region: 'os.environ/AWS_REGION_NAME',
        apiBase: 'https://bedrock-runtime.eu-west-1.amazonaws.com',
        guardrailConfig: { guardrailIdentifier: 'gr-123', guardrailVersion: '1' },
      },
      { name: 'nova', provider: 'bedrock', model: 'us.amazon.nova-lite-v1:0', profile: 'team-a', region: 'us-east-1' },
      { name: 'llama-invoke', provider: 'bedrock', model: 'meta.llama3-70b-instruct-v1:0', region: 'us-west-2' },
    ]);
    expect(t.warnings).toEqual([
      'model_list litellm_params.model "bedrock/invoke/..." (llama-invoke): served through the Converse API',
      'model_list litellm_params.aws_role_name (llama-invoke): assuming an AWS role is not supported; give aws_access_key_id and aws_secret_access_key, or aws_profile_name',
    ]);
    const g = await boots(t.config, { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION_NAME: 'eu-west-1' });
    expect(g.deployments[0]!.options).toMatchObject({ region: 'eu-west-1', accessKeyId: 'AKID' });
  });

  it('Vertex AI and AI Studio: project, location, credentials, safety settings; a partner model on Vertex is left out with one warning', async () => {
    const t = await translated('vertex.yaml');
    expect(t.config.plugins).toEqual([...defaults, '@switchyard/provider-gemini']);
    expect(t.config.models).toEqual([
      {
        name: 'gemini-pro',
        provider: 'vertex_ai',
        model: 'gemini-2.5-pro',
        project: 'acme-prod',
        location: 'europe-west4',
        credentials: '/secrets/vertex-sa.json',
        safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' }],
      },
      { name: 'gemini-flash', provider: 'gemini', model: 'gemini-2.5-flash', apiKey: 'os.environ/GEMINI_API_KEY' },
    ]);
    expect(t.warnings).toEqual([
      "model_list[2] (claude-on-vertex): vertex_ai/claude-sonnet-4-5@20250929: only Google's own models are served on Vertex AI (no partner models such as Claude or Llama); left out",
    ]);
    await boots(t.config, { GEMINI_API_KEY: 'g' });
  });

  it('OpenAI-compatible servers: api_base kept, /v1 added for vLLM and Ollama, Groq by its base and key variable, never the OpenAI key', async () => {
    const t = await translated('compatible.yaml');
    expect(t.config.plugins).toEqual(defaults);
    expect(t.config.models).toEqual([
      { name: 'my-server', provider: 'openai', model: 'qwen2.5-coder', apiBase: 'http://10.0.0.5:9000/v1', apiKey: 'os.environ/MY_SERVER_KEY' },
      { name: 'vllm-opt', provider: 'openai', model: 'facebook/opt-125m', apiBase: 'http://vllm.internal:8000/v1', apiKey: '' },
      { name: 'llama3', provider: 'openai', model: 'llama3.1', apiBase: 'http://localhost:11434/v1', apiKey: '' },
      { name: 'groq-llama', provider: 'openai', model: 'llama-3.3-70b-versatile', apiBase: 'https://api.groq.com/openai/v1', apiKey: '${GROQ_API_KEY:-}' },
    ]);
    expect(t.warnings).toEqual(['model_list[4] (vllm-missing-base): hosted_vllm/ needs litellm_params.api_base; left out']);
    const g = await boots(t.config, { MY_SERVER_KEY: 'k', OPENAI_API_KEY: 'sk-openai', GROQ_API_KEY: 'gsk' });
    expect(g.deployments.map((d) => d.apiKey)).toEqual(['k', '', '', 'gsk']);
  });

  it('a bare vLLM base from the environment gets its /v1 after the reference; one with a path is kept', () => {
    const entry = (name: string, v: string) => ({ model_name: name, litellm_params: { model: 'hosted_vllm/m', api_base: `os.environ/${v}` } });
    const t = translateLiteLLMConfig(
      { model_list: [entry('a', 'BARE'), entry('b', 'SLASH'), entry('c', 'WITH_PATH')] },
      { env: { BARE: 'http://vllm:8000', SLASH: 'http://vllm:8000/', WITH_PATH: 'http://vllm:8000/v1' }, isInstalled: notInstalled },
    );
    expect(t.config.models!.map((m) => m.apiBase)).toEqual(['${BARE}/v1', '${SLASH}v1', 'os.environ/WITH_PATH']);
  });

  it('values YAML would change are read as written: numeric names and fallbacks, merge keys, numbers from the environment', async () => {
    const t = await translated('yaml-values.yaml');
    expect(t.environment).toEqual({ REQUEST_TIMEOUT_S: '20', UPSTREAM_KEY: 'sk-from-file' });
    expect(t.config.models).toEqual([
      { name: '4', provider: 'openai', model: 'gpt-4o', apiKey: 'os.environ/UPSTREAM_KEY' },
      { name: '3.10', provider: 'openai', model: 'gpt-4o', apiKey: 'os.environ/UPSTREAM_KEY', timeoutMs: 20000 },
    ]);
    expect(t.config.router).toEqual({ fallbacks: { '4': ['3.10'] } });
    expect(t.warnings).toEqual([]);
  });

  it('a number read from an unset variable fails with the place and the variable', () => {
    const raw = { model_list: [{ model_name: 'a', litellm_params: { model: 'openai/gpt-4o', timeout: 'os.environ/NOPE_TIMEOUT' } }] };
    expect(() => translateLiteLLMConfig(raw, { env: {}, isInstalled: notInstalled })).toThrow(
      'model_list[0].litellm_params.timeout refers to environment variable NOPE_TIMEOUT, which is not set',
    );
  });

  it('one warning line per unsupported setting, however many deployments use it, naming them', () => {
    const entry = (name: string) => ({ model_name: name, litellm_params: { model: 'openai/gpt-4o', stream_timeout: 10, tags: ['a'] }, model_info: { base_model: 'gpt-4o' } });
    const t = translateLiteLLMConfig({ model_list: [entry('a'), entry('b'), entry('a')], general_settings: { alerting: ['slack'] } }, { env: {}, isInstalled: notInstalled });
    expect(t.warnings).toEqual([
      'general_settings.alerting: not supported; ignored',
      'model_list litellm_params.stream_timeout (a, b): not supported per deployment; router_settings.stream_timeout applies to every deployment',
      'model_list litellm_params.tags (a, b): tag-based routing is not supported',
      "model_list model_info.base_model (a, b): prices are looked up by the deployment's model, not base_model; set input_cost_per_token and output_cost_per_token",
    ]);
  });

  it('provider/* entries: the provider serves provider/<model> itself, with the entry key as its option; other wildcards warn', () => {
    const t = translateLiteLLMConfig(
      {
        model_list: [
          { model_name: 'anthropic/*', litellm_params: { model: 'anthropic/*', api_key: 'os.environ/ANTHROPIC_KEY_2' } },
          { model_name: '*', litellm_params: { model: '*' } },
        ],
      },
      { env: {}, isInstalled: notInstalled },
    );
    expect(t.config.plugins).toEqual([...defaults, ['@switchyard/provider-anthropic', { apiKey: 'os.environ/ANTHROPIC_KEY_2' }]]);
    expect(t.config.models).toEqual([]);
    expect(t.warnings).toEqual([
      'model_list[1] (*): wildcard model names other than "<provider>/*" are not supported; clients name the provider in the model ("openai/gpt-4o") for every loaded provider; left out',
    ]);
  });
});

describe('LiteLLM router_settings', () => {
  it('strategy, retries, timeouts in ms, fallbacks as maps, pre-call checks, Redis URL from parts, model group aliases', async () => {
    const t = await translated('router.yaml');
    expect(t.config.router).toEqual({
      strategy: 'latency-based',
      retries: 3,
      timeoutMs: 30000,
      streamTimeoutMs: 12500,
      allowedFails: 2,
      cooldownMs: 45000,
      fallbacks: { 'gpt-4o': ['claude-sonnet'], 'claude-sonnet': ['gpt-4o'] },
      contextWindowFallbacks: { 'gpt-4o': ['gpt-4.1'] },
      defaultFallbacks: ['gpt-4.1'],
      redis: 'redis://:${REDIS_PASSWORD}@${REDIS_HOST}:6380',
    });
    expect(t.config.plugins).toEqual([
      ...defaults,
      '@switchyard/provider-anthropic',
      ['@switchyard/deployment-checks', { checks: ['responses-affinity', 'session-affinity', 'context-window'] }],
    ]);
    expect(t.config.models!.map((m) => [m.name, m.model])).toEqual([
      ['gpt-4o', 'gpt-4o'],
      ['claude-sonnet', 'claude-sonnet-4-5'],
      ['gpt-4.1', 'gpt-4.1'],
      ['gpt-4', 'gpt-4o'],
    ]);
    expect(t.warnings).toEqual([
      expect.stringMatching(/^model_list\[3\] \(command-r\): LiteLLM provider "cohere" has no Switchyard provider \(served: openai, azure, .*\); left out$/),
      "router_settings.retry_after: a minimum wait before a retry is not supported: retries back off exponentially with jitter, or wait the upstream's retry-after",
      'router_settings.optional_pre_call_checks "router_budget_limiting": provider budgets are not supported',
      'fallbacks.gpt-4o "command-r": that model was left out (see above); not a fallback',
    ]);
    expect(() => validateConfig(t.config)).not.toThrow();
  });

  it.each([
    ['simple-shuffle', 'simple-shuffle'],
    ['least-busy', 'least-busy'],
    ['latency-based-routing', 'latency-based'],
    ['usage-based-routing', 'usage-based'],
    ['usage-based-routing-v2', 'usage-based'],
    ['cost-based-routing', 'cost-based'],
  ])('routing_strategy %s is %s', (litellm, switchyard) => {
    const t = translateLiteLLMConfig({ router_settings: { routing_strategy: litellm } }, { env: {}, isInstalled: () => true });
    expect(t.config.router).toEqual({ strategy: switchyard });
  });

  it('usage-based routing also skips deployments over their limits (the rate-limits check), or says it cannot', () => {
    const withChecks = translateLiteLLMConfig({ router_settings: { routing_strategy: 'usage-based-routing-v2' } }, { env: {}, isInstalled: () => true });
    expect(withChecks.config.plugins).toContainEqual(['@switchyard/deployment-checks', { checks: ['rate-limits'] }]);
    expect(withChecks.warnings).toEqual([]);
    const without = translateLiteLLMConfig({ router_settings: { routing_strategy: 'usage-based-routing-v2' } }, { env: {}, isInstalled: notInstalled });
    expect(without.config.plugins).toEqual(defaults);
    expect(without.warnings).toEqual([
      'router_settings.routing_strategy: LiteLLM skips deployments over their rpm/tpm; that needs @switchyard/deployment-checks (not installed), so they are only tried last',
    ]);
  });

  it('an unknown strategy, a redis_url, disable_cooldowns, a "*" fallback, and the checks LiteLLM names', () => {
    const t = translateLiteLLMConfig(
      {
        router_settings: {
          routing_strategy: 'tag-based-routing',
          redis_url: 'os.environ/REDIS_URL',
          cooldown_time: 30,
          disable_cooldowns: true,
          fallbacks: [{ '*': ['gpt-4o-mini'] }],
          optional_pre_call_checks: ['enforce_model_rate_limits', 'deployment_affinity', 'made_up'],
        },
      },
      { env: {}, isInstalled: notInstalled },
    );
    expect(t.config.router).toEqual({ cooldownMs: 0, defaultFallbacks: ['gpt-4o-mini'], redis: 'os.environ/REDIS_URL' });
    expect(t.config.plugins).toContainEqual(['@switchyard/deployment-checks', { checks: ['rate-limits', 'session-affinity'] }]);
    expect(t.warnings).toEqual([
      'router_settings.routing_strategy: "tag-based-routing" is not supported (supported: simple-shuffle, least-busy, latency-based-routing, usage-based-routing, usage-based-routing-v2, cost-based-routing); simple-shuffle is used',
      'router_settings.optional_pre_call_checks "made_up": unknown check; ignored',
    ]);
  });

  it('a Redis password with URL characters is written encoded', () => {
    const t = translateLiteLLMConfig({ router_settings: { redis_host: 'cache.internal', redis_password: 'os.environ/REDIS_PASSWORD' } }, { env: { REDIS_PASSWORD: 'p@ss/w:rd' }, isInstalled: notInstalled });
    expect(t.config.router).toEqual({ redis: 'redis://:p%40ss%2Fw%3Ard@cache.internal:6379' });
    expect(new URL(t.config.router!.redis!).password).toBe('p%40ss%2Fw%3Ard');
  });
});

describe('LiteLLM litellm_settings, general_settings, assistant_settings', () => {
  it('litellm_settings: router keys, verbose logging, the otel callback, a global budget; other callbacks, drop_params and cache warn once each', async () => {
    const t = await translated('litellm-settings.yaml', { env: { OTEL_ENDPOINT: 'http://collector:4318' } });
    expect(t.config.router).toEqual({ retries: 4, timeoutMs: 90000, fallbacks: { 'gpt-4o': ['gpt-4o-mini'] }, contextWindowFallbacks: { 'gpt-4o-mini': ['gpt-4o'] } });
    expect(t.config.logLevel).toBe('debug');
    expect(t.config.plugins).toEqual([
      ...defaults.map((p) => (p === '@switchyard/cost-tracker' ? [p, { budgets: [{ scope: 'global', maxBudget: 250, period: '30d' }] }] : p)),
      ['@switchyard/otel', { endpoint: 'os.environ/OTEL_ENDPOINT' }],
    ]);
    expect(t.warnings).toEqual([
      `litellm_settings.success_callback "langfuse": ${LOGGERS}`,
      `litellm_settings.failure_callback "sentry": ${LOGGERS}`,
      'litellm_settings.drop_params: dropping parameters a provider cannot take is not supported: such a parameter is refused with a 400 that names it',
      'litellm_settings.cache: response caching is not supported',
    ]);
    const g = await boots({ ...t.config, plugins: t.config.plugins!.filter((p) => p !== '@switchyard/otel' && !(Array.isArray(p) && p[0] === '@switchyard/otel')) }, {});
    expect(g.names).toEqual(expect.arrayContaining(['gpt-4o', 'gpt-4o-mini']));
  });

  it('router_settings wins over litellm_settings for the same setting, saying so', () => {
    const t = translateLiteLLMConfig({ router_settings: { num_retries: 1 }, litellm_settings: { num_retries: 5, request_timeout: 10 } }, { env: {}, isInstalled: notInstalled });
    expect(t.config.router).toEqual({ retries: 1, timeoutMs: 10000 });
    expect(t.warnings).toEqual(['litellm_settings.num_retries: overridden by router_settings.num_retries']);
  });

  it('general_settings: master_key for @switchyard/auth, database_url for PostgreSQL in place of SQLite, prompts kept', async () => {
    const t = await translated('general.yaml');
    expect(t.config.plugins).toEqual([
      ...defaults.filter((p) => p !== '@switchyard/store-sqlite'),
      ['@switchyard/auth', { masterKey: 'os.environ/LITELLM_MASTER_KEY' }],
      ['@switchyard/store-postgres', { connectionString: 'os.environ/DATABASE_URL' }],
    ]);
    expect(t.config.storePrompts).toBe(true);
    expect(t.warnings).toEqual(['general_settings.alerting: not supported; ignored', 'general_settings.proxy_batch_write_at: not supported; ignored']);
    expect(() => validateConfig(t.config)).not.toThrow();
  });

  it("LITELLM_MASTER_KEY in the environment is the master key, as LiteLLM reads it, when the config names none", () => {
    const raw = { model_list: [] };
    expect(translateLiteLLMConfig(raw, { env: { LITELLM_MASTER_KEY: 'sk-live' }, isInstalled: notInstalled }).config.plugins).toContainEqual([
      '@switchyard/auth',
      { masterKey: 'os.environ/LITELLM_MASTER_KEY' },
    ]);
    expect(translateLiteLLMConfig(raw, { env: {}, isInstalled: notInstalled }).config.plugins).toEqual(defaults);
  });

  it('assistant_settings: one warning while @switchyard/assistants is not installed, its pass-through options once it is', async () => {
    const missing = await translated('assistants.yaml');
    expect(missing.warnings).toEqual(['assistant_settings: the Assistants API is not served yet (@switchyard/assistants is not installed); ignored']);
    expect(missing.config.plugins).toEqual([...defaults, '@switchyard/provider-azure']);

    const present = await translated('assistants.yaml', { isInstalled: (p) => p === '@switchyard/assistants' });
    expect(present.warnings).toEqual([]);
    expect(present.config.plugins).toContainEqual([
      '@switchyard/assistants',
      { passthrough: { provider: 'azure', apiKey: 'os.environ/AZURE_API_KEY', apiBase: 'os.environ/AZURE_API_BASE', apiVersion: '2024-02-15-preview' } },
    ]);
  });

  it('a plugin installed beside the config file counts as installed', async () => {
    const d = mkdtempSync(path.join(tmpdir(), 'sy-litellm-'));
    mkdirSync(path.join(d, 'node_modules', '@switchyard', 'assistants'), { recursive: true });
    writeFileSync(path.join(d, 'node_modules', '@switchyard', 'assistants', 'package.json'), '{"name":"@switchyard/assistants","exports":{".":"./index.js"}}');
    const { config } = await loadConfigFile({ configPath: path.join(fixtures, 'assistants.yaml') });
    const t = translateLiteLLMConfig(config, { env: {}, fromDir: d });
    expect(t.config.plugins).toContainEqual(['@switchyard/assistants', expect.objectContaining({ passthrough: expect.objectContaining({ provider: 'azure' }) })]);
    expect(t.warnings).toEqual([]);
  });
});

describe('telling LiteLLM configs from Switchyard ones', () => {
  it('model_list or a settings section makes a LiteLLM config; both kinds of keys are refused', () => {
    expect(isLiteLLMConfig({ model_list: [] })).toBe(true);
    expect(isLiteLLMConfig({ general_settings: { master_key: 'sk-1' } })).toBe(true);
    expect(isLiteLLMConfig({ models: [] })).toBe(false);
    expect(isLiteLLMConfig(undefined)).toBe(false);
    expect(() => configFromFile({ model_list: [], models: [] }, { filepath: '/srv/config.yaml' })).toThrow(
      '/srv/config.yaml: the config mixes LiteLLM keys (model_list) with Switchyard keys (models); write one or the other',
    );
  });

  it('a LiteLLM config given to createGateway in code says how to translate it', async () => {
    await expect(createGateway({ model_list: [] } as SwitchyardConfig, { diagnostics: memoryDiagnostics() })).rejects.toThrow(
      /unknown key "model_list".*this is a LiteLLM proxy config: serve it with `switchyard --config <file>`, or pass translateLiteLLMConfig\(config\)\.config/s,
    );
  });

  it('Switchyard YAML is read without timestamps too: an unquoted apiVersion is a string, a numeric name its text', async () => {
    const d = mkdtempSync(path.join(tmpdir(), 'sy-litellm-'));
    writeFileSync(path.join(d, 'package.json'), '{}');
    writeFileSync(path.join(d, '.switchyardrc.yaml'), 'models:\n  - { name: 4.10, provider: azure, model: gpt-4o, apiVersion: 2024-10-21, apiBase: "https://r.openai.azure.com" }\n');
    const { config } = await loadConfigFile({ cwd: d });
    expect(config).toEqual({ models: [{ name: '4.10', provider: 'azure', model: 'gpt-4o', apiVersion: '2024-10-21', apiBase: 'https://r.openai.azure.com' }] });
    expect(configFromFile(config).dialect).toBe('switchyard');
  });

  it('litellm_config.yaml is found without --config and translated', async () => {
    const d = mkdtempSync(path.join(tmpdir(), 'sy-litellm-'));
    writeFileSync(path.join(d, 'package.json'), '{}');
    writeFileSync(path.join(d, 'litellm_config.yaml'), 'model_list:\n  - model_name: echo\n    litellm_params: { model: openai/gpt-4o }\n');
    const { config, filepath } = await loadConfigFile({ cwd: d });
    expect(filepath).toBe(path.join(d, 'litellm_config.yaml'));
    expect(configFromFile(config, { filepath }).config.models).toEqual([{ name: 'echo', provider: 'openai', model: 'gpt-4o' }]);
  });
});
