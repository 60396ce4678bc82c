import { requireKafkaBrokers } from '../infra/main';
import { runAnalytics } from './run';

/** The projection on its own (`node dist/analytics/main.js` under a service manager): reads the configured brokers and starts none. */
runAnalytics(requireKafkaBrokers);
