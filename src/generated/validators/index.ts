// DO NOT EDIT: generated from spec/ by `npm run codegen` (codegen/generate.ts).
import type { CompiledValidator } from '../../validation/compiled.js';
import { validate as v0 } from './cancel.js';
import { validate as v1 } from './confirm-tool-action.js';
import { validate as v2 } from './create-conversation-session.js';
import { validate as v3 } from './get-conversation-messages.js';
import { validate as v4 } from './get-session.js';
import { validate as v5 } from './list-conversations.js';
import { validate as v6 } from './ping.js';
import { validate as v7 } from './send-message.js';
import { validate as v8 } from './submit-interaction.js';
import { validate as v9 } from './verify-otp.js';
import { validate as v10 } from './cancelled.js';
import { validate as v11 } from './error.js';
import { validate as v12 } from './eventual-response.js';
import { validate as v13 } from './immediate-response.js';
import { validate as v14 } from './interaction-invalid.js';
import { validate as v15 } from './interaction-required.js';
import { validate as v16 } from './keepalive.js';
import { validate as v17 } from './otp-invalid.js';
import { validate as v18 } from './otp-sent.js';
import { validate as v19 } from './otp-verification-required.js';
import { validate as v20 } from './otp-verified.js';
import { validate as v21 } from './pong.js';
import { validate as v22 } from './stream-chunk.js';
import { validate as v23 } from './stream-preamble.js';
import { validate as v24 } from './stream-reasoning.js';
import { validate as v25 } from './stream-token.js';
import { validate as v26 } from './write-confirmation-required.js';
import { validate as v27 } from './auth-context.js';
import { validate as v28 } from './citation.js';
import { validate as v29 } from './conversation-list.js';
import { validate as v30 } from './conversation-message.js';
import { validate as v31 } from './conversation-messages-page.js';
import { validate as v32 } from './conversation-summary.js';
import { validate as v33 } from './error-body.js';
import { validate as v34 } from './interaction-values.js';
import { validate as v35 } from './session.js';
import { validate as v36 } from './tool-call.js';
import { validate as v37 } from './tool-result.js';
import { validate as v38 } from './usage.js';
import { validate as v39 } from './choices-spec.js';
import { validate as v40 } from './choices-values.js';
import { validate as v41 } from './identity-intake-spec.js';
import { validate as v42 } from './identity-intake-values.js';

/** Event `type` → its validator. A Map: a `type` such as "__proto__" must not reach Object.prototype. */
export const eventValidators: ReadonlyMap<string, CompiledValidator> = new Map<string, CompiledValidator>([
    ['cancelled', v10],
    ['error', v11],
    ['eventual_response', v12],
    ['immediate_response', v13],
    ['interaction_invalid', v14],
    ['interaction_required', v15],
    ['keepalive', v16],
    ['otp_invalid', v17],
    ['otp_sent', v18],
    ['otp_verification_required', v19],
    ['otp_verified', v20],
    ['pong', v21],
    ['stream_chunk', v22],
    ['stream_preamble', v23],
    ['stream_reasoning', v24],
    ['stream_token', v25],
    ['write_confirmation_required', v26],
]);

/** Action name → its validator. */
export const actionValidators: ReadonlyMap<string, CompiledValidator> = new Map<string, CompiledValidator>([
    ['cancel', v0],
    ['confirm_tool_action', v1],
    ['create_conversation_session', v2],
    ['get_conversation_messages', v3],
    ['get_session', v4],
    ['list_conversations', v5],
    ['ping', v6],
    ['send_message', v7],
    ['submit_interaction', v8],
    ['verify_otp', v9],
]);

/** Validators of the objects replies carry and of the interaction kinds, by type name. */
export const objectValidators = {
    AuthContext: v27,
    Citation: v28,
    ConversationList: v29,
    ConversationMessage: v30,
    ConversationMessagesPage: v31,
    ConversationSummary: v32,
    ErrorBody: v33,
    InteractionValues: v34,
    Session: v35,
    ToolCall: v36,
    ToolResult: v37,
    Usage: v38,
    ChoicesSpec: v39,
    ChoicesValues: v40,
    IdentityIntakeSpec: v41,
    IdentityIntakeValues: v42,
} as const satisfies Record<string, CompiledValidator>;
