import { describe, expect, it } from 'vitest';
import { contextWindow, itemTokens, tokenCounter } from '../src/tokens.js';

const d = (provider: string, model: string, maxInputTokens?: number) => ({ id: `${model}#0`, name: model, provider, model, options: {}, ...(maxInputTokens ? { maxInputTokens } : {}) });

describe('token counts and context windows', () => {
  it('counts text with the o200k tokenizer (loaded once), special-token strings as plain text', async () => {
    const count = await tokenCounter();
    expect(await tokenCounter()).toBe(count);
    expect(count('Hello world')).toBe(2);
    expect(count('')).toBe(0);
    expect(count('<|endoftext|>')).toBeGreaterThan(1);
  });

  it('counts an item as its text plus framing; an image as a fixed share, not its data URL', async () => {
    const count = await tokenCounter();
    expect(itemTokens({ id: 'm', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hello world' }] }, count)).toBe(6);
    const image = itemTokens({ id: 'm', type: 'message', role: 'user', content: [{ type: 'input_image', image_url: `data:image/png;base64,${'A'.repeat(100_000)}` }] }, count);
    expect(image).toBe(260);
    expect(itemTokens({ id: 'f', type: 'function_call', call_id: 'c', name: 'lookup', arguments: '{"q":"x"}' }, count)).toBeGreaterThan(4);
  });

  it("takes the deployment's maxInputTokens, else the model's known window, else none", async () => {
    expect(await contextWindow(d('mock', 'echo', 1234))).toBe(1234);
    expect(await contextWindow(d('anthropic', 'claude-sonnet-4-5'))).toBe(200_000);
    expect(await contextWindow(d('openai', 'gpt-4o'))).toBe(128_000);
    expect(await contextWindow(d('mock', 'echo'))).toBeUndefined();
    expect(await contextWindow(d('openai', 'no-such-model'))).toBeUndefined();
  });
});
