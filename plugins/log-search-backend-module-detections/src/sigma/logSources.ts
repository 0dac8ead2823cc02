import type { EventFields } from './eventFields';

export interface SigmaLogSource {
  category?: string;
  product?: string;
  service?: string;
}

/**
 * How the events of one Sigma log source look in Pilothouse: which events
 * belong to it, where the rules' field names are read from (LogEvent
 * attributes, flattened with dots as log search stores them), and which
 * fields name who did it (the group key of a single-event detection).
 */
export interface LogSourceMapping {
  id: string;
  description: string;
  product: string;
  /** Services of the product this mapping covers; none means any. */
  services?: string[];
  appliesTo(fields: EventFields): boolean;
  /** Sigma field → the event fields it is read from, first to last. */
  fields: Record<string, string[]>;
  /** Who did it: the group key of single-event detections. */
  principal: string[];
}

const present = (fields: EventFields, path: string) =>
  fields.get(path).some(v => v !== null);

export const KUBERNETES_AUDIT: LogSourceMapping = {
  id: 'kubernetes-audit',
  description:
    'Kubernetes API server audit events (audit.k8s.io/v1 Event), as shipped by Fluent Bit or the OTel Collector',
  product: 'kubernetes',
  services: ['audit'],
  appliesTo: fields =>
    present(fields, 'auditID') ||
    fields
      .get('apiVersion')
      .some(v => typeof v === 'string' && v.startsWith('audit.k8s.io')),
  fields: {
    // SigmaHQ's Kubernetes rules use short names for what the audit event
    // keeps in the request object.
    apiGroup: ['objectRef.apiGroup', 'apiGroup'],
    hostPath: [
      'requestObject.spec.volumes.hostPath',
      'requestObject.spec.template.spec.volumes.hostPath',
      'hostPath',
    ],
    capabilities: [
      'requestObject.spec.containers.securityContext.capabilities.add',
      'requestObject.spec.template.spec.containers.securityContext.capabilities.add',
      'capabilities',
    ],
  },
  principal: ['user.username'],
};

export const AWS_CLOUDTRAIL: LogSourceMapping = {
  id: 'aws-cloudtrail',
  description:
    'AWS CloudTrail records (one record per event, fields as CloudTrail names them)',
  product: 'aws',
  services: ['cloudtrail'],
  appliesTo: fields =>
    present(fields, 'eventSource') && present(fields, 'eventName'),
  fields: {},
  principal: ['userIdentity.arn'],
};

/**
 * Pilothouse's own AI traffic: the LLM gateway's and the assistant's audit
 * records, ingested by log search with source `audit` and the record's
 * fields as attributes (`actor`, `kind`, `target`, `decision`, `rule`,
 * `reason`, `findings.<TYPE>`, `entityRef`).
 */
export const PILOTHOUSE_AUDIT: LogSourceMapping = {
  id: 'pilothouse-audit',
  description:
    "The LLM gateway's and the AI assistant's audit records (log search source `audit`)",
  product: 'pilothouse',
  services: ['llm-gateway', 'ai-assistant'],
  appliesTo: fields => fields.event.source === 'audit',
  fields: {},
  principal: ['actor'],
};

/** Any event: for rules whose log source names no product. */
export const ANY_EVENT: LogSourceMapping = {
  id: 'any',
  description: 'Every event (rules whose log source names no product)',
  product: '',
  appliesTo: () => true,
  fields: {},
  principal: ['user.username', 'userIdentity.arn', 'actor', 'service'],
};

export const LOG_SOURCE_MAPPINGS = [
  KUBERNETES_AUDIT,
  AWS_CLOUDTRAIL,
  PILOTHOUSE_AUDIT,
];

/** The mapping for a rule's log source, or why there is none. */
export function mappingFor(
  logsource: SigmaLogSource,
): { mapping: LogSourceMapping } | { unsupported: string } {
  if (!logsource.product) {
    if (logsource.category || logsource.service) {
      return {
        unsupported: `log source ${JSON.stringify(
          logsource,
        )} names no product; no field mapping for it`,
      };
    }
    return { mapping: ANY_EVENT };
  }
  const candidates = LOG_SOURCE_MAPPINGS.filter(
    m => m.product === logsource.product,
  );
  if (candidates.length === 0) {
    return {
      unsupported: `no field mapping for log source product "${
        logsource.product
      }" (mapped: ${LOG_SOURCE_MAPPINGS.map(m => m.product).join(', ')})`,
    };
  }
  const mapping = candidates.find(
    m =>
      !logsource.service ||
      !m.services ||
      m.services.includes(logsource.service),
  );
  if (!mapping) {
    return {
      unsupported: `no field mapping for service "${logsource.service}" of product "${logsource.product}"`,
    };
  }
  return { mapping };
}

/** Reads a Sigma field from an event through a mapping. */
export function lookupThrough(mapping: LogSourceMapping) {
  return (fields: EventFields, field: string) => {
    const paths = mapping.fields[field];
    if (!paths) return fields.get(field);
    for (const path of paths) {
      const values = fields.get(path);
      if (values.length > 0) return values;
    }
    return [];
  };
}
