import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  AgentEntity,
  isAgentEntity,
  isMcpServerEntity,
  McpServerEntity,
} from '@pilothouse/plugin-agentops-common';
import fs from 'node:fs';
import { parseAllDocuments } from 'yaml';

function load(file: string) {
  return parseAllDocuments(
    fs.readFileSync(
      resolvePackagePath(
        '@pilothouse/plugin-agents-backend',
        'src/__fixtures__',
        file,
      ),
      'utf8',
    ),
  ).map(doc => {
    const entity = doc.toJS();
    entity.metadata.namespace ??= 'default';
    return entity;
  });
}

/** The seeded names: Agents pilothouse-assistant, incident-triage, cost-report, release-agent; MCPServers kubernetes, cicd, aws. */
export const catalogEntities = load('catalog.yaml');
/** Entities the renderer refuses or treats specially. */
export const invalidEntities = load('invalid.yaml');
export const allEntities = [...catalogEntities, ...invalidEntities];

export const fixtureAgents: AgentEntity[] =
  catalogEntities.filter(isAgentEntity);

export const fixtureServers = new Map<string, McpServerEntity>(
  allEntities
    .filter(isMcpServerEntity)
    .map(server => [stringifyEntityRef(server), server]),
);

export function agentNamed(name: string): AgentEntity {
  const agent = allEntities.find(
    e => isAgentEntity(e) && e.metadata.name === name,
  );
  if (!agent) throw new Error(`no fixture agent ${name}`);
  return agent;
}

/** The repository's own seeds (catalog/agents.yaml), as the portal loads them. */
export const seededEntities = parseAllDocuments(
  fs.readFileSync(
    resolvePackagePath(
      '@pilothouse/plugin-agents-backend',
      '../../catalog/agents.yaml',
    ),
    'utf8',
  ),
)
  .map(doc => doc.toJS())
  .filter(Boolean)
  .map(entity => {
    entity.metadata.namespace ??= 'default';
    return entity;
  });

export const seededAgents: AgentEntity[] =
  seededEntities.filter(isAgentEntity);

export const seededServers = new Map<string, McpServerEntity>(
  seededEntities
    .filter(isMcpServerEntity)
    .map(server => [stringifyEntityRef(server), server]),
);
