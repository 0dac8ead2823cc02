import type {
  ApprovalRecord,
  Principal,
} from '@pilothouse/plugin-llm-gateway-common';

/** Groups whose members approve other people's calls, by default. */
export const DEFAULT_APPROVER_GROUPS = [
  'group:default/platform-admins',
  'group:default/sre',
];

/** Whether the principal is in one of the approver groups. */
export function isApprover(principal: Principal, approverGroups: string[]) {
  return (
    principal.type === 'user' &&
    principal.groups.some(group => approverGroups.includes(group))
  );
}

/**
 * Who may say yes to an approval, in one place:
 * - mode `confirm`: the requester themselves, or any approver;
 * - mode `approval`: an approver (a member of `llmGateway.approvals.approverGroups`)
 *   who is not the requester: nobody approves their own call.
 * Saying no is open to the same people, and to the requester at any time
 * (withdrawing their own request).
 */
export function mayApprove(
  approval: Pick<ApprovalRecord, 'requester' | 'mode'>,
  principal: Principal,
  approverGroups: string[],
): boolean {
  const isRequester = principal.ref === approval.requester;
  if (approval.mode === 'confirm') {
    return isRequester || isApprover(principal, approverGroups);
  }
  return !isRequester && isApprover(principal, approverGroups);
}

export function mayReject(
  approval: Pick<ApprovalRecord, 'requester' | 'mode'>,
  principal: Principal,
  approverGroups: string[],
): boolean {
  return (
    principal.ref === approval.requester ||
    mayApprove(approval, principal, approverGroups)
  );
}
