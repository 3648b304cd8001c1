// lineage.js: "/e/{key}/lineage" — who used an entity's data (DOWNSTREAM) or
// whose data is in it (UPSTREAM), as a layered picture (sources on the left,
// users on the right) and as a table of hits with their paths, statuses and
// who says so.

import { lineageQuery, relationsQuery } from '../../lib/queries.js';
import { lineageModel, minStatusNote } from '../../lib/model.js';
import { STATUSES, STATUS_MEANING } from '../../lib/status.js';
import { KINDS } from '../../lib/url.js';
import { kindWord, phrase, title } from '../../lib/words.js';
import { h, replace, entityLink, kindBadge, statusBadge, note } from '../dom.js';
import { asOfControl, recordedAsOfControl, source, toolbar } from '../parts.js';
import { entityHeader, statements as statementList } from './entity.js';
import { drawPicture } from '../picture.js';
import { legend, pathText } from './shared.js';

// CHUNK is how many relations one request asks the statements of: the
// server's field budget (1000 selected fields) allows about 20.
const CHUNK = 18;

/** render draws the lineage view. */
export async function render(ctx) {
  const { state } = ctx;
  replace(ctx.main, h('p.loading', 'Walking the graph…'));
  const q = lineageQuery(state, ctx.features);
  const data = await ctx.query(q);
  if (ctx.stale()) return;
  performance.mark('wd:lineage-answer');
  if (!data.entity) {
    replace(ctx.main, h('h1', 'Nothing by that name'), h('p', `No entity has the key, name or alias “${state.key}”.`));
    return;
  }
  ctx.canonical(data.entity.key);
  const s = ctx.state;
  const down = s.direction === 'DOWNSTREAM';
  const name = data.entity.name;
  document.title = `${down ? 'Downstream of' : 'Upstream of'} ${name} · whosedata`;

  let model = lineageModel(data, s);
  let picture = null;
  const pictureBox = h('div.picture', { role: 'img', 'aria-label': `Layered picture of the lineage ${down ? 'downstream' : 'upstream'} of ${name}; the table below lists the same hits.` });
  const panel = h('aside.panel', { 'aria-live': 'polite' });
  const headline = () => replace(panel, ...headlines(ctx, model, (key) => picture && select(ctx, picture, panel, model, key, picture.cy.getElementById(key), headline)));
  headline();
  const tableBox = h('div.lineage-table');
  replace(ctx.main,
    entityHeader(ctx, data.entity, 'lineage'),
    controls(ctx, model),
    h('div.row', asOfControl(ctx, 'Only statements dated by then count, and only relations valid then are walked.'), recordedAsOfControl(ctx), toolbar(ctx, { picture: () => picture, name: `${data.entity.key.replace(/\//g, '_')}-${s.direction.toLowerCase()}` })),
    summary(ctx, model),
    model.total ? [h('div.picture-wrap', pictureBox, panel), legend(model.picture.edges.map((e) => e.status), true)] : '',
    tableBox,
    source(q));
  drawTable(ctx, tableBox, model);
  if (!model.total) return;

  const drawn = model.picture;
  const edges = drawn.edges.map((e) => (down || e.more ? e : { ...e, source: e.target, target: e.source }));
  const labelOf = (e) => (e.more ? '' : phrase(e.type, down ? e.forward : !e.forward).toLowerCase());
  picture = await drawPicture(pictureBox, { nodes: drawn.nodes, edges }, {
    layout: 'layered',
    labelOf,
    title: `${down ? 'Downstream of' : 'Upstream of'} ${name}`,
    mark: 'lineage-layout',
    onNode: (d, node) => {
      if (d.role === 'more') {
        ctx.update({ expand: [...s.expand, d.kind] });
        return;
      }
      select(ctx, picture, panel, model, d.id, node, headline);
    },
  });
  if (ctx.stale()) {
    picture.destroy();
    return;
  }
  ctx.onLeave(() => picture.destroy());
  performance.measure('wd:lineage-answer-to-drawn', 'wd:lineage-answer');
  document.body.dataset.drawn = 'lineage';

  // Who says so: the statements of every relation on a shown path, asked once per relation.
  const ids = [...new Set(model.groups.flatMap((g) => g.rows.flatMap((r) => r.relationIds)))];
  const full = new Map();
  const parts = [];
  for (let i = 0; i < ids.length; i += CHUNK) parts.push(ids.slice(i, i + CHUNK));
  const answers = await Promise.all(parts.map((part) => ctx.query(relationsQuery(part, ctx.features))));
  if (ctx.stale()) return;
  parts.forEach((part, k) => part.forEach((id, j) => answers[k][`r${j}`] && full.set(id, answers[k][`r${j}`])));
  model = lineageModel(data, s, full);
  drawTable(ctx, tableBox, model);
  document.body.dataset.claims = 'loaded';
}

