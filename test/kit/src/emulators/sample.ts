/**
 * What an emulated model writes for a JSON schema (structured output, tool inputs): a value
 * that follows the schema, with `text` for every string, 1 for numbers, the first enum value.
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A value that follows `schema`.
 *
 * @example
 * ```ts
 * sampleFor({ type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } } }, 'Paris'); // { city: 'Paris', days: 1 }
 * ```
 */
export function sampleFor(schema: unknown, text: string, depth = 0): unknown {
  if (!isObj(schema) || depth > 8) return text;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if ('const' in schema) return schema.const;
  const variants = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (Array.isArray(variants) && variants.length) return sampleFor(variants.find((v) => !(isObj(v) && v.type === 'null')) ?? variants[0], text, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (typeof type === 'string' ? type.toLowerCase() : type) {
    case 'object':
      return Object.fromEntries(Object.entries(isObj(schema.properties) ? schema.properties : {}).map(([k, v]) => [k, sampleFor(v, text, depth + 1)]));
    case 'array':
      return [sampleFor(schema.items, text, depth + 1)];
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return text;
  }
}

/**
 * The input an emulated model gives a tool: one that follows the tool's schema when it
 * declares properties, else `{q: text}`.
 *
 * @example
 * ```ts
 * toolInputFor({ type: 'object', properties: {} }, 'Paris'); // { q: 'Paris' }
 * ```
 */
export function toolInputFor(schema: unknown, text: string): Record<string, unknown> {
  return isObj(schema) && isObj(schema.properties) && Object.keys(schema.properties).length ? (sampleFor(schema, text) as Record<string, unknown>) : { q: text };
}
