/**
 * A SOQL *subset* for the fake Salesforce server: enough for the queries the connector
 * issues, nothing more. Supported:
 *
 *   SELECT field, field, ... FROM Object
 *     [WHERE condition] [ORDER BY field [ASC|DESC] [NULLS FIRST|LAST], ...] [LIMIT n]
 *
 * where a condition is comparisons (`=`, `!=`, `<>`, `<`, `<=`, `>`, `>=`, `LIKE`,
 * `IN (...)`, `NOT IN (...)`) of a field with a literal — a quoted string, a number,
 * `true`/`false`, `null`, a datetime (`2026-12-02T15:00:00Z`, `.000+0000`, `+00:00`) or a
 * date (`2026-12-02`) — joined by `AND`, `OR`, `NOT` and parentheses. Not supported:
 * relationship fields (`Owner.Email`), sub-queries, aggregates, `GROUP BY`, `OFFSET`,
 * date literals such as `TODAY`, bind variables. Field and object names are case-insensitive,
 * as in Salesforce; an unknown one is an error with Salesforce's error code.
 */

/** A SOQL error with Salesforce's error code (`MALFORMED_QUERY`, `INVALID_FIELD`, `INVALID_TYPE`). */
export class SoqlError extends Error {
  override name = 'SoqlError';
  readonly errorCode: string;
  constructor(errorCode: string, message: string) {
    super(message);
    this.errorCode = errorCode;
  }
}

/** A literal value in a condition. Datetimes and dates are epoch milliseconds, tagged. */
export type SoqlValue = string | number | boolean | null | { readonly time: number };

/** A parsed condition. */
export type SoqlCondition =
  | { readonly kind: 'and' | 'or'; readonly left: SoqlCondition; readonly right: SoqlCondition }
  | { readonly kind: 'not'; readonly inner: SoqlCondition }
  | { readonly kind: 'compare'; readonly field: string; readonly op: string; readonly value: SoqlValue }
  | { readonly kind: 'in'; readonly field: string; readonly negated: boolean; readonly values: ReadonlyArray<SoqlValue> };

/** A parsed query. */
export interface SoqlQuery {
  readonly fields: ReadonlyArray<string>;
  readonly object: string;
  readonly where: SoqlCondition | undefined;
  readonly orderBy: ReadonlyArray<{ readonly field: string; readonly descending: boolean; readonly nullsLast: boolean }>;
  readonly limit: number | undefined;
}

type Token = { readonly type: 'word' | 'string' | 'op' | 'punct'; readonly text: string };

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < soql.length) {
    const c = soql[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let text = '';
      i++;
      while (i < soql.length && soql[i] !== "'") {
        if (soql[i] === '\\' && i + 1 < soql.length) {
          const next = soql[i + 1] as string;
          text += next === 'n' ? '\n' : next === 't' ? '\t' : next;
          i += 2;
        } else {
          text += soql[i];
          i++;
        }
      }
      if (i >= soql.length) throw new SoqlError('MALFORMED_QUERY', 'unterminated string literal');
      i++;
      tokens.push({ type: 'string', text });
    } else if ('(),'.includes(c)) {
      tokens.push({ type: 'punct', text: c });
      i++;
    } else if ('<>=!'.includes(c)) {
      const two = soql.slice(i, i + 2);
      if (['<=', '>=', '!=', '<>'].includes(two)) {
        tokens.push({ type: 'op', text: two === '<>' ? '!=' : two });
        i += 2;
      } else {
        tokens.push({ type: 'op', text: c });
        i++;
      }
    } else {
      const match = /^[A-Za-z0-9_.:+-]+/.exec(soql.slice(i));
      if (!match) throw new SoqlError('MALFORMED_QUERY', `unexpected character '${c}' at position ${i}`);
      tokens.push({ type: 'word', text: match[0] });
      i += match[0].length;
    }
  }
  return tokens;
}

