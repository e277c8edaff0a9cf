/**
 * The chat webview: renders the conversation the extension sends, and sends back what the user does.
 * All state lives in the extension host (ChatSession); this script only mirrors it. Model output goes through
 * the sanitizing markdown renderer; user text and every other string are set as textContent, never as HTML.
 */
import './chat.css';
import {
  footerParts,
  formatCount,
  type AssistantTurn,
  type ChatTask,
  type ChatViewState,
  type ExtensionMessage,
  type TokenCountInfo,
  type Turn,
  type UserTurn,
  type WebviewMessage,
} from '../../src/shared/chatProtocol';
import { vsCodeApi } from '../../src/shared/webviewProtocol';
import { createMarkdownRenderer } from './markdown';

/** Survives the view being hidden and shown again: what the user was typing. */
interface PersistedDraft {
  draft: string;
}
const vscode = vsCodeApi<WebviewMessage, PersistedDraft>();
const markdown = createMarkdownRenderer(window);
const post = (message: WebviewMessage) => vscode.postMessage(message);

// ---- DOM helpers (no innerHTML anywhere in this file) ----
function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function iconButton(icon: string, label: string, onClick: () => void, className = 'icon-button'): HTMLButtonElement {
  const button = el('button', className);
  button.type = 'button';
  button.title = label;
  button.setAttribute('aria-label', label);
  button.append(el('span', `codicon codicon-${icon}`));
  button.addEventListener('click', onClick);
  return button;
}

function textButton(icon: string, label: string, onClick: () => void, secondary = false): HTMLButtonElement {
  const button = el('button', secondary ? 'text-button secondary' : 'text-button');
  button.type = 'button';
  button.append(el('span', `codicon codicon-${icon}`), el('span', undefined, label));
  button.addEventListener('click', onClick);
  return button;
}

// ---- layout ----
const root = document.getElementById('root')!;
const toolbar = el('div', 'toolbar');
const modelSelect = el('select', 'dropdown model-select');
modelSelect.setAttribute('aria-label', 'Model');
modelSelect.title = 'Model: Auto routes by task using llmWorkbench.routes and routing rules';
const taskSelect = el('select', 'dropdown task-select');
taskSelect.setAttribute('aria-label', 'Task');
taskSelect.title = 'Task: decides the route when the model is Auto';
for (const [value, label] of [
  ['chat', 'Chat'],
  ['code', 'Code'],
] as const) {
  const option = el('option', undefined, label);
  option.value = value;
  taskSelect.append(option);
}
// New Chat and Clear are the view's own title actions (native toolbar), so the webview keeps only the selectors.
toolbar.append(modelSelect, taskSelect);

const log = el('div', 'conversation');
log.setAttribute('role', 'log');
log.setAttribute('aria-label', 'Conversation');
log.setAttribute('aria-live', 'polite');
const empty = el('div', 'empty');

const composer = el('div', 'composer');
const input = el('textarea', 'input');
input.rows = 3;
input.placeholder = 'Ask anything (Enter to send, Shift+Enter for a new line)';
input.setAttribute('aria-label', 'Message');
const composerBar = el('div', 'composer-bar');
const tokenCount = el('span', 'token-count');
tokenCount.setAttribute('aria-live', 'polite');
tokenCount.setAttribute('aria-label', 'Tokens of the request');
const sendButton = iconButton('send', 'Send (Enter)', () => send(), 'icon-button primary send');
const stopButton = iconButton('debug-stop', 'Stop (Escape)', () => post({ type: 'stop' }), 'icon-button primary stop');
stopButton.hidden = true;
composerBar.append(tokenCount, sendButton, stopButton);
composer.append(input, composerBar);
root.append(toolbar, log, empty, composer);

// ---- state mirrored from the extension ----
let state: ChatViewState | undefined;
const turnElements = new Map<string, HTMLElement>();
const pendingRender = new Set<string>();
let renderScheduled = false;

input.value = vscode.getState()?.draft ?? '';

