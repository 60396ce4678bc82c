import { runAnalytics } from '../analytics/run';
import { endpoints, stackLayout } from '../stack/stack';

/** `npm run analytics`: beside `npm start`, an unset KAFKA_BROKERS means the embedded broker, as for the rest of danvan. */
runAnalytics((config) => config.KAFKA_BROKERS ?? endpoints(stackLayout(config, 'dev')).kafkaBrokers);
