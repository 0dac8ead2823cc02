import { InputError } from '@backstage/errors';
import {
  generatePrometheusRules,
  parseOpenSlo,
  parseSlothSpec,
  rulesToYaml,
  SloParseResult,
} from '@pilothouse/plugin-slo-common';
import { parseAllDocuments } from 'yaml';

/**
 * The request body as documents: a YAML stream (`---` between documents), a
 * JSON document, or a JSON array of documents. InputError names the line of
 * a YAML error.
 */
export function readDocuments(body: unknown): unknown[] {
  if (typeof body === 'string') {
    if (!body.trim()) {
      throw new InputError(
        'The body is empty; send an OpenSLO document stream or a Sloth spec as YAML or JSON',
      );
    }
    const docs = parseAllDocuments(body);
    const documents = Array.isArray(docs) ? docs : [docs];
    for (const [i, doc] of documents.entries()) {
      const error = doc.errors[0];
      if (error) {
        const line = error.linePos?.[0].line;
        throw new InputError(
          `The body is not valid YAML (document ${i + 1}${
            line ? `, line ${line}` : ''
          }): ${error.message.split('\n')[0]}`,
        );
      }
    }
    return documents.map(d => d.toJS()).filter(d => d !== null);
  }
  if (Array.isArray(body)) return body;
  if (body && typeof body === 'object' && Object.keys(body).length > 0) {
    return [body];
  }
  throw new InputError(
    'The body is empty; send an OpenSLO document stream or a Sloth spec as YAML (Content-Type: application/yaml) or JSON',
  );
}

function isSloth(doc: unknown): boolean {
  const d = doc as Record<string, unknown> | null;
  return (
    !!d &&
    (d.version === 'prometheus/v1' ||
      (d.apiVersion === 'sloth.slok.dev/v1' &&
        d.kind === 'PrometheusServiceLevel'))
  );
}

function isOpenSlo(doc: unknown): boolean {
  const items = Array.isArray(doc) ? doc : [doc];
  return items.some(item =>
    String((item as Record<string, unknown> | null)?.apiVersion ?? '').startsWith(
      'openslo/',
    ),
  );
}

/** Parses OpenSLO documents or Sloth specs (one or more per body). */
export function parseSloDocuments(docs: unknown[]): SloParseResult {
  if (docs.some(isOpenSlo)) {
    const other = docs.findIndex(d => !isOpenSlo(d));
    if (other >= 0) {
      throw new InputError(
        `Document ${other + 1} is not OpenSLO (apiVersion openslo/v1); send OpenSLO documents and Sloth specs separately`,
      );
    }
    return parseOpenSlo(docs);
  }
  const notSloth = docs.findIndex(d => !isSloth(d));
  if (notSloth >= 0) {
    throw new InputError(
      `Document ${
        notSloth + 1
      } is neither OpenSLO (apiVersion openslo/v1) nor a Sloth spec (version prometheus/v1, or apiVersion sloth.slok.dev/v1 kind PrometheusServiceLevel)`,
    );
  }
  const results = docs.map(parseSlothSpec);
  return {
    slos: results.flatMap(r => r.slos),
    problems: results.flatMap(r => r.problems),
  };
}

/**
 * The Prometheus rule groups (YAML) for every SLO in the documents.
 * InputError listing each problem, by document and field, when a document
 * is invalid or an SLO cannot become Prometheus rules.
 */
export function rulesForDocuments(docs: unknown[]): string {
  const { slos, problems } = parseSloDocuments(docs);
  const invalid = problems.filter(p => p.severity === 'invalid');
  if (invalid.length) {
    throw new InputError(
      `Invalid SLO document: ${invalid
        .map(p => `${p.document} ${p.path}: ${p.message}`)
        .join('; ')}`,
    );
  }
  if (slos.length === 0) {
    throw new InputError(
      'The documents hold no SLO (an OpenSLO kind SLO, or a Sloth spec with slos)',
    );
  }
  const unusable = slos.filter(s => s.unsupported?.length);
  if (unusable.length) {
    throw new InputError(
      `Cannot generate Prometheus rules: ${unusable
        .map(s => `SLO ${s.name}: ${s.unsupported!.join('; ')}`)
        .join('; ')}`,
    );
  }
  return rulesToYaml(slos.flatMap(slo => generatePrometheusRules(slo)));
}
