import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogUnprocessed from '@backstage/plugin-catalog-backend-module-unprocessed';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { stringify } from 'yaml';
import catalogModuleAgentOps from './index';

/*
 * The module in the real catalog backend, reading a catalog file, with a
 * real MCP server (spawned over stdio by the backend's MCP client module)
 * whose tools the test can change.
 */

const TOOLS_SERVER = path.join(__dirname, '__fixtures__/tools-server.js');

const liveTools = [
  {
    name: 'list_items',
    annotations: {
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: true,
    },
    permissions: [
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['list'] },
    ],
  },
  {
    name: 'delete_item',
    annotations: {
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: false,
    },
    permissions: ['ecs:UpdateService'],
  },
  {
    name: 'export_items',
    annotations: {
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: true,
    },
  },
];

const asDeclared = (t: (typeof liveTools)[number]) => ({
  name: t.name,
  readOnly: t.annotations.readOnlyHint,
  destructive: t.annotations.destructiveHint,
  idempotent: t.annotations.idempotentHint,
  ...(t.permissions ? { permissions: t.permissions } : {}),
});

function mcpServer(name: string, serverId: string, tools: unknown[]) {
  return {
    apiVersion: 'pilothouse.io/v1alpha1',
    kind: 'MCPServer',
    metadata: { name },
    spec: {
      owner: 'group:default/platform-team',
      system: 'developer-platform',
      lifecycle: 'production',
      transport: 'stdio',
      command: ['node', 'tools-server.js'],
      serverId,
      tools,
    },
  };
}

function agent(name: string, model: Record<string, string>) {
  return {
    apiVersion: 'pilothouse.io/v1alpha1',
    kind: 'Agent',
    metadata: { name, description: `The ${name} agent.` },
    spec: {
      owner: 'group:default/sre',
      system: 'developer-platform',
      lifecycle: 'experimental',
      model,
      mcpServers: [
        { server: 'mcpserver:default/tools', tools: ['list_items'] },
      ],
      namespace: `agent-${name}`,
      dataClassification: 'internal',
      allowDestructiveTools: false,
      approvals: { mode: 'none' },
    },
  };
}

const ENTITIES = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'platform-team' },
    spec: { type: 'team', children: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'sre' },
    spec: { type: 'team', children: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name: 'developer-platform' },
    spec: { owner: 'group:default/platform-team' },
  },
  mcpServer('tools', 'tools', liveTools.map(asDeclared)),
  // Written for an older release of the same server.
  mcpServer('tools-as-documented', 'tools', [
    asDeclared(liveTools[0]),
    { ...asDeclared(liveTools[1]), readOnly: true, destructive: false },
    { name: 'old_tool', readOnly: true },
  ]),
  mcpServer('gone', 'not-configured', [{ name: 'anything' }]),
  agent('triage', { provider: 'local', name: 'pilothouse-local' }),
  // Invalid: must not keep the others in this file from loading.
  agent('broken', { name: 'pilothouse-local' }),
];

async function eventually<T>(fn: () => Promise<T>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise(r => setTimeout(r, 250));
    }
  }
}

jest.setTimeout(120_000);

