// graph.js: "/e/{key}/graph" — the neighbourhood as an interactive picture.
// Click an entity to expand it (its own neighbours join the picture), hide
// entities, filter by relation type and status, click a line for the
// statements and evidence behind it. Everything done is in the URL.

import { expandQuery, graphQuery, relationsQuery } from '../../lib/queries.js';
import { KIND_CUT, asRecorded, graphModel, statementView } from '../../lib/model.js';
import { STATUS_MEANING } from '../../lib/status.js';
import { GRAPH_DEPTHS, formatURL } from '../../lib/url.js';
import { STATUS_LINE, statusColor } from '../../lib/look.js';
import { kindWord, phrase, title } from '../../lib/words.js';
import { h, replace, entityLink, kindBadge, statusBadge, note } from '../dom.js';
import { asOfControl, recordedAsOfControl, source, toolbar } from '../parts.js';
import { entityHeader, statements as statementList } from './entity.js';
import { FORCE_POLISH, drawPicture } from '../picture.js';
import { legend } from './shared.js';

// Where each entity was drawn, per start entity, so that filtering, hiding
// and expanding keep what the reader has already seen in place.
const remembered = new Map();

/** render draws the neighbourhood view. */
export async function render(ctx) {
  const { state } = ctx;
  if (!ctx.main.querySelector('.picture')) replace(ctx.main, h('p.loading', 'Gathering the neighbourhood…'));
  const q = graphQuery({ ...state, expand: [] }, ctx.features);
  const rec = ctx.features.recordedAsOf ? state.recordedAsOf : '';
  const [data, ...extra] = await Promise.all([
    ctx.query(q),
    ...state.expand.map((k) => ctx.query(expandQuery(k, rec)).then((d) => d.n).catch(() => null)),
  ]);
  if (ctx.stale()) return;
  performance.mark('wd:graph-answer');
  if (!data.entity) {
    replace(ctx.main, h('h1', 'Nothing by that name'), h('p', `No entity has the key, name or alias “${state.key}”.`));
    return;
  }
  ctx.canonical(data.entity.key);
  const s = ctx.state;
  const m = graphModel(data, s, extra);
  document.title = `Around ${data.entity.name} · whosedata`;

  let picture = null;
  const pictureBox = h('div.picture.picture-graph', { role: 'img', 'aria-label': `Picture of the entities within ${s.depth} relations of ${data.entity.name}; the tables below list the same.` });
  const panel = h('aside.panel', { 'aria-live': 'polite' }, h('p.muted', 'Click an entity to expand it, a line to read its statements.'));
  const tables = h('details.as-table', { ontoggle: (ev) => ev.target.open && fillTables(ctx, tables, m) },
    h('summary', `The picture as tables: ${m.nodes.length} entities, ${m.edges.length} relations`));
  replace(ctx.main,
    entityHeader(ctx, data.entity, 'graph'),
    controls(ctx, m),
    h('div.row', asOfControl(ctx, 'Relations are shown with the status their statements made by then give them.'), recordedAsOfControl(ctx), toolbar(ctx, { picture: () => picture, name: `${data.entity.key.replace(/\//g, '_')}-graph` })),
    summary(ctx, m),
    h('div.picture-wrap', pictureBox, panel),
    legend(m.edges.map((e) => e.status), true),
    tables,
    source(q));

  const mem = remembered.get(data.entity.key + ':' + s.depth) || new Map();
  picture = await drawPicture(pictureBox, { nodes: m.nodes, edges: m.edges }, {
    layout: 'force',
    labelOf: (e) => phrase(e.type, true).toLowerCase(),
    title: `Around ${data.entity.name}`,
    mark: 'graph-layout',
    positions: mem,
    near: s.expand[s.expand.length - 1] || '',
    onNode: (d) => {
      if (d.role === 'more') ctx.update({ all: [...(s.all || []), d.kind] });
      else if (d.role === 'node') ctx.update({ expand: [...s.expand, d.id] });
      else nodePanel(ctx, panel, d, m);
    },
    onEdge: (d) => edgePanel(ctx, panel, d),
  });
  if (ctx.stale()) {
    picture.destroy();
    return;
  }
  remembered.set(data.entity.key + ':' + s.depth, picture.positions());
  ctx.onLeave(() => {
    remembered.set(data.entity.key + ':' + s.depth, picture.positions());
    picture.destroy();
  });
  performance.measure('wd:graph-answer-to-drawn', 'wd:graph-answer');
  document.body.dataset.drawn = 'graph';
  document.body.dataset.nodes = String(m.nodes.length);
  const last = s.expand[s.expand.length - 1];
  if (last) {
    const d = m.nodes.find((n) => n.id === last);
    if (d) nodePanel(ctx, panel, d, m);
  }
}

