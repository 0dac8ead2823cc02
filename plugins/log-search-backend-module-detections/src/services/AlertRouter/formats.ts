import type {
  Detection,
  DetectionLevel,
} from '@pilothouse/plugin-log-search-common';

/** Where an alert points a person: the detection page and the assistant. */
export interface AlertLinks {
  detection: string;
  assistant: string;
}

/** The question the assistant link asks, so triage starts with the facts. */
export function triageQuestion(detection: Detection): string {
  return [
    `Triage detection ${detection.id}: "${detection.ruleTitle}" (${detection.level})`,
    detection.groupKey ? ` for ${detection.groupKey}` : '',
    detection.entityRef ? ` on ${detection.entityRef}` : '',
    `, ${detection.count} match${detection.count === 1 ? '' : 'es'} since ${
      detection.firstSeen
    }.`,
    ' What happened, is it expected, and what should I do next?',
  ].join('');
}

export function alertLinks(baseUrl: string, detection: Detection): AlertLinks {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    detection: `${base}/logs/detections/${encodeURIComponent(detection.id)}`,
    assistant: `${base}/ai-assistant?q=${encodeURIComponent(
      triageQuestion(detection),
    )}`,
  };
}

function summary(detection: Detection): string {
  return `[${detection.level}] ${detection.ruleTitle}${
    detection.groupKey ? ` (${detection.groupKey})` : ''
  }`;
}

/** Slack incoming webhook: a text fallback and Block Kit blocks. */
export function slackPayload(detection: Detection, links: AlertLinks) {
  const fields = [
    ['Level', detection.level],
    ['Rule', detection.ruleId],
    ['Group', detection.groupKey || '—'],
    ['Entity', detection.entityRef ?? '—'],
    ['Matches', String(detection.count)],
    ['ATT&CK', detection.attack.join(', ') || '—'],
  ];
  return {
    text: `${summary(detection)}: ${links.detection}`,
    blocks: [
      {
        type: 'header',
        text: { type: 'plain_text', text: detection.ruleTitle.slice(0, 150) },
      },
      {
        type: 'section',
        fields: fields.map(([k, v]) => ({
          type: 'mrkdwn',
          text: `*${k}*\n${v}`,
        })),
      },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Open detection' },
            url: links.detection,
            style: 'primary',
          },
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Triage with the assistant' },
            url: links.assistant,
          },
        ],
      },
    ],
  };
}

const PAGERDUTY_SEVERITY: Record<DetectionLevel, string> = {
  critical: 'critical',
  high: 'error',
  medium: 'warning',
  low: 'info',
  informational: 'info',
};

/** PagerDuty Events API v2 `trigger`, deduplicated on the detection id. */
export function pagerDutyPayload(
  detection: Detection,
  links: AlertLinks,
  routingKey: string,
) {
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: `pilothouse-detection-${detection.id}`,
    payload: {
      summary: summary(detection).slice(0, 1024),
      source: detection.entityRef ?? 'pilothouse-log-search',
      severity: PAGERDUTY_SEVERITY[detection.level],
      timestamp: detection.firstSeen,
      ...(detection.entityRef ? { component: detection.entityRef } : {}),
      group: detection.groupKey || undefined,
      class: detection.ruleId,
      custom_details: {
        detection_id: detection.id,
        rule: detection.ruleTitle,
        matches: detection.count,
        first_seen: detection.firstSeen,
        last_seen: detection.lastSeen,
        attack: detection.attack,
      },
    },
    links: [
      { href: links.detection, text: 'Open the detection in Pilothouse' },
      { href: links.assistant, text: 'Triage with the Pilothouse assistant' },
    ],
    client: 'Pilothouse',
    client_url: links.detection,
  };
}

const OPSGENIE_PRIORITY: Record<DetectionLevel, string> = {
  critical: 'P1',
  high: 'P2',
  medium: 'P3',
  low: 'P4',
  informational: 'P5',
};

/** Opsgenie Alert API (`POST /v2/alerts`), aliased on the detection id. */
export function opsgeniePayload(detection: Detection, links: AlertLinks) {
  return {
    message: summary(detection).slice(0, 130),
    alias: `pilothouse-detection-${detection.id}`,
    description: [
      `${detection.ruleTitle}: ${detection.count} match(es) from ${detection.firstSeen} to ${detection.lastSeen}.`,
      detection.groupKey ? `Group: ${detection.groupKey}` : '',
      detection.entityRef ? `Entity: ${detection.entityRef}` : '',
      `Open: ${links.detection}`,
      `Triage with the assistant: ${links.assistant}`,
    ]
      .filter(Boolean)
      .join('\n')
      .slice(0, 15000),
    tags: [`level:${detection.level}`, ...detection.attack],
    details: {
      detectionId: detection.id,
      ruleId: detection.ruleId,
      groupKey: detection.groupKey,
      detectionUrl: links.detection,
      assistantUrl: links.assistant,
    },
    ...(detection.entityRef ? { entity: detection.entityRef } : {}),
    source: 'Pilothouse',
    priority: OPSGENIE_PRIORITY[detection.level],
  };
}
