/**
 * Every HTTP route, defined once. The CDK stack turns each into an API Gateway HTTP API route on the
 * function `functions/<fn>/handler.ts`; the local stack serves the same table on localhost with the
 * same handlers, so the two cannot drift apart.
 */
export interface RouteDefinition {
  /** HTTP method as API Gateway writes it. */
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway path syntax: `/api/measures/{measureId}`. */
  path: string;
  /** Folder under `functions/` whose `handler.ts` serves the route. */
  fn: string;
  /** One line for the README and the local index page. */
  description: string;
}

export const routes: readonly RouteDefinition[] = [
  { method: 'GET', path: '/api/plan', fn: 'get-plan', description: '計画の全体 / the whole plan catalog' },
  {
    method: 'GET',
    path: '/api/plan/measures/{measureId}',
    fn: 'get-plan',
    description: '事業ひとつ / one 事業 of the plan',
  },
];

/** The route key API Gateway puts in `event.routeKey`, e.g. `GET /api/plan`. */
export function routeKey(route: Pick<RouteDefinition, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/** Match a concrete path against a route path; returns the path parameters or undefined. */
export function matchPath(routePath: string, actual: string): Record<string, string> | undefined {
  const want = routePath.split('/');
  const got = actual.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i += 1) {
    const w = want[i] as string;
    const g = got[i] as string;
    const param = /^\{(\w+)\}$/.exec(w);
    if (param?.[1]) {
      if (g === '') return undefined;
      try {
        params[param[1]] = decodeURIComponent(g);
      } catch {
        return undefined;
      }
    } else if (w !== g) return undefined;
  }
  return params;
}

/** The distinct functions behind the routes, in route order. */
export function routeFunctions(): string[] {
  return [...new Set(routes.map((r) => r.fn))];
}
