/** One CloudTrail event as the trail's advanced event selectors see it. */
export interface SelectableEvent {
  readonly eventCategory: 'Management' | 'Data';
  readonly eventName: string;
  readonly userIdentity: { readonly arn: string };
  readonly resources?: ReadonlyArray<{ readonly type: string; readonly ARN: string }>;
}

/** A trail's `AdvancedEventSelectors` as CloudFormation holds them, intrinsics resolved. */
export interface AdvancedEventSelector {
  readonly Name?: string;
  readonly FieldSelectors: ReadonlyArray<{
    readonly Field: string;
    readonly Equals?: readonly string[];
    readonly StartsWith?: readonly string[];
    readonly EndsWith?: readonly string[];
    readonly NotEquals?: readonly string[];
    readonly NotStartsWith?: readonly string[];
    readonly NotEndsWith?: readonly string[];
  }>;
}

function valuesOf(event: SelectableEvent, field: string): string[] {
  switch (field) {
    case 'eventCategory':
      return [event.eventCategory];
    case 'eventName':
      return [event.eventName];
    case 'userIdentity.arn':
      return [event.userIdentity.arn];
    case 'resources.type':
      return (event.resources ?? []).map((resource) => resource.type);
    case 'resources.ARN':
      return (event.resources ?? []).map((resource) => resource.ARN);
    default:
      throw new Error(`the selector evaluator does not know the field ${field}: teach it before relying on it`);
  }
}

/**
 * Whether a trail with these advanced event selectors records the event, as CloudTrail decides it:
 * any selector whose field selectors all match. Within a field selector, a positive operator
 * (Equals, StartsWith, EndsWith) needs one value to match one of its operands, a negative one needs
 * no value to match any.
 */
export function recordedBy(selectors: readonly AdvancedEventSelector[], event: SelectableEvent): boolean {
  return selectors.some((selector) =>
    selector.FieldSelectors.every((fieldSelector) => {
      const values = valuesOf(event, fieldSelector.Field);
      const any = (operands: readonly string[] | undefined, test: (value: string, operand: string) => boolean) =>
        values.some((value) => operands!.some((operand) => test(value, operand)));
      const checks: boolean[] = [];
      if (fieldSelector.Equals) checks.push(any(fieldSelector.Equals, (v, o) => v === o));
      if (fieldSelector.StartsWith) checks.push(any(fieldSelector.StartsWith, (v, o) => v.startsWith(o)));
      if (fieldSelector.EndsWith) checks.push(any(fieldSelector.EndsWith, (v, o) => v.endsWith(o)));
      if (fieldSelector.NotEquals) checks.push(!any(fieldSelector.NotEquals, (v, o) => v === o));
      if (fieldSelector.NotStartsWith) checks.push(!any(fieldSelector.NotStartsWith, (v, o) => v.startsWith(o)));
      if (fieldSelector.NotEndsWith) checks.push(!any(fieldSelector.NotEndsWith, (v, o) => v.endsWith(o)));
      if (checks.length === 0) throw new Error(`field selector on ${fieldSelector.Field} has no operator the evaluator knows`);
      return checks.every(Boolean);
    }),
  );
}