function send(): void {
  const text = input.value;
  if (!text.trim() || state?.busy) return;
  post({ type: 'send', text, model: modelSelect.value, task: taskSelect.value as ChatTask });
  input.value = '';
  saveDraft();
  sendDraft();
}

function saveDraft(): void {
  vscode.setState({ draft: input.value });
}

function sendDraft(): void {
  post({ type: 'draft', text: input.value, model: modelSelect.value, task: taskSelect.value as ChatTask });
}

input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    send();
  } else if (event.key === 'Escape' && state?.busy) {
    event.preventDefault();
    post({ type: 'stop' });
  }
});
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && state?.busy && event.target !== input) post({ type: 'stop' });
});
input.addEventListener('input', () => {
  saveDraft();
  sendDraft();
});
modelSelect.addEventListener('change', sendDraft);
taskSelect.addEventListener('change', sendDraft);

window.addEventListener('message', (event: MessageEvent<ExtensionMessage>) => {
  const message = event.data;
  switch (message.type) {
    case 'state':
      applyState(message.state);
      break;
    case 'turnAdded':
      addTurn(message.turn);
      break;
    case 'answerDelta': {
      const turn = findTurn(message.turnId);
      if (turn && turn.role === 'assistant') {
        turn.text += message.text;
        scheduleRender(turn.id);
      }
      break;
    }
    case 'answerUpdate':
      replaceTurn(message.turn);
      scheduleRender(message.turn.id);
      break;
    case 'tokenCount':
      showTokenCount(message.count);
      break;
    case 'busy':
      setBusy(message.busy);
      // The finished answer is now history: the request the input would send has grown.
      if (!message.busy) sendDraft();
      break;
    case 'focusInput':
      if (message.text !== undefined && !input.value) input.value = message.text;
      input.focus();
      saveDraft();
      break;
  }
});

function applyState(next: ChatViewState): void {
  state = next;
  modelSelect.replaceChildren(
    ...next.models.map((m) => {
      const option = el('option', undefined, m.label);
      option.value = m.ref;
      return option;
    }),
  );
  modelSelect.value = next.model;
  taskSelect.value = next.task;
  log.replaceChildren();
  turnElements.clear();
  for (const turn of next.conversation.turns) addTurn(turn, false);
  setBusy(next.busy);
  updateEmpty();
  sendDraft();
}

function findTurn(id: string): Turn | undefined {
  return state?.conversation.turns.find((t) => t.id === id);
}

function addTurn(turn: Turn, record = true): void {
  if (!state) return;
  if (record) {
    const turns = state.conversation.turns;
    if (turn.role === 'assistant') {
      // A retry replaces the failed answer to the same question.
      for (const old of turns.filter((t) => t.role === 'assistant' && t.replyTo === turn.replyTo)) {
        turnElements.get(old.id)?.remove();
        turnElements.delete(old.id);
        turns.splice(turns.indexOf(old), 1);
      }
      const userIndex = turns.findIndex((t) => t.id === turn.replyTo);
      turns.splice(userIndex >= 0 ? userIndex + 1 : turns.length, 0, turn);
    } else {
      turns.push(turn);
    }
  }
  const element = el('div', `turn ${turn.role}`);
  element.dataset.turnId = turn.id;
  turnElements.set(turn.id, element);
  const userElement = turn.role === 'assistant' ? turnElements.get(turn.replyTo) : undefined;
  if (userElement) userElement.after(element);
  else log.append(element);
  renderTurn(turn);
  updateEmpty();
  element.scrollIntoView({ block: 'end' });
}

function replaceTurn(turn: AssistantTurn): void {
  if (!state) return;
  const turns = state.conversation.turns;
  const index = turns.findIndex((t) => t.id === turn.id);
  if (index >= 0) turns[index] = turn;
  else addTurn(turn);
}

function scheduleRender(id: string): void {
  pendingRender.add(id);
  if (renderScheduled) return;
  renderScheduled = true;
  // One markdown render per animation frame however fast tokens arrive.
  requestAnimationFrame(() => {
    renderScheduled = false;
    const stick = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    for (const turnId of pendingRender) {
      const turn = findTurn(turnId);
      if (turn) renderTurn(turn);
    }
    pendingRender.clear();
    if (stick) log.scrollTop = log.scrollHeight;
  });
}

