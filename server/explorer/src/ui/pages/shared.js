// shared.js: pieces the picture pages share: the legend and a path written
// out as text ("Twitter —owns→ Twitter posts ←trained on— Microsoft").

import { STATUSES, STATUS_MEANING, rank } from '../../lib/status.js';
import { STATUS_LINE, kindLook, statusColor } from '../../lib/look.js';
import { KIND_ORDER, title } from '../../lib/words.js';
import { h, entityLink } from '../dom.js';

/** legend explains the colours and line styles of the statuses in a picture, and the shapes of kinds. */
export function legend(statuses, kinds = true) {
  const present = STATUSES.filter((s) => statuses.includes(s)).sort((a, b) => rank(a) - rank(b));
  return h('div.legend', { 'aria-label': 'Legend' },
    h('span.legend-title', 'Lines:'),
    present.map((s) => h('span.legend-item', { title: STATUS_MEANING[s] },
      h('span.swatch-line', { style: { borderTopColor: statusColor(s), borderTopStyle: STATUS_LINE[s] } }), ` ${s}`)),
    kinds ? [h('span.legend-title', 'Shapes:'), KIND_ORDER.map((k) => h('span.legend-item', h('span.swatch', { style: { background: kindLook(k).fill, borderColor: kindLook(k).border }, dataset: { shape: kindLook(k).shape } }), ` ${title(k)}`))] : '');
}

/** pathText writes a path from start as entities joined by the relations' types, arrows showing each relation's direction. */
export function pathText(start, steps) {
  const parts = [h('span.path-start', start.name)];
  for (const s of steps) {
    const t = title(s.rel.type).toLowerCase();
    parts.push(h('span.arrow', { title: s.rel.status, style: { color: statusColor(s.rel.status) } }, s.forward ? ` —${t}→ ` : ` ←${t}— `));
    parts.push(entityLink(s.to));
  }
  return h('span.path-text', parts);
}
