import { Entity, parseEntityRef } from '@backstage/catalog-model';
import {
  AgentEntity,
  McpServerEntity,
} from '@pilothouse/plugin-agentops-common';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import ajvErrors from 'ajv-errors';
import agentSchema from '../schema/Agent.v1alpha1.schema.json';
import mcpServerSchema from '../schema/MCPServer.v1alpha1.schema.json';

const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true });
ajvErrors(ajv);

const validators: Record<'Agent' | 'MCPServer', ValidateFunction> = {
  Agent: ajv.compile(agentSchema),
  MCPServer: ajv.compile(mcpServerSchema),
};

/** `/spec/mcpServers/0/server` → `spec.mcpServers[0].server` */
function fieldOf(instancePath: string, child?: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  if (child !== undefined) parts.push(child);
  return parts
    .map((p, i) => {
      const key = p.replace(/~1/g, '/').replace(/~0/g, '~');
      if (/^\d+$/.test(key)) return `[${key}]`;
      return i === 0 ? key : `.${key}`;
    })
    .join('');
}

const shown = (value: unknown) => JSON.stringify(value);

/** One sentence per schema error, naming the field. */
function describe(error: ErrorObject): string {
  const field = fieldOf(error.instancePath) || 'the entity';
  const p = error.params as Record<string, any>;
  switch (error.keyword) {
    case 'required':
      return `${fieldOf(error.instancePath, p.missingProperty)} is required`;
    case 'additionalProperties':
      return `${fieldOf(
        error.instancePath,
        p.additionalProperty,
      )} is not a known field`;
    case 'type':
      return `${field} must be ${
        p.type === 'array' || p.type === 'object' ? 'an' : 'a'
      } ${p.type}, got ${shown(error.data)}`;
    case 'enum':
      return `${field} must be one of ${(p.allowedValues as unknown[])
        .map(String)
        .join(', ')}, got ${shown(error.data)}`;
    case 'minLength':
      return `${field} must not be empty`;
    case 'minItems':
      return `${field} must list at least ${p.limit} item${
        p.limit === 1 ? '' : 's'
      }`;
    case 'uniqueItems':
      return `${field} lists ${shown(
        (error.data as unknown[])[p.j],
      )} more than once`;
    case 'anyOf':
    case 'oneOf':
      return `${field} must be ${
        error.parentSchema?.description ?? 'one of the allowed forms'
      }, got ${shown(error.data)}`;
    case 'errorMessage':
      return `${field} ${error.message}, got ${shown(error.data)}`;
    default:
      return `${field} ${error.message}`;
  }
}

/**
 * Schema errors as sentences. Errors inside a failed anyOf (each branch's
 * complaint) are dropped in favour of the anyOf's own, which names the
 * allowed forms.
 */
function schemaErrors(errors: ErrorObject[]): string[] {
  const unions = errors
    .filter(e => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .map(e => e.schemaPath);
  const kept = errors.filter(
    e =>
      !unions.some(u => e.schemaPath !== u && e.schemaPath.startsWith(`${u}/`)),
  );
  return [...new Set(kept.map(describe))];
}

/** Problems a schema cannot express well: entity refs and field combinations. */
function checkRef(
  problems: string[],
  field: string,
  ref: string | undefined,
  defaultKind: string,
  requiredKind?: string,
) {
  if (ref === undefined) return;
  try {
    const parsed = parseEntityRef(ref, {
      defaultKind,
      defaultNamespace: 'default',
    });
    if (
      requiredKind &&
      parsed.kind.toLocaleLowerCase('en-US') !==
        requiredKind.toLocaleLowerCase('en-US')
    ) {
      problems.push(
        `${field} must refer to an ${requiredKind}, got ${shown(ref)}`,
      );
    }
  } catch (error) {
    problems.push(
      `${field} is not an entity reference (${(error as Error).message})`,
    );
  }
}

function agentProblems(entity: AgentEntity): string[] {
  const problems: string[] = [];
  const spec = entity.spec;
  checkRef(problems, 'spec.owner', spec.owner, 'Group');
  checkRef(problems, 'spec.system', spec.system, 'System', 'System');
  const servers = new Set<string>();
  spec.mcpServers.forEach((use, i) => {
    const field = `spec.mcpServers[${i}].server`;
    checkRef(problems, field, use.server, 'MCPServer', 'MCPServer');
    const key = use.server
      .toLocaleLowerCase('en-US')
      .replace(/^mcpserver:/, '');
    if (servers.has(key)) {
      problems.push(`${field} ${shown(use.server)} is listed more than once`);
    }
    servers.add(key);
  });
  spec.approvals.approverGroups?.forEach((group, i) =>
    checkRef(
      problems,
      `spec.approvals.approverGroups[${i}]`,
      group,
      'Group',
      'Group',
    ),
  );
  // The gateway holds every destructive call for a yes; an agent that
  // declares otherwise would misstate what happens.
  if (spec.allowDestructiveTools && spec.approvals.mode === 'none') {
    problems.push(
      'spec.approvals.mode must be confirm or approval when spec.allowDestructiveTools is true',
    );
  }
  if (spec.approvals.mode === 'approval' && !spec.approvals.approverGroups) {
    problems.push(
      'spec.approvals.approverGroups is required when spec.approvals.mode is approval',
    );
  }
  return problems;
}

function mcpServerProblems(entity: McpServerEntity): string[] {
  const problems: string[] = [];
  const spec = entity.spec;
  checkRef(problems, 'spec.owner', spec.owner, 'Group');
  checkRef(problems, 'spec.system', spec.system, 'System', 'System');
  if (spec.transport === 'stdio' && !spec.command) {
    problems.push('spec.command is required when spec.transport is stdio');
  }
  if (spec.transport === 'streamable-http') {
    if (!spec.url) {
      problems.push(
        'spec.url is required when spec.transport is streamable-http',
      );
    } else if (!/^https?:$/.test(safeProtocol(spec.url))) {
      problems.push(
        `spec.url must be an http(s) URL such as http://mcp-kubernetes.mcp:8080/mcp, got ${shown(
          spec.url,
        )}`,
      );
    }
  }
  if (spec.scope?.type === 'namespaces' && !spec.scope.namespaces?.length) {
    problems.push(
      'spec.scope.namespaces is required when spec.scope.type is namespaces',
    );
  }
  const names = new Set<string>();
  spec.tools.forEach((tool, i) => {
    if (names.has(tool.name)) {
      problems.push(
        `spec.tools[${i}].name ${shown(tool.name)} is declared more than once`,
      );
    }
    names.add(tool.name);
    if (tool.readOnly && tool.destructive) {
      problems.push(
        `spec.tools[${i}] (${tool.name}) cannot be both readOnly and destructive`,
      );
    }
  });
  return problems;
}

function safeProtocol(url: string): string {
  try {
    return new URL(url).protocol;
  } catch {
    return '';
  }
}

/**
 * Validates an Agent or MCPServer entity. Returns the problems, each a
 * sentence naming its field (`spec.model.provider is required`); empty when
 * the entity is valid.
 */
export function validateAgentOpsEntity(
  entity: Entity,
  kind: 'Agent' | 'MCPServer',
): string[] {
  const validate = validators[kind];
  if (!validate(entity)) {
    return schemaErrors(validate.errors ?? []);
  }
  return kind === 'Agent'
    ? agentProblems(entity as AgentEntity)
    : mcpServerProblems(entity as McpServerEntity);
}
