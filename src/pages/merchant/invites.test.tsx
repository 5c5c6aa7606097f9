import type { InvitePreview, StaffInvite, StaffMember } from '@contract';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { useSession } from '@/stores/session';
import { useWorkbenchStore } from '@/stores/workbench';
import { session } from '@/test/fixtures';
import { mockApi, ok, problem, renderWithClient } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import JoinPage from './join';
import StaffPage from './staff';
import { NOW, workplace } from './test-data';

/**
 * Invite codes on the client (docs/merchant.md, "Staff invites"): the owner's invite sheet
 * (by phone or a code alone) and its result, shown once, with copy and share; the join page
 * where a signed-in person on any platform previews an invite by its code and takes it.
 */
const M = '/api/merchants/m_1';
const CODE = 'ABCD2345';
const EXPIRES = NOW + 72 * 3600_000;

const me: StaffMember = { id: 'stf_me', userId: 'u_1', phone: '13500000000', nickname: '演示店主', role: 'owner', status: 'active', invitedBy: null, inviteExpiresAt: null, createdAt: 1, updatedAt: 1 };
const created = (over: Partial<StaffInvite> = {}): StaffInvite => ({
  id: 'stf_new', userId: null, phone: null, nickname: null, role: 'kitchen', status: 'invited', invitedBy: 'u_1', inviteExpiresAt: EXPIRES, createdAt: NOW, updatedAt: NOW, inviteCode: CODE, ...over,
});
const preview = (over: Partial<InvitePreview> = {}): InvitePreview => ({
  merchantId: 'm_1', merchantName: '山野小铺', merchantLogo: '/images/m_1.svg', role: 'operator', expiresAt: EXPIRES, alreadyMember: false, ...over,
});

afterEach(() => {
  process.env.TARO_ENV = 'h5';
});

