import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import {
  DETECTION_LEVELS,
  type Detection,
  type DetectionLevel,
} from '@pilothouse/plugin-log-search-common';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import {
  alertLinks,
  opsgeniePayload,
  pagerDutyPayload,
  slackPayload,
} from './formats';

export const ALERT_ROUTE_TYPES = [
  'notifications',
  'slack',
  'pagerduty',
  'opsgenie',
] as const;
export type AlertRouteType = (typeof ALERT_ROUTE_TYPES)[number];

export interface AlertRoute {
  name: string;
  type: AlertRouteType;
  /** Webhook or API address (PagerDuty and Opsgenie have defaults). */
  url?: string;
  /** PagerDuty Events v2 integration key. */
  routingKey?: string;
  /** Opsgenie API key (GenieKey). */
  apiKey?: string;
  /** Levels it takes; all when empty. */
  levels: DetectionLevel[];
  /** Rule ids it takes (`*` matches any text, `anomaly.*`); all when empty. */
  rules: string[];
  /** Notifications: who hears of a detection with no owned entity. */
  recipients: string[];
  /** At most `max` alerts per rule in `windowMs` on this route. */
  rateLimit: { max: number; windowMs: number };
}

/** Finds who owns an entity (the catalog's spec.owner), for notifications. */
export type OwnerResolver = (entityRef: string) => Promise<string | undefined>;

/** Backstage notifications, narrowed to what alerts use. */
export interface AlertNotifier {
  send(options: {
    recipients: { type: 'entity'; entityRef: string | string[] };
    payload: {
      title: string;
      description?: string;
      link?: string;
      severity?: 'critical' | 'high' | 'normal' | 'low';
      topic?: string;
      scope?: string;
    };
  }): Promise<void>;
}

const NOTIFICATION_SEVERITY: Record<
  DetectionLevel,
  'critical' | 'high' | 'normal' | 'low'
> = {
  critical: 'critical',
  high: 'high',
  medium: 'normal',
  low: 'low',
  informational: 'low',
};

const DEFAULT_URLS: Partial<Record<AlertRouteType, string>> = {
  pagerduty: 'https://events.pagerduty.com/v2/enqueue',
  opsgenie: 'https://api.opsgenie.com/v2/alerts',
};

/** Reads `logSearch.alerts.routes`; a wrong route names the key. */
export function readAlertRoutes(config: Config): AlertRoute[] {
  const routes = config.getOptionalConfigArray('logSearch.alerts.routes') ?? [];
  return routes.map((route, index) => {
    const name = route.getOptionalString('name') ?? `route-${index + 1}`;
    const type = route.getString('type') as AlertRouteType;
    const where = `logSearch.alerts.routes[${index}] (${name})`;
    if (!ALERT_ROUTE_TYPES.includes(type)) {
      throw new Error(
        `${where}: type "${type}" is not one of ${ALERT_ROUTE_TYPES.join(
          ', ',
        )}`,
      );
    }
    const url = route.getOptionalString('url') ?? DEFAULT_URLS[type];
    if (type !== 'notifications' && !url)
      throw new Error(`${where}: a ${type} route needs url`);
    const routingKey = route.getOptionalString('routingKey');
    if (type === 'pagerduty' && !routingKey) {
      throw new Error(`${where}: a pagerduty route needs routingKey`);
    }
    const apiKey = route.getOptionalString('apiKey');
    if (type === 'opsgenie' && !apiKey)
      throw new Error(`${where}: an opsgenie route needs apiKey`);
    const levels = (route.getOptionalStringArray('levels') ??
      []) as DetectionLevel[];
    for (const level of levels) {
      if (!DETECTION_LEVELS.includes(level)) {
        throw new Error(
          `${where}: level "${level}" is not one of ${DETECTION_LEVELS.join(
            ', ',
          )}`,
        );
      }
    }
    const limit = route.getOptionalConfig('rateLimit');
    return {
      name,
      type,
      ...(url ? { url } : {}),
      ...(routingKey ? { routingKey } : {}),
      ...(apiKey ? { apiKey } : {}),
      levels,
      rules: route.getOptionalStringArray('rules') ?? [],
      recipients: route.getOptionalStringArray('recipients') ?? [],
      rateLimit: {
        max: limit?.getOptionalNumber('max') ?? 10,
        windowMs: limit?.has('per')
          ? durationToMilliseconds(
              readDurationFromConfig(limit, { key: 'per' }),
            )
          : 3_600_000,
      },
    };
  });
}

function globMatches(pattern: string, text: string) {
  const regex = new RegExp(
    `^${pattern.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '.*')}$`,
  );
  return regex.test(text);
}

