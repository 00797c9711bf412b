// DO NOT EDIT: generated from spec/ by `npm run codegen` (codegen/generate.ts).

/**
 * Host-signed identity assertion for create_conversation_session.
 */
export interface AuthContext {
    signature: string;
    /**
     * Epoch seconds.
     */
    timestamp: number;
    userId:    string;
}

/**
 * Stops the turn running on this connection (running or parked). Answered by cancelled 499
 * echoing the running turn's requestId; nothing at all when no turn runs.
 */
export interface CancelAction {
    action: "cancel";
    /**
     * The turn's requestId.
     */
    requestId:  string;
    sessionId?: string;
}

/**
 * Terminal event of a turn stopped by cancel (status 499): a normal ending, not a failure.
 */
export interface CancelledEvent {
    data?: CancelledData;
    /**
     * Echo of the action's requestId; route on this top-level copy.
     */
    requestId: string;
    status?:   number;
    /**
     * Epoch milliseconds.
     */
    timestamp?: number;
    type:       "cancelled";
}

export interface CancelledData {
    requestId?: string;
    status?:    number;
}

/**
 * Spec of a choices interaction (capability choice_chips): one to four questions of two to
 * four options.
 */
export interface ChoicesSpec {
    questions: [ChoicesQuestion, ...ChoicesQuestion[]];
}

export interface ChoicesQuestion {
    /**
     * Short unique key of the question; answers refer to it.
     */
    header:       string;
    multiSelect?: boolean;
    options:      [ChoicesOption, ChoicesOption, ...ChoicesOption[]];
    question:     string;
}

export interface ChoicesOption {
    description?: string;
    label:        string;
}

/**
 * Values answering a choices interaction: one answer per question header.
 */
export interface ChoicesValues {
    answers: ChoicesAnswer[];
}

export interface ChoicesAnswer {
    header:   string;
    options?: string[];
    other?:   string;
}

/**
 * A source the answer was grounded on.
 */
export interface Citation {
    id:       string;
    score?:   number;
    snippet?: string;
    title:    string;
    /**
     * Only when the source is on the web.
     */
    url?: null | string;
}

/**
 * Answers write_confirmation_required. Servers find the park by session, so requestId may
 * be the turn's or the confirm's own. Answered by immediate_response 200, then the parked
 * turn resumes on the turn's requestId; NO_PENDING_CONFIRMATION when nothing is parked.
 */
export interface ConfirmToolActionAction {
    action:   "confirm_tool_action";
    approved: boolean;
    /**
     * Client-chosen correlation id, echoed on every event that answers this action. Opaque.
     */
    requestId: string;
    sessionId: string;
}

/**
 * The data of the immediate_response answering list_conversations, most recent first.
 */
export interface ConversationList {
    conversations: ConversationSummary[];
}

/**
 * One entry of list_conversations.
 */
export interface ConversationSummary {
    conversationId: string;
    messageCount?:  number;
    title?:         null | string;
    /**
     * ISO 8601 date-time.
     */
    updatedAt?: string;
}

/**
 * One stored message of a conversation. Some servers add more fields.
 */
export interface ConversationMessage {
    content: ConversationMessageContent;
    /**
     * ISO 8601 date-time.
     */
    createdAt?: string;
    /**
     * inbound (from the user) or outbound (from the agent) today.
     */
    direction: string;
    from?:     null | string;
    id:        string;
    to?:       null | string;
}

export interface ConversationMessageContent {
    structuredResponse?: { [key: string]: unknown } | null;
    text?:               null | string;
}

/**
 * The data of the immediate_response answering get_conversation_messages: one page, newest
 * first.
 */
export interface ConversationMessagesPage {
    hasMore:  boolean;
    messages: ConversationMessage[];
    /**
     * Pass as cursor for the next (older) page; null on the last page.
     */
    nextCursor?: null | string;
}

/**
 * Opens a session with an agent, or resumes an existing conversation when conversationId is
 * given (a new sessionId is minted; supports is inherited if omitted). Answered by
 * immediate_response 200 whose data is a Session.
 */
