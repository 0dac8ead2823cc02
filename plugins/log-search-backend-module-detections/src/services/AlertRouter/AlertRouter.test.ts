import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { Detection } from '@pilothouse/plugin-log-search-common';
import type { JsonObject } from '@backstage/types';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AlertNotifier, AlertRouter, readAlertRoutes } from './AlertRouter';

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: any;
}

/** A local HTTP server that records what the webhooks post. */
async function startReceiver() {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', chunk => (text += chunk));
    req.on('end', () => {
      received.push({
        path: req.url!,
        headers: req.headers,
        body: JSON.parse(text),
      });
      if (req.url === '/broken') {
        res.writeHead(500).end();
        return;
      }
      // Each service's documented success answer.
      if (req.url?.startsWith('/pagerduty')) {
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            status: 'success',
            message: 'Event processed',
            dedup_key: received.at(-1)!.body.dedup_key,
          }),
        );
      } else if (req.url?.startsWith('/opsgenie')) {
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            result: 'Request will be processed',
            took: 0.1,
            requestId: 'r1',
          }),
        );
      } else {
        res.writeHead(200).end('ok');
      }
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    close: () => new Promise(resolve => server.close(resolve)),
  };
}

const detection: Detection = {
  id: 'd-1',
  ruleId: '21b6ff56-b36d-4abf-b82f-89f40f0cfa37',
  ruleTitle: 'Repeated Denied Tool Calls By One User',
  level: 'high',
  status: 'open',
  attack: ['attack.discovery', 'attack.t1069'],
  entityRef: 'component:default/payments',
  groupKey: 'actor=user:default/alice',
  count: 1,
  firstSeen: '2026-11-27T10:00:00.000Z',
  lastSeen: '2026-11-27T10:04:00.000Z',
  eventIds: ['e1'],
};

