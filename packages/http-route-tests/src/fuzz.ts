import fc from 'fast-check';
import type { Server } from 'node:http';
import {
  hostileJson,
  hostileString,
  MALFORMED_BODIES,
  PROTOTYPE_KEYS,
} from './hostile';
import { checkRouteTable, PluginRoute, routeKey } from './routes';

/** How to fuzz one route. `{}` is a valid choice: hostile everything. */
export interface RouteFuzzSpec {
  /** Values for the `:params`; each defaults to hostile strings. */
  params?: Record<string, fc.Arbitrary<string>>;
  /** Query parameters the route reads; they get hostile values (random keys are sent anyway). */
  query?: string[];
  /** A body worth sending: valid-looking, to get past the first checks (sent as JSON). */
  body?: fc.Arbitrary<unknown>;
  /** The same for a route that reads another format (YAML, JSON lines). */
  raw?: { contentType: string; body: fc.Arbitrary<string> };
  /** Another caller's `Authorization` header, for a route meant for them (a service, say). */
  authorization?: string;
  /** Statuses of 500 or more this route answers on purpose, and why. */
  expected5xx?: Record<number, string>;
}

/** One generated request. */
export interface FuzzRequest {
  method: string;
  path: string;
  body?: string;
  contentType?: string;
}

export interface FuzzResponse {
  status: number;
  contentType: string;
  text: string;
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/yaml',
  'application/octet-stream',
  'multipart/form-data; boundary=x',
  undefined,
];

const LONE_SURROGATE =
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * encodeURIComponent, except that a lone surrogate (which it refuses)
 * becomes the bytes of one (%ED%A0%80): not UTF-8, itself a bad input.
 */
const encode = (value: string) =>
  value
    .split(LONE_SURROGATE)
    .map(part => encodeURIComponent(part))
    .join('%ED%A0%80');

const encodeKey = (key: string) =>
  encode(key).replace(/%5B/g, '[').replace(/%5D/g, ']');

function queryArbitrary(known: string[]): fc.Arbitrary<string> {
  const keys = fc.oneof(
    ...(known.length
      ? [{ weight: 4, arbitrary: fc.constantFrom(...known) }]
      : []),
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom(...(known.length ? known : ['q'])),
          fc.constantFrom('[]', '[$ne]', '[__proto__]', '[0][1][2]', '[a][b]'),
        )
        .map(([k, suffix]) => k + suffix),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '__proto__[polluted]',
        'constructor[prototype][polluted]',
        ...PROTOTYPE_KEYS,
      ),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
  );
  return fc
    .array(fc.tuple(keys, hostileString()), { maxLength: 5 })
    .map(pairs =>
      pairs.length
        ? `?${pairs.map(([k, v]) => `${encodeKey(k)}=${encode(v)}`).join('&')}`
        : '',
    );
}

function bodyArbitrary(spec: RouteFuzzSpec): fc.Arbitrary<{
  body?: string;
  contentType?: string;
}> {
  const json = (value: fc.Arbitrary<unknown>) =>
    value.map(v => ({
      body: JSON.stringify(v) ?? 'null',
      contentType: 'application/json',
    }));
  return fc.oneof(
    ...(spec.body ? [{ weight: 6, arbitrary: json(spec.body) }] : []),
    ...(spec.raw
      ? [
          {
            weight: 6,
            arbitrary: spec.raw.body.map(body => ({
              body,
              contentType: spec.raw!.contentType,
            })),
          },
        ]
      : []),
    { weight: 3, arbitrary: json(hostileJson()) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom(...MALFORMED_BODIES),
          fc.constantFrom(...CONTENT_TYPES),
        )
        .map(([body, contentType]) => ({ body, contentType })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.constantFrom(...CONTENT_TYPES),
        )
        .map(([body, contentType]) => ({ body, contentType })),
    },
    // Over every route's JSON body limit (the largest is 1 MB).
    {
      weight: 1,
      arbitrary: fc.constant({
        body: JSON.stringify({ text: 'x'.repeat(1_100_000) }),
        contentType: 'application/json',
      }),
    },
    { weight: 1, arbitrary: fc.constant({}) },
  );
}

/**
 * A parameter's value as one path segment. An empty segment, `.` or `..`
 * would be another path once the URL is normalised (by fetch, as by any
 * client), not a bad value for this route's parameter.
 */
function segmentValue(value: string): string {
  if (value === '' || value === '.' || value === '..') return `${value}-`;
  return value;
}

/** Requests for one route: its params, query and body, all hostile. */
export function requestArbitrary(
  route: PluginRoute,
  spec: RouteFuzzSpec,
): fc.Arbitrary<FuzzRequest> {
  const names = [...route.path.matchAll(/:(\w+)/g)].map(m => m[1]);
  const params = fc.record(
    Object.fromEntries(
      names.map(name => [name, spec.params?.[name] ?? hostileString()]),
    ),
  );
  const hasBody = !['GET', 'HEAD'].includes(route.method);
  return fc
    .tuple(
      params,
      queryArbitrary(spec.query ?? []),
      hasBody ? bodyArbitrary(spec) : fc.constant({}),
    )
    .map(([values, query, body]) => ({
      method: route.method,
      path:
        route.path.replace(/:(\w+)/g, (_m, name: string) =>
          encode(segmentValue((values as Record<string, string>)[name])),
        ) + query,
      ...body,
    }));
}

