import type { Severity } from '@pilothouse/plugin-log-search-common';

/** The event fields that are columns in every store; the rest are attributes. */
export type EventColumn =
  | 'id'
  | 'service'
  | 'severity'
  | 'source'
  | 'entityRef'
  | 'traceId'
  | 'spanId';

export type FieldRef =
  | { kind: 'column'; column: EventColumn }
  | { kind: 'attribute'; key: string };

export type TermValue = string | number | boolean;

/**
 * A parsed search, independent of any store: each store translates it (SQL
 * for the embedded store, query DSL for OpenSearch, LogQL for Loki) and the
 * live tail evaluates it in memory.
 */
export type QueryNode =
  | { type: 'all' }
  | { type: 'and'; children: QueryNode[] }
  | { type: 'or'; children: QueryNode[] }
  | { type: 'not'; child: QueryNode }
  /**
   * Full text over the message: words match words (case-insensitive), a
   * phrase matches the words in order, `prefix` matches words starting with
   * the value; `pattern` (a `*` or `?` not at the end) matches the whole
   * message as a case-insensitive wildcard.
   */
  | { type: 'text'; value: string; mode: 'words' | 'prefix' | 'pattern' }
  /** Exact value of a field (case-sensitive), or a case-insensitive wildcard. */
  | { type: 'term'; field: FieldRef; value: TermValue; wildcard: boolean }
  /** Numeric range on an attribute, or a severity range on the level. */
  | {
      type: 'range';
      field: FieldRef;
      min?: number;
      max?: number;
      minInclusive: boolean;
      maxInclusive: boolean;
    }
  | { type: 'exists'; field: FieldRef };

/** Severities from least to most severe; a level range compares these ranks. */
export const SEVERITY_RANK: Record<Severity, number> = {
  trace: 0,
  debug: 1,
  info: 2,
  warn: 3,
  error: 4,
  fatal: 5,
};

/** Severity ranks that count as errors in histograms. */
export const ERROR_RANK = SEVERITY_RANK.error;

/** `*` and `?` wildcards as a case-insensitive regular expression. */
export function wildcardRegExp(pattern: string): RegExp {
  const source = pattern
    .split('')
    .map(c => {
      if (c === '*') return '.*';
      if (c === '?') return '.';
      return c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`, 'is');
}

/** A wildcard pattern as SQL LIKE (escape character `\`). */
export function wildcardLike(pattern: string): string {
  return pattern
    .replace(/[\\%_]/g, c => `\\${c}`)
    .replace(/\*/g, '%')
    .replace(/\?/g, '_');
}

/**
 * Words as the stores' full-text indexes see them: runs of letters and
 * digits, lower-cased (SQLite's unicode61 tokenizer and PostgreSQL's
 * `simple` configuration agree on these).
 */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}
