export {
  IsolationStatusChip,
  isolationLabel,
  ISOLATION_STATUSES,
  ToolSyncChip,
} from './StatusChips';
