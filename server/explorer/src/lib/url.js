// url.js: the state of a view is its URL (SPEC §9). parseURL turns a path
// and query string into a state object; formatURL turns a state back into
// the one canonical URL, leaving defaults out, so that a permalink restores
// a view exactly and two ways of reaching a view share one address.

import { STATUSES, DEFAULT_MIN_STATUS, isDate, isInstant } from './status.js';

/** The kinds of entity, in the order the API lists them. */
export const KINDS = ['ORGANIZATION', 'PERSON', 'DATASET', 'MODEL', 'PRODUCT', 'DISPUTE', 'DOCUMENT', 'LICENSE'];

/** The relation types, in the order the API lists them. */
export const RELATION_TYPES = [
  'TRAINED_ON', 'FINE_TUNED_FROM', 'DISTILLED_FROM', 'DERIVED_FROM', 'GENERATED_BY', 'SOURCED_FROM', 'BUILT_ON',
  'OWNS', 'CREATED', 'DEVELOPED', 'LICENSED_TO', 'ACCESS_REVOKED', 'INVESTED_IN', 'ACQUIRED', 'LICENSED_UNDER',
  'FOUNDED', 'LEADS', 'BOARD_MEMBER_OF', 'EMPLOYED_BY', 'PARTY_TO', 'CONCERNS', 'PUBLISHED', 'RELATED_TO',
];

/** The uses a compliance question asks about (SPEC §10). */
export const USES = ['COMMERCIAL', 'NON_COMMERCIAL', 'ACADEMIC'];

/** The views under /e/{key}/…; the entity page itself is /e/{key}. */
export const ENTITY_VIEWS = ['lineage', 'graph', 'compliance'];

/** Depth limits of the neighbourhood view (the API allows 1 to 4). */
export const GRAPH_DEPTHS = [1, 2, 3, 4];

/** entityPath returns the path of an entity's page or one of its views; the key is path-escaped, so keys with / survive. */
export function entityPath(key, view = '') {
  return '/e/' + encodeURIComponent(key) + (view ? '/' + view : '');
}

function list(value, allowed) {
  if (!value) return [];
  const seen = new Set();
  for (const part of value.split(',')) {
    const v = part.trim();
    if (v && (!allowed || allowed.includes(v))) seen.add(v);
  }
  return [...seen];
}

function keys(value) {
  return list(value).map((k) => k.toLowerCase());
}

function intIn(value, allowed, fallback) {
  const n = Number(value);
  return allowed.includes(n) ? n : fallback;
}

function date(value) {
  return isDate(value) ? value : '';
}

function instant(value) {
  return isInstant(value) ? value : '';
}

function oneOf(value, allowed, fallback) {
  return allowed.includes(value) ? value : fallback;
}

