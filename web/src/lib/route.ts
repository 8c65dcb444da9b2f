/**
 * The URL scheme of the UI. Paths name the page and its subject; filters and the time range are query
 * parameters, so every view is a shareable link and back/forward move between views.
 *
 *   /?view=table|lanes&q=&env=&verdict=&tag=&sort=&range=   overview
 *   /prompts                                      prompt list
 *   /prompts/{prompt}/versions?from=&to=          versions and a diff of two
 *   /prompts/{prompt}/draft                       the signed-in author's draft (the editor)
 *   /prompts/{prompt}/compare?from=&to=&window=   compare two sides (versions, environments, a draft, last pass)
 *   /prompts/{prompt}/environments/{environment}  the on-call view (?range= | ?since= | ?from=&to=, &deployment=, &split=version, &latency=log)
 *   /compare?prompt=&environment=&model=&range=   version comparison
 *   /deployments?prompt=&environment=&kind=       audit trail
 *   /traces?environment=&prompt=&version=&model=&status=&minMs=&maxMs=&minCost=&maxCost=&q=&attr=…&range=   trace list
 *   /traces/{traceId}                             one trace
 *   /datasets, /datasets/{name}                   labelled datasets, one dataset's items
 *   /experiments, /experiments/{runId}            experiment runs, one run with its per-category table
 *   /settings/connections                         model connections (admin)
 *   /reviews?status=&request=                     review requests and their evidence
 *   /settings?tab=environments|webhooks|keys      settings (admins)
 *   /alerts?tab=alerts|monitors|channels|changes&status=&alert=&change=   alerts, monitors, channels, changes
 */
export type Route =
  | { page: 'overview' }
  | { page: 'prompts' }
  | { page: 'versions'; prompt: string }
  | { page: 'draft'; prompt: string }
  | { page: 'prompt-compare'; prompt: string }
  | { page: 'oncall'; prompt: string; environment: string }
  | { page: 'compare' }
  | { page: 'deployments' }
  | { page: 'traces' }
  | { page: 'trace'; traceId: string }
  | { page: 'datasets' }
  | { page: 'dataset'; name: string }
  | { page: 'experiments' }
  | { page: 'experiment'; runId: string }
  | { page: 'connections' }
  | { page: 'reviews' }
  | { page: 'settings' }
  | { page: 'alerts' }
  | { page: 'not-found'; path: string };

/** Query parameters; an array repeats the parameter (`attr=a&attr=b`). */
export type Query = Record<string, string | number | readonly string[] | null | undefined>;

function segments(pathname: string): string[] | undefined {
  try {
    return pathname
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s));
  } catch {
    return undefined; // malformed percent-encoding
  }
}

export function parseRoute(pathname: string): Route {
  const parts = segments(pathname);
  const notFound: Route = { page: 'not-found', path: pathname };
  if (!parts) return notFound;
  const [first, second, third, fourth, fifth] = parts;
  if (parts.length === 0) return { page: 'overview' };
  if (first === 'prompts' && parts.length === 1) return { page: 'prompts' };
  if (first === 'prompts' && second && third === 'versions' && parts.length === 3)
    return { page: 'versions', prompt: second };
  if (first === 'prompts' && second && third === 'draft' && parts.length === 3)
    return { page: 'draft', prompt: second };
  if (first === 'prompts' && second && third === 'compare' && parts.length === 3)
    return { page: 'prompt-compare', prompt: second };
  if (first === 'prompts' && second && third === 'environments' && fourth && parts.length === 4 && !fifth) {
    return { page: 'oncall', prompt: second, environment: fourth };
  }
  if (first === 'compare' && parts.length === 1) return { page: 'compare' };
  if (first === 'deployments' && parts.length === 1) return { page: 'deployments' };
  if (first === 'traces' && parts.length === 1) return { page: 'traces' };
  if (first === 'reviews' && parts.length === 1) return { page: 'reviews' };
  if (first === 'settings' && parts.length === 1) return { page: 'settings' };
  if (first === 'traces' && second && parts.length === 2) return { page: 'trace', traceId: second };
  if (first === 'alerts' && parts.length === 1) return { page: 'alerts' };
  if (first === 'datasets' && parts.length === 1) return { page: 'datasets' };
  if (first === 'datasets' && second && parts.length === 2) return { page: 'dataset', name: second };
  if (first === 'experiments' && parts.length === 1) return { page: 'experiments' };
  if (first === 'experiments' && second && parts.length === 2) return { page: 'experiment', runId: second };
  if (first === 'settings' && second === 'connections' && parts.length === 2) return { page: 'connections' };
  return notFound;
}

const enc = encodeURIComponent;

export function routePath(route: Route): string {
  switch (route.page) {
    case 'overview':
      return '/';
    case 'prompts':
      return '/prompts';
    case 'versions':
      return `/prompts/${enc(route.prompt)}/versions`;
    case 'draft':
      return `/prompts/${enc(route.prompt)}/draft`;
    case 'prompt-compare':
      return `/prompts/${enc(route.prompt)}/compare`;
    case 'oncall':
      return `/prompts/${enc(route.prompt)}/environments/${enc(route.environment)}`;
    case 'compare':
    case 'deployments':
    case 'traces':
    case 'reviews':
    case 'settings':
    case 'alerts':
      return `/${route.page}`;
    case 'trace':
      return `/traces/${enc(route.traceId)}`;
    case 'datasets':
    case 'experiments':
      return `/${route.page}`;
    case 'dataset':
      return `/datasets/${enc(route.name)}`;
    case 'experiment':
      return `/experiments/${enc(route.runId)}`;
    case 'connections':
      return '/settings/connections';
    case 'not-found':
      return route.path;
  }
}

/** Query parameters without the empty ones, in a stable order; arrays repeat their parameter. */
export function queryString(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (Array.isArray(value)) for (const item of value as readonly string[]) params.append(key, item);
    else if (value !== null && value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function href(route: Route, query?: Query): string {
  return routePath(route) + queryString(query);
}

/** A copy of `params` with some keys set (or removed when the value is empty); repeated keys stay arrays. */
export function withParams(params: URLSearchParams, changes: Query): Query {
  const out: Query = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    out[key] = values.length > 1 ? values : values[0];
  }
  for (const [key, value] of Object.entries(changes)) out[key] = value;
  return out;
}
