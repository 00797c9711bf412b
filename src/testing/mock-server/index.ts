/** The embedded mock protocol server (public testing entry). */
export { startMockServer, type HandshakeHeaders, type MockServer, type ReceivedFrame } from './server.js';
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
