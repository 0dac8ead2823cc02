import { createServiceFactory } from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { ToolSpec } from '@pilothouse/plugin-llm-gateway-common';
import { createAwsMcpServer, createAwsRuntime } from '@pilothouse/mcp-aws';
import { createCicdClients, createCicdMcpServer } from '@pilothouse/mcp-cicd';
import { createKubernetesMcpServer } from '@pilothouse/mcp-kubernetes';

/** Tools as the gateway names them: `server.tool`, its description and JSON schema. */
async function listed(
  serverId: string,
  // Structural: the MCP packages may resolve another copy of the SDK.
  server: { connect(transport: InMemoryTransport): Promise<void> },
): Promise<ToolSpec[]> {
  const [clientTransport, serverTransport] =
    InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const client = new Client({ name: 'local-model-test', version: '0.0.0' });
  await client.connect(clientTransport);
  try {
    const { tools } = await client.listTools();
    return tools.map(tool => ({
      name: `${serverId}.${tool.name}`,
      description: tool.description,
      input_schema: tool.inputSchema as Record<string, unknown>,
    }));
  } finally {
    await client.close();
  }
}

/**
 * The tools of the three MCP servers, listed over the MCP SDK from each
 * package's own factory (ids as in app-config.yaml). Only listed, never
 * called, so their clients point nowhere.
 */
export async function realMcpTools(): Promise<ToolSpec[]> {
  const nowhere = 'http://127.0.0.1:9';
  return [
    ...(await listed(
      'kubernetes',
      createKubernetesMcpServer({
        // Listing tools never reaches the cluster.
        clients: {} as never,
        logCalls: false,
      }),
    )),
    ...(await listed(
      'cicd',
      createCicdMcpServer({
        clients: createCicdClients({
          argocdUrl: nowhere,
          rolloutsUrl: nowhere,
          githubApiUrl: nowhere,
        }),
        logCalls: false,
      }),
    )),
    ...(await listed(
      'aws',
      createAwsMcpServer({
        runtime: createAwsRuntime({ region: 'eu-west-1' }),
        region: 'eu-west-1',
        logCalls: false,
      }),
    )),
  ];
}

/**
 * The catalog's own actions, as the catalog backend registers them (started
 * in a test backend) and the gateway names them (`backstage.catalog.<name>`).
 */
export async function realCatalogActions(): Promise<ToolSpec[]> {
  // A plain logger: the default one is a jest mock, and the bench has no jest.
  const registry = actionsRegistryServiceMock({
    logger: mockServices.rootLogger({ level: 'none' }),
  });
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      createServiceFactory({
        service: actionsRegistryServiceRef,
        deps: {},
        factory: () => registry,
      }),
    ],
  });
  try {
    const { actions } = await registry.list();
    return actions.map(action => ({
      name: `backstage.catalog.${action.name}`,
      description: action.description || action.title,
      input_schema: action.schema.input as Record<string, unknown>,
    }));
  } finally {
    await backend.stop();
  }
}
