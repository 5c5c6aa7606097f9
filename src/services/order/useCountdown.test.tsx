import { act, render, screen } from '@testing-library/react';
import { formatCountdown } from './time';
import { useCountdown } from './useCountdown';

function Clock({ deadline, onZero }: { deadline: number | null; onZero?: () => void }) {
  const left = useCountdown(deadline, onZero);
  return <span data-testid="clock">{formatCountdown(left)}</span>;
}

const clock = () => screen.getByTestId('clock').textContent;

describe('useCountdown', () => {
  beforeEach(() => {
    jest.useFakeTimers();
    jest.setSystemTime(new Date('2026-11-22T10:00:00Z'));
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('ticks every second and calls onZero once at zero', () => {
    const onZero = jest.fn();
    render(<Clock deadline={Date.now() + 2_500} onZero={onZero} />);
    expect(clock()).toBe('00:03');
    act(() => jest.advanceTimersByTime(1_000));
    expect(clock()).toBe('00:02');
    act(() => jest.advanceTimersByTime(1_000));
    expect(clock()).toBe('00:01');
    expect(onZero).not.toHaveBeenCalled();
    act(() => jest.advanceTimersByTime(1_000));
    expect(clock()).toBe('00:00');
    expect(onZero).toHaveBeenCalledTimes(1);
    act(() => jest.advanceTimersByTime(5_000));
    expect(onZero).toHaveBeenCalledTimes(1);
  });

  it('does not fire for a deadline already past, nor run without one', () => {
    const onZero = jest.fn();
    const { rerender } = render(<Clock deadline={Date.now() - 1} onZero={onZero} />);
    expect(clock()).toBe('00:00');
    act(() => jest.advanceTimersByTime(3_000));
    expect(onZero).not.toHaveBeenCalled();
    rerender(<Clock deadline={null} onZero={onZero} />);
    expect(clock()).toBe('00:00');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('restarts when the deadline changes', () => {
    const { rerender } = render(<Clock deadline={Date.now() + 5_000} />);
    expect(clock()).toBe('00:05');
    rerender(<Clock deadline={Date.now() + 90_000} />);
    expect(clock()).toBe('01:30');
    act(() => jest.advanceTimersByTime(30_000));
    expect(clock()).toBe('01:00');
  });
});
