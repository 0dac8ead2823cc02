export { AssistantPage } from './AssistantPage';