/** Parses a query of the supported subset; throws `SoqlError` otherwise. */
export function parseSoql(soql: string): SoqlQuery {
  const tokens = tokenize(soql);
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (word: string) => peek()?.type === 'word' && peek()?.text.toUpperCase() === word;
  const expectWord = (word: string) => {
    if (!isWord(word)) throw new SoqlError('MALFORMED_QUERY', `expected ${word} near '${peek()?.text ?? 'end of query'}'`);
    pos++;
  };
  const identifier = (): string => {
    const token = peek();
    if (token?.type !== 'word') throw new SoqlError('MALFORMED_QUERY', `expected a field name near '${token?.text ?? 'end of query'}'`);
    pos++;
    if (token.text.includes('.')) {
      throw new SoqlError('MALFORMED_QUERY', `relationship fields such as ${token.text} are not supported by the fake server's SOQL subset`);
    }
    return token.text;
  };
  const literal = (): SoqlValue => {
    const token = peek();
    if (!token) throw new SoqlError('MALFORMED_QUERY', 'expected a value at the end of the query');
    pos++;
    if (token.type === 'string') return token.text;
    if (token.type !== 'word') throw new SoqlError('MALFORMED_QUERY', `expected a value near '${token.text}'`);
    const text = token.text;
    if (/^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
    if (/^null$/i.test(text)) return null;
    if (DATETIME.test(text)) return { time: Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) };
    if (DATE.test(text)) return { time: Date.parse(`${text}T00:00:00Z`) };
    if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
    throw new SoqlError('MALFORMED_QUERY', `unexpected token '${text}': strings must be in single quotes`);
  };
  const condition = (): SoqlCondition => {
    let left = conjunction();
    while (isWord('OR')) {
      pos++;
      left = { kind: 'or', left, right: conjunction() };
    }
    return left;
  };
  const conjunction = (): SoqlCondition => {
    let left = factor();
    while (isWord('AND')) {
      pos++;
      left = { kind: 'and', left, right: factor() };
    }
    return left;
  };
  const factor = (): SoqlCondition => {
    if (isWord('NOT')) {
      pos++;
      return { kind: 'not', inner: factor() };
    }
    if (peek()?.text === '(') {
      pos++;
      const inner = condition();
      if (peek()?.text !== ')') throw new SoqlError('MALFORMED_QUERY', 'missing )');
      pos++;
      return inner;
    }
    const field = identifier();
    let negated = false;
    if (isWord('NOT')) {
      pos++;
      negated = true;
      if (!isWord('IN')) throw new SoqlError('MALFORMED_QUERY', `expected IN after NOT near '${peek()?.text ?? 'end of query'}'`);
    }
    if (isWord('IN')) {
      pos++;
      if (peek()?.text !== '(') throw new SoqlError('MALFORMED_QUERY', 'expected ( after IN');
      pos++;
      const values: SoqlValue[] = [literal()];
      while (peek()?.text === ',') {
        pos++;
        values.push(literal());
      }
      if (peek()?.text !== ')') throw new SoqlError('MALFORMED_QUERY', 'missing ) after IN list');
      pos++;
      return { kind: 'in', field, negated, values };
    }
    const op = peek();
    if (op?.type === 'op') {
      pos++;
      return { kind: 'compare', field, op: op.text, value: literal() };
    }
    if (isWord('LIKE')) {
      pos++;
      return { kind: 'compare', field, op: 'LIKE', value: literal() };
    }
    throw new SoqlError('MALFORMED_QUERY', `expected an operator after ${field} near '${op?.text ?? 'end of query'}'`);
  };

  expectWord('SELECT');
  const fields = [identifier()];
  while (peek()?.text === ',') {
    pos++;
    fields.push(identifier());
  }
  expectWord('FROM');
  const object = identifier();
  let where: SoqlCondition | undefined;
  if (isWord('WHERE')) {
    pos++;
    where = condition();
  }
  const orderBy: Array<{ field: string; descending: boolean; nullsLast: boolean }> = [];
  if (isWord('ORDER')) {
    pos++;
    expectWord('BY');
    do {
      if (peek()?.text === ',') pos++;
      const field = identifier();
      let descending = false;
      if (isWord('ASC')) pos++;
      else if (isWord('DESC')) {
        pos++;
        descending = true;
      }
      let nullsLast = descending;
      if (isWord('NULLS')) {
        pos++;
        if (isWord('FIRST')) nullsLast = false;
        else if (isWord('LAST')) nullsLast = true;
        else throw new SoqlError('MALFORMED_QUERY', 'expected FIRST or LAST after NULLS');
        pos++;
      }
      orderBy.push({ field, descending, nullsLast });
    } while (peek()?.text === ',');
  }
  let limit: number | undefined;
  if (isWord('LIMIT')) {
    pos++;
    const value = literal();
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new SoqlError('MALFORMED_QUERY', 'LIMIT must be a non-negative integer');
    limit = value;
  }
  if (pos < tokens.length) throw new SoqlError('MALFORMED_QUERY', `unexpected token '${tokens[pos]?.text}'`);
  return { fields, object, where, orderBy, limit };
}

