// home.js: "/" — the search box, questions to start from, disputes by status
// and the latest changes.

import { homeQuery, searchQuery } from '../../lib/queries.js';
import { homeModel, searchModel } from '../../lib/model.js';
import { NOT_YET } from '../../lib/features.js';
import { DISPUTE_COLOR } from '../../lib/look.js';
import { entityPath } from '../../lib/url.js';
import { title } from '../../lib/words.js';
import { h, replace, entityLink, kindBadge, note } from '../dom.js';
import { asOfControl, searchBox, source, toolbar } from '../parts.js';

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
    const list = searchModel(await ctx.query(q));
    if (ctx.stale()) return;
    replace(results,
      h('h2', `Results for “${state.q}”`),
      list.length
        ? h('ul.result-list', list.map((r) => h('li', entityLink(r.entity), ' ', kindBadge(r.entity.kind), r.snippet ? h('span.snippet', ` ${r.matched}: ${r.snippet}`) : '')))
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
  if (!c.items.length) return h('p', 'Nothing was recorded in the last 7 days.');
  return [
    h('p.muted', `${c.total} changes recorded in the last 7 days; the first ${c.items.length}, oldest first. `, h('a', { href: '/feeds/changes.atom' }, 'Atom feed')),
    h('ol.change-list', c.items.map((ch) => h('li',
      h('time', ch.at.slice(0, 16).replace('T', ' ')), ' ',
      h('span.badge.plain', title(ch.kind)), ' ',
      ch.entity ? h('a', { href: entityPath(ch.entity.key), 'data-nav': '' }, ch.entity.name) : '',
      ch.relation ? h('span', ` ${ch.relation.from.name} ${title(ch.relation.type).toLowerCase()} ${ch.relation.to.name}`) : '',
      ch.statement ? h('span.muted', ` (${ch.statement.status}${ch.statement.claimedBy ? ', ' + ch.statement.claimedBy.name : ''})`) : '',
      ch.event ? h('span.muted', ` ${ch.event.date} ${ch.event.status}: ${ch.event.summary}`) : '',
      ch.reason ? h('span.muted', ` — ${ch.reason}`) : '')))];
}