function decode(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * parseURL returns the view state of pathname and search (a query string,
 * with or without "?"). Unknown paths give {view: 'notfound'}; values the
 * view cannot use (a bad date, an unknown status) are dropped, as if absent.
 * A key written with a raw / (/e/license/apache-2-0) is read whole: the last
 * segment is a view name only when it is one.
 */
export function parseURL(pathname, search = '') {
  const q = new URLSearchParams(search);
  const asOf = date(q.get('asOf'));
  const recordedAsOf = instant(q.get('recordedAsOf'));
  if (pathname === '/' || pathname === '') {
    return { view: 'home', q: q.get('q') || '', asOf };
  }
  if (pathname === '/paths') {
    return {
      view: 'paths',
      from: q.get('from') || '',
      to: q.get('to') || '',
      maxDepth: intIn(q.get('maxDepth'), [1, 2, 3, 4, 5, 6, 7, 8], 4),
      asOf,
    };
  }
  if (!pathname.startsWith('/e/')) return { view: 'notfound', path: pathname };
  const segments = pathname.slice(3).split('/').filter((s) => s !== '');
  let view = 'entity';
  if (segments.length > 1 && ENTITY_VIEWS.includes(segments[segments.length - 1])) {
    view = segments.pop();
  }
  const key = segments.map(decode).join('/');
  if (!key) return { view: 'notfound', path: pathname };
  switch (view) {
    case 'lineage':
      return {
        view,
        key,
        direction: oneOf(q.get('direction'), ['DOWNSTREAM', 'UPSTREAM'], 'DOWNSTREAM'),
        asOf,
        recordedAsOf,
        minStatus: oneOf(q.get('minStatus'), STATUSES, DEFAULT_MIN_STATUS),
        kinds: list(q.get('kinds'), KINDS),
        expand: list(q.get('expand'), KINDS),
      };
    case 'graph':
      return {
        view,
        key,
        depth: intIn(q.get('depth'), GRAPH_DEPTHS, 1),
        asOf,
        recordedAsOf,
        types: list(q.get('types'), RELATION_TYPES),
        status: list(q.get('status'), STATUSES),
        hide: keys(q.get('hide')),
        expand: keys(q.get('expand')),
        kinds: list(q.get('kinds'), KINDS),
        all: list(q.get('all'), KINDS),
      };
    case 'compliance':
      return {
        view,
        key,
        use: oneOf(q.get('use'), USES, 'COMMERCIAL'),
        asOf,
        recordedAsOf,
        minStatus: oneOf(q.get('minStatus'), STATUSES, DEFAULT_MIN_STATUS),
      };
    default:
      return { view: 'entity', key, asOf, recordedAsOf, weak: q.get('weak') === 'hide' ? 'hide' : 'show' };
  }
}

/**
 * formatURL returns the canonical path and query string of a view state:
 * parameters in a fixed order, defaults left out, lists comma-separated and
 * sorted where their order carries no meaning.
 */
export function formatURL(state) {
  const q = [];
  const put = (name, value) => {
    if (value !== '' && value !== undefined && value !== null) q.push([name, String(value)]);
  };
  const putList = (name, values, sort = true) => {
    if (values && values.length) put(name, (sort ? [...values].sort() : values).join(','));
  };
  let path;
  switch (state.view) {
    case 'home':
      path = '/';
      put('q', state.q);
      put('asOf', state.asOf);
      break;
    case 'paths':
      path = '/paths';
      put('from', state.from);
      put('to', state.to);
      if (state.maxDepth && state.maxDepth !== 4) put('maxDepth', state.maxDepth);
      put('asOf', state.asOf);
      break;
    case 'lineage':
      path = entityPath(state.key, 'lineage');
      put('direction', state.direction || 'DOWNSTREAM');
      put('asOf', state.asOf);
      put('recordedAsOf', state.recordedAsOf);
      if (state.minStatus && state.minStatus !== DEFAULT_MIN_STATUS) put('minStatus', state.minStatus);
      putList('kinds', state.kinds);
      putList('expand', state.expand);
      break;
    case 'graph':
      path = entityPath(state.key, 'graph');
      if (state.depth && state.depth !== 1) put('depth', state.depth);
      put('asOf', state.asOf);
      put('recordedAsOf', state.recordedAsOf);
      putList('types', state.types);
      putList('status', state.status);
      putList('hide', state.hide);
      putList('expand', state.expand, false);
      putList('kinds', state.kinds);
      putList('all', state.all);
      break;
    case 'compliance':
      path = entityPath(state.key, 'compliance');
      if (state.use && state.use !== 'COMMERCIAL') put('use', state.use);
      put('asOf', state.asOf);
      put('recordedAsOf', state.recordedAsOf);
      if (state.minStatus && state.minStatus !== DEFAULT_MIN_STATUS) put('minStatus', state.minStatus);
      break;
    case 'entity':
      path = entityPath(state.key);
      put('asOf', state.asOf);
      put('recordedAsOf', state.recordedAsOf);
      if (state.weak === 'hide') put('weak', 'hide');
      break;
    default:
      path = state.path || '/';
  }
  // URLSearchParams would write "," as %2C and ":" as %3A; both are safe in a query and
  // easier to read in a permalink.
  const query = q.map(([k, v]) => encodeURIComponent(k) + '=' + encodeURIComponent(v).replace(/%2C/g, ',').replace(/%3A/g, ':')).join('&');
  return query ? `${path}?${query}` : path;
}

/** withState returns state with changes applied, for controls that change one thing. */
export function withState(state, changes) {
  return { ...state, ...changes };
}
