import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import scaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import searchPlugin from '@backstage/plugin-search-backend';
import searchCatalogModule from '@backstage/plugin-search-backend-module-catalog';
import path from 'node:path';
import request from 'supertest';
import catalogModuleAgentOps from './index';

/*
 * The portal's Search finds agents and MCP servers: the catalog collator
 * indexes every kind the catalog serves, these included (the portal sets no
 * `search.collators.catalog.filter`).
 */

const repoRoot = path.resolve(__dirname, '../../..');

async function eventually<T>(fn: () => Promise<T>, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise(r => setTimeout(r, 500));
    }
  }
}

jest.setTimeout(150_000);

describe('search over the catalog', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    backend = await startTestBackend({
      features: [
        catalogPlugin,
        scaffolderEntityModel,
        catalogModuleAgentOps,
        searchPlugin,
        searchCatalogModule,
        schedulerServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              rules: [
                {
                  // As app-config.yaml: a kind missing here fails the whole
                  // location that lists it.
                  allow: [
                    'Component',
                    'System',
                    'API',
                    'Resource',
                    'Location',
                    'Domain',
                    'Group',
                    'User',
                    'Template',
                    'Agent',
                    'MCPServer',
                  ],
                },
              ],
              locations: [
                {
                  type: 'file',
                  // The seeded agents and MCP servers (catalog/all.yaml also
                  // holds OpenSLO documents, which need their own module).
                  target: path.join(repoRoot, 'catalog/agents.yaml'),
                },
              ],
            },
            search: {
              collators: {
                catalog: {
                  schedule: {
                    frequency: { seconds: 2 },
                    timeout: { minutes: 1 },
                    initialDelay: { seconds: 1 },
                  },
                },
              },
            },
          },
        }),
      ],
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  async function search(term: string) {
    const res = await request(backend.server)
      .get('/api/search/query')
      .query({ term, types: ['software-catalog'] });
    expect(res.status).toBe(200);
    return res.body.results.map((r: any) => r.document);
  }

  it('finds an agent by what it does', async () => {
    const documents = await eventually(async () => {
      const found = await search('incident triage');
      expect(found.map((d: any) => d.location)).toContain(
        '/catalog/default/agent/incident-triage',
      );
      return found;
    });
    expect(
      documents.find(
        (d: any) => d.location === '/catalog/default/agent/incident-triage',
      ),
    ).toMatchObject({
      title: 'Incident triage agent',
      kind: 'Agent',
      owner: 'group:sre',
    });
  });

  it('finds an MCP server by name', async () => {
    const documents = await eventually(async () => {
      const found = await search('CloudWatch runbooks');
      expect(found.map((d: any) => d.location)).toContain(
        '/catalog/default/mcpserver/aws',
      );
      return found;
    });
    expect(
      documents.find(
        (d: any) => d.location === '/catalog/default/mcpserver/aws',
      ),
    ).toMatchObject({ title: 'AWS MCP server', kind: 'MCPServer' });
  });
});
