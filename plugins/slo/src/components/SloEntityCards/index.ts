export { SloDetailsContent, SloOverviewCard } from './SloEntityCards';
