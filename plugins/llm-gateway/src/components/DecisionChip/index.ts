export { DecisionChip } from './DecisionChip';
