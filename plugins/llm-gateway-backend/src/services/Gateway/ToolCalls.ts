import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import type {
  ApprovalRecord,
  EntityContext,
  Finding,
  GatewayTool,
  PolicyDecision,
  Principal,
  ToolCallOutcome,
  ToolCallRequest,
} from '@pilothouse/plugin-llm-gateway-common';
import { randomUUID } from 'node:crypto';
import { hashToolCall, isApprover, mayApprove, mayReject } from '../Approvals';
import { CatalogTool, ToolResult, toolContext } from '../Tools';
import type { AuditEntry, InspectionOutcome } from '../types';
import { countFindings, mapStrings, maxDataClass } from './inspection';

import { Caller, GatewayStep } from './shared';

/** Policy's `allow` by default, for a destructive tool, becomes a request for approval. */
const DESTRUCTIVE_DEFAULT: PolicyDecision = {
  decision: 'ask',
  rule: 'destructive-tool',
  reason:
    'the tool may change or delete things (destructive, or declares no read-only hint) and no policy rule allows it outright',
  approval: 'approval',
};

function effectiveToolDecision(
  decision: PolicyDecision,
  tool: CatalogTool,
): PolicyDecision {
  if (
    decision.decision === 'allow' &&
    decision.rule === 'default' &&
    tool.annotations.destructive
  ) {
    return DESTRUCTIVE_DEFAULT;
  }
  return decision;
}

/** deny > ask for a second person > ask for a confirmation > allow. */
function strictness(decision: PolicyDecision): number {
  if (decision.decision === 'deny') return 3;
  if (decision.decision === 'ask') return decision.approval === 'confirm' ? 1 : 2;
  return 0;
}

/** Every string inside a tool call's arguments. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') {
    return Object.values(value).flatMap(stringsIn);
  }
  return [];
}

/**
 * Tool calls: argument inspection, policy (destructive tools wait for an
 * approval unless a rule allows them), the approval that binds to the exact
 * call, the call on the server that owns the tool, result inspection, audit.
 */
export class ToolCalls extends GatewayStep {
  /**
   * The tools policy does not deny to the caller; with an entity, as policy
   * decides for calls on that entity (a destructive tool the owners may run
   * on their own production service is listed, with `ask`).
   */
  async listTools(
    caller: Caller,
    options: { entityRef?: string } = {},
  ): Promise<GatewayTool[]> {
    const tools = await this.options.tools.list(caller.credentials);
    const entity = await this.resolveEntity(options.entityRef, caller);
    const listed: GatewayTool[] = [];
    for (const tool of tools) {
      const decision = effectiveToolDecision(
        await this.options.policyEngine.decide({
          principal: caller.principal,
          request: {
            kind: 'tool',
            dataClass:
              entity?.dataClass ?? this.options.settings.defaultDataClass,
            tool: toolContext(tool),
            ...(entity ? { entity } : {}),
            findings: [],
          },
        }),
        tool,
      );
      if (decision.decision === 'deny') continue;
      listed.push({
        name: tool.name,
        server: tool.server,
        tool: tool.tool,
        description: tool.description,
        inputSchema: tool.inputSchema,
        annotations: tool.annotations,
        decision: decision.decision,
      });
    }
    return listed;
  }

