import { parseJsonLines } from './parseJsonLines';
import { parseTimestamp, normaliseSeverity } from './normalize';

const NOW = Date.parse('2026-11-26T10:00:00Z');

describe('parseJsonLines', () => {
  it('keeps good lines and rejects bad ones with their line and reason', () => {
    const body = [
      '{"timestamp":"2026-11-26T09:59:00Z","level":"ERROR","service":"payments","message":"upstream timeout","http":{"status_code":504}}',
      '{"msg": "half a line"',
      '',
      '[1, 2]',
      '{"time":"yesterday-ish","message":"when?"}',
      '{"date":1795687140.25,"log":"from fluent bit","kubernetes":{"pod_name":"payments-7d9","namespace_name":"payments","labels":{"app":"payments"}}}',
      '{}',
    ].join('\n');
    const { events, rejected } = parseJsonLines(body, NOW);
    expect(rejected).toEqual([
      { line: 2, reason: expect.stringMatching(/^not valid JSON: /) },
      { line: 4, reason: 'expected a JSON object, got an array' },
      {
        line: 5,
        reason: expect.stringMatching(
          /^time: "yesterday-ish" is not a timestamp/,
        ),
      },
      { line: 7, reason: 'the object has no fields' },
    ]);
    expect(events).toEqual([
      {
        timestamp: Date.parse('2026-11-26T09:59:00Z'),
        severity: 'error',
        message: 'upstream timeout',
        service: 'payments',
        source: 'jsonl',
        attributes: { 'http.status_code': 504 },
      },
      {
        timestamp: 1795687140250,
        severity: 'info',
        message: 'from fluent bit',
        service: 'payments',
        source: 'jsonl',
        attributes: {
          'k8s.pod.name': 'payments-7d9',
          'k8s.namespace.name': 'payments',
          'k8s.pod.label.app': 'payments',
        },
      },
    ]);
  });

  it('reads Fluent Bit json arrays', () => {
    const { events, rejected } = parseJsonLines(
      '[{"log":"a"},"b",{"log":"c"}]',
      NOW,
    );
    expect(events.map(e => e.message)).toEqual(['a', 'c']);
    expect(rejected).toEqual([
      { line: 2, reason: 'expected a JSON object, got string' },
    ]);
  });

  it('describes CloudTrail and Kubernetes audit records and maps cloud fields', () => {
    const { events } = parseJsonLines(
      [
        JSON.stringify({
          eventTime: '2026-11-26T09:00:00Z',
          eventSource: 'iam.amazonaws.com',
          eventName: 'CreateAccessKey',
          awsRegion: 'eu-west-1',
          recipientAccountId: '123456789012',
          userIdentity: {
            type: 'IAMUser',
            arn: 'arn:aws:iam::123456789012:user/mallory',
          },
          errorCode: 'AccessDenied',
        }),
        JSON.stringify({
          kind: 'Event',
          apiVersion: 'audit.k8s.io/v1',
          verb: 'delete',
          user: { username: 'system:serviceaccount:ci:deployer' },
          objectRef: { resource: 'secrets', namespace: 'payments', name: 'db' },
          requestReceivedTimestamp: '2026-11-26T09:30:00.123456Z',
          responseStatus: { code: 200 },
        }),
      ].join('\n'),
      NOW,
    );
    expect(events[0]).toMatchObject({
      timestamp: Date.parse('2026-11-26T09:00:00Z'),
      severity: 'warn',
      message:
        'CreateAccessKey on iam.amazonaws.com by arn:aws:iam::123456789012:user/mallory (AccessDenied)',
      attributes: {
        eventName: 'CreateAccessKey',
        'userIdentity.arn': 'arn:aws:iam::123456789012:user/mallory',
        'cloud.provider': 'aws',
        'cloud.region': 'eu-west-1',
        'cloud.account.id': '123456789012',
        eventTime: '2026-11-26T09:00:00Z',
      },
    });
    expect(events[1]).toMatchObject({
      timestamp: Date.parse('2026-11-26T09:30:00.123Z'),
      message: 'delete secrets/db by system:serviceaccount:ci:deployer',
      attributes: { verb: 'delete', 'objectRef.namespace': 'payments' },
    });
  });
});

describe('timestamps and severities', () => {
  it.each([
    ['2026-11-26T09:59:00.5+01:00', Date.parse('2026-11-26T08:59:00.500Z')],
    ['2026-11-26 09:59:00Z', Date.parse('2026-11-26T09:59:00Z')],
    ['Thu, 26 Nov 2026 09:59:00 GMT', Date.parse('2026-11-26T09:59:00Z')],
    [1795687140, 1795687140000],
    [1795687140123, 1795687140123],
    ['1795687140123456', 1795687140123],
    ['1795687140123456789', 1795687140123],
    [1795687140.5, 1795687140500],
  ])('reads %p', (input, expected) => {
    expect(parseTimestamp(input)).toBe(expected);
  });

  it('rejects what is not a time', () => {
    expect(parseTimestamp('soon')).toBeUndefined();
    expect(parseTimestamp(-5)).toBeUndefined();
    expect(parseTimestamp({})).toBeUndefined();
    // Digits past any date (found by the fuzz test: it was a 500).
    expect(parseTimestamp('99999999999999999999999')).toBeUndefined();
    expect(parseTimestamp(1e300)).toBeUndefined();
    expect(parseTimestamp('+275761-01-01T00:00:00Z')).toBeUndefined();
  });

  it('rejects a line whose time is past any date, and keeps the others', () => {
    const { events, rejected } = parseJsonLines(
      [
        JSON.stringify({
          timestamp: '99999999999999999999999',
          message: 'far',
        }),
        JSON.stringify({ timestamp: 1795687140, message: 'now' }),
      ].join('\n'),
    );
    expect(events.map(e => e.message)).toEqual(['now']);
    expect(rejected).toEqual([
      {
        line: 1,
        reason:
          'timestamp: "99999999999999999999999" is not a timestamp (ISO 8601, RFC 2822 or epoch seconds/ms/ns)',
      },
    ]);
  });

  it('does not take a level named after an Object property for a severity', () => {
    // Found by the fuzz test: "constructor" found Object's own and the store
    // was handed a severity it has no rank for (a 500 for the whole batch).
    const body = ['constructor', '__proto__', 'toString', 'hasOwnProperty']
      .map(level => JSON.stringify({ level, message: `level ${level}` }))
      .join('\n');
    const { events, rejected } = parseJsonLines(body, NOW);
    expect(rejected).toEqual([]);
    expect(events.map(event => event.severity)).toEqual([
      'info',
      'info',
      'info',
      'info',
    ]);
    expect(normaliseSeverity('constructor')).toBeUndefined();
  });

  it.each([
    ['WARNING', 'warn'],
    ['err', 'error'],
    ['Critical', 'fatal'],
    ['INFO2', 'info'],
    [17, 'error'],
    [50, 'error'],
    [30, 'info'],
    ['notice', 'info'],
  ])('normalises %p to %p', (input, expected) => {
    expect(normaliseSeverity(input)).toBe(expected);
  });
});
