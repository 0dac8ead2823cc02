import type { FetchMiddleware } from '@backstage/core-app-api';

/** Methods that read: page loads and polling, not actions a person takes. */
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
}

/**
 * A new W3C trace context (`traceparent`, version 00, sampled): a random
 * trace id and parent id, never all zeros (which the spec forbids).
 */
export function newTraceparent(
  random: (bytes: Uint8Array) => Uint8Array = bytes =>
    crypto.getRandomValues(bytes),
): string {
  let traceId = '';
  let parentId = '';
  while (/^0*$/.test(traceId)) traceId = hex(random(new Uint8Array(16)));
  while (/^0*$/.test(parentId)) parentId = hex(random(new Uint8Array(8)));
  return `00-${traceId}-${parentId}-01`;
}

/**
 * Starts a trace for each action a person takes in the portal (a request
 * to the portal's backend that is not a read: sending an assistant
 * message, running or approving a tool, saving a rule) by sending a fresh
 * `traceparent`. The backend continues it (packages/backend/src/
 * instrumentation.js) through the gateway to the MCP servers, so the whole
 * action is one trace. Requests elsewhere, reads, and requests that already
 * carry a `traceparent` are left alone. No browser tracing SDK: the browser
 * names the trace, the backend records it.
 */
export function traceUserActions(options: {
  backendBaseUrl: string;
}): FetchMiddleware {
  const backend = options.backendBaseUrl.replace(/\/+$/, '');
  return {
    apply(next) {
      return (input, init) => {
        const request = input instanceof Request ? input : undefined;
        const url = request ? request.url : String(input);
        const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
        const headers = new Headers(init?.headers ?? request?.headers);
        const toBackend = url === backend || url.startsWith(`${backend}/`);
        if (!toBackend || READS.has(method) || headers.has('traceparent')) {
          return next(input, init);
        }
        headers.set('traceparent', newTraceparent());
        return next(input, { ...init, headers });
      };
    },
  };
}
