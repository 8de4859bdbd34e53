import { Duration } from 'cdk8s';
import { FaultInjection } from '../../src';

describe('FaultInjection', () => {
  test('delay, abort and both', () => {
    expect(FaultInjection.delay(Duration.seconds(7))._toIstio()).toEqual({ delay: { fixedDelay: '7s', percentage: { value: 100 } } });
    expect(FaultInjection.abort(503, 10)._toIstio()).toEqual({ abort: { httpStatus: 503, percentage: { value: 10 } } });
    expect(FaultInjection.of({ delay: { fixedDelay: Duration.millis(100), percentage: 0.5 }, abort: { httpStatus: 500 } })._toIstio()).toEqual({
      delay: { fixedDelay: '100ms', percentage: { value: 0.5 } },
      abort: { httpStatus: 500, percentage: { value: 100 } },
    });
  });

  test.each([
    [() => FaultInjection.of({}), '[MESH0050] FaultInjection.of: injects nothing: give a delay, an abort or both'],
    [() => FaultInjection.delay(Duration.millis(0)), '[MESH0051] FaultInjection.of: delay fixedDelay 0ms is too short: use at least 1ms'],
    [() => FaultInjection.delay(Duration.seconds(1), 101), '[MESH0002] FaultInjection.of: delay percentage 101 is not a percentage: use a number from 0 to 100'],
    [() => FaultInjection.abort(600), '[MESH0052] FaultInjection.of: abort httpStatus 600 is not an HTTP status: use 200 to 599'],
    [() => FaultInjection.abort(503, -1), '[MESH0002] FaultInjection.of: abort percentage -1 is not a percentage: use a number from 0 to 100'],
  ])('fails %#', (make, message) => {
    expect(make).toThrow(message);
  });
});
