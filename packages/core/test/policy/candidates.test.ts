import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { repFacts } from './rep-facts.ts';
import { type CandidateVerdict, type CompiledRequirement, compileRequirement, type ExclusionReason, judgeCandidates, type LeadFacts, type RepFacts, type RepId, type Requirement } from '../../src/index.ts';

type Exclusion = 'declined' | 'breached' | 'rejected';

const rep = repFacts;

const lead = (attributes: LeadFacts['attributes'] = {}, overrides: Partial<LeadFacts> = {}): LeadFacts => ({ email: 'jo@acme.example', attributes, ...overrides });

/** Judges a team of the given reps (plus, optionally, member ids nobody knows). */
function judge(
  reps: ReadonlyArray<RepFacts>,
  options: { requirement?: Requirement | CompiledRequirement; lead?: LeadFacts; excluded?: ReadonlyArray<[string, Exclusion]>; unknown?: ReadonlyArray<string> } = {},
) {
  const byId = new Map(reps.map((r) => [r.repId, r]));
  const members = [...reps.map((r) => r.repId), ...(options.unknown ?? []).map((id) => id as RepId)];
  const excluded = new Map((options.excluded ?? []).map(([id, why]) => [id as RepId, why]));
  return judgeCandidates(members, (id) => byId.get(id), options.lead ?? lead(), options.requirement, excluded);
}

function excludedVerdict(verdict: CandidateVerdict | undefined): { reason: ExclusionReason; detail: string } {
  if (verdict?.verdict !== 'excluded') throw new Error(`expected an excluded verdict, got ${JSON.stringify(verdict)}`);
  return { reason: verdict.reason, detail: verdict.detail };
}