export interface CreateConversationSessionAction {
    action: "create_conversation_session";
    /**
     * Agent to talk to. Older schemas say uuid; servers accept any non-blank string.
     */
    agentId:             string;
    authContext?:        AuthContext;
    browserFingerprint?: string;
    /**
     * Resume this conversation instead of starting a new one.
     */
    conversationId?: string;
    /**
     * Free-form data for the agent service.
     */
    metadata?: { [key: string]: unknown };
    /**
     * Client-chosen correlation id, echoed on every event that answers this action. Opaque.
     */
    requestId: string;
    /**
     * Render capabilities the client offers (identity_form, choice_chips, ...). Interaction
     * kinds are only raised for declared capabilities.
     */
    supports?: string[];
    /**
     * Also the OTP contact.
     */
    userEmail?: string;
    userName?:  string;
}

/**
 * Machine-readable error. The set of codes is open (VALIDATION_ERROR, SESSION_NOT_FOUND,
 * TURN_IN_PROGRESS, INTERACTION_MISMATCH, ...).
 */
export interface ErrorBody {
    code:    string;
    message: string;
}

/**
 * Terminal event of a successful turn: the whole answer.
 */
export interface EventualResponseEvent {
    data: EventualResponseData;
    /**
     * Echo of the action's requestId; route on this top-level copy.
     */
    requestId: string;
    status?:   number;
    /**
     * Epoch milliseconds.
     */
    timestamp?: number;
    type:       "eventual_response";
}

export interface EventualResponseData {
    data:       EventualResult;
    requestId?: string;
    status?:    number;
}

export interface EventualResult {
    citations?:        Citation[];
    directive?:        { [key: string]: unknown } | null;
    escalationReason?: null | string;
    messageId?:        string;
    needsEscalation?:  boolean;
    response:          AgentResponse;
    usage?:            Usage;
}

export interface AgentResponse {
    customerHappinessScore?: number;
    needsSatisfactionScore?: number;
    requestSummary?:         string;
    resolutionStatus?:       string;
    responseParts:           string[];
    suggestedNextActions?:   string[];
}

/**
 * Model usage summed over the turn.
 */
export interface Usage {
    completionTokens?: number;
    costUsd?:          number;
    promptTokens?:     number;
}

/**
 * Reads one page of the session's conversation history, newest first. Answered by
 * immediate_response 200 whose data is a ConversationMessagesPage.
 */
export interface GetConversationMessagesAction {
    action: "get_conversation_messages";
    /**
     * Opaque nextCursor of the previous page.
     */
    cursor?: string;
    /**
     * Server default 50.
     */
    limit?: number;
    /**
     * Client-chosen correlation id, echoed on every event that answers this action. Opaque.
     */
    requestId: string;
    sessionId: string;
}

/**
 * Reads a session. Answered by immediate_response 200 whose data is a Session.
 */
export interface GetSessionAction {
    action: "get_session";
    /**
     * Client-chosen correlation id, echoed on every event that answers this action. Opaque.
     */
    requestId: string;
    sessionId: string;
}

/**
 * Spec of an identity_intake interaction (capability identity_form): which contact fields
 * to ask for.
 */
export interface IdentityIntakeSpec {
    fields: [IdentityIntakeField, ...IdentityIntakeField[]];
}

export interface IdentityIntakeField {
    key:       IdentityFieldKey;
    label?:    string;
    required?: boolean;
}

export type IdentityFieldKey = "name" | "email" | "phone";

/**
 * Values answering an identity_intake interaction. The server validates email and
 * normalises phone to E.164.
 */
export interface IdentityIntakeValues {
    email?: string;
    name?:  string;
    phone?: string;
}

/**
 * Synchronous answer to a request (status 200, data = the answer) or the acceptance of a
 * turn (status 202, data = {}). The shape of data depends on the action answered and is
 * checked against that action's reply schema.
 */
