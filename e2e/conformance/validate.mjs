// validate.mjs checks GraphQL documents against whosedata's schema with
// graphql-js, the reference implementation, so that what the docs show is
// what any GraphQL client accepts, not only what graph-gophers/graphql-go
// accepts.
//
//   node validate.mjs --introspection-query
//       prints the introspection query for the Go test to run through the
//       schema;
//   node validate.mjs INTROSPECTION.json FILE...
//       builds a client schema from the introspection response (the JSON of
//       a GraphQL response, {"data": {"__schema": ...}}) and validates every
//       ```graphql block of each Markdown FILE, or the whole of a .graphql
//       FILE. Blocks that hold only type definitions (SDL excerpts) are
//       skipped. Exits 1 after printing FILE:LINE:COLUMN: message for each
//       error.
import { readFileSync } from 'node:fs';
import {
  buildClientSchema,
  getIntrospectionQuery,
  GraphQLError,
  Kind,
  parse,
  validate,
} from 'graphql';

const args = process.argv.slice(2);
if (args[0] === '--introspection-query') {
  process.stdout.write(getIntrospectionQuery());
  process.exit(0);
}
if (args.length < 2) {
  console.error('usage: node validate.mjs --introspection-query | INTROSPECTION.json FILE...');
  process.exit(2);
}

const response = JSON.parse(readFileSync(args[0], 'utf8'));
if (response.errors && response.errors.length > 0) {
  console.error(`${args[0]}: the introspection query failed: ${JSON.stringify(response.errors)}`);
  process.exit(1);
}
const schema = buildClientSchema(response.data ?? response);

// blocks returns the GraphQL documents of a file with the line each starts on.
function blocks(file) {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.graphql') || file.endsWith('.gql')) {
    return [{ source: text, line: 1 }];
  }
  const out = [];
  const fence = /^([ \t]*)(`{3,}|~{3,})[ \t]*graphql\b[^\n]*\n([\s\S]*?)^\1\2[ \t]*$/gm;
  for (const m of text.matchAll(fence)) {
    const line = text.slice(0, m.index).split('\n').length + 1;
    out.push({ source: m[3], line });
  }
  return out;
}

const executable = new Set([Kind.OPERATION_DEFINITION, Kind.FRAGMENT_DEFINITION]);
let validated = 0;
let skipped = 0;
let failed = 0;
for (const file of args.slice(1)) {
  for (const { source, line } of blocks(file)) {
    const where = (loc) => {
      const l = loc ? line + loc.line - 1 : line;
      return loc ? `${file}:${l}:${loc.column}` : `${file}:${l}`;
    };
    let doc;
    try {
      doc = parse(source);
    } catch (err) {
      failed++;
      const loc = err instanceof GraphQLError && err.locations ? err.locations[0] : undefined;
      console.error(`${where(loc)}: ${err.message}`);
      continue;
    }
    if (!doc.definitions.some((d) => executable.has(d.kind))) {
      skipped++;
      continue;
    }
    const errors = validate(schema, doc);
    for (const err of errors) {
      console.error(`${where(err.locations && err.locations[0])}: ${err.message}`);
    }
    if (errors.length > 0) {
      failed++;
    } else {
      validated++;
    }
  }
}
console.log(`${validated} valid, ${failed} invalid, ${skipped} skipped (type definitions only)`);
process.exit(failed > 0 ? 1 : 0);
