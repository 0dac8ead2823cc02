import { BenchmarkReport, formatReport } from './report';
import { summarize } from './stats';

describe('formatReport', () => {
  const report: BenchmarkReport = {
    name: 'example',
    title: 'an example',
    file: 'packages/example/bench/example.bench.ts',
    settings: { calls: 4 },
    durationMs: 1500,
    notes: ['a note'],
    rows: [
      {
        group: 'server-a',
        label: 'http tool call',
        summary: summarize([4, 4, 8, 8]),
        perSecond: 1000 / 6,
        baselines: [
          { label: 'in-memory', summary: summarize([1, 1, 2, 2]) },
          { label: 'plain GET', summary: summarize([2, 2, 4, 4]) },
        ],
      },
    ],
  };

  it('prints each figure beside its baselines with the p50 and p99 ratios', () => {
    const lines = formatReport(report).split('\n');
    const figure = lines.find(l => l.includes('http tool call'))!;
    expect(figure.split(/\s{2,}/)).toEqual([
      '',
      'http tool call',
      '4',
      '4.000',
      '8.000',
      '6.000',
      '167',
      'in-memory',
      '4',
      '1.000',
      '2.000',
      '4.0×',
      '4.0×',
    ]);
    const second = lines[lines.indexOf(figure) + 1];
    expect(second.trim().split(/\s{2,}/)).toEqual([
      'plain GET',
      '4',
      '2.000',
      '4.000',
      '2.0×',
      '2.0×',
    ]);
    expect(lines).toContain('server-a');
    expect(lines).toContain('  - a note');
    expect(lines[1]).toContain('calls 4; took 1.5 s');
  });
});