export interface AlertRouterOptions {
  routes: AlertRoute[];
  /** The portal's address (`app.baseUrl`), for links. */
  baseUrl: string;
  logger: LoggerService;
  notifier?: AlertNotifier;
  ownerOf?: OwnerResolver;
  fetch?: typeof fetch;
}

/**
 * Sends each new detection to the routes that take its rule and level:
 * Backstage notifications to the owning team, Slack, PagerDuty Events v2 and
 * Opsgenie webhooks, each rate limited per route and rule. Sending never
 * holds up ingest; `idle()` waits for what is in flight.
 */
export class AlertRouter {
  private readonly limiters = new Map<string, RateLimiterMemory>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly fetch: typeof fetch;

  constructor(private readonly options: AlertRouterOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
    for (const route of options.routes) {
      this.limiters.set(
        route.name,
        new RateLimiterMemory({
          points: route.rateLimit.max,
          duration: Math.max(1, Math.ceil(route.rateLimit.windowMs / 1000)),
        }),
      );
    }
  }

  /** The routes that take a detection. */
  routesFor(detection: Detection): AlertRoute[] {
    return this.options.routes.filter(
      route =>
        (route.levels.length === 0 || route.levels.includes(detection.level)) &&
        (route.rules.length === 0 ||
          route.rules.some(p => globMatches(p, detection.ruleId))),
    );
  }

  /** Starts sending; does not wait. */
  dispatch(detection: Detection) {
    const sending = this.send(detection).finally(() =>
      this.inFlight.delete(sending),
    );
    this.inFlight.add(sending);
  }

  async idle() {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Sends to every matching route; failures are logged, not thrown. */
  async send(detection: Detection): Promise<void> {
    const links = alertLinks(this.options.baseUrl, detection);
    await Promise.all(
      this.routesFor(detection).map(async route => {
        try {
          await this.limiters
            .get(route.name)!
            .consume(`${route.name}:${detection.ruleId}`);
        } catch {
          this.options.logger.warn('alert suppressed by the rate limit', {
            route: route.name,
            ruleId: detection.ruleId,
            detectionId: detection.id,
          });
          return;
        }
        try {
          await this.deliver(route, detection, links);
          this.options.logger.info('alert sent', {
            route: route.name,
            type: route.type,
            detectionId: detection.id,
          });
        } catch (error) {
          this.options.logger.warn('alert failed', {
            route: route.name,
            type: route.type,
            detectionId: detection.id,
            error: (error as Error).message,
          });
        }
      }),
    );
  }

  private async deliver(
    route: AlertRoute,
    detection: Detection,
    links: ReturnType<typeof alertLinks>,
  ) {
    switch (route.type) {
      case 'notifications': {
        const { notifier, ownerOf } = this.options;
        if (!notifier)
          throw new Error('the notifications service is not available');
        const owner = detection.entityRef
          ? await ownerOf?.(detection.entityRef)
          : undefined;
        const recipients = owner ? [owner] : route.recipients;
        if (recipients.length === 0) {
          throw new Error(
            `no owner for ${
              detection.entityRef ?? 'a detection without an entity'
            } and no recipients on the route`,
          );
        }
        await notifier.send({
          recipients: { type: 'entity', entityRef: recipients },
          payload: {
            title: `${detection.ruleTitle}${
              detection.groupKey ? ` (${detection.groupKey})` : ''
            }`,
            description: `${detection.level} detection: ${
              detection.count
            } match(es)${
              detection.entityRef ? ` on ${detection.entityRef}` : ''
            }. Triage with the assistant: ${links.assistant}`,
            link: `/logs/detections/${encodeURIComponent(detection.id)}`,
            severity: NOTIFICATION_SEVERITY[detection.level],
            topic: `log-search:${detection.ruleId}`,
            scope: `detection:${detection.id}`,
          },
        });
        return;
      }
      case 'slack':
        await this.post(route.url!, slackPayload(detection, links));
        return;
      case 'pagerduty':
        await this.post(
          route.url!,
          pagerDutyPayload(detection, links, route.routingKey!),
        );
        return;
      case 'opsgenie':
        await this.post(route.url!, opsgeniePayload(detection, links), {
          authorization: `GenieKey ${route.apiKey}`,
        });
        return;
      default:
        throw new Error(`unknown route type ${String(route.type)}`);
    }
  }

  private async post(
    url: string,
    body: unknown,
    headers: Record<string, string> = {},
  ) {
    const response = await this.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) {
      throw new Error(`${new URL(url).host} answered ${response.status}`);
    }
  }
}
