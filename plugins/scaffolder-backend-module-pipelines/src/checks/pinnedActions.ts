import type { Finding } from './findings';
import {
  mapEntries,
  mapGet,
  parseYamlWithPositions,
  scalarValue,
  seqItems,
} from './yamlPositions';

const FULL_SHA = /^[0-9a-f]{40}$/;
const IMAGE_DIGEST = /@sha256:[0-9a-f]{64}$/;

/**
 * Checks that every `uses:` in a GitHub workflow (steps and reusable
 * workflows) names a full commit SHA: a tag or branch can be moved to other
 * code after review. Local actions (`./...`) are part of the repository;
 * Docker actions must name an image digest.
 */
export function checkPinnedActions(file: string, content: string): Finding[] {
  const yaml = parseYamlWithPositions(content);
  const findings: Finding[] = [];
  for (const doc of yaml.documents) {
    const uses: {
      node: NonNullable<ReturnType<typeof mapGet>>;
      value: string;
    }[] = [];
    for (const [, jobPair] of mapEntries(mapGet(doc.contents, 'jobs'))) {
      const job = jobPair.value;
      const jobUses = mapGet(job, 'uses');
      if (jobUses) {
        uses.push({ node: jobUses, value: String(scalarValue(jobUses)) });
      }
      for (const step of seqItems(mapGet(job, 'steps'))) {
        const stepUses = mapGet(step, 'uses');
        if (stepUses) {
          uses.push({ node: stepUses, value: String(scalarValue(stepUses)) });
        }
      }
    }
    // Composite actions (action.yml) list their steps under runs.steps.
    for (const step of seqItems(
      mapGet(mapGet(doc.contents, 'runs'), 'steps'),
    )) {
      const stepUses = mapGet(step, 'uses');
      if (stepUses) {
        uses.push({ node: stepUses, value: String(scalarValue(stepUses)) });
      }
    }
    for (const { node, value } of uses) {
      const problem = pinProblem(value);
      if (problem) {
        findings.push({
          file,
          ...yaml.position(node),
          check: 'sha-pin',
          message: problem,
        });
      }
    }
  }
  return findings;
}

function pinProblem(uses: string): string | undefined {
  if (uses.startsWith('./')) {
    return undefined;
  }
  if (uses.startsWith('docker://')) {
    return IMAGE_DIGEST.test(uses)
      ? undefined
      : `${uses} is not pinned to an image digest; use docker://<image>@sha256:<digest>`;
  }
  const at = uses.lastIndexOf('@');
  if (at < 0) {
    return `${uses} names no version; pin it to a full commit SHA (${uses}@<40-character SHA> # <tag>)`;
  }
  const ref = uses.slice(at + 1);
  return FULL_SHA.test(ref)
    ? undefined
    : `${uses} is not pinned to a full commit SHA; use ${uses.slice(
        0,
        at,
      )}@<40-character SHA> # ${ref}`;
}
