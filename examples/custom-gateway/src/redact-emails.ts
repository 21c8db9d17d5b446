/**
 * An in-house `transform` plugin: masks e-mail addresses in user messages before they
 * leave the gateway. A complete plugin in ~20 lines.
 */
import { definePlugin, type ChatMessage } from '@switchyard/core';
import { asChatRequest } from '@switchyard/chat-wire';

const PLUGIN_NAME = '@acme/redact-emails';
const EMAIL = /[\w.+-]+@[\w-]+\.[\w.-]+/g;

const mask = (m: ChatMessage): ChatMessage =>
  m.role === 'user' && typeof m.content === 'string' ? { ...m, content: m.content.replace(EMAIL, '[email]') } : m;

/**
 * Masks e-mail addresses in user messages.
 *
 * @example
 * ```ts
 * createGateway({ plugins: [mockProvider(), redactEmails()] });
 * ```
 */
export function redactEmails() {
  return definePlugin({
    name: PLUGIN_NAME,
    version: '1.0.0',
    apply(gateway) {
      gateway.hooks.transform.tapPromise(PLUGIN_NAME, async (request) => {
        const chat = asChatRequest(request); // every operation's call passes here: only chat has messages
        return chat ? { ...chat, messages: chat.messages.map(mask) } : request;
      });
    },
  });
}
