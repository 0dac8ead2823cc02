import {
  Detection,
  DETECTION_LEVELS,
  DetectionLevel,
} from '@pilothouse/plugin-log-search-common';

/** Most severe first. */
export const LEVELS_BY_SEVERITY: DetectionLevel[] = [
  ...DETECTION_LEVELS,
].reverse();

export function bySeverityThenRecency(a: Detection, b: Detection) {
  return (
    DETECTION_LEVELS.indexOf(b.level) - DETECTION_LEVELS.indexOf(a.level) ||
    b.lastSeen.localeCompare(a.lastSeen)
  );
}

/**
 * A Sigma ATT&CK tag as a person reads it, with a link for techniques:
 * `attack.t1078.004` → T1078.004 (attack.mitre.org/techniques/T1078/004),
 * `attack.privilege_escalation` → "privilege escalation" (a tactic).
 */
export function attackTag(tag: string): { label: string; url?: string } {
  const name = tag.replace(/^attack\./i, '');
  const technique = name.match(/^t(\d{4})(?:\.(\d{3}))?$/i);
  if (technique) {
    const id = `T${technique[1]}`;
    return {
      label: technique[2] ? `${id}.${technique[2]}` : id,
      url: `https://attack.mitre.org/techniques/${id}/${
        technique[2] ? `${technique[2]}/` : ''
      }`,
    };
  }
  const group = name.match(/^g(\d{4})$/i);
  if (group) {
    return {
      label: `G${group[1]}`,
      url: `https://attack.mitre.org/groups/G${group[1]}/`,
    };
  }
  return { label: name.replace(/[_-]/g, ' ') };
}

/**
 * The question the AI assistant is opened with for a detection: what fired,
 * on what, how often, and what is asked of it.
 */
export function triageQuestion(detection: Detection) {
  const parts = [
    `Triage the ${detection.level} security detection "${detection.ruleTitle}" (rule ${detection.ruleId}, detection ${detection.id})`,
    detection.entityRef ? ` on ${detection.entityRef}` : '',
    `: ${detection.count} matching event${
      detection.count === 1 ? '' : 's'
    } between ${detection.firstSeen} and ${detection.lastSeen}`,
    detection.groupKey ? `, grouped by ${detection.groupKey}` : '',
    detection.attack.length ? `. ATT&CK: ${detection.attack.join(', ')}` : '',
    '. Is this a real threat, what else should I check, and what should I do now?',
  ];
  return parts.join('');
}
