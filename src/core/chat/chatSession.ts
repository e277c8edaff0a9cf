import { randomUUID } from 'node:crypto';
import type { ChatGateway, GatewayRequest } from '../gateway/gatewayApi';
import type { ExtensionMessage, WebviewMessage } from './chatMessages';
import type { ModelLimits } from '../models/windowCheck';
import {
  AUTO_MODEL,
  type AssistantTurn,
  type ChatTask,
  type ChatViewState,
  type CodeAction,
  type CodeContext,
  type Conversation,
  type ErrorAction,
  type ModelChoice,
  type ModelOption,
  type TokenCountInfo,
  type Turn,
  type UserTurn,
} from './conversation';
import { answerError, applyGatewayEvent } from './answerReducer';
import { historyMessages, systemPrompt, userContent } from './chatPrompts';
import { droppedHistoryNotice, fitHistory } from './historyBudget';

/** What survives a reload: the conversation and the selectors. */
export interface StoredChat {
  conversation: Conversation;
  model: ModelChoice;
  task: ChatTask;
}

export interface ChatStorage {
  load(): StoredChat | undefined;
  save(chat: StoredChat): void | PromiseLike<void>;
}

/** The window a request is counted against, with the tokenizer for that model (loaded by the caller). */
export interface RequestBudget {
  model: string;
  /** The limits the window rule checks (see models/windowCheck.ts). */
  limits: ModelLimits;
  /** Where the window came from when it is not simply the catalog's (Ollama: the server's num_ctx or a fallback). */
  windowNote?: string;
  /** No chat route and no chosen model: `model` is the budget model (llmWorkbench.budget.model), not one the chat would use. */
  unrouted?: true;
  outputReserve: number;
  exact: boolean;
  count(text: string): number;
}

/** Editor actions the chat asks for; the VS Code layer implements them. */
export interface ChatHost {
  copy(code: string): Promise<void>;
  insert(code: string): Promise<void>;
  apply(context: CodeContext, code: string): Promise<void>;
  action(action: Exclude<ErrorAction, 'retry'>): Promise<void>;
}

export interface ChatSessionDeps {
  storage: ChatStorage;
  post(message: ExtensionMessage): void;
  /** The gateway for the next call, or the reason there is none (invalid settings...). */
  gateway(): { gateway: ChatGateway } | { error: string };
  models(): ModelOption[];
  budgetFor(model: ModelChoice, task: ChatTask): Promise<RequestBudget>;
  host: ChatHost;
  /** Shown instead of an empty conversation when no provider is usable. */
  setupHint?(): string | undefined;
  /**
   * Asked before a call is sent with the model it starts on and its estimated size; false = the user chose not to
   * spend (e.g. over the daily budget). The question stays in the conversation with Retry.
   */
  confirmSpend?(model: string, inputTokens: number, outputTokens: number): Promise<boolean>;
  /** Debounce for the live token count (ms). */
  countDelayMs?: number;
  newId?(): string;
  now?(): Date;
}

/**
 * The chat's behaviour, free of VS Code: one conversation, one answer streaming at a time, every state change
 * posted to the webview and persisted. The view provider only moves messages in and out.
 */
export class ChatSession {
  private chat: StoredChat;
  private running?: { controller: AbortController; turnId: string; done: Promise<void> };
  private countTimer?: ReturnType<typeof setTimeout>;
  private countGeneration = 0;
  private readonly newId: () => string;
  private readonly now: () => Date;

  constructor(private readonly deps: ChatSessionDeps) {
    this.newId = deps.newId ?? (() => randomUUID());
    this.now = deps.now ?? (() => new Date());
    this.chat = this.restore(deps.storage.load());
  }

  get conversation(): Conversation {
    return this.chat.conversation;
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Resolves when the current answer (if any) has finished. */
  async idle(): Promise<void> {
    await this.running?.done;
  }

  state(): ChatViewState {
    const models = this.deps.models();
    const model = models.some((m) => m.ref === this.chat.model) ? this.chat.model : AUTO_MODEL;
    return {
      conversation: this.chat.conversation,
      models,
      model,
      task: this.chat.task,
      busy: this.busy,
      setupHint: this.deps.setupHint?.(),
    };
  }

  /** Re-sends the whole state, e.g. after settings changed the model list. */
  refresh(): void {
    this.deps.post({ type: 'state', state: this.state() });
  }

  async handle(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        return this.refresh();
      case 'send':
        this.select(message.model, message.task);
        return this.send({ text: message.text, task: message.task, model: message.model });
      case 'draft':
        this.select(message.model, message.task);
        return this.scheduleCount(message.text, message.model, message.task);
      case 'stop':
        return this.stop();
      case 'retry':
        return this.retry(message.turnId);
      case 'newChat':
        return this.newChat();
      case 'clear':
        return this.clear();
      case 'copyCode':
        return this.deps.host.copy(message.code);
      case 'insertCode':
        return this.deps.host.insert(message.code);
      case 'applyCode':
        return this.applyCode(message.turnId, message.code);
      case 'action':
        return this.deps.host.action(message.action);
    }
  }

