// Runs graphql-http's GraphQL-over-HTTP server audits against the /graphql
// endpoint given as the only argument and prints one line per audit:
// "ok|notice|warn|error <id> <name>[: reason]". It exits 1 when any MUST or
// SHOULD audit does not pass, 2 on a usage or fatal error.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url || process.argv.length !== 3) {
  console.error('usage: node audit.mjs http://127.0.0.1:PORT/graphql');
  process.exit(2);
}

const results = await auditServer({ url });
let failed = 0;
for (const r of results) {
  const level = r.name.split(' ', 1)[0];
  const line = `${r.status} ${r.id} ${r.name}`;
  if (r.status === 'ok') {
    console.log(line);
    continue;
  }
  if (level === 'MUST' || level === 'SHOULD') failed++;
  let body = '';
  try {
    body = await r.response.text();
  } catch {
    // The body was read by the audit already.
  }
  console.log(`${line}: ${r.reason}${body ? ` (body: ${body.slice(0, 300)})` : ''}`);
}
console.log(`${results.length} audits, ${failed} MUST or SHOULD not passed`);
process.exit(failed > 0 ? 1 : 0);
