export { startGitLabStandIn } from './standIn';
export type {
  GitLabStandInOptions,
  RecordedGitLabRequest,
  RunningGitLabStandIn,
} from './standIn';
