import type * as vscode from 'vscode';
import type { ChatStorage, StoredChat } from '../../core/chat/chatSession';

const KEY = 'llmWorkbench.chat';
/** Older turns beyond this are not kept on disk (the model only ever sees what fits its window anyway). */
export const MAX_STORED_TURNS = 400;

/** The conversation lives in workspaceState: per workspace, survives reloads, never synced or shared. */
export class ConversationStore implements ChatStorage {
  constructor(private readonly memento: vscode.Memento) {}

  load(): StoredChat | undefined {
    return this.memento.get<StoredChat>(KEY);
  }

  save(chat: StoredChat): Thenable<void> {
    const turns = chat.conversation.turns;
    const trimmed =
      turns.length > MAX_STORED_TURNS ? { ...chat, conversation: { ...chat.conversation, turns: turns.slice(-MAX_STORED_TURNS) } } : chat;
    return this.memento.update(KEY, trimmed);
  }
}