/** A record's field value as stored by the fake org: datetimes are `Date`s. */
export type FieldValue = string | number | boolean | null | Date;

function comparable(value: FieldValue | SoqlValue | undefined): string | number | boolean | null {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'object') return value.time;
  return value;
}

/** Compares a field value with a literal; strings ignore case except in Id fields, as in SOQL. */
function compare(a: FieldValue | undefined, b: SoqlValue, field = ''): number | null {
  const caseSensitive = /Id$/.test(field);
  const fold = (v: string | number | boolean | null) => (typeof v === 'string' && !caseSensitive ? v.toLowerCase() : v);
  const x = fold(comparable(a));
  const y = fold(comparable(b));
  if (x === null || y === null) return null;
  if (typeof x === 'string' && typeof y === 'string') return x < y ? -1 : x > y ? 1 : 0;
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  if (typeof x === 'boolean' && typeof y === 'boolean') return Number(x) - Number(y);
  return String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
}

function likeToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(`^${escaped}$`, 'i');
}

/** True if `record` (keys in their canonical case) satisfies `condition`; `field` maps a name to its canonical case. */
export function matches(condition: SoqlCondition, record: Readonly<Record<string, FieldValue>>, field: (name: string) => string): boolean {
  switch (condition.kind) {
    case 'and':
      return matches(condition.left, record, field) && matches(condition.right, record, field);
    case 'or':
      return matches(condition.left, record, field) || matches(condition.right, record, field);
    case 'not':
      return !matches(condition.inner, record, field);
    case 'in': {
      const value = record[field(condition.field)];
      const found = condition.values.some((v) => (v === null ? value === null || value === undefined : compare(value, v, field(condition.field)) === 0));
      return condition.negated ? !found : found;
    }
    case 'compare': {
      const value = record[field(condition.field)];
      if (condition.value === null) {
        const isNull = value === null || value === undefined;
        if (condition.op === '=') return isNull;
        if (condition.op === '!=') return !isNull;
        throw new SoqlError('MALFORMED_QUERY', `null can only be compared with = or !=`);
      }
      if (condition.op === 'LIKE') return typeof value === 'string' && typeof condition.value === 'string' && likeToRegExp(condition.value).test(value);
      const c = compare(value, condition.value, field(condition.field));
      if (c === null) return condition.op === '!=';
      switch (condition.op) {
        case '=':
          return c === 0;
        case '!=':
          return c !== 0;
        case '<':
          return c < 0;
        case '<=':
          return c <= 0;
        case '>':
          return c > 0;
        case '>=':
          return c >= 0;
        default:
          throw new SoqlError('MALFORMED_QUERY', `unknown operator ${condition.op}`);
      }
    }
  }
}

/** Sorts records by an ORDER BY clause (stable). */
export function orderRecords<T extends Readonly<Record<string, FieldValue>>>(records: T[], orderBy: SoqlQuery['orderBy'], field: (name: string) => string): T[] {
  return [...records].sort((a, b) => {
    for (const o of orderBy) {
      const x = comparable(a[field(o.field)]);
      const y = comparable(b[field(o.field)]);
      if (x === y) continue;
      if (x === null) return o.nullsLast ? 1 : -1;
      if (y === null) return o.nullsLast ? -1 : 1;
      const c = x < y ? -1 : 1;
      return o.descending ? -c : c;
    }
    return 0;
  });
}

/** Every field a condition names. */
export function conditionFields(condition: SoqlCondition | undefined): string[] {
  if (!condition) return [];
  switch (condition.kind) {
    case 'and':
    case 'or':
      return [...conditionFields(condition.left), ...conditionFields(condition.right)];
    case 'not':
      return conditionFields(condition.inner);
    case 'in':
    case 'compare':
      return [condition.field];
  }
}