function controls(ctx, model) {
  const s = ctx.state;
  return h('form.controls', { onsubmit: (ev) => ev.preventDefault(), 'aria-label': 'Lineage settings' },
    h('div.control',
      h('label', { for: 'direction' }, 'Direction'),
      h('select', { id: 'direction', onchange: (ev) => ctx.update({ direction: ev.target.value, expand: [] }) },
        h('option', { value: 'DOWNSTREAM', selected: s.direction === 'DOWNSTREAM' }, `Downstream: who used ${model.start.name}’s data`),
        h('option', { value: 'UPSTREAM', selected: s.direction === 'UPSTREAM' }, `Upstream: whose data is in ${model.start.name}`))),
    h('div.control',
      h('label', { for: 'min-status' }, 'At least'),
      h('select', { id: 'min-status', onchange: (ev) => ctx.update({ minStatus: ev.target.value }) },
        STATUSES.map((st) => h('option', { value: st, selected: st === s.minStatus }, `${st} — ${STATUS_MEANING[st]}`)))),
    h('fieldset.control.kinds',
      h('legend', 'Hits of kind'),
      KINDS.map((k) => h('label.chip',
        h('input', { type: 'checkbox', id: `kind-${k}`, checked: s.kinds.includes(k), onchange: (ev) => ctx.update({ kinds: ev.target.checked ? [...s.kinds, k] : s.kinds.filter((x) => x !== k) }) }),
        ` ${title(kindWord(k))}`)),
      s.kinds.length ? h('button.link-button', { type: 'button', onclick: () => ctx.update({ kinds: [] }) }, 'all kinds') : h('span.muted', ' (none ticked: all)')));
}

function summary(ctx, m) {
  const s = ctx.state;
  const who = m.start.name;
  const counts = m.groups.map((g) => kindWord(g.kind, g.total)).join(', ');
  return h('div.summary',
    h('p.lead', m.total
      ? `${m.total} ${s.direction === 'DOWNSTREAM' ? `entities used ${who}’s data` : `entities’ data is in ${who}`}${s.asOf ? ` as of ${s.asOf}` : ''}: ${counts}.`
      : `Nothing ${s.direction === 'DOWNSTREAM' ? `is downstream of ${who}` : `is upstream of ${who}`}${s.asOf ? ` as of ${s.asOf}` : ''} with these settings.`),
    note(minStatusNote(s.minStatus) + '.',
      m.leftOut && m.leftOut.count
        ? [` ${m.leftOut.count} more ${m.leftOut.count === 1 ? 'hit is' : 'hits are'} reached only through weaker claims. `,
            h('button.link-button', { type: 'button', onclick: () => ctx.update({ minStatus: 'RETRACTED' }) }, 'Show them, greyed')]
        : m.leftOut ? ' No hit is left out by it.' : ''),
    m.groups.some((g) => g.hidden)
      ? note('Models, products and organisations come first; long groups are cut: ',
          m.groups.filter((g) => g.hidden).map((g) => `${g.hidden} more ${kindWord(g.kind)} hidden`).join(', '), ' (the “more” buttons below, or the dashed boxes in the picture, show them).')
      : '');
}

