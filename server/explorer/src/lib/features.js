// features.js: what the server's schema offers. The explorer asks once, at
// start, and uses each newer field (SPEC §8 history, full-text search hits,
// §10 compliance, the publisher of evidence) only when the server has it; otherwise the page says the
// feature is not available on this server yet.

/** FEATURE_QUERY asks the schema which query fields and Entity fields it has, with their arguments. */
export const FEATURE_QUERY = `query ExplorerFeatures {
  __schema { queryType { fields { name args { name } } } }
  __type(name: "Entity") { fields { name args { name } } }
  evidence: __type(name: "Evidence") { fields { name } }
}`;

/** NONE is the feature set of a server that answered nothing: only the SPEC §3 fields. */
export const NONE = Object.freeze({
  searchHits: false,
  changes: false,
  compliance: false,
  disputesAsOf: false,
  events: false,
  names: false,
  disputeStatus: false,
  disputeForum: false,
  recordedAsOf: false,
  publisher: false,
});

function fieldArgs(fields) {
  const m = new Map();
  for (const f of fields || []) m.set(f.name, new Set((f.args || []).map((a) => a.name)));
  return m;
}

/** featuresFrom returns the feature set an answer to FEATURE_QUERY describes; a missing part means absent. */
export function featuresFrom(data) {
  const query = fieldArgs(data?.__schema?.queryType?.fields);
  const entity = fieldArgs(data?.__type?.fields);
  const evidence = fieldArgs(data?.evidence?.fields);
  return {
    searchHits: query.has('searchHits'),
    changes: query.has('changes'),
    compliance: query.has('compliance'),
    disputesAsOf: query.get('disputes')?.has('asOf') || false,
    events: entity.has('events'),
    names: entity.has('names'),
    disputeStatus: entity.has('disputeStatus'),
    disputeForum: entity.has('disputeForum'),
    // The store's clock (SPEC §8 "as recorded"): on every read view at once.
    recordedAsOf: (query.get('lineage')?.has('recordedAsOf') && query.get('neighborhood')?.has('recordedAsOf') && entity.get('relations')?.has('recordedAsOf')) || false,
    publisher: evidence.has('publisher'),
  };
}

/** NOT_YET is what a page says where a feature the server lacks would be. */
export const NOT_YET = 'not available on this server yet';
