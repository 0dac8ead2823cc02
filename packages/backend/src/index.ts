import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

// Serves the built frontend from the backend, so one process is the portal.
backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// Sign-in: guest for the one-person laptop start; the oauth2-proxy provider
// (identity header set by a trusted proxy, resolved to catalog users) for
// multi-user use, scripts and tests.
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(
  import('@backstage/plugin-auth-backend-module-oauth2-proxy-provider'),
);
backend.add(import('@backstage/plugin-auth-backend-module-github-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
// Catalog processing errors (for example an invalid entity file) go to the log.
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
// ...and to the "unprocessed entities" API and page, with their error text.
backend.add(import('@backstage/plugin-catalog-backend-module-unprocessed'));
// AI agents and MCP servers as catalog kinds (Agent, MCPServer), with each
// server's live tools and drift from what its entity declares.
backend.add(import('@pilothouse/plugin-catalog-backend-module-agentops'));
// OpenSLO documents (SLO, SLI, DataSource, AlertPolicy) as catalog kinds,
// each SLO related to the component it measures.
backend.add(import('@pilothouse/plugin-catalog-backend-module-openslo'));

backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-gitlab'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);
// Pipeline templates' actions: validation of generated workflows and
// manifests, and the laptop's local publish (pilothouse:publishLocal).
// Pipeline template actions, and file locations for the laptop's local publish.
backend.add(import('@pilothouse/plugin-scaffolder-backend-module-pipelines'));

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./modules/permissionPolicy'));

// Search: the built-in Lunr engine unless the database is PostgreSQL, where
// the pg module takes over.
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-pg'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));

backend.add(import('@backstage/plugin-kubernetes-backend'));
backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// The MCP servers the portal acts through (mcp-kubernetes, ...): spawned at
// start, restarted with backoff, health at /api/mcp-servers/servers.
backend.add(import('@pilothouse/plugin-mcp-servers-backend'));
// The LLM security gateway: every AI call passes here (/api/llm-gateway).
backend.add(import('@pilothouse/plugin-llm-gateway-backend'));
// The in-portal AI assistant: chat turns through the gateway (/api/ai-assistant).
backend.add(import('@pilothouse/plugin-ai-assistant-backend'));
// AI agents' Kubernetes isolation: rendered manifests and drift (/api/agents).
backend.add(import('@pilothouse/plugin-agents-backend'));
// Log search: OTLP and JSON-lines ingest, the gateway's audit, search, live
// tail (/api/log-search); detection modules plug into its extension point.
backend.add(import('@pilothouse/plugin-log-search-backend'));

// Log search threat detection: Sigma rules and correlations on every ingested
// batch, anomalies, detections and alert routing (a module of log-search; it
// starts with that plugin).
backend.add(import('@pilothouse/plugin-log-search-backend-module-detections'));

// SLOs evaluated against Prometheus: budgets, burn rates, alerts, rules,
// and the status the gateway's policy reads (/api/slo).
backend.add(import('@pilothouse/plugin-slo-backend'));

// Backstage actions (catalog, scaffolder, slo) over MCP at /api/mcp-actions/v1.
backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.start();
