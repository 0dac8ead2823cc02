import type { EventFields } from './eventFields';
import {
  FieldPredicate,
  InvalidRuleError,
  UnsupportedRuleError,
} from './modifiers';

type Node =
  | { type: 'and' | 'or'; children: Node[] }
  | { type: 'not'; child: Node }
  | { type: 'id'; name: string }
  | { type: 'of'; min: number | 'all'; names: string[] };

interface Token {
  text: string;
  position: number;
}

const QUANTIFIERS: Record<string, number | 'all'> = { all: 'all', any: 1 };

function tokenize(condition: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  for (const match of condition.matchAll(/\s*(\(|\)|\||[^\s()|]+)/gy)) {
    tokens.push({
      text: match[1],
      position: match.index! + match[0].indexOf(match[1]) + 1,
    });
    last = match.index! + match[0].length;
  }
  if (condition.slice(last).trim() !== '') {
    throw new InvalidRuleError(
      `condition "${condition}": cannot read from column ${last + 1}`,
    );
  }
  return tokens;
}

/** Names the identifiers a `1 of x*` or `all of them` pattern stands for. */
function resolvePattern(
  pattern: string,
  identifiers: string[],
  condition: string,
): string[] {
  if (pattern === 'them') return identifiers.filter(id => !id.startsWith('_'));
  const regex = new RegExp(
    `^${pattern.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '.*')}$`,
  );
  const names = identifiers.filter(id => regex.test(id));
  if (names.length === 0) {
    throw new InvalidRuleError(
      `condition "${condition}": no detection identifier matches "${pattern}"`,
    );
  }
  return names;
}

/**
 * Parses a Sigma condition (`selection and not 1 of filter_*`, parentheses,
 * `all of them`) against the rule's detection identifiers.
 */
export function parseCondition(condition: string, identifiers: string[]): Node {
  const tokens = tokenize(condition);
  let i = 0;
  const peek = () => tokens[i]?.text;
  const where = () =>
    tokens[i]
      ? `at column ${tokens[i].position} ("${tokens[i].text}")`
      : 'at the end';
  const fail = (what: string): never => {
    throw new InvalidRuleError(`condition "${condition}": ${what} ${where()}`);
  };

  function parseOr(): Node {
    const children = [parseAnd()];
    while (peek() === 'or') {
      i++;
      children.push(parseAnd());
    }
    return children.length === 1 ? children[0] : { type: 'or', children };
  }
  function parseAnd(): Node {
    const children = [parseNot()];
    while (peek() === 'and') {
      i++;
      children.push(parseNot());
    }
    return children.length === 1 ? children[0] : { type: 'and', children };
  }
  function parseNot(): Node {
    if (peek() === 'not') {
      i++;
      return { type: 'not', child: parseNot() };
    }
    return parsePrimary();
  }
  function parsePrimary(): Node {
    const token = peek();
    if (token === undefined) return fail('expected an identifier');
    if (token === '|') {
      throw new UnsupportedRuleError(
        `condition "${condition}": aggregations after "|" (deprecated; use a correlation rule)`,
      );
    }
    if (token === '(') {
      i++;
      const inner = parseOr();
      if (peek() !== ')') fail('expected ")"');
      i++;
      return inner;
    }
    if (['and', 'or', ')', 'of'].includes(token))
      return fail('expected an identifier');
    if (
      (token === 'all' || token === 'any' || /^\d+$/.test(token)) &&
      tokens[i + 1]?.text === 'of'
    ) {
      i += 2;
      const pattern = peek();
      if (
        pattern === undefined ||
        ['(', ')', 'and', 'or', 'not', '|'].includes(pattern)
      ) {
        return fail('expected an identifier pattern or "them"');
      }
      i++;
      return {
        type: 'of',
        min: QUANTIFIERS[token] ?? Number(token),
        names: resolvePattern(pattern, identifiers, condition),
      };
    }
    i++;
    if (!identifiers.includes(token)) {
      i--;
      return fail(`unknown detection identifier "${token}"`);
    }
    return { type: 'id', name: token };
  }

  const node = parseOr();
  if (i < tokens.length) {
    if (peek() === '|') {
      throw new UnsupportedRuleError(
        `condition "${condition}": aggregations after "|" (deprecated; use a correlation rule)`,
      );
    }
    fail('unexpected text');
  }
  return node;
}

export function compileCondition(
  node: Node,
  predicates: Record<string, FieldPredicate>,
): FieldPredicate {
  switch (node.type) {
    case 'id':
      return predicates[node.name];
    case 'not': {
      const child = compileCondition(node.child, predicates);
      return fields => !child(fields);
    }
    case 'and': {
      const children = node.children.map(c => compileCondition(c, predicates));
      return fields => children.every(c => c(fields));
    }
    case 'or': {
      const children = node.children.map(c => compileCondition(c, predicates));
      return fields => children.some(c => c(fields));
    }
    case 'of': {
      const children = node.names.map(n => predicates[n]);
      const min = node.min === 'all' ? children.length : node.min;
      return (fields: EventFields) => {
        let hits = 0;
        for (const child of children) {
          if (child(fields) && ++hits >= min) return true;
        }
        return false;
      };
    }
    default:
      throw new InvalidRuleError('unknown condition node');
  }
}
