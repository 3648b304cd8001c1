// home.js: "/" — the search box, questions to start from, disputes by status
// and the latest changes.

import { homeQuery, searchQuery } from '../../lib/queries.js';
import { MATCHED_WORDS, homeModel, searchModel } from '../../lib/model.js';
import { NOT_YET } from '../../lib/features.js';
import { DISPUTE_COLOR } from '../../lib/look.js';
import { entityPath } from '../../lib/url.js';
import { title } from '../../lib/words.js';
import { h, replace, entityLink, kindBadge, note } from '../dom.js';
import { asOfControl, searchBox, snippetText, source, toolbar } from '../parts.js';

const QUESTIONS = [
  ['Who used Twitter’s data?', '/e/twitter/lineage?direction=DOWNSTREAM'],
  ['Whose data is in Stable Diffusion?', '/e/stable-diffusion/lineage?direction=UPSTREAM'],
  ['How are Elon Musk and Microsoft connected?', '/paths?from=elon-musk&to=microsoft'],
  ['Musk’s 2023 threat to sue Microsoft', '/e/musk-v-microsoft-twitter-data'],
  ['OpenAI and everything around it', '/e/openai/graph'],
  ['Getty Images v. Stability AI', '/e/getty-images-v-stability-ai'],
];

/** render draws the home page. */
export async function render(ctx) {
  const { state } = ctx;
  document.title = 'whosedata · who trained on whose data';
  const box = searchBox(ctx, { label: 'Search entities', value: state.q, autofocus: true, id: 'home-search' });
  const results = h('section.results', { 'aria-label': 'Search results' });
  const body = h('div.home-body', h('p.loading', 'Loading…'));
  replace(ctx.main,
    h('section.hero',
      h('h1', 'Who trained on whose data?'),
      h('p.lead', 'Every link here is a claim: who says it, how strongly, since when, on what evidence. Search a company, person, dataset, model, product or dispute.'),
      box.el,
      h('nav.questions', { 'aria-label': 'Questions to start from' },
        h('span', 'Start from a question: '),
        QUESTIONS.map(([text, href]) => h('a.question', { href, 'data-nav': '' }, text)))),
    results,
    h('div.row', asOfControl(ctx, 'Disputes are shown as they stood then.'), toolbar(ctx)),
    body);
  box.input.focus();

  if (state.q) {
    const q = searchQuery(state.q, ctx.features, 20);
    const list = searchModel(await ctx.query(q), state.q);
    if (ctx.stale()) return;
    replace(results,
      h('h2', `Results for “${state.q}”`),
      ctx.features.searchHits ? h('p.muted', 'Names and aliases first, then descriptions, quotes from the evidence and dispute timelines that hold every word.') : '',
      list.length
        ? h('ol.result-list', list.map((r) => h('li.result', { dataset: { key: r.entity.key, matched: r.matched } },
            h('div.result-head', entityLink(r.entity), ' ', kindBadge(r.entity.kind), ' ', h('span.matched', `matched: ${MATCHED_WORDS[r.matched] || r.matched}`)),
            r.parts.length ? h('p.result-snippet', snippetText(r.parts)) : '')))
        : h('p', 'Nothing found.'));
  }

  const q = homeQuery(state, ctx.features);
  const data = await ctx.query(q);
  if (ctx.stale()) return;
  const m = homeModel(data, state, ctx.features);
  replace(body,
    h('p.stats', `The graph holds ${m.stats.entities.toLocaleString('en')} entities, ${m.stats.relations.toLocaleString('en')} relations and ${m.stats.statements.toLocaleString('en')} statements.`),
    h('div.columns',
      h('section.disputes', { 'aria-labelledby': 'disputes-h' },
        h('h2#disputes-h', `Disputes by status (${m.total})`),
        !ctx.features.disputeStatus ? note(`Statuses are each dispute’s recorded status; the status as of a date is ${NOT_YET}.`) : '',
        m.later ? note(`${m.later} disputes begun after ${state.asOf} are left out.`) : '',
        m.groups.map((g) =>
          h('details.dispute-group', { open: g.items.length <= 12 },
            h('summary', h('span.badge.status', { style: { background: DISPUTE_COLOR[g.status] || '#4b5563' } }, g.status), ` ${g.items.length}`),
            h('ul', g.items.map((d) => h('li', entityLink(d), d.date ? h('span.muted', ` · ${d.date}`) : '')))))),
      h('section.changes', { 'aria-labelledby': 'changes-h' },
        h('h2#changes-h', 'Latest changes'),
        m.changes ? changes(m.changes) : note(`The change log (what was recorded when) is ${NOT_YET}.`))),
    source(q));
}

function changes(c) {
  const feed = h('a.feed', { href: '/feeds/changes.atom', type: 'application/atom+xml' }, 'Atom feed of changes');
  if (!c.items.length) return [h('p', 'Nothing is recorded yet.'), h('p', feed)];
  return [
    h('p.muted', `The latest ${c.items.length} of ${c.total.toLocaleString('en')} changes this store recorded, oldest first. `, feed),
    h('ol.change-list', c.items.map((ch) => h('li',
      h('time', ch.at.slice(0, 16).replace('T', ' ')), ' ',
      h('span.badge.plain', title(ch.kind)), ' ',
      ch.entity ? h('a', { href: entityPath(ch.entity.key), 'data-nav': '' }, ch.entity.name) : '',
      ch.alias ? h('span', ` “${ch.alias}”`) : '',
      ch.relation ? h('span', ` ${ch.relation.from.name} ${title(ch.relation.type).toLowerCase()} ${ch.relation.to.name}`) : '',
      ch.statement ? h('span.muted', ` (${ch.statement.status}${ch.statement.claimedBy ? ', ' + ch.statement.claimedBy.name : ''})`) : '',
      ch.event ? h('span.muted', ` ${ch.event.date} ${ch.event.status}: ${ch.event.summary}`) : '',
      ch.reason ? h('span.muted', ` — ${ch.reason}`) : '')))];
}
