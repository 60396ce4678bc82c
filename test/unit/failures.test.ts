import { ServiceError } from '@temporalio/client';
import { problemFromOverload } from '../../api/failures';

/** Temporal's overload and outage errors reach the client as 503s to retry, never as 500s. */
describe('problemFromOverload', () => {
  const grpc = (code: number, details: string) => Object.assign(new Error(details), { code, details, metadata: {} });

  it.each([
    [8, 'consistent query buffer is full'],
    [4, 'context deadline exceeded'],
    [14, 'tcp connect error'],
  ])('answers gRPC status %i (%s) with a 503 naming it, also when wrapped', (code, details) => {
    const problem = problemFromOverload(new ServiceError('Failed to query workflow', { cause: grpc(code, details) }));
    expect(problem?.problem).toMatchObject({ status: 503, slug: 'temporarily-unavailable', detail: { en: expect.stringContaining(details) } });
  });

  it('leaves other failures to the error handler', () => {
    expect(problemFromOverload(new ServiceError('bad', { cause: grpc(3, 'invalid argument') }))).toBeUndefined();
    expect(problemFromOverload(new Error('boom'))).toBeUndefined();
  });
});
