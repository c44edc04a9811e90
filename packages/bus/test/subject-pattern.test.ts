import { describe, expect, it } from 'vitest';
import { subjectMatches, subjectsOverlap } from '../src/subject-pattern.ts';

describe('subjectMatches', () => {
  it.each([
    ['sb.lead.intake', 'sb.lead.intake', true],
    ['sb.lead.intake', 'sb.lead.other', false],
    ['sb.*.intake', 'sb.lead.intake', true],
    ['sb.*', 'sb.lead.intake', false],
    ['sb.evt.>', 'sb.evt.lead.assigned', true],
    ['sb.evt.>', 'sb.evt.x', true],
    ['sb.evt.>', 'sb.evt', false],
    ['>', 'anything.at.all', true],
    ['sb.lead', 'sb.lead.intake', false],
  ])('%s matches %s: %s', (pattern, subject, expected) => {
    expect(subjectMatches(pattern, subject)).toBe(expected);
  });
});

describe('subjectsOverlap', () => {
  it.each([
    ['sb.evt.>', 'sb.evt.lead.assigned', true],
    ['sb.evt.>', 'sb.deadletter.>', false],
    ['sb.*.intake', 'sb.lead.*', true],
    ['sb.*', 'sb.lead.intake', false],
    ['sb.lead.intake', 'sb.lead', false],
    ['sb.x.>', 'sb.x', false],
    ['a.b', 'a.b', true],
  ])('%s and %s overlap: %s', (a, b, expected) => {
    expect(subjectsOverlap(a, b)).toBe(expected);
    expect(subjectsOverlap(b, a)).toBe(expected);
  });
});
