import { definedEntries, isPlainObject, isScalar, rangeKey, territoryKey } from './condition-values.ts';

/**
 * Conditions over a lead's fields: the "when" of routing rules and territories.
 *
 * Written as plain data so that admins can put them in YAML:
 *
 * ```yaml
 * when:
 *   territory: DACH               # a named territory (or a list: any of them)
 *   industry: [fintech, banking]  # in
 *   employees: { gte: 200 }       # numeric comparison
 *   postalCode: { range: ["80000", "89999"] }
 *   any:
 *     - { source: web-form }
 *     - { score: { gt: 80 } }
 * ```
 *
 * Several keys in one object must all hold. `all`, `any` and `not` nest conditions.
 *
 * This module is the grammar and its validation; compile-condition.ts turns a valid
 * condition into a check.
 */

/** A lead field value a condition compares against. */
export type Scalar = string | number | boolean;

/** A test applied to one field's value. */
export type FieldTest =
  | Scalar
  | ReadonlyArray<Scalar>
  | {
      readonly equals?: Scalar;
      readonly in?: ReadonlyArray<Scalar>;
      readonly prefix?: string | ReadonlyArray<string>;
      /** Inclusive bounds: numbers, or strings of equal length such as postal codes ("80000".."89999"). */
      readonly range?: readonly [Scalar, Scalar];
      readonly exists?: boolean;
      readonly gt?: number;
      readonly gte?: number;
      readonly lt?: number;
      readonly lte?: number;
      /** The field must not pass this test. */
      readonly not?: FieldTest;
    };

/** A condition: field tests, `territory`, and `all` / `any` / `not` nesting. */
export interface Condition {
  readonly all?: ReadonlyArray<Condition>;
  readonly any?: ReadonlyArray<Condition>;
  readonly not?: Condition;
  readonly territory?: string | ReadonlyArray<string>;
  readonly [field: string]: FieldTest | Condition | ReadonlyArray<Condition> | string | ReadonlyArray<string> | undefined;
}

/** One problem with a condition, located relative to it (`['any', 1, 'employees', 'gte']`). */
export interface ConditionIssue {
  readonly path: ReadonlyArray<string | number>;
  readonly message: string;
}

type Path = ReadonlyArray<string | number>;

/** Field test operators, in the order error messages list them. */
const OPERATORS = ['equals', 'in', 'prefix', 'range', 'exists', 'gt', 'gte', 'lt', 'lte', 'not'] as const;
/** The tests a field can be put to, as condition keys (`{ employees: { gte: 200 } }`). */
export type FieldOperator = (typeof OPERATORS)[number];

/** Deeper nesting than this is a mistake, and unbounded recursion on untrusted input is a crash. */
const MAX_DEPTH = 32;
const MAX_FIELD_NAME_LENGTH = 100;

const EXPECTED_CONDITION = 'expected a condition such as { country: DE }, or all / any / not / territory';
const EXPECTED_FIELD_TEST = 'expected a string or list, or a test such as { in: [...] }';
const EXPECTED_SCALAR = 'expected a string, number or boolean';
const EXPECTED_RANGE = 'expected two numbers or two strings of the same length, such as [10, 50] or ["80000", "89999"]';

/**
 * Checks that `value` is a well-formed {@link Condition}. Returns every problem, each with a
 * path relative to the condition and a message that says what was expected; an empty list
 * means the condition is valid. Never throws, whatever `value` is. Territory names are not
 * resolved here: the routing configuration checks them against its territories.
 *
 * @example
 * conditionIssues({ any: [{ source: 'web-form' }, { employees: { gte: 'many' } }] });
 * // [{ path: ['any', 1, 'employees', 'gte'], message: 'expected a number' }]
 */
export function conditionIssues(value: unknown): ConditionIssue[] {
  const issues: ConditionIssue[] = [];
  checkCondition(value, [], 0, issues);
  return issues;
}

