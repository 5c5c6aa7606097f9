import Fastify from 'fastify';
import { createSandboxContext } from './context';
import { FaultController } from './faults';
import { registerChannelSandbox, sandboxTimeScale } from './index';

/**
 * The channel sandbox on its own (`npm run sandbox:channels`): a separate process standing in
 * for WeChat Pay, Alipay and Douyin, as the real channels outlive our API. Point the API at it
 * with WECHATPAY_API_BASE=http://127.0.0.1:3100/sandbox/wechatpay (and likewise ALIPAY_GATEWAY,
 * DOUYIN_API_BASE). SANDBOX_CHANNELS_PORT (default 3100), SANDBOX_CHANNELS_HOST (127.0.0.1),
 * SANDBOX_TIME_SCALE (default 0.01). Prints "channel sandbox listening on <url>" once ready.
 */
async function main(): Promise<void> {
  if (process.env.NODE_ENV === 'production') {
    console.error('The channel sandbox never runs with NODE_ENV=production.');
    process.exit(2);
  }
  const port = Number(process.env.SANDBOX_CHANNELS_PORT ?? 3100);
  const host = process.env.SANDBOX_CHANNELS_HOST ?? '127.0.0.1';
  const app = Fastify({ logger: { level: process.env.LOG_LEVEL ?? 'info' } });
  let base = `http://${host}:${port}`;
  const ctx = createSandboxContext({ faults: new FaultController(), timeScale: sandboxTimeScale(), baseUrl: () => base, log: app.log });
  registerChannelSandbox(app, ctx);
  await app.listen({ port, host });
  const address = app.server.address();
  if (address && typeof address === 'object') base = `http://${host}:${address.port}`;
  process.stdout.write(`channel sandbox listening on ${base}\n`);
  const stop = async () => {
    ctx.stop();
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
