import { InputError } from '@backstage/errors';
import type { JsonValue } from '@pilothouse/plugin-log-search-common';
import {
  flatten,
  MAX_ATTRIBUTES,
  normaliseAttributes,
  normaliseSeverity,
  ParsedEvent,
  parseTimestamp,
  RecordError,
} from './normalize';
import { ParsedBatch, reasonOf } from './parseJsonLines';

/** OTLP's AnyValue in its JSON encoding. */
function anyValue(value: unknown, where: string): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new RecordError(`${where}: expected an AnyValue object`);
  }
  const v = value as Record<string, unknown>;
  if ('stringValue' in v) return String(v.stringValue);
  if ('boolValue' in v) return Boolean(v.boolValue);
  if ('intValue' in v) {
    const n = Number(v.intValue);
    if (!Number.isInteger(n)) {
      throw new RecordError(
        `${where}: intValue ${JSON.stringify(v.intValue)} is not an integer`,
      );
    }
    return n;
  }
  if ('doubleValue' in v) {
    const n = Number(v.doubleValue);
    if (Number.isNaN(n)) {
      throw new RecordError(
        `${where}: doubleValue ${JSON.stringify(
          v.doubleValue,
        )} is not a number`,
      );
    }
    return n;
  }
  if ('bytesValue' in v) return String(v.bytesValue);
  if ('arrayValue' in v) {
    const values =
      (v.arrayValue as { values?: unknown[] } | null)?.values ?? [];
    return values.map((item, i) => anyValue(item, `${where}[${i}]`));
  }
  if ('kvlistValue' in v) {
    return keyValues(
      (v.kvlistValue as { values?: unknown } | null)?.values ?? [],
      where,
    );
  }
  if (Object.keys(v).length === 0) return null;
  throw new RecordError(
    `${where}: unknown AnyValue field ${Object.keys(v).join(', ')}`,
  );
}

/** A KeyValue list as an object. */
function keyValues(list: unknown, where: string): { [key: string]: JsonValue } {
  if (!Array.isArray(list)) {
    throw new RecordError(`${where}: expected a list of key/value pairs`);
  }
  const out: { [key: string]: JsonValue } = {};
  list.forEach((item, index) => {
    const kv = item as { key?: unknown; value?: unknown } | null;
    if (!kv || typeof kv.key !== 'string' || kv.key === '') {
      throw new RecordError(`${where}[${index}]: a key/value pair has no key`);
    }
    out[kv.key] = anyValue(kv.value, `${where}.${kv.key}`);
  });
  return out;
}

function hexId(
  value: unknown,
  length: number,
  name: string,
): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (
    typeof value !== 'string' ||
    !new RegExp(`^[0-9a-fA-F]{${length}}$`).test(value)
  ) {
    throw new RecordError(
      `${name}: ${JSON.stringify(value)} is not ${length} hex digits`,
    );
  }
  // All zeros means "no trace" in OTLP.
  return /^0+$/.test(value) ? undefined : value.toLowerCase();
}

function timeOf(record: Record<string, unknown>, now: number): number {
  for (const key of ['timeUnixNano', 'observedTimeUnixNano']) {
    const value = record[key];
    if (value === undefined || value === null || value === '0' || value === 0) {
      continue;
    }
    const parsed =
      (typeof value === 'string' && /^\d+$/.test(value)) ||
      typeof value === 'number'
        ? parseTimestamp(value)
        : undefined;
    if (parsed === undefined) {
      throw new RecordError(
        `${key}: ${JSON.stringify(value)} is not nanoseconds since the epoch`,
      );
    }
    return parsed;
  }
  return now;
}

