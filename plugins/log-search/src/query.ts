import { ResponseError } from '@backstage/errors';
import type { JsonValue, LogEvent } from '@pilothouse/plugin-log-search-common';

/** Terms that need no quotes in the query language. */
const BARE_VALUE = /^[\p{L}\p{N}_.@-]+$/u;
const OPERATORS = new Set(['AND', 'OR', 'NOT', 'TO']);

/** `field:value`, quoting the value where the query language needs it. */
export function fieldTerm(field: string, value: string | number | boolean) {
  const text = String(value);
  if (
    typeof value !== 'string' ||
    (BARE_VALUE.test(text) && !OPERATORS.has(text))
  ) {
    return `${field}:${text}`;
  }
  return `${field}:"${text.replace(/(["\\])/g, '\\$1')}"`;
}

/**
 * Narrows a query by one more term: `a OR b` becomes `(a OR b) AND term`,
 * so that the new term applies to every match. A term already there is not
 * added twice.
 */
export function refineQuery(query: string, term: string) {
  const current = query.trim();
  if (!current) return term;
  if (current === term || current.split(/\s+AND\s+/).includes(term)) {
    return current;
  }
  const needsGroup = /\bOR\b/.test(current) && !/^\(.*\)$/.test(current);
  return `${needsGroup ? `(${current})` : current} AND ${term}`;
}

/** A component's own query: the user's query within the scope. */
export function scopedQuery(scope: string | undefined, query: string) {
  const user = query.trim();
  if (!scope) return user;
  return user ? `${scope} AND (${user})` : scope;
}

/** What a failed search tells the person: the reason and where it is. */
export interface QueryProblem {
  message: string;
  /** 0-based offset in the query, when the server named one. */
  position?: number;
}

/**
 * The backend answers a query with a syntax error with 400 and says where:
 * as a `position` (0-based offset) on the error, or in its message
 * ("at position 18", "column 18", counted from 1).
 */
export function queryProblemOf(error: unknown): QueryProblem {
  if (!ResponseError.is(error)) {
    return { message: error instanceof Error ? error.message : String(error) };
  }
  const cause = error.cause as Error & {
    position?: unknown;
    offset?: unknown;
    column?: unknown;
  };
  const message = cause?.message || error.message;
  if (error.statusCode !== 400) return { message };
  for (const key of ['position', 'offset'] as const) {
    const value = cause?.[key];
    if (typeof value === 'number' && value >= 0)
      return { message, position: value };
  }
  if (typeof cause?.column === 'number' && cause.column >= 1) {
    return { message, position: cause.column - 1 };
  }
  // In words, positions count from 1 ("at position 3", "column 3").
  const place = message.match(/\b(?:position|column)\s+(\d+)/i);
  if (place) return { message, position: Math.max(0, Number(place[1]) - 1) };
  return { message };
}

/** The field name the query language uses for each top-level event field. */
const EVENT_FIELDS: Array<[keyof LogEvent, string]> = [
  ['timestamp', 'timestamp'],
  ['severity', 'level'],
  ['service', 'service'],
  ['entityRef', 'entityRef'],
  ['source', 'source'],
  ['message', 'message'],
  ['traceId', 'traceId'],
  ['spanId', 'spanId'],
  ['observedAt', 'observedAt'],
  ['id', 'id'],
];

export interface EventField {
  /** As the query language names it (`level`, `k8s.namespace.name`). */
  name: string;
  value: JsonValue;
  /** Whether a `name:value` term can find it (scalars, not timestamps). */
  searchable: boolean;
}

/** Every field of an event, top-level ones first, attributes by name. */
export function eventFields(event: LogEvent): EventField[] {
  const fields: EventField[] = [];
  for (const [key, name] of EVENT_FIELDS) {
    const value = event[key];
    if (value === undefined || value === '') continue;
    fields.push({
      name,
      value: value as JsonValue,
      searchable: !['timestamp', 'observedAt', 'message'].includes(name),
    });
  }
  for (const name of Object.keys(event.attributes ?? {}).sort()) {
    const value = event.attributes[name];
    fields.push({
      name,
      value,
      searchable:
        typeof value === 'string' ||
        typeof value === 'number' ||
        typeof value === 'boolean',
    });
  }
  return fields;
}

export function formatValue(value: JsonValue) {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
