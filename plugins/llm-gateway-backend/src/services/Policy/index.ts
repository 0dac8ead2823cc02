import type {
  AuthService,
  DiscoveryService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig } from '@backstage/config';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { durationToMilliseconds } from '@backstage/types';
import {
  DATA_CLASSES,
  type DataClass,
  type PolicyLoadProblem,
} from '@pilothouse/plugin-llm-gateway-common';
import type { Knex } from 'knex';
import path from 'node:path';
import { CatalogEntityResolver } from '../Entities/CatalogEntityResolver';
import { isDataClass } from '../Entities/dataClass';
import { SloStatusReader } from '../Entities/SloStatusReader';
import { DatabasePolicyStore } from './DatabasePolicyStore';
import { loadPolicyFiles } from './loadPolicyFiles';
import { StoredPolicyEngine } from './StoredPolicyEngine';

export { DatabasePolicyStore } from './DatabasePolicyStore';
export { StoredPolicyEngine } from './StoredPolicyEngine';
export { compilePolicy } from './policyDocument';

/** From packages/backend, where the backend runs: the repository's policies. */
export const DEFAULT_POLICY_DIRECTORY = '../../policies/gateway';

export interface PolicyParts {
  store: DatabasePolicyStore;
  engine: StoredPolicyEngine;
  entities: CatalogEntityResolver;
  /** Repository files refused at start. */
  fileProblems: PolicyLoadProblem[];
  defaultDataClass: DataClass;
}

/**
 * The policy part of the gateway, from `llmGateway.policy` config: loads the
 * repository's files into the store, then the engine from the store. The
 * database must be migrated already.
 */
export async function createPolicyParts(options: {
  config: RootConfigService;
  knex: Knex;
  logger: LoggerService;
  catalog: CatalogService;
  /** Lets policy weigh the entities a tool call's arguments name. */
  auth?: AuthService;
  /** With auth, lets policy read whether an entity's SLO burns (/api/slo). */
  discovery?: DiscoveryService;
}): Promise<PolicyParts> {
  const { config, knex, logger, catalog } = options;
  const policyConfig = config.getOptionalConfig('llmGateway.policy');

  const directory = path.resolve(
    policyConfig?.getOptionalString('directory') ?? DEFAULT_POLICY_DIRECTORY,
  );
  const defaultDataClass =
    policyConfig?.getOptionalString('defaultDataClass') ?? 'internal';
  if (!isDataClass(defaultDataClass)) {
    throw new Error(
      `llmGateway.policy.defaultDataClass must be one of ${DATA_CLASSES.join(
        ', ',
      )}, not "${defaultDataClass}"`,
    );
  }
  const refreshIntervalMs = policyConfig?.has('refreshInterval')
    ? durationToMilliseconds(
        readDurationFromConfig(policyConfig, { key: 'refreshInterval' }),
      )
    : 10_000;

  const store = DatabasePolicyStore.create({ knex });
  const fileProblems = await loadPolicyFiles({ directory, store, logger });
  const engine = StoredPolicyEngine.create({
    store,
    logger,
    refreshIntervalMs,
  });
  await engine.refresh();
  const entities = CatalogEntityResolver.create({
    catalog,
    logger,
    defaultDataClass,
    auth: options.auth,
    sloStatus:
      options.discovery &&
      options.auth &&
      policyConfig?.getOptionalBoolean('sloStatus') === true
        ? new SloStatusReader({
            discovery: options.discovery,
            auth: options.auth,
            logger,
          })
        : undefined,
  });
  return { store, engine, entities, fileProblems, defaultDataClass };
}
