/**
 * What the chat runs on, built into its own file (dist/chatEngine.js, esbuild.config.mjs) and loaded by registerChat
 * when the chat is first used: the session, the model list, the request budget (with the router and its globs, and
 * the tokenizer code). Activation registers the view and commands without compiling any of it.
 */
export { ChatSession } from '../../core/chat/chatSession';
export { modelOptions } from '../../core/chat/modelOptions';
export { requestBudget } from '../../core/chat/requestBudget';
