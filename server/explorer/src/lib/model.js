// model.js: answers → what a page shows. Each function takes a GraphQL answer
// and the view state and returns plain data (groups, rows, picture elements,
// counts of what is hidden and why); the DOM code only lays it out. None of
// them touches the browser, so Node's test runner checks them on recorded
// answers.

import { DEFAULT_MIN_STATUS, WEAK_STATUSES, atLeast, dateEnd, dateStart, rank, relationAsOf, weaker } from './status.js';
import { NEIGHBORHOOD_LIMIT } from './queries.js';
import { RELATION_TYPES } from './url.js';
import { DISPUTE_ORDER, KIND_ORDER, kindWord, phrase } from './words.js';

/** COLLAPSE is how many hits of one kind a lineage view shows before it says how many more there are. */
export const COLLAPSE = 12;

function attr(entity, key) {
  const a = (entity.attributes || []).find((x) => x.key === key);
  return a ? a.value : '';
}

function byDate(a, b) {
  // Undated last; then chronological.
  if (!a.date !== !b.date) return a.date ? -1 : 1;
  return dateStart(a.date).localeCompare(dateStart(b.date));
}

/** statementView returns a statement as the pages show it: evidence split into links (http(s) only) and quotes. */
export function statementView(s) {
  return {
    id: s.id,
    status: s.status,
    weak: WEAK_STATUSES.has(s.status),
    date: s.date || '',
    claimedBy: s.claimedBy || null,
    note: s.note || '',
    dispute: s.dispute || null,
    retractedReason: s.retractedReason || '',
    previousStatus: s.previousStatus || '',
    evidence: evidenceView(s.evidence),
  };
}

/** PUBLISHER_WORDS says what kind of source a publisher is, beside an evidence link. */
export const PUBLISHER_WORDS = {
  court: 'court record',
  regulator: 'regulator',
  company: 'company statement',
  research: 'paper',
  news: 'news report',
};

/** evidenceView returns evidence as the pages show it: a safe link, its document, its quote and what kind of source published it. */
export function evidenceView(list) {
  return (list || []).map((e) => ({
    url: safeURL(e.url) || safeURL(e.document?.url) || '',
    document: e.document ? { key: e.document.key, name: e.document.name } : null,
    quote: e.quote || '',
    source: e.publisher ? { name: e.publisher.name || e.publisher.domain || '', kind: e.publisher.kind || '', word: PUBLISHER_WORDS[e.publisher.kind] || e.publisher.kind || '' } : null,
  }));
}

/**
 * disputeStatusAt returns a dispute's status and forum from its events as
 * SPEC §8 derives them, as of the world's date asOf (today when '') and as
 * the store stood at recordedAsOf (now when ''): the latest event dated on
 * or before asOf (same date: the one recorded last) that is not retracted
 * by then; the forum of the latest such event naming one. Events recorded
 * after recordedAsOf do not exist yet, and retractions recorded after it
 * do not count. null when no event counts.
 */
export function disputeStatusAt(events, asOf = '', recordedAsOf = '') {
  const live = (events || [])
    .filter((e) => !recordedAsOf || !e.recordedAt || e.recordedAt <= recordedAsOf)
    .filter((e) => !retractedAt(e, recordedAsOf))
    .filter((e) => !asOf || dateStart(e.date) <= dateStart(asOf))
    .sort((a, b) => dateStart(a.date).localeCompare(dateStart(b.date)) || (a.recordedAt || '').localeCompare(b.recordedAt || ''));
  if (!live.length) return null;
  const forum = [...live].reverse().find((e) => e.forum);
  return { status: live[live.length - 1].status, forum: forum ? forum.forum : '' };
}

// retractedAt reports whether an event counts as retracted in the record as it stood at recordedAsOf.
function retractedAt(e, recordedAsOf) {
  if (!e.retractedReason) return false;
  return !recordedAsOf || !e.retractedAt || e.retractedAt <= recordedAsOf;
}

