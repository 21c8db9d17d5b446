/**
 * `/v1/assistants`: create, list, retrieve, modify, delete.
 */
import { ownerOf, ownerScope, validate, type RouteDefinition } from '@switchyard/core';
import type { AssistantsDeps } from '../deps.js';
import { notFound } from '../errors.js';
import { checkId, newId, nextSeq, nowSec } from '../ids.js';
import { checkNativeToolResources, checkNativeTools } from '../objects.js';
import { CreateAssistantBody, ModifyAssistantBody } from '../schema.js';
import type { AssistantObject } from '../types.js';
import { checkModel, listBody, listParams, mustAssistant } from './common.js';

/**
 * The assistants routes.
 *
 * @example
 * ```ts
 * for (const route of assistantRoutes(deps)) gateway.addRoute(route);
 * ```
 */
export function assistantRoutes(deps: AssistantsDeps): RouteDefinition[] {
  const { repo } = deps;
  return [
    {
      method: 'POST',
      path: '/v1/assistants',
      async handler(req) {
        const body = validate(CreateAssistantBody, req.body ?? {});
        checkModel(deps, body.model, 'model');
        checkNativeTools(body.tools, body.model, 'tools');
        checkNativeToolResources(body.tool_resources, 'tool_resources');
        const a: AssistantObject = {
          id: newId('assistant'),
          object: 'assistant',
          created_at: nowSec(),
          name: body.name ?? null,
          description: body.description ?? null,
          model: body.model,
          instructions: body.instructions ?? null,
          tools: body.tools ?? [],
          tool_resources: body.tool_resources ?? null,
          metadata: body.metadata ?? {},
          temperature: body.temperature ?? null,
          top_p: body.top_p ?? null,
          response_format: body.response_format ?? 'auto',
          reasoning_effort: body.reasoning_effort ?? null,
        };
        await repo.insertAssistant(a, ownerOf(req.principal), nextSeq());
        return { body: a };
      },
    },
    {
      method: 'GET',
      path: '/v1/assistants',
      async handler(req) {
        return { body: listBody(await repo.listAssistants(ownerScope(req.principal), listParams(req))) };
      },
    },
    {
      method: 'GET',
      path: '/v1/assistants/:assistant_id',
      async handler(req) {
        return { body: await mustAssistant(deps, req, req.params.assistant_id, 'assistant_id') };
      },
    },
    {
      method: 'POST',
      path: '/v1/assistants/:assistant_id',
      async handler(req) {
        const a = await mustAssistant(deps, req, req.params.assistant_id, 'assistant_id');
        const body = validate(ModifyAssistantBody, req.body ?? {});
        const next: AssistantObject = { ...a };
        if (body.model !== undefined) next.model = body.model;
        if (body.name !== undefined) next.name = body.name;
        if (body.description !== undefined) next.description = body.description;
        if (body.instructions !== undefined) next.instructions = body.instructions;
        if (body.tools !== undefined) next.tools = body.tools ?? [];
        if (body.tool_resources !== undefined) next.tool_resources = body.tool_resources;
        if (body.metadata !== undefined) next.metadata = body.metadata ?? {};
        if (body.temperature !== undefined) next.temperature = body.temperature;
        if (body.top_p !== undefined) next.top_p = body.top_p;
        if (body.response_format !== undefined) next.response_format = body.response_format ?? 'auto';
        if (body.reasoning_effort !== undefined) next.reasoning_effort = body.reasoning_effort;
        if (body.model !== undefined) checkModel(deps, next.model, 'model');
        checkNativeTools(next.tools, next.model, 'tools');
        checkNativeToolResources(next.tool_resources, 'tool_resources');
        if (!(await repo.saveAssistant(next))) throw notFound('assistant', a.id, 'assistant_id');
        return { body: next };
      },
    },
    {
      method: 'DELETE',
      path: '/v1/assistants/:assistant_id',
      async handler(req) {
        const id = checkId(req.params.assistant_id, 'assistant', 'assistant_id');
        if (!(await repo.deleteAssistant(id, ownerScope(req.principal)))) throw notFound('assistant', id, 'assistant_id');
        return { body: { id, object: 'assistant.deleted', deleted: true } };
      },
    },
  ];
}
