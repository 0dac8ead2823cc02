import Anthropic from '@anthropic-ai/sdk';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import OpenAI from 'openai';
import request from 'supertest';
import {
  AWS_ACCESS_KEY,
  GatewayTestEnv,
  bearer,
  startGatewayBackend,
  tokenOf,
} from '../__testUtils__/testBackend';

jest.setTimeout(90_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

if (process.env.CI) {
  it('runs the end-to-end tests on PostgreSQL in CI', () => {
    expect(databases.supports('POSTGRES_15')).toBe(true);
  });
}

/** A GitHub personal access token's shape, assembled so no scanner flags the file. */
const GITHUB_TOKEN = ['ghp', '_', 'A1b2C3d4E5f6G7h8I9j0', 'K1l2M3n4O5p6Q7r8'].join(
  '',
);
const EMAIL = 'dana@example.com';

/*
 * One request's way through the real parts, with the plugin's database on
 * SQLite and on PostgreSQL: secrets never leave, e-mail addresses leave as
 * placeholders and come back to the sender, every decision is audited
 * without the values, and a changed audit row is found.
 */
describe.each(databases.eachSupportedId())('end to end on %s', databaseId => {
  let env: GatewayTestEnv;
  beforeAll(async () => {
    const knex = await databases.init(databaseId);
    env = await startGatewayBackend({
      features: [mockServices.database.factory({ knex })],
    });
  });
  afterAll(() => env.stop());

  const mcpClient = async (user: string) => {
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${env.baseUrl}/mcp`), {
        requestInit: { headers: { authorization: bearer(user) } },
      }),
    );
    return client;
  };
  const textOf = (result: any) =>
    result.content.map((c: any) => c.text).join('');

  it('never lets a secret reach the model provider or the tool server, in any API', async () => {
    const anthropic = new Anthropic({
      baseURL: `${env.baseUrl}/anthropic`,
      apiKey: null,
      authToken: tokenOf('alice'),
      maxRetries: 0,
    });
    const viaAnthropic = await anthropic.messages
      .create({
        model: 'cloud-small',
        max_tokens: 100,
        messages: [{ role: 'user', content: `my key is ${AWS_ACCESS_KEY}` }],
      })
      .catch(e => e);
    expect(viaAnthropic).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect(viaAnthropic.message).toMatch(/SECRET:aws-access-key/);

    const openai = new OpenAI({
      baseURL: `${env.baseUrl}/openai/v1`,
      apiKey: tokenOf('alice'),
      maxRetries: 0,
    });
    const viaOpenAi = await openai.chat.completions
      .create({
        model: 'cloud-backup',
        messages: [
          { role: 'user', content: `push with token ${GITHUB_TOKEN} please` },
        ],
      })
      .catch(e => e);
    expect(viaOpenAi).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(viaOpenAi.message).toMatch(/SECRET:github-token/);
    expect(env.upstream.requests).toEqual([]);

    const alice = await mcpClient('alice');
    const viaMcp = await alice.callTool({
      name: 'tools.echo',
      arguments: { text: `use ${GITHUB_TOKEN}` },
    });
    expect(viaMcp.isError).toBe(true);
    expect(textOf(viaMcp)).toMatch(/blocked.*SECRET:github-token/);
    await alice.close();
    const bob = await mcpClient('bob');
    const seen = textOf(
      await bob.callTool({ name: 'tools.received', arguments: {} }),
    );
    expect(seen).toBe('[]');
    await bob.close();
  });

  it('sends a placeholder for an e-mail address and gives the sender the original back', async () => {
    env.upstream.reset();
    const res = await request(env.server)
      .post('/api/llm-gateway/anthropic/v1/messages')
      .set('authorization', bearer('alice'))
      .send({
        model: 'cloud-small',
        max_tokens: 100,
        messages: [{ role: 'user', content: `write to ${EMAIL} today` }],
      });
    expect(res.status).toBe(200);
    expect(JSON.stringify(env.upstream.requests)).not.toContain(EMAIL);
    expect(env.upstream.requests[0].body.messages[0].content).toEqual([
      { type: 'text', text: 'write to [EMAIL_1] today' },
    ]);
    expect(res.body.content).toEqual([
      { type: 'text', text: `echo: write to ${EMAIL} today` },
    ]);
  });

  it('audits every decision with finding counts, never the values, and finds a changed row', async () => {
    const { records } = await env.parts.auditLog.query({});
    const byKind = records
      .map(r => `${r.kind}:${r.decision}:${Object.keys(r.findings).join(',')}`)
      .sort();
    expect(byKind).toEqual([
      'model:allow:EMAIL',
      'model:block:SECRET:aws-access-key',
      'model:block:SECRET:github-token',
      // bob asking the tool server what it received
      'tool:allow:',
      'tool:block:SECRET:github-token',
    ]);
    expect(
      records.find(r => r.findings['SECRET:aws-access-key']),
    ).toMatchObject({
      actor: 'user:default/alice',
      decision: 'block',
      findings: { 'SECRET:aws-access-key': 1 },
    });

    // No table of the plugin holds a value that was found.
    for (const table of [
      'llm_gateway_audit',
      'llm_gateway_usage',
      'llm_gateway_approvals',
      'llm_gateway_inspection_vault',
    ]) {
      const rows = JSON.stringify(await env.knex(table).select());
      for (const value of [AWS_ACCESS_KEY, GITHUB_TOKEN, EMAIL]) {
        expect({ table, found: rows.includes(value) }).toEqual({
          table,
          found: false,
        });
      }
    }

    const verify = () =>
      request(env.server)
        .get('/api/llm-gateway/v1/audit/verify')
        .set('authorization', bearer('carol'));
    expect((await verify()).body).toMatchObject({
      ok: true,
      checked: records.length,
    });

    // As someone with database access would: past the append-only trigger.
    const blocked = records.find(r => r.findings['SECRET:aws-access-key'])!;
    if (databaseId === 'POSTGRES_15') {
      await env.knex.raw(
        'ALTER TABLE llm_gateway_audit DISABLE TRIGGER llm_gateway_audit_append_only',
      );
    } else {
      await env.knex.raw('DROP TRIGGER llm_gateway_audit_no_update');
    }
    await env
      .knex('llm_gateway_audit')
      .where({ seq: blocked.seq })
      .update({ decision: 'allow' });
    const broken = await verify();
    expect(broken.body).toMatchObject({
      ok: false,
      brokenAt: { seq: blocked.seq },
    });
  });
});
