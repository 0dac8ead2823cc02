import { abortRollout } from './abortRollout';
import { dispatchWorkflow } from './dispatchWorkflow';
import { getApplication } from './getApplication';
import { listApplications } from './listApplications';
import { listWorkflowRuns } from './listWorkflowRuns';
import { promoteRollout } from './promoteRollout';
import { rerunWorkflow } from './rerunWorkflow';
import { rollbackApplication } from './rollbackApplication';
import { rolloutStatus } from './rolloutStatus';
import { syncApplication } from './syncApplication';
import { ToolDefinition } from './types';

/** Every tool this server can offer, in the order tools/list shows them. */
export const ALL_TOOLS = [
  listApplications,
  getApplication,
  syncApplication,
  rollbackApplication,
  rolloutStatus,
  promoteRollout,
  abortRollout,
  listWorkflowRuns,
  rerunWorkflow,
  dispatchWorkflow,
] as unknown as ToolDefinition[];

export const ALL_TOOL_NAMES = ALL_TOOLS.map(t => t.name);