/**
 * asRecorded returns statements as the store held them at recordedAsOf (all
 * of them, as they are now, when ''): those recorded later left out, and a
 * retraction recorded later undone (the statement shown with the status it
 * had before).
 */
export function asRecorded(statements, recordedAsOf = '') {
  if (!recordedAsOf) return statements || [];
  return (statements || [])
    .filter((s) => !s.recordedAt || s.recordedAt <= recordedAsOf)
    .map((s) => (s.status === 'RETRACTED' && s.retractedAt && s.retractedAt > recordedAsOf && s.previousStatus
      ? { ...s, status: s.previousStatus, retractedReason: '', previousStatus: '' }
      : s));
}

/** safeURL returns url when it is an http or https address, '' otherwise (no javascript: links from data). */
export function safeURL(url) {
  if (!url) return '';
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : '';
  } catch {
    return '';
  }
}

/**
 * entityModel returns the entity page: names, attributes, relations grouped
 * by type and direction (as of state.asOf, statuses recomputed), what is
 * greyed or hidden and why, and for a dispute its parties, status and
 * timeline. features says which newer fields the answer may hold.
 */
export function entityModel(entity, state, features) {
  const asOf = state.asOf || '';
  const names = features.names && entity.names
    ? entity.names.map((n) => ({ name: n.name, validFrom: n.validFrom || '', validTo: n.validTo || '', primary: !!n.primary, evidence: evidenceView(n.evidence) }))
    : [{ name: entity.name, validFrom: '', validTo: '', primary: true, evidence: [] }, ...entity.aliases.map((a) => ({ name: a, validFrom: '', validTo: '', primary: false, evidence: [] }))];
  // Dated names first in time order, so the list reads as a history; undated ones after.
  const dated = names.filter((n) => !n.primary && (n.validFrom || n.validTo));
  const namesInUse = asOf ? names.filter((n) => (!n.validFrom || dateStart(n.validFrom) <= dateStart(asOf)) && (!n.validTo || dateEnd(n.validTo) >= dateStart(asOf))).map((n) => n.name) : null;

  const groups = new Map();
  let weak = 0;
  let notYet = 0;
  let laterStatements = 0;
  const edges = entity.relations.edges;
  for (const { node: rel } of edges) {
    const now = relationAsOf(rel, asOf);
    if (!now) {
      notYet++;
      continue;
    }
    laterStatements += now.later;
    const out = rel.from.key === entity.key;
    const other = out ? rel.to : rel.from;
    const isWeak = WEAK_STATUSES.has(now.status);
    if (isWeak) weak++;
    const gk = `${rel.type}:${out ? 'out' : 'in'}`;
    if (!groups.has(gk)) groups.set(gk, { type: rel.type, out, label: phrase(rel.type, out), items: [] });
    groups.get(gk).items.push({
      id: rel.id,
      type: rel.type,
      out,
      other,
      status: now.status,
      recordedStatus: rel.status,
      weak: isWeak,
      hidden: isWeak && state.weak === 'hide',
      validFrom: rel.validFrom || '',
      validTo: rel.validTo || '',
      attributes: rel.attributes || [],
      statements: now.statements.map(statementView).sort(byDate),
      later: now.later,
    });
  }
  const typeIndex = (t) => RELATION_TYPES.indexOf(t);
  const list = [...groups.values()].sort((a, b) => typeIndex(a.type) - typeIndex(b.type) || (a.out === b.out ? 0 : a.out ? -1 : 1));
  for (const g of list) {
    g.items.sort((a, b) => rank(a.status) - rank(b.status) || a.other.name.localeCompare(b.other.name));
    g.shown = g.items.filter((i) => !i.hidden).length;
  }

  let dispute = null;
  if (entity.kind === 'DISPUTE') {
    const parties = [];
    const concerns = [];
    for (const g of list) {
      for (const i of g.items) {
        if (i.type === 'PARTY_TO' && !i.out) parties.push({ entity: i.other, role: attrOf(i, 'role'), status: i.status, weak: i.weak });
        if (i.type === 'CONCERNS' && i.out) concerns.push({ entity: i.other, status: i.status, weak: i.weak });
      }
    }
    const rec = state.recordedAsOf || '';
    let laterEvents = 0;
    const events = features.events && entity.events
      ? entity.events
          .filter((e) => {
            const later = rec && e.recordedAt && e.recordedAt > rec;
            if (later) laterEvents++;
            return !later;
          })
          .map((e) => ({
            id: e.id,
            date: e.date,
            status: e.status,
            summary: e.summary || '',
            forum: e.forum || '',
            evidence: evidenceView(e.evidence),
            recordedAt: e.recordedAt || '',
            retracted: retractedAt(e, rec),
            retractedReason: retractedAt(e, rec) ? e.retractedReason || '' : '',
            after: !!asOf && dateStart(e.date) > dateStart(asOf),
          })).sort(byDate)
      : null;
    // The status and forum as of asOf: the server's, unless the page asks
    // about the record as it stood earlier, which Entity.disputeStatus does
    // not take; then they are derived from the events here, by SPEC §8.
    let status = attr(entity, 'status');
    let forum = attr(entity, 'forum');
    let derived = false;
    if (rec && entity.events) {
      const at = disputeStatusAt(entity.events, asOf, rec);
      if (at) {
        status = at.status;
        forum = at.forum || forum;
      }
      derived = true;
    } else {
      if (features.disputeStatus && entity.disputeStatus !== undefined) {
        status = entity.disputeStatus || status;
        derived = true;
      }
      if (features.disputeForum && entity.disputeForum) forum = entity.disputeForum;
    }
    dispute = {
      status,
      statusAsOf: derived && !!asOf,
      date: attr(entity, 'date'),
      forum,
      parties,
      concerns,
      events,
      laterEvents,
      retracted: events ? events.filter((e) => e.retracted).length : 0,
    };
  }

  return {
    key: entity.key,
    kind: entity.kind,
    name: entity.name,
    description: entity.description || '',
    names,
    namesOverTime: !!features.names,
    datedNames: dated.length,
    namesInUse,
    attributes: entity.attributes.filter((a) => !(entity.kind === 'DISPUTE' && ['status', 'date', 'forum'].includes(a.key))),
    groups: list,
    total: entity.relations.totalCount,
    fetched: edges.length,
    weak,
    notYet,
    laterStatements,
    dispute,
  };
}