function renderTurn(turn: Turn): void {
  const element = turnElements.get(turn.id);
  if (!element) return;
  element.replaceChildren(...(turn.role === 'user' ? userParts(turn) : assistantParts(turn)));
  element.classList.toggle('streaming', turn.role === 'assistant' && turn.status === 'streaming');
}

function userParts(turn: UserTurn): HTMLElement[] {
  const header = el('div', 'turn-header');
  header.append(el('span', 'codicon codicon-account'), el('span', 'who', 'You'));
  if (turn.task === 'code') header.append(el('span', 'badge', 'code'));
  const parts: HTMLElement[] = [header];
  if (turn.context) {
    const context = el('details', 'code-context');
    const summary = el(
      'summary',
      undefined,
      `${turn.context.filePath} · ${turn.context.languageId} · lines ${turn.context.range.startLine + 1}-${turn.context.range.endLine + 1}`,
    );
    const pre = el('pre');
    pre.append(el('code', undefined, turn.context.code));
    context.append(summary, pre);
    parts.push(context);
  }
  if (turn.text) parts.push(el('div', 'user-text', turn.text));
  return parts;
}

function assistantParts(turn: AssistantTurn): HTMLElement[] {
  const header = el('div', 'turn-header');
  // An answer that failed before anything was sent (nothing configured, every model skipped) has no model to name.
  const who = turn.footer?.model ?? (turn.status === 'error' ? 'Not sent' : turn.model || 'Assistant');
  header.append(el('span', 'codicon codicon-sparkle'), el('span', 'who', who));
  if (turn.status === 'streaming') header.append(el('span', 'codicon codicon-loading codicon-modifier-spin', undefined));
  if (turn.status === 'stopped') header.append(el('span', 'badge', 'stopped'));
  const parts: HTMLElement[] = [header];

  if (turn.notices.length) {
    const notices = el('ul', 'notices');
    notices.setAttribute('aria-label', 'Notices');
    for (const notice of turn.notices) {
      const item = el('li', `notice ${notice.kind}`);
      item.append(el('span', `codicon codicon-${noticeIcon(notice.kind)}`), el('span', undefined, notice.text));
      const action = notice.action;
      if (action === 'setApiKey') item.append(textButton('key', 'Set API Key', () => post({ type: 'action', action }), true));
      notices.append(item);
    }
    parts.push(notices);
  }

  const body = el('div', 'markdown-body');
  body.append(markdown.render(turn.text));
  decorateCodeBlocks(body, turn);
  parts.push(body);

  if (turn.error) {
    const box = el('div', 'error-box');
    box.setAttribute('role', 'alert');
    const message = el('div', 'error-message');
    // Plain text (textContent, never HTML); its line breaks are kept by the CSS (e.g. one line per model that failed).
    message.append(el('span', 'codicon codicon-error'), el('span', 'error-text', turn.error.message));
    const actions = el('div', 'error-actions');
    // The first action is the most direct fix (e.g. Set API Key for a rejected key): it gets the primary style.
    turn.error.actions.forEach((action, index) => {
      const secondary = index > 0;
      if (action === 'retry') actions.append(textButton('refresh', 'Retry', () => post({ type: 'retry', turnId: turn.id }), secondary));
      if (action === 'setApiKey')
        actions.append(textButton('key', 'Set API Key', () => post({ type: 'action', action: 'setApiKey' }), secondary));
      if (action === 'openSettings')
        actions.append(textButton('settings-gear', 'Open Settings', () => post({ type: 'action', action: 'openSettings' }), secondary));
      if (action === 'openLog')
        actions.append(textButton('output', 'Show Log', () => post({ type: 'action', action: 'openLog' }), secondary));
    });
    box.append(message, actions);
    parts.push(box);
  } else if (turn.status === 'stopped') {
    const actions = el('div', 'error-actions');
    actions.append(textButton('refresh', 'Retry', () => post({ type: 'retry', turnId: turn.id }), true));
    parts.push(actions);
  }

  if (turn.footer) {
    const footer = el('div', 'answer-footer');
    footer.setAttribute('aria-label', 'Answer details');
    for (const part of footerParts(turn.footer)) {
      const span = el('span', `footer-part ${part.name}`, part.text);
      span.title = part.title;
      footer.append(span);
    }
    parts.push(footer);
  }
  return parts;
}

