export { createSmoothChat } from './chat.js';
export { localStorageChatStorage, memoryChatStorage, type ChatStorage } from './storage.js';
export type * from './types.js';
