// schema.js: the server's schema for the tests: schema/schema.graphql as it
// is (the SPEC additions the explorer was written ahead of have landed).
import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate } from 'graphql';

const sdl = readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8');
/** today is the schema on this branch: SPEC §8, full-text search and §10 compliance included. */
export const today = buildSchema(sdl);

/**
 * later is the schema with the fields being added elsewhere: Evidence.publisher
 * (the reviewed list of sources), added here as SPEC-shaped SDL until it lands.
 */
export const later = /type Publisher\b/.test(sdl)
  ? today
  : buildSchema(sdl + `
"Who published an evidence url."
type Publisher { domain: String! kind: String! name: String! }
extend type Evidence { publisher: Publisher }
`);

/** errorsOf returns the validation errors of a query against schema, as strings. */
export function errorsOf(schema, query) {
  return validate(schema, parse(query)).map((e) => e.message);
}