function checkCondition(value: unknown, path: Path, depth: number, issues: ConditionIssue[]): void {
  if (depth > MAX_DEPTH) {
    issues.push({ path, message: `nested more than ${MAX_DEPTH} levels deep` });
    return;
  }
  if (Array.isArray(value)) {
    issues.push({ path, message: 'expected a condition, not a list; combine conditions with { any: [...] } or { all: [...] }' });
    return;
  }
  if (!isPlainObject(value)) {
    issues.push({ path, message: EXPECTED_CONDITION });
    return;
  }
  const entries = definedEntries(value);
  if (entries.length === 0) issues.push({ path, message: `must not be empty; ${EXPECTED_CONDITION}` });
  for (const [key, item] of entries) {
    const at = [...path, key];
    if (key === 'all' || key === 'any') checkConditionList(item, at, depth, issues);
    else if (key === 'not') checkCondition(item, at, depth + 1, issues);
    else if (key === 'territory') checkTerritoryNames(item, at, issues);
    else if (key.trim() === '' || key.length > MAX_FIELD_NAME_LENGTH) {
      issues.push({ path: at, message: `a field name must be 1 to ${MAX_FIELD_NAME_LENGTH} characters long` });
    } else checkFieldTest(item, at, depth + 1, issues);
  }
}

function checkConditionList(value: unknown, path: Path, depth: number, issues: ConditionIssue[]): void {
  if (!Array.isArray(value)) issues.push({ path, message: 'expected a list of conditions' });
  else if (value.length === 0) issues.push({ path, message: 'expected at least one condition' });
  else value.forEach((item, i) => checkCondition(item, [...path, i], depth + 1, issues));
}

function checkTerritoryNames(value: unknown, path: Path, issues: ConditionIssue[]): void {
  if (typeof value === 'string') {
    if (value.trim() === '') issues.push({ path, message: 'expected a territory name' });
  } else if (!Array.isArray(value)) {
    issues.push({ path, message: 'expected a territory name or a list of names' });
  } else if (value.length === 0) {
    issues.push({ path, message: 'expected at least one territory name' });
  } else {
    value.forEach((item, i) => {
      if (typeof item !== 'string' || item.trim() === '') issues.push({ path: [...path, i], message: 'expected a territory name' });
    });
  }
}

function checkFieldTest(value: unknown, path: Path, depth: number, issues: ConditionIssue[]): void {
  if (depth > MAX_DEPTH) {
    issues.push({ path, message: `nested more than ${MAX_DEPTH} levels deep` });
  } else if (isScalar(value)) {
    checkScalar(value, path, issues);
  } else if (Array.isArray(value)) {
    checkScalarList(value, path, issues);
  } else if (!isPlainObject(value)) {
    issues.push({ path, message: EXPECTED_FIELD_TEST });
  } else {
    const entries = definedEntries(value);
    if (entries.length === 0) issues.push({ path, message: `expected a test such as { in: [...] }; use one of ${OPERATORS.join(', ')}` });
    for (const [op, arg] of entries) checkOperator(op, arg, [...path, op], depth, issues);
  }
}

function checkOperator(op: string, arg: unknown, path: Path, depth: number, issues: ConditionIssue[]): void {
  switch (op as FieldOperator) {
    case 'equals':
      if (isScalar(arg)) checkScalar(arg, path, issues);
      else issues.push({ path, message: EXPECTED_SCALAR });
      return;
    case 'in':
      if (Array.isArray(arg)) checkScalarList(arg, path, issues);
      else issues.push({ path, message: 'expected a list of values such as [DE, AT]' });
      return;
    case 'prefix':
      return checkPrefix(arg, path, issues);
    case 'range':
      return checkRange(arg, path, issues);
    case 'exists':
      if (typeof arg !== 'boolean') issues.push({ path, message: 'expected true or false' });
      return;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (typeof arg !== 'number' || !Number.isFinite(arg)) issues.push({ path, message: 'expected a number' });
      return;
    case 'not':
      return checkFieldTest(arg, path, depth + 1, issues);
    default:
      issues.push({ path, message: `unknown test "${op}"; use one of ${OPERATORS.join(', ')}` });
  }
}

function checkScalar(value: Scalar, path: Path, issues: ConditionIssue[]): void {
  if (typeof value === 'number' && !Number.isFinite(value)) issues.push({ path, message: 'expected a finite number' });
  // A blank value can never match: leadField reports empty fields as missing.
  if (typeof value === 'string' && value.trim() === '') issues.push({ path, message: 'must not be empty; to match a missing field use { exists: false }' });
}

function checkScalarList(value: ReadonlyArray<unknown>, path: Path, issues: ConditionIssue[]): void {
  if (value.length === 0) issues.push({ path, message: 'expected at least one value' });
  value.forEach((item, i) => {
    if (isScalar(item)) checkScalar(item, [...path, i], issues);
    else issues.push({ path: [...path, i], message: EXPECTED_SCALAR });
  });
}

