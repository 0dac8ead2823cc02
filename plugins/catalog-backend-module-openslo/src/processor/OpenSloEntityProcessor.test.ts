import type { Entity } from '@backstage/catalog-model';
import type { CatalogProcessorResult } from '@backstage/plugin-catalog-node';
import fs from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { OpenSloEntityProcessor } from './OpenSloEntityProcessor';

const repoRoot = path.resolve(__dirname, '../../../..');
const specFiles = path.resolve(
  repoRoot,
  '../shared/fixtures/openslo/schema-test/spec-files/v1',
);
const fixture = (file: string): Entity =>
  parse(fs.readFileSync(path.join(specFiles, file), 'utf8'));
const location = { type: 'file', target: 'slos.yaml' };

const repoDocs = (file: string): Entity[] =>
  parseAllDocuments(fs.readFileSync(path.join(repoRoot, file), 'utf8')).map(
    d => d.toJS() as Entity,
  );
const components = repoDocs('catalog/components.yaml');
const lookup = async (ref: string) =>
  components.find(c => `component:default/${c.metadata.name}` === ref);

async function accept(processor: OpenSloEntityProcessor, entity: Entity) {
  const pre = await processor.preProcessEntity(entity);
  await processor.validateEntityKind(pre);
  return pre;
}

async function relationsOf(processor: OpenSloEntityProcessor, entity: Entity) {
  const emitted: CatalogProcessorResult[] = [];
  await processor.postProcessEntity(await accept(processor, entity), location, r =>
    emitted.push(r),
  );
  return emitted.flatMap(r =>
    r.type === 'relation'
      ? [
          `${r.relation.source.kind}:${r.relation.source.name} ${r.relation.type} ${r.relation.target.kind}:${r.relation.target.name}`,
        ]
      : [],
  );
}

describe('OpenSloEntityProcessor', () => {
  const processor = new OpenSloEntityProcessor({ lookup });

  // Documents the specification's schema test holds that break it (see
  // plugins/slo-common's parser tests for what each one breaks).
  const INVALID = [
    'sli-ratio-good-and-bad.yaml',
    'sli-description-ratio-inline-metricsource.yaml',
    'alert-policy-no-cond.yaml',
    'alert-policy-no-notification.yaml',
    'alert-policy-malformed-cond.yaml',
    'alert-policy-malformed-targetref.yaml',
    'alert-policy-many-cond.yaml',
  ];

  it('takes in the OpenSLO specification’s valid v1 documents as they are written', async () => {
    for (const dir of ['slo', 'sli', 'data-source', 'alert-policy']) {
      for (const file of fs
        .readdirSync(path.join(specFiles, dir))
        .filter(f => !INVALID.includes(f))) {
        const entity = fixture(path.join(dir, file));
        await expect(accept(processor, entity)).resolves.toMatchObject({
          apiVersion: 'openslo/v1',
          kind: entity.kind,
        });
      }
    }
  });

  it('takes in every document of catalog/slos.yaml', async () => {
    const docs = repoDocs('catalog/slos.yaml');
    expect(docs.map(d => d.kind)).toEqual(
      expect.arrayContaining(['SLO', 'SLI', 'DataSource', 'AlertPolicy']),
    );
    for (const doc of docs) {
      expect(await processor.validateEntityKind(await processor.preProcessEntity(doc))).toBe(true);
    }
  });

  it('leaves other kinds and versions to other processors', async () => {
    expect(await processor.validateEntityKind(components[0])).toBe(false);
    expect(
      await processor.validateEntityKind({
        ...fixture('slo/slo-indicatorref-rolling-alerts.yaml'),
        apiVersion: 'openslo/v2alpha',
      }),
    ).toBe(false);
  });

  it('refuses invalid documents, naming the field and what is wrong', async () => {
    await expect(
      accept(processor, fixture('sli/sli-ratio-good-and-bad.yaml')),
    ).rejects.toThrow(
      'SLI/GreatSLI: spec.ratioMetric.bad cannot be set together with good',
    );
    await expect(
      accept(processor, fixture('alert-policy/alert-policy-malformed-cond.yaml')),
    ).rejects.toThrow(/^AlertPolicy\/AlertPolicy: spec\.conditions\[0\]\.conditionRef is required unless the AlertCondition is inlined/);
    const slo = fixture('slo/slo-no-indicatorref-rolling-alerts.yaml');
    await expect(
      accept(processor, {
        ...slo,
        spec: {
          ...slo.spec,
          objectives: [{ target: 1.5 }],
          budgetingMethod: 'Sometimes',
        },
      }),
    ).rejects.toThrow(
      /SLO\/TestSLO: .*spec\.budgetingMethod must be Occurrences, Timeslices or RatioTimeslices.*spec\.objectives\[0\]\.target/,
    );
  });

  it('refuses an annotation that names no entity', async () => {
    const slo = repoDocs('catalog/slos.yaml').find(d => d.kind === 'SLO')!;
    await expect(
      accept(processor, {
        ...slo,
        metadata: {
          ...slo.metadata,
          annotations: { 'pilothouse.dev/slo-target': 'component:' },
        },
      }),
    ).rejects.toThrow(
      /metadata\.annotations\.pilothouse\.dev\/slo-target is not an entity reference/,
    );
  });

  it('keeps OpenSLO list labels: single values as labels, the written form in an annotation', async () => {
    const entity = (await repoDocs('catalog/slos.yaml')).find(
      d => d.metadata.name === 'payments-availability',
    )!;
    const pre = await processor.preProcessEntity({
      ...entity,
      metadata: {
        ...entity.metadata,
        labels: { ...entity.metadata.labels, env: ['prod', 'staging'] } as any,
      },
    });
    expect(pre.metadata.labels).toEqual({ tier: 'critical', team: 'payments-team' });
    expect(
      JSON.parse(pre.metadata.annotations!['pilothouse.dev/openslo-labels']),
    ).toEqual({ tier: ['critical'], team: ['payments-team'], env: ['prod', 'staging'] });
    expect(pre.metadata.title).toBe('Payments availability');
  });

  it('relates an SLO to the component it measures, its owner, its system and its SLI', async () => {
    const slo = repoDocs('catalog/slos.yaml').find(
      d => d.metadata.name === 'payments-availability',
    )!;
    expect(await relationsOf(processor, slo)).toEqual([
      'SLO:payments-availability measures Component:payments',
      'Component:payments measuredBy SLO:payments-availability',
      'SLO:payments-availability ownedBy group:payments-team',
      'group:payments-team ownerOf SLO:payments-availability',
      'SLO:payments-availability partOf system:payments-platform',
      'system:payments-platform hasPart SLO:payments-availability',
      'SLO:payments-availability dependsOn SLI:payments-requests-succeed',
      'SLI:payments-requests-succeed dependencyOf SLO:payments-availability',
    ]);
  });

  it('takes target, owner and system from annotations over the service name', async () => {
    const slo = fixture('slo/slo-no-indicatorref-rolling-alerts.yaml');
    const relations = await relationsOf(new OpenSloEntityProcessor(), {
      ...slo,
      metadata: {
        ...slo.metadata,
        annotations: {
          'pilothouse.dev/slo-target': 'resource:payments-db',
          'pilothouse.dev/owner': 'group:sre',
        },
      },
    });
    expect(relations).toEqual([
      'SLO:TestSLO measures resource:payments-db',
      'resource:payments-db measuredBy SLO:TestSLO',
      'SLO:TestSLO ownedBy group:sre',
      'group:sre ownerOf SLO:TestSLO',
    ]);
  });
});
