// look.js: colours and shapes shared by the pictures, the legends, the badges
// and the SVG export, so all of them agree. Status is never told by colour
// alone: badges carry the word, and lines are solid, dashed or dotted.

/** STATUS_COLOR is each claim status's colour: greens for established, blue asserted, orange alleged, magenta disputed, greys denied and retracted. */
export const STATUS_COLOR = {
  RULED: '#1b5e20',
  CONFIRMED: '#2e7d32',
  ASSERTED: '#1f5fa8',
  ALLEGED: '#c2410c',
  DISPUTED: '#a21caf',
  DENIED: '#6b7280',
  RETRACTED: '#9ca3af',
};

/** STATUS_LINE is how an edge of each status is drawn. */
export const STATUS_LINE = {
  RULED: 'solid',
  CONFIRMED: 'solid',
  ASSERTED: 'solid',
  ALLEGED: 'dashed',
  DISPUTED: 'dashed',
  DENIED: 'dotted',
  RETRACTED: 'dotted',
};

/** KIND_LOOK is each kind's fill and shape (Cytoscape shape names). */
export const KIND_LOOK = {
  ORGANIZATION: { fill: '#dbeafe', border: '#1e3a8a', shape: 'round-rectangle' },
  PERSON: { fill: '#fef3c7', border: '#92400e', shape: 'ellipse' },
  DATASET: { fill: '#e7e5e4', border: '#44403c', shape: 'barrel' },
  MODEL: { fill: '#ede9fe', border: '#5b21b6', shape: 'hexagon' },
  PRODUCT: { fill: '#dcfce7', border: '#166534', shape: 'round-pentagon' },
  DISPUTE: { fill: '#fee2e2', border: '#991b1b', shape: 'diamond' },
  DOCUMENT: { fill: '#f3f4f6', border: '#374151', shape: 'rectangle' },
  LICENSE: { fill: '#fef9c3', border: '#854d0e', shape: 'tag' },
};

/** DISPUTE_COLOR is each dispute status's colour on badges and the timeline. */
export const DISPUTE_COLOR = {
  THREATENED: '#c2410c',
  FILED: '#1f5fa8',
  ONGOING: '#a21caf',
  SETTLED: '#2e7d32',
  DISMISSED: '#6b7280',
  RULED: '#1b5e20',
  WITHDRAWN: '#9ca3af',
};

/** VERDICT_COLOR colours the compliance verdict. */
export const VERDICT_COLOR = { ALLOWED: '#2e7d32', RESTRICTED: '#b91c1c', UNKNOWN: '#92400e' };

/** statusColor returns a status's colour, a neutral grey for anything unknown. */
export function statusColor(status) {
  return STATUS_COLOR[status] || DISPUTE_COLOR[status] || '#4b5563';
}

/** kindLook returns a kind's look, a neutral one for anything unknown. */
export function kindLook(kind) {
  return KIND_LOOK[kind] || { fill: '#f3f4f6', border: '#374151', shape: 'round-rectangle' };
}
