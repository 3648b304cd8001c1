// api.js: the one door to the server, POST /graphql with JSON, the same API
// users get.

/** GraphQLError is a failed request: the server's messages and extensions.code values. */
export class GraphQLError extends Error {
  constructor(errors, status) {
    super(errors.map((e) => e.message).join('; ') || `HTTP ${status}`);
    this.errors = errors;
    this.codes = errors.map((e) => e.extensions?.code).filter(Boolean);
    this.status = status;
  }
}

/** gql sends one request and returns its data; it throws GraphQLError when the answer has errors or is not JSON. */
export async function gql({ query, variables }, signal) {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
    credentials: 'same-origin',
    signal,
  });
  let body;
  try {
    body = await res.json();
  } catch {
    throw new GraphQLError([{ message: `the server answered HTTP ${res.status} without JSON` }], res.status);
  }
  if (body.errors && body.errors.length) throw new GraphQLError(body.errors, res.status);
  return body.data;
}
