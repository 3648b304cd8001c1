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
    ['entity as recorded', entityQuery(state('/e/twitter?recordedAsOf=2025-01-01T00:00:00Z'), NONE), entityQuery(state('/e/nyt-v-microsoft-openai?asOf=2024&recordedAsOf=2025-01-01T00:00:00Z'), ALL)],
    ['lineage', lineageQuery(state('/e/twitter/lineage?direction=DOWNSTREAM')), lineageQuery(state('/e/twitter/lineage?direction=UPSTREAM&asOf=2023-01-01&minStatus=RETRACTED&kinds=MODEL&recordedAsOf=2025-01-01T00:00:00Z'), ALL)],
    ['relations', relationsQuery(['a', 'b', 'c']), relationsQuery(['x'], ALL)],
    ['graph', graphQuery(state('/e/openai/graph')), graphQuery(state('/e/openai/graph?depth=2&expand=twitter,microsoft&recordedAsOf=2025-01-01T00:00:00Z'), ALL)],
    ['expand', expandQuery('twitter'), expandQuery('license/apache-2-0', '2025-01-01T00:00:00Z')],
    ['paths', pathsQuery(state('/paths?from=elon-musk&to=microsoft')), pathsQuery(state('/paths?from=a&to=b&maxDepth=2'), ALL)],
    ['compliance', complianceQuery(state('/e/gpt-4/compliance')), complianceQuery(state('/e/gpt-4/compliance?use=ACADEMIC&recordedAsOf=2025-01-01T00:00:00Z'), ALL)],
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
  const home = homeQuery(state('/?asOf=2023-04-19'), ALL);
  assert.match(home.query, /changes\(last: 20\) \{\s*totalCount/, 'the latest 20 changes, however old');
  assert.match(home.query, /disputes\(asOf: \$asOf/);
  assert.doesNotMatch(homeQuery(state('/'), NONE).query, /changes/);
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
  assert.deepEqual(ALL, { searchHits: true, changes: true, compliance: true, disputesAsOf: true, events: true, names: true, disputeStatus: true, disputeForum: true, recordedAsOf: true, publisher: true });
  assert.deepEqual(featuresFrom(null), NONE, 'no answer: only the SPEC §3 fields');
  const here = featuresFrom(graphqlSync({ schema: today, source: FEATURE_QUERY }).data);
  assert.deepEqual({ ...here, publisher: true }, ALL, 'this schema has every feature, Evidence.publisher perhaps not yet');
});

test('search asks searchHits alone when the server has it, search otherwise', () => {
  const rich = searchQuery('lawsuit Perplexity', ALL, 20);
  assert.match(rich.query, /hits: searchHits\(text: \$text, first: 20\) \{ entity \{ key name kind aliases \} matched snippet \}/);
  assert.doesNotMatch(rich.query, /\bsearch\(/);
  assert.match(searchQuery('X Corp', NONE).query, /\bsearch\(text: \$text, first: 8\)/);
});

test('recordedAsOf goes to every read the view makes, only when set and the server has it', () => {
  const rec = '2025-01-01T00:00:00Z';
  const lin = lineageQuery(state(`/e/twitter/lineage?direction=DOWNSTREAM&recordedAsOf=${rec}`), ALL);
  assert.equal(lin.variables.recordedAsOf, rec);
  assert.equal((lin.query.match(/recordedAsOf: \$recordedAsOf/g) || []).length, 2, 'the walk and the walk that says what minStatus hides');
  assert.equal(lineageQuery(state(`/e/twitter/lineage?recordedAsOf=${rec}`), NONE).variables.recordedAsOf, undefined, 'an older server is not sent it');
  const g = graphQuery(state(`/e/openai/graph?expand=twitter&recordedAsOf=${rec}`), ALL);
  assert.equal((g.query.match(/recordedAsOf: \$recordedAsOf/g) || []).length, 2);
  const e = entityQuery(state(`/e/twitter?recordedAsOf=${rec}`), ALL);
  assert.match(e.query, /relations\(first: 500, recordedAsOf: \$recordedAsOf\)/);
  assert.match(e.query, /retractedAt/);
  assert.doesNotMatch(entityQuery(state('/e/twitter'), ALL).query, /\$recordedAsOf/);
  assert.equal(complianceQuery(state(`/e/gpt-4/compliance?recordedAsOf=${rec}`), ALL).variables.recordedAsOf, rec);
  assert.deepEqual(expandQuery('twitter', rec).variables, { e: 'twitter', recordedAsOf: rec });
});

test('evidence asks for its publisher only when the server has it', () => {
  assert.match(entityQuery(state('/e/twitter'), ALL).query, /publisher \{ domain kind name \}/);
  assert.doesNotMatch(entityQuery(state('/e/twitter'), { ...ALL, publisher: false }).query, /publisher/);
  assert.match(relationsQuery(['x'], ALL).query, /publisher/);
});
