// queries.js: the GraphQL documents the views send, as plain functions of
// (view state, features) → {query, variables}. Optional arguments are sent
// only when set, so the server's own defaults apply otherwise, and fields the
// server lacks are never asked for.

import { rank } from './status.js';
import { NONE } from './features.js';

/** PAGE is the largest page the API serves (SPEC §3 maximum page size). */
export const PAGE = 500;

/** LINEAGE_FIRST is how many lineage hits a view asks for (the API's most). */
export const LINEAGE_FIRST = 1000;

/** NEIGHBORHOOD_LIMIT is how many entities the neighbourhood view asks for at most. */
export const NEIGHBORHOOD_LIMIT = 500;

/** EXPAND_LIMIT is how many entities one click on a node adds at most. */
export const EXPAND_LIMIT = 60;

const BRIEF = 'key name kind';

/** evidenceFields is what a page shows of evidence: the link, the quote, the document and, when the server has it, the publisher. */
export function evidenceFields(features = NONE) {
  const publisher = features.publisher ? ' publisher { domain kind name }' : '';
  return `evidence { url quote document { key name url: attribute(key: "url") }${publisher} }`;
}

function statementFields(features) {
  return `id status date note claimedBy { ${BRIEF} } ${evidenceFields(features)} dispute { key name } recordedAt retractedReason retractedAt previousStatus`;
}

/** relationFields is everything a statement list shows about a relation. */
export function relationFields(features = NONE) {
  return `id type status validFrom validTo attributes { key value } from { ${BRIEF} } to { ${BRIEF} } statements { ${statementFields(features)} }`;
}

/** RELATION is relationFields of a server with only the SPEC §3 fields. */
export const RELATION = relationFields(NONE);
const RELATION_LIGHT = `id type status validFrom validTo from { ${BRIEF} } to { ${BRIEF} }`;
const EDGE = `id type status validFrom validTo from { key } to { key } attributes { key value } statements { status date }`;

// Vars collects variable declarations and values, declaring only those set.
// Build a document's body first and its header (v.header()) last, so every
// variable the body uses is declared.
class Vars {
  constructor() {
    this.decls = [];
    this.values = {};
  }
  // arg returns `name: $var` and declares $var, or '' when value is unset.
  arg(name, type, value, varName = name) {
    if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) return '';
    if (!(varName in this.values)) this.decls.push(`$${varName}: ${type}`);
    this.values[varName] = value;
    return `${name}: $${varName}`;
  }
  header() {
    return this.decls.length ? `(${this.decls.join(', ')})` : '';
  }
}

function args(...parts) {
  const set = parts.filter(Boolean);
  return set.length ? `(${set.join(', ')})` : '';
}

/**
 * searchQuery asks for what text finds, ranked by the server: with
 * searchHits, each entity with what matched and its snippet; otherwise the
 * name and alias matches of search.
 */
export function searchQuery(text, features, first = 8) {
  const v = new Vars();
  const t = v.arg('text', 'String!', text);
  const field = features.searchHits
    ? `hits: searchHits${args(t, `first: ${first}`)} { entity { ${BRIEF} aliases } matched snippet }`
    : `search${args(t, `first: ${first}`)} { ${BRIEF} aliases }`;
  return { query: `query Search${v.header()} {\n  ${field}\n}`, variables: v.values };
}

/** CHANGES is how many of the latest changes the home page lists. */
export const CHANGES = 20;

/** homeQuery asks for disputes (with their status as of asOf when the server can), counts, and the latest changes when it has them. */
export function homeQuery(state, features) {
  const v = new Vars();
  const asOfArg = features.disputesAsOf ? v.arg('asOf', 'Date', state.asOf) : '';
  const statusField = features.disputeStatus ? `disputeStatus${args(v.arg('asOf', 'Date', state.asOf))}` : '';
  const changes = features.changes
    ? `changes(last: ${CHANGES}) {
    totalCount
    edges { node { at kind reason alias entity { ${BRIEF} } relation { type from { ${BRIEF} } to { ${BRIEF} } }
      statement { status date claimedBy { name } } event { date status summary } } }
  }`
    : '';
  return {
    query: `query Home${v.header()} {
  stats { entities relations statements }
  disputes${args(asOfArg, `first: ${PAGE}`)} {
    totalCount
    edges { node { ${BRIEF} attributes { key value } ${statusField} } }
  }
  ${changes}
}`,
    variables: v.values,
  };
}

/**
 * entityQuery asks for an entity with its relations and statements, names
 * over time and dispute timeline when the server has them, as recorded at
 * state.recordedAsOf when set and the server can.
 */
export function entityQuery(state, features) {
  const v = new Vars();
  const ref = v.arg('ref', 'String!', state.key);
  const extra = [];
  const ev = evidenceFields(features);
  if (features.names) extra.push(`names { name validFrom validTo primary ${ev} }`);
  if (features.events) extra.push(`events { id date status summary forum ${ev} recordedAt retractedReason retractedAt }`);
  if (features.disputeStatus) extra.push(`disputeStatus${args(v.arg('asOf', 'Date', state.asOf))}`);
  if (features.disputeForum) extra.push(`disputeForum${args(v.arg('asOf', 'Date', state.asOf))}`);
  const rec = features.recordedAsOf ? v.arg('recordedAsOf', 'DateTime', state.recordedAsOf) : '';
  return {
    query: `query Entity${v.header()} {
  entity${args(ref)} {
    id key kind name aliases description attributes { key value }
    ${extra.join('\n    ')}
    relations${args(`first: ${PAGE}`, rec)} { totalCount edges { node { ${relationFields(features)} } } }
  }
}`,
    variables: v.values,
  };
}

