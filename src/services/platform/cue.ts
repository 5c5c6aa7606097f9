import Taro from '@tarojs/taro';

/**
 * The workbench's cue for a new paid order. Mini-programs: a short vibration (the hosts allow
 * it without a gesture). H5 (cue.h5.ts): a short tone once the page has been tapped to allow
 * sound (browsers refuse audio before a user gesture), and a vibration where the browser has one.
 */
export function newOrderCue(): void {
  try {
    const vibrate = (Taro as unknown as { vibrateShort?: (o?: object) => Promise<unknown> }).vibrateShort;
    if (typeof vibrate === 'function') void Promise.resolve(vibrate({ type: 'heavy' })).catch(() => undefined);
  } catch {
    // A host without vibration: nothing to do.
  }
}

/** Whether this platform needs a tap before it may play sound (H5 only). */
export const cueNeedsGesture = false;

/** Called from a tap: lets the page play sound from now on (H5); nothing elsewhere. */
export function enableSoundCue(): boolean {
  return true;
}

export function soundCueEnabled(): boolean {
  return true;
}
