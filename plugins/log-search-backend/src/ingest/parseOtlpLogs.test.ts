import { parseOtlpLogs } from './parseOtlpLogs';

const NOW = Date.parse('2026-11-26T10:00:00Z');

const resource = {
  attributes: [
    { key: 'service.name', value: { stringValue: 'payments' } },
    { key: 'k8s.namespace.name', value: { stringValue: 'payments' } },
    { key: 'cloud.region', value: { stringValue: 'eu-west-1' } },
  ],
};

describe('parseOtlpLogs', () => {
  it('reads records with resource, scope and record attributes', () => {
    const { events, rejected } = parseOtlpLogs(
      {
        resourceLogs: [
          {
            resource,
            scopeLogs: [
              {
                scope: { name: 'payments.http', version: '1.2.0' },
                logRecords: [
                  {
                    timeUnixNano: '1795687140123456789',
                    severityNumber: 17,
                    severityText: 'ERROR',
                    body: { stringValue: 'upstream timeout' },
                    attributes: [
                      {
                        key: 'http.response.status_code',
                        value: { intValue: '504' },
                      },
                      { key: 'retry', value: { boolValue: true } },
                      {
                        key: 'tags',
                        value: {
                          arrayValue: { values: [{ stringValue: 'a' }] },
                        },
                      },
                    ],
                    traceId: '5B8EFFF798038103D269B633813FC60C',
                    spanId: 'EEE19B7EC3C1B174',
                  },
                  {
                    observedTimeUnixNano: 1795687141000000000,
                    body: {
                      kvlistValue: {
                        values: [
                          { key: 'msg', value: { stringValue: 'structured' } },
                          {
                            key: 'user',
                            value: {
                              kvlistValue: {
                                values: [{ key: 'id', value: { intValue: 7 } }],
                              },
                            },
                          },
                        ],
                      },
                    },
                  },
                ],
              },
            ],
          },
        ],
      },
      NOW,
    );
    expect(rejected).toEqual([]);
    expect(events).toEqual([
      {
        timestamp: 1795687140123,
        severity: 'error',
        message: 'upstream timeout',
        service: 'payments',
        source: 'otlp',
        traceId: '5b8efff798038103d269b633813fc60c',
        spanId: 'eee19b7ec3c1b174',
        attributes: {
          'k8s.namespace.name': 'payments',
          'cloud.region': 'eu-west-1',
          'otel.scope.name': 'payments.http',
          'otel.scope.version': '1.2.0',
          'http.response.status_code': 504,
          retry: true,
          tags: ['a'],
        },
      },
      expect.objectContaining({
        timestamp: 1795687141000,
        severity: 'info',
        message: 'structured',
        attributes: expect.objectContaining({ 'user.id': 7 }),
      }),
    ]);
  });

  it('rejects malformed records one by one and keeps the rest', () => {
    const { events, rejected } = parseOtlpLogs(
      {
        resourceLogs: [
          {
            resource,
            scopeLogs: [
              {
                logRecords: [
                  {
                    timeUnixNano: 'yesterday',
                    body: { stringValue: 'bad time' },
                  },
                  { body: { stringValue: 'good one' } },
                  { severityNumber: 99, body: { stringValue: 'bad severity' } },
                  { traceId: 'xyz', body: { stringValue: 'bad trace' } },
                  { attributes: [{ value: { stringValue: 'no key' } }] },
                  { body: { mysteryValue: 1 } },
                  'not a record',
                ],
              },
            ],
          },
          {
            resource: { attributes: 'nope' },
            scopeLogs: [
              {
                logRecords: [{ body: { stringValue: 'under a bad resource' } }],
              },
            ],
          },
          {
            scopeLogs: [
              { logRecords: [{ body: { stringValue: 'another good one' } }] },
            ],
          },
        ],
      },
      NOW,
    );
    expect(events.map(e => e.message)).toEqual([
      'good one',
      'another good one',
    ]);
    expect(events[1].timestamp).toBe(NOW);
    expect(rejected).toEqual([
      {
        line: 1,
        reason: 'timeUnixNano: "yesterday" is not nanoseconds since the epoch',
      },
      { line: 3, reason: 'severityNumber: 99 is not an integer from 0 to 24' },
      { line: 4, reason: 'traceId: "xyz" is not 32 hex digits' },
      { line: 5, reason: 'attributes[0]: a key/value pair has no key' },
      { line: 6, reason: 'body: unknown AnyValue field mysteryValue' },
      { line: 7, reason: 'expected a LogRecord object' },
      {
        line: 8,
        reason: 'resource.attributes: expected a list of key/value pairs',
      },
    ]);
  });

  it('refuses a body that is not an export request', () => {
    expect(() => parseOtlpLogs({ logs: [] })).toThrow(/resourceLogs/);
  });
});
