import type {
  DatabaseService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { DatabaseLogStore } from './embedded/DatabaseLogStore';
import type { LogStore } from './LogStore';
import { LokiLogStore } from './loki/LokiLogStore';
import { OpenSearchLogStore } from './opensearch/OpenSearchLogStore';

export const migrationsDirectory = resolvePackagePath(
  '@pilothouse/plugin-log-search-backend',
  'migrations',
);

/** The plugin's database at its newest schema (events and saved searches). */
export async function migrate(knex: Knex, database?: DatabaseService) {
  if (database?.migrations?.skip) return;
  await knex.migrate.latest({ directory: migrationsDirectory });
}

export type StoreKind = 'embedded' | 'opensearch' | 'loki';

/** The store `logSearch.store` names (default `embedded`). */
export async function createLogStore(options: {
  config: RootConfigService;
  knex: Knex;
  logger: LoggerService;
}): Promise<LogStore> {
  const { config, knex, logger } = options;
  const kind = (config.getOptionalString('logSearch.store') ??
    'embedded') as StoreKind;
  switch (kind) {
    case 'embedded':
      return new DatabaseLogStore(knex, logger);
    case 'opensearch':
      return OpenSearchLogStore.fromConfig(
        config.getConfig('logSearch.opensearch'),
        logger,
      );
    case 'loki':
      return LokiLogStore.fromConfig(config.getConfig('logSearch.loki'));
    default:
      throw new Error(
        `logSearch.store: '${kind}' is not a store; use embedded, opensearch or loki`,
      );
  }
}
