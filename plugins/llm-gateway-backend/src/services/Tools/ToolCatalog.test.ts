import { mockCredentials } from '@backstage/backend-test-utils';
import { ToolCatalog, annotationsOf } from './ToolCatalog';

describe('ToolCatalog', () => {
  it('does not trust missing hints: only an explicit read-only hint is read-only', () => {
    expect(annotationsOf(undefined)).toEqual({
      readOnly: false,
      destructive: true,
      idempotent: false,
    });
    expect(annotationsOf({ destructiveHint: false })).toEqual({
      readOnly: false,
      destructive: false,
      idempotent: false,
    });
    expect(
      annotationsOf({ readOnlyHint: true, destructiveHint: true }),
    ).toEqual({
      readOnly: true,
      destructive: false,
      idempotent: true,
    });
  });

  it('names MCP tools and Backstage actions server.tool and routes calls to their owner', async () => {
    const invoked: unknown[] = [];
    const catalog = new ToolCatalog(
      {
        status: () => [],
        listTools: async () => [
          {
            serverId: 'k8s',
            tool: { name: 'get_pods', inputSchema: { type: 'object' } },
          },
          {
            serverId: 'aws',
            tool: { name: 'get_pods', inputSchema: { type: 'object' } },
          },
        ],
        callTool: async (server, name) => ({
          content: [{ type: 'text', text: `${server}/${name}` }],
        }),
      },
      {
        list: async () => ({
          actions: [
            {
              id: 'catalog:get-entity',
              pluginId: 'catalog',
              name: 'get-entity',
              title: 'Get entity',
              description: 'Gets an entity',
              schema: { input: { type: 'object' }, output: { type: 'object' } },
              attributes: {
                readOnly: true,
                destructive: false,
                idempotent: true,
              },
            },
          ],
        }),
        invoke: async opts => {
          invoked.push(opts);
          return { output: { name: 'payments' } };
        },
      },
    );
    const credentials = mockCredentials.user('user:default/alice');
    const tools = await catalog.list(credentials);
    expect(tools.map(t => t.name)).toEqual([
      'k8s.get_pods',
      'aws.get_pods',
      'backstage.catalog.get-entity',
    ]);
    await expect(catalog.resolve('get_pods', credentials)).rejects.toThrow(
      /offered by several servers; name one of k8s.get_pods, aws.get_pods/,
    );
    const aws = await catalog.resolve('aws.get_pods', credentials);
    expect(await catalog.call(aws, {}, credentials)).toEqual({
      content: [{ type: 'text', text: 'aws/get_pods' }],
    });
    const action = await catalog.resolve(
      'backstage.catalog.get-entity',
      credentials,
    );
    expect(action.annotations).toEqual({
      readOnly: true,
      destructive: false,
      idempotent: true,
    });
    expect(await catalog.call(action, { ref: 'x' }, credentials)).toMatchObject(
      {
        structuredContent: { name: 'payments' },
      },
    );
    // The action runs with the caller's own credentials.
    expect(invoked).toEqual([
      { id: 'catalog:get-entity', input: { ref: 'x' }, credentials },
    ]);
  });
});
