import { Dimension } from '@aws-sdk/client-cloudwatch';
import fs from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { RefusedError } from './errors';

/** Annotation listing the AWS resources a component owns. */
export const AWS_RESOURCES_ANNOTATION = 'aws.amazon.com/resources';

export interface CatalogComponent {
  name: string;
  owner?: string;
  system?: string;
  /** e.g. ['ecs:payments/payments-api', 'rds:payments-db'] */
  resources: string[];
  /** Links whose title contains "Runbook". */
  runbooks: Array<{ title: string; url: string }>;
}

interface Entity {
  kind?: string;
  metadata?: {
    name?: string;
    annotations?: Record<string, string>;
    links?: Array<{ url?: string; title?: string }>;
  };
  spec?: { owner?: string; system?: string };
}

/** Reads the Component entities of a catalog file (YAML, several documents). */
export function catalogComponents(file: string): CatalogComponent[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new RefusedError(
      'The catalog file for triage is not readable',
      'an operator must point --catalog / MCP_AWS_CATALOG at catalog/components.yaml',
    );
  }
  return parseAllDocuments(text)
    .map(doc => doc.toJS() as Entity | null)
    .filter((e): e is Entity => e?.kind === 'Component' && !!e.metadata?.name)
    .map(e => ({
      name: e.metadata!.name!,
      owner: e.spec?.owner,
      system: e.spec?.system,
      resources: (e.metadata!.annotations?.[AWS_RESOURCES_ANNOTATION] ?? '')
        .split(',')
        .map(s => s.trim())
        .filter(Boolean),
      runbooks: (e.metadata!.links ?? [])
        .filter(l => l.url && /runbook/i.test(l.title ?? ''))
        .map(l => ({ title: l.title!, url: l.url! })),
    }));
}

/** The catalog resource references an alarm's dimensions point at. */
export function resourcesOfAlarm(dimensions: Dimension[]): string[] {
  const d = Object.fromEntries(
    dimensions.map(x => [x.Name ?? '', x.Value ?? '']),
  );
  const refs: string[] = [];
  if (d.ClusterName && d.ServiceName) {
    refs.push(`ecs:${d.ClusterName}/${d.ServiceName}`);
  }
  if (d.DBInstanceIdentifier) refs.push(`rds:${d.DBInstanceIdentifier}`);
  if (d.FunctionName) refs.push(`lambda:${d.FunctionName}`);
  if (d.InstanceId) refs.push(`ec2:${d.InstanceId}`);
  return refs;
}