  /** A code task from the editor: the selection travels with the question as a `code` task. */
  async askAboutCode(action: CodeAction, context: CodeContext, question: string): Promise<void> {
    if (this.running) await this.stop();
    await this.send({ text: question, task: 'code', model: this.chat.model, context, action });
  }

  async send(input: { text: string; task: ChatTask; model: ModelChoice; context?: CodeContext; action?: CodeAction }): Promise<void> {
    const text = input.text.trim();
    if (!text && !input.context) return;
    if (this.running) {
      // The webview disables Send while busy; if a message still arrives, keep it in the input rather than lose it.
      this.deps.post({ type: 'focusInput', text: input.text });
      return;
    }
    const user: UserTurn = {
      id: this.newId(),
      role: 'user',
      text,
      task: input.task,
      model: input.model,
      at: this.now().toISOString(),
      ...(input.context ? { context: input.context } : {}),
      ...(input.action ? { action: input.action } : {}),
    };
    this.chat.conversation.turns.push(user);
    this.deps.post({ type: 'turnAdded', turn: user });
    await this.answer(user);
  }

  async stop(): Promise<void> {
    const running = this.running;
    if (!running) return;
    running.controller.abort();
    await running.done;
  }

  async retry(turnId: string): Promise<void> {
    if (this.running) return;
    const turns = this.chat.conversation.turns;
    const index = turns.findIndex((t) => t.id === turnId);
    if (index < 0) return;
    const target = turns[index];
    const user = target.role === 'user' ? target : turns.find((t): t is UserTurn => t.role === 'user' && t.id === target.replyTo);
    if (!user) return;
    // The failed answer is replaced in place; the question stays where it was.
    if (target.role === 'assistant') turns.splice(index, 1);
    await this.answer(user, target.role === 'assistant' ? index : undefined);
  }

  async newChat(): Promise<void> {
    await this.stop();
    this.chat.conversation = this.emptyConversation();
    await this.persist();
    this.refresh();
  }

  async clear(): Promise<void> {
    await this.stop();
    this.chat.conversation.turns = [];
    await this.persist();
    this.refresh();
  }

  dispose(): void {
    clearTimeout(this.countTimer);
    this.running?.controller.abort();
  }

  private async answer(user: UserTurn, insertAt?: number): Promise<void> {
    const turns = this.chat.conversation.turns;
    const userIndex = turns.indexOf(user);
    let turn = streamingTurn(this.newId(), user);
    const position = insertAt ?? userIndex + 1;
    turns.splice(position, 0, turn);
    const replace = (next: AssistantTurn) => {
      turn = next;
      const at = turns.findIndex((t) => t.id === next.id);
      if (at >= 0) turns[at] = next;
    };

    const controller = new AbortController();
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    this.running = { controller, turnId: turn.id, done };
    this.deps.post({ type: 'turnAdded', turn });
    this.deps.post({ type: 'busy', busy: true });
    await this.persist();

    try {
      const source = this.deps.gateway();
      if ('error' in source) {
        replace({ ...turn, status: 'error', error: answerError('config', source.error) });
        return;
      }
      const budget = await this.deps.budgetFor(user.model, user.task);
      const system = systemPrompt(user.task);
      const fit = fitHistory({
        system,
        history: historyMessages(turns.slice(0, userIndex)),
        message: { role: 'user', content: userContent(user) },
        limits: budget.limits,
        outputReserve: budget.outputReserve,
        count: budget.count,
      });
      if (fit.dropped > 0) {
        replace({ ...turn, notices: [{ kind: 'history', text: droppedHistoryNotice(fit.dropped, fit.check, budget.model) }] });
        this.deps.post({ type: 'answerUpdate', turn });
      }
      if (this.deps.confirmSpend && !(await this.deps.confirmSpend(budget.model, fit.inputTokens, budget.outputReserve))) {
        replace({ ...turn, status: 'error', error: answerError('config', OVER_DAILY_BUDGET) });
        return;
      }
      const request: GatewayRequest = {
        task: user.task,
        system,
        messages: fit.messages,
        // No output cap here: the gateway sends the model's own maximum (a reserve-sized cap cut long answers short).
        signal: controller.signal,
        source: user.context ? 'code' : 'chat',
        ...(user.model !== AUTO_MODEL ? { model: user.model } : {}),
        ...(user.context ? { filePath: user.context.filePath } : {}),
      };
      for await (const event of source.gateway.stream(request)) {
        replace(applyGatewayEvent(turn, event));
        if (event.type === 'text') this.deps.post({ type: 'answerDelta', turnId: turn.id, text: event.text });
        else if (event.type !== 'usage' && event.type !== 'done') this.deps.post({ type: 'answerUpdate', turn });
      }
      if (turn.status === 'streaming') {
        // The gateway promises a closing record; if a bug ever breaks that promise, the answer must not spin forever.
        replace({
          ...turn,
          status: controller.signal.aborted ? 'stopped' : 'error',
          error: controller.signal.aborted
            ? undefined
            : answerError('incomplete', 'The answer ended without a result. Retry, or check the LLM Workbench log.'),
        });
      }
    } catch (error) {
      replace({ ...turn, status: 'error', error: answerError('server', `Unexpected failure: ${(error as Error).message}`) });
    } finally {
      this.running = undefined;
      this.deps.post({ type: 'answerUpdate', turn });
      this.deps.post({ type: 'busy', busy: false });
      await this.persist();
      finished();
    }
  }

