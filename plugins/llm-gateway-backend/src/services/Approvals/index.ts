export { DatabaseApprovalStore, hashToolCall } from './DatabaseApprovalStore';
export type { ApprovalStore, NewApproval } from './DatabaseApprovalStore';
export {
  DEFAULT_APPROVER_GROUPS,
  isApprover,
  mayApprove,
  mayReject,
} from './mayDecide';
