// svg.js: a picture as a standalone SVG document, from the positions the
// drawing library computed. It is our own small writer rather than a plugin:
// the shapes are few (boxes, ellipses, diamonds, lines with arrows), and a
// pure function of positions can be tested without a browser.

import { STATUS_LINE, kindLook, statusColor } from './look.js';

/** escapeXML escapes text for an SVG text node or attribute. */
export function escapeXML(text) {
  return String(text).replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]);
}

const DASH = { solid: '', dashed: '6 4', dotted: '2 3' };

function num(n) {
  return Number.isFinite(n) ? Math.round(n * 10) / 10 : 0;
}

function shape(n, look) {
  const x = num(n.x - n.w / 2);
  const y = num(n.y - n.h / 2);
  const common = `fill="${look.fill}" stroke="${n.stroke || look.border}" stroke-width="${n.strokeWidth || 1.5}"`;
  if (look.shape === 'ellipse') return `<ellipse cx="${num(n.x)}" cy="${num(n.y)}" rx="${num(n.w / 2)}" ry="${num(n.h / 2)}" ${common}/>`;
  if (look.shape === 'diamond') {
    const pts = [[n.x, n.y - n.h / 2], [n.x + n.w / 2, n.y], [n.x, n.y + n.h / 2], [n.x - n.w / 2, n.y]];
    return `<polygon points="${pts.map((p) => `${num(p[0])},${num(p[1])}`).join(' ')}" ${common}/>`;
  }
  const r = look.shape === 'rectangle' ? 0 : 6;
  return `<rect x="${x}" y="${y}" width="${num(n.w)}" height="${num(n.h)}" rx="${r}" ${common}/>`;
}

/**
 * toSVG returns an SVG document of nodes ({id, x, y, w, h, label, kind}) and
 * edges ({source point sx, sy; target point tx, ty; status; label}) inside
 * the box {x1, y1, x2, y2}, with a margin, a white background and a title.
 * Labels are escaped; nothing outside the document is referenced.
 */
export function toSVG({ nodes, edges, box, title = '' }) {
  const m = 24;
  const w = num(box.x2 - box.x1 + 2 * m);
  const h = num(box.y2 - box.y1 + 2 * m);
  const colors = [...new Set(edges.map((e) => statusColor(e.status)))];
  const markers = colors
    .map((c, i) => `<marker id="a${i}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="${c}"/></marker>`)
    .join('');
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="${num(box.x1 - m)} ${num(box.y1 - m)} ${w} ${h}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">`,
    title ? `<title>${escapeXML(title)}</title>` : '',
    `<defs>${markers}</defs>`,
    `<rect x="${num(box.x1 - m)}" y="${num(box.y1 - m)}" width="${w}" height="${h}" fill="#ffffff"/>`,
  ];
  for (const e of edges) {
    const c = statusColor(e.status);
    const dash = DASH[STATUS_LINE[e.status] || 'solid'];
    out.push(
      `<line x1="${num(e.sx)}" y1="${num(e.sy)}" x2="${num(e.tx)}" y2="${num(e.ty)}" stroke="${c}" stroke-width="${e.width || 2}"` +
        (dash ? ` stroke-dasharray="${dash}"` : '') +
        (e.arrow === false ? '' : ` marker-end="url(#a${colors.indexOf(c)})"`) +
        '/>',
    );
    if (e.label) {
      out.push(`<text x="${num((e.sx + e.tx) / 2)}" y="${num((e.sy + e.ty) / 2 - 4)}" font-size="9" fill="${c}" text-anchor="middle">${escapeXML(e.label)}</text>`);
    }
  }
  for (const n of nodes) {
    const look = kindLook(n.kind);
    out.push(shape(n, look));
    const lines = String(n.label).split('\n');
    const y0 = n.y - ((lines.length - 1) * 13) / 2 + 4;
    lines.forEach((line, i) => {
      out.push(`<text x="${num(n.x)}" y="${num(y0 + i * 13)}" font-size="11" fill="#111827" text-anchor="middle">${escapeXML(line)}</text>`);
    });
  }
  out.push('</svg>');
  return out.filter(Boolean).join('\n');
}