describe('judgeCandidates: who may take the lead', () => {
  it('keeps member order in the verdicts and in the eligible reps', () => {
    const reps = [rep('Li'), rep('Tom', { state: 'away' }), rep('Ana'), rep('Sarah')];
    const { verdicts, eligible } = judge(reps);
    expect(verdicts.map((v) => v.name)).toEqual(['Li', 'Tom', 'Ana', 'Sarah']);
    expect(eligible.map((r) => r.name)).toEqual(['Li', 'Ana', 'Sarah']);
    expect(eligible[0]).toBe(reps[0]);
  });

  it('gives an eligible rep a placeholder verdict for the strategy to fill in', () => {
    const assignedAt = Date.parse('2026-05-04T09:30:00Z');
    const { verdicts } = judge([rep('Li', { lastAssignedAt: assignedAt, lastAssignmentSeq: 7 }), rep('Ana')]);
    expect(verdicts).toEqual([
      { repId: 'li', name: 'Li', verdict: 'eligible', lastAssignedAt: '2026-05-04T09:30:00.000Z', score: 0, detail: '' },
      { repId: 'ana', name: 'Ana', verdict: 'eligible', lastAssignedAt: null, score: 0, detail: '' },
    ]);
  });

  it('writes the last assignment time exactly as Date#toISOString does, at any instant', () => {
    const instant = fc.oneof(
      fc.integer({ min: 0, max: 253_402_300_799_999 }),
      fc.integer({ min: -8_640_000_000_000_000, max: 8_640_000_000_000_000 }),
      fc.double({ min: 0, max: 2e12, noNaN: true }),
      // Leap days (2000, 2024, 2100 is none), milliseconds that need padding, the end of year 9999.
      fc.constantFrom(0, 951_782_400_000, 1_709_164_800_005, 1_709_164_800_099, 4_107_542_400_100, 253_402_300_799_999, 253_402_300_800_000),
    );
    fc.assert(
      fc.property(instant, (ms) => {
        const { verdicts } = judge([rep('Li', { lastAssignedAt: ms })]);
        expect(verdicts[0]).toMatchObject({ lastAssignedAt: new Date(ms).toISOString() });
      }),
      { numRuns: 2000 },
    );
  });

  it('returns no verdicts and nobody eligible for a team without members', () => {
    expect(judge([])).toEqual({ verdicts: [], eligible: [] });
  });

  it('excludes a member the policy does not know, naming its id', () => {
    const { verdicts, eligible } = judge([rep('Ana')], { unknown: ['rep-404'] });
    expect(verdicts[1]).toEqual({
      repId: 'rep-404',
      name: 'rep-404',
      verdict: 'excluded',
      reason: 'unknown',
      detail: 'rep rep-404 is not known to the policy (deleted, or not loaded)',
    });
    expect(eligible.map((r) => r.name)).toEqual(['Ana']);
  });

  describe('exclusions, state and caps', () => {
    const cases: ReadonlyArray<{ title: string; rep: Partial<RepFacts>; excluded?: Exclusion; reason: ExclusionReason; detail: string }> = [
      { title: 'a rep who declined the lead', rep: {}, excluded: 'declined', reason: 'declined', detail: 'Ana already declined this lead' },
      { title: 'a rep who let its SLA run out', rep: {}, excluded: 'breached', reason: 'breached', detail: 'Ana let this lead’s SLA run out before' },
      { title: 'a rep who rejected the lead', rep: {}, excluded: 'rejected', reason: 'rejected', detail: 'Ana rejected this lead before' },
      { title: 'a deactivated rep', rep: { state: 'inactive' }, reason: 'inactive', detail: 'Ana is deactivated' },
      { title: 'an away rep, with the reason', rep: { state: 'away', stateDetail: 'OOO until 12 May' }, reason: 'away', detail: 'Ana is away (OOO until 12 May)' },
      { title: 'an away rep, without a reason', rep: { state: 'away' }, reason: 'away', detail: 'Ana is away' },
      { title: 'an off-shift rep, with when', rep: { state: 'offline', stateDetail: 'back at 09:00' }, reason: 'offline', detail: 'Ana is off shift (back at 09:00)' },
      { title: 'an off-shift rep, without when', rep: { state: 'offline' }, reason: 'offline', detail: 'Ana is off shift' },
      { title: 'a rep at its cap', rep: { cap: 10, activeLeads: 10 }, reason: 'capped', detail: 'Ana is capped (10/10 active)' },
      { title: 'a rep over its cap (the cap was lowered)', rep: { cap: 5, activeLeads: 7 }, reason: 'capped', detail: 'Ana is capped (7/5 active)' },
      { title: 'a rep with a cap of 0', rep: { cap: 0 }, reason: 'capped', detail: 'Ana is capped (0/0 active)' },
      {
        title: 'a rep capped by a window cap, with the state’s reason',
        rep: { state: 'capped', stateDetail: '20/20 leads today', cap: 10, activeLeads: 2 },
        reason: 'capped',
        detail: 'Ana is capped (20/20 leads today)',
      },
      { title: 'a rep whose state says capped, without a reason', rep: { state: 'capped', cap: 10, activeLeads: 3 }, reason: 'capped', detail: 'Ana is capped (3/10 active)' },
      { title: 'a rep whose state says capped, without a cap or reason', rep: { state: 'capped' }, reason: 'capped', detail: 'Ana is capped' },
      // Precedence: the first failing check names the reason.
      { title: 'a declined rep who is also away (exclusions first)', rep: { state: 'away' }, excluded: 'declined', reason: 'declined', detail: 'Ana already declined this lead' },
      { title: 'an away rep at its cap (state before cap)', rep: { state: 'away', cap: 1, activeLeads: 1 }, reason: 'away', detail: 'Ana is away' },
    ];

    it.each(cases)('excludes $title', ({ rep: overrides, excluded, reason, detail }) => {
      const ana = rep('Ana', overrides);
      const { verdicts, eligible } = judge([ana], { excluded: excluded ? [['ana', excluded]] : [] });
      expect(excludedVerdict(verdicts[0])).toEqual({ reason, detail });
      expect(eligible).toEqual([]);
    });

    it('lets a rep under its cap and a rep without a cap take the lead', () => {
      const { eligible } = judge([rep('Ana', { cap: 10, activeLeads: 9 }), rep('Li', { activeLeads: 500 })]);
      expect(eligible.map((r) => r.name)).toEqual(['Ana', 'Li']);
    });

    it('only excludes the reps the exclusions name', () => {
      const { verdicts } = judge([rep('Ana'), rep('Li')], { excluded: [['li', 'breached']] });
      expect(verdicts.map((v) => v.verdict)).toEqual(['eligible', 'excluded']);
    });

    it('checks state and cap before the rule’s requirement', () => {
      const { verdicts } = judge([rep('Ana', { state: 'offline' }), rep('Li', { cap: 2, activeLeads: 2 })], { requirement: { allOf: ['salesforce'] } });
      expect(verdicts.map((v) => excludedVerdict(v).reason)).toEqual(['offline', 'capped']);
    });
  });

  describe('requirements', () => {
    const de = lead({ language: 'DE', tier: 2, country: 'AT' });
    const cases: ReadonlyArray<{ title: string; requirement: Requirement; tags: string[]; lead?: LeadFacts; reason: ExclusionReason | null; detail?: string }> = [
      { title: 'allOf: every tag present, ignoring case', requirement: { allOf: ['salesforce', 'Enterprise'] }, tags: ['SalesForce', 'enterprise', 'x'], reason: null },
      { title: 'allOf: one tag missing', requirement: { allOf: ['salesforce', 'HubSpot'] }, tags: ['salesforce'], reason: 'missing_tag', detail: 'Ana lacks the tag HubSpot' },
      { title: 'allOf: a tag that only starts with the required one', requirement: { allOf: ['sales'] }, tags: ['salesforce'], reason: 'missing_tag', detail: 'Ana lacks the tag sales' },
      { title: 'anyOf: one of them present', requirement: { anyOf: ['de', 'at', 'ch'] }, tags: ['fr', 'AT'], reason: null },
      { title: 'anyOf: none present', requirement: { anyOf: ['de', 'at'] }, tags: ['fr'], reason: 'missing_tag', detail: 'Ana has none of the tags de, at' },
      { title: 'anyOf: an empty list asks for nothing', requirement: { anyOf: [] }, tags: [], reason: null },
      { title: 'skills: the level required', requirement: { skills: { enterprise: 3 } }, tags: ['enterprise:3'], reason: null },
      { title: 'skills: a higher level', requirement: { skills: { enterprise: 3 } }, tags: ['enterprise:12'], reason: null },
      { title: 'skills: the highest of several levels counts', requirement: { skills: { enterprise: 3 } }, tags: ['enterprise:1', 'Enterprise:4', 'enterprise:2'], reason: null },
      { title: 'skills: the name ignoring case', requirement: { skills: { Enterprise: 2 } }, tags: ['ENTERPRISE:2'], reason: null },
      { title: 'skills: a lower level', requirement: { skills: { enterprise: 3 } }, tags: ['enterprise:2'], reason: 'skill_too_low', detail: 'Ana has enterprise:2, needs 3' },
      {
        title: 'skills: no such skill',
        requirement: { skills: { enterprise: 3 } },
        tags: ['smb:5'],
        reason: 'missing_tag',
        detail: 'Ana lacks the skill enterprise (needs enterprise:3 or higher)',
      },
      { title: 'skills: the bare tag has no level', requirement: { skills: { enterprise: 1 } }, tags: ['enterprise'], reason: 'missing_tag' },
      { title: 'skills: a level that is not a whole number', requirement: { skills: { enterprise: 1 } }, tags: ['enterprise:high', 'enterprise:', 'enterprise:2.5'], reason: 'missing_tag' },
      { title: 'skills: a longer skill name is another skill', requirement: { skills: { enterprise: 1 } }, tags: ['enterprises:5'], reason: 'missing_tag' },
      {
        title: 'skills: each skill is checked',
        requirement: { skills: { enterprise: 2, fintech: 3 } },
        tags: ['enterprise:5', 'fintech:1'],
        reason: 'skill_too_low',
        detail: 'Ana has fintech:1, needs 3',
      },
      { title: 'match: the tag for the lead’s value', requirement: { match: { language: 'language' } }, tags: ['language:de'], lead: de, reason: null },
      { title: 'match: ignoring case on both sides', requirement: { match: { Language: 'language' } }, tags: ['LANGUAGE:De'], lead: de, reason: null },
      { title: 'match: a number field', requirement: { match: { tier: 'tier' } }, tags: ['tier:2'], lead: de, reason: null },
      { title: 'match: a tag named apart from the field', requirement: { match: { region: 'country' } }, tags: ['region:at'], lead: de, reason: null },
      { title: 'match: a top-level field', requirement: { match: { domain: 'domain' } }, tags: ['domain:acme.example'], lead: de, reason: null },
      {
        title: 'match: the tag for another value',
        requirement: { match: { language: 'language' } },
        tags: ['language:fr'],
        lead: de,
        reason: 'missing_tag',
        detail: 'Ana lacks the tag language:de',
      },
      {
        title: 'match: the lead lacks the field',
        requirement: { match: { language: 'language' } },
        tags: ['language:de'],
        lead: lead({ country: 'AT' }),
        reason: 'missing_tag',
        detail: 'Ana can’t be matched: the lead has no language',
      },
      {
        title: 'match: the lead’s field is empty',
        requirement: { match: { language: 'language' } },
        tags: ['language:'],
        lead: lead({ language: '' }),
        reason: 'missing_tag',
        detail: 'Ana can’t be matched: the lead has no language',
      },
      { title: 'case beyond ASCII', requirement: { allOf: ['ärzte'], match: { stadt: 'city' } }, tags: ['ÄRZTE', 'Stadt:MÜNCHEN'], lead: lead({ city: 'münchen' }), reason: null },
      { title: 'case beyond ASCII, missing', requirement: { allOf: ['ärzte'] }, tags: ['ärzt', 'ÄRZTEKAMMER'], reason: 'missing_tag', detail: 'Ana lacks the tag ärzte' },
      { title: 'all kinds at once', requirement: { allOf: ['a'], anyOf: ['b', 'c'], skills: { d: 2 }, match: { language: 'language' } }, tags: ['A', 'c', 'd:2', 'language:DE'], lead: de, reason: null },
      {
        title: 'allOf before anyOf, skills and match',
        requirement: { allOf: ['a'], anyOf: ['b'], skills: { d: 2 }, match: { language: 'language' } },
        tags: [],
        lead: de,
        reason: 'missing_tag',
        detail: 'Ana lacks the tag a',
      },
      { title: 'anyOf before skills', requirement: { anyOf: ['b'], skills: { d: 2 } }, tags: ['d:1'], reason: 'missing_tag', detail: 'Ana has none of the tags b' },
      { title: 'skills before match', requirement: { skills: { d: 2 }, match: { language: 'language' } }, tags: ['d:1'], lead: de, reason: 'skill_too_low' },
    ];

    it.each(cases)('$title', ({ requirement, tags, lead: theLead, reason, detail }) => {
      for (const form of [requirement, compileRequirement(requirement)]) {
        const { verdicts, eligible } = judge([rep('Ana', { tags })], { requirement: form, lead: theLead ?? de });
        if (reason === null) {
          expect(verdicts[0]?.verdict).toBe('eligible');
          expect(eligible).toHaveLength(1);
        } else {
          const excluded = excludedVerdict(verdicts[0]);
          expect(excluded.reason).toBe(reason);
          if (detail !== undefined) expect(excluded.detail).toBe(detail);
          expect(eligible).toHaveLength(0);
        }
      }
    });

    it('excludes every rep when the lead lacks a field a dynamic tag needs', () => {
      const reps = [rep('Ana', { tags: ['language:de'] }), rep('Li', { tags: ['language:en'] }), rep('Tom', { state: 'away' })];
      const { verdicts, eligible } = judge(reps, { requirement: { match: { language: 'language' } }, lead: lead({}) });
      expect(verdicts.map((v) => excludedVerdict(v).detail)).toEqual([
        'Ana can’t be matched: the lead has no language',
        'Li can’t be matched: the lead has no language',
        'Tom is away',
      ]);
      expect(eligible).toEqual([]);
    });

    it('sorts a mixed team into eligible and excluded reps', () => {
      const reps = [rep('Ana', { tags: ['language:de', 'enterprise:3'] }), rep('Li', { tags: ['language:de', 'enterprise:1'] }), rep('Sarah', { tags: ['enterprise:5', 'language:DE'] })];
      const { verdicts, eligible } = judge(reps, { requirement: { skills: { enterprise: 2 }, match: { language: 'language' } }, lead: lead({ language: 'de' }) });
      expect(verdicts.map((v) => (v.verdict === 'excluded' ? v.reason : v.verdict))).toEqual(['eligible', 'skill_too_low', 'eligible']);
      expect(eligible.map((r) => r.name)).toEqual(['Ana', 'Sarah']);
    });
  });
});

