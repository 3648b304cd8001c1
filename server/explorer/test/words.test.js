import { test } from 'node:test';
import assert from 'node:assert/strict';
import { title } from '../src/lib/words.js';

test('title: enum names and camelCase attribute keys read as words', () => {
  assert.equal(title('FINE_TUNED_FROM'), 'Fine tuned from');
  assert.equal(title('caseNumber'), 'Case number');
  assert.equal(title('publishedAt'), 'Published at');
  assert.equal(title('forum'), 'Forum');
});
