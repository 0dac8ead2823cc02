import { ResponseError } from '@backstage/errors';
import { LlmGatewayClient } from './api';

function clientAnswering(...responses: Response[]) {
  const fetch = jest.fn();
  for (const response of responses) fetch.mockResolvedValueOnce(response);
  const client = new LlmGatewayClient({
    discoveryApi: {
      getBaseUrl: async (pluginId: string) => `http://portal/api/${pluginId}`,
    },
    fetchApi: { fetch },
  });
  return { client, fetch };
}

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

describe('LlmGatewayClient', () => {
  it('sends the audit filters that are set as query parameters', async () => {
    const { client, fetch } = clientAnswering(json(200, { records: [] }));
    await client.queryAudit({
      actor: 'user:default/alice',
      decision: 'deny',
      findingType: 'SECRET:aws-access-key',
      entityRef: undefined,
      limit: 25,
      before: 100,
    });
    const url = new URL(fetch.mock.calls[0][0]);
    expect(url.pathname).toBe('/api/llm-gateway/v1/audit');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      actor: 'user:default/alice',
      decision: 'deny',
      findingType: 'SECRET:aws-access-key',
      limit: '25',
      before: '100',
    });
  });

  it('sends a policy save as the backend reads it and answers the saved document', async () => {
    const saved = { name: 'access', source: 'x', version: 3 };
    const { client, fetch } = clientAnswering(json(200, saved));
    await expect(
      client.savePolicy('access', {
        source: 'x',
        comment: 'try',
        baseVersion: 2,
      }),
    ).resolves.toEqual(saved);
    expect(fetch).toHaveBeenCalledWith(
      'http://portal/api/llm-gateway/v1/policies/access',
      expect.objectContaining({
        method: 'PUT',
        body: JSON.stringify({ source: 'x', comment: 'try', baseVersion: 2 }),
      }),
    );
  });

  it('reads the lists the backend wraps in an object', async () => {
    const detector = {
      type: 'EMAIL',
      builtin: true,
      enabled: true,
      actions: { input: 'mask', output: 'mask' },
      minConfidence: 0.5,
    };
    const rule = {
      name: 'CODENAME',
      dictionary: ['bluebird'],
      dataClass: 'internal',
      actions: { input: 'mask', output: 'allow' },
    };
    const version = { name: 'access', version: 1, diff: '' };
    const quota = { subject: 'user:default/alice', scope: 'user' };
    const { client } = clientAnswering(
      json(200, { detectors: [detector] }),
      json(200, { rules: [rule] }),
      json(200, { versions: [version] }),
      json(200, { quotas: [quota] }),
    );
    await expect(client.listDetectors()).resolves.toEqual([detector]);
    await expect(client.listRules()).resolves.toEqual([rule]);
    await expect(client.getPolicyHistory('access')).resolves.toEqual([version]);
    await expect(client.listQuotas()).resolves.toEqual([quota]);
  });

  it('sends only the changeable fields of a detector, and rules wrapped', async () => {
    const detector = {
      type: 'EMAIL',
      builtin: true,
      enabled: false,
      actions: { input: 'block' as const, output: 'mask' as const },
      minConfidence: 0.7,
      description: 'E-mail addresses',
    };
    const { client, fetch } = clientAnswering(
      json(200, detector),
      json(200, { rules: [] }),
    );
    await client.updateDetector(detector);
    await client.replaceRules([]);
    expect(fetch.mock.calls[0][0]).toBe(
      'http://portal/api/llm-gateway/v1/detectors/EMAIL',
    );
    expect(JSON.parse(fetch.mock.calls[0][1].body)).toEqual({
      enabled: false,
      actions: { input: 'block', output: 'mask' },
      minConfidence: 0.7,
    });
    expect(JSON.parse(fetch.mock.calls[1][1].body)).toEqual({ rules: [] });
  });

  it('answers no verification before the chain was first verified', async () => {
    const { client } = clientAnswering(
      json(404, {
        error: {
          name: 'NotFoundError',
          message: 'The audit chain has not been verified yet',
        },
        request: { method: 'GET', url: '/v1/audit/verification' },
        response: { statusCode: 404 },
      }),
    );
    await expect(client.lastAuditVerification()).resolves.toBeUndefined();
  });

  it('throws a ResponseError with the server message for other failures', async () => {
    const { client } = clientAnswering(
      json(403, {
        error: { name: 'NotAllowedError', message: 'admins only' },
        request: { method: 'PUT', url: '/v1/rules' },
        response: { statusCode: 403 },
      }),
    );
    const error = await client.replaceRules([]).catch(e => e);
    expect(ResponseError.is(error)).toBe(true);
    expect(error.cause.message).toBe('admins only');
  });

  it('returns the errors a validation found', async () => {
    const { client, fetch } = clientAnswering(
      json(200, {
        valid: false,
        errors: [{ line: 2, message: 'bad indent' }],
      }),
    );
    await expect(client.validatePolicy('a b', 'src')).resolves.toEqual([
      { line: 2, message: 'bad indent' },
    ]);
    expect(fetch.mock.calls[0][0]).toBe(
      'http://portal/api/llm-gateway/v1/policies/a%20b/validate',
    );
  });
});
