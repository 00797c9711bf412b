export * from './mock-server/index.js';
export { FakeSockets, FakeWebSocket, type CloseInit, type FakeSocketOptions } from './fake-socket.js';
export * from './controller/index.js';
