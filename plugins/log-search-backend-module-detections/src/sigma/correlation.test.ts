import { logEvent } from '../__testUtils__/events';
import { CorrelationEngine } from './correlation';
import { EventFields } from './eventFields';
import {
  parseSigmaFile,
  SigmaCorrelationRule,
  SigmaDetectionRule,
  SigmaRule,
} from './rules';

const BASE = `
title: Failed login
name: failed_login
logsource: { product: pilothouse, service: llm-gateway }
detection:
  selection: { action: login, outcome: failure }
  condition: selection
---
title: Recon A
name: recon_a
logsource: { product: pilothouse, service: llm-gateway }
detection:
  selection: { cmd: whoami }
  condition: selection
---
title: Recon B
name: recon_b
logsource: { product: pilothouse, service: llm-gateway }
detection:
  selection: { cmd: hostname }
  condition: selection
---
title: Web access
name: web_access
logsource: { product: pilothouse, service: llm-gateway }
detection:
  selection: { kind: web }
  condition: selection
`;

function engineFor(correlationYaml: string) {
  const parsed = parseSigmaFile(`${BASE}\n---\n${correlationYaml}`, {
    pack: 'test',
    file: 'test.yml',
  });
  expect(parsed.errors).toEqual([]);
  const rules: SigmaRule[] = parsed.rules;
  const base = rules.filter(
    (r): r is SigmaDetectionRule => r.kind === 'detection',
  );
  const correlations = rules.filter(
    (r): r is SigmaCorrelationRule => r.kind === 'correlation',
  );
  for (const c of correlations) expect(c.unsupported).toBeUndefined();
  const engine = new CorrelationEngine(correlations, base, {
    maxEvents: 5,
    maxEntries: 1000,
  });
  /** Feeds an event at minute `m`; answers the group keys of the hits. */
  const feed = (m: number, attributes: Record<string, string>) => {
    const fields = new EventFields(
      logEvent(attributes, {
        source: 'audit',
        timestamp: new Date(Date.UTC(2026, 10, 27, 10, m)).toISOString(),
      }),
    );
    return base
      .filter(r => r.match!(fields))
      .flatMap(r => engine.observe(r, fields))
      .map(h => `${h.rule.title}: ${h.groupKey} (${h.events.length} events)`);
  };
  return { engine, feed, correlations, base };
}

