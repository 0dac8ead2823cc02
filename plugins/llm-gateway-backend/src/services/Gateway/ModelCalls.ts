import { NotAllowedError, ServiceUnavailableError } from '@backstage/errors';
import type {
  CompletionEvent,
  CompletionRequest,
  CompletionResponse,
  ContentBlock,
  DataClass,
  EntityContext,
  Finding,
  PolicyDecision,
} from '@pilothouse/plugin-llm-gateway-common';
import { BulkheadPolicy, BulkheadRejectedError, bulkhead } from 'cockatiel';
import { randomUUID } from 'node:crypto';
import type {
  AuditEntry,
  InspectionOutcome,
  ModelProvider,
  ProviderRequest,
  ProviderResponse,
  ProviderStreamEvent,
} from '../types';
import { AsyncQueue } from './asyncQueue';
import { countFindings, mapStrings, maxDataClass } from './inspection';
import { BoundaryGuard, StreamSegmenter } from './streamSegments';

import { Caller, GatewayOptions, GatewayStep } from './shared';

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

const blocksOf = (content: string | ContentBlock[]): ContentBlock[] =>
  typeof content === 'string' ? [{ type: 'text', text: content }] : content;

/**
 * Model calls: quotas, input inspection, data class, routing candidates and
 * policy before anything is sent; fallback across providers; output
 * inspection (per segment when streamed), placeholder restore, tokens, cost
 * and the audit record after.
 */
export class ModelCalls extends GatewayStep {
  private readonly bulkhead: BulkheadPolicy;

  constructor(options: GatewayOptions) {
    super(options);
    const limit = options.settings.maxConcurrentCalls;
    this.bulkhead = bulkhead(limit, limit);
  }

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
   * collected into segments (lines and sentences; see StreamSegmenter), each
   * held until the next is seen so a finding across the boundary is caught
   * (BoundaryGuard), and inspected before it is sent. Before the first event the
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
      const guard = new BoundaryGuard((before, after) =>
        this.findingCrosses(before, after, caller, prepared),
      );
      const sent: string[] = [];
      const outputFindings: Finding[] = [];
      let emitted = false;
      let final: ProviderResponse | undefined;
      // Inspects what the guard lets go, then sends it.
      const send = async function* inspectAndSend(
        this: ModelCalls,
        ready: string[],
      ): AsyncGenerator<CompletionEvent> {
        for (const segment of ready.filter(Boolean)) {
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
      }.bind(this);
      try {
        for await (const event of queue) {
          if (event.type === 'done') {
            final = event.response;
            continue;
          }
          for (const segment of segmenter.push(event.text)) {
            yield* send(await guard.push(segment));
          }
        }
        yield* send([...(await guard.push(segmenter.flush())), guard.flush()]);
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
    const entity = await this.resolveEntity(request.entityRef, caller);
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

  /** Whether something inspection acts on spans the end of `before`. */
  private async findingCrosses(
    before: string,
    after: string,
    caller: Caller,
    prepared: Prepared,
  ): Promise<boolean> {
    const outcome = await this.options.inspector.inspect(before + after, {
      direction: 'output',
      principal: caller.principal,
      conversationId: prepared.conversationId,
    });
    return outcome.findings.some(
      f =>
        f.action !== 'allow' &&
        f.start < before.length &&
        f.end > before.length,
    );
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
}
