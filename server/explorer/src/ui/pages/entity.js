// entity.js: "/e/{key}" — what an entity is, its names, and every relation
// grouped by type with its statements: who claims it, when, how strongly,
// on what evidence. A dispute also shows its parties, status and timeline.

import { entityQuery } from '../../lib/queries.js';
import { entityModel, safeURL } from '../../lib/model.js';
import { NOT_YET } from '../../lib/features.js';
import { DISPUTE_COLOR } from '../../lib/look.js';
import { title } from '../../lib/words.js';
import { h, replace, entityLink, kindBadge, statusBadge, external, hostOf, note } from '../dom.js';
import { asOfControl, recordedAsOfControl, notYet, source, tabs, toolbar } from '../parts.js';

const GROUP_CUT = 15;

/** render draws an entity's page. */
export async function render(ctx) {
  const { state } = ctx;
  replace(ctx.main, h('p.loading', 'Loading…'));
  const q = entityQuery(state, ctx.features);
  const data = await ctx.query(q);
  if (ctx.stale()) return;
  if (!data.entity) {
    document.title = 'Not found · whosedata';
    replace(ctx.main, h('h1', 'Nothing by that name'), h('p', `No entity has the key, name or alias “${state.key}”. Try the search above.`));
    return;
  }
  ctx.canonical(data.entity.key);
  const m = entityModel(data.entity, ctx.state, ctx.features);
  document.title = `${m.name} · whosedata`;
  replace(ctx.main,
    entityHeader(ctx, m),
    h('div.row', asOfControl(ctx, 'Relations and statuses are recomputed from the statements made by then.'), recordedAsOfControl(ctx), toolbar(ctx)),
    h('div.entity-body',
      h('div.entity-facts',
        names(ctx, m),
        attributes(m)),
      // A dispute's status and timeline are what its page is read for: in the wide column, first.
      h('div.entity-main',
        m.dispute ? dispute(ctx, m) : '',
        relations(ctx, m))),
    source(q));
}

/** entityHeader is the title block of an entity's views. */
export function entityHeader(ctx, e, view = 'entity') {
  return h('div.entity-head',
    h('div.entity-title', kindBadge(e.kind), h('h1', e.name), h('code.key', e.key)),
    e.description ? h('p.description', e.description) : '',
    tabs(ctx, e.key, view));
}

function names(ctx, m) {
  const feed = ctx.features.changes
    ? h('p.feed-line', h('a.feed', { href: `/feeds/entity/${encodeURIComponent(m.key)}.atom`, type: 'application/atom+xml' }, 'Atom feed'), ' of what is recorded about it')
    : '';
  return h('section.names', { 'aria-labelledby': 'names-h' },
    h('h2#names-h', 'Names'),
    h('ul.name-list', m.names.map((n) => h('li', { class: m.namesInUse && !m.namesInUse.includes(n.name) ? 'weak' : '' },
      h(n.primary ? 'strong' : 'span', n.name),
      n.primary ? h('span.muted', ' (name)') : '',
      n.validFrom || n.validTo ? h('span.name-dates', ` ${n.validFrom ? `from ${n.validFrom}` : ''}${n.validFrom && n.validTo ? ' ' : ''}${n.validTo ? `until ${n.validTo}` : n.validFrom ? ' on' : ''}`) : '',
      evidence(n.evidence)))),
    m.namesOverTime
      ? m.datedNames || m.names.length < 2 ? '' : note('No dates are recorded for these names: each is an alias the search knows.')
      : note(`When each name was in use is ${NOT_YET}.`),
    feed);
}

function attributes(m) {
  if (!m.attributes.length) return '';
  return h('section.attributes', { 'aria-labelledby': 'attrs-h' },
    h('h2#attrs-h', 'Facts'),
    h('dl', m.attributes.map((a) => [h('dt', title(a.key)), h('dd', safeURL(a.value) ? external(a.value, hostOf(a.value)) : a.value)])));
}

