export { MicButton } from './MicButton';
