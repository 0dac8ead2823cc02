import type {
  CompletionRequest,
  InspectRequest,
  InspectResponse,
  ToolCallRequest,
} from '@pilothouse/plugin-llm-gateway-common';
import { countFindings, maxDataClass } from './inspection';
import { ModelCalls } from './ModelCalls';
import { Caller, GatewayOptions, GatewayStep } from './shared';
import { ToolCalls } from './ToolCalls';

export type { Caller, GatewayOptions, GatewaySettings } from './shared';

/**
 * The gateway itself: for every model call and tool call it inspects what
 * goes out, decides by policy, routes, inspects what comes back, and writes
 * one audit record per decision. Nothing reaches a provider or a tool before
 * inspection and policy said yes; nothing comes back uninspected.
 */
export class Gateway extends GatewayStep {
  private readonly modelCalls: ModelCalls;
  private readonly toolCalls: ToolCalls;

  constructor(options: GatewayOptions) {
    super(options);
    this.modelCalls = new ModelCalls(options);
    this.toolCalls = new ToolCalls(options);
  }

  // --- inspect ---------------------------------------------------------------

  async inspect(
    request: InspectRequest,
    caller: Caller,
  ): Promise<InspectResponse> {
    const { inspector, policyEngine } = this.options;
    const started = Date.now();
    const entity = await this.resolveEntity(request.entityRef, caller);
    const outcome = await inspector.inspect(request.text, {
      direction: request.direction,
      principal: caller.principal,
      conversationId: request.conversationId,
    });
    const dataClass = maxDataClass(
      entity?.dataClass ?? this.options.settings.defaultDataClass,
      outcome.dataClass,
    );
    const policy = await policyEngine.decide({
      principal: caller.principal,
      request: {
        kind: 'inspect',
        dataClass,
        entity,
        findings: outcome.findings.map(f => f.type),
      },
    });
    const blocked = outcome.blocked;
    const decision = blocked ? 'deny' : policy.decision;
    const reason = blocked
      ? `blocked: the text contains ${this.blockedTypes(outcome.findings)}`
      : policy.reason;
    await this.audit({
      actor: caller.principal.ref,
      kind: 'inspect',
      target: request.direction,
      entityRef: entity?.ref,
      decision: blocked ? 'block' : policy.decision,
      rule: blocked ? 'inspection' : policy.rule,
      reason,
      findings: countFindings(outcome.findings),
      latencyMs: Date.now() - started,
    });
    return {
      findings: outcome.findings,
      text: outcome.text,
      decision,
      dataClass,
      reason,
    };
  }

  // --- model calls -------------------------------------------------------------

  /** A model call, routed by data class, cost and health. */
  complete(request: CompletionRequest, caller: Caller) {
    return this.modelCalls.complete(request, caller);
  }

  /** The same, streamed; see ModelCalls.completeStream. */
  completeStream(request: CompletionRequest, caller: Caller) {
    return this.modelCalls.completeStream(request, caller);
  }

  /** Health and limits of every provider, for the admin page. */
  providers() {
    return this.options.router.status();
  }

  /** The models a caller may name, for `/openai/v1/models`. */
  models(): Array<{ id: string; provider: string }> {
    return this.options.router
      .status()
      .flatMap(p => p.models.map(id => ({ id, provider: p.id })));
  }

  // --- tools and approvals -------------------------------------------------------

  listTools(caller: Caller, options?: { entityRef?: string }) {
    return this.toolCalls.listTools(caller, options);
  }

  /** A tool call, in a span of its own (the MCP call is its child). */
  callTool(request: ToolCallRequest, caller: Caller) {
    const { tracing } = this.options;
    if (!tracing) return this.toolCalls.callTool(request, caller);
    return tracing.startActiveSpan(
      `llm-gateway tool ${request.tool}`,
      {
        attributes: { 'gen_ai.tool.name': request.tool },
        credentials: caller.credentials,
      },
      async span => {
        const outcome = await this.toolCalls.callTool(request, caller);
        span.setAttribute('pilothouse.gateway.decision', outcome.decision);
        return outcome;
      },
    );
  }

  listApprovals(caller: Caller) {
    return this.toolCalls.listApprovals(caller);
  }

  decideApproval(
    id: string,
    decision: 'approve' | 'reject',
    caller: Caller,
    comment?: string,
  ) {
    return this.toolCalls.decideApproval(id, decision, caller, comment);
  }
}
