import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { NONE } from '../src/lib/features.js';
import { CLASS_ORDER, COLLAPSE, FOLD_MIN, KIND_CUT, MATCHED_WORDS, asRecorded, disputeStatusAt, highlight, verdictSentence, complianceModel, entityModel, graphModel, homeModel, lineageModel, minStatusNote, pathsModel, safeURL, searchModel, steps } from '../src/lib/model.js';
import { parseURL } from '../src/lib/url.js';

const load = (name) => JSON.parse(readFileSync(new URL(`./testdata/${name}.json`, import.meta.url)));
const state = (url) => {
  const u = new URL(url, 'http://x');
  return parseURL(u.pathname, u.search);
};
const ALL = { searchHits: true, changes: true, compliance: true, disputesAsOf: true, events: true, names: true, disputeStatus: true, disputeForum: true, recordedAsOf: true, publisher: true };
const clone = (v) => JSON.parse(JSON.stringify(v));

test('lineage downstream of Twitter: Microsoft, ALLEGED, claimed by Elon Musk with the quote', () => {
  const data = load('lineageTwitter');
  const rels = load('relationsMicrosoft');
  const ms = data.lineage.find((h) => h.entity.key === 'microsoft');
  const full = new Map(ms.path.map((r, i) => [r.id, rels[`r${i}`]]));
  const m = lineageModel(data, state('/e/twitter/lineage?direction=DOWNSTREAM'), full);
  assert.equal(m.total, 120);
  assert.deepEqual(m.groups.map((g) => [g.kind, g.total, g.hidden]), [['MODEL', 1, 0], ['ORGANIZATION', 51, 51 - COLLAPSE], ['DATASET', 68, 68 - COLLAPSE]]);
  const row = m.groups.find((g) => g.kind === 'ORGANIZATION').rows.find((r) => r.entity.key === 'microsoft');
  assert.ok(row, 'Microsoft is among the organisations shown before the cut');
  assert.equal(row.status, 'ALLEGED');
  assert.equal(row.depth, 2);
  assert.deepEqual(row.steps.map((s) => [s.from, s.rel.type, s.to.key, s.forward]), [['twitter', 'OWNS', 'twitter-posts', true], ['twitter-posts', 'TRAINED_ON', 'microsoft', false]]);
  const claim = row.claims.find((c) => c.claimedBy?.name === 'Elon Musk');
  assert.equal(claim.status, 'ALLEGED');
  assert.equal(claim.date, '2023-04-19');
  assert.ok(claim.evidence.some((e) => e.quote.startsWith('According to Musk, Microsoft mined user tweets')));
  assert.equal(m.leftOut.count, data.all.length - data.lineage.length);
  const ids = new Set(m.picture.nodes.map((n) => n.id));
  for (const k of ['twitter', 'twitter-posts', 'microsoft', 'more:ORGANIZATION', 'more:DATASET']) assert.ok(ids.has(k), k);
  assert.equal(m.picture.nodes.find((n) => n.id === 'more:DATASET').label, `+${68 - COLLAPSE} more datasets`);
  for (const e of m.picture.edges) assert.ok(ids.has(e.source) && ids.has(e.target), `edge ${e.id} joins drawn nodes`);
  assert.equal(m.picture.nodes.find((n) => n.id === 'twitter').role, 'start');
});

test('lineage groups expand from the URL, and rows without statements yet say so', () => {
  const data = load('lineageTwitter');
  const m = lineageModel(data, state('/e/twitter/lineage?direction=DOWNSTREAM&expand=DATASET'));
  const ds = m.groups.find((g) => g.kind === 'DATASET');
  assert.equal(ds.hidden, 0);
  assert.equal(ds.rows.length, 68);
  assert.equal(ds.rows[0].claims, null);
  assert.ok(!m.picture.nodes.some((n) => n.id === 'more:DATASET'));
  assert.equal(minStatusNote('DISPUTED'), 'minStatus DISPUTED leaves out relations that are only DENIED, RETRACTED');
  assert.equal(minStatusNote('RETRACTED'), 'minStatus RETRACTED walks every relation');
});

