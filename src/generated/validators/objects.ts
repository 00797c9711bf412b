// DO NOT EDIT: generated from spec/ by `npm run codegen` (codegen/generate.ts).
/** Validators of the objects replies carry and of the interaction kinds, by type name. */
export { AuthContext, Citation, ConversationList, ConversationMessage, ConversationMessagesPage, ConversationSummary, ErrorBody, InteractionValues, Session, ToolCall, ToolResult, Usage, ChoicesSpec, ChoicesValues, IdentityIntakeSpec, IdentityIntakeValues } from './validators.js';