  async callTool(
    request: ToolCallRequest,
    caller: Caller,
  ): Promise<ToolCallOutcome> {
    const { principal } = caller;
    const started = Date.now();
    await this.admit(principal, 'tool', request.tool);
    const tool = await this.options.tools.resolve(
      request.tool,
      caller.credentials,
    );
    // The entity the caller says the call is about; policy also weighs the
    // ones the arguments name (below), and the strictest answer wins.
    let entity = await this.resolveEntity(request.entityRef, caller);
    const conversationId = request.conversationId ?? randomUUID();
    const findings: Finding[] = [];
    const record = (
      decision: AuditEntry['decision'],
      rule: string,
      reason: string,
    ) =>
      this.audit({
        actor: principal.ref,
        kind: 'tool',
        target: tool.name,
        entityRef: entity?.ref,
        decision,
        rule,
        reason,
        findings: countFindings(findings),
        latencyMs: Date.now() - started,
      });
    const deny = async (
      rule: string,
      reason: string,
      decision: 'deny' | 'block' = 'deny',
    ): Promise<ToolCallOutcome> => {
      const { id } = await record(decision, rule, reason);
      return { decision: 'deny', reason, rule, auditId: id };
    };

    // 1. Inspect the arguments: a blocked finding stops the call here.
    const inputs: InspectionOutcome[] = [];
    const args = await mapStrings(request.arguments, async text => {
      const outcome = await this.options.inspector.inspect(text, {
        direction: 'input',
        principal,
        conversationId,
      });
      inputs.push(outcome);
      return outcome.text;
    });
    findings.push(...inputs.flatMap(o => o.findings));
    if (inputs.some(o => o.blocked)) {
      return deny(
        'inspection',
        `blocked: the arguments contain ${this.blockedTypes(
          findings,
        )}; the tool was not called`,
        'block',
      );
    }

    // 2. Policy, with the tool, its arguments and the entity. A call from
    // the page of an experimental service that scales `payments` concerns
    // payments: each entity the arguments name is decided on too.
    const named =
      (await this.options.entityResolver.entitiesNamedBy?.(stringsIn(args))) ??
      [];
    const candidates = [entity, ...named].filter(
      (c, i, all): c is EntityContext | undefined =>
        all.findIndex(o => o?.ref === c?.ref) === i,
    );
    let decision: PolicyDecision | undefined;
    for (const candidate of candidates) {
      const answer = effectiveToolDecision(
        await this.options.policyEngine.decide({
          principal,
          request: {
            kind: 'tool',
            dataClass: maxDataClass(
              candidate?.dataClass ?? this.options.settings.defaultDataClass,
              ...inputs.map(o => o.dataClass),
            ),
            tool: toolContext(tool),
            arguments: args,
            entity: candidate,
            findings: findings.map(f => f.type),
          },
        }),
        tool,
      );
      if (!decision || strictness(answer) > strictness(decision)) {
        decision = answer;
        entity = candidate;
      }
    }
    if (!decision) throw new Error('no policy decision');
    if (decision.decision === 'deny') {
      return deny(decision.rule, decision.reason);
    }

    // 3. `ask`: run only on an approval given for exactly this call.
    let approvalNote: string | undefined;
    if (decision.decision === 'ask') {
      const approval = await this.settleApproval(request.approvalId, {
        principal,
        tool,
        args,
        entity,
        decision,
      });
      if (approval.outcome === 'denied') {
        return deny('approval', approval.reason);
      }
      if (approval.outcome === 'waiting') {
        const { record: pending } = approval;
        const reason = `${decision.reason}; ${
          pending.mode === 'confirm'
            ? 'confirm it yourself'
            : 'it needs the approval of someone else in an approver group'
        } (approval ${pending.id}, expires ${pending.expiresAt})`;
        const { id } = await record('ask', decision.rule, reason);
        return {
          decision: 'ask',
          reason,
          rule: decision.rule,
          approval: pending.mode,
          approvalId: pending.id,
          auditId: id,
        };
      }
      approvalNote = `approval ${request.approvalId}`;
    }

    // 4. Run it on the server that owns it.
    let result: ToolResult;
    try {
      result = await this.options.tools.call(tool, args, caller.credentials);
    } catch (error) {
      await record('error', decision.rule, (error as Error).message);
      throw error;
    }

    // 5. Inspect the result; restore the caller's own placeholders.
    const outputs: InspectionOutcome[] = [];
    const inspectOut = async (text: string) => {
      const outcome = await this.options.inspector.inspect(text, {
        direction: 'output',
        principal,
        conversationId,
      });
      outputs.push(outcome);
      return this.options.inspector.restore(outcome.text, {
        principal,
        conversationId,
      });
    };
    const content = [];
    for (const item of result.content ?? []) {
      content.push(
        typeof item.text === 'string'
          ? { ...item, text: await inspectOut(item.text) }
          : item,
      );
    }
    const structuredContent = result.structuredContent
      ? await mapStrings(result.structuredContent, inspectOut)
      : undefined;
    const outputFindings = outputs.flatMap(o => o.findings);
    findings.push(...outputFindings);
    if (outputs.some(o => o.blocked)) {
      return deny(
        'inspection',
        `blocked: the tool's result contains ${this.blockedTypes(
          outputFindings,
        )} and was withheld`,
        'block',
      );
    }
    const { id } = await record(
      'allow',
      decision.rule,
      approvalNote ? `${decision.reason} (${approvalNote})` : decision.reason,
    );
    return {
      decision: 'allow',
      result: {
        content,
        ...(result.isError ? { isError: true } : {}),
        ...(structuredContent ? { structuredContent } : {}),
      },
      findings,
      auditId: id,
    };
  }

