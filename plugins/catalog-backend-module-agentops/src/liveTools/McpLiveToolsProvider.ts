import {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { liveStateDigests, LiveToolsSource, refreshKeyOf } from './liveTools';

/**
 * Keeps the MCPServer entities' live tool annotations current. It owns no
 * entities (the declared ones come from their catalog files, and a second
 * copy would conflict with them): on a schedule it reads each configured
 * server's live tool list from the backend's MCP client module and, for every
 * server whose tools or reachability changed, asks the catalog to process
 * that server's entities again, which is when
 * {@link McpServerLiveToolsProcessor} writes the annotations.
 */
export class McpLiveToolsProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private readonly seen = new Map<string, string>();

  constructor(
    private readonly options: {
      source: LiveToolsSource;
      scheduler: SchedulerService;
      schedule: SchedulerServiceTaskScheduleDefinition;
      logger: LoggerService;
    },
  ) {}

  getProviderName(): string {
    return 'McpLiveToolsProvider';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.options.scheduler.scheduleTask({
      id: 'agentops-mcp-live-tools',
      // Every replica runs its own MCP servers, so each checks its own.
      scope: 'local',
      ...this.options.schedule,
      fn: () => this.refresh(),
    });
  }

  /** Compares each server's live state with the last one seen. */
  async refresh(): Promise<void> {
    if (!this.connection) return;
    const digests = await liveStateDigests(this.options.source);
    const changed = [...digests]
      .filter(([id, digest]) => this.seen.get(id) !== digest)
      .map(([id]) => id);
    if (!changed.length) return;
    await this.connection.refresh({ keys: changed.map(refreshKeyOf) });
    for (const id of changed) this.seen.set(id, digests.get(id)!);
    this.options.logger.info('MCP server tools changed, refreshing entities', {
      mcpServers: changed.join(','),
    });
  }
}
