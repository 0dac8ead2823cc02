export { AgentLoop, toModelToolName } from './AgentLoop';
export type {
  AgentLoopOptions,
  PreparedTurn,
  TurnContext,
  TurnListener,
} from './AgentLoop';
export { createAssistantMetrics } from './AssistantMetrics';
export type { AssistantMetrics } from './AssistantMetrics';
export { QuotaError } from './errors';
export { undoProposalOf, isUndoRequest } from './undo';
