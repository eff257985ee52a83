// Calls to the dashboard's own backend; it adds the inference services' tokens, so none is ever in the page.

/** GET a JSON document; a failed request throws an Error carrying the backend's message. */
export async function getJson(path) {
  let response;
  try {
    response = await fetch(path, { headers: { accept: 'application/json' }, cache: 'no-store' });
  } catch {
    throw new Error('the dashboard backend cannot be reached');
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new Error(`the dashboard backend answered ${path} with HTTP ${response.status} and no JSON`);
  }
  if (!response.ok) throw new Error(typeof body?.error === 'string' ? body.error : `HTTP ${response.status} from ${path}`);
  return body;
}

/** The forecast, candles or model document of a target, through the backend. */
export function getTargetDocument(target, resource) {
  return getJson(`/api/${encodeURIComponent(target)}/${resource}`);
}
