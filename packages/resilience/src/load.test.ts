import { summarize } from '@pilothouse/bench';
import { RunningLlmStandIn, startLlmStandIn } from '@pilothouse/sandbox';
import knexFactory, { Knex } from 'knex';
import http from 'node:http';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { startCluster, TestCluster } from './__testUtils__/cluster';
import { bearer, eventsOf, Portal, startPortal } from './__testUtils__/portal';
import { startPostgres, ThrowawayPostgres } from './__testUtils__/servers';

/** Concurrent users, each sending its next request when the last is answered. */
const USERS = 200;
/** Length of each of the two equal load phases per API. */
const PHASE_MS = 10_000;
/**
 * The one user with a quota the load exceeds (in several tabs at once);
 * everyone else has room.
 */
const LIMITED_USER = 'load-limited';
const LIMITED_TABS = 5;
const LIMITED_RPM = 3;
/**
 * Heap growth allowed from the first phase to the second, after GC. Before
 * secretlint's profiler was switched off, the gateway kept about 70 KB per
 * model call, 20-30 MiB per phase here; a backend serving only 404s grows
 * about 2 MiB over 3,000 requests.
 */
const HEAP_GROWTH_BOUND = 16 * 1024 * 1024;

// `global.gc` without restarting jest's workers with --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

interface PhaseResult {
  /** Status code (0 for a failed request) counts. */
  statuses: Record<number, number>;
  /** Requests answered per user ref. */
  perUser: Map<string, Record<number, number>>;
  latencies: number[];
  errors: string[];
}

/**
 * `USERS` loops, each calling `send(user)` again as soon as it answers,
 * until `PHASE_MS` have passed.
 */
async function runPhase(
  users: string[],
  send: (user: string) => Promise<{ status: number; error?: string }>,
): Promise<PhaseResult> {
  const result: PhaseResult = {
    statuses: {},
    perUser: new Map(),
    latencies: [],
    errors: [],
  };
  const deadline = Date.now() + PHASE_MS;
  await Promise.all(
    users.map(async user => {
      const mine = result.perUser.get(user) ?? {};
      result.perUser.set(user, mine);
      while (Date.now() < deadline) {
        const started = performance.now();
        let outcome: { status: number; error?: string };
        try {
          outcome = await send(user);
        } catch (error) {
          const cause = (error as { cause?: unknown }).cause;
          outcome = {
            status: 0,
            error: `${error}${cause ? ` (${cause})` : ''}`,
          };
        }
        result.latencies.push(performance.now() - started);
        result.statuses[outcome.status] =
          (result.statuses[outcome.status] ?? 0) + 1;
        mine[outcome.status] = (mine[outcome.status] ?? 0) + 1;
        if (outcome.error && result.errors.length < 5) {
          result.errors.push(`${user}: ${outcome.status} ${outcome.error}`);
        }
      }
    }),
  );
  return result;
}

function report(name: string, phases: PhaseResult[], heaps: number[]) {
  const lines = phases.map((phase, i) => {
    const stats = summarize(phase.latencies);
    return `  phase ${i + 1}: ${stats.n} requests in ${PHASE_MS / 1000} s (${(
      stats.n /
      (PHASE_MS / 1000)
    ).toFixed(0)}/s), p50 ${stats.p50.toFixed(1)} ms, p99 ${stats.p99.toFixed(
      1,
    )} ms, statuses ${JSON.stringify(phase.statuses)}, heap after GC ${mib(
      heaps[i + 1],
    )}`;
  });
  process.stdout.write(
    `\n${name}, ${USERS} concurrent users (heap before ${mib(
      heaps[0],
    )}):\n${lines.join('\n')}\n  first answers other than 200: ${JSON.stringify(
      phases.flatMap(p => p.errors).slice(0, 5),
    )}\n  heap growth phase 1 → 2: ${mib(heaps[2] - heaps[1])} (bound ${mib(
      HEAP_GROWTH_BOUND,
    )})\n`,
  );
}

let postgres: ThrowawayPostgres;
let cluster: TestCluster;
let upstream: RunningLlmStandIn;
let portal: Portal;
let auditDb: Knex;