export interface ImmediateResponseEvent {
    data:     { [key: string]: unknown };
    message?: string;
    /**
     * Echo of the action's requestId; route on this top-level copy.
     */
    requestId: string;
    /**
     * 200 (answered) or 202 (accepted, events follow).
     */
    status: number;
    /**
     * Epoch milliseconds.
     */
    timestamp?: number;
    type:       "immediate_response";
}

/**
 * Server-side validation rejected a submit_interaction; the turn stays parked for a
 * resubmit.
 */
export interface InteractionInvalidEvent {
    data: InteractionInvalidEventData;
    /**
     * Echo of the action's requestId; route on this top-level copy.
     */
    requestId: string;
    /**
     * Epoch milliseconds.
     */
    timestamp?: number;
    type:       "interaction_invalid";
}

export interface InteractionInvalidEventData {
    data:       InteractionInvalid;
    requestId?: string;
}

export interface InteractionInvalid {
    errors:        InteractionFieldError[];
    interactionId: string;
    kind?:         string;
    message?:      string;
}

export interface InteractionFieldError {
    field?:  string;
    message: string;
}

/**
 * The turn is parked until submit_interaction answers (servers resume with no_response
 * after about 300 s). Only sent for kinds whose capability the session declared.
 */
export interface InteractionRequiredEvent {
    data: InteractionRequiredEventData;
    /**
     * Echo of the action's requestId; route on this top-level copy.
     */
    requestId: string;
    /**
     * Epoch milliseconds.
     */
    timestamp?: number;
    type:       "interaction_required";
}

export interface InteractionRequiredEventData {
    data:       InteractionRequest;
    requestId?: string;
}

export interface InteractionRequest {
    interactionId: string;
    /**
     * identity_intake, choices, or a kind this client does not know yet.
     */
    kind:    string;
    reason?: string;
    spec:    { [key: string]: unknown };
}

/**
 * Documented liveness signal for a running request; no server sends it today.
 */
export interface KeepaliveEvent {
    data?:      KeepaliveData;
    requestId?: string;
    /**
     * Epoch milliseconds.
     */
    timestamp?: number;
    type:       "keepalive";
}

export interface KeepaliveData {
    requestId?: string;
}

/**
 * Lists the caller's conversations, most recent first. Missing from the older public
 * schemas. Answered by immediate_response 200 whose data is a ConversationList.
 */
export interface ListConversationsAction {
    action: "list_conversations";
    /**
     * Server default 50.
     */
    limit?: number;
    /**
     * Client-chosen correlation id, echoed on every event that answers this action. Opaque.
     */
    requestId: string;
}

/**
 * Answers verify_otp: the code was rejected.
 */
export interface OtpInvalidEvent {
    data: OtpInvalidEventData;
    /**
     * Echo of the action's requestId; route on this top-level copy.
     */
    requestId: string;
    /**
     * Epoch milliseconds.
     */
    timestamp?: number;
    type:       "otp_invalid";
}

export interface OtpInvalidEventData {
    data:       OtpInvalid;
    requestId?: string;
}

export interface OtpInvalid {
    /**
     * 0 means locked.
     */
    attemptsRemaining: number;
    /**
     * INVALID_CODE, MAX_ATTEMPTS, NOT_FOUND or EXPIRED today.
     */
    error?:   string;
    message?: string;
}

/**
 * A one-time code was dispatched.
 */
export interface OtpSentEvent {
    data: OtpSentEventData;
    /**
     * Echo of the action's requestId; route on this top-level copy.
     */
    requestId: string;
    /**
     * Epoch milliseconds.
     */
    timestamp?: number;
    type:       "otp_sent";
}

export interface OtpSentEventData {
    data:       OtpSent;
    requestId?: string;
}

export interface OtpSent {
    channel?:           string;
    maskedDestination?: string;
}

/**
 * The auth gate refused a tool on an unverified session; the turn goes on to complete
 * without it. Verify with verify_otp, then re-send the message.
 */
