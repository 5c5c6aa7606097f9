/** H5: a short two-tone chime through Web Audio, allowed only after a tap (see cue.ts). */
type AudioCtor = new () => AudioContext;

let context: AudioContext | null = null;

export const cueNeedsGesture = true;

/** Must run inside a tap's handler: browsers start audio only from a user gesture. */
export function enableSoundCue(): boolean {
  try {
    const w = window as unknown as { AudioContext?: AudioCtor; webkitAudioContext?: AudioCtor };
    const Ctor = w.AudioContext ?? w.webkitAudioContext;
    if (!Ctor) return false;
    context = context ?? new Ctor();
    void context.resume();
    return true;
  } catch {
    return false;
  }
}

export function soundCueEnabled(): boolean {
  return context !== null && context.state !== 'closed';
}

function tone(ctx: AudioContext, freq: number, start: number) {
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.frequency.value = freq;
  gain.gain.setValueAtTime(0.0001, start);
  gain.gain.exponentialRampToValueAtTime(0.3, start + 0.02);
  gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.25);
  osc.connect(gain).connect(ctx.destination);
  osc.start(start);
  osc.stop(start + 0.3);
}

export function newOrderCue(): void {
  try {
    if (typeof navigator !== 'undefined' && typeof navigator.vibrate === 'function') navigator.vibrate(200);
    if (!context || context.state === 'closed') return;
    const now = context.currentTime;
    tone(context, 880, now);
    tone(context, 1320, now + 0.18);
  } catch {
    // No audio: the banner on the page is the cue.
  }
}
