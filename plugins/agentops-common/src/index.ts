/**
 * AI agents and MCP servers as catalog entities (issue 6): the kinds'
 * shapes, relation names and annotations, shared by the catalog module
 * (validation), the agents backend (rendering, drift) and the Agents page.
 *
 * @packageDocumentation
 */
export * from './entities';
export * from './api';