test('entity page: relations grouped by type and direction, statuses as of a date', () => {
  const ent = load('entityMicrosoft').entity;
  const now = entityModel(ent, state('/e/microsoft'), NONE);
  assert.equal(now.total, 46);
  const trained = now.groups.find((g) => g.type === 'TRAINED_ON' && g.out);
  assert.equal(trained.label, 'Trained on');
  assert.ok(trained.items.some((i) => i.other.key === 'twitter-posts' && i.status === 'ALLEGED'));
  assert.ok(now.groups.every((g, i, all) => i === 0 || g.type !== all[i - 1].type || all[i - 1].out), 'outgoing before incoming');

  const then = entityModel(ent, state('/e/microsoft?asOf=2023-01-01'), NONE);
  const trainedThen = then.groups.find((g) => g.type === 'TRAINED_ON' && g.out);
  assert.ok(!trainedThen || !trainedThen.items.some((i) => i.other.key === 'twitter-posts'), 'the allegation of 2023-04-19 is not yet made');
  assert.ok(then.notYet >= 3);
  const onTheDay = entityModel(ent, state('/e/microsoft?asOf=2023-04-19'), NONE);
  assert.ok(onTheDay.groups.find((g) => g.type === 'TRAINED_ON' && g.out).items.some((i) => i.other.key === 'twitter-posts'));
});

test('denied and retracted claims are greyed, counted, and hidden only on request', () => {
  const ent = clone(load('entityMicrosoft').entity);
  const rel = ent.relations.edges.find((e) => e.node.type === 'TRAINED_ON' && e.node.to.key === 'nyt-articles').node;
  rel.status = 'DENIED';
  rel.statements = [{ ...rel.statements[0], status: 'DENIED', claimedBy: { key: 'microsoft', name: 'Microsoft', kind: 'ORGANIZATION' } }];
  const disputed = ent.relations.edges.find((e) => e.node.to.key === 'twitter-posts').node;
  disputed.statements.push({ ...disputed.statements[0], id: 'denial', status: 'DENIED', date: '2023-05-01' });
  disputed.status = 'DISPUTED';
  const shown = entityModel(ent, state('/e/microsoft'), NONE);
  assert.equal(shown.weak, 1);
  const item = shown.groups.flatMap((g) => g.items).find((i) => i.id === rel.id);
  assert.ok(item.weak && !item.hidden);
  const hidden = entityModel(ent, state('/e/microsoft?weak=hide'), NONE);
  assert.ok(hidden.groups.flatMap((g) => g.items).find((i) => i.id === rel.id).hidden);
  const d = (asOf) => entityModel(ent, state(`/e/microsoft?asOf=${asOf}`), NONE).groups.flatMap((g) => g.items).find((i) => i.id === disputed.id);
  assert.equal(d('2023-04-19').status, 'ALLEGED');
  assert.equal(d('2023-04-19').later, 1);
  assert.equal(d('2023-06').status, 'DISPUTED');
});

test('a dispute: parties with roles, the thing at stake, status; no timeline on this server', () => {
  const m = entityModel(load('entityMusk').entity, state('/e/musk-v-microsoft-twitter-data'), NONE);
  assert.equal(m.kind, 'DISPUTE');
  assert.deepEqual(m.dispute.parties.map((p) => [p.entity.key, p.role]).sort(), [['elon-musk', 'ACCUSER'], ['microsoft', 'ACCUSED'], ['twitter', 'ACCUSER']]);
  assert.deepEqual(m.dispute.concerns.map((c) => c.entity.key), ['twitter-posts']);
  assert.equal(m.dispute.status, 'THREATENED');
  assert.equal(m.dispute.events, null, 'events: not available here');
  assert.ok(!m.attributes.some((a) => a.key === 'status'), 'status is shown in the dispute box, not twice');
});

test('a dispute with SPEC §8 events, names over time and status as of a date', () => {
  const ent = clone(load('entityMusk').entity);
  ent.events = [
    { id: 'e2', date: '2023-06-01', status: 'WITHDRAWN', summary: 'No suit followed.', forum: null, evidence: [{ url: 'javascript:alert(1)', quote: 'q', document: null }], recordedAt: '2026-01-01T00:00:00Z' },
    { id: 'e1', date: '2023-04-19', status: 'THREATENED', summary: 'Musk tweets “Lawsuit time”.', forum: 'Twitter', evidence: [{ url: 'https://example.org/a', quote: 'Lawsuit time', document: null }], recordedAt: '2026-01-01T00:00:00Z' },
  ];
  ent.names = [{ name: ent.name, validFrom: '2023-04-19', validTo: null, primary: true }];
  ent.disputeStatus = 'THREATENED';
  const m = entityModel(ent, state('/e/musk-v-microsoft-twitter-data?asOf=2023-05'), ALL);
  assert.deepEqual(m.dispute.events.map((e) => [e.date, e.status, e.after]), [['2023-04-19', 'THREATENED', false], ['2023-06-01', 'WITHDRAWN', true]]);
  assert.equal(m.dispute.events[0].evidence[0].url, 'https://example.org/a');
  assert.equal(m.dispute.events[1].evidence[0].url, '', 'no javascript: links');
  assert.ok(m.dispute.statusAsOf);
  assert.ok(m.namesOverTime);
  assert.equal(m.names[0].validFrom, '2023-04-19');
});

