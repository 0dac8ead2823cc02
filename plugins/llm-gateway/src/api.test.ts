import { ResponseError } from '@backstage/errors';
import { GatewayValidationError, LlmGatewayClient } from './api';

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

  it('turns a 400 with listed errors into a validation error', async () => {
    const { client, fetch } = clientAnswering(
      json(400, {
        errors: [{ line: 4, message: 'unknown field', path: 'rules.0.x' }],
      }),
    );
    const saving = client.savePolicy('default', {
      source: 'x',
      comment: 'try',
    });
    await expect(saving).rejects.toBeInstanceOf(GatewayValidationError);
    await expect(saving).rejects.toMatchObject({
      errors: [{ line: 4, message: 'unknown field', path: 'rules.0.x' }],
    });
    expect(fetch).toHaveBeenCalledWith(
      'http://portal/api/llm-gateway/v1/policies/default',
      expect.objectContaining({
        method: 'PUT',
        body: JSON.stringify({ source: 'x', comment: 'try' }),
      }),
    );
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
      json(200, { errors: [{ line: 2, message: 'bad indent' }] }),
    );
    await expect(client.validatePolicy('a b', 'src')).resolves.toEqual([
      { line: 2, message: 'bad indent' },
    ]);
    expect(fetch.mock.calls[0][0]).toBe(
      'http://portal/api/llm-gateway/v1/policies/a%20b/validate',
    );
  });
});