function chip(id, checked, text, onchange, style) {
  return h('label.chip', style ? { style } : null, h('input', { type: 'checkbox', id, checked, onchange }), text);
}

function controls(ctx, m) {
  const s = ctx.state;
  const toggle = (list, v, on) => (on ? [...list, v] : list.filter((x) => x !== v));
  return h('form.controls', { onsubmit: (ev) => ev.preventDefault(), 'aria-label': 'Neighbourhood settings' },
    h('div.control',
      h('label', { for: 'depth' }, 'Depth'),
      h('select', { id: 'depth', onchange: (ev) => ctx.update({ depth: Number(ev.target.value), expand: [], hide: [] }) },
        GRAPH_DEPTHS.map((d) => h('option', { value: String(d), selected: d === s.depth }, `${d} ${d === 1 ? 'step' : 'steps'}`)))),
    h('fieldset.control.filter',
      h('legend', 'Relation types ', s.types.length ? h('button.link-button', { type: 'button', onclick: () => ctx.update({ types: [] }) }, 'all') : h('span.muted', '(none ticked: all)')),
      m.byType.map(({ type, count }) => chip(`type-${type}`, s.types.includes(type), ` ${title(type)} (${count})`, (ev) => ctx.update({ types: toggle(s.types, type, ev.target.checked) })))),
    h('fieldset.control.filter',
      h('legend', 'Statuses ', s.status.length ? h('button.link-button', { type: 'button', onclick: () => ctx.update({ status: [] }) }, 'all') : h('span.muted', '(none ticked: all)')),
      m.byStatus.map(({ status, count }) => chip(`status-${status}`, s.status.includes(status),
        [h('span.swatch-line', { style: { borderTopColor: statusColor(status), borderTopStyle: STATUS_LINE[status] } }), ` ${status} (${count})`],
        (ev) => ctx.update({ status: toggle(s.status, status, ev.target.checked) }), null))),
    h('fieldset.control.filter',
      h('legend', 'Kinds ', (s.kinds || []).length ? h('button.link-button', { type: 'button', onclick: () => ctx.update({ kinds: [] }) }, 'all') : h('span.muted', '(none ticked: all)')),
      m.byKind.map(({ kind, count }) => chip(`kind-${kind}`, (s.kinds || []).includes(kind), ` ${title(kindWord(kind))} (${count})`, (ev) => ctx.update({ kinds: toggle(s.kinds || [], kind, ev.target.checked) })))),
    s.hide.length
      ? h('div.control.hidden-list', h('span', 'Hidden: '), s.hide.map((k) => h('button.chip-button', { type: 'button', title: 'Show again', onclick: () => ctx.update({ hide: s.hide.filter((x) => x !== k) }) }, `${k} ✕`)))
      : '');
}

function summary(ctx, m) {
  const s = ctx.state;
  const bits = [];
  if (m.nodes.length > FORCE_POLISH) bits.push(`with this many entities the picture is rings around ${m.start.name}, one ring per step: zoom in, or filter by type or status`);
  if (m.capped) bits.push(`only the nearest ${m.nodes.length} entities are asked for`);
  if (m.filtered) bits.push(`${m.filtered} relations hidden by the filters`);
  if (m.kindHidden) bits.push(`${m.kindHidden} entities of kinds not ticked are left out`);
  if (m.isolated) bits.push(`${m.isolated} entities left without a relation by them are hidden`);
  if (m.notYet) bits.push(`${m.notYet} relations had no statement yet on ${s.asOf}`);
  if (m.hidden.length) bits.push(`${m.hidden.length} entities hidden by you`);
  const folded = m.cut.length
    ? note(...m.cut.map((c, i) => [i ? ' ' : '',
        `${c.folded} of the ${kindWord(c.kind, c.total)} are folded into the dashed “+N” boxes beside the entity they hang from (more than ${KIND_CUT}; those next to ${m.start.name} stay). `,
        h('button.link-button', { type: 'button', 'data-unfold': c.kind, onclick: () => ctx.update({ all: [...(s.all || []), c.kind] }) }, `Draw all ${kindWord(c.kind, c.total)}`)]))
    : (s.all || []).length
      ? note(h('button.link-button', { type: 'button', onclick: () => ctx.update({ all: [] }) }, `Fold ${s.all.map((k) => kindWord(k)).join(' and ')} again`))
      : '';
  return h('div.summary',
    folded,
    h('p.lead', `${m.nodes.filter((n) => n.role !== 'more').length} entities and ${m.edges.filter((e) => !e.more).length} relations within ${s.depth} ${s.depth === 1 ? 'step' : 'steps'} of ${m.start.name}${s.expand.length ? `, and around ${s.expand.length} expanded` : ''}.`),
    bits.length ? note(bits.join('; ').replace(/^./, (c) => c.toUpperCase()) + '.') : '',
    note('Click an entity to add its neighbours; click a line for who says so. Retracted relations are not drawn.'));
}