test('neighbourhood: merged expansions, filters, hidden entities, asOf', () => {
  const data = load('graphMusk');
  const base = graphModel(data, state('/e/elon-musk/graph'));
  assert.equal(base.nodes.length, data.n0.nodes.length);
  assert.equal(base.edges.length, data.n0.relations.length);
  assert.equal(base.nodes.find((n) => n.id === 'elon-musk').role, 'start');
  const extra = {
    nodes: [{ key: 'twitter', name: 'Twitter', kind: 'ORGANIZATION' }, { key: 'twitter-posts', name: 'Twitter posts', kind: 'DATASET' }],
    relations: [{ id: 'x1', type: 'OWNS', status: 'ASSERTED', validFrom: null, validTo: null, from: { key: 'twitter' }, to: { key: 'twitter-posts' }, attributes: [], statements: [{ status: 'ASSERTED', date: '2023-04-19' }] }],
  };
  const grown = graphModel(data, state('/e/elon-musk/graph?expand=twitter'), [extra]);
  assert.ok(grown.nodes.some((n) => n.id === 'twitter-posts'), 'the expansion adds its neighbours');
  assert.equal(grown.nodes.find((n) => n.id === 'twitter').role, 'expanded');
  const early = graphModel(data, state('/e/elon-musk/graph?expand=twitter&asOf=2023-01-01'), [extra]);
  assert.ok(!early.edges.some((e) => e.id === 'x1') && early.notYet >= 1);
  const owns = graphModel(data, state('/e/elon-musk/graph?types=OWNS'));
  assert.ok(owns.edges.every((e) => e.type === 'OWNS'));
  assert.ok(owns.filtered > 0 && owns.isolated > 0, 'says what the filter hid');
  assert.ok(owns.nodes.some((n) => n.id === 'elon-musk'), 'the start always stays');
  assert.ok(owns.byType.length > 1, 'counts per type are taken before filtering');
  const victim = base.nodes.find((n) => n.role === 'node').id;
  const hid = graphModel(data, state(`/e/elon-musk/graph?hide=${victim}`));
  assert.ok(!hid.nodes.some((n) => n.id === victim));
  assert.ok(!hid.edges.some((e) => e.source === victim || e.target === victim));
  assert.deepEqual(graphModel(data, state('/e/elon-musk/graph?status=DENIED')).edges, []);
});

test('paths between Elon Musk and Microsoft, and as of a date before some of them', () => {
  const data = load('pathsMuskMicrosoft');
  const m = pathsModel(data, state('/paths?from=elon-musk&to=microsoft&maxDepth=2'));
  assert.equal(m.paths.length, data.paths.length);
  assert.ok(m.paths.every((p) => p.steps[0].from === 'elon-musk' && p.steps.at(-1).to.key === 'microsoft'));
  assert.equal(m.picture.nodes.find((n) => n.id === 'microsoft').role, 'end');
  const early = pathsModel(data, state('/paths?from=elon-musk&to=microsoft&maxDepth=2&asOf=2023-01-01'));
  assert.ok(early.broken > 0, 'the 2023-04-19 dispute path did not exist yet');
  assert.equal(early.paths.length + early.broken, data.paths.length);
  assert.deepEqual(pathsModel({ fromEntity: null, toEntity: null, paths: [] }, state('/paths')).paths, []);
});

test('home: disputes by status, live ones first; disputes begun after asOf left out', () => {
  const data = load('home');
  const m = homeModel(data, state('/'), NONE);
  assert.equal(m.total, 51);
  assert.equal(m.groups[0].status, 'THREATENED');
  assert.ok(m.groups[0].items.some((d) => d.key === 'musk-v-microsoft-twitter-data'));
  assert.equal(m.groups.reduce((n, g) => n + g.items.length, 0), 51);
  assert.equal(m.changes, null);
  const then = homeModel(data, state('/?asOf=2023-01-01'), NONE);
  assert.ok(then.later > 0);
  assert.ok(!then.groups.flatMap((g) => g.items).some((d) => d.key === 'musk-v-microsoft-twitter-data'));
  const withChanges = homeModel({ ...data, changes: { totalCount: 1, edges: [{ node: { at: '2026-01-01T00:00:00Z', kind: 'STATEMENT_ADDED' } }] } }, state('/'), ALL);
  assert.equal(withChanges.changes.total, 1);
});

