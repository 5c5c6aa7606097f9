import type { FastifyInstance } from 'fastify';
import { registerAlipaySandbox } from './alipay';
import type { ChannelSandboxContext } from './context';
import { registerDouyinSandbox } from './douyin';
import { registerFaultRoutes } from './faults';
import { registerWechatpaySandbox } from './wechatpay';

/**
 * The channel sandbox: WeChat Pay v3, Alipay and Douyin gateways speaking their real wire
 * formats under /sandbox/<channel>/, plus the fault controls at /sandbox/faults. Mounted in the
 * API process by `npm start` (SANDBOX=on), or run on its own (`npm run sandbox:channels`) so it
 * outlives an API process that is killed and restarted.
 */
export function registerChannelSandbox(app: FastifyInstance, ctx: ChannelSandboxContext): void {
  registerFaultRoutes(app, ctx.faults);
  registerWechatpaySandbox(app, ctx);
  registerAlipaySandbox(app, ctx);
  registerDouyinSandbox(app, ctx);
}

/** SANDBOX_TIME_SCALE: how much the channels' retry schedules are compressed (0.01: 15 s -> 150 ms). */
export function sandboxTimeScale(env: Record<string, string | undefined> = process.env): number {
  const raw = env.SANDBOX_TIME_SCALE?.trim();
  if (!raw) return 0.01;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > 1) throw new Error(`SANDBOX_TIME_SCALE must be a number in (0, 1], got "${raw}"`);
  return n;
}
