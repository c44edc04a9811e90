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