describe('catalog with the agentops module', () => {
  let dir: string;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentops-catalog-'));
    fs.writeFileSync(path.join(dir, 'tools.json'), JSON.stringify(liveTools));
    fs.writeFileSync(
      path.join(dir, 'entities.yaml'),
      ENTITIES.map(e => stringify(e)).join('---\n'),
    );
    backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogUnprocessed,
        catalogModuleAgentOps,
        // The real scheduler: the provider's task runs on its schedule.
        schedulerServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              rules: [
                {
                  allow: ['Group', 'System', 'Location', 'Agent', 'MCPServer'],
                },
              ],
              locations: [
                { type: 'file', target: path.join(dir, 'entities.yaml') },
              ],
              // Far beyond the test: a change the test sees after the first
              // processing comes from the live tools provider's refresh.
              processingInterval: { minutes: 30 },
              providers: {
                mcpLiveTools: {
                  schedule: {
                    frequency: { seconds: 1 },
                    timeout: { seconds: 10 },
                  },
                },
              },
            },
            pilothouse: {
              mcp: {
                servers: [
                  {
                    id: 'tools',
                    command: process.execPath,
                    args: [TOOLS_SERVER],
                    env: {
                      TOOLS_FILE: path.join(dir, 'tools.json'),
                      PID_FILE: path.join(dir, 'server.pid'),
                    },
                  },
                ],
                restart: { initialDelayMs: 200, maxDelayMs: 500 },
              },
            },
          },
        }),
      ],
    });
  });

  afterAll(async () => {
    await backend?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function entity(ref: string) {
    const res = await request(backend.server).get(
      `/api/catalog/entities/by-name/${ref}`,
    );
    if (res.status !== 200) throw new Error(`${ref}: ${res.status}`);
    return res.body;
  }

  const relationsOf = (e: any) =>
    e.relations.map((r: any) => `${r.type} ${r.targetRef}`).sort();

  it('serves agents and MCP servers with their relations', async () => {
    const triage = await eventually(async () => {
      const e = await entity('agent/default/triage');
      if (!e.relations?.length) throw new Error('not stitched yet');
      return e;
    });
    expect(relationsOf(triage)).toEqual([
      'ownedBy group:default/sre',
      'partOf system:default/developer-platform',
      'usesMcpServer mcpserver:default/tools',
    ]);

    const server = await eventually(async () => {
      const e = await entity('mcpserver/default/tools');
      if (!relationsOf(e).includes('mcpServerUsedBy agent:default/triage')) {
        throw new Error('not stitched yet');
      }
      return e;
    });
    expect(relationsOf(server)).toEqual([
      'mcpServerUsedBy agent:default/triage',
      'ownedBy group:default/platform-team',
      'partOf system:default/developer-platform',
    ]);
    const system = await entity('system/default/developer-platform');
    expect(relationsOf(system)).toEqual(
      expect.arrayContaining([
        'hasPart agent:default/triage',
        'hasPart mcpserver:default/tools',
      ]),
    );
  });

  it('lists an invalid agent with an error naming the field, and loads the rest of its file', async () => {
    const messages = await eventually(async () => {
      const found: string[] = [];
      for (const reason of ['pending', 'failed']) {
        const res = await request(backend.server).get(
          `/api/catalog/entities/unprocessed/${reason}`,
        );
        expect(res.status).toBe(200);
        for (const e of res.body.entities) {
          for (const error of e.errors ?? []) found.push(error.message);
        }
      }
      if (!found.length) throw new Error('no processing errors yet');
      return found;
    });
    expect(messages.join('\n')).toContain(
      'Agent broken: spec.model.provider is required',
    );
    await expect(entity('agent/default/broken')).rejects.toThrow('404');
    await entity('agent/default/triage');
  });

  it('annotates each MCP server with its live tools and how they differ from the declared ones', async () => {
    const inSync = await eventually(async () => {
      const e = await entity('mcpserver/default/tools');
      if (!e.metadata.annotations?.['pilothouse.io/tool-sync']) {
        throw new Error('not annotated yet');
      }
      return e;
    });
    expect(inSync.metadata.annotations).toMatchObject({
      'pilothouse.io/tool-sync': 'in-sync',
      'pilothouse.io/live-tools': JSON.stringify([
        'list_items',
        'delete_item',
        'export_items',
      ]),
    });
    expect(
      JSON.parse(inSync.metadata.annotations['pilothouse.io/tool-drift']),
    ).toEqual({ missing: [], undeclared: [], changed: [] });

    const documented = await entity('mcpserver/default/tools-as-documented');
    expect(documented.metadata.annotations['pilothouse.io/tool-sync']).toBe(
      'drift',
    );
    expect(
      JSON.parse(documented.metadata.annotations['pilothouse.io/tool-drift']),
    ).toEqual({
      missing: ['old_tool'],
      undeclared: ['export_items'],
      changed: [{ name: 'delete_item', fields: ['readOnly', 'destructive'] }],
    });

    const gone = await entity('mcpserver/default/gone');
    expect(gone.metadata.annotations).toMatchObject({
      'pilothouse.io/tool-sync': 'unreachable',
      'pilothouse.io/tool-sync-reason':
        'No MCP server "not-configured" is configured in pilothouse.mcp.servers',
    });
    expect(
      gone.metadata.annotations['pilothouse.io/live-tools'],
    ).toBeUndefined();
  });

  it('flags drift when the running server starts offering a tool its entity does not declare', async () => {
    await eventually(async () => {
      const e = await entity('mcpserver/default/tools');
      expect(e.metadata.annotations['pilothouse.io/tool-sync']).toBe('in-sync');
    });
    // A new release of the server adds a tool; it restarts with it.
    fs.writeFileSync(
      path.join(dir, 'tools.json'),
      JSON.stringify([
        ...liveTools,
        {
          name: 'purge_items',
          annotations: {
            readOnlyHint: false,
            destructiveHint: true,
            idempotentHint: true,
          },
        },
      ]),
    );
    const pid = Number(fs.readFileSync(path.join(dir, 'server.pid'), 'utf8'));
    process.kill(pid);

    const drifted = await eventually(async () => {
      const e = await entity('mcpserver/default/tools');
      expect(e.metadata.annotations['pilothouse.io/tool-sync']).toBe('drift');
      return e;
    });
    expect(
      JSON.parse(drifted.metadata.annotations['pilothouse.io/tool-drift']),
    ).toEqual({ missing: [], undeclared: ['purge_items'], changed: [] });
    expect(
      JSON.parse(drifted.metadata.annotations['pilothouse.io/live-tools']),
    ).toContain('purge_items');
  });
});
