import { mockCredentials } from '@backstage/backend-test-utils';
import type { LogEvent } from '@pilothouse/plugin-log-search-common';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import {
  bearer,
  LogSearchTestEnv,
  serviceBearer,
  startLogSearchBackend,
} from './__testUtils__/testBackend';
import { decodeOtlpStatus } from './ingest/otlpProtobuf';

jest.setTimeout(60_000);

const SUCCESS = 0; // ExportResultCode.SUCCESS

interface SenderOutput {
  results: number[];
  errors: string[];
  warnings: string[];
}

/**
 * OTLP/HTTP protobuf as the OpenTelemetry JS SDK sends it: its LoggerProvider
 * and `@opentelemetry/exporter-logs-otlp-proto`, in a process of their own
 * (see the fixture), against the real plugin.
 */
describe('OTLP/HTTP protobuf ingest', () => {
  let env: LogSearchTestEnv;

  beforeEach(async () => {
    env = await startLogSearchBackend();
  });

  afterEach(async () => {
    await env.stop();
  });

  async function sendWithSdk(options: {
    compression: 'gzip' | 'none';
    batch?: boolean;
    records: object[];
  }): Promise<SenderOutput> {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        path.join(__dirname, '__testUtils__', 'otlpSdkSender.js'),
        JSON.stringify({
          url: `${env.baseUrl}/v1/otlp/v1/logs`,
          authorization: serviceBearer(),
          resource: {
            'service.name': 'payments',
            'k8s.namespace.name': 'payments',
          },
          ...options,
        }),
      ],
      { cwd: __dirname },
    );
    return JSON.parse(stdout);
  }

  const search = async (q: string): Promise<LogEvent[]> => {
    const res = await request(env.server)
      .get('/api/log-search/v1/search')
      .query({ q })
      .set('authorization', bearer('bob'));
    expect(res.status).toBe(200);
    return res.body.events;
  };

  it.each(['none', 'gzip'] as const)(
    'stores what an SDK exports (compression %s), with attributes, severity, trace ids and the catalog entity',
    async compression => {
      const sent = await sendWithSdk({
        compression,
        records: [
          {
            severityNumber: 17,
            severityText: 'ERROR',
            body: 'ledger call timed out after 5000 ms',
            attributes: {
              'http.status_code': 504,
              retry: true,
              'peer.service': 'ledger',
            },
            traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
            spanId: '00f067aa0ba902b7',
          },
          {
            severityNumber: 9,
            body: { message: 'charge accepted', amount: 12.5, currency: 'EUR' },
          },
        ],
      });
      expect(sent).toEqual({
        results: [SUCCESS, SUCCESS],
        errors: [],
        warnings: [],
      });

      const events = await search('source:otlp');
      const byMessage = Object.fromEntries(events.map(e => [e.message, e]));
      expect(byMessage['ledger call timed out after 5000 ms']).toMatchObject({
        severity: 'error',
        service: 'payments',
        entityRef: 'component:default/payments',
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
        attributes: expect.objectContaining({
          'http.status_code': 504,
          retry: true,
          'peer.service': 'ledger',
          'k8s.namespace.name': 'payments',
        }),
      });
      expect(byMessage['charge accepted']).toMatchObject({
        severity: 'info',
        attributes: expect.objectContaining({ amount: 12.5, currency: 'EUR' }),
      });
    },
  );

  it('keeps the good records of a batch and reports the bad ones in partialSuccess', async () => {
    const sent = await sendWithSdk({
      compression: 'none',
      batch: true,
      records: [
        { severityNumber: 99, body: 'severity out of range' },
        { severityNumber: 13, body: 'disk almost full' },
      ],
    });
    expect(sent.results).toEqual([SUCCESS]);
    expect(sent.warnings.join('\n')).toMatch(
      /Partial Success.*"rejectedLogRecords":1,.*record 1: severityNumber: 99 is not an integer from 0 to 24/,
    );
    expect((await search('source:otlp')).map(e => e.message)).toEqual([
      'disk almost full',
    ]);
  });

  it('answers a body that is not an OTLP message with 400 and a google.rpc.Status naming the problem', async () => {
    const res = await request(env.server)
      .post('/api/log-search/v1/otlp/v1/logs')
      .set('authorization', serviceBearer())
      .set('content-type', 'application/x-protobuf')
      .buffer(true)
      .parse((response, callback) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => callback(null, Buffer.concat(chunks)));
      })
      // Field 1, length-delimited, says 100 bytes follow; two do.
      .send(Buffer.from([0x0a, 0x64, 0x0a, 0x00]));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/x-protobuf/);
    const status = decodeOtlpStatus(res.body);
    expect(status.code).toBe(3);
    expect(status.message).toMatch(
      /^The body is not an OTLP ExportLogsServiceRequest in protobuf encoding: /,
    );
    expect(await search('source:otlp')).toEqual([]);
  });

  it('refuses an unknown content type and an anonymous sender', async () => {
    const text = await request(env.server)
      .post('/api/log-search/v1/otlp/v1/logs')
      .set('authorization', serviceBearer())
      .set('content-type', 'text/plain')
      .send('hello');
    expect(text.status).toBe(415);
    expect(text.body.error.message).toBe(
      "Content-Type 'text/plain' is not OTLP/HTTP; send application/x-protobuf or application/json",
    );

    const anonymous = await request(env.server)
      .post('/api/log-search/v1/otlp/v1/logs')
      .set('authorization', mockCredentials.none.header())
      .set('content-type', 'application/x-protobuf')
      .send(Buffer.from([]));
    expect(anonymous.status).toBe(401);
  });
});