function attrOf(item, key) {
  const a = item.attributes.find((x) => x.key === key);
  return a ? a.value : '';
}

/** steps returns a path as it reads from its start: each relation with the entity it leads to and whether it points forward. */
export function steps(startKey, path) {
  let cur = startKey;
  return path.map((rel) => {
    const forward = rel.from.key === cur;
    const next = forward ? rel.to : rel.from;
    const from = cur;
    cur = next.key;
    return { rel, from, to: next, forward };
  });
}

/**
 * lineageModel returns the lineage page: hits grouped by kind (models,
 * products and organisations first), each group cut at COLLAPSE unless
 * expanded, the rows of the table, the picture's elements (the start, the
 * hits shown and the entities on their paths, "+N more" nodes for what is
 * collapsed) and what minStatus leaves out. statements maps relation ids to
 * their full statements, as far as they have arrived.
 */
export function lineageModel(data, state, statements = new Map()) {
  const start = data.entity;
  const hits = data.lineage;
  const byKind = new Map();
  for (const h of hits) {
    if (!byKind.has(h.entity.kind)) byKind.set(h.entity.kind, []);
    byKind.get(h.entity.kind).push(h);
  }
  const groups = KIND_ORDER.filter((k) => byKind.has(k)).map((kind) => {
    const all = byKind.get(kind);
    const expanded = state.expand.includes(kind) || all.length <= COLLAPSE;
    const shown = expanded ? all : all.slice(0, COLLAPSE);
    return { kind, total: all.length, hidden: all.length - shown.length, expanded, rows: shown.map((h) => row(start.key, h, statements, state.recordedAsOf)) };
  });

  let leftOut = null;
  if (data.all) {
    const have = new Set(hits.map((h) => h.entity.key));
    const extra = data.all.filter((h) => !have.has(h.entity.key));
    leftOut = { count: extra.length, minStatus: state.minStatus || DEFAULT_MIN_STATUS };
  }

  return {
    start,
    direction: state.direction,
    total: hits.length,
    groups,
    leftOut,
    picture: lineagePicture(start, groups),
  };
}

