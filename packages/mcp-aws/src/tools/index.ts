import { describeEcsService } from './describeEcsService';
import { listAlarms } from './listAlarms';
import { listEc2Instances } from './listEc2Instances';
import { listLambdaFunctions } from './listLambdaFunctions';
import { listRdsInstances } from './listRdsInstances';
import { listRunbooks } from './listRunbooks';
import { scaleEcsService } from './scaleEcsService';
import { startRunbook } from './startRunbook';
import { triageIncident } from './triageIncident';
import { ToolDefinition } from './types';

/** Every tool this server can offer, in the order tools/list shows them. */
export const ALL_TOOLS = [
  listEc2Instances,
  describeEcsService,
  scaleEcsService,
  listLambdaFunctions,
  listRdsInstances,
  listAlarms,
  listRunbooks,
  startRunbook,
  triageIncident,
] as unknown as ToolDefinition[];

export const ALL_TOOL_NAMES = ALL_TOOLS.map(t => t.name);
