/**
 * Tool and answer schemas for Gemini, in two forms:
 *
 * - JSON Schema, for `parametersJsonSchema` and `responseJsonSchema` (the default): sent as
 *   the client wrote it, with the two things Google documents it does not take fixed: a
 *   `$ref` with sibling keywords (the target is inlined under them) and a one-element
 *   `allOf` (merged); `$schema` is dropped.
 * - The OpenAPI-subset `Schema` of `parameters` (`toolSchemas: 'openapi'`): keys Gemini
 *   rejects dropped, local `$ref`s inlined, `const` → one-value `enum`, `type: [T, "null"]`
 *   and `anyOf: [.., {type: "null"}]` → `nullable`, `oneOf` → `anyOf`; a string `format`
 *   other than `enum`/`date-time` and an `enum` on a non-string move into the description;
 *   what the subset cannot express (a free-form object, an array without `items`) is a
 *   400 naming the schema path.
 */
import { GatewayError } from '@switchyard/core';

/** The schema keys Gemini's OpenAPI-subset `Schema` accepts. */
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

/** String formats the OpenAPI-subset `Schema` takes. */
const STRING_FORMATS = new Set(['enum', 'date-time']);
/** Integer and number formats it takes. */
const NUMBER_FORMATS = new Set(['int32', 'int64', 'float', 'double']);

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function resolveRef(ref: string, root: Json): unknown {
  const m = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
  if (!m) return undefined;
  const defs = root[m[1]!];
  return isObject(defs) ? defs[m[2]!.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
}

function unexpressible(path: string, what: string): GatewayError {
  return new GatewayError(
    'GW_ERR_INVALID_REQUEST',
    `The tool schema at ${path} is ${what}, which Gemini's OpenAPI schema subset cannot express; use the default toolSchemas: 'jsonSchema' (parametersJsonSchema) for this deployment.`,
    { param: path, publicCode: 'unsupported_schema' },
  );
}

/** The JSON type all values share (`string` when they differ). */
function typeOfValues(values: unknown[]): string {
  if (values.length && values.every((v) => Number.isInteger(v))) return 'integer';
  if (values.length && values.every((v) => typeof v === 'number')) return 'number';
  if (values.length && values.every((v) => typeof v === 'boolean')) return 'boolean';
  return 'string';
}

function withNote(out: Json, note: string): void {
  out.description = typeof out.description === 'string' && out.description ? `${out.description} (${note})` : `(${note})`;
}

function clean(schema: unknown, root: Json, path: string, depth: number): unknown {
  if (!isObject(schema) || depth > 32) return schema;
  let s = schema;
  if (typeof s.$ref === 'string') {
    const target = resolveRef(s.$ref, root);
    if (isObject(target)) s = { ...target, ...Object.fromEntries(Object.entries(s).filter(([k]) => k !== '$ref')) };
  }
  if (Array.isArray(s.allOf) && s.allOf.length === 1 && isObject(s.allOf[0])) {
    const { allOf, ...rest } = s;
    s = { ...(allOf as Json[])[0], ...rest };
  }
  const out: Json = {};
  for (const [key, value] of Object.entries(s)) {
    if (key === 'const') {
      if (s.enum === undefined) out.enum = [value];
      continue;
    }
    if (key === 'oneOf' && Array.isArray(value) && s.anyOf === undefined) {
      Object.assign(out, clean({ anyOf: value }, root, path, depth));
      continue;
    }
    if (!GEMINI_SCHEMA_KEYS.has(key)) continue;
    if (key === 'properties' && isObject(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, clean(sub, root, `${path}.properties.${name}`, depth + 1)]));
    } else if (key === 'items') {
      out.items = clean(value, root, `${path}.items`, depth + 1);
    } else if (key === 'anyOf' && Array.isArray(value)) {
      const variants = value.filter((v) => !(isObject(v) && v.type === 'null'));
      if (variants.length < value.length) out.nullable = true;
      if (variants.length === 1) Object.assign(out, clean(variants[0], root, path, depth + 1));
      else out.anyOf = variants.map((v, i) => clean(v, root, `${path}.anyOf[${i}]`, depth + 1));
    } else if (key === 'type' && Array.isArray(value)) {
      const types = value.filter((t) => t !== 'null');
      if (types.length < value.length) out.nullable = true;
      if (types.length === 1) out.type = types[0];
      else if (types.length > 1) out.anyOf = types.map((t) => ({ type: t }));
    } else {
      out[key] = value;
    }
  }
  if (Array.isArray(out.enum) && out.type === undefined && !out.anyOf) out.type = typeOfValues(out.enum);
  const type = typeof out.type === 'string' ? out.type.toLowerCase() : undefined;
  if (Array.isArray(out.enum) && type === 'string') out.enum = out.enum.map((v) => String(v));
  else if (Array.isArray(out.enum) && type !== undefined) {
    withNote(out, `one of: ${out.enum.map((v) => JSON.stringify(v)).join(', ')}`);
    delete out.enum;
  }
  if (typeof out.format === 'string') {
    const allowed = type === 'string' ? STRING_FORMATS : type === 'integer' || type === 'number' ? NUMBER_FORMATS : new Set<string>();
    if (!allowed.has(out.format)) {
      withNote(out, `format: ${out.format}`);
      delete out.format;
    }
  }
  if (type === 'object' && depth > 0 && (!isObject(out.properties) || Object.keys(out.properties).length === 0)) throw unexpressible(path, 'an object without declared properties');
  if (type === 'array' && out.items === undefined) throw unexpressible(path, 'an array without items');
  return out;
}