export interface OtpVerificationRequiredEvent {
    data: OtpVerificationRequiredEventData;
    /**
     * Echo of the action's requestId; route on this top-level copy.
     */
    requestId: string;
    /**
     * Epoch milliseconds.
     */
    timestamp?: number;
    type:       "otp_verification_required";
}

export interface OtpVerificationRequiredEventData {
    data:       OtpVerificationRequest;
    requestId?: string;
}

export interface OtpVerificationRequest {
    actionDescription?: string;
    authLevel?:         string;
    availableChannels?: string[];
    toolId:             string;
}

/**
 * Answers verify_otp: the session is now identity-verified.
 */
export interface OtpVerifiedEvent {
    data: OtpVerifiedEventData;
    /**
     * Echo of the action's requestId; route on this top-level copy.
     */
    requestId: string;
    /**
     * Epoch milliseconds.
     */
    timestamp?: number;
    type:       "otp_verified";
}

export interface OtpVerifiedEventData {
    data:       OtpVerified;
    requestId?: string;
}

export interface OtpVerified {
    message?: string;
}

/**
 * Liveness probe; answered by pong. The only liveness signal: servers send no keepalives.
 */
export interface PingAction {
    action: "ping";
    /**
     * Client-chosen correlation id, echoed on every event that answers this action. Opaque.
     */
    requestId: string;
}

/**
 * Answer to ping. Servers may or may not echo the ping's requestId.
 */
export interface PongEvent {
    data?:      PongData;
    requestId?: string;
    /**
     * Epoch milliseconds.
     */
    timestamp?: number;
    type:       "pong";
}

export interface PongData {
    timestamp?: number;
}

/**
 * A failure answering the action whose requestId it echoes. Terminal for a turn when it
 * answers the turn's own send_message; an error answering a resume frame leaves the parked
 * turn alive. No requestId when the server could not attribute it (unparseable JSON).
 */
export interface ProtocolErrorEvent {
    data:       ProtocolErrorEventData;
    error?:     ErrorBody;
    requestId?: string;
    /**
     * Epoch milliseconds.
     */
    timestamp?: number;
    type:       "error";
}

export interface ProtocolErrorEventData {
    /**
     * Extra context; any JSON.
     */
    details?:   unknown;
    error:      ErrorBody;
    requestId?: string;
}

/**
 * Starts a turn. Answered by immediate_response 202, then streamed events, then exactly one
 * terminal event (eventual_response, cancelled or error). One turn may run per connection.
 */
export interface SendMessageAction {
    action:  "send_message";
    files?:  FileAttachment[];
    images?: ImageAttachment[];
    message: string;
    model?:  string;
    /**
     * Client-chosen correlation id, echoed on every event that answers this action. Opaque.
     */
    requestId: string;
    sessionId: string;
    /**
     * Fail-closed: an unknown skill is answered with SKILL_NOT_FOUND.
     */
    skill?: string;
    /**
     * Documented default true; servers always stream and ignore false.
     */
    stream?: boolean;
}

export interface FileAttachment {
    mimeType?: string;
    name:      string;
    url:       string;
}

export interface ImageAttachment {
    detail?: ImageDetail;
    url:     string;
}

export type ImageDetail = "low" | "high" | "auto";

/**
 * A session descriptor: the data of the immediate_response answering
 * create_conversation_session and get_session. Servers add fields over time, so extra
 * fields are tolerated.
 */
export interface Session {
    /**
     * Absent on rows that predate agentId validation.
     */
    agentId?:            null | string;
    agentName?:          string;
    agentParticipantId?: string;
    conversationId:      string;
    sessionId:           string;
    /**
     * active, idle or ended today; open for new states.
     */
    status?:            string;
    threadId?:          null | string;
    userParticipantId?: string;
}

/**
 * A node's state snapshot. Tool activity rides here: state.rawResponse.toolCall, later
 * state.rawResponse.toolResult; node is then the tool name.
 */
