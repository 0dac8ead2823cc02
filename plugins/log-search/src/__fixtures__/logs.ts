import { ResponseError } from '@backstage/errors';
import type {
  Detection,
  HistogramResponse,
  LogEvent,
  RuleListResponse,
} from '@pilothouse/plugin-log-search-common';
import type { LogSearchApi } from '../api';

/** Events as the backend answers them, in the contract's shape. */
export const paymentsErrors: LogEvent[] = [
  {
    id: 'e1',
    timestamp: '2026-11-27T10:04:00.000Z',
    observedAt: '2026-11-27T10:04:00.120Z',
    severity: 'error',
    message: 'charge failed: upstream timeout after 30s',
    service: 'payments',
    entityRef: 'component:default/payments',
    source: 'otlp',
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    attributes: {
      'k8s.namespace.name': 'payments-prod',
      'k8s.pod.name': 'payments-7d9f-abcde',
      'http.status_code': 504,
      retry: false,
    },
  },
  {
    id: 'e2',
    timestamp: '2026-11-27T10:02:00.000Z',
    observedAt: '2026-11-27T10:02:00.080Z',
    severity: 'error',
    message: 'database connection refused',
    service: 'payments',
    entityRef: 'component:default/payments',
    source: 'jsonl',
    attributes: { 'k8s.namespace.name': 'payments-prod' },
  },
];

export const paymentsHistogram: HistogramResponse = {
  from: '2026-11-27T09:05:00.000Z',
  to: '2026-11-27T10:05:00.000Z',
  intervalMs: 60_000,
  buckets: [
    { t: '2026-11-27T10:02:00.000Z', count: 1, errors: 1 },
    { t: '2026-11-27T10:03:00.000Z', count: 0, errors: 0 },
    { t: '2026-11-27T10:04:00.000Z', count: 4, errors: 1 },
  ],
};

export const secretsDetection: Detection = {
  id: 'd1',
  ruleId: 'eeb3e9e1-b685-44e4-9232-6bb701f925b5',
  ruleTitle: 'Kubernetes Secrets Enumeration',
  level: 'high',
  status: 'open',
  attack: ['attack.t1552.007', 'attack.credential_access'],
  entityRef: 'component:default/payments',
  groupKey: 'user.username=system:serviceaccount:payments:default',
  count: 3,
  firstSeen: '2026-11-27T10:00:00.000Z',
  lastSeen: '2026-11-27T10:03:00.000Z',
  eventIds: ['k1'],
};

export const deniedToolsDetection: Detection = {
  id: 'd2',
  ruleId: 'pilothouse-ai-denied-tool-burst',
  ruleTitle: 'Repeated denied tool calls by one user',
  level: 'medium',
  status: 'open',
  attack: ['attack.discovery'],
  groupKey: 'user=user:default/mallory',
  count: 6,
  firstSeen: '2026-11-27T09:00:00.000Z',
  lastSeen: '2026-11-27T09:10:00.000Z',
  eventIds: [],
};

export const cloudTrailDetection: Detection = {
  id: 'd3',
  ruleId: 'aws-cloudtrail-disable-logging',
  ruleTitle: 'AWS CloudTrail Important Change',
  level: 'medium',
  status: 'open',
  attack: ['attack.defense_evasion', 'attack.t1562.001'],
  entityRef: 'resource:default/audit-trail',
  groupKey: 'eventName=StopLogging',
  count: 1,
  firstSeen: '2026-11-27T08:00:00.000Z',
  lastSeen: '2026-11-27T08:00:00.000Z',
  eventIds: [],
};

export const auditEvent: LogEvent = {
  id: 'k1',
  timestamp: '2026-11-27T10:03:00.000Z',
  observedAt: '2026-11-27T10:03:00.100Z',
  severity: 'info',
  message: 'list secrets',
  service: 'kube-apiserver',
  source: 'jsonl',
  attributes: {
    verb: 'list',
    'objectRef.resource': 'secrets',
    'user.username': 'system:serviceaccount:payments:default',
  },
};

export const rules: RuleListResponse = {
  items: [
    {
      id: secretsDetection.ruleId,
      title: secretsDetection.ruleTitle,
      level: 'high',
      type: 'detection',
      pack: 'kubernetes',
      attack: secretsDetection.attack,
      enabled: true,
    },
  ],
  packs: [
    { pack: 'kubernetes', loaded: 12, supported: 11 },
    { pack: 'pilothouse-ai', loaded: 4, supported: 4 },
  ],
};

/** A log search API whose every call fails loudly unless the test answers it. */
export function fakeLogSearchApi(answers: Partial<LogSearchApi> = {}) {
  const methods: (keyof LogSearchApi)[] = [
    'search',
    'histogram',
    'tail',
    'listDetections',
    'getDetection',
    'acknowledgeDetection',
    'resolveDetection',
    'listRules',
    'listSavedSearches',
    'saveSearch',
    'deleteSavedSearch',
  ];
  return Object.fromEntries(
    methods.map(name => {
      const answer = answers[name];
      return [
        name,
        answer
          ? jest.fn(answer as any)
          : jest.fn(async () => {
              throw new Error(`the test did not expect a call to ${name}`);
            }),
      ];
    }),
  ) as unknown as jest.Mocked<LogSearchApi>;
}

/** What the backend answers a query it cannot parse: a 400 with its reason. */
export async function queryError(message: string, extra: object = {}) {
  const body = JSON.stringify({
    error: { name: 'InputError', message, ...extra },
    request: { method: 'GET', url: '/api/log-search/v1/search' },
    response: { statusCode: 400 },
  });
  return ResponseError.fromResponse({
    ok: false,
    status: 400,
    statusText: 'Bad Request',
    url: 'http://localhost/api/log-search/v1/search',
    headers: {
      get: (name: string) =>
        name.toLocaleLowerCase('en-US') === 'content-type'
          ? 'application/json; charset=utf-8'
          : null,
    },
    text: async () => body,
  } as unknown as Response);
}
