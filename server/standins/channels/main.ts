import Fastify from 'fastify';
import { createStandInContext } from './context';
import { FaultController } from './faults';
import { registerChannelStandIns, standInsTimeScale } from './index';

/**
 * The channel stand-ins on their own (`npm run standins:channels`): a separate process standing
 * in for WeChat Pay, Alipay and Douyin, as the real channels outlive our API. Point the API at it
 * with WECHATPAY_API_BASE=http://127.0.0.1:3100/sandbox/wechatpay (and likewise ALIPAY_GATEWAY,
 * DOUYIN_API_BASE). STANDINS_PORT (default 3100), STANDINS_HOST (127.0.0.1), SANDBOX_TIME_SCALE
 * (default 0.01); SANDBOX_CHANNELS_PORT and SANDBOX_CHANNELS_HOST, their former names, are still
 * read. Prints "channel stand-ins listening on <url>" once ready.
 */
async function main(): Promise<void> {
  if (process.env.NODE_ENV === 'production') {
    console.error('The channel stand-ins never run with NODE_ENV=production.');
    process.exit(2);
  }
  const port = Number(process.env.STANDINS_PORT ?? process.env.SANDBOX_CHANNELS_PORT ?? 3100);
  const host = process.env.STANDINS_HOST ?? process.env.SANDBOX_CHANNELS_HOST ?? '127.0.0.1';
  const app = Fastify({ logger: { level: process.env.LOG_LEVEL ?? 'info' } });
  let base = `http://${host}:${port}`;
  const ctx = createStandInContext({ faults: new FaultController(), timeScale: standInsTimeScale(), baseUrl: () => base, log: app.log });
  registerChannelStandIns(app, ctx);
  await app.listen({ port, host });
  const address = app.server.address();
  if (address && typeof address === 'object') base = `http://${host}:${address.port}`;
  process.stdout.write(`channel stand-ins listening on ${base}\n`);
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
