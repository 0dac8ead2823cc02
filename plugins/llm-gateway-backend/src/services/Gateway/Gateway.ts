import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type {
  ApprovalRecord,
  CompletionEvent,
  CompletionRequest,
  CompletionResponse,
  ContentBlock,
  DataClass,
  EntityContext,
  Finding,
  GatewayTool,
  InspectRequest,
  InspectResponse,
  PolicyDecision,
  Principal,
  ToolCallOutcome,
  ToolCallRequest,
} from '@pilothouse/plugin-llm-gateway-common';
import { BulkheadPolicy, BulkheadRejectedError, bulkhead } from 'cockatiel';
import { randomUUID } from 'node:crypto';
import {
  ApprovalStore,
  hashToolCall,
  isApprover,
  mayApprove,
  mayReject,
} from '../Approvals';
import { CatalogTool, ToolCatalog, ToolResult, toolContext } from '../Tools';
import type {
  AuditEntry,
  AuditLog,
  EntityResolver,
  InspectionOutcome,
  Inspector,
  ModelProvider,
  PolicyEngine,
  ProviderRequest,
  ProviderResponse,
  ProviderStreamEvent,
  Quotas,
} from '../types';
import { AsyncQueue } from './asyncQueue';
import {
  countFindings,
  describeFindings,
  mapStrings,
  maxDataClass,
} from './inspection';
import { StreamSegmenter } from './streamSegments';

/** Who is calling: resolved principal (policy, audit) and credentials (actions). */
export interface Caller {
  principal: Principal;
  credentials: BackstageCredentials;
  signal?: AbortSignal;
}

export interface GatewaySettings {
  /** Class of a request that names no entity. */
  defaultDataClass: DataClass;
  /** max_tokens when the caller sets none. */
  defaultMaxTokens: number;
  /** Members may approve other people's tool calls. */
  approverGroups: string[];
  /** Model calls running at once; more wait in a queue of the same size. */
  maxConcurrentCalls: number;
}

export interface GatewayOptions {
  inspector: Inspector;
  policyEngine: PolicyEngine;
  entityResolver: EntityResolver;
  quotas: Quotas;
  auditLog: AuditLog;
  router: import('../types').ModelRouter;
  tools: ToolCatalog;
  approvals: ApprovalStore;
  logger: LoggerService;
  settings: GatewaySettings;
}

/** A request after input inspection: what a provider may be sent. */
interface Prepared {
  /** The model named, or `auto`: the audit target until a route answers. */
  target: string;
  conversationId: string;
  entity?: EntityContext;
  dataClass: DataClass;
  findings: Finding[];
  request: Omit<ProviderRequest, 'model'>;
  routes: Array<{
    provider: ModelProvider;
    model: string;
    decision: PolicyDecision;
  }>;
  started: number;
}

/** A streamed segment was blocked: the stream ends, nothing falls back. */
class OutputBlockedError extends Error {
  name = 'OutputBlockedError';
}

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

const blocksOf = (content: string | ContentBlock[]): ContentBlock[] =>
  typeof content === 'string' ? [{ type: 'text', text: content }] : content;

/**
 * The gateway itself: for every model call and tool call it inspects what
 * goes out, decides by policy, routes, inspects what comes back, and writes
 * one audit record per decision. Nothing reaches a provider or a tool before
 * inspection and policy said yes; nothing comes back uninspected.
 */
export class Gateway {
  private readonly bulkhead: BulkheadPolicy;

  constructor(private readonly options: GatewayOptions) {
    const limit = options.settings.maxConcurrentCalls;
    this.bulkhead = bulkhead(limit, limit);
  }

  // --- inspect ---------------------------------------------------------------

