import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { isMap, isPair, isScalar, type Document, type Node } from 'yaml';
import type { Finding } from './findings';
import { loadGitLabCiSchema } from './gitlabCiSchemaSource';
import { mapEntries, parseYamlWithPositions } from './yamlPositions';

const CHECK = 'gitlab-ci-schema';

let validator: ValidateFunction | undefined;

/** GitLab's own JSON schema for .gitlab-ci.yml, compiled once. */
function gitlabCiValidator(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv({
      allErrors: true,
      strict: false, // the schema carries editor keywords (markdownDescription)
      allowUnionTypes: true,
      validateFormats: false,
    });
    validator = ajv.compile(loadGitLabCiSchema());
  }
  return validator;
}

/** Keys at the top of .gitlab-ci.yml that are not jobs. */
const GLOBAL_KEYWORDS = new Set([
  '$schema',
  'spec',
  'default',
  'include',
  'stages',
  'variables',
  'workflow',
  'image',
  'services',
  'cache',
  'before_script',
  'after_script',
  'pages',
]);

/** GitLab's stages when `stages:` is not set, and the two it always adds. */
const DEFAULT_STAGES = ['build', 'test', 'deploy'];
const IMPLICIT_STAGES = ['.pre', '.post'];

function nodeAt(doc: Document.Parsed, pointer: string): Node | undefined {
  const segments = pointer
    .split('/')
    .slice(1)
    .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map(s => (/^\d+$/.test(s) ? Number(s) : s));
  return (doc.getIn(segments, true) as Node | undefined) ?? undefined;
}

/** The key node of `property` in the map at `pointer` (where an unknown key is). */
function keyNodeAt(
  doc: Document.Parsed,
  pointer: string,
  property: string,
): Node | undefined {
  const parent = pointer === '' ? doc.contents : nodeAt(doc, pointer);
  const pair = mapEntries(parent).find(([k]) => k === property)?.[1];
  return isPair(pair) && isScalar(pair.key) ? pair.key : undefined;
}

function describe(error: ErrorObject): string {
  const where = error.instancePath || '/';
  if (error.keyword === 'additionalProperties') {
    return `${where}: unknown keyword "${
      (error.params as { additionalProperty: string }).additionalProperty
    }"`;
  }
  if (error.keyword === 'enum') {
    const allowed = (error.params as { allowedValues: unknown[] })
      .allowedValues;
    return `${where}: must be one of ${allowed
      .map(v => JSON.stringify(v))
      .join(', ')}`;
  }
  return `${where}: ${error.message}`;
}

/**
 * Keeps the errors a person can act on: ajv reports every branch of an
 * `anyOf`/`oneOf` that failed, and the union failing as well; the deepest
 * errors say what is wrong, the ones on their parents repeat it.
 */
function mostSpecific(errors: ErrorObject[]): ErrorObject[] {
  const paths = errors.map(e => e.instancePath);
  const kept = errors.filter(
    e =>
      !paths.some(
        p => p !== e.instancePath && p.startsWith(`${e.instancePath}/`),
      ) &&
      !(
        ['anyOf', 'oneOf', 'if'].includes(e.keyword) &&
        errors.some(
          o =>
            o !== e &&
            o.instancePath === e.instancePath &&
            !['anyOf', 'oneOf', 'if'].includes(o.keyword),
        )
      ),
  );
  const seen = new Set<string>();
  return kept.filter(e => {
    const key = describe(e);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Validates a GitLab CI file against GitLab's published JSON schema (the
 * one its pipeline editor uses), and that every job's stage is declared
 * (which the schema cannot say); each finding names file, line and column.
 */
export function validateGitLabCiFile(file: string, content: string): Finding[] {
  const parsed = parseYamlWithPositions(content);
  if (parsed.errors.length > 0) {
    return parsed.errors.map(e => ({
      file,
      line: e.line,
      column: e.column,
      check: CHECK,
      message: `YAML: ${e.message}`,
    }));
  }
  const doc = parsed.documents[0];
  if (!doc || parsed.documents.length !== 1 || !isMap(doc.contents)) {
    return [
      {
        file,
        line: 1,
        column: 1,
        check: CHECK,
        message: 'a GitLab CI file is one YAML mapping of keywords and jobs',
      },
    ];
  }
  const findings: Finding[] = [];
  const validate = gitlabCiValidator();
  if (!validate(doc.toJS())) {
    for (const error of mostSpecific(validate.errors ?? [])) {
      const node =
        error.keyword === 'additionalProperties'
          ? keyNodeAt(
              doc,
              error.instancePath,
              (error.params as { additionalProperty: string })
                .additionalProperty,
            )
          : nodeAt(doc, error.instancePath);
      findings.push({
        file,
        ...parsed.position(node ?? doc.contents),
        check: CHECK,
        message: describe(error),
      });
    }
  }

  const data = doc.toJS() as Record<string, unknown>;
  const stages = [
    ...(Array.isArray(data.stages) ? data.stages.map(String) : DEFAULT_STAGES),
    ...IMPLICIT_STAGES,
  ];
  for (const [name, pair] of mapEntries(doc.contents)) {
    const job = data[name] as Record<string, unknown> | undefined;
    if (GLOBAL_KEYWORDS.has(name) || name.startsWith('.') || !job) continue;
    const stage = typeof job.stage === 'string' ? job.stage : 'test';
    if (!stages.includes(stage)) {
      const stageNode = mapEntries(pair.value).find(([k]) => k === 'stage');
      findings.push({
        file,
        ...parsed.position(stageNode?.[1].value ?? pair.key),
        check: CHECK,
        message: `/${name}/stage: "${stage}" is not one of the pipeline's stages (${stages.join(
          ', ',
        )})`,
      });
    }
  }
  return findings;
}
