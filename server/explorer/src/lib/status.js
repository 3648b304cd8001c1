// status.js: claim statuses, partial dates and the effective status of a
// relation as of a date (SPEC §1 and §2), so that the views can show a
// relation "as it stood" when the GraphQL field they read has no asOf.

/** Claim statuses, strongest first (SPEC §1). */
export const STATUSES = ['RULED', 'CONFIRMED', 'ASSERTED', 'ALLEGED', 'DISPUTED', 'DENIED', 'RETRACTED'];

/** The default minStatus of lineage: everything but denied and retracted. */
export const DEFAULT_MIN_STATUS = 'DISPUTED';

/** Statuses shown greyed: a denial or a retraction is news, not a link. */
export const WEAK_STATUSES = new Set(['DENIED', 'RETRACTED']);

/** What each status means, in a sentence, for badges' titles and legends. */
export const STATUS_MEANING = {
  RULED: 'established by a court or regulator',
  CONFIRMED: 'acknowledged or verified',
  ASSERTED: 'stated as fact by a source',
  ALLEGED: 'claimed by a party, unproven',
  DISPUTED: 'alleged by one party and denied by another',
  DENIED: 'the party concerned denies it',
  RETRACTED: 'withdrawn; kept for history',
};

/** rank returns the strength of status: 0 for RULED up to 6 for RETRACTED, 7 for anything else. */
export function rank(status) {
  const i = STATUSES.indexOf(status);
  return i < 0 ? STATUSES.length : i;
}

/** atLeast reports whether status is as strong as min or stronger. */
export function atLeast(status, min) {
  return rank(status) <= rank(min);
}

/** weaker returns the weaker of two statuses. */
export function weaker(a, b) {
  return rank(a) >= rank(b) ? a : b;
}

/**
 * effectiveStatus derives a relation's status from the statuses of its
 * statements (retracted ones included), by SPEC §1: any RULED, then
 * CONFIRMED, then ASSERTED; ALLEGED with DENIED is DISPUTED; only ALLEGED is
 * ALLEGED; only DENIED is DENIED; nothing but retractions is RETRACTED.
 */
export function effectiveStatus(statuses) {
  const live = new Set(statuses.filter((s) => s !== 'RETRACTED'));
  for (const s of ['RULED', 'CONFIRMED', 'ASSERTED']) {
    if (live.has(s)) return s;
  }
  if (live.has('ALLEGED') && live.has('DENIED')) return 'DISPUTED';
  if (live.has('ALLEGED')) return 'ALLEGED';
  if (live.has('DENIED')) return 'DENIED';
  return 'RETRACTED';
}

const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

/** isDate reports whether text is a date the API takes: 2023, 2023-04 or 2023-04-19. */
export function isDate(text) {
  const m = DATE.exec(text || '');
  if (!m) return false;
  const month = m[2] ? Number(m[2]) : 1;
  const day = m[3] ? Number(m[3]) : 1;
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(Number(m[1]), month);
}

function daysIn(year, month) {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** dateStart returns the first day of a partial date (2023-04 → 2023-04-01), or '' for no date. */
export function dateStart(text) {
  const m = DATE.exec(text || '');
  if (!m) return '';
  return `${m[1]}-${m[2] || '01'}-${m[3] || '01'}`;
}

/** dateEnd returns the last day of a partial date (2023-02 → 2023-02-28), or '' for no date. */
export function dateEnd(text) {
  const m = DATE.exec(text || '');
  if (!m) return '';
  const month = m[2] || '12';
  const day = m[3] || String(daysIn(Number(m[1]), Number(month))).padStart(2, '0');
  return `${m[1]}-${month}-${day}`;
}

/** statementCounts reports whether a statement dated date counts as of asOf (undated ones always do). */
export function statementCounts(date, asOf) {
  if (!asOf || !date) return true;
  return dateStart(date) <= dateStart(asOf);
}

/** validOn reports whether a relation with validFrom and validTo holds on asOf. */
export function validOn(rel, asOf) {
  if (!asOf) return true;
  const day = dateStart(asOf);
  if (rel.validFrom && dateStart(rel.validFrom) > day) return false;
  if (rel.validTo && dateEnd(rel.validTo) < day) return false;
  return true;
}

/**
 * relationAsOf returns how a relation stood on asOf: its effective status
 * recomputed from the statements dated by then, those statements, and how
 * many later ones were left out. It returns null when the relation did not
 * hold on asOf or no statement of it had been made by then. Without asOf it
 * returns the relation's own status and every statement.
 */
export function relationAsOf(rel, asOf) {
  const statements = rel.statements || [];
  if (!asOf) return { status: rel.status, statements, later: 0 };
  if (!validOn(rel, asOf)) return null;
  const counted = statements.filter((s) => statementCounts(s.date, asOf));
  if (counted.length === 0) return null;
  return {
    status: effectiveStatus(counted.map((s) => s.status)),
    statements: counted,
    later: statements.length - counted.length,
  };
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,9})?)?Z$/;

/** isInstant reports whether text is a moment on the store's clock as the URL carries it: RFC 3339 in UTC, 2024-05-01T12:00:00Z. */
export function isInstant(text) {
  const m = INSTANT.exec(text || '');
  return !!m && isDate(`${m[1]}-${m[2]}-${m[3]}`);
}

/**
 * instantFromInput turns the value of a datetime-local control, read as UTC
 * (2024-05-01T12:00 or 2024-05-01T12:00:30), into an RFC 3339 instant, '' when
 * it is empty or not a moment.
 */
export function instantFromInput(value) {
  const v = (value || '').trim();
  if (!v) return '';
  const withSeconds = /T\d{2}:\d{2}$/.test(v) ? `${v}:00` : v;
  const out = withSeconds.endsWith('Z') ? withSeconds : `${withSeconds}Z`;
  return isInstant(out) ? out : '';
}

/** inputFromInstant is the value a datetime-local control shows for an instant: UTC, to the second, without the zone. */
export function inputFromInstant(instant) {
  const m = INSTANT.exec(instant || '');
  if (!m) return '';
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] || '00'}`;
}

/** today returns the local date as YYYY-MM-DD. */
export function today(now = new Date()) {
  const p = (n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}
