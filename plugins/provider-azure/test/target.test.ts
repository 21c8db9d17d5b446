import { describe, expect, it } from 'vitest';
import { AZURE_AI_API_VERSION, azureAIUrl, azureAuthHeaders, azureOpenAIUrl, type AzureTargetInput } from '@switchyard/provider-azure';

const buildAzureRequest = async (input: AzureTargetInput) => ({ url: azureOpenAIUrl(input), headers: await azureAuthHeaders(input.auth) });

const base = 'https://res.openai.azure.com';

describe('azureOpenAIUrl with azureAuthHeaders', () => {
  it.each([
    ['/chat/completions', '2024-10-21', 'dep', undefined, `${base}/openai/deployments/dep/chat/completions?api-version=2024-10-21`],
    ['/embeddings', '2024-10-21', 'my dep', undefined, `${base}/openai/deployments/my%20dep/embeddings?api-version=2024-10-21`],
    ['/responses', '2025-04-01-preview', 'dep', undefined, `${base}/openai/responses?api-version=2025-04-01-preview`],
    ['/responses/resp_1/input_items', '2025-04-01-preview', undefined, 'limit=5', `${base}/openai/responses/resp_1/input_items?api-version=2025-04-01-preview&limit=5`],
    ['/files', '2024-10-21', undefined, undefined, `${base}/openai/files?api-version=2024-10-21`],
    ['/batches/batch_1/cancel', '2024-10-21', undefined, undefined, `${base}/openai/batches/batch_1/cancel?api-version=2024-10-21`],
    ['/assistants', '2024-05-01-preview', undefined, undefined, `${base}/openai/assistants?api-version=2024-05-01-preview`],
    ['/threads/thread_1/runs', '2024-05-01-preview', undefined, undefined, `${base}/openai/threads/thread_1/runs?api-version=2024-05-01-preview`],
    ['/chat/completions', 'v1', 'dep', undefined, `${base}/openai/v1/chat/completions`],
    ['/responses', 'v1', undefined, 'include=x', `${base}/openai/v1/responses?include=x`],
  ])('%s @ %s → URL', async (path, apiVersion, deployment, query, url) => {
    const t = await buildAzureRequest({ apiBase: base, apiVersion, path, deployment, query, auth: { apiKey: 'k' } });
    expect(t.url).toBe(url);
    expect(t.headers).toEqual({ 'api-key': 'k' });
  });

  it('tolerates a base that already ends in /openai or /openai/v1', async () => {
    const a = await buildAzureRequest({ apiBase: `${base}/openai/`, apiVersion: '2024-10-21', path: '/files', auth: {} });
    const b = await buildAzureRequest({ apiBase: `${base}/openai/v1`, apiVersion: 'v1', path: '/files', auth: {} });
    expect(a.url).toBe(`${base}/openai/files?api-version=2024-10-21`);
    expect(b.url).toBe(`${base}/openai/v1/files`);
    expect(a.headers).toEqual({});
  });

  it('refuses a deployment-scoped path without a deployment on dated versions', async () => {
    await expect(buildAzureRequest({ apiBase: base, apiVersion: '2024-10-21', path: '/chat/completions', auth: {} })).rejects.toThrow(/deployment/);
  });
});

describe('azureAuthHeaders', () => {
  it('prefers the key, then a fixed token, then the token provider', async () => {
    expect(await azureAuthHeaders({ apiKey: 'k', azureAdToken: 't' })).toEqual({ 'api-key': 'k' });
    expect(await azureAuthHeaders({ azureAdToken: 't', azureAdTokenProvider: () => 'p' })).toEqual({ authorization: 'Bearer t' });
    expect(await azureAuthHeaders({ azureAdTokenProvider: async () => 'p' })).toEqual({ authorization: 'Bearer p' });
  });
});

describe('azureAIUrl', () => {
  it('adds /models for Foundry resources, not for serverless endpoints', () => {
    expect(azureAIUrl('https://r.services.ai.azure.com', '/chat/completions')).toBe(`https://r.services.ai.azure.com/models/chat/completions?api-version=${AZURE_AI_API_VERSION}`);
    expect(azureAIUrl('https://r.services.ai.azure.com/models/', '/chat/completions')).toBe(`https://r.services.ai.azure.com/models/chat/completions?api-version=${AZURE_AI_API_VERSION}`);
    expect(azureAIUrl('https://ep.eastus2.models.ai.azure.com', '/chat/completions')).toBe(`https://ep.eastus2.models.ai.azure.com/chat/completions?api-version=${AZURE_AI_API_VERSION}`);
  });
});
