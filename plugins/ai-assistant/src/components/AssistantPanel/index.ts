export { AssistantPanel, entityRefFromPath } from './AssistantPanel';
export { assistantPanel } from './panelStore';
