import { ValidationError } from '../errors.ts';
import { dottedPath } from '../zod-issues.ts';
import { type Condition, conditionIssues, type FieldOperator, type FieldTest, type Scalar, territoryReferences } from './condition.ts';
import { definedEntries, isScalar, rangeKey, territoryKey } from './condition-values.ts';
import { type LeadFacts, leadField } from './facts.ts';

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

/** Whether any of `parts` holds, without building a string. */
function someHolds(parts: ReadonlyArray<Pick<Node, 'holds'>>): Node['holds'] {
  return (lead) => {
    for (const part of parts) if (part.holds(lead)) return true;
    return false;
  };
}

function anyOf(parts: ReadonlyArray<Node>): Node {
  const holds = someHolds(parts);
  return {
    description: `any of (${parts.map((p) => p.description).join('; ')})`,
    holds,
    check: (lead) => {
      if (holds(lead)) return true;
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
  const holds = someHolds(parts);
  return {
    description: `territory ${labels.join(' or ')}`,
    holds,
    check: (lead) => {
      if (holds(lead)) return true;
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
  const parts = definedEntries(test).map(([op, arg]) => compileFieldOperator(op as FieldOperator, arg));
  return parts.length === 1 ? parts[0]! : allOfPredicate(parts);
}

function compileFieldOperator(op: FieldOperator, arg: unknown): Predicate {
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

/** A lead value in a reason: strings quoted (and cut short), so that `""` and `"1"` are visible. */
function showValue(value: Scalar): string {
  if (typeof value !== 'string') return String(value);
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}…` : value);
}