function row(startKey, hit, statements, recordedAsOf = '') {
  const path = steps(startKey, hit.path);
  const last = hit.path[hit.path.length - 1];
  const full = last ? statements.get(last.id) : null;
  return {
    entity: hit.entity,
    depth: hit.depth,
    status: hit.status,
    weak: WEAK_STATUSES.has(hit.status),
    steps: path,
    // The statements on the relation that reaches the hit: who says so.
    claims: full ? asRecorded(full.statements, recordedAsOf).map(statementView).sort(byDate) : null,
    relationIds: hit.path.map((r) => r.id),
  };
}

function lineagePicture(start, groups) {
  const nodes = new Map();
  const edges = new Map();
  nodes.set(start.key, { id: start.key, label: start.name, kind: start.kind, role: 'start' });
  for (const g of groups) {
    for (const r of g.rows) {
      for (const s of r.steps) {
        if (!nodes.has(s.to.key)) nodes.set(s.to.key, { id: s.to.key, label: s.to.name, kind: s.to.kind, role: 'via' });
        if (!edges.has(s.rel.id)) {
          // Drawn from the start outwards, so the layers follow the walk.
          edges.set(s.rel.id, { id: s.rel.id, source: s.from, target: s.to.key, type: s.rel.type, status: s.rel.status, forward: s.forward });
        }
      }
      const n = nodes.get(r.entity.key);
      n.role = 'hit';
      n.status = r.status;
      n.depth = r.depth;
    }
    if (g.hidden > 0) {
      const id = `more:${g.kind}`;
      nodes.set(id, { id, label: `+${g.hidden} more ${kindWord(g.kind)}`, kind: g.kind, role: 'more', hidden: g.hidden });
      edges.set(id, { id, source: start.key, target: id, type: '', status: '', forward: true, more: true });
    }
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}

/**
 * graphModel merges the neighbourhood answers (n0 the view's own, n1… one per
 * expanded entity) into the picture of the graph view: relations as of
 * state.asOf, filtered by type and status, hidden entities left out, and
 * entities left with no relation dropped (the start and expanded ones stay).
 * It counts relations per type and status before filtering, for the filter
 * controls, and says how much each filter hid.
 */
export function graphModel(data, state, extra = []) {
  const subgraphs = Object.keys(data).filter((k) => /^n\d+$/.test(k)).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))).map((k) => data[k]).concat(extra);
  const root = data.entity.key;
  const nodes = new Map();
  const rels = new Map();
  for (const sg of subgraphs) {
    if (!sg) continue;
    for (const n of sg.nodes) if (!nodes.has(n.key)) nodes.set(n.key, n);
    for (const r of sg.relations) if (!rels.has(r.id)) rels.set(r.id, r);
  }
  const expanded = new Set([root, ...state.expand]);
  const hide = new Set(state.hide.filter((k) => k !== root));
  const byType = new Map();
  const byStatus = new Map();
  let notYet = 0;
  let filtered = 0;
  const edges = [];
  for (const r of rels.values()) {
    const now = relationAsOf(r, state.asOf);
    if (!now) {
      notYet++;
      continue;
    }
    if (!nodes.has(r.from.key) || !nodes.has(r.to.key)) continue;
    if (hide.has(r.from.key) || hide.has(r.to.key)) continue;
    byType.set(r.type, (byType.get(r.type) || 0) + 1);
    byStatus.set(now.status, (byStatus.get(now.status) || 0) + 1);
    if ((state.types.length && !state.types.includes(r.type)) || (state.status.length && !state.status.includes(now.status))) {
      filtered++;
      continue;
    }
    edges.push({ id: r.id, source: r.from.key, target: r.to.key, type: r.type, status: now.status, weak: WEAK_STATUSES.has(now.status), attributes: r.attributes || [] });
  }
  // ring: steps from the start over the relations drawn, for the ring layout
  // of big neighbourhoods and for which entities a kind's cut keeps.
  const ring = rings(root, edges);
  let outer = 0;
  for (const r of ring.values()) outer = Math.max(outer, r);
  const ringOf = (k) => (ring.has(k) ? ring.get(k) : outer + 1);

  // The kind filter: kinds not ticked are left out; a kind of FOLDED_KINDS
  // with more than KIND_CUT entities (datasets around a lab) keeps those next
  // to the start or an expanded entity and folds the rest into one "+N" box
  // per entity they hang from, unless the reader asked for all of that kind.
  const kinds = state.kinds || [];
  const all = state.all || [];
  const byKind = new Map();
  for (const n of nodes.values()) {
    if (hide.has(n.key) || n.key === root) continue;
    byKind.set(n.kind, (byKind.get(n.kind) || 0) + 1);
  }
  const near = new Set([root, ...state.expand]);
  const nextTo = new Set();
  for (const e of edges) {
    if (near.has(e.source)) nextTo.add(e.target);
    if (near.has(e.target)) nextTo.add(e.source);
  }
  const out = new Map(); // key → 'kind' (filtered out) or 'cut' (folded)
  for (const n of nodes.values()) {
    if (expanded.has(n.key) || hide.has(n.key)) continue;
    if (kinds.length && !kinds.includes(n.kind)) out.set(n.key, 'kind');
    else if (FOLDED_KINDS.includes(n.kind) && byKind.get(n.kind) > KIND_CUT && !all.includes(n.kind) && !nextTo.has(n.key)) out.set(n.key, 'cut');
  }
  // A folded entity hangs from the drawn entity nearest the start it relates to.
  const foldOf = new Map(); // folded key → the drawn entity it hangs from
  for (const e of edges) {
    for (const [k, other] of [[e.source, e.target], [e.target, e.source]]) {
      if (out.get(k) !== 'cut' || out.has(other)) continue;
      const prev = foldOf.get(k);
      if (!prev || ringOf(other) < ringOf(prev)) foldOf.set(k, other);
    }
  }
  const folds = new Map(); // more:anchor:kind → {id, anchor, kind, keys}
  for (const [k, anchor] of foldOf) {
    const kind = nodes.get(k).kind;
    const id = `more:${anchor}:${kind}`;
    if (!folds.has(id)) folds.set(id, { id, anchor, kind, keys: [] });
    folds.get(id).keys.push(k);
  }
  // A box for one or two entities hides nothing worth hiding: draw them.
  for (const [id, f] of folds) {
    if (f.keys.length >= FOLD_MIN) continue;
    for (const k of f.keys) out.delete(k);
    folds.delete(id);
  }
  let kindHidden = 0;
  let unanchored = 0;
  const folded = new Map();
  for (const [k, why] of out) {
    if (why === 'kind') kindHidden++;
    else {
      folded.set(nodes.get(k).kind, (folded.get(nodes.get(k).kind) || 0) + 1);
      if (!foldOf.has(k)) unanchored++;
    }
  }
  const drawn = edges.filter((e) => !out.has(e.source) && !out.has(e.target));

  const degree = new Map();
  for (const e of drawn) {
    degree.set(e.source, (degree.get(e.source) || 0) + 1);
    degree.set(e.target, (degree.get(e.target) || 0) + 1);
  }
  const shown = [];
  let isolated = 0;
  for (const n of nodes.values()) {
    if (hide.has(n.key) || out.has(n.key)) continue;
    if (!degree.has(n.key) && !expanded.has(n.key)) {
      isolated++;
      continue;
    }
    shown.push({ id: n.key, label: n.name, kind: n.kind, role: n.key === root ? 'start' : expanded.has(n.key) ? 'expanded' : 'node', degree: degree.get(n.key) || 0, ring: ringOf(n.key) });
  }
  for (const f of folds.values()) {
    shown.push({ id: f.id, label: `+${f.keys.length} ${kindWord(f.kind, f.keys.length).replace(/^\d+ /, '')}`, kind: f.kind, role: 'more', degree: 1, ring: ringOf(f.anchor) + 1, count: f.keys.length, anchor: f.anchor });
    drawn.push({ id: f.id, source: f.anchor, target: f.id, type: '', status: '', weak: false, more: true, attributes: [] });
  }
  shown.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.label.localeCompare(b.label));
  const cut = KIND_ORDER.filter((k) => folded.has(k)).map((k) => ({ kind: k, total: byKind.get(k), folded: folded.get(k) }));
  return {
    start: data.entity,
    nodes: shown,
    edges: drawn,
    byType: RELATION_TYPES.filter((t) => byType.has(t)).map((t) => ({ type: t, count: byType.get(t) })),
    byStatus: [...byStatus.entries()].sort((a, b) => rank(a[0]) - rank(b[0])).map(([status, count]) => ({ status, count })),
    byKind: KIND_ORDER.filter((k) => byKind.has(k)).map((k) => ({ kind: k, count: byKind.get(k) })),
    cut,
    kindHidden,
    unanchored,
    hidden: [...hide],
    notYet,
    filtered,
    isolated,
    capped: (data.n0?.nodes.length || 0) >= NEIGHBORHOOD_LIMIT,
  };
}

