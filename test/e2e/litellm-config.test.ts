/**
 * A LiteLLM proxy config.yaml served as it is: `switchyard --config config.yaml` in a real CLI
 * process, every deployment on a provider emulator over loopback, the official openai SDK as
 * the client.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  killClis,
  startAnthropicEmulator,
  startAzureEmulator,
  startBedrockEmulator,
  startCli,
  startGeminiEmulator,
  startOpenAIEmulator,
  startOtlpReceiver,
  type AnthropicEmulator,
  type AzureEmulator,
  type BedrockEmulator,
  type GeminiEmulator,
  type OpenAIEmulator,
  type OtlpReceiver,
} from '@switchyard/test-kit';

afterEach(killClis);

/** Whether a workspace package is installed (the translation adds some plugins only then). */
function installed(pkg: string): boolean {
  try {
    createRequire(import.meta.url).resolve(`${pkg}/package.json`);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ERR_PACKAGE_PATH_NOT_EXPORTED';
  }
}

/** A service account whose token endpoint is the emulator's. */
function serviceAccount(emu: GeminiEmulator): string {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const email = 'litellm@emu-project.iam.gserviceaccount.com';
  emu.addServiceAccount(email, publicKey);
  return JSON.stringify({
    type: 'service_account',
    project_id: 'emu-project',
    private_key_id: 'k1',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: email,
    token_uri: emu.tokenUri,
  });
}

const warningsOf = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('[switchyard] warn: LiteLLM config: '));