describe('compileRequirement', () => {
  it('lower-cases the tags once and keeps them as written for explanations', () => {
    expect(compileRequirement({ allOf: ['HubSpot'], anyOf: ['DE'], skills: { Enterprise: 3 }, match: { Language: 'language' } })).toEqual({
      compiled: true,
      allOf: [{ tag: 'HubSpot', lower: 'hubspot' }],
      anyOf: [{ tag: 'DE', lower: 'de' }],
      skills: [{ name: 'Enterprise', prefix: 'enterprise:', min: 3 }],
      match: [{ tag: 'Language', prefix: 'language:', field: 'language' }],
    });
  });

  it('is frozen, so a cached requirement can’t be changed by accident', () => {
    const compiled = compileRequirement({ allOf: ['a'] });
    expect(Object.isFrozen(compiled)).toBe(true);
    expect(Object.isFrozen(compiled.allOf)).toBe(true);
    expect(Object.isFrozen(compiled.allOf[0])).toBe(true);
  });

  it('asks for nothing when the rule has no requirement', () => {
    const compiled = compileRequirement(undefined);
    expect(compiled).toEqual({ compiled: true, allOf: [], anyOf: [], skills: [], match: [] });
    const { eligible } = judgeCandidates(['ana' as RepId], () => rep('Ana'), lead(), compiled, new Map());
    expect(eligible).toHaveLength(1);
  });

  it('can be reused across leads: dynamic tags are resolved per lead', () => {
    const compiled = compileRequirement({ match: { language: 'language' } });
    const reps = [rep('Ana', { tags: ['language:de'] }), rep('Li', { tags: ['language:en'] })];
    expect(judge(reps, { requirement: compiled, lead: lead({ language: 'de' }) }).eligible.map((r) => r.name)).toEqual(['Ana']);
    expect(judge(reps, { requirement: compiled, lead: lead({ language: 'en' }) }).eligible.map((r) => r.name)).toEqual(['Li']);
  });
});