function parseLogRecord(
  record: unknown,
  resource: Record<string, JsonValue>,
  scope: Record<string, JsonValue>,
  now: number,
): ParsedEvent {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    throw new RecordError('expected a LogRecord object');
  }
  const r = record as Record<string, unknown>;
  const timestamp = timeOf(r, now);
  const recordAttributes = flatten(keyValues(r.attributes ?? [], 'attributes'));

  let message = '';
  const body = anyValue(r.body, 'body');
  const bodyFields: Record<string, JsonValue> = {};
  if (typeof body === 'string') {
    message = body;
  } else if (
    body !== null &&
    typeof body === 'object' &&
    !Array.isArray(body)
  ) {
    // A structured body is the log itself: its fields become attributes.
    Object.assign(bodyFields, flatten(body));
    const text = bodyFields.message ?? bodyFields.msg;
    if (typeof text === 'string') {
      message = text;
      delete bodyFields.message;
      delete bodyFields.msg;
    } else {
      message = JSON.stringify(body);
    }
  } else if (body !== null) {
    message = JSON.stringify(body);
  }

  if (
    r.severityNumber !== undefined &&
    (typeof r.severityNumber !== 'number' ||
      !Number.isInteger(r.severityNumber) ||
      r.severityNumber < 0 ||
      r.severityNumber > 24)
  ) {
    throw new RecordError(
      `severityNumber: ${JSON.stringify(
        r.severityNumber,
      )} is not an integer from 0 to 24`,
    );
  }
  const severity =
    (r.severityNumber ? normaliseSeverity(r.severityNumber) : undefined) ??
    normaliseSeverity(r.severityText) ??
    'info';

  const attributes = normaliseAttributes({
    ...resource,
    ...scope,
    ...bodyFields,
    ...recordAttributes,
  });
  const service = attributes['service.name'];
  delete attributes['service.name'];
  if (typeof r.eventName === 'string' && r.eventName) {
    attributes['event.name'] = r.eventName;
  }
  if (Object.keys(attributes).length > MAX_ATTRIBUTES) {
    throw new RecordError(
      `more than the ${MAX_ATTRIBUTES} attributes kept per event`,
    );
  }
  const traceId = hexId(r.traceId, 32, 'traceId');
  const spanId = hexId(r.spanId, 16, 'spanId');
  return {
    timestamp,
    severity,
    message,
    source: 'otlp',
    attributes,
    ...(typeof service === 'string' && service ? { service } : {}),
    ...(traceId ? { traceId } : {}),
    ...(spanId ? { spanId } : {}),
  };
}

/**
 * An OTLP/HTTP ExportLogsServiceRequest in its JSON encoding. A request
 * without `resourceLogs` is an InputError; a bad record (or a bad resource
 * or scope, which spoils its records) is rejected with its 1-based index
 * across the request and a reason, and the rest are kept.
 */
export function parseOtlpLogs(body: unknown, now = Date.now()): ParsedBatch {
  if (
    body === null ||
    typeof body !== 'object' ||
    !Array.isArray((body as { resourceLogs?: unknown }).resourceLogs)
  ) {
    throw new InputError(
      'Invalid OTLP request: expected an ExportLogsServiceRequest with a resourceLogs array',
    );
  }
  const batch: ParsedBatch = { events: [], rejected: [] };
  let index = 0;
  for (const resourceLogs of (body as { resourceLogs: unknown[] })
    .resourceLogs) {
    const rl = (resourceLogs ?? {}) as Record<string, unknown>;
    const scopeLogsList = Array.isArray(rl.scopeLogs) ? rl.scopeLogs : [];
    let resource: Record<string, JsonValue> | undefined;
    let resourceError: string | undefined;
    try {
      resource = flatten(
        keyValues(
          (rl.resource as { attributes?: unknown } | undefined)?.attributes ??
            [],
          'resource.attributes',
        ),
      );
    } catch (error) {
      resourceError = reasonOf(error);
    }
    for (const scopeLogs of scopeLogsList) {
      const sl = (scopeLogs ?? {}) as Record<string, unknown>;
      const records = Array.isArray(sl.logRecords) ? sl.logRecords : [];
      let scope: Record<string, JsonValue> = {};
      let scopeError = resourceError;
      if (!scopeError) {
        try {
          const s = (sl.scope ?? {}) as Record<string, unknown>;
          scope = {
            ...(typeof s.name === 'string' && s.name
              ? { 'otel.scope.name': s.name }
              : {}),
            ...(typeof s.version === 'string' && s.version
              ? { 'otel.scope.version': s.version }
              : {}),
            ...flatten(keyValues(s.attributes ?? [], 'scope.attributes')),
          };
        } catch (error) {
          scopeError = reasonOf(error);
        }
      }
      for (const record of records) {
        index += 1;
        if (scopeError) {
          batch.rejected.push({ line: index, reason: scopeError });
          continue;
        }
        try {
          batch.events.push(parseLogRecord(record, resource!, scope, now));
        } catch (error) {
          batch.rejected.push({ line: index, reason: reasonOf(error) });
        }
      }
    }
  }
  return batch;
}
