import { parseQuery, QuerySyntaxError } from './parseQuery';

function syntaxError(query: string): QuerySyntaxError {
  try {
    parseQuery(query);
  } catch (error) {
    if (error instanceof QuerySyntaxError) return error;
    throw error;
  }
  throw new Error(`'${query}' parsed`);
}

describe('parseQuery', () => {
  it('reads fields, words, phrases and booleans', () => {
    expect(
      parseQuery('service:payments AND level:error AND "timeout"'),
    ).toEqual({
      type: 'and',
      children: [
        {
          type: 'term',
          field: { kind: 'column', column: 'service' },
          value: 'payments',
          wildcard: false,
        },
        {
          type: 'term',
          field: { kind: 'column', column: 'severity' },
          value: 'error',
          wildcard: false,
        },
        { type: 'text', value: 'timeout', mode: 'words' },
      ],
    });
    expect(parseQuery('a OR (b AND NOT c)')).toEqual({
      type: 'or',
      children: [
        { type: 'text', value: 'a', mode: 'words' },
        {
          type: 'and',
          children: [
            { type: 'text', value: 'b', mode: 'words' },
            { type: 'not', child: { type: 'text', value: 'c', mode: 'words' } },
          ],
        },
      ],
    });
  });

  it('reads attributes, ranges, comparisons, wildcards and existence', () => {
    expect(parseQuery('status:[500 TO 599]')).toEqual({
      type: 'range',
      field: { kind: 'attribute', key: 'status' },
      min: 500,
      max: 599,
      minInclusive: true,
      maxInclusive: true,
    });
    expect(parseQuery('k8s.namespace.name:pay*')).toEqual({
      type: 'term',
      field: { kind: 'attribute', key: 'k8s.namespace.name' },
      value: 'pay*',
      wildcard: true,
    });
    expect(parseQuery('level:>=warn')).toMatchObject({
      type: 'range',
      min: 3,
      minInclusive: true,
    });
    expect(parseQuery('latency_ms:<250')).toMatchObject({
      type: 'range',
      max: 250,
      maxInclusive: false,
    });
    expect(parseQuery('traceId:*')).toEqual({
      type: 'exists',
      field: { kind: 'column', column: 'traceId' },
    });
    expect(parseQuery('time*')).toEqual({
      type: 'text',
      value: 'time',
      mode: 'prefix',
    });
    expect(parseQuery('"port 5432"')).toEqual({
      type: 'text',
      value: 'port 5432',
      mode: 'words',
    });
    expect(parseQuery('code:"503"')).toMatchObject({ value: '503' });
    expect(parseQuery('code:503')).toMatchObject({ value: 503 });
    expect(parseQuery('')).toEqual({ type: 'all' });
    // A level named after an Object property is no level.
    expect(syntaxError('level:constructor').message).toMatch(
      /'constructor' is not a level/,
    );
    // An attribute named after an Object property is an attribute.
    expect(parseQuery('constructor:x')).toEqual({
      type: 'term',
      field: { kind: 'attribute', key: 'constructor' },
      value: 'x',
      wildcard: false,
    });
  });

  it('says where a syntax error is', () => {
    const unclosed = syntaxError('service:payments AND (level:error');
    expect(unclosed.message).toMatch(/position 34 \(at the end\)/);
    expect(unclosed.position).toBe(33);

    const stray = syntaxError('service:payments AND ) level:error');
    expect(stray.message).toMatch(
      /^Query syntax error at position 22 \(near '\) level:erro'\)/,
    );
    expect(stray.position).toBe(21);

    expect(syntaxError('level:loud').message).toMatch(
      /position 7 .*'loud' is not a level/,
    );
    expect(syntaxError('status:>=high').message).toMatch(
      /'high' is not a number/,
    );
    expect(syntaxError('service:/pay.*/').message).toMatch(
      /regular expressions are not supported/,
    );
    expect(syntaxError('service:[1 TO 5]').message).toMatch(/service is text/);
    expect(syntaxError('a'.repeat(5000)).message).toMatch(/longer than 4096/);
  });
});
