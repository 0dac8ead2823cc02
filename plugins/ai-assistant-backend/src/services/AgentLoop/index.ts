export { AgentLoop, toModelToolName } from './AgentLoop';
export type {
  AgentLoopOptions,
  PreparedTurn,
  TurnContext,
  TurnListener,
} from './AgentLoop';
export { QuotaError } from './errors';
export { undoProposalOf, isUndoRequest } from './undo';
