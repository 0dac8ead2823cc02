import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

function userToken(user: string, baseURL: string) {
  return execFileSync(
    process.execPath,
    [path.join(__dirname, '../scripts/user-token.js'), user],
    { env: { ...process.env, PILOTHOUSE_BACKEND_URL: baseURL } },
  )
    .toString()
    .trim();
}

async function connect(baseURL: string, token?: string) {
  const client = new Client({ name: 'pilothouse-e2e', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(
    new URL('/api/mcp-actions/v1', baseURL),
    token
      ? { requestInit: { headers: { authorization: `Bearer ${token}` } } }
      : undefined,
  );
  await client.connect(transport);
  return client;
}

test('catalog actions are reachable over MCP as the signed-in user', async ({
  baseURL,
}) => {
  const client = await connect(baseURL!, userToken('alice', baseURL!));
  try {
    const { tools } = await client.listTools();
    const names = tools.map(t => t.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'catalog.get-catalog-entity',
        'catalog.query-catalog-entities',
        'scaffolder.list-scaffolder-actions',
      ]),
    );
    const getEntity = tools.find(t => t.name === 'catalog.get-catalog-entity');
    expect(getEntity!.annotations?.readOnlyHint).toBe(true);

    const result = await client.callTool({
      name: getEntity!.name,
      arguments: { kind: 'Component', namespace: 'default', name: 'payments' },
    });
    expect(result.isError).toBeFalsy();
    expect(JSON.stringify(result.content)).toContain('payments-team');

    // The portal's permission policy holds over MCP too: alice may refresh
    // what her team owns, and not another team's component.
    const own = await client.callTool({
      name: 'catalog.refresh-catalog-entity',
      arguments: { kind: 'Component', name: 'payments' },
    });
    expect(own.isError).toBeFalsy();
    const other = await client
      .callTool({
        name: 'catalog.refresh-catalog-entity',
        arguments: { kind: 'Component', name: 'checkout' },
      })
      .catch((e: Error) => ({
        isError: true,
        content: [{ type: 'text', text: e.message }],
      }));
    expect(other.isError).toBe(true);
    expect(JSON.stringify(other.content)).toMatch(
      /NotAllowed|not allowed|denied|Unauthorized/i,
    );
  } finally {
    await client.close();
  }
});

test('MCP actions refuse a caller without a token', async ({ baseURL }) => {
  await expect(connect(baseURL!)).rejects.toThrow(
    /401|Unauthorized|credentials/i,
  );
});
