import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { repoPolicyDirectory } from '../__fixtures__/repository';
import { llmGatewayPlugin } from '../plugin';

jest.setTimeout(60_000);

const alice = mockCredentials.user.header('user:default/alice');
const GITHUB_TOKEN = ['ghp_', 'A1b2C3d4E5f6G7h8I9j0', 'K1l2M3n4O5p6Q7r8'].join(
  '',
);

async function startGateway(
  options: { denyAdmin?: boolean; denyAll?: boolean } = {},
) {
  const features: any[] = [
    llmGatewayPlugin,
    // The repository's policies, wherever jest runs from (the default
    // directory is relative to the backend's working directory).
    mockServices.rootConfig.factory({
      data: { llmGateway: { policy: { directory: repoPolicyDirectory } } },
    }),
  ];
  if (options.denyAdmin || options.denyAll) {
    features.push(
      mockServices.permissions.mock({
        authorize: async requests =>
          requests.map(r => ({
            result:
              options.denyAll ||
              (r as any).permission.name === 'llm-gateway.admin'
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          })),
      }).factory,
    );
  }
  const { server } = await startTestBackend({ features });
  return server;
}

describe('POST /v1/inspect', () => {
  it('answers findings, the transformed text and the decision', async () => {
    const server = await startGateway();
    const res = await request(server)
      .post('/api/llm-gateway/v1/inspect')
      .set('Authorization', alice)
      .send({
        text: 'Mail alice@example.com about card 4111 1111 1111 1111',
        direction: 'input',
      });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      findings: [
        expect.objectContaining({
          type: 'EMAIL',
          start: 5,
          end: 22,
          confidence: expect.any(Number),
          action: 'redact',
        }),
        expect.objectContaining({
          type: 'CREDIT_CARD',
          start: 34,
          end: 53,
          confidence: expect.any(Number),
          action: 'redact',
        }),
      ],
      text: 'Mail [EMAIL_1] about card [CREDIT_CARD_1]',
      decision: 'allow',
      dataClass: 'confidential',
      // The policy's words for the decision.
      reason: expect.any(String),
    });
  });

  it('denies a secret on input, with its subtype, and returns the text unchanged', async () => {
    const server = await startGateway();
    const text = `deploy with ${GITHUB_TOKEN}`;
    const res = await request(server)
      .post('/api/llm-gateway/v1/inspect')
      .set('Authorization', alice)
      .send({ text, direction: 'input' });
    expect(res.status).toBe(200);
    expect(res.body.decision).toBe('deny');
    expect(res.body.text).toBe(text);
    expect(res.body.reason).toBe('blocked: SECRET (github-token) in input');
    expect(res.body.findings).toEqual([
      expect.objectContaining({
        type: 'SECRET',
        subtype: 'github-token',
        action: 'block',
        start: 12,
      }),
    ]);
    expect(res.body.dataClass).toBe('restricted');
  });

  it('keeps placeholders stable across requests of one conversation', async () => {
    const server = await startGateway();
    const send = (text: string) =>
      request(server)
        .post('/api/llm-gateway/v1/inspect')
        .set('Authorization', alice)
        .send({ text, direction: 'input', conversationId: 'c-42' });
    expect((await send('ask bob@example.com')).body.text).toBe('ask [EMAIL_1]');
    expect(
      (await send('and carol@example.com, then bob@example.com')).body.text,
    ).toBe('and [EMAIL_2], then [EMAIL_1]');
  });

  it('refuses malformed requests with 400 naming the field', async () => {
    const server = await startGateway();
    const post = (body: unknown) =>
      request(server)
        .post('/api/llm-gateway/v1/inspect')
        .set('Authorization', alice)
        .send(body as any);

    const noDirection = await post({ text: 'hello' });
    expect(noDirection.status).toBe(400);
    expect(noDirection.body.error.message).toMatch(/direction/);

    const badDirection = await post({ text: 'hello', direction: 'sideways' });
    expect(badDirection.status).toBe(400);
    expect(badDirection.body.error.message).toMatch(/direction/);

    const notText = await post({ text: 42, direction: 'input' });
    expect(notText.status).toBe(400);
    expect(notText.body.error.message).toMatch(/text/);

    const extra = await post({
      text: 'x',
      direction: 'input',
      principal: 'user:default/admin',
    });
    expect(extra.status).toBe(400);
    expect(extra.body.error.message).toMatch(/unknown field principal/);

    const notJson = await request(server)
      .post('/api/llm-gateway/v1/inspect')
      .set('Authorization', alice)
      .set('Content-Type', 'application/json')
      .send('{"text": ');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.message).toMatch(/not valid JSON/);
  });

  it('refuses an oversized body with 413 and a JSON error', async () => {
    const server = await startGateway();
    const res = await request(server)
      .post('/api/llm-gateway/v1/inspect')
      .set('Authorization', alice)
      .send({ text: 'a'.repeat(1_100_000), direction: 'input' });
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({
      name: 'PayloadTooLargeError',
      message: expect.stringMatching(/over the limit of 1048576 bytes/),
    });
  });

  it('needs a signed-in caller', async () => {
    const server = await startGateway();
    const res = await request(server)
      .post('/api/llm-gateway/v1/inspect')
      .set('Authorization', mockCredentials.none.header())
      .send({ text: 'x', direction: 'input' });
    expect(res.status).toBe(401);
  });

  it('lets only admins inspect as another user', async () => {
    const server = await startGateway({ denyAdmin: true });
    const res = await request(server)
      .post('/api/llm-gateway/v1/inspect')
      .set('Authorization', alice)
      .send({ text: 'x', direction: 'input', asUser: 'user:default/bob' });
    expect(res.status).toBe(403);
  });
});

