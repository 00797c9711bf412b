/**
 * The embedded mock protocol server, Node only: the `smooth-operator-rx/testing/server` entry (kept
 * apart from the browser-safe `smooth-operator-rx/testing`, as it needs `node:http` and `ws`'s server).
 */
export { MockScriptError } from './script-check.js';
export { startMockServer, type HandshakeHeaders, type MockServer, type ReceivedFrame } from './server.js';
export type { MockCloseOptions, MockFaultControls, MockFaultStats, MockRefuseOptions, MockRestartOptions } from './faults.js';
export type {
  MockFaults,
  MockInjectedFrame,
  MockKnowledgeDocument,
  MockMalformedFrameFault,
  MockModelOutput,
  MockOtpOptions,
  MockServerOptions,
  MockTextOutput,
  MockTool,
  MockToolCallOutput,
  MockTurnInfo,
} from './options.js';
