import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  MetricsService,
  MetricsServiceHistogram,
  TracingService,
} from '@backstage/backend-plugin-api/alpha';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import {
  DATA_CLASSES,
  DataClass,
  ProviderStatus,
} from '@pilothouse/plugin-llm-gateway-common';
import {
  BrokenCircuitError,
  CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
} from 'cockatiel';
import type { ModelProvider, ModelRouter } from '../types';

export interface BreakerOptions {
  /** Consecutive failures that open a provider's breaker. */
  consecutiveFailures: number;
  /** How long an open breaker skips its provider before one trial call. */
  halfOpenAfterMs: number;
}

/** The caller went away: not the provider's fault, not counted against it. */
class CallerAbortedError extends Error {
  name = 'CallerAbortedError';
}

const rank = (c: DataClass) => DATA_CLASSES.indexOf(c);

/** Whether a provider may receive data of this class. */
export const mayReceive = (provider: ModelProvider, dataClass: DataClass) =>
  rank(dataClass) <= rank(provider.maxDataClass);

interface Route {
  provider: ModelProvider;
  breaker: CircuitBreakerPolicy;
  lastError?: string;
}

/**
 * Routes by data class (a provider only gets classes up to its
 * `maxDataClass`), then by price (input + output per million tokens), then
 * by health. Each provider sits behind a cockatiel circuit breaker: after
 * repeated failures it is skipped, and tried again after a pause.
 */
export class DefaultModelRouter implements ModelRouter {
  private readonly routes: Map<string, Route>;

  static create(options: {
    providers: ModelProvider[];
    breaker?: Partial<BreakerOptions>;
    logger: LoggerService;
    /** Upstream latency goes here (none where nobody looks, as in unit tests). */
    metrics?: MetricsService;
    /** Each provider call is a client span here. */
    tracing?: TracingService;
  }) {
    return new DefaultModelRouter(
      options.providers,
      {
        consecutiveFailures: options.breaker?.consecutiveFailures ?? 3,
        halfOpenAfterMs: options.breaker?.halfOpenAfterMs ?? 30_000,
      },
      options.logger,
      {
        tracing: options.tracing,
        upstreamLatency: options.metrics?.createHistogram<{
          provider: string;
          outcome: string;
        }>('llm_gateway.upstream.latency', {
          description:
            'Time of each call to a model provider (to the end of its stream), by provider and outcome (ok, error, timeout, aborted)',
          unit: 'ms',
          advice: {
            explicitBucketBoundaries: [
              10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 20000, 30000,
              60000, 120000,
            ],
          },
        }),
      },
    );
  }

  private constructor(
    providers: ModelProvider[],
    breakerOptions: BreakerOptions,
    private readonly logger: LoggerService,
    private readonly telemetry: {
      tracing?: TracingService;
      upstreamLatency?: MetricsServiceHistogram<{
        provider: string;
        outcome: string;
      }>;
    },
  ) {
    this.routes = new Map(
      providers.map(provider => {
        const route: Route = {
          provider,
          breaker: circuitBreaker(
            handleWhen(error => !(error instanceof CallerAbortedError)),
            {
              halfOpenAfter: breakerOptions.halfOpenAfterMs,
              breaker: new ConsecutiveBreaker(
                breakerOptions.consecutiveFailures,
              ),
            },
          ),
        };
        route.breaker.onBreak(() =>
          this.logger.warn('model provider unavailable, skipping it for now', {
            provider: provider.id,
            error: route.lastError,
          }),
        );
        route.breaker.onReset(() =>
          this.logger.info('model provider available again', {
            provider: provider.id,
          }),
        );
        return [provider.id, route];
      }),
    );
  }

  candidates(request: { model?: string; dataClass: DataClass }) {
    const all = [...this.routes.values()].flatMap(route =>
      route.provider.models.map(model => ({ route, model })),
    );
    const named = request.model
      ? all.filter(c => c.model.name === request.model)
      : all;
    if (request.model && named.length === 0) {
      throw new InputError(
        `model: no provider serves "${request.model}"; known models: ${[
          ...new Set(all.map(c => c.model.name)),
        ].join(', ')}`,
      );
    }
    const price = (m: { inputUsdPerMTok: number; outputUsdPerMTok: number }) =>
      m.inputUsdPerMTok + m.outputUsdPerMTok;
    const unhealthy = (route: Route) =>
      route.breaker.state === CircuitState.Closed ? 0 : 1;
    return named
      .filter(c => mayReceive(c.route.provider, request.dataClass))
      .sort(
        (a, b) =>
          price(a.model) - price(b.model) ||
          unhealthy(a.route) - unhealthy(b.route),
      )
      .map(c => ({ provider: c.route.provider, model: c.model.name }));
  }

  async execute<T>(
    providerId: string,
    fn: (call: { signal: AbortSignal; touch(): void }) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    const route = this.routes.get(providerId);
    if (!route) throw new InputError(`No model provider "${providerId}"`);
    const timeoutMs = route.provider.timeoutMs ?? 60_000;
    try {
      return await route.breaker.execute(async () => {
        const controller = new AbortController();
        let timedOut = false;
        let timer: NodeJS.Timeout | undefined;
        const touch = () => {
          clearTimeout(timer);
          timer = setTimeout(() => {
            timedOut = true;
            controller.abort();
          }, timeoutMs);
        };
        const onCallerAbort = () => controller.abort();
        signal?.addEventListener('abort', onCallerAbort);
        touch();
        const started = performance.now();
        let outcome = 'ok';
        try {
          const call = () => fn({ signal: controller.signal, touch });
          const { tracing } = this.telemetry;
          return await (tracing
            ? tracing.startActiveSpan(
                `chat ${providerId}`,
                {
                  kind: 'client',
                  attributes: {
                    'gen_ai.operation.name': 'chat',
                    'gen_ai.provider.name': providerId,
                  },
                },
                call,
              )
            : call());
        } catch (error) {
          if (timedOut) outcome = 'timeout';
          else if (signal?.aborted) outcome = 'aborted';
          else outcome = 'error';
          if (timedOut) {
            throw new ServiceUnavailableError(
              `model provider "${providerId}" did not answer within ${timeoutMs} ms`,
            );
          }
          if (signal?.aborted)
            throw new CallerAbortedError('the caller went away');
          throw error;
        } finally {
          this.telemetry.upstreamLatency?.record(performance.now() - started, {
            provider: providerId,
            outcome,
          });
          clearTimeout(timer);
          signal?.removeEventListener('abort', onCallerAbort);
        }
      });
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        throw new ServiceUnavailableError(
          `model provider "${providerId}" is skipped after repeated failures (last: ${
            route.lastError ?? 'unknown'
          }); it is tried again shortly`,
        );
      }
      if (!(error instanceof CallerAbortedError)) {
        route.lastError = (error as Error)?.message ?? String(error);
      }
      throw error;
    }
  }

  status(): ProviderStatus[] {
    return [...this.routes.values()].map(
      ({ provider, breaker, lastError }) => ({
        id: provider.id,
        type: provider.type,
        local: provider.local,
        models: provider.models.map(m => m.name),
        maxDataClass: provider.maxDataClass,
        healthy: breaker.state === CircuitState.Closed,
        ...(lastError ? { lastError } : {}),
      }),
    );
  }
}
