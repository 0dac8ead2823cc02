import {
  EventColumn,
  FieldRef,
  QueryNode,
  SEVERITY_RANK,
  wildcardLike,
  words,
} from '../../query/ast';

export type SqlDialect = 'sqlite' | 'pg';

/** A WHERE fragment with `?` placeholders, for knex's whereRaw. */
export interface SqlFragment {
  sql: string;
  bindings: Array<string | number>;
}

const COLUMNS: Record<EventColumn, string> = {
  id: 'id',
  service: 'service',
  severity: 'severity',
  source: 'source',
  entityRef: 'entity_ref',
  traceId: 'trace_id',
  spanId: 'span_id',
};

const TRUE: SqlFragment = { sql: '1 = 1', bindings: [] };

/** SQLite's JSON path of a flattened attribute key (which has no `"`). */
function jsonPath(key: string): string {
  return `$."${key}"`;
}

function text(
  node: Extract<QueryNode, { type: 'text' }>,
  dialect: SqlDialect,
): SqlFragment {
  if (node.mode === 'pattern') {
    const op = dialect === 'pg' ? 'ILIKE' : 'LIKE';
    return {
      sql: `message ${op} ? ESCAPE '\\'`,
      bindings: [wildcardLike(node.value)],
    };
  }
  const terms = words(node.value);
  if (terms.length === 0) return TRUE;
  const prefix = node.mode === 'prefix';
  if (dialect === 'pg') {
    const tsquery = terms
      .map((w, i) => `'${w}'${prefix && i === terms.length - 1 ? ':*' : ''}`)
      .join(' <-> ');
    return { sql: `search @@ to_tsquery('simple', ?)`, bindings: [tsquery] };
  }
  const match = `"${terms.join(' ')}"${prefix ? ' *' : ''}`;
  return {
    sql: 'seq IN (SELECT rowid FROM log_events_fts WHERE log_events_fts MATCH ?)',
    bindings: [match],
  };
}

function term(
  field: FieldRef,
  value: string | number | boolean,
  wildcard: boolean,
  dialect: SqlDialect,
): SqlFragment {
  const like = dialect === 'pg' ? 'ILIKE' : 'LIKE';
  if (field.kind === 'column' && field.column === 'severity' && !wildcard) {
    // The rank is in the service and level indexes; the name is not.
    const rank = SEVERITY_RANK[value as keyof typeof SEVERITY_RANK];
    if (rank !== undefined)
      return { sql: 'severity_rank = ?', bindings: [rank] };
  }
  if (field.kind === 'column') {
    const column = COLUMNS[field.column];
    return wildcard
      ? {
          sql: `${column} ${like} ? ESCAPE '\\'`,
          bindings: [wildcardLike(String(value))],
        }
      : { sql: `${column} = ?`, bindings: [String(value)] };
  }
  if (dialect === 'pg') {
    return wildcard
      ? {
          sql: `attributes->>? ILIKE ? ESCAPE '\\'`,
          bindings: [field.key, wildcardLike(String(value))],
        }
      : { sql: 'attributes->>? = ?', bindings: [field.key, String(value)] };
  }
  const path = jsonPath(field.key);
  if (wildcard) {
    return {
      sql: `CAST(json_extract(attributes, ?) AS TEXT) LIKE ? ESCAPE '\\'`,
      bindings: [path, wildcardLike(String(value))],
    };
  }
  if (typeof value === 'boolean') {
    // JSON true/false are 1/0 to json_extract; the string form matches too.
    return {
      sql: '(json_type(attributes, ?) = ? OR json_extract(attributes, ?) = ?)',
      bindings: [path, String(value), path, String(value)],
    };
  }
  return {
    sql: 'CAST(json_extract(attributes, ?) AS TEXT) = ?',
    bindings: [path, String(value)],
  };
}

function range(
  node: Extract<QueryNode, { type: 'range' }>,
  dialect: SqlDialect,
): SqlFragment {
  let operand: string;
  let operandBindings: Array<string | number> = [];
  let guard: SqlFragment | undefined;
  if (node.field.kind === 'column') {
    // The parser only makes column ranges on the severity.
    operand = 'severity_rank';
  } else if (dialect === 'pg') {
    operand = `(CASE WHEN jsonb_typeof(attributes->?) = 'number' THEN (attributes->>?)::numeric END)`;
    operandBindings = [node.field.key, node.field.key];
  } else {
    const path = jsonPath(node.field.key);
    guard = {
      sql: `json_type(attributes, ?) IN ('integer', 'real')`,
      bindings: [path],
    };
    operand = 'json_extract(attributes, ?)';
    operandBindings = [path];
  }
  const parts: SqlFragment[] = guard ? [guard] : [];
  if (node.min !== undefined) {
    parts.push({
      sql: `${operand} ${node.minInclusive ? '>=' : '>'} ?`,
      bindings: [...operandBindings, node.min],
    });
  }
  if (node.max !== undefined) {
    parts.push({
      sql: `${operand} ${node.maxInclusive ? '<=' : '<'} ?`,
      bindings: [...operandBindings, node.max],
    });
  }
  return join(parts, 'AND');
}

function exists(field: FieldRef, dialect: SqlDialect): SqlFragment {
  if (field.kind === 'column') {
    return { sql: `${COLUMNS[field.column]} IS NOT NULL`, bindings: [] };
  }
  return dialect === 'pg'
    ? { sql: 'attributes->>? IS NOT NULL', bindings: [field.key] }
    : {
        sql: 'json_extract(attributes, ?) IS NOT NULL',
        bindings: [jsonPath(field.key)],
      };
}

function join(parts: SqlFragment[], op: 'AND' | 'OR'): SqlFragment {
  if (parts.length === 0)
    return op === 'AND' ? TRUE : { sql: '1 = 0', bindings: [] };
  if (parts.length === 1) return parts[0];
  return {
    sql: parts.map(p => `(${p.sql})`).join(` ${op} `),
    bindings: parts.flatMap(p => p.bindings),
  };
}

/**
 * A query as a WHERE fragment over `log_events`. NOT is `IS NOT TRUE`, so
 * that an event without the field matches `NOT field:x`, as in the live tail.
 */
export function toSql(node: QueryNode, dialect: SqlDialect): SqlFragment {
  switch (node.type) {
    case 'all':
      return TRUE;
    case 'and':
      return join(
        node.children.map(c => toSql(c, dialect)),
        'AND',
      );
    case 'or':
      return join(
        node.children.map(c => toSql(c, dialect)),
        'OR',
      );
    case 'not': {
      const inner = toSql(node.child, dialect);
      return { sql: `(${inner.sql}) IS NOT TRUE`, bindings: inner.bindings };
    }
    case 'text':
      return text(node, dialect);
    case 'term':
      return term(node.field, node.value, node.wildcard, dialect);
    case 'range':
      return range(node, dialect);
    case 'exists':
      return exists(node.field, dialect);
    default:
      throw new Error(`unknown query node ${(node as { type: string }).type}`);
  }
}

/** The severity ranks at or above error, for histograms. */
export const ERROR_SEVERITY_RANK = SEVERITY_RANK.error;
