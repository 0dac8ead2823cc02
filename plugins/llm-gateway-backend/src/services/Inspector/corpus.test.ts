import { TestDatabases } from '@backstage/backend-test-utils';
import {
  BUILTIN_FINDING_TYPES,
  type Principal,
} from '@pilothouse/plugin-llm-gateway-common';
import fs from 'node:fs';
import path from 'node:path';
import { createTestInspector, joinParts } from './__testUtils__/testInspector';

interface Sample {
  text: string;
  expect: Array<{ type: string; value: string }>;
  note?: string;
}

/** Floors per type that the detectors reach on the corpus; raise them as they improve. */
const FLOORS: Record<string, { precision: number; recall: number }> = {
  SECRET: { precision: 0.95, recall: 0.95 },
  EMAIL: { precision: 0.95, recall: 0.9 },
  PHONE: { precision: 0.95, recall: 0.9 },
  US_SSN: { precision: 0.95, recall: 0.95 },
  CREDIT_CARD: { precision: 0.95, recall: 0.95 },
  IBAN: { precision: 0.95, recall: 0.95 },
  IP_ADDRESS: { precision: 0.95, recall: 0.95 },
  PERSON: { precision: 0.9, recall: 0.9 },
  ADDRESS: { precision: 0.9, recall: 0.9 },
};

const principal: Principal = {
  ref: 'user:default/corpus',
  type: 'user',
  groups: [],
};

function loadCorpus(): Sample[] {
  const file = path.join(__dirname, '__fixtures__', 'corpus.jsonl');
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(line => line.trim())
    .map(line => JSON.parse(line) as Sample)
    .map(s => ({
      ...s,
      text: joinParts(s.text),
      expect: s.expect.map(e => ({ ...e, value: joinParts(e.value) })),
    }));
}

describe('detectors on the labelled corpus', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it('reaches the precision and recall floors for every type', async () => {
    const knex = await databases.init('SQLITE_3');
    const inspector = await createTestInspector(knex);
    const corpus = loadCorpus();
    expect(corpus.length).toBeGreaterThanOrEqual(150);

    const stats = new Map<string, { tp: number; fp: number; fn: number }>();
    const stat = (type: string) => {
      if (!stats.has(type)) stats.set(type, { tp: 0, fp: 0, fn: 0 });
      return stats.get(type)!;
    };
    const misses: string[] = [];
    for (const sample of corpus) {
      const expected = sample.expect.map(e => {
        const start = sample.text.indexOf(e.value);
        if (start === -1)
          throw new Error(`corpus: "${e.value}" not in "${sample.text}"`);
        return {
          type: e.type,
          start,
          end: start + e.value.length,
          matched: false,
        };
      });
      const { findings } = await inspector.inspect(sample.text, {
        direction: 'input',
        principal,
      });
      for (const f of findings) {
        const hit = expected.find(
          e =>
            !e.matched &&
            e.type === f.type &&
            e.start < f.end &&
            f.start < e.end,
        );
        if (hit) {
          hit.matched = true;
          stat(f.type).tp++;
        } else {
          stat(f.type).fp++;
          misses.push(
            `FP ${f.type} "${sample.text.slice(f.start, f.end)}" in: ${
              sample.text
            }`,
          );
        }
      }
      for (const e of expected.filter(x => !x.matched)) {
        stat(e.type).fn++;
        misses.push(
          `FN ${e.type} "${sample.text.slice(e.start, e.end)}" in: ${
            sample.text
          }`,
        );
      }
    }

    const rows = BUILTIN_FINDING_TYPES.map(type => {
      const { tp, fp, fn } = stat(type);
      const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
      const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
      return { type, tp, fp, fn, precision, recall };
    });
    const table = [
      'type          tp  fp  fn  precision  recall',
      ...rows.map(
        r =>
          `${r.type.padEnd(12)} ${String(r.tp).padStart(3)} ${String(
            r.fp,
          ).padStart(3)} ${String(r.fn).padStart(3)}  ${r.precision
            .toFixed(3)
            .padStart(9)}  ${r.recall.toFixed(3).padStart(6)}`,
      ),
      ...misses,
    ].join('\n');
    // The report this test exists for: jest shows console output per file
    // (a worker's stdout is not passed through).
    console.log(`Inspection corpus (${corpus.length} samples)\n${table}`);

    for (const r of rows) {
      expect({
        type: r.type,
        precision: r.precision >= FLOORS[r.type].precision,
      }).toEqual({
        type: r.type,
        precision: true,
      });
      expect({
        type: r.type,
        recall: r.recall >= FLOORS[r.type].recall,
      }).toEqual({
        type: r.type,
        recall: true,
      });
      // Each type is measured on positives, not only on its absence.
      expect(r.tp).toBeGreaterThanOrEqual(5);
    }
  });
});