test('search: X Corp finds Twitter first, by its alias', () => {
  const m = searchModel(load('searchXCorp'), 'X Corp');
  assert.equal(m[0].entity.key, 'twitter');
  assert.equal(m[0].matched, 'name');
});

test('search hits: "lawsuit Perplexity" names the Nikkei and Asahi dispute first, the words marked in its snippet', () => {
  const m = searchModel(load('searchLawsuitPerplexity'), 'lawsuit Perplexity');
  assert.equal(m[0].entity.key, 'nikkei-asahi-v-perplexity');
  assert.equal(m[0].entity.kind, 'DISPUTE');
  assert.equal(m[0].matched, 'quote');
  const marked = m[0].parts.filter((p) => p.hit).map((p) => p.text.toLowerCase());
  assert.ok(marked.includes('lawsuit') && marked.includes('perplexity'), JSON.stringify(m[0].parts));
  assert.equal(m[0].parts.map((p) => p.text).join(''), m[0].snippet, 'the parts are the snippet, cut');
  assert.equal(MATCHED_WORDS[m[0].matched], 'quoted in the evidence');
  assert.ok(m.every((r) => r.matched !== 'name' || r.parts.length === 0));
  // "books" matches names first: the books datasets, no snippet needed.
  const books = searchModel(load('searchBooks'), 'books');
  assert.ok(books.length >= 8);
  assert.equal(books[0].matched, 'name');
  // Without searchHits, the name matches of search.
  assert.deepEqual(searchModel({ search: [{ key: 'a', name: 'A', kind: 'MODEL' }] }, 'a').map((r) => [r.entity.key, r.matched]), [['a', 'name']]);
});

test('highlight marks whole words that start with a word searched for', () => {
  assert.deepEqual(highlight('data-scraping tools, scraped', 'scrap'), [
    { text: 'data-', hit: false }, { text: 'scraping', hit: true }, { text: ' tools, ', hit: false }, { text: 'scraped', hit: true },
  ]);
  assert.deepEqual(highlight('Books3 and books', 'BOOKS'), [{ text: 'Books3', hit: true }, { text: ' and ', hit: false }, { text: 'books', hit: true }]);
  assert.deepEqual(highlight('a cat', 'a'), [{ text: 'a cat', hit: false }], 'one letter is not marked');
  assert.deepEqual(highlight('', 'x'), []);
  assert.deepEqual(highlight('<b>xy</b>', 'xy'), [{ text: '<b>', hit: false }, { text: 'xy', hit: true }, { text: '</b>', hit: false }], 'markup in data stays text');
});

test('compliance of Stable Diffusion (SPEC §10): the verdict, the blocking assets first with their licences and paths, the rest after', () => {
  const m = complianceModel(load('complianceStableDiffusion'));
  assert.equal(m.entity.key, 'stable-diffusion');
  assert.ok(['RESTRICTED', 'UNKNOWN'].includes(m.verdict), m.verdict);
  assert.ok(m.blocking > 0);
  assert.equal(m.blockingAssets.length + m.rest.length, m.assets.length);
  assert.ok(m.blockingAssets.every((a) => a.blocks) && m.rest.every((a) => !a.blocks));
  for (const a of m.blockingAssets) {
    assert.ok(a.asset.key === 'stable-diffusion' || a.steps.length > 0, `${a.asset.key} has a path`);
    if (a.steps.length) assert.equal(a.steps.at(-1).to.key, a.asset.key, 'the path leads to the asset');
  }
  assert.match(verdictSentence(m), new RegExp(`^${m.verdict === 'RESTRICTED' ? 'Restricted' : 'Unknown'} for commercial use: ${m.blocking} assets? upstream`));
  assert.deepEqual(m.byClass.map((c) => c.class), CLASS_ORDER.filter((k) => m.assets.some((a) => a.class === k)));
  const data = {
    entity: { key: 'm', name: 'M', kind: 'MODEL' },
    compliance: {
      verdict: 'RESTRICTED', use: 'COMMERCIAL', attribution: true, shareAlike: false, disputes: [{ key: 'x-v-m', name: 'X v. M', kind: 'DISPUTE', disputeStatus: 'FILED' }],
      assets: [
        { asset: { key: 'm', name: 'M', kind: 'MODEL' }, class: 'COMMERCIAL', licenses: [], blocks: false, path: [] },
        { asset: { key: 'd', name: 'D', kind: 'DATASET' }, class: 'NON_COMMERCIAL', licenses: [{ key: 'license/cc-by-nc-4-0', name: 'CC BY-NC 4.0', kind: 'LICENSE', attributes: [{ key: 'use', value: 'NON_COMMERCIAL' }] }], blocks: true,
          path: [{ id: 'r', type: 'TRAINED_ON', status: 'ASSERTED', from: { key: 'm', name: 'M', kind: 'MODEL' }, to: { key: 'd', name: 'D', kind: 'DATASET' } }] },
      ],
    },
  };
  const small = complianceModel(data);
  assert.deepEqual(small.blockingAssets.map((a) => a.asset.key), ['d']);
  assert.deepEqual(small.rest.map((a) => a.asset.key), ['m']);
  assert.equal(small.blockingAssets[0].licenses[0].use, 'NON_COMMERCIAL');
  assert.equal(small.blockingAssets[0].steps[0].to.key, 'd');
  assert.equal(small.disputes[0].status, 'FILED');
  assert.equal(verdictSentence(small), 'Restricted for commercial use: 1 asset upstream is under a licence that forbids it.');
});