function nodePanel(ctx, panel, d, m) {
  const s = ctx.state;
  const key = d.id;
  const expanded = d.role === 'expanded' || d.role === 'start';
  replace(panel,
    h('h3', entityLink({ key, name: d.label.replace(/\n/g, ' ') })),
    kindBadge(d.kind),
    h('p', `${d.degree} relations shown.`, expanded && d.role !== 'start' ? ' Expanded.' : ''),
    h('div.panel-actions',
      !expanded ? h('button', { type: 'button', onclick: () => ctx.update({ expand: [...s.expand, key] }) }, 'Expand') : '',
      d.role !== 'start' ? h('button', { type: 'button', onclick: () => ctx.update({ hide: [...s.hide, key], expand: s.expand.filter((k) => k !== key) }) }, 'Hide') : '',
      h('a.button', { href: formatURL({ view: 'graph', key, depth: 1, asOf: s.asOf, types: [], status: [], hide: [], expand: [] }), 'data-nav': '' }, 'Centre here'),
      h('a.button', { href: formatURL({ view: 'lineage', key, direction: 'DOWNSTREAM', asOf: s.asOf, kinds: [], expand: [] }), 'data-nav': '' }, 'Lineage')));
}

async function edgePanel(ctx, panel, d) {
  replace(panel, h('p.loading', 'Reading the statements…'));
  const answer = await ctx.query(relationsQuery([d.id], ctx.features));
  const rel = answer.r0;
  if (!rel) {
    replace(panel, h('p', 'This relation is no longer there.'));
    return;
  }
  replace(panel,
    h('h3', entityLink(rel.from), ` ${phrase(rel.type, true).toLowerCase()} `, entityLink(rel.to)),
    statusBadge(d.status), d.status !== rel.status ? h('span.muted', ` (${rel.status} today)`) : '',
    h('p.muted', STATUS_MEANING[d.status] || ''),
    statementList(asRecorded(rel.statements, ctx.state.recordedAsOf).map(statementView)));
}

function fillTables(ctx, box, m) {
  if (box.dataset.filled) return;
  box.dataset.filled = '1';
  const s = ctx.state;
  const names = new Map(m.nodes.map((n) => [n.id, n]));
  box.append(
    h('h3', 'Entities'),
    h('div.table-scroll', h('table',
      h('thead', h('tr', h('th', { scope: 'col' }, 'Entity'), h('th', { scope: 'col' }, 'Kind'), h('th', { scope: 'col' }, 'Relations'), h('th', { scope: 'col' }, 'Act'))),
      h('tbody', m.nodes.filter((n) => n.role !== 'more').map((n) => h('tr',
        h('td', entityLink({ key: n.id, name: n.label })),
        h('td', kindBadge(n.kind)),
        h('td.num', String(n.degree)),
        h('td', n.role === 'node' ? h('button.link-button', { type: 'button', onclick: () => ctx.update({ expand: [...s.expand, n.id] }) }, 'expand') : '',
          n.role !== 'start' ? [' ', h('button.link-button', { type: 'button', onclick: () => ctx.update({ hide: [...s.hide, n.id] }) }, 'hide')] : '')))))),
    h('h3', 'Relations'),
    h('div.table-scroll', h('table',
      h('thead', h('tr', h('th', { scope: 'col' }, 'From'), h('th', { scope: 'col' }, 'Relation'), h('th', { scope: 'col' }, 'To'), h('th', { scope: 'col' }, 'Status'))),
      h('tbody', m.edges.filter((e) => !e.more).map((e) => h('tr', { class: e.weak ? 'weak' : '' },
        h('td', entityLink({ key: e.source, name: names.get(e.source)?.label || e.source })),
        h('td', title(e.type)),
        h('td', entityLink({ key: e.target, name: names.get(e.target)?.label || e.target })),
        h('td', statusBadge(e.status))))))));
}
