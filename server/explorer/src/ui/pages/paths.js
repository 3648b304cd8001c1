// paths.js: "/paths?from=&to=" — how two entities connect: the shortest
// paths between them (relations taken either way), drawn together and
// listed one by one with who says so.

import { pathsQuery } from '../../lib/queries.js';
import { pathsModel, statementView } from '../../lib/model.js';
import { formatURL } from '../../lib/url.js';
import { phrase } from '../../lib/words.js';
import { h, replace, statusBadge, note } from '../dom.js';
import { asOfControl, searchBox, source, toolbar } from '../parts.js';
import { statements as statementList } from './entity.js';
import { drawPicture } from '../picture.js';
import { legend, pathText } from './shared.js';

/** render draws the paths page. */
export async function render(ctx) {
  const s = ctx.state;
  document.title = 'How do they connect? · whosedata';
  let from = s.from;
  let to = s.to;
  const fromBox = searchBox(ctx, { label: 'From', id: 'paths-from', value: s.from, placeholder: 'From: Elon Musk', onPick: (e) => { from = e.key; if (to) ctx.update({ from, to }); } });
  const toBox = searchBox(ctx, { label: 'To', id: 'paths-to', value: s.to, placeholder: 'To: Microsoft', onPick: (e) => { to = e.key; if (from) ctx.update({ from, to }); } });
  const depth = h('select', { id: 'max-depth', onchange: (ev) => ctx.update({ maxDepth: Number(ev.target.value) }) },
    [1, 2, 3, 4, 5, 6].map((d) => h('option', { value: String(d), selected: d === s.maxDepth }, `at most ${d} steps`)));
  const body = h('div.paths-body');
  replace(ctx.main,
    h('h1', 'How do two entities connect?'),
    h('form.controls.paths-form', { onsubmit: (ev) => { ev.preventDefault(); ctx.update({ from: fromBox.input.value.trim() || from, to: toBox.input.value.trim() || to }); } },
      h('div.control', h('span.control-label', 'From'), fromBox.el),
      h('div.control', h('span.control-label', 'To'), toBox.el),
      h('div.control', h('label', { for: 'max-depth' }, 'Length'), depth),
      h('button', { type: 'submit' }, 'Find paths')),
    body);
  if (!s.from || !s.to) {
    replace(body, h('p', 'Pick two entities. Try ', h('a', { href: formatURL({ view: 'paths', from: 'elon-musk', to: 'microsoft', maxDepth: 4 }), 'data-nav': '' }, 'Elon Musk and Microsoft'), '.'));
    return;
  }
  replace(body, h('p.loading', 'Searching…'));
  const q = pathsQuery(s, ctx.features);
  const data = await ctx.query(q);
  if (ctx.stale()) return;
  const m = pathsModel(data, s);
  if (!m.from || !m.to) {
    replace(body, h('p', `No entity is called “${!m.from ? s.from : s.to}”.`));
    return;
  }
  if (m.from.key !== s.from || m.to.key !== s.to) {
    ctx.state = { ...s, from: m.from.key, to: m.to.key };
    history.replaceState(null, '', formatURL(ctx.state));
  }
  fromBox.input.value = m.from.name;
  toBox.input.value = m.to.name;
  let picture = null;
  const pictureBox = h('div.picture.picture-paths', { role: 'img', 'aria-label': `Picture of the paths between ${m.from.name} and ${m.to.name}; the list below gives the same.` });
  replace(body,
    h('div.row', asOfControl(ctx, 'Paths whose relations had no statement yet then are left out.'), toolbar(ctx, { picture: () => picture, name: `paths-${m.from.key}-${m.to.key}`.replace(/\//g, '_') })),
    h('p.lead', m.paths.length ? `${m.paths.length} shortest paths between ${m.from.name} and ${m.to.name} (relations read either way).` : `No path of at most ${s.maxDepth} steps joins ${m.from.name} and ${m.to.name}.`),
    m.broken ? note(`${m.broken} paths are left out: a relation on them had no statement yet on ${s.asOf}.`) : '',
    m.paths.length ? [pictureBox, legend(m.picture.edges.map((e) => e.status), true)] : '',
    h('ol.path-list', m.paths.map((p) => h('li', { class: p.weak ? 'weak' : '' },
      h('div', statusBadge(p.status), ' ', pathText(m.from, p.steps)),
      h('details', h('summary', 'Who says so'),
        p.steps.map((st) => h('div.path-step', h('h4', `${st.rel.from.name} ${phrase(st.rel.type, true).toLowerCase()} ${st.rel.to.name}`), statementList((st.rel.statements || []).map(statementView)))))))),
    source(q));
  if (!m.paths.length) return;
  picture = await drawPicture(pictureBox, m.picture, { layout: 'layered', labelOf: (e) => phrase(e.type, e.forward).toLowerCase(), title: `${m.from.name} to ${m.to.name}`, mark: 'paths-layout', onNode: (d) => ctx.go(formatURL({ view: 'entity', key: d.id })) });
  if (ctx.stale()) {
    picture.destroy();
    return;
  }
  ctx.onLeave(() => picture.destroy());
  document.body.dataset.drawn = 'paths';
}
