import listEndpoints from 'express-list-endpoints';
import type { Server } from 'node:http';

/** One route a plugin serves: `GET /v1/slos/:namespace/:name`. */
export interface PluginRoute {
  method: string;
  /** The path below `/api/<pluginId>`, with express's `:param` names. */
  path: string;
}

/** `GET /v1/slos` — the key route tables in the tests use. */
export const routeKey = (route: PluginRoute) => `${route.method} ${route.path}`;

/**
 * Every route a plugin serves, read from the running backend's express
 * stack (so a route added later shows up without anyone listing it).
 * Catch-all handlers (`router.use(fn)`) are not routes and are left out,
 * and so are the framework's own routes under `/.backstage/` (the user
 * cookie and the plugin's public keys, which Backstage adds to every plugin).
 */
export function listPluginRoutes(
  server: Server,
  pluginId: string,
): PluginRoute[] {
  const [app] = server.listeners('request');
  if (typeof app !== 'function') {
    throw new Error('The test backend serves no express app');
  }
  const prefix = `/api/${pluginId}`;
  const routes: PluginRoute[] = [];
  for (const endpoint of listEndpoints(app as any)) {
    if (endpoint.path !== prefix && !endpoint.path.startsWith(`${prefix}/`)) {
      continue;
    }
    if (endpoint.path.startsWith(`${prefix}/.backstage/`)) continue;
    for (const method of endpoint.methods) {
      // express answers HEAD with the GET route; it is not a route of its own.
      if (method === 'HEAD' || method === '_ALL') continue;
      routes.push({ method, path: endpoint.path.slice(prefix.length) || '/' });
    }
  }
  return routes.sort((a, b) => routeKey(a).localeCompare(routeKey(b)));
}

/**
 * Fails unless the route table and the plugin's routes match exactly: a
 * route without a generator, or a generator for a route that is gone.
 */
export function checkRouteTable(
  server: Server,
  pluginId: string,
  table: Record<string, unknown>,
): PluginRoute[] {
  const routes = listPluginRoutes(server, pluginId);
  const served = routes.map(routeKey);
  const missing = served.filter(key => !(key in table));
  const stale = Object.keys(table).filter(key => !served.includes(key));
  if (missing.length || stale.length) {
    throw new Error(
      [
        missing.length &&
          `routes with no entry in the table: ${missing.join(', ')}`,
        stale.length &&
          `entries for routes that are not served: ${stale.join(', ')}`,
      ]
        .filter(Boolean)
        .join('; '),
    );
  }
  return routes;
}
