import { loadGatewayConfig } from '../config/gateway.config';
import { problemsOf } from '../test/config-problems';

describe('gateway config: live-lane backpressure', () => {
  it('defaults to 512 texts and half the inference deadline', () => {
    expect(loadGatewayConfig({}).backpressure).toEqual({ maxDepth: 512, maxWaitMs: 5_000 });
    expect(loadGatewayConfig({ INFERENCE_TIMEOUT_MS: '3001' }).backpressure).toEqual({ maxDepth: 512, maxWaitMs: 1_500 });
  });

  it('takes explicit limits, 0 turning one off', () => {
    expect(loadGatewayConfig({ LIVE_QUEUE_MAX_DEPTH: '100', LIVE_QUEUE_MAX_WAIT_MS: '9999' }).backpressure).toEqual({ maxDepth: 100, maxWaitMs: 9_999 });
    expect(loadGatewayConfig({ LIVE_QUEUE_MAX_DEPTH: '0', LIVE_QUEUE_MAX_WAIT_MS: '0' }).backpressure).toEqual({ maxDepth: 0, maxWaitMs: 0 });
  });

  it('refuses a depth a full batch could never pass, and a wait budget past the deadline', () => {
    expect(problemsOf({ LIVE_QUEUE_MAX_DEPTH: '99' })).toEqual(['LIVE_QUEUE_MAX_DEPTH: must be 0 (off) or at least 100, the largest batch']);
    expect(problemsOf({ LIVE_QUEUE_MAX_DEPTH: '-1', LIVE_QUEUE_MAX_WAIT_MS: 'soon' })).toEqual([
      expect.stringContaining('LIVE_QUEUE_MAX_DEPTH: must be at least 0'),
      expect.stringContaining('LIVE_QUEUE_MAX_WAIT_MS: must be a whole number'),
    ]);
    expect(problemsOf({ LIVE_QUEUE_MAX_WAIT_MS: '10000' })).toEqual(['LIVE_QUEUE_MAX_WAIT_MS: must be below INFERENCE_TIMEOUT_MS (10000); 0 turns the limit off']);
  });
});
