/**
 * `response_format` on Bedrock: Converse structured output (`outputConfig.textFormat`) on
 * the models that take it, otherwise a tool the model is made to call whose input is the
 * answer; a model without tool use gets a 400 naming the parameter and the model.
 */
import { GatewayError, type ChatRequest } from '@switchyard/core';
import type { ConverseRequest } from './converse-types.js';
import { supportsNativeStructuredOutput, supportsToolUse } from './models.js';
import { thinkingEnabled } from './reasoning.js';

/** Name of the tool that carries a JSON answer (the same name the Anthropic provider uses). */
export const JSON_TOOL_NAME = 'json_tool_call';

/** How `response_format` is served. */
export type StructuredOutputMode = 'native' | 'tool';

/**
 * Adds what `response_format` asks for to a Converse body. Returns whether the answer comes
 * through the JSON tool (its input is then the content). The tool is forced unless thinking
 * is on or the client's own tools are offered too (Claude refuses a forced tool with
 * thinking, and forcing would shut the client's tools out).
 *
 * @example
 * ```ts
 * const jsonTool = applyResponseFormat(body, request); // true: read the tool input as the answer
 * ```
 */
export function applyResponseFormat(body: ConverseRequest, request: ChatRequest, mode?: StructuredOutputMode): boolean {
  const rf = request.response_format;
  if (!rf || rf.type === 'text') return false;
  const model = request.model;
  if (rf.type !== 'json_object' && rf.type !== 'json_schema') {
    throw new GatewayError('GW_ERR_INVALID_REQUEST', `Invalid value for 'response_format.type': '${String(rf.type)}'.`, { param: 'response_format.type', publicCode: 'invalid_value' });
  }
  const js = (rf.json_schema ?? {}) as { name?: unknown; description?: unknown; schema?: unknown };
  if (rf.type === 'json_schema' && (typeof js.schema !== 'object' || js.schema === null)) {
    throw new GatewayError('GW_ERR_INVALID_REQUEST', "Missing required parameter: 'response_format.json_schema.schema'.", {
      param: 'response_format.json_schema.schema',
      publicCode: 'missing_required_parameter',
    });
  }
  const native = rf.type === 'json_schema' && (mode ?? (supportsNativeStructuredOutput(model) ? 'native' : 'tool')) === 'native';
  if (native) {
    body.outputConfig = {
      textFormat: {
        type: 'json_schema',
        structure: {
          jsonSchema: {
            schema: JSON.stringify(js.schema),
            ...(typeof js.name === 'string' ? { name: js.name } : {}),
            ...(typeof js.description === 'string' ? { description: js.description } : {}),
          },
        },
      },
    };
    return false;
  }
  if (!supportsToolUse(model)) {
    throw new GatewayError('GW_ERR_INVALID_REQUEST', `response_format '${rf.type}' is not supported with this model (bedrock ${model}): it has neither structured output nor tool use.`, {
      param: 'response_format',
      publicCode: 'unsupported_parameter',
    });
  }
  const schema = rf.type === 'json_schema' ? js.schema : { type: 'object' };
  const tools = body.toolConfig?.tools ?? [];
  const forced = tools.length === 0 && !thinkingEnabled(body);
  tools.push({ toolSpec: { name: JSON_TOOL_NAME, description: 'Respond with a JSON object that matches the input schema.', inputSchema: { json: schema } } });
  body.toolConfig = { ...body.toolConfig, tools };
  if (forced) body.toolConfig.toolChoice = { tool: { name: JSON_TOOL_NAME } };
  return true;
}
