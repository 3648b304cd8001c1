// picture.js: drawing with Cytoscape.js. A layered layout (dagre) for
// lineage and paths, where the layers are the steps from the start; a force
// layout (fCoSE) for the neighbourhood, where there is no direction to
// follow. Pictures export as PNG (Cytoscape's renderer) and SVG (svg.js).

import cytoscape from 'cytoscape';
import dagre from 'cytoscape-dagre';
import fcose from 'cytoscape-fcose';
import { STATUS_LINE, kindLook, statusColor } from '../lib/look.js';
import { toSVG } from '../lib/svg.js';
import { h } from './dom.js';

cytoscape.use(dagre);
cytoscape.use(fcose);

/** wrap breaks a label into lines of about width characters, at most three. */
export function wrap(label, width = 20) {
  const words = String(label).split(/\s+/);
  const lines = [];
  let line = '';
  for (const w of words) {
    if (line && (line + ' ' + w).length > width) {
      lines.push(line);
      line = w;
    } else {
      line = line ? line + ' ' + w : w;
    }
  }
  if (line) lines.push(line);
  if (lines.length > 3) {
    lines.length = 3;
    lines[2] = lines[2].replace(/.{0,1}$/, '…');
  }
  return lines.map((l) => (l.length > width + 6 ? l.slice(0, width + 5) + '…' : l));
}

function nodeData(n) {
  const lines = wrap(n.label);
  const look = kindLook(n.kind);
  const longest = Math.max(...lines.map((l) => l.length));
  return {
    ...n,
    label: lines.join('\n'),
    w: Math.max(54, Math.min(170, longest * 6.6 + 22)),
    h: 18 + lines.length * 13,
    fill: look.fill,
    border: n.status ? statusColor(n.status) : look.border,
    shape: look.shape,
  };
}

function edgeData(e, labelOf) {
  return {
    ...e,
    color: e.more ? '#9ca3af' : statusColor(e.status),
    line: e.more ? 'dashed' : STATUS_LINE[e.status] || 'solid',
    label: labelOf ? labelOf(e) : '',
  };
}

const STYLE = [
  {
    selector: 'node',
    style: {
      label: 'data(label)',
      'text-wrap': 'wrap',
      'text-valign': 'center',
      'text-halign': 'center',
      'font-size': 11,
      'font-family': 'DejaVu Sans, system-ui, sans-serif',
      // Labels too small to read are not drawn: a big picture stays calm when zoomed out.
      'min-zoomed-font-size': 6,
      color: '#111827',
      width: 'data(w)',
      height: 'data(h)',
      shape: 'data(shape)',
      'background-color': 'data(fill)',
      'border-color': 'data(border)',
      'border-width': 1.5,
    },
  },
  { selector: 'node[role = "start"], node[role = "end"]', style: { 'border-width': 3.5, 'font-weight': 'bold' } },
  { selector: 'node[role = "expanded"]', style: { 'border-width': 3, 'border-style': 'double' } },
  { selector: 'node[role = "more"]', style: { 'background-color': '#ffffff', 'border-style': 'dashed', 'font-style': 'italic', color: '#374151' } },
  { selector: 'node.weak', style: { opacity: 0.6 } },
  { selector: 'node:selected', style: { 'overlay-color': '#f59e0b', 'overlay-opacity': 0.25, 'overlay-padding': 6 } },
  {
    selector: 'edge',
    style: {
      width: 2,
      'line-color': 'data(color)',
      'line-style': 'data(line)',
      'target-arrow-color': 'data(color)',
      'target-arrow-shape': 'triangle',
      'arrow-scale': 0.9,
      'curve-style': 'bezier',
      label: 'data(label)',
      'font-size': 9,
      color: 'data(color)',
      'text-rotation': 'autorotate',
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.85,
      'text-background-padding': 1,
    },
  },
  { selector: 'edge[?more]', style: { 'target-arrow-shape': 'none' } },
  { selector: 'edge[?weak]', style: { opacity: 0.55 } },
  { selector: 'edge:selected', style: { width: 4.5, 'overlay-color': '#f59e0b', 'overlay-opacity': 0.2 } },
  { selector: 'edge.thin', style: { width: 0.8, opacity: 0.35, 'target-arrow-shape': 'none' } },
  { selector: '.faded', style: { opacity: 0.15 } },
];

