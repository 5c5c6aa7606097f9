import type { LiveAction, LiveSessionStatus } from '../../../contract/live';
import { defineMachine } from '../../infra/state-machine';

/**
 * A live session's lifecycle (docs/live.md, "Lifecycle"): scheduled -> live (start), live <->
 * paused (pause, resume), live | paused -> ended (end), scheduled -> cancelled (cancel). The
 * events are the host's actions of the contract (liveAction); anything else is 409
 * ILLEGAL_TRANSITION. Ending or cancelling gives the unsold quota back to stock (sessions.ts).
 */
export const liveSessionMachine = defineMachine({
  name: 'live_session',
  states: ['scheduled', 'live', 'paused', 'ended', 'cancelled'],
  initial: 'scheduled',
  transitions: {
    start: { from: ['scheduled'], to: 'live' },
    pause: { from: ['live'], to: 'paused' },
    resume: { from: ['paused'], to: 'live' },
    end: { from: ['live', 'paused'], to: 'ended' },
    cancel: { from: ['scheduled'], to: 'cancelled' },
  },
});

// The table and the contract name the same states and actions.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const statesMatch: Same<(typeof liveSessionMachine.states)[number], LiveSessionStatus> = true;
const actionsMatch: Same<(typeof liveSessionMachine.events)[number], LiveAction> = true;
void statesMatch;
void actionsMatch;

/** States in which the session is on air (its price applies, viewers are counted). */
export const ON_AIR: readonly LiveSessionStatus[] = ['live', 'paused'];
/** States in which the host may still change the session, its lineup and its pin. */
export const OPEN: readonly LiveSessionStatus[] = ['scheduled', 'live', 'paused'];
/** The states a session ends in: its unsold quota is back in stock. */
export const CLOSED: readonly LiveSessionStatus[] = ['ended', 'cancelled'];