  private async applyCode(turnId: string, code: string): Promise<void> {
    const turns = this.chat.conversation.turns;
    const answer = turns.find((t): t is AssistantTurn => t.role === 'assistant' && t.id === turnId);
    const question = answer && turns.find((t): t is UserTurn => t.role === 'user' && t.id === answer.replyTo);
    if (question?.context) await this.deps.host.apply(question.context, code);
    else await this.deps.host.insert(code);
  }

  private select(model: ModelChoice, task: ChatTask): void {
    if (model === this.chat.model && task === this.chat.task) return;
    this.chat.model = model;
    this.chat.task = task;
    void this.persist();
  }

  private scheduleCount(text: string, model: ModelChoice, task: ChatTask): void {
    clearTimeout(this.countTimer);
    const generation = ++this.countGeneration;
    this.countTimer = setTimeout(() => {
      void this.countDraft(text, model, task).then((count) => {
        // A newer keystroke has been counted or is pending: this count is stale.
        if (count && generation === this.countGeneration) this.deps.post({ type: 'tokenCount', count });
      });
    }, this.deps.countDelayMs ?? 150);
  }

  /** The size of the request the input would send now, with the history that would fit. */
  async countDraft(text: string, model: ModelChoice, task: ChatTask): Promise<TokenCountInfo | undefined> {
    try {
      const budget = await this.deps.budgetFor(model, task);
      const fit = fitHistory({
        system: systemPrompt(task),
        history: historyMessages(this.chat.conversation.turns),
        message: { role: 'user', content: text },
        limits: budget.limits,
        outputReserve: budget.outputReserve,
        count: budget.count,
      });
      return {
        tokens: fit.check.used,
        window: fit.check.limit,
        limitKind: fit.check.limitKind,
        model: budget.model,
        exact: budget.exact,
        outputReserve: budget.outputReserve,
        droppedMessages: fit.dropped,
        overflow: fit.overflow,
        ...(budget.windowNote ? { windowNote: budget.windowNote } : {}),
        ...(budget.unrouted ? { unrouted: budget.unrouted } : {}),
      };
    } catch {
      return undefined;
    }
  }

  private restore(stored: StoredChat | undefined): StoredChat {
    if (!stored || !stored.conversation || !Array.isArray(stored.conversation.turns)) {
      return { conversation: this.emptyConversation(), model: AUTO_MODEL, task: 'chat' };
    }
    // An answer that was streaming when the window closed did not finish: say so instead of spinning forever.
    const turns = stored.conversation.turns.map((t): Turn =>
      t.role === 'assistant' && t.status === 'streaming'
        ? { ...t, status: 'stopped', notices: [...t.notices, { kind: 'info', text: 'Interrupted by a reload.' }] }
        : t,
    );
    return { ...stored, conversation: { ...stored.conversation, turns } };
  }

  private emptyConversation(): Conversation {
    return { id: this.newId(), createdAt: this.now().toISOString(), turns: [] };
  }

  private async persist(): Promise<void> {
    await this.deps.storage.save({
      conversation: this.chat.conversation,
      model: this.chat.model,
      task: this.chat.task,
    });
  }
}

const OVER_DAILY_BUDGET =
  'Not sent: the daily budget (llmWorkbench.budget.dailyUsd) would be exceeded. Retry to be asked again, or raise the limit.';

/** The answer's turn as it starts: empty and streaming; a refactor's answer can be applied to the file. */
function streamingTurn(id: string, user: UserTurn): AssistantTurn {
  return {
    id,
    role: 'assistant',
    replyTo: user.id,
    text: '',
    status: 'streaming',
    notices: [],
    ...(user.action === 'refactor' ? { applicable: true } : {}),
  };
}
