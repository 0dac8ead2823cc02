import { Entity } from '@backstage/catalog-model';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  LocationSpec,
  processingResult,
} from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_LIVE_TOOLS,
  ANNOTATION_TOOL_DRIFT,
  ANNOTATION_TOOL_SYNC,
  ANNOTATION_TOOL_SYNC_REASON,
  isMcpServerEntity,
  ToolSync,
} from '@pilothouse/plugin-agentops-common';
import { compareTools, hasDrift } from './compareTools';
import { LiveToolsSource, readLiveTools, refreshKeyOf } from './liveTools';

/**
 * Annotates each MCPServer entity that names a `spec.serverId` with the tools
 * the running server lists and how they differ from the declared ones
 * (`pilothouse.io/tool-sync`: in-sync, drift or unreachable). It also tags
 * the entity with the server's refresh key, so that
 * {@link McpLiveToolsProvider} can have it processed again the moment the
 * server's tools change.
 */
export class McpServerLiveToolsProcessor implements CatalogProcessor {
  constructor(private readonly source: LiveToolsSource) {}

  getProcessorName(): string {
    return 'McpServerLiveToolsProcessor';
  }

  async postProcessEntity(
    entity: Entity,
    _location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    if (!isMcpServerEntity(entity) || !entity.spec.serverId) return entity;
    const serverId = entity.spec.serverId;
    emit(processingResult.refresh(refreshKeyOf(serverId)));

    const live = await readLiveTools(this.source, serverId);
    const annotations: Record<string, string> = {
      ...entity.metadata.annotations,
    };
    for (const key of [
      ANNOTATION_LIVE_TOOLS,
      ANNOTATION_TOOL_SYNC,
      ANNOTATION_TOOL_DRIFT,
      ANNOTATION_TOOL_SYNC_REASON,
    ]) {
      delete annotations[key];
    }
    let sync: ToolSync;
    if (live.reachable) {
      const drift = compareTools(entity.spec.tools, live.tools);
      sync = hasDrift(drift) ? 'drift' : 'in-sync';
      annotations[ANNOTATION_LIVE_TOOLS] = JSON.stringify(
        live.tools.map(t => t.name),
      );
      annotations[ANNOTATION_TOOL_DRIFT] = JSON.stringify(drift);
    } else {
      sync = 'unreachable';
      annotations[ANNOTATION_TOOL_SYNC_REASON] = live.reason;
    }
    annotations[ANNOTATION_TOOL_SYNC] = sync;
    return { ...entity, metadata: { ...entity.metadata, annotations } };
  }
}