test('only http and https links come from the data', () => {
  assert.equal(safeURL('https://example.org/x'), 'https://example.org/x');
  assert.equal(safeURL('javascript:alert(1)'), '');
  assert.equal(safeURL('data:text/html,x'), '');
  assert.equal(safeURL('not a url'), '');
  assert.deepEqual(steps('a', []), []);
});

test('rings count the steps from the start, either way along the relations', async () => {
  const { rings } = await import('../src/lib/model.js');
  const r = rings('a', [{ source: 'a', target: 'b' }, { source: 'c', target: 'b' }, { source: 'd', target: 'e' }]);
  assert.deepEqual([...r.entries()], [['a', 0], ['b', 1], ['c', 2]]);
  const m = graphModel(load('graphMusk'), state('/e/elon-musk/graph'));
  assert.ok(m.nodes.every((n) => (n.id === 'elon-musk' ? n.ring === 0 : n.ring >= 1)));
});

test('a dispute page: the NYT v. Microsoft and OpenAI timeline, its status now and as of a date, forum, parties', () => {
  const ent = load('entityNyt').entity;
  const now = entityModel(ent, state('/e/nyt-v-microsoft-openai'), ALL);
  const d = now.dispute;
  assert.equal(d.status, 'ONGOING');
  assert.match(d.forum, /MDL No. 3143/);
  assert.ok(d.events.length >= 3);
  assert.deepEqual(d.events.map((e) => e.date), [...d.events.map((e) => e.date)].sort());
  assert.equal(d.events[0].status, 'FILED');
  assert.ok(d.events.every((e) => e.evidence.every((v) => v.url.startsWith('http'))));
  assert.ok(d.parties.some((p) => p.entity.key === 'new-york-times'), JSON.stringify(d.parties.map((p) => p.entity.key)));
  assert.deepEqual(disputeStatusAt(ent.events, '2024-01-01'), { status: 'FILED', forum: 'U.S. District Court for the Southern District of New York' });
  assert.equal(disputeStatusAt(ent.events, '2023-01-01'), null, 'nothing had happened yet');
  assert.equal(disputeStatusAt(ent.events, '').status, 'ONGOING');
  // With the server's answer for asOf, the page says "as of".
  const then = entityModel({ ...ent, disputeStatus: 'FILED' }, state('/e/nyt-v-microsoft-openai?asOf=2024-01-01'), ALL);
  assert.equal(then.dispute.status, 'FILED');
  assert.ok(then.dispute.statusAsOf);
  assert.ok(then.dispute.events.filter((e) => e.after).length >= 2, 'the 2025 events are after the date');
});

