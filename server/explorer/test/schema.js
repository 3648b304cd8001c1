// schema.js: the server's schema for the tests: schema/schema.graphql as it
// is, and with the SPEC additions of testdata/future.graphql.
import { readFileSync } from 'node:fs';
import { buildSchema, extendSchema, parse, validate } from 'graphql';

const sdl = readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8');
const future = readFileSync(new URL('./testdata/future.graphql', import.meta.url), 'utf8');

/** today is the schema on this branch. */
export const today = buildSchema(sdl);

const withAsOf = sdl.replace(
  /disputes\(party: String, status: DisputeStatus, first: Int, after: String\)/,
  'disputes(party: String, status: DisputeStatus, first: Int, after: String, asOf: Date)',
);
if (withAsOf === sdl) throw new Error('schema.graphql: the disputes field changed; update test/schema.js');

/** later is the schema with SPEC §8, full-text search and §10 compliance. */
export const later = extendSchema(buildSchema(withAsOf), parse(future));

/** errorsOf returns the validation errors of a query against schema, as strings. */
export function errorsOf(schema, query) {
  return validate(schema, parse(query)).map((e) => e.message);
}
