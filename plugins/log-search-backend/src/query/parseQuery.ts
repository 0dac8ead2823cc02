import { InputError } from '@backstage/errors';
import { normaliseSeverity } from '../ingest/normalize';
import {
  parse as parseLiqe,
  SyntaxError as LiqeSyntaxError,
  type LiqeQuery,
} from 'liqe';
import { EventColumn, FieldRef, QueryNode, SEVERITY_RANK } from './ast';

/** A query the parser could not read; the message says where. */
export class QuerySyntaxError extends InputError {
  constructor(
    message: string,
    /** 0-based character offset in the query. */
    readonly position: number,
  ) {
    super(message);
  }
}

/** Field names that are event columns rather than attributes. */
const FIELD_ALIASES: Record<string, EventColumn | 'message'> = {
  message: 'message',
  msg: 'message',
  service: 'service',
  'service.name': 'service',
  level: 'severity',
  severity: 'severity',
  source: 'source',
  entity: 'entityRef',
  entityRef: 'entityRef',
  traceId: 'traceId',
  trace_id: 'traceId',
  'trace.id': 'traceId',
  spanId: 'spanId',
  span_id: 'spanId',
  'span.id': 'spanId',
  id: 'id',
};

const MAX_QUERY_LENGTH = 4096;

function fail(query: string, position: number, what: string): never {
  const at = Math.max(0, Math.min(position, query.length));
  throw new QuerySyntaxError(
    `Query syntax error at position ${at + 1} (${describeAt(
      query,
      at,
    )}): ${what}`,
    at,
  );
}

function describeAt(query: string, at: number): string {
  if (at >= query.length) return 'at the end';
  return `near '${query.slice(at, at + 12)}'`;
}

function fieldRef(name: string): FieldRef | 'message' {
  // hasOwn: a field named `constructor` is an attribute, not Object's.
  const alias = Object.hasOwn(FIELD_ALIASES, name)
    ? FIELD_ALIASES[name]
    : undefined;
  if (alias === 'message') return 'message';
  if (alias) return { kind: 'column', column: alias };
  return { kind: 'attribute', key: name.replace(/^attributes\./, '') };
}

const hasWildcard = (value: string) => /[*?]/.test(value);
const NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * A Lucene-style query (`service:payments AND level:error AND "timeout"`,
 * OR, NOT / `-`, parentheses, `*` and `?` wildcards, `field:value` on any
 * attribute, `status:[500 TO 599]`, `status:>=500`, `level:>=warn`,
 * `field:*` for "has the field") parsed by liqe into the stores' query.
 * Bare words and phrases search the message. Errors name the position.
 */
export function parseQuery(query: string): QueryNode {
  if (query.length > MAX_QUERY_LENGTH) {
    fail(
      query,
      MAX_QUERY_LENGTH,
      `the query is longer than ${MAX_QUERY_LENGTH} characters`,
    );
  }
  if (query.trim() === '' || query.trim() === '*') return { type: 'all' };
  let ast: LiqeQuery;
  try {
    ast = parseLiqe(query);
  } catch (error) {
    if (error instanceof LiqeSyntaxError) {
      fail(query, error.offset, 'unexpected character');
    }
    // liqe finds no parse when the query stops early (`service:`, `(a OR`).
    fail(
      query,
      query.length,
      'the query ends too early (an unclosed parenthesis or quote, or an operator without its operand?)',
    );
  }
  return convert(ast, query);
}

function convert(node: LiqeQuery, query: string): QueryNode {
  switch (node.type) {
    case 'ParenthesizedExpression':
      return convert(node.expression, query);
    case 'UnaryOperator':
      return { type: 'not', child: convert(node.operand, query) };
    case 'LogicalExpression': {
      const type = node.operator.operator === 'OR' ? 'or' : 'and';
      const children = [
        convert(node.left, query),
        convert(node.right, query),
      ].flatMap(child => (child.type === type ? child.children : [child]));
      return { type, children };
    }
    case 'Tag':
      return convertTag(node, query);
    case 'EmptyExpression':
      return { type: 'all' };
    default:
      return fail(query, 0, 'unsupported expression');
  }
}