describe('AlertRouter', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  function routerFor(routes: JsonObject[], notifier?: AlertNotifier) {
    return new AlertRouter({
      routes: readAlertRoutes(
        new ConfigReader({ logSearch: { alerts: { routes } } }),
      ),
      baseUrl: 'http://portal.test:3000/',
      logger: mockServices.logger.mock(),
      notifier,
      ownerOf: async ref =>
        ref === 'component:default/payments'
          ? 'group:default/payments-team'
          : undefined,
    });
  }

  it('posts Slack, PagerDuty Events v2 and Opsgenie payloads, each linking the detection and the assistant', async () => {
    const router = routerFor([
      { name: 'slack', type: 'slack', url: `${receiver.url}/slack` },
      {
        name: 'pd',
        type: 'pagerduty',
        url: `${receiver.url}/pagerduty`,
        routingKey: 'R0UT1NGKEY',
      },
      {
        name: 'og',
        type: 'opsgenie',
        url: `${receiver.url}/opsgenie/v2/alerts`,
        apiKey: 'genie-key',
      },
    ]);
    await router.send(detection);
    const byPath = Object.fromEntries(receiver.received.map(r => [r.path, r]));
    const detectionUrl = 'http://portal.test:3000/logs/detections/d-1';

    const slack = byPath['/slack'].body;
    expect(slack.text).toBe(
      `[high] Repeated Denied Tool Calls By One User (actor=user:default/alice): ${detectionUrl}`,
    );
    expect(slack.blocks[0]).toEqual({
      type: 'header',
      text: {
        type: 'plain_text',
        text: 'Repeated Denied Tool Calls By One User',
      },
    });
    const buttons = slack.blocks[2].elements;
    expect(buttons[0].url).toBe(detectionUrl);
    const assistant = new URL(buttons[1].url);
    expect(assistant.pathname).toBe('/ai-assistant');
    expect(assistant.searchParams.get('q')).toContain(
      'Triage detection d-1: "Repeated Denied Tool Calls By One User" (high)',
    );
    expect(assistant.searchParams.get('q')).toContain(
      'on component:default/payments',
    );

    const pd = byPath['/pagerduty'];
    expect(pd.headers['content-type']).toBe('application/json');
    expect(pd.body).toMatchObject({
      routing_key: 'R0UT1NGKEY',
      event_action: 'trigger',
      dedup_key: 'pilothouse-detection-d-1',
      payload: {
        summary:
          '[high] Repeated Denied Tool Calls By One User (actor=user:default/alice)',
        source: 'component:default/payments',
        severity: 'error',
        timestamp: '2026-11-27T10:00:00.000Z',
        component: 'component:default/payments',
        class: detection.ruleId,
        custom_details: { detection_id: 'd-1', matches: 1 },
      },
      links: [
        { href: detectionUrl, text: 'Open the detection in Pilothouse' },
        { text: 'Triage with the Pilothouse assistant' },
      ],
    });

    const og = byPath['/opsgenie/v2/alerts'];
    expect(og.headers.authorization).toBe('GenieKey genie-key');
    expect(og.body).toMatchObject({
      message:
        '[high] Repeated Denied Tool Calls By One User (actor=user:default/alice)',
      alias: 'pilothouse-detection-d-1',
      priority: 'P2',
      entity: 'component:default/payments',
      source: 'Pilothouse',
      tags: ['level:high', 'attack.discovery', 'attack.t1069'],
      details: { detectionUrl },
    });
    expect(og.body.message.length).toBeLessThanOrEqual(130);
  });

  it('routes by level and rule, and rate-limits per route and rule', async () => {
    const router = routerFor([
      {
        name: 'critical-only',
        type: 'slack',
        url: `${receiver.url}/critical`,
        levels: ['critical'],
      },
      {
        name: 'anomalies',
        type: 'slack',
        url: `${receiver.url}/anomalies`,
        rules: ['anomaly.*'],
        rateLimit: { max: 2, per: { minutes: 10 } },
      },
    ]);
    await router.send(detection);
    expect(receiver.received).toEqual([]);
    for (const id of ['a', 'b', 'c']) {
      await router.send({ ...detection, id, ruleId: 'anomaly.volume' });
    }
    await router.send({ ...detection, id: 'd', ruleId: 'anomaly.error-rate' });
    expect(
      receiver.received.map(r => `${r.path} ${r.body.text.split(': ')[1]}`),
    ).toEqual([
      '/anomalies http://portal.test:3000/logs/detections/a',
      '/anomalies http://portal.test:3000/logs/detections/b',
      '/anomalies http://portal.test:3000/logs/detections/d',
    ]);
  });

  it('notifies the owning team of the entity, or the route recipients', async () => {
    const sent: any[] = [];
    const router = routerFor(
      [
        {
          name: 'owners',
          type: 'notifications',
          recipients: ['group:default/security-team'],
        },
      ],
      { send: async n => void sent.push(n) },
    );
    await router.send(detection);
    await router.send({ ...detection, id: 'd-2', entityRef: undefined });
    expect(sent).toEqual([
      {
        recipients: {
          type: 'entity',
          entityRef: ['group:default/payments-team'],
        },
        payload: expect.objectContaining({
          title:
            'Repeated Denied Tool Calls By One User (actor=user:default/alice)',
          link: '/logs/detections/d-1',
          severity: 'high',
          topic: `log-search:${detection.ruleId}`,
        }),
      },
      expect.objectContaining({
        recipients: {
          type: 'entity',
          entityRef: ['group:default/security-team'],
        },
      }),
    ]);
    expect(sent[0].payload.description).toContain('/ai-assistant?q=');
  });

  it('logs a failing webhook without throwing, and names a wrong route in config', async () => {
    const router = routerFor([
      { name: 'broken', type: 'slack', url: `${receiver.url}/broken` },
    ]);
    await expect(router.send(detection)).resolves.toBeUndefined();
    expect(() =>
      routerFor([{ name: 'x', type: 'teams', url: 'http://x' }]),
    ).toThrow(/logSearch.alerts.routes\[0\] \(x\): type "teams" is not one of/);
    expect(() => routerFor([{ name: 'pd', type: 'pagerduty' }])).toThrow(
      /needs routingKey/,
    );
    expect(() =>
      routerFor([{ type: 'slack', url: 'http://x', levels: ['urgent'] }]),
    ).toThrow(/level "urgent"/);
  });
});
