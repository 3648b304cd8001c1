import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entityPath, formatURL, parseURL } from '../src/lib/url.js';
import { inputFromInstant, instantFromInput, isInstant } from '../src/lib/status.js';

const parse = (url) => {
  const u = new URL(url, 'http://x');
  return parseURL(u.pathname, u.search);
};

test('every SPEC §9 URL parses to its view and formats back to itself', () => {
  for (const url of [
    '/',
    '/?q=X%20Corp',
    '/e/twitter',
    '/e/twitter?asOf=2023-04-19&weak=hide',
    '/e/license%2Fapache-2-0',
    '/e/twitter/lineage?direction=DOWNSTREAM',
    '/e/twitter/lineage?direction=UPSTREAM&asOf=2023-01-01&minStatus=ASSERTED&kinds=MODEL,ORGANIZATION&expand=DATASET',
    '/e/openai/graph?depth=2&asOf=2023-04-19&types=OWNS,TRAINED_ON&status=ALLEGED&hide=microsoft&expand=twitter,elon-musk',
    '/e/gpt-4/compliance?use=NON_COMMERCIAL&asOf=2024&minStatus=ASSERTED',
    '/paths?from=elon-musk&to=microsoft',
    '/paths?from=a&to=b&maxDepth=6&asOf=2023-04',
  ]) {
    assert.equal(formatURL(parse(url)), url, url);
  }
});

test('keys are path-escaped, and a raw / in a key is read whole', () => {
  assert.equal(entityPath('license/apache-2-0', 'lineage'), '/e/license%2Fapache-2-0/lineage');
  assert.deepEqual(parse('/e/license%2Fapache-2-0/lineage'), parse('/e/license/apache-2-0/lineage'));
  assert.equal(parse('/e/license/apache-2-0').key, 'license/apache-2-0');
  assert.equal(parse('/e/license/apache-2-0').view, 'entity');
  assert.equal(parse('/e/lineage').key, 'lineage', 'a key that is a view name');
  assert.equal(formatURL(parse('/e/license/apache-2-0/graph')), '/e/license%2Fapache-2-0/graph');
});

test('defaults are left out and bad values dropped', () => {
  assert.equal(formatURL(parse('/e/twitter/lineage')), '/e/twitter/lineage?direction=DOWNSTREAM');
  assert.equal(formatURL(parse('/e/twitter/lineage?direction=SIDEWAYS&minStatus=DISPUTED&asOf=2023-02-30&kinds=MODEL,NOPE,MODEL')), '/e/twitter/lineage?direction=DOWNSTREAM&kinds=MODEL');
  assert.equal(formatURL(parse('/e/openai/graph?depth=1')), '/e/openai/graph');
  assert.equal(formatURL(parse('/e/openai/graph?depth=9')), '/e/openai/graph');
  assert.equal(formatURL(parse('/e/gpt-4/compliance?use=COMMERCIAL')), '/e/gpt-4/compliance');
  assert.equal(formatURL(parse('/e/twitter/lineage?kinds=PRODUCT,MODEL')), '/e/twitter/lineage?direction=DOWNSTREAM&kinds=MODEL,PRODUCT');
  assert.deepEqual(parse('/e/openai/graph?expand=b,a').expand, ['b', 'a'], 'expansions keep their order');
});

test('unknown paths', () => {
  assert.equal(parse('/nowhere').view, 'notfound');
  assert.equal(parse('/e/').view, 'notfound');
});

test('recordedAsOf (the store clock) and the neighbourhood kinds are part of the URL', () => {
  const rec = '2026-01-02T03:04:05Z';
  for (const url of [
    `/e/twitter?recordedAsOf=${rec}`,
    `/e/twitter/lineage?direction=DOWNSTREAM&asOf=2023-04-19&recordedAsOf=${rec}`,
    `/e/openai/graph?depth=2&recordedAsOf=${rec}&kinds=DATASET,MODEL&all=DATASET`,
    `/e/stable-diffusion/compliance?recordedAsOf=${rec}`,
  ]) {
    assert.equal(formatURL(parse(url)), url);
  }
  assert.equal(parseURL('/e/twitter', '?recordedAsOf=yesterday').recordedAsOf, '', 'not an instant: dropped');
  assert.equal(parseURL('/e/twitter', '?recordedAsOf=2026-02-30T00:00:00Z').recordedAsOf, '');
  assert.equal(instantFromInput('2026-01-02T03:04'), '2026-01-02T03:04:00Z');
  assert.equal(instantFromInput('2026-01-02T03:04:05'), rec);
  assert.equal(instantFromInput(''), '');
  assert.equal(instantFromInput('garbage'), '');
  assert.equal(inputFromInstant(rec), '2026-01-02T03:04:05');
  assert.equal(inputFromInstant('2026-01-02T03:04:05.123Z'), '2026-01-02T03:04:05');
  assert.ok(isInstant('2026-01-02T03:04:05.123456789Z'));
  assert.ok(!isInstant('2026-01-02T03:04:05+02:00'), 'the URL carries UTC');
});
