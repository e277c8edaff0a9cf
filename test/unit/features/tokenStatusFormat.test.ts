import * as assert from 'node:assert/strict';
import { evaluateBudget } from '../../../src/core/tokens/budget';
import { costTable } from '../../../src/core/cost/promptCost';
import { ModelCatalog } from '../../../src/core/models/catalog';
import { formatShare, formatTokens, statusText, tooltipMarkdown } from '../../../src/features/tokens/tokenStatusFormat';
import { sectionHoverMarkdown, sectionLensTitle, wholeFileLensTitle } from '../../../src/features/tokens/promptSectionFormat';

const catalog = new ModelCatalog();
const gpt4o = catalog.lookup('openai:gpt-4o')!;
const sonnet = catalog.lookup('anthropic:claude-sonnet-4-5')!;

describe('token status text', () => {
  it('formats counts with thousands separators and shares with one decimal', () => {
    assert.equal(formatTokens(1234567), '1,234,567');
    assert.equal(formatShare(0.097), '9.7%');
    assert.equal(formatShare(0.0004), '<0.1%');
    assert.equal(formatShare(0), '0.0%');
    assert.equal(formatShare(1.025), '102.5%');
  });

  it('shows total, share and model; the selection first when there is one', () => {
    const exact = { kind: 'exact', encoding: 'o200k_base' } as const;
    assert.equal(
      statusText({ total: 12408, tokenizer: exact, share: 0.097, modelName: 'GPT-4o' }),
      '$(symbol-numeric) 12,408 tok · 9.7% of GPT-4o',
    );
    assert.equal(
      statusText({ total: 12408, selection: 1204, tokenizer: exact, share: 0.097, modelName: 'GPT-4o' }),
      '$(symbol-numeric) 1,204 / 12,408 tok · 9.7% of GPT-4o',
    );
  });

  it('marks estimates with ≈', () => {
    const text = statusText({ total: 500, selection: 20, tokenizer: sonnet.tokenizer, share: 0.01, modelName: 'Claude Sonnet 4.5' });
    assert.equal(text, '$(symbol-numeric) ≈20 / ≈500 tok · 1.0% of Claude Sonnet 4.5');
  });
});

