export { AgentToolsContent } from './AgentToolsContent';
