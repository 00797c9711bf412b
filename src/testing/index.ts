/**
 * The browser-safe testing entry (`smooth-operator-rx/testing`): the testing controller, fake
 * sockets and frame builders. Nothing here may reach a Node built-in or the `ws` server, so
 * browser test runners can bundle it; the Node mock server is `smooth-operator-rx/testing/server`.
 */
export { FakeSockets, FakeWebSocket, type CloseInit, type FakeSocketOptions } from './fake-socket.js';
export * from './controller/index.js';