function checkPrefix(value: unknown, path: Path, issues: ConditionIssue[]): void {
  const prefixes = Array.isArray(value) ? value : [value];
  if (prefixes.length === 0) issues.push({ path, message: 'expected at least one prefix' });
  prefixes.forEach((item, i) => {
    const at = Array.isArray(value) ? [...path, i] : path;
    if (typeof item !== 'string') issues.push({ path: at, message: 'expected a string or a list of strings' });
    // An empty prefix would match every value, which is never what was meant.
    else if (item.trim() === '') issues.push({ path: at, message: 'must not be empty' });
  });
}

function checkRange(value: unknown, path: Path, issues: ConditionIssue[]): void {
  if (!Array.isArray(value) || value.length !== 2) {
    issues.push({ path, message: 'expected two bounds, [from, to], such as [10, 50] or ["80000", "89999"]' });
    return;
  }
  const [from, to] = value as [unknown, unknown];
  if (typeof from === 'number' && typeof to === 'number') {
    if (!Number.isFinite(from) || !Number.isFinite(to)) issues.push({ path, message: 'expected finite numbers' });
    else if (from > to) issues.push({ path, message: `the lower bound comes first: [${to}, ${from}]` });
  } else if (typeof from === 'string' && typeof to === 'string') {
    const [low, high] = [rangeKey(from), rangeKey(to)];
    if (low === '' || high === '') issues.push({ path, message: 'bounds must not be empty' });
    else if (low.length !== high.length) {
      issues.push({ path, message: `bounds must have the same length, as in ["80000", "89999"]; "${from}" has ${low.length} characters, "${to}" has ${high.length}` });
    } else if (low > high) issues.push({ path, message: `the lower bound comes first: ["${to}", "${from}"]` });
  } else {
    issues.push({ path, message: EXPECTED_RANGE });
  }
}

/**
 * Every `territory:` reference in a condition, with its path relative to the condition.
 * Works on any value (it skips what is not a condition), so it can run before or after
 * {@link conditionIssues}.
 */
export function territoryReferences(condition: unknown): Array<{ name: string; path: Array<string | number> }> {
  const refs: Array<{ name: string; path: Array<string | number> }> = [];
  const visit = (value: unknown, path: Array<string | number>, depth: number): void => {
    if (depth > MAX_DEPTH || !isPlainObject(value)) return;
    for (const [key, item] of Object.entries(value)) {
      const at = [...path, key];
      if (key === 'territory') {
        if (typeof item === 'string' && item.trim() !== '') refs.push({ name: item, path: at });
        if (Array.isArray(item)) item.forEach((name, j) => typeof name === 'string' && name.trim() !== '' && refs.push({ name, path: [...at, j] }));
      } else if ((key === 'all' || key === 'any') && Array.isArray(item)) {
        item.forEach((child, j) => visit(child, [...at, j], depth + 1));
      } else if (key === 'not') {
        visit(item, at, depth + 1);
      }
    }
  };
  visit(condition, [], 0);
  return refs;
}

/**
 * Finds territories that refer to each other in a circle (`A → B → A`, or `A → A`), which
 * would make matching never end. Returns the first circle found, starting at the territory
 * with the lowest index on it (`index`), as names ending where they start; null if there is
 * none. References to unknown territories are ignored (they are reported on their own).
 */
export function findTerritoryCycle(territories: ReadonlyArray<{ name: string; when: unknown }>): { index: number; names: string[] } | null {
  const indexByName = new Map<string, number>();
  territories.forEach((t, i) => {
    if (!indexByName.has(territoryKey(t.name))) indexByName.set(territoryKey(t.name), i);
  });
  const edges = territories.map((t) =>
    territoryReferences(t.when).flatMap((ref) => {
      const target = indexByName.get(territoryKey(ref.name));
      return target === undefined ? [] : [target];
    }),
  );
  // Depth-first search: a reference back to a territory still on the stack closes a circle.
  const state = new Array<'new' | 'open' | 'done'>(territories.length).fill('new');
  const stack: number[] = [];
  const visit = (i: number): number[] | null => {
    state[i] = 'open';
    stack.push(i);
    for (const j of edges[i]!) {
      if (state[j] === 'open') return [...stack.slice(stack.indexOf(j)), j];
      const found = state[j] === 'new' ? visit(j) : null;
      if (found) return found;
    }
    stack.pop();
    state[i] = 'done';
    return null;
  };
  for (let i = 0; i < territories.length; i++) {
    const circle = state[i] === 'new' ? visit(i) : null;
    if (circle) return { index: circle[0]!, names: circle.map((j) => territories[j]!.name) };
  }
  return null;
}
