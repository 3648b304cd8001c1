import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atLeast, dateEnd, dateStart, effectiveStatus, isDate, relationAsOf, statementCounts, validOn, weaker } from '../src/lib/status.js';

test('effective status follows SPEC §1, strongest rule first', () => {
  const cases = [
    [['ALLEGED', 'RULED', 'DENIED'], 'RULED'],
    [['ALLEGED', 'CONFIRMED'], 'CONFIRMED'],
    [['DENIED', 'ASSERTED'], 'ASSERTED'],
    [['ALLEGED', 'DENIED'], 'DISPUTED'],
    [['ALLEGED'], 'ALLEGED'],
    [['DENIED'], 'DENIED'],
    [['RETRACTED'], 'RETRACTED'],
    [['RETRACTED', 'ALLEGED'], 'ALLEGED'],
    [[], 'RETRACTED'],
  ];
  for (const [statuses, want] of cases) assert.equal(effectiveStatus(statuses), want, statuses.join(','));
});

test('strength order', () => {
  assert.ok(atLeast('ALLEGED', 'DISPUTED'));
  assert.ok(!atLeast('DENIED', 'DISPUTED'));
  assert.ok(atLeast('RETRACTED', 'RETRACTED'));
  assert.equal(weaker('ASSERTED', 'ALLEGED'), 'ALLEGED');
  assert.equal(weaker('DENIED', 'RULED'), 'DENIED');
});

test('partial dates begin at the start of their period and end at its end', () => {
  assert.equal(dateStart('2023'), '2023-01-01');
  assert.equal(dateStart('2023-04'), '2023-04-01');
  assert.equal(dateStart('2023-04-19'), '2023-04-19');
  assert.equal(dateEnd('2023'), '2023-12-31');
  assert.equal(dateEnd('2024-02'), '2024-02-29');
  assert.equal(dateEnd('2023-02'), '2023-02-28');
  assert.equal(dateStart('nonsense'), '');
  for (const ok of ['2023', '2023-04', '2024-02-29']) assert.ok(isDate(ok), ok);
  for (const bad of ['', '23', '2023-13', '2023-02-30', '2023-4-1', '2023-04-19T00:00']) assert.ok(!isDate(bad), bad);
});

test('statements count as of a date when dated by then or undated', () => {
  assert.ok(statementCounts('2023-04-19', '2023-04-19'));
  assert.ok(!statementCounts('2023-04-20', '2023-04-19'));
  assert.ok(statementCounts('2023-04', '2023-04-19'));
  assert.ok(statementCounts('', '2000'));
  assert.ok(statementCounts('2030', ''));
});

test('validity bounds', () => {
  assert.ok(validOn({ validFrom: '2020', validTo: '2022' }, '2022-12-31'));
  assert.ok(!validOn({ validFrom: '2020', validTo: '2022' }, '2023-01-01'));
  assert.ok(!validOn({ validFrom: '2024-05' }, '2024-04-30'));
  assert.ok(validOn({}, '1999'));
});

test('a relation as of a date: the Musk allegation and the later denial', () => {
  const rel = {
    status: 'DISPUTED',
    statements: [
      { status: 'ALLEGED', date: '2023-04-19' },
      { status: 'DENIED', date: '2023-05' },
    ],
  };
  assert.equal(relationAsOf(rel, '2023-01-01'), null, 'nothing said yet');
  assert.deepEqual(relationAsOf(rel, '2023-04-19'), { status: 'ALLEGED', statements: [rel.statements[0]], later: 1 });
  assert.equal(relationAsOf(rel, '2023-06-01').status, 'DISPUTED');
  assert.equal(relationAsOf(rel, '').status, 'DISPUTED');
  assert.equal(relationAsOf({ ...rel, validTo: '2022' }, '2023-06-01'), null, 'not valid then');
  const undated = { status: 'ASSERTED', statements: [{ status: 'ASSERTED', date: null }] };
  assert.equal(relationAsOf(undated, '1990').status, 'ASSERTED');
});