describe('switchyard --config <LiteLLM config.yaml>', () => {
  let oa: OpenAIEmulator;
  let flaky: OpenAIEmulator;
  let az: AzureEmulator;
  let an: AnthropicEmulator;
  let ge: GeminiEmulator;
  let br: BedrockEmulator;
  let otlp: OtlpReceiver;

  beforeAll(async () => {
    [oa, flaky, az, an, ge, br, otlp] = await Promise.all([
      startOpenAIEmulator(),
      startOpenAIEmulator({ apiKey: 'sk-flaky' }),
      startAzureEmulator(),
      startAnthropicEmulator(),
      startGeminiEmulator(),
      startBedrockEmulator(),
      startOtlpReceiver(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([oa, flaky, az, an, ge, br, otlp].map((e) => e?.close()));
  });

  it('serves every model_list deployment, falls back as router_settings say, warns once per unsupported setting, and traces through the otel callback', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sy-litellm-e2e-'));
    const saFile = path.join(dir, 'vertex-sa.json');
    writeFileSync(saFile, serviceAccount(ge));
    writeFileSync(
      path.join(dir, 'config.yaml'),
      `# a LiteLLM proxy config, unchanged
environment_variables:
  AZURE_API_KEY_EU: ${az.apiKey}
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: azure/gpt-4o
      api_base: ${az.origin}/
      api_key: os.environ/AZURE_API_KEY_EU
      api_version: 2024-10-21
      rpm: 600
    model_info:
      id: azure-eu
  - model_name: my-server
    litellm_params:
      model: openai/gpt-4o-mini
      api_base: ${oa.baseURL}
      api_key: os.environ/EMU_OPENAI_KEY
  - model_name: vllm
    litellm_params:
      model: hosted_vllm/facebook/opt-125m
      api_base: ${oa.origin}
      api_key: os.environ/EMU_OPENAI_KEY
  - model_name: claude
    litellm_params:
      model: anthropic/claude-sonnet-4-5
      api_base: ${an.origin}
      api_key: os.environ/EMU_ANTHROPIC_KEY
      max_tokens: 256
  - model_name: bedrock-claude
    litellm_params:
      model: bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0
      aws_bedrock_runtime_endpoint: ${br.origin}
      aws_region_name: us-east-1
      aws_access_key_id: os.environ/EMU_AWS_KEY_ID
      aws_secret_access_key: os.environ/EMU_AWS_SECRET
  - model_name: gemini-pro
    litellm_params:
      model: vertex_ai/gemini-2.5-pro
      api_base: ${ge.origin}
      vertex_location: europe-west4
      vertex_credentials: ${saFile}
  - model_name: gemini-flash
    litellm_params:
      model: gemini/gemini-2.5-flash
      api_base: ${ge.origin}
      api_key: os.environ/EMU_GEMINI_KEY
  - model_name: flaky
    litellm_params:
      model: openai/gpt-4o
      api_base: ${flaky.baseURL}
      api_key: sk-flaky
      stream_timeout: 5
router_settings:
  routing_strategy: simple-shuffle
  num_retries: 0
  timeout: 30
  allowed_fails: 3
  cooldown_time: 10
  retry_after: 2
  fallbacks: [{ "flaky": ["my-server"] }]
litellm_settings:
  callbacks: ["otel"]
  success_callback: ["langfuse"]
  drop_params: true
general_settings:
  store_prompts_in_spend_logs: true
  alerting: ["slack"]
assistant_settings:
  custom_llm_provider: azure
  litellm_params:
    api_key: os.environ/AZURE_API_KEY_EU
    api_base: ${az.origin}
    api_version: 2024-10-21
`,
    );
    const cli = startCli(['--config', 'config.yaml', '--port', '0'], dir, {
      EMU_OPENAI_KEY: oa.apiKey,
      EMU_ANTHROPIC_KEY: an.apiKey,
      EMU_AWS_KEY_ID: br.credentials.accessKeyId,
      EMU_AWS_SECRET: br.credentials.secretAccessKey,
      EMU_GEMINI_KEY: ge.apiKey,
      OTEL_ENDPOINT: otlp.endpoint, // LiteLLM's variable for its otel callback
      OPENAI_API_KEY: '',
    });
    const origin = await cli.url;

    const expected = [
      "router_settings.retry_after: a minimum wait before a retry is not supported: retries back off exponentially with jitter, or wait the upstream's retry-after",
      'litellm_settings.success_callback "langfuse": no Switchyard plugin for it; ignored (call logs: @switchyard/logger-file or @switchyard/logger-webhook; traces and metrics: "otel")',
      'litellm_settings.drop_params: dropping parameters a provider cannot take is not supported: such a parameter is refused with a 400 that names it',
      'general_settings.alerting: not supported; ignored',
      ...(installed('@switchyard/assistants') ? [] : ['assistant_settings: the Assistants API is not served yet (@switchyard/assistants is not installed); ignored']),
      'model_list litellm_params.stream_timeout (flaky): not supported per deployment; router_settings.stream_timeout applies to every deployment',
    ];
    expect(warningsOf(cli.errors())).toEqual(expected.map((w) => `[switchyard] warn: LiteLLM config: ${w}`));
    expect(cli.output()).toContain(`config: ${path.join(dir, 'config.yaml')} (LiteLLM proxy config, translated; ${expected.length} setting(s) not supported, warned above)`);
    expect(cli.output()).toMatch(/plugins: .*@switchyard\/provider-azure.*@switchyard\/provider-anthropic.*@switchyard\/provider-bedrock.*@switchyard\/provider-gemini.*@switchyard\/otel/);

    const client = new OpenAI({ baseURL: `${origin}/v1`, apiKey: 'anything', maxRetries: 0 });
    const models = ['gpt-4o', 'my-server', 'vllm', 'claude', 'bedrock-claude', 'gemini-pro', 'gemini-flash'];
    for (const model of models) {
      const r = await client.chat.completions.create({ model, messages: [{ role: 'user', content: `hi ${model}` }] });
      expect(r.choices[0]!.message.content, model).toBe(`echo: hi ${model}`);
      expect(r.model).toBe(model);
    }
    // the unquoted api_version reached Azure as the version string, the key from environment_variables
    const azureReq = az.requests.at(-1)!;
    expect(azureReq.path).toBe('/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21');
    expect(azureReq.headers['api-key']).toBe(az.apiKey);
    // hosted_vllm/ with a bare api_base was sent to its /v1 API; the Anthropic default max_tokens went along
    expect(oa.requests.map((r) => [r.path, (r.body as { model?: string }).model])).toEqual([
      ['/v1/chat/completions', 'gpt-4o-mini'],
      ['/v1/chat/completions', 'facebook/opt-125m'],
    ]);
    expect((an.requests.at(-1)!.body as { max_tokens?: number }).max_tokens).toBe(256);
    expect(ge.requests.some((r) => r.path === '/v1/projects/emu-project/locations/europe-west4/publishers/google/models/gemini-2.5-pro:generateContent')).toBe(true);

    // a stream through the Azure deployment
    const stream = await client.chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'streamed' }] });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
    expect(text).toBe('echo: streamed');

    // router_settings.fallbacks: the flaky group fails (no retries), my-server answers
    flaky.fault({ status: 500, body: { error: { message: 'boom', type: 'server_error', param: null, code: null } } });
    const { data, response } = await client.chat.completions.create({ model: 'flaky', messages: [{ role: 'user', content: 'fall back' }] }).withResponse();
    expect(data.choices[0]!.message.content).toBe('echo: fall back');
    expect(response.headers.get('x-switchyard-deployment')).toBe('my-server#1');
    expect(response.headers.get('x-switchyard-fallbacks')).toBe('1');
    expect(flaky.requests).toHaveLength(1);

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    // the otel callback: one CLIENT span per upstream attempt, exported to OTEL_ENDPOINT on shutdown
    const providers = otlp.spans.filter((s) => s.kind === 3).map((s) => s.attributes['gen_ai.provider.name']);
    expect(new Set(providers)).toEqual(new Set(['azure.ai.openai', 'openai', 'anthropic', 'aws.bedrock', 'vertex_ai', 'gcp.gemini']));
    expect(providers).toHaveLength(models.length + 1 + 2); // the calls, the stream, the failed attempt and its fallback
  });

  it('finds litellm_config.yaml without --config; general_settings.master_key guards the gateway once @switchyard/auth is installed', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sy-litellm-e2e-'));
    writeFileSync(path.join(dir, 'package.json'), '{}');
    writeFileSync(
      path.join(dir, 'litellm_config.yaml'),
      `model_list:
  - model_name: 4
    litellm_params: { model: openai/gpt-4o, api_base: ${oa.baseURL}, api_key: ${oa.apiKey} }
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
`,
    );
    const cli = startCli(['--port', '0'], dir, { LITELLM_MASTER_KEY: 'sk-master-1234' });
    if (!installed('@switchyard/auth')) {
      // the translation keeps the key; the plugin loader says what is missing
      await expect(cli.url).rejects.toThrow(/GW_ERR_PLUGIN_NOT_FOUND.*cannot load plugin package "@switchyard\/auth" \(is it installed\? npm install @switchyard\/auth\)/s);
      expect(await cli.exited).toBe(1);
      return;
    }
    const origin = await cli.url;
    expect(cli.output()).toContain(`config: ${path.join(dir, 'litellm_config.yaml')} (LiteLLM proxy config, translated)`);
    const open = new OpenAI({ baseURL: `${origin}/v1`, apiKey: 'wrong', maxRetries: 0 });
    await expect(open.chat.completions.create({ model: '4', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 401 });
    const client = new OpenAI({ baseURL: `${origin}/v1`, apiKey: 'sk-master-1234', maxRetries: 0 });
    const r = await client.chat.completions.create({ model: '4', messages: [{ role: 'user', content: 'numeric name' }] });
    expect(r.choices[0]!.message.content).toBe('echo: numeric name');
  });

  it('with --workers 2 the warnings are printed once, and both workers serve the translation', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sy-litellm-e2e-'));
    writeFileSync(
      path.join(dir, 'config.yaml'),
      `model_list:
  - model_name: gpt
    litellm_params: { model: openai/gpt-4o, api_base: ${oa.baseURL}, api_key: ${oa.apiKey} }
litellm_settings: { cache: true }
`,
    );
    const cli = startCli(['--config', 'config.yaml', '--port', '0', '--workers', '2'], dir);
    const m = await new Promise<string>((resolve, reject) => {
      cli.child.stdout!.on('data', () => {
        const found = /2 workers listening on port (\d+)/.exec(cli.output());
        if (found) resolve(found[1]!);
      });
      cli.child.on('exit', (code) => reject(new Error(`exited ${code}: ${cli.errors()}`)));
    });
    const client = new OpenAI({ baseURL: `http://127.0.0.1:${m}/v1`, apiKey: 'x', maxRetries: 0 });
    const r = await client.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'two workers' }] });
    expect(r.choices[0]!.message.content).toBe('echo: two workers');
    expect(warningsOf(cli.errors())).toEqual(['[switchyard] warn: LiteLLM config: litellm_settings.cache: response caching is not supported']);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('--print-config prints the translation as Switchyard YAML that serves the same models', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sy-litellm-e2e-'));
    writeFileSync(
      path.join(dir, 'config.yaml'),
      `model_list:
  - model_name: azure-gpt
    litellm_params: { model: azure/gpt-4o, api_base: ${az.origin}, api_key: os.environ/AZ_KEY, api_version: 2024-10-21 }
router_settings: { num_retries: 1, cooldown_time: 2 }
`,
    );
    const printed = startCli(['--config', 'config.yaml', '--print-config'], dir);
    expect(await printed.exited).toBe(0);
    expect(printed.output()).toContain('translated from a LiteLLM proxy config');
    expect(printed.output()).toContain('apiKey: os.environ/AZ_KEY');
    writeFileSync(path.join(dir, 'switchyard.yaml'), printed.output());
    expect(existsSync(path.join(dir, 'switchyard.yaml'))).toBe(true);
    const cli = startCli(['--config', 'switchyard.yaml', '--port', '0'], dir, { AZ_KEY: az.apiKey });
    const origin = await cli.url;
    expect(cli.output()).not.toContain('LiteLLM proxy config');
    const client = new OpenAI({ baseURL: `${origin}/v1`, apiKey: 'x', maxRetries: 0 });
    const r = await client.chat.completions.create({ model: 'azure-gpt', messages: [{ role: 'user', content: 'printed' }] });
    expect(r.choices[0]!.message.content).toBe('echo: printed');
    expect(az.requests.at(-1)!.path).toContain('api-version=2024-10-21');
  });
});