/** KIND_CUT is how many entities of a kind in FOLDED_KINDS a neighbourhood draws before it folds the rest into "+N" boxes. */
export const KIND_CUT = 40;

/** FOLDED_KINDS are the kinds a big neighbourhood folds: the many datasets, documents and licences around a hub, not its headline entities. */
export const FOLDED_KINDS = ['DATASET', 'DOCUMENT', 'LICENSE'];

/** FOLD_MIN is the fewest entities a "+N" box holds; fewer are drawn. */
export const FOLD_MIN = 3;

/** rings returns each entity's number of steps from root over edges taken either way. */
export function rings(root, edges) {
  const next = new Map();
  for (const e of edges) {
    if (!next.has(e.source)) next.set(e.source, []);
    if (!next.has(e.target)) next.set(e.target, []);
    next.get(e.source).push(e.target);
    next.get(e.target).push(e.source);
  }
  const ring = new Map([[root, 0]]);
  let frontier = [root];
  while (frontier.length) {
    const after = [];
    for (const k of frontier) {
      for (const o of next.get(k) || []) {
        if (!ring.has(o)) {
          ring.set(o, ring.get(k) + 1);
          after.push(o);
        }
      }
    }
    frontier = after;
  }
  return ring;
}

/**
 * pathsModel returns the paths page: each path as steps from the from end,
 * its status as of state.asOf (the weakest relation on it, recomputed from
 * the statements dated by then), paths broken on that date left out and
 * counted, and the picture of all of them together.
 */
