import { mockServices } from '@backstage/backend-test-utils';
import type { ModelProvider } from '../types';
import { DefaultModelRouter } from './DefaultModelRouter';

const provider = (
  id: string,
  price: number,
  maxDataClass: ModelProvider['maxDataClass'],
  models = [`${id}-model`],
): ModelProvider => ({
  id,
  type: 'openai',
  local: maxDataClass === 'restricted',
  maxDataClass,
  timeoutMs: 200,
  models: models.map(name => ({
    name,
    inputUsdPerMTok: price,
    outputUsdPerMTok: price,
  })),
  complete: async () => {
    throw new Error('not used');
  },
  stream: async function* stream() {
    yield* [];
  },
});

function create() {
  return DefaultModelRouter.create({
    providers: [
      provider('dear', 10, 'internal'),
      provider('cheap', 1, 'internal'),
      provider('onprem', 5, 'restricted', ['onprem-model', 'shared']),
      provider('public-only', 0, 'public', ['free', 'shared']),
    ],
    breaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 },
    logger: mockServices.logger.mock(),
  });
}

const ids = (c: Array<{ provider: ModelProvider; model: string }>) =>
  c.map(x => `${x.provider.id}/${x.model}`);

describe('DefaultModelRouter', () => {
  it('offers only providers that may take the class, cheapest first', () => {
    const router = create();
    expect(ids(router.candidates({ dataClass: 'public' }))).toEqual([
      'public-only/free',
      'public-only/shared',
      'cheap/cheap-model',
      'onprem/onprem-model',
      'onprem/shared',
      'dear/dear-model',
    ]);
    expect(ids(router.candidates({ dataClass: 'confidential' }))).toEqual([
      'onprem/onprem-model',
      'onprem/shared',
    ]);
  });

  it('honours a named model only where its provider may take the class', () => {
    const router = create();
    expect(
      ids(router.candidates({ model: 'shared', dataClass: 'public' })),
    ).toEqual(['public-only/shared', 'onprem/shared']);
    expect(
      ids(router.candidates({ model: 'shared', dataClass: 'internal' })),
    ).toEqual(['onprem/shared']);
    expect(
      router.candidates({ model: 'dear-model', dataClass: 'restricted' }),
    ).toEqual([]);
    expect(() =>
      router.candidates({ model: 'gpt-9', dataClass: 'public' }),
    ).toThrow(
      /no provider serves "gpt-9"; known models: dear-model, cheap-model/,
    );
  });

  it('skips a provider after repeated failures, and says why', async () => {
    const router = create();
    const fail = () => Promise.reject(new Error('HTTP 500 from upstream'));
    for (let i = 0; i < 2; i++) {
      await expect(router.execute('cheap', fail)).rejects.toThrow(/HTTP 500/);
    }
    // Open: not even tried.
    let called = false;
    await expect(
      router.execute('cheap', async () => {
        called = true;
      }),
    ).rejects.toThrow(
      /skipped after repeated failures \(last: HTTP 500 from upstream\)/,
    );
    expect(called).toBe(false);
    expect(router.status().find(s => s.id === 'cheap')).toMatchObject({
      healthy: false,
      lastError: 'HTTP 500 from upstream',
    });
    // At equal price an unhealthy provider goes last; otherwise price rules.
    expect(ids(router.candidates({ dataClass: 'internal' }))[0]).toBe(
      'cheap/cheap-model',
    );
  });

  it('times out a silent provider, and does not blame it when the caller leaves', async () => {
    const router = create();
    const hang = ({ signal }: { signal: AbortSignal }) =>
      new Promise((_r, reject) =>
        signal.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    await expect(router.execute('dear', hang)).rejects.toThrow(
      /"dear" did not answer within 200 ms/,
    );
    const caller = new AbortController();
    const call = router.execute('onprem', hang, caller.signal);
    caller.abort();
    await expect(call).rejects.toThrow(/caller went away/);
    await expect(
      router.execute('onprem', hang, AbortSignal.abort()),
    ).rejects.toThrow();
    expect(router.status().find(s => s.id === 'onprem')).toMatchObject({
      healthy: true,
    });
  });
});