function convertTag(
  tag: Extract<LiqeQuery, { type: 'Tag' }>,
  query: string,
): QueryNode {
  const { expression, operator } = tag;
  const start = tag.location.start;
  const implicit = tag.field.type === 'ImplicitField';
  const name = tag.field.type === 'Field' ? tag.field.name : '';
  if (name.includes('"'))
    fail(query, start, 'a field name cannot contain a double quote');
  const field = implicit ? 'message' : fieldRef(name);

  if (expression.type === 'RegexExpression') {
    fail(
      query,
      expression.location.start,
      'regular expressions are not supported; use * and ? wildcards',
    );
  }
  if (expression.type === 'EmptyExpression') {
    fail(query, expression.location.start, `the field ${name} has no value`);
  }
  if (expression.type === 'RangeExpression') {
    if (field === 'message')
      fail(query, start, 'a range needs a field (status:[500 TO 599])');
    const { range } = expression;
    return rangeNode(
      field,
      range.min,
      range.max,
      range.minInclusive,
      range.maxInclusive,
      query,
      start,
    );
  }

  const quoted = expression.quoted;
  const raw = expression.value;
  // Bare words have no operator.
  const op = operator?.operator ?? ':';
  if (op !== ':' && op !== ':=') {
    if (field === 'message')
      fail(query, start, 'a comparison needs a field (status:>=500)');
    const bound = rangeBound(field, raw, query, expression.location.start);
    switch (op) {
      case ':>':
        return rangeNode(field, bound, undefined, false, false, query, start);
      case ':>=':
        return rangeNode(field, bound, undefined, true, false, query, start);
      case ':<':
        return rangeNode(field, undefined, bound, false, false, query, start);
      default:
        return rangeNode(field, undefined, bound, false, true, query, start);
    }
  }

  if (raw === null)
    fail(query, expression.location.start, 'null is not a value to search for');
  const value = raw;
  if (field === 'message') {
    const text = String(value);
    if (!quoted && hasWildcard(text)) {
      const prefixOnly = /^[^*?]+\*$/.test(text);
      return prefixOnly
        ? { type: 'text', value: text.slice(0, -1), mode: 'prefix' }
        : { type: 'text', value: text, mode: 'pattern' };
    }
    // A bare `message:x` or word searches the words of the message; a
    // wildcard on the field is a pattern over the whole message.
    return { type: 'text', value: text, mode: 'words' };
  }
  if (!quoted && value === '*') return { type: 'exists', field };
  if (field.kind === 'column' && field.column === 'severity') {
    const severity = normaliseSeverity(String(value));
    if (!severity) {
      fail(
        query,
        expression.location.start,
        `'${value}' is not a level (${Object.keys(SEVERITY_RANK).join(', ')})`,
      );
    }
    return { type: 'term', field, value: severity, wildcard: false };
  }
  const wildcard = !quoted && typeof value === 'string' && hasWildcard(value);
  const typed =
    !quoted && typeof value === 'string' && NUMBER.test(value)
      ? Number(value)
      : value;
  return { type: 'term', field, value: typed, wildcard };
}

function rangeBound(
  field: FieldRef,
  raw: unknown,
  query: string,
  at: number,
): number {
  if (field.kind === 'column' && field.column === 'severity') {
    const severity = normaliseSeverity(String(raw));
    if (!severity) fail(query, at, `'${raw}' is not a level`);
    return SEVERITY_RANK[severity];
  }
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string' && NUMBER.test(raw)) return Number(raw);
  return fail(query, at, `'${raw}' is not a number to compare with`);
}

function rangeNode(
  field: FieldRef,
  min: number | undefined,
  max: number | undefined,
  minInclusive: boolean,
  maxInclusive: boolean,
  query: string,
  at: number,
): QueryNode {
  if (field.kind === 'column' && field.column !== 'severity') {
    fail(
      query,
      at,
      `${field.column} is text; ranges work on numbers and on the level`,
    );
  }
  return {
    type: 'range',
    field,
    ...(min !== undefined && Number.isFinite(min) ? { min } : {}),
    ...(max !== undefined && Number.isFinite(max) ? { max } : {}),
    minInclusive,
    maxInclusive,
  };
}
