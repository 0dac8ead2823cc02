import type {
  IngestRejection,
  JsonValue,
  Severity,
} from '@pilothouse/plugin-log-search-common';
import {
  flatten,
  MAX_ATTRIBUTES,
  normaliseAttributes,
  normaliseSeverity,
  ParsedEvent,
  parseTimestamp,
  RecordError,
} from './normalize';

/** Keys read as the event's time, first present wins; removed from attributes. */
const TIME_KEYS = ['@timestamp', 'timestamp', 'time', 'ts', 'date'];
/** Domain timestamps (CloudTrail, Kubernetes audit): used, and kept. */
const DOMAIN_TIME_KEYS = [
  'eventTime',
  'requestReceivedTimestamp',
  'stageTimestamp',
];
const MESSAGE_KEYS = ['message', 'msg', 'log', 'body'];
const SEVERITY_KEYS = [
  'level',
  'severity',
  'severity_text',
  'severityText',
  'lvl',
  'loglevel',
  'log.level',
];
const SERVICE_KEYS = ['service.name', 'service', 'service_name', 'app'];
/** Service names Kubernetes metadata gives when the record names none. */
const K8S_SERVICE_KEYS = [
  'k8s.pod.label.app.kubernetes.io/name',
  'k8s.pod.label.app',
  'k8s.container.name',
];
const TRACE_KEYS = ['traceId', 'trace_id', 'trace.id'];
const SPAN_KEYS = ['spanId', 'span_id', 'span.id'];

function take(
  attributes: Record<string, JsonValue>,
  keys: string[],
  remove = true,
): { key: string; value: JsonValue } | undefined {
  for (const key of keys) {
    if (key in attributes && attributes[key] !== null) {
      const value = attributes[key];
      if (remove) delete attributes[key];
      return { key, value };
    }
  }
  return undefined;
}

function asText(value: JsonValue | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A line for records that carry no message: Kubernetes audit and CloudTrail. */
function describe(attributes: Record<string, JsonValue>): string {
  if (
    typeof attributes.verb === 'string' &&
    'objectRef.resource' in attributes
  ) {
    const object = [
      attributes['objectRef.resource'],
      attributes['objectRef.name'],
    ]
      .filter(Boolean)
      .join('/');
    const user = attributes['user.username'];
    return `${attributes.verb} ${object}${user ? ` by ${user}` : ''}`;
  }
  if (typeof attributes.eventName === 'string' && attributes.eventSource) {
    const who =
      attributes['userIdentity.arn'] ?? attributes['userIdentity.type'];
    const error = attributes.errorCode ? ` (${attributes.errorCode})` : '';
    return `${attributes.eventName} on ${attributes.eventSource}${
      who ? ` by ${who}` : ''
    }${error}`;
  }
  return '';
}

function defaultSeverity(attributes: Record<string, JsonValue>): Severity {
  const status = attributes['responseStatus.code'] ?? attributes.status;
  if (typeof status === 'number' && status >= 500) return 'error';
  if (attributes.errorCode || (typeof status === 'number' && status >= 400)) {
    return 'warn';
  }
  return 'info';
}

/**
 * One record (a JSON object) as an event: the time, message, severity,
 * service and trace fields are read from the names shippers use, and the
 * rest kept as flattened attributes. Throws RecordError naming what is wrong.
 */
export function parseRecord(
  record: unknown,
  source: string,
  now: number,
): ParsedEvent {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    let got: string = typeof record;
    if (record === null) got = 'null';
    if (Array.isArray(record)) got = 'an array';
    throw new RecordError(`expected a JSON object, got ${got}`);
  }
  const attributes = normaliseAttributes(
    flatten(record as Record<string, unknown>),
  );
  const count = Object.keys(attributes).length;
  if (count === 0) throw new RecordError('the object has no fields');
  if (count > MAX_ATTRIBUTES) {
    throw new RecordError(
      `${count} fields after flattening, more than the ${MAX_ATTRIBUTES} kept per event`,
    );
  }

  let timestamp = now;
  const time =
    take(attributes, TIME_KEYS) ?? take(attributes, DOMAIN_TIME_KEYS, false);
  if (time) {
    const parsed = parseTimestamp(time.value);
    if (parsed === undefined) {
      throw new RecordError(
        `${time.key}: ${JSON.stringify(
          time.value,
        )} is not a timestamp (ISO 8601, RFC 2822 or epoch seconds/ms/ns)`,
      );
    }
    timestamp = parsed;
  }

  const severityField = take(attributes, SEVERITY_KEYS);
  const severity =
    (severityField && normaliseSeverity(severityField.value)) ??
    defaultSeverity(attributes);
  if (severityField && !normaliseSeverity(severityField.value)) {
    // Kept for the record: an unknown level is stored as info with its text.
    attributes[`original.${severityField.key}`] = severityField.value;
  }

  const message =
    asText(take(attributes, MESSAGE_KEYS)?.value) ?? describe(attributes);
  const service =
    asText(take(attributes, SERVICE_KEYS)?.value) ??
    asText(take(attributes, K8S_SERVICE_KEYS, false)?.value);
  const traceId = asText(take(attributes, TRACE_KEYS)?.value);
  const spanId = asText(take(attributes, SPAN_KEYS)?.value);

  return {
    timestamp,
    severity,
    message,
    source,
    attributes,
    ...(service ? { service } : {}),
    ...(traceId ? { traceId } : {}),
    ...(spanId ? { spanId } : {}),
  };
}

export interface ParsedBatch {
  events: ParsedEvent[];
  rejected: IngestRejection[];
}

/**
 * JSON lines, one event per line (Fluent Bit's `json_lines`), or one JSON
 * array of events (its `json` format). A bad line is rejected with its
 * 1-based number and a reason; the others are kept. Blank lines are skipped.
 */
export function parseJsonLines(body: string, now = Date.now()): ParsedBatch {
  const events: ParsedEvent[] = [];
  const rejected: IngestRejection[] = [];
  const trimmed = body.trimStart();
  if (trimmed.startsWith('[')) {
    let array: unknown;
    try {
      array = JSON.parse(trimmed);
    } catch {
      array = undefined;
    }
    if (Array.isArray(array)) {
      array.forEach((record, index) => {
        try {
          events.push(parseRecord(record, 'jsonl', now));
        } catch (error) {
          rejected.push({ line: index + 1, reason: reasonOf(error) });
        }
      });
      return { events, rejected };
    }
  }
  const lines = body.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (error) {
      rejected.push({
        line: index + 1,
        reason: `not valid JSON: ${(error as Error).message}`,
      });
      return;
    }
    try {
      events.push(parseRecord(record, 'jsonl', now));
    } catch (error) {
      rejected.push({ line: index + 1, reason: reasonOf(error) });
    }
  });
  return { events, rejected };
}

export function reasonOf(error: unknown): string {
  if (error instanceof RecordError) return error.message;
  throw error;
}
