export { startLlmStandIn } from './standIn';
export type {
  LlmStandInBehaviour,
  LlmStandInOptions,
  RecordedLlmRequest,
  RunningLlmStandIn,
} from './standIn';
