import { test } from 'node:test';
import assert from 'node:assert/strict';
import { graphqlSync } from 'graphql';
import { FEATURE_QUERY, NONE, featuresFrom } from '../src/lib/features.js';
import { complianceQuery, entityQuery, expandQuery, graphQuery, homeQuery, lineageQuery, pathsQuery, relationsQuery, searchQuery } from '../src/lib/queries.js';
import { parseURL } from '../src/lib/url.js';
import { errorsOf, later, today } from './schema.js';
import { readFileSync } from 'node:fs';

const state = (url) => {
  const u = new URL(url, 'http://x');
  return parseURL(u.pathname, u.search);
};
const ALL = featuresFrom(graphqlSync({ schema: later, source: FEATURE_QUERY }).data);

// Every variable a document declares is given a value, and the other way round.
function assertVariables(q) {
  const declared = [...q.query.matchAll(/\$(\w+):/g)].map((m) => m[1]).sort();
  assert.deepEqual(declared, Object.keys(q.variables).sort(), q.query);
}

function views() {
  return [
    ['search', searchQuery('X Corp', NONE), searchQuery('lawsuit Perplexity', ALL)],
    ['home', homeQuery(state('/'), NONE), homeQuery(state('/?asOf=2023-04-19'), ALL)],
    ['entity', entityQuery(state('/e/twitter'), NONE), entityQuery(state('/e/musk-v-microsoft-twitter-data?asOf=2023-05'), ALL)],
    ['lineage', lineageQuery(state('/e/twitter/lineage?direction=DOWNSTREAM')), lineageQuery(state('/e/twitter/lineage?direction=UPSTREAM&asOf=2023-01-01&minStatus=RETRACTED&kinds=MODEL'))],
    ['relations', relationsQuery(['a', 'b', 'c']), relationsQuery(['x'])],
    ['graph', graphQuery(state('/e/openai/graph')), graphQuery(state('/e/openai/graph?depth=2&expand=twitter,microsoft'))],
    ['expand', expandQuery('twitter'), expandQuery('license/apache-2-0')],
    ['paths', pathsQuery(state('/paths?from=elon-musk&to=microsoft')), pathsQuery(state('/paths?from=a&to=b&maxDepth=2'))],
  ];
}

test("every view's query is valid on today's schema without the newer features", () => {
  for (const [name, plain] of views()) {
    assert.deepEqual(errorsOf(today, plain.query), [], `${name}:\n${plain.query}`);
    assertVariables(plain);
  }
});

test('with the SPEC §8, search and §10 features, the queries use them and are valid', () => {
  for (const [name, plain, rich] of views()) {
    for (const q of [plain, rich]) {
      assert.deepEqual(errorsOf(later, q.query), [], `${name}:\n${q.query}`);
      assertVariables(q);
    }
  }
  const c = complianceQuery(state('/e/gpt-4/compliance?use=ACADEMIC&asOf=2024'));
  assert.deepEqual(errorsOf(later, c.query), []);
  assertVariables(c);
  assert.deepEqual(c.variables, { entity: 'gpt-4', use: 'ACADEMIC', asOf: '2024', minStatus: 'DISPUTED' });
  assert.match(searchQuery('books', ALL).query, /searchHits/);
  assert.doesNotMatch(searchQuery('books', NONE).query, /searchHits/);
  const e = entityQuery(state('/e/x?asOf=2023-05'), ALL);
  assert.match(e.query, /events \{/);
  assert.match(e.query, /names \{/);
  assert.match(e.query, /disputeStatus\(asOf: \$asOf\)/);
  assert.equal(e.variables.asOf, '2023-05');
  assert.doesNotMatch(entityQuery(state('/e/x'), NONE).query, /events|names|disputeStatus/);
  const home = homeQuery(state('/?asOf=2023-04-19'), ALL, new Date('2026-01-08T00:00:00Z'));
  assert.match(home.query, /changes\(since: \$since, last: 20\)/);
  assert.equal(home.variables.since, '2026-01-01T00:00:00.000Z');
  assert.match(home.query, /disputes\(asOf: \$asOf/);
});

test('optional arguments are sent only when set', () => {
  const plain = lineageQuery(state('/e/twitter/lineage?direction=DOWNSTREAM'));
  assert.deepEqual(plain.variables, { entity: 'twitter', direction: 'DOWNSTREAM', minStatus: 'DISPUTED', ref: 'twitter' });
  assert.match(plain.query, /all: lineage\(.*minStatus: RETRACTED/, 'asks what the default minimum leaves out');
  const all = lineageQuery(state('/e/twitter/lineage?direction=DOWNSTREAM&minStatus=RETRACTED'));
  assert.doesNotMatch(all.query, /all: lineage/, 'nothing left out to ask about');
  const set = lineageQuery(state('/e/twitter/lineage?direction=DOWNSTREAM&asOf=2023-01-01&kinds=MODEL,ORGANIZATION'));
  assert.equal(set.variables.asOf, '2023-01-01');
  assert.deepEqual(set.variables.kinds, ['MODEL', 'ORGANIZATION']);
  const g = graphQuery(state('/e/openai/graph?expand=twitter,microsoft'));
  assert.deepEqual(g.variables, { e0: 'openai', depth: 1, e1: 'twitter', e2: 'microsoft', ref: 'openai' });
});

test('the features of a recorded answer from before the SPEC §8 fields, and of this schema, which has every one', () => {
  const recorded = JSON.parse(readFileSync(new URL('./testdata/features.json', import.meta.url)));
  assert.deepEqual(featuresFrom(recorded), NONE);
  assert.deepEqual(ALL, { searchHits: true, changes: true, compliance: true, disputesAsOf: true, events: true, names: true, disputeStatus: true });
  assert.deepEqual(featuresFrom(null), NONE, 'no answer: only the SPEC §3 fields');
  assert.deepEqual(featuresFrom(graphqlSync({ schema: today, source: FEATURE_QUERY }).data), ALL);
});
