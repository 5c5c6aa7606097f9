import path from 'node:path';
import { createHost, treeText, type MountedPage, type SmokeOptions } from './host';
import type { Platform } from './platform-api';
import { frames, type SocketReport } from './sockets';

/**
 * One build in the simulated host, driven by the test that started it (run-host.ts
 * openDrivenHost forks this file with an IPC channel). Unlike runSmoke, which mounts every page
 * on the virtual clock and reports at the end, the app here lives in real time: between
 * commands the host keeps passing real time (the virtual clock keeping pace), so the sockets,
 * a real API's HTTP answers and the app's timers run as on a device while the test acts on the
 * servers. Commands, one at a time, each answered with { id, ok, result } or { id, ok: false, error }:
 *
 *   { op: 'launch' }                                   the app's launch
 *   { op: 'mount', route, query }                      mounts a page (the only one; onLoad...onReady)
 *   { op: 'waitForNode', className, text?, present, timeoutMs }
 *                                                      until the page's tree has (or lacks) a node of
 *                                                      that class (whose text contains `text`)
 *   { op: 'waitForFrame', frame, timeoutMs }           until a socket received a frame with these fields
 *   { op: 'state' }                                    what the page shows, its requests and errors
 *   { op: 'close' }                                    unmounts, disposes and exits
 *
 * argv: <buildDir> <weapp|alipay|tt>; the environment variable SMOKE_DRIVEN_OPTIONS is the JSON
 * of { http?: { target }, realtime?: { target }, storage? } (SmokeOptions).
 */
export type DrivenCommand =
  | { op: 'launch' }
  | { op: 'mount'; route: string; query: Record<string, string> }
  | { op: 'waitForNode'; className: string; text?: string; present: boolean; timeoutMs: number }
  | { op: 'waitForFrame'; frame: Record<string, unknown>; timeoutMs: number }
  | { op: 'state' }
  | { op: 'close' };

export interface DrivenState {
  launchErrors: string[];
  /** The mounted page (null before mount). */
  page: { route: string; errors: string[]; warnings: string[]; requests: string[]; text: string } | null;
  sockets: SocketReport[];
}

export interface DrivenWait extends DrivenState {
  /** Whether the condition held before the time ran out. */
  met: boolean;
  /** Real milliseconds from the command's arrival until the condition held (or the timeout). */
  elapsedMs: number;
  /** The text of each node of the class (waitForNode). */
  nodes: string[];
}

type Dict = Record<string, unknown>;

/** Nodes of a rendered Taro tree whose class list (`cl`) has `className`. */
export function nodesOfClass(tree: unknown, className: string): Dict[] {
  const out: Dict[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) { n.forEach(walk); return; }
    if (!n || typeof n !== 'object') return;
    const node = n as Dict;
    if (typeof node.cl === 'string' && node.cl.split(/\s+/).includes(className)) out.push(node);
    walk(node.cn);
  };
  walk(tree);
  return out;
}

/** Whether `frame` has every field of `want` (compared as JSON). */
function frameMatches(frame: Dict, want: Dict): boolean {
  return Object.entries(want).every(([k, v]) => JSON.stringify(frame[k]) === JSON.stringify(v));
}

async function main(): Promise<void> {
  const [buildDir, platform] = process.argv.slice(2);
  if (!buildDir || !['weapp', 'alipay', 'tt'].includes(platform ?? '') || !process.send) {
    process.stderr.write('usage: forked with an IPC channel: driven-host.ts <buildDir> <weapp|alipay|tt> (SMOKE_DRIVEN_OPTIONS)\n');
    process.exit(2);
  }
  const extra = JSON.parse(process.env.SMOKE_DRIVEN_OPTIONS ?? '{}') as Pick<SmokeOptions, 'http' | 'realtime' | 'storage'>;
  // Real time from the first step: no virtual horizon jumps ahead of the servers.
  const host = createHost({
    buildDir: path.resolve(buildDir),
    platform: platform as Platform,
    horizonMs: 0,
    ...extra,
    ...(extra.realtime ? { realtime: { ...extra.realtime, waitMs: 0 } } : {}),
  });
  let mounted: MountedPage | null = null;
  let disposed = false;
  const tree = () => (mounted ? (mounted.inst.data as Dict).root : undefined);
  const state = (): DrivenState => ({
    launchErrors: [...host.report.launch.errors],
    page: mounted
      ? { route: mounted.page.route, errors: [...mounted.page.errors], warnings: [...mounted.page.warnings], requests: [...mounted.page.requests], text: treeText(tree()) }
      : null,
    sockets: host.report.sockets,
  });

  const run = async (cmd: DrivenCommand): Promise<unknown> => {
    switch (cmd.op) {
      case 'launch':
        await host.launch();
        return state();
      case 'mount':
        if (mounted) throw new Error('a page is mounted already');
        mounted = await host.mount(cmd.route, cmd.query);
        return state();
      case 'waitForNode': {
        const started = Date.now();
        const nodes = () => nodesOfClass(tree(), cmd.className).filter((n) => !cmd.text || treeText(n).includes(cmd.text));
        const holds = () => (nodes().length > 0) === cmd.present;
        await host.passRealTime(cmd.timeoutMs, holds);
        const wait: DrivenWait = { ...state(), met: holds(), elapsedMs: Date.now() - started, nodes: nodesOfClass(tree(), cmd.className).map((n) => treeText(n)) };
        return wait;
      }
      case 'waitForFrame': {
        const started = Date.now();
        const holds = () => host.report.sockets.some((s) => frames(s.received).some((f) => frameMatches(f, cmd.frame)));
        await host.passRealTime(cmd.timeoutMs, holds);
        const wait: DrivenWait = { ...state(), met: holds(), elapsedMs: Date.now() - started, nodes: [] };
        return wait;
      }
      case 'state':
        return state();
      case 'close': {
        if (mounted) await host.unmount(mounted);
        const last = state();
        host.dispose();
        disposed = true;
        return last;
      }
      default:
        throw new Error(`unknown command ${JSON.stringify(cmd)}`);
    }
  };

  const queue: { id: number; cmd: DrivenCommand }[] = [];
  let closing = false;
  process.on('message', (m: { id: number; cmd: DrivenCommand }) => queue.push(m));
  process.on('disconnect', () => { closing = true; });
  // Between commands the app keeps living in real time.
  while (!closing) {
    const next = queue.shift();
    if (!next) {
      if (host.report.launch.ok || mounted) await host.passRealTime(25);
      else await new Promise((resolve) => setTimeout(resolve, 25));
      continue;
    }
    let answer: unknown;
    try {
      answer = { id: next.id, ok: true, result: await run(next.cmd) };
    } catch (err) {
      answer = { id: next.id, ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) };
    }
    await new Promise<void>((resolve) => {
      if (!process.connected) resolve();
      else process.send?.(answer, undefined, undefined, () => resolve());
    });
    if (next.cmd.op === 'close') closing = true;
  }
  // Disconnected without a close: the run is over all the same.
  if (!disposed) host.dispose();
  if (process.connected) process.disconnect();
  // Keep-alive HTTP connections to the API would hold the process a while: it is done.
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
