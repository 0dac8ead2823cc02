import { mockServices } from '@backstage/backend-test-utils';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import {
  AgentEntity,
  isAgentEntity,
  isMcpServerEntity,
  McpServerEntity,
} from '@pilothouse/plugin-agentops-common';
import {
  DefaultMcpServersService,
  readMcpServerConfigs,
} from '@pilothouse/plugin-mcp-servers-node';
import fs from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { compareTools, declarationOf } from './liveTools/compareTools';
import { AgentOpsEntityProcessor } from './processor/AgentOpsEntityProcessor';

/*
 * The seeded agents and MCP servers (catalog/agents.yaml) against the rest of
 * the catalog, the portal's configuration and the three real MCP servers: a
 * tool added to a server, or a hint or permission changed, fails here until
 * the seed says the same.
 */

const repoRoot = path.resolve(__dirname, '../../..');

function readEntities(file: string): Entity[] {
  return parseAllDocuments(
    fs.readFileSync(path.join(repoRoot, 'catalog', file), 'utf8'),
  ).map(d => d.toJS() as Entity);
}

const seeds = readEntities('agents.yaml');
const agents = seeds.filter(isAgentEntity) as AgentEntity[];
const servers = seeds.filter(isMcpServerEntity) as McpServerEntity[];
const catalogRefs = new Set(
  ['org.yaml', 'systems.yaml', 'agents.yaml']
    .flatMap(readEntities)
    .map(e => stringifyEntityRef(e)),
);
const ref = (value: string, defaultKind: string) =>
  stringifyEntityRef(
    parseEntityRef(value, { defaultKind, defaultNamespace: 'default' }),
  );

const appConfig = parse(
  fs.readFileSync(path.join(repoRoot, 'app-config.yaml'), 'utf8'),
);

jest.setTimeout(120_000);

describe('catalog/agents.yaml', () => {
  it('seeds the portal assistant, three agents and the three MCP servers', () => {
    expect(agents.map(a => a.metadata.name).sort()).toEqual([
      'cost-report',
      'incident-triage',
      'pilothouse-assistant',
      'release-agent',
    ]);
    expect(servers.map(s => s.metadata.name).sort()).toEqual([
      'aws',
      'cicd',
      'kubernetes',
    ]);
  });

  it('holds only valid entities', async () => {
    const processor = new AgentOpsEntityProcessor();
    for (const entity of seeds) {
      await expect(processor.validateEntityKind(entity)).resolves.toBe(true);
    }
  });

  it('refers only to groups, systems and MCP servers that exist, and to tools those servers declare', () => {
    for (const entity of [...agents, ...servers]) {
      expect(catalogRefs).toContain(ref(entity.spec.owner, 'Group'));
      expect(catalogRefs).toContain(ref(entity.spec.system!, 'System'));
    }
    const unknownTools: string[] = [];
    for (const agent of agents) {
      for (const use of agent.spec.mcpServers) {
        const server = servers.find(
          s => stringifyEntityRef(s) === ref(use.server, 'MCPServer'),
        );
        expect(server).toBeDefined();
        const offered = server!.spec.tools.map(t => t.name);
        for (const tool of use.tools ?? []) {
          if (!offered.includes(tool)) {
            unknownTools.push(`${agent.metadata.name}: ${use.server} ${tool}`);
          }
        }
      }
    }
    expect(unknownTools).toEqual([]);
  });

  it("names each MCP server by its id in the portal's configuration", () => {
    const ids = appConfig.pilothouse.mcp.servers.map((s: any) => s.id);
    expect(servers.map(s => s.spec.serverId).sort()).toEqual([...ids].sort());
  });

  describe('against the real MCP servers', () => {
    let mcp: DefaultMcpServersService;

    beforeAll(async () => {
      // The servers exactly as the portal spawns them (cwd packages/backend),
      // without the sandbox: listing tools needs no cluster or account.
      const configs = readMcpServerConfigs(new ConfigReader(appConfig)).map(
        c => ({
          ...c,
          cwd: path.join(repoRoot, 'packages/backend'),
          env: Object.fromEntries(
            Object.entries(c.env ?? {}).filter(([, v]) => !v.includes('${')),
          ),
        }),
      );
      mcp = DefaultMcpServersService.create({
        servers: configs,
        logger: mockServices.logger.mock(),
      });
      await mcp.start();
    });

    afterAll(async () => {
      await mcp?.stop();
    });

    it.each(['kubernetes', 'cicd', 'aws'])(
      'declares the tools, hints and permissions that the %s server lists',
      async name => {
        const server = servers.find(s => s.metadata.name === name)!;
        const status = mcp.status().find(s => s.id === server.spec.serverId);
        expect(status).toMatchObject({ state: 'ready' });
        const live = (await mcp.listTools(server.spec.serverId)).map(
          t => t.tool,
        );
        const drift = compareTools(server.spec.tools, live);
        if (
          drift.missing.length ||
          drift.undeclared.length ||
          drift.changed.length
        ) {
          const tools = live.map(t => {
            const { name: toolName, ...declared } = declarationOf(t);
            return { name: toolName, description: t.title, ...declared };
          });
          throw new Error(
            `catalog/agents.yaml: MCPServer ${name} differs from the running server: ${JSON.stringify(
              drift,
            )}. The server lists these tools:\n${stringify({ tools })}`,
          );
        }
        expect(server.spec.tools.map(t => t.name)).toEqual(
          live.map(t => t.name),
        );
      },
    );
  });
});