/**
 * A POST on a connection of its own: each simulated user is a separate
 * client, and no request lands on a kept-alive socket the server is
 * closing at that moment.
 */
function post(
  path: string,
  user: string,
  body: object,
): Promise<{
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${portal.baseUrl}${path}`,
      {
        method: 'POST',
        agent: false,
        headers: {
          authorization: bearer(user),
          'content-type': 'application/json',
        },
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', chunk => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

beforeAll(async () => {
  postgres = await startPostgres();
  cluster = await startCluster();
  upstream = await startLlmStandIn();
  portal = await startPortal({
    kubeconfigPath: cluster.kubeconfigPath,
    postgres: postgres.connection,
    llmGateway: {
      providers: [
        {
          id: 'stand-in',
          type: 'anthropic',
          baseUrl: upstream.url,
          apiKey: 'stand-in',
          // A model the organisation runs itself: policy lets everyone use it.
          local: true,
          models: [
            { name: 'stand-in', inputUsdPerMTok: 1, outputUsdPerMTok: 2 },
          ],
          maxDataClass: 'internal',
          timeoutMs: 30_000,
        },
      ],
      // The default capacity (256 model calls at once, as many waiting)
      // takes the 200 users; past that the gateway sheds load with 503.
      quotas: {
        defaults: {
          user: { requestsPerMinute: 1_000_000, tokensPerDay: 1_000_000_000 },
        },
        overrides: [
          {
            subject: `user:default/${LIMITED_USER}`,
            requestsPerMinute: LIMITED_RPM,
          },
        ],
      },
    },
  });
  auditDb = knexFactory({
    client: 'pg',
    connection: {
      ...postgres.connection,
      database: 'backstage_plugin_llm-gateway',
    },
  });
}, 180_000);

afterAll(async () => {
  await auditDb?.destroy();
  await portal?.stop();
  await upstream?.close();
  await cluster?.close();
  await postgres?.destroy();
}, 60_000);

/** Audit records per actor among `actors`. */
async function auditCounts(actors: string[]): Promise<Map<string, number>> {
  const rows: Array<{ actor: string; count: string | number }> = await auditDb(
    'llm_gateway_audit',
  )
    .select('actor')
    .count({ count: '*' })
    .whereIn('actor', actors)
    .groupBy('actor');
  return new Map(rows.map(r => [r.actor, Number(r.count)]));
}

async function verifyAudit() {
  const res = await fetch(`${portal.baseUrl}/api/llm-gateway/v1/audit/verify`, {
    headers: { authorization: bearer('carol') },
  });
  expect(res.status).toBe(200);
  return res.json();
}

const answered = (statuses: Record<number, number>) =>
  Object.entries(statuses)
    .filter(([status]) => status === '200' || status === '429')
    .reduce((sum, [, n]) => sum + n, 0);

describe(`${USERS} concurrent users`, () => {
  it('the gateway: no errors beyond the quota, flat memory, one audit record per decision', async () => {
    const users = Array.from({ length: USERS }, (_, i) =>
      i < LIMITED_TABS ? LIMITED_USER : `load-gateway-${i}`,
    );
    const send = async (user: string) => {
      const res = await post('/api/llm-gateway/anthropic/v1/messages', user, {
        model: 'auto',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'why is checkout slow today?' }],
      });
      if (
        res.status === 429 &&
        !/^\d+$/.test(`${res.headers['retry-after']}`)
      ) {
        return { status: 0, error: '429 without a Retry-After' };
      }
      return {
        status: res.status,
        error: res.status === 200 ? undefined : res.text.slice(0, 300),
      };
    };

    const heaps = [heapAfterGc()];
    const phases: PhaseResult[] = [];
    const started = Date.now();
    for (let phase = 0; phase < 2; phase++) {
      phases.push(await runPhase(users, send));
      upstream.reset(); // the stand-in keeps every request body it saw
      heaps.push(heapAfterGc());
    }
    report(
      'LLM gateway (Anthropic Messages API → stand-in upstream)',
      phases,
      heaps,
    );

    const limited = `user:default/${LIMITED_USER}`;
    for (const phase of phases) {
      // Only the user whose quota the load exceeds is ever refused.
      const { [LIMITED_USER]: _, ...others } = Object.fromEntries(
        phase.perUser,
      );
      for (const [user, statuses] of Object.entries(others)) {
        expect({ user, statuses }).toEqual({
          user,
          statuses: { 200: expect.any(Number) },
        });
      }
      expect(phase.errors.filter(e => !e.startsWith(LIMITED_USER))).toEqual([]);
    }
    // The limited user got its quota in each minute the load ran, no more.
    const minutes = Math.floor((Date.now() - started) / 60_000) + 1;
    const limitedAdmitted = phases.reduce(
      (sum, p) => sum + (p.perUser.get(LIMITED_USER)![200] ?? 0),
      0,
    );
    const limitedStatuses = new Set(
      phases.flatMap(p => Object.keys(p.perUser.get(LIMITED_USER)!)),
    );
    expect(limitedAdmitted).toBeGreaterThanOrEqual(LIMITED_RPM);
    expect(limitedAdmitted).toBeLessThanOrEqual(LIMITED_RPM * minutes);
    expect([...limitedStatuses].sort()).toEqual(['200', '429']);

    expect(heaps[2] - heaps[1]).toBeLessThan(HEAP_GROWTH_BOUND);

    // One record per decision: every answered request, admitted or refused.
    const counts = await auditCounts(users.map(u => `user:default/${u}`));
    for (const user of new Set(users)) {
      const decisions = phases.reduce(
        (sum, p) => sum + answered(p.perUser.get(user)!),
        0,
      );
      expect({
        user,
        records: counts.get(`user:default/${user}`) ?? 0,
      }).toEqual({ user, records: decisions });
    }
    expect(counts.get(limited)).toBeGreaterThan(LIMITED_RPM);
    expect(await verifyAudit()).toMatchObject({ ok: true });
  }, 180_000);

  it('the assistant: no errors, flat memory, one audit record per model call', async () => {
    const users = Array.from(
      { length: USERS },
      (_, i) => `load-assistant-${i}`,
    );
    const conversations = new Map<string, string>();
    const send = async (user: string) => {
      if (!conversations.has(user)) {
        const created = await post(
          '/api/ai-assistant/v1/conversations',
          user,
          {},
        );
        if (created.status !== 201) {
          return { status: created.status, error: created.text.slice(0, 300) };
        }
        conversations.set(user, JSON.parse(created.text).id);
      }
      const res = await post(
        `/api/ai-assistant/v1/conversations/${conversations.get(
          user,
        )}/messages`,
        user,
        { text: 'why is checkout slow today?' },
      );
      if (res.status !== 200) {
        return { status: res.status, error: res.text.slice(0, 300) };
      }
      const events = eventsOf(res.text);
      const last = events.at(-1) as any;
      if (last?.type !== 'turn_finished' || last.message.status !== 'done') {
        return {
          status: 0,
          error: `turn ended with ${JSON.stringify(last).slice(0, 300)}`,
        };
      }
      return { status: 200 };
    };

    const heaps = [heapAfterGc()];
    const phases: PhaseResult[] = [];
    for (let phase = 0; phase < 2; phase++) {
      conversations.clear(); // a fresh conversation per user and phase
      phases.push(await runPhase(users, send));
      upstream.reset();
      heaps.push(heapAfterGc());
    }
    report(
      'AI assistant (one turn per request, model via the gateway)',
      phases,
      heaps,
    );

    for (const phase of phases) {
      expect(phase.errors).toEqual([]);
      expect(Object.keys(phase.statuses)).toEqual(['200']);
    }
    expect(heaps[2] - heaps[1]).toBeLessThan(HEAP_GROWTH_BOUND);

    // Each turn is one model call through the gateway, so one decision.
    const counts = await auditCounts(users.map(u => `user:default/${u}`));
    for (const user of users) {
      const turns = phases.reduce(
        (sum, p) => sum + (p.perUser.get(user)![200] ?? 0),
        0,
      );
      expect({
        user,
        records: counts.get(`user:default/${user}`) ?? 0,
      }).toEqual({
        user,
        records: turns,
      });
    }
    expect(await verifyAudit()).toMatchObject({ ok: true });
  }, 180_000);
});
