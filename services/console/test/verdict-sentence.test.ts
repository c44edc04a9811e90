import { describe, expect, it } from 'vitest';
import { verdictSentence } from '../src/format/verdict-sentence.ts';

describe('the fairness verdict as a sentence', () => {
  it('reads as English for each verdict the report gives', () => {
    expect(verdictSentence('departs from the weights (p = 0.003)')).toBe('Assignments depart from the weights (p = 0.003)');
    expect(verdictSentence('consistent with the weights (p = 0.62)')).toBe('Assignments are consistent with the weights (p = 0.62)');
    expect(verdictSentence('nothing to test: no leads were assigned in the period')).toBe('Nothing to test: no leads were assigned in the period');
  });
});
