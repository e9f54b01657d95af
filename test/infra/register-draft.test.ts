import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { registerDraftApp } from '../../lib/app.js';

describe('the register draft synthesis', () => {
  it('keeps the real app context but bundles no function (each function is bundled once per synth)', () => {
    const app = new App({ context: { retentionDays: 45 } });
    const draft = registerDraftApp(app, app.outdir);
    const draftStack = new Stack(draft, 'Draft');
    expect(draftStack.node.tryGetContext('retentionDays')).toBe(45);
    expect(draftStack.bundlingRequired).toBe(false);
    expect(new Stack(app, 'Real').bundlingRequired).toBe(true);
  });
});