/** Sends one request; a server-sent events stream is closed after its headers. */
export async function send(
  baseUrl: string,
  request: FuzzRequest,
  authorization?: string,
): Promise<FuzzResponse> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 20_000);
  try {
    const res = await fetch(baseUrl + request.path, {
      method: request.method,
      headers: {
        ...(authorization ? { authorization } : {}),
        ...(request.contentType ? { 'content-type': request.contentType } : {}),
      },
      body: request.body,
      signal: controller.signal,
    });
    const contentType = res.headers.get('content-type') ?? '';
    if (contentType.startsWith('text/event-stream')) {
      controller.abort();
      return { status: res.status, contentType, text: '' };
    }
    return { status: res.status, contentType, text: await res.text() };
  } catch (error) {
    if (controller.signal.aborted) {
      throw new Error(`${request.method} ${request.path}: no answer in 20 s`);
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** The message of an error response, in Backstage's, Anthropic's or OpenAI's shape. */
export function errorMessageOf(res: FuzzResponse): string | undefined {
  try {
    const body = JSON.parse(res.text);
    const message = body?.error?.message;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}

const describe = (request: FuzzRequest) =>
  `${request.method} ${request.path.slice(0, 300)} ${
    request.contentType ?? '(no content-type)'
  } ${(request.body ?? '').slice(0, 300)}`;

/**
 * Checks one answer: never 5xx (unless the route declares that status),
 * and every 4xx carries a message that says what was wrong.
 */
export function checkAnswer(
  spec: RouteFuzzSpec,
  request: FuzzRequest,
  res: FuzzResponse,
) {
  if (res.status >= 500 && !spec.expected5xx?.[res.status]) {
    throw new Error(
      `${res.status} for ${describe(request)}\nanswer: ${res.text.slice(
        0,
        500,
      )}`,
    );
  }
  // 431 (headers or URL over 16 KB) comes from Node's HTTP parser, before
  // any handler runs, with no body to carry a message.
  if (res.status >= 400 && res.status < 500 && res.status !== 431) {
    const message = errorMessageOf(res);
    if (!message || !message.trim()) {
      throw new Error(
        `${res.status} without an error message for ${describe(
          request,
        )}\nanswer: ${res.text.slice(0, 500)}`,
      );
    }
  }
}

export interface FuzzPluginOptions {
  server: Server;
  pluginId: string;
  /** The `Authorization` header of a caller allowed everywhere. */
  authorization: string;
  /** Every route the plugin serves, by `METHOD /path`. */
  routes: Record<string, RouteFuzzSpec>;
  /** Runs per route. */
  numRuns?: number;
  seed?: number;
}

/** What a fuzz run saw: the routes, and how often each answered each status. */
export interface FuzzReport {
  routes: PluginRoute[];
  statuses: Record<string, Record<number, number>>;
}

/**
 * Runs per route: the test's own count, or more with PILOTHOUSE_FUZZ_RUNS=500
 * for a deeper run than CI's (never fewer: a test that needs 200 runs to
 * find a planted fault keeps them).
 */
function runsFor(numRuns: number): number {
  return Math.max(numRuns, Number(process.env.PILOTHOUSE_FUZZ_RUNS) || 0);
}

/**
 * The seed of a route's run. CI must answer the same for the same commit, so
 * by default each route has its own fixed seed (from its name);
 * PILOTHOUSE_FUZZ_SEED=random explores new inputs (a failure prints the seed
 * it used), PILOTHOUSE_FUZZ_SEED=<number> replays one.
 */
export function seedFor(name: string): number | undefined {
  const fromEnv = process.env.PILOTHOUSE_FUZZ_SEED;
  if (fromEnv === 'random') return undefined;
  if (fromEnv !== undefined && fromEnv !== '') {
    const seed = Number(fromEnv);
    if (!Number.isSafeInteger(seed)) {
      throw new Error(
        `PILOTHOUSE_FUZZ_SEED must be an integer or "random", not ${JSON.stringify(fromEnv)}`,
      );
    }
    return seed;
  }
  // FNV-1a: a stable 32-bit seed per name.
  let hash = 0x811c9dc5;
  for (const char of name) {
    hash ^= char.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

/** Fuzzes every route of a plugin; throws on the first bad answer. */
export async function fuzzPluginRoutes(
  options: FuzzPluginOptions,
): Promise<FuzzReport> {
  const routes = checkRouteTable(
    options.server,
    options.pluginId,
    options.routes,
  );
  const { port } = options.server.address() as { port: number };
  const baseUrl = `http://localhost:${port}/api/${options.pluginId}`;
  const statuses: FuzzReport['statuses'] = {};
  for (const route of routes) {
    const key = routeKey(route);
    const spec = options.routes[key];
    const seen: Record<number, number> = (statuses[key] = {});
    const details = await fc.check(
      fc.asyncProperty(requestArbitrary(route, spec), async request => {
        const res = await send(
          baseUrl,
          request,
          spec.authorization ?? options.authorization,
        );
        seen[res.status] = (seen[res.status] ?? 0) + 1;
        checkAnswer(spec, request, res);
      }),
      {
        numRuns: runsFor(options.numRuns ?? 25),
        seed: options.seed ?? seedFor(`${options.pluginId} ${key}`),
        endOnFailure: true,
      },
    );
    if (details.failed) {
      // fast-check's own report prints whole megabyte-long counterexamples.
      const error = details.errorInstance as Error | undefined;
      throw new Error(
        `${key} failed after ${details.numRuns} runs (seed ${
          details.seed
        }, path ${details.counterexamplePath}):\n${String(
          error?.message ?? details.errorInstance,
        ).slice(0, 2000)}`,
      );
    }
  }
  return { routes, statuses };
}
