import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import Router from 'express-promise-router';
import request from 'supertest';
import { QuotaExceededError } from '../services/Quotas';
import { quotaRetryAfter } from './quotas';

describe('quotaRetryAfter', () => {
  it("answers a quota refusal with 429, the limit's name and Retry-After", async () => {
    // A route of the gateway refusing a call, behind Backstage's error handler.
    const router = Router();
    router.post('/v1/complete', async () => {
      throw new QuotaExceededError(
        'Quota exceeded: user user:default/alice may make 10 requests per minute; try again in 42 s',
        42,
      );
    });
    router.use(quotaRetryAfter);
    const app = express();
    app.use(router);
    app.use(
      MiddlewareFactory.create({
        config: mockServices.rootConfig(),
        logger: mockServices.rootLogger(),
      }).error(),
    );

    const res = await request(app).post('/v1/complete');
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('42');
    expect(res.body.error).toMatchObject({
      name: 'QuotaExceededError',
      message:
        'Quota exceeded: user user:default/alice may make 10 requests per minute; try again in 42 s',
    });
  });
});
