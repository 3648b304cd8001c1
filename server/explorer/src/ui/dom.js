// dom.js: a few helpers to build the DOM. Text always goes in as text nodes,
// never as HTML, so nothing in the data can become markup.

import { STATUS_MEANING } from '../lib/status.js';
import { entityPath } from '../lib/url.js';
import { statusColor, kindLook } from '../lib/look.js';
import { title } from '../lib/words.js';

/**
 * h creates an element: h('a.link', {href}, 'text', child, [more]), or
 * h('h2#id.class', …). Props
 * starting with "on" are listeners; class, dataset and style are handled;
 * false, null and undefined children are skipped.
 */
export function h(tag, props, ...children) {
  const [head, ...classes] = tag.split('.');
  const [name, id] = head.split('#');
  const el = document.createElement(name || 'div');
  if (id) el.id = id;
  if (classes.length) el.className = classes.join(' ');
  if (props && (typeof props !== 'object' || props instanceof Node || Array.isArray(props))) {
    children.unshift(props);
    props = null;
  }
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'class') el.className = [el.className, v].filter(Boolean).join(' ');
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false || c === '') continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** replace empties el and fills it with children. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** statusBadge is a coloured badge with the status's word, its meaning as a tooltip. */
export function statusBadge(status, extra = '') {
  return h('span.badge.status', { style: { background: statusColor(status) }, title: STATUS_MEANING[status] || title(status), dataset: { status } }, status + extra);
}

/** kindBadge is a small badge naming an entity's kind. */
export function kindBadge(kind) {
  const look = kindLook(kind);
  return h('span.badge.kind', { style: { background: look.fill, color: look.border, borderColor: look.border }, dataset: { kind } }, title(kind));
}

/** entityLink links to an entity's page (or one of its views) by its key. */
export function entityLink(e, view = '', text = '') {
  return h('a.entity', { href: entityPath(e.key, view), 'data-nav': '', dataset: { key: e.key } }, text || e.name || e.key);
}

/** external is a link to evidence elsewhere on the web, opened without referrer. */
export function external(url, text) {
  return h('a.external', { href: url, target: '_blank', rel: 'noopener noreferrer' }, text || url);
}

/** note is a sentence saying plainly what a page leaves out or lacks. */
export function note(...children) {
  return h('p.note', { role: 'note' }, ...children);
}

/** hostOf returns the host name of a URL for a short link text. */
export function hostOf(url) {
  try {
    return new URL(url).host.replace(/^www\./, '');
  } catch {
    return url;
  }
}
