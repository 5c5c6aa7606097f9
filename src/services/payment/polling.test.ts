import { parseOutcome, resultView, shouldPoll } from './polling';

describe('resultView', () => {
  it('follows the server for final states, whatever the client cue says', () => {
    expect(resultView('paid', 'cancelled', false)).toBe('paid');
    expect(resultView('paid', null, true)).toBe('paid');
    expect(resultView('failed', 'submitted', false)).toBe('unpaid');
    expect(resultView('closed', null, false)).toBe('closed');
  });

  it('waits while paying, then times out', () => {
    expect(resultView('paying', null, false)).toBe('waiting');
    expect(resultView('paying', 'submitted', false)).toBe('waiting');
    expect(resultView('paying', 'submitted', true)).toBe('timeout');
  });

  it('offers to pay again when the shopper cancelled or the channel failed in-app', () => {
    expect(resultView('paying', 'cancelled', false)).toBe('unpaid');
    expect(resultView('paying', 'failed', false)).toBe('unpaid');
  });
});

describe('shouldPoll', () => {
  it('polls only while waiting for the server', () => {
    expect(shouldPoll(undefined, null, false)).toBe(true);
    expect(shouldPoll('paying', null, false)).toBe(true);
    expect(shouldPoll('paying', null, true)).toBe(false);
    expect(shouldPoll('paying', 'cancelled', false)).toBe(false);
    expect(shouldPoll('paid', null, false)).toBe(false);
    expect(shouldPoll('failed', null, false)).toBe(false);
    expect(shouldPoll('closed', null, false)).toBe(false);
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
