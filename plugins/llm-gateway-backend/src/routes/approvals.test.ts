import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  GatewayTestEnv,
  bearer,
  startGatewayBackend,
} from '../__testUtils__/testBackend';

jest.setTimeout(90_000);

/*
 * The approval flow over HTTP, on the real parts, with the plugin's database
 * on SQLite and on PostgreSQL.
 */
describe.each(
  TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] }).eachSupportedId(),
)('approvals on %s', databaseId => {
  const databases = TestDatabases.create({ ids: [databaseId] });
  let env: GatewayTestEnv;
  beforeAll(async () => {
    const knex = await databases.init(databaseId);
    env = await startGatewayBackend({
      features: [mockServices.database.factory({ knex })],
    });
  });
  afterAll(() => env.stop());

  // payments is production and owned by alice's team (repository catalog).
  const call = (user: string, body: object) =>
    request(env.server)
      .post('/api/llm-gateway/v1/tools/call')
      .set('authorization', bearer(user))
      .send({ entityRef: 'component:default/payments', ...body });

  it('runs a destructive call on production once, after someone else approved exactly it', async () => {
    const asked = await call('alice', {
      tool: 'tools.delete_thing',
      arguments: { name: 'x' },
    });
    expect(asked.body).toMatchObject({ decision: 'ask', approval: 'approval' });
    const { approvalId } = asked.body;

    const mine = await request(env.server)
      .get('/api/llm-gateway/v1/approvals')
      .set('authorization', bearer('alice'));
    expect(mine.body.approvals).toEqual([
      expect.objectContaining({
        id: approvalId,
        status: 'pending',
        canDecide: false,
      }),
    ]);
    const bob = await request(env.server)
      .post(`/api/llm-gateway/v1/approvals/${approvalId}/approve`)
      .set('authorization', bearer('bob'));
    expect(bob.status).toBe(200);

    const done = await call('alice', {
      tool: 'tools.delete_thing',
      arguments: { name: 'x' },
      approvalId,
    });
    expect(done.body).toMatchObject({
      decision: 'allow',
      result: { content: [{ text: 'deleted x' }] },
    });
    const again = await call('alice', {
      tool: 'tools.delete_thing',
      arguments: { name: 'x' },
      approvalId,
    });
    expect(again.body).toMatchObject({ decision: 'deny', rule: 'approval' });

    // Someone else cannot ride on alice's approval.
    const carol = await call('carol', {
      tool: 'tools.delete_thing',
      arguments: { name: 'x' },
      approvalId,
    });
    expect(carol.body).toMatchObject({
      decision: 'deny',
      reason: expect.stringMatching(/not by user:default\/carol/),
    });
  });

  it('lets the requester withdraw, and a withdrawn approval cannot be approved', async () => {
    const asked = await call('alice', {
      tool: 'tools.delete_thing',
      arguments: { name: 'y' },
    });
    const { approvalId } = asked.body;
    const withdrawn = await request(env.server)
      .post(`/api/llm-gateway/v1/approvals/${approvalId}/reject`)
      .set('authorization', bearer('alice'));
    expect(withdrawn.body).toMatchObject({ status: 'rejected' });
    const late = await request(env.server)
      .post(`/api/llm-gateway/v1/approvals/${approvalId}/approve`)
      .set('authorization', bearer('bob'));
    expect(late.status).toBe(409);
    const missing = await request(env.server)
      .post('/api/llm-gateway/v1/approvals/no-such-id/approve')
      .set('authorization', bearer('bob'));
    expect(missing.status).toBe(404);
  });
});
