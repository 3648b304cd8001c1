// parts.js: pieces every page uses: the search box with type-ahead, the
// asOf control, the toolbar (permalink, PNG, SVG, GraphiQL), the tabs of an
// entity, and the panel that shows the GraphQL behind a view.

import { searchQuery } from '../lib/queries.js';
import { MATCHED_WORDS, searchModel } from '../lib/model.js';
import { inputFromInstant, instantFromInput, isDate, today } from '../lib/status.js';
import { entityPath, formatURL } from '../lib/url.js';
import { title } from '../lib/words.js';
import { h, kindBadge, replace, note } from './dom.js';
import { downloadBlob } from './picture.js';

let uid = 0;

/**
 * searchBox returns a combobox: typing asks the server (names and aliases,
 * and full text when it has it) and lists matches with their kinds; arrows
 * move, Enter opens the highlighted (or first) match, Escape closes. onPick
 * gets the chosen entity; by default it opens its page.
 */
export function searchBox(ctx, { label = 'Search', placeholder = 'A name or alias: X Corp, LLaMA 2, Getty Images…', value = '', onPick, id, autofocus = false } = {}) {
  const n = ++uid;
  const listId = `search-list-${n}`;
  const input = h('input.search-input', {
    id: id || `search-${n}`,
    type: 'search',
    role: 'combobox',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-autocomplete': 'list',
    'aria-expanded': 'false',
    'aria-controls': listId,
    placeholder,
    value,
  });
  if (autofocus) input.autofocus = true;
  const list = h('ul.search-list', { id: listId, role: 'listbox', hidden: true, 'aria-label': label + ' results' });
  const status = h('span.visually-hidden', { 'aria-live': 'polite' });
  let items = [];
  let active = -1;
  let timer = 0;
  let seq = 0;
  const pick = onPick || ((e) => ctx.go(entityPath(e.key)));

  function close() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }
  function highlight(i) {
    active = i;
    [...list.children].forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
    if (i >= 0 && list.children[i]) {
      input.setAttribute('aria-activedescendant', list.children[i].id);
      list.children[i].scrollIntoView({ block: 'nearest' });
    }
  }
  function show(results, text) {
    items = results;
    replace(
      list,
      results.length
        ? results.map((r, i) =>
            h('li.search-item', { id: `${listId}-${i}`, role: 'option', 'aria-selected': 'false', onmousedown: (ev) => { ev.preventDefault(); choose(i); } },
              h('span.search-name', r.entity.name),
              kindBadge(r.entity.kind),
              matchNote(r, text)))
        : [h('li.search-empty', { role: 'option', 'aria-disabled': 'true' }, `Nothing named “${text}”.`)],
    );
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    status.textContent = `${results.length} results`;
    highlight(results.length ? 0 : -1);
  }
  function choose(i) {
    const r = items[i];
    if (!r) return;
    close();
    input.value = r.entity.name;
    pick(r.entity);
  }
  async function lookup() {
    const text = input.value.trim();
    const mine = ++seq;
    if (text.length < 1) return close();
    try {
      const data = await ctx.query(searchQuery(text, ctx.features));
      if (mine === seq) show(searchModel(data, text), text);
    } catch (err) {
      if (mine === seq) replace(list, h('li.search-empty', { role: 'option' }, `Search failed: ${err.message}`));
    }
  }
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(lookup, 110);
  });
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown') {
      ev.preventDefault();
      if (list.hidden) lookup();
      else highlight(Math.min(items.length - 1, active + 1));
    } else if (ev.key === 'ArrowUp') {
      ev.preventDefault();
      highlight(Math.max(0, active - 1));
    } else if (ev.key === 'Enter') {
      ev.preventDefault();
      clearTimeout(timer);
      if (!list.hidden && items.length) choose(Math.max(0, active));
      else lookup().then(() => items.length && choose(0));
    } else if (ev.key === 'Escape') {
      close();
    }
  });
  input.addEventListener('blur', () => setTimeout(close, 150));
  const labelEl = h('label.visually-hidden', { for: input.id }, label);
  return { el: h('div.search', { role: 'search' }, labelEl, input, list, status), input };
}

function matchNote(r, text) {
  if (r.matched === 'name' || r.matched === 'key') return '';
  if (r.matched === 'alias' || !r.snippet) {
    const t = text.toLowerCase().replace(/[^a-z0-9]/g, '');
    const alias = (r.entity.aliases || []).find((a) => t && a.toLowerCase().replace(/[^a-z0-9]/g, '').includes(t));
    return alias ? h('span.search-match', `also known as ${alias}`) : '';
  }
  return h('span.search-match', h('em', `${MATCHED_WORDS[r.matched] || r.matched}: `), snippetText(r.parts));
}

/** snippetText draws a snippet's parts, the words searched for marked. */
export function snippetText(parts) {
  return h('span.snippet', parts.map((p) => (p.hit ? h('mark', p.text) : p.text)));
}

/**
 * asOfControl is the date every view has: only statements dated on or before
 * it count, and only relations valid on it. Changing it changes the URL.
 */