function dispute(ctx, m) {
  const d = m.dispute;
  const s = ctx.state;
  const when = d.statusAsOf ? ` as of ${s.asOf}` : s.asOf && !ctx.features.disputeStatus ? ` (its status now; the status as of a date is ${NOT_YET})` : ' now';
  return h('section.dispute', { 'aria-labelledby': 'dispute-h' },
    h('h2#dispute-h', 'The dispute'),
    h('p.dispute-status',
      d.status ? h('span.badge.status', { style: { background: DISPUTE_COLOR[d.status] || '#4b5563' }, dataset: { disputeStatus: d.status } }, d.status) : 'No status recorded',
      h('span.muted', when),
      s.recordedAsOf ? h('span.muted', `, as recorded by ${s.recordedAsOf.replace('T', ' ').replace('Z', ' UTC')}`) : '',
      d.date ? h('span', ` · since ${d.date}`) : ''),
    d.forum ? h('p.forum', h('span.muted', 'Forum: '), d.forum) : '',
    h('h3', `Parties (${d.parties.length})`),
    d.parties.length
      ? h('ul.parties', d.parties.map((p) => h('li', { class: p.weak ? 'weak' : '' }, entityLink(p.entity), ' ', kindBadge(p.entity.kind), p.role ? h('span.role', ` ${title(p.role)}`) : '', ' ', statusBadge(p.status))))
      : h('p', 'No party is recorded.'),
    d.concerns.length ? [h('h3', 'At stake'), h('ul', d.concerns.map((c) => h('li', entityLink(c.entity), ' ', kindBadge(c.entity.kind))))] : '',
    h('h3', 'Timeline'),
    d.events === null
      ? notYet('A dispute’s timeline of events')
      : d.events.length
        ? [
            h('ol.timeline', d.events.map((e) => h('li', { class: [e.after ? 'after' : '', e.retracted ? 'weak retracted' : ''].filter(Boolean).join(' '), dataset: { status: e.status } },
              h('div.event-head',
                h('time', { datetime: e.date }, e.date), ' ',
                h('span.badge.status', { style: { background: DISPUTE_COLOR[e.status] || '#4b5563' } }, e.status),
                e.retracted ? h('span.weak-label', ' retracted') : '',
                e.after ? h('span.muted', ` (after ${s.asOf}: not counted)`) : ''),
              h('div.event-summary', e.summary),
              e.forum ? h('div.muted', e.forum) : '',
              e.retracted && e.retractedReason ? h('div.muted', `Retracted: ${e.retractedReason}`) : '',
              evidence(e.evidence)))),
            d.retracted ? note(`${d.retracted} ${d.retracted === 1 ? 'event was' : 'events were'} retracted: kept greyed for the record, not counted for the status.`) : '',
            d.laterEvents ? note(`${d.laterEvents} ${d.laterEvents === 1 ? 'event' : 'events'} recorded after ${s.recordedAsOf} left out.`) : '',
          ]
        : h('p', d.laterEvents ? `No event was recorded yet by ${s.recordedAsOf}.` : 'No events are recorded.'));
}

function relations(ctx, m) {
  const shown = m.groups.reduce((n, g) => n + g.shown, 0);
  const toggle = h('label.toggle',
    h('input', { type: 'checkbox', id: 'show-weak', checked: ctx.state.weak !== 'hide', onchange: (ev) => ctx.update({ weak: ev.target.checked ? 'show' : 'hide' }) }),
    ` Show denied and retracted claims (${m.weak})`);
  return h('section.relations', { 'aria-labelledby': 'rel-h' },
    h('h2#rel-h', `Relations (${shown})`),
    m.weak ? toggle : '',
    m.weak
      ? note(ctx.state.weak === 'hide'
          ? `${m.weak} relations whose claims are only denied or retracted are hidden.`
          : `${m.weak} relations are only denied or retracted: shown greyed, because a denial is news. Lineage leaves them out by default (minStatus DISPUTED).`)
      : '',
    m.notYet ? note(`${m.notYet} relations had no statement yet on ${ctx.state.asOf} (or were not valid then) and are left out.`) : '',
    m.laterStatements ? note(`${m.laterStatements} statements made after ${ctx.state.asOf} are left out.`) : '',
    m.total > m.fetched ? note(`Showing the first ${m.fetched} of ${m.total} relations.`) : '',
    m.groups.length ? '' : h('p', 'No relations.'),
    m.groups.map((g) => group(g)));
}

