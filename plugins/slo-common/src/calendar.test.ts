import { calendarPeriod, periodSeconds, sloWindowAt } from './calendar';

const DAY = 86400;

describe('calendarPeriod', () => {
  it('answers the current month in UTC: a 31-day month', () => {
    const period = calendarPeriod(
      { kind: 'calendar', unit: 'month', timeZone: 'UTC' },
      new Date('2025-01-17T10:00:00Z'),
    );
    expect(period.start.toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(period.end.toISOString()).toBe('2025-02-01T00:00:00.000Z');
    // 31 × 86400 = 2 678 400 s
    expect(period.seconds).toBe(31 * DAY);
  });

  it('answers a 28-day February', () => {
    const period = calendarPeriod(
      { kind: 'calendar', unit: 'month', timeZone: 'UTC' },
      new Date('2025-02-28T23:59:59Z'),
    );
    expect(period.start.toISOString()).toBe('2025-02-01T00:00:00.000Z');
    expect(period.end.toISOString()).toBe('2025-03-01T00:00:00.000Z');
    // 28 × 86400 = 2 419 200 s
    expect(period.seconds).toBe(28 * DAY);
  });

  it('answers the quarter', () => {
    const period = calendarPeriod(
      { kind: 'calendar', unit: 'quarter', timeZone: 'UTC' },
      new Date('2024-05-15T00:00:00Z'),
    );
    // Q2 2024: April 30 + May 31 + June 30 = 91 days
    expect(period.start.toISOString()).toBe('2024-04-01T00:00:00.000Z');
    expect(period.end.toISOString()).toBe('2024-07-01T00:00:00.000Z');
    expect(period.seconds).toBe(91 * DAY);
  });

  it('counts the month in the SLO time zone', () => {
    // 1 March 2025 03:00 UTC is still 28 February 22:00 in New York (UTC-5):
    // the period is February in New York, from 1 Feb 05:00 UTC to 1 Mar 05:00 UTC.
    const period = calendarPeriod(
      { kind: 'calendar', unit: 'month', timeZone: 'America/New_York' },
      new Date('2025-03-01T03:00:00Z'),
    );
    expect(period.start.toISOString()).toBe('2025-02-01T05:00:00.000Z');
    expect(period.end.toISOString()).toBe('2025-03-01T05:00:00.000Z');
    expect(period.seconds).toBe(28 * DAY);
  });

  it('has a DST month one hour short', () => {
    // March 2025 in New York: clocks go forward on the 9th, so 31 days less an hour:
    // 1 Mar 05:00 UTC (EST) to 1 Apr 04:00 UTC (EDT) = 31 × 86400 - 3600 s
    const period = calendarPeriod(
      { kind: 'calendar', unit: 'month', timeZone: 'America/New_York' },
      new Date('2025-03-20T12:00:00Z'),
    );
    expect(period.start.toISOString()).toBe('2025-03-01T05:00:00.000Z');
    expect(period.end.toISOString()).toBe('2025-04-01T04:00:00.000Z');
    expect(period.seconds).toBe(31 * DAY - 3600);
  });

  it('starts weeks on Monday and honours an OpenSLO startTime', () => {
    // Wednesday 15 January 2025: the ISO week starts Monday the 13th
    const week = calendarPeriod(
      { kind: 'calendar', unit: 'week', timeZone: 'UTC' },
      new Date('2025-01-15T08:00:00Z'),
    );
    expect(week.start.toISOString()).toBe('2025-01-13T00:00:00.000Z');
    expect(week.seconds).toBe(7 * DAY);
    // startTime 2022-01-01 12:00 (a Saturday) in New York: weeks run Saturday noon
    // to Saturday noon; 2025-01-15 falls in the week from Saturday 11 January
    // 12:00 EST = 17:00 UTC
    const anchored = calendarPeriod(
      {
        kind: 'calendar',
        unit: 'week',
        timeZone: 'America/New_York',
        startTime: '2022-01-01 12:00:00',
      },
      new Date('2025-01-15T08:00:00Z'),
    );
    expect(anchored.start.toISOString()).toBe('2025-01-11T17:00:00.000Z');
    expect(anchored.end.toISOString()).toBe('2025-01-18T17:00:00.000Z');
  });

  it('keeps a month anchored on the 31st coming back to it', () => {
    // anchor 31 January: the next periods start 28 Feb (no 31st), 31 March, 30 April, 31 May
    const window = {
      kind: 'calendar' as const,
      unit: 'month' as const,
      timeZone: 'UTC',
      startTime: '2025-01-31T00:00:00',
    };
    expect(calendarPeriod(window, new Date('2025-03-15T00:00:00Z')).start.toISOString()).toBe(
      '2025-02-28T00:00:00.000Z',
    );
    expect(calendarPeriod(window, new Date('2025-05-31T01:00:00Z')).start.toISOString()).toBe(
      '2025-05-31T00:00:00.000Z',
    );
  });

  it('answers the window ending now for rolling SLOs', () => {
    const now = new Date('2025-01-31T00:00:00Z');
    const period = calendarPeriod({ kind: 'rolling', seconds: 28 * DAY }, now);
    expect(period.start.toISOString()).toBe('2025-01-03T00:00:00.000Z');
    expect(period.end).toEqual(now);
  });

  it('refuses an unknown time zone', () => {
    expect(() =>
      calendarPeriod(
        { kind: 'calendar', unit: 'month', timeZone: 'Mars/Olympus' },
        new Date(),
      ),
    ).toThrow(/unknown time zone "Mars\/Olympus"/);
  });
});

describe('periodSeconds and sloWindowAt', () => {
  it('scales calendar SLOs by their nominal length', () => {
    expect(periodSeconds({ kind: 'calendar', unit: 'month', timeZone: 'UTC' })).toBe(30 * DAY);
    expect(periodSeconds({ kind: 'calendar', unit: 'quarter', timeZone: 'UTC' })).toBe(90 * DAY);
    expect(periodSeconds({ kind: 'rolling', seconds: 7 * DAY })).toBe(7 * DAY);
  });

  it('gives the contract shape', () => {
    expect(sloWindowAt({ kind: 'rolling', seconds: 28 * DAY }, new Date())).toEqual({
      kind: 'rolling',
      duration: '4w',
    });
    expect(
      sloWindowAt(
        { kind: 'calendar', unit: 'quarter', timeZone: 'Europe/Paris' },
        new Date('2025-08-10T00:00:00Z'),
      ),
    ).toEqual({
      kind: 'calendar',
      unit: 'quarter',
      timeZone: 'Europe/Paris',
      // 1 July 00:00 in Paris (UTC+2 in summer) is 30 June 22:00 UTC
      start: '2025-06-30T22:00:00.000Z',
    });
  });
});
