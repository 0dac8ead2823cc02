import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Knex } from 'knex';
import request from 'supertest';
import { llmGatewayPlugin } from '../plugin';
import { DatabaseAuditLog } from '../services/Audit';
import type { AuditEntry } from '../services/types';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const AUDITOR = 'user:default/auditor';

const entry = (
  actor: string,
  decision: AuditEntry['decision'],
): AuditEntry => ({
  actor,
  kind: 'model',
  target: 'local-intent',
  decision,
  findings: decision === 'block' ? { 'SECRET:aws-access-key': 1 } : {},
});

/** Only the auditor holds the gateway's permissions. */
const permissions = mockServices.permissions.mock({
  authorize: async (requests, options) => {
    const principal = (options.credentials as BackstageCredentials<any>)
      .principal;
    const allowed = principal?.userEntityRef === AUDITOR;
    return requests.map(() => ({
      result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
    }));
  },
});

async function start() {
  const knex: Knex = await databases.init('SQLITE_3');
  const { server } = await startTestBackend({
    features: [
      llmGatewayPlugin,
      mockServices.database.factory({ knex }),
      permissions.factory,
      mockServices.rootConfig.factory({
        data: {
          llmGateway: {
            quotas: {
              overrides: [{ subject: ALICE, requestsPerMinute: 5 }],
            },
          },
        },
      }),
    ],
  });
  // The plugin has migrated the database; write records beside it.
  const log = await DatabaseAuditLog.create({
    knex,
    logger: mockServices.logger.mock(),
  });
  await log.append(entry(ALICE, 'allow'));
  await log.append(entry(BOB, 'deny'));
  await log.append(entry(ALICE, 'block'));
  const get = (path: string, user: string) =>
    request(server)
      .get(`/api/llm-gateway${path}`)
      .set('Authorization', mockCredentials.user.header(user));
  return { knex, get };
}

describe('audit routes', () => {
  it('shows a user only their own records', async () => {
    const { get } = await start();
    const res = await get('/v1/audit', ALICE);
    expect(res.status).toBe(200);
    expect(res.body.records.map((r: { actor: string }) => r.actor)).toEqual([
      ALICE,
      ALICE,
    ]);

    const other = await get(
      `/v1/audit?actor=${encodeURIComponent(BOB)}`,
      ALICE,
    );
    expect(other.status).toBe(403);
    expect(other.body.error.message).toBe(
      `You may read only your own audit records (${ALICE}); others' need the llm-gateway.audit.read permission`,
    );
  });

  it('shows the auditor every record, with filters', async () => {
    const { get } = await start();
    const all = await get('/v1/audit', AUDITOR);
    expect(all.body.records).toHaveLength(3);

    const secrets = await get('/v1/audit?findingType=SECRET&limit=10', AUDITOR);
    expect(secrets.body.records).toEqual([
      expect.objectContaining({
        actor: ALICE,
        decision: 'block',
        findings: { 'SECRET:aws-access-key': 1 },
      }),
    ]);
    const denied = await get(`/v1/audit?decision=deny`, AUDITOR);
    expect(denied.body.records.map((r: { actor: string }) => r.actor)).toEqual([
      BOB,
    ]);
  });

  it('names the query parameter that is wrong', async () => {
    const { get } = await start();
    const res = await get('/v1/audit?from=yesterday', AUDITOR);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      'Invalid query: from: Invalid datetime',
    );
    const type = await get('/v1/audit?findingType=aws%20key', AUDITOR);
    expect(type.body.error.message).toMatch(
      /^Invalid query: findingType: must be a finding type/,
    );
  });

  it('verifies the chain and reports a record changed in the database', async () => {
    const { get, knex } = await start();
    expect((await get('/v1/audit/verification', AUDITOR)).status).toBe(404);
    expect((await get('/v1/audit/verify', ALICE)).status).toBe(403);

    const intact = await get('/v1/audit/verify', AUDITOR);
    expect(intact.body).toMatchObject({ ok: true, checked: 3 });

    // As someone with the database file would: past the trigger.
    await knex.raw('DROP TRIGGER llm_gateway_audit_no_update');
    await knex('llm_gateway_audit')
      .where({ seq: 2 })
      .update({ decision: 'allow' });

    const broken = await get('/v1/audit/verify', AUDITOR);
    expect(broken.body).toMatchObject({
      ok: false,
      checked: 1,
      brokenAt: { seq: 2 },
    });
    const last = await get('/v1/audit/verification', AUDITOR);
    expect(last.status).toBe(200);
    expect(last.body).toEqual(broken.body);
  });
});

describe('quota routes', () => {
  it('lists quotas and usage for the read permission only', async () => {
    const { get } = await start();
    const quotas = await get('/v1/quotas', AUDITOR);
    expect(quotas.status).toBe(200);
    expect(quotas.body).toEqual({
      quotas: [
        {
          subject: ALICE,
          scope: 'user',
          requestsPerMinute: { used: 0, limit: 5 },
          tokensPerDay: { used: 0, limit: 200_000 },
        },
      ],
    });
    expect((await get('/v1/quotas', ALICE)).status).toBe(403);

    const usage = await get('/v1/usage?scope=team&from=2026-01-01', AUDITOR);
    expect(usage.body).toEqual({ rows: [] });
    const bad = await get('/v1/usage?from=January', AUDITOR);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe(
      'Invalid query: from: must be a day YYYY-MM-DD',
    );
  });
});
