// The whosedata playground: GraphiQL talking to the server's /graphql endpoint.
// The server injects its settings as JSON into the #whosedata-config element of
// index.html; nothing is loaded from other origins.
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import 'graphiql/graphiql.css';
import './index.css';

// readConfig returns the settings the server injected, or defaults when the
// element is missing or does not hold valid JSON.
function readConfig() {
  const el = document.getElementById('whosedata-config');
  try {
    const cfg = JSON.parse(el ? el.textContent : '{}');
    return cfg && typeof cfg === 'object' ? cfg : {};
  } catch {
    return {};
  }
}

const config = readConfig();
const endpoint = new URL(config.endpoint || 'graphql', window.location.href).toString();

// fetcher posts one GraphQL request as JSON. Headers typed in GraphiQL's header
// editor (for example "Authorization": "Bearer …") are sent along; GraphiQL does
// not persist them unless the user asks it to.
async function fetcher(params, opts) {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      Accept: 'application/json',
      'Content-Type': 'application/json',
      ...(opts && opts.headers ? opts.headers : {}),
    },
    body: JSON.stringify(params),
    credentials: 'same-origin',
  });
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return { errors: [{ message: `HTTP ${res.status}: ${text}` }] };
  }
}

createRoot(document.getElementById('graphiql')).render(
  <GraphiQL fetcher={fetcher} defaultQuery={config.defaultQuery || undefined} />,
);
