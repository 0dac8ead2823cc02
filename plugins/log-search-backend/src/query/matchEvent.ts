import type { JsonValue, LogEvent } from '@pilothouse/plugin-log-search-common';
import {
  FieldRef,
  QueryNode,
  SEVERITY_RANK,
  wildcardRegExp,
  words,
} from './ast';

function fieldValue(event: LogEvent, field: FieldRef): JsonValue | undefined {
  if (field.kind === 'attribute') return event.attributes[field.key];
  return event[field.column];
}

function containsWords(haystack: string[], needle: string[], prefix: boolean) {
  if (needle.length === 0) return true;
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    let all = true;
    for (let j = 0; j < needle.length && all; j++) {
      const last = j === needle.length - 1;
      all =
        prefix && last
          ? haystack[i + j].startsWith(needle[j])
          : haystack[i + j] === needle[j];
    }
    if (all) return true;
  }
  return false;
}

/**
 * Whether an event matches a query, with the embedded store's semantics:
 * the live tail pushes exactly what a search over the same events returns.
 */
export function matchEvent(node: QueryNode, event: LogEvent): boolean {
  switch (node.type) {
    case 'all':
      return true;
    case 'and':
      return node.children.every(child => matchEvent(child, event));
    case 'or':
      return node.children.some(child => matchEvent(child, event));
    case 'not':
      return !matchEvent(node.child, event);
    case 'text':
      if (node.mode === 'pattern') {
        return wildcardRegExp(node.value).test(event.message);
      }
      return containsWords(
        words(event.message),
        words(node.value),
        node.mode === 'prefix',
      );
    case 'term': {
      const value = fieldValue(event, node.field);
      if (value === undefined || value === null || typeof value === 'object') {
        return false;
      }
      return node.wildcard
        ? wildcardRegExp(String(node.value)).test(String(value))
        : String(value) === String(node.value);
    }
    case 'range': {
      const raw = fieldValue(event, node.field);
      const value =
        node.field.kind === 'column' && node.field.column === 'severity'
          ? SEVERITY_RANK[raw as LogEvent['severity']]
          : raw;
      if (typeof value !== 'number') return false;
      if (node.min !== undefined) {
        if (node.minInclusive ? value < node.min : value <= node.min)
          return false;
      }
      if (node.max !== undefined) {
        if (node.maxInclusive ? value > node.max : value >= node.max)
          return false;
      }
      return true;
    }
    case 'exists': {
      const value = fieldValue(event, node.field);
      return value !== undefined && value !== null;
    }
    default:
      return false;
  }
}