export interface StreamChunkEvent {
    data:  StreamChunkData;
    node?: string;
    /**
     * Echo of the action's requestId; route on this top-level copy.
     */
    requestId: string;
    /**
     * Epoch milliseconds.
     */
    timestamp?: number;
    type:       "stream_chunk";
}

export interface StreamChunkData {
    done?:      boolean;
    node?:      string;
    requestId?: string;
    state?:     StreamChunkState;
}

export interface StreamChunkState {
    pendingOtpVerification?:   { [key: string]: unknown } | null;
    pendingWriteConfirmation?: { [key: string]: unknown } | null;
    rawResponse?:              null | RawResponse;
    structuredResponse?:       { [key: string]: unknown } | null;
}

export interface RawResponse {
    toolCall?:   ToolCall;
    toolResult?: ToolResult;
}

/**
 * The model asked to run a tool.
 */
export interface ToolCall {
    /**
     * Parsed JSON arguments.
     */
    arguments?: { [key: string]: unknown };
    name:       string;
}

/**
 * A tool ran (or was denied: isError true).
 */
export interface ToolResult {
    isError: boolean;
    name:    string;
    /**
     * Tool output as text; JSON text for the interaction raise tools.
     */
    result: string;
}

/**
 * A piece of the preamble: a short line about what the agent is about to do; replaced by
 * the answer.
 */
export interface StreamPreambleEvent {
    data?: StreamPreambleData;
    /**
     * Echo of the action's requestId; route on this top-level copy.
     */
    requestId: string;
    /**
     * Epoch milliseconds.
     */
    timestamp?: number;
    token:      string;
    type:       "stream_preamble";
}

export interface StreamPreambleData {
    requestId?: string;
    token?:     string;
}

/**
 * A piece of the reasoning channel; never part of the answer.
 */
export interface StreamReasoningEvent {
    data?: StreamReasoningData;
    /**
     * Echo of the action's requestId; route on this top-level copy.
     */
    requestId: string;
    /**
     * Epoch milliseconds.
     */
    timestamp?: number;
    token:      string;
    type:       "stream_reasoning";
}

export interface StreamReasoningData {
    requestId?: string;
    token?:     string;
}

/**
 * A piece of the answer text; join pieces before use (a piece can end mid-word or
 * mid-character sequence).
 */
export interface StreamTokenEvent {
    data?: StreamTokenData;
    /**
     * Echo of the action's requestId; route on this top-level copy.
     */
    requestId: string;
    /**
     * Epoch milliseconds.
     */
    timestamp?: number;
    token:      string;
    type:       "stream_token";
}

export interface StreamTokenData {
    requestId?: string;
    token?:     string;
}

/**
 * Answers interaction_required with values, or declines it. Invalid values are answered by
 * interaction_invalid (turn stays parked); a stale interactionId or kind by
 * INTERACTION_MISMATCH (turn stays parked).
 */
export interface SubmitInteractionAction {
    action:    "submit_interaction";
    declined?: boolean;
    /**
     * Echo of interaction_required.data.data.interactionId.
     */
    interactionId: string;
    kind?:         string;
    /**
     * The parked turn's requestId.
     */
    requestId: string;
    sessionId: string;
    values?:   { [key: string]: unknown };
}

/**
 * Submits a one-time code. Answered by otp_verified or otp_invalid on this frame's
 * requestId. Not a resume: after otp_verified the client re-sends the original message.
 */
export interface VerifyOtpAction {
    action: "verify_otp";
    code:   string;
    /**
     * Client-chosen correlation id, echoed on every event that answers this action. Opaque.
     */
    requestId: string;
    sessionId: string;
}

/**
 * The turn is parked until confirm_tool_action answers. The gated tool's toolCall chunk
 * follows this event.
 */
export interface WriteConfirmationRequiredEvent {
    data: WriteConfirmationRequiredEventData;
    /**
     * Echo of the action's requestId; route on this top-level copy.
     */
    requestId: string;
    /**
     * Epoch milliseconds.
     */
    timestamp?: number;
    type:       "write_confirmation_required";
}

