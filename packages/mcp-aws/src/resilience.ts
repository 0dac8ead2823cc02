import {
  BrokenCircuitError,
  circuitBreaker,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  IPolicy,
  retry,
  wrap,
} from 'cockatiel';
import { isTransient, RefusedError } from './errors';
import { log } from './logger';

export interface ResilienceOptions {
  /** Attempts per AWS request, the first included. Default 3. */
  maxAttempts?: number;
  /** First backoff delay; it doubles per retry, with jitter. Default 200 ms. */
  initialDelayMs?: number;
  /** Longest backoff delay. Default 5 s. */
  maxDelayMs?: number;
  /** Consecutive failed calls (after retries) that open a breaker. Default 5. */
  breakerThreshold?: number;
  /** How long an open breaker refuses calls before trying one. Default 30 s. */
  halfOpenAfterMs?: number;
  /** Log retries and breaker changes to stderr. Default true. */
  logEvents?: boolean;
}

/**
 * One policy per AWS service: retries throttling, 5xx and network errors with
 * exponential backoff, inside a circuit breaker that stops calling a service
 * that keeps failing. Kept outside the MCP server so that the stateless HTTP
 * transport, which builds a server per request, shares breakers across requests.
 */
export class AwsResilience {
  private readonly policies = new Map<string, IPolicy>();
  readonly halfOpenAfterMs: number;

  constructor(private readonly options: ResilienceOptions = {}) {
    this.halfOpenAfterMs = options.halfOpenAfterMs ?? 30_000;
  }

  /** Runs fn under the retry and breaker policy of one service. */
  async execute<T>(service: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await this.policyFor(service).execute(() => fn());
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        throw new RefusedError(
          `Calls to AWS ${service} are paused: its circuit breaker opened after repeated failures`,
          `AWS ${service} kept failing or throttling; wait about ${Math.ceil(
            this.halfOpenAfterMs / 1000,
          )} s before retrying, and check the AWS Health Dashboard if it persists`,
        );
      }
      throw error;
    }
  }

  private policyFor(service: string): IPolicy {
    let policy = this.policies.get(service);
    if (!policy) {
      const transient = handleWhen(isTransient);
      const retries = retry(transient, {
        maxAttempts: (this.options.maxAttempts ?? 3) - 1,
        backoff: new ExponentialBackoff({
          initialDelay: this.options.initialDelayMs ?? 200,
          maxDelay: this.options.maxDelayMs ?? 5_000,
        }),
      });
      const logEvents = this.options.logEvents !== false;
      const breaker = circuitBreaker(transient, {
        halfOpenAfter: this.halfOpenAfterMs,
        breaker: new ConsecutiveBreaker(this.options.breakerThreshold ?? 5),
      });
      if (logEvents) {
        retries.onRetry(({ delay }) =>
          log('warn', 'retrying AWS call', {
            service,
            delayMs: Math.round(delay),
          }),
        );
        breaker.onBreak(() => log('warn', 'circuit breaker open', { service }));
        breaker.onReset(() =>
          log('info', 'circuit breaker closed', { service }),
        );
      }
      // The breaker is outside: one call and its retries count as one failure.
      policy = wrap(breaker, retries);
      this.policies.set(service, policy);
    }
    return policy;
  }
}