// FORCE_POLISH is the most entities drawn with the force layout, whose cost
// grows with the square of the size (seconds for a few hundred entities);
// beyond it the entities are drawn in rings around the start, one ring per
// step (their ring data), which takes a few hundred milliseconds.
export const FORCE_POLISH = 150;

// MIN_READABLE_ZOOM keeps 11 px labels at 7.7 px or more.
const MIN_READABLE_ZOOM = 0.7;

// MAX_FIT_ZOOM is the most a fitted picture is enlarged.
const MAX_FIT_ZOOM = 1.25;

function layoutOptions(kind, size, fit = true, wide = true) {
  if (kind === 'layered') {
    // Sources on the left, users on the right: a hub's many hits stack in
    // columns, which a reader scrolls down like a list.
    return { name: 'dagre', rankDir: 'LR', nodeSep: 6, rankSep: wide ? 100 : 70, edgeSep: 4, ranker: 'network-simplex', animate: false, fit, padding: 24 };
  }
  if (size > FORCE_POLISH) {
    const outer = 10;
    return { name: 'concentric', concentric: (n) => outer - (n.data('ring') ?? outer), levelWidth: () => 1, minNodeSpacing: 6, avoidOverlap: true, animate: false, fit, padding: 24 };
  }
  return {
    name: 'fcose',
    quality: 'default',
    randomize: fit,
    animate: false,
    fit,
    padding: 24,
    nodeDimensionsIncludeLabels: true,
    nodeRepulsion: 9000,
    idealEdgeLength: 90,
    nodeSeparation: 70,
    packComponents: true,
  };
}

/**
 * drawPicture draws nodes and edges in container with the layout kind
 * ('layered' or 'force') and resolves with a handle once the layout is done:
 * {cy, png(), svg(), positions(), destroy()}. positions (id → {x, y})
 * from an earlier drawing are kept; new nodes start near the node near. onNode and onEdge
 * get the data of a tapped node or edge; labelOf gives an edge's label.
 * Performance marks wd:draw-start and wd:drawn bracket the drawing.
 */
