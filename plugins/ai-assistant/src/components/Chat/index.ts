export { Chat } from './Chat';