export function pathsModel(data, state) {
  const from = data.fromEntity;
  const to = data.toEntity;
  if (!from || !to) return { from, to, paths: [], broken: 0, picture: { nodes: [], edges: [] } };
  const paths = [];
  let broken = 0;
  for (const p of data.paths) {
    let status = 'RULED';
    let ok = true;
    const rels = p.relations.map((r) => {
      const now = relationAsOf(r, state.asOf);
      if (!now) ok = false;
      else status = weaker(status, now.status);
      return now ? { ...r, status: now.status, statements: now.statements } : r;
    });
    if (!ok) {
      broken++;
      continue;
    }
    paths.push({ status, weak: WEAK_STATUSES.has(status), steps: steps(from.key, rels) });
  }
  const nodes = new Map([[from.key, { id: from.key, label: from.name, kind: from.kind, role: 'start' }]]);
  const edges = new Map();
  for (const p of paths) {
    for (const s of p.steps) {
      if (!nodes.has(s.to.key)) nodes.set(s.to.key, { id: s.to.key, label: s.to.name, kind: s.to.kind, role: s.to.key === to.key ? 'end' : 'via' });
      if (!edges.has(s.rel.id)) edges.set(s.rel.id, { id: s.rel.id, source: s.from, target: s.to.key, type: s.rel.type, status: s.rel.status, forward: s.forward });
    }
  }
  if (nodes.has(to.key)) nodes.get(to.key).role = 'end';
  return { from, to, paths, broken, picture: { nodes: [...nodes.values()], edges: [...edges.values()] } };
}

