import { z } from 'zod';

/** One series of an instant query's answer. */
export interface InstantSample {
  labels: Record<string, string>;
  /** The value; NaN stays NaN (Prometheus answers "NaN" for 0/0). */
  value: number;
}

/** One series of a range query's answer. */
export interface RangeSeries {
  labels: Record<string, string>;
  /** [unix seconds, value] */
  points: Array<[number, number]>;
}

/** What the SLO evaluation needs from Prometheus' HTTP API. */
export interface PrometheusApi {
  /** `/api/v1/query` at `time`. */
  query(promql: string, time: Date): Promise<InstantSample[]>;
  /** `/api/v1/query_range` from `start` to `end` every `stepSeconds`. */
  queryRange(
    promql: string,
    start: Date,
    end: Date,
    stepSeconds: number,
  ): Promise<RangeSeries[]>;
}

/**
 * Prometheus could not answer: unreachable, timed out, or refused the query.
 * `unreachable` tells the first two from a bad query.
 */
export class PrometheusError extends Error {
  constructor(
    message: string,
    readonly unreachable: boolean,
  ) {
    super(message);
    this.name = 'PrometheusError';
  }
}

const sampleValue = z.tuple([z.number(), z.string()]);
const responseSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.discriminatedUnion('resultType', [
      z.object({
        resultType: z.literal('vector'),
        result: z.array(
          z.object({
            metric: z.record(z.string(), z.string()),
            value: sampleValue,
          }),
        ),
      }),
      z.object({
        resultType: z.literal('matrix'),
        result: z.array(
          z.object({
            metric: z.record(z.string(), z.string()),
            values: z.array(sampleValue),
          }),
        ),
      }),
      z.object({ resultType: z.literal('scalar'), result: sampleValue }),
    ]),
  }),
  z.object({
    status: z.literal('error'),
    errorType: z.string().optional(),
    error: z.string().optional(),
  }),
]);

export interface PrometheusClientOptions {
  /** Base URL of Prometheus, e.g. http://127.0.0.1:9090 (no /api/v1). */
  baseUrl: string;
  /** Per-request timeout. Default 15 s. */
  timeoutMs?: number;
  /** Extra request headers, e.g. Authorization for a Prometheus behind a proxy. */
  headers?: Record<string, string>;
}

/**
 * A client of Prometheus' HTTP query API (`/api/v1/query`,
 * `/api/v1/query_range`) on Node's fetch. Queries are POSTed as form data,
 * which Prometheus accepts for both, so long PromQL fits.
 */
export class PrometheusClient implements PrometheusApi {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: PrometheusClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  async query(promql: string, time: Date): Promise<InstantSample[]> {
    const data = await this.call('query', {
      query: promql,
      time: seconds(time),
    });
    if (data.resultType === 'scalar') {
      return [{ labels: {}, value: Number(data.result[1]) }];
    }
    if (data.resultType !== 'vector') {
      throw new PrometheusError(
        `Prometheus answered a ${data.resultType} to an instant query`,
        false,
      );
    }
    return data.result.map(r => ({
      labels: r.metric,
      value: Number(r.value[1]),
    }));
  }

  async queryRange(
    promql: string,
    start: Date,
    end: Date,
    stepSeconds: number,
  ): Promise<RangeSeries[]> {
    const data = await this.call('query_range', {
      query: promql,
      start: seconds(start),
      end: seconds(end),
      step: String(stepSeconds),
    });
    if (data.resultType !== 'matrix') {
      throw new PrometheusError(
        `Prometheus answered a ${data.resultType} to a range query`,
        false,
      );
    }
    return data.result.map(r => ({
      labels: r.metric,
      points: r.values.map(([t, v]) => [t, Number(v)] as [number, number]),
    }));
  }

  private async call(endpoint: 'query' | 'query_range', params: Record<string, string>) {
    const url = `${this.baseUrl}/api/v1/${endpoint}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          ...this.options.headers,
        },
        body: new URLSearchParams(params).toString(),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const { cause } = error as { cause?: { code?: string; message?: string } };
      throw new PrometheusError(
        `Prometheus at ${this.baseUrl} could not be reached (${
          cause?.code ?? cause?.message ?? (error as Error).message
        })`,
        true,
      );
    }
    const text = await response.text();
    let body: z.infer<typeof responseSchema>;
    try {
      const parsed = responseSchema.safeParse(JSON.parse(text));
      if (!parsed.success) throw new Error(parsed.error.message);
      body = parsed.data;
    } catch {
      throw new PrometheusError(
        `${url} answered ${response.status} ${
          response.statusText
        }, not a Prometheus API response: ${text.slice(0, 200)}`,
        response.status >= 500 || response.status === 404,
      );
    }
    if (body.status === 'error') {
      throw new PrometheusError(
        `Prometheus refused the query (${body.errorType ?? response.status}): ${
          body.error ?? 'no reason given'
        }`,
        response.status >= 500 && body.errorType !== 'execution',
      );
    }
    return body.data;
  }
}

function seconds(date: Date): string {
  return (date.getTime() / 1000).toFixed(3);
}
