import { isDatabaseUnavailable } from './databaseErrors';

const withCode = (message: string, code: string) =>
  Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it('knows a database that is down, restarting or unreachable', () => {
    expect(
      isDatabaseUnavailable(
        withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      ),
    ).toBe(true);
    expect(
      isDatabaseUnavailable(
        withCode(
          'terminating connection due to administrator command',
          '57P01',
        ),
      ),
    ).toBe(true);
    expect(
      isDatabaseUnavailable(
        withCode('the database system is starting up', '57P03'),
      ),
    ).toBe(true);
    expect(isDatabaseUnavailable(withCode('connection failure', '08006'))).toBe(
      true,
    );
    expect(
      isDatabaseUnavailable(new Error('Connection terminated unexpectedly')),
    ).toBe(true);
    const timeout = new Error('Knex: Timeout acquiring a connection');
    timeout.name = 'KnexTimeoutError';
    expect(isDatabaseUnavailable(timeout)).toBe(true);
  });

  it('does not take other failures for a database outage', () => {
    // A failed fetch to another service carries the refusal only as its cause.
    const fetchFailed = new TypeError('fetch failed', {
      cause: withCode('connect ECONNREFUSED 10.0.0.9:443', 'ECONNREFUSED'),
    });
    expect(isDatabaseUnavailable(fetchFailed)).toBe(false);
    expect(
      isDatabaseUnavailable(withCode('duplicate key value', '23505')),
    ).toBe(false);
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});