  /**
   * For a call policy asked about: uses the approval the caller names when
   * it was given for exactly this call; otherwise the call waits on an
   * approval (the caller's pending one for this call, or a new one).
   */
  private async settleApproval(
    approvalId: string | undefined,
    call: {
      principal: Principal;
      tool: CatalogTool;
      args: Record<string, unknown>;
      entity?: EntityContext;
      decision: PolicyDecision;
    },
  ): Promise<
    | { outcome: 'approved' }
    | { outcome: 'waiting'; record: ApprovalRecord }
    | { outcome: 'denied'; reason: string }
  > {
    const { approvals } = this.options;
    const { principal, tool, args, decision } = call;
    if (approvalId) {
      const argumentsHash = hashToolCall(tool.name, args);
      try {
        await approvals.consume(approvalId, {
          requester: principal.ref,
          tool: tool.name,
          argumentsHash,
        });
        return { outcome: 'approved' };
      } catch (error) {
        if (
          !(error instanceof ConflictError || error instanceof NotFoundError)
        ) {
          throw error;
        }
        const existing = await approvals.get(approvalId);
        const stillPending =
          existing?.status === 'pending' &&
          existing.requester === principal.ref &&
          existing.argumentsHash === argumentsHash;
        if (!stillPending) {
          return { outcome: 'denied', reason: (error as Error).message };
        }
      }
    }
    const record = await approvals.create({
      requester: principal.ref,
      tool: tool.name,
      arguments: args,
      entityRef: call.entity?.ref,
      reason: decision.reason,
      rule: decision.rule,
      mode: decision.approval ?? 'approval',
    });
    return { outcome: 'waiting', record };
  }

  // --- approvals -------------------------------------------------------------

  async listApprovals(
    caller: Caller,
  ): Promise<Array<ApprovalRecord & { canDecide: boolean }>> {
    const { approverGroups } = this.options.settings;
    const approver = isApprover(caller.principal, approverGroups);
    const records = await this.options.approvals.list({
      requester: caller.principal.ref,
      ...(approver ? { statuses: ['pending'] } : {}),
    });
    return records.map(r => ({
      ...r,
      canDecide:
        r.status === 'pending' &&
        mayApprove(r, caller.principal, approverGroups),
    }));
  }

  async decideApproval(
    id: string,
    decision: 'approve' | 'reject',
    caller: Caller,
    comment?: string,
  ): Promise<ApprovalRecord> {
    const { approverGroups } = this.options.settings;
    const record = await this.options.approvals.get(id);
    if (!record) throw new NotFoundError(`No approval "${id}"`);
    const allowed =
      decision === 'approve'
        ? mayApprove(record, caller.principal, approverGroups)
        : mayReject(record, caller.principal, approverGroups);
    if (!allowed) {
      throw new NotAllowedError(
        record.mode === 'approval'
          ? `Approval "${id}" needs someone other than the requester, in one of the approver groups (${approverGroups.join(
              ', ',
            )})`
          : `Only the requester or a member of an approver group (${approverGroups.join(
              ', ',
            )}) may decide approval "${id}"`,
      );
    }
    const decided = await this.options.approvals.decide(
      id,
      decision === 'approve' ? 'approved' : 'rejected',
      caller.principal.ref,
    );
    await this.audit({
      actor: caller.principal.ref,
      kind: 'approval',
      target: record.tool,
      entityRef: record.entityRef,
      decision: decision === 'approve' ? 'allow' : 'deny',
      rule: record.mode,
      reason: `${
        decision === 'approve' ? 'approved' : 'rejected'
      } approval ${id} requested by ${record.requester}${
        comment ? `: ${comment}` : ''
      }`,
      findings: {},
    });
    this.options.logger.info(`approval ${decided.status}`, {
      approvalId: id,
      decidedBy: caller.principal.ref,
      tool: record.tool,
    });
    return decided;
  }
}