export function drawPicture(container, picture, { layout = 'layered', onNode, onEdge, labelOf, title = '', mark = 'draw', positions = null, near = '' } = {}) {
  performance.mark(`wd:${mark}-start`);
  // Positions from an earlier drawing keep the reader's mental map: entities
  // already seen stay put, new ones start next to the one that brought them.
  const known = positions || new Map();
  const around = known.get(near) || { x: 0, y: 0 };
  const allKnown = known.size > 0 && picture.nodes.every((n) => known.has(n.id));
  const cy = cytoscape({
    container,
    elements: [
      ...picture.nodes.map((n) => ({
        group: 'nodes',
        data: nodeData(n),
        classes: n.weak ? 'weak' : '',
        position: known.get(n.id) || { x: around.x + Math.random() * 60 - 30, y: around.y + Math.random() * 60 - 30 },
      })),
      // Hundreds of lines drawn thin, so the entities stand out of them.
      ...picture.edges.map((e) => ({ group: 'edges', data: edgeData(e, labelOf), classes: picture.edges.length > 400 ? 'thin' : '' })),
    ],
    style: STYLE,
    layout: { name: 'preset' },
    minZoom: 0.08,
    maxZoom: 3,
    wheelSensitivity: 0.3,
    boxSelectionEnabled: false,
    textureOnViewport: picture.nodes.length > 300,
    hideEdgesOnViewport: picture.edges.length > 800,
  });
  if (onNode) cy.on('tap', 'node', (ev) => onNode(ev.target.data(), ev.target));
  if (onEdge) cy.on('tap', 'edge', (ev) => onEdge(ev.target.data(), ev.target));
  // A label on every edge is noise in a big picture: show it on hover then.
  const crowded = picture.edges.length > 60;
  if (crowded) {
    cy.edges().forEach((e) => e.scratch('_label', e.data('label')).data('label', ''));
    cy.on('mouseover', 'edge', (ev) => ev.target.data('label', ev.target.scratch('_label') || ''));
    cy.on('mouseout', 'edge', (ev) => ev.target.data('label', ''));
  }
  const handle = {
    cy,
    layout,
    /** png resolves with the picture as a PNG Blob, twice the screen's scale, on white. */
    png() {
      return cy.png({ output: 'blob-promise', full: true, scale: 2, bg: '#ffffff' });
    },
    /** svg returns the picture as an SVG document. */
    svg() {
      const nodes = cy.nodes().map((n) => ({ ...n.data(), label: n.data('label'), x: n.position('x'), y: n.position('y'), w: n.width(), h: n.height() }));
      const edges = cy.edges().map((e) => {
        const s = e.sourceEndpoint();
        const t = e.targetEndpoint();
        return { status: e.data('status'), sx: s.x, sy: s.y, tx: t.x, ty: t.y, label: e.scratch('_label') ?? e.data('label'), arrow: !e.data('more') };
      });
      const bb = cy.elements().boundingBox();
      return toSVG({ nodes, edges, box: bb, title });
    },
    destroy() {
      cy.destroy();
    },
  };
  function run(opts) {
    return new Promise((resolve) => {
      const l = cy.layout(opts);
      l.one('layoutstop', () => resolve());
      l.run();
    });
  }
  /** positions returns where every node is now, for the next drawing. */
  handle.positions = () => new Map(cy.nodes().map((n) => [n.id(), { ...n.position() }]));
  const wide = container.clientWidth >= 600;
  const first = allKnown ? { name: 'preset', fit: true, padding: 24 } : layoutOptions(layout, picture.nodes.length, known.size === 0, wide);
  if (!allKnown && known.size > 0) first.fit = true;
  // The box may change size (a phone turned, the panel moving below): keep
  // the drawing fitted until the reader zooms or pans it.
  let touched = false;
  for (const ev of ['wheel', 'pointerdown', 'touchstart', 'keydown']) container.addEventListener(ev, () => (touched = true), { passive: true });
  // A picture fitted so small that its labels cannot be read is zoomed to
  // the smallest readable size instead, with its start in view;
  // the reader scrolls the rest into view, or reads the table.
  const readable = () => {
    if (cy.zoom() > MAX_FIT_ZOOM) {
      // A few entities fitted to a big box would be drawn huge.
      cy.zoom(MAX_FIT_ZOOM);
      cy.center();
    }
    // A neighbourhood is looked at whole first; a lineage is read.
    if (layout !== 'layered' || cy.zoom() >= MIN_READABLE_ZOOM) return;
    const z = MIN_READABLE_ZOOM;
    const bb = cy.elements().boundingBox();
    const start = cy.nodes('[role = "start"]');
    cy.zoom(z);
    if (start.nonempty()) {
      // The start at the left edge, halfway down: where the walk begins.
      const p = start.position();
      cy.pan({ x: 24 - bb.x1 * z, y: cy.height() / 2 - p.y * z });
    } else {
      cy.pan({ x: 24 - bb.x1 * z, y: 24 - bb.y1 * z });
    }
    handle.cropped = true;
  };
  const watch = new ResizeObserver(() => {
    cy.resize();
    if (!touched) {
      cy.fit(undefined, 24);
      readable();
    }
  });
  const destroy = handle.destroy;
  handle.destroy = () => {
    watch.disconnect();
    destroy();
  };
  return run(first).then(() => {
    readable();
    watch.observe(container);
    performance.mark(`wd:${mark}-done`);
    performance.measure(`wd:${mark}`, `wd:${mark}-start`, `wd:${mark}-done`);
    return handle;
  });
}

/** downloadBlob offers blob to the user as a file called name. */
export function downloadBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, style: { display: 'none' } });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
