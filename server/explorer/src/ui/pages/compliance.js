// compliance.js: "/e/{key}/compliance?use=" — may I use this model or
// dataset for a use (SPEC §10)? The verdict and the assets that decide it.

import { complianceQuery } from '../../lib/queries.js';
import { complianceModel, verdictSentence } from '../../lib/model.js';
import { NOT_YET } from '../../lib/features.js';
import { STATUSES } from '../../lib/status.js';
import { USES, entityPath } from '../../lib/url.js';
import { DISPUTE_COLOR, VERDICT_COLOR } from '../../lib/look.js';
import { title } from '../../lib/words.js';
import { h, replace, entityLink, kindBadge, note } from '../dom.js';
import { asOfControl, recordedAsOfControl, source, toolbar } from '../parts.js';
import { entityHeader } from './entity.js';
import { pathText } from './shared.js';

/** render draws the licence check. */
export async function render(ctx) {
  const s = ctx.state;
  if (!ctx.features.compliance) {
    const data = await ctx.query({ query: 'query Brief($ref: String!) { entity(ref: $ref) { key name kind } }', variables: { ref: s.key } });
    if (ctx.stale()) return;
    if (data.entity) ctx.canonical(data.entity.key);
    document.title = `Licence check · whosedata`;
    replace(ctx.main,
      data.entity ? entityHeader(ctx, data.entity, 'compliance') : h('h1', s.key),
      h('h2', 'Licence check'),
      note(`The licence check (may I use this for ${title(s.use).toLowerCase()} use?) is ${NOT_YET}.`),
      h('p', 'Meanwhile the ', h('a', { href: entityPath(s.key, 'lineage') + '?direction=UPSTREAM', 'data-nav': '' }, 'upstream lineage'), ' lists the datasets and models it is built from.'));
    return;
  }
  replace(ctx.main, h('p.loading', 'Checking licences…'));
  const q = complianceQuery(s, ctx.features);
  const data = await ctx.query(q);
  if (ctx.stale()) return;
  if (!data.entity) {
    replace(ctx.main, h('h1', 'Nothing by that name'), h('p', `No entity has the key, name or alias “${s.key}”.`));
    return;
  }
  ctx.canonical(data.entity.key);
  const m = complianceModel(data);
  document.title = `Licence check: ${m.entity.name} · whosedata`;
  replace(ctx.main,
    entityHeader(ctx, data.entity, 'compliance'),
    h('section.verdict-box', { 'aria-labelledby': 'verdict-h' },
      h('h2#verdict-h.verdict',
        h('span.badge.status.big', { style: { background: VERDICT_COLOR[m.verdict] || '#4b5563' }, dataset: { verdict: m.verdict } }, m.verdict),
        ` for ${title(m.use).toLowerCase().replace('_', '-')} use`),
      h('p.lead', verdictSentence(m)),
      m.attribution || m.shareAlike
        ? h('p', [m.attribution ? 'Some licence upstream requires attribution.' : '', m.shareAlike ? ' Some licence upstream is share-alike: derived work must carry it.' : ''].join('').trim())
        : '',
      note('How the verdict is reached: every dataset, model and product upstream counts, each under the most restrictive of its licences, and one that forbids the use decides it. It is a reading of the recorded licences, not legal advice.')),
    h('form.controls', { onsubmit: (ev) => ev.preventDefault(), 'aria-label': 'Licence check settings' },
      h('div.control', h('label', { for: 'use' }, 'Use'),
        h('select', { id: 'use', onchange: (ev) => ctx.update({ use: ev.target.value }) }, USES.map((u) => h('option', { value: u, selected: u === s.use }, title(u))))),
      h('div.control', h('label', { for: 'min-status' }, 'Count claims at least'),
        h('select', { id: 'min-status', onchange: (ev) => ctx.update({ minStatus: ev.target.value }) }, STATUSES.map((st) => h('option', { value: st, selected: st === s.minStatus }, st))))),
    h('div.row', asOfControl(ctx), recordedAsOfControl(ctx), toolbar(ctx)),
    m.blockingAssets.length
      ? h('section.blocking', { 'aria-labelledby': 'blocking-h' },
          h('h2#blocking-h', `What decides it (${m.blockingAssets.length})`),
          assetTable(m, m.blockingAssets, 'blocking'))
      : '',
    h('section.upstream', { 'aria-labelledby': 'rest-h' },
      h('h2#rest-h', m.blockingAssets.length ? `Everything else upstream (${m.rest.length})` : `Every asset (${m.rest.length})`),
      m.byClass.length ? h('p.muted', 'By licence class: ', m.byClass.map((c) => `${title(c.class)} ${c.count}`).join(' · ')) : '',
      m.rest.length ? assetTable(m, m.rest, 'rest') : h('p', 'Nothing else.')),
    h('section.compliance-disputes', { 'aria-labelledby': 'cdisputes-h' },
      h('h2#cdisputes-h', `Disputes over these assets (${m.disputes.length})`),
      m.disputes.length
        ? h('ul', m.disputes.map((d) => h('li', entityLink(d), d.status ? [' ', h('span.badge.status', { style: { background: DISPUTE_COLOR[d.status] || '#4b5563' } }, d.status)] : '')))
        : h('p', 'None recorded.')),
    source(q));
}

function assetTable(m, list, name) {
  return h('div.table-scroll', h('table.hits', { dataset: { assets: name } },
    h('thead', h('tr', ...['Asset', 'Class', 'Licences', 'How it is reached'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', list.map((a) => h('tr', { class: a.blocks ? 'blocks' : '', dataset: { key: a.asset.key } },
      h('td', entityLink(a.asset), ' ', kindBadge(a.asset.kind)),
      h('td', h('span.class', { dataset: { class: a.class } }, title(a.class))),
      h('td', a.licenses.length ? a.licenses.map((l, i) => [i ? ', ' : '', entityLink(l), l.use ? h('span.muted', ` (${title(l.use).toLowerCase()})`) : '']) : h('span.muted', 'none recorded')),
      h('td.path', a.steps.length ? pathText(m.entity, a.steps) : h('span.muted', 'itself')))))));
}