function drawTable(ctx, box, m) {
  const s = ctx.state;
  replace(box,
    h('h2', 'Every hit, with its path'),
    m.groups.map((g) => h('section.kind-group', { dataset: { kind: g.kind } },
      h('h3', `${title(kindWord(g.kind))} (${g.total})`),
      h('div.table-scroll',
        h('table.hits',
          h('caption.visually-hidden', `${title(kindWord(g.kind))} ${s.direction === 'DOWNSTREAM' ? 'downstream' : 'upstream'} of ${m.start.name}`),
          h('thead', h('tr', h('th', { scope: 'col' }, 'Entity'), h('th', { scope: 'col' }, 'Depth'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'Path'), h('th', { scope: 'col' }, 'Who says so'))),
          h('tbody', g.rows.map((r) => h('tr', { class: r.weak ? 'weak' : '', dataset: { key: r.entity.key } },
            h('td', entityLink(r.entity), ' ', kindBadge(r.entity.kind)),
            h('td.num', String(r.depth)),
            h('td', statusBadge(r.status), r.weak ? h('span.weak-label', ' only weak claims') : ''),
            h('td.path', pathText(m.start, r.steps)),
            h('td.claims', r.claims ? statementList(r.claims) : h('span.muted', 'loading…'))))))),
      g.hidden
        ? h('button.more', { type: 'button', onclick: () => ctx.update({ expand: [...s.expand, g.kind] }) }, `Show ${g.hidden} more ${kindWord(g.kind)}`)
        : g.expanded && g.total > 12 && s.expand.includes(g.kind)
          ? h('button.link-button', { type: 'button', onclick: () => ctx.update({ expand: s.expand.filter((k) => k !== g.kind) }) }, `Show fewer ${kindWord(g.kind)}`)
          : '')));
}

// headlines is the panel before anything is clicked: the nearest models,
// products and organisations, the hits a reader usually looks for first.
function headlines(ctx, m, choose) {
  const top = m.groups.filter((g) => ['MODEL', 'PRODUCT', 'ORGANIZATION'].includes(g.kind)).flatMap((g) => g.rows).sort((a, b) => a.depth - b.depth).slice(0, 12);
  return [
    h('h3', top.length ? 'Nearest models, products and organisations' : 'Nothing but datasets'),
    top.length ? h('ul.headlines', top.map((r) => h('li', h('button.link-button', { type: 'button', onclick: () => choose(r.entity.key) }, r.entity.name), ' ', statusBadge(r.status), h('span.muted', ` depth ${r.depth}`)))) : '',
    h('p.muted', 'Click an entity in the picture, or a name here, to see its path and who says so.'),
  ];
}

function select(ctx, picture, panel, m, key, node, back) {
  const row = m.groups.flatMap((g) => g.rows).find((r) => r.entity.key === key);
  const cy = picture.cy;
  cy.elements().removeClass('faded');
  if (row) {
    const onPath = new Set([m.start.key, ...row.steps.map((st) => st.to.key)]);
    const rels = new Set(row.relationIds);
    cy.nodes().filter((n) => !onPath.has(n.id())).addClass('faded');
    cy.edges().filter((e) => !rels.has(e.id())).addClass('faded');
  }
  const d = node.data();
  replace(panel,
    h('h3', entityLink({ key, name: d.label.replace(/\n/g, ' ') })),
    kindBadge(d.kind),
    row ? [' ', statusBadge(row.status), h('p', `Depth ${row.depth}: `, pathText(m.start, row.steps)), row.claims ? statementList(row.claims) : ''] : h('p.muted', 'On the way to a hit.'),
    h('button.link-button', { type: 'button', onclick: () => { cy.elements().removeClass('faded'); cy.elements().unselect(); back(); } }, 'Back to the list'));
}
