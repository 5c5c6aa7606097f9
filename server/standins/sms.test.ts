import { latestSms, deliverSms } from './sms';

function fakeLog() {
  const lines: string[] = [];
  const log = {
    info: (_obj: unknown, msg?: string) => {
      lines.push(String(msg));
    },
  };
  return { log, lines };
}

describe('sandbox SMS', () => {
  it('writes the code to the log and keeps the latest message per phone', () => {
    const { log, lines } = fakeLog();
    deliverSms(log, '13700000001', '111111');
    deliverSms(log, '13700000001', '222222');
    deliverSms(log, '13700000002', '333333');
    expect(lines.some((l) => l.includes('13700000001') && l.includes('222222'))).toBe(true);
    expect(latestSms('13700000001')).toMatchObject({ phone: '13700000001', code: '222222' });
    expect(latestSms('13700000001')?.text).toContain('222222');
    expect(latestSms('13700000002')?.code).toBe('333333');
    expect(latestSms('13700000003')).toBeNull();
  });
});
