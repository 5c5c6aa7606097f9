/** Douyin: tt.connectSocket's SocketTask through Taro.connectSocket. */
export { openTaskSocket as openSocket } from './socket-task';
