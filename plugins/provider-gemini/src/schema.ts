/**
 * JSON Schema → the OpenAPI-subset `Schema` Gemini accepts in function declarations.
 * Keys Gemini rejects (`additionalProperties`, `$schema`, `strict`, ...) are dropped,
 * local `$ref`s are inlined, `const` becomes a one-value `enum` and `type: [T, "null"]`
 * becomes `type: T, nullable: true`.
 */

/** The schema keys Gemini's function declarations accept. */
export const GEMINI_SCHEMA_KEYS: ReadonlySet<string> = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'maxItems',
  'minItems',
  'properties',
  'required',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'example',
  'anyOf',
  'propertyOrdering',
  'default',
  'items',
  'minimum',
  'maximum',
]);

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function resolveRef(ref: string, root: Json): unknown {
  const m = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
  if (!m) return undefined;
  const defs = root[m[1]!];
  return isObject(defs) ? defs[m[2]!.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
}

function clean(schema: unknown, root: Json, depth: number): unknown {
  if (!isObject(schema) || depth > 32) return schema;
  let s = schema;
  if (typeof s.$ref === 'string') {
    const target = resolveRef(s.$ref, root);
    if (isObject(target)) s = { ...target, ...Object.fromEntries(Object.entries(s).filter(([k]) => k !== '$ref')) };
  }
  const out: Json = {};
  for (const [key, value] of Object.entries(s)) {
    if (key === 'const') {
      if (s.enum === undefined) out.enum = [value];
      continue;
    }
    if (!GEMINI_SCHEMA_KEYS.has(key)) continue;
    if (key === 'properties' && isObject(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, clean(sub, root, depth + 1)]));
    } else if (key === 'items') {
      out.items = clean(value, root, depth + 1);
    } else if (key === 'anyOf' && Array.isArray(value)) {
      const variants = value.filter((v) => !(isObject(v) && v.type === 'null'));
      if (variants.length < value.length) out.nullable = true;
      if (variants.length === 1) Object.assign(out, clean(variants[0], root, depth + 1));
      else out.anyOf = variants.map((v) => clean(v, root, depth + 1));
    } else if (key === 'type' && Array.isArray(value)) {
      const types = value.filter((t) => t !== 'null');
      if (types.length < value.length) out.nullable = true;
      if (types.length === 1) out.type = types[0];
      else if (types.length > 1) out.anyOf = types.map((t) => ({ type: t }));
    } else {
      out[key] = value;
    }
  }
  if (out.enum !== undefined && out.type === undefined) out.type = 'string';
  if (Array.isArray(out.enum)) out.enum = out.enum.map((v) => String(v));
  return out;
}

/**
 * Cleans a JSON Schema for a Gemini function declaration; `undefined` when the schema
 * declares no parameters (Gemini rejects an `OBJECT` without properties).
 *
 * @example
 * ```ts
 * toGeminiSchema({ type: 'object', properties: { q: { type: 'string' } }, additionalProperties: false });
 * // { type: 'object', properties: { q: { type: 'string' } } }
 * ```
 */
export function toGeminiSchema(schema: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!isObject(schema)) return undefined;
  const cleaned = clean(schema, schema, 0) as Json;
  if ((cleaned.type === 'object' || cleaned.type === undefined) && (!isObject(cleaned.properties) || Object.keys(cleaned.properties).length === 0)) return undefined;
  return cleaned;
}