export function asOfControl(ctx, hint = 'Only claims made public by this date count.') {
  const value = ctx.state.asOf || '';
  const input = h('input.asof', {
    id: 'asof',
    type: isDate(value) && value.length < 10 ? 'text' : 'date',
    value,
    max: today(),
    min: '1990-01-01',
    'aria-describedby': 'asof-hint',
    onchange: () => {
      const v = input.value.trim();
      if (v === '' || isDate(v)) ctx.update({ asOf: v });
    },
  });
  return h('div.control.asof-control',
    h('label', { for: input.id }, 'As of'),
    input,
    value ? h('button.link-button', { type: 'button', onclick: () => ctx.update({ asOf: '' }) }, 'Today') : '',
    h('span.hint', { id: 'asof-hint' }, value ? `Showing the record as it stood on ${value}. ${hint}` : `Showing today. ${hint}`));
}

/**
 * recordedAsOfControl is the store's clock (SPEC §8 "as recorded"): the
 * record as it stood at a moment, later statements, events and retractions
 * left out. Its value is UTC, to the second, and goes in the URL.
 */
export function recordedAsOfControl(ctx) {
  if (!ctx.features.recordedAsOf) return '';
  const value = ctx.state.recordedAsOf || '';
  const input = h('input.recorded-as-of', {
    id: 'recorded-as-of',
    type: 'datetime-local',
    step: '1',
    value: inputFromInstant(value),
    'aria-describedby': 'recorded-as-of-hint',
    onchange: () => {
      const v = instantFromInput(input.value);
      if (v || input.value.trim() === '') ctx.update({ recordedAsOf: v });
    },
  });
  return h('div.control.recorded-control',
    h('label', { for: input.id }, 'Recorded as of (UTC)'),
    input,
    value ? h('button.link-button', { type: 'button', onclick: () => ctx.update({ recordedAsOf: '' }) }, 'Now') : '',
    h('span.hint', { id: 'recorded-as-of-hint' }, value
      ? `What the record said then: only what this store had recorded by ${value.replace('T', ' ').replace('Z', ' UTC')} counts; later additions and retractions are left out.`
      : 'What the record said then: set a moment to see the graph as this store held it.'));
}

/**
 * toolbar offers the permalink and, when picture() gives a drawn picture,
 * its PNG and SVG; name is the file name without extension.
 */
export function toolbar(ctx, { picture, name = 'whosedata' } = {}) {
  const said = h('span.toolbar-status', { 'aria-live': 'polite' });
  const copy = async () => {
    const url = location.href;
    try {
      await navigator.clipboard.writeText(url);
      said.textContent = 'Permalink copied.';
    } catch {
      said.textContent = `Permalink: ${url}`;
    }
  };
  const exportAs = async (kind) => {
    const p = picture && picture();
    if (!p) {
      said.textContent = 'The picture is not drawn yet.';
      return;
    }
    if (kind === 'png') downloadBlob(await p.png(), `${name}.png`);
    else downloadBlob(new Blob([p.svg()], { type: 'image/svg+xml' }), `${name}.svg`);
    said.textContent = `Saved ${name}.${kind}.`;
  };
  return h('div.toolbar', { role: 'toolbar', 'aria-label': 'Share and export' },
    h('button', { type: 'button', onclick: copy }, 'Copy permalink'),
    picture ? h('button', { type: 'button', onclick: () => exportAs('png'), 'data-export': 'png' }, 'PNG') : '',
    picture ? h('button', { type: 'button', onclick: () => exportAs('svg'), 'data-export': 'svg' }, 'SVG') : '',
    h('a.button', { href: '/graphiql' }, 'GraphiQL'),
    said);
}

/** tabs are the views of one entity; the current one is marked. */
export function tabs(ctx, key, current) {
  const { asOf, recordedAsOf } = ctx.state;
  const views = [
    ['entity', 'Overview', { view: 'entity', key, asOf, recordedAsOf }],
    ['lineage', 'Downstream', { view: 'lineage', key, direction: 'DOWNSTREAM', asOf, recordedAsOf, kinds: [], expand: [] }],
    ['lineage-up', 'Upstream', { view: 'lineage', key, direction: 'UPSTREAM', asOf, recordedAsOf, kinds: [], expand: [] }],
    ['graph', 'Graph', { view: 'graph', key, asOf, recordedAsOf, depth: 1, types: [], status: [], hide: [], expand: [] }],
    ['compliance', 'Licence check', { view: 'compliance', key, asOf, recordedAsOf }],
  ];
  const here = current === 'lineage' && ctx.state.direction === 'UPSTREAM' ? 'lineage-up' : current;
  return h('nav.tabs', { 'aria-label': 'Views of this entity' },
    views.map(([id, text, state]) => h('a.tab', { href: formatURL(state), 'data-nav': '', 'aria-current': id === here ? 'page' : null }, text)));
}

/** source shows the GraphQL a view sent, so a reader can take it to GraphiQL. */
export function source(q) {
  return h('details.source',
    h('summary', 'The GraphQL behind this view'),
    h('pre', h('code', q.query.trim())),
    Object.keys(q.variables || {}).length ? h('pre', h('code', JSON.stringify(q.variables, null, 2))) : '',
    h('p', 'Paste it into ', h('a', { href: '/graphiql' }, 'GraphiQL'), ' to change it.'));
}

/** failure says what went wrong with a request, with the server's error codes. */
export function failure(err) {
  const codes = err.codes && err.codes.length ? ` (${[...new Set(err.codes)].join(', ')})` : '';
  return h('div.error', { role: 'alert' }, h('strong', 'The server could not answer: '), err.message + codes);
}

/** notYet says plainly that the server lacks a feature. */
export function notYet(what) {
  return note(`${what}: not available on this server yet.`);
}

export { title };
