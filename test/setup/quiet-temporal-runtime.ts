import { DefaultLogger, Runtime } from '@temporalio/worker';

// Worker state changes and webpack output at INFO drown the test report; warnings and errors still show.
Runtime.install({ logger: new DefaultLogger('WARN') });
