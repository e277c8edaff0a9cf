import type { EmulatedProtocol, EmulatorReply, Match } from './emulatorTypes';

/** What a request looks like to the matcher. */
export interface RequestFacts {
  protocol: EmulatedProtocol;
  model?: string;
  prompt: string;
}

/** Scripted replies: a one-shot queue before persistent rules (later rules win). */
export class ReplyScript {
  private queue: Array<{ reply: EmulatorReply; match: Match }> = [];
  private rules: Array<{ reply: EmulatorReply; match: Match }> = [];

  enqueue(reply: EmulatorReply, match: Match = {}): void {
    this.queue.push({ reply, match });
  }

  rule(match: Match, reply: EmulatorReply): void {
    this.rules.push({ reply, match });
  }

  reset(): void {
    this.queue = [];
    this.rules = [];
  }

  /** The reply for this request, consuming it if it was queued; undefined = answer with the default. */
  take(facts: RequestFacts): EmulatorReply | undefined {
    const queued = this.queue.findIndex((entry) => matches(entry.match, facts));
    if (queued >= 0) return this.queue.splice(queued, 1)[0].reply;
    for (let i = this.rules.length - 1; i >= 0; i--) {
      if (matches(this.rules[i].match, facts)) return this.rules[i].reply;
    }
    return undefined;
  }
}

function matches(match: Match, facts: RequestFacts): boolean {
  if (match.protocol !== undefined && match.protocol !== facts.protocol) return false;
  if (match.model !== undefined && match.model !== facts.model) return false;
  if (match.promptIncludes !== undefined && !facts.prompt.includes(match.promptIncludes)) return false;
  return true;
}