describe('Sigma correlations on a stream', () => {
  it('event_count: fires when a group reaches the count within the timespan, then starts over', () => {
    const { feed } = engineFor(`
title: Many failed logins
correlation:
  type: event_count
  rules: [failed_login]
  group-by: [user]
  timespan: 10m
  condition: { gte: 3 }
`);
    const fail = (m: number, user: string) =>
      feed(m, { action: 'login', outcome: 'failure', user });
    expect(fail(0, 'alice')).toEqual([]);
    expect(fail(1, 'bob')).toEqual([]);
    expect(fail(2, 'alice')).toEqual([]);
    expect(
      feed(3, { action: 'login', outcome: 'success', user: 'alice' }),
    ).toEqual([]);
    expect(fail(4, 'alice')).toEqual([
      'Many failed logins: user=alice (3 events)',
    ]);
    // The window started over: two more are not enough.
    expect(fail(5, 'alice')).toEqual([]);
    expect(fail(6, 'alice')).toEqual([]);
    // Too far apart: the first of bob's has left the 10 minute window.
    expect(fail(12, 'bob')).toEqual([]);
    expect(fail(13, 'bob')).toEqual([]);
    expect(fail(14, 'bob')).toEqual([
      'Many failed logins: user=bob (3 events)',
    ]);
  });

  it('value_count: counts distinct values of the condition field per group', () => {
    const { feed } = engineFor(`
title: Password spraying
correlation:
  type: value_count
  rules: [failed_login]
  group-by: [source_ip]
  timespan: 1h
  condition: { field: user, gt: 2 }
`);
    const fail = (m: number, user: string) =>
      feed(m, {
        action: 'login',
        outcome: 'failure',
        user,
        source_ip: '203.0.113.9',
      });
    expect(fail(0, 'alice')).toEqual([]);
    expect(fail(1, 'alice')).toEqual([]);
    expect(fail(2, 'bob')).toEqual([]);
    expect(fail(3, 'bob')).toEqual([]);
    expect(fail(4, 'carol')).toEqual([
      'Password spraying: source_ip=203.0.113.9 (5 events)',
    ]);
  });

  it('temporal: every rule matched within the timespan, in any order', () => {
    const { feed } = engineFor(`
title: Recon
correlation:
  type: temporal
  rules: [recon_a, recon_b]
  group-by: [host]
  timespan: 5m
`);
    expect(feed(0, { cmd: 'hostname', host: 'web-1' })).toEqual([]);
    expect(feed(1, { cmd: 'whoami', host: 'web-2' })).toEqual([]);
    expect(feed(2, { cmd: 'whoami', host: 'web-1' })).toEqual([
      'Recon: host=web-1 (2 events)',
    ]);
    expect(feed(9, { cmd: 'hostname', host: 'web-2' })).toEqual([]);
  });

  it('temporal_ordered: only in the order listed', () => {
    const { feed } = engineFor(`
title: Recon ordered
correlation:
  type: temporal_ordered
  rules: [recon_a, recon_b]
  group-by: [host]
  timespan: 5m
`);
    expect(feed(0, { cmd: 'hostname', host: 'web-1' })).toEqual([]);
    expect(feed(1, { cmd: 'whoami', host: 'web-1' })).toEqual([]);
    expect(feed(2, { cmd: 'hostname', host: 'web-1' })).toEqual([
      'Recon ordered: host=web-1 (3 events)',
    ]);
  });

  it('aliases: one group-by name for fields that differ per rule', () => {
    const { feed } = engineFor(`
title: Login then web
correlation:
  type: temporal
  rules: [failed_login, web_access]
  group-by: [ip]
  timespan: 5m
  aliases:
    ip:
      failed_login: source_ip
      web_access: client.ip
`);
    expect(
      feed(0, { action: 'login', outcome: 'failure', source_ip: '10.0.0.5' }),
    ).toEqual([]);
    expect(feed(1, { kind: 'web', 'client.ip': '10.0.0.6' })).toEqual([]);
    expect(feed(2, { kind: 'web', 'client.ip': '10.0.0.5' })).toEqual([
      'Login then web: ip=10.0.0.5 (2 events)',
    ]);
  });

  it('value_sum: adds the field over the window', () => {
    const { feed } = engineFor(`
title: Large transfer
correlation:
  type: value_sum
  rules: [web_access]
  group-by: [user]
  timespan: 1h
  condition: { field: bytes, gte: 1000 }
`);
    expect(feed(0, { kind: 'web', user: 'a', bytes: '600' })).toEqual([]);
    expect(feed(1, { kind: 'web', user: 'a', bytes: '400' })).toEqual([
      'Large transfer: user=a (2 events)',
    ]);
  });

  it('keeps open windows across a restart', () => {
    const yaml = `
title: Many failed logins
correlation:
  type: event_count
  rules: [failed_login]
  group-by: [user]
  timespan: 10m
  condition: { gte: 3 }
`;
    const first = engineFor(yaml);
    first.feed(0, { action: 'login', outcome: 'failure', user: 'alice' });
    first.feed(1, { action: 'login', outcome: 'failure', user: 'alice' });
    const saved = first.engine.takeChanged();
    expect(saved).toHaveLength(1);
    // Round trip through JSON, as the database keeps it.
    const second = engineFor(yaml);
    second.engine.restore(JSON.parse(JSON.stringify(saved)));
    expect(
      second.feed(2, { action: 'login', outcome: 'failure', user: 'alice' }),
    ).toEqual(['Many failed logins: user=alice (3 events)']);
  });

  it('says which correlations it cannot run, and why', () => {
    const parsed = parseSigmaFile(
      `
title: Few logins
correlation: { type: event_count, rules: [failed_login], timespan: 1h, condition: { lt: 3 } }
---
title: Percentile
correlation: { type: value_percentile, rules: [failed_login], timespan: 1h, condition: { field: x, lte: 1 } }
---
title: No condition
correlation: { type: value_count, rules: [failed_login], timespan: 1h }
---
title: Bad timespan
correlation: { type: event_count, rules: [failed_login], timespan: soon, condition: { gte: 1 } }
`,
      { pack: 'test', file: 'x.yml' },
    );
    expect(parsed.rules.map(r => [r.title, r.unsupported])).toEqual([
      [
        'Few logins',
        expect.stringContaining(
          'only one "gt" or "gte" is evaluated on the stream',
        ),
      ],
      [
        'Percentile',
        expect.stringContaining('correlation type "value_percentile"'),
      ],
      ['No condition', 'a value_count correlation needs a condition'],
      ['Bad timespan', expect.stringContaining('timespan "soon"')],
    ]);
  });
});
