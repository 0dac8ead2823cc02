import type {
  AuthService,
  DatabaseService,
  DiscoveryService,
  LifecycleService,
  LoggerService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { EventsService } from '@backstage/plugin-events-node';
import type { Knex } from 'knex';
import { DatabaseAuditLog, scheduleAuditVerification } from './Audit';
import { createInspector } from './Inspector';
import { createGatewayMetrics } from './Metrics';
import { createPolicyParts, PolicyParts } from './Policy';
import { createQuotas, DatabaseUsageStore } from './Quotas';
import type {
  AuditLog,
  EntityResolver,
  Inspector,
  PolicyEngine,
  Quotas,
} from './types';

/** The parts the Gateway puts together, each built by its own module. */
export interface GatewayParts {
  inspector: Inspector;
  policyEngine: PolicyEngine;
  entityResolver: EntityResolver;
  quotas: Quotas;
  auditLog: AuditLog;
  /** The policy store behind the admin page's policy routes (absent in some tests). */
  policy?: PolicyParts;
}

/** What a part may need when it is built. */
export interface GatewayPartsEnv {
  config: RootConfigService;
  logger: LoggerService;
  database: DatabaseService;
  knex: Knex;
  catalog: CatalogService;
  /** The plugin's own credentials, for catalog lookups policy relies on. */
  auth?: AuthService;
  /** Finds the SLO backend, whose status policy reads (`request.entity.sloBurning`). */
  discovery?: DiscoveryService;
  scheduler: SchedulerService;
  lifecycle: LifecycleService;
  metrics: MetricsService;
  /** Where each audit record is published (topic `llm-gateway.audit`). */
  events?: EventsService;
}

/** The topic of appended audit records; log search ingests them. */
export const AUDIT_TOPIC = 'llm-gateway.audit';

export type GatewayPartsFactory = (
  env: GatewayPartsEnv,
) => Promise<GatewayParts>;

/** Builds the real parts from config, on the plugin's (migrated) database. */
export const createGatewayParts: GatewayPartsFactory = async env => {
  const { config, logger, database, knex } = env;
  const metrics = createGatewayMetrics(env.metrics);
  const events = env.events;
  const auditLog = await DatabaseAuditLog.create({
    knex,
    database,
    logger,
    metrics,
    // Published after the commit and not awaited: a slow or failing
    // subscriber never holds up or fails a gateway call.
    onAppend: events
      ? record => {
          events
            .publish({ topic: AUDIT_TOPIC, eventPayload: record })
            .catch(error =>
              logger.warn('could not publish an audit record', {
                seq: record.seq,
                error: String(error),
              }),
            );
        }
      : undefined,
  });
  const quotas = createQuotas({
    config,
    logger,
    lifecycle: env.lifecycle,
    usageStore: await DatabaseUsageStore.create({ knex, database }),
    metrics,
  });
  await scheduleAuditVerification({
    scheduler: env.scheduler,
    config,
    auditLog,
  });
  const policy = await createPolicyParts({
    config,
    knex,
    logger,
    catalog: env.catalog,
    auth: env.auth,
    discovery: env.discovery,
  });
  const inspector = await createInspector({ config, knex, logger });
  return {
    inspector,
    policyEngine: policy.engine,
    entityResolver: policy.entities,
    quotas,
    auditLog,
    policy,
  };
};