/**
 * homeModel returns the home page: disputes grouped by status (live ones
 * first, newest first within), the status as of state.asOf when the server
 * can say it, and otherwise disputes begun after asOf left out and counted.
 */
export function homeModel(data, state, features) {
  const byStatus = new Map();
  let later = 0;
  for (const { node } of data.disputes.edges) {
    const date = attr(node, 'date');
    if (state.asOf && !features.disputesAsOf && date && dateStart(date) > dateStart(state.asOf)) {
      later++;
      continue;
    }
    const status = (features.disputeStatus ? node.disputeStatus : '') || attr(node, 'status') || 'UNKNOWN';
    if (!byStatus.has(status)) byStatus.set(status, []);
    byStatus.get(status).push({ key: node.key, name: node.name, kind: node.kind, date, forum: attr(node, 'forum') });
  }
  const order = (s) => (DISPUTE_ORDER.includes(s) ? DISPUTE_ORDER.indexOf(s) : DISPUTE_ORDER.length);
  const groups = [...byStatus.entries()]
    .sort((a, b) => order(a[0]) - order(b[0]))
    .map(([status, items]) => ({ status, items: items.sort((a, b) => dateStart(b.date).localeCompare(dateStart(a.date)) || a.name.localeCompare(b.name)) }));
  const changes = data.changes
    ? { total: data.changes.totalCount, items: data.changes.edges.map((e) => e.node) }
    : null;
  return { stats: data.stats, total: data.disputes.totalCount, groups, later, changes };
}

/**
 * searchModel returns the search results in the server's ranking: with
 * searchHits, each entity with what matched and the snippet cut into plain
 * and highlighted parts; otherwise the name and alias matches of search.
 * text is what was typed, for the highlighting.
 */
export function searchModel(data, text = '') {
  if (data.hits) {
    return data.hits.map((h) => ({ entity: h.entity, matched: h.matched, snippet: h.snippet || '', parts: highlight(h.snippet || '', text) }));
  }
  return (data.search || []).map((e) => ({ entity: e, matched: 'name', snippet: '', parts: [] }));
}

/** MATCHED_WORDS says in words where a search hit matched. */
export const MATCHED_WORDS = {
  name: 'name',
  alias: 'also known as',
  key: 'key',
  description: 'description',
  quote: 'quoted in the evidence',
  event: 'in the dispute’s timeline',
};

/**
 * highlight cuts snippet into parts [{text, hit}], hit marking each word
 * that starts with one of the words of text (ignoring case; words of one
 * letter are not marked), so "lawsuit Perplexity" marks "lawsuit" and
 * "Perplexity" in "filed a lawsuit against Perplexity AI".
 */
