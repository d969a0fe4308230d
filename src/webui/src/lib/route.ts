/**
 * Hash routes (`#/agents/<id>?q=…`), as the Mesos UI uses them: the server
 * serves one page at `/` whatever the view, and a link can be shared. Pure.
 */

/** A parsed route: path segments (decoded) and query parameters. */
export interface Route {
  segments: string[];
  query: Record<string, string>;
}

/** `#/tasks/fw-1/t%201?state=TASK_RUNNING` → `{segments: ['tasks','fw-1','t 1'], query: {state: 'TASK_RUNNING'}}`. */
export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#!?/, '');
  const queryAt = raw.indexOf('?');
  const path = queryAt < 0 ? raw : raw.slice(0, queryAt);
  const search = queryAt < 0 ? '' : raw.slice(queryAt + 1);
  const segments = path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(search)) if (!(key in query)) query[key] = value;
  return { segments, query };
}

/**
 * A hash link: `href('tasks', 'fw 1')` → `#/tasks/fw%201`; query values that are
 * empty or undefined are left out.
 */
export function href(...parts: Array<string | Record<string, string | undefined>>): string {
  const segments: string[] = [];
  const params = new URLSearchParams();
  for (const part of parts) {
    if (typeof part === 'string') segments.push(encodeURIComponent(part));
    else for (const [key, value] of Object.entries(part)) if (value !== undefined && value !== '') params.set(key, value);
  }
  const query = params.toString();
  return `#/${segments.join('/')}${query ? `?${query}` : ''}`;
}
