import * as vscode from 'vscode';
import { spendStatusView } from '../../core/cost/spendSummary';
import type { ChatFeature } from '../chat/registerChat';
import type { EvalTestsFeature } from '../evalTests/registerEvalTests';
import type { LanguageModelsFeature } from '../languageModels/registerLanguageModels';
import type { SharedServices } from '../services/sharedServices';
import { CostReportPanel } from '../spend/costReportPanel';
import type { TokenStatus } from '../tokens/tokenStatus';

/** What the status bar item shows now, as the integration tests read it. */
export interface TokenStatusSnapshot {
  visible: boolean;
  text: string;
  tooltip: string;
  background?: string;
  command?: string;
}

/** The registered features the snapshots read (each may be missing: a feature that failed to start). */
export interface TestedFeatures {
  tokenStatus?: TokenStatus;
  chat?: ChatFeature;
  evalTests?: EvalTestsFeature;
  languageModels?: LanguageModelsFeature;
}

export function tokenStatusSnapshot(status: TokenStatus): TokenStatusSnapshot {
  const { item } = status;
  const tooltip = item.tooltip;
  const background = item.backgroundColor as (vscode.ThemeColor & { id?: string }) | undefined;
  return {
    visible: status.visible,
    text: item.text,
    tooltip: typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? ''),
    background: background?.id,
    command: typeof item.command === 'string' ? item.command : item.command?.command,
  };
}

/** One reader per snapshot key: read when the test command runs, never before. */
export function snapshotReaders(services: SharedServices, features: TestedFeatures): Record<string, () => unknown> {
  const { settings, spendTracker, counts } = services;
  return {
    tokenStatus: () => features.tokenStatus && tokenStatusSnapshot(features.tokenStatus),
    activeDocumentCount: () => {
      const document = vscode.window.activeTextEditor?.document;
      return document ? counts.state(document) : undefined;
    },
    chat: () => features.chat && { busy: features.chat.session.busy, conversation: features.chat.session.conversation },
    spend: () => {
      const view = spendStatusView(spendTracker.current, new Date(), settings.current.budget.dailyUsd);
      return {
        ledgerPath: spendTracker.path,
        text: view.text,
        level: view.level,
        tooltip: view.tooltip,
        todayUsd: view.today.usd,
        todayCalls: view.today.calls,
        report: CostReportPanel.current?.lastRender,
      };
    },
    languageModels: () =>
      features.languageModels && { ...features.languageModels.status, entries: features.languageModels.provider?.entries() },
    evalTests: () => {
      const evals = features.evalTests;
      if (!evals) return undefined;
      const files = evals.tests.fileItems();
      const panel = evals.comparison();
      return {
        files: files.map((f) => ({
          uri: f.uri?.toString(),
          cases: f.children.size,
          error: f.error ? String((f.error as vscode.MarkdownString).value ?? f.error) : undefined,
        })),
        decorations: Object.fromEntries(files.map((f) => [f.uri!.toString(), evals.decorations.get(f.uri!)])),
        compare: panel && { view: panel.view, lastRender: panel.lastRender },
        trusted: vscode.workspace.isTrusted,
      };
    },
  };
}
