import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeXML, toSVG } from '../src/lib/svg.js';
import { STATUS_COLOR } from '../src/lib/look.js';

test('an SVG of a small picture: shapes by kind, lines by status, labels escaped', () => {
  const svg = toSVG({
    title: 'Downstream of <Twitter>',
    box: { x1: 0, y1: 0, x2: 300, y2: 100 },
    nodes: [
      { id: 'a', x: 20, y: 50, w: 60, h: 30, label: 'Twitter', kind: 'ORGANIZATION' },
      { id: 'b', x: 150, y: 50, w: 60, h: 30, label: 'Elon "X" Musk\n& co', kind: 'PERSON' },
      { id: 'c', x: 280, y: 50, w: 60, h: 30, label: 'Musk v. Microsoft', kind: 'DISPUTE' },
    ],
    edges: [
      { sx: 50, sy: 50, tx: 120, ty: 50, status: 'ALLEGED', label: 'used to train' },
      { sx: 180, sy: 50, tx: 250, ty: 50, status: 'ASSERTED', label: '' },
    ],
  });
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="348" height="148" viewBox="-24 -24 348 148"/);
  assert.match(svg, /<title>Downstream of &lt;Twitter&gt;<\/title>/);
  assert.match(svg, /<rect x="-10" y="35" width="60" height="30" rx="6"/, 'an organisation is a rounded box');
  assert.match(svg, /<ellipse cx="150" cy="50"/, 'a person is an ellipse');
  assert.match(svg, /<polygon points="280,35 310,50 280,65 250,50"/, 'a dispute is a diamond');
  assert.match(svg, new RegExp(`stroke="${STATUS_COLOR.ALLEGED}" stroke-width="2" stroke-dasharray="6 4"`), 'alleged is dashed');
  assert.match(svg, />Elon &quot;X&quot; Musk<\/text>/);
  assert.match(svg, />&amp; co<\/text>/, 'a label on two lines');
  assert.equal((svg.match(/<marker /g) || []).length, 2, 'one arrow head per colour');
  assert.ok(svg.trimEnd().endsWith('</svg>'));
  assert.doesNotMatch(svg, /href=/, 'nothing outside the document');
});

test('escapeXML', () => {
  assert.equal(escapeXML(`<a href='x'>&"`), '&lt;a href=&#39;x&#39;&gt;&amp;&quot;');
});