test('a retracted event is kept, greyed and labelled, and no longer counts; as recorded before the retraction it counts', () => {
  const ent = clone(load('entityNyt').entity);
  const last = ent.events.at(-1);
  const recorded = last.recordedAt;
  last.retractedReason = 'wrong docket';
  last.retractedAt = '2099-01-02T00:00:00Z';
  const m = entityModel({ ...ent, disputeStatus: 'ONGOING' }, state('/e/nyt-v-microsoft-openai'), ALL);
  const ev = m.dispute.events.find((e) => e.id === last.id);
  assert.ok(ev.retracted);
  assert.equal(ev.retractedReason, 'wrong docket');
  assert.equal(m.dispute.retracted, 1);
  assert.notDeepEqual(disputeStatusAt(ent.events, ''), disputeStatusAt(load('entityNyt').entity.events, ''), 'the retracted event no longer decides the status or forum');
  // As the record stood before the retraction was recorded, the event counts.
  const before = entityModel(ent, state('/e/nyt-v-microsoft-openai?recordedAsOf=2099-01-01T00:00:00Z'), ALL);
  assert.ok(!before.dispute.events.find((e) => e.id === last.id).retracted);
  // As it stood before the event itself was recorded, the event is absent and counted.
  const earlier = new Date(Date.parse(recorded) - 1000).toISOString().replace('.000Z', 'Z');
  const none = entityModel(ent, state(`/e/nyt-v-microsoft-openai?recordedAsOf=${earlier}`), ALL);
  assert.equal(none.dispute.events.length, 0);
  assert.equal(none.dispute.laterEvents, ent.events.length);
});

test('as recorded: statements recorded later are left out, retractions recorded later undone', () => {
  const list = [
    { id: 'a', status: 'ALLEGED', recordedAt: '2025-01-01T00:00:00Z' },
    { id: 'b', status: 'RETRACTED', previousStatus: 'ASSERTED', retractedAt: '2025-06-01T00:00:00Z', recordedAt: '2025-01-01T00:00:00Z', retractedReason: 'misread' },
    { id: 'c', status: 'DENIED', recordedAt: '2025-09-01T00:00:00Z' },
  ];
  assert.deepEqual(asRecorded(list, '').map((s) => s.status), ['ALLEGED', 'RETRACTED', 'DENIED']);
  assert.deepEqual(asRecorded(list, '2025-03-01T00:00:00Z').map((s) => [s.id, s.status]), [['a', 'ALLEGED'], ['b', 'ASSERTED']]);
  assert.deepEqual(asRecorded(list, '2025-07-01T00:00:00Z').map((s) => [s.id, s.status]), [['a', 'ALLEGED'], ['b', 'RETRACTED']]);
});

test('the neighbourhood of OpenAI at depth 2 folds its datasets into "+N" boxes so it reads; all=DATASET draws them', () => {
  const data = load('graphOpenai2');
  const total = data.n0.nodes.length;
  assert.ok(total > 300, `${total} entities`);
  const m = graphModel(data, state('/e/openai/graph?depth=2'));
  const ds = m.byKind.find((k) => k.kind === 'DATASET');
  assert.ok(ds.count > KIND_CUT);
  const cut = m.cut.find((c) => c.kind === 'DATASET');
  assert.ok(cut.folded > 0 && cut.folded < ds.count);
  const boxes = m.nodes.filter((n) => n.role === 'more');
  assert.ok(boxes.length > 0);
  assert.equal(boxes.reduce((n, b) => n + b.count, 0), cut.folded - m.unanchored, 'every folded dataset is in one box');
  assert.ok(boxes.every((b) => b.count >= FOLD_MIN && b.label === `+${b.count} datasets`));
  const ids = new Set(m.nodes.map((n) => n.id));
  for (const e of m.edges) assert.ok(ids.has(e.source) && ids.has(e.target), `edge ${e.id} joins drawn nodes`);
  assert.ok(m.nodes.length < total / 2, `${m.nodes.length} drawn of ${total}`);
  for (const k of ['MODEL', 'PRODUCT', 'ORGANIZATION', 'PERSON']) {
    assert.equal(m.nodes.filter((n) => n.kind === k && n.role !== 'more' && n.role !== 'start').length, m.byKind.find((x) => x.kind === k)?.count || 0, `every ${k} drawn`);
  }
  assert.ok(m.nodes.some((n) => n.id === 'gpt-4'));
  const all = graphModel(data, state('/e/openai/graph?depth=2&all=DATASET'));
  assert.equal(all.cut.length, 0);
  assert.ok(!all.nodes.some((n) => n.role === 'more'));
  assert.ok(all.nodes.length > m.nodes.length);
  const kinds = graphModel(data, state('/e/openai/graph?depth=2&kinds=MODEL,PRODUCT'));
  assert.ok(kinds.nodes.every((n) => ['MODEL', 'PRODUCT'].includes(n.kind) || n.role === 'start'));
  assert.ok(kinds.kindHidden > 0);
});