describe('the invite sheet (staff page, owners)', () => {
  beforeEach(() => {
    useWorkbenchStore.setState({ merchantId: null });
    taroMock.setRouterParams({ merchantId: 'm_1' });
  });

  function staffApi(answer: (body: unknown) => ReturnType<typeof ok>, items: StaffMember[] = [me]) {
    const invites: { body: unknown; key: string }[] = [];
    const calls = mockApi({
      [`GET ${M}`]: () => ok(workplace()),
      [`GET ${M}/staff`]: () => ok({ items }),
      [`POST ${M}/staff`]: (req) => {
        invites.push({ body: req.body, key: req.header?.['Idempotency-Key'] ?? '' });
        return answer(req.body);
      },
    });
    return { invites, calls };
  }

  it('makes a code without a phone and shows it once, large, to copy, with the join link on H5', async () => {
    const { invites } = staffApi(() => ok(created(), 201));
    renderWithClient(<StaffPage />);
    fireEvent.click(await screen.findByTestId('wb-invite-open'));
    const sheet = screen.getByTestId('wb-invite');
    // Phone first; the code mode has no phone field and says what a code does.
    expect(within(sheet).getByTestId('wb-invite-phone')).toBeTruthy();
    fireEvent.click(within(sheet).getByTestId('wb-invite-mode-code'));
    expect(within(sheet).queryByTestId('wb-invite-phone')).toBeNull();
    expect(within(sheet).getByTestId('wb-invite-hint').textContent).toContain('72 小时内有效');
    expect(within(sheet).getByTestId('wb-invite-submit').textContent).toBe('生成邀请码');
    fireEvent.click(within(sheet).getByTestId('wb-invite-role-kitchen'));
    fireEvent.click(within(sheet).getByTestId('wb-invite-submit'));

    const result = await screen.findByTestId('wb-invite-result');
    expect(invites).toEqual([{ body: { role: 'kitchen' }, key: expect.stringMatching(/.+/) }]);
    expect(screen.queryByTestId('wb-invite')).toBeNull();
    expect(within(result).getByTestId('wb-invite-code').textContent).toBe(CODE);
    expect(result.textContent).toContain('角色：后厨');
    expect(result.textContent).toContain('邀请码只显示这一次，请复制或分享给店员');
    fireEvent.click(within(result).getByTestId('wb-invite-copy'));
    expect(Taro.setClipboardData).toHaveBeenCalledWith({ data: CODE });
    // H5: the join page's link to pass on, no share button.
    const link = `${window.location.origin}${window.location.pathname}#/pages/merchant/join?code=${CODE}`;
    expect(within(result).getByTestId('wb-invite-link').textContent).toBe(link);
    fireEvent.click(within(result).getByTestId('wb-invite-copy-link'));
    expect(Taro.setClipboardData).toHaveBeenLastCalledWith({ data: link });
    expect(within(result).queryByTestId('wb-invite-share')).toBeNull();
    fireEvent.click(within(result).getByTestId('wb-invite-done'));
    expect(screen.queryByTestId('wb-invite-result')).toBeNull();
    expect(screen.queryByText(CODE)).toBeNull();
  });

  it('on a mini-program, a share button whose card opens the join page with the code', async () => {
    process.env.TARO_ENV = 'weapp';
    staffApi(() => ok(created(), 201));
    renderWithClient(<StaffPage />);
    fireEvent.click(await screen.findByTestId('wb-invite-open'));
    // Shared from the menu before any code is shown: the shop, not this page.
    expect(taroMock.share()).toEqual({ title: '小店', path: '/pages/home/index' });
    fireEvent.click(screen.getByTestId('wb-invite-mode-code'));
    fireEvent.click(screen.getByTestId('wb-invite-submit'));
    const result = await screen.findByTestId('wb-invite-result');
    expect(within(result).getByTestId('wb-invite-share').textContent).toBe('分享给店员');
    expect(within(result).queryByTestId('wb-invite-link')).toBeNull();
    await waitFor(() => expect(taroMock.share()).toEqual({ title: '邀请你加入「山野小铺」', path: `/pages/merchant/join?code=${CODE}` }));
  });

  it('by phone: checks the number first; a waiting invite shows its code with the phone; an existing account joins at once', async () => {
    let joined = false;
    const { invites } = staffApi((body) => ok(joined ? created({ userId: 'u_2', phone: (body as { phone: string }).phone, status: 'active', inviteExpiresAt: null, inviteCode: null }) : created({ phone: '13800138000', role: 'operator' }), 201));
    renderWithClient(<StaffPage />);
    fireEvent.click(await screen.findByTestId('wb-invite-open'));
    fireEvent.change(screen.getByTestId('wb-invite-phone'), { target: { value: '1380013' } });
    fireEvent.click(screen.getByTestId('wb-invite-submit'));
    expect(screen.getByTestId('wb-invite-problem').textContent).toBe('请输入正确的 11 位手机号');
    expect(invites).toHaveLength(0);
    fireEvent.change(screen.getByTestId('wb-invite-phone'), { target: { value: '13800138000' } });
    fireEvent.click(screen.getByTestId('wb-invite-submit'));
    const result = await screen.findByTestId('wb-invite-result');
    expect(invites[0].body).toEqual({ phone: '13800138000', role: 'operator' });
    expect(result.textContent).toContain('对方用 138****8000 登录后会自动加入，也可凭邀请码加入');
    fireEvent.click(within(result).getByTestId('wb-invite-done'));

    joined = true;
    fireEvent.click(screen.getByTestId('wb-invite-open'));
    fireEvent.change(screen.getByTestId('wb-invite-phone'), { target: { value: '13900139000' } });
    fireEvent.click(screen.getByTestId('wb-invite-submit'));
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '该手机号已注册，已直接加入店铺' })));
    expect(screen.queryByTestId('wb-invite-result')).toBeNull();
    // A new intent, a new key.
    expect(invites[1].key).not.toBe(invites[0].key);
  });

  it('a problem code shows its message in the sheet; the same intent tried again keeps its key; a replay without the code says so', async () => {
    let answer = problem(503, 'SERVICE_UNAVAILABLE');
    const { invites } = staffApi(() => answer);
    renderWithClient(<StaffPage />);
    fireEvent.click(await screen.findByTestId('wb-invite-open'));
    fireEvent.click(screen.getByTestId('wb-invite-mode-code'));
    fireEvent.click(screen.getByTestId('wb-invite-submit'));
    expect((await screen.findByTestId('wb-invite-problem')).textContent).toBe('服务暂时不可用，请稍后再试');
    // The first answer was lost; the server replays the invite without its code.
    answer = ok(created({ inviteCode: null }), 201);
    fireEvent.click(screen.getByTestId('wb-invite-submit'));
    await waitFor(() => expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: '邀请已创建，但邀请码只显示一次。如未记下，请撤回该邀请后重新生成', showCancel: false })));
    expect(invites[1].key).toBe(invites[0].key);
    expect(screen.queryByTestId('wb-invite-result')).toBeNull();
  });

  it('lists waiting invites with when their code stops working, and a code-only invite by what it is', async () => {
    staffApi(() => ok(created(), 201), [
      me,
      { ...created({ id: 'stf_code' }), inviteCode: undefined } as unknown as StaffMember,
      { ...me, id: 'stf_old', userId: null, nickname: null, phone: '13800138000', role: 'operator', status: 'invited', inviteExpiresAt: Date.now() - 1 },
    ]);
    renderWithClient(<StaffPage />);
    await waitFor(() => expect(screen.getAllByTestId('wb-staff')).toHaveLength(3));
    const [, code, old] = screen.getAllByTestId('wb-staff');
    expect(code.textContent).toContain('邀请码邀请');
    expect(code.textContent).toContain('待加入 · 邀请码');
    expect(code.textContent).toContain('前有效');
    expect(old.textContent).toContain('138****8000 · 待加入 · 邀请码已过期');
  });
});

