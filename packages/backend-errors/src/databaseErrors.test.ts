import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import {
  databaseUnavailableErrors,
  isDatabaseUnavailable,
} from './databaseErrors';

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

describe('databaseUnavailableErrors', () => {
  const logger = mockServices.logger.mock();
  const config = mockServices.rootConfig();

  // As a plugin's router under Backstage's own error handler, which puts an
  // error's cause into the answer.
  function app(error: Error) {
    const router = express.Router();
    router.get('/v1/things', () => {
      throw error;
    });
    router.use(databaseUnavailableErrors({ logger }));
    const root = express();
    root.use('/api/demo', router);
    root.use(MiddlewareFactory.create({ config, logger }).error());
    return root;
  }

  it('answers a database outage with a retryable 503 that names no host', async () => {
    const res = await request(
      app(withCode('connect ECONNREFUSED 10.1.2.3:5432', 'ECONNREFUSED')),
    ).get('/api/demo/v1/things');
    expect(res.status).toBe(503);
    expect(res.body.error).toEqual({
      name: 'ServiceUnavailableError',
      message: 'The database is unavailable; try again shortly',
    });
    expect(res.text).not.toContain('10.1.2.3');
    // The operator still learns what happened.
    expect(logger.warn).toHaveBeenCalledWith(
      'GET /api/demo/v1/things: the database is unavailable: connect ECONNREFUSED 10.1.2.3:5432',
    );
  });

  it('passes every other error on as it was', async () => {
    const res = await request(app(new Error('a bug'))).get(
      '/api/demo/v1/things',
    );
    expect(res.status).toBe(500);
    expect(res.body.error).toMatchObject({ name: 'Error', message: 'a bug' });
  });
});
