export { campaignWorkflow } from './campaign';
export { unitWorkflow } from './unit';