describe('the join page', () => {
  beforeEach(() => {
    useWorkbenchStore.setState({ merchantId: null });
    useSession.getState().setSession(session());
  });

  it('needs a signed-in account: the login page brings the person back with the code, and nothing is asked before', async () => {
    useSession.getState().clear();
    taroMock.setRouterParams({ code: CODE });
    const calls = mockApi({});
    renderWithClient(<JoinPage />);
    expect(screen.getByTestId('wb-join-login').textContent).toContain('登录后即可查看邀请并加入店铺');
    fireEvent.click(screen.getByTestId('wb-join-login-go'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: `/pages/login/index?redirect=${encodeURIComponent(`/pages/merchant/join?code=${CODE}`)}` });
    expect(calls).toHaveLength(0);
  });

  it('opened from a link: previews the invite, 加入店铺 takes it and switches to that workbench', async () => {
    taroMock.setRouterParams({ code: CODE.toLowerCase() });
    const accepted: string[] = [];
    mockApi({
      [`GET /api/staff-invites/${CODE}`]: () => ok(preview()),
      [`POST /api/staff-invites/${CODE}/accept`]: (req) => {
        accepted.push(req.header?.['Idempotency-Key'] ?? '');
        return ok(workplace('operator'));
      },
    });
    renderWithClient(<JoinPage />);
    const card = await screen.findByTestId('wb-join-preview');
    expect(card.textContent).toContain('山野小铺');
    expect(card.textContent).toContain('邀请你成为：运营');
    expect(card.textContent).toContain('前有效');
    fireEvent.click(screen.getByTestId('wb-join-accept'));
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/merchant/index?merchantId=m_1' }));
    expect(accepted).toEqual([expect.stringMatching(/.+/)]);
    expect(useWorkbenchStore.getState().merchantId).toBe('m_1');
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已加入山野小铺' }));
  });

  it('a typed code is checked before it is sent (a typo never counts against the account), then previewed', async () => {
    taroMock.setRouterParams({});
    const calls = mockApi({ [`GET /api/staff-invites/${CODE}`]: () => ok(preview()) });
    renderWithClient(<JoinPage />);
    fireEvent.change(screen.getByTestId('wb-join-code'), { target: { value: 'ABCD1234' } });
    fireEvent.click(screen.getByTestId('wb-join-view'));
    expect(screen.getByTestId('wb-join-problem').textContent).toBe('邀请码为 8 位字母或数字');
    expect(calls).toHaveLength(0);
    fireEvent.change(screen.getByTestId('wb-join-code'), { target: { value: 'abcd-2345' } });
    fireEvent.click(screen.getByTestId('wb-join-view'));
    await screen.findByTestId('wb-join-preview');
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([`GET /api/staff-invites/${CODE}`]);
  });

  it.each([
    ['INVITE_NOT_FOUND', 404, '邀请码无效或已过期，请向店主索取新的邀请码'],
    ['INVITE_CODE_LOCKED', 429, '邀请码错误次数过多，请稍后再试'],
  ])('%s: its message, no retry, and a way to type another code', async (code, status, message) => {
    taroMock.setRouterParams({ code: CODE });
    const calls = mockApi({ [`GET /api/staff-invites/${CODE}`]: () => problem(status, code) });
    renderWithClient(<JoinPage />);
    expect((await screen.findByTestId('wb-join-problem')).textContent).toBe(message);
    expect(screen.queryByTestId('wb-join-retry')).toBeNull();
    expect(screen.queryByTestId('wb-join-accept')).toBeNull();
    fireEvent.click(screen.getByTestId('wb-join-another'));
    expect(screen.getByTestId('wb-join-enter')).toBeTruthy();
    // Asked once: a wrong code is never asked again by itself.
    expect(calls).toHaveLength(1);
  });

  it('a failure that may pass offers to try again', async () => {
    taroMock.setRouterParams({ code: CODE });
    let fail = true;
    mockApi({ [`GET /api/staff-invites/${CODE}`]: () => (fail ? problem(500, 'INTERNAL') : ok(preview())) });
    renderWithClient(<JoinPage />);
    expect((await screen.findByTestId('wb-join-problem')).textContent).toBe('服务器开小差了，请稍后再试');
    fail = false;
    fireEvent.click(screen.getByTestId('wb-join-retry'));
    await screen.findByTestId('wb-join-preview');
  });

  it('staff there already: says so and opens the workbench instead', async () => {
    taroMock.setRouterParams({ code: CODE });
    mockApi({ [`GET /api/staff-invites/${CODE}`]: () => ok(preview({ alreadyMember: true })) });
    renderWithClient(<JoinPage />);
    expect((await screen.findByTestId('wb-join-member')).textContent).toBe('你已是该店铺的员工');
    expect(screen.queryByTestId('wb-join-accept')).toBeNull();
    fireEvent.click(screen.getByTestId('wb-join-open'));
    expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/merchant/index?merchantId=m_1' });
  });

  it('taking it: a failure keeps the key for the same intent; STAFF_ALREADY_MEMBER turns into the way in', async () => {
    taroMock.setRouterParams({ code: CODE });
    const answers = [problem(503, 'SERVICE_UNAVAILABLE'), problem(409, 'STAFF_ALREADY_MEMBER')];
    const keys: string[] = [];
    mockApi({
      [`GET /api/staff-invites/${CODE}`]: () => ok(preview()),
      [`POST /api/staff-invites/${CODE}/accept`]: (req) => {
        keys.push(req.header?.['Idempotency-Key'] ?? '');
        return answers[keys.length - 1];
      },
    });
    renderWithClient(<JoinPage />);
    fireEvent.click(await screen.findByTestId('wb-join-accept'));
    expect((await screen.findByTestId('wb-join-problem')).textContent).toBe('服务暂时不可用，请稍后再试');
    fireEvent.click(screen.getByTestId('wb-join-accept'));
    expect((await screen.findByTestId('wb-join-member')).textContent).toBe('你已是该店铺的员工');
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(Taro.redirectTo).not.toHaveBeenCalled();
  });
});
