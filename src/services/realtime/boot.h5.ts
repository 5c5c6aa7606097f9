/**
 * H5: the realtime client is not part of the first load (app.js). It is loaded once the opened
 * page has had its turn (the browser idle, or 2 s at most) and then wired as on the
 * mini-programs; pages that follow a topic bring the client in their own chunks and are
 * connected as soon as it is wired. Until then a page polls as it does whenever pushes are not
 * live (useRealtimeLive).
 */
export function bootRealtime(): void {
  const load = () => {
    void import(/* webpackChunkName: "realtime" */ './service').then((m) => m.wireRealtime());
  };
  if (typeof window.requestIdleCallback === 'function') window.requestIdleCallback(load, { timeout: 2000 });
  else setTimeout(load, 1000);
}
