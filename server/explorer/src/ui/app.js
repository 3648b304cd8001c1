// app.js: the explorer's shell and router. The URL is the state: a view is
// drawn from parseURL(location) alone, controls change the URL (replaceState)
// and draw again, links between views push a new URL. Answers are cached by
// query, so a control that only filters draws again without asking again.

import { FEATURE_QUERY, NONE, featuresFrom } from '../lib/features.js';
import { formatURL, parseURL } from '../lib/url.js';
import { gql } from './api.js';
import { h, replace } from './dom.js';
import { searchBox, failure } from './parts.js';
import * as home from './pages/home.js';
import * as entity from './pages/entity.js';
import * as lineage from './pages/lineage.js';
import * as graph from './pages/graph.js';
import * as paths from './pages/paths.js';
import * as compliance from './pages/compliance.js';

const PAGES = { home, entity, lineage, graph, paths, compliance };
const CACHE_SIZE = 60;

/** start draws the page for the current URL and takes over navigation. */
export async function start(root) {
  const cache = new Map();
  let features = NONE;
  let drawing = 0;
  let cleanup = null;

  const main = h('main#main', { tabindex: '-1' });
  const ctx = {
    features,
    state: null,
    main,
    /** query sends a request, or returns the cached answer to the same one. */
    query(q) {
      const k = q.query + '\n' + JSON.stringify(q.variables || {});
      if (!cache.has(k)) {
        const p = gql(q).catch((err) => {
          cache.delete(k);
          throw err;
        });
        cache.set(k, p);
        if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value);
      }
      return cache.get(k);
    },
    /** go opens url as a new page (pushState). */
    go(url) {
      history.pushState(null, '', url);
      draw();
    },
    /** update changes the view's state in place (replaceState) and draws again. */
    update(changes) {
      history.replaceState(null, '', formatURL({ ...ctx.state, ...changes }));
      draw({ keepFocus: true, keepScroll: true });
    },
    /** canonical rewrites the URL to the entity's own key when the page was reached by an alias or merged key. */
    canonical(key) {
      if (ctx.state.key !== undefined && key && key !== ctx.state.key) {
        ctx.state = { ...ctx.state, key };
        history.replaceState(null, '', formatURL(ctx.state));
      }
    },
    /** onLeave registers work to undo before the next view is drawn (a picture to destroy). */
    onLeave(fn) {
      cleanup = fn;
    },
  };

  const header = h('header.top',
    h('a.brand', { href: '/', 'data-nav': '' }, 'whosedata'),
    h('span.tagline', 'who trained on whose data — who says so, on what evidence, since when'),
    h('div.top-search'),
    h('nav.top-links', { 'aria-label': 'Site' },
      h('a', { href: '/paths', 'data-nav': '' }, 'Paths'),
      h('a', { href: '/graphiql' }, 'GraphiQL')));
  const skip = h('a.skip', { href: '#main' }, 'Skip to content');
  replace(root, skip, header, main);

  document.addEventListener('click', (ev) => {
    const a = ev.target.closest && ev.target.closest('a[data-nav]');
    if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    ev.preventDefault();
    ctx.go(a.getAttribute('href'));
  });
  window.addEventListener('popstate', () => draw());

  async function draw({ keepFocus = false, keepScroll = false } = {}) {
    const mine = ++drawing;
    const state = parseURL(location.pathname, location.search);
    const canonical = formatURL(state);
    if (state.view !== 'notfound' && canonical !== location.pathname + location.search) {
      history.replaceState(null, '', canonical);
    }
    ctx.state = state;
    ctx.stale = () => mine !== drawing;
    const scroll = window.scrollY;
    const focused = keepFocus ? document.activeElement?.id : '';
    if (cleanup) {
      const c = cleanup;
      cleanup = null;
      c();
    }
    const search = header.querySelector('.top-search');
    if (state.view !== 'home' && !search.firstChild) search.append(searchBox(ctx, { label: 'Search entities', placeholder: 'Search: X Corp, LLaMA 2…' }).el);
    search.hidden = state.view === 'home';
    const page = PAGES[state.view];
    try {
      if (!page) {
        document.title = 'Not found · whosedata';
        replace(main, h('h1', 'No such page'), h('p', 'Try the ', h('a', { href: '/', 'data-nav': '' }, 'search'), '.'));
      } else {
        await page.render(ctx);
      }
    } catch (err) {
      if (mine === drawing) replace(main, failure(err));
    }
    if (mine !== drawing) return;
    if (keepScroll) window.scrollTo(0, scroll);
    else window.scrollTo(0, 0);
    const again = focused && document.getElementById(focused);
    if (again) again.focus();
    else if (!keepFocus && state.view !== 'home') main.focus({ preventScroll: true });
    document.body.dataset.view = state.view;
    document.body.dataset.ready = String(mine);
  }

  try {
    features = featuresFrom(await gql({ query: FEATURE_QUERY }));
  } catch {
    features = NONE; // an old server, or introspection switched off: the SPEC §3 fields only.
  }
  ctx.features = features;
  await draw();
  performance.mark('wd:interactive');
  performance.measure('wd:first-interactive', { start: 0, end: performance.now() });
}
