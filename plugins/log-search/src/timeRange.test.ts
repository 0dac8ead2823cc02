import {
  describeRange,
  rangeFromParams,
  rangeFromSaved,
  rangeToSaved,
  relativeOf,
  resolveBound,
} from './timeRange';

describe('time ranges', () => {
  it('reads the URL, defaulting to the last hour', () => {
    expect(rangeFromParams(new URLSearchParams())).toEqual({ from: 'now-1h' });
    expect(rangeFromParams(new URLSearchParams('from=now-7d'))).toEqual({
      from: 'now-7d',
    });
    expect(
      rangeFromParams(
        new URLSearchParams(
          'from=2026-11-27T10:00:00Z&to=2026-11-27T11:00:00Z',
        ),
      ),
    ).toEqual({ from: '2026-11-27T10:00:00Z', to: '2026-11-27T11:00:00Z' });
  });

  it('keeps a saved search’s range, relative or absolute', () => {
    expect(rangeToSaved({ from: 'now-15m' })).toBe('15m');
    const absolute = {
      from: '2026-11-27T10:00:00Z',
      to: '2026-11-27T11:00:00Z',
    };
    expect(rangeToSaved(absolute)).toBe(
      '2026-11-27T10:00:00Z/2026-11-27T11:00:00Z',
    );
    expect(rangeFromSaved(rangeToSaved(absolute))).toEqual(absolute);
    expect(rangeFromSaved('24h')).toEqual({ from: 'now-24h' });
    expect(rangeFromSaved(undefined)).toEqual({ from: 'now-1h' });
  });

  it('resolves relative bounds against now and names them', () => {
    const now = Date.parse('2026-11-27T12:00:00Z');
    expect(resolveBound('now-15m', now).toISOString()).toBe(
      '2026-11-27T11:45:00.000Z',
    );
    expect(resolveBound(undefined, now).toISOString()).toBe(
      '2026-11-27T12:00:00.000Z',
    );
    expect(relativeOf({ from: 'now-7d' })).toBe('7d');
    expect(
      relativeOf({ from: '2026-11-27T10:00:00Z', to: 'now' }),
    ).toBeUndefined();
    expect(describeRange({ from: 'now-24h' })).toBe('Last 24 hours');
  });
});
