import type { Server } from 'node:http';
import { errorMessageOf, FuzzRequest, send } from './fuzz';
import { checkRouteTable, type PluginRoute, routeKey } from './routes';

/**
 * Who may call a route:
 * - `permission`: signed-in callers holding this Backstage permission (one
 *   of them, when several); others get 403 naming it.
 * - `signedIn`: any signed-in caller, with the reason no permission applies
 *   (the caller's own data, or a check done elsewhere, such as the catalog's
 *   permissions or the gateway's policies).
 * - `public`: anyone, with the reason (health probes, say).
 */
export type RouteAccess =
  | { permission: string | string[]; request?: Partial<FuzzRequest> }
  | { signedIn: string; request?: Partial<FuzzRequest> }
  | { public: string; request?: Partial<FuzzRequest> };

export interface AccessCheckOptions {
  server: Server;
  pluginId: string;
  /** Every route the plugin serves, by `METHOD /path`. */
  routes: Record<string, RouteAccess>;
  /**
   * The `Authorization` header of a signed-in caller who lacks the given
   * permission; the backend's permission service must deny them it.
   */
  withoutPermission(permission: string): string;
}

export interface AccessFinding {
  route: string;
  expected: string;
  status: number;
  message?: string;
}

function requestFor(route: PluginRoute, access: RouteAccess): FuzzRequest {
  const hasBody = !['GET', 'HEAD'].includes(route.method);
  return {
    method: route.method,
    // Any value will do: authentication comes before the route reads it.
    path: route.path.replace(/:(\w+)/g, 'x'),
    ...(hasBody ? { body: '{}', contentType: 'application/json' } : {}),
    ...access.request,
  };
}

/**
 * Calls every route without a token and, where a permission guards it, as
 * a caller without the permission; returns each route whose answer was not
 * the refusal it should be (401, or 403 naming the permission). `public`
 * routes must answer below 400 without a token.
 */
export async function checkRouteAccess(
  options: AccessCheckOptions,
): Promise<AccessFinding[]> {
  const routes = checkRouteTable(
    options.server,
    options.pluginId,
    options.routes,
  );
  const { port } = options.server.address() as { port: number };
  const baseUrl = `http://localhost:${port}/api/${options.pluginId}`;
  const findings: AccessFinding[] = [];
  for (const route of routes) {
    const key = routeKey(route);
    const access = options.routes[key];
    const request = requestFor(route, access);
    const anonymous = await send(baseUrl, request);
    if ('public' in access) {
      if (anonymous.status >= 400) {
        findings.push({
          route: key,
          expected: 'an answer without a token',
          status: anonymous.status,
          message: errorMessageOf(anonymous),
        });
      }
      continue;
    }
    if (anonymous.status !== 401) {
      findings.push({
        route: key,
        expected: '401 without a token',
        status: anonymous.status,
        message: errorMessageOf(anonymous),
      });
    }
    if ('permission' in access) {
      const names = [access.permission].flat();
      const denied = await send(
        baseUrl,
        request,
        options.withoutPermission(names[0]),
      );
      const message = errorMessageOf(denied) ?? '';
      if (denied.status !== 403 || !names.some(n => message.includes(n))) {
        findings.push({
          route: key,
          expected: `403 naming ${names.join(' or ')}`,
          status: denied.status,
          message,
        });
      }
    }
  }
  return findings;
}