/**
 * lineageQuery asks for the hits of a lineage walk with their paths (the
 * relations without statements, which relationsQuery fetches once per
 * relation). Unless minStatus already lets everything through, it also asks
 * which hits a walk down to RETRACTED adds, so the page can say what the
 * minimum hides.
 */
export function lineageQuery(state, features = NONE) {
  const v = new Vars();
  const common = [
    v.arg('entity', 'String!', state.key),
    v.arg('direction', 'LineageDirection!', state.direction),
    v.arg('asOf', 'Date', state.asOf),
    v.arg('kinds', '[EntityKind!]', state.kinds),
    features.recordedAsOf ? v.arg('recordedAsOf', 'DateTime', state.recordedAsOf) : '',
  ];
  const min = v.arg('minStatus', 'ClaimStatus', state.minStatus);
  const weak =
    rank(state.minStatus) < rank('RETRACTED')
      ? `all: lineage${args(...common, 'minStatus: RETRACTED', `first: ${LINEAGE_FIRST}`)} { status entity { key } }`
      : '';
  const body = `{
  entity${args(v.arg('ref', 'String!', state.key))} { ${BRIEF} aliases }
  lineage${args(...common, min, `first: ${LINEAGE_FIRST}`)} {
    depth status entity { ${BRIEF} } path { ${RELATION_LIGHT} }
  }
  ${weak}
}`;
  return { query: `query Lineage${v.header()} ${body}`, variables: v.values };
}

/** relationsQuery asks for the full statements of relations by id, one aliased node(id:) each. */
export function relationsQuery(ids, features = NONE) {
  const v = new Vars();
  const rel = relationFields(features);
  const fields = ids.map((id, i) => `r${i}: node${args(v.arg('id', 'ID!', id, `id${i}`))} { ... on Relation { ${rel} } }`);
  return { query: `query Relations${v.header()} {\n  ${fields.join('\n  ')}\n}`, variables: v.values };
}

/**
 * graphQuery asks for the neighbourhood of the view's entity at its depth and
 * of every expanded entity at depth 1, one aliased field each (n0 is the
 * view's own), so a permalink with expansions is one request.
 */
export function graphQuery(state, features = NONE) {
  const v = new Vars();
  const fields = [];
  const subgraph = `{ nodes { ${BRIEF} } relations { ${EDGE} } }`;
  const rec = () => (features.recordedAsOf ? v.arg('recordedAsOf', 'DateTime', state.recordedAsOf) : '');
  fields.push(`n0: neighborhood${args(v.arg('entity', 'String!', state.key, 'e0'), v.arg('depth', 'Int', state.depth), `limit: ${NEIGHBORHOOD_LIMIT}`, rec())} ${subgraph}`);
  state.expand.forEach((key, i) => {
    fields.push(`n${i + 1}: neighborhood${args(v.arg('entity', 'String!', key, `e${i + 1}`), 'depth: 1', `limit: ${EXPAND_LIMIT}`, rec())} ${subgraph}`);
  });
  const body = `{
  entity${args(v.arg('ref', 'String!', state.key))} { ${BRIEF} aliases }
  ${fields.join('\n  ')}
}`;
  return { query: `query Graph${v.header()} ${body}`, variables: v.values };
}

/** expandQuery asks for one entity's neighbourhood at depth 1, for a click on a node, as recorded at recordedAsOf when given. */
export function expandQuery(key, recordedAsOf = '') {
  const v = new Vars();
  const call = args(v.arg('entity', 'String!', key, 'e'), 'depth: 1', `limit: ${EXPAND_LIMIT}`, v.arg('recordedAsOf', 'DateTime', recordedAsOf));
  return {
    query: `query Expand${v.header()} {
  n: neighborhood${call} { nodes { ${BRIEF} } relations { ${EDGE} } }
}`,
    variables: v.values,
  };
}

/** pathsQuery asks how two entities connect: both ends and the shortest paths, relations with statements. */
export function pathsQuery(state, features = NONE) {
  const v = new Vars();
  const from = v.arg('from', 'String!', state.from);
  const to = v.arg('to', 'String!', state.to);
  const depth = v.arg('maxDepth', 'Int', state.maxDepth);
  return {
    query: `query Paths${v.header()} {
  fromEntity: entity(ref: $from) { ${BRIEF} }
  toEntity: entity(ref: $to) { ${BRIEF} }
  paths${args(from, to, depth, 'first: 20')} { status relations { ${relationFields(features)} } }
}`,
    variables: v.values,
  };
}

/** complianceQuery asks for the licence verdict of SPEC §10 and the assets that decide it. */
export function complianceQuery(state, features = NONE) {
  const v = new Vars();
  const call = args(
    v.arg('entity', 'String!', state.key),
    v.arg('use', 'Use', state.use),
    v.arg('asOf', 'Date', state.asOf),
    v.arg('minStatus', 'ClaimStatus', state.minStatus),
    features.recordedAsOf ? v.arg('recordedAsOf', 'DateTime', state.recordedAsOf) : '',
  );
  return {
    query: `query Compliance${v.header()} {
  entity(ref: $entity) { ${BRIEF} aliases }
  compliance${call} {
    verdict use attribution shareAlike
    assets { asset { ${BRIEF} } class licenses { ${BRIEF} attributes { key value } } blocks path { ${RELATION_LIGHT} } }
    disputes { ${BRIEF}${features.disputeStatus ? ' disputeStatus' : ''} }
  }
}`,
    variables: v.values,
  };
}
