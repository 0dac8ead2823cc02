import { getWorkload } from './getWorkload';
import { healthCheck } from './healthCheck';
import { listNamespaces } from './listNamespaces';
import { listWorkloads } from './listWorkloads';
import { podLogs } from './podLogs';
import { restartDeployment } from './restartDeployment';
import { scaleDeployment } from './scaleDeployment';
import { ToolDefinition } from './types';
import { undoRollout } from './undoRollout';

/** Every tool this server can offer, in the order tools/list shows them. */
export const ALL_TOOLS = [
  listNamespaces,
  listWorkloads,
  getWorkload,
  podLogs,
  healthCheck,
  scaleDeployment,
  restartDeployment,
  undoRollout,
] as unknown as ToolDefinition[];

export const ALL_TOOL_NAMES = ALL_TOOLS.map(t => t.name);
