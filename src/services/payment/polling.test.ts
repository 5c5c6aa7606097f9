import type { Payment } from '@contract';
import { isFinal, parseOutcome, resultView, shouldPoll } from './polling';

const p = (status: Payment['status'], endReason: Payment['endReason'] = null) => ({ status, endReason });

describe('resultView', () => {
  it('follows the server for final states, whatever the client cue says', () => {
    expect(resultView(p('paid'), 'cancelled', false)).toBe('paid');
    expect(resultView(p('paid'), null, true)).toBe('paid');
    expect(resultView(p('failed', 'failed'), 'submitted', false)).toBe('failed');
    expect(resultView(p('closed', 'cancelled'), null, false)).toBe('closed');
    expect(resultView(p('closed', 'superseded'), 'submitted', false)).toBe('closed');
    expect(resultView(p('closed', 'expired'), null, false)).toBe('expired');
  });

  it('waits while paying or closing, then times out', () => {
    expect(resultView(p('paying'), null, false)).toBe('waiting');
    expect(resultView(p('paying'), 'submitted', false)).toBe('waiting');
    expect(resultView(p('paying'), 'submitted', true)).toBe('timeout');
    expect(resultView(p('closing', 'cancelled'), null, false)).toBe('closing');
    expect(resultView(p('closing', 'cancelled'), 'cancelled', true)).toBe('timeout');
  });

  it('offers to pay again when the shopper cancelled or the channel failed in-app', () => {
    expect(resultView(p('paying'), 'cancelled', false)).toBe('unpaid');
    expect(resultView(p('paying'), 'failed', false)).toBe('unpaid');
  });
});

describe('shouldPoll', () => {
  it('polls only while waiting for the server', () => {
    expect(shouldPoll(undefined, null, false)).toBe(true);
    expect(shouldPoll(p('paying'), null, false)).toBe(true);
    expect(shouldPoll(p('closing', 'cancelled'), null, false)).toBe(true);
    expect(shouldPoll(p('paying'), null, true)).toBe(false);
    expect(shouldPoll(p('paying'), 'cancelled', false)).toBe(false);
    expect(shouldPoll(p('paid'), null, false)).toBe(false);
    expect(shouldPoll(p('failed'), null, false)).toBe(false);
    expect(shouldPoll(p('closed', 'expired'), null, false)).toBe(false);
  });

  it('knows the final states', () => {
    expect(['paying', 'closing', 'paid', 'failed', 'closed'].filter((s) => isFinal(s as Payment['status']))).toEqual(['paid', 'failed', 'closed']);
  });
});

describe('parseOutcome', () => {
  it('accepts only the adapter outcomes', () => {
    expect(parseOutcome('cancelled')).toBe('cancelled');
    expect(parseOutcome('failed')).toBe('failed');
    expect(parseOutcome('submitted')).toBe('submitted');
    expect(parseOutcome('paid')).toBeNull();
    expect(parseOutcome(undefined)).toBeNull();
  });
});
