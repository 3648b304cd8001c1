// record.mjs writes the recorded answers the unit tests read, by sending the
// views' own queries to a running server with the bundled data:
//   node test/record.mjs http://127.0.0.1:8080
// Run it again when the bundled data or the queries change.
import { writeFile } from 'node:fs/promises';
import { FEATURE_QUERY, NONE, featuresFrom } from '../src/lib/features.js';
import { complianceQuery, entityQuery, graphQuery, homeQuery, lineageQuery, pathsQuery, relationsQuery, searchQuery } from '../src/lib/queries.js';
import { parseURL } from '../src/lib/url.js';

const base = process.argv[2];
if (!base) {
  console.error('usage: node test/record.mjs http://127.0.0.1:8080');
  process.exit(2);
}

async function ask({ query, variables }) {
  const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const state = (url) => {
  const u = new URL(url, 'http://x');
  return parseURL(u.pathname, u.search);
};

const out = {};
// features.json stays the answer of a server from before the SPEC §8 fields (see README.md).
out.searchXCorp = await ask(searchQuery('X Corp', NONE));
out.home = await ask(homeQuery(state('/'), NONE));
out.entityMusk = await ask(entityQuery(state('/e/musk-v-microsoft-twitter-data'), NONE));
out.entityMicrosoft = await ask(entityQuery(state('/e/microsoft'), NONE));
out.lineageTwitter = await ask(lineageQuery(state('/e/twitter/lineage?direction=DOWNSTREAM')));
const ms = out.lineageTwitter.lineage.find((h) => h.entity.key === 'microsoft');
out.relationsMicrosoft = await ask(relationsQuery(ms.path.map((r) => r.id)));
out.graphMusk = await ask(graphQuery(state('/e/elon-musk/graph')));
out.pathsMuskMicrosoft = await ask(pathsQuery(state('/paths?from=elon-musk&to=microsoft&maxDepth=2')));
// The answers of a server with the SPEC §8 fields, search hits and §10
// compliance, asked as the explorer asks them there.
const now = featuresFrom(await ask({ query: FEATURE_QUERY }));
out.searchLawsuitPerplexity = await ask(searchQuery('lawsuit Perplexity', now, 20));
out.searchBooks = await ask(searchQuery('books', now, 20));
out.entityNyt = await ask(entityQuery(state('/e/nyt-v-microsoft-openai'), now));
out.graphOpenai2 = await ask(graphQuery(state('/e/openai/graph?depth=2'), now));
out.complianceStableDiffusion = await ask(complianceQuery(state('/e/stable-diffusion/compliance'), now));
for (const [name, data] of Object.entries(out)) {
  // The big neighbourhood is written compact; the others indented, to read in a diff.
  await writeFile(new URL(`testdata/${name}.json`, import.meta.url), JSON.stringify(data, null, name === "graphOpenai2" ? 0 : 1) + "\n");
}
console.log(`recorded ${Object.keys(out).length} answers from ${base}`);
