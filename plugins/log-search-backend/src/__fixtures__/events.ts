import type { LogEvent, Severity } from '@pilothouse/plugin-log-search-common';

/** 2026-11-26T10:00:00Z: the fixtures' events are the minutes before it. */
export const FIXTURE_NOW = Date.parse('2026-11-26T10:00:00Z');

let counter = 0;

export function event(
  minutesAgo: number,
  fields: Partial<LogEvent> & { message: string },
): LogEvent {
  counter += 1;
  const timestamp = new Date(FIXTURE_NOW - minutesAgo * 60_000).toISOString();
  return {
    id: `evt-${String(counter).padStart(5, '0')}`,
    timestamp,
    observedAt: timestamp,
    severity: 'info' as Severity,
    source: 'jsonl',
    attributes: {},
    ...fields,
  };
}

/**
 * A small platform's logs: payments with timeouts and 5xx, checkout,
 * Kubernetes audit and CloudTrail records, and the gateway's audit.
 */
export function fixtureEvents(): LogEvent[] {
  counter = 0;
  return [
    event(1, {
      service: 'payments',
      entityRef: 'component:default/payments',
      severity: 'error',
      message: 'upstream timeout after 3000 ms calling ledger',
      attributes: {
        'http.status_code': 504,
        'k8s.namespace.name': 'payments',
        region: 'eu-west-1',
      },
    }),
    event(2, {
      service: 'payments',
      entityRef: 'component:default/payments',
      severity: 'error',
      message: 'Connection timeout to postgres-primary',
      attributes: {
        'http.status_code': 500,
        'k8s.namespace.name': 'payments',
        retry: true,
      },
    }),
    event(3, {
      service: 'payments',
      severity: 'info',
      message: 'charge accepted for order 1042',
      attributes: {
        'http.status_code': 200,
        'k8s.namespace.name': 'payments',
        amount: 42.5,
      },
    }),
    event(4, {
      service: 'payments',
      severity: 'warn',
      message: 'slow query: timeouts may follow',
      attributes: {
        'http.status_code': '429',
        'k8s.namespace.name': 'payments',
      },
    }),
    event(5, {
      service: 'checkout',
      severity: 'info',
      message: 'cart checked out in 120 ms',
      attributes: {
        'http.status_code': 201,
        'k8s.namespace.name': 'shop',
        'user.name': 'alice',
      },
    }),
    event(6, {
      service: 'checkout',
      severity: 'fatal',
      message: 'panic: nil pointer dereference in checkout handler',
      attributes: { 'k8s.namespace.name': 'shop' },
    }),
    event(7, {
      source: 'jsonl',
      severity: 'info',
      message:
        'delete secrets/db-password by system:serviceaccount:ci:deployer',
      attributes: {
        verb: 'delete',
        'objectRef.resource': 'secrets',
        'objectRef.namespace': 'payments',
        'user.username': 'system:serviceaccount:ci:deployer',
      },
    }),
    event(8, {
      severity: 'warn',
      message:
        'ConsoleLogin on signin.amazonaws.com by arn:aws:iam::123456789012:user/mallory (Failed authentication)',
      attributes: {
        eventSource: 'signin.amazonaws.com',
        eventName: 'ConsoleLogin',
        'userIdentity.arn': 'arn:aws:iam::123456789012:user/mallory',
        sourceIPAddress: '203.0.113.7',
        'cloud.provider': 'aws',
      },
    }),
    event(9, {
      service: 'llm-gateway',
      source: 'audit',
      severity: 'warn',
      message: 'tool kubernetes.delete_pod deny for user:default/bob',
      attributes: {
        kind: 'tool',
        decision: 'deny',
        actor: 'user:default/bob',
        'findings.SECRET:aws-access-key': 1,
      },
    }),
    event(30, {
      service: 'payments',
      severity: 'debug',
      message: 'cache warm: 512 keys (übersicht)',
      attributes: { 'k8s.namespace.name': 'payments' },
    }),
    event(90, {
      service: 'payments',
      severity: 'error',
      message: 'timeout talking to fraud-check',
      attributes: { 'http.status_code': 503, 'k8s.namespace.name': 'payments' },
    }),
  ];
}
