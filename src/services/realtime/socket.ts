/**
 * Open the realtime socket: `openSocket(url, handlers)`. Taro picks socket.<env>.ts at build time
 * (h5: the browser's WebSocket; weapp and tt: Taro.connectSocket's SocketTask; alipay:
 * my.connectSocket with multiple: true). This file is the fallback for other hosts and jest:
 * the SocketTask adapter. The interface is in ./types.
 */
export { openTaskSocket as openSocket } from './socket-task';