export interface WriteConfirmationRequiredEventData {
    data:       WriteConfirmationRequest;
    requestId?: string;
}

export interface WriteConfirmationRequest {
    actionDescription: string;
    toolId:            string;
}

/** Values answering an interaction. Their shape depends on the kind (IdentityIntakeValues, ChoicesValues, or a kind this client does not know); the server validates them. */
export type InteractionValues = { [key: string]: unknown };

/** Every event a server sends, discriminated on `type`. */
export type ServerEvent =
    | CancelledEvent
    | ProtocolErrorEvent
    | EventualResponseEvent
    | ImmediateResponseEvent
    | InteractionInvalidEvent
    | InteractionRequiredEvent
    | KeepaliveEvent
    | OtpInvalidEvent
    | OtpSentEvent
    | OtpVerificationRequiredEvent
    | OtpVerifiedEvent
    | PongEvent
    | StreamChunkEvent
    | StreamPreambleEvent
    | StreamReasoningEvent
    | StreamTokenEvent
    | WriteConfirmationRequiredEvent;

/** Every action a client sends, discriminated on `action`. */
export type ClientAction =
    | CancelAction
    | ConfirmToolActionAction
    | CreateConversationSessionAction
    | GetConversationMessagesAction
    | GetSessionAction
    | ListConversationsAction
    | PingAction
    | SendMessageAction
    | SubmitInteractionAction
    | VerifyOtpAction;

/** Event type → event interface. */
export interface ServerEventMap {
    cancelled: CancelledEvent;
    error: ProtocolErrorEvent;
    eventual_response: EventualResponseEvent;
    immediate_response: ImmediateResponseEvent;
    interaction_invalid: InteractionInvalidEvent;
    interaction_required: InteractionRequiredEvent;
    keepalive: KeepaliveEvent;
    otp_invalid: OtpInvalidEvent;
    otp_sent: OtpSentEvent;
    otp_verification_required: OtpVerificationRequiredEvent;
    otp_verified: OtpVerifiedEvent;
    pong: PongEvent;
    stream_chunk: StreamChunkEvent;
    stream_preamble: StreamPreambleEvent;
    stream_reasoning: StreamReasoningEvent;
    stream_token: StreamTokenEvent;
    write_confirmation_required: WriteConfirmationRequiredEvent;
}

/** Action name → action interface. */
export interface ClientActionMap {
    cancel: CancelAction;
    confirm_tool_action: ConfirmToolActionAction;
    create_conversation_session: CreateConversationSessionAction;
    get_conversation_messages: GetConversationMessagesAction;
    get_session: GetSessionAction;
    list_conversations: ListConversationsAction;
    ping: PingAction;
    send_message: SendMessageAction;
    submit_interaction: SubmitInteractionAction;
    verify_otp: VerifyOtpAction;
}

export type ServerEventType = keyof ServerEventMap;
export type ClientActionName = keyof ClientActionMap;
/** The event interface of one `type`, e.g. `ServerEventOf<'stream_token'>`. */
export type ServerEventOf<T extends ServerEventType> = ServerEventMap[T];
/** The action interface of one `action`, e.g. `ClientActionOf<'send_message'>`. */
export type ClientActionOf<A extends ClientActionName> = ClientActionMap[A];

export const SERVER_EVENT_TYPES = ['cancelled', 'error', 'eventual_response', 'immediate_response', 'interaction_invalid', 'interaction_required', 'keepalive', 'otp_invalid', 'otp_sent', 'otp_verification_required', 'otp_verified', 'pong', 'stream_chunk', 'stream_preamble', 'stream_reasoning', 'stream_token', 'write_confirmation_required'] as const satisfies readonly ServerEventType[];
export const CLIENT_ACTION_NAMES = ['cancel', 'confirm_tool_action', 'create_conversation_session', 'get_conversation_messages', 'get_session', 'list_conversations', 'ping', 'send_message', 'submit_interaction', 'verify_otp'] as const satisfies readonly ClientActionName[];
