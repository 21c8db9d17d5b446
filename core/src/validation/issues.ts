/**
 * Turns schema validation failures into OpenAI-shaped 400 errors with `param` set.
 */
import type { z } from 'zod';
import { GatewayError } from '../errors.js';

/**
 * Formats a zod issue path the way OpenAI names params: `messages[0].content`.
 *
 * @example
 * ```ts
 * paramOf(['messages', 0, 'role']); // 'messages[0].role'
 * ```
 */
export function paramOf(path: ReadonlyArray<PropertyKey>): string | null {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || null;
}

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let v = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function describeIssue(issue: z.core.$ZodIssue, param: string | null, value: unknown): string {
  const where = param ? `'${param}'` : 'the request body';
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return `Missing required parameter: ${where}.`;
      return `Invalid type for ${where}: expected ${issue.expected}, but got ${describeValue(value)}.`;
    case 'invalid_value':
      return `Invalid value for ${where}: ${issue.message}.`;
    case 'too_small':
    case 'too_big':
      return `Invalid value for ${where}: ${issue.message}.`;
    case 'unrecognized_keys':
      return `Unrecognized request argument supplied: ${issue.keys.join(', ')}.`;
    default:
      return `Invalid value for ${where}: ${issue.message}.`;
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/**
 * Validates `input` against `schema`; throws a 400 {@link GatewayError} naming the first
 * offending field.
 *
 * @example
 * ```ts
 * const body = validate(ChatRequestSchema, ctx.request.body);
 * ```
 */
export function validate<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const param = issue.code === 'unrecognized_keys' ? paramOf([...issue.path, issue.keys[0]!]) : paramOf(issue.path);
  const value = valueAt(input, issue.path);
  const missing = issue.code === 'invalid_type' && value === undefined;
  throw new GatewayError('GW_ERR_INVALID_REQUEST', describeIssue(issue, param, value), {
    param,
    publicCode: missing ? 'missing_required_parameter' : issue.code === 'invalid_type' ? 'invalid_type' : 'invalid_value',
  });
}
