import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type {
  DataClass,
  EntityContext,
  Finding,
  Principal,
} from '@pilothouse/plugin-llm-gateway-common';
import type { TracingService } from '@backstage/backend-plugin-api/alpha';
import type { ApprovalStore } from '../Approvals';
import type { ToolCatalog } from '../Tools';
import type {
  AuditEntry,
  AuditLog,
  EntityResolver,
  Inspector,
  ModelRouter,
  PolicyEngine,
  Quotas,
} from '../types';
import { describeFindings } from './inspection';

/** Who is calling: resolved principal (policy, audit) and credentials (actions). */
export interface Caller {
  principal: Principal;
  credentials: BackstageCredentials;
  signal?: AbortSignal;
}

export interface GatewaySettings {
  /** Class of a request that names no entity. */
  defaultDataClass: DataClass;
  /** max_tokens when the caller sets none. */
  defaultMaxTokens: number;
  /** Members may approve other people's tool calls. */
  approverGroups: string[];
  /** Model calls running at once; more wait in a queue of the same size. */
  maxConcurrentCalls: number;
}

export interface GatewayOptions {
  inspector: Inspector;
  policyEngine: PolicyEngine;
  entityResolver: EntityResolver;
  quotas: Quotas;
  auditLog: AuditLog;
  router: ModelRouter;
  tools: ToolCatalog;
  approvals: ApprovalStore;
  logger: LoggerService;
  settings: GatewaySettings;
  /** Spans for tool calls; none in unit tests. */
  tracing?: TracingService;
}

/**
 * What every kind of call shares: quotas, the entity, and the audit record
 * (one per decision).
 */
export abstract class GatewayStep {
  constructor(protected readonly options: GatewayOptions) {}

  protected async admit(
    principal: Principal,
    kind: 'model' | 'tool',
    target: string,
  ) {
    try {
      await this.options.quotas.admitRequest(principal);
    } catch (error) {
      await this.audit({
        actor: principal.ref,
        kind,
        target,
        decision: 'deny',
        rule: 'quota',
        reason: (error as Error).message,
        findings: {},
      });
      throw error;
    }
  }

  /** Looked up with the caller's credentials: an entity they cannot see is a 404. */
  protected async resolveEntity(
    entityRef: string | undefined,
    caller: Caller,
  ): Promise<EntityContext | undefined> {
    return entityRef
      ? this.options.entityResolver.resolve(entityRef, {
          credentials: caller.credentials,
        })
      : undefined;
  }

  protected blockedTypes(findings: Finding[]): string {
    return (
      describeFindings(findings.filter(f => f.action === 'block')) ||
      'blocked content'
    );
  }

  protected audit(entry: AuditEntry) {
    return this.options.auditLog.append(entry);
  }
}