describe('detector and rule administration', () => {
  it('lists detectors, and an admin changes one', async () => {
    const server = await startGateway();
    const list = await request(server)
      .get('/api/llm-gateway/v1/detectors')
      .set('Authorization', alice);
    expect(list.status).toBe(200);
    expect(list.body.detectors.map((d: any) => d.type)).toEqual(
      expect.arrayContaining([
        'SECRET',
        'EMAIL',
        'PHONE',
        'PERSON',
        'ADDRESS',
        'IP_ADDRESS',
      ]),
    );

    const put = await request(server)
      .put('/api/llm-gateway/v1/detectors/EMAIL')
      .set('Authorization', alice)
      .send({
        enabled: true,
        actions: { input: 'mask', output: 'allow' },
        minConfidence: 0.5,
      });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      type: 'EMAIL',
      actions: { input: 'mask' },
    });

    const res = await request(server)
      .post('/api/llm-gateway/v1/inspect')
      .set('Authorization', alice)
      .send({ text: 'alice.smith@example.com', direction: 'input' });
    expect(res.body.text).toBe('****.com');

    const bad = await request(server)
      .put('/api/llm-gateway/v1/detectors/EMAIL')
      .set('Authorization', alice)
      .send({
        enabled: true,
        actions: { input: 'mask', output: 'allow' },
        minConfidence: 3,
      });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/minConfidence/);
  });

  it('replaces rules, and refuses a bad regex naming the rule', async () => {
    const server = await startGateway();
    const rule = {
      name: 'EMPLOYEE_ID',
      pattern: 'EMP-\\d{6}',
      dataClass: 'confidential',
      actions: { input: 'redact', output: 'redact' },
    };
    const put = await request(server)
      .put('/api/llm-gateway/v1/rules')
      .set('Authorization', alice)
      .send({ rules: [rule] });
    expect(put.status).toBe(200);
    expect(put.body.rules).toEqual([rule]);

    const inspected = await request(server)
      .post('/api/llm-gateway/v1/inspect')
      .set('Authorization', alice)
      .send({ text: 'badge EMP-123456', direction: 'output' });
    expect(inspected.body.text).toBe('badge [WITHHELD_EMPLOYEE_ID_1]');
    expect(inspected.body.dataClass).toBe('confidential');

    const bad = await request(server)
      .put('/api/llm-gateway/v1/rules')
      .set('Authorization', alice)
      .send({ rules: [{ ...rule, name: 'BROKEN', pattern: '(EMP' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/DLP rule BROKEN: invalid pattern/);

    const list = await request(server)
      .get('/api/llm-gateway/v1/rules')
      .set('Authorization', alice);
    expect(list.body.rules.map((r: any) => r.name)).toEqual(['EMPLOYEE_ID']);
  });

  it('refuses changes without the admin permission, and reads without the read permission', async () => {
    const readOnly = await startGateway({ denyAdmin: true });
    expect(
      (
        await request(readOnly)
          .get('/api/llm-gateway/v1/detectors')
          .set('Authorization', alice)
      ).status,
    ).toBe(200);
    const put = await request(readOnly)
      .put('/api/llm-gateway/v1/rules')
      .set('Authorization', alice)
      .send({ rules: [] });
    expect(put.status).toBe(403);
    expect(put.body.error.message).toMatch(/llm-gateway.admin/);

    const nobody = await startGateway({ denyAll: true });
    expect(
      (
        await request(nobody)
          .get('/api/llm-gateway/v1/rules')
          .set('Authorization', alice)
      ).status,
    ).toBe(403);
  });
});
