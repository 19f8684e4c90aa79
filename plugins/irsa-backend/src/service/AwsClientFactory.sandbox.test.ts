/*
 * The bounds of every AWS call, against the sandbox's moto server: adaptive retries of
 * throttling, the concurrency caps, and the time limit (against a listener that never answers).
 * Needs a running, seeded sandbox.
 */
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { ConfigReader } from '@backstage/config';
import {
  loadSettings,
  SANDBOX_ACCOUNT_ID as ACCOUNT,
  sandboxAppConfig,
  Settings,
} from '../__testUtils__/sandboxSettings';
import { Blackhole, startBlackhole } from '../__testUtils__/blackhole';
import { AwsClientFactory } from './AwsClientFactory';
import { readIrsaConfig } from './config';
import { runAsOneRequest, TimeoutError } from './limits';

const ROLE = 'irsa-demo-payments-api';

/** Test-only middleware below the retry middleware (the `deserialize` step runs once per attempt). */
function perAttempt(client: IAMClient, name: string, fn: () => void, after?: () => void) {
  client.middlewareStack.add(
    next => async args => {
      fn();
      try {
        return await next(args);
      } finally {
        after?.();
      }
    },
    { step: 'deserialize', name },
  );
}

/** Counts the calls in flight over HTTP at once. */
function inFlight(client: IAMClient) {
  let now = 0;
  let max = 0;
  perAttempt(
    client,
    'testInFlight',
    () => {
      now += 1;
      max = Math.max(max, now);
    },
    () => {
      now -= 1;
    },
  );
  return { max: () => max, reset: () => (max = 0) };
}

describe('AwsClientFactory (sandbox moto)', () => {
  let s: Settings;
  let blackhole: Blackhole;

  beforeAll(async () => {
    s = loadSettings();
    blackhole = await startBlackhole();
  });

  afterAll(() => blackhole.close());

  function factory(irsa: { aws?: object; timeouts?: object } = {}) {
    const base = sandboxAppConfig(s, []);
    const config = new ConfigReader({
      ...base,
      irsa: { ...base.irsa, ...irsa, aws: { ...base.irsa.aws, ...irsa.aws } },
    });
    return AwsClientFactory.fromConfig(config, readIrsaConfig(config));
  }

  const getRole = (iam: IAMClient) => iam.send(new GetRoleCommand({ RoleName: ROLE }));

  describe('throttling', () => {
    // moto never throttles, so a test middleware answers the first attempts with IAM's
    // `Throttling` error, below the SDK's retry middleware, as a throttled IAM would.
    function throttleFirst(client: IAMClient, times: number) {
      let attempts = 0;
      perAttempt(client, 'testThrottle', () => {
        attempts += 1;
        if (attempts <= times) {
          throw Object.assign(new Error('Rate exceeded'), {
            name: 'Throttling',
            $fault: 'client',
            $metadata: { httpStatusCode: 400 },
          });
        }
      });
      return () => attempts;
    }

    it('retries with backoff in adaptive mode until IAM answers', async () => {
      const aws = factory({ aws: { maxAttempts: 3 } });
      const iam = await aws.iam(ACCOUNT);
      expect(await iam.config.retryStrategy()).toMatchObject({ mode: 'adaptive' });
      const attempts = throttleFirst(iam, 2);
      const res = await getRole(iam);
      expect(res.Role?.RoleName).toBe(ROLE);
      expect(attempts()).toBe(3);
      expect(res.$metadata.attempts).toBe(3);
      expect(res.$metadata.totalRetryDelay).toBeGreaterThan(0);
      // one call as far as the call counts go
      expect(aws.callCounts()).toEqual({ 'iam:GetRole': 1 });
    });

    it('gives up after maxAttempts with the throttling error', async () => {
      const aws = factory({ aws: { maxAttempts: 2 } });
      const iam = await aws.iam(ACCOUNT);
      const attempts = throttleFirst(iam, 100);
      await expect(getRole(iam)).rejects.toMatchObject({ name: 'Throttling', $metadata: { attempts: 2 } });
      expect(attempts()).toBe(2);
    });
  });

  describe('concurrency', () => {
    const calls = (iam: IAMClient, n: number) => Promise.all(Array.from({ length: n }, () => getRole(iam)));

    it('holds the per-request cap within one request', async () => {
      const aws = factory({ aws: { concurrency: { perRequest: 3, perProcess: 5 } } });
      const iam = await aws.iam(ACCOUNT);
      const counter = inFlight(iam);
      await runAsOneRequest(() => calls(iam, 20));
      expect(counter.max()).toBe(3);
    });

    it('holds the per-process cap across requests and outside them', async () => {
      const aws = factory({ aws: { concurrency: { perRequest: 3, perProcess: 5 } } });
      const iam = await aws.iam(ACCOUNT);
      const counter = inFlight(iam);
      await Promise.all([1, 2, 3].map(() => runAsOneRequest(() => calls(iam, 15))));
      expect(counter.max()).toBe(5);
      counter.reset();
      await calls(iam, 20);
      expect(counter.max()).toBe(5);
      expect(aws.callCounts()['iam:GetRole']).toBe(65);
    });
  });

  describe('time limit', () => {
    it('cuts off a call to an endpoint that accepts and never answers', async () => {
      const aws = factory({ aws: { endpoint: blackhole.url('http') }, timeouts: { awsMs: 800 } });
      const iam = await aws.iam(ACCOUNT);
      const started = Date.now();
      const error = await getRole(iam).catch(e => e);
      const elapsed = Date.now() - started;
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error.message).toBe(
        'AWS iam:GetRole timed out: the AWS calls of one request may take 800 ms (irsa.timeouts.awsMs)',
      );
      expect(elapsed).toBeGreaterThanOrEqual(750);
      expect(elapsed).toBeLessThan(1800);
    });

    it('ends a whole request at its deadline, queued calls included', async () => {
      const aws = factory({
        aws: { endpoint: blackhole.url('http'), concurrency: { perRequest: 2, perProcess: 4 } },
        timeouts: { awsMs: 800 },
      });
      const iam = await aws.iam(ACCOUNT);
      const started = Date.now();
      const results = await runAsOneRequest(() =>
        Promise.allSettled(Array.from({ length: 10 }, () => getRole(iam))),
      );
      const elapsed = Date.now() - started;
      expect(results.map(r => r.status)).toEqual(Array(10).fill('rejected'));
      expect((results[9] as PromiseRejectedResult).reason).toBeInstanceOf(TimeoutError);
      // ten calls two at a time, yet one time limit: not five of them
      expect(elapsed).toBeLessThan(1800);
    });
  });
});