function group(g) {
  const items = g.items.filter((i) => !i.hidden);
  if (!items.length) return '';
  const list = h('ul.relation-list');
  const more = items.length > GROUP_CUT ? h('button.link-button', { type: 'button', onclick: () => { fill(items); more.remove(); } }, `Show all ${items.length}`) : '';
  const fill = (which) => replace(list, which.map(relationItem));
  fill(items.slice(0, GROUP_CUT));
  return h('section.group', { dataset: { type: g.type, dir: g.out ? 'out' : 'in' } },
    h('h3', `${g.label} `, h('span.muted', `(${items.length}) · ${g.type}`)),
    list,
    more);
}

function relationItem(i) {
  const attrs = i.attributes.filter((a) => a.key !== 'role');
  return h('li.relation', { class: i.weak ? 'weak' : '', dataset: { status: i.status } },
    h('div.relation-head',
      entityLink(i.other), ' ', kindBadge(i.other.kind), ' ', statusBadge(i.status),
      i.weak ? h('span.weak-label', i.status === 'DENIED' ? ' denied by the party concerned' : ' every claim withdrawn') : '',
      i.status !== i.recordedStatus ? h('span.muted', ` (${i.recordedStatus} today)`) : '',
      i.validFrom || i.validTo ? h('span.muted', ` · held ${i.validFrom || '…'} – ${i.validTo || 'now'}`) : '',
      attrs.length ? h('span.attrs', ' · ' + attrs.map((a) => `${a.key}: ${a.value}`).join(' · ')) : '',
      i.attributes.find((a) => a.key === 'role') ? h('span.role', ` · role: ${i.attributes.find((a) => a.key === 'role').value}`) : ''),
    statements(i.statements),
    i.later ? h('p.muted', `${i.later} later statements left out.`) : '');
}

/** statements lists who claims a relation, when, how strongly and on what evidence. */
export function statements(list) {
  if (!list || !list.length) return '';
  return h('ul.statements', list.map((s) => h('li.statement', { class: s.weak ? 'weak' : '', dataset: { status: s.status } },
    h('div.statement-head',
      statusBadge(s.status),
      ' ',
      s.claimedBy ? h('span.claimant', 'claimed by ', entityLink(s.claimedBy)) : h('span.claimant.muted', 'unattributed'),
      s.date ? h('span.date', ` · ${s.date}`) : h('span.date.muted', ' · undated'),
      s.dispute ? h('span', ' · in ', entityLink(s.dispute)) : '',
      s.previousStatus ? h('span.muted', ` · was ${s.previousStatus}`) : '',
      s.retractedReason ? h('span.muted', ` · retracted: ${s.retractedReason}`) : ''),
    s.note ? h('p.statement-note', s.note) : '',
    evidence(s.evidence))));
}

/** evidence lists evidence: the quote, then where it is (the document, the link) and what kind of source published it. */
export function evidence(list) {
  if (!list || !list.length) return '';
  return h('ul.evidence', list.map((e) => h('li',
    e.quote ? h('blockquote', `“${e.quote}”`) : '',
    h('span.evidence-source',
      e.document ? ['in ', entityLink(e.document)] : '',
      e.document && e.url ? ' · ' : '',
      e.url ? external(e.url, e.source && e.source.name ? e.source.name : hostOf(e.url)) : '',
      e.source && e.source.word ? h('span.source-kind', { dataset: { sourceKind: e.source.kind } }, e.source.word) : ''))));
}
