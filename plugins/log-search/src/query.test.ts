import { fieldTerm, queryProblemOf, refineQuery, scopedQuery } from './query';
import { queryError } from './__fixtures__/logs';

describe('refining a query', () => {
  it('adds a term with AND, quoting values the language would misread', () => {
    expect(refineQuery('', 'level:error')).toBe('level:error');
    expect(refineQuery('service:payments', fieldTerm('level', 'error'))).toBe(
      'service:payments AND level:error',
    );
    expect(fieldTerm('entityRef', 'component:default/payments')).toBe(
      'entityRef:"component:default/payments"',
    );
    expect(fieldTerm('message', 'say "hi"')).toBe('message:"say \\"hi\\""');
    expect(fieldTerm('http.status_code', 504)).toBe('http.status_code:504');
    expect(fieldTerm('user', 'OR')).toBe('user:"OR"');
  });

  it('groups an OR query so the new term narrows every branch', () => {
    expect(refineQuery('level:error OR level:fatal', 'service:payments')).toBe(
      '(level:error OR level:fatal) AND service:payments',
    );
  });

  it('does not add a term that is already there', () => {
    expect(refineQuery('service:payments AND level:error', 'level:error')).toBe(
      'service:payments AND level:error',
    );
  });

  it('scopes a component’s query without losing the person’s OR', () => {
    expect(scopedQuery('service:payments', 'level:error OR level:fatal')).toBe(
      'service:payments AND (level:error OR level:fatal)',
    );
    expect(scopedQuery('service:payments', '  ')).toBe('service:payments');
    expect(scopedQuery(undefined, 'x')).toBe('x');
  });
});

describe('where a query went wrong', () => {
  it('reads a position, an offset or a 1-based column', async () => {
    expect(
      queryProblemOf(
        await queryError('Unexpected end of query', { position: 12 }),
      ),
    ).toEqual({ message: 'Unexpected end of query', position: 12 });
    expect(
      queryProblemOf(await queryError('Expected ")" at position 7')),
    ).toEqual({ message: 'Expected ")" at position 7', position: 6 });
    expect(
      queryProblemOf(await queryError('Syntax error at line 1, column 5')),
    ).toEqual({ message: 'Syntax error at line 1, column 5', position: 4 });
    expect(queryProblemOf(await queryError('Unknown field'))).toEqual({
      message: 'Unknown field',
    });
  });
});
