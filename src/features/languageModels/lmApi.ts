import * as vscode from 'vscode';

/**
 * The parts of VS Code's language model API this extension uses beyond its `engines.vscode` (^1.90), typed here
 * from the stable API (vscode.d.ts 1.104; `LanguageModelDataPart` 1.106) and reached only through `languageModelApi()`,
 * which checks at run time that the host has them. Keeping `engines` at 1.90 keeps every other feature working on
 * older hosts and on editors built on older VS Code; these parts switch on where the host has them:
 * language model tools and `lm.invokeTool` 1.95, MCP server definitions 1.101, the chat model provider 1.104.
 */

export interface LmTextPart {
  value: string;
}
export interface LmToolCallPart {
  callId: string;
  name: string;
  input: object;
}
export interface LmToolResultPart {
  callId: string;
  content: unknown[];
}
export interface LmDataPart {
  mimeType: string;
  data: Uint8Array;
}

export interface LmChatInformation {
  id: string;
  name: string;
  family: string;
  version: string;
  tooltip?: string;
  detail?: string;
  maxInputTokens: number;
  maxOutputTokens: number;
  capabilities: { imageInput?: boolean; toolCalling?: boolean | number };
}

export interface LmRequestMessage {
  /** 1 User, 2 Assistant (3 System in the proposed API Copilot uses). */
  role: number;
  content: ReadonlyArray<unknown>;
  name: string | undefined;
}

export interface LmChatTool {
  name: string;
  description: string;
  inputSchema?: object;
}

export interface LmResponseOptions {
  modelOptions?: { readonly [name: string]: unknown };
  tools?: readonly LmChatTool[];
  /** 1 Auto, 2 Required. */
  toolMode: number;
}

export interface LmChatProvider<T extends LmChatInformation = LmChatInformation> {
  onDidChangeLanguageModelChatInformation?: vscode.Event<void>;
  provideLanguageModelChatInformation(options: { silent: boolean }, token: vscode.CancellationToken): vscode.ProviderResult<T[]>;
  provideLanguageModelChatResponse(
    model: T,
    messages: readonly LmRequestMessage[],
    options: LmResponseOptions,
    progress: vscode.Progress<unknown>,
    token: vscode.CancellationToken,
  ): Thenable<void>;
  provideTokenCount(model: T, text: string | LmRequestMessage, token: vscode.CancellationToken): Thenable<number>;
}

export interface LmToolResult {
  content: unknown[];
}

export interface LmTool<T> {
  invoke(options: { input: T; toolInvocationToken: unknown }, token: vscode.CancellationToken): vscode.ProviderResult<LmToolResult>;
  prepareInvocation?(
    options: { input: T },
    token: vscode.CancellationToken,
  ): vscode.ProviderResult<{
    invocationMessage?: string | vscode.MarkdownString;
    confirmationMessages?: { title: string; message: string | vscode.MarkdownString };
  }>;
}

export interface McpStdioDefinition {
  label: string;
  command: string;
  args: string[];
  env: Record<string, string | number | null>;
  cwd?: vscode.Uri;
  version?: string;
}

export interface McpDefinitionProvider {
  onDidChangeMcpServerDefinitions?: vscode.Event<void>;
  provideMcpServerDefinitions(token: vscode.CancellationToken): vscode.ProviderResult<McpStdioDefinition[]>;
  resolveMcpServerDefinition?(server: McpStdioDefinition, token: vscode.CancellationToken): vscode.ProviderResult<McpStdioDefinition>;
}

/** What the host offers; each member is undefined where this VS Code lacks it. */
export interface LanguageModelApi {
  registerLanguageModelChatProvider?: (vendor: string, provider: LmChatProvider) => vscode.Disposable;
  registerTool?: <T>(name: string, tool: LmTool<T>) => vscode.Disposable;
  invokeTool?: (
    name: string,
    options: { input: object; toolInvocationToken: undefined },
    token?: vscode.CancellationToken,
  ) => Thenable<LmToolResult>;
  registerMcpServerDefinitionProvider?: (id: string, provider: McpDefinitionProvider) => vscode.Disposable;
  TextPart?: new (value: string) => LmTextPart;
  ToolCallPart?: new (callId: string, name: string, input: object) => LmToolCallPart;
  ToolResultPart?: new (callId: string, content: unknown[]) => LmToolResultPart;
  ToolResult?: new (content: unknown[]) => LmToolResult;
  McpStdioServerDefinition?: new (
    label: string,
    command: string,
    args?: string[],
    env?: Record<string, string | number | null>,
    version?: string,
  ) => McpStdioDefinition;
}

type Loose = Record<string, unknown>;

/** The language model API of the running host, member by member. */
export function languageModelApi(): LanguageModelApi {
  const lm = (vscode as unknown as { lm?: Loose }).lm ?? {};
  const ns = vscode as unknown as Loose;
  const fn = <T>(value: unknown) => (typeof value === 'function' ? (value as T) : undefined);
  return {
    registerLanguageModelChatProvider: fn<LanguageModelApi['registerLanguageModelChatProvider']>(
      lm.registerLanguageModelChatProvider,
    )?.bind(lm),
    registerTool: fn<LanguageModelApi['registerTool']>(lm.registerTool)?.bind(lm),
    invokeTool: fn<LanguageModelApi['invokeTool']>(lm.invokeTool)?.bind(lm),
    registerMcpServerDefinitionProvider: fn<LanguageModelApi['registerMcpServerDefinitionProvider']>(
      lm.registerMcpServerDefinitionProvider,
    )?.bind(lm),
    TextPart: fn(ns.LanguageModelTextPart),
    ToolCallPart: fn(ns.LanguageModelToolCallPart),
    ToolResultPart: fn(ns.LanguageModelToolResultPart),
    ToolResult: fn(ns.LanguageModelToolResult),
    McpStdioServerDefinition: fn(ns.McpStdioServerDefinition),
  };
}

/** Duck-typed part checks: class identity is not guaranteed across hosts, and older hosts lack some classes. */
export const isTextPart = (part: unknown): part is LmTextPart => isObject(part) && typeof part.value === 'string' && !('callId' in part);
export const isToolCallPart = (part: unknown): part is LmToolCallPart =>
  isObject(part) && typeof part.callId === 'string' && typeof part.name === 'string' && isObject(part.input);
export const isToolResultPart = (part: unknown): part is LmToolResultPart =>
  isObject(part) && typeof part.callId === 'string' && Array.isArray(part.content);
export const isDataPart = (part: unknown): part is LmDataPart =>
  isObject(part) && typeof part.mimeType === 'string' && part.data instanceof Uint8Array;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