describe('judgeCandidates: reps in a meeting', () => {
  const inMeeting = (name: string, whenBusyAllowed: RepFacts['whenBusyAllowed']) =>
    rep(name, { state: 'busy', stateDetail: 'in a meeting until 14:30', whenBusyAllowed });

  it('skips a busy rep and says until when, unless the team allows busy reps', () => {
    const reps = [inMeeting('Sarah', { state: 'available' }), rep('Tom')];
    const byId = new Map(reps.map((r) => [r.repId, r]));
    const skipped = judgeCandidates(reps.map((r) => r.repId), (id) => byId.get(id), lead(), undefined, new Map());
    expect(excludedVerdict(skipped.verdicts[0])).toEqual({ reason: 'busy', detail: 'Sarah is busy (in a meeting until 14:30)' });
    expect(skipped.eligible.map((r) => r.name)).toEqual(['Tom']);
    const allowed = judgeCandidates(reps.map((r) => r.repId), (id) => byId.get(id), lead(), undefined, new Map(), { allowBusy: true });
    expect(allowed.eligible.map((r) => r.name)).toEqual(['Sarah', 'Tom']);
  });

  it('still holds a busy rep’s cap where busy reps are allowed', () => {
    const sarah = inMeeting('Sarah', { state: 'capped', stateDetail: '5/5 this day' });
    const { verdicts, eligible } = judgeCandidates([sarah.repId], () => sarah, lead(), undefined, new Map(), { allowBusy: true });
    expect(eligible).toEqual([]);
    expect(excludedVerdict(verdicts[0])).toEqual({ reason: 'capped', detail: 'Sarah is capped (5/5 this day)' });
  });
});
