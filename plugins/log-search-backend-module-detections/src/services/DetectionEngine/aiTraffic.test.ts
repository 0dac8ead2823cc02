import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { JsonValue, LogEvent } from '@pilothouse/plugin-log-search-common';
import { AI_TRAFFIC_PACK, gatewayAudit } from '../../__testUtils__/events';
import { DatabaseDetectionStore } from '../../database/DatabaseDetectionStore';
import { loadRulePack } from '../../sigma/loadPacks';
import { DetectionEngine } from './DetectionEngine';

jest.setTimeout(30_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

async function setup() {
  const knex = await databases.init('SQLITE_3');
  const store = await DatabaseDetectionStore.create({
    database: { getClient: async () => knex, migrations: { skip: false } },
  });
  const pack = await loadRulePack({
    name: 'ai-traffic',
    path: AI_TRAFFIC_PACK,
  });
  const settings = {
    groupWindowMs: 3_600_000,
    maxEventsPerDetection: 20,
    maxWindowEntries: 1000,
    disabledRules: [],
  };
  const engine = await DetectionEngine.create({
    packs: [pack],
    store,
    logger: mockServices.logger.mock(),
    settings,
  });
  const restart = () =>
    DetectionEngine.create({
      packs: [pack],
      store,
      logger: mockServices.logger.mock(),
      settings,
    });
  return { engine, store, pack, restart };
}

/** Recent, so windows saved for a restart have not expired when it reads them back. */
const T0 = Date.now() - 5 * 60_000;

/** A gateway audit record `minute` minutes after T0. */
const audit = (
  minute: number,
  fields: Record<string, JsonValue>,
  actor = 'user:default/alice',
): LogEvent =>
  gatewayAudit(
    { actor, ...fields },
    { timestamp: new Date(T0 + minute * 60_000).toISOString() },
  );

const titles = async (store: DatabaseDetectionStore) =>
  (await store.list({}))
    .map(d => `${d.ruleTitle} [${d.groupKey}] x${d.count}`)
    .sort();

describe('the AI traffic pack on the gateway audit records', () => {
  it('loads every rule, all supported, with ATT&CK tags on the correlations', async () => {
    const { engine, pack } = await setup();
    expect(pack.errors).toEqual([]);
    expect(engine.packSummary()).toEqual([
      { pack: 'ai-traffic', loaded: 10, supported: 10 },
    ]);
    const types = engine
      .rules()
      .map(r => r.type)
      .sort();
    expect(types).toEqual([
      'detection',
      'detection',
      'detection',
      'detection',
      'detection',
      'event_count',
      'event_count',
      'event_count',
      'temporal_ordered',
      'value_count',
    ]);
    for (const rule of engine.rules().filter(r => r.type !== 'detection')) {
      expect(rule.attack.length).toBeGreaterThanOrEqual(2);
    }
  });

  it('repeated denied tool calls by one user: five in ten minutes, not four, not spread across users', async () => {
    const { engine, store } = await setup();
    const deny = (m: number, actor?: string) =>
      audit(
        m,
        { kind: 'tool', decision: 'deny', target: 'kubernetes.delete_pod' },
        actor,
      );
    await engine.process([deny(0), deny(1), deny(2), deny(3)]);
    await engine.process([
      deny(4, 'user:default/bob'),
      deny(5, 'user:default/carol'),
    ]);
    expect(await titles(store)).toEqual([]);
    // The entity the audit record names is the detection's.
    await engine.process([
      audit(6, {
        kind: 'tool',
        decision: 'deny',
        target: 'kubernetes.delete_pod',
        entityRef: 'component:default/payments',
      }),
    ]);
    expect(await titles(store)).toEqual([
      'Repeated Denied Tool Calls By One User [actor=user:default/alice] x1',
    ]);
    expect((await store.list({}))[0].entityRef).toBe(
      'component:default/payments',
    );
  });

  it('denied calls across many tools: four different tools', async () => {
    const { engine, store } = await setup();
    const tools = [
      'aws.stop_instance',
      'aws.reboot_instance',
      'kubernetes.delete_pod',
      'cicd.rollback',
    ];
    await engine.process(
      tools.map((target, i) =>
        audit(i, { kind: 'tool', decision: 'block', target }),
      ),
    );
    expect(await titles(store)).toEqual([
      'Denied Calls Across Many Tools By One User [actor=user:default/alice] x1',
    ]);
  });

  it('a secret then an outbound call by the same user, in that order, within ten minutes', async () => {
    const { engine, store } = await setup();
    const secret = (m: number, actor?: string) =>
      audit(
        m,
        {
          kind: 'model',
          decision: 'allow',
          target: 'auto',
          'findings.SECRET:aws-access-key': 1,
        },
        actor,
      );
    const hosted = (m: number, actor?: string) =>
      audit(
        m,
        {
          kind: 'model',
          decision: 'allow',
          target: 'cloud-small',
          provider: 'primary',
        },
        actor,
      );
    const local = (m: number) =>
      audit(m, {
        kind: 'model',
        decision: 'allow',
        target: 'auto',
        provider: 'local',
      });
    // Outbound first, then the secret: not this pattern. A local model is not outbound.
    await engine.process([
      hosted(0, 'user:default/bob'),
      secret(1, 'user:default/bob'),
      secret(2),
      local(3),
    ]);
    expect(await titles(store)).toEqual([]);
    // Someone else's outbound call does not count either.
    await engine.process([hosted(4, 'user:default/carol')]);
    expect(await titles(store)).toEqual([]);
    await engine.process([
      audit(5, {
        kind: 'tool',
        decision: 'allow',
        target: 'notifications.send_webhook',
      }),
    ]);
    const [detection] = await store.list({});
    expect(detection).toMatchObject({
      ruleTitle: 'Secret Detected Then An Outbound Call',
      groupKey: 'actor=user:default/alice',
      level: 'high',
      attack: [
        'attack.exfiltration',
        'attack.t1567',
        'attack.credential-access',
        'attack.t1552',
      ],
    });
    const { events } = await store.get(detection.id);
    expect(events.map(e => e.attributes.target)).toEqual([
      'notifications.send_webhook',
      'auto',
    ]);
  });

  it('a secret blocked by inspection counts as a secret detected', async () => {
    const { engine, store } = await setup();
    await engine.process([
      audit(0, {
        kind: 'tool',
        decision: 'block',
        rule: 'inspection',
        reason:
          'blocked: the arguments contain SECRET:github-token; the tool was not called',
      }),
      audit(1, {
        kind: 'model',
        decision: 'allow',
        target: 'cloud-small',
        provider: 'primary',
      }),
    ]);
    expect(await titles(store)).toContain(
      'Secret Detected Then An Outbound Call [actor=user:default/alice] x1',
    );
  });

  it('approval bursts: five approvals by one approver in ten minutes', async () => {
    const { engine, store } = await setup();
    const approve = (m: number) =>
      audit(
        m,
        {
          kind: 'approval',
          decision: 'allow',
          target: 'kubernetes.scale_deployment',
        },
        'user:default/bob',
      );
    await engine.process([0, 3, 6, 9].map(approve));
    // Rejections are not approvals.
    await engine.process([
      audit(9.5, { kind: 'approval', decision: 'deny' }, 'user:default/bob'),
    ]);
    expect(await titles(store)).toEqual([]);
    await engine.process([approve(9.8)]);
    expect(await titles(store)).toEqual([
      'Burst Of Approvals By One Approver [actor=user:default/bob] x1',
    ]);
  });

  it('quota exhaustion: each one is a low detection, grouped; ten in ten minutes is a high one', async () => {
    const { engine, store } = await setup();
    const quota = (m: number) =>
      audit(m, {
        kind: 'model',
        decision: 'deny',
        rule: 'quota',
        reason: 'request rate limit reached',
      });
    await engine.process(Array.from({ length: 9 }, (_, i) => quota(i)));
    expect(await titles(store)).toEqual([
      'AI Quota Exhausted [actor=user:default/alice] x9',
    ]);
    await engine.process([quota(9.5)]);
    expect(await titles(store)).toEqual([
      'AI Quota Exhausted [actor=user:default/alice] x10',
      'Repeated Quota Exhaustion By One User [actor=user:default/alice] x1',
    ]);
  });

  it('keeps an open correlation window across a restart', async () => {
    const { engine, store, restart } = await setup();
    const deny = (m: number) =>
      audit(m, {
        kind: 'tool',
        decision: 'deny',
        target: 'kubernetes.delete_pod',
      });
    await engine.process([deny(0), deny(1), deny(2)]);
    const again = await restart();
    expect(again.openWindows()).toBe(2);
    await again.process([deny(3), deny(4)]);
    expect(await titles(store)).toEqual([
      'Repeated Denied Tool Calls By One User [actor=user:default/alice] x1',
    ]);
  });

  it('ignores events that are not gateway audit records', async () => {
    const { engine, store } = await setup();
    const notAudit = {
      ...audit(0, { kind: 'model', decision: 'deny', rule: 'quota' }),
      source: 'jsonl',
    };
    await engine.process([notAudit]);
    expect(await titles(store)).toEqual([]);
  });
});