describe('token status tooltip', () => {
  const evaluation = evaluateBudget({
    model: gpt4o,
    promptTokens: 131204,
    outputReserve: 1000,
    warnThreshold: 0.8,
    sections: [
      { heading: 'System', bucket: 'system', tokens: 204, limit: 500 },
      { heading: 'Context', bucket: 'context', tokens: 131000, limit: 100000 },
    ],
  });
  const markdown = tooltipMarkdown({
    fileName: 'rag.prompt.md',
    total: 131204,
    tokenizer: gpt4o.tokenizer,
    modelName: 'GPT-4o',
    evaluation,
    costs: costTable(131204, 1000, [gpt4o, sonnet], 1000),
    callsPerDay: 1000,
  });

  it('has the count, the verdict with its numbers and the bucket breakdown', () => {
    assert.match(markdown, /\*\*131,204 tokens\*\* in `rag\.prompt\.md` \(exact, o200k_base\)/);
    // GPT-4o's prompt and answer share one 128,000-token window.
    assert.match(markdown, /131,204 prompt \+ 1,000 reserved output = 132,204 of GPT-4o's 128,000-token window/);
    assert.match(markdown, /\| Context \| context \| 131,000 \| 100,000 \$\(error\) \|/);
    assert.match(markdown, /\| System \| system \| 204 \| 500 \|/);
  });

  it('has one call’s cost and the monthly projection per model, estimates marked', () => {
    // 131,204 × $2.50/M + 1,000 × $10/M = $0.3380 per call; × 1,000/day × 30 = $10,140 a month
    assert.ok(markdown.includes('| GPT-4o | $0.3380 | $10,140 |'), markdown);
    assert.match(markdown, /\| Claude Sonnet 4\.5 ≈ \| \$/);
    assert.match(markdown, /Monthly at 1,000\/day/);
  });
});

describe('token status tooltip of files without sections', () => {
  const plain = (sections: { heading: string; tokens: number }[], evalFile = false) => {
    const evaluation = evaluateBudget({ model: gpt4o, promptTokens: 1200, outputReserve: 1000, warnThreshold: 0.8, sections });
    return tooltipMarkdown({
      fileName: 'x.prompt.md',
      total: 1200,
      tokenizer: gpt4o.tokenizer,
      modelName: 'GPT-4o',
      evaluation,
      costs: [],
      callsPerDay: 1000,
      evalFile,
    });
  };

  it('a prompt file without headings gets no table of empty cells', () => {
    const markdown = plain([{ heading: '', tokens: 1200 }]);
    assert.doesNotMatch(markdown, /\| Section \|/);
    assert.doesNotMatch(markdown, /\|\s*\|/, 'no empty cell anywhere');
  });

  it('text before the first heading is named, and empty buckets and limits read as —', () => {
    const markdown = plain([
      { heading: '', tokens: 200 },
      { heading: 'Notes', tokens: 1000 },
    ]);
    assert.match(markdown, /\| _\(before the first heading\)_ \| — \| 200 \| — \|/);
    assert.match(markdown, /\| Notes \| — \| 1,000 \| — \|/);
  });

  it('an eval file says what its count is, and suggests no front-matter budget', () => {
    const markdown = plain([], true);
    assert.match(markdown, /An eval file: this is the count of its own text\. What is sent are its prompts with each test’s vars/);
    assert.doesNotMatch(markdown, /budget:/);
  });
});

describe('prompt section CodeLens and hover text', () => {
  it("the whole-file lens shows the status bar's share (prompt + reserve over the window)", () => {
    const evaluation = evaluateBudget({ model: gpt4o, promptTokens: 1204, outputReserve: 1000, warnThreshold: 0.8 });
    const status = statusText({ total: 1204, tokenizer: gpt4o.tokenizer, share: evaluation.share, modelName: 'GPT-4o' });
    const lens = wholeFileLensTitle({
      tokens: 1204,
      share: evaluation.share,
      outputReserve: 1000,
      modelName: 'GPT-4o',
      tokenizer: gpt4o.tokenizer,
    });
    assert.equal(lens, '1,204 tokens · 1.7% of GPT-4o with 1,000 reserved for the answer (whole file)');
    assert.equal(/ · ([\d.]+%) of /.exec(lens)![1], /· ([\d.]+%) of /.exec(status)![1]);
  });

  it('shows tokens and share, and the bucket limit when one is set', () => {
    assert.equal(
      sectionLensTitle({ tokens: 1204, contextWindow: 128000, modelName: 'GPT-4o', tokenizer: gpt4o.tokenizer }),
      '1,204 tokens · 0.9% of GPT-4o',
    );
    assert.equal(
      sectionLensTitle({
        tokens: 2500,
        contextWindow: 128000,
        modelName: 'GPT-4o',
        tokenizer: gpt4o.tokenizer,
        bucket: 'context',
        limit: 2000,
      }),
      '2,500 tokens · 2.0% of GPT-4o · context 2,500 / 2,000 $(warning)',
    );
  });

  it('hover lists the section’s cost, one call and the monthly projection per model', () => {
    const whole = costTable(5000, 1000, [gpt4o], 300);
    const section = costTable(1200, 0, [gpt4o], 300);
    const markdown = sectionHoverMarkdown({
      heading: 'Context',
      tokens: 1200,
      contextWindow: 128000,
      limitKind: 'input',
      modelName: 'GPT-4o',
      tokenizer: gpt4o.tokenizer,
      promptTokens: 5000,
      outputReserve: 1000,
      callsPerDay: 300,
      costs: whole.map((row, i) => ({ row, sectionInput: section[i].perCall })),
    });
    assert.match(markdown, /^\*\*Context\*\* — 1,200 tokens \(0\.9% of GPT-4o’s 128,000-token input limit\)/);
    assert.match(markdown, /monthly at 300 calls\/day/);
    // section: 1,200 × $2.50/M = $0.003; one call: 5,000 × $2.50/M + 1,000 × $10/M = $0.0225; × 300 × 30 = $202.50
    assert.match(markdown, /\| GPT-4o \| \$0\.003 \| \$0\.0225 \| \$203 \|/);
  });
});