export function highlight(snippet, text) {
  const words = [...new Set(String(text).toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 1))];
  if (!snippet) return [];
  if (!words.length) return [{ text: snippet, hit: false }];
  const parts = [];
  const re = /[\p{L}\p{N}]+/gu;
  let last = 0;
  for (const m of snippet.matchAll(re)) {
    const w = m[0].toLowerCase();
    if (!words.some((q) => w.startsWith(q))) continue;
    if (m.index > last) parts.push({ text: snippet.slice(last, m.index), hit: false });
    parts.push({ text: m[0], hit: true });
    last = m.index + m[0].length;
  }
  if (last < snippet.length) parts.push({ text: snippet.slice(last), hit: false });
  return parts;
}

/**
 * complianceModel returns the compliance page: the verdict, the assets that
 * decide it (with their licences, each licence's use, and the path that
 * reaches them), then everything else upstream by kind, and the disputes.
 */
export function complianceModel(data) {
  const c = data.compliance;
  const assets = c.assets
    .map((a) => ({
      ...a,
      steps: steps(data.entity.key, a.path),
      licenses: (a.licenses || []).map((l) => ({ key: l.key, name: l.name, kind: l.kind, use: attr(l, 'use') })),
    }))
    .sort((a, b) => KIND_ORDER.indexOf(a.asset.kind) - KIND_ORDER.indexOf(b.asset.kind) || a.steps.length - b.steps.length || a.asset.name.localeCompare(b.asset.name));
  const blocking = assets.filter((a) => a.blocks);
  const rest = assets.filter((a) => !a.blocks);
  const byClass = new Map();
  for (const a of assets) byClass.set(a.class, (byClass.get(a.class) || 0) + 1);
  return {
    entity: data.entity,
    verdict: c.verdict,
    use: c.use,
    attribution: c.attribution,
    shareAlike: c.shareAlike,
    assets,
    blockingAssets: blocking,
    rest,
    byClass: CLASS_ORDER.filter((k) => byClass.has(k)).map((k) => ({ class: k, count: byClass.get(k) })),
    disputes: (c.disputes || []).map((d) => ({ ...d, status: d.disputeStatus || '' })),
    blocking: blocking.length,
  };
}

/** CLASS_ORDER lists licence classes most restrictive first (SPEC §10). */
export const CLASS_ORDER = ['ACADEMIC_ONLY', 'NON_COMMERCIAL', 'UNSPECIFIED', 'UNLICENSED', 'COMMERCIAL'];

/** verdictSentence says a verdict in a sentence a reader can act on. */
export function verdictSentence(m) {
  const use = { COMMERCIAL: 'commercial', NON_COMMERCIAL: 'non-commercial', ACADEMIC: 'academic' }[m.use] || String(m.use).toLowerCase();
  const n = m.blocking;
  const them = `${n} ${n === 1 ? 'asset' : 'assets'}`;
  switch (m.verdict) {
    case 'ALLOWED':
      return `Allowed for ${use} use: every one of the ${m.assets.length} assets is under a licence that permits it.`;
    case 'RESTRICTED':
      return `Restricted for ${use} use: ${them} upstream ${n === 1 ? 'is' : 'are'} under a licence that forbids it.`;
    default:
      return `Unknown for ${use} use: ${them} upstream ${n === 1 ? 'has' : 'have'} no licence recorded, or one that does not say.`;
  }
}

/** minStatusNote says what a minStatus leaves out, for the sentence under a lineage control. */
export function minStatusNote(min) {
  const out = ['RULED', 'CONFIRMED', 'ASSERTED', 'ALLEGED', 'DISPUTED', 'DENIED', 'RETRACTED'].filter((s) => !atLeast(s, min));
  return out.length ? `minStatus ${min} leaves out relations that are only ${out.join(', ')}` : `minStatus ${min} walks every relation`;
}