  async inspect(
    request: InspectRequest,
    caller: Caller,
  ): Promise<InspectResponse> {
    const { inspector, policyEngine } = this.options;
    const started = Date.now();
    const entity = await this.resolveEntity(
      request.entityRef,
      caller.principal,
    );
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

  async complete(
    request: CompletionRequest,
    caller: Caller,
  ): Promise<CompletionResponse> {
    const prepared = await this.prepare(request, caller);
    const release = await this.acquireSlot(caller, prepared);
    try {
      return await this.completePrepared(caller, prepared);
    } finally {
      release();
    }
  }

  private async completePrepared(
    caller: Caller,
    prepared: Prepared,
  ): Promise<CompletionResponse> {
    const failures: string[] = [];
    for (const route of prepared.routes) {
      let response: ProviderResponse;
      try {
        response = await this.options.router.execute(
          route.provider.id,
          ({ signal }) =>
            route.provider.complete(
              { ...prepared.request, model: route.model },
              signal,
            ),
          caller.signal,
        );
      } catch (error) {
        failures.push(this.noteFailure(route.provider.id, error));
        continue;
      }
      return this.finish(caller, prepared, route, response);
    }
    return this.allFailed(caller, prepared, failures);
  }

  /**
   * Streams the answer without ever passing unfiltered text: deltas are
   * collected into segments (lines and sentences; see StreamSegmenter), and
   * each segment is inspected before it is sent. Before the first event the
   * gateway may still fall back to another provider; a block or failure
   * after it ends the stream with an `error` event.
   */
  async *completeStream(
    request: CompletionRequest,
    caller: Caller,
  ): AsyncGenerator<CompletionEvent> {
    // Everything that can refuse the call happens before the first event, so
    // the HTTP layer can still answer with a status code.
    const prepared = await this.prepare(request, caller);
    const release = await this.acquireSlot(caller, prepared);
    try {
      yield* this.streamPrepared(caller, prepared);
    } finally {
      release();
    }
  }

  private async *streamPrepared(
    caller: Caller,
    prepared: Prepared,
  ): AsyncGenerator<CompletionEvent> {
    const failures: string[] = [];
    for (const route of prepared.routes) {
      const controller = new AbortController();
      const onCallerAbort = () => controller.abort();
      caller.signal?.addEventListener('abort', onCallerAbort);
      const queue = new AsyncQueue<ProviderStreamEvent>();
      const run = this.options.router
        .execute(
          route.provider.id,
          async ({ signal, touch }) => {
            for await (const event of route.provider.stream(
              { ...prepared.request, model: route.model },
              signal,
            )) {
              touch();
              queue.push(event);
            }
          },
          controller.signal,
        )
        .then(
          () => queue.close(),
          error => queue.fail(error),
        );

      const segmenter = new StreamSegmenter();
      const sent: string[] = [];
      const outputFindings: Finding[] = [];
      let emitted = false;
      let final: ProviderResponse | undefined;
      try {
        for await (const event of queue) {
          if (event.type === 'done') {
            final = event.response;
            continue;
          }
          for (const segment of segmenter.push(event.text)) {
            const text = await this.inspectOutputSegment(
              segment,
              caller,
              prepared,
              outputFindings,
            );
            emitted = true;
            sent.push(text);
            yield { type: 'text_delta', text };
          }
        }
        const rest = segmenter.flush();
        if (rest) {
          const text = await this.inspectOutputSegment(
            rest,
            caller,
            prepared,
            outputFindings,
          );
          emitted = true;
          sent.push(text);
          yield { type: 'text_delta', text };
        }
      } catch (error) {
        controller.abort();
        await run;
        if (error instanceof OutputBlockedError) {
          yield { type: 'error', message: error.message, status: 403 };
          return;
        }
        if (!emitted) {
          failures.push(this.noteFailure(route.provider.id, error));
          continue;
        }
        const message = `the model provider failed mid-answer: ${
          (error as Error).message
        }`;
        await this.auditModel(caller, prepared, {
          decision: 'error',
          rule: 'provider',
          reason: message,
          provider: route.provider.id,
        });
        yield { type: 'error', message, status: 503 };
        return;
      } finally {
        caller.signal?.removeEventListener('abort', onCallerAbort);
        // Also when the caller stopped reading: the provider stops too.
        controller.abort();
      }
      if (!final) {
        failures.push(
          `${route.provider.id}: the stream ended without an answer`,
        );
        if (emitted) {
          yield {
            type: 'error',
            message: failures[failures.length - 1],
            status: 503,
          };
          return;
        }
        continue;
      }
      // The text the caller saw, plus the tool calls (inspected whole).
      const toolUses = final.content.filter(b => b.type === 'tool_use');
      let response: CompletionResponse;
      try {
        response = await this.finish(
          caller,
          prepared,
          route,
          { ...final, content: toolUses },
          { text: sent.join(''), findings: outputFindings },
        );
      } catch (error) {
        yield {
          type: 'error',
          message: (error as Error).message,
          status: error instanceof NotAllowedError ? 403 : 500,
        };
        return;
      }
      for (const block of response.content) {
        if (block.type === 'tool_use') yield { type: 'tool_use', block };
      }
      yield { type: 'done', response };
      return;
    }
    await this.allFailed(caller, prepared, failures);
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

  // --- tools -----------------------------------------------------------------

  async listTools(caller: Caller): Promise<GatewayTool[]> {
    const tools = await this.options.tools.list(caller.credentials);
    const listed: GatewayTool[] = [];
    for (const tool of tools) {
      const decision = effectiveToolDecision(
        await this.options.policyEngine.decide({
          principal: caller.principal,
          request: {
            kind: 'tool',
            dataClass: this.options.settings.defaultDataClass,
            tool: toolContext(tool),
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
    const entity = await this.resolveEntity(request.entityRef, principal);
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

    // 2. Policy, with the tool, its arguments and the entity.
    const decision = effectiveToolDecision(
      await this.options.policyEngine.decide({
        principal,
        request: {
          kind: 'tool',
          dataClass: maxDataClass(
            entity?.dataClass ?? this.options.settings.defaultDataClass,
            ...inputs.map(o => o.dataClass),
          ),
          tool: toolContext(tool),
          arguments: args,
          entity,
          findings: findings.map(f => f.type),
        },
      }),
      tool,
    );
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

  // --- the steps ---------------------------------------------------------------

  /** Quotas, entity, input inspection, routing candidates and policy. */
  private async prepare(
    request: CompletionRequest,
    caller: Caller,
  ): Promise<Prepared> {
    const { principal } = caller;
    const started = Date.now();
    await this.admit(principal, 'model', request.model ?? 'auto');
    try {
      await this.options.quotas.checkTokens(principal);
    } catch (error) {
      await this.audit({
        actor: principal.ref,
        kind: 'model',
        target: request.model ?? 'auto',
        decision: 'deny',
        rule: 'quota',
        reason: (error as Error).message,
        findings: {},
      });
      throw error;
    }
    const entity = await this.resolveEntity(request.entityRef, principal);
    const conversationId = request.conversationId ?? randomUUID();

    const outcomes: InspectionOutcome[] = [];
    const inspectIn = async (text: string) => {
      const outcome = await this.options.inspector.inspect(text, {
        direction: 'input',
        principal,
        conversationId,
      });
      outcomes.push(outcome);
      return outcome.text;
    };
    const system = request.system ? await inspectIn(request.system) : undefined;
    const messages: ProviderRequest['messages'] = [];
    for (const message of request.messages) {
      messages.push({
        role: message.role,
        content: await this.mapBlocks(blocksOf(message.content), inspectIn),
      });
    }
    const findings = outcomes.flatMap(o => o.findings);
    const dataClass = maxDataClass(
      entity?.dataClass ?? this.options.settings.defaultDataClass,
      ...outcomes.map(o => o.dataClass),
    );
    const prepared: Prepared = {
      target: request.model ?? 'auto',
      conversationId,
      entity,
      dataClass,
      findings,
      started,
      routes: [],
      request: {
        system,
        messages,
        tools: request.tools,
        maxTokens: request.maxTokens ?? this.options.settings.defaultMaxTokens,
        temperature: request.temperature,
      },
    };

    if (outcomes.some(o => o.blocked)) {
      const reason = `blocked: the request contains ${this.blockedTypes(
        findings,
      )}; nothing was sent to a model`;
      await this.auditModel(caller, prepared, {
        decision: 'block',
        rule: 'inspection',
        reason,
      });
      throw new NotAllowedError(reason);
    }

    const candidates = this.options.router.candidates({
      model: request.model,
      dataClass,
    });
    if (candidates.length === 0) {
      const reason = request.model
        ? `model "${request.model}" may not receive ${dataClass} data (its provider's limit is lower); omit the model to route to one that may`
        : `no model provider may receive ${dataClass} data`;
      await this.auditModel(caller, prepared, {
        decision: 'deny',
        rule: 'data-class',
        reason,
      });
      throw new NotAllowedError(reason);
    }
    let firstDenial: PolicyDecision | undefined;
    for (const candidate of candidates) {
      const decision = await this.options.policyEngine.decide({
        principal,
        request: {
          kind: 'model',
          dataClass,
          model: candidate.model,
          provider: {
            id: candidate.provider.id,
            type: candidate.provider.type,
            local: candidate.provider.local,
          },
          entity,
          findings: findings.map(f => f.type),
        },
      });
      if (decision.decision === 'allow') {
        prepared.routes.push({ ...candidate, decision });
      } else {
        // A model call cannot wait for a person: `ask` counts as no.
        firstDenial ??= decision;
      }
    }
    if (prepared.routes.length === 0) {
      const reason =
        firstDenial?.reason ?? 'policy allows no model for this request';
      await this.auditModel(caller, prepared, {
        decision: 'deny',
        rule: firstDenial?.rule ?? 'default',
        reason,
      });
      throw new NotAllowedError(reason);
    }
    return prepared;
  }

  /** Output inspection, placeholder restore, tokens, cost and audit. */
  private async finish(
    caller: Caller,
    prepared: Prepared,
    route: Prepared['routes'][number],
    response: ProviderResponse,
    streamed?: { text: string; findings: Finding[] },
  ): Promise<CompletionResponse> {
    const { principal } = caller;
    const { conversationId } = prepared;
    const outcomes: InspectionOutcome[] = [];
    const inspectOut = async (text: string) => {
      const outcome = await this.options.inspector.inspect(text, {
        direction: 'output',
        principal,
        conversationId,
      });
      outcomes.push(outcome);
      return this.options.inspector.restore(outcome.text, {
        principal,
        conversationId,
      });
    };
    const content = await this.mapBlocks(response.content, inspectOut);
    if (streamed?.text) content.unshift({ type: 'text', text: streamed.text });
    const outputFindings = [
      ...(streamed?.findings ?? []),
      ...outcomes.flatMap(o => o.findings),
    ];
    const findings = [...prepared.findings, ...outputFindings];
    const tokens = {
      provider: route.provider.id,
      inputTokens: response.inputTokens,
      outputTokens: response.outputTokens,
    };
    if (outcomes.some(o => o.blocked)) {
      const reason = `blocked: the model's answer contains ${this.blockedTypes(
        outputFindings,
      )} and was withheld`;
      await this.options.quotas.recordTokens(
        principal,
        response.inputTokens + response.outputTokens,
      );
      await this.auditModel(caller, prepared, {
        decision: 'block',
        rule: 'inspection',
        reason,
        findings,
        ...tokens,
      });
      throw new NotAllowedError(reason);
    }
    const price = route.provider.models.find(m => m.name === route.model);
    const costUsd = price
      ? (response.inputTokens * price.inputUsdPerMTok +
          response.outputTokens * price.outputUsdPerMTok) /
        1_000_000
      : 0;
    await this.options.quotas.recordTokens(
      principal,
      response.inputTokens + response.outputTokens,
    );
    const record = await this.auditModel(caller, prepared, {
      decision: 'allow',
      rule: route.decision.rule,
      reason: route.decision.reason,
      findings,
      costUsd,
      ...tokens,
      target: route.model,
    });
    return {
      id: `msg_${record.id}`,
      model: route.model,
      provider: route.provider.id,
      content,
      stopReason: response.stopReason,
      usage: {
        inputTokens: response.inputTokens,
        outputTokens: response.outputTokens,
        costUsd,
      },
      findings,
      auditId: record.id,
    };
  }

  private async inspectOutputSegment(
    segment: string,
    caller: Caller,
    prepared: Prepared,
    findings: Finding[],
  ): Promise<string> {
    const { principal } = caller;
    const outcome = await this.options.inspector.inspect(segment, {
      direction: 'output',
      principal,
      conversationId: prepared.conversationId,
    });
    findings.push(...outcome.findings);
    if (outcome.blocked) {
      const reason = `blocked: the model's answer contains ${this.blockedTypes(
        outcome.findings,
      )}; the rest of the answer was withheld`;
      await this.auditModel(caller, prepared, {
        decision: 'block',
        rule: 'inspection',
        reason,
        findings: [...prepared.findings, ...findings],
      });
      throw new OutputBlockedError(reason);
    }
    return this.options.inspector.restore(outcome.text, {
      principal,
      conversationId: prepared.conversationId,
    });
  }

  /**
   * A place among the model calls running at once (for a stream: until it
   * ends). A full gateway refuses with 503 rather than queueing without end.
   */
  private acquireSlot(caller: Caller, prepared: Prepared): Promise<() => void> {
    return new Promise((resolve, reject) => {
      this.bulkhead
        .execute(() => new Promise<void>(release => resolve(release)))
        .catch(async error => {
          if (!(error instanceof BulkheadRejectedError)) {
            reject(error);
            return;
          }
          const { maxConcurrentCalls } = this.options.settings;
          const reason = `the gateway is at capacity (${maxConcurrentCalls} model calls running and ${maxConcurrentCalls} waiting); try again shortly`;
          await this.auditModel(caller, prepared, {
            decision: 'error',
            rule: 'capacity',
            reason,
          }).catch(() => undefined);
          reject(new ServiceUnavailableError(reason));
        });
    });
  }

  private async allFailed(
    caller: Caller,
    prepared: Prepared,
    failures: string[],
  ): Promise<never> {
    const reason = `no model provider answered (${failures.join('; ')})`;
    await this.auditModel(caller, prepared, {
      decision: 'error',
      rule: 'provider',
      reason,
    });
    throw new ServiceUnavailableError(reason);
  }

  private noteFailure(providerId: string, error: unknown): string {
    const message = (error as Error)?.message ?? String(error);
    this.options.logger.warn('model provider failed, trying the next one', {
      provider: providerId,
      error: message,
    });
    return `${providerId}: ${message}`;
  }

  private async mapBlocks(
    blocks: ContentBlock[],
    transform: (text: string) => Promise<string>,
  ): Promise<ContentBlock[]> {
    const out: ContentBlock[] = [];
    for (const block of blocks) {
      if (block.type === 'text') {
        out.push({ type: 'text', text: await transform(block.text) });
      } else if (block.type === 'tool_result') {
        out.push({ ...block, content: await transform(block.content) });
      } else {
        out.push({ ...block, input: await mapStrings(block.input, transform) });
      }
    }
    return out;
  }

  private async admit(
    principal: Principal,
    kind: 'model' | 'tool',
    target: string,
  ) {
    try {
      await this.options.quotas.admitRequest(principal);
    } catch (error) {
      await this.audit({
        actor: principal.ref,
        kind,
        target,
        decision: 'deny',
        rule: 'quota',
        reason: (error as Error).message,
        findings: {},
      });
      throw error;
    }
  }

  private async resolveEntity(
    entityRef: string | undefined,
    principal: Principal,
  ): Promise<EntityContext | undefined> {
    return entityRef
      ? this.options.entityResolver.resolve(entityRef, principal)
      : undefined;
  }

  private blockedTypes(findings: Finding[]): string {
    return (
      describeFindings(findings.filter(f => f.action === 'block')) ||
      'blocked content'
    );
  }

  private auditModel(
    caller: Caller,
    prepared: Prepared,
    entry: Partial<Omit<AuditEntry, 'findings'>> & {
      decision: AuditEntry['decision'];
      findings?: Finding[];
    },
  ) {
    const { findings, ...rest } = entry;
    return this.audit({
      actor: caller.principal.ref,
      kind: 'model',
      target: prepared.target,
      entityRef: prepared.entity?.ref,
      latencyMs: Date.now() - prepared.started,
      ...rest,
      findings: countFindings(findings ?? prepared.findings),
    });
  }

  private audit(entry: AuditEntry) {
    return this.options.auditLog.append(entry);
  }
}
