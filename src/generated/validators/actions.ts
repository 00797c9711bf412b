// DO NOT EDIT: generated from spec/ by `npm run codegen` (codegen/generate.ts).
import type { CompiledValidator } from '../../validation/compiled.js';
import { CancelAction, ConfirmToolActionAction, CreateConversationSessionAction, GetConversationMessagesAction, GetSessionAction, ListConversationsAction, PingAction, SendMessageAction, SubmitInteractionAction, VerifyOtpAction } from './validators.js';

/** Action name → its validator. A Map: a name such as "__proto__" must not reach Object.prototype. */
export const actionValidators: ReadonlyMap<string, CompiledValidator> = /* @__PURE__ */ new Map<string, CompiledValidator>([
    ['cancel', CancelAction],
    ['confirm_tool_action', ConfirmToolActionAction],
    ['create_conversation_session', CreateConversationSessionAction],
    ['get_conversation_messages', GetConversationMessagesAction],
    ['get_session', GetSessionAction],
    ['list_conversations', ListConversationsAction],
    ['ping', PingAction],
    ['send_message', SendMessageAction],
    ['submit_interaction', SubmitInteractionAction],
    ['verify_otp', VerifyOtpAction],
]);
