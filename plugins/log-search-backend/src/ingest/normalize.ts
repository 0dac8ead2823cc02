import type { JsonValue, Severity } from '@pilothouse/plugin-log-search-common';

/**
 * An event as parsed from the wire, before enrichment: what the JSON-lines
 * and OTLP parsers both produce.
 */
export interface ParsedEvent {
  /** Epoch milliseconds. */
  timestamp: number;
  severity: Severity;
  message: string;
  service?: string;
  traceId?: string;
  spanId?: string;
  source: string;
  attributes: Record<string, JsonValue>;
}

/** Thrown by the parsers for one record; the reason is shown to the sender. */
export class RecordError extends Error {}

/** Epoch values above these are taken as ns, µs, ms; the rest as seconds. */
const NS_FLOOR = 1e17;
const US_FLOOR = 1e14;
const MS_FLOOR = 1e11;
/** The largest time a Date holds (±8.64e15 ms, year 275760). */
const MAX_DATE_MS = 8.64e15;

/**
 * A timestamp in any of the shapes log shippers send: ISO 8601 / RFC 3339,
 * RFC 2822, epoch seconds (Fluent Bit's float `date`), milliseconds,
 * microseconds or nanoseconds (OTLP's `timeUnixNano`, as a number or a
 * string). Returns epoch ms, or undefined when it is none of these.
 */
export function parseTimestamp(value: unknown): number | undefined {
  const ms = readTimestamp(value);
  // Past what a Date holds (±8.64e15 ms, year 275760) is not a time: such a
  // value would make the store's toISOString() throw.
  return ms !== undefined && Math.abs(ms) <= MAX_DATE_MS ? ms : undefined;
}

function readTimestamp(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value > 0 ? fromEpoch(value) : undefined;
  }
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) {
    // Digit strings past a double's precision (µs, ns): divide exactly.
    if (/^\d{16,}$/.test(text)) {
      const big = BigInt(text);
      if (big >= BigInt(NS_FLOOR)) return Number(big / 1_000_000n);
      return Number(big / 1_000n);
    }
    return fromEpoch(Number(text));
  }
  // Date.parse takes ISO 8601, RFC 2822 and RFC 3339 with a space; it drops
  // digits past milliseconds, which is the precision stored.
  const parsed = Date.parse(text.replace(/^(\d{4}-\d\d-\d\d) (\d)/, '$1T$2'));
  return Number.isNaN(parsed) ? undefined : parsed;
}

function fromEpoch(value: number): number | undefined {
  if (value >= NS_FLOOR) return Math.floor(value / 1e6);
  if (value >= US_FLOOR) return Math.floor(value / 1e3);
  if (value >= MS_FLOOR) return Math.floor(value);
  return Math.floor(value * 1000);
}

// A Map: a level named `constructor` or `__proto__` must not find Object's.
const SEVERITY_WORDS = new Map<string, Severity>(
  Object.entries({
    trace: 'trace',
    finest: 'trace',
    debug: 'debug',
    fine: 'debug',
    dbg: 'debug',
    info: 'info',
    information: 'info',
    informational: 'info',
    notice: 'info',
    log: 'info',
    warn: 'warn',
    warning: 'warn',
    error: 'error',
    err: 'error',
    severe: 'error',
    fatal: 'fatal',
    critical: 'fatal',
    crit: 'fatal',
    alert: 'fatal',
    emerg: 'fatal',
    emergency: 'fatal',
    panic: 'fatal',
  } satisfies Record<string, Severity>),
);

/**
 * A severity from a word (`WARNING`, `err`, `Critical`), an OTLP severity
 * number (1-24), or a pino / bunyan level (10-60). Unknown values are info.
 */
export function normaliseSeverity(value: unknown): Severity | undefined {
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    const named = SEVERITY_WORDS.get(word);
    if (named) return named;
    // OTLP severity texts such as `INFO2`, `ERROR3`.
    const stem = word.replace(/\d+$/, '');
    const stemmed = SEVERITY_WORDS.get(stem);
    if (stemmed) return stemmed;
    if (/^\d+$/.test(word)) return normaliseSeverity(Number(word));
    return undefined;
  }
  if (typeof value === 'number' && Number.isInteger(value)) {
    if (value >= 1 && value <= 24) {
      return (['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const)[
        Math.floor((value - 1) / 4)
      ];
    }
    const pino: Record<number, Severity> = {
      10: 'trace',
      20: 'debug',
      30: 'info',
      40: 'warn',
      50: 'error',
      60: 'fatal',
    };
    return pino[value];
  }
  return undefined;
}

/** Most keys one event may carry after flattening. */
export const MAX_ATTRIBUTES = 512;

/**
 * Nested objects flattened with dots (`{ k8s: { pod: { name } } }` →
 * `k8s.pod.name`); arrays of scalars are kept, arrays of objects become
 * indexed keys (`resources.0.ARN`).
 */
export function flatten(
  value: Record<string, unknown>,
  prefix = '',
  into: Record<string, JsonValue> = {},
): Record<string, JsonValue> {
  for (const [key, inner] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (inner === undefined) continue;
    if (Array.isArray(inner)) {
      if (inner.every(item => item === null || typeof item !== 'object')) {
        into[name] = inner as JsonValue[];
      } else {
        inner.forEach((item, index) => {
          if (item !== null && typeof item === 'object') {
            flatten(item as Record<string, unknown>, `${name}.${index}`, into);
          } else {
            into[`${name}.${index}`] = item as JsonValue;
          }
        });
      }
    } else if (inner !== null && typeof inner === 'object') {
      flatten(inner as Record<string, unknown>, name, into);
    } else {
      into[name] = inner as JsonValue;
    }
  }
  return into;
}

/**
 * Fluent Bit's Kubernetes filter names (`kubernetes.pod_name`,
 * `kubernetes.labels.app`) renamed to OpenTelemetry's (`k8s.pod.name`,
 * `k8s.pod.label.app`), so one query works whichever shipper sent the event.
 */
const KUBERNETES_RENAMES: Array<[RegExp, string]> = [
  [/^kubernetes\.pod_name$/, 'k8s.pod.name'],
  [/^kubernetes\.pod_id$/, 'k8s.pod.uid'],
  [/^kubernetes\.namespace_name$/, 'k8s.namespace.name'],
  [/^kubernetes\.container_name$/, 'k8s.container.name'],
  [/^kubernetes\.container_image$/, 'container.image.name'],
  [/^kubernetes\.host$/, 'k8s.node.name'],
  [/^kubernetes\.labels\.(.+)$/, 'k8s.pod.label.$1'],
  [/^kubernetes\.annotations\.(.+)$/, 'k8s.pod.annotation.$1'],
];

/** Kubernetes and cloud attributes under OpenTelemetry's names. */
export function normaliseAttributes(
  attributes: Record<string, JsonValue>,
): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(attributes)) {
    const rename = KUBERNETES_RENAMES.find(([pattern]) => pattern.test(key));
    out[rename ? key.replace(rename[0], rename[1]) : key] = value;
  }
  // AWS CloudTrail records: the region and account as OpenTelemetry's cloud.*.
  if (
    typeof out.eventSource === 'string' &&
    out.eventSource.endsWith('.amazonaws.com')
  ) {
    out['cloud.provider'] ??= 'aws';
    if (typeof out.awsRegion === 'string')
      out['cloud.region'] ??= out.awsRegion;
    if (typeof out.recipientAccountId === 'string') {
      out['cloud.account.id'] ??= out.recipientAccountId;
    }
  }
  return out;
}
