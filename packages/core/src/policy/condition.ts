import { ValidationError } from '../errors.ts';
import { type LeadFacts, leadField } from './facts.ts';

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
type Operator = (typeof OPERATORS)[number];

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
  switch (op as Operator) {
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

/** How territories are keyed: names are unique ignoring case. */
function territoryKey(name: string): string {
  return name.trim().toLowerCase();
}

/** Whether the lead passes a condition: `true`, or a short reason naming the first failing test. */
export type ConditionCheck = (lead: LeadFacts) => true | string;

/** A condition ready to evaluate, and a summary of it for people. */
export interface CompiledCondition {
  /** Evaluates the condition; builds a string only when the lead fails. */
  readonly check: ConditionCheck;
  /** For people, e.g. `territory DACH and industry in fintech, banking`. */
  readonly description: string;
}

/**
 * Compiles a condition into a check, once, so that routing evaluates closures rather than
 * data: the success path parses nothing and builds no strings. `territories` maps lower-cased
 * names to their conditions; territories may refer to other territories.
 *
 * Matching is forgiving about form, since leads come from web forms and CRMs: strings compare
 * trimmed and ignoring case; numeric strings ("250") count as numbers in numeric tests and
 * in equality with numbers; `true` equals `true` and "true". A missing field fails every test
 * except `exists: false` and a field-level `not`.
 *
 * @throws {ValidationError} if the condition (or a territory it uses) is malformed, names an
 *   unknown territory, or territories refer to each other in a circle. A condition from a
 *   validated routing configuration never throws.
 * @example
 * const { check } = compileCondition({ territory: 'DACH', employees: { gte: 200 } }, territories);
 * check(lead); // true, or e.g. 'territory DACH: country is "US", not one of DE, AT, CH'
 */
export function compileCondition(condition: Condition, territories: ReadonlyMap<string, Condition>): CompiledCondition {
  const context: CompileContext = { territories, compiled: new Map(), compiling: [] };
  assertCompilable(condition, context, null);
  const node = compileNode(condition, context);
  return { check: node.check, description: node.description };
}

/**
 * A compiled condition, evaluated two ways: `holds` never builds a string, for where a
 * failure is not reported (inside `not`, and `any` alternatives before one holds); `check`
 * builds the reason when it fails, without evaluating twice on the way.
 */
interface Node {
  readonly holds: (lead: LeadFacts) => boolean;
  readonly check: ConditionCheck;
  readonly description: string;
}

interface CompileContext {
  readonly territories: ReadonlyMap<string, Condition>;
  /** Territories compiled so far, by key: each is compiled once however often it is used. */
  readonly compiled: Map<string, Node>;
  /** Names of the territories being compiled, outermost first: meeting one again closes a circle. */
  readonly compiling: string[];
}

function assertCompilable(condition: unknown, context: CompileContext, territory: string | null): void {
  const issues = conditionIssues(condition).map((issue) => ({
    path: dottedPath(issue.path),
    message: territory === null ? issue.message : `in territory ${territory}: ${issue.message}`,
  }));
  for (const ref of territoryReferences(condition)) {
    if (!context.territories.has(territoryKey(ref.name))) {
      issues.push({ path: dottedPath(ref.path), message: `no territory named "${ref.name}"${territory === null ? '' : ` (in territory ${territory})`}` });
    }
  }
  if (issues.length > 0) throw new ValidationError(issues);
}

function compileNode(condition: Condition, context: CompileContext): Node {
  const parts = definedEntries(condition).map(([key, value]) => compileEntry(key, value, context));
  return parts.length === 1 ? parts[0]! : allOf(parts, parts.map((p) => p.description).join(' and '));
}

function compileEntry(key: string, value: unknown, context: CompileContext): Node {
  switch (key) {
    case 'all': {
      const parts = (value as ReadonlyArray<Condition>).map((c) => compileNode(c, context));
      return parts.length === 1 ? parts[0]! : allOf(parts, `all of (${parts.map((p) => p.description).join('; ')})`);
    }
    case 'any': {
      const parts = (value as ReadonlyArray<Condition>).map((c) => compileNode(c, context));
      return parts.length === 1 ? parts[0]! : anyOf(parts);
    }
    case 'not':
      return negation(compileNode(value as Condition, context));
    case 'territory':
      return typeof value === 'string' ? territoryNode(value, context) : territoryList(value as ReadonlyArray<string>, context);
    default:
      return fieldNode(key, compileFieldTest(value as FieldTest));
  }
}

function allOf(parts: ReadonlyArray<Node>, description: string): Node {
  return {
    description,
    holds: (lead) => {
      for (const part of parts) if (!part.holds(lead)) return false;
      return true;
    },
    check: (lead) => {
      for (const part of parts) {
        const result = part.check(lead);
        if (result !== true) return result;
      }
      return true;
    },
  };
}

function anyOf(parts: ReadonlyArray<Node>): Node {
  return {
    description: `any of (${parts.map((p) => p.description).join('; ')})`,
    holds: (lead) => {
      for (const part of parts) if (part.holds(lead)) return true;
      return false;
    },
    check: (lead) => {
      for (const part of parts) if (part.holds(lead)) return true;
      let reasons = '';
      for (const part of parts) reasons += (reasons ? '; ' : '') + (part.check(lead) as string);
      return `none of ${parts.length} alternatives held (${reasons})`;
    },
  };
}

function negation(inner: Node): Node {
  return {
    description: `not (${inner.description})`,
    holds: (lead) => !inner.holds(lead),
    check: (lead) => (inner.holds(lead) ? `matches the excluded condition: ${inner.description}` : true),
  };
}

function territoryNode(name: string, context: CompileContext): Node {
  const label = name.trim();
  const territory = compileTerritory(label, context);
  return {
    description: `territory ${label}`,
    holds: territory.holds,
    check: (lead) => {
      const result = territory.check(lead);
      return result === true ? true : `territory ${label}: ${result}`;
    },
  };
}

function territoryList(names: ReadonlyArray<string>, context: CompileContext): Node {
  if (names.length === 1) return territoryNode(names[0]!, context);
  const labels = names.map((name) => name.trim());
  const parts = labels.map((label) => compileTerritory(label, context));
  return {
    description: `territory ${labels.join(' or ')}`,
    holds: (lead) => {
      for (const part of parts) if (part.holds(lead)) return true;
      return false;
    },
    check: (lead) => {
      for (const part of parts) if (part.holds(lead)) return true;
      let reasons = '';
      parts.forEach((part, i) => (reasons += `${i > 0 ? '; ' : ''}${labels[i]}: ${part.check(lead) as string}`));
      return `none of ${parts.length} territories held (${reasons})`;
    },
  };
}

function compileTerritory(name: string, context: CompileContext): Node {
  const key = territoryKey(name);
  const done = context.compiled.get(key);
  if (done) return done;
  const open = context.compiling.findIndex((other) => territoryKey(other) === key);
  if (open >= 0) {
    const circle = [...context.compiling.slice(open), name];
    throw new ValidationError([{ path: 'territory', message: `territories refer to each other in a circle: ${circle.join(' → ')}` }]);
  }
  const condition = context.territories.get(key)!;
  assertCompilable(condition, context, name);
  context.compiling.push(name);
  const node = compileNode(condition, context);
  context.compiling.pop();
  context.compiled.set(key, node);
  return node;
}

/** A compiled field test, applied to one field's value. */
interface Predicate {
  readonly holds: (value: Scalar | undefined) => boolean;
  /** What a failing value should have been, after "not": `one of DE, AT`, `≥ 200`. */
  readonly expected: string;
  /** For descriptions, after the field name: `in DE, AT`, and its opposite `not in DE, AT`. */
  readonly phrase: string;
  readonly negatedPhrase: string;
  /** Why a present value failed; only called after `holds` said no. */
  readonly whyNot: (field: string, value: Scalar) => string;
}

function fieldNode(field: string, predicate: Predicate): Node {
  return {
    description: `${field} ${predicate.phrase}`,
    holds: (lead) => predicate.holds(fieldValue(lead, field)),
    check: (lead) => {
      const value = fieldValue(lead, field);
      if (predicate.holds(value)) return true;
      return value === undefined ? `${field} is missing` : predicate.whyNot(field, value);
    },
  };
}

/** A lead field as field tests see it. */
function fieldValue(lead: LeadFacts, field: string): Scalar | undefined {
  const value: unknown = leadField(lead, field);
  // Attributes are a plain record, so a field named like an Object.prototype member
  // ("constructor") can come back as a function: that is no value the lead has.
  return isScalar(value) ? value : undefined;
}

function compileFieldTest(test: FieldTest): Predicate {
  if (isScalar(test)) return equalsPredicate(test);
  if (Array.isArray(test)) return inPredicate(test as ReadonlyArray<Scalar>);
  const parts = definedEntries(test).map(([op, arg]) => compileOperator(op as Operator, arg));
  return parts.length === 1 ? parts[0]! : allOfPredicate(parts);
}

function compileOperator(op: Operator, arg: unknown): Predicate {
  switch (op) {
    case 'equals':
      return equalsPredicate(arg as Scalar);
    case 'in':
      return inPredicate(arg as ReadonlyArray<Scalar>);
    case 'prefix':
      return prefixPredicate(typeof arg === 'string' ? [arg] : (arg as ReadonlyArray<string>));
    case 'range':
      return rangePredicate(arg as readonly [Scalar, Scalar]);
    case 'exists':
      return arg === true
        ? predicate((v) => v !== undefined, 'present', 'is present', 'is missing')
        : predicate((v) => v === undefined, 'missing', 'is missing', 'is present');
    case 'gt':
      return comparison(arg as number, '>', (n, bound) => n > bound);
    case 'gte':
      return comparison(arg as number, '≥', (n, bound) => n >= bound);
    case 'lt':
      return comparison(arg as number, '<', (n, bound) => n < bound);
    case 'lte':
      return comparison(arg as number, '≤', (n, bound) => n <= bound);
    case 'not':
      return notPredicate(compileFieldTest(arg as FieldTest));
  }
}

/** A predicate whose failure reads `<field> is <value>, not <expected>`. */
function predicate(holds: Predicate['holds'], expected: string, phrase: string, negatedPhrase: string): Predicate {
  return { holds, expected, phrase, negatedPhrase, whyNot: (field, value) => `${field} is ${showValue(value)}, not ${expected}` };
}

function equalsPredicate(value: Scalar): Predicate {
  return predicate(membership([value]), showValue(value), `is ${value}`, `is not ${value}`);
}

function inPredicate(values: ReadonlyArray<Scalar>): Predicate {
  const list = values.join(', ');
  return predicate(membership(values), `one of ${list}`, `in ${list}`, `not in ${list}`);
}

/**
 * Equality against a set of values, decided by set lookups. Strings are compared trimmed and
 * lower-cased; a value that reads as a number also matches a number in the set.
 */
function membership(values: ReadonlyArray<Scalar>): (value: Scalar | undefined) => boolean {
  const strings = new Set<string>();
  const numbers = new Set<number>();
  for (const value of values) {
    const text = typeof value === 'string' ? value.trim().toLowerCase() : String(value);
    strings.add(text);
    if (typeof value === 'number') numbers.add(value);
    // "80331" in the configuration also matches a lead whose postal code arrived as the number
    // 80331; "08000" does not match 8000, which is a different postal code.
    const number = typeof value === 'string' ? parseNumber(text) : undefined;
    if (number !== undefined && String(number) === text) numbers.add(number);
  }
  return (value) => {
    if (value === undefined) return false;
    if (typeof value === 'number') return numbers.has(value);
    if (typeof value === 'boolean') return strings.has(value ? 'true' : 'false');
    const text = value.trim().toLowerCase();
    if (strings.has(text)) return true;
    if (numbers.size === 0) return false;
    const number = parseNumber(text);
    return number !== undefined && numbers.has(number);
  };
}

function prefixPredicate(prefixes: ReadonlyArray<string>): Predicate {
  const lowered = prefixes.map((p) => p.trim().toLowerCase());
  const holds = (value: Scalar | undefined): boolean => {
    if (value === undefined) return false;
    const text = typeof value === 'string' ? value.trim().toLowerCase() : String(value);
    for (const prefix of lowered) if (text.startsWith(prefix)) return true;
    return false;
  };
  return prefixes.length === 1
    ? predicate(holds, `starting with ${showValue(prefixes[0]!)}`, `starts with ${prefixes[0]}`, `does not start with ${prefixes[0]}`)
    : predicate(holds, `starting with one of ${prefixes.join(', ')}`, `starts with ${prefixes.join(' or ')}`, `does not start with ${prefixes.join(' or ')}`);
}

function rangePredicate([from, to]: readonly [Scalar, Scalar]): Predicate {
  const between = `between ${from} and ${to}`;
  if (typeof from === 'number' && typeof to === 'number') {
    const holds = (value: Scalar | undefined): boolean => {
      const n = numericValue(value);
      return n !== undefined && n >= from && n <= to;
    };
    return predicate(holds, between, between, `not ${between}`);
  }
  // Postal-code style: compare the value's first characters, so "80331" and "80331-1234"
  // both fall in "80000".."89999", and "SW1A 1AA" in "SW1".."SW9".
  const [low, high] = [rangeKey(String(from)), rangeKey(String(to))];
  const holds = (value: Scalar | undefined): boolean => {
    if (value === undefined) return false;
    const key = rangeKey(String(value));
    if (key.length < low.length) return false;
    const head = key.length === low.length ? key : key.slice(0, low.length);
    return head >= low && head <= high;
  };
  return predicate(holds, between, between, `not ${between}`);
}

function comparison(bound: number, symbol: string, compare: (n: number, bound: number) => boolean): Predicate {
  const holds = (value: Scalar | undefined): boolean => {
    const n = numericValue(value);
    return n !== undefined && compare(n, bound);
  };
  return predicate(holds, `${symbol} ${bound}`, `${symbol} ${bound}`, `not ${symbol} ${bound}`);
}

function notPredicate(inner: Predicate): Predicate {
  return {
    holds: (value) => !inner.holds(value),
    expected: `anything but ${inner.expected}`,
    phrase: inner.negatedPhrase,
    negatedPhrase: inner.phrase,
    whyNot: (field, value) => `${field} is ${showValue(value)}: must not be ${inner.expected}`,
  };
}

function allOfPredicate(parts: ReadonlyArray<Predicate>): Predicate {
  const phrase = parts.map((p) => p.phrase).join(' and ');
  return {
    holds: (value) => {
      for (const part of parts) if (!part.holds(value)) return false;
      return true;
    },
    expected: parts.map((p) => p.expected).join(' and '),
    phrase,
    negatedPhrase: `not (${phrase})`,
    whyNot: (field, value) => parts.find((part) => !part.holds(value))!.whyNot(field, value),
  };
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/** A decimal number written as text ("250", "-1.5", "1e3"); not hex, not blank, not "Infinity". */
function parseNumber(text: string): number | undefined {
  if (!NUMBER.test(text)) return undefined;
  const number = Number(text);
  return Number.isFinite(number) ? number : undefined;
}

function numericValue(value: Scalar | undefined): number | undefined {
  if (typeof value === 'number') return value;
  return typeof value === 'string' ? parseNumber(value.trim()) : undefined;
}

const SPACE = /\s/;
const SPACES = /\s+/g;

/** How string range bounds and values compare: upper case, without spaces ("sw1a 1aa" → "SW1A1AA"). */
function rangeKey(text: string): string {
  const upper = text.toUpperCase();
  // Most values have no spaces: skip the replace (and its new string) for them.
  return SPACE.test(upper) ? upper.replace(SPACES, '') : upper;
}

/** A lead value in a reason: strings quoted (and cut short), so that `""` and `"1"` are visible. */
function showValue(value: Scalar): string {
  if (typeof value !== 'string') return String(value);
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}…` : value);
}

function dottedPath(path: Path): string {
  let text = '';
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : text ? `.${key}` : key;
  return text;
}

function isScalar(value: unknown): value is Scalar {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** Objects as YAML and JSON produce them; not arrays, dates or class instances. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Keys set to `undefined` (`{ all: undefined }` built in code) count as absent. */
function definedEntries(value: object): Array<[string, unknown]> {
  return Object.entries(value).filter(([, v]) => v !== undefined);
}