/**
 * A JSON Schema as Gemini's OpenAPI-subset `Schema` for a function declaration's
 * `parameters`; `undefined` when the schema declares no parameters (Gemini rejects an
 * `OBJECT` without properties). Throws a 400 for what the subset cannot express.
 *
 * @example
 * ```ts
 * toGeminiSchema({ type: 'object', properties: { q: { type: 'string', format: 'uri' } }, additionalProperties: false });
 * // { type: 'object', properties: { q: { type: 'string', description: '(format: uri)' } } }
 * ```
 */
export function toGeminiSchema(schema: Record<string, unknown> | undefined, path = 'parameters'): Record<string, unknown> | undefined {
  if (!isObject(schema)) return undefined;
  const root = (Array.isArray(schema.type) || schema.type === undefined) && isObject(schema.properties) ? { ...schema, type: 'object' } : schema;
  const props = root.properties;
  if ((root.type === 'object' || root.type === undefined) && (!isObject(props) || Object.keys(props).length === 0)) {
    if (root.additionalProperties !== undefined && root.additionalProperties !== false) throw unexpressible(path, 'an object without declared properties');
    return undefined;
  }
  return clean(root, root, path, 0) as Json;
}

function fixJson(schema: unknown, root: Json, expanding: ReadonlySet<string>, depth: number): unknown {
  if (Array.isArray(schema)) return schema.map((v) => fixJson(v, root, expanding, depth + 1));
  if (!isObject(schema) || depth > 64) return schema;
  let s = schema;
  if (typeof s.$ref === 'string' && Object.keys(s).some((k) => !k.startsWith('$'))) {
    const ref = s.$ref;
    const target = expanding.has(ref) ? undefined : resolveRef(ref, root);
    const siblings = Object.fromEntries(Object.entries(s).filter(([k]) => k !== '$ref'));
    if (isObject(target)) {
      s = { ...target, ...siblings };
      expanding = new Set([...expanding, ref]);
    } else {
      // a recursive or remote reference keeps only the reference (Google: nothing but `$…` beside a `$ref`)
      s = Object.fromEntries(Object.entries(s).filter(([k]) => k.startsWith('$')));
    }
  }
  if (Array.isArray(s.allOf) && s.allOf.length === 1 && isObject(s.allOf[0])) {
    const { allOf, ...rest } = s;
    s = { ...(allOf as Json[])[0], ...rest };
  }
  const out: Json = {};
  for (const [key, value] of Object.entries(s)) {
    if (key === '$schema' && depth === 0) continue;
    // `properties`, `$defs` and `definitions` map names to schemas; everything else nests schemas directly
    if ((key === 'properties' || key === '$defs' || key === 'definitions' || key === 'patternProperties') && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, fixJson(sub, root, expanding, depth + 1)]));
    } else if (key === 'enum' || key === 'const' || key === 'default' || key === 'examples' || key === 'required') {
      out[key] = value;
    } else {
      out[key] = fixJson(value, root, expanding, depth + 1);
    }
  }
  return out;
}

/**
 * A JSON Schema for `parametersJsonSchema` / `responseJsonSchema`: the client's schema with
 * a `$ref` that has sibling keywords inlined (Google takes nothing but `$…` keys beside a
 * `$ref`), a one-element `allOf` merged, and `$schema` dropped. `undefined` for a function
 * without parameters.
 *
 * @example
 * ```ts
 * toGeminiJsonSchema({ type: 'object', properties: { at: { $ref: '#/$defs/Day', description: 'When' } }, $defs: { Day: { type: 'string', format: 'date' } } });
 * // properties.at = { type: 'string', format: 'date', description: 'When' }
 * ```
 */
export function toGeminiJsonSchema(schema: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!isObject(schema)) return undefined;
  const props = schema.properties;
  const freeForm = schema.additionalProperties !== undefined && schema.additionalProperties !== false;
  if ((schema.type === 'object' || schema.type === undefined) && (!isObject(props) || Object.keys(props).length === 0) && !freeForm && schema.$ref === undefined && !schema.anyOf && !schema.oneOf) {
    return undefined;
  }
  const fixed = fixJson(schema, schema, new Set(), 0) as Json;
  if (fixed.type === undefined && fixed.$ref === undefined && !fixed.anyOf && !fixed.oneOf) fixed.type = 'object';
  return fixed;
}