function noticeIcon(kind: string): string {
  return kind === 'retry'
    ? 'sync'
    : kind === 'restart'
      ? 'debug-restart'
      : kind === 'fallback'
        ? 'arrow-swap'
        : kind === 'history'
          ? 'history'
          : 'info';
}

/** Wraps each code block with Copy / Insert (and Apply, for refactor answers). The code travels as text only. */
function decorateCodeBlocks(body: HTMLElement, turn: AssistantTurn): void {
  for (const pre of [...body.querySelectorAll('pre')]) {
    const code = pre.textContent ?? '';
    const wrapper = el('div', 'code-block');
    const bar = el('div', 'code-toolbar');
    const language = pre.querySelector('code')?.className.replace(/^language-/, '') ?? '';
    bar.append(el('span', 'code-language', language));
    const copy = iconButton('copy', 'Copy', () => {
      post({ type: 'copyCode', code });
      copy.firstElementChild!.className = 'codicon codicon-check';
      setTimeout(() => (copy.firstElementChild!.className = 'codicon codicon-copy'), 1200);
    });
    bar.append(
      copy,
      iconButton('insert', 'Insert at Cursor', () => post({ type: 'insertCode', code })),
    );
    if (turn.applicable && turn.status === 'done') {
      bar.append(iconButton('diff', 'Apply to Selection (shows a diff first)', () => post({ type: 'applyCode', turnId: turn.id, code })));
    }
    pre.replaceWith(wrapper);
    wrapper.append(bar, pre);
  }
}

function setBusy(busy: boolean): void {
  if (state) state.busy = busy;
  sendButton.hidden = busy;
  stopButton.hidden = !busy;
}

function updateEmpty(): void {
  const hasTurns = (state?.conversation.turns.length ?? 0) > 0;
  empty.hidden = hasTurns;
  if (!hasTurns) {
    empty.replaceChildren(
      el('div', 'empty-title', 'Chat with your configured models'),
      el(
        'div',
        'empty-text',
        state?.setupHint ??
          'Answers show the model, route, tokens, cost and timing. Select code in an editor and use "Explain Selection" or "Refactor Selection" from its context menu.',
      ),
    );
  }
}

function showTokenCount(count: TokenCountInfo): void {
  const approx = count.exact ? '' : '≈';
  // Nothing configured for chat: the number is the budget model's, and says so rather than naming it as if it answered.
  const model = count.unrouted ? `${count.model} (budget model)` : count.model;
  tokenCount.textContent = `${approx}${formatCount(count.tokens)} / ${formatCount(count.window)} tokens · ${model}`;
  tokenCount.title =
    (count.limitKind === 'combined'
      ? `System prompt + history + message + ${formatCount(count.outputReserve)} tokens reserved for the answer, against ${count.model}'s window`
      : `System prompt + history + message, against ${count.model}'s input limit (the ${formatCount(count.outputReserve)} tokens reserved for the answer count against its output limit)`) +
    (count.exact ? '' : ' (estimate: this model has no public tokenizer)') +
    (count.windowNote ? `. ${count.windowNote}` : '') +
    (count.unrouted
      ? '. No chat model is configured yet: this is the budget model (llmWorkbench.budget.model), not a model that would answer'
      : '');
  const ratio = count.tokens / count.window;
  tokenCount.classList.toggle('warn', ratio >= 0.8 && !count.overflow);
  tokenCount.classList.toggle('over', count.overflow);
  if (count.overflow) tokenCount.textContent += ' · too long for this model';
  else if (count.droppedMessages > 0) tokenCount.textContent += ` · ${count.droppedMessages} earlier messages left out`;
}

post({ type: 'ready' });
