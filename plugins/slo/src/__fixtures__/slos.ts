import type {
  SloAlertState,
  SloHistoryPoint,
  SloSummary,
} from '@pilothouse/plugin-slo-common';
import type { SloApi } from '../api';

/** The workbook's three alerts with the given burn rates (long, short). */
function alerts(
  fast: [number, number],
  slow: [number, number],
  ticket: [number, number],
): SloAlertState[] {
  const alert = (
    name: SloAlertState['name'],
    severity: SloAlertState['severity'],
    threshold: number,
    longWindow: string,
    shortWindow: string,
    [longBurnRate, shortBurnRate]: [number, number],
  ): SloAlertState => ({
    name,
    severity,
    threshold,
    longWindow,
    shortWindow,
    longBurnRate,
    shortBurnRate,
    firing: longBurnRate > threshold && shortBurnRate > threshold,
  });
  return [
    alert('page-fast', 'page', 14.4, '1h', '5m', fast),
    alert('page-slow', 'page', 6, '6h', '30m', slow),
    alert('ticket', 'ticket', 1, '3d', '6h', ticket),
  ];
}

const rolling30d = { kind: 'rolling', duration: '30d' } as const;
const evaluatedAt = '2026-11-27T10:00:00Z';

/** Burning: 14.4 over both 1h and 5m. */
export const paymentsSlo: SloSummary = {
  entityRef: 'slo:default/payments-availability',
  title: 'Payments availability',
  description: 'Share of payment API requests answered without a 5xx.',
  targetRef: 'component:default/payments',
  ownerRef: 'group:default/payments-team',
  systemRef: 'system:default/payments-platform',
  objective: 0.999,
  window: rolling30d,
  sli: {
    type: 'ratio',
    value: 0.9962,
    queries: {
      bad: 'sum(rate(http_requests_total{service="payments",code=~"5.."}[{{.window}}]))',
      total: 'sum(rate(http_requests_total{service="payments"}[{{.window}}]))',
    },
  },
  budgetTotal: 0.001,
  budgetConsumed: 3.8,
  budgetRemaining: -2.8,
  burnRates: {
    '5m': 21.5,
    '30m': 19.2,
    '1h': 18.7,
    '2h': 12.1,
    '6h': 7.3,
    '1d': 4.2,
    '3d': 2.1,
  },
  alerts: alerts([18.7, 21.5], [7.3, 19.2], [2.1, 7.3]),
  status: 'burning',
  statusSince: '2026-11-27T09:12:00Z',
  evaluatedAt,
};

/** Warning: only the ticket alert fires. */
export const checkoutSlo: SloSummary = {
  entityRef: 'slo:default/checkout-latency',
  title: 'Checkout latency',
  targetRef: 'component:default/checkout',
  ownerRef: 'group:default/checkout-team',
  systemRef: 'system:default/storefront',
  objective: 0.99,
  window: {
    kind: 'calendar',
    unit: 'month',
    timeZone: 'UTC',
    start: '2026-11-01T00:00:00Z',
  },
  sli: { type: 'threshold', value: 0.9912, queries: { good: 'x', total: 'y' } },
  budgetTotal: 0.01,
  budgetConsumed: 0.88,
  budgetRemaining: 0.12,
  burnRates: {
    '5m': 0.8,
    '30m': 1.1,
    '1h': 1.3,
    '2h': 1.2,
    '6h': 1.4,
    '1d': 1.3,
    '3d': 1.2,
  },
  alerts: alerts([1.3, 0.8], [1.4, 1.1], [1.2, 1.4]),
  status: 'warning',
  evaluatedAt,
};

/** OK, but with little budget left: above the healthy ones. */
export const ordersSlo: SloSummary = {
  entityRef: 'slo:default/orders-availability',
  title: 'Orders availability',
  targetRef: 'component:default/orders',
  ownerRef: 'group:default/checkout-team',
  systemRef: 'system:default/storefront',
  objective: 0.995,
  window: { kind: 'rolling', duration: '7d' },
  sli: { type: 'ratio', value: 0.9968 },
  budgetTotal: 0.005,
  budgetConsumed: 0.64,
  budgetRemaining: 0.36,
  burnRates: { '5m': 0.4, '1h': 0.5, '3d': 0.7 },
  // A 7-day period scales the workbook's windows by 7/30.
  alerts: alerts([0.5, 0.4], [0.6, 0.5], [0.7, 0.6]).map((alert, i) => ({
    ...alert,
    longDuration: ['14m', '1h24m', '16h48m'][i],
    shortDuration: ['1m10s', '7m', '1h24m'][i],
  })),
  status: 'ok',
  evaluatedAt,
};

export const inventorySlo: SloSummary = {
  entityRef: 'slo:default/inventory-availability',
  title: 'Inventory availability',
  targetRef: 'component:default/inventory',
  ownerRef: 'group:default/checkout-team',
  systemRef: 'system:default/storefront',
  objective: 0.99,
  window: rolling30d,
  sli: { type: 'ratio', value: 0.9995 },
  budgetTotal: 0.01,
  budgetConsumed: 0.05,
  budgetRemaining: 0.95,
  burnRates: { '5m': 0.05, '1h': 0.04 },
  alerts: alerts([0.04, 0.05], [0.05, 0.05], [0.05, 0.05]),
  status: 'ok',
  evaluatedAt,
};

/** Never evaluated: no traffic yet. */
export const notificationsSlo: SloSummary = {
  entityRef: 'slo:default/notifications-delivery',
  title: 'Notifications delivery',
  targetRef: 'component:default/notifications',
  ownerRef: 'group:default/platform-team',
  systemRef: 'system:default/developer-platform',
  objective: 0.99,
  window: rolling30d,
  sli: { type: 'ratio', value: null },
  budgetTotal: 0.01,
  budgetConsumed: null,
  budgetRemaining: null,
  burnRates: {},
  alerts: [],
  status: 'unknown',
};

/** In the order the backend might send them: alphabetical, not by trouble. */
export const allSlos = [
  checkoutSlo,
  inventorySlo,
  notificationsSlo,
  ordersSlo,
  paymentsSlo,
];

/** A 30-day window, one point a day, the budget running out on the last days. */
export const paymentsHistory: SloHistoryPoint[] = Array.from(
  { length: 30 },
  (_, day) => ({
    t: new Date(Date.UTC(2026, 9, 29 + day)).toISOString(),
    sli: day < 25 ? 0.9995 : 0.99,
    budgetRemaining: day < 25 ? 1 - day * 0.02 : 0.5 - (day - 24) * 0.55,
  }),
);

export const paymentsRules = `groups:
  - name: slo-sli-recordings-payments-availability
    rules:
      - record: slo:sli_error:ratio_rate5m
        expr: sum(rate(http_requests_total{service="payments",code=~"5.."}[5m])) / sum(rate(http_requests_total{service="payments"}[5m]))
`;

/** An SLO API whose every call fails loudly unless the test answers it. */
export function fakeSloApi(answers: Partial<SloApi> = {}): jest.Mocked<SloApi> {
  const methods: (keyof SloApi)[] = [
    'listSlos',
    'getSlo',
    'getHistory',
    'getRules',
  ];
  return Object.fromEntries(
    methods.map(name => [
      name,
      jest.fn(
        (answers[name] as any) ??
          (async () => {
            throw new Error(`the test did not expect a call to ${name}`);
          }),
      ),
    ]),
  ) as unknown as jest.Mocked<SloApi>;
}
