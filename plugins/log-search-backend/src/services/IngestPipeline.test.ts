import { timeOrderedId } from './IngestPipeline';

describe('timeOrderedId', () => {
  it('is a version 7 UUID whose order follows arrival time', () => {
    const earlier = timeOrderedId(Date.parse('2026-11-26T10:00:00Z'));
    const later = timeOrderedId(Date.parse('2026-11-26T10:00:00.001Z'));
    expect(earlier).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(earlier < later).toBe(true);
    expect(timeOrderedId()).not.toBe(timeOrderedId());
  });
});
