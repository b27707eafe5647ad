/**
 * Example request bodies for the reference, each with the `sign` that is correct for it (PROTOCOL §3),
 * computed when the document is built with a published example secret. A reader can recompute any of
 * them (the /docs signing helper does, in the browser), which a single test-vector signature pasted on
 * every body could not offer.
 */
import { computeSign } from '../../domain/signing';

type Json = Record<string, unknown>;

/** The example secret every example `sign` is computed with; published, so never anyone's real key. */
export const DOCS_EXAMPLE_SECRET = 's3cr3t-key';
/** The example `timestamp` (a fixed instant, so the document is the same at every start). */
export const DOCS_EXAMPLE_TIMESTAMP = 1763700000;

/** A value a reader recognises for a field with no named example; follows the schema's own hints. */
function valueFor(schema: Json, named: Record<string, unknown>, name: string): unknown {
  if (name in named) return named[name];
  const options = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (options) return valueFor(options.find((option) => option.type !== 'null') ?? options[0]!, named, name);
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
  if (schema.default !== undefined) return schema.default;
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  switch (schema.type) {
    case 'integer':
      return typeof schema.minimum === 'number' ? Math.max(schema.minimum, 1) : 1;
    case 'number':
      return typeof schema.minimum === 'number' && schema.minimum > 0 ? schema.minimum : 1;
    case 'boolean':
      return true;
    case 'array':
      return [valueFor((schema.items as Json | undefined) ?? {}, named, name)];
    case 'object':
      return exampleFields(schema, named);
    default:
      return stringFor(schema);
  }
}

function stringFor(schema: Json): string {
  if (schema.format === 'date-time') return '2026-12-01T00:00:00Z';
  if (schema.format === 'email') return 'integrations@casino.example';
  if (schema.format === 'uri') return 'https://casino.example/lobby';
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  return 'example01'.padEnd(minLength, '0');
}

/** The required fields of an object schema, each with an example value (`sign` left out). */
export function exampleFields(schema: Json, named: Record<string, unknown>): Json {
  const options = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (!schema.properties && options?.length) return exampleFields(options[0]!, named);
  const properties = (schema.properties as Record<string, Json> | undefined) ?? {};
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const body: Json = {};
  for (const [name, property] of Object.entries(properties)) {
    if (name === 'sign' || !required.has(name)) continue;
    body[name] = valueFor(property, named, name);
  }
  return body;
}

/** A complete signed example body: the required fields, `timestamp`, and the `sign` correct for them. */
export function signedExample(schema: Json, named: Record<string, unknown>): Json {
  const body = { ...exampleFields(schema, named), timestamp: DOCS_EXAMPLE_TIMESTAMP };
  return { ...body, sign: computeSign(DOCS_EXAMPLE_SECRET, body) };
}
